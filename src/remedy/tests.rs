//! Unit tests of remedy selection and the generated artifacts, from records built by hand.

use super::*;
use crate::record::{Deny, PolicyType, Record};
use serde_json::Value;

fn rec() -> Record {
    Record::default()
}

fn ids(r: &Record) -> Vec<String> {
    remedies_for(r, Lang::En)
        .into_iter()
        .map(|m| m.id)
        .collect()
}

fn remedy(r: &Record, id: &str) -> Remedy {
    remedies_for(r, Lang::En)
        .into_iter()
        .find(|m| m.id == id)
        .unwrap_or_else(|| panic!("no {id} in {:?}", ids(r)))
}

/// The single statement of a generated policy, after checking the document's shape.
fn statement(policy: &Option<Value>) -> &Value {
    let doc = policy.as_ref().expect("a policy");
    assert_eq!(doc["Version"], "2012-10-17");
    let st = doc["Statement"].as_array().expect("Statement list");
    assert_eq!(st.len(), 1);
    assert_eq!(st[0]["Effect"], "Allow");
    &st[0]
}

fn as_list(v: &Value) -> Vec<String> {
    match v {
        Value::Array(a) => a.iter().map(|x| x.as_str().unwrap().to_string()).collect(),
        Value::String(s) => vec![s.clone()],
        other => panic!("not a string or list: {other}"),
    }
}

fn sfn_pass_role() -> Record {
    Record {
        error_code: Some("AccessDeniedException".into()),
        wrapper_code: Some("ECS.AccessDeniedException".into()),
        principal: Some(
            "arn:aws:sts::123456789012:assumed-role/OrdersStateMachineRole/a1b2c3".into(),
        ),
        action: Some("iam:PassRole".into()),
        resource: Some("arn:aws:iam::123456789012:role/orders-task-execution-role".into()),
        deny: Some(Deny::Implicit),
        policy_type: Some(PolicyType::IdentityBased),
        ..rec()
    }
}

#[test]
fn iam_pass_role_step_functions_to_ecs() {
    let r = sfn_pass_role();
    assert_eq!(ids(&r)[0], "iam-pass-role");
    let m = remedy(&r, "iam-pass-role");
    let st = statement(&m.policy);
    assert_eq!(as_list(&st["Action"]), ["iam:PassRole"]);
    assert_eq!(
        as_list(&st["Resource"]),
        [
            "arn:aws:iam::123456789012:role/orders-task-execution-role",
            "arn:aws:iam::123456789012:role/<TASK_ROLE_NAME>"
        ]
    );
    assert_eq!(
        st["Condition"]["StringEquals"]["iam:PassedToService"],
        "ecs-tasks.amazonaws.com"
    );
    // The document still holds <TASK_ROLE_NAME>: the command must not look ready to paste.
    assert!(m.apply[0].starts_with(
        "# fill in <TASK_ROLE_NAME> first, then run: aws iam put-role-policy --role-name OrdersStateMachineRole "
    ));
    // The command's document is the same policy.
    let quoted = m.apply[0].rsplit("--policy-document ").next().unwrap();
    let doc: Value = serde_json::from_str(quoted.trim_matches('\'')).unwrap();
    assert_eq!(Some(&doc), m.policy.as_ref());
    assert!(m.snippets["terraform"].contains("resource \"aws_iam_role_policy\""));
    assert!(m.snippets["terraform"].contains("\"OrdersStateMachineRole\""));
    assert!(m.snippets["cloudformation"].contains("AWS::IAM::RolePolicy"));
    assert!(m.title.contains("iam:PassRole"));
}

#[test]
fn iam_pass_role_user_and_lambda_service() {
    let r = Record {
        principal: Some("arn:aws:iam::123456789012:user/deployer".into()),
        action: Some("iam:PassRole".into()),
        resource: Some("arn:aws:iam::123456789012:role/fn-exec".into()),
        operation: Some("CreateFunction".into()),
        deny: Some(Deny::Implicit),
        ..rec()
    };
    let m = remedy(&r, "iam-pass-role");
    let st = statement(&m.policy);
    assert_eq!(
        as_list(&st["Resource"]),
        ["arn:aws:iam::123456789012:role/fn-exec"]
    );
    assert_eq!(
        st["Condition"]["StringEquals"]["iam:PassedToService"],
        "lambda.amazonaws.com"
    );
    assert!(m.apply[0].starts_with("aws iam put-user-policy --user-name deployer "));
    assert!(m.snippets["terraform"].contains("aws_iam_user_policy"));
}

