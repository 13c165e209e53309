//! Helpers shared by the CLI tests: a temp database and a pinned clock.

#![allow(dead_code, clippy::new_without_default)]

use assert_cmd::Command;
use serde_json::Value;
use std::path::PathBuf;
use tempfile::TempDir;

/// A Tuesday morning in Berlin.
pub const NOW: &str = "2026-11-24T09:30:00+01:00";

pub struct Env {
    pub dir: TempDir,
    pub db: PathBuf,
    pub now: String,
}

/// The server the suite runs on instead of SQLite files, when set: a
/// `postgres://` URL whose role may create schemas (password in PGPASSWORD).
pub const PG_ENV: &str = "PLAYBOOK_TEST_PG";

pub fn on_postgres() -> bool {
    std::env::var(PG_ENV).is_ok_and(|v| !v.is_empty())
}

/// A new, empty database for one test: a file in `dir`, or a schema of its
/// own on the test server (as `--db` takes it).
pub fn new_db(dir: &std::path::Path, name: &str) -> PathBuf {
    match std::env::var(PG_ENV) {
        Ok(base) if !base.is_empty() => PathBuf::from(new_schema(&base)),
        _ => dir.join(name),
    }
}

fn admin(base: &str) -> postgres::Client {
    use std::str::FromStr as _;
    let mut config = postgres::Config::from_str(base).expect("PLAYBOOK_TEST_PG is a postgres:// URL");
    if let Ok(p) = std::env::var("PGPASSWORD") {
        config.password(p);
    }
    config.connect(postgres::NoTls).expect("the test server answers")
}

/// Drops a test's schema and the team roles made in it, so a developer's
/// own server is left as it was.
fn drop_schema(url: &str) {
    let Ok(base) = std::env::var(PG_ENV) else { return };
    let Some(schema) = url.rsplit("search_path%3D").next().filter(|s| s.starts_with('t')) else { return };
    let mut client = admin(&base);
    let roles: Vec<String> = client
        .query(&format!("SELECT role FROM {schema}.team_roles"), &[])
        .map(|rows| rows.iter().map(|r| r.get(0)).collect())
        .unwrap_or_default();
    // `team init` names its group role after the store: pb_<store id>_team.
    let group: Option<String> = client
        .query_one(&format!("SELECT 'pb_' || value || '_team' FROM {schema}.meta WHERE key = 'store_id'"), &[])
        .map(|r| r.get(0))
        .ok();
    let _ = client.batch_execute(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"));
    for role in roles.into_iter().chain(group) {
        let _ = client.batch_execute(&format!("DROP ROLE IF EXISTS {role}"));
    }
}

impl Drop for Env {
    fn drop(&mut self) {
        if on_postgres() {
            drop_schema(&self.db.to_string_lossy());
        }
    }
}

/// A schema of its own on the test server; its URL.
pub fn new_schema(base: &str) -> String {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let mut client = admin(base);
    // Unique across test binaries run at once and across runs on one server.
    let mut salt = [0u8; 4];
    std::io::Read::read_exact(&mut std::fs::File::open("/dev/urandom").expect("urandom"), &mut salt).expect("random");
    let name = format!("t{}_{}_{}", std::process::id(), NEXT.fetch_add(1, Ordering::Relaxed), u32::from_le_bytes(salt));
    client.batch_execute(&format!("CREATE SCHEMA {name}")).expect("create schema");
    let sep = if base.contains('?') { '&' } else { '?' };
    format!("{base}{sep}options=-csearch_path%3D{name}")
}

/// Opens a test database named by `new_db`.
pub fn open_store(db: &std::path::Path) -> playbook::store::Store {
    playbook::store::Target::parse(db.as_os_str()).open().expect("store opens")
}

/// A test's direct line to its database, on either backend, to check rows.
pub struct RawDb(playbook::store::Store);

impl std::ops::Deref for RawDb {
    type Target = playbook::store::db::Db;
    fn deref(&self) -> &Self::Target {
        self.0.raw()
    }
}

/// Opens a test database for reading rows directly.
pub fn raw_db(db: &std::path::Path) -> RawDb {
    RawDb(open_store(db))
}

/// A new store on the suite's backend (in memory on SQLite).
pub fn fresh_store() -> playbook::store::Store {
    match std::env::var(PG_ENV) {
        Ok(base) if !base.is_empty() => playbook::store::Store::open_postgres(&new_schema(&base)).expect("store"),
        _ => playbook::store::Store::open_in_memory().expect("store"),
    }
}

impl Env {
    pub fn new() -> Env {
        let dir = tempfile::tempdir().expect("tempdir");
        let db = new_db(dir.path(), "playbook.db");
        std::fs::write(dir.path().join("config.toml"), "").expect("config");
        Env { db, dir, now: NOW.to_string() }
    }

    pub fn demo() -> Env {
        let env = Env::new();
        env.ok(&["demo"]);
        env
    }

    pub fn cmd(&self, args: &[&str]) -> Command {
        self.cmd_db(&self.db, args)
    }

    /// A command on another database file than the env's own.
    pub fn cmd_db(&self, db: &std::path::Path, args: &[&str]) -> Command {
        self.cmd_full(db, &self.now, args)
    }

    /// A command at another instant than the env's own.
    pub fn cmd_at(&self, now: &str, args: &[&str]) -> Command {
        self.cmd_full(&self.db, now, args)
    }

    fn cmd_full(&self, db: &std::path::Path, now: &str, args: &[&str]) -> Command {
        let mut cmd = Command::cargo_bin("playbook").expect("binary");
        cmd.env_remove("PLAYBOOK_NOW")
            .env_remove("PLAYBOOK_DB")
            .env("PLAYBOOK_CONFIG", self.dir.path().join("config.toml"))
            .arg("--db")
            .arg(db)
            .arg("--now")
            .arg(now)
            .args(args);
        cmd
    }

    /// Runs a command that must succeed; returns stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.cmd(args).output().expect("runs");
        assert!(
            out.status.success(),
            "{args:?} failed: {}\n{}",
            String::from_utf8_lossy(&out.stderr),
            String::from_utf8_lossy(&out.stdout)
        );
        String::from_utf8(out.stdout).expect("utf-8")
    }

    pub fn json(&self, args: &[&str]) -> Value {
        let text = self.ok(args);
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{args:?}: not JSON ({e}): {text}"))
    }
}

