//! `team push`: a rep's own store moved into the team's database, in one
//! transaction. Accounts are matched by domain and players by email as an
//! import matches them; plays by name and version; trigger events by what
//! they say; a play already running on a matched account is kept as the
//! team's database has it, with its touches and history. Everything else (plays running, touches, the activity log with
//! each action's undo record) comes over under new ids. Each row pushed is
//! remembered with the source store's id, so pushing the same file again
//! adds nothing.

use super::db::{Begin, Db, OptionalExtension, Tx, Value};
use super::{action, Result, Store, StoreError};
use std::collections::HashMap;

/// What one push did, per table: (added, matched to a row already there,
/// already pushed before).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PushSummary {
    pub tables: Vec<(&'static str, usize, usize, usize)>,
    /// Actions that came over as history only: what they changed has no
    /// counterpart in the team's database, so they cannot be undone there.
    pub not_undoable: usize,
}

impl PushSummary {
    pub fn added(&self, table: &str) -> usize {
        self.tables.iter().find(|t| t.0 == table).map_or(0, |t| t.1)
    }
}

/// The columns of a table pointing at other tables' rows.
fn references(table: &str) -> &'static [(&'static str, &'static str)] {
    match table {
        "players" | "triggers" => &[("account_id", "accounts")],
        "enrollments" => &[("account_id", "accounts"), ("play_id", "plays")],
        "touches" => &[("enrollment_id", "enrollments"), ("account_id", "accounts"), ("player_id", "players")],
        "activity" => &[
            ("account_id", "accounts"),
            ("player_id", "players"),
            ("touch_id", "touches"),
            ("enrollment_id", "enrollments"),
            ("play_id", "plays"),
        ],
        _ => &[],
    }
}

/// In the order rows can point at each other.
const TABLES: [&str; 7] = ["plays", "accounts", "players", "triggers", "enrollments", "touches", "activity"];

/// Columns never copied: the row's own id (the target gives one), what the
/// target computes, and what is linked after every row is in.
const NOT_COPIED: [&str; 4] = ["id", "bant_score", "undone_by", "undo"];

