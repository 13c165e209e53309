//! `playbook import` and `playbook export`.

use super::Session;
use crate::engine::Engine;
use crate::export::{self, DataFormat};
use crate::import::{self, describe, Kind, Options, Plan};
use anyhow::{bail, Result};
use clap::{Args, Subcommand, ValueEnum};
use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ImportKind {
    Accounts,
    Players,
    Triggers,
}

impl ImportKind {
    /// The CRM table it is, or None for trigger events (imported on their own).
    fn table(self) -> Option<Kind> {
        match self {
            ImportKind::Accounts => Some(Kind::Accounts),
            ImportKind::Players => Some(Kind::Players),
            ImportKind::Triggers => None,
        }
    }
}

/// The header `import triggers` reads and `export triggers` writes.
const TRIGGER_HEADER: [&str; 6] = ["account", "domain", "date", "kind", "text", "source"];

/// Which trigger field a header names (as CRMs and spreadsheets spell them).
fn trigger_field(header: &str) -> Option<usize> {
    let h = crate::import::fields::squash(header);
    let field = match h.as_str() {
        "account" | "accountname" | "company" | "name" => "account",
        "domain" | "accountdomain" | "website" | "web" => "domain",
        "date" | "occurredon" | "on" | "when" => "date",
        "kind" | "type" | "category" => "kind",
        "text" | "summary" | "trigger" | "event" | "description" => "text",
        "source" | "url" | "link" => "source",
        _ => return None,
    };
    TRIGGER_HEADER.iter().position(|f| *f == field)
}