/// The header of a contacts CSV as the small test companies use it.
pub const CONTACTS_HEADER: &str = "first_name,last_name,email,title,account_domain,tier,role,Time Zone";

/// Mini Co (owner Quinn Tester) with the players of a contacts CSV, not enrolled.
pub fn company(players: &str) -> Env {
    let env = Env::new();
    let write = |name: &str, text: &str| {
        let path = env.dir.path().join(name);
        std::fs::write(&path, text).expect("write");
        path.display().to_string()
    };
    env.ok(&["import", "accounts", &write("a.csv", "name,domain,owner\nMini Co,mini.test,Quinn Tester\n")]);
    env.ok(&["import", "players", &write("p.csv", players)]);
    env
}

/// Mini Co with Eva (executive), Dirk (director) and Pia (practitioner) in
/// `zone`, enrolled in multi-thread on Monday 2 March 2026 at 07:00 UTC.
/// Dirk's thread: step 2 = touch 7, step 3 = touch 8, step 5 = touch 9.
pub fn mini_co(zone: &str) -> Env {
    let env = company(&format!(
        "{CONTACTS_HEADER}\n\
         Eva,T,eva@mini.test,CEO,mini.test,executive,user,{zone}\n\
         Dirk,T,dirk@mini.test,Head of Ops,mini.test,director,user,{zone}\n\
         Pia,T,pia@mini.test,Analyst,mini.test,practitioner,user,{zone}\n"
    ));
    let out = env.cmd_at("2026-03-02T07:00:00Z", &["enroll", "mini.test", "multi-thread"]).output().expect("runs");
    assert!(out.status.success(), "enroll: {}", String::from_utf8_lossy(&out.stderr));
    env
}
