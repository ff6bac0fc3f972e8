//! The remedy catalog: what to do about each recognised error, in English and Japanese.
//!
//! [`remedies_for`] picks catalog entries for a record (authorization clauses first, then
//! credentials, throttling and the code/message selectors of the documents), fills their
//! `{{placeholders}}` from the record, and attaches the generated artifacts ([`artifacts`]).

pub mod artifacts;
pub mod catalog;
pub mod draft;
pub mod json_text;
pub mod policy;
pub mod sar;
mod shape;

use crate::record::{Deny, PolicyType, Record, Remedy};
use aho_corasick::automaton::StateID;
use draft::{Draft, Form, Text};
use std::borrow::Cow;
use std::sync::OnceLock;

/// Language of explanations. Ids, field names and JSON keys stay English in both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Lang {
    #[default]
    En,
    Ja,
}

/// Build the catalog's tables and the message phrases' automaton now rather than for the
/// first record: see [`crate::grammar::warm_up`].
pub fn warm_up(lang: Lang) {
    MessageSays::automaton();
    catalog::selectors();
    sar::warm_up();
    CatalogTexts::of(lang);
}

/// The remedies for a record, most specific first.
pub fn remedies_for(rec: &Record, lang: Lang) -> Vec<Remedy> {
    drafts_for(rec, lang, Form::Remedy)
        .into_iter()
        .map(Draft::into_remedy)
        .collect()
}

/// What a caller learnt from the failed resources themselves, beyond the text: with it,
/// remedies name real values where the text alone leaves placeholders. `awsplain why` fills
/// it from the task definition and the execution it looked up.
#[derive(Debug, Clone, Default)]
pub struct Known {
    /// The roles the failing call passes, by ARN: an ECS task definition's
    /// `executionRoleArn` and `taskRoleArn`. `iam-pass-role` lists them instead of the role
    /// in the text and a placeholder for the other.
    pub passed_roles: Vec<String>,
    /// The role that made the failing call (a state machine's role), for the policy's
    /// command when the text names no principal.
    pub caller: Option<String>,
    /// The failed Step Functions state's `Parameters`: `ecs-network-configuration` shows
    /// them with the block added.
    pub state_parameters: Option<serde_json::Value>,
    /// The CloudFormation resource that failed: logical id and type. Every remedy then
    /// starts by saying where in the template the fix goes.
    pub stack_resource: Option<(String, String)>,
}

/// [`remedies_for`] with what the caller knows from the resources. Not cached: the cache keys
/// on the record's fields alone.
pub fn remedies_with(rec: &Record, lang: Lang, known: &Known) -> Vec<Remedy> {
    drafts_with(rec, lang, Form::Remedy, Some(known))
        .into_iter()
        .map(Draft::into_remedy)
        .collect()
}

/// Where a CloudFormation fix goes: the resource of the template that failed.
fn stack_resource_step(lang: Lang, logical: &str, ty: &str) -> Text {
    Cow::Owned(match lang {
        Lang::En => format!("The stack's resource `{logical}` ({ty}) failed: make the change below to it (or to what it uses) in the template, then update the stack"),
        Lang::Ja => format!("スタックのリソース `{logical}` ({ty}) が失敗しました。テンプレートのこのリソース(またはそれが使うもの)に以下の変更を加えてから、スタックを更新してください"),
    })
}

/// [`remedies_for`] as drafts: what the JSON printer writes without making the structs.
fn drafts_for(rec: &Record, lang: Lang, form: Form) -> Vec<Draft> {
    drafts_with(rec, lang, form, None)
}

fn drafts_with(rec: &Record, lang: Lang, form: Form, known: Option<&Known>) -> Vec<Draft> {
    let mut facts = Facts::of(rec);
    if let Some(k) = known {
        facts.known = Some(k);
        if facts.identity == policy::Identity::Unknown {
            facts.identity = policy::Identity::from_principal(k.caller.as_deref());
        }
    }
    let vars = Vars::of(rec, &facts);
    let entries = catalog::entries(lang);
    let texts = CatalogTexts::of(lang);
    select(rec, &facts)
        .into_iter()
        .filter_map(|id| {
            let i = catalog::index_of(id)?;
            let text = &texts[i];
            // Room for the steps attach adds, so that the vector does not grow.
            let mut steps = Vec::with_capacity(text.steps.len() + 6);
            steps.extend(text.steps.iter().map(|s| s.fill(&vars)));
            let mut r = Draft::new(
                form,
                entries[i].id,
                squeeze_whitespace(text.title.fill(&vars)),
                text.explanation.fill(&vars),
                steps,
            );
            artifacts::attach(&mut r, rec, &facts, lang);
            if let Some((logical, ty)) = known.and_then(|k| k.stack_resource.as_ref()) {
                r.steps.insert(0, stack_resource_step(lang, logical, ty));
            }
            Some(r)
        })
        .collect()
}

/// [`remedies_for`], remembering the remedies of the last hundred or so distinct records seen
/// on this thread. Logs repeat the same error many times, and building remedies (policies,
/// commands, snippets) costs more than finding the error. Only the fields remedies are built
/// from make the key; request ids, positions and the format do not.
pub fn remedies_for_cached(rec: &Record, lang: Lang) -> Vec<Remedy> {
    if too_large_to_cache(&remedy_inputs(rec)) {
        return remedies_for(rec, lang);
    }
    with_cached(rec, lang, |c| {
        c.remedies
            .get_or_insert_with(|| remedies_for(rec, lang))
            .clone()
    })
}

