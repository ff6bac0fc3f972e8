//! Generated IAM artifacts: least-privilege policy documents, the identity to attach them to,
//! the `aws iam put-*-policy` command and the Terraform / CloudFormation snippets.

use super::json_text;
use serde_json::Value;

/// True when `arn` is an ARN without wildcards, template braces or angle-bracket masks, so
/// that it can stand in a policy as the text gives it. Masks made of ordinary ARN characters
/// (`XXXXXXXXXXXX`, `[ID]`) cannot be told from real names reliably; they are kept, and
/// [`looks_masked`] lets the remedy say so.
pub fn is_clean_arn(arn: &str) -> bool {
    // Bytes suffice: every byte of a multi-byte character is above ASCII, and the only
    // non-ASCII whitespace (U+0085, U+00A0, U+1680, U+2000..) needs a look at the characters.
    let unclean = |b: u8| matches!(b, b'*' | b'<' | b'>' | b'{' | b'}' | b'\'' | b'"');
    arn.starts_with("arn:")
        && memchr::memchr_iter(b':', arn.as_bytes()).nth(4).is_some()
        && !arn
            .bytes()
            .any(|b| unclean(b) || b.is_ascii_whitespace() || b == 0x0b)
        && (arn.is_ascii() || !arn.chars().any(char::is_whitespace))
}

/// A kept ARN that still looks hand-masked: `[ID]`, `XXXX`, `ACCOUNT` in the account field.
pub fn looks_masked(arn: &str) -> bool {
    let b = arn.as_bytes();
    arn.contains('[')
        || memchr::memchr2_iter(b'x', b'X', b).any(|i| {
            b.get(i..i + 4)
                .is_some_and(|w| w.iter().all(|c| c.eq_ignore_ascii_case(&b'x')))
        })
        || arn_field(arn, 4)
            .is_some_and(|a| !a.is_empty() && !a.bytes().all(|b| b.is_ascii_digit()))
}

/// The account id of a clean ARN, when it has one that looks real.
pub fn account_of(arn: &str) -> Option<&str> {
    let acct = arn_field(arn, 4)?;
    (acct.len() == 12 && acct.bytes().all(|b| b.is_ascii_digit())).then_some(acct)
}

/// Field `i` of the text split at colons (`arn:PARTITION:SERVICE:REGION:ACCOUNT:...`), as
/// `arn.split(':').nth(i)` gives it.
fn arn_field(arn: &str, i: usize) -> Option<&str> {
    let mut colons = memchr::memchr_iter(b':', arn.as_bytes());
    let start = match i {
        0 => 0,
        _ => colons.nth(i - 1)? + 1,
    };
    let end = colons.next().unwrap_or(arn.len());
    Some(&arn[start..end])
}

/// What a policy is attached to.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Identity {
    Role(String),
    User(String),
    /// A role IAM Identity Center made from a permission set (`AWSReservedSSO_<set>_<id>`):
    /// AWS refuses changes to it, so the fix goes into the permission set.
    Sso(String),
    /// The account's root user, which no identity policy can be attached to.
    Root,
    /// The text names no principal we can attach to (missing, federated, redacted).
    #[default]
    Unknown,
}

impl Identity {
    /// From `arn:aws:sts::<acct>:assumed-role/<role>/<session>`, `arn:aws:iam::<acct>:role/<path>/<name>`
    /// or `arn:aws:iam::<acct>:user/<path>/<name>`.
    pub fn from_principal(principal: Option<&str>) -> Identity {
        let Some(p) = principal else {
            return Identity::Unknown;
        };
        // What follows `arn:PARTITION:SERVICE:REGION:ACCOUNT:`.
        let Some(rest) = p.strip_prefix("arn:").and_then(|r| {
            let colon = memchr::memchr_iter(b':', r.as_bytes()).nth(3)?;
            Some(&r[colon + 1..])
        }) else {
            return Identity::Unknown;
        };
        let clean = |s: &str| -> Option<String> {
            (!s.is_empty()
                && s.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"+=,.@_-".contains(&b)))
            .then(|| s.to_string())
        };
        let role = |name: Option<String>| match name {
            Some(n) if n.starts_with(SSO_ROLE_PREFIX) => Identity::Sso(n),
            Some(n) => Identity::Role(n),
            None => Identity::Unknown,
        };
        if rest == "root" {
            return Identity::Root;
        }
        if let Some(r) = rest.strip_prefix("assumed-role/") {
            return role(r.split('/').next().and_then(clean));
        }
        if let Some(r) = rest.strip_prefix("role/") {
            return role(r.rsplit('/').next().and_then(clean));
        }
        if let Some(u) = rest.strip_prefix("user/") {
            return u
                .rsplit('/')
                .next()
                .and_then(clean)
                .map_or(Identity::Unknown, Identity::User);
        }
        Identity::Unknown
    }

    pub fn name(&self) -> &str {
        match self {
            Identity::Role(n) | Identity::User(n) | Identity::Sso(n) => n,
            Identity::Root => "root",
            Identity::Unknown => "<ROLE_NAME>",
        }
    }

    /// The permission set an Identity Center role was made from: the name between
    /// `AWSReservedSSO_` and the final `_<id>`.
    pub fn permission_set(&self) -> Option<&str> {
        let Identity::Sso(n) = self else {
            return None;
        };
        let set = n.strip_prefix(SSO_ROLE_PREFIX)?;
        Some(set.rsplit_once('_').map_or(set, |(name, _)| name))
    }
}

/// How the names of the roles IAM Identity Center makes begin.
pub const SSO_ROLE_PREFIX: &str = "AWSReservedSSO_";

