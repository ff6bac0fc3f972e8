//! AWS's own vocabulary: every service of botocore's models with the names each SDK gives it,
//! its operations, and the error codes it declares with their HTTP status.
//!
//! The data is three tab-separated tables beside this file, written by `scripts/gen_models.py`
//! from one pinned botocore release (`scripts/test.sh` checks that they still match it). They
//! are compiled in and each is parsed on its first use only, into borrowed slices of the
//! compiled-in text and sorted hash indexes: a caller that asks only about codes never pays for
//! the operation table.
//!
//! ```
//! use awsplain::models;
//! let ecs = models::service_by_sdk_name("Aws::ECS").unwrap();
//! assert_eq!(ecs.boto3, "ecs");
//! assert_eq!(ecs.js_v3_exception(), "ECSServiceException");
//! assert!(models::services_with_operation("run_task").any(|s| s.boto3 == "ecs"));
//! assert_eq!(models::error_status("s3", "NoSuchBucket"), Some(404));
//! assert!(models::is_known_code("ConditionalCheckFailedException"));
//! ```

use rustc_hash::FxHasher;
use std::hash::Hasher;
use std::sync::OnceLock;

const SERVICES_TSV: &str = include_str!("services.tsv");
const OPERATIONS_TSV: &str = include_str!("operations.tsv");
const ERRORS_TSV: &str = include_str!("errors.tsv");

/// One AWS service as botocore models it, with the names the SDKs give it.
///
/// How each SDK name is derived from the model is told in `scripts/gen_models.py`.
#[derive(Debug, PartialEq, Eq)]
pub struct Service {
    /// botocore's name for the model, which is boto3's client name: `ecs`, `elbv2`.
    pub boto3: &'static str,
    /// The host prefix of its endpoints: `ecs`, `elasticloadbalancing`.
    pub endpoint_prefix: &'static str,
    /// The name its requests are signed for, which IAM actions and ARNs use: `states` for Step
    /// Functions.
    pub signing_name: &'static str,
    /// The model's `serviceId`, also the Smithy sdkId: `ECS`, `Secrets Manager`. Go v2 prints
    /// it in `operation error ECS: RunTask`.
    pub service_id: &'static str,
    /// `Amazon EC2 Container Service`.
    pub full_name: &'static str,
    /// `Amazon ECS`, where the model has one.
    pub abbreviation: Option<&'static str>,
    /// The wire protocol: `json`, `rest-json`, `query`, `rest-xml`, `ec2`, `smithy-rpc-v2-cbor`.
    pub protocol: &'static str,
    /// The `Service:` of Java SDK v1 exceptions: `AmazonECS`, `AWSSecurityTokenService`.
    pub java_v1: &'static str,
    /// The `Service:` of Java SDK v2 exceptions: `Ecs`, `DynamoDb`.
    pub java_v2: &'static str,
    /// The Ruby SDK's module under `Aws::`: `ECS`, `States`.
    pub ruby: &'static str,
    /// The JavaScript SDK v3 package: `@aws-sdk/client-ecs`.
    pub js_v3_package: &'static str,
    /// The JavaScript SDK v3 class stem: `ECS` in `ECSClient` and `ECSServiceException`.
    pub js_v3_base: &'static str,
    /// The .NET SDK namespace: `Amazon.ECS`, `Amazon.SecurityToken`.
    pub dotnet: &'static str,
    /// The Go SDK v2 package: `ecs` in `github.com/aws/aws-sdk-go-v2/service/ecs`.
    pub go_v2: &'static str,
    /// The position in [`services`]; private, so that every `Service` is one of the table's.
    idx: u16,
}

impl Service {
    /// `Aws::ECS`.
    pub fn ruby_module(&self) -> String {
        format!("Aws::{}", self.ruby)
    }

    /// `ECSServiceException`, the base class of the JavaScript SDK v3's errors for the service.
    pub fn js_v3_exception(&self) -> String {
        format!("{}ServiceException", self.js_v3_base)
    }

    /// `ECSClient`.
    pub fn js_v3_client(&self) -> String {
        format!("{}Client", self.js_v3_base)
    }