/// Append the JSON array of the remedies [`remedies_for_cached`] gives, as
/// [`crate::json::write_remedies`] writes it, from the same cache: a repeated error costs a copy
/// of bytes instead of building and escaping kilobytes of text again.
///
/// Records that differ from one seen before only in account ids or role session names are
/// written from that record's remedies with the values swapped ([`shape`]).
pub fn remedies_json_cached(rec: &Record, lang: Lang, out: &mut Vec<u8>) {
    shape::write(rec, lang, out)
}

/// The JSON array of `rec`'s remedies, built from scratch (from drafts: the printer never
/// needs the `Remedy` structs).
fn render_json(rec: &Record, lang: Lang, out: &mut Vec<u8>) {
    crate::json::write_drafts(&drafts_for(rec, lang, Form::Json), out);
}

/// Remedy inputs longer than this (all texts together) are not cached: the caches keep a
/// hundred or so entries per thread, and an entry holds its inputs and remedies, where every
/// ARN shows up several times over; a record with a 200 KB resource (garbage after an ARN)
/// would make megabytes of each. Real errors are far shorter.
const MAX_CACHED_INPUTS: usize = 4 * 1024;

/// Cached remedies larger than this (as JSON) are written but not kept.
const MAX_CACHED_JSON: usize = 16 * 1024;

fn too_large_to_cache((texts, ..): &RemedyInputs) -> bool {
    texts.iter().flatten().map(|t| t.len()).sum::<usize>() > MAX_CACHED_INPUTS
}

/// [`remedies_json_cached`] through the cache of exact inputs only.
fn write_exact(rec: &Record, lang: Lang, out: &mut Vec<u8>) {
    with_cached(rec, lang, |c| match &c.json {
        Some(json) => out.extend_from_slice(json),
        None => {
            let from = out.len();
            render_json(rec, lang, out);
            if out.len() - from <= MAX_CACHED_JSON {
                c.json = Some(out[from..].to_vec());
            }
        }
    })
}

/// One record's remedies as the cache keeps them, each form made when first asked for.
struct Cached {
    lang: Lang,
    inputs: Inputs,
    remedies: Option<Vec<Remedy>>,
    json: Option<Vec<u8>>,
    /// Asked for since the cache last made room.
    used: bool,
}

fn with_cached<T>(rec: &Record, lang: Lang, use_entry: impl FnOnce(&mut Cached) -> T) -> T {
    use std::cell::RefCell;
    use std::collections::HashMap;
    use std::hash::{Hash, Hasher};
    // The key is hashed once per record and is not chosen by an attacker who could profit
    // from collisions (a collision costs a rebuild): a fast hash beats SipHash here.
    type Map = HashMap<u64, Cached, rustc_hash::FxBuildHasher>;
    thread_local! {
        /// Hash of the inputs → the entry of the last record with that hash.
        static CACHE: RefCell<Map> = RefCell::new(Map::default());
    }
    // A few KiB a record with its remedies, on each scanning thread: memory stays small.
    const MAX_ENTRIES: usize = 128;
    let inputs = remedy_inputs(rec);
    let mut h = rustc_hash::FxHasher::default();
    lang.hash(&mut h);
    inputs.hash(&mut h);
    let key = h.finish();
    CACHE.with(|cache| {
        let mut cache = cache.borrow_mut();
        if let Some(c) = cache.get_mut(&key) {
            if c.lang == lang && c.inputs.holds(&inputs) {
                c.used = true;
                return use_entry(c);
            }
        }
        if cache.len() >= MAX_ENTRIES && !cache.contains_key(&key) {
            // Records that recur keep their entries; those seen once (a unique role or
            // request in the message) make room. When most recur, all go.
            cache.retain(|_, c| std::mem::take(&mut c.used));
            if cache.len() >= MAX_ENTRIES / 2 {
                cache.clear();
            }
        }
        let fresh = Cached {
            lang,
            inputs: Inputs::of(&inputs),
            remedies: None,
            json: None,
            used: false,
        };
        use std::collections::hash_map::Entry;
        let c = match cache.entry(key) {
            // A hash shared with other inputs (rare): the new record takes their place.
            Entry::Occupied(mut o) => {
                o.insert(fresh);
                o.into_mut()
            }
            Entry::Vacant(v) => v.insert(fresh),
        };
        use_entry(c)
    })
}

/// Every field of a record that remedies are built from.
type RemedyInputs<'r> = (
    [Option<&'r str>; 11],
    Option<u16>,
    Option<Deny>,
    Option<PolicyType>,
);

/// The fields of [`RemedyInputs`] past its texts.
type RestInputs = (Option<u16>, Option<Deny>, Option<PolicyType>);

fn remedy_inputs(r: &Record) -> RemedyInputs<'_> {
    (
        [
            r.error_code.as_deref(),
            r.wrapper_code.as_deref(),
            r.service.as_deref(),
            r.operation.as_deref(),
            r.message.as_deref(),
            r.principal.as_deref(),
            r.action.as_deref(),
            r.resource.as_deref(),
            r.policy_arn.as_deref(),
            r.encoded_message.as_deref(),
            r.authorization_id.as_deref(),
        ],
        r.status_code,
        r.deny,
        r.policy_type,
    )
}

