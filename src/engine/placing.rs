//! Placing a player's touches through the cadence engine, with what the
//! store knows of them: their calendar, their other touches, the play.
//! Every due time an action sets comes through here.

use super::{Engine, Result};
use crate::cadence::{self, Adjustment, Calendar, Prev, Who, Why};
use crate::domain::{Player, TouchKind, TouchState};
use crate::play::Play;
use crate::store::{ActionTx, TouchRow};
use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;

/// Writes a placement onto a touch: due time, deadline, and the reason as
/// data and as the sentence rendered from them.
pub(super) fn set_due(t: &mut TouchRow, due_at: DateTime<Utc>, deadline: Option<DateTime<Utc>>, why: Why, zone: Tz) {
    t.due_at = due_at;
    t.deadline = deadline;
    t.why = why.render(zone, due_at, deadline);
    t.why_data = Some(why);
}

/// A touch's reason as data; a touch placed before reasons were data gets
/// one from its play step (or its follow-up kind).
pub(super) fn why_or_rule(t: &TouchRow, play: &Play) -> Why {
    why_of(t, play)
}

fn why_of(t: &TouchRow, play: &Play) -> Why {
    t.why_data.clone().unwrap_or_else(|| {
        let rule = match t.kind {
            TouchKind::OpenFollowup => cadence::Rule::Open {
                channel: t.channel,
                opened_step: t.step as usize,
                opened_at: t.due_at,
                minutes: t.deadline.map_or(0, |d| (d - t.due_at).num_minutes().max(0)),
            },
            TouchKind::Step => cadence::Rule::Day {
                step: t.step as usize,
                steps: play.steps.len(),
                day: u32::try_from(t.nominal_day).unwrap_or(0),
                play: play.label(),
            },
        };
        Why::new(rule)
    })
}

/// What placing a player's touches needs: who they are and their calendar.
pub(super) struct Person {
    pub player: Player,
    pub calendar: Calendar,
}

impl Person {
    pub fn who(&self) -> Who<'_> {
        Who { tier: self.player.tier, calendar: &self.calendar, name: &self.player.first_name }
    }

    /// The earliest a touch may be placed: not before `at`, nor while the
    /// player is out of office.
    pub fn not_before(&self, at: DateTime<Utc>) -> DateTime<Utc> {
        self.player.away_until.map_or(at, |back| at.max(back))
    }
}

impl Engine {
    /// A player with their working calendar (their account's country decides
    /// holidays and, with their zone, the working week).
    pub(super) fn person(&self, tx: &ActionTx<'_>, player_id: i64) -> Result<Person> {
        let player = tx.player(player_id)?;
        let country = tx.account(player.account_id)?.country;
        let own = player.workdays.as_deref().and_then(|days| {
            let names: Vec<&str> = days.split(',').collect();
            cadence::window::Weekdays::from_names(&names).ok().filter(|w| !w.is_empty())
        });
        let calendar = self.policy.calendar(player.zone, country.as_deref(), own);
        Ok(Person { player, calendar })
    }
}

/// Every touch to a player in every play their account has had: spacing and
/// "one follow-up at a time" hold across plays.
pub(super) fn everywhere(tx: &ActionTx<'_>, account_id: i64, player_id: i64) -> Result<Vec<TouchRow>> {
    let mut all = Vec::new();
    for e in tx.all_enrollments(account_id)? {
        all.extend(tx.player_touches(e.id, player_id)?);
    }
    Ok(all)
}

/// When the player was last reached, and when their waiting touches are
/// due: what a newly placed touch keeps its spacing from. `except` are the
/// touches being placed.
pub(super) fn busy(touches: &[TouchRow], except: &[i64]) -> Vec<DateTime<Utc>> {
    touches
        .iter()
        .filter(|t| !except.contains(&t.id))
        .filter_map(|t| match t.state {
            // Planned touches too: the plan shown (and exported to a
            // calendar) keeps the spacing, not just what is due.
            TouchState::Planned | TouchState::Due | TouchState::Snoozed => Some(t.due_at),
            TouchState::Done => t.done_at,
            _ => None,
        })
        .collect()
}

/// `busy` for placing one touch of an enrollment by hand (a snooze, an
/// open's follow-up): that enrollment's planned steps are projections that
/// move behind it (`respace_player`), so they do not push it.
pub(super) fn busy_around(touches: &[TouchRow], enrollment_id: i64, except: &[i64]) -> Vec<DateTime<Utc>> {
    let projections: Vec<i64> = touches
        .iter()
        .filter(|t| t.enrollment_id == enrollment_id && t.state == TouchState::Planned)
        .map(|t| t.id)
        .chain(except.iter().copied())
        .collect();
    busy(touches, &projections)
}

