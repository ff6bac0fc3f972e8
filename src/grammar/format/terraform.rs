//! What the Terraform AWS provider writes before the SDK's error: `error calling
//! sts:GetCallerIdentity: ...` names the operation (older providers), and `creating EC2
//! Instance: ...`, `reading IAM Role (app): ...` name the service (provider 4 and later). The
//! SDK's error after them is read by the other grammars; these pieces only add a field.

use super::piece::{Field, Piece, Strength};
use super::{Format, Marks};

/// The words the provider opens its diagnostics with, each followed by a space.
pub const VERBS: [&str; 5] = [
    "creating ",
    "reading ",
    "updating ",
    "deleting ",
    "waiting for ",
];

/// `error calling svc:Operation:` at `at`.
pub fn calling_at(text: &str, at: usize) -> Option<Piece<'_>> {
    let r = text[at..].strip_prefix("error calling ")?;
    let (svc, rest) = r.split_once(':')?;
    if svc.is_empty()
        || !svc
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        return None;
    }
    let len = rest.bytes().take_while(u8::is_ascii_alphanumeric).count();
    let op = &rest[..len];
    if len < 3 || !op.as_bytes()[0].is_ascii_uppercase() || !rest[len..].starts_with(':') {
        return None;
    }
    let end = text.len() - rest.len() + len;
    let mut p = Piece::new(at, end, Strength::Context, "terraform", 25);
    p.set(Field::Operation, op);
    Some(p)
}

/// `creating EC2 Instance:` at `at`, the verb `len` bytes long: the service word, when AWS's
/// models know it as a service's name, and the diagnostic opens its line or follows `Error: `.
pub fn resource_verb_at(text: &str, at: usize, len: usize) -> Option<Piece<'_>> {
    let before = text[super::lex::line_start(text, at)..at].trim_end_matches([' ', '\t', '│']);
    if !(before.is_empty() || before.ends_with("Error:") || before.ends_with("error")) {
        return None;
    }
    let r = &text[at + len..];
    let word_len = r.bytes().take_while(u8::is_ascii_alphanumeric).count();
    let word = &r[..word_len];
    // The resource type follows, capitalised (`EC2 Instance`, `IAM Role`, `S3 Bucket`).
    let next = r[word_len..].strip_prefix(' ')?;
    if word_len < 2
        || !word.as_bytes()[0].is_ascii_uppercase()
        || !next.as_bytes().first().is_some_and(u8::is_ascii_uppercase)
        || crate::models::service_by_sdk_name(word).is_none()
    {
        return None;
    }
    // One word of resource type, then the diagnostic's colon or the resource's name: a second
    // capitalised word may belong to the service (`CloudWatch Log Group` is CloudWatch Logs').
    let type_len = next.bytes().take_while(u8::is_ascii_alphanumeric).count();
    let after = &next[type_len..];
    if !(after.starts_with(':') || after.starts_with(" (")) {
        return None;
    }
    let mut p = Piece::new(at, at + len + word_len, Strength::Context, "terraform", 8);
    p.set(Field::Service, word);
    Some(p)
}

pub(crate) static FORMAT: Format = Format {
    name: "terraform",
    sample: "terraform.txt",
    ebnf: (
        "misc.ebnf",
        "Terraform AWS provider phrases (src/grammar/format/terraform.rs)",
    ),
    // The verbs' anchors carry their length.
    anchors: |add| {
        add("error calling ", 0);
        for v in VERBS {
            add(v, v.len() as u8);
        }
    },
    marks: &[
        ("│ Error", Marks::TERRAFORM),
        ("Error applying plan", Marks::TERRAFORM),
        ("[terraform]", Marks::TERRAFORM),
        ("* aws_", Marks::TF_ADDRESS),
    ],
    parse: |ev, at, _, verb| match verb {
        0 => calling_at(ev.text, at),
        n => resource_verb_at(ev.text, at, usize::from(n)),
    },
    ..Format::DEFAULT
};

/// `* aws_security_group.x: Code: ...` — Terraform names the resource it was working on, on
/// the line of the record's start.
pub(crate) fn address(text: &str, start: usize) -> Option<String> {
    let line = &text[super::lex::line_start(text, start)..];
    let pos = super::lex::find(line, "* aws_")?;
    let r = &line[pos + 2..];
    let end = super::lex::find(r, ": ")?;
    let addr = &r[..end];
    (addr.contains('.') && !addr.contains(' ')).then(|| addr.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calling_names_the_operation() {
        let t = "* provider.aws: error calling sts:GetCallerIdentity: InvalidClientTokenId: bad";
        let p = calling_at(t, t.find("error calling").unwrap()).unwrap();
        assert_eq!(p.get(Field::Operation), Some("GetCallerIdentity"));
        assert!(calling_at("error calling home: later", 0).is_none());
    }

    #[test]
    fn verb_names_a_service_the_models_know() {
        let t = "creating EC2 Instance: VcpuLimitExceeded: You have requested more";
        assert_eq!(
            resource_verb_at(t, 0, 9).unwrap().get(Field::Service),
            Some("EC2")
        );
        let t = "│ Error: reading IAM Role (app): operation error IAM: GetRole";
        let at = t.find("reading").unwrap();
        assert_eq!(
            resource_verb_at(t, at, 8).unwrap().get(Field::Service),
            Some("IAM")
        );
        // Prose, or a word that names no service.
        assert!(resource_verb_at("we are creating EC2 Instance: soon", 7, 9).is_none());
        assert!(resource_verb_at("creating Widget Factory: x", 0, 9).is_none());
        // The type is one word: `CloudWatch Log Group` names CloudWatch Logs, not CloudWatch.
        assert!(resource_verb_at("creating CloudWatch Log Group: x", 0, 9).is_none());
    }
}
