//! A team at work on one database: N reps triaging at once for a while,
//! each on their own connection, through `Engine::apply` as the CLI and UI
//! do. Reports throughput and latency percentiles, then checks that every
//! action that said it landed is in the activity log exactly once.
//!
//!     cargo bench --bench team_load -- URL [REPS] [SECONDS]
//!
//! URL is a store already holding data (`playbook demo --accounts 100000`),
//! an SQLite path or a postgres:// URL (password in PGPASSWORD).

use chrono::{DateTime, Utc};
use playbook::config::Config;
use playbook::engine::{Engine, Request};
use playbook::store::{Store, Target};
use std::time::{Duration, Instant};

fn open(target: &str) -> Store {
    Target::parse(std::ffi::OsStr::new(target)).open().expect("the store opens")
}

struct Worker {
    actions: Vec<Duration>,
    errors: Vec<String>,
    landed: usize,
}

fn work(target: &str, rep: usize, touches: &[i64], now: DateTime<Utc>, run_for: Duration) -> Worker {
    let mut store = open(target);
    let config = Config { me: Some(format!("load rep {rep}")), ..Config::default() };
    let engine = Engine::new(&config, now);
    let mut out = Worker { actions: Vec::new(), errors: Vec::new(), landed: 0 };
    let started = Instant::now();
    let mut i = 0;
    while started.elapsed() < run_for && !touches.is_empty() {
        let touch = touches[i % touches.len()];
        i += 1;
        // A note, a done and its undo: a write, a re-plan, and a reversal.
        for request in [
            Request::Note { touch, text: format!("load {rep}/{i}") },
            Request::Done { touch, outcome: None, note: None },
            Request::Undo,
        ] {
            let t = Instant::now();
            match engine.apply(&mut store, request) {
                Ok(_) => out.landed += 1,
                Err(e) => out.errors.push(e.to_string()),
            }
            out.actions.push(t.elapsed());
        }
    }
    out
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| a != "--bench").collect();
    let target = args.first().cloned().expect("usage: team_load URL [REPS] [SECONDS]");
    let reps: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(20);
    let seconds: u64 = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(60);
    let now: DateTime<Utc> =
        DateTime::parse_from_rfc3339("2026-11-24T09:30:00+01:00").expect("now").with_timezone(&Utc);

    let store = open(&target);
    let due: Vec<(i64, String)> = store
        .raw()
        .query_map("SELECT id, owner FROM touches WHERE state = 'due' ORDER BY id", [], |r| Ok((r.get(0)?, r.get(1)?)))
        .expect("due touches");
    let before: i64 = store.raw().query_row("SELECT COUNT(*) FROM activity", [], |r| r.get(0)).expect("count");
    drop(store);
    // As in a team, each rep works their own queue (the touches they own);
    // they share the tables, the indexes and the manager's rollups.
    let mut owners: Vec<&String> = due.iter().map(|(_, owner)| owner).collect();
    owners.sort_unstable();
    owners.dedup();
    assert!(owners.len() >= reps, "{} reps own due touches; ask for at most that many", owners.len());
    let slices: Vec<Vec<i64>> = owners[..reps]
        .iter()
        .map(|rep| due.iter().filter(|(_, owner)| owner == *rep).map(|(id, _)| *id).take(200).collect())
        .collect();

    let started = Instant::now();
    let workers: Vec<Worker> = std::thread::scope(|s| {
        let handles: Vec<_> = slices
            .iter()
            .enumerate()
            .map(|(rep, slice)| {
                let target = target.clone();
                s.spawn(move || work(&target, rep, slice, now, Duration::from_secs(seconds)))
            })
            .collect();
        handles.into_iter().map(|h| h.join().expect("worker")).collect()
    });
    let elapsed = started.elapsed();

    let mut times: Vec<Duration> = workers.iter().flat_map(|w| w.actions.iter().copied()).collect();
    times.sort_unstable();
    let pct = |p: f64| times.get(((times.len() as f64 * p) as usize).min(times.len().saturating_sub(1))).copied();
    let errors: Vec<&String> = workers.iter().flat_map(|w| &w.errors).collect();
    let landed: usize = workers.iter().map(|w| w.landed).sum();

    // Every action that landed is logged once: the log grew by exactly that.
    let store = open(&target);
    let after: i64 = store.raw().query_row("SELECT COUNT(*) FROM activity", [], |r| r.get(0)).expect("count");
    let logged = usize::try_from(after - before).unwrap_or(0);

    println!(
        "{reps} reps for {:.1} s on {}",
        elapsed.as_secs_f64(),
        playbook::store::Target::parse(std::ffi::OsStr::new(&target)).display()
    );
    println!(
        "actions: {} landed, {} errors, {:.0} actions/s",
        landed,
        errors.len(),
        landed as f64 / elapsed.as_secs_f64()
    );
    for (name, p) in [("p50", 0.50), ("p90", 0.90), ("p99", 0.99), ("max", 1.0)] {
        if let Some(t) = pct(p) {
            println!("{name}: {:.1} ms", t.as_secs_f64() * 1000.0);
        }
    }
    println!("activity log grew by {logged} rows for {landed} actions landed: {} lost", landed.saturating_sub(logged));
    for e in errors.iter().take(5) {
        println!("error: {e}");
    }
    if logged != landed || !errors.is_empty() {
        std::process::exit(1);
    }
}
