//! The pure heart of the UI: a message changes the model and asks for
//! effects. No I/O and no clock here; the app runs the effects.

use super::form::{Form, FormKey};
use super::handoff::{self, Handoff};
use super::keymap::{Command, Key};
use super::model::{Model, PeriodChoice, Popup, Screen, Sort, Status};
use crate::domain::Ending;
use crate::engine::{done_outcomes, AccountDetail, AccountItem, On, QueueItem, Request, Response, SnoozeTo};
use crate::report::{Period, Report};
use crate::store::DecisionRow;
use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Timelike, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui_textarea::TextArea;
use std::collections::HashMap;

/// How long a status message stays when nothing replaces it.
pub const STATUS_SECONDS: i64 = 6;

/// Rows a page key moves.
pub const PAGE: usize = 10;
/// Accounts loaded per page of the list.
pub const ACCOUNTS_PAGE: usize = 200;

/// The snooze popup's last choice, after the engine's presets.
pub const SNOOZE_TYPED: &str = "at a time you type";
pub const REPLIES: [&str; 2] = ["positive", "negative"];

/// Something that happened.
#[derive(Debug)]
pub enum Msg {
    Key(KeyEvent),
    /// A mouse event: `row` and `column` on the screen.
    Mouse(crossterm::event::MouseEvent),
    /// The terminal's size (at start and on every resize).
    Resize(u16, u16),
    /// The clock moved.
    Tick(DateTime<Utc>),
    QueueLoaded {
        decisions: Vec<DecisionRow>,
        items: Vec<QueueItem>,
        ranks: HashMap<i64, usize>,
    },
    ContentLoaded {
        touch: i64,
        content: Result<(Option<String>, String), String>,
        /// The player's latest answer, in words ("replied negative by email 3d ago").
        answer: Option<String>,
    },
    AccountsLoaded {
        items: Vec<AccountItem>,
        append: bool,
        more: bool,
    },
    AccountLoaded(Box<AccountDetail>),
    PlaysLoaded {
        account: i64,
        plays: Vec<String>,
    },
    ReportLoaded(Box<Report>),
    /// An action committed; the text says what it did.
    ActionDone(String),
    /// Someone else wrote to the store since it was last read.
    StoreChanged,
    /// Something left playbook (the clipboard, the opener); the text says what.
    HandedOver(String),
    Failed(String),
}

/// What the app should do next.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    LoadQueue,
    /// After an action: the queue's touches read again; its ranks kept
    /// (they refresh each minute), the decisions read again only if the
    /// action could change them.
    ReloadQueue,
    LoadContent {
        touch: i64,
        play: i64,
    },
    LoadAccounts {
        offset: usize,
    },
    LoadAccount(i64),
    LoadPlays(i64),
    /// The manager's review for a period (`report --period` syntax) and rep.
    LoadReport {
        period: String,
        owner: Option<String>,
    },
    /// A user action, applied by the engine's one path.
    Act(Request),
    /// Put text on the terminal's clipboard (OSC 52); `said` is the status once done.
    Copy {
        text: String,
        said: String,
    },
    /// Hand a URI (`mailto:`, `tel:`, `https:`) to the system opener.
    Open {
        uri: String,
        said: String,
    },
}

