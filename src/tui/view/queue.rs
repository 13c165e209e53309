//! The queue screen: today's touches grouped Overdue / Due now / Later
//! today / Tomorrow, and the selected touch's content, why and trigger.

use super::{fit, safe, safe_lines};
use crate::domain::{Outcome, Role, Tier};
use crate::engine::{Group, QueueItem};
use crate::store::DecisionRow;
use crate::tui::keymap::Command;
use crate::tui::model::Model;
use chrono::{DateTime, Utc};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Paragraph, Row, Table, TableState, Wrap};
use ratatui::Frame;

pub(super) fn tier_short(tier: Tier) -> &'static str {
    match tier {
        Tier::Executive => "exec",
        Tier::Director => "dir",
        Tier::Practitioner => "prac",
    }
}

fn role_short(role: Role) -> &'static str {
    match role {
        Role::Economic => "econ",
        Role::Technical => "tech",
        Role::User => "user",
        Role::Champion => "champ",
        Role::Influencer => "infl",
    }
}

/// `2h05m` left until a deadline, or `late`.
pub(super) fn countdown(deadline: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let mins = (deadline - now).num_minutes();
    if mins < 0 {
        "late".into()
    } else if mins < 60 {
        format!("{mins}m")
    } else {
        format!("{}h{:02}m", mins / 60, mins % 60)
    }
}

fn group_style(group: Group) -> Style {
    match group {
        Group::Overdue => Style::new().fg(Color::Red).add_modifier(Modifier::BOLD),
        Group::DueNow => Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD),
        Group::LaterToday => Style::new().fg(Color::Green).add_modifier(Modifier::BOLD),
        Group::Tomorrow => Style::new().fg(Color::Blue).add_modifier(Modifier::BOLD),
    }
}

pub fn render(model: &Model, frame: &mut Frame<'_>, area: Rect) {
    if model.queue.reading {
        if let Some(item) = model.queue.current() {
            render_reader(model, item, frame, area);
            return;
        }
    }
    let [list, detail] = split(area);
    render_list(model, frame, list);
    render_detail(model, frame, detail);
}

/// The list above, the selected touch's detail below.
fn split(area: Rect) -> [Rect; 2] {
    // Half the screen for the touch: at 80x24 its body shows 8 lines.
    let detail_height = (area.height / 2 + 3).clamp(6, 16);
    Layout::vertical([Constraint::Min(4), Constraint::Length(detail_height)]).areas(area)
}

/// The table's rows as drawn: a group header (None) or a row of the list
/// (its index over decisions, then touches).
fn table_rows(model: &Model) -> Vec<Option<usize>> {
    let q = &model.queue;
    let mut rows = Vec::new();
    if !q.decisions.is_empty() {
        rows.push(None);
        rows.extend((0..q.decisions.len()).map(Some));
    }
    let mut group = None;
    for (i, item) in q.items.iter().enumerate() {
        if group != Some(item.group) {
            group = Some(item.group);
            rows.push(None);
        }
        rows.push(Some(i + q.decisions.len()));
    }
    rows
}

/// The list row drawn at screen line `y` in a queue drawn on `screen`
/// (the whole terminal): what a click there selects.
pub fn row_at(model: &Model, screen: Rect, y: u16) -> Option<usize> {
    // The top bar and the status bar frame the screen's body.
    let body = Rect { y: screen.y + 1, height: screen.height.saturating_sub(2), ..screen };
    let [list, _] = split(body);
    // A border and the header line come before the first row.
    let first = list.y + 2;
    let visible = list.height.saturating_sub(3) as usize;
    if y < first || (y - first) as usize >= visible {
        return None;
    }
    let rows = table_rows(model);
    let selected = rows.iter().position(|r| *r == Some(model.queue.selected)).unwrap_or(0);
    // The table scrolls just enough to show the selected row.
    let offset = (selected + 1).saturating_sub(visible);
    rows.get(offset + (y - first) as usize).copied().flatten()
}

