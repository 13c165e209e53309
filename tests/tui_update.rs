//! `update` tests: a model and a message give a new model and the effects it
//! asks for. No terminal, no database writes.

use chrono::{DateTime, Duration, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use playbook::config::Config;
use playbook::domain::{Channel, Outcome};
use playbook::engine::{done_outcomes, Engine, Request};
use playbook::store::Store;
use playbook::tui::keymap::Keymap;
use playbook::tui::model::{Model, Popup, Screen, Status};
use playbook::tui::update::{update, Effect, Msg};
use std::collections::HashMap;

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-24T09:30:00+01:00").expect("now").with_timezone(&Utc)
}

/// A model holding the demo's queue, as the app would have loaded it.
fn loaded() -> Model {
    let mut store = Store::open_in_memory().expect("store");
    let config = Config::default();
    playbook::demo::load_shipped(&mut store, &config.policy, now()).expect("demo");
    let engine = Engine::new(&config, now());
    let items = engine.queue(&store, None, engine.today(engine.zone), true).expect("queue");
    let mut model = Model::new(Keymap::defaults(), now(), None, chrono_tz::UTC);
    let effects = update(&mut model, Msg::QueueLoaded { decisions: vec![], items, ranks: HashMap::new() });
    assert!(matches!(effects.as_slice(), [Effect::LoadContent { .. }]), "content of the first touch is asked for");
    model
}

