//! Plays: versioned sequences of steps, written as TOML files.

mod check;
mod template;

pub use check::{check, Finding, Severity};
pub use template::{Context, Field, MissingField, Template, TemplateError};

use crate::cadence::window::{parse_time, Weekdays};
use crate::domain::{Channel, Role, Tier};
use crate::limits;
use chrono::{Duration, NaiveTime};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::fmt;

/// The default gap limit: "no 6-7 day gaps".
pub const DEFAULT_MAX_GAP_DAYS: u32 = 5;
/// The default same-day follow-up limit: "the same day or within 12 hours".
pub const DEFAULT_FOLLOWUP_HOURS: u32 = 12;
/// The default minimum spacing between two touches to one player.
pub const DEFAULT_MIN_SPACING_MINUTES: i64 = 120;

/// A validated play.
#[derive(Debug, Clone, PartialEq)]
pub struct Play {
    pub name: String,
    pub version: u32,
    pub title: String,
    pub description: String,
    pub max_gap_days: u32,
    /// No two touches to one player closer than this.
    pub min_spacing: Duration,
    pub steps: Vec<Step>,
}

/// One step of a play.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// 1-based position in the play.
    pub number: usize,
    /// Line of the step's `[[step]]` header in the source file.
    pub line: usize,
    pub title: String,
    pub channel: Channel,
    pub tiers: Vec<Tier>,
    /// Empty means every buying role.
    pub roles: Vec<Role>,
    pub timing: Timing,
    pub content: Content,
}

/// When a step falls due.
#[derive(Debug, Clone, PartialEq)]
pub struct Timing {
    /// Day offset from enrollment (day 0 = the enrollment day).
    pub day: Option<u32>,
    /// Delay after the previous touch to the same player was done.
    pub after: Option<Duration>,
    /// Same-day follow-up: must be done within this long of the previous touch.
    pub within: Option<Duration>,
    /// Earliest local time of day.
    pub at: Option<NaiveTime>,
    /// Latest local time of day (with `at`, a window).
    pub until: Option<NaiveTime>,
    pub weekdays: Weekdays,
}

/// What a step says: a subject and body, with variants per buying role.
#[derive(Debug, Clone, PartialEq)]
pub struct Content {
    pub subject: Option<Template>,
    pub body: Template,
    pub variants: BTreeMap<Role, Variant>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Variant {
    pub subject: Option<Template>,
    pub body: Template,
}

impl Content {
    /// The subject and body for a player's buying role.
    pub fn for_role(&self, role: Role) -> (Option<&Template>, &Template) {
        match self.variants.get(&role) {
            Some(v) => (v.subject.as_ref().or(self.subject.as_ref()), &v.body),
            None => (self.subject.as_ref(), &self.body),
        }
    }

    fn templates(&self) -> impl Iterator<Item = &Template> {
        self.subject
            .iter()
            .chain(std::iter::once(&self.body))
            .chain(self.variants.values().flat_map(|v| v.subject.iter().chain(std::iter::once(&v.body))))
    }

    /// Fields that every player of this step must have a value for.
    pub fn required_fields(&self) -> Vec<Field> {
        let mut fields: Vec<Field> = self.templates().flat_map(Template::required_fields).collect();
        fields.dedup();
        fields
    }
}

impl Play {
    /// What an account must hold before this play can be enrolled: the
    /// account-level fields its content names without a fallback
    /// (`{trigger}`, `{industry}`, `{region}`), in words.
    pub fn account_needs(&self) -> Vec<&'static str> {
        let mut needs = Vec::new();
        for field in self.steps.iter().flat_map(|s| s.content.required_fields()) {
            let word = match field {
                Field::Trigger => "a trigger event",
                Field::Industry => "an industry",
                Field::Region => "a region",
                _ => continue,
            };
            if !needs.contains(&word) {
                needs.push(word);
            }
        }
        needs
    }
}

