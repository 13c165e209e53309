//! CRM CSV import: every row is checked, matched against what is stored and
//! classified (new / updated / unchanged / rejected) before anything is
//! written; then everything lands in one transaction, or nothing does.

mod check;
pub mod fields;
pub mod table;
pub mod values;

pub use fields::{template, Field, Kind};

use crate::store::Value;
use crate::store::{Columns, ImportLookup, ImportTable, Loader, StoreError};
use check::{account, player, Checked, Identity, Row};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use std::collections::HashMap;

/// How to import.
#[derive(Debug, Clone)]
pub struct Options {
    /// `Column=field` pairs from `--map`.
    pub map: Vec<String>,
    /// Owner of new accounts when the file has no owner column.
    pub owner: String,
    /// Zone of players whose zone cannot be told (flagged as a guess).
    pub zone: Tz,
}

/// One thing wrong with a row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The column as the file names it (empty when the row as a whole is bad).
    pub column: String,
    pub value: String,
    pub why: String,
}

/// A row that cannot be imported, with everything wrong with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejected {
    pub line: u64,
    pub cells: Vec<String>,
    pub problems: Vec<Problem>,
}

/// What an import would do (`--dry-run`) or did.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub kind: Kind,
    pub headers: Vec<String>,
    pub new: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub rejected: Vec<Rejected>,
    /// Columns no field was recognised for (ignored).
    pub ignored: Vec<String>,
    changes: Vec<Change>,
}

#[derive(Debug, Clone, PartialEq)]
enum Change {
    Insert(Columns),
    Update(i64, Columns),
}

/// A problem with the file as a whole.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{0}")]
    File(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Reads, checks and matches every row; writes nothing. Run it inside the
/// import's transaction (`Loader`) so the plan still holds when applied.
pub fn plan(store: &dyn ImportLookup, kind: Kind, bytes: &[u8], options: &Options) -> Result<Plan, ImportError> {
    let table = table::read(bytes).map_err(ImportError::File)?;
    let map = options.map.iter().map(|m| fields::parse_map(kind, m)).collect::<Result<Vec<_>, _>>();
    let assigned = fields::assign(kind, &table.headers, &map.map_err(ImportError::File)?).map_err(ImportError::File)?;
    require_columns(kind, &assigned, &table.headers)?;
    let ignored = table
        .headers
        .iter()
        .zip(&assigned)
        .filter(|(h, f)| f.is_none() && !h.trim().is_empty())
        .map(|(h, _)| h.trim().to_string())
        .collect();
    let mut plan = Plan {
        kind,
        headers: table.headers.clone(),
        new: 0,
        updated: 0,
        unchanged: 0,
        rejected: Vec::new(),
        ignored,
        changes: Vec::new(),
    };
    // The file line that first claimed each account or player: a second row
    // for the same one is an error, not a silent merge.
    let mut seen = Seen::default();
    let mut taken: HashMap<i64, u64> = HashMap::new();
    // Accounts already found for players, by how the row names them: a
    // contacts file names each company many times.
    let mut found: HashMap<String, (i64, Option<String>)> = HashMap::new();
    for record in table.records {
        let mut cells = record.cells;
        if let Some(why) = record.problem {
            let problem = Problem { column: String::new(), value: String::new(), why };
            plan.rejected.push(Rejected { line: record.line, cells, problems: vec![problem] });
            continue;
        }
        let as_read = cells.clone();
        let problems = check::screen(&table.headers, &assigned, &mut cells);
        if !problems.is_empty() {
            plan.rejected.push(Rejected { line: record.line, cells: as_read, problems });
            continue;
        }
        let row = Row { headers: &table.headers, fields: &assigned, cells: &cells };
        let checked = match kind {
            Kind::Accounts => account(store, &row, options),
            Kind::Players => player(store, &row, options, &mut found),
        };
        match checked {
            Ok(Checked { identity, target, columns }) => {
                if let Some(problem) = seen.claim(&identity, record.line) {
                    plan.rejected.push(Rejected { line: record.line, cells, problems: vec![problem] });
                    continue;
                }
                // Two rows must not both update one stored record (two
                // companies that matched one account by name).
                if let Some(first) = target.and_then(|id| taken.get(&id)) {
                    let why = format!("matches the same stored {} as line {first}", kind_noun(kind));
                    let problem = Problem { column: String::new(), value: String::new(), why };
                    plan.rejected.push(Rejected { line: record.line, cells, problems: vec![problem] });
                    continue;
                }
                match target {
                    None => {
                        plan.new += 1;
                        plan.changes.push(Change::Insert(columns));
                    }
                    Some(id) => {
                        taken.insert(id, record.line);
                        let table = import_table(kind);
                        let names: Vec<&'static str> = columns.iter().map(|(c, _)| *c).collect();
                        let stored = store.current_values(table, id, &names)?;
                        let changed: Columns = columns
                            .into_iter()
                            .zip(stored)
                            .filter(|((_, new), old)| new != old)
                            .map(|(c, _)| c)
                            .collect();
                        if changed.is_empty() {
                            plan.unchanged += 1;
                        } else {
                            plan.updated += 1;
                            plan.changes.push(Change::Update(id, changed));
                        }
                    }
                }
            }
            Err(problems) => plan.rejected.push(Rejected { line: record.line, cells, problems }),
        }
    }
    Ok(plan)
}

/// Writes a plan's new and updated records into the transaction it was
/// planned in; the caller commits.
pub fn apply(loader: &Loader<'_>, plan: &Plan, now: DateTime<Utc>) -> Result<(), ImportError> {
    let table = import_table(plan.kind);
    // A database started by an import (not the demo) gets the shipped plays,
    // so its accounts can be enrolled straight away.
    if plan.new > 0 && !loader.has_plays()? {
        crate::demo::install_builtin_plays(loader, now)?;
    }
    for change in &plan.changes {
        match change {
            Change::Insert(columns) => {
                let mut columns = columns.clone();
                if plan.kind == Kind::Accounts {
                    columns.push(("created_at", Value::Integer(now.timestamp())));
                }
                loader.insert_columns(table, &columns)?;
            }
            Change::Update(id, columns) => {
                loader.update_columns(table, *id, columns)?;
                // A new owner takes the account's open touches into their queue.
                if let Some((_, Value::Text(owner))) = columns.iter().find(|(c, _)| *c == "owner") {
                    if plan.kind == Kind::Accounts {
                        loader.move_open_touches(*id, owner)?;
                    }
                }
            }
        }
    }
    Ok(())
}

fn kind_noun(kind: Kind) -> &'static str {
    match kind {
        Kind::Accounts => "account",
        Kind::Players => "player",
    }
}

