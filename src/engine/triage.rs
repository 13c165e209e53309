//! Triage of one touch: done, skip, snooze, opened, replied, meeting,
//! bounced, opt-out, out-of-office, note; and undo.

use super::request::{done_outcomes, response_fits, On, SnoozeTo};
use super::{advance_thread, complete_if_finished, invalid, placing, refused, user_text, Engine, Result};
use crate::cadence::{self, window::resolve_local, Adjustment};
use crate::domain::{AccountStatus, Channel, EnrollmentState, Outcome, PlayerStatus, TouchKind, TouchState};
use crate::play::human_duration;
use crate::store::{ActionTx, Activity, Store, TouchRow, Undone};
use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, Utc};

fn open_touch(tx: &ActionTx<'_>, id: i64) -> Result<TouchRow> {
    let touch = tx.touch(id)?;
    match touch.state {
        TouchState::Due | TouchState::Snoozed => Ok(touch),
        TouchState::Planned => {
            let head = tx
                .thread(touch.enrollment_id, touch.player_id)?
                .into_iter()
                .find(|t| matches!(t.state, TouchState::Due | TouchState::Snoozed));
            Err(refused(match head {
                Some(h) => format!(
                    "touch {id} is not due yet: touch {} (step {}) to the same player comes first",
                    h.id, h.step
                ),
                None => format!("touch {id} is not due yet: an earlier touch to the same player comes first"),
            }))
        }
        state => Err(refused(format!("touch {id} is already {}", state.label()))),
    }
}

/// Done before the deadline, or within the due day in the owner's zone.
pub fn on_time(
    due_at: DateTime<Utc>,
    deadline: Option<DateTime<Utc>>,
    done_at: DateTime<Utc>,
    zone: chrono_tz::Tz,
) -> bool {
    match deadline {
        Some(deadline) => done_at <= deadline,
        None => done_at.with_timezone(&zone).date_naive() <= due_at.with_timezone(&zone).date_naive(),
    }
}

/// A local date as days since 1970-01-01: the key of the daily rollup.
pub fn local_day(at: DateTime<Utc>, zone: chrono_tz::Tz) -> i64 {
    (at.with_timezone(&zone).date_naive() - NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default()).num_days()
}

/// A touch's note with another line added.
fn with_note(old: Option<&str>, text: &str) -> String {
    match old {
        Some(old) if !old.is_empty() => format!("{old}\n{text}"),
        _ => text.to_string(),
    }
}

/// How much a response says: an answer over an absence over an open over
/// the touch merely going out.
fn strength(outcome: Outcome) -> u8 {
    match outcome {
        Outcome::Sent | Outcome::Connected | Outcome::Voicemail | Outcome::NoAnswer => 1,
        Outcome::Opened => 2,
        Outcome::OutOfOffice => 3,
        Outcome::Bounced | Outcome::OptedOut => 4,
        Outcome::RepliedNegative | Outcome::RepliedPositive => 5,
        Outcome::MeetingBooked => 6,
    }
}

impl Engine {
    fn activity(action: &str, touch: &TouchRow, outcome: Option<Outcome>, detail: Option<String>) -> Activity {
        Activity {
            action: action.into(),
            account_id: Some(touch.account_id),
            player_id: Some(touch.player_id),
            touch_id: Some(touch.id),
            channel: Some(touch.channel),
            outcome,
            detail,
        }
    }

    /// Marks an open touch done and moves its thread on.
    fn finish(
        &self,
        tx: &mut ActionTx<'_>,
        touch: &TouchRow,
        outcome: Outcome,
        note: Option<&str>,
    ) -> Result<TouchRow> {
        let mut done = touch.clone();
        done.state = TouchState::Done;
        done.outcome = Some(outcome);
        done.done_at = Some(self.now);
        let zone = tx.rep_zone(&touch.owner)?.unwrap_or(self.zone);
        done.on_time = Some(on_time(touch.due_at, touch.deadline, self.now, zone));
        done.done_day = Some(local_day(self.now, zone));
        if let Some(note) = note.filter(|n| !n.trim().is_empty()) {
            done.note = Some(note.to_string());
        }
        tx.save_touch(&done)?;
        advance_thread(self, tx, &done, self.now)?;
        // A touch done late may now sit next to one still waiting: keep them apart.
        placing::respace_player(self, tx, touch.account_id, touch.player_id, done.id)?;
        let account = tx.account(touch.account_id)?;
        if account.status == AccountStatus::Target {
            tx.set_account_status(account.id, AccountStatus::Working)?;
        }
        Ok(done)
    }

