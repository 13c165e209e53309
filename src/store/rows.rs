//! Row types and the mapping between SQLite rows and domain records.

use super::db::Row;
use super::db::{Db, Value};
use super::StoreError;
use super::{from_ts, Result};
use crate::cadence::Why;
use crate::domain::{
    Account, AccountStatus, Bant, Channel, Ending, EnrollmentState, Outcome, Player, PlayerStatus, Role, Tier,
    TouchKind, TouchState, Trigger,
};
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use std::str::FromStr;

/// One touch as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TouchRow {
    pub id: i64,
    pub enrollment_id: i64,
    pub account_id: i64,
    pub player_id: i64,
    pub owner: String,
    pub step: i64,
    pub seq: i64,
    pub nominal_day: i64,
    pub kind: TouchKind,
    pub channel: Channel,
    pub state: TouchState,
    pub due_at: DateTime<Utc>,
    pub deadline: Option<DateTime<Utc>>,
    /// The reason as a sentence, rendered from `why_data` when it was placed.
    pub why: String,
    /// The reason as data (none for touches placed by builds before 6).
    #[serde(default)]
    pub why_data: Option<Why>,
    pub outcome: Option<Outcome>,
    pub done_at: Option<DateTime<Utc>>,
    pub note: Option<String>,
    pub reason: Option<String>,
    /// Done before the deadline, or within the due day (owner's zone).
    pub on_time: Option<bool>,
    /// The owner's local date when resolved, as days since 1970-01-01.
    pub done_day: Option<i64>,
}

/// One play running on one account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnrollmentRow {
    pub id: i64,
    pub account_id: i64,
    pub play_id: i64,
    pub started_at: DateTime<Utc>,
    pub started_by: String,
    pub state: EnrollmentState,
    pub paused_at: Option<DateTime<Utc>>,
    pub paused_until: Option<DateTime<Utc>>,
    pub reason: Option<String>,
    /// Paused by an answer: waiting for the owner's decision since then.
    #[serde(default)]
    pub decision_at: Option<DateTime<Utc>>,
    /// How the owner ended it.
    #[serde(default)]
    pub ended_as: Option<Ending>,
}

/// A play as stored: its identity and source text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlayRow {
    pub id: i64,
    pub name: String,
    pub version: i64,
    pub title: String,
    pub source: String,
}

/// Column list read by the matching row function.
macro_rules! touch_columns {
    () => {
        "id, enrollment_id, account_id, player_id, owner, step, seq, nominal_day, kind, \
     channel, state, due_at, deadline_at, why, outcome, done_at, note, reason, on_time, done_day, why_data"
    };
}

