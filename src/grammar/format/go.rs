//! Go SDKs: v2 `operation error Svc: Op, https response error StatusCode: N, RequestID: R, api error Code: msg`
//! and the v1 trailer `status code: N, request id: R`.

use super::exception::is_aws_code;
use super::lex::{class, error_code, offset, status, trim_trailing, ws};
use super::piece::{Field, Piece, Strength};
use super::{error_pieces, Format};
use nom::bytes::complete::tag;
use nom::character::complete::space0;
use nom::{IResult, Parser};

type E<'a> = nom::error::Error<&'a str>;

/// `take_while1` of the bytes `keep` takes, for a `keep` that takes only ASCII bytes or only
/// non-ASCII ones: its run then ends at a character boundary, as the char-wise parser's does.
fn bytes1(keep: impl Fn(u8) -> bool) -> impl Fn(&str) -> IResult<&str, &str> {
    move |i: &str| match i.bytes().position(|b| !keep(b)).unwrap_or(i.len()) {
        0 => Err(nom::Err::Error(nom::error::Error::new(
            i,
            nom::error::ErrorKind::TakeWhile1,
        ))),
        n => Ok((&i[n..], &i[..n])),
    }
}

/// A RequestID or HostID value: `take_while1` of what is not `,` or whitespace, read bytewise
/// until a non-ASCII character (rare: ids are ASCII), which only `char::is_whitespace` can judge.
fn id_value(i: &str) -> IResult<&str, &str> {
    let stop = |b: u8| b == b',' || class::is(b, class::WHITE | class::WIDE);
    let mut n = i.bytes().position(stop).unwrap_or(i.len());
    if i.as_bytes()
        .get(n)
        .is_some_and(|&b| class::is(b, class::WIDE))
    {
        n += i[n..]
            .find(|c: char| c == ',' || c.is_whitespace())
            .unwrap_or(i.len() - n);
    }
    bytes1(|_| true)(&i[..n]).map(|(_, v)| (&i[n..], v))
}

fn head(i: &str) -> IResult<&str, (&str, &str)> {
    let (i, (_, svc, _, op)) = (
        tag("operation error "),
        bytes1(|b| b != b':' && b != b',' && b != b'\n'),
        tag(": "),
        bytes1(|b| b.is_ascii_alphanumeric() || b == b'_'),
    )
        .parse(i)?;
    Ok((i, (svc, op)))
}

/// Parse a v2 error starting at `operation error`.
pub fn parse_v2_at(text: &str, at: usize) -> Option<Piece<'_>> {
    let (mut i, (svc, op)) = head(&text[at..]).ok()?;
    let mut p = Piece::new(at, at, Strength::Error, "go-sdk-v2", 70);
    p.set(Field::Service, svc).set(Field::Operation, op);
    while let Ok((r, _)) = (tag::<_, _, E>(","), space0).parse(i) {
        i = r;
        if let Ok((r, _)) = (
            tag::<_, _, E>("exceeded maximum number of attempts,"),
            space0,
            bytes1(|b| b.is_ascii_digit()),
        )
            .parse(i)
        {
            i = r;
        } else if let Ok((r, (_, _, n))) = (
            tag::<_, _, E>("https response error StatusCode:"),
            space0,
            status,
        )
            .parse(i)
        {
            p.set_status(n);
            i = r;
        } else if let Ok((r, (_, _, id))) =
            (tag::<_, _, E>("RequestID:"), space0, id_value).parse(i)
        {
            p.set(Field::RequestId, id);
            i = r;
        } else if let Ok((r, _)) = (tag::<_, _, E>("HostID:"), space0, id_value).parse(i) {
            i = r;
        } else {
            let r = i.strip_prefix("api error ").unwrap_or(i);
            if let Ok((r2, code)) = (error_code, tag::<_, _, E>(":")).map(|(c, _)| c).parse(r) {
                if code != "User" && (r.len() != i.len() || is_aws_code(code)) {
                    p.set(Field::ErrorCode, code);
                    let end = r2.find('\n').unwrap_or(r2.len());
                    p.set(
                        Field::Message,
                        r2[..end].trim().trim_end_matches(['"', '\\']),
                    );
                    i = &r2[end..];
                }
            }
            break;
        }
    }
    p.end = offset(text, i);
    Some(p)
}