fn key(model: &mut Model, code: KeyCode) -> Vec<Effect> {
    update(model, Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

fn ch(model: &mut Model, c: char) -> Vec<Effect> {
    key(model, KeyCode::Char(c))
}

#[test]
fn done_asks_for_an_outcome_and_enter_takes_the_default() {
    let mut model = loaded();
    let touch = model.queue.current().expect("a touch").row.touch.clone();
    assert!(ch(&mut model, 'd').is_empty(), "nothing happens before the outcome is chosen");
    let default = if touch.channel == Channel::Call { Outcome::Connected } else { Outcome::Sent };
    assert!(
        matches!(&model.popup, Some(Popup::Outcome { choices, .. }) if choices == done_outcomes(touch.channel)),
        "only the outcomes that fit a {} are offered",
        touch.channel
    );
    let effects = key(&mut model, KeyCode::Enter);
    assert_eq!(effects, vec![Effect::Act(Request::Done { touch: touch.id, outcome: Some(default), note: None })]);
    assert!(model.popup.is_none());
}

#[test]
fn outcome_can_be_picked_and_escape_cancels() {
    let mut model = loaded();
    model.queue.selected =
        model.queue.items.iter().position(|i| i.row.touch.channel == Channel::Call).expect("a call in the queue");
    let id = model.queue.current().expect("touch").row.touch.id;
    ch(&mut model, 'd');
    ch(&mut model, '2');
    assert_eq!(
        key(&mut model, KeyCode::Enter),
        vec![Effect::Act(Request::Done { touch: id, outcome: Some(Outcome::Voicemail), note: None })]
    );
    ch(&mut model, 'd');
    assert!(key(&mut model, KeyCode::Esc).is_empty());
    assert!(model.popup.is_none());
}

#[test]
fn after_an_action_the_cursor_lands_on_the_next_touch() {
    let mut model = loaded();
    ch(&mut model, 'j');
    let second = model.queue.items[1].row.touch.id;
    let third = model.queue.items[2].row.touch.id;
    let effects = update(&mut model, Msg::ActionDone(format!("touch {second} done")));
    assert_eq!(effects, vec![Effect::ReloadQueue], "an action reloads the queue, not the ranks");
    assert_eq!(model.status, Status::Info(format!("touch {second} done")));
    // The reloaded queue no longer holds the done touch.
    let mut items = model.queue.items.clone();
    items.remove(1);
    update(&mut model, Msg::QueueLoaded { decisions: vec![], items, ranks: HashMap::new() });
    assert_eq!(model.queue.current().map(|i| i.row.touch.id), Some(third));
}

#[test]
fn moving_asks_for_the_new_touchs_content_and_stops_at_the_ends() {
    let mut model = loaded();
    assert!(key(&mut model, KeyCode::Up).is_empty(), "already at the top");
    let effects = ch(&mut model, 'j');
    let id = model.queue.items[1].row.touch.id;
    assert!(matches!(effects.as_slice(), [Effect::LoadContent { touch, .. }] if *touch == id));
    ch(&mut model, 'G');
    assert_eq!(model.queue.selected, model.queue.items.len() - 1);
    assert!(ch(&mut model, 'j').is_empty());
}

#[test]
fn time_moving_reloads_the_queue_once_a_minute() {
    let mut model = loaded();
    assert!(update(&mut model, Msg::Tick(now() + Duration::seconds(20))).is_empty());
    assert_eq!(update(&mut model, Msg::Tick(now() + Duration::seconds(65))), vec![Effect::LoadQueue]);
    assert_eq!(model.now, now() + Duration::seconds(65));
}

#[test]
fn screens_load_their_data_when_first_shown() {
    let mut model = loaded();
    assert_eq!(ch(&mut model, '2'), vec![Effect::LoadAccounts { offset: 0 }]);
    assert_eq!(model.screen, Screen::Accounts);
    update(&mut model, Msg::AccountsLoaded { items: vec![], append: false, more: false });
    assert!(ch(&mut model, '1').is_empty());
    assert!(ch(&mut model, '2').is_empty(), "already loaded");
    ch(&mut model, '1');
    let account = model.queue.current().expect("touch").row.touch.account_id;
    assert!(key(&mut model, KeyCode::Enter).is_empty(), "enter reads the touch first");
    assert!(model.queue.reading);
    assert_eq!(key(&mut model, KeyCode::Enter), vec![Effect::LoadAccount(account)], "again: its account");
    assert_eq!(model.screen, Screen::Account);
    key(&mut model, KeyCode::Esc);
    assert_eq!(model.screen, Screen::Queue, "esc goes back where enter came from");
    assert!(!model.queue.reading);
}

#[test]
fn filter_is_typed_then_applied() {
    let mut model = loaded();
    ch(&mut model, '2');
    ch(&mut model, '/');
    for c in "region:apac".chars() {
        assert!(ch(&mut model, c).is_empty(), "typing does not trigger commands");
    }
    assert_eq!(key(&mut model, KeyCode::Enter), vec![Effect::LoadAccounts { offset: 0 }]);
    assert_eq!(model.accounts.filter, "region:apac");
    assert!(model.accounts.editing.is_none());
}

#[test]
fn snooze_with_a_typed_time_in_the_reps_zone() {
    let mut model = loaded();
    let id = model.queue.current().expect("touch").row.touch.id;
    ch(&mut model, 'z');
    ch(&mut model, '3');
    for c in "17:45".chars() {
        ch(&mut model, c);
    }
    let effects = key(&mut model, KeyCode::Enter);
    let at = DateTime::parse_from_rfc3339("2026-11-24T17:45:00Z").expect("t").with_timezone(&Utc);
    assert_eq!(
        effects,
        vec![Effect::Act(Request::Snooze { touch: id, to: Some(playbook::engine::SnoozeTo::Until(at)) })]
    );

    ch(&mut model, 'z');
    ch(&mut model, '3');
    ch(&mut model, '9');
    assert!(key(&mut model, KeyCode::Enter).is_empty());
    assert!(matches!(model.status, Status::Error(_)), "a bad time is an error, the popup stays");
    assert!(model.popup.is_some());
    // ctrl-u clears the typed time, as on every typed line.
    update(&mut model, Msg::Key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL)));
    for c in "17:45".chars() {
        ch(&mut model, c);
    }
    let effects = key(&mut model, KeyCode::Enter);
    assert_eq!(
        effects,
        vec![Effect::Act(Request::Snooze { touch: id, to: Some(playbook::engine::SnoozeTo::Until(at)) })],
        "the time typed after ctrl-u, alone"
    );
}

#[test]
fn a_failed_action_shows_in_the_status_bar_and_the_app_goes_on() {
    let mut model = loaded();
    assert!(update(&mut model, Msg::Failed("touch 5 is already done".into())).is_empty());
    assert_eq!(model.status, Status::Error("touch 5 is already done".into()));
    assert!(!model.quit);
    ch(&mut model, 'q');
    assert!(model.quit);
}

#[test]
fn help_opens_and_any_key_closes_it() {
    let mut model = loaded();
    ch(&mut model, '?');
    assert!(model.help);
    assert!(ch(&mut model, 'd').is_empty());
    assert!(!model.help);
    assert!(model.popup.is_none(), "the closing key does nothing else");
}

