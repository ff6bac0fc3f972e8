//! `why` for Step Functions: the failure events of an execution's history (and of the
//! executions it started), each with its state, the state's resource and parameters; for an
//! ECS task state, the task definition's roles for the PassRole remedy.

use super::{ecs, records_of, source, Answer, Clients, Found, SFN};
use crate::cli::tail::aws_error::AwsFailure;
use aws_sdk_sfn::types::{ExecutionStatus, HistoryEvent, HistoryEventType as T};
use awsplain::remedy::Known;
use awsplain::Lookup;
use serde_json::Value;
use std::collections::HashMap;

/// How deep nested executions (`states:startExecution.sync`) are followed.
const MAX_DEPTH: u32 = 3;

/// The error and cause of a failure event, and the integration it names.
struct Failure<'e> {
    error: Option<&'e str>,
    cause: Option<&'e str>,
    resource_type: Option<&'e str>,
    resource: Option<&'e str>,
}

fn failure(ev: &HistoryEvent) -> Option<Failure<'_>> {
    let plain = |error, cause| {
        Some(Failure {
            error,
            cause,
            resource_type: None,
            resource: None,
        })
    };
    fn task<'e>(
        rt: &'e str,
        r: &'e str,
        error: Option<&'e str>,
        cause: Option<&'e str>,
    ) -> Option<Failure<'e>> {
        Some(Failure {
            error,
            cause,
            resource_type: Some(rt),
            resource: Some(r),
        })
    }
    match ev.r#type() {
        T::TaskFailed => ev
            .task_failed_event_details()
            .and_then(|d| task(d.resource_type(), d.resource(), d.error(), d.cause())),
        T::TaskTimedOut => ev
            .task_timed_out_event_details()
            .and_then(|d| task(d.resource_type(), d.resource(), d.error(), d.cause())),
        T::TaskStartFailed => ev
            .task_start_failed_event_details()
            .and_then(|d| task(d.resource_type(), d.resource(), d.error(), d.cause())),
        T::TaskSubmitFailed => ev
            .task_submit_failed_event_details()
            .and_then(|d| task(d.resource_type(), d.resource(), d.error(), d.cause())),
        T::LambdaFunctionFailed => ev
            .lambda_function_failed_event_details()
            .and_then(|d| plain(d.error(), d.cause())),
        T::LambdaFunctionTimedOut => ev
            .lambda_function_timed_out_event_details()
            .and_then(|d| plain(d.error(), d.cause())),
        T::LambdaFunctionStartFailed => ev
            .lambda_function_start_failed_event_details()
            .and_then(|d| plain(d.error(), d.cause())),
        T::LambdaFunctionScheduleFailed => ev
            .lambda_function_schedule_failed_event_details()
            .and_then(|d| plain(d.error(), d.cause())),
        T::ActivityFailed => ev
            .activity_failed_event_details()
            .and_then(|d| plain(d.error(), d.cause())),
        T::ActivityTimedOut => ev
            .activity_timed_out_event_details()
            .and_then(|d| plain(d.error(), d.cause())),
        T::ActivityScheduleFailed => ev
            .activity_schedule_failed_event_details()
            .and_then(|d| plain(d.error(), d.cause())),
        T::MapRunFailed => ev
            .map_run_failed_event_details()
            .and_then(|d| plain(d.error(), d.cause())),
        T::EvaluationFailed => ev
            .evaluation_failed_event_details()
            .and_then(|d| plain(d.error(), d.cause())),
        T::ExecutionFailed => ev
            .execution_failed_event_details()
            .and_then(|d| plain(d.error(), d.cause())),
        T::ExecutionTimedOut => ev
            .execution_timed_out_event_details()
            .and_then(|d| plain(d.error(), d.cause())),
        T::ExecutionAborted => ev
            .execution_aborted_event_details()
            .and_then(|d| plain(d.error(), d.cause())),
        _ => None,
    }
}

/// Read the whole history, newest first.
async fn history(c: &Clients, arn: &str) -> Result<Vec<HistoryEvent>, AwsFailure> {
    let mut events = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let out = c
            .sfn
            .get_execution_history()
            .execution_arn(arn)
            .reverse_order(true)
            .include_execution_data(true)
            .set_next_token(token.take())
            .send()
            .await
            .map_err(|e| AwsFailure::from_sdk_for(SFN, "GetExecutionHistory", Some(arn), &e))?;
        events.extend(out.events().iter().cloned());
        match out.next_token() {
            Some(t) if !t.is_empty() => token = Some(t.to_string()),
            _ => return Ok(events),
        }
    }
}

