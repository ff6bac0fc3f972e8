//! `tail --live`: a CloudWatch Logs Live Tail session (StartLiveTail), renewed when CloudWatch
//! ends it (sessions last at most three hours), with sampling reported as a warning.
//!
//! A session that ends soon after it started (an emulator answers with what the group holds
//! and closes; a network that keeps dropping) is renewed after a growing, jittered wait, so
//! that a tail cannot hammer the endpoint; a session that lasted resets the wait. A new
//! session may deliver events an earlier one did: each event is shown once (`recent`).

use super::super::OutputOpts;
use super::aws_error::AwsFailure;
use super::context::Tracker;
use super::fetch::{Event, Streams};
use super::recent::{self, Recent};
use super::retry::Backoff;
use super::time::now_millis;
use super::{concerns_one_group, scan_event, Plan, Printer, Stop};
use aws_sdk_cloudwatchlogs::config::interceptors::BeforeTransmitInterceptorContextMut;
use aws_sdk_cloudwatchlogs::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_sdk_cloudwatchlogs::error::BoxError;
use aws_sdk_cloudwatchlogs::types::StartLiveTailResponseStream;
use aws_sdk_cloudwatchlogs::Client;
use std::time::{Duration, Instant};

/// StartLiveTail accepts at most this many log groups.
pub const MAX_GROUPS: usize = 10;

/// How one session ended.
#[derive(Debug, PartialEq, Eq)]
pub enum SessionEnd {
    /// CloudWatch closed it (the three-hour limit, or the stream simply ended): start another.
    Renew,
    /// `--until` has passed.
    Done,
}

/// Turns `http://stream-127.0.0.1:4566` back into `http://127.0.0.1:4566`. The SDK puts a
/// `stream-` host prefix in front of every StartLiveTail endpoint, which is right for AWS and
/// wrong for an emulator on the loopback interface, the only hosts this touches.
#[derive(Debug)]
pub struct LoopbackHostPrefixUndo;

impl Intercept for LoopbackHostPrefixUndo {
    fn name(&self) -> &'static str {
        "LoopbackHostPrefixUndo"
    }

    fn modify_before_transmit(
        &self,
        context: &mut BeforeTransmitInterceptorContextMut<'_>,
        _rc: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let req = context.request_mut();
        if let Some(fixed) = undo_loopback_prefix(req.uri()) {
            req.set_uri(fixed)?;
        }
        Ok(())
    }
}

/// The URI without the `stream-` prefix when the host under it is a loopback address.
pub fn undo_loopback_prefix(uri: &str) -> Option<String> {
    let (scheme, rest) = uri.split_once("://")?;
    let rest = rest.strip_prefix("stream-")?;
    let host_end = if rest.starts_with('[') {
        rest.find(']').map_or(rest.len(), |i| i + 1)
    } else {
        rest.find([':', '/']).unwrap_or(rest.len())
    };
    let host = &rest[..host_end];
    let loopback = host == "localhost"
        || host == "[::1]"
        || host
            .parse::<std::net::Ipv4Addr>()
            .is_ok_and(|ip| ip.is_loopback());
    loopback.then(|| format!("{scheme}://{rest}"))
}

/// The ARN of one group (Live Tail wants ARNs), via DescribeLogGroups.
async fn group_arn(client: &Client, plan: &Plan, g: &str) -> Result<String, Stop> {
    if g.starts_with("arn:") {
        return Ok(g.trim_end_matches(":*").to_string());
    }
    let mut token: Option<String> = None;
    loop {
        let out = plan
            .retry
            .call("DescribeLogGroups", || {
                client
                    .describe_log_groups()
                    .log_group_name_prefix(g)
                    .set_next_token(token.clone())
                    .send()
            })
            .await
            .map_err(|e| Stop::Aws(AwsFailure::from_sdk("DescribeLogGroups", Some(g), &e)))?;
        let hit = out
            .log_groups()
            .iter()
            .find(|lg| lg.log_group_name() == Some(g))
            .and_then(|lg| {
                lg.log_group_arn()
                    .map(str::to_string)
                    .or_else(|| lg.arn().map(|a| a.trim_end_matches(":*").to_string()))
            });
        match (hit, out.next_token()) {
            (Some(a), _) => return Ok(a),
            (None, Some(t)) if !t.is_empty() => token = Some(t.to_string()),
            (None, _) => {
                return Err(Stop::Aws(AwsFailure {
                    api: super::aws_error::LOGS,
                    operation: "DescribeLogGroups",
                    target: Some(g.to_string()),
                    code: Some("ResourceNotFoundException".into()),
                    message: Some("The specified log group does not exist.".into()),
                    request_id: None,
                    status: None,
                    detail: String::new(),
                }))
            }
        }
    }
}

