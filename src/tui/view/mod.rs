//! Rendering: reads the model, draws a frame. No SQL, no clock.

mod account;
mod accounts;
mod bars;
mod help;
mod manager;
mod popup;
mod queue;

pub use accounts::row_at as accounts_row_at;
pub use bars::tab_at;
pub use manager::rep_at as manager_rep_at;
pub use queue::row_at as queue_row_at;

use super::model::{Model, Screen};
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::Frame;
use std::borrow::Cow;

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
    scrub(frame.buffer_mut());
}

/// The last guard before the terminal: ratatui drops C0/C1 controls from
/// text but keeps zero-width characters in a cell, a bidi override among
/// them; any unsafe character left in a cell goes.
fn scrub(buffer: &mut Buffer) {
    for cell in &mut buffer.content {
        if cell.symbol().chars().any(crate::text::is_unsafe) {
            let kept: String = cell.symbol().chars().filter(|c| !crate::text::is_unsafe(*c)).collect();
            cell.set_symbol(if kept.is_empty() { "\u{FFFD}" } else { &kept });
        }
    }
}

/// Outside text for one line of the screen: control characters shown as
/// symbols (`␛`), line breaks as spaces.
pub(super) fn safe(text: &str) -> String {
    crate::text::one_line(text).into_owned()
}

/// Every span of every line made `safe`: for paragraphs built from records.
pub(super) fn safe_lines(lines: Vec<Line<'_>>) -> Vec<Line<'_>> {
    lines
        .into_iter()
        .map(|mut line| {
            for span in &mut line.spans {
                if let Cow::Owned(cleaned) = crate::text::one_line(&span.content) {
                    span.content = Cow::Owned(cleaned);
                }
            }
            line
        })
        .collect()
}

/// A centered rectangle of at most `width` x `height` inside `area`.
pub(super) fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let w = width.min(area.width);
    let h = height.min(area.height);
    Rect { x: area.x + (area.width - w) / 2, y: area.y + (area.height - h) / 2, width: w, height: h }
}

/// Cuts text to `width` columns, marking the cut; made `safe` first.
/// The room a table leaves its flexible columns (names, content): the
/// width less the borders, the `fixed` columns shown (width above 0) and a
/// space between each two columns shown, `flex` of them flexible.
pub(super) fn room(width: u16, fixed: &[usize], flex: usize) -> usize {
    let shown = fixed.iter().filter(|w| **w > 0).count() + flex;
    (width as usize).saturating_sub(2 + shown.saturating_sub(1) + fixed.iter().sum::<usize>())
}

/// A row's cells (in column order, possibly fewer) without those of the
/// columns given no width: such a column would still take its gap.
pub(super) fn shown<T>(cells: Vec<T>, widths: &[usize]) -> Vec<T> {
    cells.into_iter().zip(widths).filter(|(_, w)| **w > 0).map(|(cell, _)| cell).collect()
}

pub(super) fn fit(text: &str, width: usize) -> String {
    crate::text::fit(text, width).into_owned()
}
