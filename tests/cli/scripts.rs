//! Integration tests: scripts.
//!
//! The modes used from shell scripts and CI: `--format github`, `--summary`, `--redact`,
//! `-q`, `--count`, completions and man page, and a closed output pipe.

use crate::common::{awsplain, format_samples, json_lines, root};
use std::path::{Path, PathBuf};
use std::process::Command;

fn bin() -> PathBuf {
    assert_cmd::cargo::cargo_bin("awsplain")
}

/// An IAM denial in AWS CLI form for `who` doing `action`.
fn denial(who: &str, action: &str) -> String {
    format!(
        "An error occurred (AccessDeniedException) when calling the Op operation: User: {who} is not authorized to perform: {action} on resource: * because no identity-based policy allows the {action} action"
    )
}

/// A log with known counts: errors spaced apart by noise so that each is its own record.
/// Returns the text and the 1-based line of each error.
fn generated_log() -> (String, Vec<usize>) {
    let alice = "arn:aws:iam::111122223333:user/alice";
    let bob = "arn:aws:sts::444455556666:assumed-role/Deploy/bob-session";
    let mut errors = Vec::new();
    for i in 0..30 {
        errors.push(denial(alice, "s3:GetObject"));
        if i % 3 == 0 {
            errors.push(denial(bob, "ecs:RunTask"));
        }
        if i % 5 == 0 {
            errors.push(format!(
                "An error occurred (ThrottlingException) when calling the DescribeStacks operation: Rate exceeded {i}% of 100%"
            ));
        }
    }
    let mut text = String::new();
    let mut lines = Vec::new();
    let mut n = 0;
    for (m, e) in errors.iter().enumerate() {
        // The error continues the last log line above it, so it takes that line's time.
        for k in 0..8 {
            text.push_str(&format!(
                "2024-05-01T10:{m:02}:{k:02}Z INFO nothing to see, step {k}\n"
            ));
            n += 1;
        }
        text.push_str(e);
        text.push('\n');
        n += 1;
        lines.push(n);
    }
    (text, lines)
}

