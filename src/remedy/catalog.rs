//! The embedded catalog documents (`catalog/<lang>/<id>.md`) and their parsing.
//!
//! Each document opens with a front matter block between `---` lines (`id`, `title`, and in
//! the English document the selectors `codes`, `match`, `services`), then the explanation,
//! then a `## Steps` section of `- ` items. Selectors live only in the English document so
//! that the two languages cannot disagree about when an entry applies.

use super::{EntrySet, Lang};
use std::sync::OnceLock;

/// One catalog entry in one language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub id: &'static str,
    pub title: &'static str,
    pub explanation: String,
    pub steps: Vec<String>,
    /// Error codes that select the entry (compared case-insensitively).
    pub codes: Vec<&'static str>,
    /// Message substrings that select the entry (compared case-insensitively).
    pub matches: Vec<&'static str>,
    /// When present, a code selects the entry only for these normalised services.
    pub services: Vec<&'static str>,
}

macro_rules! docs {
    ($($id:literal),* $(,)?) => {
        &[$(
            (
                $id,
                include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/catalog/en/", $id, ".md")),
                include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/catalog/ja/", $id, ".md")),
            ),
        )*]
    };
}

/// (id, English document, Japanese document), in the order `--list` shows them.
static DOCS: &[(&str, &str, &str)] = docs![
    // Authorization
    "iam-pass-role",
    "iam-allow-action",
    "scp-explicit-deny",
    "rcp-explicit-deny",
    "explicit-deny-identity",
    "explicit-deny-policy",
    "root-user-denied",
    "permissions-boundary",
    "session-policy",
    "resource-based-policy",
    "vpc-endpoint-policy",
    "kms-key-policy",
    "assume-role-trust",
    "decode-authorization-message",
    "authorization-details",
    "access-denied",
    "s3-access-denied",
    "ec2-unauthorized-operation",
    // Credentials
    "credentials-expired",
    "credentials-invalid",
    "credentials-signature",
    "credentials-missing",
    "region-missing",
    // Throttling and quotas
    "throttling-backoff",
    "quota-increase",
    "dynamodb-throughput",
    "lambda-concurrency",
    "s3-slow-down",
    "ec2-vcpu-limit",
    // ECS / Fargate
    "ecs-network-configuration",
    "ecs-execution-role-required",
    "ecs-cannot-pull-container",
    "ecs-resource-initialization",
    "ecs-out-of-memory",
    "ecs-essential-container-exited",
    "ecs-cluster-not-found",
    "ecs-no-container-instances",
    "ecs-service-linked-role",
    "ecs-invalid-parameter",
    "ecs-docker-timeout",
    "ecs-service-not-found",
    "ecr-repository-not-found",
    // Step Functions
    "states-timeout",
    "states-task-failed",
    "states-data-limit",
    "states-runtime",
    "states-permissions",
    "states-execution-already-exists",
    // Lambda
    "lambda-timeout",
    "lambda-out-of-memory",
    "lambda-resource-not-found",
    "lambda-resource-conflict",
    "lambda-invalid-parameter",
    "lambda-import-module",
    "lambda-code-storage",
    "lambda-payload-too-large",
    // S3
    "s3-no-such-bucket",
    "s3-no-such-key",
    "s3-bucket-already-exists",
    "s3-wrong-region",
    "s3-internal-error",
    // DynamoDB
    "dynamodb-resource-not-found",
    "dynamodb-conditional-check",
    "dynamodb-transaction-canceled",
    "dynamodb-validation",
    "dynamodb-resource-in-use",
    // EC2
    "ec2-ami-not-found",
    "ec2-key-pair-not-found",
    "ec2-invalid-parameter",
    "ec2-insufficient-capacity",
    "ec2-dependency-violation",
    // CloudFormation
    "cfn-validation-error",
    "cfn-rollback-complete",
    "cfn-no-updates",
    "cfn-already-exists",
    "cfn-resource-limit",
    // IAM
    "iam-malformed-policy",
    "iam-entity-already-exists",
    "iam-no-such-entity",
    // KMS
    "kms-key-not-found",
    "kms-key-disabled",
    "kms-invalid-ciphertext",
    // Secrets Manager, SSM
    "secrets-not-found",
    "secrets-decryption-failure",
    "ssm-parameter-not-found",
    // SNS, SQS
    "sns-not-found",
    "sqs-queue-not-found",
    "sqs-message-too-long",
    // CloudWatch Logs
    "logs-resource-not-found",
    "logs-already-exists",
    // General
    "resource-not-found",
    "validation-error",
    "service-unavailable",
    "generic-aws-error",
];

