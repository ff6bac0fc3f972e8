//! The Ruby SDK's own log line around an error: `[Aws::S3::Client 404 0.0273 0 retries]
//! head_object(bucket:"b",key:"k") Aws::S3::Errors::NotFound message` (v2 and v3), `[AWS S3 404
//! 0.52 0 retries] get_object(:bucket_name=>"b") AWS::S3::Errors::NoSuchKey message` (v1). The
//! error class and its message are read by the exception grammar; this line adds the HTTP
//! status, the service and the operation (the client method, in snake_case as it stands). Also
//! the backtrace frame that names the client method.

use super::piece::{Field, Piece, Strength};
use super::Format;

/// The log line whose `::Client ` anchor is at `at`.
pub fn client_log_at(text: &str, at: usize) -> Option<Piece<'_>> {
    let head = &text[super::lex::line_start(text, at)..at];
    let open = head.rfind("[Aws::")?;
    let service = &head[open + 6..];
    if service.is_empty() || !service.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return None;
    }
    let rest = text[at..].strip_prefix("::Client ")?;
    log_tail(text, at - head.len() + open, service, rest)
}

/// v1's log line, whose `[AWS ` anchor is at `at`: `[AWS S3 404 0.52 0 retries] get_object(...)`.
pub fn client_log_v1_at(text: &str, at: usize) -> Option<Piece<'_>> {
    let rest = text[at..].strip_prefix("[AWS ")?;
    let service_len = rest.bytes().take_while(u8::is_ascii_alphanumeric).count();
    let (service, rest) = rest.split_at(service_len);
    log_tail(text, at, service, rest.strip_prefix(' ')?)
}

/// The part after the service: `404 0.0273 0 retries] head_object(`, the line from `start`.
fn log_tail<'a>(text: &'a str, start: usize, service: &'a str, rest: &'a str) -> Option<Piece<'a>> {
    if service.is_empty() {
        return None;
    }
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

/// The backtrace frame of the method that made the call, in the SDK's generated client:
/// `from .../aws-sdk-s3/client.rb:5869:in `get_object'` (Ruby 3.4 writes `'Aws::S3::Client#get_object'`).
/// Every API call of a Ruby SDK client runs through its `client.rb`, and the frame there is
/// named after the operation (snake_case, as the client method is). The anchor `/client.rb:` at
/// `at`; the directory holding the file must be an SDK gem's (`aws-sdk-<service>`), and the
/// method must be an operation of AWS's models, so `call` and `build_request` frames give
/// nothing.
pub fn client_frame_at(text: &str, at: usize) -> Option<Piece<'_>> {
    let line_start = super::lex::line_start(text, at);
    let dir = &text[line_start..at];
    let dir = &dir[dir.rfind('/').map_or(0, |p| p + 1)..];
    if !dir.starts_with("aws-sdk-") || dir.len() == "aws-sdk-".len() {
        return None;
    }
    let rest = &text[at + "/client.rb:".len()..];
    let rest = &rest[..rest.find('\n').unwrap_or(rest.len())];
    let lineno = rest.bytes().take_while(u8::is_ascii_digit).count();
    let rest = rest[lineno..].strip_prefix(":in ")?;
    let rest = rest.strip_prefix(['`', '\''])?;
    let name = &rest[..rest.find(['\'', '`'])?];
    // `Aws::S3::Client#get_object`: the method after the class.
    let method = &name[name.rfind('#').map_or(0, |p| p + 1)..];
    if lineno == 0 || method.is_empty() {
        return None;
    }
    operation_frame(text, line_start, method)
}

fn operation_frame<'a>(text: &'a str, line_start: usize, method: &'a str) -> Option<Piece<'a>> {
    crate::models::services_with_operation(method).next()?;
    let end = super::lex::offset(text, method) + method.len();
    let mut p = Piece::new(line_start, end, Strength::Context, "other-sdk", 20);
    p.set(Field::Operation, method);
    Some(p)
}

