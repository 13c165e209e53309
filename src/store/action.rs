//! One user action = one transaction. Every row an action changes is saved
//! first (its before-image), every row it adds is noted, and both go into the
//! action's activity entry so `undo` can reverse it exactly.

use super::db::{Begin, OptionalExtension, Tx as Transaction};
use super::lookup;
use super::records::{self, Image, RecordTable};
use super::rows::{self, EnrollmentRow, TouchRow};
use super::{ts, Result, Store, StoreError};
use crate::domain::{Account, AccountStatus, Channel, Outcome, Player, PlayerStatus, Trigger};
use crate::play::Play;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// What an action records in the activity log.
#[derive(Debug, Clone, Default)]
pub struct Activity {
    pub action: String,
    pub account_id: Option<i64>,
    pub player_id: Option<i64>,
    pub touch_id: Option<i64>,
    pub channel: Option<Channel>,
    pub outcome: Option<Outcome>,
    pub detail: Option<String>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct UndoLog {
    touches: Vec<TouchRow>,
    enrollments: Vec<EnrollmentRow>,
    players: Vec<(i64, PlayerStatus)>,
    accounts: Vec<(i64, AccountStatus)>,
    /// BANT factors before a rating (budget, authority, need, timing).
    #[serde(default)]
    ratings: Vec<(i64, [Option<i64>; 4])>,
    /// A player's out-of-office end before an `ooo`.
    #[serde(default)]
    away: Vec<(i64, Option<i64>)>,
    inserted_touches: Vec<i64>,
    inserted_enrollments: Vec<i64>,
    /// Records added by hand, in order.
    #[serde(default)]
    inserted_records: Vec<(RecordTable, i64)>,
    /// Columns of records edited by hand, as they were.
    #[serde(default)]
    updated_records: Vec<(RecordTable, i64, Image)>,
    /// Whole records removed by hand, in the order they went.
    #[serde(default)]
    deleted_records: Vec<(RecordTable, Image)>,
}

/// An action in progress; dropped without `commit`, it changes nothing.
pub struct ActionTx<'c> {
    tx: Transaction<'c>,
    undo: UndoLog,
}

/// What `undo` reversed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Undone {
    pub activity_id: i64,
    pub action: String,
    pub detail: Option<String>,
    pub touch_id: Option<i64>,
}

