//! The human printer: a short block per error, the fix first.

use super::output::Sink;
use awsplain::sanitize::for_terminal;
use awsplain::Record;
use colored::Colorize;
use std::io::{self, Write};

pub struct HumanSink {
    out: Box<dyn Write>,
    verbose: bool,
}

impl HumanSink {
    pub fn new(out: Box<dyn Write>, verbose: bool) -> Self {
        HumanSink { out, verbose }
    }
}

impl Sink for HumanSink {
    fn record(&mut self, rec: &Record) -> io::Result<()> {
        let code = rec.error_code.as_deref().unwrap_or("AWS error");
        writeln!(self.out, "{}", for_terminal(code).red().bold())?;
        if let Some(m) = &rec.message {
            writeln!(self.out, "  {}", for_terminal(m))?;
        }
        for r in &rec.remedies {
            writeln!(self.out, "  {} {}", "fix:".green().bold(), for_terminal(&r.title))?;
            if self.verbose {
                writeln!(self.out, "  {}", for_terminal(&r.explanation))?;
            }
        }
        writeln!(self.out)
    }
    fn finish(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}
