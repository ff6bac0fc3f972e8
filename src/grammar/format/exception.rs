//! Error codes written as `Code: message`, exception class names (`botocore.errorfactory.X`,
//! `Aws::ECS::Errors::X`, `Amazon.ECS.Model.X`, `com.amazonaws...model.X`) and `Code => message`.

use super::lex::class;
use super::piece::{Field, Piece, Strength};
use super::{Event, Format};
use rustc_hash::FxHashMap;
use std::ops::Range;
use std::sync::OnceLock;

/// Codes that name an AWS error without the usual `Exception`/`Error` suffix.
const BARE_CODES: &[&str] = &[
    "AccessDenied",
    "AuthFailure",
    "Blocked",
    "BucketAlreadyExists",
    "BucketAlreadyOwnedByYou",
    "BucketNotEmpty",
    "ConditionalCheckFailed",
    "DependencyViolation",
    "DryRunOperation",
    "EntityAlreadyExists",
    "ExpiredToken",
    "IncompleteSignature",
    "InsufficientInstanceCapacity",
    "InternalFailure",
    "InvalidAccessKeyId",
    "InvalidBucketName",
    "InvalidClientTokenId",
    "InvalidParameterCombination",
    "InvalidParameterValue",
    "InvalidToken",
    "KMS.DisabledException",
    "LimitExceeded",
    "MalformedPolicyDocument",
    "MissingAuthenticationToken",
    "NoSuchBucket",
    "NoSuchBucketPolicy",
    "NoSuchEntity",
    "NoSuchKey",
    "NoSuchUpload",
    "OptInRequired",
    "PermanentRedirect",
    "PreconditionFailed",
    "ProvisionedThroughputExceeded",
    "RequestExpired",
    "RequestLimitExceeded",
    "RequestThrottled",
    "RequestTimeTooSkewed",
    "ServiceUnavailable",
    "SignatureDoesNotMatch",
    "SlowDown",
    "Throttling",
    "UnauthorizedOperation",
    "UnsupportedOperation",
    "VcpuLimitExceeded",
    "InstanceLimitExceeded",
    "AddressLimitExceeded",
    "VolumeLimitExceeded",
    "InvalidGroup",
    "InvalidSubnet",
    "InvalidPermission",
    "ValidationError",
    "InvalidAction",
    "AccountProblem",
    "InvalidObjectState",
    "EntityTemporarilyUnmodifiable",
    "DeleteConflict",
    "UnrecognizedClient",
    "InternalError",
    "AccessDeniedException",
    "NoCredentialsError",
    "NoCredentialProviders",
    "NoRegionError",
    "ParamValidationError",
];

/// Exception names that are not AWS errors (language built-ins and SDK wrapper classes).
const NOT_CODES: &[&str] = &[
    "Exception",
    "Error",
    "Errors",
    "ClientError",
    "BotoServerError",
    "BotoCoreError",
    "ValueError",
    "KeyError",
    "TypeError",
    "RuntimeError",
    "NameError",
    "AttributeError",
    "IndexError",
    "OSError",
    "IOError",
    "FileNotFoundError",
    "ConnectionError",
    "TimeoutError",
    "AssertionError",
    "ImportError",
    "ModuleNotFoundError",
    "SyntaxError",
    "ZeroDivisionError",
    "PermissionError",
    "NotImplementedError",
    "JSONDecodeError",
    "UnicodeDecodeError",
    "NullPointerException",
    "IllegalArgumentException",
    "IllegalStateException",
    "RuntimeException",
    "IOException",
    "ReferenceError",
    "RangeError",
    "UnhandledPromiseRejection",
    "ServiceError",
    "ResponseError",
    "AmazonServiceException",
    "AmazonClientException",
    "SdkClientException",
    "SdkServiceException",
    "AwsServiceException",
    "ExecutionException",
    "CompletionException",
    "InvocationTargetException",
    "StackOverflowError",
    "ClassNotFoundException",
    "NoSuchMethodError",
    // psutil's, printed bare by `except` handlers that print the class name.
    "NoSuchProcess",
    "UndeclaredThrowableException",
    "FatalError",
    "InternalServerError",
    "HttpResponseException",
    "NoAuthWithAWSException",
    "ProcessingError",
];

