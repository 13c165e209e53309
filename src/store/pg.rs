//! A team's PostgreSQL database: connecting (password from `PGPASSWORD` or
//! `~/.pgpass`, never from the URL), its schema, and teammates' changes.
//!
//! The schema is the SQLite one in PostgreSQL's words
//! (`migrations/pg/`): the same tables and columns, integers as BIGINT,
//! the rollups kept by PL/pgSQL triggers. Its version sits in `meta`.

use super::db::{Db, Pg};
use super::{Result, StoreError};
use postgres::fallible_iterator::FallibleIterator as _;
use std::str::FromStr;

/// Each entry upgrades a PostgreSQL schema to the version of its number in
/// `schema::MIGRATIONS`. No PostgreSQL database predates version 7, so the
/// first one creates version 7 at once; every later migration exists in
/// both dialects, under the same number.
pub const MIGRATIONS: &[(i64, &str)] =
    &[(7, include_str!("migrations/pg/0007_baseline.sql")), (8, include_str!("migrations/pg/0008_actor_role.sql"))];

pub fn is_url(target: &str) -> bool {
    let lower = target.get(..13).unwrap_or(target).to_ascii_lowercase();
    lower.starts_with("postgres://") || lower.starts_with("postgresql://")
}

/// The URL without anything secret, for messages: no password in the user
/// part (split at the last `@`, as passwords may hold one) nor in the query.
pub fn redacted(url: &str) -> String {
    let scheme_end = url.find("://").map_or(0, |i| i + 3);
    let (head, query) = match url.find('?') {
        Some(q) => (&url[..q], Some(&url[q + 1..])),
        None => (url, None),
    };
    let rest = head.get(scheme_end..).unwrap_or("");
    let host_start = rest[..rest.find('/').unwrap_or(rest.len())].rfind('@');
    let mut out = url[..scheme_end.min(url.len())].to_string();
    match host_start {
        Some(at) => {
            let user = rest[..at].split(':').next().unwrap_or("");
            out.push_str(&format!("{user}@{}", &rest[at + 1..]));
        }
        None => out.push_str(rest),
    }
    if let Some(query) = query {
        let kept: Vec<&str> = query.split('&').filter(|p| !p.to_ascii_lowercase().starts_with("password=")).collect();
        if !kept.is_empty() {
            out.push('?');
            out.push_str(&kept.join("&"));
        }
    }
    out
}

/// Whether a URL names a server on this machine. A `hostaddr` is where the
/// client really connects, whatever the host says: such a URL is not local,
/// nor one naming no host at all.
fn is_local(config: &postgres::Config) -> bool {
    if !config.get_hostaddrs().is_empty() || config.get_hosts().is_empty() {
        return false;
    }
    config.get_hosts().iter().all(|h| match h {
        postgres::config::Host::Tcp(name) => {
            name == "localhost" || name.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
        }
        postgres::config::Host::Unix(_) => true,
    })
}

fn open_error(url: &str, why: impl Into<String>) -> StoreError {
    StoreError::Open { path: redacted(url).into(), why: why.into() }
}

/// Connects (see `config`).
pub fn connect(url: &str) -> Result<Db> {
    let config = config(url)?;
    let client = session(&config).map_err(|e| open_error(url, connect_message(&e)))?;
    Ok(Db::Pg(Box::new(Pg::new(client, config))))
}

/// A new session on the server, its settings made (also on reconnecting).
pub(super) fn session(config: &postgres::Config) -> std::result::Result<postgres::Client, postgres::Error> {
    let mut client = super::tls::connect(config)?;
    let settings = settings(config.get_options().unwrap_or(""));
    if !settings.is_empty() {
        client.batch_execute(&settings)?;
    }
    Ok(client)
}

