//! The AWS side of `tail` and `why`: loading configuration and credentials, and turning
//! awsplain's own failed calls (CloudWatch Logs, Step Functions, ECS, CloudFormation) into
//! records and plain messages instead of SDK dumps.

use super::super::output::{make_sink, prepare};
use super::super::OutputOpts;
use aws_sdk_cloudwatchlogs::config::ProvideCredentials;
use aws_sdk_cloudwatchlogs::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use aws_sdk_cloudwatchlogs::operation::RequestId;
use awsplain::sanitize::for_terminal;
use clap::Args;

/// Where and as whom awsplain calls AWS: the flags `tail` and `why` share.
#[derive(Debug, Clone, Default, Args)]
pub struct Connection {
    /// Named profile from the AWS config and credentials files.
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,
    /// AWS region (default from the environment or the profile).
    #[arg(long, value_name = "REGION")]
    pub region: Option<String>,
    /// Send requests to this endpoint instead of AWS (an emulator, a VPC endpoint).
    #[arg(long, value_name = "URL")]
    pub endpoint_url: Option<String>,
}

/// A service awsplain calls, as its messages and records name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Api {
    /// In sentences: `CloudWatch Logs`.
    pub name: &'static str,
    /// The record's `service`: `CloudWatchLogs`.
    pub service: &'static str,
    /// The IAM action prefix: `logs`.
    pub prefix: &'static str,
}

pub const LOGS: Api = Api {
    name: "CloudWatch Logs",
    service: "CloudWatchLogs",
    prefix: "logs",
};

/// The resolved AWS configuration and how to name it in messages.
pub struct Env {
    pub sdk: aws_config::SdkConfig,
    pub region: String,
    pub profile: String,
}

impl Env {
    pub async fn load(args: &Connection) -> Result<Env, String> {
        let mut loader = aws_config::defaults(aws_config::BehaviorVersion::latest());
        if let Some(p) = &args.profile {
            loader = loader.profile_name(p);
        }
        if let Some(r) = &args.region {
            loader = loader.region(aws_config::Region::new(r.clone()));
        }
        if let Some(u) = &args.endpoint_url {
            loader = loader.endpoint_url(u);
        }
        let sdk = loader.load().await;
        let profile = args
            .profile
            .clone()
            .or_else(|| std::env::var("AWS_PROFILE").ok().filter(|p| !p.is_empty()))
            .unwrap_or_else(|| "default".into());
        let Some(region) = sdk.region().map(|r| r.to_string()) else {
            return Err(format!(
                "no AWS region for profile `{profile}`: pass --region, set AWS_REGION, or add `region = ...` to the profile in ~/.aws/config"
            ));
        };
        // Resolve credentials once up front so a missing setup gets a plain answer rather
        // than a dispatch failure from the first request.
        match sdk.credentials_provider() {
            Some(p) => {
                if let Err(e) = p.provide_credentials().await {
                    return Err(no_credentials(
                        &profile,
                        &DisplayErrorContext(&e).to_string(),
                    ));
                }
            }
            None => {
                return Err(no_credentials(
                    &profile,
                    "no credentials provider is configured",
                ))
            }
        }
        Ok(Env {
            sdk,
            region,
            profile,
        })
    }

