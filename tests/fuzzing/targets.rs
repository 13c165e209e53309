//! What each fuzz target does with its bytes, and the inputs it starts from.
//! Besides "no panic", targets check what must hold for any input: text we
//! print is clean, a CSV guard round-trips, a cut fits its width.

use super::mutate::Mutator;
use chrono::{DateTime, NaiveDate, Utc};
use clap::Parser;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use playbook::cli::{self, Cli, Session};
use playbook::clock::Clock;
use playbook::config::Config;
use playbook::engine::{Engine, On, Request, Response};
use playbook::import::{self, Kind, Options};
use playbook::store::Store;
use playbook::text;
use playbook::tui::app::App;
use playbook::tui::keymap::{Command, Key, Keymap, Scope};
use playbook::tui::update::Msg;
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use std::path::Path;
use tempfile::TempDir;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    CsvImport,
    PlayFile,
    Config,
    Keys,
    Values,
    Cli,
    TuiKeys,
}

const NOW: &str = "2026-11-24T09:30:00+01:00";

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(NOW).map(|t| t.with_timezone(&Utc)).unwrap_or_default()
}

fn fixture(path: &str) -> Vec<u8> {
    std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join(path)).unwrap_or_default()
}

fn demo_store() -> Store {
    let mut store = Store::open_in_memory().expect("store");
    playbook::demo::load_shipped(&mut store, &Config::default().policy, now()).expect("demo");
    store
}

/// Fails the case when text meant for a terminal is not clean.
fn assert_clean(what: &str, out: &str) {
    assert!(text::is_clean(out), "{what} printed unsanitised text: {out:?}");
}

impl Target {
    pub fn name(self) -> &'static str {
        match self {
            Target::CsvImport => "csv_import",
            Target::PlayFile => "play_files",
            Target::Config => "config_files",
            Target::Keys => "key_files",
            Target::Values => "typed_values",
            Target::Cli => "cli_arguments",
            Target::TuiKeys => "tui_keys",
        }
    }

    pub fn seeds(self) -> Vec<Vec<u8>> {
        let texts: Vec<Vec<u8>> = match self {
            Target::CsvImport => vec![
                fixture("tests/fixtures/import/hubspot_companies.csv"),
                fixture("tests/fixtures/import/salesforce_contacts.csv"),
                fixture("tests/fixtures/import/bad_companies.csv"),
                fixture("tests/fixtures/import/bad_contacts.csv"),
                fixture("tests/fixtures/hostile/accounts.csv"),
                fixture("tests/fixtures/hostile/players.csv"),
            ],
            Target::PlayFile => playbook::play::BUILTIN.iter().map(|(_, s)| s.as_bytes().to_vec()).collect(),
            Target::Config => vec![fixture("tests/fixtures/fuzz/config.toml"), Vec::new()],
            Target::Keys => vec![fixture("assets/keys.toml"), b"[queue]\ndone = [\"x\", \"ctrl-d\"]\n".to_vec()],
            Target::Values => [
                "30m",
                "2 hours",
                "7d",
                "2026-11-01..2026-11-30",
                "14:30",
                "2026-12-01 09:00",
                "$1,234.50",
                "1.234.567,89",
                "https://www.acme.com/",
                "bob@acme.com",
                "VP Sales, EMEA",
                "industry:saas region:emea acme",
                "2026-11-24T09:30:00+01:00",
                "mon, tue",
                "Germany",
                "ctrl-s",
                "Firma=name",
            ]
            .iter()
            .map(|s| s.as_bytes().to_vec())
            .collect(),
            Target::Cli => Vec::new(),
            Target::TuiKeys => [
                "jjdj\r",
                "4c99999999d\r",
                "4c2026-01-01..2999-12-31\r",
                "zz2999-12-31 09:00\r",
                "2rr5555\r",
                "2/tier:exec\r",
                "n\x01\x13",
                "3jjjjjjjjjjjjjjj",
                "sreason\r",
                "u",
                "ee\r",
                "p",
                "?",
                "4totttt",
            ]
            .iter()
            .map(|s| s.as_bytes().to_vec())
            .collect(),
        };
        texts.into_iter().filter(|t| !t.is_empty() || self == Target::Config).collect()
    }

    pub fn tokens(self) -> &'static [&'static str] {
        match self {
            Target::CsvImport => &[
                "name,domain,owner\n",
                "first_name,last_name,email,title,account_domain,tier,role,Time Zone\n",
                "Employees",
                "Annual Revenue",
                "opportunity_value",
                "\"a,\"\"b\"\"\"",
                "\u{feff}",
                "acme.com",
                "x@acme.com",
            ],
            Target::PlayFile => &[
                "[[step]]\n",
                "day = ",
                "after = \"",
                "same_day = true\n",
                "within_hours = ",
                "at = \"",
                "until = \"",
                "weekdays = [\"sat\"]\n",
                "followup_within_hours = ",
                "max_gap_days = ",
                "version = ",
                "{trigger|x}",
                "{first_name}",
                "{nope}",
                "channel = \"call\"\n",
                "tiers = []\n",
                "[step.variants.economic]\n",
            ],
            Target::Config => &[
                "[me]\n",
                "[hours]\n",
                "[night]\n",
                "[cadence]\n",
                "[ranking]\n",
                "[pipeline]\n",
                "open_followup_hours = ",
                "close_rate = ",
                "arr_goal = ",
                "bands = [{ max_mrr = 1, close_rate = 0.5 }]\n",
                "trigger = ",
                "engagement_cap = ",
                "start = \"",
                "end = \"",
                "days = [\"sun\"]\n",
                "zone = \"",
                "name = \"",
            ],
            Target::Keys => &[
                "[global]\n",
                "[queue]\n",
                "[accounts]\n",
                "[manager]\n",
                "quit = [",
                "\"ctrl-",
                "\"f",
                "\"space\"",
                "done = ",
            ],
            Target::Values => {
                &["..", "d", "h", "min", " ", "T", "Z", "+01:00", "industry:", "owner:", "status:", "tier:", "ctrl-"]
            }
            Target::Cli | Target::TuiKeys => &[],
        }
    }
}

