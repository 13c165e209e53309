//! Hostile text on every output surface: tables, CSV, JSON, calendar,
//! report, errors, the TUI. Control characters must arrive as visible
//! symbols (or JSON escapes), never as bytes a terminal acts on; CSV cells
//! that a spreadsheet would run are guarded.

mod common;

use playbook::store::db::ToDb;

use common::Env;
use playbook::text;
use std::path::Path;

/// An OSC 52 clipboard write, a window title change, a C1 CSI and a bidi
/// override: what an older build could have stored from a CRM cell.
const EVIL_ACCOUNT: &str = "Evil \u{1b}]52;c;cHduZWQ=\u{7}\u{1b}]0;pwned\u{7} Co \u{9b}2J \u{202e}fdp.exe";
const EVIL_PLAYER: &str = "Osc\u{1b}]8;;http://evil.example\u{7}link";
const EVIL_TRIGGER: &str = "\u{1b}[2JRaised a Series B";
const EVIL_NOTE: &str = "call back \u{1b}[31mnow\u{7}";

fn fixture(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/hostile").join(name).display().to_string()
}

/// Both streams of a command, which must be clean whatever it did.
fn run(env: &Env, args: &[&str]) -> (bool, String, String) {
    let out = env.cmd(args).output().expect("runs");
    let stdout = String::from_utf8(out.stdout).expect("utf-8 stdout");
    let stderr = String::from_utf8(out.stderr).expect("utf-8 stderr");
    assert!(text::is_clean(&stdout), "{args:?} printed raw control characters: {stdout:?}");
    assert!(text::is_clean(&stderr), "{args:?} printed raw control characters on stderr: {stderr:?}");
    (out.status.success(), stdout, stderr)
}

/// The demo, with the first queued touch's account, player, trigger and a
/// note holding raw hostile text, as a store written by an older build
/// may. Returns the env and that touch's id.
fn poisoned() -> (Env, i64) {
    let env = Env::demo();
    let queue = env.json(&["queue", "--owner", "Dana Kim", "--format", "json"]);
    let first = &queue[0];
    let (touch, account, player) = (
        first["touch_id"].as_i64().expect("touch"),
        first["account_id"].as_i64().expect("account"),
        first["player_id"].as_i64().expect("player"),
    );
    env.ok(&["note", &touch.to_string(), "placeholder"]);
    let conn = common::raw_db(&env.db);
    conn.execute("UPDATE accounts SET name = ?1 WHERE id = ?2", [&EVIL_ACCOUNT as &dyn ToDb, &account]).expect("name");
    conn.execute("UPDATE players SET first_name = ?1 WHERE id = ?2", [&EVIL_PLAYER as &dyn ToDb, &player])
        .expect("player");
    conn.execute(
        "INSERT INTO triggers (account_id, kind, summary, source, occurred_on) VALUES (?1, 'funding', ?2, NULL, '2026-11-20')",
        [&account as &dyn ToDb, &EVIL_TRIGGER],
    )
    .expect("trigger");
    conn.execute(
        "UPDATE accounts SET last_trigger = ?1, last_trigger_on = '2026-11-20' WHERE id = ?2",
        [&EVIL_TRIGGER as &dyn ToDb, &account],
    )
    .expect("freshest trigger");
    conn.execute("UPDATE touches SET note = ?1 WHERE id = ?2", [&EVIL_NOTE as &dyn ToDb, &touch]).expect("note");
    conn.execute("UPDATE activity SET detail = ?1 WHERE touch_id = ?2", [&EVIL_NOTE as &dyn ToDb, &touch])
        .expect("detail");
    (env, touch)
}

