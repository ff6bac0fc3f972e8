//! Integration tests: remedies. Every catalog entry is produced by at least one sample in
//! `samples/remedies/` (`<id>.txt`, or `<id>.<case>.txt` for another case of the same entry),
//! the fixed-id samples carry the expected artifacts, and `explain` works in both languages.

use super::common::{awsplain, json_lines, root};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// Remedy ids produced by each sample file, from the JSON output.
fn produced() -> BTreeMap<String, Vec<Value>> {
    let dir = root().join("samples/remedies");
    let mut out = BTreeMap::new();
    for entry in std::fs::read_dir(&dir).expect("samples/remedies") {
        let path = entry.unwrap().path();
        if path.extension().and_then(|e| e.to_str()) != Some("txt") {
            continue;
        }
        let run = awsplain()
            .args(["--format", "json", "--color", "never"])
            .arg(&path)
            .output()
            .unwrap();
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        out.insert(name, json_lines(&run.stdout));
    }
    out
}

fn ids_of(records: &[Value]) -> Vec<String> {
    records
        .iter()
        .flat_map(|r| r["remedies"].as_array().cloned().unwrap_or_default())
        .map(|m| m["id"].as_str().unwrap().to_string())
        .collect()
}

fn catalog_ids() -> Vec<String> {
    let out = awsplain()
        .args(["explain", "--list", "--color", "never"])
        .output()
        .unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| l.split_whitespace().next().unwrap().to_string())
        .collect()
}

fn remedy<'a>(records: &'a [Value], id: &str) -> &'a Value {
    records
        .iter()
        .flat_map(|r| r["remedies"].as_array().unwrap().iter())
        .find(|m| m["id"] == id)
        .unwrap_or_else(|| panic!("no remedy {id}"))
}

#[test]
fn every_catalog_entry_has_a_sample_that_produces_it() {
    let got = produced();
    let all: BTreeSet<String> = got.values().flat_map(|r| ids_of(r)).collect();
    let ids = catalog_ids();
    assert!(ids.len() >= 80, "catalog lists {}", ids.len());
    let missing: Vec<&String> = ids.iter().filter(|id| !all.contains(*id)).collect();
    assert!(missing.is_empty(), "no sample produces: {missing:?}");
    // A sample named after an entry produces that entry, and a known code never falls
    // through to the generic answer.
    for (stem, recs) in &got {
        let name = &stem.split('.').next().unwrap().to_string();
        let ids = ids_of(recs);
        assert!(ids.contains(name), "{stem}.txt produced {ids:?}");
        if name != "generic-aws-error" {
            for rec in recs {
                let own = ids_of(std::slice::from_ref(rec));
                if own.contains(name) {
                    assert!(
                        !own.contains(&"generic-aws-error".to_string()),
                        "{name}.txt fell through: {own:?}"
                    );
                }
            }
        }
    }
}

#[test]
fn step_functions_pass_role_sample_is_paste_ready() {
    let recs = json_lines(
        &awsplain()
            .args(["--format", "json"])
            .arg(root().join("samples/remedies/iam-pass-role.txt"))
            .output()
            .unwrap()
            .stdout,
    );
    let m = remedy(&recs, "iam-pass-role");
    let st = &m["policy"]["Statement"][0];
    assert_eq!(m["policy"]["Version"], "2012-10-17");
    assert_eq!(st["Effect"], "Allow");
    assert_eq!(st["Action"], "iam:PassRole");
    let res: Vec<&str> = st["Resource"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(
        res[0],
        "arn:aws:iam::123456789012:role/orders-task-execution-role"
    );
    assert!(res[1].ends_with(":role/<TASK_ROLE_NAME>"));
    assert_eq!(
        st["Condition"]["StringEquals"]["iam:PassedToService"],
        "ecs-tasks.amazonaws.com"
    );
    let apply = m["apply"][0].as_str().unwrap();
    assert!(apply.starts_with(
        "# fill in <TASK_ROLE_NAME> first, then run: aws iam put-role-policy --role-name OrdersStateMachineRole --policy-name awsplain-iam-PassRole-orders-task-execution-role "
    ));
    assert!(m["snippets"]["terraform"]
        .as_str()
        .unwrap()
        .contains("aws_iam_role_policy"));
    assert!(m["snippets"]["cloudformation"]
        .as_str()
        .unwrap()
        .contains("AWS::IAM::RolePolicy"));

    // The human block leads with the fix and shows the policy and the command.
    let out = awsplain()
        .args(["--color", "never"])
        .arg(root().join("samples/remedies/iam-pass-role.txt"))
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("fix [iam-pass-role]"), "{text}");
    assert!(text.contains("\"iam:PassedToService\": \"ecs-tasks.amazonaws.com\""));
    assert!(text.contains(
        "$ # fill in <TASK_ROLE_NAME> first, then run: aws iam put-role-policy --role-name OrdersStateMachineRole"
    ));
}

