//! The SQLite store: the only module that speaks SQL.
//!
//! One file per concern: `schema` (migrations), `rows` (row mapping),
//! `action` (one user action = one transaction, with its undo), `read`
//! (queries behind the views), `write` (loading accounts, players, plays).

#[macro_use]
mod rows;
mod action;
mod export;
mod import;
mod lookup;
mod read;
mod report;
mod schema;
mod write;

pub use action::{ActionTx, Activity, Undone};
pub use export::{ActivityExport, TouchExport};
pub use import::{Columns, ImportLookup, ImportTable};
pub use read::{AccountFilter, ActivityRow, QueueRow, RankCutoffs, RankedRow};
pub use report::{EnrollmentActivity, EnrollmentCount, EnrollmentProgress, RepChannelRow};
pub use rows::{EnrollmentRow, PlayRow, TouchRow};
pub use schema::latest_version;
pub use write::{LastTouch, Loader, NewAccount, NewPlayer, PastAction, TouchRef};

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OpenFlags};
use std::path::{Path, PathBuf};
use std::time::Duration as StdDuration;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error(
        "the database {path} was written by a newer playbook (schema version {found}; this build knows up to {known}); upgrade playbook to open it"
    )]
    NewerSchema { path: String, found: i64, known: i64 },
    #[error("cannot create the database {path}: {source}")]
    Create { path: PathBuf, source: std::io::Error },
    #[error("no {what} {key}")]
    NotFound { what: &'static str, key: String },
    #[error("{0}")]
    Invalid(String),
    #[error("stored data is damaged: {0}")]
    Corrupt(String),
}

pub type Result<T> = std::result::Result<T, StoreError>;

/// An open database.
pub struct Store {
    conn: Connection,
}

/// Seconds since the epoch, the store's representation of an instant.
pub(crate) fn ts(at: DateTime<Utc>) -> i64 {
    at.timestamp()
}

pub(crate) fn from_ts(secs: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(secs, 0).unwrap_or_default()
}

impl Store {
    /// Opens (creating with mode 0600 when missing) and migrates a database file.
    pub fn open(path: &Path) -> Result<Store> {
        if !path.exists() {
            create_private_file(path)?;
        }
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        Store::init(conn, &path.display().to_string())
    }

    /// A private in-memory database, for tests.
    pub fn open_in_memory() -> Result<Store> {
        Store::init(Connection::open_in_memory()?, ":memory:")
    }

    fn init(conn: Connection, label: &str) -> Result<Store> {
        // A second process (the TUI and a CLI command) waits instead of failing.
        conn.busy_timeout(StdDuration::from_secs(5))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", true)?;
        // Plans stay fixed for a prepared statement: without this, the
        // statistics of ANALYZE make SQLite re-plan a cached statement each
        // time it gets new parameters, which dominated per-account lookups.
        conn.set_db_config(rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true)?;
        let mut store = Store { conn };
        store.migrate(label)?;
        Ok(store)
    }

    /// The schema version of the open database.
    pub fn schema_version(&self) -> Result<i64> {
        Ok(self.conn.pragma_query_value(None, "user_version", |r| r.get(0))?)
    }

    fn migrate(&mut self, label: &str) -> Result<()> {
        let found = self.schema_version()?;
        let known = schema::latest_version();
        if found > known {
            return Err(StoreError::NewerSchema { path: label.to_string(), found, known });
        }
        for (i, sql) in schema::MIGRATIONS.iter().enumerate().skip(usize::try_from(found).unwrap_or(0)) {
            let tx = self.conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            tx.execute_batch(sql)?;
            tx.pragma_update(None, "user_version", i as i64 + 1)?;
            tx.commit()?;
        }
        Ok(())
    }

    /// Whether the database holds no accounts yet.
    pub fn is_empty(&self) -> Result<bool> {
        Ok(self.conn.query_row("SELECT NOT EXISTS (SELECT 1 FROM accounts)", [], |r| r.get(0))?)
    }

    /// Recomputes the manager's rollups from the touches themselves; the
    /// triggers keep them exact, so this is a repair (and a test oracle).
    pub fn rebuild_rollups(&mut self) -> Result<()> {
        let tx = self.conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        tx.execute_batch(schema::REBUILD_ROLLUPS)?;
        tx.execute_batch(schema::REBUILD_LAST_TOUCH)?;
        tx.commit()?;
        Ok(())
    }

    /// Settings for a one-off bulk load into a fresh file (demo generation):
    /// durability is traded for speed, since a failed load is simply redone.
    pub fn bulk_load_mode(&self) -> Result<()> {
        self.conn.pragma_update(None, "synchronous", "OFF")?;
        self.conn.pragma_update(None, "cache_size", -200_000)?;
        Ok(())
    }

    /// A read transaction: every query until it drops sees one snapshot, and
    /// the file is locked once instead of per statement.
    pub fn snapshot(&self) -> Result<rusqlite::Transaction<'_>> {
        Ok(self.conn.unchecked_transaction()?)
    }

    /// Refreshes the query planner's statistics after a large load.
    pub fn analyze(&self) -> Result<()> {
        self.conn.execute_batch("ANALYZE")?;
        Ok(())
    }
}

#[cfg(unix)]
fn create_private_file(path: &Path) -> Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|source| StoreError::Create { path: path.to_path_buf(), source })?;
    }
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .map(drop)
        .map_err(|source| StoreError::Create { path: path.to_path_buf(), source })
}

#[cfg(not(unix))]
fn create_private_file(path: &Path) -> Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|source| StoreError::Create { path: path.to_path_buf(), source })?;
    }
    std::fs::File::create(path).map(drop).map_err(|source| StoreError::Create { path: path.to_path_buf(), source })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_reach_the_latest_version() {
        let store = Store::open_in_memory().expect("opens");
        assert_eq!(store.schema_version().expect("version"), latest_version());
        assert!(store.is_empty().expect("query"));
    }

    #[test]
    fn file_is_private_and_newer_schema_is_refused() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("sub/pb.db");
        drop(Store::open(&path).expect("creates"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).expect("exists").permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
        }
        let conn = Connection::open(&path).expect("open raw");
        conn.pragma_update(None, "user_version", 99).expect("bump");
        drop(conn);
        let err = Store::open(&path).err().expect("refused");
        assert!(err.to_string().contains("newer playbook (schema version 99"), "{err}");
    }
}
