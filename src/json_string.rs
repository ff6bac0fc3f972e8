//! JSON strings, escaped byte for byte as serde_json escapes them: the one escaper of the
//! output lines ([`crate::json`]) and of the documents remedies generate ([`crate::remedy`]).
//! Most bytes awsplain writes are catalog texts, so clean text is skipped eight bytes a step
//! and copied in runs.

/// Whether `b` holds a byte JSON escapes: a control character (below 0x20), `"` or `\`.
/// Eight bytes a step, each tested with the exact word tricks for "some byte is zero" and "some
/// byte is below n" (n <= 128).
pub fn needs_escape(b: &[u8]) -> bool {
    const ONES: u64 = u64::MAX / 255;
    const HIGH: u64 = ONES * 0x80;
    let zero_byte = |x: u64| x.wrapping_sub(ONES) & !x & HIGH != 0;
    let word = |x: u64| {
        x.wrapping_sub(ONES * 0x20) & !x & HIGH != 0
            || zero_byte(x ^ (ONES * u64::from(b'"')))
            || zero_byte(x ^ (ONES * u64::from(b'\\')))
    };
    let mut chunks = b.chunks_exact(8);
    let words = chunks
        .by_ref()
        .any(|c| word(u64::from_le_bytes(c.try_into().expect("eight bytes"))));
    words
        || chunks
            .remainder()
            .iter()
            .any(|&c| c < 0x20 || c == b'"' || c == b'\\')
}

/// Where JSON text goes: the output lines (bytes) or a generated document (a `String`).
pub trait JsonOut {
    /// Append `s` as it is.
    fn push_text(&mut self, s: &str);
}

impl JsonOut for Vec<u8> {
    fn push_text(&mut self, s: &str) {
        self.extend_from_slice(s.as_bytes());
    }
}

impl JsonOut for String {
    fn push_text(&mut self, s: &str) {
        self.push_str(s);
    }
}

/// Append `s` as a JSON string, escaped as serde_json escapes (`"` and `\`, the short forms
/// `\b \t \n \f \r`, other control characters as `\u00xx`, everything else as it is;
/// the tests hold it to serde_json's output). The catalog texts are most of the bytes awsplain
/// writes, so clean text is skipped eight bytes a step and copied in runs.
pub fn write_str<O: JsonOut + ?Sized>(s: &str, out: &mut O) {
    escape_into(s, out);
}

/// The escaping behind [`write_str`]. Escapes stand only at ASCII bytes, so the clean runs
/// between them are whole UTF-8 text.
fn escape_into<O: JsonOut + ?Sized>(s: &str, out: &mut O) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let b = s.as_bytes();
    out.push_text("\"");
    let (mut run, mut i) = (0, 0);
    while i < b.len() {
        if let Some(word) = b.get(i..i + 8) {
            if !needs_escape(word) {
                i += 8;
                continue;
            }
        }
        let short = match b[i] {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0c => "\\f",
            0..=0x1f => "",
            _ => {
                i += 1;
                continue;
            }
        };
        out.push_text(&s[run..i]);
        if short.is_empty() {
            let c = b[i];
            let hex = [
                b'\\',
                b'u',
                b'0',
                b'0',
                HEX[usize::from(c >> 4)],
                HEX[usize::from(c & 0xf)],
            ];
            out.push_text(std::str::from_utf8(&hex).expect("ASCII"));
        } else {
            out.push_text(short);
        }
        i += 1;
        run = i;
    }
    out.push_text(&s[run..]);
    out.push_text("\"");
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn escapes_like_serde_json_for_every_byte_value() {
        let all: String = (0u8..=0x7f).map(char::from).collect::<String>() + "é→😀\u{2028}";
        for s in [
            all.as_str(),
            "",
            "\"",
            "\\",
            "abcdefg\"",
            "abcdefgh\n",
            "\u{7f}",
        ] {
            let mut v = Vec::new();
            write_str(s, &mut v);
            assert_eq!(v, serde_json::to_vec(s).unwrap(), "{s:?}");
        }
    }

    #[test]
    fn needs_escape_finds_every_byte_json_escapes_at_every_place() {
        for fill in [b'a', b' ', b'!', b'#', b']', 0x7f, 0x80, 0xa0, 0xff] {
            for len in 0..20 {
                assert!(!needs_escape(&vec![fill; len]), "{fill:#x} of {len}");
                for at in 0..len {
                    for b in 0..=255u8 {
                        let mut v = vec![fill; len];
                        v[at] = b;
                        let expected = b < 0x20 || b == b'"' || b == b'\\';
                        assert_eq!(needs_escape(&v), expected, "{b:#x} at {at} of {len}");
                    }
                }
            }
        }
        assert!(!needs_escape("é→😀\u{7f}~ ".as_bytes()));
    }

    proptest! {
        #[test]
        fn strings_dense_with_escapes_are_written_as_serde_json_writes_them(
            s in "[a\"\\\\\n\u{1}\u{1f} é]{0,40}",
        ) {
            let mut v = Vec::new();
            write_str(&s, &mut v);
            prop_assert_eq!(v, serde_json::to_vec(&s).unwrap());
        }

    }
}
