//! CRM CSV import and the exports, through the real binary: fixtures written
//! by hand in the style of HubSpot and Salesforce exports (BOM, CRLF,
//! semicolons, quoted commas and line breaks, umlauts, CJK).

mod common;

use common::Env;
use serde_json::Value;
use std::path::PathBuf;

fn fixture(name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import").join(name).display().to_string()
}

fn by<'a>(list: &'a Value, key: &str, value: &str) -> &'a Value {
    list.as_array()
        .expect("array")
        .iter()
        .find(|v| v[key] == value)
        .unwrap_or_else(|| panic!("no {key} = {value} in {list:#}"))
}

/// The two fixtures imported into an empty database owned by Dana Kim.
fn imported() -> Env {
    let env = Env::new();
    std::fs::write(env.dir.path().join("config.toml"), "[me]\nname = \"Dana Kim\"\nzone = \"Europe/Berlin\"\n")
        .expect("config");
    let out = env.ok(&["import", "accounts", &fixture("hubspot_companies.csv")]);
    assert!(out.contains("accounts: 4 new, 0 updated, 0 unchanged, 0 rejected"), "{out}");
    assert!(out.contains("\"Record ID\", \"Lifecycle Stage\""), "unknown columns are named: {out}");
    let out = env.ok(&["import", "players", &fixture("salesforce_contacts.csv")]);
    assert!(out.contains("players: 5 new, 0 updated, 0 unchanged, 0 rejected"), "{out}");
    env
}

#[test]
fn crm_exports_land_exactly() {
    let env = imported();
    let accounts = env.json(&["export", "accounts", "--format", "json"]);
    let m = by(&accounts, "name", "Müller & Söhne Logistik GmbH");
    assert_eq!(m["domain"], "mueller-soehne.de", "https://www.mueller-soehne.de/ became a domain");
    assert_eq!((m["employees"].as_i64(), m["annual_revenue"].as_i64()), (Some(1250), Some(80_000_000)));
    assert_eq!((m["country"].as_str(), m["owner"].as_str()), (Some("Germany"), Some("Dana Kim")));
    assert_eq!([&m["budget"], &m["authority"], &m["need"], &m["timing"]], [4, 3, 5, 4]);
    assert_eq!(by(&accounts, "name", "Acme, Inc.")["domain"], "acme.example.com");
    assert_eq!(by(&accounts, "name", "北京云数据有限公司")["domain"], "yunshuju.cn");
    let cafe = by(&accounts, "name", "Café \"Zur Börse\" AG");
    assert_eq!(cafe["owner"], "Dana Kim", "no owner column: the configured rep");

    let players = env.json(&["export", "players", "--format", "json"]);
    let jurgen = by(&players, "email", "j.weiss@mueller-soehne.de");
    assert_eq!((jurgen["first_name"].as_str(), jurgen["last_name"].as_str()), (Some("Jürgen"), Some("Weiß")));
    assert_eq!(jurgen["tier"], "executive");
    assert_eq!(jurgen["tier_rule"], "title has \"geschäftsführer\" → executive");
    assert_eq!((jurgen["zone"].as_str(), jurgen["zone_source"].as_str()), (Some("Europe/Berlin"), Some("country")));
    let anna = by(&players, "email", "anna.schmidt@mueller-soehne.de");
    assert_eq!((anna["tier"].as_str(), anna["title"].as_str()), (Some("director"), Some("Head of IT; Infrastructure")));
    assert_eq!(anna["zone_source"], "column");
    let wei = by(&players, "email", "wei.zhang@yunshuju.cn");
    assert_eq!((wei["title"].as_str(), wei["tier"].as_str()), (Some("数据分析师"), Some("practitioner")));
    assert_eq!((wei["zone"].as_str(), wei["account"].as_str()), (Some("Asia/Shanghai"), Some("北京云数据有限公司")));
    let maria = by(&players, "email", "maria@acme.example.com");
    assert_eq!(maria["title"], "VP Sales,\r\nAmericas", "a quoted line break is kept as written");
    assert_eq!(maria["tier"], "executive");
    assert_eq!(maria["phone"], "+1 (555) 010-2030");
    // The United States has several zones: the configured one, flagged as a guess.
    assert_eq!((maria["zone"].as_str(), maria["zone_source"].as_str()), (Some("Europe/Berlin"), Some("guess")));
    let tom = by(&players, "email", "tom@acme.example.com");
    assert_eq!(tom["account"], "Acme, Inc.", "no account column: found by the email's domain");

    // The tier rule and zone guess show on the account screen too.
    let detail = env.ok(&["account", "Acme, Inc."]);
    assert!(detail.contains("guess"), "{detail}");
}

