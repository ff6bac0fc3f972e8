//! When an error sentence on the line after another error is an error of its own rather than
//! more of the one above.
//!
//! Grouping joins pieces that stand near each other and do not disagree. A sentence from AWS's
//! list of known messages (`Unable to locate credentials ...`, `You must specify a region`) or
//! an authorization sentence names no code, so it never disagrees with a code above it, and
//! was swallowed by whatever error stood on the line before. Such a sentence opening a line of
//! its own, under an error that has its code and whose text has ended (or under other such
//! sentences), is a second error.

use super::piece::{Field, Strength};
use super::Found;

/// Whether `f`, a piece near the group `cur` of `found` in `text`, starts an error of its own.
/// `line_of` gives the line of an offset.
pub(super) fn stands_apart(
    text: &str,
    found: &[Found<'_>],
    cur: &[usize],
    f: &Found<'_>,
    line_of: impl Fn(usize) -> usize,
) -> bool {
    if !(f.kind.format.sentence)(&f.piece) || f.piece.strength != Strength::Error {
        return false;
    }
    let line_start = super::lex::line_start(text, f.piece.start);
    // A message after a key (`message: '...'`), a list dash or a code is part of what stands
    // before it on its line; after a bare level (`ERROR: `) it opens the line still.
    if !is_level(text[line_start..f.piece.start].trim()) {
        return false;
    }
    // A line ending in a colon announces the message on the next line.
    let above = text[..line_start].trim_end();
    if above.ends_with(':') {
        return false;
    }
    let line = line_of(f.piece.start);
    let errors = || {
        cur.iter()
            .map(|&i| &found[i].piece)
            .filter(|p| p.strength == Strength::Error)
    };
    // Above, an error with its code, or sentences of the list alone: a second sentence of the
    // list opening a line under one is a second error too (no credentials, then no region).
    let coded = errors().any(|p| p.rank >= 30 && p.get(Field::ErrorCode).is_some())
        || cur
            .iter()
            .all(|&i| found[i].kind.format.listed || found[i].piece.strength != Strength::Error);
    let ended = errors().all(|p| line_of(p.end) < line);
    // The same sentence again (a print of the error object repeating its message) is the
    // same error.
    let head = &text[f.piece.start..f.piece.end];
    let repeated = cur.iter().any(|&i| {
        found[i]
            .piece
            .get(Field::Message)
            .is_some_and(|m| super::lex::contains(m, head))
    });
    coded && ended && !repeated
}

/// Nothing, or a bare level word a tool puts before its message: `ERROR:`, `[error]`, `fatal:`.
fn is_level(prefix: &str) -> bool {
    let word = prefix
        .strip_suffix(':')
        .or_else(|| prefix.strip_prefix('[')?.strip_suffix(']'))
        .unwrap_or(prefix);
    word.is_empty()
        || ["error", "err", "fatal"]
            .iter()
            .any(|l| word.eq_ignore_ascii_case(l))
}

#[cfg(test)]
mod tests {
    use super::super::extract;

    fn codes(text: &str) -> Vec<Option<String>> {
        extract(text).into_iter().map(|r| r.error_code).collect()
    }

    #[test]
    fn a_known_message_under_an_ended_error_is_an_error_of_its_own() {
        let t = "An error occurred (AccessDenied) when calling the ListBuckets operation: Access Denied\nUnable to locate credentials. You can configure credentials by running \"aws configure\".";
        let r = extract(t);
        assert_eq!(r.len(), 2, "{r:#?}");
        assert_eq!(r[0].error_code.as_deref(), Some("AccessDenied"));
        assert_eq!(r[0].operation.as_deref(), Some("ListBuckets"));
        assert!(r[1]
            .message
            .as_deref()
            .unwrap()
            .starts_with("Unable to locate"));
        assert_eq!(r[1].operation, None);
        let t = "An error occurred (ExpiredToken) when calling the GetObject operation: The provided token has expired.\n  You must specify a region. You can also configure your region by running \"aws configure\".";
        assert_eq!(codes(t).len(), 2);
        let t = "An error occurred (AccessDenied) when calling the ListBuckets operation: Access Denied\nERROR: Unable to locate credentials";
        assert_eq!(codes(t).len(), 2);
        // An authorization sentence of its own under a code's whole line.
        let t = "An error occurred (AccessDenied) when calling the ListBuckets operation: Access Denied\nUser: arn:aws:iam::123456789012:user/u is not authorized to perform: sqs:SendMessage on resource: arn:aws:sqs:us-east-1:123456789012:q because no identity-based policy allows the sqs:SendMessage action";
        let r = extract(t);
        assert_eq!(r.len(), 2, "{r:#?}");
        assert_eq!(r[0].action, None);
        assert_eq!(r[1].action.as_deref(), Some("sqs:SendMessage"));
        // Two sentences of the list, each on its own line.
        let t = "Unable to locate credentials. You can configure credentials by running \"aws configure\".\nYou must specify a region. You can also configure your region by running \"aws configure\".";
        assert_eq!(codes(t).len(), 2);
    }

    #[test]
    fn a_known_message_inside_an_error_stays_with_it() {
        for t in [
            // On the error's own line.
            "botocore.exceptions.NoCredentialsError: Unable to locate credentials",
            // Announced by a colon above.
            "InvalidClientTokenId:\nThe security token included in the request is invalid.",
            "An error occurred (AccessDeniedException) when calling the SendMessage operation:\nUser: arn:aws:iam::123456789012:user/u is not authorized to perform: sqs:SendMessage on resource: arn:aws:sqs:us-east-1:123456789012:q because no identity-based policy allows the sqs:SendMessage action",
            // After a key of the error object's print, repeating its message.
            "{ [InvalidClientTokenId: The security token included in the request is invalid.]\n  message: 'The security token included in the request is invalid.',\n  code: 'InvalidClientTokenId' }",
            // The same sentence again on a line of its own.
            "ExpiredToken: The security token included in the request is expired\nThe security token included in the request is expired",
        ] {
            assert_eq!(codes(t).len(), 1, "{t}");
        }
    }
}
