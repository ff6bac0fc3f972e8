//! XML error bodies: S3 `<Error><Code>`, EC2 `<Response><Errors><Error>`, query APIs `<ErrorResponse>`.

use super::piece::{Field, Piece, Strength};

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
    if let Some(m) = element(doc, "Message") {
        p.set(Field::Message, m);
    }
    if let Some(r) = element(doc, "RequestId").or_else(|| element(doc, "RequestID")) {
        p.set(Field::RequestId, r);
    }
    if let Some(r) = element(doc, "BucketName")
        .or_else(|| element(doc, "Key"))
        .or_else(|| element(doc, "Resource"))
    {
        p.set(Field::Resource, r);
    }
    Some(p)
}

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
}
