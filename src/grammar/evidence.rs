//! Whether an assembled record is AWS's: the shape it was read from and the words around it,
//! weighed against words that name another system. `grammar/README.md` states the rule.
//!
//! The grammars accept `Code: message`, `<Code>`, `"code":` and the like wherever they stand,
//! and those shapes are every platform's: Google Cloud Storage answers with S3's XML, the JDK
//! and Spring throw an `AccessDeniedException`, Azure's errors carry a `code` key. A record is
//! kept when AWS's side of the scale holds something and is not the lighter one.

use super::format::{exception, keyvalue};
use super::piece::Strength;
use super::Found;
use crate::record::Record;
use aho_corasick::{AhoCorasick, MatchKind};
use std::sync::OnceLock;

/// Lines above the record's first line and below its last line whose words count.
pub(super) const WINDOW_LINES: usize = 12;

/// What a word found near a record says, and how much.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    Aws(u8),
    Other(u8),
}

/// Names only AWS uses: its ARNs, hosts, SDKs and tools, its protocols' own header and key
/// names. One of these near a record holds against any one word of another system.
const NAMES_AWS: u8 = 3;
/// Words that suggest AWS but that others use too.
const HINTS_AWS: u8 = 1;
/// Names of another cloud or product and of other platforms' client classes.
const NAMES_OTHER: u8 = 3;
/// Software that runs on AWS as well as elsewhere (Kubernetes, MySQL): a hint, not a verdict.
const HINTS_OTHER: u8 = 1;
/// A code AWS is known to use (`AccessDenied`, the ECS stop codes), or a sentence of AWS's list
/// of known messages in anyone's wording (`Rate exceeded`): more than a hint, less than a name
/// (Google Cloud Storage answers `AccessDenied` too).
const KNOWN_AWS: u8 = 2;
/// A code of AWS's shapes (`...Exception`, `...Fault`, `Svc.Code`), which other platforms'
/// class names share.
const SHAPED_AWS: u8 = 1;

