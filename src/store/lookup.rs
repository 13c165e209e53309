//! Single-row lookups shared by reads (`Store`) and actions (`ActionTx`):
//! the same SQL whether or not a write transaction is open.

use super::db::{Db as Connection, OptionalExtension};
use super::rows::{self, EnrollmentRow, TouchRow};
use super::{Result, StoreError};
use crate::domain::{Account, Player};
use crate::play::Play;
use chrono_tz::Tz;

fn not_found(what: &'static str, key: i64) -> StoreError {
    StoreError::NotFound { what, key: key.to_string() }
}

pub(super) fn touch(conn: &Connection, id: i64) -> Result<TouchRow> {
    conn.prepare_cached(concat!("SELECT ", touch_columns!(), " FROM touches WHERE id = ?1"))?
        .query_row([id], rows::touch)
        .optional()?
        .ok_or_else(|| not_found("touch", id))
}

pub(super) fn player(conn: &Connection, id: i64) -> Result<Player> {
    conn.prepare_cached(concat!("SELECT ", player_columns!(), " FROM players WHERE id = ?1"))?
        .query_row([id], rows::player)
        .optional()?
        .ok_or_else(|| not_found("player", id))
}

pub(super) fn players_of(conn: &Connection, account_id: i64) -> Result<Vec<Player>> {
    let mut stmt =
        conn.prepare_cached(concat!("SELECT ", player_columns!(), " FROM players WHERE account_id = ?1 ORDER BY id"))?;
    let rows = stmt.query_map([account_id], rows::player)?.collect::<Result<_>>()?;
    Ok(rows)
}

/// Every play an account has had, finished ones too, oldest first.
pub(super) fn enrollments_of(conn: &Connection, account_id: i64) -> Result<Vec<EnrollmentRow>> {
    let mut stmt = conn.prepare_cached(concat!(
        "SELECT ",
        enrollment_columns!(),
        " FROM enrollments WHERE account_id = ?1 ORDER BY id"
    ))?;
    let rows = stmt.query_map([account_id], rows::enrollment)?.collect::<Result<_>>()?;
    Ok(rows)
}

pub(super) fn account(conn: &Connection, id: i64) -> Result<Account> {
    conn.prepare_cached(concat!("SELECT ", account_columns!(), " FROM accounts a WHERE a.id = ?1"))?
        .query_row([id], rows::account)
        .optional()?
        .ok_or_else(|| not_found("account", id))
}

pub(super) fn rep_zone(conn: &Connection, name: &str) -> Result<Option<Tz>> {
    conn.prepare_cached("SELECT name, zone FROM reps WHERE name = ?1")?
        .query_row([name], |r| rows::zone(r, 1))
        .optional()
}

/// A stored play version, parsed.
pub(super) fn play(conn: &Connection, play_id: i64) -> Result<Play> {
    let row = conn
        .prepare_cached("SELECT id, name, version, title, source FROM plays WHERE id = ?1")?
        .query_row([play_id], rows::play)
        .optional()?
        .ok_or_else(|| not_found("play", play_id))?;
    Play::parse(&row.source).map_err(|e| StoreError::Corrupt(format!("stored play {}: {e}", row.name)))
}
