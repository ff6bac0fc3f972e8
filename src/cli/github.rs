//! The GitHub Actions printer: one `::error` workflow command per AWS error.
//!
//! The runner turns these lines into annotations on the run (and on the file and line when
//! the error was read from a file in the checkout). It reads workflow commands from both
//! stdout and stderr, so `run` can keep its explanations on stderr in this format too.

use super::collapse::{Group, Groups};
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

/// Annotations per distinct error; the runner shows about ten per step, so more of the same
/// would only push other errors out of sight.
pub const PER_ERROR: u64 = 5;
/// `::error` annotations in all.
pub const TOTAL: u64 = 10;
/// Errors listed in the closing notice and rows in the step summary.
const LISTED: usize = 20;
const SUMMARY_ROWS: usize = 50;

impl super::collapse::Repeats for GithubSink {
    /// One `::notice` for every error that got no annotation of its own, and the Markdown
    /// step summary when the runner asks for one.
    fn repeats(&mut self, groups: &Groups) -> io::Result<()> {
        let hidden = groups.hidden();
        if hidden > 0 {
            let s = if hidden == 1 { "" } else { "s" };
            let mut lines = vec![format!(
                "{hidden} more AWS error{s} not annotated ({} shown at most, {PER_ERROR} per distinct error):",
                TOTAL
            )];
            let repeated: Vec<&Group> = groups.repeated().collect();
            for g in repeated.iter().take(LISTED) {
                lines.push(format!(
                    "{} × {}{}",
                    g.hidden(),
                    g.label(),
                    paren(&g.span())
                ));
            }
            if repeated.len() > LISTED {
                lines.push(format!(
                    "... and {} more distinct errors",
                    repeated.len() - LISTED
                ));
            }
            writeln!(
                self.out,
                "::notice title={}::{}",
                escape_property("awsplain: more AWS errors"),
                escape_data(&lines.join("\n"))
            )?;
        }
        if let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|p| !p.is_empty()) {
            let md = step_summary(groups);
            let res = std::fs::OpenOptions::new()
                .append(true)
                .create(true)
                .open(&path)
                .and_then(|mut f| f.write_all(md.as_bytes()));
            if let Err(e) = res {
                // The annotations are out already; a summary that could not be written is
                // worth a warning, not a failed scan.
                eprintln!(
                    "awsplain: GITHUB_STEP_SUMMARY {}: {e}",
                    for_terminal(&path.to_string_lossy())
                );
            }
        }
        Ok(())
    }
}

fn paren(s: &str) -> String {
    if s.is_empty() {
        String::new()
    } else {
        format!(" ({s})")
    }
}

/// The Markdown table of distinct errors for the job's summary page.
pub fn step_summary(groups: &Groups) -> String {
    let all = groups.all();
    let mut md = String::new();
    let n = groups.records;
    let s = if n == 1 { "" } else { "s" };
    md.push_str(&format!(
        "### awsplain: {n} AWS error{s}, {} distinct\n\n",
        all.len()
    ));
    if all.is_empty() {
        return md;
    }
    md.push_str("| count | error | action | resource | first at | seen |\n");
    md.push_str("|---:|---|---|---|---|---|\n");
    let mut rows: Vec<&Group> = all.iter().collect();
    rows.sort_by_key(|g| std::cmp::Reverse(g.count));
    for g in rows.iter().take(SUMMARY_ROWS) {
        md.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} |\n",
            g.count,
            md_cell(&g.code),
            md_cell(g.action.as_deref().unwrap_or("")),
            md_cell(g.resource.as_deref().unwrap_or("")),
            md_cell(&g.place),
            md_cell(&g.span()),
        ));
    }
    if rows.len() > SUMMARY_ROWS {
        let rest: u64 = rows[SUMMARY_ROWS..].iter().map(|g| g.count).sum();
        md.push_str(&format!(
            "\n{rest} more in {} other distinct errors.\n",
            rows.len() - SUMMARY_ROWS
        ));
    }
    if groups.ungrouped_hidden > 0 {
        md.push_str(&format!(
            "\n{} more not grouped (too many distinct errors).\n",
            groups.ungrouped_hidden
        ));
    }
    md.push('\n');
    md
}

/// Text from logs in a table cell: no line breaks, no control characters, and Markdown and
/// HTML syntax shown literally so that a log line cannot restructure the page or add links.
fn md_cell(s: &str) -> String {
    let flat = for_terminal(s).replace(['\r', '\n'], " ");
    let mut out = String::with_capacity(flat.len());
    for c in flat.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\\' | '|' | '`' | '*' | '_' | '[' | ']' | '#' | '!' | '~' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
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
    // An event of `tail` has no file or line for the runner to point at: say where it is.
    if let Some(group) = &rec.source.log_group {
        let mut at = format!("Log group: {group}");
        if let Some(stream) = &rec.source.log_stream {
            at.push_str(&format!(", stream {stream}"));
        }
        if let Some(t) = rec.source.timestamp {
            at.push_str(&format!(", at {}", awsplain::time::format_rfc3339(t)));
        }
        lines.push(at);
    }
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
    fn an_event_from_tail_names_its_group_stream_and_time() {
        let mut rec = Record {
            error_code: Some("AccessDeniedException".into()),
            message: Some("denied".into()),
            ..Default::default()
        };
        rec.source.name = "/ecs/web".into();
        rec.source.log_group = Some("/ecs/web".into());
        rec.source.log_stream = Some("web/1".into());
        rec.source.timestamp = Some(1_764_320_401_000);
        assert_eq!(
            message(&rec),
            "denied\nLog group: /ecs/web, stream web/1, at 2025-11-28T09:00:01.000Z"
        );
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
