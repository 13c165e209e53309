//! The engine's actions on a small hand-built store: what each action does
//! to the queue, and that undo reverses it exactly.

mod common;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use playbook::config::Config;
use playbook::domain::{
    AccountStatus, Bant, EnrollmentState, Outcome, PlayerStatus, Role, Tier, TouchKind, TouchState,
};
use playbook::engine::{Engine, Group, On, QueueItem, Request, Response, SnoozeTo};
use playbook::play::BUILTIN;
use playbook::store::{NewAccount, NewPlayer, Store, TouchRow};

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text).expect("valid").with_timezone(&Utc)
}

/// Monday morning in Berlin.
const MONDAY: &str = "2026-11-23T09:00:00+01:00";

struct World {
    store: Store,
    account: i64,
    exec: i64,
    director: i64,
    practitioner: i64,
}

fn world(with_trigger: bool) -> World {
    let mut store = common::fresh_store();
    let now = at(MONDAY);
    let loader = store.loader().expect("loader");
    for (_, source) in BUILTIN {
        loader.install_play(source, now).expect("play");
    }
    loader.upsert_rep("Dana Kim", chrono_tz::Europe::Berlin).expect("rep");
    let account = loader
        .insert_account(
            &NewAccount {
                name: "Nordwind Logistik GmbH".into(),
                domain: Some("nordwind.example".into()),
                industry: Some("Logistics".into()),
                segment: None,
                region: Some("EMEA".into()),
                country: Some("Germany".into()),
                employees: Some(400),
                annual_revenue: None,
                owner: "Dana Kim".into(),
                status: AccountStatus::Target,
                source: None,
                opportunity_value: Some(60_000),
                bant: Bant::new(4, 3, 5, 4),
            },
            now,
        )
        .expect("account");
    if with_trigger {
        let day = NaiveDate::from_ymd_opt(2026, 11, 20).expect("date");
        loader.insert_trigger(account, "funding", "your Series B", Some("press"), day).expect("trigger");
    }
    let player = |first: &str, tier: Tier, role: Role, zone: chrono_tz::Tz| {
        loader
            .insert_player(&NewPlayer {
                account_id: account,
                first_name: first.into(),
                last_name: "Tester".into(),
                title: None,
                email: Some(format!("{first}@nordwind.example")),
                phone: None,
                linkedin: None,
                zone,
                tier,
                role,
                status: PlayerStatus::Active,
            })
            .expect("player")
    };
    let exec = player("Jürgen", Tier::Executive, Role::Economic, chrono_tz::Europe::Berlin);
    let director = player("Anke", Tier::Director, Role::Technical, chrono_tz::Europe::Berlin);
    let practitioner = player("Ram", Tier::Practitioner, Role::User, chrono_tz::Asia::Kathmandu);
    loader.commit().expect("commit");
    World { store, account, exec, director, practitioner }
}

fn engine(now: &str) -> Engine {
    let config = Config { me: Some("Dana Kim".into()), zone: chrono_tz::Europe::Berlin, ..Config::default() };
    Engine::new(&config, at(now))
}

fn queue(w: &World, e: &Engine) -> Vec<QueueItem> {
    e.queue(&w.store, Some("Dana Kim"), e.today(chrono_tz::Europe::Berlin), false).expect("queue")
}

fn touches(w: &World) -> Vec<TouchRow> {
    let mut all = Vec::new();
    for enrollment in w.store.enrollments_of(w.account).expect("enrollments") {
        all.extend(w.store.touches_of_enrollment(enrollment.id).expect("touches"));
    }
    all.sort_by_key(|t| t.id);
    all
}

fn head(w: &World, player: i64) -> TouchRow {
    touches(w)
        .into_iter()
        .find(|t| {
            t.player_id == player
                && matches!(t.state, TouchState::Due | TouchState::Snoozed)
                && t.kind == TouchKind::Step
        })
        .expect("a due touch")
}

