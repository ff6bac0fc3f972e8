//! Integration tests: `awsplain tail` against a CloudWatch Logs emulator (moto server, started by
//! `scripts/test.sh`), and against small canned HTTP servers for what the emulator cannot show.

use crate::common::{awsplain, json_lines};
use aws_sdk_cloudwatchlogs::config::{BehaviorVersion, Credentials, Region};
use aws_sdk_cloudwatchlogs::types::InputLogEvent;
use aws_sdk_cloudwatchlogs::Client;
use serde_json::Value;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream, ToSocketAddrs};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// The emulator's URL, or `None` (with a notice) when there is none and none is required.
pub(crate) fn emulator() -> Option<String> {
    let required =
        std::env::var("AWSPLAIN_REQUIRE_EMULATOR").is_ok_and(|v| !v.is_empty() && v != "0");
    let url = std::env::var("AWSPLAIN_TEST_ENDPOINT")
        .ok()
        .filter(|u| !u.is_empty());
    let reachable = url.as_deref().is_some_and(|u| {
        let hostport = u.split("://").nth(1).unwrap_or(u).trim_end_matches('/');
        hostport
            .to_socket_addrs()
            .ok()
            .and_then(|mut a| a.next())
            .is_some_and(|a| TcpStream::connect_timeout(&a, Duration::from_secs(2)).is_ok())
    });
    match (reachable, required) {
        (true, _) => url,
        (false, true) => panic!(
            "AWSPLAIN_REQUIRE_EMULATOR is set but the CloudWatch Logs emulator at {url:?} is not reachable"
        ),
        (false, false) => {
            // Written to the real stderr, past the test harness's capture, once per run.
            static SAID: std::sync::Once = std::sync::Once::new();
            SAID.call_once(|| {
                let _ = std::io::stderr().write_all(
                    b"NOTICE: skipping the AWS emulator tests (tail::*, why::*): AWSPLAIN_TEST_ENDPOINT is not set or not reachable; scripts/test.sh runs them\n",
                );
            });
            None
        }
    }
}

pub(crate) fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

fn client_in(endpoint: &str, region: &'static str) -> Client {
    let conf = aws_sdk_cloudwatchlogs::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new(region))
        .credentials_provider(Credentials::new("test", "test", None, None, "test"))
        .endpoint_url(endpoint)
        .build();
    Client::from_conf(conf)
}

/// A log group name no other test uses, so tests can run in parallel on one emulator.
fn unique_group(tag: &str) -> String {
    static N: AtomicU32 = AtomicU32::new(0);
    format!(
        "/awsplain-test/{tag}/{}-{}-{}",
        std::process::id(),
        now_ms(),
        N.fetch_add(1, Ordering::Relaxed)
    )
}

/// Create the group and the streams, then put `(stream, timestamp, message)` events.
pub(crate) fn put(endpoint: &str, group: &str, events: &[(&str, i64, String)]) {
    put_in(endpoint, "us-east-1", group, events)
}

/// `put` in another region than the tests' own.
fn put_in(endpoint: &str, region: &'static str, group: &str, events: &[(&str, i64, String)]) {
    rt().block_on(async {
        let c = client_in(endpoint, region);
        let _ = c.create_log_group().log_group_name(group).send().await;
        let mut streams: Vec<&str> = events.iter().map(|e| e.0).collect();
        streams.sort();
        streams.dedup();
        for s in streams {
            let _ = c
                .create_log_stream()
                .log_group_name(group)
                .log_stream_name(s)
                .send()
                .await;
            let mut evs: Vec<_> = events.iter().filter(|e| e.0 == s).collect();
            evs.sort_by_key(|e| e.1);
            let batch: Vec<InputLogEvent> = evs
                .iter()
                .map(|e| {
                    InputLogEvent::builder()
                        .timestamp(e.1)
                        .message(e.2.clone())
                        .build()
                        .unwrap()
                })
                .collect();
            let out = c
                .put_log_events()
                .log_group_name(group)
                .log_stream_name(s)
                .set_log_events(Some(batch))
                .send()
                .await
                .expect("PutLogEvents");
            assert!(
                out.rejected_log_events_info().is_none(),
                "events rejected: {out:?}"
            );
        }
    });
}

/// A Step Functions execution event whose cause carries a Java SDK error from ECS.
fn sfn_event(n: u32) -> String {
    serde_json::json!({
        "id": n.to_string(),
        "type": "TaskFailed",
        "details": {
            "cause": format!("User: arn:aws:sts::123456789012:assumed-role/sfn-role/exec-{n} is not authorized to perform: ecs:RunTask on resource: arn:aws:ecs:us-east-1:123456789012:task-definition/web:{n} because no identity-based policy allows the ecs:RunTask action (Service: AmazonECS; Status Code: 400; Error Code: AccessDeniedException; Request ID: 6f0c-{n}; Proxy: null)"),
            "error": "ECS.AccessDeniedException",
            "resource": "runTask.sync",
            "resourceType": "ecs"
        }
    })
    .to_string()
}

pub(crate) fn lambda_event(n: u32) -> String {
    format!(
        r#"{{"errorType": "AccessDeniedException", "errorMessage": "User: arn:aws:sts::123456789012:assumed-role/fn-role/fn-{n} is not authorized to perform: dynamodb:PutItem on resource: arn:aws:dynamodb:us-east-1:123456789012:table/orders because no identity-based policy allows the dynamodb:PutItem action", "requestId": "req-{n}"}}"#
    )
}

fn java_line(n: u32) -> String {
    format!(
        "2026-11-28 09:00:{:02} ERROR Worker - com.amazonaws.services.s3.model.AmazonS3Exception: Access Denied (Service: Amazon S3; Status Code: 403; Error Code: AccessDenied; Request ID: J{n}AB; S3 Extended Request ID: x=; Proxy: null)",
        n % 60
    )
}