fn write_temp(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

#[test]
fn summary_counts_a_generated_log() {
    let (text, lines) = generated_log();
    // 30 GetObject by alice, 10 RunTask by bob, 6 throttles.
    assert_eq!(lines.len(), 46);
    let out = awsplain()
        .args(["--summary-only", "--format", "json"])
        .write_stdin(text.clone())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let objs = json_lines(&out.stdout);
    assert_eq!(objs.len(), 1, "the summary is the only stdout line");
    let s = &objs[0]["summary"];
    assert_eq!(s["records"], 46);
    // 2024-05-01T10:00:07Z and 10:45:07Z: the times of the first and the last error.
    assert_eq!(s["first_seen"], 1_714_557_607_000i64);
    assert_eq!(s["last_seen"], 1_714_557_607_000i64 + 45 * 60_000);
    let by_code: Vec<(String, u64)> = s["by_error_code"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["key"].as_str().unwrap().to_string(),
                r["count"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        by_code,
        vec![
            ("AccessDeniedException".to_string(), 40),
            ("ThrottlingException".to_string(), 6)
        ]
    );
    assert_eq!(s["by_action"][0]["key"], "s3:GetObject");
    assert_eq!(s["by_action"][0]["count"], 30);
    assert_eq!(s["by_action"][1]["key"], "ecs:RunTask");
    assert_eq!(s["by_action"][1]["count"], 10);
    assert_eq!(s["by_principal"][0]["count"], 30);
    assert_eq!(s["by_principal"][1]["count"], 10);
    assert!(out.stderr.is_empty());

    // --summary: records on stdout, the summary after them on stderr.
    let out = awsplain()
        .args(["--summary", "--format", "json"])
        .write_stdin(text.clone())
        .output()
        .unwrap();
    assert_eq!(json_lines(&out.stdout).len(), 46);
    let err = json_lines(&out.stderr);
    assert_eq!(err.len(), 1);
    assert_eq!(err[0]["summary"]["records"], 46);

    // Text table on stderr in the other formats.
    let out = awsplain()
        .args(["--summary", "-q"])
        .write_stdin(text.clone())
        .output()
        .unwrap();
    assert!(out.stderr.is_empty(), "--quiet silences the summary too");
    let out = awsplain()
        .args(["--summary-only"])
        .write_stdin(text)
        .output()
        .unwrap();
    let t = String::from_utf8(out.stdout).unwrap();
    assert!(
        t.starts_with(
            "AWS errors: 46 (first 2024-05-01T10:00:07.000Z, last 2024-05-01T10:45:07.000Z)\n"
        ),
        "{t}"
    );
    assert!(
        t.contains(
            "      40  2024-05-01T10:00:07.000Z  2024-05-01T10:45:07.000Z  AccessDeniedException"
        ),
        "{t}"
    );
    assert!(
        t.contains("      30  2024-05-01T10:00:07.000Z  2024-05-01T10:45:07.000Z  s3:GetObject"),
        "{t}"
    );
}

/// Undo the workflow-command escaping of a value.
fn unescape(s: &str) -> String {
    s.replace("%0A", "\n")
        .replace("%0D", "\r")
        .replace("%3A", ":")
        .replace("%2C", ",")
        .replace("%25", "%")
}

/// `::error k=v,k=v::message` into its properties and message.
fn parse_annotation(line: &str) -> (Vec<(String, String)>, String) {
    let rest = line
        .strip_prefix("::error ")
        .unwrap_or_else(|| panic!("not an annotation: {line}"));
    let (props, msg) = rest.split_once("::").expect("properties end with ::");
    let props = props
        .split(',')
        .map(|kv| {
            let (k, v) = kv.split_once('=').expect("k=v");
            (k.to_string(), unescape(v))
        })
        .collect();
    (props, unescape(msg))
}

#[test]
fn github_annotations_parse_back() {
    let (text, lines) = generated_log();
    let dir = tempfile::tempdir().unwrap();
    let f = write_temp(dir.path(), "deploy.log", &text);
    // Every error annotated, repeats included, so that each can be checked.
    let out = awsplain()
        .args(["--format", "github", "--no-collapse"])
        .arg(&f)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8(out.stdout).unwrap();
    let anns: Vec<_> = stdout.lines().map(parse_annotation).collect();
    assert_eq!(anns.len(), lines.len());
    for ((props, msg), want_line) in anns.iter().zip(&lines) {
        let get = |k: &str| props.iter().find(|p| p.0 == k).map(|p| p.1.clone());
        assert_eq!(get("file").as_deref(), Some(&*f.to_string_lossy()));
        assert_eq!(get("line"), Some(want_line.to_string()));
        let title = get("title").unwrap();
        assert!(
            title.starts_with("AccessDeniedException") || title.starts_with("ThrottlingException"),
            "{title}"
        );
        if title.starts_with("ThrottlingException") {
            // `%` in the message survives the escaping round trip, and the message is one line.
            assert!(
                msg.starts_with("Rate exceeded ") && msg.contains("% of 100%"),
                "{msg}"
            );
        } else {
            assert!(msg.contains("is not authorized to perform"), "{msg}");
            assert!(
                msg.contains("\nFix: "),
                "the remedy is in the message: {msg}"
            );
        }
    }
    // From standard input there is no file to point at.
    let out = awsplain()
        .args(["--format", "github", "--no-collapse"])
        .write_stdin(text)
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.lines().all(|l| l.starts_with("::error title=")),
        "{stdout}"
    );
}

/// Every file under `samples/`, recursively.
fn sample_files() -> Vec<PathBuf> {
    fn walk(d: &Path, out: &mut Vec<PathBuf>) {
        for e in std::fs::read_dir(d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(&p, out);
            } else {
                out.push(p);
            }
        }
    }
    let mut v = Vec::new();
    walk(&root().join("samples"), &mut v);
    v.sort();
    v
}

