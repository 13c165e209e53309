//! An SDR's morning on the demo, through the real binary.

mod common;

use common::Env;
use serde_json::Value;

fn queue(env: &Env, owner: &str) -> Vec<Value> {
    env.json(&["queue", "--owner", owner, "--format", "json"]).as_array().expect("array").clone()
}

fn find(items: &[Value], touch: i64) -> Option<&Value> {
    items.iter().find(|i| i["touch_id"].as_i64() == Some(touch))
}

/// An account of the demo that has a trigger event but no play yet.
fn unenrolled_with_trigger(env: &Env) -> (i64, String) {
    let accounts = env.json(&["accounts", "--limit", "100", "--format", "json"]);
    for a in accounts.as_array().expect("array") {
        let id = a["account_id"].as_i64().expect("id");
        let detail = env.json(&["account", &id.to_string(), "--format", "json"]);
        let has_trigger = !detail["triggers"].as_array().expect("triggers").is_empty();
        let has_play = !detail["plays"].as_array().expect("plays").is_empty();
        if has_trigger && !has_play {
            return (id, detail["owner"].as_str().expect("owner").to_string());
        }
    }
    panic!("the demo should have an account with a trigger and no play");
}

#[test]
fn queue_json_has_every_field_a_script_needs() {
    let env = Env::demo();
    let items = queue(&env, "Dana Kim");
    assert!(!items.is_empty(), "Dana's morning queue is empty");
    for item in &items {
        for field in [
            "touch_id",
            "account",
            "account_id",
            "player",
            "tier",
            "role",
            "zone",
            "channel",
            "step",
            "due_at",
            "deadline",
            "why",
            "score",
        ] {
            assert!(item.get(field).is_some(), "missing {field} in {item}");
        }
        let due = item["due_at"].as_str().expect("due_at");
        assert!(chrono::DateTime::parse_from_rfc3339(due).is_ok(), "{due}");
        assert!(!item["why"].as_str().expect("why").is_empty());
    }
}

#[test]
fn demo_morning_has_overdue_due_now_and_later_touches() {
    let env = Env::demo();
    let mut groups = std::collections::BTreeSet::new();
    for rep in ["Dana Kim", "Luis Ortega", "Priya Nair"] {
        for item in queue(&env, rep) {
            groups.insert(item["group"].as_str().expect("group").to_string());
        }
    }
    for g in ["Overdue", "Due now", "Later today"] {
        assert!(groups.contains(g), "no {g} touch in the demo morning: {groups:?}");
    }
}

#[test]
fn done_brings_the_same_day_follow_up_and_undo_takes_it_back() {
    let env = Env::demo();
    let (account, owner) = unenrolled_with_trigger(&env);
    env.ok(&["enroll", &account.to_string(), "exec-trigger"]);

    let before = queue(&env, &owner);
    let first = before
        .iter()
        .find(|i| i["account_id"].as_i64() == Some(account) && i["step"].as_i64() == Some(1))
        .expect("step 1 of the new play is due");
    let first_id = first["touch_id"].as_i64().expect("id");

    let out = env.ok(&["done", &first_id.to_string()]);
    assert!(out.contains("done"), "{out}");

    let after = queue(&env, &owner);
    assert!(find(&after, first_id).is_none(), "a done touch left the queue");
    let follow = after
        .iter()
        .find(|i| i["account_id"].as_i64() == Some(account) && i["step"].as_i64() == Some(2))
        .expect("the same-day follow-up is in today's queue");
    assert!(follow["deadline"].is_string(), "same-day follow-up carries its deadline: {follow}");
    let why = follow["why"].as_str().expect("why");
    let zone: chrono_tz::Tz = follow["zone"].as_str().expect("zone").parse().expect("IANA zone");
    let done_local = chrono::DateTime::parse_from_rfc3339(common::NOW).expect("now").with_timezone(&zone);
    let expected = format!("same-day follow-up to step 1 (done {}) · due ", done_local.format("%a %-d %b %H:%M"));
    assert!(why.contains(&expected), "{why} should contain {expected}");
    let due = chrono::DateTime::parse_from_rfc3339(follow["due_at"].as_str().expect("due")).expect("time");
    let deadline = chrono::DateTime::parse_from_rfc3339(follow["deadline"].as_str().expect("deadline")).expect("time");
    let done = chrono::DateTime::parse_from_rfc3339(common::NOW).expect("now");
    assert!(deadline <= done + chrono::Duration::hours(12), "deadline within 12 hours of done");
    assert!(due <= deadline);

    env.ok(&["undo"]);
    let undone = queue(&env, &owner);
    assert!(find(&undone, first_id).is_some(), "undo put step 1 back in the queue");
    assert!(
        !undone.iter().any(|i| i["account_id"].as_i64() == Some(account) && i["step"].as_i64() == Some(2)),
        "undo took the follow-up back out"
    );
}

#[test]
fn unknown_touch_is_exit_one_with_the_id_named() {
    let env = Env::demo();
    let out = env.cmd(&["done", "999999"]).output().expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("999999"), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "one line: {err}");
}

#[test]
fn malformed_now_is_a_usage_error() {
    let env = Env::new();
    let out = assert_cmd::Command::cargo_bin("playbook")
        .expect("binary")
        .arg("--db")
        .arg(&env.db)
        .args(["--now", "yesterday", "queue"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("RFC 3339"));
}

#[test]
fn command_on_a_missing_database_creates_an_empty_one() {
    let env = Env::new();
    let out = env.ok(&["queue", "--format", "json"]);
    assert_eq!(out.trim(), "[]");
    assert!(common::on_postgres() || env.db.exists(), "the file is created");
}

#[test]
fn demo_refuses_to_overwrite_without_force() {
    let env = Env::demo();
    let out = env.cmd(&["demo"]).output().expect("runs");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--force"));
    env.ok(&["demo", "--force"]);
}

#[test]
fn a_reps_quota_is_their_share_of_the_team_goal_whoever_is_picked() {
    let env = Env::demo();
    let team = env.json(&["report", "--format", "json"]);
    let dana = env.json(&["report", "--owner", "Dana Kim", "--format", "json"]);
    assert_eq!(team["pipeline"]["reps"], 3);
    assert_eq!(
        dana["pipeline"]["quota_mrr_per_rep"], team["pipeline"]["quota_mrr_per_rep"],
        "picking a rep does not load the team's goal on them"
    );
}
