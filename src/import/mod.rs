//! CRM CSV import: every row is checked, matched against what is stored and
//! classified (new / updated / unchanged / rejected) before anything is
//! written; then everything lands in one transaction, or nothing does.

pub mod fields;
pub mod table;
pub mod values;

pub use fields::{template, Field, Kind};

use crate::domain::{AccountStatus, PlayerStatus, Role, Tier};
use crate::store::{Columns, ImportLookup, ImportTable, Loader, StoreError};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use rusqlite::types::Value;
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
    // Accounts already found for players, by how the row names them: a
    // contacts file names each company many times.
    let mut found: HashMap<String, (i64, Option<String>)> = HashMap::new();
    for record in table.records {
        let cells = record.cells;
        if let Some(why) = record.problem {
            let problem = Problem { column: String::new(), value: String::new(), why };
            plan.rejected.push(Rejected { line: record.line, cells, problems: vec![problem] });
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
                match target {
                    None => {
                        plan.new += 1;
                        plan.changes.push(Change::Insert(columns));
                    }
                    Some(id) => {
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
            headers.iter().map(|h| format!("\"{}\"", h.trim())).collect::<Vec<_>>().join(", "),
            match kind {
                Kind::Accounts => "name",
                Kind::Players if !has(Field::Email) => "email",
                Kind::Players => "first_name",
            }
        ))),
        None => Ok(()),
    }
}

/// One row, with its column → field assignment.
struct Row<'a> {
    headers: &'a [String],
    fields: &'a [Option<Field>],
    cells: &'a [String],
}

impl Row<'_> {
    /// The trimmed cell of a field, if the file has it and it is not empty.
    fn get(&self, field: Field) -> Option<(&str, &str)> {
        let i = self.fields.iter().position(|f| *f == Some(field))?;
        let value = self.cells[i].trim();
        (!value.is_empty()).then(|| (self.headers[i].trim(), value))
    }

    fn text(&self, field: Field) -> Option<String> {
        self.get(field).map(|(_, v)| v.to_string())
    }

    fn has_column(&self, field: Field) -> bool {
        self.fields.contains(&Some(field))
    }
}

/// A checked row: its de-duplication key, the stored record it matches,
/// and the columns to write.
struct Checked {
    identity: Identity,
    target: Option<i64>,
    columns: Columns,
}