/// 12 digits not part of a longer digit run, or an access key id.
fn leaks(text: &str) -> Vec<String> {
    let b = text.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i].is_ascii_digit() {
            let start = i;
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
            if i - start == 12 {
                found.push(text[start..i].to_string());
            }
            continue;
        }
        if (b[i..].starts_with(b"AKIA") || b[i..].starts_with(b"ASIA"))
            && b[i..]
                .iter()
                .skip(4)
                .take(16)
                .filter(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
                .count()
                == 16
        {
            found.push(text[i..i + 20].to_string());
        }
        i += 1;
    }
    found
}

#[test]
fn redaction_leaves_no_account_or_key_id_in_any_output_of_any_sample() {
    let files = sample_files();
    assert!(files.len() > 10, "samples/ holds the inputs");
    let all: String = files
        .iter()
        .map(|f| std::fs::read_to_string(f).unwrap_or_default())
        .collect();
    assert!(
        !leaks(&all).is_empty(),
        "the samples do contain ids to mask"
    );
    // The samples hold no access key ids; this generated input does, in every place they
    // show up: a message, an XML error body and an assumed-role principal.
    let dir = tempfile::tempdir().unwrap();
    let keys = write_temp(
        dir.path(),
        "keys.log",
        &format!(
            "An error occurred (InvalidAccessKeyId) when calling the GetObject operation: The AWS Access Key Id AKIAIOSFODNN7EXAMPLE does not exist in our records.\n\n\n\n\n\n\n\n\
             <Error><Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated does not match</Message><AWSAccessKeyId>ASIAY34FZKBOKMUTVV7A</AWSAccessKeyId><RequestId>4442587FB7D0A2F9</RequestId></Error>\n\n\n\n\n\n\n\n{}\n",
            denial("arn:aws:sts::123456789012:assumed-role/Admin/AKIAIOSFODNN7EXAMPLE", "kms:Decrypt")
        ),
    );
    let out = awsplain()
        .args(["--format", "json"])
        .arg(&keys)
        .output()
        .unwrap();
    assert!(
        json_lines(&out.stdout).len() >= 2,
        "the key-id input yields records"
    );
    let files: Vec<PathBuf> = files.into_iter().chain([keys]).collect();
    let forms: &[&[&str]] = &[
        &["--format", "human", "--verbose", "--summary"],
        &["--format", "json", "--summary"],
        &["--format", "github", "--summary"],
        &["--summary-only", "--format", "json"],
        &["--summary-only"],
    ];
    for form in forms {
        for f in &files {
            let out = awsplain()
                .arg("--redact")
                .args(*form)
                .arg(f)
                .output()
                .unwrap();
            let text = format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
            let l = leaks(&text);
            assert!(l.is_empty(), "{form:?} {}: {l:?}\n{text}", f.display());
        }
    }
    // And all samples at once through standard input, where masks must stay consistent.
    let out = awsplain()
        .args(["--redact", "--format", "json"])
        .write_stdin(all)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(leaks(&text).is_empty());
    assert!(
        text.contains("<ACCOUNT-1>"),
        "records were found and masked"
    );
}

#[test]
fn redaction_is_consistent_within_a_run() {
    let a = "arn:aws:iam::111122223333:user/alice";
    let b = "arn:aws:iam::444455556666:user/bob";
    let text = format!(
        "{}\n\n\n\n\n\n\n\n{}\n\n\n\n\n\n\n\n{}\n",
        denial(a, "s3:GetObject"),
        denial(b, "s3:GetObject"),
        denial(a, "sqs:SendMessage")
    );
    let out = awsplain()
        .args(["--redact", "--format", "json"])
        .write_stdin(text)
        .output()
        .unwrap();
    let recs = json_lines(&out.stdout);
    let principals: Vec<&str> = recs
        .iter()
        .map(|r| r["principal"].as_str().unwrap())
        .collect();
    assert_eq!(
        principals,
        vec![
            "arn:aws:iam::<ACCOUNT-1>:user/alice",
            "arn:aws:iam::<ACCOUNT-2>:user/bob",
            "arn:aws:iam::<ACCOUNT-1>:user/alice"
        ]
    );
}

