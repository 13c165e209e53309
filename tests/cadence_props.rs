//! Property tests of the cadence engine over random plays, zones (DST and odd
//! offsets included) and start instants.

use chrono::{DateTime, Duration, TimeZone, Utc};
use chrono_tz::Tz;
use playbook::cadence::{self, open_followup, project_thread, Placement, Policy, Prev};
use playbook::domain::{Channel, Role, Tier};
use playbook::play::{check, Play, Severity};
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

fn local_ok(policy: &Policy, tier: Tier, channel: Channel, zone: Tz, at: DateTime<Utc>) -> bool {
    policy.window_for(tier, channel).contains(zone, at)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, max_global_rejects: 100_000, ..ProptestConfig::default() })]

    /// Practitioner and director touches fall only inside their local working
    /// hours on working days; calls never at night for anyone.
    #[test]
    fn touches_stay_inside_the_players_hours(play in play(), zone in zone(), start in instant(), tier in tier()) {
        let policy = Policy::default();
        for (number, due) in project_thread(&policy, &play, tier, Role::User, zone, start) {
            let step = play.step(number).expect("step");
            let local = due.due_at.with_timezone(&zone);
            prop_assert!(local_ok(&policy, tier, step.channel, zone, due.due_at),
                "step {number} {} for {tier} at {local} ({})", step.channel, due.why);
            if step.channel == Channel::Call {
                prop_assert!(policy.daytime.contains(zone, due.due_at), "call at night: {local}");
            }
            prop_assert!(!due.why.is_empty());
            prop_assert!(due.due_at >= start);
        }
    }

    /// A same-day deadline is never more than N hours after the previous touch
    /// was done, never before the touch is due, and inside the player's window.
    #[test]
    fn same_day_deadlines_stay_within_n_hours(play in play(), zone in zone(), start in instant(), tier in tier(), late in 0i64..600) {
        let policy = Policy::default();
        let thread = project_thread(&policy, &play, tier, Role::User, zone, start);
        for pair in thread.windows(2) {
            let (prev_no, prev) = &pair[0];
            let (number, _) = &pair[1];
            let step = play.step(*number).expect("step");
            let Some(within) = step.timing.within else { continue };
            // The rep did the previous touch `late` minutes after it was due.
            let done_at = prev.due_at + Duration::minutes(late);
            let placement = Placement {
                zone, tier, enrolled_at: start,
                prev: Some(Prev { step: *prev_no, done_at, nominal_day: prev.nominal_day }),
                not_before: done_at,
            };
            let due = cadence::schedule(&policy, &play, step, &placement);
            if let Some(deadline) = due.deadline {
                prop_assert!(deadline <= done_at + within, "deadline {deadline} > done {done_at} + {within}");
                prop_assert!(deadline >= due.due_at);
                prop_assert!(local_ok(&policy, tier, step.channel, zone, deadline));
            }
        }
    }

    /// A play that `plays check` accepts never produces a gap over its
    /// maximum between consecutive touches to one player.
    #[test]
    fn checked_plays_keep_gaps_within_the_maximum(play in play(), zone in zone(), start in instant(), tier in tier()) {
        let policy = Policy::default();
        prop_assume!(check(&play, &policy).iter().all(|f| f.severity != Severity::Error));
        let thread = project_thread(&policy, &play, tier, Role::User, zone, start);
        for pair in thread.windows(2) {
            let a = pair[0].1.due_at.with_timezone(&zone).date_naive();
            let b = pair[1].1.due_at.with_timezone(&zone).date_naive();
            prop_assert!((b - a).num_days() <= i64::from(play.max_gap_days),
                "gap {a} -> {b} over {} days ({})", play.max_gap_days, pair[1].1.why);
            prop_assert!(pair[1].1.due_at >= pair[0].1.due_at, "touches out of order");
        }
    }

    /// An open makes the follow-up due inside the window, by 24 hours when a
    /// working moment exists in that time.
    #[test]
    fn open_follow_up_is_due_within_24_hours(zone in zone(), opened in instant(), tier in tier()) {
        let policy = Policy::default();
        let due = open_followup(&policy, tier, zone, 1, opened);
        prop_assert!(due.due_at >= opened);
        prop_assert!(local_ok(&policy, tier, policy.open_followup_channel, zone, due.due_at));
        if let Some(deadline) = due.deadline {
            prop_assert!(deadline <= opened + Duration::hours(24));
            prop_assert!(deadline >= due.due_at);
        }
        prop_assert!(!due.why.is_empty());
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
