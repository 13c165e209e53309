//! Accounts, players and "why now" trigger events entered by hand: each
//! value checked as an import checks it, each change one undoable action.

use super::request::{AccountFields, PlayerFields, Record};
use super::{refused, Engine, Result};
use crate::domain::{AccountStatus, PlayerStatus, Role};
use crate::import::values;
use crate::limits;
use crate::store::Value;
use crate::store::{Activity, Columns, ImportLookup, RecordTable, Store};
use chrono::NaiveDate;
use chrono_tz::Tz;

/// The kinds of trigger event, as stored; `executive` is a new executive.
pub const TRIGGER_KINDS: [&str; 7] =
    ["funding", "acquisition", "new_executive", "hiring", "expansion", "product_launch", "other"];

pub(super) fn trigger_kind(text: &str) -> Result<String> {
    let word = text.trim().to_ascii_lowercase().replace(['-', ' '], "_");
    let word = if word == "executive" { "new_executive".to_string() } else { word };
    if TRIGGER_KINDS.contains(&word.as_str()) {
        Ok(word)
    } else {
        Err(refused(format!(
            "{} is not a kind of trigger: funding, acquisition, executive, hiring, expansion, product-launch or other",
            crate::text::quoted(text)
        )))
    }
}

/// A name, address or other identity value: plain text on one line.
pub(super) fn identity(what: &str, text: &str) -> Result<String> {
    let text = text.trim();
    if text.is_empty() {
        return Err(refused(format!("{what} is empty")));
    }
    if text.chars().count() > limits::FIELD_CHARS {
        return Err(refused(format!("{what} holds at most {} characters", limits::FIELD_CHARS)));
    }
    if crate::text::has_controls(text) {
        return Err(refused(format!("{what} contains control characters (line breaks, escape codes)")));
    }
    Ok(text.to_string())
}

/// What a trigger event says: free text, not empty.
pub(super) fn trigger_text(text: &str) -> Result<String> {
    let summary = free("the trigger", text)?;
    if summary.is_empty() {
        return Err(refused("the trigger is empty: say what happened, e.g. \"raised a Series B\""));
    }
    Ok(summary)
}

/// Free text (a title, an industry, a trigger): control characters kept as
/// visible symbols, as an import keeps them.
fn free(what: &str, text: &str) -> Result<String> {
    let text = text.trim();
    if text.chars().count() > limits::FIELD_CHARS {
        return Err(refused(format!("{what} holds at most {} characters", limits::FIELD_CHARS)));
    }
    if text.contains('\0') {
        return Err(refused(format!("{what} contains a NUL byte")));
    }
    Ok(crate::text::clean(text).into_owned())
}

fn number(what: &str, text: &str, fraction: bool, max: i64) -> Result<i64> {
    match values::number(text, fraction) {
        Some(n) if n > max => Err(refused(format!("{what} is more than {max}"))),
        Some(n) => Ok(n),
        None => Err(refused(format!("{what} {} is not a number", crate::text::quoted(text)))),
    }
}

fn zone(text: &str) -> Result<Tz> {
    text.trim().parse::<Tz>().map_err(|_| {
        refused(format!("{} is not a time zone (use an IANA name such as Europe/Berlin)", crate::text::quoted(text)))
    })
}

fn text_value(s: String) -> Value {
    Value::Text(s)
}