/// A record with only the fields [`remedy_inputs`] reads, as `texts` (in its order) and the rest.
fn record_of(texts: [Option<String>; 11], (status_code, deny, policy_type): RestInputs) -> Record {
    let [error_code, wrapper_code, service, operation, message, principal, action, resource, policy_arn, encoded_message, authorization_id] =
        texts;
    Record {
        error_code,
        wrapper_code,
        service,
        operation,
        message,
        principal,
        action,
        resource,
        policy_arn,
        encoded_message,
        authorization_id,
        status_code,
        deny,
        policy_type,
        ..Record::default()
    }
}

/// [`RemedyInputs`] owned, for the cache: the texts in one buffer rather than a copy of the
/// record.
struct Inputs {
    texts: String,
    /// Where each text ends in `texts`; `None` where the record has none.
    ends: [Option<u32>; 11],
    rest: RestInputs,
}

impl Inputs {
    fn of((fields, status, deny, policy_type): &RemedyInputs) -> Inputs {
        let mut texts = String::with_capacity(fields.iter().flatten().map(|t| t.len()).sum());
        let ends = fields.map(|f| {
            f.map(|t| {
                texts.push_str(t);
                u32::try_from(texts.len()).unwrap_or(u32::MAX)
            })
        });
        Inputs {
            texts,
            ends,
            rest: (*status, *deny, *policy_type),
        }
    }

    /// Whether these are `inputs`.
    fn holds(&self, (fields, status, deny, policy_type): &RemedyInputs) -> bool {
        if self.rest != (*status, *deny, *policy_type) {
            return false;
        }
        let mut start = 0;
        self.ends
            .iter()
            .zip(fields)
            .all(|(end, field)| match (end, field) {
                (Some(end), Some(text)) => {
                    let end = *end as usize;
                    let same = self.texts.get(start..end) == Some(*text);
                    start = end;
                    same
                }
                (None, None) => true,
                _ => false,
            })
    }
}

/// The catalog entry a user asks `explain` about: a remedy id or an error code.
pub fn lookup(topic: &str, lang: Lang) -> Option<&'static catalog::Entry> {
    if let Some(e) = catalog::get(topic, lang) {
        return Some(e);
    }
    let rec = Record {
        error_code: Some(topic.to_string()),
        ..Record::default()
    };
    let facts = Facts::of(&rec);
    let id = select(&rec, &facts).into_iter().next()?;
    (id != "generic-aws-error")
        .then(|| catalog::get(id, lang))
        .flatten()
}

/// A catalog text with its `{{placeholders}}` shown as the names the user fills in.
pub fn fill_placeholders(text: &str) -> String {
    Template::parse(text).fill(&Vars::default()).into_owned()
}

/// What selection needs to know about a record, normalised once.
#[derive(Debug, Default)]
pub struct Facts<'r> {
    /// Codes to compare: error code, wrapper code, and each without a service prefix.
    pub codes: Vec<String>,
    /// The service of the failed call, normalised (`AmazonECS` → `ecs`).
    pub service: Option<String>,
    /// The service named by a Step Functions style wrapper (`ECS.AccessDeniedException` → `ecs`).
    pub wrapper_service: Option<String>,
    /// The message as the record has it: compared without regard to ASCII case.
    pub message: &'r str,
    pub action: &'r str,
    /// The role or user the principal names, for policies and commands.
    pub identity: policy::Identity,
    /// What the caller knows from the resources ([`remedies_with`]).
    pub known: Option<&'r Known>,
}

/// Prefixes Step Functions and SDK integrations put in front of a service's own code.
const SERVICE_PREFIXES: &[&str] = &[
    "lambda",
    "ecs",
    "ec2",
    "dynamodb",
    "sns",
    "sqs",
    "glue",
    "batch",
    "sagemaker",
    "athena",
    "eks",
    "emr",
    "stepfunctions",
    "states",
    "bedrock",
    "eventbridge",
    "apigateway",
    "s3",
    "sts",
    "iam",
    "kms",
    "secretsmanager",
    "ssm",
    "codebuild",
    "ecr",
    "cloudformation",
    "logs",
];