    /// Print a failure of awsplain's own calls: a record with remedies for permission
    /// errors, a plain sentence for the rest.
    pub fn report(&self, f: &AwsFailure, opts: &OutputOpts) {
        let target = f
            .target
            .as_deref()
            .map(|g| for_terminal(g).into_owned())
            .unwrap_or_default();
        let api = f.api.name;
        let code = f.code.as_deref().unwrap_or("");
        let where_ = format!(
            "region {} (profile `{}`)",
            self.region,
            for_terminal(&self.profile)
        );
        if code == "ResourceNotFoundException" && f.api == LOGS {
            eprintln!(
                "awsplain: log group `{target}` was not found in {where_}. Check the name and the region; \
                 `aws logs describe-log-groups --log-group-name-prefix {target} --region {}` lists similar groups.",
                self.region
            );
            return;
        }
        let profile = for_terminal(&self.profile);
        if is_expired_credentials(code) {
            eprintln!(
                "awsplain: the AWS credentials awsplain runs with (profile `{profile}`) have expired: {api} refused {} for `{target}` with {}. Renew them as below, then run awsplain again.",
                f.operation,
                for_terminal(code)
            );
            explain_as_record(f, opts);
            return;
        }
        if is_rejected_credentials(code) {
            eprintln!(
                "awsplain: {api} did not accept the AWS credentials awsplain runs with (profile `{profile}`, region {}) for {} on `{target}`: {}. Fix them as below, then run awsplain again.",
                self.region,
                f.operation,
                for_terminal(code)
            );
            explain_as_record(f, opts);
            return;
        }
        if is_permission_error(code) {
            eprintln!(
                "awsplain: {api} refused {} for `{target}` in {where_}: the identity awsplain runs as needs more permissions.",
                f.operation
            );
            explain_as_record(f, opts);
            return;
        }
        match &f.code {
            Some(code) => eprintln!(
                "awsplain: {api} {} failed for `{target}` in {where_}: {}: {}{}",
                f.operation,
                for_terminal(code),
                for_terminal(f.message.as_deref().unwrap_or("")),
                f.request_id
                    .as_deref()
                    .map(|r| format!(" (request id {})", for_terminal(r)))
                    .unwrap_or_default()
            ),
            None => eprintln!(
                "awsplain: could not call {api} {} in {where_}{}: {}",
                f.operation,
                self.sdk
                    .endpoint_url()
                    .map(|u| format!(" at {u}"))
                    .unwrap_or_default(),
                for_terminal(&f.detail)
            ),
        }
    }
}

fn no_credentials(profile: &str, why: &str) -> String {
    format!(
        "no AWS credentials found (profile `{}`): {}\n\
         Provide them in one of these ways:\n  \
         - `aws configure --profile NAME` or `aws sso login --profile NAME`, then pass --profile NAME or set AWS_PROFILE\n  \
         - set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN for temporary credentials)\n  \
         - run on an instance, container or function with an IAM role attached",
        for_terminal(profile),
        for_terminal(why)
    )
}

/// awsplain's own failure as a record with its remedies, on stderr in the chosen format. Only
/// the record: `--quiet`, `--count` and the summaries are about the logs, and this record
/// must neither vanish under them nor be counted in (or print) a summary of its own.
fn explain_as_record(f: &AwsFailure, opts: &OutputOpts) {
    let mut shown = opts.clone();
    shown.quiet = false;
    shown.count = false;
    shown.summary_only = false;
    shown.summary = false;
    let rec = f.with_prepared_record(&shown);
    let mut sink = make_sink(&shown, Box::new(std::io::stderr()));
    let _ = sink.record(&rec);
    let _ = sink.finish();
    if !shown.verbose && rec.remedies.is_empty() {
        eprintln!(
            "awsplain: {}",
            for_terminal(
                f.message
                    .as_deref()
                    .or(f.code.as_deref())
                    .unwrap_or_default()
            )
        );
    }
}

fn is_permission_error(code: &str) -> bool {
    matches!(
        code,
        "AccessDeniedException" | "AccessDenied" | "UnauthorizedOperation"
    ) || code.contains("NotAuthorized")
}

/// Temporary credentials past their lifetime: a long follow outlives a session.
fn is_expired_credentials(code: &str) -> bool {
    matches!(
        code,
        "ExpiredTokenException" | "ExpiredToken" | "TokenRefreshRequired"
    )
}

/// Credentials CloudWatch does not take at all: unknown key, bad secret or session token.
fn is_rejected_credentials(code: &str) -> bool {
    matches!(
        code,
        "UnrecognizedClientException"
            | "InvalidClientTokenId"
            | "InvalidSignatureException"
            | "SignatureDoesNotMatch"
            | "IncompleteSignature"
            | "MissingAuthenticationTokenException"
            | "MissingAuthenticationToken"
    )
}