fn import_triggers(
    session: &Session,
    engine: &Engine,
    file: &Path,
    bytes: &[u8],
    dry_run: bool,
    rejects: Option<&Path>,
) -> Result<String> {
    let table = crate::import::table::read(bytes).map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
    let fields: Vec<Option<usize>> = table.headers.iter().map(|h| trigger_field(h)).collect();
    if !fields.contains(&Some(4)) || !(fields.contains(&Some(0)) || fields.contains(&Some(1))) {
        bail!(
            "{}: a trigger file needs a text column and an account or domain column (header: {})",
            file.display(),
            TRIGGER_HEADER.join(",")
        );
    }
    let mut rows = Vec::new();
    for record in &table.records {
        let mut row = crate::engine::TriggerRow { line: record.line, ..Default::default() };
        for (field, cell) in fields.iter().zip(&record.cells) {
            let cell = Some(cell.trim().to_string()).filter(|c| !c.is_empty());
            match field {
                Some(0) => row.account = cell,
                Some(1) => row.domain = cell,
                Some(2) => row.date = cell,
                Some(3) => row.kind = cell,
                Some(4) => row.text = cell,
                Some(5) => row.source = cell,
                _ => {}
            }
        }
        rows.push(row);
    }
    let mut store = session.open()?;
    // With --skip-bad, a dry pass first finds the rows to write aside.
    let done = engine.import_triggers(&mut store, &rows, dry_run || rejects.is_some(), rejects.is_some())?;
    // The rejected rows are written before anything is imported: if they
    // cannot be, nothing is.
    let written = match rejects.filter(|_| !done.rejected.is_empty() && !dry_run) {
        Some(path) => {
            let mut headers: Vec<&str> = vec!["line", "problem"];
            headers.extend(table.headers.iter().map(String::as_str));
            let lines: Vec<Vec<String>> = done
                .rejected
                .iter()
                .map(|(line, why)| {
                    let cells =
                        table.records.iter().find(|r| r.line == *line).map(|r| r.cells.clone()).unwrap_or_default();
                    [line.to_string(), why.clone()].into_iter().chain(cells).collect()
                })
                .collect();
            write_rejects(session, file, path, &crate::text::csv::document(&headers, lines))?;
            Some(path)
        }
        None => None,
    };
    let done =
        if dry_run || rejects.is_none() { done } else { engine.import_triggers(&mut store, &rows, false, true)? };
    let mut out = if dry_run {
        format!("dry run, nothing written. {}", done.summary())
    } else {
        format!("imported triggers from {}. {}", file.display(), done.summary())
    };
    if let Some(path) = written {
        let _ = write!(out, "\nrejected rows and their reasons: {}", path.display());
    }
    for (line, why) in &done.rejected {
        let _ = write!(out, "\nline {line}: {why}");
    }
    Ok(out)
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// What the file holds
    #[arg(value_enum, required_unless_present = "template")]
    kind: Option<ImportKind>,
    /// A CSV export (UTF-8, comma or semicolon separated)
    #[arg(required_unless_present = "template")]
    file: Option<PathBuf>,
    /// Print the native header of accounts or players, and nothing else
    #[arg(long, value_enum, value_name = "KIND", conflicts_with_all = ["kind", "file"])]
    template: Option<ImportKind>,
    /// Read a column as a field: --map "Firma=name" (repeatable)
    #[arg(long = "map", value_name = "COLUMN=FIELD")]
    map: Vec<String>,
    /// Check and count (new, updated, unchanged, rejected); write nothing
    #[arg(long)]
    dry_run: bool,
    /// Import the good rows; write the rejected ones with their reasons to a CSV
    #[arg(long)]
    skip_bad: bool,
    /// Where --skip-bad writes rejected rows (default: FILE.rejected.csv)
    #[arg(long, value_name = "FILE", requires = "skip_bad")]
    rejects: Option<PathBuf>,
    /// Owner of new accounts when the file has no owner column (default: your name from the config)
    #[arg(long, value_name = "REP", value_parser = crate::cli::rep_name)]
    owner: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum ExportCommand {
    /// The touches ahead as an iCalendar file (stable UIDs: subscribe to it)
    Ics {
        #[arg(long, value_name = "REP", value_parser = crate::cli::rep_name)]
        owner: Option<String>,
        /// How many days ahead
        #[arg(long, default_value_t = 7, value_parser = super::calendar_days)]
        days: u32,
    },
    /// The activity log for a CRM: account, domain, player email, channel, outcome, time with zone, note
    Activity {
        /// today, 7d, 30d or YYYY-MM-DD..YYYY-MM-DD
        #[arg(long, default_value = "30d", value_parser = super::period_text)]
        period: String,
        #[arg(long, value_name = "REP", value_parser = crate::cli::rep_name)]
        owner: Option<String>,
        #[arg(long, value_enum, default_value_t = DataFormat::Csv)]
        format: DataFormat,
    },
    /// Accounts, in the header names `import accounts` reads
    Accounts {
        #[arg(long, value_name = "REP", value_parser = crate::cli::rep_name)]
        owner: Option<String>,
        #[arg(long, value_enum, default_value_t = DataFormat::Csv)]
        format: DataFormat,
    },
    /// Players, in the header names `import players` reads
    Players {
        #[arg(long, value_name = "REP", value_parser = crate::cli::rep_name)]
        owner: Option<String>,
        #[arg(long, value_enum, default_value_t = DataFormat::Csv)]
        format: DataFormat,
    },
    /// Trigger events, in the header names `import triggers` reads
    Triggers {
        #[arg(long, value_name = "REP", value_parser = crate::cli::rep_name)]
        owner: Option<String>,
        #[arg(long, value_enum, default_value_t = DataFormat::Csv)]
        format: DataFormat,
    },
}

/// Names from a file, quoted and cut, at most ten of them.
fn listed(names: &[String]) -> String {
    let mut out: Vec<String> = names.iter().take(10).map(|n| crate::text::quoted(n)).collect();
    if names.len() > 10 {
        out.push(format!("and {} more", names.len() - 10));
    }
    out.join(", ")
}

fn counts(plan: &Plan) -> String {
    format!(
        "{}: {} new, {} updated, {} unchanged, {} rejected",
        plan.kind,
        plan.new,
        plan.updated,
        plan.unchanged,
        plan.rejected.len()
    )
}

fn rejections(plan: &Plan) -> String {
    let mut out = String::new();
    for r in &plan.rejected {
        for p in &r.problems {
            let _ = write!(out, "\nline {}, {}", r.line, describe(p));
        }
    }
    out
}

fn rejects_path(file: &Path) -> PathBuf {
    let stem = file.file_stem().map_or_else(|| "import".into(), |s| s.to_string_lossy().into_owned());
    file.with_file_name(format!("{stem}.rejected.csv"))
}

/// Writes the rejected rows beside the file: never over the database, its
/// journal files or the file being imported.
fn write_rejects(session: &Session, file: &Path, path: &Path, csv: &str) -> Result<()> {
    let db = session.db.file().unwrap_or(file);
    let wal = PathBuf::from(format!("{}-wal", db.display()));
    let shm = PathBuf::from(format!("{}-shm", db.display()));
    if [file, db, wal.as_path(), shm.as_path()].iter().any(|p| crate::files::same_file(path, p)) {
        bail!(
            "--rejects {} names the database or the file being imported; name a new file (nothing was imported)",
            path.display()
        );
    }
    crate::files::write(path, csv.as_bytes()).map_err(|e| {
        anyhow::anyhow!(
            "cannot write the rejected rows to {}: {}; nothing was imported",
            path.display(),
            crate::files::describe(&e)
        )
    })?;
    Ok(())
}

pub fn import(session: &Session, engine: &Engine, args: ImportArgs) -> Result<String> {
    if let Some(kind) = args.template {
        return Ok(kind.table().map_or_else(|| TRIGGER_HEADER.to_vec(), import::template).join(","));
    }
    let (Some(kind), Some(file)) = (args.kind, args.file) else {
        bail!("name what to import and the file: playbook import accounts|players|triggers FILE");
    };
    let bytes = std::fs::read(&file)
        .map_err(|e| anyhow::anyhow!("cannot read {}: {}", file.display(), crate::files::describe(&e)))?;
    let Some(kind) = kind.table() else {
        if !args.map.is_empty() || args.owner.is_some() {
            bail!("--map and --owner do not apply to triggers: name the columns account or domain, date, kind, text, source");
        }
        let rejects = args.skip_bad.then(|| args.rejects.clone().unwrap_or_else(|| rejects_path(&file)));
        return import_triggers(session, engine, &file, &bytes, args.dry_run, rejects.as_deref());
    };
    let options = Options {
        map: args.map,
        // Not checked against the store's reps: an import is how a new
        // rep's accounts arrive.
        owner: args.owner.or_else(|| session.config.me.clone()).unwrap_or_else(|| "unassigned".into()),
        zone: engine.zone,
    };
    let mut store = session.open()?;
    // Plan and writes share one transaction: nothing can change in between,
    // and a dry run or a refused file simply rolls it back.
    let loader = store.loader()?;
    let plan = import::plan(&loader, kind, &bytes, &options).map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
    let mut out = String::new();
    if !plan.ignored.is_empty() {
        let _ = writeln!(out, "ignored columns (map them with --map \"Column=field\"): {}", listed(&plan.ignored));
    }
    if !plan.rejected.is_empty() && !args.skip_bad {
        let verb = if args.dry_run { "would be" } else { "was" };
        bail!(
            "{}\n{} rejected, so nothing {verb} imported (fix them, or pass --skip-bad):{}",
            counts(&plan),
            crate::text::count(plan.rejected.len(), "row", "rows"),
            rejections(&plan)
        );
    }
    if args.dry_run {
        let _ = write!(out, "dry run, nothing written. {}{}", counts(&plan), rejections(&plan));
        return Ok(out);
    }
    import::apply(&loader, &plan, engine.now)?;
    // The rejects file first: if it cannot be written, the import is rolled
    // back rather than leaving rows nobody can find again.
    let rejects = if plan.rejected.is_empty() {
        None
    } else {
        let path = args.rejects.unwrap_or_else(|| rejects_path(&file));
        write_rejects(session, &file, &path, &import::rejects_csv(&plan))?;
        Some(path)
    };
    loader.commit()?;
    let _ = write!(out, "imported {} from {}. {}", plan.kind, file.display(), counts(&plan));
    if let Some(path) = rejects {
        let _ = write!(out, "\nrejected rows and their reasons: {}{}", path.display(), rejections(&plan));
    }
    Ok(out)
}

pub fn export(session: &Session, engine: &Engine, cmd: ExportCommand) -> Result<String> {
    let store = session.open()?;
    match cmd {
        ExportCommand::Ics { owner, days } => {
            let owner = session.owner(engine, &store, owner)?;
            let until = engine.now + chrono::Duration::days(i64::from(days));
            let touches = store.export_touches(until, engine.now, owner.as_deref())?;
            let mut titles = HashMap::new();
            for row in store.plays()? {
                if let Ok(play) = crate::play::Play::parse(&row.source) {
                    for step in &play.steps {
                        titles.insert((row.id, step.number as i64), step.title.clone());
                    }
                }
            }
            let name = format!("playbook: {}", owner.as_deref().unwrap_or("every rep"));
            // Every line ends in CRLF, the last one too (RFC 5545).
            Ok(export::calendar(&store.store_id()?, &touches, &titles, engine.now, &name))
        }
        ExportCommand::Activity { period, owner, format } => {
            let owner = engine.check_owner(&store, owner.as_deref())?;
            let zone = engine.rep_zone(&store, owner.as_deref())?;
            let period = crate::report::Period::parse(&period, engine.today(zone), zone).map_err(anyhow::Error::msg)?;
            let rows = store.export_activity(period.start, period.end, owner.as_deref())?;
            let zones: HashMap<String, chrono_tz::Tz> = store.reps()?.into_iter().collect();
            Ok(export::activity(&rows, &zones, engine.zone, format)?)
        }
        ExportCommand::Accounts { owner, format } => {
            let owner = engine.check_owner(&store, owner.as_deref())?;
            Ok(export::accounts(&store, owner.as_deref(), format)?)
        }
        ExportCommand::Players { owner, format } => {
            let owner = engine.check_owner(&store, owner.as_deref())?;
            Ok(export::players(&store, owner.as_deref(), format)?)
        }
        ExportCommand::Triggers { owner, format } => {
            let owner = engine.check_owner(&store, owner.as_deref())?;
            let rows: Vec<Vec<String>> = store
                .triggers_list(None, owner.as_deref())?
                .into_iter()
                .map(|(t, name, domain)| {
                    vec![
                        name,
                        domain.unwrap_or_default(),
                        t.occurred_on.to_string(),
                        t.kind,
                        t.summary,
                        t.source.unwrap_or_default(),
                    ]
                })
                .collect();
            Ok(export::table(&TRIGGER_HEADER, &rows, format)?)
        }
    }
}
