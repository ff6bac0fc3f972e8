//! `awsplain explain`: the long explanation of an error code or remedy id.

use super::{OutputOpts, Outcome};
use clap::Args;

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// An error code (`AccessDeniedException`) or remedy id (`iam-pass-role`).
    #[arg(required_unless_present = "list")]
    pub topic: Option<String>,
    /// List the catalog.
    #[arg(long)]
    pub list: bool,
}

pub fn run(_opts: &OutputOpts, _args: ExplainArgs) -> anyhow::Result<Outcome> {
    anyhow::bail!("explain is not built yet")
}