/// Parse the v1 trailer at `status code:`; the request id may be empty.
pub fn parse_v1_status_at(text: &str, at: usize) -> Option<Piece<'_>> {
    let (i, (_, _, n)) = (tag::<_, _, E>("status code:"), space0, status)
        .parse(&text[at..])
        .ok()?;
    let mut p = Piece::new(at, at, Strength::Context, "go-sdk-v1", 40);
    p.set_status(n);
    let mut i = i;
    if let Ok((r, _)) = (tag::<_, _, E>(","), ws, tag("request id:"), space0).parse(i) {
        let end = r
            .find(|c: char| c.is_whitespace() || c == '"' || c == ',')
            .unwrap_or(r.len());
        let raw = &r[..end];
        let id = if raw.len() > 1 && raw.trim_end_matches('.').is_empty() {
            raw
        } else {
            trim_trailing(raw)
        };
        p.set(Field::RequestId, id);
        i = &r[end..];
    }
    p.end = offset(text, i);
    let _ = ws;
    let with_id = p.get(Field::RequestId).is_some();
    if let Some((code_at, code, msg)) = v1_code_above(text, at, with_id) {
        // The trailer makes the `Code: message` line above it an error even where the code is
        // not one awsplain knows by itself (`BucketNotEmpty`): no other text prints the pair.
        p.start = code_at;
        p.strength = Strength::Error;
        p.set(Field::ErrorCode, code);
        if !msg.is_empty() {
            p.set(Field::Message, msg);
        }
    }
    Some(p)
}

/// The `Code: message` line that Go v1's `awserr` prints right above its trailer
/// (`Code: message\n\tstatus code: N, request id: R`), for a trailer at `at` that starts its
/// line after indentation only. A log prefix (`2026/01/02 03:04:05 `, `panic: `) may stand
/// before the code; the code is the first `Word: ` of the line that reads as an AWS code:
/// a CamelCase name that AWS's models declare or that [`is_aws_code`] accepts, or, where the
/// trailer has its request id (the whole `awserr.RequestFailure` shape), any CamelCase name of
/// two words or more: S3's models leave most of its codes out (`NoSuchCORSConfiguration`).
fn v1_code_above(text: &str, at: usize, with_id: bool) -> Option<(usize, &str, &str)> {
    let ls = super::lex::line_start(text, at);
    if ls == 0 || !text[ls..at].bytes().all(|b| b == b' ' || b == b'\t') || ls == at {
        return None;
    }
    let above_start = super::lex::line_start(text, ls - 1);
    let above = &text[above_start..ls - 1];
    let above = above.strip_suffix('\r').unwrap_or(above);
    let mut pos = 0;
    for word in above.split(' ').take(6) {
        let here = pos;
        pos += word.len() + 1;
        let Some(code) = word.strip_suffix(':') else {
            continue;
        };
        let camel = code.len() >= 4
            && code.as_bytes()[0].is_ascii_uppercase()
            && code.bytes().any(|b| b.is_ascii_lowercase())
            && code.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.');
        let words = code.bytes().filter(u8::is_ascii_uppercase).count() >= 2;
        if camel && (crate::models::is_known_code(code) || is_aws_code(code) || (with_id && words))
        {
            let msg = above.get(pos..).unwrap_or("").trim();
            return Some((above_start + here, code, msg));
        }
    }
    None
}

pub(super) static V2: Format = Format {
    name: "go-sdk-v2",
    sample: "go-sdk-v2.txt",
    ebnf: (
        "go-sdk.ebnf",
        "AWS SDK for Go v2 (smithy-go OperationError / ResponseError / APIError)",
    ),
    anchors: |add| add("operation error ", 0),
    triggers: |add| add("operation error "),
    parse: |ev, at, _, _| parse_v2_at(ev.text, at),
    repeats: error_pieces,
    aws_shape: |_| true,
    ..Format::DEFAULT
};