#[test]
fn quiet_and_count() {
    let (text, lines) = generated_log();
    let out = awsplain()
        .arg("-q")
        .write_stdin(text.clone())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty() && out.stderr.is_empty());
    let out = awsplain()
        .arg("-q")
        .write_stdin("all good\n")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty() && out.stderr.is_empty());
    let out = awsplain()
        .arg("--count")
        .write_stdin(text)
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        format!("{}\n", lines.len())
    );
    let out = awsplain()
        .arg("--count")
        .write_stdin("all good\n")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(out.stdout, b"0\n");
}

#[test]
fn completions_and_man_page_are_generated() {
    let out = awsplain().args(["completions", "zsh"]).output().unwrap();
    assert!(out.status.success());
    let zsh = String::from_utf8(out.stdout).unwrap();
    assert!(zsh.starts_with("#compdef awsplain"), "{zsh}");
    assert!(
        zsh.contains("--redact") && zsh.contains("run"),
        "every flag and subcommand is there"
    );
    for shell in ["bash", "fish", "elvish", "powershell"] {
        let out = awsplain().args(["completions", shell]).output().unwrap();
        assert!(out.status.success(), "{shell}");
        assert!(
            String::from_utf8(out.stdout)
                .unwrap()
                .contains("summary-only"),
            "{shell}"
        );
    }
    let out = awsplain().arg("man").output().unwrap();
    assert!(out.status.success());
    let man = String::from_utf8(out.stdout).unwrap();
    assert!(
        man.contains(".TH awsplain"),
        "{}",
        &man[..man.len().min(300)]
    );
    assert!(man.contains("redact"));
    // A bash script that bash itself accepts.
    if Path::new("/bin/bash").exists() {
        let dir = tempfile::tempdir().unwrap();
        let out = awsplain().args(["completions", "bash"]).output().unwrap();
        let f = write_temp(
            dir.path(),
            "awsplain.bash",
            &String::from_utf8(out.stdout).unwrap(),
        );
        let st = Command::new("/bin/bash")
            .arg("-n")
            .arg(&f)
            .status()
            .unwrap();
        assert!(st.success());
    }
}

/// `awsplain ... | head -n1`: the closed pipe ends awsplain with status 0 and not a word on
/// stderr, in every output form and for the generated outputs too.
#[test]
fn closed_pipe_exits_zero_quietly() {
    let (text, _) = generated_log();
    let dir = tempfile::tempdir().unwrap();
    // Far more output than a pipe buffer holds, so awsplain does write into a closed pipe.
    let f = write_temp(dir.path(), "big.log", &text.repeat(40));
    let bin = bin();
    let cases: Vec<String> = vec![
        format!("'{}' '{}'", bin.display(), f.display()),
        format!("'{}' --format json '{}'", bin.display(), f.display()),
        format!("'{}' --format github '{}'", bin.display(), f.display()),
        format!("'{}' completions zsh", bin.display()),
        format!("'{}' man", bin.display()),
    ];
    for c in cases {
        // The status of awsplain itself, then everything it wrote to stderr.
        let script = format!("{{ {c}; echo \"status=$?\" >&2; }} | head -n1 >/dev/null");
        let out = Command::new("sh").args(["-c", &script]).output().unwrap();
        assert!(out.status.success(), "{c}");
        assert_eq!(String::from_utf8_lossy(&out.stderr), "status=0\n", "{c}");
    }
}

