//! Finding the first line worth parsing: a SIMD prefilter over a few short "cover" literals,
//! each hit confirmed by comparing the few trigger literals that contain the cover there.
//!
//! The grammar's trigger literals number in the eighties, too many for the packed (Teddy)
//! searcher, so searching for them directly runs a byte-at-a-time automaton. Every trigger
//! contains one of the few cover literals below, so a line without a cover hit has no trigger.
//! Where a cover hits, only the triggers that contain that cover can start nearby, at known
//! distances: comparing those few costs a handful of instructions, where running the full
//! automaton over the line cost a thousand or two. That matters in logs where cover words
//! ("Failed", "Invalid", "Signature") are everyday text.
use aho_corasick::{AhoCorasick, MatchKind};
use std::sync::OnceLock;

/// Fragments such that every trigger literal contains at least one. Few enough (and each
/// rare enough in ordinary logs) for the packed searcher to skip through text quickly; a
/// trigger added to the grammar without a cover here is added to the cover set as a whole
/// (correct, only slower), and tests keep this list complete and every cover in use (the
/// format table's `triggers_covers_and_anchors_agree`, `src/grammar/format/mod.rs`).
///
/// The packed (Teddy) searcher looks at each cover's first four bytes, through nibble masks
/// shared by the covers of one bucket, and checks every cover of a bucket whose masks pass.
/// Two things keep those checks rare, and they decide how fast text without errors goes by:
/// - A cover starts where a trigger's rare part starts: `r occurred`, not `error occurred`
///   ("erro" is in every "error" of a log); `med out`, not `timed out` ("time" opens every
///   `"timestamp"` of a JSON log); `orType`, not `rrorType`.
/// - The order sets the buckets (the searcher puts cover `i` in bucket `15 - i % 16`), and this
///   order keeps covers whose masks would pass common text apart. It is what
///   `cargo run --release --example cover_order -- <text files>` prints for a sample of
///   system logs and source code (no AWS error text in it); on the benchmark's log it cut the
///   searcher's time by half. Run it again after changing the list.
pub const COVER: &[&str] = &[
    // "could not be found in the input": "not " is everywhere.
    "ot be found",
    "orType",
    "eUnavailable",
    "client error",
    "orCode",
    "Essential container",
    "Violation",
    "validation failed",
    "OptInRequired",
    // "Run task failed"; not "failed": as common in logs as "error".
    "k failed",
    "Authentication",
    "Malformed",
    "AlreadyExists",
    "operation error",
    "Insufficient",
    "while calling ",
    "ode:",
    "__type",
    // No region: each SDK says it its own way, all with the word ("Region is missing").
    "egion",
    "handler returned",
    "following error",
    "Failed",
    "Throttled",
    "(client): ",
    "NotFound",
    "xceeded",
    "ortype",
    "uthoriz",
    "S3 error",
    "med out",
    "xception",
    // The credential chain's messages ("Unable to locate credentials", "no valid credential
    // sources", "NoCredentialProviders", ...).
    "redential",
    "ode\"",
    "Network Configuration",
    "Denied",
    "nvalid",
    "xpired",
    "Fault",
    "SlowDown",
    "ode>",
    // `"error"` and `"Error"`.
    "ror\"",
    "r occurred",
    "Signature",
    // Not "rror" or "error": "retrying after error: ..." is everyday log noise, and each
    // cover hit costs a look at its whole line.
    "Error",
    "Unrecognized",
    "Failure",
    "NoSuch",
    // `QueueDoesNotExist: ...`, `StateMachineDoesNotExist: ...`: codes no other cover holds.
    "oesNotExist",
    // Sentences AWS prints without a code (grammar/format/codeless.rs), by their rarest words.
    "sufficient",
    "aximum number",
    "be assumed",
    "must be smaller",
    "unhealthy in",
    "nable to place",
    "network interface",
    "ciphertext",
    "exists in stack",
    "pecified ",
    "onditional request",
    // The Japanese CLI and authorization sentences (grammar/japanese.rs), by their rarest
    // words: "呼び出す" (calling) and "権限" (permission).
    "呼び出す",
    "権限がありません",
    // The Rust SDK's `unhandled error (Code)`: not "error (", which every language prints.
    "nhandled error (",
    // Rusoto's `BufferedHttpResponse`: "buffer" and "Response" are everyday words.
    "dHttpResponse",
];

struct Trigger {
    cover: AhoCorasick,
    /// For each cover (by pattern id), the triggers that may start near one of its hits:
    /// (trigger index, how far before the hit the trigger starts).
    near: Vec<Vec<(usize, usize)>>,
    triggers: Vec<&'static str>,
}

fn trigger() -> &'static Trigger {
    static T: OnceLock<Trigger> = OnceLock::new();
    T.get_or_init(|| {
        let triggers = crate::grammar::trigger_literals();
        let mut cover: Vec<&str> = COVER.to_vec();
        for lit in &triggers {
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
            near: near_triggers(&cover, &triggers),
            triggers,
        }
    })
}

