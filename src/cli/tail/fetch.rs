//! FilterLogEvents over one log group and time window, through every page.

use super::retry::Retry;
use super::time::Millis;
use aws_sdk_cloudwatchlogs::error::SdkError;
use aws_sdk_cloudwatchlogs::operation::filter_log_events::FilterLogEventsError;
use aws_sdk_cloudwatchlogs::Client;

/// Which streams of a group to read.
#[derive(Debug, Clone, Default)]
pub enum Streams {
    #[default]
    All,
    Prefix(String),
    Names(Vec<String>),
}

impl Streams {
    /// Whether an event of `stream` is selected. CloudWatch applies the selection itself;
    /// checking again here keeps the output right against emulators that ignore it.
    pub fn selects(&self, stream: &str) -> bool {
        match self {
            Streams::All => true,
            Streams::Prefix(p) => stream.starts_with(p.as_str()),
            Streams::Names(n) => n.iter().any(|s| s == stream),
        }
    }
}

/// One log event as CloudWatch returned it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub timestamp: Millis,
    pub stream: String,
    pub id: String,
    pub message: String,
}

#[derive(Debug, Clone)]
pub struct Query<'a> {
    pub group: &'a str,
    pub streams: &'a Streams,
    pub start: Millis,
    /// Inclusive, as in the API.
    pub end: Option<Millis>,
    pub pattern: Option<&'a str>,
    pub page_size: Option<i32>,
    pub retry: &'a Retry,
}

pub type FilterError = SdkError<FilterLogEventsError>;

/// A failed FilterLogEvents call, and whether it carried a page token: an
/// `InvalidParameterException` then means the token (they expire after 24 hours), since the
/// same parameters were accepted for the first page.
#[derive(Debug)]
pub struct FetchError {
    pub error: FilterError,
    pub paging: bool,
}

