//! One connection type over both backends: the embedded SQLite file and a
//! team's PostgreSQL server. The store's queries are written once, in the
//! SQL both speak, with SQLite's `?N` placeholders; on PostgreSQL they are
//! rewritten once per text (`dialect`) and prepared once per connection.
//!
//! Values cross as SQLite's five storage classes (`Value`): the PostgreSQL
//! schema keeps integers as BIGINT and text as TEXT, so one query reads the
//! same on both, and a column PostgreSQL widens (a SUM to NUMERIC, a
//! comparison to BOOLEAN) still reads as the integer SQLite would give.

use super::dialect;
use super::{Result, StoreError};
use std::cell::RefCell;
use std::collections::HashMap;
use std::error::Error as StdError;

/// A stored value, as SQLite's storage classes.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Integer(i64),
    Real(f64),
    Text(String),
    Blob(Vec<u8>),
}

/// A borrowed `Value`: what a parameter binds as.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ValueRef<'a> {
    Null,
    Integer(i64),
    Real(f64),
    Text(&'a str),
    Blob(&'a [u8]),
}

impl Value {
    pub fn as_ref(&self) -> ValueRef<'_> {
        match self {
            Value::Null => ValueRef::Null,
            Value::Integer(i) => ValueRef::Integer(*i),
            Value::Real(f) => ValueRef::Real(*f),
            Value::Text(s) => ValueRef::Text(s),
            Value::Blob(b) => ValueRef::Blob(b),
        }
    }
}

/// Anything that binds as a query parameter.
pub trait ToDb {
    fn to_db(&self) -> ValueRef<'_>;
}

macro_rules! int_to_db {
    ($($t:ty),*) => {$(
        impl ToDb for $t {
            fn to_db(&self) -> ValueRef<'_> {
                ValueRef::Integer(i64::from(*self))
            }
        }
    )*};
}
int_to_db!(i64, i32, u32, u16, u8, bool);

impl ToDb for usize {
    fn to_db(&self) -> ValueRef<'_> {
        ValueRef::Integer(i64::try_from(*self).unwrap_or(i64::MAX))
    }
}
impl ToDb for f64 {
    fn to_db(&self) -> ValueRef<'_> {
        ValueRef::Real(*self)
    }
}
impl ToDb for str {
    fn to_db(&self) -> ValueRef<'_> {
        ValueRef::Text(self)
    }
}
impl ToDb for String {
    fn to_db(&self) -> ValueRef<'_> {
        ValueRef::Text(self)
    }
}
impl ToDb for Value {
    fn to_db(&self) -> ValueRef<'_> {
        self.as_ref()
    }
}
impl ToDb for ValueRef<'_> {
    fn to_db(&self) -> ValueRef<'_> {
        *self
    }
}
impl<T: ToDb + ?Sized> ToDb for &T {
    fn to_db(&self) -> ValueRef<'_> {
        (**self).to_db()
    }
}
impl<T: ToDb> ToDb for Option<T> {
    fn to_db(&self) -> ValueRef<'_> {
        self.as_ref().map_or(ValueRef::Null, ToDb::to_db)
    }
}

/// A query's parameters: `params![a, b]`, `[a, b]` of one type, `[]`, or a
/// slice of values (`&values[..]`).
pub trait Params {
    fn with<R>(self, f: impl FnOnce(&[&dyn ToDb]) -> R) -> R;
}

impl<const N: usize> Params for &[&dyn ToDb; N] {
    fn with<R>(self, f: impl FnOnce(&[&dyn ToDb]) -> R) -> R {
        f(&self[..])
    }
}
impl Params for [&dyn ToDb; 0] {
    fn with<R>(self, f: impl FnOnce(&[&dyn ToDb]) -> R) -> R {
        f(&[])
    }
}
impl<T: ToDb> Params for &[T] {
    fn with<R>(self, f: impl FnOnce(&[&dyn ToDb]) -> R) -> R {
        let refs: Vec<&dyn ToDb> = self.iter().map(|v| v as &dyn ToDb).collect();
        f(&refs)
    }
}
impl<T: ToDb> Params for Vec<T> {
    fn with<R>(self, f: impl FnOnce(&[&dyn ToDb]) -> R) -> R {
        self.as_slice().with(f)
    }
}
macro_rules! array_params {
    ($($n:literal),*) => {$(
        impl<T: ToDb> Params for [T; $n] {
            fn with<R>(self, f: impl FnOnce(&[&dyn ToDb]) -> R) -> R {
                let refs: Vec<&dyn ToDb> = self.iter().map(|v| v as &dyn ToDb).collect();
                f(&refs)
            }
        }
    )*};
}
array_params!(1, 2, 3, 4, 5, 6, 7, 8);

/// Parameters of mixed types, in order: `params![id, name, ts(now)]`.
macro_rules! params {
    () => { [] as [&dyn $crate::store::db::ToDb; 0] };
    ($($p:expr),+ $(,)?) => { &[$(&$p as &dyn $crate::store::db::ToDb),+] as &[&dyn $crate::store::db::ToDb] };
}