/// Applies one message.
pub fn update(model: &mut Model, msg: Msg) -> Vec<Effect> {
    match msg {
        Msg::Key(key) => on_key(model, key),
        Msg::Mouse(event) => on_mouse(model, event),
        Msg::Resize(width, height) => {
            model.size = (width, height);
            vec![]
        }
        Msg::Tick(now) => {
            let minute_changed = now.with_second(0) != model.now.with_second(0);
            model.now = now;
            // A message stays a few seconds, then gives the bar back.
            match &model.status_since {
                _ if model.status == Status::None => model.status_since = None,
                Some((shown, since)) if *shown == model.status => {
                    if now - *since >= Duration::seconds(STATUS_SECONDS) {
                        model.status = Status::None;
                        model.status_since = None;
                    }
                }
                _ => model.status_since = Some((model.status.clone(), now)),
            }
            if minute_changed {
                vec![Effect::LoadQueue]
            } else {
                vec![]
            }
        }
        Msg::QueueLoaded { decisions, mut items, ranks } => {
            // The screen groups by time; within a group the engine's order
            // (deadline-bound first, then rank, then due time) stands.
            items.sort_by_key(|i| i.group);
            // The cursor stays on the record it was on, wherever it moved;
            // when that record left the list, on its neighbour.
            let was = queue_key(&model.queue);
            model.queue.decisions = decisions;
            model.queue.items = items;
            model.queue.ranks = ranks;
            model.queue.loaded = true;
            let found = was.and_then(|key| {
                let q = &model.queue;
                match key {
                    QueueKey::Decision(account) => q.decisions.iter().position(|d| d.account_id == account),
                    QueueKey::Touch(touch) => {
                        q.items.iter().position(|i| i.row.touch.id == touch).map(|i| i + q.decisions.len())
                    }
                }
            });
            model.queue.selected = found.unwrap_or(model.queue.selected).min(model.queue.len().saturating_sub(1));
            if queue_key(&model.queue) != was {
                // Another touch under the cursor: read from its top.
                model.queue.scroll = 0;
                model.queue.reading = false;
            }
            content_effect(model)
        }
        Msg::ContentLoaded { touch, content, answer } => {
            if model.queue.current().is_some_and(|i| i.row.touch.id == touch) {
                model.queue.content = Some(content);
                model.queue.answer = answer;
            }
            vec![]
        }
        Msg::AccountsLoaded { items, append, more } => {
            let was = selected_account(model);
            if append {
                model.accounts.items.extend(items);
            } else {
                model.accounts.items = items;
            }
            model.accounts.more = more;
            model.accounts.loaded = true;
            if model.accounts.everyone {
                let mut reps: Vec<String> = model.accounts.items.iter().map(|i| i.row.account.owner.clone()).collect();
                reps.sort();
                reps.dedup();
                model.accounts.reps = reps;
            }
            sort_accounts(model, was);
            vec![]
        }
        Msg::AccountLoaded(detail) => {
            if model.account.detail.as_ref().map(|d| d.account.id) != Some(detail.account.id) {
                model.account.scroll = 0;
            }
            model.account.detail = Some(*detail);
            vec![]
        }
        Msg::PlaysLoaded { account, plays } => {
            if plays.is_empty() {
                model.status = Status::Error("no plays installed (playbook plays install FILE)".into());
            } else {
                model.popup = Some(Popup::Enroll { account, plays, choice: 0 });
            }
            vec![]
        }
        Msg::ReportLoaded(report) => {
            let m = &mut model.manager;
            if m.owner.is_none() {
                m.owners = report.reps.iter().map(|r| r.owner.clone()).collect();
            }
            // The rep highlighted stays highlighted when the rows re-sort.
            let was = m.report.as_ref().and_then(|r| r.reps.get(m.rep)).map(|r| r.owner.clone());
            if let Some(i) = was.and_then(|owner| report.reps.iter().position(|r| r.owner == owner)) {
                m.rep = i;
            }
            m.play = m.play.min(report.plays.len().saturating_sub(1));
            m.rep = m.rep.min(report.reps.len().saturating_sub(1));
            m.report = Some(report);
            m.loaded = true;
            vec![]
        }
        Msg::ActionDone(text) => {
            model.sent_form = None;
            model.status = Status::Info(text);
            model.demo_notice = false;
            // The review is rebuilt when next looked at, not after every touch.
            model.manager.loaded = false;
            let mut effects = vec![Effect::ReloadQueue];
            if model.screen == Screen::Manager {
                effects.push(load_report(model));
            }
            if model.accounts.loaded {
                effects.push(Effect::LoadAccounts { offset: 0 });
            }
            if let Some(id) = model.account.detail.as_ref().map(|d| d.account.id) {
                effects.push(Effect::LoadAccount(id));
            }
            effects
        }
        // Another process (a CLI command, a teammate) changed the store.
        Msg::StoreChanged => reload(model),
        Msg::HandedOver(text) => {
            model.status = Status::Info(text);
            vec![]
        }
        Msg::Failed(text) => {
            model.status = Status::Error(text);
            // A refused form comes back with what was typed, to be fixed.
            if let Some(form) = model.sent_form.take() {
                model.popup = Some(Popup::Form(form));
            }
            vec![]
        }
    }
}

/// Everything on screen read again (the cursor stays on its record).
fn reload(model: &mut Model) -> Vec<Effect> {
    let mut effects = vec![Effect::LoadQueue];
    if model.accounts.loaded {
        effects.push(Effect::LoadAccounts { offset: 0 });
    }
    if let Some(id) = model.account.detail.as_ref().map(|d| d.account.id) {
        effects.push(Effect::LoadAccount(id));
    }
    if model.screen == Screen::Manager {
        effects.push(load_report(model));
    } else {
        model.manager.loaded = false;
    }
    effects
}

/// Moves the queue's cursor to the next match of the search (`step` 1),
/// the previous one (-1), or the first from the cursor on (0); says which.
fn find(model: &mut Model, step: isize) -> Vec<Effect> {
    let q = &model.queue;
    let needle = q.search.trim().to_string();
    if needle.is_empty() {
        model.status = Status::Info("nothing to find: / types a search".into());
        return vec![];
    }
    let len = q.len();
    let matches: Vec<usize> = (0..len).filter(|i| q.matches(*i)).collect();
    let Some(&first) = matches.first() else {
        model.status = Status::Info(format!("no row matches {}", crate::text::quoted(&needle)));
        return vec![];
    };
    let at = q.selected;
    let target = match step {
        0 => matches.iter().copied().find(|i| *i >= at).unwrap_or(first),
        s if s > 0 => matches.iter().copied().find(|i| *i > at).unwrap_or(first),
        _ => matches.iter().rev().copied().find(|i| *i < at).unwrap_or(*matches.last().unwrap_or(&first)),
    };
    let nth = matches.iter().position(|i| *i == target).unwrap_or(0) + 1;
    model.status = Status::Info(format!("match {nth} of {} for {}", matches.len(), crate::text::quoted(&needle)));
    if target == model.queue.selected {
        return vec![];
    }
    model.queue.selected = target;
    model.queue.scroll = 0;
    model.queue.reading = false;
    content_effect(model)
}

