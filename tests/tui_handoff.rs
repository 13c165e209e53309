//! `y` and `g` on the queue: what `update` asks to copy or open for each
//! channel, and what the status bar says when nothing fits.

use chrono::{DateTime, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use playbook::config::Config;
use playbook::domain::Channel;
use playbook::engine::Engine;
use playbook::store::Store;
use playbook::tui::keymap::Keymap;
use playbook::tui::model::{Model, Status};
use playbook::tui::update::{update, Effect, Msg};
use std::collections::HashMap;

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-24T09:30:00+01:00").expect("now").with_timezone(&Utc)
}

/// The demo's queue with the cursor on a touch of `channel`, its player
/// reachable as given and its content loaded as given.
fn on(channel: Channel, content: Option<Result<(Option<&str>, &str), &str>>) -> Model {
    let mut store = Store::open_in_memory().expect("store");
    let config = Config::default();
    playbook::demo::load_shipped(&mut store, &config.policy, now()).expect("demo");
    let engine = Engine::new(&config, now());
    let items = engine.queue(&store, None, engine.today(engine.zone), true).expect("queue");
    let mut model = Model::new(Keymap::defaults(), now(), None, chrono_tz::UTC);
    update(&mut model, Msg::QueueLoaded { decisions: vec![], items, ranks: HashMap::new() });
    // The selected touch is made the one asked for.
    let row = &mut model.queue.items[0].row;
    row.touch.channel = channel;
    row.touch.id = 131;
    row.player_name = "Ana Ruiz".into();
    row.player_email = Some("ana.ruiz@acme.example".into());
    row.player_phone = Some("+1 (415) 555-0134".into());
    row.player_linkedin = Some("https://www.linkedin.com/in/ana-ruiz".into());
    if let Some(content) = content {
        let content = content.map(|(s, b)| (s.map(str::to_string), b.to_string())).map_err(str::to_string);
        update(&mut model, Msg::ContentLoaded { touch: 131, content, answer: None });
    }
    model
}

fn ch(model: &mut Model, c: char) -> Vec<Effect> {
    update(model, Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)))
}

const EMAIL: Option<Result<(Option<&str>, &str), &str>> =
    Some(Ok((Some("Hamburg & your 14 new roles?"), "Hi Ana,\n\nsaw the news.\nBest,\nDana\n")));

#[test]
fn y_copies_the_rendered_subject_and_body_of_an_email() {
    let mut model = on(Channel::Email, EMAIL);
    let effects = ch(&mut model, 'y');
    assert_eq!(
        effects,
        vec![Effect::Copy {
            text: "Hamburg & your 14 new roles?\n\nHi Ana,\n\nsaw the news.\nBest,\nDana".into(),
            said: "to the clipboard: the email to Ana Ruiz (t131: subject and 5 lines)".into(),
        }]
    );
    // The status changes once the app says it went.
    assert_eq!(model.status, Status::None);
    let Effect::Copy { said, .. } = &effects[0] else { unreachable!() };
    assert!(update(&mut model, Msg::HandedOver(said.clone())).is_empty());
    assert_eq!(model.status, Status::Info(said.clone()));
}

#[test]
fn y_copies_the_phone_for_a_call_and_the_url_for_linkedin() {
    let mut model = on(Channel::Call, Some(Ok((None, "Ask about the new Hamburg hub."))));
    assert_eq!(
        ch(&mut model, 'y'),
        vec![Effect::Copy {
            text: "+1 (415) 555-0134".into(),
            said: "to the clipboard: Ana Ruiz's phone number +1 (415) 555-0134".into(),
        }]
    );
    let mut model = on(Channel::Linkedin, Some(Ok((None, "Connect note"))));
    assert!(
        matches!(&ch(&mut model, 'y')[..], [Effect::Copy { text, .. }] if text == "https://www.linkedin.com/in/ana-ruiz")
    );
    // Without a phone number the call script goes, and the status says why.
    let mut model = on(Channel::Call, Some(Ok((None, "Ask about the new Hamburg hub."))));
    model.queue.items[0].row.player_phone = None;
    let effects = ch(&mut model, 'y');
    assert!(
        matches!(&effects[..], [Effect::Copy { text, said }]
            if text == "Ask about the new Hamburg hub." && said.starts_with("no phone number for Ana Ruiz: to the clipboard: the call")),
        "{effects:?}"
    );
}

#[test]
fn copied_text_carries_no_escape_codes_from_the_crm() {
    let mut model = on(Channel::Email, Some(Ok((Some("Hi\u{1b}]0;x\u{7}"), "Body \u{1b}]52;c;cHduZWQ=\u{7}\r\nend"))));
    let effects = ch(&mut model, 'y');
    let [Effect::Copy { text, .. }] = &effects[..] else { panic!("{effects:?}") };
    assert_eq!(text, "Hi␛]0;x␇\n\nBody ␛]52;c;cHduZWQ=␇\nend");
    assert!(!text.chars().any(|c| c.is_control() && c != '\n'), "{text:?}");
}