#[test]
fn iam_pass_role_without_known_service_has_a_placeholder_condition() {
    let r = Record {
        action: Some("iam:PassRole".into()),
        resource: Some("arn:aws:iam::123456789012:role/deployer".into()),
        ..rec()
    };
    let m = remedy(&r, "iam-pass-role");
    let st = statement(&m.policy);
    assert_eq!(
        st["Condition"]["StringEquals"]["iam:PassedToService"],
        "<SERVICE_PRINCIPAL>"
    );
    assert!(m.apply[0].starts_with("# fill in <ROLE_NAME>, <SERVICE_PRINCIPAL> first"));
    assert!(m.apply[0].contains("--role-name '<ROLE_NAME>'"));
}

#[test]
fn iam_allow_action_exact_arn_and_placeholder() {
    let r = Record {
        principal: Some("arn:aws:sts::123456789012:assumed-role/app/i-0abc".into()),
        action: Some("dynamodb:BatchWriteItem".into()),
        resource: Some("arn:aws:dynamodb:us-west-2:123456789012:table/orders".into()),
        deny: Some(Deny::Implicit),
        policy_type: Some(PolicyType::IdentityBased),
        ..rec()
    };
    let m = remedy(&r, "iam-allow-action");
    let st = statement(&m.policy);
    assert_eq!(as_list(&st["Action"]), ["dynamodb:BatchWriteItem"]);
    assert_eq!(
        as_list(&st["Resource"]),
        ["arn:aws:dynamodb:us-west-2:123456789012:table/orders"]
    );
    assert!(m.apply[0].contains("--role-name app "));

    let redacted = Record {
        resource: Some("arn:aws:ssm:eu-west-2:<account id>:parameter/DB_URL".into()),
        action: Some("ssm:GetParameters".into()),
        ..r
    };
    let m = remedy(&redacted, "iam-allow-action");
    let res = as_list(&statement(&m.policy)["Resource"]);
    assert_eq!(res, ["arn:aws:ssm:eu-west-2:<ACCOUNT_ID>:parameter/DB_URL"]);
    assert!(!res.contains(&"*".to_string()));
}

#[test]
fn scp_and_rcp() {
    let r = Record {
        action: Some("ec2:RunInstances".into()),
        principal: Some("arn:aws:sts::123456789012:assumed-role/dev/x".into()),
        deny: Some(Deny::Explicit),
        policy_type: Some(PolicyType::ServiceControl),
        policy_arn: Some(
            "arn:aws:organizations::111111111111:policy/o-abc/service_control_policy/p-12345678"
                .into(),
        ),
        ..rec()
    };
    let m = remedy(&r, "scp-explicit-deny");
    assert_eq!(ids(&r)[0], "scp-explicit-deny");
    assert!(m
        .apply
        .iter()
        .any(|a| a == "aws organizations describe-policy --policy-id p-12345678"));
    assert!(m.apply.iter().any(|a| a.contains(
        "list-policies-for-target --target-id 123456789012 --filter SERVICE_CONTROL_POLICY"
    )));
    assert!(m.policy.is_none());
    let r = Record {
        policy_type: Some(PolicyType::ResourceControl),
        policy_arn: None,
        ..r
    };
    let m = remedy(&r, "rcp-explicit-deny");
    assert!(m
        .apply
        .iter()
        .any(|a| a.contains("RESOURCE_CONTROL_POLICY")));
}

#[test]
fn explicit_boundary_session_endpoint() {
    let base = Record {
        action: Some("codedeploy:ListDeployments".into()),
        principal: Some("arn:aws:iam::123456789012:user/bob".into()),
        resource: Some("arn:aws:codedeploy:us-east-1:123456789012:deploymentgroup:app/prod".into()),
        ..rec()
    };
    let r = Record {
        deny: Some(Deny::Explicit),
        policy_type: Some(PolicyType::IdentityBased),
        ..base.clone()
    };
    let m = remedy(&r, "explicit-deny-identity");
    assert!(m
        .apply
        .iter()
        .any(|a| a == "aws iam list-attached-user-policies --user-name bob"));
    assert!(
        m.policy.is_none(),
        "an explicit deny is not fixed by adding an Allow"
    );

    let r = Record {
        deny: Some(Deny::Implicit),
        policy_type: Some(PolicyType::PermissionsBoundary),
        ..base.clone()
    };
    let m = remedy(&r, "permissions-boundary");
    assert_eq!(
        as_list(&statement(&m.policy)["Action"]),
        ["codedeploy:ListDeployments"]
    );
    assert!(m.apply[0].contains("get-user --user-name bob"));

    let r = Record {
        deny: Some(Deny::Implicit),
        policy_type: Some(PolicyType::Session),
        ..base.clone()
    };
    assert_eq!(ids(&r)[0], "session-policy");

    let r = Record {
        deny: Some(Deny::Implicit),
        policy_type: Some(PolicyType::VpcEndpoint),
        ..base
    };
    let m = remedy(&r, "vpc-endpoint-policy");
    assert!(m
        .apply
        .iter()
        .any(|a| a.contains("com.amazonaws.us-east-1.codedeploy")));
}

