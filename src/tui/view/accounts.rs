//! The ranked account list: rank, score, BANT, boosts, owner, status, next
//! touch and a progress gauge; `/` filters, `s` sorts.

use crate::engine::AccountItem;
use crate::tui::model::Model;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Paragraph, Row, Table, TableState};
use ratatui::Frame;

/// `███░░░ 3/7`: touches done of planned.
pub(super) fn gauge(done: i64, planned: i64, width: usize) -> String {
    let filled = if planned > 0 { (done.clamp(0, planned) as usize * width) / planned as usize } else { 0 };
    format!("{}{} {done}/{planned}", "█".repeat(filled), "░".repeat(width - filled))
}

pub fn render(model: &Model, frame: &mut Frame<'_>, area: Rect) {
    let a = &model.accounts;
    let editing = a.editing.is_some();
    let [list, filter_line] =
        Layout::vertical([Constraint::Min(3), Constraint::Length(u16::from(editing))]).areas(area);
    let filter = if a.filter.is_empty() { String::new() } else { format!(" · filter: {}", a.filter) };
    let more = if a.more { "+" } else { "" };
    let title = super::safe(&format!(" Accounts: {}{more} · by {}{filter} ", a.items.len(), a.sort.label()));
    let block = Block::bordered().title(title);
    if a.items.is_empty() {
        let text = if a.loaded { "No account matches." } else { "Loading…" };
        frame.render_widget(Paragraph::new(text).block(block), list);
    } else {
        let widths = widths(list.width);
        let rows: Vec<Row<'_>> = a.items.iter().map(|i| row(model, i, &widths)).collect();
        let header =
            widths.shown(vec!["rank", "account", "score", "B A N T", "boost", "owner", "status", "next", "progress"]);
        let widths: Vec<Constraint> =
            widths.shown(widths.all().iter().map(|w| Constraint::Length(*w as u16)).collect());
        let table = Table::new(rows, widths)
            .header(Row::new(header).style(Style::new().fg(Color::Gray)))
            .row_highlight_style(Style::new().bg(Color::DarkGray).add_modifier(Modifier::BOLD))
            .column_spacing(1)
            .block(block);
        let mut state = TableState::default().with_selected(Some(a.selected));
        frame.render_stateful_widget(table, list, &mut state);
    }
    if let Some(text) = &a.editing {
        let line = Line::from(vec![
            Span::styled("/", Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD)),
            Span::raw(super::safe(&format!("{text}_"))),
            Span::styled("  industry: region: owner: status: tier: · enter · esc", Style::new().fg(Color::Gray)),
        ]);
        frame.render_widget(Paragraph::new(line), filter_line);
    }
}

/// The columns' widths that depend on the screen's.
struct Widths {
    name: usize,
    bant: usize,
    boost: usize,
    owner: usize,
    status: usize,
    progress: usize,
}

impl Widths {
    fn all(&self) -> [usize; 9] {
        [4, self.name, 5, self.bant, self.boost, self.owner, self.status, 9, self.progress]
    }

    fn shown<T>(&self, cells: Vec<T>) -> Vec<T> {
        super::shown(cells, &self.all())
    }

    /// What rank, score, next and the columns still shown leave the name
    /// and the owner.
    fn room(&self, width: u16) -> usize {
        super::room(width, &[4, 5, 9, self.bant, self.boost, self.status, self.progress], 2)
    }
}

/// Room the name and owner columns need before the rest get any.
const MIN_NAMES: usize = 30;

fn widths(width: u16) -> Widths {
    let mut w = Widths { name: 0, bant: 7, boost: 5, owner: 0, status: 10, progress: 12 };
    // On a narrow screen the account's name matters most: the boost (in the
    // score already), the status, the BANT factors and the progress give
    // way, in that order, until the name has room.
    let give_way: [fn(&mut Widths); 4] = [|w| w.boost = 0, |w| w.status = 0, |w| w.bant = 0, |w| w.progress = 0];
    for give in give_way {
        if w.room(width) < MIN_NAMES {
            give(&mut w);
        }
    }
    // Name and owner share the rest (2 to 1), so a cut is known here and
    // shown with an ellipsis; the owner goes last of all.
    let rest = w.room(width);
    if rest < MIN_NAMES {
        // The owner's space too.
        w.name = rest + 1;
        return w;
    }
    w.name = rest * 2 / 3;
    w.owner = rest - w.name;
    w
}

/// The account row drawn at screen line `y` on a terminal `screen` big:
/// what a click there selects (the table scrolls just enough to show the
/// selected row, as it is drawn).
pub fn row_at(model: &Model, screen: Rect, y: u16) -> Option<usize> {
    let body_height = screen.height.saturating_sub(2);
    let list_height = body_height.saturating_sub(u16::from(model.accounts.editing.is_some()));
    // The top bar, the border and the header come first.
    let first = screen.y + 1 + 2;
    let visible = usize::from(list_height.saturating_sub(3));
    if y < first || usize::from(y - first) >= visible {
        return None;
    }
    let offset = (model.accounts.selected + 1).saturating_sub(visible);
    let index = offset + usize::from(y - first);
    (index < model.accounts.items.len()).then_some(index)
}

fn row<'a>(model: &Model, item: &'a AccountItem, widths: &Widths) -> Row<'a> {
    let acc = &item.row.account;
    let bant = acc
        .bant
        .map_or_else(|| "- - - -".to_string(), |b| format!("{} {} {} {}", b.budget, b.authority, b.need, b.timing));
    let boosts: i64 = item.score.boosts().map(|t| t.points).sum();
    let next = item.row.next_due.map_or_else(String::new, |d| {
        let local = d.with_timezone(&model.zone);
        if local.date_naive() == model.now.with_timezone(&model.zone).date_naive() {
            local.format("%H:%M").to_string()
        } else {
            local.format("%a %d").to_string()
        }
    });
    let score = if item.score.scored { item.score.total.to_string() } else { format!("({})", item.score.total) };
    Row::new(widths.shown(vec![
        Cell::from(item.rank.to_string()),
        Cell::from(super::fit(&acc.name, widths.name)),
        Cell::from(score),
        Cell::from(bant),
        Cell::from(if boosts > 0 { format!("+{boosts}") } else { String::new() }),
        Cell::from(super::fit(&acc.owner, widths.owner)),
        Cell::from(super::fit(&acc.status.label(), widths.status)),
        Cell::from(next),
        Cell::from(gauge(item.row.touches_done, item.row.touches_planned, 5)),
    ]))
}
