//! Back from leave: `catch-up` spreads a rep's overdue touches over the
//! coming working days, at most so many a day; `away` moves what falls in
//! an absence planned ahead past it, as a pause would.

use super::{invalid, placing, refused, Engine, Result};
use crate::cadence::{self, Adjustment, Calendar};
use crate::domain::{TouchKind, TouchState};
use crate::limits::{CATCH_UP_PER_DAY, DURATION_DAYS};
use crate::store::{ActionTx, Activity, Store, TouchRow};
use crate::text::count;
use chrono::{Duration, NaiveDate};
use chrono_tz::Tz;
use std::collections::{BTreeMap, HashSet};

/// The days a catch-up's message lists one by one.
const SHOWN_DAYS: usize = 5;

/// A date as messages show it: `Tue 24 Nov`.
fn day(date: NaiveDate) -> String {
    date.format("%a %-d %b").to_string()
}

/// The rep's days a catch-up fills: their working days, at most `per_day`
/// overdue touches on each.
struct Days {
    zone: Tz,
    calendar: Calendar,
    per_day: usize,
    used: BTreeMap<NaiveDate, usize>,
}

impl Days {
    fn has_room(&self, date: NaiveDate) -> bool {
        self.calendar.works_on(date) && self.used.get(&date).copied().unwrap_or(0) < self.per_day
    }

    /// The first day from `date` with room, within the planning horizon.
    fn first_with_room(&self, date: NaiveDate, last: NaiveDate) -> Option<NaiveDate> {
        date.iter_days().take_while(|d| *d <= last).find(|d| self.has_room(*d))
    }
}

/// One catch-up's state: the days it fills and the overdue touches still
/// to place (they move, so they keep nothing else away).
struct Spread {
    days: Days,
    pending: HashSet<i64>,
    /// Planned touches moved behind their thread's head.
    behind: usize,
}

impl Engine {
    /// The rep an action is for: the one named, else the configured one,
    /// checked against the store and spelled as stored.
    fn rep_or_me(&self, store: &Store, owner: Option<String>, command: &str) -> Result<String> {
        let owner = owner.or_else(|| self.me.clone()).ok_or_else(|| {
            invalid(format!("{command} needs a rep: pass --owner REP, or set [me] name in the config"))
        })?;
        self.check_rep(store, &owner)
    }

