//! The CLI and the TUI build the same request for the same action, and the
//! engine's one path makes the same change: two copies of one database, one
//! driven by keys, one by a command, end up byte for byte the same.

mod common;

use chrono::{DateTime, Utc};
use common::Env;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use playbook::clock::Clock;
use playbook::config::Config;
use playbook::tui::app::App;
use playbook::tui::keymap::Keymap;
use playbook::tui::update::Msg;
use std::path::Path;

/// Every row the actions can touch, as text.
fn dump(db: &Path) -> Vec<String> {
    let conn = common::raw_db(db);
    let mut out = Vec::new();
    for table in ["touches", "enrollments", "accounts", "players", "triggers", "activity"] {
        let sql = format!("SELECT * FROM {table} ORDER BY id");
        let columns = conn.column_names(&sql).expect("columns").len();
        let rows = conn
            .query_map(&sql, [], |r| {
                let cells: Vec<String> =
                    (0..columns).map(|i| format!("{:?}", r.get::<_, playbook::store::Value>(i).ok())).collect();
                Ok(format!("{table}: {}", cells.join("|")))
            })
            .expect("rows");
        out.extend(rows);
    }
    out
}

/// The same rows in both, or the rows that differ.
fn same(ui: &Path, cli: &Path, what: &str) {
    let (a, b) = (dump(ui), dump(cli));
    let only_ui: Vec<&String> = a.iter().filter(|r| !b.contains(r)).collect();
    let only_cli: Vec<&String> = b.iter().filter(|r| !a.contains(r)).collect();
    assert!(
        only_ui.is_empty() && only_cli.is_empty(),
        "{what}: from the UI only {only_ui:#?}\nfrom the CLI only {only_cli:#?}"
    );
}

/// The demo, and a copy of it for the UI to work on.
fn twins() -> (Env, std::path::PathBuf) {
    let env = Env::demo();
    let twin = common::new_db(env.dir.path(), "twin.db");
    if common::on_postgres() {
        // The demo is the same at the same instant: loaded twice.
        assert!(env.cmd_db(&twin, &["demo"]).output().expect("runs").status.success());
    } else {
        std::fs::copy(&env.db, &twin).expect("copy");
    }
    assert_eq!(dump(&env.db), dump(&twin));
    (env, twin)
}

fn ui(db: &Path, now: &str) -> App {
    let now = DateTime::parse_from_rfc3339(now).expect("now").with_timezone(&Utc);
    let store = common::open_store(db);
    let mut app = App::new(store, Config::default(), Clock::Fixed(now), Keymap::defaults()).expect("app");
    app.dispatch_load();
    app
}

fn keys(app: &mut App, keys: &[KeyCode]) {
    for code in keys {
        // As a terminal sends them: a capital comes with shift.
        let shift = matches!(code, KeyCode::Char(c) if c.is_uppercase());
        let modifiers = if shift { KeyModifiers::SHIFT } else { KeyModifiers::NONE };
        app.dispatch(Msg::Key(KeyEvent::new(*code, modifiers)));
    }
}

/// Moves the UI's cursor past the decisions to the first touch.
fn first_touch(app: &mut App) -> i64 {
    let n = app.model.queue.decisions.len();
    keys(app, &vec![KeyCode::Char('j'); n]);
    app.model.queue.current().expect("a touch").row.touch.id
}

#[test]
fn done_from_the_queue_is_the_cli_done() {
    let (env, twin) = twins();
    let mut app = ui(&twin, &env.now);
    let touch = first_touch(&mut app);
    keys(&mut app, &[KeyCode::Char('d'), KeyCode::Enter]);
    drop(app);
    env.ok(&["done", &touch.to_string()]);
    same(&twin, &env.db, "the same change");
}

#[test]
fn snooze_to_tomorrow_is_the_cli_snooze() {
    let (env, twin) = twins();
    let mut app = ui(&twin, &env.now);
    let touch = first_touch(&mut app);
    keys(&mut app, &[KeyCode::Char('z'), KeyCode::Char('2'), KeyCode::Enter]);
    drop(app);
    env.ok(&["snooze", &touch.to_string(), "--tomorrow"]);
    same(&twin, &env.db, "the same change");
}