/// The columns an account's fields set, each checked.
fn account_columns(store: &dyn ImportLookup, fields: &AccountFields, id: Option<i64>) -> Result<Columns> {
    let mut columns: Columns = Vec::new();
    if let Some(name) = &fields.name {
        columns.push(("name", text_value(identity("the account name", name)?)));
    }
    if let Some(domain) = &fields.domain {
        let domain = values::domain(&identity("the domain", domain)?)
            .ok_or_else(|| refused(format!("{} is not a website or domain", crate::text::quoted(domain))))?;
        if let Some(other) = store.accounts_by_domain(&domain)?.into_iter().find(|other| Some(*other) != id) {
            return Err(refused(format!(
                "{domain} is already account {other}: edit it with `playbook edit account {other}`"
            )));
        }
        columns.push(("domain", text_value(domain)));
    }
    if let Some(owner) = &fields.owner {
        columns.push(("owner", text_value(limits::rep_name(owner).map_err(refused)?.to_string())));
    }
    for (column, what, value) in [
        ("industry", "the industry", &fields.industry),
        ("region", "the region", &fields.region),
        ("country", "the country", &fields.country),
    ] {
        if let Some(v) = value {
            columns.push((column, text_value(free(what, v)?)));
        }
    }
    for (column, what, value, fraction, max) in [
        ("employees", "employees", &fields.employees, false, limits::EMPLOYEES),
        ("annual_revenue", "revenue", &fields.revenue, true, limits::AMOUNT),
        ("opportunity_value", "the opportunity value", &fields.value, true, limits::AMOUNT),
    ] {
        if let Some(v) = value {
            columns.push((column, Value::Integer(number(what, v, fraction, max)?)));
        }
    }
    Ok(columns)
}

impl Engine {
    /// `add trigger`: a "why now" event on an account, dated today in the
    /// rep's zone unless given (never ahead of today).
    pub(super) fn add_trigger(
        &self,
        store: &mut Store,
        account_id: i64,
        text: &str,
        date: Option<NaiveDate>,
        kind: Option<&str>,
        source: Option<&str>,
    ) -> Result<String> {
        let summary = trigger_text(text)?;
        let kind = kind.map_or_else(|| Ok("other".to_string()), trigger_kind)?;
        let source = source.map(|s| identity("the source", s)).transpose()?;
        let account = store.account(account_id)?;
        let zone = self.rep_zone(store, Some(&account.owner))?;
        let today = self.today(zone);
        let date = date.unwrap_or(today);
        limits::date(date).map_err(refused)?;
        if date > today {
            return Err(refused(format!("a trigger event has happened: {date} is after today ({today})")));
        }
        let mut tx = store.begin()?;
        if tx.has_trigger(account_id, date, &summary)? {
            return Err(refused(format!("{} already has this trigger event on {date}", account.name)));
        }
        let columns: Columns = vec![
            ("account_id", Value::Integer(account_id)),
            ("kind", text_value(kind.clone())),
            ("summary", text_value(summary.clone())),
            ("source", source.map_or(Value::Null, text_value)),
            ("occurred_on", text_value(date.format("%Y-%m-%d").to_string())),
        ];
        let id = tx.insert_record(RecordTable::Triggers, &columns)?;
        let detail = format!("trigger {id}: {} ({}, {date})", crate::text::one_line(&summary), kind.replace('_', " "));
        tx.commit(&self.actor, self.now, &record_activity("add", Some(account_id), None, &detail))?;
        Ok(format!("{}: added {detail}", account.name))
    }

    /// `add account`: checked as an import checks a row; an account already
    /// stored with that domain (or that name, without one) is refused.
    pub(super) fn add_account(&self, store: &mut Store, fields: &AccountFields) -> Result<String> {
        let Some(name) = &fields.name else { return Err(refused("an account needs a name")) };
        let mut fields = fields.clone();
        // A rep the store knows, as everywhere a rep is named: a typo would
        // hand the account to nobody's queue.
        if let Some(owner) = &fields.owner {
            fields.owner = Some(self.check_rep(store, owner)?);
        }
        if fields.owner.is_none() {
            fields.owner =
                Some(self.me.clone().ok_or_else(|| {
                    refused("whose account is it? pass --owner REP (or set [me] name in the config)")
                })?);
        }
        let mut tx = store.begin()?;
        let mut columns = account_columns(&tx, &fields, None)?;
        if fields.domain.is_none() {
            if let Some((other, _)) = tx.accounts_by_name(name.trim())?.first() {
                return Err(refused(format!(
                    "an account named {} is already stored (account {other}): give --domain to tell them apart",
                    crate::text::quoted(name.trim())
                )));
            }
        }
        columns.push(("status", text_value(AccountStatus::Target.as_str().into())));
        columns.push(("created_at", Value::Integer(self.now.timestamp())));
        let id = tx.insert_record(RecordTable::Accounts, &columns)?;
        let account = tx.account(id)?;
        let detail = format!("account {id}: {} (owner {})", account.name, account.owner);
        tx.commit(&self.actor, self.now, &record_activity("add", Some(id), None, &detail))?;
        Ok(format!("added {detail}"))
    }

