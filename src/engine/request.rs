//! Every change a user can make, as one request type, and the one function
//! that applies it. The CLI and the TUI only build requests (resolving the
//! names a user typed to ids); defaults live here, once.

use super::{refused, Engine, Result};
use crate::domain::{Channel, Ending, EnrollmentState, Outcome};
use crate::store::Store;
use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};

/// Where a snooze moves a touch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SnoozeTo {
    /// This long from now.
    For(Duration),
    /// The next day at this local time in the player's zone (09:00 when not given).
    Tomorrow(Option<NaiveTime>),
    /// An exact instant.
    Until(DateTime<Utc>),
}

impl SnoozeTo {
    /// A snooze with nothing said: an hour.
    pub fn default_length() -> Duration {
        Duration::hours(1)
    }

    /// "Tomorrow" with no time: the start of a working morning.
    pub fn default_tomorrow() -> NaiveTime {
        NaiveTime::from_hms_opt(9, 0, 0).unwrap_or(NaiveTime::MIN)
    }

    /// The choices offered with one key, in order, with their labels.
    pub fn presets() -> [(&'static str, SnoozeTo); 2] {
        [("1 hour", SnoozeTo::For(Self::default_length())), ("tomorrow 09:00 their time", SnoozeTo::Tomorrow(None))]
    }
}

/// A response from a player: what it says, and what it carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Response {
    Opened,
    Replied {
        positive: bool,
    },
    Meeting,
    Bounced,
    OptedOut,
    /// Out of office until this date (in the player's zone).
    OutOfOffice {
        until: NaiveDate,
    },
}

impl Response {
    pub fn outcome(&self) -> Outcome {
        match self {
            Response::Opened => Outcome::Opened,
            Response::Replied { positive: true } => Outcome::RepliedPositive,
            Response::Replied { positive: false } => Outcome::RepliedNegative,
            Response::Meeting => Outcome::MeetingBooked,
            Response::Bounced => Outcome::Bounced,
            Response::OptedOut => Outcome::OptedOut,
            Response::OutOfOffice { .. } => Outcome::OutOfOffice,
        }
    }

    /// Stops a whole thread (and for answers pauses the play): worth a
    /// confirmation before it is sent from a single key.
    pub fn stops_thread(&self) -> bool {
        matches!(self, Response::Replied { .. } | Response::Meeting | Response::Bounced | Response::OptedOut)
    }
}

/// What a response is logged against: a touch, or a player's last sent touch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum On {
    /// This touch if it went out; otherwise the same player's last sent
    /// touch in its play.
    Touch(i64),
    /// The player's last sent touch in any play.
    Player(i64),
}

/// An account's fields as typed; each is checked as an import checks it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AccountFields {
    pub name: Option<String>,
    pub domain: Option<String>,
    pub owner: Option<String>,
    pub industry: Option<String>,
    pub region: Option<String>,
    pub country: Option<String>,
    pub employees: Option<String>,
    pub revenue: Option<String>,
    pub value: Option<String>,
}

/// A player's fields as typed; each is checked as an import checks it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PlayerFields {
    /// "First Last", when adding.
    pub name: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub email: Option<String>,
    pub title: Option<String>,
    pub tier: Option<String>,
    pub role: Option<String>,
    pub zone: Option<String>,
    pub phone: Option<String>,
    pub linkedin: Option<String>,
    pub status: Option<String>,
}

/// A record a user can remove.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Record {
    Account(i64),
    Player(i64),
    Trigger(i64),
}

