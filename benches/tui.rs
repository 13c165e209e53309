//! Key press → updated frame, and the work before the first frame.
//!
//! Uses the store named by `PLAYBOOK_BENCH_DB` (e.g. the 100k store that
//! bench/cli.sh makes); without it, a synthetic store of 2,000 accounts.

use chrono::{DateTime, Utc};
use criterion::{criterion_group, criterion_main, Criterion};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use playbook::clock::Clock;
use playbook::config::Config;
use playbook::store::Store;
use playbook::tui::app::App;
use playbook::tui::keymap::Keymap;
use playbook::tui::model::Screen;
use playbook::tui::update::{update, Msg};
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use std::hint::black_box;

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-24T09:30:00+01:00").expect("now").with_timezone(&Utc)
}

fn store() -> (Store, Option<tempfile::TempDir>) {
    if let Some(path) = std::env::var_os("PLAYBOOK_BENCH_DB") {
        return (Store::open(std::path::Path::new(&path)).expect("bench store"), None);
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let mut store = Store::open(&dir.path().join("bench.db")).expect("store");
    playbook::demo::generate(&mut store, &Config::default().policy, now(), 2_000, 1).expect("synthetic store");
    (store, Some(dir))
}

fn app(store: Store) -> App {
    let config = Config { me: Some("Dana Kim".into()), ..Config::default() };
    let mut app = App::new(store, config, Clock::Fixed(now()), Keymap::defaults()).expect("app");
    app.dispatch_load();
    app
}

fn key(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
}

fn benches(c: &mut Criterion) {
    let (store, _dir) = store();
    let mut app = app(store);
    let mut terminal = Terminal::new(TestBackend::new(100, 30)).expect("terminal");
    assert!(!app.model.queue.items.is_empty(), "the bench store has a queue");

    c.bench_function("key j: update + render (pure)", |b| {
        let mut down = true;
        b.iter(|| {
            down = !down;
            black_box(update(&mut app.model, key(if down { 'j' } else { 'k' })));
            app.draw(&mut terminal).expect("draw");
        });
    });

    c.bench_function("key j: update + effects (content query) + render", |b| {
        let mut down = true;
        b.iter(|| {
            down = !down;
            app.dispatch(key(if down { 'j' } else { 'k' }));
            app.draw(&mut terminal).expect("draw");
        });
    });

    c.bench_function("first frame: load queue + render", |b| {
        b.iter(|| {
            app.dispatch_load();
            app.draw(&mut terminal).expect("draw");
        });
    });

    // What follows every action: the queue (with its ranks and the
    // decisions waiting) read again, then the frame. The commit itself is
    // `bench/cli.sh`'s triage figure.
    c.bench_function("after an action: reload the queue + render", |b| {
        b.iter(|| {
            app.dispatch(Msg::ActionDone("done".into()));
            app.draw(&mut terminal).expect("draw");
        });
    });

    c.bench_function("key 4: build the 7-day review of every rep + render", |b| {
        b.iter(|| {
            app.model.screen = Screen::Queue;
            app.model.manager.loaded = false;
            app.dispatch(key('4'));
            app.draw(&mut terminal).expect("draw");
        });
        assert!(app.model.manager.report.is_some(), "the review loaded");
    });
}

criterion_group! {
    name = tui;
    config = Criterion::default().sample_size(20).measurement_time(std::time::Duration::from_secs(4));
    targets = benches
}
criterion_main!(tui);
