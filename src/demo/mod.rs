//! Demo data: the shipped demo (40 accounts placed relative to now) and
//! synthetic stores of any size for benchmarks. Both use the real cadence
//! engine to simulate the history a rep would have produced.

mod history;
mod rng;
mod synthetic;

pub use history::Behaviour;
pub use rng::Rng;
pub use synthetic::generate;

use crate::cadence::window::resolve_local;
use crate::cadence::Policy;
use crate::domain::{AccountStatus, Bant, EnrollmentState, Outcome, PlayerStatus, Role, Tier};
use crate::play::{Play, BUILTIN};
use crate::store::{
    EnrollmentRow, LastTouch, Loader, NewAccount, NewPlayer, PastAction, Store, StoreError, TouchRef, TouchRow,
};
use chrono::{DateTime, Duration, NaiveTime, Utc};
use chrono_tz::Tz;
use history::{simulate, Ending};
use serde::Deserialize;
use std::collections::HashMap;

/// What a demo load produced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Summary {
    pub accounts: usize,
    pub players: usize,
    pub touches: usize,
    pub reps: usize,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoFile {
    rep: Vec<RepFile>,
    account: Vec<AccountFile>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RepFile {
    name: String,
    zone: Tz,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AccountFile {
    name: String,
    domain: String,
    industry: String,
    segment: String,
    region: String,
    country: String,
    zone: Tz,
    employees: i64,
    annual_revenue: i64,
    owner: String,
    source: String,
    opportunity_value: i64,
    bant: Option<[u8; 4]>,
    play: Option<String>,
    started_days_ago: Option<i64>,
    #[serde(default)]
    trigger: Vec<TriggerFile>,
    #[serde(default)]
    player: Vec<PlayerFile>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TriggerFile {
    kind: String,
    summary: String,
    source: String,
    days_ago: i64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PlayerFile {
    first_name: String,
    last_name: String,
    title: String,
    email: String,
    phone: Option<String>,
    tier: Tier,
    role: Role,
    zone: Option<Tz>,
}

const SHIPPED: &str = include_str!("../../assets/demo/accounts.toml");

/// Installs the built-in plays; returns them by name.
pub fn install_builtin_plays(
    loader: &Loader<'_>,
    now: DateTime<Utc>,
) -> Result<HashMap<String, (i64, Play)>, StoreError> {
    let mut plays = HashMap::new();
    for (_, source) in BUILTIN {
        let id = loader.install_play(source, now)?;
        let play = Play::parse(source).map_err(|e| StoreError::Invalid(e.to_string()))?;
        plays.insert(play.name.clone(), (id, play));
    }
    Ok(plays)
}

/// A player as the history simulation needs it.
pub(crate) struct SimPlayer {
    pub id: i64,
    /// How the player is named in the touches' explanations.
    pub first_name: String,
    pub tier: Tier,
    pub role: Role,
    pub zone: Tz,
}

/// Runs a play on an account from `start` to `now` and writes the result.
#[allow(clippy::too_many_arguments)]
pub(crate) fn write_history(
    loader: &Loader<'_>,
    policy: &Policy,
    (play_id, play): (i64, &Play),
    account_id: i64,
    owner: &str,
    players: &[SimPlayer],
    start: DateTime<Utc>,
    now: DateTime<Utc>,
    how: &Behaviour,
    rng: &mut Rng,
    owner_zone: Tz,
) -> Result<usize, StoreError> {
    let sims: Vec<_> = players
        .iter()
        .map(|p| {
            let calendar = policy.calendar(p.zone, None, None);
            (p, simulate(policy, play, (p.tier, p.role, &p.first_name), &calendar, start, now, how, rng))
        })
        .collect();
    let mut state = EnrollmentState::Active;
    let mut reason = None;
    let mut paused_at = None;
    let mut account_status = AccountStatus::Target;
    for (player, sim) in &sims {
        match sim.ending {
            Some((Ending::Replied(positive), at)) => {
                state = EnrollmentState::Paused;
                paused_at = Some(at);
                let tone = if positive { "positive" } else { "negative" };
                reason = Some(format!("{tone} reply: owner to decide"));
                if account_status != AccountStatus::MeetingBooked {
                    account_status = AccountStatus::Replied;
                }
            }
            Some((Ending::Meeting, at)) => {
                state = EnrollmentState::Paused;
                paused_at = Some(at);
                reason = Some("meeting booked".to_string());
                account_status = AccountStatus::MeetingBooked;
            }
            Some((Ending::Bounced, _)) => loader.set_player_status(player.id, PlayerStatus::Bounced)?,
            None => {}
        }
    }
    let open = sims.iter().flat_map(|(_, s)| &s.touches).any(|t| t.state.is_open());
    if state == EnrollmentState::Active && !open {
        state = EnrollmentState::Completed;
    }
    let resolved = || sims.iter().flat_map(|(_, s)| &s.touches).filter(|t| t.done_at.is_some());
    let last = LastTouch {
        at: resolved().filter_map(|t| t.done_at).max(),
        done_day: resolved()
            .filter(|t| t.state == crate::domain::TouchState::Done)
            .filter_map(|t| t.done_at.map(|d| crate::engine::local_day(d, owner_zone)))
            .max(),
    };
    let enrollment_id = loader.insert_enrollment(
        &EnrollmentRow {
            id: 0,
            account_id,
            play_id,
            started_at: start,
            started_by: owner.to_string(),
            state,
            paused_at,
            paused_until: None,
            // A reply or a meeting waits for the owner's decision.
            decision_at: if state == EnrollmentState::Paused { paused_at } else { None },
            ended_as: None,
            reason,
        },
        last,
    )?;
    let mut count = 0;
    let mut worked = false;
    for (player, sim) in &sims {
        for t in &sim.touches {
            let touch_id = loader.insert_touch(&TouchRow {
                id: 0,
                enrollment_id,
                account_id,
                player_id: player.id,
                owner: owner.to_string(),
                step: t.step as i64,
                seq: t.seq,
                nominal_day: i64::from(t.nominal_day),
                kind: t.kind,
                channel: t.channel,
                state: t.state,
                due_at: t.due_at,
                deadline: t.deadline,
                why: t.why.render(player.zone, t.due_at, t.deadline),
                why_data: Some(t.why.clone()),
                outcome: t.outcome,
                done_at: t.done_at,
                note: None,
                reason: (t.state == crate::domain::TouchState::Cancelled).then(|| "thread ended".to_string()),
                on_time: t.done_at.map(|d| crate::engine::on_time(t.due_at, t.deadline, d, owner_zone)),
                done_day: t.done_at.map(|d| crate::engine::local_day(d, owner_zone)),
            })?;
            count += 1;
            let Some(done_at) = t.done_at else { continue };
            worked = true;
            let first = match t.outcome {
                Some(o @ (Outcome::Connected | Outcome::Voicemail | Outcome::NoAnswer)) => o,
                _ => Outcome::Sent,
            };
            let touch = Some(TouchRef { id: touch_id, enrollment_id, play_id, step: t.step as i64, owner });
            let past = PastAction {
                at: done_at,
                actor: owner,
                action: "done",
                account_id,
                player_id: Some(player.id),
                touch,
                channel: Some(t.channel),
                outcome: Some(first),
            };
            loader.insert_activity(&past)?;
            let follow = match t.outcome {
                Some(Outcome::Opened) => Some("opened"),
                Some(Outcome::RepliedPositive | Outcome::RepliedNegative) => Some("replied"),
                Some(Outcome::MeetingBooked) => Some("meeting"),
                Some(Outcome::Bounced) => Some("bounced"),
                _ => None,
            };
            if let Some(action) = follow {
                let at = (done_at + Duration::hours(1)).min(now);
                loader.insert_activity(&PastAction { at, action, outcome: t.outcome, ..past })?;
            }
        }
    }
    if worked && account_status == AccountStatus::Target {
        account_status = AccountStatus::Working;
    }
    if account_status != AccountStatus::Target {
        loader.set_account_status(account_id, account_status)?;
    }
    Ok(count)
}

/// Loads the shipped demo: 40 accounts, their players, 3 reps and the
/// built-in plays, with history placed relative to `now`.
pub fn load_shipped(store: &mut Store, policy: &Policy, now: DateTime<Utc>) -> Result<Summary, StoreError> {
    let file: DemoFile = toml::from_str(SHIPPED).map_err(|e| StoreError::Invalid(format!("shipped demo: {e}")))?;
    let loader = store.loader()?;
    loader.clear_all()?;
    let plays = install_builtin_plays(&loader, now)?;
    for rep in &file.rep {
        loader.upsert_rep(&rep.name, rep.zone)?;
    }
    let zones: HashMap<String, Tz> = file.rep.iter().map(|r| (r.name.clone(), r.zone)).collect();
    let rep_zone = |name: &str| zones.get(name).copied().unwrap_or(chrono_tz::UTC);
    let mut rng = Rng::new(2026);
    let how = Behaviour { left_overdue: 0.12, opened: 0.25, replied: 0.03, meeting: 0.015, bounced: 0.02 };
    let mut summary = Summary { reps: file.rep.len(), ..Summary::default() };
    for a in &file.account {
        let id = loader.insert_account(
            &NewAccount {
                name: a.name.clone(),
                domain: Some(a.domain.clone()),
                industry: Some(a.industry.clone()),
                segment: Some(a.segment.clone()),
                region: Some(a.region.clone()),
                country: Some(a.country.clone()),
                employees: Some(a.employees),
                annual_revenue: Some(a.annual_revenue),
                owner: a.owner.clone(),
                status: AccountStatus::Target,
                source: Some(a.source.clone()),
                opportunity_value: Some(a.opportunity_value),
                bant: a.bant.and_then(|[b, au, n, t]| Bant::new(b, au, n, t)),
            },
            now,
        )?;
        summary.accounts += 1;
        let today = now.with_timezone(&a.zone).date_naive();
        for t in &a.trigger {
            loader.insert_trigger(id, &t.kind, &t.summary, Some(&t.source), today - Duration::days(t.days_ago))?;
        }
        let mut sim_players = Vec::new();
        for p in &a.player {
            let zone = p.zone.unwrap_or(a.zone);
            let pid = loader.insert_player(&NewPlayer {
                account_id: id,
                first_name: p.first_name.clone(),
                last_name: p.last_name.clone(),
                title: Some(p.title.clone()),
                email: Some(p.email.clone()),
                phone: p.phone.clone(),
                linkedin: None,
                zone,
                tier: p.tier,
                role: p.role,
                status: PlayerStatus::Active,
            })?;
            sim_players.push(SimPlayer { id: pid, first_name: p.first_name.clone(), tier: p.tier, role: p.role, zone });
            summary.players += 1;
        }
        if let Some(name) = &a.play {
            let (play_id, play) =
                plays.get(name).ok_or_else(|| StoreError::Invalid(format!("shipped demo: unknown play {name}")))?;
            let day = today - Duration::days(a.started_days_ago.unwrap_or(0));
            let start =
                resolve_local(a.zone, day.and_time(NaiveTime::from_hms_opt(8, 30, 0).unwrap_or(NaiveTime::MIN)))
                    .min(now);
            summary.touches += write_history(
                &loader,
                policy,
                (*play_id, play),
                id,
                &a.owner,
                &sim_players,
                start,
                now,
                &how,
                &mut rng,
                rep_zone(&a.owner),
            )?;
        }
    }
    loader.commit()?;
    Ok(summary)
}