    /// `done`: the touch happened, with an outcome (sent by default; connected
    /// for live channels).
    pub(super) fn done(
        &self,
        store: &mut Store,
        id: i64,
        outcome: Option<Outcome>,
        note: Option<&str>,
    ) -> Result<String> {
        let note = note.map(user_text).transpose()?;
        let note = note.as_deref();
        let mut tx = store.begin()?;
        let touch = open_touch(&tx, id)?;
        let fits = done_outcomes(touch.channel);
        let outcome = outcome.unwrap_or(fits[0]);
        if !fits.contains(&outcome) {
            let choices: Vec<String> = fits.iter().map(|o| o.label()).collect();
            return Err(invalid(format!(
                "{} does not fit touch {id} ({}): choose {}",
                outcome.label(),
                touch.channel,
                choices.join(", ")
            )));
        }
        self.finish(&mut tx, &touch, outcome, note)?;
        tx.commit(&self.actor, self.now, &Self::activity("done", &touch, Some(outcome), note.map(str::to_string)))?;
        Ok(format!("touch {id} done ({})", outcome.label()))
    }

    /// `skip`: the touch will not happen; the thread moves on.
    pub(super) fn skip(&self, store: &mut Store, id: i64, reason: Option<&str>) -> Result<String> {
        let reason = reason.map(user_text).transpose()?;
        let reason = reason.as_deref();
        let mut tx = store.begin()?;
        let touch = open_touch(&tx, id)?;
        let mut skipped = touch.clone();
        skipped.state = TouchState::Skipped;
        skipped.reason = reason.map(str::to_string);
        skipped.done_at = Some(self.now);
        let zone = tx.rep_zone(&touch.owner)?.unwrap_or(self.zone);
        skipped.done_day = Some(local_day(self.now, zone));
        tx.save_touch(&skipped)?;
        let went_too = advance_thread(self, &mut tx, &skipped, self.now)?;
        tx.commit(&self.actor, self.now, &Self::activity("skip", &touch, None, reason.map(str::to_string)))?;
        Ok(match went_too.as_slice() {
            [] => format!("touch {id} skipped"),
            ids => {
                let ids: Vec<String> = ids.iter().map(i64::to_string).collect();
                format!("touch {id} skipped, and its same-day follow-up {} with it (nothing went out)", ids.join(", "))
            }
        })
    }

    /// `snooze`: later, but still inside the player's window.
    pub(super) fn snooze(&self, store: &mut Store, id: i64, to: SnoozeTo) -> Result<String> {
        let mut tx = store.begin()?;
        let touch = open_touch(&tx, id)?;
        let player = tx.player(touch.player_id)?;
        let target = match to {
            SnoozeTo::For(d) => {
                self.now.checked_add_signed(d).ok_or_else(|| refused("a snooze that long is out of range"))?
            }
            SnoozeTo::Tomorrow(t) => {
                let t = t.unwrap_or_else(SnoozeTo::default_tomorrow);
                let tomorrow = self.now.with_timezone(&player.zone).date_naive() + Duration::days(1);
                resolve_local(player.zone, tomorrow.and_time(t))
            }
            SnoozeTo::Until(at) => at,
        };
        if target <= self.now {
            return Err(refused("a snooze must move the touch into the future"));
        }
        self.within_horizon(target, "a snooze")?;
        let enrollment = tx.enrollment(touch.enrollment_id)?;
        if enrollment.state == EnrollmentState::Paused {
            // Its touches move by the time paused when it resumes: a time set
            // now would move with them.
            return Err(refused(format!("touch {id}'s play is paused; resume it before moving its touches")));
        }
        let play = tx.play(enrollment.play_id)?;
        let person = self.person(&tx, touch.player_id)?;
        let all = placing::everywhere(&tx, touch.account_id, touch.player_id)?;
        let others = placing::busy_around(&all, touch.enrollment_id, &[touch.id]);
        let step = (touch.kind == TouchKind::Step).then(|| play.step(touch.step as usize)).flatten();
        let mut why = touch.why_data.clone().unwrap_or_else(|| placing::why_or_rule(&touch, &play));
        // Past its same-day deadline, the deadline no longer means anything.
        let past_deadline = touch.deadline.is_some_and(|d| target > d);
        why.push(if past_deadline { Adjustment::SnoozedPastDeadline } else { Adjustment::Snoozed });
        // Otherwise it keeps its length after the new time, never later than it was.
        let length = touch.deadline.filter(|_| !past_deadline).map(|d| (d - touch.due_at).max(Duration::zero()));
        let (due, deadline, why) = cadence::replace(
            &self.policy,
            person.who(),
            touch.channel,
            step,
            // Not while the player is away.
            person.not_before(target),
            &others,
            play.min_spacing,
            length,
            why,
        );
        let deadline = deadline.map(|d| touch.deadline.map_or(d, |old| d.min(old))).filter(|d| *d >= due);
        let when = due.with_timezone(&player.zone);
        // A snooze into next year says so.
        let format = if when.year() == self.now.with_timezone(&player.zone).year() {
            "%a %d %b %H:%M"
        } else {
            "%a %d %b %Y %H:%M"
        };
        let local = when.format(format);
        let mut snoozed = touch.clone();
        snoozed.state = TouchState::Snoozed;
        placing::set_due(&mut snoozed, due, deadline, why, player.zone);
        tx.save_touch(&snoozed)?;
        placing::respace_player(self, &mut tx, touch.account_id, touch.player_id, touch.id)?;
        let detail = format!("to {local} {}", player.zone.name());
        tx.commit(&self.actor, self.now, &Self::activity("snooze", &touch, None, Some(detail.clone())))?;
        Ok(format!("touch {id} snoozed {detail}"))
    }

