//! Triggers, accounts and players entered by hand: checked as an import
//! checks them, each one undoable action, and what a play needs said early.

mod common;

use common::Env;

const NOW: &str = "2026-03-02T07:00:00Z";

fn at(env: &Env, args: &[&str]) -> String {
    let out = env.cmd_at(NOW, args).output().expect("runs");
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("utf-8")
}

/// (exit code, the one line on stderr) of a command that must fail.
fn fails(env: &Env, args: &[&str]) -> (i32, String) {
    let out = env.cmd_at(NOW, args).output().expect("runs");
    assert!(!out.status.success(), "{args:?} should fail: {}", String::from_utf8_lossy(&out.stdout));
    let err = String::from_utf8(out.stderr).expect("utf-8");
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");
    (out.status.code().unwrap_or(-1), err)
}

/// Mini Co (owner Quinn Tester, Germany) and nothing else.
fn mini() -> Env {
    let env = Env::new();
    std::fs::write(env.dir.path().join("config.toml"), "[me]\nname = \"Quinn Tester\"\n").expect("config");
    let path = env.dir.path().join("a.csv");
    std::fs::write(&path, "name,domain,owner,country\nMini Co,mini.test,Quinn Tester,Germany\n").expect("csv");
    at(&env, &["import", "accounts", &path.display().to_string()]);
    env
}

fn count(env: &Env, sql: &str) -> i64 {
    common::raw_db(&env.db).query_row(sql, [], |r| r.get(0)).expect("count")
}

#[test]
fn a_trigger_added_by_hand_makes_the_trigger_play_usable() {
    let env = mini();
    at(&env, &["add", "player", "mini.test", "Eva Tester", "--email", "eva@mini.test", "--title", "CEO"]);
    let (code, err) = fails(&env, &["enroll", "mini.test", "exec-trigger"]);
    assert_eq!(code, 1);
    assert!(err.contains("needs a trigger event") && err.contains("playbook add trigger 1"), "{err}");
    let said = at(&env, &["add", "trigger", "Mini Co", "raised a €20M Series B", "--kind", "funding"]);
    assert!(said.contains("added trigger 1") && said.contains("2026-03-02"), "{said}");
    let said = at(&env, &["enroll", "mini.test", "exec-trigger"]);
    assert!(said.contains("for 1 player"), "{said}");
    let detail = at(&env, &["account", "mini.test", "--format", "json"]);
    assert!(detail.contains("raised a €20M Series B"), "the content names the trigger: {detail}");
}

#[test]
fn a_player_gets_their_tier_from_the_title_and_zone_from_the_country() {
    let env = mini();
    let said = at(
        &env,
        &["add", "player", "mini.test", "Dirk Ops", "--email", "Dirk@Mini.test", "--title", "Head of Operations"],
    );
    assert!(said.contains("director") && said.contains("Europe/Berlin"), "{said}");
    let (_, err) = fails(&env, &["add", "player", "mini.test", "Dirk Two", "--email", "dirk@mini.test"]);
    assert!(err.contains("dirk@mini.test is already player 1"), "{err}");
    let (_, err) = fails(&env, &["add", "player", "mini.test", "Evil\u{1b}]0;x\u{7} Name"]);
    assert!(err.contains("control characters") && !err.contains('\u{1b}'), "{err}");
    let (_, err) = fails(&env, &["add", "player", "mini.test", "Zed Zone", "--zone", "Mars/Olympus"]);
    assert!(err.contains("not a time zone"), "{err}");
    assert_eq!(count(&env, "SELECT COUNT(*) FROM players"), 1, "refused adds change nothing");
}

#[test]
fn an_account_is_checked_and_a_duplicate_refused() {
    let env = mini();
    let (_, err) = fails(&env, &["add", "account", "Other", "--domain", "not a domain"]);
    assert!(err.contains("not a website or domain"), "{err}");
    let (_, err) = fails(&env, &["add", "account", "Mini Again", "--domain", "https://www.mini.test/about"]);
    assert!(err.contains("mini.test is already account 1"), "{err}");
    let (_, err) = fails(&env, &["add", "account", "Big", "--domain", "big.test", "--employees", "lots"]);
    assert!(err.contains("employees") && err.contains("not a number"), "{err}");
    let said = at(&env, &["add", "account", "Savanna Freight Ltd", "--domain", "savanna.test", "--employees", "1,200"]);
    assert!(said.contains("added account 2: Savanna Freight Ltd (owner Quinn Tester)"), "{said}");
    at(&env, &["undo"]);
    assert_eq!(count(&env, "SELECT COUNT(*) FROM accounts"), 1, "undo takes the account back");
}