fn cli_line(n: u32) -> String {
    format!("An error occurred (ThrottlingException) when calling the DescribeStacks operation (reached max retries: {n}): Rate exceeded")
}

fn noise(n: u32) -> String {
    format!("INFO request {n} served in 12 ms")
}

/// `awsplain tail` with the emulator's endpoint, dummy credentials and the test region, JSON.
fn tail(endpoint: &str) -> assert_cmd::Command {
    tail_as(endpoint, "json")
}

/// `awsplain tail` with the emulator's endpoint, dummy credentials and the test region.
fn tail_as(endpoint: &str, format: &str) -> assert_cmd::Command {
    let mut c = aws_command("tail", endpoint);
    c.args(["--format", format]);
    c
}

/// An awsplain subcommand that calls AWS, with `endpoint`, dummy credentials and the test
/// region.
pub(crate) fn aws_command(subcommand: &str, endpoint: &str) -> assert_cmd::Command {
    let mut c = awsplain();
    c.arg(subcommand)
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .env_remove("AWS_SESSION_TOKEN")
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_ENDPOINT_URL")
        .env_remove("AWS_ENDPOINT_URL_CLOUDWATCH_LOGS")
        .env_remove("AWS_ENDPOINT_URL_SFN")
        .env_remove("AWS_ENDPOINT_URL_ECS")
        .env_remove("AWS_ENDPOINT_URL_CLOUDFORMATION")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_CONFIG_FILE", "/nonexistent/awsplain-test-config")
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            "/nonexistent/awsplain-test-credentials",
        )
        .args(["--endpoint-url", endpoint])
        .timeout(Duration::from_secs(60));
    c
}

fn ts(r: &Value) -> i64 {
    r["source"]["timestamp"].as_i64().expect("source.timestamp")
}

#[test]
fn max_count_stops_after_n_records_in_all_groups() {
    let Some(ep) = emulator() else { return };
    let (g1, g2) = (unique_group("max-1"), unique_group("max-2"));
    let t = now_ms() - 60_000;
    put(
        &ep,
        &g1,
        &[("s", t, sfn_event(1)), ("s", t + 2, lambda_event(3))],
    );
    put(&ep, &g2, &[("s", t + 1, java_line(2))]);
    let out = tail(&ep)
        .args([&g1, &g2, "--since", "5m", "-m", "2"])
        .assert()
        .code(0)
        .get_output()
        .clone();
    let recs = json_lines(&out.stdout);
    assert_eq!(recs.len(), 2, "{recs:?}");
    // In time order across the groups: the first two.
    assert_eq!(recs.iter().map(ts).collect::<Vec<_>>(), [t, t + 1]);
}

#[test]
fn since_and_until_select_the_window() {
    let Some(ep) = emulator() else { return };
    let g = unique_group("window");
    let now = now_ms();
    let min = 60_000;
    put(
        &ep,
        &g,
        &[
            ("s", now - 180 * min, sfn_event(1)),
            ("s", now - 90 * min, sfn_event(2)),
            ("s", now - 60 * min, noise(3)),
            ("s", now - 30 * min, lambda_event(4)),
            ("s", now - 5 * min, java_line(5)),
        ],
    );
    let out = tail(&ep)
        .args([&g, "--since", "2h", "--until", "20m"])
        .assert()
        .code(0)
        .get_output()
        .clone();
    let recs = json_lines(&out.stdout);
    let times: Vec<i64> = recs.iter().map(ts).collect();
    assert!(!recs.is_empty());
    assert!(times.contains(&(now - 90 * min)), "{times:?}");
    assert!(times.contains(&(now - 30 * min)), "{times:?}");
    assert!(
        times
            .iter()
            .all(|t| (now - 120 * min..=now - 20 * min).contains(t)),
        "{times:?}"
    );
    for r in &recs {
        assert_eq!(r["source"]["log_group"], g.as_str());
        assert_eq!(r["source"]["log_stream"], "s");
        assert!(
            r["source"]["event_id"]
                .as_str()
                .is_some_and(|s| !s.is_empty()),
            "{r}"
        );
    }
    let sfn = recs.iter().find(|r| ts(r) == now - 90 * min).unwrap();
    assert_eq!(sfn["error_code"], "AccessDeniedException", "{sfn}");

    // An RFC 3339 --since in the same run shape.
    let since = now - 40 * min;
    let since_text = {
        let secs = since.div_euclid(1000);
        let out = Command::new("date")
            .args(["-u", "-d", &format!("@{secs}"), "+%Y-%m-%dT%H:%M:%SZ"])
            .output()
            .unwrap();
        String::from_utf8(out.stdout).unwrap().trim().to_string()
    };
    let out = tail(&ep)
        .args([&g, "--since", &since_text])
        .assert()
        .code(0)
        .get_output()
        .clone();
    let times: Vec<i64> = json_lines(&out.stdout).iter().map(ts).collect();
    assert!(
        times.contains(&(now - 30 * min)) && times.contains(&(now - 5 * min)),
        "{times:?}"
    );
    assert!(times.iter().all(|t| *t >= since - 1000), "{times:?}");

    // Nothing in the window: exit 1, no output.
    tail(&ep)
        .args([&g, "--since", "3d", "--until", "2d"])
        .assert()
        .code(1)
        .stdout("");
}

