//! Integration tests: `awsplain why` against the AWS emulator (moto server, started by
//! `scripts/test.sh` with `SF_EXECUTION_HISTORY_TYPE=FAILURE`), and against a replay server
//! for what the emulator cannot produce: it answers some calls itself (a recorded execution
//! history, stack events, AccessDenied) and passes the rest on to the emulator, so that the
//! real SDK makes and parses every call.

use crate::common::json_lines;
use crate::tail::fault_proxy::{forward, read_message};
use crate::tail::{aws_command, emulator, lambda_event, now_ms, put};
use serde_json::{json, Value};
use std::io::Write;
use std::net::{SocketAddr, TcpListener};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;

const ACCOUNT: &str = "123456789012";

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

fn sdk_config(endpoint: &str) -> aws_config::SdkConfig {
    aws_config::SdkConfig::builder()
        .behavior_version(aws_config::BehaviorVersion::latest())
        .region(aws_config::Region::new("us-east-1"))
        .credentials_provider(aws_sdk_ecs::config::SharedCredentialsProvider::new(
            aws_sdk_ecs::config::Credentials::new("test", "test", None, None, "test"),
        ))
        .endpoint_url(endpoint)
        .build()
}

/// A name no other test uses, so tests can run in parallel on one emulator.
fn unique(tag: &str) -> String {
    static N: AtomicU32 = AtomicU32::new(0);
    format!(
        "{tag}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    )
}

/// Register a task definition with both roles in the emulator (for Fargate, or else in
/// bridge mode, which the emulator runs without a VPC); its ARN.
fn register_task_definition(
    endpoint: &str,
    family: &str,
    exec: &str,
    task: &str,
    fargate: bool,
) -> String {
    use aws_sdk_ecs::types::{Compatibility, ContainerDefinition, NetworkMode};
    rt().block_on(async {
        let ecs = aws_sdk_ecs::Client::new(&sdk_config(endpoint));
        let mut td = ecs
            .register_task_definition()
            .family(family)
            .execution_role_arn(exec)
            .task_role_arn(task)
            .network_mode(NetworkMode::Bridge);
        if fargate {
            td = td
                .network_mode(NetworkMode::Awsvpc)
                .requires_compatibilities(Compatibility::Fargate);
        }
        let out = td
            .cpu("256")
            .memory("512")
            .container_definitions(
                ContainerDefinition::builder()
                    .name("report")
                    .image(format!(
                        "{ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/report:1.4"
                    ))
                    .essential(true)
                    .cpu(256)
                    .memory(512)
                    .build(),
            )
            .send()
            .await
            .expect("RegisterTaskDefinition");
        out.task_definition()
            .and_then(|d| d.task_definition_arn())
            .expect("task definition ARN")
            .to_string()
    })
}

/// What the replay server answers a call with: `None` passes it on to the emulator.
type Answer = dyn Fn(&str, &str) -> Option<Reply> + Send + Sync;

struct Reply {
    status: u16,
    content_type: &'static str,
    body: String,
}

/// A JSON answer of a Step Functions (JSON 1.0) call.
fn sfn_json(body: Value) -> Option<Reply> {
    Some(Reply {
        status: 200,
        content_type: "application/x-amz-json-1.0",
        body: body.to_string(),
    })
}

/// An AccessDenied answer in the protocol of the service the call `op` belongs to.
fn denied(op: &str) -> Reply {
    let (prefix, action) = match op.split_once('.') {
        Some(("AWSStepFunctions", a)) => ("states", a),
        Some((_, a)) => ("ecs", a),
        None => ("cloudformation", op),
    };
    let message = format!(
        "User: arn:aws:iam::{ACCOUNT}:user/auditor is not authorized to perform: {prefix}:{action} because no identity-based policy allows the {prefix}:{action} action"
    );
    if prefix == "cloudformation" {
        return Reply {
            status: 403,
            content_type: "text/xml",
            body: format!(
                "<ErrorResponse xmlns=\"http://cloudformation.amazonaws.com/doc/2010-05-15/\"><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>{message}</Message></Error><RequestId>7d3c-denied</RequestId></ErrorResponse>"
            ),
        };
    }
    Reply {
        status: 400,
        content_type: if prefix == "states" {
            "application/x-amz-json-1.0"
        } else {
            "application/x-amz-json-1.1"
        },
        body: json!({"__type": "AccessDeniedException", "message": message}).to_string(),
    }
}

/// Start the replay server; its URL. The call is named by its `X-Amz-Target`
/// (`AWSStepFunctions.GetExecutionHistory`) or, for CloudFormation's query protocol, its
/// `Action` (`DescribeStackEvents`).
fn replay(upstream: Option<&str>, answer: Arc<Answer>) -> String {
    let upstream: Option<SocketAddr> = upstream.map(|u| {
        let hostport = u.split("://").nth(1).unwrap_or(u).trim_end_matches('/');
        std::net::ToSocketAddrs::to_socket_addrs(hostport)
            .expect("emulator address")
            .next()
            .expect("emulator address")
    });
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for sock in listener.incoming() {
            let Ok(mut sock) = sock else { continue };
            let answer = answer.clone();
            std::thread::spawn(move || {
                while let Some(req) = read_message(&mut sock, false) {
                    let body = String::from_utf8_lossy(&req.body).into_owned();
                    let op = match req.header("x-amz-target") {
                        Some(t) => t.to_string(),
                        None => body
                            .split('&')
                            .find_map(|kv| kv.strip_prefix("Action="))
                            .unwrap_or_default()
                            .to_string(),
                    };
                    let reply = match (answer(&op, &body), upstream) {
                        (Some(r), _) => format!(
                            "HTTP/1.1 {} X\r\ncontent-type: {}\r\nx-amzn-requestid: replay-{}\r\ncontent-length: {}\r\n\r\n{}",
                            r.status,
                            r.content_type,
                            op.replace('.', "-"),
                            r.body.len(),
                            r.body
                        )
                        .into_bytes(),
                        (None, Some(up)) => forward(&req, up),
                        (None, None) => {
                            b"HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\n\r\n".to_vec()
                        }
                    };
                    if sock.write_all(&reply).is_err() {
                        return;
                    }
                }
            });
        }
    });
    url
}

