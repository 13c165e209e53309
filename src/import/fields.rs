//! Which column means which field: playbook's own header names, the names
//! common CRM exports use, and `--map "Column=field"` for anything else.

use std::fmt;

/// What is being imported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Accounts,
    Players,
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Kind::Accounts => "accounts",
            Kind::Players => "players",
        })
    }
}

macro_rules! fields {
    ($($variant:ident => $name:literal, $kind:ident, [$($alias:literal),*];)+) => {
        /// A field playbook stores; `name` is its native header.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Field { $($variant),+ }

        impl Field {
            pub const ALL: &'static [Field] = &[$(Field::$variant),+];

            pub fn name(self) -> &'static str {
                match self { $(Field::$variant => $name),+ }
            }

            pub fn kind(self) -> Kind {
                match self { $(Field::$variant => Kind::$kind),+ }
            }

            /// Header names CRMs use for it, squashed (see `squash`).
            fn aliases(self) -> &'static [&'static str] {
                match self { $(Field::$variant => &[$($alias),*]),+ }
            }
        }
    };
}

fields! {
    AccountName => "name", Accounts, ["company", "companyname", "accountname", "organization", "organisation", "organizationname"];
    Domain => "domain", Accounts, ["website", "companydomainname", "companydomain", "websiteurl", "url", "web", "companywebsite"];
    Industry => "industry", Accounts, [];
    Segment => "segment", Accounts, ["companysegment", "accountsegment"];
    Region => "region", Accounts, ["salesregion", "territory", "billingregion"];
    Country => "country", Accounts, ["countryregion", "billingcountry", "companycountry", "hqcountry"];
    Employees => "employees", Accounts, ["numberofemployees", "employeecount", "headcount", "companysize"];
    AnnualRevenue => "annual_revenue", Accounts, ["annualrevenue", "revenue"];
    Owner => "owner", Accounts, ["accountowner", "companyowner", "recordowner", "ownername", "salesrep"];
    Status => "status", Accounts, ["accountstatus"];
    Source => "source", Accounts, ["leadsource", "originalsource", "accountsource"];
    OpportunityValue => "opportunity_value", Accounts, ["opportunityvalue", "dealvalue", "amount", "pipelinevalue"];
    Budget => "budget", Accounts, ["bantbudget"];
    Authority => "authority", Accounts, ["bantauthority"];
    Need => "need", Accounts, ["bantneed"];
    Timing => "timing", Accounts, ["banttiming"];
    FirstName => "first_name", Players, ["firstname", "first", "givenname"];
    LastName => "last_name", Players, ["lastname", "last", "surname", "familyname"];
    FullName => "full_name", Players, ["fullname", "name", "contactname", "contact"];
    Email => "email", Players, ["emailaddress", "workemail", "businessemail", "primaryemail", "email1"];
    Title => "title", Players, ["jobtitle", "position"];
    Phone => "phone", Players, ["phonenumber", "workphone", "directphone", "businessphone", "mobile", "mobilephone", "mobilephonenumber"];
    Linkedin => "linkedin", Players, ["linkedinurl", "linkedinprofile", "personlinkedinurl", "linkedinprofileurl"];
    PlayerAccount => "account", Players, ["company", "companyname", "accountname", "organization", "organizationname", "associatedcompany"];
    AccountDomain => "account_domain", Players, ["companydomain", "companydomainname", "website", "domain", "companywebsite"];
    Tier => "tier", Players, ["seniority"];
    Role => "role", Players, ["buyingrole"];
    Zone => "zone", Players, ["timezone", "tz"];
    PlayerCountry => "country", Players, ["countryregion", "mailingcountry"];
    PlayerStatus => "status", Players, ["contactstatus"];
    Workdays => "workdays", Players, ["workingdays", "workweek"];
}

/// `Company Domain Name` → `companydomainname`: case, spaces and punctuation
/// do not matter in a header.
pub fn squash(header: &str) -> String {
    header.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}

