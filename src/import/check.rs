//! Checking one row: every cell parsed or named as a problem, the stored
//! record it means found, and the columns to write worked out.

use super::fields::Field;
use super::values;
use super::{Options, Problem};
use crate::domain::{AccountStatus, PlayerStatus, Role, Tier};
use crate::limits;
use crate::store::Value;
use crate::store::{Columns, ImportLookup, ImportTable, StoreError};
use chrono_tz::Tz;
use std::collections::HashMap;

/// One row, with its column → field assignment.
pub(super) struct Row<'a> {
    pub(super) headers: &'a [String],
    pub(super) fields: &'a [Option<Field>],
    pub(super) cells: &'a [String],
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
pub(super) struct Checked {
    pub(super) identity: Identity,
    pub(super) target: Option<i64>,
    pub(super) columns: Columns,
}

/// What makes two rows of one file the same record.
pub(super) enum Identity {
    Account { name: String, domain: Option<String> },
    Player { email: String },
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

pub(super) fn problem(column: &str, value: &str, why: impl Into<String>) -> Problem {
    Problem { column: column.to_string(), value: value.to_string(), why: why.into() }
}

/// Fields that name or address someone: a control character in one is a
/// sign of a hostile or broken file, so the row is refused.
fn is_identity(field: Field) -> bool {
    matches!(
        field,
        Field::AccountName
            | Field::Domain
            | Field::Owner
            | Field::FirstName
            | Field::LastName
            | Field::FullName
            | Field::Email
            | Field::Phone
            | Field::Linkedin
            | Field::PlayerAccount
            | Field::AccountDomain
            | Field::Zone
    )
}

/// Checks every imported cell of a row before its fields are read: too
/// long, a NUL byte, or a control character in a name or address is a
/// problem; in free text (a title, an industry) control characters other
/// than line breaks and tabs are kept as visible symbols (`␛`).
pub(super) fn screen(headers: &[String], fields: &[Option<Field>], cells: &mut [String]) -> Vec<Problem> {
    let mut problems = Vec::new();
    for ((header, field), cell) in headers.iter().zip(fields).zip(cells.iter_mut()) {
        let Some(field) = *field else { continue };
        let column = header.trim();
        let chars = cell.chars().count();
        if chars > limits::FIELD_CHARS {
            let why = format!("{chars} characters; at most {} fit in a field", limits::FIELD_CHARS);
            problems.push(problem(column, cell, why));
        } else if cell.contains('\0') {
            problems.push(problem(column, cell, "contains a NUL byte"));
        } else if is_identity(field) {
            // Only the spaces and line breaks a spreadsheet pads cells with
            // are forgiven at the ends (a trailing NEL is a control too).
            if crate::text::has_controls(cell.trim_matches([' ', '\t', '\r', '\n'])) {
                problems.push(problem(column, cell, "contains control characters (line breaks, escape codes)"));
            }
        } else if crate::text::has_controls(cell) {
            *cell = crate::text::clean(cell).into_owned();
        }
    }
    problems
}

pub(super) fn account(store: &dyn ImportLookup, row: &Row<'_>, options: &Options) -> Result<Checked, Vec<Problem>> {
    let mut problems = Vec::new();
    let mut columns: Columns = Vec::new();
    let name = row.text(Field::AccountName);
    if name.is_none() {
        let header = header_of(row, Field::AccountName);
        problems.push(problem(&header, "", "required field empty"));
    }
    let domain = parsed(row, Field::Domain, &mut problems, |v| values::domain(v).ok_or("not a website or domain"));
    for (field, fraction, max, why) in [
        (Field::Employees, false, limits::EMPLOYEES, "not a whole number"),
        (Field::AnnualRevenue, true, limits::AMOUNT, "not an amount"),
        (Field::OpportunityValue, true, limits::AMOUNT, "not an amount"),
    ] {
        let read = |v: &str| match values::number(v, fraction) {
            Some(n) if n > max => Err(format!("more than {max}")),
            Some(n) => Ok(n),
            None => Err(why.to_string()),
        };
        if let Some(n) = parsed(row, field, &mut problems, read) {
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

pub(super) fn player(
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
    let workdays = parsed(row, Field::Workdays, &mut problems, values::workdays);
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
    let stored_from_country = stored.as_ref().is_some_and(|s| s[3].as_deref() == Some("country"));
    let country = row.text(Field::PlayerCountry).or(account_country);
    let zone: Option<(Tz, &str)> = match zone_column {
        Some(z) => Some((z, "column")),
        None if target.is_none() || guessed_before => {
            Some(country.as_deref().and_then(values::country_zone).map_or((options.zone, "guess"), |z| (z, "country")))
        }
        None => None,
    };
    // A zone a country decided is never traded for the default's guess.
    let zone = zone.filter(|(_, source)| !(stored_from_country && *source == "guess"));
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
    if let Some(w) = workdays {
        columns.push(("workdays", Value::Text(w)));
    }
    Ok(Checked { identity: Identity::Player { email }, target, columns })
}

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

/// The account a player belongs to: by the account domain column, the
/// account name column, else the email's domain. `(id, its country)`.
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