impl<'r> Facts<'r> {
    pub fn of(rec: &'r Record) -> Facts<'r> {
        let mut codes = Vec::new();
        let mut wrapper_service = None;
        for c in [&rec.error_code, &rec.wrapper_code].into_iter().flatten() {
            let c = c.trim();
            codes.push(c.to_ascii_lowercase());
            if let Some((pre, rest)) = c.split_once('.') {
                let pre_l = normalize_service(pre);
                if SERVICE_PREFIXES.contains(&pre_l.as_str()) && !rest.is_empty() {
                    codes.push(rest.to_ascii_lowercase());
                    if pre_l != "states" {
                        wrapper_service.get_or_insert(pre_l);
                    }
                }
            }
        }
        let action = rec.action.as_deref().unwrap_or_default();
        let service = rec
            .service
            .as_deref()
            .map(normalize_service)
            .or_else(|| wrapper_service.clone())
            .or_else(|| action.split_once(':').map(|(s, _)| normalize_service(s)))
            .or_else(|| arn_service(rec.resource.as_deref()))
            .or_else(|| {
                rec.operation
                    .as_deref()
                    .and_then(service_of_operation)
                    .map(String::from)
            });
        Facts {
            codes,
            service,
            wrapper_service,
            message: rec.message.as_deref().unwrap_or_default(),
            action,
            identity: policy::Identity::from_principal(rec.principal.as_deref()),
            known: None,
        }
    }

    fn has_code(&self, code: &str) -> bool {
        self.codes.iter().any(|c| c.eq_ignore_ascii_case(code))
    }

    fn service_is(&self, s: &str) -> bool {
        self.service.as_deref() == Some(s)
    }
}

fn arn_service(arn: Option<&str>) -> Option<String> {
    let s = arn?.strip_prefix("arn:")?.split(':').nth(1)?;
    (!s.is_empty()).then(|| normalize_service(s))
}

fn service_of_operation(op: &str) -> Option<&'static str> {
    Some(match op {
        "RunTask"
        | "StartTask"
        | "DescribeTasks"
        | "CreateService"
        | "UpdateService"
        | "DescribeServices"
        | "RegisterTaskDefinition" => "ecs",
        "Invoke" | "CreateFunction" | "UpdateFunctionCode" | "UpdateFunctionConfiguration" => {
            "lambda"
        }
        "GetItem" | "PutItem" | "UpdateItem" | "DeleteItem" | "Query" | "Scan"
        | "BatchWriteItem" | "BatchGetItem" | "DescribeTable" | "TransactWriteItems" => "dynamodb",
        "RunInstances" | "DescribeInstances" => "ec2",
        "GetObject" | "PutObject" | "HeadObject" | "ListObjectsV2" | "ListBuckets"
        | "CreateBucket" | "HeadBucket" => "s3",
        "AssumeRole" | "AssumeRoleWithWebIdentity" | "AssumeRoleWithSAML" | "GetCallerIdentity" => {
            "sts"
        }
        "GetSecretValue" => "secretsmanager",
        "GetParameter" | "GetParameters" | "GetParametersByPath" => "ssm",
        "SendMessage" | "ReceiveMessage" | "GetQueueUrl" => "sqs",
        "Publish" => "sns",
        "Encrypt" | "Decrypt" | "GenerateDataKey" => "kms",
        "StartExecution" => "states",
        "CreateStack" | "UpdateStack" | "DescribeStacks" | "ListStackResources" => "cloudformation",
        "PutLogEvents" | "CreateLogGroup" | "CreateLogStream" => "logs",
        _ => return None,
    })
}

/// `AmazonECS`, `Amazon S3`, `AWSLambda`, `s3.amazonaws.com`, `AWSSecurityTokenService` → short keys.
pub fn normalize_service(s: &str) -> String {
    // `.amazonaws.com` in any case, as often as it ends the name.
    const SUFFIX: &str = ".amazonaws.com";
    let mut s = s.trim().as_bytes();
    while s.len() >= SUFFIX.len()
        && s[s.len() - SUFFIX.len()..].eq_ignore_ascii_case(SUFFIX.as_bytes())
    {
        s = &s[..s.len() - SUFFIX.len()];
    }
    let mut k = String::with_capacity(s.len());
    k.extend(
        s.iter()
            .filter(|b| b.is_ascii_alphanumeric())
            .map(|b| char::from(b.to_ascii_lowercase())),
    );
    const ALIASES: &[(&str, &str)] = &[
        ("securitytokenservice", "sts"),
        ("identitymanagement", "iam"),
        ("keymanagementservice", "kms"),
        ("simplesystemsmanagement", "ssm"),
        ("elasticcontainerservice", "ecs"),
        ("elasticcontainerregistry", "ecr"),
        ("lambdainternal", "lambda"),
        ("stepfunctions", "states"),
        ("sfn", "states"),
        ("dynamodbv2", "dynamodb"),
        ("cloudwatchlogs", "logs"),
        ("cloudwatchevents", "events"),
        ("eventbridge", "events"),
        ("emr", "elasticmapreduce"),
        ("simpleemailservice", "ses"),
        ("simplenotificationservice", "sns"),
        ("simplequeueservice", "sqs"),
    ];
    // What is left of `k` once prefixes are dropped.
    let mut start = 0;
    for _ in 0..2 {
        if let Some((_, v)) = ALIASES.iter().find(|(a, _)| *a == &k[start..]) {
            return v.to_string();
        }
        for pre in ["amazon", "aws"] {
            if k[start..].len() > pre.len() && k[start..].starts_with(pre) {
                start += pre.len();
                break;
            }
        }
    }
    k.replace_range(..start, "");
    k
}

/// What a (lowercase) message says: which groups of telling phrases and which catalog
/// entries' `match` selectors it contains, found in one pass over it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct MessageSays {
    groups: u32,
    entries: EntrySet,
}

/// A set of catalog entries, by their index in the catalog.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct EntrySet(u128);

impl EntrySet {
    /// Room for this many entries: [`catalog::entries`] checks the catalog fits.
    pub const CAPACITY: usize = 128;

    pub fn insert(&mut self, i: usize) {
        self.0 |= 1 << i;
    }

    pub fn contains(&self, i: usize) -> bool {
        self.0 & (1 << i) != 0
    }

    pub fn union(self, other: EntrySet) -> EntrySet {
        EntrySet(self.0 | other.0)
    }

    /// The entries in the set, in catalog order.
    pub fn iter(self) -> impl Iterator<Item = usize> {
        let mut rest = self.0;
        std::iter::from_fn(move || {
            let i = rest.trailing_zeros() as usize;
            rest &= rest.checked_sub(1)?;
            Some(i)
        })
    }
}

/// What an automaton pattern of [`MessageSays`] stands for.
#[derive(Clone, Copy)]
enum Phrase {
    Group(usize),
    Entry(usize),
}