fn why(endpoint: &str) -> assert_cmd::Command {
    let mut c = aws_command("why", endpoint);
    c.args(["--format", "json"]);
    c
}

fn remedy<'a>(rec: &'a Value, id: &str) -> &'a Value {
    rec["remedies"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == id)
        .unwrap_or_else(|| panic!("no {id} remedy: {rec}"))
}

/// The seed case: a `runTask.sync` state whose role may not pass the task definition's roles.
/// The history is replayed in the shape Step Functions records (newest first, as asked with
/// reverseOrder); the task definition is the emulator's.
fn seed_history(task_definition: &str) -> Value {
    let states_role = format!("arn:aws:iam::{ACCOUNT}:role/OrdersStatesRole");
    let cause = format!(
        "User: arn:aws:sts::{ACCOUNT}:assumed-role/OrdersStatesRole/3c9d2e7a1b0f4d5e is not authorized to perform: iam:PassRole on resource: arn:aws:iam::{ACCOUNT}:role/orders-report-exec because no identity-based policy allows the iam:PassRole action (Service: AmazonECS; Status Code: 400; Error Code: AccessDeniedException; Request ID: 5b2e9c1d-7a4f-4e0b-9d3c-2f6a8e1b7c40; Proxy: null)"
    );
    let parameters = json!({
        "Cluster": format!("arn:aws:ecs:us-east-1:{ACCOUNT}:cluster/reports"),
        "TaskDefinition": task_definition,
        "LaunchType": "FARGATE"
    })
    .to_string();
    let t0 = 1_796_000_000.0_f64;
    json!({"events": [
        {"id": 6, "previousEventId": 5, "timestamp": t0 + 2.5, "type": "ExecutionFailed",
         "executionFailedEventDetails": {"error": "ECS.AccessDeniedException", "cause": cause}},
        {"id": 5, "previousEventId": 4, "timestamp": t0 + 2.4, "type": "TaskFailed",
         "taskFailedEventDetails": {"resourceType": "ecs", "resource": "runTask.sync",
                                    "error": "ECS.AccessDeniedException", "cause": cause}},
        {"id": 4, "previousEventId": 3, "timestamp": t0 + 0.2, "type": "TaskStarted",
         "taskStartedEventDetails": {"resourceType": "ecs", "resource": "runTask.sync"}},
        {"id": 3, "previousEventId": 2, "timestamp": t0 + 0.1, "type": "TaskScheduled",
         "taskScheduledEventDetails": {"resourceType": "ecs", "resource": "runTask.sync",
                                       "region": "us-east-1", "parameters": parameters}},
        {"id": 2, "previousEventId": 0, "timestamp": t0 + 0.05, "type": "TaskStateEntered",
         "stateEnteredEventDetails": {"name": "Build monthly report", "input": "{}"}},
        {"id": 1, "previousEventId": 0, "timestamp": t0, "type": "ExecutionStarted",
         "executionStartedEventDetails": {"input": "{}", "roleArn": states_role}}
    ]})
}

