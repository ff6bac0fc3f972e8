//! The resource a record names when no piece gave one: a phrase of its message (`Role with name
//! X already exists`), or the one AWS ARN its message names besides the principal.

use super::arn;
use super::lex::trim_trailing;

/// The resource a message names: `Role with name X already exists`, `The key pair 'X' does not exist`,
/// `resource sg-1 has a dependent object`, `Table is being created: X`.
pub(super) fn message_resource(msg: &str) -> Option<&str> {
    // Most messages name no resource this way; one pass decides that before a dozen searches.
    if !may_name_resource(msg) {
        return None;
    }
    for (pre, post) in [
        (" with name ", " already exists"),
        (" with id ", " does not exist"),
        (" with name ", " does not exist"),
        (" with id ", " already exists"),
    ] {
        if let Some(a) = super::lex::find(msg, pre) {
            let r = &msg[a + pre.len()..];
            if let Some(b) = super::lex::find(r, post) {
                return Some(clean(&r[..b]));
            }
        }
    }
    for pre in [
        "is being created: ",
        "for resource: ",
        "pull access denied for ",
        "manifest for ",
        // ECS service events and agent logs name the target group and the task by ARN.
        "(target-group ",
        "task [",
    ] {
        if let Some(a) = super::lex::find(msg, pre) {
            let r = &msg[a + pre.len()..];
            let end = r.find([' ', ',', '\n', ')', ']']).unwrap_or(r.len());
            let tok = clean(&r[..end]);
            if !tok.is_empty() {
                return Some(tok);
            }
        }
    }
    for marker in [
        " does not exist",
        " already exists",
        " has a dependent object",
        " not found",
    ] {
        if let Some(b) = super::lex::find(msg, marker) {
            let head = msg[..b].trim_end();
            let tok_start = head.rfind([' ', '\t']).map(|p| p + 1).unwrap_or(0);
            let tok = &head[tok_start..];
            let tok = tok
                .rsplit_once(':')
                .filter(|(k, _)| {
                    k.starts_with(|c: char| c.is_ascii_uppercase())
                        && k.chars().all(|c| c.is_ascii_alphabetic())
                })
                .map(|(_, v)| v)
                .unwrap_or(tok);
            let quoted = tok.starts_with(['\'', '"', '`']);
            let tok = clean(tok);
            let specific = quoted
                || tok
                    .bytes()
                    .any(|b| b.is_ascii_digit() || matches!(b, b'-' | b'_' | b':' | b'/' | b'.'));
            if specific && !tok.is_empty() {
                return Some(tok);
            }
        }
    }
    None
}

/// Every phrase [`message_resource`] looks for has a space followed by one of these words
/// (`for resource: ` has ` resource: `, `manifest for ` has ` for `). The grammar notes in its
/// anchor walk whether an event holds any, and asks for a message's resource only then.
pub(super) const RESOURCE_PHRASE_WORDS: [&str; 12] = [
    "(target-group ",
    "task [",
    "with name ",
    "with id ",
    "being created: ",
    "resource: ",
    "access denied for ",
    "for ",
    "does not exist",
    "already exists",
    "has a dependent object",
    "not found",
];

/// False only when `msg` holds none of the phrases [`message_resource`] looks for (see
/// [`RESOURCE_PHRASE_WORDS`]). A byte loop costs less than a multi-pattern search here.
fn may_name_resource(msg: &str) -> bool {
    // A plain loop over byte pairs: spaces are too dense in prose for `memchr` to pay.
    let b = msg.as_bytes();
    (1..b.len()).any(|i| {
        b[i - 1] == b' '
            && b"wbrafdhn(t".contains(&b[i])
            && RESOURCE_PHRASE_WORDS
                .iter()
                .any(|w| b[i..].starts_with(w.as_bytes()))
    })
}

fn clean(s: &str) -> &str {
    let s = s.trim().trim_matches(['\'', '"', '`']);
    let s = s
        .strip_prefix('[')
        .and_then(|x| x.strip_suffix(']'))
        .unwrap_or(s);
    trim_trailing(s)
}

/// The one AWS ARN a message names besides the principal (`Value arn:aws:s3:::* for
/// DataResources.Values is invalid`, `failed to fetch secret arn:... from secrets manager`):
/// the resource the call failed on. With two or more, the message does not say which.
pub(super) fn sole_arn<'m>(msg: &'m str, principal: Option<&str>) -> Option<&'m str> {
    let mut found = None;
    for (at, _) in msg.match_indices("arn:aws") {
        let tail = &msg[at..];
        let end = tail
            .find(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | ',' | ')' | ']' | '>'))
            .unwrap_or(tail.len());
        let a = tail[..end].trim_end_matches(['.', ':', ';']);
        if Some(a) == principal || arn::parse(a).is_none() {
            continue;
        }
        if found.is_some_and(|f| f != a) {
            return None;
        }
        found = Some(a);
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resources_from_messages() {
        assert_eq!(
            message_resource("Role with name port-ocean already exists."),
            Some("port-ocean")
        );
        assert_eq!(
            message_resource("The image id '[ami-0c55b159cbfafe1f0]' does not exist"),
            Some("ami-0c55b159cbfafe1f0")
        );
        assert_eq!(
            message_resource("resource sg-5a0c1223 has a dependent object"),
            Some("sg-5a0c1223")
        );
        assert_eq!(
            message_resource("Stack:secure-embed does not exist"),
            Some("secure-embed")
        );
        assert_eq!(
            message_resource("The specified bucket does not exist"),
            None
        );
        assert_eq!(
            message_resource("Table is being created: hkdev-log"),
            Some("hkdev-log")
        );
    }
}
