//! Integration tests: directory arguments searched recursively by ripgrep's rules.

use crate::common::{awsplain, json_lines, root};
use std::path::Path;

/// A checkout with logs at several depths, a hidden one, an ignored one and a binary one.
fn tree() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let sample = |name: &str| std::fs::read(root().join("samples/formats").join(name)).unwrap();
    for sub in [".git", "logs/deep", ".cache", "build"] {
        std::fs::create_dir_all(d.join(sub)).unwrap();
    }
    std::fs::write(d.join(".gitignore"), "build/\n*.tmp\n").unwrap();
    std::fs::write(d.join("logs/app.log"), sample("aws-cli.txt")).unwrap();
    std::fs::write(d.join("logs/deep/worker.log"), sample("java-sdk-v1.txt")).unwrap();
    std::fs::write(d.join("logs/clean.log"), "all good\n").unwrap();
    std::fs::write(d.join("logs/scratch.tmp"), sample("aws-cli.txt")).unwrap();
    std::fs::write(d.join("build/out.log"), sample("aws-cli.txt")).unwrap();
    std::fs::write(d.join(".cache/old.log"), sample("aws-cli.txt")).unwrap();
    let mut binary: Vec<u8> = (0..=255u8).cycle().take(8192).collect();
    binary.extend_from_slice(&sample("aws-cli.txt"));
    std::fs::write(d.join("logs/core.bin"), &binary).unwrap();
    std::fs::write(d.join("logs/deep/dump.bin"), &binary).unwrap();
    dir
}

fn rel(d: &Path, name: &str) -> String {
    d.join(name).to_string_lossy().into_owned()
}

#[test]
fn a_directory_is_searched_skipping_hidden_ignored_and_binary_files() {
    let dir = tree();
    let d = dir.path();
    let out = awsplain()
        .args(["--format", "json"])
        .arg(d)
        .assert()
        .code(0);
    let out = out.get_output();
    let names: Vec<String> = json_lines(&out.stdout)
        .iter()
        .map(|r| r["source"]["name"].as_str().unwrap().to_string())
        .collect();
    let mut files = names.clone();
    files.dedup();
    assert_eq!(
        files,
        [rel(d, "logs/app.log"), rel(d, "logs/deep/worker.log")]
    );
    let err = String::from_utf8(out.stderr.clone()).unwrap();
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("2 binary files skipped"), "{err}");
}

#[test]
fn count_over_a_directory_is_per_file() {
    let dir = tree();
    let d = dir.path();
    let out = awsplain().arg("--count").arg(d).assert().code(0);
    let stdout = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    let app = awsplain()
        .arg("--count")
        .arg(d.join("logs/app.log"))
        .assert()
        .code(0);
    let n = String::from_utf8(app.get_output().stdout.clone()).unwrap();
    assert_eq!(
        stdout,
        format!(
            "{}:{}\n{}:1\n",
            rel(d, "logs/app.log"),
            n.trim(),
            rel(d, "logs/deep/worker.log")
        )
    );
    // A directory with nothing in it is a search that found nothing.
    let empty = tempfile::tempdir().unwrap();
    awsplain().arg(empty.path()).assert().code(1);
}
