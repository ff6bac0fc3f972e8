//! s3cmd: `S3 error: 403 (SignatureDoesNotMatch): message`, and older releases' `S3 error:
//! message`.

use super::lex::status;
use super::piece::{Field, Piece, Strength};
use super::{error_pieces, Format};

pub(super) static FORMAT: Format = Format {
    name: "s3cmd",
    sample: "s3cmd.txt",
    ebnf: ("misc.ebnf", "s3cmd"),
    anchors: |add| add("S3 error: ", 0),
    triggers: |add| add("S3 error"),
    parse: |ev, at, _, _| s3cmd_at(ev.text, at),
    repeats: error_pieces,
    aws_shape: |_| true,
    ..Format::DEFAULT
};

/// s3cmd: `S3 error: 403 (SignatureDoesNotMatch): message`.
fn s3cmd_at(text: &str, at: usize) -> Option<Piece<'_>> {
    let r = text[at..].strip_prefix("S3 error: ")?;
    let Ok((r, n)) = status(r) else {
        // Older s3cmd releases print the message alone: `S3 error: Access Denied`.
        let msg = r.lines().next().unwrap_or("").trim();
        if msg.is_empty() || !msg.as_bytes()[0].is_ascii_uppercase() {
            return None;
        }
        let mut p = Piece::new(at, at + 10, Strength::Error, "other-sdk", 50);
        p.set(Field::Service, "S3").set(Field::Message, msg);
        return Some(p);
    };
    let r = r.strip_prefix(" (")?;
    let end = r.find(')')?;
    let mut p = Piece::new(at, at + 10, Strength::Error, "other-sdk", 50);
    p.set(Field::Service, "S3")
        .set_status(n)
        .set(Field::ErrorCode, &r[..end]);
    if let Some(m) = r[end..].strip_prefix("): ") {
        p.set(Field::Message, m.lines().next().unwrap_or(""));
    }
    Some(p)
}
