//! Integration tests: width and colour per output stream, every label in `--lang ja`, the
//! `-v` hint in words, and the policy carried once by the apply step.

use crate::collapse::repeated_log;
use crate::common::{awsplain, json_lines, root};
use std::io::Read;
use std::os::fd::{FromRawFd, OwnedFd};
use std::process::{Command, Stdio};

fn pass_role() -> std::path::PathBuf {
    root().join("samples/remedies/iam-pass-role.txt")
}

fn text(out: &[u8]) -> String {
    String::from_utf8(out.to_vec()).unwrap()
}

/// What the binary prints on stdout for the PassRole sample.
fn pass_role_output(args: &[&str], env: &[(&str, &str)]) -> String {
    let mut c = awsplain();
    c.args(args).arg(pass_role());
    for (k, v) in env {
        c.env(k, v);
    }
    text(&c.output().unwrap().stdout)
}

/// Display columns of a line (a Japanese character takes two).
fn columns(line: &str) -> usize {
    line.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum()
}

/// Lines of prose wider than `width`: not the header line (code, service, place), nor
/// commands, JSON, ARNs or file names, which are never broken.
fn prose_wider_than(text: &str, width: usize) -> Vec<String> {
    text.lines()
        .filter(|l| columns(l) > width && l.starts_with(' '))
        .filter(|l| {
            let t = l.trim_start();
            !(t.starts_with("$ ")
                || t.starts_with('"')
                || t.contains("arn:aws:")
                || t.contains(".json"))
        })
        .map(str::to_string)
        .collect()
}

#[test]
fn prose_wraps_at_80_columns_or_at_columns() {
    let narrow = pass_role_output(&["--color", "never"], &[]);
    assert_eq!(prose_wider_than(&narrow, 80), Vec::<String>::new());
    let wide = pass_role_output(&["--color", "never"], &[("COLUMNS", "140")]);
    assert!(
        !prose_wider_than(&wide, 80).is_empty(),
        "nothing used the width: {wide}"
    );
    assert_eq!(prose_wider_than(&wide, 140), Vec::<String>::new());
    assert!(wide.lines().count() < narrow.lines().count());
}

/// A pseudo-terminal of `cols` columns: (the side a program writes to, the side to read).
fn pty(cols: u16) -> (OwnedFd, OwnedFd) {
    let (mut master, mut slave) = (0, 0);
    let size = libc::winsize {
        ws_row: 50,
        ws_col: cols,
        ws_xpixel: 0,
        ws_ypixel: 0,
    };
    // SAFETY: openpty writes two descriptors it opened into the integers passed; the name
    // pointer may be null, and the termios and winsize pointers point to valid values.
    let rc = unsafe {
        libc::openpty(
            &mut master,
            &mut slave,
            std::ptr::null_mut(),
            std::ptr::null(),
            &size,
        )
    };
    assert_eq!(rc, 0, "openpty");
    // SAFETY: both descriptors were just opened and are owned by nothing else.
    unsafe { (OwnedFd::from_raw_fd(slave), OwnedFd::from_raw_fd(master)) }
}

/// Run the binary with stderr on a terminal of `cols` columns and stdout into a pipe:
/// (stdout, what the terminal showed).
fn with_stderr_on_a_terminal(args: &[&str], env: &[(&str, &str)], cols: u16) -> (String, String) {
    let (slave, master) = pty(cols);
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin("awsplain"));
    cmd.args(args)
        .env_remove("NO_COLOR")
        .env_remove("COLUMNS")
        .env("TERM", "xterm")
        .env("LANG", "C")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::from(slave));
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().unwrap();
    // The child holds the terminal now; ours is dropped with `cmd`.
    drop(cmd);
    let reader = std::thread::spawn(move || {
        let mut f = std::fs::File::from(master);
        let mut buf = Vec::new();
        // Reading ends with EIO once the child closed the terminal: what came is kept.
        let _ = f.read_to_end(&mut buf);
        buf
    });
    let mut stdout = String::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut stdout)
        .unwrap();
    child.wait().unwrap();
    let term = String::from_utf8_lossy(&reader.join().unwrap()).replace("\r\n", "\n");
    (stdout, term)
}

#[test]
fn colour_and_width_follow_the_stream_they_go_to() {
    let sample = pass_role();
    let sample = sample.to_str().unwrap();
    // `run` explains on stderr: a terminal there gets colour and its width, while the
    // command's own output passes through stdout, a pipe, untouched.
    let (stdout, term) = with_stderr_on_a_terminal(&["run", "--", "cat", sample], &[], 150);
    assert!(!stdout.contains('\x1b'), "{stdout:?}");
    assert!(
        term.contains("\x1b["),
        "no colour on the terminal: {term:?}"
    );
    let plain: String = strip_ansi(&term);
    assert!(!prose_wider_than(&plain, 80).is_empty(), "{plain}");
    assert_eq!(prose_wider_than(&plain, 150), Vec::<String>::new());
    // NO_COLOR and TERM=dumb turn it off there too.
    for env in [("NO_COLOR", "1"), ("TERM", "dumb")] {
        let (_, term) = with_stderr_on_a_terminal(&["run", "--", "cat", sample], &[env], 150);
        assert!(!term.contains('\x1b'), "{env:?}: {term:?}");
    }
    // Records on stdout (a pipe) get no colour although stderr is a terminal.
    let (stdout, _) = with_stderr_on_a_terminal(&[sample, "--summary"], &[], 150);
    assert!(stdout.contains("fix [iam-pass-role]"), "{stdout}");
    assert!(!stdout.contains('\x1b'), "{stdout:?}");
}

