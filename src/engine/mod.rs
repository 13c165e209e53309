//! User actions and the views built on them: the cadence engine's decisions
//! applied to the store, one transaction per action.

mod catchup;
mod decide;
mod enroll;
mod placing;
mod records;
mod request;
mod triage;
mod trigger_import;
mod views;

use placing::advance_thread;

pub use records::TRIGGER_KINDS;
pub use request::{done_outcomes, AccountFields, On, PlayerFields, Record, Request, Response, SnoozeTo};
pub use triage::{local_day, on_time};
pub use trigger_import::{TriggerImport, TriggerRow};
pub use views::{parse_filter, AccountDetail, AccountItem, Group, PlayView, QueueItem, StepView, ThreadTouch};

use crate::cadence::window::resolve_local;
use crate::cadence::Policy;
use crate::config::Config;
use crate::domain::{Account, Player, Trigger};
use crate::play::{Context, MissingField, Play, Step};
use crate::rank::Weights;
use crate::store::{ActionTx, RankCutoffs, Store, StoreError};
use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use chrono_tz::Tz;

#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error(transparent)]
    Store(#[from] StoreError),
    // Refusals quote names and notes: always one line.
    #[error("{}", crate::text::one_line(.0))]
    Refused(String),
    /// The request itself does not fit (an outcome for another channel):
    /// a usage error, exit 2 from the CLI.
    #[error("{}", crate::text::one_line(.0))]
    Invalid(String),
}

pub type Result<T> = std::result::Result<T, EngineError>;

/// How many rep names a refused name lists before "and N more".
const SHOWN_REPS: usize = 12;

fn refused(message: impl Into<String>) -> EngineError {
    EngineError::Refused(message.into())
}

fn invalid(message: impl Into<String>) -> EngineError {
    EngineError::Invalid(message.into())
}

/// A note or a reason as the user typed it, as it is stored: at most
/// `limits::NOTE_CHARS` characters, line breaks and tabs kept, any other
/// control character kept as a visible symbol (`␛`).
fn user_text(text: &str) -> Result<String> {
    let chars = text.chars().count();
    if chars > crate::limits::NOTE_CHARS {
        return Err(refused(format!(
            "the text has {chars} characters; a note or reason holds at most {}",
            crate::limits::NOTE_CHARS
        )));
    }
    Ok(crate::text::clean(text).into_owned())
}

/// Who acts, under which rules, at which instant.
#[derive(Debug, Clone)]
pub struct Engine {
    pub policy: Policy,
    pub weights: Weights,
    /// Name written to the activity log.
    pub actor: String,
    /// The configured rep (`[me] name`): whose queue an action means when
    /// it names none.
    pub me: Option<String>,
    /// The zone the rep's day is counted in when the rep has none stored.
    pub zone: Tz,
    pub now: DateTime<Utc>,
}

impl Engine {
    pub fn new(config: &Config, now: DateTime<Utc>) -> Engine {
        Engine {
            policy: config.policy.clone(),
            weights: config.weights.clone(),
            actor: config.me.clone().unwrap_or_else(|| "me".into()),
            me: config.me.clone(),
            zone: config.zone,
            now,
        }
    }

    /// The zone a rep's day is counted in.
    pub fn rep_zone(&self, store: &Store, rep: Option<&str>) -> Result<Tz> {
        match rep {
            Some(name) => Ok(store.rep_zone(name)?.unwrap_or(self.zone)),
            None => Ok(self.zone),
        }
    }

    /// The rep a typed or configured name means, spelled as stored (case
    /// does not matter). A name the store does not know is refused with the
    /// names it does: a typo must not read as an empty queue.
    pub fn check_rep(&self, store: &Store, name: &str) -> Result<String> {
        if store.is_rep(name)? {
            return Ok(name.to_string());
        }
        let reps = store.rep_names()?;
        // A store with no reps at all (a fresh file before `demo` or an
        // import) has nothing to check against: refusing would fail every
        // command until data arrives, and an empty answer is then the truth.
        if reps.is_empty() {
            return Ok(name.to_string());
        }
        let wanted = name.to_lowercase();
        if let Some(stored) = reps.iter().find(|r| r.to_lowercase() == wanted) {
            return Ok(stored.clone());
        }
        let mut known: Vec<String> =
            reps.iter().take(SHOWN_REPS).map(|r| crate::text::fit(r, 60).into_owned()).collect();
        if reps.len() > SHOWN_REPS {
            known.push(format!("and {} more", reps.len() - SHOWN_REPS));
        }
        Err(refused(format!(
            "no rep named '{}' (reps: {})",
            crate::text::fit(&crate::text::one_line(name), 60),
            known.join(", ")
        )))
    }

    /// `check_rep` for a name that may not be given.
    pub fn check_owner(&self, store: &Store, name: Option<&str>) -> Result<Option<String>> {
        name.map(|n| self.check_rep(store, n)).transpose()
    }

    /// Today's date in `zone` and the instants its day starts and ends.
    pub fn day_bounds(&self, zone: Tz, date: NaiveDate) -> (DateTime<Utc>, DateTime<Utc>) {
        let start = resolve_local(zone, date.and_time(NaiveTime::MIN));
        let end = resolve_local(zone, (date + Duration::days(1)).and_time(NaiveTime::MIN));
        (start, end)
    }

    /// Refuses an instant further ahead than anything is ever planned
    /// (`limits::DURATION_DAYS`): a snooze, a pause or an absence.
    fn within_horizon(&self, at: DateTime<Utc>, what: &str) -> Result<()> {
        let days = crate::limits::DURATION_DAYS;
        if at > self.now + Duration::days(days) {
            return Err(refused(format!("{what} reaches at most {days} days ahead")));
        }
        Ok(())
    }

    pub fn today(&self, zone: Tz) -> NaiveDate {
        self.now.with_timezone(&zone).date_naive()
    }

    pub fn cutoffs(&self, zone: Tz) -> RankCutoffs {
        let today = self.today(zone);
        RankCutoffs { now: self.now, day_start: self.day_bounds(zone, today).0, today }
    }
}

/// Fills a step's content for one player.
pub fn render_content(
    step: &Step,
    player: &Player,
    account: &Account,
    trigger: Option<&Trigger>,
) -> std::result::Result<(Option<String>, String), MissingField> {
    let ctx = Context {
        first_name: Some(&player.first_name),
        last_name: Some(&player.last_name),
        title: player.title.as_deref(),
        account: Some(&account.name),
        industry: account.industry.as_deref(),
        region: account.region.as_deref(),
        trigger: trigger.map(|t| t.summary.as_str()),
        rep: Some(&account.owner),
    };
    let (subject, body) = step.content.for_role(player.role);
    Ok((subject.map(|s| s.render(&ctx)).transpose()?, body.render(&ctx)?))
}

/// Marks an enrollment completed once nothing is left to do in it.
fn complete_if_finished(tx: &mut ActionTx<'_>, enrollment_id: i64) -> Result<()> {
    if tx.open_touches(enrollment_id)?.is_empty() {
        let mut e = tx.enrollment(enrollment_id)?;
        if e.state == crate::domain::EnrollmentState::Active {
            e.state = crate::domain::EnrollmentState::Completed;
            tx.save_enrollment(&e)?;
        }
    }
    Ok(())
}

/// Content of a step for a player's role, as a title line for lists.
pub fn step_title(play: &Play, step: i64) -> String {
    play.step(step as usize).map_or_else(|| format!("step {step}"), |s| s.title.clone())
}
