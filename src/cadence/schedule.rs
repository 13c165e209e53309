//! Due times, deadlines and their explanations for the steps of a play.

use super::window::{resolve_local, DailyWindow};
use super::Policy;
use crate::domain::{Channel, Role, Tier};
use crate::play::{human_duration, Play, Step};
use chrono::{DateTime, Duration, NaiveTime, Utc};
use chrono_tz::Tz;

/// The previous touch of the same player's thread.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Prev {
    pub step: usize,
    pub done_at: DateTime<Utc>,
    /// The day of the play the previous step was planned for.
    pub nominal_day: u32,
}

/// Everything about one player's thread that placing a step needs.
#[derive(Debug, Clone, Copy)]
pub struct Placement {
    pub zone: Tz,
    pub tier: Tier,
    pub enrolled_at: DateTime<Utc>,
    pub prev: Option<Prev>,
    /// Nothing is placed before this instant (usually now).
    pub not_before: DateTime<Utc>,
}

/// When a touch is due, its deadline if a rule sets one, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Due {
    pub due_at: DateTime<Utc>,
    pub deadline: Option<DateTime<Utc>>,
    pub nominal_day: u32,
    pub why: String,
}

fn local(zone: Tz, at: DateTime<Utc>) -> chrono::DateTime<Tz> {
    at.with_timezone(&zone)
}

/// `14:05` when on `reference`'s local day, else `Tue 14:05`.
fn clock_text(zone: Tz, at: DateTime<Utc>, reference: DateTime<Utc>) -> String {
    let (a, r) = (local(zone, at), local(zone, reference));
    if a.date_naive() == r.date_naive() {
        a.format("%H:%M").to_string()
    } else {
        a.format("%a %d %b %H:%M").to_string()
    }
}

fn days_between(zone: Tz, from: DateTime<Utc>, to: DateTime<Utc>) -> i64 {
    (local(zone, to).date_naive() - local(zone, from).date_naive()).num_days()
}

fn ceil_days(d: Duration) -> u32 {
    let mins = d.num_minutes().max(0);
    u32::try_from((mins + 24 * 60 - 1) / (24 * 60)).unwrap_or(u32::MAX)
}

/// The window a step may fall in for a tier: the persona's window narrowed by
/// the step's own hours and weekdays (falls back to the persona's window when
/// the two do not meet; `plays check` reports that).
pub fn step_window(policy: &Policy, step: &Step, tier: Tier) -> DailyWindow {
    window_for_step(policy.window_for(tier, step.channel), step)
        .unwrap_or_else(|| policy.window_for(tier, step.channel))
}

pub fn window_for_step(persona: DailyWindow, step: &Step) -> Option<DailyWindow> {
    let t = &step.timing;
    let own = DailyWindow {
        days: t.weekdays,
        start: t.at.unwrap_or(NaiveTime::MIN),
        end: t.until.unwrap_or(super::anytime().end),
    };
    persona.intersect(&own)
}

