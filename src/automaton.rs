//! Walking an Aho-Corasick DFA by hand over a text, the inner loop of the grammar's anchor
//! search and the remedies' phrase search: a walk that makes no calls between matches, and a
//! long text walked as two halves at once.

use aho_corasick::automaton::{Automaton, StateID};
use aho_corasick::{dfa::DFA, Anchored};

/// Where to cut a text of `len` bytes into two walks at once of an automaton whose longest
/// literal has `longest` bytes: the first walk ends at `mid`, the second starts at `second`,
/// `longest - 1` bytes before it, so that every literal ending past `mid` lies whole in the
/// second walk. `None` for a text too short to gain: the overlap would cost more than the
/// second walk saves.
pub(crate) fn split_for_two_walks(len: usize, longest: usize) -> Option<(usize, usize)> {
    let mid = (len + longest - 1) / 2;
    (len >= 3 * longest).then(|| (mid, mid + 1 - longest))
}

/// ASCII lowercase by table: one load, where the arithmetic costs several instructions a byte.
pub(crate) const ASCII_LOWER: [u8; 256] = {
    let mut t = [0; 256];
    let mut b = 0;
    while b < 256 {
        t[b] = (b as u8).to_ascii_lowercase();
        b += 1;
    }
    t
};

/// A byte as the walks below read it: as it is, or in lowercase for an automaton of lowercase
/// literals (`LOWER`). A constant, so that each kind of walk is compiled on its own.
#[inline(always)]
fn walked<const LOWER: bool>(b: u8) -> u8 {
    if LOWER {
        ASCII_LOWER[usize::from(b)]
    } else {
        b
    }
}

/// Walk the DFA (built without a prefilter) over `hay` from `start`, calling
/// `on_match(end, state)` at each match state.
pub(crate) fn walk_one<const LOWER: bool>(
    dfa: &DFA,
    start: StateID,
    hay: &[u8],
    mut on_match: impl FnMut(usize, StateID),
) {
    let (mut sid, mut at) = (start, 0);
    while let Some(end) = next_match::<LOWER>(dfa, hay, at, &mut sid) {
        on_match(end, sid);
        at = end;
    }
}

/// Walk the DFA over `a` and `b` from the start state, one step of each in turn, calling
/// `on_match(0 or 1, end, state)` at each match state (ends relative to the text walked), in
/// order for each text.
pub(crate) fn walk_two<const LOWER: bool>(
    dfa: &DFA,
    start: StateID,
    a: &[u8],
    b: &[u8],
    mut on_match: impl FnMut(usize, usize, StateID),
) {
    let step = |s: StateID, c: u8| dfa.next_state(Anchored::No, s, walked::<LOWER>(c));
    let (mut sa, mut sb) = (start, start);
    let both = a.len().min(b.len());
    let mut i = 0;
    // Two bytes of each a round, with one test for a match among the four states.
    while i + 2 <= both {
        let a1 = step(sa, a[i]);
        let b1 = step(sb, b[i]);
        let a2 = step(a1, a[i + 1]);
        let b2 = step(b1, b[i + 1]);
        if dfa.is_special(a1) | dfa.is_special(a2) | dfa.is_special(b1) | dfa.is_special(b2) {
            for (which, k, t) in [(0, 1, a1), (0, 2, a2), (1, 1, b1), (1, 2, b2)] {
                if dfa.is_special(t) {
                    on_match(which, i + k, t);
                }
            }
        }
        (sa, sb) = (a2, b2);
        i += 2;
    }
    for (which, hay, s) in [(0, a, sa), (1, b, sb)] {
        walk_one::<LOWER>(dfa, s, &hay[i..], |end, t| on_match(which, i + end, t));
    }
}

/// Walk the DFA over `hay` from `at` in state `sid` up to the next match state; the end of the
/// matches there. The walk makes no calls and no stores, so the DFA's tables stay in registers.
#[inline]
fn next_match<const LOWER: bool>(
    dfa: &DFA,
    hay: &[u8],
    at: usize,
    sid: &mut StateID,
) -> Option<usize> {
    // Without a prefilter, special states are match states (an unanchored search never dies).
    let step = |s: StateID, b: u8| dfa.next_state(Anchored::No, s, walked::<LOWER>(b));
    let mut s = *sid;
    let hay = hay.get(at..)?;
    // Four bytes a round with one test for a match among them: matches are rare next to the
    // bytes walked, and the round is redone bytewise only when one is there.
    let mut rounds = hay.chunks_exact(4);
    let mut done = at;
    for c in &mut rounds {
        let s1 = step(s, c[0]);
        let s2 = step(s1, c[1]);
        let s3 = step(s2, c[2]);
        let s4 = step(s3, c[3]);
        if dfa.is_special(s1) | dfa.is_special(s2) | dfa.is_special(s3) | dfa.is_special(s4) {
            for (k, t) in [s1, s2, s3, s4].into_iter().enumerate() {
                if dfa.is_special(t) {
                    *sid = t;
                    return Some(done + k + 1);
                }
            }
        }
        s = s4;
        done += 4;
    }
    for (k, &b) in rounds.remainder().iter().enumerate() {
        s = step(s, b);
        if dfa.is_special(s) {
            *sid = s;
            return Some(done + k + 1);
        }
    }
    None
}
