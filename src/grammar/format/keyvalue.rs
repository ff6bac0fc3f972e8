//! Key/value shapes: JSON (`"errorType": "X"`), JS `util.inspect` (`code: 'X'`), HTTP headers,
//! Ruby hashes (`"Code"=>"X"`), `key = value` dumps, CloudTrail records and Step Functions events.

use super::exception::is_aws_code;
use super::lex::{class, looks_like_request_id, quoted};
use super::piece::{Field, Piece, Strength};

/// What a key means, how sure we are (rank), and whether it can start a record.
struct Key {
    name: &'static str,
    field: Field,
    rank: u8,
    strength: Strength,
    format: &'static str,
}

const fn k(
    name: &'static str,
    field: Field,
    rank: u8,
    strength: Strength,
    format: &'static str,
) -> Key {
    Key {
        name,
        field,
        rank,
        strength,
        format,
    }
}

use super::{error_pieces, Event, Format};
use Field::*;
use Strength::{Context as C, Error as X};

const KEYS: &[Key] = &[
    k("errorType", ErrorCode, 45, X, "lambda"),
    k("errorCode", ErrorCode, 45, X, "cloudtrail"),
    k("ErrorCode", ErrorCode, 45, X, "plain"),
    k("__type", ErrorCode, 45, X, "plain"),
    k("x-amzn-ErrorType", ErrorCode, 40, X, "plain"),
    k("x-amzn-errortype", ErrorCode, 40, X, "plain"),
    k("code", ErrorCode, 40, X, "js-sdk-v2"),
    k("Code", ErrorCode, 40, X, "plain"),
    k("Error Code", ErrorCode, 40, X, "plain"),
    k("name", ErrorCode, 25, X, "js-sdk-v3"),
    k("Error", WrapperCode, 20, X, "sfn"),
    k("error", WrapperCode, 20, X, "sfn"),
    k("_serviceCode", ErrorCode, 45, X, "amazonka"),
    k("errorMessage", Message, 45, C, "lambda"),
    k("_serviceMessage", Message, 40, C, "amazonka"),
    k("message", Message, 30, C, "js-sdk-v2"),
    k("Message", Message, 30, C, "plain"),
    k("Message_", Message, 30, C, "go-sdk-v1"),
    k("statusCode", StatusCode, 40, C, "js-sdk-v2"),
    k("httpStatusCode", StatusCode, 45, C, "js-sdk-v3"),
    k("StatusCode", StatusCode, 40, C, "go-sdk-v1"),
    k("HTTPStatusCode", StatusCode, 45, C, "boto3"),
    k("status_code", StatusCode, 35, C, "plain"),
    k("status", StatusCode, 20, C, "plain"),
    k("requestId", RequestId, 40, C, "js-sdk-v2"),
    k("_serviceRequestId", RequestId, 40, C, "amazonka"),
    k("aws_request_id", RequestId, 40, C, "rust-sdk"),
    k("requestID", RequestId, 40, C, "cloudtrail"),
    k("RequestId", RequestId, 40, C, "plain"),
    k("RequestID", RequestId, 40, C, "plain"),
    k("request-id", RequestId, 35, C, "plain"),
    k("x-amzn-RequestId", RequestId, 35, C, "plain"),
    k("x-amzn-requestid", RequestId, 35, C, "plain"),
    k("x-amz-request-id", RequestId, 35, C, "plain"),
    k("eventSource", Service, 20, C, "cloudtrail"),
    k("eventName", Operation, 20, C, "cloudtrail"),
    k("service", Service, 20, C, "plain"),
    k("BucketName", Resource, 25, C, "plain"),
    k("Key", Resource, 15, C, "plain"),
    k("\"arn\"", Principal, 15, C, "cloudtrail"),
];

/// A value as PHP's `var_dump` prints it, without its type: `string(14) "InvalidAddress"` is
/// the string, `int(400)` the number (the PHP SDK's `CFResponse` and `CFSimpleXML` dumps).
fn php_dump_value(t: &str) -> &str {
    if let Some(r) = t.strip_prefix("string(") {
        if let Some(close) = r.find(") ") {
            if r[..close].bytes().all(|b| b.is_ascii_digit()) {
                return &r[close + 2..];
            }
        }
    }
    if let Some(r) = t.strip_prefix("int(") {
        if let Some(close) = r.find(')') {
            if r[..close].bytes().all(|b| b.is_ascii_digit()) {
                return &r[..close];
            }
        }
    }
    t
}

