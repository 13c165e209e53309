//! The event loop: terminal events and clock ticks become messages, `update`
//! turns them into effects, effects run against the store and come back as
//! messages, and the model is drawn.

use super::keymap::Keymap;
use super::model::Model;
use super::update::{update, Effect, Msg, ACCOUNTS_PAGE};
use super::view;
use crate::clock::Clock;
use crate::config::Config;
use crate::engine::{parse_filter, Engine};
use crate::store::{AccountFilter, Store};
use std::collections::VecDeque;
use std::io::Write as _;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// The running UI: the store, the settings, the clock and the model.
pub struct App {
    pub store: Store,
    pub config: Config,
    pub clock: Clock,
    pub model: Model,
    /// Where failures are logged (never to the screen the UI owns).
    pub log: Option<PathBuf>,
    /// The store's `data_version` when last looked at.
    seen_version: Option<i64>,
    /// The last action may have changed the decisions waiting.
    decisions_stale: bool,
    /// Where `y` and `g` hand a touch over.
    pub outside: Outside,
}

/// Where the clipboard and the opener are.
#[derive(Debug)]
pub enum Outside {
    /// Nothing leaves the process: each copy and open is kept here (tests,
    /// benchmarks, fuzzing never launch a browser).
    Recorded(Vec<Effect>),
    /// The terminal's clipboard (OSC 52 on stdout) and this opener.
    System(super::handoff::Opener),
}

/// Mouse reporting on while it lives.
struct MouseCapture;

impl MouseCapture {
    fn start() -> MouseCapture {
        let _ = crossterm::execute!(std::io::stdout(), crossterm::event::EnableMouseCapture);
        MouseCapture
    }
}

impl Drop for MouseCapture {
    fn drop(&mut self) {
        let _ = crossterm::execute!(std::io::stdout(), crossterm::event::DisableMouseCapture);
    }
}

/// How many of the rep's accounts get a rank number in the queue.
const RANKED_FOR_QUEUE: usize = 300;

impl App {
    /// Refuses a configured rep (`[me] name`) the store does not know,
    /// before the terminal is taken over.
    pub fn new(
        store: Store,
        mut config: Config,
        clock: Clock,
        keymap: Keymap,
    ) -> Result<App, crate::engine::EngineError> {
        let engine = Engine::new(&config, clock.now());
        let owner = engine.check_owner(&store, config.me.as_deref())?;
        // Spelled as stored from here on: the queue and the activity log use it.
        config.me.clone_from(&owner);
        let zone = engine.rep_zone(&store, owner.as_deref())?;
        let model = Model::new(keymap, engine.now, owner, zone);
        let seen_version = store.data_version().ok();
        Ok(App {
            store,
            config,
            clock,
            model,
            log: None,
            seen_version,
            decisions_stale: false,
            outside: Outside::Recorded(vec![]),
        })
    }

    fn engine(&self) -> Engine {
        Engine::new(&self.config, self.clock.now())
    }

    /// Runs a message and every effect it leads to.
    pub fn dispatch(&mut self, msg: Msg) {
        let mut pending = VecDeque::from([msg]);
        while let Some(msg) = pending.pop_front() {
            for effect in update(&mut self.model, msg) {
                pending.push_back(self.run(effect));
            }
        }
    }

    fn run(&mut self, effect: Effect) -> Msg {
        let result = self.try_run(effect);
        result.unwrap_or_else(|e| {
            self.log_line(&e);
            Msg::Failed(e)
        })
    }

