//! Finding the first line worth parsing: a SIMD prefilter over a few short "cover" literals,
//! confirmed by the full trigger automaton on the one line where the prefilter hit.
//!
//! The grammar's trigger literals number in the eighties, too many for the packed (Teddy)
//! searcher, so searching for them directly runs a byte-at-a-time automaton. Every trigger
//! contains one of the few cover literals below, so a line without a cover hit has no trigger;
//! where a cover literal hits, the full automaton checks just that line.

use aho_corasick::{AhoCorasick, MatchKind};
use memchr::{memchr, memrchr};
use std::sync::OnceLock;

/// Fragments such that every trigger literal contains at least one. Few enough (and each
/// rare enough in ordinary logs) for the packed searcher to skip through text quickly; a
/// trigger added to the grammar without a cover here is added to the cover set as a whole
/// (correct, only slower), and a test keeps this list complete.
const COVER: &[&str] = &[
    "uthoriz",
    // Not "rror" or "error": "retrying after error: ..." is everyday log noise, and each
    // cover hit costs a look at its whole line.
    "Error",
    "error occurred",
    "client error",
    "operation error",
    "rrorType",
    "rrortype",
    "rrorCode",
    "\"error\"",
    "S3 error",
    "following error",
    "ode:",
    "ode>",
    "ode\"",
    "xception",
    "__type",
    "Fault",
    "Denied",
    "xpired",
    "NotFound",
    "xceeded",
    "handler returned",
    "while calling ",
    "(client): ",
    "Signature",
    // Not "ail": "failed" is as common in logs as "error".
    "Failure",
    "Failed",
    "validation failed",
    "task failed",
    "ServiceUnavailable",
    "nvalid",
    "NoSuch",
    "Violation",
    "Malformed",
    "AlreadyExists",
    "SlowDown",
    "Throttled",
    "OptInRequired",
    "Authentication",
    "Insufficient",
    "Unrecognized",
    "Network Configuration",
    "Essential container",
    "timed out",
    "locate credentials",
    "not be found",
];

struct Trigger {
    cover: AhoCorasick,
    full: AhoCorasick,
}

fn trigger() -> &'static Trigger {
    static T: OnceLock<Trigger> = OnceLock::new();
    T.get_or_init(|| {
        let full = crate::grammar::trigger_literals();
        let mut cover: Vec<&str> = COVER.to_vec();
        for lit in &full {
            if !COVER.iter().any(|c| lit.contains(c)) {
                cover.push(lit);
            }
        }
        let build = |pats: &[&str]| {
            AhoCorasick::builder()
                .match_kind(MatchKind::LeftmostFirst)
                .build(pats)
                .expect("trigger literals build")
        };
        Trigger {
            cover: build(&cover),
            full: build(&full),
        }
    })
}

/// The offset of the leftmost trigger literal in `hay`, or `None`. Trigger literals hold no
/// newline, so the leftmost one lies in the first line that has any; lines with a cover hit
/// but no trigger are passed over.
pub fn find(hay: &[u8]) -> Option<usize> {
    let t = trigger();
    let mut from = 0;
    while from < hay.len() {
        let at = from + t.cover.find(&hay[from..])?.start();
        let line_start = memrchr(b'\n', &hay[from..at]).map_or(from, |p| from + p + 1);
        let line_end = memchr(b'\n', &hay[at..]).map_or(hay.len(), |p| at + p);
        if let Some(m) = t.full.find(&hay[line_start..line_end]) {
            return Some(line_start + m.start());
        }
        from = line_end + 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_trigger_literal_has_a_cover() {
        for lit in crate::grammar::trigger_literals() {
            assert!(
                COVER.iter().any(|c| lit.contains(c)),
                "trigger literal {lit:?} contains no cover literal; add one to scan/trigger.rs COVER"
            );
        }
    }

    #[test]
    fn finds_the_leftmost_trigger_past_lines_with_cover_hits_only() {
        let text = b"Failed jobs: 0\nError handling: on\nok\nUser: x is not authorized to do\n";
        let at = find(text).unwrap();
        assert_eq!(&text[at..at + 17], b"not authorized to");
        assert_eq!(find(b"nothing to see\nhere\n"), None);
        assert_eq!(find(b"AccessDenied"), Some(0));
        // A trigger after a cover hit on the same line.
        let line = b"Error x AccessDenied";
        assert_eq!(find(line), Some(8));
    }
}