#[test]
fn importing_the_same_files_again_changes_nothing_and_an_edit_is_one_update() {
    let env = imported();
    let again = env.ok(&["import", "accounts", &fixture("hubspot_companies.csv")]);
    assert!(again.contains("accounts: 0 new, 0 updated, 4 unchanged, 0 rejected"), "{again}");
    let again = env.ok(&["import", "players", &fixture("salesforce_contacts.csv")]);
    assert!(again.contains("players: 0 new, 0 updated, 5 unchanged, 0 rejected"), "{again}");
    assert_eq!(env.json(&["export", "players", "--format", "json"]).as_array().map(Vec::len), Some(5));

    // The same company under its bare domain and a new head count: updated, not duplicated.
    let edited = env.dir.path().join("edit.csv");
    std::fs::write(&edited, "Company name,Website,Employees\nMüller & Söhne Logistik GmbH,mueller-soehne.de,1300\n")
        .expect("write");
    let dry = env.ok(&["import", "accounts", edited.to_str().expect("path"), "--dry-run"]);
    assert!(dry.contains("dry run, nothing written. accounts: 0 new, 1 updated, 0 unchanged, 0 rejected"), "{dry}");
    let accounts = env.json(&["export", "accounts", "--format", "json"]);
    assert_eq!(by(&accounts, "domain", "mueller-soehne.de")["employees"], 1250, "the dry run wrote nothing");
    env.ok(&["import", "accounts", edited.to_str().expect("path")]);
    let accounts = env.json(&["export", "accounts", "--format", "json"]);
    assert_eq!(accounts.as_array().map(Vec::len), Some(4));
    let m = by(&accounts, "domain", "mueller-soehne.de");
    assert_eq!((m["employees"].as_i64(), m["budget"].as_i64()), (Some(1300), Some(4)), "empty columns erase nothing");
}

#[test]
fn a_bad_file_names_every_bad_row_and_imports_nothing() {
    let env = imported();
    let out = env.cmd(&["import", "players", &fixture("bad_contacts.csv")]).output().expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr).expect("utf-8");
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(
        lines,
        vec![
            "playbook: players: 1 new, 0 updated, 0 unchanged, 7 rejected",
            "7 rows rejected, so nothing was imported (fix them, or pass --skip-bad):",
            "line 3, column \"Email\", value \"bob(at)acme.example.com\": invalid email",
            "line 4, column \"Time Zone\", value \"Mars/Olympus_Mons\": unknown zone (use an IANA name such as Europe/Berlin)",
            "line 5, column \"Company Name\", value \"Nowhere Ltd\": no account with this name; import the account first",
            "line 6, column \"First Name\", value \"\": required field empty (a first or last name)",
            "line 7, the row has 3 fields, the header has 6",
            "line 8, value \"ok.person@acme.example.com\": same email as line 2",
            "line 9, column \"Email\", value \"\": required field empty",
        ]
    );
    assert_eq!(
        env.json(&["export", "players", "--format", "json"]).as_array().map(Vec::len),
        Some(5),
        "nothing landed"
    );

    let out = env.cmd(&["import", "accounts", &fixture("bad_companies.csv")]).output().expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr).expect("utf-8");
    for expected in [
        "line 3, column \"Account Name\", value \"\": required field empty",
        "line 4, column \"Budget\", value \"7\": a BANT factor must be 1 to 5",
        "line 4, column \"Timing\", value \"0\": a BANT factor must be 1 to 5",
        "line 5, column \"Website\", value \"not a website\": not a website or domain",
        "line 5, column \"Employees\", value \"lots\": not a whole number",
    ] {
        assert!(stderr.lines().any(|l| l == expected), "missing `{expected}` in:\n{stderr}");
    }
}

