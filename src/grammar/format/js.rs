//! What the JavaScript SDK v3 prints around an error besides the `$metadata` object (read by
//! the key/value grammar): Node's header for a service exception whose `name` differs from its
//! class, `CloudFormationServiceException [ValidationError]: message`, and the deserializer's
//! stack frame, which names the operation (`at de_DescribeStacksCommandError (...)`, older
//! releases `deserializeAws_json1_1RunTaskCommandError`).

use super::piece::{Field, Piece, Strength};
use super::Format;
use std::ops::Range;

/// `XServiceException [Code]: message`, the anchor `ServiceException [` at `at`.
pub fn service_exception_at(text: &str, at: usize) -> Option<Piece<'_>> {
    let before = &text[..at];
    let svc_start = before
        .bytes()
        .rposition(|b| !b.is_ascii_alphanumeric())
        .map_or(0, |p| p + 1);
    let service = &before[svc_start..];
    let rest = text[at..].strip_prefix("ServiceException [")?;
    let (code, after) = rest.split_once(']')?;
    if !super::exception::is_aws_code(code) && !looks_like_code(code) {
        return None;
    }
    let msg = after.strip_prefix(": ").unwrap_or("");
    let msg = &msg[..msg.find('\n').unwrap_or(msg.len())];
    let end = text.len() - after.len();
    let mut p = Piece::new(svc_start, end, Strength::Error, "js-sdk-v3", 30);
    p.set(Field::ErrorCode, code);
    if !service.is_empty() {
        p.set(Field::Service, service);
    }
    if !msg.trim().is_empty() {
        p.set(Field::Message, msg.trim());
    }
    Some(p)
}

/// A CamelCase name of letters and digits, as every modeled error shape is.
fn looks_like_code(c: &str) -> bool {
    c.len() >= 4
        && c.len() <= 100
        && c.as_bytes()[0].is_ascii_uppercase()
        && c.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.')
}

/// The operation named by a deserializer frame; the anchor `CommandError` at `at`.
pub fn deserializer_frame_at(text: &str, at: usize) -> Option<Piece<'_>> {
    let before = &text[..at];
    let id_start = before
        .bytes()
        .rposition(|b| !(b.is_ascii_alphanumeric() || b == b'_'))
        .map_or(0, |p| p + 1);
    let ident = &before[id_start..];
    let op = if let Some(op) = ident.strip_prefix("de_") {
        op
    } else {
        // `deserializeAws_` + the protocol (`json1_1`, `restJson1`, `restXml`, `query`, `ec2`).
        let r = ident.strip_prefix("deserializeAws_")?;
        let p = r.find(|c: char| c.is_ascii_uppercase())?;
        // `restJson1`, `restXml`: the protocol's own capital comes first.
        let p = if r.starts_with("rest") {
            p + 1 + r[p + 1..].find(|c: char| c.is_ascii_uppercase())?
        } else {
            p
        };
        &r[p..]
    };
    if op.is_empty() || !op.as_bytes()[0].is_ascii_uppercase() || op.contains('_') {
        return None;
    }
    let end = at + "CommandError".len();
    if text
        .as_bytes()
        .get(end)
        .is_some_and(|b| b.is_ascii_alphanumeric())
    {
        return None;
    }
    let mut p = Piece::new(id_start, end, Strength::Context, "js-sdk-v3", 20);
    p.set(Field::Operation, op);
    Some(p)
}

