//! Integration tests: repeated errors grouped, `--format short`, `-m`, GitHub caps and step
//! summary, `run --fail-on-error`.

use crate::common::{awsplain, json_lines};
use std::path::Path;

/// The same denial `n` times, each after a timestamped log line (so that each is its own
/// record with its own time) and from a different session of one role.
pub fn repeated_log(n: usize) -> String {
    let mut text = String::new();
    for i in 0..n {
        text.push_str(&format!(
            "2024-05-01T09:{:02}:{:02}Z INFO calling S3\n",
            i / 60,
            i % 60
        ));
        text.push_str(&format!(
            "An error occurred (AccessDeniedException) when calling the PutObject operation: User: arn:aws:sts::111122223333:assumed-role/Deploy/session-{i} is not authorized to perform: s3:PutObject on resource: arn:aws:s3:::bucket/key because no identity-based policy allows the s3:PutObject action\n"
        ));
    }
    text
}

fn stdout_of(args: &[&str], input: &str) -> (Option<i32>, String) {
    let out = awsplain()
        .args(["--color", "never"])
        .args(args)
        .write_stdin(input.to_string())
        .output()
        .unwrap();
    (out.status.code(), String::from_utf8(out.stdout).unwrap())
}

#[test]
fn thirty_three_identical_errors_print_one_block_and_one_more_line() {
    let (code, out) = stdout_of(&[], &repeated_log(33));
    assert_eq!(code, Some(0));
    assert_eq!(
        out.matches("AccessDeniedException  PutObject").count(),
        1,
        "{out}"
    );
    assert_eq!(out.matches("fix [").count(), 1, "{out}");
    let more: Vec<&str> = out.lines().filter(|l| l.contains(" more like ")).collect();
    assert_eq!(
        more,
        ["... and 32 more like this (first 09:00:00, last 09:00:32, lines 2-66)"],
        "{out}"
    );
    // JSON keeps one object per error; --no-collapse one block per error.
    let (_, json) = stdout_of(&["--format", "json"], &repeated_log(33));
    assert_eq!(json_lines(json.as_bytes()).len(), 33);
    let (_, all) = stdout_of(&["--no-collapse"], &repeated_log(33));
    assert_eq!(all.matches("fix [").count(), 33);
    assert!(!all.contains(" more like "));
}

#[test]
fn a_repeat_named_when_another_error_came_after_it() {
    let mut log = repeated_log(3);
    log.push_str("An error occurred (ThrottlingException) when calling the DescribeStacks operation: Rate exceeded\n");
    let (_, out) = stdout_of(&[], &log);
    assert_eq!(out.matches("fix [").count(), 2, "{out}");
    assert!(
        out.ends_with("... and 2 more like AccessDeniedException s3:PutObject at -:2 (first 09:00:00, last 09:00:02, lines 2-6)\n"),
        "{out}"
    );
    // Other roles are other errors.
    let other = repeated_log(2) + &repeated_log(2).replace("Deploy", "Build");
    let (_, out) = stdout_of(&[], &other);
    assert_eq!(out.matches("fix [").count(), 2, "{out}");
    assert_eq!(out.matches(" more like ").count(), 2, "{out}");
}

#[test]
fn run_explains_distinct_errors_and_counts_repeats() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("app.log");
    std::fs::write(&f, repeated_log(33)).unwrap();
    let out = awsplain()
        .args(["--color", "never", "run", "--", "cat"])
        .arg(&f)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("33 AWS errors in the command's output"),
        "{err}"
    );
    assert_eq!(err.matches("fix [").count(), 1, "{err}");
    assert!(err.contains("... and 32 more like this ("), "{err}");
}

#[test]
fn short_format_is_one_line_per_error() {
    let (code, out) = stdout_of(&["--format", "short"], &repeated_log(33));
    assert_eq!(code, Some(0));
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 33, "{out}");
    assert_eq!(
        lines[1],
        "2024-05-01T09:00:01.000Z  AccessDeniedException  arn:aws:sts::111122223333:assumed-role/Deploy/session-1 → s3:PutObject on arn:aws:s3:::bucket/key  [iam-allow-action]"
    );
}

