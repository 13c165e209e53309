//! Lookups and writes for CSV imports. A record is a list of `(column,
//! value)` pairs whose column names are `&'static str` from the import's
//! fixed field list, never from the file: the statements are assembled from
//! those names (which columns a file has varies) and every value is bound.

use super::db::Value;
use super::db::{params_from_iter, Db as Connection, OptionalExtension};
use super::write::Loader;
use super::{Result, Store};

/// The two tables an import writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportTable {
    Accounts,
    Players,
}

impl ImportTable {
    fn name(self) -> &'static str {
        match self {
            ImportTable::Accounts => "accounts",
            ImportTable::Players => "players",
        }
    }
}

/// `(column, value)` pairs of one record.
pub type Columns = Vec<(&'static str, Value)>;

/// The reads an import plans with: on the store, or inside the import's own
/// write transaction so nothing changes between the plan and the writes.
pub trait ImportLookup {
    fn connection(&self) -> &Connection;

    /// Accounts with this domain.
    fn accounts_by_domain(&self, domain: &str) -> Result<Vec<i64>> {
        let mut stmt = self.connection().prepare_cached("SELECT id FROM accounts WHERE domain = ?1 ORDER BY id")?;
        let ids = stmt.query_map([domain], |r| r.get(0))?.collect::<Result<_>>()?;
        Ok(ids)
    }

    /// Accounts with this name (any case), with their domains.
    fn accounts_by_name(&self, name: &str) -> Result<Vec<(i64, Option<String>)>> {
        let mut stmt = self
            .connection()
            .prepare_cached("SELECT id, domain FROM accounts WHERE name = ?1 COLLATE NOCASE ORDER BY id")?;
        let rows = stmt.query_map([name], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<Result<_>>()?;
        Ok(rows)
    }

    /// The player with this (lowercased) email.
    fn player_by_email(&self, email: &str) -> Result<Option<i64>> {
        self.connection()
            .prepare_cached("SELECT id FROM players WHERE email = ?1 ORDER BY id LIMIT 1")?
            .query_row([email], |r| r.get(0))
            .optional()
    }

    /// The stored values of `columns` for one record.
    fn current_values(&self, table: ImportTable, id: i64, columns: &[&'static str]) -> Result<Vec<Value>> {
        let sql = format!("SELECT {} FROM {} WHERE id = ?1", columns.join(", "), table.name());
        let mut stmt = self.connection().prepare_cached(&sql)?;
        stmt.query_row([id], |r| (0..columns.len()).map(|i| r.get::<_, Value>(i)).collect())
    }

    /// Whether any play is installed.
    fn has_plays(&self) -> Result<bool> {
        self.connection().query_row("SELECT EXISTS (SELECT 1 FROM plays)", [], |r| r.get(0))
    }
}

impl ImportLookup for Store {
    fn connection(&self) -> &Connection {
        &self.conn
    }
}

impl ImportLookup for Loader<'_> {
    fn connection(&self) -> &Connection {
        self.tx()
    }
}

impl Loader<'_> {
    pub fn insert_columns(&self, table: ImportTable, columns: &Columns) -> Result<i64> {
        let names: Vec<&str> = columns.iter().map(|(c, _)| *c).collect();
        let marks: Vec<String> = (1..=columns.len()).map(|i| format!("?{i}")).collect();
        let sql = format!("INSERT INTO {} ({}) VALUES ({})", table.name(), names.join(", "), marks.join(", "));
        self.tx().prepare_cached(&sql)?.execute(params_from_iter(columns.iter().map(|(_, v)| v)))?;
        self.tx().last_insert_rowid()
    }

    pub fn update_columns(&self, table: ImportTable, id: i64, columns: &Columns) -> Result<()> {
        if columns.is_empty() {
            return Ok(());
        }
        let sets: Vec<String> = columns.iter().enumerate().map(|(i, (c, _))| format!("{c} = ?{}", i + 2)).collect();
        let sql = format!("UPDATE {} SET {} WHERE id = ?1", table.name(), sets.join(", "));
        let values = std::iter::once(Value::Integer(id)).chain(columns.iter().map(|(_, v)| v.clone()));
        self.tx().prepare_cached(&sql)?.execute(params_from_iter(values))?;
        Ok(())
    }

    /// Hands an account's open touches to its new owner (their queue moves with it).
    pub fn move_open_touches(&self, account_id: i64, owner: &str) -> Result<()> {
        self.tx()
            .prepare_cached(
                "UPDATE touches SET owner = ?2 WHERE account_id = ?1 AND state IN ('planned', 'due', 'snoozed')
                   AND owner != ?2",
            )?
            .execute(params![account_id, owner])?;
        Ok(())
    }
}