#[test]
fn stored_control_characters_never_reach_the_terminal() {
    let (env, touch) = poisoned();
    let account = "Evil";
    let surfaces: Vec<Vec<&str>> = vec![
        vec!["queue", "--owner", "Dana Kim"],
        vec!["queue", "--owner", "Dana Kim", "--format", "csv"],
        vec!["accounts", "--owner", "Dana Kim", "--limit", "100"],
        vec!["accounts", "--owner", "Dana Kim", "--limit", "100", "--format", "csv"],
        vec!["account", account],
        vec!["export", "accounts"],
        vec!["export", "players"],
        vec!["export", "activity"],
        vec!["export", "ics", "--owner", "Dana Kim"],
        vec!["report", "--period", "30d"],
        vec!["report", "--period", "30d", "--format", "csv"],
        vec!["report", "--period", "30d", "--format", "md"],
    ];
    for args in &surfaces {
        let (ok, stdout, _) = run(&env, args);
        assert!(ok, "{args:?} failed");
        assert!(!stdout.contains('\u{202e}') && !stdout.contains('\u{9b}'), "{args:?}: {stdout}");
    }
    // Where the name is shown, its escape codes are visible symbols.
    for args in [&surfaces[0], &surfaces[2], &surfaces[4], &surfaces[5]] {
        let (_, stdout, _) = run(&env, args);
        assert!(stdout.contains("Evil ␛]52;c;cHduZWQ=␇␛]0;pwned␇ Co"), "{args:?} hides the escape codes: {stdout}");
    }
    let (_, detail, _) = run(&env, &["account", account]);
    assert!(detail.contains("␛[2JRaised a Series B"), "trigger text: {detail}");
    assert!(detail.contains("Osc␛]8;;http://evil.example␇link"), "player name: {detail}");
    assert!(detail.contains("call back ␛[31mnow␇"), "activity note: {detail}");

    // JSON keeps the exact value, escaped: a script reading it loses nothing.
    for args in [
        vec!["queue", "--owner", "Dana Kim", "--format", "json"],
        vec!["accounts", "--owner", "Dana Kim", "--format", "json"],
        vec!["account", account, "--format", "json"],
        vec!["export", "accounts", "--format", "json"],
        vec!["report", "--format", "json"],
    ] {
        let (ok, stdout, _) = run(&env, &args);
        assert!(ok, "{args:?} failed");
        if !args.contains(&"report") {
            assert!(stdout.contains(&EVIL_ACCOUNT.replace('\u{1b}', "\\u001b").replace('\u{7}', "\\u0007")[..10]));
            let value: serde_json::Value = serde_json::from_str(&stdout).expect("json");
            assert!(value.to_string().contains("pwned"), "{args:?}");
        }
    }
    let (_, json, _) = run(&env, &["account", account, "--format", "json"]);
    let value: serde_json::Value = serde_json::from_str(&json).expect("json");
    assert_eq!(value["name"], EVIL_ACCOUNT, "the JSON value is exact");

    // A calendar line carries no raw control either (RFC 5545 forbids them).
    let (_, ics, _) = run(&env, &["export", "ics", "--owner", "Dana Kim"]);
    let unfolded = ics.replace("\r\n ", "");
    assert!(unfolded.contains("Evil ␛]52\\;c\\;cHduZWQ=␇␛]0\\;pwned␇ Co"), "calendar: {unfolded}");
    assert!(!unfolded.contains('\t'), "tabs are controls in iCalendar text");

    // Errors that echo what was typed or stored.
    let (ok, _, err) = run(&env, &["account", "\u{1b}]0;typed\u{7}"]);
    assert!(!ok && err.contains("␛]0;typed␇"), "{err}");
    let (ok, _, err) = run(&env, &["snooze", &touch.to_string(), "--for", "\u{1b}[2J"]);
    assert!(!ok && err.lines().count() == 1, "{err}");
    let (ok, _, err) = run(&env, &["import", "accounts", "/nonexistent/\u{1b}[2J.csv"]);
    assert!(!ok && err.contains("␛[2J.csv") && err.lines().count() == 1, "{err}");
}

