//! `awsplain run -- CMD ARGS...`: run a command, pass its output through, explain its AWS errors.
//!
//! The child's stdout and stderr are read in chunks and written on at once, byte for byte
//! (binary and unbounded output included), while a [`StreamScanner`] per stream looks for AWS
//! errors in the same chunks. Explanations go to stderr after the child ends, so the child's
//! stdout stays clean for the next command in a pipe. awsplain then exits with the child's
//! status (128+N when a signal N killed it), 127 when the command does not exist and 126
//! when it cannot be executed, like a shell.

use super::collapse::{Groups, Repeats};
use super::github::{self, GithubSink};
use super::human::HumanSink;
use super::output::{make_sink_styled, prepare, write_summary, Sink, Stream, Style};
use super::words::words;
use super::{Format, Outcome, OutputOpts};
use awsplain::scan::StreamScanner;
use awsplain::summary::Summary;
use awsplain::Record;
use clap::Args;
use std::ffi::OsString;
use std::io::{self, Read, Write};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread;

#[derive(Debug, Args)]
pub struct RunArgs {
    /// Exit 1 when the command succeeded (exit 0) but printed AWS errors; a failing command's
    /// own exit code is kept.
    #[arg(long)]
    pub fail_on_error: bool,
    /// The command and its arguments.
    #[arg(
        required = true,
        trailing_var_arg = true,
        allow_hyphen_values = true,
        value_name = "CMD"
    )]
    pub command: Vec<OsString>,
}

/// Records kept for the explanation after the child ends; the rest are only counted, so a
/// command that prints the same error a million times cannot exhaust memory.
const MAX_KEPT: usize = 200;
/// Read size: large enough for throughput, small enough that output is never held back.
const CHUNK: usize = 64 * 1024;

/// What both stream readers found, shared between their threads.
#[derive(Default)]
struct Found {
    kept: Vec<Record>,
    dropped: u64,
    summary: Summary,
    /// With grouping (human and github formats), a repeat is counted in its group instead of
    /// being kept, so that the kept records are distinct errors.
    groups: Option<Groups>,
}

impl Found {
    fn new(opts: &OutputOpts) -> Self {
        let grouped = !opts.no_collapse && matches!(opts.format, Format::Human | Format::Github);
        Found {
            groups: grouped.then(Groups::default),
            ..Found::default()
        }
    }

    fn add(&mut self, mut rec: Record, opts: &OutputOpts) {
        if opts.max_count.is_some_and(|m| self.summary.records() >= m) {
            return;
        }
        prepare(&mut rec, opts);
        self.summary.add(&rec);
        if let Some(groups) = &mut self.groups {
            let (per, total) = match opts.format {
                Format::Github => (github::PER_ERROR, github::TOTAL),
                _ => (1, MAX_KEPT as u64),
            };
            if groups.admit(&rec, per, total) {
                self.kept.push(rec);
            }
        } else if self.kept.len() < MAX_KEPT {
            self.kept.push(rec);
        } else {
            self.dropped += 1;
        }
    }
}

fn lock(f: &Mutex<Found>) -> MutexGuard<'_, Found> {
    f.lock().unwrap_or_else(|p| p.into_inner())
}

