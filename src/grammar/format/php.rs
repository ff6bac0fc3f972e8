//! The PHP SDK's exception message: `Error executing "Op" on "https://svc..."; AWS HTTP error:
//! ...`. The code after it is read by the exception format.

use super::lex::{is_uuid, quoted, status, trim_trailing};
use super::piece::{Field, Piece, Strength};
use super::{error_pieces, Format};

pub(super) static FORMAT: Format = Format {
    name: "php-sdk",
    sample: "php-sdk.txt",
    ebnf: ("misc.ebnf", "PHP SDK"),
    anchors: |add| add("Error executing \"", 0),
    triggers: |add| add("Error executing"),
    parse: |ev, at, _, _| php_at(ev.text, at),
    repeats: error_pieces,
    aws_shape: |_| true,
    ..Format::DEFAULT
};

/// PHP SDK: `Error executing "Op" on "https://svc..."; AWS HTTP error: ...`.
fn php_at(text: &str, at: usize) -> Option<Piece<'_>> {
    let r = text[at..].strip_prefix("Error executing ")?;
    let (_, op) = quoted(r).ok()?;
    let mut p = Piece::new(at, at, Strength::Context, "other-sdk", 55);
    p.set(Field::Operation, op);
    let line_end = text[at..].find('\n').map(|e| e + at).unwrap_or(text.len());
    let body = &text[at..line_end];
    if let Some(pos) = body.find("resulted in a `") {
        if let Ok((_, n)) = status(&body[pos + 15..]) {
            p.set_status(n);
        }
    }
    // The XML body is flattened into the message; its last token is the request id.
    if let Some(last) = body.split_whitespace().last() {
        let last = trim_trailing(last);
        if is_uuid(last) {
            p.set(Field::RequestId, last);
        }
    }
    p.end = line_end;
    Some(p)
}