/// Which service a role is passed to, as far as the text settles it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PassedTo {
    /// Service and operation (or a service or operation only one service has) settle it.
    Settled(&'static str),
    /// The text does not settle it: the services it points to, most likely first (none
    /// when it points nowhere).
    Unsettled(Vec<&'static str>),
}

/// (IAM service prefixes, operations, the principal the role is passed to): the calls that
/// pass a role, by the service they belong to. Operation names repeat across services
/// (`CreateJob`: Glue, MediaConvert, S3 Batch Operations), so the service and the operation
/// decide together.
const PASSING_CALLS: &[(&[&str], &[&str], &str)] = &[
    (
        &["ecs"],
        &[
            "RunTask",
            "StartTask",
            "CreateService",
            "UpdateService",
            "RegisterTaskDefinition",
        ],
        "ecs-tasks.amazonaws.com",
    ),
    (
        &["lambda"],
        &["CreateFunction", "UpdateFunctionConfiguration"],
        "lambda.amazonaws.com",
    ),
    (
        &["ec2"],
        &[
            "RunInstances",
            "AssociateIamInstanceProfile",
            "ReplaceIamInstanceProfileAssociation",
            "CreateLaunchTemplate",
            "CreateLaunchTemplateVersion",
            "RequestSpotFleet",
            "RequestSpotInstances",
        ],
        "ec2.amazonaws.com",
    ),
    (
        &["states"],
        &["CreateStateMachine", "UpdateStateMachine"],
        "states.amazonaws.com",
    ),
    (
        &["glue"],
        &[
            "CreateCrawler",
            "UpdateCrawler",
            "CreateJob",
            "UpdateJob",
            "CreateDevEndpoint",
            "CreateSession",
        ],
        "glue.amazonaws.com",
    ),
    (
        &["sagemaker"],
        &[
            "CreateTrainingJob",
            "CreateProcessingJob",
            "CreateModel",
            "CreateNotebookInstance",
            "CreateTransformJob",
            "CreatePipeline",
            "UpdatePipeline",
            "CreateDomain",
            "CreateHyperParameterTuningJob",
        ],
        "sagemaker.amazonaws.com",
    ),
    (
        &["codebuild"],
        &["CreateProject", "UpdateProject", "StartBuild"],
        "codebuild.amazonaws.com",
    ),
    (
        &["codepipeline"],
        &["CreatePipeline", "UpdatePipeline"],
        "codepipeline.amazonaws.com",
    ),
    (
        &["batch"],
        &["CreateComputeEnvironment", "UpdateComputeEnvironment"],
        "batch.amazonaws.com",
    ),
    (&["events"], &["PutTargets"], "events.amazonaws.com"),
    (
        &["scheduler"],
        &["CreateSchedule", "UpdateSchedule"],
        "scheduler.amazonaws.com",
    ),
    (
        &["bedrock"],
        &[
            "PutModelInvocationLoggingConfiguration",
            "CreateModelCustomizationJob",
            "CreateAgent",
            "CreateKnowledgeBase",
        ],
        "bedrock.amazonaws.com",
    ),
    (
        &["cloudformation"],
        &[
            "CreateStack",
            "UpdateStack",
            "CreateChangeSet",
            "CreateStackSet",
        ],
        "cloudformation.amazonaws.com",
    ),
    (
        &["elasticmapreduce"],
        &["RunJobFlow"],
        "elasticmapreduce.amazonaws.com",
    ),
    (
        &["s3", "s3control"],
        &["CreateJob"],
        "batchoperations.s3.amazonaws.com",
    ),
    (
        &["mediaconvert"],
        &["CreateJob", "CreateQueue"],
        "mediaconvert.amazonaws.com",
    ),
    (
        &["firehose"],
        &["CreateDeliveryStream", "UpdateDestination"],
        "firehose.amazonaws.com",
    ),
    (
        &["iot"],
        &["CreateTopicRule", "ReplaceTopicRule"],
        "iot.amazonaws.com",
    ),
    (
        &["appsync"],
        &["CreateDataSource", "UpdateDataSource"],
        "appsync.amazonaws.com",
    ),
    (
        &["rds"],
        &["AddRoleToDBCluster", "AddRoleToDBInstance"],
        "rds.amazonaws.com",
    ),
];

/// The service a role is passed to, from the most specific evidence the record has: the
/// failed call's service and operation together; an operation or a service that only one
/// entry of [`PASSING_CALLS`] has; and otherwise (role names say what someone meant, not
/// what a call does: `ecsInstanceRole` is an EC2 instance role) only likely services.
pub fn passed_to_service(
    operation: Option<&str>,
    wrapper_service: Option<&str>,
    service: Option<&str>,
    role_arn: Option<&str>,
) -> PassedTo {
    let services: Vec<&str> = [wrapper_service, service].into_iter().flatten().collect();
    let op_is =
        |ops: &[&str]| operation.is_some_and(|o| ops.iter().any(|x| x.eq_ignore_ascii_case(o)));
    let svc_is = |svcs: &[&str]| services.iter().any(|s| svcs.contains(s));
    if let Some((.., p)) = PASSING_CALLS
        .iter()
        .find(|(svcs, ops, _)| svc_is(svcs) && op_is(ops))
    {
        return PassedTo::Settled(p);
    }
    let by_op: Vec<&'static str> = PASSING_CALLS
        .iter()
        .filter(|(_, ops, _)| op_is(ops))
        .map(|(.., p)| *p)
        .collect();
    if let [one] = by_op[..] {
        return PassedTo::Settled(one);
    }
    if !by_op.is_empty() {
        return PassedTo::Unsettled(by_op);
    }
    // No known passing call: the service of a Step Functions task (`ECS.AccessDenied...`)
    // or of the call.
    for s in &services {
        if let Some(p) = crate::service::principal(s) {
            return PassedTo::Settled(p);
        }
    }
    let Some(name) = role_arn.and_then(|r| r.rsplit('/').next()) else {
        return PassedTo::Unsettled(Vec::new());
    };
    let name = name.to_ascii_lowercase();
    // More specific words first: `ecsinstance` before `ecs`.
    const HINTS: &[(&str, &str)] = &[
        ("instance", "ec2.amazonaws.com"),
        ("ec2", "ec2.amazonaws.com"),
        ("ecstask", "ecs-tasks.amazonaws.com"),
        ("ecs", "ecs-tasks.amazonaws.com"),
        ("fargate", "ecs-tasks.amazonaws.com"),
        ("lambda", "lambda.amazonaws.com"),
        ("stepfunction", "states.amazonaws.com"),
        ("statemachine", "states.amazonaws.com"),
        ("sfn", "states.amazonaws.com"),
        ("glue", "glue.amazonaws.com"),
        ("sagemaker", "sagemaker.amazonaws.com"),
        ("codebuild", "codebuild.amazonaws.com"),
        ("codepipeline", "codepipeline.amazonaws.com"),
        ("batch", "batch.amazonaws.com"),
        ("scheduler", "scheduler.amazonaws.com"),
        ("eventbridge", "events.amazonaws.com"),
        ("bedrock", "bedrock.amazonaws.com"),
    ];
    let mut likely: Vec<&'static str> = Vec::new();
    for (hint, p) in HINTS {
        if name.contains(hint) && !likely.contains(p) {
            likely.push(p);
        }
    }
    PassedTo::Unsettled(likely)
}

/// The Resource value for `action`: the ARN from the text when it is clean and of a
/// resource type the action takes, `*` for actions that take none, otherwise a placeholder
/// ARN of the action's resource type naming what to fill in (with the text's region and
/// account where it gives them). The second value says whether it holds a placeholder.
///
/// A CloudWatch Logs stream ARN becomes every stream of its group (see [`log_group_streams`]).
pub fn resource_for(action: &str, resource: Option<&str>) -> (String, bool) {
    let known = super::sar::action(action);
    let formats = known.as_ref().map(|a| &a.resources[..]);
    if formats.is_some_and(<[_]>::is_empty) {
        return ("*".to_string(), false);
    }
    let fits =
        |arn: &str| formats.map_or(true, |f| f.iter().any(|f| super::sar::arn_matches(f, arn)));
    let of_type = |from: Option<&str>| match formats {
        Some([first, ..]) => super::sar::placeholder_arn(first, from),
        _ => {
            let svc = action.split(':').next().unwrap_or("SERVICE");
            format!("arn:aws:{svc}:<REGION>:<ACCOUNT_ID>:<RESOURCE>")
        }
    };
    match resource {
        Some(r) if is_clean_arn(r) => {
            let arn = log_group_streams(r).unwrap_or_else(|| r.to_string());
            if fits(&arn) {
                return (arn, false);
            }
            // A region or account left empty (`arn:aws:dynamodb:eu-west-2::table/t`).
            let filled = fill_empty_fields(&arn);
            if filled != arn && fits(&filled) {
                return (filled, true);
            }
            (of_type(Some(r)), true)
        }
        Some(r) if r.starts_with("arn:") => {
            let masked = mask_to_placeholders(r);
            let masked = log_group_streams(&masked).unwrap_or(masked);
            if fits(&masked) {
                (masked, true)
            } else {
                (of_type(Some(r)), true)
            }
        }
        _ => (of_type(None), true),
    }
}

/// The ARN with an empty region or account field named as a placeholder.
fn fill_empty_fields(arn: &str) -> String {
    let mut parts: Vec<&str> = arn.splitn(6, ':').collect();
    if parts.len() == 6 {
        for (i, name) in [(3, "<REGION>"), (4, "<ACCOUNT_ID>")] {
            if parts[i].is_empty() {
                parts[i] = name;
            }
        }
    }
    parts.join(":")
}

/// `arn:aws:logs:REGION:ACCOUNT:log-group:GROUP:log-stream:*` for the ARN of one stream of
/// GROUP; `None` for any other ARN. Streams are created per instance, container or day, so a
/// policy naming the one stream in the text would stop working with the next; the group
/// stays exact.
pub fn log_group_streams(arn: &str) -> Option<String> {
    let (head, _group) = log_stream_parts(arn)?;
    let mut out = String::with_capacity(head.len() + 1);
    out.push_str(head);
    out.push('*');
    Some(out)
}

/// The ARN up to and including `:log-stream:`, and the log group's name, for the ARN of a
/// CloudWatch Logs stream whose stream name is not already `*`.
pub fn log_stream_parts(arn: &str) -> Option<(&str, &str)> {
    let (_partition, rest) = arn.strip_prefix("arn:")?.split_once(':')?;
    let (_region, rest) = rest.strip_prefix("logs:")?.split_once(':')?;
    let (_account, res) = rest.split_once(':')?;
    let (group, stream) = res.strip_prefix("log-group:")?.split_once(":log-stream:")?;
    if group.is_empty() || stream.is_empty() || stream == "*" {
        return None;
    }
    Some((&arn[..arn.len() - stream.len()], group))
}

/// Keep the parts of a redacted ARN that are readable and name the masked ones.
fn mask_to_placeholders(arn: &str) -> String {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    let masked = |s: &str| s.chars().any(|c| "*<>{}[]$ ".contains(c)) || s.is_empty();
    let name = [
        "arn",
        "PARTITION",
        "SERVICE",
        "REGION",
        "ACCOUNT_ID",
        "RESOURCE",
    ];
    let mut out = Vec::new();
    for (i, p) in parts.iter().enumerate() {
        let wanted_empty = (i == 3 || i == 4) && p.is_empty();
        if wanted_empty || !masked(p) {
            out.push(p.to_string());
        } else if i == 5 {
            // Keep `type/` of `type/name` when only the name is masked.
            match p.split_once(['/', ':']) {
                Some((ty, rest)) if !masked(ty) && masked(rest) => {
                    let sep = &p[ty.len()..ty.len() + 1];
                    out.push(format!(
                        "{ty}{sep}<{}_NAME>",
                        ty.to_ascii_uppercase().replace('-', "_")
                    ))
                }
                _ => out.push("<RESOURCE>".to_string()),
            }
        } else {
            out.push(format!("<{}>", name[i]));
        }
    }
    out.join(":")
}

/// A JSON object with these members.
pub fn object<const N: usize>(members: [(&str, Value); N]) -> Value {
    // Inserting one by one: collecting into a map sorts through a temporary vector first.
    let mut map = serde_json::Map::new();
    for (k, v) in members {
        map.insert(k.to_string(), v);
    }
    Value::Object(map)
}

/// A policy with one Allow statement.
pub fn allow(actions: &[&str], resources: &[String], passed_to_service: Option<&str>) -> Value {
    Allow {
        actions,
        resources,
        passed_to_service,
    }
    .to_value()
}

/// A policy with one Allow statement: the shape of every policy a caller attaches to itself.
///
/// Such a policy goes into a remedy four times: as `Remedy::policy`, compact in the
/// `put-*-policy` command and pretty-printed at two indents in the snippets. [`AllowText`]
/// writes the text straight from these fields, byte for byte what serde_json prints for
/// [`Allow::to_value`] (the tests hold the two together), which costs a fraction of printing
/// the `Value` and reshaping the text.
#[derive(Debug, Clone, Copy)]
pub struct Allow<'a> {
    pub actions: &'a [&'a str],
    pub resources: &'a [String],
    /// The service an `iam:PassedToService` condition limits passing the role to.
    pub passed_to_service: Option<&'a str>,
}