/// HTTP reason phrases of three words or more, written as one: a model declares some of them
/// (`TooManyRequests`, `UnsupportedMediaType`), but any web stack prints them.
const HTTP_REASONS: &[&str] = &[
    "TooManyRequests",
    "MethodNotAllowed",
    "UnsupportedMediaType",
    "RequestEntityTooLarge",
    "RequestHeaderFieldsTooLarge",
    "HttpVersionNotSupported",
    "NetworkAuthenticationRequired",
];

/// A code of AWS's models that names its subject as well as its failure (`QueueDoesNotExist`,
/// `NoSuchHostedZone`, `InvalidVPCId`): three CamelCase words or more. The two-word codes
/// (`BadRequest`, `AlreadyExists`, `InvalidArgument`, `RequestTimeout`) are also HTTP's,
/// gRPC's and Kubernetes' words, and would make their errors AWS records.
fn distinctive_model_code(code: &str) -> bool {
    let b = code.as_bytes();
    // A word starts at a capital after a lower-case letter or digit, or at the last capital
    // of an acronym that a lower-case letter follows (`DB|Instance`).
    let words = 1
        + (1..b.len())
            .filter(|&i| {
                b[i].is_ascii_uppercase()
                    && (!b[i - 1].is_ascii_uppercase()
                        || b.get(i + 1).is_some_and(u8::is_ascii_lowercase))
            })
            .count();
    words >= 3
        && code.len() <= 100
        && b[0].is_ascii_uppercase()
        && b.iter().all(|&c| class::is(c, class::CODE_STRICT))
        && !HTTP_REASONS.contains(&code)
}

/// The codes [`is_aws_code`] knows by name: `true` for the codes of [`BARE_CODES`] and
/// [`ECS_STOP_CODES`] and the distinctive codes of AWS's service models
/// ([`crate::models::known_codes`]), `false` for [`NOT_CODES`]. One hash lookup instead of
/// scanning the lists: every candidate code of every parser is checked here.
pub(crate) fn listed_codes() -> &'static FxHashMap<&'static str, bool> {
    static MAP: OnceLock<FxHashMap<&'static str, bool>> = OnceLock::new();
    MAP.get_or_init(|| {
        let modeled = crate::models::known_codes()
            .filter(|c| distinctive_model_code(c))
            .map(|c| (c, true));
        let not = NOT_CODES.iter().map(|c| (*c, false));
        // Inserted later, so a code on two lists is what the later list says: a model cannot
        // make a NOT_CODES name a code, and a listed code stays one.
        let known = BARE_CODES.iter().chain(ECS_STOP_CODES).map(|c| (*c, true));
        modeled.chain(not).chain(known).collect()
    })
}

/// True for a token that reads as an AWS error code.
pub fn is_aws_code(code: &str) -> bool {
    if let Some(&known) = listed_codes().get(code) {
        return known;
    }
    if code.len() < 6 || code.len() > 100 {
        return false;
    }
    let first = code.as_bytes()[0];
    if !first.is_ascii_uppercase() || !code.bytes().all(|b| class::is(b, class::CODE_STRICT)) {
        return false;
    }
    let last = super::lex::after_last(code, b'.');
    // AWS names a missing thing `NoSuch<Thing>` (S3 has one for every sub-resource:
    // `NoSuchTagSet`, `NoSuchCORSConfiguration`), most of them absent from the models. Java's
    // and Python's `NoSuchElementException`, `NoSuchFieldError` end as class names do.
    if let Some(thing) = code.strip_prefix("NoSuch") {
        return thing.as_bytes().first().is_some_and(u8::is_ascii_uppercase)
            && thing.bytes().any(|b| b.is_ascii_lowercase())
            && !thing.ends_with("Exception")
            && !thing.ends_with("Error");
    }
    last.ends_with("Exception")
        || last.ends_with("Error") && last.len() > 5
        || last.ends_with("Fault")
        || last.ends_with("NotFound")
        || last.ends_with("Exceeded")
        || last.ends_with("Denied")
        || (last.len() < code.len() && last.len() > 2 && last.as_bytes()[0].is_ascii_uppercase())
}

