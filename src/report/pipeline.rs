//! Pipeline arithmetic (seed 003): expected value by value band, and the
//! SDR quota: ARR goal / (12 x reps x close rate), as MRR to source per rep.

use serde::{Deserialize, Serialize};

/// A value band: opportunities up to `max_mrr` (none = no limit) close at `close_rate`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Band {
    pub max_mrr: Option<i64>,
    pub close_rate: f64,
}

/// `[pipeline]` in the config file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PipelineConfig {
    /// New ARR the team must add this year.
    pub arr_goal: i64,
    /// The AEs' close rate on opportunities SDRs source.
    pub close_rate: f64,
    pub bands: Vec<Band>,
}

impl Default for PipelineConfig {
    fn default() -> Self {
        PipelineConfig {
            arr_goal: 2_000_000,
            close_rate: 0.2,
            bands: vec![
                Band { max_mrr: Some(2_000), close_rate: 0.25 },
                Band { max_mrr: Some(10_000), close_rate: 0.20 },
                Band { max_mrr: None, close_rate: 0.10 },
            ],
        }
    }
}

impl PipelineConfig {
    /// The close rate of the first band an opportunity of `mrr` fits in.
    pub fn band_rate(&self, mrr: i64) -> f64 {
        self.bands.iter().find(|b| b.max_mrr.is_none_or(|max| mrr <= max)).map_or(self.close_rate, |b| b.close_rate)
    }
}

/// The pipeline figures.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Pipeline {
    pub open_accounts: i64,
    /// Sum of open opportunity values, per year.
    pub open_value: i64,
    /// Each opportunity's value times its band's close rate, summed.
    pub expected_value: i64,
    pub reps: i64,
    pub arr_goal: i64,
    pub close_rate: f64,
    /// MRR of opportunities each rep must source: goal / (12 x reps x close rate).
    pub quota_mrr_per_rep: i64,
    /// The same as a count of opportunities of the average open MRR.
    pub quota_opportunities_per_rep: Option<i64>,
}

/// Builds the pipeline from `(annual value, accounts with that value)` rows.
pub fn pipeline(config: &PipelineConfig, values: &[(i64, i64)], reps: i64) -> Pipeline {
    // Imported values are capped (limits::AMOUNT); saturating keeps a
    // store of absurd size from wrapping around.
    let open_accounts: i64 = values.iter().fold(0, |sum, (_, n)| sum.saturating_add(*n));
    let open_value: i64 = values.iter().fold(0, |sum, (v, n)| sum.saturating_add(v.saturating_mul(*n)));
    let expected: f64 = values.iter().map(|(v, n)| (*v * n) as f64 * config.band_rate(v / 12)).sum();
    let quota = if reps > 0 && config.close_rate > 0.0 {
        (config.arr_goal as f64 / (12.0 * reps as f64 * config.close_rate)).round() as i64
    } else {
        0
    };
    let average_mrr = if open_accounts > 0 { open_value / open_accounts / 12 } else { 0 };
    Pipeline {
        open_accounts,
        open_value,
        expected_value: expected.round() as i64,
        reps,
        arr_goal: config.arr_goal,
        close_rate: config.close_rate,
        quota_mrr_per_rep: quota,
        quota_opportunities_per_rep: (average_mrr > 0).then(|| (quota + average_mrr - 1) / average_mrr),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_003_quota_example() {
        // $2M ARR, 10 SDRs, 20% close rate: 83,333 MRR per SDR, or 17 opportunities of 5,000 MRR.
        let config = PipelineConfig { arr_goal: 2_000_000, close_rate: 0.2, ..PipelineConfig::default() };
        let p = pipeline(&config, &[(60_000, 3)], 10);
        assert_eq!(p.quota_mrr_per_rep, 83_333);
        assert_eq!(p.quota_opportunities_per_rep, Some(17));
    }

    #[test]
    fn expected_value_uses_each_bands_close_rate() {
        let config = PipelineConfig::default();
        // 1,000 MRR (band 1, 25%), 5,000 MRR (band 2, 20%), 20,000 MRR (band 3, 10%).
        let p = pipeline(&config, &[(12_000, 2), (60_000, 1), (240_000, 1)], 3);
        assert_eq!(p.open_value, 24_000 + 60_000 + 240_000);
        assert_eq!(p.expected_value, 6_000 + 12_000 + 24_000);
        assert_eq!(p.open_accounts, 4);
    }
}