#[test]
fn resource_based_and_kms_key_policy() {
    let r = Record {
        action: Some("secretsmanager:GetSecretValue".into()),
        principal: Some("arn:aws:sts::123456789012:assumed-role/reader/s1".into()),
        resource: Some("arn:aws:secretsmanager:us-east-1:999999999999:secret:db-AbCdEf".into()),
        deny: Some(Deny::Implicit),
        policy_type: Some(PolicyType::ResourceBased),
        ..rec()
    };
    let m = remedy(&r, "resource-based-policy");
    let st = statement(&m.policy);
    assert_eq!(
        st["Principal"]["AWS"],
        "arn:aws:iam::123456789012:role/reader"
    );
    assert!(m.apply[0].starts_with("aws secretsmanager get-resource-policy"));

    let r = Record {
        action: Some("kms:Decrypt".into()),
        resource: Some(
            "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab".into(),
        ),
        ..r
    };
    let m = remedy(&r, "kms-key-policy");
    assert_eq!(ids(&r)[0], "kms-key-policy");
    let st = statement(&m.policy);
    assert_eq!(st["Resource"], "*");
    assert_eq!(as_list(&st["Action"]), ["kms:Decrypt"]);
}

#[test]
fn assume_role_trust_has_both_sides() {
    let r = Record {
        error_code: Some("AccessDenied".into()),
        operation: Some("AssumeRole".into()),
        action: Some("sts:AssumeRole".into()),
        principal: Some("arn:aws:sts::123456789012:assumed-role/ci/run-1".into()),
        resource: Some("arn:aws:iam::222222222222:role/deploy".into()),
        ..rec()
    };
    assert_eq!(ids(&r)[0], "assume-role-trust");
    let m = remedy(&r, "assume-role-trust");
    let st = statement(&m.policy);
    assert_eq!(
        as_list(&st["Resource"]),
        ["arn:aws:iam::222222222222:role/deploy"]
    );
    let trust: Value = serde_json::from_str(&m.snippets["trust-policy"]).unwrap();
    assert_eq!(
        trust["Statement"][0]["Principal"]["AWS"],
        "arn:aws:iam::123456789012:role/ci"
    );
    assert!(m
        .apply
        .iter()
        .any(|a| a.contains("update-assume-role-policy --role-name deploy")));
}

#[test]
fn decode_and_authorization_details() {
    let r = Record {
        error_code: Some("UnauthorizedOperation".into()),
        encoded_message: Some("AbCdEf-123_xyz".into()),
        authorization_id: Some("auth-7f1c".into()),
        operation: Some("RunInstances".into()),
        ..rec()
    };
    let got = ids(&r);
    assert!(got.contains(&"decode-authorization-message".to_string()));
    let m = remedy(&r, "decode-authorization-message");
    assert!(m.apply[0].contains("--encoded-message AbCdEf-123_xyz"));
    assert_eq!(
        as_list(&statement(&m.policy)["Action"]),
        ["sts:DecodeAuthorizationMessage"]
    );
    let m = remedy(&r, "authorization-details");
    assert_eq!(m.snippets["authorization-id"], "auth-7f1c");
}

#[test]
fn credentials_family() {
    for (code, id) in [
        ("ExpiredToken", "credentials-expired"),
        ("ExpiredTokenException", "credentials-expired"),
        ("InvalidClientTokenId", "credentials-invalid"),
        ("UnrecognizedClientException", "credentials-invalid"),
        ("AuthFailure", "credentials-invalid"),
        ("InvalidAccessKeyId", "credentials-invalid"),
        ("SignatureDoesNotMatch", "credentials-signature"),
        ("RequestExpired", "credentials-signature"),
    ] {
        let r = Record {
            error_code: Some(code.into()),
            ..rec()
        };
        assert_eq!(ids(&r)[0], id, "{code}");
    }
    let r = Record { message: Some("Unable to locate credentials. You can configure credentials by running \"aws configure\".".into()), ..rec() };
    assert_eq!(ids(&r)[0], "credentials-missing");
}