/// The words searched near a record, case-sensitive (both spellings listed where both are
/// written).
const WORDS: &[(&str, Side)] = &[
    // AWS: resource names and endpoints.
    ("arn:aws", Side::Aws(NAMES_AWS)),
    ("amazonaws.com", Side::Aws(NAMES_AWS)),
    (".api.aws", Side::Aws(NAMES_AWS)),
    // AWS: SDKs and tools, by their package, namespace or class names.
    ("botocore", Side::Aws(NAMES_AWS)),
    ("boto3", Side::Aws(NAMES_AWS)),
    ("boto.exception", Side::Aws(NAMES_AWS)),
    ("awscli", Side::Aws(NAMES_AWS)),
    ("aws-cli", Side::Aws(NAMES_AWS)),
    ("com.amazonaws", Side::Aws(NAMES_AWS)),
    ("software.amazon.awssdk", Side::Aws(NAMES_AWS)),
    ("Aws::", Side::Aws(NAMES_AWS)),
    ("AWS::", Side::Aws(NAMES_AWS)),
    ("Amazon.", Side::Aws(NAMES_AWS)),
    ("AWSSDK", Side::Aws(NAMES_AWS)),
    ("@aws-sdk", Side::Aws(NAMES_AWS)),
    ("aws-sdk", Side::Aws(NAMES_AWS)),
    ("aws_sdk", Side::Aws(NAMES_AWS)),
    ("github.com/aws/", Side::Aws(NAMES_AWS)),
    ("awserr", Side::Aws(NAMES_AWS)),
    ("Rusoto", Side::Aws(NAMES_AWS)),
    ("rusoto", Side::Aws(NAMES_AWS)),
    ("amazonka", Side::Aws(NAMES_AWS)),
    ("CFSimpleXML", Side::Aws(NAMES_AWS)),
    ("aws-actions/", Side::Aws(NAMES_AWS)),
    // AWS: protocol words (headers, JSON protocol keys, SDK metadata, signing).
    ("x-amz-", Side::Aws(NAMES_AWS)),
    ("x-amzn-", Side::Aws(NAMES_AWS)),
    ("X-Amz-", Side::Aws(NAMES_AWS)),
    ("X-Amzn-", Side::Aws(NAMES_AWS)),
    ("__type", Side::Aws(NAMES_AWS)),
    ("$metadata", Side::Aws(NAMES_AWS)),
    ("RespMetadata", Side::Aws(NAMES_AWS)),
    ("AWS4-HMAC-SHA256", Side::Aws(NAMES_AWS)),
    // AWS: configuration the SDKs read.
    ("AWS_ACCESS_KEY", Side::Aws(NAMES_AWS)),
    ("AWS_SECRET", Side::Aws(NAMES_AWS)),
    ("AWS_REGION", Side::Aws(NAMES_AWS)),
    ("AWS_DEFAULT_REGION", Side::Aws(NAMES_AWS)),
    ("AWS_PROFILE", Side::Aws(NAMES_AWS)),
    (".aws/credentials", Side::Aws(NAMES_AWS)),
    (".aws/config", Side::Aws(NAMES_AWS)),
    ("aws configure", Side::Aws(NAMES_AWS)),
    // AWS: words others use too.
    ("AWS", Side::Aws(HINTS_AWS)),
    ("Amazon", Side::Aws(HINTS_AWS)),
    ("aws ", Side::Aws(HINTS_AWS)),
    ("aws_", Side::Aws(HINTS_AWS)),
    ("aws-", Side::Aws(HINTS_AWS)),
    ("/aws", Side::Aws(HINTS_AWS)),
    ("DynamoDB", Side::Aws(HINTS_AWS)),
    ("CloudFormation", Side::Aws(HINTS_AWS)),
    ("CloudWatch", Side::Aws(HINTS_AWS)),
    ("EC2", Side::Aws(HINTS_AWS)),
    ("Lambda", Side::Aws(HINTS_AWS)),
    ("S3 ", Side::Aws(HINTS_AWS)),
    // Google Cloud.
    ("googleapis", Side::Other(NAMES_OTHER)),
    ("googleapi", Side::Other(NAMES_OTHER)),
    ("google_", Side::Other(NAMES_OTHER)),
    ("gserviceaccount", Side::Other(NAMES_OTHER)),
    ("gs://", Side::Other(NAMES_OTHER)),
    ("gsutil", Side::Other(NAMES_OTHER)),
    ("gcloud", Side::Other(NAMES_OTHER)),
    ("storage.objects.", Side::Other(NAMES_OTHER)),
    ("storage.buckets.", Side::Other(NAMES_OTHER)),
    ("Google Cloud", Side::Other(NAMES_OTHER)),
    ("google.api_core", Side::Other(NAMES_OTHER)),
    ("google.cloud", Side::Other(NAMES_OTHER)),
    ("com.google.cloud", Side::Other(NAMES_OTHER)),
    ("GoogleJsonResponseException", Side::Other(NAMES_OTHER)),
    // Azure.
    ("Microsoft.", Side::Other(NAMES_OTHER)),
    ("/subscriptions/", Side::Other(NAMES_OTHER)),
    ("azure", Side::Other(NAMES_OTHER)),
    ("Azure", Side::Other(NAMES_OTHER)),
    ("AZURE", Side::Other(NAMES_OTHER)),
    ("windows.net", Side::Other(NAMES_OTHER)),
    ("x-ms-", Side::Other(NAMES_OTHER)),
    ("CloudError", Side::Other(NAMES_OTHER)),
    ("RestError", Side::Other(NAMES_OTHER)),
    ("RequestFailedException", Side::Other(NAMES_OTHER)),
    ("HttpResponseError", Side::Other(NAMES_OTHER)),
    // GitHub's API and its clients.
    ("api.github.com", Side::Other(NAMES_OTHER)),
    ("X-GitHub", Side::Other(NAMES_OTHER)),
    ("x-github-", Side::Other(NAMES_OTHER)),
    ("HttpError", Side::Other(NAMES_OTHER)),
    ("octokit", Side::Other(NAMES_OTHER)),
    ("Octokit", Side::Other(NAMES_OTHER)),
    // Other clouds and services, and object stores that speak S3's API.
    ("openai", Side::Other(NAMES_OTHER)),
    ("OpenAI", Side::Other(NAMES_OTHER)),
    ("cloudflare", Side::Other(NAMES_OTHER)),
    ("Cloudflare", Side::Other(NAMES_OTHER)),
    ("digitalocean", Side::Other(NAMES_OTHER)),
    ("DigitalOcean", Side::Other(NAMES_OTHER)),
    ("aliyun", Side::Other(NAMES_OTHER)),
    ("Alibaba", Side::Other(NAMES_OTHER)),
    ("minio", Side::Other(NAMES_OTHER)),
    ("MinIO", Side::Other(NAMES_OTHER)),
    ("wasabisys", Side::Other(NAMES_OTHER)),
    ("backblaze", Side::Other(NAMES_OTHER)),
    ("firebase", Side::Other(NAMES_OTHER)),
    ("Firebase", Side::Other(NAMES_OTHER)),
    ("AADSTS", Side::Other(NAMES_OTHER)),
    // Database clients' own errors.
    ("MongoServerError", Side::Other(NAMES_OTHER)),
    ("MongoError", Side::Other(NAMES_OTHER)),
    ("psycopg2", Side::Other(NAMES_OTHER)),
    ("pymysql", Side::Other(NAMES_OTHER)),
    ("sqlalchemy", Side::Other(NAMES_OTHER)),
    ("Sequelize", Side::Other(NAMES_OTHER)),
    ("ActiveRecord::", Side::Other(NAMES_OTHER)),
    // The JDK's and .NET's own permission errors.
    ("java.security.", Side::Other(NAMES_OTHER)),
    ("System.IO.", Side::Other(NAMES_OTHER)),
    (
        "System.UnauthorizedAccessException",
        Side::Other(NAMES_OTHER),
    ),
    // The JDK's file API and Spring Security throw their own `AccessDeniedException`.
    ("java.nio.file", Side::Other(NAMES_OTHER)),
    ("org.springframework", Side::Other(NAMES_OTHER)),
    // HashiCorp Vault.
    ("hashicorp", Side::Other(NAMES_OTHER)),
    ("VAULT_", Side::Other(NAMES_OTHER)),
    ("/v1/sys/", Side::Other(NAMES_OTHER)),
    ("/v1/auth/", Side::Other(NAMES_OTHER)),
    // Software that runs on AWS too.
    ("kubelet", Side::Other(HINTS_OTHER)),
    ("kubectl", Side::Other(HINTS_OTHER)),
    ("kubernetes", Side::Other(HINTS_OTHER)),
    ("Kubernetes", Side::Other(HINTS_OTHER)),
    ("k8s.io", Side::Other(HINTS_OTHER)),
    ("system:serviceaccount", Side::Other(HINTS_OTHER)),
    ("mysql", Side::Other(HINTS_OTHER)),
    ("MySQL", Side::Other(HINTS_OTHER)),
    ("postgres", Side::Other(HINTS_OTHER)),
    ("Postgres", Side::Other(HINTS_OTHER)),
    ("SQLSTATE", Side::Other(HINTS_OTHER)),
    ("heroku", Side::Other(HINTS_OTHER)),
    ("Heroku", Side::Other(HINTS_OTHER)),
];

