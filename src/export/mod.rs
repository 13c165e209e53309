//! Data out: accounts and players in the header names `import` reads (so an
//! export imports back into the same records), the activity log in a shape a
//! CRM imports, and the touches ahead as an iCalendar file.

mod ics;

pub use ics::calendar;

use crate::import::{template, Kind};
use crate::store::Value;
use crate::store::{ActivityExport, Store, StoreError};
use chrono_tz::Tz;
use serde_json::{json, Map, Value as Json};
use std::collections::HashMap;

/// CSV or JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DataFormat {
    Csv,
    Json,
}

fn cell(v: &Value) -> String {
    match v {
        Value::Null | Value::Blob(_) => String::new(),
        Value::Integer(n) => n.to_string(),
        Value::Real(x) => x.to_string(),
        Value::Text(s) => s.clone(),
    }
}

fn json_value(v: &Value) -> Json {
    match v {
        Value::Null | Value::Blob(_) => Json::Null,
        Value::Integer(n) => json!(n),
        Value::Real(x) => json!(x),
        Value::Text(s) => json!(s),
    }
}

fn csv_text(header: &[&str], rows: impl Iterator<Item = Vec<String>>) -> String {
    crate::text::csv::document(header, rows)
}

fn json_text(value: &Json) -> String {
    crate::text::json::pretty(value).unwrap_or_default()
}

/// Rows of text under a header, as CSV or as a JSON list of objects.
pub fn table(header: &[&str], rows: &[Vec<String>], format: DataFormat) -> Result<String, StoreError> {
    match format {
        DataFormat::Csv => Ok(csv_text(header, rows.iter().cloned())),
        DataFormat::Json => {
            let list: Vec<Json> = rows
                .iter()
                .map(|r| Json::Object(header.iter().zip(r).map(|(h, v)| ((*h).to_string(), json!(v))).collect()))
                .collect();
            Ok(json_text(&Json::Array(list)))
        }
    }
}

/// Accounts (one rep's, or all).
pub fn accounts(store: &Store, owner: Option<&str>, format: DataFormat) -> Result<String, StoreError> {
    let header = template(Kind::Accounts);
    let rows = store.export_accounts(owner)?;
    match format {
        DataFormat::Csv => Ok(csv_text(&header, rows.iter().map(|r| r.iter().map(cell).collect()))),
        DataFormat::Json => {
            let list: Vec<Json> = rows
                .iter()
                .map(|r| Json::Object(header.iter().zip(r).map(|(h, v)| ((*h).to_string(), json_value(v))).collect()))
                .collect();
            Ok(json_text(&Json::Array(list)))
        }
    }
}

/// Players of those accounts.
pub fn players(store: &Store, owner: Option<&str>, format: DataFormat) -> Result<String, StoreError> {
    let header = template(Kind::Players);
    let rows = store.export_players(owner)?;
    match format {
        DataFormat::Csv => Ok(csv_text(&header, rows.iter().map(|r| r.iter().take(header.len()).map(cell).collect()))),
        DataFormat::Json => {
            let list: Vec<Json> = rows
                .iter()
                .map(|r| {
                    let mut object = Map::new();
                    object.insert("player_id".into(), json_value(&r[header.len()]));
                    let name = format!("{} {}", cell(&r[0]), cell(&r[1])).trim().to_string();
                    object.insert("name".into(), json!(name));
                    for (h, v) in header.iter().zip(r) {
                        object.insert((*h).to_string(), json_value(v));
                    }
                    object.insert("tier_rule".into(), json_value(&r[header.len() + 1]));
                    object.insert("zone_source".into(), json_value(&r[header.len() + 2]));
                    Json::Object(object)
                })
                .collect();
            Ok(json_text(&Json::Array(list)))
        }
    }
}

/// The activity log, each time in its account owner's zone.
pub fn activity(
    rows: &[ActivityExport],
    zone_of: &HashMap<String, Tz, impl std::hash::BuildHasher>,
    default_zone: Tz,
    format: DataFormat,
) -> Result<String, StoreError> {
    const HEADER: [&str; 12] = [
        "timestamp",
        "zone",
        "owner",
        "account",
        "account_domain",
        "player",
        "player_email",
        "channel",
        "action",
        "outcome",
        "actor",
        "note",
    ];
    let fields = |a: &ActivityExport| -> Vec<Option<String>> {
        let zone = zone_of.get(&a.owner).copied().unwrap_or(default_zone);
        vec![
            Some(a.at.with_timezone(&zone).to_rfc3339()),
            Some(zone.name().to_string()),
            Some(a.owner.clone()),
            Some(a.account.clone()),
            a.account_domain.clone(),
            a.player.clone(),
            a.player_email.clone(),
            a.channel.clone(),
            Some(a.action.clone()),
            a.outcome.clone(),
            Some(a.actor.clone()),
            a.note.clone(),
        ]
    };
    match format {
        DataFormat::Csv => {
            Ok(csv_text(&HEADER, rows.iter().map(|a| fields(a).into_iter().map(Option::unwrap_or_default).collect())))
        }
        DataFormat::Json => {
            let list: Vec<Json> = rows
                .iter()
                .map(|a| {
                    let mut object: Map<String, Json> =
                        HEADER.iter().zip(fields(a)).map(|(h, v)| ((*h).to_string(), json!(v))).collect();
                    object.insert("activity_id".into(), json!(a.id));
                    Json::Object(object)
                })
                .collect();
            Ok(json_text(&Json::Array(list)))
        }
    }
}
