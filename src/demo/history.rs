//! Simulated history for demo data: a thread worked from enrollment until
//! now, the way a rep would have worked it, using the real cadence engine.

use super::rng::Rng;
use crate::cadence::{self, Calendar, Placement, Policy, Prev, Who, Why};
use crate::domain::{Outcome, Role, Tier, TouchKind, TouchState};
use crate::play::Play;
use chrono::{DateTime, Duration, Utc};

/// How the simulated rep and prospects behave.
#[derive(Debug, Clone, Copy)]
pub struct Behaviour {
    /// Chance a touch due earlier than a few hours ago was left undone.
    pub left_overdue: f64,
    pub opened: f64,
    pub replied: f64,
    pub meeting: f64,
    pub bounced: f64,
}

/// One simulated touch (ids assigned on insert).
#[derive(Debug, Clone)]
pub struct SimTouch {
    pub step: usize,
    pub seq: i64,
    pub nominal_day: u32,
    pub kind: TouchKind,
    pub channel: crate::domain::Channel,
    pub state: TouchState,
    pub due_at: DateTime<Utc>,
    pub deadline: Option<DateTime<Utc>>,
    pub why: Why,
    pub outcome: Option<Outcome>,
    pub done_at: Option<DateTime<Utc>>,
}

/// How a thread ended, if it did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    Replied(bool),
    Meeting,
    Bounced,
}

pub struct ThreadSim {
    pub touches: Vec<SimTouch>,
    pub ending: Option<(Ending, DateTime<Utc>)>,
}

/// Works one player's thread from `start` until `now`.
#[allow(clippy::too_many_arguments)]
pub fn simulate(
    policy: &Policy,
    play: &Play,
    (tier, role, name): (Tier, Role, &str),
    calendar: &Calendar,
    start: DateTime<Utc>,
    now: DateTime<Utc>,
    how: &Behaviour,
    rng: &mut Rng,
) -> ThreadSim {
    let steps: Vec<_> = play.thread(tier, role).collect();
    let mut touches = Vec::with_capacity(steps.len() + 1);
    let mut prev: Option<Prev> = None;
    let mut ending = None;
    let recent = now - Duration::hours(3);
    let mut open_head = false;
    let who = Who { tier, calendar, name };
    let mut busy: Vec<DateTime<Utc>> = Vec::new();
    for (i, step) in steps.iter().enumerate() {
        let placement =
            Placement { who, enrolled_at: start, prev, not_before: prev.map_or(start, |p| p.done_at), busy: &busy };
        let due = cadence::schedule(policy, play, step, &placement);
        let mut touch = SimTouch {
            step: step.number,
            seq: i as i64 + 1,
            nominal_day: due.nominal_day,
            kind: TouchKind::Step,
            channel: step.channel,
            state: TouchState::Planned,
            due_at: due.due_at,
            deadline: due.deadline,
            why: due.why,
            outcome: None,
            done_at: None,
        };
        if ending.is_some() {
            touch.state = TouchState::Cancelled;
            touches.push(touch);
            continue;
        }
        if open_head {
            prev = Some(Prev { step: step.number, done_at: touch.due_at, nominal_day: touch.nominal_day, done: false });
            touches.push(touch);
            continue;
        }
        let worked = touch.due_at < recent && !rng.chance(how.left_overdue);
        if !worked {
            touch.state = TouchState::Due;
            open_head = true;
            prev = Some(Prev { step: step.number, done_at: touch.due_at, nominal_day: touch.nominal_day, done: false });
            touches.push(touch);
            continue;
        }
        let late = Duration::minutes(rng.range(0, 90));
        let limit = touch.deadline.unwrap_or(now).min(now);
        let done_at = (touch.due_at + late).min(limit).max(touch.due_at);
        touch.state = TouchState::Done;
        touch.done_at = Some(done_at);
        touch.outcome = Some(if step.channel.is_live() {
            *rng.pick(&[Outcome::Connected, Outcome::Voicemail, Outcome::NoAnswer, Outcome::NoAnswer])
        } else {
            Outcome::Sent
        });
        let written = step.channel == crate::domain::Channel::Email;
        if written && rng.chance(how.bounced) {
            touch.outcome = Some(Outcome::Bounced);
            ending = Some((Ending::Bounced, done_at));
        } else if rng.chance(how.meeting) {
            touch.outcome = Some(Outcome::MeetingBooked);
            ending = Some((Ending::Meeting, done_at + Duration::hours(rng.range(2, 30))));
        } else if rng.chance(how.replied) {
            let positive = rng.chance(0.5);
            touch.outcome = Some(if positive { Outcome::RepliedPositive } else { Outcome::RepliedNegative });
            ending = Some((Ending::Replied(positive), done_at + Duration::hours(rng.range(1, 24))));
        } else if written && rng.chance(how.opened) {
            touch.outcome = Some(Outcome::Opened);
            let opened_at = done_at + Duration::minutes(rng.range(10, 600));
            if opened_at < now {
                let f = cadence::open_followup(policy, who, step.number, opened_at, opened_at, &busy, play.min_spacing);
                busy.push(f.due_at);
                let done = f.due_at + Duration::minutes(rng.range(5, 240));
                let finished = done < recent;
                touches.push(SimTouch {
                    step: step.number,
                    seq: i as i64 + 1,
                    nominal_day: 0,
                    kind: TouchKind::OpenFollowup,
                    channel: policy.open_followup_channel,
                    state: if finished { TouchState::Done } else { TouchState::Due },
                    due_at: f.due_at,
                    deadline: f.deadline,
                    why: f.why,
                    outcome: finished.then_some(Outcome::Connected),
                    done_at: finished.then_some(done),
                });
            }
        }
        prev = Some(Prev { step: step.number, done_at, nominal_day: touch.nominal_day, done: true });
        busy.push(done_at);
        touches.push(touch);
    }
    ThreadSim { touches, ending: ending.filter(|(_, at)| *at <= now).or(ending.map(|(e, _)| (e, now))) }
}
