//! Hostile input through the real binary: a 1 GiB line, NUL bytes, invalid UTF-8, CR line
//! ends, deep JSON, huge values, escape sequences, 10 million lines; terminal safety of every
//! printer; `--redact` against generated ids in every format; the fuzzers' crash inputs.

use crate::common::{awsplain, format_samples, json_lines, root};
use proptest::prelude::*;
use serde_json::Value;
use std::io::{self, Read, Write};
use std::path::PathBuf;
use std::process::{Command, Stdio};

/// The invariants the fuzz targets check, run here on the inputs that once broke them.
#[allow(dead_code)]
#[path = "../../fuzz/src/lib.rs"]
mod fuzz_checks;

const AWS_CLI: &str =
    "An error occurred (AccessDenied) when calling the GetObject operation: Access Denied";
/// An error with a code of its own, so that it never joins a neighbouring `AccessDenied`.
const THROTTLED: &str = "An error occurred (ThrottlingException) when calling the PutItem operation (reached max retries: 4): Rate exceeded";
const JAVA: &str = "User: arn:aws:sts::123456789012:assumed-role/deploy/ci is not authorized to perform: iam:PassRole on resource: arn:aws:iam::123456789012:role/x because no identity-based policy allows the iam:PassRole action (Service: AmazonECS; Status Code: 400; Error Code: AccessDeniedException; Request ID: 5a1e7c2b-0d3f-4b8e-9a61-2f4c8d0e1b77; Proxy: null)";

fn bin() -> PathBuf {
    assert_cmd::cargo::cargo_bin("awsplain")
}

/// What a child run with a generated standard input gave back.
struct Run {
    stdout: Vec<u8>,
    stderr: String,
    code: i32,
    /// Peak resident memory of the child's own program (KiB): the last `VmHWM` read from
    /// `/proc/<pid>/status` before it exited. Not `wait4`'s `ru_maxrss`: Linux counts there the
    /// peak of the memory the child was started from too (this test process, whose other
    /// tests hold hundreds of MiB at times), so it measured the wrong process.
    max_rss_kib: i64,
}

/// Run awsplain with `args`, its standard input written by `feed` on another thread as the
/// child reads it (so nothing of the input is held in this process or on disk).
// The child is reaped by `wait4` below, not by `Child::wait`.
#[allow(clippy::zombie_processes)]
fn run_fed<F>(args: &[&str], feed: F) -> Run
where
    F: FnOnce(&mut dyn Write) -> io::Result<()> + Send + 'static,
{
    let mut child = Command::new(bin())
        .args(args)
        .env_remove("NO_COLOR")
        .env("LANG", "C")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("awsplain starts");
    let pid = child.id() as libc::pid_t;
    // The high-water mark only grows; read it until the process is gone.
    let hwm = std::thread::spawn(move || {
        let mut peak = 0i64;
        while let Ok(status) = std::fs::read_to_string(format!("/proc/{pid}/status")) {
            let Some(kib) = status
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<i64>().ok())
            else {
                break; // exiting: the memory is gone
            };
            peak = peak.max(kib);
            std::thread::sleep(std::time::Duration::from_millis(2));
        }
        peak
    });
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        let r = feed(&mut stdin);
        drop(stdin);
        r
    });
    let mut out = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut v = Vec::new();
        out.read_to_end(&mut v).map(|_| v)
    });
    let mut err = child.stderr.take().unwrap();
    let err_reader = std::thread::spawn(move || {
        let mut v = Vec::new();
        err.read_to_end(&mut v).map(|_| v)
    });
    let mut status = 0;
    // SAFETY: rusage is plain data; wait4 fills it and reaps our own child, which `child`
    // is not asked to wait for afterwards.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let r = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(r, pid, "wait4: {}", io::Error::last_os_error());
    writer
        .join()
        .unwrap()
        .expect("the child read all of its input");
    let stdout = reader.join().unwrap().unwrap();
    let stderr = String::from_utf8_lossy(&err_reader.join().unwrap().unwrap()).into_owned();
    assert!(libc::WIFEXITED(status), "awsplain died: status {status}");
    Run {
        stdout,
        stderr,
        code: libc::WEXITSTATUS(status),
        max_rss_kib: hwm.join().unwrap(),
    }
}