/// Words of [`WORDS`] that count only as a whole identifier: class names of other systems'
/// clients, which AWS's own names can hold (the .NET SDK's `HttpErrorResponseException`).
const WHOLE: &[&str] = &[
    "HttpError",
    "CloudError",
    "RestError",
    "RequestFailedException",
    "HttpResponseError",
    "GoogleJsonResponseException",
    "MongoServerError",
    "MongoError",
];

/// The automaton of [`WORDS`], and for each word whether it is one of [`WHOLE`].
fn automaton() -> &'static (AhoCorasick, Vec<bool>) {
    static A: OnceLock<(AhoCorasick, Vec<bool>)> = OnceLock::new();
    A.get_or_init(|| {
        let ac = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .build(WORDS.iter().map(|(w, _)| w))
            .expect("evidence words build");
        let whole = WORDS.iter().map(|(w, _)| WHOLE.contains(w)).collect();
        (ac, whole)
    })
}

/// The words of [`WORDS`] in `text`: (offset, index in [`WORDS`]).
pub(super) fn words_in(text: &str) -> Vec<(usize, u8)> {
    let (ac, whole) = automaton();
    let b = text.as_bytes();
    let ident = |at: Option<&u8>| at.is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_');
    ac.find_iter(text)
        .filter(|m| {
            !whole[m.pattern().as_usize()]
                || !(ident(m.start().checked_sub(1).and_then(|i| b.get(i)))
                    || ident(b.get(m.end())))
        })
        .map(|m| (m.start(), m.pattern().as_usize() as u8))
        .collect()
}

/// Whether a piece's shape is one only AWS prints: the AWS CLI's sentence, the Java SDK's key
/// list, the Go SDKs' trailers, the authorization sentence with its IAM action or deny clause,
/// CloudFormation's handler message, a message from AWS's own list.
fn aws_shape(f: &Found<'_>) -> bool {
    (f.kind.format.aws_shape)(&f.piece)
}

