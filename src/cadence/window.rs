//! Local-time windows ("Mon-Fri 09:00-18:00 in the player's zone") and the one
//! rule for turning a local wall-clock time into an instant.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Offset, TimeZone, Utc, Weekday};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::fmt;

/// A set of weekdays.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Weekdays(u8);

impl Weekdays {
    pub const ALL: Weekdays = Weekdays(0b111_1111);
    pub const MON_FRI: Weekdays = Weekdays(0b001_1111);
    pub const WEEKEND: Weekdays = Weekdays(0b110_0000);

    pub fn contains(self, day: Weekday) -> bool {
        self.0 & (1 << day.num_days_from_monday()) != 0
    }

    pub fn intersect(self, other: Weekdays) -> Weekdays {
        Weekdays(self.0 & other.0)
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// Parses `["mon", "tue"]`-style names; also accepts full names.
    pub fn from_names<S: AsRef<str>>(names: &[S]) -> Result<Weekdays, String> {
        let mut bits = 0u8;
        for name in names {
            let day: Weekday = name
                .as_ref()
                .trim()
                .parse()
                .map_err(|_| format!("{} is not a weekday (mon..sun)", crate::text::quoted(name.as_ref())))?;
            bits |= 1 << day.num_days_from_monday();
        }
        Ok(Weekdays(bits))
    }
}

impl fmt::Display for Weekdays {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const NAMES: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
        match *self {
            Weekdays::ALL => f.write_str("every day"),
            Weekdays::MON_FRI => f.write_str("Mon-Fri"),
            _ => {
                let days: Vec<&str> = (0..7).filter(|i| self.0 & (1 << i) != 0).map(|i| NAMES[i]).collect();
                f.write_str(&days.join(","))
            }
        }
    }
}

/// Allowed local times: on `days`, from `start` to `end` inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DailyWindow {
    pub days: Weekdays,
    pub start: NaiveTime,
    pub end: NaiveTime,
}

impl fmt::Display for DailyWindow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}-{}", self.days, self.start.format("%H:%M"), self.end.format("%H:%M"))
    }
}

/// Parses `"HH:MM"`.
pub fn parse_time(text: &str) -> Result<NaiveTime, String> {
    NaiveTime::parse_from_str(text.trim(), "%H:%M")
        .map_err(|_| format!("{} is not a time of day (HH:MM)", crate::text::quoted(text)))
}

impl DailyWindow {
    pub fn new(days: Weekdays, start: NaiveTime, end: NaiveTime) -> Result<DailyWindow, String> {
        if days.is_empty() {
            return Err("a window needs at least one weekday".into());
        }
        if start >= end {
            return Err(format!(
                "window start {} must be before its end {}",
                start.format("%H:%M"),
                end.format("%H:%M")
            ));
        }
        Ok(DailyWindow { days, start, end })
    }

    /// Parses `"09:00-18:00"` on the given days.
    pub fn parse(days: Weekdays, range: &str) -> Result<DailyWindow, String> {
        let (a, b) = range
            .split_once('-')
            .ok_or_else(|| format!("{} is not a time range (HH:MM-HH:MM)", crate::text::quoted(range)))?;
        DailyWindow::new(days, parse_time(a)?, parse_time(b)?)
    }

    /// The window allowed by both, if any time is.
    pub fn intersect(&self, other: &DailyWindow) -> Option<DailyWindow> {
        DailyWindow::new(self.days.intersect(other.days), self.start.max(other.start), self.end.min(other.end)).ok()
    }

    /// Whether a local wall-clock time falls inside the window.
    pub fn contains_local(&self, local: NaiveDateTime) -> bool {
        self.days.contains(local.weekday()) && local.time() >= self.start && local.time() <= self.end
    }

    /// Whether an instant falls inside the window in `zone`.
    pub fn contains(&self, zone: Tz, at: DateTime<Utc>) -> bool {
        self.contains_local(at.with_timezone(&zone).naive_local())
    }

