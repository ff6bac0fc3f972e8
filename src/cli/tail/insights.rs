//! `tail --insights`: the search as a CloudWatch Logs Insights query (StartQuery, then
//! GetQueryResults until it completes), so the scanning of long ranges happens in CloudWatch.

use super::super::OutputOpts;
use super::aws_error::AwsFailure;
use super::fetch::{Event, Streams};
use super::pattern::{grammar_literals, insights_query};
use super::time::{now_millis, parse_rfc3339, Millis};
use super::{scan_event, Plan, Printer, Stop, TailArgs};
use aws_sdk_cloudwatchlogs::types::{QueryStatus, ResultField};
use aws_sdk_cloudwatchlogs::Client;
use std::time::Duration;

/// Insights returns at most this many rows per query.
pub const MAX_ROWS: u32 = 10_000;

/// The `filter` clause selecting streams, in Insights syntax.
fn stream_filter(streams: &Streams) -> Option<String> {
    let quote = |s: &str| format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""));
    match streams {
        Streams::All => None,
        Streams::Prefix(p) => {
            let esc: String = p
                .chars()
                .flat_map(|c| {
                    let special = "\\.+*?()|[]{}^$/".contains(c);
                    special
                        .then_some('\\')
                        .into_iter()
                        .chain(std::iter::once(c))
                })
                .collect();
            Some(format!("@logStream like /^{esc}/"))
        }
        Streams::Names(n) => Some(format!(
            "@logStream in [{}]",
            n.iter().map(|s| quote(s)).collect::<Vec<_>>().join(", ")
        )),
    }
}

/// `2026-11-28 09:00:00.123` (UTC), the form Insights gives `@timestamp` in; plain epoch
/// milliseconds are taken too (emulators answer so).
fn parse_insights_time(s: &str) -> Option<Millis> {
    if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
        return s.parse().ok();
    }
    parse_rfc3339(&format!("{}Z", s.trim().replacen(' ', "T", 1))).ok()
}

/// One result row as an event, with the index of the group it came from.
fn row_event(row: &[ResultField], groups: &[String]) -> Option<(usize, Event)> {
    let get = |name: &str| {
        row.iter()
            .find(|f| f.field() == Some(name))
            .and_then(|f| f.value())
    };
    let message = get("@message")?.to_string();
    // `@log` is `account-id:group-name`.
    let log = get("@log").unwrap_or_default();
    let name = log.split_once(':').map(|(_, n)| n).unwrap_or(log);
    let gi = groups.iter().position(|g| g == name).unwrap_or(0);
    Some((
        gi,
        Event {
            timestamp: get("@timestamp").and_then(parse_insights_time).unwrap_or(0),
            stream: get("@logStream").unwrap_or_default().to_string(),
            id: get("@ptr").unwrap_or_default().to_string(),
            message,
        },
    ))
}

pub async fn run(
    client: &Client,
    plan: &Plan,
    args: &TailArgs,
    opts: &OutputOpts,
    printer: &mut Printer<'_>,
) -> Result<(), Stop> {
    if args.filter_pattern.is_some() {
        return Err(Stop::Other(
            "tail --insights: --filter-pattern is FilterLogEvents syntax; Insights filters with the anchor terms (add --all-events to scan every event)".into(),
        ));
    }
    let end = plan.until.unwrap_or_else(now_millis);
    let query = insights_query(
        &grammar_literals(),
        stream_filter(&plan.streams).as_deref(),
        args.all_events,
        MAX_ROWS,
    );
    let group0 = plan.groups.first().map(String::as_str);
    let started = plan
        .retry
        .call("StartQuery", || {
            client
                .start_query()
                .set_log_group_names(Some(plan.groups.clone()))
                .start_time(plan.since.div_euclid(1000))
                .end_time((end + 999).div_euclid(1000))
                .query_string(&query)
                .limit(MAX_ROWS as i32)
                .send()
        })
        .await
        .map_err(|e| Stop::Aws(AwsFailure::from_sdk("StartQuery", group0, &e)))?;
    let id = started.query_id().unwrap_or_default().to_string();
    let mut wait = Duration::from_millis(500);
    let results = loop {
        tokio::time::sleep(wait).await;
        wait = (wait * 2).min(Duration::from_secs(5));
        let out = plan
            .retry
            .call("GetQueryResults", || {
                client.get_query_results().query_id(&id).send()
            })
            .await
            .map_err(|e| Stop::Aws(AwsFailure::from_sdk("GetQueryResults", group0, &e)))?;
        match out.status() {
            Some(QueryStatus::Complete) => break out.results().to_vec(),
            Some(QueryStatus::Running | QueryStatus::Scheduled) | None => continue,
            Some(other) => {
                return Err(Stop::Other(format!(
                    "Logs Insights query {id} ended {}",
                    other.as_str()
                )))
            }
        }
    };
    if results.len() >= MAX_ROWS as usize {
        eprintln!(
            "awsplain: warning: the Insights query returned its limit of {MAX_ROWS} events; later events in the range were not read. Narrow --since/--until."
        );
    }
    let hits: Vec<_> = results
        .iter()
        .filter_map(|row| row_event(row, &plan.groups))
        .filter_map(|(gi, ev)| scan_event(opts, &plan.groups[gi], gi, &ev))
        .collect();
    printer.emit(hits)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(name: &str, value: &str) -> ResultField {
        ResultField::builder().field(name).value(value).build()
    }

    #[test]
    fn rows_become_events_of_the_right_group() {
        let groups = vec!["/a".to_string(), "/ecs/web".to_string()];
        let row = vec![
            field("@timestamp", "2026-11-28 09:00:00.250"),
            field("@message", "hello"),
            field("@logStream", "ecs/web/1"),
            field("@log", "123456789012:/ecs/web"),
            field("@ptr", "CmAKJgoi"),
        ];
        let (gi, ev) = row_event(&row, &groups).unwrap();
        assert_eq!(gi, 1);
        assert_eq!(ev.timestamp, 1_795_856_400_250);
        assert_eq!(ev.stream, "ecs/web/1");
        assert_eq!(ev.id, "CmAKJgoi");
        assert_eq!(ev.message, "hello");
        assert!(row_event(&row[..1], &groups).is_none());
        assert_eq!(
            parse_insights_time("1795856400250"),
            Some(1_795_856_400_250)
        );
        assert_eq!(parse_insights_time("yesterday"), None);
    }

    #[test]
    fn stream_filters() {
        assert_eq!(stream_filter(&Streams::All), None);
        assert_eq!(
            stream_filter(&Streams::Prefix("ecs/web.1".into())).as_deref(),
            Some(r"@logStream like /^ecs\/web\.1/")
        );
        assert_eq!(
            stream_filter(&Streams::Names(vec!["a".into(), "b\"c".into()])).as_deref(),
            Some(r#"@logStream in ["a", "b\"c"]"#)
        );
    }
}