    /// `add player`: the tier from the title unless given, the zone from the
    /// account's country unless given (else the rep's, flagged as a guess).
    pub(super) fn add_player(&self, store: &mut Store, account_id: i64, fields: &PlayerFields) -> Result<String> {
        let account = store.account(account_id)?;
        let (first, last) = match (&fields.first_name, &fields.last_name, &fields.name) {
            (Some(f), l, _) => (
                identity("the first name", f)?,
                l.as_deref().map_or(Ok(String::new()), |l| identity("the last name", l))?,
            ),
            (None, Some(l), _) => (String::new(), identity("the last name", l)?),
            (None, None, Some(full)) => {
                let full = identity("the name", full)?;
                match full.rsplit_once(' ') {
                    Some((f, l)) => (f.trim().to_string(), l.trim().to_string()),
                    None => (full, String::new()),
                }
            }
            (None, None, None) => return Err(refused("a player needs a name: \"First Last\"")),
        };
        let mut tx = store.begin()?;
        let mut columns = Self::player_columns(&tx, fields, None)?;
        columns.retain(|(c, _)| !matches!(*c, "first_name" | "last_name"));
        columns.push(("first_name", text_value(first.clone())));
        columns.push(("last_name", text_value(last.clone())));
        columns.push(("account_id", Value::Integer(account_id)));
        if fields.tier.is_none() {
            let (tier, rule) = values::tier_from_title(fields.title.as_deref().unwrap_or_default());
            columns.push(("tier", text_value(tier.as_str().into())));
            columns.push(("tier_rule", text_value(rule)));
        }
        if fields.zone.is_none() {
            let (zone, source) = account
                .country
                .as_deref()
                .and_then(values::country_zone)
                .map_or((self.zone, "guess"), |z| (z, "country"));
            columns.push(("zone", text_value(zone.name().into())));
            columns.push(("zone_source", text_value(source.into())));
        }
        if fields.role.is_none() {
            columns.push(("role", text_value(Role::User.as_str().into())));
        }
        let id = tx.insert_record(RecordTable::Players, &columns)?;
        let player = tx.player(id)?;
        let detail = format!(
            "player {id}: {} ({}, {}, {})",
            player.full_name(),
            player.tier.label(),
            player.role.label(),
            player.zone.name()
        );
        tx.commit(&self.actor, self.now, &record_activity("add", Some(account_id), Some(id), &detail))?;
        Ok(format!("{}: added {detail}", account.name))
    }

    /// The columns a player's fields set, each checked; an email another
    /// player has is refused.
    fn player_columns(store: &dyn ImportLookup, fields: &PlayerFields, id: Option<i64>) -> Result<Columns> {
        let mut columns: Columns = Vec::new();
        if let Some(f) = &fields.first_name {
            columns.push(("first_name", text_value(identity("the first name", f)?)));
        }
        if let Some(l) = &fields.last_name {
            columns.push(("last_name", text_value(identity("the last name", l)?)));
        }
        if let Some(email) = &fields.email {
            let email = values::email(&identity("the email", email)?)
                .ok_or_else(|| refused(format!("{} is not an email address", crate::text::quoted(email))))?;
            if let Some(other) = store.player_by_email(&email)?.filter(|other| Some(*other) != id) {
                return Err(refused(format!(
                    "{email} is already player {other}: edit it with `playbook edit player {other}`"
                )));
            }
            columns.push(("email", text_value(email)));
        }
        if let Some(title) = &fields.title {
            columns.push(("title", text_value(free("the title", title)?)));
        }
        for (column, what, value) in
            [("phone", "the phone", &fields.phone), ("linkedin", "the LinkedIn URL", &fields.linkedin)]
        {
            if let Some(v) = value {
                columns.push((column, text_value(identity(what, v)?)));
            }
        }
        if let Some(tier) = &fields.tier {
            let tier = values::tier_word(tier).ok_or_else(|| {
                refused(format!("{} is not a tier: executive, director or practitioner", crate::text::quoted(tier)))
            })?;
            columns.push(("tier", text_value(tier.as_str().into())));
            columns.push(("tier_rule", text_value("set by hand".into())));
        }
        if let Some(role) = &fields.role {
            let role: Role = role.parse().map_err(|e: crate::domain::UnknownName| refused(e.to_string()))?;
            columns.push(("role", text_value(role.as_str().into())));
        }
        if let Some(z) = &fields.zone {
            columns.push(("zone", text_value(zone(z)?.name().into())));
            columns.push(("zone_source", text_value("column".into())));
        }
        if let Some(status) = &fields.status {
            let status: PlayerStatus =
                status.parse().map_err(|e: crate::domain::UnknownName| refused(e.to_string()))?;
            columns.push(("status", text_value(status.as_str().into())));
        }
        Ok(columns)
    }