/// All events of the window, page after page until no `nextToken` is left. A page can be
/// empty while more follow (CloudWatch searches a slice of the streams per call), so only the
/// missing token ends the loop; a token repeated with an empty page ends it too, because
/// then CloudWatch has nothing more right now.
pub async fn fetch(
    client: &Client,
    q: &Query<'_>,
    on_page: &mut dyn FnMut(Vec<Event>),
) -> Result<u64, FetchError> {
    let mut token: Option<String> = None;
    let mut pages = 0u64;
    loop {
        let out = q
            .retry
            .call("FilterLogEvents", || {
                let mut req = client.filter_log_events();
                // A group ARN (another account's group, shared through observability access
                // manager) goes in logGroupIdentifier; a name in logGroupName.
                req = match q.group.strip_prefix("arn:") {
                    Some(_) => req.log_group_identifier(q.group.trim_end_matches(":*")),
                    None => req.log_group_name(q.group),
                };
                let mut req = req
                    .start_time(q.start)
                    .set_end_time(q.end)
                    .set_filter_pattern(q.pattern.map(str::to_string))
                    .set_limit(q.page_size)
                    .set_next_token(token.clone());
                req = match q.streams {
                    Streams::All => req,
                    Streams::Prefix(p) => req.log_stream_name_prefix(p),
                    Streams::Names(n) => req.set_log_stream_names(Some(n.clone())),
                };
                req.send()
            })
            .await
            .map_err(|error| FetchError {
                error,
                paging: token.is_some(),
            })?;
        pages += 1;
        let events: Vec<Event> = out
            .events()
            .iter()
            .map(|e| Event {
                timestamp: e.timestamp().unwrap_or(0),
                stream: e.log_stream_name().unwrap_or_default().to_string(),
                id: e.event_id().unwrap_or_default().to_string(),
                message: e.message().unwrap_or_default().to_string(),
            })
            .filter(|e| q.streams.selects(&e.stream))
            .collect();
        let empty = events.is_empty();
        on_page(events);
        match out.next_token() {
            Some(t) if !(t.is_empty() || (empty && token.as_deref() == Some(t))) => {
                token = Some(t.to_string())
            }
            _ => return Ok(pages),
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::cli::tail::retry::{Backoff, Classify, Fault};
    use std::sync::{Arc, Mutex};
    use std::time::Duration;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpListener;

    /// A canned HTTP reply: status, extra headers, body.
    pub type Reply = (u16, Vec<(&'static str, &'static str)>, String);

    /// A tiny HTTP/1.1 server on loopback answering each request with the next canned
    /// `(status, extra headers, body)`, and recording the request bodies it got.
    pub async fn canned_server(replies: Vec<Reply>) -> (String, Arc<Mutex<Vec<String>>>) {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let seen = Arc::new(Mutex::new(Vec::new()));
        let seen2 = seen.clone();
        tokio::spawn(async move {
            let mut replies = replies.into_iter();
            while let Ok((mut sock, _)) = listener.accept().await {
                loop {
                    let Some(body) = read_request(&mut sock).await else {
                        break;
                    };
                    seen2.lock().unwrap().push(body);
                    let Some((status, headers, reply)) = replies.next() else {
                        return;
                    };
                    let mut head = format!(
                        "HTTP/1.1 {status} X\r\ncontent-type: application/x-amz-json-1.1\r\ncontent-length: {}\r\nx-amzn-requestid: req-{status}\r\n",
                        reply.len()
                    );
                    for (k, v) in headers {
                        head.push_str(&format!("{k}: {v}\r\n"));
                    }
                    head.push_str("\r\n");
                    if sock.write_all(head.as_bytes()).await.is_err()
                        || sock.write_all(reply.as_bytes()).await.is_err()
                    {
                        break;
                    }
                }
            }
        });
        (url, seen)
    }

    pub async fn read_request(sock: &mut tokio::net::TcpStream) -> Option<String> {
        let mut buf = Vec::new();
        let mut chunk = [0u8; 4096];
        let header_end = loop {
            if let Some(p) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                break p + 4;
            }
            let n = sock.read(&mut chunk).await.ok()?;
            if n == 0 {
                return None;
            }
            buf.extend_from_slice(&chunk[..n]);
        };
        let head = String::from_utf8_lossy(&buf[..header_end]).to_ascii_lowercase();
        let len: usize = head
            .lines()
            .find_map(|l| {
                l.strip_prefix("content-length:")
                    .map(|v| v.trim().parse().unwrap_or(0))
            })
            .unwrap_or(0);
        while buf.len() < header_end + len {
            let n = sock.read(&mut chunk).await.ok()?;
            if n == 0 {
                return None;
            }
            buf.extend_from_slice(&chunk[..n]);
        }
        Some(String::from_utf8_lossy(&buf[header_end..header_end + len]).into_owned())
    }

    /// A client for `url` with static test credentials and the SDK's own retries off, so that
    /// only awsplain's retry loop is exercised.
    pub fn test_client(url: &str) -> Client {
        let conf = aws_sdk_cloudwatchlogs::Config::builder()
            .behavior_version(aws_sdk_cloudwatchlogs::config::BehaviorVersion::latest())
            .region(aws_sdk_cloudwatchlogs::config::Region::new("us-east-1"))
            .credentials_provider(aws_sdk_cloudwatchlogs::config::Credentials::new(
                "AKIDTEST", "secret", None, None, "test",
            ))
            .endpoint_url(url)
            .retry_config(aws_sdk_cloudwatchlogs::config::retry::RetryConfig::disabled())
            .build();
        Client::from_conf(conf)
    }

    fn throttle() -> Reply {
        (
            400,
            vec![("x-amzn-errortype", "ThrottlingException")],
            r#"{"__type":"ThrottlingException","message":"Rate exceeded"}"#.to_string(),
        )
    }

    fn page(events: &[(i64, &str, &str)], token: Option<&str>) -> Reply {
        let evs: Vec<serde_json::Value> = events
            .iter()
            .map(|(ts, id, msg)| {
                serde_json::json!({"logStreamName": "web-1", "timestamp": ts, "message": msg, "ingestionTime": ts, "eventId": id})
            })
            .collect();
        let mut body = serde_json::json!({"events": evs, "searchedLogStreams": []});
        if let Some(t) = token {
            body["nextToken"] = serde_json::Value::String(t.to_string());
        }
        (200, vec![], body.to_string())
    }

    fn quick() -> Retry {
        Retry::new(
            Backoff {
                base: Duration::from_millis(1),
                cap: Duration::from_millis(5),
            },
            false,
        )
    }

    fn query<'a>(streams: &'a Streams, retry: &'a Retry) -> Query<'a> {
        Query {
            group: "g",
            streams,
            start: 0,
            end: None,
            pattern: Some("?x"),
            page_size: None,
            retry,
        }
    }

    #[tokio::test]
    async fn throttled_pages_are_retried_and_empty_pages_with_a_token_do_not_stop_paging() {
        let (url, seen) = canned_server(vec![
            throttle(),
            page(&[(1, "e1", "one")], Some("t1")),
            throttle(),
            throttle(),
            page(&[], Some("t2")),
            page(&[(2, "e2", "two"), (3, "e3", "three")], None),
        ])
        .await;
        let client = test_client(&url);
        let streams = Streams::Prefix("web".into());
        let mut got = Vec::new();
        let retry = quick();
        let pages = fetch(&client, &query(&streams, &retry), &mut |evs| {
            got.extend(evs)
        })
        .await
        .expect("fetch succeeds");
        assert_eq!(pages, 3);
        let ids: Vec<_> = got.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(ids, ["e1", "e2", "e3"]);
        let seen = seen.lock().unwrap();
        assert_eq!(seen.len(), 6);
        let last: serde_json::Value = serde_json::from_str(&seen[5]).unwrap();
        assert_eq!(last["nextToken"], "t2");
        assert_eq!(last["logStreamNamePrefix"], "web");
        assert_eq!(last["filterPattern"], "?x");
        assert_eq!(last["logGroupName"], "g");
    }

    #[tokio::test]
    async fn group_arns_go_in_log_group_identifier() {
        let (url, seen) = canned_server(vec![page(&[], None)]).await;
        let client = test_client(&url);
        let streams = Streams::All;
        let retry = quick();
        let mut q = query(&streams, &retry);
        q.group = "arn:aws:logs:us-east-1:210987654321:log-group:/shared/app:*";
        fetch(&client, &q, &mut |_| {})
            .await
            .expect("fetch succeeds");
        let body: serde_json::Value = serde_json::from_str(&seen.lock().unwrap()[0]).unwrap();
        assert_eq!(
            body["logGroupIdentifier"],
            "arn:aws:logs:us-east-1:210987654321:log-group:/shared/app"
        );
        assert!(body.get("logGroupName").is_none(), "{body}");
    }

    #[tokio::test]
    async fn access_denied_is_returned_not_retried() {
        let (url, seen) = canned_server(vec![(
            400,
            vec![],
            r#"{"__type":"AccessDeniedException","message":"User: arn:aws:iam::123456789012:user/dev is not authorized to perform: logs:FilterLogEvents on resource: arn:aws:logs:us-east-1:123456789012:log-group:g:log-stream: because no identity-based policy allows the logs:FilterLogEvents action"}"#.to_string(),
        )])
        .await;
        let client = test_client(&url);
        let streams = Streams::All;
        let retry = quick();
        let err = fetch(&client, &query(&streams, &retry), &mut |_| {})
            .await
            .unwrap_err();
        use aws_sdk_cloudwatchlogs::error::ProvideErrorMetadata;
        assert_eq!(err.error.code(), Some("AccessDeniedException"));
        assert_eq!(err.error.fault(), Fault::Final);
        assert!(!err.paging);
        assert_eq!(seen.lock().unwrap().len(), 1);
    }

    #[tokio::test]
    async fn a_rejected_page_token_is_told_apart_from_a_rejected_first_page() {
        let invalid = || {
            (
                400,
                vec![],
                r#"{"__type":"InvalidParameterException","message":"The specified nextToken is invalid."}"#
                    .to_string(),
            )
        };
        let (url, _) = canned_server(vec![
            invalid(),
            page(&[(1, "e1", "one")], Some("t1")),
            invalid(),
        ])
        .await;
        let client = test_client(&url);
        let streams = Streams::All;
        let retry = quick();
        let first = fetch(&client, &query(&streams, &retry), &mut |_| {})
            .await
            .unwrap_err();
        assert!(!first.paging);
        let mut got = Vec::new();
        let later = fetch(&client, &query(&streams, &retry), &mut |e| got.extend(e))
            .await
            .unwrap_err();
        assert!(later.paging);
        assert_eq!(later.error.fault(), Fault::Final);
        assert_eq!(got.len(), 1);
    }

    #[tokio::test]
    async fn unreachable_and_5xx_are_outages_throttling_is_not() {
        let streams = Streams::All;
        let retry = quick();
        // A port that was just free: connection refused.
        let closed = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            format!("http://{}", l.local_addr().unwrap())
        };
        let refused = fetch(&test_client(&closed), &query(&streams, &retry), &mut |_| {})
            .await
            .unwrap_err();
        assert_eq!(refused.error.fault(), Fault::Unavailable);
        assert!(
            refused.error.reason().to_lowercase().contains("refused"),
            "{}",
            refused.error.reason()
        );

        let (url, _) = canned_server(vec![(503, vec![], "{}".to_string())]).await;
        let unavailable = fetch(&test_client(&url), &query(&streams, &retry), &mut |_| {})
            .await
            .unwrap_err();
        assert_eq!(unavailable.error.fault(), Fault::Unavailable);
        assert!(unavailable.error.reason().contains("503"));

        let (url, _) = canned_server(vec![throttle()]).await;
        let client = test_client(&url);
        let req = client.filter_log_events().log_group_name("g").send().await;
        assert_eq!(req.unwrap_err().fault(), Fault::Throttled);
    }
}