/// The choice of a list popup drawn at screen line `y`, with the one
/// highlighted now. Such a popup is centred: a title line (what it acts on)
/// and a blank line, the choices, a blank line and the keys, in a border.
fn popup_choice_at(model: &Model, y: u16) -> Option<(usize, usize)> {
    let (count, current) = match model.popup.as_ref()? {
        Popup::Outcome { choices, choice, .. } => (choices.len(), *choice),
        Popup::Reply { choice, .. } => (REPLIES.len(), *choice),
        Popup::End { choice, .. } => (Ending::ALL.len(), *choice),
        Popup::Enroll { plays, choice, .. } => (plays.len(), *choice),
        Popup::Snooze { choice, .. } => (SnoozeTo::presets().len() + 1, *choice),
        _ => return None,
    };
    let height = (count as u16 + 4 + 2).min(model.size.1);
    let top = (model.size.1 - height) / 2;
    let first = top + 1 + 2;
    let index = usize::from(y.checked_sub(first)?);
    (index < count).then_some((index, current))
}

/// How far the help can scroll: its rows (commands and section titles in
/// two columns) past what the screen shows.
fn help_lines(model: &Model) -> u16 {
    let rows = (Command::ALL.len() + 4).div_ceil(2) as u16;
    rows.saturating_sub(model.size.1.saturating_sub(2)).max(1)
}

/// The lines the selected touch takes on a screen as wide as the terminal
/// (long lines wrap): how far its reader scrolls, the last line kept in view.
fn touch_lines(model: &Model) -> u16 {
    let width = usize::from(model.size.0.saturating_sub(2)).max(20);
    let wrapped = |text: &str| text.lines().map(|l| crate::text::width(l).div_ceil(width).max(1)).sum::<usize>();
    let mut lines = 6;
    if let Some(Ok((_, body))) = &model.queue.content {
        lines += wrapped(body);
    }
    if let Some(note) = model.queue.current().and_then(|i| i.row.touch.note.as_deref()) {
        lines += 2 + wrapped(note);
    }
    u16::try_from(lines.saturating_sub(1)).unwrap_or(u16::MAX)
}

/// About how many lines the account screen takes: how far it scrolls.
fn account_lines(d: &AccountDetail) -> u16 {
    let plays: usize =
        d.plays.iter().map(|p| 2 + p.steps.iter().map(|s| 1 + s.touches.len()).sum::<usize>() + p.extra.len()).sum();
    let lines = 8 + d.triggers.len() + 2 * d.players.len() + plays + d.activity.len();
    u16::try_from(lines).unwrap_or(u16::MAX)
}

/// Moves a scroll offset, never above the top.
fn scroll(offset: &mut u16, delta: isize) {
    let moved = i64::from(*offset) + delta.clamp(-10_000, 10_000) as i64;
    *offset = moved.clamp(0, 10_000) as u16;
}

fn content_effect(model: &mut Model) -> Vec<Effect> {
    model.queue.content = None;
    model.queue.answer = None;
    model
        .queue
        .current()
        .map(|i| vec![Effect::LoadContent { touch: i.row.touch.id, play: i.row.play_id }])
        .unwrap_or_default()
}

fn on_key(model: &mut Model, key: KeyEvent) -> Vec<Effect> {
    // ctrl-c quits from anywhere, whatever keys.toml says: no binding, popup
    // or prompt can trap the user.
    if key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL) {
        model.quit = true;
        return vec![];
    }
    if model.help {
        // j/k (or the arrows) scroll a help longer than the screen; any
        // other key closes it.
        match key.code {
            // Never further than the help is long (two columns of commands).
            KeyCode::Char('j') | KeyCode::Down => {
                model.help_scroll = model.help_scroll.saturating_add(1).min(help_lines(model));
            }
            KeyCode::Char('k') | KeyCode::Up => model.help_scroll = model.help_scroll.saturating_sub(1),
            _ => {
                model.help = false;
                model.help_scroll = 0;
            }
        }
        return vec![];
    }
    if model.popup.is_some() {
        return on_popup_key(model, key);
    }
    if let Some(text) = model.manager.editing.as_mut() {
        match key.code {
            KeyCode::Esc => model.manager.editing = None,
            KeyCode::Enter => {
                let range = text.trim().to_string();
                let today = model.now.with_timezone(&model.zone).date_naive();
                return match Period::parse(&range, today, model.zone) {
                    Ok(_) => {
                        model.manager.editing = None;
                        model.manager.period = PeriodChoice::Custom(range);
                        vec![load_report(model)]
                    }
                    Err(e) => {
                        model.status = Status::Error(e);
                        vec![]
                    }
                };
            }
            _ => edit_line(text, &key),
        }
        return vec![];
    }
    if let Some(text) = model.accounts.editing.as_mut() {
        match key.code {
            KeyCode::Esc => model.accounts.editing = None,
            KeyCode::Enter => {
                model.accounts.filter = text.trim().to_string();
                model.accounts.editing = None;
                return vec![Effect::LoadAccounts { offset: 0 }];
            }
            _ => edit_line(text, &key),
        }
        return vec![];
    }
    if let Some(text) = model.queue.searching.as_mut() {
        match key.code {
            KeyCode::Esc => model.queue.searching = None,
            KeyCode::Enter => {
                model.queue.search = text.trim().to_string();
                model.queue.searching = None;
                return find(model, 0);
            }
            _ => edit_line(text, &key),
        }
        return vec![];
    }
    let Some(key) = Key::from_event(&key) else { return vec![] };
    match model.keymap.resolve(model.screen.scope(), key) {
        Some(command) => on_command(model, command),
        None => vec![],
    }
}

