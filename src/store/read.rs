//! Queries behind the views: the queue, the ranked list, an account's play.

use super::rows::{self, EnrollmentRow, PlayRow, TouchRow, ACCOUNT_WIDTH};
use super::{ts, Result, Store, StoreError};
use crate::domain::{Account, Channel, Outcome, Player, Role, Tier, Trigger};
use crate::play::Play;
use crate::rank::{RankInputs, Weights};
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use rusqlite::{named_params, params, OptionalExtension};

/// The instants that decide the time-dependent parts of a score.
#[derive(Debug, Clone, Copy)]
pub struct RankCutoffs {
    pub now: DateTime<Utc>,
    /// Start of the rep's day: touches due before it are overdue.
    pub day_start: DateTime<Utc>,
    /// The rep's date today.
    pub today: NaiveDate,
}

/// Narrowing of the account list; every field is optional.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AccountFilter {
    pub owner: Option<String>,
    pub industry: Option<String>,
    pub region: Option<String>,
    pub status: Option<String>,
    pub segment: Option<String>,
    pub source: Option<String>,
    pub tier: Option<String>,
    /// Free text matched against name and domain.
    pub text: Option<String>,
}

/// One account of the ranked list with what its score is made of.
#[derive(Debug, Clone, PartialEq)]
pub struct RankedRow {
    pub account: Account,
    pub inputs: RankInputs,
    pub touches_done: i64,
    pub touches_planned: i64,
    pub next_due: Option<DateTime<Utc>>,
}

/// A touch in the queue with what the queue shows about it.
#[derive(Debug, Clone, PartialEq)]
pub struct QueueRow {
    pub touch: TouchRow,
    pub account_name: String,
    pub player_name: String,
    pub player_title: Option<String>,
    pub tier: Tier,
    pub role: Role,
    pub zone: Tz,
    pub play_id: i64,
}

/// One entry of the activity log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActivityRow {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor: String,
    pub action: String,
    pub touch_id: Option<i64>,
    pub player_id: Option<i64>,
    pub channel: Option<Channel>,
    pub outcome: Option<Outcome>,
    pub detail: Option<String>,
    pub undone: bool,
}

macro_rules! queue_select {
    () => {
        "SELECT t.id, t.enrollment_id, t.account_id, t.player_id, t.owner, t.step, t.seq, t.nominal_day, t.kind,
                t.channel, t.state, t.due_at, t.deadline_at, t.why, t.outcome, t.done_at, t.note, t.reason,
                a.name, p.first_name || ' ' || p.last_name, p.title, p.tier, p.role, p.zone, e.play_id
         FROM touches t
         JOIN enrollments e ON e.id = t.enrollment_id
         JOIN players p ON p.id = t.player_id
         JOIN accounts a ON a.id = t.account_id
         WHERE t.state IN ('due', 'snoozed') AND t.due_at < ?1
           AND (e.state = 'active' OR (e.state = 'paused' AND e.paused_until <= ?3))"
    };
}

/// The ranked list in two passes, exact: `base` scores every account by
/// what needs no aggregate (BANT product + fresh trigger); the row at the
/// page's end bounds the final scores, since the boosts lie within
/// [min_boost, max_boost]; only accounts that can still reach the page get
/// their engagement and overdue counts from per-account indexes.
macro_rules! ranked_base {
    () => {
        "WITH base AS (
            SELECT a.id,
                   (a.budget IS NOT NULL AND a.authority IS NOT NULL AND a.need IS NOT NULL AND a.timing IS NOT NULL) AS scored,
                   COALESCE(a.budget * a.authority * a.need * a.timing, 0)
                   + CASE WHEN a.last_trigger_on BETWEEN :fresh_since AND :today THEN :w_trigger ELSE 0 END AS pre
            FROM accounts a"
    };
}