#[test]
fn several_groups_are_merged_in_time_order() {
    let Some(ep) = emulator() else { return };
    let (a, b) = (unique_group("merge-a"), unique_group("merge-b"));
    let t0 = now_ms() - 10 * 60_000;
    put(
        &ep,
        &a,
        &[
            ("x", t0, sfn_event(1)),
            ("x", t0 + 2_000, java_line(3)),
            ("x", t0 + 4_000, noise(5)),
        ],
    );
    put(
        &ep,
        &b,
        &[
            ("y", t0 + 1_000, lambda_event(2)),
            ("y", t0 + 3_000, cli_line(4)),
        ],
    );
    let out = tail(&ep)
        .args([&a, &b, "--since", "1h"])
        .assert()
        .code(0)
        .get_output()
        .clone();
    let recs = json_lines(&out.stdout);
    let times: Vec<i64> = recs.iter().map(ts).collect();
    let mut sorted = times.clone();
    sorted.sort();
    assert_eq!(times, sorted, "records are not in time order");
    let groups: Vec<&str> = recs
        .iter()
        .map(|r| r["source"]["log_group"].as_str().unwrap())
        .collect();
    let mut distinct = groups.clone();
    distinct.dedup();
    assert!(
        distinct.len() >= 4,
        "groups are not interleaved: {groups:?}"
    );
    for t in [t0, t0 + 1_000, t0 + 2_000, t0 + 3_000] {
        assert!(times.contains(&t), "{t} missing from {times:?}");
    }
}

#[test]
fn stream_prefix_and_stream_names_select_streams() {
    let Some(ep) = emulator() else { return };
    let g = unique_group("streams");
    let t0 = now_ms() - 5 * 60_000;
    put(
        &ep,
        &g,
        &[
            ("ecs/web/1", t0, sfn_event(1)),
            ("ecs/web/2", t0 + 1, lambda_event(2)),
            ("ecs/worker/1", t0 + 2, java_line(3)),
        ],
    );
    let streams = |args: &[&str]| -> Vec<String> {
        let out = tail(&ep)
            .arg(&g)
            .args(["--since", "1h"])
            .args(args)
            .assert()
            .code(0)
            .get_output()
            .clone();
        let mut s: Vec<String> = json_lines(&out.stdout)
            .iter()
            .map(|r| r["source"]["log_stream"].as_str().unwrap().to_string())
            .collect();
        s.dedup();
        s
    };
    assert_eq!(
        streams(&["--stream-prefix", "ecs/web"]),
        ["ecs/web/1", "ecs/web/2"]
    );
    assert_eq!(streams(&["--stream", "ecs/worker/1"]), ["ecs/worker/1"]);
    assert_eq!(
        streams(&["--stream", "ecs/worker/1", "--stream", "ecs/web/2"]),
        ["ecs/web/2", "ecs/worker/1"]
    );
    // As `aws logs tail` spells them: several names after one option.
    assert_eq!(
        streams(&["--log-stream-name-prefix", "ecs/web"]),
        ["ecs/web/1", "ecs/web/2"]
    );
    assert_eq!(
        streams(&["--log-stream-names", "ecs/worker/1", "ecs/web/2"]),
        ["ecs/web/2", "ecs/worker/1"]
    );
}

#[test]
fn paging_reads_every_page() {
    let Some(ep) = emulator() else { return };
    let g = unique_group("paging");
    let t0 = now_ms() - 20 * 60_000;
    let events: Vec<(&str, i64, String)> = (0..37)
        .map(|i| ("p", t0 + i as i64 * 10, java_line(i)))
        .collect();
    put(&ep, &g, &events);
    let out = tail(&ep)
        .args([&g, "--since", "1h", "--page-size", "5"])
        .assert()
        .code(0)
        .get_output()
        .clone();
    let recs = json_lines(&out.stdout);
    let mut ids: Vec<&str> = recs
        .iter()
        .map(|r| r["source"]["event_id"].as_str().unwrap())
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 37, "every event once over 8 pages of 5");
    let out = tail(&ep)
        .args([&g, "--since", "1h", "--page-size", "5", "--count"])
        .assert()
        .code(0)
        .get_output()
        .clone();
    let count: u64 = String::from_utf8_lossy(&out.stdout).trim().parse().unwrap();
    assert_eq!(count as usize, recs.len());
}

#[test]
fn endpoint_from_service_specific_environment_variable() {
    let Some(ep) = emulator() else { return };
    let g = unique_group("env-endpoint");
    put(&ep, &g, &[("s", now_ms() - 60_000, sfn_event(9))]);
    let mut c = awsplain();
    c.args(["tail", &g, "--since", "10m", "--format", "json"])
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_CONFIG_FILE", "/nonexistent/awsplain-test-config")
        .env_remove("AWS_ENDPOINT_URL")
        .env("AWS_ENDPOINT_URL_CLOUDWATCH_LOGS", &ep)
        .timeout(Duration::from_secs(60));
    let out = c.assert().code(0).get_output().clone();
    assert!(!json_lines(&out.stdout).is_empty());
}

#[test]
fn insights_query_reads_several_groups() {
    let Some(ep) = emulator() else { return };
    let (a, b) = (unique_group("insights-a"), unique_group("insights-b"));
    let t0 = now_ms() - 30 * 60_000;
    put(
        &ep,
        &a,
        &[("x", t0, sfn_event(1)), ("x", t0 + 2_000, noise(2))],
    );
    put(
        &ep,
        &b,
        &[
            ("y", t0 + 1_000, lambda_event(3)),
            ("y", t0 - 3 * 3_600_000, java_line(4)),
        ],
    );
    let out = tail(&ep)
        .args([&a, &b, "--insights", "--since", "1h"])
        .assert()
        .code(0)
        .get_output()
        .clone();
    let recs = json_lines(&out.stdout);
    let seen: Vec<(i64, &str)> = recs
        .iter()
        .map(|r| (ts(r), r["source"]["log_group"].as_str().unwrap()))
        .collect();
    assert!(seen.contains(&(t0, a.as_str())), "{seen:?}");
    assert!(seen.contains(&(t0 + 1_000, b.as_str())), "{seen:?}");
    assert!(
        seen.iter().all(|(t, _)| *t >= t0),
        "an event outside --since came back: {seen:?}"
    );
    let times: Vec<i64> = seen.iter().map(|s| s.0).collect();
    let mut sorted = times.clone();
    sorted.sort();
    assert_eq!(times, sorted);
}

