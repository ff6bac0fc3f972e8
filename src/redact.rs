//! Masking of account ids, access key ids, session names, request ids and secrets (secret
//! access keys, session tokens, passwords in URLs) for `--redact`; [`secret_in`] tells the
//! CLI when a text it would echo holds a secret.
//!
//! A [`Redactor`] lives for one run so that masks are consistent: the same account id always
//! becomes the same `<ACCOUNT-n>`, which keeps "two different accounts" visible in a pasted
//! ticket without revealing either. Matching is hand-written rather than regex-based because it
//! runs on every string of every record and the shapes are simple and fixed.

use crate::record::{Record, Remedy};
use std::collections::HashMap;

/// What a masked value was; decides the mask's label.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Kind {
    Account,
    AccessKey,
    UniqueId,
    Session,
    RequestId,
    /// A secret access key, a session token or a password in a URL.
    Secret,
}

impl Kind {
    fn label(self) -> &'static str {
        match self {
            Kind::Account => "ACCOUNT",
            Kind::AccessKey => "ACCESS-KEY",
            Kind::UniqueId => "UNIQUE-ID",
            Kind::Session => "SESSION",
            Kind::RequestId => "REQUEST-ID",
            Kind::Secret => "SECRET",
        }
    }
}

/// Four-letter prefixes of IAM identifiers. `AKIA`/`ASIA` are access key ids (long-term and
/// temporary); the rest are unique ids of users, roles, groups, policies and certificates,
/// which also identify a principal and are masked separately.
const KEY_PREFIXES: &[(&[u8; 4], Kind)] = &[
    (b"AKIA", Kind::AccessKey),
    (b"ASIA", Kind::AccessKey),
    (b"AIDA", Kind::UniqueId),
    (b"AROA", Kind::UniqueId),
    (b"AGPA", Kind::UniqueId),
    (b"ANPA", Kind::UniqueId),
    (b"ANVA", Kind::UniqueId),
    (b"APKA", Kind::UniqueId),
    (b"ASCA", Kind::UniqueId),
    (b"AIPA", Kind::UniqueId),
    (b"ABIA", Kind::UniqueId),
    (b"ACCA", Kind::UniqueId),
];

/// A masked token: `value` (normalised) replaces `start..end`, which may begin after the
/// match position when a keyword introduces the value.
struct Hit {
    start: usize,
    end: usize,
    kind: Kind,
    value: String,
}

/// Consistent masking state for one run.
#[derive(Debug, Default)]
pub struct Redactor {
    masks: HashMap<(Kind, String), usize>,
    next: HashMap<Kind, usize>,
}

impl Redactor {
    pub fn new() -> Self {
        Self::default()
    }

    fn mask(&mut self, kind: Kind, value: &str) -> String {
        let key = (kind, value.to_string());
        let n = match self.masks.get(&key) {
            Some(n) => *n,
            None => {
                let c = self.next.entry(kind).or_insert(0);
                *c += 1;
                let n = *c;
                self.masks.insert(key, n);
                n
            }
        };
        format!("<{}-{}>", kind.label(), n)
    }

    /// Mask every account id, access key id, unique id, assumed-role session name and
    /// keyword-introduced request id in free text.
    pub fn redact_str(&mut self, s: &str) -> String {
        let b = s.as_bytes();
        let mut out = String::with_capacity(s.len());
        // `copied` is the end of the part of `s` already copied to `out`.
        let mut copied = 0;
        let mut i = 0;
        while i < b.len() {
            let prev = if i == 0 { None } else { Some(b[i - 1]) };
            if let Some(h) = match_at(b, i, prev) {
                out.push_str(&s[copied..h.start]);
                let m = self.mask(h.kind, &h.value);
                out.push_str(&m);
                copied = h.end;
                i = h.end;
                // An `AROA...:session` unique id carries the session name after the colon.
                if h.kind == Kind::UniqueId
                    && h.value.starts_with("AROA")
                    && b.get(i) == Some(&b':')
                {
                    let send = i + 1 + session_len(&b[i + 1..]);
                    if send > i + 1 {
                        out.push(':');
                        let m = self.mask(Kind::Session, &s[i + 1..send]);
                        out.push_str(&m);
                        copied = send;
                        i = send;
                    }
                }
                continue;
            }
            i += 1;
        }
        out.push_str(&s[copied..]);
        out
    }
}

