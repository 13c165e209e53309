//! The manager's review: plays, per-step reply and meeting rates, reps with
//! their channels and 14-day activity, funnel by segment, pipeline, and the
//! accounts that stalled. Everything comes from one `Report`.

use super::fit;
use crate::report::{money, percent, FunnelRow, Report};
use crate::tui::keymap::Command;
use crate::tui::model::{Model, PeriodChoice};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Bar, BarChart, BarGroup, Block, LineGauge, Paragraph, Row, Sparkline, Table, TableState};
use ratatui::Frame;

/// `950`, `12.3k`, `189k`, `1.2M`: counts that fit a narrow column.
pub(super) fn compact(n: i64) -> String {
    let x = n as f64;
    match n.abs() {
        0..10_000 => n.to_string(),
        10_000..100_000 => format!("{:.1}k", x / 1e3),
        100_000..1_000_000 => format!("{:.0}k", x / 1e3),
        _ => format!("{:.1}M", x / 1e6),
    }
}

fn header() -> Style {
    Style::new().add_modifier(Modifier::BOLD).fg(Color::Gray)
}

pub fn render(model: &Model, frame: &mut Frame<'_>, area: Rect) {
    let m = &model.manager;
    let editing = m.editing.is_some();
    let [head, body, edit] =
        Layout::vertical([Constraint::Length(1), Constraint::Min(3), Constraint::Length(u16::from(editing))])
            .areas(area);
    if let Some(text) = &m.editing {
        let line = Line::from(vec![
            Span::styled(" Period FROM..TO (YYYY-MM-DD), Enter to apply: ", Style::new().fg(Color::Cyan)),
            Span::raw(fit(&format!("{text}_"), 40)),
        ]);
        frame.render_widget(Paragraph::new(line), edit);
    }
    let Some(report) = m.report.as_deref() else {
        let text = if m.loaded { "Nothing to review." } else { "Building the review…" };
        frame.render_widget(Paragraph::new(text).block(Block::bordered().title(" Manager ")), body);
        return;
    };
    frame.render_widget(Paragraph::new(head_line(model, report)), head);

    let [left, right] = Layout::horizontal([Constraint::Percentage(58), Constraint::Percentage(42)]).areas(body);
    let plays_height = (report.plays.len() as u16 + 3).min(8);
    let [plays, steps, funnel] =
        Layout::vertical([Constraint::Length(plays_height), Constraint::Length(11), Constraint::Min(4)]).areas(left);
    plays_table(model, report, frame, plays);
    step_chart(model, report, frame, steps);
    funnel_tables(report, frame, funnel);

    let [reps, rep, pipe, stalled] = right_column(report, right);
    reps_table(model, report, frame, reps);
    rep_charts(model, report, frame, rep);
    pipeline(report, frame, pipe);
    stalled_accounts(report, frame, stalled);
}

/// The right column: reps, the picked rep's charts, pipeline, stalled plays.
fn right_column(report: &Report, right: Rect) -> [Rect; 4] {
    let reps_height = (report.reps.len() as u16 + 3).clamp(4, 9);
    Layout::vertical([
        Constraint::Length(reps_height),
        Constraint::Length(8),
        Constraint::Length(5),
        Constraint::Min(3),
    ])
    .areas(right)
}

/// The rep row drawn at screen (`x`, `y`) on a terminal `screen` big: what
/// a click there picks.
pub fn rep_at(model: &Model, screen: Rect, x: u16, y: u16) -> Option<usize> {
    let report = model.manager.report.as_deref()?;
    // The top bar, the head line, then the body (the status bar below).
    let body = Rect {
        y: screen.y + 2,
        height: screen.height.saturating_sub(3 + u16::from(model.manager.editing.is_some())),
        ..screen
    };
    let [_, right] = Layout::horizontal([Constraint::Percentage(58), Constraint::Percentage(42)]).areas(body);
    let [reps, ..] = right_column(report, right);
    if x < reps.x || x >= reps.x + reps.width {
        return None;
    }
    // A border and the header line, then one row per rep.
    let first = reps.y + 2;
    let visible = usize::from(reps.height.saturating_sub(3));
    let row = usize::from(y.checked_sub(first)?);
    let offset = (model.manager.rep + 1).saturating_sub(visible);
    (row < visible).then_some(offset + row).filter(|i| *i < report.reps.len())
}