#[test]
fn skip_bad_imports_the_good_rows_and_writes_the_rest_with_reasons() {
    let env = imported();
    let rejects = env.dir.path().join("rejects.csv");
    let out = env.ok(&[
        "import",
        "players",
        &fixture("bad_contacts.csv"),
        "--skip-bad",
        "--rejects",
        rejects.to_str().expect("path"),
    ]);
    assert!(out.contains("players: 1 new, 0 updated, 0 unchanged, 7 rejected"), "{out}");
    let players = env.json(&["export", "players", "--format", "json"]);
    assert_eq!(by(&players, "email", "ok.person@acme.example.com")["zone"], "America/Chicago");
    let mut reader = csv::Reader::from_path(&rejects).expect("rejects file");
    let rows: Vec<csv::StringRecord> = reader.records().collect::<Result<_, _>>().expect("rows");
    assert_eq!(rows.len(), 7);
    assert_eq!(&rows[0][0], "3");
    assert_eq!(&rows[0][4], "bob(at)acme.example.com", "the row as it was");
    assert!(rows[0][7].contains("invalid email"));
    assert_eq!(&rows[4][1], "Short", "even a short row keeps its cells");
}

#[test]
fn map_and_template() {
    let env = Env::new();
    let template = env.ok(&["import", "--template", "accounts"]);
    assert!(template.starts_with("name,domain,industry,"), "{template}");
    let file = env.dir.path().join("firmen.csv");
    std::fs::write(&file, "Firma;Netz;Mitarbeiter\nNordwind Logistik GmbH;nordwind.example;420\n").expect("write");
    let out = env.cmd(&["import", "accounts", file.to_str().expect("path")]).output().expect("runs");
    let stderr = String::from_utf8(out.stderr).expect("utf-8");
    assert!(stderr.contains("the file needs a company name column") && stderr.contains("--map"), "{stderr}");
    let path = file.to_str().expect("path");
    let out = env.ok(&[
        "import",
        "accounts",
        path,
        "--map",
        "Firma=name",
        "--map",
        "Netz=domain",
        "--map",
        "Mitarbeiter=employees",
    ]);
    assert!(out.contains("1 new"), "{out}");
    let accounts = env.json(&["export", "accounts", "--format", "json"]);
    assert_eq!(by(&accounts, "name", "Nordwind Logistik GmbH")["employees"], 420);
}

#[test]
fn unscored_imports_rank_below_scored_accounts() {
    let env = imported();
    let ranked = env.json(&["accounts", "--owner", "Dana Kim", "--format", "json"]);
    let names: Vec<&str> = ranked.as_array().expect("array").iter().filter_map(|a| a["name"].as_str()).collect();
    let scored = names.iter().position(|n| *n == "Müller & Söhne Logistik GmbH").expect("scored listed");
    let unscored = names.iter().position(|n| n.starts_with("Café")).expect("unscored listed");
    assert!(scored < unscored, "{names:?}");

    // Someone rates it: scored, and 5x5x5x5 puts it first; undo puts it back.
    let out = env.ok(&["rate", "Café \"Zur Börse\" AG", "--budget", "5", "--authority", "5", "--need", "5"]);
    assert!(out.contains("unscored until all four are rated"), "{out}");
    let out = env.ok(&["rate", "Café \"Zur Börse\" AG", "--timing", "5"]);
    assert!(out.contains("BANT 5x5x5x5 = 625"), "{out}");
    let first = |env: &Env| env.json(&["accounts", "--owner", "Dana Kim", "--format", "json"])[0]["name"].clone();
    assert_eq!(first(&env), "Café \"Zur Börse\" AG");
    env.ok(&["undo"]);
    assert_eq!(first(&env), "Müller & Söhne Logistik GmbH");
    let refused = env.cmd(&["rate", "Acme, Inc.", "--budget", "9"]).output().expect("runs");
    assert_eq!(refused.status.code(), Some(2), "a factor outside 1-5 is a usage error");
}

