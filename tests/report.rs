//! The manager's figures on a hand-built morning whose answers are worked
//! out by hand below (not by the code under test).

mod common;

use chrono::{DateTime, NaiveDate, Utc};
use playbook::config::Config;
use playbook::domain::{AccountStatus, Bant, PlayerStatus, Role, Tier, TouchKind, TouchState};
use playbook::engine::{Engine, On, Request, Response};
use playbook::play::BUILTIN;
use playbook::report::{build, Period, PipelineConfig};
use playbook::store::{NewAccount, NewPlayer, Store, TouchRow};

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text).expect("valid").with_timezone(&Utc)
}

fn engine(now: &str) -> Engine {
    let config = Config { me: Some("Dana Kim".into()), zone: chrono_tz::Europe::Berlin, ..Config::default() };
    Engine::new(&config, at(now))
}

fn head(store: &Store, account: i64, player: i64) -> TouchRow {
    let e = &store.enrollments_of(account).expect("enrollments")[0];
    store
        .touches_of_enrollment(e.id)
        .expect("touches")
        .into_iter()
        .find(|t| t.player_id == player && t.state == TouchState::Due && t.kind == TouchKind::Step)
        .expect("due touch")
}

/// One account, three players, the multi-thread play from Monday 09:00 Berlin:
/// - Mon 10:00 exec's step 1 (email) done, no deadline: on time;
/// - Mon 10:05 director's step 2 (email) done: on time;
/// - Mon 17:00 director's step 3 (same-day email, deadline 18:00) done: on time;
/// - Mon 19:00 the exec replies (positive) to step 1: play paused, exec thread ends;
/// - Tue 10:00 the practitioner's step 4 (LinkedIn) is skipped.
fn morning() -> (Store, i64) {
    let mut store = common::fresh_store();
    let monday = at("2026-11-23T09:00:00+01:00");
    let loader = store.loader().expect("loader");
    for (_, source) in BUILTIN {
        loader.install_play(source, monday).expect("play");
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
                employees: None,
                annual_revenue: None,
                owner: "Dana Kim".into(),
                status: AccountStatus::Target,
                source: None,
                opportunity_value: Some(60_000),
                bant: Bant::new(4, 3, 5, 4),
            },
            monday,
        )
        .expect("account");
    loader
        .insert_trigger(account, "funding", "your Series B", None, NaiveDate::from_ymd_opt(2026, 11, 20).expect("d"))
        .expect("t");
    let player = |first: &str, tier: Tier, role: Role, zone: chrono_tz::Tz| {
        loader
            .insert_player(&NewPlayer {
                account_id: account,
                first_name: first.into(),
                last_name: "Test".into(),
                title: None,
                email: None,
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

    {
        let account = store.find_account("Nordwind").expect("account").id;
        engine("2026-11-23T09:00:00+01:00").apply(
            &mut store,
            Request::Enroll { account, play: "multi-thread".to_string(), players: vec![], also: false },
        )
    }
    .expect("enroll");
    let exec_first = head(&store, account, exec).id;
    engine("2026-11-23T10:00:00+01:00")
        .apply(&mut store, Request::Done { touch: exec_first, outcome: None, note: None })
        .expect("exec done");
    let t = head(&store, account, director).id;
    engine("2026-11-23T10:05:00+01:00")
        .apply(&mut store, Request::Done { touch: t, outcome: None, note: None })
        .expect("director step 2");
    let t = head(&store, account, director);
    assert_eq!(t.step, 3);
    engine("2026-11-23T17:00:00+01:00")
        .apply(&mut store, Request::Done { touch: t.id, outcome: None, note: None })
        .expect("director step 3");
    engine("2026-11-23T19:00:00+01:00")
        .apply(
            &mut store,
            Request::Respond { on: On::Touch(exec_first), response: Response::Replied { positive: true }, note: None },
        )
        .expect("reply");
    let t = head(&store, account, practitioner).id;
    engine("2026-11-24T10:00:00+01:00")
        .apply(&mut store, Request::Skip { touch: t, reason: Some("no LinkedIn profile".into()) })
        .expect("skip");
    (store, account)
}

#[test]
fn figures_match_the_hand_count() {
    let (store, _) = morning();
    let zone = chrono_tz::Europe::Berlin;
    let today = NaiveDate::from_ymd_opt(2026, 11, 24).expect("date");
    let period = Period::parse("7d", today, zone).expect("period");
    let r = build(&store, &PipelineConfig::default(), period, zone, Some("Dana Kim"), at("2026-11-24T10:00:00+01:00"))
        .expect("report");

    // Reps: 3 done (all email, all on time), 1 skipped, nothing overdue in a paused play.
    assert_eq!(r.reps.len(), 1);
    let dana = &r.reps[0];
    assert_eq!((dana.done, dana.skipped, dana.overdue), (3, 1, 0));
    assert_eq!(dana.by_channel.get("email"), Some(&3));
    assert_eq!(dana.on_time_rate, Some(1.0));
    assert_eq!(dana.activity_14d[12], 3, "Monday");
    assert_eq!(dana.activity_14d[13], 0, "Tuesday");
    assert_eq!(dana.activity_14d.iter().sum::<i64>(), 3);

    // Plays: one enrollment, paused by the reply; 3 done of 13 planned
    // (18 touches: 5 of the exec's cancelled by the reply).
    let mt = r.plays.iter().find(|p| p.play == "multi-thread").expect("play");
    assert_eq!((mt.enrolled, mt.active, mt.paused, mt.completed), (1, 0, 1, 0));
    assert_eq!((mt.touches_done, mt.touches_planned), (3, 13));
    assert_eq!((mt.replies, mt.meetings), (1, 0));
    // First touch Mon 10:00, reply Mon 19:00: 9 hours.
    assert_eq!(mt.median_days_to_reply, Some(9.0 / 24.0));
    let step = |n: usize| mt.steps.iter().find(|s| s.step == n).expect("step");
    assert_eq!((step(1).done, step(1).replies, step(1).reply_rate), (1, 1, Some(1.0)));
    assert_eq!((step(2).done, step(2).replies, step(2).reply_rate), (1, 0, Some(0.0)));
    assert_eq!(step(3).done, 1);
    assert_eq!((step(4).done, step(4).reply_rate), (0, None), "a skip is not a touch done");
    assert_eq!(step(1).channel, "email");
    let other = r.plays.iter().find(|p| p.play == "re-engage").expect("listed though unused");
    assert_eq!(other.enrolled, 0);

    // Funnel: one logistics account in EMEA worked, it replied, no meeting.
    assert_eq!((r.funnel.total.worked, r.funnel.total.replied, r.funnel.total.meetings), (1, 1, 0));
    assert_eq!(r.funnel.by_industry[0].segment, "Logistics");
    assert_eq!(r.funnel.by_region[0].segment, "EMEA");

    // Pipeline: $60,000/yr = 5,000 MRR, band <= 10,000 MRR closes at 20%: $12,000.
    // Quota: 2,000,000 / (12 x 1 rep x 0.2) = 833,333 MRR = 167 opportunities of 5,000.
    assert_eq!((r.pipeline.open_value, r.pipeline.expected_value), (60_000, 12_000));
    assert_eq!(r.pipeline.quota_mrr_per_rep, 833_333);
    assert_eq!(r.pipeline.quota_opportunities_per_rep, Some(167));

    // No active play, so nothing can be stalled.
    assert_eq!((r.accounts.active_plays, r.accounts.stalled), (0, 0));
}

#[test]
fn undo_takes_a_done_touch_out_of_the_figures() {
    let (mut store, _) = morning();
    engine("2026-11-24T10:01:00+01:00").apply(&mut store, Request::Undo).expect("undo the skip");
    let zone = chrono_tz::Europe::Berlin;
    let period = Period::parse("today", NaiveDate::from_ymd_opt(2026, 11, 24).expect("d"), zone).expect("p");
    let r =
        build(&store, &PipelineConfig::default(), period, zone, None, at("2026-11-24T10:02:00+01:00")).expect("report");
    assert_eq!(r.reps[0].skipped, 0, "the undone skip is gone");
    let period =
        Period::parse("2026-11-23..2026-11-23", NaiveDate::from_ymd_opt(2026, 11, 24).expect("d"), zone).expect("p");
    let r =
        build(&store, &PipelineConfig::default(), period, zone, None, at("2026-11-24T10:02:00+01:00")).expect("report");
    assert_eq!(r.reps[0].done, 3, "Monday's touches are Monday's");
}

#[test]
fn stalled_play_is_flagged_after_its_maximum_gap() {
    let mut store = morning().0;
    {
        let account = store.find_account("Nordwind").expect("account").id;
        engine("2026-11-24T11:00:00+01:00").apply(&mut store, Request::Resume { account })
    }
    .expect("resume");
    let zone = chrono_tz::Europe::Berlin;
    // Nothing happens for 8 days: the play's max gap is 5.
    let later = at("2026-12-02T11:00:00+01:00");
    let period = Period::parse("7d", NaiveDate::from_ymd_opt(2026, 12, 2).expect("d"), zone).expect("p");
    let r = build(&store, &PipelineConfig::default(), period, zone, None, later).expect("report");
    assert_eq!((r.accounts.active_plays, r.accounts.stalled), (1, 1));
    let a = &r.accounts.attention[0];
    assert_eq!(a.name, "Nordwind Logistik GmbH");
    assert_eq!(a.days_since_touch, 8, "last touch: the skip on Tue 24 Nov 10:00");
    assert!(a.overdue > 0);
}

#[test]
fn rollups_kept_by_triggers_match_a_rebuild_from_the_touches() {
    // Done, skip, reply (which cancels and pauses), undo, resume (which moves
    // open touches): every path that changes a touch's state or owner.
    let (mut store, _) = morning();
    engine("2026-11-24T10:01:00+01:00").apply(&mut store, Request::Undo).expect("undo the skip");
    {
        let account = store.find_account("Nordwind").expect("account").id;
        engine("2026-11-24T11:00:00+01:00").apply(&mut store, Request::Resume { account })
    }
    .expect("resume");
    let zone = chrono_tz::Europe::Berlin;
    let now = at("2026-11-24T12:00:00+01:00");
    let period = Period::parse("30d", NaiveDate::from_ymd_opt(2026, 11, 24).expect("d"), zone).expect("p");
    let kept = build(&store, &PipelineConfig::default(), period, zone, None, now).expect("report");
    store.rebuild_rollups().expect("rebuild");
    let rebuilt = build(&store, &PipelineConfig::default(), period, zone, None, now).expect("report");
    assert_eq!(kept, rebuilt);
    let mt = kept.plays.iter().find(|p| p.play == "multi-thread").expect("play");
    assert!(mt.touches_planned > mt.touches_done, "open touches are counted as planned");
}

#[test]
fn funnel_is_the_same_whether_the_period_reaches_now_or_lies_in_the_past() {
    // Two ways to find the accounts worked: from each enrollment's last done
    // day (period up to now) or from the touches (a past period).
    let (store, _) = morning();
    let zone = chrono_tz::Europe::Berlin;
    let period =
        Period::parse("2026-11-17..2026-11-24", NaiveDate::from_ymd_opt(2026, 11, 24).expect("d"), zone).expect("p");
    let live = build(&store, &PipelineConfig::default(), period, zone, None, at("2026-11-24T12:00:00+01:00"));
    let later = build(&store, &PipelineConfig::default(), period, zone, None, at("2026-11-27T12:00:00+01:00"));
    let (live, later) = (live.expect("report"), later.expect("report"));
    assert_eq!(live.funnel, later.funnel);
    assert_eq!((live.funnel.total.worked, live.funnel.total.replied), (1, 1));
    // A past week without touches: nothing worked.
    let before =
        Period::parse("2026-11-01..2026-11-07", NaiveDate::from_ymd_opt(2026, 11, 24).expect("d"), zone).expect("p");
    let r = build(&store, &PipelineConfig::default(), before, zone, None, at("2026-11-24T12:00:00+01:00"));
    assert_eq!(r.expect("report").funnel.total.worked, 0);
}

#[test]
fn a_generated_history_has_the_rollups_a_rebuild_gives() {
    // The bulk loader tallies rollups and last touches in Rust with the
    // triggers off; they must equal what the triggers would have kept.
    let now = at("2026-11-24T09:30:00+01:00");
    let mut store = common::fresh_store();
    playbook::demo::generate(&mut store, &playbook::cadence::Policy::default(), now, 300, 7).expect("generate");
    let zone = chrono_tz::Europe::Berlin;
    let period = Period::parse("30d", NaiveDate::from_ymd_opt(2026, 11, 24).expect("d"), zone).expect("p");
    let loaded = build(&store, &PipelineConfig::default(), period, zone, None, now).expect("report");
    store.rebuild_rollups().expect("rebuild");
    let rebuilt = build(&store, &PipelineConfig::default(), period, zone, None, now).expect("report");
    assert_eq!(loaded, rebuilt);
    assert!(loaded.reps.iter().map(|r| r.done).sum::<i64>() > 100, "the history has work in it");
    assert!(loaded.accounts.stalled > 0 && loaded.funnel.total.worked > 0);
}
