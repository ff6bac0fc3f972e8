//! Printers (sinks) for records: JSON lines, human blocks, GitHub annotations, the summary;
//! record preparation (remedies, redaction); colour setup.

use super::collapse::CollapseSink;
use super::{ColorChoice, Format, OutputOpts};
use awsplain::redact::Redactor;
use awsplain::summary::Summary;
use awsplain::Record;
use std::io::{self, IsTerminal, Write};
use std::sync::{Mutex, MutexGuard, OnceLock};

/// Decide once whether colour is on, honouring `--color`, `NO_COLOR` and `TERM=dumb`.
pub fn init_color(choice: ColorChoice) {
    let on = match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            !std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
                && std::env::var("TERM").map(|t| t != "dumb").unwrap_or(true)
                && io::stdout().is_terminal()
        }
    };
    colored::control::set_override(on);
}

/// True when the error (anywhere in its chain) is a closed pipe on output.
pub fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<io::Error>()
            .is_some_and(|io| io.kind() == io::ErrorKind::BrokenPipe)
    })
}

/// What a record callback returns to end a scan once `--max-count` records were printed.
#[derive(Debug)]
struct MaxCountReached;

impl std::fmt::Display for MaxCountReached {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("--max-count reached")
    }
}

impl std::error::Error for MaxCountReached {}

pub fn max_count_reached() -> io::Error {
    io::Error::other(MaxCountReached)
}

pub fn is_max_count(e: &io::Error) -> bool {
    e.get_ref().is_some_and(|i| i.is::<MaxCountReached>())
}