/// The native header of a kind, in order (`import --template`).
pub fn template(kind: Kind) -> Vec<&'static str> {
    Field::ALL.iter().filter(|f| f.kind() == kind && **f != Field::FullName).map(|f| f.name()).collect()
}

/// A field of `kind` by its native name or one of its aliases.
pub fn recognise(kind: Kind, header: &str) -> Option<Field> {
    let s = squash(header);
    let of_kind = || Field::ALL.iter().copied().filter(|f| f.kind() == kind);
    of_kind().find(|f| squash(f.name()) == s).or_else(|| of_kind().find(|f| f.aliases().contains(&s.as_str())))
}

/// `Column=field` from `--map`.
pub fn parse_map(kind: Kind, text: &str) -> Result<(String, Field), String> {
    let (column, field) = text
        .rsplit_once('=')
        .ok_or_else(|| format!("--map {}: write it as \"Column=field\"", crate::text::quoted(text)))?;
    let field = Field::ALL.iter().copied().find(|f| f.kind() == kind && f.name() == field.trim()).ok_or_else(|| {
        format!(
            "--map {}: {} is not a {kind} field (one of: {})",
            crate::text::quoted(text),
            crate::text::quoted(field.trim()),
            template(kind).join(", ")
        )
    })?;
    Ok((column.trim().to_string(), field))
}

/// Which field each column holds (None: ignored), with `--map` first.
pub fn assign(kind: Kind, headers: &[String], map: &[(String, Field)]) -> Result<Vec<Option<Field>>, String> {
    for (column, _) in map {
        if !headers.iter().any(|h| h.trim() == column) {
            return Err(format!("--map names column {}, which the file does not have", crate::text::quoted(column)));
        }
    }
    let mut taken = Vec::new();
    let mut out = Vec::with_capacity(headers.len());
    for header in headers {
        let field = map.iter().find(|(c, _)| c == header.trim()).map(|(_, f)| *f).or_else(|| recognise(kind, header));
        // A second column for the same field is ignored, not merged.
        let field = field.filter(|f| !taken.contains(f));
        if let Some(f) = field {
            taken.push(f);
        }
        out.push(field);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crm_headers_are_recognised() {
        assert_eq!(recognise(Kind::Accounts, "Company name"), Some(Field::AccountName));
        assert_eq!(recognise(Kind::Accounts, "Account Name"), Some(Field::AccountName));
        assert_eq!(recognise(Kind::Accounts, "Company Domain Name"), Some(Field::Domain));
        assert_eq!(recognise(Kind::Accounts, "Number of Employees"), Some(Field::Employees));
        assert_eq!(recognise(Kind::Accounts, "Country/Region"), Some(Field::Country));
        assert_eq!(recognise(Kind::Accounts, "Billing Country"), Some(Field::Country));
        assert_eq!(recognise(Kind::Players, "Job Title"), Some(Field::Title));
        assert_eq!(recognise(Kind::Players, "Phone Number"), Some(Field::Phone));
        assert_eq!(recognise(Kind::Players, "Company Name"), Some(Field::PlayerAccount));
        assert_eq!(recognise(Kind::Players, "Time Zone"), Some(Field::Zone));
        assert_eq!(recognise(Kind::Players, "first_name"), Some(Field::FirstName));
        assert_eq!(recognise(Kind::Players, "Favourite colour"), None);
    }

    #[test]
    fn map_overrides_and_names_unknown_fields() {
        let headers = vec!["Firma".to_string(), "Email".to_string()];
        let map = vec![parse_map(Kind::Players, "Firma=account").expect("map")];
        assert_eq!(
            assign(Kind::Players, &headers, &map).expect("assign"),
            vec![Some(Field::PlayerAccount), Some(Field::Email)]
        );
        assert!(parse_map(Kind::Players, "Firma=company").expect_err("unknown").contains("not a players field"));
        assert!(assign(Kind::Players, &headers, &[("Nope".into(), Field::Email)]).is_err());
    }
}
