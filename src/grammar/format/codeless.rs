//! Sentences AWS services and SDKs print without an error code beside them, each known well
//! enough to make a record of its own: what the sentence means (service, and the API code AWS
//! returns it with where the documentation ties the two), and the wrapper it is printed in.
//!
//! Each literal is matched exactly, from its start, so it holds only the fixed part of the
//! sentence (no names or numbers). A literal is also a trigger of the scanner, so it must
//! contain one of the prefilter's cover fragments (`src/scan/trigger.rs`; a test checks).
//! Every entry is cited by the documentation page that shows the sentence.

use super::head;
use super::piece::{Field, Piece, Strength};
use super::{Event, Format};

/// One known sentence.
pub struct Known {
    /// The fixed head of the sentence, as AWS spells it.
    pub text: &'static str,
    /// The wrapper the sentence stands for when nothing else in the event names one.
    pub format: &'static str,
    /// The service that says it, as the service's own prefix.
    pub service: Option<&'static str>,
    /// The API error code AWS returns with it, where that is one code.
    pub code: Option<&'static str>,
}

const fn k(text: &'static str, format: &'static str) -> Known {
    Known {
        text,
        format,
        service: None,
        code: None,
    }
}

const fn kc(
    text: &'static str,
    format: &'static str,
    service: &'static str,
    code: &'static str,
) -> Known {
    Known {
        text,
        format,
        service: Some(service),
        code: Some(code),
    }
}

const fn ks(text: &'static str, format: &'static str, service: &'static str) -> Known {
    Known {
        text,
        format,
        service: Some(service),
        code: None,
    }
}