    /// The touch a response is logged on: one that went out. A touch not
    /// sent yet stands for its player's last sent touch in the same play (a
    /// player, for their last sent touch in any play); nothing sent is a
    /// refusal, and no touch is ever marked done by a response. Returns the
    /// touch, with its outcome raised, and what to say when it is not the
    /// one named.
    fn sent_touch(tx: &mut ActionTx<'_>, on: On, outcome: Outcome) -> Result<(TouchRow, String)> {
        let what = outcome.label();
        let channels = || {
            let fit: Vec<&str> =
                Channel::ALL.iter().filter(|c| response_fits(outcome, **c)).map(|c| c.as_str()).collect();
            fit.join(" or ")
        };
        let last_sent = |touches: Vec<TouchRow>| {
            touches
                .into_iter()
                .filter(|t| t.state == TouchState::Done && response_fits(outcome, t.channel))
                .max_by_key(|t| (t.done_at, t.id))
        };
        let (touch, said) = match on {
            On::Touch(id) => {
                let touch = tx.touch(id)?;
                if touch.state == TouchState::Done {
                    if !response_fits(outcome, touch.channel) {
                        return Err(invalid(format!(
                            "{what} does not fit touch {id} ({}): it follows a touch by {}",
                            touch.channel,
                            channels()
                        )));
                    }
                    (touch, String::new())
                } else {
                    let player = tx.player(touch.player_id)?;
                    match last_sent(tx.player_touches(touch.enrollment_id, touch.player_id)?) {
                        Some(sent) => {
                            let said = format!(
                                "touch {id} has not gone out ({}): logged on touch {} ({}), the last sent to {}; ",
                                touch.state.label(),
                                sent.id,
                                sent.channel,
                                player.first_name
                            );
                            (sent, said)
                        }
                        None => {
                            return Err(refused(format!(
                                "nothing has gone out to {} in this play for \"{what}\" to follow (touch {id} is {}; \"{what}\" follows a touch by {}): mark one done first",
                                player.full_name(),
                                touch.state.label(),
                                channels()
                            )))
                        }
                    }
                }
            }
            On::Player(player_id) => {
                let player = tx.player(player_id)?;
                match last_sent(placing::everywhere(tx, player.account_id, player_id)?) {
                    Some(sent) => {
                        let said = format!(
                            "logged on touch {} ({}), the last sent to {}; ",
                            sent.id, sent.channel, player.first_name
                        );
                        (sent, said)
                    }
                    None => {
                        return Err(refused(format!(
                            "nothing has gone out to {} for \"{what}\" to follow (\"{what}\" follows a touch by {}): mark one done first",
                            player.full_name(),
                            channels()
                        )))
                    }
                }
            }
        };
        // A weaker response never hides a stronger one: an open logged after
        // a reply keeps the reply on the touch.
        let mut t = touch;
        if strength(outcome) >= t.outcome.map_or(0, strength) {
            t.outcome = Some(outcome);
            tx.save_touch(&t)?;
        }
        Ok((t, said))
    }