impl MessageSays {
    const EXPIRED: usize = 0;
    const SIGNATURE: usize = 1;
    const INVALID: usize = 2;
    const MISSING: usize = 3;
    const THROTTLED: usize = 4;
    const QUOTA: usize = 5;
    const NETWORK_CONFIGURATION: usize = 6;
    const CONCURRENT: usize = 7;
    /// Phrase groups, indexed by the constants above.
    const GROUPS: [&'static [&'static str]; 8] = [
        &[
            "security token included in the request is expired",
            "token has expired",
            "sso session associated with this profile has expired",
        ],
        &[
            "signature expired",
            "signature we calculated does not match",
        ],
        &["security token included in the request is invalid"],
        &[
            "unable to locate credentials",
            "could not load credentials",
            "no valid credential sources",
            "missing authentication token",
            "nocredentialproviders",
        ],
        &[
            "rate exceeded",
            "request limit exceeded",
            "too many requests",
        ],
        &["limit exceeded", "quota exceeded"],
        &["network configuration must be provided"],
        &["concurrent"],
    ];

    /// The phrases' automaton, what each pattern stands for, and the longest phrase's length.
    fn automaton() -> &'static (aho_corasick::dfa::DFA, Vec<Phrase>, usize) {
        use aho_corasick::dfa::DFA;
        static AC: OnceLock<(DFA, Vec<Phrase>, usize)> = OnceLock::new();
        AC.get_or_init(|| {
            let mut pats = Vec::new();
            let mut phrases = Vec::new();
            for (g, group) in Self::GROUPS.iter().enumerate() {
                for p in *group {
                    pats.push(p.to_string());
                    phrases.push(Phrase::Group(g));
                }
            }
            for (i, e) in catalog::entries(Lang::En).iter().enumerate() {
                for m in &e.matches {
                    pats.push(m.to_ascii_lowercase());
                    phrases.push(Phrase::Entry(i));
                }
            }
            // Lowercase phrases, for messages lowercased as they are read (an automaton for any
            // case costs half as much again to build, and no less to run). Without a prefilter
            // the only special states are match states: the messages are short, and English
            // prose keeps entering the phrases' prefixes, which defeats prefilters.
            let longest = pats.iter().map(String::len).max().unwrap_or(1);
            let dfa = DFA::builder()
                .prefilter(false)
                .build(pats)
                .expect("phrases build");
            (dfa, phrases, longest)
        })
    }

    /// Whether a phrase found in `msg` (as [`MessageSays::of`] finds them) takes in part of
    /// `msg[start..end]`, a name after a `/` (no phrase holds a `/`, so none begins before).
    fn touches(msg: &str, start: usize, end: usize) -> bool {
        use aho_corasick::automaton::Automaton;
        use aho_corasick::Anchored;
        let (dfa, ..) = Self::automaton();
        let start_state = dfa
            .start_state(Anchored::No)
            .expect("an unanchored automaton");
        let mut sid = start_state;
        for (i, &b) in msg.as_bytes()[start..].iter().enumerate() {
            let at = start + i;
            // Past the name, back at the start state: no phrase begun in the name goes on.
            if at >= end && sid == start_state {
                return false;
            }
            sid = dfa.next_state(
                Anchored::No,
                sid,
                crate::automaton::ASCII_LOWER[usize::from(b)],
            );
            if dfa.is_match(sid) {
                let ends_at = at + 1;
                let begins_in_name = (0..dfa.match_len(sid))
                    .any(|k| ends_at - dfa.pattern_len(dfa.match_pattern(sid, k)) < end);
                if begins_in_name {
                    return true;
                }
            }
        }
        false
    }

    /// What `msg` says, in any ASCII case.
    fn of(msg: &str) -> MessageSays {
        use aho_corasick::automaton::Automaton;
        use aho_corasick::Anchored;
        let (dfa, phrases, longest) = Self::automaton();
        let mut says = MessageSays {
            groups: 0,
            entries: EntrySet::default(),
        };
        // Walked with the automaton itself, tighter than the searcher's loop. Without a
        // prefilter, special states are match states (an unanchored DFA never dies).
        let start = dfa
            .start_state(Anchored::No)
            .expect("an unanchored automaton");
        let hay = msg.as_bytes();
        // A long message is walked as two halves at once (see the anchor walk): the second
        // from `longest - 1` bytes before the middle, where every phrase ending in it starts.
        // What the message says is a set: phrases seen twice are fine.
        match crate::automaton::split_for_two_walks(hay.len(), *longest) {
            Some((mid, second)) => crate::automaton::walk_two::<true>(
                dfa,
                start,
                &hay[..mid],
                &hay[second..],
                |_, _, s| says.note(dfa, phrases, s),
            ),
            None => crate::automaton::walk_one::<true>(dfa, start, hay, |_, s| {
                says.note(dfa, phrases, s)
            }),
        }
        says
    }

    /// Note the phrases that end where the automaton entered `sid`: all of them, as an
    /// overlapping search would. Kept out of the search loop, which it would slow down.
    #[inline(never)]
    fn note(&mut self, dfa: &aho_corasick::dfa::DFA, phrases: &[Phrase], sid: StateID) {
        use aho_corasick::automaton::Automaton;
        if !dfa.is_match(sid) {
            return;
        }
        for k in 0..dfa.match_len(sid) {
            match phrases[dfa.match_pattern(sid, k).as_usize()] {
                Phrase::Group(g) => self.groups |= 1 << g,
                Phrase::Entry(i) => self.entries.insert(i),
            }
        }
    }

    fn has(&self, group: usize) -> bool {
        self.groups & (1 << group) != 0
    }
}