/// What a target keeps between cases: a store with the demo, a temp dir.
pub struct State {
    target: Target,
    store: Option<Store>,
    app: Option<App>,
    dir: Option<TempDir>,
}

impl State {
    pub fn new(target: Target) -> State {
        let mut state = State { target, store: None, app: None, dir: None };
        state.recycle(0);
        state
    }

    /// Starts from a fresh store now and then, so state built up by earlier
    /// cases does not grow without end.
    pub fn recycle(&mut self, cases: u64) {
        if !cases.is_multiple_of(100) {
            return;
        }
        match self.target {
            Target::CsvImport | Target::PlayFile | Target::Config => self.store = Some(demo_store()),
            Target::TuiKeys | Target::Keys => {
                let config = Config { me: Some("Dana Kim".into()), ..Config::default() };
                let mut app = App::new(demo_store(), config, Clock::Fixed(now()), Keymap::defaults()).expect("app");
                app.dispatch_load();
                self.app = Some(app);
            }
            Target::Cli => {
                let dir = tempfile::tempdir().expect("tempdir");
                write_cli_files(dir.path());
                let session = cli_session(dir.path(), None);
                cli::run(&session, playbook::cli::Command::Demo { force: false, accounts: None, seed: 1 })
                    .expect("demo");
                self.dir = Some(dir);
            }
            Target::Values => {}
        }
    }

    pub fn run(&mut self, case: &[u8]) {
        let text = String::from_utf8_lossy(case);
        match self.target {
            Target::CsvImport => csv_import(self.store.as_mut().expect("store"), case),
            Target::PlayFile => play_file(self.store.as_mut().expect("store"), &text),
            Target::Config => config(self.store.as_mut().expect("store"), &text),
            Target::Keys => keys(self.app.as_mut().expect("app"), &text),
            Target::Values => values(&text),
            Target::Cli => run_cli(self.dir.as_ref().expect("dir").path(), case),
            Target::TuiKeys => tui_keys(self.app.as_mut().expect("app"), case),
        }
    }
}