fn review(model: &mut Model) {
    let mut store = Store::open_in_memory().expect("store");
    let config = Config::default();
    playbook::demo::load_shipped(&mut store, &config.policy, now()).expect("demo");
    let report = Engine::new(&config, now()).review(&store, &config.pipeline, "7d", None).expect("review");
    update(model, Msg::ReportLoaded(Box::new(report)));
}

fn asks_for(effects: &[Effect], period: &str, owner: Option<&str>) -> bool {
    effects == [Effect::LoadReport { period: period.into(), owner: owner.map(str::to_string) }]
}

#[test]
fn manager_screen_loads_once_and_period_keys_cycle() {
    let mut model = loaded();
    assert!(asks_for(&ch(&mut model, '4'), "7d", None), "first visit builds the 7-day review");
    assert_eq!(model.screen, Screen::Manager);
    review(&mut model);
    ch(&mut model, '1');
    assert!(ch(&mut model, '4').is_empty(), "a second visit shows the loaded review");
    assert!(asks_for(&ch(&mut model, 't'), "30d", None));
    assert!(asks_for(&ch(&mut model, 't'), "today", None));
    assert!(asks_for(&ch(&mut model, 't'), "7d", None));
}

#[test]
fn owner_key_walks_through_every_rep_then_back_to_all() {
    let mut model = loaded();
    ch(&mut model, '4');
    review(&mut model);
    assert!(asks_for(&ch(&mut model, 'o'), "7d", Some("Dana Kim")));
    assert!(asks_for(&ch(&mut model, 'o'), "7d", Some("Luis Ortega")));
    assert!(asks_for(&ch(&mut model, 'o'), "7d", Some("Priya Nair")));
    assert!(asks_for(&ch(&mut model, 'o'), "7d", None), "after the last rep: all reps");
}

#[test]
fn custom_period_is_checked_before_it_is_asked_for() {
    let mut model = loaded();
    ch(&mut model, '4');
    review(&mut model);
    ch(&mut model, 'c');
    for c in "2026-11-30..2026-11-01".chars() {
        ch(&mut model, c);
    }
    assert!(key(&mut model, KeyCode::Enter).is_empty(), "a range ending before it starts is refused");
    assert!(matches!(&model.status, Status::Error(e) if e.contains("ends before it starts")), "{:?}", model.status);
    for _ in 0.."2026-11-30..2026-11-01".len() {
        key(&mut model, KeyCode::Backspace);
    }
    for c in "2026-11-01..2026-11-15".chars() {
        ch(&mut model, c);
    }
    assert!(asks_for(&key(&mut model, KeyCode::Enter), "2026-11-01..2026-11-15", None));
    assert!(model.manager.editing.is_none());
}

#[test]
fn an_action_marks_the_review_stale_and_play_keys_wrap() {
    let mut model = loaded();
    ch(&mut model, '4');
    review(&mut model);
    let plays = model.manager.report.as_ref().expect("report").plays.len();
    key(&mut model, KeyCode::Left);
    assert_eq!(model.manager.play, plays - 1, "left from the first play wraps to the last");
    ch(&mut model, '1');
    update(&mut model, Msg::ActionDone("done".into()));
    assert!(asks_for(&ch(&mut model, '4'), "7d", None), "the review is rebuilt after a logged touch");
}

#[test]
fn rate_takes_four_digits_from_the_account_list() {
    let mut model = loaded();
    ch(&mut model, '2');
    let mut store = Store::open_in_memory().expect("store");
    let config = Config::default();
    playbook::demo::load_shipped(&mut store, &config.policy, now()).expect("demo");
    let items = Engine::new(&config, now())
        .accounts(&store, &playbook::store::AccountFilter::default(), 10, 0)
        .expect("accounts");
    let account = items[0].row.account.id;
    update(&mut model, Msg::AccountsLoaded { items, append: false, more: false });
    assert!(ch(&mut model, 'r').is_empty());
    assert!(matches!(&model.popup, Some(Popup::Rate { digits, .. }) if digits.len() == 4), "starts from the rating");
    for _ in 0..4 {
        key(&mut model, KeyCode::Backspace);
    }
    ch(&mut model, '4');
    ch(&mut model, '9');
    assert!(key(&mut model, KeyCode::Enter).is_empty(), "9 is not a factor; three digits are not a rating");
    assert!(matches!(model.status, Status::Error(_)));
    for c in "352".chars() {
        ch(&mut model, c);
    }
    let factors = [Some(4), Some(3), Some(5), Some(2)];
    assert_eq!(key(&mut model, KeyCode::Enter), vec![Effect::Act(Request::Rate { account, factors })]);
    assert!(model.popup.is_none());
}