fn render_list(model: &Model, frame: &mut Frame<'_>, area: Rect) {
    let q = &model.queue;
    let today_count = q.items.iter().filter(|i| i.group != Group::Tomorrow).count();
    // Inside a group: deadline-bound first, then by the account's rank.
    let mut title = format!(" Due touches: {today_count} today · by rank in each group ");
    if let Some(typing) = &q.searching {
        title.push_str(&format!("· find: {}_ (enter, esc) ", fit(typing, 30)));
    } else if !q.search.trim().is_empty() {
        let n = (0..q.len()).filter(|i| q.matches(*i)).count();
        title.push_str(&format!(
            "· {} for {} (n/N) ",
            crate::text::count(n, "match", "matches"),
            crate::text::quoted(&fit(&q.search, 20))
        ));
    }
    let block = Block::bordered().title(safe(&title));
    if q.is_empty() {
        let text = if q.loaded { "Nothing due. Tab for the account list." } else { "Loading…" };
        frame.render_widget(Paragraph::new(text).block(block), area);
        return;
    }
    let c = columns(area.width);
    let mut rows = Vec::new();
    let mut selected_row = 0;
    if !q.decisions.is_empty() {
        let style = Style::new().fg(Color::Magenta).add_modifier(Modifier::BOLD);
        rows.push(Row::new(c.shown(vec![
            Cell::from(Span::styled("Needs decision", style)),
            Cell::from(""),
            Cell::from(Span::styled(crate::text::count(q.decisions.len(), "account", "accounts"), style)),
        ])));
        for (i, d) in q.decisions.iter().enumerate() {
            if i == q.selected {
                selected_row = rows.len();
            }
            rows.push(decision_row(model, d, &c));
        }
    }
    let mut group = None;
    for (i, item) in q.items.iter().enumerate() {
        let i = i + q.decisions.len();
        if group != Some(item.group) {
            group = Some(item.group);
            let count = q.items.iter().filter(|x| x.group == item.group).count();
            rows.push(Row::new(c.shown(vec![
                Cell::from(Span::styled(item.group.label(), group_style(item.group))),
                Cell::from(""),
                Cell::from(Span::styled(
                    fit(&crate::text::count(count, "touch", "touches"), c.account),
                    group_style(item.group),
                )),
            ])));
        }
        if i == q.selected {
            selected_row = rows.len();
        }
        let found = q.matches(i);
        let line = row(model, item, &c);
        rows.push(if found { line.style(Style::new().fg(Color::Yellow)) } else { line });
    }
    let widths: Vec<Constraint> = c.shown(c.widths().iter().map(|w| Constraint::Length(*w as u16)).collect());
    let table = Table::new(rows, widths)
        .header(
            Row::new(c.shown(vec!["due", "left", "account", "player", "channel", "step", "content"]))
                .style(Style::new().fg(Color::Gray)),
        )
        .row_highlight_style(Style::new().bg(Color::DarkGray).add_modifier(Modifier::BOLD))
        .column_spacing(1)
        .block(block);
    let mut state = TableState::default().with_selected(Some(selected_row));
    frame.render_stateful_widget(table, area, &mut state);
}

fn answer(d: &DecisionRow) -> String {
    d.outcome.map_or_else(|| "answered".to_string(), Outcome::label)
}

/// The widths of the queue's text columns: account and player get room up
/// to a point, the content takes the rest (a wide terminal shows more of
/// what to send, not longer blanks after a name).
struct Columns {
    due: usize,
    left: usize,
    account: usize,
    player: usize,
    channel: usize,
    step: usize,
    content: usize,
}

impl Columns {
    fn widths(&self) -> [usize; 7] {
        [self.due, self.left, self.account, self.player, self.channel, self.step, self.content]
    }

    fn shown<T>(&self, cells: Vec<T>) -> Vec<T> {
        super::shown(cells, &self.widths())
    }

    /// What the fixed columns still shown leave account, player and content.
    fn room(&self, width: u16) -> usize {
        super::room(width, &[self.due, self.left, self.channel, self.step], 3)
    }
}

/// Room the account and player columns need before the rest get any.
const MIN_NAMES: usize = 20;

fn columns(width: u16) -> Columns {
    // Due is wide enough for the longest group name, "Needs decision".
    let mut c = Columns { due: 14, left: 6, account: 0, player: 0, channel: 8, step: 5, content: 0 };
    // On a narrow screen who the touch is for matters most: the time left,
    // the step, the channel (all in the detail below) give way, and the
    // group names are cut, until the account and player have room.
    let give_way: [fn(&mut Columns); 4] = [|c| c.left = 0, |c| c.step = 0, |c| c.channel = 0, |c| c.due = 11];
    for give in give_way {
        if c.room(width) < MIN_NAMES {
            give(&mut c);
        }
    }
    let rest = c.room(width);
    if rest < 12 + 12 + 12 {
        // No room for the content: the names share what there is, its
        // space included.
        let rest = rest + 1;
        c.account = rest - rest / 2;
        c.player = rest / 2;
        return c;
    }
    c.account = (rest * 35 / 100).clamp(12, 30).min(rest);
    c.player = (rest * 35 / 100).clamp(12, 28).min(rest - c.account);
    c.content = rest - c.account - c.player;
    c
}