/// A value read from a column.
pub trait FromDb: Sized {
    fn from_db(v: ValueRef<'_>) -> std::result::Result<Self, String>;
}

impl FromDb for i64 {
    fn from_db(v: ValueRef<'_>) -> std::result::Result<Self, String> {
        match v {
            ValueRef::Integer(i) => Ok(i),
            // PostgreSQL's NUMERIC aggregates over whole numbers.
            ValueRef::Real(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => Ok(f as i64),
            other => Err(format!("expected an integer, found {other:?}")),
        }
    }
}
impl FromDb for u8 {
    fn from_db(v: ValueRef<'_>) -> std::result::Result<Self, String> {
        let i = i64::from_db(v)?;
        u8::try_from(i).map_err(|_| format!("{i} is out of range"))
    }
}
impl FromDb for u32 {
    fn from_db(v: ValueRef<'_>) -> std::result::Result<Self, String> {
        let i = i64::from_db(v)?;
        u32::try_from(i).map_err(|_| format!("{i} is out of range"))
    }
}
impl FromDb for usize {
    fn from_db(v: ValueRef<'_>) -> std::result::Result<Self, String> {
        let i = i64::from_db(v)?;
        usize::try_from(i).map_err(|_| format!("{i} is out of range"))
    }
}
impl FromDb for f64 {
    fn from_db(v: ValueRef<'_>) -> std::result::Result<Self, String> {
        match v {
            ValueRef::Real(f) => Ok(f),
            ValueRef::Integer(i) => Ok(i as f64),
            other => Err(format!("expected a number, found {other:?}")),
        }
    }
}
impl FromDb for bool {
    fn from_db(v: ValueRef<'_>) -> std::result::Result<Self, String> {
        Ok(i64::from_db(v)? != 0)
    }
}
impl FromDb for String {
    fn from_db(v: ValueRef<'_>) -> std::result::Result<Self, String> {
        match v {
            ValueRef::Text(s) => Ok(s.to_string()),
            other => Err(format!("expected text, found {other:?}")),
        }
    }
}
impl FromDb for Value {
    fn from_db(v: ValueRef<'_>) -> std::result::Result<Self, String> {
        Ok(match v {
            ValueRef::Null => Value::Null,
            ValueRef::Integer(i) => Value::Integer(i),
            ValueRef::Real(f) => Value::Real(f),
            ValueRef::Text(s) => Value::Text(s.to_string()),
            ValueRef::Blob(b) => Value::Blob(b.to_vec()),
        })
    }
}
impl<T: FromDb> FromDb for Option<T> {
    fn from_db(v: ValueRef<'_>) -> std::result::Result<Self, String> {
        match v {
            ValueRef::Null => Ok(None),
            v => T::from_db(v).map(Some),
        }
    }
}

/// A column index (rows are read by position).
pub trait ColumnIndex {
    fn index(self) -> usize;
}
impl ColumnIndex for usize {
    fn index(self) -> usize {
        self
    }
}

/// One result row of either backend.
pub enum Row<'r> {
    Sqlite(&'r rusqlite::Row<'r>),
    Pg(&'r [Value]),
}

impl Row<'_> {
    /// The column at `idx` as `T`: a wrong type reads as damaged data.
    pub fn get<I: ColumnIndex, T: FromDb>(&self, idx: I) -> Result<T> {
        let idx = idx.index();
        let read = |v: ValueRef<'_>| T::from_db(v).map_err(|why| StoreError::Corrupt(format!("column {idx}: {why}")));
        match self {
            Row::Sqlite(row) => {
                let v = row.get_ref(idx)?;
                read(match v {
                    rusqlite::types::ValueRef::Null => ValueRef::Null,
                    rusqlite::types::ValueRef::Integer(i) => ValueRef::Integer(i),
                    rusqlite::types::ValueRef::Real(f) => ValueRef::Real(f),
                    rusqlite::types::ValueRef::Text(t) => ValueRef::Text(
                        std::str::from_utf8(t)
                            .map_err(|_| StoreError::Corrupt(format!("column {idx}: text is not UTF-8")))?,
                    ),
                    rusqlite::types::ValueRef::Blob(b) => ValueRef::Blob(b),
                })
            }
            Row::Pg(values) => {
                let v = values.get(idx).ok_or_else(|| StoreError::Corrupt(format!("no column {idx}")))?;
                read(v.as_ref())
            }
        }
    }
}

/// How a transaction starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Begin {
    /// Writes: takes the write lock at once (SQLite) so an action cannot
    /// fail half-way on a busy database.
    Write,
    /// One consistent snapshot for several reads.
    Read,
}

/// An open connection to either backend.
pub enum Db {
    Sqlite(rusqlite::Connection),
    Pg(Box<Pg>),
}