pub(super) static V1: Format = Format {
    name: "go-sdk-v1",
    sample: "go-sdk-v1.txt",
    ebnf: (
        "go-sdk.ebnf",
        "AWS SDK for Go v1 trailer (awserr.RequestFailure)",
    ),
    anchors: |add| add("status code:", 0),
    triggers: |add| add("status code:"),
    parse: |ev, at, _, _| parse_v1_status_at(ev.text, at),
    aws_shape: |p| p.get(Field::RequestId).is_some(),
    ..Format::DEFAULT
};

#[cfg(test)]
mod tests {
    use super::*;
    use nom::bytes::complete::take_while1;

    #[test]
    fn v2_full() {
        let s = "operation error S3: GetObject, https response error StatusCode: 403, RequestID: ABC123, HostID: h/x==, api error AccessDenied: Access Denied";
        let p = parse_v2_at(s, 0).unwrap();
        assert_eq!(p.get(Field::Service), Some("S3"));
        assert_eq!(p.get(Field::Operation), Some("GetObject"));
        assert_eq!(p.get(Field::StatusCode), Some("403"));
        assert_eq!(p.get(Field::RequestId), Some("ABC123"));
        assert_eq!(p.get(Field::ErrorCode), Some("AccessDenied"));
        assert_eq!(p.get(Field::Message), Some("Access Denied"));
    }

    #[test]
    fn v2_code_without_api_error_and_user_sentence() {
        let s = "operation error IAM: CreateRole, https response error StatusCode: 409, RequestID: 2773, EntityAlreadyExists: Role with name x already exists.";
        assert_eq!(
            parse_v2_at(s, 0).unwrap().get(Field::ErrorCode),
            Some("EntityAlreadyExists")
        );
        let u = "operation error Bedrock: Put, https response error StatusCode: 403, User: arn:aws:sts::1:assumed-role/r/s is not authorized";
        assert_eq!(parse_v2_at(u, 0).unwrap().get(Field::ErrorCode), None);
    }

    #[test]
    fn id_values_end_as_the_char_wise_parser_ends_them() {
        let char_wise = |i| {
            take_while1::<_, _, E>(|c: char| c != ',' && !c.is_whitespace())
                .parse(i)
                .ok()
        };
        for i in [
            "ABC123, next",
            "ABC123",
            "h/x==\tz",
            "\u{b}x",
            "ab\u{a0}cd",
            "aé\u{2003}b",
            "日本,x",
            ",x",
            "",
        ] {
            assert_eq!(id_value(i).ok(), char_wise(i), "{i:?}");
        }
    }

    #[test]
    fn v1_trailer() {
        let p = parse_v1_status_at("status code: 400, request id: d554-53b4.", 0).unwrap();
        assert_eq!(p.get(Field::RequestId), Some("d554-53b4"));
        let q = parse_v1_status_at("status code: 403, request id: ...", 0).unwrap();
        assert_eq!(q.get(Field::RequestId), Some("..."));
        let e = parse_v1_status_at("status code: 400, request id:\n* next", 0).unwrap();
        assert_eq!(e.get(Field::RequestId), None);
        assert_eq!(q.strength, Strength::Context);
    }

    #[test]
    fn v1_trailer_makes_the_code_above_an_error() {
        for head in ["", "2026/01/02 03:04:05 ", "panic: "] {
            let t = format!("{head}NoSuchCORSConfiguration: The bucket is not empty\n\tstatus code: 409, request id: R1, host id: H");
            let p = parse_v1_status_at(&t, t.find("status code:").unwrap()).unwrap();
            assert_eq!(p.strength, Strength::Error, "{t}");
            assert_eq!(p.start, head.len());
            assert_eq!(p.get(Field::ErrorCode), Some("NoSuchCORSConfiguration"));
            assert_eq!(p.get(Field::Message), Some("The bucket is not empty"));
            assert_eq!(p.get(Field::StatusCode), Some("409"));
        }
        // Not a modeled code, or not on its own line: context only.
        for t in [
            "Warning: disk almost full\n\tstatus code: 409, request id: R1",
            "WebsiteConfigurationMissing: none\n\tstatus code: 409",
            "BucketNotEmpty: x status code: 409, request id: R1",
        ] {
            let p = parse_v1_status_at(t, t.find("status code:").unwrap()).unwrap();
            assert_eq!(p.strength, Strength::Context, "{t}");
        }
    }
}