/// How this app's sessions are planned, as one round trip of SETs.
///
/// Our queries read a few rows each by index from a store whose pages stay
/// in memory. PostgreSQL's defaults price a random page as a disk seek (4x
/// a sequential one), which made a rep's queue hash-join whole tables
/// (27 ms; 7 ms by index); start extra worker processes for a query (each
/// costs more than our queries take, and a team's server has other reps to
/// serve); and compile queries to machine code (JIT), which pays off only
/// on scans far longer than ours.
///
/// Sent as SETs after connecting rather than as startup `options`, which
/// a pooler (PgBouncer) may refuse. A setting the URL's own `options` make
/// (`-c name=value`) is theirs: not set again here.
fn settings(url_options: &str) -> String {
    const TUNED: [(&str, &str); 3] =
        [("random_page_cost", "1.1"), ("max_parallel_workers_per_gather", "0"), ("jit", "off")];
    let named = |name: &str| url_options.contains(&format!("{name}=")) || url_options.contains(&format!("{name} ="));
    TUNED
        .iter()
        .filter(|(name, _)| !named(name))
        .map(|(name, value)| format!("SET {name} = {value};"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// How to connect to the server a URL names: TLS or not, the password,
/// and the session's settings.
fn config(url: &str) -> Result<postgres::Config> {
    // We always check the certificate: libpq's verify-ca and verify-full
    // are what `require` means here.
    let lower = url.to_ascii_lowercase();
    let parsed = url.replace("sslmode=verify-full", "sslmode=require").replace("sslmode=verify-ca", "sslmode=require");
    let mut config = postgres::Config::from_str(&parsed).map_err(|e| {
        // Which part is wrong ("unknown option `foo`"), when the parser says.
        let part = std::error::Error::source(&e).map(|s| format!(": {s}")).unwrap_or_default();
        open_error(
            url,
            format!("not a valid postgres:// URL{part} (postgres://user@host:port/database?sslmode=require)"),
        )
    })?;
    // A server elsewhere is reached over TLS unless the URL says otherwise;
    // falling back to plain text would let anyone between read the session.
    // One on this machine, as libpq does: TLS when it offers it (a
    // loopback address may be a tunnel or a proxy to another machine).
    if !lower.contains("sslmode=") {
        config.ssl_mode(if is_local(&config) {
            postgres::config::SslMode::Prefer
        } else {
            postgres::config::SslMode::Require
        });
    }
    if config.get_password().is_some() {
        return Err(open_error(
            url,
            "the URL holds a password; remove it and set PGPASSWORD or a line in ~/.pgpass instead",
        ));
    }
    if config.get_user().is_none() {
        if let Ok(user) = std::env::var("PGUSER").or_else(|_| std::env::var("USER")) {
            config.user(&user);
        }
    }
    if let Some(password) = password_for(&config) {
        config.password(password);
    }
    config.application_name("playbook");
    config.connect_timeout(std::time::Duration::from_secs(10));
    Ok(config)
}

fn connect_message(e: &postgres::Error) -> String {
    if let Some(db) = e.as_db_error() {
        let advice = match db.code().code() {
            "28P01" | "28000" => "; check the user and set PGPASSWORD or ~/.pgpass",
            "3D000" => "; create it (createdb) or fix the URL",
            _ => "",
        };
        return format!("{}{advice}", db.message());
    }
    let text = e.to_string();
    let source = std::error::Error::source(e).map(ToString::to_string).unwrap_or_default();
    if source.is_empty() || text.contains(&source) {
        text
    } else {
        format!("{text}: {source}")
    }
}

/// The password from `PGPASSWORD`, else the first matching line of
/// `PGPASSFILE` or `~/.pgpass` (host:port:database:user:password, `*`
/// matches anything), as libpq reads it.
fn password_for(config: &postgres::Config) -> Option<String> {
    if let Ok(p) = std::env::var("PGPASSWORD") {
        return Some(p);
    }
    let file = std::env::var_os("PGPASSFILE")
        .map(std::path::PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| std::path::Path::new(&h).join(".pgpass")))?;
    let text = crate::files::read_text(&file, 1 << 20).ok()?;
    let host = match config.get_hosts().first() {
        Some(postgres::config::Host::Tcp(h)) => h.clone(),
        _ => "localhost".to_string(),
    };
    let port = config.get_ports().first().copied().unwrap_or(5432).to_string();
    let db = config.get_dbname().unwrap_or("").to_string();
    let user = config.get_user().unwrap_or("").to_string();
    text.lines().filter(|l| !l.trim_start().starts_with('#')).find_map(|line| {
        let fields = split_pgpass(line);
        if fields.len() != 5 {
            return None;
        }
        let fits = |f: &str, v: &str| f == "*" || f == v;
        (fits(&fields[0], &host) && fits(&fields[1], &port) && fits(&fields[2], &db) && fits(&fields[3], &user))
            .then(|| fields[4].clone())
    })
}

/// One .pgpass line's fields (`\:` and `\\` escape).
fn split_pgpass(line: &str) -> Vec<String> {
    let mut fields = vec![String::new()];
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let Some(n) = chars.next() {
                    fields.last_mut().expect("one field").push(n);
                }
            }
            ':' => fields.push(String::new()),
            c => fields.last_mut().expect("one field").push(c),
        }
    }
    fields
}