#[test]
fn unknown_group_is_a_clear_error() {
    let Some(ep) = emulator() else { return };
    let g = unique_group("missing");
    let out = tail(&ep)
        .args([&g, "--since", "1h"])
        .assert()
        .code(2)
        .stdout("")
        .get_output()
        .clone();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(&g), "{err}");
    assert!(err.contains("not found"), "{err}");
    assert!(err.contains("us-east-1"), "{err}");
    assert!(err.contains("profile"), "{err}");
    assert!(
        !err.contains("ResourceNotFoundException {"),
        "raw SDK dump: {err}"
    );
}

fn event_id(r: &Value) -> String {
    r["source"]["event_id"]
        .as_str()
        .expect("source.event_id")
        .to_string()
}

/// How many distinct events the records came from.
fn events_in(recs: &[Value]) -> usize {
    let mut ids: Vec<String> = recs.iter().map(event_id).collect();
    ids.sort();
    ids.dedup();
    ids.len()
}

/// Read JSON lines from a running child until records from `want` distinct events came or the
/// deadline passed.
fn read_records(reader: &mut impl BufRead, want: usize, deadline: Instant, got: &mut Vec<Value>) {
    let mut line = String::new();
    while events_in(got) < want && Instant::now() < deadline {
        line.clear();
        match reader.read_line(&mut line) {
            Ok(0) => break,
            Ok(_) if line.trim().is_empty() => {}
            Ok(_) => {
                got.push(serde_json::from_str(&line).unwrap_or_else(|e| panic!("{line}: {e}")))
            }
            Err(e) => panic!("{e}"),
        }
    }
}

/// `awsplain tail GROUP --follow` running in the background, JSON on a pipe.
fn spawn_follow(ep: &str, g: &str, extra: &[&str]) -> std::process::Child {
    Command::new(assert_cmd::cargo::cargo_bin("awsplain"))
        .args([
            "tail",
            g,
            "--follow",
            "--since",
            "5m",
            "--interval",
            "300ms",
            "--format",
            "json",
            "--endpoint-url",
            ep,
        ])
        .args(extra)
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_CONFIG_FILE", "/nonexistent/awsplain-test-config")
        .env_remove("AWS_ENDPOINT_URL")
        .env_remove("AWS_ENDPOINT_URL_CLOUDWATCH_LOGS")
        .env("LANG", "C")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn awsplain")
}

/// Ctrl-C, then the rest of stdout, the exit code and stderr.
fn interrupt(
    child: std::process::Child,
    out: &mut impl BufRead,
    got: &mut Vec<Value>,
) -> (Option<i32>, String) {
    signal_and_collect(child, libc::SIGINT, out, got)
}

/// Send `sig`, then the rest of stdout, the exit code and stderr.
fn signal_and_collect(
    mut child: std::process::Child,
    sig: libc::c_int,
    out: &mut impl BufRead,
    got: &mut Vec<Value>,
) -> (Option<i32>, String) {
    unsafe {
        libc::kill(child.id() as i32, sig);
    }
    let mut rest = String::new();
    out.read_to_string(&mut rest).unwrap();
    for l in rest.lines().filter(|l| !l.trim().is_empty()) {
        got.push(serde_json::from_str(l).unwrap());
    }
    let status = child.wait().unwrap();
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    (status.code(), stderr)
}

#[test]
fn follow_shows_late_events_with_a_warning() {
    let Some(ep) = emulator() else { return };
    let g = unique_group("follow-late");
    let t = now_ms();
    put(&ep, &g, &[("fast", t, sfn_event(1))]);
    let mut child = spawn_follow(&ep, &g, &["--late-window", "1m"]);
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let deadline = Instant::now() + Duration::from_secs(40);
    let mut got = Vec::new();
    read_records(&mut out, 1, deadline, &mut got);
    // A slow stream delivers an event 20 s older than the one already shown.
    put(&ep, &g, &[("slow", t - 20_000, lambda_event(2))]);
    read_records(&mut out, 2, deadline, &mut got);
    let (code, stderr) = interrupt(child, &mut out, &mut got);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(events_in(&got), 2, "{got:?}");
    assert!(got
        .iter()
        .any(|r| ts(r) == t - 20_000 && r["source"]["log_stream"] == "slow"));
    assert!(
        stderr.contains("late event") && stderr.contains("slow"),
        "{stderr}"
    );
}

#[test]
fn follow_picks_up_new_events_once_each_and_stops_cleanly_on_interrupt() {
    let Some(ep) = emulator() else { return };
    let g = unique_group("follow");
    let start = now_ms();
    put(
        &ep,
        &g,
        &[
            ("a", start - 30_000, sfn_event(1)),
            ("a", start - 20_000, noise(2)),
        ],
    );
    let mut child = spawn_follow(&ep, &g, &[]);
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let deadline = Instant::now() + Duration::from_secs(40);
    let mut got = Vec::new();
    read_records(&mut out, 1, deadline, &mut got);
    assert_eq!(events_in(&got), 1, "the event already there is shown first");

    // New events while it runs: two in another stream at the same millisecond, then more,
    // some noise in between; each must come out exactly once.
    let t = now_ms();
    put(
        &ep,
        &g,
        &[
            ("b", t, lambda_event(3)),
            ("c", t, java_line(4)),
            ("b", t + 1, noise(5)),
        ],
    );
    read_records(&mut out, 3, deadline, &mut got);
    let t2 = now_ms();
    put(
        &ep,
        &g,
        &[("a", t2, cli_line(6)), ("c", t2 + 5, sfn_event(7))],
    );
    read_records(&mut out, 5, deadline, &mut got);
    // A few more polls must not repeat anything.
    std::thread::sleep(Duration::from_millis(1500));

    // Ctrl-C: exits cleanly, having printed everything.
    let (code, stderr) = interrupt(child, &mut out, &mut got);
    assert_eq!(code, Some(0), "stderr: {stderr}");

    // One event may hold several records; a record shown twice has the same event and span.
    let mut keys: Vec<(String, u64)> = got
        .iter()
        .map(|r| (event_id(r), r["span"]["start"].as_u64().unwrap()))
        .collect();
    let n = keys.len();
    keys.sort();
    keys.dedup();
    assert_eq!(keys.len(), n, "a record was shown twice: {keys:?}");
    assert_eq!(
        events_in(&got),
        5,
        "five error events, each shown: {keys:?}"
    );
    let streams: Vec<&str> = got
        .iter()
        .map(|r| r["source"]["log_stream"].as_str().unwrap())
        .collect();
    assert!(
        streams.contains(&"b") && streams.contains(&"c"),
        "{streams:?}"
    );
}

