//! The default mode: scan standard input or files and print every AWS error found.

use super::binary;
use super::output::{is_max_count, make_sink, mask, max_count_reached, print_line, stdout_writer};
use super::walk;
use super::{Outcome, OutputOpts};
use awsplain::sanitize::for_terminal;
use std::fs::File;
use std::io::{self, IsTerminal, Read};
use std::path::PathBuf;
use std::sync::Arc;

pub fn run(opts: &OutputOpts, files: &[PathBuf], threads: Option<u16>) -> anyhow::Result<Outcome> {
    let mut sink = make_sink(opts, stdout_writer(opts.line_buffered));
    let mut found: u64 = 0;
    let mut trouble = false;
    let inputs = if files.is_empty() {
        walk::expand(&[PathBuf::from("-")], &mut trouble)
    } else {
        walk::expand(files, &mut trouble)
    };
    // Binary files under directory arguments, for one notice at the end.
    let mut skipped_binary: Vec<PathBuf> = Vec::new();
    // `-m` stops at an exact record: one thread reads, so that no segment past it is scanned.
    let threads = if opts.max_count.is_some() {
        1
    } else {
        threads.map_or_else(default_threads, usize::from)
    };
    let per_file_count =
        opts.count && !opts.quiet && (inputs.len() > 1 || inputs.iter().any(|i| i.walked));
    // Like grep: `-m N` counts in each file.
    let max = opts.max_count.unwrap_or(u64::MAX);
    // Remedies and masks are only for output: `-q` and a bare `--count` show none.
    let bare_count = opts.count && !opts.summary && !opts.summary_only;
    let shown = !opts.quiet && !bare_count;
    let lang = opts.lang();
    let redact = opts.redact;
    let add_remedies: Arc<dyn Fn(&mut awsplain::Record) + Send + Sync> =
        Arc::new(move |rec: &mut awsplain::Record| {
            super::output::warn_if_secret(rec, redact);
            if shown {
                rec.remedies = awsplain::remedy_cache::remedies(rec, lang);
            }
        });
    // Plain JSON: lines are written from the remedy cache's JSON, never building remedy
    // structs; on several threads the scanning threads render them, so that this thread only
    // writes. Masks need input order and the records, so --redact takes the record path.
    let render_json = !opts.redact && sink.json_lines().is_some();
    let render_in_workers = threads > 1 && render_json;
    if threads > 1 {
        // The first error found would build these on a scanning thread, the other scanning
        // threads waiting for it; on threads of their own they are built side by side while
        // the scanning threads start reading. Where no thread can be had, the first error
        // found builds them.
        let _ = std::thread::Builder::new().spawn(awsplain::grammar::warm_up);
        if shown {
            let _ = std::thread::Builder::new().spawn(move || awsplain::remedy::warm_up(lang));
        }
    }
    for walk::Input { path, walked } in &inputs {
        if max == 0 {
            break;
        }
        let name = path.to_string_lossy().into_owned();
        let found_before = found;
        let mut in_file: u64 = 0;
        // After the record that reaches the limit, end this file's scan.
        let mut limit = move || {
            in_file += 1;
            if in_file >= max {
                Err(max_count_reached())
            } else {
                Ok(())
            }
        };
        let input = if name == "-" {
            // Someone who typed `awsplain` alone would otherwise wait at a silent terminal.
            if !opts.quiet && io::stdin().is_terminal() {
                eprintln!(
                    "awsplain: reading the text to explain from the terminal: paste it, then press Ctrl-D (or give a file: awsplain FILE, --help for more)"
                );
            }
            match stdin_file() {
                Some(f) => Input::File(f),
                None => {
                    grow_stdin_pipe();
                    Input::Stream(Box::new(io::stdin()))
                }
            }
        } else {
            match File::open(path) {
                Ok(f) => Input::File(f),
                Err(e) => {
                    eprintln!("awsplain: {}: {e}", for_terminal(&name));
                    trouble = true;
                    continue;
                }
            }
        };
        let input = match input.unless_binary(&name, !walked) {
            Ok(Some(input)) => input,
            Ok(None) => {
                if *walked {
                    skipped_binary.push(path.clone());
                }
                continue;
            }
            Err(e) => {
                eprintln!("awsplain: {}: {e}", for_terminal(&name));
                trouble = true;
                continue;
            }
        };
        let mut emit = |mut rec: awsplain::Record| -> io::Result<()> {
            found += 1;
            if shown {
                mask(&mut rec, opts);
            }
            sink.record(&rec)?;
            limit()
        };
        let add = Arc::clone(&add_remedies);
        let res = if render_in_workers {
            // A segment's lines are rendered into buffers, remedies straight from the cache
            // (already JSON): this thread only hands whole buffers to the output. A buffer is
            // handed on once it passes this size: errors whose remedies repeat a huge ARN make
            // megabytes of JSON each, and parts wait in memory until written.
            const PART: usize = 1 << 20;
            type Rendered = (u64, Vec<u8>);
            let render: awsplain::scan::Prepare<Rendered> = Arc::new(move |records, emit| {
                thread_local! {
                    /// The size of this thread's last part: a buffer that large from the start
                    /// is not copied as it grows (a segment is much like the one before).
                    static LAST: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
                }
                let mut out = Vec::with_capacity(LAST.get().min(PART + PART / 2));
                let mut n = 0;
                records(&mut |rec| {
                    super::output::warn_if_secret(&rec, false);
                    cached_json_line(&rec, lang, &mut out);
                    n += 1;
                    if out.len() >= PART {
                        emit((n, std::mem::take(&mut out)));
                        n = 0;
                    }
                });
                LAST.set(out.len().max(4096));
                if n > 0 {
                    emit((n, out));
                }
            });
            let mut written: u64 = 0;
            let res = input.scan_parallel(&name, threads, render, &mut |(n, lines)| {
                written += n;
                match sink.json_lines() {
                    Some(out) => out.write_all(&lines),
                    None => Ok(()),
                }
            });
            found += written;
            res
        } else if render_json {
            let mut line = Vec::with_capacity(8 * 1024);
            awsplain::scan_reader(input.reader(), &name, &mut |rec| {
                found += 1;
                line.clear();
                super::output::warn_if_secret(&rec, false);
                cached_json_line(&rec, lang, &mut line);
                if let Some(out) = sink.json_lines() {
                    out.write_all(&line)?;
                }
                limit()
            })
        } else if threads > 1 {
            // Records with their remedies are handed on a few at a time: a record's remedies
            // repeat its resource and principal, and one with a huge ARN weighs megabytes.
            const PART_TEXT: usize = 64 * 1024;
            let prepare: awsplain::scan::Prepare<Vec<awsplain::Record>> =
                Arc::new(move |records, emit| {
                    let mut part = Vec::new();
                    let mut text = 0;
                    records(&mut |mut rec| {
                        add(&mut rec);
                        text += [&rec.message, &rec.resource, &rec.principal]
                            .iter()
                            .map(|t| t.as_ref().map_or(0, String::len))
                            .sum::<usize>();
                        part.push(rec);
                        if text >= PART_TEXT {
                            emit(std::mem::take(&mut part));
                            text = 0;
                        }
                    });
                    if !part.is_empty() {
                        emit(part);
                    }
                });
            input.scan_parallel(&name, threads, prepare, &mut |recs| {
                recs.into_iter().try_for_each(&mut emit)
            })
        } else {
            awsplain::scan_reader(input.reader(), &name, &mut |mut rec| {
                add(&mut rec);
                emit(rec)
            })
        };
        let complete = match res {
            Ok(stats) => {
                report_stats(&name, &stats);
                true
            }
            Err(e) if is_max_count(&e) => true,
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => return Err(e.into()),
            Err(e) => {
                eprintln!("awsplain: {}: {e}", for_terminal(&name));
                trouble = true;
                false
            }
        };
        // Like `rg -c`: with several inputs, `FILE:N` for each input read through that had
        // errors; a count of a file that could not be read would only mislead.
        let n = found - found_before;
        if per_file_count && complete && n > 0 {
            print_line(&format!("{}:{n}", for_terminal(&name)))?;
        }
    }
    sink.finish()?;
    if let Some(notice) = walk::binary_notice(&skipped_binary) {
        eprintln!("{notice}");
    }
    // One input: its count, unless it could not be read (then `0` would be a lie).
    if opts.count && !opts.quiet && !per_file_count && !trouble {
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

/// Append `rec`'s JSON output line, its remedies copied from the remedy cache's JSON.
fn cached_json_line(rec: &awsplain::Record, lang: awsplain::Lang, out: &mut Vec<u8>) {
    awsplain::json::write_record_with(rec, out, |out| {
        awsplain::remedy_cache::write_json(rec, lang, out)
    });
    out.push(b'\n');
}

/// Where a scan reads from.
enum Input {
    /// Standard input: read in order by one thread.
    Stream(Box<dyn Read + Send>),
    /// A named file: a regular one is read in segments by the scanning threads themselves.
    File(File),
}

impl Input {
    /// The input, or `None` (and a notice) when it is binary: then it holds no AWS error, and
    /// the exit code is as if it were empty. A stream's first read is kept for the scan.
    /// `notice`: say so on stderr (files found under a directory are summed up instead).
    fn unless_binary(self, name: &str, notice: bool) -> io::Result<Option<Input>> {
        let regular = matches!(&self, Input::File(f) if f.metadata().is_ok_and(|m| m.is_file()));
        let (input, at) = match self {
            Input::File(f) if regular => {
                let at = binary::file_binary_at(&f);
                (Input::File(f), at)
            }
            input => {
                let mut r = input.reader();
                let (first, at) = binary::stream_start(&mut r)?;
                (Input::Stream(Box::new(io::Cursor::new(first).chain(r))), at)
            }
        };
        match at {
            Some(nul) => {
                if notice {
                    eprintln!("{}", binary::notice(&for_terminal(name), nul));
                }
                Ok(None)
            }
            None => Ok(Some(input)),
        }
    }

    fn reader(self) -> Box<dyn Read + Send> {
        match self {
            Input::Stream(r) => r,
            Input::File(f) => Box::new(f),
        }
    }

    fn scan_parallel<T: Send + 'static>(
        self,
        name: &str,
        threads: usize,
        prepare: awsplain::scan::Prepare<T>,
        on_segment: &mut dyn FnMut(T) -> io::Result<()>,
    ) -> io::Result<awsplain::ScanStats> {
        match self {
            // Not a FIFO or a device: those are streams.
            #[cfg(unix)]
            Input::File(f) if f.metadata().is_ok_and(|m| m.is_file()) => {
                awsplain::scan::scan_file_parallel(f, name, threads, prepare, on_segment)
            }
            input => awsplain::scan::scan_reader_parallel(
                input.reader(),
                name,
                threads,
                prepare,
                on_segment,
            ),
        }
    }
}

/// One scanning thread per CPU, at most 4: past that, writing the records out in order (on
/// one thread) is the bottleneck, and each thread holds a segment's records in memory.
fn default_threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get().min(4))
}