/// The demo's queue with the decisions waiting for every rep, first.
fn with_decisions() -> Model {
    let mut store = Store::open_in_memory().expect("store");
    let config = Config::default();
    playbook::demo::load_shipped(&mut store, &config.policy, now()).expect("demo");
    let engine = Engine::new(&config, now());
    let items = engine.queue(&store, None, engine.today(engine.zone), true).expect("queue");
    let decisions = engine.decisions(&store, None).expect("decisions");
    assert!(decisions.len() >= 2, "the demo has replies waiting");
    let mut model = Model::new(Keymap::defaults(), now(), None, chrono_tz::UTC);
    let effects = update(&mut model, Msg::QueueLoaded { decisions, items, ranks: HashMap::new() });
    assert!(effects.is_empty(), "a decision is selected first: no touch content to load");
    model
}

#[test]
fn decisions_come_first_and_touch_keys_say_what_to_do_instead() {
    let mut model = with_decisions();
    let first = model.queue.current_decision().expect("a decision selected").clone();
    assert!(model.queue.current().is_none());
    assert!(ch(&mut model, 'd').is_empty(), "done means nothing on a decision");
    assert!(
        matches!(&model.status, Status::Info(t) if t.contains("p resumes the play, x ends it")),
        "{:?}",
        model.status
    );
    assert_eq!(
        ch(&mut model, 'p'),
        vec![Effect::Act(Request::PauseOrResume { account: first.account_id })],
        "p on a decision resumes that account's plays"
    );
}

#[test]
fn x_ends_the_selected_accounts_plays_the_chosen_way() {
    let mut model = with_decisions();
    let first = model.queue.current_decision().expect("a decision").clone();
    assert!(ch(&mut model, 'x').is_empty());
    assert!(
        matches!(&model.popup, Some(Popup::End { account, name, .. }) if *account == first.account_id && *name == first.account_name),
        "the popup names the account it ends"
    );
    ch(&mut model, '3');
    assert_eq!(
        key(&mut model, KeyCode::Enter),
        vec![Effect::Act(Request::End {
            account: first.account_id,
            ending: playbook::domain::Ending::Disqualified,
            play: None,
            note: None
        })]
    );
}

#[test]
fn moving_past_the_decisions_reaches_the_first_touch() {
    let mut model = with_decisions();
    let n = model.queue.decisions.len();
    for _ in 0..n - 1 {
        assert!(ch(&mut model, 'j').is_empty(), "still on decisions: no content to load");
    }
    let effects = ch(&mut model, 'j');
    let first = model.queue.items[0].row.touch.id;
    assert_eq!(model.queue.current().map(|i| i.row.touch.id), Some(first));
    assert!(matches!(effects.as_slice(), [Effect::LoadContent { touch, .. }] if *touch == first));
}

#[test]
fn thread_stopping_keys_ask_first() {
    let mut model = loaded();
    let id = model.queue.current().expect("touch").row.touch.id;
    assert!(ch(&mut model, 'm').is_empty(), "a meeting is confirmed before it stops the thread");
    assert!(matches!(model.popup, Some(Popup::Confirm { .. })));
    assert!(ch(&mut model, 'n').is_empty(), "any other key cancels");
    assert!(model.popup.is_none());
    ch(&mut model, 'b');
    assert_eq!(
        ch(&mut model, 'y'),
        vec![Effect::Act(Request::Respond {
            on: playbook::engine::On::Touch(id),
            response: playbook::engine::Response::Bounced,
            note: None
        })]
    );
}

#[test]
fn catch_up_key_asks_the_engine_to_spread_the_overdue_touches() {
    let mut model = loaded();
    model.owner = Some("Dana Kim".into());
    // Typed as a terminal sends it: shift and a capital C.
    let effects = update(&mut model, Msg::Key(KeyEvent::new(KeyCode::Char('C'), KeyModifiers::SHIFT)));
    assert_eq!(
        effects,
        vec![Effect::Act(Request::CatchUp { owner: Some("Dana Kim".into()), per_day: None, dry_run: false })]
    );
    assert!(model.popup.is_none(), "undo takes it back; no confirmation needed");
    // A queue key: on the accounts list it means nothing.
    ch(&mut model, '2');
    update(&mut model, Msg::AccountsLoaded { items: vec![], append: false, more: false });
    assert!(ch(&mut model, 'C').is_empty());
}