/// v1's frame of the call: its client methods are defined by `eval`, so the frame under v1's
/// `.../aws/core/client.rb:N:in `client_request'` (the anchor `/aws/core/client.rb:` at `at`)
/// reads `from (eval):3:in `get_object'`.
pub fn client_frame_v1_at(text: &str, at: usize) -> Option<Piece<'_>> {
    let line_end = at + text[at..].find('\n')?;
    if !text[at..line_end].trim_end().ends_with("client_request'") {
        return None;
    }
    let next = &text[line_end + 1..];
    let next = &next[..next.find('\n').unwrap_or(next.len())];
    let rest = next.trim_start().strip_prefix("from (eval):")?;
    let lineno = rest.bytes().take_while(u8::is_ascii_digit).count();
    let rest = rest[lineno..].strip_prefix(":in ")?;
    let rest = rest.strip_prefix(['`', '\''])?;
    let method = &rest[..rest.find(['\'', '`'])?];
    if lineno == 0 || method.is_empty() {
        return None;
    }
    operation_frame(text, line_end + 1, method)
}

pub(super) static FORMAT: Format = Format {
    name: "ruby-sdk",
    sample: "ruby-sdk.txt",
    ebnf: (
        "key-value.ebnf",
        "Ruby SDK log line (src/grammar/format/ruby.rs)",
    ),
    anchors: |add| {
        add("::Client ", 0);
        add("/client.rb:", 1);
        add("[AWS ", 2);
        add("/aws/core/client.rb:", 3);
    },
    parse: |ev, at, _, which| match which {
        0 => client_log_at(ev.text, at),
        1 => client_frame_at(ev.text, at),
        2 => client_log_v1_at(ev.text, at),
        _ => client_frame_v1_at(ev.text, at),
    },
    ..Format::DEFAULT
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_frame_names_the_operation() {
        for (t, op) in [
            (
                "\tfrom /usr/lib/ruby/vendor_ruby/aws-sdk-s3/client.rb:5869:in `get_object'",
                Some("get_object"),
            ),
            (
                "\tfrom /gems/aws-sdk-kms-1.2.3/lib/aws-sdk-kms/client.rb:88:in 'Aws::KMS::Client#describe_key'",
                Some("describe_key"),
            ),
            ("\tfrom /gems/aws-sdk-core/lib/aws-sdk-core/client.rb:9:in `call'", None),
            ("\tfrom /app/lib/client.rb:12:in `get_object'", None),
            ("\tfrom /app/aws-sdk-s3/client.rb:12:in `helper_thing'", None),
        ] {
            let p = client_frame_at(t, t.find("/client.rb:").unwrap());
            assert_eq!(p.and_then(|p| p.get(Field::Operation)), op, "{t}");
        }
    }

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

    #[test]
    fn reads_v1_log_line_and_frame() {
        let t = "INFO -- : [AWS S3 404 0.52 0 retries] get_object(:bucket_name=>\"b\",:key=>\"k\") AWS::S3::Errors::NoSuchKey No Such Key";
        let p = client_log_v1_at(t, t.find("[AWS ").unwrap()).unwrap();
        assert_eq!(p.get(Field::Service), Some("S3"));
        assert_eq!(p.get(Field::StatusCode), Some("404"));
        assert_eq!(p.get(Field::Operation), Some("get_object"));
        assert!(client_log_v1_at("[AWS S3] done", 0).is_none());
        let t = "x.rb:375:in `return_or_raise': No Such Key (AWS::S3::Errors::NoSuchKey)\n\tfrom /usr/lib/ruby/vendor_ruby/aws/core/client.rb:476:in `client_request'\n\tfrom (eval):3:in `get_object'\n";
        let p = client_frame_v1_at(t, t.find("/aws/core/client.rb:").unwrap()).unwrap();
        assert_eq!(p.get(Field::Operation), Some("get_object"));
        let t = "\tfrom /x/aws/core/client.rb:476:in `client_request'\n\tfrom (eval):3:in `helper_thing'\n";
        assert!(client_frame_v1_at(t, t.find("/aws/core/client.rb:").unwrap()).is_none());
    }
}
