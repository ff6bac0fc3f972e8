//! `awsplain why`: explain a failed Step Functions execution, ECS task or service,
//! CloudFormation stack or Lambda function from its ARN or name, reading the failure the
//! service itself recorded (execution history, stopped reasons and service events, stack
//! events, the function's log group).
//!
//! Every text found goes through the same grammar and remedies as any other input; the
//! records say which call they came from and what failed ([`awsplain::Lookup`]), and the
//! remedies are filled from the resources (the task definition's roles, the state's
//! parameters). A lookup the caller may not make is reported like `tail`'s own failures,
//! and the rest of the answer still comes out.

mod cfn;
mod ecs;
mod sfn;

use super::output::{
    is_max_count, make_sink, mask, max_count_reached, stdout_writer, warn_if_secret, Sink,
};
use super::tail::aws_error::{Api, AwsFailure, Connection, Env};
use super::{Outcome, OutputOpts};
use awsplain::remedy::Known;
use awsplain::sanitize::for_terminal;
use clap::Args;

#[derive(Debug, Args)]
pub struct WhyArgs {
    /// What failed: a Step Functions execution or state machine ARN, an ECS task ARN, a
    /// CloudFormation stack name or ARN, or a Lambda function name or ARN. A bare name is
    /// looked up as a stack first, then as a function. Omit it with --cluster.
    #[arg(value_name = "ARN_OR_NAME", required_unless_present = "cluster")]
    pub target: Option<String>,
    /// The ECS cluster: with --service, that service's events and recently stopped tasks;
    /// alone, the cluster's recently stopped tasks; with a task id as the target, that task.
    #[arg(long, value_name = "CLUSTER")]
    pub cluster: Option<String>,
    /// The ECS service (with --cluster).
    #[arg(long, value_name = "SERVICE", requires = "cluster")]
    pub service: Option<String>,
    /// For a state machine: how many of its most recent failed executions to explain; for
    /// ECS: how many recently stopped tasks.
    #[arg(long, default_value_t = 3, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=50))]
    pub recent: u32,
    /// For a Lambda function: how far back to read its log group (as `tail --since`).
    #[arg(long, default_value = "1h", value_name = "TIME")]
    pub since: String,
    #[command(flatten)]
    pub aws: Connection,
}

pub(crate) const SFN: Api = Api {
    name: "Step Functions",
    service: "StepFunctions",
    prefix: "states",
};

pub(crate) const ECS: Api = Api {
    name: "ECS",
    service: "ECS",
    prefix: "ecs",
};

pub(crate) const CFN: Api = Api {
    name: "CloudFormation",
    service: "CloudFormation",
    prefix: "cloudformation",
};

/// A record `why` found, with what the resources said for its remedies.
pub(crate) struct Found {
    pub rec: awsplain::Record,
    pub known: Known,
}

/// Everything one `why` learnt: records in the order to print, and the lookups that failed.
#[derive(Default)]
pub(crate) struct Answer {
    pub found: Vec<Found>,
    pub failures: Vec<AwsFailure>,
}

/// The AWS clients of one run.
pub(crate) struct Clients {
    pub sfn: aws_sdk_sfn::Client,
    pub ecs: aws_sdk_ecs::Client,
    pub cfn: aws_sdk_cloudformation::Client,
}

/// What the target names.
#[derive(Debug, PartialEq, Eq)]
enum Target {
    Execution(String),
    StateMachine(String),
    Task {
        cluster: Option<String>,
        task: String,
    },
    Cluster {
        cluster: String,
        service: Option<String>,
    },
    Stack(String),
    Function(String),
    /// A bare name: a stack, or else a Lambda function.
    Name(String),
}

