//! `awsplain run -- CMD ARGS...`: run a command, pass its output through, explain its AWS errors.

use super::{OutputOpts, Outcome};
use clap::Args;
use std::ffi::OsString;

#[derive(Debug, Args)]
pub struct RunArgs {
    /// The command and its arguments.
    #[arg(required = true, trailing_var_arg = true, allow_hyphen_values = true, value_name = "CMD")]
    pub command: Vec<OsString>,
}

pub fn run(_opts: &OutputOpts, _args: RunArgs) -> anyhow::Result<Outcome> {
    anyhow::bail!("run is not built yet")
}
