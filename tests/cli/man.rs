//! Integration tests: `awsplain man`, a page for awsplain and for each subcommand.

use crate::common::awsplain;

fn page(args: &[&str]) -> String {
    let out = awsplain().arg("man").args(args).assert().success();
    String::from_utf8(out.get_output().stdout.clone()).unwrap()
}

#[test]
fn every_page_the_top_page_names_is_generated() {
    let top = page(&[]);
    assert!(top.contains(".TH awsplain 1"), "{top}");
    let dir = tempfile::tempdir().unwrap();
    let out = awsplain()
        .args(["man", "--dir"])
        .arg(dir.path())
        .assert()
        .success();
    let listed = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    let mut files: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert_eq!(
        files,
        [
            "awsplain-completions.1",
            "awsplain-explain.1",
            "awsplain-man.1",
            "awsplain-run.1",
            "awsplain-tail.1",
            "awsplain-why.1",
            "awsplain.1"
        ]
    );
    assert_eq!(listed.lines().count(), files.len(), "{listed}");
    for f in files.iter().filter(|f| f.contains('-')) {
        let name = f.trim_end_matches(".1");
        let sub = &name["awsplain-".len()..];
        // The top page refers to it, and `man SUBCOMMAND` prints the same page.
        assert!(
            top.contains(&format!("{}(1)", name.replace('-', "\\-"))),
            "{name}"
        );
        let printed = page(&[sub]);
        assert_eq!(
            printed,
            std::fs::read_to_string(dir.path().join(f)).unwrap()
        );
    }
}

#[test]
fn pages_list_only_the_options_that_act_there() {
    let tail = page(&["tail"]);
    for opt in [
        "\\-\\-follow",
        "\\-\\-format",
        "\\-\\-max\\-count",
        "\\-\\-debug",
    ] {
        assert!(tail.contains(opt), "{opt}");
    }
    let man = page(&["man"]);
    for opt in [
        "\\-\\-format",
        "\\-\\-color",
        "\\-\\-summary",
        "\\-\\-redact",
        "\\-\\-debug",
    ] {
        assert!(!man.contains(opt), "{opt} on awsplain-man(1)");
    }
    let explain = page(&["explain"]);
    assert!(explain.contains("\\-\\-lang"));
    assert!(!explain.contains("\\-\\-count"));
}

#[test]
fn an_unknown_page_is_trouble() {
    let out = awsplain().args(["man", "nope"]).assert().code(2);
    let err = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert!(err.contains("tail"), "{err}");
}
