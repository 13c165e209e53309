//! Reads for `playbook export`: whole tables in the import's column order,
//! the activity log with names, and the open touches ahead.

use super::db::Value;
use super::{from_ts, ts, Result, Store};
use chrono::{DateTime, Utc};

/// Accounts in `import --template accounts` order.
macro_rules! account_columns {
    () => {
        "name, domain, industry, segment, region, country, employees, annual_revenue, owner,
         status, source, opportunity_value, budget, authority, need, timing"
    };
}

/// Players in `import --template players` order (account and its domain,
/// country from the account), then what JSON adds.
macro_rules! player_export_columns {
    () => {
        "p.first_name, p.last_name, p.email, p.title, p.phone, p.linkedin, a.name, a.domain,
         p.tier, p.role, p.zone, a.country, p.status, p.workdays, p.id, p.tier_rule, p.zone_source"
    };
}

/// One logged action, named for a CRM.
#[derive(Debug, Clone, PartialEq)]
pub struct ActivityExport {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub owner: String,
    pub account: String,
    pub account_domain: Option<String>,
    pub player: Option<String>,
    pub player_email: Option<String>,
    pub channel: Option<String>,
    pub action: String,
    pub outcome: Option<String>,
    pub actor: String,
    pub note: Option<String>,
}

/// An open touch ahead, for a calendar.
#[derive(Debug, Clone, PartialEq)]
pub struct TouchExport {
    pub touch_id: i64,
    pub play_id: i64,
    pub step: i64,
    pub owner: String,
    pub account: String,
    pub player: String,
    pub player_email: Option<String>,
    pub channel: String,
    pub state: String,
    pub due_at: DateTime<Utc>,
    pub deadline_at: Option<DateTime<Utc>>,
    pub why: String,
}

impl Store {
    /// This database's own id, made once when it was created.
    pub fn store_id(&self) -> Result<String> {
        self.conn.query_row("SELECT value FROM meta WHERE key = 'store_id'", [], |r| r.get(0))
    }

    /// Every account (one rep's, or all), raw values in column order.
    pub fn export_accounts(&self, owner: Option<&str>) -> Result<Vec<Vec<Value>>> {
        let sql = concat!("SELECT ", account_columns!(), " FROM accounts WHERE (?1 IS NULL OR owner = ?1) ORDER BY id");
        self.raw_rows(sql, owner, 16)
    }

    /// Every player of those accounts, raw values in column order.
    pub fn export_players(&self, owner: Option<&str>) -> Result<Vec<Vec<Value>>> {
        let sql = concat!(
            "SELECT ",
            player_export_columns!(),
            " FROM players p JOIN accounts a ON a.id = p.account_id
             WHERE (?1 IS NULL OR a.owner = ?1) ORDER BY p.id"
        );
        self.raw_rows(sql, owner, 17)
    }

    fn raw_rows(&self, sql: &str, owner: Option<&str>, width: usize) -> Result<Vec<Vec<Value>>> {
        let mut stmt = self.conn.prepare(sql)?;
        let rows =
            stmt.query_map([owner], |r| (0..width).map(|i| r.get::<_, Value>(i)).collect())?.collect::<Result<_>>()?;
        Ok(rows)
    }

    /// The actions logged in `[start, end)`, oldest first, without undone
    /// ones and without the undos themselves.
    pub fn export_activity(
        &self,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
        owner: Option<&str>,
    ) -> Result<Vec<ActivityExport>> {
        let mut stmt = self.conn.prepare(
            "SELECT v.id, v.at, a.owner, a.name, a.domain, p.first_name || ' ' || p.last_name, p.email, v.channel,
                    v.action, v.outcome, v.actor, v.detail
             FROM activity v JOIN accounts a ON a.id = v.account_id
             LEFT JOIN players p ON p.id = v.player_id
             WHERE v.at >= ?1 AND v.at < ?2 AND v.undone_by IS NULL AND v.action != 'undo'
               AND (?3 IS NULL OR a.owner = ?3)
             ORDER BY v.at, v.id",
        )?;
        let rows = stmt
            .query_map(params![ts(start), ts(end), owner], |r| {
                Ok(ActivityExport {
                    id: r.get(0)?,
                    at: from_ts(r.get(1)?),
                    owner: r.get(2)?,
                    account: r.get(3)?,
                    account_domain: r.get(4)?,
                    player: r.get(5)?,
                    player_email: r.get(6)?,
                    channel: r.get(7)?,
                    action: r.get(8)?,
                    outcome: r.get(9)?,
                    actor: r.get(10)?,
                    note: r.get(11)?,
                })
            })?
            .collect::<Result<_>>()?;
        Ok(rows)
    }

    /// Open touches of running plays due before `until`, soonest first.
    pub fn export_touches(
        &self,
        until: DateTime<Utc>,
        now: DateTime<Utc>,
        owner: Option<&str>,
    ) -> Result<Vec<TouchExport>> {
        let mut stmt = self.conn.prepare(
            "SELECT t.id, e.play_id, t.step, t.owner, a.name, p.first_name || ' ' || p.last_name, p.email, t.channel,
                    t.state, t.due_at, t.deadline_at, t.why
             FROM touches t JOIN enrollments e ON e.id = t.enrollment_id
             JOIN accounts a ON a.id = t.account_id JOIN players p ON p.id = t.player_id
             WHERE t.state IN ('planned', 'due', 'snoozed') AND t.due_at < ?1
               AND (e.state = 'active' OR (e.state = 'paused' AND e.paused_until <= ?2))
               AND (?3 IS NULL OR t.owner = ?3)
             ORDER BY t.due_at, t.id",
        )?;
        let rows = stmt
            .query_map(params![ts(until), ts(now), owner], |r| {
                Ok(TouchExport {
                    touch_id: r.get(0)?,
                    play_id: r.get(1)?,
                    step: r.get(2)?,
                    owner: r.get(3)?,
                    account: r.get(4)?,
                    player: r.get(5)?,
                    player_email: r.get(6)?,
                    channel: r.get(7)?,
                    state: r.get(8)?,
                    due_at: from_ts(r.get(9)?),
                    deadline_at: r.get::<_, Option<i64>>(10)?.map(from_ts),
                    why: r.get(11)?,
                })
            })?
            .collect::<Result<_>>()?;
        Ok(rows)
    }
}