/// `kill -TERM` (CI cancelling a job, systemd, `timeout`) ends a follow as Ctrl-C does: the
/// summary, the count of what was shown, and the `--since` to carry on from.
#[test]
fn sigterm_ends_follow_with_summary_and_resume_line() {
    let Some(ep) = emulator() else { return };
    let g = unique_group("follow-term");
    let t = now_ms() - 30_000;
    put(&ep, &g, &[("a", t, sfn_event(1)), ("a", t + 1, noise(2))]);
    let mut child = spawn_follow(&ep, &g, &["--summary", "--late-window", "10s"]);
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut got = Vec::new();
    read_records(
        &mut out,
        1,
        Instant::now() + Duration::from_secs(40),
        &mut got,
    );
    // A poll after the one that showed it, so that the resume point is past it.
    std::thread::sleep(Duration::from_millis(800));
    let (code, stderr) = signal_and_collect(child, libc::SIGTERM, &mut out, &mut got);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stderr.contains("{\"summary\":"), "{stderr}");
    let since = stderr
        .split("run again with --since ")
        .nth(1)
        .and_then(|r| r.split_whitespace().next())
        .unwrap_or_else(|| panic!("no resume line: {stderr}"));
    // The late window before the newest event fetched (the error, or the noise line if the
    // search brought it too): that event comes again, nothing is lost.
    let expect = [t - 10_000, t + 1 - 10_000].map(awsplain::time::format_rfc3339);
    assert!(
        expect.iter().any(|e| e == since),
        "{since} not in {expect:?}: {stderr}"
    );
}

#[test]
fn follow_stops_at_until() {
    let Some(ep) = emulator() else { return };
    let g = unique_group("follow-until");
    put(&ep, &g, &[("a", now_ms() - 60_000, sfn_event(1))]);
    let started = Instant::now();
    let out = tail(&ep)
        .args([
            &g,
            "--follow",
            "--since",
            "5m",
            "--until",
            "1s",
            "--interval",
            "300ms",
        ])
        .assert()
        .code(0)
        .get_output()
        .clone();
    assert!(started.elapsed() < Duration::from_secs(30));
    assert_eq!(json_lines(&out.stdout).len(), 1);
}

/// Serve each connection's requests with the same canned reply; returns the endpoint URL.
fn canned_server(status: u16, body: &'static str) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for sock in listener.incoming().take(20) {
            let Ok(mut sock) = sock else { continue };
            std::thread::spawn(move || {
                let mut buf = Vec::new();
                let mut chunk = [0u8; 4096];
                loop {
                    let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") else {
                        match sock.read(&mut chunk) {
                            Ok(0) | Err(_) => return,
                            Ok(n) => buf.extend_from_slice(&chunk[..n]),
                        }
                        continue;
                    };
                    let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
                    let len: usize = head
                        .lines()
                        .find_map(|l| {
                            l.strip_prefix("content-length:")
                                .map(|v| v.trim().parse().unwrap_or(0))
                        })
                        .unwrap_or(0);
                    while buf.len() < end + 4 + len {
                        match sock.read(&mut chunk) {
                            Ok(0) | Err(_) => return,
                            Ok(n) => buf.extend_from_slice(&chunk[..n]),
                        }
                    }
                    buf.drain(..end + 4 + len);
                    let reply = format!(
                        "HTTP/1.1 {status} X\r\ncontent-type: application/x-amz-json-1.1\r\ncontent-length: {}\r\nx-amzn-requestid: 0c1d2e3f-req\r\n\r\n{body}",
                        body.len()
                    );
                    if sock.write_all(reply.as_bytes()).is_err() {
                        return;
                    }
                }
            });
        }
    });
    url
}

#[test]
fn missing_permission_is_explained_as_a_record_with_exit_2() {
    let url = canned_server(
        400,
        r#"{"__type":"AccessDeniedException","message":"User: arn:aws:iam::123456789012:user/ci is not authorized to perform: logs:FilterLogEvents on resource: arn:aws:logs:us-east-1:123456789012:log-group:/ecs/web:log-stream: because no identity-based policy allows the logs:FilterLogEvents action"}"#,
    );
    let out = tail(&url)
        .args(["/ecs/web", "--since", "1h"])
        .assert()
        .code(2)
        .stdout("")
        .get_output()
        .clone();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("FilterLogEvents"), "{err}");
    assert!(err.contains("/ecs/web"), "{err}");
    // The record itself is printed (JSON here, as asked) on stderr.
    let rec: Value = err
        .lines()
        .find_map(|l| serde_json::from_str::<Value>(l).ok())
        .unwrap_or_else(|| panic!("no JSON record on stderr: {err}"));
    assert_eq!(rec["error_code"], "AccessDeniedException");
    assert_eq!(rec["action"], "logs:FilterLogEvents");
    assert_eq!(rec["service"], "CloudWatchLogs");
    assert_eq!(rec["request_id"], "0c1d2e3f-req");
    assert_eq!(
        rec["resource"],
        "arn:aws:logs:us-east-1:123456789012:log-group:/ecs/web:*"
    );
    let policies: Vec<&Value> = rec["remedies"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r.get("policy"))
        .collect();
    assert!(
        policies
            .iter()
            .any(|p| p.to_string().contains("logs:FilterLogEvents")),
        "a remedy carries a policy allowing logs:FilterLogEvents: {rec}"
    );
}