#[test]
fn enrolling_starts_one_thread_per_player_with_the_head_due() {
    let mut w = world(true);
    let e = engine(MONDAY);
    {
        let account = w.store.find_account("Nordwind").expect("account").id;
        e.apply(
            &mut w.store,
            Request::Enroll { account, play: "multi-thread".to_string(), players: vec![], also: false },
        )
    }
    .expect("enroll");
    let all = touches(&w);
    for player in [w.exec, w.director, w.practitioner] {
        let thread: Vec<_> = all.iter().filter(|t| t.player_id == player).collect();
        assert!(thread.len() >= 4, "player {player} has {} touches", thread.len());
        assert_eq!(thread.iter().filter(|t| t.state == TouchState::Due).count(), 1, "one head per thread");
        assert!(thread.windows(2).all(|p| p[0].due_at <= p[1].due_at), "thread in order");
        assert!(thread.iter().all(|t| !t.why.is_empty()));
    }
    let account = w.store.account(w.account).expect("account");
    assert_eq!(account.status, AccountStatus::Working);
    let again = {
        let account = w.store.find_account("Nordwind").expect("account").id;
        e.apply(
            &mut w.store,
            Request::Enroll { account, play: "multi-thread".to_string(), players: vec![], also: false },
        )
    }
    .expect_err("twice");
    assert!(again.to_string().contains("already running"), "{again}");
}

#[test]
fn enrolling_without_a_value_for_a_placeholder_is_refused_and_writes_nothing() {
    let mut w = world(false);
    let e = engine(MONDAY);
    let err = {
        let account = w.store.find_account("Nordwind").expect("account").id;
        e.apply(
            &mut w.store,
            Request::Enroll { account, play: "exec-trigger".to_string(), players: vec![], also: false },
        )
    }
    .expect_err("no trigger");
    // It says what is missing and the command that adds it.
    assert!(err.to_string().contains("needs a trigger event"), "{err}");
    assert!(err.to_string().contains("playbook add trigger"), "{err}");
    assert!(w.store.enrollments_of(w.account).expect("enrollments").is_empty());
}

#[test]
fn done_makes_the_same_day_follow_up_due_and_undo_reverses_it() {
    let mut w = world(true);
    let e = engine(MONDAY);
    {
        let account = w.store.find_account("Nordwind").expect("account").id;
        e.apply(
            &mut w.store,
            Request::Enroll { account, play: "multi-thread".to_string(), players: vec![], also: false },
        )
    }
    .expect("enroll");
    let first = head(&w, w.director);
    assert_eq!(first.step, 2);
    let before = touches(&w);

    let later = engine("2026-11-23T10:05:00+01:00");
    later
        .apply(&mut w.store, Request::Done { touch: first.id, outcome: None, note: Some("sent intro".into()) })
        .expect("done");
    let next = head(&w, w.director);
    assert_eq!(next.step, 3, "the same-day add-on is next");
    assert_eq!(next.due_at, at("2026-11-23T12:05:00+01:00"));
    assert_eq!(next.deadline, Some(at("2026-11-23T18:00:00+01:00")), "director's day ends at 18:00");
    assert_eq!(
        next.why,
        "step 3 of 12, same-day follow-up to step 2 (done Mon 23 Nov 10:05) · due Mon 23 Nov 12:05, by Mon 23 Nov 18:00 Europe/Berlin"
    );
    let in_queue = queue(&w, &later);
    assert!(in_queue.iter().any(|i| i.row.touch.id == next.id && i.is_pressing()), "deadline-bound comes first");

    later.apply(&mut w.store, Request::Undo).expect("undo");
    assert_eq!(touches(&w), before, "undo restores every touch it changed");
}

#[test]
fn opened_makes_a_call_due_within_24_hours_and_undo_removes_it() {
    let mut w = world(true);
    let e = engine(MONDAY);
    {
        let account = w.store.find_account("Nordwind").expect("account").id;
        e.apply(
            &mut w.store,
            Request::Enroll { account, play: "multi-thread".to_string(), players: vec![], also: false },
        )
    }
    .expect("enroll");
    let first = head(&w, w.exec);
    e.apply(&mut w.store, Request::Done { touch: first.id, outcome: None, note: None }).expect("done");
    let before = touches(&w);
    let opened = engine("2026-11-23T15:00:00+01:00");
    opened
        .apply(&mut w.store, Request::Respond { on: On::Touch(first.id), response: Response::Opened, note: None })
        .expect("opened");
    let follow = touches(&w).into_iter().find(|t| t.kind == TouchKind::OpenFollowup).expect("follow-up");
    assert_eq!(follow.channel, playbook::domain::Channel::Call);
    assert_eq!(follow.state, TouchState::Due);
    let deadline = follow.deadline.expect("deadline");
    assert!(deadline <= at("2026-11-24T15:00:00+01:00"));
    assert_eq!(w.store.touch(first.id).expect("touch").outcome, Some(Outcome::Opened));
    opened.apply(&mut w.store, Request::Undo).expect("undo");
    assert_eq!(touches(&w), before);
}

