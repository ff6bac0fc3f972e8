//! `awsplain tail`: read CloudWatch Logs log groups and explain the AWS errors in them.
//!
//! Events come from FilterLogEvents (a time window, or polling with `--follow`), from a Logs
//! Insights query (`--insights`) or from a Live Tail session (`--live`). Whichever way, each
//! event message goes through the same grammar as any other text, and its records carry the
//! group, stream, event id and timestamp they came from.

pub(super) mod aws_error;
mod context;
mod fetch;
mod insights;
mod live;
mod pattern;
mod recent;
mod retry;
mod time;
mod window;

use super::output::{is_max_count, make_sink, max_count_reached, prepare, stdout_writer, Sink};
use super::{Outcome, OutputOpts};
use aws_sdk_cloudwatchlogs::error::ProvideErrorMetadata;
use aws_sdk_cloudwatchlogs::Client;
use clap::Args;
use fetch::{Event, Query, Streams};
use retry::{Backoff, Retry};
use std::cell::RefCell;
use std::io;
use std::io::Write as _;
pub(crate) use time::format_rfc3339;
use time::{now_millis, parse_duration, parse_time, Millis};
use window::{Admit, Cursor};

/// `tail --help` groups tail's own options under these headings, apart from the output
/// options every command shares.
const WHEN: &str = "Time window";
const WHICH: &str = "Which events";
const HOW: &str = "How to read (default: one FilterLogEvents pass over the window)";
const SHOW: &str = "Showing events";
const WHERE: &str = "AWS connection";

#[derive(Debug, Args)]
pub struct TailArgs {
    /// Log group names or ARNs (several are merged in time order).
    #[arg(required = true, value_name = "LOG_GROUP")]
    pub groups: Vec<String>,
    /// Start of the window: a duration back from now (90s, 30m, 2h, 1d, 1h30m) or an RFC 3339
    /// time (2026-11-28T09:00:00Z).
    #[arg(long, default_value = "10m", value_name = "TIME", help_heading = WHEN)]
    pub since: String,
    /// End of the window, in the same forms as --since; with --follow or --live, stop there.
    #[arg(long, value_name = "TIME", help_heading = WHEN)]
    pub until: Option<String>,
    /// Keep polling for new events until interrupted (Ctrl-C, SIGTERM), --until, or -m N errors;
    /// an interruption prints where to resume (--since).
    #[arg(short, long, conflicts_with_all = ["insights", "live"], help_heading = HOW)]
    pub follow: bool,
    /// Only streams whose name starts with this.
    #[arg(
        long,
        visible_alias = "log-stream-name-prefix",
        value_name = "PREFIX",
        conflicts_with_all = ["stream", "log_stream_names"],
        help_heading = WHICH
    )]
    pub stream_prefix: Option<String>,
    /// Only this stream (repeat for several).
    #[arg(long, value_name = "NAME", help_heading = WHICH)]
    pub stream: Vec<String>,
    /// Only these streams, several names after one option, as `aws logs tail` takes them
    /// (put it after the log groups).
    #[arg(long, value_name = "NAME", num_args = 1.., help_heading = WHICH)]
    pub log_stream_names: Vec<String>,
    /// A CloudWatch filter pattern of your own; events must match it and contain an AWS error.
    #[arg(long, value_name = "PATTERN", help_heading = WHICH)]
    pub filter_pattern: Option<String>,
    /// Do not push the search down to CloudWatch: fetch every event and scan it here (not with
    /// --filter-pattern, which pushes your pattern down).
    #[arg(long, help_heading = WHICH)]
    pub all_events: bool,
    /// Run the search as a CloudWatch Logs Insights query (long ranges, many groups).
    #[arg(long, conflicts_with = "live", help_heading = HOW)]
    pub insights: bool,
    /// Use a CloudWatch Logs Live Tail session (up to 10 groups) instead of polling.
    #[arg(long, help_heading = HOW)]
    pub live: bool,
    /// Print N raw log lines before and after each error, from its own event and the events
    /// next to it in the same stream (every event of the window is then read). Text formats
    /// show them above the error; JSON adds a "context" member.
    #[arg(
        short = 'C',
        long,
        value_name = "N",
        value_parser = clap::value_parser!(u16).range(0..=MAX_CONTEXT),
        help_heading = SHOW
    )]
    pub context: Option<u16>,
    #[command(flatten, next_help_heading = WHERE)]
    pub aws: aws_error::Connection,
    /// Time between polls with --follow.
    #[arg(long, default_value = "2s", value_name = "DURATION", help_heading = HOW)]
    pub interval: String,
    /// With --follow, how far back each poll looks again for events that were ingested late.
    #[arg(long, default_value = "10s", value_name = "DURATION", help_heading = HOW)]
    pub late_window: String,
    /// Events per FilterLogEvents page (1-10000; CloudWatch's default when unset).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(i32).range(1..=10000), hide = true)]
    pub page_size: Option<i32>,
    /// First backoff step when retrying (default 250ms); the cap is 80 steps. When given, the
    /// SDK's own retries are scaled likewise (initial 4 steps). Hidden: for tests, which need
    /// outages and throttling bursts to pass in seconds.
    #[arg(long, value_name = "DURATION", hide = true)]
    pub backoff_base: Option<String>,
    /// Longest wait for one HTTP attempt of a call before it counts as failed and is retried
    /// (not for --live, whose answer is a long-lived stream). Hidden: for tests.
    #[arg(long, default_value = "60s", value_name = "DURATION", hide = true)]
    pub attempt_timeout: String,
}

