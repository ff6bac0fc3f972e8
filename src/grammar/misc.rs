//! Smaller shapes: HTTP status lines, CloudFormation handler messages, PHP and s3cmd errors,
//! Lambda runtime lines, ECS task messages, and messages that name an AWS failure without a code.

use super::codeless::KNOWN;
use super::lex::{class, is_uuid, quoted, status, trim_trailing};
use super::piece::{Field, Piece, Strength};

const REASONS: &[&str] = &[
    "Bad Request",
    "Forbidden",
    "Not Found",
    "Conflict",
    "Too Many Requests",
    "Service Unavailable",
    "Internal Server Error",
    "Unauthorized",
];

/// `HTTP/1.1 403`, `"POST / HTTP/1.1" 403`, `403 Forbidden`, `HTTP 403 returned`, `Error 429:`.
pub fn http_status_at(text: &str, at: usize) -> Option<Piece<'_>> {
    let s = &text[at..];
    let (n, len) = if let Some(r) = s
        .strip_prefix("HTTP/1.1")
        .or_else(|| s.strip_prefix("HTTP/1.0"))
        .or_else(|| s.strip_prefix("HTTP/2"))
    {
        let r2 = r.trim_start_matches(['"', ' ']);
        let (_, n) = status(r2).ok()?;
        (n, s.len() - r2.len() + 3)
    } else if let Some(r) = s.strip_prefix("HTTP ").or_else(|| s.strip_prefix("Error ")) {
        let (rest, n) = status(r).ok()?;
        if !(rest.starts_with(" returned") || rest.starts_with(':')) {
            return None;
        }
        (n, s.len() - rest.len())
    } else {
        let (rest, n) = status(s).ok()?;
        let rest = rest.strip_prefix(' ')?;
        if at > 0 && text.as_bytes()[at - 1].is_ascii_alphanumeric() {
            return None;
        }
        let reason = REASONS.iter().find(|r| {
            rest.len() >= r.len() && rest.as_bytes()[..r.len()].eq_ignore_ascii_case(r.as_bytes())
        })?;
        (n, s.len() - rest.len() + reason.len())
    };
    let mut p = Piece::new(at, at + len, Strength::Context, "plain", 10);
    p.set_status(n);
    Some(p)
}

/// CloudFormation: `Resource handler returned message: "..." (RequestToken: T, HandlerErrorCode: C)`.
pub fn cfn_handler_code_at(text: &str, at: usize) -> Option<Piece<'_>> {
    let r = text[at..].strip_prefix("HandlerErrorCode:")?.trim_start();
    let end = r
        .find(|c: char| !c.is_ascii_alphanumeric())
        .unwrap_or(r.len());
    let code = &r[..end];
    let mut p = Piece::new(at, at + 17 + end, Strength::Error, "cloudformation", 20);
    p.set(Field::WrapperCode, code).set(Field::ErrorCode, code);
    Some(p)
}

/// `Invalid request provided: CreateService error: ...` names the operation.
pub fn provided_op_at(text: &str, at: usize) -> Option<Piece<'_>> {
    let r = text[at..]
        .strip_prefix("Invalid request provided:")?
        .trim_start();
    let end = r.find(|c: char| !c.is_ascii_alphanumeric())?;
    if !r[end..].starts_with(" error:") || end == 0 {
        return None;
    }
    let mut p = Piece::new(at, at + end, Strength::Context, "cloudformation", 30);
    p.set(Field::Operation, &r[..end]);
    Some(p)
}

/// PHP SDK: `Error executing "Op" on "https://svc..."; AWS HTTP error: ...`.
pub fn php_at(text: &str, at: usize) -> Option<Piece<'_>> {
    let r = text[at..].strip_prefix("Error executing ")?;
    let (_, op) = quoted(r).ok()?;
    let mut p = Piece::new(at, at, Strength::Context, "other-sdk", 55);
    p.set(Field::Operation, op);
    let line_end = text[at..].find('\n').map(|e| e + at).unwrap_or(text.len());
    let body = &text[at..line_end];
    if let Some(pos) = body.find("resulted in a `") {
        if let Ok((_, n)) = status(&body[pos + 15..]) {
            p.set_status(n);
        }
    }
    // The XML body is flattened into the message; its last token is the request id.
    if let Some(last) = body.split_whitespace().last() {
        let last = trim_trailing(last);
        if is_uuid(last) {
            p.set(Field::RequestId, last);
        }
    }
    p.end = line_end;
    Some(p)
}

