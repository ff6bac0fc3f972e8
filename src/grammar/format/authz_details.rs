//! What stands beside an authorization message: `throttled on A` (the action), EC2's
//! `Encoded authorization failure message: <blob>`, and newer messages' `authorization id`.

use super::piece::{Field, Piece, Strength};
use super::{head, Format};

pub(super) static THROTTLED: Format = Format {
    name: "throttled on",
    sample: "throttled-on.txt",
    ebnf: ("misc.ebnf", "Small context pieces"),
    anchors: |add| add("throttled on ", 0),
    parse: |ev, at, _, _| throttled_on_at(ev.text, at),
    ..Format::DEFAULT
};

pub(super) static ENCODED: Format = Format {
    name: "encoded authorization message",
    sample: "ec2-encoded.txt",
    ebnf: ("misc.ebnf", "Small context pieces"),
    anchors: |add| add(head("Encoded authorization failure message"), 0),
    triggers: |add| add("Encoded authorization"),
    parse: |ev, at, _, _| encoded_at(ev.text, at),
    aws_shape: |_| true,
    ..Format::DEFAULT
};

pub(super) static AUTHORIZATION_ID: Format = Format {
    name: "authorization id",
    sample: "authorization-id.txt",
    ebnf: ("misc.ebnf", "Small context pieces"),
    anchors: |add| add("authorization id", 0),
    parse: |ev, at, _, _| authorization_id_at(ev.text, at),
    ..Format::DEFAULT
};

/// `throttled on ec2:RunInstances` names the action.
fn throttled_on_at(text: &str, at: usize) -> Option<Piece<'_>> {
    let r = text[at..].strip_prefix("throttled on ")?;
    let (_, a) = super::authz::action(r).ok()?;
    let mut p = Piece::new(at, at + 13 + a.len(), Strength::Context, "plain", 30);
    p.set(Field::Action, a);
    Some(p)
}

/// `Encoded authorization failure message: <blob>` (EC2) — keep the blob for decoding.
fn encoded_at(text: &str, at: usize) -> Option<Piece<'_>> {
    const HEAD: &str = "Encoded authorization failure message";
    let r = text[at..].strip_prefix(HEAD)?;
    // The piece is the phrase and its colon; the character after it may be anything.
    let head_end = at + HEAD.len() + usize::from(r.starts_with(':'));
    let r = r.strip_prefix(':').unwrap_or(r).trim_start_matches(' ');
    let end = r
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
        .unwrap_or(r.len());
    let mut p = Piece::new(at, at, Strength::Context, "plain", 50);
    if end >= 16 {
        p.set(Field::EncodedMessage, &r[..end]);
    }
    p.end = head_end;
    Some(p)
}

/// `authorization id: <id>` after an authorization message.
fn authorization_id_at(text: &str, at: usize) -> Option<Piece<'_>> {
    let lower = &text[at..];
    let r = lower.get(16..)?;
    let r = r.strip_prefix(':').unwrap_or(r).trim_start();
    let end = r
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
        .unwrap_or(r.len());
    if end < 4 {
        return None;
    }
    let mut p = Piece::new(at, at + 16 + end, Strength::Context, "plain", 50);
    p.set(Field::AuthorizationId, &r[..end]);
    Some(p)
}