struct Pushing<'a> {
    tx: Tx<'a>,
    source: String,
    ids: HashMap<(&'static str, i64), i64>,
    /// The file's plays already running on a matched account in the team's
    /// database (and their touches): the team's copy is kept, the file's
    /// is not added beside it.
    kept: std::collections::HashSet<(&'static str, i64)>,
}

impl Pushing<'_> {
    fn pushed(&self, table: &str, id: i64) -> Result<Option<i64>> {
        self.tx
            .query_row(
                "SELECT target_id FROM pushed WHERE source = ?1 AND tbl = ?2 AND source_id = ?3",
                params![self.source, table, id],
                |r| r.get(0),
            )
            .optional()
    }

    fn remember(&mut self, table: &'static str, from: i64, to: i64) -> Result<()> {
        self.tx.execute(
            "INSERT INTO pushed (source, tbl, source_id, target_id) VALUES (?1, ?2, ?3, ?4)",
            params![self.source, table, from, to],
        )?;
        self.ids.insert((table, from), to);
        Ok(())
    }

    /// The row already in the team's database this one is, by the rules an
    /// import follows.
    fn matching(&self, table: &str, row: &HashMap<String, Value>) -> Result<Option<i64>> {
        let text = |c: &str| match row.get(c) {
            Some(Value::Text(t)) if !t.trim().is_empty() => Some(t.clone()),
            _ => None,
        };
        let value = |c: &str| row.get(c).cloned().unwrap_or(Value::Null);
        let found = match table {
            "plays" => self.tx.query_row(
                "SELECT id FROM plays WHERE name = ?1 AND version = ?2",
                vec![value("name"), value("version")],
                |r| r.get(0),
            ),
            "accounts" => match text("domain") {
                Some(domain) => self.tx.query_row(
                    "SELECT id FROM accounts WHERE domain = ?1 COLLATE NOCASE ORDER BY id LIMIT 1",
                    [domain],
                    |r| r.get(0),
                ),
                None => return Ok(None),
            },
            "players" => match text("email") {
                Some(email) => self.tx.query_row(
                    "SELECT id FROM players WHERE email = ?1 COLLATE NOCASE ORDER BY id LIMIT 1",
                    [email],
                    |r| r.get(0),
                ),
                None => return Ok(None),
            },
            "enrollments" => self.tx.query_row(
                "SELECT id FROM enrollments WHERE account_id = ?1 AND play_id = ?2 ORDER BY id LIMIT 1",
                vec![value("account_id"), value("play_id")],
                |r| r.get(0),
            ),
            "triggers" => self.tx.query_row(
                "SELECT id FROM triggers WHERE account_id = ?1 AND kind = ?2 AND summary = ?3 AND occurred_on = ?4
                 ORDER BY id LIMIT 1",
                vec![value("account_id"), value("kind"), value("summary"), value("occurred_on")],
                |r| r.get(0),
            ),
            _ => return Ok(None),
        };
        found.optional()
    }

    fn copy(&mut self, source: &Db, table: &'static str) -> Result<(usize, usize, usize)> {
        // Table names are this module's constants, never input.
        let sql = format!("SELECT * FROM {table} ORDER BY id");
        let names = source.column_names(&sql)?;
        let rows: Vec<Vec<Value>> = source.query_map(&sql, [], |r| (0..names.len()).map(|i| r.get(i)).collect())?;
        let (mut added, mut matched, mut before) = (0, 0, 0);
        for values in rows {
            let mut row: HashMap<String, Value> = names.iter().cloned().zip(values).collect();
            let Some(Value::Integer(id)) = row.get("id").cloned() else {
                return Err(StoreError::Corrupt(format!("a row of {table} has no id")));
            };
            if let Some(to) = self.pushed(table, id)? {
                self.ids.insert((table, id), to);
                before += 1;
                continue;
            }
            // What hangs off a play the team's database already runs stays as it is there.
            let under_kept = |column: &str, of: &'static str| matches!(row.get(column), Some(Value::Integer(v)) if self.kept.contains(&(of, *v)));
            if (table == "touches" && under_kept("enrollment_id", "enrollments"))
                || (table == "activity"
                    && (under_kept("enrollment_id", "enrollments") || under_kept("touch_id", "touches")))
            {
                self.kept.insert((table, id));
                matched += 1;
                continue;
            }
            for (column, target) in references(table) {
                if let Some(Value::Integer(from)) = row.get(*column).cloned() {
                    let to = match self.ids.get(&(*target, from)) {
                        Some(to) => Value::Integer(*to),
                        // The activity log may name a record since removed.
                        None if table == "activity" => Value::Null,
                        None => {
                            return Err(StoreError::Corrupt(format!(
                                "{table} {id} points at a missing {target} {from}"
                            )))
                        }
                    };
                    row.insert((*column).to_string(), to);
                }
            }
            let to = if let Some(existing) = self.matching(table, &row)? {
                matched += 1;
                if table == "enrollments" {
                    // Not remembered as pushed: a second push must find it
                    // kept again, with all that hangs off it.
                    self.kept.insert(("enrollments", id));
                    self.ids.insert((table, id), existing);
                    continue;
                }
                existing
            } else {
                let columns: Vec<&String> = names.iter().filter(|n| !NOT_COPIED.contains(&n.as_str())).collect();
                let marks: Vec<String> = (1..=columns.len()).map(|i| format!("?{i}")).collect();
                let list: Vec<&str> = columns.iter().map(|c| c.as_str()).collect();
                // Column names come from the source's own schema, the same as ours.
                let insert =
                    format!("INSERT INTO {table} ({}) VALUES ({}) RETURNING id", list.join(", "), marks.join(", "));
                let values: Vec<Value> = columns.iter().map(|c| row.get(*c).cloned().unwrap_or(Value::Null)).collect();
                added += 1;
                self.tx.query_row(&insert, values, |r| r.get(0))?
            };
            self.remember(table, id, to)?;
        }
        Ok((added, matched, before))
    }

    /// Each pushed action's undo record and "undone by", in the team's ids.
    fn link_activity(&mut self, source: &Db) -> Result<usize> {
        let rows: Vec<(i64, Option<String>, Option<i64>)> =
            source.query_map("SELECT id, undo, undone_by FROM activity ORDER BY id", [], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })?;
        let ids = &self.ids;
        let map = |table: &str, id: i64| -> Option<i64> {
            let key = TABLES.iter().find(|t| **t == table)?;
            ids.get(&(*key, id)).copied()
        };
        let mut lost = 0;
        for (id, undo, undone_by) in rows {
            let Some(to) = self.ids.get(&("activity", id)).copied() else { continue };
            let undo = undo.and_then(|u| {
                let mapped = action::remap_undo(&u, &map);
                lost += usize::from(mapped.is_none());
                mapped
            });
            let undone_by = undone_by.and_then(|u| self.ids.get(&("activity", u)).copied());
            self.tx
                .execute("UPDATE activity SET undo = ?2, undone_by = ?3 WHERE id = ?1", params![to, undo, undone_by])?;
        }
        Ok(lost)
    }
}

impl Store {
    /// Moves everything `source` holds into this store (see the module).
    pub fn push_from(&mut self, source: &Store) -> Result<PushSummary> {
        let source_id: String =
            source.conn.query_row("SELECT value FROM meta WHERE key = 'store_id'", [], |r| r.get(0))?;
        let own_id: String = self.conn.query_row("SELECT value FROM meta WHERE key = 'store_id'", [], |r| r.get(0))?;
        if source_id == own_id {
            return Err(StoreError::Invalid("that is this database itself: nothing to push".into()));
        }
        let tx = self.conn.begin(Begin::Write)?;
        let mut pushing =
            Pushing { tx, source: source_id, ids: HashMap::new(), kept: std::collections::HashSet::new() };
        let reps: Vec<(String, String)> =
            source.conn.query_map("SELECT name, zone FROM reps ORDER BY name", [], |r| Ok((r.get(0)?, r.get(1)?)))?;
        for (name, zone) in &reps {
            pushing.tx.execute("INSERT OR IGNORE INTO reps (name, zone) VALUES (?1, ?2)", params![name, zone])?;
        }
        let mut summary = PushSummary::default();
        let mut touched_activity = false;
        for table in TABLES {
            let (added, matched, before) = pushing.copy(&source.conn, table)?;
            touched_activity |= table == "activity" && added > 0;
            summary.tables.push((table, added, matched, before));
        }
        if touched_activity {
            summary.not_undoable = pushing.link_activity(&source.conn)?;
        }
        // The freshest trigger of each account, as the ranking reads it.
        let accounts: Vec<i64> = pushing.ids.iter().filter(|((t, _), _)| *t == "accounts").map(|(_, to)| *to).collect();
        for account in accounts {
            super::records::refresh_last_trigger(&pushing.tx, account)?;
        }
        pushing.tx.commit()?;
        Ok(summary)
    }
}
