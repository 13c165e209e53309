//! Why a touch is due when it is, as data: the rule that placed it and the
//! adjustments made since, each with its cause. It is rendered to one
//! sentence from the touch's own due time and deadline, so the text can
//! never disagree with them.

use crate::domain::Channel;
use crate::play::human_duration;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

/// The rule that placed a touch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "rule", rename_all = "snake_case")]
pub enum Rule {
    /// A step on its day of the play.
    Day { step: usize, steps: usize, day: u32, play: String },
    /// A step some time after the previous one was done (when it was).
    After { step: usize, steps: usize, minutes: i64, prev_step: usize, prev_done: Option<DateTime<Utc>> },
    /// A same-day follow-up, due within `minutes` of the previous touch.
    SameDay { step: usize, steps: usize, minutes: i64, prev_step: usize, prev_done: Option<DateTime<Utc>> },
    /// A follow-up made due by an open.
    Open { channel: Channel, opened_step: usize, opened_at: DateTime<Utc>, minutes: i64 },
}

/// Something that moved a touch from where its rule put it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Adjustment {
    /// Into the player's window for this channel ("director hours Mon-Fri 09:00-18:00").
    Window {
        window: String,
    },
    /// Kept the minimum spacing from another touch to the same player.
    Spacing {
        minutes: i64,
        player: String,
    },
    /// The thread reached the previous step later than the play's day for
    /// it; the plan moved with it.
    Late {
        prev_step: usize,
        on: NaiveDate,
    },
    /// Brought forward so the gap after a step stays within the play's limit.
    Gap {
        prev_step: usize,
        days: u32,
    },
    /// The planned day was a holiday of the player's.
    DayOff {
        date: NaiveDate,
    },
    /// No time within the same-day limit fits the window: no deadline.
    NoSameDay {
        prev_step: usize,
        minutes: i64,
    },
    Snoozed,
    /// Moved past its same-day deadline by a snooze: the deadline is gone.
    SnoozedPastDeadline,
    Paused {
        until: Option<NaiveDate>,
    },
    Resumed,
    /// Placed again after the player's zone, tier or working week changed.
    Replanned {
        player: String,
    },
    OutOfOffice {
        player: String,
        back: NaiveDate,
    },
    /// Spread over the coming working days by `catch-up`: the touch was
    /// overdue since `was_due` (the player's date), or moved with its
    /// thread when that is `None`.
    CaughtUp {
        was_due: Option<NaiveDate>,
    },
    /// Moved past the rep's absence (`away`), from `from` until `back`,
    /// the day the rep returns; dates in the rep's zone.
    Away {
        from: NaiveDate,
        back: NaiveDate,
    },
}

impl Adjustment {
    /// Causes that replace each other: a touch says what moved it last.
    fn is_cause(&self) -> bool {
        matches!(
            self,
            Adjustment::Snoozed
                | Adjustment::SnoozedPastDeadline
                | Adjustment::Paused { .. }
                | Adjustment::Resumed
                | Adjustment::OutOfOffice { .. }
                | Adjustment::CaughtUp { .. }
                | Adjustment::Away { .. }
        )
    }
}

/// The whole reason for a touch's time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Why {
    pub rule: Rule,
    pub adjustments: Vec<Adjustment>,
}

fn at(zone: Tz, t: DateTime<Utc>) -> String {
    t.with_timezone(&zone).format("%a %-d %b %H:%M").to_string()
}

fn done(zone: Tz, prev_done: Option<DateTime<Utc>>) -> String {
    prev_done.map(|d| format!(" (done {})", at(zone, d))).unwrap_or_default()
}

fn date(d: NaiveDate) -> String {
    d.format("%a %-d %b").to_string()
}

fn minutes(m: i64) -> String {
    human_duration(Duration::minutes(m))
}

impl Why {
    pub fn new(rule: Rule) -> Why {
        Why { rule, adjustments: Vec::new() }
    }

    /// Adds an adjustment once; a new cause replaces the previous one, and
    /// the placement notes (window, spacing) go with it, since the touch is
    /// placed again.
    pub fn push(&mut self, adjustment: Adjustment) {
        if adjustment.is_cause() {
            self.adjustments.clear();
        }
        if !self.adjustments.contains(&adjustment) {
            self.adjustments.push(adjustment);
        }
    }

    /// Drops the notes of the last placement (window, spacing, gap), keeping
    /// the causes, before the touch is placed again.
    pub fn replace_notes(&mut self) {
        self.adjustments.retain(Adjustment::is_cause);
    }