/// SDK exception classes that carry no API code of their own (`AWSSecurityTokenServiceException`,
/// `S3Exception`): they count, but weakly.
pub(crate) fn is_sdk_class(code: &str) -> bool {
    // boto 2 (`S3ResponseError: 403 Forbidden` above the XML body that has the code).
    code.len() > "ResponseError".len() && code.ends_with("ResponseError")
        || matches!(code, "BotoServerError" | "BotoClientError")
        || (code.starts_with("AWS") || code.starts_with("Amazon")) && code.ends_with("Exception")
        || code.ends_with("Exception")
            && code.len() <= 15
            && !code[..code.len() - 9].contains(char::is_lowercase)
            && code.len() > 9
        || matches!(
            code,
            "S3Exception"
                | "Ec2Exception"
                | "EcsException"
                | "StsException"
                | "IamException"
                | "LambdaException"
                | "DynamoDbException"
                | "SfnException"
                | "KmsException"
                | "SqsException"
                | "SnsException"
        )
}

/// Find the `Code:` / `Code =>` / `[Code:` at the token containing `at`.
#[cfg(test)]
fn parse_at(text: &str, at: usize) -> Option<Piece<'_>> {
    parse_token(text, token_span(text, at))
}

/// The token holding byte `at` (a character boundary) of `text`: the run of code characters
/// and colons around it. Every position inside the run gives the same run, and so the same
/// [`parse_token`].
pub fn token_span(text: &str, at: usize) -> Range<usize> {
    // Code characters and `:` are ASCII, so no byte of a multi-byte character is one: byte
    // searches give the character boundaries a character search would.
    let code = |c: &u8| class::is(*c, class::CODE | class::COLON);
    let b = text.as_bytes();
    let start = b[..at].iter().rposition(|c| !code(c)).map_or(0, |p| p + 1);
    let end = b[at..]
        .iter()
        .position(|c| !code(c))
        .map_or(b.len(), |p| at + p);
    start..end
}

