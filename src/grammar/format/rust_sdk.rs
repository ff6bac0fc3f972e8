//! The AWS SDK for Rust's Display of an error the service model does not know: every
//! generated operation error (`GetObjectError`, ...) and each crate's `Error` print
//! `unhandled error (AccessDenied)` for it, the code from the response. It stands alone
//! (`{}` of `err.into_service_error()`), in `DisplayErrorContext`'s chain
//! (`service error: unhandled error (AccessDenied): Error { code: ... }`) and in anyhow's
//! `Caused by:` list. The `Some("...")` Debug print of the same error is key/value text
//! (format/keyvalue.rs).

use super::piece::{Field, Piece, Strength};
use super::Format;

pub(super) static FORMAT: Format = Format {
    name: "rust-sdk-unhandled",
    sample: "rust-sdk-unhandled.txt",
    ebnf: (
        "key-value.ebnf",
        "Rust SDK unhandled error (src/grammar/format/rust_sdk.rs)",
    ),
    anchors: |add| add("unhandled error (", 0),
    triggers: |add| add("unhandled error ("),
    parse: |ev, at, _, _| unhandled_at(ev.text, at),
    ..Format::DEFAULT
};

/// The anchor `unhandled error (` at `at`: the code up to `)`, which must read as AWS's.
fn unhandled_at(text: &str, at: usize) -> Option<Piece<'_>> {
    const HEAD: &str = "unhandled error (";
    let rest = text[at..].strip_prefix(HEAD)?;
    let close = rest.find(')')?;
    let code = &rest[..close];
    if !super::exception::is_aws_code(code) {
        return None;
    }
    let start = at + HEAD.len();
    let mut p = Piece::new(at, start + close + 1, Strength::Error, "rust-sdk", 30);
    p.set(Field::ErrorCode, code);
    Some(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_code_of_an_unmodeled_error() {
        let t = "service error: unhandled error (AccessDenied): Error { code: \"AccessDenied\" }";
        let p = unhandled_at(t, t.find("unhandled").unwrap()).unwrap();
        assert_eq!(p.get(Field::ErrorCode), Some("AccessDenied"));
        assert_eq!(&t[p.start..p.end], "unhandled error (AccessDenied)");
        for t in [
            "unhandled error (x)",
            "unhandled error (see log",
            "unhandled error (",
            "unhandled error (1 of 2)",
        ] {
            assert!(unhandled_at(t, 0).is_none(), "{t}");
        }
    }
}
