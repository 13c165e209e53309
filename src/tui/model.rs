//! UI state. Plain data: what each screen shows and where the cursor is.

use super::keymap::{Keymap, Scope};
use crate::domain::Outcome;
use crate::engine::{AccountDetail, AccountItem, On, QueueItem, Request};
use crate::report::Report;
use crate::store::DecisionRow;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use ratatui_textarea::TextArea;
use std::collections::HashMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    Queue,
    Accounts,
    Account,
    Manager,
}

impl Screen {
    pub const ALL: [Screen; 4] = [Screen::Queue, Screen::Accounts, Screen::Account, Screen::Manager];

    pub fn title(self) -> &'static str {
        match self {
            Screen::Queue => "Queue",
            Screen::Accounts => "Accounts",
            Screen::Account => "Account",
            Screen::Manager => "Manager",
        }
    }

    pub fn scope(self) -> Scope {
        match self {
            Screen::Queue => Scope::Queue,
            Screen::Accounts => Scope::Accounts,
            Screen::Account => Scope::Global,
            Screen::Manager => Scope::Manager,
        }
    }
}

/// The queue: decisions waiting, today's touches and a preview of tomorrow's.
#[derive(Debug, Clone, Default)]
pub struct QueueModel {
    /// Plays an answer paused, shown first: the owner acts on them first.
    pub decisions: Vec<DecisionRow>,
    pub items: Vec<QueueItem>,
    /// Index over the decisions, then the touches.
    pub selected: usize,
    /// Account id → rank in the rep's book.
    pub ranks: HashMap<i64, usize>,
    /// Rendered content of the selected touch (subject, body), or why not.
    pub content: Option<Result<(Option<String>, String), String>>,
    /// The selected touch's player's latest answer, in words.
    pub answer: Option<String>,
    /// The selected touch read full screen (Enter or `v`).
    pub reading: bool,
    /// What `/` looks for (account, player, channel, content title).
    pub search: String,
    /// The search being typed, while its line is open.
    pub searching: Option<String>,
    /// Lines the touch's detail (or the reader) is scrolled down by.
    pub scroll: u16,
    pub loaded: bool,
}

impl QueueModel {
    /// Whether a row matches the search: its account, player, channel or
    /// content title, any case.
    pub fn matches(&self, index: usize) -> bool {
        let needle = self.search.trim().to_lowercase();
        if needle.is_empty() {
            return false;
        }
        let has = |text: &str| text.to_lowercase().contains(&needle);
        match index.checked_sub(self.decisions.len()) {
            None => self
                .decisions
                .get(index)
                .is_some_and(|d| has(&d.account_name) || d.player_name.as_deref().is_some_and(has)),
            Some(i) => self.items.get(i).is_some_and(|item| {
                has(&item.row.account_name)
                    || has(&item.row.player_name)
                    || has(item.row.touch.channel.as_str())
                    || has(&item.step_title)
            }),
        }
    }

    /// The selected touch (none while a decision is selected).
    pub fn current(&self) -> Option<&QueueItem> {
        self.selected.checked_sub(self.decisions.len()).and_then(|i| self.items.get(i))
    }

    /// The selected decision, if the cursor is on one.
    pub fn current_decision(&self) -> Option<&DecisionRow> {
        self.decisions.get(self.selected)
    }

    /// Rows the cursor moves over.
    pub fn len(&self) -> usize {
        self.decisions.len() + self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// How the account list is ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    #[default]
    Rank,
    Name,
    NextTouch,
    Progress,
}

impl Sort {
    pub fn next(self) -> Sort {
        match self {
            Sort::Rank => Sort::Name,
            Sort::Name => Sort::NextTouch,
            Sort::NextTouch => Sort::Progress,
            Sort::Progress => Sort::Rank,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Sort::Rank => "rank",
            Sort::Name => "name",
            Sort::NextTouch => "next touch",
            Sort::Progress => "progress",
        }
    }
}

/// The ranked account list, loaded a page at a time.
#[derive(Debug, Clone, Default)]
pub struct AccountsModel {
    pub items: Vec<AccountItem>,
    pub selected: usize,
    pub filter: String,
    /// The filter being typed, while the filter line is open.
    pub editing: Option<String>,
    pub sort: Sort,
    /// The sort turned upside down (`S`).
    pub reverse: bool,
    /// Every rep's accounts, not only yours (`o`).
    pub everyone: bool,
    /// One rep's accounts, picked by walking on with `o`.
    pub rep: Option<String>,
    /// The reps seen in every rep's list: what `o` walks through.
    pub reps: Vec<String>,
    /// More rows exist past the loaded ones.
    pub more: bool,
    pub loaded: bool,
}

/// One account, scrolled as a document.
#[derive(Debug, Clone, Default)]
pub struct AccountModel {
    pub detail: Option<AccountDetail>,
    pub scroll: u16,
}

/// Which days the manager's review covers.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum PeriodChoice {
    Today,
    #[default]
    Week,
    Month,
    /// `FROM..TO`, already checked.
    Custom(String),
}

impl PeriodChoice {
    /// As `report --period` takes it.
    pub fn spec(&self) -> &str {
        match self {
            PeriodChoice::Today => "today",
            PeriodChoice::Week => "7d",
            PeriodChoice::Month => "30d",
            PeriodChoice::Custom(range) => range,
        }
    }

