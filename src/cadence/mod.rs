//! The cadence engine: pure functions that decide when a touch is due, its
//! deadline and why. No I/O; the caller passes the instant it calls "now".
//!
//! One placement function puts every touch: the first plan, the next step
//! after a done, an open's follow-up, and every move (snooze, pause,
//! out-of-office, resume). It keeps a touch inside its player's window for
//! its channel, off their days off, clear of the window's last minutes,
//! and a minimum spacing away from the player's other touches.

pub mod calendar;
mod schedule;
pub mod why;
pub mod window;

pub use calendar::Calendar;
pub use schedule::{open_followup, project_thread, replace, schedule, Due, Placement, Prev, Who};
pub use why::{Adjustment, Rule, Why};

use crate::domain::{Channel, Tier};
use crate::play::Step;
use chrono::{Duration, NaiveDate, NaiveTime};
use chrono_tz::Tz;
use std::collections::{BTreeMap, BTreeSet};
use window::{DailyWindow, Slot, Weekdays};

/// The rules a team sets once: hours per persona, night, follow-up limits,
/// working weeks and holidays.
#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    /// When practitioners and directors read work mail (their local time);
    /// its days are the working week wherever no other is known.
    pub office: DailyWindow,
    /// When executives read written channels, weekends included.
    pub executive: DailyWindow,
    /// When anyone may be called: not at night.
    pub daytime: DailyWindow,
    /// An open makes a follow-up due within this long.
    pub open_followup_within: Duration,
    pub open_followup_channel: Channel,
    /// Nothing is due in the last this-long of a window, unless a step asks
    /// for that time.
    pub margin: Duration,
    /// `catch-up` spreads overdue touches at most this many to a day.
    pub catch_up_per_day: usize,
    /// Working weeks set in the config, by IANA zone or country (lower case).
    pub workweeks: BTreeMap<String, Weekdays>,
    /// Holidays set in the config, by IANA zone, country (lower case) or `*`.
    pub holidays: BTreeMap<String, BTreeSet<NaiveDate>>,
}

fn hm(h: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, 0, 0).unwrap_or(NaiveTime::MIN)
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            office: DailyWindow { days: Weekdays::MON_FRI, start: hm(9), end: hm(18) },
            executive: DailyWindow { days: Weekdays::ALL, start: hm(7), end: hm(21) },
            daytime: DailyWindow { days: Weekdays::ALL, start: hm(8), end: hm(20) },
            open_followup_within: Duration::hours(24),
            open_followup_channel: Channel::Call,
            margin: Duration::minutes(30),
            catch_up_per_day: 20,
            workweeks: BTreeMap::new(),
            holidays: BTreeMap::new(),
        }
    }
}

/// Any day, any time (a step with no hours of its own).
pub fn anytime() -> DailyWindow {
    DailyWindow {
        days: Weekdays::ALL,
        start: NaiveTime::MIN,
        end: NaiveTime::from_hms_opt(23, 59, 59).unwrap_or(NaiveTime::MIN),
    }
}

impl Policy {
    /// A player's calendar: their own working week if set, else the
    /// config's for their zone or country, else their zone's (Fri-Sat in
    /// the Gulf...), else the configured week; holidays of their zone,
    /// their country and everyone.
    pub fn calendar(&self, zone: Tz, country: Option<&str>, own: Option<Weekdays>) -> Calendar {
        let country = country.map(|c| c.trim().to_lowercase());
        let keys: Vec<&str> = std::iter::once(zone.name()).chain(country.as_deref()).collect();
        let workdays = own
            .or_else(|| keys.iter().find_map(|k| self.workweeks.get(*k).copied()))
            .or_else(|| calendar::zone_workdays(zone))
            .unwrap_or(self.office.days);
        let holidays = keys
            .iter()
            .copied()
            .chain(std::iter::once("*"))
            .filter_map(|k| self.holidays.get(k))
            .flatten()
            .copied()
            .collect();
        Calendar { zone, workdays, holidays }
    }

    /// The window a touch on `channel` to a player of `tier` falls in, and
    /// whether the player's days off apply.
    ///
    /// Practitioners and directors: office hours on their working days.
    /// Executives: written channels in executive hours, weekends included;
    /// live channels (calls, SMS, meetings) on working days. Live channels
    /// never at night, for anyone.
    pub fn persona(&self, tier: Tier, channel: Channel, workdays: Weekdays) -> (DailyWindow, bool) {
        let hours = if tier.keeps_office_hours() { self.office } else { self.executive };
        if !tier.keeps_office_hours() && !channel.is_live() {
            return (self.executive, false);
        }
        let days = DailyWindow { days: workdays, ..hours };
        // Hours that never meet the day leave calls to the day alone, never the night.
        let window = if channel.is_live() {
            days.intersect(&self.daytime).unwrap_or(DailyWindow { days: workdays, ..self.daytime })
        } else {
            days
        };
        (window, true)
    }

    /// A short name for the window, for explanations.
    pub fn window_reason(&self, tier: Tier, channel: Channel, workdays: Weekdays) -> String {
        let (window, _) = self.persona(tier, channel, workdays);
        if channel.is_live() {
            format!("{tier} hours for a {channel} ({window}, never at night)")
        } else {
            format!("{tier} hours ({window})")
        }
    }

    /// Where one touch may fall: the persona's window for the player's
    /// calendar, narrowed by the step's own hours and weekdays (the persona's
    /// alone where the two never meet; `plays check` warns of that).
    pub fn slot<'a>(&self, tier: Tier, channel: Channel, calendar: &'a Calendar, step: Option<&Step>) -> Slot<'a> {
        let (persona, working_days) = self.persona(tier, channel, calendar.workdays);
        let own = step.and_then(|s| window_for_step(persona, s));
        // A step on a day of the play with no time of its own starts the
        // working day, for every tier, wherever it is placed or moved to:
        // an executive reads on a weekend, but not at dawn.
        let day_start = step
            .filter(|s| s.timing.day.is_some() && s.timing.at.is_none())
            .and_then(|_| own.unwrap_or(persona).intersect(&DailyWindow { start: self.office.start, ..anytime() }));
        // A step with its own end time asks for it, to the minute: no margin.
        let asks = step.is_some_and(|s| s.timing.until.is_some()) && own.is_some();
        let window = day_start.or(own).unwrap_or(persona);
        let last_due =
            if asks || window.end - window.start <= self.margin { window.end } else { window.end - self.margin };
        Slot { zone: calendar.zone, window, off: working_days.then_some(&calendar.holidays), last_due }
    }
}

/// A step's own hours and weekdays within a persona's window, if they meet.
pub fn window_for_step(persona: DailyWindow, step: &Step) -> Option<DailyWindow> {
    let t = &step.timing;
    let own =
        DailyWindow { days: t.weekdays, start: t.at.unwrap_or(NaiveTime::MIN), end: t.until.unwrap_or(anytime().end) };
    persona.intersect(&own)
}