/// s3cmd: `S3 error: 403 (SignatureDoesNotMatch): message`.
pub fn s3cmd_at(text: &str, at: usize) -> Option<Piece<'_>> {
    let r = text[at..].strip_prefix("S3 error: ")?;
    let Ok((r, n)) = status(r) else {
        // Older s3cmd releases print the message alone: `S3 error: Access Denied`.
        let msg = r.lines().next().unwrap_or("").trim();
        if msg.is_empty() || !msg.as_bytes()[0].is_ascii_uppercase() {
            return None;
        }
        let mut p = Piece::new(at, at + 10, Strength::Error, "other-sdk", 50);
        p.set(Field::Service, "S3").set(Field::Message, msg);
        return Some(p);
    };
    let r = r.strip_prefix(" (")?;
    let end = r.find(')')?;
    let mut p = Piece::new(at, at + 10, Strength::Error, "other-sdk", 50);
    p.set(Field::Service, "S3")
        .set_status(n)
        .set(Field::ErrorCode, &r[..end]);
    if let Some(m) = r[end..].strip_prefix("): ") {
        p.set(Field::Message, m.lines().next().unwrap_or(""));
    }
    Some(p)
}

/// Lambda runtime line `<ISO time>\t<request id>\t...`: the invocation id.
pub fn lambda_line_at(text: &str, at: usize) -> Option<Piece<'_>> {
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

/// A known message at `at` (index `idx` of [`KNOWN`]): a weak record of its own.
/// `any_error_colon` is whether `text` holds an `Error: ` anywhere: the message starts after the
/// last one in its line, and an event without one (most) need not search each line for it.
pub fn known_message_at(
    text: &str,
    at: usize,
    idx: usize,
    any_error_colon: bool,
) -> Option<Piece<'_>> {
    let known = KNOWN.get(idx)?;
    let (m, format) = (known.text, known.format);
    // The anchor is the message's head.
    if !text[at..].starts_with(m) {
        return None;
    }
    let opening = memchr::memrchr2(b'\n', b'"', &text.as_bytes()[..at]);
    let line_start = opening.map_or(0, |p| p + 1);
    // Inside a quoted string (a JSON log line) the message ends with the string; on a line
    // of its own, quotes are part of it (`by running "aws configure".`).
    let quoted = opening.is_some_and(|p| text.as_bytes()[p] == b'"');
    let rest = &text.as_bytes()[at..];
    let line_end = if quoted {
        memchr::memchr2(b'\n', b'"', rest)
    } else {
        memchr::memchr(b'\n', rest)
    }
    .map_or(text.len(), |p| p + at);
    let mut p = Piece::new(at, at + m.len(), Strength::Error, format, 5);
    // A message that is a clause after a prefix (`get credentials: failed to refresh ...`,
    // `SdkClientException: Unable to load ...`) starts where it does; one that opens its
    // line keeps the line, less what an `Error: ` before it says.
    let before = text[line_start..at].trim_end_matches(' ');
    let msg = if before.ends_with(':') || before.ends_with(',') {
        text[at..line_end].trim()
    } else {
        let line = super::lex::skip_log_head(text[line_start..line_end].trim());
        match any_error_colon.then(|| super::lex::rfind(line, "Error: ")) {
            Some(Some(p)) => &line[p + 7..],
            _ => line,
        }
    };
    p.set(Field::Message, msg);
    if let Some(s) = known.service {
        p.set(Field::Service, s);
    }
    if let Some(c) = known.code {
        p.set(Field::ErrorCode, c);
    }
    Some(p)
}

/// `throttled on ec2:RunInstances` names the action.
pub fn throttled_on_at(text: &str, at: usize) -> Option<Piece<'_>> {
    let r = text[at..].strip_prefix("throttled on ")?;
    let (_, a) = super::authz::action(r).ok()?;
    let mut p = Piece::new(at, at + 13 + a.len(), Strength::Context, "plain", 30);
    p.set(Field::Action, a);
    Some(p)
}

/// `Encoded authorization failure message: <blob>` (EC2) — keep the blob for decoding.
pub fn encoded_at(text: &str, at: usize) -> Option<Piece<'_>> {
    const HEAD: &str = "Encoded authorization failure message";
    let r = text[at..].strip_prefix(HEAD)?;
    // The piece is the phrase and its colon; the character after it may be anything.
    let head_end = at + HEAD.len() + usize::from(r.starts_with(':'));
    let r = r.strip_prefix(':').unwrap_or(r).trim_start_matches(' ');
    let end = r
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
        .unwrap_or(r.len());
    let mut p = Piece::new(at, at, Strength::Context, "plain", 50);
    if end >= 16 {
        p.set(Field::EncodedMessage, &r[..end]);
    }
    p.end = head_end;
    Some(p)
}