#[test]
fn throttling_and_quota() {
    for code in [
        "ThrottlingException",
        "Throttling",
        "TooManyRequestsException",
        "RequestLimitExceeded",
        "ProvisionedThroughputExceededException",
        "SlowDown",
        "RequestThrottled",
        "ProvisionedThroughputExceeded",
    ] {
        let r = Record {
            error_code: Some(code.into()),
            ..rec()
        };
        assert!(
            ids(&r).contains(&"throttling-backoff".to_string()),
            "{code}"
        );
    }
    let r = Record {
        error_code: Some("Lambda.TooManyRequestsException".into()),
        ..rec()
    };
    let m = remedy(&r, "throttling-backoff");
    let retry: Value = serde_json::from_str(&m.snippets["step-functions"]).unwrap();
    assert_eq!(
        retry["Retry"][0]["ErrorEquals"][0],
        "Lambda.TooManyRequestsException"
    );
    // The text filled into the printed skeleton is what serde_json prints for the document.
    assert_eq!(
        m.snippets["step-functions"],
        serde_json::to_string_pretty(&retry).unwrap()
    );
    let r = Record {
        error_code: Some("TooManyRequestsException".into()),
        service: Some("AWSLambda".into()),
        ..rec()
    };
    assert_eq!(ids(&r), ["lambda-concurrency", "throttling-backoff"]);

    let r = Record {
        error_code: Some("LimitExceededException".into()),
        service: Some("Lambda".into()),
        ..rec()
    };
    let m = remedy(&r, "quota-increase");
    assert!(m.apply.iter().any(|a| a
        .starts_with("# fill in <QUOTA_CODE>, <NEW_VALUE> first, then run: aws service-quotas request-service-quota-increase --service-code lambda")));
}

#[test]
fn ecs_network_configuration_three_shapes() {
    let r = Record {
        error_code: Some("InvalidParameterException".into()),
        operation: Some("RunTask".into()),
        message: Some(
            "Network Configuration must be provided when networkMode 'awsvpc' is specified.".into(),
        ),
        ..rec()
    };
    assert_eq!(ids(&r)[0], "ecs-network-configuration");
    let m = remedy(&r, "ecs-network-configuration");
    let api: Value = serde_json::from_str(&m.snippets["run-task-json"]).unwrap();
    let v = &api["networkConfiguration"]["awsvpcConfiguration"];
    assert_eq!(v["assignPublicIp"], "DISABLED");
    assert!(v["subnets"][0].as_str().unwrap().contains("SUBNET"));
    assert!(v["securityGroups"][0]
        .as_str()
        .unwrap()
        .contains("SECURITY_GROUP"));
    let sfn: Value = serde_json::from_str(&m.snippets["step-functions"]).unwrap();
    assert!(sfn["NetworkConfiguration"]["AwsvpcConfiguration"]["Subnets"].is_array());
    assert!(sfn["NetworkConfiguration"]["AwsvpcConfiguration"]["SecurityGroups"].is_array());
    assert!(m.snippets["aws-cli"]
        .starts_with("--network-configuration 'awsvpcConfiguration={subnets=["));
    assert!(m.apply[0].starts_with("# fill in <CLUSTER_NAME>, <TASK_DEFINITION>, <PRIVATE_SUBNET_ID_1>, <PRIVATE_SUBNET_ID_2>, <SECURITY_GROUP_ID> first, then run: aws ecs run-task "));
}

#[test]
fn service_names_normalise() {
    for (s, want) in [
        ("AmazonECS", "ecs"),
        ("Ecs", "ecs"),
        ("ECS", "ecs"),
        ("AWSLambda", "lambda"),
        ("Amazon S3", "s3"),
        ("s3.amazonaws.com", "s3"),
        ("AWSSecurityTokenService", "sts"),
        ("AWSKMS", "kms"),
        ("AmazonIdentityManagement", "iam"),
        ("AWSStepFunctions", "states"),
        ("AmazonDynamoDBv2", "dynamodb"),
        ("AWSLambdaInternal", "lambda"),
    ] {
        assert_eq!(normalize_service(s), want, "{s}");
    }
}