/// The token to mask found at byte `i` (an ASCII byte, so every slice stays on a char boundary).
fn match_at(b: &[u8], i: usize, prev: Option<u8>) -> Option<Hit> {
    // Secrets first: a key may begin with twelve digits or `AKIA`.
    if let Some(h) = secret_at(b, i, prev) {
        return Some(h);
    }
    let c = b[i];
    if c.is_ascii_digit() && !prev.is_some_and(|p| p.is_ascii_digit()) {
        return account_at(b, i);
    }
    if c == b'A' && !prev.is_some_and(|p| p.is_ascii_alphanumeric()) {
        if let Some(m) = key_id_at(b, i) {
            return Some(m);
        }
    }
    if (c == b'a' || c == b'A') && b[i..].starts_with(b"assumed-role/") {
        let role_start = i + "assumed-role/".len();
        let role_end = role_start
            + b[role_start..]
                .iter()
                .position(|&x| !is_session_byte(x))
                .unwrap_or(b.len() - role_start);
        if b.get(role_end) == Some(&b'/') {
            let s_start = role_end + 1;
            let s_len = session_len(&b[s_start..]);
            if s_len > 0 {
                // Only the session name is masked; the role name is what a reader needs.
                return Some(Hit {
                    start: s_start,
                    end: s_start + s_len,
                    kind: Kind::Session,
                    value: text(&b[s_start..s_start + s_len]),
                });
            }
        }
    }
    if (c == b'r' || c == b'R') && !prev.is_some_and(|p| p.is_ascii_alphabetic()) {
        return request_id_at(b, i);
    }
    None
}

impl Redactor {
    /// Mask every string of a record, its remedies (texts, policies, commands, snippets)
    /// and its source. The request id field is masked whole and wherever else it occurs.
    pub fn redact_record(&mut self, rec: &mut Record) {
        let mut literals: Vec<(String, String)> = Vec::new();
        if let Some(id) = rec.request_id.as_ref().filter(|id| !id.is_empty()) {
            literals.push((id.clone(), self.mask(Kind::RequestId, id)));
        }
        let mut fix = |s: &mut String| {
            for (from, to) in &literals {
                if s.contains(from.as_str()) {
                    *s = s.replace(from.as_str(), to);
                }
            }
            *s = self.redact_str(s);
        };
        for f in [
            &mut rec.error_code,
            &mut rec.wrapper_code,
            &mut rec.service,
            &mut rec.operation,
            &mut rec.request_id,
            &mut rec.message,
            &mut rec.format,
            &mut rec.principal,
            &mut rec.action,
            &mut rec.resource,
            &mut rec.policy_arn,
            &mut rec.encoded_message,
            &mut rec.authorization_id,
            &mut rec.source.log_group,
            &mut rec.source.log_stream,
            &mut rec.source.event_id,
        ]
        .into_iter()
        .flatten()
        {
            fix(f);
        }
        fix(&mut rec.source.name);
        if let Some(l) = rec.source.lookup.as_deref_mut() {
            for f in [
                &mut l.state,
                &mut l.state_resource,
                &mut l.logical_id,
                &mut l.container,
            ]
            .into_iter()
            .flatten()
            {
                fix(f);
            }
            if let Some(p) = &mut l.parameters {
                redact_json(p, &mut fix);
            }
        }
        for r in &mut rec.remedies {
            redact_remedy(r, &mut fix);
        }
    }
}

