//! The .NET SDK's log line for a failed attempt: `AmazonServiceException making request
//! PublishRequest to https://sns.eu-west-1.amazonaws.com/. Attempt 1.` names the operation (the
//! request class less its `Request`). The exception itself is read by the exception grammar.

use super::piece::{Field, Piece, Strength};
use super::Format;

/// `making request XRequest to http` at `at`.
pub fn making_request_at(text: &str, at: usize) -> Option<Piece<'_>> {
    let r = text[at..].strip_prefix("making request ")?;
    let len = r.bytes().take_while(u8::is_ascii_alphanumeric).count();
    let class = &r[..len];
    let op = class.strip_suffix("Request")?;
    if op.len() < 3 || !op.as_bytes()[0].is_ascii_uppercase() || !r[len..].starts_with(" to http") {
        return None;
    }
    let start = at + "making request ".len();
    let mut p = Piece::new(at, start + len, Strength::Context, "other-sdk", 25);
    p.set(Field::Operation, op);
    Some(p)
}

pub(super) static FORMAT: Format = Format {
    name: "dotnet-sdk",
    sample: "dotnet-sdk-log.txt",
    ebnf: (
        "misc.ebnf",
        ".NET SDK attempt log (src/grammar/format/dotnet.rs)",
    ),
    anchors: |add| add("making request ", 0),
    parse: |ev, at, _, _| making_request_at(ev.text, at),
    ..Format::DEFAULT
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_operation() {
        let t = "AmazonServiceException making request PublishRequest to https://sns.eu-west-1.amazonaws.com/. Attempt 1.";
        let p = making_request_at(t, t.find("making").unwrap()).unwrap();
        assert_eq!(p.get(Field::Operation), Some("Publish"));
        assert!(making_request_at("making request Foo to you", 0).is_none());
    }
}