const CREDENTIALS_EXPIRED: &[&str] = &[
    "ExpiredToken",
    "ExpiredTokenException",
    "TokenRefreshRequired",
    "InvalidToken.Expired",
];
const CREDENTIALS_INVALID: &[&str] = &[
    "InvalidClientTokenId",
    "UnrecognizedClientException",
    "InvalidAccessKeyId",
    "AuthFailure",
    "InvalidToken",
    "InvalidSignatureException",
    "IncompleteSignature",
];
const CREDENTIALS_SIGNATURE: &[&str] = &[
    "SignatureDoesNotMatch",
    "RequestExpired",
    "RequestTimeTooSkewed",
    "InvalidSignatureException",
];
const CREDENTIALS_MISSING: &[&str] = &[
    "MissingAuthenticationToken",
    "MissingAuthenticationTokenException",
    "NoCredentialProviders",
    "CredentialsProviderError",
    "NoCredentialsError",
];
const THROTTLING: &[&str] = &[
    "ThrottlingException",
    "Throttling",
    "TooManyRequestsException",
    "RequestLimitExceeded",
    "ProvisionedThroughputExceededException",
    "ProvisionedThroughputExceeded",
    "SlowDown",
    "RequestThrottled",
    "RequestThrottledException",
    "ThrottledException",
    "TooManyRequests",
    "BandwidthLimitExceeded",
    "PriorRequestNotComplete",
    "EC2ThrottledException",
    "TransactionInProgressException",
];
const QUOTA: &[&str] = &[
    "LimitExceededException",
    "LimitExceeded",
    "ServiceQuotaExceededException",
    "VcpuLimitExceeded",
    "InstanceLimitExceeded",
    "CodeStorageExceededException",
    "TooManyBuckets",
];
const ACCESS_DENIED: &[&str] = &[
    "AccessDenied",
    "AccessDeniedException",
    "UnauthorizedOperation",
    "AuthorizationError",
    "AuthorizationErrorException",
    "NotAuthorized",
    "UnauthorizedException",
    "Forbidden",
    "AccessDeniedForDependencyException",
    "KMSAccessDeniedException",
];

/// The code lists above, by name.
#[derive(Debug, Clone, Copy)]
enum CodeList {
    Expired,
    Signature,
    Invalid,
    Missing,
    Throttling,
    Quota,
    AccessDenied,
}

impl CodeList {
    const ALL: [CodeList; 7] = [
        CodeList::Expired,
        CodeList::Signature,
        CodeList::Invalid,
        CodeList::Missing,
        CodeList::Throttling,
        CodeList::Quota,
        CodeList::AccessDenied,
    ];

    fn codes(self) -> &'static [&'static str] {
        match self {
            CodeList::Expired => CREDENTIALS_EXPIRED,
            CodeList::Signature => CREDENTIALS_SIGNATURE,
            CodeList::Invalid => CREDENTIALS_INVALID,
            CodeList::Missing => CREDENTIALS_MISSING,
            CodeList::Throttling => THROTTLING,
            CodeList::Quota => QUOTA,
            CodeList::AccessDenied => ACCESS_DENIED,
        }
    }

    /// The lists that hold one of `codes` (lowercase), a bit per list (`1 << list as u8`):
    /// one lookup per code instead of comparing with every listed code.
    fn holding(codes: &[String]) -> u8 {
        type Map = std::collections::HashMap<String, u8, rustc_hash::FxBuildHasher>;
        static LISTS: OnceLock<Map> = OnceLock::new();
        let lists = LISTS.get_or_init(|| {
            let mut m = Map::default();
            for list in CodeList::ALL {
                for code in list.codes() {
                    *m.entry(code.to_ascii_lowercase()).or_default() |= 1 << list as u8;
                }
            }
            m
        });
        codes
            .iter()
            .filter_map(|c| lists.get(c.as_str()))
            .fold(0, |all, bits| all | bits)
    }
}

