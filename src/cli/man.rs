//! `awsplain man`: the manual pages, awsplain(1) and one for each subcommand
//! (awsplain-tail(1), awsplain-run(1), ...), each listing only the options that act there.

use super::{Cli, Outcome};
use clap::{Args, CommandFactory};
use std::io::Write;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct ManArgs {
    /// Print the page of this subcommand (`tail` gives awsplain-tail(1)); none: awsplain(1).
    #[arg(value_name = "SUBCOMMAND")]
    pub command: Option<String>,
    /// Write every page (awsplain.1, awsplain-tail.1, ...) into this directory instead, e.g.
    /// `awsplain man --dir ~/.local/share/man/man1`.
    #[arg(long, value_name = "DIR", conflicts_with = "command")]
    pub dir: Option<PathBuf>,
}

/// The options shared by every mode that prints records (`--format`, `--color`, ...): the
/// top-level command and these subcommands act on all of them.
const PRINTING: &[&str] = &["tail", "run"];

/// Which shared options a subcommand that prints no records acts on.
fn shared_options_of(sub: &str) -> &'static [&'static str] {
    match sub {
        "explain" => &["color", "lang"],
        _ => &[],
    }
}

/// The top-level command and each subcommand, as their pages show them.
fn pages() -> Vec<clap::Command> {
    let mut cmd = Cli::command().disable_help_subcommand(true);
    cmd.build();
    let shared: Vec<String> = cmd
        .get_arguments()
        .filter(|a| a.is_global_set())
        .map(|a| a.get_id().to_string())
        .collect();
    let mut pages = Vec::new();
    for sub in cmd.get_subcommands() {
        let mut sub = sub.clone();
        let name = sub.get_name().to_string();
        sub = sub.version(env!("CARGO_PKG_VERSION"));
        if !PRINTING.contains(&name.as_str()) {
            let keep = shared_options_of(&name);
            for id in shared.iter().filter(|id| !keep.contains(&id.as_str())) {
                sub = sub.mut_arg(id, |a| a.hide(true));
            }
        }
        pages.push(sub);
    }
    pages.insert(0, cmd);
    pages
}

pub fn run(args: ManArgs) -> anyhow::Result<Outcome> {
    let pages = pages();
    if let Some(dir) = &args.dir {
        std::fs::create_dir_all(dir)?;
        for page in pages {
            let path = clap_mangen::Man::new(page).generate_to(dir)?;
            println!("{}", path.display());
        }
        return Ok(Outcome::Found);
    }
    let page = match &args.command {
        None => pages.into_iter().next(),
        Some(name) => pages.into_iter().skip(1).find(|p| p.get_name() == name),
    };
    let Some(page) = page else {
        let name = args.command.as_deref().unwrap_or_default();
        anyhow::bail!(
            "no subcommand `{}`; pages: awsplain, {}",
            awsplain::sanitize::for_terminal(name),
            subcommand_names().join(", ")
        );
    };
    // Rendered into memory: a closed pipe then ends quietly like every other output.
    let mut roff = Vec::new();
    clap_mangen::Man::new(page).render(&mut roff)?;
    std::io::stdout().lock().write_all(&roff)?;
    Ok(Outcome::Found)
}

fn subcommand_names() -> Vec<String> {
    pages()
        .iter()
        .skip(1)
        .map(|p| p.get_name().to_string())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roff(page: clap::Command) -> String {
        let mut v = Vec::new();
        clap_mangen::Man::new(page).render(&mut v).unwrap();
        String::from_utf8(v).unwrap()
    }

    #[test]
    fn every_subcommand_named_on_the_top_page_has_a_page() {
        let pages = pages();
        let top = roff(pages[0].clone());
        for sub in &pages[1..] {
            let name = format!("awsplain\\-{}(1)", sub.get_name());
            assert!(top.contains(&name), "{name} not on the top page");
            assert!(roff(sub.clone()).contains(&format!(".TH awsplain-{} 1", sub.get_name())));
        }
        assert!(!top.contains("awsplain\\-help"), "{top}");
    }

    #[test]
    fn pages_list_only_options_that_act_there() {
        let pages = pages();
        let page = |n: &str| roff(pages.iter().find(|p| p.get_name() == n).unwrap().clone());
        let man = page("man");
        assert!(!man.contains("\\-\\-format"), "{man}");
        assert!(!man.contains("\\-\\-summary"), "{man}");
        assert!(man.contains("\\-\\-dir"), "{man}");
        let explain = page("explain");
        assert!(explain.contains("\\-\\-lang"));
        assert!(!explain.contains("\\-\\-max\\-count"));
        let tail = page("tail");
        assert!(tail.contains("\\-\\-format") && tail.contains("\\-\\-follow"));
    }
}
