//! What awsplain knows of AWS services, in one place, from AWS's own models
//! ([`crate::models`]): the key a service goes by in remedies (its IAM prefix: `ecs`, `states`,
//! `elasticmapreduce`) from any name a text gives it (SDK and host names, ARN and code
//! prefixes, operations), the principal a role is passed to, and the SDK exception classes
//! that carry no API code of their own.

use crate::models;

/// The IAM prefix of a service of the models: its signing name, which IAM actions and ARNs
/// use, except for the two services whose requests are signed under another name.
fn iam_prefix(s: &'static models::Service) -> &'static str {
    match s.signing_name {
        "monitoring" => "cloudwatch",
        "awsssoportal" => "sso",
        name => name,
    }
}

/// The IAM prefix of the service `name` denotes: any name an SDK gives it (`AmazonECS`,
/// `Amazon S3`, `AWSSecurityTokenService`, `SFN`, `Secrets Manager`), a host name
/// (`s3.amazonaws.com`), or such a name in other case and spacing (`Step Functions`).
pub fn prefix_of(name: &str) -> Option<&'static str> {
    let name = strip_host(name.trim());
    // The Java SDK v1 names Lambda's client `AWSLambdaInternal` in some exceptions.
    let name = name.strip_suffix("Internal").unwrap_or(name);
    if let Some(s) = models::service_by_sdk_name(name) {
        return Some(iam_prefix(s));
    }
    let key = squeezed(name);
    let s = models::service_by_sdk_name(&key).or_else(|| {
        ["amazon", "aws"]
            .iter()
            .find_map(|pre| key.strip_prefix(pre).filter(|rest| !rest.is_empty()))
            .and_then(models::service_by_sdk_name)
    })?;
    Some(iam_prefix(s))
}

/// [`prefix_of`], or for a name the models do not know its letters and digits in lower case
/// without an `Amazon` or `AWS` in front: a key that stays the same however the text spells it.
pub fn normalize(name: &str) -> String {
    if let Some(p) = prefix_of(name) {
        return p.to_string();
    }
    let key = squeezed(strip_host(name.trim()));
    for pre in ["amazon", "aws"] {
        if let Some(rest) = key.strip_prefix(pre).filter(|r| !r.is_empty()) {
            return rest.to_string();
        }
    }
    key
}

/// `name` without `.amazonaws.com` (in any case, as often as it ends the name).
fn strip_host(mut name: &str) -> &str {
    const SUFFIX: &str = ".amazonaws.com";
    while name.len() >= SUFFIX.len()
        && name.as_bytes()[name.len() - SUFFIX.len()..].eq_ignore_ascii_case(SUFFIX.as_bytes())
    {
        name = &name[..name.len() - SUFFIX.len()];
    }
    name
}

/// The letters and digits of `name`, in lower case.
fn squeezed(name: &str) -> String {
    name.bytes()
        .filter(u8::is_ascii_alphanumeric)
        .map(|b| char::from(b.to_ascii_lowercase()))
        .collect()
}

/// The IAM prefix of the service in front of a code (`ECS` of Step Functions'
/// `ECS.AccessDeniedException`, `Lambda` of `Lambda.TooManyRequestsException`).
pub fn of_code_prefix(prefix: &str) -> Option<&'static str> {
    let prefix = prefix.trim();
    // A word of letters, as the integrations write it; `States` is Step Functions' own.
    if prefix.is_empty() || !prefix.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return None;
    }
    prefix_of(prefix)
}

/// The IAM prefix of the service whose model alone has the operation (`RunTask`,
/// `GetSecretValue`, `run_task`), or, of the services that share it, alone declares the error
/// `code` too (`GetObject` with `AccessDenied`: S3, not MediaStore); `None` where the models
/// leave several (`Publish`).
pub fn of_operation(operation: &str, code: Option<&str>) -> Option<&'static str> {
    if let Some(s) = models::sole_service_with_operation(operation) {
        return Some(iam_prefix(s));
    }
    let code = code?;
    let mut declaring =
        models::services_with_operation(operation).filter(|s| s.error(code).is_some());
    let first = declaring.next()?;
    declaring
        .all(|s| std::ptr::eq(s, first))
        .then(|| iam_prefix(first))
}

