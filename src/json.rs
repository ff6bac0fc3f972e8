//! The JSON output line of a record, written directly: byte for byte what `serde_json` writes
//! for the derived `Serialize` (a test holds the two equal), at a fraction of the cost.
//!
//! Records are written far more often than anything else awsplain does with them, and most of
//! a record's bytes are long catalog texts. serde_json escapes strings a byte at a time; here
//! clean text is skipped eight bytes a step and copied in runs, and the remedies of a record
//! can come in already written (the remedy cache keeps them as JSON, see
//! [`crate::remedy::remedies_json_cached`]).

use crate::record::{Record, Remedy, Source, Span};
use crate::remedy::draft::{Artifact, Draft, Policy};

/// Append `rec` as one JSON object (no newline), its remedies written from `rec.remedies`.
pub fn write_record(rec: &Record, out: &mut Vec<u8>) {
    write_record_with(rec, out, |out| write_remedies(&rec.remedies, out));
}

/// Append `rec` as one JSON object (no newline), its `remedies` value (a JSON array, as
/// [`write_remedies`] writes it) appended by `remedies` in place of `rec.remedies`.
///
/// The keys are fixed and always present, so each is written with its punctuation as one
/// literal (`,"service":`) instead of key by key: a record is written for every error found.
pub fn write_record_with(rec: &Record, out: &mut Vec<u8>, remedies: impl FnOnce(&mut Vec<u8>)) {
    let strings = |out: &mut Vec<u8>, fields: &[(&[u8], Option<&str>)]| {
        for (key, v) in fields {
            out.extend_from_slice(key);
            opt_str(out, *v);
        }
    };
    strings(
        out,
        &[
            (b"{\"error_code\":", rec.error_code.as_deref()),
            (b",\"wrapper_code\":", rec.wrapper_code.as_deref()),
            (b",\"service\":", rec.service.as_deref()),
            (b",\"operation\":", rec.operation.as_deref()),
        ],
    );
    out.extend_from_slice(b",\"status_code\":");
    match rec.status_code {
        Some(n) => out.extend_from_slice(itoa::Buffer::new().format(n).as_bytes()),
        None => out.extend_from_slice(b"null"),
    }
    let deny = rec.deny.map(|d| match d {
        crate::Deny::Implicit => "implicit",
        crate::Deny::Explicit => "explicit",
    });
    strings(
        out,
        &[
            (b",\"request_id\":", rec.request_id.as_deref()),
            (b",\"message\":", rec.message.as_deref()),
            (b",\"format\":", rec.format.as_deref()),
            (b",\"principal\":", rec.principal.as_deref()),
            (b",\"action\":", rec.action.as_deref()),
            (b",\"resource\":", rec.resource.as_deref()),
            (b",\"deny\":", deny),
            (b",\"policy_type\":", rec.policy_type.map(|p| p.as_str())),
            (b",\"policy_arn\":", rec.policy_arn.as_deref()),
            (b",\"encoded_message\":", rec.encoded_message.as_deref()),
            (b",\"authorization_id\":", rec.authorization_id.as_deref()),
        ],
    );
    out.extend_from_slice(b",\"remedies\":");
    remedies(out);
    out.extend_from_slice(b",\"source\":");
    write_source(&rec.source, out);
    out.extend_from_slice(b",\"span\":");
    write_span(rec.span, out);
    out.push(b'}');
}

/// A record field's value: its string, or `null`.
fn opt_str(out: &mut Vec<u8>, v: Option<&str>) {
    match v {
        Some(v) => write_field_str(v, out),
        None => out.extend_from_slice(b"null"),
    }
}

/// [`write_str`] for a record's own values, most of them short (a code, an id, an ARN): a
/// short string with nothing to escape is copied as it is, in one piece.
fn write_field_str(s: &str, out: &mut Vec<u8>) {
    const SHORT: usize = 64;
    if s.len() <= SHORT && !needs_escape(s.as_bytes()) {
        out.push(b'"');
        out.extend_from_slice(s.as_bytes());
        out.push(b'"');
    } else {
        write_str(s, out);
    }
}

