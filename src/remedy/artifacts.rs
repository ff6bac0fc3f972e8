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
        "scp-explicit-deny" => org_policy(r, rec, "SERVICE_CONTROL_POLICY", lang),
        "rcp-explicit-deny" => org_policy(r, rec, "RESOURCE_CONTROL_POLICY", lang),
        "resource-based-policy" => resource_policy(r, rec, f, lang),
        "kms-key-policy" => key_policy(r, rec, lang),
        "vpc-endpoint-policy" => endpoint_policy(r, rec, f, lang),
        "assume-role-trust" => assume_role(r, rec, f, lang),
        "decode-authorization-message" => decode(r, rec),
        "authorization-details" => auth_details(r, rec),
        "credentials-expired"
        | "credentials-invalid"
        | "credentials-signature"
        | "credentials-missing" => credentials(r),
        "ecs-network-configuration" => network_configuration(r),
        "throttling-backoff" => backoff(r, rec),
        "quota-increase" => quota(r, f),
        _ => {}
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
        Identity::Unknown => t(
            lang,
            "The text does not name the caller: replace <ROLE_NAME> with the role (or user) that made the call",
            "呼び出し元がテキストから読み取れません。<ROLE_NAME> を呼び出しを行ったロール(またはユーザー)名に置き換えてください",
        ),
    });
}

