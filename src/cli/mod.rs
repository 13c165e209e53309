//! The command line: clap definitions and the non-interactive commands.

mod output;
mod records;
mod report;
mod show;
mod transfer;

use crate::clock::Clock;
use crate::config::Config;
use crate::domain::Outcome;
use crate::engine::{Engine, On, Request, Response, SnoozeTo};
use crate::play::{self, Play, Severity};
use crate::store::{Store, Target};
use anyhow::{bail, Context as _, Result};
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use clap::{Args, Parser, Subcommand, ValueEnum};
pub use output::Format;
use std::path::PathBuf;

/// Run account-based sales plays: a ranked account list, each account's play,
/// and the queue of due touches.
#[derive(Debug, Parser)]
#[command(name = "playbook", version, about, propagate_version = true)]
pub struct Cli {
    /// Database file, or a team's postgres://user@host:port/db URL (password from PGPASSWORD or ~/.pgpass) [default: [store] url, else the platform data directory]
    #[arg(long, global = true, env = "PLAYBOOK_DB", value_name = "PATH|URL")]
    pub db: Option<PathBuf>,
    /// Config file [default: the platform config directory]
    #[arg(long, global = true, env = "PLAYBOOK_CONFIG", value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// Pin "now" (RFC 3339, e.g. 2026-11-23T09:30:00+01:00) for reproducible runs
    #[arg(long, global = true, env = "PLAYBOOK_NOW", value_name = "RFC3339", value_parser = Clock::parse_fixed)]
    pub now: Option<Clock>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// A team on one PostgreSQL database: `team init` gives each rep a role
    Team {
        #[command(subcommand)]
        action: TeamCommand,
    },
    /// Load the demo: 40 accounts, 3 reps, the shipped plays (or N synthetic accounts)
    Demo {
        /// Replace the data already in the database
        #[arg(long)]
        force: bool,
        /// Generate this many synthetic accounts instead (for benchmarks)
        #[arg(long, value_name = "N", value_parser = demo_accounts)]
        accounts: Option<usize>,
        /// Seed for synthetic accounts
        #[arg(long, default_value_t = 1, value_name = "S")]
        seed: u64,
    },
    /// The ranked account list
    Accounts {
        #[arg(long, value_name = "REP", value_parser = crate::cli::rep_name)]
        owner: Option<String>,
        /// e.g. "industry:saas region:emea acme"
        #[arg(long, value_name = "EXPR")]
        filter: Option<String>,
        #[arg(long, default_value_t = 50, value_name = "N", value_parser = list_rows)]
        limit: usize,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// One account's play: players, steps, touches, activity
    Account {
        #[arg(value_name = "ID_OR_NAME")]
        key: String,
        /// table or json (an account is not one table, so no csv)
        #[arg(long, default_value = "table", value_parser = ["table", "json"])]
        format: String,
    },
    /// The day's due and overdue touches, in the rep's zone
    Queue {
        #[arg(long, value_name = "REP", value_parser = crate::cli::rep_name)]
        owner: Option<String>,
        #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
        date: Option<NaiveDate>,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Mark a touch done
    Done {
        #[arg(value_parser = touch_id)]
        touch: i64,
        #[arg(long, value_enum)]
        outcome: Option<DoneOutcome>,
        #[arg(long, value_parser = note_text)]
        note: Option<String>,
    },
    /// Skip a touch; the player's thread moves on
    Skip {
        #[arg(value_parser = touch_id)]
        touch: i64,
        #[arg(long, value_parser = note_text)]
        reason: Option<String>,
    },
    /// Push a touch later (kept inside the player's hours)
    Snooze(SnoozeArgs),
    /// Log an open: a follow-up call becomes due within 24 hours
    Opened {
        #[command(flatten)]
        on: Whom,
    },
    /// Log a reply: the player's thread ends, the play pauses for you to decide
    Replied {
        #[command(flatten)]
        on: Whom,
        /// The reply was a no
        #[arg(long)]
        negative: bool,
        #[arg(long, value_parser = note_text)]
        note: Option<String>,
    },
    /// Log a booked meeting: the player's thread ends, the play pauses for you to decide
    Meeting {
        #[command(flatten)]
        on: Whom,
        #[arg(long, value_parser = note_text)]
        note: Option<String>,
    },
    /// Log a bounce: the player's thread ends
    Bounced {
        #[command(flatten)]
        on: Whom,
    },
    /// Log an opt-out: the player's thread ends
    Optout {
        #[command(flatten)]
        on: Whom,
    },
    /// Log an out-of-office reply: the thread resumes after DATE, spacing kept
    Ooo {
        #[command(flatten)]
        on: Whom,
        #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
        until: NaiveDate,
    },
    /// Add a note to a touch
    Note {
        #[arg(value_parser = touch_id)]
        touch: i64,
        #[arg(value_parser = note_text)]
        text: String,
    },
    /// Reverse the last action, including what it rescheduled
    Undo,
    /// Start a play on an account
    Enroll {
        account: String,
        play: String,
        /// Only these players (ids or emails, comma-separated)
        #[arg(long, value_name = "ID|EMAIL,...", value_delimiter = ',')]
        players: Vec<String>,
        /// Enroll players already in another running play (spacing still holds across plays)
        #[arg(long)]
        also: bool,
    },
    /// Pause an account's plays
    Pause {
        account: String,
        #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
        until: Option<NaiveDate>,
    },
    /// Resume an account's paused plays
    Resume { account: String },
    /// Plays paused by an answer, waiting for their owner to resume or end them
    Decisions {
        #[arg(long, value_name = "REP", value_parser = crate::cli::rep_name)]
        owner: Option<String>,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// End an account's plays: the owner's decision (undoable)
    End {
        account: String,
        /// How it ended: won (meeting held / opportunity), lost, disqualified or no-response
        #[arg(long = "as", value_name = "HOW", value_parser = parse_ending)]
        ending: crate::domain::Ending,
        /// Only this play (by name); others keep running
        #[arg(long, value_name = "PLAY")]
        play: Option<String>,
        #[arg(long, value_parser = note_text)]
        note: Option<String>,
    },
    /// Back from leave: spread your overdue touches over the coming working days
    CatchUp {
        /// Whose touches [default: [me] name in the config]
        #[arg(long, value_name = "REP", value_parser = crate::cli::rep_name)]
        owner: Option<String>,
        /// At most this many a day [default: [cadence] catch_up_per_day, 20]
        #[arg(long, value_name = "N", value_parser = catch_up_per_day)]
        per_day: Option<usize>,
        /// Show the plan and change nothing
        #[arg(long)]
        dry_run: bool,
    },
    /// Plan an absence: what is due while you are away moves past it, and what follows as far
    Away {
        /// Whose touches [default: [me] name in the config]
        #[arg(long, value_name = "REP", value_parser = crate::cli::rep_name)]
        owner: Option<String>,
        /// Your first day away
        #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
        from: NaiveDate,
        /// The day you are back: nothing is due before it
        #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
        until: NaiveDate,
    },
    /// Rate an account's BANT factors (1-5); it is ranked as scored once all four are rated
    Rate {
        account: String,
        #[arg(long, value_parser = clap::value_parser!(u8).range(1..=5))]
        budget: Option<u8>,
        #[arg(long, value_parser = clap::value_parser!(u8).range(1..=5))]
        authority: Option<u8>,
        #[arg(long, value_parser = clap::value_parser!(u8).range(1..=5))]
        need: Option<u8>,
        #[arg(long, value_parser = clap::value_parser!(u8).range(1..=5))]
        timing: Option<u8>,
    },
    /// The manager's review: plays and steps, stalled accounts, reps, funnel, pipeline
    Report {
        /// today, 7d, 30d or YYYY-MM-DD..YYYY-MM-DD
        #[arg(long, default_value = "7d", value_parser = period_text)]
        period: String,
        #[arg(long, value_name = "REP", value_parser = crate::cli::rep_name)]
        owner: Option<String>,
        #[arg(long, value_enum, default_value_t = report::ReportFormat::Table)]
        format: report::ReportFormat,
    },
    /// Add a trigger event, an account or a player by hand (undoable)
    #[command(subcommand)]
    Add(records::AddCommand),
    /// Change an account's or a player's fields (undoable)
    #[command(subcommand)]
    Edit(records::EditCommand),
    /// Remove a trigger event, a player or an account (undoable)
    #[command(subcommand)]
    Remove(records::RemoveCommand),
    /// "Why now" trigger events, freshest first
    Triggers {
        #[arg(value_name = "ACCOUNT")]
        account: Option<String>,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Check, list or install play files
    #[command(subcommand)]
    Plays(PlaysCommand),
    /// Import accounts or players from a CRM's CSV export
    Import(transfer::ImportArgs),
    /// Export the touches ahead (ics), the activity log, accounts or players
    #[command(subcommand)]
    Export(transfer::ExportCommand),
}

/// What a response answers: a touch, or a player's last sent touch.
#[derive(Debug, Args)]
#[group(required = true, multiple = false)]
pub struct Whom {
    /// The touch it answers; one not sent yet stands for the player's last sent touch in its play
    #[arg(value_parser = touch_id)]
    touch: Option<i64>,
    /// Or the player who answered (id or email): their last sent touch
    #[arg(long, value_name = "ID|EMAIL")]
    player: Option<String>,
}

impl Whom {
    /// Resolved to ids: a player's email is looked up here.
    fn on(&self, store: &Store) -> Result<On> {
        Ok(match (&self.player, self.touch) {
            (Some(key), _) => On::Player(store.find_player(key)?.id),
            (None, Some(touch)) => On::Touch(touch),
            (None, None) => bail!("name a touch or --player"),
        })
    }
}

#[derive(Debug, Args)]
pub struct SnoozeArgs {
    #[arg(value_parser = touch_id)]
    touch: i64,
    /// For this long: 30m, 1h, 2d
    #[arg(long = "for", value_name = "DURATION", value_parser = play::parse_duration, group = "to")]
    for_: Option<chrono::Duration>,
    /// Until tomorrow at --at (default 09:00) in the player's zone
    #[arg(long, group = "to")]
    tomorrow: bool,
    #[arg(long, value_name = "HH:MM", requires = "tomorrow", value_parser = crate::cadence::window::parse_time)]
    at: Option<NaiveTime>,
    /// Until an instant (RFC 3339)
    #[arg(long, value_name = "RFC3339", value_parser = parse_instant, group = "to")]
    until: Option<DateTime<Utc>>,
}

#[derive(Debug, Subcommand)]
pub enum PlaysCommand {
    /// Validate play files: syntax errors name line and column, rule problems name the step
    Check {
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// List installed plays
    List,
    /// Install play files (a changed play needs a new version number)
    Install {
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum DoneOutcome {
    Sent,
    Connected,
    Voicemail,
    NoAnswer,
}

/// A whole number typed as an argument, within `min..=max`.
fn whole(text: &str, what: &str, min: usize, max: usize) -> std::result::Result<usize, String> {
    let n: usize = text.trim().parse().map_err(|_| format!("{} is not a whole number", crate::text::quoted(text)))?;
    crate::limits::count(what, n, min, max)
}

fn list_rows(text: &str) -> std::result::Result<usize, String> {
    whole(text, "--limit", 1, crate::limits::LIST_ROWS)
}

fn demo_accounts(text: &str) -> std::result::Result<usize, String> {
    whole(text, "--accounts", 1, crate::limits::DEMO_ACCOUNTS)
}

fn catch_up_per_day(text: &str) -> std::result::Result<usize, String> {
    whole(text, "--per-day", 1, crate::limits::CATCH_UP_PER_DAY)
}

pub(crate) fn calendar_days(text: &str) -> std::result::Result<u32, String> {
    whole(text, "--days", 1, crate::limits::CALENDAR_DAYS as usize).map(|n| n as u32)
}

/// A rep's name as typed: it is stored on accounts and shown everywhere.
pub(crate) fn rep_name(text: &str) -> std::result::Result<String, String> {
    crate::limits::rep_name(text).map(str::to_string)
}

/// A note or reason: refused here (exit 2) when it is too long to store.
/// A touch's id, as the queue's first column shows it.
fn touch_id(text: &str) -> std::result::Result<i64, String> {
    text.trim()
        .trim_start_matches(['t', 'T', '#'])
        .parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or_else(|| "a touch is named by its id, a number: the first column of `playbook queue`".to_string())
}

fn note_text(text: &str) -> std::result::Result<String, String> {
    let chars = text.chars().count();
    crate::limits::count("a note", chars, 0, crate::limits::NOTE_CHARS)
        .map(|_| text.to_string())
        .map_err(|_| format!("{chars} characters; a note or reason holds at most {}", crate::limits::NOTE_CHARS))
}

/// A period's shape and length, checked as an argument; the dates it
/// covers are worked out later, in the rep's zone.
pub(crate) fn period_text(text: &str) -> std::result::Result<String, String> {
    let today = NaiveDate::from_ymd_opt(2500, 1, 1).unwrap_or_default();
    crate::report::Period::parse(text, today, chrono_tz::UTC).map(|_| text.to_string())
}

fn parse_ending(text: &str) -> std::result::Result<crate::domain::Ending, String> {
    text.parse().map_err(|_| {
        format!("{} is not a way to end a play: won, lost, disqualified or no-response", crate::text::quoted(text))
    })
}

pub(super) fn parse_date(text: &str) -> std::result::Result<NaiveDate, String> {
    let date = NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| format!("{} is not a date (YYYY-MM-DD)", crate::text::quoted(text)))?;
    crate::limits::date(date)
}

fn parse_instant(text: &str) -> std::result::Result<DateTime<Utc>, String> {
    match Clock::parse_fixed(text)? {
        Clock::Fixed(at) => Ok(at),
        Clock::System => Err("unexpected".into()),
    }
}

/// An error as the one line the user reads: each cause said once (a cause
/// already in the text is not repeated), without OS error numbers, and for
/// a busy database who holds it and what to do.
pub fn error_line(e: &anyhow::Error, db: Option<&std::path::Path>) -> String {
    let mut text = String::new();
    for cause in e.chain() {
        let said = cause.to_string();
        let said = said.trim();
        if said.is_empty() || text.contains(said) {
            continue;
        }
        if !text.is_empty() {
            text.push_str(": ");
        }
        text.push_str(said);
    }
    while let Some(start) = text.find(" (os error ") {
        let end = text[start..].find(')').map_or(text.len(), |i| start + i + 1);
        text.replace_range(start..end, "");
    }
    let store_error = e.chain().find_map(|c| {
        c.downcast_ref::<crate::store::StoreError>().or_else(|| match c.downcast_ref::<crate::engine::EngineError>() {
            Some(crate::engine::EngineError::Store(s)) => Some(s),
            _ => None,
        })
    });
    let path = db.map_or_else(|| "the database".to_string(), |p| p.display().to_string());
    match store_error.and_then(crate::store::StoreError::sqlite_code) {
        Some(rusqlite::ErrorCode::ReadOnly) => {
            text = format!(
                "{path} is read-only for you: nothing was changed; make it and its -wal and -shm files writable (chmod u+w), or work on a copy"
            );
        }
        Some(rusqlite::ErrorCode::DiskFull) => text = format!("the disk holding {path} is full: nothing was changed"),
        Some(rusqlite::ErrorCode::DatabaseCorrupt | rusqlite::ErrorCode::NotADatabase) => {
            text = format!("{path} is damaged ({text}); restore it from a backup");
        }
        _ => {}
    }
    if store_error.is_some_and(crate::store::StoreError::is_busy) {
        let holders = db.map(crate::files::holders).unwrap_or_default();
        let who = if holders.is_empty() { "another playbook".to_string() } else { holders.join(", ") };
        text = format!(
            "the database is busy: {who} has been writing to it for more than 5 seconds; nothing was changed, try again when it finishes"
        );
    }
    crate::text::clean(&text).into_owned()
}

/// Where the database lives unless `--db` says otherwise.
pub fn default_db_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "playbook").map(|d| d.data_dir().join("playbook.db"))
}

/// Everything a command needs: settings, the store, and "now".
pub struct Session {
    pub config: Config,
    pub clock: Clock,
    pub db: Target,
}

impl Session {
    pub fn new(cli: &Cli) -> Result<Session> {
        let config = match &cli.config {
            Some(path) => Config::load(path, true)?,
            None => match Config::default_path() {
                Some(path) => Config::load(&path, false)?,
                None => Config::default(),
            },
        };
        let db = if let Some(p) = &cli.db {
            let text = p.to_string_lossy();
            if text.contains("://") && !matches!(Target::parse(p.as_os_str()), Target::Server(_)) {
                bail!(
                    "--db takes a file path or a postgres://user@host:port/database URL, not {}",
                    crate::text::fit(&text, 60)
                );
            }
            Target::parse(p.as_os_str())
        } else if let Some(url) = &config.store_url {
            Target::parse(std::ffi::OsStr::new(url))
        } else {
            let path = default_db_path().context("no data directory on this platform; pass --db PATH")?;
            // The platform's data directory is ours to create (0700); a
            // directory named in --db must exist already.
            if let Some(dir) = path.parent() {
                crate::files::create_dirs(dir).map_err(|e| {
                    anyhow::anyhow!(
                        "cannot create the data directory {}: {}",
                        dir.display(),
                        crate::files::describe(&e)
                    )
                })?;
            }
            Target::File(path)
        };
        Ok(Session { config, clock: cli.now.unwrap_or(Clock::System), db })
    }

    pub fn engine(&self) -> Engine {
        Engine::new(&self.config, self.clock.now())
    }

    /// Opens the store; warns on stderr when other users can read it.
    pub fn open(&self) -> Result<Store> {
        let store = self.open_quietly()?;
        if let Some(warning) = self.exposure_warning() {
            eprintln!("playbook: warning: {}", crate::text::one_line(&warning));
        }
        Ok(store)
    }

    /// Opens the store as every command and the UI do (the UI shows the
    /// exposure warning in its status bar instead).
    pub fn open_quietly(&self) -> Result<Store> {
        let mut store = self.db.open()?;
        self.check_member(&store)?;
        // Timed pauses that have run out end before anything is read; on a
        // database this user cannot write, reads go on without it.
        let _ = self.engine().settle_pauses(&mut store);
        Ok(store)
    }

    /// On a team's database, a rep's role acts for that rep only: `[me]`
    /// must name them, so every action records the rep the database knows.
    pub fn check_member(&self, store: &Store) -> Result<()> {
        if let Some((Some(rep), _)) = store.team_member()? {
            let me = self.config.me.as_deref().unwrap_or("");
            if !me.eq_ignore_ascii_case(&rep) {
                let said = if me.is_empty() { "names nobody".to_string() } else { format!("says {me}") };
                bail!("you are connected with {rep}'s database role but [me] in your config {said}: set [me] name = \"{rep}\"");
            }
        }
        Ok(())
    }

    /// The database holds names, emails and notes: say so when its mode
    /// lets other users read it.
    pub fn exposure_warning(&self) -> Option<String> {
        let file = self.db.file()?;
        crate::files::readable_by_others(file).then(|| {
            let path = file.display();
            format!("{path} can be read by other users; make it private with: chmod 600 {path}")
        })
    }

    /// `--owner`, else the configured rep: checked against the store's
    /// reps and spelled as stored.
    fn owner(&self, engine: &Engine, store: &Store, given: Option<String>) -> Result<Option<String>> {
        Ok(engine.check_owner(store, given.or_else(|| self.config.me.clone()).as_deref())?)
    }
}

/// What an action says it did, on one line (it names accounts and players).
fn said(message: String) -> String {
    match crate::text::one_line(&message) {
        std::borrow::Cow::Borrowed(_) => message,
        std::borrow::Cow::Owned(line) => line,
    }
}

/// The day's queue; as a table, the decisions waiting come first, since
/// the owner acts on them before any touch.
fn queue_text(engine: &Engine, store: &Store, owner: Option<&str>, date: NaiveDate, format: Format) -> Result<String> {
    let zone = engine.rep_zone(store, owner)?;
    let items = engine.queue(store, owner, date, false)?;
    let touches = show::queue(&items, format, zone, engine)?;
    if format != Format::Table {
        return Ok(touches);
    }
    let waiting = engine.decisions(store, owner)?;
    if waiting.is_empty() {
        return Ok(touches);
    }
    let decisions = show::decisions(&waiting, format, zone, engine.now)?;
    Ok(format!("Needs decision\n{decisions}\n\nDue touches\n{touches}"))
}

/// Applies one user action: the store opened, names resolved to ids by
/// `build`, the engine's one path; returns what it did, on one line.
pub(super) fn act(session: &Session, build: impl FnOnce(&Store) -> Result<Request>) -> Result<String> {
    let mut store = session.open()?;
    let request = build(&store)?;
    Ok(said(session.engine().apply(&mut store, request)?))
}

fn respond(session: &Session, on: &Whom, response: Response, note: Option<String>) -> Result<String> {
    act(session, |store| Ok(Request::Respond { on: on.on(store)?, response, note }))
}

/// What `team` does.
#[derive(Debug, Clone, Subcommand)]
pub enum TeamCommand {
    /// Create a login role per rep and a manager role, bound by row-level
    /// security (run as the database owner; set each role's password after)
    Init,
    /// Move a rep's own SQLite store into the team's database (accounts
    /// matched by domain, players by email; history and undo kept). Pushing
    /// the same file again adds nothing. Run by the owner or a manager.
    Push {
        /// The rep's SQLite file
        file: PathBuf,
        /// The team's database [default: --db, PLAYBOOK_DB or [store] url]
        #[arg(long, value_name = "URL")]
        to: Option<String>,
    },
}

#[allow(clippy::needless_pass_by_value)] // a parsed command, used once
fn team(session: &Session, action: TeamCommand) -> Result<String> {
    match action {
        TeamCommand::Init => {
            let store = session.open()?;
            let roles = store.team_init()?;
            let mut out = String::new();
            for r in &roles {
                let who = r.rep.as_deref().map_or_else(|| "the manager".to_string(), |rep| format!("rep {rep}"));
                let state = if r.created { "created" } else { "kept" };
                out.push_str(&format!("{who}: role {} ({state})\n", r.role));
            }
            out.push_str(
                "give each role a password (psql: ALTER ROLE name PASSWORD '...'); each rep connects as their role with [me] name set to their rep, and PGPASSWORD or ~/.pgpass",
            );
            Ok(out)
        }
        TeamCommand::Push { file, to } => {
            let target = to.map_or_else(|| session.db.clone(), |url| Target::parse(std::ffi::OsStr::new(&url)));
            if target.file().is_some_and(|t| crate::files::same_file(t, &file)) {
                bail!("{} is the team's database itself: name the rep's own file", file.display());
            }
            if !file.is_file() {
                bail!("no file {}: name the rep's playbook database", file.display());
            }
            let source = Store::open(&file)?;
            let mut store = target.open()?;
            session.check_member(&store)?;
            let summary = store.push_from(&source)?;
            let mut parts = Vec::new();
            for (table, added, matched, before) in &summary.tables {
                if added + matched + before > 0 {
                    let mut part = format!("{table}: {added} added");
                    if *matched > 0 {
                        part.push_str(&format!(", {matched} matched"));
                    }
                    if *before > 0 {
                        part.push_str(&format!(", {before} pushed before"));
                    }
                    parts.push(part);
                }
            }
            let mut out = format!("pushed {} into {}: {}", file.display(), target.display(), parts.join("; "));
            if summary.not_undoable > 0 {
                out.push_str(&format!(
                    "; {} kept as history only (what they changed is not in the team's database, so undo skips them)",
                    crate::text::count(summary.not_undoable, "action", "actions")
                ));
            }
            Ok(out)
        }
    }
}

/// Runs a non-interactive command; returns what to print.
pub fn run(session: &Session, command: Command) -> Result<String> {
    let engine = session.engine();
    match command {
        Command::Demo { force, accounts, seed } => {
            let mut store = session.open()?;
            if !store.is_empty()? && !force {
                bail!("{} already holds data; pass --force to replace it with the demo", session.db.display());
            }
            let summary = match accounts {
                Some(n) => crate::demo::generate(&mut store, &engine.policy, engine.now, n, seed)?,
                None => crate::demo::load_shipped(&mut store, &engine.policy, engine.now)?,
            };
            Ok(format!(
                "demo loaded into {}: {}, {}, {}, {}",
                session.db.display(),
                crate::text::count(summary.accounts, "account", "accounts"),
                crate::text::count(summary.players, "player", "players"),
                crate::text::count(summary.touches, "touch", "touches"),
                crate::text::count(summary.reps, "rep", "reps")
            ))
        }
        Command::Accounts { owner, filter, limit, format } => {
            let store = session.open()?;
            let mut f = match filter {
                Some(expr) => crate::engine::parse_filter(&expr).map_err(anyhow::Error::msg)?,
                None => crate::store::AccountFilter::default(),
            };
            if f.owner.is_none() {
                f.owner = session.owner(&engine, &store, owner)?;
            }
            let items = engine.accounts(&store, &f, limit, 0)?;
            show::accounts(&items, format, &engine)
        }
        Command::Account { key, format } => {
            let store = session.open()?;
            let detail = engine.account_detail(&store, &key)?;
            show::account(&detail, if format == "json" { Format::Json } else { Format::Table }, &engine)
        }
        Command::Queue { owner, date, format } => {
            let store = session.open()?;
            let owner = session.owner(&engine, &store, owner)?;
            let zone = engine.rep_zone(&store, owner.as_deref())?;
            let date = date.unwrap_or_else(|| engine.today(zone));
            queue_text(&engine, &store, owner.as_deref(), date, format)
        }
        Command::Done { touch, outcome, note } => {
            let outcome = outcome.map(|o| match o {
                DoneOutcome::Sent => Outcome::Sent,
                DoneOutcome::Connected => Outcome::Connected,
                DoneOutcome::Voicemail => Outcome::Voicemail,
                DoneOutcome::NoAnswer => Outcome::NoAnswer,
            });
            act(session, |_| Ok(Request::Done { touch, outcome, note }))
        }
        Command::Skip { touch, reason } => act(session, |_| Ok(Request::Skip { touch, reason })),
        Command::Snooze(a) => {
            let to = match (a.for_, a.tomorrow, a.until) {
                (Some(d), _, _) => Some(SnoozeTo::For(d)),
                (_, true, _) => Some(SnoozeTo::Tomorrow(a.at)),
                (_, _, Some(at)) => Some(SnoozeTo::Until(at)),
                _ => None,
            };
            act(session, |_| Ok(Request::Snooze { touch: a.touch, to }))
        }
        Command::Opened { on } => respond(session, &on, Response::Opened, None),
        Command::Replied { on, negative, note } => {
            respond(session, &on, Response::Replied { positive: !negative }, note)
        }
        Command::Meeting { on, note } => respond(session, &on, Response::Meeting, note),
        Command::Bounced { on } => respond(session, &on, Response::Bounced, None),
        Command::Optout { on } => respond(session, &on, Response::OptedOut, None),
        Command::Ooo { on, until } => respond(session, &on, Response::OutOfOffice { until }, None),
        Command::Note { touch, text } => act(session, |_| Ok(Request::Note { touch, text })),
        Command::Undo => act(session, |_| Ok(Request::Undo)),
        Command::Enroll { account, play, players, also } => act(session, |store| {
            let players = players.iter().map(|key| Ok(store.find_player(key)?.id)).collect::<Result<Vec<i64>>>()?;
            Ok(Request::Enroll { account: store.find_account(&account)?.id, play, players, also })
        }),
        Command::Pause { account, until } => {
            act(session, |store| Ok(Request::Pause { account: store.find_account(&account)?.id, until }))
        }
        Command::Resume { account } => {
            act(session, |store| Ok(Request::Resume { account: store.find_account(&account)?.id }))
        }
        Command::Team { action } => team(session, action),
        Command::Decisions { owner, format } => {
            let store = session.open()?;
            let owner = session.owner(&engine, &store, owner)?;
            let zone = engine.rep_zone(&store, owner.as_deref())?;
            show::decisions(&engine.decisions(&store, owner.as_deref())?, format, zone, engine.now)
        }
        Command::End { account, ending, play, note } => {
            act(session, |store| Ok(Request::End { account: store.find_account(&account)?.id, ending, play, note }))
        }
        Command::CatchUp { owner, per_day, dry_run } => {
            act(session, |_| Ok(Request::CatchUp { owner, per_day, dry_run }))
        }
        Command::Away { owner, from, until } => act(session, |_| Ok(Request::Away { owner, from, until })),
        Command::Rate { account, budget, authority, need, timing } => act(session, |store| {
            Ok(Request::Rate { account: store.find_account(&account)?.id, factors: [budget, authority, need, timing] })
        }),
        Command::Add(cmd) => records::add(session, cmd),
        Command::Edit(cmd) => records::edit(session, cmd),
        Command::Remove(cmd) => records::remove(session, cmd),
        Command::Triggers { account, format } => records::triggers(session, account.as_deref(), format),
        Command::Plays(cmd) => plays(session, &engine, cmd),
        Command::Report { period, owner, format } => {
            let store = session.open()?;
            let owner = engine.check_owner(&store, owner.as_deref())?;
            let report = engine.review(&store, &session.config.pipeline, &period, owner.as_deref())?;
            report::render(&report, format)
        }
        Command::Import(args) => transfer::import(session, &engine, args),
        Command::Export(cmd) => transfer::export(session, &engine, cmd),
    }
}

fn plays(session: &Session, engine: &Engine, cmd: PlaysCommand) -> Result<String> {
    match cmd {
        PlaysCommand::Check { files } => {
            let mut out = Vec::new();
            let mut errors = 0;
            for file in files {
                let text = crate::files::read_text(&file, crate::limits::FILE_BYTES).map_err(anyhow::Error::msg)?;
                match Play::parse(&text) {
                    Err(e) => {
                        errors += 1;
                        out.push(format!("{}:{}:{}: error: {}", file.display(), e.line, e.column, e.message));
                    }
                    Ok(play) => {
                        let findings = play::check(&play, &engine.policy);
                        errors += findings.iter().filter(|f| f.severity == Severity::Error).count();
                        if findings.is_empty() {
                            let steps = crate::text::count(play.steps.len(), "step", "steps");
                            let needs = play.account_needs();
                            let needs = if needs.is_empty() {
                                String::new()
                            } else {
                                let how: Vec<&str> = needs
                                    .iter()
                                    .map(|n| match *n {
                                        "a trigger event" => "playbook add trigger ACCOUNT TEXT",
                                        "an industry" => "playbook edit account ACCOUNT --industry ...",
                                        _ => "playbook edit account ACCOUNT --region ...",
                                    })
                                    .collect();
                                format!("; each account needs {}: {}", needs.join(" and "), how.join(", "))
                            };
                            out.push(format!("{}: ok ({}, {steps}{needs})", file.display(), play.label()));
                        }
                        for f in findings {
                            out.push(format!("{}:{f}", file.display()));
                        }
                    }
                }
            }
            if errors > 0 {
                bail!("{}\n{}", out.join("\n"), crate::text::count(errors, "error", "errors"));
            }
            Ok(out.join("\n"))
        }
        PlaysCommand::List => {
            let store = session.open()?;
            let rows: Vec<Vec<String>> =
                store.plays()?.into_iter().map(|p| vec![p.name, format!("v{}", p.version), p.title]).collect();
            Ok(output::table(&["play", "version", "title"], &rows))
        }
        PlaysCommand::Install { files } => {
            let mut store = session.open()?;
            let loader = store.loader()?;
            let mut out = Vec::new();
            for file in files {
                let text = crate::files::read_text(&file, crate::limits::FILE_BYTES).map_err(anyhow::Error::msg)?;
                let play = Play::parse(&text)
                    .map_err(|e| anyhow::anyhow!("{}:{}:{}: {}", file.display(), e.line, e.column, e.message))?;
                let problems: Vec<String> = play::check(&play, &engine.policy)
                    .into_iter()
                    .filter(|f| f.severity == Severity::Error)
                    .map(|f| format!("{}:{f}", file.display()))
                    .collect();
                if !problems.is_empty() {
                    bail!("{}\nnothing installed", problems.join("\n"));
                }
                loader.install_play(&text, engine.now)?;
                out.push(format!("installed {}", play.label()));
            }
            loader.commit()?;
            Ok(out.join("\n"))
        }
    }
}

/// `playbook` with no command: the demo on first run, then the day's queue.
pub fn morning(session: &Session) -> Result<()> {
    let fresh = session.db.is_missing();
    let mut store = session.open()?;
    let engine = session.engine();
    if fresh || store.is_empty()? {
        crate::demo::load_shipped(&mut store, &engine.policy, engine.now)?;
        let notice = format!("demo data - see README to import your own ({})", session.db.display());
        println!("{}", crate::text::clean(&notice));
    }
    let owner = engine.check_owner(&store, session.config.me.as_deref())?;
    let zone = engine.rep_zone(&store, owner.as_deref())?;
    let text = queue_text(&engine, &store, owner.as_deref(), engine.today(zone), Format::Table)?;
    println!("{}", crate::text::clean(&text));
    Ok(())
}
