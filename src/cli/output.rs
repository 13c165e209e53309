//! Output formats: aligned tables for people, JSON and CSV for scripts.

use crate::text;
use clap::ValueEnum;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Table,
    Json,
    Csv,
}

/// The widest a table cell gets; longer text is cut with an ellipsis, so a
/// huge CRM value cannot blow every row up to its width.
pub const CELL_MAX: usize = 64;

/// Left-aligned columns, two spaces apart, by display width; every cell on
/// one line and cut at `CELL_MAX` columns.
pub fn table(headers: &[&str], rows: &[Vec<String>]) -> String {
    let rows: Vec<Vec<String>> =
        rows.iter().map(|r| r.iter().map(|c| text::fit(c, CELL_MAX).into_owned()).collect()).collect();
    let mut widths: Vec<usize> = headers.iter().map(|h| text::width(h)).collect();
    for row in &rows {
        for (i, cell) in row.iter().enumerate() {
            if let Some(w) = widths.get_mut(i) {
                *w = (*w).max(text::width(cell));
            }
        }
    }
    let line = |cells: &[&str]| {
        let mut out = String::new();
        for (i, cell) in cells.iter().enumerate() {
            out.push_str(cell);
            if i + 1 < cells.len() {
                let pad = widths.get(i).map_or(0, |w| w.saturating_sub(text::width(cell))) + 2;
                out.push_str(&" ".repeat(pad));
            }
        }
        out.trim_end().to_string()
    };
    let mut out = vec![line(headers)];
    for row in &rows {
        out.push(line(&row.iter().map(String::as_str).collect::<Vec<_>>()));
    }
    out.join("\n")
}

/// CSV with a header row, guarded against spreadsheet formulas.
pub fn csv(headers: &[&str], rows: &[Vec<String>]) -> String {
    text::csv::document(headers, rows.iter().cloned())
}

/// Pretty JSON whose strings are safe to print.
pub fn json<T: serde::Serialize + ?Sized>(value: &T) -> anyhow::Result<String> {
    Ok(text::json::pretty(value)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_aligns_unicode_by_display_width() {
        let t = table(&["name", "n"], &[vec!["Weiß".into(), "1".into()], vec!["王伟".into(), "22".into()]]);
        assert_eq!(t, "name  n\nWeiß  1\n王伟  22");
    }

    #[test]
    fn long_cells_are_cut_with_an_ellipsis() {
        let t = table(&["name", "n"], &[vec!["x".repeat(10_000), "1".into()]]);
        let row = t.lines().nth(1).expect("row");
        assert!(row.starts_with(&format!("{}…  1", "x".repeat(CELL_MAX - 1))), "{row}");
    }

    #[test]
    fn csv_quotes_commas_and_quotes() {
        let c = csv(&["a"], &[vec!["x, \"y\"".into()]]);
        assert_eq!(c, "a\n\"x, \"\"y\"\"\"");
    }
}