#[test]
fn missing_credentials_say_how_to_provide_them() {
    let out = awsplain()
        .args([
            "tail",
            "/ecs/web",
            "--region",
            "us-east-1",
            "--endpoint-url",
            "http://127.0.0.1:9",
        ])
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .env_remove("AWS_SESSION_TOKEN")
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_WEB_IDENTITY_TOKEN_FILE")
        .env_remove("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI")
        .env_remove("AWS_CONTAINER_CREDENTIALS_FULL_URI")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_CONFIG_FILE", "/nonexistent/awsplain-test-config")
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            "/nonexistent/awsplain-test-credentials",
        )
        .timeout(Duration::from_secs(60))
        .assert()
        .code(2)
        .get_output()
        .clone();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no AWS credentials"), "{err}");
    assert!(err.contains("AWS_ACCESS_KEY_ID"), "{err}");
    assert!(err.contains("--profile"), "{err}");
}

#[test]
fn bad_time_arguments_are_rejected_with_exit_2() {
    for (flag, value) in [
        ("--since", "yesterday"),
        ("--until", "2026-13-01T00:00:00Z"),
    ] {
        let out = awsplain()
            .args(["tail", "/g", flag, value])
            .assert()
            .code(2)
            .get_output()
            .clone();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(flag), "{err}");
    }
    let out = awsplain()
        .args(["tail", "/g", "--since", "1h", "--until", "2h"])
        .assert()
        .code(2)
        .get_output()
        .clone();
    assert!(String::from_utf8_lossy(&out.stderr).contains("before --since"));
}

// ---- Follow mode through faults: a fault-injecting proxy between awsplain and the emulator.

pub(crate) mod fault_proxy;
mod parity;
use fault_proxy::FaultProxy;

/// Unique markers for the events of one test, each carried by one AWS error line.
struct Marks {
    tag: &'static str,
    next: u32,
    all: Vec<String>,
}

impl Marks {
    fn new(tag: &'static str) -> Marks {
        Marks {
            tag,
            next: 0,
            all: Vec::new(),
        }
    }

    /// Put `n` new marked events into `stream` of `g`, straight into the emulator.
    fn put(&mut self, ep: &str, g: &str, stream: &str, n: u32) -> Vec<String> {
        let t = now_ms();
        let mut events = Vec::new();
        let mut marks = Vec::new();
        for i in 0..n {
            let m = format!("<{}-{:04}>", self.tag, self.next);
            self.next += 1;
            events.push((
                stream,
                t + i as i64,
                format!("An error occurred (AccessDeniedException) when calling the GetObject operation: Access Denied {m}"),
            ));
            marks.push(m);
        }
        put(ep, g, &events);
        self.all.extend(marks.iter().cloned());
        marks
    }
}

/// The messages of the records, for failure reports.
fn messages(recs: &[Value]) -> Vec<&str> {
    recs.iter()
        .map(|r| r["message"].as_str().unwrap_or("?"))
        .collect()
}

/// How many records carry each marker.
fn marker_counts(recs: &[Value], marks: &[String]) -> Vec<(String, usize)> {
    marks
        .iter()
        .map(|m| {
            let n = recs
                .iter()
                .filter(|r| {
                    r["message"]
                        .as_str()
                        .is_some_and(|s| s.contains(m.as_str()))
                })
                .count();
            (m.clone(), n)
        })
        .collect()
}

/// Every marker in exactly one record, and no record without one.
fn assert_each_once(recs: &[Value], marks: &[String], stderr: &str) {
    let wrong: Vec<_> = marker_counts(recs, marks)
        .into_iter()
        .filter(|(_, n)| *n != 1)
        .collect();
    assert!(
        wrong.is_empty(),
        "events not shown exactly once (marker, times shown): {wrong:?}\nstderr:\n{stderr}"
    );
    assert_eq!(
        recs.len(),
        marks.len(),
        "stray records: {:?}",
        messages(recs)
    );
}

/// `awsplain tail --follow` in the background with its stdout records and stderr collected
/// as they come.
struct Follow {
    child: std::process::Child,
    recs: Arc<Mutex<Vec<Value>>>,
    err: Arc<Mutex<String>>,
    readers: Vec<std::thread::JoinHandle<()>>,
}

/// Generous: only something really lost should run into it.
const DEADLINE: Duration = Duration::from_secs(45);

impl Follow {
    fn spawn(endpoint: &str, g: &str, extra: &[&str]) -> Follow {
        let mut child = spawn_follow(endpoint, g, extra);
        let recs = Arc::new(Mutex::new(Vec::new()));
        let err = Arc::new(Mutex::new(String::new()));
        let out = child.stdout.take().unwrap();
        let errp = child.stderr.take().unwrap();
        let (r, e) = (recs.clone(), err.clone());
        let readers = vec![
            std::thread::spawn(move || {
                for line in BufReader::new(out).lines() {
                    let line = line.unwrap();
                    if !line.trim().is_empty() {
                        let v = serde_json::from_str(&line)
                            .unwrap_or_else(|e| panic!("not JSON: {line}: {e}"));
                        r.lock().unwrap().push(v);
                    }
                }
            }),
            std::thread::spawn(move || {
                for line in BufReader::new(errp).lines() {
                    let mut e = e.lock().unwrap();
                    e.push_str(&line.unwrap());
                    e.push('\n');
                }
            }),
        ];
        Follow {
            child,
            recs,
            err,
            readers,
        }
    }

    fn stderr(&self) -> String {
        self.err.lock().unwrap().clone()
    }

