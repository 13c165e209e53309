//! The top bar (screens, rep, clock) and the status bar (hints, messages).

use crate::tui::keymap::Command;
use crate::tui::model::{Model, Screen, Status};
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

pub fn top(model: &Model, frame: &mut Frame<'_>, area: Rect) {
    let mut spans = vec![Span::styled(" playbook ", Style::new().add_modifier(Modifier::BOLD).fg(Color::Cyan))];
    for (i, screen) in Screen::ALL.iter().enumerate() {
        let style = if *screen == model.screen {
            Style::new().fg(Color::Black).bg(Color::Cyan).add_modifier(Modifier::BOLD)
        } else {
            Style::new().fg(Color::Gray)
        };
        spans.push(Span::styled(format!(" {} {} ", i + 1, screen.title()), style));
    }
    let local = model.now.with_timezone(&model.zone);
    let who = model.owner.as_deref().unwrap_or("all reps");
    let right = format!("{who} · {} {} ", local.format("%a %d %b %H:%M"), model.zone.name());
    let used: usize = spans.iter().map(|s| s.content.chars().count()).sum();
    let notice = if model.demo_notice { " demo data - see README to import your own " } else { "" };
    let gap = (area.width as usize).saturating_sub(used + right.chars().count() + notice.chars().count());
    if !notice.is_empty() && gap > 0 {
        spans.push(Span::raw(" "));
        spans.push(Span::styled(notice, Style::new().fg(Color::Black).bg(Color::Yellow)));
    }
    spans.push(Span::raw(" ".repeat(gap.saturating_sub(usize::from(!notice.is_empty())))));
    spans.push(Span::styled(right, Style::new().fg(Color::Gray)));
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// Commands worth a hint on each screen, in order.
fn hints(screen: Screen) -> &'static [Command] {
    match screen {
        Screen::Queue => &[
            Command::Done,
            Command::Skip,
            Command::Snooze,
            Command::Opened,
            Command::Replied,
            Command::Note,
            Command::Undo,
            Command::Open,
            Command::Help,
        ],
        Screen::Accounts => &[
            Command::Open,
            Command::Filter,
            Command::Sort,
            Command::Rate,
            Command::Enroll,
            Command::PauseResume,
            Command::Help,
        ],
        Screen::Account => &[Command::Back, Command::Enroll, Command::PauseResume, Command::Undo, Command::Help],
        Screen::Manager => &[
            Command::Period,
            Command::CustomPeriod,
            Command::Owner,
            Command::NextPlay,
            Command::Refresh,
            Command::Help,
        ],
    }
}

pub fn status(model: &Model, frame: &mut Frame<'_>, area: Rect) {
    let (message, style) = match &model.status {
        Status::None => (String::new(), Style::new()),
        Status::Info(m) => (m.clone(), Style::new().fg(Color::Green)),
        Status::Error(m) => (format!("error: {m}"), Style::new().fg(Color::White).bg(Color::Red)),
    };
    let mut spans = Vec::new();
    let mut width = 0;
    let room = (area.width as usize).saturating_sub(message.chars().count() + 1);
    for command in hints(model.screen) {
        let keys = model.keymap.label(*command);
        let label = command.name().replace('_', " ");
        let piece = format!("{keys} {label}  ");
        if width + piece.chars().count() > room {
            break;
        }
        width += piece.chars().count();
        spans.push(Span::styled(keys, Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD)));
        spans.push(Span::raw(format!(" {label}  ")));
    }
    spans.push(Span::raw(" ".repeat(room.saturating_sub(width))));
    spans.push(Span::styled(message, style));
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}