    /// The service's operations, in the model's (alphabetical) order.
    pub fn operations(&self) -> impl Iterator<Item = Operation> {
        let t = operation_table();
        t.items[t.by_service[self.index()].clone()].iter().copied()
    }

    /// The error shapes the service's model declares.
    pub fn errors(&self) -> impl Iterator<Item = &'static ErrorShape> {
        let t = error_table();
        t.items[t.by_service[self.index()].clone()].iter()
    }

    /// The error shape whose name or wire code is `code`.
    pub fn error(&self, code: &str) -> Option<&'static ErrorShape> {
        self.errors().find(|e| e.name == code || e.code == code)
    }

    /// The position in [`services`], which the operation and error tables index by.
    fn index(&self) -> usize {
        self.idx as usize
    }
}

/// One operation: its name in the model and boto3's method name for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Operation {
    /// `RunTask`, as the API, the CLI's error sentence and most SDKs name it.
    pub name: &'static str,
    snake: Option<&'static str>,
}

impl Operation {
    /// boto3's method name: `run_task`.
    pub fn snake_name(&self) -> String {
        match self.snake {
            Some(s) => s.to_string(),
            None => snake_case(self.name),
        }
    }
}

/// One error shape of a service's model.
#[derive(Debug, PartialEq, Eq)]
pub struct ErrorShape {
    /// The shape's name, which SDKs use for the exception class: `QueueDoesNotExist`.
    pub name: &'static str,
    /// The code the service sends, where it differs from the name (the query protocol's
    /// `AWS.SimpleQueueService.NonExistentQueue`); otherwise the name.
    pub code: &'static str,
    /// The HTTP status the model gives the error, where it gives one.
    pub status: Option<u16>,
}

/// Every service of the models, sorted by boto3 name.
pub fn services() -> &'static [Service] {
    &service_table().services
}

/// The service boto3 names `name` (`ecs`, `elbv2`).
pub fn service(name: &str) -> Option<&'static Service> {
    let all = services();
    all.binary_search_by(|s| s.boto3.cmp(name))
        .ok()
        .map(|i| &all[i])
}

/// The service that any SDK's name for it denotes, ignoring ASCII case: the boto3 client name,
/// `serviceId` (`Secrets Manager`), endpoint prefix or signing name, Java v1 (`AmazonECS`) or v2
/// (`Ecs`), Ruby (`ECS`, `Aws::ECS`, `Aws::ECS::Errors`), JavaScript v3 (`@aws-sdk/client-ecs`,
/// `client-ecs`, `ECSClient`, `ECSServiceException`), .NET (`Amazon.ECS`), Go v2 (`ecs`).
///
/// Where two services share a name in different SDKs, the more specific kind of name wins (the
/// boto3 name, then the `serviceId`, the SDK names, and the endpoint prefix and signing name
/// last). Some names are plain words (`Support`, `Batch`, `Connect`): a caller reading free
/// text should look them up only where the text's shape says a service name stands there.
pub fn service_by_sdk_name(name: &str) -> Option<&'static Service> {
    let t = service_table();
    let lookup = |n: &str| {
        let h = name_hash(n);
        let at = t.names.partition_point(|&(k, _)| k < h);
        t.names[at..]
            .iter()
            .take_while(|&&(k, _)| k == h)
            .map(|&(_, i)| &t.services[i as usize])
            .find(|s| s.names().any(|x| x.eq_ignore_ascii_case(n)))
    };
    if let Some(s) = lookup(name) {
        return Some(s);
    }
    // The SDKs' decorations around a name, each binding the rest to that SDK's name for the
    // service: Ruby's `Aws::X` (and `Aws::X::Errors`), JavaScript v3's `XServiceException` and
    // `XClient`.
    if let Some(rest) = strip_prefix_ci(name, "Aws::") {
        let rest = rest.strip_suffix("::Errors").unwrap_or(rest);
        return lookup(rest).filter(|s| s.ruby.eq_ignore_ascii_case(rest));
    }
    let rest = name
        .strip_suffix("ServiceException")
        .or_else(|| name.strip_suffix("Client"))?;
    lookup(rest).filter(|s| s.js_v3_base.eq_ignore_ascii_case(rest))
}

