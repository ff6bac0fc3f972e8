//! Small nom parsers shared by the format grammars: identifiers, codes, numbers, values.

use nom::character::complete::{char, digit1};
use nom::combinator::{map_res, recognize, verify};
use nom::{IResult, Parser};

/// Classes of bytes for the grammar's bytewise scans, tested with one table load a byte
/// instead of a chain of compares. Every class but [`WIDE`] is of ASCII bytes, which never
/// occur inside a multi-byte character.
pub mod class {
    /// ASCII alphanumeric, `.`, `_`: a byte of an error code.
    pub const CODE: u16 = 1;
    /// ASCII alphanumeric, `.`: a byte of a code [`super::super::exception::is_aws_code`] takes.
    pub const CODE_STRICT: u16 = 2;
    pub const COLON: u16 = 4;
    /// Space, tab, CR, LF: what [`super::ws`] takes.
    pub const SPACE: u16 = 8;
    /// ASCII whitespace as `char::is_whitespace` has it (with VT and FF).
    pub const WHITE: u16 = 16;
    /// `<`, `[`, `{`.
    pub const OPEN: u16 = 32;
    /// `>`, `]`, `}`.
    pub const CLOSE: u16 = 64;
    /// A byte of a multi-byte character.
    pub const WIDE: u16 = 128;
    /// Space and tab: what separates the words of a log line's head.
    pub const GAP: u16 = 256;
    /// `;`, `,`, `)`, `(`, `"`, LF: what ends a value of a `Key: value; ...` list.
    pub const LIST_END: u16 = 512;
    /// LF, CR, `,`, `}`, `;`: what ends an unquoted `key: value`.
    pub const VALUE_END: u16 = 1024;

    static TABLE: [u16; 256] = {
        let mut t = [0u16; 256];
        let mut i = 0;
        while i < 256 {
            let c = i as u8;
            let mut k = 0;
            if c.is_ascii_alphanumeric() || c == b'.' || c == b'_' {
                k |= CODE;
            }
            if c.is_ascii_alphanumeric() || c == b'.' {
                k |= CODE_STRICT;
            }
            if c == b':' {
                k |= COLON;
            }
            if matches!(c, b' ' | b'\t' | b'\n' | b'\r') {
                k |= SPACE;
            }
            if matches!(c, b' ' | b'\t' | b'\n' | b'\r' | 0x0B | 0x0C) {
                k |= WHITE;
            }
            if matches!(c, b'<' | b'[' | b'{') {
                k |= OPEN;
            }
            if matches!(c, b'>' | b']' | b'}') {
                k |= CLOSE;
            }
            if !c.is_ascii() {
                k |= WIDE;
            }
            if matches!(c, b' ' | b'\t') {
                k |= GAP;
            }
            if matches!(c, b';' | b',' | b')' | b'\n' | b'(' | b'"') {
                k |= LIST_END;
            }
            if matches!(c, b'\n' | b',' | b'}' | b';' | b'\r') {
                k |= VALUE_END;
            }
            t[i] = k;
            i += 1;
        }
        t
    };

    /// The classes of byte `b`.
    #[inline]
    pub fn of(b: u8) -> u16 {
        TABLE[usize::from(b)]
    }

    /// Whether byte `b` is in one of the classes `mask`.
    #[inline]
    pub fn is(b: u8, mask: u16) -> bool {
        of(b) & mask != 0
    }
}

/// Spaces, tabs and line breaks (hard-wrapped text breaks anywhere). Never fails.
pub fn ws(i: &str) -> IResult<&str, &str> {
    let n = i
        .bytes()
        .position(|c| !class::is(c, class::SPACE))
        .unwrap_or(i.len());
    Ok((&i[n..], &i[..n]))
}

/// `tag_no_case` for an ASCII tag, comparing bytes instead of Unicode lowercase forms. That
/// gives nom's result for any tag without `k`: the Kelvin sign, lowercased to `k`, is the only
/// non-ASCII character whose lowercase form is ASCII.
pub fn tag_ascii_no_case<'a>(t: &'static str) -> impl Fn(&'a str) -> IResult<&'a str, &'a str> {
    debug_assert!(t.is_ascii() && !t.contains(['k', 'K']), "{t}");
    move |i: &'a str| match i.as_bytes().get(..t.len()) {
        Some(h) if h.eq_ignore_ascii_case(t.as_bytes()) => Ok((&i[t.len()..], &i[..t.len()])),
        _ => Err(nom::Err::Error(nom::error::Error::new(
            i,
            nom::error::ErrorKind::Tag,
        ))),
    }
}

