//! Absurd numbers, dates and sizes: each is one line and an exit code,
//! never a panic, an abort or a runaway allocation.

mod common;

use common::Env;

/// Runs a command that must be refused with `code` and one line naming why.
fn refused(env: &Env, args: &[&str], code: i32, says: &str) {
    let out = env.cmd(args).output().expect("runs");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(code), "{args:?}: {err}");
    assert_eq!(err.lines().count(), 1, "{args:?}: one line, not {err}");
    assert!(err.contains(says), "{args:?} should say {says:?}: {err}");
}

#[test]
fn absurd_arguments_are_usage_errors() {
    let env = Env::demo();
    for (args, says) in [
        (vec!["snooze", "5", "--for", "200000000000d"], "at most 366 days"),
        (vec!["snooze", "5", "--for", "9223372036854775807m"], "at most 366 days"),
        (vec!["export", "ics", "--days", "4294967295"], "between 1 and 366"),
        (vec!["report", "--period", "99999999d"], "at most 3660 days"),
        (vec!["report", "--period", "1970-01-01..2999-12-31"], "at most 3660 days"),
        (vec!["export", "activity", "--period", "99999999d"], "at most 3660 days"),
        (vec!["accounts", "--limit", "18446744073709551615"], "between 1 and 100000"),
        (vec!["accounts", "--limit", "4294967296"], "between 1 and 100000"),
        (vec!["demo", "--accounts", "4294967296"], "between 1 and 2000000"),
        (vec!["queue", "--date", "2999-12-32"], "not a date"),
        (vec!["queue", "--date", "3000-01-01"], "dates run from 1970 to 2999"),
        (vec!["ooo", "5", "--until", "+262143-01-01"], "not a date"),
        (vec!["note", "5", &"x".repeat(10_001)], "at most 10000"),
        (vec!["catch-up", "--per-day", "18446744073709551616"], "not a whole number"),
        (vec!["catch-up", "--per-day", "4294967296"], "between 1 and 1000"),
        (vec!["away", "--from", "2026-12-01", "--until", "3000-01-01"], "dates run from 1970 to 2999"),
    ] {
        refused(&env, &args, 2, says);
    }
    let out = env.cmd(&["queue"]).arg("--now").arg("9999-12-31T23:59:59Z").output().expect("runs");
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn far_futures_are_refused_by_the_action() {
    let env = Env::demo();
    let first = env.json(&["queue", "--owner", "Dana Kim", "--format", "json"])[0]["touch_id"].to_string();
    refused(&env, &["snooze", &first, "--until", "2999-01-01T09:00:00Z"], 1, "at most 366 days ahead");
    refused(&env, &["pause", "Cerulean Pay BV", "--until", "2999-01-01"], 1, "at most 366 days ahead");
    refused(
        &env,
        &["away", "--owner", "Dana Kim", "--from", "2026-12-01", "--until", "2999-01-01"],
        1,
        "at most 366 days ahead",
    );
    // Nothing changed: the touch is still in the queue, the play still active.
    let queue = env.ok(&["queue", "--owner", "Dana Kim"]);
    assert!(queue.contains("Cerulean Pay BV"), "{queue}");
}

fn write(env: &Env, name: &str, text: &str) -> String {
    let path = env.dir.path().join(name);
    std::fs::write(&path, text).expect("write");
    path.display().to_string()
}

const PLAY_HEAD: &str = "name = \"odd\"\nversion = 1\ntitle = \"Odd\"\n";

#[test]
fn absurd_play_files_are_refused_with_their_line() {
    let env = Env::demo();
    for (body, says) in [
        ("[[step]]\ntitle = \"a\"\nchannel = \"email\"\nbody = \"b\"\n[[step]]\ntitle = \"b\"\nchannel = \"call\"\nafter = \"200000000000d\"\nbody = \"b\"\n", "at most 366 days"),
        ("followup_within_hours = 4294967295\n[[step]]\ntitle = \"a\"\nchannel = \"email\"\nbody = \"b\"\n", "`followup_within_hours` must be between 1 and 744"),
        ("[[step]]\ntitle = \"a\"\nchannel = \"email\"\nday = 4000000\nbody = \"b\"\n", "`day` must be between 0 and 366"),
        ("max_gap_days = 0\n[[step]]\ntitle = \"a\"\nchannel = \"email\"\nbody = \"b\"\n", "`max_gap_days` must be between 1 and 366"),
    ] {
        let file = write(&env, "odd.toml", &format!("{PLAY_HEAD}{body}"));
        refused(&env, &["plays", "install", &file], 1, says);
        let out = env.cmd(&["plays", "check", &file]).output().expect("runs");
        assert_eq!(out.status.code(), Some(1));
    }
    let file = write(&env, "zero.toml", &PLAY_HEAD.replace("version = 1", "version = 0"));
    refused(&env, &["plays", "install", &file], 1, "`version` starts at 1");
}

#[test]
fn absurd_config_values_are_refused_with_their_section() {
    let env = Env::demo();
    for (text, says) in [
        ("[cadence]\nopen_followup_hours = 4294967295\n", "[cadence] open_followup_hours must be between 1 and 336"),
        ("[pipeline]\nclose_rate = nan\n", "[pipeline] close rates must be between 0 and 1"),
        ("[pipeline]\nclose_rate = inf\n", "[pipeline] close rates must be between 0 and 1"),
        ("[pipeline]\narr_goal = 9223372036854775807\n", "[pipeline] amounts must be between 0 and"),
        ("[ranking]\ntrigger = 9223372036854775807\n", "[ranking] trigger must be between 0 and 100000"),
    ] {
        let config = write(&env, "config.toml", text);
        let out = env.cmd(&["queue"]).env("PLAYBOOK_CONFIG", &config).output().expect("runs");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{text}: {err}");
        assert!(err.contains(says) && err.lines().count() == 1, "{text}: {err}");
    }
}

#[test]
fn a_custom_period_typed_in_the_manager_screen_is_checked() {
    use chrono::{DateTime, Utc};
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    use playbook::tui::model::Status;
    use playbook::tui::update::Msg;
    let now = DateTime::parse_from_rfc3339(common::NOW).expect("now").with_timezone(&Utc);
    let config = playbook::config::Config { me: Some("Dana Kim".into()), ..Default::default() };
    let mut store = common::fresh_store();
    playbook::demo::load_shipped(&mut store, &config.policy, now).expect("demo");
    let keymap = playbook::tui::keymap::Keymap::defaults();
    let mut app = playbook::tui::app::App::new(store, config, playbook::clock::Clock::Fixed(now), keymap).expect("app");
    app.dispatch_load();
    let mut press = |code: KeyCode| app.dispatch(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)));
    press(KeyCode::Char('4'));
    press(KeyCode::Char('c'));
    for c in "99999999d".chars() {
        press(KeyCode::Char(c));
    }
    press(KeyCode::Enter);
    match &app.model.status {
        Status::Error(message) => assert!(message.contains("at most 3660 days"), "{message}"),
        other => panic!("expected an error in the status bar, got {other:?}"),
    }
}