pub const KNOWN: &[Known] = &[
    // https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-networking.html
    k(
        "Network Configuration must be provided when networkMode 'awsvpc' is specified",
        "ecs",
    ),
    // https://docs.aws.amazon.com/AmazonECS/latest/developerguide/stopped-task-errors.html
    k("Essential container in task exited", "ecs"),
    // https://docs.aws.amazon.com/lambda/latest/dg/troubleshooting-invocation.html
    k("Task timed out after", "lambda"),
    // https://docs.aws.amazon.com/general/latest/gr/api-retries.html
    k("Rate exceeded", "plain"),
    k("Request limit exceeded", "plain"),
    // The credential chain came up empty, as each SDK and Terraform say it:
    // https://docs.aws.amazon.com/cli/latest/userguide/cli-configure-files.html
    k("Unable to locate credentials", "boto3"),
    // https://docs.aws.amazon.com/sdkref/latest/guide/standardized-credentials.html
    k("no valid credential sources", "plain"),
    k("failed to refresh cached credentials", "go-sdk-v2"),
    k("Could not load credentials from any providers", "js-sdk-v3"),
    k(
        "Unable to load AWS credentials from any provider in the chain",
        "java-sdk",
    ),
    k(
        "Unable to load credentials from any of the providers in the chain",
        "java-sdk",
    ),
    // No region configured: https://docs.aws.amazon.com/sdkref/latest/guide/feature-region.html
    k("You must specify a region", "boto3"),
    k("an AWS region is required", "go-sdk-v2"),
    k("Region is missing", "js-sdk-v3"),
    k(
        "Unable to load region from any of the providers in the chain",
        "java-sdk",
    ),
    // https://docs.aws.amazon.com/STS/latest/APIReference/CommonErrors.html
    k(
        "The security token included in the request is expired",
        "plain",
    ),
    // The CLI's SSO session ran out (`Error when retrieving token from sso: ...`):
    // https://docs.aws.amazon.com/cli/latest/userguide/cli-configure-sso.html
    k("Token has expired and refresh failed", "aws-cli"),
    k(
        "The security token included in the request is invalid",
        "plain",
    ),
    // https://boto3.amazonaws.com/v1/documentation/api/latest/guide/error-handling.html
    k("Parameter validation failed", "boto3"),
    // https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/troubleshooting.html
    k("An error occurred while provisioning", "cloudformation"),
    k("An error occurred: ", "cloudformation"),
    k("Resource limit exceeded", "cloudformation"),
    // https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_policies.html
    k("This policy contains the following error", "plain"),
    // https://docs.aws.amazon.com/step-functions/latest/dg/connect-ecs.html
    k("Run task failed", "sfn"),
    // https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html
    k("An error occurred while executing the state", "sfn"),
    k("could not be found in the input", "sfn"),
    // --- Sentences that stand without their code in logs, consoles and service events. ---
    // https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html
    kc(
        "You are not authorized to perform this operation",
        "plain",
        "ec2",
        "UnauthorizedOperation",
    ),
    // https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/troubleshooting-launch.html
    kc(
        "We currently do not have sufficient",
        "plain",
        "ec2",
        "InsufficientInstanceCapacity",
    ),
    kc(
        "The maximum number of addresses has been reached",
        "plain",
        "ec2",
        "AddressLimitExceeded",
    ),
    kc(
        "The maximum number of VPCs has been reached",
        "plain",
        "ec2",
        "VpcLimitExceeded",
    ),
    kc("Request has expired", "plain", "ec2", "RequestExpired"),
    // https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_roles.html
    k("is not authorized to assume the provided role", "plain"),
    kc(
        "Roles may not be assumed by root accounts",
        "plain",
        "sts",
        "AccessDenied",
    ),
    // https://docs.aws.amazon.com/lambda/latest/dg/lambda-intro-execution-role.html
    kc(
        "The role defined for the function cannot be assumed by Lambda",
        "plain",
        "lambda",
        "InvalidParameterValueException",
    ),
    // https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html
    kc(
        "Unzipped size must be smaller than",
        "plain",
        "lambda",
        "InvalidParameterValueException",
    ),
    kc(
        "Request must be smaller than",
        "plain",
        "lambda",
        "RequestTooLargeException",
    ),
    // https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html
    // https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-networking.html
    kc(
        "Network Configuration is not valid for the given networkMode",
        "ecs",
        "ecs",
        "InvalidParameterException",
    ),
    // ECS service events:
    // https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-event-messages-list.html
    ks("is unhealthy in (target-group", "ecs", "ecs"),
    ks(
        "was unable to place a task because no container instance met all of its requirements",
        "ecs",
        "ecs",
    ),
    ks("Task failed ELB health checks in", "ecs", "ecs"),
    ks("Task failed container health checks", "ecs", "ecs"),
    // Stopped reasons: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/stopped-task-error-codes.html
    ks(
        "Timeout waiting for network interface provisioning to complete",
        "ecs",
        "ecs",
    ),
    // https://docs.aws.amazon.com/kms/latest/developerguide/troubleshooting-decrypt.html
    ks(
        "The ciphertext refers to a customer master key that does not exist",
        "plain",
        "kms",
    ),
    kc(
        "The ciphertext references a key that either does not exist or you do not have access to",
        "plain",
        "kms",
        "AccessDeniedException",
    ),
    // https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html
    kc(
        "returned a result with a size exceeding the maximum number of bytes service limit",
        "sfn",
        "states",
        "States.DataLimitExceeded",
    ),
    // https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/troubleshooting.html
    ks(
        " already exists in stack ",
        "cloudformation",
        "cloudformation",
    ),
    // https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html
    kc(
        "The specified bucket does not exist",
        "plain",
        "s3",
        "NoSuchBucket",
    ),
    kc(
        "The specified key does not exist",
        "plain",
        "s3",
        "NoSuchKey",
    ),
    kc(
        "The bucket you are attempting to access must be addressed using the specified endpoint",
        "plain",
        "s3",
        "PermanentRedirect",
    ),
    kc(
        "The provided token has expired",
        "plain",
        "s3",
        "ExpiredToken",
    ),
    // https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/CommonErrors.html
    // The code depends on the protocol the client speaks (`AWS.SimpleQueueService.NonExistentQueue`
    // over query, `QueueDoesNotExist` over JSON), so the sentence alone does not settle it.
    ks("The specified queue does not exist", "plain", "sqs"),
    // https://docs.aws.amazon.com/secretsmanager/latest/userguide/troubleshoot.html
    kc(
        "Secrets Manager can't find the specified secret",
        "plain",
        "secretsmanager",
        "ResourceNotFoundException",
    ),
    // https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Programming.Errors.html
    kc(
        "The conditional request failed",
        "plain",
        "dynamodb",
        "ConditionalCheckFailedException",
    ),
    kc(
        "The level of configured provisioned throughput for the table was exceeded",
        "plain",
        "dynamodb",
        "ProvisionedThroughputExceededException",
    ),
    // The CLI v2's own SSO messages:
    // https://docs.aws.amazon.com/cli/latest/userguide/cli-configure-sso.html
    k(
        "The SSO session associated with this profile has expired or is otherwise invalid",
        "aws-cli",
    ),
    k("Error loading SSO Token", "aws-cli"),
    k("Error when retrieving token from sso", "aws-cli"),
    // botocore's own exceptions:
    // https://docs.aws.amazon.com/cli/latest/userguide/cli-configure-files.html
    k("Partial credentials found in", "boto3"),
    // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-troubleshooting.html
    k("Credential should be scoped to a valid region", "plain"),
    k("Signature expired: ", "plain"),
    // https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoleWithWebIdentity.html
    kc(
        "Invalid identity token",
        "plain",
        "sts",
        "InvalidIdentityToken",
    ),
    // https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/CommonErrors.html
    kc(
        "The specified log group does not exist",
        "plain",
        "logs",
        "ResourceNotFoundException",
    ),
    kc(
        "The specified log stream does not exist",
        "plain",
        "logs",
        "ResourceNotFoundException",
    ),
    // https://docs.aws.amazon.com/sdkref/latest/guide/feature-imds-credentials.html
    k(
        "Error retrieving credentials from the instance profile metadata service",
        "boto3",
    ),
    // https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-known-issues.html
    kc(
        "Missing Authentication Token",
        "plain",
        "apigateway",
        "MissingAuthenticationTokenException",
    ),
];

