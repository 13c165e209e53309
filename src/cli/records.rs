//! `add`, `edit`, `remove` and `triggers`: records entered by hand. Each
//! builds one request; the engine checks the values as an import would.

use super::output::{self, csv, table, Format};
use super::{act, parse_date, Session};
use crate::engine::{AccountFields, PlayerFields, Record, Request};
use anyhow::Result;
use chrono::NaiveDate;
use clap::{Args, Subcommand};
use serde_json::json;

#[derive(Debug, Subcommand)]
pub enum AddCommand {
    /// A "why now" trigger event on an account (dated today unless --date)
    Trigger {
        #[arg(value_name = "ACCOUNT")]
        account: String,
        /// What happened, as the play's {trigger} will say it: "raised a €20M Series B"
        text: String,
        #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
        date: Option<NaiveDate>,
        /// funding, acquisition, executive, hiring, expansion, product-launch or other
        #[arg(long)]
        kind: Option<String>,
        /// Where it was reported (a URL)
        #[arg(long, value_name = "URL")]
        source: Option<String>,
    },
    /// An account (owner: [me] unless --owner)
    Account {
        name: String,
        #[command(flatten)]
        fields: AccountArgs,
    },
    /// A player at an account: the tier follows the title, the zone the account's country, unless given
    Player {
        #[arg(value_name = "ACCOUNT")]
        account: String,
        /// "First Last"
        name: String,
        #[command(flatten)]
        fields: PlayerArgs,
    },
}