/// One user action.
#[derive(Debug, Clone, PartialEq)]
pub enum Request {
    /// The touch happened; the outcome defaults by channel.
    Done {
        touch: i64,
        outcome: Option<Outcome>,
        note: Option<String>,
    },
    Skip {
        touch: i64,
        reason: Option<String>,
    },
    /// Later; an hour when `to` is not given.
    Snooze {
        touch: i64,
        to: Option<SnoozeTo>,
    },
    Respond {
        on: On,
        response: Response,
        note: Option<String>,
    },
    Note {
        touch: i64,
        text: String,
    },
    /// Every active player the play targets, or only `players`; a player
    /// already in another running play is refused unless `also`.
    Enroll {
        account: i64,
        play: String,
        players: Vec<i64>,
        also: bool,
    },
    /// Until the start of that day in the rep's zone, or until resumed.
    Pause {
        account: i64,
        until: Option<NaiveDate>,
    },
    Resume {
        account: i64,
    },
    /// Resume when a play is paused, else pause: one key in the UI.
    PauseOrResume {
        account: i64,
    },
    /// The owner's decision: the account's running plays (or the one
    /// named) end this way.
    End {
        account: i64,
        ending: Ending,
        play: Option<String>,
        note: Option<String>,
    },
    Rate {
        account: i64,
        factors: [Option<u8>; 4],
    },
    /// A "why now" event: dated today in the rep's zone unless given.
    AddTrigger {
        account: i64,
        text: String,
        date: Option<NaiveDate>,
        kind: Option<String>,
        source: Option<String>,
    },
    AddAccount(Box<AccountFields>),
    AddPlayer {
        account: i64,
        fields: Box<PlayerFields>,
    },
    EditAccount {
        account: i64,
        fields: Box<AccountFields>,
    },
    EditPlayer {
        player: i64,
        fields: Box<PlayerFields>,
    },
    Remove(Record),
    /// Back from leave: the rep's overdue touches spread over the coming
    /// working days, at most `per_day` a day (`[cadence] catch_up_per_day`
    /// when not given); the configured rep when `owner` is not given.
    /// `dry_run` reports the plan and changes nothing.
    CatchUp {
        owner: Option<String>,
        per_day: Option<usize>,
        dry_run: bool,
    },
    /// An absence ahead: from the start of `from` until the start of
    /// `until`, the day the rep is back (the rep's local dates). What falls
    /// in it moves past it, and what follows moves as far.
    Away {
        owner: Option<String>,
        from: NaiveDate,
        until: NaiveDate,
    },
    Undo,
}

impl Request {
    /// Whether applying it can change which plays wait for a decision: a
    /// screen showing them reads them again only then.
    pub fn changes_decisions(&self) -> bool {
        !matches!(
            self,
            Request::Done { .. }
                | Request::Skip { .. }
                | Request::Snooze { .. }
                | Request::Note { .. }
                | Request::Rate { .. }
                | Request::AddTrigger { .. }
                | Request::AddPlayer { .. }
                | Request::AddAccount(_)
                | Request::Respond { response: Response::Opened, .. }
        )
    }
}

/// What `done` can record for a touch on a channel; the first is what a
/// plain `done` records.
pub fn done_outcomes(channel: Channel) -> &'static [Outcome] {
    match channel {
        Channel::Call => &[Outcome::Connected, Outcome::Voicemail, Outcome::NoAnswer],
        // A meeting is held, or they do not show.
        Channel::Meeting => &[Outcome::Connected, Outcome::NoAnswer],
        Channel::Email | Channel::Linkedin | Channel::Social | Channel::Ad | Channel::Video | Channel::Sms => {
            &[Outcome::Sent]
        }
    }
}

/// Whether a response can come from a touch on this channel: an open or a
/// bounce is an email's (or a video message's, sent by email); an ad gets
/// no answer; the rest can follow any touch.
pub fn response_fits(outcome: Outcome, channel: Channel) -> bool {
    match outcome {
        Outcome::Opened | Outcome::Bounced => matches!(channel, Channel::Email | Channel::Video),
        Outcome::RepliedPositive | Outcome::RepliedNegative | Outcome::MeetingBooked => channel != Channel::Ad,
        _ => true,
    }
}