fn decision_row<'a>(model: &Model, d: &'a DecisionRow, c: &Columns) -> Row<'a> {
    let rank = model.queue.ranks.get(&d.account_id).map_or_else(String::new, |r| format!("#{r} "));
    let said = d.said.as_deref().map(|s| format!("\"{}\"", crate::text::one_line(s))).unwrap_or_default();
    Row::new(c.shown(vec![
        Cell::from(crate::text::ago(d.since, model.now)),
        Cell::from(""),
        Cell::from(fit(&format!("{rank}{}", d.account_name), c.account)),
        Cell::from(fit(d.player_name.as_deref().unwrap_or("-"), c.player)),
        Cell::from(""),
        Cell::from(""),
        Cell::from(Span::styled(
            fit(&if said.is_empty() { answer(d) } else { format!("{} {said}", answer(d)) }, c.content),
            Style::new().fg(Color::Magenta),
        )),
    ]))
}

fn render_decision(model: &Model, d: &DecisionRow, frame: &mut Frame<'_>, area: Rect) {
    let label = |s: &'static str| Span::styled(s, Style::new().fg(Color::Gray));
    let keys = |c: Command| model.keymap.label(c);
    let mut lines = vec![
        Line::from(vec![
            label("who     "),
            Span::styled(
                d.player_name.clone().unwrap_or_else(|| "-".into()),
                Style::new().add_modifier(Modifier::BOLD),
            ),
            Span::raw(format!(" {} {}", answer(d), crate::text::ago(d.since, model.now))),
        ]),
        Line::from(vec![label("plays   "), Span::raw(d.plays.join(", "))]),
    ];
    if let Some(said) = &d.said {
        lines.push(Line::from(vec![label("said    ")]));
        lines.extend(said.lines().map(|l| Line::raw(format!("  {l}"))));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        format!(
            "Your decision: {} resumes the play · {} ends it (won, lost, disqualified, no response)",
            keys(Command::PauseResume),
            keys(Command::End)
        ),
        Style::new().fg(Color::Yellow),
    ));
    let title = safe(&format!(" Needs decision · {} ", d.account_name));
    frame.render_widget(
        Paragraph::new(safe_lines(lines)).wrap(Wrap { trim: false }).block(Block::bordered().title(title)),
        area,
    );
}

fn row<'a>(model: &Model, item: &'a QueueItem, c: &Columns) -> Row<'a> {
    let t = &item.row.touch;
    let due_local = t.due_at.with_timezone(&model.zone);
    let today = model.now.with_timezone(&model.zone).date_naive();
    let days = (due_local.date_naive() - today).num_days();
    let due = match days {
        0 => due_local.format("%H:%M").to_string(),
        -6..=6 => due_local.format("%a %H:%M").to_string(),
        _ => due_local.format("%d %b %H:%M").to_string(),
    };
    let left = t.deadline.map(|d| countdown(d, model.now)).unwrap_or_default();
    let rank = model.queue.ranks.get(&t.account_id).map_or_else(String::new, |r| format!("#{r} "));
    let player = format!("{} {}/{}", item.row.player_name, tier_short(item.row.tier), role_short(item.row.role));
    Row::new(c.shown(vec![
        Cell::from(due),
        Cell::from(Span::styled(left, Style::new().fg(Color::Magenta))),
        Cell::from(fit(&format!("{rank}{}", item.row.account_name), c.account)),
        Cell::from(fit(&player, c.player)),
        Cell::from(t.channel.as_str()),
        Cell::from(format!("{}/{}", t.step, item.steps_total)),
        Cell::from(fit(&item.step_title, c.content)),
    ]))
}

fn render_detail(model: &Model, frame: &mut Frame<'_>, area: Rect) {
    if let Some(d) = model.queue.current_decision() {
        render_decision(model, d, frame, area);
        return;
    }
    let Some(item) = model.queue.current() else {
        frame.render_widget(Block::bordered().title(" Touch "), area);
        return;
    };
    let t = &item.row.touch;
    let title = format!(" t{} · {} · step {}/{} ", t.id, item.play_label, t.step, item.steps_total);
    let width = area.width.saturating_sub(2) as usize;
    let lines = touch_lines(model, item, width, false);
    let title = safe(&title);
    let keys = |c: Command| model.keymap.label(c);
    let more =
        format!(" {} read · {}/{} scroll ", keys(Command::Read), keys(Command::ScrollDown), keys(Command::ScrollUp));
    frame.render_widget(
        Paragraph::new(safe_lines(lines))
            .wrap(Wrap { trim: false })
            .scroll((model.queue.scroll, 0))
            .block(Block::bordered().title(title).title_bottom(Line::styled(more, Style::new().fg(Color::Gray)))),
        area,
    );
}

