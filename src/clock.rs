//! The one place that reads the wall clock. Everything else takes a `Clock`
//! (or an instant obtained from one) so every scenario is reproducible.

use chrono::{DateTime, Utc};

/// Where "now" comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Clock {
    /// The system clock.
    System,
    /// A pinned instant (`--now` / `PLAYBOOK_NOW`), for tests and replays.
    Fixed(DateTime<Utc>),
}

impl Clock {
    /// The current instant, truncated to whole seconds (the store keeps seconds).
    pub fn now(&self) -> DateTime<Utc> {
        match self {
            #[allow(clippy::disallowed_methods)] // the single sanctioned wall-clock read
            Clock::System => {
                let now = Utc::now();
                DateTime::from_timestamp(now.timestamp(), 0).unwrap_or(now)
            }
            Clock::Fixed(at) => *at,
        }
    }

    /// Parses an RFC 3339 instant such as `2026-11-23T09:30:00+01:00`.
    pub fn parse_fixed(text: &str) -> Result<Clock, String> {
        // The parser's own words ("premature end of input") tell a user
        // nothing: the shape wanted does.
        let at = DateTime::parse_from_rfc3339(text.trim()).map_err(|_| {
            format!(
                "{} is not a date and time with its offset (RFC 3339), e.g. 2026-11-23T09:30:00+01:00",
                crate::text::quoted(text)
            )
        })?;
        crate::limits::instant(at.with_timezone(&Utc)).map(Clock::Fixed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_clock_returns_the_pinned_instant() {
        let clock = Clock::parse_fixed("2026-11-23T09:30:00+01:00").expect("valid");
        assert_eq!(clock.now().to_rfc3339(), "2026-11-23T08:30:00+00:00");
    }

    #[test]
    fn malformed_instant_is_rejected_with_an_example() {
        let err = Clock::parse_fixed("tomorrow").expect_err("invalid");
        assert!(err.contains("RFC 3339") && err.contains("e.g. 2026-11-23T09:30:00+01:00"), "{err}");
        // The parser's own jargon stays out of it.
        assert!(!err.contains("premature"), "{err}");
    }
}