#[test]
fn export_then_import_into_an_empty_database_gives_the_same_records() {
    let source = Env::demo();
    let accounts = source.ok(&["export", "accounts"]);
    let players = source.ok(&["export", "players"]);
    let target = Env::new();
    let a = target.dir.path().join("accounts.csv");
    let p = target.dir.path().join("players.csv");
    std::fs::write(&a, &accounts).expect("write");
    std::fs::write(&p, &players).expect("write");
    let out = target.ok(&["import", "accounts", a.to_str().expect("path")]);
    assert!(out.contains("accounts: 40 new"), "{out}");
    let out = target.ok(&["import", "players", p.to_str().expect("path")]);
    assert!(out.contains("players: 151 new"), "{out}");
    assert_eq!(target.ok(&["export", "accounts"]), accounts);
    assert_eq!(target.ok(&["export", "players"]), players);
}

#[test]
fn calendar_export_parses_and_keeps_its_uids() {
    let env = Env::demo();
    let first = env.ok(&["export", "ics", "--owner", "Dana Kim", "--days", "3"]);
    let unfolded = icalendar::parser::unfold(&first);
    let calendar = icalendar::parser::read_calendar(&unfolded).expect("RFC 5545");
    let events: Vec<_> = calendar.components.iter().filter(|c| c.name == "VEVENT").collect();
    assert!(events.len() > 5, "{} events", events.len());
    let prop = |c: &icalendar::parser::Component<'_>, name: &str| -> String {
        c.properties.iter().find(|p| p.name == name).map(|p| p.val.to_string()).unwrap_or_default()
    };
    let uids: Vec<String> = events.iter().map(|e| prop(e, "UID")).collect();
    let mut unique = uids.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), uids.len(), "one UID per touch");
    for e in &events {
        assert!(prop(e, "UID").starts_with("touch-") && prop(e, "DTSTART").ends_with('Z'));
        // Nothing lands on a day already gone: overdue touches show now.
        assert!(prop(e, "DTSTART").as_str() >= "20261124T083000Z", "{}", prop(e, "DTSTART"));
        if prop(e, "SUMMARY").starts_with("overdue") {
            assert!(prop(e, "DESCRIPTION").contains("Overdue: was due"));
        }
        assert!(prop(e, "UID").ends_with("@playbook"));
        let description = prop(e, "DESCRIPTION");
        for part in ["Account: ", "Player: ", "Channel: ", "Content: ", "Why: "] {
            assert!(description.contains(part), "{part} missing from {description}");
        }
    }
    assert!(events.iter().any(|e| prop(e, "SUMMARY").starts_with("overdue")), "the demo has overdue touches");
    // Rewritten unchanged, the file names the same events.
    let same = env.ok(&["export", "ics", "--owner", "Dana Kim", "--days", "3"]);
    assert_eq!(same, first);
    // The next morning's file: the touch done is gone; other accounts' touches keep their UIDs.
    assert!(first.ends_with("END:VCALENDAR\r\n") && !first.replace("\r\n", "").contains('\n'), "CRLF only");
    let done: i64 = uids[0].trim_start_matches("touch-").split('.').next().unwrap_or_default().parse().expect("id");
    let account_of =
        |e: &icalendar::parser::Component<'_>| prop(e, "DESCRIPTION").lines().next().unwrap_or_default().to_string();
    let done_account = account_of(events[0]);
    env.ok(&["done", &done.to_string()]);
    let second = env.ok(&["export", "ics", "--owner", "Dana Kim", "--days", "3"]);
    let unfolded = icalendar::parser::unfold(&second);
    let again = icalendar::parser::read_calendar(&unfolded).expect("RFC 5545");
    let later: Vec<String> = again.components.iter().filter(|c| c.name == "VEVENT").map(|e| prop(e, "UID")).collect();
    assert!(!later.contains(&uids[0]));
    let untouched: Vec<&String> =
        events.iter().zip(&uids).filter(|(e, _)| account_of(e) != done_account).map(|(_, u)| u).collect();
    assert!(untouched.len() > 3);
    assert!(untouched.iter().all(|u| later.contains(u)), "other accounts' touches keep their UIDs");
}