/// The services whose models have the operation `name`, given as the API names it (`RunTask`)
/// or as boto3 does (`run_task`).
pub fn services_with_operation(name: &str) -> impl Iterator<Item = &'static Service> + '_ {
    operation_table()
        .find(op_hash(name))
        .filter(move |(op, _)| op.name == name || op.snake_name() == name)
        .map(|(_, s)| s)
}

/// The service whose model has the operation `name`, where exactly one does (`RunTask`,
/// `GetSecretValue`); `None` for a name several services share (`CreateService`, `Publish`)
/// or none has.
pub fn sole_service_with_operation(name: &str) -> Option<&'static Service> {
    let mut all = services_with_operation(name);
    let first = all.next()?;
    all.all(|s| std::ptr::eq(s, first)).then_some(first)
}

/// The HTTP status that `service` (any of its SDK names) declares for the error `code` (the
/// shape's name or its wire code), where its model gives one.
pub fn error_status(service: &str, code: &str) -> Option<u16> {
    service_by_sdk_name(service)?.error(code)?.status
}

/// True when some service's model declares an error whose name or wire code is `code`
/// (case-sensitive, as the codes are).
pub fn is_known_code(code: &str) -> bool {
    services_with_code(code).next().is_some()
}

/// The services whose models declare an error named or coded `code`.
pub fn services_with_code(code: &str) -> impl Iterator<Item = &'static Service> + '_ {
    error_table()
        .find(name_hash_exact(code))
        .filter(move |(e, _)| e.name == code || e.code == code)
        .map(|(_, s)| s)
}

/// Every error name and wire code the models declare, read straight from the compiled-in table
/// (a code declared by several services comes once for each). For callers that build a set of
/// their own once; [`is_known_code`] answers for one code.
pub fn known_codes() -> impl Iterator<Item = &'static str> {
    rows(ERRORS_TSV).flat_map(|(_, list)| {
        list.split(' ').filter(|s| !s.is_empty()).flat_map(|item| {
            let mut f = item.splitn(3, ':');
            let name = f.next().unwrap_or("");
            let code = f.nth(1).filter(|c| !c.is_empty());
            std::iter::once(name).chain(code)
        })
    })
}

/// boto3's snake_case for an operation name, by botocore's `xform_name` rule (without its short
/// table of special cases, which the operation table stores): a trailing pluralised acronym
/// (`ACLs`) becomes a word of its own; `_` goes before each capital that starts a run of
/// lower-case letters, then between a lower-case letter or digit and a capital.
pub fn snake_case(name: &str) -> String {
    let b = name.as_bytes();
    let mut s: Vec<u8> = b.to_vec();
    // `[A-Z]{2,}s$`: the capitals right before a final `s`.
    if b.last() == Some(&b's') {
        let caps = b[..b.len() - 1]
            .iter()
            .rev()
            .take_while(|c| c.is_ascii_uppercase())
            .count();
        if caps >= 2 {
            let at = b.len() - 1 - caps;
            s.truncate(at);
            s.push(b'_');
            s.extend(b[at..].iter().map(u8::to_ascii_lowercase));
        }
    }
    // `(.)([A-Z][a-z]+)` → `\1_\2`, matches taken left to right without overlap.
    let mut s1 = Vec::with_capacity(s.len() + 8);
    let mut i = 0;
    while i < s.len() {
        if i + 2 < s.len() && s[i + 1].is_ascii_uppercase() && s[i + 2].is_ascii_lowercase() {
            let mut j = i + 2;
            while j < s.len() && s[j].is_ascii_lowercase() {
                j += 1;
            }
            s1.push(s[i]);
            s1.push(b'_');
            s1.extend_from_slice(&s[i + 1..j]);
            i = j;
        } else {
            s1.push(s[i]);
            i += 1;
        }
    }
    // `([a-z0-9])([A-Z])` → `\1_\2`, likewise.
    let mut out = String::with_capacity(s1.len() + 8);
    let mut i = 0;
    while i < s1.len() {
        let c = s1[i];
        if i + 1 < s1.len()
            && (c.is_ascii_lowercase() || c.is_ascii_digit())
            && s1[i + 1].is_ascii_uppercase()
        {
            out.push(c as char);
            out.push('_');
            out.push(s1[i + 1].to_ascii_lowercase() as char);
            i += 2;
        } else {
            out.push(c.to_ascii_lowercase() as char);
            i += 1;
        }
    }
    out
}

