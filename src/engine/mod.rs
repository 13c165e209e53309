//! User actions and the views built on them: the cadence engine's decisions
//! applied to the store, one transaction per action.

mod enroll;
mod triage;
mod views;

pub use triage::{local_day, on_time, SnoozeTo};
pub use views::{parse_filter, AccountDetail, AccountItem, Group, PlayView, QueueItem, StepView, ThreadTouch};

use crate::cadence::window::resolve_local;
use crate::cadence::{self, Policy, Prev};
use crate::config::Config;
use crate::domain::{Account, Player, TouchState, Trigger};
use crate::play::{Context, MissingField, Play, Step};
use crate::rank::Weights;
use crate::store::{ActionTx, RankCutoffs, Store, StoreError, TouchRow};
use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use chrono_tz::Tz;

#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error(transparent)]
    Store(#[from] StoreError),
    // Refusals quote names and notes: always one line.
    #[error("{}", crate::text::one_line(.0))]
    Refused(String),
}

pub type Result<T> = std::result::Result<T, EngineError>;

fn refused(message: impl Into<String>) -> EngineError {
    EngineError::Refused(message.into())
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

/// After a touch of a thread is resolved at `done_at`, makes the next planned
/// touch of the thread due (placed by the cadence engine) and re-plans the
/// rest behind it.
fn advance_thread(engine: &Engine, tx: &mut ActionTx<'_>, resolved: &TouchRow, done_at: DateTime<Utc>) -> Result<()> {
    if resolved.kind != crate::domain::TouchKind::Step {
        return Ok(());
    }
    let enrollment = tx.enrollment(resolved.enrollment_id)?;
    let play = tx.play(enrollment.play_id)?;
    let player = tx.player(resolved.player_id)?;
    let thread = tx.thread(resolved.enrollment_id, resolved.player_id)?;
    let rest: Vec<TouchRow> =
        thread.into_iter().filter(|t| t.seq > resolved.seq && t.state == TouchState::Planned).collect();
    let mut prev = Prev { step: resolved.step as usize, done_at, nominal_day: resolved.nominal_day as u32 };
    for (i, touch) in rest.into_iter().enumerate() {
        let Some(step) = play.step(touch.step as usize) else { continue };
        let placement = cadence::Placement {
            zone: player.zone,
            tier: player.tier,
            enrolled_at: enrollment.started_at,
            prev: Some(prev),
            not_before: prev.done_at,
        };
        let due = cadence::schedule(&engine.policy, &play, step, &placement);
        let mut updated = touch.clone();
        updated.due_at = due.due_at;
        updated.deadline = due.deadline;
        updated.why = due.why;
        updated.nominal_day = i64::from(due.nominal_day);
        if i == 0 {
            updated.state = TouchState::Due;
        }
        if updated != touch {
            tx.save_touch(&updated)?;
        }
        prev = Prev { step: step.number, done_at: due.due_at, nominal_day: due.nominal_day };
    }
    complete_if_finished(tx, resolved.enrollment_id)
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