/// `authorization id: <id>` after an authorization message.
pub fn authorization_id_at(text: &str, at: usize) -> Option<Piece<'_>> {
    let lower = &text[at..];
    let r = lower.get(16..)?;
    let r = r.strip_prefix(':').unwrap_or(r).trim_start();
    let end = r
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
        .unwrap_or(r.len());
    if end < 4 {
        return None;
    }
    let mut p = Piece::new(at, at + 16 + end, Strength::Context, "plain", 50);
    p.set(Field::AuthorizationId, &r[..end]);
    Some(p)
}

/// Amazon Coral clients: `while calling Op on Amazon::Coral::SvcClient`.
pub fn coral_at(text: &str, at: usize) -> Option<Piece<'_>> {
    let r = text[at..].strip_prefix("while calling ")?;
    let op_end = r.find(' ')?;
    let op = &r[..op_end];
    let svc = r[op_end..].strip_prefix(" on Amazon::Coral::")?;
    let svc_end = svc.find("Client")?;
    let mut p = Piece::new(at, at + 14 + op_end, Strength::Context, "other-sdk", 30);
    p.set(Field::Operation, op)
        .set(Field::Service, &svc[..svc_end]);
    Some(p)
}

/// The resource a message names: `Role with name X already exists`, `The key pair 'X' does not exist`,
/// `resource sg-1 has a dependent object`, `Table is being created: X`.
pub fn message_resource(msg: &str) -> Option<&str> {
    // Most messages name no resource this way; one pass decides that before a dozen searches.
    if !may_name_resource(msg) {
        return None;
    }
    for (pre, post) in [
        (" with name ", " already exists"),
        (" with id ", " does not exist"),
        (" with name ", " does not exist"),
        (" with id ", " already exists"),
    ] {
        if let Some(a) = super::lex::find(msg, pre) {
            let r = &msg[a + pre.len()..];
            if let Some(b) = super::lex::find(r, post) {
                return Some(clean(&r[..b]));
            }
        }
    }
    for pre in [
        "is being created: ",
        "for resource: ",
        "pull access denied for ",
        "manifest for ",
        // ECS service events and agent logs name the target group and the task by ARN.
        "(target-group ",
        "task [",
    ] {
        if let Some(a) = super::lex::find(msg, pre) {
            let r = &msg[a + pre.len()..];
            let end = r.find([' ', ',', '\n', ')', ']']).unwrap_or(r.len());
            let tok = clean(&r[..end]);
            if !tok.is_empty() {
                return Some(tok);
            }
        }
    }
    for marker in [
        " does not exist",
        " already exists",
        " has a dependent object",
        " not found",
    ] {
        if let Some(b) = super::lex::find(msg, marker) {
            let head = msg[..b].trim_end();
            let tok_start = head.rfind([' ', '\t']).map(|p| p + 1).unwrap_or(0);
            let tok = &head[tok_start..];
            let tok = tok
                .rsplit_once(':')
                .filter(|(k, _)| {
                    k.starts_with(|c: char| c.is_ascii_uppercase())
                        && k.chars().all(|c| c.is_ascii_alphabetic())
                })
                .map(|(_, v)| v)
                .unwrap_or(tok);
            let quoted = tok.starts_with(['\'', '"', '`']);
            let tok = clean(tok);
            let specific = quoted
                || tok
                    .bytes()
                    .any(|b| b.is_ascii_digit() || matches!(b, b'-' | b'_' | b':' | b'/' | b'.'));
            if specific && !tok.is_empty() {
                return Some(tok);
            }
        }
    }
    None
}

/// Every phrase [`message_resource`] looks for has a space followed by one of these words
/// (`for resource: ` has ` resource: `, `manifest for ` has ` for `). The grammar notes in its
/// anchor walk whether an event holds any, and asks for a message's resource only then.
pub const RESOURCE_PHRASE_WORDS: [&str; 12] = [
    "(target-group ",
    "task [",
    "with name ",
    "with id ",
    "being created: ",
    "resource: ",
    "access denied for ",
    "for ",
    "does not exist",
    "already exists",
    "has a dependent object",
    "not found",
];