/// A PostgreSQL session: the client, and each query's text and prepared
/// statement, kept for the life of the connection.
pub struct Pg {
    client: RefCell<postgres::Client>,
    prepared: RefCell<HashMap<String, postgres::Statement>>,
    /// Teammates' commits seen so far (LISTEN/NOTIFY), for `data_version`.
    pub(super) changes: std::cell::Cell<i64>,
    pub(super) backend_pid: std::cell::Cell<i32>,
    /// How to connect again after the connection is lost.
    config: postgres::Config,
    /// Inside BEGIN ... COMMIT/ROLLBACK.
    pub(super) in_tx: std::cell::Cell<bool>,
    /// The store's own channel: commits NOTIFY it, the UI LISTENs (see `pg::name_channel`).
    pub(super) channel: RefCell<Option<String>>,
    /// Queries whose parameter types at these places were guessed.
    guessed: RefCell<HashMap<String, Vec<usize>>>,
    /// LISTENing for teammates' commits (from the first `data_version`).
    pub(super) listening: std::cell::Cell<bool>,
    /// Queries run once already: the next run prepares them (see `once`).
    run_once: RefCell<std::collections::HashSet<String>>,
}

impl Pg {
    pub fn new(client: postgres::Client, config: postgres::Config) -> Pg {
        Pg {
            client: RefCell::new(client),
            prepared: RefCell::new(HashMap::new()),
            changes: std::cell::Cell::new(0),
            backend_pid: std::cell::Cell::new(0),
            config,
            in_tx: std::cell::Cell::new(false),
            channel: RefCell::new(None),
            guessed: RefCell::new(HashMap::new()),
            listening: std::cell::Cell::new(false),
            run_once: RefCell::new(std::collections::HashSet::new()),
        }
    }

