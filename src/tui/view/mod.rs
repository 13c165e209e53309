//! Rendering: reads the model, draws a frame. No SQL, no clock.

mod account;
mod accounts;
mod bars;
mod help;
mod manager;
mod popup;
mod queue;

use super::model::{Model, Screen};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::Frame;

/// Draws the whole UI.
pub fn render(model: &Model, frame: &mut Frame<'_>) {
    let [top, body, status] =
        Layout::vertical([Constraint::Length(1), Constraint::Min(3), Constraint::Length(1)]).areas(frame.area());
    bars::top(model, frame, top);
    match model.screen {
        Screen::Queue => queue::render(model, frame, body),
        Screen::Accounts => accounts::render(model, frame, body),
        Screen::Account => account::render(model, frame, body),
        Screen::Manager => manager::render(model, frame, body),
    }
    bars::status(model, frame, status);
    if let Some(p) = &model.popup {
        popup::render(model, p, frame);
    }
    if model.help {
        help::render(model, frame);
    }
}

/// A centered rectangle of at most `width` x `height` inside `area`.
pub(super) fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let w = width.min(area.width);
    let h = height.min(area.height);
    Rect { x: area.x + (area.width - w) / 2, y: area.y + (area.height - h) / 2, width: w, height: h }
}

/// Cuts text to `width` characters, marking the cut; line breaks become spaces.
pub(super) fn fit(text: &str, width: usize) -> String {
    let text = crate::text::one_line(text);
    if text.chars().count() <= width {
        text.to_string()
    } else if width == 0 {
        String::new()
    } else {
        let mut s: String = text.chars().take(width - 1).collect();
        s.push('…');
        s
    }
}
