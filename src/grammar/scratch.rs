//! The working lists of an extraction, kept per thread between events so that an event
//! allocates only its pieces and records.

use super::Found;

/// Working lists of [`super::extract`], kept per thread between calls: an event then allocates only
/// its pieces and records.
#[derive(Default)]
pub(super) struct Scratch {
    /// (class, start) of the pieces found, sorted: the same piece reached from a second anchor
    /// is kept once. An event holds few pieces; a sorted Vec beats hashing them.
    pub(super) seen: Vec<(u8, usize)>,
    /// Starts of the lines already checked for a Lambda runtime head, sorted.
    pub(super) lines_done: Vec<usize>,
    /// Offsets of the event's line breaks.
    pub(super) newlines: Vec<usize>,
    /// The group being built and the context pieces waiting for an error, as indexes of found
    /// pieces.
    pub(super) cur: Vec<usize>,
    pub(super) pending: Vec<usize>,
    /// The buffer of the pieces found, empty between events: pieces are large, and a fresh
    /// list for each event was an allocation too large for the allocator's fast path.
    pub(super) found: Vec<Found<'static>>,
}

impl Scratch {
    pub(super) const fn new() -> Self {
        Scratch {
            seen: Vec::new(),
            lines_done: Vec::new(),
            newlines: Vec::new(),
            cur: Vec::new(),
            pending: Vec::new(),
            found: Vec::new(),
        }
    }

    /// Empty the lists for the next event; those a huge event grew are let go, so that a
    /// thread keeps little memory between events.
    pub(super) fn clear(&mut self) {
        fn reset<T>(v: &mut Vec<T>) {
            if v.capacity() > 1024 {
                *v = Vec::new();
            } else {
                v.clear();
            }
        }
        reset(&mut self.seen);
        reset(&mut self.lines_done);
        reset(&mut self.newlines);
        reset(&mut self.cur);
        reset(&mut self.pending);
        if self.found.capacity() > 64 {
            self.found = Vec::new();
        }
    }
}

/// An emptied list of pieces as a list of pieces of another text, in the same buffer: the
/// in-place `collect` of a `Vec`'s own iterator into a type of the same size and alignment
/// keeps the allocation, and with no element left nothing is moved.
pub(super) fn reuse<'b>(mut v: Vec<Found<'_>>) -> Vec<Found<'b>> {
    v.clear();
    v.into_iter()
        .map(|_| unreachable!("the list is empty"))
        .collect()
}

thread_local! {
    pub(super) static SCRATCH: std::cell::RefCell<Scratch> = const { std::cell::RefCell::new(Scratch::new()) };
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grammar::format::{exception, Kind};
    use crate::grammar::piece::{Field, Piece, Strength};

    #[test]
    fn the_pieces_buffer_is_kept_between_events() {
        let mut v: Vec<Found<'_>> = Vec::with_capacity(8);
        let text = String::from("x");
        let mut piece = Piece::new(0, 1, Strength::Error, "plain", 1);
        piece.set(Field::Message, &text);
        v.push(Found {
            kind: Kind::of(&exception::FORMAT, 0),
            piece,
        });
        let ptr = v.as_ptr() as usize;
        let w: Vec<Found<'static>> = reuse(v);
        assert_eq!((w.as_ptr() as usize, w.capacity(), w.len()), (ptr, 8, 0));
    }
}
