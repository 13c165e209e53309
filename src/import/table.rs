//! A CSV file as CRMs export it: UTF-8 with or without a byte-order mark,
//! comma, semicolon or tab separated, quoted fields holding separators,
//! quotes and line breaks, LF or CRLF. Each record keeps the file line it
//! starts on (the header is line 1).

/// One record: its line, its cells as read, and why it cannot be used as a
/// row at all (wrong number of fields, not UTF-8).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub line: u64,
    pub cells: Vec<String>,
    pub problem: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    pub headers: Vec<String>,
    pub records: Vec<Record>,
}

/// The separator the header line uses most (outside quotes).
fn sniff(bytes: &[u8]) -> u8 {
    let mut counts = [(b',', 0), (b';', 0), (b'\t', 0)];
    let mut quoted = false;
    for &b in bytes {
        if b == b'\n' && !quoted {
            break;
        }
        if b == b'"' {
            quoted = !quoted;
        } else if !quoted {
            if let Some(c) = counts.iter_mut().find(|(d, _)| *d == b) {
                c.1 += 1;
            }
        }
    }
    counts.iter().max_by_key(|(_, n)| *n).filter(|(_, n)| *n > 0).map_or(b',', |(d, _)| *d)
}

/// File line of a byte offset, counted forward from the last one asked.
struct LineCounter<'a> {
    bytes: &'a [u8],
    offset: usize,
    line: u64,
}

impl LineCounter<'_> {
    fn at(&mut self, offset: u64) -> u64 {
        let mut start = usize::try_from(offset).unwrap_or(usize::MAX).min(self.bytes.len());
        // A record starts after the line break that ended the previous one.
        while start < self.bytes.len() && matches!(self.bytes[start], b'\r' | b'\n') {
            start += 1;
        }
        if start > self.offset {
            // LF, CRLF and a lone CR (old spreadsheet exports) each end a line.
            let span = &self.bytes[self.offset..start];
            let breaks = span
                .iter()
                .enumerate()
                .filter(|(i, b)| **b == b'\n' || (**b == b'\r' && span.get(i + 1) != Some(&b'\n')))
                .count();
            self.line += breaks as u64;
            self.offset = start;
        }
        self.line
    }
}

pub fn read(bytes: &[u8]) -> Result<Table, String> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err("the file is empty: it needs a header line and rows".into());
    }
    let mut reader =
        csv::ReaderBuilder::new().delimiter(sniff(bytes)).flexible(true).has_headers(true).from_reader(bytes);
    let headers = reader.byte_headers().map_err(|e| format!("line 1: {e}"))?.clone();
    let headers: Vec<String> = headers
        .iter()
        .enumerate()
        .map(|(i, h)| String::from_utf8(h.to_vec()).map_err(|_| format!("line 1, column {}: not UTF-8 text", i + 1)))
        .collect::<Result<_, _>>()?;
    if headers.iter().all(|h| h.trim().is_empty()) {
        return Err("line 1: the header names no column".into());
    }
    let mut records = Vec::new();
    let mut record = csv::ByteRecord::new();
    // Lines are counted here from byte offsets: the csv crate's own line
    // numbers are off by one after a CRLF header.
    let mut lines = LineCounter { bytes, offset: 0, line: 1 };
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                let line = lines.at(record.position().map_or(0, csv::Position::byte));
                // A blank line between rows is not a row.
                if record.len() == 1 && record[0].iter().all(u8::is_ascii_whitespace) {
                    continue;
                }
                let mut problem = (record.len() != headers.len()).then(|| {
                    let fields = crate::text::count(record.len(), "field", "fields");
                    format!("the row has {fields}, the header has {}", headers.len())
                });
                let mut cells = Vec::with_capacity(record.len());
                for (i, c) in record.iter().enumerate() {
                    let cell = String::from_utf8(c.to_vec()).unwrap_or_else(|e| {
                        let column = headers.get(i).map_or("", |h| h.trim());
                        problem.get_or_insert_with(|| format!("column \"{column}\" is not UTF-8 text"));
                        String::from_utf8_lossy(e.as_bytes()).into_owned()
                    });
                    // Our exports guard formulas with a `'`; take it off.
                    let unguarded = crate::text::csv::unguard(&cell);
                    cells.push(if unguarded.len() == cell.len() { cell } else { unguarded.to_string() });
                }
                records.push(Record { line, cells, problem });
            }
            Err(e) => {
                let line = lines.at(e.position().map_or(0, csv::Position::byte));
                return Err(format!("line {line}: {e}"));
            }
        }
    }
    Ok(Table { headers, records })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bom_semicolons_quotes_and_crlf() {
        let text = "\u{feff}Name;Note\r\n\"Müller; Söhne\";\"said \"\"hi\"\"\r\nthen left\"\r\n北京公司;x\r\n";
        let t = read(text.as_bytes()).expect("table");
        assert_eq!(t.headers, vec!["Name", "Note"]);
        assert_eq!(t.records[0].cells, vec!["Müller; Söhne".to_string(), "said \"hi\"\r\nthen left".to_string()]);
        assert_eq!(t.records[0].line, 2);
        assert_eq!(t.records[1].line, 4, "the quoted line break moves the next record down a line");
        assert_eq!(t.records[1].cells, vec!["北京公司".to_string(), "x".to_string()]);
    }

    #[test]
    fn lone_carriage_returns_end_lines_too() {
        let t = read(b"a,b\r1,2\r3,4\r").expect("table");
        assert_eq!(t.records.iter().map(|r| r.line).collect::<Vec<_>>(), vec![2, 3]);
    }

    #[test]
    fn blank_lines_are_skipped_but_counted() {
        let t = read(b"a,b\n1,2\n\n3,4\n").expect("table");
        assert_eq!(t.records.iter().map(|r| r.line).collect::<Vec<_>>(), vec![2, 4]);
    }

    #[test]
    fn a_short_row_is_named_not_dropped() {
        let t = read(b"a,b,c\n1,2,3\n4,5\n").expect("table");
        let problem = Some("the row has 2 fields, the header has 3".to_string());
        assert_eq!(t.records[1], Record { line: 3, cells: vec!["4".into(), "5".into()], problem });
    }
}
