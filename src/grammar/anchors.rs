//! The anchor automaton: every format's anchors (and the literals whose presence later checks
//! ask) in one DFA, walked once over an event.

use super::format::{Kind, FORMATS};
use super::resource::RESOURCE_PHRASE_WORDS;
use crate::automaton::{split_for_two_walks, walk_one, walk_two};
use aho_corasick::automaton::{Automaton, StateID};
use aho_corasick::{dfa::DFA, Anchored, MatchKind};
use std::sync::OnceLock;

/// What an anchor starts: a parser, or the note of a mark.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Anchor {
    Parse(Kind),
    Mark(Marks),
}

/// Literals whose presence in an event is all that later checks ask (the format of a record,
/// whether a message may name a resource): the anchor walk, which reads every byte anyway,
/// notes them, so that those checks need not search the text again.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct Marks(u8);

impl Marks {
    /// `Resource handler returned message`.
    pub const CFN: Marks = Marks(1);
    /// `│ Error`, `Error applying plan`, `[terraform]`.
    pub const TERRAFORM: Marks = Marks(2);
    /// `* aws_`: Terraform naming the resource it worked on.
    pub const TF_ADDRESS: Marks = Marks(4);
    /// A phrase [`super::resource::message_resource`] looks for.
    pub const RESOURCE: Marks = Marks(8);
    /// What says an AWS CLI sentence came from boto3 (`botocore::BOTO3_WORDS`). None of them
    /// can overlap a sentence's anchor, so the marks noted when the anchor is reached are
    /// those of the text before it.
    pub const BOTO3: Marks = Marks(16);

    pub fn has(self, m: Marks) -> bool {
        self.0 & m.0 != 0
    }

    /// Note the marks of `m` as present.
    pub fn add(&mut self, m: Marks) {
        self.0 |= m.0;
    }
}

pub(super) struct Anchors {
    dfa: DFA,
    kinds: Vec<Anchor>,
    /// The length of the longest anchor.
    longest: usize,
    #[cfg(test)]
    patterns: Vec<String>,
}

impl Anchors {
    /// Call `f(start, len, kind)` for every anchor in `text`, overlapping ones too, in the order
    /// the anchors end (anchors ending together in pattern order), as an overlapping search
    /// reports them. The DFA is walked here rather than through the `AhoCorasick` iterator,
    /// which stops and resumes at every match at a cost greater than the walk's.
    ///
    /// Each byte's step waits for the step before (a load from the DFA's table), so a long text
    /// is walked as two halves at once, the second from a start far enough back to be in the
    /// very state the whole walk would be in where its half begins.
    pub(super) fn each(&self, text: &str, mut f: impl FnMut(usize, usize, Anchor)) {
        let dfa = &self.dfa;
        let hay = text.as_bytes();
        let Ok(start) = dfa.start_state(Anchored::No) else {
            return;
        };
        let mut report = |end: usize, sid: StateID| {
            for k in 0..dfa.match_len(sid) {
                let pid = dfa.match_pattern(sid, k);
                let len = dfa.pattern_len(pid);
                f(end - len, len, self.kinds[pid.as_usize()]);
            }
        };
        // Any anchor ending past `mid` starts within the second walk, and from there on its
        // state is the longest suffix that begins an anchor, as in one walk over the whole
        // text (anchors ending together are reported alike).
        let Some((mid, second)) = split_for_two_walks(hay.len(), self.longest) else {
            return walk_one::<false>(dfa, start, hay, report);
        };
        let mut later = Vec::new();
        walk_two::<false>(
            dfa,
            start,
            &hay[..mid],
            &hay[second..],
            |which, end, sid| {
                if which == 0 {
                    report(end, sid);
                } else if second + end > mid {
                    later.push((second + end, sid));
                }
            },
        );
        for (end, sid) in later {
            report(end, sid);
        }
    }
}