/// After a step of a thread is resolved at `done_at`, places the planned
/// steps behind it (the first becomes due), each from the one before, spaced
/// from the player's other touches, never inside a timed pause or an absence.
/// Returns the same-day follow-ups skipped with a skipped step.
pub(super) fn advance_thread(
    engine: &Engine,
    tx: &mut ActionTx<'_>,
    resolved: &TouchRow,
    done_at: DateTime<Utc>,
) -> Result<Vec<i64>> {
    if resolved.kind != TouchKind::Step {
        super::complete_if_finished(tx, resolved.enrollment_id)?;
        return Ok(Vec::new());
    }
    let enrollment = tx.enrollment(resolved.enrollment_id)?;
    let play = tx.play(enrollment.play_id)?;
    let person = engine.person(tx, resolved.player_id)?;
    let all = everywhere(tx, resolved.account_id, resolved.player_id)?;
    let rest: Vec<TouchRow> = all
        .iter()
        .filter(|t| t.enrollment_id == resolved.enrollment_id)
        .filter(|t| t.kind == TouchKind::Step && t.seq > resolved.seq && t.state == TouchState::Planned)
        .cloned()
        .collect();
    let ids: Vec<i64> = rest.iter().map(|t| t.id).collect();
    let mut taken = busy(&all, &ids);
    // A step done while its play is paused is placed as if it were running:
    // when the pause ends, it moves with the rest by the time paused.
    let floor = person.not_before(done_at);
    let mut prev = Prev {
        step: resolved.step as usize,
        done_at,
        nominal_day: u32::try_from(resolved.nominal_day).unwrap_or(0),
        done: true,
    };
    // A same-day follow-up answers the touch just before it: when that one
    // was skipped (it never went out), the follow-up goes too, rather than
    // a "Re:" to an email nobody received. Part of the same action, so an
    // undo brings both back.
    let mut skipped_step = (resolved.state == TouchState::Skipped).then_some(resolved.step);
    let mut went_too = Vec::new();
    let mut first = true;
    for touch in rest {
        let Some(step) = play.step(touch.step as usize) else { continue };
        if let (Some(before), Some(_)) = (skipped_step, step.timing.within) {
            let mut skipped = touch.clone();
            skipped.state = TouchState::Skipped;
            skipped.reason = Some(format!("a same-day follow-up to step {before}, which was skipped"));
            skipped.done_at = Some(done_at);
            skipped.done_day = resolved.done_day;
            tx.save_touch(&skipped)?;
            went_too.push(touch.id);
            skipped_step = Some(touch.step);
            continue;
        }
        skipped_step = None;
        let placement = cadence::Placement {
            who: person.who(),
            enrolled_at: enrollment.started_at,
            prev: Some(prev),
            not_before: prev.done_at.max(floor),
            busy: &taken,
        };
        let due = cadence::schedule(&engine.policy, &play, step, &placement);
        let mut updated = touch.clone();
        set_due(&mut updated, due.due_at, due.deadline, due.why, person.player.zone);
        updated.nominal_day = i64::from(due.nominal_day);
        if first {
            updated.state = TouchState::Due;
            first = false;
        }
        if updated != touch {
            tx.save_touch(&updated)?;
        }
        taken.push(due.due_at);
        prev = Prev { step: step.number, done_at: due.due_at, nominal_day: due.nominal_day, done: false };
    }
    super::complete_if_finished(tx, resolved.enrollment_id)?;
    Ok(went_too)
}

/// Moves a player's waiting touches in an enrollment by `shift` (an
/// out-of-office, a pause, a resume), never before `floor` (the pause's end,
/// the return, now), each placed again through the cadence engine in
/// order, so none lands on another or outside its window; `cause` says why
/// in each touch's reason. Returns how many moved.
pub(super) fn shift_player(
    engine: &Engine,
    tx: &mut ActionTx<'_>,
    enrollment_id: i64,
    player_id: i64,
    shift: Duration,
    floor: DateTime<Utc>,
    cause: &Adjustment,
) -> Result<usize> {
    shift_player_since(engine, tx, enrollment_id, player_id, DateTime::<Utc>::MIN_UTC, shift, floor, cause)
}

