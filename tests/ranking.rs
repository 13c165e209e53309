//! The ranked list is exactly the order `rank::score` gives, page by page,
//! although only the accounts that can reach a page are counted.

mod common;

use chrono::{DateTime, Utc};
use playbook::config::Config;
use playbook::engine::Engine;
use playbook::rank::{self, Weights};
use playbook::store::{AccountFilter, Store};
use proptest::prelude::*;

fn demo(now: DateTime<Utc>) -> Store {
    let mut store = common::fresh_store();
    playbook::demo::load_shipped(&mut store, &Config::default().policy, now).expect("demo");
    store
}

/// Every account scored one by one, best first.
fn brute_force(store: &Store, engine: &Engine) -> Vec<(i64, (bool, i64))> {
    let cut = engine.cutoffs(engine.zone);
    let mut all: Vec<(i64, (bool, i64))> = engine
        .accounts(store, &AccountFilter::default(), 1000, 0)
        .expect("all")
        .into_iter()
        .map(|i| i.row.account.id)
        .map(|id| {
            let inputs = store.rank_inputs(id, &engine.weights, &cut).expect("inputs");
            (id, rank::score(&inputs, &engine.weights, cut.today).key())
        })
        .collect();
    all.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    all
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn every_page_matches_scoring_each_account(
        limit in 1usize..12,
        offset in 0usize..30,
        trigger in 0i64..400,
        engagement in 0i64..200,
        overdue in 0i64..200,
    ) {
        let now = DateTime::parse_from_rfc3339("2026-11-24T09:30:00+01:00").expect("now").with_timezone(&Utc);
        let store = demo(now);
        let mut engine = Engine::new(&Config::default(), now);
        engine.weights = Weights { trigger, engagement, overdue, ..Weights::default() };
        let expected = brute_force(&store, &engine);
        let page = engine.accounts(&store, &AccountFilter::default(), limit, offset).expect("page");
        let got: Vec<(i64, (bool, i64))> = page.iter().map(|i| (i.row.account.id, i.score.key())).collect();
        let want: Vec<(i64, (bool, i64))> = expected.iter().skip(offset).take(limit).copied().collect();
        prop_assert_eq!(got, want);
        let cut = engine.cutoffs(engine.zone);
        for (n, item) in page.iter().enumerate() {
            prop_assert_eq!(item.rank, offset + n + 1);
            // The page's rows are read in batches: each is what the
            // account's own reads give.
            let id = item.row.account.id;
            prop_assert_eq!(&item.row.inputs, &store.rank_inputs(id, &engine.weights, &cut).expect("inputs"));
            prop_assert_eq!(&item.row.account, &store.account(id).expect("account"));
            let (done, planned, next): (i64, i64, Option<i64>) = store
                .raw()
                .query_row(
                    "SELECT COUNT(CASE WHEN state = 'done' THEN 1 END),
                            COUNT(CASE WHEN state IN ('done', 'skipped', 'planned', 'due', 'snoozed') THEN 1 END),
                            MIN(CASE WHEN state IN ('due', 'snoozed') THEN due_at END)
                       FROM touches WHERE account_id = ?1 AND kind = 'step'",
                    [id],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                )
                .expect("progress");
            prop_assert_eq!((item.row.touches_done, item.row.touches_planned), (done, planned));
            prop_assert_eq!(item.row.next_due.map(|d| d.timestamp()), next);
        }
    }
}

#[test]
fn unrated_accounts_come_after_every_rated_one() {
    let now = DateTime::parse_from_rfc3339("2026-11-24T09:30:00+01:00").expect("now").with_timezone(&Utc);
    let store = demo(now);
    let engine = Engine::new(&Config::default(), now);
    let all = engine.accounts(&store, &AccountFilter::default(), 100, 0).expect("all");
    assert_eq!(all.len(), 40);
    let first_unrated = all.iter().position(|i| !i.score.scored).expect("the demo has unrated accounts");
    assert!(all[first_unrated..].iter().all(|i| !i.score.scored));
    assert!(all.windows(2).all(|w| w[0].score.key() >= w[1].score.key()), "best first");
    for item in &all {
        let sum: i64 = item.score.terms.iter().map(|t| t.points).sum();
        assert_eq!(sum, item.score.total, "explanation adds up for {}", item.row.account.name);
    }
}

#[test]
fn filters_narrow_the_list() {
    let now = DateTime::parse_from_rfc3339("2026-11-24T09:30:00+01:00").expect("now").with_timezone(&Utc);
    let store = demo(now);
    let engine = Engine::new(&Config::default(), now);
    let filter = playbook::engine::parse_filter("region:apac owner:Priya").expect("filter");
    let items = engine.accounts(&store, &filter, 100, 0).expect("filtered");
    assert!(!items.is_empty());
    assert!(items
        .iter()
        .all(|i| i.row.account.region.as_deref() == Some("APAC") && i.row.account.owner.contains("Priya")));
    assert!(playbook::engine::parse_filter("colour:red").is_err(), "unknown field is an error");
}
