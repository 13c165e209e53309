//! `import triggers`: trigger events from a file, each row checked as
//! `add trigger` checks one, all in one undoable action. A row already
//! stored (same account, date and text) is unchanged, so an export imports
//! back into the same records.

use super::{refused, Engine, Result};
use crate::store::Value;
use crate::store::{ActionTx, Activity, Columns, ImportLookup, RecordTable, Store};
use chrono::NaiveDate;

/// One row as read from the file, cells trimmed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TriggerRow {
    pub line: u64,
    /// The account's domain, else its name.
    pub domain: Option<String>,
    pub account: Option<String>,
    pub date: Option<String>,
    pub kind: Option<String>,
    pub text: Option<String>,
    pub source: Option<String>,
}

/// How an import of trigger events went.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TriggerImport {
    pub new: usize,
    pub unchanged: usize,
    /// (line, why) of the rows left out.
    pub rejected: Vec<(u64, String)>,
}

impl TriggerImport {
    pub fn summary(&self) -> String {
        format!("triggers: {} new, {} unchanged, {} rejected", self.new, self.unchanged, self.rejected.len())
    }

    fn reasons(&self) -> String {
        let mut shown: Vec<String> =
            self.rejected.iter().take(5).map(|(line, why)| format!("line {line}: {why}")).collect();
        if self.rejected.len() > 5 {
            shown.push(format!("and {} more", self.rejected.len() - 5));
        }
        shown.join("; ")
    }
}

impl Engine {
    /// Imports the rows in one transaction: all of them, or with `skip_bad`
    /// the good ones; `dry_run` counts and writes nothing.
    pub fn import_triggers(
        &self,
        store: &mut Store,
        rows: &[TriggerRow],
        dry_run: bool,
        skip_bad: bool,
    ) -> Result<TriggerImport> {
        let mut tx = store.begin()?;
        let mut done = TriggerImport::default();
        for row in rows {
            match self.trigger_columns(&tx, row) {
                Err(why) => done.rejected.push((row.line, why)),
                Ok((account, date, text, columns)) => {
                    if tx.has_trigger(account, date, &text)? {
                        done.unchanged += 1;
                    } else {
                        tx.insert_record(RecordTable::Triggers, &columns)?;
                        done.new += 1;
                    }
                }
            }
        }
        if !done.rejected.is_empty() && !skip_bad {
            let verb = if dry_run { "would be" } else { "was" };
            return Err(refused(format!(
                "{}; {} rejected, so nothing {verb} imported (fix them, or pass --skip-bad): {}",
                done.summary(),
                crate::text::count(done.rejected.len(), "row", "rows"),
                done.reasons()
            )));
        }
        if dry_run || done.new == 0 {
            // Dropped uncommitted: nothing written, nothing to undo.
            return Ok(done);
        }
        let activity =
            Activity { action: "import triggers".into(), detail: Some(done.summary()), ..Activity::default() };
        tx.commit(&self.actor, self.now, &activity)?;
        Ok(done)
    }

    /// A row's account, date, text and columns, or why it cannot be imported.
    fn trigger_columns(
        &self,
        lookup: &ActionTx<'_>,
        row: &TriggerRow,
    ) -> std::result::Result<(i64, NaiveDate, String, Columns), String> {
        let words = |e: super::EngineError| e.to_string();
        let account = match (&row.domain, &row.account) {
            (Some(domain), _) => {
                let d = crate::import::values::domain(domain).ok_or("not a website or domain")?;
                *lookup
                    .accounts_by_domain(&d)
                    .map_err(|e| e.to_string())?
                    .first()
                    .ok_or(format!("no account has the domain {d}"))?
            }
            (None, Some(name)) => match lookup.accounts_by_name(name).map_err(|e| e.to_string())?.as_slice() {
                [(id, _)] => *id,
                // A domain in the account column names the account too.
                [] => match crate::import::values::domain(name)
                    .map(|d| lookup.accounts_by_domain(&d))
                    .transpose()
                    .map_err(|e| e.to_string())?
                    .and_then(|ids| ids.first().copied())
                {
                    Some(id) => id,
                    None => return Err(format!("no account is named {}", crate::text::quoted(name))),
                },
                _ => return Err(format!("several accounts are named {}: give the domain", crate::text::quoted(name))),
            },
            (None, None) => return Err("no account: give its domain or name".into()),
        };
        let text = super::records::trigger_text(row.text.as_deref().unwrap_or_default()).map_err(words)?;
        let kind = super::records::trigger_kind(row.kind.as_deref().unwrap_or("other")).map_err(words)?;
        let source =
            row.source.as_deref().map(|s| super::records::identity("the source", s)).transpose().map_err(words)?;
        let date = match &row.date {
            Some(d) => NaiveDate::parse_from_str(d, "%Y-%m-%d")
                .map_err(|_| format!("{} is not a date (YYYY-MM-DD)", crate::text::quoted(d)))?,
            None => self.today(self.zone),
        };
        crate::limits::date(date)?;
        if date > self.today(self.zone) + chrono::Duration::days(1) {
            return Err(format!("{date} is in the future: a trigger event has happened"));
        }
        let columns: Columns = vec![
            ("account_id", Value::Integer(account)),
            ("kind", Value::Text(kind)),
            ("summary", Value::Text(text.clone())),
            ("source", source.map_or(Value::Null, Value::Text)),
            ("occurred_on", Value::Text(date.format("%Y-%m-%d").to_string())),
        ];
        Ok((account, date, text, columns))
    }
}
