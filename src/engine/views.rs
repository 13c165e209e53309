//! Read-only views: the day's queue, the ranked account list, one account's play.

use super::{render_content, Engine, EngineError, Result};
use crate::domain::{Account, Player, Trigger};
use crate::play::Play;
use crate::rank::{self, Score};
use crate::store::{AccountFilter, ActivityRow, EnrollmentRow, QueueRow, RankedRow, Store, TouchRow};
use chrono::NaiveDate;
use std::collections::HashMap;

/// Where a touch stands in the rep's day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Group {
    /// Due before today, or past its deadline.
    Overdue,
    /// Due now or earlier today.
    DueNow,
    LaterToday,
    Tomorrow,
}

impl Group {
    pub fn label(self) -> &'static str {
        match self {
            Group::Overdue => "Overdue",
            Group::DueNow => "Due now",
            Group::LaterToday => "Later today",
            Group::Tomorrow => "Tomorrow",
        }
    }
}

/// One line of the queue.
#[derive(Debug, Clone, PartialEq)]
pub struct QueueItem {
    pub row: QueueRow,
    pub group: Group,
    pub score: Score,
    pub play_label: String,
    pub step_title: String,
    pub steps_total: usize,
}

impl QueueItem {
    /// Deadline-bound or overdue touches come first in the queue.
    pub fn is_pressing(&self) -> bool {
        self.group == Group::Overdue || self.row.touch.deadline.is_some()
    }
}

/// One line of the ranked account list.
#[derive(Debug, Clone, PartialEq)]
pub struct AccountItem {
    pub rank: usize,
    pub row: RankedRow,
    pub score: Score,
}

/// A touch of an account's play, for the timeline.
#[derive(Debug, Clone, PartialEq)]
pub struct ThreadTouch {
    pub touch: TouchRow,
    pub player_name: String,
}

/// One step of an enrolled play with its touches.
#[derive(Debug, Clone, PartialEq)]
pub struct StepView {
    pub number: usize,
    pub title: String,
    pub channel: crate::domain::Channel,
    pub timing: String,
    pub targets: String,
    pub touches: Vec<ThreadTouch>,
}

/// One enrolled play of an account.
#[derive(Debug, Clone, PartialEq)]
pub struct PlayView {
    pub enrollment: EnrollmentRow,
    pub play: Play,
    pub steps: Vec<StepView>,
    pub extra: Vec<ThreadTouch>,
    pub done: usize,
    pub planned: usize,
}

/// Everything about one account.
#[derive(Debug, Clone, PartialEq)]
pub struct AccountDetail {
    pub account: Account,
    /// The owner's zone: the account's times are shown in it.
    pub zone: chrono_tz::Tz,
    pub score: Score,
    pub triggers: Vec<Trigger>,
    pub players: Vec<Player>,
    pub plays: Vec<PlayView>,
    pub activity: Vec<ActivityRow>,
}

fn unknown_field(key: &str) -> String {
    let known = "industry:, region:, owner:, status:, segment:, source:, tier:";
    format!("unknown filter field {} (use {known})", crate::text::quoted(&format!("{key}:")))
}

/// Parses `industry:saas region:emea acme` into a filter. Unknown `key:`
/// prefixes are an error so a typo does not silently match nothing.
pub fn parse_filter(expr: &str) -> std::result::Result<AccountFilter, String> {
    if expr.chars().count() > crate::limits::FILTER_CHARS {
        return Err(format!("a filter holds at most {} characters", crate::limits::FILTER_CHARS));
    }
    let mut f = AccountFilter::default();
    let mut text = Vec::new();
    for word in expr.split_whitespace() {
        match word.split_once(':') {
            Some((key, value)) if !value.is_empty() => {
                let value = Some(value.to_string());
                match key.to_ascii_lowercase().as_str() {
                    "industry" => f.industry = value,
                    "region" | "country" => f.region = value,
                    "owner" => f.owner_like = value,
                    "status" => f.status = value,
                    "segment" => f.segment = value,
                    "source" => f.source = value,
                    "tier" => f.tier = value,
                    other => return Err(unknown_field(other)),
                }
            }
            _ => text.push(word),
        }
    }
    if !text.is_empty() {
        f.text = Some(text.join(" "));
    }
    Ok(f)
}

