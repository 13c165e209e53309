//! The top bar (screens, rep, clock) and the status bar (hints, messages).

use crate::tui::keymap::Command;
use crate::tui::model::{Model, Screen, Status};
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

const NOTICE: &str = " demo data - see README to import your own ";

/// The right-hand side of the top bar: whose day, and the time there.
fn clock_text(model: &Model) -> String {
    let local = model.now.with_timezone(&model.zone);
    let who = super::fit(model.owner.as_deref().unwrap_or("all reps"), 30);
    format!("{who} · {} {} ", local.format("%a %d %b %H:%M"), model.zone.name())
}

/// The screen whose tab is at this column of the top bar.
pub fn tab_at(column: u16) -> Option<Screen> {
    let mut x = " playbook ".len();
    for (i, screen) in Screen::ALL.iter().enumerate() {
        let width = format!(" {} {} ", i + 1, screen.title()).len();
        if (x..x + width).contains(&(column as usize)) {
            return Some(*screen);
        }
        x += width;
    }
    None
}

fn tabs_width() -> usize {
    " playbook ".len()
        + Screen::ALL.iter().enumerate().map(|(i, s)| format!(" {} {} ", i + 1, s.title()).len()).sum::<usize>()
}

/// Whether the top bar has room for the demo notice at this width.
fn top_has_room(model: &Model, width: u16) -> bool {
    (width as usize).saturating_sub(tabs_width() + clock_text(model).chars().count()) > NOTICE.chars().count()
}

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
    let right = clock_text(model);
    let used: usize = spans.iter().map(|s| s.content.chars().count()).sum();
    let room = (area.width as usize).saturating_sub(used + right.chars().count());
    // The first-run hint goes here when it fits, else to the status bar.
    let mut gap = room;
    if model.demo_notice && top_has_room(model, area.width) {
        spans.push(Span::raw(" "));
        spans.push(Span::styled(NOTICE, Style::new().fg(Color::Black).bg(Color::Yellow)));
        gap = room.saturating_sub(NOTICE.chars().count() + 1);
    }
    spans.push(Span::raw(" ".repeat(gap)));
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
            // Past the help hint: shown when the terminal is wide enough.
            Command::Copy,
            Command::OpenTouch,
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
        Screen::Account => {
            &[Command::Back, Command::Enroll, Command::PauseResume, Command::End, Command::Undo, Command::Help]
        }
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
        // The first-run hint, when the top bar has no room for it.
        Status::None if model.demo_notice && !top_has_room(model, area.width) => {
            (" demo data ".to_string(), Style::new().fg(Color::Black).bg(Color::Yellow))
        }
        Status::None => (String::new(), Style::new()),
        Status::Info(m) => (super::safe(m), Style::new().fg(Color::Green)),
        Status::Error(m) => (super::safe(&format!("error: {m}")), Style::new().fg(Color::White).bg(Color::Red)),
    };
    // The hints keep at least the first three and help, and the message
    // gets the rest of the line; a message longer than that has the whole
    // line to itself (an error must be read, the hints are on `?`), cut
    // with an ellipsis only past the screen's width.
    let keep: usize = hints(model.screen)
        .iter()
        .enumerate()
        .filter(|(i, c)| *i < 3 || **c == Command::Help)
        .map(|(_, c)| format!("{} {}  ", model.keymap.label(*c), c.name().replace('_', " ")).chars().count())
        .sum();
    let beside = (area.width as usize).saturating_sub(keep + 1);
    if crate::text::width(&message) > beside {
        let alone = super::fit(&message, area.width as usize);
        frame.render_widget(Paragraph::new(Line::from(Span::styled(alone, style))), area);
        return;
    }
    let message = super::fit(&message, beside);
    let mut spans = Vec::new();
    let mut width = 0;
    let room = (area.width as usize).saturating_sub(crate::text::width(&message) + 1);
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
