//! The one integration-test binary: runs the `awsplain` binary end to end.

mod collapse;
mod common;
mod dirs;
mod errors;
mod hostile;
mod layout;
mod man;
mod remedies;
mod run;
mod samples;
mod scripts;
mod tail;
mod why;
