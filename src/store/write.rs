//! Loading data: reps, accounts, players, triggers, plays, and raw history
//! (for the demo). A `Loader` is one transaction: all of it lands or none.

use super::db::{Begin, OptionalExtension, Tx as Transaction};
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
        Ok(Loader { tx, tally: RefCell::new(None) })
    }
}

impl Loader<'_> {
    pub(super) fn tx(&self) -> &Transaction<'_> {
        &self.tx
    }

    pub fn commit(self) -> Result<()> {
        self.tx.commit()?;
        Ok(())
    }

    /// Removes every record (for `demo --force`).
    pub fn clear_all(&self) -> Result<()> {
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
        self.tx
            .prepare_cached(
                "INSERT INTO triggers (account_id, kind, summary, source, occurred_on) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![account_id, kind, summary, source, day])?;
        let id = self.tx.last_insert_rowid()?;
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
        super::rows::insert_touch(&self.tx, t)?;
        if let Some(tally) = self.tally.borrow_mut().as_mut() {
            tally.add(t);
        }
        self.tx.last_insert_rowid()
    }

    /// Raw history (demo): a past action, not undoable.
    pub fn insert_activity(&self, a: &PastAction<'_>) -> Result<()> {
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
        self.tx.execute_batch("ALTER TABLE touches DISABLE TRIGGER touch_rollups")?;
        *self.tally.borrow_mut() = Some(Tally::default());
        let mut rebuild: Vec<String> = found.into_iter().map(|(_, sql)| sql).collect();
        rebuild.push("ALTER TABLE touches ENABLE TRIGGER touch_rollups".to_string());
        Ok(rebuild)
    }

    pub fn rebuild_indexes(&self, statements: &[String]) -> Result<()> {
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
        self.tx
            .prepare_cached("UPDATE players SET status = ?2 WHERE id = ?1")?
            .execute(params![id, status.as_str()])?;
        Ok(())
    }

    pub fn set_account_status(&self, id: i64, status: AccountStatus) -> Result<()> {
        self.tx
            .prepare_cached("UPDATE accounts SET status = ?2 WHERE id = ?1")?
            .execute(params![id, status.as_str()])?;
        Ok(())
    }
}
