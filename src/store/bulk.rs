//! A bulk load into PostgreSQL (`demo --accounts N`): rows are gathered and
//! sent with COPY, a few hundred thousand at a time, instead of one round
//! trip each. The loader holds the only writing transaction of a fresh load,
//! so it numbers the rows itself and sets each table's identity after.

use super::db::{Db, Value};
use super::Result;
use std::collections::HashMap;

/// The bulk-loaded tables, in the order rows may point at each other, with
/// the columns the loader writes (the id first).
pub(super) const TABLES: [(&str, &[&str]); 6] = [
    (
        "accounts",
        &[
            "id",
            "name",
            "domain",
            "industry",
            "segment",
            "region",
            "country",
            "employees",
            "annual_revenue",
            "owner",
            "status",
            "source",
            "opportunity_value",
            "budget",
            "authority",
            "need",
            "timing",
            "created_at",
            "last_trigger_on",
            "last_trigger",
        ],
    ),
    (
        "players",
        &[
            "id",
            "account_id",
            "first_name",
            "last_name",
            "title",
            "email",
            "phone",
            "linkedin",
            "zone",
            "tier",
            "role",
            "status",
        ],
    ),
    ("triggers", &["id", "account_id", "kind", "summary", "source", "occurred_on"]),
    (
        "enrollments",
        &[
            "id",
            "account_id",
            "play_id",
            "started_at",
            "started_by",
            "state",
            "paused_at",
            "paused_until",
            "reason",
            "last_touch_at",
            "last_done_day",
            "decision_at",
            "ended_as",
        ],
    ),
    (
        "touches",
        &[
            "id",
            "enrollment_id",
            "account_id",
            "player_id",
            "owner",
            "step",
            "seq",
            "nominal_day",
            "kind",
            "channel",
            "state",
            "due_at",
            "deadline_at",
            "why",
            "outcome",
            "done_at",
            "note",
            "reason",
            "on_time",
            "done_day",
            "why_data",
        ],
    ),
    (
        "activity",
        &[
            "id",
            "at",
            "actor",
            "action",
            "account_id",
            "player_id",
            "touch_id",
            "channel",
            "outcome",
            "enrollment_id",
            "play_id",
            "step",
            "owner",
        ],
    ),
];

/// Rows sent at once: big enough for COPY to pay, small enough to keep
/// the loader's memory flat.
const BATCH: usize = 200_000;

#[derive(Default)]
pub(super) struct Bulk {
    /// The session's role, written into each activity row as the guard
    /// trigger (off during a load) would have.
    role: Option<String>,
    next: HashMap<&'static str, i64>,
    rows: HashMap<&'static str, Vec<Vec<Value>>>,
    /// Where a buffered row sits, for the few updates a load makes.
    at: HashMap<(&'static str, i64), usize>,
    buffered: usize,
}

fn column(table: &str, name: &str) -> usize {
    TABLES.iter().find(|(t, _)| *t == table).and_then(|(_, c)| c.iter().position(|c| *c == name)).unwrap_or(0)
}

impl Bulk {
    /// Adds a row (without its id) and gives it the next id.
    pub(super) fn add(&mut self, db: &Db, table: &'static str, mut values: Vec<Value>) -> Result<i64> {
        let next = match self.next.get(table) {
            Some(n) => *n,
            // Table names are this module's constants.
            None => db.query_row(&format!("SELECT COALESCE(MAX(id), 0) + 1 FROM {table}"), [], |r| r.get(0))?,
        };
        self.next.insert(table, next + 1);
        values.insert(0, Value::Integer(next));
        let rows = self.rows.entry(table).or_default();
        // Only accounts and players are changed while buffered (`set`).
        if matches!(table, "accounts" | "players") {
            self.at.insert((table, next), rows.len());
        }
        rows.push(values);
        self.buffered += 1;
        if self.buffered >= BATCH {
            self.flush(db)?;
        }
        Ok(next)
    }

    /// Changes a column of an account or player still buffered; false
    /// when it was sent.
    pub(super) fn set(&mut self, table: &'static str, id: i64, name: &str, value: Value) -> bool {
        let Some(i) = self.at.get(&(table, id)) else { return false };
        let c = column(table, name);
        match self.rows.get_mut(table).and_then(|r| r.get_mut(*i)) {
            Some(row) => {
                row[c] = value;
                true
            }
            None => false,
        }
    }

    /// The value of a buffered account's or player's column.
    pub(super) fn get(&self, table: &'static str, id: i64, name: &str) -> Option<&Value> {
        let i = self.at.get(&(table, id))?;
        self.rows.get(table)?.get(*i)?.get(column(table, name))
    }

    /// Sends every buffered row, tables in order, and moves each table's
    /// identity past the ids given.
    pub(super) fn flush(&mut self, db: &Db) -> Result<()> {
        for (table, columns) in TABLES {
            let Some(mut rows) = self.rows.remove(table) else { continue };
            if rows.is_empty() {
                continue;
            }
            if table == "activity" {
                let role = match &self.role {
                    Some(r) => r.clone(),
                    None => db.query_row("SELECT session_user::text", [], |r| r.get(0))?,
                };
                self.role = Some(role.clone());
                for row in &mut rows {
                    row.push(Value::Text(role.clone()));
                }
                let mut with_role = columns.to_vec();
                with_role.push("db_role");
                copy(db, table, &with_role, rows.into_iter())?;
            } else {
                copy(db, table, columns, rows.into_iter())?;
            }
            if let Some(next) = self.next.get(table) {
                db.query_row(
                    &format!("SELECT setval(pg_get_serial_sequence('{table}', 'id'), ?1)"),
                    [*next - 1],
                    |r| r.get::<_, i64>(0),
                )?;
            }
        }
        self.at.clear();
        self.buffered = 0;
        Ok(())
    }
}

/// Sends rows (values in `columns` order) into `table` with one COPY.
pub(super) fn copy(db: &Db, table: &str, columns: &[&str], rows: impl Iterator<Item = Vec<Value>>) -> Result<()> {
    let mut data = String::new();
    for row in rows {
        for (i, v) in row.iter().enumerate() {
            if i > 0 {
                data.push('\t');
            }
            copy_text(&mut data, v);
        }
        data.push('\n');
    }
    if !data.is_empty() {
        db.copy_in(&format!("COPY {table} ({}) FROM STDIN", columns.join(", ")), data.as_bytes())?;
    }
    Ok(())
}

/// One value in COPY's text format.
fn copy_text(out: &mut String, v: &Value) {
    use std::fmt::Write as _;
    match v {
        Value::Null => out.push_str("\\N"),
        // Writing into the buffer itself: no string per number.
        Value::Integer(i) => {
            let _ = write!(out, "{i}");
        }
        Value::Real(f) => {
            let _ = write!(out, "{f}");
        }
        // Most text needs no escape: copied whole, not char by char.
        Value::Text(t) if !t.bytes().any(|b| matches!(b, b'\\' | b'\t' | b'\n' | b'\r')) => out.push_str(t),
        Value::Text(t) => {
            for c in t.chars() {
                match c {
                    '\\' => out.push_str("\\\\"),
                    '\t' => out.push_str("\\t"),
                    '\n' => out.push_str("\\n"),
                    '\r' => out.push_str("\\r"),
                    c => out.push(c),
                }
            }
        }
        Value::Blob(b) => {
            out.push_str("\\\\x");
            for byte in b {
                out.push_str(&format!("{byte:02x}"));
            }
        }
    }
}