/// False only when `msg` holds none of the phrases [`message_resource`] looks for (see
/// [`RESOURCE_PHRASE_WORDS`]). A byte loop costs less than a multi-pattern search here.
fn may_name_resource(msg: &str) -> bool {
    // A plain loop over byte pairs: spaces are too dense in prose for `memchr` to pay.
    let b = msg.as_bytes();
    (1..b.len()).any(|i| {
        b[i - 1] == b' '
            && b"wbrafdhn(t".contains(&b[i])
            && RESOURCE_PHRASE_WORDS
                .iter()
                .any(|w| b[i..].starts_with(w.as_bytes()))
    })
}

fn clean(s: &str) -> &str {
    let s = s.trim().trim_matches(['\'', '"', '`']);
    let s = s
        .strip_prefix('[')
        .and_then(|x| x.strip_suffix(']'))
        .unwrap_or(s);
    trim_trailing(s)
}

/// AWS Tools for PowerShell: `+ FullyQualifiedErrorId : Amazon.S3.AmazonS3Exception,Amazon.PowerShell.Cmdlets.S3.GetS3ObjectCmdlet`
/// names the exception (the code, or an SDK class) and its service; the message is on the
/// error's head line above, `Get-S3Object : Access Denied`.
pub fn powershell_at(text: &str, at: usize) -> Option<Piece<'_>> {
    let r = text[at..].strip_prefix("FullyQualifiedErrorId")?;
    let r = r.trim_start_matches(' ').strip_prefix(':')?;
    let r = r.trim_start_matches(' ');
    let comma = memchr::memchr(b',', r.as_bytes())?;
    let (class, cmdlet) = (&r[..comma], &r[comma + 1..]);
    // Only the AWS cmdlets: other modules raise their own errors.
    if !cmdlet.starts_with("Amazon.PowerShell.") {
        return None;
    }
    let (ns, code) = class.rsplit_once('.')?;
    if !super::exception::is_aws_code(code) {
        return None;
    }
    let rank = if super::exception::is_sdk_class(code) {
        15
    } else {
        30
    };
    // `r` is a tail of `text`: the class ends where its comma stands in `text`.
    let class_end = text.len() - r.len() + comma;
    let mut p = Piece::new(at, class_end, Strength::Error, "powershell", rank);
    p.set(Field::ErrorCode, code);
    if let Some(service) = ns.strip_prefix("Amazon.").and_then(|s| s.split('.').next()) {
        p.set(Field::Service, service);
    }
    if let Some(m) = powershell_head_message(&text[..at]) {
        p.set(Field::Message, m);
    }
    Some(p)
}

/// The message of the nearest PowerShell error head above: `Verb-Noun : message`.
fn powershell_head_message(above: &str) -> Option<&str> {
    above.lines().rev().take(12).find_map(|line| {
        let (cmdlet, msg) = line.split_once(" : ")?;
        let (verb, noun) = cmdlet.split_once('-')?;
        let word = |w: &str| {
            w.len() >= 2
                && w.as_bytes()[0].is_ascii_uppercase()
                && w.bytes().all(|b| b.is_ascii_alphanumeric())
        };
        (word(verb) && word(noun) && !msg.trim().is_empty()).then(|| msg.trim())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses() {
        let f = |s: &str| {
            http_status_at(s, 0).and_then(|p| p.get(Field::StatusCode).map(str::to_string))
        };
        assert_eq!(f("HTTP/1.1 400 Bad Request").as_deref(), Some("400"));
        assert_eq!(f("403 Forbidden").as_deref(), Some("403"));
        assert_eq!(f("HTTP 403 returned for").as_deref(), Some("403"));
        assert_eq!(f("Error 429: {}").as_deref(), Some("429"));
        assert_eq!(f("200 items"), None);
    }

    #[test]
    fn resources_from_messages() {
        assert_eq!(
            message_resource("Role with name port-ocean already exists."),
            Some("port-ocean")
        );
        assert_eq!(
            message_resource("The image id '[ami-0c55b159cbfafe1f0]' does not exist"),
            Some("ami-0c55b159cbfafe1f0")
        );
        assert_eq!(
            message_resource("resource sg-5a0c1223 has a dependent object"),
            Some("sg-5a0c1223")
        );
        assert_eq!(
            message_resource("Stack:secure-embed does not exist"),
            Some("secure-embed")
        );
        assert_eq!(
            message_resource("The specified bucket does not exist"),
            None
        );
        assert_eq!(
            message_resource("Table is being created: hkdev-log"),
            Some("hkdev-log")
        );
    }
}
