//! The `awsplain` binary: maps a typed `run()` to a grep-style exit code.

mod cli;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let code = cli::main();
    std::process::exit(code);
}