fn redact_remedy(r: &mut Remedy, fix: &mut dyn FnMut(&mut String)) {
    fix(&mut r.id);
    fix(&mut r.title);
    fix(&mut r.explanation);
    r.steps.iter_mut().for_each(&mut *fix);
    r.apply.iter_mut().for_each(&mut *fix);
    for v in r.snippets.values_mut() {
        fix(v);
    }
    if let Some(p) = &mut r.policy {
        redact_json(p, fix);
    }
}

fn redact_json(v: &mut serde_json::Value, fix: &mut dyn FnMut(&mut String)) {
    use serde_json::Value;
    match v {
        Value::String(s) => fix(s),
        Value::Array(a) => a.iter_mut().for_each(|x| redact_json(x, fix)),
        Value::Object(o) => {
            // Keys are policy grammar (`Effect`, condition keys), but a condition key can
            // embed an account id (`aws:PrincipalAccount` values are strings, keys are not).
            for x in o.values_mut() {
                redact_json(x, fix);
            }
        }
        // A 12-digit account id written as a JSON number is still an account id.
        Value::Number(n) => {
            let t = n.to_string();
            if t.len() == 12 && t.bytes().all(|c| c.is_ascii_digit()) {
                let mut s = t;
                fix(&mut s);
                *v = Value::String(s);
            }
        }
        _ => {}
    }
}

/// Words that introduce a secret value (compared without regard to ASCII case).
const SECRET_KEYWORDS: &[&[u8]] = &[
    b"aws_secret_access_key",
    b"secret_access_key",
    b"secretaccesskey",
    b"secret-access-key",
    b"aws_session_token",
    b"session_token",
    b"sessiontoken",
    b"x-amz-security-token",
    b"security_token",
];

/// How STS session tokens begin (base64 of their fixed header).
const SESSION_TOKEN_PREFIXES: &[&[u8]] = &[b"FwoGZXIvYXdz", b"IQoJb3JpZ2lu"];

/// Bytes of base64 text, and of its URL-encoded form (`%2F`).
fn is_secret_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'/' | b'+' | b'=' | b'%')
}

/// A secret at byte `i`: the value after a keyword, an STS session token, a bare secret
/// access key (40 base64 characters with upper and lower case letters and digits, not part
/// of a path or an ARN), or the password of a `scheme://user:password@host` URL.
fn secret_at(b: &[u8], i: usize, prev: Option<u8>) -> Option<Hit> {
    secret_and_kind_at(b, i, prev).map(|(h, _)| h)
}

