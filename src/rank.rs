//! Ranking: the BANT product is the base score; separate, weighted boosts
//! (fresh trigger, recent engagement, overdue touches) are added on top, and
//! every account's score can be explained term by term.

use crate::domain::Bant;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Boost weights, changeable in the config file's `[ranking]` table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Weights {
    /// Points for a trigger event no older than `trigger_fresh_days`.
    pub trigger: i64,
    pub trigger_fresh_days: i64,
    /// Points per engagement (open, reply, meeting) in the last `engagement_days`.
    pub engagement: i64,
    pub engagement_days: i64,
    pub engagement_cap: i64,
    /// Points per overdue touch, up to `overdue_cap` touches.
    pub overdue: i64,
    pub overdue_cap: i64,
}

impl Default for Weights {
    fn default() -> Self {
        Weights {
            trigger: 100,
            trigger_fresh_days: 30,
            engagement: 40,
            engagement_days: 14,
            engagement_cap: 3,
            overdue: 25,
            overdue_cap: 4,
        }
    }
}

impl Weights {
    pub fn trigger_points(&self, fresh: bool) -> i64 {
        if fresh {
            self.trigger
        } else {
            0
        }
    }

    /// Points for engagements and overdue touches, each capped.
    pub fn boost_points(&self, engagements: i64, overdue: i64) -> (i64, i64) {
        (
            engagements.clamp(0, self.engagement_cap.max(0)) * self.engagement,
            overdue.clamp(0, self.overdue_cap.max(0)) * self.overdue,
        )
    }

    /// The least and the most the engagement and overdue boosts can add
    /// (the trigger boost is known without counting anything).
    pub fn boost_bounds(&self) -> (i64, i64) {
        let terms = [self.engagement * self.engagement_cap.max(0), self.overdue * self.overdue_cap.max(0)];
        (terms.iter().map(|t| (*t).max(0)).sum(), terms.iter().map(|t| (*t).min(0)).sum())
    }
}

/// What the score of one account is computed from.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RankInputs {
    pub bant: Option<Bant>,
    /// The freshest trigger event: when, and what.
    pub trigger: Option<(NaiveDate, String)>,
    /// Engagements (opens, replies, meetings) within the engagement window.
    pub engagements: i64,
    /// Touches past their due day or deadline.
    pub overdue: i64,
}

/// One term of a score's explanation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Term {
    pub name: &'static str,
    pub points: i64,
    pub detail: String,
}

/// A score and its explanation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Score {
    pub total: i64,
    /// False when the account has no BANT rating yet: it ranks below every rated one.
    pub scored: bool,
    pub terms: Vec<Term>,
}

impl Score {
    /// Sort key: rated accounts first, then by total, highest first.
    pub fn key(&self) -> (bool, i64) {
        (self.scored, self.total)
    }

    /// The boost terms only (everything after the BANT base).
    pub fn boosts(&self) -> impl Iterator<Item = &Term> {
        self.terms.iter().filter(|t| t.name != "bant")
    }

    /// `120 (BANT 4x3x5x2) + 100 fresh trigger + 25 overdue`
    pub fn explain(&self) -> String {
        let mut out = String::new();
        for (i, term) in self.terms.iter().enumerate() {
            if i > 0 {
                out.push_str(" + ");
            }
            out.push_str(&format!("{} {}", term.points, term.detail));
        }
        if out.is_empty() {
            out.push_str("0 (unrated, no boosts)");
        }
        out
    }
}

/// Whether a trigger that happened on `on` is fresh on `today`.
pub fn trigger_is_fresh(weights: &Weights, on: NaiveDate, today: NaiveDate) -> bool {
    let age = (today - on).num_days();
    (0..=weights.trigger_fresh_days).contains(&age)
}

/// Scores one account on `today` (the rep's day).
pub fn score(inputs: &RankInputs, weights: &Weights, today: NaiveDate) -> Score {
    let mut terms = Vec::new();
    match inputs.bant {
        Some(b) => terms.push(Term {
            name: "bant",
            points: b.product(),
            detail: format!("BANT {}x{}x{}x{}", b.budget, b.authority, b.need, b.timing),
        }),
        None => terms.push(Term { name: "bant", points: 0, detail: "unrated (no BANT yet)".into() }),
    }
    if let Some((on, summary)) = &inputs.trigger {
        let points = weights.trigger_points(trigger_is_fresh(weights, *on, today));
        if points != 0 {
            let age = (today - *on).num_days();
            terms.push(Term { name: "trigger", points, detail: format!("fresh trigger ({summary}, {age}d ago)") });
        }
    }
    let (engagement, overdue) = weights.boost_points(inputs.engagements, inputs.overdue);
    if engagement != 0 {
        terms.push(Term {
            name: "engagement",
            points: engagement,
            detail: format!(
                "{} in {}d",
                crate::text::count(inputs.engagements as usize, "engagement", "engagements"),
                weights.engagement_days
            ),
        });
    }
    if overdue != 0 {
        terms.push(Term {
            name: "overdue",
            points: overdue,
            detail: format!("{} overdue", crate::text::count(inputs.overdue as usize, "touch", "touches")),
        });
    }
    Score { total: terms.iter().map(|t| t.points).sum(), scored: inputs.bant.is_some(), terms }
}