/// The wheel moves the list (or scrolls what is being read, or the help);
/// a click on the top bar picks a screen.
fn on_mouse(model: &mut Model, event: crossterm::event::MouseEvent) -> Vec<Effect> {
    use crossterm::event::{MouseButton, MouseEventKind};
    let wheel = match event.kind {
        MouseEventKind::ScrollDown => Some(1),
        MouseEventKind::ScrollUp => Some(-1),
        _ => None,
    };
    if let Some(delta) = wheel {
        if model.help {
            scroll(&mut model.help_scroll, delta);
            model.help_scroll = model.help_scroll.min(help_lines(model));
            return vec![];
        }
        if model.popup.is_some() {
            return vec![];
        }
        return on_command(model, if delta > 0 { Command::Down } else { Command::Up });
    }
    match event.kind {
        // A click on a popup's choice highlights it; a click on the
        // highlighted one takes it (as Enter would).
        MouseEventKind::Down(MouseButton::Left) if model.popup.is_some() => {
            let Some((index, current)) = popup_choice_at(model, event.row) else { return vec![] };
            if index == current {
                on_popup_key(model, KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE))
            } else {
                if let Some(
                    Popup::Outcome { choice, .. }
                    | Popup::Reply { choice, .. }
                    | Popup::End { choice, .. }
                    | Popup::Enroll { choice, .. }
                    | Popup::Snooze { choice, .. },
                ) = model.popup.as_mut()
                {
                    *choice = index;
                }
                vec![]
            }
        }
        // A line being typed (find, filter, period) keeps the keys: a click
        // elsewhere would leave it hidden but listening.
        _ if model.queue.searching.is_some() || model.accounts.editing.is_some() || model.manager.editing.is_some() => {
            vec![]
        }
        MouseEventKind::Down(MouseButton::Left) if model.popup.is_none() && !model.help && event.row == 0 => {
            super::view::tab_at(event.column).map(|s| go(model, s)).unwrap_or_default()
        }
        // A click on a queue row selects it, as moving there would.
        MouseEventKind::Down(MouseButton::Left)
            if model.popup.is_none() && !model.help && model.screen == Screen::Queue && !model.queue.reading =>
        {
            let screen = ratatui::layout::Rect::new(0, 0, model.size.0, model.size.1);
            match super::view::queue_row_at(model, screen, event.row) {
                Some(index) if index != model.queue.selected => {
                    model.queue.selected = index;
                    model.queue.scroll = 0;
                    content_effect(model)
                }
                _ => vec![],
            }
        }
        MouseEventKind::Down(MouseButton::Left) if model.screen == Screen::Manager && !model.help => {
            let screen = ratatui::layout::Rect::new(0, 0, model.size.0, model.size.1);
            if let Some(index) = super::view::manager_rep_at(model, screen, event.column, event.row) {
                model.manager.rep = index;
            }
            vec![]
        }
        MouseEventKind::Down(MouseButton::Left) if model.screen == Screen::Accounts && !model.help => {
            let screen = ratatui::layout::Rect::new(0, 0, model.size.0, model.size.1);
            if let Some(index) = super::view::accounts_row_at(model, screen, event.row) {
                model.accounts.selected = index;
            }
            vec![]
        }
        _ => vec![],
    }
}

fn go(model: &mut Model, screen: Screen) -> Vec<Effect> {
    let focused = model.focused_account();
    if screen == Screen::Account && model.screen != Screen::Account {
        model.back_to = model.screen;
    }
    model.screen = screen;
    match screen {
        Screen::Accounts if !model.accounts.loaded => vec![Effect::LoadAccounts { offset: 0 }],
        Screen::Manager if !model.manager.loaded => vec![load_report(model)],
        Screen::Account => match focused {
            Some(id) => vec![Effect::LoadAccount(id)],
            None => vec![],
        },
        _ => vec![],
    }
}

fn move_by(selected: &mut usize, len: usize, delta: isize) {
    if len == 0 {
        *selected = 0;
        return;
    }
    let max = len as isize - 1;
    *selected = (*selected as isize + delta).clamp(0, max) as usize;
}

