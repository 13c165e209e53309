//! A seeded random SDR works weeks of a store whose players sit in DST and
//! odd-offset zones, at random instants (late mornings, weekends, nights
//! included): done, skip, snooze, opened, replied, meeting, bounced,
//! opt-out, out-of-office, pause (timed or not), resume and undo. After
//! every step, every rule of the brief is checked on every touch.
//!
//! `cargo test` runs a short simulation; `bench/sim.sh ACTIONS [SEED]`
//! a long one (`PLAYBOOK_SIM_ACTIONS`, `PLAYBOOK_SIM_SEED`).

mod common;

use chrono::{DateTime, Datelike, Duration, NaiveTime, Timelike, Utc};
use chrono_tz::Tz;
use playbook::cadence::{Calendar, Why};
use playbook::config::Config;
use playbook::demo::Rng;
use playbook::domain::{AccountStatus, Bant, Channel, PlayerStatus, Role, Tier, TouchKind, TouchState};
use playbook::engine::{Engine, On, Request, Response, SnoozeTo};
use playbook::play::{Play, Step, BUILTIN};
use playbook::store::{EnrollmentRow, NewAccount, NewPlayer, Store, TouchRow};
use std::collections::{BTreeMap, HashSet};

const ZONES: &[&str] = &[
    "America/New_York",
    "Europe/Berlin",
    "Australia/Lord_Howe",
    "Asia/Kathmandu",
    "Pacific/Chatham",
    "Pacific/Kiritimati",
    "America/St_Johns",
    "Asia/Tehran",
    "Asia/Riyadh",
];

fn start() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-03-02T07:00:00Z").expect("start").with_timezone(&Utc)
}

fn config() -> Config {
    let mut config = Config { me: Some("Dana Kim".into()), zone: chrono_tz::Europe::Berlin, ..Config::default() };
    // A holiday in Germany: Berlin players get nothing that day but executive mail.
    let day = chrono::NaiveDate::from_ymd_opt(2026, 3, 10).expect("date");
    config.policy.holidays.insert("germany".into(), [day].into_iter().collect());
    config
}

struct World {
    store: Store,
    accounts: Vec<i64>,
    now: DateTime<Utc>,
    rng: Rng,
}

fn world(seed: u64) -> World {
    let mut store = common::fresh_store();
    let now = start();
    let loader = store.loader().expect("loader");
    for (_, source) in BUILTIN {
        loader.install_play(source, now).expect("play");
    }
    loader.upsert_rep("Dana Kim", chrono_tz::Europe::Berlin).expect("rep");
    let mut rng = Rng::new(seed);
    let mut accounts = Vec::new();
    for (i, zone) in ZONES.iter().cycle().take(ZONES.len() * 2).enumerate() {
        let zone: Tz = zone.parse().expect("zone");
        let country = if zone == chrono_tz::Europe::Berlin { "Germany" } else { "Elsewhere" };
        let account = loader
            .insert_account(
                &NewAccount {
                    name: format!("Account {i}"),
                    domain: Some(format!("a{i}.example")),
                    industry: None,
                    segment: None,
                    region: None,
                    country: Some(country.into()),
                    employees: None,
                    annual_revenue: None,
                    owner: "Dana Kim".into(),
                    status: AccountStatus::Target,
                    source: None,
                    opportunity_value: None,
                    bant: Bant::new(3, 3, 3, 3),
                },
                now,
            )
            .expect("account");
        for (tier, role) in
            [(Tier::Executive, Role::Economic), (Tier::Director, Role::Technical), (Tier::Practitioner, Role::User)]
        {
            loader
                .insert_player(&NewPlayer {
                    account_id: account,
                    first_name: format!("{tier}{i}"),
                    last_name: "Sim".into(),
                    title: None,
                    email: Some(format!("{tier}{i}@a{i}.example")),
                    phone: None,
                    linkedin: None,
                    zone,
                    tier,
                    role,
                    status: PlayerStatus::Active,
                })
                .expect("player");
        }
        loader.insert_trigger(account, "funding", "a Series B", None, now.date_naive()).expect("trigger");
        accounts.push(account);
    }
    loader.commit().expect("commit");
    let _ = rng.next_u64();
    World { store, accounts, now, rng }
}

