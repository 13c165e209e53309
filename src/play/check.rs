//! `plays check`: rule problems of a play, named per step.

use super::Play;
use crate::cadence::window::Weekdays;
use crate::cadence::Policy;
use crate::domain::{Role, Tier};
use chrono::Weekday;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

/// One problem, pointing at a step's line where it has one.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Finding {
    pub line: usize,
    pub severity: Severity,
    pub message: String,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "line {}: {level}: {}", self.line, self.message)
    }
}

fn plural(tier: Tier) -> &'static str {
    match tier {
        Tier::Executive => "executives",
        Tier::Director => "directors",
        Tier::Practitioner => "practitioners",
    }
}

/// A number of days, singular or plural.
fn days(n: impl TryInto<usize>) -> String {
    crate::text::count(n.try_into().unwrap_or(0), "day", "days")
}

/// Every rule problem of a play, errors first, each once.
pub fn check(play: &Play, policy: &Policy) -> Vec<Finding> {
    let mut found: BTreeSet<(Severity, usize, String)> = BTreeSet::new();
    // (line, message with `{tiers}`) -> tiers it applies to, so one problem
    // shared by several tiers is reported once.
    let mut per_tier: BTreeMap<(usize, String), Vec<Tier>> = BTreeMap::new();
    let mut tier_error = |line: usize, message: String, tier: Tier| {
        let tiers = per_tier.entry((line, message)).or_default();
        if !tiers.contains(&tier) {
            tiers.push(tier);
        }
    };

    for tier in Tier::ALL.iter().copied() {
        for role in Role::ALL.iter().copied() {
            let mut prev: Option<(usize, u32)> = None;
            for step in play.thread(tier, role) {
                let t = &step.timing;
                // Whole days count; a delay of hours stays on the same day.
                let after_days = t.after.map_or(0, |d| u32::try_from(d.num_days().max(0)).unwrap_or(u32::MAX));
                let day = match (t.day, prev) {
                    (Some(day), _) => day,
                    (None, Some((_, p))) => p.saturating_add(after_days),
                    (None, None) => after_days,
                };
                match prev {
                    Some((p_step, p_day)) if day < p_day => {
                        tier_error(
                            step.line,
                            format!(
                                "step {}: day {day} comes before step {p_step} (day {p_day}) for {{tiers}}",
                                step.number
                            ),
                            tier,
                        );
                    }
                    Some((p_step, p_day)) if day - p_day > play.max_gap_days => {
                        tier_error(
                            step.line,
                            format!(
                                "step {}: {} after step {p_step} for {{tiers}}; a gap over max_gap_days ({}) brings nothing",
                                step.number,
                                days(day - p_day),
                                play.max_gap_days
                            ),
                            tier,
                        );
                    }
                    None if t.within.is_some() => {
                        tier_error(
                            step.line,
                            format!("step {}: a same-day follow-up, but the first step {{tiers}} receive", step.number),
                            tier,
                        );
                    }
                    _ => {}
                }
                prev = Some((step.number, day));
            }
        }
    }

    for ((line, message), tiers) in per_tier {
        let names: Vec<&str> = tiers.into_iter().map(plural).collect();
        found.insert((Severity::Error, line, message.replace("{tiers}", &names.join(" and "))));
    }
    for step in &play.steps {
        for tier in step.tiers.iter().copied() {
            let (persona, _) = policy.persona(tier, step.channel, policy.office.days);
            if crate::cadence::window_for_step(persona, step).is_none() {
                let t = &step.timing;
                let pinned = if tier.keeps_office_hours() && t.weekdays.intersect(persona.days).is_empty() {
                    format!("pinned to {}, but {} do not read work mail then", t.weekdays, plural(tier))
                } else {
                    format!("its days and hours never meet {tier} hours ({persona})")
                };
                found.insert((Severity::Error, step.line, format!("step {}: {pinned}", step.number)));
            } else {
                for message in overridden(play, step, tier, persona, policy) {
                    found.insert((Severity::Warning, step.line, message));
                }
            }
        }
    }

    // Two steps a player gets on one day of the play, with their own times
    // closer than the spacing: the later one is always pushed.
    for tier in Tier::ALL.iter().copied() {
        let timed: Vec<&super::Step> = play
            .steps
            .iter()
            .filter(|s| s.tiers.contains(&tier) && s.timing.day.is_some() && s.timing.at.is_some())
            .collect();
        for (i, a) in timed.iter().enumerate() {
            for b in &timed[i + 1..] {
                let (Some(ta), Some(tb)) = (a.timing.at, b.timing.at) else { continue };
                if a.timing.day == b.timing.day && (tb - ta).abs() < play.min_spacing {
                    found.insert((
                        Severity::Warning,
                        b.line,
                        format!(
                            "step {}: at {} on the same day as step {} at {}, closer than the play's spacing of {} for {}; it is pushed later",
                            b.number,
                            tb.format("%H:%M"),
                            a.number,
                            ta.format("%H:%M"),
                            super::human_duration(play.min_spacing),
                            plural(tier)
                        ),
                    ));
                }
            }
        }
    }

    let longest_break = longest_break(policy.office.days);
    let office_tiers = play.steps.iter().any(|s| s.tiers.iter().any(|t| t.keeps_office_hours()));
    if office_tiers && i64::from(play.max_gap_days) <= longest_break {
        found.insert((
            Severity::Error,
            1,
            format!(
                "max_gap_days = {} cannot hold across {} off in a row for directors and practitioners",
                play.max_gap_days,
                days(longest_break)
            ),
        ));
    }

    let mut warn = |message: String| found.insert((Severity::Warning, 1, message));
    let touches = play.steps.len();
    if touches < 7 {
        warn(format!("{}; persistence wins at 7 to 12", crate::text::count(touches, "touch", "touches")));
    } else if touches > 12 {
        warn(format!("{touches} touches; more than 12 rarely adds replies"));
    }
    let channels: BTreeSet<_> = play.steps.iter().map(|s| s.channel).collect();
    if channels.len() == 1 {
        let only = channels.iter().next().map_or("one", |c| c.as_str());
        warn(format!("every step is {only}; variety beats volume, mix channels"));
    }
    for tier in Tier::ALL {
        let reached = play.steps.iter().any(|s| s.tiers.contains(tier));
        if reached && Role::ALL.iter().all(|r| play.thread(*tier, *r).count() == 0) {
            warn(format!("no step reaches every buying role of {}", plural(*tier)));
        }
    }

    found.into_iter().map(|(severity, line, message)| Finding { line, severity, message }).collect()
}