    /// `opened`: a follow-up (a call by default) becomes due within 24 hours.
    /// One per opened touch, and at most one waiting per player; a play that
    /// had completed runs again for it and completes after it.
    pub(super) fn opened(&self, store: &mut Store, on: On) -> Result<String> {
        let mut tx = store.begin()?;
        let (touch, said) = Self::sent_touch(&mut tx, on, Outcome::Opened)?;
        let id = touch.id;
        let person = self.person(&tx, touch.player_id)?;
        let player = &person.player;
        let mut enrollment = tx.enrollment(touch.enrollment_id)?;
        let all = placing::everywhere(&tx, touch.account_id, touch.player_id)?;
        let followups: Vec<&TouchRow> = all.iter().filter(|t| t.kind == TouchKind::OpenFollowup).collect();
        // Someone who answered is the owner's to decide on, not a call to make.
        let answered = all.iter().any(|t| {
            matches!(t.outcome, Some(Outcome::RepliedPositive | Outcome::RepliedNegative | Outcome::MeetingBooked))
        });
        let own =
            followups.iter().find(|f| f.step == touch.step && f.seq == touch.seq && f.state != TouchState::Cancelled);
        let waiting = followups.iter().find(|f| f.state.is_open());
        let runs = matches!(enrollment.state, EnrollmentState::Active | EnrollmentState::Completed);
        let mut message = format!("{said}touch {id} opened");
        if let Some(f) = own {
            message.push_str(&format!("; it already has its follow-up {}", f.id));
        } else if answered {
            message.push_str(&format!("; {} has already answered, so no follow-up", player.first_name));
        } else if let Some(f) = waiting {
            message.push_str(&format!("; follow-up {} to {} is already waiting", f.id, player.first_name));
        } else if enrollment.state == EnrollmentState::Paused {
            message.push_str("; the play is paused, so no follow-up (log the open again once it runs)");
        } else if player.status == PlayerStatus::Active && runs {
            let play = tx.play(enrollment.play_id)?;
            let busy = placing::busy_around(&all, touch.enrollment_id, &[]);
            let due = cadence::open_followup(
                &self.policy,
                person.who(),
                touch.step as usize,
                self.now,
                person.not_before(self.now),
                &busy,
                play.min_spacing,
            );
            let mut followup = TouchRow {
                id: 0,
                kind: TouchKind::OpenFollowup,
                channel: self.policy.open_followup_channel,
                state: TouchState::Due,
                outcome: None,
                done_at: None,
                note: None,
                reason: None,
                on_time: None,
                done_day: None,
                // The account's rep now, not whoever had the opened touch.
                owner: tx.account(touch.account_id)?.owner,
                ..touch.clone()
            };
            placing::set_due(&mut followup, due.due_at, due.deadline, due.why, player.zone);
            let new_id = tx.insert_touch(&followup)?;
            placing::respace_player(self, &mut tx, touch.account_id, touch.player_id, new_id)?;
            if enrollment.state == EnrollmentState::Completed {
                enrollment.state = EnrollmentState::Active;
                tx.save_enrollment(&enrollment)?;
            }
            message = format!("{message}; follow-up {} {new_id} due", self.policy.open_followup_channel);
            let when = |at: DateTime<Utc>| at.with_timezone(&player.zone).format("%a %H:%M").to_string();
            match due.deadline {
                Some(deadline) => message.push_str(&format!(" {}, by {}", when(due.due_at), when(deadline))),
                None => message.push_str(&format!(" {}", when(due.due_at))),
            }
        }
        tx.commit(&self.actor, self.now, &Self::activity("opened", &touch, Some(Outcome::Opened), None))?;
        Ok(message)
    }

    /// Cancels every open touch of a player's thread in an enrollment.
    /// Cancels every waiting touch to the player, in every play on the
    /// account: someone who answered, bounced or opted out hears nothing more.
    fn end_thread(tx: &mut ActionTx<'_>, touch: &TouchRow, reason: &str) -> Result<usize> {
        let open: Vec<TouchRow> = placing::everywhere(tx, touch.account_id, touch.player_id)?
            .into_iter()
            .filter(|t| t.state.is_open())
            .collect();
        for t in &open {
            let mut cancelled = t.clone();
            cancelled.state = TouchState::Cancelled;
            cancelled.reason = Some(reason.to_string());
            tx.save_touch(&cancelled)?;
        }
        for e in tx.running_enrollments(touch.account_id)? {
            complete_if_finished(tx, e.id)?;
        }
        Ok(open.len())
    }

