//! CloudFormation's resource handler messages: `Resource handler returned message: "..."
//! (RequestToken: T, HandlerErrorCode: C)` and the operation a handler names in `Invalid request
//! provided: Op error:`.

use super::piece::{Field, Piece, Strength};
use super::{Format, Marks};

pub(super) static HANDLER: Format = Format {
    name: "cloudformation",
    sample: "cloudformation.txt",
    ebnf: ("misc.ebnf", "CloudFormation resource handlers"),
    anchors: |add| add("HandlerErrorCode:", 0),
    marks: &[("Resource handler returned message", Marks::CFN)],
    triggers: |add| add("Resource handler returned"),
    parse: |ev, at, _, _| cfn_handler_code_at(ev.text, at),
    aws_shape: |_| true,
    keeps_wrapper_code: true,
    names_record_format: true,
    ..Format::DEFAULT
};

pub(super) static PROVIDED: Format = Format {
    name: "cloudformation operation",
    sample: "cloudformation-invalid-request.txt",
    ebnf: ("misc.ebnf", "CloudFormation resource handlers"),
    anchors: |add| add("Invalid request provided:", 0),
    parse: |ev, at, _, _| provided_op_at(ev.text, at),
    aws_shape: |_| true,
    ..Format::DEFAULT
};

/// CloudFormation: `Resource handler returned message: "..." (RequestToken: T, HandlerErrorCode: C)`.
fn cfn_handler_code_at(text: &str, at: usize) -> Option<Piece<'_>> {
    let r = text[at..].strip_prefix("HandlerErrorCode:")?.trim_start();
    let end = r
        .find(|c: char| !c.is_ascii_alphanumeric())
        .unwrap_or(r.len());
    let code = &r[..end];
    let mut p = Piece::new(at, at + 17 + end, Strength::Error, "cloudformation", 20);
    p.set(Field::WrapperCode, code).set(Field::ErrorCode, code);
    Some(p)
}

/// `Invalid request provided: CreateService error: ...` names the operation.
fn provided_op_at(text: &str, at: usize) -> Option<Piece<'_>> {
    let r = text[at..]
        .strip_prefix("Invalid request provided:")?
        .trim_start();
    let end = r.find(|c: char| !c.is_ascii_alphanumeric())?;
    if !r[end..].starts_with(" error:") || end == 0 {
        return None;
    }
    let mut p = Piece::new(at, at + end, Strength::Context, "cloudformation", 30);
    p.set(Field::Operation, &r[..end]);
    Some(p)
}