impl Store {
    /// Starts an action; takes the write lock at once so it cannot fail half-way
    /// on a busy database.
    pub fn begin(&mut self) -> Result<ActionTx<'_>> {
        let tx = self.conn.begin(Begin::Write)?;
        Ok(ActionTx { tx, undo: UndoLog::default() })
    }

    /// Reverses the latest action not yet undone, in one transaction.
    pub fn undo(&mut self, actor: &str, now: DateTime<Utc>) -> Result<Option<Undone>> {
        let tx = self.conn.begin(Begin::Write)?;
        let last = tx
            .query_row(
                "SELECT id, action, detail, touch_id, undo, account_id, player_id FROM activity
                 WHERE undo IS NOT NULL AND undone_by IS NULL AND actor = ?1 ORDER BY id DESC LIMIT 1",
                [actor],
                |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, Option<String>>(2)?,
                        r.get::<_, Option<i64>>(3)?,
                        r.get::<_, String>(4)?,
                        r.get::<_, Option<i64>>(5)?,
                        r.get::<_, Option<i64>>(6)?,
                    ))
                },
            )
            .optional()?;
        let Some((id, action, detail, touch_id, undo, account_id, player_id)) = last else {
            return Ok(None);
        };
        // A teammate's later action on the same account built on this one:
        // putting back the rows as they were would silently erase it.
        if let Some(account) = account_id {
            let later: Option<(String, String)> = tx
                .query_row(
                    "SELECT actor, action FROM activity
                      WHERE id > ?1 AND account_id = ?2 AND actor != ?3 AND undone_by IS NULL
                      ORDER BY id LIMIT 1",
                    params![id, account, actor],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            if let Some((who, what)) = later {
                return Err(StoreError::Invalid(format!(
                    "{who} has acted on this account since ({what}): undoing your {action} would overwrite it; nothing was changed"
                )));
            }
        }
        let log: UndoLog =
            serde_json::from_str(&undo).map_err(|e| StoreError::Corrupt(format!("undo record of action {id}: {e}")))?;
        for touch_id in &log.inserted_touches {
            tx.execute("DELETE FROM touches WHERE id = ?1", [touch_id])?;
        }
        for enrollment_id in &log.inserted_enrollments {
            tx.execute("DELETE FROM touches WHERE enrollment_id = ?1", [enrollment_id])?;
            tx.execute("DELETE FROM enrollments WHERE id = ?1", [enrollment_id])?;
        }
        for row in log.touches.iter().rev() {
            write_touch(&tx, row)?;
        }
        for row in log.enrollments.iter().rev() {
            write_enrollment(&tx, row)?;
        }
        for (player, until) in log.away.iter().rev() {
            tx.execute("UPDATE players SET away_until = ?2 WHERE id = ?1", params![player, until])?;
        }
        for (player, status) in log.players.iter().rev() {
            tx.execute("UPDATE players SET status = ?2 WHERE id = ?1", params![player, status.as_str()])?;
        }
        for (account, status) in log.accounts.iter().rev() {
            tx.execute("UPDATE accounts SET status = ?2 WHERE id = ?1", params![account, status.as_str()])?;
        }
        let mut trigger_accounts = Vec::new();
        for (table, record) in log.inserted_records.iter().rev() {
            if *table == RecordTable::Triggers {
                trigger_accounts.push(tx.query_row(
                    "SELECT account_id FROM triggers WHERE id = ?1",
                    [record],
                    |r| r.get(0),
                )?);
            }
            let sql = match table {
                RecordTable::Accounts => "DELETE FROM accounts WHERE id = ?1",
                RecordTable::Players => "DELETE FROM players WHERE id = ?1",
                RecordTable::Triggers => "DELETE FROM triggers WHERE id = ?1",
                RecordTable::Touches => "DELETE FROM touches WHERE id = ?1",
            };
            tx.execute(sql, [record])?;
        }
        for (table, record, before) in log.updated_records.iter().rev() {
            records::restore(&tx, *table, Some(*record), before)?;
        }
        for (table, before) in log.deleted_records.iter().rev() {
            records::restore(&tx, *table, None, before)?;
            if *table == RecordTable::Triggers {
                if let Some(account) = before.iter().find(|(c, _)| c == "account_id").and_then(|(_, v)| v.as_i64()) {
                    trigger_accounts.push(account);
                }
            }
        }
        for account in trigger_accounts {
            records::refresh_last_trigger(&tx, account)?;
        }
        for (account, [b, a, n, t]) in log.ratings.iter().rev() {
            tx.execute(
                "UPDATE accounts SET budget = ?2, authority = ?3, need = ?4, timing = ?5 WHERE id = ?1",
                params![account, b, a, n, t],
            )?;
        }
        tx.execute(
            "INSERT INTO activity (at, actor, action, account_id, player_id, touch_id, detail)
             VALUES (?1, ?2, 'undo', ?3, ?4, ?5, ?6)",
            params![ts(now), actor, account_id, player_id, touch_id, format!("undid {action} (#{id})")],
        )?;
        let undo_id = tx.last_insert_rowid()?;
        tx.execute("UPDATE activity SET undone_by = ?2 WHERE id = ?1", params![id, undo_id])?;
        tx.commit()?;
        Ok(Some(Undone { activity_id: id, action, detail, touch_id }))
    }
}