    pub fn client(&self) -> std::cell::RefMut<'_, postgres::Client> {
        self.client.borrow_mut()
    }

    /// A lost connection (a server restart, a network drop) is replaced
    /// before the next statement, outside a transaction only: a transaction
    /// that lost its connection was rolled back by the server, and its
    /// action fails whole.
    pub(super) fn reconnect_if_lost(&self) -> Result<()> {
        if self.in_tx.get() || !self.client.borrow().is_closed() {
            return Ok(());
        }
        let mut client = super::pg::session(&self.config)?;
        if self.listening.get() {
            self.listen(&mut client)?;
        }
        *self.client.borrow_mut() = client;
        self.prepared.borrow_mut().clear();
        self.guessed.borrow_mut().clear();
        // Whatever teammates did meanwhile: the screen reloads.
        self.changes.set(self.changes.get() + 1);
        Ok(())
    }

    fn statement(&self, sql: &str, params: &[&dyn ToDb]) -> Result<postgres::Statement> {
        use postgres::types::Type;
        self.reconnect_if_lost()?;
        // A statement whose parameter types were guessed from the values is
        // kept per kind of value at those places: a later call with text
        // where the first had an integer gets its own.
        let kind = |n: usize| match params.get(n - 1).map(|p| p.to_db()) {
            Some(ValueRef::Integer(_)) => 'i',
            Some(ValueRef::Real(_)) => 'r',
            Some(ValueRef::Text(_)) => 't',
            Some(ValueRef::Blob(_)) => 'b',
            _ => 'n',
        };
        let key = match self.guessed.borrow().get(sql) {
            Some(places) => format!("{sql}\u{0}{}", places.iter().map(|n| kind(*n)).collect::<String>()),
            None => sql.to_string(),
        };
        if let Some(s) = self.prepared.borrow().get(&key) {
            return Ok(s.clone());
        }
        let text = dialect::postgres(sql);
        // A parameter only tested with `IS NULL` before its other uses has
        // no type PostgreSQL can infer (SQLite does not care): it is given
        // the type of the value bound to it, else tried as BIGINT, then as
        // TEXT, until the query prepares.
        let hint = |n: usize| match params.get(n - 1).map(|p| p.to_db()) {
            Some(ValueRef::Real(_)) => Type::FLOAT8,
            Some(ValueRef::Text(_)) => Type::TEXT,
            Some(ValueRef::Blob(_)) => Type::BYTEA,
            _ => Type::INT8,
        };
        let unspecified = Type::new("unspecified".into(), 0, postgres::types::Kind::Simple, "pg_catalog".into());
        let mut types: Vec<Type> = Vec::new();
        let mut guessed: Vec<(usize, Vec<Type>)> = Vec::new();
        // Inside a transaction a failed PREPARE would abort it: a savepoint
        // keeps the transaction usable for the next try.
        // Only a query with a `?N IS NULL` can need a second try.
        let in_tx = self.in_tx.get() && may_need_types(&text);
        let stmt = loop {
            if in_tx {
                self.client.borrow_mut().batch_execute("SAVEPOINT playbook_prepare")?;
            }
            let prepared = self.client.borrow_mut().prepare_typed(&text, &types);
            if in_tx {
                let undo = if prepared.is_ok() {
                    "RELEASE SAVEPOINT playbook_prepare"
                } else {
                    "ROLLBACK TO SAVEPOINT playbook_prepare"
                };
                self.client.borrow_mut().batch_execute(undo)?;
            }
            let e = match prepared {
                Ok(stmt) => break stmt,
                Err(e) => e,
            };
            let untyped = e
                .as_db_error()
                .filter(|d| {
                    [postgres::error::SqlState::INDETERMINATE_DATATYPE, postgres::error::SqlState::AMBIGUOUS_PARAMETER]
                        .contains(d.code())
                })
                .and_then(|d| d.message().rsplit('$').next()?.trim().parse::<usize>().ok())
                .filter(|n| (1..=100).contains(n) && !guessed.iter().any(|(g, _)| g == n));
            if let Some(n) = untyped {
                let mut candidates = vec![hint(n), Type::INT8, Type::TEXT];
                candidates.dedup();
                candidates.reverse();
                types.resize(types.len().max(n), unspecified.clone());
                types[n - 1] = candidates.pop().unwrap_or(Type::TEXT);
                guessed.push((n, candidates));
                continue;
            }
            // The last guess did not fit: its next candidate.
            match guessed.last_mut().and_then(|(n, c)| Some((*n, c.pop()?))) {
                Some((n, next)) => types[n - 1] = next,
                None => return Err(e.into()),
            }
        };
        let key = if guessed.is_empty() {
            sql.to_string()
        } else {
            let mut places: Vec<usize> = guessed.iter().map(|(n, _)| *n).collect();
            places.sort_unstable();
            let key = format!("{sql}\u{0}{}", places.iter().map(|n| kind(*n)).collect::<String>());
            self.guessed.borrow_mut().insert(sql.to_string(), places);
            key
        };
        self.prepared.borrow_mut().insert(key, stmt.clone());
        Ok(stmt)
    }

    fn query(&self, sql: &str, params: &[&dyn ToDb]) -> Result<Vec<postgres::Row>> {
        if let Some(text) = self.once(sql)? {
            let binds: Vec<PgText<'_>> = params.iter().map(|p| PgText(p.to_db())).collect();
            let result = self.client.borrow_mut().query_typed(&text, &pg_untyped(&binds));
            return self.after_once(result, || self.query(sql, params));
        }
        let stmt = self.statement(sql, params)?;
        let binds: Vec<PgBind<'_>> = params.iter().map(|p| PgBind(p.to_db())).collect();
        Ok(self.client.borrow_mut().query(&stmt, &pg_refs(&binds))?)
    }

    fn execute(&self, sql: &str, params: &[&dyn ToDb]) -> Result<usize> {
        if let Some(text) = self.once(sql)? {
            let binds: Vec<PgText<'_>> = params.iter().map(|p| PgText(p.to_db())).collect();
            let result = self.client.borrow_mut().execute_typed(&text, &pg_untyped(&binds)).map(|n| n as usize);
            return self.after_once(result, || self.execute(sql, params));
        }
        let stmt = self.statement(sql, params)?;
        let binds: Vec<PgBind<'_>> = params.iter().map(|p| PgBind(p.to_db())).collect();
        Ok(self.client.borrow_mut().execute(&stmt, &pg_refs(&binds))? as usize)
    }

    /// A query's first run on this connection is sent whole in one round
    /// trip (parse, bind and execute; its parameters as text whose types
    /// the server infers) rather than prepared first, which takes two: a
    /// command line process runs most of its queries once. A second run
    /// prepares it, so a session (the UI) reuses the plan from then on.
    /// Returns the PostgreSQL text when this is the first run.
    fn once(&self, sql: &str) -> Result<Option<String>> {
        self.reconnect_if_lost()?;
        if self.guessed.borrow().contains_key(sql) || self.prepared.borrow().contains_key(sql) {
            return Ok(None);
        }
        if !self.run_once.borrow_mut().insert(sql.to_string()) {
            return Ok(None);
        }
        let text = dialect::postgres(sql);
        // A parameter whose type cannot be inferred needs the guesses of
        // `statement`.
        Ok((!may_need_types(&text)).then_some(text))
    }

    /// A first run that failed because the server could not infer a
    /// parameter's type is run again prepared (`statement` guesses the
    /// type), unless it was inside a transaction, which that failure ended:
    /// then the action fails, and its next try prepares.
    fn after_once<T>(
        &self,
        result: std::result::Result<T, postgres::Error>,
        again: impl FnOnce() -> Result<T>,
    ) -> Result<T> {
        let untyped = result.as_ref().err().and_then(|e| e.as_db_error()).is_some_and(|d| {
            [postgres::error::SqlState::INDETERMINATE_DATATYPE, postgres::error::SqlState::AMBIGUOUS_PARAMETER]
                .contains(d.code())
        });
        match result {
            Err(_) if untyped && !self.in_tx.get() => again(),
            other => Ok(other?),
        }
    }

    /// Starts LISTENing for teammates' commits to this store; our own
    /// commits are told apart by the server process that sent them, asked
    /// for here rather than on connecting, as only a listener needs it.
    pub(super) fn listen(&self, client: &mut postgres::Client) -> Result<()> {
        if let Some(channel) = self.channel.borrow().as_deref() {
            let pid: i32 = client.query_one("SELECT pg_backend_pid()", &[])?.get(0);
            self.backend_pid.set(pid);
            client.batch_execute(&format!("LISTEN {channel}"))?;
        }
        Ok(())
    }
}

