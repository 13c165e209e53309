//! Small forms: a few labelled lines typed in turn, then one request. The
//! engine checks the values (as `add` and `edit` on the command line do).

use crate::engine::{AccountFields, On, PlayerFields, Request, Response};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// What a form makes when it is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormKind {
    AddTrigger {
        account: i64,
    },
    AddPlayer {
        account: i64,
    },
    AddAccount,
    EditPlayer {
        player: i64,
    },
    /// A response on any sent touch of an account (the timeline's `#id`).
    Respond,
}

/// One line of a form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormField {
    pub label: &'static str,
    pub value: String,
    /// Shown while empty.
    pub hint: &'static str,
    /// What it held when the form opened: an edit sends only what changed.
    pub initial: String,
}

/// A form being filled in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Form {
    pub kind: FormKind,
    /// Who or what it is about, for its title.
    pub about: String,
    pub fields: Vec<FormField>,
    pub focus: usize,
}

/// What a key did to a form.
#[derive(Debug, Clone, PartialEq)]
pub enum FormKey {
    Typing,
    Cancel,
    Send(Box<Request>),
}

fn field(label: &'static str, value: &str, hint: &'static str) -> FormField {
    FormField { label, value: value.to_string(), hint, initial: value.to_string() }
}

impl Form {
    pub fn add_trigger(account: i64, name: &str) -> Form {
        Form {
            kind: FormKind::AddTrigger { account },
            about: name.to_string(),
            fields: vec![
                field("what happened", "", "raised a €20M Series B"),
                field("kind", "", "funding, acquisition, executive, hiring, expansion, product-launch, other"),
                field("date", "", "YYYY-MM-DD, empty = today"),
                field("source", "", "a URL (optional)"),
            ],
            focus: 0,
        }
    }

    pub fn add_player(account: i64, name: &str) -> Form {
        Form {
            kind: FormKind::AddPlayer { account },
            about: name.to_string(),
            fields: vec![
                field("name", "", "First Last"),
                field("email", "", "optional"),
                field("title", "", "the tier follows it"),
                field("zone", "", "Europe/Berlin; empty = from the country"),
                field("phone", "", "optional"),
            ],
            focus: 0,
        }
    }

    pub fn add_account() -> Form {
        Form {
            kind: FormKind::AddAccount,
            about: String::new(),
            fields: vec![
                field("name", "", "Savanna Freight Ltd"),
                field("domain", "", "savanna.example"),
                field("industry", "", "optional"),
                field("country", "", "optional: decides players' zones"),
            ],
            focus: 0,
        }
    }

    /// Zone, tier and role, filled with what is stored.
    pub fn edit_player(player: i64, name: &str, zone: &str, tier: &str, role: &str) -> Form {
        Form {
            kind: FormKind::EditPlayer { player },
            about: name.to_string(),
            fields: vec![
                field("zone", zone, "Europe/Berlin"),
                field("tier", tier, "executive, director or practitioner"),
                field("role", role, "economic, technical, user, champion, influencer"),
            ],
            focus: 0,
        }
    }

    /// A response on a sent touch, the latest one offered.
    pub fn respond(name: &str, latest: Option<i64>) -> Form {
        Form {
            kind: FormKind::Respond,
            about: name.to_string(),
            fields: vec![
                field(
                    "touch",
                    &latest.map(|t| t.to_string()).unwrap_or_default(),
                    "the id of a sent touch (t131 or 131)",
                ),
                field("response", "", "opened, positive, negative, meeting, bounced, optout, ooo YYYY-MM-DD"),
                field("note", "", "what they said (optional)"),
            ],
            focus: 1,
        }
    }

    /// The response line read, or why it cannot be.
    fn response(&self) -> Result<Response, String> {
        let text = self.value(1).unwrap_or_default().to_ascii_lowercase();
        let mut words = text.split_whitespace();
        let word = words.next().unwrap_or_default();
        Ok(match word {
            "opened" | "open" => Response::Opened,
            "positive" | "replied" | "reply" | "yes" => Response::Replied { positive: true },
            "negative" | "no" => Response::Replied { positive: false },
            "meeting" => Response::Meeting,
            "bounced" | "bounce" => Response::Bounced,
            "optout" | "opt-out" | "opted_out" => Response::OptedOut,
            "ooo" => {
                let date = words.next().unwrap_or_default();
                let until = chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d")
                    .map_err(|_| "out of office until when? type ooo YYYY-MM-DD".to_string())?;
                Response::OutOfOffice { until }
            }
            "" => {
                return Err("type the response: opened, positive, negative, meeting, bounced, optout or ooo DATE".into())
            }
            _ => {
                return Err(format!(
                    "{} is not a response: opened, positive, negative, meeting, bounced, optout or ooo DATE",
                    crate::text::quoted(word)
                ))
            }
        })
    }

