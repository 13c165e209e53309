//! Data outlives versions: a shipped migration never changes, and databases
//! made by released builds upgrade to exactly the schema a new database
//! gets, then work (queue, report, done, undo).
//!
//! Fixtures in tests/fixtures/db were made by the released binaries named
//! in their file names (the demo plus a morning of triage: done, opened,
//! skip, snooze, replied, undo, note, pause; v4 also import and rate).

mod common;

use common::Env;
use playbook::store::{Store, APPLICATION_ID, MIGRATIONS};
use rusqlite::Connection;
use std::path::{Path, PathBuf};

/// FNV-1a of each shipped migration, pinned when it shipped. A failure
/// here means a shipped migration was edited: put the change in a new one.
const PINNED: [(&str, u64); 8] = [
    ("1: core", 0xb097_71d2_9d85_10f1),
    ("2: review rollups", 0xad54_352a_4d7f_6e75),
    ("3: player rules", 0x601f_68d0_7709_b35e),
    ("4: response owner", 0x95b0_5096_8817_b940),
    ("5: application id, guarded rollup triggers", 0x4e92_0167_652f_817d),
    ("6: reasons as data, own working weeks, absences", 0x93f6_fc1f_c186_d39a),
    ("7: decisions waiting, how plays ended", 0xaba1_d809_a0da_a346),
    ("8: the actor's database role, pushed rows", 0x3105_812c_4118_c9a0),
];

/// The same for PostgreSQL's migrations, by schema version.
const PINNED_PG: [(i64, &str, u64); 2] = [
    (7, "7: the PostgreSQL baseline", 0x20e1_06f0_0fec_0807),
    (8, "8: the actor's database role, team roles and row security, pushed rows", 0xddb5_d512_8a44_38f7),
];

#[test]
fn shipped_postgres_migrations_are_never_edited_and_reach_the_same_version() {
    use playbook::store::PG_MIGRATIONS;
    for (version, name, hash) in PINNED_PG {
        let (_, sql) =
            PG_MIGRATIONS.iter().find(|(v, _)| *v == version).expect("a shipped PostgreSQL migration was removed");
        assert_eq!(fnv(sql), hash, "PostgreSQL migration {name} changed after it shipped; add a new migration instead");
    }
    assert_eq!(PG_MIGRATIONS.len(), PINNED_PG.len(), "a new PostgreSQL migration: pin its hash in PINNED_PG");
    assert_eq!(
        PG_MIGRATIONS.last().map(|(v, _)| *v),
        Some(MIGRATIONS.len() as i64),
        "both dialects reach the same schema version"
    );
}

fn fnv(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

#[test]
fn shipped_migrations_are_never_edited() {
    assert!(MIGRATIONS.len() >= PINNED.len(), "a shipped migration was removed");
    for (i, (name, hash)) in PINNED.iter().enumerate() {
        assert_eq!(fnv(MIGRATIONS[i]), *hash, "migration {name} changed after it shipped; add a new migration instead");
    }
    assert_eq!(
        MIGRATIONS.len(),
        PINNED.len(),
        "a new migration: pin its hash in PINNED (and add a fixture made by the release that ships it)"
    );
}

/// Tables, indexes and triggers as SQLite stores their definitions.
fn schema(path: &Path) -> Vec<(String, String)> {
    let conn = Connection::open(path).expect("open");
    let mut stmt = conn
        .prepare("SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' ORDER BY name")
        .expect("schema");
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).expect("rows").collect::<Result<_, _>>().expect("read")
}

fn copy_fixture(env: &Env, name: &str) -> PathBuf {
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/db").join(name);
    std::fs::copy(from, &env.db).expect("copy fixture");
    env.db.clone()
}

fn pragma(path: &Path, name: &str) -> i64 {
    Connection::open(path).expect("open").pragma_query_value(None, name, |r| r.get(0)).expect("pragma")
}

/// Rollup rows, to compare with what `rebuild_rollups` recomputes.
fn rollups(path: &Path) -> Vec<String> {
    let conn = Connection::open(path).expect("open");
    let mut out = Vec::new();
    for sql in [
        "SELECT day || owner || play_id || step || kind || channel || state || ':' || n || '/' || on_time FROM touch_daily WHERE n != 0 ORDER BY 1",
        "SELECT play_id || owner || kind || ':' || n FROM touch_open WHERE n != 0 ORDER BY 1",
        "SELECT id || ':' || COALESCE(last_touch_at, '-') || '/' || COALESCE(last_done_day, '-') FROM enrollments ORDER BY id",
    ] {
        let mut stmt = conn.prepare(sql).expect("rollup query");
        out.extend(stmt.query_map([], |r| r.get::<_, String>(0)).expect("rows").map(|r| r.expect("row")));
    }
    out
}

