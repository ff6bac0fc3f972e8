//! Amazon's internal Coral clients: `while calling Op on Amazon::Coral::SvcClient`.

use super::piece::{Field, Piece, Strength};
use super::Format;

pub(super) static FORMAT: Format = Format {
    name: "coral",
    sample: "coral.txt",
    ebnf: ("misc.ebnf", "Small context pieces"),
    anchors: |add| add("while calling ", 0),
    triggers: |add| add("while calling "),
    parse: |ev, at, _, _| coral_at(ev.text, at),
    aws_shape: |_| true,
    ..Format::DEFAULT
};

/// Amazon Coral clients: `while calling Op on Amazon::Coral::SvcClient`.
fn coral_at(text: &str, at: usize) -> Option<Piece<'_>> {
    let r = text[at..].strip_prefix("while calling ")?;
    let op_end = r.find(' ')?;
    let op = &r[..op_end];
    let svc = r[op_end..].strip_prefix(" on Amazon::Coral::")?;
    let svc_end = svc.find("Client")?;
    let mut p = Piece::new(at, at + 14 + op_end, Strength::Context, "other-sdk", 30);
    p.set(Field::Operation, op)
        .set(Field::Service, &svc[..svc_end]);
    Some(p)
}