#[test]
fn plays_that_run_past_a_year_and_pauses_across_centuries_are_bounded() {
    let env = Env::demo();
    let mut long = String::from(PLAY_HEAD);
    long.push_str("[[step]]\ntitle = \"a\"\nchannel = \"email\"\nday = 0\nbody = \"b\"\n");
    for _ in 0..3 {
        long.push_str("[[step]]\ntitle = \"b\"\nchannel = \"email\"\nafter = \"200d\"\nbody = \"b\"\n");
    }
    let file = write(&env, "long.toml", &long);
    refused(&env, &["plays", "install", &file], 1, "a play spans at most 366 days");
    let mut many = String::from(PLAY_HEAD);
    for _ in 0..101 {
        many.push_str("[[step]]\ntitle = \"a\"\nchannel = \"email\"\nday = 0\nbody = \"b\"\n");
    }
    let file = write(&env, "many.toml", &many);
    refused(&env, &["plays", "install", &file], 1, "at most 100 steps");

    // Paused in 1970, resumed in 2999, again and again: touches stay within
    // a year of "now" and nothing overflows.
    for _ in 0..5 {
        let pause =
            env.cmd(&["pause", "Cerulean Pay BV"]).arg("--now").arg("1970-01-02T00:00:00Z").output().expect("runs");
        assert!(pause.status.code().is_some_and(|c| c <= 1), "{}", String::from_utf8_lossy(&pause.stderr));
        let resume =
            env.cmd(&["resume", "Cerulean Pay BV"]).arg("--now").arg("2999-12-01T00:00:00Z").output().expect("runs");
        assert!(resume.status.code().is_some_and(|c| c <= 1), "{}", String::from_utf8_lossy(&resume.stderr));
    }
    let out =
        env.cmd(&["account", "Cerulean Pay BV", "--format", "json"]).arg("--now").arg("2999-12-01T00:00:00Z").output();
    let text = String::from_utf8(out.expect("runs").stdout).expect("utf-8");
    assert!(text.contains("\"3000-") && !text.contains("\"3001-"), "a touch ran past the horizon: {text}");

    refused(&env, &["accounts", "--filter", &"x".repeat(100_000)], 1, "at most 200 characters");
}

#[test]
fn the_mouse_can_be_turned_off_in_the_config() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("c.toml");
    std::fs::write(&path, "[ui]\nmouse = false\n").expect("write");
    assert!(!playbook::config::Config::load(&path, true).expect("config").mouse);
    std::fs::write(&path, "").expect("write");
    assert!(playbook::config::Config::load(&path, true).expect("config").mouse, "on by default");
    std::fs::write(&path, "[ui]\nmouse = \"maybe\"\n").expect("write");
    assert!(playbook::config::Config::load(&path, true).is_err());
}