/// Parse the `Code:` token `span` (from [`token_span`]) and what follows it.
pub fn parse_token(text: &str, span: Range<usize>) -> Option<Piece<'_>> {
    let (start, end) = (span.start, span.end);
    let full = &text[start..end];
    // Split a namespace: `Aws::ECS::Errors::X`, `botocore.errorfactory.X`, `Amazon.ECS.Model.X`.
    let (token, after_colon) = match full.strip_suffix(':') {
        Some(t) if !t.ends_with(':') => (t, true),
        _ => (full, false),
    };
    // The last `::`, `.` and `:` of the token, found in one pass over its few dozen bytes: a
    // loop costs less than setting up three searches.
    let (mut last_path, mut last_dot, mut last_colon) = (None, None, None);
    let tb = token.as_bytes();
    for (k, &c) in tb.iter().enumerate() {
        if c == b'.' {
            last_dot = Some(k);
        } else if c == b':' {
            if k > 0 && tb[k - 1] == b':' {
                last_path = Some(k - 1);
            }
            last_colon = Some(k);
        }
    }
    let ruby_errors_ns = last_path.is_some_and(|p| token[..p].ends_with("::Errors"));
    let mut service = None;
    let mut code = token;
    // Where `code` starts in the token.
    let mut code_at = 0;
    if let Some(pos) = last_path {
        let ns = &token[..pos];
        code = &token[pos + 2..];
        code_at = pos + 2;
        let parts: Vec<&str> = ns.split("::").collect();
        if matches!(parts.first(), Some(&("Aws" | "AWS"))) && parts.len() >= 2 {
            service = Some(parts[1]);
        } else if !super::lex::contains(ns, "AWS") && !ns.starts_with("Aws") {
            return None;
        }
    } else if let Some(pos) = last_dot {
        let ns = &token[..pos];
        let last = &token[pos + 1..];
        let aws_ns = ns.starts_with("botocore")
            || ns.starts_with("boto")
            || ns.starts_with("com.amazonaws")
            || ns.starts_with("software.amazon")
            || ns.starts_with("Amazon.")
            || ns.starts_with("aws");
        if aws_ns {
            code = last;
            code_at = pos + 1;
            if let Some(svc) = ns.strip_prefix("Amazon.").and_then(|r| r.split('.').next()) {
                service = Some(svc);
            }
            // The Java SDKs' model packages: `com.amazonaws.services.ecs.model` (v1),
            // `software.amazon.awssdk.services.ecs.model` (v2).
            let java = ns
                .strip_prefix("com.amazonaws.services.")
                .or_else(|| ns.strip_prefix("software.amazon.awssdk.services."))
                .and_then(|r| r.strip_suffix(".model"));
            if let Some(svc) = java.filter(|s| crate::models::service_by_sdk_name(s).is_some()) {
                service = Some(svc);
            }
        } else if ns.contains('.') || ns.chars().next().is_some_and(|c| c.is_ascii_lowercase()) {
            return None;
        }
    }
    let token = code;
    // The last `:` of `code`, a tail of the token, is the token's last if it lies in the tail.
    if let Some(pos) = last_colon.filter(|&p| p >= code_at) {
        code = &code[pos - code_at + 1..];
    }
    let mut rest = &text[end..];
    let follows = if after_colon {
        true
    } else if let Some(r) = rest
        .strip_prefix(" => ")
        .or_else(|| rest.strip_prefix(" (client): "))
        .or_else(|| rest.strip_prefix(" (server): "))
    {
        rest = r;
        true
    } else {
        false
    };
    // `ProvisionedThroughputExceededException 400 Bad request`
    let mut status = None;
    let follows = follows || {
        let r = rest.strip_prefix(' ').unwrap_or("");
        let ok = r.len() >= 4
            && r.as_bytes()[..3].iter().all(u8::is_ascii_digit)
            && r.as_bytes()[3] == b' ';
        if ok {
            status = Some(&r[..3]);
        }
        ok
    };
    // Ruby names the class whole where it prints an error: the uncaught exception's
    // `FILE:LINE:in 'call': message (Aws::S3::Errors::NoSuchBucket)`, `e.inspect`'s
    // `#<Aws::S3::Errors::NoSuchKey: message>`, the SDK logger's `... Aws::X::Errors::Y message`
    // and `"#{e.class} - #{e.message}"`. Inside `Aws::Svc::Errors::` the class is the code
    // wherever it stands, so no separator needs to follow it.
    let ruby = !follows && ruby_errors_ns;
    let mut message_before = None;
    if ruby {
        if rest.starts_with(')') && text[..start].ends_with('(') {
            let m = ruby_message_before(text, start - 1);
            if m.is_empty() {
                rest = &rest[1..];
            } else {
                message_before = Some(m);
            }
        } else if let Some(r) = rest.strip_prefix(" - ").or_else(|| rest.strip_prefix(' ')) {
            rest = r;
        } else if !rest.is_empty() && !rest.starts_with(['\n', '\r', '>', '"', '\'', ',']) {
            return None;
        }
    } else if !follows {
        return None;
    }
    // `RegisterTaskDefinition err:ClientException: ...` names the operation before the code.
    let operation = token.strip_prefix("err:").and_then(|_| {
        let before = text[..start].trim_end();
        let w = &before[before
            .rfind(char::is_whitespace)
            .map(|p| p + 1)
            .unwrap_or(0)..];
        // Inside a quoted message the quote is glued to it: `message: "RegisterTaskDefinition err:`.
        let w = w.trim_start_matches(['"', '\'', '`', '(', '[']);
        looks_like_operation(w).then_some(w)
    });
    // Node prints `ErrorSomethingException` for some runtime errors.
    if let Some(stripped) = code.strip_prefix("Error") {
        if stripped.len() > 9
            && stripped.as_bytes()[0].is_ascii_uppercase()
            && is_aws_code(stripped)
        {
            code = stripped;
        }
    }
    let normalized = ecs_reason(code);
    let code = normalized.unwrap_or(code);
    // Inside an `Aws::Svc::Errors::` namespace any CamelCase name is an API code.
    let namespaced = service.is_some()
        && code.len() >= 4
        && code.as_bytes()[0].is_ascii_uppercase()
        && code.bytes().all(|b| b.is_ascii_alphanumeric());
    if !is_aws_code(code) && !namespaced {
        return None;
    }
    let rest_trim = rest.trim_start_matches([' ', '\t']);
    let rest_trim = if rest_trim.starts_with('\n') {
        rest_trim.trim_start()
    } else {
        rest_trim
    };
    let line_end = rest_trim.find('\n').unwrap_or(rest_trim.len());
    let msg = match message_before {
        Some(m) => m,
        None => rest_trim[..line_end]
            .trim()
            .trim_end_matches(['"', '\\', ']', '>']),
    };
    let weak = is_sdk_class(code);
    let rank = if normalized.is_some() {
        12
    } else if weak {
        15
    } else {
        30
    };
    let mut p = Piece::new(start, end, Strength::Error, "plain", rank);
    p.set(Field::ErrorCode, code);
    if normalized.is_some() {
        p.set(Field::WrapperCode, code);
        p.format = "ecs";
    }
    if !msg.is_empty() {
        p.set(Field::Message, msg);
    }
    if let Some(n) = status {
        p.set(Field::StatusCode, n);
    }
    if let Some(op) = operation {
        p.set(Field::Operation, op);
    }
    if let Some(s) = service {
        p.set(Field::Service, s);
        p.format = "other-sdk";
    } else if let Some(svc) = code.strip_suffix("ServiceException") {
        // JavaScript v3's base class of a service's errors (`ECSServiceException`) names it.
        if crate::models::service_by_sdk_name(code).is_some() {
            p.set(Field::Service, svc);
        }
    }
    Some(p)
}

