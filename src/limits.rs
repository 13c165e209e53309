//! The ranges every number and text a user can type must fall in, in one
//! place: parsers check against these, help and errors quote them.
//!
//! They are wide enough for any real use and small enough that no date
//! arithmetic can overflow and no allocation can run away.

/// The earliest and latest year an instant or date may name (`--now`,
/// `--date`, `--until`, periods, triggers).
pub const FIRST_YEAR: i32 = 1970;
pub const LAST_YEAR: i32 = 2999;

/// The longest a typed duration may be (`snooze --for`, a play's `after`).
pub const DURATION_DAYS: i64 = 366;

/// The longest period a report or an activity export covers.
pub const PERIOD_DAYS: i64 = 3_660;

/// How far ahead `export ics --days` may look.
pub const CALENDAR_DAYS: u32 = 366;

/// The most rows `accounts --limit` returns.
pub const LIST_ROWS: usize = 100_000;

/// The most synthetic accounts `demo --accounts` generates.
pub const DEMO_ACCOUNTS: usize = 2_000_000;

/// A play's day offsets, gaps and follow-up windows.
pub const PLAY_DAY: u32 = 366;
pub const PLAY_HOURS: u32 = 24 * 31;

/// Hours after an open within which its follow-up is due (config).
pub const FOLLOWUP_HOURS: u32 = 24 * 14;

/// The most overdue touches `catch-up` puts on one day (`--per-day`,
/// `[cadence] catch_up_per_day`).
pub const CATCH_UP_PER_DAY: usize = 1_000;

/// The largest play, config or keys file read (a play of 100 steps is
/// about 50 KB).
pub const FILE_BYTES: u64 = 1 << 20;

/// The most steps a play may have.
pub const PLAY_STEPS: usize = 100;

/// Characters in one imported field (names, titles, domains...).
pub const FIELD_CHARS: usize = 1_000;

/// Characters in an account filter (`/` or `--filter`).
pub const FILTER_CHARS: usize = 200;

/// Characters in a rep's name (`--owner`, `[me] name`).
pub const REP_CHARS: usize = 100;

/// Characters in a note or a skip reason.
pub const NOTE_CHARS: usize = 10_000;

/// The largest amount (revenue, opportunity value) and head count an
/// account may have: sums over every account stay far from overflow.
pub const AMOUNT: i64 = 1_000_000_000_000;
pub const EMPLOYEES: i64 = 100_000_000;

/// Ranking weights and caps (config).
pub const WEIGHT: i64 = 100_000;

use chrono::{DateTime, Datelike, NaiveDate, Utc};

/// A rep's name: not empty, at most `REP_CHARS`, no control characters
/// (it becomes the owner of accounts). Trimmed.
pub fn rep_name(text: &str) -> Result<&str, String> {
    // Spaces only: `trim` would also take a trailing NEL, a control.
    let name = text.trim_matches([' ', '\t']);
    if name.is_empty() {
        return Err("a rep's name cannot be empty".into());
    }
    if crate::text::has_controls(name) {
        return Err(format!("{} has control characters; a rep's name is plain text", crate::text::quoted(name)));
    }
    let chars = name.chars().count();
    if chars > REP_CHARS {
        return Err(format!("a rep's name has at most {REP_CHARS} characters, not {chars}"));
    }
    Ok(name)
}

/// `date` when its year is within `FIRST_YEAR..=LAST_YEAR`.
pub fn date(date: NaiveDate) -> Result<NaiveDate, String> {
    if (FIRST_YEAR..=LAST_YEAR).contains(&date.year()) {
        Ok(date)
    } else {
        Err(format!("{date} is out of range: dates run from {FIRST_YEAR} to {LAST_YEAR}"))
    }
}

/// `at` when its year (in UTC) is within `FIRST_YEAR..=LAST_YEAR`.
pub fn instant(at: DateTime<Utc>) -> Result<DateTime<Utc>, String> {
    date(at.date_naive()).map(|_| at)
}

/// A count typed by the user, checked against `min..=max` and named in the
/// message when out of range.
pub fn count<T: PartialOrd + std::fmt::Display + Copy>(what: &str, n: T, min: T, max: T) -> Result<T, String> {
    if n < min || n > max {
        Err(format!("{what} must be between {min} and {max}, not {n}"))
    } else {
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_outside_the_range_are_named() {
        let ok = NaiveDate::from_ymd_opt(2026, 11, 24).expect("date");
        assert_eq!(date(ok), Ok(ok));
        let far = NaiveDate::from_ymd_opt(262_000, 1, 1).expect("date");
        assert!(date(far).expect_err("out").contains("1970 to 2999"));
        assert!(count("--days", 4_294_967_295_u32, 1, CALENDAR_DAYS).expect_err("out").contains("between 1 and 366"));
    }
}