fn csv_import(store: &mut Store, bytes: &[u8]) {
    let kind = if bytes.first().is_some_and(|b| b % 2 == 1) { Kind::Players } else { Kind::Accounts };
    let options = Options { map: Vec::new(), owner: "Dana Kim".into(), zone: chrono_tz::Europe::Berlin };
    let loader = store.loader().expect("loader");
    match import::plan(&loader, kind, bytes, &options) {
        Ok(plan) => {
            assert_clean("rejects file", &import::rejects_csv(&plan));
            for r in &plan.rejected {
                for p in &r.problems {
                    assert_clean("a rejection", &import::describe(p));
                }
            }
            if plan.rejected.is_empty() {
                import::apply(&loader, &plan, now()).expect("apply a clean plan");
                loader.commit().expect("commit");
                for format in [playbook::export::DataFormat::Csv, playbook::export::DataFormat::Json] {
                    let out = playbook::export::accounts(store, None, format).expect("export");
                    assert_clean("export accounts", &out);
                    let out = playbook::export::players(store, None, format).expect("export");
                    assert_clean("export players", &out);
                }
            }
        }
        Err(e) => assert_clean("an import error", &text::one_line(&e.to_string())),
    }
}

fn play_file(store: &mut Store, source: &str) {
    let Ok(play) = playbook::play::Play::parse(source) else { return };
    let policy = Config::default().policy;
    for finding in playbook::play::check(&play, &policy) {
        let _ = finding.to_string();
    }
    let loader = store.loader().expect("loader");
    if loader.install_play(source, now()).is_err() {
        return;
    }
    loader.commit().expect("commit");
    let engine = Engine::new(&Config::default(), now());
    let account = 1 + (source.len() % 40) as i64;
    if engine.apply(store, Request::Enroll { account, play: play.name.clone(), players: vec![], also: false }).is_err()
    {
        return;
    }
    let detail = engine.account_detail(store, &account.to_string()).expect("detail");
    for p in &detail.plays {
        for step in &p.steps {
            for t in &step.touches {
                let _ = engine.touch_content(store, &t.touch, p.enrollment.play_id);
            }
        }
    }
}

fn config(store: &mut Store, text: &str) {
    let Ok(config) = Config::parse(text, Path::new("config.toml")) else { return };
    let engine = Engine::new(&config, now());
    let zone = engine.rep_zone(store, config.me.as_deref()).expect("zone");
    let items = engine.queue(store, config.me.as_deref(), engine.today(zone), true).expect("queue");
    let filter = playbook::store::AccountFilter::default();
    engine.accounts(store, &filter, 10, 0).expect("accounts");
    engine.review(store, &config.pipeline, "30d", None).expect("review");
    if let Some(first) = items.first() {
        let id = first.row.touch.id;
        if engine.apply(store, Request::Done { touch: id, outcome: None, note: None }).is_ok() {
            let _ = engine.apply(store, Request::Respond { on: On::Touch(id), response: Response::Opened, note: None });
            let to = Some(playbook::engine::SnoozeTo::For(chrono::Duration::hours(2)));
            let _ = engine.apply(store, Request::Snooze { touch: id + 1, to });
            let _ = engine.apply(store, Request::Undo);
        }
    }
}

fn keys(app: &mut App, text: &str) {
    let Ok(keymap) = Keymap::with_user_file(text) else { return };
    for command in Command::ALL {
        assert_clean("a key label", &keymap.label(*command));
    }
    for name in ["j", "q", "ctrl-c", "enter", "esc", "f1", "space", "?"] {
        if let Ok(key) = Key::parse(name) {
            for scope in [Scope::Global, Scope::Queue, Scope::Accounts, Scope::Manager] {
                let _ = keymap.resolve(scope, key);
            }
        }
    }
    app.model.keymap = keymap;
    app.model.help = true;
    draw(app, 80, 24);
    app.model.help = false;
    draw(app, 100, 30);
}

fn values(text: &str) {
    let today = NaiveDate::from_ymd_opt(2026, 11, 24).unwrap_or_default();
    let zone = chrono_tz::Europe::Berlin;
    let _ = playbook::play::parse_duration(text);
    let _ = playbook::report::Period::parse(text, today, zone);
    let _ = playbook::cadence::window::parse_time(text);
    let _ = playbook::tui::update::parse_when(text, now(), zone);
    let _ = Clock::parse_fixed(text);
    let _ = playbook::import::values::number(text, true);
    let _ = playbook::import::values::domain(text);
    let _ = playbook::import::values::email(text);
    let _ = playbook::import::values::tier_from_title(text);
    let _ = playbook::import::values::tier_word(text);
    let _ = playbook::import::values::country_zone(text);
    let _ = playbook::import::values::factor(text);
    let _ = playbook::import::fields::parse_map(Kind::Accounts, text);
    let _ = playbook::engine::parse_filter(text);
    let _ = Key::parse(text);
    let names: Vec<&str> = text.split(',').collect();
    let _ = playbook::cadence::window::Weekdays::from_names(&names);
    let guarded = text::csv::guard(text);
    assert_eq!(text::csv::unguard(&guarded), text, "the CSV guard round-trips");
    assert!(text::is_clean(&text::clean(text)));
    assert!(text::is_clean(&text::one_line(text)));
    let max = text.len() % 50;
    assert!(text::width(&text::fit(text, max)) <= max, "a cut fits its width");
}

