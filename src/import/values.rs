//! Cell values as CRMs write them, turned into playbook's: domains from
//! websites, checked emails, numbers with separators, the tier a job title
//! implies, and the zone a country implies.

use crate::domain::Tier;
use chrono_tz::Tz;

/// `https://www.Example.com/about` → `example.com`. None when it is not a
/// host name with a dot.
pub fn domain(text: &str) -> Option<String> {
    let mut s = text.trim().to_lowercase();
    for scheme in ["https://", "http://"] {
        if let Some(rest) = s.strip_prefix(scheme) {
            s = rest.to_string();
        }
    }
    let host = s.split(['/', '?', '#']).next().unwrap_or_default();
    let host = host.rsplit('@').next().unwrap_or_default();
    let host = host.split(':').next().unwrap_or_default();
    let host = host.strip_prefix("www.").unwrap_or(host).trim_end_matches('.');
    let ok = host.contains('.')
        && !host.starts_with('.')
        && !host.contains("..")
        && host.chars().all(|c| c.is_alphanumeric() || c == '-' || c == '.');
    ok.then(|| host.to_string())
}

/// A lowercased address when it looks like one: one `@`, a local part, a
/// domain with a dot, no spaces.
pub fn email(text: &str) -> Option<String> {
    let s = text.trim().to_lowercase();
    let (local, host) = s.split_once('@')?;
    let ok = !local.is_empty()
        && !host.contains('@')
        && !s.chars().any(char::is_whitespace)
        && domain(host).is_some_and(|d| d == host);
    ok.then_some(s)
}

/// The domain of an email address.
pub fn email_domain(email: &str) -> Option<&str> {
    email.split_once('@').map(|(_, d)| d)
}

/// Numbers as exports write them: `1200`, `1,200`, `1.200` (German
/// thousands), `$1,200,000`, `1'200`, `1200.00`, `250,00` (decimal comma),
/// `1.234.567,89`. A thousands separator only ever comes before a group of
/// exactly three digits; any other separator is the decimal point. A
/// fraction is rounded when `fraction` allows it, else the value is refused.
pub fn number(text: &str, fraction: bool) -> Option<i64> {
    let s: String = text
        .trim()
        .chars()
        .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}' | '\'' | '$' | '€' | '£' | '_'))
        .collect();
    if s.is_empty() || !s.chars().all(|c| c.is_ascii_digit() || c == ',' || c == '.') {
        return None;
    }
    let commas = s.matches(',').count();
    let dots = s.matches('.').count();
    // Which separator marks the fraction, if any.
    let decimal = match (commas, dots) {
        (0, 0) => None,
        (_, 0) | (0, _) => {
            let sep = if commas > 0 { ',' } else { '.' };
            let at = s.rfind(sep).unwrap_or(0);
            let after = s.len() - at - 1;
            // A lone separator is thousands only in `1.250` / `12,500` shape.
            let thousands = after == 3 && (1..=3).contains(&at);
            (s.matches(sep).count() == 1 && !thousands).then_some(sep)
        }
        _ => s.rfind([',', '.']).and_then(|i| s[i..].chars().next()),
    };
    let (whole, frac) = match decimal {
        Some(sep) => s.rsplit_once(sep)?,
        None => (s.as_str(), ""),
    };
    let mut groups = whole.split([',', '.']);
    let first = groups.next()?;
    let grouped = groups.all(|g| g.len() == 3);
    if first.is_empty() || first.len() > 3 && whole.len() != first.len() || !grouped || frac.contains([',', '.']) {
        return None;
    }
    let n: i64 = whole.chars().filter(char::is_ascii_digit).collect::<String>().parse().ok()?;
    match frac.trim_end_matches('0') {
        "" => Some(n),
        _ if !fraction => None,
        rest => n.checked_add(i64::from(rest.as_bytes()[0] >= b'5')),
    }
}

/// A player's own working week, `sun mon tue wed thu` or `Sun,Mon,...`,
/// stored as `sun,mon,tue,wed,thu`.
pub fn workdays(text: &str) -> Result<String, String> {
    const NAMES: [(chrono::Weekday, &str); 7] = [
        (chrono::Weekday::Mon, "mon"),
        (chrono::Weekday::Tue, "tue"),
        (chrono::Weekday::Wed, "wed"),
        (chrono::Weekday::Thu, "thu"),
        (chrono::Weekday::Fri, "fri"),
        (chrono::Weekday::Sat, "sat"),
        (chrono::Weekday::Sun, "sun"),
    ];
    let names: Vec<&str> = text.split([',', ' ', ';', '/']).map(str::trim).filter(|n| !n.is_empty()).collect();
    let days = crate::cadence::window::Weekdays::from_names(&names)?;
    if days.is_empty() {
        return Err("a working week needs at least one day".into());
    }
    Ok(NAMES.iter().filter(|(d, _)| days.contains(*d)).map(|(_, n)| *n).collect::<Vec<_>>().join(","))
}

/// A BANT factor: 1 to 5.
pub fn factor(text: &str) -> Option<u8> {
    text.trim().parse::<u8>().ok().filter(|n| (1..=5).contains(n))
}