    /// `edit account`: the fields given change; a new owner takes the
    /// account's waiting touches into their queue.
    pub(super) fn edit_account(&self, store: &mut Store, account_id: i64, fields: &AccountFields) -> Result<String> {
        let before = store.account(account_id)?;
        let mut fields = fields.clone();
        if let Some(owner) = &fields.owner {
            fields.owner = Some(self.check_rep(store, owner)?);
        }
        let fields = &fields;
        let mut tx = store.begin()?;
        let columns = account_columns(&tx, fields, Some(account_id))?;
        if columns.is_empty() {
            return Err(refused("nothing to change: give at least one field, e.g. --industry SaaS"));
        }
        let said = changed(&columns);
        tx.update_record(RecordTable::Accounts, account_id, &columns)?;
        let after = tx.account(account_id)?;
        if after.owner != before.owner {
            for t in tx.account_open_touches(account_id)? {
                tx.update_record(RecordTable::Touches, t, &vec![("owner", text_value(after.owner.clone()))])?;
            }
        }
        let detail = format!("account {account_id}: {said}");
        tx.commit(&self.actor, self.now, &record_activity("edit", Some(account_id), None, &detail))?;
        Ok(format!("{}: changed {said}", after.name))
    }

    /// `edit player`: the fields given change. A player who left, bounced or
    /// opted out hears nothing more: their waiting touches stop.
    pub(super) fn edit_player(&self, store: &mut Store, player_id: i64, fields: &PlayerFields) -> Result<String> {
        if fields.name.is_some() {
            return Err(refused("change a name with --first-name and --last-name"));
        }
        let player = store.player(player_id)?;
        let mut tx = store.begin()?;
        let columns = Self::player_columns(&tx, fields, Some(player_id))?;
        if columns.is_empty() {
            return Err(refused("nothing to change: give at least one field, e.g. --zone Europe/Berlin"));
        }
        let said = changed(&columns);
        tx.update_record(RecordTable::Players, player_id, &columns)?;
        let after = tx.player(player_id)?;
        if after.status != PlayerStatus::Active {
            Self::stop_player(&mut tx, player.account_id, player_id, after.status)?;
        } else if after.zone != player.zone || after.tier != player.tier {
            // Their hours are another's now: every waiting touch is placed
            // again in them, spacing kept.
            let cause = crate::cadence::Adjustment::Replanned { player: after.first_name.clone() };
            for e in tx.running_enrollments(player.account_id)? {
                super::placing::shift_player(
                    self,
                    &mut tx,
                    e.id,
                    player_id,
                    chrono::Duration::zero(),
                    self.now,
                    &cause,
                )?;
            }
        }
        let detail = format!("player {player_id}: {said}");
        tx.commit(&self.actor, self.now, &record_activity("edit", Some(player.account_id), Some(player_id), &detail))?;
        Ok(format!("{}: changed {said}", after.full_name()))
    }

