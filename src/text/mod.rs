//! Text from outside (CRM cells, notes, play files, arguments) on its way
//! to a terminal, a file or a spreadsheet.
//!
//! `clean` is the one sanitiser every output goes through: the CLI's stdout
//! and stderr, the files we write, the TUI's cells. It turns control
//! characters into visible symbols, so an ESC in an account name shows as
//! `␛` instead of rewriting the user's clipboard or window title, and it
//! neutralises bidi overrides, which can make text read backwards.
//! `one_line` is the same for a table cell or a screen row.

pub mod csv;
pub mod json;

use std::borrow::Cow;
use unicode_width::UnicodeWidthChar;

/// Bidi embeddings, overrides and isolates (U+202A-202E, U+2066-2069):
/// they reorder the text around them, so a name could display as something
/// else entirely. U+206A-206F, deprecated format controls, go too.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{206F}')
}

/// Characters that must never reach a terminal as they are: C0 controls
/// (line breaks and tabs included; callers decide what to do with those),
/// DEL, C1 controls and bidi controls.
pub fn is_unsafe(c: char) -> bool {
    c.is_control() || is_bidi_control(c) || matches!(c, '\u{2028}' | '\u{2029}')
}

/// Printable ASCII only: nothing in it is unsafe. Most text is, and this
/// byte test is far quicker than looking at each character (a 600-touch
/// queue prints half a megabyte).
pub fn is_printable_ascii(text: &str) -> bool {
    text.bytes().all(|b| (0x20..0x7f).contains(&b))
}

/// Whether `text` holds anything `clean` would change, line breaks and tabs
/// included.
pub fn has_controls(text: &str) -> bool {
    !is_printable_ascii(text) && text.chars().any(is_unsafe)
}

/// The visible stand-in for an unsafe character: the Control Pictures
/// symbol for C0 and DEL (`␛` for ESC), U+FFFD for the rest.
fn visible(c: char) -> char {
    match c {
        '\0'..='\u{1f}' => char::from_u32(0x2400 + c as u32).unwrap_or('\u{FFFD}'),
        '\u{7f}' => '\u{2421}',
        _ => '\u{FFFD}',
    }
}

/// Text safe for a terminal, keeping its lines: `\n`, `\r\n` and tabs stay,
/// a lone `\r` and the Unicode line separators become `\n`, every other
/// control character is shown as a symbol. Borrows when nothing changes.
pub fn clean(text: &str) -> Cow<'_, str> {
    let needs = !is_printable_ascii(text)
        && text.char_indices().any(|(i, c)| match c {
            '\n' | '\t' => false,
            '\r' => text.as_bytes().get(i + 1) != Some(&b'\n'),
            c => is_unsafe(c),
        });
    if !needs {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\n' | '\t' => out.push(c),
            '\r' if chars.peek() == Some(&'\n') => out.push(c),
            '\r' | '\u{2028}' | '\u{2029}' => out.push('\n'),
            c if is_unsafe(c) => out.push(visible(c)),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Whether `clean` leaves `text` as it is: nothing in it can act on a terminal.
pub fn is_clean(text: &str) -> bool {
    matches!(clean(text), Cow::Borrowed(_))
}

/// Text for one line of a table or a screen: `clean`, with line breaks and
/// tabs as single spaces (a job title pasted from a CRM keeps its breaks in
/// the store). Borrows when nothing changes.
pub fn one_line(text: &str) -> Cow<'_, str> {
    if !has_controls(text) {
        return Cow::Borrowed(text);
    }
    let cleaned = clean(text);
    let mut out = String::with_capacity(cleaned.len());
    let mut gap = false;
    for c in cleaned.chars() {
        if matches!(c, '\n' | '\r' | '\t') {
            gap = true;
            continue;
        }
        if gap && !out.is_empty() {
            out.push(' ');
        }
        gap = false;
        out.push(c);
    }
    Cow::Owned(out)
}

/// Display width in terminal columns (wide CJK and emoji count two).
pub fn width(text: &str) -> usize {
    text.chars().map(|c| c.width().unwrap_or(0)).sum()
}

/// `one_line`, cut to at most `max` columns with `…` marking the cut.
pub fn fit(text: &str, max: usize) -> Cow<'_, str> {
    let line = one_line(text);
    if width(&line) <= max {
        return line;
    }
    if max == 0 {
        return Cow::Borrowed("");
    }
    let mut out = String::new();
    let mut used = 0;
    for c in line.chars() {
        let w = c.width().unwrap_or(0);
        if used + w > max - 1 {
            break;
        }
        used += w;
        out.push(c);
    }
    out.push('…');
    Cow::Owned(out)
}

/// User input echoed in a message: one line, at most 60 columns, quoted.
pub fn quoted(text: &str) -> String {
    format!("\"{}\"", fit(text, 60))
}

/// A count with its noun, singular or plural: "1 touch", "3 touches".
pub fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// How long ago, in the largest whole unit: `12m ago`, `5h ago`, `3d ago`.
pub fn ago(since: chrono::DateTime<chrono::Utc>, now: chrono::DateTime<chrono::Utc>) -> String {
    let mins = (now - since).num_minutes().max(0);
    match mins {
        0..=59 => format!("{mins}m ago"),
        60..=2879 => format!("{}h ago", mins / 60),
        _ => format!("{}d ago", mins / 1440),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_sequences_become_visible_symbols() {
        let evil = "Evil \u{1b}]52;c;cHduZWQ=\u{7}\u{1b}]0;pwned\u{7} Co";
        let shown = clean(evil);
        assert_eq!(shown, "Evil ␛]52;c;cHduZWQ=␇␛]0;pwned␇ Co");
        assert!(!shown.chars().any(char::is_control));
    }

    #[test]
    fn c1_controls_del_and_bidi_overrides_are_neutralised() {
        assert_eq!(clean("a\u{9b}31mb\u{7f}"), "a\u{FFFD}31mb␡");
        assert_eq!(clean("invoice\u{202E}fdp.exe"), "invoice\u{FFFD}fdp.exe");
        assert_eq!(clean("x\u{2066}y\u{2069}"), "x\u{FFFD}y\u{FFFD}");
    }

    #[test]
    fn line_breaks_and_tabs_stay_in_clean_text() {
        assert_eq!(clean("a\nb\r\nc\td"), Cow::<str>::Borrowed("a\nb\r\nc\td"));
        assert_eq!(clean("old\rmac"), "old\nmac");
        assert_eq!(clean("plain"), Cow::<str>::Borrowed("plain"));
    }

    #[test]
    fn one_line_turns_breaks_into_single_spaces() {
        assert_eq!(one_line("VP Sales,\r\nAmericas"), "VP Sales, Americas");
        assert_eq!(one_line("a\t\tb\u{2028}c"), "a b c");
        assert_eq!(one_line("bell\u{7}"), "bell␇");
        assert_eq!(one_line("plain"), "plain");
    }

    #[test]
    fn fit_cuts_by_display_width_with_an_ellipsis() {
        assert_eq!(fit("Savanna Freight Ltd", 10), "Savanna F…");
        assert_eq!(fit("王伟王伟王伟", 5), "王伟…");
        assert_eq!(fit("short", 10), "short");
        assert_eq!(fit("anything", 0), "");
        assert_eq!(width("王伟ab"), 6);
    }
}