/// Places one step for one player.
pub fn schedule(policy: &Policy, play: &Play, step: &Step, p: &Placement) -> Due {
    let t = &step.timing;
    let zone = p.zone;
    let nominal_day = match (t.day, p.prev) {
        (Some(day), _) => day,
        (None, Some(prev)) => prev.nominal_day.saturating_add(ceil_days(t.after.unwrap_or_else(Duration::zero))),
        (None, None) => 0,
    };
    let anchor = p.prev.map_or(p.enrolled_at, |prev| prev.done_at);
    let mut raw = anchor + t.after.unwrap_or_else(Duration::zero);
    let mut reasons: Vec<String> = Vec::new();

    if let Some(day) = t.day {
        // The planned day, but never closer to the previous touch than planned:
        // a late previous touch shifts the rest instead of bunching them up.
        let mut date = local(zone, p.enrolled_at).date_naive() + Duration::days(i64::from(day));
        if let Some(prev) = p.prev {
            let spacing = i64::from(day.saturating_sub(prev.nominal_day));
            date = date.max(local(zone, prev.done_at).date_naive() + Duration::days(spacing));
        }
        // Without its own time a step starts the working day, for every tier:
        // an executive may read on a weekend, but not at midnight.
        let start_of_day = resolve_local(zone, date.and_time(t.at.unwrap_or(policy.office.start)));
        raw = raw.max(start_of_day);
    }
    raw = raw.max(p.not_before);

    let window = step_window(policy, step, p.tier);
    let mut due_at = window.next_allowed(zone, raw);
    if due_at > raw + Duration::minutes(1) {
        reasons.push(format!(
            "moved to {} ({})",
            clock_text(zone, due_at, raw),
            policy.window_reason(p.tier, step.channel)
        ));
    }
    if let Some(prev) = p.prev {
        if days_between(zone, prev.done_at, due_at) > i64::from(play.max_gap_days) {
            // Pull back instead: the latest allowed moment no later than the
            // last day the gap allows (or the planned time, if earlier).
            let last_day = local(zone, prev.done_at).date_naive() + Duration::days(i64::from(play.max_gap_days) + 1);
            let cap = resolve_local(zone, last_day.and_time(NaiveTime::MIN)) - Duration::seconds(1);
            if let Some(back) = window.latest_allowed(zone, raw.min(cap), prev.done_at.max(p.not_before)) {
                due_at = back;
                reasons.pop();
                reasons.push(format!(
                    "moved back to {} to keep the gap after step {} within {} days",
                    clock_text(zone, due_at, raw),
                    prev.step,
                    play.max_gap_days
                ));
            }
        }
    }

    let deadline = match (t.within, p.prev) {
        (Some(within), Some(prev)) => window.latest_allowed(zone, prev.done_at + within, due_at),
        _ => None,
    };

    let mut why = match (t.within, p.prev) {
        (Some(within), Some(prev)) => {
            let done = clock_text(zone, prev.done_at, due_at);
            match deadline {
                Some(deadline) => format!(
                    "same-day follow-up to step {}, done {done}; due by {} {}",
                    prev.step,
                    clock_text(zone, deadline, prev.done_at),
                    zone.name()
                ),
                None => format!(
                    "follow-up to step {}, done {done}; no {} window within {} of it",
                    prev.step,
                    p.tier,
                    human_duration(within)
                ),
            }
        }
        (None, Some(prev)) if t.day.is_none() => format!(
            "{} after step {} (done {})",
            human_duration(t.after.unwrap_or_else(Duration::zero)),
            prev.step,
            clock_text(zone, prev.done_at, due_at)
        ),
        _ => format!("day {nominal_day} of {}", play.label()),
    };
    why = if deadline.is_some() {
        // The deadline already says when; the due time is shown beside it.
        format!("step {} of {}: {why}", step.number, play.steps.len())
    } else {
        let due = clock_text(zone, due_at, p.not_before);
        format!("step {} of {}: {why}; due {due} {}", step.number, play.steps.len(), zone.name())
    };
    for reason in reasons {
        why.push_str("; ");
        why.push_str(&reason);
    }
    Due { due_at, deadline, nominal_day, why }
}

/// Plans a whole thread from enrollment, assuming each touch is done when due.
pub fn project_thread(
    policy: &Policy,
    play: &Play,
    tier: Tier,
    role: Role,
    zone: Tz,
    enrolled_at: DateTime<Utc>,
) -> Vec<(usize, Due)> {
    let mut prev: Option<Prev> = None;
    let mut out = Vec::new();
    for step in play.thread(tier, role) {
        let due = schedule(policy, play, step, &Placement { zone, tier, enrolled_at, prev, not_before: enrolled_at });
        prev = Some(Prev { step: step.number, done_at: due.due_at, nominal_day: due.nominal_day });
        out.push((step.number, due));
    }
    out
}

/// The follow-up made due by an open: inside the player's window, with a
/// deadline `policy.open_followup_within` after the open where one fits.
pub fn open_followup(policy: &Policy, tier: Tier, zone: Tz, step: usize, opened_at: DateTime<Utc>) -> Due {
    let channel = policy.open_followup_channel;
    let window = policy.window_for(tier, channel);
    let due_at = window.next_allowed(zone, opened_at);
    let limit = opened_at + policy.open_followup_within;
    let deadline = window.latest_allowed(zone, limit, due_at);
    let within = human_duration(policy.open_followup_within);
    let why = match deadline {
        Some(deadline) => format!(
            "opened step {step} at {}: {channel} within {within}; due by {} {}",
            clock_text(zone, opened_at, due_at),
            clock_text(zone, deadline, opened_at),
            zone.name()
        ),
        None => format!(
            "opened step {step} at {}: {channel} at the first {tier} window ({})",
            clock_text(zone, opened_at, due_at),
            window
        ),
    };
    Due { due_at, deadline, nominal_day: 0, why }
}

