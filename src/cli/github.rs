//! The GitHub Actions printer: one `::error` workflow command per AWS error.
//!
//! The runner turns these lines into annotations on the run (and on the file and line when
//! the error was read from a file in the checkout). It reads workflow commands from both
//! stdout and stderr, so `run` can keep its explanations on stderr in this format too.

use super::output::Sink;
use awsplain::sanitize::for_terminal;
use awsplain::Record;
use std::io::{self, Write};
use std::path::Path;

pub struct GithubSink {
    out: Box<dyn Write>,
    /// The last source name looked up and whether it is a file, so a log with many errors
    /// costs one `stat` rather than one per record.
    last_file: Option<(String, bool)>,
}

impl GithubSink {
    pub fn new(out: Box<dyn Write>) -> Self {
        GithubSink {
            out,
            last_file: None,
        }
    }

    /// Sources that are files get `file=`; standard input (`-`), log groups and the
    /// streams of a `run` child (`<stdout>`, `<stderr>`) do not name a file.
    fn is_file(&mut self, rec: &Record) -> bool {
        let name = &rec.source.name;
        if name == "-" || name.is_empty() || rec.source.log_group.is_some() {
            return false;
        }
        if let Some((n, f)) = &self.last_file {
            if n == name {
                return *f;
            }
        }
        let f = Path::new(name).is_file();
        self.last_file = Some((name.clone(), f));
        f
    }
}

impl Sink for GithubSink {
    fn record(&mut self, rec: &Record) -> io::Result<()> {
        let mut props = Vec::new();
        if self.is_file(rec) {
            props.push(format!("file={}", escape_property(&rec.source.name)));
            if let Some(l) = rec.source.line {
                props.push(format!("line={l}"));
            }
        }
        props.push(format!("title={}", escape_property(&title(rec))));
        writeln!(
            self.out,
            "::error {}::{}",
            props.join(","),
            escape_data(&message(rec))
        )
    }
    fn finish(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

/// `AccessDeniedException calling ecs RunTask`, or as much of it as the record knows.
pub fn title(rec: &Record) -> String {
    let code = rec
        .error_code
        .as_deref()
        .or(rec.wrapper_code.as_deref())
        .unwrap_or("AWS error");
    let call = match (rec.service.as_deref(), rec.operation.as_deref()) {
        (Some(s), Some(o)) => format!(" calling {s} {o}"),
        (None, Some(o)) => format!(" calling {o}"),
        _ => String::new(),
    };
    format!("{code}{call}")
}

/// The error message, then each remedy: its title, and for the first one its steps and
/// the commands that apply it. Lines are joined with `\n`, escaped later.
pub fn message(rec: &Record) -> String {
    let mut lines: Vec<String> = Vec::new();
    lines.push(rec.message.clone().unwrap_or_else(|| title(rec)));
    if let Some(a) = &rec.action {
        let on = rec
            .resource
            .as_deref()
            .map(|r| format!(" on {r}"))
            .unwrap_or_default();
        lines.push(format!("Denied action: {a}{on}"));
    }
    for (i, r) in rec.remedies.iter().enumerate() {
        lines.push(format!("Fix: {}", r.title));
        if i == 0 {
            for (n, s) in r.steps.iter().enumerate() {
                lines.push(format!("  {}. {s}", n + 1));
            }
            for c in &r.apply {
                lines.push(format!("  $ {c}"));
            }
        }
    }
    if let Some(id) = &rec.request_id {
        lines.push(format!("Request ID: {id}"));
    }
    lines.join("\n")
}

/// Text after `::`: `%`, CR and LF are percent-encoded. Other control characters are made
/// visible first so that log text cannot colour or rewrite the CI log.
pub fn escape_data(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut buf = [0u8; 4];
    for c in s.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            c => out.push_str(&for_terminal(c.encode_utf8(&mut buf))),
        }
    }
    out
}

/// A property value (`title=`, `file=`): as data, plus `:` and `,`, which end a value.
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    #[derive(Clone, Default)]
    struct Shared(Arc<Mutex<Vec<u8>>>);
    impl Write for Shared {
        fn write(&mut self, b: &[u8]) -> io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn escaping_follows_the_workflow_command_syntax() {
        assert_eq!(escape_data("50% done\r\nnext"), "50%25 done%0D%0Anext");
        assert_eq!(escape_property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
        assert_eq!(escape_data("x\x1b[31m"), "x\\u{1b}[31m");
    }

    #[test]
    fn one_line_per_record_without_file_for_stdin() {
        let mut rec = Record {
            error_code: Some("AccessDenied".into()),
            operation: Some("GetObject".into()),
            message: Some("Access Denied\n::add-mask::x".into()),
            ..Default::default()
        };
        rec.source.name = "-".into();
        let buf = Shared::default();
        let mut s = GithubSink::new(Box::new(buf.clone()));
        s.record(&rec).unwrap();
        s.finish().unwrap();
        let out = String::from_utf8(buf.0.lock().unwrap().clone()).unwrap();
        assert_eq!(
            out,
            "::error title=AccessDenied calling GetObject::Access Denied%0A::add-mask::x\n"
        );
    }
}
