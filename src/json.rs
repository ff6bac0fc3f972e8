//! The JSON output line of a record, written directly: byte for byte what `serde_json` writes
//! for the derived `Serialize` (a test holds the two equal), at a fraction of the cost.
//!
//! Records are written far more often than anything else awsplain does with them, and most of
//! a record's bytes are long catalog texts: strings go through [`crate::json_string`], and the
//! remedies of a record can come in already written (the remedy cache keeps them as JSON, see
//! [`crate::remedy_cache`]). This module only writes; it knows nothing of how remedies are made.

use crate::json_string::{needs_escape, write_str};
use crate::record::{Record, Remedy, Source, Span};

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

/// Append a record's remedies as a JSON array.
pub fn write_remedies(remedies: &[Remedy], out: &mut Vec<u8>) {
    out.push(b'[');
    for (i, r) in remedies.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        write_remedy(r, out);
    }
    out.push(b']');
}

/// One remedy's object: `id`, `title` and `explanation`, the steps, the policy, the commands
/// and the snippets (sorted by tool).
fn write_remedy(r: &Remedy, out: &mut Vec<u8>) {
    let mut o = Object::open(out);
    o.str("id", &r.id);
    o.str("title", &r.title);
    o.str("explanation", &r.explanation);
    o.strings("steps", &r.steps);
    if let Some(policy) = &r.policy {
        o.key("policy");
        // Small next to the texts; serde_json writes a Value exactly as it would here.
        serde_json::to_writer(&mut *o.out, policy).expect("writing to a Vec cannot fail");
    }
    o.strings("apply", &r.apply);
    o.key("snippets");
    let mut s = Object::open(o.out);
    for (k, v) in &r.snippets {
        s.data_key(k);
        write_str(v, s.out);
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

    fn strings(&mut self, k: &'static str, v: &[String]) {
        self.key(k);
        self.out.push(b'[');
        for (i, s) in v.iter().enumerate() {
            if i > 0 {
                self.out.push(b',');
            }
            write_str(s, self.out);
        }
        self.out.push(b']');
    }

    fn close(self) {
        self.out.push(b'}');
    }
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

    proptest! {
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