/// The most context lines `-C` takes on each side.
const MAX_CONTEXT: i64 = 100;

/// Everything one run needs, resolved from the arguments.
struct Plan {
    groups: Vec<String>,
    streams: Streams,
    since: Millis,
    until: Option<Millis>,
    /// The pattern requests carry; emptied if CloudWatch rejects one awsplain generated.
    pattern: RefCell<Option<String>>,
    /// Whether `pattern` is awsplain's push-down rather than the user's.
    generated: bool,
    interval: std::time::Duration,
    late_window: Millis,
    page_size: Option<i32>,
    retry: Retry,
    attempt_timeout: std::time::Duration,
    /// `-C`: lines of log shown on each side of an error (0: none).
    context: usize,
}

impl Plan {
    fn from_args(args: &TailArgs) -> Result<Plan, String> {
        let now = now_millis();
        let since = parse_time(&args.since, now).map_err(|e| format!("--since: {e}"))?;
        let until = match &args.until {
            Some(u) => Some(parse_time(u, now).map_err(|e| format!("--until: {e}"))?),
            None => None,
        };
        if let Some(u) = until {
            if u < since {
                return Err(format!(
                    "--until ({}) is before --since ({})",
                    format_rfc3339(u),
                    format_rfc3339(since)
                ));
            }
        }
        let interval = parse_duration(&args.interval)
            .map_err(|e| format!("--interval: {e}"))?
            .max(200);
        let late_window =
            parse_duration(&args.late_window).map_err(|e| format!("--late-window: {e}"))?;
        let backoff = match &args.backoff_base {
            Some(b) => Backoff::from_base(std::time::Duration::from_millis(
                parse_duration(b)
                    .map_err(|e| format!("--backoff-base: {e}"))?
                    .max(1) as u64,
            )),
            None => Backoff::default(),
        };
        let attempt_timeout = parse_duration(&args.attempt_timeout)
            .map_err(|e| format!("--attempt-timeout: {e}"))?
            .max(100);
        let names: Vec<String> = args
            .stream
            .iter()
            .chain(&args.log_stream_names)
            .cloned()
            .collect();
        let streams = match (&args.stream_prefix, names.is_empty()) {
            (Some(p), _) => Streams::Prefix(p.clone()),
            (None, false) => Streams::Names(names),
            (None, true) => Streams::All,
        };
        if args.filter_pattern.is_some() && args.all_events {
            return Err("--filter-pattern and --all-events cannot be used together: --all-events sends no pattern (every event is read and scanned here), --filter-pattern sends yours; drop one".into());
        }
        let context = usize::from(args.context.unwrap_or(0));
        if context > 0 && args.insights {
            return Err("-C/--context needs the events next to each error, and a Logs Insights query returns only the matching ones; drop --insights".into());
        }
        if let Some(p) = &args.filter_pattern {
            if p.len() > pattern::MAX_PATTERN_LEN {
                return Err(format!(
                    "--filter-pattern is longer than CloudWatch's {} characters",
                    pattern::MAX_PATTERN_LEN
                ));
            }
        }
        // The context of an error is mostly events without one: read them all.
        let pushdown = pattern::request_pattern(
            args.filter_pattern.as_deref(),
            args.all_events || context > 0,
        );
        Ok(Plan {
            groups: args.groups.clone(),
            streams,
            since,
            until,
            pattern: RefCell::new(pushdown.as_ref().map(|p| p.0.clone())),
            generated: pushdown.is_some_and(|p| p.1),
            interval: std::time::Duration::from_millis(interval as u64),
            late_window,
            page_size: args.page_size,
            retry: Retry::new(backoff, args.follow),
            attempt_timeout: std::time::Duration::from_millis(attempt_timeout as u64),
            context,
        })
    }
}