/// The message of a Ruby uncaught exception, on its line before the `(` at `open`: after the
/// `in 'method': ` (or `` in `method': ``) that Ruby puts before it, or the whole line.
fn ruby_message_before(text: &str, open: usize) -> &str {
    let line = &text[super::lex::line_start(text, open)..open];
    let msg = match line.find("in '").or_else(|| line.find("in `")) {
        Some(p) => line[p + 4..].split_once("': ").map_or(line, |(_, m)| m),
        None => line,
    };
    msg.trim()
}

/// An API operation name: a verb AWS uses followed by a capitalised noun (`RegisterTaskDefinition`).
pub fn looks_like_operation(w: &str) -> bool {
    const VERBS: &[&str] = &[
        "Create",
        "Delete",
        "Describe",
        "Get",
        "List",
        "Put",
        "Register",
        "Deregister",
        "Run",
        "Start",
        "Stop",
        "Update",
        "Send",
        "Receive",
        "Invoke",
        "Assume",
        "Attach",
        "Detach",
        "Tag",
        "Untag",
        "Modify",
        "Terminate",
        "Publish",
        "Subscribe",
        "Batch",
        "Query",
        "Scan",
        "Upload",
        "Head",
        "Copy",
        "Decrypt",
        "Encrypt",
        "Generate",
        "Associate",
        "Disassociate",
        "Authorize",
        "Revoke",
        "Enable",
        "Disable",
    ];
    w.bytes().all(|b| b.is_ascii_alphanumeric())
        && VERBS.iter().any(|v| {
            w.len() > v.len() && w.starts_with(v) && w.as_bytes()[v.len()].is_ascii_uppercase()
        })
}

/// The error codes of ECS stopped reasons; known codes as they stand.
const ECS_STOP_CODES: &[&str] = &[
    "CannotPullContainerError",
    "ResourceInitializationError",
    "OutOfMemoryError",
    "DockerTimeoutError",
    "CannotStartContainerError",
    "CannotCreateContainerError",
    "CannotInspectContainerError",
    "CannotStopContainerError",
    "ContainerRuntimeError",
    "ContainerRuntimeTimeoutError",
    "CannotCreateVolumeError",
    "TaskFailedToStart",
];