/// Writes a touch back. The owner is left alone: no action changes it, and
/// an undo must not hand a touch back to a rep the account has since left.
fn write_touch(tx: &Transaction<'_>, t: &TouchRow) -> Result<()> {
    tx.execute(
        "UPDATE touches SET step = ?2, seq = ?3, nominal_day = ?4, kind = ?5, channel = ?6, state = ?7,
         due_at = ?8, deadline_at = ?9, why = ?10, outcome = ?11, done_at = ?12, note = ?13, reason = ?14,
         on_time = ?15, done_day = ?16, why_data = ?17 WHERE id = ?1",
        params![
            t.id,
            t.step,
            t.seq,
            t.nominal_day,
            t.kind.as_str(),
            t.channel.as_str(),
            t.state.as_str(),
            ts(t.due_at),
            t.deadline.map(ts),
            t.why,
            t.outcome.map(Outcome::as_str),
            t.done_at.map(ts),
            t.note,
            t.reason,
            t.on_time,
            t.done_day,
            rows::why_json(t),
        ],
    )?;
    Ok(())
}

fn write_enrollment(tx: &Transaction<'_>, e: &EnrollmentRow) -> Result<()> {
    tx.execute(
        "UPDATE enrollments SET state = ?2, paused_at = ?3, paused_until = ?4, reason = ?5, decision_at = ?6, ended_as = ?7
         WHERE id = ?1",
        params![
            e.id,
            e.state.as_str(),
            e.paused_at.map(ts),
            e.paused_until.map(ts),
            e.reason,
            e.decision_at.map(ts),
            e.ended_as.map(crate::domain::Ending::as_str)
        ],
    )?;
    Ok(())
}

fn not_found(what: &'static str, key: &impl ToString) -> StoreError {
    StoreError::NotFound { what, key: key.to_string() }
}