const TUI_KEYS: [KeyCode; 14] = [
    KeyCode::Enter,
    KeyCode::Esc,
    KeyCode::Tab,
    KeyCode::BackTab,
    KeyCode::Backspace,
    KeyCode::Up,
    KeyCode::Down,
    KeyCode::Left,
    KeyCode::Right,
    KeyCode::PageUp,
    KeyCode::PageDown,
    KeyCode::Home,
    KeyCode::End,
    KeyCode::F(1),
];

fn draw(app: &App, width: u16, height: u16) {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("terminal");
    app.draw(&mut terminal).expect("draw");
    for cell in &terminal.backend().buffer().content {
        assert!(
            !cell.symbol().chars().any(text::is_unsafe),
            "a cell reached the screen unsanitised: {:?}",
            cell.symbol()
        );
    }
}

/// Each byte is a key: printable ASCII as itself, `\r` Enter, `\x1b` Esc,
/// `\x01`-`\x1a` ctrl-letters, other bytes the special keys; every 16th
/// key the frame is drawn at a size the bytes choose.
fn tui_keys(app: &mut App, bytes: &[u8]) {
    app.model.quit = false;
    for (i, b) in bytes.iter().enumerate() {
        let event = match *b {
            b'\r' | b'\n' => KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE),
            0x1b => KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE),
            0x01..=0x1a => KeyEvent::new(KeyCode::Char((b'a' + b - 1) as char), KeyModifiers::CONTROL),
            0x20..=0x7e => KeyEvent::new(KeyCode::Char(*b as char), KeyModifiers::NONE),
            other => KeyEvent::new(TUI_KEYS[usize::from(other) % TUI_KEYS.len()], KeyModifiers::NONE),
        };
        app.dispatch(Msg::Key(event));
        if i % 16 == 15 {
            draw(app, 1 + u16::from(*b) % 200, 1 + u16::from(bytes[i / 2]) % 60);
        }
    }
    draw(app, 80, 24);
}

/// The files CLI cases may name: good and hostile CSV, plays, a config.
fn write_cli_files(dir: &Path) {
    for (name, path) in [
        ("accounts.csv", "tests/fixtures/import/hubspot_companies.csv"),
        ("players.csv", "tests/fixtures/import/salesforce_contacts.csv"),
        ("hostile_accounts.csv", "tests/fixtures/hostile/accounts.csv"),
        ("hostile_players.csv", "tests/fixtures/hostile/players.csv"),
        ("play.toml", "assets/plays/re-engage.toml"),
    ] {
        std::fs::write(dir.join(name), fixture(path)).expect("fixture");
    }
}

fn cli_session(dir: &Path, clock: Option<Clock>) -> Session {
    let config = Config { me: Some("Dana Kim".into()), ..Config::default() };
    Session {
        config,
        clock: clock.unwrap_or(Clock::Fixed(now())),
        db: playbook::store::Target::File(dir.join("playbook.db")),
    }
}

const SUBCOMMANDS: &[&[&str]] = &[
    &["queue"],
    &["accounts"],
    &["account"],
    &["done"],
    &["skip"],
    &["snooze"],
    &["opened"],
    &["replied"],
    &["meeting"],
    &["bounced"],
    &["optout"],
    &["ooo"],
    &["note"],
    &["undo"],
    &["enroll"],
    &["pause"],
    &["resume"],
    &["rate"],
    &["catch-up"],
    &["away"],
    &["decisions"],
    &["end"],
    &["triggers"],
    &["add", "trigger"],
    &["add", "account"],
    &["add", "player"],
    &["edit", "account"],
    &["edit", "player"],
    &["remove", "trigger"],
    &["remove", "player"],
    &["remove", "account"],
    &["report"],
    &["plays", "check"],
    &["plays", "list"],
    &["plays", "install"],
    &["import", "accounts"],
    &["import", "players"],
    &["import", "triggers"],
    &["import"],
    &["export", "ics"],
    &["export", "activity"],
    &["export", "accounts"],
    &["export", "players"],
    &["export", "triggers"],
    &["demo"],
];