fn typed(model: &mut Model, text: &str) {
    for c in text.chars() {
        let shift = if c.is_uppercase() { KeyModifiers::SHIFT } else { KeyModifiers::NONE };
        update(model, Msg::Key(KeyEvent::new(KeyCode::Char(c), shift)));
    }
}

#[test]
fn the_trigger_form_names_its_account_and_a_bad_date_keeps_it_open() {
    let mut model = loaded();
    let row = model.queue.current().expect("touch").row.clone();
    typed(&mut model, "T");
    let Some(Popup::Form(form)) = &model.popup else { panic!("T opens a form") };
    assert_eq!(form.title(), format!("Add a trigger event to {}", row.account_name));
    typed(&mut model, "hired a new CTO");
    key(&mut model, KeyCode::Tab);
    typed(&mut model, "executive");
    key(&mut model, KeyCode::Tab);
    typed(&mut model, "yesterday");
    key(&mut model, KeyCode::Tab);
    assert!(key(&mut model, KeyCode::Enter).is_empty(), "a date that is not a date is not sent");
    assert!(matches!(&model.status, Status::Error(e) if e.contains("not a date")));
    assert!(matches!(model.popup, Some(Popup::Form(_))), "what was typed stays");
    key(&mut model, KeyCode::BackTab);
    for _ in 0.."yesterday".len() {
        key(&mut model, KeyCode::Backspace);
    }
    typed(&mut model, "2026-11-20");
    let effects = update(&mut model, Msg::Key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL)));
    assert_eq!(
        effects,
        vec![Effect::Act(Request::AddTrigger {
            account: row.touch.account_id,
            text: "hired a new CTO".into(),
            date: chrono::NaiveDate::from_ymd_opt(2026, 11, 20),
            kind: Some("executive".into()),
            source: None,
        })]
    );
    assert!(model.popup.is_none());
}

#[test]
fn editing_a_player_sends_only_what_changed() {
    let mut model = loaded();
    let row = model.queue.current().expect("touch").row.clone();
    typed(&mut model, "E");
    let Some(Popup::Form(form)) = &model.popup else { panic!("E opens the player's form") };
    assert_eq!(form.fields[0].value, row.zone.name(), "it starts from what is stored");
    update(&mut model, Msg::Key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL)));
    typed(&mut model, "Asia/Tokyo");
    key(&mut model, KeyCode::Tab);
    key(&mut model, KeyCode::Tab);
    let effects = key(&mut model, KeyCode::Enter);
    let fields = playbook::engine::PlayerFields { zone: Some("Asia/Tokyo".into()), ..Default::default() };
    assert_eq!(
        effects,
        vec![Effect::Act(Request::EditPlayer { player: row.touch.player_id, fields: Box::new(fields) })]
    );
}

#[test]
fn a_response_from_the_account_screen_names_a_sent_touch() {
    let mut model = loaded();
    let touch = model.queue.current().expect("touch").row.touch.id;
    typed(&mut model, "R");
    let Some(Popup::Form(form)) = &model.popup else { panic!("R opens the response form") };
    assert_eq!(form.fields[0].value, touch.to_string(), "from the queue, the selected touch is offered");
    typed(&mut model, "maybe");
    key(&mut model, KeyCode::Tab);
    assert!(key(&mut model, KeyCode::Enter).is_empty(), "not a response: nothing sent");
    assert!(matches!(&model.status, Status::Error(e) if e.contains("not a response")));
    key(&mut model, KeyCode::BackTab);
    update(&mut model, Msg::Key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL)));
    typed(&mut model, "ooo 2026-12-01");
    key(&mut model, KeyCode::Tab);
    let effects = key(&mut model, KeyCode::Enter);
    assert_eq!(
        effects,
        vec![Effect::Act(Request::Respond {
            on: playbook::engine::On::Touch(touch),
            response: playbook::engine::Response::OutOfOffice {
                until: chrono::NaiveDate::from_ymd_opt(2026, 12, 1).expect("date")
            },
            note: None,
        })]
    );
}

