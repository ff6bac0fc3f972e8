//! `awsplain tail`: read CloudWatch Logs log groups and explain the AWS errors in them.

use super::{OutputOpts, Outcome};
use clap::Args;

#[derive(Debug, Args)]
pub struct TailArgs {
    /// Log group names.
    #[arg(required = true, value_name = "LOG_GROUP")]
    pub groups: Vec<String>,
}

pub fn run(_opts: &OutputOpts, _args: TailArgs) -> anyhow::Result<Outcome> {
    anyhow::bail!("tail is not built yet")
}
