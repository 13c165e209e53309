//! A seeded byte mutator: starts from a target's seed inputs and applies a
//! few random edits (flip, insert a token, delete, duplicate, splice,
//! swap a number for an extreme one). Same seed, same cases.

use playbook::demo::Rng;

/// Text that has broken parsers before, or is built to: extreme numbers,
/// control characters, quotes and separators, format keywords.
pub const COMMON_TOKENS: &[&str] = &[
    "0",
    "-1",
    "1",
    "4294967295",
    "4294967296",
    "18446744073709551615",
    "9223372036854775807",
    "-9223372036854775808",
    "200000000000",
    "99999999",
    "1e309",
    "nan",
    "inf",
    "-0",
    "0.5",
    "\u{1b}]52;c;cHduZWQ=\u{7}",
    "\u{1b}[2J",
    "\u{9b}",
    "\u{202e}",
    "\u{2066}",
    "\0",
    "\r",
    "\n",
    "\r\n",
    "\t",
    "\"",
    "'",
    "=",
    "+",
    "-",
    "@",
    ",",
    ";",
    "..",
    "/",
    "\\",
    "{",
    "}",
    "[",
    "]",
    "|",
    ":",
    "#",
    " ",
    "2999-12-31",
    "0000-01-01",
    "1969-12-31",
    "262143-12-31",
    "2026-02-29",
    "2026-03-29",
    "24:00",
    "23:59",
    "00:00",
    "25:61",
    "d",
    "h",
    "m",
    "30d",
    "3660d",
    "9999999d",
    "today",
    "王伟",
    "🙂",
    "é",
    "\u{fe0f}",
    "Europe/Berlin",
    "Pacific/Chatham",
    "Asia/Kathmandu",
    "Mars/Base",
    "UTC",
];

pub struct Mutator {
    rng: Rng,
    seeds: Vec<Vec<u8>>,
}

impl Mutator {
    pub fn new(seed: u64, seeds: Vec<Vec<u8>>) -> Mutator {
        Mutator { rng: Rng::new(seed), seeds }
    }

    pub fn coin(&mut self) -> bool {
        self.rng.chance(0.5)
    }

    pub fn below(&mut self, n: usize) -> usize {
        self.rng.below(n as u64) as usize
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        self.rng.pick(items)
    }

    fn token<'a>(&mut self, extra: &'a [&'a str]) -> &'a str {
        if !extra.is_empty() && self.coin() {
            extra[self.below(extra.len())]
        } else {
            COMMON_TOKENS[self.below(COMMON_TOKENS.len())]
        }
    }

    /// A seed input with 1-8 random edits, at most 8 KiB.
    pub fn next_case(&mut self, tokens: &[&str]) -> Vec<u8> {
        let mut case = if self.seeds.is_empty() { Vec::new() } else { self.pick(&self.seeds.clone()).clone() };
        for _ in 0..=self.below(8) {
            self.edit(&mut case, tokens);
        }
        case.truncate(8 * 1024);
        case
    }

    /// A random cut point at a UTF-8 boundary when the case is text.
    fn point(&mut self, case: &[u8]) -> usize {
        let mut at = self.below(case.len() + 1);
        while at < case.len() && (case[at] & 0xC0) == 0x80 {
            at += 1;
        }
        at
    }

    fn edit(&mut self, case: &mut Vec<u8>, tokens: &[&str]) {
        match self.below(9) {
            0 if !case.is_empty() => {
                let at = self.below(case.len());
                case[at] ^= 1 << self.below(8);
            }
            1 | 2 => {
                let at = self.point(case);
                let token = self.token(tokens).as_bytes().to_vec();
                case.splice(at..at, token);
            }
            3 if !case.is_empty() => {
                let from = self.point(case);
                let to = (from + 1 + self.below(32)).min(case.len());
                case.drain(from..to);
            }
            4 if !case.is_empty() => {
                let from = self.point(case);
                let to = (from + 1 + self.below(64)).min(case.len());
                let piece = case[from..to].to_vec();
                let times = 1 + self.below(4);
                let at = self.point(case);
                for _ in 0..times {
                    case.splice(at..at, piece.iter().copied());
                }
            }
            5 if !self.seeds.is_empty() => {
                let other = self.pick(&self.seeds.clone()).clone();
                let from = self.point(&other);
                let to = (from + self.below(256)).min(other.len());
                let at = self.point(case);
                case.splice(at..at, other[from..to].iter().copied());
            }
            6 => {
                // A run of digits becomes an extreme number.
                let digits: Vec<usize> = (0..case.len()).filter(|i| case[*i].is_ascii_digit()).collect();
                if let Some(&start) = digits.get(self.below(digits.len().max(1))) {
                    let end = (start..case.len()).find(|i| !case[*i].is_ascii_digit()).unwrap_or(case.len());
                    let number =
                        *self.pick(&["0", "4294967295", "18446744073709551615", "99999999", "-1", "2147483648"]);
                    case.splice(start..end, number.bytes());
                }
            }
            7 if !case.is_empty() => {
                let at = self.point(case);
                case.truncate(at);
            }
            _ => {
                let at = self.point(case);
                let byte = *self.pick(&[0u8, 0x1b, 0x7f, 0xff, 0xc3, b'"', b'\n', b'\r', b',', b'=']);
                case.insert(at, byte);
            }
        }
    }
}