#[test]
fn g_opens_a_mailto_with_subject_and_body_for_an_email() {
    let mut model = on(Channel::Email, EMAIL);
    assert_eq!(
        ch(&mut model, 'g'),
        vec![Effect::Open {
            uri: "mailto:ana.ruiz@acme.example?subject=Hamburg%20%26%20your%2014%20new%20roles%3F\
                  &body=Hi%20Ana%2C%0D%0A%0D%0Asaw%20the%20news.%0D%0ABest%2C%0D%0ADana"
                .into(),
            said: "in your mail client: mailto:ana.ruiz@acme.example (subject and 5 lines)".into(),
        }]
    );
}

#[test]
fn g_dials_a_call_and_opens_the_linkedin_profile() {
    let mut model = on(Channel::Call, Some(Ok((None, "script"))));
    assert_eq!(
        ch(&mut model, 'g'),
        vec![Effect::Open { uri: "tel:+14155550134".into(), said: "opened tel:+14155550134 to call Ana Ruiz".into() }]
    );
    // A call is dialled before its script has loaded.
    let mut model = on(Channel::Call, None);
    assert!(matches!(&ch(&mut model, 'g')[..], [Effect::Open { uri, .. }] if uri == "tel:+14155550134"));
    let mut model = on(Channel::Linkedin, Some(Ok((None, "note"))));
    assert_eq!(
        ch(&mut model, 'g'),
        vec![Effect::Open {
            uri: "https://www.linkedin.com/in/ana-ruiz".into(),
            said: "opened https://www.linkedin.com/in/ana-ruiz in your browser".into(),
        }]
    );
    let mut model = on(Channel::Sms, Some(Ok((None, "See you at 3?"))));
    assert!(
        matches!(&ch(&mut model, 'g')[..], [Effect::Open { uri, .. }] if uri == "sms:+14155550134?body=See%20you%20at%203%3F")
    );
}

/// What a case does to the model before `g`.
type Change = fn(&mut Model);

#[test]
fn nothing_to_open_says_so_and_asks_for_nothing() {
    let cases: [(Channel, Change, &str); 6] = [
        (Channel::Email, |m| m.queue.items[0].row.player_email = None, "no email address for Ana Ruiz"),
        (Channel::Call, |m| m.queue.items[0].row.player_phone = Some("  ".into()), "no phone number for Ana Ruiz"),
        (Channel::Linkedin, |m| m.queue.items[0].row.player_linkedin = None, "no LinkedIn URL for Ana Ruiz"),
        (
            Channel::Linkedin,
            |m| m.queue.items[0].row.player_linkedin = Some("javascript:alert(1)".into()),
            "the LinkedIn URL \"javascript:alert(1)\" is not an http(s) address",
        ),
        (Channel::Meeting, |_| {}, "a meeting touch has nothing to open; copy its content instead"),
        (Channel::Email, |m| m.queue.content = None, "touch t131's content is still loading; try again"),
    ];
    for (channel, change, said) in cases {
        let mut model = on(channel, EMAIL);
        change(&mut model);
        assert!(ch(&mut model, 'g').is_empty(), "{channel}: nothing is opened");
        assert_eq!(model.status, Status::Error(said.into()), "{channel}");
    }
    let mut model = on(Channel::Email, Some(Err("unknown field {{budget}}")));
    assert!(ch(&mut model, 'y').is_empty());
    assert_eq!(model.status, Status::Error("content cannot be filled: unknown field {{budget}}".into()));
}

#[test]
fn home_goes_to_the_top_now_that_g_opens() {
    let mut model = on(Channel::Email, EMAIL);
    ch(&mut model, 'G');
    assert!(model.queue.selected > 0);
    update(&mut model, Msg::Key(KeyEvent::new(KeyCode::Home, KeyModifiers::NONE)));
    assert_eq!(model.queue.selected, 0);
}

#[test]
fn the_app_hands_over_nothing_outside_unless_told_to() {
    use playbook::tui::app::{App, Outside};
    let mut store = Store::open_in_memory().expect("store");
    let config = Config::default();
    playbook::demo::load_shipped(&mut store, &config.policy, now()).expect("demo");
    let mut app = App::new(store, config, playbook::clock::Clock::Fixed(now()), Keymap::defaults()).expect("app");
    app.dispatch_load();
    for _ in 0..app.model.queue.decisions.len() {
        app.dispatch(Msg::Key(KeyEvent::new(KeyCode::Char('j'), KeyModifiers::NONE)));
    }
    app.dispatch(Msg::Key(KeyEvent::new(KeyCode::Char('y'), KeyModifiers::NONE)));
    let Outside::Recorded(done) = &app.outside else { panic!("tests record") };
    let [Effect::Copy { said, .. }] = &done[..] else { panic!("{done:?}") };
    assert_eq!(app.model.status, Status::Info(said.clone()));
}
