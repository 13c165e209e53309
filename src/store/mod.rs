//! The SQLite store: the only module that speaks SQL.
//!
//! Schema changes are new numbered migrations only: a shipped migration is
//! never edited (see `schema`; `tests/migrations.rs` pins their hashes).
//!
//! One file per concern: `schema` (migrations), `rows` (row mapping),
//! `action` (one user action = one transaction, with its undo), `read`
//! (queries behind the views), `write` (loading accounts, players, plays).

#[macro_use]
pub mod db;
#[macro_use]
mod rows;
mod action;
mod bulk;
mod decisions;
mod dialect;
mod export;
mod import;
mod lookup;
pub mod pg;
mod push;
mod read;
mod records;
mod report;
mod schema;
mod team;
mod tls;
mod write;

pub use action::{ActionTx, Activity, Undone};
pub use db::Value;
pub use decisions::DecisionRow;
pub use export::{ActivityExport, TouchExport};
pub use import::{Columns, ImportLookup, ImportTable};
pub use push::PushSummary;
pub use read::{AccountFilter, ActivityRow, QueueRow, RankCutoffs, RankedRow};
pub use records::RecordTable;
pub use report::{EnrollmentActivity, EnrollmentCount, EnrollmentProgress, RepChannelRow};
pub use rows::{EnrollmentRow, PlayRow, TouchRow};
pub use schema::{latest_version, MIGRATIONS};
pub use team::TeamRole;
pub use write::{LastTouch, Loader, NewAccount, NewPlayer, PastAction, TouchRef};

use chrono::{DateTime, Utc};
use db::{Begin, Db};
use rusqlite::{Connection, OpenFlags};
use std::path::{Path, PathBuf};

pub use pg::MIGRATIONS as PG_MIGRATIONS;
pub use schema::APPLICATION_ID;
use std::time::Duration as StdDuration;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    // Not a `source`: SQLite's own text is in the message already, and an
    // error chain would repeat it with its code.
    #[error("database error: {}", sqlite_message(.0))]
    Sqlite(rusqlite::Error),
    #[error("database error: {}", postgres_message(.0))]
    Postgres(postgres::Error),
    /// A single-row read found none (see `db::OptionalExtension`).
    #[error("no such record")]
    NoRow,
    #[error(
        "the database {path} was written by a newer playbook (schema version {found}; this build knows up to {known}); upgrade playbook to open it"
    )]
    NewerSchema { path: String, found: i64, known: i64 },
    #[error("cannot create the database {path}: {why}")]
    Create { path: PathBuf, why: String },
    #[error("cannot open the database {path}: {why}")]
    Open { path: PathBuf, why: String },
    #[error("{path} is not a playbook database ({why}); pass --db with a playbook database, or a new file name")]
    Foreign { path: PathBuf, why: &'static str },
    #[error("cannot upgrade the database {path} to schema version {version}: {why}; nothing was changed")]
    Migrate { path: String, version: usize, why: String },
    #[error("no {what} {}", crate::text::fit(key, 80))]
    NotFound { what: &'static str, key: String },
    #[error("{}", crate::text::one_line(.0))]
    Invalid(String),
    #[error("stored data is damaged: {0}")]
    Corrupt(String),
}

/// SQLite's own words for an error, without the SQL text it failed on.
fn sqlite_message(e: &rusqlite::Error) -> String {
    match e {
        rusqlite::Error::SqliteFailure(code, Some(msg)) if code.code == rusqlite::ErrorCode::DatabaseBusy => {
            format!("{msg} (another process is writing to it)")
        }
        rusqlite::Error::SqlInputError { msg, .. } | rusqlite::Error::SqliteFailure(_, Some(msg)) => msg.clone(),
        other => other.to_string(),
    }
}

/// PostgreSQL's own words for an error, without its SQL.
fn postgres_message(e: &postgres::Error) -> String {
    if connection_lost(e) {
        return "the connection to the team database was lost: nothing was changed; it reconnects on the next try"
            .to_string();
    }
    match e.as_db_error() {
        Some(db) if *db.code() == postgres::error::SqlState::INSUFFICIENT_PRIVILEGE => {
            if db.message().contains("row-level security") {
                let table = db.message().split('"').nth(1).unwrap_or("a table");
                format!(
                    "the team database refused it: that account belongs to another rep (row-level security on {table}); nothing was changed; ask its owner, or a manager to reassign it"
                )
            } else {
                format!(
                    "the team database refused it: your role may not do this ({}); nothing was changed",
                    db.message()
                )
            }
        }
        Some(db) => db.message().to_string(),
        None => e.to_string(),
    }
}

/// The session is gone: closed, cut (an I/O error), or ended by the server
/// (an administrator, a shutdown: SQLSTATE classes 08 and 57P).
pub(crate) fn connection_lost(e: &postgres::Error) -> bool {
    let io = std::error::Error::source(e).is_some_and(|s| s.downcast_ref::<std::io::Error>().is_some());
    let ended = e.code().is_some_and(|c| c.code().starts_with("08") || c.code().starts_with("57P"));
    e.is_closed() || io || ended
}

impl From<postgres::Error> for StoreError {
    fn from(e: postgres::Error) -> StoreError {
        StoreError::Postgres(e)
    }
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> StoreError {
        StoreError::Sqlite(e)
    }
}

impl StoreError {
    /// SQLite's error code, when SQLite failed.
    pub fn sqlite_code(&self) -> Option<rusqlite::ErrorCode> {
        match self {
            StoreError::Sqlite(rusqlite::Error::SqliteFailure(code, _)) => Some(code.code),
            _ => None,
        }
    }

    /// Whether the transaction lost to a concurrent one and changed
    /// nothing: running the same action again is safe.
    pub fn is_retryable(&self) -> bool {
        use postgres::error::SqlState;
        matches!(self, StoreError::Postgres(e)
            if e.code().is_some_and(|c| *c == SqlState::T_R_SERIALIZATION_FAILURE || *c == SqlState::T_R_DEADLOCK_DETECTED))
    }

    /// Whether another connection held the write lock past the busy timeout.
    pub fn is_busy(&self) -> bool {
        matches!(self, StoreError::Sqlite(rusqlite::Error::SqliteFailure(code, _))
            if matches!(code.code, rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked))
    }
}

pub type Result<T> = std::result::Result<T, StoreError>;

/// Where the data lives: an SQLite file, or a team's PostgreSQL server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    File(PathBuf),
    Server(String),
}

