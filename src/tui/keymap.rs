//! Keys → commands. The defaults are embedded in the binary
//! (`assets/keys.toml`); a user's `keys.toml` rebinds commands on top.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::fmt;

/// Where a binding applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Scope {
    Global,
    Queue,
    Accounts,
    Manager,
}

macro_rules! commands {
    ($($(#[doc = $doc:literal])+ $variant:ident => $name:literal, $scope:ident;)+) => {
        /// Something a key can ask for. The doc line is the help text.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Command { $($variant),+ }

        impl Command {
            pub const ALL: &'static [Command] = &[$(Command::$variant),+];

            pub fn name(self) -> &'static str {
                match self { $(Command::$variant => $name),+ }
            }

            pub fn help(self) -> &'static str {
                match self { $(Command::$variant => concat!($($doc),+).trim_ascii()),+ }
            }

            pub fn scope(self) -> Scope {
                match self { $(Command::$variant => Scope::$scope),+ }
            }

            fn by_name(scope: Scope, name: &str) -> Option<Command> {
                Command::ALL.iter().copied().find(|c| c.name() == name && c.scope() == scope)
            }
        }
    };
}

commands! {
    /// Quit playbook
    Quit => "quit", Global;
    /// Show or hide this help
    Help => "help", Global;
    /// Next screen
    NextScreen => "next_screen", Global;
    /// Previous screen
    PreviousScreen => "previous_screen", Global;
    /// Queue of due touches
    QueueScreen => "queue_screen", Global;
    /// Ranked accounts
    AccountsScreen => "accounts_screen", Global;
    /// The selected account and its play
    AccountScreen => "account_screen", Global;
    /// Manager review: plays, steps, reps, funnel, pipeline
    ManagerScreen => "manager_screen", Global;
    /// Move down
    Down => "down", Global;
    /// Move up
    Up => "up", Global;
    /// Go to the top
    Top => "top", Global;
    /// Go to the bottom
    Bottom => "bottom", Global;
    /// Page down
    PageDown => "page_down", Global;
    /// Page up
    PageUp => "page_up", Global;
    /// Open: the touch full screen (queue), else the selected account
    Open => "open", Global;
    /// Back / close
    Back => "back", Global;
    /// Undo the last action, with what it rescheduled
    Undo => "undo", Global;
    /// Enroll the account in a play
    Enroll => "enroll", Global;
    /// Pause or resume the account's plays (resume is a decision)
    PauseResume => "pause_resume", Global;
    /// End the account's plays: won, lost, disqualified, no response
    End => "end", Global;
    /// Add a "why now" trigger event to the account
    AddTrigger => "add_trigger", Global;
    /// Add a player to the account
    AddPlayer => "add_player", Global;
    /// Add an account
    AddAccount => "add_account", Global;
    /// Log a response (open, reply, meeting...) on any sent touch of the account
    Respond => "respond", Global;
    /// Reload from the database
    Refresh => "refresh", Global;
    /// Done (then pick the outcome)
    Done => "done", Queue;
    /// Skip, with a reason
    Skip => "skip", Queue;
    /// Snooze: 1 h, tomorrow 09:00 their time, or a chosen time
    Snooze => "snooze", Queue;
    /// Log an open: a call becomes due within 24 h
    Opened => "opened", Queue;
    /// Log a reply (positive or negative)
    Replied => "replied", Queue;
    /// Log a booked meeting
    Meeting => "meeting", Queue;
    /// Log a bounce
    Bounced => "bounced", Queue;
    /// Add a note
    Note => "note", Queue;
    /// Find in the queue: account, player, channel, content
    Find => "find", Queue;
    /// Next match of the search
    NextMatch => "next_match", Queue;
    /// Previous match of the search
    PreviousMatch => "previous_match", Queue;
    /// Read the whole touch full screen (enter too); esc returns
    Read => "read", Queue;
    /// Scroll the touch's detail down
    ScrollDown => "scroll_down", Queue;
    /// Scroll the touch's detail up
    ScrollUp => "scroll_up", Queue;
    /// Copy the touch's text, phone or URL
    Copy => "copy", Queue;
    /// Open in mail, phone or LinkedIn
    OpenTouch => "open_touch", Queue;
    /// Edit the player's zone, tier and role
    EditPlayer => "edit_player", Queue;
    /// Catch up: spread overdue touches over the coming working days
    CatchUp => "catch_up", Queue;
    /// Filter: text and industry: region: owner: status: tier:
    Filter => "filter", Accounts;
    /// Change the sort order
    Sort => "sort", Accounts;
    /// Rate BANT: budget, authority, need, timing, 1-5 each
    Rate => "rate", Accounts;
    /// Reverse the sort order
    Reverse => "reverse", Accounts;
    /// Your accounts, or every rep's
    Everyone => "everyone", Accounts;
    /// Period: today, 7 days, 30 days
    Period => "period", Manager;
    /// Period: a custom range FROM..TO
    CustomPeriod => "custom_period", Manager;
    /// Rep: all, then each in turn
    Owner => "owner", Manager;
    /// Next play in the step chart
    NextPlay => "next_play", Manager;
    /// Previous play in the step chart
    PreviousPlay => "previous_play", Manager;
}