    /// `catch-up`: the rep's touches overdue from before today move, in the
    /// queue's order, onto the rep's coming working days from now, at most
    /// `per_day` a day, each placed as a snooze would be (the player's
    /// window, days off, spacing across plays, their out-of-office); the
    /// planned touches behind each move with their thread. With `dry_run`
    /// the same plan is worked out and reported, and nothing is changed.
    pub(super) fn catch_up(
        &self,
        store: &mut Store,
        owner: Option<String>,
        per_day: Option<usize>,
        dry_run: bool,
    ) -> Result<String> {
        let owner = self.rep_or_me(store, owner, "catch-up")?;
        let per_day = per_day.unwrap_or(self.policy.catch_up_per_day);
        crate::limits::count("--per-day", per_day, 1, CATCH_UP_PER_DAY).map_err(invalid)?;
        // A timed pause that has run out moves its touches first, once.
        self.settle_pauses(store)?;
        let zone = self.rep_zone(store, Some(&owner))?;
        let today = self.today(zone);
        let (day_start, _) = self.day_bounds(zone, today);
        // The queue's order: deadline-bound first, then the best-ranked accounts.
        let overdue: Vec<i64> = self
            .queue(store, Some(&owner), today, false)?
            .into_iter()
            .filter(|i| i.row.touch.due_at < day_start)
            .map(|i| i.row.touch.id)
            .collect();
        let nothing = format!("catch-up: nothing overdue for {owner}");
        if overdue.is_empty() {
            return Ok(nothing);
        }
        let mut tx = store.begin()?;
        let days = Days { zone, calendar: self.policy.calendar(zone, None, None), per_day, used: BTreeMap::new() };
        let mut spread = Spread { days, pending: overdue.iter().copied().collect(), behind: 0 };
        let mut moved = 0;
        for id in &overdue {
            spread.pending.remove(id);
            let head = tx.touch(*id)?;
            // Acted on since the queue was read: it is not overdue any more.
            if !matches!(head.state, TouchState::Due | TouchState::Snoozed) || head.due_at >= day_start {
                continue;
            }
            self.catch_up_thread(&mut tx, &head, &mut spread)?;
            moved += 1;
        }
        if moved == 0 {
            return Ok(nothing);
        }
        // A long spread names its first days and its last.
        let used = &spread.days.used;
        let mut per_day_text: Vec<String> =
            used.iter().take(SHOWN_DAYS).map(|(d, n)| format!("{} {n}", day(*d))).collect();
        if let Some((last, n)) = used.iter().next_back().filter(|_| used.len() > SHOWN_DAYS) {
            per_day_text.push(format!("... {} {n}", day(*last)));
        }
        let plan = |spread_verb: &str, move_verb: &str| {
            let mut plan = format!(
                "{} {spread_verb} over {} (at most {per_day} a day): {}",
                count(moved, "overdue touch", "overdue touches"),
                count(used.len(), "working day", "working days"),
                per_day_text.join(", ")
            );
            if spread.behind > 0 {
                let behind = count(spread.behind, "planned touch", "planned touches");
                plan.push_str(&format!("; {behind} behind them {move_verb} with their threads"));
            }
            plan
        };
        if dry_run {
            // Dropped without a commit: nothing changes.
            drop(tx);
            return Ok(format!("catch-up --dry-run: {}; nothing changed", plan("would spread", "would move")));
        }
        let detail = plan("spread", "moved");
        tx.commit(
            &self.actor,
            self.now,
            &Activity { action: "catch-up".into(), detail: Some(detail.clone()), ..Activity::default() },
        )?;
        Ok(format!("catch-up: {detail}"))
    }

    /// Places one overdue touch on the first of the rep's days with room
    /// where its player's window allows, and moves the planned touches of
    /// its thread behind it by as much.
    fn catch_up_thread(&self, tx: &mut ActionTx<'_>, head: &TouchRow, spread: &mut Spread) -> Result<()> {
        let zone = spread.days.zone;
        let play = tx.play(tx.enrollment(head.enrollment_id)?.play_id)?;
        let person = self.person(tx, head.player_id)?;
        let all = placing::everywhere(tx, head.account_id, head.player_id)?;
        let mut behind: Vec<TouchRow> = all
            .iter()
            .filter(|t| head.kind == TouchKind::Step && t.enrollment_id == head.enrollment_id)
            .filter(|t| t.kind == TouchKind::Step && t.seq > head.seq && t.state == TouchState::Planned)
            .cloned()
            .collect();
        behind.sort_by_key(|t| t.seq);
        let moving: Vec<i64> = std::iter::once(head.id)
            .chain(behind.iter().map(|t| t.id))
            .chain(all.iter().map(|t| t.id).filter(|id| spread.pending.contains(id)))
            .collect();
        let mut taken = placing::busy(&all, &moving);
        let horizon = self.now + Duration::days(DURATION_DAYS);
        let last_day = horizon.with_timezone(&zone).date_naive();
        let step = (head.kind == TouchKind::Step).then(|| play.step(head.step as usize)).flatten();
        let length = head.deadline.map(|d| (d - head.due_at).max(Duration::zero()));
        let mut why = placing::why_or_rule(head, &play);
        why.push(Adjustment::CaughtUp { was_due: Some(head.due_at.with_timezone(&person.player.zone).date_naive()) });
        let full = || {
            refused(format!(
                "catch-up: the overdue touches do not fit in the next {DURATION_DAYS} days at {} a day; raise --per-day",
                spread.days.per_day
            ))
        };
        let mut target = person.not_before(self.now);
        let (due_at, deadline, why) = loop {
            // Never on a day the rep is off or that is full already.
            let first =
                spread.days.first_with_room(target.with_timezone(&zone).date_naive(), last_day).ok_or_else(full)?;
            target = target.max(self.day_bounds(zone, first).0);
            let placed = cadence::replace(
                &self.policy,
                person.who(),
                head.channel,
                step,
                target,
                &taken,
                play.min_spacing,
                length,
                why.clone(),
            );
            if placed.0 > horizon {
                return Err(full());
            }
            let on = placed.0.with_timezone(&zone).date_naive();
            if spread.days.has_room(on) {
                *spread.days.used.entry(on).or_default() += 1;
                break placed;
            }
            // The player's window put it on a day without room: try the next.
            target = self.day_bounds(zone, on).1;
        };
        let mut moved = head.clone();
        placing::set_due(&mut moved, due_at, deadline, why, person.player.zone);
        tx.save_touch(&moved)?;
        taken.push(due_at);
        // The thread keeps its spacing: what was planned behind moves as far.
        let shift = due_at - head.due_at;
        let mut prev = due_at;
        for touch in &behind {
            let shifted = touch.due_at.checked_add_signed(shift).unwrap_or(horizon);
            let target = person.not_before(shifted.max(prev)).min(horizon);
            let cause = Adjustment::CaughtUp { was_due: None };
            let (due_at, moved) = placing::place_again(self, tx, &person, &play, touch, target, &taken, Some(&cause))?;
            if moved {
                spread.behind += 1;
            }
            taken.push(due_at);
            prev = due_at;
        }
        Ok(())
    }