/// Whether a query tests a parameter with IS [NOT] NULL (whose type
/// PostgreSQL may not infer): only those are prepared under a savepoint.
fn may_need_types(pg_sql: &str) -> bool {
    let bytes = pg_sql.as_bytes();
    let tested = |pattern: &str| {
        pg_sql.match_indices(pattern).any(|(at, _)| {
            let digits = bytes[..at].iter().rev().take_while(|b| b.is_ascii_digit()).count();
            digits > 0 && at > digits && bytes[at - digits - 1] == b'$'
        })
    };
    tested(" IS NULL") || tested(" IS NOT NULL") || pg_sql.contains("COALESCE($")
}

fn pg_refs<'a>(binds: &'a [PgBind<'a>]) -> Vec<&'a (dyn postgres::types::ToSql + Sync)> {
    binds.iter().map(|b| b as &(dyn postgres::types::ToSql + Sync)).collect()
}

/// Parameters of a first run: each of no declared type (OID 0), for the
/// server to infer as it does when preparing.
fn pg_untyped<'a>(binds: &'a [PgText<'a>]) -> Vec<(&'a (dyn postgres::types::ToSql + Sync), postgres::types::Type)> {
    let unspecified =
        postgres::types::Type::new("unspecified".into(), 0, postgres::types::Kind::Simple, "pg_catalog".into());
    binds.iter().map(|b| (b as &(dyn postgres::types::ToSql + Sync), unspecified.clone())).collect()
}

fn pg_values(row: &postgres::Row) -> Result<Vec<Value>> {
    (0..row.len()).map(|i| Ok(row.try_get::<_, PgAny>(i)?.0)).collect()
}

impl Db {
    pub fn is_postgres(&self) -> bool {
        matches!(self, Db::Pg(_))
    }

    pub fn execute<P: Params>(&self, sql: &str, params: P) -> Result<usize> {
        params.with(|p| match self {
            Db::Sqlite(c) => Ok(c
                .prepare_cached(sql)?
                .execute(rusqlite::params_from_iter(p.iter().map(|v| SqliteBind(v.to_db()))))?),
            Db::Pg(pg) => pg.execute(sql, p),
        })
    }

    /// Several statements without parameters (migrations, repairs).
    pub fn execute_batch(&self, sql: &str) -> Result<()> {
        match self {
            Db::Sqlite(c) => Ok(c.execute_batch(sql)?),
            Db::Pg(pg) => {
                pg.reconnect_if_lost()?;
                Ok(pg.client().batch_execute(sql)?)
            }
        }
    }

    pub fn query_map<T, P: Params>(
        &self,
        sql: &str,
        params: P,
        mut f: impl FnMut(&Row<'_>) -> Result<T>,
    ) -> Result<Vec<T>> {
        params.with(|p| match self {
            Db::Sqlite(c) => {
                let mut stmt = c.prepare_cached(sql)?;
                let mut rows = stmt.query(rusqlite::params_from_iter(p.iter().map(|v| SqliteBind(v.to_db()))))?;
                let mut out = Vec::new();
                while let Some(r) = rows.next()? {
                    out.push(f(&Row::Sqlite(r))?);
                }
                Ok(out)
            }
            Db::Pg(pg) => {
                let rows = pg.query(sql, p)?;
                let mut out = Vec::with_capacity(rows.len());
                for r in &rows {
                    let values = pg_values(r)?;
                    out.push(f(&Row::Pg(&values))?);
                }
                Ok(out)
            }
        })
    }

    /// The first row; `StoreError::NoRow` when there is none.
    pub fn query_row<T, P: Params>(&self, sql: &str, params: P, f: impl FnOnce(&Row<'_>) -> Result<T>) -> Result<T> {
        params.with(|p| match self {
            Db::Sqlite(c) => {
                let mut stmt = c.prepare_cached(sql)?;
                let mut rows = stmt.query(rusqlite::params_from_iter(p.iter().map(|v| SqliteBind(v.to_db()))))?;
                match rows.next()? {
                    Some(r) => f(&Row::Sqlite(r)),
                    None => Err(StoreError::NoRow),
                }
            }
            Db::Pg(pg) => {
                let rows = pg.query(sql, p)?;
                match rows.first() {
                    Some(r) => {
                        let values = pg_values(r)?;
                        f(&Row::Pg(&values))
                    }
                    None => Err(StoreError::NoRow),
                }
            }
        })
    }

    /// The id the last INSERT of this connection gave its row.
    pub fn last_insert_rowid(&self) -> Result<i64> {
        match self {
            Db::Sqlite(c) => Ok(c.last_insert_rowid()),
            Db::Pg(_) => self.query_row("SELECT lastval()", [], |r| r.get(0)),
        }
    }

    fn set_in_tx(&self, open: bool) {
        if let Db::Pg(pg) = self {
            pg.in_tx.set(open);
        }
    }

    /// Starts a transaction; dropped without `commit`, it rolls back.
    pub fn begin(&self, how: Begin) -> Result<Tx<'_>> {
        let sql = match (self, how) {
            (Db::Sqlite(_), Begin::Write) => "BEGIN IMMEDIATE",
            (Db::Sqlite(_), Begin::Read) => "BEGIN DEFERRED",
            // Snapshot isolation: of two actions writing the same row at
            // once, the second fails whole and is run again (see
            // `Engine::apply`). SERIALIZABLE's predicate locks failed most
            // of a busy team's actions on index pages they merely shared.
            // (A snapshot for reads too; not READ ONLY: the report keeps a
            // temporary table.)
            (Db::Pg(_), Begin::Write | Begin::Read) => "BEGIN ISOLATION LEVEL REPEATABLE READ",
        };
        self.execute_batch(sql)?;
        self.set_in_tx(true);
        Ok(Tx { db: self, open: true, how })
    }
}

/// An open transaction; derefs to its connection.
pub struct Tx<'c> {
    db: &'c Db,
    open: bool,
    how: Begin,
}

impl Tx<'_> {
    /// Commits; on failure the drop rolls back whatever is left.
    pub fn commit(mut self) -> Result<()> {
        if let (Begin::Write, Db::Pg(pg)) = (self.how, self.db) {
            // Teammates' screens refresh on this (delivered at COMMIT only).
            let channel = pg.channel.borrow().clone();
            if let Some(channel) = channel {
                self.db.execute_batch(&format!("NOTIFY {channel}"))?;
            }
        }
        self.db.execute_batch("COMMIT").map_err(|e| match e {
            // The server may have committed before the line went down.
            StoreError::Postgres(ref pg) if super::connection_lost(pg) => StoreError::Invalid(
                "the connection to the team database was lost while saving: the action may or may not have landed; look before trying again (the next try reconnects)".into(),
            ),
            e => e,
        })?;
        self.db.set_in_tx(false);
        self.open = false;
        Ok(())
    }
}

