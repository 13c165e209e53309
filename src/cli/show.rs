//! Printing the views: queue, ranked accounts, one account.

use super::output::{self, csv, table, Format};
use crate::engine::{AccountDetail, AccountItem, Engine, QueueItem};
use crate::store::DecisionRow;
use anyhow::Result;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde_json::{json, Value};

fn rfc3339(at: DateTime<Utc>, zone: Tz) -> String {
    at.with_timezone(&zone).to_rfc3339()
}

fn local(at: DateTime<Utc>, zone: Tz, now: DateTime<Utc>) -> String {
    let (a, n) = (at.with_timezone(&zone), now.with_timezone(&zone));
    if a.date_naive() == n.date_naive() {
        a.format("%H:%M").to_string()
    } else {
        a.format("%a %d %b %H:%M").to_string()
    }
}

pub fn queue(items: &[QueueItem], format: Format, zone: Tz, engine: &Engine) -> Result<String> {
    match format {
        Format::Json => {
            let list: Vec<Value> = items
                .iter()
                .map(|i| {
                    let t = &i.row.touch;
                    json!({
                        "touch_id": t.id,
                        "group": i.group.label(),
                        "account": i.row.account_name,
                        "account_id": t.account_id,
                        "owner": t.owner,
                        "player": i.row.player_name,
                        "player_id": t.player_id,
                        "title": i.row.player_title,
                        "tier": i.row.tier,
                        "role": i.row.role,
                        "zone": i.row.zone.name(),
                        "channel": t.channel,
                        "play": i.play_label,
                        "step": t.step,
                        "steps": i.steps_total,
                        "step_title": i.step_title,
                        "kind": t.kind,
                        "state": t.state,
                        "due_at": rfc3339(t.due_at, zone),
                        "due_local": rfc3339(t.due_at, i.row.zone),
                        "deadline": t.deadline.map(|d| rfc3339(d, zone)),
                        "why": t.why,
                        "score": i.score.total,
                        "scored": i.score.scored,
                    })
                })
                .collect();
            Ok(output::json(&list)?)
        }
        Format::Table | Format::Csv => {
            let headers = [
                "id", "group", "due", "deadline", "account", "score", "player", "tier", "role", "channel", "step",
                "title",
            ];
            let rows: Vec<Vec<String>> = items
                .iter()
                .map(|i| {
                    let t = &i.row.touch;
                    vec![
                        t.id.to_string(),
                        i.group.label().to_string(),
                        local(t.due_at, zone, engine.now),
                        t.deadline.map(|d| local(d, zone, engine.now)).unwrap_or_default(),
                        i.row.account_name.clone(),
                        i.score.total.to_string(),
                        i.row.player_name.clone(),
                        i.row.tier.to_string(),
                        i.row.role.to_string(),
                        t.channel.to_string(),
                        format!("{}/{}", t.step, i.steps_total),
                        i.step_title.clone(),
                    ]
                })
                .collect();
            if format == Format::Csv {
                return Ok(csv(&headers, &rows));
            }
            if rows.is_empty() {
                return Ok(format!("nothing due ({})", zone.name()));
            }
            Ok(format!(
                "{}\n{}, times in {}",
                table(&headers, &rows),
                crate::text::count(rows.len(), "touch", "touches"),
                zone.name()
            ))
        }
    }
}

pub fn accounts(items: &[AccountItem], format: Format, engine: &Engine) -> Result<String> {
    match format {
        Format::Json => {
            let list: Vec<Value> = items
                .iter()
                .map(|i| {
                    let a = &i.row.account;
                    json!({
                        "rank": i.rank,
                        "account_id": a.id,
                        "name": a.name,
                        "domain": a.domain,
                        "owner": a.owner,
                        "status": a.status,
                        "industry": a.industry,
                        "region": a.region,
                        "score": i.score.total,
                        "scored": i.score.scored,
                        "budget": a.bant.map(|b| b.budget),
                        "authority": a.bant.map(|b| b.authority),
                        "need": a.bant.map(|b| b.need),
                        "timing": a.bant.map(|b| b.timing),
                        "boosts": i.score.boosts().collect::<Vec<_>>(),
                        "explanation": i.score.explain(),
                        "touches_done": i.row.touches_done,
                        "touches_planned": i.row.touches_planned,
                        "next_touch": i.row.next_due.map(|d| d.to_rfc3339()),
                    })
                })
                .collect();
            Ok(output::json(&list)?)
        }
        Format::Table | Format::Csv => {
            let headers =
                ["rank", "id", "account", "score", "B", "A", "N", "T", "boosts", "owner", "status", "progress", "next"];
            let rows: Vec<Vec<String>> = items
                .iter()
                .map(|i| {
                    let a = &i.row.account;
                    let f = |v: Option<u8>| v.map_or_else(|| "-".to_string(), |v| v.to_string());
                    let boosts: i64 = i.score.boosts().map(|t| t.points).sum();
                    vec![
                        i.rank.to_string(),
                        a.id.to_string(),
                        a.name.clone(),
                        if i.score.scored { i.score.total.to_string() } else { format!("{} (unrated)", i.score.total) },
                        f(a.bant.map(|b| b.budget)),
                        f(a.bant.map(|b| b.authority)),
                        f(a.bant.map(|b| b.need)),
                        f(a.bant.map(|b| b.timing)),
                        if boosts > 0 { format!("+{boosts}") } else { String::new() },
                        a.owner.clone(),
                        // Words in a table; the stored value in CSV, which scripts read.
                        if format == Format::Csv { a.status.to_string() } else { a.status.label() },
                        format!("{}/{}", i.row.touches_done, i.row.touches_planned),
                        i.row.next_due.map(|d| local(d, engine.zone, engine.now)).unwrap_or_default(),
                    ]
                })
                .collect();
            if format == Format::Csv {
                Ok(csv(&headers, &rows))
            } else {
                Ok(table(&headers, &rows))
            }
        }
    }
}