/// The ids of the remedies for a record, most specific first, without duplicates.
fn select(rec: &Record, f: &Facts) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    let msg = f.message;
    let in_lists = CodeList::holding(&f.codes);
    let any_code = |list: CodeList| in_lists & (1 << list as u8) != 0;

    let said = MessageSays::of(msg);
    if said.has(MessageSays::NETWORK_CONFIGURATION) {
        push(&mut out, "ecs-network-configuration");
    }

    // Authorization: the reason clause decides.
    let explicit = rec.deny == Some(Deny::Explicit);
    if !f.action.is_empty() || rec.policy_type.is_some() || rec.deny.is_some() {
        match rec.policy_type {
            // An explicit Deny wins over every Allow: no entry that adds one may answer it.
            Some(
                PolicyType::PermissionsBoundary
                | PolicyType::Session
                | PolicyType::VpcEndpoint
                | PolicyType::ResourceBased,
            ) if explicit => push(&mut out, "explicit-deny-policy"),
            Some(PolicyType::ServiceControl) => push(&mut out, "scp-explicit-deny"),
            Some(PolicyType::ResourceControl) => push(&mut out, "rcp-explicit-deny"),
            Some(PolicyType::PermissionsBoundary) => push(&mut out, "permissions-boundary"),
            Some(PolicyType::Session) => push(&mut out, "session-policy"),
            Some(PolicyType::VpcEndpoint) => push(&mut out, "vpc-endpoint-policy"),
            Some(PolicyType::ResourceBased) => {
                if f.service_is("kms") {
                    push(&mut out, "kms-key-policy")
                } else if starts_with_ignore_case(f.action, "sts:assumerole") {
                    push(&mut out, "assume-role-trust")
                } else {
                    push(&mut out, "resource-based-policy")
                }
            }
            // No identity policy reaches the root user: its denials come from elsewhere.
            Some(PolicyType::IdentityBased) | None if f.identity == policy::Identity::Root => {
                push(&mut out, "root-user-denied")
            }
            Some(PolicyType::IdentityBased) | None => {
                if explicit {
                    push(&mut out, "explicit-deny-identity");
                } else if f.action.eq_ignore_ascii_case("iam:passrole") {
                    push(&mut out, "iam-pass-role");
                } else if starts_with_ignore_case(f.action, "sts:assumerole") {
                    push(&mut out, "assume-role-trust");
                } else if f.action.contains(':') {
                    push(&mut out, "iam-allow-action");
                }
            }
        }
    }
    if rec.encoded_message.is_some() {
        push(&mut out, "decode-authorization-message");
    }
    if rec.authorization_id.is_some() {
        push(&mut out, "authorization-details");
    }

    // Credentials.
    if any_code(CodeList::Expired) || said.has(MessageSays::EXPIRED) {
        push(&mut out, "credentials-expired");
    }
    if any_code(CodeList::Signature) || said.has(MessageSays::SIGNATURE) {
        push(&mut out, "credentials-signature");
    }
    if any_code(CodeList::Invalid) || said.has(MessageSays::INVALID) {
        push(&mut out, "credentials-invalid");
    }
    if any_code(CodeList::Missing) || said.has(MessageSays::MISSING) {
        push(&mut out, "credentials-missing");
    }

    // Throttling: the specific entry first, then the general backoff advice.
    let throttled = any_code(CodeList::Throttling) || said.has(MessageSays::THROTTLED);
    if throttled {
        if f.has_code("ProvisionedThroughputExceededException")
            || f.has_code("ProvisionedThroughputExceeded")
        {
            push(&mut out, "dynamodb-throughput");
        }
        if f.has_code("TooManyRequestsException") && f.service_is("lambda")
            || said.has(MessageSays::CONCURRENT) && f.service_is("lambda")
        {
            push(&mut out, "lambda-concurrency");
        }
        if f.has_code("SlowDown") {
            push(&mut out, "s3-slow-down");
        }
        push(&mut out, "throttling-backoff");
    }

    // S3 answers HEAD requests with a bare status and no code or body; .NET and PowerShell
    // name only the SDK's class (`AmazonS3Exception`) over S3's own message.
    let no_api_code = f.codes.iter().all(|c| {
        c.eq_ignore_ascii_case("AmazonS3Exception") || c.eq_ignore_ascii_case("S3Exception")
    });
    if no_api_code && f.service_is("s3") {
        let msg = msg.trim();
        if rec.status_code == Some(404) || msg.eq_ignore_ascii_case("not found") {
            push(&mut out, "s3-no-such-key");
        } else if rec.status_code == Some(403)
            || msg.eq_ignore_ascii_case("forbidden")
            || msg.eq_ignore_ascii_case("access denied")
        {
            push(&mut out, "s3-access-denied");
        }
    }

    // The document selectors: message matches beat service-qualified codes beat bare codes.
    let mut best = 0;
    let mut picked: Vec<&'static str> = Vec::new();
    let code_hits = catalog::selectors().code_hits(&f.codes);
    let entries = catalog::entries(Lang::En);
    // Only entries with a hit can score; they come in catalog order.
    for i in said.entries.union(code_hits).iter() {
        let e = &entries[i];
        let score = if said.entries.contains(i) {
            3
        } else if code_hits.contains(i) {
            match (&f.service, e.services.is_empty()) {
                (_, true) => 1,
                (Some(s), false) if e.services.contains(&s.as_str()) => 2,
                _ => 0,
            }
        } else {
            0
        };
        if score > best {
            best = score;
            picked.clear();
        }
        if score == best && score > 0 {
            picked.push(e.id);
        }
    }
    for id in picked {
        push(&mut out, id);
    }

    if any_code(CodeList::Quota) || said.has(MessageSays::QUOTA) {
        push(&mut out, "quota-increase");
    }
    // A bare access-denied code: nothing above said which policy, so advise how to find out.
    let only_followups = out.iter().all(|id| {
        matches!(
            *id,
            "decode-authorization-message" | "authorization-details"
        )
    });
    if only_followups && any_code(CodeList::AccessDenied) {
        let id = if f.has_code("UnauthorizedOperation") || f.service_is("ec2") {
            "ec2-unauthorized-operation"
        } else if f.service_is("s3") {
            "s3-access-denied"
        } else {
            "access-denied"
        };
        push(&mut out, id);
    }
    if out.is_empty() {
        push(&mut out, "generic-aws-error");
    }
    out
}

fn starts_with_ignore_case(s: &str, prefix: &str) -> bool {
    s.as_bytes()
        .get(..prefix.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(prefix.as_bytes()))
}

fn push(out: &mut Vec<&'static str>, id: &'static str) {
    if !out.contains(&id) {
        out.push(id);
    }
}

/// Runs of whitespace as one space, none at the ends: titles read as one line whatever the
/// values filled into them hold.
fn squeeze_whitespace(s: Text) -> Text {
    let mut prev_space = true;
    let tidy = s.chars().all(|c| {
        let ok = !c.is_whitespace() || (c == ' ' && !prev_space);
        prev_space = c.is_whitespace();
        ok
    }) && !prev_space;
    if tidy || s.is_empty() {
        return s;
    }
    s.split_whitespace().collect::<Vec<_>>().join(" ").into()
}