fn engine(w: &World) -> Engine {
    Engine::new(&config(), w.now)
}

/// Every touch and enrollment: what undo must restore exactly.
fn snapshot(w: &World) -> (Vec<TouchRow>, Vec<EnrollmentRow>) {
    let mut touches = Vec::new();
    let mut enrollments = Vec::new();
    for a in &w.accounts {
        for e in w.store.enrollments_of(*a).expect("enrollments") {
            touches.extend(w.store.touches_of_enrollment(e.id).expect("touches"));
            enrollments.push(e);
        }
    }
    touches.sort_by_key(|t| t.id);
    (touches, enrollments)
}

/// The rules as README states them, apart from the placement code.
fn placed_ok(
    tier: Tier,
    channel: Channel,
    cal: &Calendar,
    step: Option<&Step>,
    at: DateTime<Utc>,
) -> Result<(), String> {
    let local = at.with_timezone(&cal.zone);
    let hm = |h: u32, m: u32| NaiveTime::from_hms_opt(h, m, 0).expect("time");
    let (start, end, workday) = match (tier.keeps_office_hours(), channel.is_live()) {
        (true, _) => (hm(9, 0), hm(18, 0), true),
        (false, false) => (hm(7, 0), hm(21, 0), false),
        (false, true) => (hm(8, 0), hm(20, 0), true),
    };
    if workday && !cal.works_on(local.date_naive()) {
        return Err(format!("{local} ({}) is a day off", local.weekday()));
    }
    let asks_until = step.is_some_and(|s| s.timing.until.is_some());
    let last = if asks_until { end } else { end - Duration::minutes(30) };
    let time = local.time().with_second(0).expect("time");
    if time < start || time > last {
        return Err(format!("{local} is outside {start}-{last}"));
    }
    Ok(())
}

struct Checker {
    plays: BTreeMap<i64, Play>,
    checked: usize,
}

impl Checker {
    fn play(&mut self, store: &Store, id: i64) -> &Play {
        self.plays.entry(id).or_insert_with(|| store.play(id).expect("play"))
    }

