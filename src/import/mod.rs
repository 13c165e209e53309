//! CRM CSV import: every row is checked, matched against what is stored and
//! classified (new / updated / unchanged / rejected) before anything is
//! written; then everything lands in one transaction, or nothing does.

pub mod fields;
pub mod table;
pub mod values;

pub use fields::{template, Field, Kind};

use crate::domain::{AccountStatus, PlayerStatus, Role, Tier};
use crate::store::{Columns, ImportTable, Store, StoreError};
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

/// Reads, checks and matches every row; writes nothing.
pub fn plan(store: &Store, kind: Kind, bytes: &[u8], options: &Options) -> Result<Plan, ImportError> {
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
    // The file line that first claimed each key: a second row for the same
    // account or player is an error, not a silent merge.
    let mut seen: HashMap<String, u64> = HashMap::new();
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
            Ok(Checked { key, target, columns }) => {
                if let Some(first) = seen.get(&key) {
                    let why =
                        format!("same {} as line {first}", if kind == Kind::Accounts { "account" } else { "email" });
                    let problem = Problem { column: String::new(), value: key, why };
                    plan.rejected.push(Rejected { line: record.line, cells, problems: vec![problem] });
                    continue;
                }
                seen.insert(key, record.line);
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

/// Writes a plan's new and updated records in one transaction.
pub fn apply(store: &mut Store, plan: &Plan, now: DateTime<Utc>) -> Result<(), ImportError> {
    let table = import_table(plan.kind);
    let has_plays = !store.plays()?.is_empty();
    let loader = store.loader()?;
    // A database started by an import (not the demo) gets the shipped plays,
    // so its accounts can be enrolled straight away.
    if plan.new > 0 && !has_plays {
        crate::demo::install_builtin_plays(&loader, now)?;
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
            Change::Update(id, columns) => loader.update_columns(table, *id, columns)?,
        }
    }
    loader.commit()?;
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
            "line 1: no {what} among the columns: {}; name one with --map \"Column={}\"",
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
    key: String,
    target: Option<i64>,
    columns: Columns,
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

fn account(store: &Store, row: &Row<'_>, options: &Options) -> Result<Checked, Vec<Problem>> {
    let mut problems = Vec::new();
    let mut columns: Columns = Vec::new();
    let name = row.text(Field::AccountName);
    if name.is_none() {
        let header = header_of(row, Field::AccountName);
        problems.push(problem(&header, "", "required field empty"));
    }
    let domain = parsed(row, Field::Domain, &mut problems, |v| values::domain(v).ok_or("not a website or domain"));
    for (field, why) in [
        (Field::Employees, "not a whole number"),
        (Field::AnnualRevenue, "not an amount"),
        (Field::OpportunityValue, "not an amount"),
    ] {
        if let Some(n) = parsed(row, field, &mut problems, |v| values::whole_number(v).ok_or(why)) {
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
    let key = domain.unwrap_or_else(|| name.to_lowercase());
    Ok(Checked { key, target, columns })
}

/// The stored account a row means: same domain, else same name (when that
/// account has no other domain).
fn match_account(store: &Store, name: &str, domain: Option<&str>) -> Result<Option<i64>, String> {
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
        .filter(|(_, stored)| stored.is_none() || stored.as_deref() == domain)
        .map(|(id, _)| id)
        .collect();
    Ok(same_name.first().copied())
}

fn header_of(row: &Row<'_>, field: Field) -> String {
    row.fields
        .iter()
        .position(|f| *f == Some(field))
        .map_or_else(|| field.name().to_string(), |i| row.headers[i].trim().to_string())
}

fn player(
    store: &Store,
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
    let stored = match target {
        Some(id) => {
            let values = store
                .current_values(ImportTable::Players, id, &["tier_rule", "zone_source"])
                .map_err(|e| vec![problem("", "", e.to_string())])?;
            let word = |v: &Value| if let Value::Text(t) = v { Some(t.clone()) } else { None };
            Some((word(&values[0]), word(&values[1])))
        }
        None => None,
    };
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
    // those whose tier was decided by a title before (never over a given one).
    let inferred_before =
        stored.as_ref().is_some_and(|(rule, _)| rule.as_deref().is_some_and(|r| r.starts_with("title")));
    let tier: Option<(Tier, String)> = match tier_column {
        Some(t) => Some((t, format!("{} column", header_of(row, Field::Tier)))),
        None if target.is_none() || inferred_before => {
            Some(values::tier_from_title(row.text(Field::Title).as_deref().unwrap_or_default()))
        }
        None => None,
    };
    if let Some((t, rule)) = tier {
        columns.push(("tier", Value::Text(t.as_str().into())));
        columns.push(("tier_rule", Value::Text(rule)));
    }
    // Zone: a column wins; else a single-zone country (the player's, else the
    // account's); else the default, flagged as a guess.
    let guessed_before =
        stored.as_ref().is_some_and(|(_, source)| matches!(source.as_deref(), Some("country" | "guess")));
    let country = row.text(Field::PlayerCountry).or(account_country);
    let zone: Option<(Tz, &str)> = match zone_column {
        Some(z) => Some((z, "column")),
        None if target.is_none() || guessed_before => {
            Some(country.as_deref().and_then(values::country_zone).map_or((options.zone, "guess"), |z| (z, "country")))
        }
        None => None,
    };
    if let Some((z, source)) = zone {
        columns.push(("zone", Value::Text(z.name().into())));
        columns.push(("zone_source", Value::Text(source.into())));
    }
    if let Some(r) = role.or(target.is_none().then_some(Role::User)) {
        columns.push(("role", Value::Text(r.as_str().into())));
    }
    if let Some(s) = status {
        columns.push(("status", Value::Text(s.as_str().into())));
    }
    Ok(Checked { key: email, target, columns })
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

fn player_account(store: &Store, row: &Row<'_>, email: &str) -> Result<(i64, Option<String>), Problem> {
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
    let mut out = csv::Writer::from_writer(Vec::new());
    let mut header = vec!["line".to_string()];
    header.extend(plan.headers.iter().cloned());
    header.push("problems".into());
    out.write_record(&header)?;
    for r in &plan.rejected {
        let mut record = vec![r.line.to_string()];
        let mut cells = r.cells.clone();
        cells.resize(plan.headers.len(), String::new());
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