/// An event whose message held AWS errors, ready to be printed in time order.
struct Hit {
    timestamp: Millis,
    group: usize,
    id: String,
    records: Vec<awsplain::Record>,
    /// With `-C`, the log lines around each record (same order); empty otherwise.
    context: Vec<Option<context::Excerpt>>,
}

/// Scan one event message; the records carry where the event came from.
fn scan_event(opts: &OutputOpts, group: &str, group_idx: usize, ev: &Event) -> Option<Hit> {
    let mut records = awsplain::scan_str(&ev.message);
    if records.is_empty() {
        return None;
    }
    for rec in &mut records {
        rec.source = awsplain::Source {
            name: group.to_string(),
            line: None,
            log_group: Some(group.to_string()),
            log_stream: (!ev.stream.is_empty()).then(|| ev.stream.clone()),
            event_id: (!ev.id.is_empty()).then(|| ev.id.clone()),
            timestamp: Some(ev.timestamp),
            lookup: None,
        };
        prepare(rec, opts);
    }
    Some(Hit {
        timestamp: ev.timestamp,
        group: group_idx,
        id: ev.id.clone(),
        records,
        context: Vec::new(),
    })
}

/// A writer the sink writes into, emptied by the printer after each record, so that `-C`'s
/// lines go around exactly what the sink printed for it (nothing, when a repeat was counted
/// instead of printed).
#[derive(Clone, Default)]
struct Staged(std::rc::Rc<RefCell<Vec<u8>>>);

impl io::Write for Staged {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.borrow_mut().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Prints hits, counts records per group, and reports the groups that could not be read.
struct Printer<'a> {
    sink: Box<dyn Sink>,
    staged: Staged,
    out: Box<dyn io::Write>,
    json: bool,
    /// `--redact`: context lines are masked like the records.
    redact: bool,
    found: u64,
    per_group: Vec<u64>,
    /// Groups that failed on their own (unknown, not permitted) and are no longer read.
    failed: Vec<bool>,
    /// `-m`: records to print in all before the tail stops.
    max: u64,
    /// Says why a group failed (on stderr, at once).
    report: &'a dyn Fn(&aws_error::AwsFailure),
}

impl<'a> Printer<'a> {
    fn new(
        opts: &OutputOpts,
        out: Box<dyn io::Write>,
        groups: usize,
        report: &'a dyn Fn(&aws_error::AwsFailure),
    ) -> Self {
        let staged = Staged::default();
        Printer {
            sink: make_sink(opts, Box::new(staged.clone())),
            staged,
            out,
            json: opts.format == super::Format::Json,
            redact: opts.redact,
            found: 0,
            per_group: vec![0; groups],
            failed: vec![false; groups],
            max: opts.max_count.unwrap_or(u64::MAX),
            report,
        }
    }

