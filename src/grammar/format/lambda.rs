//! The Lambda runtime's log line, `<ISO time>\t<request id>\t...`: the invocation id of the
//! error on that line. No anchor: the line of each error piece is looked at once.

use super::lex::{class, is_uuid};
use super::piece::{Field, Piece, Strength};
use super::Format;

pub(crate) static FORMAT: Format = Format {
    name: "lambda runtime line",
    sample: "lambda-json.txt",
    ebnf: ("misc.ebnf", "Lambda runtime lines"),
    parse: |ev, at, _, _| line_at(ev.text, at),
    aws_shape: |_| true,
    ..Format::DEFAULT
};

/// Lambda runtime line `<ISO time>\t<request id>\t...`: the invocation id.
pub(crate) fn line_at(text: &str, at: usize) -> Option<Piece<'_>> {
    let line_start = super::lex::line_start(text, at);
    let line = &text[line_start..];
    // The first two words, split at spaces and tabs (both ASCII: bytewise).
    fn word(s: &str) -> (&str, &str) {
        let gap = |c: u8| class::is(c, class::GAP);
        let s = &s[s.bytes().position(|c| !gap(c)).unwrap_or(s.len())..];
        let end = super::lex::find_class(s, class::GAP).unwrap_or(s.len());
        (&s[..end], &s[end..])
    }
    let (mut ts, mut rest) = word(line);
    // The `T` of a timestamp is its 11th byte: a plain loop reaches it before a search is set up.
    let is_time =
        |ts: &str| ts.len() >= 20 && ts.as_bytes()[4] == b'-' && ts.bytes().any(|b| b == b'T');
    if !is_time(ts) {
        return None;
    }
    // A log collector's head before the runtime's own (`<time> ERROR <time>\t<id>\t...`).
    let (next, after) = word(rest);
    let (next, after) = if super::lex::LOG_LEVELS.contains(&next) {
        word(after)
    } else {
        (next, after)
    };
    if is_time(next) {
        (ts, rest) = (next, after);
    }
    // The id is the next word when it is a UUID: its 36 bytes, then a gap or the end.
    let rest = &rest[rest.bytes().position(|c| !class::is(c, class::GAP))?..];
    let id = rest.get(..36).filter(|id| is_uuid(id))?;
    if !rest
        .as_bytes()
        .get(36)
        .map_or(true, |&c| class::is(c, class::GAP))
    {
        return None;
    }
    let mut p = Piece::new(
        line_start,
        super::lex::offset(text, ts) + ts.len(),
        Strength::Context,
        "lambda",
        35,
    );
    p.set(Field::RequestId, id);
    Some(p)
}
