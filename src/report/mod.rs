//! The manager's review: plays and steps, account progress, reps, funnel
//! by segment, pipeline. One function feeds both `playbook report` and the
//! TUI's Manager screen, so their numbers always agree.

mod pipeline;

pub use pipeline::{pipeline, Band, Pipeline, PipelineConfig};

use crate::cadence::window::resolve_local;
use crate::play::Play;
use crate::store::{Store, StoreError};
use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Offset, TimeZone, Utc};
use chrono_tz::Tz;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// The days a report covers, in the manager's zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Period {
    pub from: NaiveDate,
    /// Inclusive.
    pub to: NaiveDate,
    #[serde(skip)]
    pub start: DateTime<Utc>,
    #[serde(skip)]
    pub end: DateTime<Utc>,
}

impl Period {
    /// `today`, `7d`, `30d` (any `Nd`), or `FROM..TO` (YYYY-MM-DD, inclusive).
    pub fn parse(text: &str, today: NaiveDate, zone: Tz) -> Result<Period, String> {
        let text = text.trim();
        let max = crate::limits::PERIOD_DAYS;
        let too_long = || format!("period {} is too long: at most {max} days", crate::text::quoted(text));
        let (from, to) = if text == "today" {
            (today, today)
        } else if let Some(n) = text.strip_suffix('d').and_then(|n| n.parse::<i64>().ok()).filter(|n| *n >= 1) {
            if n > max {
                return Err(too_long());
            }
            (today.checked_sub_signed(Duration::days(n - 1)).ok_or_else(too_long)?, today)
        } else if let Some((a, b)) = text.split_once("..") {
            let date = |s: &str| NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d");
            let (from, to) = date(a).and_then(|f| date(b).map(|t| (f, t))).map_err(|_| bad(text))?;
            if to < from {
                return Err(format!("period {} ends before it starts", crate::text::quoted(text)));
            }
            if (to - from).num_days() >= max {
                return Err(too_long());
            }
            (from, to)
        } else {
            return Err(bad(text));
        };
        crate::limits::date(from)?;
        crate::limits::date(to)?;
        Ok(Period::days(from, to, zone))
    }

    pub fn days(from: NaiveDate, to: NaiveDate, zone: Tz) -> Period {
        Period {
            from,
            to,
            start: resolve_local(zone, from.and_time(NaiveTime::MIN)),
            end: resolve_local(zone, (to + Duration::days(1)).and_time(NaiveTime::MIN)),
        }
    }
}