/// An AWS error code: `AccessDeniedException`, `InvalidAMIID.NotFound`, `States.Timeout`.
/// Read bytewise: every byte of a code is ASCII. Fails as nom's `verify(take_while1(..))` does.
pub fn error_code(i: &str) -> IResult<&str, &str> {
    let fail = |kind| Err(nom::Err::Error(nom::error::Error::new(i, kind)));
    let b = i.as_bytes();
    let len = b
        .iter()
        .position(|&c| !class::is(c, class::CODE))
        .unwrap_or(b.len());
    if len == 0 {
        return fail(nom::error::ErrorKind::TakeWhile1);
    }
    let s = &b[..len];
    if !(s[0].is_ascii_alphabetic()
        && s[len - 1] != b'.'
        && s.iter().any(u8::is_ascii_uppercase)
        && len <= super::piece::MAX_CODE)
    {
        return fail(nom::error::ErrorKind::Verify);
    }
    Ok((&i[len..], &i[..len]))
}

/// An HTTP status code: three digits, 100..=599.
pub fn status(i: &str) -> IResult<&str, u16> {
    verify(
        map_res(recognize(digit1), |s: &str| s.parse::<u16>()),
        |n| (100..600).contains(n),
    )
    .parse(i)
}

/// A quoted string with either quote; returns the inside without unescaping.
pub fn quoted(i: &str) -> IResult<&str, &str> {
    let q = match i.chars().next() {
        Some(c @ ('"' | '\'' | '`')) => c,
        _ => {
            return Err(nom::Err::Error(nom::error::Error::new(
                i,
                nom::error::ErrorKind::Char,
            )))
        }
    };
    let (rest, _) = char(q)(i)?;
    let mut escaped = false;
    for (idx, c) in rest.char_indices() {
        if escaped {
            escaped = false;
        } else if c == '\\' {
            escaped = true;
        } else if c == q {
            return Ok((&rest[idx + 1..], &rest[..idx]));
        } else if c == '\n' {
            break;
        }
    }
    Err(nom::Err::Error(nom::error::Error::new(
        i,
        nom::error::ErrorKind::Char,
    )))
}

/// The value after a `Key:` in a `Key: value; Key: value` list; stops at `;`, `,`, `)` or a line break.
pub fn list_value(i: &str) -> (&str, &str) {
    let end = find_class(i, class::LIST_END).unwrap_or(i.len());
    (&i[end..], trim(&i[..end]))
}

/// `str::trim`, with no character decoding for the usual value that opens and ends with an
/// ASCII graphic byte and so has nothing to trim.
pub fn trim(s: &str) -> &str {
    let graphic = |b: Option<&u8>| b.is_some_and(u8::is_ascii_graphic);
    if graphic(s.as_bytes().first()) && graphic(s.as_bytes().last()) {
        s
    } else {
        s.trim()
    }
}

/// Strip what commonly trails a token in prose: `.`, `,`, quotes, brackets, backslashes.
pub fn trim_trailing(s: &str) -> &str {
    const PAIRS: [(u8, u8); 4] = [(b'(', b')'), (b'[', b']'), (b'{', b'}'), (b'<', b'>')];
    // Bracket counts are taken once and kept up to date as closers are cut off: recounting
    // each time is quadratic on a token ending in thousands of `}` (deeply nested JSON).
    // Most tokens end in no closer and never need them, so they are taken on first need.
    let counts = |s: &str| {
        let mut opens = [0usize; 4];
        let mut closes = [0usize; 4];
        for b in s.bytes() {
            for (k, (open, close)) in PAIRS.iter().enumerate() {
                opens[k] += usize::from(b == *open);
                closes[k] += usize::from(b == *close);
            }
        }
        (opens, closes)
    };
    let mut brackets: Option<([usize; 4], [usize; 4])> = None;
    let mut s = s;
    loop {
        let mut t = s.trim_end_matches([',', ';', ':', '"', '\'', '`', '\\']);
        for (k, (_, close)) in PAIRS.iter().enumerate() {
            if t.as_bytes().last() != Some(close) {
                continue;
            }
            let (opens, closes) = brackets.get_or_insert_with(|| counts(s));
            if opens[k] < closes[k] {
                t = &t[..t.len() - 1];
                closes[k] -= 1;
            }
        }
        let t = if t.ends_with('.') && !t.ends_with("..") {
            &t[..t.len() - 1]
        } else {
            t
        };
        if t.len() == s.len() {
            return s;
        }
        s = t;
    }
}