/// Where a cover is reported at a position, every cover that is a prefix of it, or has it as a
/// prefix, may match there too (the searcher reports one match per position): the triggers
/// to compare are those holding any of these covers, at each place they hold it.
fn near_triggers(cover: &[&str], triggers: &[&str]) -> Vec<Vec<(usize, usize)>> {
    cover
        .iter()
        .map(|c| {
            let mut near = Vec::new();
            for other in cover
                .iter()
                .filter(|o| o.starts_with(c) || c.starts_with(**o))
            {
                for (t, lit) in triggers.iter().enumerate() {
                    // Short strings: comparing windows beats building a substring searcher
                    // (`match_indices`) for each of the few thousand pairs, once per process.
                    let windows = lit.as_bytes().windows(other.len()).enumerate();
                    for (back, _) in windows.filter(|(_, w)| *w == other.as_bytes()) {
                        if !near.contains(&(t, back)) {
                            near.push((t, back));
                        }
                    }
                }
            }
            near
        })
        .collect()
}

/// The offset of a trigger literal in the first line of `hay` that has any, or `None`. Which
/// one does not matter: the scanner takes the whole line. Cover hits that are no part of a
/// trigger are passed over.
pub fn find(hay: &[u8]) -> Option<usize> {
    let t = trigger();
    let mut from = 0;
    while from < hay.len() {
        let m = t.cover.find(&hay[from..])?;
        let at = from + m.start();
        let confirmed = t.near[m.pattern().as_usize()].iter().find(|&&(i, back)| {
            at >= back && hay[at - back..].starts_with(t.triggers[i].as_bytes())
        });
        if let Some(&(_, back)) = confirmed {
            // Cover hits come in order and every trigger holds a cover, so no earlier line has
            // a trigger (an earlier trigger of this line may hold a cover that hits later).
            return Some(at - back);
        }
        from = at + 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use memchr::memrchr;
    use proptest::prelude::*;

    #[test]
    fn every_trigger_literal_has_a_cover() {
        for lit in crate::grammar::trigger_literals() {
            assert!(
                COVER.iter().any(|c| lit.contains(c)),
                "trigger literal {lit:?} contains no cover literal; add one to scan/trigger.rs COVER"
            );
        }
    }

    fn leftmost_by_full_search(hay: &[u8]) -> Option<usize> {
        AhoCorasick::new(crate::grammar::trigger_literals())
            .unwrap()
            .find(hay)
            .map(|m| m.start())
    }

    fn line_start(hay: &[u8], at: usize) -> usize {
        memrchr(b'\n', &hay[..at]).map_or(0, |p| p + 1)
    }

    /// `find` gives a trigger of the line the leftmost trigger is on.
    fn assert_finds_the_first_line(hay: &[u8]) {
        let (got, want) = (find(hay), leftmost_by_full_search(hay));
        assert_eq!(
            got.map(|at| line_start(hay, at)),
            want.map(|at| line_start(hay, at))
        );
        if let Some(at) = got {
            let triggers = crate::grammar::trigger_literals();
            assert!(triggers.iter().any(|t| hay[at..].starts_with(t.as_bytes())));
        }
    }

    proptest::proptest! {
        /// Confirming cover hits finds a trigger on the line where one search for every trigger
        /// finds the leftmost, whatever covers, trigger pieces and overlaps surround it.
        #[test]
        fn cover_hits_confirm_exactly_the_triggers(
            parts in proptest::collection::vec(
                proptest::prop_oneof![
                    proptest::sample::select(crate::grammar::trigger_literals())
                        .prop_map(String::from),
                    proptest::sample::select(COVER.to_vec()).prop_map(String::from),
                    // Pieces of triggers, which hold covers without being triggers.
                    (proptest::sample::select(crate::grammar::trigger_literals()), 0usize..40, 0usize..40)
                        .prop_map(|(t, a, b)| {
                            let (a, b) = (a.min(t.len()), b.min(t.len()));
                            let (a, b) = (a.min(b), a.max(b));
                            t.get(a..b).unwrap_or("").to_string()
                        }),
                    "[a-zA-Z :\n\"<>(_]{0,12}",
                ],
                0..12,
            )
        ) {
            assert_finds_the_first_line(parts.concat().as_bytes());
        }
    }

    #[test]
    fn a_cover_word_before_a_trigger_on_the_same_line_is_passed_over() {
        let text = b"Failed Invalid timed out; then AccessDenied";
        assert_eq!(find(text), Some(31));
        // A trigger that starts before a cover hit that is no trigger, on one line.
        assert_finds_the_first_line(b"x Error executing Code");
        assert_eq!(find(b"Failed\nInvalid\n"), None);
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
