//! The touches ahead as an iCalendar file (RFC 5545). Each touch keeps one
//! UID for life, so a calendar subscribed to a file rewritten every morning
//! moves or drops events instead of duplicating them.

use crate::store::TouchExport;
use chrono::{DateTime, Duration, Utc};
use std::collections::HashMap;
use std::fmt::Write as _;

/// How long the calendar blocks for a touch.
fn length(channel: &str) -> Duration {
    match channel {
        "call" | "video" => Duration::minutes(15),
        _ => Duration::minutes(10),
    }
}

fn stamp(at: DateTime<Utc>) -> String {
    at.format("%Y%m%dT%H%M%SZ").to_string()
}

/// TEXT escaping (RFC 5545 3.3.11); control characters, which the format
/// forbids, arrive as visible symbols (`text::clean`).
fn escape(text: &str) -> String {
    let text = crate::text::clean(text);
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            '\t' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// One content line, folded at 75 octets without splitting a character.
fn line(out: &mut String, content: &str) {
    let mut width = 0;
    for c in content.chars() {
        if width + c.len_utf8() > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += c.len_utf8();
    }
    out.push_str("\r\n");
}

/// The calendar. `titles`: each (play, step)'s content title; `store_id`
/// keeps UIDs of two databases apart in one calendar.
pub fn calendar(
    store_id: &str,
    touches: &[TouchExport],
    titles: &HashMap<(i64, i64), String, impl std::hash::BuildHasher>,
    now: DateTime<Utc>,
    name: &str,
) -> String {
    let mut out = String::new();
    for l in [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//playbook//due touches//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
    ] {
        line(&mut out, l);
    }
    line(&mut out, &format!("X-WR-CALNAME:{}", escape(name)));
    for t in touches {
        let title = titles.get(&(t.play_id, t.step)).map_or("", String::as_str);
        let channel = t.channel.as_str();
        let mut description = format!("Account: {}\nPlayer: {}", t.account, t.player);
        if let Some(email) = &t.player_email {
            let _ = write!(description, " <{email}>");
        }
        let _ = write!(description, "\nChannel: {channel}\nContent: {title}\nWhy: {}", t.why);
        if let Some(deadline) = t.deadline_at {
            let _ = write!(description, "\nDeadline: {}", deadline.to_rfc3339());
        }
        let _ = write!(description, "\nTouch: #{} (playbook done {})", t.touch_id, t.touch_id);
        // Overdue work belongs on today's calendar, not on a day already gone.
        let overdue = t.due_at < now;
        let start = if overdue { now } else { t.due_at };
        let summary = if overdue {
            format!("overdue {channel}: {} ({}) - {title}", t.player, t.account)
        } else {
            format!("{channel}: {} ({}) - {title}", t.player, t.account)
        };
        if overdue {
            let _ = write!(description, "\nOverdue: was due {}", t.due_at.to_rfc3339());
        }
        line(&mut out, "BEGIN:VEVENT");
        line(&mut out, &format!("UID:touch-{}.{store_id}@playbook", t.touch_id));
        line(&mut out, &format!("DTSTAMP:{}", stamp(now)));
        line(&mut out, &format!("DTSTART:{}", stamp(start)));
        line(&mut out, &format!("DTEND:{}", stamp(start + length(channel))));
        line(&mut out, &format!("SUMMARY:{}", escape(&summary)));
        line(&mut out, &format!("DESCRIPTION:{}", escape(&description)));
        line(&mut out, &format!("CATEGORIES:{}", escape(channel)));
        line(&mut out, "TRANSP:TRANSPARENT");
        line(&mut out, "END:VEVENT");
    }
    line(&mut out, "END:VCALENDAR");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lines_fold_on_character_boundaries() {
        let mut out = String::new();
        line(&mut out, &format!("SUMMARY:{}", "ü".repeat(60)));
        for l in out.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(l.len() <= 75, "{} octets: {l}", l.len());
        }
        assert_eq!(out.replace("\r\n ", "").trim_end(), format!("SUMMARY:{}", "ü".repeat(60)));
    }

    #[test]
    fn text_is_escaped() {
        assert_eq!(escape("a,b;c\\d\ne"), "a\\,b\\;c\\\\d\\ne");
    }
}