/// What makes two rows of one file the same record.
enum Identity {
    Account { name: String, domain: Option<String> },
    Player { email: String },
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

/// A field's cell parsed, when the row has one; a cell that does not parse
/// is recorded as a problem.
fn parsed<T, E: ToString>(
    row: &Row<'_>,
    field: Field,
    problems: &mut Vec<Problem>,
    parse: impl FnOnce(&str) -> Result<T, E>,
) -> Option<T> {
    let (column, value) = row.get(field)?;
    parse(value).map_err(|why| problems.push(problem(column, value, why.to_string()))).ok()
}

/// One of a vocabulary's words, in any case, spaces for underscores.
fn word<T: std::str::FromStr<Err = crate::domain::UnknownName>>(text: &str) -> Result<T, String> {
    text.to_lowercase().replace(' ', "_").parse::<T>().map_err(|e| e.to_string())
}

fn problem(column: &str, value: &str, why: impl Into<String>) -> Problem {
    Problem { column: column.to_string(), value: value.to_string(), why: why.into() }
}

fn account(store: &dyn ImportLookup, row: &Row<'_>, options: &Options) -> Result<Checked, Vec<Problem>> {
    let mut problems = Vec::new();
    let mut columns: Columns = Vec::new();
    let name = row.text(Field::AccountName);
    if name.is_none() {
        let header = header_of(row, Field::AccountName);
        problems.push(problem(&header, "", "required field empty"));
    }
    let domain = parsed(row, Field::Domain, &mut problems, |v| values::domain(v).ok_or("not a website or domain"));
    for (field, fraction, why) in [
        (Field::Employees, false, "not a whole number"),
        (Field::AnnualRevenue, true, "not an amount"),
        (Field::OpportunityValue, true, "not an amount"),
    ] {
        if let Some(n) = parsed(row, field, &mut problems, |v| values::number(v, fraction).ok_or(why)) {
            columns.push((field.name(), Value::Integer(n)));
        }
    }
    for field in [Field::Budget, Field::Authority, Field::Need, Field::Timing] {
        let factor = parsed(row, field, &mut problems, |v| values::factor(v).ok_or("a BANT factor must be 1 to 5"));
        if let Some(n) = factor {
            columns.push((field.name(), Value::Integer(i64::from(n))));
        }
    }
    if let Some(s) = parsed(row, Field::Status, &mut problems, word::<AccountStatus>) {
        columns.push(("status", Value::Text(s.as_str().into())));
    }
    for field in [Field::Industry, Field::Segment, Field::Region, Field::Country, Field::Source] {
        if let Some(v) = row.text(field) {
            columns.push((field.name(), Value::Text(v)));
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let name = name.unwrap_or_default();
    let target = match_account(store, &name, domain.as_deref()).map_err(|e| vec![problem("", "", e)])?;
    // A new account needs an owner; an existing one keeps its own unless the file names one.
    let owner = row.text(Field::Owner).or_else(|| target.is_none().then(|| options.owner.clone()));
    if let Some(o) = owner {
        columns.push(("owner", Value::Text(o)));
    }
    columns.insert(0, ("name", Value::Text(name.clone())));
    if let Some(d) = &domain {
        columns.insert(1, ("domain", Value::Text(d.clone())));
    }
    Ok(Checked { identity: Identity::Account { name, domain }, target, columns })
}

/// The stored account a row means: the same domain; else the same name,
/// when exactly one account has it (and, if the row has a domain, that
/// account has none).
fn match_account(store: &dyn ImportLookup, name: &str, domain: Option<&str>) -> Result<Option<i64>, String> {
    let text = |e: StoreError| e.to_string();
    if let Some(d) = domain {
        if let Some(id) = store.accounts_by_domain(d).map_err(text)?.first() {
            return Ok(Some(*id));
        }
    }
    let same_name: Vec<i64> = store
        .accounts_by_name(name)
        .map_err(text)?
        .into_iter()
        .filter(|(_, stored)| domain.is_none() || stored.is_none())
        .map(|(id, _)| id)
        .collect();
    match same_name.as_slice() {
        [] => Ok(None),
        [id] => Ok(Some(*id)),
        many => Err(format!("{} accounts are named \"{name}\"; add a domain column to tell them apart", many.len())),
    }
}

fn header_of(row: &Row<'_>, field: Field) -> String {
    row.fields
        .iter()
        .position(|f| *f == Some(field))
        .map_or_else(|| field.name().to_string(), |i| row.headers[i].trim().to_string())
}

fn player(
    store: &dyn ImportLookup,
    row: &Row<'_>,
    options: &Options,
    found: &mut HashMap<String, (i64, Option<String>)>,
) -> Result<Checked, Vec<Problem>> {
    let mut problems = Vec::new();
    let email = parsed(row, Field::Email, &mut problems, |v| values::email(v).ok_or("invalid email"));
    if row.get(Field::Email).is_none() {
        problems.push(problem(&header_of(row, Field::Email), "", "required field empty"));
    }
    let (mut first, mut last) = (row.text(Field::FirstName), row.text(Field::LastName));
    if first.is_none() && last.is_none() {
        if let Some(full) = row.text(Field::FullName) {
            let (f, l) = full.rsplit_once(' ').map_or((full.as_str(), ""), |(f, l)| (f, l));
            first = Some(f.trim().to_string());
            last = Some(l.trim().to_string()).filter(|l| !l.is_empty());
        } else {
            let field = if row.has_column(Field::FirstName) { Field::FirstName } else { Field::FullName };
            problems.push(problem(&header_of(row, field), "", "required field empty (a first or last name)"));
        }
    }
    let zone_column = parsed(row, Field::Zone, &mut problems, |v| {
        v.parse::<Tz>().map_err(|_| "unknown zone (use an IANA name such as Europe/Berlin)")
    });
    let tier_column = parsed(row, Field::Tier, &mut problems, |v| {
        values::tier_word(v).ok_or("not a tier (executive, director or practitioner)")
    });
    let role = parsed(row, Field::Role, &mut problems, word::<Role>);
    let status = parsed(row, Field::PlayerStatus, &mut problems, word::<PlayerStatus>);
    let account = match &email {
        Some(e) => {
            let key = account_key(row, e);
            match found.get(&key) {
                Some(hit) => Some(hit.clone()),
                None => player_account(store, row, e)
                    .map(|hit| found.entry(key).or_insert(hit).clone())
                    .map_err(|p| problems.push(p))
                    .ok(),
            }
        }
        None => None,
    };
    if !problems.is_empty() {
        return Err(problems);
    }
    let email = email.unwrap_or_default();
    let (account_id, account_country) = account.unwrap_or_default();
    let target = store.player_by_email(&email).map_err(|e| vec![problem("", "", e.to_string())])?;
    // What is stored: tier, zone, and how they were decided.
    let stored: Option<[Option<String>; 4]> = match target {
        Some(id) => {
            let values = store
                .current_values(ImportTable::Players, id, &["tier", "zone", "tier_rule", "zone_source"])
                .map_err(|e| vec![problem("", "", e.to_string())])?;
            let word = |v: &Value| if let Value::Text(t) = v { Some(t.clone()) } else { None };
            Some([word(&values[0]), word(&values[1]), word(&values[2]), word(&values[3])])
        }
        None => None,
    };
    let stored_is = |i: usize, text: &str| stored.as_ref().is_some_and(|s| s[i].as_deref() == Some(text));
    let mut columns: Columns = vec![("email", Value::Text(email.clone())), ("account_id", Value::Integer(account_id))];
    if let Some(f) = first {
        columns.push(("first_name", Value::Text(f)));
    } else if target.is_none() {
        columns.push(("first_name", Value::Text(String::new())));
    }
    if let Some(l) = last {
        columns.push(("last_name", Value::Text(l)));
    } else if target.is_none() {
        columns.push(("last_name", Value::Text(String::new())));
    }
    for field in [Field::Title, Field::Phone, Field::Linkedin] {
        if let Some(v) = row.text(field) {
            columns.push((field.name(), Value::Text(v)));
        }
    }
    // Tier: a column wins; else the title decides, for new players and for
    // those whose tier a title decided before (never over a given one, and
    // never from an empty title over a stored tier). A value equal to the
    // stored one keeps the stored rule.
    let inferred_before = stored.as_ref().is_some_and(|s| s[2].as_deref().is_some_and(|r| r.starts_with("title")));
    let title = row.text(Field::Title);
    let tier: Option<(Tier, String)> = match tier_column {
        Some(t) => Some((t, format!("{} column", header_of(row, Field::Tier)))),
        None if target.is_none() => Some(values::tier_from_title(title.as_deref().unwrap_or_default())),
        None if inferred_before && title.is_some() => {
            Some(values::tier_from_title(title.as_deref().unwrap_or_default()))
        }
        None => None,
    };
    if let Some((t, rule)) = tier.filter(|(t, _)| !stored_is(0, t.as_str()) || tier_column.is_none()) {
        columns.push(("tier", Value::Text(t.as_str().into())));
        columns.push(("tier_rule", Value::Text(rule)));
    }
    // Zone: a column wins; else a single-zone country (the player's, else the
    // account's); else the default, flagged as a guess.
    let guessed_before = stored.as_ref().is_some_and(|s| matches!(s[3].as_deref(), Some("country" | "guess")));
    let country = row.text(Field::PlayerCountry).or(account_country);
    let zone: Option<(Tz, &str)> = match zone_column {
        Some(z) => Some((z, "column")),
        None if target.is_none() || guessed_before => {
            Some(country.as_deref().and_then(values::country_zone).map_or((options.zone, "guess"), |z| (z, "country")))
        }
        None => None,
    };
    if let Some((z, source)) = zone.filter(|(z, _)| !stored_is(1, z.name()) || zone_column.is_none()) {
        columns.push(("zone", Value::Text(z.name().into())));
        columns.push(("zone_source", Value::Text(source.into())));
    }
    if let Some(r) = role.or(target.is_none().then_some(Role::User)) {
        columns.push(("role", Value::Text(r.as_str().into())));
    }
    if let Some(s) = status {
        columns.push(("status", Value::Text(s.as_str().into())));
    }
    Ok(Checked { identity: Identity::Player { email }, target, columns })
}

/// The account a player belongs to: by the account domain column, the
/// account name column, else the email's domain. `(id, its country)`.
/// How a row names its account, as `player_account` reads it.
fn account_key(row: &Row<'_>, email: &str) -> String {
    if let Some((_, v)) = row.get(Field::AccountDomain) {
        format!("domain:{}", values::domain(v).unwrap_or_default())
    } else if let Some((_, v)) = row.get(Field::PlayerAccount) {
        format!("name:{v}")
    } else {
        format!("email:{}", values::email_domain(email).unwrap_or_default())
    }
}

fn player_account(store: &dyn ImportLookup, row: &Row<'_>, email: &str) -> Result<(i64, Option<String>), Problem> {
    let failed = |e: StoreError| problem("", "", e.to_string());
    let country = |id: i64| -> Result<Option<String>, Problem> {
        let v = store.current_values(ImportTable::Accounts, id, &["country"]).map_err(failed)?;
        Ok(if let Some(Value::Text(c)) = v.first() { Some(c.clone()) } else { None })
    };
    if let Some((column, value)) = row.get(Field::AccountDomain) {
        let Some(d) = values::domain(value) else {
            return Err(problem(column, value, "not a website or domain"));
        };
        return match store.accounts_by_domain(&d).map_err(failed)?.first() {
            Some(id) => Ok((*id, country(*id)?)),
            None => Err(problem(column, value, format!("no account with domain {d}; import the account first"))),
        };
    }
    if let Some((column, value)) = row.get(Field::PlayerAccount) {
        let found = store.accounts_by_name(value).map_err(failed)?;
        return match found.as_slice() {
            [(id, _)] => Ok((*id, country(*id)?)),
            [] => Err(problem(column, value, "no account with this name; import the account first")),
            many => Err(problem(
                column,
                value,
                format!("{} accounts have this name; add an account domain column to tell them apart", many.len()),
            )),
        };
    }
    let domain = values::email_domain(email).unwrap_or_default();
    match store.accounts_by_domain(domain).map_err(failed)?.first() {
        Some(id) => Ok((*id, country(*id)?)),
        None => Err(problem(
            &header_of(row, Field::Email),
            email,
            format!("no account with domain {domain}, and no account column to find one"),
        )),
    }
}

/// The rejected rows as CSV: line, the row as it was, and why.
pub fn rejects_csv(plan: &Plan) -> Result<Vec<u8>, csv::Error> {
    // A row with too many fields keeps them all, so the writer is flexible.
    let mut out = csv::WriterBuilder::new().flexible(true).from_writer(Vec::new());
    let mut header = vec!["line".to_string()];
    header.extend(plan.headers.iter().cloned());
    header.push("problems".into());
    out.write_record(&header)?;
    for r in &plan.rejected {
        let mut record = vec![r.line.to_string()];
        let mut cells = r.cells.clone();
        if cells.len() < plan.headers.len() {
            cells.resize(plan.headers.len(), String::new());
        }
        record.extend(cells);
        record.push(r.problems.iter().map(describe).collect::<Vec<_>>().join("; "));
        out.write_record(&record)?;
    }
    out.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}

/// `column "Email", value "bob(at)x": invalid email`.
pub fn describe(p: &Problem) -> String {
    match (p.column.is_empty(), p.value.is_empty()) {
        (true, true) => p.why.clone(),
        (true, false) => format!("value \"{}\": {}", p.value, p.why),
        (false, _) => format!("column \"{}\", value \"{}\": {}", p.column, p.value, p.why),
    }
}