impl Engine {
    /// The rep's queue for `date` (their zone): due and overdue touches,
    /// overdue and deadline-bound first, then by account score, then due time.
    /// With `tomorrow`, the next day's touches follow as a preview.
    pub fn queue(&self, store: &Store, owner: Option<&str>, date: NaiveDate, tomorrow: bool) -> Result<Vec<QueueItem>> {
        let zone = self.rep_zone(store, owner)?;
        let today = self.today(zone);
        let (today_start, _) = self.day_bounds(zone, today);
        let (_, day_end) = self.day_bounds(zone, date);
        let until = if tomorrow { self.day_bounds(zone, date.succ_opt().unwrap_or(date)).1 } else { day_end };
        let _snapshot = store.snapshot()?;
        let rows = store.queue(owner, until, self.now)?;
        let cut = self.cutoffs(zone);
        let mut accounts: Vec<i64> = rows.iter().map(|r| r.touch.account_id).collect();
        accounts.sort_unstable();
        accounts.dedup();
        let scores: HashMap<i64, Score> = store
            .rank_inputs_many(&accounts, &self.weights, &cut)?
            .into_iter()
            .map(|(id, inputs)| (id, rank::score(&inputs, &self.weights, cut.today)))
            .collect();
        let mut plays: HashMap<i64, Play> = HashMap::new();
        let mut items = Vec::with_capacity(rows.len());
        for row in rows {
            let t = &row.touch;
            let group = if t.due_at < today_start || t.deadline.is_some_and(|d| d < self.now) {
                Group::Overdue
            } else if t.due_at <= self.now {
                Group::DueNow
            } else if t.due_at < day_end {
                Group::LaterToday
            } else {
                Group::Tomorrow
            };
            if let std::collections::hash_map::Entry::Vacant(slot) = plays.entry(row.play_id) {
                slot.insert(store.play(row.play_id)?);
            }
            let play = &plays[&row.play_id];
            let step_title = match t.kind {
                crate::domain::TouchKind::Step => super::step_title(play, t.step),
                crate::domain::TouchKind::OpenFollowup => {
                    format!("follow up on open: {}", super::step_title(play, t.step))
                }
            };
            let Some(score) = scores.get(&t.account_id) else {
                return Err(
                    crate::store::StoreError::NotFound { what: "account", key: t.account_id.to_string() }.into()
                );
            };
            items.push(QueueItem {
                score: score.clone(),
                play_label: play.label(),
                steps_total: play.steps.len(),
                step_title,
                group,
                row,
            });
        }
        items.sort_by(|a, b| {
            let key = |i: &QueueItem| (i.group == Group::Tomorrow, !i.is_pressing());
            key(a)
                .cmp(&key(b))
                .then_with(|| b.score.key().cmp(&a.score.key()))
                .then_with(|| a.row.touch.due_at.cmp(&b.row.touch.due_at))
                .then_with(|| a.row.touch.id.cmp(&b.row.touch.id))
        });
        Ok(items)
    }

    /// The ranked account list (one page of it). Only accounts that can
    /// still reach the page are counted (see `rank::candidates`).
    pub fn accounts(
        &self,
        store: &Store,
        filter: &AccountFilter,
        limit: usize,
        offset: usize,
    ) -> Result<Vec<AccountItem>> {
        let zone = self.rep_zone(store, filter.owner.as_deref())?;
        let cut = self.cutoffs(zone);
        let _snapshot = store.snapshot()?;
        let prescores = store.prescores(filter, &self.weights, &cut)?;
        let wanted: std::collections::HashSet<i64> =
            rank::candidates(&prescores, &self.weights, limit.saturating_add(offset)).into_iter().collect();
        let candidates: Vec<&rank::Prescore> = prescores.iter().filter(|p| wanted.contains(&p.account_id)).collect();
        let ids: Vec<i64> = candidates.iter().map(|p| p.account_id).collect();
        let inputs = store.rank_inputs_many(&ids, &self.weights, &cut)?;
        let mut totals: Vec<_> = candidates
            .iter()
            .map(|pre| {
                let found = inputs.get(&pre.account_id);
                let (engagements, overdue) = found.map_or((0, 0), |i| (i.engagements, i.overdue));
                (rank::total(pre, &self.weights, engagements, overdue), pre.account_id)
            })
            .collect();
        totals.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        let page: Vec<i64> = totals.into_iter().skip(offset).take(limit).map(|(_, id)| id).collect();
        let rows = store.ranked_rows(&page, &inputs)?;
        Ok(rows
            .into_iter()
            .enumerate()
            .map(|(i, row)| {
                let score = rank::score(&row.inputs, &self.weights, cut.today);
                AccountItem { rank: offset + i + 1, row, score }
            })
            .collect())
    }

