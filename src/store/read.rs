//! Queries behind the views: the queue, the ranked list, an account's play.

use super::db::OptionalExtension;
use super::db::Value;
use super::lookup;
use super::rows::{self, EnrollmentRow, PlayRow, TouchRow};
use super::{ts, Result, Store, StoreError};
use crate::domain::{Account, Channel, Outcome, Player, Role, Tier, Trigger};
use crate::play::Play;
use crate::rank::{Prescore, RankInputs, Weights};
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use std::collections::HashMap;

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
    /// Exactly this rep's accounts.
    pub owner: Option<String>,
    /// Reps whose name contains this text (the `owner:` filter field).
    pub owner_like: Option<String>,
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
    /// Where the touch is done: `y` copies and `g` opens these.
    pub player_email: Option<String>,
    pub player_phone: Option<String>,
    pub player_linkedin: Option<String>,
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
                t.channel, t.state, t.due_at, t.deadline_at, t.why, t.outcome, t.done_at, t.note, t.reason, t.on_time, t.done_day,
                a.name, p.first_name || ' ' || p.last_name, p.title, p.tier, p.role, p.zone, e.play_id,
                p.email, p.phone, p.linkedin
         FROM touches t
         JOIN enrollments e ON e.id = t.enrollment_id
         JOIN players p ON p.id = t.player_id
         JOIN accounts a ON a.id = t.account_id
         WHERE t.state IN ('due', 'snoozed') AND t.due_at < ?1
           AND (e.state = 'active' OR (e.state = 'paused' AND e.paused_until <= ?3))"
    };
}

macro_rules! prescore_select {
    () => {
        "SELECT a.id, a.bant_score, CASE WHEN a.last_trigger_on BETWEEN :fresh_since AND :today THEN 1 ELSE 0 END FROM accounts a"
    };
}

/// Names every filter parameter, so one parameter list serves all variants.
macro_rules! prescore_unused {
    () => {
        "COALESCE(:owner_like, :industry, :region, :status, :segment, :source, :text, :tier) IS NULL"
    };
}

macro_rules! prescore_filters {
    () => {
        " AND (:owner_like IS NULL OR a.owner LIKE :owner_like ESCAPE '\\')
          AND (:industry IS NULL OR a.industry LIKE :industry ESCAPE '\\')
          AND (:region IS NULL OR a.region LIKE :region ESCAPE '\\' OR a.country LIKE :region ESCAPE '\\')
          AND (:status IS NULL OR a.status LIKE :status ESCAPE '\\')
          AND (:segment IS NULL OR a.segment LIKE :segment ESCAPE '\\')
          AND (:source IS NULL OR a.source LIKE :source ESCAPE '\\')
          AND (:text IS NULL OR a.name LIKE :text ESCAPE '\\' OR a.domain LIKE :text ESCAPE '\\')
          AND (:tier IS NULL OR EXISTS (SELECT 1 FROM players p WHERE p.account_id = a.id AND p.tier = :tier))"
    };
}

/// BANT factors and the freshest trigger, from columns `at..at + 6` of a
/// row (budget, authority, need, timing, last_trigger_on, last_trigger).
type BantAndTrigger = (Option<crate::domain::Bant>, Option<(NaiveDate, String)>);

fn bant_and_trigger(r: &super::db::Row<'_>, at: usize) -> Result<BantAndTrigger> {
    let factor = |i: usize| -> Result<Option<u8>> { Ok(r.get::<_, Option<i64>>(at + i)?.map(|v| v as u8)) };
    let bant = match (factor(0)?, factor(1)?, factor(2)?, factor(3)?) {
        (Some(budget), Some(authority), Some(need), Some(timing)) => {
            crate::domain::Bant::new(budget, authority, need, timing)
        }
        _ => None,
    };
    let on: Option<String> = r.get(at + 4)?;
    let summary: Option<String> = r.get(at + 5)?;
    Ok((bant, on.and_then(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok()).zip(summary)))
}