#[test]
fn reply_ends_the_thread_and_pauses_the_play_until_resumed() {
    let mut w = world(true);
    let e = engine(MONDAY);
    {
        let account = w.store.find_account("Nordwind").expect("account").id;
        e.apply(
            &mut w.store,
            Request::Enroll { account, play: "multi-thread".to_string(), players: vec![], also: false },
        )
    }
    .expect("enroll");
    let first = head(&w, w.exec);
    e.apply(&mut w.store, Request::Done { touch: first.id, outcome: None, note: None }).expect("done");
    let reply = engine("2026-11-23T11:00:00+01:00");
    reply
        .apply(
            &mut w.store,
            Request::Respond {
                on: On::Touch(first.id),
                response: Response::Replied { positive: true },
                note: Some("call me next week".into()),
            },
        )
        .expect("replied");

    let all = touches(&w);
    assert!(all.iter().filter(|t| t.player_id == w.exec).all(|t| !t.state.is_open()), "exec thread ended");
    let enrollment = &w.store.enrollments_of(w.account).expect("enrollments")[0];
    assert_eq!(enrollment.state, EnrollmentState::Paused);
    assert!(queue(&w, &reply).is_empty(), "a paused play produces no due touches");

    // Three days later the owner resumes: the others' touches shift by the pause.
    let resume = engine("2026-11-26T11:00:00+01:00");
    let director_before = head(&w, w.director).due_at;
    {
        let account = w.store.find_account("Nordwind").expect("account").id;
        resume.apply(&mut w.store, Request::Resume { account })
    }
    .expect("resume");
    let director_after = head(&w, w.director).due_at;
    assert!(
        director_after >= director_before + Duration::days(3) - Duration::hours(1),
        "{director_before} -> {director_after}"
    );
    let items = queue(&w, &resume);
    assert!(items.iter().all(|i| i.row.touch.player_id != w.exec));
    assert!(
        items.iter().filter(|i| i.group == Group::Overdue).count() == 0,
        "no burst of overdue touches after resume"
    );
}

#[test]
fn bounce_ends_only_that_players_thread() {
    let mut w = world(true);
    let e = engine(MONDAY);
    {
        let account = w.store.find_account("Nordwind").expect("account").id;
        e.apply(
            &mut w.store,
            Request::Enroll { account, play: "multi-thread".to_string(), players: vec![], also: false },
        )
    }
    .expect("enroll");
    let first = head(&w, w.director);
    let unsent =
        e.apply(&mut w.store, Request::Respond { on: On::Touch(first.id), response: Response::Bounced, note: None });
    assert!(unsent.expect_err("nothing went out").to_string().contains("nothing has gone out"));
    assert_eq!(w.store.touch(first.id).expect("touch").state, TouchState::Due, "a response never marks a touch done");
    e.apply(&mut w.store, Request::Done { touch: first.id, outcome: None, note: None }).expect("done");
    e.apply(&mut w.store, Request::Respond { on: On::Touch(first.id), response: Response::Bounced, note: None })
        .expect("bounced");
    assert_eq!(w.store.player(w.director).expect("player").status, PlayerStatus::Bounced);
    let all = touches(&w);
    assert!(all.iter().filter(|t| t.player_id == w.director).all(|t| !t.state.is_open()));
    assert!(all.iter().any(|t| t.player_id == w.exec && t.state == TouchState::Due), "others continue");
    assert_eq!(w.store.enrollments_of(w.account).expect("e")[0].state, EnrollmentState::Active);
}

#[test]
fn out_of_office_shifts_the_thread_past_the_return_date_without_a_burst() {
    let mut w = world(true);
    let e = engine(MONDAY);
    {
        let account = w.store.find_account("Nordwind").expect("account").id;
        e.apply(
            &mut w.store,
            Request::Enroll { account, play: "multi-thread".to_string(), players: vec![], also: false },
        )
    }
    .expect("enroll");
    let first = head(&w, w.practitioner);
    let open_before: Vec<_> =
        touches(&w).into_iter().filter(|t| t.player_id == w.practitioner && t.state.is_open()).collect();
    let later = engine("2026-11-24T10:00:00+01:00");
    later.apply(&mut w.store, Request::Done { touch: first.id, outcome: None, note: None }).expect("done");
    let back = NaiveDate::from_ymd_opt(2026, 12, 7).expect("date");
    later
        .apply(
            &mut w.store,
            Request::Respond { on: On::Touch(first.id), response: Response::OutOfOffice { until: back }, note: None },
        )
        .expect("ooo");
    let open_after: Vec<_> =
        touches(&w).into_iter().filter(|t| t.player_id == w.practitioner && t.state.is_open()).collect();
    assert_eq!(open_after.len(), open_before.len() - 1);
    let back_start = at("2026-12-07T00:00:00+05:45");
    assert!(open_after.iter().all(|t| t.due_at >= back_start), "nothing before the return date");
    // Spacing kept: the first two resumed touches are not on the same day.
    let days: Vec<_> =
        open_after.iter().map(|t| t.due_at.with_timezone(&chrono_tz::Asia::Kathmandu).date_naive()).collect();
    assert!(days.windows(2).all(|d| d[0] <= d[1]));
    assert!(days.len() < 2 || days[0] < days[1], "no burst: {days:?}");
}