/// Standard input redirected from a regular file (`awsplain < app.log`), read from its start:
/// then the scanning threads can read it in segments of their own, as a named file.
fn stdin_file() -> Option<File> {
    #[cfg(unix)]
    {
        use std::io::Seek;
        use std::os::fd::AsFd;
        let mut f = File::from(io::stdin().as_fd().try_clone_to_owned().ok()?);
        let regular = f.metadata().is_ok_and(|m| m.is_file());
        // A shell that read part of it already (`{ read -r head; awsplain; } < log`) gets the
        // rest read as a stream.
        (regular && f.stream_position().ok()? == 0).then_some(f)
    }
    #[cfg(not(unix))]
    None
}

/// A pipe holds 64 KiB by default: the program writing into it blocks each time that fills,
/// which costs both programs a wake-up per 64 KiB. A larger pipe lets them run side by side.
/// (Nothing changes for a live pipe: whatever has arrived is scanned when the writer pauses.)
fn grow_stdin_pipe() {
    #[cfg(target_os = "linux")]
    {
        // 1 MiB is the most an unprivileged process may ask for by default
        // (/proc/sys/fs/pipe-max-size). On anything but a pipe this fails, harmlessly.
        // SAFETY: fcntl on fd 0 with an integer argument touches no memory of ours.
        unsafe {
            libc::fcntl(0, libc::F_SETPIPE_SZ, 1 << 20);
        }
    }
}

/// Warn on stderr about input that could only be read partly or lossily.
fn report_stats(name: &str, stats: &awsplain::ScanStats) {
    // A file name is text from outside too (think `awsplain logs/*`).
    let name = for_terminal(name);
    if stats.oversized_lines > 0 {
        eprintln!(
            "awsplain: {name}: {} line(s) longer than the line limit (1 MiB) were scanned in pieces; an error across a cut may be missed",
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
