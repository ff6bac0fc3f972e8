//! Printers (sinks) for records: JSON lines, human blocks, GitHub annotations; colour setup.

use super::{ColorChoice, Format, OutputOpts};
use awsplain::Record;
use std::io::{self, IsTerminal, Write};

/// Decide once whether colour is on, honouring `--color`, `NO_COLOR` and `TERM=dumb`.
pub fn init_color(choice: ColorChoice) {
    let on = match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
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

/// Something records are written to.
pub trait Sink {
    fn record(&mut self, rec: &Record) -> io::Result<()>;
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
        serde_json::to_writer(&mut self.out, rec)?;
        self.out.write_all(b"\n")?;
        Ok(())
    }
    fn finish(&mut self) -> io::Result<()> {
        self.out.flush()
    }
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

/// The sink the options ask for, writing to `out`.
pub fn make_sink(opts: &OutputOpts, out: Box<dyn Write>) -> Box<dyn Sink> {
    if opts.quiet || opts.count || opts.summary_only {
        return Box::new(NullSink);
    }
    match opts.format {
        Format::Json => Box::new(JsonSink { out }),
        Format::Human => Box::new(super::human::HumanSink::new(out, opts.verbose)),
        Format::Github => Box::new(super::human::HumanSink::new(out, opts.verbose)),
    }
}

/// Fill in what the scanner leaves to the caller: remedies in the chosen language.
pub fn prepare(rec: &mut Record, opts: &OutputOpts) {
    rec.remedies = awsplain::remedy::remedies_for(rec, opts.lang());
}