/// Write `total` bytes of `block` (cycled), without a newline.
fn write_repeated(w: &mut dyn Write, block: &[u8], total: usize) -> io::Result<()> {
    let mut left = total;
    while left > 0 {
        let n = left.min(block.len());
        w.write_all(&block[..n])?;
        left -= n;
    }
    Ok(())
}

/// A 1 MiB block of text without a newline or anything the grammar reacts to.
fn filler_block() -> Vec<u8> {
    b"lorem ipsum dolor sit amet 0123456789 "
        .iter()
        .copied()
        .cycle()
        .take(1 << 20)
        .collect()
}

/// The stderr lines awsplain printed.
fn stderr_lines(s: &str) -> Vec<&str> {
    s.lines().filter(|l| !l.trim().is_empty()).collect()
}

// Peak memory bound for the 1 GiB line: the 32 MiB that awsplain promises whatever the input
// (README, Speed and memory). Measured with the debug binary: about 12 MiB on one thread (one
// 1 MiB event, its read buffer and look-behind), about 19 MiB on two (a few 1 MiB segments in
// flight, a scanner per worker). Buffering the line would take 1024 MiB.
const RSS_BOUND_KIB: i64 = 32 * 1024;

/// A 1 GiB line with no newline between two errors: both errors are found with the right
/// offsets and lines, the long line is reported once on stderr, and memory stays bounded.
#[test]
fn gibibyte_line_without_newline_is_streamed_in_bounded_memory() {
    const LINE: usize = 1 << 30;
    for (threads, bound) in [("1", RSS_BOUND_KIB), ("2", RSS_BOUND_KIB)] {
        let run = run_fed(&["--format", "json", "-j", threads], |w| {
            writeln!(w, "{AWS_CLI}")?;
            write_repeated(w, &filler_block(), LINE)?;
            writeln!(w)?;
            writeln!(w, "{JAVA}")
        });
        assert_eq!(run.code, 0, "-j {threads}: {}", run.stderr);
        let recs = json_lines(&run.stdout);
        assert_eq!(recs.len(), 2, "-j {threads}: {recs:?}");
        assert_eq!(recs[0]["error_code"], "AccessDenied");
        assert_eq!(recs[0]["span"]["start"], 0);
        assert_eq!(recs[1]["error_code"], "AccessDeniedException");
        assert_eq!(recs[1]["action"], "iam:PassRole");
        assert_eq!(recs[1]["source"]["line"], 3);
        let after = (AWS_CLI.len() + 1 + LINE + 1) as u64;
        assert_eq!(recs[1]["span"]["start"], after, "-j {threads}");
        let err = stderr_lines(&run.stderr);
        assert_eq!(err.len(), 1, "-j {threads}: {}", run.stderr);
        assert!(
            err[0].contains("longer than the line limit"),
            "{}",
            run.stderr
        );
        assert!(
            err[0].contains(": 1 line(s)"),
            "-j {threads}: {}",
            run.stderr
        );
        eprintln!("-j {threads}: max RSS {} KiB", run.max_rss_kib);
        assert!(
            run.max_rss_kib < bound,
            "-j {threads}: max RSS {} KiB for a 1 GiB line (bound {bound} KiB)",
            run.max_rss_kib
        );
    }
}

/// Denials whose resource is 200 KB of garbage after an ARN, each one different: remedies
/// repeat the resource a dozen times (a megabyte of JSON each), and the remedy caches keep a
/// hundred or so entries per thread, so such records must not be cached (they once took
/// 100 MiB on one thread). On one thread memory stays under the bound.
#[test]
fn huge_resources_are_not_kept_in_the_remedy_caches() {
    let run = run_fed(&["--format", "json", "-j", "1"], |w| {
        for i in 0..150 {
            writeln!(
                w,
                "User: arn:aws:iam::123456789012:user/u{i} is not authorized to perform: s3:GetObject on resource: arn:aws:s3:::b{i}/{}",
                "k".repeat(200_000)
            )?;
        }
        Ok(())
    });
    assert_eq!(run.code, 0, "{}", run.stderr);
    let recs = json_lines(&run.stdout);
    assert_eq!(recs.len(), 150);
    assert_eq!(recs[149]["action"], "s3:GetObject");
    eprintln!("max RSS {} KiB", run.max_rss_kib);
    assert!(
        run.max_rss_kib < RSS_BOUND_KIB,
        "max RSS {} KiB (bound {RSS_BOUND_KIB} KiB)",
        run.max_rss_kib
    );
}

