//! Back from leave (issue 11, item 6): `catch-up` spreads a rep's overdue
//! touches over the coming working days, `away` plans an absence ahead.
//! Through the CLI, on the synthetic demo and on one small account.

mod common;

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, Timelike, Utc, Weekday};
use chrono_tz::Tz;
use common::Env;
use std::collections::{BTreeMap, HashMap};

/// Tuesday morning: the demo is made, then the rep is off sick.
const MADE: &str = "2026-11-24T09:30:00+01:00";
/// Three days later, Friday morning in Paris: back at work.
const BACK: &str = "2026-11-27T09:00:00+01:00";
/// The synthetic demo's rep with the most overdue on Friday (about 60).
const REP: &str = "Priya Nair";

/// One stored touch with its player, as a user would look at it.
#[derive(Debug, Clone, PartialEq)]
struct T {
    id: i64,
    enrollment: i64,
    player: i64,
    seq: i64,
    kind: String,
    state: String,
    owner: String,
    due: DateTime<Utc>,
    deadline: Option<DateTime<Utc>>,
    why: String,
    why_data: Option<String>,
    channel: String,
    tier: String,
    zone: Tz,
    running: bool,
}

impl T {
    fn open(&self) -> bool {
        matches!(self.state.as_str(), "planned" | "due" | "snoozed")
    }

    fn waiting(&self) -> bool {
        matches!(self.state.as_str(), "due" | "snoozed")
    }
}

fn touches(env: &Env) -> Vec<T> {
    let db = common::raw_db(&env.db);
    let mut stmt = db
        .prepare(
            "SELECT t.id, t.enrollment_id, t.player_id, t.seq, t.kind, t.state, t.owner, t.due_at, t.deadline_at,
                    t.why, t.why_data, t.channel, p.tier, p.zone, e.state = 'active'
             FROM touches t JOIN players p ON p.id = t.player_id JOIN enrollments e ON e.id = t.enrollment_id
             ORDER BY t.id",
        )
        .expect("query");
    let ts = |s: i64| DateTime::from_timestamp(s, 0).expect("ts");
    stmt.query_map([], |r| {
        Ok(T {
            id: r.get(0)?,
            enrollment: r.get(1)?,
            player: r.get(2)?,
            seq: r.get(3)?,
            kind: r.get(4)?,
            state: r.get(5)?,
            owner: r.get(6)?,
            due: ts(r.get(7)?),
            deadline: r.get::<_, Option<i64>>(8)?.map(ts),
            why: r.get(9)?,
            why_data: r.get(10)?,
            channel: r.get(11)?,
            tier: r.get(12)?,
            zone: r.get::<_, String>(13)?.parse().expect("zone"),
            running: r.get(14)?,
        })
    })
    .expect("rows")
    .map(|r| r.expect("row"))
    .collect()
}

fn instant(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text).expect("instant").with_timezone(&Utc)
}

fn rep_zone(env: &Env, rep: &str) -> Tz {
    let db = common::raw_db(&env.db);
    let zone: String = db.query_row("SELECT zone FROM reps WHERE name = ?1", [rep], |r| r.get(0)).expect("rep");
    zone.parse().expect("zone")
}

/// The start of a local date in a zone.
fn start_of(zone: Tz, date: NaiveDate) -> DateTime<Utc> {
    date.and_time(NaiveTime::MIN).and_local_timezone(zone).earliest().expect("local midnight").with_timezone(&Utc)
}

fn run(env: &Env, now: &str, args: &[&str]) -> (bool, i32, String, String) {
    let out = env.cmd_at(now, args).output().expect("runs");
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    (out.status.success(), out.status.code().unwrap_or(-1), text(&out.stdout), text(&out.stderr))
}

fn ok(env: &Env, now: &str, args: &[&str]) -> String {
    let (success, _, stdout, stderr) = run(env, now, args);
    assert!(success, "{args:?} at {now}: {stderr}");
    stdout
}

/// The synthetic demo (180 accounts, three reps in Europe), made on Tuesday.
fn demo() -> Env {
    let env = Env::new();
    ok(&env, MADE, &["demo", "--accounts", "180"]);
    env
}

/// The rep's touches waiting from before the start of their day at `now`,
/// in running plays: what the queue shows as overdue.
fn overdue(all: &[T], rep: &str, zone: Tz, now: &str) -> Vec<T> {
    let day_start = start_of(zone, instant(now).with_timezone(&zone).date_naive());
    all.iter().filter(|t| t.owner == rep && t.running && t.waiting() && t.due < day_start).cloned().collect()
}

/// The working days of a player's zone (no holidays are configured here).
fn works(zone: Tz, day: Weekday) -> bool {
    match playbook::cadence::calendar::zone_workdays(zone) {
        Some(days) => days.contains(day),
        None => !matches!(day, Weekday::Sat | Weekday::Sun),
    }
}