/// The schema version, 0 for an empty database; a database holding other
/// tables but not ours is refused.
pub fn schema_version(db: &Db) -> Result<i64> {
    let ours: bool = db.query_row("SELECT to_regclass('meta') IS NOT NULL", [], |r| r.get(0))?;
    if ours {
        let v: Option<String> =
            db.query_row("SELECT max(value) FROM meta WHERE key = 'schema_version'", [], |r| r.get(0))?;
        return v.and_then(|v| v.parse().ok()).ok_or_else(|| StoreError::Corrupt("no schema version in meta".into()));
    }
    Ok(0)
}

/// Creates or upgrades the schema, one transaction per migration, and
/// names the store's channel for teammates' changes (see `listen`).
pub fn migrate(db: &Db, label: &str) -> Result<()> {
    // The usual case, a database already current, costs one read (a new
    // database fails it, outside any transaction, and takes the long way).
    let known = super::schema::latest_version();
    let current = db
        .query_map("SELECT key, value FROM meta WHERE key IN ('schema_version', 'store_id')", [], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
        })
        .unwrap_or_default();
    let value = |key: &str| current.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone());
    if value("schema_version").and_then(|v| v.parse::<i64>().ok()) == Some(known) {
        if let Some(id) = value("store_id") {
            name_channel(db, &id);
            return Ok(());
        }
    }
    // Two first connections at once would both create: one waits.
    {
        let tx = db.begin(super::db::Begin::Write)?;
        tx.execute_batch("SELECT pg_advisory_xact_lock(7370616)")?;
        let found = schema_version(&tx)?;
        let known = super::schema::latest_version();
        if found > known {
            return Err(StoreError::NewerSchema { path: label.to_string(), found, known });
        }
        if found == 0 {
            let tables: i64 = db.query_row(
                "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema()",
                [],
                |r| r.get(0),
            )?;
            if tables > 0 {
                return Err(StoreError::Open {
                    path: label.into(),
                    why: "its schema holds another program's tables; use an empty database or schema".into(),
                });
            }
        }
        for (version, sql) in MIGRATIONS.iter().filter(|(v, _)| *v > found) {
            let failed = |e: StoreError| StoreError::Migrate {
                path: label.to_string(),
                version: *version as usize,
                why: e.to_string(),
            };
            tx.execute_batch(sql).map_err(failed)?;
            tx.execute(
                "INSERT INTO meta (key, value) VALUES ('schema_version', ?1)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                [version.to_string()],
            )
            .map_err(failed)?;
        }
        tx.commit()?;
    }
    let id: String = db.query_row("SELECT value FROM meta WHERE key = 'store_id'", [], |r| r.get(0))?;
    name_channel(db, &id);
    Ok(())
}

/// The channel teammates' commits to this store are announced on: the
/// store's own id, so stores sharing a server (one schema each) do not wake
/// each other. Every session announces its commits; only one that asks
/// what changed (the UI) listens, from its first question on.
fn name_channel(db: &Db, store_id: &str) {
    if let Db::Pg(pg) = db {
        let id: String = store_id.chars().filter(char::is_ascii_alphanumeric).collect();
        *pg.channel.borrow_mut() = Some(format!("playbook_{id}"));
    }
}