/// [`secret_at`], with what the secret is, for the warning.
fn secret_and_kind_at(b: &[u8], i: usize, prev: Option<u8>) -> Option<(Hit, &'static str)> {
    const PASSWORD: &str = "a password in a URL";
    const TOKEN: &str = "a session token";
    const KEY: &str = "a secret access key";
    let c = b[i];
    let run = |from: usize| from + b[from..].iter().take_while(|&&x| is_secret_byte(x)).count();
    let hit = |start: usize, end: usize| Hit {
        start,
        end,
        kind: Kind::Secret,
        value: text(&b[start..end]),
    };
    if c == b':' && b[i..].starts_with(b"://") {
        let from = i + 3;
        let end = from
            + b[from..]
                .iter()
                .take_while(|&&x| {
                    !matches!(x, b'@' | b'/' | b'"' | b'\'' | b'?' | b'#')
                        && !x.is_ascii_whitespace()
                })
                .count();
        if b.get(end) == Some(&b'@') {
            if let Some(colon) = b[from..end].iter().position(|&x| x == b':') {
                let start = from + colon + 1;
                if start < end {
                    return Some((hit(start, end), PASSWORD));
                }
            }
        }
        return None;
    }
    if prev.is_some_and(|p| p.is_ascii_alphanumeric() || p == b'_') {
        return None;
    }
    if c.is_ascii_alphabetic() {
        if let Some(k) = SECRET_KEYWORDS
            .iter()
            .find(|k| b.len() >= i + k.len() && b[i..i + k.len()].eq_ignore_ascii_case(k))
        {
            let mut j = i + k.len();
            let sep = b[j..]
                .iter()
                .take(8)
                .take_while(|&&x| matches!(x, b' ' | b'\t' | b'"' | b'\'' | b':' | b'='))
                .count();
            j += sep;
            let end = run(j);
            if sep > 0 && end - j >= 16 {
                let what = if k.ends_with(b"key") { KEY } else { TOKEN };
                return Some((hit(j, end), what));
            }
        }
    }
    if SESSION_TOKEN_PREFIXES.iter().any(|p| b[i..].starts_with(p)) {
        let end = run(i);
        if end - i >= 100 {
            return Some((hit(i, end), TOKEN));
        }
    }
    let after_separator =
        !prev.is_some_and(|p| matches!(p, b':' | b'/' | b'-' | b'.' | b'+' | b'=' | b'%'));
    if after_separator && (c.is_ascii_alphanumeric() || c == b'+') {
        let end = i + b[i..]
            .iter()
            .take_while(|&&x| x.is_ascii_alphanumeric() || x == b'/' || x == b'+')
            .count();
        let key = &b[i..end];
        let next_ok = !b
            .get(end)
            .is_some_and(|&x| is_secret_byte(x) || x == b'-' || x == b'_');
        if key.len() == 40
            && next_ok
            && key.iter().any(u8::is_ascii_uppercase)
            && key.iter().any(u8::is_ascii_lowercase)
            && key.iter().any(u8::is_ascii_digit)
        {
            return Some((hit(i, end), KEY));
        }
    }
    None
}

/// What kind of secret `s` holds, if any: for the warning printed when output is not masked.
pub fn secret_in(s: &str) -> Option<&'static str> {
    let b = s.as_bytes();
    (0..b.len()).find_map(|i| {
        let prev = i.checked_sub(1).map(|p| b[p]);
        secret_and_kind_at(b, i, prev).map(|(_, what)| what)
    })
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// `123456789012` or the console's `1234-5678-9012`, not part of a longer digit run.
fn account_at(b: &[u8], i: usize) -> Option<Hit> {
    let digits = |from: usize, n: usize| {
        b.len() >= from + n && b[from..from + n].iter().all(u8::is_ascii_digit)
    };
    let not_digit_at = |j: usize| !b.get(j).is_some_and(u8::is_ascii_digit);
    if digits(i, 12) && not_digit_at(i + 12) {
        return Some(Hit {
            start: i,
            end: i + 12,
            kind: Kind::Account,
            value: text(&b[i..i + 12]),
        });
    }
    if digits(i, 4)
        && b.get(i + 4) == Some(&b'-')
        && digits(i + 5, 4)
        && b.get(i + 9) == Some(&b'-')
        && digits(i + 10, 4)
        && not_digit_at(i + 14)
    {
        let v: String = b[i..i + 14]
            .iter()
            .filter(|c| c.is_ascii_digit())
            .map(|&c| c as char)
            .collect();
        return Some(Hit {
            start: i,
            end: i + 14,
            kind: Kind::Account,
            value: v,
        });
    }
    None
}

/// An IAM identifier: known prefix, then upper-case letters and digits, 16 to 32 in all.
fn key_id_at(b: &[u8], i: usize) -> Option<Hit> {
    let rest = &b[i..];
    let (_, kind) = KEY_PREFIXES
        .iter()
        .find(|(p, _)| rest.starts_with(&p[..]))?;
    let len = rest
        .iter()
        .position(|c| !(c.is_ascii_uppercase() || c.is_ascii_digit()))
        .unwrap_or(rest.len());
    if !(16..=32).contains(&len) || rest.get(len).is_some_and(|c| c.is_ascii_alphanumeric()) {
        return None;
    }
    Some(Hit {
        start: i,
        end: i + len,
        kind: *kind,
        value: text(&rest[..len]),
    })
}