    fn try_run(&mut self, effect: Effect) -> Result<Msg, String> {
        let engine = self.engine();
        let owner = self.model.owner.clone();
        let text = |e: crate::engine::EngineError| e.to_string();
        match effect {
            Effect::LoadQueue => {
                // A timed pause that ran out while the screen was open ends now.
                let _ = engine.settle_pauses(&mut self.store);
                self.read_queue(&engine, true, true)
            }
            Effect::ReloadQueue => {
                let decisions = std::mem::take(&mut self.decisions_stale);
                self.read_queue(&engine, decisions, false)
            }
            Effect::LoadContent { touch, play } => {
                let row = self.store.touch(touch).map_err(|e| e.to_string())?;
                let content = engine.touch_content(&self.store, &row, play).map_err(text);
                let answer = self.store.last_answer(row.player_id).map_err(|e| e.to_string())?.map(|a| {
                    let by = a.channel.map(|c| format!(" by {c}")).unwrap_or_default();
                    format!("{}{by} {}", a.outcome.label(), crate::text::ago(a.at, engine.now))
                });
                Ok(Msg::ContentLoaded { touch, content, answer })
            }
            Effect::LoadAccounts { offset } => {
                let mut filter = parse_filter(&self.model.accounts.filter)?;
                // Your book unless you asked for every rep's (`o`) or named
                // one (`owner:luis`).
                if filter.owner.is_none() && filter.owner_like.is_none() {
                    if let Some(rep) = &self.model.accounts.rep {
                        filter.owner = Some(rep.clone());
                    } else if !self.model.accounts.everyone {
                        filter.owner = owner;
                    }
                }
                // Read again from the top, as many rows as were loaded: the
                // cursor's account is among them wherever it went.
                let rows = if offset == 0 { self.model.accounts.items.len().max(ACCOUNTS_PAGE) } else { ACCOUNTS_PAGE };
                let rows = rows.min(crate::limits::LIST_ROWS);
                let items = engine.accounts(&self.store, &filter, rows, offset).map_err(text)?;
                let more = items.len() == rows;
                Ok(Msg::AccountsLoaded { items, append: offset > 0, more })
            }
            Effect::LoadAccount(id) => {
                let detail = engine.account_detail(&self.store, &id.to_string()).map_err(text)?;
                Ok(Msg::AccountLoaded(Box::new(detail)))
            }
            Effect::LoadPlays(account) => {
                let mut plays: Vec<String> =
                    self.store.plays().map_err(|e| e.to_string())?.into_iter().map(|p| p.name).collect();
                plays.dedup();
                Ok(Msg::PlaysLoaded { account, plays })
            }
            Effect::LoadReport { period, owner } => {
                let report =
                    engine.review(&self.store, &self.config.pipeline, &period, owner.as_deref()).map_err(text)?;
                Ok(Msg::ReportLoaded(Box::new(report)))
            }
            Effect::Act(request) => {
                self.decisions_stale = request.changes_decisions();
                engine.apply(&mut self.store, request).map(Msg::ActionDone).map_err(text)
            }
            Effect::Copy { text, said } => {
                match &mut self.outside {
                    Outside::Recorded(done) => done.push(Effect::Copy { text, said: said.clone() }),
                    Outside::System(_) => {
                        // Between two frames: the sequence moves no cursor.
                        let mut out = std::io::stdout().lock();
                        out.write_all(super::handoff::osc52(&text).as_bytes())
                            .and_then(|()| out.flush())
                            .map_err(|e| format!("could not write to the clipboard: {e}"))?;
                    }
                }
                Ok(Msg::HandedOver(said))
            }
            Effect::Open { uri, said } => {
                match &mut self.outside {
                    Outside::Recorded(done) => done.push(Effect::Open { uri, said: said.clone() }),
                    Outside::System(opener) => opener.open(&uri).map_err(|e| {
                        format!("could not run {}: {e} (set $BROWSER or PLAYBOOK_OPENER)", opener.program)
                    })?,
                }
                Ok(Msg::HandedOver(said))
            }
        }
    }

    fn log_line(&self, text: &str) {
        if let Some(path) = &self.log {
            if let Ok(mut f) = crate::files::append(path) {
                let _ = writeln!(f, "{} error: {}", self.clock.now().to_rfc3339(), crate::text::one_line(text));
            }
        }
    }

    /// Draws into any backend; used by the loop and by tests.
    pub fn draw<B: ratatui::backend::Backend>(&self, terminal: &mut ratatui::Terminal<B>) -> Result<(), B::Error> {
        terminal.draw(|frame| view::render(&self.model, frame)).map(drop)
    }

