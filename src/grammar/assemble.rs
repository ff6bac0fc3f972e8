//! The assembly of a record from its group of pieces: for each field the most trusted piece
//! wins; then the resource a message names and the record's format.

use super::anchors::Marks;
use super::format::terraform;
use super::piece::{Field, Strength, STRING_FIELDS};
use super::resource::{message_resource, sole_arn};
use super::Found;
use crate::record::{Record, Span};

/// Build the record from its pieces: for each field the most trusted piece wins.
pub(super) fn assemble(text: &str, marks: Marks, found: &[Found<'_>], group: &[usize]) -> Record {
    let pieces = || group.iter().map(|&i| &found[i]);
    let mut rec = Record::default();
    // For each field, the value of the highest-ranked piece that has one (the first of equal
    // ranks), found in one pass over the pieces' values.
    let mut by_field: [Option<(u8, &str, usize)>; STRING_FIELDS.len()] =
        [None; STRING_FIELDS.len()];
    for (n, p) in pieces().enumerate() {
        for (f, v) in p.piece.values.iter() {
            let slot = &mut by_field[f as usize];
            if !matches!(slot, Some((r, _, _)) if *r >= p.piece.rank) {
                *slot = Some((p.piece.rank, v, n));
            }
        }
    }
    let best = |f: Field| by_field[f as usize].map(|(_, v, _)| v);
    let own = |v: Option<&str>| v.map(str::to_string);
    rec.error_code = own(best(Field::ErrorCode));
    rec.wrapper_code = own(best(Field::WrapperCode));
    if rec.wrapper_code == rec.error_code && !pieces().any(|p| p.kind.format.keeps_wrapper_code) {
        rec.wrapper_code = None;
    }
    rec.service = own(best(Field::Service));
    rec.operation = own(best(Field::Operation));
    rec.status_code = best(Field::StatusCode).and_then(|s| s.parse().ok());
    rec.request_id = own(best(Field::RequestId));
    rec.message = own(best(Field::Message).map(|m| super::repair::message_end(text, m)));
    rec.principal = own(best(Field::Principal));
    rec.action = own(best(Field::Action));
    rec.resource = own(best(Field::Resource));
    rec.policy_arn = own(best(Field::PolicyArn));
    rec.encoded_message = own(best(Field::EncodedMessage));
    rec.authorization_id = own(best(Field::AuthorizationId));
    // Only the authorization sentence says these.
    if let Some(a) = pieces().find(|p| p.piece.deny.is_some() || p.piece.policy_type.is_some()) {
        rec.deny = a.piece.deny;
        rec.policy_type = a.piece.policy_type;
    }
    if rec.resource.is_none() && marks.has(Marks::RESOURCE) {
        rec.resource = pieces()
            .filter_map(|p| p.piece.get(Field::Message))
            .find_map(message_resource)
            .map(str::to_string);
    }
    // The span covers the error's own pieces and the context that gave a field: a context
    // piece nearby that gave nothing (`Key="k"` in a traceback's source line) would move the
    // record's line away from the error.
    let gave = |n: usize| {
        by_field
            .iter()
            .any(|s| matches!(s, Some((_, _, w)) if *w == n))
    };
    let spanned = || {
        pieces()
            .enumerate()
            .filter(|&(n, p)| p.piece.strength == Strength::Error || gave(n))
            .map(|(_, p)| p)
    };
    let start = spanned().map(|p| p.piece.start).min().unwrap_or(0);
    let end = spanned()
        .map(|p| p.piece.end)
        .max()
        .unwrap_or(start)
        .max(start);
    if rec.resource.is_none() && marks.has(Marks::TF_ADDRESS) {
        rec.resource = terraform::address(text, start);
    }
    if rec.resource.is_none() {
        rec.resource = rec
            .message
            .as_deref()
            .and_then(|m| sole_arn(m, rec.principal.as_deref()))
            .map(str::to_string);
    }
    // The error's whole lines: a CloudTrail event names the provider before its error.
    let line_end = memchr::memchr(b'\n', &text.as_bytes()[end..]).map_or(text.len(), |i| end + i);
    let lines = &text[super::lex::line_start(text, start)..line_end];
    rec.oidc_issuer = crate::service::web_identity_issuer(&rec, lines);
    rec.format = Some(format_of(marks, pieces).to_string());
    rec.span = Span {
        start: start as u64,
        end: end as u64,
    };
    rec
}

fn format_of<'p, 'a: 'p, I>(marks: Marks, pieces: impl Fn() -> I) -> &'static str
where
    I: Iterator<Item = &'p Found<'a>>,
{
    if pieces().any(|p| p.kind.format.names_record_format) || marks.has(Marks::CFN) {
        return "cloudformation";
    }
    if marks.has(Marks::TERRAFORM) || marks.has(Marks::TF_ADDRESS) {
        return "terraform";
    }
    if pieces().any(|p| p.piece.format == "sfn") {
        return "sfn";
    }
    // `plain` pieces (an authorization sentence, a bare code) say nothing about the wrapper:
    // a Lambda errorType around an authorization sentence is a Lambda error.
    pieces()
        .filter(|p| p.piece.strength == Strength::Error && p.piece.format != "plain")
        .max_by_key(|p| p.piece.rank)
        .map(|p| p.piece.format)
        .unwrap_or("plain")
}
