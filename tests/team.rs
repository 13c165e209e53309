//! A team working one database at once: on SQLite (one file, several
//! processes) and, in the PostgreSQL pass, on a shared server.

mod common;

use common::Env;

/// Due touches on the accounts with the most of them, most crowded first.
fn crowded_touches(env: &Env, n: usize) -> Vec<i64> {
    let db = common::raw_db(&env.db);
    db.query_map(
        "SELECT t.id FROM touches t
          WHERE t.state = 'due'
          ORDER BY (SELECT COUNT(*) FROM touches u WHERE u.account_id = t.account_id AND u.state = 'due') DESC,
                   t.account_id, t.id",
        [],
        |r| r.get(0),
    )
    .expect("due touches")
    .into_iter()
    .take(n)
    .collect()
}

#[test]
fn reps_acting_at_once_on_the_same_accounts_lose_no_action() {
    let env = Env::demo();
    let touches = crowded_touches(&env, 12);
    assert_eq!(touches.len(), 12, "the demo has a dozen due touches");
    let noted = touches[0];
    // Six processes at once: each marks two touches done and notes the
    // same touch, so every transaction competes for the same rows.
    let children: Vec<_> = touches
        .chunks(2)
        .enumerate()
        .map(|(i, pair)| {
            let ids: Vec<String> = pair.iter().map(ToString::to_string).collect();
            let script = format!(
                "{bin} --db '{db}' --now {now} done {a} && {bin} --db '{db}' --now {now} note {n} 'note {i}' && {bin} --db '{db}' --now {now} done {b}",
                bin = env!("CARGO_BIN_EXE_playbook"),
                db = env.db.display(),
                now = env.now,
                a = ids[0],
                b = ids[1],
                n = noted,
            );
            std::process::Command::new("sh")
                .arg("-c")
                .arg(script)
                .env("PLAYBOOK_CONFIG", env.dir.path().join("config.toml"))
                .env_remove("PLAYBOOK_DB")
                .stderr(std::process::Stdio::piped())
                .spawn()
                .expect("spawn")
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().expect("waits");
        assert!(out.status.success(), "an action failed: {}", String::from_utf8_lossy(&out.stderr));
    }
    let db = common::raw_db(&env.db);
    for id in &touches {
        let state: String =
            db.query_row("SELECT state FROM touches WHERE id = ?1", [*id], |r| r.get(0)).expect("touch");
        assert_eq!(state, "done", "touch {id} was marked done");
        let logged: i64 = db
            .query_row(
                "SELECT COUNT(*) FROM activity WHERE touch_id = ?1 AND action = 'done' AND undone_by IS NULL",
                [*id],
                |r| r.get(0),
            )
            .expect("activity");
        assert_eq!(logged, 1, "touch {id} is logged done exactly once");
    }
    let notes: i64 = db
        .query_row("SELECT COUNT(*) FROM activity WHERE touch_id = ?1 AND action = 'note'", [noted], |r| r.get(0))
        .expect("notes");
    assert_eq!(notes, 6, "each of the six notes is logged");
    // The rollups the manager reads agree with the touches themselves.
    let counted: i64 = db
        .query_row("SELECT COALESCE(SUM(n), 0) FROM touch_daily WHERE state = 'done'", [], |r| r.get(0))
        .expect("rollup");
    let done: i64 = db
        .query_row("SELECT COUNT(*) FROM touches WHERE state = 'done' AND done_day IS NOT NULL", [], |r| r.get(0))
        .expect("done");
    assert_eq!(counted, done, "touch_daily counts every done touch once");
}

#[test]
fn a_lost_connection_fails_the_action_whole_and_the_next_one_reconnects() {
    if !common::on_postgres() {
        // An SQLite file has no connection to lose; the PostgreSQL pass runs this.
        return;
    }
    let env = Env::demo();
    let touch = crowded_touches(&env, 1)[0];
    let now = chrono::DateTime::parse_from_rfc3339(&env.now).expect("now").with_timezone(&chrono::Utc);
    let engine = playbook::engine::Engine::new(&playbook::config::Config::default(), now);
    let mut store = common::open_store(&env.db);
    let pid: i64 = store.raw().query_row("SELECT pg_backend_pid()", [], |r| r.get(0)).expect("pid");
    // The server drops this session (a restart, a network cut).
    let admin = common::raw_db(&env.db);
    admin.query_row("SELECT pg_terminate_backend(?1::int)", [pid], |r| r.get::<_, bool>(0)).expect("terminate");
    let done = playbook::engine::Request::Done { touch, outcome: None, note: None };
    let err = engine.apply(&mut store, done.clone()).expect_err("the action cannot land on a dead connection");
    let said = err.to_string();
    assert!(said.contains("connection to the team database was lost") && !said.contains('\n'), "{said}");
    let state = |db: &common::RawDb| -> String {
        db.query_row("SELECT state FROM touches WHERE id = ?1", [touch], |r| r.get(0)).expect("touch")
    };
    assert_eq!(state(&admin), "due", "nothing of the failed action landed");
    engine.apply(&mut store, done).expect("the next try reconnects and lands");
    assert_eq!(state(&admin), "done");
}

/// Runs a command as one rep (their own config's `[me]`); (success, stdout + stderr).
fn as_rep(env: &Env, rep: &str, args: &[&str]) -> (bool, String) {
    let config = env.dir.path().join(format!("{}.toml", rep.replace(' ', "_")));
    std::fs::write(&config, format!("[me]\nname = \"{rep}\"\n")).expect("config");
    let out = env.cmd(args).env("PLAYBOOK_CONFIG", &config).output().expect("runs");
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (out.status.success(), text)
}

/// The test database's URL with a team role's name for the owner's.
fn role_url(env: &Env, role: &str) -> String {
    env.db.to_str().expect("url").replacen("://playbook@", &format!("://{role}@"), 1)
}

/// A command run with a team role's login (its password) and a config
/// holding `config`: (success, stdout and stderr).
fn as_role(env: &Env, url: &str, password: &str, config: &str, args: &[&str]) -> (bool, String) {
    let file = env.dir.path().join("role.toml");
    std::fs::write(&file, config).expect("config");
    let out = assert_cmd::Command::cargo_bin("playbook")
        .expect("binary")
        .env("PLAYBOOK_CONFIG", &file)
        .env("PGPASSWORD", password)
        .args(["--db", url, "--now", &env.now])
        .args(args)
        .output()
        .expect("runs");
    (out.status.success(), format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)))
}