#[test]
fn activity_export_is_ready_for_a_crm() {
    let env = Env::demo();
    let queue = env.json(&["queue", "--owner", "Dana Kim", "--format", "json"]);
    let touch = queue[0]["touch_id"].as_i64().expect("touch");
    env.ok(&["note", &touch.to_string(), "asked for pricing, call Thursday"]);
    let csv_text = env.ok(&["export", "activity", "--period", "today", "--owner", "Dana Kim"]);
    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    let header = reader.headers().expect("header").clone();
    assert_eq!(
        header.iter().collect::<Vec<_>>(),
        vec![
            "timestamp",
            "zone",
            "owner",
            "account",
            "account_domain",
            "player",
            "player_email",
            "channel",
            "action",
            "outcome",
            "actor",
            "note"
        ]
    );
    let rows: Vec<csv::StringRecord> = reader.records().collect::<Result<_, _>>().expect("rows");
    let note = rows.iter().find(|r| &r[8] == "note").expect("the note is exported");
    assert_eq!(&note[11], "asked for pricing, call Thursday");
    assert!(note[0].starts_with("2026-11-24T") && note[0].ends_with("+01:00"), "time with zone: {}", &note[0]);
    assert!(note[6].contains('@') && !note[4].is_empty(), "email and account domain: {note:?}");
    let json = env.json(&["export", "activity", "--period", "today", "--format", "json"]);
    assert!(json.as_array().expect("array").iter().any(|a| a["note"] == "asked for pricing, call Thursday"));
}

#[test]
fn imported_accounts_can_be_enrolled_straight_away() {
    let env = imported();
    assert!(env.ok(&["plays", "list"]).contains("multi-thread"), "the shipped plays come with the first import");
    let out = env.ok(&["enroll", "Müller & Söhne Logistik GmbH", "multi-thread"]);
    assert!(out.contains("touches for 2 players"), "{out}");
    let queue = env.json(&["queue", "--owner", "Dana Kim", "--format", "json"]);
    assert!(!queue.as_array().expect("array").is_empty());
}

fn write(env: &Env, name: &str, text: &str) -> String {
    let path = env.dir.path().join(name);
    std::fs::write(&path, text).expect("write");
    path.display().to_string()
}

#[test]
fn accounts_are_never_duplicated_by_name_or_within_a_file() {
    let env = imported();
    // A name alone finds the stored account that has a domain.
    let f = write(&env, "a.csv", "Company name;Number of Employees\nAcme, Inc.;250,00\n");
    let out = env.ok(&["import", "accounts", &f]);
    assert!(out.contains("0 new, 1 updated"), "{out}");
    let accounts = env.json(&["export", "accounts", "--format", "json"]);
    assert_eq!(by(&accounts, "name", "Acme, Inc.")["employees"], 250, "a decimal comma is not a thousands separator");
    // The same company twice in one file: the second row is refused.
    let f = write(&env, "b.csv", "name,domain\nBeta,beta.example\nBeta,\n");
    let out = env.cmd(&["import", "accounts", &f]).output().expect("runs");
    let stderr = String::from_utf8(out.stderr).expect("utf-8");
    assert!(stderr.contains("line 3, value \"Beta\": same account as line 2"), "{stderr}");
    // Two stored accounts share a name: a row naming only that name is ambiguous.
    let f = write(&env, "c.csv", "name,domain\nGamma,gamma-one.example\nGamma,gamma-two.example\n");
    env.ok(&["import", "accounts", &f]);
    let f = write(&env, "d.csv", "name,industry\nGamma,Retail\n");
    let out = env.cmd(&["import", "accounts", &f]).output().expect("runs");
    let stderr = String::from_utf8(out.stderr).expect("utf-8");
    assert!(stderr.contains("2 accounts are named \"Gamma\""), "{stderr}");
}

