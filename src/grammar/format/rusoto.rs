//! Rusoto, the community AWS SDK for Rust that came before AWS's own: the `Debug` print of a
//! `RusotoError::Unknown`, the response the SDK could not map to an error of the service,
//! `Unknown(BufferedHttpResponse {status: 400, body: "...", headers: {...} })`. rusoto_core
//! writes that `Debug` by hand, with the body as a quoted string (`{ status` with a space when
//! the body is not UTF-8, and its bytes then). The error document in the body is read by the
//! other formats, its escaped quotes decoded first like any escaped JSON; this piece adds the
//! status, a body that is a plain message, and that the text is AWS's.

use super::lex::status;
use super::piece::{Field, Piece, Strength};
use super::Format;

pub(super) static FORMAT: Format = Format {
    name: "rusoto",
    sample: "rusoto.txt",
    ebnf: ("misc.ebnf", "Rusoto"),
    anchors: |add| add("BufferedHttpResponse {", 0),
    triggers: |add| add("BufferedHttpResponse"),
    parse: |ev, at, len, _| unknown_response_at(ev.text, at, len),
    // Only rusoto_core prints this type's name.
    aws_shape: |_| true,
    ..Format::DEFAULT
};

/// The `BufferedHttpResponse {` print at `at` (the anchor, `len` bytes): its status, and its
/// body as the message when the body is no error document (`{...}` or `<...>`).
fn unknown_response_at(text: &str, at: usize, len: usize) -> Option<Piece<'_>> {
    let r = text[at + len..].trim_start_matches(' ');
    let (r, n) = status(r.strip_prefix("status: ")?).ok()?;
    let body = r.strip_prefix(", body: ")?;
    let start = text.len() - body.len();
    let mut p = Piece::new(at, start, Strength::Error, "rust-sdk", 35);
    p.set_status(n);
    // A UTF-8 body is a quoted string up to the headers; its end is the last `", headers: `
    // of the line, since the body may hold the same words.
    let line = &body[..body.find('\n').unwrap_or(body.len())];
    if let Some(text_end) = line.rfind("\", headers: ") {
        let quoted = &line[..text_end];
        if let Some(msg) = quoted.strip_prefix('"') {
            if !msg.trim_start().starts_with(['{', '<']) {
                p.set(Field::Message, msg);
            }
        }
        p.end = start + text_end + 1;
    }
    Some(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_status_and_a_plain_body() {
        let t = r#"Unknown(BufferedHttpResponse {status: 403, body: "Forbidden", headers: {"x-amz-request-id": "4C7A9E1B3D5F7A9C"} })"#;
        let p = unknown_response_at(t, 8, 22).expect("a piece");
        assert_eq!(p.get(Field::StatusCode), Some("403"));
        assert_eq!(p.get(Field::Message), Some("Forbidden"));
        assert_eq!(
            &t[p.start..p.end],
            r#"BufferedHttpResponse {status: 403, body: "Forbidden""#
        );
    }

    #[test]
    fn an_error_document_is_left_to_its_format() {
        let t = r#"Unknown(BufferedHttpResponse {status: 400, body: "{"__type":"ValidationException","message":"bad"}", headers: {} })"#;
        let p = unknown_response_at(t, 8, 22).expect("a piece");
        assert_eq!(p.get(Field::StatusCode), Some("400"));
        assert_eq!(p.get(Field::Message), None);
        assert!(unknown_response_at("BufferedHttpResponse {status: x", 0, 22).is_none());
    }
}