/// True for text that looks like an AWS request id (UUID, S3 hex id, DynamoDB 52-char id).
pub fn looks_like_request_id(s: &str) -> bool {
    let n = s.len();
    (8..=64).contains(&n)
        && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        && s.bytes().any(|b| b.is_ascii_digit())
}

/// A `-`-separated UUID: 8-4-4-4-12 hex digits.
pub fn is_uuid(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, &c)| match i {
            8 | 13 | 18 | 23 => c == b'-',
            _ => c.is_ascii_hexdigit(),
        })
}

/// The level words loggers put at the head of a line (longest spelling first).
pub const LOG_LEVELS: [&str; 7] = [
    "ERROR", "WARNING", "WARN", "INFO", "DEBUG", "FATAL", "TRACE",
];

/// `s` without the head a logger puts before the message: a timestamp, a level, a Lambda
/// request id (`2026-11-28T09:00:00.123Z ERROR `, `[ERROR] 2026-11-28T09:00:00Z 1b2c-... `).
/// Text that does not open with a timestamp or a level is returned as it is.
pub fn skip_log_head(s: &str) -> &str {
    let first = s.trim_start();
    let mut rest = first;
    loop {
        let word_end = find_class(rest, class::GAP).unwrap_or(rest.len());
        let word = &rest[..word_end];
        // `[`, `]` and `:` are ASCII: trimmed bytewise, with no character decoding.
        let bracket = |c: &u8| matches!(c, b'[' | b']' | b':');
        let wb = word.as_bytes();
        let from = wb.iter().position(|c| !bracket(c)).unwrap_or(wb.len());
        let to = wb.iter().rposition(|c| !bracket(c)).map_or(from, |p| p + 1);
        let bare = &word[from..to];
        let b = bare.as_bytes();
        let is_time = b.len() >= 19
            && b[..4].iter().all(u8::is_ascii_digit)
            && b[4] == b'-'
            && matches!(b[10], b'T' | b't');
        let is_date = b.len() == 10 && b[..4].iter().all(u8::is_ascii_digit) && b[4] == b'-';
        let is_clock = b.len() >= 8 && b[2] == b':' && b[5] == b':' && b[0].is_ascii_digit();
        // `rest` is a tail of `first`: the same length is the same text.
        let at_first = rest.len() == first.len();
        let skip = is_time
            || is_date && at_first
            || is_clock && !at_first
            || LOG_LEVELS.contains(&bare)
            || is_uuid(bare) && !at_first;
        if word.is_empty() || !skip || word_end == rest.len() {
            return rest;
        }
        rest = rest[word_end..].trim_start_matches([' ', '\t', '-', '|']);
    }
}

/// Where `needle` first occurs in `hay`, like `str::find` with a `&str` pattern but without
/// building a searcher for each call: `memchr` on one byte of the needle, then a compare.
/// The grammar looks for short literals in short texts, where searcher setup is the main cost.
pub fn find(hay: &str, needle: &str) -> Option<usize> {
    let (h, n) = (hay.as_bytes(), needle.as_bytes());
    // Literals often open with a space (` with name `), the commonest byte of prose: look for
    // their first other byte instead.
    let Some(k) = n
        .iter()
        .position(|&b| b != b' ')
        .or((!n.is_empty()).then_some(0))
    else {
        return Some(0);
    };
    let mut from = k;
    while let Some(p) = memchr::memchr(n[k], h.get(from..)?) {
        let at = from + p - k;
        if h[at..].starts_with(n) {
            return Some(at);
        }
        from += p + 1;
    }
    None
}

/// Where `needle` last occurs in `hay`, like `str::rfind` with a `&str` pattern (see [`find`]).
pub fn rfind(hay: &str, needle: &str) -> Option<usize> {
    let (h, n) = (hay.as_bytes(), needle.as_bytes());
    // As in `find`, a space in the needle (`Error: `) is too common to look for.
    let Some(k) = n
        .iter()
        .rposition(|&b| b != b' ')
        .or(n.len().checked_sub(1))
    else {
        return Some(h.len());
    };
    let tail = n.len() - k;
    let mut end = h.len().checked_sub(tail - 1)?;
    while let Some(p) = memchr::memrchr(n[k], &h[..end]) {
        if let Some(at) = p.checked_sub(k) {
            if h[at..].starts_with(n) {
                return Some(at);
            }
        }
        end = p;
    }
    None
}

