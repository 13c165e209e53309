//! The cadence engine: pure functions that decide when a touch is due, its
//! deadline and why. No I/O; the caller passes the instant it calls "now".

mod schedule;
pub mod window;

pub use schedule::{
    open_followup, project_thread, reschedule, schedule, step_window, window_for_step, Due, Placement, Prev,
};

use crate::domain::{Channel, Tier};
use chrono::{Duration, NaiveTime};
use window::{DailyWindow, Weekdays};

/// The rules a team sets once: office hours, night, follow-up limits.
#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    /// When practitioners and directors read work mail (their local time).
    pub office: DailyWindow,
    /// When anyone may be called: not at night.
    pub daytime: DailyWindow,
    /// An open makes a follow-up due within this long.
    pub open_followup_within: Duration,
    pub open_followup_channel: Channel,
}

impl Default for Policy {
    fn default() -> Self {
        let hm = |h: u32| NaiveTime::from_hms_opt(h, 0, 0).unwrap_or(NaiveTime::MIN);
        Policy {
            office: DailyWindow { days: Weekdays::MON_FRI, start: hm(9), end: hm(18) },
            daytime: DailyWindow { days: Weekdays::ALL, start: hm(8), end: hm(20) },
            open_followup_within: Duration::hours(24),
            open_followup_channel: Channel::Call,
        }
    }
}

/// Any day, any time.
pub fn anytime() -> DailyWindow {
    DailyWindow {
        days: Weekdays::ALL,
        start: NaiveTime::MIN,
        end: NaiveTime::from_hms_opt(23, 59, 59).unwrap_or(NaiveTime::MIN),
    }
}

impl Policy {
    /// Where a touch on `channel` to a player of `tier` may fall.
    ///
    /// Practitioners and directors: office days and hours. Executives: email and
    /// other written channels any time, weekends included; live channels
    /// (calls, SMS, meetings) on working days and never at night.
    pub fn window_for(&self, tier: Tier, channel: Channel) -> DailyWindow {
        let live_hours = DailyWindow { days: self.office.days, ..self.daytime };
        let window = match (tier.keeps_office_hours(), channel.is_live()) {
            (true, false) => Some(self.office),
            (true, true) => self.office.intersect(&self.daytime),
            (false, true) => Some(live_hours),
            (false, false) => Some(anytime()),
        };
        window.unwrap_or(self.office)
    }

    /// A short name for the rule behind `window_for`, for explanations.
    pub fn window_reason(&self, tier: Tier, channel: Channel) -> String {
        let window = self.window_for(tier, channel);
        if tier.keeps_office_hours() {
            format!("{tier} hours {window}")
        } else if channel.is_live() {
            format!("no {channel} at night or on days off ({window})")
        } else {
            "any time".into()
        }
    }
}