/// What the events before a failure say: the state it happened in, and the task it
/// scheduled (resource and parameters).
#[derive(Default)]
struct StateInfo {
    state: Option<String>,
    state_resource: Option<String>,
    parameters: Option<Value>,
}

fn state_info(by_id: &HashMap<i64, &HistoryEvent>, ev: &HistoryEvent) -> StateInfo {
    let mut info = StateInfo::default();
    let mut at = ev.previous_event_id();
    // Bounded: a history whose ids loop must not hang the walk.
    for _ in 0..by_id.len() {
        let Some(prev) = by_id.get(&at) else { break };
        if let Some(d) = prev.task_scheduled_event_details() {
            if info.state_resource.is_none() {
                info.state_resource = Some(format!(
                    "arn:aws:states:::{}:{}",
                    d.resource_type(),
                    d.resource()
                ));
                info.parameters = serde_json::from_str(d.parameters()).ok();
            }
        }
        if let Some(d) = prev.lambda_function_scheduled_event_details() {
            if info.state_resource.is_none() {
                info.state_resource = Some(d.resource().to_string());
                info.parameters = d.input().and_then(|i| serde_json::from_str(i).ok());
            }
        }
        if let Some(d) = prev.state_entered_event_details() {
            info.state = Some(d.name().to_string());
            break;
        }
        if prev.previous_event_id() == at {
            break;
        }
        at = prev.previous_event_id();
    }
    info
}

/// The executions of a state machine that failed or timed out most recently, newest first.
pub async fn state_machine(c: &Clients, arn: &str, recent: u32, answer: &mut Answer) {
    let mut runs = Vec::new();
    for status in [ExecutionStatus::Failed, ExecutionStatus::TimedOut] {
        match c
            .sfn
            .list_executions()
            .state_machine_arn(arn)
            .status_filter(status)
            .max_results(recent as i32)
            .send()
            .await
        {
            Ok(out) => runs.extend(out.executions().iter().map(|e| {
                (
                    e.start_date().to_millis().unwrap_or_default(),
                    e.execution_arn().to_string(),
                )
            })),
            Err(e) => {
                answer.failures.push(AwsFailure::from_sdk_for(
                    SFN,
                    "ListExecutions",
                    Some(arn),
                    &e,
                ));
                return;
            }
        }
    }
    runs.sort_by(|a, b| b.cmp(a));
    for (_, run) in runs.into_iter().take(recent as usize) {
        execution(c, &run, 0, answer).await;
    }
}

