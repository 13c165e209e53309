//! Plain domain types: the words of `domain.md`, with no I/O.

mod kinds;
mod records;

pub use kinds::{
    AccountStatus, Channel, Ending, EnrollmentState, Outcome, PlayerStatus, Role, Tier, TouchKind, TouchState,
    UnknownName,
};
pub use records::{Account, Bant, Player, Trigger};
