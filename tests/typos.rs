//! Clear answers for typos: a rep's name that matches no rep is refused
//! with the names that do, a `--db` in a missing directory is an error, and
//! output speaks in words ("replied positive", "1 player"), not stored values.

mod common;

use common::Env;
use playbook::domain::{AccountStatus, EnrollmentState, Outcome, PlayerStatus, TouchKind, TouchState};

const NOBODY: &str = "playbook: no rep named 'Nobody' (reps: Dana Kim, Luis Ortega, Priya Nair)\n";

/// A command that must fail with exit 1: (stdout, stderr).
fn fails(cmd: &mut assert_cmd::Command) -> (String, String) {
    let out = cmd.output().expect("runs");
    let stdout = String::from_utf8(out.stdout).expect("utf-8");
    let stderr = String::from_utf8(out.stderr).expect("utf-8");
    assert_eq!(out.status.code(), Some(1), "should fail with 1: {stdout}{stderr}");
    (stdout, stderr)
}

fn set_me(env: &Env, name: &str) {
    std::fs::write(env.dir.path().join("config.toml"), format!("[me]\nname = \"{name}\"\n")).expect("config");
}

#[test]
fn an_owner_that_matches_no_rep_is_refused_with_the_reps_that_exist() {
    let env = Env::demo();
    for args in [
        vec!["queue", "--owner", "Nobody"],
        vec!["report", "--owner", "Nobody"],
        vec!["decisions", "--owner", "Nobody"],
        vec!["accounts", "--owner", "Nobody"],
        vec!["queue", "--owner", "Nobody", "--format", "json"],
        vec!["catch-up", "--owner", "Nobody", "--dry-run"],
        vec!["away", "--owner", "Nobody", "--from", "2026-12-01", "--until", "2026-12-03"],
        vec!["export", "ics", "--owner", "Nobody"],
        vec!["export", "activity", "--owner", "Nobody"],
        vec!["export", "accounts", "--owner", "Nobody"],
        vec!["export", "players", "--owner", "Nobody"],
    ] {
        let (stdout, stderr) = fails(&mut env.cmd(&args));
        assert_eq!(stderr, NOBODY, "{args:?}");
        assert_eq!(stdout, "", "{args:?}");
    }
}

#[test]
fn a_configured_name_that_matches_no_rep_is_refused_too() {
    let env = Env::demo();
    set_me(&env, "Nobody");
    for args in [vec!["queue"], vec!["decisions"], vec!["accounts"], vec!["catch-up"], vec!["export", "ics"], vec![]] {
        let (stdout, stderr) = fails(&mut env.cmd(&args));
        assert_eq!(stderr, NOBODY, "{args:?}");
        assert_eq!(stdout, "", "{args:?}");
    }
    // --owner says whose: the configured name is not needed then.
    env.ok(&["queue", "--owner", "Dana Kim"]);
    // The manager's review covers every rep unless one is named.
    assert!(env.ok(&["report"]).contains("all reps"));
}

#[test]
fn the_ui_refuses_a_configured_name_before_it_takes_the_terminal() {
    use chrono::{DateTime, Utc};
    use playbook::tui::app::App;
    let env = Env::demo();
    let now = DateTime::parse_from_rfc3339(common::NOW).expect("now").with_timezone(&Utc);
    let open = |me: &str| {
        let config = playbook::config::Config { me: Some(me.into()), ..Default::default() };
        let store = common::open_store(&env.db);
        App::new(store, config, playbook::clock::Clock::Fixed(now), playbook::tui::keymap::Keymap::defaults())
    };
    let err = open("Nobody").err().expect("refused");
    assert_eq!(format!("playbook: {err}\n"), NOBODY);
    let app = open("dana kim").expect("app");
    assert_eq!(app.model.owner.as_deref(), Some("Dana Kim"));
    assert_eq!(app.config.me.as_deref(), Some("Dana Kim"));
}

#[test]
fn a_rep_is_found_whatever_the_case_and_used_as_stored() {
    let env = Env::demo();
    let exact = env.ok(&["queue", "--owner", "Dana Kim"]);
    assert!(exact.contains("touches, times in Europe/Berlin"), "{exact}");
    assert_eq!(env.ok(&["queue", "--owner", "dana kim"]), exact);
    assert_eq!(env.ok(&["queue", "--owner", "DANA KIM"]), exact);
    let json = env.json(&["accounts", "--owner", "dana kim", "--format", "json"]);
    let owners: Vec<&str> = json.as_array().expect("array").iter().filter_map(|a| a["owner"].as_str()).collect();
    assert!(!owners.is_empty() && owners.iter().all(|o| *o == "Dana Kim"), "{owners:?}");
    assert!(env.ok(&["report", "--owner", "priya nair"]).contains("Priya Nair)"));
    set_me(&env, "luis ortega");
    assert!(env.ok(&["queue"]).contains("America/New_York"));
}

#[test]
fn an_empty_store_refuses_no_name_and_imported_owners_are_reps() {
    let env = Env::new();
    // Nothing to check against yet: the truth is an empty queue.
    assert!(env.ok(&["queue", "--owner", "Nobody"]).starts_with("nothing due"));
    let accounts = env.dir.path().join("a.csv");
    std::fs::write(&accounts, "name,domain,owner\nSolo Co,solo.test,Quinn Tester\n").expect("csv");
    env.ok(&["import", "accounts", &accounts.display().to_string()]);
    // An account's owner is a rep, zone or not.
    env.ok(&["accounts", "--owner", "quinn tester"]);
    let (_, stderr) = fails(&mut env.cmd(&["queue", "--owner", "Nobody"]));
    assert_eq!(stderr, "playbook: no rep named 'Nobody' (reps: Quinn Tester)\n");
}

