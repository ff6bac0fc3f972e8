//! Java SDK key lists: v1 `(Service: X; Status Code: N; Error Code: C; Request ID: R; Proxy: null)`,
//! v2 `(Service: X, Status Code: N, Request ID: R)` and the old `AWS Error Code: C, ...` form.

use super::lex::{list_value, offset, ws};
use super::piece::{Field, Piece, Strength};
use super::{error_pieces, Event, Format};

/// The keys of a list by their first letter, each as its words and the field it fills, tried
/// in order. Telling keys apart by the first letter keeps the common miss (the `)` closing the
/// list, a value) from trying every key.
type Keys = &'static [(&'static [&'static str], Option<Field>)];
const KEYS_A: Keys = &[
    (&["AWS", "Error", "Code"], Some(Field::ErrorCode)),
    (&["AWS", "Request", "ID"], Some(Field::RequestId)),
    (&["AWS", "Error", "Message"], Some(Field::Message)),
    (&["AWS", "Service"], Some(Field::Service)),
    (&["AWS", "Error", "Type"], None),
];
const KEYS_S: Keys = &[
    (&["Status", "Code"], Some(Field::StatusCode)),
    (&["S3", "Extended", "Request", "ID"], None),
    (&["Service"], Some(Field::Service)),
];
const KEYS_E: Keys = &[
    (&["Error", "Code"], Some(Field::ErrorCode)),
    (&["Error", "Type"], None),
    (&["Extended", "Request", "ID"], None),
];
const KEYS_R: Keys = &[(&["Request", "ID"], Some(Field::RequestId))];
const KEYS_P: Keys = &[(&["Proxy"], None)];

/// A key of the list and the text after it; words may be split by a line break in
/// hard-wrapped text.
fn key(i: &str) -> Option<(&str, Option<Field>)> {
    let keys = match i.as_bytes().first()? {
        b'A' => KEYS_A,
        b'S' => KEYS_S,
        b'E' => KEYS_E,
        b'R' => KEYS_R,
        b'P' => KEYS_P,
        _ => return None,
    };
    keys.iter().find_map(|&(words, field)| {
        let mut rest = i.strip_prefix(words[0])?;
        for w in &words[1..] {
            rest = ws(rest).ok()?.0.strip_prefix(w)?;
        }
        Some((rest, field))
    })
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
    while let Some((rest, field)) = key(i) {
        let Some(rest) = rest.strip_prefix(':') else {
            break;
        };
        let rest = rest.trim_start_matches([' ', '\t']);
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
        let Some(rest) = i.strip_prefix([';', ',']) else {
            break;
        };
        i = ws(rest).map_or(rest, |(rest, _)| rest);
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

pub(super) static FORMAT: Format = Format {
    name: "java-sdk",
    sample: "java-sdk-v1.txt",
    ebnf: ("java-sdk.ebnf", "Java SDK key lists"),
    anchors: |add| {
        add("Service:", 0);
        add("Status Code:", 0);
    },
    triggers: |add| add("Status Code:"),
    parse,
    repeats: error_pieces,
    family: 3,
    // Two or more of its keys: the list only the Java SDK prints.
    aws_shape: |p| {
        [
            Field::Service,
            Field::StatusCode,
            Field::ErrorCode,
            Field::RequestId,
        ]
        .iter()
        .filter(|&&k| p.get(k).is_some())
        .count()
            >= 2
    },
    ..Format::DEFAULT
};

/// A list has several anchors (`Service:`, `Status Code:`). One that follows a `; ` or `, `
/// inside the list parsed last is a key of that list: every `;` and `,` there separates keys.
/// Its parse would give the list's tail, a piece dropped as contained in the whole list, so
/// it is not parsed at all.
fn parse<'a>(ev: &mut Event<'a, '_>, at: usize, _: usize, _: u8) -> Option<Piece<'a>> {
    if ev.memo.java_list.contains(&at)
        && matches!(ev.text.as_bytes()[..at], [.., b';' | b',', b' '])
    {
        return None;
    }
    let p = parse_at(ev.text, at)?;
    ev.memo.java_list = p.start..p.end;
    Some(p)
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