    pub fn next(&self) -> PeriodChoice {
        match self {
            PeriodChoice::Today => PeriodChoice::Week,
            PeriodChoice::Week => PeriodChoice::Month,
            PeriodChoice::Month | PeriodChoice::Custom(_) => PeriodChoice::Today,
        }
    }
}

/// The manager's review: one report, and what the charts focus on.
#[derive(Debug, Clone, Default)]
pub struct ManagerModel {
    pub report: Option<Box<Report>>,
    pub period: PeriodChoice,
    /// One rep, or every rep.
    pub owner: Option<String>,
    /// The reps to cycle through, from the last review of every rep.
    pub owners: Vec<String>,
    /// The custom range being typed.
    pub editing: Option<String>,
    /// The play whose steps the chart shows (index into the report's plays).
    pub play: usize,
    /// The rep whose channels and activity the charts show.
    pub rep: usize,
    /// False until loaded, and again after an action changed the figures.
    pub loaded: bool,
}

/// A small modal asking for one more thing before an action.
#[derive(Debug)]
pub enum Popup {
    /// `d`: which outcome, of those that fit the channel; Enter takes the highlighted one.
    Outcome { touch: i64, choices: Vec<Outcome>, choice: usize },
    /// `s`: why skip (optional).
    SkipReason { touch: i64, text: String },
    /// `z`: 1 h, tomorrow 09:00, or a typed time.
    Snooze { touch: i64, choice: usize, custom: String },
    /// `r`: positive or negative.
    Reply { on: On, choice: usize },
    /// A response that stops a thread: `y` or Enter sends it, any other key cancels.
    Confirm { question: String, request: Box<Request> },
    /// `n`: a multi-line note.
    Note { touch: i64, editor: Box<TextArea<'static>> },
    /// A small form: a trigger, a player, an account, a player's zone/tier/role.
    Form(Box<crate::tui::form::Form>),
    /// `x`: how the account's plays end.
    End { account: i64, name: String, choice: usize },
    /// `e`: which play.
    Enroll { account: i64, plays: Vec<String>, choice: usize },
    /// `r` on the account list: four digits 1-5 (budget, authority, need, timing).
    Rate { account: i64, name: String, digits: String },
}

/// The last message of the status bar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    None,
    Info(String),
    Error(String),
}

/// The whole UI.
#[derive(Debug)]
pub struct Model {
    pub screen: Screen,
    /// Where `back` returns to from the account screen.
    pub back_to: Screen,
    pub keymap: Keymap,
    pub now: DateTime<Utc>,
    /// The rep whose day this is (None = every rep).
    pub owner: Option<String>,
    pub zone: Tz,
    pub queue: QueueModel,
    pub accounts: AccountsModel,
    pub account: AccountModel,
    pub manager: ManagerModel,
    pub popup: Option<Popup>,
    /// A form sent and not yet answered: shown again, as typed, if the
    /// engine refuses it.
    pub sent_form: Option<Box<crate::tui::form::Form>>,
    pub help: bool,
    /// The terminal's size, for what a click lands on.
    pub size: (u16, u16),
    /// Lines the help screen is scrolled down by.
    pub help_scroll: u16,
    pub status: Status,
    /// The status shown and since when: it clears after a few seconds.
    pub status_since: Option<(Status, DateTime<Utc>)>,
    /// Shown until the first action: the store holds the built-in demo.
    pub demo_notice: bool,
    pub quit: bool,
}

impl Model {
    pub fn new(keymap: Keymap, now: DateTime<Utc>, owner: Option<String>, zone: Tz) -> Model {
        Model {
            screen: Screen::Queue,
            back_to: Screen::Queue,
            keymap,
            now,
            owner,
            zone,
            queue: QueueModel::default(),
            accounts: AccountsModel::default(),
            account: AccountModel::default(),
            manager: ManagerModel::default(),
            popup: None,
            sent_form: None,
            help: false,
            size: (0, 0),
            help_scroll: 0,
            status: Status::None,
            status_since: None,
            demo_notice: false,
            quit: false,
        }
    }

    /// The name of the account the current screen is about.
    pub fn focused_account_name(&self) -> Option<String> {
        match self.screen {
            Screen::Queue => self
                .queue
                .current_decision()
                .map(|d| d.account_name.clone())
                .or_else(|| self.queue.current().map(|i| i.row.account_name.clone())),
            Screen::Accounts => self.accounts.items.get(self.accounts.selected).map(|i| i.row.account.name.clone()),
            Screen::Account => self.account.detail.as_ref().map(|d| d.account.name.clone()),
            Screen::Manager => None,
        }
    }

    /// The account the current screen is about, if any.
    pub fn focused_account(&self) -> Option<i64> {
        match self.screen {
            Screen::Queue => self
                .queue
                .current_decision()
                .map(|d| d.account_id)
                .or_else(|| self.queue.current().map(|i| i.row.touch.account_id)),
            Screen::Accounts => self.accounts.items.get(self.accounts.selected).map(|i| i.row.account.id),
            Screen::Account => self.account.detail.as_ref().map(|d| d.account.id),
            Screen::Manager => None,
        }
    }
}
