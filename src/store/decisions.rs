//! Plays paused by an answer, waiting for their owner: one row per account,
//! with the answer that paused them.

use super::{rows, Result, Store};
use crate::domain::Outcome;
use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension};

/// An account whose plays wait for its owner's decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecisionRow {
    pub account_id: i64,
    pub account_name: String,
    pub owner: String,
    /// The waiting plays, as `name vN`.
    pub plays: Vec<String>,
    /// Since when the owner has had to decide.
    pub since: DateTime<Utc>,
    /// The latest answer on the account: who, what, and what they said.
    pub player_name: Option<String>,
    pub outcome: Option<Outcome>,
    pub said: Option<String>,
}

impl Store {
    /// Accounts with a play paused for a decision, the longest waiting first;
    /// one rep's, or everyone's.
    pub fn decisions(&self, owner: Option<&str>) -> Result<Vec<DecisionRow>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT a.id, a.name, a.owner, MIN(e.decision_at), group_concat(p.name || ' v' || p.version, '\u{1f}'),
                    (SELECT act.id FROM activity act
                      WHERE act.account_id = a.id AND act.action IN ('replied', 'meeting') AND act.undone_by IS NULL
                      ORDER BY act.at DESC, act.id DESC LIMIT 1)
               FROM enrollments e JOIN accounts a ON a.id = e.account_id JOIN plays p ON p.id = e.play_id
              WHERE e.state = 'paused' AND e.decision_at IS NOT NULL AND (?1 IS NULL OR a.owner = ?1)
              GROUP BY a.id ORDER BY MIN(e.decision_at), a.id",
        )?;
        let found: Vec<(DecisionRow, Option<i64>)> = stmt
            .query_map(params![owner], |r| {
                let plays: String = r.get(4)?;
                Ok((
                    DecisionRow {
                        account_id: r.get(0)?,
                        account_name: r.get(1)?,
                        owner: r.get(2)?,
                        plays: plays.split('\u{1f}').map(str::to_string).collect(),
                        since: rows::time(r, 3)?,
                        player_name: None,
                        outcome: None,
                        said: None,
                    },
                    r.get(5)?,
                ))
            })?
            .collect::<rusqlite::Result<_>>()?;
        let mut answer = self.conn.prepare_cached(
            "SELECT p.first_name || ' ' || p.last_name, act.outcome, act.detail
               FROM activity act LEFT JOIN players p ON p.id = act.player_id WHERE act.id = ?1",
        )?;
        let mut out = Vec::with_capacity(found.len());
        for (mut row, activity) in found {
            if let Some(id) = activity {
                let got = answer
                    .query_row([id], |r| {
                        Ok((
                            r.get::<_, Option<String>>(0)?,
                            r.get::<_, Option<String>>(1)?,
                            r.get::<_, Option<String>>(2)?,
                        ))
                    })
                    .optional()?;
                if let Some((who, outcome, said)) = got {
                    row.player_name = who;
                    row.outcome = outcome.and_then(|o| o.parse().ok());
                    row.said = said.filter(|s| !s.trim().is_empty());
                }
            }
            out.push(row);
        }
        Ok(out)
    }
}
