//! Loading data: reps, accounts, players, triggers, plays, and raw history
//! (for the demo). A `Loader` is one transaction: all of it lands or none.

use super::db::{Begin, OptionalExtension, Tx as Transaction, Value};
use super::rows::{EnrollmentRow, TouchRow};
use super::{ts, Result, Store, StoreError};
use crate::domain::{AccountStatus, Bant, Channel, Outcome, PlayerStatus, Role, Tier, TouchState};
use crate::play::Play;
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use std::cell::RefCell;
use std::collections::HashMap;

/// An account to add.
#[derive(Debug, Clone, PartialEq)]
pub struct NewAccount {
    pub name: String,
    pub domain: Option<String>,
    pub industry: Option<String>,
    pub segment: Option<String>,
    pub region: Option<String>,
    pub country: Option<String>,
    pub employees: Option<i64>,
    pub annual_revenue: Option<i64>,
    pub owner: String,
    pub status: AccountStatus,
    pub source: Option<String>,
    pub opportunity_value: Option<i64>,
    pub bant: Option<Bant>,
}

/// A player to add.
#[derive(Debug, Clone, PartialEq)]
pub struct NewPlayer {
    pub account_id: i64,
    pub first_name: String,
    pub last_name: String,
    pub title: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub linkedin: Option<String>,
    pub zone: Tz,
    pub tier: Tier,
    pub role: Role,
    pub status: PlayerStatus,
}

/// An enrollment's last resolved touch and the owner's day of its last done one.
#[derive(Debug, Clone, Copy, Default)]
pub struct LastTouch {
    pub at: Option<DateTime<Utc>>,
    pub done_day: Option<i64>,
}

/// A past action for a bulk load.
#[derive(Debug, Clone, Copy)]
pub struct PastAction<'a> {
    pub at: DateTime<Utc>,
    pub actor: &'a str,
    pub action: &'a str,
    pub account_id: i64,
    pub player_id: Option<i64>,
    pub touch: Option<TouchRef<'a>>,
    pub channel: Option<Channel>,
    pub outcome: Option<Outcome>,
}

/// The touch an action was about, with the context the review groups by.
#[derive(Debug, Clone, Copy)]
pub struct TouchRef<'a> {
    pub id: i64,
    pub enrollment_id: i64,
    pub play_id: i64,
    pub step: i64,
    /// The rep whose touch it is.
    pub owner: &'a str,
}

/// A bulk write in one transaction; dropped without `commit`, nothing lands.
pub struct Loader<'c> {
    tx: Transaction<'c>,
    /// A bulk load into PostgreSQL: rows go by COPY (see `bulk`).
    bulk: RefCell<Option<super::bulk::Bulk>>,
    /// The manager's rollups, tallied here while their triggers are off
    /// (a bulk load): far cheaper than recomputing them from the touches.
    tally: RefCell<Option<Tally>>,
}