/// The index in [`KEYS`] of the key named `name`.
const fn key_index(name: &str) -> usize {
    let mut i = 0;
    while i < KEYS.len() {
        let k = KEYS[i].name.as_bytes();
        let n = name.as_bytes();
        if k.len() == n.len() {
            let mut j = 0;
            while j < n.len() && k[j] == n[j] {
                j += 1;
            }
            if j == n.len() {
                return i;
            }
        }
        i += 1;
    }
    panic!("no such key");
}

/// The keys `Error Code` and `Code`, which end together in every `Error Code` (Java SDK lists).
pub const ERROR_CODE_KEY: usize = key_index("Error Code");
pub const CODE_KEY: usize = key_index("Code");

/// Whether an `Error Code` key at `at` in `text` parses as the `Code` key ending with it does,
/// but for the `Code` key's stricter test of the code (see [`code_key_within`]): unless it
/// stands after a quote (a JSON key) or an R list's `$`, which `Code` never does.
pub fn error_code_key_reads_as_code_key(text: &str, at: usize) -> bool {
    !matches!(text.as_bytes()[..at], [.., b'"' | b'$' | b'`'])
}

/// The `Code` key at `at` inside an `Error Code` key that [`error_code_key_reads_as_code_key`],
/// from that key's piece (`None` if it gave none): the same piece from `at`, if its code
/// passes the `Code` key's test. Spares parsing the same value twice.
pub fn code_key_within<'a>(error_code: Option<&Piece<'a>>, at: usize) -> Option<Piece<'a>> {
    let p = error_code?;
    let code = p.get(ErrorCode)?;
    if !(is_aws_code(code) || code_shaped(code)) {
        return None;
    }
    let mut p = p.clone();
    p.start = at;
    Some(p)
}

fn is_ident(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c == b'-'
}

/// The content of the double-quoted JSON string at the start of `t`, read as text whose escapes
/// may already be decoded: it ends at a quote followed by `,`, `}`, `]` or the end of the line.
fn json_string_value(t: &str) -> Option<&str> {
    let body = t.strip_prefix('"')?;
    let line = &body[..memchr::memchr(b'\n', body.as_bytes()).unwrap_or(body.len())];
    let mut from = 0;
    // Quotes are ASCII: a byte search finds the character one (`str::find` with a `char`
    // costs more in the short lines read here).
    while let Some(p) = memchr::memchr(b'"', &line.as_bytes()[from..]) {
        let q = from + p;
        let after = line[q + 1..].trim_start_matches([' ', '\t', '\r']);
        let escaped = line[..q].ends_with('\\') && !line[..q].ends_with("\\\\");
        if !escaped && (after.is_empty() || after.starts_with([',', '}', ']'])) {
            return Some(&line[..q]);
        }
        from = q + 1;
    }
    None
}

/// A value as Haskell's amazonka shows it, `ErrorCode "X"` or `Just (RequestId "x")`, from its
/// quoted string on; anything else as it is.
fn haskell_value(t: &str) -> &str {
    let v = t.strip_prefix("Just ").unwrap_or(t);
    let v = v.strip_prefix('(').unwrap_or(v);
    // Only the constructor's name is read, not the value text up to its first space.
    let name = v.bytes().take_while(u8::is_ascii_alphanumeric).count();
    let is_constructor = name >= 2 && v.as_bytes()[0].is_ascii_uppercase();
    if is_constructor && v[name..].starts_with(" \"") {
        &v[name + 1..]
    } else {
        t
    }
}