/// Something records are written to.
pub trait Sink {
    fn record(&mut self, rec: &Record) -> io::Result<()>;
    /// Where records already rendered as JSON lines (by the scanning threads) may be written
    /// straight through: only the plain JSON sink has one.
    fn json_lines(&mut self) -> Option<&mut dyn Write> {
        None
    }
    /// Called once after the last record.
    fn finish(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// One JSON object per line, nothing else.
pub struct JsonSink<W: Write> {
    pub out: W,
}

impl<W: Write> Sink for JsonSink<W> {
    fn record(&mut self, rec: &Record) -> io::Result<()> {
        self.out.write_all(&json_line(rec)?)
    }
    fn json_lines(&mut self) -> Option<&mut dyn Write> {
        Some(&mut self.out)
    }
    fn finish(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

/// A record as its JSON output line, newline included.
pub fn json_line(rec: &Record) -> io::Result<Vec<u8>> {
    let mut v = Vec::with_capacity(2048);
    awsplain::json::write_record(rec, &mut v);
    v.push(b'\n');
    Ok(v)
}

/// Discards records (`--quiet`, `--count`, `--summary-only`).
pub struct NullSink;

impl Sink for NullSink {
    fn record(&mut self, _rec: &Record) -> io::Result<()> {
        Ok(())
    }
}

/// Standard output, line-buffered on a terminal (or when asked), block-buffered otherwise.
pub fn stdout_writer(line_buffered: bool) -> Box<dyn Write> {
    let stdout = io::stdout();
    if line_buffered || stdout.is_terminal() {
        Box::new(io::LineWriter::new(stdout))
    } else {
        Box::new(io::BufWriter::with_capacity(64 * 1024, stdout))
    }
}

/// The sink the options ask for, writing records to `out`. `--summary` adds the counts on
/// stderr after the last record; `--summary-only` writes only the counts, to `out`.
/// `--quiet` wins over everything, `--count` prints no records (the caller prints the count).
pub fn make_sink(opts: &OutputOpts, out: Box<dyn Write>) -> Box<dyn Sink> {
    if opts.quiet {
        return Box::new(NullSink);
    }
    if opts.summary_only {
        return Box::new(SummarySink::new(Box::new(NullSink), opts, out));
    }
    let inner: Box<dyn Sink> = if opts.count {
        Box::new(NullSink)
    } else {
        match opts.format {
            Format::Json => Box::new(JsonSink { out }),
            Format::Short => Box::new(super::short::ShortSink::new(out)),
            Format::Human => {
                let human = super::human::HumanSink::new(out, opts.verbose).with_lang(opts.lang());
                if opts.no_collapse {
                    Box::new(human)
                } else {
                    Box::new(CollapseSink::new(human, 1, u64::MAX))
                }
            }
            Format::Github => {
                let github = super::github::GithubSink::new(out);
                if opts.no_collapse {
                    Box::new(CollapseSink::new(github, u64::MAX, u64::MAX))
                } else {
                    Box::new(CollapseSink::new(
                        github,
                        super::github::PER_ERROR,
                        super::github::TOTAL,
                    ))
                }
            }
        }
    };
    if opts.summary {
        Box::new(SummarySink::new(inner, opts, Box::new(io::stderr())))
    } else {
        inner
    }
}

/// Counts what passes to the inner sink and prints the summary when it finishes: one
/// `{"summary": {...}}` line in JSON mode, a text table otherwise.
pub struct SummarySink {
    inner: Box<dyn Sink>,
    summary: Summary,
    json: bool,
    to: Box<dyn Write>,
}

impl SummarySink {
    pub fn new(inner: Box<dyn Sink>, opts: &OutputOpts, to: Box<dyn Write>) -> Self {
        SummarySink {
            inner,
            summary: Summary::new(),
            json: opts.format == Format::Json,
            to,
        }
    }
}

impl Sink for SummarySink {
    fn record(&mut self, rec: &Record) -> io::Result<()> {
        self.summary.add(rec);
        self.inner.record(rec)
    }
    fn finish(&mut self) -> io::Result<()> {
        self.inner.finish()?;
        write_summary(&self.summary, self.json, &mut self.to)
    }
}

/// The summary as one `{"summary": {...}}` line (JSON) or as a text table.
pub fn write_summary(summary: &Summary, json: bool, to: &mut dyn Write) -> io::Result<()> {
    if json {
        let v = serde_json::json!({ "summary": summary.to_json() });
        serde_json::to_writer(&mut *to, &v)?;
        to.write_all(b"\n")?;
    } else {
        to.write_all(summary.render_text().as_bytes())?;
    }
    to.flush()
}

/// One masking table for the whole process, so masks agree across files, streams and
/// log groups of one run.
fn redactor() -> MutexGuard<'static, Redactor> {
    static R: OnceLock<Mutex<Redactor>> = OnceLock::new();
    R.get_or_init(|| Mutex::new(Redactor::new()))
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Fill in what the scanner leaves to the caller: remedies in the chosen language, then,
/// with `--redact`, masks over every field and remedy (remedies are built from the real
/// values first so that generated policies and commands stay correct once unmasked).
pub fn prepare(rec: &mut Record, opts: &OutputOpts) {
    rec.remedies = awsplain::remedy::remedies_for_cached(rec, opts.lang());
    warn_if_secret(rec, opts.redact);
    mask(rec, opts);
}

/// With `--redact`, mask every field and remedy of a record whose remedies are built. Runs in
/// input order, so that masks are numbered the same way on every run.
pub fn mask(rec: &mut Record, opts: &OutputOpts) {
    if opts.redact {
        redactor().redact_record(rec);
    }
}

/// Free text from the input (`tail -C`'s log lines) masked as `--redact` masks records, with
/// the same mask for the same value.
pub fn mask_text(text: &str) -> String {
    redactor().redact_str(text)
}

/// Without `--redact`, say once per run on stderr that a record holds a secret (a secret
/// access key, a session token, a password in a URL), which the output repeats as it is.
pub fn warn_if_secret(rec: &Record, redact: bool) {
    use std::sync::atomic::{AtomicBool, Ordering};
    static WARNED: AtomicBool = AtomicBool::new(false);
    if redact || WARNED.load(Ordering::Relaxed) {
        return;
    }
    let what = [
        &rec.message,
        &rec.principal,
        &rec.resource,
        &rec.error_code,
        &rec.encoded_message,
        &rec.policy_arn,
    ]
    .into_iter()
    .flatten()
    .find_map(|f| awsplain::redact::secret_in(f));
    if let Some(what) = what {
        if !WARNED.swap(true, Ordering::Relaxed) {
            eprintln!(
                "awsplain: warning: the input holds what looks like {what}, and the output repeats it; rotate it if it was real, and use --redact to mask secrets"
            );
        }
    }
}

/// Write a line to stdout; a closed pipe comes back as an error for `main` to treat as done.
pub fn print_line(line: &str) -> io::Result<()> {
    let mut o = io::stdout().lock();
    o.write_all(line.as_bytes())?;
    o.write_all(b"\n")?;
    o.flush()
}