impl Engine {
    /// Applies one user action in one transaction; says what it did.
    ///
    /// On a team's server two reps can act on one account at once: the
    /// database then refuses one of the two transactions (serialization
    /// failure), which changed nothing, and the action is run again from
    /// its reads, so no action is lost and none lands twice.
    // Taken by value: a request is built for this one call, and a retry
    // needs the original intact.
    #[allow(clippy::needless_pass_by_value)]
    pub fn apply(&self, store: &mut Store, request: Request) -> Result<String> {
        const ATTEMPTS: u32 = 20;
        // A pause of a few milliseconds, different per process and growing a
        // little each time, so the two that collided do not collide again.
        let spread = u64::from(std::process::id() % 7);
        let mut attempt = 1;
        loop {
            match self.apply_once(store, request.clone()) {
                Err(super::EngineError::Store(e)) if e.is_retryable() && attempt < ATTEMPTS => {
                    let wait = 1 + (u64::from(attempt) * 3 + spread + u64::from(attempt * attempt) % 5) % 12;
                    std::thread::sleep(std::time::Duration::from_millis(wait));
                    attempt += 1;
                }
                done => return done,
            }
        }
    }

    fn apply_once(&self, store: &mut Store, request: Request) -> Result<String> {
        match request {
            Request::Done { touch, outcome, note } => self.done(store, touch, outcome, note.as_deref()),
            Request::Skip { touch, reason } => self.skip(store, touch, reason.as_deref()),
            Request::Snooze { touch, to } => {
                let to = match to.unwrap_or(SnoozeTo::For(SnoozeTo::default_length())) {
                    SnoozeTo::Tomorrow(None) => SnoozeTo::Tomorrow(Some(SnoozeTo::default_tomorrow())),
                    to => to,
                };
                self.snooze(store, touch, to)
            }
            Request::Respond { on, response, note } => self.respond(store, on, &response, note.as_deref()),
            Request::Note { touch, text } => self.note(store, touch, &text),
            Request::Enroll { account, play, players, also } => self.enroll(store, account, &play, &players, also),
            Request::Pause { account, until } => self.pause(store, account, until),
            Request::Resume { account } => self.resume(store, account),
            Request::PauseOrResume { account } => {
                let paused = store.enrollments_of(account)?.iter().any(|e| e.state == EnrollmentState::Paused);
                if paused {
                    self.resume(store, account)
                } else {
                    self.pause(store, account, None)
                }
            }
            Request::End { account, ending, play, note } => {
                self.end(store, account, ending, play.as_deref(), note.as_deref())
            }
            Request::Rate { account, factors } => self.rate(store, account, factors),
            Request::AddTrigger { account, text, date, kind, source } => {
                self.add_trigger(store, account, &text, date, kind.as_deref(), source.as_deref())
            }
            Request::AddAccount(fields) => self.add_account(store, &fields),
            Request::AddPlayer { account, fields } => self.add_player(store, account, &fields),
            Request::EditAccount { account, fields } => self.edit_account(store, account, &fields),
            Request::EditPlayer { player, fields } => self.edit_player(store, player, &fields),
            Request::Remove(record) => self.remove(store, record),
            Request::CatchUp { owner, per_day, dry_run } => self.catch_up(store, owner, per_day, dry_run),
            Request::Away { owner, from, until } => self.away(store, owner, from, until),
            Request::Undo => self.undo(store),
        }
    }

    fn respond(&self, store: &mut Store, on: On, response: &Response, note: Option<&str>) -> Result<String> {
        match response {
            Response::Opened => {
                if note.is_some() {
                    return Err(refused("an open carries no note; add one with `note`"));
                }
                self.opened(store, on)
            }
            Response::Replied { positive } => self.replied(store, on, *positive, note),
            Response::Meeting => self.meeting(store, on, note),
            Response::Bounced => self.unreachable(store, on, Outcome::Bounced),
            Response::OptedOut => self.unreachable(store, on, Outcome::OptedOut),
            Response::OutOfOffice { until } => self.out_of_office(store, on, *until),
        }
    }
}