/// The IAM prefixes of the services whose models have the operation.
pub fn with_operation(operation: &str) -> impl Iterator<Item = &'static str> + '_ {
    models::services_with_operation(operation).map(iam_prefix)
}

/// The service field of an ARN (`arn:aws:SERVICE:...`), as [`normalize`] gives it.
pub fn of_arn(arn: &str) -> Option<String> {
    let s = arn.strip_prefix("arn:")?.split(':').nth(1)?;
    (!s.is_empty()).then(|| normalize(s))
}

/// The service principal that a role passed to the service (by its IAM prefix) is assumed by:
/// what `iam:PassedToService` names. AWS's models do not give principals; these are from the
/// services' documentation on passing roles.
pub fn principal(prefix: &str) -> Option<&'static str> {
    Some(match prefix {
        "ecs" => "ecs-tasks.amazonaws.com",
        "lambda" => "lambda.amazonaws.com",
        "ec2" => "ec2.amazonaws.com",
        "states" => "states.amazonaws.com",
        "glue" => "glue.amazonaws.com",
        "sagemaker" => "sagemaker.amazonaws.com",
        "codebuild" => "codebuild.amazonaws.com",
        "batch" => "batch.amazonaws.com",
        "events" => "events.amazonaws.com",
        "scheduler" => "scheduler.amazonaws.com",
        "bedrock" => "bedrock.amazonaws.com",
        "cloudformation" => "cloudformation.amazonaws.com",
        "elasticmapreduce" => "elasticmapreduce.amazonaws.com",
        "codepipeline" => "codepipeline.amazonaws.com",
        "firehose" => "firehose.amazonaws.com",
        "datasync" => "datasync.amazonaws.com",
        "iot" => "iot.amazonaws.com",
        "appsync" => "appsync.amazonaws.com",
        "mediaconvert" => "mediaconvert.amazonaws.com",
        _ => return None,
    })
}

/// The base exception class of a service's SDK, which names no API code: Java v2's
/// `<Service>Exception` (`S3Exception`, `DynamoDbException`, `SfnException`) and Java v1's
/// (`AWSSecurityTokenServiceException`).
pub fn is_sdk_base_class(code: &str) -> bool {
    let Some(stem) = code.strip_suffix("Exception").filter(|s| !s.is_empty()) else {
        return false;
    };
    models::service_by_sdk_name(stem).is_some_and(|s| s.java_v2 == stem || s.java_v1 == stem)
}

/// The OpenID Connect issuer host `text` names: GitHub Actions' issuer, or an EKS cluster's
/// (`oidc.eks.REGION.amazonaws.com/id/CLUSTER_ID`), as a trust policy's provider names it.
pub fn oidc_issuer(text: &str) -> Option<&str> {
    const GITHUB: &str = "token.actions.githubusercontent.com";
    if text.contains(GITHUB) {
        return Some(GITHUB);
    }
    for (i, _) in text.match_indices("oidc.eks.") {
        // Up to the first character no host or id has.
        let rest = &text[i..];
        let end = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || ".-/".contains(c)))
            .unwrap_or(rest.len());
        let host = rest[..end].trim_end_matches(['.', '/']);
        if host.contains(".amazonaws.com/id/") {
            return Some(host);
        }
    }
    None
}