/// The automaton of every format's anchors, in table order, then the marks.
pub(super) fn anchors() -> &'static Anchors {
    static A: OnceLock<Anchors> = OnceLock::new();
    A.get_or_init(|| {
        let mut pats: Vec<String> = Vec::new();
        let mut kinds = Vec::new();
        for f in FORMATS {
            (f.anchors)(&mut |p, arg| {
                pats.push(p.to_string());
                kinds.push(Anchor::Parse(Kind::of(f, arg)));
            });
        }
        for f in FORMATS {
            for &(m, mark) in f.marks {
                pats.push(m.to_string());
                kinds.push(Anchor::Mark(mark));
            }
        }
        for w in RESOURCE_PHRASE_WORDS {
            pats.push(format!(" {w}"));
            kinds.push(Anchor::Mark(Marks::RESOURCE));
        }
        // A DFA: every event is searched once in full, so search speed beats build time. No
        // prefilter: anchors are dense in the events searched, and [`Anchors::each`] walks
        // every byte.
        let dfa = aho_corasick::dfa::Builder::new()
            .match_kind(MatchKind::Standard)
            .prefilter(false)
            .build(&pats)
            .expect("anchor patterns build");
        let longest = pats.iter().map(String::len).max().unwrap_or(1);
        Anchors {
            dfa,
            kinds,
            longest,
            #[cfg(test)]
            patterns: pats,
        }
    })
}

/// Long literals whose parsers check the whole text anyway are searched by their head: the
/// overlap of the two walks (see [`Anchors::each`]) is as long as the longest anchor.
pub(crate) fn head(m: &'static str) -> &'static str {
    let n = (0..=m.len().min(32)).rfind(|&n| m.is_char_boundary(n));
    &m[..n.unwrap_or(0)]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one_walk(text: &str) -> Vec<(usize, usize, Anchor)> {
        let a = anchors();
        let mut one = Vec::new();
        let start = a.dfa.start_state(Anchored::No).unwrap();
        walk_one::<false>(&a.dfa, start, text.as_bytes(), |end, sid| {
            for k in 0..a.dfa.match_len(sid) {
                let pid = a.dfa.match_pattern(sid, k);
                let len = a.dfa.pattern_len(pid);
                one.push((end - len, len, a.kinds[pid.as_usize()]));
            }
        });
        one
    }

    fn two_walks(text: &str) -> Vec<(usize, usize, Anchor)> {
        let mut two = Vec::new();
        anchors().each(text, |s, l, k| two.push((s, l, k)));
        two
    }

    /// Every anchor, ending just before, at and just past the middle of a long text.
    #[test]
    fn anchors_across_the_middle_are_reported_once() {
        let a = anchors();
        for len in [3 * a.longest, 3 * a.longest + 1, 5 * a.longest] {
            let (mid, _) = split_for_two_walks(len, a.longest).expect("a long text is split");
            for p in &a.patterns {
                for end in mid.saturating_sub(2)..mid + 3 {
                    let Some(start) = end.checked_sub(p.len()) else {
                        continue;
                    };
                    let text = format!("{}{p}{}", ".".repeat(start), ".".repeat(len - end));
                    assert_eq!(two_walks(&text), one_walk(&text), "{p:?} ending at {end}");
                    assert!(!one_walk(&text).is_empty());
                }
            }
        }
    }

    proptest::proptest! {
        /// Walking a long text as two halves at once reports what one walk reports, in the
        /// same order: anchors across the middle, overlapping ones and ones ending together.
        #[test]
        fn two_walks_report_what_one_walk_reports(
            parts in proptest::collection::vec(
                proptest::prop_oneof![
                    proptest::sample::select(anchors().patterns.clone()),
                    "[a-zA-Z :\n\"<>(_.=]{0,30}",
                ],
                0..40,
            )
        ) {
            let text = parts.concat();
            proptest::prop_assert_eq!(two_walks(&text), one_walk(&text));
        }
    }
}