/// Parse `key <sep> value` where key number `idx` of [`KEYS`] starts at `at`.
pub fn parse_at(text: &str, at: usize, idx: usize) -> Option<Piece<'_>> {
    let key = KEYS.get(idx)?;
    let b = text.as_bytes();
    if at > 0 && (is_ident(b[at - 1]) || b[at - 1] == b'.') && !key.name.starts_with('"') {
        return None;
    }
    let mut i = &text[at + key.name.len()..];
    if i.as_bytes().first().is_some_and(|&c| is_ident(c)) {
        return None;
    }
    if !key.name.ends_with('"') {
        i = i.strip_prefix(['"', '\'', '`']).unwrap_or(i);
    }
    // PHP's `var_dump` and `print_r` put a key in brackets: `["Code"]=>`, `[Code] =>`.
    if text[..at].ends_with("[\"") || text[..at].ends_with('[') {
        i = i.strip_prefix(']').unwrap_or(i);
    }
    let sep_eq = {
        let t = i.trim_start_matches([' ', '\t']);
        t.starts_with('=')
    };
    // R prints a list element as `$name` or $`name` with its value on the next line as
    // `[1] value` (an httr response, for one).
    let r_element = text[..at].ends_with('$') || text[..at].ends_with("$`");
    if r_element {
        i = i
            .strip_prefix('\n')
            .or_else(|| i.strip_prefix("\r\n"))
            .and_then(|v| v.strip_prefix("[1]"))?;
    } else {
        i = i.trim_start_matches([' ', '\t', '\n', '\r']);
        i = i
            .strip_prefix("=>")
            .or_else(|| i.strip_prefix(':'))
            .or_else(|| i.strip_prefix('='))?;
    }
    // `service` and `status` are too common as words; only `key = value` dumps use them so.
    if matches!(key.name, "service") && !sep_eq {
        return None;
    }
    let t = i.trim_start_matches([' ', '\t']);
    let t = if t.starts_with('\n') || t.starts_with("\r\n") {
        let nl = t.trim_start();
        if t.len() - nl.len() > 40 {
            t
        } else {
            nl
        }
    } else {
        t
    };
    // A JSON key (`"errorMessage": "..."`) has a JSON string value; once the event's escapes
    // are decoded, quotes inside it are bare, so the value ends at the quote the JSON
    // structure closes (`",`, `"}`, `"]` or the line's end), not at the first quote.
    let json_key = key.name.starts_with('"') && key.name.ends_with('"')
        || at > 0 && b[at - 1] == b'"' && text[at + key.name.len()..].starts_with('"');
    let json_value = json_key.then(|| json_string_value(t)).flatten();
    let t = haskell_value(t);
    let t = php_dump_value(t);
    // Rust's Debug print of an `Option<String>` (the Rust SDK's `ErrorMetadata`).
    let rust_some = t.strip_prefix("Some(").filter(|v| v.starts_with('"'));
    let t = rust_some.unwrap_or(t);
    let raw = match json_value.or_else(|| quoted(t).ok().map(|(_, q)| q)) {
        Some(q) => q,
        None => {
            let end = super::lex::find_class(t, class::VALUE_END).unwrap_or(t.len());
            super::lex::trim(&t[..end])
        }
    };
    let raw = raw.strip_prefix("Just ").unwrap_or(raw);
    // The piece is made once its value has passed: most anchors here give none.
    let format = if rust_some.is_some() {
        "rust-sdk"
    } else {
        key.format
    };
    let piece = || Piece::new(at, at + key.name.len(), key.strength, format, key.rank);
    let p = match key.field {
        ErrorCode | WrapperCode => {
            let code = code_value(raw);
            // The key's own word is taken first: it costs nothing, the code lookup does.
            let trusted = key.rank >= 40 && key.name != "code" && key.name != "Code";
            if !(super::lex::error_code(code).is_ok_and(|(r, _)| r.is_empty())
                && (trusted || is_aws_code(code) || code_shaped(code)))
            {
                return None;
            }
            let mut p = piece();
            if key.field == WrapperCode {
                p.set(WrapperCode, code);
            }
            p.set(ErrorCode, code);
            if let Some(svc) = type_namespace_service(raw) {
                p.set(Field::Service, svc);
            }
            p
        }
        StatusCode => {
            // Rust's Debug print of the http crate's status: `status: StatusCode(403)`.
            let raw = raw.strip_prefix("StatusCode(").unwrap_or(raw);
            let digits = raw
                .bytes()
                .position(|b| !b.is_ascii_digit())
                .unwrap_or(raw.len());
            let n: u16 = raw[..digits].parse().ok()?;
            if !(100..600).contains(&n) {
                return None;
            }
            let mut p = piece();
            p.set_status(n);
            p
        }
        RequestId => {
            if !(looks_like_request_id(raw) || raw.len() >= 2 && !raw.contains(' ')) {
                return None;
            }
            piece().with(RequestId, Some(raw))
        }
        Message => piece().with(Message, Some(raw)),
        Principal => {
            let a = super::arn::parse(raw)?;
            if !(a.service == "iam" || a.service == "sts") {
                return None;
            }
            piece().with(Principal, Some(raw))
        }
        f => {
            if raw.is_empty() || raw.len() > 256 || raw.contains(' ') {
                return None;
            }
            piece().with(f, Some(raw))
        }
    };
    if p.values.is_empty() {
        return None;
    }
    Some(p)
}

