//! Placing touches: a step of a play, an open's follow-up, a touch moved by
//! a snooze, a pause or an absence. All go through `place`.

use super::window::{resolve_local, Slot};
use super::{Adjustment, Calendar, Policy, Rule, Why};
use crate::domain::{Channel, Role, Tier};
use crate::play::{Play, Step};
use chrono::{DateTime, Duration, NaiveDate, Utc};

/// The previous touch of the same player's thread.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Prev {
    pub step: usize,
    /// When it was done, or (in a projection) when it is due.
    pub done_at: DateTime<Utc>,
    /// The day of the play the previous step was planned for.
    pub nominal_day: u32,
    /// Whether it really happened: a projection neither runs late nor says
    /// "done".
    pub done: bool,
}

/// A player as the cadence sees them.
#[derive(Debug, Clone, Copy)]
pub struct Who<'a> {
    pub tier: Tier,
    pub calendar: &'a Calendar,
    /// How the player is named in explanations ("Dirk").
    pub name: &'a str,
}

/// Everything placing one step of a player's thread needs.
#[derive(Debug, Clone, Copy)]
pub struct Placement<'a> {
    pub who: Who<'a>,
    pub enrolled_at: DateTime<Utc>,
    pub prev: Option<Prev>,
    /// Nothing is placed before this instant (usually now).
    pub not_before: DateTime<Utc>,
    /// When the player's other touches are due or were done: this one keeps
    /// the play's minimum spacing from each.
    pub busy: &'a [DateTime<Utc>],
}

/// When a touch is due, its deadline if a rule sets one, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Due {
    pub due_at: DateTime<Utc>,
    pub deadline: Option<DateTime<Utc>>,
    pub nominal_day: u32,
    pub why: Why,
}

/// The earliest time at or after `target` inside `slot` that keeps
/// `spacing` from every busy time; whether spacing moved it.
fn place(slot: &Slot<'_>, target: DateTime<Utc>, busy: &[DateTime<Utc>], spacing: Duration) -> (DateTime<Utc>, bool) {
    let mut at = slot.next_allowed(target);
    let mut spaced = false;
    // Each round moves past one busy time; a player has a handful.
    for _ in 0..=busy.len() {
        match busy.iter().filter(|b| (at - **b).abs() < spacing).max() {
            Some(b) => {
                at = slot.next_allowed(*b + spacing);
                spaced = true;
            }
            None => break,
        }
    }
    (at, spaced)
}

fn local_date(calendar: &Calendar, at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&calendar.zone).date_naive()
}

/// Notes why a placed time is later than its target: spacing, else the window.
fn moved(
    why: &mut Why,
    policy: &Policy,
    who: &Who<'_>,
    channel: Channel,
    target: DateTime<Utc>,
    (due, spaced): (DateTime<Utc>, bool),
    spacing: Duration,
) {
    let wanted = local_date(who.calendar, target);
    if spaced {
        why.push(Adjustment::Spacing { minutes: spacing.num_minutes(), player: who.name.to_string() });
    } else if who.calendar.holidays.contains(&wanted) && local_date(who.calendar, due) != wanted {
        why.push(Adjustment::DayOff { date: wanted });
    } else if due > target + Duration::minutes(1) {
        why.push(Adjustment::Window { window: policy.window_reason(who.tier, channel, who.calendar.workdays) });
    }
}