/// What of a step's own timing the cadence rules will always override for
/// a tier, each said once: hours outside the persona's window, weekdays it
/// never works, a delay or a deadline inside the play's minimum spacing.
fn overridden(
    play: &Play,
    step: &super::Step,
    tier: Tier,
    persona: crate::cadence::window::DailyWindow,
    policy: &Policy,
) -> Vec<String> {
    let t = &step.timing;
    let n = step.number;
    let hm = |time: chrono::NaiveTime| time.format("%H:%M").to_string();
    let mut out = Vec::new();
    let last_due = persona.end - policy.margin;
    if let Some(at) = t.at {
        if at < persona.start {
            out.push(format!(
                "step {n}: at {} is before {tier} hours ({persona}); it is due at {} instead",
                hm(at),
                hm(persona.start)
            ));
        } else if at > last_due && t.until.is_none() {
            out.push(format!(
                "step {n}: at {} is in the last {} of {tier} hours ({persona}); it moves to the next day",
                hm(at),
                super::human_duration(policy.margin)
            ));
        }
    }
    if let Some(until) = t.until {
        if until > persona.end {
            out.push(format!(
                "step {n}: until {} is after {tier} hours end ({persona}); it ends at {}",
                hm(until),
                hm(persona.end)
            ));
        }
    }
    let dropped = Weekdays::ALL.intersect(t.weekdays);
    if dropped != Weekdays::ALL && dropped.intersect(persona.days) != dropped {
        out.push(format!(
            "step {n}: some of its days ({}) are outside {tier} days ({}); those are skipped",
            t.weekdays, persona.days
        ));
    }
    if let Some(after) = t.after.filter(|a| t.day.is_none() && *a > chrono::Duration::zero() && *a < play.min_spacing) {
        out.push(format!(
            "step {n}: after {} is closer than the play's spacing of {}; it is due {} after instead",
            super::human_duration(after),
            super::human_duration(play.min_spacing),
            super::human_duration(play.min_spacing)
        ));
    }
    if let (Some(within), Some(after)) = (t.within, t.after) {
        if after >= within {
            out.push(format!(
                "step {n}: due {} after the previous touch but within {} of it; its deadline can never be met",
                super::human_duration(after),
                super::human_duration(within)
            ));
        }
    }
    if let Some(within) = t.within.filter(|w| *w < play.min_spacing) {
        out.push(format!(
            "step {n}: within {} is shorter than the play's spacing of {}; its deadline can never be met",
            super::human_duration(within),
            super::human_duration(play.min_spacing)
        ));
    }
    out
}