fn bad(text: &str) -> String {
    format!("{} is not a period: use today, 7d, 30d or YYYY-MM-DD..YYYY-MM-DD", crate::text::quoted(text))
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RepStats {
    pub owner: String,
    pub done: i64,
    pub skipped: i64,
    pub overdue: i64,
    pub by_channel: BTreeMap<String, i64>,
    pub on_time: i64,
    /// On-time touches over done touches; none when nothing was done.
    pub on_time_rate: Option<f64>,
    /// Touches done on each of the 14 days ending with the period's last day.
    pub activity_14d: Vec<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StepStats {
    pub step: usize,
    pub title: String,
    pub channel: String,
    pub done: i64,
    pub replies: i64,
    pub meetings: i64,
    pub reply_rate: Option<f64>,
    pub meeting_rate: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlayStats {
    pub play: String,
    pub version: i64,
    pub title: String,
    pub enrolled: i64,
    pub active: i64,
    pub paused: i64,
    pub completed: i64,
    pub exited: i64,
    pub touches_done: i64,
    pub touches_planned: i64,
    pub replies: i64,
    pub meetings: i64,
    pub median_days_to_reply: Option<f64>,
    pub median_days_to_meeting: Option<f64>,
    pub steps: Vec<StepStats>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AccountProgress {
    pub account_id: i64,
    pub name: String,
    pub owner: String,
    pub play: String,
    pub done: i64,
    pub planned: i64,
    pub overdue: i64,
    pub last_touch: Option<DateTime<Utc>>,
    pub next_touch: Option<DateTime<Utc>>,
    pub stalled: bool,
    pub days_since_touch: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Accounts {
    pub active_plays: i64,
    pub stalled: i64,
    /// The stalled ones, longest silence first, then the most overdue.
    pub attention: Vec<AccountProgress>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FunnelRow {
    pub segment: String,
    pub worked: i64,
    pub replied: i64,
    pub meetings: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Funnel {
    pub total: FunnelRow,
    pub by_industry: Vec<FunnelRow>,
    pub by_region: Vec<FunnelRow>,
}

/// The whole review.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub period: Period,
    pub zone: String,
    pub owner: Option<String>,
    pub reps: Vec<RepStats>,
    pub plays: Vec<PlayStats>,
    pub accounts: Accounts,
    pub funnel: Funnel,
    pub pipeline: Pipeline,
}

/// How many stalled accounts the review lists.
const ATTENTION: usize = 25;

fn rate(part: i64, whole: i64) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

/// The middle value (mean of the two middle ones for an even count).
pub fn median(values: &mut [f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let n = values.len();
    Some(if n % 2 == 1 { values[n / 2] } else { f64::midpoint(values[n / 2 - 1], values[n / 2]) })
}

/// `42%`, or `-` when there is nothing to divide by.
pub fn percent(rate: Option<f64>) -> String {
    rate.map_or_else(|| "-".into(), |r| format!("{:.0}%", r * 100.0))
}

/// `$1,234,567`.
pub fn money(v: i64) -> String {
    let digits = v.abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    format!("{}${out}", if v < 0 { "-" } else { "" })
}

fn offset_seconds(zone: Tz, at: DateTime<Utc>) -> i64 {
    i64::from(zone.offset_from_utc_datetime(&at.naive_utc()).fix().local_minus_utc())
}

/// Builds the review for `period` (counted in `zone`), all reps or one.
pub fn build(
    store: &Store,
    pipeline_config: &PipelineConfig,
    period: Period,
    zone: Tz,
    owner: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Report, StoreError> {
    let _snapshot = store.snapshot()?;
    let owners = store.owners(owner)?;
    let rep_zones: HashMap<String, Tz> = store.reps()?.into_iter().collect();
    let zone_of = |o: &str| rep_zones.get(o).copied().unwrap_or(zone);
    // Each rep's day is their own: touches are counted on the local date they
    // were resolved in their owner's zone. Overdue counts use the offset now.
    let offsets: Vec<(String, i64)> = owners.iter().map(|o| (o.clone(), offset_seconds(zone_of(o), now))).collect();
    store.set_report_offsets(&offsets)?;

    // Reps.
    let mut reps: BTreeMap<String, RepStats> = owners
        .iter()
        .map(|o| {
            let stats = RepStats {
                owner: o.clone(),
                done: 0,
                skipped: 0,
                overdue: 0,
                by_channel: BTreeMap::new(),
                on_time: 0,
                on_time_rate: None,
                activity_14d: vec![0; 14],
            };
            (o.clone(), stats)
        })
        .collect();
    let day = |d: NaiveDate| (d - NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default()).num_days();
    let (from_day, to_day) = (day(period.from), day(period.to));
    for row in store.rep_channel_rows(from_day, to_day, owner)? {
        let Some(r) = reps.get_mut(&row.owner) else { continue };
        r.done += row.done;
        r.skipped += row.skipped;
        r.on_time += row.on_time;
        if row.done > 0 {
            *r.by_channel.entry(row.channel).or_default() += row.done;
        }
    }
    for (o, n) in store.rep_overdue(now, owner)? {
        if let Some(r) = reps.get_mut(&o) {
            r.overdue = n;
        }
    }
    // Each rep's own local days: the last 14 ending with the period's last day.
    for (o, d, n) in store.rep_daily_done(to_day - 13, to_day, owner)? {
        let Some(r) = reps.get_mut(&o) else { continue };
        let index = d - (to_day - 13);
        if (0..14).contains(&index) {
            r.activity_14d[index as usize] += n;
        }
    }
    let reps: Vec<RepStats> = reps
        .into_values()
        .map(|mut r| {
            r.on_time_rate = rate(r.on_time, r.done);
            r
        })
        .collect();

    // Plays and steps.
    let plays_rows = store.plays()?;
    let parsed: HashMap<i64, Play> =
        plays_rows.iter().filter_map(|p| Play::parse(&p.source).ok().map(|play| (p.id, play))).collect();
    let mut plays: BTreeMap<i64, PlayStats> = BTreeMap::new();
    for row in &plays_rows {
        let Some(play) = parsed.get(&row.id) else { continue };
        let steps = play
            .steps
            .iter()
            .map(|s| StepStats {
                step: s.number,
                title: s.title.clone(),
                channel: s.channel.to_string(),
                done: 0,
                replies: 0,
                meetings: 0,
                reply_rate: None,
                meeting_rate: None,
            })
            .collect();
        plays.insert(
            row.id,
            PlayStats {
                play: row.name.clone(),
                version: row.version,
                title: row.title.clone(),
                enrolled: 0,
                active: 0,
                paused: 0,
                completed: 0,
                exited: 0,
                touches_done: 0,
                touches_planned: 0,
                replies: 0,
                meetings: 0,
                median_days_to_reply: None,
                median_days_to_meeting: None,
                steps,
            },
        );
    }
    for c in store.enrollment_counts(owner)? {
        let Some(p) = plays.get_mut(&c.play_id) else { continue };
        p.enrolled += c.count;
        match c.state.as_str() {
            "active" => p.active += c.count,
            "paused" => p.paused += c.count,
            "completed" => p.completed += c.count,
            _ => p.exited += c.count,
        }
    }
    for (id, done, planned) in store.play_touch_totals(owner)? {
        if let Some(p) = plays.get_mut(&id) {
            p.touches_done = done;
            p.touches_planned = planned;
        }
    }
    for (id, step, n) in store.step_done(from_day, to_day, owner)? {
        if let Some(s) = plays.get_mut(&id).and_then(|p| p.steps.iter_mut().find(|s| s.step as i64 == step)) {
            s.done += n;
        }
    }
    for (id, step, action, n) in store.step_responses(period.start, period.end, owner)? {
        let Some(p) = plays.get_mut(&id) else { continue };
        let meeting = action == "meeting";
        if meeting {
            p.meetings += n;
        } else {
            p.replies += n;
        }
        if let Some(s) = p.steps.iter_mut().find(|s| s.step as i64 == step) {
            if meeting {
                s.meetings += n;
            } else {
                s.replies += n;
            }
        }
    }
    let mut to_reply: HashMap<i64, Vec<f64>> = HashMap::new();
    let mut to_meeting: HashMap<i64, Vec<f64>> = HashMap::new();
    for (id, action, first, at) in store.first_responses(period.start, period.end, owner)? {
        let days = (at - first).num_seconds() as f64 / 86_400.0;
        let target = if action == "meeting" { &mut to_meeting } else { &mut to_reply };
        target.entry(id).or_default().push(days);
    }
    let mut plays: Vec<PlayStats> = plays
        .into_iter()
        .map(|(id, mut p)| {
            p.median_days_to_reply = to_reply.get_mut(&id).and_then(|v| median(v));
            p.median_days_to_meeting = to_meeting.get_mut(&id).and_then(|v| median(v));
            for s in &mut p.steps {
                s.reply_rate = rate(s.replies, s.done);
                s.meeting_rate = rate(s.meetings, s.done);
            }
            p
        })
        .collect();
    plays.sort_by(|a, b| a.play.cmp(&b.play).then(a.version.cmp(&b.version)));

    // Accounts: stalled when silent longer than the play allows.
    let mut stalled: Vec<(i64, crate::store::EnrollmentActivity)> = Vec::new();
    let activity = store.active_enrollment_activity(owner)?;
    let active_plays = activity.len() as i64;
    for e in activity {
        let max_gap = parsed.get(&e.play_id).map_or(crate::play::DEFAULT_MAX_GAP_DAYS, |p| p.max_gap_days);
        let silent = (now - e.last).num_days();
        if silent > i64::from(max_gap) {
            stalled.push((silent, e));
        }
    }
    let stalled_count = stalled.len() as i64;
    stalled.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.enrollment_id.cmp(&b.1.enrollment_id)));
    let mut attention = Vec::new();
    for (silent, e) in stalled.into_iter().take(ATTENTION) {
        let p = store.enrollment_progress(
            e.enrollment_id,
            now,
            Period::days(now.with_timezone(&zone).date_naive(), now.with_timezone(&zone).date_naive(), zone).start,
        )?;
        attention.push(AccountProgress {
            account_id: e.account_id,
            name: p.account_name,
            owner: p.owner,
            play: parsed.get(&e.play_id).map_or_else(String::new, Play::label),
            done: p.done,
            planned: p.planned,
            overdue: p.overdue,
            last_touch: p.last_touch,
            next_touch: p.next_touch,
            stalled: true,
            days_since_touch: silent,
        });
    }

    // Funnel by segment.
    let mut industry: BTreeMap<String, FunnelRow> = BTreeMap::new();
    let mut region: BTreeMap<String, FunnelRow> = BTreeMap::new();
    let mut total = FunnelRow { segment: "all".into(), worked: 0, replied: 0, meetings: 0 };
    for (ind, reg, worked, replied, met) in
        store.funnel_rows((period.start, period.end), (from_day, to_day), owner, period.end >= now)?
    {
        for (map, key) in [(&mut industry, ind), (&mut region, reg)] {
            let key = key.unwrap_or_else(|| "(none)".into());
            let row = map.entry(key.clone()).or_insert(FunnelRow { segment: key, worked: 0, replied: 0, meetings: 0 });
            row.worked += worked;
            row.replied += replied;
            row.meetings += met;
        }
        total.worked += worked;
        total.replied += replied;
        total.meetings += met;
    }

    // The quota splits the team's goal over the whole team, one rep picked
    // or not: a rep's share is the same whoever is looking.
    let team = if owner.is_some() { store.owners(None)?.len() } else { owners.len() };
    let pipeline = pipeline::pipeline(pipeline_config, &store.open_opportunities(owner)?, team as i64);
    Ok(Report {
        period,
        zone: zone.name().to_string(),
        owner: owner.map(str::to_string),
        reps,
        plays,
        accounts: Accounts { active_plays, stalled: stalled_count, attention },
        funnel: Funnel {
            total,
            by_industry: industry.into_values().collect(),
            by_region: region.into_values().collect(),
        },
        pipeline,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_parse() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).expect("date");
        let p = Period::parse("7d", today, chrono_tz::Europe::Berlin).expect("7d");
        assert_eq!((p.from.to_string(), p.to.to_string()), ("2026-11-17".into(), "2026-11-23".into()));
        assert_eq!(p.start.to_rfc3339(), "2026-11-16T23:00:00+00:00");
        let r = Period::parse("2026-11-01..2026-11-05", today, chrono_tz::UTC).expect("range");
        assert_eq!((r.end - r.start).num_days(), 5);
        assert!(Period::parse("lately", today, chrono_tz::UTC).is_err());
        assert!(Period::parse("2026-11-05..2026-11-01", today, chrono_tz::UTC).is_err());
    }

    #[test]
    fn median_of_odd_and_even_counts() {
        assert_eq!(median(&mut [3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&mut [4.0, 1.0, 2.0, 3.0]), Some(2.5));
        assert_eq!(median(&mut []), None);
    }
}