#[test]
fn hostile_crm_files_are_refused_row_by_row_and_formulas_are_guarded() {
    let env = Env::new();
    std::fs::write(env.dir.path().join("config.toml"), "[me]\nname = \"Dana Kim\"\nzone = \"Europe/Berlin\"\n")
        .expect("config");
    let rejects = env.dir.path().join("rejected.csv");
    let rejects_arg = rejects.display().to_string();
    let (ok, out, _) =
        run(&env, &["import", "accounts", &fixture("accounts.csv"), "--skip-bad", "--rejects", &rejects_arg]);
    assert!(ok, "{out}");
    // Control characters in a name, a NUL byte, a 1,204-character name and an
    // amount past the cap are each a rejected row with its reason.
    for (line, why) in [
        (4, "more than 1000000000000"),
        (5, "contains control characters"),
        (6, "contains a NUL byte"),
        (7, "contains control characters"),
        (8, "at most 1000 fit in a field"),
    ] {
        assert!(out.lines().any(|l| l.starts_with(&format!("line {line},")) && l.contains(why)), "line {line}: {out}");
    }
    assert!(out.contains("accounts: 3 new"), "{out}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&rejects).expect("rejects").permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "the rejects file holds names and emails");
    }
    let rejected = std::fs::read_to_string(&rejects).expect("rejects");
    assert!(text::is_clean(&rejected), "{rejected:?}");
    assert!(rejected.contains("Evil ␛]52"), "{rejected}");

    // Free text keeps its escape codes as symbols; formulas stay data.
    let (_, accounts, _) = run(&env, &["export", "accounts"]);
    assert!(accounts.contains("\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"click\"\")\""), "{accounts}");
    assert!(accounts.contains("'+Plus Ltd") && accounts.contains("'-Minus Corp"), "{accounts}");
    assert!(accounts.contains("Soft␛[2Jware") && accounts.contains("Fin\u{fffd}tech"), "{accounts}");
    assert!(!accounts.lines().any(|l| l.starts_with(['=', '+', '-', '@'])), "a live formula: {accounts}");

    let (ok, out, _) =
        run(&env, &["import", "players", &fixture("players.csv"), "--skip-bad", "--rejects", &rejects_arg]);
    assert!(ok, "{out}");
    assert!(out.contains("players: 3 new") && out.contains("line 4,") && out.contains("line 5,"), "{out}");
    let (_, players, _) = run(&env, &["export", "players"]);
    assert!(players.contains("'=cmd|' /C calc'!A0") && players.contains("'+49 30 1234") && players.contains("'@evil"));
    assert!(players.contains("VP ␛[31mSales␇"), "{players}");

    // Export → import into an empty database gives the same records, formulas included.
    let copy = Env::new();
    let accounts_file = copy.dir.path().join("accounts.csv");
    let players_file = copy.dir.path().join("players.csv");
    std::fs::write(&accounts_file, &accounts).expect("write");
    std::fs::write(&players_file, &players).expect("write");
    copy.ok(&["import", "accounts", &accounts_file.display().to_string()]);
    copy.ok(&["import", "players", &players_file.display().to_string()]);
    assert_eq!(copy.ok(&["export", "accounts"]), accounts);
    assert_eq!(copy.ok(&["export", "players"]), players);
    let json = copy.json(&["export", "accounts", "--format", "json"]);
    let names: Vec<&str> = json.as_array().expect("list").iter().filter_map(|a| a["name"].as_str()).collect();
    assert!(names.contains(&"=HYPERLINK(\"http://evil.example\",\"click\")"), "{names:?}");
}

