//! Accounts, players and trigger events added, edited and removed by hand:
//! each change inside an action, with what `undo` needs to reverse it.

use super::action::ActionTx;
use super::db::Value;
use super::db::{params_from_iter, Db as Connection, OptionalExtension, Tx as Transaction};
use super::import::{Columns, ImportLookup};
use super::{rows, Result, StoreError};
use crate::domain::Trigger;
use serde::{Deserialize, Serialize};

/// The tables a user edits record by record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RecordTable {
    Accounts,
    Players,
    Triggers,
    /// Only a touch's owner, moved with its account.
    Touches,
}

impl RecordTable {
    pub(super) fn name(self) -> &'static str {
        match self {
            RecordTable::Accounts => "accounts",
            RecordTable::Players => "players",
            RecordTable::Triggers => "triggers",
            RecordTable::Touches => "touches",
        }
    }
}

/// A record's columns as the undo log keeps them.
pub(super) type Image = Vec<(String, serde_json::Value)>;

/// Translates the ids a record's image names (its own, and the rows it
/// points at) into another store's; `None` when one has no counterpart.
pub(super) fn remap_image(image: &mut Image, table: &str, map: &dyn Fn(&str, i64) -> Option<i64>) -> Option<()> {
    for (column, value) in image.iter_mut() {
        let target = match column.as_str() {
            "id" => table,
            "account_id" => "accounts",
            "player_id" => "players",
            "enrollment_id" => "enrollments",
            "play_id" => "plays",
            "touch_id" => "touches",
            _ => continue,
        };
        if let Some(id) = value.as_i64() {
            *value = map(target, id)?.into();
        }
    }
    Some(())
}

fn to_json(v: Value) -> serde_json::Value {
    match v {
        Value::Null | Value::Blob(_) => serde_json::Value::Null,
        Value::Integer(i) => i.into(),
        Value::Real(f) => serde_json::Number::from_f64(f).map_or(serde_json::Value::Null, serde_json::Value::Number),
        Value::Text(t) => t.into(),
    }
}

fn from_json(v: &serde_json::Value) -> Value {
    match v {
        serde_json::Value::Number(n) => {
            n.as_i64().map_or_else(|| Value::Real(n.as_f64().unwrap_or(0.0)), Value::Integer)
        }
        serde_json::Value::String(s) => Value::Text(s.clone()),
        _ => Value::Null,
    }
}

/// Every stored column of a record (generated columns are not stored).
fn image(conn: &Connection, table: RecordTable, id: i64, only: Option<&[&str]>) -> Result<Image> {
    let sql = format!("SELECT * FROM {} WHERE id = ?1", table.name());
    let names = conn.column_names(&sql)?;
    let values: Vec<Value> = conn
        .query_row(&sql, [id], |r| (0..names.len()).map(|i| r.get::<_, Value>(i)).collect())
        .optional()?
        .ok_or_else(|| StoreError::NotFound { what: "record", key: id.to_string() })?;
    Ok(names
        .into_iter()
        .zip(values)
        .filter(|(n, _)| n != "bant_score" && only.is_none_or(|o| o.contains(&n.as_str())))
        .map(|(n, v)| (n, to_json(v)))
        .collect())
}

/// Puts a record's columns back: a whole row re-inserted, or the columns
/// an edit changed.
pub(super) fn restore(tx: &Transaction<'_>, table: RecordTable, id: Option<i64>, image: &Image) -> Result<()> {
    if image.is_empty() {
        return Ok(());
    }
    // Column names were read back from our own schema by `image`, never
    // taken from input; every value is bound.
    let mut values: Vec<Value> = image.iter().map(|(_, v)| from_json(v)).collect();
    let sql = match id {
        None => {
            let names: Vec<&str> = image.iter().map(|(c, _)| c.as_str()).collect();
            let marks: Vec<String> = (1..=names.len()).map(|i| format!("?{i}")).collect();
            format!("INSERT INTO {} ({}) VALUES ({})", table.name(), names.join(", "), marks.join(", "))
        }
        Some(id) => {
            let sets: Vec<String> = image.iter().enumerate().map(|(i, (c, _))| format!("{c} = ?{}", i + 1)).collect();
            values.push(Value::Integer(id));
            format!("UPDATE {} SET {} WHERE id = ?{}", table.name(), sets.join(", "), values.len())
        }
    };
    tx.execute(&sql, params_from_iter(values))?;
    Ok(())
}

/// Keeps an account's freshest trigger (read by the ranking) in step with
/// its trigger events.
pub(super) fn refresh_last_trigger(conn: &Connection, account_id: i64) -> Result<()> {
    conn.prepare_cached(
        "UPDATE accounts SET
           last_trigger_on = (SELECT occurred_on FROM triggers WHERE account_id = ?1 ORDER BY occurred_on DESC, id DESC LIMIT 1),
           last_trigger = (SELECT summary FROM triggers WHERE account_id = ?1 ORDER BY occurred_on DESC, id DESC LIMIT 1)
         WHERE id = ?1",
    )?
    .execute([account_id])?;
    Ok(())
}