/// Whether `b` holds a byte JSON escapes: a control character (below 0x20), `"` or `\`.
/// Eight bytes a step, each tested with the exact word tricks for "some byte is zero" and "some
/// byte is below n" (n <= 128).
fn needs_escape(b: &[u8]) -> bool {
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

/// Append a record's remedies as a JSON array.
pub fn write_remedies(remedies: &[Remedy], out: &mut Vec<u8>) {
    write_array(remedies, out, |r, out| {
        write_remedy(
            out,
            [&r.id, &r.title, &r.explanation],
            &r.steps,
            r.policy.as_ref().map(PolicyJson::Value),
            &r.apply,
            r.snippets.iter().map(|(k, v)| (k.as_str(), v)),
        )
    });
}

/// [`write_remedies`] for remedies still being built: the bytes written for the [`Remedy`]s
/// they become, without making them.
pub(crate) fn write_drafts(drafts: &[Draft], out: &mut Vec<u8>) {
    write_array(drafts, out, |d, out| {
        write_remedy(
            out,
            [d.id, &d.title, &d.explanation],
            &d.steps,
            d.policy.as_ref().map(|p| match p {
                Policy::Json(text) => PolicyJson::Text(text),
                Policy::Value(v) => PolicyJson::Value(v),
            }),
            &d.apply,
            d.snippets().iter().map(|(k, v)| (*k, v)),
        )
    });
}

/// A text of a remedy, written as a JSON string.
trait JsonText {
    fn write_json(&self, out: &mut Vec<u8>);
}

impl JsonText for String {
    fn write_json(&self, out: &mut Vec<u8>) {
        write_str(self, out);
    }
}

impl JsonText for std::borrow::Cow<'_, str> {
    fn write_json(&self, out: &mut Vec<u8>) {
        write_str(self, out);
    }
}

impl JsonText for Artifact {
    fn write_json(&self, out: &mut Vec<u8>) {
        match self {
            Artifact::Text(t) => write_str(t, out),
            Artifact::Json(j) => out.extend_from_slice(j),
        }
    }
}

fn write_array<T>(items: &[T], out: &mut Vec<u8>, write_item: impl Fn(&T, &mut Vec<u8>)) {
    out.push(b'[');
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        write_item(item, out);
    }
    out.push(b']');
}

/// A remedy's policy document to write.
enum PolicyJson<'a> {
    Value(&'a serde_json::Value),
    /// Already compact JSON text.
    Text(&'a str),
}

/// One remedy's object: `id`, `title` and `explanation`, the steps, the policy, the commands
/// and the snippets (sorted by tool).
fn write_remedy<'s, S: JsonText, A: JsonText + 's>(
    out: &mut Vec<u8>,
    [id, title, explanation]: [&str; 3],
    steps: &[S],
    policy: Option<PolicyJson>,
    apply: &[A],
    snippets: impl Iterator<Item = (&'s str, &'s A)>,
) {
    let mut o = Object::open(out);
    o.str("id", id);
    o.str("title", title);
    o.str("explanation", explanation);
    o.strings("steps", steps);
    match policy {
        Some(PolicyJson::Value(policy)) => {
            o.key("policy");
            // Small and rare next to the texts; serde_json writes a Value exactly as it would here.
            serde_json::to_writer(&mut *o.out, policy).expect("writing to a Vec cannot fail");
        }
        Some(PolicyJson::Text(text)) => {
            o.key("policy");
            o.out.extend_from_slice(text.as_bytes());
        }
        None => {}
    }
    o.strings("apply", apply);
    o.key("snippets");
    let mut s = Object::open(o.out);
    for (k, v) in snippets {
        s.data_key(k);
        v.write_json(s.out);
    }
    s.close();
    o.close();
}

fn write_source(s: &Source, out: &mut Vec<u8>) {
    out.extend_from_slice(b"{\"name\":");
    write_field_str(&s.name, out);
    if let Some(n) = s.line {
        out.extend_from_slice(b",\"line\":");
        out.extend_from_slice(itoa::Buffer::new().format(n).as_bytes());
    }
    if let Some(g) = &s.log_group {
        out.extend_from_slice(b",\"log_group\":");
        write_field_str(g, out);
    }
    if let Some(st) = &s.log_stream {
        out.extend_from_slice(b",\"log_stream\":");
        write_field_str(st, out);
    }
    if let Some(e) = &s.event_id {
        out.extend_from_slice(b",\"event_id\":");
        write_field_str(e, out);
    }
    if let Some(t) = s.timestamp {
        out.extend_from_slice(b",\"timestamp\":");
        out.extend_from_slice(itoa::Buffer::new().format(t).as_bytes());
    }
    if let Some(l) = &s.lookup {
        // Rare (one per failure `why` finds) and nested: serde writes it.
        out.extend_from_slice(b",\"lookup\":");
        let _ = serde_json::to_writer(&mut *out, l);
    }
    out.push(b'}');
}

fn write_span(s: Span, out: &mut Vec<u8>) {
    out.extend_from_slice(b"{\"start\":");
    out.extend_from_slice(itoa::Buffer::new().format(s.start).as_bytes());
    out.extend_from_slice(b",\"end\":");
    out.extend_from_slice(itoa::Buffer::new().format(s.end).as_bytes());
    out.push(b'}');
}

/// A JSON object being written: keys separated by commas, in the order they are given.
struct Object<'a> {
    out: &'a mut Vec<u8>,
    first: bool,
}

impl<'a> Object<'a> {
    fn open(out: &'a mut Vec<u8>) -> Self {
        out.push(b'{');
        Object { out, first: true }
    }