#[test]
fn known_codes_do_not_fall_through() {
    for (code, service, id) in [
        ("NoSuchBucket", None, "s3-no-such-bucket"),
        ("NoSuchKey", None, "s3-no-such-key"),
        (
            "ResourceNotFoundException",
            Some("AmazonDynamoDBv2"),
            "dynamodb-resource-not-found",
        ),
        (
            "ResourceNotFoundException",
            Some("AWSSecretsManager"),
            "secrets-not-found",
        ),
        ("ResourceNotFoundException", None, "resource-not-found"),
        ("ValidationException", None, "validation-error"),
        (
            "CannotPullContainerError",
            None,
            "ecs-cannot-pull-container",
        ),
        (
            "ResourceInitializationError",
            None,
            "ecs-resource-initialization",
        ),
        ("OutOfMemoryError", None, "ecs-out-of-memory"),
        ("States.Timeout", None, "states-timeout"),
        ("States.TaskFailed", None, "states-task-failed"),
        ("ParameterNotFound", None, "ssm-parameter-not-found"),
        ("DisabledException", None, "kms-key-disabled"),
        ("NotFoundException", Some("kms"), "kms-key-not-found"),
        (
            "InvalidParameterException",
            Some("AmazonECS"),
            "ecs-invalid-parameter",
        ),
        ("AccessDenied", Some("Amazon S3"), "s3-access-denied"),
        ("AccessDeniedException", None, "access-denied"),
        ("UnauthorizedOperation", None, "ec2-unauthorized-operation"),
    ] {
        let r = Record {
            error_code: Some(code.into()),
            service: service.map(String::from),
            ..rec()
        };
        assert_eq!(ids(&r)[0], id, "{code} {service:?}");
    }
    let r = Record {
        error_code: Some("SomethingNobodyKnows".into()),
        ..rec()
    };
    assert_eq!(ids(&r), ["generic-aws-error"]);
    let r = Record {
        message: Some("2024-01-01T00:00:00Z abc Task timed out after 3.00 seconds".into()),
        ..rec()
    };
    assert_eq!(ids(&r)[0], "lambda-timeout");
    let r = Record {
        error_code: Some("ClientException".into()),
        message: Some(
            "Fargate requires task definition to have execution role ARN to support ECR images."
                .into(),
        ),
        ..rec()
    };
    assert_eq!(ids(&r)[0], "ecs-execution-role-required");
}

#[test]
fn every_entry_is_complete_in_both_languages() {
    let en = catalog::entries(Lang::En);
    let ja = catalog::entries(Lang::Ja);
    assert!(en.len() >= 80, "catalog has {} entries", en.len());
    assert_eq!(en.len(), ja.len());
    let mut seen = std::collections::BTreeSet::new();
    for ((e, j), filed) in en.iter().zip(ja).zip(catalog::filed_ids()) {
        assert!(seen.insert(e.id), "duplicate id {}", e.id);
        assert_eq!(e.id, filed, "document filed as {filed} says id {}", e.id);
        assert_eq!(j.id, e.id);
        for x in [e, j] {
            assert!(!x.title.is_empty() && !x.explanation.is_empty(), "{}", x.id);
            assert!(!x.steps.is_empty(), "{} has no steps", x.id);
            assert!(
                !x.title.contains("draft") && !x.explanation.contains("draft"),
                "{}",
                x.id
            );
        }
        // The Japanese text is Japanese, not an English copy.
        assert!(
            j.explanation
                .chars()
                .any(|c| ('\u{3040}'..='\u{30ff}').contains(&c)),
            "{} ja is not Japanese",
            e.id
        );
        assert_ne!(e.explanation, j.explanation);
    }
}

#[test]
fn japanese_remedies_keep_ids_and_artifacts() {
    let r = sfn_pass_role();
    let en = remedies_for(&r, Lang::En);
    let ja = remedies_for(&r, Lang::Ja);
    assert_eq!(en[0].id, ja[0].id);
    assert_eq!(en[0].policy, ja[0].policy);
    assert!(ja[0].title.contains("権限"));
}

#[test]
fn explain_lookup_by_id_and_code() {
    assert_eq!(
        lookup("iam-pass-role", Lang::En).unwrap().id,
        "iam-pass-role"
    );
    assert_eq!(
        lookup("AccessDeniedException", Lang::En).unwrap().id,
        "access-denied"
    );
    assert_eq!(lookup("NoSuchKey", Lang::Ja).unwrap().id, "s3-no-such-key");
    assert_eq!(
        lookup("ExpiredToken", Lang::En).unwrap().id,
        "credentials-expired"
    );
    assert!(lookup("definitely-not-a-topic", Lang::En).is_none());
    assert_eq!(
        fill_placeholders("pass {{resource}} by {{principal|the caller}}"),
        "pass <RESOURCE_ARN> by the caller"
    );
}

