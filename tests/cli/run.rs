//! Integration tests: run.
//!
//! `awsplain run -- CMD`: pass-through of the child's streams, exit status, signals, and the
//! explanation printed on stderr afterwards.

use crate::common::{awsplain, json_lines};
use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const AWS_CLI_ERROR: &str = "An error occurred (AccessDeniedException) when calling the RunTask operation: User: arn:aws:sts::111122223333:assumed-role/Deploy/ci-42 is not authorized to perform: ecs:RunTask on resource: arn:aws:ecs:us-east-1:111122223333:task-definition/td:1 because no identity-based policy allows the ecs:RunTask action";

fn bin() -> std::path::PathBuf {
    assert_cmd::cargo::cargo_bin("awsplain")
}

#[test]
fn exits_with_the_childs_code_and_explains_after_its_output() {
    let script = format!(
        "echo out-1; echo 'err-1' >&2; echo '{AWS_CLI_ERROR}' >&2; echo out-2; echo err-2 >&2; exit 3"
    );
    let out = awsplain()
        .args(["run", "--", "sh", "-c", &script])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    // The child's stdout is untouched: the explanation never goes there.
    assert_eq!(String::from_utf8(out.stdout).unwrap(), "out-1\nout-2\n");
    let err = String::from_utf8(out.stderr).unwrap();
    let expected_child = format!("err-1\n{AWS_CLI_ERROR}\nerr-2\n");
    assert!(
        err.starts_with(&expected_child),
        "child's stderr first, intact:\n{err}"
    );
    let rest = &err[expected_child.len()..];
    assert!(
        rest.contains("1 AWS error") && rest.contains("AccessDeniedException"),
        "explanation follows:\n{rest}"
    );
    assert!(rest.contains("ecs:RunTask"), "{rest}");
}

#[test]
fn json_explanations_go_to_stderr_after_the_child() {
    let script = format!("echo hello; echo '{AWS_CLI_ERROR}'; exit 0");
    let out = awsplain()
        .args(["run", "--format", "json", "--", "sh", "-c", &script])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        format!("hello\n{AWS_CLI_ERROR}\n")
    );
    let recs = json_lines(&out.stderr);
    assert_eq!(recs.len(), 1, "{recs:?}");
    assert_eq!(recs[0]["error_code"], "AccessDeniedException");
    assert_eq!(recs[0]["source"]["name"], "<stdout>");
    assert_eq!(recs[0]["source"]["line"], 2);
}

#[test]
fn quiet_passes_output_and_status_but_prints_nothing_of_its_own() {
    let script = format!("echo '{AWS_CLI_ERROR}'; exit 5");
    let out = awsplain()
        .args(["-q", "run", "--", "sh", "-c", &script])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(5));
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        format!("{AWS_CLI_ERROR}\n")
    );
    assert!(out.stderr.is_empty());
}