    fn bounds_on(&self, zone: Tz, date: NaiveDate) -> (DateTime<Utc>, DateTime<Utc>) {
        (resolve_local(zone, date.and_time(self.start)), resolve_local(zone, date.and_time(self.end)))
    }

    /// The earliest allowed instant at or after `at`.
    pub fn next_allowed(&self, zone: Tz, at: DateTime<Utc>) -> DateTime<Utc> {
        let today = at.with_timezone(&zone).date_naive();
        for offset in 0..=8 {
            let date = today + Duration::days(offset);
            if !self.days.contains(date.weekday()) {
                continue;
            }
            let (start, end) = self.bounds_on(zone, date);
            if at <= end {
                return at.max(start);
            }
        }
        at // unreachable for a window with at least one weekday
    }

    /// The latest allowed instant at or before `at` that is not before `floor`.
    pub fn latest_allowed(&self, zone: Tz, at: DateTime<Utc>, floor: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let today = at.with_timezone(&zone).date_naive();
        for offset in 0..=8 {
            let date = today - Duration::days(offset);
            if !self.days.contains(date.weekday()) {
                continue;
            }
            let (start, end) = self.bounds_on(zone, date);
            if at >= start {
                let candidate = at.min(end);
                return (candidate >= floor).then_some(candidate);
            }
        }
        None
    }
}

/// Where one touch may fall: a daily window in the player's zone, on the
/// window's weekdays minus days off (holidays), and due no later in a day
/// than `last_due` (the window's end less a margin, so nothing is due as
/// the window closes).
#[derive(Debug, Clone, Copy)]
pub struct Slot<'a> {
    pub zone: Tz,
    pub window: DailyWindow,
    pub off: Option<&'a BTreeSet<NaiveDate>>,
    pub last_due: NaiveTime,
}

/// How far ahead a slot is looked for: past any run of days off a config
/// could plausibly hold.
const SEARCH_DAYS: i64 = 400;

impl Slot<'_> {
    fn allows(&self, date: NaiveDate) -> bool {
        self.window.days.contains(date.weekday()) && !self.off.is_some_and(|off| off.contains(&date))
    }

    fn bounds(&self, date: NaiveDate, end: NaiveTime) -> (DateTime<Utc>, DateTime<Utc>) {
        (resolve_local(self.zone, date.and_time(self.window.start)), resolve_local(self.zone, date.and_time(end)))
    }

    /// Whether a touch may be due at `at`.
    pub fn contains(&self, at: DateTime<Utc>) -> bool {
        let date = at.with_timezone(&self.zone).date_naive();
        let (start, end) = self.bounds(date, self.last_due);
        self.allows(date) && at >= start && at <= end
    }

    /// The earliest instant at or after `at` a touch may be due.
    pub fn next_allowed(&self, at: DateTime<Utc>) -> DateTime<Utc> {
        let today = at.with_timezone(&self.zone).date_naive();
        for offset in 0..SEARCH_DAYS {
            let Some(date) = today.checked_add_signed(Duration::days(offset)) else { break };
            if !self.allows(date) {
                continue;
            }
            let (start, end) = self.bounds(date, self.last_due);
            if at <= end {
                return at.max(start);
            }
        }
        at // no allowed day in the search: nothing better to offer
    }

    /// The latest instant at or before `at`, not before `floor`, that is
    /// inside the window: with `due`, a due time (up to `last_due`); else a
    /// deadline (up to the window's end).
    pub fn latest_allowed(&self, at: DateTime<Utc>, floor: DateTime<Utc>, due: bool) -> Option<DateTime<Utc>> {
        let end_time = if due { self.last_due } else { self.window.end };
        let today = at.with_timezone(&self.zone).date_naive();
        for offset in 0..SEARCH_DAYS {
            let Some(date) = today.checked_sub_signed(Duration::days(offset)) else { break };
            if !self.allows(date) {
                continue;
            }
            let (start, end) = self.bounds(date, end_time);
            if end < floor {
                return None;
            }
            if at >= start {
                let candidate = at.min(end);
                return (candidate >= floor).then_some(candidate);
            }
        }
        None
    }
}

