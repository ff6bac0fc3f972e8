//! What the JavaScript SDK v3 prints around an error besides the `$metadata` object (read by
//! the key/value grammar): Node's header for a service exception whose `name` differs from its
//! class, `CloudFormationServiceException [ValidationError]: message`, and the deserializer's
//! stack frame, which names the operation (`at de_DescribeStacksCommandError (...)`, older
//! releases `deserializeAws_json1_1RunTaskCommandError`).

use super::piece::{Field, Piece, Strength};

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

#[cfg(test)]
mod tests {
    use super::*;

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