/// How [`Allow::write`] lays out the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// As `serde_json::to_string`.
    Compact,
    /// As `serde_json::to_string_pretty`, every line after the first indented by this many
    /// more spaces.
    Pretty(usize),
}

impl<'a> Allow<'a> {
    pub fn to_value(&self) -> Value {
        self.value_with_sid(sid(self.actions[0]))
    }

    fn value_with_sid(&self, sid: String) -> Value {
        let action: Value = match self.actions {
            [one] => (*one).into(),
            _ => self.actions.iter().map(|a| Value::from(*a)).collect(),
        };
        let resource: Value = match self.resources {
            [one] => one.as_str().into(),
            _ => self
                .resources
                .iter()
                .map(|r| Value::from(r.as_str()))
                .collect(),
        };
        let mut stmt = serde_json::Map::new();
        stmt.insert("Sid".into(), sid.into());
        stmt.insert("Effect".into(), "Allow".into());
        stmt.insert("Action".into(), action);
        stmt.insert("Resource".into(), resource);
        if let Some(s) = self.passed_to_service {
            let test = object([("iam:PassedToService", s.into())]);
            stmt.insert("Condition".into(), object([("StringEquals", test)]));
        }
        object([
            ("Version", "2012-10-17".into()),
            ("Statement", vec![Value::Object(stmt)].into()),
        ])
    }

