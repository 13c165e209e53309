//! Records the store hands to the rest of the program.

use super::{AccountStatus, PlayerStatus, Role, Tier};
use chrono::NaiveDate;
use chrono_tz::Tz;
use serde::Serialize;

/// The four BANT factors, each 1..=5.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Bant {
    pub budget: u8,
    pub authority: u8,
    pub need: u8,
    pub timing: u8,
}

impl Bant {
    /// Builds a rating when every factor is in 1..=5.
    pub fn new(budget: u8, authority: u8, need: u8, timing: u8) -> Option<Bant> {
        let all = [budget, authority, need, timing];
        all.iter().all(|f| (1..=5).contains(f)).then_some(Bant { budget, authority, need, timing })
    }

    /// The product of the four factors: 1..=625.
    pub fn product(self) -> i64 {
        i64::from(self.budget) * i64::from(self.authority) * i64::from(self.need) * i64::from(self.timing)
    }
}

/// A target company.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Account {
    pub id: i64,
    pub name: String,
    pub domain: Option<String>,
    pub industry: Option<String>,
    pub segment: Option<String>,
    pub region: Option<String>,
    pub country: Option<String>,
    pub employees: Option<i64>,
    pub annual_revenue: Option<i64>,
    pub owner: String,
    pub status: AccountStatus,
    pub source: Option<String>,
    /// Estimated opportunity value, whole currency units per year.
    pub opportunity_value: Option<i64>,
    pub bant: Option<Bant>,
}

/// A dated "why you, why now" fact about an account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Trigger {
    pub id: i64,
    pub account_id: i64,
    pub kind: String,
    pub summary: String,
    pub source: Option<String>,
    pub occurred_on: NaiveDate,
}

/// A person at an account.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Player {
    pub id: i64,
    pub account_id: i64,
    pub first_name: String,
    pub last_name: String,
    pub title: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub linkedin: Option<String>,
    #[serde(serialize_with = "serialize_zone")]
    pub zone: Tz,
    pub tier: Tier,
    pub role: Role,
    pub status: PlayerStatus,
    /// How the tier was decided when imported (`title has "vp" → executive`).
    pub tier_rule: Option<String>,
    /// The player's own working week (`sun,mon,tue,wed,thu`), when it differs
    /// from their zone's.
    pub workdays: Option<String>,
    /// Back from an out-of-office at this instant: nothing is due before it.
    pub away_until: Option<chrono::DateTime<chrono::Utc>>,
    /// Where an imported zone came from: `column`, `country` or `guess`
    /// (the configured default).
    pub zone_source: Option<String>,
}

impl Player {
    /// `Europe/Berlin`, or `Europe/Berlin (guess)` when an import could not
    /// tell and took the configured default.
    pub fn zone_label(&self) -> String {
        match self.zone_source.as_deref() {
            Some("guess") => format!("{} (guess)", self.zone.name()),
            _ => self.zone.name().to_string(),
        }
    }

    pub fn full_name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name).trim().to_string()
    }
}

#[allow(clippy::trivially_copy_pass_by_ref)] // serde passes fields by reference
fn serialize_zone<S: serde::Serializer>(zone: &Tz, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(zone.name())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bant_product_spans_one_to_625() {
        assert_eq!(Bant::new(1, 1, 1, 1).map(Bant::product), Some(1));
        assert_eq!(Bant::new(5, 5, 5, 5).map(Bant::product), Some(625));
        assert_eq!(Bant::new(4, 3, 5, 2).map(Bant::product), Some(120));
    }

    #[test]
    fn bant_rejects_factors_outside_one_to_five() {
        assert_eq!(Bant::new(0, 3, 3, 3), None);
        assert_eq!(Bant::new(3, 3, 6, 3), None);
    }
}