/// The failure events of one execution, oldest first, with nested executions followed.
pub async fn execution(c: &Clients, arn: &str, depth: u32, answer: &mut Answer) {
    let events = match history(c, arn).await {
        Ok(ev) => ev,
        Err(f) => {
            answer.failures.push(f);
            return;
        }
    };
    let by_id: HashMap<i64, &HistoryEvent> = events.iter().map(|e| (e.id(), e)).collect();
    // The state machine's role, which makes the calls a fix must allow.
    let caller = events
        .iter()
        .find_map(|e| e.execution_started_event_details())
        .and_then(|d| d.role_arn())
        .map(str::to_string);
    let mut seen: Vec<(Option<&str>, Option<&str>)> = Vec::new();
    for ev in events.iter().rev() {
        let Some(f) = failure(ev) else { continue };
        // The execution's own failure repeats the state's that caused it.
        let is_execution = matches!(
            ev.r#type(),
            T::ExecutionFailed | T::ExecutionTimedOut | T::ExecutionAborted
        );
        if is_execution && seen.contains(&(f.error, f.cause)) {
            continue;
        }
        seen.push((f.error, f.cause));
        if f.resource_type == Some("states")
            && f.resource.is_some_and(|r| r.starts_with("startExecution"))
            && depth < MAX_DEPTH
        {
            if let Some(child) = f.cause.and_then(nested_execution) {
                let before = answer.found.len();
                Box::pin(execution(c, &child, depth + 1, answer)).await;
                if answer.found.len() > before {
                    continue;
                }
            }
        }
        let info = state_info(&by_id, ev);
        let mut known = Known {
            caller: caller.clone(),
            state_parameters: info.parameters.clone(),
            ..Known::default()
        };
        if f.resource_type == Some("ecs") {
            if let Some(td) = info
                .parameters
                .as_ref()
                .and_then(|p| p.get("TaskDefinition"))
                .and_then(Value::as_str)
            {
                known.passed_roles = ecs::task_definition_roles(c, td, answer).await;
            }
        }
        // The event's details as Step Functions shows them: the grammar knows this shape.
        let mut text = serde_json::Map::new();
        for (k, v) in [
            ("error", f.error),
            ("cause", f.cause),
            ("resource", f.resource),
            ("resourceType", f.resource_type),
        ] {
            if let Some(v) = v {
                text.insert(k.into(), Value::String(v.into()));
            }
        }
        let text = Value::Object(text).to_string();
        for mut rec in records_of(&text, f.error, f.cause) {
            if f.error.is_some() && rec.error_code.as_deref() != f.error {
                rec.wrapper_code = rec.wrapper_code.or_else(|| f.error.map(str::to_string));
            }
            rec.source = source(
                arn,
                Some(ev.id().to_string()),
                Some(ev.timestamp()),
                Lookup {
                    call: "states:GetExecutionHistory".into(),
                    state: info.state.clone(),
                    state_resource: info.state_resource.clone(),
                    parameters: info.parameters.clone(),
                    status: Some(ev.r#type().as_str().to_string()),
                    ..Lookup::default()
                },
            );
            answer.found.push(Found {
                rec,
                known: known.clone(),
            });
        }
    }
}

/// The execution a `startExecution.sync` task started: its cause is that execution's
/// description, as JSON with its `ExecutionArn`.
fn nested_execution(cause: &str) -> Option<String> {
    let v: Value = serde_json::from_str(cause).ok()?;
    let arn = v.get("ExecutionArn")?.as_str()?;
    (arn.starts_with("arn:") && arn.contains(":execution:")).then(|| arn.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_sfn::types::{
        StateEnteredEventDetails, TaskFailedEventDetails, TaskScheduledEventDetails,
    };
    use aws_smithy_types::DateTime;

    fn ev(id: i64, prev: i64, t: T) -> aws_sdk_sfn::types::builders::HistoryEventBuilder {
        HistoryEvent::builder()
            .id(id)
            .previous_event_id(prev)
            .r#type(t)
            .timestamp(DateTime::from_secs(1_700_000_000 + id))
    }

    #[test]
    fn a_failure_is_traced_back_to_its_state_and_scheduled_task() {
        let events = [
            ev(2, 0, T::TaskStateEntered)
                .state_entered_event_details(
                    StateEnteredEventDetails::builder()
                        .name("Run report")
                        .build()
                        .unwrap(),
                )
                .build()
                .unwrap(),
            ev(3, 2, T::TaskScheduled)
                .task_scheduled_event_details(
                    TaskScheduledEventDetails::builder()
                        .resource_type("ecs")
                        .resource("runTask.sync")
                        .region("us-east-1")
                        .parameters(r#"{"Cluster":"reports","TaskDefinition":"report:7"}"#)
                        .build()
                        .unwrap(),
                )
                .build()
                .unwrap(),
            ev(5, 3, T::TaskFailed)
                .task_failed_event_details(
                    TaskFailedEventDetails::builder()
                        .resource_type("ecs")
                        .resource("runTask.sync")
                        .error("ECS.AccessDeniedException")
                        .build()
                        .unwrap(),
                )
                .build()
                .unwrap(),
        ];
        let by_id: HashMap<i64, &HistoryEvent> = events.iter().map(|e| (e.id(), e)).collect();
        let info = state_info(&by_id, &events[2]);
        assert_eq!(info.state.as_deref(), Some("Run report"));
        assert_eq!(
            info.state_resource.as_deref(),
            Some("arn:aws:states:::ecs:runTask.sync")
        );
        assert_eq!(info.parameters.unwrap()["TaskDefinition"], "report:7");
        let f = failure(&events[2]).unwrap();
        assert_eq!(f.error, Some("ECS.AccessDeniedException"));
        assert!(failure(&events[0]).is_none());
    }

    #[test]
    fn a_looping_history_does_not_hang_the_walk() {
        let events = [ev(4, 4, T::TaskFailed).build().unwrap()];
        let by_id: HashMap<i64, &HistoryEvent> = events.iter().map(|e| (e.id(), e)).collect();
        assert!(state_info(&by_id, &events[0]).state.is_none());
    }

    #[test]
    fn nested_execution_arn_from_the_cause() {
        assert_eq!(
            nested_execution(r#"{"ExecutionArn":"arn:aws:states:us-east-1:111122223333:execution:Child:abc","Status":"FAILED"}"#).as_deref(),
            Some("arn:aws:states:us-east-1:111122223333:execution:Child:abc")
        );
        assert!(nested_execution("not json").is_none());
        assert!(nested_execution(r#"{"ExecutionArn":"x"}"#).is_none());
    }
}