fn head_line<'a>(model: &Model, report: &Report) -> Line<'a> {
    let m = &model.manager;
    let who = m.owner.as_deref().unwrap_or("all reps");
    let key = |c: Command| Span::styled(model.keymap.label(c), Style::new().fg(Color::Cyan));
    Line::from(vec![
        Span::styled(
            match m.period {
                PeriodChoice::Custom(_) => format!(" {} – {} · {who} ", report.period.from, report.period.to),
                _ => format!(" {} · {} – {} · {who} ", m.period.spec(), report.period.from, report.period.to),
            },
            Style::new().add_modifier(Modifier::BOLD),
        ),
        Span::raw("  "),
        key(Command::Period),
        Span::raw(" period  "),
        key(Command::CustomPeriod),
        Span::raw(" custom  "),
        key(Command::Owner),
        Span::raw(" rep  "),
        key(Command::NextPlay),
        Span::raw(" play"),
    ])
}

fn plays_table(model: &Model, report: &Report, frame: &mut Frame<'_>, area: Rect) {
    // The enrollment states give way first on a narrow terminal.
    let states = area.width >= 58;
    let rows = report.plays.iter().enumerate().map(|(i, p)| {
        let style = if i == model.manager.play { Style::new().fg(Color::Cyan) } else { Style::new() };
        let mut cells = vec![fit(&format!("{} v{}", p.play, p.version), 40), compact(p.enrolled)];
        if states {
            let states = [p.active, p.paused, p.completed, p.exited].map(compact);
            cells.push(states.join("/"));
        }
        cells.extend([
            format!("{}/{}", compact(p.touches_done), compact(p.touches_planned)),
            compact(p.replies),
            compact(p.meetings),
        ]);
        Row::new(cells).style(style)
    });
    let mut widths = vec![Constraint::Min(12), Constraint::Length(5)];
    let mut titles = vec!["Play", "Enr"];
    if states {
        widths.push(Constraint::Length(15));
        titles.push("Act/Pau/Cm/X");
    }
    widths.extend([Constraint::Length(11), Constraint::Length(4), Constraint::Length(4)]);
    titles.extend(["Done/plan", "Repl", "Mtg"]);
    let table =
        Table::new(rows, widths).header(Row::new(titles).style(header())).block(Block::bordered().title(" Plays "));
    frame.render_widget(table, area);
}

