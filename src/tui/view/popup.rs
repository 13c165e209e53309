//! Modal questions before an action: outcome, reason, snooze time, note.

use super::centered;
use crate::engine::SnoozeTo;
use crate::tui::model::{Model, Popup};
use crate::tui::update::{REPLIES, SNOOZE_TYPED};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};
use ratatui::Frame;

fn choices<'a>(options: &[String], choice: usize, footer: &'a str) -> Vec<Line<'a>> {
    let mut lines: Vec<Line<'a>> = options
        .iter()
        .enumerate()
        .map(|(i, o)| {
            if i == choice {
                Line::styled(
                    format!("> {}. {o}", i + 1),
                    Style::new().fg(Color::Black).bg(Color::Cyan).add_modifier(Modifier::BOLD),
                )
            } else {
                Line::raw(format!("  {}. {o}", i + 1))
            }
        })
        .collect();
    lines.push(Line::raw(""));
    lines.push(Line::styled(footer, Style::new().fg(Color::Gray)));
    lines
}

/// The touch a popup acts on, as the queue shows it: `t131 · Anke Schröder
/// · email · Nordwind Logistik GmbH`.
fn touch_line(model: &Model, touch: i64) -> String {
    model.queue.items.iter().find(|i| i.row.touch.id == touch).map_or_else(
        || format!("t{touch}"),
        |i| format!("t{touch} · {} · {} · {}", i.row.player_name, i.row.touch.channel, i.row.account_name),
    )
}

/// An account's name wherever the model holds it.
fn account_name(model: &Model, account: i64) -> String {
    let from_queue =
        model.queue.items.iter().find(|i| i.row.touch.account_id == account).map(|i| i.row.account_name.clone());
    let from_list =
        || model.accounts.items.iter().find(|i| i.row.account.id == account).map(|i| i.row.account.name.clone());
    let from_detail =
        || model.account.detail.as_ref().filter(|d| d.account.id == account).map(|d| d.account.name.clone());
    from_detail().or_else(from_list).or(from_queue).unwrap_or_else(|| format!("account {account}"))
}

/// What the popup acts on, first, then its choices.
fn about<'a>(what: &str, mut lines: Vec<Line<'a>>) -> Vec<Line<'a>> {
    lines.insert(0, Line::raw(""));
    lines.insert(0, Line::styled(super::fit(what, 60), Style::new().add_modifier(Modifier::BOLD)));
    lines
}