#[test]
fn snooze_stays_inside_the_players_hours() {
    let mut w = world(true);
    let e = engine("2026-11-23T17:30:00+01:00");
    {
        let account = w.store.find_account("Nordwind").expect("account").id;
        e.apply(
            &mut w.store,
            Request::Enroll { account, play: "multi-thread".to_string(), players: vec![], also: false },
        )
    }
    .expect("enroll");
    let first = head(&w, w.director);
    e.apply(&mut w.store, Request::Snooze { touch: first.id, to: Some(SnoozeTo::For(Duration::hours(1))) })
        .expect("snooze");
    let snoozed = w.store.touch(first.id).expect("touch");
    assert_eq!(snoozed.state, TouchState::Snoozed);
    assert_eq!(snoozed.due_at, at("2026-11-24T09:00:00+01:00"), "18:30 is after hours: next morning");
}

#[test]
fn refused_actions_change_nothing() {
    let mut w = world(true);
    let e = engine(MONDAY);
    {
        let account = w.store.find_account("Nordwind").expect("account").id;
        e.apply(
            &mut w.store,
            Request::Enroll { account, play: "multi-thread".to_string(), players: vec![], also: false },
        )
    }
    .expect("enroll");
    let planned = touches(&w).into_iter().find(|t| t.state == TouchState::Planned).expect("planned");
    let before = touches(&w);
    let err =
        e.apply(&mut w.store, Request::Done { touch: planned.id, outcome: None, note: None }).expect_err("not due");
    assert!(err.to_string().contains("not due yet"), "{err}");
    let first = head(&w, w.exec);
    e.apply(&mut w.store, Request::Done { touch: first.id, outcome: None, note: None }).expect("done");
    let err = e.apply(&mut w.store, Request::Done { touch: first.id, outcome: None, note: None }).expect_err("twice");
    assert!(err.to_string().contains("already done"), "{err}");
    e.apply(&mut w.store, Request::Undo).expect("undo");
    assert_eq!(touches(&w), before);
    let undone = e.apply(&mut w.store, Request::Undo).expect("undo the enrollment too");
    assert!(undone.contains("enroll"), "{undone}");
    assert!(touches(&w).is_empty() && w.store.enrollments_of(w.account).expect("e").is_empty());
    let err = e.apply(&mut w.store, Request::Undo).expect_err("nothing left");
    assert!(err.to_string().contains("nothing to undo"), "{err}");
}

#[test]
fn pause_until_a_date_brings_touches_back_spaced_as_planned() {
    let mut w = world(true);
    let e = engine(MONDAY);
    {
        let account = w.store.find_account("Nordwind").expect("account").id;
        e.apply(
            &mut w.store,
            Request::Enroll { account, play: "multi-thread".to_string(), players: vec![], also: false },
        )
    }
    .expect("enroll");
    let until = chrono::NaiveDate::from_ymd_opt(2026, 12, 1);
    let account = w.store.find_account("Nordwind").expect("account").id;
    e.apply(&mut w.store, Request::Pause { account, until }).expect("pause");
    assert!(queue(&w, &engine("2026-11-25T10:00:00+01:00")).is_empty(), "nothing due while paused");
    let back = engine("2026-12-01T10:00:00+01:00");
    // As every command does first: the pause's day has come, so it ends.
    assert_eq!(back.settle_pauses(&mut w.store).expect("settle"), 1);
    let items = queue(&w, &back);
    assert!(!items.is_empty(), "touches come back after the pause");
    assert!(items.iter().all(|i| i.group != Group::Overdue), "no overdue burst after a pause");
    assert!(items.len() <= 3, "at most one touch per thread: {}", items.len());
}