/// The messages of an error and its causes, outermost first ("dispatch failure: io error:
/// ...: Connection refused (os error 111)"), without the SDK's debug dump of the same.
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut parts = vec![e.to_string()];
    let mut cause = e.source();
    while let Some(c) = cause {
        let text = c.to_string();
        if !parts.last().is_some_and(|p| p.contains(&text)) {
            parts.push(text);
        }
        cause = c.source();
    }
    parts.join(": ")
}

/// What awsplain knows about one of its own failed calls.
#[derive(Debug, Clone)]
pub struct AwsFailure {
    pub api: Api,
    pub operation: &'static str,
    /// What the call was about: a log group, or the ARN or name `why` looked up.
    pub target: Option<String>,
    pub code: Option<String>,
    pub message: Option<String>,
    pub request_id: Option<String>,
    pub status: Option<u16>,
    /// The whole error chain, for failures that never reached CloudWatch.
    pub detail: String,
}

impl AwsFailure {
    pub fn from_sdk<E>(operation: &'static str, group: Option<&str>, e: &SdkError<E>) -> AwsFailure
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
    {
        Self::from_sdk_for(LOGS, operation, group, e)
    }

    /// A failed call of any service's SDK (they share the error types).
    pub fn from_sdk_for<E>(
        api: Api,
        operation: &'static str,
        target: Option<&str>,
        e: &SdkError<E>,
    ) -> AwsFailure
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
    {
        let mut f = Self::from_stream(operation, target, e);
        f.api = api;
        f.request_id = e.request_id().map(str::to_string);
        f.status = e.raw_response().map(|r| r.status().as_u16());
        f
    }

    /// For errors whose raw part is not an HTTP response (event stream messages).
    pub fn from_stream<E, R>(
        operation: &'static str,
        group: Option<&str>,
        e: &SdkError<E, R>,
    ) -> AwsFailure
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
        R: std::fmt::Debug,
    {
        AwsFailure {
            api: LOGS,
            operation,
            target: group.map(str::to_string),
            code: e.code().map(str::to_string),
            message: e.message().map(str::to_string),
            request_id: None,
            status: None,
            detail: error_chain(e),
        }
    }

    /// The failure as a record, parsed from the message when the grammar knows its shape (the
    /// IAM sentence names principal, action and resource), with what the SDK says filled in.
    pub fn to_record(&self) -> awsplain::Record {
        let msg = self.message.clone().unwrap_or_default();
        let mut rec = awsplain::scan_str(&msg)
            .into_iter()
            .next()
            .unwrap_or_default();
        rec.error_code = rec.error_code.or_else(|| self.code.clone());
        rec.service = rec.service.or_else(|| Some(self.api.service.into()));
        rec.operation = rec.operation.or_else(|| Some(self.operation.into()));
        rec.status_code = rec.status_code.or(self.status);
        rec.request_id = rec.request_id.or_else(|| self.request_id.clone());
        rec.message = rec.message.or_else(|| self.message.clone());
        rec.format = rec.format.or_else(|| Some("aws-sdk-rust".into()));
        rec.action = rec
            .action
            .or_else(|| Some(format!("{}:{}", self.api.prefix, self.operation)));
        // A call on an ARN is authorised on that ARN when the message does not say otherwise.
        if rec.resource.is_none() {
            rec.resource = self.target.clone().filter(|t| t.starts_with("arn:"));
        }
        // CloudWatch names the resource `...:log-group:NAME:log-stream:` (no stream); the
        // permission is granted on the group and its streams, `...:log-group:NAME:*`.
        if let Some(r) = &rec.resource {
            if let Some(group_arn) = r
                .strip_suffix(":log-stream:")
                .or_else(|| r.strip_suffix(":log-stream"))
            {
                rec.resource = Some(format!("{group_arn}:*"));
            }
        }
        rec.source = awsplain::Source {
            name: "awsplain".into(),
            log_group: self.target.clone().filter(|_| self.api == LOGS),
            ..Default::default()
        };
        rec
    }

    pub fn with_prepared_record(&self, opts: &OutputOpts) -> awsplain::Record {
        let mut rec = self.to_record();
        prepare(&mut rec, opts);
        rec
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn denied(message: Option<&str>) -> AwsFailure {
        AwsFailure {
            api: LOGS,
            operation: "FilterLogEvents",
            target: Some("/ecs/web".into()),
            code: Some("AccessDeniedException".into()),
            message: message.map(str::to_string),
            request_id: Some("3f1c-req".into()),
            status: Some(400),
            detail: String::new(),
        }
    }

    #[test]
    fn denied_call_becomes_a_record_about_logs_filterlogevents() {
        let rec = denied(None).to_record();
        assert_eq!(rec.error_code.as_deref(), Some("AccessDeniedException"));
        assert_eq!(rec.service.as_deref(), Some("CloudWatchLogs"));
        assert_eq!(rec.operation.as_deref(), Some("FilterLogEvents"));
        assert_eq!(rec.action.as_deref(), Some("logs:FilterLogEvents"));
        assert_eq!(rec.request_id.as_deref(), Some("3f1c-req"));
        assert_eq!(rec.status_code, Some(400));
        assert_eq!(rec.source.log_group.as_deref(), Some("/ecs/web"));
    }

    #[test]
    fn denied_message_keeps_what_the_sdk_said() {
        let msg = "User: arn:aws:iam::123456789012:user/dev is not authorized to perform: logs:FilterLogEvents on resource: arn:aws:logs:us-east-1:123456789012:log-group:/ecs/web:log-stream: because no identity-based policy allows the logs:FilterLogEvents action";
        let rec = denied(Some(msg)).to_record();
        assert_eq!(rec.error_code.as_deref(), Some("AccessDeniedException"));
        assert_eq!(rec.action.as_deref(), Some("logs:FilterLogEvents"));
        assert!(rec
            .message
            .as_deref()
            .is_some_and(|m| m.contains("not authorized")));
        assert_eq!(
            rec.resource.as_deref(),
            Some("arn:aws:logs:us-east-1:123456789012:log-group:/ecs/web:*"),
            "the policy must grant the group, not a stream named `log-stream`"
        );
    }

    #[test]
    fn permission_codes() {
        assert!(is_permission_error("AccessDeniedException"));
        assert!(is_permission_error("NotAuthorizedException"));
        assert!(!is_permission_error("ResourceNotFoundException"));
        assert!(!is_permission_error("ThrottlingException"));
        assert!(!is_permission_error("UnrecognizedClientException"));
        assert!(is_expired_credentials("ExpiredTokenException"));
        assert!(!is_expired_credentials("UnrecognizedClientException"));
        assert!(is_rejected_credentials("UnrecognizedClientException"));
        assert!(!is_rejected_credentials("AccessDeniedException"));
    }

    #[test]
    fn expired_credentials_become_a_record_with_the_renewal_remedy() {
        let f = AwsFailure {
            api: LOGS,
            operation: "FilterLogEvents",
            target: Some("/ecs/web".into()),
            code: Some("ExpiredTokenException".into()),
            message: Some("The security token included in the request is expired".into()),
            request_id: Some("r-1".into()),
            status: Some(400),
            detail: String::new(),
        };
        let cli = <crate::cli::Cli as clap::Parser>::try_parse_from(["awsplain"]).unwrap();
        let rec = f.with_prepared_record(&cli.out);
        assert_eq!(rec.error_code.as_deref(), Some("ExpiredTokenException"));
        assert!(
            rec.remedies.iter().any(|r| r.id == "credentials-expired"),
            "{:?}",
            rec.remedies
        );
    }
}