    fn touch(&self) -> Result<i64, String> {
        let text = self.value(0).unwrap_or_default();
        text.trim_start_matches(['#', 't'])
            .parse()
            .map_err(|_| format!("{} is not a touch id", crate::text::quoted(&text)))
    }

    pub fn title(&self) -> String {
        match self.kind {
            FormKind::AddTrigger { .. } => format!("Add a trigger event to {}", self.about),
            FormKind::AddPlayer { .. } => format!("Add a player at {}", self.about),
            FormKind::AddAccount => "Add an account".to_string(),
            FormKind::EditPlayer { .. } => format!("Edit {}", self.about),
            FormKind::Respond => format!("Log a response at {}", self.about),
        }
    }

    /// Typing edits the focused line; tab and arrows move between lines;
    /// enter on the last line (or ctrl-s anywhere) sends; esc cancels.
    pub fn key(&mut self, key: &KeyEvent) -> FormKey {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        let last = self.fields.len().saturating_sub(1);
        match key.code {
            KeyCode::Esc => return FormKey::Cancel,
            KeyCode::Char('s') if ctrl => return FormKey::Send(Box::new(self.request())),
            KeyCode::Enter if self.focus >= last => return FormKey::Send(Box::new(self.request())),
            KeyCode::Enter | KeyCode::Tab | KeyCode::Down => self.focus = (self.focus + 1).min(last),
            KeyCode::BackTab | KeyCode::Up => self.focus = self.focus.saturating_sub(1),
            KeyCode::Backspace => {
                if let Some(f) = self.fields.get_mut(self.focus) {
                    f.value.pop();
                }
            }
            KeyCode::Char('u') if ctrl => {
                if let Some(f) = self.fields.get_mut(self.focus) {
                    f.value.clear();
                }
            }
            KeyCode::Char(c) if !ctrl => {
                if let Some(f) = self.fields.get_mut(self.focus) {
                    if f.value.chars().count() < crate::limits::FIELD_CHARS {
                        f.value.push(c);
                    }
                }
            }
            _ => {}
        }
        FormKey::Typing
    }

    /// A line's value, `None` when left empty.
    fn value(&self, i: usize) -> Option<String> {
        self.fields.get(i).map(|f| f.value.trim().to_string()).filter(|v| !v.is_empty())
    }

    /// The request the form stands for; the engine checks every value.
    pub fn request(&self) -> Request {
        let v = |i| self.value(i);
        match self.kind {
            FormKind::AddTrigger { account } => Request::AddTrigger {
                account,
                text: v(0).unwrap_or_default(),
                kind: v(1),
                // A date that does not parse never gets here: `problem` says so first.
                date: v(2).and_then(|d| chrono::NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok()),
                source: v(3),
            },
            FormKind::AddPlayer { account } => Request::AddPlayer {
                account,
                fields: Box::new(PlayerFields {
                    name: v(0),
                    email: v(1),
                    title: v(2),
                    zone: v(3),
                    phone: v(4),
                    ..Default::default()
                }),
            },
            FormKind::AddAccount => Request::AddAccount(Box::new(AccountFields {
                name: v(0),
                domain: v(1),
                industry: v(2),
                country: v(3),
                ..Default::default()
            })),
            FormKind::Respond => Request::Respond {
                // Checked by `problem` before it is sent.
                on: On::Touch(self.touch().unwrap_or_default()),
                response: self.response().unwrap_or(Response::Opened),
                note: self.value(2),
            },
            FormKind::EditPlayer { player } => {
                let changed = |i: usize| v(i).filter(|value| self.fields.get(i).is_some_and(|f| f.initial != *value));
                Request::EditPlayer {
                    player,
                    fields: Box::new(PlayerFields {
                        zone: changed(0),
                        tier: changed(1),
                        role: changed(2),
                        ..Default::default()
                    }),
                }
            }
        }
    }

    /// A date typed that is not a date: said before anything is sent.
    pub fn problem(&self) -> Option<String> {
        match self.kind {
            FormKind::AddTrigger { .. } => self
                .value(2)
                .filter(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").is_err())
                .map(|d| format!("{} is not a date (YYYY-MM-DD)", crate::text::quoted(&d))),
            FormKind::Respond => self.touch().err().or_else(|| self.response().err()),
            _ => None,
        }
    }
}