pub(super) static FORMAT: Format = Format {
    name: "known message",
    sample: "codeless.txt",
    ebnf: (
        "misc.ebnf",
        "Known messages (src/grammar/format/codeless.rs)",
    ),
    anchors: |add| {
        for (i, known) in KNOWN.iter().enumerate() {
            add(head(known.text), i as u8);
        }
    },
    triggers: |add| {
        for known in KNOWN {
            add(known.text);
        }
    },
    parse,
    // A message of AWS's list naming an SDK or service; `plain` ones, such as `Rate
    // exceeded`, are anyone's sentences and weigh as a known code does.
    aws_shape: |p| p.strength == Strength::Error && p.format != "plain",
    sentence: |_| true,
    listed: true,
    ..Format::DEFAULT
};

/// `any_error_colon`, whether the event holds an `Error: `, is looked up at its first known
/// message.
fn parse<'a>(ev: &mut Event<'a, '_>, at: usize, _: usize, i: u8) -> Option<Piece<'a>> {
    let any = *ev
        .memo
        .any_error_colon
        .get_or_insert_with(|| super::lex::contains(ev.text, "Error: "));
    known_message_at(ev.text, at, usize::from(i), any)
}

/// A known message at `at` (index `idx` of [`KNOWN`]): a weak record of its own.
/// `any_error_colon` is whether `text` holds an `Error: ` anywhere: the message starts after the
/// last one in its line, and an event without one (most) need not search each line for it.
fn known_message_at(text: &str, at: usize, idx: usize, any_error_colon: bool) -> Option<Piece<'_>> {
    let known = KNOWN.get(idx)?;
    let (m, format) = (known.text, known.format);
    // The anchor is the message's head.
    if !text[at..].starts_with(m) {
        return None;
    }
    let opening = memchr::memrchr2(b'\n', b'"', &text.as_bytes()[..at]);
    let line_start = opening.map_or(0, |p| p + 1);
    // Inside a quoted string (a JSON log line) the message ends with the string; on a line
    // of its own, quotes are part of it (`by running "aws configure".`).
    let quoted = opening.is_some_and(|p| text.as_bytes()[p] == b'"');
    let rest = &text.as_bytes()[at..];
    let line_end = if quoted {
        memchr::memchr2(b'\n', b'"', rest)
    } else {
        memchr::memchr(b'\n', rest)
    }
    .map_or(text.len(), |p| p + at);
    let mut p = Piece::new(at, at + m.len(), Strength::Error, format, 5);
    // A message that is a clause after a prefix (`get credentials: failed to refresh ...`,
    // `SdkClientException: Unable to load ...`) starts where it does; one that opens its
    // line keeps the line, less what an `Error: ` before it says.
    let before = text[line_start..at].trim_end_matches(' ');
    let msg = if before.ends_with(':') || before.ends_with(',') {
        text[at..line_end].trim()
    } else {
        let line = super::lex::skip_log_head(text[line_start..line_end].trim());
        match any_error_colon.then(|| super::lex::rfind(line, "Error: ")) {
            Some(Some(p)) => &line[p + 7..],
            _ => line,
        }
    };
    p.set(Field::Message, msg);
    if let Some(s) = known.service {
        p.set(Field::Service, s);
    }
    if let Some(c) = known.code {
        p.set(Field::ErrorCode, c);
    }
    Some(p)
}

#[cfg(test)]
mod tests {
    use super::KNOWN;

    #[test]
    fn every_sentence_makes_a_record_with_its_code_and_service() {
        for k in KNOWN {
            // As a log line would carry it: a timestamp before, a name after.
            let text = format!("2026-12-01T09:00:00Z {} web-1\n", k.text);
            let recs = crate::scan_str(&text);
            assert_eq!(recs.len(), 1, "{:?}", k.text);
            if k.code.is_some() {
                assert_eq!(recs[0].error_code.as_deref(), k.code, "{:?}", k.text);
            }
            if k.service.is_some() {
                assert_eq!(recs[0].service.as_deref(), k.service, "{:?}", k.text);
            }
        }
    }

    #[test]
    fn the_table_is_large_and_has_no_repeats() {
        assert!(KNOWN.len() >= 60, "{}", KNOWN.len());
        for (i, a) in KNOWN.iter().enumerate() {
            assert!(
                KNOWN[i + 1..].iter().all(|b| b.text != a.text),
                "{:?}",
                a.text
            );
        }
    }
}