/// For a record of a web-identity call (`sts:AssumeRoleWithWebIdentity`), the OIDC issuer its
/// error's `text` names where none of its fields does; `None` for other records.
pub fn web_identity_issuer(rec: &crate::Record, text: &str) -> Option<String> {
    // Every record passes here: compared in place, without a lowercase copy.
    let web = |f: &Option<String>| {
        f.as_deref().is_some_and(|v| {
            v.as_bytes()
                .windows(b"webidentity".len())
                .any(|w| w.eq_ignore_ascii_case(b"webidentity"))
        })
    };
    if !(web(&rec.action) || web(&rec.operation)) {
        return None;
    }
    let in_fields = [&rec.message, &rec.principal, &rec.resource]
        .into_iter()
        .flatten()
        .any(|f| oidc_issuer(f).is_some());
    (!in_fields)
        .then(|| oidc_issuer(text))
        .flatten()
        .map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_become_iam_prefixes() {
        for (name, want) in [
            ("AmazonECS", "ecs"),
            ("Amazon S3", "s3"),
            ("AWSLambda", "lambda"),
            ("s3.amazonaws.com", "s3"),
            ("AWSSecurityTokenService", "sts"),
            ("AmazonDynamoDBv2", "dynamodb"),
            ("SFN", "states"),
            ("Step Functions", "states"),
            ("stepfunctions", "states"),
            ("states", "states"),
            ("EventBridge", "events"),
            ("AmazonCloudWatchEvents", "events"),
            ("CloudWatch Logs", "logs"),
            ("EMR", "elasticmapreduce"),
            ("Secrets Manager", "secretsmanager"),
            ("AmazonIdentityManagement", "iam"),
            ("CloudWatch", "cloudwatch"),
            ("Bedrock Runtime", "bedrock"),
            ("Amazon Lambda", "lambda"),
            ("AWSLambdaInternal", "lambda"),
            ("Ecs", "ecs"),
            ("AWSKMS", "kms"),
        ] {
            assert_eq!(normalize(name), want, "{name}");
        }
        // Names the models lack keep a stable key.
        assert_eq!(normalize("AmazonFooBar"), "foobar");
        assert_eq!(prefix_of("FooBar"), None);
    }

    #[test]
    fn codes_operations_and_classes() {
        assert_eq!(of_code_prefix("ECS"), Some("ecs"));
        assert_eq!(of_code_prefix("Lambda"), Some("lambda"));
        assert_eq!(of_code_prefix("States"), Some("states"));
        assert_eq!(of_code_prefix("java.lang"), None);
        assert_eq!(of_operation("RunTask", None), Some("ecs"));
        assert_eq!(of_operation("StartExecution", None), Some("states"));
        assert_eq!(of_operation("Publish", None), None);
        assert_eq!(of_operation("GetObject", None), None);
        assert_eq!(of_operation("GetObject", Some("AccessDenied")), Some("s3"));
        // AppStream's CreateStack declares it too: the models leave two.
        assert_eq!(
            of_operation("CreateStack", Some("LimitExceededException")),
            None
        );
        assert_eq!(
            of_arn("arn:aws:logs:us-east-1:1:log-group:g").as_deref(),
            Some("logs")
        );
        for class in [
            "S3Exception",
            "DynamoDbException",
            "SfnException",
            "Ec2Exception",
            "AWSSecurityTokenServiceException",
        ] {
            assert!(is_sdk_base_class(class), "{class}");
        }
        for code in [
            "AccessDeniedException",
            "Exception",
            "ResourceNotFoundException",
        ] {
            assert!(!is_sdk_base_class(code), "{code}");
        }
    }

    /// Every key is an IAM prefix where AWS's Service Authorization Reference has one.
    #[test]
    fn keys_are_iam_prefixes() {
        let odd: Vec<&str> = models::services()
            .iter()
            .map(iam_prefix)
            .filter(|p| !crate::remedy::sar::has_service(p))
            .filter(|p| {
                models::services()
                    .iter()
                    .filter(|s| iam_prefix(s) == *p)
                    .any(|s| crate::remedy::sar::has_service(s.boto3))
            })
            .collect();
        assert!(odd.is_empty(), "{odd:?}");
    }
}