/// Picks one language's document out of a `DOCS` row.
type Pick = fn(&(&'static str, &'static str, &'static str)) -> &'static str;

fn parsed(lang: Lang) -> &'static [Entry] {
    static EN: OnceLock<Vec<Entry>> = OnceLock::new();
    static JA: OnceLock<Vec<Entry>> = OnceLock::new();
    let (cell, pick): (_, Pick) = match lang {
        Lang::En => (&EN, |d| d.1),
        Lang::Ja => (&JA, |d| d.2),
    };
    cell.get_or_init(|| {
        assert!(DOCS.len() <= EntrySet::CAPACITY, "catalog outgrew EntrySet");
        DOCS.iter()
            .map(|d| {
                let mut e = parse(pick(d)).unwrap_or_else(|err| panic!("catalog {}: {err}", d.0));
                // Selectors come from the English document whatever the language.
                if lang != Lang::En {
                    let en = parse(d.1).unwrap_or_else(|err| panic!("catalog {}: {err}", d.0));
                    e.codes = en.codes;
                    e.matches = en.matches;
                    e.services = en.services;
                }
                e
            })
            .collect()
    })
}

/// The code selectors of the (English) catalog, indexed so that picking entries for a record
/// costs a lookup per code, not a comparison per selector. (Message selectors are searched
/// together with the other telling phrases, in `MessageSays`.)
pub struct Selectors {
    /// Lowercase error code → the entries whose `codes` name it.
    /// Looked up once or twice per record: a fast hash beats SipHash, and the keys are ours.
    codes: std::collections::HashMap<String, Vec<usize>, rustc_hash::FxBuildHasher>,
}

impl Selectors {
    /// The catalog entries that have one of `codes_lower` among their `codes`.
    pub fn code_hits(&self, codes_lower: &[String]) -> EntrySet {
        let mut hit = EntrySet::default();
        for c in codes_lower {
            for &i in self.codes.get(c.as_str()).into_iter().flatten() {
                hit.insert(i);
            }
        }
        hit
    }
}

pub fn selectors() -> &'static Selectors {
    static S: OnceLock<Selectors> = OnceLock::new();
    S.get_or_init(|| {
        let mut codes = std::collections::HashMap::<String, Vec<usize>, _>::default();
        for (i, e) in entries(Lang::En).iter().enumerate() {
            for c in &e.codes {
                codes.entry(c.to_ascii_lowercase()).or_default().push(i);
            }
        }
        Selectors { codes }
    })
}

/// Every entry, in catalog order.
pub fn entries(lang: Lang) -> &'static [Entry] {
    parsed(lang)
}

/// The entry with this id.
pub fn get(id: &str, lang: Lang) -> Option<&'static Entry> {
    entries(lang).iter().find(|e| e.id == id)
}

/// Where the entry with this id stands in [`entries`], the same in every language.
pub fn index_of(id: &str) -> Option<usize> {
    DOCS.iter().position(|d| d.0 == id)
}

/// The ids the documents are filed under, for the consistency test.
pub fn filed_ids() -> impl Iterator<Item = &'static str> {
    DOCS.iter().map(|d| d.0)
}

/// Parse one document. Errors say what is wrong so that a bad document fails the tests.
pub fn parse(doc: &'static str) -> Result<Entry, String> {
    let rest = doc.strip_prefix("---\n").ok_or("no front matter")?;
    let end = rest.find("\n---\n").ok_or("front matter not closed")?;
    let (front, body) = (&rest[..end], &rest[end + 5..]);
    let mut e = Entry {
        id: "",
        title: "",
        explanation: String::new(),
        steps: Vec::new(),
        codes: Vec::new(),
        matches: Vec::new(),
        services: Vec::new(),
    };
    for line in front.lines() {
        let (key, value) = line
            .split_once(':')
            .ok_or_else(|| format!("bad front matter line {line:?}"))?;
        let value = value.trim();
        match key.trim() {
            "id" => e.id = value,
            "title" => e.title = value,
            "codes" => e.codes = list(value, ','),
            "match" => e.matches = list(value, '|'),
            "services" => e.services = list(value, ','),
            other => return Err(format!("unknown front matter key {other:?}")),
        }
    }
    let (text, steps) = body.split_once("## Steps").ok_or("no ## Steps section")?;
    e.explanation = text.trim().to_string();
    let mut current: Option<String> = None;
    for line in steps.lines() {
        if let Some(item) = line.strip_prefix("- ") {
            e.steps.extend(current.take());
            current = Some(item.trim().to_string());
        } else if !line.trim().is_empty() {
            // A continuation line of the previous item.
            let cur = current.as_mut().ok_or("text before the first step")?;
            cur.push(' ');
            cur.push_str(line.trim());
        }
    }
    e.steps.extend(current);
    if e.id.is_empty() || e.title.is_empty() {
        return Err("missing id or title".into());
    }
    Ok(e)
}

fn list(value: &'static str, sep: char) -> Vec<&'static str> {
    value
        .split(sep)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect()
}