#[test]
fn max_count_stops_after_n_errors() {
    let (code, out) = stdout_of(&["-m", "2", "--format", "short"], &repeated_log(33));
    assert_eq!(code, Some(0));
    assert_eq!(out.lines().count(), 2, "{out}");
    let (code, out) = stdout_of(&["--max-count", "5", "--count"], &repeated_log(33));
    assert_eq!((code, out.as_str()), (Some(0), "5\n"));
    let (code, out) = stdout_of(&["-m", "5", "--format", "json"], &repeated_log(33));
    assert_eq!(code, Some(0));
    assert_eq!(json_lines(out.as_bytes()).len(), 5);
    // Like grep: -m 0 reads nothing and finds nothing.
    let (code, out) = stdout_of(&["-m", "0"], &repeated_log(3));
    assert_eq!((code, out.as_str()), (Some(1), ""));
    // Like grep, the limit is per file.
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a.log"), dir.path().join("b.log"));
    std::fs::write(&a, repeated_log(4)).unwrap();
    std::fs::write(&b, repeated_log(4)).unwrap();
    let out = awsplain()
        .args(["-m", "3", "--format", "short"])
        .args([&a, &b])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8(out.stdout).unwrap().lines().count(), 6);
    // In run, the first N are explained; the command's output passes through whole.
    let f = dir.path().join("app.log");
    std::fs::write(&f, repeated_log(10)).unwrap();
    let out = awsplain()
        .args(["-m", "2", "--format", "json", "run", "--", "cat"])
        .arg(&f)
        .output()
        .unwrap();
    assert_eq!(out.stdout.len(), repeated_log(10).len());
    assert_eq!(json_lines(&out.stderr).len(), 2);
}

/// `n` denials, each by one of `callers` users of their own account, spaced by log lines.
fn many_errors(n: usize, callers: usize) -> String {
    let mut text = String::new();
    for i in 0..n {
        text.push_str("2024-05-01T10:00:00Z INFO working\n");
        text.push_str(&format!(
            "An error occurred (AccessDeniedException) when calling the RunTask operation: User: arn:aws:iam::{:012}:user/u is not authorized to perform: ecs:RunTask on resource: * because no identity-based policy allows the ecs:RunTask action\n",
            100_000_000_000 + i % callers
        ));
    }
    text
}

fn github(input: &str, summary: Option<&Path>) -> String {
    let mut cmd = awsplain();
    cmd.args(["--format", "github"])
        .env_remove("GITHUB_STEP_SUMMARY");
    if let Some(p) = summary {
        cmd.env("GITHUB_STEP_SUMMARY", p);
    }
    let out = cmd.write_stdin(input.to_string()).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn github_writes_few_annotations_and_a_step_summary() {
    let dir = tempfile::tempdir().unwrap();
    let summary = dir.path().join("summary.md");
    std::fs::write(&summary, "earlier step\n").unwrap();
    let out = github(&many_errors(3000, 300), Some(&summary));
    let errors = out.lines().filter(|l| l.starts_with("::error ")).count();
    let notices: Vec<&str> = out.lines().filter(|l| l.starts_with("::notice ")).collect();
    assert_eq!(errors, 10, "{out}");
    assert_eq!(notices.len(), 1, "{out}");
    assert_eq!(out.lines().count(), 11);
    assert!(
        notices[0].contains("::2990 more AWS errors not annotated"),
        "{}",
        notices[0]
    );
    let md = std::fs::read_to_string(&summary).unwrap();
    // Appended, not overwritten.
    assert!(
        md.starts_with("earlier step\n### awsplain: 3000 AWS errors, 300 distinct\n"),
        "{md}"
    );
    assert!(
        md.contains("| 10 | AccessDeniedException | ecs:RunTask | \\* | -:2 |"),
        "{md}"
    );
    assert!(
        md.contains("\n2500 more in 250 other distinct errors.\n"),
        "{md}"
    );

    // One error repeated: five annotations, the rest in the notice.
    let out = github(&many_errors(40, 1), None);
    assert_eq!(out.lines().filter(|l| l.starts_with("::error ")).count(), 5);
    assert!(out.contains("::35 more AWS errors not annotated"), "{out}");
    assert!(
        out.contains("%0A35 × AccessDeniedException ecs:RunTask at -:2 ("),
        "{out}"
    );
}

#[test]
fn step_summary_shows_log_text_literally() {
    let dir = tempfile::tempdir().unwrap();
    let summary = dir.path().join("summary.md");
    let log = "An error occurred (AccessDenied) when calling the GetObject operation: User: arn:aws:iam::111122223333:user/<img src=x>|[link](http://x) is not authorized to perform: s3:GetObject on resource: arn:aws:s3:::b/*\n";
    github(log, Some(&summary));
    let md = std::fs::read_to_string(&summary).unwrap();
    assert!(md.contains("arn:aws:s3:::b/\\*"), "{md}");
    assert!(!md.contains("<img"), "{md}");
}

#[test]
fn run_fail_on_error_turns_success_into_failure() {
    let log = repeated_log(1);
    let script = format!("printf '%s' '{log}'; exit 0");
    let code = |extra: &[&str], script: &str| {
        awsplain()
            .arg("run")
            .args(extra)
            .args(["--", "sh", "-c", script])
            .output()
            .unwrap()
            .status
            .code()
    };
    assert_eq!(code(&[], &script), Some(0));
    assert_eq!(code(&["--fail-on-error"], &script), Some(1));
    // No AWS error: the command's success stands; a failing command keeps its own code.
    assert_eq!(code(&["--fail-on-error"], "echo fine"), Some(0));
    let failing = format!("printf '%s' '{log}'; exit 3");
    assert_eq!(code(&["--fail-on-error"], &failing), Some(3));
}

#[test]
fn count_over_several_files_is_per_file() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b, c) = (
        dir.path().join("a.log"),
        dir.path().join("b.log"),
        dir.path().join("c.log"),
    );
    std::fs::write(&a, repeated_log(3)).unwrap();
    std::fs::write(&b, "nothing here\n").unwrap();
    std::fs::write(&c, repeated_log(2)).unwrap();
    let missing = dir.path().join("missing.log");
    let out = awsplain()
        .arg("--count")
        .args([&a, &b, &missing, &c])
        .output()
        .unwrap();
    // Like rg -c: files without errors are left out; the unreadable one is on stderr only.
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        format!("{}:3\n{}:2\n", a.display(), c.display())
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("missing.log"));
    // One input that cannot be read: no count at all, rather than a misleading 0.
    let out = awsplain().arg("--count").arg(&missing).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let out = awsplain().arg("--count").arg(&a).output().unwrap();
    assert_eq!((out.status.code(), out.stdout), (Some(0), b"3\n".to_vec()));
}