const FLAGS: &[&str] = &[
    "--owner",
    "--filter",
    "--limit",
    "--format",
    "--date",
    "--outcome",
    "--note",
    "--reason",
    "--for",
    "--tomorrow",
    "--at",
    "--until",
    "--from",
    "--per-day",
    "--as",
    "--play",
    "--players",
    "--also",
    "--player",
    "--kind",
    "--source",
    "--domain",
    "--email",
    "--title",
    "--tier",
    "--role",
    "--zone",
    "--employees",
    "--revenue",
    "--status",
    "--negative",
    "--budget",
    "--authority",
    "--need",
    "--timing",
    "--period",
    "--map",
    "--dry-run",
    "--skip-bad",
    "--rejects",
    "--template",
    "--days",
    "--force",
    "--seed",
    "--now",
];

const VALUES: &[&str] = &[
    "1",
    "5",
    "12",
    "40",
    "0",
    "-1",
    "4294967296",
    "18446744073709551615",
    "Dana Kim",
    "Nobody",
    "Acme",
    "exec-trigger",
    "won",
    "no-response",
    "funding",
    "Europe/Berlin",
    "eva@mini.test",
    "=HYPERLINK(\"x\")",
    "multi-thread",
    "table",
    "json",
    "csv",
    "md",
    "sent",
    "connected",
    "2h",
    "30m",
    "200000000000d",
    "9223372036854775807m",
    "2026-11-25",
    "2999-12-31",
    "262143-01-01",
    "2026-11-24T09:30:00+01:00",
    "9999-12-31T23:59:59Z",
    "09:00",
    "25:00",
    "today",
    "7d",
    "30d",
    "99999999d",
    "2026-01-01..2026-12-31",
    "Firma=name",
    "\u{1b}]0;pwned\u{7}",
    "=SUM(A1)",
    "\u{202e}evil",
    "industry:saas",
    "tier:exec",
];

/// A command line from the CLI's own words, with hostile values.
pub fn cli_case(m: &mut Mutator) -> Vec<u8> {
    let mut args: Vec<String> = m.pick(SUBCOMMANDS).iter().map(ToString::to_string).collect();
    for _ in 0..m.below(5) {
        let word = match m.below(4) {
            0 => (*m.pick(FLAGS)).to_string(),
            1 => (*m.pick(VALUES)).to_string(),
            2 => format!("{}", m.below(200)),
            _ => {
                (*m.pick(&["accounts.csv", "players.csv", "hostile_accounts.csv", "hostile_players.csv", "play.toml"]))
                    .to_string()
            }
        };
        args.push(word);
    }
    args.join("\0").into_bytes()
}

/// Runs a command line in-process against the case's own database.
/// Nothing may reach a file outside the temp dir: file names are
/// resolved there, and a name that could point elsewhere is not run.
fn run_cli(dir: &Path, case: &[u8]) {
    let text = String::from_utf8_lossy(case);
    let mut args: Vec<String> = vec!["playbook".into()];
    for word in text.split('\0') {
        // A bare file name means the temp dir's file of that name.
        if ["accounts.csv", "players.csv", "hostile_accounts.csv", "hostile_players.csv", "play.toml"].contains(&word) {
            args.push(dir.join(word).display().to_string());
        } else {
            args.push(word.to_string());
        }
    }
    let Ok(parsed) = Cli::try_parse_from(&args) else { return };
    let Some(command) = parsed.command else { return };
    let touches_files = args.iter().any(|a| a == "import" || a == "plays");
    let inside = |a: &String| a.starts_with(&dir.display().to_string());
    let writes_outside = touches_files
        && args.iter().skip(1).any(|a| {
            !a.starts_with('-')
                && !inside(a)
                && (a.contains(['/', '.'])
                    || !["import", "plays", "accounts", "players", "check", "list", "install"].contains(&a.as_str()))
        });
    let big_demo = args.iter().any(|a| a == "--accounts");
    if writes_outside || big_demo {
        return;
    }
    let session = cli_session(dir, parsed.now);
    match cli::run(&session, command) {
        Ok(out) => {
            let _ = text::clean(&out);
        }
        Err(e) => assert_clean("an error", &cli::error_line(&e, session.db.file())),
    }
}