/// A tier from a tier or seniority column (`executive`, `c_suite`, `vp`, ...).
pub fn tier_word(text: &str) -> Option<Tier> {
    let s = text.trim().to_lowercase().replace(['-', ' '], "_");
    match s.as_str() {
        "executive" | "exec" | "c_suite" | "c_level" | "vp" | "owner" | "founder" | "partner" => Some(Tier::Executive),
        "director" | "head" | "manager" => Some(Tier::Director),
        "practitioner" | "senior" | "entry" | "individual_contributor" | "ic" | "staff" => Some(Tier::Practitioner),
        _ => None,
    }
}

/// The tier a job title implies, and the rule that decided it (shown on the
/// player so a wrong guess can be spotted).
pub fn tier_from_title(title: &str) -> (Tier, String) {
    let t = format!(" {} ", title.to_lowercase().replace(['-', ',', '/', '&', '(', ')', '.'], " "));
    let words = |list: &[&'static str]| -> Option<&'static str> {
        list.iter().find(|w| t.contains(&format!(" {w} "))).copied()
    };
    let executive = [
        "chief",
        "ceo",
        "cfo",
        "cto",
        "coo",
        "cio",
        "cmo",
        "cro",
        "cso",
        "cpo",
        "ciso",
        "vp",
        "svp",
        "evp",
        "vice president",
        "founder",
        "co founder",
        "cofounder",
        "president",
        "owner",
        "managing director",
        "geschäftsführer",
        "partner",
    ];
    let director = ["director", "head of", "head", "manager", "leiter", "leiterin"];
    if let Some(w) = words(&executive) {
        (Tier::Executive, format!("title has \"{w}\" → executive"))
    } else if let Some(w) = words(&director) {
        (Tier::Director, format!("title has \"{w}\" → director"))
    } else if title.trim().is_empty() {
        (Tier::Practitioner, "title empty → practitioner".into())
    } else {
        (Tier::Practitioner, "title names no executive or director word → practitioner".into())
    }
}

/// Countries with a single time zone, by English name, local name and ISO code.
const SINGLE_ZONE: &[(&[&str], &str)] = &[
    (&["germany", "deutschland", "de"], "Europe/Berlin"),
    (&["austria", "österreich", "at"], "Europe/Vienna"),
    (&["switzerland", "schweiz", "suisse", "ch"], "Europe/Zurich"),
    (&["france", "fr"], "Europe/Paris"),
    (&["united kingdom", "uk", "gb", "great britain", "england", "scotland", "wales"], "Europe/London"),
    (&["ireland", "ie"], "Europe/Dublin"),
    (&["netherlands", "the netherlands", "nederland", "holland", "nl"], "Europe/Amsterdam"),
    (&["belgium", "belgië", "belgique", "be"], "Europe/Brussels"),
    (&["luxembourg", "lu"], "Europe/Luxembourg"),
    (&["italy", "italia", "it"], "Europe/Rome"),
    (&["poland", "polska", "pl"], "Europe/Warsaw"),
    (&["czechia", "czech republic", "cz"], "Europe/Prague"),
    (&["slovakia", "sk"], "Europe/Bratislava"),
    (&["hungary", "hu"], "Europe/Budapest"),
    (&["romania", "ro"], "Europe/Bucharest"),
    (&["bulgaria", "bg"], "Europe/Sofia"),
    (&["greece", "gr"], "Europe/Athens"),
    (&["sweden", "sverige", "se"], "Europe/Stockholm"),
    (&["norway", "norge", "no"], "Europe/Oslo"),
    (&["denmark", "danmark", "dk"], "Europe/Copenhagen"),
    (&["finland", "suomi", "fi"], "Europe/Helsinki"),
    (&["estonia", "ee"], "Europe/Tallinn"),
    (&["latvia", "lv"], "Europe/Riga"),
    (&["lithuania", "lt"], "Europe/Vilnius"),
    (&["croatia", "hr"], "Europe/Zagreb"),
    (&["slovenia", "si"], "Europe/Ljubljana"),
    (&["serbia", "rs"], "Europe/Belgrade"),
    (&["turkey", "türkiye", "tr"], "Europe/Istanbul"),
    (&["israel", "il"], "Asia/Jerusalem"),
    (&["united arab emirates", "uae", "ae"], "Asia/Dubai"),
    (&["saudi arabia", "sa"], "Asia/Riyadh"),
    (&["india", "in"], "Asia/Kolkata"),
    (&["nepal", "np"], "Asia/Kathmandu"),
    (&["china", "中国", "cn"], "Asia/Shanghai"),
    (&["hong kong", "hk"], "Asia/Hong_Kong"),
    (&["taiwan", "tw"], "Asia/Taipei"),
    (&["japan", "日本", "jp"], "Asia/Tokyo"),
    (&["south korea", "korea", "republic of korea", "kr"], "Asia/Seoul"),
    (&["singapore", "sg"], "Asia/Singapore"),
    (&["philippines", "ph"], "Asia/Manila"),
    (&["vietnam", "viet nam", "vn"], "Asia/Ho_Chi_Minh"),
    (&["thailand", "th"], "Asia/Bangkok"),
    (&["malaysia", "my"], "Asia/Kuala_Lumpur"),
    (&["pakistan", "pk"], "Asia/Karachi"),
    (&["bangladesh", "bd"], "Asia/Dhaka"),
    (&["south africa", "za"], "Africa/Johannesburg"),
    (&["nigeria", "ng"], "Africa/Lagos"),
    (&["kenya", "ke"], "Africa/Nairobi"),
    (&["egypt", "eg"], "Africa/Cairo"),
    (&["morocco", "ma"], "Africa/Casablanca"),
    (&["argentina", "ar"], "America/Argentina/Buenos_Aires"),
    (&["colombia", "co"], "America/Bogota"),
    (&["peru", "pe"], "America/Lima"),
    (&["uruguay", "uy"], "America/Montevideo"),
    (&["costa rica", "cr"], "America/Costa_Rica"),
    (&["tonga", "to"], "Pacific/Tongatapu"),
];

/// The zone of a country that has exactly one. Countries spanning several
/// (United States, Canada, Brazil, Australia, Russia, Mexico, Indonesia, ...)
/// give none: a guess there would be wrong for part of the people.
pub fn country_zone(country: &str) -> Option<Tz> {
    let c = country.trim().to_lowercase();
    SINGLE_ZONE.iter().find(|(names, _)| names.contains(&c.as_str())).and_then(|(_, zone)| zone.parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn websites_become_domains() {
        assert_eq!(domain("https://www.example.com/").as_deref(), Some("example.com"));
        assert_eq!(domain("HTTP://Shop.Example.co.uk/path?q=1").as_deref(), Some("shop.example.co.uk"));
        assert_eq!(domain("example.com:8080").as_deref(), Some("example.com"));
        assert_eq!(domain("münchen-gmbh.de").as_deref(), Some("münchen-gmbh.de"));
        assert_eq!(domain("not a site"), None);
        assert_eq!(domain("localhost"), None);
    }

    #[test]
    fn emails_are_checked_and_lowercased() {
        assert_eq!(email(" Jane.Doe@Example.COM ").as_deref(), Some("jane.doe@example.com"));
        assert_eq!(email("jane(at)example.com"), None);
        assert_eq!(email("jane@localhost"), None);
        assert_eq!(email("a b@example.com"), None);
        assert_eq!(email("a@b@example.com"), None);
    }

    #[test]
    fn numbers_with_separators_currency_and_decimal_commas() {
        assert_eq!(number("$1,200,000", false), Some(1_200_000));
        assert_eq!(number("1 200", false), Some(1200));
        assert_eq!(number("1.250", false), Some(1250), "German thousands");
        assert_eq!(number("250.00", false), Some(250));
        assert_eq!(number("250,00", false), Some(250), "decimal comma");
        assert_eq!(number("1.234.567,89", true), Some(1_234_568));
        assert_eq!(number("1,234,567.49", true), Some(1_234_567));
        assert_eq!(number("1,5", false), None, "one and a half employees");
        assert_eq!(number("1'000", false), Some(1000));
        assert_eq!(number("1,234", false), Some(1234));
        assert_eq!(number("12345.6789", true), Some(12346), "four decimals are a fraction, not thousands");
        assert_eq!(number("80000000.125", true), Some(80_000_000));
        assert_eq!(number("1,2,3", false), None);
        assert_eq!(number("1.234.56", false), None);
        assert_eq!(number("1,234.1234567890", true), Some(1234), "a long fraction does not overflow");
        assert_eq!(number("0,5", true), Some(1));
        assert_eq!(number("€ 1.234,00", true), Some(1234));
        assert_eq!(number("1e6", false), None);
        assert_eq!(number("about 50", false), None);
        assert_eq!(number("-5", false), None);
    }

    #[test]
    fn titles_imply_tiers_and_say_why() {
        let tier = |t: &str| tier_from_title(t).0;
        assert_eq!(tier("Chief Revenue Officer"), Tier::Executive);
        assert_eq!(tier("VP Sales"), Tier::Executive);
        assert_eq!(tier("Co-Founder & CEO"), Tier::Executive);
        assert_eq!(tier("Managing Director"), Tier::Executive);
        assert_eq!(tier("Director of Operations"), Tier::Director);
        assert_eq!(tier("Head of IT"), Tier::Director);
        assert_eq!(tier("Sales Manager"), Tier::Director);
        assert_eq!(tier("Data Analyst"), Tier::Practitioner);
        assert!(tier_from_title("Head of IT").1.contains("head of"));
    }

    #[test]
    fn single_zone_countries_only() {
        assert_eq!(country_zone("Germany"), Some(chrono_tz::Europe::Berlin));
        assert_eq!(country_zone("JP"), Some(chrono_tz::Asia::Tokyo));
        assert_eq!(country_zone("United States"), None);
        assert_eq!(country_zone("Australia"), None);
    }
}