fn step_chart(model: &Model, report: &Report, frame: &mut Frame<'_>, area: Rect) {
    let Some(play) = report.plays.get(model.manager.play) else {
        frame.render_widget(Paragraph::new("No plays installed.").block(Block::bordered()), area);
        return;
    };
    let days = |d: Option<f64>| d.map_or_else(|| "-".into(), |d| format!("{d:.1} d"));
    let title = Line::from(vec![
        Span::raw(fit(&format!(" {} v{}: ", play.play, play.version), 40)),
        Span::styled("reply", Style::new().fg(Color::Cyan)),
        Span::raw(" / "),
        Span::styled("meeting", Style::new().fg(Color::Green)),
        Span::raw(" % by step "),
    ]);
    let medians = format!(
        " median to reply {} · to meeting {} ",
        days(play.median_days_to_reply),
        days(play.median_days_to_meeting)
    );
    // Heights in tenths of a percent, so 2% and 1% look different; the
    // label is the whole percent.
    let permille = |r: Option<f64>| (r.unwrap_or(0.0) * 1000.0).round() as u64;
    let whole_percent = |r: Option<f64>| (r.unwrap_or(0.0) * 100.0).round() as u64;
    let groups: Vec<BarGroup<'_>> = play
        .steps
        .iter()
        .map(|s| {
            let reply = Bar::default()
                .value(permille(s.reply_rate))
                .text_value(whole_percent(s.reply_rate).to_string())
                .style(Style::new().fg(Color::Cyan))
                .value_style(Style::new().fg(Color::Black).bg(Color::Cyan));
            let meeting = Bar::default()
                .value(permille(s.meeting_rate))
                .text_value(whole_percent(s.meeting_rate).to_string())
                .style(Style::new().fg(Color::Green))
                .value_style(Style::new().fg(Color::Black).bg(Color::Green));
            let short: String = s.channel.chars().take(1).collect();
            BarGroup::default().label(Line::from(format!("{}{short}", s.step))).bars(&[reply, meeting])
        })
        .collect();
    let max = play.steps.iter().map(|s| permille(s.reply_rate).max(permille(s.meeting_rate))).max().unwrap_or(0).max(1);
    let mut chart = BarChart::default()
        .block(Block::bordered().title(title).title_bottom(medians))
        .bar_width(2)
        .bar_gap(0)
        .group_gap(1);
    for g in groups {
        chart = chart.data(g);
    }
    frame.render_widget(chart.max(max), area);
}

fn funnel_tables(report: &Report, frame: &mut Frame<'_>, area: Rect) {
    let block = Block::bordered().title(format!(
        " Funnel: worked {} → replied {} → meeting {} ",
        report.funnel.total.worked, report.funnel.total.replied, report.funnel.total.meetings
    ));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let [a, b] = Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).spacing(1).areas(inner);
    for (rows, title, area) in [(&report.funnel.by_region, "Region", a), (&report.funnel.by_industry, "Industry", b)] {
        // The name column is what is left of the table after the figures
        // and the gaps: cut there, with an ellipsis.
        let name = (area.width as usize).saturating_sub(6 + 5 + 4 + 3).max(1);
        let shown = rows.iter().map(move |r: &FunnelRow| {
            Row::new(vec![fit(&r.segment, name), compact(r.worked), compact(r.replied), compact(r.meetings)])
        });
        let widths = [Constraint::Fill(1), Constraint::Length(6), Constraint::Length(5), Constraint::Length(4)];
        let table = Table::new(shown, widths).header(Row::new(vec![title, "Work", "Repl", "Mtg"]).style(header()));
        frame.render_widget(table, area);
    }
}

fn reps_table(model: &Model, report: &Report, frame: &mut Frame<'_>, area: Rect) {
    let rows = report.reps.iter().map(|r| {
        Row::new(vec![
            fit(&r.owner, 40),
            compact(r.done),
            compact(r.skipped),
            compact(r.overdue),
            percent(r.on_time_rate),
        ])
    });
    let widths = [
        Constraint::Fill(1),
        Constraint::Length(6),
        Constraint::Length(5),
        Constraint::Length(5),
        Constraint::Length(7),
    ];
    let table = Table::new(rows, widths)
        .header(Row::new(vec!["Rep", "Done", "Skip", "Ovrd", "On time"]).style(header()))
        .row_highlight_style(Style::new().fg(Color::Black).bg(Color::Cyan))
        .block(Block::bordered().title(" Reps "));
    let mut state = TableState::default().with_selected(Some(model.manager.rep));
    frame.render_stateful_widget(table, area, &mut state);
}

