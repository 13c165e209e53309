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

/// Characters in one imported field (names, titles, domains...).
pub const FIELD_CHARS: usize = 1_000;

/// Characters in a note or a skip reason.
pub const NOTE_CHARS: usize = 10_000;

/// Ranking weights and caps (config).
pub const WEIGHT: i64 = 100_000;