impl std::ops::Deref for Tx<'_> {
    type Target = Db;
    fn deref(&self) -> &Db {
        self.db
    }
}

impl Drop for Tx<'_> {
    fn drop(&mut self) {
        if self.open {
            // Nothing to report to: a failed rollback leaves the connection
            // unusable, and its next statement says so.
            let _ = self.db.execute_batch("ROLLBACK");
            self.db.set_in_tx(false);
        }
    }
}

/// `.optional()` on a single-row read: no row is `None`.
pub trait OptionalExtension<T> {
    fn optional(self) -> Result<Option<T>>;
}

impl<T> OptionalExtension<T> for Result<T> {
    fn optional(self) -> Result<Option<T>> {
        match self {
            Ok(v) => Ok(Some(v)),
            Err(StoreError::NoRow) => Ok(None),
            Err(e) => Err(e),
        }
    }
}

struct SqliteBind<'a>(ValueRef<'a>);

impl rusqlite::ToSql for SqliteBind<'_> {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        use rusqlite::types::{ToSqlOutput, ValueRef as V};
        Ok(ToSqlOutput::Borrowed(match self.0 {
            ValueRef::Null => V::Null,
            ValueRef::Integer(i) => V::Integer(i),
            ValueRef::Real(f) => V::Real(f),
            ValueRef::Text(s) => V::Text(s.as_bytes()),
            ValueRef::Blob(b) => V::Blob(b),
        }))
    }
}

/// A parameter bound as the type PostgreSQL inferred for its place.
#[derive(Debug)]
struct PgBind<'a>(ValueRef<'a>);

type BoxError = Box<dyn StdError + Sync + Send>;