impl Target {
    /// A `postgres://` URL names a server; anything else is a file path.
    pub fn parse(text: &std::ffi::OsStr) -> Target {
        match text.to_str() {
            Some(t) if pg::is_url(t) => Target::Server(t.to_string()),
            _ => Target::File(PathBuf::from(text)),
        }
    }

    /// For messages: a server URL without anything secret.
    pub fn display(&self) -> String {
        match self {
            Target::File(p) => p.display().to_string(),
            Target::Server(url) => pg::redacted(url),
        }
    }

    /// Whether there is no store yet (a server's database is never missing:
    /// an empty one reads as new).
    pub fn is_missing(&self) -> bool {
        match self {
            Target::File(p) => !p.exists(),
            Target::Server(_) => false,
        }
    }

    pub fn file(&self) -> Option<&Path> {
        match self {
            Target::File(p) => Some(p),
            Target::Server(_) => None,
        }
    }

    pub fn open(&self) -> Result<Store> {
        match self {
            Target::File(p) => Store::open(p),
            Target::Server(url) => Store::open_postgres(url),
        }
    }
}

/// An open database.
pub struct Store {
    conn: Db,
}

/// Seconds since the epoch, the store's representation of an instant.
pub(crate) fn ts(at: DateTime<Utc>) -> i64 {
    at.timestamp()
}

pub(crate) fn from_ts(secs: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(secs, 0).unwrap_or_default()
}

