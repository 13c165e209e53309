//! The store's SQL is written once, as SQLite reads it; this turns a query
//! into PostgreSQL's words. Only what the store uses is covered, and the
//! rewrite is by tokens, never inside a quoted literal or name:
//!
//! - `?N` and `?` placeholders become `$N`, named `:name` ones are numbered
//!   by first appearance (callers pass them in that order);
//! - `LIKE` becomes `ILIKE` (SQLite's LIKE ignores ASCII case);
//! - `group_concat` → `string_agg`, `json_array` → `json_build_array`;
//! - `INSERT OR IGNORE` → `INSERT ... ON CONFLICT DO NOTHING`.
//!
//! - `x = ?N COLLATE NOCASE` → `lower(x) = lower($N COLLATE "C")` (the PostgreSQL
//!   schema's text is `COLLATE "C"`, where lower() folds ASCII only, as
//!   SQLite's NOCASE does).

/// The PostgreSQL text of one SQLite query.
pub fn postgres(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len() + 16);
    let mut named: Vec<String> = Vec::new();
    let mut next_anonymous = 0usize;
    let mut or_ignore = false;
    let chars: Vec<char> = sql.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\'' | '"' => {
                // A quoted literal or name, copied as is ('' and "" escape).
                out.push(c);
                i += 1;
                while i < chars.len() {
                    out.push(chars[i]);
                    if chars[i] == c {
                        if chars.get(i + 1) == Some(&c) {
                            out.push(c);
                            i += 2;
                            continue;
                        }
                        i += 1;
                        break;
                    }
                    i += 1;
                }
            }
            '-' if chars.get(i + 1) == Some(&'-') => {
                while i < chars.len() && chars[i] != '\n' {
                    out.push(chars[i]);
                    i += 1;
                }
            }
            '/' if chars.get(i + 1) == Some(&'*') => {
                let end = (i + 2..chars.len().saturating_sub(1))
                    .find(|&j| chars[j] == '*' && chars[j + 1] == '/')
                    .map_or(chars.len(), |j| j + 2);
                out.extend(&chars[i..end]);
                i = end;
            }
            // SQLite's `GROUP BY +col` (a planner hint) is not PostgreSQL.
            '+' if out.trim_end().to_ascii_uppercase().ends_with(" BY") => i += 1,
            '?' => {
                let start = i + 1;
                let mut end = start;
                while end < chars.len() && chars[end].is_ascii_digit() {
                    end += 1;
                }
                if end > start {
                    let n: String = chars[start..end].iter().collect();
                    next_anonymous = next_anonymous.max(n.parse().unwrap_or(0));
                    out.push('$');
                    out.push_str(&n);
                } else {
                    next_anonymous += 1;
                    out.push_str(&format!("${next_anonymous}"));
                }
                i = end;
            }
            ':' if chars.get(i + 1).is_some_and(|n| n.is_ascii_alphabetic() || *n == '_')
                && (i == 0 || chars[i - 1] != ':') =>
            {
                let start = i + 1;
                let mut end = start;
                while end < chars.len() && (chars[end].is_ascii_alphanumeric() || chars[end] == '_') {
                    end += 1;
                }
                let name: String = chars[start..end].iter().collect();
                let n = if let Some(p) = named.iter().position(|x| *x == name) {
                    p + 1
                } else {
                    named.push(name);
                    named.len()
                };
                out.push_str(&format!("${n}"));
                i = end;
            }
            c if c.is_ascii_alphabetic() || c == '_' => {
                let start = i;
                while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '_') {
                    i += 1;
                }
                let word: String = chars[start..i].iter().collect();
                let upper = word.to_ascii_uppercase();
                match upper.as_str() {
                    "LIKE" => out.push_str("ILIKE"),
                    "GROUP_CONCAT" => out.push_str("string_agg"),
                    "JSON_ARRAY" => out.push_str("json_build_array"),
                    "OR" if out.trim_end().to_ascii_uppercase().ends_with("INSERT")
                        && rest_starts_with(&chars, i, "IGNORE") =>
                    {
                        // `INSERT OR IGNORE`: drop `OR IGNORE`, add the clause at the end.
                        or_ignore = true;
                        i = skip_word(&chars, i);
                        // trim the space left before `OR`
                        while out.ends_with(' ') {
                            out.pop();
                        }
                    }
                    _ => out.push_str(&word),
                }
            }
            _ => {
                out.push(c);
                i += 1;
            }
        }
    }
    let out = nocase(&out);
    if or_ignore {
        let trimmed = out.trim_end().trim_end_matches(';').trim_end().to_string();
        // Before a RETURNING clause when there is one.
        match trimmed.to_ascii_uppercase().rfind("RETURNING") {
            Some(at) => {
                let (head, tail) = trimmed.split_at(at);
                return format!("{head} ON CONFLICT DO NOTHING {tail}");
            }
            None => return format!("{trimmed} ON CONFLICT DO NOTHING"),
        }
    }
    out
}