type DailyKey = (i64, String, i64, i64, &'static str, &'static str, &'static str);

#[derive(Default)]
struct Tally {
    play_of: HashMap<i64, i64>,
    /// `touch_daily`: (day, owner, play, step, kind, channel, state) → (n, on time).
    daily: HashMap<DailyKey, (i64, i64)>,
    /// `touch_open`: (play, owner, kind) → n.
    open: HashMap<(i64, String, &'static str), i64>,
}

impl Tally {
    fn add(&mut self, t: &TouchRow) {
        let play = self.play_of.get(&t.enrollment_id).copied().unwrap_or(0);
        if t.state.is_open() {
            *self.open.entry((play, t.owner.clone(), t.kind.as_str())).or_default() += 1;
        }
        if let (Some(day), TouchState::Done | TouchState::Skipped) = (t.done_day, t.state) {
            let key = (day, t.owner.clone(), play, t.step, t.kind.as_str(), t.channel.as_str(), t.state.as_str());
            let entry = self.daily.entry(key).or_default();
            entry.0 += 1;
            entry.1 += i64::from(t.on_time.unwrap_or(false));
        }
    }

    fn write(&self, tx: &Transaction<'_>) -> Result<()> {
        tx.execute_batch("DELETE FROM touch_daily; DELETE FROM touch_open;")?;
        if tx.is_postgres() {
            // Tens of thousands of rows at 100k accounts: one COPY each.
            let daily = self.daily.iter().map(|((day, owner, play, step, kind, channel, state), (n, on_time))| {
                vec![
                    Value::Integer(*day),
                    Value::Text(owner.clone()),
                    Value::Integer(*play),
                    Value::Integer(*step),
                    Value::Text((*kind).to_string()),
                    Value::Text((*channel).to_string()),
                    Value::Text((*state).to_string()),
                    Value::Integer(*n),
                    Value::Integer(*on_time),
                ]
            });
            super::bulk::copy(
                tx,
                "touch_daily",
                &["day", "owner", "play_id", "step", "kind", "channel", "state", "n", "on_time"],
                daily,
            )?;
            let open = self.open.iter().map(|((play, owner, kind), n)| {
                vec![
                    Value::Integer(*play),
                    Value::Text(owner.clone()),
                    Value::Text((*kind).to_string()),
                    Value::Integer(*n),
                ]
            });
            return super::bulk::copy(tx, "touch_open", &["play_id", "owner", "kind", "n"], open);
        }
        let mut daily = tx.prepare(
            "INSERT INTO touch_daily (day, owner, play_id, step, kind, channel, state, n, on_time)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        )?;
        for ((day, owner, play, step, kind, channel, state), (n, on_time)) in &self.daily {
            daily.execute(params![day, owner, play, step, kind, channel, state, n, on_time])?;
        }
        let mut open = tx.prepare("INSERT INTO touch_open (play_id, owner, kind, n) VALUES (?1, ?2, ?3, ?4)")?;
        for ((play, owner, kind), n) in &self.open {
            open.execute(params![play, owner, kind, n])?;
        }
        Ok(())
    }
}

impl Store {
    pub fn loader(&mut self) -> Result<Loader<'_>> {
        let tx = self.conn.begin(Begin::Write)?;
        Ok(Loader { tx, tally: RefCell::new(None), bulk: RefCell::new(None) })
    }
}

impl Loader<'_> {
    pub(super) fn tx(&self) -> &Transaction<'_> {
        &self.tx
    }

    pub fn commit(self) -> Result<()> {
        self.flush()?;
        self.tx.commit()?;
        Ok(())
    }

    fn flush(&self) -> Result<()> {
        if let Some(bulk) = self.bulk.borrow_mut().as_mut() {
            bulk.flush(&self.tx)?;
        }
        Ok(())
    }

    /// Adds a row to the bulk load when there is one; `None` otherwise.
    fn bulk_add(&self, table: &'static str, values: Vec<Value>) -> Result<Option<i64>> {
        match self.bulk.borrow_mut().as_mut() {
            Some(bulk) => bulk.add(&self.tx, table, values).map(Some),
            None => Ok(None),
        }
    }

    /// Removes every record (for `demo --force`).
    pub fn clear_all(&self) -> Result<()> {
        if self.tx.is_postgres() {
            // Row by row, the cascades take seconds on a large store.
            self.tx.execute_batch(
                "TRUNCATE activity, touches, enrollments, triggers, players, accounts, plays, reps, touch_daily, touch_open",
            )?;
            return Ok(());
        }
        self.tx.execute_batch(
            "DELETE FROM activity; DELETE FROM touches; DELETE FROM enrollments; DELETE FROM triggers;
             DELETE FROM players; DELETE FROM accounts; DELETE FROM plays; DELETE FROM reps;",
        )?;
        Ok(())
    }

    pub fn upsert_rep(&self, name: &str, zone: Tz) -> Result<()> {
        self.tx.execute(
            "INSERT INTO reps (name, zone) VALUES (?1, ?2) ON CONFLICT (name) DO UPDATE SET zone = excluded.zone",
            params![name, zone.name()],
        )?;
        Ok(())
    }

    pub fn insert_account(&self, a: &NewAccount, at: DateTime<Utc>) -> Result<i64> {
        let factor = |f: fn(&Bant) -> u8| a.bant.as_ref().map(|b| i64::from(f(b)));
        if self.bulk.borrow().is_some() {
            let text = |t: &Option<String>| t.clone().map_or(Value::Null, Value::Text);
            let int = |i: Option<i64>| i.map_or(Value::Null, Value::Integer);
            let values = vec![
                Value::Text(a.name.clone()),
                text(&a.domain),
                text(&a.industry),
                text(&a.segment),
                text(&a.region),
                text(&a.country),
                int(a.employees),
                int(a.annual_revenue),
                Value::Text(a.owner.clone()),
                Value::Text(a.status.as_str().into()),
                text(&a.source),
                int(a.opportunity_value),
                int(factor(|b| b.budget)),
                int(factor(|b| b.authority)),
                int(factor(|b| b.need)),
                int(factor(|b| b.timing)),
                Value::Integer(ts(at)),
                Value::Null,
                Value::Null,
            ];
            return self.bulk_add("accounts", values).map(Option::unwrap_or_default);
        }
        let mut stmt = self.tx.prepare_cached(
            "INSERT INTO accounts (name, domain, industry, segment, region, country, employees, annual_revenue, owner,
             status, source, opportunity_value, budget, authority, need, timing, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)",
        )?;
        stmt.execute(params![
            a.name,
            a.domain,
            a.industry,
            a.segment,
            a.region,
            a.country,
            a.employees,
            a.annual_revenue,
            a.owner,
            a.status.as_str(),
            a.source,
            a.opportunity_value,
            factor(|b| b.budget),
            factor(|b| b.authority),
            factor(|b| b.need),
            factor(|b| b.timing),
            ts(at),
        ])?;
        self.tx.last_insert_rowid()
    }

    pub fn insert_player(&self, p: &NewPlayer) -> Result<i64> {
        if self.bulk.borrow().is_some() {
            let text = |t: &Option<String>| t.clone().map_or(Value::Null, Value::Text);
            let values = vec![
                Value::Integer(p.account_id),
                Value::Text(p.first_name.clone()),
                Value::Text(p.last_name.clone()),
                text(&p.title),
                text(&p.email),
                text(&p.phone),
                text(&p.linkedin),
                Value::Text(p.zone.name().into()),
                Value::Text(p.tier.as_str().into()),
                Value::Text(p.role.as_str().into()),
                Value::Text(p.status.as_str().into()),
            ];
            return self.bulk_add("players", values).map(Option::unwrap_or_default);
        }
        let mut stmt = self.tx.prepare_cached(
            "INSERT INTO players (account_id, first_name, last_name, title, email, phone, linkedin, zone, tier, role, status)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        )?;
        stmt.execute(params![
            p.account_id,
            p.first_name,
            p.last_name,
            p.title,
            p.email,
            p.phone,
            p.linkedin,
            p.zone.name(),
            p.tier.as_str(),
            p.role.as_str(),
            p.status.as_str(),
        ])?;
        self.tx.last_insert_rowid()
    }

    /// Adds a trigger event and keeps the account's freshest trigger current.
    pub fn insert_trigger(
        &self,
        account_id: i64,
        kind: &str,
        summary: &str,
        source: Option<&str>,
        on: NaiveDate,
    ) -> Result<i64> {
        let day = on.format("%Y-%m-%d").to_string();
        let text = |t: &str| Value::Text(t.to_string());
        let values =
            vec![Value::Integer(account_id), text(kind), text(summary), source.map_or(Value::Null, text), text(&day)];
        let bulk_id = self.bulk_add("triggers", values)?;
        if let Some(id) = bulk_id {
            let mut bulk = self.bulk.borrow_mut();
            if let Some(bulk) = bulk.as_mut() {
                if bulk.get("accounts", account_id, "id").is_some() {
                    let fresher = match bulk.get("accounts", account_id, "last_trigger_on") {
                        Some(Value::Text(on)) => on.as_str() <= day.as_str(),
                        _ => true,
                    };
                    if fresher {
                        bulk.set("accounts", account_id, "last_trigger_on", text(&day));
                        bulk.set("accounts", account_id, "last_trigger", text(summary));
                    }
                    return Ok(id);
                }
            }
        }
        let id = if let Some(id) = bulk_id {
            id
        } else {
            self.tx
                .prepare_cached(
                    "INSERT INTO triggers (account_id, kind, summary, source, occurred_on) VALUES (?1, ?2, ?3, ?4, ?5)",
                )?
                .execute(params![account_id, kind, summary, source, day])?;
            self.tx.last_insert_rowid()?
        };
        self.tx
            .prepare_cached(
                "UPDATE accounts SET last_trigger_on = ?2, last_trigger = ?3
                 WHERE id = ?1 AND (last_trigger_on IS NULL OR last_trigger_on <= ?2)",
            )?
            .execute(params![account_id, day, summary])?;
        Ok(id)
    }

    /// Installs a play version; installing the same text again is a no-op, but
    /// a changed play must carry a new version number.
    pub fn install_play(&self, source: &str, at: DateTime<Utc>) -> Result<i64> {
        let play = Play::parse(source).map_err(|e| StoreError::Invalid(format!("play: {e}")))?;
        let existing: Option<(i64, String)> = self
            .tx
            .query_row(
                "SELECT id, source FROM plays WHERE name = ?1 AND version = ?2",
                params![play.name, play.version],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        match existing {
            Some((id, stored)) if stored == source => Ok(id),
            Some(_) => Err(StoreError::Invalid(format!(
                "play {} is already installed with different content; raise its version to install the change",
                play.label()
            ))),
            None => {
                self.tx.execute(
                    "INSERT INTO plays (name, version, title, source, loaded_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![play.name, play.version, play.title, source, ts(at)],
                )?;
                Ok(self.tx.last_insert_rowid()?)
            }
        }
    }

    /// Raw history (demo): an enrollment as given, with its last touch
    /// (the triggers that keep it are off during a bulk load).
    pub fn insert_enrollment(&self, e: &EnrollmentRow, last: LastTouch) -> Result<i64> {
        let text = |t: Option<&str>| t.map_or(Value::Null, |t| Value::Text(t.to_string()));
        let int = |i: Option<i64>| i.map_or(Value::Null, Value::Integer);
        let values = vec![
            Value::Integer(e.account_id),
            Value::Integer(e.play_id),
            Value::Integer(ts(e.started_at)),
            Value::Text(e.started_by.clone()),
            Value::Text(e.state.as_str().into()),
            int(e.paused_at.map(ts)),
            int(e.paused_until.map(ts)),
            text(e.reason.as_deref()),
            int(last.at.map(ts)),
            int(last.done_day),
            int(e.decision_at.map(ts)),
            text(e.ended_as.map(crate::domain::Ending::as_str)),
        ];
        if let Some(id) = self.bulk_add("enrollments", values)? {
            if let Some(tally) = self.tally.borrow_mut().as_mut() {
                tally.play_of.insert(id, e.play_id);
            }
            return Ok(id);
        }
        self.tx
            .prepare_cached(
                "INSERT INTO enrollments (account_id, play_id, started_at, started_by, state, paused_at, paused_until, reason,
                                          last_touch_at, last_done_day, decision_at, ended_as)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
            )?
            .execute(params![
                e.account_id,
                e.play_id,
                ts(e.started_at),
                e.started_by,
                e.state.as_str(),
                e.paused_at.map(ts),
                e.paused_until.map(ts),
                e.reason,
                last.at.map(ts),
                last.done_day,
                e.decision_at.map(ts),
                e.ended_as.map(crate::domain::Ending::as_str)
            ])?;
        let id = self.tx.last_insert_rowid()?;
        if let Some(tally) = self.tally.borrow_mut().as_mut() {
            tally.play_of.insert(id, e.play_id);
        }
        Ok(id)
    }

    /// Raw history (demo): a touch as given.
    pub fn insert_touch(&self, t: &TouchRow) -> Result<i64> {
        if self.bulk.borrow().is_some() {
            if let Some(tally) = self.tally.borrow_mut().as_mut() {
                tally.add(t);
            }
            let values = super::rows::touch_values(t);
            return self.bulk_add("touches", values).map(Option::unwrap_or_default);
        }
        super::rows::insert_touch(&self.tx, t)?;
        if let Some(tally) = self.tally.borrow_mut().as_mut() {
            tally.add(t);
        }
        self.tx.last_insert_rowid()
    }

    /// Raw history (demo): a past action, not undoable.
    pub fn insert_activity(&self, a: &PastAction<'_>) -> Result<()> {
        if self.bulk.borrow().is_some() {
            let text = |t: Option<&str>| t.map_or(Value::Null, |t| Value::Text(t.to_string()));
            let int = |i: Option<i64>| i.map_or(Value::Null, Value::Integer);
            let values = vec![
                Value::Integer(ts(a.at)),
                Value::Text(a.actor.to_string()),
                Value::Text(a.action.to_string()),
                Value::Integer(a.account_id),
                int(a.player_id),
                int(a.touch.map(|t| t.id)),
                text(a.channel.map(Channel::as_str)),
                text(a.outcome.map(Outcome::as_str)),
                int(a.touch.map(|t| t.enrollment_id)),
                int(a.touch.map(|t| t.play_id)),
                int(a.touch.map(|t| t.step)),
                text(a.touch.map(|t| t.owner)),
            ];
            self.bulk_add("activity", values)?;
            return Ok(());
        }
        self.tx
            .prepare_cached(
                "INSERT INTO activity (at, actor, action, account_id, player_id, touch_id, channel, outcome,
                                       enrollment_id, play_id, step, owner)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
            )?
            .execute(params![
                ts(a.at),
                a.actor,
                a.action,
                a.account_id,
                a.player_id,
                a.touch.map(|t| t.id),
                a.channel.map(Channel::as_str),
                a.outcome.map(Outcome::as_str),
                a.touch.map(|t| t.enrollment_id),
                a.touch.map(|t| t.play_id),
                a.touch.map(|t| t.step),
                a.touch.map(|t| t.owner),
            ])?;
        Ok(())
    }
}

