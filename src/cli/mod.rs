//! Command-line interface: argument definitions and dispatch to the subcommands.

pub mod binary;
pub mod collapse;
pub mod explain;
pub mod github;
pub mod human;
pub mod output;
pub mod run;
pub mod scan_cmd;
pub mod short;
pub mod tail;
pub mod why;

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::io::Write as _;
use std::path::PathBuf;

/// What a command reports back to `main`, which turns it into an exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// At least one AWS error was found (exit 0).
    Found,
    /// No AWS error was found (exit 1).
    NotFound,
    /// Something went wrong: bad arguments, I/O, AWS API failure (exit 2).
    Trouble,
    /// Exit with this code (`run` passes on the child's status).
    Code(i32),
}

impl Outcome {
    pub fn exit_code(self) -> i32 {
        match self {
            Outcome::Found => 0,
            Outcome::NotFound => 1,
            Outcome::Trouble => 2,
            Outcome::Code(c) => c,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum Format {
    /// Readable blocks with the fix first; a repeated error once, then "... and N more".
    /// `detailed` is taken too, the name `aws logs tail --format` gives its full output.
    #[default]
    #[value(alias = "detailed")]
    Human,
    /// One JSON object per error, one per line.
    Json,
    /// GitHub Actions workflow commands (`::error ...`), at most 5 per distinct error and 10
    /// in all, the rest in one `::notice`; a Markdown table to `$GITHUB_STEP_SUMMARY` when set.
    Github,
    /// One line per error: time (or file:line), code, principal → action on resource, and
    /// the id of the first remedy.
    Short,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum ColorChoice {
    #[default]
    Auto,
    Always,
    Never,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LangArg {
    En,
    Ja,
}

/// Options shared by every mode that prints records.
#[derive(Debug, Clone, Args)]
// Under their own heading, so that `tail --help` shows tail's options apart from these.
#[command(next_help_heading = "Output (every command)")]
pub struct OutputOpts {
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human, global = true)]
    pub format: Format,
    /// When to use colors (auto honours NO_COLOR, TERM=dumb and whether stdout is a terminal).
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, global = true)]
    pub color: ColorChoice,
    /// Language of explanations (default from LC_ALL / LC_MESSAGES / LANG).
    #[arg(long, value_enum, global = true)]
    pub lang: Option<LangArg>,
    /// Add the long explanation of each remedy.
    #[arg(short, long, global = true)]
    pub verbose: bool,
    /// After the scan, print counts by error code, action and principal (stderr).
    #[arg(long, global = true)]
    pub summary: bool,
    /// Print only the summary (on stdout), no records.
    #[arg(long, global = true)]
    pub summary_only: bool,
    /// Mask account ids, access key ids, session names and request ids in all output.
    #[arg(long, global = true)]
    pub redact: bool,
    /// Print nothing; the exit code says whether AWS errors were found.
    #[arg(short, long, global = true)]
    pub quiet: bool,
    /// Print only the number of AWS errors found; with several files (log groups for `tail`),
    /// `FILE:N` for each one with errors (like `rg -c`), and no count for one that could not
    /// be read.
    #[arg(long, global = true)]
    pub count: bool,
    /// Stop after N AWS errors (in each file, like grep; in all for `tail`; `run` explains the
    /// first N and passes the rest of the command's output through).
    #[arg(short = 'm', long, value_name = "N", global = true)]
    pub max_count: Option<u64>,
    /// Print every repeat of an error in full. By default (human and github formats) an error
    /// that differs from an earlier one only in time, request id, source or session name is
    /// counted, and "... and N more like this" lines follow the output.
    #[arg(long, global = true)]
    pub no_collapse: bool,
    /// Write each error out as soon as it is found, even into a pipe or file (the default when
    /// stdout is a terminal, and in `run` and `tail --follow`).
    #[arg(long, global = true)]
    pub line_buffered: bool,
}

impl OutputOpts {
    pub fn lang(&self) -> awsplain::Lang {
        match self.lang {
            Some(LangArg::Ja) => awsplain::Lang::Ja,
            Some(LangArg::En) => awsplain::Lang::En,
            None => lang_from_env(),
        }
    }
}

/// The first of LC_ALL, LC_MESSAGES, LANG that is set decides; `ja*` means Japanese.
pub fn lang_from_env() -> awsplain::Lang {
    for var in ["LC_ALL", "LC_MESSAGES", "LANG"] {
        if let Ok(v) = std::env::var(var) {
            if v.is_empty() {
                continue;
            }
            return if v.to_ascii_lowercase().starts_with("ja") {
                awsplain::Lang::Ja
            } else {
                awsplain::Lang::En
            };
        }
    }
    awsplain::Lang::En
}

/// Finds AWS errors in text and says what happened and exactly what to change.
///
/// Reads standard input (or `-`) or the given files. Exit status: 0 when at least one AWS
/// error was found, 1 when none was, 2 on trouble (bad arguments, unreadable input, AWS API
/// failure).
#[derive(Debug, Parser)]
// Global flags may come before the subcommand (`awsplain -q run -- ...`), so options must
// not rule subcommands out; a file named like a subcommand is given as `./run`.
#[command(name = "awsplain", version, about, long_about)]
pub struct Cli {
    /// Files to scan; `-` or none means standard input.
    #[arg(value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Threads that scan the input (default: one per CPU, at most 4; 1 = no extra threads).
    #[arg(short = 'j', long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=256))]
    pub threads: Option<u16>,
    // After the options above: its help heading holds for the arguments that follow it.
    #[command(flatten)]
    pub out: OutputOpts,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Read CloudWatch Logs log groups and explain the AWS errors in them.
    Tail(Box<tail::TailArgs>),
    /// Explain a failed Step Functions execution, ECS task or service, CloudFormation stack
    /// or Lambda function from its ARN or name, with remedies filled from the resources.
    Why(Box<why::WhyArgs>),
    /// Run a command, pass its output through, and explain the AWS errors it printed.
    Run(run::RunArgs),
    /// Print the long explanation of an error code or remedy id.
    Explain(explain::ExplainArgs),
    /// Print a shell completion script.
    Completions {
        /// The shell to generate for.
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff).
    Man,
}

/// Parse arguments, dispatch, and return the process exit code.
pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return code;
        }
    };
    match run(cli) {
        Ok(o) => o.exit_code(),
        Err(e) => {
            if output::is_broken_pipe(&e) {
                return 0;
            }
            let _ = writeln!(std::io::stderr(), "awsplain: {e:#}");
            2
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<Outcome> {
    output::init_color(cli.out.color);
    match cli.command {
        None => scan_cmd::run(&cli.out, &cli.files, cli.threads),
        Some(Command::Tail(a)) => tail::run(&cli.out, *a),
        Some(Command::Why(a)) => why::run(&cli.out, *a),
        Some(Command::Run(a)) => run::run(&cli.out, a),
        Some(Command::Explain(a)) => explain::run(&cli.out, a),
        Some(Command::Completions { shell }) => {
            let mut cmd = <Cli as clap::CommandFactory>::command();
            // Generated into memory: clap_complete panics on a write error, and a closed
            // pipe must end quietly like every other output.
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut cmd, "awsplain", &mut script);
            std::io::Write::write_all(&mut std::io::stdout().lock(), &script)?;
            Ok(Outcome::Found)
        }
        Some(Command::Man) => {
            let cmd = <Cli as clap::CommandFactory>::command();
            clap_mangen::Man::new(cmd).render(&mut std::io::stdout())?;
            Ok(Outcome::Found)
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn cli_definition_is_consistent() {
        <super::Cli as clap::CommandFactory>::command().debug_assert();
    }
}
