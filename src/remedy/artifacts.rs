//! Artifacts filled from the record for the entries that have them: policy documents,
//! apply commands and snippets, plus the record-specific steps that go with them.

use super::draft::{Artifact, Draft, Form, Policy, Text};
use super::policy::{
    self, object, put_policy_command, put_policy_command_json, shell_quote, snippets, Allow,
    AllowText, Identity,
};
use super::{json_text, Facts, Lang};
use crate::record::Record;
use serde_json::{json, Value};
use std::borrow::Cow;
use std::sync::OnceLock;

fn t(lang: Lang, en: &'static str, ja: &'static str) -> Text {
    Cow::Borrowed(match lang {
        Lang::En => en,
        Lang::Ja => ja,
    })
}

/// [`t`] for texts with values in them: only the language wanted is formatted.
fn tf(lang: Lang, en: std::fmt::Arguments, ja: std::fmt::Arguments) -> Text {
    Cow::Owned(match lang {
        Lang::En => en.to_string(),
        Lang::Ja => ja.to_string(),
    })
}

/// [`tf`] for texts whose values go between fixed pieces: joined, which costs a fraction of
/// formatting.
fn tj(lang: Lang, en: &[&str], ja: &[&str]) -> Text {
    Cow::Owned(
        match lang {
            Lang::En => en,
            Lang::Ja => ja,
        }
        .concat(),
    )
}

/// `head`, then `word` quoted for the shell, then `tail`: a command joined, not formatted.
fn command_with(head: &str, word: &str, tail: &[&str]) -> String {
    let tail_len: usize = tail.iter().map(|t| t.len()).sum();
    let mut cmd = String::with_capacity(head.len() + word.len() + 2 + tail_len);
    cmd.push_str(head);
    policy::push_shell_quoted(&mut cmd, word);
    tail.iter().for_each(|t| cmd.push_str(t));
    cmd
}

/// Add the generated parts of remedy `r` (chosen by its id) from the record.
pub fn attach(r: &mut Draft, rec: &Record, f: &Facts, lang: Lang) {
    let catalog_steps = r.steps.len();
    attach_by_id(r, rec, f, lang);
    mark_unfinished_commands(r, lang);
    // Steps written here are specific to the record, so they go before the catalog's.
    // Organizations notes are about who runs the commands, so they read better last.
    if !matches!(r.id, "scp-explicit-deny" | "rcp-explicit-deny") {
        r.steps.rotate_left(catalog_steps);
    }
}

fn attach_by_id(r: &mut Draft, rec: &Record, f: &Facts, lang: Lang) {
    match r.id {
        "iam-pass-role" => pass_role(r, rec, f, lang),
        "iam-allow-action" => allow_action(r, rec, f, lang),
        "permissions-boundary" => boundary(r, rec, f, lang),
        "explicit-deny-identity" => explicit_identity(r, rec, f),
        "explicit-deny-policy" => explicit_policy(r, rec, f, lang),
        "root-user-denied" => root_user(r, rec, f, lang),
        "scp-explicit-deny" => org_policy(r, rec, "SERVICE_CONTROL_POLICY", lang),
        "rcp-explicit-deny" => org_policy(r, rec, "RESOURCE_CONTROL_POLICY", lang),
        "resource-based-policy" => resource_policy(r, rec, f, lang),
        "kms-key-policy" => key_policy(r, rec, f, lang),
        "vpc-endpoint-policy" => endpoint_policy(r, rec, f, lang),
        "assume-role-trust" => assume_role(r, rec, f, lang),
        "decode-authorization-message" => decode(r, rec),
        "authorization-details" => auth_details(r, rec),
        "credentials-expired"
        | "credentials-invalid"
        | "credentials-signature"
        | "credentials-missing" => credentials(r),
        "ecs-network-configuration" => network_configuration(r, f, lang),
        "region-missing" => region_variable(r, rec, lang),
        "throttling-backoff" => backoff(r, rec),
        "quota-increase" => quota(r, f),
        // A bare denial that names the call: the permission it needs, from the reference.
        "access-denied" | "s3-access-denied" | "ec2-unauthorized-operation"
            if rec.action.is_none() && operation_action(rec, f).is_some() =>
        {
            allow_action(r, rec, f, lang)
        }
        _ => {}
    }
}

/// The `<PLACEHOLDERS>` in a command, each once, in order of appearance.
fn placeholders(cmd: &[u8]) -> Vec<&[u8]> {
    let mut found: Vec<&[u8]> = Vec::new();
    let mut rest = cmd;
    while let Some(open) = memchr::memchr(b'<', rest) {
        let after = &rest[open + 1..];
        let len = after
            .iter()
            .take_while(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || **b == b'_')
            .count();
        if len > 0 && after.get(len) == Some(&b'>') {
            let p = &rest[open..open + len + 2];
            if !found.contains(&p) {
                found.push(p);
            }
        }
        rest = after;
    }
    found
}

/// Turn commands that still hold a `<PLACEHOLDER>` into shell comments that name what to fill
/// in: pasted as they are, they would run with the placeholder (or fail half way).
fn mark_unfinished_commands(r: &mut Draft, lang: Lang) {
    let head = match lang {
        Lang::En => "# fill in ",
        Lang::Ja => "# 次を埋めてから実行: ",
    };
    let tail = match lang {
        Lang::En => " first, then run: ",
        Lang::Ja => " → ",
    };
    for cmd in &mut r.apply {
        let bytes = match cmd {
            Artifact::Text(t) => t.as_bytes(),
            Artifact::Json(j) => &j[..],
        };
        let found = placeholders(bytes);
        if found.is_empty() {
            continue;
        }
        let mut prefix = String::from(head);
        for (i, p) in found.iter().enumerate() {
            if i > 0 {
                prefix.push_str(", ");
            }
            prefix.push_str(std::str::from_utf8(p).expect("ASCII"));
        }
        prefix.push_str(tail);
        match cmd {
            Artifact::Text(t) => *t = Cow::Owned(prefix + t),
            // Placeholders and the words around them need no JSON escape.
            Artifact::Json(j) => {
                j.splice(1..1, prefix.into_bytes());
            }
        }
    }
}

/// The first step of a remedy with a policy for the caller: whom to attach it to.
fn caller_step(r: &mut Draft, f: &Facts, lang: Lang) {
    r.step(match &f.identity {
        Identity::Role(n) => tj(
            lang,
            &["The caller is the IAM role `", n, "`: attach the policy there"],
            &["呼び出し元は IAM ロール `", n, "` です。ポリシーはこのロールにアタッチします"],
        ),
        Identity::User(n) => tj(
            lang,
            &["The caller is the IAM user `", n, "`: attach the policy there"],
            &["呼び出し元は IAM ユーザー `", n, "` です。ポリシーはこのユーザーにアタッチします"],
        ),
        Identity::Sso(n) => {
            let set = f.identity.permission_set().unwrap_or("<PERMISSION_SET_NAME>");
            tj(
                lang,
                &["The caller is the role `", n, "`, which IAM Identity Center made from the permission set `", set, "`: AWS refuses changes to the role itself, so the policy goes into the permission set. Run the sso-admin commands with credentials of the organization's management account or of IAM Identity Center's delegated administrator"],
                &["呼び出し元のロール `", n, "` は IAM Identity Center が許可セット `", set, "` から作ったものです。ロール自体は AWS が変更を拒否するため、ポリシーは許可セットに追加します。sso-admin のコマンドは組織の管理アカウントまたは IAM Identity Center の委任管理者アカウントの認証情報で実行してください"],
            )
        }
        Identity::Root => t(
            lang,
            "The caller is the account's root user: no identity policy can be attached to it, so no policy is shown. What denies root is a service control policy of the organization (for a member account) or the resource's own policy: look there, and use an IAM role rather than the root user for this work",
            "呼び出し元はアカウントのルートユーザーです。ルートユーザーには ID ベースのポリシーをアタッチできないため、ポリシーは示していません。ルートを拒否できるのは組織のサービスコントロールポリシー(メンバーアカウントの場合)かリソース側のポリシーです。そちらを確認し、この作業にはルートユーザーではなく IAM ロールを使ってください",
        ),
        Identity::Unknown => t(
            lang,
            "The text does not name the caller: replace <ROLE_NAME> with the role (or user) that made the call",
            "呼び出し元がテキストから読み取れません。<ROLE_NAME> を呼び出しを行ったロール(またはユーザー)名に置き換えてください",
        ),
    });
}