impl Service {
    /// Every name of the service that [`service_by_sdk_name`] knows, most specific first.
    fn names(&self) -> impl Iterator<Item = &'static str> {
        [
            self.boto3,
            self.service_id,
            self.ruby,
            self.js_v3_base,
            &self.js_v3_package[b"@aws-sdk/".len()..],
            self.js_v3_package,
            self.java_v1,
            self.java_v2,
            self.dotnet,
            self.go_v2,
            self.endpoint_prefix,
            self.signing_name,
        ]
        .into_iter()
    }
}

fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &s[prefix.len()..])
}

/// A hash of `s` with ASCII case folded, so that the index finds names whatever their case.
fn name_hash(s: &str) -> u64 {
    let mut h = FxHasher::default();
    for b in s.bytes() {
        h.write_u8(b.to_ascii_lowercase());
    }
    h.finish()
}

fn name_hash_exact(s: &str) -> u64 {
    let mut h = FxHasher::default();
    h.write(s.as_bytes());
    h.finish()
}

/// A hash that `RunTask` and `run_task` share: case folded, underscores left out.
fn op_hash(s: &str) -> u64 {
    let mut h = FxHasher::default();
    for b in s.bytes().filter(|&b| b != b'_') {
        h.write_u8(b.to_ascii_lowercase());
    }
    h.finish()
}

/// The data lines of a table: comments and blank lines skipped, split at the first tab.
fn rows(tsv: &'static str) -> impl Iterator<Item = (&'static str, &'static str)> {
    tsv.lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| l.split_once('\t').unwrap_or((l, "")))
}

struct ServiceTable {
    services: Vec<Service>,
    /// `(name_hash(name), service)` for every name of every service, sorted.
    names: Vec<(u64, u16)>,
}

fn service_table() -> &'static ServiceTable {
    static T: OnceLock<ServiceTable> = OnceLock::new();
    T.get_or_init(|| {
        let services: Vec<Service> = rows(SERVICES_TSV)
            .enumerate()
            .map(|(idx, (boto3, rest))| {
                let mut c = rest.split('\t');
                let mut next = || c.next().unwrap_or("");
                Service {
                    boto3,
                    endpoint_prefix: next(),
                    signing_name: next(),
                    service_id: next(),
                    full_name: next(),
                    abbreviation: Some(next()).filter(|a| !a.is_empty()),
                    protocol: next(),
                    java_v1: next(),
                    java_v2: next(),
                    ruby: next(),
                    js_v3_package: next(),
                    js_v3_base: next(),
                    dotnet: next(),
                    go_v2: next(),
                    idx: idx as u16,
                }
            })
            .collect();
        // Where services share a name, the one for which it is the more specific kind of
        // name (by the order of `Service::names`) is tried first.
        let mut ranked: Vec<(u64, usize, u16)> = Vec::new();
        for (i, s) in services.iter().enumerate() {
            for (rank, n) in s.names().enumerate() {
                ranked.push((name_hash(n), rank, i as u16));
            }
        }
        ranked.sort_unstable();
        let mut names: Vec<(u64, u16)> = Vec::with_capacity(ranked.len());
        for (h, _, i) in ranked {
            // Entries of one hash sit together at the end, sorted: keep a service's best rank.
            if !names
                .iter()
                .rev()
                .take_while(|e| e.0 == h)
                .any(|e| e.1 == i)
            {
                names.push((h, i));
            }
        }
        ServiceTable { services, names }
    })
}

/// Per-service lists of one kind (operations, error shapes) with a sorted hash index over the
/// names each item answers to.
struct Lists<T> {
    items: Vec<T>,
    /// The service of each item, as its position in [`services`].
    service_of: Vec<u16>,
    /// For each service, its items' range in `items`.
    by_service: Vec<std::ops::Range<usize>>,
    /// `(hash, item)`, sorted.
    index: Vec<(u64, u32)>,
}