/// What ranking knows of an account before counting anything: enough to
/// bound its final score (see `candidates`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Prescore {
    pub account_id: i64,
    /// The BANT product, when rated.
    pub bant: Option<i64>,
    pub fresh_trigger: bool,
}

impl Prescore {
    fn key(&self, weights: &Weights) -> (bool, i64) {
        (self.bant.is_some(), self.bant.unwrap_or(0) + weights.trigger_points(self.fresh_trigger))
    }
}

/// The accounts that can still rank among the first `n`, given that the
/// counted boosts lie within `Weights::boost_bounds`: any account whose best
/// case is below the n-th account's worst case is out. Exact, not a guess.
pub fn candidates(all: &[Prescore], weights: &Weights, n: usize) -> Vec<i64> {
    if n == 0 || all.len() <= n {
        return all.iter().map(|p| p.account_id).collect();
    }
    let mut keys: Vec<(bool, i64)> = all.iter().map(|p| p.key(weights)).collect();
    let (_, nth, _) = keys.select_nth_unstable_by(n - 1, |a, b| b.cmp(a));
    let (cut_scored, cut_pre) = *nth;
    let (max_boost, min_boost) = weights.boost_bounds();
    all.iter()
        .filter(|p| {
            let (scored, pre) = p.key(weights);
            (scored && !cut_scored) || (scored == cut_scored && pre + max_boost >= cut_pre + min_boost)
        })
        .map(|p| p.account_id)
        .collect()
}

/// The total of an account from its prescore and counted boosts; equal to
/// `score(..).total` for the same account.
pub fn total(pre: &Prescore, weights: &Weights, engagements: i64, overdue: i64) -> (bool, i64) {
    let (scored, base) = pre.key(weights);
    let (e, o) = weights.boost_points(engagements, overdue);
    (scored, base + e + o)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        text.parse().expect("date")
    }

    #[test]
    fn base_score_is_the_bant_product_and_boosts_add_on_top() {
        let inputs = RankInputs {
            bant: Bant::new(4, 3, 5, 2),
            trigger: Some((day("2026-11-10"), "Series B".into())),
            engagements: 5,
            overdue: 1,
        };
        let s = score(&inputs, &Weights::default(), day("2026-11-23"));
        assert_eq!(s.total, 120 + 100 + 3 * 40 + 25);
        assert_eq!(
            s.explain(),
            "120 BANT 4x3x5x2 + 100 fresh trigger (Series B, 13d ago) + 120 5 engagements in 14d + 25 1 touch overdue"
        );
    }

    #[test]
    fn candidates_keep_every_account_that_could_reach_the_page() {
        let w = Weights::default();
        let pre = |id: i64, bant: Option<i64>, fresh: bool| Prescore { account_id: id, bant, fresh_trigger: fresh };
        let all = vec![
            pre(1, Some(600), false),
            pre(2, Some(500), false),
            pre(3, Some(400), false),
            pre(4, Some(100), true),
            pre(5, None, true),
        ];
        // Top 1: the 600 account; 500 + up to 220 of boosts can still beat it, 400 + 220 can too, 200 cannot.
        assert_eq!(candidates(&all, &w, 1), vec![1, 2, 3]);
        assert_eq!(candidates(&all, &w, 10).len(), 5);
    }

    #[test]
    fn stale_trigger_earns_nothing() {
        let inputs = RankInputs {
            bant: Bant::new(2, 2, 2, 2),
            trigger: Some((day("2026-09-01"), "old".into())),
            ..RankInputs::default()
        };
        assert_eq!(score(&inputs, &Weights::default(), day("2026-11-23")).total, 16);
    }

    #[test]
    fn unrated_accounts_sort_below_rated_ones_whatever_their_boosts() {
        let w = Weights::default();
        let today = day("2026-11-23");
        let unrated = score(&RankInputs { overdue: 4, engagements: 3, ..RankInputs::default() }, &w, today);
        let rated = score(&RankInputs { bant: Bant::new(1, 1, 1, 1), ..RankInputs::default() }, &w, today);
        assert!(rated.key() > unrated.key());
    }
}
