//! The database file and its neighbours: a file that is not ours is
//! refused untouched, what we create is private under any umask, and each
//! failure is one line that says what to do.

mod common;

use common::Env;
use rusqlite::Connection;
use std::path::Path;

fn fails(env: &Env, db: &Path, args: &[&str]) -> String {
    let out = env.cmd_db(db, args).output().expect("runs");
    assert_eq!(out.status.code(), Some(1), "{args:?} should fail: {}", String::from_utf8_lossy(&out.stdout));
    let err = String::from_utf8(out.stderr).expect("utf-8");
    assert_eq!(err.lines().count(), 1, "one line: {err}");
    assert!(!err.contains("os error") && !err.contains("Error code"), "no OS or SQLite codes: {err}");
    err
}

fn bytes_and_neighbours(path: &Path) -> (Vec<u8>, bool, bool) {
    let wal = Path::new(&format!("{}-wal", path.display())).exists();
    let shm = Path::new(&format!("{}-shm", path.display())).exists();
    (std::fs::read(path).expect("read"), wal, shm)
}

#[test]
fn another_programs_sqlite_file_is_refused_untouched() {
    let env = Env::new();
    // A table named like ours, a different application id, no tables of
    // ours at all: each is refused before anything is written.
    for (name, sql) in [
        ("app.sqlite", "CREATE TABLE accounts (x); INSERT INTO accounts VALUES (1);"),
        ("other_id.sqlite", "PRAGMA application_id = 1234; CREATE TABLE notes (x);"),
        ("notes.sqlite", "CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('keep me');"),
        ("wal.sqlite", "PRAGMA journal_mode = WAL; CREATE TABLE notes (body TEXT);"),
        (
            "lookalike.sqlite",
            "CREATE TABLE reps (x); CREATE TABLE accounts (x); CREATE TABLE players (x); CREATE TABLE plays (x);
             CREATE TABLE enrollments (x); CREATE TABLE touches (x); CREATE TABLE activity (x); PRAGMA user_version = 1;",
        ),
    ] {
        let path = env.dir.path().join(name);
        let conn = Connection::open(&path).expect("create");
        conn.execute_batch(sql).expect("fill");
        drop(conn);
        let before = bytes_and_neighbours(&path);
        let err = fails(&env, &path, &["queue"]);
        assert!(err.contains(&format!("{} is not a playbook database", path.display())), "{err}");
        assert_eq!(bytes_and_neighbours(&path), before, "{name} was changed");
        let journal: String = Connection::open(&path)
            .expect("open")
            .pragma_query_value(None, "journal_mode", |r| r.get(0))
            .expect("mode");
        let expected = if name == "wal.sqlite" { "wal" } else { "delete" };
        assert_eq!(journal, expected, "{name}: the journal mode is the owner's");
    }
    // A database of ours from a newer build is refused as it is, too.
    let newer = env.dir.path().join("newer.db");
    assert!(env.cmd_db(&newer, &["plays", "list"]).output().expect("runs").status.success());
    let conn = Connection::open(&newer).expect("open");
    conn.execute_batch("PRAGMA user_version = 99; PRAGMA journal_mode = DELETE;").expect("newer");
    drop(conn);
    let before = bytes_and_neighbours(&newer);
    let err = fails(&env, &newer, &["queue"]);
    assert!(err.contains("written by a newer playbook"), "{err}");
    assert_eq!(bytes_and_neighbours(&newer), before, "a newer database is not switched to WAL");
    #[cfg(unix)]
    {
        let fifo = env.dir.path().join("fifo");
        assert!(std::process::Command::new("mkfifo").arg(&fifo).status().expect("mkfifo").success());
        let err = fails(&env, &fifo, &["queue"]);
        assert!(err.contains("it is not a regular file"), "{err}");
    }
    let text = env.dir.path().join("notes.txt");
    std::fs::write(&text, "not a database at all\n".repeat(10)).expect("write");
    let err = fails(&env, &text, &["queue"]);
    assert!(err.contains("is not a playbook database (not an SQLite file)"), "{err}");
    assert_eq!(std::fs::read_to_string(&text).expect("read"), "not a database at all\n".repeat(10));
}

#[test]
fn our_databases_carry_the_application_id_and_an_empty_file_becomes_one() {
    let env = Env::new();
    let empty = env.dir.path().join("empty.db");
    std::fs::write(&empty, "").expect("touch");
    assert!(env.cmd_db(&empty, &["demo"]).output().expect("runs").status.success());
    let id: i64 =
        Connection::open(&empty).expect("open").pragma_query_value(None, "application_id", |r| r.get(0)).expect("id");
    assert_eq!(id, i64::from(playbook::store::APPLICATION_ID));
    // Reopened, it is recognised by its id and keeps its data.
    let out = env.cmd_db(&empty, &["plays", "list"]).output().expect("runs");
    assert!(String::from_utf8_lossy(&out.stdout).contains("exec-trigger"));
}

#[test]
fn each_failure_to_open_is_one_line_that_says_what_to_do() {
    let env = Env::new();
    let file = env.dir.path().join("afile");
    std::fs::write(&file, "x").expect("write");
    let err = fails(&env, &file.join("x.db"), &["queue"]);
    assert!(err.contains("is a file, not a directory"), "{err}");
    let missing = env.dir.path().join("no/such/dir/x.db");
    let err = fails(&env, &missing, &["queue"]);
    assert!(err.contains("does not exist"), "{err}");
    assert!(!env.dir.path().join("no").exists(), "a typo in --db grows no directory tree");
    let err = fails(&env, env.dir.path(), &["queue"]);
    assert!(err.contains("it is a directory"), "{err}");
}