/// The code in a code key's value: the value itself when it is all code characters (nearly
/// always, and then nothing is searched), else the last `#`- or `:`-separated part of its first
/// word, without an x-amzn-ErrorType header's documentation URL
/// (`AccessDeniedException:http://internal.amazon.com/coral/...`).
fn code_value(raw: &str) -> &str {
    if raw.bytes().all(|c| class::is(c, class::CODE)) {
        return raw;
    }
    let raw = super::lex::find(raw, ":http").map_or(raw, |end| &raw[..end]);
    // A code is one word: `Error: Could not assume role ...: sts:AssumeRole...` is a
    // sentence, whose last word after a colon is no code.
    let raw = raw.split_ascii_whitespace().next().unwrap_or("");
    let code = super::lex::after_last(raw, b'#').trim();
    super::lex::after_last(code, b':')
}

/// The service that the namespace of a JSON-protocol error type names, as the text spells it:
/// `AWSStepFunctions#StateMachineDoesNotExist` (the service's target prefix, which is its
/// Java v1 name) and `com.amazonaws.dynamodb.v20120810#ResourceNotFoundException` (its Smithy
/// namespace, `com.amazonaws.<boto3 name>`). Coral's own `com.amazon.coral.service#` names none.
fn type_namespace_service(raw: &str) -> Option<&str> {
    let (ns, _) = raw.split_once('#')?;
    let name = match ns.strip_prefix("com.amazonaws.") {
        Some(rest) => rest.split('.').next()?,
        None if !ns.contains('.') => ns,
        None => return None,
    };
    crate::models::service_by_sdk_name(name).map(|_| name)
}

/// `InvalidParameterValue`-like: CamelCase, no spaces, at least two capitals.
fn code_shaped(s: &str) -> bool {
    s.len() >= 6
        && s.as_bytes()[0].is_ascii_uppercase()
        && s.bytes().filter(|b| b.is_ascii_uppercase()).count() >= 2
        && s.bytes().any(|b| b.is_ascii_lowercase())
        && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.')
}

pub(crate) static FORMAT: Format = Format {
    name: "key-value",
    sample: "lambda-json.txt",
    ebnf: ("key-value.ebnf", "Key/value pairs"),
    anchors: |add| {
        for (i, k) in KEYS.iter().enumerate() {
            add(k.name, i as u8);
        }
    },
    triggers: |add| {
        for t in [
            "Error Code",
            "errorType",
            "errorCode",
            "ErrorCode",
            "__type",
            "x-amzn-ErrorType",
            "x-amzn-errortype",
            "\"Code\"",
            "Code:",
            "code:",
            "\"code\"",
            "\"Error\"",
            "\"error\"",
        ] {
            add(t);
        }
    },
    parse,
    repeats: error_pieces,
    keeps_wrapper_code: true,
    ..Format::DEFAULT
};

