//! The help screen, generated from the live keymap.

use super::{centered, fit};
use crate::tui::keymap::{Command, Scope};
use crate::tui::model::Model;
use ratatui::layout::{Constraint, Layout};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};
use ratatui::Frame;

fn section<'a>(model: &Model, scopes: &[(Scope, &'a str)], width: usize) -> Vec<Line<'a>> {
    let mut lines = Vec::new();
    for (scope, title) in scopes {
        lines.push(Line::styled(*title, Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED)));
        for command in Command::ALL.iter().filter(|c| c.scope() == *scope) {
            lines.push(Line::from(vec![
                Span::styled(format!(" {:<12}", model.keymap.label(*command)), Style::new().fg(Color::Cyan)),
                Span::raw(fit(command.help(), width.saturating_sub(13))),
            ]));
        }
    }
    lines
}

/// Two columns, filled in order and split where a section starts, so it fits 80x24.
pub fn render(model: &Model, frame: &mut Frame<'_>) {
    let area = frame.area();
    let column = (area.width.min(124).saturating_sub(2) / 2) as usize;
    let mut left = section(model, &[(Scope::Global, "Everywhere")], column);
    let mut right =
        section(model, &[(Scope::Queue, "Queue"), (Scope::Accounts, "Accounts"), (Scope::Manager, "Manager")], column);
    // The global list is the longest: its tail tops the right column.
    // Every line counts at 80x24, so the two columns are filled evenly.
    let half = (left.len() + right.len()).div_ceil(2);
    if left.len() > half {
        let mut tail = left.split_off(half);
        tail.append(&mut right);
        right = tail;
    }
    let rows = left.len().max(right.len()) as u16;
    // Taller than the screen, it scrolls: the footer says how.
    let fits = rows + 2 <= area.height;
    let footer = Line::styled(
        if fits {
            "Rebind keys in keys.toml in the config directory. Any key closes this."
        } else {
            "j/k scroll · any other key closes · rebind keys in keys.toml"
        },
        Style::new().fg(Color::Gray),
    );
    let scroll = model.help_scroll.min((rows + 2).saturating_sub(area.height));
    // The footer sits on the bottom border: every row inside is a command.
    let area = centered(area, 124, rows + 2);
    frame.render_widget(Clear, area);
    let block = Block::bordered().title(" Help ").title_bottom(footer);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let [a, b] = Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(inner);
    frame.render_widget(Paragraph::new(left).scroll((scroll, 0)), a);
    frame.render_widget(Paragraph::new(right).scroll((scroll, 0)), b);
}