    /// Every invariant of the brief, on every touch of every play.
    fn check(&mut self, w: &World, what: &str) {
        let policy = config().policy;
        let (touches, enrollments) = snapshot(w);
        // A play with nothing left to do is completed, not left running.
        for e in &enrollments {
            let open = touches.iter().any(|t| t.enrollment_id == e.id && t.state.is_open());
            assert!(
                open || e.state != playbook::domain::EnrollmentState::Active,
                "after {what}: enrollment {} runs with nothing left to do",
                e.id
            );
        }
        let mut seen = HashSet::new();
        for a in &w.accounts {
            let account = w.store.account(*a).expect("account");
            for p in w.store.players_of(*a).expect("players") {
                let cal = policy.calendar(p.zone, account.country.as_deref(), None);
                for e in enrollments.iter().filter(|e| e.account_id == *a) {
                    let play = self.play(&w.store, e.play_id).clone();
                    let mine: Vec<&TouchRow> =
                        touches.iter().filter(|t| t.enrollment_id == e.id && t.player_id == p.id).collect();
                    for t in &mine {
                        self.checked += 1;
                        let ctx = || {
                            format!("after {what}: touch {} ({} {}, {:?}): {}", t.id, p.tier, t.channel, t.state, t.why)
                        };
                        // The reason always reads as its own times.
                        if let Some(why) = &t.why_data {
                            assert_eq!(t.why, Why::render(why, p.zone, t.due_at, t.deadline), "{}", ctx());
                        }
                        if !t.state.is_open() {
                            continue;
                        }
                        let step = (t.kind == TouchKind::Step).then(|| play.step(t.step as usize)).flatten();
                        if let Err(e) = placed_ok(p.tier, t.channel, &cal, step, t.due_at) {
                            panic!("{e}; {}", ctx());
                        }
                        if let Some(deadline) = t.deadline {
                            assert!(deadline >= t.due_at, "deadline before due; {}", ctx());
                            let limit = if t.kind == TouchKind::OpenFollowup { 24 } else { 12 };
                            assert!(deadline - t.due_at <= Duration::hours(limit), "deadline too far; {}", ctx());
                            let local = deadline.with_timezone(&p.zone).time();
                            assert!(
                                local <= NaiveTime::from_hms_opt(21, 0, 0).expect("t"),
                                "deadline at night; {}",
                                ctx()
                            );
                        }
                        // No touch due twice.
                        assert!(seen.insert((t.enrollment_id, t.player_id, t.kind, t.step, t.seq)), "twice; {}", ctx());
                    }
                }
                // Across every play on the account: spacing between what waits
                // and what was sent, one follow-up at a time, nobody contacted
                // after a bounce or an opt-out, nobody while away.
                let mine: Vec<&TouchRow> = touches.iter().filter(|t| t.player_id == p.id).collect();
                let spacing = enrollments
                    .iter()
                    .filter(|e| e.account_id == *a)
                    .map(|e| self.play(&w.store, e.play_id).min_spacing)
                    .min()
                    .unwrap_or_else(|| Duration::hours(2));
                let waiting: Vec<DateTime<Utc>> = mine
                    .iter()
                    .filter(|t| matches!(t.state, TouchState::Due | TouchState::Snoozed))
                    .map(|t| t.due_at)
                    .collect();
                let sent: Vec<DateTime<Utc>> =
                    mine.iter().filter(|t| t.state == TouchState::Done).filter_map(|t| t.done_at).collect();
                for (i, x) in waiting.iter().enumerate() {
                    for y in waiting.iter().skip(i + 1).chain(sent.iter()) {
                        assert!(
                            (*x - *y).abs() >= spacing,
                            "after {what}: two touches to {} {} apart: {x} and {y}",
                            p.first_name,
                            (*x - *y).abs()
                        );
                    }
                }
                let followups = mine.iter().filter(|t| t.kind == TouchKind::OpenFollowup && t.state.is_open()).count();
                assert!(followups <= 1, "after {what}: {followups} follow-ups waiting for {}", p.first_name);
                if p.status != PlayerStatus::Active {
                    assert!(
                        !mine.iter().any(|t| t.state.is_open()),
                        "after {what}: {} is {} but still waits",
                        p.first_name,
                        p.status
                    );
                }
                if let Some(back) = p.away_until {
                    for t in mine.iter().filter(|t| t.state.is_open()) {
                        assert!(
                            t.due_at >= back,
                            "after {what}: touch {} to {} due while away until {back}",
                            t.id,
                            p.first_name
                        );
                    }
                }
            }
        }
    }
}

