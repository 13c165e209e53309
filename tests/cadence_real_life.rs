//! The cadence in a real week: out-of-office, pauses, late days, double
//! opens, executives, Gulf weekends. Each test is one of the issue's
//! repros, on three Berlin players at one account, through the CLI.

mod common;

use chrono::{DateTime, Datelike, Duration, Timelike, Utc, Weekday};
use common::{company, Env, CONTACTS_HEADER as HEADER};
use serde_json::Value;

fn mini(zone: &str) -> Env {
    common::mini_co(zone)
}

fn at(env: &Env, now: &str, args: &[&str]) -> String {
    let out = env.cmd_at(now, args).output().expect("runs");
    assert!(out.status.success(), "{args:?} at {now}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("utf-8")
}

/// Every touch of the account: (id, step, kind, state, due, deadline, why, player).
#[derive(Debug, Clone)]
struct T {
    id: i64,
    player: String,
    state: String,
    due: DateTime<Utc>,
    deadline: Option<DateTime<Utc>>,
    why: String,
    channel: String,
}

fn touches(env: &Env, now: &str) -> Vec<T> {
    let db = common::raw_db(&env.db);
    let _ = now;
    let mut stmt = db
        .prepare(
            "SELECT t.id, p.first_name, t.state, t.due_at, t.deadline_at, t.why, t.channel FROM touches t
             JOIN players p ON p.id = t.player_id ORDER BY t.due_at, t.id",
        )
        .expect("query");
    let ts = |s: i64| DateTime::from_timestamp(s, 0).expect("ts");
    stmt.query_map([], |r| {
        Ok(T {
            id: r.get(0)?,
            player: r.get(1)?,
            state: r.get(2)?,
            due: ts(r.get(3)?),
            deadline: r.get::<_, Option<i64>>(4)?.map(ts),
            why: r.get(5)?,
            channel: r.get(6)?,
        })
    })
    .expect("rows")
    .map(|r| r.expect("row"))
    .collect()
}

fn waiting(all: &[T], player: &str) -> Vec<T> {
    all.iter().filter(|t| t.player == player && (t.state == "due" || t.state == "snoozed")).cloned().collect()
}

fn berlin(t: DateTime<Utc>) -> DateTime<chrono_tz::Tz> {
    t.with_timezone(&chrono_tz::Europe::Berlin)
}

/// Never two touches waiting for one player within two hours.
fn spaced(list: &[T]) {
    for (i, a) in list.iter().enumerate() {
        for b in &list[i + 1..] {
            assert!((a.due - b.due).abs() >= Duration::hours(2), "{} and {} too close: {a:?} {b:?}", a.id, b.id);
        }
    }
}

#[test]
fn an_out_of_office_never_bunches_the_calls() {
    let env = mini("Europe/Berlin");
    at(&env, "2026-03-02T08:00:00Z", &["done", "7"]);
    at(&env, "2026-03-02T08:01:00Z", &["opened", "7"]);
    at(&env, "2026-03-02T10:00:00Z", &["done", "8"]);
    let second = at(&env, "2026-03-02T10:01:00Z", &["opened", "8"]);
    assert!(second.contains("already waiting"), "one open follow-up per player: {second}");
    at(&env, "2026-03-02T10:05:00Z", &["ooo", "8", "--until", "2026-03-07"]);
    let dirk = waiting(&touches(&env, "2026-03-09T07:30:00Z"), "Dirk");
    assert_eq!(dirk.len(), 2, "the follow-up and the day-1 call: {dirk:?}");
    spaced(&dirk);
    for t in &dirk {
        let local = berlin(t.due);
        assert_eq!(local.date_naive().weekday(), Weekday::Mon, "back on Monday: {t:?}");
        assert!(t.why.contains("out-of-office (back Sat 7 Mar)"), "{}", t.why);
    }
    // The call step asks for 10:00: it keeps its own time or later, never 09:00.
    let call = dirk.iter().find(|t| t.why.starts_with("step 5")).expect("the day-1 call");
    assert!(berlin(call.due).hour() >= 10, "{call:?}");
}

#[test]
fn a_late_day_shifts_the_plan_instead_of_squeezing_it() {
    let env = mini("Europe/Berlin");
    at(&env, "2026-03-04T13:00:00Z", &["done", "7"]);
    at(&env, "2026-03-04T13:30:00Z", &["opened", "7"]);
    at(&env, "2026-03-04T15:00:00Z", &["done", "8"]);
    let all = touches(&env, "2026-03-04T15:01:00Z");
    let dirk = waiting(&all, "Dirk");
    spaced(&dirk);
    let call = all.iter().find(|t| t.id == 9).expect("touch 9");
    // Step 5 is day 1 of the play: one day after the thread really reached day 0.
    assert_eq!(berlin(call.due).date_naive().day(), 5, "the day after, not the same afternoon: {call:?}");
    assert!(call.why.contains("later than the plan's day: the thread reached step 3 on Wed 4 Mar"), "{}", call.why);
}

#[test]
fn a_timed_pause_ends_by_itself_at_its_date() {
    let env = mini("Europe/Berlin");
    at(&env, "2026-03-02T08:00:00Z", &["done", "7"]);
    let paused = at(&env, "2026-03-02T09:00:00Z", &["pause", "mini.test", "--until", "2026-03-04"]);
    assert!(paused.contains("until 2026-03-04"), "{paused}");
    // On its date the play runs again: an open makes its follow-up, a reply
    // pauses the play for the owner, pause works, resume has nothing to do.
    let detail = at(&env, "2026-03-04T09:00:00Z", &["account", "mini.test"]);
    assert!(detail.contains("\"Multi-threaded account\": active"), "{detail}");
    let opened = at(&env, "2026-03-04T09:05:00Z", &["opened", "7"]);
    assert!(opened.contains("follow-up call"), "{opened}");
    let detail = at(&env, "2026-03-04T09:06:00Z", &["account", "mini.test"]);
    assert!(!detail.contains("paused"), "{detail}");
    at(&env, "2026-03-04T09:08:00Z", &["done", "14"]);
    at(&env, "2026-03-04T09:10:00Z", &["replied", "14"]);
    let detail = at(&env, "2026-03-04T09:11:00Z", &["account", "mini.test"]);
    assert!(detail.contains("paused (positive reply from Pia T: owner to decide)"), "{detail}");
    let queue = at(&env, "2026-03-05T10:00:00Z", &["queue", "--owner", "Quinn Tester", "--format", "json"]);
    let queue: Value = serde_json::from_str(&queue).expect("json");
    assert_eq!(queue.as_array().map(Vec::len), Some(0), "a paused play sends nothing: {queue}");
}

#[test]
fn a_pause_date_is_the_reps_local_date() {
    let env = mini("Europe/Berlin");
    let rep = common::raw_db(&env.db);
    rep.execute("UPDATE reps SET zone = 'Europe/Berlin'", []).expect("rep zone");
    drop(rep);
    let paused = at(&env, "2026-03-02T09:00:00Z", &["pause", "mini.test", "--until", "2026-10-09"]);
    assert!(paused.contains("until 2026-10-09"), "not the day before in UTC: {paused}");
}

#[test]
fn an_open_on_the_last_touch_earns_its_follow_up_and_each_open_only_one() {
    let env = company(&format!("{HEADER}\nDirk,T,dirk@mini.test,Head of Ops,mini.test,director,user,Europe/Berlin\n"));
    at(&env, "2026-03-02T07:00:00Z", &["enroll", "mini.test", "re-engage"]);
    for id in 1..=7 {
        at(&env, "2026-03-02T09:00:00Z", &["skip", &id.to_string()]);
    }
    at(&env, "2026-03-30T08:00:00Z", &["done", "8"]);
    let detail = at(&env, "2026-03-30T08:01:00Z", &["account", "mini.test"]);
    assert!(detail.contains(": completed"), "the last step done: {detail}");
    let opened = at(&env, "2026-03-30T08:30:00Z", &["opened", "8"]);
    assert!(opened.contains("follow-up call 9"), "{opened}");
    let again = at(&env, "2026-03-30T08:31:00Z", &["opened", "8"]);
    assert!(again.contains("already has its follow-up 9"), "{again}");
    let detail = at(&env, "2026-03-30T08:32:00Z", &["account", "mini.test"]);
    assert!(detail.contains(": active"), "running again for the follow-up: {detail}");
    at(&env, "2026-03-30T12:00:00Z", &["done", "9"]);
    let detail = at(&env, "2026-03-30T12:01:00Z", &["account", "mini.test"]);
    assert!(detail.contains(": completed"), "completed after it: {detail}");
}

#[test]
fn executives_get_nothing_at_night_and_nothing_lands_in_a_windows_last_minutes() {
    // Enrolled at 23:00 Berlin: the executive's day-0 email waits for morning.
    let env = company(&format!("{HEADER}\nEva,T,eva@mini.test,CEO,mini.test,executive,user,Europe/Berlin\nDirk,T,dirk@mini.test,Head of Ops,mini.test,director,user,Europe/Berlin\n"));
    at(&env, "2026-03-02T22:00:00Z", &["enroll", "mini.test", "multi-thread"]);
    for t in touches(&env, "2026-03-02T22:00:00Z") {
        let local = berlin(t.due).time();
        let hour = local.hour();
        assert!((7..21).contains(&hour), "nothing at night: {t:?}");
        if t.channel == "call" {
            assert!(
                local <= chrono::NaiveTime::from_hms_opt(19, 30, 0).expect("t"),
                "not in the last 30 minutes: {t:?}"
            );
        }
        if let Some(d) = t.deadline {
            assert!(berlin(d).hour() < 21 || berlin(d).time() == chrono::NaiveTime::from_hms_opt(21, 0, 0).expect("t"));
        }
    }
}

#[test]
fn riyadh_works_sunday_to_thursday() {
    let env = mini("Asia/Riyadh");
    let all = touches(&env, "2026-03-02T07:00:00Z");
    for t in all.iter().filter(|t| t.player == "Pia" || t.player == "Dirk" || t.channel == "call") {
        let local = t.due.with_timezone(&chrono_tz::Asia::Riyadh);
        assert!(
            !matches!(local.weekday(), Weekday::Fri | Weekday::Sat),
            "a working-day touch on the Riyadh weekend: {t:?}"
        );
    }
    assert!(
        all.iter()
            .any(|t| t.player != "Eva" && t.due.with_timezone(&chrono_tz::Asia::Riyadh).weekday() == Weekday::Sun),
        "Sunday is a working day there"
    );
}

#[test]
fn holidays_in_the_config_are_days_off() {
    let env = mini("Europe/Berlin");
    // Tuesday 3 March off in Berlin: enrolled again under that config, no
    // working-day touch falls on it.
    std::fs::write(env.dir.path().join("config.toml"), "[holidays]\n\"Europe/Berlin\" = [\"2026-03-03\"]\n")
        .expect("config");
    let db = common::raw_db(&env.db);
    db.execute_batch("DELETE FROM touches; DELETE FROM enrollments;").expect("reset");
    drop(db);
    at(&env, "2026-03-02T07:00:00Z", &["enroll", "mini.test", "multi-thread"]);
    let all = touches(&env, "2026-03-02T07:00:00Z");
    for t in all.iter().filter(|t| t.player != "Eva") {
        assert_ne!(berlin(t.due).date_naive().day(), 3, "a touch on the holiday: {t:?}");
    }
    assert!(all.iter().any(|t| t.why.contains("day off on Tue 3 Mar")), "the reason names the day off");
}

#[test]
fn plays_check_warns_about_timing_the_rules_override() {
    let env = Env::new();
    let play = env.dir.path().join("p.toml");
    std::fs::write(
        &play,
        "name = \"odd\"\nversion = 1\ntitle = \"Odd\"\n\n[[step]]\ntitle = \"a\"\nchannel = \"email\"\nday = 0\nbody = \"b\"\n\n[[step]]\ntitle = \"b\"\nchannel = \"call\"\ntiers = [\"director\"]\nday = 1\nat = \"07:00\"\nbody = \"b\"\n\n[[step]]\ntitle = \"c\"\nchannel = \"email\"\nafter = \"30m\"\nbody = \"b\"\n",
    )
    .expect("play");
    let out = env.ok(&["plays", "check", &play.display().to_string()]);
    assert!(out.contains("line 11: warning: step 2: at 07:00 is before director hours"), "{out}");
    assert!(out.contains("step 3: after 30m is closer than the play's spacing of 2h"), "{out}");
}

#[test]
fn a_players_own_working_week_wins_over_their_zones() {
    let env = company(&format!(
        "{HEADER},workdays\nPia,T,pia@mini.test,Analyst,mini.test,practitioner,user,Europe/Berlin,sun mon tue wed thu\n"
    ));
    let exported = env.ok(&["export", "players"]);
    assert!(exported.contains("\"sun,mon,tue,wed,thu\"") || exported.contains("mon,tue,wed,thu,sun"), "{exported}");
    at(&env, "2026-03-02T07:00:00Z", &["enroll", "mini.test", "multi-thread"]);
    let all = touches(&env, "2026-03-02T07:00:00Z");
    assert!(!all.is_empty());
    for t in &all {
        let day = berlin(t.due).weekday();
        assert!(!matches!(day, Weekday::Fri | Weekday::Sat), "a touch on Pia's weekend: {t:?}");
    }
}

#[test]
fn an_answer_stops_every_play_on_the_account_and_spacing_holds_across_plays() {
    let env = mini("Europe/Berlin");
    at(&env, "2026-03-02T07:00:00Z", &["enroll", "mini.test", "re-engage", "--also"]);
    // Two plays, one player: never two touches to Eva within two hours.
    for who in ["Eva", "Dirk", "Pia"] {
        spaced(&waiting(&touches(&env, "2026-03-02T07:00:00Z"), who));
    }
    at(&env, "2026-03-02T07:50:00Z", &["done", "7"]);
    at(&env, "2026-03-02T07:55:00Z", &["done", "14"]);
    at(&env, "2026-03-02T08:00:00Z", &["bounced", "7"]);
    at(&env, "2026-03-02T08:00:00Z", &["optout", "14"]);
    let all = touches(&env, "2026-03-02T08:30:00Z");
    assert!(waiting(&all, "Dirk").is_empty() && waiting(&all, "Pia").is_empty(), "bounced and opted out hear nothing");
    let eva = waiting(&all, "Eva");
    let first = eva.first().expect("Eva waits").id.to_string();
    at(&env, "2026-03-02T08:55:00Z", &["done", &first]);
    at(&env, "2026-03-02T09:00:00Z", &["replied", &first]);
    let all = touches(&env, "2026-03-02T09:30:00Z");
    assert!(waiting(&all, "Eva").is_empty(), "a reply stops her touches in both plays");
    let detail = at(&env, "2026-03-02T09:30:00Z", &["account", "mini.test"]);
    assert!(!detail.contains(": active"), "every play waits for the owner: {detail}");
}

#[test]
fn an_open_after_a_reply_makes_no_call() {
    let env = mini("Europe/Berlin");
    at(&env, "2026-03-02T08:00:00Z", &["done", "7"]);
    at(&env, "2026-03-02T10:00:00Z", &["done", "8"]);
    at(&env, "2026-03-02T12:00:00Z", &["replied", "8"]);
    at(&env, "2026-03-02T13:00:00Z", &["resume", "mini.test"]);
    let opened = at(&env, "2026-03-02T14:00:00Z", &["opened", "7"]);
    assert!(opened.contains("already answered"), "{opened}");
    assert!(waiting(&touches(&env, "2026-03-02T14:00:00Z"), "Dirk").is_empty());
}

#[test]
fn a_reply_during_a_timed_pause_moves_the_touches_once() {
    let env = mini("Europe/Berlin");
    at(&env, "2026-03-02T08:00:00Z", &["done", "7"]);
    at(&env, "2026-03-02T09:00:00Z", &["pause", "mini.test", "--until", "2026-03-09"]);
    at(&env, "2026-03-03T09:00:00Z", &["replied", "7"]);
    at(&env, "2026-03-12T09:00:00Z", &["resume", "mini.test"]);
    let all = touches(&env, "2026-03-12T09:00:00Z");
    let next =
        all.iter().filter(|t| t.state == "due" || t.state == "snoozed").map(|t| t.due).min().expect("something waits");
    assert!(next < DateTime::parse_from_rfc3339("2026-03-14T00:00:00Z").expect("t"), "no 16 days of silence: {next}");
}

#[test]
fn nothing_lands_inside_an_absence_or_a_timed_pause() {
    let env = mini("Europe/Berlin");
    at(&env, "2026-03-02T08:00:00Z", &["done", "7"]);
    at(&env, "2026-03-02T10:00:00Z", &["done", "8"]);
    at(&env, "2026-03-02T10:05:00Z", &["ooo", "8", "--until", "2026-03-09"]);
    at(&env, "2026-03-03T09:00:00Z", &["opened", "7"]);
    let back = DateTime::parse_from_rfc3339("2026-03-08T23:00:00Z").expect("t");
    for t in waiting(&touches(&env, "2026-03-03T09:00:00Z"), "Dirk") {
        assert!(t.due >= back, "a touch while Dirk is away: {t:?}");
    }
    // A step done during a timed pause: when the pause ends, what waits has
    // moved past it with the rest, nothing overdue from inside it.
    let env = mini("Europe/Berlin");
    at(&env, "2026-03-02T09:00:00Z", &["pause", "mini.test", "--until", "2026-03-09"]);
    at(&env, "2026-03-03T09:00:00Z", &["done", "7"]);
    let queue = at(&env, "2026-03-09T07:30:00Z", &["queue", "--owner", "Quinn Tester", "--format", "json"]);
    let queue: Value = serde_json::from_str(&queue).expect("json");
    for item in queue.as_array().expect("list") {
        assert_ne!(item["group"], "Overdue", "nothing overdue from inside the pause: {item}");
    }
    for t in waiting(&touches(&env, "2026-03-09T07:30:00Z"), "Dirk") {
        assert!(t.due >= back, "a touch inside the pause: {t:?}");
    }
}

#[test]
fn a_step_brought_forward_for_the_gap_keeps_its_own_time() {
    let env = company(&format!("{HEADER}\nDirk,T,dirk@mini.test,Head of Ops,mini.test,director,user,Europe/Berlin\n"));
    let play = env.dir.path().join("gap.toml");
    std::fs::write(
        &play,
        "name = \"gap\"\nversion = 1\ntitle = \"Gap\"\n\n[[step]]\ntitle = \"a\"\nchannel = \"email\"\nday = 0\nbody = \"b\"\n\n[[step]]\ntitle = \"b\"\nchannel = \"call\"\nday = 5\nat = \"10:00\"\nbody = \"b\"\n",
    )
    .expect("play");
    env.ok(&["plays", "install", &play.display().to_string()]);
    // Enrolled Tuesday: day 5 is Sunday, so the call comes forward to Friday, at 10:00.
    at(&env, "2026-03-03T07:00:00Z", &["enroll", "mini.test", "gap"]);
    let call = touches(&env, "2026-03-03T07:00:00Z").into_iter().find(|t| t.channel == "call").expect("call");
    let local = berlin(call.due);
    assert_eq!((local.weekday(), local.hour(), local.minute()), (Weekday::Fri, 10, 0), "{call:?}");
    assert!(call.why.contains("brought forward to keep the gap"), "{}", call.why);
}

#[test]
fn a_timed_pause_cut_short_moves_touches_by_the_time_paused_only() {
    let env = mini("Europe/Berlin");
    at(&env, "2026-03-02T08:00:00Z", &["done", "7"]);
    let before = waiting(&touches(&env, "2026-03-02T09:00:00Z"), "Pia");
    at(&env, "2026-03-02T09:00:00Z", &["pause", "mini.test", "--until", "2026-03-04"]);
    let resumed = at(&env, "2026-03-02T09:05:00Z", &["resume", "mini.test"]);
    assert!(resumed.contains("moved 5m"), "{resumed}");
    let after = waiting(&touches(&env, "2026-03-02T09:05:00Z"), "Pia");
    assert_eq!(
        before.iter().map(|t| berlin(t.due).date_naive()).collect::<Vec<_>>(),
        after.iter().map(|t| berlin(t.due).date_naive()).collect::<Vec<_>>(),
        "five minutes of pause keep every day"
    );
}

#[test]
fn an_open_never_hides_a_reply() {
    let env = mini("Europe/Berlin");
    at(&env, "2026-03-02T08:00:00Z", &["done", "7"]);
    at(&env, "2026-03-02T09:00:00Z", &["replied", "7"]);
    at(&env, "2026-03-02T09:05:00Z", &["opened", "7"]);
    at(&env, "2026-03-02T09:10:00Z", &["resume", "mini.test"]);
    let opened = at(&env, "2026-03-02T09:15:00Z", &["opened", "7"]);
    assert!(opened.contains("already answered"), "{opened}");
    let detail = at(&env, "2026-03-02T09:16:00Z", &["account", "mini.test", "--format", "json"]);
    assert!(detail.contains("replied_positive"), "the reply stays on the touch: {detail}");
}
