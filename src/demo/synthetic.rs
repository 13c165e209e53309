//! Synthetic stores of any size (`demo --accounts N --seed S`), for
//! benchmarks: about five players per account and a plausible history.

use super::rng::Rng;
use super::{install_builtin_plays, write_history, Behaviour, SimPlayer, Summary};
use crate::cadence::Policy;
use crate::domain::{AccountStatus, Bant, PlayerStatus, Role, Tier};
use crate::store::{NewAccount, NewPlayer, Store, StoreError};
use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;

const PREFIXES: &[&str] = &[
    "Nord", "Blue", "Iron", "Silver", "Bright", "Clear", "Swift", "Green", "Red", "Stone", "Cedar", "Polar", "Summit",
    "Harbor", "Vector", "Quantum", "Atlas", "Orbit", "Prairie", "Coral", "Falcon", "Maple", "Sierra", "Tidal",
];
const SUFFIXES: &[&str] = &[
    "wind", "bridge", "field", "works", "logic", "path", "point", "stack", "line", "forge", "labs", "gate", "haven",
    "peak", "core", "wave", "grid", "mark", "scale", "loop",
];
const FORMS: &[&str] = &["GmbH", "Inc.", "Ltd", "AG", "SAS", "Pty Ltd", "LLC", "S.A.", "KK", "BV"];
const INDUSTRIES: &[&str] = &[
    "SaaS",
    "Logistics",
    "Fintech",
    "Healthcare",
    "Manufacturing",
    "Retail",
    "Energy",
    "Media",
    "Insurance",
    "Education",
];
const SEGMENTS: &[&str] = &["SMB", "Mid-market", "Enterprise"];
const SOURCES: &[&str] = &["Outbound list", "Webinar", "Referral", "Intent data", "Event"];
/// (region, country, zones)
const GEOS: &[(&str, &str, &[&str])] = &[
    ("EMEA", "Germany", &["Europe/Berlin"]),
    ("EMEA", "United Kingdom", &["Europe/London"]),
    ("EMEA", "France", &["Europe/Paris"]),
    (
        "North America",
        "United States",
        &["America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles"],
    ),
    ("North America", "Canada", &["America/Toronto", "America/St_Johns", "America/Vancouver"]),
    ("LATAM", "Brazil", &["America/Sao_Paulo"]),
    ("APAC", "India", &["Asia/Kolkata"]),
    ("APAC", "Nepal", &["Asia/Kathmandu"]),
    ("APAC", "Australia", &["Australia/Sydney", "Australia/Adelaide"]),
    ("APAC", "New Zealand", &["Pacific/Auckland"]),
    ("APAC", "Tonga", &["Pacific/Tongatapu"]),
    ("APAC", "Japan", &["Asia/Tokyo"]),
];
const FIRST: &[&str] = &[
    "Anna", "Ben", "Chloé", "David", "Elif", "Farid", "Grace", "Hiro", "Isabel", "Jonas", "Kavya", "Liam", "Maja",
    "Noah", "Olga", "Pablo", "Quinn", "Rosa", "Sven", "Tara", "Uma", "Viktor", "Wei", "Ximena", "Yusuf", "Zoë",
];
const LAST: &[&str] = &[
    "Adler", "Brown", "Costa", "Dubois", "Eriksen", "Fischer", "García", "Hoffmann", "Ito", "Jensen", "Kowalski",
    "Lee", "Müller", "Nakamura", "Okafor", "Patel", "Rossi", "Schmidt", "Tanaka", "Novak", "Weiß", "Yilmaz", "Zhang",
];
const TITLES: [(Tier, &[(&str, Role)]); 3] = [
    (
        Tier::Executive,
        &[("CEO", Role::Economic), ("CFO", Role::Economic), ("CTO", Role::Technical), ("VP Sales", Role::Champion)],
    ),
    (
        Tier::Director,
        &[("Director of Operations", Role::User), ("Head of IT", Role::Technical), ("Sales Manager", Role::Influencer)],
    ),
    (
        Tier::Practitioner,
        &[
            ("Account Executive", Role::User),
            ("Data Analyst", Role::User),
            ("Solutions Engineer", Role::Technical),
            ("Ops Specialist", Role::Champion),
        ],
    ),
];
const REP_NAMES: &[&str] =
    &["Dana Kim", "Luis Ortega", "Priya Nair", "Tom Becker", "Aiko Sato", "Sam Rivera", "Nina Petrov"];