/// The keys `Error Code` and `Code` end together in every `Error Code` (Java SDK lists): the
/// `Code` key there gives the `Error Code` key's piece again, from its own start.
fn parse<'a>(ev: &mut Event<'a, '_>, at: usize, len: usize, key: u8) -> Option<Piece<'a>> {
    let key = usize::from(key);
    if key == CODE_KEY {
        if let Some((_, piece)) = ev.memo.error_code_key.filter(|&(end, _)| end == at + len) {
            return code_key_within(piece.map(|i| &ev.found[i].piece), at);
        }
    }
    if key == ERROR_CODE_KEY && error_code_key_reads_as_code_key(ev.text, at) {
        ev.memo.place_wanted = Some(at + len);
    }
    parse_at(ev.text, at, key)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kv<'a>(s: &'a str, name: &str) -> Option<Piece<'a>> {
        let idx = KEYS.iter().position(|k| k.name == name).unwrap();
        parse_at(s, s.find(name).unwrap(), idx)
    }

    #[test]
    fn error_type_namespace_names_the_service() {
        for (t, svc) in [
            (
                "__type: 'AWSStepFunctions#StateMachineDoesNotExist'",
                Some("AWSStepFunctions"),
            ),
            (
                r#""__type":"com.amazonaws.dynamodb.v20120810#ResourceNotFoundException""#,
                Some("dynamodb"),
            ),
            (
                r#""__type":"com.amazon.coral.service#UnrecognizedClientException""#,
                None,
            ),
            ("__type: 'ResourceNotFoundException'", None),
        ] {
            let p = kv(t, "__type").unwrap();
            assert_eq!(p.get(Field::Service), svc, "{t}");
        }
    }

    #[test]
    fn a_sentence_after_an_error_key_is_no_code() {
        let t = "Error: Could not assume role with OIDC: Not authorized to perform sts:AssumeRoleWithWebIdentity";
        assert!(kv(t, "Error").is_none());
        let p = kv("Error: AccessDenied Access Denied", "Error").unwrap();
        assert_eq!(p.get(ErrorCode), Some("AccessDenied"));
    }

    #[test]
    fn the_code_key_inside_error_code_is_that_keys_piece() {
        for text in [
            "(Service: AmazonECS; Status Code: 400; Error Code: AccessDeniedException; Request ID: 1)",
            "Error Code: InvalidParameterValue",
            "Error Code: SomethingWentWrong;",
            "Error Code: Oops",
            "Error Code: 400",
            "Error Code: null",
            "Error Code: \n    AccessDenied\n",
            "Error Code: com.amazon.coral#ThrottlingException",
        ] {
            let at = text.find("Error Code").unwrap();
            assert!(error_code_key_reads_as_code_key(text, at));
            let whole = parse_at(text, at, ERROR_CODE_KEY);
            let own = parse_at(text, at + 6, CODE_KEY);
            let within = code_key_within(whole.as_ref(), at + 6);
            assert_eq!(format!("{own:?}"), format!("{within:?}"), "{text}");
        }
        assert!(!error_code_key_reads_as_code_key(
            r#"{"Error Code": "X"}"#,
            2
        ));
    }

    #[test]
    fn json_string_values_keep_inner_quotes() {
        assert_eq!(
            json_string_value(r#""Value "abc" at "t" failed", "x": 1"#),
            Some(r#"Value "abc" at "t" failed"#)
        );
        assert_eq!(json_string_value(r#""a \"q\" b"}"#), Some(r#"a \"q\" b"#));
        assert_eq!(json_string_value("\"open\nnext\""), None);
        // Whole events, escaped once (a log line) and twice (a Step Functions cause).
        for text in [
            r#"{"errorType":"ValidationException","errorMessage":"Value \"abc\" at \"tableName\" failed to satisfy constraint","trace":[]}"#,
            r#"{"error":"States.TaskFailed","cause":"{\"errorType\":\"ValidationException\",\"errorMessage\":\"Value \\\"abc\\\" at \\\"tableName\\\" failed to satisfy constraint\"}"}"#,
        ] {
            let r = crate::grammar::extract(text);
            assert_eq!(r.len(), 1, "{text}: {r:?}");
            assert_eq!(
                r[0].message.as_deref(),
                Some(r#"Value "abc" at "tableName" failed to satisfy constraint"#),
                "{text}"
            );
        }
    }

    #[test]
    fn amazonka_service_errors() {
        // amazonka 1.x record fields and 2.x ones (`code = ErrorCode "..."`).
        for text in [
            r#"ServiceError (ServiceError' {_serviceAbbrev = "STS", _serviceStatus = Status {statusCode = 403, statusMessage = "Forbidden"}, _serviceCode = ErrorCode "AccessDenied", _serviceMessage = Just (ErrorMessage "User: arn:aws:iam::123456789012:user/x is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::123456789012:role/y"), _serviceRequestId = Just (RequestId "4b1f7f2e-1234-4c5d-8e9f-0a1b2c3d4e5f")})"#,
            r#"ServiceError {abbrev = "STS", status = Status {statusCode = 403, statusMessage = "Forbidden"}, code = ErrorCode "AccessDenied", message = Just (ErrorMessage "User: arn:aws:iam::123456789012:user/x is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::123456789012:role/y"), requestId = Just (RequestId "4b1f7f2e-1234-4c5d-8e9f-0a1b2c3d4e5f")}"#,
        ] {
            let r = crate::grammar::extract(text);
            assert_eq!(r.len(), 1, "{text}: {r:?}");
            assert_eq!(r[0].error_code.as_deref(), Some("AccessDenied"), "{text}");
            assert_eq!(r[0].status_code, Some(403), "{text}");
            assert_eq!(
                r[0].request_id.as_deref(),
                Some("4b1f7f2e-1234-4c5d-8e9f-0a1b2c3d4e5f"),
                "{text}"
            );
            assert_eq!(r[0].action.as_deref(), Some("sts:AssumeRole"), "{text}");
        }
        assert_eq!(haskell_value(r#"Just (RequestId "abc")"#), r#""abc")"#);
        assert_eq!(haskell_value("Just 7Z1X3C5V"), "Just 7Z1X3C5V");
        assert_eq!(haskell_value("plain words here"), "plain words here");
    }

    #[test]
    fn r_list_elements() {
        let text = "$`x-amzn-errortype`\n[1] \"InvalidParameterValueException\"\n";
        let p = kv(text, "x-amzn-errortype").unwrap();
        assert_eq!(p.get(ErrorCode), Some("InvalidParameterValueException"));
        let text = "$status_code\n[1] 400\n";
        let p = kv(text, "status_code").unwrap();
        assert_eq!(p.get(StatusCode), Some("400"));
        // Not an R element: the `[1]` form needs the `$`.
        assert!(kv("status_code\n[1] 400\n", "status_code").is_none());
    }

    #[test]
    fn boto3_response_dict_gives_the_status() {
        let text = "{'Error': {'Code': 'AccessDenied', 'Message': 'Access Denied'}, 'ResponseMetadata': {'RequestId': 'ABCD1234EFGH5678', 'HTTPStatusCode': 403, 'RetryAttempts': 0}}";
        let r = crate::grammar::extract(text);
        assert_eq!(r.len(), 1, "{r:?}");
        assert_eq!(r[0].status_code, Some(403));
        assert_eq!(r[0].error_code.as_deref(), Some("AccessDenied"));
        assert_eq!(r[0].request_id.as_deref(), Some("ABCD1234EFGH5678"));
    }

    #[test]
    fn error_type_header_with_its_documentation_url() {
        let text = "x-amzn-ErrorType: AccessDeniedException:http://internal.amazon.com/coral/com.amazon.coral.service/\n";
        let p = kv(text, "x-amzn-ErrorType").unwrap();
        assert_eq!(p.get(ErrorCode), Some("AccessDeniedException"));
        let bare = "x-amzn-ErrorType: ResourceNotFoundException\n";
        let p = kv(bare, "x-amzn-ErrorType").unwrap();
        assert_eq!(p.get(ErrorCode), Some("ResourceNotFoundException"));
    }

    #[test]
    fn json_and_inspect() {
        assert_eq!(
            kv(r#"{"errorType": "NoSuchKey"}"#, "errorType")
                .unwrap()
                .get(ErrorCode),
            Some("NoSuchKey")
        );
        assert_eq!(
            kv("  code: 'InvalidClientTokenId',", "code")
                .unwrap()
                .get(ErrorCode),
            Some("InvalidClientTokenId")
        );
        assert_eq!(
            kv(
                r#""__type":"com.amazon.coral.service#UnrecognizedClientException""#,
                "__type"
            )
            .unwrap()
            .get(ErrorCode),
            Some("UnrecognizedClientException")
        );
        assert_eq!(
            kv(r#""statusCode":400,"#, "statusCode")
                .unwrap()
                .get(StatusCode),
            Some("400")
        );
        assert!(kv(r#"{"code": "ok"}"#, "code").is_none());
    }

    #[test]
    fn ruby_and_dump() {
        assert_eq!(
            kv(r#"{"Code"=>"Throttling"}"#, "Code")
                .unwrap()
                .get(ErrorCode),
            Some("Throttling")
        );
        assert_eq!(
            kv("  status     = 400 Bad Request", "status")
                .unwrap()
                .get(StatusCode),
            Some("400")
        );
        assert_eq!(
            kv("  request-id = Just S2EPJG", "request-id")
                .unwrap()
                .get(RequestId),
            Some("S2EPJG")
        );
        assert_eq!(
            kv("Error Code: \n    AccessDenied\n", "Error Code")
                .unwrap()
                .get(ErrorCode),
            Some("AccessDenied")
        );
    }

    #[test]
    fn sfn_wrapper() {
        let p = kv(
            r#"{"error":"ECS.AccessDeniedException","cause":"x"}"#,
            "error",
        )
        .unwrap();
        assert_eq!(p.get(WrapperCode), Some("ECS.AccessDeniedException"));
        assert!(kv(r#""error": "launching nodeclaim, x""#, "error").is_none());
    }
}
