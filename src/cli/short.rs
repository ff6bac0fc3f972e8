//! `--format short`: one line per error, like `aws logs tail --format short`:
//! when (or where, when the text gave no time), the code, who did what on what, and the id of
//! the first remedy (`awsplain explain ID` prints it in full).

use super::collapse::{code_of, place_of};
use super::output::{Sink, Style};
use super::words::{words, Words};
use awsplain::sanitize::for_terminal;
use awsplain::Record;
use colored::Colorize;
use std::io::{self, Write};

/// Characters of the message shown for an error that names no action.
const MESSAGE_CHARS: usize = 160;

pub struct ShortSink {
    out: Box<dyn Write>,
    style: Style,
    words: &'static Words,
}

impl ShortSink {
    pub fn new(out: Box<dyn Write>, style: Style, lang: awsplain::Lang) -> Self {
        ShortSink {
            out,
            style,
            words: words(lang),
        }
    }
}

impl Sink for ShortSink {
    fn record(&mut self, rec: &Record) -> io::Result<()> {
        writeln!(self.out, "{}", line(rec, self.style, self.words))
    }
    fn finish(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

/// The one line for `rec`, every value from the input escaped.
pub fn line(rec: &Record, style: Style, w: &Words) -> String {
    let p = |s: colored::ColoredString| style.paint(s);
    let mut parts = Vec::new();
    match rec.source.timestamp {
        Some(t) => parts.push(p(awsplain::time::format_rfc3339(t).dimmed())),
        None => {
            let place = place_of(rec);
            if !place.is_empty() {
                parts.push(p(flat(&place).dimmed()));
            }
        }
    }
    parts.push(p(flat(w.code(code_of(rec))).red().bold()));
    let mut what = String::new();
    if let Some(p) = &rec.principal {
        what.push_str(&flat(p));
        what.push_str(" → ");
    }
    match (&rec.action, &rec.operation) {
        (Some(a), _) => what.push_str(&flat(a)),
        (None, Some(o)) => {
            if let Some(s) = &rec.service {
                what.push_str(&flat(s));
                what.push(' ');
            }
            what.push_str(&flat(o));
        }
        (None, None) => {}
    }
    if let Some(r) = &rec.resource {
        what.push(' ');
        what.push_str(w.short_on);
        what.push(' ');
        what.push_str(&flat(r));
    }
    if rec.action.is_none() {
        if let Some(m) = rec
            .message
            .as_deref()
            .map(str::trim)
            .filter(|m| !m.is_empty())
        {
            let joined = m.replace(['\r', '\n'], " ");
            let short: String = joined.chars().take(MESSAGE_CHARS).collect();
            let ell = if short.len() < joined.len() {
                "…"
            } else {
                ""
            };
            if !what.is_empty() {
                what.push_str(": ");
            }
            what.push_str(&flat(&short));
            what.push_str(ell);
        }
    }
    if !what.is_empty() {
        parts.push(what);
    }
    if let Some(r) = rec.remedies.first() {
        parts.push(p(format!("[{}]", flat(&r.id)).green()));
    }
    parts.join("  ")
}

/// A value from the input on one line: escaped for a terminal, line breaks shown as `\n`.
fn flat(s: &str) -> String {
    for_terminal(s).replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn denial_on_one_line_with_time() {
        let mut r = Record {
            error_code: Some("AccessDenied".into()),
            principal: Some("arn:aws:iam::1:user/u".into()),
            action: Some("s3:GetObject".into()),
            resource: Some("arn:aws:s3:::b/k\nx".into()),
            ..Default::default()
        };
        r.source.timestamp = Some(1_000);
        r.remedies.push(awsplain::record::Remedy {
            id: "iam-allow".into(),
            ..Default::default()
        });
        assert_eq!(
            line(&r, Style::PLAIN, words(awsplain::Lang::En)),
            "1970-01-01T00:00:01.000Z  AccessDenied  arn:aws:iam::1:user/u → s3:GetObject on arn:aws:s3:::b/k\\nx  [iam-allow]"
        );
    }

    #[test]
    fn message_stands_in_for_the_action() {
        let mut r = Record {
            error_code: Some("ThrottlingException".into()),
            service: Some("cloudformation".into()),
            operation: Some("DescribeStacks".into()),
            message: Some("Rate\nexceeded".into()),
            ..Default::default()
        };
        r.source.name = "ci.log".into();
        r.source.line = Some(7);
        assert_eq!(
            line(&r, Style::PLAIN, words(awsplain::Lang::En)),
            "ci.log:7  ThrottlingException  cloudformation DescribeStacks: Rate exceeded"
        );
    }
}
