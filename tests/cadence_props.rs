//! Property tests of the cadence engine over random plays, zones (DST and odd
//! offsets included) and start instants.

use chrono::{DateTime, Duration, TimeZone, Utc};
use chrono::{NaiveTime, Timelike};
use chrono_tz::Tz;
use playbook::cadence::{self, open_followup, project_thread, Calendar, Placement, Policy, Prev, Who};
use playbook::domain::{Channel, Role, Tier};
use playbook::play::{check, Play, Severity, Step};
use proptest::prelude::*;

const ZONES: &[&str] = &[
    "Europe/Berlin",
    "America/New_York",
    "America/St_Johns",
    "Asia/Kathmandu",
    "Pacific/Tongatapu",
    "Pacific/Chatham",
    "Australia/Lord_Howe",
    "America/Santiago",
    "Asia/Kolkata",
    "Asia/Riyadh",
    "Asia/Tehran",
    "Pacific/Kiritimati",
    "UTC",
];

fn zone() -> impl Strategy<Value = Tz> {
    prop::sample::select(ZONES).prop_map(|z| z.parse::<Tz>().expect("zone"))
}

fn instant() -> impl Strategy<Value = DateTime<Utc>> {
    // 2020..2031, to the minute: crosses many DST changes in every zone.
    (1_577_836_800i64..1_924_991_999).prop_map(|s| Utc.timestamp_opt(s - s % 60, 0).single().expect("valid"))
}

fn channel() -> impl Strategy<Value = Channel> {
    prop::sample::select(Channel::ALL)
}

fn tier() -> impl Strategy<Value = Tier> {
    prop::sample::select(Tier::ALL)
}

/// A random play: each step a channel, a timing and maybe a same-day rule.
fn play() -> impl Strategy<Value = Play> {
    let step = (channel(), 0u32..4, prop::option::of(0u32..8), any::<bool>(), prop::option::of(7u32..12));
    (prop::collection::vec(step, 1..12), 3u32..8).prop_map(|(steps, max_gap)| {
        let mut text = format!("name = \"random\"\nversion = 1\ntitle = \"Random\"\nmax_gap_days = {max_gap}\n");
        let mut day = 0;
        for (i, (channel, gap, after_hours, same_day, at_hour)) in steps.into_iter().enumerate() {
            text.push_str(&format!(
                "\n[[step]]\ntitle = \"s{i}\"\nchannel = \"{channel}\"\nbody = \"Hi {{first_name}}\"\n"
            ));
            if i > 0 && same_day {
                text.push_str(&format!("after = \"{}h\"\nsame_day = true\n", after_hours.unwrap_or(1)));
            } else {
                day += gap;
                text.push_str(&format!("day = {day}\n"));
                if let Some(h) = at_hour {
                    text.push_str(&format!("at = \"{h:02}:30\"\n"));
                }
            }
        }
        Play::parse(&text).expect("generated play parses")
    })
}

/// The rules as README states them, checked on their own (not through the
/// placement code): persona hours, working days, night, the 30-minute
/// margin, the step's own earliest time.
fn allowed(tier: Tier, channel: Channel, cal: &Calendar, step: Option<&Step>, at: DateTime<Utc>) -> Result<(), String> {
    let local = at.with_timezone(&cal.zone);
    let hm = |h: u32, m: u32| NaiveTime::from_hms_opt(h, m, 0).expect("time");
    let (start, end, workday) = match (tier.keeps_office_hours(), channel.is_live()) {
        // Office hours sit inside the day, so calls keep them too.
        (true, _) => (hm(9, 0), hm(18, 0), true),
        (false, false) => (hm(7, 0), hm(21, 0), false),
        (false, true) => (hm(8, 0), hm(20, 0), true),
    };
    if workday && !cal.works_on(local.date_naive()) {
        return Err(format!("{local} is a day off for this {tier}"));
    }
    let asks_until = step.is_some_and(|s| s.timing.until.is_some());
    let last = if asks_until { end } else { end - Duration::minutes(30) };
    let time = local.time().with_second(0).expect("time");
    if time < start || time > last {
        return Err(format!("{local} is outside {start}-{last} for a {channel} to a {tier}"));
    }
    if let Some(at) = step.and_then(|s| s.timing.at).filter(|at| *at >= start && *at <= last) {
        if time < at {
            return Err(format!("{local} is before the step's own {at}"));
        }
    }
    Ok(())
}