#[test]
fn seed_case_passrole_lists_both_roles_of_the_task_definition() {
    let Some(ep) = emulator() else { return };
    let exec_role = format!("arn:aws:iam::{ACCOUNT}:role/orders-report-exec");
    let task_role = format!("arn:aws:iam::{ACCOUNT}:role/orders-report-task");
    let td = register_task_definition(&ep, &unique("report"), &exec_role, &task_role, true);
    let execution =
        format!("arn:aws:states:us-east-1:{ACCOUNT}:execution:MonthlyReport:run-2026-12");
    let history = seed_history(&td);
    let url = replay(
        Some(&ep),
        Arc::new(move |op, _| match op {
            "AWSStepFunctions.GetExecutionHistory" => sfn_json(history.clone()),
            _ => None,
        }),
    );
    let out = why(&url)
        .arg(&execution)
        .assert()
        .code(0)
        .get_output()
        .clone();
    let recs = json_lines(&out.stdout);
    assert_eq!(
        recs.len(),
        1,
        "the execution's failure repeats the state's: once"
    );
    let rec = &recs[0];
    assert_eq!(rec["action"], "iam:PassRole");
    assert_eq!(rec["wrapper_code"], "ECS.AccessDeniedException");
    let lookup = &rec["source"]["lookup"];
    assert_eq!(lookup["call"], "states:GetExecutionHistory");
    assert_eq!(lookup["state"], "Build monthly report");
    assert_eq!(
        lookup["state_resource"],
        "arn:aws:states:::ecs:runTask.sync"
    );
    assert_eq!(lookup["parameters"]["TaskDefinition"], td.as_str());
    assert_eq!(rec["source"]["name"], execution.as_str());
    assert_eq!(rec["source"]["event_id"], "5");

    let pass = remedy(rec, "iam-pass-role");
    let statement = &pass["policy"]["Statement"][0];
    assert_eq!(statement["Resource"], json!([exec_role, task_role]));
    assert_eq!(
        statement["Condition"]["StringEquals"]["iam:PassedToService"],
        "ecs-tasks.amazonaws.com"
    );
    let apply = pass["apply"][0].as_str().unwrap();
    assert!(
        apply.starts_with("aws iam put-role-policy --role-name OrdersStatesRole "),
        "{apply}"
    );
    assert!(!pass.to_string().contains("<TASK_ROLE_NAME>"), "{pass}");

    // The human output says which state failed and shows the policy with both roles.
    let out = aws_command("why", &url)
        .arg(&execution)
        .assert()
        .code(0)
        .get_output()
        .clone();
    let text = String::from_utf8_lossy(&out.stdout);
    for want in [
        "state `Build monthly report`",
        "arn:aws:states:::ecs:runTask.sync",
        "orders-report-task",
        "put-role-policy --role-name OrdersStatesRole",
    ] {
        assert!(text.contains(want), "{want} missing from:\n{text}");
    }
}

#[test]
fn a_denied_task_definition_lookup_is_explained_and_the_failure_still_shown() {
    let Some(ep) = emulator() else { return };
    let td = format!("arn:aws:ecs:us-east-1:{ACCOUNT}:task-definition/report:3");
    let execution = format!("arn:aws:states:us-east-1:{ACCOUNT}:execution:MonthlyReport:run-2");
    let history = seed_history(&td);
    let url = replay(
        Some(&ep),
        Arc::new(move |op, _| match op {
            "AWSStepFunctions.GetExecutionHistory" => sfn_json(history.clone()),
            _ => Some(denied(op)),
        }),
    );
    let out = why(&url)
        .arg(&execution)
        .assert()
        .code(2)
        .get_output()
        .clone();
    let recs = json_lines(&out.stdout);
    assert_eq!(recs.len(), 1, "the failure is still printed");
    assert_eq!(recs[0]["action"], "iam:PassRole");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("ECS refused DescribeTaskDefinition"), "{err}");
    let denied: Vec<Value> = err
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .collect();
    assert_eq!(denied.len(), 1, "{err}");
    assert_eq!(denied[0]["action"], "ecs:DescribeTaskDefinition");
}

