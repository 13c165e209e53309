//! Aggregates for the manager's review, computed in SQL: rows out are
//! groups, never touches.

use super::{from_ts, ts, Result, Store};
use chrono::{DateTime, Utc};

/// `(play, action, first touch done, first such response)` of one enrollment.
pub type FirstResponse = (i64, String, DateTime<Utc>, DateTime<Utc>);

/// `(industry, region, worked, replied, meetings)`.
pub type FunnelCounts = (Option<String>, Option<String>, i64, i64, i64);

/// Done and skipped touches of one rep on one channel in the period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RepChannelRow {
    pub owner: String,
    pub channel: String,
    pub done: i64,
    pub skipped: i64,
    /// Done before the deadline, or within the due day when there is none.
    pub on_time: i64,
}

/// One play version's enrollments in one state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnrollmentCount {
    pub play_id: i64,
    pub state: String,
    pub count: i64,
}

/// An enrollment that may be stalled: its last touch (or its start).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnrollmentActivity {
    pub enrollment_id: i64,
    pub account_id: i64,
    pub play_id: i64,
    pub last: DateTime<Utc>,
}

/// Progress of one enrollment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnrollmentProgress {
    pub account_name: String,
    pub owner: String,
    pub done: i64,
    pub planned: i64,
    pub overdue: i64,
    pub last_touch: Option<DateTime<Utc>>,
    pub next_touch: Option<DateTime<Utc>>,
}

/// The funnel query around one way of telling which accounts were worked.
macro_rules! funnel_sql {
    ($worked:literal) => {
        concat!(
            "WITH answered AS (
                SELECT account_id, MAX(CASE WHEN action = 'replied' THEN 1 ELSE 0 END) AS replied, MAX(CASE WHEN action = 'meeting' THEN 1 ELSE 0 END) AS met FROM activity
                WHERE at >= ?1 AND at < ?2 AND action IN ('replied', 'meeting') AND undone_by IS NULL
                GROUP BY account_id)
             SELECT a.industry, a.region, COUNT(*), COALESCE(SUM(x.replied), 0), COALESCE(SUM(x.met), 0)
             FROM accounts a LEFT JOIN answered x ON x.account_id = a.id
             WHERE (?3 IS NULL OR a.owner = ?3) AND ",
            $worked,
            " GROUP BY a.industry, a.region"
        )
    };
}

impl Store {
    /// Rep offsets from UTC (seconds) for day arithmetic in SQL; kept in a
    /// connection-private temp table.
    pub fn set_report_offsets(&self, offsets: &[(String, i64)]) -> Result<()> {
        // PostgreSQL's owner compares as the tables' do (byte by byte).
        self.conn.execute_batch(if self.conn.is_postgres() {
            "CREATE TEMP TABLE IF NOT EXISTS report_offsets (owner TEXT COLLATE \"C\" PRIMARY KEY, off BIGINT NOT NULL);
             DELETE FROM report_offsets;"
        } else {
            "CREATE TEMP TABLE IF NOT EXISTS report_offsets (owner TEXT PRIMARY KEY, off BIGINT NOT NULL);
             DELETE FROM report_offsets;"
        })?;
        let mut stmt = self.conn.prepare_cached("INSERT INTO report_offsets (owner, off) VALUES (?1, ?2)")?;
        for (owner, off) in offsets {
            stmt.execute(params![owner, off])?;
        }
        Ok(())
    }