/// The cache answers exactly what building the remedies anew would: a record differing from a
/// cached one in any field remedies read gets its own remedies, never the cached ones.
#[test]
fn cached_remedies_follow_every_input_field() {
    let base = sfn_pass_role();
    let mut variants = vec![base.clone()];
    let other = |s: &Option<String>| Some(format!("{}-other", s.as_deref().unwrap_or("x")));
    type Field = fn(&mut Record) -> &mut Option<String>;
    let fields: [Field; 11] = [
        |r| &mut r.error_code,
        |r| &mut r.wrapper_code,
        |r| &mut r.service,
        |r| &mut r.operation,
        |r| &mut r.message,
        |r| &mut r.principal,
        |r| &mut r.action,
        |r| &mut r.resource,
        |r| &mut r.policy_arn,
        |r| &mut r.encoded_message,
        |r| &mut r.authorization_id,
    ];
    for f in fields {
        let mut v = base.clone();
        let changed = other(f(&mut v));
        *f(&mut v) = changed;
        variants.push(v);
    }
    variants.push(Record {
        status_code: Some(403),
        ..base.clone()
    });
    variants.push(Record {
        deny: Some(Deny::Explicit),
        ..base.clone()
    });
    variants.push(Record {
        policy_type: Some(PolicyType::ServiceControl),
        ..base.clone()
    });
    // Twice over, so that the second round is answered from the cache.
    for _ in 0..2 {
        for v in &variants {
            for lang in [Lang::En, Lang::Ja] {
                assert_eq!(remedies_for_cached(v, lang), remedies_for(v, lang), "{v:?}");
            }
        }
    }
    // Fields remedies do not read share an entry.
    let same = Record {
        request_id: Some("r-1".into()),
        format: Some("java-sdk".into()),
        ..base.clone()
    };
    assert_eq!(
        remedies_for_cached(&same, Lang::En),
        remedies_for(&base, Lang::En)
    );
}

/// The JSON printer writes remedies from drafts (and from the cache) without making the
/// structs: the bytes must be those of the structs, for every record of the samples, in both
/// languages, whatever the cache holds.
#[test]
fn remedies_written_from_drafts_are_the_remedies_written() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("samples");
    let mut records = vec![sfn_pass_role()];
    for dir in ["formats", "remedies"] {
        for entry in std::fs::read_dir(root.join(dir)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "txt") {
                let text = String::from_utf8_lossy(&std::fs::read(&path).unwrap()).into_owned();
                records.extend(crate::scan_str(&text));
            }
        }
    }
    assert!(records.len() > 100, "samples missing: {}", records.len());
    for round in 0..2 {
        for (i, r) in records.iter().enumerate() {
            for lang in [Lang::En, Lang::Ja] {
                let mut want = Vec::new();
                crate::json::write_remedies(&remedies_for(r, lang), &mut want);
                let mut drafts = Vec::new();
                crate::json::write_drafts(&drafts_for(r, lang, draft::Form::Json), &mut drafts);
                assert_eq!(
                    String::from_utf8_lossy(&drafts),
                    String::from_utf8_lossy(&want),
                    "{r:?}"
                );
                // The second round is answered from the cache; the first fills it, from a
                // cached `Vec<Remedy>` on every other record.
                if round == 0 && i % 2 == 0 {
                    remedies_for_cached(r, lang);
                }
                let mut cached = b"[0,".to_vec();
                remedies_json_cached(r, lang, &mut cached);
                assert_eq!(&cached[3..], &want[..], "{r:?}");
            }
        }
    }
}

/// What a message says, by looking for every phrase in it.
fn says_by_contains(msg: &str) -> MessageSays {
    let lower = msg.to_ascii_lowercase();
    let mut says = MessageSays::default();
    for (g, group) in MessageSays::GROUPS.iter().enumerate() {
        if group.iter().any(|p| lower.contains(p)) {
            says.groups |= 1 << g;
        }
    }
    for (i, e) in catalog::entries(Lang::En).iter().enumerate() {
        if e.matches
            .iter()
            .any(|m| lower.contains(&m.to_ascii_lowercase()))
        {
            says.entries.insert(i);
        }
    }
    says
}

fn phrases() -> Vec<String> {
    let mut all: Vec<String> = MessageSays::GROUPS
        .iter()
        .flat_map(|g| g.iter().map(|p| p.to_string()))
        .collect();
    for e in catalog::entries(Lang::En) {
        all.extend(e.matches.iter().map(|m| m.to_string()));
    }
    all
}

use proptest::prelude::*;

