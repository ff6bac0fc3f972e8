//! `why` for ECS: a stopped task's reason, stop code and containers' reasons and exit codes;
//! a service's recent events and stopped tasks; the task definition's roles for the
//! remedies.

use super::{records_of, source, Answer, Clients, Found, ECS};
use crate::cli::tail::aws_error::AwsFailure;
use aws_sdk_ecs::types::{DesiredStatus, Task};
use awsplain::remedy::Known;
use awsplain::Lookup;

/// A task definition's execution and task roles, by ARN (none it does not have). A failed
/// lookup is recorded in `answer` and gives none.
pub async fn task_definition_roles(c: &Clients, td: &str, answer: &mut Answer) -> Vec<String> {
    match c
        .ecs
        .describe_task_definition()
        .task_definition(td)
        .send()
        .await
    {
        Ok(out) => out
            .task_definition()
            .map(|d| {
                [d.execution_role_arn(), d.task_role_arn()]
                    .into_iter()
                    .flatten()
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default(),
        Err(e) => {
            let f = AwsFailure::from_sdk_for(ECS, "DescribeTaskDefinition", Some(td), &e);
            // One explanation per lookup, however many failures need the same definition.
            if !answer
                .failures
                .iter()
                .any(|g| g.operation == f.operation && g.target == f.target)
            {
                answer.failures.push(f);
            }
            Vec::new()
        }
    }
}

/// What the remedies may use of a task definition: its roles.
async fn roles_of(c: &Clients, td: Option<&str>, answer: &mut Answer) -> Known {
    Known {
        passed_roles: match td {
            Some(td) => task_definition_roles(c, td, answer).await,
            None => Vec::new(),
        },
        ..Known::default()
    }
}

/// A lookup ECS answered with a failure entry rather than an error (`MISSING`).
fn reported(operation: &'static str, target: &str, code: &str, message: String) -> AwsFailure {
    AwsFailure {
        api: ECS,
        operation,
        target: Some(target.to_string()),
        code: Some(code.to_string()),
        message: Some(message),
        request_id: None,
        status: None,
        detail: String::new(),
    }
}

/// One task, by ARN or id.
pub async fn task(c: &Clients, cluster: Option<&str>, task: &str, answer: &mut Answer) {
    describe(c, cluster, &[task.to_string()], answer).await;
}

/// A service's events and recently stopped tasks, or a cluster's recently stopped tasks.
pub async fn cluster(
    c: &Clients,
    cluster: &str,
    service: Option<&str>,
    recent: u32,
    answer: &mut Answer,
) {
    if let Some(service) = service {
        service_events(c, cluster, service, recent, answer).await;
    }
    let listed = c
        .ecs
        .list_tasks()
        .cluster(cluster)
        .set_service_name(service.map(str::to_string))
        .desired_status(DesiredStatus::Stopped)
        .max_results(recent as i32)
        .send()
        .await;
    match listed {
        Ok(out) if !out.task_arns().is_empty() => {
            describe(c, Some(cluster), out.task_arns(), answer).await
        }
        Ok(_) => {}
        Err(e) => answer.failures.push(AwsFailure::from_sdk_for(
            ECS,
            "ListTasks",
            Some(service.unwrap_or(cluster)),
            &e,
        )),
    }
}

/// Words of a service event that reports a problem rather than progress ("has reached a
/// steady state", "has started 1 tasks").
const TROUBLE_WORDS: &[&str] = &["unable", "failed", "error", "denied", "not authorized"];

async fn service_events(
    c: &Clients,
    cluster: &str,
    service: &str,
    recent: u32,
    answer: &mut Answer,
) {
    let out = match c
        .ecs
        .describe_services()
        .cluster(cluster)
        .services(service)
        .send()
        .await
    {
        Ok(out) => out,
        Err(e) => {
            answer.failures.push(AwsFailure::from_sdk_for(
                ECS,
                "DescribeServices",
                Some(service),
                &e,
            ));
            return;
        }
    };
    for f in out.failures() {
        let reason = f.reason().unwrap_or("MISSING");
        let code = if reason == "MISSING" {
            "ServiceNotFoundException"
        } else {
            reason
        };
        answer.failures.push(reported(
            "DescribeServices",
            f.arn().unwrap_or(service),
            code,
            format!("ECS reports the service as {reason}"),
        ));
    }
    for svc in out.services() {
        let known = roles_of(c, svc.task_definition(), answer).await;
        let name = svc.service_arn().unwrap_or(service);
        let mut shown = 0;
        // Events come newest first; the recent problems are what matter.
        for ev in svc.events() {
            let Some(msg) = ev.message() else { continue };
            let lower = msg.to_ascii_lowercase();
            let mut recs = awsplain::scan_str(msg);
            if recs.is_empty() && TROUBLE_WORDS.iter().any(|w| lower.contains(w)) {
                recs = records_of(msg, None, Some(msg));
            }
            for mut rec in recs {
                rec.service = rec.service.or_else(|| Some("ECS".into()));
                rec.span = awsplain::Span::default();
                rec.source = source(
                    name,
                    ev.id().map(str::to_string),
                    ev.created_at(),
                    Lookup {
                        call: "ecs:DescribeServices".into(),
                        ..Lookup::default()
                    },
                );
                answer.found.push(Found {
                    rec,
                    known: known.clone(),
                });
                shown += 1;
            }
            if shown >= recent {
                break;
            }
        }
    }
}

async fn describe(c: &Clients, cluster: Option<&str>, tasks: &[String], answer: &mut Answer) {
    let target = tasks.first().map(String::as_str);
    let out = match c
        .ecs
        .describe_tasks()
        .set_cluster(cluster.map(str::to_string))
        .set_tasks(Some(tasks.to_vec()))
        .send()
        .await
    {
        Ok(out) => out,
        Err(e) => {
            answer
                .failures
                .push(AwsFailure::from_sdk_for(ECS, "DescribeTasks", target, &e));
            return;
        }
    };
    for f in out.failures() {
        let reason = f.reason().unwrap_or("MISSING");
        let message = match (reason, cluster) {
            ("MISSING", Some(c)) => format!("ECS has no such task in cluster `{c}` (stopped tasks are kept for about an hour)"),
            ("MISSING", None) => "ECS has no such task in the default cluster: pass --cluster, or the task's full ARN (stopped tasks are kept for about an hour)".into(),
            (r, _) => format!("ECS reports the task as {r}"),
        };
        let arn = f.arn().or(target).unwrap_or_default();
        answer
            .failures
            .push(reported("DescribeTasks", arn, reason, message));
    }
    for t in out.tasks() {
        let known = roles_of(c, t.task_definition_arn(), answer).await;
        for (rec, container, exit_code) in task_records(t) {
            let mut rec = rec;
            rec.service = rec.service.or_else(|| Some("ECS".into()));
            rec.source = source(
                t.task_arn().unwrap_or_default(),
                None,
                t.stopped_at(),
                Lookup {
                    call: "ecs:DescribeTasks".into(),
                    status: t.stop_code().map(|s| s.as_str().to_string()),
                    resource_type: t.launch_type().map(|l| l.as_str().to_string()),
                    container,
                    exit_code,
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

/// The records of one task: its stopped reason (with the first container that exited with a
/// non-zero code, and that code), then each container's own reason.
fn task_records(t: &Task) -> Vec<(awsplain::Record, Option<String>, Option<i32>)> {
    let mut out = Vec::new();
    let exited = t
        .containers()
        .iter()
        .find(|c| c.exit_code().is_some_and(|x| x != 0));
    if let Some(reason) = t.stopped_reason().filter(|r| !r.is_empty()) {
        let code = t.stop_code().map(|s| s.as_str());
        for rec in records_of(reason, code, Some(reason)) {
            out.push((
                rec,
                exited.and_then(|c| c.name()).map(str::to_string),
                exited.and_then(|c| c.exit_code()),
            ));
        }
    }
    for ctr in t.containers() {
        // Containers often repeat the task's reason; once is enough.
        let Some(reason) = ctr
            .reason()
            .filter(|r| !r.is_empty() && Some(*r) != t.stopped_reason())
        else {
            continue;
        };
        for rec in records_of(reason, None, Some(reason)) {
            out.push((rec, ctr.name().map(str::to_string), ctr.exit_code()));
        }
    }
    out
}