    fn emit(&mut self, mut hits: Vec<Hit>) -> io::Result<()> {
        hits.sort_by(|a, b| (a.timestamp, a.group, &a.id).cmp(&(b.timestamp, b.group, &b.id)));
        for h in hits {
            for (i, rec) in h.records.iter().enumerate() {
                if self.found >= self.max {
                    return Err(max_count_reached());
                }
                self.found += 1;
                self.per_group[h.group] += 1;
                self.sink.record(rec)?;
                let excerpt = h.context.get(i).and_then(Option::as_ref);
                self.pass_on(excerpt.map(|e| (e, rec.source.name.as_str())))?;
            }
        }
        if self.found >= self.max {
            return Err(max_count_reached());
        }
        Ok(())
    }

    /// Write what the sink printed, with the excerpt of the record around it: its lines
    /// above the text formats' output, a `context` member in the JSON object.
    fn pass_on(&mut self, excerpt: Option<(&context::Excerpt, &str)>) -> io::Result<()> {
        let printed = std::mem::take(&mut *self.staged.0.borrow_mut());
        if printed.is_empty() {
            return Ok(());
        }
        let masked = excerpt
            .filter(|_| self.redact)
            .map(|(ex, group)| (ex.masked(super::output::mask_text), group));
        let excerpt = masked.as_ref().map(|(ex, g)| (ex, *g)).or(excerpt);
        match excerpt {
            Some((ex, _)) if self.json => {
                let body = printed.trim_ascii_end();
                match body.strip_suffix(b"}") {
                    Some(open) => {
                        self.out.write_all(open)?;
                        self.out.write_all(b",\"context\":")?;
                        serde_json::to_writer(&mut self.out, &ex.json())?;
                        self.out.write_all(b"}\n")
                    }
                    None => self.out.write_all(&printed),
                }
            }
            Some((ex, group)) => {
                self.out.write_all(ex.text(group).as_bytes())?;
                self.out.write_all(&printed)
            }
            None => self.out.write_all(&printed),
        }
    }

    /// The `group`-th group cannot be read: say why, and read it no more.
    fn group_failed(&mut self, group: usize, f: &aws_error::AwsFailure) {
        self.failed[group] = true;
        (self.report)(f);
    }

    fn finish(&mut self) -> io::Result<()> {
        self.sink.finish()?;
        self.pass_on(None)?;
        self.out.flush()
    }
}

/// Why a tail stopped early.
#[derive(Debug)]
enum Stop {
    Aws(aws_error::AwsFailure),
    Io(io::Error),
    Other(String),
}

impl From<io::Error> for Stop {
    fn from(e: io::Error) -> Self {
        Stop::Io(e)
    }
}

/// Resolves when SIGTERM arrives: a CI runner, systemd or `timeout` ending a follow is an
/// interruption like Ctrl-C, not a crash, so what was found is still printed.
async fn terminated() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            term.recv().await;
            return;
        }
    }
    std::future::pending::<()>().await
}

pub fn run(opts: &OutputOpts, args: TailArgs) -> anyhow::Result<Outcome> {
    let plan = match Plan::from_args(&args) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("awsplain: tail: {e}");
            return Ok(Outcome::Trouble);
        }
    };
    if plan.context > 0 && opts.format == super::Format::Github {
        eprintln!("awsplain: tail: -C/--context shows log lines for reading; GitHub annotations carry the error and its fix only. Use --format human, short or json with -C");
        return Ok(Outcome::Trouble);
    }
    if args.live && args.groups.len() > live::MAX_GROUPS {
        eprintln!(
            "awsplain: tail --live: Live Tail takes at most {} log groups",
            live::MAX_GROUPS
        );
        return Ok(Outcome::Trouble);
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    rt.block_on(run_async(opts, &args, plan))
}