/// The caller's own policy: attach `doc` to the identity from the principal (after
/// [`caller_step`] said which).
fn attach_identity_policy(r: &mut Draft, f: &Facts, action: &str, doc: &Allow, lang: Lang) {
    let identity = &f.identity;
    let text = doc.text();
    let compact = text.compact();
    match identity {
        Identity::Sso(_) => permission_set_commands(r, lang),
        // Selection sends the root user to root-user-denied; no policy can reach it.
        Identity::Root => return,
        _ => {
            let name = policy::policy_name(action, doc.resources.first().map(String::as_str));
            same_name_step(r, lang);
            identity_artifacts(r, identity, &name, &text, &compact);
        }
    }
    r.policy = Some(Policy::Json(compact.into()));
}

/// The fix for an IAM Identity Center role: the permission set's inline policy, read, merged
/// and provisioned again to the accounts that use the set.
fn permission_set_commands(r: &mut Draft, lang: Lang) {
    r.step(t(
        lang,
        "A permission set has one inline policy and put-inline-policy-to-permission-set replaces it: read it into inline-policy.json, merge the statement of `policy` into it, put it back, then provision the set so that its roles in the accounts change",
        "許可セットのインラインポリシーは 1 つだけで、put-inline-policy-to-permission-set はそれを置き換えます。inline-policy.json に読み出し、`policy` のステートメントをマージして書き戻してから、許可セットをプロビジョニングして各アカウントのロールに反映してください",
    ));
    for cmd in [
        "aws sso-admin list-instances --query 'Instances[].InstanceArn' --output text",
        "aws sso-admin list-permission-sets --instance-arn <INSTANCE_ARN> --output text",
        "aws sso-admin get-inline-policy-for-permission-set --instance-arn <INSTANCE_ARN> --permission-set-arn <PERMISSION_SET_ARN> --query InlinePolicy --output text > inline-policy.json",
        "aws sso-admin put-inline-policy-to-permission-set --instance-arn <INSTANCE_ARN> --permission-set-arn <PERMISSION_SET_ARN> --inline-policy file://inline-policy.json",
        "aws sso-admin provision-permission-set --instance-arn <INSTANCE_ARN> --permission-set-arn <PERMISSION_SET_ARN> --target-type ALL_PROVISIONED_ACCOUNTS",
    ] {
        r.command(cmd);
    }
}

/// Say that the inline policy's name matters: a second policy of that name replaces the first.
fn same_name_step(r: &mut Draft, lang: Lang) {
    r.step(t(
        lang,
        "put-role-policy (put-user-policy) replaces an inline policy of the same name: the name is made from the action and the resource so that other fixes keep theirs; to grant more in one policy, merge the statements into one document",
        "put-role-policy(put-user-policy)は同じ名前のインラインポリシーを置き換えます。ほかの修正を上書きしないよう、名前はアクションとリソースから作っています。1 つのポリシーにまとめる場合はステートメントを 1 つの文書にマージしてください",
    ));
}

/// The `put-*-policy` command and the snippets for an identity's policy: for the JSON
/// printer, as the JSON strings it writes.
fn identity_artifacts(
    r: &mut Draft,
    identity: &Identity,
    name: &str,
    doc: &AllowText,
    compact: &str,
) {
    let escaped = (r.form == Form::Json).then(|| doc.escaped());
    let command = escaped
        .as_ref()
        .and_then(|strings| put_policy_command_json(identity, name, compact, doc, strings));
    r.apply.push(match command {
        Some(json) => Artifact::Json(json),
        None => Artifact::Text(put_policy_command(identity, name, compact).into()),
    });
    for (tool, snippet) in snippets(identity, name, doc, escaped.as_ref()) {
        r.set_snippet_artifact(tool, snippet);
    }
}

/// Say so when the text's ARN is not of a resource type the action takes (a truncated ARN,
/// a request path, another type), since the policy then holds another resource.
fn wrong_type_step(r: &mut Draft, rec: &Record, lang: Lang, action: &str, res: &str) {
    let Some(given) = rec.resource.as_deref().filter(|g| policy::is_clean_arn(g)) else {
        return;
    };
    if policy::log_group_streams(given).as_deref() == Some(res) || given == res {
        return;
    }
    r.step(if res == "*" {
        tj(
            lang,
            &["`", action, "` takes no resource ARN (AWS's Service Authorization Reference lists none), so Resource is \"*\" rather than the text's `", given, "`"],
            &["`", action, "` はリソース ARN を指定できない(サービス認可リファレンスに記載なし)ため、Resource はテキストの `", given, "` ではなく \"*\" です"],
        )
    } else {
        tj(
            lang,
            &["The text's `", given, "` is not an ARN of a resource type `", action, "` takes; Resource has the form AWS's Service Authorization Reference gives, with the <PLACEHOLDERS> to fill"],
            &["テキストの `", given, "` は `", action, "` が対象とするリソースタイプの ARN ではありません。Resource はサービス認可リファレンスの形式にしてあるので、<PLACEHOLDER> を埋めてください"],
        )
    });
}

fn placeholder_step(r: &mut Draft, lang: Lang, resources: &[String]) {
    if resources
        .iter()
        .any(|x| !x.contains('<') && policy::looks_masked(x))
    {
        r.step(t(
            lang,
            "The ARN in the text looks masked (e.g. the account id); put the real value in Resource before applying",
            "テキストの ARN は一部(アカウント ID など)が伏せられているようです。適用前に Resource を実際の値にしてください",
        ));
    }
    if resources.iter().any(|x| x.contains('<')) {
        r.step(t(
            lang,
            "The text does not give a usable ARN: fill in the <PLACEHOLDERS> in Resource before applying",
            "テキストに使える ARN がありません。適用前に Resource の <PLACEHOLDER> を実際の値に置き換えてください",
        ));
    }
}

/// Say why Resource is every stream of a log group when the text names one stream.
fn log_stream_step(r: &mut Draft, rec: &Record, lang: Lang, resource: &str) {
    let Some((_, group)) = rec.resource.as_deref().and_then(policy::log_stream_parts) else {
        return;
    };
    if resource.ends_with(":log-stream:*") {
        r.step(tf(
            lang,
            format_args!("Resource allows every stream of the log group `{group}` (`log-stream:*`): a new stream is made per instance, container or day, so a policy naming only the stream in the text would soon stop matching. The log group itself stays exact"),
            format_args!("Resource ではロググループ `{group}` のすべてのストリーム (`log-stream:*`) を許可しています。ストリームはインスタンス・コンテナ・日付ごとに新しく作られるため、テキストにあるストリームだけを指定するとすぐに合わなくなります。ロググループ自体は正確に指定したままです"),
        ));
    }
}