/// Reads a TEXT column into one of the domain's named enums.
pub(super) fn named<T: FromStr>(row: &Row<'_>, idx: usize) -> Result<T>
where
    T::Err: std::error::Error + Send + Sync + 'static,
{
    let text: String = row.get(idx)?;
    text.parse().map_err(|e| StoreError::Corrupt(format!("column {idx}: {e}")))
}

fn named_opt<T: FromStr>(row: &Row<'_>, idx: usize) -> Result<Option<T>>
where
    T::Err: std::error::Error + Send + Sync + 'static,
{
    let text: Option<String> = row.get(idx)?;
    text.map(|t| t.parse().map_err(|e| StoreError::Corrupt(format!("column {idx}: {e}")))).transpose()
}

pub(super) fn time(row: &Row<'_>, idx: usize) -> Result<DateTime<Utc>> {
    Ok(from_ts(row.get(idx)?))
}

pub(super) fn time_opt(row: &Row<'_>, idx: usize) -> Result<Option<DateTime<Utc>>> {
    Ok(row.get::<_, Option<i64>>(idx)?.map(from_ts))
}

pub(super) fn zone(row: &Row<'_>, idx: usize) -> Result<Tz> {
    let text: String = row.get(idx)?;
    text.parse::<Tz>().map_err(|e| StoreError::Corrupt(format!("unknown zone {text}: {e}")))
}

pub(super) fn date(row: &Row<'_>, idx: usize) -> Result<NaiveDate> {
    let text: String = row.get(idx)?;
    NaiveDate::parse_from_str(&text, "%Y-%m-%d").map_err(|e| StoreError::Corrupt(format!("column {idx}: {e}")))
}

pub(super) fn touch(row: &Row<'_>) -> Result<TouchRow> {
    Ok(TouchRow {
        id: row.get(0)?,
        enrollment_id: row.get(1)?,
        account_id: row.get(2)?,
        player_id: row.get(3)?,
        owner: row.get(4)?,
        step: row.get(5)?,
        seq: row.get(6)?,
        nominal_day: row.get(7)?,
        kind: named(row, 8)?,
        channel: named(row, 9)?,
        state: named(row, 10)?,
        due_at: time(row, 11)?,
        deadline: time_opt(row, 12)?,
        why: row.get(13)?,
        outcome: named_opt(row, 14)?,
        done_at: time_opt(row, 15)?,
        note: row.get(16)?,
        reason: row.get(17)?,
        on_time: row.get(18)?,
        done_day: row.get(19)?,
        why_data: row.get::<_, Option<String>>(20)?.and_then(|json| serde_json::from_str(&json).ok()),
    })
}

/// Column list read by the matching row function.
macro_rules! enrollment_columns {
    () => {
        "id, account_id, play_id, started_at, started_by, state, paused_at, paused_until, reason, decision_at, ended_as"
    };
}

pub(super) fn enrollment(row: &Row<'_>) -> Result<EnrollmentRow> {
    Ok(EnrollmentRow {
        id: row.get(0)?,
        account_id: row.get(1)?,
        play_id: row.get(2)?,
        started_at: time(row, 3)?,
        started_by: row.get(4)?,
        state: named(row, 5)?,
        paused_at: time_opt(row, 6)?,
        paused_until: time_opt(row, 7)?,
        reason: row.get(8)?,
        decision_at: time_opt(row, 9)?,
        ended_as: named_opt(row, 10)?,
    })
}

/// Column list read by the matching row function.
macro_rules! account_columns {
    () => {
        "a.id, a.name, a.domain, a.industry, a.segment, a.region, a.country, \
     a.employees, a.annual_revenue, a.owner, a.status, a.source, a.opportunity_value, a.budget, a.authority, a.need, a.timing"
    };
}

pub(super) fn account(row: &Row<'_>) -> Result<Account> {
    let factor = |i: usize| -> Result<Option<u8>> { Ok(row.get::<_, Option<i64>>(i)?.map(|v| v as u8)) };
    let bant = match (factor(13)?, factor(14)?, factor(15)?, factor(16)?) {
        (Some(b), Some(a), Some(n), Some(t)) => Bant::new(b, a, n, t),
        _ => None,
    };
    Ok(Account {
        id: row.get(0)?,
        name: row.get(1)?,
        domain: row.get(2)?,
        industry: row.get(3)?,
        segment: row.get(4)?,
        region: row.get(5)?,
        country: row.get(6)?,
        employees: row.get(7)?,
        annual_revenue: row.get(8)?,
        owner: row.get(9)?,
        status: named::<AccountStatus>(row, 10)?,
        source: row.get(11)?,
        opportunity_value: row.get(12)?,
        bant,
    })
}

/// Column list read by the matching row function.
macro_rules! player_columns {
    () => {
        "id, account_id, first_name, last_name, title, email, phone, linkedin, zone, tier, role, status, tier_rule, zone_source, workdays, away_until"
    };
}

pub(super) fn player(row: &Row<'_>) -> Result<Player> {
    Ok(Player {
        id: row.get(0)?,
        account_id: row.get(1)?,
        first_name: row.get(2)?,
        last_name: row.get(3)?,
        title: row.get(4)?,
        email: row.get(5)?,
        phone: row.get(6)?,
        linkedin: row.get(7)?,
        zone: zone(row, 8)?,
        tier: named::<Tier>(row, 9)?,
        role: named::<Role>(row, 10)?,
        status: named::<PlayerStatus>(row, 11)?,
        tier_rule: row.get(12)?,
        zone_source: row.get(13)?,
        workdays: row.get(14)?,
        away_until: time_opt(row, 15)?,
    })
}

pub(super) fn trigger(row: &Row<'_>) -> Result<Trigger> {
    Ok(Trigger {
        id: row.get(0)?,
        account_id: row.get(1)?,
        kind: row.get(2)?,
        summary: row.get(3)?,
        source: row.get(4)?,
        occurred_on: date(row, 5)?,
    })
}

pub(super) fn play(row: &Row<'_>) -> Result<PlayRow> {
    Ok(PlayRow { id: row.get(0)?, name: row.get(1)?, version: row.get(2)?, title: row.get(3)?, source: row.get(4)? })
}

/// The reason of a touch as stored.
pub(super) fn why_json(t: &TouchRow) -> Option<String> {
    t.why_data.as_ref().and_then(|w| serde_json::to_string(w).ok())
}

/// A touch's stored columns after its id, in `insert_touch`'s order (and
/// the bulk loader's).
pub(super) fn touch_values(t: &TouchRow) -> Vec<Value> {
    let text = |v: Option<&str>| v.map_or(Value::Null, |v| Value::Text(v.to_string()));
    let int = |v: Option<i64>| v.map_or(Value::Null, Value::Integer);
    vec![
        Value::Integer(t.enrollment_id),
        Value::Integer(t.account_id),
        Value::Integer(t.player_id),
        Value::Text(t.owner.clone()),
        Value::Integer(t.step),
        Value::Integer(t.seq),
        Value::Integer(t.nominal_day),
        Value::Text(t.kind.as_str().into()),
        Value::Text(t.channel.as_str().into()),
        Value::Text(t.state.as_str().into()),
        Value::Integer(super::ts(t.due_at)),
        int(t.deadline.map(super::ts)),
        Value::Text(t.why.clone()),
        text(t.outcome.map(Outcome::as_str)),
        int(t.done_at.map(super::ts)),
        text(t.note.as_deref()),
        text(t.reason.as_deref()),
        int(t.on_time.map(i64::from)),
        int(t.done_day),
        text(why_json(t).as_deref()),
    ]
}

/// Adds a touch (its `id` is ignored); the one INSERT for touches.
pub(super) fn insert_touch(conn: &Db, t: &TouchRow) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO touches (enrollment_id, account_id, player_id, owner, step, seq, nominal_day, kind, channel,
         state, due_at, deadline_at, why, outcome, done_at, note, reason, on_time, done_day, why_data)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20)",
    )?
    .execute(touch_values(t))?;
    Ok(())
}