impl postgres::types::ToSql for PgBind<'_> {
    fn to_sql(
        &self,
        ty: &postgres::types::Type,
        out: &mut postgres::types::private::BytesMut,
    ) -> std::result::Result<postgres::types::IsNull, BoxError> {
        use postgres::types::{IsNull, Type};
        let text_like = [Type::TEXT, Type::VARCHAR, Type::BPCHAR, Type::NAME, Type::UNKNOWN];
        match self.0 {
            ValueRef::Null => Ok(IsNull::Yes),
            ValueRef::Integer(i) => match *ty {
                Type::INT8 => i.to_sql(ty, out),
                Type::INT4 => i32::try_from(i)?.to_sql(ty, out),
                Type::INT2 => i16::try_from(i)?.to_sql(ty, out),
                Type::FLOAT8 => (i as f64).to_sql(ty, out),
                Type::FLOAT4 => (i as f32).to_sql(ty, out),
                Type::BOOL => (i != 0).to_sql(ty, out),
                Type::OID => u32::try_from(i)?.to_sql(ty, out),
                ref t if text_like.contains(t) => i.to_string().to_sql(&Type::TEXT, out),
                ref t => Err(format!("cannot bind an integer as {t}").into()),
            },
            ValueRef::Real(f) => match *ty {
                Type::FLOAT8 => f.to_sql(ty, out),
                Type::FLOAT4 => (f as f32).to_sql(ty, out),
                Type::INT8 if f.fract() == 0.0 => (f as i64).to_sql(ty, out),
                ref t if text_like.contains(t) => f.to_string().to_sql(&Type::TEXT, out),
                ref t => Err(format!("cannot bind a number as {t}").into()),
            },
            ValueRef::Text(s) => match *ty {
                ref t if text_like.contains(t) => s.to_sql(&Type::TEXT, out),
                Type::BYTEA => s.as_bytes().to_sql(ty, out),
                ref t => Err(format!("cannot bind text as {t}").into()),
            },
            ValueRef::Blob(b) => match *ty {
                Type::BYTEA => b.to_sql(ty, out),
                ref t => Err(format!("cannot bind bytes as {t}").into()),
            },
        }
    }

    fn accepts(_: &postgres::types::Type) -> bool {
        true
    }

    postgres::types::to_sql_checked!();
}

/// A parameter sent as text, for the server to read as the type it
/// inferred for its place (a first run, which has no prepared types).
#[derive(Debug)]
struct PgText<'a>(ValueRef<'a>);

impl postgres::types::ToSql for PgText<'_> {
    fn to_sql(
        &self,
        _: &postgres::types::Type,
        out: &mut postgres::types::private::BytesMut,
    ) -> std::result::Result<postgres::types::IsNull, BoxError> {
        use std::fmt::Write as _;
        match self.0 {
            ValueRef::Null => return Ok(postgres::types::IsNull::Yes),
            ValueRef::Integer(i) => write!(out, "{i}")?,
            // Rust writes the shortest text that reads back as the same
            // number; NaN and inf are spelled as PostgreSQL reads them.
            ValueRef::Real(f) => write!(out, "{f}")?,
            ValueRef::Text(s) => out.extend_from_slice(s.as_bytes()),
            ValueRef::Blob(b) => {
                out.extend_from_slice(b"\\x");
                for byte in b {
                    write!(out, "{byte:02x}")?;
                }
            }
        }
        Ok(postgres::types::IsNull::No)
    }

    fn accepts(_: &postgres::types::Type) -> bool {
        true
    }

    fn encode_format(&self, _: &postgres::types::Type) -> postgres::types::Format {
        postgres::types::Format::Text
    }

    postgres::types::to_sql_checked!();
}

/// Any column PostgreSQL sends, read as SQLite's storage classes.
struct PgAny(Value);

impl<'a> postgres::types::FromSql<'a> for PgAny {
    fn from_sql(ty: &postgres::types::Type, raw: &'a [u8]) -> std::result::Result<PgAny, BoxError> {
        use postgres::types::{FromSql, Type};
        Ok(PgAny(match *ty {
            Type::INT8 => Value::Integer(i64::from_sql(ty, raw)?),
            Type::INT4 => Value::Integer(i64::from(i32::from_sql(ty, raw)?)),
            Type::INT2 => Value::Integer(i64::from(i16::from_sql(ty, raw)?)),
            Type::OID => Value::Integer(i64::from(u32::from_sql(ty, raw)?)),
            Type::BOOL => Value::Integer(i64::from(bool::from_sql(ty, raw)?)),
            Type::FLOAT8 => Value::Real(f64::from_sql(ty, raw)?),
            Type::FLOAT4 => Value::Real(f64::from(f32::from_sql(ty, raw)?)),
            Type::NUMERIC => numeric(raw)?,
            Type::BYTEA => Value::Blob(raw.to_vec()),
            _ => Value::Text(<&str as FromSql>::from_sql(&Type::TEXT, raw)?.to_string()),
        }))
    }

    fn from_sql_null(_: &postgres::types::Type) -> std::result::Result<PgAny, BoxError> {
        Ok(PgAny(Value::Null))
    }

    fn accepts(_: &postgres::types::Type) -> bool {
        true
    }
}