/// `shift_player` for the waiting touches due at or after `since` only (a
/// rep's absence ahead): the ones before it stay where they are.
#[allow(clippy::too_many_arguments)]
pub(super) fn shift_player_since(
    engine: &Engine,
    tx: &mut ActionTx<'_>,
    enrollment_id: i64,
    player_id: i64,
    since: DateTime<Utc>,
    shift: Duration,
    floor: DateTime<Utc>,
    cause: &Adjustment,
) -> Result<usize> {
    let enrollment = tx.enrollment(enrollment_id)?;
    let play = tx.play(enrollment.play_id)?;
    let person = engine.person(tx, player_id)?;
    let all = everywhere(tx, enrollment.account_id, player_id)?;
    let mut open: Vec<TouchRow> = all
        .iter()
        .filter(|t| t.enrollment_id == enrollment_id && t.state.is_open() && t.due_at >= since)
        .cloned()
        .collect();
    open.sort_by_key(|t| (t.due_at, t.seq, t.id));
    let ids: Vec<i64> = open.iter().map(|t| t.id).collect();
    let mut taken = busy(&all, &ids);
    let horizon = engine.now + Duration::days(crate::limits::DURATION_DAYS);
    for touch in &open {
        // Never before now (or the player's return), nor past the planning
        // horizon, however long the shift (clocks given with --now can be
        // centuries apart).
        let shifted = touch.due_at.checked_add_signed(shift).unwrap_or(horizon);
        let target = person.not_before(shifted.max(floor).max(engine.now)).min(horizon);
        let (due_at, _) = place_again(engine, tx, &person, &play, touch, target, &taken, Some(cause))?;
        taken.push(due_at);
    }
    Ok(open.len())
}

/// Places one waiting touch again from `target`: its own step's window, the
/// play's spacing from `taken`, its deadline's length kept, `cause` (if any)
/// added to its reason. Saved when it moved; returns where it went.
#[allow(clippy::too_many_arguments)]
pub(super) fn place_again(
    engine: &Engine,
    tx: &mut ActionTx<'_>,
    person: &Person,
    play: &Play,
    touch: &TouchRow,
    target: DateTime<Utc>,
    taken: &[DateTime<Utc>],
    cause: Option<&Adjustment>,
) -> Result<(DateTime<Utc>, bool)> {
    let step = (touch.kind == TouchKind::Step).then(|| play.step(touch.step as usize)).flatten();
    let mut why = why_of(touch, play);
    if let Some(cause) = cause {
        why.push(cause.clone());
    }
    let length = touch.deadline.map(|d| (d - touch.due_at).max(Duration::zero()));
    let (due_at, deadline, why) = cadence::replace(
        &engine.policy,
        person.who(),
        touch.channel,
        step,
        target,
        taken,
        play.min_spacing,
        length,
        why,
    );
    let mut moved = touch.clone();
    set_due(&mut moved, due_at, deadline, why, person.player.zone);
    let changed = moved != *touch;
    if changed {
        tx.save_touch(&moved)?;
    }
    Ok((due_at, changed))
}

/// After one touch of a player was placed by hand (a snooze), done, or
/// added (an open's follow-up), moves the player's other waiting touches,
/// in any play of the account, that now sit too close to another, keeping
/// their order.
pub(super) fn respace_player(
    engine: &Engine,
    tx: &mut ActionTx<'_>,
    account_id: i64,
    player_id: i64,
    fixed: i64,
) -> Result<()> {
    let person = engine.person(tx, player_id)?;
    let all = everywhere(tx, account_id, player_id)?;
    let mut open: Vec<TouchRow> = all.iter().filter(|t| t.state.is_open() && t.id != fixed).cloned().collect();
    open.sort_by_key(|t| (t.due_at, t.seq, t.id));
    let ids: Vec<i64> = open.iter().map(|t| t.id).collect();
    let mut taken = busy(&all, &ids);
    let mut plays: std::collections::HashMap<i64, Play> = std::collections::HashMap::new();
    for touch in &open {
        let play_id = tx.enrollment(touch.enrollment_id)?.play_id;
        let play = match plays.entry(play_id) {
            std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::hash_map::Entry::Vacant(e) => e.insert(tx.play(play_id)?),
        };
        let play = &*play;
        let clash = taken.iter().any(|b| (touch.due_at - *b).abs() < play.min_spacing);
        if clash {
            let target = person.not_before(touch.due_at);
            let (due_at, _) = place_again(engine, tx, &person, play, touch, target, &taken, None)?;
            taken.push(due_at);
        } else {
            taken.push(touch.due_at);
        }
    }
    Ok(())
}