/// ECS stopped reasons are written in any case (`Resourceinitializationerror`); give the canonical code.
pub fn ecs_reason(code: &str) -> Option<&'static str> {
    ECS_STOP_CODES
        .iter()
        .find(|c| c.eq_ignore_ascii_case(code))
        .copied()
}

/// Find a known bare code glued to the next word (`InvalidClientTokenIdThe security ...`).
pub fn glued_code(word: &str) -> Option<&'static str> {
    BARE_CODES
        .iter()
        .chain(ECS_STOP_CODES)
        .filter(|c| {
            word.len() > c.len()
                && word.starts_with(*c)
                && word.as_bytes()[c.len()].is_ascii_uppercase()
        })
        .max_by_key(|c| c.len())
        .copied()
}

pub(crate) static FORMAT: Format = Format {
    name: "exception",
    sample: "ruby-sdk.txt",
    ebnf: ("exception.ebnf", "Code tokens"),
    anchors: |add| {
        for p in [
            "Exception",
            "Error:",
            "Error =>",
            "Fault:",
            "NotFound:",
            "Exceeded:",
            "Denied:",
            "error:",
            "Expired:",
            "Throttling:",
            // Codes of a missing thing, which AWS spells `NoSuchX` and `XDoesNotExist`.
            "NoSuch",
            "DoesNotExist:",
            "Invalid",
            "Errors::",
            ".Model.",
        ] {
            add(p, 0);
        }
        // The token ends a byte before these.
        for p in [" => ", " (client): ", " (server): "] {
            add(p, 1);
        }
        for c in ANCHORED_BARE_CODES {
            add(c, 0);
        }
    },
    triggers: |add| {
        for t in [
            "Exception",
            "Error:",
            "Error =>",
            "Errors::",
            "Fault:",
            "NotFound:",
            "Exceeded:",
            "Denied:",
            "(client): ",
            "Expired:",
            "NoSuch",
            "DoesNotExist:",
        ] {
            add(t);
        }
        for c in ANCHORED_BARE_CODES {
            add(c);
        }
    },
    parse,
    repeats: |p| p.rank >= 30 || p.get(Field::WrapperCode).is_some(),
    family: 1,
    ..Format::DEFAULT
};

/// The `Code:` token holding the anchor at `at`, `back` bytes before it. Code anchors often
/// share a token (`AccessDenied` and `Exception` in `AccessDeniedException`); the token's
/// parse from a second anchor is the first one's again, a piece dropped as a duplicate or
/// again no piece, so it is not parsed again.
fn parse<'a>(ev: &mut Event<'a, '_>, at: usize, _: usize, back: u8) -> Option<Piece<'a>> {
    let at = at
        .checked_sub(usize::from(back))
        .filter(|&at| ev.text.is_char_boundary(at))?;
    if ev.memo.code_token.contains(&at) {
        return None;
    }
    ev.memo.code_token = token_span(ev.text, at);
    parse_token(ev.text, ev.memo.code_token.clone())
}

/// The bare codes (no `Exception`/`Error` suffix) that often stand alone in text
/// (`AccessDenied: Access Denied`, `SlowDown`), so each is an anchor and a trigger of its own.
/// The other codes of [`BARE_CODES`] are taken as codes only where a wrapper (`Code:`,
/// `<Code>`, `(Code)`) says so; as triggers they would cost speed for little recall.
const ANCHORED_BARE_CODES: &[&str] = &[
    "AccessDenied",
    "AuthFailure",
    "ExpiredToken",
    "InvalidClientTokenId",
    "SignatureDoesNotMatch",
    "UnauthorizedOperation",
    "DependencyViolation",
    "NoSuchBucket",
    "NoSuchKey",
    "NoSuchEntity",
    "MalformedPolicyDocument",
    "EntityAlreadyExists",
    "RequestLimitExceeded",
    "RequestExpired",
    "InvalidAccessKeyId",
    "SlowDown",
    "ProvisionedThroughputExceeded",
    "ConditionalCheckFailed",
    "ValidationError",
    "RequestThrottled",
    "OptInRequired",
    "InternalFailure",
    "ServiceUnavailable",
    "MissingAuthenticationToken",
    "IncompleteSignature",
    "InsufficientInstanceCapacity",
    "InvalidParameterValue",
    "InvalidParameterCombination",
    "UnrecognizedClient",
    "InternalError",
    // Go v1's empty credential chain, printed as `NoCredentialProviders: no valid ...`.
    "NoCredentialProviders",
];