/// PostgreSQL's binary NUMERIC (what SUM and AVG of BIGINT give): an
/// integer when it has no fraction, as SQLite's SUM would give.
fn numeric(raw: &[u8]) -> std::result::Result<Value, BoxError> {
    let word = |i: usize| -> std::result::Result<u16, BoxError> {
        raw.get(i..i + 2).map(|b| u16::from_be_bytes([b[0], b[1]])).ok_or_else(|| "short NUMERIC".into())
    };
    let ndigits = usize::from(word(0)?);
    let weight = i32::from(word(2)? as i16);
    let sign = word(4)?;
    let scale = word(6)?;
    if sign == 0xC000 {
        return Ok(Value::Null); // NaN
    }
    let mut value = 0f64;
    let mut exact: Option<i128> = Some(0);
    for d in 0..ndigits {
        let digit = word(8 + 2 * d)?;
        let power = weight - d as i32;
        value += f64::from(digit) * 10_000f64.powi(power);
        exact = match (exact, power) {
            (Some(e), p) if p >= 0 => 10_000i128
                .checked_pow(p as u32)
                .and_then(|scale| i128::from(digit).checked_mul(scale))
                .and_then(|v| e.checked_add(v)),
            (Some(e), _) if digit == 0 => Some(e),
            _ => None,
        };
    }
    let negative = sign == 0x4000;
    match exact {
        Some(e) if scale == 0 || value.fract() == 0.0 => {
            let e = if negative { -e } else { e };
            Ok(i64::try_from(e).map_or(Value::Real(if negative { -value } else { value }), Value::Integer))
        }
        _ => Ok(Value::Real(if negative { -value } else { value })),
    }
}

/// The rows of `Stmt::query_map`, each already read.
pub type Rows<T> = std::iter::Map<std::vec::IntoIter<T>, fn(T) -> Result<T>>;

/// A query kept for reuse: both backends cache the prepared statement per
/// connection, so this only names the text.
pub struct Stmt<'c> {
    db: &'c Db,
    sql: &'c str,
}

impl Db {
    pub fn prepare_cached<'c>(&'c self, sql: &'c str) -> Result<Stmt<'c>> {
        Ok(Stmt { db: self, sql })
    }

    pub fn prepare<'c>(&'c self, sql: &'c str) -> Result<Stmt<'c>> {
        self.prepare_cached(sql)
    }
}

impl Stmt<'_> {
    pub fn query_map<T, P: Params>(&mut self, params: P, f: impl FnMut(&Row<'_>) -> Result<T>) -> Result<Rows<T>> {
        Ok(self.db.query_map(self.sql, params, f)?.into_iter().map(Ok as fn(T) -> Result<T>))
    }

    pub fn query_row<T, P: Params>(&mut self, params: P, f: impl FnOnce(&Row<'_>) -> Result<T>) -> Result<T> {
        self.db.query_row(self.sql, params, f)
    }

    pub fn execute<P: Params>(&mut self, params: P) -> Result<usize> {
        self.db.execute(self.sql, params)
    }

    pub fn exists<P: Params>(&mut self, params: P) -> Result<bool> {
        self.db.query_row(self.sql, params, |_| Ok(())).optional().map(|r| r.is_some())
    }
}

/// Parameters from an iterator of values of one type.
pub fn params_from_iter<I>(values: I) -> Vec<I::Item>
where
    I: IntoIterator,
    I::Item: ToDb,
{
    values.into_iter().collect()
}

impl Db {
    /// PostgreSQL's COPY ... FROM STDIN with the rows in `data`.
    pub fn copy_in(&self, sql: &str, data: &[u8]) -> Result<u64> {
        use std::io::Write as _;
        let Db::Pg(pg) = self else {
            return Err(StoreError::Invalid("COPY is PostgreSQL's".into()));
        };
        let mut client = pg.client();
        let mut writer = client.copy_in(sql)?;
        writer.write_all(data).map_err(|e| StoreError::Invalid(format!("COPY: {e}")))?;
        Ok(writer.finish()?)
    }

    /// The names of the columns a query returns.
    pub fn column_names(&self, sql: &str) -> Result<Vec<String>> {
        match self {
            Db::Sqlite(c) => Ok(c.prepare_cached(sql)?.column_names().into_iter().map(str::to_string).collect()),
            Db::Pg(pg) => Ok(pg.statement(sql, &[])?.columns().iter().map(|c| c.name().to_string()).collect()),
        }
    }

    /// A query with `:name` parameters, given as (name, value) pairs.
    pub fn query_map_named<T>(
        &self,
        sql: &str,
        named: &[(&str, &dyn ToDb)],
        f: impl FnMut(&Row<'_>) -> Result<T>,
    ) -> Result<Vec<T>> {
        // Both backends number named parameters by first appearance.
        let order = dialect::named_order(sql);
        let mut positional: Vec<&dyn ToDb> = Vec::with_capacity(order.len());
        for name in &order {
            let value = named
                .iter()
                .find(|(n, _)| n.strip_prefix(':') == Some(name.as_str()))
                .map(|(_, v)| *v)
                .ok_or_else(|| StoreError::Invalid(format!("query parameter :{name} has no value")))?;
            positional.push(value);
        }
        self.query_map(sql, positional, f)
    }
}

/// Named parameters: `named_params! { ":owner": owner, ... }`.
macro_rules! named_params {
    ($($name:literal : $value:expr),* $(,)?) => {
        &[$(($name, &$value as &dyn $crate::store::db::ToDb)),*] as &[(&str, &dyn $crate::store::db::ToDb)]
    };
}