#[derive(Debug, Subcommand)]
pub enum EditCommand {
    /// Change an account's fields (a new owner takes its waiting touches)
    Account {
        #[arg(value_name = "ID_OR_NAME")]
        account: String,
        #[arg(long)]
        name: Option<String>,
        #[command(flatten)]
        fields: AccountArgs,
    },
    /// Change a player's fields: zone, tier, role, contact details, status
    Player {
        #[arg(value_name = "ID|EMAIL")]
        player: String,
        #[arg(long)]
        first_name: Option<String>,
        #[arg(long)]
        last_name: Option<String>,
        #[command(flatten)]
        fields: PlayerArgs,
        /// active, bounced, opted_out or left (anything but active stops their touches)
        #[arg(long)]
        status: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum RemoveCommand {
    /// A trigger event (ids in `playbook triggers`)
    Trigger { id: i64 },
    /// A player: one with touches on record is kept as `left`
    Player {
        #[arg(value_name = "ID|EMAIL")]
        player: String,
    },
    /// An account with no play history, with its players and triggers
    Account {
        #[arg(value_name = "ID_OR_NAME")]
        account: String,
    },
}

#[derive(Debug, Args)]
pub struct AccountArgs {
    #[arg(long)]
    domain: Option<String>,
    #[arg(long, value_name = "REP")]
    owner: Option<String>,
    #[arg(long)]
    industry: Option<String>,
    #[arg(long)]
    region: Option<String>,
    #[arg(long)]
    country: Option<String>,
    #[arg(long, value_name = "N")]
    employees: Option<String>,
    /// Annual revenue
    #[arg(long, value_name = "AMOUNT")]
    revenue: Option<String>,
    /// Opportunity value
    #[arg(long, value_name = "AMOUNT")]
    value: Option<String>,
}

#[derive(Debug, Args)]
pub struct PlayerArgs {
    #[arg(long)]
    email: Option<String>,
    #[arg(long)]
    title: Option<String>,
    /// executive, director or practitioner [default: from the title]
    #[arg(long)]
    tier: Option<String>,
    /// economic, technical, user, champion or influencer [default: user]
    #[arg(long)]
    role: Option<String>,
    /// IANA zone, e.g. Europe/Berlin [default: from the account's country]
    #[arg(long)]
    zone: Option<String>,
    #[arg(long)]
    phone: Option<String>,
    #[arg(long, value_name = "URL")]
    linkedin: Option<String>,
}

impl AccountArgs {
    fn fields(self, name: Option<String>) -> AccountFields {
        AccountFields {
            name,
            domain: self.domain,
            owner: self.owner,
            industry: self.industry,
            region: self.region,
            country: self.country,
            employees: self.employees,
            revenue: self.revenue,
            value: self.value,
        }
    }
}

impl PlayerArgs {
    fn fields(self) -> PlayerFields {
        PlayerFields {
            email: self.email,
            title: self.title,
            tier: self.tier,
            role: self.role,
            zone: self.zone,
            phone: self.phone,
            linkedin: self.linkedin,
            ..PlayerFields::default()
        }
    }
}

pub fn add(session: &Session, cmd: AddCommand) -> Result<String> {
    match cmd {
        AddCommand::Trigger { account, text, date, kind, source } => act(session, |store| {
            Ok(Request::AddTrigger { account: store.find_account(&account)?.id, text, date, kind, source })
        }),
        AddCommand::Account { name, fields } => {
            act(session, |_| Ok(Request::AddAccount(Box::new(fields.fields(Some(name))))))
        }
        AddCommand::Player { account, name, fields } => act(session, |store| {
            let fields = Box::new(PlayerFields { name: Some(name), ..fields.fields() });
            Ok(Request::AddPlayer { account: store.find_account(&account)?.id, fields })
        }),
    }
}

pub fn edit(session: &Session, cmd: EditCommand) -> Result<String> {
    match cmd {
        EditCommand::Account { account, name, fields } => act(session, |store| {
            Ok(Request::EditAccount {
                account: store.find_account(&account)?.id,
                fields: Box::new(fields.fields(name)),
            })
        }),
        EditCommand::Player { player, first_name, last_name, fields, status } => act(session, |store| {
            let fields = Box::new(PlayerFields { first_name, last_name, status, ..fields.fields() });
            Ok(Request::EditPlayer { player: store.find_player(&player)?.id, fields })
        }),
    }
}

pub fn remove(session: &Session, cmd: RemoveCommand) -> Result<String> {
    act(session, |store| {
        Ok(Request::Remove(match cmd {
            RemoveCommand::Trigger { id } => Record::Trigger(id),
            RemoveCommand::Player { player } => Record::Player(store.find_player(&player)?.id),
            RemoveCommand::Account { account } => Record::Account(store.find_account(&account)?.id),
        }))
    })
}

/// Trigger events, freshest first: one account's, or every account's.
pub fn triggers(session: &Session, account: Option<&str>, format: Format) -> Result<String> {
    let store = session.open()?;
    let account = account.map(|key| store.find_account(key)).transpose()?;
    let rows = store.triggers_list(account.as_ref().map(|a| a.id), None)?;
    let headers = ["id", "account", "domain", "date", "kind", "text", "source"];
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|(t, name, domain)| {
            vec![
                t.id.to_string(),
                name.clone(),
                domain.clone().unwrap_or_default(),
                t.occurred_on.to_string(),
                if format == Format::Table { t.kind.replace('_', " ") } else { t.kind.clone() },
                t.summary.clone(),
                t.source.clone().unwrap_or_default(),
            ]
        })
        .collect();
    match format {
        Format::Json => {
            let list: Vec<_> = rows
                .iter()
                .map(|(t, name, domain)| {
                    json!({"id": t.id, "account": name, "account_id": t.account_id, "domain": domain,
                           "date": t.occurred_on.to_string(), "kind": t.kind, "text": t.summary, "source": t.source})
                })
                .collect();
            Ok(output::json(&list)?)
        }
        Format::Csv => Ok(csv(&headers, &cells)),
        Format::Table if cells.is_empty() => {
            Ok("no trigger events: add one with `playbook add trigger ACCOUNT TEXT`".into())
        }
        Format::Table => Ok(format!(
            "{}\n{}",
            table(&headers, &cells),
            crate::text::count(cells.len(), "trigger event", "trigger events")
        )),
    }
}