    /// `remove`: a trigger event goes; a player or an account with no play
    /// history goes (undo brings it back). A player with history is kept as
    /// `left` (their touches are the account's record); an account with
    /// plays is refused: end its plays instead.
    pub(super) fn remove(&self, store: &mut Store, record: Record) -> Result<String> {
        let mut tx = store.begin()?;
        let (said, account, player) = match record {
            Record::Trigger(id) => {
                let t = tx.trigger(id)?;
                tx.delete_record(RecordTable::Triggers, id)?;
                (format!("removed trigger {id} ({})", crate::text::one_line(&t.summary)), Some(t.account_id), None)
            }
            Record::Player(id) => {
                let p = tx.player(id)?;
                if tx.history_of(RecordTable::Players, id)? > 0 {
                    tx.update_record(
                        RecordTable::Players,
                        id,
                        &vec![("status", text_value(PlayerStatus::Left.as_str().into()))],
                    )?;
                    let stopped = Self::stop_player(&mut tx, p.account_id, id, PlayerStatus::Left)?;
                    let said = format!(
                        "{} has touches on record, so is kept as left; {} stopped",
                        p.full_name(),
                        crate::text::count(stopped, "waiting touch", "waiting touches")
                    );
                    (said, Some(p.account_id), Some(id))
                } else {
                    tx.delete_record(RecordTable::Players, id)?;
                    (format!("removed player {id} ({})", p.full_name()), Some(p.account_id), None)
                }
            }
            Record::Account(id) => {
                let a = tx.account(id)?;
                let plays = tx.history_of(RecordTable::Accounts, id)?;
                if plays > 0 {
                    let running = !tx.running_enrollments(id)?.is_empty();
                    return Err(refused(if running {
                        format!(
                            "{} has {} on record, so it stays; to stop working it, end its plays with `playbook end {id} --as ...`",
                            a.name,
                            crate::text::count(plays as usize, "play", "plays")
                        )
                    } else {
                        format!(
                            "{} has {} on record, so it stays as history (its status says how it ended)",
                            a.name,
                            crate::text::count(plays as usize, "play", "plays")
                        )
                    }));
                }
                tx.delete_record(RecordTable::Accounts, id)?;
                (format!("removed account {id} ({}) with its players and triggers", a.name), None, None)
            }
        };
        tx.commit(&self.actor, self.now, &record_activity("remove", account, player, &said))?;
        Ok(said)
    }

    /// Stops every waiting touch to a player who can no longer be reached.
    fn stop_player(
        tx: &mut crate::store::ActionTx<'_>,
        account_id: i64,
        player_id: i64,
        status: PlayerStatus,
    ) -> Result<usize> {
        let open: Vec<_> =
            super::placing::everywhere(tx, account_id, player_id)?.into_iter().filter(|t| t.state.is_open()).collect();
        for t in &open {
            let mut stopped = t.clone();
            stopped.state = crate::domain::TouchState::Cancelled;
            stopped.reason = Some(format!("player {}", status.label()));
            tx.save_touch(&stopped)?;
        }
        for e in tx.running_enrollments(account_id)? {
            super::complete_if_finished(tx, e.id)?;
        }
        Ok(open.len())
    }
}

/// The fields an edit sets, in words ("opportunity value", "zone").
fn changed(columns: &Columns) -> String {
    let words: Vec<&str> = columns
        .iter()
        .map(|(c, _)| *c)
        // How a tier or zone was decided is said by the field itself.
        .filter(|c| !c.ends_with("_rule") && !c.ends_with("_source"))
        .map(|c| match c {
            "annual_revenue" => "revenue",
            "opportunity_value" => "opportunity value",
            "first_name" => "first name",
            "last_name" => "last name",
            other => other,
        })
        .collect();
    words.join(", ")
}

fn record_activity(action: &str, account: Option<i64>, player: Option<i64>, detail: &str) -> Activity {
    Activity {
        action: action.into(),
        account_id: account,
        player_id: player,
        detail: Some(detail.to_string()),
        ..Activity::default()
    }
}