/// Never two open touches to one player within the plays' spacing (2h)
/// where one of them is in `moved`.
fn spaced(all: &[T], moved: &[i64]) {
    let open: Vec<&T> = all.iter().filter(|t| t.open() || t.state == "done").collect();
    for a in open.iter().filter(|t| moved.contains(&t.id)) {
        for b in open.iter().filter(|b| b.player == a.player && b.id != a.id && b.open()) {
            assert!(
                (a.due - b.due).abs() >= Duration::hours(2),
                "touches {} and {} too close:\n{a:?}\n{b:?}",
                a.id,
                b.id
            );
        }
    }
}

/// Each moved touch is due in its thread's order (the synthetic demo has
/// a few pairs of steps due at the same minute; those are not ours).
fn in_order(all: &[T], moved: &[i64]) {
    let mut threads: BTreeMap<(i64, i64), Vec<&T>> = BTreeMap::new();
    let touched: Vec<(i64, i64)> =
        all.iter().filter(|t| moved.contains(&t.id)).map(|t| (t.enrollment, t.player)).collect();
    for t in all.iter().filter(|t| t.open() && t.kind == "step" && touched.contains(&(t.enrollment, t.player))) {
        threads.entry((t.enrollment, t.player)).or_default().push(t);
    }
    for thread in threads.values_mut() {
        thread.sort_by_key(|t| t.seq);
        for pair in thread.windows(2).filter(|p| moved.contains(&p[0].id) || moved.contains(&p[1].id)) {
            assert!(pair[0].due < pair[1].due, "thread out of order:\n{:?}\n{:?}", pair[0], pair[1]);
        }
    }
}

#[test]
fn sixty_overdue_touches_are_spread_at_most_n_a_day_in_their_players_hours() {
    let env = demo();
    let zone = rep_zone(&env, REP);
    let before = touches(&env);
    let late = overdue(&before, REP, zone, BACK);
    assert!(late.len() >= 50, "a real pile after three days: {}", late.len());
    let said = ok(&env, BACK, &["catch-up", "--owner", REP]);
    let days = said.matches(" 20,").count() + 1;
    assert!(
        said.starts_with(&format!(
            "catch-up: {} overdue touches spread over {days} working days (at most 20 a day): Fri 27 Nov 20, Mon 30 Nov",
            late.len()
        )),
        "{said}"
    );
    let after = touches(&env);
    assert!(overdue(&after, REP, zone, BACK).is_empty(), "nothing overdue any more");
    let by_id: HashMap<i64, &T> = after.iter().map(|t| (t.id, t)).collect();
    let mut per_day: BTreeMap<NaiveDate, usize> = BTreeMap::new();
    for old in &late {
        let t = by_id[&old.id];
        assert!(t.due >= instant(BACK), "from now on: {t:?}");
        assert_eq!(t.state, old.state, "still waiting: {t:?}");
        let rep_day = t.due.with_timezone(&zone).date_naive();
        assert!(!matches!(rep_day.weekday(), Weekday::Sat | Weekday::Sun), "on the rep's weekend: {t:?}");
        *per_day.entry(rep_day).or_default() += 1;
        let local = t.due.with_timezone(&t.zone);
        let time = local.time();
        if t.tier == "executive" {
            assert!((7..21).contains(&local.hour()), "an executive at night: {t:?}");
        } else {
            assert!(works(t.zone, local.weekday()), "a practitioner's or director's day off: {t:?}");
            let (start, end) = (NaiveTime::from_hms_opt(9, 0, 0), NaiveTime::from_hms_opt(17, 30, 0));
            assert!(Some(time) >= start && Some(time) <= end, "outside office hours: {t:?}");
        }
        if matches!(t.channel.as_str(), "call" | "sms" | "meeting") {
            assert!((8..20).contains(&local.hour()), "a call at night: {t:?}");
        }
        assert!(t.why.contains("spread after an absence (was due"), "{}", t.why);
    }
    assert!(per_day.values().all(|n| *n <= 20), "at most 20 a day: {per_day:?}");
    assert_eq!(per_day.len(), days, "{per_day:?}");
    let moved: Vec<i64> = before.iter().filter(|t| by_id[&t.id].due != t.due).map(|t| t.id).collect();
    assert!(moved.len() > late.len(), "the planned touches behind them moved too");
    spaced(&after, &moved);
    in_order(&after, &moved);
    // Other reps' touches stay where they were.
    for t in before.iter().filter(|t| t.owner != REP) {
        assert_eq!(by_id[&t.id], t, "another rep's touch moved");
    }
}