#[test]
fn the_tui_shows_stored_escape_codes_as_symbols() {
    use chrono::{DateTime, Utc};
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    use playbook::tui::update::Msg;
    let (env, _) = poisoned();
    let now = DateTime::parse_from_rfc3339(common::NOW).expect("now").with_timezone(&Utc);
    let config = playbook::config::Config { me: Some("Dana Kim".into()), ..Default::default() };
    let store = common::open_store(&env.db);
    let keymap = playbook::tui::keymap::Keymap::defaults();
    let mut app = playbook::tui::app::App::new(store, config, playbook::clock::Clock::Fixed(now), keymap).expect("app");
    app.dispatch_load();
    let screen = |app: &playbook::tui::app::App| {
        let mut terminal = ratatui::Terminal::new(ratatui::backend::TestBackend::new(160, 45)).expect("terminal");
        app.draw(&mut terminal).expect("draw");
        let buffer = terminal.backend().buffer().clone();
        let mut out = String::new();
        for cell in &buffer.content {
            assert!(!cell.symbol().chars().any(text::is_unsafe), "unsafe cell {:?}", cell.symbol());
            out.push_str(cell.symbol());
        }
        out
    };
    let queue = screen(&app);
    assert!(queue.contains("Evil ␛]52;c;cHduZWQ=␇"), "queue row: {queue}");
    assert!(queue.contains("Osc␛]8;;http://evil"), "player, cut to its column but shown as symbols: {queue}");
    // Past the decisions waiting, to the first touch: the evil account's.
    for _ in 0..app.model.queue.decisions.len() {
        app.dispatch(Msg::Key(KeyEvent::new(KeyCode::Char('j'), KeyModifiers::NONE)));
    }
    app.dispatch(Msg::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)));
    let account = screen(&app);
    assert!(account.contains("␛[2JRaised a Series B"), "trigger: {account}");
    assert!(account.contains("Evil ␛]52;c;cHduZWQ=␇"), "account: {account}");
    app.dispatch(Msg::Key(KeyEvent::new(KeyCode::Char('2'), KeyModifiers::NONE)));
    let accounts = screen(&app);
    assert!(accounts.contains("Evil ␛]52"), "accounts: {accounts}");
}

#[test]
fn names_typed_or_imported_never_carry_controls_and_stored_text_cannot_forge_lines() {
    let env = Env::demo();
    let csv = env.dir.path().join("c.csv");
    std::fs::write(&csv, "name,domain,industry\nForge Co,forge.example,\"SaaS\r\nplayers:\r\n  id  name  (forged)\"\n")
        .expect("csv");
    let csv = csv.display().to_string();
    // A rep's name from the command line or the config is plain text.
    let (ok, _, err) = run(&env, &["import", "accounts", &csv, "--owner", "Ev\u{1b}]0;p\u{7}il"]);
    assert!(!ok && err.contains("control characters"), "{err}");
    let config = env.dir.path().join("bad.toml");
    std::fs::write(&config, "[me]\nname = \"Dana\\u0085\"\n").expect("config");
    let out = env.cmd(&["queue"]).env("PLAYBOOK_CONFIG", &config).output().expect("runs");
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    // A trailing NEL is a control character, not padding.
    let owners = env.dir.path().join("o.csv");
    std::fs::write(&owners, "name,domain,owner\nNel Co,nel.example,Dana Kim\u{85}\n").expect("csv");
    let (ok, _, err) = run(&env, &["import", "accounts", &owners.display().to_string()]);
    assert!(!ok && err.contains("control characters"), "{err}");

    // Line breaks kept in free text show as spaces wherever one line is meant.
    let (ok, _, _) = run(&env, &["import", "accounts", &csv, "--owner", "Dana Kim"]);
    assert!(ok);
    let (_, detail, _) = run(&env, &["account", "Forge Co"]);
    assert_eq!(detail.lines().filter(|l| l.trim_start().starts_with("players:")).count(), 1, "{detail}");
    assert!(detail.lines().any(|l| l.starts_with("SaaS players:") && l.contains("(forged) / - / -")), "{detail}");
    assert!(!detail.contains('\r'), "{detail:?}");
}

#[test]
fn config_dev_null_means_no_config_file() {
    let env = Env::demo();
    let out = env.cmd(&["--config", "/dev/null", "queue"]).output().expect("runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("Due touches"));
}
