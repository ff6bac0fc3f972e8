//! The `awsplain` binary: maps a typed `run()` to a grep-style exit code.

mod cli;

fn main() {
    let code = cli::main();
    std::process::exit(code);
}