/// Where the first byte of the [`class`]es `mask` occurs in `s`: `str::find` with a set of
/// ASCII chars, without decoding characters (an ASCII byte never occurs inside a multi-byte
/// character).
pub fn find_class(s: &str, mask: u16) -> Option<usize> {
    s.bytes().position(|b| class::is(b, mask))
}

/// Whether `needle` occurs in `hay` (see [`find`]).
pub fn contains(hay: &str, needle: &str) -> bool {
    find(hay, needle).is_some()
}

/// The part of `s` after the last ASCII byte `b`, or all of `s` without one: what
/// `s.rsplit(char).next()` gives, with a vector search instead of a char searcher.
pub fn after_last(s: &str, b: u8) -> &str {
    debug_assert!(b.is_ascii());
    memchr::memrchr(b, s.as_bytes()).map_or(s, |p| &s[p + 1..])
}

/// Where the line holding byte `at` of `text` starts.
/// Whether `line` (a line's text onward) is a stack frame: `    at f (file:1:2)` (JavaScript,
/// Java), `\tfrom file.rb:17:in 'call'` (Ruby), `  File "x.py", line 3` (Python).
pub fn is_stack_frame(line: &str) -> bool {
    let t = line.trim_start_matches([' ', '\t']);
    t.len() < line.len()
        && (t.starts_with("at ") || t.starts_with("from ") || t.starts_with("File \""))
}

pub fn line_start(text: &str, at: usize) -> usize {
    memchr::memrchr(b'\n', &text.as_bytes()[..at]).map_or(0, |p| p + 1)
}

/// Byte offset where `sub` (a subslice of `whole`) starts.
pub fn offset(whole: &str, sub: &str) -> usize {
    sub.as_ptr() as usize - whole.as_ptr() as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes() {
        assert_eq!(
            error_code("InvalidAMIID.NotFound: x").unwrap(),
            (": x", "InvalidAMIID.NotFound")
        );
        assert!(error_code("lowercase").is_err());
        assert!(error_code("9Bad").is_err());
    }

    #[test]
    fn trailing() {
        assert_eq!(trim_trailing("role/x."), "role/x");
        assert_eq!(trim_trailing("..."), "...");
        assert_eq!(trim_trailing("table/t\\\""), "table/t");
    }

    #[test]
    fn quoted_strings() {
        assert_eq!(quoted("'a\\'b' rest").unwrap(), (" rest", "a\\'b"));
        assert!(quoted("'open").is_err());
    }

    #[test]
    fn finds() {
        for (hay, needle) in [
            ("a::b::c", "::"),
            ("::", "::"),
            (":", "::"),
            ("x Error: y Error: z", "Error: "),
            ("Error:", "Error: "),
            ("abc", ""),
            ("", "a"),
            ("aaa", "aa"),
            ("x Error: ", "Error: "),
            ("Error:  ", "Error: "),
            (" ", " "),
            ("a  ", "  "),
            ("", " "),
            (": ", "Error: "),
        ] {
            assert_eq!(rfind(hay, needle), hay.rfind(needle), "{hay:?} {needle:?}");
            assert_eq!(find(hay, needle), hay.find(needle), "{hay:?} {needle:?}");
        }
    }

    #[test]
    fn uuids() {
        assert!(is_uuid("0f1e2d3c-1111-2222-3333-444455556666"));
        assert!(!is_uuid("xxxx"));
        assert!(!is_uuid("0f1e2d3c-1111-2222-3333-44445555666"));
        assert!(!is_uuid("0f1e2d3c-1111-2222-3333-4444555566667"));
        assert!(!is_uuid("0f1e2d3c11111-2222-3333-444455556666"));
        assert!(!is_uuid("0f1e2d3c-1111-2222-3333-44445555666g"));
        assert!(is_uuid("0F1E2D3C-1111-2222-3333-444455556666"));
        assert_eq!(
            skip_log_head("2026-11-12T11:38:16.826Z ERROR User: arn:aws:sts::1:x is not"),
            "User: arn:aws:sts::1:x is not"
        );
        assert_eq!(
            skip_log_head("[ERROR]\t2026-11-28T09:00:00.000Z\t0f1e2d3c-1111-2222-3333-444455556666\tAccess Denied"),
            "Access Denied"
        );
        assert_eq!(
            skip_log_head("2026-11-28 09:00:00,123 - ERROR - Rate exceeded"),
            "Rate exceeded"
        );
        assert_eq!(skip_log_head("Access Denied"), "Access Denied");
        assert_eq!(skip_log_head("ERROR"), "ERROR");
        assert_eq!(
            skip_log_head("Info about 12:00:00 runs"),
            "Info about 12:00:00 runs"
        );
    }
}