fn pass_role(r: &mut Draft, rec: &Record, f: &Facts, lang: Lang) {
    caller_step(r, f, lang);
    let role = match rec.resource.as_deref() {
        Some(r) if r.starts_with("arn:") => policy::resource_for("iam:PassRole", Some(r)).0,
        _ => "arn:aws:iam::<ACCOUNT_ID>:role/<ROLE_TO_PASS>".to_string(),
    };
    let service = policy::passed_to_service(
        rec.operation.as_deref(),
        f.wrapper_service.as_deref(),
        f.service.as_deref().filter(|s| *s != "iam"),
        rec.resource.as_deref(),
    );
    let settled = match &service {
        policy::PassedTo::Settled(p) => Some(*p),
        policy::PassedTo::Unsettled(_) => None,
    };
    let mut resources = vec![role.clone()];
    let mut known: Vec<&String> = Vec::new();
    for a in f.known.iter().flat_map(|k| &k.passed_roles) {
        if policy::is_clean_arn(a) && !known.contains(&a) {
            known.push(a);
        }
    }
    if !known.is_empty() {
        // The resource the call passes names its roles: list those, and the one in the
        // text should it not be among them.
        if !policy::is_clean_arn(&role) || known.contains(&&role) {
            resources.clear();
        }
        resources.extend(known.iter().map(|a| a.to_string()));
        let names = known
            .iter()
            .map(|a| a.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        r.step(tj(
            lang,
            &[
                "Resource lists the roles the failed resource passes, as it names them: ",
                &names,
            ],
            &[
                "Resource には、失敗したリソースが渡すロールをその定義のとおりに並べています: ",
                &names,
            ],
        ));
    } else if settled == Some("ecs-tasks.amazonaws.com") {
        let acct = policy::account_of(&role).unwrap_or("<ACCOUNT_ID>");
        let execution = role
            .as_bytes()
            .windows(b"execution".len())
            .any(|w| w.eq_ignore_ascii_case(b"execution"));
        let (other, en, ja) = if execution {
            (
                ["arn:aws:iam::", acct, ":role/<TASK_ROLE_NAME>"].concat(),
                "ECS passes both roles of the task definition: the execution role from the text and the task role (taskRoleArn). Replace <TASK_ROLE_NAME>, or drop that line if the task definition has no task role",
                "ECS はタスク定義の 2 つのロールを両方渡します。テキストにあるのは実行ロールなので、タスクロール (taskRoleArn) の <TASK_ROLE_NAME> を埋めてください。タスクロールを使っていなければその行は削除して構いません",
            )
        } else {
            (
                ["arn:aws:iam::", acct, ":role/<EXECUTION_ROLE_NAME>"].concat(),
                "ECS passes both roles of the task definition: the task role from the text and the task execution role (executionRoleArn). Replace <EXECUTION_ROLE_NAME>, or drop that line if the task definition has no execution role",
                "ECS はタスク定義の 2 つのロールを両方渡します。テキストにあるロールに加えて、タスク実行ロール (executionRoleArn) の <EXECUTION_ROLE_NAME> を埋めてください。実行ロールがなければその行は削除して構いません",
            )
        };
        resources.push(other);
        r.step(t(lang, en, ja));
    }
    match &service {
        policy::PassedTo::Settled(s) => r.step(tj(
            lang,
            &["The condition limits the permission to passing the role to ", s],
            &["Condition により、このロールを渡せる先を ", s, " に限定しています"],
        )),
        policy::PassedTo::Unsettled(likely) if !likely.is_empty() => {
            let likely = likely.join(", ");
            r.step(tj(
                lang,
                &["The text does not settle which service receives the role; likely: ", &likely, ". Put the one the failing call hands the role to in place of <SERVICE_PRINCIPAL> in the condition"],
                &["ロールを受け取るサービスがテキストからは確定できません。候補: ", &likely, "。失敗した呼び出しがロールを渡すサービスを Condition の <SERVICE_PRINCIPAL> に入れてください"],
            ))
        }
        policy::PassedTo::Unsettled(_) => r.step(t(
            lang,
            "The text does not say which service receives the role: put it in place of <SERVICE_PRINCIPAL> in the condition (for example ecs-tasks.amazonaws.com, lambda.amazonaws.com, ec2.amazonaws.com)",
            "ロールを受け取るサービスがテキストから分かりません。Condition の <SERVICE_PRINCIPAL> をそのサービス(例: ecs-tasks.amazonaws.com、lambda.amazonaws.com、ec2.amazonaws.com)に置き換えてください",
        )),
    }
    placeholder_step(r, lang, &resources[..1]);
    let doc = Allow {
        actions: &["iam:PassRole"],
        resources: &resources,
        passed_to_service: Some(settled.unwrap_or("<SERVICE_PRINCIPAL>")),
    };
    attach_identity_policy(r, f, "iam:PassRole", &doc, lang);
}

fn action_or_placeholder(rec: &Record) -> String {
    rec.action
        .clone()
        .filter(|a| a.contains(':') && !a.contains(' '))
        .unwrap_or_else(|| "<SERVICE>:<ACTION>".into())
}

/// The IAM action for the record's policy, checked against AWS's Service Authorization
/// Reference: the action as AWS spells it; for a message without one, the action its
/// operation is authorised as; for an action its service does not have (a message that
/// names `ec2:CreateRole`), `<SERVICE>:Name` and a step naming the services that have it.
fn checked_action(r: &mut Draft, rec: &Record, f: &Facts, lang: Lang) -> String {
    let action = action_or_placeholder(rec);
    if action.starts_with('<') {
        if let (Some(a), Some(op)) = (operation_action(rec, f), rec.operation.as_deref()) {
            operation_step(r, lang, op, &a);
            return a;
        }
        return action;
    }
    if let Some(known) = super::sar::action(&action) {
        return known.name;
    }
    let Some((prefix, name)) = action.split_once(':') else {
        return action;
    };
    if !super::sar::has_service(prefix) {
        // A service the reference does not list: nothing to check against.
        return action;
    }
    let others = super::sar::services_with(name).join(", ");
    r.step(tj(
        lang,
        &[
            "`",
            &action,
            "` is not an IAM action: ",
            prefix,
            " has no action `",
            name,
            "`. Services with an action of that name: ",
            if others.is_empty() { "none" } else { &others },
            ". Put the right service in place of <SERVICE>",
        ],
        &[
            "`",
            &action,
            "` は IAM のアクションとして存在しません(",
            prefix,
            " に `",
            name,
            "` はありません)。同じ名前のアクションを持つサービス: ",
            if others.is_empty() { "なし" } else { &others },
            "。<SERVICE> を正しいサービスに置き換えてください",
        ],
    ));
    ["<SERVICE>:", name].concat()
}

/// The IAM action the record's operation is authorised as, when the reference says.
fn operation_action(rec: &Record, f: &Facts) -> Option<String> {
    let (service, op) = f.service.as_deref().zip(rec.operation.as_deref())?;
    super::sar::action_for_operation(service, op)
}

/// Say which IAM action an operation is authorised as, when the message names only the call.
fn operation_step(r: &mut Draft, lang: Lang, op: &str, action: &str) {
    r.step(tj(
        lang,
        &[
            "The message names the call (",
            op,
            ") but not the permission: AWS's Service Authorization Reference authorises ",
            op,
            " as `",
            action,
            "`",
        ],
        &[
            "メッセージには呼び出し (",
            op,
            ") だけがあり権限名がありません。AWS のサービス認可リファレンスでは ",
            op,
            " に必要な権限は `",
            action,
            "` です",
        ],
    ));
}

fn allow_action(r: &mut Draft, rec: &Record, f: &Facts, lang: Lang) {
    caller_step(r, f, lang);
    let action = checked_action(r, rec, f, lang);
    let (res, _) = policy::resource_for(&action, rec.resource.as_deref());
    wrong_type_step(r, rec, lang, &action, &res);
    let resources = vec![res];
    placeholder_step(r, lang, &resources);
    log_stream_step(r, rec, lang, &resources[0]);
    if resources[0] == "*" {
        r.step(tf(
            lang,
            format_args!("{action} does not support resource-level permissions, so Resource is \"*\""),
            format_args!("{action} はリソースレベルの権限指定に対応していないため、Resource は \"*\" になります"),
        ));
    }
    let doc = Allow {
        actions: &[&action],
        resources: &resources,
        passed_to_service: None,
    };
    attach_identity_policy(r, f, &action, &doc, lang);
}

fn boundary(r: &mut Draft, rec: &Record, f: &Facts, lang: Lang) {
    let action = checked_action(r, rec, f, lang);
    let (res, _) = policy::resource_for(&action, rec.resource.as_deref());
    boundary_commands(r, &f.identity);
    r.step(t(
        lang,
        "The policy below is the statement the boundary policy must also contain; add it to a new version of the boundary policy (the caller's own policy must allow it too)",
        "下のポリシーは、アクセス許可の境界ポリシーにも含まれている必要があるステートメントです。境界ポリシーの新しいバージョンに追加してください(呼び出し元自身のポリシーでも許可が必要です)",
    ));
    log_stream_step(r, rec, lang, &res);
    let doc = Allow {
        actions: &[&action],
        resources: &[res],
        passed_to_service: None,
    };
    r.policy = Some(Policy::Json(doc.text().compact().into()));
}

fn explicit_identity(r: &mut Draft, rec: &Record, f: &Facts) {
    let identity = &f.identity;
    let n = shell_quote(identity.name());
    match identity {
        Identity::User(_) => {
            r.command(format!(
                "aws iam list-attached-user-policies --user-name {n}"
            ));
            r.command(format!("aws iam list-user-policies --user-name {n}"));
            r.command(format!("aws iam list-groups-for-user --user-name {n}"));
        }
        _ => {
            r.command(format!(
                "aws iam list-attached-role-policies --role-name {n}"
            ));
            r.command(format!("aws iam list-role-policies --role-name {n}"));
        }
    }
    if let Some(p) = rec
        .policy_arn
        .as_deref()
        .filter(|p| p.starts_with("arn:aws:iam:"))
    {
        r.command(format!(
            "aws iam get-policy --policy-arn {}",
            shell_quote(p)
        ));
    }
}

fn org_policy(r: &mut Draft, rec: &Record, filter: &str, lang: Lang) {
    // An SCP applies to the caller's account; an RCP to the account that owns the resource,
    // which a cross-account call does not share with the caller.
    let resource_account = rec.resource.as_deref().and_then(policy::account_of);
    let account = if filter == "RESOURCE_CONTROL_POLICY" {
        r.step(match resource_account {
            Some(a) => tj(
                lang,
                &["A resource control policy applies to the account that owns the resource (", a, "), not to the caller's: the commands look it up for that account"],
                &["リソースコントロールポリシーは呼び出し元ではなくリソースを所有するアカウント (", a, ") に適用されます。コマンドはそのアカウントについて調べます"],
            ),
            None => t(
                lang,
                "A resource control policy applies to the account that owns the resource, not to the caller's: the text does not give that account (S3 ARNs hold none), so fill in <RESOURCE_ACCOUNT_ID> (for a bucket, `aws s3api get-bucket-acl --bucket <BUCKET> --query Owner` run by its owner, or ask who owns it)",
                "リソースコントロールポリシーは呼び出し元ではなくリソースを所有するアカウントに適用されます。テキストからそのアカウントが分からない(S3 の ARN には含まれない)ため、<RESOURCE_ACCOUNT_ID> を埋めてください",
            ),
        });
        resource_account.unwrap_or("<RESOURCE_ACCOUNT_ID>")
    } else {
        caller_account(rec)
            .or(resource_account)
            .unwrap_or("<ACCOUNT_ID>")
    };
    if let Some(p) = rec.policy_arn.as_deref().filter(|p| p.starts_with("arn:")) {
        let id = p.rsplit('/').next().unwrap_or(p);
        r.command(command_with(
            "aws organizations describe-policy --policy-id ",
            id,
            &[],
        ));
        r.step(tj(
            lang,
            &["The text names the policy: ", p],
            &["テキストにポリシーが示されています: ", p],
        ));
    }
    r.command(command_with(
        "aws organizations list-policies-for-target --target-id ",
        account,
        &[" --filter ", filter],
    ));
    r.step(t(
        lang,
        "Run the commands below with credentials of the organization's management account (or a delegated administrator); member accounts cannot read or change the policy",
        "これらのコマンドは組織の管理アカウント(または委任管理者)の認証情報で実行します。メンバーアカウントからはポリシーの参照も変更もできません",
    ));
}

/// `arn:aws:sts::1:assumed-role/R/s` → `arn:aws:iam::1:role/R`: the principal a resource
/// policy names. A session ARN has no path: roles of IAM Identity Center always have one
/// (`aws-reserved/sso.amazonaws.com/...`), so theirs is a `<ROLE_PATH>` to fill in, and
/// [`role_path_step`] says how to read the exact ARN.
fn principal_for_resource_policy(rec: &Record) -> String {
    let p = rec.principal.as_deref().unwrap_or("");
    if policy::is_clean_arn(p) {
        if let Some((head, rest)) = p.split_once(":assumed-role/") {
            let role = rest.split('/').next().unwrap_or(rest);
            let path = if role.starts_with(policy::SSO_ROLE_PREFIX) {
                "<ROLE_PATH>/"
            } else {
                ""
            };
            return format!("{}:role/{path}{role}", head.replacen(":sts:", ":iam:", 1));
        }
        return p.to_string();
    }
    "arn:aws:iam::<ACCOUNT_ID>:role/<CALLER_ROLE_NAME>".to_string()
}

/// For a principal given as a role session: the command that prints the role's exact ARN
/// (path included) for the policy's Principal.
fn role_path_step(r: &mut Draft, rec: &Record, lang: Lang) {
    let Some(p) = rec.principal.as_deref().filter(|p| policy::is_clean_arn(p)) else {
        return;
    };
    let Some((_, rest)) = p.split_once(":assumed-role/") else {
        return;
    };
    let role = rest.split('/').next().unwrap_or(rest);
    let account = policy::account_of(p).unwrap_or("<ACCOUNT_ID>");
    r.step(tj(
        lang,
        &["The text names the caller by its session, which leaves out the role's path (`service-role/`, `aws-reserved/sso.amazonaws.com/`): Principal must be the role's exact ARN, which the get-role command prints (run it in account ", account, ")"],
        &["テキストは呼び出し元をセッションで示しているため、ロールのパス (`service-role/`、`aws-reserved/sso.amazonaws.com/`) が分かりません。Principal にはロールの正確な ARN が必要です。get-role コマンドで確認してください(アカウント ", account, " で実行)"],
    ));
    r.command(command_with(
        "aws iam get-role --role-name ",
        role,
        &[" --query Role.Arn --output text"],
    ));
}

fn resource_statement(rec: &Record, action: &str, resource: String) -> Value {
    let statement = object([
        ("Sid", "AllowCaller".into()),
        ("Effect", "Allow".into()),
        (
            "Principal",
            object([("AWS", principal_for_resource_policy(rec).into())]),
        ),
        ("Action", action.into()),
        ("Resource", resource.into()),
    ]);
    object([
        ("Version", "2012-10-17".into()),
        ("Statement", vec![statement].into()),
    ])
}

/// Where a resource's own policy lives: its name for the steps, and the command that reads it.
struct ResourcePolicy {
    kind_en: &'static str,
    kind_ja: &'static str,
    read: Option<String>,
}

fn resource_policy_of(service: Option<&str>, res: &str) -> ResourcePolicy {
    let q = shell_quote(res);
    let (kind_en, kind_ja, read) = match service {
        Some("s3") => {
            let bucket = res
                .strip_prefix("arn:aws:s3:::")
                .map(|b| b.split('/').next().unwrap_or(b).to_string())
                .unwrap_or_else(|| "<BUCKET>".into());
            (
                "the bucket policy",
                "バケットポリシー",
                Some(command_with(
                    "aws s3api get-bucket-policy --bucket ",
                    &bucket,
                    &[" --query Policy --output text"],
                )),
            )
        }
        Some("secretsmanager") => (
            "the secret's resource policy",
            "シークレットのリソースポリシー",
            Some(format!("aws secretsmanager get-resource-policy --secret-id {q}")),
        ),
        Some("lambda") => (
            "the function's resource-based policy",
            "関数のリソースベースポリシー",
            Some(format!("aws lambda get-policy --function-name {q}")),
        ),
        Some("sqs") => (
            "the queue policy",
            "キューポリシー",
            Some("aws sqs get-queue-attributes --queue-url <QUEUE_URL> --attribute-names Policy".into()),
        ),
        Some("sns") => (
            "the topic policy",
            "トピックポリシー",
            Some(format!("aws sns get-topic-attributes --topic-arn {q} --query Attributes.Policy --output text")),
        ),
        Some("ecr") => (
            "the repository policy",
            "リポジトリポリシー",
            Some("aws ecr get-repository-policy --repository-name <REPOSITORY_NAME>".into()),
        ),
        Some("kms") => (
            "the key policy",
            "キーポリシー",
            Some(format!("aws kms get-key-policy --key-id {q} --policy-name default --output text")),
        ),
        Some("iam") | Some("sts") => {
            let role = role_name_of(res).unwrap_or("<ROLE_NAME>");
            (
                "the role's trust policy",
                "ロールの信頼ポリシー",
                Some(command_with(
                    "aws iam get-role --role-name ",
                    role,
                    &[" --query Role.AssumeRolePolicyDocument"],
                )),
            )
        }
        _ => ("the resource's policy", "リソースのポリシー", None),
    };
    ResourcePolicy {
        kind_en,
        kind_ja,
        read,
    }
}

/// The name of the role an IAM role ARN names (the last part of its path).
fn role_name_of(arn: &str) -> Option<&str> {
    let (_, rest) = arn.split_once(":role/")?;
    let name = rest.rsplit('/').next()?;
    (!name.is_empty() && !name.contains(['<', '*'])).then_some(name)
}

/// Say in which account the commands after it run: `account` when the text gives it, else
/// the account `whose_*` describes.
fn account_step(r: &mut Draft, lang: Lang, account: Option<&str>, whose_en: &str, whose_ja: &str) {
    r.step(match account {
        Some(a) => tj(
            lang,
            &[
                "Run these commands with credentials of account ",
                a,
                " (",
                whose_en,
                ")",
            ],
            &[
                "これらのコマンドはアカウント ",
                a,
                "(",
                whose_ja,
                ")の認証情報で実行します",
            ],
        ),
        None => tj(
            lang,
            &["Run these commands with credentials of ", whose_en],
            &["これらのコマンドは", whose_ja, "の認証情報で実行します"],
        ),
    });
}

/// The account of the caller, from the principal.
fn caller_account(rec: &Record) -> Option<&str> {
    rec.principal.as_deref().and_then(policy::account_of)
}

/// When caller and resource live in different accounts, say that both sides must allow it.
fn cross_account_step(r: &mut Draft, rec: &Record, lang: Lang, resource_account: Option<&str>) {
    if let (Some(caller), Some(owner)) = (caller_account(rec), resource_account) {
        if caller != owner {
            r.step(tj(
                lang,
                &[
                    "The caller (account ",
                    caller,
                    ") and the resource (account ",
                    owner,
                    ") are in different accounts: the resource's policy in ",
                    owner,
                    " and the caller's own policy in ",
                    caller,
                    " must both allow the call",
                ],
                &[
                    "呼び出し元(アカウント ",
                    caller,
                    ")とリソース(アカウント ",
                    owner,
                    ")は別のアカウントです。",
                    owner,
                    " 側のリソースのポリシーと ",
                    caller,
                    " 側の呼び出し元自身のポリシーの両方で許可が必要です",
                ],
            ));
        }
    }
}

fn resource_policy(r: &mut Draft, rec: &Record, f: &Facts, lang: Lang) {
    let action = checked_action(r, rec, f, lang);
    let (res, _) = policy::resource_for(&action, rec.resource.as_deref());
    let owner = rec.resource.as_deref().and_then(policy::account_of);
    let place = resource_policy_of(f.service.as_deref(), &res);
    if f.service_is("lambda") {
        lambda_permission(r, rec, lang, &action, &res, owner, place.read);
        return;
    }
    r.step(tf(
        lang,
        format_args!("The policy that decides here is {}; read it first, then merge the statement below into it (do not replace the existing statements)", place.kind_en),
        format_args!("ここで判定しているのは{}です。まず読み出し、下のステートメントを既存のポリシーに追記してください(置き換えないこと)", place.kind_ja),
    ));
    account_step(
        r,
        lang,
        owner,
        "the resource's owner",
        "リソースの所有者のアカウント",
    );
    cross_account_step(r, rec, lang, owner);
    if let Some(cmd) = place.read {
        r.command(cmd);
    }
    role_path_step(r, rec, lang);
    log_stream_step(r, rec, lang, &res);
    r.policy = Some(Policy::Value(resource_statement(rec, &action, res)));
}

/// A Lambda function's policy is changed a statement at a time with `add-permission`, never
/// by writing the document.
fn lambda_permission(
    r: &mut Draft,
    rec: &Record,
    lang: Lang,
    action: &str,
    function: &str,
    owner: Option<&str>,
    read: Option<String>,
) {
    r.step(t(
        lang,
        "A Lambda function's resource-based policy is not edited as a document: `aws lambda add-permission` adds one statement (and `remove-permission` takes one away)",
        "Lambda 関数のリソースベースポリシーは文書として編集しません。`aws lambda add-permission` でステートメントを 1 つ追加します(削除は `remove-permission`)",
    ));
    account_step(
        r,
        lang,
        owner,
        "the function's owner",
        "関数の所有者のアカウント",
    );
    cross_account_step(r, rec, lang, owner);
    if let Some(cmd) = read {
        r.command(cmd);
    }
    role_path_step(r, rec, lang);
    let principal = principal_for_resource_policy(rec);
    let mut cmd = command_with("aws lambda add-permission --function-name ", function, &[]);
    cmd.push_str(" --statement-id ");
    cmd.push_str(&policy::policy_name(action, None));
    cmd.push_str(" --action ");
    policy::push_shell_quoted(&mut cmd, action);
    cmd.push_str(" --principal ");
    policy::push_shell_quoted(&mut cmd, &principal);
    r.command(cmd);
}

fn key_policy(r: &mut Draft, rec: &Record, f: &Facts, lang: Lang) {
    let action = checked_action(r, rec, f, lang);
    let key = rec
        .resource
        .as_deref()
        .filter(|k| policy::is_clean_arn(k))
        .unwrap_or("<KEY_ID_OR_ARN>");
    let owner = policy::account_of(key);
    account_step(
        r,
        lang,
        owner,
        "the key's owner: key policies are read and written only there",
        "キーの所有者のアカウント。キーポリシーはそこでしか読み書きできません",
    );
    cross_account_step(r, rec, lang, owner);
    role_path_step(r, rec, lang);
    r.command(format!(
        "aws kms get-key-policy --key-id {} --policy-name default --output text > key-policy.json",
        shell_quote(key)
    ));
    r.command(format!(
        "aws kms put-key-policy --key-id {} --policy-name default --policy file://key-policy.json",
        shell_quote(key)
    ));
    r.step(t(
        lang,
        "In a key policy \"Resource\": \"*\" means this key; merge the statement into key-policy.json before putting it back",
        "キーポリシーの \"Resource\": \"*\" は「このキー自身」を指します。ステートメントを key-policy.json に追記してから put-key-policy してください",
    ));
    r.policy = Some(Policy::Value(resource_statement(rec, &action, "*".into())));
}

/// The region of an ARN, when it names one.
fn region_of(arn: Option<&str>) -> Option<&str> {
    let region = arn?.strip_prefix("arn:")?.split(':').nth(2)?;
    (!region.is_empty()
        && region
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-'))
    .then_some(region)
}

/// The commands that find the endpoint for the service and read its policy into a file.
fn read_endpoint_policy(r: &mut Draft, rec: &Record, f: &Facts) {
    let svc = f.service.as_deref().unwrap_or("<SERVICE>");
    let region = region_of(rec.resource.as_deref()).unwrap_or("<REGION>");
    let mut find =
        String::from("aws ec2 describe-vpc-endpoints --filters Name=service-name,Values=");
    policy::push_shell_quoted(&mut find, &["com.amazonaws.", region, ".", svc].concat());
    find.push_str(" --query 'VpcEndpoints[].[VpcEndpointId,VpcId]' --output text");
    r.command(find);
    r.command("aws ec2 describe-vpc-endpoints --vpc-endpoint-ids <VPC_ENDPOINT_ID> --query 'VpcEndpoints[0].PolicyDocument' --output text > endpoint-policy.json");
}

fn endpoint_policy(r: &mut Draft, rec: &Record, f: &Facts, lang: Lang) {
    account_step(
        r,
        lang,
        None,
        "the account that owns the VPC the caller runs in",
        "呼び出し元が動いている VPC を所有するアカウント",
    );
    read_endpoint_policy(r, rec, f);
    r.step(t(
        lang,
        "`modify-vpc-endpoint --policy-document` replaces the whole endpoint policy: merge the statement below into endpoint-policy.json (keep the existing statements), then apply the merged file; applying the statement alone would cut every other request through the endpoint",
        "`modify-vpc-endpoint --policy-document` はエンドポイントポリシー全体を置き換えます。下のステートメントを endpoint-policy.json に追記(既存のステートメントは残す)してから適用してください。ステートメント単独で適用すると、エンドポイントを通る他のリクエストがすべて止まります",
    ));
    r.command("aws ec2 modify-vpc-endpoint --vpc-endpoint-id <VPC_ENDPOINT_ID> --policy-document file://endpoint-policy.json");
    role_path_step(r, rec, lang);
    let action = checked_action(r, rec, f, lang);
    let (res, _) = policy::resource_for(&action, rec.resource.as_deref());
    log_stream_step(r, rec, lang, &res);
    r.policy = Some(Policy::Value(resource_statement(rec, &action, res)));
}

/// An explicit Deny in a boundary, session, resource or endpoint policy: how to read the
/// policy that holds it and whose it is. No Allow: it would change nothing.
fn explicit_policy(r: &mut Draft, rec: &Record, f: &Facts, lang: Lang) {
    use crate::record::PolicyType;
    let caller = caller_account(rec);
    match rec.policy_type {
        Some(PolicyType::PermissionsBoundary) => {
            r.step(t(
                lang,
                "The Deny is in the caller's permissions boundary: read the boundary's ARN, then its default version; boundaries are usually owned by a platform or security team",
                "Deny は呼び出し元のアクセス許可の境界にあります。境界ポリシーの ARN を調べ、そのデフォルトバージョンを読んでください。境界はたいていプラットフォームやセキュリティのチームが管理しています",
            ));
            account_step(r, lang, caller, "the caller's", "呼び出し元のアカウント");
            boundary_commands(r, &f.identity);
        }
        Some(PolicyType::Session) => {
            r.step(t(
                lang,
                "The Deny is in the session policy passed (as Policy or PolicyArns) when these credentials were made by AssumeRole, AssumeRoleWithWebIdentity, AssumeRoleWithSAML or GetFederationToken: find who creates the session (a CI system, an access broker, your code) and change what it passes, then start a new session",
                "Deny は、この認証情報を AssumeRole・AssumeRoleWithWebIdentity・AssumeRoleWithSAML・GetFederationToken で作成したときに渡されたセッションポリシー(Policy または PolicyArns)にあります。セッションを作っているもの(CI、アクセス仲介ツール、自分のコード)を探して渡す内容を変え、新しいセッションを開始してください",
            ));
            account_step(r, lang, caller, "the role's: CloudTrail records the AssumeRole call there, with the policy it passed", "ロールのアカウント。AssumeRole の呼び出しと渡されたポリシーはそこの CloudTrail に記録されます");
            let role = match &f.identity {
                Identity::Role(n) => n.as_str(),
                _ => "<ROLE_NAME>",
            };
            r.command(command_with(
                "aws cloudtrail lookup-events --lookup-attributes AttributeKey=ResourceName,AttributeValue=",
                role,
                &[" --query \"Events[?EventName=='AssumeRole'].CloudTrailEvent\" --output text"],
            ));
        }
        Some(PolicyType::VpcEndpoint) => {
            r.step(t(
                lang,
                "The Deny is in the policy of the VPC endpoint the request went through; the owner of the VPC (often a network team) owns it",
                "Deny はリクエストが通った VPC エンドポイントのポリシーにあります。VPC の所有者(多くはネットワークチーム)が管理しています",
            ));
            account_step(
                r,
                lang,
                None,
                "the account that owns the VPC the caller runs in",
                "呼び出し元が動いている VPC を所有するアカウント",
            );
            read_endpoint_policy(r, rec, f);
        }
        _ => {
            let action = action_or_placeholder(rec);
            let (res, _) = policy::resource_for(&action, rec.resource.as_deref());
            let service = if starts_with_ignore_case(&action, "sts:assumerole") {
                Some("iam")
            } else {
                f.service.as_deref()
            };
            let place = resource_policy_of(service, &res);
            let owner = rec.resource.as_deref().and_then(policy::account_of);
            r.step(tf(
                lang,
                format_args!("The Deny is in {}: read it and find the statement with \"Effect\": \"Deny\" that matches {action}", place.kind_en),
                format_args!("Deny は{}にあります。読み出して、{action} に一致する \"Effect\": \"Deny\" のステートメントを探してください", place.kind_ja),
            ));
            account_step(
                r,
                lang,
                owner,
                "the resource's owner",
                "リソースの所有者のアカウント",
            );
            if let Some(cmd) = place.read {
                r.command(cmd);
            }
        }
    }
}

fn starts_with_ignore_case(s: &str, prefix: &str) -> bool {
    s.as_bytes()
        .get(..prefix.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(prefix.as_bytes()))
}

/// The root user was refused: where the refusal can come from, and how to read it.
fn root_user(r: &mut Draft, rec: &Record, f: &Facts, lang: Lang) {
    let account = caller_account(rec).unwrap_or("<ACCOUNT_ID>");
    r.step(t(
        lang,
        "Run the organizations commands with credentials of the organization's management account (or a delegated administrator)",
        "organizations のコマンドは組織の管理アカウント(または委任管理者)の認証情報で実行します",
    ));
    for filter in ["SERVICE_CONTROL_POLICY", "RESOURCE_CONTROL_POLICY"] {
        r.command(command_with(
            "aws organizations list-policies-for-target --target-id ",
            account,
            &[" --filter ", filter],
        ));
    }
    let action = action_or_placeholder(rec);
    let (res, _) = policy::resource_for(&action, rec.resource.as_deref());
    if let Some(read) = resource_policy_of(f.service.as_deref(), &res).read {
        let owner = rec.resource.as_deref().and_then(policy::account_of);
        account_step(
            r,
            lang,
            owner,
            "the resource's owner, for its policy",
            "リソースの所有者のアカウント(リソースのポリシー用)",
        );
        r.command(read);
    }
}

/// Read the permissions boundary of an identity: its ARN, then the document of its default version.
fn boundary_commands(r: &mut Draft, identity: &Identity) {
    r.command(match identity {
        Identity::User(n) => command_with(
            "aws iam get-user --user-name ",
            n,
            &[" --query User.PermissionsBoundary.PermissionsBoundaryArn --output text"],
        ),
        _ => command_with(
            "aws iam get-role --role-name ",
            identity.name(),
            &[" --query Role.PermissionsBoundary.PermissionsBoundaryArn --output text"],
        ),
    });
    r.command("aws iam get-policy --policy-arn <BOUNDARY_POLICY_ARN> --query Policy.DefaultVersionId --output text");
    r.command("aws iam get-policy-version --policy-arn <BOUNDARY_POLICY_ARN> --version-id <VERSION_ID> --query PolicyVersion.Document");
}

fn assume_role(r: &mut Draft, rec: &Record, f: &Facts, lang: Lang) {
    let action = rec
        .action
        .clone()
        .filter(|a| a.to_ascii_lowercase().starts_with("sts:assumerole"))
        .unwrap_or_else(|| "sts:AssumeRole".into());
    let target = rec
        .resource
        .as_deref()
        .filter(|x| policy::is_clean_arn(x) && x.contains(":role/"))
        .unwrap_or("arn:aws:iam::<ACCOUNT_ID>:role/<TARGET_ROLE_NAME>")
        .to_string();
    let target_name = target
        .rsplit('/')
        .next()
        .unwrap_or("<TARGET_ROLE_NAME>")
        .to_string();
    let lower = action.to_ascii_lowercase();
    let target_account = policy::account_of(&target).unwrap_or("<ACCOUNT_ID>");
    let trust_statement = if lower.ends_with("webidentity") {
        web_identity_statement(r, rec, lang, target_account, &action)
    } else if lower.ends_with("saml") {
        let provider = [
            "arn:aws:iam::",
            target_account,
            ":saml-provider/<SAML_PROVIDER_NAME>",
        ]
        .concat();
        json!({
            "Effect": "Allow",
            "Principal": {"Federated": provider},
            "Action": action,
            "Condition": {"StringEquals": {"SAML:aud": "https://signin.aws.amazon.com/saml"}}
        })
    } else {
        role_path_step(r, rec, lang);
        json!({"Effect": "Allow", "Principal": {"AWS": principal_for_resource_policy(rec)}, "Action": action})
    };
    let trust = json!({"Version": "2012-10-17", "Statement": [trust_statement]});
    let caller = caller_account(rec);
    let owner = policy::account_of(&target);
    r.step(match owner {
        Some(a) => tj(
            lang,
            &["The trust policy belongs to the target role: read and update it with credentials of account ", a, ", the role's"],
            &["信頼ポリシーは対象ロールのものです。ロールのアカウント ", a, " の認証情報で読み出し・更新してください"],
        ),
        None => t(
            lang,
            "The trust policy belongs to the target role: read and update it with credentials of the role's account",
            "信頼ポリシーは対象ロールのものです。ロールのアカウントの認証情報で読み出し・更新してください",
        ),
    });
    let trust_text = json_text::pretty(&trust);
    r.set_snippet("trust-policy", trust_text);
    r.command(format!(
        "aws iam get-role --role-name {} --query Role.AssumeRolePolicyDocument",
        shell_quote(&target_name)
    ));
    r.command(format!("aws iam update-assume-role-policy --role-name {} --policy-document file://trust-policy.json", shell_quote(&target_name)));
    if lower == "sts:assumerole" {
        if let Some(a) = caller {
            r.step(tj(
                lang,
                &["The caller's permission (`policy`, put-role-policy) is attached with credentials of account ", a, ", the caller's", if owner.is_some_and(|o| o != a) { ": a cross-account AssumeRole needs both sides" } else { "" }],
                &["呼び出し元の権限(`policy`、put-role-policy)は呼び出し元のアカウント ", a, " の認証情報で付与します", if owner.is_some_and(|o| o != a) { "。クロスアカウントの AssumeRole では両側の設定が必要です" } else { "" }],
            ));
        }
        // Only plain AssumeRole needs a permission on the caller's side as well.
        let doc = Allow {
            actions: &[&action],
            resources: std::slice::from_ref(&target),
            passed_to_service: None,
        };
        attach_identity_policy(r, f, &action, &doc, lang);
        r.step(t(
            lang,
            "`policy` is the caller's permission; the `trust-policy` snippet is the statement the target role's trust policy needs (merge it, update-assume-role-policy replaces the whole document)",
            "`policy` は呼び出し元に必要な権限、`trust-policy` スニペットは対象ロールの信頼ポリシーに必要なステートメントです(update-assume-role-policy は文書全体を置き換えるので、既存の内容とマージしてください)",
        ));
    } else {
        r.step(t(
            lang,
            "For web identity and SAML only the target role's trust policy decides; the `trust-policy` snippet shows the statement to merge into it, with the conditions that keep other identities of the same provider out",
            "Web ID フェデレーションや SAML では対象ロールの信頼ポリシーだけで決まります。`trust-policy` スニペットは、同じプロバイダーの他の ID を締め出す条件付きでマージすべきステートメントです",
        ));
    }
}

/// The OIDC provider host the text names: GitHub Actions' issuer, or an EKS cluster's.
fn oidc_host(rec: &Record) -> Option<&str> {
    const GITHUB: &str = "token.actions.githubusercontent.com";
    let texts = [
        rec.message.as_deref(),
        rec.principal.as_deref(),
        rec.resource.as_deref(),
    ];
    for text in texts.into_iter().flatten() {
        if text.contains(GITHUB) {
            return Some(GITHUB);
        }
        if let Some(i) = text.find("oidc.eks.") {
            // `oidc.eks.REGION.amazonaws.com/id/CLUSTER_ID`, up to the first character
            // no host or id has.
            let rest = &text[i..];
            let end = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || ".-/".contains(c)))
                .unwrap_or(rest.len());
            let host = rest[..end].trim_end_matches(['.', '/']);
            if host.contains(".amazonaws.com/id/") {
                return Some(host);
            }
        }
    }
    None
}