pub fn run(opts: &OutputOpts, args: RunArgs) -> anyhow::Result<Outcome> {
    let (program, rest) = args
        .command
        .split_first()
        .ok_or_else(|| anyhow::anyhow!("run: no command given"))?;
    let mut cmd = Command::new(program);
    cmd.args(rest)
        .stdin(Stdio::inherit())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    signals::install();
    let mut child = match cmd.spawn() {
        Ok(c) => c,
        Err(e) => {
            let (code, why) = match e.kind() {
                io::ErrorKind::NotFound => (127, "command not found".to_string()),
                io::ErrorKind::PermissionDenied => (126, "permission denied".to_string()),
                _ => (126, e.to_string()),
            };
            let _ = writeln!(
                io::stderr(),
                "awsplain: run: {}: {why}",
                awsplain::sanitize::for_terminal(&program.to_string_lossy())
            );
            return Ok(Outcome::Code(code));
        }
    };
    signals::set_child(child.id());

    let found = Arc::new(Mutex::new(Found::new(opts)));
    let out_pump = {
        let src = child.stdout.take().expect("stdout is piped");
        let found = found.clone();
        let opts = opts.clone();
        thread::spawn(move || pump(src, io::stdout(), "<stdout>", &found, &opts))
    };
    let err_pump = {
        let src = child.stderr.take().expect("stderr is piped");
        let found = found.clone();
        let opts = opts.clone();
        thread::spawn(move || pump(src, io::stderr(), "<stderr>", &found, &opts))
    };
    let status = child.wait();
    signals::clear_child();
    // The pumps end at end of file, which comes when every process holding the pipes has
    // closed them: background processes the command left behind keep them open, just as
    // they would keep a shell pipeline open.
    let _ = out_pump.join();
    let _ = err_pump.join();
    let mut code = exit_code(status?);

    let found = std::mem::take(&mut *lock(&found));
    if args.fail_on_error && code == 0 && found.summary.records() > 0 {
        code = 1;
    }
    explain(opts, found)?;
    Ok(Outcome::Code(code))
}

/// Copy `src` to `dst` chunk by chunk and scan the same chunks. When `dst` is closed (the
/// reader of our stdout went away), stop reading: dropping `src` closes the pipe, and the
/// child sees the closed pipe just as if it had written to it directly.
fn pump(mut src: impl Read, dst: impl Write, name: &str, found: &Mutex<Found>, opts: &OutputOpts) {
    let mut dst = dst;
    let mut scanner = StreamScanner::new(name);
    let mut buf = vec![0u8; CHUNK];
    let mut on_record = |r: Record| lock(found).add(r, opts);
    loop {
        let n = match src.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(_) => break,
        };
        // Written first, scanned second: the scanner never delays a byte.
        if dst.write_all(&buf[..n]).and_then(|()| dst.flush()).is_err() {
            break;
        }
        scanner.feed(&buf[..n], &mut on_record);
    }
    scanner.finish(&mut on_record);
}

/// The child's exit code, or 128+N for a child killed by signal N (the shell convention).
fn exit_code(status: ExitStatus) -> i32 {
    if let Some(c) = status.code() {
        return c;
    }
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(sig) = status.signal() {
            return 128 + sig;
        }
    }
    1
}

/// After the child: the explanations (and summary, count) on stderr.
fn explain(opts: &OutputOpts, found: Found) -> io::Result<()> {
    if opts.quiet {
        return Ok(());
    }
    let total = found.summary.records();
    let mut err = io::stderr().lock();
    if opts.count {
        writeln!(err, "{total}")?;
    }
    if !opts.count && !opts.summary_only && total > 0 {
        if opts.format == Format::Human {
            let heading = words(opts.lang()).run_heading(total);
            writeln!(err, "\n{heading}\n")?;
        }
        // Summaries are printed below from the counts of every record, not only the kept ones.
        let mut shown = opts.clone();
        shown.summary = false;
        drop(err);
        let to = || Box::new(io::LineWriter::new(io::stderr()));
        match (&found.groups, opts.format) {
            (Some(groups), Format::Github) => {
                replay(
                    GithubSink::new(to()).with_lang(opts.lang()),
                    &found.kept,
                    groups,
                )?;
            }
            (Some(groups), _) => {
                let human = HumanSink::new(to(), opts.verbose)
                    .with_lang(opts.lang())
                    .with_style(Style::for_stream(Stream::Stderr));
                replay(human, &found.kept, groups)?;
            }
            (None, _) => {
                let mut sink = make_sink_styled(&shown, to(), Style::for_stream(Stream::Stderr));
                for rec in &found.kept {
                    sink.record(rec)?;
                }
                sink.finish()?;
            }
        }
        err = io::stderr().lock();
        if found.dropped > 0 {
            writeln!(
                err,
                "awsplain: {} more AWS error(s) not shown (only the first {MAX_KEPT} are kept)",
                found.dropped
            )?;
        }
    }
    if opts.summary || opts.summary_only {
        write_summary(
            &found.summary,
            opts.format == Format::Json,
            opts.lang(),
            &mut err,
        )?;
    }
    err.flush()
}