/// `x = $N COLLATE NOCASE` → `lower(x) = lower($N)`, for a column path `x`.
fn nocase(sql: &str) -> String {
    const MARK: &str = " COLLATE NOCASE";
    let mut out = sql.to_string();
    while let Some(at) = out.to_ascii_uppercase().find(MARK) {
        let before = &out[..at];
        let param_start = before.rfind('$').filter(|p| before[p + 1..].chars().all(|c| c.is_ascii_digit()));
        let rewritten = param_start.and_then(|p| {
            let param = &before[p..];
            let left = before[..p].trim_end().strip_suffix('=')?.trim_end();
            let start = left.rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.')).map_or(0, |i| i + 1);
            let column = &left[start..];
            (!column.is_empty()).then(|| format!("{}lower({column}) = lower({param} COLLATE \"C\")", &left[..start]))
        });
        match rewritten {
            Some(text) => out = format!("{text}{}", &out[at + MARK.len()..]),
            // Not a form this rewrite knows: PostgreSQL will say so.
            None => break,
        }
    }
    out
}

/// The `:name` parameters of a query in order of first appearance: the
/// numbers SQLite and the rewrite above give them.
pub fn named_order(sql: &str) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    let chars: Vec<char> = sql.chars().collect();
    let mut quote: Option<char> = None;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if let Some(q) = quote {
            quote = (c != q).then_some(q);
        } else if c == '\'' || c == '"' {
            quote = Some(c);
        } else if c == '-' && chars.get(i + 1) == Some(&'-') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
            continue;
        } else if c == ':' && chars.get(i + 1) == Some(&':') {
            // A cast, `v::text`.
            i += 2;
            continue;
        } else if c == ':' && chars.get(i + 1).is_some_and(|n| n.is_ascii_alphabetic() || *n == '_') {
            let start = i + 1;
            let mut end = start;
            while end < chars.len() && (chars[end].is_ascii_alphanumeric() || chars[end] == '_') {
                end += 1;
            }
            let name: String = chars[start..end].iter().collect();
            if !names.contains(&name) {
                names.push(name);
            }
            i = end;
            continue;
        }
        i += 1;
    }
    names
}

/// Whether the next word after `i` (skipping spaces) is `word`.
fn rest_starts_with(chars: &[char], i: usize, word: &str) -> bool {
    let mut j = i;
    while j < chars.len() && chars[j].is_whitespace() {
        j += 1;
    }
    let end = (j + word.len()).min(chars.len());
    let found: String = chars[j..end].iter().collect();
    found.eq_ignore_ascii_case(word) && chars.get(end).is_none_or(|c| !c.is_ascii_alphanumeric())
}

/// The index just past the next word after `i`.
fn skip_word(chars: &[char], i: usize) -> usize {
    let mut j = i;
    while j < chars.len() && chars[j].is_whitespace() {
        j += 1;
    }
    while j < chars.len() && (chars[j].is_ascii_alphanumeric() || chars[j] == '_') {
        j += 1;
    }
    j
}

#[cfg(test)]
mod tests {
    use super::postgres;

    #[test]
    fn placeholders_are_numbered_and_literals_kept() {
        assert_eq!(
            postgres("SELECT a FROM t WHERE b = ?1 AND c = '?2' AND d = ?"),
            "SELECT a FROM t WHERE b = $1 AND c = '?2' AND d = $2"
        );
        assert_eq!(postgres("WHERE (:a IS NULL OR x = :a) AND y = :b"), "WHERE ($1 IS NULL OR x = $1) AND y = $2");
        assert_eq!(
            postgres("SELECT 'it''s :x' FROM t WHERE v::text = ?1"),
            "SELECT 'it''s :x' FROM t WHERE v::text = $1"
        );
    }

    #[test]
    fn sqlite_words_become_postgres_words() {
        assert_eq!(postgres("WHERE name LIKE ?1 ESCAPE '\\'"), "WHERE name ILIKE $1 ESCAPE '\\'");
        assert_eq!(
            postgres("INSERT OR IGNORE INTO t (a) VALUES (?1)"),
            "INSERT INTO t (a) VALUES ($1) ON CONFLICT DO NOTHING"
        );
        assert_eq!(
            postgres("INSERT OR IGNORE INTO t (a) VALUES (?1) RETURNING id"),
            "INSERT INTO t (a) VALUES ($1)  ON CONFLICT DO NOTHING RETURNING id"
        );
        assert_eq!(postgres("SELECT group_concat(x, ',')"), "SELECT string_agg(x, ',')");
        assert_eq!(
            postgres("WHERE a.name = ?1 COLLATE NOCASE OR email = ?2 COLLATE NOCASE ORDER BY (a.domain = ?1 COLLATE NOCASE) DESC"),
            "WHERE lower(a.name) = lower($1 COLLATE \"C\") OR lower(email) = lower($2 COLLATE \"C\") \
             ORDER BY (lower(a.domain) = lower($1 COLLATE \"C\")) DESC"
        );
    }
}
