//! A player's working calendar: which weekdays they work (their country's
//! weekend, or an override) and which dates are holidays there.

use super::window::Weekdays;
use chrono::{Datelike, NaiveDate};
use chrono_tz::Tz;
use std::collections::BTreeSet;

/// Where the working week is not Monday to Friday, by IANA zone: the
/// weekend is Friday and Saturday in most Gulf and Levant states and
/// Egypt, Friday alone in Iran and Afghanistan. Every other zone works
/// the configured days (Mon-Fri by default). The one table of it.
const WORKWEEKS: &[(&str, &[&str])] = &[
    ("Asia/Riyadh", &["sun", "mon", "tue", "wed", "thu"]),
    ("Asia/Qatar", &["sun", "mon", "tue", "wed", "thu"]),
    ("Asia/Kuwait", &["sun", "mon", "tue", "wed", "thu"]),
    ("Asia/Bahrain", &["sun", "mon", "tue", "wed", "thu"]),
    ("Asia/Muscat", &["sun", "mon", "tue", "wed", "thu"]),
    ("Asia/Aden", &["sun", "mon", "tue", "wed", "thu"]),
    ("Asia/Baghdad", &["sun", "mon", "tue", "wed", "thu"]),
    ("Asia/Amman", &["sun", "mon", "tue", "wed", "thu"]),
    ("Asia/Damascus", &["sun", "mon", "tue", "wed", "thu"]),
    ("Asia/Jerusalem", &["sun", "mon", "tue", "wed", "thu"]),
    ("Asia/Tel_Aviv", &["sun", "mon", "tue", "wed", "thu"]),
    ("Asia/Gaza", &["sun", "mon", "tue", "wed", "thu"]),
    ("Asia/Hebron", &["sun", "mon", "tue", "wed", "thu"]),
    ("Asia/Dhaka", &["sun", "mon", "tue", "wed", "thu"]),
    ("Africa/Cairo", &["sun", "mon", "tue", "wed", "thu"]),
    ("Africa/Khartoum", &["sun", "mon", "tue", "wed", "thu"]),
    ("Africa/Tripoli", &["sun", "mon", "tue", "wed", "thu"]),
    ("Africa/Algiers", &["sun", "mon", "tue", "wed", "thu"]),
    ("Asia/Tehran", &["sat", "sun", "mon", "tue", "wed", "thu"]),
    ("Asia/Kabul", &["sat", "sun", "mon", "tue", "wed", "thu"]),
    // The old names the zone database still accepts for the same places.
    ("Iran", &["sat", "sun", "mon", "tue", "wed", "thu"]),
    ("Israel", &["sun", "mon", "tue", "wed", "thu"]),
    ("Egypt", &["sun", "mon", "tue", "wed", "thu"]),
    ("Libya", &["sun", "mon", "tue", "wed", "thu"]),
    ("Asia/Dacca", &["sun", "mon", "tue", "wed", "thu"]),
];

/// The working days of a zone from the table, if it has its own.
pub fn zone_workdays(zone: Tz) -> Option<Weekdays> {
    WORKWEEKS.iter().find(|(name, _)| *name == zone.name()).and_then(|(_, days)| Weekdays::from_names(days).ok())
}

/// When a player works: weekdays and holidays, in their zone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Calendar {
    pub zone: Tz,
    pub workdays: Weekdays,
    pub holidays: BTreeSet<NaiveDate>,
}

impl Calendar {
    /// A calendar with the given working days and no holidays.
    pub fn new(zone: Tz, workdays: Weekdays) -> Calendar {
        Calendar { zone, workdays, holidays: BTreeSet::new() }
    }

    /// Whether `date` is a working day: a working weekday, not a holiday.
    pub fn works_on(&self, date: NaiveDate) -> bool {
        self.workdays.contains(date.weekday()) && !self.holidays.contains(&date)
    }
}

/// The dates of an iCalendar file of holidays: each event's DTSTART day,
/// through the day before its DTEND for events of several whole days.
pub fn ics_dates(text: &str) -> Vec<NaiveDate> {
    let date_of = |line: &str| -> Option<NaiveDate> {
        let value = line.rsplit(':').next()?.trim();
        NaiveDate::parse_from_str(value.get(..8)?, "%Y%m%d").ok()
    };
    let mut out = Vec::new();
    let mut start: Option<NaiveDate> = None;
    let mut days = 1i64;
    let mut yearly = false;
    let flush = |start: Option<NaiveDate>, days: i64, yearly: bool, out: &mut Vec<NaiveDate>| {
        let Some(first) = start else { return };
        // A yearly holiday repeats for thirty years; a run of days is at most
        // a month (a holiday file is not a calendar of absences).
        let years = if yearly { 30 } else { 1 };
        for year in 0..years {
            let Some(from) = first.with_year(first.year() + year) else { continue };
            out.extend(from.iter_days().take(usize::try_from(days.clamp(1, 31)).unwrap_or(1)));
        }
    };
    for line in text.lines() {
        let upper = line.trim().to_ascii_uppercase();
        if upper.starts_with("BEGIN:VEVENT") {
            start = None;
            days = 1;
            yearly = false;
        } else if upper.starts_with("END:VEVENT") {
            flush(start, days, yearly, &mut out);
            start = None;
        } else if upper.starts_with("DTSTART") {
            start = date_of(line);
        } else if upper.starts_with("DTEND") {
            if let (Some(from), Some(to)) = (start, date_of(line)) {
                days = (to - from).num_days().max(1);
            }
        } else if let Some(d) = upper.strip_prefix("DURATION:P").and_then(|r| r.strip_suffix('D')) {
            days = d.parse().unwrap_or(1);
        } else if upper.starts_with("RRULE:") && upper.contains("FREQ=YEARLY") {
            yearly = true;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Weekday;

    #[test]
    fn gulf_weekends_are_friday_and_saturday_iran_friday_alone() {
        let riyadh = zone_workdays(chrono_tz::Asia::Riyadh).expect("listed");
        assert!(riyadh.contains(Weekday::Sun) && !riyadh.contains(Weekday::Fri) && !riyadh.contains(Weekday::Sat));
        let tehran = zone_workdays(chrono_tz::Asia::Tehran).expect("listed");
        assert!(tehran.contains(Weekday::Sat) && !tehran.contains(Weekday::Fri));
        assert_eq!(zone_workdays(chrono_tz::Europe::Berlin), None, "the configured week applies");
    }

    #[test]
    fn ics_holidays_are_read_by_day() {
        let ics = "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20261225\r\nDTEND;VALUE=DATE:20261227\r\nSUMMARY:Christmas\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nDTSTART:20270101T000000Z\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20260501\r\nDURATION:P2D\r\nRRULE:FREQ=YEARLY\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
        let day = |m, d, y| NaiveDate::from_ymd_opt(y, m, d).expect("date");
        let dates = ics_dates(ics);
        assert_eq!(dates[..3], [day(12, 25, 2026), day(12, 26, 2026), day(1, 1, 2027)]);
        assert!(dates.contains(&day(5, 2, 2026)) && dates.contains(&day(5, 1, 2030)), "yearly, two days each");
    }

    #[test]
    fn holidays_are_days_off() {
        let mut cal = Calendar::new(chrono_tz::Europe::Berlin, Weekdays::MON_FRI);
        let christmas = NaiveDate::from_ymd_opt(2026, 12, 25).expect("date");
        assert!(cal.works_on(christmas));
        cal.holidays.insert(christmas);
        assert!(!cal.works_on(christmas));
        assert!(!cal.works_on(NaiveDate::from_ymd_opt(2026, 12, 26).expect("date")), "a Saturday");
    }
}