    /// `away`: the rep is away from the start of `from` until the start of
    /// `until`, the day they are back (both their local dates). Every
    /// waiting touch of theirs due from `from` on, in their active plays,
    /// moves by the length of the absence, as a pause that long would move
    /// it: nothing is due while they are away, and nothing piles up on
    /// their return. Paused plays move when they resume.
    pub(super) fn away(
        &self,
        store: &mut Store,
        owner: Option<String>,
        from: NaiveDate,
        until: NaiveDate,
    ) -> Result<String> {
        let owner = self.rep_or_me(store, owner, "away")?;
        if until <= from {
            return Err(invalid(format!(
                "--until is the day you are back: it must come after --from ({from}), not {until}"
            )));
        }
        let zone = self.rep_zone(store, Some(&owner))?;
        let today = self.today(zone);
        if from < today {
            return Err(refused(format!("--from {from} is in the past: today is {today} for {owner}")));
        }
        let start = self.day_bounds(zone, from).0;
        let back = self.day_bounds(zone, until).0;
        self.within_horizon(back, "an absence")?;
        let when = format!("from {}, back {}", day(from), day(until));
        let mut tx = store.begin()?;
        let waiting = tx.rep_open_touches(&owner, start)?;
        // The same days twice would move everything twice.
        let planned =
            waiting.iter().filter_map(|t| t.why_data.as_ref()).flat_map(|w| &w.adjustments).find_map(|a| match a {
                Adjustment::Away { from: f, back: b } if *f < until && from < *b => Some((*f, *b)),
                _ => None,
            });
        if let Some((f, b)) = planned {
            return Err(refused(format!(
                "{owner} is already away from {}, back {}; undo that first to change the dates",
                day(f),
                day(b)
            )));
        }
        let mut threads: Vec<(i64, i64)> = waiting.iter().map(|t| (t.enrollment_id, t.player_id)).collect();
        threads.sort_unstable();
        threads.dedup();
        let cause = Adjustment::Away { from, back: until };
        let mut moved = 0;
        for (enrollment, player) in threads {
            moved += placing::shift_player_since(self, &mut tx, enrollment, player, start, back - start, back, &cause)?;
        }
        if moved == 0 {
            return Ok(format!("away {when}: nothing of {owner}'s is due from then on, so nothing moved"));
        }
        let days = usize::try_from((until - from).num_days()).unwrap_or(0);
        let detail = format!(
            "{when}: {} moved {} later",
            count(moved, "waiting touch", "waiting touches"),
            count(days, "day", "days")
        );
        tx.commit(
            &self.actor,
            self.now,
            &Activity { action: "away".into(), detail: Some(detail.clone()), ..Activity::default() },
        )?;
        Ok(format!("away {detail}; nothing is due while you are away"))
    }
}