proptest::proptest! {
    /// A message walked in one pass or as two halves at once says what looking for each
    /// phrase finds: phrases across the middle, in any case, at the ends.
    #[test]
    fn what_a_message_says_is_every_phrase_in_it(
        parts in proptest::collection::vec(
            proptest::prop_oneof![
                proptest::sample::select(phrases()),
                proptest::sample::select(phrases()).prop_map(|p| p.to_ascii_uppercase()),
                "[a-zA-Z :.,'()_-]{0,40}",
            ],
            0..30,
        )
    ) {
        let msg = parts.concat();
        proptest::prop_assert_eq!(MessageSays::of(&msg), says_by_contains(&msg));
    }
}

#[test]
fn phrases_across_the_middle_of_a_long_message_are_seen() {
    for p in phrases() {
        for len in [150, 151, 400] {
            for at in 0..len - p.len() {
                let msg = format!("{}{p}{}", "x".repeat(at), "y".repeat(len - at - p.len()));
                assert_eq!(
                    MessageSays::of(&msg),
                    says_by_contains(&msg),
                    "{p:?} at {at}"
                );
            }
        }
    }
}

/// The remedy shapes (`shape.rs`) swap session names after a `/` and account digits between
/// colons without looking at the message again: no phrase may hold a `/`, or a digit beside
/// a colon, or consist of digits.
#[test]
fn no_phrase_reaches_across_a_slash_or_into_account_digits() {
    for p in phrases() {
        let b = p.as_bytes();
        assert!(!p.contains('/'), "{p:?}");
        assert!(!b.iter().all(u8::is_ascii_digit), "{p:?}");
        assert!(
            !b.windows(2).any(|w| (w[0] == b':' && w[1].is_ascii_digit())
                || (w[1] == b':' && w[0].is_ascii_digit())),
            "{p:?}"
        );
    }
    // A name that holds a phrase, or ends with the beginning of one the text goes on with.
    let touches = |msg: &str, name: &str| {
        let at = msg.find(name).unwrap();
        MessageSays::touches(msg, at, at + name.len())
    };
    assert!(touches("role/r/run-Concurrent-1 is", "run-Concurrent-1"));
    assert!(touches("role/r/build-kms key not found", "build-kms"));
    assert!(!touches("role/r/build-kms is not authorized", "build-kms"));
    assert!(!touches(
        "role/r/session-45561 is not authorized",
        "session-45561"
    ));
    // A phrase after the name is no concern of the name's.
    assert!(!touches("role/r/x rate exceeded", "x"));
}

/// The trust statement of the `trust-policy` snippet of a web identity record whose message
/// says `message`.
fn web_identity_trust(message: &str) -> Value {
    let r = Record {
        error_code: Some("AccessDenied".into()),
        operation: Some("AssumeRoleWithWebIdentity".into()),
        action: Some("sts:AssumeRoleWithWebIdentity".into()),
        message: Some(message.into()),
        ..rec()
    };
    let m = remedy(&r, "assume-role-trust");
    let doc: Value = serde_json::from_str(&m.snippets["trust-policy"]).unwrap();
    doc["Statement"][0].clone()
}

#[test]
fn web_identity_trust_always_has_audience_and_subject() {
    let st = web_identity_trust("Not authorized to perform sts:AssumeRoleWithWebIdentity");
    let keys: Vec<&String> = st["Condition"]["StringEquals"]
        .as_object()
        .unwrap()
        .keys()
        .collect();
    assert_eq!(
        keys,
        ["<OIDC_PROVIDER_HOST>:aud", "<OIDC_PROVIDER_HOST>:sub"]
    );

    let gh = "token.actions.githubusercontent.com";
    let st = web_identity_trust(&format!(
        "Not authorized to perform sts:AssumeRoleWithWebIdentity for a token of https://{gh}"
    ));
    assert_eq!(
        st["Principal"]["Federated"],
        format!("arn:aws:iam::<ACCOUNT_ID>:oidc-provider/{gh}")
    );
    assert_eq!(
        st["Condition"]["StringEquals"][format!("{gh}:aud")],
        "sts.amazonaws.com"
    );
    assert_eq!(
        st["Condition"]["StringLike"][format!("{gh}:sub")],
        "repo:<OWNER>/<REPO>:*"
    );

    let eks = "oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE";
    let st = web_identity_trust(&format!(
        "Not authorized to perform sts:AssumeRoleWithWebIdentity (issuer https://{eks})"
    ));
    assert_eq!(
        st["Condition"]["StringEquals"][format!("{eks}:sub")],
        "system:serviceaccount:<NAMESPACE>:<SERVICE_ACCOUNT>"
    );
    assert_eq!(
        st["Condition"]["StringEquals"][format!("{eks}:aud")],
        "sts.amazonaws.com"
    );
}