impl<T> Lists<T> {
    /// Reads a table whose rows are a boto3 name and space-separated items; `parse` turns an
    /// item into its value and the hashes it is found by.
    fn parse(tsv: &'static str, parse: impl Fn(&'static str) -> (T, u64, Option<u64>)) -> Self {
        let mut t = Lists {
            items: Vec::new(),
            service_of: Vec::new(),
            by_service: vec![0..0; services().len()],
            index: Vec::new(),
        };
        for (boto3, list) in rows(tsv) {
            let Some(svc) = service(boto3) else { continue };
            let start = t.items.len();
            for item in list.split(' ').filter(|s| !s.is_empty()) {
                let (value, h, h2) = parse(item);
                let at = t.items.len() as u32;
                t.index.push((h, at));
                t.index.extend(h2.map(|h2| (h2, at)));
                t.items.push(value);
                t.service_of.push(svc.idx);
            }
            t.by_service[svc.index()] = start..t.items.len();
        }
        t.index.sort_unstable();
        t
    }

    /// The items indexed under `h`, with their services.
    fn find(&self, h: u64) -> impl Iterator<Item = (&T, &'static Service)> + '_ {
        let at = self.index.partition_point(|&(k, _)| k < h);
        self.index[at..]
            .iter()
            .take_while(move |&&(k, _)| k == h)
            .map(move |&(_, i)| {
                let i = i as usize;
                (&self.items[i], &services()[self.service_of[i] as usize])
            })
    }
}

fn operation_table() -> &'static Lists<Operation> {
    static T: OnceLock<Lists<Operation>> = OnceLock::new();
    T.get_or_init(|| {
        Lists::parse(OPERATIONS_TSV, |item| {
            let (name, snake) = match item.split_once('=') {
                Some((n, s)) => (n, Some(s)),
                None => (item, None),
            };
            (Operation { name, snake }, op_hash(name), None)
        })
    })
}