/// Moves a due time later (a snooze or a pause) and back inside its window.
pub fn reschedule(policy: &Policy, tier: Tier, channel: Channel, zone: Tz, to: DateTime<Utc>) -> DateTime<Utc> {
    policy.window_for(tier, channel).next_allowed(zone, to)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text).expect("valid").with_timezone(&Utc)
    }

    fn play() -> Play {
        Play::parse(
            r#"
name = "t"
version = 1
title = "Test"
[[step]]
title = "Intro"
channel = "email"
day = 0
body = "Hi {first_name}"
[[step]]
title = "Bump"
channel = "email"
after = "2h"
same_day = true
body = "Again"
[[step]]
title = "Call"
channel = "call"
day = 2
body = "Ring"
"#,
        )
        .expect("valid play")
    }

    fn placement(zone: Tz, tier: Tier, at: DateTime<Utc>, prev: Option<Prev>) -> Placement {
        Placement { zone, tier, enrolled_at: at, prev, not_before: at }
    }

    #[test]
    fn same_day_follow_up_is_due_by_twelve_hours_after_done() {
        let play = play();
        let done = utc("2026-11-23T10:05:00+01:00");
        let prev = Prev { step: 1, done_at: done, nominal_day: 0 };
        let due = schedule(
            &Policy::default(),
            &play,
            &play.steps[1],
            &placement(chrono_tz::Europe::Berlin, Tier::Executive, done, Some(prev)),
        );
        assert_eq!(due.due_at, utc("2026-11-23T12:05:00+01:00"));
        assert_eq!(due.deadline, Some(utc("2026-11-23T22:05:00+01:00")));
        assert!(
            due.why.contains("same-day follow-up to step 1, done 10:05; due by 22:05 Europe/Berlin"),
            "{}",
            due.why
        );
    }

    #[test]
    fn practitioner_same_day_deadline_stops_at_close_of_business() {
        let play = play();
        let done = utc("2026-11-23T16:00:00+01:00");
        let prev = Prev { step: 1, done_at: done, nominal_day: 0 };
        let due = schedule(
            &Policy::default(),
            &play,
            &play.steps[1],
            &placement(chrono_tz::Europe::Berlin, Tier::Practitioner, done, Some(prev)),
        );
        assert_eq!(due.due_at, utc("2026-11-23T18:00:00+01:00"));
        assert_eq!(due.deadline, Some(utc("2026-11-23T18:00:00+01:00")));
    }

    #[test]
    fn practitioner_touch_on_saturday_moves_to_monday_morning() {
        let play = play();
        let saturday = utc("2026-11-28T11:00:00-05:00");
        let due = schedule(
            &Policy::default(),
            &play,
            &play.steps[0],
            &placement(chrono_tz::America::New_York, Tier::Practitioner, saturday, None),
        );
        assert_eq!(due.due_at, utc("2026-11-30T09:00:00-05:00"));
        assert!(due.why.contains("practitioner hours"), "{}", due.why);
        let exec = schedule(
            &Policy::default(),
            &play,
            &play.steps[0],
            &placement(chrono_tz::America::New_York, Tier::Executive, saturday, None),
        );
        assert_eq!(exec.due_at, saturday, "executive email may go on a weekend");
    }

    #[test]
    fn late_previous_touch_shifts_the_next_instead_of_bunching() {
        let play = play();
        let enrolled = utc("2026-11-23T09:00:00+01:00");
        // Step 2 done four days late; the day-2 call keeps its two-day spacing.
        let prev = Prev { step: 2, done_at: utc("2026-11-27T10:00:00+01:00"), nominal_day: 0 };
        let p = Placement {
            zone: chrono_tz::Europe::Berlin,
            tier: Tier::Director,
            enrolled_at: enrolled,
            prev: Some(prev),
            not_before: prev.done_at,
        };
        let due = schedule(&Policy::default(), &play, &play.steps[2], &p);
        assert_eq!(due.due_at, utc("2026-11-30T09:00:00+01:00"), "{}", due.why);
    }

    #[test]
    fn open_makes_a_call_due_within_24_hours() {
        let opened = utc("2026-11-24T15:00:00+05:45");
        let due = open_followup(&Policy::default(), Tier::Director, chrono_tz::Asia::Kathmandu, 1, opened);
        assert_eq!(due.due_at, opened);
        assert_eq!(due.deadline, Some(utc("2026-11-25T15:00:00+05:45")));
        assert!(due.why.starts_with("opened step 1 at 15:00: call within 1d"), "{}", due.why);
    }

    #[test]
    fn projected_thread_follows_the_play_in_order() {
        let play = play();
        let thread = project_thread(
            &Policy::default(),
            &play,
            Tier::Executive,
            Role::User,
            chrono_tz::UTC,
            utc("2026-11-23T09:00:00Z"),
        );
        let times: Vec<_> = thread.iter().map(|(n, d)| (*n, d.due_at)).collect();
        assert_eq!(
            times,
            vec![(1, utc("2026-11-23T09:00:00Z")), (2, utc("2026-11-23T11:00:00Z")), (3, utc("2026-11-25T09:00:00Z")),]
        );
    }
}
