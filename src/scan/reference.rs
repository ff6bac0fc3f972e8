//! The straightforward scanner the fast path must agree with: the whole input in memory, split
//! into lines up front, every line tested against every trigger literal with `contains`, events
//! built from line indices. Slow and simple on purpose; used only by tests.

use super::{continues, is_blank, joins_across_blank, MAX_EVENT, MAX_EVENT_LINES};
use crate::record::{Record, Source};

/// Every record in `data`, the slow way. Inputs must have no line longer than [`MAX_EVENT`]
/// (the fast path cuts those; this one does not model the cut).
pub fn scan_naive(data: &[u8], source_name: &str) -> Vec<Record> {
    // (start, end) of every line, `end` excluding the newline.
    let mut lines = Vec::new();
    let mut at = 0;
    for (i, b) in data.iter().enumerate() {
        if *b == b'\n' {
            lines.push((at, i));
            at = i + 1;
        }
    }
    if at < data.len() {
        lines.push((at, data.len()));
    }
    let literals = crate::grammar::trigger_literals();
    let text_of = |i: usize| &data[lines[i].0..lines[i].1];
    // Where line `i` ends, newline included (the last line may have none).
    let end_of = |i: usize| (lines[i].1 + 1).min(data.len());

    let mut out = Vec::new();
    let mut floor_line = 0;
    let mut i = 0;
    while i < lines.len() {
        let line = text_of(i);
        if !literals
            .iter()
            .any(|lit| find(line, lit.as_bytes()).is_some())
        {
            i += 1;
            continue;
        }

        // Backward: continuation lines above the hit line, down to the last event's end.
        let mut first = i;
        let mut taken = 0;
        while first > floor_line
            && taken < MAX_EVENT_LINES
            && lines[i].0 - lines[first].0 < MAX_EVENT / 2
        {
            let prev = text_of(first - 1);
            if is_blank(prev)
                && first - 1 > floor_line
                && joins_across_blank(text_of(first - 2), text_of(first))
            {
                first -= 2;
                taken += 2;
                continue;
            }
            if !continues(prev, text_of(first)) {
                break;
            }
            first -= 1;
            taken += 1;
        }

        // Forward: continuation lines below, and a body after one blank line.
        let mut last = i;
        taken = 0;
        loop {
            if last + 1 >= lines.len()
                || taken >= MAX_EVENT_LINES
                || end_of(last) - lines[first].0 >= MAX_EVENT
            {
                break;
            }
            let mut next = last + 1;
            let mut body = false;
            if is_blank(text_of(next)) {
                if next + 1 >= lines.len() {
                    break;
                }
                if joins_across_blank(text_of(last), text_of(next + 1)) {
                    next += 1;
                    body = true;
                } else {
                    break;
                }
            }
            if !body && !continues(text_of(last), text_of(next)) {
                break;
            }
            last = next;
            taken += 1;
        }

        let (start, end) = (lines[first].0, end_of(last));
        let text = String::from_utf8_lossy(&data[start..end]);
        let line_base = data[..start].iter().filter(|b| **b == b'\n').count() as u64;
        for mut r in crate::grammar::extract(&text) {
            let upto = (r.span.start as usize).min(text.len());
            let inside = text.as_bytes()[..upto].iter().filter(|b| **b == b'\n');
            r.source = Source {
                name: source_name.to_string(),
                line: Some(line_base + inside.count() as u64 + 1),
                timestamp: super::event_time(&text, r.span.start as usize),
                ..Source::default()
            };
            r.span.start += start as u64;
            r.span.end += start as u64;
            out.push(r);
        }
        floor_line = last + 1;
        i = last + 1;
    }
    out
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(hay, needle)
}