impl Target {
    fn of(args: &WhyArgs) -> Result<Target, String> {
        let Some(t) = args.target.as_deref().map(str::trim) else {
            // clap requires the target without --cluster.
            let cluster = args.cluster.clone().unwrap_or_default();
            return Ok(Target::Cluster {
                cluster,
                service: args.service.clone(),
            });
        };
        if t.is_empty() {
            return Err("the ARN or name is empty".into());
        }
        let Some(arn) = Arn::parse(t) else {
            if t.starts_with("arn:") {
                return Err(format!("`{}` is not a complete ARN", for_terminal(t)));
            }
            if args.cluster.is_some() {
                return Ok(Target::Task {
                    cluster: args.cluster.clone(),
                    task: t.to_string(),
                });
            }
            return Ok(Target::Name(t.to_string()));
        };
        let kind = arn.resource.split([':', '/']).next().unwrap_or_default();
        Ok(match (arn.service, kind) {
            ("states", "execution") | ("states", "express") => Target::Execution(t.into()),
            ("states", "stateMachine") => Target::StateMachine(t.into()),
            ("ecs", "task") => {
                // `task/CLUSTER/ID` names its cluster; the older `task/ID` does not.
                let parts: Vec<&str> = arn.resource.split('/').collect();
                let cluster = match parts.len() {
                    3 => Some(parts[1].to_string()),
                    _ => args.cluster.clone(),
                };
                Target::Task {
                    cluster,
                    task: t.into(),
                }
            }
            ("ecs", "service") => {
                let parts: Vec<&str> = arn.resource.split('/').collect();
                match parts.as_slice() {
                    [_, cluster, service] => Target::Cluster {
                        cluster: (*cluster).to_string(),
                        service: Some((*service).to_string()),
                    },
                    _ => Target::Cluster {
                        cluster: args.cluster.clone().unwrap_or_else(|| "default".into()),
                        service: Some(t.into()),
                    },
                }
            }
            ("cloudformation", "stack") => Target::Stack(t.into()),
            ("lambda", "function") => {
                // `function:NAME` or `function:NAME:QUALIFIER`: the log group has the name.
                let name = arn.resource.split(':').nth(1).unwrap_or_default();
                if name.is_empty() {
                    return Err(format!("`{}` names no function", for_terminal(t)));
                }
                Target::Function(name.into())
            }
            _ => {
                return Err(format!(
                    "`{}` is not an ARN `why` reads: it takes Step Functions executions and state machines, ECS tasks and services, CloudFormation stacks and Lambda functions",
                    for_terminal(t)
                ))
            }
        })
    }
}

/// The parts of an ARN `why` needs.
pub(crate) struct Arn<'a> {
    pub service: &'a str,
    pub region: &'a str,
    pub resource: &'a str,
}

impl<'a> Arn<'a> {
    pub fn parse(s: &'a str) -> Option<Arn<'a>> {
        let mut p = s.strip_prefix("arn:")?.splitn(5, ':');
        let _partition = p.next()?;
        let service = p.next()?;
        let region = p.next()?;
        let _account = p.next()?;
        let resource = p.next()?;
        (!service.is_empty() && !resource.is_empty()).then_some(Arn {
            service,
            region,
            resource,
        })
    }
}

/// What the async part decided.
enum Next {
    Done(Outcome),
    /// Read this Lambda function's log group through `tail`.
    Function(String),
}

pub fn run(opts: &OutputOpts, args: WhyArgs) -> anyhow::Result<Outcome> {
    let target = match Target::of(&args) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("awsplain: why: {e}");
            return Ok(Outcome::Trouble);
        }
    };
    let next = match target {
        Target::Function(name) => Next::Function(name),
        target => {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()?;
            rt.block_on(run_async(opts, &args, target))?
        }
    };
    match next {
        Next::Done(o) => Ok(o),
        Next::Function(name) => lambda(opts, &args, &name),
    }
}

/// A Lambda function's errors: its log group over `--since`, read by `tail`.
fn lambda(opts: &OutputOpts, args: &WhyArgs, name: &str) -> anyhow::Result<Outcome> {
    #[derive(clap::Parser)]
    struct Tail {
        #[command(flatten)]
        args: super::tail::TailArgs,
    }
    let group = format!("/aws/lambda/{name}");
    let mut tail = match <Tail as clap::Parser>::try_parse_from([
        "tail",
        group.as_str(),
        "--since",
        args.since.as_str(),
    ]) {
        Ok(t) => t.args,
        Err(e) => {
            eprintln!("awsplain: why: {e}");
            return Ok(Outcome::Trouble);
        }
    };
    tail.aws = args.aws.clone();
    super::tail::run(opts, tail)
}