fn on_command(model: &mut Model, command: Command) -> Vec<Effect> {
    let delta: Option<isize> = match command {
        Command::Down => Some(1),
        Command::Up => Some(-1),
        Command::PageDown => Some(PAGE as isize),
        Command::PageUp => Some(-(PAGE as isize)),
        Command::Top => Some(isize::MIN / 2),
        Command::Bottom => Some(isize::MAX / 2),
        _ => None,
    };
    if let Some(delta) = delta {
        return match model.screen {
            // Reading a touch, the moves scroll it, never past its end.
            Screen::Queue if model.queue.reading => {
                scroll(&mut model.queue.scroll, delta);
                model.queue.scroll = model.queue.scroll.min(touch_lines(model));
                vec![]
            }
            Screen::Queue => {
                let before = model.queue.selected;
                let len = model.queue.len();
                move_by(&mut model.queue.selected, len, delta);
                if before == model.queue.selected {
                    vec![]
                } else {
                    model.queue.scroll = 0;
                    content_effect(model)
                }
            }
            Screen::Accounts => {
                let len = model.accounts.items.len();
                move_by(&mut model.accounts.selected, len, delta);
                if model.accounts.more && model.accounts.sort == Sort::Rank && model.accounts.selected + PAGE >= len {
                    model.accounts.more = false;
                    vec![Effect::LoadAccounts { offset: len }]
                } else {
                    vec![]
                }
            }
            Screen::Manager => {
                let len = model.manager.report.as_ref().map_or(0, |r| r.reps.len());
                move_by(&mut model.manager.rep, len, delta);
                vec![]
            }
            Screen::Account => {
                let last = model.account.detail.as_ref().map_or(0, account_lines);
                let scroll = i64::from(model.account.scroll) + delta.clamp(-10_000, 10_000) as i64;
                model.account.scroll = scroll.clamp(0, i64::from(last)) as u16;
                vec![]
            }
        };
    }
    let touch = model.queue.current().map(|i| (i.row.touch.id, i.row.touch.channel));
    let on_queue = model.screen == Screen::Queue;
    match command {
        Command::Quit => {
            model.quit = true;
            vec![]
        }
        Command::Help => {
            model.help = true;
            vec![]
        }
        Command::NextScreen | Command::PreviousScreen => {
            let i = Screen::ALL.iter().position(|s| *s == model.screen).unwrap_or(0);
            let step = if command == Command::NextScreen { 1 } else { Screen::ALL.len() - 1 };
            go(model, Screen::ALL[(i + step) % Screen::ALL.len()])
        }
        Command::QueueScreen => go(model, Screen::Queue),
        Command::ManagerScreen => go(model, Screen::Manager),
        Command::Period => {
            model.manager.period = model.manager.period.next();
            vec![load_report(model)]
        }
        Command::CustomPeriod => {
            let current = match &model.manager.period {
                PeriodChoice::Custom(range) => range.clone(),
                _ => String::new(),
            };
            model.manager.editing = Some(current);
            vec![]
        }
        Command::Owner => {
            let m = &mut model.manager;
            m.owner = match &m.owner {
                None => m.owners.first().cloned(),
                Some(o) => m.owners.iter().skip_while(|x| *x != o).nth(1).cloned(),
            };
            m.rep = 0;
            vec![load_report(model)]
        }
        Command::NextPlay | Command::PreviousPlay => {
            let len = model.manager.report.as_ref().map_or(0, |r| r.plays.len());
            if len > 0 {
                let step = if command == Command::NextPlay { 1 } else { len - 1 };
                model.manager.play = (model.manager.play + step) % len;
            }
            vec![]
        }
        Command::AccountsScreen => go(model, Screen::Accounts),
        // On the queue, Enter reads the touch first; again, its account.
        Command::Open if model.screen == Screen::Queue && !model.queue.reading && model.queue.current().is_some() => {
            model.queue.reading = true;
            vec![]
        }
        Command::Find => {
            model.queue.searching = Some(model.queue.search.clone());
            vec![]
        }
        Command::NextMatch => find(model, 1),
        Command::PreviousMatch => find(model, -1),
        Command::Reverse => {
            let was = selected_account(model);
            model.accounts.reverse = !model.accounts.reverse;
            sort_accounts(model, was);
            let order = if model.accounts.reverse { "reversed" } else { "as is" };
            model.status = Status::Info(format!("sorted by {}, {order}", model.accounts.sort.label()));
            vec![]
        }
        // Yours, then every rep's, then each rep in turn, then yours again.
        Command::Everyone => {
            let a = &mut model.accounts;
            let next_rep = match (&a.rep, a.everyone) {
                (None, true) => a.reps.first().cloned(),
                (Some(r), _) => a.reps.iter().skip_while(|x| *x != r).nth(1).cloned(),
                (None, false) => None,
            };
            let (everyone, rep) = match (&a.rep, a.everyone, next_rep) {
                (None, false, _) => (true, None),
                (_, _, Some(r)) => (false, Some(r)),
                _ => (false, None),
            };
            a.everyone = everyone;
            a.rep = rep;
            let whose = match (&a.rep, a.everyone, &model.owner) {
                (Some(r), _, _) => format!("{r}'s accounts"),
                (None, true, _) => "every rep's accounts (o again: one rep)".to_string(),
                (None, false, Some(me)) => format!("{me}'s accounts"),
                (None, false, None) => "every rep's accounts".to_string(),
            };
            model.status = Status::Info(format!("showing {whose}"));
            vec![Effect::LoadAccounts { offset: 0 }]
        }
        Command::Read => {
            model.queue.reading = !model.queue.reading && model.queue.current().is_some();
            vec![]
        }
        Command::ScrollDown | Command::ScrollUp => {
            scroll(&mut model.queue.scroll, if command == Command::ScrollDown { 3 } else { -3 });
            model.queue.scroll = model.queue.scroll.min(touch_lines(model));
            vec![]
        }
        Command::AccountScreen | Command::Open => {
            model.queue.reading = false;
            if model.screen == Screen::Account {
                vec![]
            } else {
                go(model, Screen::Account)
            }
        }
        Command::Back => {
            if model.screen == Screen::Queue && model.queue.reading {
                model.queue.reading = false;
            } else if model.screen == Screen::Account {
                model.screen = model.back_to;
            } else {
                model.status = Status::None;
            }
            vec![]
        }
        Command::Undo => vec![Effect::Act(Request::Undo)],
        // The whole overdue group at once, whichever touch is selected.
        Command::CatchUp if on_queue => {
            vec![Effect::Act(Request::CatchUp { owner: model.owner.clone(), per_day: None, dry_run: false })]
        }
        Command::Refresh => reload(model),
        Command::Enroll => model.focused_account().map(|a| vec![Effect::LoadPlays(a)]).unwrap_or_default(),
        Command::End => {
            if let (Some(account), Some(name)) = (model.focused_account(), model.focused_account_name()) {
                model.popup = Some(Popup::End { account, name, choice: 0 });
            }
            vec![]
        }
        Command::AddTrigger | Command::AddPlayer => {
            match (model.focused_account(), model.focused_account_name()) {
                (Some(account), Some(name)) => {
                    let form = if command == Command::AddTrigger {
                        Form::add_trigger(account, &name)
                    } else {
                        Form::add_player(account, &name)
                    };
                    model.popup = Some(Popup::Form(Box::new(form)));
                }
                _ => model.status = Status::Info("select an account first".into()),
            }
            vec![]
        }
        Command::AddAccount => {
            model.popup = Some(Popup::Form(Box::new(Form::add_account())));
            vec![]
        }
        Command::Respond => {
            // On the account screen the latest sent touch is offered; any
            // `#id` of its timeline can be typed instead.
            match (model.focused_account_name(), model.screen) {
                (Some(name), Screen::Account) => {
                    let latest = model.account.detail.as_ref().and_then(|d| {
                        d.plays
                            .iter()
                            .flat_map(|p| p.steps.iter().flat_map(|s| &s.touches).chain(&p.extra))
                            .filter(|t| t.touch.state == crate::domain::TouchState::Done)
                            .max_by_key(|t| t.touch.done_at)
                            .map(|t| t.touch.id)
                    });
                    model.popup = Some(Popup::Form(Box::new(Form::respond(&name, latest))));
                }
                (Some(name), _) => {
                    let touch = model.queue.current().map(|i| i.row.touch.id);
                    model.popup = Some(Popup::Form(Box::new(Form::respond(&name, touch))));
                }
                (None, _) => model.status = Status::Info("select an account first".into()),
            }
            vec![]
        }
        Command::PauseResume => model
            .focused_account()
            .map(|a| vec![Effect::Act(Request::PauseOrResume { account: a })])
            .unwrap_or_default(),
        Command::Filter => {
            model.accounts.editing = Some(model.accounts.filter.clone());
            vec![]
        }
        Command::Rate => {
            if let Some(item) = model.accounts.items.get(model.accounts.selected) {
                let a = &item.row.account;
                let digits =
                    a.bant.map_or_else(String::new, |b| format!("{}{}{}{}", b.budget, b.authority, b.need, b.timing));
                model.popup = Some(Popup::Rate { account: a.id, name: a.name.clone(), digits });
            }
            vec![]
        }
        Command::Sort => {
            let was = selected_account(model);
            model.accounts.sort = model.accounts.sort.next();
            sort_accounts(model, was);
            model.status = Status::Info(format!("sorted by {}", model.accounts.sort.label()));
            vec![]
        }
        touch_command if on_queue => match (touch_command, touch) {
            (_, None) if model.queue.current_decision().is_some() => {
                let keys = |c: Command| model.keymap.label(c);
                model.status = Status::Info(format!(
                    "a decision waits here: {} resumes the play, {} ends it",
                    keys(Command::PauseResume),
                    keys(Command::End)
                ));
                vec![]
            }
            (_, None) => {
                model.status = Status::Info("nothing selected".into());
                vec![]
            }
            (Command::Done, Some((id, channel))) => {
                model.popup = Some(Popup::Outcome { touch: id, choices: done_outcomes(channel).to_vec(), choice: 0 });
                vec![]
            }
            (Command::Skip, Some((id, _))) => {
                model.popup = Some(Popup::SkipReason { touch: id, text: String::new() });
                vec![]
            }
            (Command::Snooze, Some((id, _))) => {
                model.popup = Some(Popup::Snooze { touch: id, choice: 0, custom: String::new() });
                vec![]
            }
            (Command::Replied, Some((id, _))) => {
                model.popup = Some(Popup::Reply { on: On::Touch(id), choice: 0 });
                vec![]
            }
            (Command::Note, Some((id, _))) => {
                let mut editor = TextArea::default();
                editor.set_placeholder_text("Type the note; ctrl-s saves, esc cancels");
                model.popup = Some(Popup::Note { touch: id, editor: Box::new(editor) });
                vec![]
            }
            (Command::EditPlayer, Some(_)) => {
                if let Some(row) = model.queue.current().map(|i| &i.row) {
                    let form = Form::edit_player(
                        row.touch.player_id,
                        &row.player_name,
                        row.zone.name(),
                        row.tier.as_str(),
                        row.role.as_str(),
                    );
                    model.popup = Some(Popup::Form(Box::new(form)));
                }
                vec![]
            }
            (Command::Copy, Some(_)) => {
                hand_over(model, handoff::copy, |h| Effect::Copy { text: h.payload, said: h.said })
            }
            (Command::OpenTouch, Some(_)) => {
                hand_over(model, handoff::open, |h| Effect::Open { uri: h.payload, said: h.said })
            }
            (Command::Opened, Some((id, _))) => vec![respond(On::Touch(id), Response::Opened)],
            (Command::Meeting, Some((id, _))) => confirm(model, On::Touch(id), Response::Meeting),
            (Command::Bounced, Some((id, _))) => confirm(model, On::Touch(id), Response::Bounced),
            _ => vec![],
        },
        _ => vec![],
    }
}

