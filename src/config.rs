//! The config file: who "I" am, working hours, ranking weights. Every field
//! has a default, so no file is needed to start.

use crate::cadence::window::{parse_time, DailyWindow, Weekdays};
use crate::cadence::Policy;
use crate::domain::Channel;
use crate::limits;
use crate::rank::Weights;
use crate::report::PipelineConfig;
use chrono::{Duration, NaiveDate};
use chrono_tz::Tz;
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The settings in force.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// The rep using this tool; the queue shows their accounts by default.
    pub me: Option<String>,
    /// The zone the queue's day is counted in when the rep has none stored.
    pub zone: Tz,
    pub policy: Policy,
    pub weights: Weights,
    /// Value bands, close rates and the ARR goal for the manager's pipeline.
    pub pipeline: PipelineConfig,
    /// The UI takes the mouse (click, wheel); off for terminals where
    /// selecting text with the mouse matters more.
    pub mouse: bool,
    /// `[store] url`: a team's PostgreSQL database, used when `--db` and
    /// `PLAYBOOK_DB` name none.
    pub store_url: Option<String>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            me: None,
            zone: chrono_tz::UTC,
            policy: Policy::default(),
            weights: Weights::default(),
            pipeline: PipelineConfig::default(),
            mouse: true,
            store_url: None,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("config: {0}")]
    Read(String),
    #[error("config {path}: line {line}, column {column}: {message}")]
    Parse { path: PathBuf, line: usize, column: usize, message: String },
    #[error("config {path}: {message}")]
    Invalid { path: PathBuf, message: String },
}

#[derive(Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
struct File {
    me: MeFile,
    hours: HoursFile,
    executive: ExecutiveFile,
    night: NightFile,
    cadence: CadenceFile,
    workweeks: BTreeMap<String, Vec<String>>,
    holidays: BTreeMap<String, HolidaySource>,
    ranking: Weights,
    pipeline: PipelineConfig,
    ui: UiFile,
    store: StoreFile,
}

#[derive(Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
struct StoreFile {
    url: Option<String>,
}

#[derive(Deserialize)]
#[serde(default, deny_unknown_fields)]
struct UiFile {
    mouse: bool,
}

impl Default for UiFile {
    fn default() -> Self {
        UiFile { mouse: true }
    }
}

#[derive(Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
struct MeFile {
    name: Option<String>,
    zone: Option<String>,
}

#[derive(Deserialize)]
#[serde(default, deny_unknown_fields)]
struct HoursFile {
    days: Vec<String>,
    start: String,
    end: String,
}

impl Default for HoursFile {
    fn default() -> Self {
        HoursFile {
            days: ["mon", "tue", "wed", "thu", "fri"].map(String::from).to_vec(),
            start: "09:00".into(),
            end: "18:00".into(),
        }
    }
}

#[derive(Deserialize)]
#[serde(default, deny_unknown_fields)]
struct ExecutiveFile {
    days: Vec<String>,
    start: String,
    end: String,
}

impl Default for ExecutiveFile {
    fn default() -> Self {
        ExecutiveFile {
            days: ["mon", "tue", "wed", "thu", "fri", "sat", "sun"].map(String::from).to_vec(),
            start: "07:00".into(),
            end: "21:00".into(),
        }
    }
}

/// Holidays of a zone or country: the dates, or an iCalendar file of them.
#[derive(Deserialize)]
#[serde(untagged)]
enum HolidaySource {
    Dates(Vec<String>),
    File(String),
}

#[derive(Deserialize)]
#[serde(default, deny_unknown_fields)]
struct NightFile {
    /// When calls must stop.
    start: String,
    /// When calls may start again.
    end: String,
}

impl Default for NightFile {
    fn default() -> Self {
        NightFile { start: "20:00".into(), end: "08:00".into() }
    }
}

#[derive(Deserialize)]
#[serde(default, deny_unknown_fields)]
struct CadenceFile {
    open_followup_hours: u32,
    open_followup_channel: Channel,
    window_margin_minutes: u32,
    catch_up_per_day: usize,
}

impl Default for CadenceFile {
    fn default() -> Self {
        CadenceFile {
            open_followup_hours: 24,
            open_followup_channel: Channel::Call,
            window_margin_minutes: 30,
            catch_up_per_day: Policy::default().catch_up_per_day,
        }
    }
}

/// `[workweeks]` and `[holidays]`: keys are IANA zones, countries (as the
/// accounts name them) or `*`; an iCalendar path is read relative to the
/// config file.
type Calendars = (BTreeMap<String, Weekdays>, BTreeMap<String, BTreeSet<NaiveDate>>);