/// The ARNs of the groups that exist and may be described, each with its index in
/// `plan.groups`; the others are reported and left out.
async fn group_arns(
    client: &Client,
    plan: &Plan,
    printer: &mut Printer<'_>,
) -> Result<Vec<(usize, String)>, Stop> {
    let mut arns = Vec::new();
    for (gi, g) in plan.groups.iter().enumerate() {
        match group_arn(client, plan, g).await {
            Ok(a) => arns.push((gi, a)),
            Err(stop) => match concerns_one_group(&stop) {
                Some(f) => printer.group_failed(gi, f),
                None => return Err(stop),
            },
        }
    }
    Ok(arns)
}

/// A session that lasted this long was a working one: the next renewal waits the least again.
const LASTED: Duration = Duration::from_secs(60);

/// The waits before renewing sessions: the backoff's steps, one more for each session in a
/// row that ended sooner than `LASTED` after it started.
struct Renewals {
    backoff: Backoff,
    short_in_a_row: u32,
}

impl Renewals {
    fn wait_after(&mut self, lived: Duration) -> Duration {
        if lived >= LASTED {
            self.short_in_a_row = 0;
        }
        let wait = self.backoff.jittered(self.short_in_a_row);
        self.short_in_a_row = self.short_in_a_row.saturating_add(1);
        wait
    }
}

pub async fn run(
    client: &Client,
    plan: &Plan,
    opts: &OutputOpts,
    printer: &mut Printer<'_>,
) -> Result<(), Stop> {
    if !matches!(plan.streams, Streams::All) && plan.groups.len() != 1 {
        return Err(Stop::Other(
            "tail --live: --stream and --stream-prefix need exactly one log group with Live Tail"
                .into(),
        ));
    }
    let arns = group_arns(client, plan, printer).await?;
    if arns.is_empty() {
        return Ok(());
    }
    let mut renewals = Renewals {
        backoff: plan.retry.backoff,
        short_in_a_row: 0,
    };
    let mut seen = Recent::new(recent::CAPACITY);
    let mut ctx = Tracker::new(plan.context);
    loop {
        if plan.until.is_some_and(|u| now_millis() > u) {
            return Ok(());
        }
        let started = Instant::now();
        let live = Session {
            arns: &arns,
            seen: &mut seen,
            ctx: &mut ctx,
        };
        match session(client, plan, live, opts, printer).await? {
            SessionEnd::Done => return Ok(()),
            SessionEnd::Renew => {
                let lived = started.elapsed();
                let mut wait = renewals.wait_after(lived);
                if let Some(u) = plan.until {
                    wait = wait.min(Duration::from_millis((u - now_millis()).max(0) as u64));
                }
                eprintln!(
                    "awsplain: Live Tail session ended after {:.1}s; starting a new one in {:.1}s",
                    lived.as_secs_f64(),
                    wait.as_secs_f64()
                );
                tokio::time::sleep(wait).await;
            }
        }
    }
}

/// What outlives one session: the groups, the events already shown, `-C`'s lines.
struct Session<'s> {
    arns: &'s [(usize, String)],
    seen: &'s mut Recent,
    ctx: &'s mut Tracker,
}