#[test]
fn every_lookup_denied_gives_one_explained_access_denied_each_and_exit_2() {
    let url = replay(None, Arc::new(|op, _| Some(denied(op))));
    let cases: &[(&[&str], &str)] = &[
        (
            &[&format!(
                "arn:aws:states:us-east-1:{ACCOUNT}:execution:Orders:run-9"
            )],
            "states:GetExecutionHistory",
        ),
        (
            &[&format!(
                "arn:aws:states:us-east-1:{ACCOUNT}:stateMachine:Orders"
            )],
            "states:ListExecutions",
        ),
        (
            &[&format!(
                "arn:aws:ecs:us-east-1:{ACCOUNT}:task/prod/4f6a0b1c2d3e4f50"
            )],
            "ecs:DescribeTasks",
        ),
        (
            &[&format!(
                "arn:aws:cloudformation:us-east-1:{ACCOUNT}:stack/orders/6e1f"
            )],
            "cloudformation:DescribeStackEvents",
        ),
        (&["orders"], "cloudformation:DescribeStackEvents"),
    ];
    for (args, action) in cases {
        let out = why(&url).args(*args).assert().code(2).get_output().clone();
        assert_eq!(out.stdout, b"", "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        let recs: Vec<Value> = err
            .lines()
            .filter_map(|l| serde_json::from_str::<Value>(l).ok())
            .collect();
        assert_eq!(recs.len(), 1, "{args:?}: {err}");
        assert_eq!(recs[0]["action"], *action, "{args:?}: {err}");
        assert!(err.contains("needs more permissions"), "{err}");
        let policy = recs[0]["remedies"]
            .as_array()
            .unwrap()
            .iter()
            .find_map(|r| r.get("policy"))
            .unwrap_or_else(|| panic!("no policy: {err}"));
        assert!(policy.to_string().contains(action), "{policy}");
    }
    // A service: its events and its stopped tasks are two lookups, both explained.
    let out = why(&url)
        .args(["--cluster", "prod", "--service", "web"])
        .assert()
        .code(2)
        .get_output()
        .clone();
    let err = String::from_utf8_lossy(&out.stderr);
    let actions: Vec<String> = err
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .map(|r| r["action"].as_str().unwrap_or_default().to_string())
        .collect();
    assert_eq!(actions, ["ecs:DescribeServices", "ecs:ListTasks"], "{err}");
}

#[test]
fn a_failed_execution_in_the_emulator_is_explained_with_its_state() {
    let Some(ep) = emulator() else { return };
    let name = unique("why-sm");
    let machine = rt().block_on(async {
        let sfn = aws_sdk_sfn::Client::new(&sdk_config(&ep));
        let definition = json!({"StartAt": "A State", "States": {"A State": {"Type": "Fail", "Error": "AnError"}}});
        let sm = sfn
            .create_state_machine()
            .name(&name)
            .definition(definition.to_string())
            .role_arn(format!("arn:aws:iam::{ACCOUNT}:role/why-states-role"))
            .send()
            .await
            .expect("CreateStateMachine");
        sfn.start_execution()
            .state_machine_arn(sm.state_machine_arn())
            .send()
            .await
            .expect("StartExecution");
        sm.state_machine_arn().to_string()
    });
    let out = why(&ep).arg(&machine).assert().code(0).get_output().clone();
    let recs = json_lines(&out.stdout);
    assert_eq!(recs.len(), 1, "{recs:?}");
    assert_eq!(recs[0]["error_code"], "AnError");
    assert_eq!(recs[0]["message"], "An error occurred!");
    assert_eq!(recs[0]["source"]["lookup"]["state"], "A State");
    assert_eq!(recs[0]["source"]["lookup"]["status"], "ExecutionFailed");
    assert!(recs[0]["source"]["name"]
        .as_str()
        .unwrap()
        .contains(":execution:"));
}

#[test]
fn a_stopped_task_in_the_emulator_has_its_stopped_reason_explained() {
    let Some(ep) = emulator() else { return };
    let cluster = unique("why-cluster");
    let reason = format!("CannotPullContainerError: pull image manifest has been retried 7 time(s): failed to resolve ref {ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/report:1.4: not found");
    let td = register_task_definition(
        &ep,
        &unique("stopped"),
        &format!("arn:aws:iam::{ACCOUNT}:role/report-exec"),
        &format!("arn:aws:iam::{ACCOUNT}:role/report-task"),
        false,
    );
    let task = rt().block_on(async {
        use aws_sdk_ecs::types::LaunchType;
        let ecs = aws_sdk_ecs::Client::new(&sdk_config(&ep));
        ecs.create_cluster()
            .cluster_name(&cluster)
            .send()
            .await
            .expect("CreateCluster");
        let run = ecs
            .run_task()
            .cluster(&cluster)
            .task_definition(&td)
            .launch_type(LaunchType::Fargate)
            .send()
            .await
            .expect("RunTask");
        let arn = run.tasks()[0].task_arn().unwrap().to_string();
        ecs.stop_task()
            .cluster(&cluster)
            .task(&arn)
            .reason(&reason)
            .send()
            .await
            .expect("StopTask");
        arn
    });
    for args in [
        vec![task.clone(), "--cluster".into(), cluster.clone()],
        vec!["--cluster".into(), cluster.clone()],
    ] {
        let out = why(&ep).args(&args).assert().code(0).get_output().clone();
        let recs = json_lines(&out.stdout);
        assert_eq!(recs.len(), 1, "{args:?}: {recs:?}");
        let rec = &recs[0];
        assert_eq!(rec["error_code"], "CannotPullContainerError");
        assert!(
            reason.ends_with(rec["message"].as_str().unwrap()),
            "the stopped reason's text: {rec}"
        );
        assert_eq!(rec["source"]["lookup"]["call"], "ecs:DescribeTasks");
        assert_eq!(rec["source"]["name"], task.as_str());
        remedy(rec, "ecs-cannot-pull-container");
    }
}

/// A stack event as CloudFormation's query protocol writes it.
fn stack_event(stack: &str, n: u32, logical: &str, ty: &str, status: &str, reason: &str) -> String {
    let stack_id = format!("arn:aws:cloudformation:us-east-1:{ACCOUNT}:stack/{stack}/0b7c6d5e");
    let physical = if logical == stack {
        stack_id.clone()
    } else {
        String::new()
    };
    format!(
        "<member><StackId>{stack_id}</StackId><EventId>{logical}-{n}</EventId><StackName>{stack}</StackName><LogicalResourceId>{logical}</LogicalResourceId><PhysicalResourceId>{physical}</PhysicalResourceId><ResourceType>{ty}</ResourceType><Timestamp>2026-12-07T03:0{n}:00.000Z</Timestamp><ResourceStatus>{status}</ResourceStatus><ResourceStatusReason>{reason}</ResourceStatusReason></member>"
    )
}

#[test]
fn a_failed_stack_shows_its_first_failing_resource_not_the_cancelled_ones() {
    let stack = "orders-api";
    let t = "AWS::CloudFormation::Stack";
    let denied_reason = format!(
        "Resource handler returned message: &quot;User: arn:aws:sts::{ACCOUNT}:assumed-role/cfn-deploy/session is not authorized to perform: ecs:CreateService on resource: arn:aws:ecs:us-east-1:{ACCOUNT}:service/orders/api because no identity-based policy allows the ecs:CreateService action (Service: Ecs, Status Code: 400, Request ID: 1c2d3e4f-5a6b-7c8d-9e0f-a1b2c3d4e5f6)&quot; (RequestToken: 8f7e6d5c-4b3a-2918-0f1e-2d3c4b5a6978, HandlerErrorCode: AccessDenied)"
    );
    // Newest first, as DescribeStackEvents gives them.
    let events = [
        stack_event(stack, 9, stack, t, "ROLLBACK_COMPLETE", ""),
        stack_event(stack, 8, "Queue", "AWS::SQS::Queue", "DELETE_COMPLETE", ""),
        stack_event(stack, 7, stack, t, "ROLLBACK_IN_PROGRESS", "The following resource(s) failed to create: [Service, Queue]. Rollback requested by user."),
        stack_event(stack, 6, "Queue", "AWS::SQS::Queue", "CREATE_FAILED", "Resource creation cancelled"),
        stack_event(stack, 5, "Service", "AWS::ECS::Service", "CREATE_FAILED", &denied_reason),
        stack_event(stack, 4, "Queue", "AWS::SQS::Queue", "CREATE_IN_PROGRESS", ""),
        stack_event(stack, 3, "Service", "AWS::ECS::Service", "CREATE_IN_PROGRESS", ""),
        stack_event(stack, 2, stack, t, "CREATE_IN_PROGRESS", "User Initiated"),
    ]
    .concat();
    let body = format!(
        "<DescribeStackEventsResponse xmlns=\"http://cloudformation.amazonaws.com/doc/2010-05-15/\"><DescribeStackEventsResult><StackEvents>{events}</StackEvents></DescribeStackEventsResult><ResponseMetadata><RequestId>2a3b-events</RequestId></ResponseMetadata></DescribeStackEventsResponse>"
    );
    let url = replay(
        None,
        Arc::new(move |op, _| {
            (op == "DescribeStackEvents").then(|| Reply {
                status: 200,
                content_type: "text/xml",
                body: body.clone(),
            })
        }),
    );
    let out = why(&url).arg(stack).assert().code(0).get_output().clone();
    let recs = json_lines(&out.stdout);
    assert_eq!(recs.len(), 1, "only the resource that failed: {recs:?}");
    let rec = &recs[0];
    assert_eq!(rec["action"], "ecs:CreateService");
    let lookup = &rec["source"]["lookup"];
    assert_eq!(lookup["logical_id"], "Service");
    assert_eq!(lookup["resource_type"], "AWS::ECS::Service");
    assert_eq!(lookup["status"], "CREATE_FAILED");
    assert!(!rec.to_string().contains("cancelled"), "{rec}");
    let fix = remedy(rec, "iam-allow-action");
    assert!(
        fix["steps"][0]
            .as_str()
            .unwrap()
            .contains("`Service` (AWS::ECS::Service)"),
        "{fix}"
    );
}

#[test]
fn a_healthy_stack_in_the_emulator_has_nothing_to_explain() {
    let Some(ep) = emulator() else { return };
    let stack = unique("why-stack");
    rt().block_on(async {
        let cfn = aws_sdk_cloudformation::Client::new(&sdk_config(&ep));
        let template = json!({"Resources": {"Queue": {"Type": "AWS::SQS::Queue"}}});
        cfn.create_stack()
            .stack_name(&stack)
            .template_body(template.to_string())
            .send()
            .await
            .expect("CreateStack");
    });
    let out = why(&ep).arg(&stack).assert().code(1).get_output().clone();
    assert_eq!(out.stdout, b"");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no failure"), "{err}");
}

#[test]
fn a_lambda_function_is_read_from_its_log_group_by_arn_or_name() {
    let Some(ep) = emulator() else { return };
    let function = unique("why-fn");
    let group = format!("/aws/lambda/{function}");
    let t = now_ms() - 60_000;
    put(
        &ep,
        &group,
        &[
            ("2026/12/07/[$LATEST]0a1b", t, lambda_event(1)),
            (
                "2026/12/07/[$LATEST]0a1b",
                t + 1,
                "START RequestId: req-2".into(),
            ),
        ],
    );
    let arn = format!("arn:aws:lambda:us-east-1:{ACCOUNT}:function:{function}:live");
    for target in [arn.as_str(), function.as_str()] {
        let out = why(&ep)
            .args([target, "--since", "10m"])
            .assert()
            .code(0)
            .get_output()
            .clone();
        let recs = json_lines(&out.stdout);
        assert_eq!(recs.len(), 1, "{target}: {recs:?}");
        assert_eq!(recs[0]["action"], "dynamodb:PutItem");
        assert_eq!(recs[0]["source"]["log_group"], group.as_str());
    }
}

#[test]
fn a_nested_execution_is_followed_to_the_state_that_failed_in_it() {
    let Some(ep) = emulator() else { return };
    let exec_role = format!("arn:aws:iam::{ACCOUNT}:role/orders-report-exec");
    let task_role = format!("arn:aws:iam::{ACCOUNT}:role/orders-report-task");
    let td = register_task_definition(&ep, &unique("nested"), &exec_role, &task_role, true);
    let parent = format!("arn:aws:states:us-east-1:{ACCOUNT}:execution:Nightly:run-7");
    let child = format!("arn:aws:states:us-east-1:{ACCOUNT}:execution:MonthlyReport:run-7-child");
    // The parent's startExecution.sync state failed with the child's description as cause.
    let child_description = json!({
        "ExecutionArn": child,
        "StateMachineArn": format!("arn:aws:states:us-east-1:{ACCOUNT}:stateMachine:MonthlyReport"),
        "Status": "FAILED",
        "Error": "ECS.AccessDeniedException"
    })
    .to_string();
    let t0 = 1_796_100_000.0_f64;
    let parent_history = json!({"events": [
        {"id": 4, "previousEventId": 3, "timestamp": t0 + 9.0, "type": "ExecutionFailed",
         "executionFailedEventDetails": {"error": "States.TaskFailed", "cause": child_description}},
        {"id": 3, "previousEventId": 2, "timestamp": t0 + 8.0, "type": "TaskFailed",
         "taskFailedEventDetails": {"resourceType": "states", "resource": "startExecution.sync:2",
                                    "error": "States.TaskFailed", "cause": child_description}},
        {"id": 2, "previousEventId": 0, "timestamp": t0 + 0.1, "type": "TaskStateEntered",
         "stateEnteredEventDetails": {"name": "Run monthly report", "input": "{}"}},
        {"id": 1, "previousEventId": 0, "timestamp": t0, "type": "ExecutionStarted",
         "executionStartedEventDetails": {"input": "{}",
                                          "roleArn": format!("arn:aws:iam::{ACCOUNT}:role/NightlyStatesRole")}}
    ]});
    let child_history = seed_history(&td);
    let url = replay(
        Some(&ep),
        Arc::new(move |op, body| match op {
            "AWSStepFunctions.GetExecutionHistory" if body.contains("run-7-child") => {
                sfn_json(child_history.clone())
            }
            "AWSStepFunctions.GetExecutionHistory" => sfn_json(parent_history.clone()),
            _ => None,
        }),
    );
    let out = why(&url).arg(&parent).assert().code(0).get_output().clone();
    let recs = json_lines(&out.stdout);
    assert_eq!(
        recs.len(),
        1,
        "the child's failure stands for the parent's: {recs:?}"
    );
    assert_eq!(recs[0]["source"]["name"], child.as_str());
    assert_eq!(recs[0]["source"]["lookup"]["state"], "Build monthly report");
    let pass = remedy(&recs[0], "iam-pass-role");
    assert_eq!(
        pass["policy"]["Statement"][0]["Resource"],
        json!([exec_role, task_role])
    );
}

#[test]
fn a_service_shows_its_problem_events_not_its_progress() {
    let service = format!("arn:aws:ecs:us-east-1:{ACCOUNT}:service/prod/web");
    let t0 = 1_796_200_000.0_f64;
    let services = json!({"services": [{
        "serviceArn": service,
        "serviceName": "web",
        "clusterArn": format!("arn:aws:ecs:us-east-1:{ACCOUNT}:cluster/prod"),
        "status": "ACTIVE",
        "events": [
            {"id": "e3", "createdAt": t0 + 60.0,
             "message": "(service web) was unable to place a task because no container instance met all of its requirements. Reason: No Container Instances were found in your cluster."},
            {"id": "e2", "createdAt": t0 + 30.0, "message": "(service web) has started 1 tasks: (task 0a1b2c3d)."},
            {"id": "e1", "createdAt": t0, "message": "(service web) has reached a steady state."}
        ]
    }], "failures": []});
    let url = replay(
        None,
        Arc::new(move |op, _| match op {
            "AmazonEC2ContainerServiceV20141113.DescribeServices" => Some(Reply {
                status: 200,
                content_type: "application/x-amz-json-1.1",
                body: services.to_string(),
            }),
            "AmazonEC2ContainerServiceV20141113.ListTasks" => Some(Reply {
                status: 200,
                content_type: "application/x-amz-json-1.1",
                body: json!({"taskArns": []}).to_string(),
            }),
            _ => None,
        }),
    );
    let out = why(&url)
        .args(["--cluster", "prod", "--service", "web"])
        .assert()
        .code(0)
        .get_output()
        .clone();
    let recs = json_lines(&out.stdout);
    assert_eq!(recs.len(), 1, "{recs:?}");
    assert_eq!(recs[0]["source"]["lookup"]["call"], "ecs:DescribeServices");
    assert_eq!(recs[0]["source"]["event_id"], "e3");
    remedy(&recs[0], "ecs-no-container-instances");
}
