//! The Ruby SDK's own log line around an error: `[Aws::S3::Client 404 0.0273 0 retries]
//! head_object(bucket:"b",key:"k") Aws::S3::Errors::NotFound message`. The error class and its
//! message are read by the exception grammar; this line adds the HTTP status, the service and
//! the operation (the client method, in snake_case as it stands).

use super::piece::{Field, Piece, Strength};

/// The log line whose `::Client ` anchor is at `at`.
pub fn client_log_at(text: &str, at: usize) -> Option<Piece<'_>> {
    let head = &text[super::lex::line_start(text, at)..at];
    let open = head.rfind("[Aws::")?;
    let service = &head[open + 6..];
    if service.is_empty() || !service.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return None;
    }
    let rest = text[at..].strip_prefix("::Client ")?;
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    if digits != 3 {
        return None;
    }
    let status = &rest[..3];
    let (_, after) = rest.split_once("] ")?;
    if after.len() + 3 > rest.len() || rest[..rest.len() - after.len()].contains('\n') {
        return None;
    }
    let op_len = after
        .bytes()
        .take_while(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'_')
        .count();
    let start = at - head.len() + open;
    let mut p = Piece::new(
        start,
        text.len() - after.len(),
        Strength::Context,
        "other-sdk",
        40,
    );
    p.set(Field::Service, service)
        .set(Field::StatusCode, status);
    if op_len > 0 && after[op_len..].starts_with('(') {
        p.set(Field::Operation, &after[..op_len]);
    }
    Some(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_status_service_and_method() {
        let t = "[Aws::S3::Client 404 0.0273 0 retries] head_object(bucket:\"b\") Aws::S3::Errors::NotFound ";
        let p = client_log_at(t, t.find("::Client").unwrap()).unwrap();
        assert_eq!(p.get(Field::Service), Some("S3"));
        assert_eq!(p.get(Field::StatusCode), Some("404"));
        assert_eq!(p.get(Field::Operation), Some("head_object"));
        assert!(client_log_at("use Aws::S3::Client here", 10).is_none());
        let t = "[Aws::S3::Client 2000 retries]";
        assert!(client_log_at(t, t.find("::Client").unwrap()).is_none());
    }
}