async fn run_async(opts: &OutputOpts, args: &WhyArgs, target: Target) -> anyhow::Result<Next> {
    // The region an ARN names is where the resource is, unless --region says otherwise.
    let mut conn = args.aws.clone();
    if conn.region.is_none() {
        let arn_region = args
            .target
            .as_deref()
            .and_then(Arn::parse)
            .map(|a| a.region)
            .filter(|r| !r.is_empty());
        conn.region = arn_region.map(str::to_string);
    }
    let env = match Env::load(&conn).await {
        Ok(env) => env,
        Err(msg) => {
            eprintln!("awsplain: {msg}");
            return Ok(Next::Done(Outcome::Trouble));
        }
    };
    let clients = Clients {
        sfn: aws_sdk_sfn::Client::new(&env.sdk),
        ecs: aws_sdk_ecs::Client::new(&env.sdk),
        cfn: aws_sdk_cloudformation::Client::new(&env.sdk),
    };
    let mut answer = Answer::default();
    match &target {
        Target::Execution(arn) => sfn::execution(&clients, arn, 0, &mut answer).await,
        Target::StateMachine(arn) => {
            sfn::state_machine(&clients, arn, args.recent, &mut answer).await
        }
        Target::Task { cluster, task } => {
            ecs::task(&clients, cluster.as_deref(), task, &mut answer).await
        }
        Target::Cluster { cluster, service } => {
            ecs::cluster(
                &clients,
                cluster,
                service.as_deref(),
                args.recent,
                &mut answer,
            )
            .await
        }
        Target::Stack(stack) => {
            cfn::stack(&clients, stack, &mut answer).await;
        }
        Target::Name(name) | Target::Function(name) => {
            if matches!(target, Target::Function(_)) {
                return Ok(Next::Function(name.clone()));
            }
            if !cfn::stack(&clients, name, &mut answer).await {
                eprintln!(
                    "awsplain: why: CloudFormation has no stack named `{}` in region {}: reading it as a Lambda function's log group",
                    for_terminal(name),
                    env.region
                );
                return Ok(Next::Function(name.clone()));
            }
        }
    }
    let what = args
        .target
        .clone()
        .or_else(|| args.service.clone())
        .or_else(|| args.cluster.clone())
        .unwrap_or_default();
    print(opts, &env, &what, answer).map(Next::Done)
}

/// Print the records, then report the failed lookups; any failed lookup makes the run's
/// outcome trouble, after everything else is out.
fn print(opts: &OutputOpts, env: &Env, what: &str, answer: Answer) -> anyhow::Result<Outcome> {
    let mut sink: Box<dyn Sink> = make_sink(opts, stdout_writer(opts.line_buffered));
    let mut shown = 0u64;
    match emit(opts, sink.as_mut(), answer.found, &mut shown) {
        Err(e) if !is_max_count(&e) => return Err(e.into()),
        _ => {}
    }
    sink.finish()?;
    if opts.count {
        super::output::print_line(&shown.to_string())?;
    }
    for f in &answer.failures {
        env.report(f, opts);
    }
    if shown == 0 && answer.failures.is_empty() && !opts.quiet {
        eprintln!(
            "awsplain: why: no failure recorded for `{}` (a stack's last operation, a state machine's failed executions, ECS stopped tasks and problem events)",
            for_terminal(what)
        );
    }
    Ok(if !answer.failures.is_empty() {
        Outcome::Trouble
    } else if shown > 0 {
        Outcome::Found
    } else {
        Outcome::NotFound
    })
}

/// Write the records with their remedies, up to `-m`.
fn emit(
    opts: &OutputOpts,
    sink: &mut dyn Sink,
    found: Vec<Found>,
    shown: &mut u64,
) -> std::io::Result<()> {
    let max = opts.max_count.unwrap_or(u64::MAX);
    let lang = opts.lang();
    for Found { mut rec, known } in found {
        if *shown >= max {
            return Err(max_count_reached());
        }
        rec.remedies = awsplain::remedy::remedies_with(&rec, lang, &known);
        warn_if_secret(&rec, opts.redact);
        mask(&mut rec, opts);
        *shown += 1;
        sink.record(&rec)?;
    }
    Ok(())
}