fn calendar(policy: &Policy, zone: Tz) -> Calendar {
    policy.calendar(zone, None, None)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, max_global_rejects: 100_000, ..ProptestConfig::default() })]

    /// Practitioner and director touches fall only inside their local working
    /// hours on working days; calls never at night for anyone.
    #[test]
    fn touches_stay_inside_the_players_hours(play in play(), zone in zone(), start in instant(), tier in tier()) {
        let policy = Policy::default();
        let cal = calendar(&policy, zone);
        let who = Who { tier, calendar: &cal, name: "Ann" };
        let mut last: Option<DateTime<Utc>> = None;
        for (number, due) in project_thread(&policy, &play, who, Role::User, start, start, &[]) {
            let step = play.step(number).expect("step");
            let why = due.why.render(zone, due.due_at, due.deadline);
            if let Err(e) = allowed(tier, step.channel, &cal, Some(step), due.due_at) {
                prop_assert!(false, "step {number}: {e} ({why})");
            }
            prop_assert!(due.due_at >= start);
            if let Some(prev) = last {
                prop_assert!(due.due_at - prev >= play.min_spacing, "step {number} within the spacing: {why}");
            }
            last = Some(due.due_at);
        }
    }

    /// A same-day deadline is never more than N hours after the previous touch
    /// was done, never before the touch is due, and inside the player's window.
    #[test]
    fn same_day_deadlines_stay_within_n_hours(play in play(), zone in zone(), start in instant(), tier in tier(), late in 0i64..600) {
        let policy = Policy::default();
        let cal = calendar(&policy, zone);
        let who = Who { tier, calendar: &cal, name: "Ann" };
        let thread = project_thread(&policy, &play, who, Role::User, start, start, &[]);
        for pair in thread.windows(2) {
            let (prev_no, prev) = &pair[0];
            let (number, _) = &pair[1];
            let step = play.step(*number).expect("step");
            let Some(within) = step.timing.within else { continue };
            // The rep did the previous touch `late` minutes after it was due.
            let done_at = prev.due_at + Duration::minutes(late);
            let placement = Placement {
                who, enrolled_at: start,
                prev: Some(Prev { step: *prev_no, done_at, nominal_day: prev.nominal_day, done: true }),
                not_before: done_at,
                busy: &[done_at],
            };
            let due = cadence::schedule(&policy, &play, step, &placement);
            if let Some(deadline) = due.deadline {
                prop_assert!(deadline <= done_at + within, "deadline {deadline} > done {done_at} + {within}");
                prop_assert!(deadline >= due.due_at);
                let local = deadline.with_timezone(&zone).time();
                prop_assert!(local <= NaiveTime::from_hms_opt(21, 0, 0).expect("time"), "deadline at {local}");
            }
        }
    }

    /// A play that `plays check` accepts never produces a gap over its
    /// maximum between consecutive touches to one player.
    #[test]
    fn checked_plays_keep_gaps_within_the_maximum(play in play(), zone in zone(), start in instant(), tier in tier()) {
        let policy = Policy::default();
        prop_assume!(check(&play, &policy).iter().all(|f| f.severity != Severity::Error));
        let cal = calendar(&policy, zone);
        let thread = project_thread(&policy, &play, Who { tier, calendar: &cal, name: "Ann" }, Role::User, start, start, &[]);
        for pair in thread.windows(2) {
            let a = pair[0].1.due_at.with_timezone(&zone).date_naive();
            let b = pair[1].1.due_at.with_timezone(&zone).date_naive();
            prop_assert!((b - a).num_days() <= i64::from(play.max_gap_days),
                "gap {a} -> {b} over {} days ({:?})", play.max_gap_days, pair[1].1.why);
            prop_assert!(pair[1].1.due_at >= pair[0].1.due_at, "touches out of order");
        }
    }

    /// An open makes the follow-up due inside the window, by 24 hours when a
    /// working moment exists in that time.
    #[test]
    fn open_follow_up_is_due_within_24_hours(zone in zone(), opened in instant(), tier in tier()) {
        let policy = Policy::default();
        let cal = calendar(&policy, zone);
        let due = open_followup(&policy, Who { tier, calendar: &cal, name: "Ann" }, 1, opened, opened, &[], Duration::hours(2));
        prop_assert!(due.due_at >= opened);
        if let Err(e) = allowed(tier, policy.open_followup_channel, &cal, None, due.due_at) {
            prop_assert!(false, "{e}");
        }
        if let Some(deadline) = due.deadline {
            prop_assert!(deadline <= opened + Duration::hours(24));
            prop_assert!(deadline >= due.due_at);
        }
    }

    /// Resolving a local time is deterministic and never lands earlier than
    /// the wall-clock time asked for.
    #[test]
    fn local_time_resolution_is_stable(zone in zone(), at in instant(), hour in 0u32..24, minute in 0u32..60) {
        let date = at.with_timezone(&zone).date_naive();
        let local = date.and_hms_opt(hour, minute, 0).expect("valid");
        let a = cadence::window::resolve_local(zone, local);
        let b = cadence::window::resolve_local(zone, local);
        prop_assert_eq!(a, b);
        prop_assert!(a.with_timezone(&zone).naive_local() >= local);
        prop_assert!(a.with_timezone(&zone).naive_local() <= local + Duration::hours(3));
    }
}