impl ActionTx<'_> {
    pub(super) fn conn(&self) -> &Transaction<'_> {
        &self.tx
    }

    pub(super) fn log_inserted(&mut self, table: RecordTable, id: i64) {
        self.undo.inserted_records.push((table, id));
    }

    /// Keeps the first before-image of each record's columns.
    pub(super) fn log_updated(&mut self, table: RecordTable, id: i64, before: Image) {
        let known = |t: &RecordTable, i: &i64| *t == table && *i == id;
        if self.undo.inserted_records.iter().any(|(t, i)| known(t, i)) {
            return;
        }
        let mut before = before;
        for (t, i, image) in &self.undo.updated_records {
            if known(t, i) {
                before.retain(|(c, _)| !image.iter().any(|(k, _)| k == c));
            }
        }
        if !before.is_empty() {
            self.undo.updated_records.push((table, id, before));
        }
    }

    pub(super) fn log_deleted(&mut self, table: RecordTable, before: Image) {
        self.undo.deleted_records.push((table, before));
    }

    pub fn touch(&self, id: i64) -> Result<TouchRow> {
        lookup::touch(&self.tx, id)
    }

    /// Every touch of one player's thread in an enrollment, in order.
    pub fn thread(&self, enrollment_id: i64, player_id: i64) -> Result<Vec<TouchRow>> {
        let mut stmt = self.tx.prepare_cached(concat!(
            "SELECT ",
            touch_columns!(),
            " FROM touches WHERE enrollment_id = ?1 AND player_id = ?2 AND kind = 'step' ORDER BY seq"
        ))?;
        let rows = stmt.query_map([enrollment_id, player_id], rows::touch)?.collect::<Result<_>>()?;
        Ok(rows)
    }

    /// Every touch to a player in an enrollment, follow-ups included, in
    /// thread order.
    pub fn player_touches(&self, enrollment_id: i64, player_id: i64) -> Result<Vec<TouchRow>> {
        let mut stmt = self.tx.prepare_cached(concat!(
            "SELECT ",
            touch_columns!(),
            " FROM touches WHERE enrollment_id = ?1 AND player_id = ?2 ORDER BY seq, id"
        ))?;
        let rows = stmt.query_map([enrollment_id, player_id], rows::touch)?.collect::<Result<_>>()?;
        Ok(rows)
    }

    /// Enrollments paused until an instant that has come.
    pub fn expired_pauses(&self, now: DateTime<Utc>) -> Result<Vec<EnrollmentRow>> {
        let mut stmt = self.tx.prepare_cached(concat!(
            "SELECT ",
            enrollment_columns!(),
            " FROM enrollments WHERE state = 'paused' AND paused_until <= ?1 ORDER BY id"
        ))?;
        let rows = stmt.query_map([ts(now)], rows::enrollment)?.collect::<Result<_>>()?;
        Ok(rows)
    }

    /// Touches of an enrollment still waiting (planned, due or snoozed).
    pub fn open_touches(&self, enrollment_id: i64) -> Result<Vec<TouchRow>> {
        let mut stmt = self.tx.prepare_cached(concat!(
            "SELECT ",
            touch_columns!(),
            " FROM touches WHERE enrollment_id = ?1 AND state IN ('planned', 'due', 'snoozed') ORDER BY player_id, seq"
        ))?;
        let rows = stmt.query_map([enrollment_id], rows::touch)?.collect::<Result<_>>()?;
        Ok(rows)
    }

    /// A rep's waiting touches (planned, due or snoozed) due at or after
    /// `since`, in their active plays, in due order: what an absence moves.
    pub fn rep_open_touches(&self, owner: &str, since: DateTime<Utc>) -> Result<Vec<TouchRow>> {
        let mut stmt = self.tx.prepare_cached(concat!(
            "SELECT ",
            touch_columns!(),
            " FROM touches WHERE owner = ?1 AND state IN ('planned', 'due', 'snoozed') AND due_at >= ?2
               AND enrollment_id IN (SELECT id FROM enrollments WHERE state = 'active')
             ORDER BY due_at, id"
        ))?;
        let rows = stmt.query_map(params![owner, ts(since)], rows::touch)?.collect::<Result<_>>()?;
        Ok(rows)
    }

    /// Saves a changed touch, keeping its first before-image for undo.
    pub fn save_touch(&mut self, row: &TouchRow) -> Result<()> {
        if !self.undo.touches.iter().any(|t| t.id == row.id) && !self.undo.inserted_touches.contains(&row.id) {
            let before = self.touch(row.id)?;
            self.undo.touches.push(before);
        }
        write_touch(&self.tx, row)
    }

    /// Adds a touch (its `id` is ignored) and returns the new id.
    pub fn insert_touch(&mut self, t: &TouchRow) -> Result<i64> {
        rows::insert_touch(&self.tx, t)?;
        let id = self.tx.last_insert_rowid()?;
        self.undo.inserted_touches.push(id);
        Ok(id)
    }

    pub fn enrollment(&self, id: i64) -> Result<EnrollmentRow> {
        self.tx
            .query_row(
                concat!("SELECT ", enrollment_columns!(), " FROM enrollments WHERE id = ?1"),
                [id],
                rows::enrollment,
            )
            .optional()?
            .ok_or_else(|| not_found("enrollment", &id))
    }

    /// Enrollments of an account that are still running (active or paused).
    pub fn running_enrollments(&self, account_id: i64) -> Result<Vec<EnrollmentRow>> {
        let mut stmt = self.tx.prepare_cached(concat!(
            "SELECT ",
            enrollment_columns!(),
            " FROM enrollments WHERE account_id = ?1 AND state IN ('active', 'paused') ORDER BY id"
        ))?;
        let rows = stmt.query_map([account_id], rows::enrollment)?.collect::<Result<_>>()?;
        Ok(rows)
    }

    pub fn save_enrollment(&mut self, row: &EnrollmentRow) -> Result<()> {
        if !self.undo.enrollments.iter().any(|e| e.id == row.id) && !self.undo.inserted_enrollments.contains(&row.id) {
            let before = self.enrollment(row.id)?;
            self.undo.enrollments.push(before);
        }
        write_enrollment(&self.tx, row)
    }

    pub fn insert_enrollment(&mut self, e: &EnrollmentRow) -> Result<i64> {
        self.tx.execute(
            "INSERT INTO enrollments (account_id, play_id, started_at, started_by, state, paused_at, paused_until, reason,
                                      decision_at, ended_as)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            params![
                e.account_id,
                e.play_id,
                ts(e.started_at),
                e.started_by,
                e.state.as_str(),
                e.paused_at.map(ts),
                e.paused_until.map(ts),
                e.reason,
                e.decision_at.map(ts),
                e.ended_as.map(crate::domain::Ending::as_str)
            ],
        )?;
        let id = self.tx.last_insert_rowid()?;
        self.undo.inserted_enrollments.push(id);
        Ok(id)
    }

    pub fn player(&self, id: i64) -> Result<Player> {
        lookup::player(&self.tx, id)
    }

    pub fn players_of(&self, account_id: i64) -> Result<Vec<Player>> {
        lookup::players_of(&self.tx, account_id)
    }

    /// Records that a player is away until `until` (an out-of-office).
    pub fn set_player_away(&mut self, id: i64, until: Option<DateTime<Utc>>) -> Result<()> {
        let before: Option<i64> =
            self.tx.query_row("SELECT away_until FROM players WHERE id = ?1", [id], |r| r.get(0))?;
        if !self.undo.away.iter().any(|(p, _)| *p == id) {
            self.undo.away.push((id, before));
        }
        self.tx.execute("UPDATE players SET away_until = ?2 WHERE id = ?1", params![id, until.map(ts)])?;
        Ok(())
    }

    /// Every play an account has had, finished ones too.
    pub fn all_enrollments(&self, account_id: i64) -> Result<Vec<EnrollmentRow>> {
        lookup::enrollments_of(&self.tx, account_id)
    }

    pub fn set_player_status(&mut self, id: i64, status: PlayerStatus) -> Result<()> {
        let before = self.player(id)?.status;
        if !self.undo.players.iter().any(|(p, _)| *p == id) {
            self.undo.players.push((id, before));
        }
        self.tx.execute("UPDATE players SET status = ?2 WHERE id = ?1", params![id, status.as_str()])?;
        Ok(())
    }

    pub fn account(&self, id: i64) -> Result<Account> {
        lookup::account(&self.tx, id)
    }

    pub fn set_account_status(&mut self, id: i64, status: AccountStatus) -> Result<()> {
        let before = self.account(id)?.status;
        if before == status {
            return Ok(());
        }
        if !self.undo.accounts.iter().any(|(a, _)| *a == id) {
            self.undo.accounts.push((id, before));
        }
        self.tx.execute("UPDATE accounts SET status = ?2 WHERE id = ?1", params![id, status.as_str()])?;
        Ok(())
    }

    /// Sets the given BANT factors (1-5) of an account; the others stay.
    pub fn rate_account(&mut self, id: i64, factors: [Option<u8>; 4]) -> Result<[Option<i64>; 4]> {
        let before: [Option<i64>; 4] =
            self.tx.query_row("SELECT budget, authority, need, timing FROM accounts WHERE id = ?1", [id], |r| {
                Ok([r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?])
            })?;
        if !self.undo.ratings.iter().any(|(a, _)| *a == id) {
            self.undo.ratings.push((id, before));
        }
        let after: Vec<Option<i64>> = factors.iter().zip(before).map(|(new, old)| new.map(i64::from).or(old)).collect();
        self.tx.execute(
            "UPDATE accounts SET budget = ?2, authority = ?3, need = ?4, timing = ?5 WHERE id = ?1",
            params![id, after[0], after[1], after[2], after[3]],
        )?;
        Ok([after[0], after[1], after[2], after[3]])
    }

    /// A rep's zone, when the rep is known.
    pub fn rep_zone(&self, name: &str) -> Result<Option<chrono_tz::Tz>> {
        lookup::rep_zone(&self.tx, name)
    }

    pub fn freshest_trigger(&self, account_id: i64) -> Result<Option<Trigger>> {
        self.tx
            .query_row(
                "SELECT id, account_id, kind, summary, source, occurred_on FROM triggers
                 WHERE account_id = ?1 ORDER BY occurred_on DESC, id DESC LIMIT 1",
                [account_id],
                rows::trigger,
            )
            .optional()
    }

    /// A stored play, parsed.
    pub fn play(&self, play_id: i64) -> Result<Play> {
        lookup::play(&self.tx, play_id)
    }

    /// The newest version of a play by name.
    pub fn play_by_name(&self, name: &str) -> Result<(i64, Play)> {
        let row = self
            .tx
            .query_row(
                "SELECT id, name, version, title, source FROM plays WHERE name = ?1 ORDER BY version DESC LIMIT 1",
                [name],
                rows::play,
            )
            .optional()?
            .ok_or_else(|| not_found("play", &name))?;
        let play =
            Play::parse(&row.source).map_err(|e| StoreError::Corrupt(format!("stored play {}: {e}", row.name)))?;
        Ok((row.id, play))
    }

    /// Records the action with its undo information and commits.
    /// Commits what the program did by itself (a timed pause ending): logged,
    /// but not an action `undo` takes back.
    pub fn commit_unasked(self, at: DateTime<Utc>, activities: &[Activity]) -> Result<()> {
        for a in activities {
            self.tx.execute(
                "INSERT INTO activity (at, actor, action, account_id, detail) VALUES (?1, 'playbook', ?2, ?3, ?4)",
                params![ts(at), a.action, a.account_id, a.detail],
            )?;
        }
        self.tx.commit()?;
        Ok(())
    }

    pub fn commit(self, actor: &str, at: DateTime<Utc>, activity: &Activity) -> Result<i64> {
        let undo = serde_json::to_string(&self.undo).map_err(|e| StoreError::Invalid(e.to_string()))?;
        self.tx.execute(
            "INSERT INTO activity (at, actor, action, account_id, player_id, touch_id, channel, outcome, detail, undo,
                                   enrollment_id, play_id, step, owner)
             SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, t.enrollment_id, e.play_id, t.step, t.owner
             FROM (SELECT 1) AS one LEFT JOIN touches t ON t.id = ?6 LEFT JOIN enrollments e ON e.id = t.enrollment_id",
            params![
                ts(at),
                actor,
                activity.action,
                activity.account_id,
                activity.player_id,
                activity.touch_id,
                activity.channel.map(Channel::as_str),
                activity.outcome.map(Outcome::as_str),
                activity.detail,
                undo
            ],
        )?;
        let id = self.tx.last_insert_rowid()?;
        self.tx.commit()?;
        Ok(id)
    }
}