#[cfg(unix)]
#[test]
fn everything_we_create_is_private_under_any_umask() {
    use std::os::unix::fs::PermissionsExt;
    let env = Env::new();
    let data = env.dir.path().join("xdg-data");
    let mode = |p: &Path| std::fs::metadata(p).expect("exists").permissions().mode() & 0o777;
    let bin = assert_cmd::cargo::cargo_bin("playbook");
    let csv = env.dir.path().join("companies.csv");
    std::fs::write(&csv, "name,domain\nGood Co,good.example\nBad,not a domain\n").expect("csv");
    let script = format!(
        "umask 000; {bin} --now {now} queue >/dev/null && {bin} --now {now} import accounts {csv} --skip-bad >/dev/null",
        bin = bin.display(),
        now = common::NOW,
        csv = csv.display()
    );
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(&script)
        .env("XDG_DATA_HOME", &data)
        .env("HOME", env.dir.path())
        .env_remove("PLAYBOOK_DB")
        .env("PLAYBOOK_CONFIG", env.dir.path().join("config.toml"))
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let dir = data.join("playbook");
    assert_eq!(mode(&data), 0o700, "a data directory we create");
    assert_eq!(mode(&dir), 0o700);
    assert_eq!(mode(&dir.join("playbook.db")), 0o600);
    assert_eq!(mode(&env.dir.path().join("companies.rejected.csv")), 0o600, "rejected rows hold names and emails");

    // A database others can read is pointed out, on one line.
    std::fs::set_permissions(dir.join("playbook.db"), std::fs::Permissions::from_mode(0o644)).expect("chmod");
    let out = env.cmd_db(&dir.join("playbook.db"), &["plays", "list"]).output().expect("runs");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success() && err.contains("can be read by other users") && err.contains("chmod 600"), "{err}");
}

#[test]
fn the_rejects_file_never_replaces_the_database_or_the_import() {
    let env = Env::demo();
    let csv = env.dir.path().join("companies.csv");
    std::fs::write(&csv, "name,domain\nGood Co,good.example\nBad,not a domain\n").expect("csv");
    for target in [env.db.clone(), csv.clone()] {
        let out = env
            .cmd(&[
                "import",
                "accounts",
                &csv.display().to_string(),
                "--skip-bad",
                "--rejects",
                &target.display().to_string(),
            ])
            .output()
            .expect("runs");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{err}");
        assert!(err.contains("names the database or the file being imported") && err.contains("nothing was imported"));
    }
    assert_eq!(std::fs::read_to_string(&csv).expect("csv"), "name,domain\nGood Co,good.example\nBad,not a domain\n");
    assert!(!env.ok(&["accounts", "--limit", "100"]).contains("Good Co"), "nothing was imported");

    // A rejects file that cannot be written rolls the import back.
    let nowhere = env.dir.path().join("missing/dir/rejects.csv");
    let out = env
        .cmd(&[
            "import",
            "accounts",
            &csv.display().to_string(),
            "--skip-bad",
            "--rejects",
            &nowhere.display().to_string(),
        ])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("nothing was imported"));
    assert!(!env.ok(&["accounts", "--limit", "100"]).contains("Good Co"), "rolled back");

    // A symbolic link planted where the rejects go is not followed.
    #[cfg(unix)]
    {
        let victim = env.dir.path().join("victim.txt");
        std::fs::write(&victim, "precious").expect("victim");
        let link = env.dir.path().join("companies.rejected.csv");
        std::os::unix::fs::symlink(&victim, &link).expect("symlink");
        let out = env.cmd(&["import", "accounts", &csv.display().to_string(), "--skip-bad"]).output().expect("runs");
        assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
        assert!(String::from_utf8_lossy(&out.stderr).contains("symbolic link"));
        assert_eq!(std::fs::read_to_string(&victim).expect("victim"), "precious");
    }
}

#[cfg(unix)]
#[test]
fn a_read_only_database_says_so_once() {
    use std::os::unix::fs::PermissionsExt;
    let env = Env::demo();
    let dir = tempfile::Builder::new().prefix("pb-ro").tempdir_in("/tmp").expect("dir");
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).expect("chmod dir");
    let db = dir.path().join("ro.db");
    std::fs::copy(&env.db, &db).expect("copy");
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o444)).expect("chmod");
    let bin = assert_cmd::cargo::cargo_bin("playbook");
    let script = format!("{} --db {} --now {} undo", bin.display(), db.display(), common::NOW);
    // Root ignores file modes: the check runs as nobody then (skipped where su cannot).
    let uid = std::process::Command::new("id").arg("-u").output().expect("id");
    let out = if String::from_utf8_lossy(&uid.stdout).trim() == "0" {
        match std::process::Command::new("su").args(["nobody", "-s", "/bin/sh", "-c", &script]).output() {
            Ok(out) if out.status.code() != Some(125) && !String::from_utf8_lossy(&out.stderr).contains("su:") => out,
            _ => return,
        }
    } else {
        std::process::Command::new("sh").arg("-c").arg(&script).output().expect("runs")
    };
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("read-only for you") && !err.contains("Error code"), "{err}");
}
