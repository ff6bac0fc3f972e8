//! Java SDK key lists: v1 `(Service: X; Status Code: N; Error Code: C; Request ID: R; Proxy: null)`,
//! v2 `(Service: X, Status Code: N, Request ID: R)` and the old `AWS Error Code: C, ...` form.

use super::lex::{list_value, offset, ws};
use super::piece::{Field, Piece, Strength};
use nom::branch::alt;
use nom::bytes::complete::tag;
use nom::{IResult, Parser};

/// A key of the list; words may be split by a line break in hard-wrapped text.
fn key(i: &str) -> IResult<&str, Option<Field>> {
    let w = |a: &'static str, b: &'static str| (tag(a), ws, tag(b));
    // Keys are told apart by their first letter; trying only those that start with it keeps
    // the common miss (the `)` closing the list, a value) from running every alternative.
    match i.as_bytes().first() {
        Some(b'A') => alt((
            (tag("AWS"), ws, w("Error", "Code")).map(|_| Some(Field::ErrorCode)),
            (tag("AWS"), ws, w("Request", "ID")).map(|_| Some(Field::RequestId)),
            (tag("AWS"), ws, w("Error", "Message")).map(|_| Some(Field::Message)),
            (tag("AWS"), ws, tag("Service")).map(|_| Some(Field::Service)),
            (tag("AWS"), ws, w("Error", "Type")).map(|_| None),
        ))
        .parse(i),
        Some(b'S') => alt((
            w("Status", "Code").map(|_| Some(Field::StatusCode)),
            (tag("S3"), ws, tag("Extended"), ws, w("Request", "ID")).map(|_| None),
            tag("Service").map(|_| Some(Field::Service)),
        ))
        .parse(i),
        Some(b'E') => alt((
            w("Error", "Code").map(|_| Some(Field::ErrorCode)),
            w("Error", "Type").map(|_| None),
            (tag("Extended"), ws, w("Request", "ID")).map(|_| None),
        ))
        .parse(i),
        Some(b'R') => w("Request", "ID").map(|_| Some(Field::RequestId)).parse(i),
        Some(b'P') => tag("Proxy").map(|_| None).parse(i),
        _ => Err(nom::Err::Error(nom::error::Error::new(
            i,
            nom::error::ErrorKind::Tag,
        ))),
    }
}

/// A status value written as the number it is, when it is a `u16`: its digits without the
/// sign and leading zeros, a part of the text.
fn number_text(value: &str) -> Option<&str> {
    value.parse::<u16>().ok()?;
    let digits = value.strip_prefix('+').unwrap_or(value);
    let n = digits.trim_start_matches('0');
    Some(if n.is_empty() {
        &digits[digits.len() - 1..]
    } else {
        n
    })
}

/// Parse the list whose first key starts at `at`. Needs a status or an error code to count.
pub fn parse_at(text: &str, at: usize) -> Option<Piece<'_>> {
    let mut i = &text[at..];
    let mut p = Piece::new(at, at, Strength::Context, "java-sdk", 80);
    let mut keys = 0;
    while let Ok((rest, field)) = key(i) {
        let Ok((rest, _)) = (
            tag::<_, _, nom::error::Error<&str>>(":"),
            nom::character::complete::space0,
        )
            .parse(rest)
        else {
            break;
        };
        let (rest, value) = list_value(rest);
        keys += 1;
        match field {
            Some(Field::StatusCode) => {
                if let Some(n) = number_text(value) {
                    p.set(Field::StatusCode, n);
                }
            }
            Some(f) => {
                p.set(f, value);
            }
            None => {}
        }
        i = rest;
        let Ok((rest, _)) = (
            alt((tag::<_, _, nom::error::Error<&str>>(";"), tag(","))),
            ws,
        )
            .parse(i)
        else {
            break;
        };
        i = rest;
    }
    p.end = offset(text, i);
    if keys < 2 && p.get(Field::ErrorCode).is_none() {
        return None;
    }
    if p.get(Field::ErrorCode).is_some() || p.get(Field::StatusCode).is_some() {
        p.strength = Strength::Error;
    }
    if p.get(Field::Message).is_none() {
        if let Some(m) = message_before(text, at) {
            p.set(Field::Message, m);
        }
    }
    Some(p)
}

/// The sentence before ` (Service: ...`, without a leading `SomeException: ` class name.
fn message_before(text: &str, at: usize) -> Option<&str> {
    let before = text[..at].strip_suffix('(').unwrap_or(&text[..at]);
    let start = memchr::memrchr2(b'\n', b'"', before.as_bytes()).map_or(0, |p| p + 1);
    let mut m = super::lex::skip_log_head(before[start..].trim());
    while let Some((head, tail)) = super::lex::find(m, ": ").map(|p| (&m[..p], &m[p + 2..])) {
        // Strip exception class names only; `User: arn...` is part of the message.
        if head.contains(' ')
            || head.is_empty()
            || !(head.ends_with("Exception") || head.ends_with("Error"))
        {
            break;
        }
        m = tail.trim();
    }
    (!m.is_empty()).then_some(m)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Piece<'_> {
        parse_at(
            s,
            s.find("Service:")
                .or_else(|| s.find("Status Code"))
                .unwrap(),
        )
        .unwrap()
    }

    #[test]
    fn v1() {
        let x = p("Access Denied (Service: Amazon S3; Status Code: 403; Error Code: AccessDenied; Request ID: 25B458BA4187FD7E; S3 Extended Request ID: TBye=)");
        assert_eq!(x.get(Field::Service), Some("Amazon S3"));
        assert_eq!(x.get(Field::StatusCode), Some("403"));
        assert_eq!(x.get(Field::ErrorCode), Some("AccessDenied"));
        assert_eq!(x.get(Field::RequestId), Some("25B458BA4187FD7E"));
        assert_eq!(x.get(Field::Message), Some("Access Denied"));
    }

    #[test]
    fn v2_and_wrapped() {
        let x = p("You are not authorized. (Service: Ec2, Status Code: 403, Request ID: 7397, Extended Request ID: null)");
        assert_eq!(x.get(Field::Service), Some("Ec2"));
        assert_eq!(x.get(Field::RequestId), Some("7397"));
        let y = p("x (Service: AWSLambda; Status Code: 403; Error\nCode: AccessDeniedException; Request ID: 07cf)");
        assert_eq!(y.get(Field::ErrorCode), Some("AccessDeniedException"));
    }

    #[test]
    fn old_form_and_truncated() {
        let x = p("'k': Status Code: 403, AWS Service: Amazon S3, AWS Request ID: 3ACA, AWS Error Code: AccessDenied, AWS Error Message: Access Denied");
        assert_eq!(x.get(Field::Service), Some("Amazon S3"));
        assert_eq!(x.get(Field::ErrorCode), Some("AccessDenied"));
        let t =
            p("x (Service: AmazonECS; Status Code: 400; Error Code: ClientException; Request ID:");
        assert_eq!(t.get(Field::RequestId), None);
        assert_eq!(t.get(Field::ErrorCode), Some("ClientException"));
    }

    #[test]
    fn status_numbers_as_written_by_u16_display() {
        for v in ["400", "0400", "+400", "0", "+000", "65535", "099"] {
            let n: u16 = v.parse().unwrap();
            assert_eq!(number_text(v), Some(n.to_string()).as_deref(), "{v}");
        }
        for v in ["", "+", "-1", "65536", "4 00", "x"] {
            assert_eq!(number_text(v), None, "{v}");
        }
    }
}