/// A known bare code glued to the next word, after `Response Error: `
/// (`Response Error: InvalidClientTokenIdThe security token ...`).
pub(super) static GLUED: Format = Format {
    name: "glued code",
    sample: "glued-code.txt",
    ebnf: ("exception.ebnf", "A code glued to its message"),
    anchors: |add| add("Response Error: ", 0),
    triggers: |add| add("Response Error"),
    parse: |ev, at, len, _| glued_at(ev.text, at, len),
    ..Format::DEFAULT
};

fn glued_at(text: &str, at: usize, len: usize) -> Option<Piece<'_>> {
    let r = &text[at + len..];
    let word = r.split_whitespace().next()?;
    let code = glued_code(word)?;
    let mut p = Piece::new(
        at + len,
        at + len + code.len(),
        Strength::Error,
        "other-sdk",
        30,
    );
    p.set(Field::ErrorCode, code);
    p.set(Field::Message, r[code.len()..].lines().next().unwrap_or(""));
    if let Some(svc) = text[..at]
        .rsplit("AWS::")
        .next()
        .and_then(|s| s.split([' ', ':']).next())
    {
        if !svc.is_empty() && svc.len() < 30 {
            p.set(Field::Service, svc);
        }
    }
    Some(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_java_model_package_names_its_service() {
        for t in [
            "com.amazonaws.services.ecs.model.ClientException: Family contains invalid characters.",
            "software.amazon.awssdk.services.ecs.model.ClientException: bad",
        ] {
            let p = parse_at(t, t.find("Exception").unwrap()).unwrap();
            assert_eq!(p.get(Field::Service), Some("ecs"), "{t}");
            assert_eq!(p.get(Field::ErrorCode), Some("ClientException"));
        }
    }

    #[test]
    fn a_js_service_exception_class_names_its_service() {
        let t = "ECSServiceException: UnknownError";
        assert_eq!(parse_at(t, 0).unwrap().get(Field::Service), Some("ECS"));
        let t = "AcmeServiceException: UnknownError";
        assert_eq!(parse_at(t, 0).and_then(|p| p.get(Field::Service)), None);
    }

    #[test]
    fn no_such_thing_and_does_not_exist_are_codes() {
        for c in ["NoSuchTagSet", "NoSuchCORSConfiguration", "NoSuchUpload"] {
            assert!(is_aws_code(c), "{c}");
        }
        for c in [
            "NoSuch",
            "NoSuchElementException",
            "NoSuchFieldError",
            "NoSuchProcess",
            "NoSuchTHING",
        ] {
            assert!(!is_aws_code(c), "{c}");
        }
        let t = "NoSuchTagSet: The TagSet does not exist";
        let p = parse_at(t, 0).unwrap();
        assert_eq!(p.get(Field::ErrorCode), Some("NoSuchTagSet"));
        assert_eq!(p.get(Field::Message), Some("The TagSet does not exist"));
    }

    #[test]
    fn codes_of_the_models_count_when_they_name_their_subject() {
        for code in [
            "QueueDoesNotExist",
            "NoSuchHostedZone",
            "InvalidDBInstanceState",
            "InvalidChangeBatch",
            "StateMachineDoesNotExist",
            "DBInstanceAlreadyExists",
        ] {
            assert!(is_aws_code(code), "{code}");
        }
        // Two-word codes and HTTP phrases are other systems' words too; NOT_CODES still vetoes.
        for code in [
            "BadRequest",
            "AlreadyExists",
            "InvalidArgument",
            "RequestTimeout",
            "TooManyRequests",
            "UnsupportedMediaType",
            "InternalServerError",
        ] {
            assert!(!is_aws_code(code), "{code}");
        }
        assert!(distinctive_model_code("InvalidVPCId"));
        assert!(!distinctive_model_code("KMSDisabled"));
    }

    #[test]
    fn operation_before_err_also_inside_a_quoted_message() {
        for text in [
            "ApiTaskDef RegisterTaskDefinition err:ClientException: Fargate requires a role",
            r#"returned message: "RegisterTaskDefinition err:ClientException: Fargate requires a role""#,
        ] {
            let r = crate::grammar::extract(text);
            assert_eq!(r.len(), 1, "{text}");
            assert_eq!(
                r[0].operation.as_deref(),
                Some("RegisterTaskDefinition"),
                "{text}"
            );
            assert_eq!(
                r[0].error_code.as_deref(),
                Some("ClientException"),
                "{text}"
            );
        }
    }

    fn code(s: &str) -> Option<String> {
        let at = s.find(':').or_else(|| s.find(" =>")).unwrap();
        parse_at(s, at.saturating_sub(1)).and_then(|p| p.get(Field::ErrorCode).map(str::to_string))
    }

    #[test]
    fn plain_codes() {
        assert_eq!(
            code("AccessDenied: Access Denied").as_deref(),
            Some("AccessDenied")
        );
        assert_eq!(
            code("InvalidAMIID.NotFound: The image id").as_deref(),
            Some("InvalidAMIID.NotFound")
        );
        assert_eq!(code("ValueError: bad").as_deref(), None);
        assert_eq!(code("Error: creating").as_deref(), None);
        assert_eq!(code("java.lang.OutOfMemoryError: heap").as_deref(), None);
    }

    #[test]
    fn namespaces() {
        let p = parse_at(
            "Aws::ECS::Errors::ClusterNotFoundException:\n  Cluster not found.",
            20,
        )
        .unwrap();
        assert_eq!(p.get(Field::ErrorCode), Some("ClusterNotFoundException"));
        assert_eq!(p.get(Field::Service), Some("ECS"));
        assert_eq!(p.get(Field::Message), Some("Cluster not found."));
        let d = parse_at(
            "Amazon.ECS.Model.InvalidParameterException: Invalid identifier",
            20,
        )
        .unwrap();
        assert_eq!(d.get(Field::Service), Some("ECS"));
        let b = parse_at("botocore.errorfactory.NotFoundException: An error", 25).unwrap();
        assert_eq!(b.get(Field::ErrorCode), Some("NotFoundException"));
        let f = parse_at(
            "Fog::Compute::AWS::Error: UnauthorizedOperation => You are not",
            30,
        )
        .unwrap();
        assert_eq!(f.get(Field::ErrorCode), Some("UnauthorizedOperation"));
    }

    #[test]
    fn every_position_in_a_token_gives_the_token() {
        let t = "é AccessDeniedException: x »Aws::S3::Errors::NoSuchKey:";
        let tok = |s: &str| t.find(s).map(|p| p..p + s.len()).unwrap();
        let code = tok("AccessDeniedException:");
        let ns = tok("Aws::S3::Errors::NoSuchKey:");
        for at in code.clone() {
            assert_eq!(token_span(t, at), code, "{at}");
        }
        for at in ns.clone() {
            assert_eq!(token_span(t, at), ns, "{at}");
        }
        // Before a character that is no code character, the token ends there.
        assert_eq!(token_span(t, 0), 0..0);
        assert_eq!(token_span(t, 2), 2..2);
        assert_eq!(token_span(t, code.end + 1), code.end + 1..code.end + 2);
    }

    #[test]
    fn ecs_reasons_and_glued() {
        let p = parse_at("Resourceinitializationerror: unable to pull secrets", 3).unwrap();
        assert_eq!(p.get(Field::ErrorCode), Some("ResourceInitializationError"));
        assert_eq!(
            glued_code("InvalidClientTokenIdThe"),
            Some("InvalidClientTokenId")
        );
    }
}