/// The trust statement for web identity: the provider from the text where it says, and
/// always `aud` and `sub` conditions, without which any identity the provider issues (any
/// GitHub repository's workflow, any pod of the cluster) could assume the role.
fn web_identity_statement(
    r: &mut Draft,
    rec: &Record,
    lang: Lang,
    account: &str,
    action: &str,
) -> Value {
    let host = oidc_host(rec);
    let provider = host.unwrap_or("<OIDC_PROVIDER_HOST>");
    let federated = ["arn:aws:iam::", account, ":oidc-provider/", provider].concat();
    let aud = [provider, ":aud"].concat();
    let sub = [provider, ":sub"].concat();
    let (test, audience, subject, en, ja) = match host {
        Some(h) if h.starts_with("token.actions.") => (
            "StringLike",
            "sts.amazonaws.com",
            "repo:<OWNER>/<REPO>:*",
            "The conditions let only workflows of the repository <OWNER>/<REPO> assume the role; narrow `:*` to a branch (`:ref:refs/heads/main`) or an environment (`:environment:prod`) where you can",
            "条件により、リポジトリ <OWNER>/<REPO> のワークフローだけがロールを引き受けられます。可能ならば `:*` をブランチ (`:ref:refs/heads/main`) や環境 (`:environment:prod`) に絞ってください",
        ),
        Some(_) => (
            "StringEquals",
            "sts.amazonaws.com",
            "system:serviceaccount:<NAMESPACE>:<SERVICE_ACCOUNT>",
            "The conditions let only the Kubernetes service account <SERVICE_ACCOUNT> in <NAMESPACE> assume the role",
            "条件により、<NAMESPACE> の Kubernetes サービスアカウント <SERVICE_ACCOUNT> だけがロールを引き受けられます",
        ),
        None => (
            "StringEquals",
            "<AUDIENCE>",
            "<SUBJECT>",
            "The text does not name the identity provider: fill in <OIDC_PROVIDER_HOST> (for GitHub Actions token.actions.githubusercontent.com with aud sts.amazonaws.com and sub repo:<OWNER>/<REPO>:*; for EKS the cluster's OIDC issuer with sub system:serviceaccount:<NAMESPACE>:<SERVICE_ACCOUNT>), <AUDIENCE> and <SUBJECT>; never leave the conditions out",
            "ID プロバイダーがテキストから分かりません。<OIDC_PROVIDER_HOST>(GitHub Actions なら token.actions.githubusercontent.com で aud は sts.amazonaws.com、sub は repo:<OWNER>/<REPO>:*。EKS ならクラスターの OIDC 発行者で sub は system:serviceaccount:<NAMESPACE>:<SERVICE_ACCOUNT>)、<AUDIENCE>、<SUBJECT> を埋めてください。条件は省略しないでください",
        ),
    };
    r.step(t(lang, en, ja));
    let mut test_keys = serde_json::Map::new();
    let mut conditions = serde_json::Map::new();
    if test == "StringLike" {
        conditions.insert(
            "StringEquals".into(),
            object([(aud.as_str(), audience.into())]),
        );
        test_keys.insert(sub, subject.into());
        conditions.insert("StringLike".into(), Value::Object(test_keys));
    } else {
        test_keys.insert(aud, audience.into());
        test_keys.insert(sub, subject.into());
        conditions.insert("StringEquals".into(), Value::Object(test_keys));
    }
    json!({
        "Effect": "Allow",
        "Principal": {"Federated": federated},
        "Action": action,
        "Condition": Value::Object(conditions)
    })
}