#[test]
fn a_refused_form_comes_back_as_typed() {
    let mut model = loaded();
    typed(&mut model, "T");
    typed(&mut model, "raised a round");
    let sent = update(&mut model, Msg::Key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL)));
    assert!(matches!(sent.as_slice(), [Effect::Act(Request::AddTrigger { .. })]));
    assert!(model.popup.is_none());
    update(&mut model, Msg::Failed("Cerulean Pay BV already has this trigger event on 2026-11-24".into()));
    let Some(Popup::Form(form)) = &model.popup else { panic!("the form is back") };
    assert_eq!(form.fields[0].value, "raised a round");
}

/// The demo's ranked accounts, as the app loads them.
fn accounts() -> Vec<playbook::engine::AccountItem> {
    let mut store = Store::open_in_memory().expect("store");
    let config = Config::default();
    playbook::demo::load_shipped(&mut store, &config.policy, now()).expect("demo");
    let engine = Engine::new(&config, now());
    engine.accounts(&store, &playbook::store::AccountFilter::default(), 200, 0).expect("accounts")
}

#[test]
fn after_a_reload_reorders_the_list_the_next_action_hits_the_highlighted_account() {
    let mut model = loaded();
    ch(&mut model, '2');
    let items = accounts();
    update(&mut model, Msg::AccountsLoaded { items: items.clone(), append: false, more: false });
    ch(&mut model, 'j');
    ch(&mut model, 'j');
    let chosen = model.accounts.items[model.accounts.selected].row.account.id;
    // A rating elsewhere re-ranks the list: the chosen account moves to the top.
    let mut reranked = items.clone();
    let at = reranked.iter().position(|i| i.row.account.id == chosen).expect("in the list");
    let moved = reranked.remove(at);
    reranked.insert(0, moved);
    for (rank, item) in reranked.iter_mut().enumerate() {
        item.rank = rank + 1;
    }
    update(&mut model, Msg::AccountsLoaded { items: reranked, append: false, more: false });
    assert_eq!(model.accounts.items[model.accounts.selected].row.account.id, chosen, "the highlight followed it");
    assert_eq!(ch(&mut model, 'e'), vec![Effect::LoadPlays(chosen)], "e enrolls the account that is highlighted");
    // Sorting by name keeps it too.
    ch(&mut model, 's');
    assert_eq!(model.accounts.items[model.accounts.selected].row.account.id, chosen);
    assert_eq!(ch(&mut model, 'p'), vec![Effect::Act(Request::PauseOrResume { account: chosen })]);
}

#[test]
fn a_reload_keeps_the_cursor_on_its_touch_and_a_done_touch_hands_it_to_the_neighbour() {
    let mut model = loaded();
    ch(&mut model, 'j');
    ch(&mut model, 'j');
    let chosen = model.queue.current().expect("touch").row.touch.id;
    let mut items = model.queue.items.clone();
    items.reverse();
    update(&mut model, Msg::QueueLoaded { decisions: vec![], items: items.clone(), ranks: HashMap::new() });
    assert_eq!(model.queue.current().map(|i| i.row.touch.id), Some(chosen), "same touch after the reload");
    let index = model.queue.selected;
    items.retain(|i| i.row.touch.id != chosen);
    update(&mut model, Msg::QueueLoaded { decisions: vec![], items, ranks: HashMap::new() });
    assert_eq!(model.queue.selected, index.min(model.queue.len() - 1), "its neighbour takes the cursor");
}

#[test]
fn the_reader_scrolls_and_esc_closes_it() {
    let mut model = loaded();
    let first = model.queue.current().expect("touch").row.touch.id;
    ch(&mut model, 'v');
    assert!(model.queue.reading);
    ch(&mut model, 'j');
    ch(&mut model, 'j');
    assert_eq!(model.queue.scroll, 2, "j scrolls the reader");
    assert_eq!(model.queue.current().map(|i| i.row.touch.id), Some(first), "and does not move the cursor");
    key(&mut model, KeyCode::Esc);
    assert!(!model.queue.reading);
    typed(&mut model, "K");
    assert_eq!(model.queue.scroll, 0, "K scrolls the detail back up, never above the top");
    typed(&mut model, "J");
    assert_eq!(model.queue.scroll, 3);
    ch(&mut model, 'j');
    assert_eq!(model.queue.scroll, 0, "another touch is read from its top");
}