/// `y` and `g`: what the selected touch hands over, or why nothing can be.
fn hand_over(
    model: &mut Model,
    decide: fn(&QueueItem, &handoff::Content) -> Result<Handoff, String>,
    effect: fn(Handoff) -> Effect,
) -> Vec<Effect> {
    let Some(item) = model.queue.current() else { return vec![] };
    match decide(item, &model.queue.content) {
        Ok(handoff) => vec![effect(handoff)],
        Err(e) => {
            model.status = Status::Error(e);
            vec![]
        }
    }
}

fn respond(on: On, response: Response) -> Effect {
    Effect::Act(Request::Respond { on, response, note: None })
}

/// A response that stops a whole thread asks first: one key confirms.
fn confirm(model: &mut Model, on: On, response: Response) -> Vec<Effect> {
    let question = match &response {
        Response::Meeting => "Meeting booked? Their thread ends; the play waits for you.",
        Response::Bounced => "Bounced? Nothing more goes to this player.",
        Response::OptedOut => "Opted out? Nothing more goes to this player.",
        _ => "Log this response?",
    };
    model.popup = Some(Popup::Confirm {
        question: question.into(),
        request: Box::new(Request::Respond { on, response, note: None }),
    });
    vec![]
}

fn pick(choice: &mut usize, len: usize, key: &KeyEvent) {
    match key.code {
        KeyCode::Down | KeyCode::Char('j') | KeyCode::Tab => *choice = (*choice + 1) % len,
        KeyCode::Up | KeyCode::Char('k') | KeyCode::BackTab => *choice = (*choice + len - 1) % len,
        KeyCode::Char(c @ '1'..='9') => {
            let n = c as usize - '1' as usize;
            if n < len {
                *choice = n;
            }
        }
        _ => {}
    }
}