/// Role session names: letters, digits and `+=,.@_-`, at most 64 (we accept more).
fn is_session_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'+' | b'=' | b',' | b'.' | b'@' | b'_' | b'-')
}

/// Length of a session name at the start of `b`. A trailing `.` or `,` is sentence
/// punctuation, not part of the name.
fn session_len(b: &[u8]) -> usize {
    let mut n = b
        .iter()
        .position(|&c| !is_session_byte(c))
        .unwrap_or(b.len());
    while n > 0 && matches!(b[n - 1], b'.' | b',') {
        n -= 1;
    }
    n
}

/// `Request ID: x`, `RequestId: x`, `request-id=x`, `"requestID":"x"`, `x-amzn-RequestId: x`,
/// `Extended Request ID: x`: the keyword, an optional quote, `:` or `=`, then the id.
fn request_id_at(b: &[u8], i: usize) -> Option<Hit> {
    let lower = |j: usize| b.get(j).map(|c| c.to_ascii_lowercase());
    let mut j = i;
    for &c in b"request" {
        if lower(j)? != c {
            return None;
        }
        j += 1;
    }
    if matches!(b.get(j), Some(b' ' | b'-' | b'_')) {
        j += 1;
    }
    if lower(j)? != b'i' || lower(j + 1)? != b'd' {
        return None;
    }
    j += 2;
    if b.get(j) == Some(&b'"') {
        j += 1;
    }
    while b.get(j) == Some(&b' ') {
        j += 1;
    }
    if !matches!(b.get(j), Some(b':' | b'=')) {
        return None;
    }
    j += 1;
    while matches!(b.get(j), Some(b' ' | b'"')) {
        j += 1;
    }
    let start = j;
    let is_id = |c: &u8| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'+' | b'/' | b'=' | b'_');
    let len = b[start..]
        .iter()
        .position(|c| !is_id(c))
        .unwrap_or(b.len() - start);
    // Short tokens after the keyword are words ("Request ID: none"), not ids.
    if len < 8 {
        return None;
    }
    // The keyword stays; only the id is replaced.
    Some(Hit {
        start,
        end: start + len,
        kind: Kind::RequestId,
        value: text(&b[start..start + len]),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_account_same_mask_and_distinct_accounts_differ() {
        let mut r = Redactor::new();
        let a = r.redact_str("arn:aws:iam::123456789012:role/a and arn:aws:s3:::b in 210987654321");
        assert_eq!(
            a,
            "arn:aws:iam::<ACCOUNT-1>:role/a and arn:aws:s3:::b in <ACCOUNT-2>"
        );
        assert_eq!(
            r.redact_str("account 1234-5678-9012"),
            "account <ACCOUNT-1>"
        );
        // Longer digit runs (millisecond timestamps) are not account ids.
        assert_eq!(r.redact_str("at 1700000000000"), "at 1700000000000");
    }

    #[test]
    fn secrets_are_masked_and_named() {
        let key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
        let token = format!("IQoJb3JpZ2luX2VjE{}", "Ab1+/".repeat(30));
        let mut r = Redactor::new();
        let out = r.redact_str(&format!(
            "aws_secret_access_key = {key}\nAWS_SESSION_TOKEN={token}\n\
             postgres://app:s3cr3t-Pass@db.example.com:5432/orders bare {key}"
        ));
        assert_eq!(
            out,
            "aws_secret_access_key = <SECRET-1>\nAWS_SESSION_TOKEN=<SECRET-2>\n\
             postgres://app:<SECRET-3>@db.example.com:5432/orders bare <SECRET-1>"
        );
        assert_eq!(
            secret_in(&format!("\"SecretAccessKey\": \"{key}\"")),
            Some("a secret access key")
        );
        assert_eq!(secret_in(&token), Some("a session token"));
        assert_eq!(
            secret_in("https://u:p@example.com/x"),
            Some("a password in a URL")
        );
        // ARNs, paths, hashes, request ids and URLs without a password are not secrets.
        for plain in [
            "arn:aws:sts::123456789012:assumed-role/OrdersStateMachineRole/7f3c2a9e1b4d4c5",
            "commit 9fceb02d0ae598e95dc970b74767f19372d61af8",
            "https://user@example.com/a:b@c",
            "https://example.com/path?x=a:b@c",
            "Request ID: 5b7f2c1e-3d4a-4e8b-9c0d-1a2b3c4d5e6f",
            "s3://bucket/Some/Path/With/Upper/And/Digits/1234567",
        ] {
            assert_eq!(secret_in(plain), None, "{plain}");
        }
    }

    #[test]
    fn keys_sessions_and_request_ids() {
        let mut r = Redactor::new();
        let out = r.redact_str(
            "key AKIAIOSFODNN7EXAMPLE, temp ASIAXXXXXXXXXXXXXXXX; \
             arn:aws:sts::123456789012:assumed-role/Deploy/alice@example.com. \
             userId AROA3XFRBF535PLBIFPI4:botocore-session-1 \
             (Request ID: 0c4a2e1f-8c2d-4b0e-9f3a-1d2e3f4a5b6c; Proxy: null) \
             \"requestID\":\"ABCDEF0123456789\"",
        );
        assert_eq!(
            out,
            "key <ACCESS-KEY-1>, temp <ACCESS-KEY-2>; \
             arn:aws:sts::<ACCOUNT-1>:assumed-role/Deploy/<SESSION-1>. \
             userId <UNIQUE-ID-1>:<SESSION-2> \
             (Request ID: <REQUEST-ID-1>; Proxy: null) \
             \"requestID\":\"<REQUEST-ID-2>\""
        );
        // Words after the keyword and key-like prefixes inside words stay.
        assert_eq!(
            r.redact_str("Request ID: none; XAKIAIOSFODNN7EXAMPLE"),
            "Request ID: none; XAKIAIOSFODNN7EXAMPLE"
        );
    }

    #[test]
    fn record_fields_remedies_and_policies() {
        let mut rec = Record {
            request_id: Some("REQ-abc-123".into()),
            message: Some("failed, request REQ-abc-123 by 123456789012".into()),
            principal: Some("arn:aws:sts::123456789012:assumed-role/R/s1".into()),
            ..Default::default()
        };
        rec.remedies.push(Remedy {
            apply: vec!["aws iam put-role-policy --role-name R --policy-document file://p.json".into()],
            policy: Some(serde_json::json!({"Resource": "arn:aws:iam::123456789012:role/x", "Account": 123456789012u64})),
            ..Default::default()
        });
        let mut r = Redactor::new();
        r.redact_record(&mut rec);
        assert_eq!(rec.request_id.as_deref(), Some("<REQUEST-ID-1>"));
        assert_eq!(
            rec.message.as_deref(),
            Some("failed, request <REQUEST-ID-1> by <ACCOUNT-1>")
        );
        assert_eq!(
            rec.principal.as_deref(),
            Some("arn:aws:sts::<ACCOUNT-1>:assumed-role/R/<SESSION-1>")
        );
        let p = rec.remedies[0].policy.as_ref().unwrap();
        assert_eq!(p["Resource"], "arn:aws:iam::<ACCOUNT-1>:role/x");
        assert_eq!(p["Account"], "<ACCOUNT-1>");
    }

    #[test]
    fn non_ascii_text_survives() {
        let mut r = Redactor::new();
        assert_eq!(
            r.redact_str("ユーザー 123456789012 は拒否"),
            "ユーザー <ACCOUNT-1> は拒否"
        );
    }
}
