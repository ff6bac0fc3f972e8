//! The one integration-test binary: runs the `awsplain` binary end to end.

mod collapse;
mod common;
mod hostile;
mod remedies;
mod run;
mod samples;
mod scripts;
mod tail;
mod why;