    /// Append the text of [`Allow::to_value`] (see [`AllowText::write`]).
    pub fn write(&self, out: &mut String, layout: Layout) {
        self.text().write(out, layout)
    }

    /// The document with its strings quoted once, for writing it in several layouts.
    pub fn text(&self) -> AllowText<'a> {
        let sid = sid(self.actions[0]);
        // In the order the text holds them.
        let strings = || {
            let service = self.passed_to_service.into_iter();
            std::iter::once(sid.as_str())
                .chain(self.actions.iter().copied())
                .chain(self.resources.iter().map(String::as_str))
                .chain(service)
        };
        // Escaped straight into bytes: quoting into a `String` costs a buffer per string.
        // The escaper wants room for six bytes a byte past the end: sized for that once.
        let (len, longest) = strings().fold((0, 0), |(len, longest), s| {
            (len + s.len() + 2, longest.max(s.len()))
        });
        let mut quoted = Vec::with_capacity(len + 6 * longest + 35);
        let mut ends = Vec::with_capacity(self.actions.len() + self.resources.len() + 2);
        for s in strings() {
            crate::json_string::write_str(s, &mut quoted);
            ends.push(quoted.len());
        }
        AllowText {
            doc: *self,
            sid,
            quoted: String::from_utf8(quoted).expect("escaped text is UTF-8"),
            ends,
        }
    }
}

/// An [`Allow`] whose strings are quoted for JSON once: a remedy writes its document in three
/// layouts (the command and two snippets) besides the `Value`.
#[derive(Debug, Clone)]
pub struct AllowText<'a> {
    doc: Allow<'a>,
    /// The statement's Sid, unquoted.
    sid: String,
    /// The quoted Sid, actions, resources and service (if any), one after the other as the
    /// text holds them...
    quoted: String,
    /// ...each ending here.
    ends: Vec<usize>,
}

impl AllowText<'_> {
    /// [`Allow::to_value`].
    pub fn to_value(&self) -> Value {
        self.doc.value_with_sid(self.sid.clone())
    }

    /// Quoted string `i` (see [`AllowText::quoted`]).
    fn quoted(&self, i: usize) -> &str {
        let start = i.checked_sub(1).map_or(0, |p| self.ends[p]);
        &self.quoted[start..self.ends[i]]
    }

    fn shape(&self, layout: Layout) -> Shape {
        Shape {
            layout,
            actions: self.doc.actions.len(),
            conditioned: self.doc.passed_to_service.is_some(),
            resources: self.doc.resources.len(),
        }
    }

    /// The length of what [`AllowText::write`] writes.
    pub fn written_len(&self, layout: Layout) -> usize {
        self.shape(layout)
            .with_skeleton(|sk| sk.plain_len + self.quoted.len())
    }

    /// The text of [`Allow::to_value`] as `serde_json::to_string` prints it.
    pub fn compact(&self) -> String {
        let mut out = String::with_capacity(self.written_len(Layout::Compact));
        self.write(&mut out, Layout::Compact);
        out
    }

    /// Append the text of [`Allow::to_value`], byte for byte as serde_json prints it.
    pub fn write(&self, out: &mut String, layout: Layout) {
        self.shape(layout).with_skeleton(|sk| {
            out.reserve(sk.plain_len + self.quoted.len());
            for (i, literal) in sk.plain.iter().enumerate() {
                if i > 0 {
                    out.push_str(self.quoted(i - 1));
                }
                out.push_str(literal);
            }
        });
    }
}