impl Step {
    /// Whether this step addresses a player of the given tier and role.
    pub fn targets(&self, tier: Tier, role: Role) -> bool {
        self.tiers.contains(&tier) && (self.roles.is_empty() || self.roles.contains(&role))
    }
}

impl Play {
    /// `name v3`, the way plays are named in output.
    pub fn label(&self) -> String {
        format!("{} v{}", self.name, self.version)
    }

    /// Steps a player of this tier and role receives, in order.
    pub fn thread(&self, tier: Tier, role: Role) -> impl Iterator<Item = &Step> {
        self.steps.iter().filter(move |s| s.targets(tier, role))
    }

    pub fn step(&self, number: usize) -> Option<&Step> {
        number.checked_sub(1).and_then(|i| self.steps.get(i))
    }
}

/// A play file that could not be read, with where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}, column {column}: {message}")]
pub struct PlayError {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PlayFile {
    name: String,
    version: u32,
    title: String,
    #[serde(default)]
    description: String,
    max_gap_days: Option<u32>,
    followup_within_hours: Option<u32>,
    min_spacing: Option<String>,
    #[serde(rename = "step", default)]
    steps: Vec<StepFile>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StepFile {
    title: String,
    channel: Channel,
    tiers: Option<Vec<Tier>>,
    #[serde(default)]
    roles: Vec<Role>,
    day: Option<u32>,
    after: Option<String>,
    #[serde(default)]
    same_day: bool,
    within_hours: Option<u32>,
    at: Option<String>,
    until: Option<String>,
    weekdays: Option<Vec<String>>,
    subject: Option<String>,
    body: String,
    #[serde(default)]
    variants: BTreeMap<Role, VariantFile>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct VariantFile {
    subject: Option<String>,
    body: String,
}

/// Parses `30m`, `2h`, `3d` (also `90 minutes`, `1 day`).
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let t = text.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let bad = || format!("{} is not a duration like 30m, 2h or 3d", crate::text::quoted(text));
    let n: i64 = num.parse().map_err(|_| bad())?;
    let minutes = match unit.trim() {
        "m" | "min" | "mins" | "minute" | "minutes" => Some(n),
        "h" | "hour" | "hours" => n.checked_mul(60),
        "d" | "day" | "days" => n.checked_mul(24 * 60),
        _ => return Err(bad()),
    };
    let max = crate::limits::DURATION_DAYS * 24 * 60;
    match minutes {
        Some(m) if m <= max => Ok(Duration::minutes(m)),
        _ => Err(format!("{} is too long: at most {} days", crate::text::quoted(text), crate::limits::DURATION_DAYS)),
    }
}

/// Line and column (1-based) of a byte offset.
fn line_col(source: &str, offset: usize) -> (usize, usize) {
    let before = &source[..offset.min(source.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rfind('\n').map_or(before.chars().count(), |nl| before[nl + 1..].chars().count()) + 1;
    (line, column)
}

/// Lines of the `[[step]]` headers, in order.
fn step_lines(source: &str) -> Vec<usize> {
    source.lines().enumerate().filter(|(_, l)| l.trim_start().starts_with("[[step]]")).map(|(i, _)| i + 1).collect()
}

impl Play {
    /// Parses and validates a play file's text.
    pub fn parse(source: &str) -> Result<Play, PlayError> {
        let file: PlayFile = toml::from_str(source).map_err(|e| {
            let (line, column) = e.span().map_or((1, 1), |s| line_col(source, s.start));
            PlayError { line, column, message: e.message().trim().to_string() }
        })?;
        let lines = step_lines(source);
        let top = |message: String| PlayError { line: 1, column: 1, message };
        if file.version == 0 {
            return Err(top("`version` starts at 1".into()));
        }
        let hours = file.followup_within_hours.unwrap_or(DEFAULT_FOLLOWUP_HOURS);
        limits::count("`followup_within_hours`", hours, 1, limits::PLAY_HOURS).map_err(top)?;
        let max_gap_days = file.max_gap_days.unwrap_or(DEFAULT_MAX_GAP_DAYS);
        limits::count("`max_gap_days`", max_gap_days, 1, limits::PLAY_DAY).map_err(top)?;
        let followup = Duration::hours(i64::from(hours));
        let min_spacing = match file.min_spacing.as_deref() {
            Some(text) => parse_duration(text).map_err(top)?,
            None => Duration::minutes(DEFAULT_MIN_SPACING_MINUTES),
        };
        if min_spacing > Duration::days(1) {
            return Err(top("`min_spacing` is at most 1 day".into()));
        }
        let mut steps = Vec::with_capacity(file.steps.len());
        for (i, s) in file.steps.into_iter().enumerate() {
            let line = lines.get(i).copied().unwrap_or(1);
            let at_line =
                |message: String| PlayError { line, column: 1, message: format!("step {}: {message}", i + 1) };
            steps.push(convert_step(i + 1, line, s, followup).map_err(at_line)?);
        }
        if steps.is_empty() {
            return Err(PlayError { line: 1, column: 1, message: "a play needs at least one [[step]]".into() });
        }
        if steps.len() > limits::PLAY_STEPS {
            return Err(top(format!("a play has at most {} steps, not {}", limits::PLAY_STEPS, steps.len())));
        }
        // Every delay added up, from the latest day offset: how far the last
        // touch can land from enrollment.
        let latest_day = steps.iter().filter_map(|s| s.timing.day).max().unwrap_or(0);
        let delays: i64 = steps.iter().filter_map(|s| s.timing.after).map(|d| d.num_minutes()).sum();
        let span = i64::from(latest_day) + (delays + 24 * 60 - 1) / (24 * 60);
        if span > i64::from(limits::PLAY_DAY) {
            return Err(top(format!(
                "a play spans at most {} days; its day offsets and `after` delays add up to {span}",
                limits::PLAY_DAY
            )));
        }
        if file.name.trim().is_empty() || file.name.contains(char::is_whitespace) {
            return Err(PlayError { line: 1, column: 1, message: "`name` must be one word, like exec-trigger".into() });
        }
        Ok(Play {
            name: file.name,
            version: file.version,
            title: file.title,
            description: file.description,
            max_gap_days,
            min_spacing,
            steps,
        })
    }
}

fn template(text: &str, what: &str) -> Result<Template, String> {
    Template::parse(text).map_err(|e| format!("{what}: {e}"))
}

fn convert_step(number: usize, line: usize, s: StepFile, followup: Duration) -> Result<Step, String> {
    let after = s.after.as_deref().map(parse_duration).transpose()?;
    if let Some(day) = s.day {
        limits::count("`day`", day, 0, limits::PLAY_DAY)?;
    }
    if let Some(hours) = s.within_hours {
        limits::count("`within_hours`", hours, 1, limits::PLAY_HOURS)?;
    }
    let within = match (s.same_day, s.within_hours) {
        (_, Some(h)) => Some(Duration::hours(i64::from(h))),
        (true, None) => Some(followup),
        (false, None) => None,
    };
    if within.is_some() && number == 1 {
        return Err("the first step cannot be a same-day follow-up: nothing comes before it".into());
    }
    let at = s.at.as_deref().map(parse_time).transpose()?;
    let until = s.until.as_deref().map(parse_time).transpose()?;
    if let (Some(a), Some(u)) = (at, until) {
        if a >= u {
            return Err(format!("`at` {} must be before `until` {}", a.format("%H:%M"), u.format("%H:%M")));
        }
    }
    let weekdays = match &s.weekdays {
        Some(names) => {
            let days = Weekdays::from_names(names)?;
            if days.is_empty() {
                return Err("`weekdays` is empty".into());
            }
            days
        }
        None => Weekdays::ALL,
    };
    let tiers = s.tiers.unwrap_or_else(|| Tier::ALL.to_vec());
    if tiers.is_empty() {
        return Err("`tiers` is empty: the step would reach nobody".into());
    }
    let mut variants = BTreeMap::new();
    for (role, v) in s.variants {
        let subject = v.subject.as_deref().map(|t| template(t, &format!("{role} subject"))).transpose()?;
        variants.insert(role, Variant { subject, body: template(&v.body, &format!("{role} body"))? });
    }
    Ok(Step {
        number,
        line,
        title: s.title,
        channel: s.channel,
        tiers,
        roles: s.roles,
        timing: Timing { day: s.day, after, within, at, until, weekdays },
        content: Content {
            subject: s.subject.as_deref().map(|t| template(t, "subject")).transpose()?,
            body: template(&s.body, "body")?,
            variants,
        },
    })
}

impl fmt::Display for Timing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts = Vec::new();
        if let Some(day) = self.day {
            parts.push(format!("day {day}"));
        }
        if let Some(after) = self.after {
            parts.push(format!("{} after previous", human_duration(after)));
        }
        if let Some(within) = self.within {
            parts.push(format!("within {}", human_duration(within)));
        }
        match (self.at, self.until) {
            (Some(a), Some(u)) => parts.push(format!("{}-{}", a.format("%H:%M"), u.format("%H:%M"))),
            (Some(a), None) => parts.push(format!("at {}", a.format("%H:%M"))),
            (None, Some(u)) => parts.push(format!("before {}", u.format("%H:%M"))),
            (None, None) => {}
        }
        if self.weekdays != Weekdays::ALL {
            parts.push(self.weekdays.to_string());
        }
        if parts.is_empty() {
            parts.push("right after previous".into());
        }
        f.write_str(&parts.join(", "))
    }
}

/// `90m` → "1h30m", `3d` → "3d".
pub fn human_duration(d: Duration) -> String {
    let mins = d.num_minutes();
    if mins % (24 * 60) == 0 && mins > 0 {
        format!("{}d", mins / (24 * 60))
    } else if mins % 60 == 0 {
        format!("{}h", mins / 60)
    } else if mins > 60 {
        format!("{}h{:02}m", mins / 60, mins % 60)
    } else {
        format!("{mins}m")
    }
}

/// The plays shipped with the binary.
pub const BUILTIN: [(&str, &str); 3] = [
    ("exec-trigger.toml", include_str!("../../assets/plays/exec-trigger.toml")),
    ("multi-thread.toml", include_str!("../../assets/plays/multi-thread.toml")),
    ("re-engage.toml", include_str!("../../assets/plays/re-engage.toml")),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_plays_parse() {
        for (file, source) in BUILTIN {
            let play = Play::parse(source).unwrap_or_else(|e| panic!("{file}: {e}"));
            assert!(play.steps.len() >= 7, "{file} has {} steps", play.steps.len());
        }
    }

    #[test]
    fn syntax_error_names_line_and_column() {
        let src =
            "name = \"x\"\nversion = 1\ntitle = \"t\"\n[[step]]\ntitle = \"a\"\nchannel = \"fax\"\nbody = \"b\"\n";
        let err = Play::parse(src).expect_err("bad channel");
        assert_eq!((err.line, err.column), (6, 11), "{err}");
        assert!(err.message.contains("fax"), "{err}");
    }

    #[test]
    fn bad_placeholder_names_the_step_line() {
        let src = "name = \"x\"\nversion = 1\ntitle = \"t\"\n\n[[step]]\ntitle = \"a\"\nchannel = \"email\"\nbody = \"Hi {frist_name}\"\n";
        let err = Play::parse(src).expect_err("bad placeholder");
        assert_eq!(err.line, 5);
        assert!(err.message.contains("step 1") && err.message.contains("frist_name"), "{err}");
    }

    #[test]
    fn durations_parse() {
        assert_eq!(parse_duration("30m"), Ok(Duration::minutes(30)));
        assert_eq!(parse_duration("2 hours"), Ok(Duration::hours(2)));
        assert_eq!(parse_duration("3d"), Ok(Duration::days(3)));
        assert!(parse_duration("soon").is_err());
        assert_eq!(human_duration(Duration::minutes(90)), "1h30m");
    }
}