    /// Pauses every running play on the account for its owner to decide. A
    /// timed pause becomes the owner's too, from when it began: `resume`
    /// then moves the touches once, by the whole time paused.
    fn pause_for_owner(&self, tx: &mut ActionTx<'_>, account_id: i64, reason: &str) -> Result<()> {
        for mut e in tx.running_enrollments(account_id)? {
            let timed = e.state == EnrollmentState::Paused && e.paused_until.is_some();
            if e.state != EnrollmentState::Active && !timed {
                continue;
            }
            if !timed {
                e.paused_at = Some(self.now);
            }
            e.state = EnrollmentState::Paused;
            e.paused_until = None;
            e.reason = Some(reason.to_string());
            e.decision_at = Some(self.now);
            tx.save_enrollment(&e)?;
        }
        Ok(())
    }

    /// An answer to a play that had completed opens it again: it waits for
    /// its owner's decision like any other.
    fn reopen_for_answer(tx: &mut ActionTx<'_>, touch: &TouchRow) -> Result<()> {
        let mut e = tx.enrollment(touch.enrollment_id)?;
        if e.state == EnrollmentState::Completed {
            e.state = EnrollmentState::Active;
            tx.save_enrollment(&e)?;
        }
        Ok(())
    }

    /// `replied`: ends the player's thread and pauses the play for the owner.
    pub(super) fn replied(&self, store: &mut Store, on: On, positive: bool, note: Option<&str>) -> Result<String> {
        let outcome = if positive { Outcome::RepliedPositive } else { Outcome::RepliedNegative };
        let note = note.map(user_text).transpose()?;
        let note = note.as_deref();
        let mut tx = store.begin()?;
        let (mut touch, said) = Self::sent_touch(&mut tx, on, outcome)?;
        let id = touch.id;
        if let Some(note) = note {
            // Added to what the touch already says: a logged note is never lost.
            touch.note = Some(with_note(touch.note.as_deref(), note));
            tx.save_touch(&touch)?;
        }
        let player = tx.player(touch.player_id)?;
        // The play waits for its owner first, so stopping the thread cannot
        // complete it (a one-player play has nothing else left).
        let tone = if positive { "positive" } else { "negative" };
        Self::reopen_for_answer(&mut tx, &touch)?;
        self.pause_for_owner(
            &mut tx,
            touch.account_id,
            &format!("{tone} reply from {}: owner to decide", player.full_name()),
        )?;
        let ended = Self::end_thread(&mut tx, &touch, "replied")?;
        // The account waits on its owner, unless a meeting already says more.
        if tx.account(touch.account_id)?.status != AccountStatus::MeetingBooked {
            tx.set_account_status(touch.account_id, AccountStatus::Replied)?;
        }
        tx.commit(&self.actor, self.now, &Self::activity("replied", &touch, Some(outcome), note.map(str::to_string)))?;
        Ok(format!(
            "{said}touch {id}: {tone} reply logged; {} to {} stopped; play paused for you to decide",
            crate::text::count(ended, "touch", "touches"),
            player.full_name()
        ))
    }

    /// `meeting`: a meeting is booked; the thread ends, the play pauses.
    pub(super) fn meeting(&self, store: &mut Store, on: On, note: Option<&str>) -> Result<String> {
        let note = note.map(user_text).transpose()?;
        let note = note.as_deref();
        let mut tx = store.begin()?;
        let (mut touch, said) = Self::sent_touch(&mut tx, on, Outcome::MeetingBooked)?;
        let id = touch.id;
        if let Some(note) = note {
            // Added to what the touch already says: a logged note is never lost.
            touch.note = Some(with_note(touch.note.as_deref(), note));
            tx.save_touch(&touch)?;
        }
        let player = tx.player(touch.player_id)?;
        Self::reopen_for_answer(&mut tx, &touch)?;
        self.pause_for_owner(&mut tx, touch.account_id, &format!("meeting booked with {}", player.full_name()))?;
        Self::end_thread(&mut tx, &touch, "meeting booked")?;
        tx.set_account_status(touch.account_id, AccountStatus::MeetingBooked)?;
        tx.commit(
            &self.actor,
            self.now,
            &Self::activity("meeting", &touch, Some(Outcome::MeetingBooked), note.map(str::to_string)),
        )?;
        Ok(format!("{said}touch {id}: meeting booked with {}; play paused", player.full_name()))
    }

