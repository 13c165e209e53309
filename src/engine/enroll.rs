//! Starting a play on an account, pausing and resuming it.

use super::{placing, refused, render_content, Engine, Result};
use crate::cadence::{self, Adjustment};
use crate::domain::{AccountStatus, EnrollmentState, PlayerStatus, TouchKind, TouchState};
use crate::play::{human_duration, Field};
use crate::store::{Activity, EnrollmentRow, Store, TouchRow};
use chrono::{DateTime, Duration, NaiveDate, Utc};

/// A paused enrollment running again.
fn running_again(e: &EnrollmentRow) -> EnrollmentRow {
    EnrollmentRow {
        state: EnrollmentState::Active,
        paused_at: None,
        paused_until: None,
        reason: None,
        decision_at: None,
        ..e.clone()
    }
}

impl Engine {
    /// `enroll`: every active player the play targets gets their thread;
    /// the first touch of each thread is due, the rest planned behind it.
    pub(super) fn enroll(
        &self,
        store: &mut Store,
        account_id: i64,
        play_name: &str,
        picked: &[i64],
        also: bool,
    ) -> Result<String> {
        let account = store.account(account_id)?;
        let mut tx = store.begin()?;
        let (play_id, play) = tx.play_by_name(play_name)?;
        let running = tx.running_enrollments(account.id)?;
        if running.iter().any(|e| e.play_id == play_id) {
            return Err(refused(format!("{} is already running {}", account.name, play.label())));
        }
        let trigger = tx.freshest_trigger(account.id)?;
        let everyone = tx.players_of(account.id)?;
        for id in picked {
            let Some(p) = everyone.iter().find(|p| p.id == *id) else {
                return Err(refused(format!("player {id} is not at {}", account.name)));
            };
            if p.status != PlayerStatus::Active {
                return Err(refused(format!("{} is {}: nothing can go to them", p.full_name(), p.status.label())));
            }
        }
        let players: Vec<_> = everyone
            .into_iter()
            .filter(|p| p.status == PlayerStatus::Active && (picked.is_empty() || picked.contains(&p.id)))
            .collect();
        // One play at a time per person: two would each send the morning email.
        if !also {
            for e in &running {
                let mut busy = Vec::new();
                for p in &players {
                    if tx.player_touches(e.id, p.id)?.iter().any(|t| t.state.is_open()) {
                        busy.push(p.full_name());
                    }
                }
                if !busy.is_empty() {
                    let other = tx.play(e.play_id)?;
                    return Err(refused(format!(
                        "{} {} already in {} ({}) on {}: pick others with --players, or accept the overlap with --also",
                        busy.join(", "),
                        if busy.len() == 1 { "is" } else { "are" },
                        other.label(),
                        e.state.label(),
                        account.name
                    )));
                }
            }
        }
        let mut threads = Vec::new();
        for player in &players {
            let person = self.person(&tx, player.id)?;
            for step in play.thread(player.tier, player.role) {
                render_content(step, player, &account, trigger.as_ref()).map_err(|missing| {
                    let (what, how) = match missing.0 {
                        Field::Trigger => (
                            "a trigger event (the \"why now\")".to_string(),
                            format!("playbook add trigger {} \"what happened\"", account.id),
                        ),
                        Field::Industry | Field::Region => (
                            format!("the account's {}", missing.0.name()),
                            format!("playbook edit account {} --{} ...", account.id, missing.0.name()),
                        ),
                        Field::Title => (
                            format!("{}'s title", player.full_name()),
                            format!("playbook edit player {} --title ...", player.id),
                        ),
                        other => (
                            format!("{}'s {}", player.full_name(), other.name().replace('_', " ")),
                            format!("playbook edit player {} ...", player.id),
                        ),
                    };
                    refused(format!(
                        "{} needs {what} for {} (step {}): add it with `{how}`, then enroll again",
                        play.label(),
                        account.name,
                        step.number,
                    ))
                })?;
            }
            let busy = placing::busy(&placing::everywhere(&tx, account.id, player.id)?, &[]);
            let not_before = person.not_before(self.now);
            let thread =
                cadence::project_thread(&self.policy, &play, person.who(), player.role, self.now, not_before, &busy);
            if !thread.is_empty() {
                threads.push((player, thread));
            }
        }
        if threads.is_empty() {
            return Err(refused(format!(
                "{} has no active player that {} reaches (it targets {})",
                account.name,
                play.label(),
                play.steps
                    .iter()
                    .flat_map(|s| s.tiers.iter().map(|t| t.as_str()))
                    .collect::<std::collections::BTreeSet<_>>()
                    .into_iter()
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
        let enrollment_id = tx.insert_enrollment(&EnrollmentRow {
            id: 0,
            account_id: account.id,
            play_id,
            started_at: self.now,
            started_by: self.actor.clone(),
            state: EnrollmentState::Active,
            paused_at: None,
            paused_until: None,
            reason: None,
            decision_at: None,
            ended_as: None,
        })?;
        let mut count = 0;
        for (player, thread) in &threads {
            for (seq, (step_no, due)) in thread.iter().enumerate() {
                let step = play.step(*step_no).map(|s| s.channel);
                tx.insert_touch(&TouchRow {
                    id: 0,
                    enrollment_id,
                    account_id: account.id,
                    player_id: player.id,
                    owner: account.owner.clone(),
                    step: *step_no as i64,
                    seq: seq as i64 + 1,
                    nominal_day: i64::from(due.nominal_day),
                    kind: TouchKind::Step,
                    channel: step.unwrap_or(crate::domain::Channel::Email),
                    state: if seq == 0 { TouchState::Due } else { TouchState::Planned },
                    due_at: due.due_at,
                    deadline: due.deadline,
                    why: due.why.render(player.zone, due.due_at, due.deadline),
                    why_data: Some(due.why.clone()),
                    outcome: None,
                    done_at: None,
                    note: None,
                    reason: None,
                    on_time: None,
                    done_day: None,
                })?;
                count += 1;
            }
        }
        if account.status == AccountStatus::Target {
            tx.set_account_status(account.id, AccountStatus::Working)?;
        }
        let detail = format!(
            "{}: {} for {}",
            play.label(),
            crate::text::count(count, "touch", "touches"),
            crate::text::count(threads.len(), "player", "players")
        );
        tx.commit(
            &self.actor,
            self.now,
            &Activity {
                action: "enroll".into(),
                account_id: Some(account.id),
                detail: Some(detail.clone()),
                ..Activity::default()
            },
        )?;
        Ok(format!("{} enrolled in {detail}", account.name))
    }

    /// `pause`: the account's running plays stop producing due touches, until
    /// `until` when given (the start of that day in the rep's zone), when the
    /// pause ends by itself. Whenever it ends, the waiting touches move by the
    /// time paused, once, from where they were.
    pub(super) fn pause(&self, store: &mut Store, account_id: i64, until: Option<NaiveDate>) -> Result<String> {
        let account = store.account(account_id)?;
        let rep_zone = self.rep_zone(store, Some(&account.owner))?;
        // A date is the rep's: the pause ends as their day starts.
        let until = until.map(|date| self.day_bounds(rep_zone, date).0);
        if until.is_some_and(|u| u <= self.now) {
            return Err(refused("--until must be in the future"));
        }
        if let Some(u) = until {
            self.within_horizon(u, "a pause")?;
        }
        let mut tx = store.begin()?;
        let running: Vec<_> =
            tx.running_enrollments(account.id)?.into_iter().filter(|e| e.state == EnrollmentState::Active).collect();
        if running.is_empty() {
            return Err(refused(format!("{} has no active play to pause", account.name)));
        }
        let until_day = until.map(|u| u.with_timezone(&rep_zone).date_naive());
        for e in &running {
            let mut paused = e.clone();
            paused.state = EnrollmentState::Paused;
            paused.paused_at = Some(self.now);
            paused.paused_until = until;
            paused.reason = Some(format!("paused by {}", self.actor));
            tx.save_enrollment(&paused)?;
        }
        tx.set_account_status(account.id, AccountStatus::Paused)?;
        let detail = until_day.map_or_else(|| "until resumed".to_string(), |d| format!("until {d}"));
        tx.commit(
            &self.actor,
            self.now,
            &Activity {
                action: "pause".into(),
                account_id: Some(account.id),
                detail: Some(detail.clone()),
                ..Activity::default()
            },
        )?;
        Ok(format!("{} paused {detail}", account.name))
    }

    /// `rate`: sets BANT factors (1-5) of an account; the ones not given stay.
    /// An account is ranked as scored once all four are rated.
    pub(super) fn rate(&self, store: &mut Store, account_id: i64, factors: [Option<u8>; 4]) -> Result<String> {
        if factors.iter().all(Option::is_none) {
            return Err(refused("give at least one factor: --budget, --authority, --need, --timing (1-5)"));
        }
        if factors.iter().flatten().any(|f| !(1..=5).contains(f)) {
            return Err(refused("BANT factors are 1 to 5"));
        }
        let account = store.account(account_id)?;
        let mut tx = store.begin()?;
        let after = tx.rate_account(account.id, factors)?;
        let show = |f: Option<i64>| f.map_or_else(|| "?".to_string(), |n| n.to_string());
        let detail = format!("BANT {}x{}x{}x{}", show(after[0]), show(after[1]), show(after[2]), show(after[3]));
        let detail = match after.iter().copied().collect::<Option<Vec<i64>>>() {
            Some(all) => format!("{detail} = {}", all.iter().product::<i64>()),
            None => format!("{detail} (unscored until all four are rated)"),
        };
        tx.commit(
            &self.actor,
            self.now,
            &Activity {
                action: "rate".into(),
                account_id: Some(account.id),
                detail: Some(detail.clone()),
                ..Activity::default()
            },
        )?;
        Ok(format!("{} rated: {detail}", account.name))
    }

    /// `resume`: paused plays run again; their open touches move by the time
    /// spent paused, each placed again, so nothing piles up as overdue.
    pub(super) fn resume(&self, store: &mut Store, account_id: i64) -> Result<String> {
        let account = store.account(account_id)?;
        let mut tx = store.begin()?;
        let paused: Vec<_> =
            tx.running_enrollments(account.id)?.into_iter().filter(|e| e.state == EnrollmentState::Paused).collect();
        if paused.is_empty() {
            return Err(refused(format!("{} has no paused play", account.name)));
        }
        let mut shifted = Duration::zero();
        for e in &paused {
            shifted = self.now - e.paused_at.unwrap_or(self.now);
            self.shift_enrollment(&mut tx, e.id, shifted, self.now, &Adjustment::Resumed)?;
            tx.save_enrollment(&running_again(e))?;
            // Every thread may have ended while it was paused (replies,
            // bounces): then it is done, not running with nothing to do.
            super::complete_if_finished(&mut tx, e.id)?;
        }
        let account_now = tx.account(account.id)?;
        if matches!(account_now.status, AccountStatus::Paused | AccountStatus::Replied) {
            tx.set_account_status(account.id, AccountStatus::Working)?;
        }
        tx.commit(
            &self.actor,
            self.now,
            &Activity { action: "resume".into(), account_id: Some(account.id), ..Activity::default() },
        )?;
        Ok(format!("{} resumed; open touches moved {}", account.name, human_duration(shifted.max(Duration::zero()))))
    }

    /// Ends every timed pause whose day has come, as `resume` on that day
    /// would: the waiting touches move by the time paused, none before the
    /// pause's end. Runs before a command reads or changes anything; not an
    /// action of the user's, so `undo` does not take it back. Returns how
    /// many plays it resumed.
    pub fn settle_pauses(&self, store: &mut Store) -> Result<usize> {
        if !store.has_expired_pauses(self.now)? {
            return Ok(0);
        }
        let mut tx = store.begin()?;
        let expired = tx.expired_pauses(self.now)?;
        let mut log = Vec::new();
        for e in &expired {
            log.push(Activity {
                action: "resume".into(),
                account_id: Some(e.account_id),
                detail: Some("the timed pause ended".into()),
                ..Activity::default()
            });
            if let (Some(at), Some(until)) = (e.paused_at, e.paused_until) {
                let owner = tx.account(e.account_id)?.owner;
                let zone = tx.rep_zone(&owner)?.unwrap_or(self.zone);
                let cause = Adjustment::Paused { until: Some(until.with_timezone(&zone).date_naive()) };
                self.shift_enrollment(&mut tx, e.id, until - at, until, &cause)?;
            }
            tx.save_enrollment(&running_again(e))?;
            super::complete_if_finished(&mut tx, e.id)?;
            let paused_still = tx.running_enrollments(e.account_id)?.iter().any(|x| x.state == EnrollmentState::Paused);
            if !paused_still && tx.account(e.account_id)?.status == AccountStatus::Paused {
                tx.set_account_status(e.account_id, AccountStatus::Working)?;
            }
        }
        tx.commit_unasked(self.now, &log)?;
        Ok(expired.len())
    }

    /// Moves the waiting touches of every player in an enrollment.
    pub(super) fn shift_enrollment(
        &self,
        tx: &mut crate::store::ActionTx<'_>,
        enrollment_id: i64,
        by: Duration,
        floor: DateTime<Utc>,
        cause: &Adjustment,
    ) -> Result<()> {
        if by == Duration::zero() {
            return Ok(());
        }
        let mut players: Vec<i64> = tx.open_touches(enrollment_id)?.iter().map(|t| t.player_id).collect();
        players.dedup();
        for player in players {
            placing::shift_player(self, tx, enrollment_id, player, by, floor, cause)?;
        }
        Ok(())
    }
}