/// `tail -f app.log | awsplain --line-buffered`: an error is shown once the next log line
/// arrives, while the writer is still running, on one thread or several.
#[test]
fn errors_from_a_live_pipe_show_before_it_closes() {
    use std::io::{BufRead, BufReader, Write};
    use std::process::Stdio;
    use std::sync::mpsc;
    use std::time::Duration;
    for threads in ["1", "2"] {
        let mut child = Command::new(bin())
            .args(["--format", "json", "--line-buffered", "-j", threads])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        stdin
            .write_all(b"2026-11-28T09:00:00Z ERROR An error occurred (ThrottlingException) when calling the PutMetricData operation: Rate exceeded\n2026-11-28T09:00:01Z INFO next\n")
            .unwrap();
        stdin.flush().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = tx.send(line);
        });
        // Input stays open: the record must come without it closing. The wait is only a bound
        // for a broken build, not a speed requirement.
        let line = rx
            .recv_timeout(Duration::from_secs(60))
            .unwrap_or_else(|_| panic!("-j {threads}: no record while the input was open"));
        let rec: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert_eq!(rec["error_code"], "ThrottlingException", "-j {threads}");
        // The pipe was grown, so that a fast writer does not stop every 64 KiB.
        #[cfg(target_os = "linux")]
        {
            use std::os::fd::AsRawFd;
            let max: i32 = std::fs::read_to_string("/proc/sys/fs/pipe-max-size")
                .map_or(0, |s| s.trim().parse().unwrap_or(0));
            // SAFETY: F_GETPIPE_SZ reads the size of the pipe behind a descriptor we own.
            let size = unsafe { libc::fcntl(stdin.as_raw_fd(), libc::F_GETPIPE_SZ) };
            if max >= 1 << 20 {
                assert_eq!(size, 1 << 20, "-j {threads}: pipe size");
            }
        }
        drop(stdin);
        assert_eq!(child.wait().unwrap().code(), Some(0));
    }
}

/// The threaded scan, which renders JSON lines on its worker threads, writes byte for byte what
/// one thread writes: over every format sample and a long generated log, and through a pipe.
#[test]
fn threads_do_not_change_the_output() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::new();
    let paths = format_samples();
    assert!(!paths.is_empty());
    for round in 0..40 {
        for p in &paths {
            text.push_str(&std::fs::read_to_string(p).unwrap());
            text.push_str(&format!(
                "2026-11-28T10:00:{:02}Z INFO between samples\n",
                round
            ));
        }
        text.push_str(&generated_log().0);
    }
    assert!(
        text.len() > 1 << 20,
        "{} bytes: several segments",
        text.len()
    );
    let file = write_temp(dir.path(), "mixed.log", &text);
    for format in ["json", "human", "github"] {
        let one = awsplain()
            .args(["--format", format, "--color", "never", "-j", "1"])
            .arg(&file)
            .output()
            .unwrap();
        assert_eq!(one.status.code(), Some(0));
        for threads in ["2", "3"] {
            let many = awsplain()
                .args(["--format", format, "--color", "never", "-j", threads])
                .arg(&file)
                .output()
                .unwrap();
            assert!(
                one.stdout == many.stdout,
                "--format {format} -j {threads} differs from -j 1"
            );
            assert_eq!(one.stderr, many.stderr, "--format {format} -j {threads}");
        }
    }
    let piped = awsplain()
        .args(["--format", "json", "-j", "2"])
        .write_stdin(text.clone())
        .output()
        .unwrap();
    let one = awsplain()
        .args(["--format", "json", "-j", "1"])
        .write_stdin(text)
        .output()
        .unwrap();
    assert!(piped.stdout == one.stdout, "through a pipe");
}