/// The names a catalog text can use in `{{name}}`, in the order of [`Vars::values`].
const VAR_NAMES: [&str; 8] = [
    "action",
    "resource",
    "principal",
    "operation",
    "code",
    "service",
    "policy_arn",
    "identity",
];

/// Values for `{{name}}` in catalog texts, from the record; `None` where the record has none.
#[derive(Debug, Default)]
struct Vars<'a> {
    values: [Option<&'a str>; VAR_NAMES.len()],
}

impl<'a> Vars<'a> {
    fn of(rec: &'a Record, f: &'a Facts) -> Vars<'a> {
        let present = |v: Option<&'a str>| v.filter(|v| !v.trim().is_empty());
        let identity = (f.identity != policy::Identity::Unknown).then(|| f.identity.name());
        Vars {
            values: [
                present(rec.action.as_deref()),
                present(rec.resource.as_deref()),
                present(rec.principal.as_deref()),
                present(rec.operation.as_deref()),
                present(rec.error_code.as_deref().or(rec.wrapper_code.as_deref())),
                present(rec.service.as_deref().or(f.service.as_deref())),
                present(rec.policy_arn.as_deref()),
                present(identity),
            ],
        }
    }
}

/// A catalog text split at its `{{placeholders}}`, so that filling it in is copying pieces.
#[derive(Debug)]
struct Template<'t> {
    parts: Vec<Part<'t>>,
    /// Length of the text without its placeholders: where the filled text starts.
    literal_len: usize,
}

#[derive(Debug)]
enum Part<'t> {
    Text(&'t str),
    /// `{{name}}` or `{{name|fallback}}`: the value of slot `slot` of [`Vars::values`] (none
    /// for names it does not know), else `otherwise`: the fallback, or the placeholder the
    /// user fills in (`<RESOURCE_ARN>`). A fallback reads better than a placeholder in titles.
    Var {
        slot: Option<usize>,
        otherwise: Cow<'t, str>,
    },
}

impl<'t> Template<'t> {
    fn parse(text: &'t str) -> Template<'t> {
        let mut parts = Vec::new();
        let mut rest = text;
        while let Some(i) = memchr::memmem::find(rest.as_bytes(), b"{{") {
            let after = &rest[i + 2..];
            let Some(j) = memchr::memmem::find(after.as_bytes(), b"}}") else {
                break;
            };
            if i > 0 {
                parts.push(Part::Text(&rest[..i]));
            }
            let (key, fallback) = match after[..j].split_once('|') {
                Some((k, f)) => (k, Some(f)),
                None => (&after[..j], None),
            };
            parts.push(Part::Var {
                slot: VAR_NAMES.iter().position(|n| *n == key),
                otherwise: fallback.map_or_else(|| Cow::Owned(placeholder(key)), Cow::Borrowed),
            });
            rest = &after[j + 2..];
        }
        if !rest.is_empty() {
            parts.push(Part::Text(rest));
        }
        let literal_len = parts
            .iter()
            .map(|p| match p {
                Part::Text(t) => t.len(),
                Part::Var { .. } => 0,
            })
            .sum();
        Template { parts, literal_len }
    }

    /// The text with the values filled in: borrowed when it has no placeholders.
    fn fill(&self, vars: &Vars) -> Cow<'t, str> {
        match self.parts[..] {
            [] => return Cow::Borrowed(""),
            [Part::Text(t)] => return Cow::Borrowed(t),
            _ => {}
        }
        let piece = |p: &'_ Part| -> usize {
            match p {
                Part::Text(_) => 0,
                Part::Var { slot, otherwise } => {
                    slot.and_then(|i| vars.values[i]).unwrap_or(otherwise).len()
                }
            }
        };
        // Sized exactly: long ARNs among the values would otherwise make the text grow twice.
        let values_len: usize = self.parts.iter().map(piece).sum();
        let mut out = String::with_capacity(self.literal_len + values_len);
        for p in &self.parts {
            out.push_str(match p {
                Part::Text(t) => t,
                Part::Var { slot, otherwise } => {
                    slot.and_then(|i| vars.values[i]).unwrap_or(otherwise)
                }
            });
        }
        Cow::Owned(out)
    }
}

/// One catalog entry's texts, split at their placeholders once.
struct CatalogTexts {
    title: Template<'static>,
    explanation: Template<'static>,
    steps: Vec<Template<'static>>,
}

impl CatalogTexts {
    /// The texts of every entry of one language, in catalog order.
    fn of(lang: Lang) -> &'static [CatalogTexts] {
        static EN: OnceLock<Vec<CatalogTexts>> = OnceLock::new();
        static JA: OnceLock<Vec<CatalogTexts>> = OnceLock::new();
        let cell = match lang {
            Lang::En => &EN,
            Lang::Ja => &JA,
        };
        cell.get_or_init(|| {
            catalog::entries(lang)
                .iter()
                .map(|e| CatalogTexts {
                    title: Template::parse(e.title),
                    explanation: Template::parse(&e.explanation),
                    steps: e.steps.iter().map(|s| Template::parse(s)).collect(),
                })
                .collect()
        })
    }
}

fn placeholder(key: &str) -> String {
    match key {
        "identity" => "<ROLE_OR_USER_NAME>".into(),
        "resource" => "<RESOURCE_ARN>".into(),
        "principal" => "<PRINCIPAL_ARN>".into(),
        "code" => "<ERROR_CODE>".into(),
        other => format!("<{}>", other.to_ascii_uppercase()),
    }
}

#[cfg(test)]
mod tests;
