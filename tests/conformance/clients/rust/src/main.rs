//! Conformance client for the AWS SDK for Rust (the aws-sdk-* crates): makes each failing call
//! of cases.json and prints the error the ways a Rust user sees it, one JSON line per printed
//! text on stdout:
//!
//!   {"case": ID, "view": VIEW, "text": TEXT, "truth": {...the error's fields...}}
//!
//! Views: `display` (`{err}` of the SdkError), `debug` (`{err:?}`), `context`
//! (`DisplayErrorContext(&err)`, as the SDK's docs advise), `service-display` (`{}` of the
//! operation's error from `into_service_error()`), `anyhow` and `box` (the call made again in a
//! child process, `--main anyhow|box ID`, whose `main` returns the error through `?` as an
//! `anyhow::Error` or a `Box<dyn Error>`: Rust's report on stderr is the text). The child writes
//! the truth of its own call to CONFORM_TRUTH. Ten services: the crates of the others (EC2,
//! IAM, ECS, Lambda, RDS, ...) are the slowest to build, and CI builds this on 2 cores.
//! Environment: CONFORM_ENDPOINT, CONFORM_CREDS, CONFORM_CASES.

use std::error::Error as StdError;
use std::process::{Command, ExitCode};

use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_sdk_sts::config::http::HttpResponse;
use aws_sdk_sts::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use aws_sdk_sts::operation::RequestId;
use aws_smithy_types::Blob;
use serde_json::{json, Map, Value};

const REGION: &str = "us-east-1";

/// What a failed call left: the error object's fields and the texts of the in-process views.
struct Failure {
    truth: Value,
    views: Vec<(&'static str, String)>,
    boxed: Box<dyn StdError + Send + Sync + 'static>,
}

/// Turns the SdkError of any operation into a Failure (the truth is read from the object).
fn fail<E>(err: SdkError<E, HttpResponse>) -> Failure
where
    E: ProvideErrorMetadata + StdError + Send + Sync + 'static,
{
    let status = err.raw_response().map(|r| r.status().as_u16());
    let request_id = err
        .request_id()
        .map(str::to_owned)
        .or_else(|| err.meta().extra("aws_request_id").map(str::to_owned));
    let truth = json!({
        "error_code": err.code(),
        "status_code": status,
        "request_id": request_id,
        "message": err.message(),
        "kind": match &err {
            SdkError::ServiceError(_) => "service error",
            SdkError::ResponseError(_) => "response error",
            SdkError::DispatchFailure(_) => "dispatch failure",
            SdkError::TimeoutError(_) => "timeout",
            _ => "other",
        },
    });
    let mut views = vec![
        ("display", format!("{err}\n")),
        ("debug", format!("{err:?}\n")),
        ("context", format!("{}\n", DisplayErrorContext(&err))),
    ];
    if let Some(service_error) = err.as_service_error() {
        views.push(("service-display", format!("{service_error}\n")));
    }
    Failure {
        truth,
        views,
        boxed: Box::new(err),
    }
}

struct Params<'a>(&'a Map<String, Value>);