/// Grows each time a teammate's action commits (NOTIFY from another
/// session); polled by the UI like SQLite's `data_version`.
pub fn data_version(pg: &Pg) -> Result<i64> {
    pg.reconnect_if_lost()?;
    if !pg.listening.get() {
        pg.listen(&mut pg.client())?;
        pg.listening.set(true);
    }
    let mut client = pg.client();
    // A round trip reads what the server has sent meanwhile (the client's
    // own poll does not turn its reactor); it also finds a lost connection.
    client.batch_execute("")?;
    let mut seen = pg.changes.get();
    let mut notes = client.notifications();
    let mut it = notes.iter();
    while let Some(n) = it.next()? {
        if n.process_id() != pg.backend_pid.get() {
            seen += 1;
        }
    }
    pg.changes.set(seen);
    Ok(seen)
}

#[cfg(test)]
mod tests {
    use super::{config, redacted};
    use postgres::config::SslMode;

    #[test]
    fn tls_unless_the_server_is_on_this_machine_or_the_url_says() {
        let mode = |url: &str| config(url).expect("a valid URL").get_ssl_mode();
        assert_eq!(mode("postgres://dana@127.0.0.1:5432/sales"), SslMode::Prefer);
        assert_eq!(mode("postgres://dana@localhost/sales"), SslMode::Prefer);
        assert_eq!(mode("postgres://dana@[::1]/sales"), SslMode::Prefer);
        // The host says loopback, but the client connects to hostaddr.
        assert_eq!(mode("postgres://dana@localhost/sales?hostaddr=192.0.2.2"), SslMode::Require);
        assert_eq!(mode("postgres://dana@localhost.example.com/sales"), SslMode::Require);
        assert_eq!(mode("postgres://dana@[::ffff:192.0.2.2]/sales"), SslMode::Require);
        assert_eq!(mode("postgres://dana@db.example.com/sales"), SslMode::Require);
        assert_eq!(mode("postgres://dana@10.0.0.7/sales"), SslMode::Require);
        assert_eq!(mode("postgres://dana@localhost/sales?sslmode=require"), SslMode::Require);
        assert_eq!(mode("postgres://dana@localhost/sales?sslmode=verify-full"), SslMode::Require);
        assert_eq!(mode("postgres://dana@db.example.com/sales?sslmode=disable"), SslMode::Disable);
    }

    #[test]
    fn a_url_the_client_cannot_read_says_which_part() {
        let said = config("postgres://dana@localhost/sales?colour=blue").expect_err("refused").to_string();
        assert!(said.contains("unknown option `colour`"), "{said}");
        let said = config("postgres://dana@localhost:port/sales").expect_err("refused").to_string();
        assert!(said.contains("not a valid postgres:// URL"), "{said}");
    }

    #[test]
    fn the_sessions_settings_leave_the_urls_own_alone() {
        use super::settings;
        let ours = settings("");
        assert!(ours.contains("SET random_page_cost = 1.1;") && ours.contains("SET jit = off;"), "{ours}");
        // No startup options of ours: a pooler may refuse them.
        let url = "postgres://dana@localhost/sales";
        assert_eq!(config(url).expect("a valid URL").get_options(), None);
        let theirs = settings("-csearch_path=team -c jit=on");
        assert!(!theirs.contains("jit") && theirs.contains("random_page_cost"), "the URL's jit stays: {theirs}");
    }

    #[test]
    fn messages_never_show_a_password() {
        assert_eq!(redacted("postgres://dana:s3cret@db:5432/sales"), "postgres://dana@db:5432/sales");
        assert_eq!(redacted("postgres://dana:p@ss@db/sales"), "postgres://dana@db/sales");
        assert_eq!(
            redacted("postgres://dana@db/sales?password=s3cret&sslmode=require"),
            "postgres://dana@db/sales?sslmode=require"
        );
        assert_eq!(redacted("postgres://db/sales?PASSWORD=x"), "postgres://db/sales");
    }
}
