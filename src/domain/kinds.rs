//! The closed vocabularies of the domain, each stored and printed as a
//! lowercase snake_case word.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A word that is not one of an enum's names; says which words are.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{given}` is not a {what} (expected one of: {expected})")]
pub struct UnknownName {
    pub what: &'static str,
    pub given: String,
    pub expected: String,
}

macro_rules! named_enum {
    ($(#[$meta:meta])* $name:ident, $what:literal { $($(#[$vmeta:meta])* $variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vmeta])* $variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            /// As a person reads it: words, not the stored value.
            pub fn label(self) -> String {
                self.as_str().replace('_', " ")
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = UnknownName;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                let wanted = s.trim().to_ascii_lowercase().replace(['-', ' '], "_");
                Self::ALL
                    .iter()
                    .copied()
                    .find(|v| v.as_str() == wanted)
                    .ok_or_else(|| UnknownName {
                        what: $what,
                        given: s.to_string(),
                        expected: Self::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>().join(", "),
                    })
            }
        }
    };
}

named_enum!(
    /// Seniority of a player: who reads mail on weekends and who does not.
    Tier, "tier" {
        Executive => "executive",
        Director => "director",
        Practitioner => "practitioner",
    }
);

impl Tier {
    /// Practitioners and directors only read work mail in working hours.
    pub fn keeps_office_hours(self) -> bool {
        !matches!(self, Tier::Executive)
    }
}

named_enum!(
    /// What a player cares about in a purchase.
    Role, "buying role" {
        Economic => "economic",
        Technical => "technical",
        User => "user",
        Champion => "champion",
        Influencer => "influencer",
    }
);

named_enum!(
    /// How a touch reaches a player.
    Channel, "channel" {
        Email => "email",
        Call => "call",
        Linkedin => "linkedin",
        Social => "social",
        Ad => "ad",
        Video => "video",
        Sms => "sms",
        Meeting => "meeting",
    }
);

impl Channel {
    /// Channels that interrupt a person in real time and so never go out at night
    /// or (for anyone) on a non-working day.
    pub fn is_live(self) -> bool {
        matches!(self, Channel::Call | Channel::Sms | Channel::Meeting)
    }
}

named_enum!(
    /// Lifecycle of a touch.
    TouchState, "touch state" {
        /// Scheduled behind an earlier touch of the same thread.
        Planned => "planned",
        /// The head of its thread: shows in the queue from its due time.
        Due => "due",
        /// Due, but pushed to a later time by the rep.
        Snoozed => "snoozed",
        Done => "done",
        Skipped => "skipped",
        /// Ended by a reply, bounce, opt-out or a removed enrollment.
        Cancelled => "cancelled",
    }
);

impl TouchState {
    /// Still waiting for the rep (in the queue or behind a touch that is).
    pub fn is_open(self) -> bool {
        matches!(self, TouchState::Planned | TouchState::Due | TouchState::Snoozed)
    }
}

named_enum!(
    /// Why a touch exists.
    TouchKind, "touch kind" {
        /// A step of the play.
        Step => "step",
        /// The follow-up made due by a logged open.
        OpenFollowup => "open_followup",
    }
);

named_enum!(
    /// What came of a touch.
    Outcome, "outcome" {
        Sent => "sent",
        Connected => "connected",
        Voicemail => "voicemail",
        NoAnswer => "no_answer",
        Opened => "opened",
        RepliedPositive => "replied_positive",
        RepliedNegative => "replied_negative",
        Bounced => "bounced",
        MeetingBooked => "meeting_booked",
        OptedOut => "opted_out",
        OutOfOffice => "out_of_office",
    }
);

impl Outcome {
    /// Outcomes that count as the player engaging with us.
    pub fn is_engagement(self) -> bool {
        matches!(self, Outcome::Opened | Outcome::RepliedPositive | Outcome::RepliedNegative | Outcome::MeetingBooked)
    }
}

named_enum!(
    /// State of one play running on one account.
    EnrollmentState, "enrollment state" {
        Active => "active",
        Paused => "paused",
        Completed => "completed",
        Exited => "exited",
    }
);

named_enum!(
    /// Where an account stands in the sales lifecycle.
    AccountStatus, "account status" {
        Target => "target",
        Working => "working",
        Paused => "paused",
        /// Someone answered: the owner decides what comes next.
        Replied => "replied",
        MeetingBooked => "meeting_booked",
        /// Ended as won: a meeting held, an opportunity open.
        Opportunity => "opportunity",
        Lost => "lost",
        Disqualified => "disqualified",
        /// Ended without an answer: worth another try later.
        Nurture => "nurture",
    }
);

named_enum!(
    /// How the owner ended a play.
    Ending, "way to end a play" {
        /// A meeting held, an opportunity opened.
        Won => "won",
        Lost => "lost",
        Disqualified => "disqualified",
        NoResponse => "no_response",
    }
);

impl Ending {
    /// What the account is once a play ends this way.
    pub fn account_status(self) -> AccountStatus {
        match self {
            Ending::Won => AccountStatus::Opportunity,
            Ending::Lost => AccountStatus::Lost,
            Ending::Disqualified => AccountStatus::Disqualified,
            Ending::NoResponse => AccountStatus::Nurture,
        }
    }
}

named_enum!(
    /// Whether a player can still be reached.
    PlayerStatus, "player status" {
        Active => "active",
        Bounced => "bounced",
        OptedOut => "opted_out",
        Left => "left",
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_accept_friendly_spellings() {
        for tier in Tier::ALL {
            assert_eq!(tier.as_str().parse::<Tier>(), Ok(*tier));
        }
        assert_eq!("Meeting Booked".parse::<Outcome>(), Ok(Outcome::MeetingBooked));
        assert_eq!("no-answer".parse::<Outcome>(), Ok(Outcome::NoAnswer));
    }

    #[test]
    fn unknown_name_lists_the_choices() {
        let err = "fax".parse::<Channel>().expect_err("not a channel");
        assert!(err.to_string().contains("email, call"), "{err}");
    }
}