fn error_table() -> &'static Lists<ErrorShape> {
    static T: OnceLock<Lists<ErrorShape>> = OnceLock::new();
    T.get_or_init(|| {
        Lists::parse(ERRORS_TSV, |item| {
            let mut f = item.splitn(3, ':');
            let name = f.next().unwrap_or("");
            let status = f.next().and_then(|s| s.parse().ok());
            let code = f.next().filter(|c| !c.is_empty()).unwrap_or(name);
            let by_code = (code != name).then(|| name_hash_exact(code));
            let e = ErrorShape { name, code, status };
            (e, name_hash_exact(name), by_code)
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn by(name: &str) -> &'static str {
        service_by_sdk_name(name)
            .unwrap_or_else(|| panic!("{name}: no service"))
            .boto3
    }

    #[test]
    fn tables_load_with_the_expected_sizes() {
        // botocore 1.44 models 455 services, ~20,700 operations, ~6,000 error shapes; a table
        // far off that was cut short or mis-parsed.
        assert!(
            (400..600).contains(&services().len()),
            "{}",
            services().len()
        );
        let ops = operation_table().items.len();
        assert!((18_000..30_000).contains(&ops), "{ops}");
        let errs = error_table().items.len();
        assert!((5_000..10_000).contains(&errs), "{errs}");
        assert!(services().windows(2).all(|w| w[0].boto3 < w[1].boto3));
        for s in services() {
            assert!(!s.service_id.is_empty() && !s.go_v2.is_empty() && !s.dotnet.is_empty());
            assert!(
                s.js_v3_package.starts_with("@aws-sdk/client-"),
                "{}",
                s.boto3
            );
            assert!(s.dotnet.starts_with("Amazon."), "{}", s.boto3);
        }
    }

    #[test]
    fn sdk_names_find_their_service() {
        for (name, boto3) in [
            ("ecs", "ecs"),
            ("ECS", "ecs"),
            ("AmazonECS", "ecs"),
            ("Ecs", "ecs"),
            ("Aws::ECS", "ecs"),
            ("Aws::ECS::Errors", "ecs"),
            ("@aws-sdk/client-ecs", "ecs"),
            ("ECSServiceException", "ecs"),
            ("ECSClient", "ecs"),
            ("Amazon.ECS", "ecs"),
            ("Secrets Manager", "secretsmanager"),
            ("SecretsManagerServiceException", "secretsmanager"),
            ("@aws-sdk/client-secrets-manager", "secretsmanager"),
            ("AWSSecurityTokenService", "sts"),
            ("Amazon.SecurityToken", "sts"),
            ("Sts", "sts"),
            ("AmazonDynamoDBv2", "dynamodb"),
            ("DynamoDb", "dynamodb"),
            ("Amazon.DynamoDBv2", "dynamodb"),
            ("Amazon S3", "s3"),
            ("S3ServiceException", "s3"),
            ("AWSLogs", "logs"),
            ("CloudWatchLogs", "logs"),
            ("CloudWatch Logs", "logs"),
            ("cloudwatchlogs", "logs"),
            ("Aws::States", "stepfunctions"),
            ("SFN", "stepfunctions"),
            ("states", "stepfunctions"),
            ("AWSStepFunctions", "stepfunctions"),
            ("SFNServiceException", "stepfunctions"),
            ("AmazonIdentityManagement", "iam"),
            ("AWSKMS", "kms"),
            ("KMSServiceException", "kms"),
            ("Amazon.KeyManagementService", "kms"),
            ("CloudFormationServiceException", "cloudformation"),
            ("Aws::CloudFormation", "cloudformation"),
            ("AmazonCloudFormation", "cloudformation"),
            ("AWSLambda", "lambda"),
            ("AWSSimpleSystemsManagement", "ssm"),
            ("AmazonCloudWatchEvents", "events"),
            ("EventBridge", "events"),
            ("elasticloadbalancing", "elb"),
            ("ElasticLoadBalancingV2", "elbv2"),
            ("elbv2", "elbv2"),
            ("Ec2", "ec2"),
            ("BedrockRuntimeServiceException", "bedrock-runtime"),
        ] {
            assert_eq!(by(name), boto3, "{name}");
        }
        assert!(service_by_sdk_name("NoSuchService").is_none());
        assert!(service_by_sdk_name("Aws::").is_none());
        // A decoration binds the name to that SDK: Ruby calls Step Functions `States`.
        assert!(service_by_sdk_name("Aws::SFN").is_none());
    }

    #[test]
    fn canonical_names() {
        let s = service("stepfunctions").unwrap();
        assert_eq!(s.service_id, "SFN");
        assert_eq!(s.signing_name, "states");
        assert_eq!(s.ruby_module(), "Aws::States");
        assert_eq!(s.js_v3_package, "@aws-sdk/client-sfn");
        assert_eq!(s.go_v2, "sfn");
        let s = service("secretsmanager").unwrap();
        assert_eq!(s.js_v3_client(), "SecretsManagerClient");
        assert_eq!(s.java_v1, "AWSSecretsManager");
        assert_eq!(s.go_v2, "secretsmanager");
        assert_eq!(s.protocol, "json");
        assert_eq!(service("s3").unwrap().abbreviation, Some("Amazon S3"));
        assert_eq!(service("lambda").unwrap().abbreviation, None);
    }

    fn with_op(name: &str) -> Vec<&'static str> {
        services_with_operation(name).map(|s| s.boto3).collect()
    }

    #[test]
    fn operations_by_either_name() {
        let ecs = with_op("RunTask");
        assert_eq!(ecs, ["ecs"]);
        let ecs = with_op("run_task");
        assert_eq!(ecs, ["ecs"]);
        let head = with_op("HeadObject");
        assert_eq!(head, ["s3"]);
        let ar = with_op("assume_role_with_web_identity");
        assert_eq!(ar, ["sts"]);
        let describe_stacks = with_op("DescribeStacks");
        assert!(describe_stacks.contains(&"cloudformation"));
        // Names are matched exactly, in one of the two spellings.
        assert_eq!(services_with_operation("runtask").count(), 0);
        assert_eq!(services_with_operation("Run_Task").count(), 0);
        assert_eq!(services_with_operation("NotAnOperation").count(), 0);
        // One of botocore's special cases, stored in the table.
        assert!(services_with_operation("create_cached_iscsi_volume")
            .any(|s| s.boto3 == "storagegateway"));
        assert_eq!(
            sole_service_with_operation("GetSecretValue").map(|s| s.boto3),
            Some("secretsmanager")
        );
        assert_eq!(
            sole_service_with_operation("get_queue_url").map(|s| s.boto3),
            Some("sqs")
        );
        assert!(sole_service_with_operation("Publish").is_none());
        assert!(sole_service_with_operation("NotAnOperation").is_none());
        let ops: Vec<_> = service("sts")
            .unwrap()
            .operations()
            .map(|o| o.name)
            .collect();
        assert!(ops.contains(&"GetCallerIdentity"));
    }

    #[test]
    fn snake_case_follows_botocore() {
        // Expected values are botocore's xform_name.
        for (name, snake) in [
            ("RunTask", "run_task"),
            ("DescribeDBInstances", "describe_db_instances"),
            ("ListWebACLs", "list_web_acls"),
            ("GetBucketACL", "get_bucket_acl"),
            ("AssumeRoleWithSAML", "assume_role_with_saml"),
            (
                "ListAWSServiceAccessForOrganization",
                "list_aws_service_access_for_organization",
            ),
            (
                "PutBucketOwnershipControls",
                "put_bucket_ownership_controls",
            ),
            ("CreateVpcEndpoint", "create_vpc_endpoint"),
            ("GetSMSAttributes", "get_sms_attributes"),
            (
                "DescribeDBClusterSnapshots",
                "describe_db_cluster_snapshots",
            ),
            ("GetV2LoggingOptions", "get_v2_logging_options"),
            ("Invoke", "invoke"),
            ("ListGatewayARNs", "list_gateway_arns"),
        ] {
            assert_eq!(snake_case(name), snake, "{name}");
        }
    }

    #[test]
    fn error_codes_and_statuses() {
        assert_eq!(error_status("s3", "NoSuchBucket"), Some(404));
        assert_eq!(
            error_status("Amazon S3", "BucketAlreadyOwnedByYou"),
            Some(409)
        );
        assert_eq!(error_status("iam", "NoSuchEntity"), Some(404));
        assert_eq!(error_status("iam", "NoSuchEntityException"), Some(404));
        // CloudWatch's query protocol puts another code on the wire than the shape's name.
        assert_eq!(error_status("cloudwatch", "ValidationError"), Some(400));
        assert_eq!(error_status("monitoring", "ValidationException"), Some(400));
        // botocore's SQS model declares its errors without a status.
        assert_eq!(error_status("sqs", "QueueDoesNotExist"), None);
        assert!(service("sqs").unwrap().error("QueueDoesNotExist").is_some());
        assert_eq!(error_status("dynamodb", "NoSuchBucket"), None);
        let e = service("iam")
            .unwrap()
            .error("EntityAlreadyExists")
            .unwrap();
        assert_eq!(e.name, "EntityAlreadyExistsException");
        assert_eq!(e.status, Some(409));
        for code in [
            "ConditionalCheckFailedException",
            "NoSuchKey",
            "ResourceNotFoundException",
            "ValidationError",
            "DeleteConflict",
            "QueueDoesNotExist",
            "ParameterNotFound",
        ] {
            assert!(is_known_code(code), "{code}");
        }
        for code in ["", "Exception", "ClientError", "noSuchKey", "NotAnAwsError"] {
            assert!(!is_known_code(code), "{code}");
        }
        assert!(services_with_code("ParameterNotFound").any(|s| s.boto3 == "ssm"));
        let known: std::collections::HashSet<_> = known_codes().collect();
        assert!(known.contains("DeleteConflictException") && known.contains("DeleteConflict"));
        assert_eq!(
            known.len(),
            error_table()
                .index
                .iter()
                .map(|&(h, _)| h)
                .collect::<std::collections::HashSet<_>>()
                .len()
        );
    }
}