fn upgrades_and_works(fixture: &str) {
    let env = Env::new();
    let db = copy_fixture(&env, fixture);
    let before = pragma(&db, "user_version");
    assert!(before < MIGRATIONS.len() as i64, "{fixture} is older than this build");

    // The queue the released build left behind, read by this one.
    let queue = env.json(&["queue", "--owner", "Dana Kim", "--format", "json"]);
    assert_eq!(pragma(&db, "user_version"), MIGRATIONS.len() as i64, "upgraded to the latest schema");
    assert_eq!(pragma(&db, "application_id"), i64::from(APPLICATION_ID), "the upgrade marks the file as ours");
    let items = queue.as_array().expect("queue");
    assert!(items.len() >= 5, "the fixture's due touches are still due: {queue}");

    // What the released build logged is still there.
    let detail = env.json(&["account", "Cerulean Pay BV", "--format", "json"]);
    let touches: Vec<&serde_json::Value> = detail["plays"][0]["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .flat_map(|s| s["touches"].as_array().expect("touches").iter())
        .collect();
    assert!(touches.iter().any(|t| t["touch_id"] == 129 && t["state"] == "done"), "touch 129 stays done");
    assert!(touches.iter().any(|t| t["touch_id"] == 141 && t["state"] == "skipped"), "touch 141 stays skipped");

    // The upgraded schema is exactly a new database's.
    let fresh = Env::new();
    fresh.ok(&["plays", "list"]);
    assert_eq!(schema(&db), schema(&fresh.db), "{fixture} upgrades to the schema a new database gets");

    let report = env.json(&["report", "--period", "30d", "--format", "json"]);
    let done: i64 = report["reps"].as_array().expect("reps").iter().map(|r| r["done"].as_i64().unwrap_or(0)).sum();
    assert!(done >= 2, "the fixture's done touches count in the review: {report}");

    // Triage on the upgraded store, then undo: back to where it was.
    let first = items[0]["touch_id"].as_i64().expect("id").to_string();
    let before_done = rollups(&db);
    env.ok(&["done", &first]);
    env.ok(&["undo"]);
    assert_eq!(rollups(&db), before_done, "done + undo leaves the rollups as they were");
    let again = env.json(&["queue", "--owner", "Dana Kim", "--format", "json"]);
    assert_eq!(again, queue, "done + undo gives the same queue");

    // The triggers kept the rollups exact through the upgrade and the actions.
    let kept = rollups(&db);
    let mut store = Store::open(&db).expect("open");
    store.rebuild_rollups().expect("rebuild");
    drop(store);
    assert_eq!(rollups(&db), kept, "rollups after upgrade and actions equal a full recount");
}

#[test]
fn a_database_from_the_first_release_upgrades_and_works() {
    upgrades_and_works("v1-stop6-6041399.db");
}

#[test]
fn a_database_from_stop_7_upgrades_and_works() {
    upgrades_and_works("v4-stop7-8b4d412.db");
}

/// Made with schema 6 (stop 14's): a reply on Cerulean Pay left its play
/// paused for Dana Kim, before decisions were stored.
#[test]
fn a_database_from_the_previous_release_upgrades_and_its_replies_wait_for_a_decision() {
    upgrades_and_works("v6-stop14.db");
    let env = Env::new();
    copy_fixture(&env, "v6-stop14.db");
    let waiting = env.json(&["decisions", "--owner", "Dana Kim", "--format", "json"]);
    let cerulean = waiting
        .as_array()
        .expect("list")
        .iter()
        .find(|d| d["account"] == "Cerulean Pay BV")
        .unwrap_or_else(|| panic!("the paused play waits for Dana: {waiting}"));
    assert_eq!(cerulean["player"], "Joost van den Berg");
    assert_eq!(cerulean["said"], "call me in Q1");
    // The undo the old release recorded still works after the upgrade.
    let undone = env.ok(&["undo"]);
    assert!(undone.contains("undid replied"), "{undone}");
    let waiting = env.json(&["decisions", "--owner", "Dana Kim", "--format", "json"]);
    assert!(!waiting.to_string().contains("Cerulean"), "the reply undone, nothing waits: {waiting}");
}

/// Made by the release of stop 15 (commit 1cdc40e, schema 7) at the tests'
/// NOW: the demo, touch 129 done and 141 skipped, Maison Lumière's decision
/// ended as lost, a trigger added by hand to Cerulean Pay, and a positive
/// reply on touch 129 ("send the deck in January") waiting for Dana.
#[test]
fn a_database_from_the_release_before_teams_upgrades_and_undoes_its_own_actions() {
    upgrades_and_works("v7-stop15-1cdc40e.db");
    let env = Env::new();
    copy_fixture(&env, "v7-stop15-1cdc40e.db");
    let waiting = env.json(&["decisions", "--owner", "Dana Kim", "--format", "json"]);
    assert_eq!(waiting.as_array().map(Vec::len), Some(1), "{waiting}");
    assert_eq!(waiting[0]["account"], "Cerulean Pay BV");
    assert_eq!(waiting[0]["said"], "send the deck in January");
    let report = env.json(&["report", "--period", "7d", "--format", "json"]);
    assert!(report.to_string().contains("Dana Kim"), "the report reads the old history: {report}");
    // The old release's actions undo one by one, newest first, under the
    // actor they were logged with.
    assert!(env.ok(&["undo"]).contains("undid replied"));
    assert!(env.ok(&["undo"]).contains("undid add"));
    assert!(!env.ok(&["triggers", "Cerulean Pay BV"]).contains("Lisbon"), "the hand-added trigger is gone");
    assert!(env.ok(&["undo"]).contains("undid end"));
    let waiting = env.json(&["decisions", "--owner", "Dana Kim", "--format", "json"]);
    assert!(waiting.to_string().contains("Maison Lumi"), "the ended play waits again: {waiting}");
}
