//! Escaping of untrusted text before it reaches a terminal.

use std::borrow::Cow;

/// Replace control characters (C0 except tab, DEL, C1), and bidi overrides with visible
/// escapes so that log text cannot move the cursor, set links or reorder what is shown.
pub fn for_terminal(s: &str) -> Cow<'_, str> {
    if !s.chars().any(needs_escape) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if needs_escape(c) {
            out.push_str(&c.escape_unicode().to_string());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

fn needs_escape(c: char) -> bool {
    (c.is_control() && c != '\t' && c != '\n')
        || matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{061C}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_esc_and_bidi() {
        assert_eq!(for_terminal("a\x1b[31mb"), "a\\u{1b}[31mb");
        assert_eq!(for_terminal("x\u{202E}y"), "x\\u{202e}y");
        assert!(matches!(for_terminal("plain text\tok"), Cow::Borrowed(_)));
    }
}