/// The selected touch full screen: everything it says, scrolled with j/k.
fn render_reader(model: &Model, item: &QueueItem, frame: &mut Frame<'_>, area: Rect) {
    let t = &item.row.touch;
    let title =
        format!(" t{} · {} · {} · step {}/{} ", t.id, item.row.account_name, item.play_label, t.step, item.steps_total);
    let width = area.width.saturating_sub(2) as usize;
    let lines = touch_lines(model, item, width, true);
    let keys = |c: Command| model.keymap.label(c);
    let footer = format!(
        " {}/{} scroll · {} back · {} the account ",
        keys(Command::Down),
        keys(Command::Up),
        keys(Command::Back),
        keys(Command::Open)
    );
    frame.render_widget(
        Paragraph::new(safe_lines(lines)).wrap(Wrap { trim: false }).scroll((model.queue.scroll, 0)).block(
            Block::bordered()
                .title(safe(&title))
                .title_bottom(Line::styled(safe(&footer), Style::new().fg(Color::Gray))),
        ),
        area,
    );
}

/// A body's lines with the breaks a template put mid-sentence taken out,
/// so the screen wraps whole sentences by words (no orphan "the" on a line
/// of its own); blank lines, sign-offs and list lines stay as written.
fn reflow(body: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for line in body.lines() {
        let joins = out.last().is_some_and(|prev| {
            let ends_open = !prev.is_empty() && !prev.ends_with(['.', ',', '!', '?', ':', ';']);
            ends_open && line.chars().next().is_some_and(char::is_lowercase)
        });
        match out.last_mut() {
            Some(prev) if joins => {
                prev.push(' ');
                prev.push_str(line.trim_start());
            }
            _ => out.push(line.to_string()),
        }
    }
    out
}

/// What a touch says: to whom, why, why now, its content, its notes.
fn touch_lines<'a>(model: &Model, item: &'a QueueItem, width: usize, full: bool) -> Vec<Line<'a>> {
    let t = &item.row.touch;
    let player_now = model.now.with_timezone(&item.row.zone).format("%a %H:%M");
    let label = |s: &'static str| Span::styled(s, Style::new().fg(Color::Gray));
    let mut lines = vec![
        Line::from(vec![
            label("to      "),
            Span::styled(item.row.player_name.clone(), Style::new().add_modifier(Modifier::BOLD)),
            Span::raw({
                let rest = format!(
                    ", {} ({} {}, {} now {})",
                    item.row.player_title.as_deref().unwrap_or("-"),
                    item.row.tier,
                    item.row.role,
                    item.row.zone.name(),
                    player_now
                );
                // One line in the pane; the reader shows all of it.
                if full {
                    rest
                } else {
                    fit(&rest, width.saturating_sub(8 + crate::text::width(&item.row.player_name)))
                }
            }),
        ]),
        Line::from(vec![
            label("why     "),
            // The reader has room for all of it; the pane cuts it.
            Span::raw(if full { t.why.clone() } else { fit(&t.why, width.saturating_sub(8)) }),
        ]),
    ];
    let trigger = item.score.terms.iter().find(|term| term.name == "trigger").map(|term| term.detail.clone());
    lines.push(Line::from(vec![
        label("why now "),
        Span::raw({
            let trigger = trigger.unwrap_or_else(|| "no fresh trigger event".into());
            let score = format!("   score {}", item.score.total).len();
            if full {
                trigger
            } else {
                fit(&trigger, width.saturating_sub(8 + score))
            }
        }),
        Span::styled(format!("   score {}", item.score.total), Style::new().fg(Color::Gray)),
    ]));
    match &model.queue.content {
        Some(Ok((subject, body))) => {
            if let Some(subject) = subject {
                lines.push(Line::from(vec![
                    label("subject "),
                    Span::styled(subject.clone(), Style::new().add_modifier(Modifier::BOLD)),
                ]));
            }
            lines.extend(reflow(body.trim()).into_iter().map(Line::raw));
        }
        Some(Err(e)) => lines.push(Line::styled(format!("content cannot be filled: {e}"), Style::new().fg(Color::Red))),
        None => lines.push(Line::styled("…", Style::new().fg(Color::Gray))),
    }
    if let Some(answer) = &model.queue.answer {
        lines.insert(3, Line::from(vec![label("answered"), Span::raw(format!(" {answer}"))]));
    }
    if let Some(note) = t.note.as_deref().filter(|n| !n.trim().is_empty()) {
        lines.push(Line::raw(""));
        lines.push(Line::styled("notes", Style::new().fg(Color::Gray)));
        lines.extend(note.lines().map(|l| Line::raw(format!("  {l}"))));
    }
    lines
}
