//! Content templates: text with `{placeholder}` fields filled from the player
//! and the account. A field that cannot be filled is an error, never a blank
//! in front of a prospect; `{trigger|your news}` gives a fallback.

use std::fmt;

/// A value a template can ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    FirstName,
    LastName,
    Name,
    Title,
    Account,
    Industry,
    Region,
    Trigger,
    Rep,
}

impl Field {
    const NAMES: [(&'static str, Field); 9] = [
        ("first_name", Field::FirstName),
        ("last_name", Field::LastName),
        ("name", Field::Name),
        ("title", Field::Title),
        ("account", Field::Account),
        ("industry", Field::Industry),
        ("region", Field::Region),
        ("trigger", Field::Trigger),
        ("rep", Field::Rep),
    ];

    fn parse(name: &str) -> Option<Field> {
        Field::NAMES.iter().find(|(n, _)| *n == name).map(|(_, f)| *f)
    }

    pub fn name(self) -> &'static str {
        Field::NAMES.iter().find(|(_, f)| *f == self).map_or("?", |(n, _)| n)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Text(String),
    Field { field: Field, fallback: Option<String> },
}

/// A parsed template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    parts: Vec<Part>,
}

/// Why a template's text is not a valid template.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TemplateError {
    #[error("unknown placeholder {{{0}}} (known: first_name, last_name, name, title, account, industry, region, trigger, rep)")]
    UnknownField(String),
    #[error("a `{{` is never closed (write `{{{{` for a literal brace)")]
    Unclosed,
    #[error("a `}}` has no opening brace (write `}}}}` for a literal brace)")]
    StrayClose,
}

/// The values available for one player at one account; `None` = unknown.
#[derive(Debug, Clone, Default)]
pub struct Context<'a> {
    pub first_name: Option<&'a str>,
    pub last_name: Option<&'a str>,
    pub title: Option<&'a str>,
    pub account: Option<&'a str>,
    pub industry: Option<&'a str>,
    pub region: Option<&'a str>,
    pub trigger: Option<&'a str>,
    pub rep: Option<&'a str>,
}

impl Context<'_> {
    fn value(&self, field: Field) -> Option<String> {
        let some = |v: Option<&str>| v.map(str::trim).filter(|v| !v.is_empty()).map(str::to_string);
        match field {
            Field::FirstName => some(self.first_name),
            Field::LastName => some(self.last_name),
            Field::Name => {
                let joined = format!("{} {}", self.first_name.unwrap_or(""), self.last_name.unwrap_or(""));
                some(Some(joined.as_str()))
            }
            Field::Title => some(self.title),
            Field::Account => some(self.account),
            Field::Industry => some(self.industry),
            Field::Region => some(self.region),
            Field::Trigger => some(self.trigger),
            Field::Rep => some(self.rep),
        }
    }
}

/// A placeholder with no value and no fallback.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{{{}}} has no value for this player and no fallback (write {{{}|fallback text}})", .0.name(), .0.name())]
pub struct MissingField(pub Field);

impl Template {
    pub fn parse(text: &str) -> Result<Template, TemplateError> {
        let mut parts = Vec::new();
        let mut literal = String::new();
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '{' if chars.peek() == Some(&'{') => {
                    chars.next();
                    literal.push('{');
                }
                '}' if chars.peek() == Some(&'}') => {
                    chars.next();
                    literal.push('}');
                }
                '}' => return Err(TemplateError::StrayClose),
                '{' => {
                    let mut inner = String::new();
                    loop {
                        match chars.next() {
                            Some('}') => break,
                            Some(ch) => inner.push(ch),
                            None => return Err(TemplateError::Unclosed),
                        }
                    }
                    let (name, fallback) = match inner.split_once('|') {
                        Some((n, f)) => (n.trim(), Some(f.to_string())),
                        None => (inner.trim(), None),
                    };
                    let field = Field::parse(name).ok_or_else(|| TemplateError::UnknownField(name.to_string()))?;
                    if !literal.is_empty() {
                        parts.push(Part::Text(std::mem::take(&mut literal)));
                    }
                    parts.push(Part::Field { field, fallback });
                }
                _ => literal.push(c),
            }
        }
        if !literal.is_empty() {
            parts.push(Part::Text(literal));
        }
        Ok(Template { parts })
    }

    /// Fills every placeholder, or names the first that cannot be filled.
    pub fn render(&self, ctx: &Context<'_>) -> Result<String, MissingField> {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                Part::Text(text) => out.push_str(text),
                Part::Field { field, fallback } => match (ctx.value(*field), fallback) {
                    (Some(value), _) => out.push_str(&value),
                    (None, Some(fallback)) => out.push_str(fallback),
                    (None, None) => return Err(MissingField(*field)),
                },
            }
        }
        Ok(out)
    }

    /// Fields used without a fallback: each must have a value to send.
    pub fn required_fields(&self) -> impl Iterator<Item = Field> + '_ {
        self.parts.iter().filter_map(|p| match p {
            Part::Field { field, fallback: None } => Some(*field),
            _ => None,
        })
    }
}

impl fmt::Display for Template {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for part in &self.parts {
            match part {
                Part::Text(text) => f.write_str(&text.replace('{', "{{").replace('}', "}}"))?,
                Part::Field { field, fallback: None } => write!(f, "{{{}}}", field.name())?,
                Part::Field { field, fallback: Some(fb) } => write!(f, "{{{}|{fb}}}", field.name())?,
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx() -> Context<'static> {
        Context {
            first_name: Some("Jürgen"),
            last_name: Some("Weiß"),
            account: Some("Nordwind GmbH"),
            trigger: None,
            ..Context::default()
        }
    }

    #[test]
    fn fills_fields_and_keeps_unicode() {
        let t = Template::parse("Hallo {first_name}, {account} {{literal}}").expect("valid");
        assert_eq!(t.render(&ctx()).expect("filled"), "Hallo Jürgen, Nordwind GmbH {literal}");
    }

    #[test]
    fn missing_value_is_an_error_unless_a_fallback_is_given() {
        let strict = Template::parse("Saw {trigger}").expect("valid");
        assert_eq!(strict.render(&ctx()), Err(MissingField(Field::Trigger)));
        let lenient = Template::parse("Saw {trigger|your recent news}").expect("valid");
        assert_eq!(lenient.render(&ctx()).expect("filled"), "Saw your recent news");
    }

    #[test]
    fn unknown_or_broken_placeholders_are_rejected() {
        assert_eq!(Template::parse("Hi {firstname}"), Err(TemplateError::UnknownField("firstname".into())));
        assert_eq!(Template::parse("Hi {first_name"), Err(TemplateError::Unclosed));
        assert_eq!(Template::parse("Hi }"), Err(TemplateError::StrayClose));
    }

    #[test]
    fn display_round_trips() {
        let text = "Hi {first_name}, {{x}} {trigger|news}";
        let t = Template::parse(text).expect("valid");
        assert_eq!(t.to_string(), text);
    }
}
