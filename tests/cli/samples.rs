//! Integration tests: every sample in `samples/` through the binary, compared with its expected records.
//!
//! `samples/<dir>/<name>.txt` is the input; `<name>.expected.jsonl` beside it holds the records
//! (without remedies, which the remedy tests check). Set `AWSPLAIN_BLESS=1` to rewrite the
//! expected files after a deliberate grammar change, then review the diff.

use crate::common::{awsplain, json_lines, root};
use std::path::{Path, PathBuf};

fn sample_files() -> Vec<PathBuf> {
    let mut v = Vec::new();
    let mut dirs = vec![root().join("samples")];
    while let Some(d) = dirs.pop() {
        for e in std::fs::read_dir(&d).expect("samples dir") {
            let p = e.expect("dir entry").path();
            if p.is_dir() {
                dirs.push(p);
            } else if p.extension().is_some_and(|x| x == "txt") {
                v.push(p);
            }
        }
    }
    v.sort();
    v
}

fn records_without_remedies(path: &Path) -> (Vec<serde_json::Value>, i32) {
    let out = awsplain()
        .args(["--format", "json", "--color", "never"])
        .arg(path)
        .output()
        .expect("runs");
    let mut recs = json_lines(&out.stdout);
    for r in &mut recs {
        r.as_object_mut().expect("object").remove("remedies");
        // The file name is absolute here; keep the expected files portable.
        r["source"]["name"] =
            serde_json::Value::String(path.file_name().unwrap().to_string_lossy().into());
    }
    (recs, out.status.code().unwrap_or(-1))
}

#[test]
fn every_format_sample_gives_its_expected_records() {
    let bless = std::env::var_os("AWSPLAIN_BLESS").is_some();
    let mut checked = 0;
    for input in sample_files()
        .into_iter()
        .filter(|p| p.parent().is_some_and(|d| d.ends_with("formats")))
    {
        let expected_path = input.with_extension("expected.jsonl");
        let (got, code) = records_without_remedies(&input);
        if bless {
            let text: String = got.iter().map(|r| format!("{r}\n")).collect();
            std::fs::write(&expected_path, text).expect("write expected");
            continue;
        }
        let expected = std::fs::read(&expected_path).unwrap_or_else(|_| {
            panic!(
                "{} has no expected file; run with AWSPLAIN_BLESS=1",
                input.display()
            )
        });
        let want = json_lines(&expected);
        assert_eq!(got, want, "records of {}", input.display());
        assert_eq!(
            code,
            if want.is_empty() { 1 } else { 0 },
            "exit code for {}",
            input.display()
        );
        checked += 1;
    }
    assert!(
        bless || checked >= 20,
        "only {checked} format samples found"
    );
}

#[test]
fn every_sample_parses_without_trouble() {
    for input in sample_files() {
        let out = awsplain()
            .args(["--format", "json"])
            .arg(&input)
            .output()
            .expect("runs");
        assert_ne!(
            out.status.code(),
            Some(2),
            "{}: {}",
            input.display(),
            String::from_utf8_lossy(&out.stderr)
        );
        // The one thing a sample may say on stderr: that it holds a secret (the samples that
        // show the warning and `--redact` do).
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr
                .lines()
                .all(|l| l.starts_with("awsplain: warning: the input holds what looks like")),
            "{}: {stderr}",
            input.display(),
        );
    }
}

#[test]
fn human_output_leads_with_the_fix_for_the_seed_case() {
    let out = awsplain()
        .args(["--color", "never"])
        .arg(root().join("samples/formats/sfn-execution-event.txt"))
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("iam:PassRole"), "{text}");
    assert!(
        text.contains("arn:aws:iam::123456789012:role/ecsTaskExecutionRole"),
        "{text}"
    );
}

#[test]
fn exit_codes_follow_grep() {
    awsplain().write_stdin("nothing to see\n").assert().code(1);
    awsplain()
        .write_stdin("An error occurred (AccessDenied) when calling the ListBuckets operation: Access Denied\n")
        .assert()
        .code(0);
    awsplain()
        .arg("/nonexistent/awsplain-input")
        .assert()
        .code(2);
    awsplain().arg("--no-such-flag").assert().code(2);
}

#[test]
fn unreadable_file_does_not_stop_the_others() {
    let out = awsplain()
        .args(["--format", "json", "/nonexistent/one"])
        .arg(root().join("samples/formats/aws-cli.txt"))
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(json_lines(&out.stdout).len(), 1);
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent/one"));
}

#[test]
fn invalid_utf8_and_binary_noise_are_survived() {
    let mut input = b"\xff\xfe garbage \x00\x01\n".to_vec();
    input.extend_from_slice(b"An error occurred (ExpiredToken) when calling the GetCallerIdentity operation: \xffexpired\n");
    // Noise in the first 64 KiB would make the input binary, skipped whole (hostile.rs).
    input.extend_from_slice(&b"2026-01-01T00:00:00Z INFO ok\n".repeat(2600));
    input.extend((0..4096u32).map(|i| (i * 7919 % 251) as u8));
    input.extend_from_slice(b"\nAn error occurred (AccessDenied) when calling the ListBuckets operation: Access Denied\n");
    let out = awsplain()
        .args(["--format", "json"])
        .write_stdin(input)
        .output()
        .expect("runs");
    let recs = json_lines(&out.stdout);
    let codes: Vec<_> = recs
        .iter()
        .map(|r| r["error_code"].as_str().unwrap_or("").to_string())
        .collect();
    assert!(codes.contains(&"ExpiredToken".to_string()), "{codes:?}");
    assert!(codes.contains(&"AccessDenied".to_string()), "{codes:?}");
}

#[test]
fn json_records_carry_the_contract_keys() {
    let out = awsplain()
        .args(["--format", "json"])
        .arg(root().join("samples/formats/java-sdk-v1.txt"))
        .output()
        .expect("runs");
    let r = &json_lines(&out.stdout)[0];
    for k in awsplain::record::JSON_KEYS {
        assert!(r.get(k).is_some(), "missing {k}");
    }
    assert_eq!(r["status_code"], 400);
    assert_eq!(r["source"]["line"], 2);
}

/// The `(* example: ... *)` texts of `grammar/*.ebnf`, with their file: each is a whole error.
fn grammar_examples() -> Vec<(String, String)> {
    let mut v = Vec::new();
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join("grammar"))
        .expect("grammar dir")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "ebnf"))
        .collect();
    files.sort();
    for f in files {
        let text = std::fs::read_to_string(&f).expect("grammar file");
        let mut rest = text.as_str();
        while let Some(at) = rest.find("(* example: ") {
            let body = &rest[at + "(* example: ".len()..];
            let end = body.find(" *)").expect("an example comment is closed");
            let name = f.file_name().unwrap().to_string_lossy().into_owned();
            v.push((name, body[..end].to_string()));
            rest = &body[end..];
        }
    }
    v
}

#[test]
fn every_grammar_example_is_found() {
    let examples = grammar_examples();
    assert!(examples.len() >= 80, "examples: {}", examples.len());
    for (file, example) in examples {
        let records = awsplain::scan_str(&example);
        assert!(
            !records.is_empty(),
            "{file}: the example yields no record (a token or a context-only line is a `(* fragment: ... *)`):\n{example}"
        );
    }
}