/// Places one step for one player.
pub fn schedule(policy: &Policy, play: &Play, step: &Step, p: &Placement<'_>) -> Due {
    let t = &step.timing;
    let cal = p.who.calendar;
    let after = t.after.unwrap_or_else(Duration::zero);
    // A delay of hours stays on the same day of the play; whole days count.
    let nominal_day = match (t.day, p.prev) {
        (Some(day), _) => day,
        (None, Some(prev)) => prev.nominal_day.saturating_add(u32::try_from(after.num_days()).unwrap_or(0)),
        (None, None) => 0,
    };
    let anchor = p.prev.map_or(p.enrolled_at, |prev| prev.done_at);
    let mut target = anchor + after;
    let mut late = false;
    if let Some(day) = t.day {
        // The planned day, counted from where the thread really is: a late
        // previous touch shifts the rest instead of squeezing them.
        let mut date = local_date(cal, p.enrolled_at) + Duration::days(i64::from(day));
        if let Some(prev) = p.prev.filter(|prev| prev.done) {
            let spacing = i64::from(day.saturating_sub(prev.nominal_day));
            let from_prev = local_date(cal, prev.done_at) + Duration::days(spacing);
            late = from_prev > date;
            date = date.max(from_prev);
        }
        // Without its own time a step starts the working day, for every tier:
        // an executive may read on a weekend, but not at dawn.
        let start_of_day = resolve_local(cal.zone, date.and_time(t.at.unwrap_or(policy.office.start)));
        target = target.max(start_of_day);
    }
    target = target.max(p.not_before);

    let slot = policy.slot(p.who.tier, step.channel, cal, Some(step));
    let (mut due_at, spaced) = place(&slot, target, p.busy, play.min_spacing);
    let mut why = Why::new(match (t.within, p.prev) {
        (Some(within), Some(prev)) => Rule::SameDay {
            step: step.number,
            steps: play.steps.len(),
            minutes: within.num_minutes(),
            prev_step: prev.step,
            prev_done: prev.done.then_some(prev.done_at),
        },
        (None, Some(prev)) if t.day.is_none() => Rule::After {
            step: step.number,
            steps: play.steps.len(),
            minutes: after.num_minutes(),
            prev_step: prev.step,
            prev_done: prev.done.then_some(prev.done_at),
        },
        _ => Rule::Day { step: step.number, steps: play.steps.len(), day: nominal_day, play: play.label() },
    });
    if late {
        if let Some(prev) = p.prev {
            why.push(Adjustment::Late { prev_step: prev.step, on: local_date(cal, prev.done_at) });
        }
    }
    moved(&mut why, policy, &p.who, step.channel, target, (due_at, spaced), play.min_spacing);

    if let Some(prev) = p.prev {
        let gap = (local_date(cal, due_at) - local_date(cal, prev.done_at)).num_days();
        if gap > i64::from(play.max_gap_days) {
            // Bring it forward instead: to the latest day the gap allows that
            // has room, at the step's own time (or its window's start) there,
            // keeping the spacing.
            let first = local_date(cal, prev.done_at);
            let floor = (prev.done_at + play.min_spacing).max(p.not_before);
            for back in (0..=play.max_gap_days).rev() {
                let day = first + Duration::days(i64::from(back));
                let start = resolve_local(cal.zone, day.and_time(slot.window.start)).max(floor);
                let (at, _) = place(&slot, start, p.busy, play.min_spacing);
                if local_date(cal, at) == day && at < due_at {
                    due_at = at;
                    why.replace_notes();
                    why.push(Adjustment::Gap { prev_step: prev.step, days: play.max_gap_days });
                    break;
                }
            }
        }
    }

    let deadline = match (t.within, p.prev) {
        (Some(within), Some(prev)) => {
            let deadline = slot.latest_allowed(prev.done_at + within, due_at, false);
            if deadline.is_none() {
                why.push(Adjustment::NoSameDay { prev_step: prev.step, minutes: within.num_minutes() });
            }
            deadline
        }
        _ => None,
    };
    Due { due_at, deadline, nominal_day, why }
}

/// Plans a whole thread from enrollment, assuming each touch is done when
/// due, nothing before `not_before` (a player away), keeping spacing from
/// `busy` (the player's touches in other plays).
pub fn project_thread(
    policy: &Policy,
    play: &Play,
    who: Who<'_>,
    role: Role,
    enrolled_at: DateTime<Utc>,
    not_before: DateTime<Utc>,
    busy: &[DateTime<Utc>],
) -> Vec<(usize, Due)> {
    let mut prev: Option<Prev> = None;
    let mut out = Vec::new();
    let mut taken = busy.to_vec();
    for step in play.thread(who.tier, role) {
        let placement = Placement { who, enrolled_at, prev, not_before: not_before.max(enrolled_at), busy: &taken };
        let due = schedule(policy, play, step, &placement);
        prev = Some(Prev { step: step.number, done_at: due.due_at, nominal_day: due.nominal_day, done: false });
        taken.push(due.due_at);
        out.push((step.number, due));
    }
    out
}

/// The follow-up made due by an open: inside the player's window, spaced
/// from their other touches, with a deadline `policy.open_followup_within`
/// after the open where one fits.
pub fn open_followup(
    policy: &Policy,
    who: Who<'_>,
    opened_step: usize,
    opened_at: DateTime<Utc>,
    not_before: DateTime<Utc>,
    busy: &[DateTime<Utc>],
    spacing: Duration,
) -> Due {
    let channel = policy.open_followup_channel;
    let slot = policy.slot(who.tier, channel, who.calendar, None);
    let target = opened_at.max(not_before);
    let (due_at, spaced) = place(&slot, target, busy, spacing);
    let within = policy.open_followup_within;
    let mut why = Why::new(Rule::Open { channel, opened_step, opened_at, minutes: within.num_minutes() });
    moved(&mut why, policy, &who, channel, target, (due_at, spaced), spacing);
    let deadline = slot.latest_allowed(opened_at + within, due_at, false);
    Due { due_at, deadline, nominal_day: 0, why }
}

/// Places an existing touch again, at or after `target` (a snooze, a pause,
/// an absence): the same window, spacing and margin as its first placement.
/// A deadline keeps its length after the new due time, inside the window.
#[allow(clippy::too_many_arguments)]
pub fn replace(
    policy: &Policy,
    who: Who<'_>,
    channel: Channel,
    step: Option<&Step>,
    target: DateTime<Utc>,
    busy: &[DateTime<Utc>],
    spacing: Duration,
    deadline_length: Option<Duration>,
    mut why: Why,
) -> (DateTime<Utc>, Option<DateTime<Utc>>, Why) {
    let slot = policy.slot(who.tier, channel, who.calendar, step);
    let (due_at, spaced) = place(&slot, target, busy, spacing);
    why.replace_notes();
    moved(&mut why, policy, &who, channel, target, (due_at, spaced), spacing);
    let deadline = deadline_length.and_then(|length| slot.latest_allowed(due_at + length, due_at, false));
    (due_at, deadline, why)
}