/// The text of documents of one [`Shape`] cut at its strings.
struct Skeleton {
    plain: Vec<String>,
    plain_len: usize,
}

/// What the text of an [`Allow`] looks like apart from its strings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Shape {
    layout: Layout,
    actions: usize,
    /// Whether it has the `iam:PassedToService` condition.
    conditioned: bool,
    resources: usize,
}

impl Shape {
    /// Call `use_it` with the text of a document of this shape cut at its strings. A remedy
    /// writes the same few shapes over and over, and copying a handful of pieces costs a
    /// fraction of writing each key, line break and bracket.
    fn with_skeleton<T>(self, use_it: impl FnOnce(&Skeleton) -> T) -> T {
        use std::cell::RefCell;
        thread_local! {
            static SKELETONS: RefCell<Vec<(Shape, Skeleton)>> = const { RefCell::new(Vec::new()) };
        }
        // The shapes remedies write are a handful; this bounds what odd records can add.
        const MAX_SHAPES: usize = 32;
        SKELETONS.with(|cell| {
            let mut skeletons = cell.borrow_mut();
            let i = match skeletons.iter().position(|(shape, ..)| *shape == self) {
                Some(i) => i,
                None => {
                    if skeletons.len() >= MAX_SHAPES {
                        skeletons.clear();
                    }
                    // Quoted strings escape every control character, so a NUL marks a cut.
                    let mut text = String::new();
                    self.write(&mut text, |_| "\0");
                    let plain: Vec<String> = text.split('\0').map(String::from).collect();
                    skeletons.push((
                        self,
                        Skeleton {
                            plain_len: plain.iter().map(String::len).sum(),
                            plain,
                        },
                    ));
                    skeletons.len() - 1
                }
            };
            use_it(&skeletons[i].1)
        })
    }

    /// Append the text of a document of this shape, its `i`th string (in the order the text
    /// holds them) quoted as `quoted(i)` gives it. Members come in AWS's conventional order
    /// (`Version`, `Statement`; `Sid`, `Effect`, `Action`, `Resource`, `Condition`), as the
    /// insertion-ordered `Value` prints them.
    fn write<'q>(&self, out: &mut String, quoted: impl Fn(usize) -> &'q str) {
        let (pad, colon) = match self.layout {
            Layout::Compact => (None, ":"),
            Layout::Pretty(pad) => (Some(pad), ": "),
        };
        // A line break and the indent of `depth` levels, when pretty.
        let br = |out: &mut String, depth: usize| {
            if let Some(pad) = pad {
                json_text::push_line_break(out, pad + 2 * depth);
            }
        };
        // A quoted key and its colon.
        let key = |out: &mut String, quoted_key: &str| {
            out.push_str(quoted_key);
            out.push_str(colon);
        };
        // One item bare, several (or none) as an array: as the Value holds them.
        let one_or_list = |out: &mut String, items: std::ops::Range<usize>| match items.len() {
            0 => out.push_str("[]"),
            1 => out.push_str(quoted(items.start)),
            _ => {
                out.push('[');
                for i in items.clone() {
                    if i > items.start {
                        out.push(',');
                    }
                    br(out, 4);
                    out.push_str(quoted(i));
                }
                br(out, 3);
                out.push(']');
            }
        };
        // The strings in the order the text holds them: Sid, actions, resources, service.
        let sid = 0;
        let first_resource = 1 + self.actions;
        let service = first_resource + self.resources;
        out.push('{');
        br(out, 1);
        key(out, "\"Version\"");
        out.push_str("\"2012-10-17\",");
        br(out, 1);
        key(out, "\"Statement\"");
        out.push('[');
        br(out, 2);
        out.push('{');
        br(out, 3);
        key(out, "\"Sid\"");
        out.push_str(quoted(sid));
        out.push(',');
        br(out, 3);
        key(out, "\"Effect\"");
        out.push_str("\"Allow\",");
        br(out, 3);
        key(out, "\"Action\"");
        one_or_list(out, 1..first_resource);
        out.push(',');
        br(out, 3);
        key(out, "\"Resource\"");
        one_or_list(out, first_resource..service);
        if self.conditioned {
            out.push(',');
            br(out, 3);
            key(out, "\"Condition\"");
            out.push('{');
            br(out, 4);
            key(out, "\"StringEquals\"");
            out.push('{');
            br(out, 5);
            key(out, "\"iam:PassedToService\"");
            out.push_str(quoted(service));
            br(out, 4);
            out.push('}');
            br(out, 3);
            out.push('}');
        }
        br(out, 2);
        out.push('}');
        br(out, 1);
        out.push(']');
        br(out, 0);
        out.push('}');
    }
}

fn sid(action: &str) -> String {
    let mut s = String::with_capacity(5 + action.len());
    s.push_str("Allow");
    let mut up = true;
    for b in action.bytes() {
        if b.is_ascii_alphanumeric() {
            s.push(char::from(if up { b.to_ascii_uppercase() } else { b }));
            up = false;
        } else {
            up = true;
        }
    }
    s
}