#[test]
fn slash_finds_in_the_queue_and_n_walks_the_matches() {
    let mut model = loaded();
    let target = model.queue.items.iter().rev().find(|i| i.row.touch.channel == Channel::Call).expect("a call").clone();
    let name = target.row.account_name.clone();
    ch(&mut model, '/');
    typed(&mut model, "zzz");
    update(&mut model, Msg::Key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL)));
    assert_eq!(model.queue.searching.as_deref(), Some(""), "ctrl-u clears the line");
    typed(&mut model, &name.to_lowercase());
    key(&mut model, KeyCode::Enter);
    let at = model.queue.current().expect("a match").row.account_name.clone();
    assert_eq!(at, name, "the cursor is on the first row of that account");
    assert!(matches!(&model.status, Status::Info(t) if t.starts_with("match 1 of")), "{:?}", model.status);
    let total = (0..model.queue.len()).filter(|i| model.queue.matches(*i)).count();
    for _ in 0..total {
        ch(&mut model, 'n');
        assert_eq!(model.queue.current().expect("row").row.account_name, name, "n stays on matches");
    }
    typed(&mut model, "N");
    assert_eq!(model.queue.current().expect("row").row.account_name, name);
    ch(&mut model, 'a');
    assert!(matches!(model.popup, Some(Popup::Note { .. })), "a adds a note now that n finds");
}

#[test]
fn the_account_list_shows_every_reps_book_and_reverses() {
    let mut model = loaded();
    model.owner = Some("Dana Kim".into());
    ch(&mut model, '2');
    update(&mut model, Msg::AccountsLoaded { items: accounts(), append: false, more: false });
    assert_eq!(ch(&mut model, 'o'), vec![Effect::LoadAccounts { offset: 0 }]);
    assert!(model.accounts.everyone);
    assert!(matches!(&model.status, Status::Info(t) if t.starts_with("showing every rep's accounts")));
    // o again walks through the reps seen, one at a time, then back to yours.
    update(&mut model, Msg::AccountsLoaded { items: accounts(), append: false, more: false });
    let reps = model.accounts.reps.clone();
    assert!(reps.len() >= 2, "{reps:?}");
    ch(&mut model, 'o');
    assert_eq!(model.accounts.rep.as_deref(), Some(reps[0].as_str()));
    assert!(matches!(&model.status, Status::Info(t) if *t == format!("showing {}'s accounts", reps[0])));
    for _ in 1..reps.len() {
        ch(&mut model, 'o');
    }
    assert_eq!(model.accounts.rep.as_deref(), reps.last().map(String::as_str));
    ch(&mut model, 'o');
    assert!(model.accounts.rep.is_none() && !model.accounts.everyone, "back to Dana's own");
    ch(&mut model, 'o');
    update(&mut model, Msg::AccountsLoaded { items: accounts(), append: false, more: false });
    let first = model.accounts.items[0].row.account.id;
    let last = model.accounts.items.last().expect("rows").row.account.id;
    typed(&mut model, "S");
    assert_eq!(model.accounts.items[0].row.account.id, last, "reversed");
    assert_eq!(model.accounts.items[model.accounts.selected].row.account.id, first, "the cursor stayed on its account");
}

fn mouse(model: &mut Model, kind: crossterm::event::MouseEventKind, column: u16, row: u16) -> Vec<Effect> {
    let event = crossterm::event::MouseEvent { kind, column, row, modifiers: KeyModifiers::NONE };
    update(model, Msg::Mouse(event))
}

#[test]
fn the_wheel_moves_the_list_and_a_click_on_a_tab_changes_screen() {
    use crossterm::event::{MouseButton, MouseEventKind};
    let mut model = loaded();
    let second = model.queue.items[1].row.touch.id;
    let effects = mouse(&mut model, MouseEventKind::ScrollDown, 40, 10);
    assert_eq!(model.queue.current().map(|i| i.row.touch.id), Some(second));
    assert!(matches!(effects.as_slice(), [Effect::LoadContent { .. }]));
    mouse(&mut model, MouseEventKind::ScrollUp, 40, 10);
    assert_eq!(model.queue.selected, 0);
    // " playbook " then " 1 Queue " then " 2 Accounts ": column 22 is on Accounts.
    assert_eq!(
        mouse(&mut model, MouseEventKind::Down(MouseButton::Left), 22, 0),
        vec![Effect::LoadAccounts { offset: 0 }]
    );
    assert_eq!(model.screen, Screen::Accounts);
    ch(&mut model, '?');
    mouse(&mut model, MouseEventKind::ScrollDown, 40, 10);
    assert_eq!(model.help_scroll, 1, "the wheel scrolls the help");
}