    /// The sentence shown with a touch, from its own due time and deadline:
    /// `step 5 of 12, day 1 of multi-thread v1 · due Mon 9 Mar 09:00 Europe/Berlin
    /// · moved after Dirk's out-of-office (back Sat 7 Mar)`.
    pub fn render(&self, zone: Tz, due_at: DateTime<Utc>, deadline: Option<DateTime<Utc>>) -> String {
        let rule = match &self.rule {
            Rule::Day { step, steps, day, play } => format!("step {step} of {steps}, day {day} of {play}"),
            Rule::After { step, steps, minutes: m, prev_step, prev_done } => {
                format!("step {step} of {steps}, {} after step {prev_step}{}", minutes(*m), done(zone, *prev_done))
            }
            // The limit shows in the deadline beside it: a move can stretch it,
            // so the rule does not repeat it.
            Rule::SameDay { step, steps, prev_step, prev_done, .. } => {
                format!("step {step} of {steps}, same-day follow-up to step {prev_step}{}", done(zone, *prev_done))
            }
            Rule::Open { channel, opened_step, opened_at, .. } => {
                format!("{channel} after the open of step {opened_step} ({})", at(zone, *opened_at))
            }
        };
        let when = match deadline {
            Some(d) => format!("due {}, by {} {}", at(zone, due_at), at(zone, d), zone.name()),
            None => format!("due {} {}", at(zone, due_at), zone.name()),
        };
        let mut parts = vec![rule, when];
        for a in &self.adjustments {
            parts.push(match a {
                Adjustment::Window { window } => format!("moved into {window}"),
                Adjustment::Spacing { minutes: m, player } => {
                    format!("kept {} from the previous touch to {player}", minutes(*m))
                }
                Adjustment::Late { prev_step, on } => {
                    format!("later than the plan's day: the thread reached step {prev_step} on {}", date(*on))
                }
                Adjustment::Gap { prev_step, days } => {
                    let days = crate::text::count(usize::try_from(*days).unwrap_or(0), "day", "days");
                    format!("brought forward to keep the gap after step {prev_step} within {days}")
                }
                Adjustment::NoSameDay { prev_step, minutes: m } => {
                    format!("no time within {} of step {prev_step} fits the window", minutes(*m))
                }
                Adjustment::DayOff { date: d } => format!("moved past the day off on {}", date(*d)),
                Adjustment::Snoozed => "snoozed".into(),
                Adjustment::SnoozedPastDeadline => "snoozed past its same-day deadline".into(),
                Adjustment::Paused { until: Some(d) } => format!("moved past the pause (until {})", date(*d)),
                Adjustment::Paused { until: None } => "moved past the pause".into(),
                Adjustment::Resumed => "moved when the play resumed".into(),
                Adjustment::Replanned { player } => format!("placed again after {player}'s details changed"),
                Adjustment::OutOfOffice { player, back } => {
                    format!("moved after {player}'s out-of-office (back {})", date(*back))
                }
                Adjustment::CaughtUp { was_due: Some(d) } => {
                    format!("spread after an absence (was due {})", date(*d))
                }
                Adjustment::CaughtUp { was_due: None } => "moved with its thread, spread after an absence".into(),
                Adjustment::Away { from, back } => {
                    format!("moved past the rep's time away (from {}, back {})", date(*from), date(*back))
                }
            });
        }
        parts.join(" · ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text).expect("valid").with_timezone(&Utc)
    }

    #[test]
    fn renders_from_the_touchs_own_times_and_one_latest_cause() {
        let mut why = Why::new(Rule::Day { step: 5, steps: 12, day: 1, play: "multi-thread v1".into() });
        why.push(Adjustment::Window { window: "director hours Mon-Fri 09:00-18:00".into() });
        why.push(Adjustment::Paused { until: None });
        let back = NaiveDate::from_ymd_opt(2026, 3, 7).expect("date");
        why.push(Adjustment::OutOfOffice { player: "Dirk".into(), back });
        why.push(Adjustment::OutOfOffice { player: "Dirk".into(), back });
        let berlin = chrono_tz::Europe::Berlin;
        let text = why.render(berlin, utc("2026-03-09T09:00:00+01:00"), None);
        assert_eq!(
            text,
            "step 5 of 12, day 1 of multi-thread v1 · due Mon 9 Mar 09:00 Europe/Berlin · moved after Dirk's out-of-office (back Sat 7 Mar)"
        );
        let json = serde_json::to_string(&why).expect("json");
        assert_eq!(serde_json::from_str::<Why>(&json).expect("back"), why);
    }

    #[test]
    fn catch_up_and_time_away_say_what_moved_the_touch() {
        let day = |d| NaiveDate::from_ymd_opt(2026, 3, d).expect("date");
        let berlin = chrono_tz::Europe::Berlin;
        let due = utc("2026-03-16T09:00:00+01:00");
        let mut why = Why::new(Rule::Day { step: 2, steps: 12, day: 0, play: "multi-thread v1".into() });
        why.push(Adjustment::Snoozed);
        why.push(Adjustment::CaughtUp { was_due: Some(day(4)) });
        assert!(why.render(berlin, due, None).ends_with("· spread after an absence (was due Wed 4 Mar)"));
        why.push(Adjustment::Away { from: day(9), back: day(16) });
        let text = why.render(berlin, due, None);
        assert!(text.ends_with("· moved past the rep's time away (from Mon 9 Mar, back Mon 16 Mar)"), "{text}");
        assert!(!text.contains("snoozed") && !text.contains("spread"), "one latest cause: {text}");
        let json = serde_json::to_string(&why).expect("json");
        assert_eq!(serde_json::from_str::<Why>(&json).expect("back"), why);
    }
}