/// The CloudWatch Logs client: the SDK configuration, plus a time limit per HTTP attempt so
/// that a connection that hangs counts as a failure and is retried instead of stalling a
/// follow for ever (not for Live Tail, whose answer is a stream that stays open), and the
/// SDK's retries scaled to `--backoff-base` when that is given.
fn client(env: &aws_error::Env, args: &TailArgs, plan: &Plan) -> Client {
    use aws_sdk_cloudwatchlogs::config::{retry::RetryConfig, timeout::TimeoutConfig};
    let mut conf = aws_sdk_cloudwatchlogs::config::Builder::from(&env.sdk);
    if !args.live {
        conf = conf.timeout_config(
            TimeoutConfig::builder()
                .operation_attempt_timeout(plan.attempt_timeout)
                .build(),
        );
    }
    if args.backoff_base.is_some() {
        let b = plan.retry.backoff;
        conf = conf.retry_config(
            RetryConfig::standard()
                .with_max_attempts(3)
                .with_initial_backoff(b.base.saturating_mul(4))
                .with_max_backoff(b.cap),
        );
    }
    Client::from_conf(conf.build())
}

async fn run_async(opts: &OutputOpts, args: &TailArgs, plan: Plan) -> anyhow::Result<Outcome> {
    let env = match aws_error::Env::load(&args.aws).await {
        Ok(env) => env,
        Err(msg) => {
            eprintln!("awsplain: {msg}");
            return Ok(Outcome::Trouble);
        }
    };
    let client = client(&env, args, &plan);
    let streaming = args.follow || args.live;
    let report = |f: &aws_error::AwsFailure| env.report(f, opts);
    let mut printer = Printer::new(
        opts,
        stdout_writer(streaming || opts.line_buffered),
        plan.groups.len(),
        &report,
    );
    // Where a rerun would carry on, should a follow stop on an error after a first poll.
    let mut resume: Option<Millis> = None;
    let mut interrupted = false;
    let result = {
        let work = async {
            if args.live {
                live::run(&client, &plan, opts, &mut printer).await
            } else if args.insights {
                insights::run(&client, &plan, args, opts, &mut printer).await
            } else if args.follow {
                follow(&client, &plan, opts, &mut printer, &mut resume).await
            } else {
                window_once(&client, &plan, opts, &mut printer).await
            }
        };
        tokio::select! {
            r = work => r,
            _ = tokio::signal::ctrl_c() => {
                interrupted = true;
                Ok(())
            }
            _ = terminated() => {
                interrupted = true;
                Ok(())
            }
        }
    };
    // Whether the tail as a whole stopped on an error (rather than one group failing).
    let stopped = match result {
        Ok(()) => false,
        Err(Stop::Io(e)) if is_max_count(&e) => false,
        Err(Stop::Io(e)) => return Err(e.into()),
        Err(Stop::Aws(f)) => {
            env.report(&f, opts);
            true
        }
        Err(Stop::Other(msg)) => {
            eprintln!("awsplain: {msg}");
            true
        }
    };
    if let (true, Some(at)) = (stopped, resume) {
        eprintln!(
            "awsplain: follow stopped. To carry on without missing an event, run again with --since {} (the events shown since then come again).",
            format_rfc3339(at)
        );
    }
    printer.finish()?;
    let some_failed = printer.failed.iter().any(|f| *f);
    if opts.count && !opts.quiet && !stopped {
        print_counts(&plan.groups, &printer)?;
    }
    if let (true, Some(at)) = (interrupted && args.follow, resume) {
        eprintln!(
            "awsplain: follow interrupted. To carry on without missing an event, run again with --since {} (the events shown since then come again).",
            format_rfc3339(at)
        );
    }
    // As rg: any error makes the status 2, even with errors found in the other groups.
    Ok(if stopped || some_failed {
        Outcome::Trouble
    } else if printer.found > 0 {
        Outcome::Found
    } else {
        Outcome::NotFound
    })
}