#[test]
fn a_reply_on_a_touch_not_sent_is_the_cli_reply() {
    let (env, twin) = twins();
    let mut app = ui(&twin, &env.now);
    let touch = first_touch(&mut app);
    keys(&mut app, &[KeyCode::Char('r'), KeyCode::Enter]);
    drop(app);
    // Refused or landed on the last sent touch: the same either way.
    let _ = env.cmd(&["replied", &touch.to_string()]).output().expect("runs");
    same(&twin, &env.db, "the same change");
}

#[test]
fn ending_a_decision_is_the_cli_end() {
    let (env, twin) = twins();
    let mut app = ui(&twin, &env.now);
    let account = app.model.queue.current_decision().expect("a decision waits").account_id;
    keys(&mut app, &[KeyCode::Char('x'), KeyCode::Char('1'), KeyCode::Enter]);
    assert!(
        app.model.queue.decisions.iter().all(|d| d.account_id != account),
        "the decision made leaves the Needs decision group at once"
    );
    drop(app);
    env.ok(&["end", &account.to_string(), "--as", "won"]);
    same(&twin, &env.db, "the same change");
}

#[test]
fn pause_and_resume_are_the_cli_pause_and_resume() {
    let (env, twin) = twins();
    let mut app = ui(&twin, &env.now);
    let touch = first_touch(&mut app);
    let account = app.model.queue.current().expect("touch").row.touch.account_id;
    keys(&mut app, &[KeyCode::Char('p')]);
    drop(app);
    env.ok(&["pause", &account.to_string()]);
    same(&twin, &env.db, "p on a running play pauses it");
    let mut app = ui(&twin, &env.now);
    // Its touches wait no more in the queue: resume it from the account screen.
    let detail = playbook::engine::Engine::new(&Config::default(), app.clock.now())
        .account_detail(&app.store, &account.to_string())
        .expect("detail");
    app.dispatch(Msg::AccountLoaded(Box::new(detail)));
    app.model.screen = playbook::tui::model::Screen::Account;
    keys(&mut app, &[KeyCode::Char('p')]);
    drop(app);
    env.ok(&["resume", &account.to_string()]);
    same(&twin, &env.db, &format!("p on a paused play resumes it (touch {touch})"));
}

#[test]
fn a_trigger_from_the_form_is_the_cli_add_trigger() {
    let (env, twin) = twins();
    let mut app = ui(&twin, &env.now);
    let touch = first_touch(&mut app);
    let account = app.model.queue.current().expect("touch").row.touch.account_id;
    keys(&mut app, &[KeyCode::Char('T')]);
    let typed: Vec<KeyCode> = "opened a plant in Porto".chars().map(KeyCode::Char).collect();
    keys(&mut app, &typed);
    keys(&mut app, &[KeyCode::Tab]);
    keys(&mut app, &"expansion".chars().map(KeyCode::Char).collect::<Vec<_>>());
    keys(&mut app, &[KeyCode::Tab, KeyCode::Tab, KeyCode::Enter]);
    drop(app);
    env.ok(&["add", "trigger", &account.to_string(), "opened a plant in Porto", "--kind", "expansion"]);
    same(&twin, &env.db, &format!("a trigger on the account of touch {touch}"));
}

#[test]
fn a_change_from_another_process_shows_without_a_key() {
    let env = Env::demo();
    let mut app = ui(&env.db, &env.now);
    let touch = first_touch(&mut app);
    let next = app.model.queue.items.get(1).expect("a second touch").row.touch.id;
    keys(&mut app, &[KeyCode::Char('j')]);
    assert!(!app.store_changed(), "nothing changed yet");
    // A teammate (or a command in another terminal) marks the first touch done.
    env.ok(&["done", &touch.to_string()]);
    assert!(app.store_changed(), "the UI sees the other process's commit");
    app.dispatch(Msg::StoreChanged);
    assert!(app.model.queue.items.iter().all(|i| i.row.touch.id != touch), "the done touch left the queue");
    assert_eq!(app.model.queue.current().map(|i| i.row.touch.id), Some(next), "the cursor stayed on its touch");
    assert!(!app.store_changed(), "its own reads are not a change");
}