#[test]
fn reimports_keep_what_they_cannot_improve_and_move_touches_with_the_owner() {
    let env = imported();
    // Without a title, an inferred tier stays; a new title re-decides it.
    let f = write(&env, "p.csv", "email,first_name\ntom@acme.example.com,Tom\n");
    assert!(env.ok(&["import", "players", &f]).contains("1 unchanged"));
    let f = write(&env, "q.csv", "email,first_name,Job Title\ntom@acme.example.com,Tom,Chief Operating Officer\n");
    env.ok(&["import", "players", &f]);
    let players = env.json(&["export", "players", "--format", "json"]);
    assert_eq!(by(&players, "email", "tom@acme.example.com")["tier"], "executive");

    // Exported and imported back into the same database: nothing changes.
    let exported = env.ok(&["export", "players"]);
    let f = write(&env, "all.csv", &exported);
    let out = env.ok(&["import", "players", &f]);
    assert!(out.contains("0 updated, 5 unchanged"), "{out}");
    let players = env.json(&["export", "players", "--format", "json"]);
    assert_eq!(by(&players, "email", "maria@acme.example.com")["zone_source"], "guess", "the guess flag stays");

    // A new owner from the CRM takes the account's open touches along.
    env.ok(&["enroll", "Müller & Söhne Logistik GmbH", "multi-thread"]);
    let f = write(&env, "o.csv", "name,domain,owner\nMüller & Söhne Logistik GmbH,mueller-soehne.de,Priya Nair\n");
    env.ok(&["import", "accounts", &f]);
    let dana = env.json(&["queue", "--owner", "Dana Kim", "--format", "json"]);
    let priya = env.json(&["queue", "--owner", "Priya Nair", "--format", "json"]);
    assert!(dana.as_array().expect("array").is_empty(), "{dana:#}");
    assert!(!priya.as_array().expect("array").is_empty());
}

#[test]
fn two_rows_never_update_one_stored_record_and_undo_keeps_a_new_owner() {
    let env = imported();
    // "Delta GmbH" is stored without a domain; two companies of that name arrive.
    env.ok(&["import", "accounts", &write(&env, "d.csv", "name\nDelta GmbH\n")]);
    let f = write(&env, "e.csv", "name,Website\nDelta GmbH,delta.de\nDelta GmbH,delta.at\n");
    let out = env.cmd(&["import", "accounts", &f]).output().expect("runs");
    let stderr = String::from_utf8(out.stderr).expect("utf-8");
    assert!(stderr.contains("line 3, matches the same stored account as line 2"), "{stderr}");

    // A zone a country decided is not traded for a guess by a later file.
    let f = write(&env, "z.csv", "email,first_name,Job Title\nwei.zhang@yunshuju.cn,Wei,Lead Analyst\n");
    env.ok(&["import", "players", &f]);
    let players = env.json(&["export", "players", "--format", "json"]);
    assert_eq!(by(&players, "email", "wei.zhang@yunshuju.cn")["zone"], "Asia/Shanghai");

    // Undoing an action after the account changed hands leaves its touches with the new rep.
    env.ok(&["enroll", "Müller & Söhne Logistik GmbH", "multi-thread"]);
    let touch = env.json(&["queue", "--owner", "Dana Kim", "--format", "json"])[0]["touch_id"].as_i64().expect("id");
    env.ok(&["snooze", &touch.to_string(), "--for", "1h"]);
    let f = write(&env, "o.csv", "name,domain,owner\nMüller & Söhne Logistik GmbH,mueller-soehne.de,Priya Nair\n");
    env.ok(&["import", "accounts", &f]);
    env.ok(&["undo"]);
    let dana = env.json(&["queue", "--owner", "Dana Kim", "--format", "json"]);
    assert!(dana.as_array().expect("array").is_empty(), "{dana:#}");
    let priya = env.json(&["queue", "--owner", "Priya Nair", "--format", "json"]);
    assert!(priya.as_array().expect("array").iter().any(|t| t["touch_id"] == touch));
}