/// `--count`: with one group, its count; with several, `GROUP:N` for each group read that had
/// errors, like `rg -c` with several files. A group that could not be read gets no count (its
/// `0` would be a lie), and one group that failed prints nothing at all.
fn print_counts(groups: &[String], printer: &Printer) -> io::Result<()> {
    if groups.len() == 1 {
        if !printer.failed[0] {
            super::output::print_line(&printer.found.to_string())?;
        }
        return Ok(());
    }
    for (gi, g) in groups.iter().enumerate() {
        let n = printer.per_group[gi];
        if n > 0 && !printer.failed[gi] {
            super::output::print_line(&format!("{}:{n}", awsplain::sanitize::for_terminal(g)))?;
        }
    }
    Ok(())
}

/// What `fetch_group` hands its caller.
enum Batch {
    /// The next page's events.
    Page(Vec<Event>),
    /// CloudWatch refused a page token: drop what this fetch delivered so far, the pages
    /// come again from the start.
    Restart,
}

/// How many times in a row one fetch may start over after a rejected page token before the
/// error is reported instead; a real token expiry needs one.
const MAX_TOKEN_RESTARTS: u32 = 3;

/// FilterLogEvents over one group from `start`, through every page. If CloudWatch rejects
/// awsplain's own push-down pattern, say so and read every event instead: the grammar still
/// decides, only more travels. If it rejects a page token (they expire after 24 hours, which
/// a long outage can outlast), read from `start` again.
async fn fetch_group(
    client: &Client,
    plan: &Plan,
    group: &str,
    start: Millis,
    on_batch: &mut dyn FnMut(Batch),
) -> Result<(), Stop> {
    let mut restarts = 0u32;
    loop {
        let pattern = plan.pattern.borrow().clone();
        let q = Query {
            group,
            streams: &plan.streams,
            start,
            end: plan.until,
            pattern: pattern.as_deref(),
            page_size: plan.page_size,
            retry: &plan.retry,
        };
        let e = match fetch::fetch(client, &q, &mut |page| on_batch(Batch::Page(page))).await {
            Ok(_) => return Ok(()),
            Err(e) => e,
        };
        let invalid = e.error.code() == Some("InvalidParameterException");
        let detail = awsplain::sanitize::for_terminal(e.error.message().unwrap_or("no detail"));
        if invalid && e.paging && restarts < MAX_TOKEN_RESTARTS {
            restarts += 1;
            eprintln!(
                "awsplain: warning: CloudWatch Logs no longer accepts the page token for `{}` ({detail}); reading again from {}, without showing any event twice",
                awsplain::sanitize::for_terminal(group),
                format_rfc3339(start)
            );
            on_batch(Batch::Restart);
        } else if invalid && !e.paging && plan.generated && pattern.is_some() {
            eprintln!(
                "awsplain: warning: CloudWatch Logs rejected the search pattern ({detail}); reading every event and scanning it here"
            );
            *plan.pattern.borrow_mut() = None;
        } else {
            return Err(Stop::Aws(aws_error::AwsFailure::from_sdk(
                "FilterLogEvents",
                Some(group),
                &e.error,
            )));
        }
    }
}

/// Failures that concern one group only (it does not exist, or this identity may not read
/// it): the other groups are still read, as rg goes on past a file it cannot open. Anything
/// else (credentials, the endpoint, throttling given up on) stops the whole tail.
fn concerns_one_group(stop: &Stop) -> Option<&aws_error::AwsFailure> {
    match stop {
        Stop::Aws(f)
            if matches!(
                f.code.as_deref(),
                Some("ResourceNotFoundException" | "AccessDeniedException")
            ) =>
        {
            Some(f)
        }
        _ => None,
    }
}

