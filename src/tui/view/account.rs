//! One account: score term by term, why-now triggers, opportunity value,
//! players with their local time now, the play as a timeline, activity.

use super::accounts::gauge;
use super::queue::tier_short;
use crate::domain::TouchState;
use crate::tui::model::Model;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};
use ratatui::Frame;

fn state_style(state: TouchState) -> Style {
    match state {
        TouchState::Done => Style::new().fg(Color::Green),
        TouchState::Due | TouchState::Snoozed => Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD),
        TouchState::Planned => Style::new().fg(Color::Gray),
        TouchState::Skipped | TouchState::Cancelled => Style::new().fg(Color::DarkGray),
    }
}

pub fn render(model: &Model, frame: &mut Frame<'_>, area: Rect) {
    let Some(d) = &model.account.detail else {
        let text = "No account selected: press Enter on a touch or an account.";
        frame.render_widget(Paragraph::new(text).block(Block::bordered().title(" Account ")), area);
        return;
    };
    let a = &d.account;
    let bold = Style::new().add_modifier(Modifier::BOLD);
    let gray = Style::new().fg(Color::Gray);
    let head = |s: &str| Line::styled(s.to_string(), Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD));
    let local = |at: chrono::DateTime<chrono::Utc>| at.with_timezone(&model.zone).format("%a %d %b %H:%M").to_string();
    let mut lines = vec![
        Line::from(vec![
            Span::styled(a.name.clone(), bold),
            Span::styled(format!("  {}  ", a.domain.as_deref().unwrap_or("")), gray),
            Span::raw(format!("owner {} · {}", a.owner, a.status.as_str().replace('_', " "))),
        ]),
        Line::raw(format!(
            "{} · {} · {} · {} employees · opportunity {}",
            a.industry.as_deref().unwrap_or("-"),
            a.region.as_deref().unwrap_or("-"),
            a.country.as_deref().unwrap_or("-"),
            a.employees.map_or_else(|| "?".to_string(), |e| e.to_string()),
            a.opportunity_value.map_or_else(|| "-".to_string(), |v| format!("${v}/yr"))
        )),
        Line::from(vec![Span::styled(format!("score {} = ", d.score.total), bold), Span::raw(d.score.explain())]),
    ];
    lines.push(head("Why now"));
    if d.triggers.is_empty() {
        lines.push(Line::styled("  no trigger events recorded", gray));
    }
    for t in &d.triggers {
        lines.push(Line::raw(format!(
            "  {}  {}: {} ({})",
            t.occurred_on,
            t.kind,
            t.summary,
            t.source.as_deref().unwrap_or("-")
        )));
    }
    lines.push(head("Players"));
    // One line per player at any width: at 80 columns the title and zone
    // give up room (with an ellipsis), never the line.
    let narrow = area.width < 100;
    let (name_w, title_w, zone_w) = if narrow { (16, 11, 14) } else { (18, 16, 22) };
    for p in &d.players {
        let now = model.now.with_timezone(&p.zone).format(if narrow { "%H:%M" } else { "%a %H:%M" });
        lines.push(Line::raw(format!(
            "  {:<name_w$} {:<title_w$} {:<5} {:<10} {:<zone_w$} {now}  {}",
            super::fit(&p.full_name(), name_w),
            super::fit(p.title.as_deref().unwrap_or("-"), title_w),
            tier_short(p.tier),
            p.role.as_str(),
            super::fit(&p.zone_label(), zone_w),
            p.status.as_str().replace('_', " ")
        )));
        // An imported player's tier was decided by a rule worth seeing.
        if let Some(rule) = &p.tier_rule {
            lines.push(Line::styled(format!("    tier: {rule}"), Style::new().fg(Color::DarkGray)));
        }
    }
    for play in &d.plays {
        let state = match &play.enrollment.reason {
            Some(r) => format!("{} ({r})", play.enrollment.state),
            None => play.enrollment.state.to_string(),
        };
        lines.push(head(&format!("Play {} \"{}\"", play.play.label(), play.play.title)));
        lines.push(Line::raw(format!(
            "  {state} · started {} · {}",
            play.enrollment.started_at.with_timezone(&model.zone).format("%Y-%m-%d"),
            gauge(play.done as i64, play.planned as i64, 10)
        )));
        for step in &play.steps {
            lines.push(Line::from(vec![
                Span::styled(format!("  {:>2}. {:<8} ", step.number, step.channel.as_str()), bold),
                Span::raw(format!("{}  ", step.title)),
                Span::styled(format!("{} · {}", step.timing, step.targets), gray),
            ]));
            for t in &step.touches {
                let when = t.touch.done_at.unwrap_or(t.touch.due_at);
                let outcome =
                    t.touch.outcome.map(|o| format!(" → {}", o.as_str().replace('_', " "))).unwrap_or_default();
                lines.push(Line::from(vec![
                    Span::raw(format!("        t{:<6} {:<20} ", t.touch.id, super::fit(&t.player_name, 20))),
                    Span::styled(format!("{:<9}", t.touch.state.as_str()), state_style(t.touch.state)),
                    Span::raw(format!(" {}{outcome}", local(when))),
                ]));
            }
        }
        for t in &play.extra {
            lines.push(Line::from(vec![
                Span::raw(format!(
                    "   + t{:<6} {} to {:<14} ",
                    t.touch.id,
                    t.touch.channel,
                    super::fit(&t.player_name, 14)
                )),
                Span::styled(format!("{:<9}", t.touch.state.as_str()), state_style(t.touch.state)),
                Span::raw(format!(" {}", local(t.touch.done_at.unwrap_or(t.touch.due_at)))),
            ]));
        }
    }
    if d.plays.is_empty() {
        lines.push(head("Play"));
        lines.push(Line::styled(
            format!(
                "  not enrolled: press {} to start a play",
                model.keymap.label(crate::tui::keymap::Command::Enroll)
            ),
            gray,
        ));
    }
    lines.push(head("Activity"));
    for e in d.activity.iter().take(30) {
        let undone = if e.undone { " (undone)" } else { "" };
        lines.push(Line::raw(format!(
            "  {}  {:<8} {}{}{}{undone}",
            local(e.at),
            e.action,
            e.actor,
            e.outcome.map(|o| format!(" {}", o.as_str().replace('_', " "))).unwrap_or_default(),
            e.detail.as_deref().map(|x| format!(": {x}")).unwrap_or_default()
        )));
    }
    let visible = area.height.saturating_sub(2);
    let max_scroll = (lines.len() as u16).saturating_sub(visible);
    let scroll = model.account.scroll.min(max_scroll);
    let title = format!(" Account a{} · {}/{} ", a.id, scroll + 1, lines.len());
    frame.render_widget(
        Paragraph::new(super::safe_lines(lines))
            .wrap(Wrap { trim: false })
            .scroll((scroll, 0))
            .block(Block::bordered().title(title)),
        area,
    );
}
