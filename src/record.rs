//! The structured record of one AWS error found in text: the JSON contract of awsplain.

use serde::Serialize;
use std::collections::BTreeMap;

/// Whether the deny was explicit (a `Deny` statement matched) or implicit (nothing allowed it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Deny {
    Implicit,
    Explicit,
}

/// The kind of policy an authorization message blames, spelled exactly as the JSON contract says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Hash, PartialOrd, Ord)]
pub enum PolicyType {
    #[serde(rename = "identity-based")]
    IdentityBased,
    #[serde(rename = "resource-based")]
    ResourceBased,
    #[serde(rename = "service control")]
    ServiceControl,
    #[serde(rename = "resource control")]
    ResourceControl,
    #[serde(rename = "permissions boundary")]
    PermissionsBoundary,
    #[serde(rename = "session")]
    Session,
    #[serde(rename = "VPC endpoint")]
    VpcEndpoint,
}

impl PolicyType {
    pub fn as_str(self) -> &'static str {
        match self {
            PolicyType::IdentityBased => "identity-based",
            PolicyType::ResourceBased => "resource-based",
            PolicyType::ServiceControl => "service control",
            PolicyType::ResourceControl => "resource control",
            PolicyType::PermissionsBoundary => "permissions boundary",
            PolicyType::Session => "session",
            PolicyType::VpcEndpoint => "VPC endpoint",
        }
    }
}

/// Where a record was found. `name` is a file name, `-` for standard input, or a log group.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Source {
    pub name: String,
    /// 1-based line number of the first line of the error, when read from a byte stream.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub log_group: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub log_stream: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event_id: Option<String>,
    /// Event time in milliseconds since the Unix epoch (CloudWatch events, and the events
    /// `why` reads).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timestamp: Option<i64>,
    /// For `why`: the call the text came from and what the failed resource says about it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lookup: Option<Box<Lookup>>,
}

/// What `awsplain why` knows about a failure besides its text: which call returned it, and
/// the state, stack resource or task that failed. `Source::name` is the ARN or name looked
/// up. Absent fields are ones the service did not report.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Lookup {
    /// The call that returned the text, as its IAM action (`states:GetExecutionHistory`).
    pub call: String,
    /// Step Functions: the state that failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// Step Functions: the failed state's resource (`arn:aws:states:::ecs:runTask.sync`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state_resource: Option<String>,
    /// Step Functions: the parameters the state was scheduled with (its `TaskScheduled`
    /// event), as JSON.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parameters: Option<serde_json::Value>,
    /// CloudFormation: the logical id of the resource that failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub logical_id: Option<String>,
    /// CloudFormation: its type (`AWS::ECS::Service`); ECS: the launch type.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resource_type: Option<String>,
    /// CloudFormation: the status the event reports (`CREATE_FAILED`); ECS: the stop code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// ECS: the container the text is about.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub container: Option<String>,
    /// ECS: the container's exit code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exit_code: Option<i32>,
}

/// Byte offsets of the text the record came from, relative to the start of the input.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Span {
    pub start: u64,
    pub end: u64,
}

/// One remedy: what to do about an error, with artifacts filled from the record.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Remedy {
    /// Stable catalog id, e.g. `iam-pass-role`.
    pub id: String,
    pub title: String,
    pub explanation: String,
    pub steps: Vec<String>,
    /// An IAM policy document, when the fix is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub policy: Option<serde_json::Value>,
    /// Commands that apply the fix.
    pub apply: Vec<String>,
    /// Infrastructure-as-code snippets keyed by tool (`terraform`, `cloudformation`, ...).
    pub snippets: BTreeMap<String, String>,
}

/// The keys of a record's JSON object, in order: the contract scripts rely on. Every key is
/// always present.
pub const JSON_KEYS: &[&str] = &[
    "error_code",
    "wrapper_code",
    "service",
    "operation",
    "status_code",
    "request_id",
    "message",
    "format",
    "principal",
    "action",
    "resource",
    "deny",
    "policy_type",
    "policy_arn",
    "encoded_message",
    "authorization_id",
    "remedies",
    "source",
    "span",
];

/// One AWS error found in text. Every field is `None` (JSON `null`) where the text does not say.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Record {
    /// The AWS API error code of the failed call (`AccessDeniedException`).
    pub error_code: Option<String>,
    /// An outer code wrapped around the API code: Step Functions `ECS.AccessDeniedException`,
    /// CloudFormation `HandlerErrorCode`.
    pub wrapper_code: Option<String>,
    pub service: Option<String>,
    pub operation: Option<String>,
    pub status_code: Option<u16>,
    pub request_id: Option<String>,
    pub message: Option<String>,
    /// The wrapper format the error was found in (`java-sdk`, `aws-cli`, `go-sdk-v2`, ...).
    pub format: Option<String>,
    pub principal: Option<String>,
    pub action: Option<String>,
    pub resource: Option<String>,
    pub deny: Option<Deny>,
    pub policy_type: Option<PolicyType>,
    pub policy_arn: Option<String>,
    pub encoded_message: Option<String>,
    pub authorization_id: Option<String>,
    pub remedies: Vec<Remedy>,
    pub source: Source,
    pub span: Span,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_keys_are_the_record_fields() {
        let v = serde_json::to_value(Record::default()).unwrap();
        let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
        let mut expected = JSON_KEYS.to_vec();
        // serde_json's map is ordered by key unless preserve_order is on; compare as sets.
        let mut got = keys.clone();
        got.sort_unstable();
        expected.sort_unstable();
        assert_eq!(got, expected);
    }
}