/// An inline policy name from the action and the resource's name:
/// `awsplain-iam-PassRole-orders-task-role`. `put-role-policy` replaces a policy of the same
/// name, so a name per action alone would make the fix for one resource undo the fix for
/// another. IAM allows 128 characters of `[A-Za-z0-9+=,.@_-]`.
pub fn policy_name(action: &str, resource: Option<&str>) -> String {
    const MAX: usize = 128;
    let mut name = String::with_capacity(MAX);
    name.push_str("awsplain-");
    name.extend(
        action
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' }),
    );
    if let Some(part) = resource.and_then(resource_name) {
        name.push('-');
        let room = MAX.saturating_sub(name.len());
        name.extend(
            part.chars()
                .filter(|c| c.is_ascii_alphanumeric() || "+=,.@_-".contains(*c))
                .take(room),
        );
    }
    name
}

/// The name a resource ARN ends in (a bucket for S3), or `None` when it is masked or `*`.
fn resource_name(arn: &str) -> Option<&str> {
    let rest = arn_field(arn, 5).map(|_| {
        let at = memchr::memchr_iter(b':', arn.as_bytes())
            .nth(4)
            .map_or(arn.len(), |i| i + 1);
        &arn[at..]
    })?;
    let name = if arn_field(arn, 2) == Some("s3") {
        rest.split('/').next()?
    } else {
        rest.rsplit(['/', ':'])
            .find(|p| !p.is_empty() && *p != "*")?
    };
    (!name.is_empty() && !name.contains(['<', '>', '*', '{', '}', '$'])).then_some(name)
}

/// Quote for a POSIX shell when the word holds anything but plain characters.
pub fn shell_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    push_shell_quoted(&mut out, s);
    out
}

/// [`shell_quote`], appended to `out`.
pub fn push_shell_quoted(out: &mut String, s: &str) {
    let plain = |b: u8| b.is_ascii_alphanumeric() || b"@%+=:,./_-".contains(&b);
    if !s.is_empty() && s.bytes().all(plain) {
        out.push_str(s);
        return;
    }
    out.reserve(s.len() + 2);
    out.push('\'');
    let mut start = 0;
    for i in memchr::memchr_iter(b'\'', s.as_bytes()) {
        out.push_str(&s[start..i]);
        out.push_str(r"'\''");
        start = i + 1;
    }
    out.push_str(&s[start..]);
    out.push('\'');
}

/// `aws iam put-role-policy` / `put-user-policy` with the document (compact JSON) inline.
pub fn put_policy_command(identity: &Identity, name: &str, compact: &str) -> String {
    let mut out = command_head(identity, name);
    push_shell_quoted(&mut out, compact);
    out
}

/// The command up to the document.
fn command_head(identity: &Identity, name: &str) -> String {
    let (sub, flag) = match identity {
        Identity::User(_) => ("put-user-policy", "--user-name"),
        _ => ("put-role-policy", "--role-name"),
    };
    let mut out = String::with_capacity(768);
    for part in ["aws iam ", sub, " ", flag, " "] {
        out.push_str(part);
    }
    push_shell_quoted(&mut out, identity.name());
    out.push_str(" --policy-name ");
    push_shell_quoted(&mut out, name);
    out.push_str(" --policy-document ");
    out
}

