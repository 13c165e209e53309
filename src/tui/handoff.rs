//! Handing the selected touch to the program that does it: `y` puts it on
//! the terminal's clipboard (OSC 52, which tmux and SSH pass on), `g` opens
//! it with the system opener (`mailto:` in the mail client, `tel:` in the
//! phone app, the player's LinkedIn profile in the browser).
//!
//! What to hand over is decided here without I/O, for `update`; the app
//! writes the clipboard sequence and starts the opener.

use crate::domain::Channel;
use crate::engine::QueueItem;
use crate::text::{clean, count, one_line};
use std::fmt::Write as _;
use std::io;
use std::process::{Command, Stdio};

/// What goes out (clipboard text or a URI) and the status-bar sentence
/// that says so once it went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Handoff {
    pub payload: String,
    pub said: String,
}

/// The selected touch's rendered content, as the queue model holds it.
pub type Content = Option<Result<(Option<String>, String), String>>;

/// `y`: the phone number for a call, the LinkedIn URL for a LinkedIn or
/// social touch, otherwise (or when the player has neither) the rendered
/// subject and body.
pub fn copy(item: &QueueItem, content: &Content) -> Result<Handoff, String> {
    let row = &item.row;
    let who = one_line(&row.player_name);
    let channel = row.touch.channel;
    let mut missing = None;
    match channel {
        Channel::Call => match present(row.player_phone.as_deref()) {
            Some(phone) => {
                let phone = one_line(phone);
                return Ok(Handoff {
                    said: format!("to the clipboard: {who}'s phone number {phone}"),
                    payload: phone.into_owned(),
                });
            }
            None => missing = Some(format!("no phone number for {who}: ")),
        },
        Channel::Linkedin | Channel::Social => match row.player_linkedin.as_deref().map(linkedin_url) {
            Some(Ok(url)) => {
                return Ok(Handoff { said: format!("to the clipboard: {who}'s LinkedIn URL {url}"), payload: url })
            }
            Some(Err(e)) => missing = Some(format!("{e}: ")),
            None => missing = Some(format!("no LinkedIn URL for {who}: ")),
        },
        _ => {}
    }
    let (subject, body) = rendered(item, content)?;
    let text = match &subject {
        Some(subject) => format!("{subject}\n\n{body}"),
        None => body.clone(),
    };
    Ok(Handoff {
        said: format!(
            "{}to the clipboard: the {channel} to {who} (t{}: {})",
            missing.unwrap_or_default(),
            row.touch.id,
            shape(subject.as_deref(), &body)
        ),
        payload: text,
    })
}

/// `g`: a `mailto:` with subject and body for an email, `tel:` for a call,
/// `sms:` with the text for an SMS, the LinkedIn profile for a LinkedIn or
/// social touch.
pub fn open(item: &QueueItem, content: &Content) -> Result<Handoff, String> {
    let row = &item.row;
    let who = one_line(&row.player_name);
    let channel = row.touch.channel;
    let phone = || {
        let phone = present(row.player_phone.as_deref()).ok_or_else(|| format!("no phone number for {who}"))?;
        dial(phone).ok_or_else(|| format!("{who}'s phone number {} cannot be dialled", crate::text::quoted(phone)))
    };
    match channel {
        Channel::Email => {
            let address = present(row.player_email.as_deref()).ok_or_else(|| format!("no email address for {who}"))?;
            if !is_email(address) {
                return Err(format!("{who}'s email {} is not an address", crate::text::quoted(address)));
            }
            let (subject, body) = rendered(item, content)?;
            let mut uri = format!("mailto:{}?", percent_encode(address, b"@"));
            if let Some(subject) = &subject {
                let _ = write!(uri, "subject={}&", percent_encode(subject, b""));
            }
            let _ = write!(uri, "body={}", percent_encode(&crlf(&body), b""));
            Ok(Handoff {
                said: format!(
                    "in your mail client: mailto:{} ({})",
                    one_line(address),
                    shape(subject.as_deref(), &body)
                ),
                payload: uri,
            })
        }
        Channel::Call => {
            let number = phone()?;
            Ok(Handoff { said: format!("opened tel:{number} to call {who}"), payload: format!("tel:{number}") })
        }
        Channel::Sms => {
            let number = phone()?;
            let (_, body) = rendered(item, content)?;
            Ok(Handoff {
                said: format!("opened sms:{number} to text {who} ({})", shape(None, &body)),
                payload: format!("sms:{number}?body={}", percent_encode(&crlf(&body), b"")),
            })
        }
        Channel::Linkedin | Channel::Social => {
            let url = row.player_linkedin.as_deref().ok_or_else(|| format!("no LinkedIn URL for {who}"))?;
            let url = linkedin_url(url)?;
            Ok(Handoff { said: format!("opened {url} in your browser"), payload: url })
        }
        Channel::Ad | Channel::Video | Channel::Meeting => {
            Err(format!("a {channel} touch has nothing to open; copy its content instead"))
        }
    }
}