/// A key as written in keys.toml.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Key {
    pub code: KeyCodeName,
    pub ctrl: bool,
}

/// The key codes playbook binds (a comparable copy of crossterm's).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum KeyCodeName {
    Char(char),
    Enter,
    Esc,
    Tab,
    BackTab,
    Up,
    Down,
    Left,
    Right,
    PageUp,
    PageDown,
    Home,
    End,
    F(u8),
}

impl Key {
    pub fn parse(text: &str) -> Result<Key, String> {
        let (ctrl, rest) = match text.strip_prefix("ctrl-") {
            Some(r) => (true, r),
            None => (false, text),
        };
        let code = match rest {
            "enter" => KeyCodeName::Enter,
            "esc" => KeyCodeName::Esc,
            "tab" => KeyCodeName::Tab,
            "backtab" => KeyCodeName::BackTab,
            "up" => KeyCodeName::Up,
            "down" => KeyCodeName::Down,
            "left" => KeyCodeName::Left,
            "right" => KeyCodeName::Right,
            "pgup" => KeyCodeName::PageUp,
            "pgdn" => KeyCodeName::PageDown,
            "home" => KeyCodeName::Home,
            "end" => KeyCodeName::End,
            "space" => KeyCodeName::Char(' '),
            f if f.len() > 1 && f.starts_with('f') => KeyCodeName::F(
                f[1..]
                    .parse()
                    .ok()
                    .filter(|n| (1..=24).contains(n))
                    .ok_or_else(|| format!("{} is not a key name", crate::text::quoted(text)))?,
            ),
            c if c.chars().count() == 1 => KeyCodeName::Char(c.chars().next().unwrap_or(' ')),
            _ => return Err(format!("{} is not a key name", crate::text::quoted(text))),
        };
        Ok(Key { code, ctrl })
    }

    pub fn from_event(event: &KeyEvent) -> Option<Key> {
        let code = match event.code {
            KeyCode::Char(c) => KeyCodeName::Char(c),
            KeyCode::Enter => KeyCodeName::Enter,
            KeyCode::Esc => KeyCodeName::Esc,
            KeyCode::Tab => KeyCodeName::Tab,
            KeyCode::BackTab => KeyCodeName::BackTab,
            KeyCode::Up => KeyCodeName::Up,
            KeyCode::Down => KeyCodeName::Down,
            KeyCode::Left => KeyCodeName::Left,
            KeyCode::Right => KeyCodeName::Right,
            KeyCode::PageUp => KeyCodeName::PageUp,
            KeyCode::PageDown => KeyCodeName::PageDown,
            KeyCode::Home => KeyCodeName::Home,
            KeyCode::End => KeyCodeName::End,
            KeyCode::F(n) => KeyCodeName::F(n),
            _ => return None,
        };
        Some(Key { code, ctrl: event.modifiers.contains(KeyModifiers::CONTROL) })
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.ctrl {
            f.write_str("ctrl-")?;
        }
        match self.code {
            KeyCodeName::Char(' ') => f.write_str("space"),
            KeyCodeName::Char(c) => write!(f, "{c}"),
            KeyCodeName::Enter => f.write_str("enter"),
            KeyCodeName::Esc => f.write_str("esc"),
            KeyCodeName::Tab => f.write_str("tab"),
            KeyCodeName::BackTab => f.write_str("shift-tab"),
            KeyCodeName::Up => f.write_str("↑"),
            KeyCodeName::Down => f.write_str("↓"),
            KeyCodeName::Left => f.write_str("←"),
            KeyCodeName::Right => f.write_str("→"),
            KeyCodeName::PageUp => f.write_str("pgup"),
            KeyCodeName::PageDown => f.write_str("pgdn"),
            KeyCodeName::Home => f.write_str("home"),
            KeyCodeName::End => f.write_str("end"),
            KeyCodeName::F(n) => write!(f, "f{n}"),
        }
    }
}

/// The bindings in force.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keymap {
    bindings: BTreeMap<Command, Vec<Key>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct KeysFile {
    #[serde(default)]
    global: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    queue: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    accounts: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    manager: BTreeMap<String, Vec<String>>,
}

pub const DEFAULT_KEYS: &str = include_str!("../../assets/keys.toml");

impl Keymap {
    /// The built-in defaults.
    pub fn defaults() -> Keymap {
        let mut map = Keymap { bindings: BTreeMap::new() };
        // The embedded file is tested to parse; an error here is a build bug.
        if let Err(e) = map.merge(DEFAULT_KEYS) {
            debug_assert!(false, "default keys: {e}");
        }
        map
    }