pub fn account(d: &AccountDetail, format: Format, engine: &Engine) -> Result<String> {
    let a = &d.account;
    if format == Format::Json {
        let plays: Vec<Value> = d
            .plays
            .iter()
            .map(|p| {
                json!({
                    "play": p.play.name, "version": p.play.version, "state": p.enrollment.state,
                    "started_at": p.enrollment.started_at.to_rfc3339(), "done": p.done, "planned": p.planned,
                    "reason": p.enrollment.reason,
                    "steps": p.steps.iter().map(|s| json!({
                        "step": s.number, "title": s.title, "channel": s.channel, "timing": s.timing, "targets": s.targets,
                        "touches": s.touches.iter().map(|t| json!({
                            "touch_id": t.touch.id, "player": t.player_name, "state": t.touch.state,
                            "due_at": t.touch.due_at.to_rfc3339(), "deadline": t.touch.deadline.map(|x| x.to_rfc3339()),
                            "outcome": t.touch.outcome, "done_at": t.touch.done_at.map(|x| x.to_rfc3339()),
                        })).collect::<Vec<_>>(),
                    })).collect::<Vec<_>>(),
                })
            })
            .collect();
        let value = json!({
            "account_id": a.id, "name": a.name, "domain": a.domain, "owner": a.owner, "status": a.status,
            "industry": a.industry, "region": a.region, "country": a.country, "opportunity_value": a.opportunity_value,
            "score": d.score.total, "explanation": d.score.explain(), "terms": d.score.terms,
            "triggers": d.triggers, "players": d.players, "plays": plays,
        });
        return output::json(&value);
    }
    let mut out = Vec::new();
    out.push(format!(
        "{} (#{})  {}  owner {}  {}",
        a.name,
        a.id,
        a.domain.as_deref().unwrap_or(""),
        a.owner,
        a.status.label()
    ));
    out.push(format!(
        "{} / {} / {}  opportunity {}",
        a.industry.as_deref().unwrap_or("-"),
        a.region.as_deref().unwrap_or("-"),
        a.country.as_deref().unwrap_or("-"),
        a.opportunity_value.map_or_else(|| "-".to_string(), |v| format!("${v}/yr"))
    ));
    out.push(format!("score {} = {}", d.score.total, d.score.explain()));
    if !d.triggers.is_empty() {
        out.push("why now:".into());
        for t in &d.triggers {
            out.push(format!(
                "  {}  {}: {} ({})",
                t.occurred_on,
                t.kind.replace('_', " "),
                t.summary,
                t.source.as_deref().unwrap_or("-")
            ));
        }
    }
    out.push(String::new());
    out.push("players:".into());
    let rows: Vec<Vec<String>> = d
        .players
        .iter()
        .map(|p| {
            vec![
                p.id.to_string(),
                p.full_name(),
                p.title.clone().unwrap_or_default(),
                p.tier.label(),
                p.role.label(),
                p.zone_label(),
                engine.now.with_timezone(&p.zone).format("%a %H:%M").to_string(),
                p.status.label(),
            ]
        })
        .collect();
    let players = indent(&table(&["id", "name", "title", "tier", "role", "zone", "local now", "status"], &rows));
    out.extend(players.lines().map(String::from));
    for p in d.players.iter().filter(|p| p.tier_rule.is_some()) {
        out.push(format!("  tier of {}: {}", p.full_name(), p.tier_rule.as_deref().unwrap_or_default()));
    }
    // Times in the owner's zone (the default zone for an owner who is not
    // a rep), said once: a rep reads their own clock.
    let at = |t: DateTime<Utc>| t.with_timezone(&d.zone).format("%Y-%m-%d %H:%M").to_string();
    if !d.plays.is_empty() || !d.activity.is_empty() {
        out.push(String::new());
        out.push(format!("times in {}", d.zone.name()));
    }
    for p in &d.plays {
        out.push(String::new());
        let state = match &p.enrollment.reason {
            Some(r) => format!("{} ({r})", p.enrollment.state.label()),
            None => p.enrollment.state.label(),
        };
        out.push(format!(
            "play {} \"{}\": {state}, started {}, touches {}/{} done",
            p.play.label(),
            p.play.title,
            p.enrollment.started_at.with_timezone(&d.zone).format("%Y-%m-%d"),
            p.done,
            p.planned
        ));
        for s in &p.steps {
            out.push(format!("  {:>2}. [{}] {}  ({}; {})", s.number, s.channel, s.title, s.timing, s.targets));
            for t in &s.touches {
                let state = t.touch.state.label();
                let when = match t.touch.done_at {
                    Some(done) => format!("{state} {}", at(done)),
                    // "due 2026-11-25 10:00", "planned, due ...".
                    None if t.touch.state == crate::domain::TouchState::Due => format!("due {}", at(t.touch.due_at)),
                    None => format!("{state}, due {}", at(t.touch.due_at)),
                };
                let outcome = t.touch.outcome.map(|o| format!(" -> {}", o.label())).unwrap_or_default();
                // Why it was skipped (typed, or a follow-up skipped with its step).
                let reason = match (&t.touch.state, &t.touch.reason) {
                    (crate::domain::TouchState::Skipped, Some(r)) => format!(" ({r})"),
                    _ => String::new(),
                };
                out.push(format!("        #{} {}: {when}{outcome}{reason}", t.touch.id, t.player_name));
            }
        }
        for t in &p.extra {
            out.push(format!(
                "      + #{} {} {} to {}: {}, due {}",
                t.touch.id,
                t.touch.kind.label(),
                t.touch.channel.label(),
                t.player_name,
                t.touch.state.label(),
                at(t.touch.due_at)
            ));
        }
    }
    if !d.activity.is_empty() {
        out.push(String::new());
        out.push("activity:".into());
        for e in d.activity.iter().take(15) {
            out.push(format!(
                "  {}  {:<8} {}{}{}",
                at(e.at),
                e.action,
                e.actor,
                e.outcome.map(|o| format!(" {}", o.label())).unwrap_or_default(),
                e.detail.as_deref().map(|x| format!(": {x}")).unwrap_or_default()
            ));
        }
    }
    // One entry per line: stored text (a title, a trigger) must not break
    // the layout or forge lines of its own.
    Ok(out.iter().map(|l| crate::text::one_line(l)).collect::<Vec<_>>().join("\n"))
}