fn known_remedy(r: &Record, known: &Known, id: &str) -> Remedy {
    remedies_with(r, Lang::En, known)
        .into_iter()
        .find(|m| m.id == id)
        .unwrap_or_else(|| panic!("no {id}"))
}

#[test]
fn pass_role_lists_the_roles_the_resource_names() {
    let known = Known {
        passed_roles: vec![
            "arn:aws:iam::123456789012:role/orders-task-execution-role".into(),
            "arn:aws:iam::123456789012:role/orders-app".into(),
        ],
        ..Known::default()
    };
    let m = known_remedy(&sfn_pass_role(), &known, "iam-pass-role");
    let st = statement(&m.policy);
    assert_eq!(as_list(&st["Resource"]), known.passed_roles);
    assert_eq!(
        st["Condition"]["StringEquals"]["iam:PassedToService"],
        "ecs-tasks.amazonaws.com"
    );
    assert!(!format!("{m:?}").contains("<TASK_ROLE_NAME>"));
    assert!(m.apply[0].starts_with("aws iam put-role-policy --role-name OrdersStateMachineRole"));

    // A role in the text the resource does not name stays listed; masked ones are dropped.
    let other = Known {
        passed_roles: vec![
            "arn:aws:iam::123456789012:role/orders-app".into(),
            "arn:aws:iam::<ACCOUNT_ID>:role/x".into(),
        ],
        ..Known::default()
    };
    let m = known_remedy(&sfn_pass_role(), &other, "iam-pass-role");
    assert_eq!(
        as_list(&statement(&m.policy)["Resource"]),
        [
            "arn:aws:iam::123456789012:role/orders-task-execution-role",
            "arn:aws:iam::123456789012:role/orders-app"
        ]
    );
}

#[test]
fn the_caller_role_stands_in_for_a_missing_principal() {
    let r = Record {
        principal: None,
        ..sfn_pass_role()
    };
    let known = Known {
        caller: Some("arn:aws:iam::123456789012:role/service-role/OrdersStates".into()),
        ..Known::default()
    };
    let m = known_remedy(&r, &known, "iam-pass-role");
    assert!(
        m.apply[0].contains("--role-name OrdersStates "),
        "{:?}",
        m.apply
    );
    // A principal in the text wins.
    let m = known_remedy(&sfn_pass_role(), &known, "iam-pass-role");
    assert!(m.apply[0].contains("--role-name OrdersStateMachineRole "));
}

#[test]
fn network_configuration_shows_the_state_parameters_with_the_block_added() {
    let r = Record {
        error_code: Some("InvalidParameterException".into()),
        service: Some("AmazonECS".into()),
        message: Some(
            "Network Configuration must be provided when networkMode 'awsvpc' is specified.".into(),
        ),
        ..rec()
    };
    let known = Known {
        state_parameters: Some(serde_json::json!({
            "Cluster": "reports",
            "TaskDefinition": "report:7",
            "LaunchType": "FARGATE"
        })),
        ..Known::default()
    };
    let m = known_remedy(&r, &known, "ecs-network-configuration");
    let snippet: Value = serde_json::from_str(&m.snippets["step-functions"]).unwrap();
    assert_eq!(snippet["Cluster"], "reports");
    assert_eq!(snippet["TaskDefinition"], "report:7");
    assert_eq!(
        snippet["NetworkConfiguration"]["AwsvpcConfiguration"]["Subnets"][0],
        "<PRIVATE_SUBNET_ID_1>"
    );
    assert!(m.steps[0].contains("own Parameters"), "{:?}", m.steps);
    // Without them, the block alone.
    let plain = remedy(&r, "ecs-network-configuration");
    let block: Value = serde_json::from_str(&plain.snippets["step-functions"]).unwrap();
    assert!(block.get("Cluster").is_none());
}

#[test]
fn a_stack_failure_names_the_resource_of_the_template() {
    let known = Known {
        stack_resource: Some(("Service".into(), "AWS::ECS::Service".into())),
        ..Known::default()
    };
    for m in remedies_with(&sfn_pass_role(), Lang::En, &known) {
        assert!(
            m.steps[0].contains("`Service` (AWS::ECS::Service)"),
            "{}: {:?}",
            m.id,
            m.steps
        );
    }
}