/// Standard input at a terminal (a pseudo-terminal from util-linux `script`) gets a hint on
/// stderr; a pipe does not.
#[test]
fn a_terminal_on_stdin_gets_a_hint() {
    let bin = assert_cmd::cargo::cargo_bin("awsplain");
    let probe = std::process::Command::new("script")
        .arg("--version")
        .output();
    if !probe.is_ok_and(|o| o.status.success()) {
        eprintln!("NOTICE: skipping a_terminal_on_stdin_gets_a_hint: no `script` command");
        return;
    }
    // Ctrl-D arrives once the prompt could be read; the terminal turns it into end of file.
    let mut child = std::process::Command::new("script")
        .args([
            "-qec",
            &format!("'{}' 2>&1; echo rc=$?", bin.display()),
            "/dev/null",
        ])
        .env("LANG", "C")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // A Ctrl-D sent before the terminal is set up is lost, so one is sent every quarter
    // second until the program ends; a run that never ends fails instead of hanging the suite.
    let mut stdin = child.stdin.take().unwrap();
    use std::io::Write;
    let mut ended = false;
    for _ in 0..120 {
        std::thread::sleep(std::time::Duration::from_millis(250));
        let _ = stdin.write_all(b"\x04").and_then(|()| stdin.flush());
        if child.try_wait().unwrap().is_some() {
            ended = true;
            break;
        }
    }
    if !ended {
        let _ = child.kill();
    }
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    assert!(ended, "awsplain on a terminal did not end at Ctrl-D");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("paste it, then press Ctrl-D"), "{text:?}");
    assert!(text.contains("rc=1"), "{text:?}");
    let out = awsplain().write_stdin("nothing\n").output().unwrap();
    assert!(out.stderr.is_empty());
}

#[test]
fn run_past_its_cap_sums_up_the_errors_not_shown() {
    // 205 distinct errors (one user each) and a repeat of the first: 200 are explained.
    let mut log = many_errors(205, 205);
    log.push_str(&many_errors(1, 205));
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("app.log");
    std::fs::write(&f, log).unwrap();
    let out = awsplain()
        .args(["--color", "never", "run", "--", "cat"])
        .arg(&f)
        .output()
        .unwrap();
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.matches("fix [").count(), 200);
    let tail: Vec<&str> = err.lines().filter(|l| l.starts_with("... and")).collect();
    assert_eq!(
        tail,
        [
            "... and 1 more like AccessDeniedException ecs:RunTask at <stdout>:2 (first 10:00:00, last 10:00:00, lines 2-412)",
            "... and 5 more AWS errors of 5 other kinds not shown"
        ],
        "{err}"
    );
}