#[test]
fn log_stream_policy_allows_every_stream_of_the_exact_group() {
    let sample = root().join("samples/remedies/iam-allow-action.log-stream.txt");
    let stream =
        "arn:aws:logs:us-east-1:123456789012:log-group:/app/web:log-stream:i-0abc/2026-11-28";
    let streams = "arn:aws:logs:us-east-1:123456789012:log-group:/app/web:log-stream:*";
    for lang in ["en", "ja"] {
        let out = awsplain()
            .args(["--format", "json", "--lang", lang])
            .arg(&sample)
            .output()
            .unwrap();
        let recs = json_lines(&out.stdout);
        assert_eq!(
            recs[0]["resource"], stream,
            "the record keeps the text's ARN"
        );
        let m = remedy(&recs, "iam-allow-action");
        let st = &m["policy"]["Statement"][0];
        assert_eq!(st["Action"], "logs:PutLogEvents");
        assert_eq!(st["Resource"], streams);
        let apply = m["apply"][0].as_str().unwrap();
        assert!(
            apply.contains(&format!(r#""Resource":"{streams}""#)),
            "{apply}"
        );
        for snippet in ["terraform", "cloudformation"] {
            let text = m["snippets"][snippet].as_str().unwrap();
            assert!(
                text.contains(&format!(r#""Resource": "{streams}""#)),
                "{text}"
            );
            assert!(!text.contains("i-0abc/2026-11-28"), "{text}");
        }
        assert!(!apply.contains("i-0abc/2026-11-28"), "{apply}");
        let step = m["steps"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_str().unwrap())
            .find(|s| s.contains("`log-stream:*`"))
            .unwrap_or_else(|| panic!("no log stream step in {lang}: {}", m["steps"]));
        assert!(step.contains("`/app/web`"), "{step}");
        let ja = step.contains("ロググループ");
        assert_eq!(ja, lang == "ja", "{step}");
    }
}

#[test]
fn network_configuration_sample_has_three_shapes() {
    let recs = json_lines(
        &awsplain()
            .args(["--format", "json"])
            .arg(root().join("samples/remedies/ecs-network-configuration.txt"))
            .output()
            .unwrap()
            .stdout,
    );
    let m = remedy(&recs, "ecs-network-configuration");
    let api: Value =
        serde_json::from_str(m["snippets"]["run-task-json"].as_str().unwrap()).unwrap();
    assert!(api["networkConfiguration"]["awsvpcConfiguration"]["subnets"].is_array());
    let sfn: Value =
        serde_json::from_str(m["snippets"]["step-functions"].as_str().unwrap()).unwrap();
    assert!(sfn["NetworkConfiguration"]["AwsvpcConfiguration"]["SecurityGroups"].is_array());
    assert!(m["snippets"]["aws-cli"]
        .as_str()
        .unwrap()
        .contains("awsvpcConfiguration={subnets=["));
}

#[test]
fn fixed_id_samples_carry_their_artifacts() {
    let got = produced();
    let one = |name: &str| remedy(&got[name], name).clone();

    let m = one("iam-allow-action");
    let st = &m["policy"]["Statement"][0];
    assert_eq!(st["Action"], "dynamodb:BatchWriteItem");
    assert_eq!(
        st["Resource"],
        "arn:aws:dynamodb:us-west-2:123456789012:table/orders"
    );

    let m = one("scp-explicit-deny");
    assert!(m["apply"]
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a.as_str().unwrap().contains("list-policies-for-target")));
    let m = one("rcp-explicit-deny");
    assert!(m["apply"]
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a.as_str().unwrap().contains("RESOURCE_CONTROL_POLICY")));
    let m = one("kms-key-policy");
    assert_eq!(m["policy"]["Statement"][0]["Action"], "kms:Decrypt");
    let m = one("assume-role-trust");
    let trust: Value =
        serde_json::from_str(m["snippets"]["trust-policy"].as_str().unwrap()).unwrap();
    assert_eq!(
        trust["Statement"][0]["Principal"]["AWS"],
        "arn:aws:iam::123456789012:role/ci-runner"
    );
    let m = one("decode-authorization-message");
    assert!(m["apply"][0].as_str().unwrap().starts_with(
        "aws sts decode-authorization-message --encoded-message 4GIOHlTkIaWHQD0Q0m6XSnuUMCm"
    ));
    for id in [
        "credentials-expired",
        "credentials-invalid",
        "credentials-signature",
        "credentials-missing",
    ] {
        assert!(
            one(id)["apply"]
                .as_array()
                .unwrap()
                .iter()
                .any(|a| a == "aws sts get-caller-identity"),
            "{id}"
        );
    }
    let m = one("throttling-backoff");
    assert!(m["snippets"]["aws-config"]
        .as_str()
        .unwrap()
        .contains("retry_mode = adaptive"));
    let m = one("quota-increase");
    assert!(m["apply"].as_array().unwrap().iter().any(|a| a
        .as_str()
        .unwrap()
        .contains("request-service-quota-increase")));
}

#[test]
fn explain_by_id_code_list_and_language() {
    let out = awsplain()
        .args(["explain", "iam-pass-role", "--color", "never"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("[iam-pass-role] "));
    assert!(text.contains("Steps"));

    let out = awsplain()
        .args(["explain", "AccessDeniedException", "--color", "never"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8(out.stdout)
        .unwrap()
        .starts_with("[access-denied] "));

    let out = awsplain()
        .args([
            "explain",
            "iam-pass-role",
            "--lang",
            "ja",
            "--color",
            "never",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("手順") && text.contains("権限"), "{text}");

    let out = awsplain()
        .args(["explain", "NoSuchThing"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no catalog entry"));
}

#[test]
fn japanese_json_keeps_ids_and_fields_english() {
    let out = awsplain()
        .args(["--format", "json", "--lang", "ja"])
        .arg(root().join("samples/remedies/iam-pass-role.txt"))
        .output()
        .unwrap();
    let recs = json_lines(&out.stdout);
    let m = remedy(&recs, "iam-pass-role");
    assert!(m["title"].as_str().unwrap().contains("ロール"));
    assert_eq!(m["policy"]["Statement"][0]["Action"], "iam:PassRole");
}

/// Everything awsplain prints for a sample, per output: human, `-v`, JSON, and both in
/// Japanese. JSON is read back and its strings and policies written out plain, so that a
/// needle matches what a reader sees rather than the escaping; `": "` is written `":"`
/// everywhere, so `"Effect":"Allow"` finds pretty and compact policies alike.
fn printed(sample: &str) -> Vec<(String, String)> {
    let path = root().join("samples/remedies").join(sample);
    assert!(path.exists(), "{sample}");
    let mut out = Vec::new();
    for lang in ["en", "ja"] {
        for mode in [&[][..], &["-v"][..]] {
            let run = awsplain()
                .args(["--color", "never", "--lang", lang])
                .args(mode)
                .arg(&path)
                .output()
                .unwrap();
            let text = String::from_utf8(run.stdout).unwrap();
            out.push((format!("human {lang} {mode:?}"), text));
        }
        let run = awsplain()
            .args(["--format", "json", "--lang", lang])
            .arg(&path)
            .output()
            .unwrap();
        let mut text = String::new();
        fn strings(v: &Value, out: &mut String) {
            match v {
                Value::String(s) => {
                    out.push_str(s);
                    out.push('\n');
                }
                Value::Array(a) => a.iter().for_each(|x| strings(x, out)),
                Value::Object(o) => o.values().for_each(|x| strings(x, out)),
                _ => {}
            }
        }
        for rec in json_lines(&run.stdout) {
            strings(&rec, &mut text);
            for m in rec["remedies"].as_array().unwrap() {
                if !m["policy"].is_null() {
                    text.push_str(&m["policy"].to_string());
                    text.push('\n');
                }
            }
        }
        out.push((format!("json {lang}"), text));
    }
    out.into_iter()
        .map(|(mode, text)| (mode, text.replace("\": ", "\":")))
        .collect()
}

/// No output of `sample` holds any of `wrong`, and the full ones (`-v` and JSON; the short
/// human block leaves the snippets out) hold every one of `right`.
fn prints_only_right_advice(sample: &str, wrong: &[&str], right: &[&str]) {
    for (mode, text) in printed(sample) {
        assert!(
            !text.trim().is_empty(),
            "{sample}: nothing printed ({mode})"
        );
        for w in wrong {
            assert!(!text.contains(w), "{sample} ({mode}) prints {w:?}:\n{text}");
        }
        if mode.starts_with("json") || mode.contains("-v") {
            for r in right {
                assert!(text.contains(r), "{sample} ({mode}) lacks {r:?}:\n{text}");
            }
        }
    }
}

/// The JSON records of a sample.
fn records(sample: &str) -> Vec<Value> {
    let run = awsplain()
        .args(["--format", "json"])
        .arg(root().join("samples/remedies").join(sample))
        .output()
        .unwrap();
    json_lines(&run.stdout)
}

#[test]
fn explicit_denies_never_get_an_allow() {
    for (sample, read) in [
        (
            "explicit-deny-policy.txt",
            "--query Role.PermissionsBoundary.PermissionsBoundaryArn",
        ),
        (
            "explicit-deny-policy.bucket.txt",
            "aws s3api get-bucket-policy --bucket example-landing-zone",
        ),
        (
            "explicit-deny-policy.key.txt",
            "aws kms get-key-policy --key-id arn:aws:kms:us-east-1:210987654321:key/",
        ),
        (
            "explicit-deny-policy.endpoint.txt",
            "describe-vpc-endpoints --filters Name=service-name,Values='com.amazonaws.<REGION>.s3'",
        ),
        ("explicit-deny-policy.session.txt", "AssumeRole"),
    ] {
        let recs = records(sample);
        let ids = ids_of(&recs);
        assert_eq!(ids, ["explicit-deny-policy"], "{sample}");
        prints_only_right_advice(
            sample,
            &[
                "\"Effect\":\"Allow\"",
                "put-role-policy",
                "put-key-policy",
                "put-bucket-policy",
                "modify-vpc-endpoint",
                "create-policy-version",
            ],
            &[read],
        );
    }
    // The key lives in another account: the commands run there.
    let m = remedy(
        &records("explicit-deny-policy.key.txt"),
        "explicit-deny-policy",
    )
    .clone();
    assert!(m["steps"]
        .as_array()
        .unwrap()
        .iter()
        .any(|s| s.as_str().unwrap().contains("account 210987654321")));
}

/// The single statement of the policy of remedy `id` in `sample`'s first record.
fn statement_of(sample: &str, id: &str) -> Value {
    let recs = records(sample);
    remedy(&recs, id)["policy"]["Statement"][0].clone()
}

#[test]
fn actions_and_resources_follow_the_service_authorization_reference() {
    // An action that takes no resource ARN gets "*", whatever the text names.
    let st = statement_of("iam-allow-action.only-star.txt", "iam-allow-action");
    assert_eq!(st["Action"], "states:SendTaskFailure");
    assert_eq!(st["Resource"], "*");
    prints_only_right_advice(
        "iam-allow-action.only-star.txt",
        &["\"Resource\":\"arn:aws:states"],
        &["\"Resource\":\"*\""],
    );
    // A truncated ARN becomes the table ARN's form with what is missing to fill in.
    let st = statement_of("iam-allow-action.truncated-arn.txt", "iam-allow-action");
    assert_eq!(
        st["Resource"],
        "arn:aws:dynamodb:us-east-1:<ACCOUNT_ID>:table/<TABLE_NAME>"
    );
    prints_only_right_advice(
        "iam-allow-action.truncated-arn.txt",
        &["\"Resource\":\"arn:aws:dynamodb:us-east-1\""],
        &["table/<TABLE_NAME>"],
    );
    // A deployment group has its application in the ARN.
    let st = statement_of("iam-allow-action.masked-group.txt", "iam-allow-action");
    assert_eq!(
        st["Resource"],
        "arn:aws:codedeploy:us-east-1:123456789012:deploymentgroup:<APPLICATION_NAME>/<DEPLOYMENT_GROUP_NAME>"
    );
    // No policy names an action that does not exist; the step names the service that has it.
    let st = statement_of("iam-allow-action.no-such-action.txt", "iam-allow-action");
    assert_eq!(st["Action"], "<SERVICE>:CreateRole");
    prints_only_right_advice(
        "iam-allow-action.no-such-action.txt",
        &["\"Action\":\"ec2:CreateRole\"", "$ aws iam put-user-policy"],
        &["iam"],
    );
}

#[test]
fn operations_are_authorised_as_their_iam_actions() {
    for (sample, id, action, resource) in [
        (
            "s3-access-denied.operation.txt",
            "s3-access-denied",
            "s3:ListBucket",
            "arn:aws:s3:::<BUCKET_NAME>",
        ),
        (
            "s3-access-denied.list-buckets.txt",
            "s3-access-denied",
            "s3:ListAllMyBuckets",
            "*",
        ),
    ] {
        let st = statement_of(sample, id);
        assert_eq!(st["Action"], action, "{sample}");
        assert_eq!(st["Resource"], resource, "{sample}");
        prints_only_right_advice(
            sample,
            &[
                "\"Action\":\"s3:ListObjectsV2\"",
                "\"Action\":\"s3:ListBuckets\"",
            ],
            &[action],
        );
    }
}

/// The Python of the test venv (`scripts/test.sh` installs the pinned policy_sentry there),
/// or `None` when it lacks policy_sentry and the run does not require it.
fn policy_sentry_python() -> Option<std::path::PathBuf> {
    let venv = std::env::var_os("AWSPLAIN_VENV")
        .map(std::path::PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME").map(|h| std::path::Path::new(&h).join(".cache/awsplain-venv"))
        })?;
    let python = venv.join("bin/python");
    let has = std::process::Command::new(&python)
        .args(["-c", "import policy_sentry"])
        .output()
        .is_ok_and(|o| o.status.success());
    if has {
        return Some(python);
    }
    assert!(
        std::env::var_os("AWSPLAIN_REQUIRE_POLICY_SENTRY").is_none(),
        "policy_sentry is not installed in {}",
        venv.display()
    );
    eprintln!(
        "skipped: no policy_sentry in {} (scripts/test.sh installs it)",
        venv.display()
    );
    None
}

#[test]
fn reference_data_is_what_the_pinned_policy_sentry_gives() {
    let Some(python) = policy_sentry_python() else {
        return;
    };
    let out = std::process::Command::new(python)
        .arg(root().join("scripts/sar.py"))
        .arg("check")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn every_printed_policy_passes_the_catalog_check() {
    let Some(python) = policy_sentry_python() else {
        return;
    };
    let mut cmd = std::process::Command::new(python);
    cmd.arg(root().join("scripts/check_policies.py"))
        .arg("--bin")
        .arg(assert_cmd::cargo::cargo_bin("awsplain"));
    let dev = root().join("../shared/corpus/dev.jsonl");
    if dev.exists() {
        cmd.arg(dev);
    }
    let out = cmd.output().unwrap();
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{report}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(report.contains(" 0 errors"), "{report}");
}

#[test]
fn web_identity_trust_policies_carry_conditions_and_accounts_are_named() {
    let m = remedy(
        &records("assume-role-trust.web-identity.txt"),
        "assume-role-trust",
    )
    .clone();
    let trust: Value =
        serde_json::from_str(m["snippets"]["trust-policy"].as_str().unwrap()).unwrap();
    let cond = &trust["Statement"][0]["Condition"]["StringEquals"];
    assert!(cond["<OIDC_PROVIDER_HOST>:aud"].is_string(), "{trust}");
    assert!(cond["<OIDC_PROVIDER_HOST>:sub"].is_string(), "{trust}");
    // The provider named only elsewhere in the error's text: a CloudTrail event's
    // `identityProvider`, outside the message.
    let m = remedy(
        &records("assume-role-trust.web-identity-cloudtrail.txt"),
        "assume-role-trust",
    )
    .clone();
    let trust: Value =
        serde_json::from_str(m["snippets"]["trust-policy"].as_str().unwrap()).unwrap();
    let st = &trust["Statement"][0];
    let gh = "token.actions.githubusercontent.com";
    assert_eq!(
        st["Principal"]["Federated"],
        format!("arn:aws:iam::<ACCOUNT_ID>:oidc-provider/{gh}"),
        "{trust}"
    );
    assert_eq!(
        st["Condition"]["StringLike"][format!("{gh}:sub")],
        "repo:<OWNER>/<REPO>:*"
    );
    prints_only_right_advice(
        "assume-role-trust.web-identity.txt",
        &["\"Action\":\"sts:AssumeRoleWithWebIdentity\"\n"],
        &[":sub\":\"<SUBJECT>\""],
    );
    // Cross-account AssumeRole: the trust policy in the role's account, the permission in
    // the caller's.
    let m = remedy(&records("assume-role-trust.txt"), "assume-role-trust").clone();
    let steps = m["steps"].to_string();
    assert!(
        steps.contains("account 210987654321, the role's"),
        "{steps}"
    );
    assert!(
        steps.contains("account 123456789012, the caller's"),
        "{steps}"
    );
}

#[test]
fn passed_to_service_comes_from_service_and_operation_together() {
    for (sample, settled, wrong) in [
        (
            "iam-pass-role.s3-batch.txt",
            "batchoperations.s3.amazonaws.com",
            "glue.amazonaws.com",
        ),
        (
            "iam-pass-role.mediaconvert.txt",
            "mediaconvert.amazonaws.com",
            "glue.amazonaws.com",
        ),
        (
            "iam-pass-role.codepipeline.txt",
            "codepipeline.amazonaws.com",
            "sagemaker.amazonaws.com",
        ),
        (
            "iam-pass-role.instance-role.txt",
            "ec2.amazonaws.com",
            "ecs-tasks.amazonaws.com",
        ),
    ] {
        let st = statement_of(sample, "iam-pass-role");
        assert_eq!(
            st["Condition"]["StringEquals"]["iam:PassedToService"], settled,
            "{sample}"
        );
        prints_only_right_advice(sample, &[wrong], &[settled]);
    }
    // Where the text does not settle it: a placeholder and the likely services, and the
    // command is not ready to paste.
    for (sample, likely) in [
        (
            "iam-pass-role.shared-operation.txt",
            &[
                "glue.amazonaws.com",
                "batchoperations.s3.amazonaws.com",
                "mediaconvert.amazonaws.com",
            ][..],
        ),
        (
            "iam-pass-role.role-name-only.txt",
            &["ec2.amazonaws.com", "ecs-tasks.amazonaws.com"][..],
        ),
    ] {
        let st = statement_of(sample, "iam-pass-role");
        assert_eq!(
            st["Condition"]["StringEquals"]["iam:PassedToService"], "<SERVICE_PRINCIPAL>",
            "{sample}"
        );
        prints_only_right_advice(
            sample,
            &[
                "\"iam:PassedToService\":\"ecs-tasks",
                "\"iam:PassedToService\":\"glue",
                "$ aws iam put-",
            ],
            likely,
        );
    }
}

#[test]
fn identity_center_roles_get_the_permission_set_and_paths_are_read() {
    prints_only_right_advice(
        "iam-allow-action.identity-center.txt",
        &[
            "put-role-policy",
            "aws_iam_role_policy",
            "AWS::IAM::RolePolicy",
        ],
        &[
            "put-inline-policy-to-permission-set",
            "provision-permission-set",
            "`DataEngineer`",
        ],
    );
    let st = statement_of("kms-key-policy.identity-center.txt", "kms-key-policy");
    assert_eq!(
        st["Principal"]["AWS"],
        "arn:aws:iam::123456789012:role/<ROLE_PATH>/AWSReservedSSO_DataEngineer_0123456789abcdef"
    );
    prints_only_right_advice(
        "kms-key-policy.identity-center.txt",
        &["\"AWS\":\"arn:aws:iam::123456789012:role/AWSReservedSSO_"],
        &["aws iam get-role --role-name AWSReservedSSO_DataEngineer_0123456789abcdef --query Role.Arn"],
    );
}

#[test]
fn the_root_user_is_never_given_an_identity_policy() {
    assert_eq!(
        ids_of(&records("root-user-denied.txt")),
        ["root-user-denied"]
    );
    prints_only_right_advice(
        "root-user-denied.txt",
        &[
            "aws iam put-role-policy",
            "put-user-policy --user-name",
            "<ROLE_NAME>",
            "\"Effect\":\"Allow\"",
        ],
        &[
            "SERVICE_CONTROL_POLICY",
            "get-bucket-policy --bucket example-audit-logs",
        ],
    );
}

#[test]
fn commands_run_in_the_account_that_holds_the_policy() {
    // An RCP is looked up for the account that owns the resource.
    prints_only_right_advice(
        "rcp-explicit-deny.cross-account.txt",
        &["--target-id 123456789012"],
        &["list-policies-for-target --target-id 999988887777 --filter RESOURCE_CONTROL_POLICY"],
    );
    // Without an account in the ARN, a placeholder rather than the caller's.
    prints_only_right_advice(
        "rcp-explicit-deny.txt",
        &["--target-id 444455556666"],
        &["<RESOURCE_ACCOUNT_ID>"],
    );
    // The key policy is read and written in the key's account.
    let m = remedy(
        &records("explicit-deny-policy.key.txt"),
        "explicit-deny-policy",
    )
    .clone();
    assert!(m["steps"].to_string().contains("account 210987654321"));
    let m = remedy(
        &records("resource-based-policy.txt"),
        "resource-based-policy",
    )
    .clone();
    let steps = m["steps"].to_string();
    assert!(
        steps.contains("account 999988887777 (the resource's owner)"),
        "{steps}"
    );
    assert!(steps.contains("different accounts"), "{steps}");
}

#[test]
fn the_region_variable_is_the_one_the_failing_sdk_reads() {
    for (sample, right, wrong) in [
        (
            "region-missing.boto3.txt",
            "export AWS_DEFAULT_REGION=<REGION>",
            "export AWS_REGION=",
        ),
        (
            "region-missing.txt",
            "export AWS_DEFAULT_REGION=<REGION>",
            "export AWS_REGION=",
        ),
        (
            "region-missing.go-sdk-v2.txt",
            "export AWS_REGION=<REGION>",
            "export AWS_DEFAULT_REGION=",
        ),
        (
            "region-missing.java-sdk.txt",
            "export AWS_REGION=<REGION>",
            "export AWS_DEFAULT_REGION=",
        ),
    ] {
        let m = remedy(&records(sample), "region-missing").clone();
        assert_eq!(
            m["snippets"]["environment"],
            format!("{right}\n"),
            "{sample}"
        );
        prints_only_right_advice(sample, &[wrong], &[right]);
    }
}

#[test]
fn catalog_facts_match_aws_documentation() {
    prints_only_right_advice(
        "secrets-not-found.txt",
        &[
            "scheduled for deletion is also not found",
            "削除予定のシークレットも見つからない",
        ],
        &["InvalidRequestException"],
    );
    prints_only_right_advice(
        "sqs-message-too-long.txt",
        &["256 KiB unless lowered", "下げていなければ 256 KiB"],
        &["1,048,576"],
    );
    prints_only_right_advice(
        "dynamodb-transaction-canceled.txt",
        &[
            "(for example two operations on the same item in one transaction)",
            "(一つのトランザクションで同じ項目を二度操作したなど)",
        ],
        &["ValidationException"],
    );
    prints_only_right_advice(
        "ssm-parameter-not-found.txt",
        &[
            "`/app/prod/db` and `app/prod/db` differ",
            "`app/prod/db` は別物",
        ],
        &["`/db`", "`/app/prod/db`"],
    );
    // The Japanese text gives the limits too.
    let out = awsplain()
        .args(["--format", "json", "--lang", "ja"])
        .arg(root().join("samples/remedies/lambda-payload-too-large.txt"))
        .output()
        .unwrap();
    let m = remedy(&json_lines(&out.stdout), "lambda-payload-too-large").clone();
    let text = m["explanation"].as_str().unwrap();
    for limit in ["6 MB", "256 KB", "1 MB"] {
        assert!(text.contains(limit), "{text}");
    }
}

#[test]
fn secrets_are_masked_with_redact_and_warned_about_without() {
    let sample = root().join("samples/remedies/generic-aws-error.secret-in-url.txt");
    for format in ["json", "human"] {
        for lang in ["en", "ja"] {
            for extra in [&[][..], &["-v"][..]] {
                let run = awsplain()
                    .args([
                        "--redact", "--color", "never", "--format", format, "--lang", lang,
                    ])
                    .args(extra)
                    .arg(&sample)
                    .output()
                    .unwrap();
                let out = String::from_utf8(run.stdout).unwrap();
                assert!(out.contains("<SECRET-1>"), "{out}");
                assert!(!out.contains("Tr0ub4dor-3"), "{out}");
                assert!(String::from_utf8_lossy(&run.stderr).is_empty());
            }
        }
        let run = awsplain()
            .args(["--color", "never", "--format", format])
            .arg(&sample)
            .output()
            .unwrap();
        let err = String::from_utf8(run.stderr).unwrap();
        assert!(
            err.contains("looks like a password in a URL") && err.contains("--redact"),
            "{err}"
        );
        assert_eq!(err.lines().count(), 1, "{err}");
    }
    // A text without a secret gets no warning.
    let run = awsplain()
        .args(["--format", "json"])
        .arg(root().join("samples/remedies/iam-pass-role.txt"))
        .output()
        .unwrap();
    assert!(run.stderr.is_empty());
}

#[test]
fn lambda_function_policies_change_through_add_permission() {
    let m = remedy(
        &records("resource-based-policy.lambda.txt"),
        "resource-based-policy",
    )
    .clone();
    assert!(
        m["policy"].is_null(),
        "no document to merge: {}",
        m["policy"]
    );
    let apply: Vec<&str> = m["apply"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap())
        .collect();
    assert_eq!(
        apply.last().copied(),
        Some("aws lambda add-permission --function-name arn:aws:lambda:us-east-1:123456789012:function:orders-export --statement-id awsplain-lambda-InvokeFunction --action lambda:InvokeFunction --principal arn:aws:iam::210987654321:role/partner-scheduler")
    );
    prints_only_right_advice(
        "resource-based-policy.lambda.txt",
        &[
            "merge the statement below",
            "下のステートメントを既存のポリシーに追記",
        ],
        &["aws lambda add-permission"],
    );
}

#[test]
fn endpoint_policies_are_read_before_they_are_replaced() {
    let m = remedy(&records("vpc-endpoint-policy.txt"), "vpc-endpoint-policy").clone();
    let apply: Vec<&str> = m["apply"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap())
        .collect();
    let read = apply
        .iter()
        .position(|a| {
            a.contains(
                "--query 'VpcEndpoints[0].PolicyDocument' --output text > endpoint-policy.json",
            )
        })
        .expect("a command that reads the current policy");
    let modify = apply
        .iter()
        .position(|a| a.contains("modify-vpc-endpoint"))
        .expect("the command that applies the merged policy");
    assert!(read < modify, "{apply:?}");
    assert!(apply[modify].contains("--policy-document file://endpoint-policy.json"));
    prints_only_right_advice(
        "vpc-endpoint-policy.txt",
        &["--policy-document '{"],
        &["endpoint-policy.json", "com.amazonaws.<REGION>.s3"],
    );
    assert!(m["steps"]
        .to_string()
        .contains("`modify-vpc-endpoint --policy-document` replaces the whole endpoint policy"));
}

#[test]
fn fixes_for_different_resources_do_not_overwrite_each_other() {
    let name = |sample: &str| {
        let m = remedy(&records(sample), "iam-allow-action").clone();
        let apply = m["apply"][0].as_str().unwrap().to_string();
        let name = apply
            .split(" --policy-name ")
            .nth(1)
            .and_then(|r| r.split(' ').next())
            .unwrap()
            .to_string();
        (name, apply, m)
    };
    let (orders, apply, m) = name("iam-allow-action.txt");
    let (invoices, ..) = name("iam-allow-action.second-table.txt");
    assert_eq!(orders, "awsplain-dynamodb-BatchWriteItem-orders");
    assert_eq!(invoices, "awsplain-dynamodb-BatchWriteItem-invoices");
    // A command with nothing to fill in is ready to paste; the step says what the name is for.
    assert!(apply.starts_with("aws iam put-role-policy "), "{apply}");
    assert!(m["steps"]
        .to_string()
        .contains("replaces an inline policy of the same name"));
    assert!(m["snippets"]["terraform"]
        .as_str()
        .unwrap()
        .contains("name   = \"awsplain-dynamodb-BatchWriteItem-orders\""));
    // One with a placeholder is a comment that says what to fill in first, in every output.
    prints_only_right_advice(
        "iam-pass-role.txt",
        &["$ aws iam put-role-policy", "\naws iam put-role-policy"],
        &["# ", "<TASK_ROLE_NAME> "],
    );
}