fn decode(r: &mut Draft, rec: &Record) {
    let blob = rec
        .encoded_message
        .as_deref()
        .unwrap_or("<ENCODED_MESSAGE>");
    r.command(format!(
        "aws sts decode-authorization-message --encoded-message {} --query DecodedMessage --output text",
        shell_quote(blob)
    ));
    // The same for every record: printed once.
    static POLICY: OnceLock<String> = OnceLock::new();
    let policy = POLICY.get_or_init(|| {
        let doc = Allow {
            actions: &["sts:DecodeAuthorizationMessage"],
            resources: &["*".to_string()],
            passed_to_service: None,
        };
        doc.text().compact()
    });
    r.policy = Some(Policy::Json(Cow::Borrowed(policy)));
}

fn auth_details(r: &mut Draft, rec: &Record) {
    let id = rec
        .authorization_id
        .as_deref()
        .unwrap_or("<AUTHORIZATION_ID>");
    let op = rec.operation.as_deref().unwrap_or("<OPERATION>");
    r.command(format!(
        "aws cloudtrail lookup-events --lookup-attributes AttributeKey=EventName,AttributeValue={} --max-results 20",
        shell_quote(op)
    ));
    r.set_snippet("authorization-id", id.to_string());
}

fn credentials(r: &mut Draft) {
    r.command("aws sts get-caller-identity");
    match r.id {
        "credentials-expired" => r.command("aws sso login --profile <PROFILE>"),
        "credentials-missing" => {
            r.command("aws configure list");
            r.command("aws configure sso --profile <PROFILE>");
        }
        "credentials-signature" => r.command("date -u"),
        _ => r.command("aws configure list"),
    }
}

