//! AWS CLI and boto3: `An error occurred (Code) when calling the Op operation[ (reached max retries: N)]: message`.

use super::lex::{offset, ws};
use super::piece::{Field, Piece, Strength};
use super::{error_pieces, Format, Marks};
use nom::branch::alt;
use nom::bytes::complete::tag;
use nom::error::ErrorKind;
use nom::{IResult, Parser};

type E<'a> = nom::error::Error<&'a str>;

fn paren(i: &str) -> IResult<&str, &str> {
    // `delimited(tag("("), take_while1(not `)` or a line break), tag(")"))`, with one byte
    // search for the end: both stops are ASCII.
    let fail = |at| Err(nom::Err::Error(nom::error::Error::new(at, ErrorKind::Tag)));
    let Some(r) = i.strip_prefix('(') else {
        return fail(i);
    };
    let end = memchr::memchr2(b')', b'\n', r.as_bytes()).unwrap_or(r.len());
    if end == 0 {
        return Err(nom::Err::Error(nom::error::Error::new(
            r,
            ErrorKind::TakeWhile1,
        )));
    }
    match r[end..].strip_prefix(')') {
        Some(rest) => Ok((rest, &r[..end])),
        None => fail(&r[end..]),
    }
}

/// `when calling the Op operation[ (reached max retries: N)]`: the rest and `Op`. Read
/// bytewise: the operation name and the text around it are ASCII.
fn calling(i: &str) -> Option<(&str, &str)> {
    let (i, _) = ws(i.strip_prefix("when calling the")?).ok()?;
    let op_len = i
        .bytes()
        .position(|c| !(c.is_ascii_alphanumeric() || c == b'_'))
        .unwrap_or(i.len());
    if op_len == 0 {
        return None;
    }
    let (op, i) = i.split_at(op_len);
    let (i, _) = ws(i).ok()?;
    let i = i.strip_prefix("operation")?;
    let (r, _) = ws(i).ok()?;
    let retries = r
        .strip_prefix("(reached max retries:")
        .and_then(|r| Some(&r[memchr::memchr(b')', r.as_bytes())? + 1..]));
    Some((retries.unwrap_or(i), op))
}

/// Words before a sentence that say it came from boto3 rather than the AWS CLI.
pub const BOTO3_WORDS: [&str; 3] = ["botocore", "ClientError", "Traceback"];

/// Parse the sentence starting at `at` (`An error occurred (` or `A client error (`).
#[cfg(test)]
fn parse_at(text: &str, at: usize) -> Option<Piece<'_>> {
    let boto3 = BOTO3_WORDS
        .iter()
        .any(|w| super::lex::contains(&text[..at], w));
    parse_after(text, at, boto3)
}

/// Parse the sentence starting at `at`, told whether the text before `at` holds one of [`BOTO3_WORDS`] (the anchor
/// walk has seen them).
pub fn parse_after(text: &str, at: usize, boto3: bool) -> Option<Piece<'_>> {
    let i = &text[at..];
    if i.starts_with(super::super::japanese::CLI_ANCHOR) {
        return super::super::japanese::cli_at(text, at);
    }
    let (i, code) = alt((
        (tag::<_, _, E>("An error occurred"), ws, paren).map(|(_, _, c)| c),
        (tag("A client error"), ws, paren, ws, tag("occurred")).map(|(_, _, c, _, _)| c),
    ))
    .parse(i)
    .ok()?;
    let mut p = Piece::new(at, at, Strength::Error, "aws-cli", 60);
    // A response without a body (S3's HEAD) gives botocore no code: it uses the HTTP status,
    // so `(404)` is the code the SDK's exception carries, and the status as well.
    if code.len() == 3 && code.bytes().all(|b| b.is_ascii_digit()) {
        p.set(Field::StatusCode, code);
    }
    p.set(Field::ErrorCode, code);
    let (mut i, _) = ws(i).ok()?;
    // pynamodb adds `on request (ID) on table (T)` before `when calling`; without a request
    // id it writes `on request on table (T)`.
    if let Some(r) = i.strip_prefix("on request") {
        let (mut r, _) = ws(r).ok()?;
        if let Ok((r2, (rid, _))) = (paren, ws).parse(r) {
            p.set(Field::RequestId, rid);
            r = r2;
        }
        i = r;
        if let Ok((r, _)) = (tag::<_, _, E>("on table"), ws, paren, ws).parse(i) {
            i = r;
        }
    }
    if let Some((r, op)) = calling(i) {
        p.set(Field::Operation, op);
        i = r;
    }
    if let Some(rest) = i.strip_prefix(':') {
        let end = memchr::memchr(b'\n', rest.as_bytes()).unwrap_or(rest.len());
        p.set(
            Field::Message,
            rest[..end].trim().trim_end_matches(['"', '\\']),
        );
        i = &rest[end..];
    }
    p.end = offset(text, i);
    if boto3 {
        p.format = "boto3";
    }
    Some(p)
}

pub(super) static FORMAT: Format = Format {
    name: "aws-cli",
    sample: "aws-cli.txt",
    ebnf: ("aws-cli.ebnf", "AWS CLI and boto3"),
    anchors: |add| {
        add("An error occurred (", 0);
        add("A client error (", 0);
        add(super::super::japanese::CLI_ANCHOR, 0);
    },
    marks: &[
        (BOTO3_WORDS[0], Marks::BOTO3),
        (BOTO3_WORDS[1], Marks::BOTO3),
        (BOTO3_WORDS[2], Marks::BOTO3),
    ],
    triggers: |add| {
        add("error occurred (");
        add("client error (");
        add(super::super::japanese::CLI_ANCHOR);
    },
    parse: |ev, at, _, _| parse_after(ev.text, at, ev.marks.has(Marks::BOTO3)),
    repeats: error_pieces,
    aws_shape: |_| true,
    ..Format::DEFAULT
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cli_sentence() {
        let s = "An error occurred (ThrottlingException) when calling the PutMetricData operation (reached max retries: 4): Rate exceeded";
        let p = parse_at(s, 0).unwrap();
        assert_eq!(p.get(Field::ErrorCode), Some("ThrottlingException"));
        assert_eq!(p.get(Field::Operation), Some("PutMetricData"));
        assert_eq!(p.get(Field::Message), Some("Rate exceeded"));
    }

    #[test]
    fn variants() {
        let p = parse_at(
            "An error occurred (404) when calling the HeadObject operation: Not Found",
            0,
        )
        .unwrap();
        assert_eq!(p.get(Field::StatusCode), Some("404"));
        assert_eq!(p.get(Field::ErrorCode), Some("404"));
        let q = parse_at("A client error (InvalidParameterCombination) occurred when calling the RunInstances operation: x", 0).unwrap();
        assert_eq!(q.get(Field::Operation), Some("RunInstances"));
        let r = parse_at("An error occurred (UnrecognizedClientException) on request (9H9C) on table (Request) when calling the DescribeTable operation: bad", 0).unwrap();
        assert_eq!(r.get(Field::RequestId), Some("9H9C"));
        assert_eq!(r.get(Field::Operation), Some("DescribeTable"));
        let e = parse_at("An error occurred (ValidationException) on request on table (orders) when calling the Query operation: bad", 0).unwrap();
        assert_eq!(e.get(Field::RequestId), None);
        assert_eq!(e.get(Field::Operation), Some("Query"));
    }
}