#[test]
fn undo_restores_every_due_time_and_a_dry_run_changes_nothing() {
    let env = demo();
    let before = touches(&env);
    let dry = ok(&env, BACK, &["catch-up", "--owner", REP, "--per-day", "15", "--dry-run"]);
    assert!(dry.starts_with("catch-up --dry-run: ") && dry.contains("overdue touches would spread over"), "{dry}");
    assert!(dry.contains("(at most 15 a day)") && dry.contains("would move with their threads"), "{dry}");
    assert!(dry.trim_end().ends_with("nothing changed"), "{dry}");
    assert_eq!(touches(&env), before, "a dry run changes nothing");
    let done = ok(&env, BACK, &["catch-up", "--owner", REP, "--per-day", "15"]);
    assert_eq!(
        done.trim_end(),
        dry.trim_end()
            .trim_end_matches("; nothing changed")
            .replace(" --dry-run: ", ": ")
            .replace("would ", "")
            .replace("move with", "moved with"),
        "the dry run showed the plan that was carried out"
    );
    assert_ne!(touches(&env), before);
    let undone = ok(&env, BACK, &["undo"]);
    assert!(undone.starts_with("undid catch-up"), "{undone}");
    assert_eq!(touches(&env), before, "every due time, deadline and reason back as it was");
}

#[test]
fn the_daily_limit_comes_from_the_config_and_is_checked() {
    let env = demo();
    let config = env.dir.path().join("config.toml");
    std::fs::write(&config, format!("[me]\nname = \"{REP}\"\n[cadence]\ncatch_up_per_day = 7\n")).expect("config");
    let zone = rep_zone(&env, REP);
    let late = overdue(&touches(&env), REP, zone, BACK);
    // No --owner: the configured rep.
    let said = ok(&env, BACK, &["catch-up"]);
    assert!(said.contains("(at most 7 a day): Fri 27 Nov 7, Mon 30 Nov 7, Tue 1 Dec 7"), "{said}");
    let after = touches(&env);
    let mut per_day: BTreeMap<NaiveDate, usize> = BTreeMap::new();
    for t in after.iter().filter(|t| late.iter().any(|l| l.id == t.id)) {
        *per_day.entry(t.due.with_timezone(&zone).date_naive()).or_default() += 1;
    }
    assert!(per_day.values().all(|n| *n <= 7), "{per_day:?}");
    assert!(per_day.len() >= late.len() / 7, "{per_day:?}");
    let (_, code, _, err) = run(&env, BACK, &["catch-up", "--per-day", "0"]);
    assert_eq!((code, err.lines().count()), (2, 1), "{err}");
    assert!(err.contains("--per-day must be between 1 and 1000, not 0"), "{err}");
    std::fs::write(&config, "[cadence]\ncatch_up_per_day = 5000\n").expect("config");
    let (_, code, _, err) = run(&env, BACK, &["catch-up", "--owner", REP]);
    assert_eq!((code, err.lines().count()), (1, 1), "{err}");
    assert!(err.contains("[cadence] catch_up_per_day must be between 1 and 1000, not 5000"), "{err}");
    std::fs::write(&config, "").expect("config");
    let (_, code, _, err) = run(&env, BACK, &["catch-up"]);
    assert_eq!(code, 2, "no rep named and none configured: {err}");
    assert!(err.contains("catch-up needs a rep: pass --owner REP"), "{err}");
}

/// Mini Co with Eva (executive), Dirk (director) and Pia (practitioner) in
/// Berlin, enrolled in multi-thread on Monday 2 March 2026 at 08:00 Berlin.
fn mini() -> Env {
    common::mini_co("Europe/Berlin")
}

#[test]
fn a_thread_moves_behind_its_head_keeping_its_spacing() {
    let env = mini();
    let before = touches(&env);
    // Nothing done Monday to Wednesday; back on Thursday, two a day.
    let thursday = "2026-03-05T08:00:00+01:00";
    let said = ok(&env, thursday, &["catch-up", "--owner", "Quinn Tester", "--per-day", "2"]);
    assert!(
        said.starts_with(
            "catch-up: 3 overdue touches spread over 2 working days (at most 2 a day): Thu 5 Mar 2, Fri 6 Mar 1"
        ),
        "{said}"
    );
    let after = touches(&env);
    let by_id: HashMap<i64, &T> = after.iter().map(|t| (t.id, t)).collect();
    for old in before.iter().filter(|t| t.state == "due") {
        let head = by_id[&old.id];
        let was = old.due.with_timezone(&chrono_tz::Europe::Berlin).format("%a %-d %b");
        assert!(head.why.contains(&format!("spread after an absence (was due {was})")), "{}", head.why);
        let shift = head.due - old.due;
        // The planned steps behind it moved with it, about as far: the same
        // gaps, give or take a window's edge.
        for b in before.iter().filter(|b| b.enrollment == old.enrollment && b.player == old.player && b.seq > old.seq) {
            let moved = by_id[&b.id];
            assert!(moved.due > head.due, "behind its head: {moved:?}");
            assert!(moved.due - b.due >= shift - Duration::hours(12), "kept its distance: {b:?} -> {moved:?}");
            assert!(moved.why.contains("moved with its thread"), "{}", moved.why);
        }
    }
    let moved: Vec<i64> = after.iter().map(|t| t.id).collect();
    in_order(&after, &moved);
    spaced(&after, &moved);
    // Nothing left to catch up: said so, not an error.
    let again = ok(&env, thursday, &["catch-up", "--owner", "Quinn Tester"]);
    assert_eq!(again.trim(), "catch-up: nothing overdue for Quinn Tester");
}