/// The region variable the program that failed reads, from the way its message is worded:
/// botocore (boto3) and AWS CLI v1 read `AWS_DEFAULT_REGION` only, the other SDKs `AWS_REGION`.
fn region_variable(r: &mut Draft, rec: &Record, lang: Lang) {
    let msg = rec
        .message
        .as_deref()
        .unwrap_or_default()
        .to_ascii_lowercase();
    let code = rec.error_code.as_deref().unwrap_or_default();
    let (snippet, en, ja): (&str, &str, &str) = if msg.contains("aws configure") {
        (
            "export AWS_DEFAULT_REGION=<REGION>\n",
            "The message is the AWS CLI's: AWS_DEFAULT_REGION works for CLI v1 and v2 (v2 also reads AWS_REGION)",
            "このメッセージは AWS CLI のものです。AWS_DEFAULT_REGION は CLI v1 と v2 の両方で有効です(v2 は AWS_REGION も読みます)",
        )
    } else if msg.contains("you must specify a region") || code == "NoRegionError" {
        (
            "export AWS_DEFAULT_REGION=<REGION>\n",
            "The message is botocore's (boto3): it reads AWS_DEFAULT_REGION, not AWS_REGION",
            "このメッセージは botocore (boto3) のものです。boto3 が読むのは AWS_REGION ではなく AWS_DEFAULT_REGION です",
        )
    } else if [
        "an aws region is required",
        "could not find region configuration",
        "region is missing",
        "unable to load region",
        "unable to find a region",
    ]
    .iter()
    .any(|p| msg.contains(p))
        || code == "MissingRegion"
    {
        (
            "export AWS_REGION=<REGION>\n",
            "The message is from an AWS SDK (Go, JavaScript, Java) that reads AWS_REGION",
            "このメッセージは AWS_REGION を読む AWS SDK(Go、JavaScript、Java)のものです",
        )
    } else {
        (
            "export AWS_REGION=<REGION>\nexport AWS_DEFAULT_REGION=<REGION>\n",
            "The text does not say which SDK failed: set both variables (boto3 and AWS CLI v1 read AWS_DEFAULT_REGION, the other SDKs AWS_REGION)",
            "どの SDK のエラーかテキストから分からないため、両方の変数を設定してください(boto3 と AWS CLI v1 は AWS_DEFAULT_REGION、その他の SDK は AWS_REGION を読みます)",
        )
    };
    r.step(t(lang, en, ja));
    r.set_snippet("environment", snippet);
}