/// Print the kept records, which were admitted to `groups` as they came, and then what the
/// groups held back.
fn replay<S: Sink + Repeats>(mut sink: S, kept: &[Record], groups: &Groups) -> io::Result<()> {
    for rec in kept {
        sink.record(rec)?;
    }
    sink.repeats(groups)?;
    sink.finish()
}

/// Forwarding of SIGINT, SIGTERM, SIGHUP and SIGQUIT to the child.
///
/// A signal another process sent to awsplain (`kill`, a CI runner cancelling the job) is
/// passed to the child. A signal the terminal generated (Ctrl-C, hang-up) already reached
/// the child, which shares awsplain's process group, so it is not sent twice: tools such as
/// terraform treat a second Ctrl-C as "stop now, skip the cleanup". Either way awsplain
/// itself does not die: it keeps passing output through until the child ends.
#[cfg(unix)]
mod signals {
    use std::sync::atomic::{AtomicI32, Ordering};

    static CHILD: AtomicI32 = AtomicI32::new(0);
    const SIGNALS: [libc::c_int; 4] = [libc::SIGINT, libc::SIGTERM, libc::SIGHUP, libc::SIGQUIT];

    extern "C" fn on_signal(sig: libc::c_int, info: *mut libc::siginfo_t, _: *mut libc::c_void) {
        let pid = CHILD.load(Ordering::SeqCst);
        // SAFETY: the kernel passes a valid siginfo_t to an SA_SIGINFO handler; only
        // async-signal-safe calls (kill, signal, raise) follow.
        unsafe {
            if pid <= 0 {
                // No child (yet or any more): behave as if awsplain had no handler.
                libc::signal(sig, libc::SIG_DFL);
                libc::raise(sig);
                return;
            }
            let code = if info.is_null() {
                libc::SI_USER
            } else {
                (*info).si_code
            };
            if from_process(code) {
                libc::kill(pid, sig);
            }
        }
    }

    fn from_process(code: libc::c_int) -> bool {
        #[cfg(any(target_os = "linux", target_os = "android"))]
        if code == libc::SI_TKILL {
            return true;
        }
        code == libc::SI_USER || code == libc::SI_QUEUE
    }

    pub fn install() {
        for sig in SIGNALS {
            // SAFETY: a zeroed sigaction is valid; the handler matches the SA_SIGINFO
            // signature. SA_RESTART keeps the pumps' reads from failing with EINTR.
            unsafe {
                let mut sa: libc::sigaction = std::mem::zeroed();
                let handler: extern "C" fn(libc::c_int, *mut libc::siginfo_t, *mut libc::c_void) =
                    on_signal;
                sa.sa_sigaction = handler as usize;
                sa.sa_flags = libc::SA_SIGINFO | libc::SA_RESTART;
                libc::sigemptyset(&mut sa.sa_mask);
                libc::sigaction(sig, &sa, std::ptr::null_mut());
            }
        }
    }

    pub fn set_child(pid: u32) {
        CHILD.store(i32::try_from(pid).unwrap_or(0), Ordering::SeqCst);
    }

    /// After the child was reaped its pid may be reused: never signal it again.
    pub fn clear_child() {
        CHILD.store(0, Ordering::SeqCst);
    }
}

#[cfg(not(unix))]
mod signals {
    pub fn install() {}
    pub fn set_child(_pid: u32) {}
    pub fn clear_child() {}
}