/// A Lambda function's error object: its `errorType` key with its `errorMessage` key.
fn lambda_error_object(found: &[Found<'_>], group: &[usize]) -> bool {
    let lambda_key = |s: Strength| {
        group.iter().any(|&i| {
            let f = &found[i];
            f.kind.is(&keyvalue::FORMAT) && f.piece.format == "lambda" && f.piece.strength == s
        })
    };
    lambda_key(Strength::Error) && lambda_key(Strength::Context)
}

/// How much the record's own fields say for AWS: its code, its service, a known message.
fn fields_weight(rec: &Record, found: &[Found<'_>], group: &[usize]) -> u8 {
    let mut w = 0;
    if let Some(code) = rec.error_code.as_deref() {
        w += if exception::listed_codes().get(code) == Some(&true) {
            KNOWN_AWS
        } else if exception::is_aws_code(code) {
            SHAPED_AWS
        } else {
            0
        };
    }
    if rec.service.is_some() {
        w += HINTS_AWS;
    }
    if group.iter().any(|&i| found[i].kind.format.listed) {
        w += KNOWN_AWS;
    }
    w
}

/// How much a code's own spelling says against AWS. AWS's codes are UpperCamelCase words,
/// some under a dotted namespace; Go's sentinel errors are `ErrName` (Kubernetes'
/// `ErrImagePull`), and gRPC's and Google's statuses are SCREAMING_SNAKE words
/// (`PERMISSION_DENIED`), which no AWS code is.
fn code_of_others(code: &str) -> u8 {
    let b = code.as_bytes();
    if b.len() > 3 && b.starts_with(b"Err") && b[3].is_ascii_uppercase() {
        return NAMES_OTHER;
    }
    let screaming = b.contains(&b'_')
        && b.iter()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || *c == b'_');
    if screaming {
        HINTS_OTHER
    } else {
        0
    }
}

/// Whether the record, read from `text` (lines ending at `newlines`) out of the pieces
/// `group` of `found`, is AWS's. `hits` holds the words of the text, searched for on the first
/// call that needs them (most records are settled by their shape).
pub(super) fn is_aws(
    text: &str,
    newlines: &[usize],
    rec: &Record,
    found: &[Found<'_>],
    group: &[usize],
    hits: &mut Option<Vec<(usize, u8)>>,
) -> bool {
    if group.iter().any(|&i| aws_shape(&found[i])) || lambda_error_object(found, group) {
        return true;
    }
    let hits = hits.get_or_insert_with(|| words_in(text));
    let line_of = |pos: usize| newlines.partition_point(|&n| n < pos);
    let (first, last) = (
        line_of(rec.span.start as usize),
        line_of(rec.span.end as usize),
    );
    let lines = first.saturating_sub(WINDOW_LINES)..=last.saturating_add(WINDOW_LINES);
    let mut aws = u32::from(fields_weight(rec, found, group));
    let mut other = rec
        .error_code
        .as_deref()
        .map_or(0, |c| u32::from(code_of_others(c)));
    // Each word counts once, however often it stands there.
    let mut seen = [false; WORDS.len()];
    for &(at, w) in hits.iter() {
        let w = usize::from(w);
        if seen[w] || !lines.contains(&line_of(at)) {
            continue;
        }
        seen[w] = true;
        match WORDS[w].1 {
            Side::Aws(n) => aws += u32::from(n),
            Side::Other(n) => other += u32::from(n),
        }
    }
    // A tie keeps the record: the grammar read it as AWS's, and a hint such as Kubernetes
    // stands around AWS's errors as often as around others'.
    aws > 0 && aws >= other
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_fit_the_index() {
        assert!(WORDS.len() <= usize::from(u8::MAX));
        for w in WHOLE {
            assert!(WORDS.iter().any(|(v, _)| v == w), "{w} is not a word");
        }
    }

    #[test]
    fn class_names_count_whole() {
        let at = |t: &str| words_in(t).iter().map(|&(a, _)| a).collect::<Vec<_>>();
        assert_eq!(at("HttpError: x"), [0]);
        assert_eq!(at("[HttpError]"), [1]);
        assert!(at("HttpErrorResponseException").is_empty());
        assert!(at("MyHttpError").is_empty());
    }
}

#[cfg(test)]
mod texts {
    //! Texts written for these tests in the shapes AWS's SDKs and other systems print.
    use super::super::extract;

    fn codes(text: &str) -> Vec<String> {
        extract(text)
            .into_iter()
            .map(|r| r.error_code.unwrap_or_default())
            .collect()
    }

    #[test]
    fn aws_shapes_and_codes_are_aws() {
        for (text, code) in [
            ("AccessDenied: Access Denied", "AccessDenied"),
            (
                "An error occurred (UnknownOperationX) when calling the Frob operation: no",
                "UnknownOperationX",
            ),
            (
                "ResourceNotFoundException: Requested resource not found",
                "ResourceNotFoundException",
            ),
            // A database's name does not outweigh a code AWS uses.
            (
                "Error: creating DB instance: InvalidParameterCombination: Cannot find version 9.9 for postgres",
                "InvalidParameterCombination",
            ),
            // Nor does Kubernetes' outweigh the Go SDK's trailer.
            (
                "kubelet: pull failed: AccessDenied: Not authorized to perform sts:AssumeRoleWithWebIdentity\n\tstatus code: 403, request id: 1a2b3c",
                "AccessDenied",
            ),
            (
                "<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message><RequestId>4A2F0C9B8E7D6A51</RequestId></Error>",
                "NoSuchKey",
            ),
            // A Lambda function's error object, whatever its type's name.
            (
                "{\"errorType\": \"Error\", \"errorMessage\": \"Cannot find module 'index'\", \"stackTrace\": []}",
                "Error",
            ),
            // A hint of another system against a code of AWS's shape: a tie keeps it.
            (
                "kubectl logs deploy/api\nValidationException: The provided key element does not match the schema",
                "ValidationException",
            ),
            // An ARN near a code of anyone's shape.
            (
                "{\"code\": \"QuotaBreached\", \"message\": \"cannot read arn:aws:s3:::b/k\"}",
                "QuotaBreached",
            ),
        ] {
            assert_eq!(codes(text), [code], "{text}");
        }
    }

    #[test]
    fn other_systems_are_not_aws() {
        for text in [
            // Google Cloud Storage answers in S3's XML; gsutil names its exception like AWS's.
            "GET https://storage.googleapis.com/b/o\n<?xml version='1.0' encoding='UTF-8'?><Error><Code>AccessDenied</Code><Message>Access denied.</Message><Details>svc@p.iam.gserviceaccount.com does not have storage.objects.get access.</Details></Error>",
            "AccessDeniedException: 403 svc@p.iam.gserviceaccount.com does not have storage.buckets.list access to the project.",
            // Azure's codes and scopes.
            "ERROR: (AuthorizationFailed) The client 'a' with object id '0' does not have authorization to perform action 'Microsoft.Compute/virtualMachines/read' over scope '/subscriptions/0/resourceGroups/rg'.\nCode: AuthorizationFailed\nMessage: The client 'a' does not have authorization.",
            "Error: Code=\"AuthorizationFailed\" Message=\"The client does not have authorization to perform action Microsoft.Network/virtualNetworks/read over scope /subscriptions/0\"",
            // A GitHub API client's error class.
            "Error: HttpError: Resource not accessible by integration",
            // The JDK's and Spring's exceptions of AWS's name.
            "AccessDeniedException: /srv/app/cache/index.lock\n\tat java.base/sun.nio.fs.UnixException.translateToIOException(UnixException.java:90)\n\tat java.base/java.nio.file.Files.newByteChannel(Files.java:380)",
            "AccessDeniedException: Access is denied\n\tat org.springframework.security.access.vote.AffirmativeBased.decide(AffirmativeBased.java:84)",
            // A Go sentinel error of Kubernetes', though its image comes from ECR.
            "  Warning  Failed  10s  kubelet  Failed to pull image \"123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1\": rpc error: code = Unknown desc = 403 Forbidden\n  Warning  Failed  10s  kubelet  Error: ErrImagePull",
            // A code neither listed nor of AWS's shapes, with no word of AWS near it.
            "{\"code\": \"QuotaBreached\", \"message\": \"try again later\"}",
        ] {
            assert_eq!(codes(text), Vec::<String>::new(), "{text}");
        }
    }

    #[test]
    fn aws_names_hold_against_the_platform_around_them() {
        // The .NET SDK's `HttpErrorResponseException` holds GitHub's `HttpError`, and its stack
        // runs through Microsoft's frames: `Amazon.` holds against `Microsoft.`.
        let t = "Amazon.S3.AmazonS3Exception: Access Denied\n ---> Amazon.Runtime.Internal.HttpErrorResponseException: Exception of type 'Amazon.Runtime.Internal.HttpErrorResponseException' was thrown.\n   at Microsoft.AspNetCore.Mvc.Infrastructure.ControllerActionInvoker.Next()";
        assert_eq!(extract(t).len(), 1, "{t}");
    }

    #[test]
    fn words_count_near_the_record_only() {
        let far = "\nINFO step".repeat(super::WINDOW_LINES + 2);
        let text =
            format!("gsutil cp gs://b/o .{far}\nAccessDeniedException: 403 caller lacks access");
        assert_eq!(codes(&text), ["AccessDeniedException"]);
        let text = "gsutil cp gs://b/o .\nAccessDeniedException: 403 caller lacks access";
        assert_eq!(codes(text), Vec::<String>::new());
    }
}