fn import_table(kind: Kind) -> ImportTable {
    match kind {
        Kind::Accounts => ImportTable::Accounts,
        Kind::Players => ImportTable::Players,
    }
}

fn require_columns(kind: Kind, assigned: &[Option<Field>], headers: &[String]) -> Result<(), ImportError> {
    let has = |f: Field| assigned.contains(&Some(f));
    let missing = match kind {
        Kind::Accounts if !has(Field::AccountName) => Some("a company name column (name, Company name, Account Name)"),
        Kind::Players if !has(Field::Email) => Some("an email column (email, Email, Email Address)"),
        Kind::Players if !has(Field::FirstName) && !has(Field::LastName) && !has(Field::FullName) => {
            Some("a name column (first_name / last_name, First Name / Last Name, or Full Name)")
        }
        _ => None,
    };
    match missing {
        Some(what) => Err(ImportError::File(format!(
            "line 1: the file needs {what}; its columns are {}; name one with --map \"Column={}\"",
            {
                let mut shown: Vec<String> = headers.iter().take(10).map(|h| crate::text::quoted(h.trim())).collect();
                if headers.len() > 10 {
                    shown.push(format!("and {} more", headers.len() - 10));
                }
                shown.join(", ")
            },
            match kind {
                Kind::Accounts => "name",
                Kind::Players if !has(Field::Email) => "email",
                Kind::Players => "first_name",
            }
        ))),
        None => Ok(()),
    }
}

/// The rows of the file so far, by identity.
#[derive(Default)]
struct Seen {
    domains: HashMap<String, u64>,
    names: HashMap<String, Vec<(u64, bool)>>,
    emails: HashMap<String, u64>,
}

impl Seen {
    /// Records a row; the problem when an earlier row is the same record:
    /// the same domain or email, or the same name where one has no domain.
    fn claim(&mut self, identity: &Identity, line: u64) -> Option<Problem> {
        let same = |first: u64, what: &str, value: &str| Problem {
            column: String::new(),
            value: value.to_string(),
            why: format!("same {what} as line {first}"),
        };
        match identity {
            Identity::Player { email } => {
                if let Some(first) = self.emails.get(email) {
                    return Some(same(*first, "email", email));
                }
                self.emails.insert(email.clone(), line);
            }
            Identity::Account { name, domain } => {
                if let Some(first) = domain.as_ref().and_then(|d| self.domains.get(d)) {
                    return Some(same(*first, "account", domain.as_deref().unwrap_or_default()));
                }
                let key = name.to_lowercase();
                let mut earlier = self.names.get(&key).into_iter().flatten();
                if let Some((first, _)) = earlier.find(|(_, had)| !had || domain.is_none()) {
                    return Some(same(*first, "account", name));
                }
                if let Some(d) = domain {
                    self.domains.insert(d.clone(), line);
                }
                self.names.entry(key).or_default().push((line, domain.is_some()));
            }
        }
        None
    }
}

/// The rejected rows as CSV: line, the row as it was, and why.
pub fn rejects_csv(plan: &Plan) -> String {
    let mut header = vec!["line".to_string()];
    header.extend(plan.headers.iter().cloned());
    header.push("problems".into());
    let rows = plan.rejected.iter().map(|r| {
        let mut record = vec![r.line.to_string()];
        let mut cells = r.cells.clone();
        // A row with too many fields keeps them all.
        if cells.len() < plan.headers.len() {
            cells.resize(plan.headers.len(), String::new());
        }
        record.extend(cells);
        record.push(r.problems.iter().map(describe).collect::<Vec<_>>().join("; "));
        record
    });
    let mut text = crate::text::csv::document(&header, rows);
    text.push('\n');
    text
}

/// `column "Email", value "bob(at)x": invalid email`.
pub fn describe(p: &Problem) -> String {
    let value = crate::text::quoted(&p.value);
    // A reason may quote the file too (a header name).
    let why = crate::text::one_line(&p.why);
    match (p.column.is_empty(), p.value.is_empty()) {
        (true, true) => why.into_owned(),
        (true, false) => format!("value {value}: {why}"),
        (false, _) => format!("column {}, value {value}: {why}", crate::text::quoted(&p.column)),
    }
}