fn like(value: Option<&String>) -> Option<String> {
    value.map(|v| format!("%{}%", v.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")))
}

impl Store {
    pub fn reps(&self) -> Result<Vec<(String, Tz)>> {
        let mut stmt = self.conn.prepare_cached("SELECT name, zone FROM reps ORDER BY name")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, rows::zone(r, 1)?)))?.collect::<Result<_>>()?;
        Ok(rows)
    }

    /// Every rep the store knows, sorted: those with a zone stored and every
    /// account owner (an imported account names an owner who may have none).
    /// The owners are read by skipping through the `accounts_rank` index,
    /// one step per rep, not one per account.
    pub fn rep_names(&self) -> Result<Vec<String>> {
        let mut stmt = self.conn.prepare_cached(
            "WITH RECURSIVE owners(name) AS (
                 SELECT MIN(owner) FROM accounts
                 UNION ALL
                 SELECT (SELECT MIN(owner) FROM accounts WHERE owner > owners.name) FROM owners
                 WHERE owners.name IS NOT NULL
             )
             SELECT name FROM owners WHERE name IS NOT NULL
             UNION SELECT name FROM reps
             ORDER BY 1",
        )?;
        let names = stmt.query_map([], |r| r.get(0))?.collect::<Result<_>>()?;
        Ok(names)
    }

    /// Whether `name` is a rep, spelled exactly as stored.
    pub fn is_rep(&self, name: &str) -> Result<bool> {
        self.conn.prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM reps WHERE name = ?1) OR EXISTS (SELECT 1 FROM accounts WHERE owner = ?1)",
        )?
        .query_row([name], |r| r.get(0))
    }

    /// Whether a timed pause has run out and is still marked paused.
    pub fn has_expired_pauses(&self, now: DateTime<Utc>) -> Result<bool> {
        self.conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM enrollments WHERE state = 'paused' AND paused_until <= ?1)",
            [super::ts(now)],
            |r| r.get(0),
        )
    }

    pub fn rep_zone(&self, name: &str) -> Result<Option<Tz>> {
        lookup::rep_zone(&self.conn, name)
    }

    pub fn account(&self, id: i64) -> Result<Account> {
        lookup::account(&self.conn, id)
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
            .collect::<Result<_>>()?;
        // Typed exactly as stored (case and all) wins; else the only name
        // or domain equal to it ignoring case; else the only partial match.
        let key_text = key.trim();
        let exact: Vec<&Account> = found.iter().filter(|a| a.name == key_text).collect();
        let equal: Vec<&Account> = found
            .iter()
            .filter(|a| {
                a.name.eq_ignore_ascii_case(key_text)
                    || a.domain.as_deref().is_some_and(|d| d.eq_ignore_ascii_case(key_text))
            })
            .collect();
        match (found.as_slice(), exact.as_slice(), equal.as_slice()) {
            ([], _, _) => {
                Err(StoreError::NotFound { what: "account", key: format!("matching {}", crate::text::quoted(key)) })
            }
            ([only], _, _) => Ok(only.clone()),
            (_, [only], _) | (_, [], [only]) => Ok((*only).clone()),
            (many, _, _) => Err(StoreError::Invalid(format!(
                "{} matches several accounts: {}; give more of the name or the id",
                crate::text::quoted(key_text),
                many.iter().map(|a| format!("{} (#{})", a.name, a.id)).collect::<Vec<_>>().join(", ")
            ))),
        }
    }

    pub fn players_of(&self, account_id: i64) -> Result<Vec<Player>> {
        lookup::players_of(&self.conn, account_id)
    }

    pub fn player(&self, id: i64) -> Result<Player> {
        lookup::player(&self.conn, id)
    }

    /// A player by id or email (any case); an email on several accounts is
    /// refused with each of them named.
    pub fn find_player(&self, key: &str) -> Result<Player> {
        let key = key.trim();
        if let Ok(id) = key.parse::<i64>() {
            return self.player(id);
        }
        let mut stmt = self.conn.prepare_cached(concat!(
            "SELECT ",
            player_columns!(),
            " FROM players WHERE email = ?1 COLLATE NOCASE ORDER BY id LIMIT 6"
        ))?;
        let found: Vec<Player> = stmt.query_map([key], rows::player)?.collect::<Result<_>>()?;
        match found.as_slice() {
            [] => Err(StoreError::NotFound { what: "player", key: format!("with email {}", crate::text::quoted(key)) }),
            [only] => Ok(only.clone()),
            many => Err(StoreError::Invalid(format!(
                "{} is the email of several players: {}; give the player's id",
                crate::text::quoted(key),
                many.iter().map(|p| format!("{} (id {})", p.full_name(), p.id)).collect::<Vec<_>>().join(", ")
            ))),
        }
    }

    /// Trigger events with their account's name and domain, freshest first:
    /// one account's, or every account's.
    pub fn triggers_list(
        &self,
        account: Option<i64>,
        owner: Option<&str>,
    ) -> Result<Vec<(Trigger, String, Option<String>)>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT t.id, t.account_id, t.kind, t.summary, t.source, t.occurred_on, a.name, a.domain
               FROM triggers t JOIN accounts a ON a.id = t.account_id
              WHERE (?1 IS NULL OR t.account_id = ?1) AND (?2 IS NULL OR a.owner = ?2)
              ORDER BY t.occurred_on DESC, t.id DESC",
        )?;
        let rows = stmt
            .query_map(params![account, owner], |r| Ok((rows::trigger(r)?, r.get(6)?, r.get(7)?)))?
            .collect::<Result<_>>()?;
        Ok(rows)
    }

    /// Trigger events of an account, freshest first.
    pub fn triggers_of(&self, account_id: i64) -> Result<Vec<Trigger>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, account_id, kind, summary, source, occurred_on FROM triggers
             WHERE account_id = ?1 ORDER BY occurred_on DESC, id DESC",
        )?;
        let rows = stmt.query_map([account_id], rows::trigger)?.collect::<Result<_>>()?;
        Ok(rows)
    }

    pub fn enrollments_of(&self, account_id: i64) -> Result<Vec<EnrollmentRow>> {
        lookup::enrollments_of(&self.conn, account_id)
    }

    pub fn touches_of_enrollment(&self, enrollment_id: i64) -> Result<Vec<TouchRow>> {
        let mut stmt = self.conn.prepare_cached(concat!(
            "SELECT ",
            touch_columns!(),
            " FROM touches WHERE enrollment_id = ?1 ORDER BY step, player_id, id"
        ))?;
        let rows = stmt.query_map([enrollment_id], rows::touch)?.collect::<Result<_>>()?;
        Ok(rows)
    }

    pub fn touch(&self, id: i64) -> Result<TouchRow> {
        lookup::touch(&self.conn, id)
    }

    pub fn plays(&self) -> Result<Vec<PlayRow>> {
        let mut stmt =
            self.conn.prepare_cached("SELECT id, name, version, title, source FROM plays ORDER BY name, version")?;
        let rows = stmt.query_map([], rows::play)?.collect::<Result<_>>()?;
        Ok(rows)
    }

    /// A stored play version, parsed.
    pub fn play(&self, play_id: i64) -> Result<Play> {
        lookup::play(&self.conn, play_id)
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
            .collect::<Result<_>>()?;
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
                    account_name: r.get(20)?,
                    player_name: r.get(21)?,
                    player_title: r.get(22)?,
                    tier: rows::named(r, 23)?,
                    role: rows::named(r, 24)?,
                    zone: rows::zone(r, 25)?,
                    play_id: r.get(26)?,
                    player_email: r.get(27)?,
                    player_phone: r.get(28)?,
                    player_linkedin: r.get(29)?,
                })
            })?
            .collect::<Result<_>>()?;
        Ok(rows)
    }

    /// What one account's score is made of.
    pub fn rank_inputs(&self, account_id: i64, weights: &Weights, cut: &RankCutoffs) -> Result<RankInputs> {
        let (bant, trigger) = self
            .conn
            .prepare_cached(
                "SELECT budget, authority, need, timing, last_trigger_on, last_trigger FROM accounts WHERE id = ?1",
            )?
            .query_row([account_id], |r| bant_and_trigger(r, 0))
            .optional()?
            .ok_or_else(|| StoreError::NotFound { what: "account", key: account_id.to_string() })?;
        let (engagements, overdue) = self.boost_counts(account_id, weights, cut)?;
        Ok(RankInputs { bant, trigger, engagements, overdue })
    }

    /// `rank_inputs` of many accounts in one statement per few hundred
    /// (the queue's and the account list's): on a server, a round trip per
    /// account, or per figure, would dominate.
    pub fn rank_inputs_many(
        &self,
        account_ids: &[i64],
        weights: &Weights,
        cut: &RankCutoffs,
    ) -> Result<HashMap<i64, RankInputs>> {
        let mut out = HashMap::new();
        for (marks, ids) in id_lists(account_ids, 4) {
            let sql = format!(
                "SELECT a.id, a.budget, a.authority, a.need, a.timing, a.last_trigger_on, a.last_trigger,
                    (SELECT COUNT(*) FROM activity v WHERE v.account_id = a.id AND v.at >= ?1
                       AND v.undone_by IS NULL
                       AND v.outcome IN ('opened', 'replied_positive', 'replied_negative', 'meeting_booked')),
                    (SELECT COUNT(*) FROM touches t JOIN enrollments e ON e.id = t.enrollment_id
                      WHERE t.account_id = a.id AND t.state IN ('due', 'snoozed') AND t.due_at < ?2
                        AND (t.due_at < ?3 OR t.deadline_at < ?2)
                        AND (e.state = 'active' OR (e.state = 'paused' AND e.paused_until <= ?2)))
                 FROM accounts a WHERE a.id IN ({marks})"
            );
            let mut values = vec![
                Value::Integer(ts(engaged_since(weights, cut))),
                Value::Integer(ts(cut.now)),
                Value::Integer(ts(cut.day_start)),
            ];
            values.extend(ids);
            let rows = self.conn.query_map(&sql, values, |r| {
                let (bant, trigger) = bant_and_trigger(r, 1)?;
                Ok((r.get::<_, i64>(0)?, RankInputs { bant, trigger, engagements: r.get(7)?, overdue: r.get(8)? }))
            })?;
            out.extend(rows);
        }
        Ok(out)
    }

    /// A page of the ranked list, in the page's order: each account's
    /// record and touch progress, with its `rank_inputs_many`; two
    /// statements per page rather than five per account.
    pub fn ranked_rows(&self, account_ids: &[i64], inputs: &HashMap<i64, RankInputs>) -> Result<Vec<RankedRow>> {
        let mut accounts: HashMap<i64, Account> = HashMap::new();
        let mut progress: HashMap<i64, (i64, i64, Option<i64>)> = HashMap::new();
        for (marks, ids) in id_lists(account_ids, 1) {
            let sql = format!(concat!("SELECT ", account_columns!(), " FROM accounts a WHERE a.id IN ({})"), marks);
            accounts.extend(self.conn.query_map(&sql, ids.clone(), |r| Ok((r.get::<_, i64>(0)?, rows::account(r)?)))?);
            let sql = format!(
                "SELECT account_id,
                        SUM(CASE WHEN state = 'done' THEN 1 ELSE 0 END),
                        SUM(CASE WHEN state IN ('done', 'skipped', 'planned', 'due', 'snoozed') THEN 1 ELSE 0 END),
                        MIN(CASE WHEN state IN ('due', 'snoozed') THEN due_at END)
                 FROM touches WHERE account_id IN ({marks}) AND kind = 'step' GROUP BY account_id"
            );
            progress.extend(
                self.conn.query_map(&sql, ids, |r| Ok((r.get::<_, i64>(0)?, (r.get(1)?, r.get(2)?, r.get(3)?))))?,
            );
        }
        account_ids
            .iter()
            .map(|id| {
                let account = accounts.remove(id).ok_or_else(|| not_found_account(*id))?;
                let (done, planned, next) = progress.get(id).copied().unwrap_or((0, 0, None));
                Ok(RankedRow {
                    account,
                    inputs: inputs.get(id).cloned().unwrap_or_default(),
                    touches_done: done,
                    touches_planned: planned,
                    next_due: next.map(super::from_ts),
                })
            })
            .collect()
    }

    /// What ranking needs of every account matching `filter`, read from the
    /// `accounts_rank` index alone when no filter needs the table.
    pub fn prescores(&self, filter: &AccountFilter, weights: &Weights, cut: &RankCutoffs) -> Result<Vec<Prescore>> {
        let fresh_since = cut.today - chrono::Duration::days(weights.trigger_fresh_days);
        let unfiltered = AccountFilter { owner: filter.owner.clone(), ..AccountFilter::default() } == *filter;
        let sql = match (unfiltered, filter.owner.is_some()) {
            (true, true) => concat!(prescore_select!(), " WHERE a.owner = :owner AND ", prescore_unused!()),
            (true, false) => concat!(prescore_select!(), " WHERE :owner IS NULL AND ", prescore_unused!()),
            (false, _) => {
                concat!(prescore_select!(), " WHERE (:owner IS NULL OR a.owner = :owner)", prescore_filters!())
            }
        };
        let day = |d: NaiveDate| d.format("%Y-%m-%d").to_string();
        let rows = self.conn.query_map_named(
            sql,
            named_params! {
                ":fresh_since": day(fresh_since),
                ":today": day(cut.today),
                ":owner": filter.owner,
                ":owner_like": like(filter.owner_like.as_ref()),
                ":industry": like(filter.industry.as_ref()),
                ":region": like(filter.region.as_ref()),
                ":status": like(filter.status.as_ref()),
                ":segment": like(filter.segment.as_ref()),
                ":source": like(filter.source.as_ref()),
                ":text": like(filter.text.as_ref()),
                ":tier": filter.tier,
            },
            |r| Ok(Prescore { account_id: r.get(0)?, bant: r.get(1)?, fresh_trigger: r.get(2)? }),
        )?;
        Ok(rows)
    }

    /// Engagements in the window and overdue touches of one account.
    pub fn boost_counts(&self, account_id: i64, weights: &Weights, cut: &RankCutoffs) -> Result<(i64, i64)> {
        let engagements: i64 = self
            .conn
            .prepare_cached(
                "SELECT COUNT(*) FROM activity WHERE account_id = ?1 AND at >= ?2 AND undone_by IS NULL
                   AND outcome IN ('opened', 'replied_positive', 'replied_negative', 'meeting_booked')",
            )?
            .query_row(params![account_id, ts(engaged_since(weights, cut))], |r| r.get(0))?;
        let overdue: i64 = self
            .conn
            .prepare_cached(
                "SELECT COUNT(*) FROM touches t JOIN enrollments e ON e.id = t.enrollment_id
                 WHERE t.account_id = ?1 AND t.state IN ('due', 'snoozed') AND t.due_at < ?2
                   AND (t.due_at < ?3 OR t.deadline_at < ?2)
                   AND (e.state = 'active' OR (e.state = 'paused' AND e.paused_until <= ?2))",
            )?
            .query_row(params![account_id, ts(cut.now), ts(cut.day_start)], |r| r.get(0))?;
        Ok((engagements, overdue))
    }
}

fn engaged_since(weights: &Weights, cut: &RankCutoffs) -> DateTime<Utc> {
    cut.now - chrono::Duration::days(weights.engagement_days)
}

/// Ids as `IN (...)` lists of a few fixed lengths, the last id repeated to
/// fill one, so a session keeps a few prepared statements rather than one
/// per count. Each list's placeholders are numbered from `first`.
fn id_lists(ids: &[i64], first: usize) -> Vec<(String, Vec<Value>)> {
    const SIZES: [usize; 3] = [16, 128, 512];
    ids.chunks(SIZES[SIZES.len() - 1])
        .map(|chunk| {
            let size = SIZES.iter().copied().find(|s| *s >= chunk.len()).unwrap_or(SIZES[SIZES.len() - 1]);
            let marks = (first..first + size).map(|i| format!("?{i}")).collect::<Vec<_>>().join(", ");
            let mut values: Vec<Value> = chunk.iter().map(|i| Value::Integer(*i)).collect();
            values.resize(size, Value::Integer(chunk[chunk.len() - 1]));
            (marks, values)
        })
        .collect()
}

fn not_found_account(id: i64) -> StoreError {
    StoreError::NotFound { what: "account", key: id.to_string() }
}