/// One random action at the world's current instant.
fn act(w: &mut World) -> String {
    let e = engine(w);
    let (touches, _) = snapshot(w);
    let open: Vec<&TouchRow> =
        touches.iter().filter(|t| matches!(t.state, TouchState::Due | TouchState::Snoozed)).collect();
    let done: Vec<&TouchRow> = touches.iter().filter(|t| t.state == TouchState::Done).collect();
    let account = w.accounts[w.rng.below(w.accounts.len() as u64) as usize].to_string();
    let roll = if open.is_empty() { 90 } else { w.rng.below(200) };
    let pick = |rng: &mut Rng, list: &[&TouchRow]| list.get(rng.below(list.len().max(1) as u64) as usize).map(|t| t.id);
    let result = match roll {
        0..=89 => pick(&mut w.rng, &open).map(|id| {
            let result = e.apply(&mut w.store, Request::Done { touch: id, outcome: None, note: None });
            if result.is_ok() {
                next_within_the_gap(w, id);
            }
            ("done", result)
        }),
        90..=99 => {
            let plays = ["exec-trigger", "multi-thread", "re-engage"];
            let play = plays[w.rng.below(3) as usize];
            Some(("enroll", {
                let account = w.store.find_account(&account).expect("account").id;
                // Mostly accepting the overlap, so spacing across plays is tried too.
                let also = w.rng.chance(0.7);
                e.apply(&mut w.store, Request::Enroll { account, play: play.to_string(), players: vec![], also })
            }))
        }
        100..=114 => pick(&mut w.rng, &open)
            .map(|id| ("skip", e.apply(&mut w.store, Request::Skip { touch: id, reason: Some("sim".into()) }))),
        115..=129 => pick(&mut w.rng, &open).map(|id| {
            let to = match w.rng.below(3) {
                0 => SnoozeTo::For(Duration::minutes(w.rng.range(10, 3000))),
                1 => SnoozeTo::Tomorrow(Some(NaiveTime::from_hms_opt(w.rng.range(0, 23) as u32, 0, 0).expect("t"))),
                _ => SnoozeTo::Until(w.now + Duration::hours(w.rng.range(1, 200))),
            };
            ("snooze", e.apply(&mut w.store, Request::Snooze { touch: id, to: Some(to) }))
        }),
        130..=154 => pick(&mut w.rng, &done).map(|id| {
            (
                "opened",
                e.apply(&mut w.store, Request::Respond { on: On::Touch(id), response: Response::Opened, note: None }),
            )
        }),
        155..=158 => pick(&mut w.rng, &done).map(|id| {
            (
                "replied",
                e.apply(
                    &mut w.store,
                    Request::Respond {
                        on: On::Touch(id),
                        response: Response::Replied { positive: w.rng.chance(0.5) },
                        note: None,
                    },
                ),
            )
        }),
        159 => pick(&mut w.rng, &done).map(|id| {
            (
                "meeting",
                e.apply(&mut w.store, Request::Respond { on: On::Touch(id), response: Response::Meeting, note: None }),
            )
        }),
        160 if w.rng.chance(0.3) => pick(&mut w.rng, &done).map(|id| {
            (
                "bounced",
                e.apply(&mut w.store, Request::Respond { on: On::Touch(id), response: Response::Bounced, note: None }),
            )
        }),
        161 if w.rng.chance(0.3) => pick(&mut w.rng, &done).map(|id| {
            (
                "optout",
                e.apply(&mut w.store, Request::Respond { on: On::Touch(id), response: Response::OptedOut, note: None }),
            )
        }),
        162..=170 => pick(&mut w.rng, &done).map(|id| {
            let until = (w.now + Duration::days(w.rng.range(1, 10))).date_naive();
            (
                "ooo",
                e.apply(
                    &mut w.store,
                    Request::Respond { on: On::Touch(id), response: Response::OutOfOffice { until }, note: None },
                ),
            )
        }),
        171..=177 => {
            let until = w.rng.chance(0.6).then(|| (w.now + Duration::days(w.rng.range(1, 8))).date_naive());
            let account = w.store.find_account(&account).expect("account").id;
            Some(("pause", e.apply(&mut w.store, Request::Pause { account, until })))
        }
        178..=187 => Some(("resume", {
            let account = w.store.find_account(&account).expect("account").id;
            e.apply(&mut w.store, Request::Resume { account })
        })),
        188..=199 => Some(("undo", e.apply(&mut w.store, Request::Undo))),
        _ => None,
    };
    match result {
        Some((name, Ok(_))) => name.to_string(),
        Some((name, Err(_))) => format!("{name} (refused)"),
        None => "nothing".into(),
    }
}

