//! Text shown on one line of a table or a screen.

use std::borrow::Cow;

/// Line breaks in stored text (a job title pasted from a CRM) become spaces
/// where it is shown; the stored value keeps them. Borrows when there are none.
pub fn one_line(text: &str) -> Cow<'_, str> {
    if text.contains(['\r', '\n']) {
        Cow::Owned(text.split(['\r', '\n']).filter(|p| !p.is_empty()).collect::<Vec<_>>().join(" "))
    } else {
        Cow::Borrowed(text)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn line_breaks_become_spaces() {
        assert_eq!(super::one_line("VP Sales,\r\nAmericas"), "VP Sales, Americas");
        assert_eq!(super::one_line("plain"), "plain");
    }
}