#[test]
fn edits_change_what_was_named_and_undo_restores_it() {
    let env = mini();
    at(&env, &["add", "player", "mini.test", "Pia Analyst", "--email", "pia@mini.test", "--title", "Analyst"]);
    let said = at(&env, &["edit", "player", "pia@mini.test", "--zone", "Asia/Tokyo", "--tier", "director"]);
    assert!(said.contains("changed tier, zone"), "{said}");
    let zone = || {
        common::raw_db(&env.db)
            .query_row("SELECT zone || ' ' || tier FROM players WHERE id = 1", [], |r| r.get::<_, String>(0))
            .expect("row")
    };
    assert_eq!(zone(), "Asia/Tokyo director");
    let (_, err) = fails(&env, &["edit", "player", "1"]);
    assert!(err.contains("nothing to change"), "{err}");
    at(&env, &["undo"]);
    assert_eq!(zone(), "Europe/Berlin practitioner");
}

#[test]
fn a_new_owner_takes_the_accounts_waiting_touches() {
    let env = mini();
    at(&env, &["add", "player", "mini.test", "Pia Analyst", "--email", "pia@mini.test", "--title", "Analyst"]);
    at(&env, &["enroll", "mini.test", "multi-thread"]);
    let owned = |rep: &str| count(&env, &format!("SELECT COUNT(*) FROM touches WHERE owner = '{rep}'"));
    let touches = owned("Quinn Tester");
    assert!(touches > 0);
    // Dana is a rep of this team: she owns an account already.
    let other = env.dir.path().join("dana.csv");
    std::fs::write(&other, "name,domain,owner\nDana Co,dana.test,Dana Kim\n").expect("csv");
    at(&env, &["import", "accounts", &other.display().to_string()]);
    at(&env, &["edit", "account", "mini.test", "--owner", "dana kim"]);
    assert_eq!(owned("Dana Kim"), touches, "the waiting touches go to Dana's queue");
    at(&env, &["undo"]);
    assert_eq!(owned("Quinn Tester"), touches, "and come back with undo");
}

#[test]
fn removing_keeps_history_and_undo_brings_records_back() {
    let env = mini();
    at(&env, &["add", "player", "mini.test", "Pia Analyst", "--email", "pia@mini.test", "--title", "Analyst"]);
    at(&env, &["enroll", "mini.test", "multi-thread"]);
    let said = at(&env, &["remove", "player", "pia@mini.test"]);
    assert!(said.contains("kept as left"), "{said}");
    assert_eq!(count(&env, "SELECT COUNT(*) FROM touches WHERE state IN ('due', 'planned')"), 0);
    let (_, err) = fails(&env, &["remove", "account", "mini.test"]);
    assert!(err.contains("has 1 play on record"), "{err}");
    at(&env, &["undo"]);
    assert!(
        count(&env, "SELECT COUNT(*) FROM touches WHERE state IN ('due', 'planned')") > 0,
        "Pia's touches wait again"
    );
    at(
        &env,
        &["add", "trigger", "mini.test", "opened an office in Lyon", "--date", "2026-02-20", "--kind", "expansion"],
    );
    at(&env, &["remove", "trigger", "1"]);
    assert_eq!(
        count(&env, "SELECT COUNT(*) FROM accounts WHERE last_trigger IS NULL"),
        1,
        "the freshest trigger goes too"
    );
    at(&env, &["undo"]);
    let list = at(&env, &["triggers", "mini.test"]);
    assert!(list.contains("opened an office in Lyon"), "{list}");
    assert_eq!(count(&env, "SELECT COUNT(*) FROM accounts WHERE last_trigger = 'opened an office in Lyon'"), 1);
}