async fn session(
    client: &Client,
    plan: &Plan,
    live: Session<'_>,
    opts: &OutputOpts,
    printer: &mut Printer<'_>,
) -> Result<SessionEnd, Stop> {
    let arns = live.arns;
    let first = arns.first().map(|a| plan.groups[a.0].as_str());
    let out = plan
        .retry
        .call("StartLiveTail", || {
            let mut req = client
                .start_live_tail()
                .set_log_group_identifiers(Some(arns.iter().map(|a| a.1.clone()).collect()))
                .set_log_event_filter_pattern(plan.pattern.borrow().clone());
            req = match &plan.streams {
                Streams::All => req,
                Streams::Prefix(p) => req.log_stream_name_prefixes(p.clone()),
                Streams::Names(n) => req.set_log_stream_names(Some(n.clone())),
            };
            req.customize().interceptor(LoopbackHostPrefixUndo).send()
        })
        .await
        .map_err(|e| Stop::Aws(AwsFailure::from_sdk("StartLiveTail", first, &e)))?;
    let mut stream = out.response_stream;
    let mut warned_sampled = false;
    loop {
        if plan.until.is_some_and(|u| now_millis() > u) {
            return Ok(SessionEnd::Done);
        }
        let next = match plan.until {
            Some(u) => {
                let left = std::time::Duration::from_millis((u - now_millis()).max(0) as u64);
                match tokio::time::timeout(left, stream.recv()).await {
                    Ok(r) => r,
                    Err(_) => return Ok(SessionEnd::Done),
                }
            }
            None => stream.recv().await,
        };
        let msg = match next {
            Ok(Some(m)) => m,
            Ok(None) => return Ok(SessionEnd::Renew),
            Err(e) => {
                // The modeled stream exceptions carry no error code: match the variant.
                let modeled = e.as_service_error();
                if modeled.is_some_and(|m| m.is_session_timeout_exception()) {
                    return Ok(SessionEnd::Renew);
                }
                if let Some(m) = modeled.filter(|m| m.is_session_streaming_exception()) {
                    use aws_sdk_cloudwatchlogs::error::ProvideErrorMetadata;
                    eprintln!(
                        "awsplain: warning: Live Tail stream failed ({}); reconnecting",
                        awsplain::sanitize::for_terminal(m.message().unwrap_or("no detail"))
                    );
                    return Ok(SessionEnd::Renew);
                }
                return Err(Stop::Aws(AwsFailure::from_stream(
                    "StartLiveTail",
                    first,
                    &e,
                )));
            }
        };
        let StartLiveTailResponseStream::SessionUpdate(update) = msg else {
            continue;
        };
        let sampled = update.session_metadata().is_some_and(|m| m.sampled());
        if sampled && !warned_sampled {
            eprintln!(
                "awsplain: warning: Live Tail is sampling (more than 500 matching events per second); some events are not shown. Narrow the groups or use --follow."
            );
        }
        warned_sampled = sampled;
        let mut hits = Vec::new();
        for e in update.session_results() {
            let arn_or_name = e.log_group_identifier().unwrap_or_default();
            let gi = arns
                .iter()
                .find(|a| a.1 == arn_or_name || a.1.ends_with(&format!(":log-group:{arn_or_name}")))
                .map_or(arns[0].0, |a| a.0);
            // Live Tail events carry no id: they are told apart by stream, time and message.
            let ev = Event {
                timestamp: e.timestamp().unwrap_or(0),
                stream: e.log_stream_name().unwrap_or_default().to_string(),
                id: String::new(),
                message: e.message().unwrap_or_default().to_string(),
            };
            if live.seen.first_time(gi, &ev) {
                let hit = scan_event(opts, &plan.groups[gi], gi, &ev);
                live.ctx.observe(gi, &ev, hit, &mut hits);
            }
        }
        printer.emit(hits)?;
        live.ctx.printed();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::tail::fetch::tests::{read_request, test_client};
    use std::io::Write;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::{Arc, Mutex};
    use tokio::io::AsyncWriteExt;
    use tokio::net::TcpListener;

    fn crc32(data: &[u8]) -> u32 {
        let mut crc = !0u32;
        for &b in data {
            crc ^= b as u32;
            for _ in 0..8 {
                crc = if crc & 1 != 0 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }

    /// One event-stream message: prelude (lengths and their CRC), string headers, payload, CRC.
    fn frame(headers: &[(&str, &str)], payload: &str) -> Vec<u8> {
        let mut h = Vec::new();
        for (name, value) in headers {
            h.push(name.len() as u8);
            h.extend_from_slice(name.as_bytes());
            h.push(7);
            h.extend_from_slice(&(value.len() as u16).to_be_bytes());
            h.extend_from_slice(value.as_bytes());
        }
        let total = 12 + h.len() + payload.len() + 4;
        let mut m = Vec::new();
        m.extend_from_slice(&(total as u32).to_be_bytes());
        m.extend_from_slice(&(h.len() as u32).to_be_bytes());
        let prelude_crc = crc32(&m);
        m.extend_from_slice(&prelude_crc.to_be_bytes());
        m.extend_from_slice(&h);
        m.extend_from_slice(payload.as_bytes());
        let crc = crc32(&m);
        m.extend_from_slice(&crc.to_be_bytes());
        m
    }

    fn event(kind: &str, payload: serde_json::Value) -> Vec<u8> {
        frame(
            &[
                (":message-type", "event"),
                (":event-type", kind),
                (":content-type", "application/json"),
            ],
            &payload.to_string(),
        )
    }

    fn update(group: &str, ts: i64, message: &str, sampled: bool) -> Vec<u8> {
        event(
            "sessionUpdate",
            serde_json::json!({
                "sessionMetadata": {"sampled": sampled},
                "sessionResults": [{"logStreamName": "web/1", "logGroupIdentifier": group, "message": message, "timestamp": ts, "ingestionTime": ts + 5}]
            }),
        )
    }

    /// A Live Tail endpoint: the first session sends a start, one update and then the
    /// three-hour timeout; the second sends one update and stays open.
    async fn live_server(group: &'static str) -> (String, Arc<AtomicUsize>) {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let sessions = Arc::new(AtomicUsize::new(0));
        let counter = sessions.clone();
        tokio::spawn(async move {
            while let Ok((mut sock, _)) = listener.accept().await {
                let n = counter.clone();
                tokio::spawn(async move {
                    if read_request(&mut sock).await.is_none() {
                        return;
                    }
                    let session = n.fetch_add(1, Ordering::SeqCst);
                    let head = "HTTP/1.1 200 OK\r\ncontent-type: application/vnd.amazon.eventstream\r\ntransfer-encoding: chunked\r\nx-amzn-requestid: live-1\r\n\r\n";
                    let _ = sock.write_all(head.as_bytes()).await;
                    let msgs: Vec<Vec<u8>> = if session == 0 {
                        vec![
                            event("sessionStart", serde_json::json!({"requestId": "r", "sessionId": "s1", "logGroupIdentifiers": [group]})),
                            update(group, 1_000, "An error occurred (AccessDeniedException) when calling the GetObject operation: Access Denied", true),
                            frame(
                                &[(":message-type", "exception"), (":exception-type", "SessionTimeoutException"), (":content-type", "application/json")],
                                r#"{"message":"Session timed out after three hours"}"#,
                            ),
                        ]
                    } else {
                        vec![update(group, 2_000, "An error occurred (ThrottlingException) when calling the PutItem operation: Rate exceeded", false)]
                    };
                    for m in msgs {
                        let chunk = format!("{:x}\r\n", m.len());
                        let _ = sock.write_all(chunk.as_bytes()).await;
                        let _ = sock.write_all(&m).await;
                        let _ = sock.write_all(b"\r\n").await;
                    }
                    if session == 0 {
                        let _ = sock.write_all(b"0\r\n\r\n").await;
                    } else {
                        tokio::time::sleep(std::time::Duration::from_secs(30)).await;
                    }
                });
            }
        });
        (url, sessions)
    }

    #[derive(Clone, Default)]
    struct Shared(Arc<Mutex<Vec<u8>>>);

    impl Write for Shared {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[tokio::test]
    async fn session_timeout_starts_a_new_session_and_events_of_both_are_shown() {
        const GROUP: &str = "arn:aws:logs:us-east-1:123456789012:log-group:/ecs/web";
        let (url, sessions) = live_server(GROUP).await;
        let client = test_client(&url);
        let cli =
            <crate::cli::Cli as clap::Parser>::try_parse_from(["awsplain", "--format", "json"])
                .unwrap();
        let out = Shared::default();
        let report = |f: &AwsFailure| panic!("no group fails here: {f:?}");
        let mut printer = super::super::Printer::new(&cli.out, Box::new(out.clone()), 1, &report);
        let plan = super::super::Plan {
            groups: vec![GROUP.to_string()],
            streams: Streams::All,
            since: 0,
            until: Some(now_millis() + 3_000),
            pattern: std::cell::RefCell::new(Some("%Exception%".into())),
            generated: true,
            interval: std::time::Duration::from_millis(200),
            late_window: 0,
            page_size: None,
            retry: crate::cli::tail::retry::Retry::new(Default::default(), false),
            attempt_timeout: std::time::Duration::from_secs(60),
            context: 0,
        };
        run(&client, &plan, &cli.out, &mut printer)
            .await
            .unwrap_or_else(|e| panic!("live tail failed: {e:?}"));
        printer.finish().unwrap();
        assert_eq!(
            sessions.load(Ordering::SeqCst),
            2,
            "a second session after the timeout"
        );
        let text = String::from_utf8(out.0.lock().unwrap().clone()).unwrap();
        let recs: Vec<serde_json::Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        let codes: Vec<&str> = recs
            .iter()
            .filter_map(|r| r["error_code"].as_str())
            .collect();
        assert_eq!(
            codes,
            ["AccessDeniedException", "ThrottlingException"],
            "{text}"
        );
        assert_eq!(recs[0]["source"]["log_group"], GROUP);
        assert_eq!(recs[0]["source"]["log_stream"], "web/1");
        assert_eq!(recs[1]["source"]["timestamp"], 2_000);
    }

    #[test]
    fn renewals_wait_longer_after_each_short_session_and_start_over_after_a_long_one() {
        let backoff = Backoff {
            base: Duration::from_millis(100),
            cap: Duration::from_millis(800),
        };
        let mut r = Renewals {
            backoff,
            short_in_a_row: 0,
        };
        let short = Duration::from_millis(10);
        // Half of each step is fixed: the lower bounds grow 50, 100, 200, 400, 400 ms.
        let waits: Vec<Duration> = (0..5).map(|_| r.wait_after(short)).collect();
        for (w, low) in waits.iter().zip([50, 100, 200, 400, 400]) {
            assert!(
                *w >= Duration::from_millis(low) && *w <= Duration::from_millis(low * 2),
                "{waits:?}"
            );
        }
        let after_long = r.wait_after(LASTED);
        assert!(after_long <= Duration::from_millis(100), "{after_long:?}");
    }

    #[test]
    fn stream_prefix_is_undone_only_for_loopback_hosts() {
        assert_eq!(
            undo_loopback_prefix("http://stream-127.0.0.1:5000/").as_deref(),
            Some("http://127.0.0.1:5000/")
        );
        assert_eq!(
            undo_loopback_prefix("http://stream-localhost:4566").as_deref(),
            Some("http://localhost:4566")
        );
        assert_eq!(
            undo_loopback_prefix("http://stream-[::1]:80/x").as_deref(),
            Some("http://[::1]:80/x")
        );
        assert_eq!(
            undo_loopback_prefix("https://stream-logs.us-east-1.amazonaws.com/"),
            None
        );
        assert_eq!(undo_loopback_prefix("http://127.0.0.1:5000/"), None);
        assert_eq!(
            undo_loopback_prefix("http://stream-127evil.example.com/"),
            None
        );
        assert_eq!(
            undo_loopback_prefix("http://stream-127.0.0.1.example.com/"),
            None
        );
    }
}