/// After a step is done, the next step of that player's thread is due
/// within the play's gap limit: no 6-7 day silences.
fn next_within_the_gap(w: &World, done_id: i64) {
    let done = w.store.touch(done_id).expect("touch");
    if done.kind != TouchKind::Step {
        return;
    }
    let enrollment = w.store.enrollments_of(done.account_id).expect("enrollments");
    let Some(e) = enrollment.iter().find(|e| e.id == done.enrollment_id) else { return };
    let play = w.store.play(e.play_id).expect("play");
    let player = w
        .store
        .players_of(done.account_id)
        .expect("players")
        .into_iter()
        .find(|p| p.id == done.player_id)
        .expect("player");
    let zone = player.zone;
    // Across an absence or a pause the gap is theirs, not the cadence's.
    if player.away_until.is_some_and(|back| back > w.now) || e.state == playbook::domain::EnrollmentState::Paused {
        return;
    }
    let touches = w.store.touches_of_enrollment(e.id).expect("touches");
    let next =
        touches.iter().find(|t| t.player_id == done.player_id && t.kind == TouchKind::Step && t.seq == done.seq + 1);
    if let Some(next) = next.filter(|t| t.state == TouchState::Due) {
        let from = w.now.with_timezone(&zone).date_naive();
        let to = next.due_at.with_timezone(&zone).date_naive();
        assert!(
            (to - from).num_days() <= i64::from(play.max_gap_days),
            "at {}: step {} done, the next is {} days later: {}; {} waits: {:?}",
            w.now,
            done.step,
            (to - from).num_days(),
            next.why,
            player.first_name,
            touches
                .iter()
                .filter(|t| t.player_id == done.player_id && t.state.is_open())
                .map(|t| (t.id, t.due_at, t.state))
                .collect::<Vec<_>>()
        );
    }
}

/// Moves the clock like a working week does: minutes, a late morning, a
/// night, sometimes a weekend.
fn tick(w: &mut World) {
    let minutes = match w.rng.below(10) {
        0..=5 => w.rng.range(1, 90),
        6..=7 => w.rng.range(90, 600),
        8 => w.rng.range(600, 1800),
        _ => w.rng.range(1800, 4000),
    };
    w.now += Duration::minutes(minutes);
}

fn simulate(seed: u64, actions: usize) {
    let mut w = world(seed);
    let mut checker = Checker { plays: BTreeMap::new(), checked: 0 };
    for account in w.accounts.clone() {
        let e = engine(&w);
        let play = ["exec-trigger", "multi-thread", "re-engage"][account as usize % 3];
        {
            let account = w.store.find_account(&account.to_string()).expect("account").id;
            e.apply(&mut w.store, Request::Enroll { account, play: play.to_string(), players: vec![], also: false })
        }
        .expect("enroll");
    }
    checker.check(&w, "enrolling");
    let mut undo_checks = 0;
    let mut tally: BTreeMap<String, usize> = BTreeMap::new();
    for i in 0..actions {
        tick(&mut w);
        // As every command does first: timed pauses that ran out end.
        engine(&w).settle_pauses(&mut w.store).expect("settle");
        // Now and then an action is undone at once: undo must be exact.
        if w.rng.chance(0.1) {
            let before = snapshot(&w);
            let what = act(&mut w);
            if !what.ends_with("(refused)") && what != "undo" && what != "nothing" {
                engine(&w).apply(&mut w.store, Request::Undo).expect("undo");
                let after = snapshot(&w);
                let changed: Vec<_> = after.0.iter().filter(|t| !before.0.contains(t)).map(|t| t.id).collect();
                let gone: Vec<_> = before.0.iter().filter(|t| !after.0.contains(t)).collect();
                let enrollments: Vec<_> = after.1.iter().filter(|e| !before.1.contains(e)).collect();
                assert!(
                    changed.is_empty() && gone.is_empty() && enrollments.is_empty(),
                    "seed {seed}, action {i}: undo of {what} is not exact: touches {changed:?} differ from {gone:#?}; enrollments {enrollments:#?}"
                );
                undo_checks += 1;
            }
            continue;
        }
        let what = act(&mut w);
        *tally.entry(what.clone()).or_default() += 1;
        checker.check(&w, &format!("seed {seed}, action {i} ({what}) at {}", w.now));
    }
    eprintln!("seed {seed}: {actions} actions, {} touch checks, {undo_checks} exact undos", checker.checked);
    eprintln!("  {tally:?}");
}

#[test]
fn a_random_sdr_never_breaks_the_cadence_rules() {
    let actions = std::env::var("PLAYBOOK_SIM_ACTIONS").ok().and_then(|v| v.parse().ok()).unwrap_or(400);
    let seed = std::env::var("PLAYBOOK_SIM_SEED").ok().and_then(|v| v.parse().ok()).unwrap_or(7);
    simulate(seed, actions);
}
