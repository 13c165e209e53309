//! `playbook report`: the manager's review as a table, JSON, CSV or markdown.

use super::output::{csv, table};
use crate::report::Report;
use crate::report::{money, percent};
use anyhow::Result;
use clap::ValueEnum;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    Table,
    Json,
    Csv,
    Md,
}

fn days(d: Option<f64>) -> String {
    d.map_or_else(|| "-".into(), |d| format!("{d:.1}"))
}

/// `▁▂▅█` from counts.
pub fn sparkline(values: &[i64]) -> String {
    const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    let max = values.iter().copied().max().unwrap_or(0);
    values
        .iter()
        .map(|v| if *v <= 0 || max == 0 { ' ' } else { BARS[((v * 7 + max / 2) / max).clamp(0, 7) as usize] })
        .collect()
}

struct Section {
    title: String,
    headers: Vec<&'static str>,
    rows: Vec<Vec<String>>,
}

fn sections(r: &Report) -> Vec<Section> {
    let mut out = Vec::new();
    out.push(Section {
        title: "Reps".into(),
        headers: vec!["rep", "done", "skipped", "overdue", "on time", "by channel", "last 14 days"],
        rows: r
            .reps
            .iter()
            .map(|x| {
                vec![
                    x.owner.clone(),
                    x.done.to_string(),
                    x.skipped.to_string(),
                    x.overdue.to_string(),
                    percent(x.on_time_rate),
                    x.by_channel.iter().map(|(c, n)| format!("{c} {n}")).collect::<Vec<_>>().join(", "),
                    sparkline(&x.activity_14d),
                ]
            })
            .collect(),
    });
    out.push(Section {
        title: "Plays".into(),
        headers: vec![
            "play",
            "enrolled",
            "active",
            "paused",
            "completed",
            "touches",
            "replies",
            "meetings",
            "days to reply",
            "days to meeting",
        ],
        rows: r
            .plays
            .iter()
            .map(|p| {
                vec![
                    format!("{} v{}", p.play, p.version),
                    p.enrolled.to_string(),
                    p.active.to_string(),
                    p.paused.to_string(),
                    p.completed.to_string(),
                    format!("{}/{}", p.touches_done, p.touches_planned),
                    p.replies.to_string(),
                    p.meetings.to_string(),
                    days(p.median_days_to_reply),
                    days(p.median_days_to_meeting),
                ]
            })
            .collect(),
    });
    for p in r.plays.iter().filter(|p| p.enrolled > 0) {
        out.push(Section {
            title: format!("Steps of {} v{}", p.play, p.version),
            headers: vec!["step", "channel", "title", "done", "replies", "reply rate", "meetings", "meeting rate"],
            rows: p
                .steps
                .iter()
                .map(|s| {
                    vec![
                        s.step.to_string(),
                        s.channel.clone(),
                        s.title.clone(),
                        s.done.to_string(),
                        s.replies.to_string(),
                        percent(s.reply_rate),
                        s.meetings.to_string(),
                        percent(s.meeting_rate),
                    ]
                })
                .collect(),
        });
    }
    out.push(Section {
        title: format!(
            "Stalled accounts ({} of {})",
            r.accounts.stalled,
            crate::text::count(usize::try_from(r.accounts.active_plays).unwrap_or(0), "active play", "active plays")
        ),
        headers: vec!["account", "owner", "play", "progress", "overdue", "silent days", "last touch", "next touch"],
        rows: r
            .accounts
            .attention
            .iter()
            .map(|a| {
                vec![
                    a.name.clone(),
                    a.owner.clone(),
                    a.play.clone(),
                    format!("{}/{}", a.done, a.planned),
                    a.overdue.to_string(),
                    a.days_since_touch.to_string(),
                    a.last_touch.map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_default(),
                    a.next_touch.map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_default(),
                ]
            })
            .collect(),
    });
    for (title, rows) in [("Funnel by industry", &r.funnel.by_industry), ("Funnel by region", &r.funnel.by_region)] {
        let mut all: Vec<&crate::report::FunnelRow> = rows.iter().collect();
        all.push(&r.funnel.total);
        out.push(Section {
            title: title.into(),
            headers: vec!["segment", "worked", "replied", "meeting", "reply rate", "meeting rate"],
            rows: all
                .iter()
                .map(|f| {
                    vec![
                        f.segment.clone(),
                        f.worked.to_string(),
                        f.replied.to_string(),
                        f.meetings.to_string(),
                        percent((f.worked > 0).then(|| f.replied as f64 / f.worked as f64)),
                        percent((f.worked > 0).then(|| f.meetings as f64 / f.worked as f64)),
                    ]
                })
                .collect(),
        });
    }
    let p = &r.pipeline;
    out.push(Section {
        title: "Pipeline".into(),
        headers: vec!["figure", "value"],
        rows: vec![
            vec!["open opportunities".into(), p.open_accounts.to_string()],
            vec!["open value (per year)".into(), money(p.open_value)],
            vec!["expected value (value x band close rate)".into(), money(p.expected_value)],
            vec!["ARR goal".into(), money(p.arr_goal)],
            vec!["reps".into(), p.reps.to_string()],
            vec!["close rate".into(), percent(Some(p.close_rate))],
            vec!["MRR each rep must source (goal / (12 x reps x close rate))".into(), money(p.quota_mrr_per_rep)],
            vec![
                "opportunities per rep at the average open MRR".into(),
                p.quota_opportunities_per_rep.map_or_else(|| "-".into(), |n| n.to_string()),
            ],
        ],
    });
    out
}

pub fn render(report: &Report, format: ReportFormat) -> Result<String> {
    let who = report.owner.as_deref().unwrap_or("all reps");
    let heading = format!("Review {} to {} ({}, {who})", report.period.from, report.period.to, report.zone);
    match format {
        ReportFormat::Json => super::output::json(report),
        ReportFormat::Csv => {
            let mut rows = Vec::new();
            for s in sections(report) {
                for row in &s.rows {
                    for (h, v) in s.headers.iter().zip(row).skip(1) {
                        rows.push(vec![s.title.clone(), row[0].clone(), (*h).to_string(), v.clone()]);
                    }
                }
            }
            Ok(csv(&["section", "name", "figure", "value"], &rows))
        }
        ReportFormat::Table => {
            let mut out = vec![heading];
            for s in sections(report) {
                out.push(String::new());
                out.push(s.title);
                out.push(table(&s.headers, &s.rows));
            }
            Ok(out.join("\n"))
        }
        ReportFormat::Md => {
            let mut out = vec![format!("## {heading}")];
            for s in sections(report) {
                out.push(String::new());
                out.push(format!("### {}", s.title));
                out.push(String::new());
                let esc = |c: &str| crate::text::one_line(c).replace('|', "\\|");
                out.push(format!("| {} |", s.headers.join(" | ")));
                out.push(format!("|{}", " --- |".repeat(s.headers.len())));
                for row in &s.rows {
                    out.push(format!("| {} |", row.iter().map(|c| esc(c)).collect::<Vec<_>>().join(" | ")));
                }
            }
            Ok(out.join("\n"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sparkline_scales_to_the_busiest_day() {
        assert_eq!(sparkline(&[0, 1, 2, 4]), " ▃▅█");
        assert_eq!(sparkline(&[0, 0]), "  ");
        assert_eq!(money(1_234_567), "$1,234,567");
    }
}