/// The caller's own policy: attach `doc` to the identity from the principal (after
/// [`caller_step`] said which).
fn attach_identity_policy(r: &mut Draft, f: &Facts, action: &str, doc: &Allow) {
    let identity = &f.identity;
    let name = policy::policy_name(action);
    let text = doc.text();
    let compact = text.compact();
    identity_artifacts(r, identity, &name, &text, &compact);
    r.policy = Some(Policy::Json(compact.into()));
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
    let mut resources = vec![role.clone()];
    if service == Some("ecs-tasks.amazonaws.com") {
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
    match service {
        Some(s) => r.step(tj(
            lang,
            &["The condition limits the permission to passing the role to ", s],
            &["Condition により、このロールを渡せる先を ", s, " に限定しています"],
        )),
        None => r.step(t(
            lang,
            "The text does not say which service receives the role; add \"Condition\": {\"StringEquals\": {\"iam:PassedToService\": \"<SERVICE>.amazonaws.com\"}} once you know it",
            "ロールを受け取るサービスがテキストから分かりません。分かったら \"Condition\": {\"StringEquals\": {\"iam:PassedToService\": \"<SERVICE>.amazonaws.com\"}} を追加してください",
        )),
    }
    placeholder_step(r, lang, &resources[..1]);
    let doc = Allow {
        actions: &["iam:PassRole"],
        resources: &resources,
        passed_to_service: service,
    };
    attach_identity_policy(r, f, "iam:PassRole", &doc);
}

fn action_or_placeholder(rec: &Record) -> String {
    rec.action
        .clone()
        .filter(|a| a.contains(':') && !a.contains(' '))
        .unwrap_or_else(|| "<SERVICE>:<ACTION>".into())
}

fn allow_action(r: &mut Draft, rec: &Record, f: &Facts, lang: Lang) {
    caller_step(r, f, lang);
    let action = action_or_placeholder(rec);
    let (res, _) = policy::resource_for(&action, rec.resource.as_deref());
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
    attach_identity_policy(r, f, &action, &doc);
}

fn boundary(r: &mut Draft, rec: &Record, f: &Facts, lang: Lang) {
    let action = action_or_placeholder(rec);
    let (res, _) = policy::resource_for(&action, rec.resource.as_deref());
    let identity = &f.identity;
    r.command(match identity {
        Identity::User(n) => format!(
            "aws iam get-user --user-name {} --query User.PermissionsBoundary",
            shell_quote(n)
        ),
        _ => format!(
            "aws iam get-role --role-name {} --query Role.PermissionsBoundary",
            shell_quote(identity.name())
        ),
    });
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
    let account = [rec.principal.as_deref(), rec.resource.as_deref()]
        .into_iter()
        .flatten()
        .find_map(policy::account_of)
        .unwrap_or("<ACCOUNT_ID>");
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

/// `arn:aws:sts::1:assumed-role/R/s` → `arn:aws:iam::1:role/R`: the principal a resource policy names.
fn principal_for_resource_policy(rec: &Record) -> String {
    let p = rec.principal.as_deref().unwrap_or("");
    if policy::is_clean_arn(p) {
        if let Some((head, rest)) = p.split_once(":assumed-role/") {
            let role = rest.split('/').next().unwrap_or(rest);
            return format!("{}:role/{role}", head.replacen(":sts:", ":iam:", 1));
        }
        return p.to_string();
    }
    "arn:aws:iam::<ACCOUNT_ID>:role/<CALLER_ROLE_NAME>".to_string()
}

fn resource_statement(rec: &Record, resource: String) -> Value {
    let statement = object([
        ("Sid", "AllowCaller".into()),
        ("Effect", "Allow".into()),
        (
            "Principal",
            object([("AWS", principal_for_resource_policy(rec).into())]),
        ),
        ("Action", action_or_placeholder(rec).into()),
        ("Resource", resource.into()),
    ]);
    object([
        ("Version", "2012-10-17".into()),
        ("Statement", vec![statement].into()),
    ])
}

fn resource_policy(r: &mut Draft, rec: &Record, f: &Facts, lang: Lang) {
    let action = action_or_placeholder(rec);
    let (res, _) = policy::resource_for(&action, rec.resource.as_deref());
    let q = shell_quote(&res);
    let (kind_en, kind_ja, cmd) = match f.service.as_deref() {
        Some("s3") => {
            let bucket = res
                .strip_prefix("arn:aws:s3:::")
                .map(|b| b.split('/').next().unwrap_or(b).to_string())
                .unwrap_or_else(|| "<BUCKET>".into());
            (
                "the bucket policy",
                "バケットポリシー",
                format!(
                    "aws s3api get-bucket-policy --bucket {}",
                    shell_quote(&bucket)
                ),
            )
        }
        Some("secretsmanager") => (
            "the secret's resource policy",
            "シークレットのリソースポリシー",
            format!("aws secretsmanager get-resource-policy --secret-id {q}"),
        ),
        Some("lambda") => (
            "the function's resource-based policy",
            "関数のリソースベースポリシー",
            format!("aws lambda get-policy --function-name {q}"),
        ),
        Some("sqs") => (
            "the queue policy",
            "キューポリシー",
            "aws sqs get-queue-attributes --queue-url <QUEUE_URL> --attribute-names Policy"
                .to_string(),
        ),
        Some("sns") => (
            "the topic policy",
            "トピックポリシー",
            format!("aws sns get-topic-attributes --topic-arn {q}"),
        ),
        Some("ecr") => (
            "the repository policy",
            "リポジトリポリシー",
            "aws ecr get-repository-policy --repository-name <REPOSITORY_NAME>".to_string(),
        ),
        Some("iam") | Some("sts") => (
            "the role's trust policy",
            "ロールの信頼ポリシー",
            "aws iam get-role --role-name <ROLE_NAME> --query Role.AssumeRolePolicyDocument"
                .to_string(),
        ),
        _ => ("the resource's policy", "リソースのポリシー", String::new()),
    };
    r.step(tf(
        lang,
        format_args!("The policy that decides here is {kind_en}; merge the statement below into it (do not replace the existing statements)"),
        format_args!("ここで判定しているのは{kind_ja}です。下のステートメントを既存のポリシーに追記してください(置き換えないこと)"),
    ));
    if !cmd.is_empty() {
        r.command(cmd);
    }
    log_stream_step(r, rec, lang, &res);
    r.policy = Some(Policy::Value(resource_statement(rec, res)));
}

fn key_policy(r: &mut Draft, rec: &Record, lang: Lang) {
    let key = rec
        .resource
        .as_deref()
        .filter(|k| policy::is_clean_arn(k))
        .unwrap_or("<KEY_ID_OR_ARN>");
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
    r.policy = Some(Policy::Value(resource_statement(rec, "*".into())));
}

fn endpoint_policy(r: &mut Draft, rec: &Record, f: &Facts, lang: Lang) {
    let svc = f.service.as_deref().unwrap_or("<SERVICE>");
    r.command(format!(
        "aws ec2 describe-vpc-endpoints --filters Name=service-name,Values=com.amazonaws.<REGION>.{} --query 'VpcEndpoints[].[VpcEndpointId,PolicyDocument]'",
        shell_quote(svc)
    ));
    r.command("aws ec2 modify-vpc-endpoint --vpc-endpoint-id <VPC_ENDPOINT_ID> --policy-document file://endpoint-policy.json");
    let action = action_or_placeholder(rec);
    let (res, _) = policy::resource_for(&action, rec.resource.as_deref());
    log_stream_step(r, rec, lang, &res);
    r.policy = Some(Policy::Value(resource_statement(rec, res)));
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
    let trust_principal = if lower.ends_with("webidentity") {
        json!({"Federated": "arn:aws:iam::<ACCOUNT_ID>:oidc-provider/<OIDC_PROVIDER_HOST>"})
    } else if lower.ends_with("saml") {
        json!({"Federated": "arn:aws:iam::<ACCOUNT_ID>:saml-provider/<SAML_PROVIDER_NAME>"})
    } else {
        json!({"AWS": principal_for_resource_policy(rec)})
    };
    let trust = json!({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": trust_principal, "Action": action}]
    });
    let trust_text = json_text::pretty(&trust);
    r.set_snippet("trust-policy", trust_text);
    r.command(format!(
        "aws iam get-role --role-name {} --query Role.AssumeRolePolicyDocument",
        shell_quote(&target_name)
    ));
    r.command(format!("aws iam update-assume-role-policy --role-name {} --policy-document file://trust-policy.json", shell_quote(&target_name)));
    if lower == "sts:assumerole" {
        // Only plain AssumeRole needs a permission on the caller's side as well.
        let doc = Allow {
            actions: &[&action],
            resources: std::slice::from_ref(&target),
            passed_to_service: None,
        };
        let identity = &f.identity;
        let name = policy::policy_name(&action);
        let text = doc.text();
        let compact = text.compact();
        identity_artifacts(r, identity, &name, &text, &compact);
        r.policy = Some(Policy::Json(compact.into()));
        r.step(t(
            lang,
            "`policy` is the caller's permission; the `trust-policy` snippet is the statement the target role's trust policy needs (merge it, update-assume-role-policy replaces the whole document)",
            "`policy` は呼び出し元に必要な権限、`trust-policy` スニペットは対象ロールの信頼ポリシーに必要なステートメントです(update-assume-role-policy は文書全体を置き換えるので、既存の内容とマージしてください)",
        ));
    } else {
        r.step(t(
            lang,
            "For web identity and SAML only the target role's trust policy decides; the `trust-policy` snippet shows the statement (add the audience/subject conditions your provider uses)",
            "Web ID フェデレーションや SAML では対象ロールの信頼ポリシーだけで決まります。`trust-policy` スニペットのステートメントに、プロバイダーの aud / sub などの条件を加えて使ってください",
        ));
    }
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

fn network_configuration(r: &mut Draft) {
    // The same for every record: printed once.
    static TEXTS: OnceLock<(String, String)> = OnceLock::new();
    let (api, sfn) = TEXTS.get_or_init(network_configuration_texts);
    let flag = "awsvpcConfiguration={subnets=[<PRIVATE_SUBNET_ID_1>,<PRIVATE_SUBNET_ID_2>],securityGroups=[<SECURITY_GROUP_ID>],assignPublicIp=DISABLED}";
    r.set_snippet("run-task-json", api.as_str());
    r.set_snippet("step-functions", sfn.as_str());
    r.set_snippet("aws-cli", format!("--network-configuration '{flag}'"));
    r.command(format!(
        "aws ecs run-task --cluster <CLUSTER_NAME> --task-definition <TASK_DEFINITION> --launch-type FARGATE --network-configuration '{flag}'"
    ));
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