#[test]
fn away_leaves_nothing_due_inside_the_absence_and_nothing_piles_up_on_return() {
    let env = demo();
    let zone = rep_zone(&env, REP);
    let (from, back) =
        (NaiveDate::from_ymd_opt(2026, 11, 30).expect("d"), NaiveDate::from_ymd_opt(2026, 12, 7).expect("d"));
    let (start, end) = (start_of(zone, from), start_of(zone, back));
    let before = touches(&env);
    let said = ok(&env, MADE, &["away", "--owner", REP, "--from", "2026-11-30", "--until", "2026-12-07"]);
    assert!(said.starts_with("away from Mon 30 Nov, back Mon 7 Dec: "), "{said}");
    assert!(said.contains("waiting touches moved 7 days later; nothing is due while you are away"), "{said}");
    let after = touches(&env);
    let by_id: HashMap<i64, &T> = after.iter().map(|t| (t.id, t)).collect();
    let mine = |t: &&T| t.owner == REP && t.running && t.open();
    for t in after.iter().filter(mine) {
        assert!(t.due < start || t.due >= end, "due while the rep is away: {t:?}");
    }
    for t in before.iter().filter(mine) {
        let now = by_id[&t.id];
        if t.due < start {
            assert_eq!(now, t, "what comes before the absence stays");
        } else {
            assert!(
                now.due >= t.due + Duration::days(7) - Duration::hours(1),
                "moved by the absence: {t:?} -> {now:?}"
            );
            assert!(
                now.why.contains("moved past the rep's time away (from Mon 30 Nov, back Mon 7 Dec)"),
                "{}",
                now.why
            );
        }
    }
    // The days after the return carry what the days of the absence did: the
    // busiest is no busier than the busiest before.
    let busiest = |list: &[T], from: DateTime<Utc>, days: i64| {
        let mut per_day: BTreeMap<NaiveDate, usize> = BTreeMap::new();
        for t in list.iter().filter(|t| t.owner == REP && t.running && t.open()) {
            if t.due >= from && t.due < from + Duration::days(days) {
                *per_day.entry(t.due.with_timezone(&zone).date_naive()).or_default() += 1;
            }
        }
        per_day.values().copied().max().unwrap_or(0)
    };
    let was = busiest(&before, start, 14);
    let is = busiest(&after, end, 14);
    assert!(was > 0 && is <= was, "a pile on return: {is} a day, was at most {was}");
    let moved: Vec<i64> = before.iter().filter(|t| by_id[&t.id].due != t.due).map(|t| t.id).collect();
    in_order(&after, &moved);
    spaced(&after, &moved);
    // The same days again would move everything twice: refused.
    let (_, code, _, err) = run(&env, MADE, &["away", "--owner", REP, "--from", "2026-12-01", "--until", "2026-12-03"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("already away from Mon 30 Nov, back Mon 7 Dec; undo that first"), "{err}");
    let undone = ok(&env, MADE, &["undo"]);
    assert!(undone.starts_with("undid away"), "{undone}");
    assert_eq!(touches(&env), before, "undo puts every touch back");
}

#[test]
fn away_refuses_dates_that_make_no_sense_in_one_line() {
    let env = demo();
    let cases: [(&[&str], i32, &str); 3] = [
        (
            &["--from", "2026-12-03", "--until", "2026-12-01"],
            2,
            "--until is the day you are back: it must come after --from",
        ),
        (
            &["--from", "2026-11-20", "--until", "2026-12-01"],
            1,
            "--from 2026-11-20 is in the past: today is 2026-11-24",
        ),
        (&["--from", "2027-12-03", "--until", "2027-12-05"], 1, "an absence reaches at most 366 days ahead"),
    ];
    let before = touches(&env);
    for (dates, want, text) in cases {
        let args: Vec<&str> = ["away", "--owner", REP].iter().chain(dates).copied().collect();
        let (_, code, _, err) = run(&env, MADE, &args);
        assert_eq!((code, err.lines().count()), (want, 1), "{args:?}: {err}");
        assert!(err.contains(text), "{args:?}: {err}");
    }
    assert_eq!(touches(&env), before, "nothing changed");
}