#[test]
fn triggers_export_and_import_round_trip_and_formulas_stay_text() {
    let env = mini();
    at(&env, &["add", "trigger", "mini.test", "=HYPERLINK(\"http://evil.example\",\"x\")", "--date", "2026-02-01"]);
    at(
        &env,
        &["add", "trigger", "mini.test", "hired a CFO", "--kind", "executive", "--source", "https://news.test/cfo"],
    );
    let csv = at(&env, &["export", "triggers"]);
    assert!(csv.contains("'=HYPERLINK"), "a formula is written as text: {csv}");
    let path = env.dir.path().join("t.csv");
    std::fs::write(&path, &csv).expect("write");
    let said = at(&env, &["import", "triggers", &path.display().to_string()]);
    assert!(said.contains("0 new, 2 unchanged, 0 rejected"), "an export imports back as the same records: {said}");
    assert_eq!(at(&env, &["export", "triggers"]), csv);
    // A file from elsewhere: its own header names, a bad row named by line.
    std::fs::write(&path, "Company,Date,Event\nMini Co,2026-01-15,won a tender\nNobody Ltd,2026-01-15,x\n")
        .expect("write");
    let (_, err) = fails(&env, &["import", "triggers", &path.display().to_string()]);
    assert!(
        err.contains("line 3: no account is named \"Nobody Ltd\"") && err.contains("nothing was imported"),
        "{err}"
    );
    let said = at(&env, &["import", "triggers", &path.display().to_string(), "--skip-bad"]);
    assert!(said.contains("1 new"), "{said}");
    at(&env, &["undo"]);
    assert!(!at(&env, &["triggers"]).contains("won a tender"), "one undo takes the whole import back");
}

#[test]
fn a_name_typed_exactly_picks_that_account_and_a_tie_is_refused() {
    let env = mini();
    at(&env, &["add", "account", "acme", "--domain", "acme-eu.test"]);
    at(&env, &["add", "account", "Acme", "--domain", "acme-us.test"]);
    let said = at(&env, &["add", "trigger", "acme", "for the EU one"]);
    assert!(said.starts_with("acme: added"), "the exact spelling wins: {said}");
    let (_, err) = fails(&env, &["add", "trigger", "ACME", "which one?"]);
    assert!(err.contains("matches several accounts"), "{err}");
}

#[test]
fn an_owner_must_be_a_rep_and_a_new_zone_replans_the_players_touches() {
    let env = mini();
    at(&env, &["add", "player", "mini.test", "Pia Analyst", "--email", "pia@mini.test", "--title", "Analyst"]);
    let (code, err) = fails(&env, &["edit", "account", "1", "--owner", "Nobdy"]);
    assert_eq!(code, 1);
    assert!(err.contains("no rep named 'Nobdy'"), "{err}");
    at(&env, &["enroll", "mini.test", "multi-thread"]);
    at(&env, &["edit", "player", "pia@mini.test", "--zone", "America/Los_Angeles"]);
    // Pia's waiting touches now sit in Los Angeles office hours.
    let conn = common::raw_db(&env.db);
    let mut stmt =
        conn.prepare("SELECT due_at, why FROM touches WHERE player_id = 1 AND state IN ('due', 'planned')").expect("q");
    let rows: Vec<(i64, String)> =
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).expect("rows").map(|r| r.expect("row")).collect();
    assert!(!rows.is_empty());
    for (due, why) in rows {
        let local =
            chrono::DateTime::from_timestamp(due, 0).expect("ts").with_timezone(&chrono_tz::America::Los_Angeles);
        let hour = chrono::Timelike::hour(&local);
        assert!((9..18).contains(&hour), "{local} is outside her new hours ({why})");
    }
}

#[test]
fn import_triggers_writes_the_rows_it_left_out_and_refuses_options_it_ignores() {
    let env = mini();
    let path = env.dir.path().join("t.csv");
    std::fs::write(&path, "account,date,text\nmini.test,2026-02-01,won a tender\nNobody Ltd,2026-02-01,x\n")
        .expect("csv");
    let file = path.display().to_string();
    let (code, err) = fails(&env, &["import", "triggers", &file, "--map", "Firma=account"]);
    assert_eq!(code, 1);
    assert!(err.contains("--map and --owner do not apply"), "{err}");
    let said = at(&env, &["import", "triggers", &file, "--skip-bad"]);
    assert!(said.contains("1 new") && said.contains("t.rejected.csv"), "a domain in the account column works: {said}");
    let rejected = std::fs::read_to_string(env.dir.path().join("t.rejected.csv")).expect("rejects written");
    assert!(
        rejected.contains("3,no account is named \"\"Nobody Ltd\"\"") || rejected.contains("Nobody Ltd"),
        "{rejected}"
    );
}

#[test]
fn plays_check_says_what_each_account_needs() {
    let env = Env::new();
    let out = at(&env, &["plays", "check", "assets/plays/exec-trigger.toml", "assets/plays/multi-thread.toml"]);
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines[0].contains("each account needs a trigger event: playbook add trigger ACCOUNT TEXT"), "{out}");
    assert!(!lines[1].contains("needs"), "multi-thread asks nothing of an account: {out}");
}