impl Loader<'_> {
    /// Drops the secondary indexes of the history tables for a bulk load and
    /// returns the statements that rebuild them (`rebuild_indexes`): building
    /// an index once is far cheaper than updating it per row.
    pub fn drop_history_indexes(&self) -> Result<Vec<String>> {
        if self.tx.is_postgres() {
            return self.drop_history_indexes_pg();
        }
        let found: Vec<(String, String)> = self.tx.query_map(
            "SELECT name, sql FROM sqlite_master
             WHERE type = 'index' AND tbl_name IN ('touches', 'activity') AND sql IS NOT NULL",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        let found_triggers: Vec<(String, String)> = self.tx.query_map(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'touches' AND sql IS NOT NULL",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        for (name, _) in &found_triggers {
            // Trigger names come from sqlite_master, not from input.
            self.tx.execute_batch(&format!("DROP TRIGGER \"{}\"", name.replace('"', "")))?;
        }
        for (name, _) in &found {
            // Index names come from sqlite_master, not from input.
            self.tx.execute_batch(&format!("DROP INDEX \"{}\"", name.replace('"', "")))?;
        }
        *self.tally.borrow_mut() = Some(Tally::default());
        Ok(found.into_iter().chain(found_triggers).map(|(_, sql)| sql).collect())
    }

    /// PostgreSQL's way: the same indexes from its catalog, and the rollup
    /// trigger switched off rather than dropped.
    fn drop_history_indexes_pg(&self) -> Result<Vec<String>> {
        let found: Vec<(String, String)> = self.tx.query_map(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i
              WHERE i.schemaname = current_schema() AND i.tablename IN ('touches', 'activity')
                AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        for (name, _) in &found {
            // Index names come from the catalog, not from input.
            self.tx.execute_batch(&format!("DROP INDEX \"{}\"", name.replace('"', "")))?;
        }
        // Foreign keys are checked row by row during COPY: dropped for the
        // load, added back (checked once, by a join) at the end.
        let keys: Vec<(String, String, String)> = self.tx.query_map(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint
              WHERE contype = 'f' AND connamespace = current_schema()::regnamespace",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?;
        for (table, name, _) in &keys {
            // Names come from the catalog, not from input.
            self.tx.execute_batch(&format!("ALTER TABLE {table} DROP CONSTRAINT \"{}\"", name.replace('"', "")))?;
        }
        self.tx.execute_batch("ALTER TABLE touches DISABLE TRIGGER touch_rollups")?;
        // Each index is rebuilt by one sort: in memory rather than in
        // temporary files (2.4 M touches at 100k accounts).
        self.tx.execute_batch("SET LOCAL maintenance_work_mem = '256MB'")?;
        // The guard would run per row (a function call and a lookup each):
        // off while the owner loads, in this one transaction; the loader
        // writes the role that acted itself (see `bulk`).
        let guarded: Vec<&str> = super::bulk::TABLES.iter().map(|(t, _)| *t).collect();
        for table in &guarded {
            self.tx.execute_batch(&format!("ALTER TABLE {table} DISABLE TRIGGER playbook_guard"))?;
        }
        *self.tally.borrow_mut() = Some(Tally::default());
        *self.bulk.borrow_mut() = Some(super::bulk::Bulk::default());
        let mut rebuild: Vec<String> = found.into_iter().map(|(_, sql)| sql).collect();
        rebuild.push("ALTER TABLE touches ENABLE TRIGGER touch_rollups".to_string());
        for table in &guarded {
            rebuild.push(format!("ALTER TABLE {table} ENABLE TRIGGER playbook_guard"));
        }
        for (table, name, definition) in keys {
            rebuild.push(format!("ALTER TABLE {table} ADD CONSTRAINT \"{}\" {definition}", name.replace('"', "")));
        }
        Ok(rebuild)
    }

    pub fn rebuild_indexes(&self, statements: &[String]) -> Result<()> {
        self.flush()?;
        for sql in statements {
            self.tx.execute_batch(sql)?;
        }
        match self.tally.borrow_mut().take() {
            Some(tally) => tally.write(&self.tx)?,
            None => self.tx.execute_batch(super::schema::REBUILD_ROLLUPS)?,
        }
        Ok(())
    }

    pub fn set_player_status(&self, id: i64, status: PlayerStatus) -> Result<()> {
        if let Some(bulk) = self.bulk.borrow_mut().as_mut() {
            if bulk.set("players", id, "status", Value::Text(status.as_str().into())) {
                return Ok(());
            }
        }
        self.tx
            .prepare_cached("UPDATE players SET status = ?2 WHERE id = ?1")?
            .execute(params![id, status.as_str()])?;
        Ok(())
    }

    pub fn set_account_status(&self, id: i64, status: AccountStatus) -> Result<()> {
        if let Some(bulk) = self.bulk.borrow_mut().as_mut() {
            if bulk.set("accounts", id, "status", Value::Text(status.as_str().into())) {
                return Ok(());
            }
        }
        self.tx
            .prepare_cached("UPDATE accounts SET status = ?2 WHERE id = ?1")?
            .execute(params![id, status.as_str()])?;
        Ok(())
    }
}