/// The longest run of consecutive non-working days in a week.
fn longest_break(days: Weekdays) -> i64 {
    let off: Vec<bool> = (0..14).map(|i| !days.contains(Weekday::try_from(i % 7).unwrap_or(Weekday::Mon))).collect();
    let mut best = 0;
    let mut run = 0;
    for is_off in off {
        run = if is_off { run + 1 } else { 0 };
        best = best.max(run);
    }
    best.min(7)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn play_with(steps: &str) -> Play {
        Play::parse(&format!("name = \"t\"\nversion = 1\ntitle = \"T\"\n{steps}")).expect("parses")
    }

    fn errors(play: &Play) -> Vec<Finding> {
        check(play, &Policy::default()).into_iter().filter(|f| f.severity == Severity::Error).collect()
    }

    #[test]
    fn builtin_plays_pass_without_errors() {
        for (file, source) in super::super::BUILTIN {
            let play = Play::parse(source).expect("parses");
            assert_eq!(check(&play, &Policy::default()), vec![], "{file}");
        }
    }

    #[test]
    fn long_gap_is_an_error_on_the_later_step() {
        let play = play_with(
            "[[step]]\ntitle = \"a\"\nchannel = \"email\"\nday = 0\nbody = \"x\"\n\n[[step]]\ntitle = \"b\"\nchannel = \"call\"\nday = 7\nbody = \"y\"\n",
        );
        let found = errors(&play);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].line, 10);
        assert!(found[0].message.starts_with("step 2: 7 days after step 1"), "{}", found[0]);
    }

    #[test]
    fn practitioner_step_pinned_to_weekend_is_an_error() {
        let play = play_with(
            "[[step]]\ntitle = \"a\"\nchannel = \"email\"\ntiers = [\"practitioner\"]\nweekdays = [\"sat\", \"sun\"]\nbody = \"x\"\n",
        );
        let found = errors(&play);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].message.contains("pinned to Sat,Sun"), "{}", found[0]);
        let exec = play_with("[[step]]\ntitle = \"a\"\nchannel = \"email\"\ntiers = [\"executive\"]\nweekdays = [\"sat\"]\nbody = \"x\"\n");
        assert_eq!(errors(&exec), vec![], "executives may get weekend email");
    }

    #[test]
    fn short_single_channel_play_gets_warnings_not_errors() {
        let play = play_with("[[step]]\ntitle = \"a\"\nchannel = \"email\"\nbody = \"x\"\n");
        let found = check(&play, &Policy::default());
        assert!(found.iter().all(|f| f.severity == Severity::Warning), "{found:?}");
        assert!(found.iter().any(|f| f.message.starts_with("1 touch;")), "{found:?}");
        assert!(found.iter().any(|f| f.message.contains("every step is email")));
    }
}