macro_rules! ranked_rest {
    () => {
        concat!(
            "   AND (:industry IS NULL OR a.industry LIKE :industry ESCAPE '\\')
               AND (:region IS NULL OR a.region LIKE :region ESCAPE '\\' OR a.country LIKE :region ESCAPE '\\')
               AND (:status IS NULL OR a.status LIKE :status ESCAPE '\\')
               AND (:segment IS NULL OR a.segment LIKE :segment ESCAPE '\\')
               AND (:source IS NULL OR a.source LIKE :source ESCAPE '\\')
               AND (:text IS NULL OR a.name LIKE :text ESCAPE '\\' OR a.domain LIKE :text ESCAPE '\\')
               AND (:tier IS NULL OR EXISTS (SELECT 1 FROM players p WHERE p.account_id = a.id AND p.tier = :tier))),
         cut AS (SELECT scored, pre FROM base ORDER BY scored DESC, pre DESC LIMIT 1 OFFSET :nth),
         cand AS (
            SELECT base.id, base.scored, base.pre,
                (SELECT COUNT(*) FROM activity v
                 WHERE v.account_id = base.id AND v.at >= :eng_since AND v.undone_by IS NULL
                   AND v.outcome IN ('opened', 'replied_positive', 'replied_negative', 'meeting_booked')) AS eng,
                (SELECT COUNT(*) FROM touches t JOIN enrollments e ON e.id = t.enrollment_id
                 WHERE t.account_id = base.id AND t.state IN ('due', 'snoozed') AND t.due_at < :now
                   AND (t.due_at < :day_start OR t.deadline_at < :now)
                   AND (e.state = 'active' OR (e.state = 'paused' AND e.paused_until <= :now))) AS ovd
            FROM base LEFT JOIN cut ON 1
            WHERE cut.scored IS NULL OR base.scored > cut.scored
               OR (base.scored = cut.scored AND base.pre + :max_boost >= cut.pre + :min_boost))
         SELECT ",
            account_columns!(),
            ", a.last_trigger_on, a.last_trigger, c.eng, c.ovd,
                c.pre + MAX(MIN(c.eng, :eng_cap), 0) * :w_eng + MAX(MIN(c.ovd, :ovd_cap), 0) * :w_ovd AS score
         FROM cand c JOIN accounts a ON a.id = c.id
         ORDER BY c.scored DESC, score DESC, a.name COLLATE NOCASE, a.id
         LIMIT :limit OFFSET :offset"
        )
    };
}