pub fn render(model: &Model, popup: &Popup, frame: &mut Frame<'_>) {
    let pick = "enter: confirm · j/k or 1-9: choose · esc: cancel";
    let (lines, title): (Vec<Line<'_>>, &str) = match popup {
        Popup::Outcome { touch, choices: outcomes, choice } => {
            let options: Vec<String> = outcomes.iter().map(|o| o.label()).collect();
            (about(&touch_line(model, *touch), choices(&options, *choice, pick)), " Done: outcome ")
        }
        Popup::Form(form) => {
            let mut lines = Vec::new();
            for (i, f) in form.fields.iter().enumerate() {
                let focused = i == form.focus;
                let label = Span::styled(
                    format!("{:<14}", f.label),
                    if focused {
                        Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD)
                    } else {
                        Style::new().fg(Color::Gray)
                    },
                );
                let value = if f.value.is_empty() && !focused {
                    Span::styled(f.hint, Style::new().fg(Color::DarkGray))
                } else if focused {
                    Span::raw(format!("{}_", super::fit(&f.value, 52)))
                } else {
                    Span::raw(super::fit(&f.value, 52))
                };
                lines.push(Line::from(vec![label, value]));
                if focused && f.value.is_empty() {
                    lines.push(Line::styled(format!("{:<14}{}", "", f.hint), Style::new().fg(Color::DarkGray)));
                }
            }
            lines.push(Line::raw(""));
            lines.push(Line::styled(
                "tab/↓: next line · enter on the last line or ctrl-s: save · esc: cancel",
                Style::new().fg(Color::Gray),
            ));
            let title = format!(" {} ", super::fit(&form.title(), 60));
            let lines = super::safe_lines(lines);
            let width = lines.iter().map(Line::width).max().unwrap_or(20) as u16 + 4;
            let area = centered(frame.area(), width.max(40), lines.len() as u16 + 2);
            frame.render_widget(Clear, area);
            frame.render_widget(Paragraph::new(lines).block(Block::bordered().title(super::safe(&title))), area);
            return;
        }
        Popup::Confirm { question, request } => (
            vec![
                Line::styled(
                    super::fit(
                        &match request.as_ref() {
                            crate::engine::Request::Respond { on: crate::engine::On::Touch(t), .. } => {
                                touch_line(model, *t)
                            }
                            _ => String::new(),
                        },
                        60,
                    ),
                    Style::new().add_modifier(Modifier::BOLD),
                ),
                Line::raw(""),
                Line::raw(question.clone()),
                Line::raw(""),
                Line::styled("y or enter: yes · any other key: cancel", Style::new().fg(Color::Gray)),
            ],
            " Confirm ",
        ),
        Popup::Reply { on, choice } => {
            let options: Vec<String> = REPLIES.iter().map(|s| (*s).to_string()).collect();
            let what = match on {
                crate::engine::On::Touch(t) => touch_line(model, *t),
                crate::engine::On::Player(p) => format!("player {p}"),
            };
            (about(&what, choices(&options, *choice, pick)), " Reply ")
        }
        Popup::End { name, choice, .. } => {
            let options: Vec<String> = crate::domain::Ending::ALL.iter().map(|e| e.label()).collect();
            let mut lines = vec![Line::raw(format!("End the plays of {}:", super::fit(name, 40))), Line::raw("")];
            lines.extend(choices(&options, *choice, pick));
            (lines, " End play ")
        }
        Popup::Enroll { account, plays, choice } => (
            about(&format!("Enroll {} in:", account_name(model, *account)), choices(plays, *choice, pick)),
            " Enroll in play ",
        ),
        Popup::Snooze { touch, choice, custom } => {
            let mut options: Vec<String> = SnoozeTo::presets().iter().map(|(label, _)| (*label).to_string()).collect();
            options.push(format!("{SNOOZE_TYPED}: {custom}_"));
            let lines = choices(&options, *choice, "HH:MM or YYYY-MM-DD HH:MM, your zone · enter · esc");
            (about(&touch_line(model, *touch), lines), " Snooze ")
        }
        Popup::Rate { name, digits, .. } => {
            let labels = ["Budget", "Authority", "Need", "Timing"];
            let mut lines = vec![Line::raw(super::fit(name, 40)), Line::raw("")];
            for (i, label) in labels.iter().enumerate() {
                let value = digits.chars().nth(i).map_or_else(|| "_".to_string(), |c| c.to_string());
                let style = if i == digits.len() { Style::new().fg(Color::Cyan) } else { Style::new() };
                lines.push(Line::styled(format!("{label:<10} {value}"), style));
            }
            lines.push(Line::raw(""));
            lines.push(Line::styled("type 4 digits 1-5 · enter: save · esc: cancel", Style::new().fg(Color::Gray)));
            (lines, " Rate BANT ")
        }
        Popup::SkipReason { touch, text } => (
            vec![
                Line::styled(super::fit(&touch_line(model, *touch), 60), Style::new().add_modifier(Modifier::BOLD)),
                Line::raw(""),
                Line::raw("Why skip? (optional)"),
                Line::styled(format!("{text}_"), Style::new().fg(Color::Cyan)),
                Line::raw(""),
                Line::styled("enter: skip · esc: cancel", Style::new().fg(Color::Gray)),
            ],
            " Skip ",
        ),
        Popup::Note { touch, editor } => {
            let area = centered(frame.area(), 70, 12);
            frame.render_widget(Clear, area);
            let title = format!(" Note on {} (ctrl-s saves, esc cancels) ", super::fit(&touch_line(model, *touch), 30));
            let block = Block::bordered().title(super::safe(&title));
            let inner = block.inner(area);
            frame.render_widget(block, area);
            frame.render_widget(editor.as_ref(), inner);
            return;
        }
    };
    let lines = super::safe_lines(lines);
    let width = lines.iter().map(Line::width).max().unwrap_or(20) as u16 + 4;
    let area = centered(frame.area(), width.max(30), lines.len() as u16 + 2);
    frame.render_widget(Clear, area);
    frame.render_widget(Paragraph::new(lines).block(Block::bordered().title(title)), area);
}