/// Terraform and CloudFormation snippets that attach `doc` inline to the identity, as
/// (tool, snippet) sorted by tool.
pub fn snippets(identity: &Identity, name: &str, doc: &AllowText) -> [(&'static str, String); 2] {
    // (Terraform resource, its identity attribute padded to line up the `=`, CloudFormation
    // type, its identity property)
    let (tf_type, tf_attr, cfn_type, cfn_attr) = match identity {
        Identity::User(_) => (
            "aws_iam_user_policy",
            "user  ",
            "AWS::IAM::UserPolicy",
            "UserName",
        ),
        _ => (
            "aws_iam_role_policy",
            "role  ",
            "AWS::IAM::RolePolicy",
            "RoleName",
        ),
    };
    let who = json_text::quoted(identity.name());

    // The text before the document: some 200 bytes, and the room the document needs.
    let mut terraform = String::with_capacity(doc.written_len(Layout::Pretty(2)) + 256);
    for part in ["resource \"", tf_type, "\" \""] {
        terraform.push_str(part);
    }
    terraform.extend(name.chars().map(|c| {
        if c.is_ascii_alphanumeric() {
            c.to_ascii_lowercase()
        } else {
            '_'
        }
    }));
    for part in ["\" {\n  name   = \"", name, "\"\n  ", tf_attr, " = ", &who] {
        terraform.push_str(part);
    }
    terraform.push_str("\n  policy = jsonencode(");

    let mut cloudformation = String::with_capacity(doc.written_len(Layout::Pretty(6)) + 256);
    // The logical id: the name's alphanumeric words, each capitalised.
    for word in name.split(|c: char| !c.is_ascii_alphanumeric()) {
        let mut c = word.chars();
        if let Some(first) = c.next() {
            cloudformation.push(first.to_ascii_uppercase());
            cloudformation.push_str(c.as_str());
        }
    }
    for part in [
        ":\n  Type: ",
        cfn_type,
        "\n  Properties:\n    ",
        cfn_attr,
        ": ",
        &who,
        "\n    PolicyName: ",
        name,
        "\n    PolicyDocument:\n      ",
    ] {
        cloudformation.push_str(part);
    }

    // Text before the document, the document's layout, text after it.
    let finish = |mut head: String, layout: Layout, tail: &str| {
        let start = head.len();
        doc.write(&mut head, layout);
        // HCL reads JSON object syntax inside jsonencode(); `${` and `%{` would be templates.
        // Only the role and action names come from the text, so they are rarely there.
        if layout == Layout::Pretty(2) && has_hcl_template(&head[start..]) {
            let hcl_doc = head[start..].replace("${", "$${").replace("%{", "%%{");
            head.truncate(start);
            head.push_str(&hcl_doc);
        }
        head.push_str(tail);
        head
    };
    [
        (
            "cloudformation",
            finish(cloudformation, Layout::Pretty(6), "\n"),
        ),
        ("terraform", finish(terraform, Layout::Pretty(2), ")\n}\n")),
    ]
}

/// Whether `s` holds `${` or `%{`.
fn has_hcl_template(s: &str) -> bool {
    let b = s.as_bytes();
    memchr::memchr_iter(b'{', b).any(|i| i > 0 && matches!(b[i - 1], b'$' | b'%'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identities_from_principals() {
        assert_eq!(
            Identity::from_principal(Some(
                "arn:aws:sts::123456789012:assumed-role/Deployer/ci-run-7"
            )),
            Identity::Role("Deployer".into())
        );
        assert_eq!(
            Identity::from_principal(Some("arn:aws:iam::123456789012:user/team/alice")),
            Identity::User("alice".into())
        );
        assert_eq!(
            Identity::from_principal(Some("arn:aws:sts::123456789:assumed-role/[role]/[fn]")),
            Identity::Unknown
        );
        assert_eq!(
            Identity::from_principal(Some("arn:aws:iam::123456789012:root")),
            Identity::Root
        );
        let sso = Identity::from_principal(Some(
            "arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_DataEngineer_0123456789abcdef/jane@example.com",
        ));
        assert_eq!(
            sso,
            Identity::Sso("AWSReservedSSO_DataEngineer_0123456789abcdef".into())
        );
        assert_eq!(sso.permission_set(), Some("DataEngineer"));
        assert_eq!(Identity::from_principal(None), Identity::Unknown);
    }

    #[test]
    fn clean_and_redacted_arns() {
        assert!(is_clean_arn("arn:aws:iam::123456789012:role/app"));
        assert!(!is_clean_arn(
            "arn:aws:ssm:eu-west-2:<account id>:parameter/X"
        ));
        assert!(!is_clean_arn("arn:aws:kms:us-west-2:3915824****:key/abc"));
        assert!(!is_clean_arn("role app"));
        for odd_space in ["\u{b}", "\u{a0}", "\u{2003}", "\u{3000}"] {
            assert!(!is_clean_arn(&format!("arn:aws:s3:::a{odd_space}b")));
        }
        assert!(is_clean_arn("arn:aws:s3:::データ/é"));
        assert!(!is_clean_arn("arn:aws:s3::bucket"));
        assert!(looks_masked("arn:aws:iam::123456789012:role/xXxx"));
        assert!(!looks_masked("arn:aws:iam::123456789012:role/xxx-x"));
        assert_eq!(
            account_of("arn:aws:iam::123456789012:role/a:b"),
            Some("123456789012")
        );
        assert_eq!(account_of("arn:aws:iam::12345678901:role/a"), None);
        assert_eq!(
            account_of("arn:aws:iam::123456789012"),
            Some("123456789012")
        );
        assert!(is_clean_arn(
            "arn:aws:dynamodb:us-east-2:XXXXX:table/transactions"
        ));
        assert!(looks_masked(
            "arn:aws:dynamodb:us-east-2:XXXXX:table/transactions"
        ));
        assert!(looks_masked("arn:aws:sts::[ID]:federated-user/u"));
        assert!(!looks_masked("arn:aws:iam::123456789012:role/app"));
        assert!(!looks_masked("arn:aws:s3:::bucket/key"));
        let (r, ph) = resource_for(
            "ssm:GetParameters",
            Some("arn:aws:ssm:eu-west-2:<account id>:parameter/GOOGLE_ID"),
        );
        assert!(ph);
        assert_eq!(r, "arn:aws:ssm:eu-west-2:<ACCOUNT_ID>:parameter/GOOGLE_ID");
        assert_eq!(
            resource_for("s3:ListAllMyBuckets", None),
            ("*".to_string(), false)
        );
        let (r, _) = resource_for("dynamodb:Query", None);
        // Of the resource type the action takes, from the Service Authorization Reference.
        assert_eq!(
            r,
            "arn:aws:dynamodb:<REGION>:<ACCOUNT_ID>:table/<TABLE_NAME>"
        );
        assert_eq!(
            resource_for(
                "states:SendTaskFailure",
                Some("arn:aws:states:us-east-1:123456789012:activity:a")
            ),
            ("*".to_string(), false)
        );
        let (r, ph) = resource_for("dynamodb:GetItem", Some("arn:aws:dynamodb:us-east-1"));
        assert!(ph);
        assert_eq!(
            r,
            "arn:aws:dynamodb:us-east-1:<ACCOUNT_ID>:table/<TABLE_NAME>"
        );
        let (r, _) = resource_for(
            "kms:Decrypt",
            Some("arn:aws:kms:us-west-2:3915824****:key/*****-048e"),
        );
        assert_eq!(r, "arn:aws:kms:us-west-2:<ACCOUNT_ID>:key/<KEY_NAME>");
    }

    #[test]
    fn log_stream_arns_become_every_stream_of_the_group() {
        let streams = "arn:aws:logs:us-east-1:123456789012:log-group:/app/web:log-stream:*";
        let stream =
            "arn:aws:logs:us-east-1:123456789012:log-group:/app/web:log-stream:i-0abc/2026-11-28";
        assert_eq!(log_group_streams(stream).as_deref(), Some(streams));
        assert_eq!(
            log_stream_parts(stream),
            Some((&streams[..streams.len() - 1], "/app/web"))
        );
        assert_eq!(
            resource_for("logs:PutLogEvents", Some(stream)),
            (streams.to_string(), false)
        );
        let (r, ph) = resource_for(
            "logs:PutLogEvents",
            Some("arn:aws:logs:us-east-1:<account>:log-group:g:log-stream:s"),
        );
        assert!(ph);
        assert_eq!(
            r,
            "arn:aws:logs:us-east-1:<ACCOUNT_ID>:log-group:g:log-stream:*"
        );
        // The group, other logs ARNs and other services stay as they are.
        for arn in [
            "arn:aws:logs:us-east-1:123456789012:log-group:/app/web",
            "arn:aws:logs:us-east-1:123456789012:log-group:/app/web:*",
            "arn:aws:logs:us-east-1:123456789012:log-group::log-stream:s",
            "arn:aws:logs:us-east-1:123456789012:log-group:g:log-stream:",
            "arn:aws:s3:::bucket/log-group:g:log-stream:s",
        ] {
            assert_eq!(log_group_streams(arn), None, "{arn}");
        }
    }

    #[test]
    fn passed_to_service_from_service_and_operation_together() {
        use PassedTo::*;
        let settled = |p| Settled(p);
        assert_eq!(
            passed_to_service(Some("RunTask"), None, Some("lambda"), None),
            settled("ecs-tasks.amazonaws.com")
        );
        assert_eq!(
            passed_to_service(None, Some("ecs"), Some("states"), None),
            settled("ecs-tasks.amazonaws.com")
        );
        assert_eq!(
            passed_to_service(Some("CreateJob"), None, Some("s3control"), None),
            settled("batchoperations.s3.amazonaws.com")
        );
        assert_eq!(
            passed_to_service(Some("CreateJob"), None, Some("mediaconvert"), None),
            settled("mediaconvert.amazonaws.com")
        );
        assert_eq!(
            passed_to_service(Some("CreatePipeline"), None, Some("codepipeline"), None),
            settled("codepipeline.amazonaws.com")
        );
        // An operation several services have, and nothing else: the candidates, no choice.
        match passed_to_service(Some("CreateJob"), None, None, None) {
            Unsettled(likely) => {
                assert!(likely.contains(&"glue.amazonaws.com"));
                assert!(likely.contains(&"batchoperations.s3.amazonaws.com"));
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            passed_to_service(None, None, Some("bedrock"), None),
            settled("bedrock.amazonaws.com")
        );
        // Role names only suggest.
        assert_eq!(
            passed_to_service(
                None,
                None,
                None,
                Some("arn:aws:iam::1:role/ecsInstanceRole")
            ),
            Unsettled(vec!["ec2.amazonaws.com", "ecs-tasks.amazonaws.com"])
        );
        assert_eq!(
            passed_to_service(None, None, None, Some("arn:aws:iam::1:role/deployer")),
            Unsettled(vec![])
        );
    }

    /// `text` with every line after the first indented by `pad` spaces.
    fn indent(text: &str, pad: usize) -> String {
        text.replace('\n', &format!("\n{}", " ".repeat(pad)))
    }

    #[test]
    fn allow_text_is_what_serde_json_prints() {
        let one = ["arn:aws:iam::123456789012:role/a\"b\\c\u{1}\té".to_string()];
        let two = [one[0].clone(), "*".to_string()];
        for actions in [
            &["iam:PassRole"][..],
            &["s3:GetObject", "s3:PutObject"],
            &[],
        ] {
            for resources in [&one[..], &two, &[]] {
                for passed_to_service in [None, Some("ecs-tasks.amazonaws.com")] {
                    let doc = Allow {
                        actions: if actions.is_empty() { &["x"] } else { actions },
                        resources,
                        passed_to_service,
                    };
                    let v = doc.to_value();
                    let text = |layout| {
                        let mut s = String::new();
                        doc.write(&mut s, layout);
                        s
                    };
                    assert_eq!(text(Layout::Compact), v.to_string());
                    let pretty = serde_json::to_string_pretty(&v).unwrap();
                    for pad in [0, 2, 6, 40] {
                        assert_eq!(text(Layout::Pretty(pad)), indent(&pretty, pad));
                    }
                }
            }
        }
    }

    #[test]
    fn snippets_escape_hcl_templates_only_in_terraform() {
        let resources = ["arn:aws:s3:::b/${aws:username}/%{x}/$%{y}".to_string()];
        let doc = Allow {
            actions: &["s3:GetObject"],
            resources: &resources,
            passed_to_service: None,
        };
        let s = snippets(
            &Identity::Role("app".into()),
            "awsplain-s3-GetObject",
            &doc.text(),
        );
        let pretty = serde_json::to_string_pretty(&doc.to_value()).unwrap();
        let hcl = pretty.replace("${", "$${").replace("%{", "%%{");
        let tf_doc = indent(&hcl, 2);
        let [(cfn_tool, cfn), (tf_tool, tf)] = &s;
        assert_eq!([*cfn_tool, *tf_tool], ["cloudformation", "terraform"]);
        assert!(tf.contains(&format!("policy = jsonencode({tf_doc})\n}}\n")));
        assert!(tf.contains("b/$${aws:username}/%%{x}/$%%{y}"));
        let cfn_doc = indent(&pretty, 6);
        assert!(cfn.ends_with(&format!("PolicyDocument:\n      {cfn_doc}\n")));
        let cmd = put_policy_command(&Identity::User("a'b".into()), "n", &doc.text().compact());
        assert_eq!(
            cmd,
            format!(
                "aws iam put-user-policy --user-name 'a'\\''b' --policy-name n --policy-document '{}'",
                doc.to_value()
            )
        );
    }

    #[test]
    fn shell_quoting_survives_quotes() {
        assert_eq!(shell_quote("plain-name"), "plain-name");
        assert_eq!(shell_quote("<ROLE_NAME>"), "'<ROLE_NAME>'");
        assert_eq!(shell_quote("a'b"), r"'a'\''b'");
    }
}