fn calendars(file: &File, path: &Path) -> Result<Calendars, String> {
    // A key with a slash means a zone: a typo there would silently match
    // nobody, so it is refused.
    // A name without a slash is a country, and may also be an old zone
    // name (`Poland`, `Egypt`): it is kept for both.
    let key = |k: &str| -> Result<Vec<String>, String> {
        let zone = k.parse::<Tz>().is_ok();
        if k.contains('/') {
            return if zone {
                Ok(vec![k.to_string()])
            } else {
                Err(format!(
                    "{} is not an IANA time zone (zones are case-sensitive: Europe/Berlin)",
                    crate::text::quoted(k)
                ))
            };
        }
        let mut keys = vec![k.trim().to_lowercase()];
        if zone {
            keys.push(k.to_string());
        }
        Ok(keys)
    };
    let mut workweeks = BTreeMap::new();
    for (place, days) in &file.workweeks {
        let days =
            Weekdays::from_names(days).map_err(|e| format!("[workweeks] {}: {e}", crate::text::quoted(place)))?;
        if days.is_empty() {
            return Err(format!("[workweeks] {}: a week needs a working day", crate::text::quoted(place)));
        }
        for k in key(place).map_err(|e| format!("[workweeks] {e}"))? {
            workweeks.insert(k, days);
        }
    }
    let mut holidays: BTreeMap<String, BTreeSet<NaiveDate>> = BTreeMap::new();
    for (place, source) in &file.holidays {
        let dates = match source {
            HolidaySource::Dates(dates) => dates
                .iter()
                .map(|d| {
                    NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d")
                        .map_err(|_| format!("[holidays] {}: {} is not a date", place, crate::text::quoted(d)))
                        .and_then(limits::date)
                })
                .collect::<Result<Vec<_>, _>>()?,
            HolidaySource::File(file) => {
                let ics = path.parent().unwrap_or(Path::new(".")).join(file);
                let text = crate::files::read_text(&ics, limits::FILE_BYTES)?;
                crate::cadence::calendar::ics_dates(&text)
            }
        };
        for k in key(place).map_err(|e| format!("[holidays] {e}"))? {
            holidays.entry(k).or_default().extend(dates.iter().copied());
        }
    }
    Ok((workweeks, holidays))
}

/// Ranking weights in a range where no score can overflow.
fn check_weights(w: &Weights) -> Result<(), String> {
    let points = [("trigger", w.trigger), ("engagement", w.engagement), ("overdue", w.overdue)];
    for (name, n) in points {
        limits::count(name, n, 0, limits::WEIGHT)?;
    }
    for (name, n) in [("trigger_fresh_days", w.trigger_fresh_days), ("engagement_days", w.engagement_days)] {
        limits::count(name, n, 0, limits::PERIOD_DAYS)?;
    }
    for (name, n) in [("engagement_cap", w.engagement_cap), ("overdue_cap", w.overdue_cap)] {
        limits::count(name, n, 0, 1_000)?;
    }
    Ok(())
}

impl Config {
    /// The default location: the platform config directory.
    pub fn default_path() -> Option<PathBuf> {
        directories::ProjectDirs::from("", "", "playbook").map(|d| d.config_dir().join("config.toml"))
    }

    /// Loads `path`; a missing file at the default location means defaults,
    /// a missing file the user named is an error.
    pub fn load(path: &Path, named_by_user: bool) -> Result<Config, ConfigError> {
        if !named_by_user && !path.exists() {
            return Ok(Config::default());
        }
        let text = crate::files::read_text(path, limits::FILE_BYTES).map_err(ConfigError::Read)?;
        Config::parse(&text, path)
    }

    pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
        let file: File = toml::from_str(text).map_err(|e| {
            let offset = e.span().map_or(0, |s| s.start).min(text.len());
            let before = &text[..offset];
            ConfigError::Parse {
                path: path.to_path_buf(),
                line: before.matches('\n').count() + 1,
                column: before.rfind('\n').map_or(offset, |nl| offset - nl - 1) + 1,
                message: e.message().trim().to_string(),
            }
        })?;
        let invalid = |message: String| ConfigError::Invalid { path: path.to_path_buf(), message };
        let zone = match &file.me.zone {
            Some(z) => z.parse::<Tz>().map_err(|_| {
                invalid(format!("[me] zone {} is not an IANA time zone like Europe/Berlin", crate::text::quoted(z)))
            })?,
            None => chrono_tz::UTC,
        };
        let days = Weekdays::from_names(&file.hours.days).map_err(|e| invalid(format!("[hours] days: {e}")))?;
        let office = DailyWindow::new(
            days,
            parse_time(&file.hours.start).map_err(|e| invalid(format!("[hours] start: {e}")))?,
            parse_time(&file.hours.end).map_err(|e| invalid(format!("[hours] end: {e}")))?,
        )
        .map_err(|e| invalid(format!("[hours]: {e}")))?;
        // Night runs from `start` in the evening to `end` in the morning; calls
        // may go out in between.
        let daytime = DailyWindow::new(
            Weekdays::ALL,
            parse_time(&file.night.end).map_err(|e| invalid(format!("[night] end: {e}")))?,
            parse_time(&file.night.start).map_err(|e| invalid(format!("[night] start: {e}")))?,
        )
        .map_err(|e| invalid(format!("[night]: night must start in the evening and end in the morning ({e})")))?;
        // NaN fails every comparison, so `contains` refuses it too.
        if !(file.pipeline.close_rate > 0.0 && file.pipeline.close_rate <= 1.0)
            || file.pipeline.bands.iter().any(|b| !(0.0..=1.0).contains(&b.close_rate))
        {
            return Err(invalid("[pipeline] close rates must be between 0 and 1 (and the overall one above 0)".into()));
        }
        if !(0..=limits::AMOUNT).contains(&file.pipeline.arr_goal)
            || file.pipeline.bands.iter().any(|b| b.max_mrr.is_some_and(|m| !(0..=limits::AMOUNT).contains(&m)))
        {
            return Err(invalid(format!("[pipeline] amounts must be between 0 and {}", limits::AMOUNT)));
        }
        check_weights(&file.ranking).map_err(|e| invalid(format!("[ranking] {e}")))?;
        let followup_hours =
            limits::count("open_followup_hours", file.cadence.open_followup_hours, 1, limits::FOLLOWUP_HOURS)
                .map_err(|e| invalid(format!("[cadence] {e}")))?;
        let margin = limits::count("window_margin_minutes", file.cadence.window_margin_minutes, 0, 120)
            .map_err(|e| invalid(format!("[cadence] {e}")))?;
        let catch_up_per_day =
            limits::count("catch_up_per_day", file.cadence.catch_up_per_day, 1, limits::CATCH_UP_PER_DAY)
                .map_err(|e| invalid(format!("[cadence] {e}")))?;
        let exec_days =
            Weekdays::from_names(&file.executive.days).map_err(|e| invalid(format!("[executive] days: {e}")))?;
        let executive = DailyWindow::new(
            exec_days,
            parse_time(&file.executive.start).map_err(|e| invalid(format!("[executive] start: {e}")))?,
            parse_time(&file.executive.end).map_err(|e| invalid(format!("[executive] end: {e}")))?,
        )
        .map_err(|e| invalid(format!("[executive]: {e}")))?;
        let (workweeks, holidays) = calendars(&file, path).map_err(invalid)?;
        Ok(Config {
            me: match file.me.name.as_deref() {
                None => None,
                Some(name) if name.trim().is_empty() => None,
                Some(name) => Some(limits::rep_name(name).map_err(|e| invalid(format!("[me] name: {e}")))?.to_string()),
            },
            zone,
            policy: Policy {
                office,
                executive,
                daytime,
                open_followup_within: Duration::hours(i64::from(followup_hours)),
                open_followup_channel: file.cadence.open_followup_channel,
                margin: Duration::minutes(i64::from(margin)),
                catch_up_per_day,
                workweeks,
                holidays,
            },
            weights: file.ranking,
            pipeline: file.pipeline,
            mouse: file.ui.mouse,
            store_url: file.store.url,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_file_gives_the_defaults() {
        assert_eq!(Config::parse("", Path::new("c.toml")).expect("valid"), Config::default());
    }

    #[test]
    fn settings_override_defaults() {
        let text =
            "[me]\nname = \"Dana\"\nzone = \"Asia/Kathmandu\"\n[hours]\nstart = \"08:00\"\n[ranking]\ntrigger = 250\n";
        let c = Config::parse(text, Path::new("c.toml")).expect("valid");
        assert_eq!(c.me.as_deref(), Some("Dana"));
        assert_eq!(c.zone, chrono_tz::Asia::Kathmandu);
        assert_eq!(c.policy.office.to_string(), "Mon-Fri 08:00-18:00");
        assert_eq!(c.weights.trigger, 250);
        assert_eq!(c.weights.overdue, Weights::default().overdue);
    }

    #[test]
    fn bad_file_names_its_line() {
        let err =
            Config::parse("[me]\nname = \"Dana\"\n[ranking]\ntriger = 5\n", Path::new("c.toml")).expect_err("typo");
        assert!(err.to_string().starts_with("config c.toml: line 4, column 1:"), "{err}");
        let err = Config::parse("[me]\nzone = \"Mars/Base\"\n", Path::new("c.toml")).expect_err("zone");
        assert!(err.to_string().contains("Mars/Base"), "{err}");
    }

    #[test]
    fn catch_up_per_day_has_a_default_and_a_range() {
        assert_eq!(Config::default().policy.catch_up_per_day, 20);
        let c = Config::parse("[cadence]\ncatch_up_per_day = 7\n", Path::new("c.toml")).expect("valid");
        assert_eq!(c.policy.catch_up_per_day, 7);
        for bad in ["0", "1001"] {
            let err = Config::parse(&format!("[cadence]\ncatch_up_per_day = {bad}\n"), Path::new("c.toml"))
                .expect_err("out of range");
            assert_eq!(
                err.to_string(),
                format!("config c.toml: [cadence] catch_up_per_day must be between 1 and 1000, not {bad}")
            );
        }
    }
}
