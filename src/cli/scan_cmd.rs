//! The default mode: scan standard input or files and print every AWS error found.

use super::output::{make_sink, prepare, print_line, stdout_writer};
use super::{Outcome, OutputOpts};
use std::fs::File;
use std::io;
use std::path::PathBuf;

pub fn run(opts: &OutputOpts, files: &[PathBuf]) -> anyhow::Result<Outcome> {
    let mut sink = make_sink(opts, stdout_writer(false));
    let mut found: u64 = 0;
    let mut trouble = false;
    let inputs: Vec<PathBuf> = if files.is_empty() {
        vec![PathBuf::from("-")]
    } else {
        files.to_vec()
    };
    for path in &inputs {
        let name = path.to_string_lossy().into_owned();
        let mut emit = |mut rec: awsplain::Record| -> io::Result<()> {
            found += 1;
            // Remedies and masks are only for output: `-q` and a bare `--count` show none.
            if !(opts.quiet || opts.count && !opts.summary && !opts.summary_only) {
                prepare(&mut rec, opts);
            }
            sink.record(&rec)
        };
        let res = if name == "-" {
            awsplain::scan_reader(io::stdin().lock(), "-", &mut emit)
        } else {
            match File::open(path) {
                Ok(f) => awsplain::scan_reader(f, &name, &mut emit),
                Err(e) => {
                    eprintln!("awsplain: {name}: {e}");
                    trouble = true;
                    continue;
                }
            }
        };
        match res {
            Ok(stats) => report_stats(&name, &stats),
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => return Err(e.into()),
            Err(e) => {
                eprintln!("awsplain: {name}: {e}");
                trouble = true;
            }
        }
    }
    sink.finish()?;
    if opts.count && !opts.quiet {
        print_line(&found.to_string())?;
    }
    Ok(if trouble {
        Outcome::Trouble
    } else if found > 0 {
        Outcome::Found
    } else {
        Outcome::NotFound
    })
}

/// Warn on stderr about input that could only be read partly or lossily.
fn report_stats(name: &str, stats: &awsplain::ScanStats) {
    if stats.oversized_lines > 0 {
        eprintln!(
            "awsplain: {name}: {} line(s) longer than the line limit; only their start and end were scanned",
            stats.oversized_lines
        );
    }
    if stats.invalid_utf8_lines > 0 {
        eprintln!(
            "awsplain: {name}: {} line(s) were not valid UTF-8 and were read lossily",
            stats.invalid_utf8_lines
        );
    }
}