    /// One account: score explained, triggers, players, plays with their steps.
    pub fn account_detail(&self, store: &Store, key: &str) -> Result<AccountDetail> {
        let _snapshot = store.snapshot()?;
        let account = store.find_account(key)?;
        let zone = self.rep_zone(store, Some(&account.owner))?;
        let cut = self.cutoffs(zone);
        let score = rank::score(&store.rank_inputs(account.id, &self.weights, &cut)?, &self.weights, cut.today);
        let players = store.players_of(account.id)?;
        let names: HashMap<i64, String> = players.iter().map(|p| (p.id, p.full_name())).collect();
        let mut plays = Vec::new();
        for enrollment in store.enrollments_of(account.id)? {
            let play = store.play(enrollment.play_id)?;
            let touches = store.touches_of_enrollment(enrollment.id)?;
            let named = |t: &TouchRow| ThreadTouch {
                touch: t.clone(),
                player_name: names.get(&t.player_id).cloned().unwrap_or_default(),
            };
            let steps = play
                .steps
                .iter()
                .map(|s| StepView {
                    number: s.number,
                    title: s.title.clone(),
                    channel: s.channel,
                    timing: s.timing.to_string(),
                    targets: targets(s),
                    touches: touches
                        .iter()
                        .filter(|t| t.kind == crate::domain::TouchKind::Step && t.step as usize == s.number)
                        .map(named)
                        .collect(),
                })
                .collect();
            let extra = touches.iter().filter(|t| t.kind != crate::domain::TouchKind::Step).map(named).collect();
            let done = touches.iter().filter(|t| t.state == crate::domain::TouchState::Done).count();
            let planned = touches.iter().filter(|t| t.state != crate::domain::TouchState::Cancelled).count();
            plays.push(PlayView { enrollment, play, steps, extra, done, planned });
        }
        Ok(AccountDetail {
            zone,
            score,
            triggers: store.triggers_of(account.id)?,
            players,
            plays,
            activity: store.activity_of_account(account.id, 50)?,
            account,
        })
    }

    /// A touch's content rendered for its player, or why it cannot be.
    pub fn touch_content(&self, store: &Store, touch: &TouchRow, play_id: i64) -> Result<(Option<String>, String)> {
        let play = store.play(play_id)?;
        let player = store.player(touch.player_id)?;
        let account = store.account(touch.account_id)?;
        let trigger = store.triggers_of(account.id)?.into_iter().next();
        let Some(step) = play.step(touch.step as usize) else {
            return Ok((None, String::new()));
        };
        render_content(step, &player, &account, trigger.as_ref()).map_err(|e| super::refused(e.to_string()))
    }
}

fn targets(step: &crate::play::Step) -> String {
    let tiers: Vec<&str> = step.tiers.iter().map(|t| t.as_str()).collect();
    if step.roles.is_empty() {
        tiers.join("+")
    } else {
        let roles: Vec<&str> = step.roles.iter().map(|r| r.as_str()).collect();
        format!("{} ({})", tiers.join("+"), roles.join("/"))
    }
}

impl Engine {
    /// The manager's review for `period` (`today`, `7d`, `30d`, `FROM..TO`)
    /// counted in the rep's zone: what `playbook report` and the Manager
    /// screen both show.
    pub fn review(
        &self,
        store: &Store,
        pipeline: &crate::report::PipelineConfig,
        period: &str,
        owner: Option<&str>,
    ) -> Result<crate::report::Report> {
        let zone = self.rep_zone(store, owner)?;
        let period = crate::report::Period::parse(period, self.today(zone), zone).map_err(EngineError::Refused)?;
        Ok(crate::report::build(store, pipeline, period, zone, owner, self.now)?)
    }
}