fn network_configuration(r: &mut Draft, f: &Facts, lang: Lang) {
    // The same for every record: printed once.
    static TEXTS: OnceLock<(String, String)> = OnceLock::new();
    let (api, sfn) = TEXTS.get_or_init(network_configuration_texts);
    let flag = "awsvpcConfiguration={subnets=[<PRIVATE_SUBNET_ID_1>,<PRIVATE_SUBNET_ID_2>],securityGroups=[<SECURITY_GROUP_ID>],assignPublicIp=DISABLED}";
    r.set_snippet("run-task-json", api.as_str());
    match f
        .known
        .and_then(|k| k.state_parameters.as_ref())
        .and_then(|p| with_network_configuration(p, sfn))
    {
        Some(params) => {
            r.set_snippet("step-functions", params);
            r.step(t(
                lang,
                "The step-functions snippet is the failed state's own Parameters with NetworkConfiguration added: put the task's subnets and security groups in place of the placeholders (awsplain does not guess them)",
                "step-functions のスニペットは失敗したステートの Parameters に NetworkConfiguration を加えたものです。プレースホルダーをタスクのサブネットとセキュリティグループに置き換えてください(awsplain は推測しません)",
            ));
        }
        None => r.set_snippet("step-functions", sfn.as_str()),
    }
    r.set_snippet("aws-cli", format!("--network-configuration '{flag}'"));
    r.command(format!(
        "aws ecs run-task --cluster <CLUSTER_NAME> --task-definition <TASK_DEFINITION> --launch-type FARGATE --network-configuration '{flag}'"
    ));
}