fn on_popup_key(model: &mut Model, key: KeyEvent) -> Vec<Effect> {
    // An escape typed just before a letter reaches us as alt-letter: it
    // must not pick a choice in a popup that acts on a whole play.
    if key.modifiers.contains(KeyModifiers::ALT) {
        return vec![];
    }
    if key.code == KeyCode::Esc {
        model.popup = None;
        return vec![];
    }
    if let Some(Popup::Form(form)) = model.popup.as_mut() {
        return match form.key(&key) {
            FormKey::Typing => vec![],
            FormKey::Cancel => {
                model.popup = None;
                vec![]
            }
            FormKey::Send(request) => {
                if let Some(problem) = form.problem() {
                    // The form stays open with what was typed.
                    model.status = Status::Error(problem);
                    vec![]
                } else {
                    if let Some(Popup::Form(form)) = model.popup.take() {
                        model.sent_form = Some(form);
                    }
                    vec![Effect::Act(*request)]
                }
            }
        };
    }
    let enter = key.code == KeyCode::Enter;
    let Some(popup) = model.popup.as_mut() else { return vec![] };
    let action = match popup {
        Popup::Outcome { touch, choices, choice } => {
            pick(choice, choices.len(), &key);
            enter.then(|| Request::Done { touch: *touch, outcome: choices.get(*choice).copied(), note: None })
        }
        Popup::Reply { on, choice } => {
            pick(choice, REPLIES.len(), &key);
            enter.then_some(Request::Respond {
                on: *on,
                response: Response::Replied { positive: *choice == 0 },
                note: None,
            })
        }
        Popup::Confirm { request, .. } => {
            if matches!(key.code, KeyCode::Enter | KeyCode::Char('y' | 'Y')) {
                Some((**request).clone())
            } else {
                model.popup = None;
                model.status = Status::Info("cancelled".into());
                return vec![];
            }
        }
        // Handled above, before any other popup.
        Popup::Form(_) => None,
        Popup::End { account, choice, .. } => {
            pick(choice, Ending::ALL.len(), &key);
            enter.then(|| Request::End { account: *account, ending: Ending::ALL[*choice], play: None, note: None })
        }
        Popup::Enroll { account, plays, choice } => {
            pick(choice, plays.len(), &key);
            enter.then(|| Request::Enroll {
                account: *account,
                play: plays[*choice].clone(),
                players: vec![],
                also: false,
            })
        }
        Popup::SkipReason { touch, text } => {
            edit_line(text, &key);
            enter.then(|| Request::Skip {
                touch: *touch,
                reason: Some(text.trim().to_string()).filter(|t| !t.is_empty()),
            })
        }
        Popup::Snooze { touch, choice, custom } => {
            let clear = key.code == KeyCode::Char('u') && key.modifiers.contains(KeyModifiers::CONTROL);
            let typing = matches!(key.code, KeyCode::Char(c) if c.is_ascii_digit() || c == ':' || c == '-' || c == ' ')
                || key.code == KeyCode::Backspace
                || clear;
            let presets = SnoozeTo::presets();
            if *choice == presets.len() && typing {
                edit_line(custom, &key);
            } else {
                pick(choice, presets.len() + 1, &key);
            }
            if enter {
                let to = match presets.get(*choice) {
                    Some((_, to)) => Ok(*to),
                    None => parse_when(custom, model.now, model.zone).map(SnoozeTo::Until),
                };
                match to {
                    Ok(to) => Some(Request::Snooze { touch: *touch, to: Some(to) }),
                    Err(e) => {
                        model.status = Status::Error(e);
                        return vec![];
                    }
                }
            } else {
                None
            }
        }
        Popup::Rate { account, digits, .. } => {
            match key.code {
                KeyCode::Char('u') if key.modifiers.contains(KeyModifiers::CONTROL) => digits.clear(),
                KeyCode::Char(c @ '1'..='5') if digits.len() < 4 => digits.push(c),
                KeyCode::Backspace => {
                    digits.pop();
                }
                _ => {}
            }
            if enter {
                if digits.len() == 4 {
                    let mut factors = [None; 4];
                    for (f, c) in factors.iter_mut().zip(digits.chars()) {
                        *f = c.to_digit(10).and_then(|d| u8::try_from(d).ok());
                    }
                    Some(Request::Rate { account: *account, factors })
                } else {
                    model.status = Status::Error("type four digits 1-5: budget, authority, need, timing".into());
                    return vec![];
                }
            } else {
                None
            }
        }
        Popup::Note { touch, editor } => {
            let save = key.modifiers.contains(KeyModifiers::CONTROL) && key.code == KeyCode::Char('s');
            if save {
                Some(Request::Note { touch: *touch, text: editor.lines().join("\n") })
            } else {
                editor.input(key);
                None
            }
        }
    };
    match action {
        Some(action) => {
            model.popup = None;
            vec![Effect::Act(action)]
        }
        None => vec![],
    }
}