#[test]
fn a_db_in_a_missing_directory_is_an_error_not_a_new_tree() {
    let env = Env::new();
    let missing = env.dir.path().join("no/such/dir/x.db");
    for args in [["demo"], ["queue"]] {
        let (stdout, stderr) = fails(&mut env.cmd_db(&missing, &args));
        assert_eq!(stdout, "");
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(stderr.contains("does not exist"), "{stderr}");
    }
    assert!(!env.dir.path().join("no").exists());
}

/// Stored values with an underscore, which a table must show as words.
fn snake_words() -> Vec<&'static str> {
    let mut words: Vec<&str> = Vec::new();
    words.extend(Outcome::ALL.iter().map(|v| v.as_str()));
    words.extend(TouchState::ALL.iter().map(|v| v.as_str()));
    words.extend(TouchKind::ALL.iter().map(|v| v.as_str()));
    words.extend(EnrollmentState::ALL.iter().map(|v| v.as_str()));
    words.extend(AccountStatus::ALL.iter().map(|v| v.as_str()));
    words.extend(PlayerStatus::ALL.iter().map(|v| v.as_str()));
    words.extend(["new_executive", "product_launch"]);
    words.retain(|w| w.contains('_'));
    words
}

fn assert_words(surface: &str, text: &str) {
    for word in snake_words() {
        assert!(!text.contains(word), "{surface} shows {word}:\n{text}");
    }
}

#[test]
fn tables_say_words_and_json_and_csv_keep_stored_values() {
    let env = Env::demo();
    let surfaces = [
        ("Bluewater Valley Health", "-> replied positive"),
        ("Cordillera Salud SpA", "owner Luis Ortega  meeting booked"),
        ("Alpenkamm Versicherung AG", "-> no answer"),
        ("Alpenkamm Versicherung AG", "new executive: "),
        ("Brightmoor Analytics Ltd", "open followup call to"),
    ];
    for (account, words) in surfaces {
        let detail = env.ok(&["account", account]);
        assert!(detail.contains(words), "{account} should say {words}:\n{detail}");
        assert_words(account, &detail);
    }
    for args in [
        vec!["report", "--period", "30d"],
        vec!["accounts", "--limit", "100"],
        vec!["decisions"],
        vec!["queue", "--owner", "Luis Ortega"],
    ] {
        assert_words(&args.join(" "), &env.ok(&args));
    }
    let decisions = env.ok(&["decisions"]);
    assert!(decisions.contains("replied positive") && decisions.contains("meeting booked"), "{decisions}");

    // Scripts and round-trips read the stored values.
    let csv = env.ok(&["accounts", "--limit", "100", "--format", "csv"]);
    assert!(csv.contains(",meeting_booked,"), "{csv}");
    let json = env.ok(&["account", "Bluewater Valley Health", "--format", "json"]);
    assert!(json.contains("\"replied_positive\""), "{json}");
    let activity = env.ok(&["export", "activity", "--period", "30d"]);
    assert!(activity.contains(",replied_positive,") && activity.contains(",no_answer,"), "{activity}");
    let waiting = env.ok(&["decisions", "--format", "json"]);
    assert!(waiting.contains("\"meeting_booked\""), "{waiting}");
}

#[test]
fn one_is_singular() {
    let env = Env::new();
    let write = |name: &str, text: &str| {
        let path = env.dir.path().join(name);
        std::fs::write(&path, text).expect("write");
        path.display().to_string()
    };
    let now = "2026-03-02T07:00:00Z";
    let ok = |args: &[&str]| {
        let out = env.cmd_at(now, args).output().expect("runs");
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).expect("utf-8")
    };
    ok(&["import", "accounts", &write("a.csv", "name,domain,owner\nSolo Co,solo.test,Quinn Tester\n")]);
    let players = "first_name,last_name,email,title,account_domain,tier,role,Time Zone\n\
                   Eva,T,eva@solo.test,CEO,solo.test,executive,user,Europe/Berlin\n";
    ok(&["import", "players", &write("p.csv", players)]);
    let enrolled = ok(&["enroll", "solo.test", "multi-thread"]);
    assert!(enrolled.ends_with("touches for 1 player\n"), "{enrolled}");
    let queue = ok(&["queue", "--owner", "Quinn Tester"]);
    assert!(queue.contains("\n1 touch, times in UTC"), "{queue}");
    let (_, stderr) = fails(&mut env.cmd_at(now, &["import", "accounts", &write("bad.csv", "name,domain\nx\n")]));
    assert!(stderr.contains("\n1 row rejected,"), "{stderr}");
    assert!(stderr.contains("the row has 1 field, the header has 2"), "{stderr}");
}

#[test]
fn a_touch_is_named_by_its_number_as_the_queue_shows_it() {
    let env = Env::demo();
    let usage = |args: &[&str]| {
        let out = env.cmd(args).output().expect("runs");
        assert_eq!(out.status.code(), Some(2), "a usage error: {args:?}");
        String::from_utf8(out.stderr).expect("utf-8")
    };
    let err = usage(&["done", "abc"]);
    assert!(err.contains("a touch is named by its id, a number: the first column of `playbook queue`"), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    // `t129` as the UI writes it, or `#129`, name the same touch.
    let queue = env.ok(&["queue", "--format", "csv"]);
    let id = queue.lines().nth(1).and_then(|l| l.split(',').next()).expect("a due touch").to_string();
    assert!(env.ok(&["note", &format!("t{id}"), "as the UI writes it"]).contains(&format!("touch {id}")));
    assert!(env.ok(&["note", &format!("#{id}"), "with a hash"]).contains(&format!("touch {id}")));
    // Every command naming a touch reads it the same way, a response's too.
    let err = usage(&["replied", "abc"]);
    assert!(err.contains("a touch is named by its id"), "{err}");
}
