//! XML error bodies: S3 `<Error><Code>`, EC2 `<Response><Errors><Error>`, query APIs `<ErrorResponse>`.

use super::piece::{Field, Piece, Strength};
use super::{error_pieces, Format};

/// The text of the first `<tag>...</tag>` in `s`.
fn element<'a>(s: &'a str, tag: &str) -> Option<&'a str> {
    let open = format!("<{tag}>");
    let close = format!("</{tag}>");
    let a = s.find(&open)? + open.len();
    let b = s[a..].find(&close)? + a;
    Some(s[a..b].trim())
}

/// Parse the error document around the `<Code>` at `at`.
pub fn parse_at(text: &str, at: usize) -> Option<Piece<'_>> {
    let lo = text[..at].len().saturating_sub(4096);
    let lo = (lo..=at).find(|&i| text.is_char_boundary(i)).unwrap_or(at);
    let start = ["<ErrorResponse", "<Response", "<Error>", "<Error "]
        .iter()
        .filter_map(|t| text[lo..at].rfind(t).map(|p| p + lo))
        .min()
        .unwrap_or(at);
    let hi = (at + 8192).min(text.len());
    let hi = (hi..=text.len())
        .find(|&i| text.is_char_boundary(i))
        .unwrap_or(text.len());
    let end = ["</ErrorResponse>", "</Response>", "</Error>"]
        .iter()
        .filter_map(|t| text[at..hi].rfind(t).map(|p| p + at + t.len()))
        .max()
        .unwrap_or_else(|| text[at..hi].find('\n').map(|p| p + at).unwrap_or(hi));
    let doc = &text[start..end];
    let code = element(doc, "Code")?;
    let mut p = Piece::new(start, end, Strength::Error, "s3-xml", 65);
    p.set(Field::ErrorCode, code);
    message_and_request_id(&mut p, doc);
    if let Some(r) = element(doc, "BucketName")
        .or_else(|| element(doc, "Key"))
        .or_else(|| element(doc, "Resource"))
    {
        p.set(Field::Resource, r);
    }
    Some(p)
}

/// A document cut before its `<Code>` (a log that kept a fragment, `...]InvalidSubnetID.NotFound
/// </Code><Message>...`): the code is the token before the `</Code>` at `at`, when no `<Code>`
/// opens it (a whole element is read by [`parse_at`]).
pub fn parse_cut_at(text: &str, at: usize) -> Option<Piece<'_>> {
    let before = &text[..at];
    if before.ends_with("<Code>") {
        return None;
    }
    let start = before
        .bytes()
        .rposition(|b| !(b.is_ascii_alphanumeric() || b == b'.' || b == b'_'))
        .map_or(0, |p| p + 1);
    if before[..start].ends_with("<Code>") {
        return None;
    }
    let code = &before[start..];
    if !super::exception::is_aws_code(code) {
        return None;
    }
    let line_end = text[at..].find('\n').map_or(text.len(), |p| p + at);
    let rest = &text[at..line_end];
    let mut p = Piece::new(start, line_end, Strength::Error, "s3-xml", 60);
    p.set(Field::ErrorCode, code);
    message_and_request_id(&mut p, rest);
    Some(p)
}

/// The `<Message>` and the request id (S3 and query APIs spell its tag two ways) of `doc`.
fn message_and_request_id<'a>(p: &mut Piece<'a>, doc: &'a str) {
    if let Some(m) = element(doc, "Message") {
        p.set(Field::Message, m);
    }
    if let Some(r) = element(doc, "RequestId").or_else(|| element(doc, "RequestID")) {
        p.set(Field::RequestId, r);
    }
}

pub(super) static FORMAT: Format = Format {
    name: "s3-xml",
    sample: "s3-xml.txt",
    ebnf: ("xml.ebnf", "XML error documents"),
    anchors: |add| add("<Code>", 0),
    triggers: |add| add("<Code>"),
    parse: |ev, at, _, _| parse_at(ev.text, at),
    repeats: error_pieces,
    ..Format::DEFAULT
};

/// A document a log cut before its `<Code>`: read from the `</Code>` on.
pub(super) static CUT: Format = Format {
    name: "s3-xml cut",
    sample: "s3-xml-cut.txt",
    ebnf: ("xml.ebnf", "A document cut before its Code"),
    anchors: |add| add("</Code>", 0),
    triggers: |add| add("</Code>"),
    parse: |ev, at, _, _| parse_cut_at(ev.text, at),
    ..Format::DEFAULT
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn s3_error() {
        let s = "<?xml version=\"1.0\"?>\n<Error>\n  <Code>NoSuchBucket</Code>\n  <Message>The specified bucket does not exist</Message>\n  <BucketName>b</BucketName>\n  <RequestId>D6B9</RequestId>\n</Error>";
        let p = parse_at(s, s.find("<Code>").unwrap()).unwrap();
        assert_eq!(p.get(Field::ErrorCode), Some("NoSuchBucket"));
        assert_eq!(p.get(Field::RequestId), Some("D6B9"));
        assert_eq!(p.get(Field::Resource), Some("b"));
    }

    #[test]
    fn error_response() {
        let s = "<ErrorResponse><Error><Type>Sender</Type><Code>ExpiredToken</Code></Error><RequestId>689b</RequestId></ErrorResponse>";
        let p = parse_at(s, s.find("<Code>").unwrap()).unwrap();
        assert_eq!(p.get(Field::RequestId), Some("689b"));
    }

    #[test]
    fn a_document_cut_before_its_code() {
        let s = "[...]InvalidSubnetID.NotFound</Code><Message>The subnet ID 'subnet-1' does not exist</Message>[...]";
        let p = parse_cut_at(s, s.find("</Code>").unwrap()).unwrap();
        assert_eq!(p.get(Field::ErrorCode), Some("InvalidSubnetID.NotFound"));
        assert_eq!(
            p.get(Field::Message),
            Some("The subnet ID 'subnet-1' does not exist")
        );
        let whole = "<Code>NoSuchKey</Code>";
        assert!(parse_cut_at(whole, whole.find("</Code>").unwrap()).is_none());
        let prose = "see the docs</Code>";
        assert!(parse_cut_at(prose, prose.find("</Code>").unwrap()).is_none());
    }
}