#[test]
fn no_aws_error_means_no_explanation() {
    let out = awsplain()
        .args(["run", "--", "sh", "-c", "echo fine; echo also-fine >&2"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(out.stdout, b"fine\n");
    assert_eq!(out.stderr, b"also-fine\n");
}

#[test]
fn killed_by_a_signal_exits_128_plus_n() {
    let out = awsplain()
        .args(["run", "--", "sh", "-c", "kill -TERM $$"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(143));
    let out = awsplain()
        .args(["run", "--", "sh", "-c", "kill -KILL $$"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(137));
}

#[test]
fn missing_and_unexecutable_commands_exit_like_a_shell() {
    let out = awsplain()
        .args(["run", "--", "awsplain-no-such-command-xyz"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(127));
    assert!(String::from_utf8_lossy(&out.stderr).contains("command not found"));
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("not-executable");
    std::fs::write(&f, "#!/bin/sh\necho hi\n").unwrap();
    let out = awsplain().arg("run").arg("--").arg(&f).output().unwrap();
    assert_eq!(out.status.code(), Some(126));
}

#[test]
fn stdin_reaches_the_child_and_binary_output_passes_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let data: Vec<u8> = (0..(3 << 20))
        .map(|i: u32| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let f = dir.path().join("blob");
    std::fs::write(&f, &data).unwrap();
    let out = awsplain()
        .args(["run", "--", "cat"])
        .pipe_stdin(&f)
        .unwrap()
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout == data, "binary output changed");
}

/// Output is passed on as it comes, not when the child ends: the first line is readable
/// while the child is still sleeping.
#[test]
fn output_is_not_held_back_until_exit() {
    let mut child = Command::new(bin())
        .args(["run", "--", "sh", "-c", "echo first; sleep 5; echo second"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    let mut r = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    r.read_line(&mut line).unwrap();
    assert_eq!(line, "first\n");
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "first line arrived only after {:?}",
        started.elapsed()
    );
    let mut rest = String::new();
    r.read_to_string(&mut rest).unwrap();
    assert_eq!(rest, "second\n");
    assert!(child.wait().unwrap().success());
}

/// A SIGTERM sent to awsplain (as a CI runner cancelling a job does) reaches the child,
/// whose own handling decides the exit status.
#[test]
fn sigterm_is_forwarded_to_the_child() {
    let mut child = Command::new(bin())
        .args([
            "run",
            "--",
            "sh",
            "-c",
            "trap 'echo got-term; exit 7' TERM; echo ready; while :; do sleep 0.1; done",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut r = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    r.read_line(&mut line).unwrap();
    assert_eq!(line, "ready\n");
    let pid = child.id().to_string();
    assert!(Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap()
        .success());
    let mut rest = String::new();
    r.read_to_string(&mut rest).unwrap();
    assert_eq!(rest, "got-term\n");
    assert_eq!(child.wait().unwrap().code(), Some(7));
}

/// 200 MiB through `run`: every byte arrives, memory stays bounded, and an AWS error after
/// the flood (behind a 200 MiB line without a newline) is still found.
#[test]
fn two_hundred_mebibytes_pass_through_in_bounded_memory() {
    let dir = tempfile::tempdir().unwrap();
    let rss = dir.path().join("rss");
    let size: u64 = 200 << 20;
    let child = format!("head -c {size} /dev/zero; echo; echo '{AWS_CLI_ERROR}'");
    let time = Path::new("/usr/bin/time");
    let measure = if time.exists() {
        format!("/usr/bin/time -f %M -o '{}' ", rss.display())
    } else {
        String::new()
    };
    let script = format!(
        "{measure}'{}' --format json run -- sh -c \"$CHILD\" 2>'{}' | wc -c",
        bin().display(),
        dir.path().join("err").display()
    );
    let out = Command::new("sh")
        .args(["-c", &script])
        .env("CHILD", &child)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let bytes: u64 = String::from_utf8_lossy(&out.stdout).trim().parse().unwrap();
    assert_eq!(bytes, size + 1 + AWS_CLI_ERROR.len() as u64 + 1);
    let err = std::fs::read(dir.path().join("err")).unwrap();
    let recs: Vec<_> = json_lines(&err)
        .into_iter()
        .filter(|r| r.get("error_code").is_some())
        .collect();
    assert_eq!(recs.len(), 1, "{}", String::from_utf8_lossy(&err));
    assert_eq!(recs[0]["error_code"], "AccessDeniedException");
    if time.exists() {
        let kib: u64 = std::fs::read_to_string(&rss)
            .unwrap()
            .lines()
            .last()
            .unwrap()
            .trim()
            .parse()
            .unwrap();
        assert!(kib < 64 * 1024, "max RSS {kib} KiB for 200 MiB of output");
    }
}

#[test]
fn github_format_annotates_from_run() {
    let script = format!("echo '{AWS_CLI_ERROR}'; exit 1");
    let out = awsplain()
        .args(["run", "--format", "github", "--", "sh", "-c", &script])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    let line = err
        .lines()
        .find(|l| l.starts_with("::error "))
        .unwrap_or_else(|| panic!("no annotation in {err}"));
    // The child's streams are not files in the checkout: no file= property.
    assert!(!line.contains("file="), "{line}");
    assert!(
        line.starts_with("::error title=AccessDeniedException"),
        "{line}"
    );
}

#[test]
fn summary_and_count_cover_every_error_seen() {
    // Identical lines close together are one error to the scanner, so each line names
    // another caller.
    let line = |who: &str| AWS_CLI_ERROR.replace("ci-42", who);
    let script = format!(
        "echo '{}'; echo '{}'; echo '{}'; echo '{}' >&2",
        line("a"),
        line("b"),
        line("c"),
        line("d")
    );
    let out = awsplain()
        .args(["run", "--count", "--", "sh", "-c", &script])
        .output()
        .unwrap();
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.ends_with("\n4\n"), "{err}");
    let out = awsplain()
        .args([
            "run",
            "--summary-only",
            "--format",
            "json",
            "--",
            "sh",
            "-c",
            &script,
        ])
        .output()
        .unwrap();
    // The child's own stderr line comes first; the summary is the JSON line after it.
    let objs: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stderr)
        .lines()
        .filter(|l| l.starts_with('{'))
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(objs.len(), 1);
    assert_eq!(objs[0]["summary"]["records"], 4);
    let sum = &objs[0]["summary"];
    assert_eq!(sum["by_action"][0]["key"], "ecs:RunTask");
    assert_eq!(sum["by_action"][0]["count"], 4);
    assert_eq!(sum["by_principal"].as_array().unwrap().len(), 4);
}
