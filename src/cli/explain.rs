//! `awsplain explain`: the long explanation of an error code or remedy id, and `--list`.
//!
//! Exit status: 0 when the topic was found (or the list printed), 1 when no catalog entry
//! matches the topic (with close ids suggested on stderr), like a scan that finds nothing.

use super::human::{join_lines, wrap};
use super::output::{Stream, Style};
use super::{Outcome, OutputOpts};
use awsplain::remedy::{catalog, fill_placeholders, lookup};
use awsplain::sanitize::for_terminal;
use awsplain::Lang;
use clap::Args;
use colored::Colorize;
use std::io::Write;

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// An error code (`AccessDeniedException`) or remedy id (`iam-pass-role`).
    #[arg(required_unless_present = "list")]
    pub topic: Option<String>,
    /// List the catalog: one remedy id and its title per line.
    #[arg(long)]
    pub list: bool,
}

pub fn run(opts: &OutputOpts, args: ExplainArgs) -> anyhow::Result<Outcome> {
    let lang = opts.lang();
    let style = Style::for_stream(Stream::Stdout);
    let width = style.width;
    let mut out = std::io::stdout().lock();
    if args.list {
        let entries = catalog::entries(lang);
        let w = entries.iter().map(|e| e.id.len()).max().unwrap_or(0);
        for e in entries {
            writeln!(out, "{:<w$}  {}", e.id, fill_placeholders(e.title))?;
        }
        return Ok(Outcome::Found);
    }
    let topic = args.topic.unwrap_or_default();
    let topic = topic.trim();
    let Some(entry) = lookup(topic, lang) else {
        let needle = topic.to_ascii_lowercase();
        let near: Vec<&str> = catalog::entries(Lang::En)
            .iter()
            .filter(|e| {
                !needle.is_empty()
                    && (e.id.contains(&needle)
                        || e.codes
                            .iter()
                            .any(|c| c.to_ascii_lowercase().contains(&needle)))
            })
            .map(|e| e.id)
            .take(8)
            .collect();
        eprintln!(
            "awsplain: no catalog entry for {:?}; `awsplain explain --list` shows them all",
            for_terminal(topic)
        );
        if !near.is_empty() {
            eprintln!("awsplain: close: {}", near.join(", "));
        }
        return Ok(Outcome::NotFound);
    };
    let title = fill_placeholders(entry.title);
    let title = title.split_whitespace().collect::<Vec<_>>().join(" ");
    writeln!(
        out,
        "{} {}",
        style.paint(format!("[{}]", entry.id).green().bold()),
        style.paint(title.bold())
    )?;
    writeln!(out)?;
    for para in fill_placeholders(&entry.explanation).split("\n\n") {
        write!(out, "{}", wrap(&join_lines(para), 0, 0, width))?;
        writeln!(out)?;
    }
    let heading = match lang {
        Lang::En => "Steps",
        Lang::Ja => "手順",
    };
    writeln!(out, "{}", style.paint(heading.bold()))?;
    for (i, s) in entry.steps.iter().enumerate() {
        let n = format!("{}. ", i + 1);
        write!(
            out,
            "  {n}{}",
            wrap(&fill_placeholders(s), 2 + n.len(), 2 + n.len(), width).trim_start()
        )?;
    }
    if !entry.codes.is_empty() {
        let label = match lang {
            Lang::En => "Error codes",
            Lang::Ja => "対象のエラーコード",
        };
        writeln!(out)?;
        write!(
            out,
            "{}",
            style
                .paint(wrap(&format!("{label}: {}", entry.codes.join(", ")), 0, 2, width).dimmed())
        )?;
    }
    Ok(Outcome::Found)
}