    /// The defaults with a user's file merged on top.
    pub fn with_user_file(text: &str) -> Result<Keymap, String> {
        let mut map = Keymap::defaults();
        map.merge(text)?;
        map.check()?;
        Ok(map)
    }

    /// A keymap the user cannot get stuck in: quit has a key, and no key
    /// means two commands on one screen.
    fn check(&self) -> Result<(), String> {
        if self.keys(Command::Quit).is_empty() {
            return Err("`quit` needs at least one key (ctrl-c always quits too)".into());
        }
        for scope in [Scope::Queue, Scope::Accounts, Scope::Manager] {
            let mut seen: BTreeMap<Key, Command> = BTreeMap::new();
            for (command, keys) in &self.bindings {
                if command.scope() != scope && command.scope() != Scope::Global {
                    continue;
                }
                for key in keys {
                    if let Some(other) = seen.insert(*key, *command) {
                        if other != *command {
                            return Err(format!(
                                "key {key} is bound to both `{}` and `{}`; give one of them another key",
                                other.name(),
                                command.name()
                            ));
                        }
                    }
                }
            }
        }
        Ok(())
    }

    fn merge(&mut self, text: &str) -> Result<(), String> {
        let file: KeysFile = toml::from_str(text).map_err(|e| {
            let line = e.span().map_or(1, |s| text[..s.start.min(text.len())].matches('\n').count() + 1);
            format!("line {line}: {}", e.message().trim())
        })?;
        for (scope, table) in [
            (Scope::Global, file.global),
            (Scope::Queue, file.queue),
            (Scope::Accounts, file.accounts),
            (Scope::Manager, file.manager),
        ] {
            for (name, keys) in table {
                let command = Command::by_name(scope, &name)
                    .ok_or_else(|| format!("unknown command {}", crate::text::quoted(&name)))?;
                let keys = keys.iter().map(|k| Key::parse(k)).collect::<Result<Vec<_>, _>>()?;
                self.bindings.insert(command, keys);
            }
        }
        Ok(())
    }

    /// The command a key means on a screen: the screen's own bindings first.
    pub fn resolve(&self, scope: Scope, key: Key) -> Option<Command> {
        let find =
            |s: Scope| self.bindings.iter().find(|(c, keys)| c.scope() == s && keys.contains(&key)).map(|(c, _)| *c);
        (scope != Scope::Global).then(|| find(scope)).flatten().or_else(|| find(Scope::Global))
    }

    pub fn keys(&self, command: Command) -> &[Key] {
        self.bindings.get(&command).map_or(&[], Vec::as_slice)
    }

    /// `d`, `j/↓`: a command's keys as the help and status bar show them.
    pub fn label(&self, command: Command) -> String {
        self.keys(command).iter().map(ToString::to_string).collect::<Vec<_>>().join("/")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_parse_and_every_command_has_a_key_and_help() {
        let mut map = Keymap { bindings: BTreeMap::new() };
        map.merge(DEFAULT_KEYS).expect("embedded keys parse");
        for command in Command::ALL {
            assert!(!map.keys(*command).is_empty(), "{command:?} has no key");
            assert!(!command.help().is_empty(), "{command:?} has no help");
        }
    }

    #[test]
    fn a_keymap_that_traps_the_user_is_refused() {
        Keymap::defaults().check().expect("the defaults have no clash");
        let err = Keymap::with_user_file("[global]\nquit = []\n").expect_err("no quit");
        assert!(err.contains("`quit` needs at least one key"), "{err}");
        let err = Keymap::with_user_file("[queue]\nskip = [\"d\"]\n").expect_err("clash");
        assert!(err.contains("key d is bound to both") && err.contains("done") && err.contains("skip"), "{err}");
        assert!(Keymap::with_user_file("[global]\nhelp = [\"f0\"]\n").is_err(), "no F0 key");
    }

    #[test]
    fn screen_bindings_win_over_global_ones() {
        let map = Keymap::defaults();
        let s = Key::parse("s").expect("key");
        assert_eq!(map.resolve(Scope::Queue, s), Some(Command::Skip));
        assert_eq!(map.resolve(Scope::Accounts, s), Some(Command::Sort));
        assert_eq!(map.resolve(Scope::Accounts, Key::parse("d").expect("key")), None);
        assert_eq!(map.resolve(Scope::Queue, Key::parse("down").expect("key")), Some(Command::Down));
    }

    #[test]
    fn user_file_rebinds_on_top_of_the_defaults() {
        let map = Keymap::with_user_file("[queue]\ndone = [\"w\"]\n").expect("valid");
        assert_eq!(map.resolve(Scope::Queue, Key::parse("w").expect("key")), Some(Command::Done));
        assert_eq!(map.resolve(Scope::Queue, Key::parse("d").expect("key")), None);
        assert_eq!(map.resolve(Scope::Queue, Key::parse("q").expect("key")), Some(Command::Quit));
        let err = Keymap::with_user_file("[queue]\nfly = [\"w\"]\n").expect_err("unknown");
        assert!(err.contains("fly"), "{err}");
    }
}