fn present(value: Option<&str>) -> Option<&str> {
    value.map(str::trim).filter(|v| !v.is_empty())
}

/// The subject (one line) and body, cleaned of control characters but for
/// line breaks and tabs, or why there is nothing to hand over.
fn rendered(item: &QueueItem, content: &Content) -> Result<(Option<String>, String), String> {
    match content {
        None => Err(format!("touch t{}'s content is still loading; try again", item.row.touch.id)),
        Some(Err(e)) => Err(format!("content cannot be filled: {e}")),
        Some(Ok((subject, body))) => {
            let subject = subject.as_deref().map(|s| one_line(s.trim()).into_owned()).filter(|s| !s.is_empty());
            let body = clean(body.trim()).replace("\r\n", "\n");
            if subject.is_none() && body.is_empty() {
                return Err(format!("touch t{} has no content", item.row.touch.id));
            }
            Ok((subject, body))
        }
    }
}

/// "subject and 12 lines", "3 lines".
fn shape(subject: Option<&str>, body: &str) -> String {
    let lines = count(body.lines().count(), "line", "lines");
    if subject.is_some() {
        format!("subject and {lines}")
    } else {
        lines
    }
}

/// Line breaks as URIs carry them (RFC 6068: CRLF).
fn crlf(text: &str) -> String {
    text.lines().collect::<Vec<_>>().join("\r\n")
}

fn is_email(text: &str) -> bool {
    let mut parts = text.split('@');
    let (Some(local), Some(domain), None) = (parts.next(), parts.next(), parts.next()) else { return false };
    !local.is_empty() && domain.contains('.') && !text.chars().any(|c| c.is_whitespace() || crate::text::is_unsafe(c))
}

/// A LinkedIn URL as stored, if it is a web address: `linkedin.com/in/x`
/// (as CRMs often keep it) gets `https://`; any other scheme is refused.
pub fn linkedin_url(stored: &str) -> Result<String, String> {
    let url = stored.trim();
    let bad = || format!("the LinkedIn URL {} is not an http(s) address", crate::text::quoted(url));
    if url.is_empty() || url.chars().any(|c| c.is_whitespace() || crate::text::is_unsafe(c)) {
        return Err(bad());
    }
    let lower = url.to_ascii_lowercase();
    if lower.starts_with("https://") || lower.starts_with("http://") {
        if url.len() > "https://".len() {
            return Ok(url.to_string());
        }
    } else if lower.starts_with("linkedin.com/") || lower.starts_with("www.linkedin.com/") {
        return Ok(format!("https://{url}"));
    }
    Err(bad())
}

/// A phone number for `tel:`: spaces and the usual separators (`-`, `.`,
/// brackets) dropped, a `+` kept in front, `x 12` / `ext. 12` as `;ext=12`.
pub fn dial(phone: &str) -> Option<String> {
    let lower = phone.to_ascii_lowercase();
    let (number, ext) = match lower.find("ext").or_else(|| lower.find('x')) {
        Some(i) => (&phone[..i], Some(phone[i..].trim_start_matches(|c: char| c.is_ascii_alphabetic() || c == '.'))),
        None => (phone, None),
    };
    let separator = |c: char| c.is_whitespace() || matches!(c, '-' | '.' | '(' | ')' | '/');
    let number: String = number.chars().filter(|c| !separator(*c)).collect();
    let digits = number.strip_prefix('+').unwrap_or(&number);
    if digits.len() < 3 || !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    match ext.map(str::trim) {
        None => Some(number),
        Some(ext) if !ext.is_empty() && ext.chars().all(|c| c.is_ascii_digit()) => Some(format!("{number};ext={ext}")),
        Some(_) => None,
    }
}

/// Percent-encodes every byte of UTF-8 but the unreserved characters of
/// RFC 3986 (letters, digits, `-._~`) and those in `keep`.
pub fn percent_encode(text: &str, keep: &[u8]) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) || keep.contains(&b) {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// Standard base64 (RFC 4648), padded.
pub fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[(n >> (18 - 6 * i)) as usize & 63]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// The escape sequence that sets the terminal's clipboard (OSC 52, ended
/// by ST). The text is cleaned first: line breaks and tabs stay, any other
/// control character becomes a visible symbol; base64 keeps it from ending
/// the sequence early in any case.
pub fn osc52(text: &str) -> String {
    format!("\u{1b}]52;c;{}\u{1b}\\", base64(clean(text).as_bytes()))
}

/// The program `g` hands a URI to, with the arguments before it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Opener {
    pub program: String,
    pub args: Vec<String>,
}

impl Opener {
    /// `PLAYBOOK_OPENER`, then `$BROWSER` (its first entry when it lists
    /// several, `:`-separated), then `xdg-open` (`open` on macOS). A `%s`
    /// in the command stands for the URI; without one the URI goes last.
    pub fn from_env() -> Opener {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        let command = var("PLAYBOOK_OPENER")
            .or_else(|| var("BROWSER").and_then(|b| b.split(':').map(str::to_string).find(|b| !b.trim().is_empty())));
        command.and_then(|c| Opener::parse(&c)).unwrap_or_else(Opener::system)
    }