impl Store {
    /// Opens a playbook database, creating it (0600) when the file is
    /// missing or empty, and upgrades its schema. Any other file is refused
    /// before anything is written to it: see `schema::check_identity`.
    pub fn open(path: &Path) -> Result<Store> {
        let open_error = |why: String| StoreError::Open { path: path.to_path_buf(), why };
        match std::fs::metadata(path) {
            Ok(m) if m.is_dir() => return Err(open_error("it is a directory".into())),
            Ok(m) if !m.is_file() => return Err(open_error("it is not a regular file".into())),
            Ok(m) if m.len() > 0 => schema::check_identity(path)?,
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => create_file(path)?,
            Err(e) => return Err(open_error(crate::files::describe(&e))),
        }
        let conn =
            Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX)
                .map_err(|e| open_error(sqlite_message(&e)))?;
        Store::init(conn, &path.display().to_string())
    }

    /// Connects to a team's PostgreSQL database and upgrades its schema.
    pub fn open_postgres(url: &str) -> Result<Store> {
        let db = pg::connect(url)?;
        let store = Store { conn: db };
        pg::migrate(&store.conn, &pg::redacted(url))?;
        Ok(store)
    }

    /// A private in-memory database, for tests.
    pub fn open_in_memory() -> Result<Store> {
        Store::init(Connection::open_in_memory()?, ":memory:")
    }

    fn init(conn: Connection, label: &str) -> Result<Store> {
        // A second process (the TUI and a CLI command) waits instead of failing.
        conn.busy_timeout(StdDuration::from_secs(5))?;
        // Every commit reaches the disk before the command says it is done:
        // a logged touch survives a power cut (see README, Durability).
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", true)?;
        // Plans stay fixed for a prepared statement: without this, the
        // statistics of ANALYZE make SQLite re-plan a cached statement each
        // time it gets new parameters, which dominated per-account lookups.
        conn.set_db_config(rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true)?;
        let mut store = Store { conn: Db::Sqlite(conn) };
        // The schema first: a database this build cannot use (a newer one, or
        // one whose upgrade fails) is left in the journal mode it had.
        store.migrate(label)?;
        store.sqlite()?.pragma_update(None, "journal_mode", "WAL")?;
        Ok(store)
    }

    /// The connection itself, for tests and diagnostics that read rows
    /// directly; the program's own SQL stays in this module.
    pub fn raw(&self) -> &Db {
        &self.conn
    }

    /// Whether this store is a team's PostgreSQL database.
    pub fn is_postgres(&self) -> bool {
        self.conn.is_postgres()
    }

    /// The SQLite connection, for what only SQLite has (pragmas).
    fn sqlite(&self) -> Result<&Connection> {
        match &self.conn {
            Db::Sqlite(c) => Ok(c),
            Db::Pg(_) => Err(StoreError::Invalid("this works on an SQLite file only".into())),
        }
    }

    /// The schema version of the open database.
    pub fn schema_version(&self) -> Result<i64> {
        match &self.conn {
            Db::Sqlite(c) => Ok(c.pragma_query_value(None, "user_version", |r| r.get(0))?),
            Db::Pg(_) => pg::schema_version(&self.conn),
        }
    }

    fn migrate(&mut self, label: &str) -> Result<()> {
        let found = self.schema_version()?;
        let known = schema::latest_version();
        if found > known {
            return Err(StoreError::NewerSchema { path: label.to_string(), found, known });
        }
        let conn = self.sqlite()?;
        for (i, sql) in schema::MIGRATIONS.iter().enumerate().skip(usize::try_from(found).unwrap_or(0)) {
            let failed = |e: rusqlite::Error| StoreError::Migrate {
                path: label.to_string(),
                version: i + 1,
                why: sqlite_message(&e),
            };
            let tx =
                rusqlite::Transaction::new_unchecked(conn, rusqlite::TransactionBehavior::Immediate).map_err(failed)?;
            tx.execute_batch(sql).map_err(failed)?;
            tx.pragma_update(None, "user_version", i as i64 + 1).map_err(failed)?;
            tx.commit().map_err(failed)?;
        }
        Ok(())
    }

    /// Changes when another connection commits (not this one's own writes):
    /// polled by the UI to show a teammate's or a command's change.
    pub fn data_version(&self) -> Result<i64> {
        match &self.conn {
            Db::Sqlite(c) => Ok(c.pragma_query_value(None, "data_version", |r| r.get(0))?),
            Db::Pg(pg) => pg::data_version(pg),
        }
    }

    /// Whether the database holds no accounts yet.
    pub fn is_empty(&self) -> Result<bool> {
        self.conn.query_row("SELECT NOT EXISTS (SELECT 1 FROM accounts)", [], |r| r.get(0))
    }

    /// Recomputes the manager's rollups from the touches themselves; the
    /// triggers keep them exact, so this is a repair (and a test oracle).
    pub fn rebuild_rollups(&mut self) -> Result<()> {
        let tx = self.conn.begin(Begin::Write)?;
        tx.execute_batch(schema::REBUILD_ROLLUPS)?;
        tx.execute_batch(schema::REBUILD_LAST_TOUCH)?;
        tx.commit()?;
        Ok(())
    }

    /// Settings for a one-off bulk load into a fresh file (demo generation):
    /// durability is traded for speed, since a failed load is simply redone.
    pub fn bulk_load_mode(&self) -> Result<()> {
        match &self.conn {
            Db::Sqlite(c) => {
                c.pragma_update(None, "synchronous", "OFF")?;
                c.pragma_update(None, "cache_size", -200_000)?;
            }
            Db::Pg(_) => self.conn.execute_batch("SET synchronous_commit = off")?,
        }
        Ok(())
    }

    /// A read transaction: every query until it drops sees one snapshot, and
    /// the file is locked once instead of per statement.
    pub fn snapshot(&self) -> Result<db::Tx<'_>> {
        self.conn.begin(Begin::Read)
    }

    /// Refreshes the query planner's statistics after a large load.
    pub fn analyze(&self) -> Result<()> {
        // PostgreSQL's bare ANALYZE would visit every schema of the database.
        let sql = if self.is_postgres() {
            "ANALYZE reps, accounts, triggers, players, plays, enrollments, touches, activity, touch_daily, touch_open"
        } else {
            "ANALYZE"
        };
        self.conn.execute_batch(sql)?;
        Ok(())
    }
}

/// A new, empty database file, 0600. Its directory must exist: a typo in
/// `--db` should not grow a directory tree.
fn create_file(path: &Path) -> Result<()> {
    let create_error = |why: String| StoreError::Create { path: path.to_path_buf(), why };
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    match std::fs::metadata(dir) {
        Ok(m) if !m.is_dir() => return Err(create_error(format!("{} is a file, not a directory", dir.display()))),
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(create_error(format!("the directory {} does not exist", dir.display())));
        }
        Err(e) => return Err(create_error(crate::files::describe(&e))),
    }
    crate::files::create_new(path).map_err(|e| create_error(crate::files::describe(&e)))
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
        let path = dir.path().join("pb.db");
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