/// One pass over the window of every group, printed in time order once all are read.
async fn window_once(
    client: &Client,
    plan: &Plan,
    opts: &OutputOpts,
    printer: &mut Printer<'_>,
) -> Result<(), Stop> {
    let mut hits = Vec::new();
    let mut ctx = context::Tracker::new(plan.context);
    for (gi, group) in plan.groups.iter().enumerate() {
        let before = hits.len();
        let fetched = fetch_group(client, plan, group, plan.since, &mut |batch| match batch {
            Batch::Page(events) => {
                for ev in &events {
                    ctx.observe(gi, ev, scan_event(opts, group, gi, ev), &mut hits);
                }
            }
            Batch::Restart => {
                hits.truncate(before);
                ctx.restart(gi);
            }
        })
        .await;
        if let Err(stop) = fetched {
            let Some(f) = concerns_one_group(&stop) else {
                return Err(stop);
            };
            hits.truncate(before);
            ctx.restart(gi);
            printer.group_failed(gi, f);
        }
    }
    printer.emit(hits)?;
    Ok(())
}

/// Poll every group until interrupted or past `--until`, showing each event once. Nothing of
/// a poll is shown before all its pages are in, so a poll that starts over (a rejected page
/// token) or waits out an outage has shown nothing twice; and each poll starts from the
/// cursor, so events put meanwhile come with the next one. A group that fails on its own is
/// reported and left out of the next polls; the tail ends when no group is left.
async fn follow(
    client: &Client,
    plan: &Plan,
    opts: &OutputOpts,
    printer: &mut Printer<'_>,
    resume: &mut Option<Millis>,
) -> Result<(), Stop> {
    let mut cursors: Vec<Cursor> = plan
        .groups
        .iter()
        .map(|_| Cursor::new(plan.since, plan.late_window))
        .collect();
    let mut ctx = context::Tracker::new(plan.context);
    let mut polled = false;
    loop {
        let polled_at = now_millis();
        let mut hits = Vec::new();
        for (gi, group) in plan.groups.iter().enumerate() {
            if printer.failed[gi] {
                continue;
            }
            let mut events = Vec::new();
            let fetched =
                fetch_group(
                    client,
                    plan,
                    group,
                    cursors[gi].start_time(),
                    &mut |b| match b {
                        Batch::Page(page) => events.extend(page),
                        Batch::Restart => events.clear(),
                    },
                )
                .await;
            if let Err(stop) = fetched {
                if let Some(f) = concerns_one_group(&stop) {
                    printer.group_failed(gi, f);
                    continue;
                }
                // The groups before this one are admitted already: show them, and say
                // where a rerun should start.
                printer.emit(hits)?;
                if polled || gi > 0 {
                    *resume = live_cursors(&cursors, &printer.failed);
                }
                return Err(stop);
            }
            let cursor = &mut cursors[gi];
            // Admit in time order so only truly late arrivals are called late.
            events.sort_by(|a, b| (a.timestamp, &a.id).cmp(&(b.timestamp, &b.id)));
            for ev in &events {
                match cursor.admit(ev.timestamp, &ev.id) {
                    Admit::Duplicate => continue,
                    Admit::New => {}
                    Admit::Late(by) => eprintln!(
                        "awsplain: warning: late event in {} / {} at {} ({:.1}s older than the newest already shown)",
                        awsplain::sanitize::for_terminal(group),
                        awsplain::sanitize::for_terminal(&ev.stream),
                        format_rfc3339(ev.timestamp),
                        by as f64 / 1000.0
                    ),
                }
                ctx.observe(gi, ev, scan_event(opts, group, gi, ev), &mut hits);
            }
        }
        printer.emit(hits)?;
        ctx.printed();
        if printer.failed.iter().all(|f| *f) {
            return Ok(());
        }
        polled = true;
        // Where a rerun carries on should the follow be interrupted before the next poll.
        *resume = live_cursors(&cursors, &printer.failed);
        if let Some(until) = plan.until {
            // The poll that started after --until has seen everything up to it.
            if polled_at > until {
                return Ok(());
            }
        }
        tokio::time::sleep(plan.interval).await;
    }
}

/// Where a rerun carries on: the earliest cursor of the groups still read.
fn live_cursors(cursors: &[Cursor], failed: &[bool]) -> Option<Millis> {
    cursors
        .iter()
        .zip(failed)
        .filter(|(_, f)| !**f)
        .map(|(c, _)| c.start_time())
        .min()
}
