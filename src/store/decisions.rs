//! Plays paused by an answer, waiting for their owner: one row per account,
//! with the answer that paused them.

use super::db::OptionalExtension;
use super::{rows, Result, Store};
use crate::domain::Outcome;
use chrono::{DateTime, Utc};

/// An account whose plays wait for its owner's decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecisionRow {
    pub account_id: i64,
    pub account_name: String,
    pub owner: String,
    /// The waiting plays, as `name vN`.
    pub plays: Vec<String>,
    /// When the latest answer came (else when the plays were paused for it).
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
        // One rep's: from their accounts (the owner index) to their plays,
        // so a book of 2,000 accounts is read, not every decision waiting.
        let from = if owner.is_some() {
            "FROM accounts a CROSS JOIN enrollments e JOIN plays p ON p.id = e.play_id"
        } else {
            "FROM enrollments e JOIN accounts a ON a.id = e.account_id JOIN plays p ON p.id = e.play_id"
        };
        // The latest answer comes with each row, read from the account's
        // activity index: one statement however many decisions wait.
        let sql = format!(
            "SELECT a.id, a.name, a.owner, MIN(e.decision_at), group_concat(p.name || ' v' || p.version, '\u{1f}' ORDER BY e.id),
                    (SELECT json_array(pl.first_name || ' ' || pl.last_name, act.outcome, act.detail, act.at)
                       FROM activity act LEFT JOIN players pl ON pl.id = act.player_id
                      WHERE act.account_id = a.id AND act.action IN ('replied', 'meeting') AND act.undone_by IS NULL
                      ORDER BY act.at DESC, act.id DESC LIMIT 1)
               {from}
              WHERE e.account_id = a.id AND e.state = 'paused' AND e.decision_at IS NOT NULL AND (?1 IS NULL OR a.owner = ?1)
              GROUP BY a.id"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt
            .query_map(params![owner], |r| {
                let plays: String = r.get(4)?;
                let answer: Option<String> = r.get(5)?;
                let answer: Vec<serde_json::Value> =
                    answer.and_then(|a| serde_json::from_str(&a).ok()).unwrap_or_default();
                let part = |i: usize| answer.get(i).and_then(|v| v.as_str()).map(str::to_string);
                // How long ago: since the latest answer, the one shown.
                let answered =
                    answer.get(3).and_then(serde_json::Value::as_i64).and_then(|at| DateTime::from_timestamp(at, 0));
                Ok(DecisionRow {
                    account_id: r.get(0)?,
                    account_name: r.get(1)?,
                    owner: r.get(2)?,
                    plays: plays.split('\u{1f}').map(str::to_string).collect(),
                    since: answered.map_or_else(|| rows::time(r, 3), Ok)?,
                    player_name: part(0),
                    outcome: part(1).and_then(|o| o.parse().ok()),
                    said: part(2).filter(|s| !s.trim().is_empty()),
                })
            })?
            .collect::<Result<Vec<_>>>()?;
        // The longest waiting first, by the answer the row shows.
        let mut rows = rows;
        rows.sort_by_key(|d| (d.since, d.account_id));
        Ok(rows)
    }
}

/// A player's answer: what it was, the channel of the touch it answered,
/// when it was logged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub outcome: Outcome,
    pub channel: Option<String>,
    pub at: DateTime<Utc>,
}

impl Store {
    /// A player's latest answer (an open, a reply, a meeting, an absence, a
    /// bounce or an opt-out) not undone: what, on which channel, when.
    pub fn last_answer(&self, player_id: i64) -> Result<Option<Answer>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT outcome, channel, at FROM activity
              WHERE player_id = ?1 AND undone_by IS NULL
                AND outcome IN ('opened', 'replied_positive', 'replied_negative', 'meeting_booked', 'out_of_office',
                                'bounced', 'opted_out')
              ORDER BY at DESC, id DESC LIMIT 1",
        )?;
        let found = stmt
            .query_row([player_id], |r| Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?, rows::time(r, 2)?)))
            .optional()?;
        Ok(found.and_then(|(outcome, channel, at)| outcome.parse().ok().map(|outcome| Answer { outcome, channel, at })))
    }
}