    /// One of the contract's keys: plain ASCII words, written without an escape scan.
    fn key(&mut self, k: &'static str) {
        debug_assert!(k.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'));
        self.comma();
        self.out.push(b'"');
        self.out.extend_from_slice(k.as_bytes());
        self.out.extend_from_slice(b"\":");
    }

    /// A key from data (a snippet's tool name), escaped like any string.
    fn data_key(&mut self, k: &str) {
        self.comma();
        write_str(k, self.out);
        self.out.push(b':');
    }

    fn comma(&mut self) {
        if !self.first {
            self.out.push(b',');
        }
        self.first = false;
    }

    fn str(&mut self, k: &'static str, v: &str) {
        self.key(k);
        write_str(v, self.out);
    }

    fn strings<S: JsonText>(&mut self, k: &'static str, v: &[S]) {
        self.key(k);
        self.out.push(b'[');
        for (i, s) in v.iter().enumerate() {
            if i > 0 {
                self.out.push(b',');
            }
            s.write_json(self.out);
        }
        self.out.push(b']');
    }

    fn close(self) {
        self.out.push(b'}');
    }
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
    use crate::record::{Deny, PolicyType};
    use proptest::prelude::*;

    fn ours(rec: &Record) -> Vec<u8> {
        let mut v = Vec::new();
        write_record(rec, &mut v);
        v
    }

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
    fn a_full_record_is_written_as_serde_json_writes_it() {
        let mut rec = Record {
            error_code: Some("AccessDeniedException".into()),
            status_code: Some(400),
            message: Some("User: arn:aws:sts::1:assumed-role/r/s is not\tauthorized \"x\"".into()),
            deny: Some(Deny::Explicit),
            policy_type: Some(PolicyType::ServiceControl),
            ..Record::default()
        };
        rec.source.name = "-".into();
        rec.source.line = Some(12);
        rec.source.timestamp = Some(-5);
        rec.source.log_group = Some("/aws/lambda/f".into());
        rec.source.lookup = Some(Box::new(crate::record::Lookup {
            call: "states:GetExecutionHistory".into(),
            state: Some("Run \"task\"".into()),
            parameters: Some(serde_json::json!({"Cluster": "c", "Count": 1})),
            exit_code: Some(-1),
            ..Default::default()
        }));
        rec.span = Span { start: 3, end: 90 };
        rec.remedies = crate::remedy::remedies_for(&rec, crate::Lang::En);
        assert!(!rec.remedies.is_empty());
        assert_eq!(ours(&rec), serde_json::to_vec(&rec).unwrap());
        let mut pass_role = Record {
            error_code: Some("AccessDeniedException".into()),
            principal: Some("arn:aws:sts::123456789012:assumed-role/deploy/x".into()),
            action: Some("iam:PassRole".into()),
            resource: Some("arn:aws:iam::123456789012:role/ecsTaskExecutionRole".into()),
            deny: Some(Deny::Implicit),
            policy_type: Some(PolicyType::IdentityBased),
            ..Record::default()
        };
        pass_role.remedies = crate::remedy::remedies_for(&pass_role, crate::Lang::Ja);
        assert!(pass_role.remedies.iter().any(|r| r.policy.is_some()));
        assert_eq!(ours(&pass_role), serde_json::to_vec(&pass_role).unwrap());
        let mut raw = Vec::new();
        write_remedies(&pass_role.remedies, &mut raw);
        let mut with = Vec::new();
        write_record_with(&pass_role, &mut with, |o| o.extend_from_slice(&raw));
        assert_eq!(with, ours(&pass_role));
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

        #[test]
        fn any_text_in_any_field_is_written_as_serde_json_writes_it(
            texts in proptest::collection::vec(any::<String>(), 6),
            bytes in proptest::collection::vec(any::<u8>(), 0..64),
            status in any::<Option<u16>>(),
            line in any::<Option<u64>>(),
        ) {
            let lossy = String::from_utf8_lossy(&bytes).into_owned();
            let mut rec = Record {
                error_code: Some(texts[0].clone()),
                service: Some(lossy.clone()),
                message: Some(texts[1].clone() + &lossy),
                resource: Some(texts[2].clone()),
                status_code: status,
                ..Record::default()
            };
            rec.source.name = texts[3].clone();
            rec.source.line = line;
            rec.source.event_id = Some(texts[4].clone());
            rec.remedies = vec![Remedy {
                id: texts[5].clone(),
                steps: vec![lossy.clone(), texts[1].clone()],
                snippets: [(texts[2].clone(), lossy.clone()), ("b".into(), texts[0].clone())]
                    .into_iter()
                    .collect(),
                policy: Some(serde_json::json!({"Statement": [{"Resource": lossy}]})),
                ..Remedy::default()
            }];
            prop_assert_eq!(ours(&rec), serde_json::to_vec(&rec).unwrap());
        }
    }
}