impl ImportLookup for ActionTx<'_> {
    fn connection(&self) -> &Connection {
        self.conn()
    }
}

impl ActionTx<'_> {
    /// Adds a record; `undo` deletes it.
    pub fn insert_record(&mut self, table: RecordTable, columns: &Columns) -> Result<i64> {
        let names: Vec<&str> = columns.iter().map(|(c, _)| *c).collect();
        let marks: Vec<String> = (1..=columns.len()).map(|i| format!("?{i}")).collect();
        let sql = format!("INSERT INTO {} ({}) VALUES ({})", table.name(), names.join(", "), marks.join(", "));
        self.conn().prepare_cached(&sql)?.execute(params_from_iter(columns.iter().map(|(_, v)| v)))?;
        let id = self.conn().last_insert_rowid()?;
        self.log_inserted(table, id);
        if table == RecordTable::Triggers {
            if let Some((_, Value::Integer(account))) = columns.iter().find(|(c, _)| *c == "account_id") {
                refresh_last_trigger(self.conn(), *account)?;
            }
        }
        Ok(id)
    }

    /// Changes some columns of a record; `undo` puts the old values back.
    pub fn update_record(&mut self, table: RecordTable, id: i64, columns: &Columns) -> Result<()> {
        if columns.is_empty() {
            return Ok(());
        }
        let names: Vec<&str> = columns.iter().map(|(c, _)| *c).collect();
        let before = image(self.conn(), table, id, Some(&names))?;
        self.log_updated(table, id, before);
        let sets: Vec<String> = columns.iter().enumerate().map(|(i, (c, _))| format!("{c} = ?{}", i + 2)).collect();
        let sql = format!("UPDATE {} SET {} WHERE id = ?1", table.name(), sets.join(", "));
        let values = std::iter::once(Value::Integer(id)).chain(columns.iter().map(|(_, v)| v.clone()));
        self.conn().prepare_cached(&sql)?.execute(params_from_iter(values))?;
        Ok(())
    }

    /// Deletes a record; `undo` inserts it again, id and all. An account
    /// goes with its players and trigger events (none of them in a play).
    pub fn delete_record(&mut self, table: RecordTable, id: i64) -> Result<()> {
        if table == RecordTable::Accounts {
            for (child, sql) in [
                (RecordTable::Triggers, "SELECT id FROM triggers WHERE account_id = ?1"),
                (RecordTable::Players, "SELECT id FROM players WHERE account_id = ?1"),
            ] {
                let ids: Vec<i64> = self.conn().prepare(sql)?.query_map([id], |r| r.get(0))?.collect::<Result<_>>()?;
                for child_id in ids {
                    self.delete_record(child, child_id)?;
                }
            }
        }
        let before = image(self.conn(), table, id, None)?;
        let account = before.iter().find(|(c, _)| c == "account_id").and_then(|(_, v)| v.as_i64());
        self.log_deleted(table, before);
        self.conn().execute(&format!("DELETE FROM {} WHERE id = ?1", table.name()), [id])?;
        if let (RecordTable::Triggers, Some(account)) = (table, account) {
            refresh_last_trigger(self.conn(), account)?;
        }
        Ok(())
    }

    /// Ids of an account's waiting touches.
    pub fn account_open_touches(&self, account_id: i64) -> Result<Vec<i64>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT id FROM touches WHERE account_id = ?1 AND state IN ('planned', 'due', 'snoozed') ORDER BY id",
        )?;
        let ids = stmt.query_map([account_id], |r| r.get(0))?.collect::<Result<_>>()?;
        Ok(ids)
    }

    /// Whether an account already has this trigger event (same day, same text).
    pub fn has_trigger(&self, account_id: i64, on: chrono::NaiveDate, summary: &str) -> Result<bool> {
        self.conn().query_row(
            "SELECT EXISTS (SELECT 1 FROM triggers WHERE account_id = ?1 AND occurred_on = ?2 AND summary = ?3)",
            params![account_id, on.format("%Y-%m-%d").to_string(), summary],
            |r| r.get(0),
        )
    }

    /// A trigger event by id.
    pub fn trigger(&self, id: i64) -> Result<Trigger> {
        self.conn()
            .query_row(
                "SELECT id, account_id, kind, summary, source, occurred_on FROM triggers WHERE id = ?1",
                [id],
                rows::trigger,
            )
            .optional()?
            .ok_or_else(|| StoreError::NotFound { what: "trigger", key: id.to_string() })
    }

    /// How many plays (for an account) or touches (for a player) a record
    /// has had: history that would be lost with it.
    pub fn history_of(&self, table: RecordTable, id: i64) -> Result<i64> {
        let sql = match table {
            RecordTable::Accounts => "SELECT COUNT(*) FROM enrollments WHERE account_id = ?1",
            RecordTable::Players => "SELECT COUNT(*) FROM touches WHERE player_id = ?1",
            RecordTable::Triggers | RecordTable::Touches => "SELECT 0 WHERE ?1 IS NOT NULL",
        };
        self.conn().query_row(sql, params![id], |r| r.get(0))
    }
}