fn rep_charts(model: &Model, report: &Report, frame: &mut Frame<'_>, area: Rect) {
    let Some(rep) = report.reps.get(model.manager.rep) else {
        frame.render_widget(Block::bordered().title(" Rep "), area);
        return;
    };
    let block = Block::bordered().title(format!(" {} ", fit(&rep.owner, 24)));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let [channels, activity] = Layout::horizontal([Constraint::Min(20), Constraint::Length(16)]).areas(inner);
    let bars: Vec<Bar<'_>> = rep
        .by_channel
        .iter()
        .map(|(channel, n)| Bar::default().value(u64::try_from(*n).unwrap_or(0)).label(Line::from(channel.clone())))
        .collect();
    // One row per channel, its whole name beside its bar.
    let chart = BarChart::default()
        .direction(ratatui::layout::Direction::Horizontal)
        .data(BarGroup::default().bars(&bars))
        .bar_width(1)
        .bar_gap(0)
        .bar_style(Style::new().fg(Color::Cyan))
        .value_style(Style::new().fg(Color::Black).bg(Color::Cyan));
    frame.render_widget(chart, channels);
    let [label, spark] = Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(activity);
    let total: i64 = rep.activity_14d.iter().sum();
    frame.render_widget(Paragraph::new(format!(" 14 days: {total}")), label);
    let data: Vec<u64> = rep.activity_14d.iter().map(|n| u64::try_from(*n).unwrap_or(0)).collect();
    let chart = Sparkline::default().data(&data).style(Style::new().fg(Color::Green));
    frame.render_widget(chart, spark_area(spark));
}

/// The sparkline sits one column in, matching the label above it.
fn spark_area(area: Rect) -> Rect {
    Rect { x: area.x + 1, width: area.width.saturating_sub(1).min(14), ..area }
}

fn pipeline(report: &Report, frame: &mut Frame<'_>, area: Rect) {
    let p = &report.pipeline;
    let opportunities = p.quota_opportunities_per_rep.map_or_else(|| "-".into(), |n| n.to_string());
    let lines = vec![
        Line::from(format!(
            " Open {} · {}",
            money(p.open_value),
            crate::text::count(usize::try_from(p.open_accounts).unwrap_or(0), "account", "accounts")
        )),
        Line::from(format!(" Expected {} by value band", money(p.expected_value))),
        Line::from(format!(" Quota/rep {} ≈ {opportunities} opps", money(p.quota_mrr_per_rep))),
    ];
    frame.render_widget(Paragraph::new(lines).block(Block::bordered().title(" Pipeline ")), area);
}

fn stalled_accounts(report: &Report, frame: &mut Frame<'_>, area: Rect) {
    let a = &report.accounts;
    let plays = crate::text::count(usize::try_from(a.active_plays).unwrap_or(0), "active play", "active plays");
    let block = Block::bordered().title(format!(" Stalled {} of {plays} ", a.stalled));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if a.attention.is_empty() {
        frame.render_widget(Paragraph::new(" Every active play moved within its maximum gap."), inner);
        return;
    }
    for (i, acc) in a.attention.iter().take(inner.height as usize).enumerate() {
        let line = Rect { y: inner.y + i as u16, height: 1, ..inner };
        let [name, gauge, tail] =
            Layout::horizontal([Constraint::Fill(1), Constraint::Length(12), Constraint::Length(12)]).areas(line);
        frame.render_widget(
            Paragraph::new(format!(" {}", fit(&acc.name, (name.width as usize).saturating_sub(1)))),
            name,
        );
        let ratio = if acc.planned > 0 { acc.done as f64 / acc.planned as f64 } else { 0.0 };
        let gauge_widget = LineGauge::default()
            .ratio(ratio.clamp(0.0, 1.0))
            .label(format!("{}/{}", acc.done, acc.planned))
            .filled_style(Style::new().fg(Color::Cyan))
            .unfilled_style(Style::new().fg(Color::DarkGray));
        frame.render_widget(gauge_widget, gauge);
        let text = format!(" {}d·{} ovd", acc.days_since_touch, acc.overdue);
        frame.render_widget(Paragraph::new(text).style(Style::new().fg(Color::Yellow)), tail);
    }
}

#[cfg(test)]
mod tests {
    use super::compact;

    #[test]
    fn counts_shrink_to_fit() {
        assert_eq!(compact(9_999), "9999");
        assert_eq!(compact(12_345), "12.3k");
        assert_eq!(compact(188_994), "189k");
        assert_eq!(compact(2_230_390), "2.2M");
    }
}