/// The service of the v3 client package a stack frame's path runs through
/// (`node_modules/@aws-sdk/client-secrets-manager/dist-cjs/index.js`), the anchor
/// `@aws-sdk/client-` at `at`: the package's tail as it stands (`secrets-manager`), where AWS's
/// models know the package. Context, rank 10: a service named by the error itself wins.
pub fn client_package_at(text: &str, at: usize) -> Option<Piece<'_>> {
    let start = at + "@aws-sdk/".len();
    let rest = &text[start..];
    let n = rest
        .bytes()
        .position(|b| !(b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'))
        .unwrap_or(rest.len());
    let package = &rest[..n];
    crate::models::service_by_sdk_name(package)?;
    let mut p = Piece::new(at, start + n, Strength::Context, "js-sdk-v3", 10);
    p.set(Field::Service, package.strip_prefix("client-")?);
    Some(p)
}

/// The object literal Node prints after an error's header line and stack frames, when one of
/// those lines ends with `{` (`console.error(err)`, an unhandled rejection): from that `{` to
/// the `}` that closes it, for an error piece starting at `at`. Its members (`$metadata`,
/// `Error: { Code, Type, Message }`, `__type`) are that error's, however far below the header
/// they stand and whatever code they spell (SQS's JSON errors carry a second, query-protocol
/// code). Strings quoted with `'`, `"` or `` ` `` are skipped; the search stops after 64 KiB.
pub fn object_after(text: &str, at: usize) -> Option<Range<usize>> {
    let b = text.as_bytes();
    let mut ls = super::lex::line_start(text, at);
    let mut open = None;
    for k in 0..64 {
        let le = memchr::memchr(b'\n', &b[ls..]).map_or(b.len(), |p| ls + p);
        let line = text[ls..le].trim_end();
        if k > 0 && !super::lex::is_stack_frame(line) {
            return None;
        }
        if line.ends_with('{') {
            open = Some(ls + line.len() - 1);
            break;
        }
        if le == b.len() {
            return None;
        }
        ls = le + 1;
    }
    let open = open?;
    let (mut depth, mut quote) = (0usize, None);
    let mut escaped = false;
    for (i, &c) in b[open..].iter().enumerate().take(1 << 16) {
        if let Some(q) = quote {
            if escaped {
                escaped = false;
            } else if c == b'\\' {
                escaped = true;
            } else if c == q || c == b'\n' {
                quote = None;
            }
            continue;
        }
        match c {
            b'\'' | b'"' | b'`' => quote = Some(c),
            b'{' => depth += 1,
            b'}' => {
                depth -= 1;
                if depth == 0 {
                    return Some(open..open + i + 1);
                }
            }
            _ => {}
        }
    }
    None
}

pub(super) static FORMAT: Format = Format {
    name: "js-sdk-v3",
    sample: "js-sdk-v3-service-exception.txt",
    ebnf: (
        "key-value.ebnf",
        "JavaScript SDK v3 around the error object (src/grammar/format/js.rs)",
    ),
    anchors: |add| {
        add("ServiceException [", 0);
        add("CommandError", 1);
        add("@aws-sdk/client-", 2);
    },
    parse: |ev, at, _, which| match which {
        0 => service_exception_at(ev.text, at),
        1 => deserializer_frame_at(ev.text, at),
        _ => client_package_at(ev.text, at),
    },
    ..Format::DEFAULT
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_package_names_the_service() {
        for (t, svc) in [
            ("    at de_CommandError (/app/node_modules/@aws-sdk/client-s3/dist-cjs/index.js:1:2)", Some("s3")),
            ("/app/node_modules/@aws-sdk/client-secrets-manager/dist-cjs/index.js", Some("secrets-manager")),
            ("/app/node_modules/@aws-sdk/client-nothing-here/index.js", None),
        ] {
            let p = client_package_at(t, t.find("@aws-sdk/client-").unwrap());
            assert_eq!(p.and_then(|p| p.get(Field::Service)), svc, "{t}");
        }
    }

    #[test]
    fn the_object_after_an_error_and_its_frames() {
        let t = "QueueDoesNotExist: The queue does not exist.\n    at handleError (/x.js:1:2)\n    at async main (/y.js:3:4) {\n  '$fault': 'client',\n  Error: {\n    Code: 'AWS.SimpleQueueService.NonExistentQueue',\n    Message: 'it\\'s } gone'\n  },\n  __type: 'com.amazonaws.sqs#QueueDoesNotExist'\n}\nnext line";
        let r = object_after(t, 0).unwrap();
        assert!(t[r.clone()].starts_with('{') && t[r.clone()].ends_with("QueueDoesNotExist'\n}"));
        // No object: a line other than a frame comes first, or the braces never close.
        assert!(object_after("Code: x\nother line {\n}", 0).is_none());
        assert!(object_after("Code: x\n    at f (/x.js) {\n  a: 1", 0).is_none());
    }

    #[test]
    fn service_exception_header() {
        let t = "CloudFormationServiceException [ValidationError]: Stack with id s does not exist";
        let p = service_exception_at(t, t.find("ServiceException").unwrap()).unwrap();
        assert_eq!(p.get(Field::ErrorCode), Some("ValidationError"));
        assert_eq!(p.get(Field::Service), Some("CloudFormation"));
        assert_eq!(
            p.get(Field::Message),
            Some("Stack with id s does not exist")
        );
    }

    #[test]
    fn deserializer_frames() {
        for (t, op) in [
            (
                "    at de_DescribeStacksCommandError (/x.js:1:2)",
                Some("DescribeStacks"),
            ),
            (
                "    at deserializeAws_json1_1RunTaskCommandError (/x.js)",
                Some("RunTask"),
            ),
            (
                "    at deserializeAws_restXmlGetObjectCommandError (/x.js)",
                Some("GetObject"),
            ),
            (
                "    at deserializeAws_queryDescribeStacksCommandError (/x.js)",
                Some("DescribeStacks"),
            ),
            (
                "    at deserializeAws_restJson1InvokeCommandError (/x.js)",
                Some("Invoke"),
            ),
            ("    at de_CommandError (/x.js:1:2)", None),
        ] {
            let p = deserializer_frame_at(t, t.find("CommandError").unwrap());
            assert_eq!(p.and_then(|p| p.get(Field::Operation)), op, "{t}");
        }
    }
}