/// Records from a text a service reported, parsed like any other text. When the grammar
/// finds no AWS error in it, one record with the code and the text as the service gave them.
pub(crate) fn records_of(
    text: &str,
    code: Option<&str>,
    message: Option<&str>,
) -> Vec<awsplain::Record> {
    let mut recs = awsplain::scan_str(text);
    if recs.is_empty() && (code.is_some() || message.is_some()) {
        recs.push(awsplain::Record::default());
    }
    for r in &mut recs {
        r.error_code = r.error_code.take().or_else(|| code.map(str::to_string));
        r.message = r.message.take().or_else(|| message.map(str::to_string));
        r.span = awsplain::Span::default();
    }
    recs
}

/// The source of a record `why` found: the ARN or name looked up, the event, and what
/// failed.
pub(crate) fn source(
    name: &str,
    event_id: Option<String>,
    time: Option<&aws_smithy_types::DateTime>,
    lookup: awsplain::Lookup,
) -> awsplain::Source {
    awsplain::Source {
        name: name.to_string(),
        event_id,
        timestamp: time.and_then(|t| t.to_millis().ok()),
        lookup: Some(Box::new(lookup)),
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(target: Option<&str>, cluster: Option<&str>) -> WhyArgs {
        WhyArgs {
            target: target.map(str::to_string),
            cluster: cluster.map(str::to_string),
            service: None,
            recent: 3,
            since: "1h".into(),
            aws: Connection::default(),
        }
    }

    #[test]
    fn targets_are_told_apart_by_their_arns() {
        let t = |s: &str| Target::of(&args(Some(s), None));
        assert_eq!(
            t("arn:aws:states:us-east-1:111122223333:execution:Orders:run-1"),
            Ok(Target::Execution(
                "arn:aws:states:us-east-1:111122223333:execution:Orders:run-1".into()
            ))
        );
        assert!(matches!(
            t("arn:aws:states:us-east-1:111122223333:stateMachine:Orders"),
            Ok(Target::StateMachine(_))
        ));
        assert_eq!(
            t("arn:aws:ecs:us-east-1:111122223333:task/prod/0a1b2c3d4e5f"),
            Ok(Target::Task {
                cluster: Some("prod".into()),
                task: "arn:aws:ecs:us-east-1:111122223333:task/prod/0a1b2c3d4e5f".into()
            })
        );
        assert_eq!(
            t("arn:aws:ecs:us-east-1:111122223333:service/prod/web"),
            Ok(Target::Cluster {
                cluster: "prod".into(),
                service: Some("web".into())
            })
        );
        assert!(matches!(
            t("arn:aws:cloudformation:us-east-1:111122223333:stack/orders/1f2e"),
            Ok(Target::Stack(_))
        ));
        assert_eq!(
            t("arn:aws:lambda:us-east-1:111122223333:function:resize:live"),
            Ok(Target::Function("resize".into()))
        );
        assert_eq!(t("orders"), Ok(Target::Name("orders".into())));
        assert!(t("arn:aws:s3:::bucket").is_err());
        assert!(t("arn:aws:states").is_err());
        assert!(t("  ").is_err());
        assert_eq!(
            Target::of(&args(Some("0a1b2c"), Some("prod"))),
            Ok(Target::Task {
                cluster: Some("prod".into()),
                task: "0a1b2c".into()
            })
        );
    }

    #[test]
    fn a_text_the_grammar_does_not_know_keeps_the_code_and_message_given() {
        let recs = records_of(
            "An error occurred!",
            Some("AnError"),
            Some("An error occurred!"),
        );
        assert_eq!(recs.len(), 1);
        assert_eq!(recs[0].error_code.as_deref(), Some("AnError"));
        assert_eq!(recs[0].message.as_deref(), Some("An error occurred!"));
        assert!(records_of("all good", None, None).is_empty());
    }
}