/// An action's undo record with every id it names translated by `map`
/// (table, id) → id in another store (`team push`); `None` when one has no
/// counterpart there (a record the action removed), so the action is kept
/// as history but cannot be undone there.
pub(super) fn remap_undo(undo: &str, map: &dyn Fn(&str, i64) -> Option<i64>) -> Option<String> {
    let mut log: UndoLog = serde_json::from_str(undo).ok()?;
    for t in &mut log.touches {
        t.id = map("touches", t.id)?;
        t.enrollment_id = map("enrollments", t.enrollment_id)?;
        t.account_id = map("accounts", t.account_id)?;
        t.player_id = map("players", t.player_id)?;
    }
    for e in &mut log.enrollments {
        e.id = map("enrollments", e.id)?;
        e.account_id = map("accounts", e.account_id)?;
        e.play_id = map("plays", e.play_id)?;
    }
    for (id, _) in &mut log.players {
        *id = map("players", *id)?;
    }
    for (id, _) in &mut log.accounts {
        *id = map("accounts", *id)?;
    }
    for (id, _) in &mut log.ratings {
        *id = map("accounts", *id)?;
    }
    for (id, _) in &mut log.away {
        *id = map("players", *id)?;
    }
    for id in &mut log.inserted_touches {
        *id = map("touches", *id)?;
    }
    for id in &mut log.inserted_enrollments {
        *id = map("enrollments", *id)?;
    }
    for (table, id) in &mut log.inserted_records {
        *id = map(table.name(), *id)?;
    }
    for (table, id, image) in &mut log.updated_records {
        *id = map(table.name(), *id)?;
        records::remap_image(image, table.name(), map)?;
    }
    for (table, image) in &mut log.deleted_records {
        records::remap_image(image, table.name(), map)?;
    }
    serde_json::to_string(&log).ok()
}