/// A due touch of a rep's, not on `except`'s account.
fn due_touch_of(env: &Env, rep: &str, except: Option<i64>) -> (i64, i64) {
    let db = common::raw_db(&env.db);
    db.query_row(
        "SELECT id, account_id FROM touches WHERE owner = ?1 AND state = 'due' AND account_id != ?2 ORDER BY id LIMIT 1",
        vec![playbook::store::Value::Text(rep.to_string()), playbook::store::Value::Integer(except.unwrap_or(-1))],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
    .expect("a due touch")
}

#[test]
fn undo_takes_back_ones_own_last_action_never_a_teammates() {
    let env = Env::demo();
    let (dana_touch, dana_account) = due_touch_of(&env, "Dana Kim", None);
    let (luis_touch, _) = due_touch_of(&env, "Luis Ortega", Some(dana_account));
    assert!(as_rep(&env, "Dana Kim", &["done", &dana_touch.to_string()]).0);
    assert!(as_rep(&env, "Luis Ortega", &["note", &luis_touch.to_string(), "called back"]).0);
    // Dana's undo is her done, though Luis acted last.
    let (ok, said) = as_rep(&env, "Dana Kim", &["undo"]);
    assert!(ok && said.contains(&format!("undid done of touch {dana_touch}")), "{said}");
    let (ok, said) = as_rep(&env, "Luis Ortega", &["undo"]);
    assert!(ok && said.contains(&format!("undid note of touch {luis_touch}")), "{said}");
    let (ok, said) = as_rep(&env, "Dana Kim", &["undo"]);
    assert!(!ok && said.contains("nothing to undo"), "{said}");

    // A teammate's later work on the same account is never overwritten.
    assert!(as_rep(&env, "Dana Kim", &["done", &dana_touch.to_string()]).0);
    assert!(as_rep(&env, "Luis Ortega", &["note", &dana_touch.to_string(), "covering for Dana"]).0);
    let (ok, said) = as_rep(&env, "Dana Kim", &["undo"]);
    assert!(!ok, "{said}");
    assert!(said.contains("Luis Ortega has acted on this account since (note)") && said.lines().count() == 1, "{said}");
    let db = common::raw_db(&env.db);
    let state: String =
        db.query_row("SELECT state FROM touches WHERE id = ?1", [dana_touch], |r| r.get(0)).expect("touch");
    assert_eq!(state, "done", "the refused undo changed nothing");
}

#[test]
fn a_reps_role_cannot_change_a_teammates_touch_the_database_refuses_it() {
    if !common::on_postgres() {
        // Roles and row-level security are the team server's; the PostgreSQL pass runs this.
        let env = Env::demo();
        let (ok, said) = as_rep(&env, "Dana Kim", &["team", "init"]);
        assert!(!ok && said.contains("a team needs a PostgreSQL database"), "{said}");
        return;
    }
    let env = Env::demo();
    let out = env.ok(&["team", "init"]);
    assert!(out.contains("rep Dana Kim: role") && out.contains("the manager: role"), "{out}");
    let admin = common::raw_db(&env.db);
    let role: String =
        admin.query_row("SELECT role FROM team_roles WHERE rep = 'Dana Kim'", [], |r| r.get(0)).expect("dana's role");
    admin.execute_batch(&format!("ALTER ROLE {role} PASSWORD 'dana-secret'")).expect("password");
    // Init twice keeps what is there.
    assert!(env.ok(&["team", "init"]).contains("(kept)"));

    let url = role_url(&env, &role);
    let dana = |config: &str, args: &[&str]| as_role(&env, &url, "dana-secret", config, args);
    let me = "[me]\nname = \"Dana Kim\"\n";
    let (own, own_account) = due_touch_of(&env, "Dana Kim", None);
    let (theirs, _) = due_touch_of(&env, "Luis Ortega", Some(own_account));

    let (ok, said) = dana("[me]\nname = \"Luis Ortega\"\n", &["done", &theirs.to_string()]);
    assert!(!ok && said.contains("Dana Kim's database role but [me]"), "{said}");

    let (ok, said) = dana(me, &["done", &theirs.to_string()]);
    assert!(!ok, "{said}");
    assert!(said.contains("another rep (row-level security on touches)") && said.trim().lines().count() == 1, "{said}");
    let state = |id: i64| -> String {
        admin.query_row("SELECT state FROM touches WHERE id = ?1", [id], |r| r.get(0)).expect("touch")
    };
    assert_eq!(state(theirs), "due", "the refused action changed nothing");

    let (ok, said) = dana(me, &["done", &own.to_string()]);
    assert!(ok, "{said}");
    assert_eq!(state(own), "done");
    let logged: (String, String) = admin
        .query_row("SELECT actor, db_role FROM activity WHERE touch_id = ?1 AND action = 'done'", [own], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .expect("activity");
    assert_eq!(logged, ("Dana Kim".to_string(), role.clone()), "the action records the rep and the role");
    // Everyone's queue is readable; only the owner's touches can be changed.
    let (ok, said) = dana(me, &["queue", "--owner", "Luis Ortega"]);
    assert!(ok && said.contains("Due touches"), "{said}");

    // Taking a teammate's account, or giving one's own away, is a manager's call.
    let luis_account: i64 =
        admin.query_row("SELECT account_id FROM touches WHERE id = ?1", [theirs], |r| r.get(0)).expect("account");
    let (ok, said) = dana(me, &["edit", "account", &luis_account.to_string(), "--owner", "Dana Kim"]);
    assert!(!ok && said.trim().lines().count() == 1, "{said}");
    let (ok, said) = dana(me, &["edit", "account", &own_account.to_string(), "--owner", "Luis Ortega"]);
    assert!(!ok && said.contains("only a manager reassigns an account"), "{said}");
    let owner = |id: i64| -> String {
        admin.query_row("SELECT owner FROM accounts WHERE id = ?1", [id], |r| r.get(0)).expect("owner")
    };
    assert_eq!((owner(luis_account), owner(own_account)), ("Luis Ortega".into(), "Dana Kim".into()));

    // Straight to the database with Dana's role: no way around the rules.
    let mut sql = {
        use std::str::FromStr as _;
        let mut config = postgres::Config::from_str(&url).expect("url");
        config.password("dana-secret");
        config.connect(postgres::NoTls).expect("dana connects")
    };
    let luis_player: i64 =
        admin.query_row("SELECT player_id FROM touches WHERE id = ?1", [theirs], |r| r.get(0)).expect("player");
    let refused = |sql: &mut postgres::Client, statement: &str| sql.batch_execute(statement).is_err();
    assert!(refused(&mut sql, &format!("UPDATE players SET account_id = {own_account} WHERE id = {luis_player}")));
    assert!(refused(&mut sql, &format!("UPDATE touches SET state = 'cancelled' WHERE id = {theirs}")));
    assert!(refused(&mut sql, &format!("UPDATE activity SET actor = 'Priya Nair' WHERE touch_id = {own}")));
    // A temporary `team_roles` does not make anyone a manager.
    sql.batch_execute(
        "CREATE TEMP TABLE team_roles (role text, rep text, manager bigint);
         INSERT INTO pg_temp.team_roles VALUES (session_user, 'Priya Nair', 1);",
    )
    .expect("a temporary table");
    let manager: bool = sql.query_one("SELECT playbook_manager()", &[]).expect("asks").get(0);
    assert!(!manager, "still Dana, still not a manager");
    assert_eq!(state(theirs), "due");
    // The role an action is logged under is the server's word, not the client's.
    sql.batch_execute(&format!(
        "INSERT INTO activity (at, actor, action, account_id, db_role) VALUES (1, 'Dana Kim', 'note', {own_account}, 'someone_else')"
    ))
    .expect("a note on her own account");
    let logged: String =
        admin.query_row("SELECT db_role FROM activity ORDER BY id DESC LIMIT 1", [], |r| r.get(0)).expect("role");
    assert_eq!(logged, role);
    // Her own work stays hers to take back.
    let (ok, said) = dana(me, &["undo"]);
    assert!(ok && said.contains(&format!("undid done of touch {own}")), "{said}");
    assert_eq!(state(own), "due");
}

#[test]
fn a_reps_file_pushed_into_the_team_database_gives_the_same_figures_and_a_second_push_adds_nothing() {
    let env = Env::new();
    // The rep's own file: the demo, worked for a while.
    let file = env.dir.path().join("dana.db");
    let mine = |args: &[&str]| {
        let out = env.cmd_db(&file, args).output().expect("runs");
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).to_string()
    };
    mine(&["demo"]);
    let due: serde_json::Value = serde_json::from_str(&mine(&["queue", "--format", "json"])).expect("json");
    let ids: Vec<String> =
        due.as_array().expect("rows").iter().take(3).map(|r| r["touch_id"].as_i64().expect("id").to_string()).collect();
    mine(&["done", &ids[0]]);
    mine(&["skip", &ids[1]]);
    mine(&["done", &ids[2]]);
    mine(&["undo"]);

    // The team's database is empty: after the push it holds exactly the rep's work.
    let said = env.ok(&["team", "push", file.to_str().expect("path")]);
    assert!(said.contains("accounts: 40 added") && said.contains("touches:"), "{said}");
    for args in [
        &["report", "--format", "json", "--period", "30d"][..],
        &["queue", "--format", "json"][..],
        &["accounts", "--format", "json", "--limit", "100"][..],
        &["decisions", "--format", "json"][..],
    ] {
        assert_eq!(without_ids(&env.ok(args)), without_ids(&mine(args)), "{args:?} reads the same on both");
    }
    // Pushing again changes nothing.
    let again = env.ok(&["team", "push", file.to_str().expect("path")]);
    assert!(again.contains("accounts: 0 added") && again.contains("40 pushed before"), "{again}");
    assert_eq!(
        env.ok(&["report", "--format", "json", "--period", "30d"]),
        mine(&["report", "--format", "json", "--period", "30d"])
    );
    // The pushed history undoes action by action, as it would have at home.
    let words = |s: String| s.split_whitespace().take(2).collect::<Vec<_>>().join(" ");
    let undone = env.ok(&["undo"]);
    assert!(undone.starts_with("undid skip of touch"), "the skip, the last action not yet undone: {undone}");
    assert_eq!(words(undone), words(mine(&["undo"])), "the same action is undone in both");
    assert_eq!(
        without_ids(&env.ok(&["queue", "--format", "json"])),
        without_ids(&mine(&["queue", "--format", "json"]))
    );
}

/// JSON output without the ids each store gives its rows.
fn without_ids(text: &str) -> serde_json::Value {
    fn strip(v: &mut serde_json::Value) {
        match v {
            serde_json::Value::Object(map) => {
                map.retain(|k, _| k != "id" && !k.ends_with("_id"));
                map.values_mut().for_each(strip);
            }
            serde_json::Value::Array(items) => items.iter_mut().for_each(strip),
            _ => {}
        }
    }
    let mut v: serde_json::Value = serde_json::from_str(text).expect("json");
    strip(&mut v);
    v
}

#[test]
fn a_push_matches_accounts_by_domain_and_players_by_email() {
    let env = Env::demo();
    let file = env.dir.path().join("luis.db");
    assert!(env.cmd_db(&file, &["demo"]).output().expect("runs").status.success());
    let figures = env.ok(&["report", "--format", "json", "--period", "30d"]);
    let said = env.ok(&["team", "push", file.to_str().expect("path")]);
    assert_eq!(
        env.ok(&["report", "--format", "json", "--period", "30d"]),
        figures,
        "the same work is not counted twice"
    );
    assert!(said.contains("accounts: 0 added, 40 matched"), "{said}");
    assert!(said.contains("players: 0 added, 151 matched"), "{said}");
    // The file's plays already run on those accounts: the team's copies stay
    // as they are, nothing runs twice.
    assert!(said.contains("enrollments: 0 added, 30 matched") && said.contains("touches: 0 added"), "{said}");
    let db = common::raw_db(&env.db);
    let accounts: i64 = db.query_row("SELECT COUNT(*) FROM accounts", [], |r| r.get(0)).expect("count");
    assert_eq!(accounts, 40, "no account twice");
    let twice: i64 = db
        .query_row(
            "SELECT COUNT(*) FROM (SELECT account_id, play_id FROM enrollments GROUP BY account_id, play_id HAVING COUNT(*) > 1) AS d",
            [],
            |r| r.get(0),
        )
        .expect("count");
    assert_eq!(twice, 0, "no play runs twice on an account");
    let again = env.ok(&["team", "push", file.to_str().expect("path")]);
    assert!(again.contains("touches: 0 added"), "a second push adds nothing either: {again}");
    let (ok, said) = as_rep(
        &env,
        "Dana Kim",
        &["team", "push", env.db.to_str().expect("path"), "--to", env.db.to_str().expect("path")],
    );
    assert!(!ok && said.lines().count() == 1, "pushing a database into itself is refused: {said}");
}

#[test]
fn names_match_the_same_way_on_either_backend_ascii_case_only() {
    let env = Env::demo();
    let found = env.ok(&["accounts", "--filter", "maison LUMI", "--format", "json"]);
    assert!(found.contains("Maison Lumi"), "ASCII letters match in any case: {found}");
    let accented = env.ok(&["accounts", "--filter", "LUMIÈRE", "--format", "json"]);
    assert_eq!(accented.trim(), "[]", "letters beyond ASCII match as typed, as SQLite's LIKE does");
    let (ok, said) = as_rep(&env, "Dana Kim", &["account", "MAISON LUMIÈRE RETAIL SA"]);
    assert!(!ok, "{said}");
    let (ok, said) = as_rep(&env, "Dana Kim", &["account", "MAISON LUMIèRE RETAIL SA"]);
    assert!(ok, "{said}");
}

/// On a server a query's first run is sent whole with its parameters as
/// text (one round trip) and later runs use the prepared statement with
/// binary parameters: both must store and find exactly the same values.
#[test]
fn a_querys_first_and_later_runs_store_and_read_the_same_values() {
    use playbook::store::Value;
    let env = Env::new();
    let db = common::raw_db(&env.db);
    db.execute_batch("CREATE TABLE probe (n BIGINT, x DOUBLE PRECISION, s TEXT, b BYTEA)").expect("table");
    let rows = [
        vec![
            Value::Integer(-9_007_199_254_740_993),
            Value::Real(0.1 + 0.2),
            Value::Text("back\\slash 'quote' \"dq\"\ttab\nline € 𝄞 ∅".into()),
            Value::Blob(vec![0, 1, b'\\', b'x', 0xff]),
        ],
        vec![Value::Integer(i64::MAX), Value::Real(-1e300), Value::Text(String::new()), Value::Blob(Vec::new())],
        vec![Value::Null, Value::Null, Value::Null, Value::Null],
    ];
    for (i, row) in rows.iter().enumerate() {
        // A text of its own per row: each row's first insert is a first
        // run (parameters as text), its second runs prepared (binary).
        let insert = format!("INSERT INTO probe (n, x, s, b) VALUES (?1, ?2, ?3, ?4) -- row {i}");
        assert_eq!(db.execute(&insert, row.clone()).expect("insert"), 1);
        assert_eq!(db.execute(&insert, row.clone()).expect("insert again"), 1);
    }
    let read = "SELECT n, x, s, b FROM probe";
    for run in ["first", "second", "third"] {
        let found: Vec<Vec<Value>> =
            db.query_map(read, [], |r| Ok(vec![r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?])).expect("read");
        let expected: Vec<Vec<Value>> = rows.iter().chain(rows.iter()).cloned().collect();
        let sorted = |mut v: Vec<Vec<Value>>| {
            v.sort_by(|a, b| format!("{a:?}").cmp(&format!("{b:?}")));
            v
        };
        assert_eq!(sorted(found), sorted(expected), "{run} run of the read");
    }
    // A parameter only tested for NULL has no type to infer: it is guessed,
    // on a first run too, inside a transaction as outside.
    for (sql, value) in [
        ("SELECT COUNT(*) FROM probe WHERE ?1 IS NOT NULL", Value::Integer(7)),
        ("SELECT COUNT(*) FROM probe WHERE ?1 IS NULL", Value::Null),
    ] {
        let tx = db.begin(playbook::store::db::Begin::Read).expect("a transaction");
        let n: i64 = tx.query_row(sql, [value], |r| r.get(0)).expect(sql);
        assert_eq!(n, 6, "{sql}");
    }
    // Text found by a text parameter and a number by a number, first run
    // and prepared alike.
    let by_text = "SELECT COUNT(*) FROM probe WHERE s = ?1";
    let by_number = "SELECT COUNT(*) FROM probe WHERE n = ?1 AND x = ?2";
    for _ in 0..2 {
        let n: i64 = db.query_row(by_text, [rows[0][2].clone()], |r| r.get(0)).expect("by text");
        assert_eq!(n, 2);
        let n: i64 =
            db.query_row(by_number, [rows[0][0].clone(), rows[0][1].clone()], |r| r.get(0)).expect("by number");
        assert_eq!(n, 2);
    }
}

/// A bulk load (`demo --accounts N`, COPY on a server) turns the guard
/// off while it runs: afterwards every loaded action says which role
/// loaded it, and a rep's role is held to its own accounts as ever.
#[test]
fn a_bulk_loaded_store_keeps_its_guards_and_names_the_role_that_loaded_it() {
    let env = Env::new();
    env.ok(&["demo", "--accounts", "60", "--seed", "5"]);
    if !common::on_postgres() {
        return; // Roles and guards are the server's: the PostgreSQL pass runs this.
    }
    let admin = common::raw_db(&env.db);
    let (loaded, unnamed): (i64, i64) = admin
        .query_row("SELECT COUNT(*), COUNT(*) - COUNT(db_role) FROM activity", [], |r| Ok((r.get(0)?, r.get(1)?)))
        .expect("activity");
    assert!(loaded > 0 && unnamed == 0, "{unnamed} of {loaded} loaded actions name no role");
    let owners: Vec<String> = admin
        .query_map("SELECT DISTINCT owner FROM touches WHERE state = 'due' ORDER BY owner LIMIT 2", [], |r| r.get(0))
        .expect("owners");
    let (rep, teammate) = (&owners[0], &owners[1]);
    assert!(env.ok(&["team", "init"]).contains(&format!("rep {rep}: role")));
    let role: String = admin
        .query_row("SELECT role FROM team_roles WHERE rep = ?1", [rep.as_str()], |r| r.get(0))
        .expect("the rep's role");
    admin.execute_batch(&format!("ALTER ROLE {role} PASSWORD 'rep-secret'")).expect("password");
    let url = role_url(&env, &role);
    let me = format!("[me]\nname = \"{rep}\"\n");
    let act = |args: &[&str]| as_role(&env, &url, "rep-secret", &me, args);
    let (own, own_account) = due_touch_of(&env, rep, None);
    let (theirs, _) = due_touch_of(&env, teammate, Some(own_account));
    let (ok, said) = act(&["done", &theirs.to_string()]);
    assert!(!ok && said.contains("another rep"), "{said}");
    let (ok, said) = act(&["done", &own.to_string()]);
    assert!(ok, "{said}");
    let logged: String = admin
        .query_row(
            "SELECT db_role FROM activity WHERE touch_id = ?1 AND action = 'done' ORDER BY id DESC",
            [own],
            |r| r.get(0),
        )
        .expect("the done");
    assert_eq!(logged, role);
}