    fn system() -> Opener {
        let program = if cfg!(target_os = "macos") { "open" } else { "xdg-open" };
        Opener { program: program.into(), args: vec![] }
    }

    /// A command line split at whitespace (no shell, no quoting).
    pub fn parse(command: &str) -> Option<Opener> {
        let mut words = command.split_whitespace().map(str::to_string);
        Some(Opener { program: words.next()?, args: words.collect() })
    }

    /// The program and its arguments for one URI.
    pub fn argv(&self, uri: &str) -> Vec<String> {
        let mut argv = vec![self.program.clone()];
        let mut placed = false;
        for arg in &self.args {
            if arg.contains("%s") {
                placed = true;
                argv.push(arg.replace("%s", uri));
            } else {
                argv.push(arg.clone());
            }
        }
        if !placed {
            argv.push(uri.to_string());
        }
        argv
    }

    /// Starts the opener detached (no terminal, its own process group) and
    /// returns at once; a thread reaps it when it exits.
    pub fn open(&self, uri: &str) -> io::Result<()> {
        let argv = self.argv(uri);
        let mut command = Command::new(&argv[0]);
        command.args(&argv[1..]).stdin(Stdio::null()).stdout(Stdio::null()).stderr(Stdio::null());
        #[cfg(unix)]
        {
            use std::os::unix::process::CommandExt as _;
            command.process_group(0);
        }
        let mut child = command.spawn()?;
        std::thread::spawn(move || {
            let _ = child.wait();
        });
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc_4648() {
        for (plain, encoded) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(plain.as_bytes()), encoded, "{plain}");
        }
        assert_eq!(base64(&[0xff, 0xfe, 0xfd]), "//79");
        assert_eq!(base64("Weiß".as_bytes()), "V2Vpw58=");
    }

    #[test]
    fn osc52_frames_the_clipboard_and_controls_cannot_break_out() {
        assert_eq!(osc52("hi\nyou"), "\u{1b}]52;c;aGkKeW91\u{1b}\\");
        let evil = osc52("a\u{1b}]0;pwned\u{7}\u{9c}b");
        // One ESC to open, one for ST: nothing from the text.
        assert_eq!(evil.matches('\u{1b}').count(), 2, "{evil:?}");
        let inner = evil.trim_start_matches("\u{1b}]52;c;").trim_end_matches("\u{1b}\\");
        assert!(inner.bytes().all(|b| b.is_ascii_alphanumeric() || b"+/=".contains(&b)), "{inner}");
        assert_eq!(inner, base64("a␛]0;pwned␇\u{FFFD}b".as_bytes()));
    }

    #[test]
    fn percent_encoding_keeps_only_unreserved_characters() {
        assert_eq!(percent_encode("Hi Jürgen & co?=#%+", b""), "Hi%20J%C3%BCrgen%20%26%20co%3F%3D%23%25%2B");
        assert_eq!(percent_encode("a-b_c.d~e", b""), "a-b_c.d~e");
        assert_eq!(percent_encode("j.weiss@nordwind.de", b"@"), "j.weiss@nordwind.de");
        assert_eq!(percent_encode("line\r\nnext", b""), "line%0D%0Anext");
    }

    #[test]
    fn phone_numbers_dial_without_separators() {
        assert_eq!(dial("+49 40 5550 1234").as_deref(), Some("+494055501234"));
        assert_eq!(dial("(415) 555-0134").as_deref(), Some("4155550134"));
        assert_eq!(dial("+1 415.555.0134 x 12").as_deref(), Some("+14155550134;ext=12"));
        assert_eq!(dial("+1 415 555 0134 ext. 7").as_deref(), Some("+14155550134;ext=7"));
        assert_eq!(dial("call reception"), None);
        assert_eq!(dial("+1 555 0134; rm -rf"), None);
    }

    #[test]
    fn linkedin_urls_must_be_web_addresses() {
        assert_eq!(linkedin_url(" https://www.linkedin.com/in/ana ").as_deref(), Ok("https://www.linkedin.com/in/ana"));
        assert_eq!(linkedin_url("linkedin.com/in/ana").as_deref(), Ok("https://linkedin.com/in/ana"));
        assert!(linkedin_url("javascript:alert(1)").is_err());
        assert!(linkedin_url("file:///etc/passwd").is_err());
        assert!(linkedin_url("-https://x").is_err());
        assert!(linkedin_url("https://x\u{1b}]0;y").is_err());
        assert!(linkedin_url("https://").is_err());
    }

    #[test]
    fn the_opener_takes_the_uri_last_or_at_percent_s() {
        let o = Opener::parse("firefox --new-tab").expect("command");
        assert_eq!(o.argv("https://x"), ["firefox", "--new-tab", "https://x"]);
        let o = Opener::parse("w3m -o x=1 %s").expect("command");
        assert_eq!(o.argv("https://x"), ["w3m", "-o", "x=1", "https://x"]);
        assert_eq!(Opener::parse("  "), None);
    }
}
