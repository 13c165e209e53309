//! The help screen, generated from the live keymap.

use super::centered;
use crate::tui::keymap::{Command, Scope};
use crate::tui::model::Model;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};
use ratatui::Frame;

pub fn render(model: &Model, frame: &mut Frame<'_>) {
    let mut lines = Vec::new();
    for (scope, title) in [(Scope::Global, "Everywhere"), (Scope::Queue, "Queue"), (Scope::Accounts, "Accounts")] {
        lines.push(Line::styled(title, Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED)));
        for command in Command::ALL.iter().filter(|c| c.scope() == scope) {
            lines.push(Line::from(vec![
                Span::styled(format!("  {:<14}", model.keymap.label(*command)), Style::new().fg(Color::Cyan)),
                Span::raw(command.help()),
            ]));
        }
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        "Rebind keys in keys.toml in the config directory. Any key closes this.",
        Style::new().fg(Color::Gray),
    ));
    let area = centered(frame.area(), 72, lines.len() as u16 + 2);
    frame.render_widget(Clear, area);
    frame.render_widget(Paragraph::new(lines).block(Block::bordered().title(" Help ")), area);
}