/// A state's `Parameters` with the Step Functions form of the block added, pretty-printed;
/// `None` when they are not an object or already have one.
fn with_network_configuration(params: &Value, block: &str) -> Option<String> {
    let mut params = params.as_object()?.clone();
    if params
        .keys()
        .any(|k| k.eq_ignore_ascii_case("NetworkConfiguration"))
    {
        return None;
    }
    let block: Value = serde_json::from_str(block).ok()?;
    params.extend(block.as_object()?.clone());
    Some(json_text::pretty(&Value::Object(params)))
}

/// The ECS API and Step Functions forms of a network configuration.
fn network_configuration_texts() -> (String, String) {
    let api = json!({
        "networkConfiguration": {
            "awsvpcConfiguration": {
                "subnets": ["<PRIVATE_SUBNET_ID_1>", "<PRIVATE_SUBNET_ID_2>"],
                "securityGroups": ["<SECURITY_GROUP_ID>"],
                "assignPublicIp": "DISABLED"
            }
        }
    });
    let sfn = json!({
        "NetworkConfiguration": {
            "AwsvpcConfiguration": {
                "Subnets": ["<PRIVATE_SUBNET_ID_1>", "<PRIVATE_SUBNET_ID_2>"],
                "SecurityGroups": ["<SECURITY_GROUP_ID>"],
                "AssignPublicIp": "DISABLED"
            }
        }
    });
    (json_text::pretty(&api), json_text::pretty(&sfn))
}

fn backoff(r: &mut Draft, rec: &Record) {
    r.set_snippet(
        "aws-config",
        "[profile <PROFILE>]\nretry_mode = adaptive\nmax_attempts = 10\n",
    );
    r.set_snippet(
        "environment",
        "export AWS_RETRY_MODE=adaptive\nexport AWS_MAX_ATTEMPTS=10\n",
    );
    r.set_snippet("boto3",
        "from botocore.config import Config\nconfig = Config(retries={\"mode\": \"adaptive\", \"max_attempts\": 10})\nclient = boto3.client(\"<SERVICE>\", config=config)\n",
    );
    // Step Functions matches on the code as the state reports it, e.g. `Lambda.TooManyRequestsException`.
    let reported = rec
        .wrapper_code
        .as_deref()
        .or(rec.error_code.as_deref())
        .filter(|c| c.contains('.') && !c.starts_with("States."))
        .unwrap_or("<SERVICE>.<THROTTLING_ERROR_CODE>");
    // Printed once with a NUL for the code (which no quoted code holds: control characters
    // are escaped), then filled in.
    static RETRY: OnceLock<(String, String)> = OnceLock::new();
    let (before, after) = RETRY.get_or_init(|| {
        let retry = json!({
            "Retry": [{
                "ErrorEquals": ["\0"],
                "IntervalSeconds": 2,
                "MaxAttempts": 6,
                "BackoffRate": 2.0,
                "MaxDelaySeconds": 60,
                "JitterStrategy": "FULL"
            }]
        });
        let text = json_text::pretty(&retry);
        let (before, after) = text
            .split_once("\"\\u0000\"")
            .expect("the marker is printed");
        (before.to_string(), after.to_string())
    });
    let mut text = String::with_capacity(before.len() + reported.len() + 2 + after.len());
    text.push_str(before);
    json_text::push_quoted(&mut text, reported);
    text.push_str(after);
    r.set_snippet("step-functions", text);
}

fn quota(r: &mut Draft, f: &Facts) {
    let svc = f.service.as_deref().unwrap_or("<SERVICE_CODE>");
    r.command(format!("aws service-quotas list-service-quotas --service-code {} --query 'Quotas[].[QuotaCode,QuotaName,Value]' --output table", shell_quote(svc)));
    r.command(format!(
        "aws service-quotas request-service-quota-increase --service-code {} --quota-code <QUOTA_CODE> --desired-value <NEW_VALUE>",
        shell_quote(svc)
    ));
}