fn like(value: Option<&String>) -> Option<String> {
    value.map(|v| format!("%{}%", v.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")))
}

impl Store {
    pub fn reps(&self) -> Result<Vec<(String, Tz)>> {
        let mut stmt = self.conn.prepare_cached("SELECT name, zone FROM reps ORDER BY name")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, rows::zone(r, 1)?)))?.collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    pub fn rep_zone(&self, name: &str) -> Result<Option<Tz>> {
        Ok(self
            .conn
            .query_row("SELECT name, zone FROM reps WHERE name = ?1", [name], |r| rows::zone(r, 1))
            .optional()?)
    }

    pub fn account(&self, id: i64) -> Result<Account> {
        self.conn
            .query_row(concat!("SELECT ", account_columns!(), " FROM accounts a WHERE a.id = ?1"), [id], rows::account)
            .optional()?
            .ok_or_else(|| StoreError::NotFound { what: "account", key: id.to_string() })
    }

    /// An account by id, exact name, or a unique part of its name or domain.
    pub fn find_account(&self, key: &str) -> Result<Account> {
        if let Ok(id) = key.trim().parse::<i64>() {
            return self.account(id);
        }
        let mut stmt = self.conn.prepare_cached(concat!(
            "SELECT ",
            account_columns!(),
            " FROM accounts a WHERE a.name = ?1 COLLATE NOCASE OR a.domain = ?1 COLLATE NOCASE
               OR a.name LIKE ?2 ESCAPE '\\' OR a.domain LIKE ?2 ESCAPE '\\'
             ORDER BY (a.name = ?1 COLLATE NOCASE OR a.domain = ?1 COLLATE NOCASE) DESC, a.name LIMIT 6"
        ))?;
        let found: Vec<Account> = stmt
            .query_map(params![key.trim(), like(Some(&key.trim().to_string()))], rows::account)?
            .collect::<rusqlite::Result<_>>()?;
        match found.as_slice() {
            [] => Err(StoreError::NotFound { what: "account", key: format!("matching `{key}`") }),
            [only] => Ok(only.clone()),
            [first, ..] if first.name.eq_ignore_ascii_case(key.trim()) => Ok(first.clone()),
            many => Err(StoreError::Invalid(format!(
                "`{key}` matches several accounts: {}; give more of the name or the id",
                many.iter().map(|a| format!("{} (#{})", a.name, a.id)).collect::<Vec<_>>().join(", ")
            ))),
        }
    }

    pub fn players_of(&self, account_id: i64) -> Result<Vec<Player>> {
        let mut stmt = self.conn.prepare_cached(concat!(
            "SELECT ",
            player_columns!(),
            " FROM players WHERE account_id = ?1 ORDER BY id"
        ))?;
        let rows = stmt.query_map([account_id], rows::player)?.collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    pub fn player(&self, id: i64) -> Result<Player> {
        self.conn
            .query_row(concat!("SELECT ", player_columns!(), " FROM players WHERE id = ?1"), [id], rows::player)
            .optional()?
            .ok_or_else(|| StoreError::NotFound { what: "player", key: id.to_string() })
    }

    /// Trigger events of an account, freshest first.
    pub fn triggers_of(&self, account_id: i64) -> Result<Vec<Trigger>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, account_id, kind, summary, source, occurred_on FROM triggers
             WHERE account_id = ?1 ORDER BY occurred_on DESC, id DESC",
        )?;
        let rows = stmt.query_map([account_id], rows::trigger)?.collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    pub fn enrollments_of(&self, account_id: i64) -> Result<Vec<EnrollmentRow>> {
        let mut stmt = self.conn.prepare_cached(concat!(
            "SELECT ",
            enrollment_columns!(),
            " FROM enrollments WHERE account_id = ?1 ORDER BY id"
        ))?;
        let rows = stmt.query_map([account_id], rows::enrollment)?.collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    pub fn touches_of_enrollment(&self, enrollment_id: i64) -> Result<Vec<TouchRow>> {
        let mut stmt = self.conn.prepare_cached(concat!(
            "SELECT ",
            touch_columns!(),
            " FROM touches WHERE enrollment_id = ?1 ORDER BY step, player_id, id"
        ))?;
        let rows = stmt.query_map([enrollment_id], rows::touch)?.collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    pub fn touch(&self, id: i64) -> Result<TouchRow> {
        self.conn
            .query_row(concat!("SELECT ", touch_columns!(), " FROM touches WHERE id = ?1"), [id], rows::touch)
            .optional()?
            .ok_or_else(|| StoreError::NotFound { what: "touch", key: id.to_string() })
    }

    pub fn plays(&self) -> Result<Vec<PlayRow>> {
        let mut stmt =
            self.conn.prepare_cached("SELECT id, name, version, title, source FROM plays ORDER BY name, version")?;
        let rows = stmt.query_map([], rows::play)?.collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// A stored play version, parsed.
    pub fn play(&self, play_id: i64) -> Result<Play> {
        let row = self
            .conn
            .query_row("SELECT id, name, version, title, source FROM plays WHERE id = ?1", [play_id], rows::play)
            .optional()?
            .ok_or_else(|| StoreError::NotFound { what: "play", key: play_id.to_string() })?;
        Play::parse(&row.source).map_err(|e| StoreError::Corrupt(format!("stored play {}: {e}", row.name)))
    }

    /// The latest entries of an account's activity log, newest first.
    pub fn activity_of_account(&self, account_id: i64, limit: usize) -> Result<Vec<ActivityRow>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, at, actor, action, touch_id, player_id, channel, outcome, detail, undone_by IS NOT NULL
             FROM activity WHERE account_id = ?1 ORDER BY at DESC, id DESC LIMIT ?2",
        )?;
        let rows = stmt
            .query_map(params![account_id, limit as i64], |r| {
                Ok(ActivityRow {
                    id: r.get(0)?,
                    at: rows::time(r, 1)?,
                    actor: r.get(2)?,
                    action: r.get(3)?,
                    touch_id: r.get(4)?,
                    player_id: r.get(5)?,
                    channel: r.get::<_, Option<String>>(6)?.and_then(|c| c.parse().ok()),
                    outcome: r.get::<_, Option<String>>(7)?.and_then(|o| o.parse().ok()),
                    detail: r.get(8)?,
                    undone: r.get(9)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// Touches waiting for the rep (due or snoozed) and due before `until`, in
    /// running enrollments; `owner` narrows to one rep.
    pub fn queue(&self, owner: Option<&str>, until: DateTime<Utc>, now: DateTime<Utc>) -> Result<Vec<QueueRow>> {
        // Two statements so that one rep's queue is a range of the
        // (owner, due_at) index rather than a scan of everyone's.
        let sql = if owner.is_some() {
            concat!(queue_select!(), " AND t.owner = ?2 ORDER BY t.due_at, t.id")
        } else {
            concat!(queue_select!(), " AND ?2 IS NULL ORDER BY t.due_at, t.id")
        };
        let mut stmt = self.conn.prepare_cached(sql)?;
        let rows = stmt
            .query_map(params![ts(until), owner, ts(now)], |r| {
                Ok(QueueRow {
                    touch: rows::touch(r)?,
                    account_name: r.get(18)?,
                    player_name: r.get(19)?,
                    player_title: r.get(20)?,
                    tier: rows::named(r, 21)?,
                    role: rows::named(r, 22)?,
                    zone: rows::zone(r, 23)?,
                    play_id: r.get(24)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// What one account's score is made of.
    pub fn rank_inputs(&self, account_id: i64, weights: &Weights, cut: &RankCutoffs) -> Result<RankInputs> {
        let account = self.account(account_id)?;
        let trigger: Option<(String, String)> = self.conn.query_row(
            "SELECT last_trigger_on, last_trigger FROM accounts WHERE id = ?1",
            [account_id],
            |r| Ok(r.get::<_, Option<String>>(0)?.zip(r.get::<_, Option<String>>(1)?)),
        )?;
        let engagements: i64 = self.conn.query_row(
            "SELECT COUNT(*) FROM activity WHERE account_id = ?1 AND at >= ?2 AND undone_by IS NULL
               AND outcome IN ('opened', 'replied_positive', 'replied_negative', 'meeting_booked')",
            params![account_id, ts(engaged_since(weights, cut))],
            |r| r.get(0),
        )?;
        let overdue: i64 = self.conn.query_row(
            "SELECT COUNT(*) FROM touches t JOIN enrollments e ON e.id = t.enrollment_id
             WHERE t.account_id = ?1 AND t.state IN ('due', 'snoozed') AND t.due_at < ?2
               AND (t.due_at < ?3 OR t.deadline_at < ?2)
               AND (e.state = 'active' OR (e.state = 'paused' AND e.paused_until <= ?2))",
            params![account_id, ts(cut.now), ts(cut.day_start)],
            |r| r.get(0),
        )?;
        Ok(RankInputs {
            bant: account.bant,
            trigger: trigger.and_then(|(d, s)| NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok().map(|d| (d, s))),
            engagements,
            overdue,
        })
    }

    /// The ranked account list, best first. The SQL score mirrors
    /// `rank::score` so ordering and `LIMIT` happen in the database; the
    /// explanation is then built by `rank::score` from the returned inputs.
    pub fn ranked_accounts(
        &self,
        filter: &AccountFilter,
        weights: &Weights,
        cut: &RankCutoffs,
        limit: usize,
        offset: usize,
    ) -> Result<Vec<RankedRow>> {
        let fresh_since = cut.today - chrono::Duration::days(weights.trigger_fresh_days);
        let (max_boost, min_boost) = weights.boost_bounds();
        // With an owner, the accounts_owner index narrows the scan; without,
        // a plain table scan beats walking any index.
        let sql = if filter.owner.is_some() {
            concat!(ranked_base!(), " WHERE a.owner = :owner ", ranked_rest!())
        } else {
            concat!(ranked_base!(), " NOT INDEXED WHERE :owner IS NULL ", ranked_rest!())
        };
        let mut stmt = self.conn.prepare_cached(sql)?;
        let day = |d: NaiveDate| d.format("%Y-%m-%d").to_string();
        let rows: Vec<(Account, RankInputs)> = stmt
            .query_map(
                named_params! {
                    ":eng_since": ts(engaged_since(weights, cut)),
                    ":now": ts(cut.now),
                    ":day_start": ts(cut.day_start),
                    ":fresh_since": day(fresh_since),
                    ":today": day(cut.today),
                    ":w_trigger": weights.trigger,
                    ":eng_cap": weights.engagement_cap,
                    ":w_eng": weights.engagement,
                    ":ovd_cap": weights.overdue_cap,
                    ":w_ovd": weights.overdue,
                    ":owner": filter.owner,
                    ":industry": like(filter.industry.as_ref()),
                    ":region": like(filter.region.as_ref()),
                    ":status": like(filter.status.as_ref()),
                    ":segment": like(filter.segment.as_ref()),
                    ":source": like(filter.source.as_ref()),
                    ":text": like(filter.text.as_ref()),
                    ":tier": filter.tier,
                    ":limit": limit as i64,
                    ":nth": (limit + offset).saturating_sub(1) as i64,
                    ":max_boost": max_boost,
                    ":min_boost": min_boost,
                    ":offset": offset as i64,
                },
                |r| {
                    let account = rows::account(r)?;
                    let trigger_on: Option<String> = r.get(ACCOUNT_WIDTH)?;
                    let trigger: Option<String> = r.get(ACCOUNT_WIDTH + 1)?;
                    let inputs = RankInputs {
                        bant: account.bant,
                        trigger: trigger_on.and_then(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok()).zip(trigger),
                        engagements: r.get(ACCOUNT_WIDTH + 2)?,
                        overdue: r.get(ACCOUNT_WIDTH + 3)?,
                    };
                    Ok((account, inputs))
                },
            )?
            .collect::<rusqlite::Result<_>>()?;
        let mut progress = self.conn.prepare_cached(
            "SELECT COALESCE(SUM(state = 'done'), 0), COALESCE(SUM(state IN ('done', 'skipped', 'planned', 'due', 'snoozed')), 0),
                    MIN(CASE WHEN state IN ('due', 'snoozed') THEN due_at END)
             FROM touches WHERE account_id = ?1 AND kind = 'step'",
        )?;
        rows.into_iter()
            .map(|(account, inputs)| {
                let (done, planned, next): (i64, i64, Option<i64>) =
                    progress.query_row([account.id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
                Ok(RankedRow {
                    account,
                    inputs,
                    touches_done: done,
                    touches_planned: planned,
                    next_due: next.map(super::from_ts),
                })
            })
            .collect()
    }
}

fn engaged_since(weights: &Weights, cut: &RankCutoffs) -> DateTime<Utc> {
    cut.now - chrono::Duration::days(weights.engagement_days)
}
