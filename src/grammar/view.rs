//! The text the parsers read: an event with its JSON string escapes decoded (errors inside a
//! Step Functions `cause` or a logged Lambda error are escaped JSON, often in JSON) and its
//! lone CRs read as line ends.

use std::borrow::Cow;

/// Decode JSON string escapes so that errors inside escaped strings (a Step Functions `cause`,
/// a Lambda `errorMessage` in a log event) parse like plain text. Runs twice for JSON in JSON.
pub fn unescape_view(text: &str) -> Cow<'_, str> {
    if memchr::memchr(b'\\', text.as_bytes()).is_none() {
        return Cow::Borrowed(text);
    }
    let mut cur = Cow::Borrowed(text);
    for _ in 0..3 {
        if !(cur.contains("\\\"")
            || cur.contains("\\n")
            || cur.contains("\\t")
            || cur.contains("\\u"))
        {
            break;
        }
        cur = Cow::Owned(unescape_once(&cur));
    }
    cur
}

/// A lone CR (a progress line redrawn in place) ends a line for the grammar as LF does, so no
/// value runs on into the next redraw. CR and LF are one byte each: offsets do not move.
pub(super) fn lone_cr_as_lf(v: Cow<'_, str>) -> Cow<'_, str> {
    let lone = |b: &[u8], i: usize| b.get(i + 1) != Some(&b'\n');
    if !memchr::memchr_iter(b'\r', v.as_bytes()).any(|i| lone(v.as_bytes(), i)) {
        return v;
    }
    let mut b = v.into_owned().into_bytes();
    for i in 0..b.len() {
        if b[i] == b'\r' && lone(&b, i) {
            b[i] = b'\n';
        }
    }
    Cow::Owned(String::from_utf8(b).expect("an ASCII byte swapped for another"))
}

fn unescape_once(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut it = s.chars().peekable();
    while let Some(c) = it.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match it.peek().copied() {
            Some('"') => {
                out.push('"');
                it.next();
            }
            Some('\\') => {
                out.push('\\');
                it.next();
            }
            Some('/') => {
                out.push('/');
                it.next();
            }
            Some('n') => {
                out.push('\n');
                it.next();
            }
            Some('t') => {
                out.push('\t');
                it.next();
            }
            Some('b') => {
                out.push('\u{8}');
                it.next();
            }
            Some('f') => {
                out.push('\u{c}');
                it.next();
            }
            Some('r') => {
                it.next();
            }
            Some('u') => {
                let hex: String = it.clone().skip(1).take(4).collect();
                match u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                    Some(ch) if hex.len() == 4 => {
                        out.push(ch);
                        for _ in 0..5 {
                            it.next();
                        }
                    }
                    _ => out.push('\\'),
                }
            }
            _ => out.push('\\'),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unescape() {
        assert_eq!(unescape_view(r#"a\"b\\c\nd\u0041"#), "a\"b\\c\ndA");
        assert_eq!(unescape_view("C:\\x"), "C:\\x");
    }
}