fn load_report(model: &Model) -> Effect {
    Effect::LoadReport { period: model.manager.period.spec().to_string(), owner: model.manager.owner.clone() }
}

/// A typed line: characters, backspace, ctrl-u clears it.
fn edit_line(text: &mut String, key: &KeyEvent) {
    match key.code {
        KeyCode::Char('u') if key.modifiers.contains(KeyModifiers::CONTROL) => text.clear(),
        KeyCode::Backspace => {
            text.pop();
        }
        KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => text.push(c),
        _ => {}
    }
}

/// `14:30` (today, or tomorrow when past) or `2026-12-01 09:00`, in the rep's zone.
pub fn parse_when(text: &str, now: DateTime<Utc>, zone: chrono_tz::Tz) -> Result<DateTime<Utc>, String> {
    let text = text.trim();
    let bad = || format!("{} is not a time: type HH:MM or YYYY-MM-DD HH:MM", crate::text::quoted(text));
    let local = if let Ok(t) = NaiveTime::parse_from_str(text, "%H:%M") {
        let today = now.with_timezone(&zone).date_naive();
        let at = crate::cadence::window::resolve_local(zone, today.and_time(t));
        if at > now {
            return Ok(at);
        }
        (today + Duration::days(1)).and_time(t)
    } else if let Some((d, t)) = text.split_once(' ') {
        let date = NaiveDate::parse_from_str(d, "%Y-%m-%d").map_err(|_| bad())?;
        let date = crate::limits::date(date)?;
        date.and_time(NaiveTime::parse_from_str(t.trim(), "%H:%M").map_err(|_| bad())?)
    } else {
        return Err(bad());
    };
    Ok(crate::cadence::window::resolve_local(zone, local))
}

fn selected_account(model: &Model) -> Option<i64> {
    model.accounts.items.get(model.accounts.selected).map(|i| i.row.account.id)
}

/// What the queue's cursor is on, to find it again after a reload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum QueueKey {
    Decision(i64),
    Touch(i64),
}

fn queue_key(q: &crate::tui::model::QueueModel) -> Option<QueueKey> {
    q.current_decision()
        .map(|d| QueueKey::Decision(d.account_id))
        .or_else(|| q.current().map(|i| QueueKey::Touch(i.row.touch.id)))
}

/// Orders the account list, the cursor staying on the account it was on
/// (on its neighbour when that account left the list).
fn sort_accounts(model: &mut Model, was: Option<i64>) {
    order_accounts(model);
    let found = was.and_then(|id| model.accounts.items.iter().position(|i| i.row.account.id == id));
    model.accounts.selected =
        found.unwrap_or(model.accounts.selected).min(model.accounts.items.len().saturating_sub(1));
}

fn order_accounts(model: &mut Model) {
    sort_by(model);
    if model.accounts.reverse {
        model.accounts.items.reverse();
    }
}

fn sort_by(model: &mut Model) {
    let items = &mut model.accounts.items;
    match model.accounts.sort {
        Sort::Rank => items.sort_by_key(|i| i.rank),
        Sort::Name => items.sort_by_key(|i| i.row.account.name.to_lowercase()),
        Sort::NextTouch => items.sort_by_key(|i| (i.row.next_due.is_none(), i.row.next_due, i.rank)),
        Sort::Progress => items.sort_by(|a, b| {
            let p = |i: &AccountItem| i.row.touches_done * 1000 / i.row.touches_planned.max(1);
            p(b).cmp(&p(a)).then(a.rank.cmp(&b.rank))
        }),
    }
}