    /// `bounced` / `optout`: the player cannot be reached; their thread ends.
    pub(super) fn unreachable(&self, store: &mut Store, on: On, outcome: Outcome) -> Result<String> {
        let status = match outcome {
            Outcome::Bounced => PlayerStatus::Bounced,
            Outcome::OptedOut => PlayerStatus::OptedOut,
            other => return Err(refused(format!("{} does not end a thread", other.label()))),
        };
        let mut tx = store.begin()?;
        let (touch, said) = Self::sent_touch(&mut tx, on, outcome)?;
        let id = touch.id;
        let player = tx.player(touch.player_id)?;
        tx.set_player_status(player.id, status)?;
        let ended = Self::end_thread(&mut tx, &touch, outcome.as_str())?;
        complete_if_finished(&mut tx, touch.enrollment_id)?;
        let action = if outcome == Outcome::Bounced { "bounced" } else { "optout" };
        tx.commit(&self.actor, self.now, &Self::activity(action, &touch, Some(outcome), None))?;
        Ok(format!(
            "{said}touch {id}: {} {}; {} to them stopped",
            player.full_name(),
            status.label(),
            crate::text::count(ended, "touch", "touches")
        ))
    }

    /// `ooo`: out of office until a date; the player's thread resumes then,
    /// its spacing kept, with no burst of catch-up touches.
    pub(super) fn out_of_office(&self, store: &mut Store, on: On, until: NaiveDate) -> Result<String> {
        let mut tx = store.begin()?;
        let (touch, said) = Self::sent_touch(&mut tx, on, Outcome::OutOfOffice)?;
        let id = touch.id;
        let player = tx.player(touch.player_id)?;
        let back = resolve_local(player.zone, until.and_time(NaiveTime::MIN));
        if back <= self.now {
            return Err(refused(format!("{until} is not in the future")));
        }
        self.within_horizon(back, "an out-of-office date")?;
        // Away from every play: nothing is placed for them before `back`,
        // now or by any later action, and what waits moves past it.
        tx.set_player_away(touch.player_id, Some(back))?;
        let open: Vec<TouchRow> = placing::everywhere(&tx, touch.account_id, touch.player_id)?
            .into_iter()
            .filter(|t| t.state.is_open())
            .collect();
        let head = open.iter().map(|t| t.due_at).min();
        let shift = head.map_or(Duration::zero(), |h| (back - h.max(self.now)).max(Duration::zero()));
        let cause = Adjustment::OutOfOffice { player: player.first_name.clone(), back: until };
        let mut enrollments: Vec<i64> = open.iter().map(|t| t.enrollment_id).collect();
        enrollments.sort_unstable();
        enrollments.dedup();
        for enrollment in enrollments {
            placing::shift_player(self, &mut tx, enrollment, touch.player_id, shift, back, &cause)?;
        }
        tx.commit(
            &self.actor,
            self.now,
            &Self::activity("ooo", &touch, Some(Outcome::OutOfOffice), Some(format!("until {until}"))),
        )?;
        Ok(format!(
            "{said}touch {id}: {} out of office until {until}; {} moved {}",
            player.full_name(),
            crate::text::count(open.len(), "touch", "touches"),
            human_duration(shift)
        ))
    }

    /// `note`: adds a note to a touch; nothing else changes.
    pub(super) fn note(&self, store: &mut Store, id: i64, text: &str) -> Result<String> {
        if text.trim().is_empty() {
            return Err(refused("the note is empty"));
        }
        let text = user_text(text)?;
        let mut tx = store.begin()?;
        let touch = tx.touch(id)?;
        let mut noted = touch.clone();
        noted.note = Some(with_note(touch.note.as_deref(), &text));
        tx.save_touch(&noted)?;
        tx.commit(&self.actor, self.now, &Self::activity("note", &touch, None, Some(text)))?;
        Ok(format!("note added to touch {id}"))
    }

    /// `undo`: reverses the latest action, including what it rescheduled.
    pub(super) fn undo(&self, store: &mut Store) -> Result<String> {
        match store.undo(&self.actor, self.now)? {
            Some(Undone { action, touch_id, activity_id, .. }) => Ok(match touch_id {
                Some(t) => format!("undid {action} of touch {t} (action #{activity_id})"),
                None => format!("undid {action} (action #{activity_id})"),
            }),
            None => Err(refused("nothing to undo")),
        }
    }
}