/// Fills an empty store with `accounts` synthetic accounts, deterministically
/// from `seed`, with history up to `now`.
pub fn generate(
    store: &mut Store,
    policy: &Policy,
    now: DateTime<Utc>,
    accounts: usize,
    seed: u64,
) -> Result<Summary, StoreError> {
    let mut rng = Rng::new(seed);
    store.bulk_load_mode()?;
    let loader = store.loader()?;
    loader.clear_all()?;
    let indexes = loader.drop_history_indexes()?;
    let plays = install_builtin_plays(&loader, now)?;
    let mut play_list: Vec<_> = plays.values().map(|(id, p)| (*id, p)).collect();
    play_list.sort_by_key(|(id, _)| *id);
    let rep_count = (accounts / 2000).max(3);
    let reps: Vec<String> = (0..rep_count)
        .map(|i| {
            let base = REP_NAMES[i % REP_NAMES.len()];
            if i < REP_NAMES.len() {
                base.to_string()
            } else {
                format!("{base} {}", i / REP_NAMES.len() + 1)
            }
        })
        .collect();
    let mut rep_zones = Vec::with_capacity(reps.len());
    for (i, rep) in reps.iter().enumerate() {
        let zone: Tz = GEOS[i % GEOS.len()].2[0].parse().unwrap_or(chrono_tz::UTC);
        loader.upsert_rep(rep, zone)?;
        rep_zones.push(zone);
    }
    let how = Behaviour { left_overdue: 0.004, opened: 0.2, replied: 0.02, meeting: 0.01, bounced: 0.01 };
    let mut summary = Summary { reps: reps.len(), ..Summary::default() };
    for n in 0..accounts {
        let (region, country, zones) = *rng.pick(GEOS);
        let zone: Tz = rng.pick(zones).parse().unwrap_or(chrono_tz::UTC);
        let name = format!("{}{} {} {}", rng.pick(PREFIXES), rng.pick(SUFFIXES), rng.pick(FORMS), n + 1);
        let domain = format!("{}{}-{}.example", rng.pick(PREFIXES), rng.pick(SUFFIXES), n + 1).to_lowercase();
        let owner = &reps[n % reps.len()];
        let employees = rng.range(20, 20_000);
        let factor = |r: &mut Rng| r.range(1, 5) as u8;
        let bant = if rng.chance(0.9) {
            Bant::new(factor(&mut rng), factor(&mut rng), factor(&mut rng), factor(&mut rng))
        } else {
            None
        };
        let id = loader.insert_account(
            &NewAccount {
                name,
                domain: Some(domain.clone()),
                industry: Some((*rng.pick(INDUSTRIES)).to_string()),
                segment: Some((*rng.pick(SEGMENTS)).to_string()),
                region: Some(region.to_string()),
                country: Some(country.to_string()),
                employees: Some(employees),
                annual_revenue: Some(employees * rng.range(80_000, 300_000)),
                owner: owner.clone(),
                status: AccountStatus::Target,
                source: Some((*rng.pick(SOURCES)).to_string()),
                opportunity_value: Some(rng.range(5, 200) * 200 * 12),
                bant,
            },
            now,
        )?;
        summary.accounts += 1;
        if rng.chance(0.4) {
            let on = now.date_naive() - Duration::days(rng.range(0, 90));
            loader.insert_trigger(id, "funding", "a new funding round", Some("press"), on)?;
        }
        let tiers = [
            Tier::Executive,
            Tier::Director,
            Tier::Director,
            Tier::Practitioner,
            Tier::Practitioner,
            Tier::Practitioner,
        ];
        let count = rng.range(4, 6) as usize;
        let mut players = Vec::with_capacity(count);
        for (k, tier) in tiers.iter().take(count).enumerate() {
            let titles = TITLES.iter().find(|(t, _)| t == tier).map_or(&[][..], |(_, list)| *list);
            let (title, role) = *rng.pick(titles);
            let first = *rng.pick(FIRST);
            let last = *rng.pick(LAST);
            let pid = loader.insert_player(&NewPlayer {
                account_id: id,
                first_name: first.to_string(),
                last_name: last.to_string(),
                title: Some(title.to_string()),
                email: Some(format!("p{k}.{}@{domain}", n + 1)),
                phone: None,
                linkedin: None,
                zone,
                tier: *tier,
                role,
                status: PlayerStatus::Active,
            })?;
            players.push(SimPlayer { id: pid, first_name: first.to_string(), tier: *tier, role, zone });
            summary.players += 1;
        }
        if rng.chance(0.85) {
            let (play_id, play) = play_list[rng.below(play_list.len() as u64) as usize];
            let start = now - Duration::days(rng.range(0, 40)) - Duration::minutes(rng.range(0, 600));
            summary.touches += write_history(
                &loader,
                policy,
                (play_id, play),
                id,
                owner,
                &players,
                start,
                now,
                &how,
                &mut rng,
                rep_zones[n % reps.len()],
            )?;
        }
    }
    loader.rebuild_indexes(&indexes)?;
    loader.commit()?;
    store.analyze()?;
    Ok(summary)
}
