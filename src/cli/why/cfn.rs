//! `why` for CloudFormation: the resources that failed in a stack's last operation, oldest
//! first, without the cascade of cancellations the first failure set off; nested stacks
//! followed to the resource that failed inside them.

use super::{records_of, source, Answer, Clients, Found, CFN};
use crate::cli::tail::aws_error::AwsFailure;
use aws_sdk_cloudformation::types::StackEvent;
use awsplain::remedy::Known;
use awsplain::Lookup;

/// How deep nested stacks are followed.
const MAX_DEPTH: u32 = 4;

/// Explain a stack's last failed operation. False when the stack does not exist (so that a
/// bare name can be tried as something else); a failed lookup is recorded in `answer`.
pub async fn stack(c: &Clients, stack: &str, answer: &mut Answer) -> bool {
    explain(c, stack, 0, answer).await
}

async fn events(c: &Clients, stack: &str) -> Result<Vec<StackEvent>, AwsFailure> {
    let mut out = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let page = c
            .cfn
            .describe_stack_events()
            .stack_name(stack)
            .set_next_token(token.take())
            .send()
            .await
            .map_err(|e| AwsFailure::from_sdk_for(CFN, "DescribeStackEvents", Some(stack), &e))?;
        let events = page.stack_events();
        let done = events.iter().any(|e| starts_operation(e, stack));
        out.extend(events.iter().cloned());
        match page.next_token() {
            // The last operation began on this page: older pages are about earlier ones.
            Some(t) if !t.is_empty() && !done => token = Some(t.to_string()),
            _ => return Ok(out),
        }
    }
}

/// Whether the event is the stack's own start of an operation (`CREATE_IN_PROGRESS` of the
/// stack itself, `UPDATE_IN_PROGRESS`, ...), rollbacks and cleanups excluded.
fn starts_operation(e: &StackEvent, stack: &str) -> bool {
    let status = e.resource_status().map(|s| s.as_str()).unwrap_or_default();
    is_stack_itself(e, stack)
        && status.ends_with("_IN_PROGRESS")
        && !status.contains("ROLLBACK")
        && !status.contains("CLEANUP")
}

fn is_stack_itself(e: &StackEvent, stack: &str) -> bool {
    e.resource_type() == Some("AWS::CloudFormation::Stack")
        && (e.physical_resource_id() == e.stack_id()
            || e.physical_resource_id() == Some(stack)
            || e.logical_resource_id() == e.stack_name())
}

/// Reasons CloudFormation gives a resource it gave up on because another failed.
fn is_cascade(reason: &str) -> bool {
    let r = reason.to_ascii_lowercase();
    r.contains("resource creation cancelled")
        || r.contains("resource update cancelled")
        || r.starts_with("cancelled")
}

/// The failures of the last operation, oldest first: (event, reason).
fn root_failures<'e>(events: &'e [StackEvent], stack: &str) -> Vec<&'e StackEvent> {
    // Events come newest first: the operation is what follows its start.
    let start = events
        .iter()
        .position(|e| starts_operation(e, stack))
        .unwrap_or(events.len());
    events[..start]
        .iter()
        .rev()
        .filter(|e| {
            let status = e.resource_status().map(|s| s.as_str()).unwrap_or_default();
            status.ends_with("_FAILED")
                && !is_stack_itself(e, stack)
                && !e.resource_status_reason().is_some_and(is_cascade)
        })
        .collect()
}

async fn explain(c: &Clients, stack: &str, depth: u32, answer: &mut Answer) -> bool {
    let events = match events(c, stack).await {
        Ok(e) => e,
        Err(f) => {
            let missing = f.code.as_deref() == Some("ValidationError")
                && f.message
                    .as_deref()
                    .is_some_and(|m| m.contains("does not exist"));
            if missing && depth == 0 {
                return false;
            }
            answer.failures.push(f);
            return true;
        }
    };
    for ev in root_failures(&events, stack) {
        if ev.resource_type() == Some("AWS::CloudFormation::Stack") && depth < MAX_DEPTH {
            if let Some(nested) = ev.physical_resource_id().filter(|p| p.starts_with("arn:")) {
                let before = answer.found.len();
                Box::pin(explain(c, nested, depth + 1, answer)).await;
                if answer.found.len() > before {
                    continue;
                }
            }
        }
        let reason = ev.resource_status_reason().unwrap_or_default();
        let status = ev.resource_status().map(|s| s.as_str().to_string());
        for mut rec in records_of(reason, None, Some(reason).filter(|r| !r.is_empty())) {
            rec.source = source(
                ev.stack_id().unwrap_or(stack),
                ev.event_id().map(str::to_string),
                ev.timestamp(),
                Lookup {
                    call: "cloudformation:DescribeStackEvents".into(),
                    logical_id: ev.logical_resource_id().map(str::to_string),
                    resource_type: ev.resource_type().map(str::to_string),
                    status: status.clone(),
                    ..Lookup::default()
                },
            );
            answer.found.push(Found {
                rec,
                known: Known {
                    stack_resource: ev.logical_resource_id().map(|l| {
                        (
                            l.to_string(),
                            ev.resource_type().unwrap_or_default().to_string(),
                        )
                    }),
                    ..Known::default()
                },
            });
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_cloudformation::types::ResourceStatus;

    fn ev(logical: &str, ty: &str, status: ResourceStatus, reason: &str) -> StackEvent {
        StackEvent::builder()
            .stack_id("arn:aws:cloudformation:us-east-1:111122223333:stack/orders/1")
            .stack_name("orders")
            .event_id(format!("{logical}-{}", status.as_str()))
            .logical_resource_id(logical)
            .physical_resource_id(
                if ty == "AWS::CloudFormation::Stack" && logical == "orders" {
                    "arn:aws:cloudformation:us-east-1:111122223333:stack/orders/1"
                } else {
                    ""
                },
            )
            .resource_type(ty)
            .resource_status(status)
            .resource_status_reason(reason)
            .build()
    }

    #[test]
    fn the_first_failure_of_the_last_operation_not_the_cancellations() {
        use ResourceStatus as S;
        let stack = "AWS::CloudFormation::Stack";
        // Newest first, as DescribeStackEvents gives them.
        let events = vec![
            ev("orders", stack, S::RollbackComplete, ""),
            ev("Queue", "AWS::SQS::Queue", S::DeleteComplete, ""),
            ev(
                "orders",
                stack,
                S::RollbackInProgress,
                "The following resource(s) failed to create: [Service].",
            ),
            ev(
                "Queue",
                "AWS::SQS::Queue",
                S::CreateFailed,
                "Resource creation cancelled",
            ),
            ev(
                "Service",
                "AWS::ECS::Service",
                S::CreateFailed,
                "Resource handler returned message: \"denied\"",
            ),
            ev("Queue", "AWS::SQS::Queue", S::CreateInProgress, ""),
            ev("orders", stack, S::CreateInProgress, "User Initiated"),
            ev(
                "Old",
                "AWS::SNS::Topic",
                S::CreateFailed,
                "an earlier operation",
            ),
            ev("orders", stack, S::UpdateInProgress, "User Initiated"),
        ];
        let roots = root_failures(&events, "orders");
        assert_eq!(roots.len(), 1);
        assert_eq!(roots[0].logical_resource_id(), Some("Service"));
    }
}