    /// Every rep that owns accounts.
    pub fn owners(&self, owner: Option<&str>) -> Result<Vec<String>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT DISTINCT owner FROM accounts WHERE (?1 IS NULL OR owner = ?1) ORDER BY owner")?;
        let rows = stmt.query_map([owner], |r| r.get(0))?.collect::<Result<_>>()?;
        Ok(rows)
    }

    /// Done / skipped / on time per rep and channel for touches resolved on
    /// the reps' local days `from..=to` (days since 1970-01-01), from the rollup.
    pub fn rep_channel_rows(&self, from: i64, to: i64, owner: Option<&str>) -> Result<Vec<RepChannelRow>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT owner, channel, SUM(CASE WHEN state = 'done' THEN n END), SUM(CASE WHEN state = 'skipped' THEN n END),
                    SUM(CASE WHEN state = 'done' THEN on_time END)
             FROM touch_daily WHERE day >= ?1 AND day <= ?2 AND (?3 IS NULL OR owner = ?3) AND n > 0
             GROUP BY owner, channel",
        )?;
        let rows = stmt
            .query_map(params![from, to, owner], |r| {
                Ok(RepChannelRow {
                    owner: r.get(0)?,
                    channel: r.get(1)?,
                    done: r.get::<_, Option<i64>>(2)?.unwrap_or(0),
                    skipped: r.get::<_, Option<i64>>(3)?.unwrap_or(0),
                    on_time: r.get::<_, Option<i64>>(4)?.unwrap_or(0),
                })
            })?
            .collect::<Result<_>>()?;
        Ok(rows)
    }

    /// Done touches per rep and local day (days since 1970-01-01).
    pub fn rep_daily_done(&self, from: i64, to: i64, owner: Option<&str>) -> Result<Vec<(String, i64, i64)>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT owner, day, SUM(n) FROM touch_daily
             WHERE day >= ?1 AND day <= ?2 AND state = 'done' AND (?3 IS NULL OR owner = ?3)
             GROUP BY owner, day",
        )?;
        let rows = stmt
            .query_map(params![from, to, owner], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<Result<_>>()?;
        Ok(rows)
    }

    /// Overdue touches per rep at `now`: due before the rep's day began, or past their deadline.
    pub fn rep_overdue(&self, now: DateTime<Utc>, owner: Option<&str>) -> Result<Vec<(String, i64)>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT t.owner, COUNT(*)
             FROM touches t JOIN enrollments e ON e.id = t.enrollment_id
             LEFT JOIN report_offsets o ON o.owner = t.owner
             WHERE t.state IN ('due', 'snoozed') AND t.due_at < ?1
               AND (t.due_at < ?1 - ((?1 + COALESCE(o.off, 0)) % 86400) OR t.deadline_at < ?1)
               AND (e.state = 'active' OR (e.state = 'paused' AND e.paused_until <= ?1))
               AND (?2 IS NULL OR t.owner = ?2)
             -- `+` keeps the planner on the due-time range instead of scanning every rep's queue
             GROUP BY +t.owner",
        )?;
        let rows = stmt.query_map(params![ts(now), owner], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<Result<_>>()?;
        Ok(rows)
    }

    /// Enrollments per play version and state.
    pub fn enrollment_counts(&self, owner: Option<&str>) -> Result<Vec<EnrollmentCount>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT e.play_id, e.state, COUNT(*) FROM enrollments e
             WHERE (?1 IS NULL OR e.account_id IN (SELECT id FROM accounts WHERE owner = ?1))
             GROUP BY e.play_id, e.state",
        )?;
        let rows = stmt
            .query_map([owner], |r| Ok(EnrollmentCount { play_id: r.get(0)?, state: r.get(1)?, count: r.get(2)? }))?
            .collect::<Result<_>>()?;
        Ok(rows)
    }

    /// Step touches done on the reps' days `from..=to`, per play version and step.
    pub fn step_done(&self, from: i64, to: i64, owner: Option<&str>) -> Result<Vec<(i64, i64, i64)>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT play_id, step, SUM(n) FROM touch_daily
             WHERE day >= ?1 AND day <= ?2 AND state = 'done' AND kind = 'step' AND (?3 IS NULL OR owner = ?3)
             GROUP BY play_id, step",
        )?;
        let rows = stmt
            .query_map(params![from, to, owner], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<Result<_>>()?;
        Ok(rows)
    }

    /// Replies and meetings logged in the period, per play version and the
    /// step of the touch they answered: `(play, step, action, count)`.
    pub fn step_responses(
        &self,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
        owner: Option<&str>,
    ) -> Result<Vec<(i64, i64, String, i64)>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT play_id, step, action, COUNT(*) FROM activity
             WHERE at >= ?1 AND at < ?2 AND action IN ('replied', 'meeting') AND undone_by IS NULL
               AND play_id IS NOT NULL AND (?3 IS NULL OR owner = ?3)
             GROUP BY play_id, step, action",
        )?;
        let rows = stmt
            .query_map(params![ts(start), ts(end), owner], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
            .collect::<Result<_>>()?;
        Ok(rows)
    }

    /// For each enrollment with a reply or meeting logged in the period:
    /// `(play, action, first touch done, first such response)`.
    pub fn first_responses(
        &self,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
        owner: Option<&str>,
    ) -> Result<Vec<FirstResponse>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT MIN(v.play_id), v.action,
                    (SELECT MIN(f.done_at) FROM touches f WHERE f.enrollment_id = v.enrollment_id AND f.done_at IS NOT NULL),
                    MIN(v.at)
             FROM activity v
             WHERE v.at >= ?1 AND v.at < ?2 AND v.action IN ('replied', 'meeting') AND v.undone_by IS NULL
               AND v.enrollment_id IS NOT NULL AND (?3 IS NULL OR v.owner = ?3)
             GROUP BY v.enrollment_id, v.action",
        )?;
        let rows: Vec<(i64, String, Option<i64>, i64)> = stmt
            .query_map(params![ts(start), ts(end), owner], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
            .collect::<Result<_>>()?;
        Ok(rows.into_iter().filter_map(|(p, a, first, at)| first.map(|f| (p, a, from_ts(f), from_ts(at)))).collect())
    }

    /// Step touches done and planned (done, skipped or still open) per play
    /// version, all time.
    pub fn play_touch_totals(&self, owner: Option<&str>) -> Result<Vec<(i64, i64, i64)>> {
        let mut stmt = self.conn.prepare_cached(
            "WITH resolved AS (
                SELECT play_id, SUM(CASE WHEN state = 'done' THEN n ELSE 0 END) AS done, SUM(n) AS closed
                FROM touch_daily WHERE kind = 'step' AND (?1 IS NULL OR owner = ?1) GROUP BY play_id),
             open AS (
                SELECT play_id, SUM(n) AS n FROM touch_open
                WHERE kind = 'step' AND (?1 IS NULL OR owner = ?1) GROUP BY play_id)
             SELECT p.id, COALESCE(r.done, 0), COALESCE(r.closed, 0) + COALESCE(o.n, 0)
             FROM plays p LEFT JOIN resolved r ON r.play_id = p.id LEFT JOIN open o ON o.play_id = p.id",
        )?;
        let rows = stmt.query_map([owner], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?.collect::<Result<_>>()?;
        Ok(rows)
    }

    /// Running (active) enrollments with their last touch, or start when none.
    pub fn active_enrollment_activity(&self, owner: Option<&str>) -> Result<Vec<EnrollmentActivity>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT e.id, e.account_id, e.play_id, COALESCE(e.last_touch_at, e.started_at)
             FROM enrollments e
             WHERE e.state = 'active' AND (?1 IS NULL OR e.account_id IN (SELECT id FROM accounts WHERE owner = ?1))",
        )?;
        let rows = stmt
            .query_map([owner], |r| {
                Ok(EnrollmentActivity {
                    enrollment_id: r.get(0)?,
                    account_id: r.get(1)?,
                    play_id: r.get(2)?,
                    last: from_ts(r.get(3)?),
                })
            })?
            .collect::<Result<_>>()?;
        Ok(rows)
    }

    /// Progress of one enrollment at `now` (`day_start`: the owner's day).
    pub fn enrollment_progress(
        &self,
        enrollment_id: i64,
        now: DateTime<Utc>,
        day_start: DateTime<Utc>,
    ) -> Result<EnrollmentProgress> {
        self.conn
            .prepare_cached(
                "SELECT MIN(a.name), MIN(a.owner),
                    COALESCE(SUM(CASE WHEN t.state = 'done' THEN 1 ELSE 0 END), 0),
                    COALESCE(SUM(CASE WHEN t.state != 'cancelled' THEN 1 ELSE 0 END), 0),
                    COALESCE(SUM(CASE WHEN t.state IN ('due', 'snoozed') AND (t.due_at < ?3 OR t.deadline_at < ?2) THEN 1 ELSE 0 END), 0),
                    MAX(t.done_at),
                    MIN(CASE WHEN t.state IN ('due', 'snoozed') THEN t.due_at END)
             FROM enrollments e JOIN accounts a ON a.id = e.account_id
             LEFT JOIN touches t ON t.enrollment_id = e.id AND t.kind = 'step'
             WHERE e.id = ?1",
            )?
            .query_row(params![enrollment_id, ts(now), ts(day_start)], |r| {
                Ok(EnrollmentProgress {
                    account_name: r.get(0)?,
                    owner: r.get(1)?,
                    done: r.get(2)?,
                    planned: r.get(3)?,
                    overdue: r.get(4)?,
                    last_touch: r.get::<_, Option<i64>>(5)?.map(from_ts),
                    next_touch: r.get::<_, Option<i64>>(6)?.map(from_ts),
                })
            })
    }

    /// Funnel counts per (industry, region): accounts worked (a touch done in
    /// the period), accounts that replied, accounts that booked a meeting.
    /// `until_now`: the period runs to the present, so an enrollment's last
    /// done day tells whether it was worked without looking at its touches.
    pub fn funnel_rows(
        &self,
        (start, end): (DateTime<Utc>, DateTime<Utc>),
        (from, to): (i64, i64),
        owner: Option<&str>,
        until_now: bool,
    ) -> Result<Vec<FunnelCounts>> {
        // A rep whose day runs ahead of the report's can have a last done day
        // past `to`: those few accounts are checked against their touches.
        let sql = if until_now {
            funnel_sql!(
                "(a.id IN (SELECT account_id FROM enrollments WHERE last_done_day BETWEEN ?4 AND ?5)
                  OR (a.id IN (SELECT account_id FROM enrollments WHERE last_done_day > ?5)
                      AND EXISTS (SELECT 1 FROM touches t WHERE t.account_id = a.id AND t.state = 'done'
                                  AND t.done_day >= ?4 AND t.done_day <= ?5)))"
            )
        } else {
            funnel_sql!(
                "a.id IN (SELECT account_id FROM enrollments)
                 AND EXISTS (SELECT 1 FROM touches t WHERE t.account_id = a.id AND t.state = 'done'
                             AND t.done_day >= ?4 AND t.done_day <= ?5)"
            )
        };
        let mut stmt = self.conn.prepare_cached(sql)?;
        let rows = stmt
            .query_map(params![ts(start), ts(end), owner, from, to], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })?
            .collect::<Result<_>>()?;
        Ok(rows)
    }

    /// Open opportunities: `(annual value, number of accounts)`.
    pub fn open_opportunities(&self, owner: Option<&str>) -> Result<Vec<(i64, i64)>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT opportunity_value, COUNT(*) FROM accounts
             WHERE opportunity_value IS NOT NULL AND status != 'disqualified' AND (?1 IS NULL OR owner = ?1)
             GROUP BY opportunity_value",
        )?;
        let rows = stmt.query_map([owner], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<Result<_>>()?;
        Ok(rows)
    }
}
