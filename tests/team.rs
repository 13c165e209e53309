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