/// A JSON string value of 100 MB: the error code before it and the error after it are found,
/// the message taken from the value is bounded, memory too.
#[test]
fn hundred_megabyte_json_string_value() {
    const VALUE: usize = 100_000_000;
    let run = run_fed(&["--format", "json", "-j", "1"], |w| {
        w.write_all(br#"{"errorType":"ValidationException","errorMessage":""#)?;
        // Escaped quotes and backslashes all the way: the unescaping view must stay linear.
        write_repeated(w, &br#"ab\"c\\d "#.repeat(1 << 16), VALUE)?;
        w.write_all(b"\"}\n")?;
        writeln!(w, "{AWS_CLI}")
    });
    assert_eq!(run.code, 0, "{}", run.stderr);
    let recs = json_lines(&run.stdout);
    assert_eq!(recs.len(), 2, "{recs:?}");
    assert_eq!(recs[0]["error_code"], "ValidationException");
    assert_eq!(recs[0]["format"], "lambda");
    let msg = recs[0]["message"].as_str().unwrap_or("");
    assert!(msg.len() <= 1 << 20, "message of {} bytes", msg.len());
    // No line check here: the error's line continues the event of the long line, whose
    // escapes make the grammar read an unescaped copy, and records of such an event carry
    // the event's span and first line.
    assert_eq!(recs[1]["error_code"], "AccessDenied");
    assert_eq!(recs[1]["message"], "Access Denied");
    let err = stderr_lines(&run.stderr);
    assert_eq!(err.len(), 1, "{}", run.stderr);
    assert!(
        err[0].contains("1 line(s) longer than the line limit"),
        "{}",
        run.stderr
    );
    assert!(run.max_rss_kib < RSS_BOUND_KIB, "{} KiB", run.max_rss_kib);
}

/// 10 million one-byte lines and then an error: found, on the right line.
#[test]
fn ten_million_tiny_lines_then_an_error() {
    const LINES: usize = 10_000_000;
    let run = run_fed(&["--format", "json"], |w| {
        write_repeated(w, &b"a\n".repeat(1 << 15), 2 * LINES)?;
        writeln!(w, "{JAVA}")
    });
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stderr, "");
    let recs = json_lines(&run.stdout);
    assert_eq!(recs.len(), 1, "{recs:?}");
    assert_eq!(recs[0]["source"]["line"], LINES as u64 + 1);
    assert_eq!(recs[0]["span"]["start"], 2 * LINES as u64);
    assert_eq!(
        recs[0]["request_id"],
        "5a1e7c2b-0d3f-4b8e-9a61-2f4c8d0e1b77"
    );
}

fn scan_json(input: &[u8]) -> (Vec<Value>, String, i32) {
    let out = awsplain()
        .args(["--format", "json"])
        .write_stdin(input.to_vec())
        .output()
        .unwrap();
    (
        json_lines(&out.stdout),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        out.status.code().unwrap_or(-1),
    )
}

/// A program's bytes: an ELF head, NULs and the control bytes of compiled code, with AWS
/// error texts among its strings, as a program that handles AWS errors holds them.
fn program_bytes() -> Vec<u8> {
    let mut b = b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x03\0\x3e\0\x01\0\0\0".to_vec();
    for i in 0..64u32 {
        b.extend((0..512u32).map(|k| ((i * 512 + k) * 7919 % 251) as u8));
        b.extend_from_slice(AWS_CLI.as_bytes());
        b.push(0);
        b.extend_from_slice(JAVA.as_bytes());
        b.push(0);
    }
    b
}

#[test]
fn binary_input_is_skipped_with_one_notice() {
    let bytes = program_bytes();
    let (recs, err, code) = scan_json(&bytes);
    assert!(recs.is_empty(), "{recs:?}");
    assert_eq!(
        err.lines().collect::<Vec<_>>(),
        ["awsplain: -: binary file skipped (found \"\\0\" byte around offset 7)"]
    );
    assert_eq!(code, 1, "a skipped binary input holds no AWS error");
    // Among named files, the binary one is skipped and the text one scanned.
    let dir = std::env::temp_dir().join(format!("awsplain-binary-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (program, log) = (dir.join("program"), dir.join("app.log"));
    std::fs::write(&program, &bytes).unwrap();
    std::fs::write(&log, format!("{AWS_CLI}\n")).unwrap();
    let out = awsplain()
        .args(["--format", "json"])
        .arg(&program)
        .arg(&log)
        .output()
        .unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("program: binary file skipped"), "{err}");
    let recs = json_lines(&out.stdout);
    assert_eq!(recs.len(), 1, "{recs:?}");
    assert_eq!(recs[0]["error_code"], "AccessDenied");
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn nul_bytes_around_and_inside_errors() {
    let mut input = b"\0\0\0\n\0".to_vec();
    input.extend_from_slice(AWS_CLI.as_bytes());
    input.extend_from_slice(b"\0\0\n");
    input.extend_from_slice(&[0u8; 4096]);
    // The blank line parts the two errors (adjacent, `AccessDenied` and
    // `AccessDeniedException` would be read as one error).
    input.extend_from_slice(b"\n\n\0\0");
    input.extend_from_slice(
        JAVA.replace("iam:PassRole on", "iam:PassRole\0on")
            .as_bytes(),
    );
    input.extend_from_slice(b"\n");
    let (recs, err, code) = scan_json(&input);
    assert_eq!(code, 0);
    assert_eq!(err, "", "NUL bytes are valid UTF-8 and need no warning");
    assert_eq!(recs.len(), 2, "{recs:?}");
    assert_eq!(recs[0]["error_code"], "AccessDenied");
    assert_eq!(recs[0]["operation"], "GetObject");
    assert_eq!(
        recs[0]["message"], "Access Denied",
        "NUL padding is no part of it"
    );
    assert_eq!(recs[0]["span"]["start"], 5);
    assert_eq!(recs[1]["error_code"], "AccessDeniedException");
    assert_eq!(recs[1]["action"], "iam:PassRole");
    assert_eq!(recs[1]["source"]["line"], 5);
}

#[test]
fn invalid_utf8_in_and_around_an_error() {
    let mut input = b"noise \xff\xfe\xfd\n\xc3".to_vec();
    let at = input.len();
    input.extend_from_slice(AWS_CLI.as_bytes());
    input.extend_from_slice(b" \xe2\x82 for key caf\xc3\xa9\xff\n\xf0\x9f\n\n");
    let next = input.len();
    input.extend_from_slice(JAVA.as_bytes());
    input.extend_from_slice(b"\n");
    let (recs, err, code) = scan_json(&input);
    assert_eq!(code, 0);
    assert_eq!(recs.len(), 2, "{recs:?}");
    assert_eq!(recs[0]["error_code"], "AccessDenied");
    assert_eq!(
        recs[0]["message"],
        "Access Denied \u{FFFD} for key café\u{FFFD}"
    );
    // Offsets count input bytes, not the replacement characters put in for bad ones.
    assert_eq!(recs[0]["span"]["start"], at as u64);
    assert_eq!(recs[1]["span"]["start"], next as u64);
    assert_eq!(
        recs[1]["request_id"],
        "5a1e7c2b-0d3f-4b8e-9a61-2f4c8d0e1b77"
    );
    let err = stderr_lines(&err);
    assert_eq!(err.len(), 1, "{err:?}");
    assert!(err[0].contains("not valid UTF-8"), "{err:?}");
}

#[test]
fn crlf_and_lone_cr_line_ends() {
    let go = "Error: AccessDenied: Access Denied\r\n\tstatus code: 403, request id: 4442587FB7D0A2F9\r\n\r\n";
    let progress = format!(
        "upload: 10%\rupload: 50%\r{AWS_CLI}\rupload: 90%\r\n\r\n{}\r\n",
        JAVA.replace(" (Service", "\r(Service")
    );
    let (recs, err, code) = scan_json(format!("{go}{progress}").as_bytes());
    assert_eq!(code, 0);
    assert_eq!(err, "");
    assert_eq!(recs.len(), 3, "{recs:#?}");
    assert_eq!(recs[0]["error_code"], "AccessDenied");
    assert_eq!(recs[0]["request_id"], "4442587FB7D0A2F9");
    assert_eq!(recs[0]["status_code"], 403);
    assert_eq!(recs[0]["message"], "Access Denied");
    assert_eq!(recs[1]["operation"], "GetObject");
    assert_eq!(
        recs[1]["message"], "Access Denied",
        "a value ends at a lone CR, the redraw after it is another line"
    );
    assert_eq!(recs[2]["error_code"], "AccessDeniedException");
    assert_eq!(recs[2]["resource"], "arn:aws:iam::123456789012:role/x");
    assert_eq!(recs[2]["source"]["line"], 6);
    for r in &recs {
        let j = r.to_string();
        let fields: Vec<&Value> = [
            "error_code",
            "message",
            "request_id",
            "principal",
            "resource",
        ]
        .iter()
        .map(|k| &r[*k])
        .collect();
        assert!(
            fields
                .iter()
                .filter_map(|v| v.as_str())
                .all(|s| !s.contains('\r')),
            "{j}"
        );
    }
}

/// `{"a":` (or `[`) 100,000 deep around a Lambda error, and an error after it.
#[test]
fn json_nested_a_hundred_thousand_deep() {
    const DEPTH: usize = 100_000;
    let inner = r#"{"errorType":"AccessDeniedException","errorMessage":"User: arn:aws:iam::123456789012:user/u is not authorized to perform: s3:GetObject on resource: arn:aws:s3:::b/k"}"#;
    for (open, close) in [(r#"{"a":"#, "}"), ("[", "]")] {
        let input = format!(
            "{}{inner}{}\n{THROTTLED}\n",
            open.repeat(DEPTH),
            close.repeat(DEPTH)
        );
        let (recs, err, code) = scan_json(input.as_bytes());
        assert_eq!(code, 0, "{err}");
        assert_eq!(err, "");
        assert_eq!(recs.len(), 2, "{open}: {recs:?}");
        assert_eq!(recs[0]["error_code"], "AccessDeniedException");
        assert_eq!(recs[0]["action"], "s3:GetObject");
        assert_eq!(recs[0]["resource"], "arn:aws:s3:::b/k");
        assert_eq!(recs[1]["error_code"], "ThrottlingException");
        assert_eq!(recs[1]["source"]["line"], 2);
    }
}

#[test]
fn arn_of_a_hundred_kilobytes() {
    let role = "r-".repeat(50_000);
    let principal = format!("arn:aws:sts::123456789012:assumed-role/{role}/s");
    let resource = format!("arn:aws:s3:::bucket/{}", "k/".repeat(50_000));
    let line = format!("User: {principal} is not authorized to perform: s3:GetObject on resource: {resource} because no identity-based policy allows the s3:GetObject action\n");
    let (recs, err, code) = scan_json(line.as_bytes());
    assert_eq!(code, 0);
    assert_eq!(err, "");
    assert_eq!(recs.len(), 1);
    assert_eq!(recs[0]["principal"], principal.as_str());
    assert_eq!(recs[0]["resource"], resource.as_str());
    assert_eq!(recs[0]["deny"], "implicit");
    let human = awsplain()
        .args(["--color", "never"])
        .write_stdin(line)
        .output()
        .unwrap();
    assert_eq!(human.status.code(), Some(0));
    let text = String::from_utf8(human.stdout).unwrap();
    assert!(text.contains(&principal), "the ARN is shown whole");
}

/// An error message carrying terminal escape sequences and bidi controls.
const EVIL_MESSAGE: &str = "Access \x1b[2J\x1b[1;1H\x1b]8;;https://evil.example/\x07click\x1b]8;;\x07 \x1b]0;title\x1b\\ \u{202E}deineD\u{202C} \u{2066}x\u{2069} \u{9b}31m \x7f\x08 \x1bP1$r\x1b\\ done";

fn evil_inputs() -> Vec<(&'static str, Vec<u8>)> {
    let escaped_json = serde_json::json!({
        "errorType": "AccessDeniedException",
        "errorMessage": EVIL_MESSAGE,
    })
    .to_string();
    vec![
        (
            "escapes",
            format!("An error occurred (AccessDenied) when calling the GetObject operation: {EVIL_MESSAGE}\n").into_bytes(),
        ),
        // In JSON the controls arrive as `\u001b` escapes, which awsplain decodes.
        ("escaped-json", format!("{escaped_json}\n").into_bytes()),
        (
            "escapes-in-code-and-arn",
            "User: arn:aws:iam::123456789012:user/\x1b[31mu\u{202e} is not authorized to perform: s3:GetObject on resource: arn:aws:s3:::b/\x1b]52;c;AAAA\x07 because no identity-based policy allows the s3:GetObject action (Service: Amazon\x1b[5mS3; Status Code: 403; Error Code: AccessDenied\x1b[8m; Request ID: a\u{2067}b12345678)\n".as_bytes().to_vec(),
        ),
        ("nul", format!("\0{AWS_CLI}\0\n").into_bytes()),
        ("invalid-utf8", [b"\xff\x9b".as_ref(), AWS_CLI.as_bytes(), b"\x9b[2J\xc2\n"].concat()),
        ("cr", format!("50%\r{AWS_CLI}\r\x1b[K90%\r\n").into_bytes()),
        (
            "c1-as-utf8",
            format!("{AWS_CLI} \u{85}\u{8d}\u{90}x\u{9c}\u{9d}0;t\u{9c}\n").into_bytes(),
        ),
    ]
}

#[test]
fn escape_sequences_are_escaped_for_terminals_and_kept_in_json() {
    let input = evil_inputs().remove(0).1;
    for color in ["always", "never"] {
        let out = awsplain()
            .args(["--color", color])
            .write_stdin(input.clone())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0));
        let text = String::from_utf8(out.stdout).unwrap();
        assert_terminal_safe(&text, &format!("--color {color}"));
        assert!(text.contains("\\u{1b}[2J"), "ESC shown escaped: {text}");
        assert!(
            text.contains("\\u{202e}deineD"),
            "bidi shown escaped: {text}"
        );
        assert!(text.contains("\\u{9b}31m"), "C1 CSI shown escaped: {text}");
    }
    for (name, input) in [evil_inputs().remove(0), evil_inputs().remove(1)] {
        let (recs, _, code) = scan_json(&input);
        assert_eq!(code, 0);
        assert_eq!(recs.len(), 1, "{name}");
        assert_eq!(
            recs[0]["message"], EVIL_MESSAGE,
            "{name}: JSON keeps the text as data"
        );
    }
}

/// True for what may reach a terminal: no ESC but awsplain's own SGR colours
/// (`ESC [ digits;... m`), no C0 or C1 control but newline and tab, no DEL, no bidi
/// embedding, override or isolate.
fn terminal_leak(text: &str) -> Option<String> {
    let b: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c == '\x1b' {
            let mut j = i + 1;
            if b.get(j) == Some(&'[') {
                j += 1;
                while b.get(j).is_some_and(|c| c.is_ascii_digit() || *c == ';') {
                    j += 1;
                }
                if b.get(j) == Some(&'m') {
                    i = j + 1;
                    continue;
                }
            }
            let ctx: String = b[i..(i + 12).min(b.len())].iter().collect();
            return Some(format!("ESC not part of SGR at char {i}: {ctx:?}"));
        }
        if fuzz_checks::unsafe_for_terminal(c) {
            let from = i.saturating_sub(20);
            let ctx: String = b[from..(i + 5).min(b.len())].iter().collect();
            return Some(format!("{c:?} at char {i}: {ctx:?}"));
        }
        i += 1;
    }
    None
}

fn assert_terminal_safe(text: &str, what: &str) {
    if let Some(leak) = terminal_leak(text) {
        panic!("{what}: {leak}");
    }
}

/// Every printer, over every format sample and every hostile input, read from a file whose
/// name is hostile too: nothing but awsplain's own colours reaches the terminal.
#[test]
fn no_printer_lets_control_characters_or_bidi_through() {
    assert!(terminal_leak("ok \x1b[1;31mred\x1b[0m\n\tx").is_none());
    assert!(terminal_leak("\x1b]8;;x\x07").is_some());
    assert!(terminal_leak("a\u{202e}b").is_some());
    assert!(terminal_leak("a\u{9b}b").is_some());

    let dir = tempfile::tempdir().unwrap();
    let mut files = format_samples();
    for (name, data) in evil_inputs() {
        let p = dir.path().join(format!("{name}.log"));
        std::fs::write(&p, data).unwrap();
        files.push(p);
    }
    // A file name with an OSC title sequence and a bidi override, holding invalid UTF-8 (so
    // that a warning names it on stderr).
    let evil_name = dir.path().join("x\x1b]0;pwned\x07\u{202e}gol.txt");
    std::fs::write(&evil_name, [AWS_CLI.as_bytes(), b"\xff\n"].concat()).unwrap();
    files.push(evil_name.clone());
    let forms: &[&[&str]] = &[
        &["--color", "always"],
        &["--color", "never"],
        &["--color", "always", "--verbose", "--lang", "ja"],
        &["--color", "always", "--summary"],
        &["--color", "never", "--summary-only"],
        &["--format", "github", "--color", "always"],
        &["--format", "github", "--summary"],
    ];
    for form in forms {
        let out = awsplain().args(*form).args(&files).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{form:?}");
        for (stream, bytes) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
            let text = String::from_utf8(bytes.clone()).expect("output is UTF-8");
            assert_terminal_safe(&text, &format!("{form:?} {stream}"));
        }
        assert!(!out.stdout.is_empty());
    }
    // A file that cannot be read, and `explain` of a topic it does not know, echo the name.
    let missing = dir.path().join("gone\x1b[2J\u{2066}.log");
    let out = awsplain().arg(&missing).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_terminal_safe(&String::from_utf8_lossy(&out.stderr), "missing file");
    let out = awsplain()
        .args(["--color", "always", "explain", "Nope\x1b]0;x\x07\u{202e}"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    for bytes in [&out.stdout, &out.stderr] {
        assert_terminal_safe(&String::from_utf8_lossy(bytes), "explain");
    }
}

/// The crash inputs the fuzzers found, with the invariants the fuzz targets check: spans in
/// the input and on character boundaries, the same records however the input is cut, JSON,
/// remedies, redaction and terminal-safe text.
#[test]
fn fuzz_crash_inputs_keep_the_scanner_invariants() {
    let dir = root().join("tests/regressions");
    let mut n = 0;
    for e in std::fs::read_dir(&dir).unwrap() {
        let path = e.unwrap().path();
        let data = std::fs::read(&path).unwrap();
        for seed in [1, 7, 12345] {
            fuzz_checks::scan_and_check(&data, seed);
        }
        n += 1;
    }
    assert!(n >= 3, "regression inputs in {}", dir.display());
}

/// Templates made from the format samples: account ids become `{A}`, assumed-role session
/// names `{K}` (a session may be named anything, an access key id included), plus the shapes
/// in which AWS itself prints access key ids.
fn redaction_templates() -> Vec<String> {
    let mut out = Vec::new();
    for p in format_samples() {
        out.push(template_of(&std::fs::read_to_string(&p).unwrap()));
    }
    out.extend([
        "An error occurred (InvalidAccessKeyId) when calling the ListBuckets operation: The AWS Access Key Id {K} does not exist in our records.".to_string(),
        "<Error><Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated does not match the signature you provided.</Message><AWSAccessKeyId>{K}</AWSAccessKeyId><RequestId>4442587FB7D0A2F9</RequestId></Error>".to_string(),
        "botocore.exceptions.ClientError: An error occurred (AccessDenied) when calling the AssumeRole operation: User: arn:aws:iam::{A}:user/ci (key {K}) is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::{A}:role/deploy".to_string(),
        "Error: AccessDenied: account {D} may not use key {K}\n\tstatus code: 403, request id: 0f1e2d3c-1111-2222-3333-444455556666".to_string(),
    ]);
    out
}

fn template_of(text: &str) -> String {
    let b = text.as_bytes();
    let mut t = String::new();
    let mut i = 0;
    while i < b.len() {
        let run = b[i..].iter().take_while(|c| c.is_ascii_digit()).count();
        if run == 12 && (i == 0 || !b[i - 1].is_ascii_digit()) {
            t.push_str("{A}");
            i += 12;
            continue;
        }
        if run > 0 {
            t.push_str(&text[i..i + run]);
            i += run;
            continue;
        }
        if text[i..].starts_with("assumed-role/") {
            let role_end = i + 13 + text[i + 13..].find('/').unwrap_or(0);
            let session = text[role_end + 1..]
                .find(|c: char| !(c.is_ascii_alphanumeric() || "+=,.@_-".contains(c)))
                .unwrap_or(text.len() - role_end - 1);
            if role_end > i + 13 && session > 0 {
                t.push_str(&text[i..=role_end]);
                t.push_str("{K}");
                i = role_end + 1 + session;
                continue;
            }
        }
        let c = text[i..].chars().next().unwrap();
        t.push(c);
        i += c.len_utf8();
    }
    t
}

fn fill(template: &str, accounts: &[String], keys: &[String], k: &mut usize) -> String {
    let mut out = String::new();
    let mut rest = template;
    while let Some(p) = rest.find('{') {
        out.push_str(&rest[..p]);
        let r = &rest[p..];
        let (with, len) = if r.starts_with("{A}") {
            (accounts[*k % accounts.len()].clone(), 3)
        } else if r.starts_with("{K}") {
            (keys[*k % keys.len()].clone(), 3)
        } else if r.starts_with("{D}") {
            let a = &accounts[*k % accounts.len()];
            (format!("{}-{}-{}", &a[..4], &a[4..8], &a[8..]), 3)
        } else {
            ("{".to_string(), 1)
        };
        *k += 1;
        out.push_str(&with);
        rest = &r[len..];
    }
    out.push_str(rest);
    out
}

fn run_redacted(form: &[&str], input: &str) -> String {
    let out = awsplain()
        .arg("--redact")
        .args(form)
        .write_stdin(input.to_string())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{form:?}");
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 8, ..ProptestConfig::default() })]

    /// Generated account ids and access key ids, put into every format, never survive
    /// `--redact` in any output form.
    #[test]
    fn redact_masks_generated_ids_in_every_format_and_output(
        accounts in proptest::collection::vec("[0-9]{12}", 1..4),
        keys in proptest::collection::vec("(AKIA|ASIA)[A-Z2-7]{16}", 1..3),
    ) {
        let mut k = 0;
        let input: String = redaction_templates()
            .iter()
            .map(|t| fill(t, &accounts, &keys, &mut k))
            .collect::<Vec<_>>()
            .join("\n\n\n\n\n\n\n\n");
        let forms: &[&[&str]] = &[
            &["--format", "human", "--verbose", "--summary", "--color", "always"],
            &["--format", "json", "--summary"],
            &["--format", "github", "--summary"],
            &["--summary-only"],
        ];
        for form in forms {
            let text = run_redacted(form, &input);
            for a in &accounts {
                let dashed = format!("{}-{}-{}", &a[..4], &a[4..8], &a[8..]);
                prop_assert!(!text.contains(a.as_str()), "{form:?} leaks account {a}:\n{text}");
                prop_assert!(!text.contains(&dashed), "{form:?} leaks account {dashed}:\n{text}");
            }
            for key in &keys {
                prop_assert!(!text.contains(key.as_str()), "{form:?} leaks key {key}:\n{text}");
            }
        }
        let json = run_redacted(&["--format", "json"], &input);
        prop_assert!(json.contains("<ACCOUNT-1>") && json.contains("<ACCESS-KEY-1>"), "{json}");
    }
}
