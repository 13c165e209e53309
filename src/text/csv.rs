//! CSV as a spreadsheet will open it: every cell `clean`, and a cell that a
//! spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, CR first)
//! written with a leading `'`. Import takes that one `'` off again, so an
//! export imports back exactly.

use std::borrow::Cow;

/// First characters a spreadsheet treats as the start of a formula.
fn starts_formula(text: &str) -> bool {
    text.starts_with(['=', '+', '-', '@', '\t', '\r'])
}

/// A cell as written: guarded when it would start a formula, or when it is
/// itself a guarded-looking value (`'=x`), so that `unguard` gives it back.
pub fn guard(cell: &str) -> Cow<'_, str> {
    if starts_formula(cell.trim_start_matches('\'')) && (starts_formula(cell) || cell.starts_with('\'')) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// A cell as read: the one `'` a guarded export put in front of a formula
/// character taken off (`'=SUM(A1)` → `=SUM(A1)`); anything else as it is.
pub fn unguard(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if starts_formula(rest.trim_start_matches('\'')) => rest,
        _ => cell,
    }
}

/// A whole CSV document: a header, then the rows (their lengths may differ),
/// `\n` between records, no final line break.
pub fn document<S: AsRef<str>>(header: &[S], rows: impl IntoIterator<Item = Vec<String>>) -> String {
    let mut w = ::csv::WriterBuilder::new().flexible(true).from_writer(Vec::new());
    let mut write = |cells: &mut dyn Iterator<Item = &str>| {
        let record: Vec<String> = cells.map(|c| super::clean(&guard(c)).into_owned()).collect();
        // Writing into a Vec cannot fail.
        let _ = w.write_record(&record);
    };
    write(&mut header.iter().map(AsRef::as_ref));
    for row in rows {
        write(&mut row.iter().map(String::as_str));
    }
    let bytes = w.into_inner().unwrap_or_default();
    let text = String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
    text.trim_end_matches('\n').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_guarded_and_unguarded_exactly() {
        for value in ["=HYPERLINK(\"http://evil.example\",\"x\")", "+1 555 0100", "-5", "@SUM(A1)", "\tx", "\rx"] {
            let written = guard(value);
            assert!(written.starts_with('\''), "{value:?} → {written:?}");
            assert_eq!(unguard(&written), value);
        }
        for value in ["'t Hooft BV", "'=already", "''+x", "plain", "", "'", "O'Brien"] {
            assert_eq!(unguard(&guard(value)), value, "{value:?} round trip");
        }
        assert_eq!(guard("'t Hooft BV"), "'t Hooft BV", "a quote before a letter is data");
        assert_eq!(unguard("'=SUM(A1)"), "=SUM(A1)", "a CRM's own guard is taken off");
    }

    #[test]
    fn document_quotes_guards_and_cleans() {
        let text = document(
            &["name", "note"],
            [vec!["=cmd|' /C calc'!A0".into(), "line 1\nline 2 \u{1b}[2J".into()], vec!["x, \"y\"".into()]],
        );
        assert_eq!(text, "name,note\n'=cmd|' /C calc'!A0,\"line 1\nline 2 ␛[2J\"\n\"x, \"\"y\"\"\"");
    }
}