    /// Runs until quit, SIGTERM or SIGINT, restoring the terminal on the way out.
    pub fn run_loop(&mut self) -> anyhow::Result<()> {
        let stop = Arc::new(AtomicBool::new(false));
        signal_hook::flag::register(signal_hook::consts::SIGTERM, Arc::clone(&stop))?;
        signal_hook::flag::register(signal_hook::consts::SIGHUP, Arc::clone(&stop))?;
        let finished = Arc::new(AtomicBool::new(false));
        super::hangup::watch(Arc::clone(&stop), Arc::clone(&finished));
        // ratatui::init installs a panic hook that restores the terminal.
        let mut terminal = ratatui::init();
        // The mouse is given back however the loop ends (a panic unwinds
        // through this guard too).
        let mouse = self.config.mouse.then(MouseCapture::start);
        let result = self.event_loop(&mut terminal, &stop);
        drop(mouse);
        finished.store(true, Ordering::Relaxed);
        ratatui::restore();
        result
    }

    fn event_loop(&mut self, terminal: &mut ratatui::DefaultTerminal, stop: &AtomicBool) -> anyhow::Result<()> {
        // The first frame goes up before the first query.
        let size = terminal.size()?;
        self.dispatch(Msg::Resize(size.width, size.height));
        self.draw(terminal)?;
        self.dispatch_load();
        self.draw(terminal)?;
        let tick = Duration::from_millis(500);
        let mut last_tick = std::time::Instant::now();
        while !self.model.quit && !stop.load(Ordering::Relaxed) {
            let mut redraw = false;
            if crossterm::event::poll(tick.saturating_sub(last_tick.elapsed()))? {
                match crossterm::event::read()? {
                    crossterm::event::Event::Key(key) if key.kind == crossterm::event::KeyEventKind::Press => {
                        self.dispatch(Msg::Key(key));
                        redraw = true;
                    }
                    crossterm::event::Event::Mouse(event)
                        if !matches!(event.kind, crossterm::event::MouseEventKind::Moved) =>
                    {
                        self.dispatch(Msg::Mouse(event));
                        redraw = true;
                    }
                    crossterm::event::Event::Resize(width, height) => {
                        self.dispatch(Msg::Resize(width, height));
                        redraw = true;
                    }
                    _ => {}
                }
            }
            // Every half second, keys or not: the clock, and a change from
            // another process shows without a key press.
            if last_tick.elapsed() >= tick {
                last_tick = std::time::Instant::now();
                self.dispatch(Msg::Tick(self.clock.now()));
                if self.store_changed() {
                    self.dispatch(Msg::StoreChanged);
                }
                redraw = true;
            }
            if redraw {
                self.draw(terminal)?;
            }
        }
        Ok(())
    }

    /// The queue's touches; its decisions and rank numbers read again, or
    /// kept as shown.
    fn read_queue(&self, engine: &Engine, decisions: bool, ranks: bool) -> Result<Msg, String> {
        let owner = self.model.owner.clone();
        let text = |e: crate::engine::EngineError| e.to_string();
        let today = engine.today(self.model.zone);
        let items = engine.queue(&self.store, owner.as_deref(), today, true).map_err(text)?;
        let decisions = if decisions {
            engine.decisions(&self.store, owner.as_deref()).map_err(text)?
        } else {
            self.model.queue.decisions.clone()
        };
        let ranks = if ranks {
            let filter = AccountFilter { owner, ..AccountFilter::default() };
            engine
                .accounts(&self.store, &filter, RANKED_FOR_QUEUE, 0)
                .map_err(text)?
                .into_iter()
                .map(|i| (i.row.account.id, i.rank))
                .collect()
        } else {
            self.model.queue.ranks.clone()
        };
        Ok(Msg::QueueLoaded { decisions, items, ranks })
    }

    /// Whether another connection has committed since the last look.
    pub fn store_changed(&mut self) -> bool {
        let now = self.store.data_version().ok();
        let changed = now.is_some() && self.seen_version.is_some() && now != self.seen_version;
        if now.is_some() {
            self.seen_version = now;
        }
        changed
    }

    /// Loads the queue (the default screen's data).
    pub fn dispatch_load(&mut self) {
        let msg = self.run(Effect::LoadQueue);
        self.dispatch(msg);
    }
}