fn strip_ansi(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\x1b' && chars.peek() == Some(&'[') {
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[test]
fn every_label_is_japanese_with_lang_ja() {
    let run = |args: &[&str]| {
        let out = awsplain()
            .args(["--color", "never", "--lang", "ja"])
            .args(args)
            .write_stdin(repeated_log(5))
            .output()
            .unwrap();
        (text(&out.stdout), text(&out.stderr))
    };
    let (human, _) = run(&[]);
    for english in [
        "who ",
        "what ",
        "fix [",
        "... and",
        "more like",
        "lines ",
        "first ",
    ] {
        assert!(!human.contains(english), "{english:?} in:\n{human}");
    }
    assert!(human.contains("対処 [iam-allow-action]"), "{human}");
    assert!(human.contains("... ほかに同じエラーが 4 件"), "{human}");
    let (short, _) = run(&["--format", "short"]);
    assert!(short.lines().all(|l| l.contains(" 対象 ")), "{short}");
    let (_, summary) = run(&["--summary"]);
    assert!(summary.contains("AWS エラー: 5"), "{summary}");
    assert!(summary.contains("エラーコード"), "{summary}");
    assert!(!summary.contains("error code"), "{summary}");
    // GitHub: the labels of the annotations, the closing notice and the step summary.
    let summary_file = tempfile::NamedTempFile::new().unwrap();
    let out = awsplain()
        .args(["--format", "github", "--lang", "ja"])
        .env("GITHUB_STEP_SUMMARY", summary_file.path())
        .write_stdin(repeated_log(33))
        .output()
        .unwrap();
    let annotations = text(&out.stdout);
    assert!(annotations.contains("対処: "), "{annotations}");
    assert!(
        annotations.contains("注釈なしの AWS エラーがほかに 28 件"),
        "{annotations}"
    );
    for english in ["Fix:", "Denied action", "not annotated"] {
        assert!(!annotations.contains(english), "{english}: {annotations}");
    }
    let md = std::fs::read_to_string(summary_file.path()).unwrap();
    assert!(md.contains("AWS エラー 33 件(1 種類)"), "{md}");
    assert!(md.contains("| 件数 | エラー |"), "{md}");
    // An error without a code is named in the language too.
    let out = awsplain()
        .args(["--color", "never", "--lang", "ja"])
        .write_stdin("You are not authorized to perform this operation.\n")
        .output()
        .unwrap();
    assert!(
        !text(&out.stdout).contains("AWS error"),
        "{}",
        text(&out.stdout)
    );
}

#[test]
fn the_verbose_hint_says_what_it_adds_in_words() {
    let out = pass_role_output(&["--color", "never"], &[]);
    assert!(
        out.contains("more fixes with -v: CloudFormation, Terraform"),
        "{out}"
    );
    assert!(!out.contains("(-v:"), "{out}");
}

#[test]
fn the_policy_is_printed_once_and_the_printed_commands_apply_it() {
    let human = pass_role_output(&["--color", "never"], &[]);
    assert_eq!(human.matches("iam:PassedToService").count(), 1, "{human}");
    let file = "awsplain-iam-PassRole-orders-task-execution-role.json";
    assert!(
        human.contains(&format!("--policy-document file://{file}")),
        "{human}"
    );
    // The saving command, copied from the terminal with its indentation, writes exactly the
    // policy the JSON output holds.
    let start = human.find("$ printf ").unwrap() + 2;
    let end = human[start..].find(&format!("> {file}")).unwrap() + start + file.len() + 2;
    let script = &human[start..end];
    let dir = tempfile::tempdir().unwrap();
    let ok = Command::new("sh")
        .arg("-c")
        .arg(script)
        .current_dir(dir.path())
        .status()
        .unwrap();
    assert!(ok.success(), "{script}");
    let written: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join(file)).unwrap()).unwrap();
    let json = pass_role_output(&["--format", "json"], &[]);
    let rec = &json_lines(json.as_bytes())[0];
    assert_eq!(written, rec["remedies"][0]["policy"]);
    // JSON keeps the command whole, the document inline: a program needs no file.
    assert!(rec["remedies"][0]["apply"][0]
        .as_str()
        .unwrap()
        .contains("--policy-document '{"));
}