/// The JSON printer's fast path (remedies from the per-thread cache of shapes, a template's
/// holes filled with each record's accounts and session names) writes byte for byte what the
/// library's records with freshly built remedies serialise to: over the samples and a log
/// where each denial comes from another session, some in other accounts, some with session
/// names that hold phrases the remedies look for.
#[test]
fn json_lines_are_the_records_serialised() {
    let mut text = String::new();
    for p in format_samples() {
        text.push_str(&std::fs::read_to_string(p).unwrap());
        text.push_str("2026-11-28T10:00:00Z INFO between samples\n");
    }
    let sessions = [
        "run-1",
        "run-2",
        "i-0abc",
        "concurrent",
        "jsonpath",
        "xxxx-9",
        "GitHubActions",
        "kms",
        "a.b@c=d,e+f",
        "botocore-session-1700000000",
    ];
    for i in 0..300 {
        let account = if i % 4 == 0 {
            "111122223333"
        } else {
            "444455556666"
        };
        let session = sessions[i % sessions.len()];
        let who = format!("arn:aws:sts::{account}:assumed-role/Deploy/{session}");
        let denial = match i % 3 {
            0 => denial(&who, "s3:GetObject"),
            1 => format!(
                "2026-11-28T10:00:00Z ERROR User: {who} is not authorized to perform: iam:PassRole on resource: arn:aws:iam::{account}:role/ecsTaskExecutionRole because no identity-based policy allows the iam:PassRole action (Service: AmazonECS; Status Code: 400; Error Code: AccessDeniedException; Request ID: r-{i}; Proxy: null)"
            ),
            _ => format!(
                "{{\"errorType\": \"AccessDeniedException\", \"errorMessage\": \"User: {who} is not authorized to perform: dynamodb:PutItem on resource: arn:aws:dynamodb:us-east-1:{account}:table/Orders with an explicit deny in a service control policy\"}}"
            ),
        };
        text.push_str(&denial);
        text.push('\n');
    }
    let want: Vec<String> = awsplain::scan_str(&text)
        .into_iter()
        .map(|mut r| {
            r.remedies = awsplain::remedy::remedies_for(&r, awsplain::Lang::En);
            serde_json::to_string(&r).unwrap()
        })
        .collect();
    assert!(want.len() > 300, "{} records", want.len());
    for threads in ["1", "2"] {
        let out = awsplain()
            .args(["--format", "json", "-j", threads])
            .write_stdin(text.clone())
            .output()
            .unwrap();
        let got = String::from_utf8(out.stdout).unwrap();
        let got: Vec<&str> = got.lines().collect();
        assert_eq!(got.len(), want.len(), "-j {threads}");
        for (g, w) in got.iter().zip(&want) {
            assert_eq!(g, w, "-j {threads}");
        }
    }
}

/// A log named on the command line, redirected to standard input (`< app.log`) and piped
/// (`cat app.log |`), on one thread or on several, gives the same records: a regular file is
/// read in segments by the scanning threads themselves, a pipe by one reading thread.
#[test]
fn a_named_file_a_redirect_and_a_pipe_give_the_same_records() {
    // Megabytes with errors spread through them: many segments either way.
    let mut log = String::new();
    let mut errors = 0;
    for i in 0..40_000 {
        log.push_str(&format!(
            "2026-11-28T10:00:{:02}Z INFO request {i} served\n",
            i % 60
        ));
        if i % 97 == 0 {
            let who = format!("arn:aws:iam::123456789012:user/u{i}");
            log.push_str(&format!(
                "2026-11-28T10:00:00Z ERROR {}\n",
                denial(&who, "s3:GetObject")
            ));
            errors += 1;
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("app.log");
    std::fs::write(&path, &log).unwrap();
    let records = |out: std::process::Output, how: &str| {
        assert_eq!(out.status.code(), Some(0), "{how}");
        let mut recs = json_lines(&out.stdout);
        for r in &mut recs {
            // The only difference: what the source is called.
            r["source"]["name"] = "-".into();
        }
        recs
    };
    let want = records(
        awsplain()
            .args(["--format", "json", "-j", "1"])
            .write_stdin(log.clone())
            .output()
            .unwrap(),
        "pipe, one thread",
    );
    assert_eq!(want.len(), errors);
    for threads in ["1", "2", "3"] {
        let args = ["--format", "json", "-j", threads];
        let named = awsplain().args(args).arg(&path).output().unwrap();
        assert!(records(named, "named") == want, "named file, -j {threads}");
        let redirected = awsplain().args(args).pipe_stdin(&path).unwrap().output();
        let redirected = records(redirected.unwrap(), "redirect");
        assert!(redirected == want, "redirected file, -j {threads}");
        let piped = awsplain().args(args).write_stdin(log.clone()).output();
        assert!(
            records(piped.unwrap(), "pipe") == want,
            "pipe, -j {threads}"
        );
    }
}