fn indent(text: &str) -> String {
    text.lines().map(|l| format!("  {l}")).collect::<Vec<_>>().join("\n")
}

/// Plays waiting for their owner's decision: who answered, what they said,
/// how long ago.
pub fn decisions(rows: &[DecisionRow], format: Format, zone: Tz, now: DateTime<Utc>) -> Result<String> {
    let answer = |d: &DecisionRow| d.outcome.map_or_else(|| "answered".to_string(), crate::domain::Outcome::label);
    match format {
        Format::Json => {
            let list: Vec<Value> = rows
                .iter()
                .map(|d| {
                    json!({
                        "account": d.account_name,
                        "account_id": d.account_id,
                        "owner": d.owner,
                        "plays": d.plays,
                        "since": rfc3339(d.since, zone),
                        "player": d.player_name,
                        "answer": d.outcome,
                        "said": d.said,
                    })
                })
                .collect();
            Ok(output::json(&list)?)
        }
        Format::Table | Format::Csv => {
            let headers = ["account", "owner", "who", "answer", "said", "since", "plays"];
            let table_rows: Vec<Vec<String>> = rows
                .iter()
                .map(|d| {
                    vec![
                        d.account_name.clone(),
                        d.owner.clone(),
                        d.player_name.clone().unwrap_or_default(),
                        // CSV keeps the stored value, as every CSV does.
                        if format == Format::Csv {
                            d.outcome.map(|o| o.as_str().to_string()).unwrap_or_default()
                        } else {
                            answer(d)
                        },
                        d.said.as_deref().map(|s| crate::text::one_line(s).into_owned()).unwrap_or_default(),
                        if format == Format::Csv { rfc3339(d.since, zone) } else { crate::text::ago(d.since, now) },
                        d.plays.join(", "),
                    ]
                })
                .collect();
            if format == Format::Csv {
                return Ok(csv(&headers, &table_rows));
            }
            if table_rows.is_empty() {
                return Ok("no play is waiting for a decision".into());
            }
            Ok(format!(
                "{}\n{} waiting: resume ACCOUNT, or end ACCOUNT --as won|lost|disqualified|no-response",
                table(&headers, &table_rows),
                crate::text::count(table_rows.len(), "decision", "decisions")
            ))
        }
    }
}