    /// Wait until `cond(records, stderr)` holds; fail with `what` at the deadline.
    fn wait(&mut self, what: &str, cond: impl Fn(&[Value], &str) -> bool) {
        let deadline = Instant::now() + DEADLINE;
        loop {
            if cond(&self.recs.lock().unwrap(), &self.err.lock().unwrap()) {
                return;
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!(
                    "gave up waiting for {what}; records: {:?}\nstderr:\n{}",
                    messages(&self.recs.lock().unwrap()),
                    self.stderr()
                );
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                std::thread::sleep(Duration::from_millis(200));
                panic!(
                    "awsplain exited ({status}) while waiting for {what}; records: {:?}\nstderr:\n{}",
                    messages(&self.recs.lock().unwrap()),
                    self.stderr()
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Wait until these markers were all shown.
    fn wait_shown(&mut self, marks: &[String]) {
        let what = format!("{} events to be shown", marks.len());
        self.wait(&what, |recs, _| {
            marker_counts(recs, marks).iter().all(|(_, n)| *n >= 1)
        });
    }

    /// Wait for the exit (or interrupt it first), then the exit code, records and stderr.
    fn finish(mut self, interrupt: bool) -> (Option<i32>, Vec<Value>, String) {
        if interrupt {
            unsafe {
                libc::kill(self.child.id() as i32, libc::SIGINT);
            }
        }
        let deadline = Instant::now() + DEADLINE;
        let status = loop {
            if let Some(s) = self.child.try_wait().unwrap() {
                break s;
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!("awsplain did not exit; stderr:\n{}", self.stderr());
            }
            std::thread::sleep(Duration::from_millis(50));
        };
        for r in self.readers.drain(..) {
            r.join().unwrap();
        }
        let recs = self.recs.lock().unwrap().clone();
        (status.code(), recs, self.stderr())
    }
}

/// Let a few more polls happen (they must not repeat anything); not a timing assertion.
fn a_few_polls() {
    std::thread::sleep(Duration::from_millis(1200));
}

#[test]
fn follow_waits_out_an_outage_and_shows_every_event_once() {
    let Some(ep) = emulator() else { return };
    let g = unique_group("outage");
    let mut proxy = FaultProxy::start(&ep);
    let mut marks = Marks::new("outage");
    let before = marks.put(&ep, &g, "a", 3);
    let mut f = Follow::spawn(&proxy.url(), &g, &["--backoff-base", "20ms"]);
    f.wait_shown(&before);

    proxy.down();
    // Put while awsplain cannot reach CloudWatch, straight into the emulator.
    let during = marks.put(&ep, &g, "b", 3);
    f.wait("the outage notice", |_, err| err.contains("unreachable"));
    // Some retries into the outage; they must not print a line each.
    a_few_polls();
    proxy.up();
    let after = marks.put(&ep, &g, "a", 3);
    f.wait_shown(&during);
    f.wait_shown(&after);
    f.wait("the notice that it is back", |_, err| {
        err.contains("answers again")
    });
    a_few_polls();

    let (code, recs, stderr) = f.finish(true);
    assert_eq!(code, Some(0), "{stderr}");
    assert_each_once(&recs, &marks.all, &stderr);
    let lines = |s: &str| stderr.lines().filter(|l| l.contains(s)).count();
    assert_eq!(
        lines("unreachable"),
        1,
        "one line when it starts:\n{stderr}"
    );
    assert_eq!(
        lines("answers again"),
        1,
        "one line when it ends:\n{stderr}"
    );
    assert!(
        stderr.contains("unreachable (FilterLogEvents: "),
        "the notice says what failed:\n{stderr}"
    );
}

#[test]
fn follow_backs_off_through_throttling_bursts_and_loses_nothing() {
    let Some(ep) = emulator() else { return };
    let g = unique_group("throttle");
    let proxy = FaultProxy::start(&ep);
    let mut marks = Marks::new("throttle");
    let first = marks.put(&ep, &g, "a", 3);
    // Throttled from the very first call, before CloudWatch ever answered.
    proxy.inject(|f| f.throttle = 5);
    let mut f = Follow::spawn(&proxy.url(), &g, &["--backoff-base", "20ms"]);
    f.wait_shown(&first);
    assert_eq!(proxy.stats().throttled, 5);

    proxy.inject(|f| f.throttle = 12);
    let second = marks.put(&ep, &g, "b", 4);
    f.wait_shown(&second);
    assert_eq!(
        proxy.stats().throttled,
        17,
        "every throttled answer was met"
    );
    let third = marks.put(&ep, &g, "a", 2);
    f.wait_shown(&third);
    a_few_polls();

    let (code, recs, stderr) = f.finish(true);
    assert_eq!(code, Some(0), "{stderr}");
    assert_each_once(&recs, &marks.all, &stderr);
    assert!(stderr.contains("throttled FilterLogEvents"), "{stderr}");
    assert!(
        !stderr.contains("unreachable"),
        "throttling is no outage:\n{stderr}"
    );
}

#[test]
fn rejected_page_tokens_restart_from_the_cursor_without_repeats() {
    let Some(ep) = emulator() else { return };
    let g = unique_group("token");
    let proxy = FaultProxy::start(&ep);
    let mut marks = Marks::new("token");
    let first = marks.put(&ep, &g, "a", 7);

    // Without --follow: the window is read again and printed once.
    proxy.inject(|f| f.bad_token = 1);
    let out = tail(&proxy.url())
        .args([
            &g,
            "--since",
            "5m",
            "--page-size",
            "2",
            "--backoff-base",
            "20ms",
        ])
        .assert()
        .code(0)
        .get_output()
        .clone();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(proxy.stats().bad_tokens, 1, "{err}");
    assert_each_once(&json_lines(&out.stdout), &first, &err);
    assert!(err.contains("no longer accepts the page token"), "{err}");

    // With --follow, in the first poll and in later ones.
    proxy.inject(|f| f.bad_token = 1);
    let mut f = Follow::spawn(
        &proxy.url(),
        &g,
        &["--page-size", "2", "--backoff-base", "20ms"],
    );
    f.wait_shown(&first);
    proxy.inject(|f| f.bad_token = 2);
    let second = marks.put(&ep, &g, "b", 5);
    f.wait_shown(&second);
    f.wait("both later token rejections", |_, _| {
        proxy.stats().bad_tokens == 4
    });
    a_few_polls();

    let (code, recs, stderr) = f.finish(true);
    assert_eq!(code, Some(0), "{stderr}");
    assert_each_once(&recs, &marks.all, &stderr);
    assert_eq!(
        stderr.matches("no longer accepts the page token").count(),
        3,
        "{stderr}"
    );
}

#[test]
fn expired_credentials_stop_follow_with_an_explanation_and_where_to_resume() {
    let Some(ep) = emulator() else { return };
    let g = unique_group("expired");
    let proxy = FaultProxy::start(&ep);
    let mut marks = Marks::new("expired");
    let before = marks.put(&ep, &g, "a", 3);
    let mut f = Follow::spawn(&proxy.url(), &g, &["--backoff-base", "20ms", "--summary"]);
    f.wait_shown(&before);

    proxy.inject(|f| f.expired = true);
    let after = marks.put(&ep, &g, "a", 3);
    let (code, recs, stderr) = f.finish(false);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(proxy.stats().expired >= 1);
    // What was shown, was shown once; what came after was not shown at all.
    assert_each_once(&recs, &before, &stderr);

    assert!(stderr.contains("have expired"), "{stderr}");
    assert!(stderr.contains("ExpiredTokenException"), "{stderr}");
    let rec: Value = stderr
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .find(|v| v.get("error_code").is_some())
        .unwrap_or_else(|| panic!("no JSON record on stderr: {stderr}"));
    assert_eq!(rec["error_code"], "ExpiredTokenException");
    assert_eq!(rec["operation"], "FilterLogEvents");
    assert!(
        rec["remedies"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["id"] == "credentials-expired"),
        "{rec}"
    );
    // The summary is the one of the logs (the three events), not one of the explanation.
    let summaries: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("{\"summary\""))
        .collect();
    assert_eq!(summaries.len(), 1, "{stderr}");
    assert!(!summaries[0].contains("ExpiredToken"), "{stderr}");

    // The resume point it names loses nothing: a rerun from it shows the events after.
    let since = stderr
        .split("run again with --since ")
        .nth(1)
        .and_then(|s| s.split_whitespace().next())
        .unwrap_or_else(|| panic!("no resume point: {stderr}"))
        .to_string();
    let out = tail(&ep)
        .args([&g, "--since", &since])
        .assert()
        .code(0)
        .get_output()
        .clone();
    let rerun = json_lines(&out.stdout);
    let missing: Vec<_> = marker_counts(&rerun, &after)
        .into_iter()
        .filter(|(_, n)| *n != 1)
        .collect();
    assert!(missing.is_empty(), "{missing:?} from --since {since}");
}

#[test]
fn a_hung_call_times_out_and_is_retried() {
    let Some(ep) = emulator() else { return };
    let g = unique_group("stall");
    let proxy = FaultProxy::start(&ep);
    let mut marks = Marks::new("stall");
    let first = marks.put(&ep, &g, "a", 2);
    let mut f = Follow::spawn(
        &proxy.url(),
        &g,
        &["--backoff-base", "20ms", "--attempt-timeout", "300ms"],
    );
    f.wait_shown(&first);
    // More hung calls than the SDK's own attempts, so awsplain's loop sees an outage too.
    proxy.inject(|f| f.stall = 4);
    let second = marks.put(&ep, &g, "a", 2);
    f.wait_shown(&second);
    assert_eq!(proxy.stats().stalled, 4);
    a_few_polls();
    let (code, recs, stderr) = f.finish(true);
    assert_eq!(code, Some(0), "{stderr}");
    assert_each_once(&recs, &marks.all, &stderr);
}

#[test]
fn follow_that_never_reached_cloudwatch_exits_2() {
    // A port nothing listens on: a setup problem, reported at once rather than waited out.
    let closed = {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}", l.local_addr().unwrap())
    };
    let f = Follow::spawn(&closed, "/ecs/web", &["--backoff-base", "20ms"]);
    let (code, recs, stderr) = f.finish(false);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(recs.is_empty());
    assert!(
        stderr.contains("could not call CloudWatch Logs"),
        "{stderr}"
    );
    assert!(!stderr.contains("unreachable"), "{stderr}");
    assert!(
        !stderr.contains("--since"),
        "no resume point before a first poll: {stderr}"
    );
    assert!(
        !stderr.contains("DispatchFailure {"),
        "no SDK debug dump: {stderr}"
    );
}

#[test]
fn human_output_names_the_stream_and_the_event_time() {
    let Some(ep) = emulator() else { return };
    let g = unique_group("human");
    let secs = now_ms() / 1000 - 60;
    put(&ep, &g, &[("web/1", secs * 1000 + 123, lambda_event(1))]);
    let out = awsplain()
        .args(["tail", &g, "--since", "5m", "--endpoint-url", &ep])
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_CONFIG_FILE", "/nonexistent/awsplain-test-config")
        .env_remove("AWS_ENDPOINT_URL")
        .env_remove("AWS_ENDPOINT_URL_CLOUDWATCH_LOGS")
        .timeout(Duration::from_secs(60))
        .assert()
        .code(0)
        .get_output()
        .clone();
    let text = String::from_utf8_lossy(&out.stdout);
    let date = Command::new("date")
        .args(["-u", "-d", &format!("@{secs}"), "+%Y-%m-%dT%H:%M:%S"])
        .output()
        .unwrap();
    let when = format!("{}.123Z", String::from_utf8_lossy(&date.stdout).trim());
    let head = text.lines().next().unwrap_or_default();
    assert!(
        head.contains(&g) && head.contains("web/1") && head.contains(&when),
        "{when} in: {text}"
    );
}
