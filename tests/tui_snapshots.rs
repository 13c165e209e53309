//! Rendered screens of the demo at a fixed time, at 100x30 and 80x24.

use chrono::{DateTime, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use playbook::clock::Clock;
use playbook::config::Config;
use playbook::store::Store;
use playbook::tui::app::App;
use playbook::tui::keymap::Keymap;
use playbook::tui::update::Msg;
use ratatui::backend::TestBackend;
use ratatui::Terminal;

fn app() -> App {
    let now = DateTime::parse_from_rfc3339("2026-11-24T09:30:00+01:00").expect("now").with_timezone(&Utc);
    let config = Config { me: Some("Dana Kim".into()), ..Config::default() };
    let mut store = Store::open_in_memory().expect("store");
    playbook::demo::load_shipped(&mut store, &config.policy, now).expect("demo");
    let mut app = App::new(store, config, Clock::Fixed(now), Keymap::defaults()).expect("app");
    app.model.demo_notice = true;
    app.dispatch_load();
    app
}

fn press(app: &mut App, code: KeyCode) {
    app.dispatch(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)));
}

fn screen(app: &App, width: u16, height: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("terminal");
    app.draw(&mut terminal).expect("draw");
    let buffer = terminal.backend().buffer();
    let mut out = String::new();
    for y in 0..buffer.area.height {
        let mut line = String::new();
        for x in 0..buffer.area.width {
            line.push_str(buffer[(x, y)].symbol());
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

fn both_sizes(app: &App, name: &str) {
    insta::assert_snapshot!(format!("{name}_100x30"), screen(app, 100, 30));
    insta::assert_snapshot!(format!("{name}_80x24"), screen(app, 80, 24));
    insta::assert_snapshot!(format!("{name}_160x45"), screen(app, 160, 45));
}

#[test]
fn queue_screen() {
    let app = app();
    let text = screen(&app, 100, 30);
    assert!(text.contains("Overdue") && text.contains("Due touches"), "{text}");
    assert!(text.contains("Needs decision") && text.contains("Maison Lumière"), "the decision waits first: {text}");
    // A cut name ends in an ellipsis; at 160 columns the content gets the room.
    let small = screen(&app, 80, 24);
    assert!(small.contains('…'), "{small}");
    let wide = screen(&app, 160, 45);
    assert!(wide.contains("Congratulate on the trigger") && wide.contains("Connect with the practitioner"), "{wide}");
    assert!(wide.contains("Cerulean Pay BV") && !wide.contains("Cerulean Pay BV  …"), "{wide}");
    both_sizes(&app, "queue");
}

#[test]
fn accounts_screen() {
    let mut app = app();
    press(&mut app, KeyCode::Char('2'));
    both_sizes(&app, "accounts");
}

#[test]
fn account_screen() {
    let mut app = app();
    press(&mut app, KeyCode::Enter);
    let text = screen(&app, 100, 30);
    assert!(text.contains("score") && text.contains("Players"), "{text}");
    // At 80 columns each player stays on one line, status and all.
    let small = screen(&app, 80, 24);
    let rows: Vec<&str> = small.lines().skip_while(|l| !l.contains("Players")).skip(1).take(3).collect();
    assert!(rows.iter().all(|l| l.contains("active")), "player rows do not wrap:\n{small}");
    both_sizes(&app, "account");
}

#[test]
fn help_screen() {
    let mut app = app();
    press(&mut app, KeyCode::Char('?'));
    let text = screen(&app, 100, 30);
    assert!(text.contains("Undo the last action"), "{text}");
    both_sizes(&app, "help");
    // Every command can be read at the smallest size too, scrolling with j.
    let mut seen = screen(&app, 80, 24);
    assert!(seen.contains("j/k scroll"), "the footer says it scrolls: {seen}");
    for _ in 0..10 {
        app.dispatch(Msg::Key(KeyEvent::new(KeyCode::Char('j'), KeyModifiers::NONE)));
        seen.push_str(&screen(&app, 80, 24));
    }
    assert!(app.model.help, "j scrolls the help, it does not close it");
    for command in playbook::tui::keymap::Command::ALL {
        let help: String = command.help().chars().take(20).collect();
        assert!(seen.contains(&help), "`{}` missing at 80x24:\n{seen}", command.help());
    }
    press(&mut app, KeyCode::Char('x'));
    assert!(!app.model.help, "any other key closes it");
}

#[test]
fn outcome_popup() {
    let mut app = app();
    // Below Dana's one decision waiting, the first touch.
    press(&mut app, KeyCode::Char('j'));
    press(&mut app, KeyCode::Char('d'));
    // The first touch is an email: it went out, so "sent" is the only outcome.
    let text = screen(&app, 100, 30);
    assert!(text.contains("Done: outcome") && text.contains("1. sent"), "{text}");
    assert!(text.contains("t129 · Joost van den Berg · email"), "the popup names the touch it acts on: {text}");
    assert!(!text.contains("voicemail"), "a call's outcomes are not offered for an email: {text}");
    both_sizes(&app, "done_popup");
}

#[test]
fn tiny_terminal_does_not_panic() {
    let mut app = app();
    for size in [(20, 5), (40, 10), (1, 1)] {
        screen(&app, size.0, size.1);
    }
    press(&mut app, KeyCode::Char('2'));
    screen(&app, 30, 8);
    press(&mut app, KeyCode::Char('3'));
    screen(&app, 30, 8);
    press(&mut app, KeyCode::Char('4'));
    for width in (1..=100).step_by(3) {
        for height in [1, 3, 8, 24] {
            screen(&app, width, height);
        }
    }
    press(&mut app, KeyCode::Char('r'));
    screen(&app, 30, 8);
}

#[test]
fn manager_screen() {
    let mut app = app();
    press(&mut app, KeyCode::Char('4'));
    let text = screen(&app, 100, 30);
    // The same figures as `playbook report` for this store and period.
    let report = app.model.manager.report.as_deref().expect("review loaded");
    let dana = report.reps.iter().find(|r| r.owner == "Dana Kim").expect("Dana");
    assert!(text.contains(&format!("Dana Kim      {}", dana.done)), "{text}");
    assert!(text.contains("Plays") && text.contains("Funnel") && text.contains("Pipeline"), "{text}");
    // Channels by their whole names; cut segment names end in an ellipsis.
    assert!(text.contains("linkedin") && text.contains("email"), "{text}");
    assert!(text.contains("North Ame…") && !text.contains("North Amer "), "{text}");
    both_sizes(&app, "manager");
    // One rep, 30 days, the second play in the step chart.
    press(&mut app, KeyCode::Char('o'));
    press(&mut app, KeyCode::Char('t'));
    press(&mut app, KeyCode::Right);
    let text = screen(&app, 100, 30);
    assert!(text.contains("30d · 2026-10-26 – 2026-11-24 · Dana Kim"), "{text}");
    assert!(text.contains("multi-thread v1: reply / meeting % by step"), "{text}");
}

#[test]
fn imported_players_show_their_tier_rule_and_zone_guess() {
    let now = DateTime::parse_from_rfc3339("2026-11-24T09:30:00+01:00").expect("now").with_timezone(&Utc);
    let mut store = Store::open_in_memory().expect("store");
    let options = playbook::import::Options { map: vec![], owner: "Dana Kim".into(), zone: chrono_tz::Europe::Berlin };
    for (kind, text) in [
        (playbook::import::Kind::Accounts, "Company name,Website\nAcme Inc.,acme.example.com\n"),
        (
            playbook::import::Kind::Players,
            "First Name,Last Name,Job Title,Email\nMaria,Lopez,VP Sales,maria@acme.example.com\n",
        ),
    ] {
        let loader = store.loader().expect("loader");
        let plan = playbook::import::plan(&loader, kind, text.as_bytes(), &options).expect("plan");
        playbook::import::apply(&loader, &plan, now).expect("apply");
        loader.commit().expect("commit");
    }
    let config = Config { me: Some("Dana Kim".into()), ..Config::default() };
    let mut app = App::new(store, config, Clock::Fixed(now), Keymap::defaults()).expect("app");
    app.dispatch_load();
    press(&mut app, KeyCode::Char('2'));
    press(&mut app, KeyCode::Enter);
    let text = screen(&app, 100, 30);
    assert!(text.contains("tier: title has \"vp\" → executive"), "{text}");
    assert!(text.contains("Europe/Berlin (guess)"), "{text}");
}

#[test]
fn the_reader_shows_the_whole_touch_at_80x24() {
    let mut app = app();
    press(&mut app, KeyCode::Char('j'));
    press(&mut app, KeyCode::Enter);
    let text = screen(&app, 80, 24);
    let lines: Vec<&str> = text.lines().collect();
    let subject = lines.iter().position(|l| l.contains("subject")).unwrap_or_else(|| panic!("a subject: {text}"));
    let bottom = lines.iter().rposition(|l| l.starts_with('└')).expect("the reader's bottom border");
    let body = lines[subject + 1..bottom].iter().filter(|l| l.trim_matches(['│', ' ']).len() > 1).count();
    assert!(body >= 8, "at least 8 body lines at 80x24, got {body}:\n{text}");
    assert!(text.contains("Dana Kim"), "down to the signature: {text}");
    both_sizes(&app, "reader");
}

fn click(app: &mut App, column: u16, row: u16) {
    let kind = crossterm::event::MouseEventKind::Down(crossterm::event::MouseButton::Left);
    app.dispatch(Msg::Mouse(crossterm::event::MouseEvent { kind, column, row, modifiers: KeyModifiers::NONE }));
}

#[test]
fn a_click_selects_the_row_under_the_pointer() {
    let mut app = app();
    app.dispatch(Msg::Resize(100, 30));
    let near_end = {
        let items = &app.model.queue.items;
        items[items.len() - 3].row.player_name.clone()
    };
    for (player, scrolled) in [("Nuria Ibáñez", false), ("Sanne de Vries", false), (near_end.as_str(), true)] {
        if scrolled {
            // The list scrolled to its end: rows sit elsewhere on screen.
            press(&mut app, KeyCode::End);
        }
        let text = screen(&app, 100, 30);
        let y = text.lines().position(|l| l.contains(player) && l.contains('│')).expect("the row is on screen");
        click(&mut app, 40, y as u16);
        let picked = app.model.queue.current().map(|i| i.row.player_name.clone());
        assert_eq!(picked.as_deref(), Some(player), "clicked line {y}:\n{text}");
    }
    // A click on a group header selects nothing new.
    let before = app.model.queue.selected;
    let text = screen(&app, 100, 30);
    if let Some(y) = text.lines().position(|l| l.starts_with("│Overdue")) {
        click(&mut app, 40, y as u16);
        assert_eq!(app.model.queue.selected, before);
    }
}

#[test]
fn the_detail_shows_the_players_latest_answer() {
    let mut app = app();
    // Past the decision to Sanne de Vries's touch: she opened the trigger email.
    let at = app.model.queue.decisions.len()
        + app.model.queue.items.iter().position(|i| i.row.player_name == "Sanne de Vries").expect("Sanne waits");
    for _ in 0..at {
        press(&mut app, KeyCode::Char('j'));
    }
    let text = screen(&app, 100, 30);
    assert!(text.contains("answered opened by email"), "{text}");
}

#[test]
fn a_click_on_a_popup_choice_highlights_it_and_a_second_takes_it() {
    let mut app = app();
    app.dispatch(Msg::Resize(100, 30));
    press(&mut app, KeyCode::Char('j'));
    press(&mut app, KeyCode::Char('z'));
    let text = screen(&app, 100, 30);
    let y = text.lines().position(|l| l.contains("2. tomorrow 09:00")).expect("the snooze choices") as u16;
    click(&mut app, 50, y);
    assert!(
        matches!(app.model.popup, Some(playbook::tui::model::Popup::Snooze { choice: 1, .. })),
        "the first click highlights"
    );
    click(&mut app, 50, y);
    assert!(app.model.popup.is_none(), "the second click takes it");
    assert!(
        matches!(&app.model.status, playbook::tui::model::Status::Info(t) if t.contains("snoozed")),
        "{:?}",
        app.model.status
    );
}

#[test]
fn a_click_selects_an_account_row() {
    let mut app = app();
    app.dispatch(Msg::Resize(100, 30));
    press(&mut app, KeyCode::Char('2'));
    let third = app.model.accounts.items[2].row.account.clone();
    let text = screen(&app, 100, 30);
    let y = text.lines().position(|l| l.contains(&third.name)).expect("the row is on screen") as u16;
    click(&mut app, 30, y);
    assert_eq!(app.model.accounts.items[app.model.accounts.selected].row.account.id, third.id, "{text}");
    // The next key acts on it.
    press(&mut app, KeyCode::Char('x'));
    let text = screen(&app, 100, 30);
    assert!(text.contains(&format!("End the plays of {}", third.name)), "{text}");
}

#[test]
fn o_on_the_account_list_picks_every_rep_then_one() {
    let mut app = app();
    press(&mut app, KeyCode::Char('2'));
    assert!(app.model.accounts.items.iter().all(|i| i.row.account.owner == "Dana Kim"), "Dana's book first");
    press(&mut app, KeyCode::Char('o'));
    let owners: std::collections::BTreeSet<String> =
        app.model.accounts.items.iter().map(|i| i.row.account.owner.clone()).collect();
    assert_eq!(owners.len(), 3, "every rep's accounts: {owners:?}");
    press(&mut app, KeyCode::Char('o'));
    let rep = app.model.accounts.rep.clone().expect("one rep picked");
    assert!(!app.model.accounts.items.is_empty());
    assert!(app.model.accounts.items.iter().all(|i| i.row.account.owner == rep), "only {rep}'s");
    assert!(screen(&app, 100, 30).contains(&format!("showing {rep}'s accounts")));
}

#[test]
fn the_detail_pane_shows_eight_body_lines_at_80x24() {
    let mut app = app();
    press(&mut app, KeyCode::Char('j'));
    let text = screen(&app, 80, 24);
    let lines: Vec<&str> = text.lines().collect();
    let subject = lines.iter().position(|l| l.contains("│subject")).unwrap_or_else(|| panic!("{text}"));
    let bottom = lines.iter().rposition(|l| l.starts_with('└')).expect("the pane's border");
    let body = bottom - subject - 1;
    assert!(body >= 8, "{body} body lines:\n{text}");
    assert!(
        lines[subject - 3].starts_with("│to ") && lines[subject - 2].starts_with("│why "),
        "to is one line:\n{text}"
    );
}

#[test]
fn a_click_on_a_rep_in_the_review_picks_their_charts() {
    let mut app = app();
    app.dispatch(Msg::Resize(100, 30));
    press(&mut app, KeyCode::Char('4'));
    let text = screen(&app, 100, 30);
    let (y, line) = text.lines().enumerate().find(|(_, l)| l.contains("Luis Ortega")).expect("Luis in the reps table");
    let x = line.find("Luis Ortega").map(|b| line[..b].chars().count()).expect("x");
    click(&mut app, x as u16 + 2, y as u16);
    let report = app.model.manager.report.as_deref().expect("review");
    assert_eq!(report.reps[app.model.manager.rep].owner, "Luis Ortega");
    assert!(screen(&app, 100, 30).contains("┌ Luis Ortega"), "the charts follow the pick");
}

#[test]
fn a_narrow_terminal_keeps_who_each_row_is_for() {
    let mut app = app();
    for width in [40, 60] {
        let queue = screen(&app, width, 16);
        let header = queue.lines().find(|l| l.contains("due")).unwrap_or_default();
        assert!(header.contains("account") && header.contains("player"), "{width} columns: {queue}");
        // The decision waiting first: its account (rank 6) and who answered.
        assert!(queue.contains("#6 Maison") && queue.contains("Hélène"), "{width} columns: {queue}");
    }
    press(&mut app, KeyCode::Char('2'));
    let narrow = screen(&app, 40, 16);
    assert!(narrow.contains("Cerulea"), "the top account's name shows at 40 columns: {narrow}");
    let wider = screen(&app, 60, 16);
    assert!(wider.contains("Cerulean Pay BV") && wider.contains("Dana Kim"), "{wider}");
}

#[test]
fn a_message_too_long_to_sit_beside_the_hints_gets_the_whole_status_line() {
    use playbook::tui::model::Status;
    let mut app = app();
    let said = "nothing has gone out to Joost van den Berg in this play: mark one done first";
    app.model.status = Status::Error(said.into());
    let text = screen(&app, 90, 24);
    let last = text.lines().last().unwrap_or_default();
    assert!(last.contains(&format!("error: {said}")), "read whole at 90 columns: {last}");
    let text = screen(&app, 60, 24);
    let last = text.lines().last().unwrap_or_default();
    assert!(last.starts_with("error: nothing has gone out to Joost van den") && last.ends_with('…'), "{last}");
    // A short one keeps the hints beside it.
    app.model.status = Status::Info("touch 5 done".into());
    let last = screen(&app, 90, 24).lines().last().unwrap_or_default().to_string();
    assert!(last.contains("done") && last.ends_with("touch 5 done"), "{last}");
}