impl Params<'_> {
    fn s(&self, name: &str) -> String {
        self.0
            .get(name)
            .and_then(Value::as_str)
            .unwrap_or_else(|| panic!("parameter {name} missing or not a string"))
            .to_owned()
    }

    fn i(&self, name: &str) -> i32 {
        self.0
            .get(name)
            .and_then(Value::as_i64)
            .and_then(|n| i32::try_from(n).ok())
            .unwrap_or_else(|| panic!("parameter {name} missing or not a number"))
    }

    fn strings(&self, name: &str) -> Vec<String> {
        self.0
            .get(name)
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect())
            .unwrap_or_default()
    }

    /// DynamoDB's `{"pk": {"S": "a"}}`: string attributes are all the cases use.
    fn items(&self, name: &str) -> std::collections::HashMap<String, aws_sdk_dynamodb::types::AttributeValue> {
        self.0
            .get(name)
            .and_then(Value::as_object)
            .map(|m| {
                m.iter()
                    .map(|(k, v)| {
                        let s = v.get("S").and_then(Value::as_str).unwrap_or_default();
                        (k.clone(), aws_sdk_dynamodb::types::AttributeValue::S(s.to_owned()))
                    })
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// The services this client has: botocore's name of each.
const SERVICES: &[&str] = &[
    "s3", "dynamodb", "sqs", "sns", "sts", "kms", "secretsmanager", "cloudformation",
    "stepfunctions", "logs",
];

/// Makes the case's call. Ok(None) when it did not fail, Err for a case this client lacks.
async fn call(conf: &SdkConfig, service: &str, op: &str, p: Params<'_>) -> Result<Option<Failure>, String> {
    macro_rules! send {
        ($req:expr) => {
            match $req.send().await {
                Ok(_) => Ok(None),
                Err(e) => Ok(Some(fail(e))),
            }
        };
    }
    match (service, op) {
        ("s3", _) => {
            let c = aws_sdk_s3::Client::from_conf(
                aws_sdk_s3::config::Builder::from(conf).force_path_style(true).build(),
            );
            match op {
                "GetObject" => send!(c.get_object().bucket(p.s("Bucket")).key(p.s("Key"))),
                "HeadObject" => send!(c.head_object().bucket(p.s("Bucket")).key(p.s("Key"))),
                "DeleteBucket" => send!(c.delete_bucket().bucket(p.s("Bucket"))),
                "GetBucketPolicy" => send!(c.get_bucket_policy().bucket(p.s("Bucket"))),
                "ListObjectsV2" => send!(c.list_objects_v2().bucket(p.s("Bucket"))),
                "PutObject" => send!(c
                    .put_object()
                    .bucket(p.s("Bucket"))
                    .key(p.s("Key"))
                    .body(p.s("Body").into_bytes().into())),
                "HeadBucket" => send!(c.head_bucket().bucket(p.s("Bucket"))),
                "GetBucketTagging" => send!(c.get_bucket_tagging().bucket(p.s("Bucket"))),
                "GetBucketCors" => send!(c.get_bucket_cors().bucket(p.s("Bucket"))),
                "GetBucketLifecycleConfiguration" => {
                    send!(c.get_bucket_lifecycle_configuration().bucket(p.s("Bucket")))
                }
                "GetBucketWebsite" => send!(c.get_bucket_website().bucket(p.s("Bucket"))),
                "AbortMultipartUpload" => send!(c
                    .abort_multipart_upload()
                    .bucket(p.s("Bucket"))
                    .key(p.s("Key"))
                    .upload_id(p.s("UploadId"))),
                "CopyObject" => send!(c
                    .copy_object()
                    .bucket(p.s("Bucket"))
                    .key(p.s("Key"))
                    .copy_source(p.s("CopySource"))),
                "ListBuckets" => send!(c.list_buckets()),
                _ => Err(format!("no call for {service} {op}")),
            }
        }
        ("dynamodb", _) => {
            use aws_sdk_dynamodb::types::{
                AttributeDefinition, BillingMode, KeySchemaElement, KeyType, ScalarAttributeType,
            };
            let c = aws_sdk_dynamodb::Client::new(conf);
            match op {
                "GetItem" => send!(c.get_item().table_name(p.s("TableName")).set_key(Some(p.items("Key")))),
                "PutItem" => send!(c.put_item().table_name(p.s("TableName")).set_item(Some(p.items("Item")))),
                "CreateTable" => send!(c
                    .create_table()
                    .table_name(p.s("TableName"))
                    .key_schema(
                        KeySchemaElement::builder()
                            .attribute_name("pk")
                            .key_type(KeyType::Hash)
                            .build()
                            .map_err(|e| e.to_string())?
                    )
                    .attribute_definitions(
                        AttributeDefinition::builder()
                            .attribute_name("pk")
                            .attribute_type(ScalarAttributeType::S)
                            .build()
                            .map_err(|e| e.to_string())?
                    )
                    .billing_mode(BillingMode::PayPerRequest)),
                _ => Err(format!("no call for {service} {op}")),
            }
        }
        ("sqs", _) => {
            let c = aws_sdk_sqs::Client::new(conf);
            match op {
                "GetQueueUrl" => send!(c.get_queue_url().queue_name(p.s("QueueName"))),
                "ListQueues" => send!(c.list_queues()),
                _ => Err(format!("no call for {service} {op}")),
            }
        }
        ("sns", _) => {
            let c = aws_sdk_sns::Client::new(conf);
            match op {
                "GetTopicAttributes" => send!(c.get_topic_attributes().topic_arn(p.s("TopicArn"))),
                "ListTopics" => send!(c.list_topics()),
                _ => Err(format!("no call for {service} {op}")),
            }
        }
        ("sts", _) => {
            let c = aws_sdk_sts::Client::new(conf);
            match op {
                "AssumeRole" => send!(c
                    .assume_role()
                    .role_arn(p.s("RoleArn"))
                    .role_session_name(p.s("RoleSessionName"))),
                "GetCallerIdentity" => send!(c.get_caller_identity()),
                "GetSessionToken" => send!(c.get_session_token()),
                "DecodeAuthorizationMessage" => {
                    send!(c.decode_authorization_message().encoded_message(p.s("EncodedMessage")))
                }
                _ => Err(format!("no call for {service} {op}")),
            }
        }
        ("kms", _) => {
            let c = aws_sdk_kms::Client::new(conf);
            match op {
                "DescribeKey" => send!(c.describe_key().key_id(p.s("KeyId"))),
                "CreateAlias" => send!(c
                    .create_alias()
                    .alias_name(p.s("AliasName"))
                    .target_key_id(p.s("TargetKeyId"))),
                "ListKeys" => send!(c.list_keys()),
                "Decrypt" => send!(c.decrypt().ciphertext_blob(Blob::new(p.s("CiphertextBlob")))),
                "GetKeyPolicy" => send!(c
                    .get_key_policy()
                    .key_id(p.s("KeyId"))
                    .policy_name(p.s("PolicyName"))),
                "ScheduleKeyDeletion" => send!(c
                    .schedule_key_deletion()
                    .key_id(p.s("KeyId"))
                    .pending_window_in_days(p.i("PendingWindowInDays"))),
                "Encrypt" => send!(c
                    .encrypt()
                    .key_id(p.s("KeyId"))
                    .plaintext(Blob::new(p.s("Plaintext")))),
                "CreateKey" => send!(c.create_key()),
                _ => Err(format!("no call for {service} {op}")),
            }
        }
        ("secretsmanager", _) => {
            let c = aws_sdk_secretsmanager::Client::new(conf);
            match op {
                "GetSecretValue" => send!(c.get_secret_value().secret_id(p.s("SecretId"))),
                "CreateSecret" => send!(c
                    .create_secret()
                    .name(p.s("Name"))
                    .secret_string(p.s("SecretString"))),
                "ListSecrets" => send!(c.list_secrets()),
                _ => Err(format!("no call for {service} {op}")),
            }
        }
        ("cloudformation", _) => {
            let c = aws_sdk_cloudformation::Client::new(conf);
            match op {
                "DescribeStacks" => send!(c.describe_stacks().stack_name(p.s("StackName"))),
                "ListStacks" => send!(c.list_stacks()),
                "GetTemplate" => send!(c.get_template().stack_name(p.s("StackName"))),
                "UpdateStack" => send!(c
                    .update_stack()
                    .stack_name(p.s("StackName"))
                    .template_body(p.s("TemplateBody"))),
                "DescribeStackResources" => {
                    send!(c.describe_stack_resources().stack_name(p.s("StackName")))
                }
                "CreateStack" => send!(c
                    .create_stack()
                    .stack_name(p.s("StackName"))
                    .template_body(p.s("TemplateBody"))),
                _ => Err(format!("no call for {service} {op}")),
            }
        }
        ("stepfunctions", _) => {
            let c = aws_sdk_sfn::Client::new(conf);
            match op {
                "DescribeStateMachine" => {
                    send!(c.describe_state_machine().state_machine_arn(p.s("stateMachineArn")))
                }
                "ListStateMachines" => send!(c.list_state_machines()),
                _ => Err(format!("no call for {service} {op}")),
            }
        }
        ("logs", _) => {
            let c = aws_sdk_cloudwatchlogs::Client::new(conf);
            match op {
                "CreateLogGroup" => send!(c.create_log_group().log_group_name(p.s("logGroupName"))),
                "GetLogEvents" => send!(c
                    .get_log_events()
                    .log_group_name(p.s("logGroupName"))
                    .log_stream_name(p.s("logStreamName"))),
                "DescribeLogGroups" => send!(c.describe_log_groups()),
                _ => Err(format!("no call for {service} {op}")),
            }
        }
        _ => Err(format!("no call for {service} {op}")),
    }
}

fn read_json(var: &str) -> Value {
    let path = std::env::var(var).unwrap_or_else(|_| panic!("{var} is not set"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The SDK configuration of a case: moto's endpoint, the case's keys, no retries.
async fn config(case: &Value, creds: &Value) -> SdkConfig {
    let who = case.get("creds").and_then(Value::as_str).unwrap_or("admin");
    let key = &creds[who];
    let credentials = aws_sdk_sts::config::Credentials::new(
        key["key"].as_str().unwrap_or_default(),
        key["secret"].as_str().unwrap_or_default(),
        None,
        None,
        "conformance",
    );
    aws_config::defaults(BehaviorVersion::latest())
        .region(Region::new(REGION))
        .endpoint_url(std::env::var("CONFORM_ENDPOINT").expect("CONFORM_ENDPOINT is not set"))
        .credentials_provider(credentials)
        .retry_config(aws_config::retry::RetryConfig::disabled())
        .load()
        .await
}

async fn run_case(case: &Value, creds: &Value) -> Result<Option<Failure>, String> {
    let conf = config(case, creds).await;
    let empty = Map::new();
    let params = Params(case["params"].as_object().unwrap_or(&empty));
    let service = case["service"].as_str().unwrap_or_default();
    let op = case["op"].as_str().unwrap_or_default();
    let mut failure = call(&conf, service, op, params).await?;
    if let Some(f) = failure.as_mut() {
        f.truth["operation"] = json!(op);
        f.truth["service"] = json!(service);
    }
    Ok(failure)
}

fn emit(obj: Value) {
    println!("{obj}");
}

/// `--main anyhow|box ID`: the case's call made again; its error, for `main` to return.
fn child_error(id: &str) -> Result<Box<dyn StdError + Send + Sync>, String> {
    let cases = read_json("CONFORM_CASES");
    let creds = read_json("CONFORM_CREDS");
    let case = cases["cases"]
        .as_array()
        .and_then(|a| a.iter().find(|c| c["id"] == id))
        .ok_or("no such case")?;
    let rt = tokio::runtime::Runtime::new().map_err(|e| e.to_string())?;
    let failure = rt
        .block_on(run_case(case, &creds))?
        .ok_or("the call did not fail")?;
    let truth_path = std::env::var("CONFORM_TRUTH").map_err(|e| e.to_string())?;
    std::fs::write(truth_path, failure.truth.to_string()).map_err(|e| e.to_string())?;
    Ok(failure.boxed)
}

/// What `fn main() -> Result<(), E>` does with an error (std's `Termination` for `Result`):
/// `Error: {err:?}` on stderr, exit status 1.
fn report_main<E: std::fmt::Debug>(err: E) -> ExitCode {
    eprintln!("Error: {err:?}");
    ExitCode::FAILURE
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    if args.len() == 4 && args[1] == "--main" {
        return match child_error(&args[3]) {
            Err(e) => {
                eprintln!("conform-rust: {e}");
                ExitCode::from(2)
            }
            // What `?` makes of the SdkError in a `main` returning anyhow::Result<()>.
            Ok(err) if args[2] == "anyhow" => report_main(anyhow::Error::from_boxed(err)),
            Ok(err) => report_main(err),
        };
    }
    let cases = read_json("CONFORM_CASES");
    let creds = read_json("CONFORM_CREDS");
    let only: Vec<&String> = args.iter().skip(1).collect();
    let rt = tokio::runtime::Runtime::new().expect("a tokio runtime");
    let exe = std::env::current_exe().expect("the client's own path");
    let truth_path = std::env::temp_dir().join(format!("conform-rust-{}.json", std::process::id()));
    for case in cases["cases"].as_array().into_iter().flatten() {
        let id = case["id"].as_str().unwrap_or_default();
        let service = case["service"].as_str().unwrap_or_default();
        if !SERVICES.contains(&service) || (!only.is_empty() && !only.iter().any(|o| *o == id)) {
            continue;
        }
        match rt.block_on(run_case(case, &creds)) {
            Err(e) => {
                emit(json!({"case": id, "error": e}));
                continue;
            }
            Ok(None) => {
                emit(json!({"case": id, "error": "the call did not fail"}));
                continue;
            }
            Ok(Some(f)) => {
                for (view, text) in &f.views {
                    emit(json!({"case": id, "view": view, "text": text, "truth": f.truth}));
                }
            }
        }
        for how in ["anyhow", "box"] {
            let out = Command::new(&exe)
                .args(["--main", how, id])
                .env("CONFORM_TRUTH", &truth_path)
                .output();
            let truth = std::fs::read_to_string(&truth_path)
                .ok()
                .and_then(|t| serde_json::from_str::<Value>(&t).ok());
            let _ = std::fs::remove_file(&truth_path);
            match (out, truth) {
                (Ok(out), Some(truth)) => emit(json!({
                    "case": id, "view": how,
                    "text": String::from_utf8_lossy(&out.stderr), "truth": truth,
                })),
                (out, _) => emit(json!({"case": id, "view": how,
                    "error": format!("child wrote no truth: {out:?}")})),
            }
        }
    }
    ExitCode::SUCCESS
}