/// Turns a local wall-clock time into an instant, the same way every time:
/// a time skipped by a DST change moves forward by the length of the gap
/// (02:30 on a spring-forward night becomes 03:30), and a time that occurs
/// twice takes its first occurrence.
pub fn resolve_local(zone: Tz, local: NaiveDateTime) -> DateTime<Utc> {
    match zone.from_local_datetime(&local) {
        chrono::LocalResult::Single(at) => at.with_timezone(&Utc),
        chrono::LocalResult::Ambiguous(first, second) => first.min(second).with_timezone(&Utc),
        chrono::LocalResult::None => {
            // The offset in force just before the gap: 26 h earlier is safely
            // before it, and no zone changes its offset twice within a day.
            let probe = Utc.from_utc_datetime(&(local - Duration::hours(26)));
            let before = zone.offset_from_utc_datetime(&probe.naive_utc()).fix();
            Utc.from_utc_datetime(&(local - Duration::seconds(i64::from(before.local_minus_utc()))))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text).expect("valid").with_timezone(&Utc)
    }

    fn office() -> DailyWindow {
        DailyWindow::parse(Weekdays::MON_FRI, "09:00-18:00").expect("valid")
    }

    #[test]
    fn skipped_local_time_moves_forward_by_the_gap() {
        let local = NaiveDate::from_ymd_opt(2026, 3, 29).and_then(|d| d.and_hms_opt(2, 30, 0)).expect("valid");
        assert_eq!(resolve_local(chrono_tz::Europe::Berlin, local), utc("2026-03-29T03:30:00+02:00"));
    }

    #[test]
    fn repeated_local_time_takes_its_first_occurrence() {
        let local = NaiveDate::from_ymd_opt(2026, 10, 25).and_then(|d| d.and_hms_opt(2, 30, 0)).expect("valid");
        assert_eq!(resolve_local(chrono_tz::Europe::Berlin, local), utc("2026-10-25T02:30:00+02:00"));
    }

    #[test]
    fn friday_evening_moves_to_monday_morning_in_the_players_zone() {
        // Friday 19:00 in Kathmandu (+05:45).
        let at = utc("2026-11-27T19:00:00+05:45");
        let next = office().next_allowed(chrono_tz::Asia::Kathmandu, at);
        assert_eq!(next, utc("2026-11-30T09:00:00+05:45"));
    }

    #[test]
    fn inside_the_window_stays_put() {
        let at = utc("2026-11-24T10:15:00+13:00");
        assert_eq!(office().next_allowed(chrono_tz::Pacific::Tongatapu, at), at);
    }

    #[test]
    fn latest_allowed_before_a_weekend_instant_is_friday_close() {
        let at = utc("2026-11-28T05:00:00+01:00"); // Saturday
        let floor = utc("2026-11-27T17:00:00+01:00");
        let latest = office().latest_allowed(chrono_tz::Europe::Berlin, at, floor);
        assert_eq!(latest, Some(utc("2026-11-27T18:00:00+01:00")));
        let late_floor = utc("2026-11-27T18:30:00+01:00");
        assert_eq!(office().latest_allowed(chrono_tz::Europe::Berlin, at, late_floor), None);
    }

    #[test]
    fn windows_intersect_by_days_and_hours() {
        let evening = DailyWindow::parse(Weekdays::ALL, "16:00-20:00").expect("valid");
        let both = office().intersect(&evening).expect("overlap");
        assert_eq!(both.to_string(), "Mon-Fri 16:00-18:00");
        let weekend = DailyWindow::parse(Weekdays::WEEKEND, "10:00-12:00").expect("valid");
        assert_eq!(office().intersect(&weekend), None);
    }
}
