//! Integration tests: awsplain's own failures in one line each with the fix, the SDK's
//! detail only behind `--debug`.

use crate::common::{awsplain, without_aws_credentials};
use std::net::TcpListener;
use std::time::Duration;

/// `tail` with no credentials anywhere the SDK looks.
fn tail_without_credentials() -> assert_cmd::Command {
    let mut c = awsplain();
    c.args(["tail", "/ecs/web", "--region", "us-east-1"]);
    without_aws_credentials(&mut c).timeout(Duration::from_secs(60));
    c
}

fn stderr_of(c: &mut assert_cmd::Command) -> String {
    let out = c.assert().code(2).get_output().clone();
    assert!(out.stdout.is_empty(), "{:?}", out.stdout);
    String::from_utf8(out.stderr).unwrap()
}

#[test]
fn endpoint_without_scheme_is_one_line_with_the_fix() {
    let err = stderr_of(
        awsplain()
            .args(["tail", "/ecs/web", "--region", "us-east-1"])
            .args(["--endpoint-url", "127.0.0.1:5055"])
            .env("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE")
            .env(
                "AWS_SECRET_ACCESS_KEY",
                "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            ),
    );
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("http://127.0.0.1:5055"), "{err}");
    assert!(err.contains("https://"), "{err}");
    let err = stderr_of(
        awsplain()
            .args(["tail", "/ecs/web", "--region", "us-east-1"])
            .args(["--endpoint-url", "ftp://127.0.0.1:5055"]),
    );
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("http:// or https://"), "{err}");
}

#[test]
fn missing_credentials_list_the_ways_without_a_dump() {
    let err = stderr_of(&mut tail_without_credentials());
    let first = err.lines().next().unwrap();
    assert!(
        first.starts_with("awsplain: no AWS credentials found"),
        "{err}"
    );
    for way in [
        "AWS_ACCESS_KEY_ID",
        "--profile",
        "aws sso login",
        "IAM role",
    ] {
        assert!(err.contains(way), "{way}: {err}");
    }
    for dump in ["ProviderError", "CredentialsNotLoaded", "(", "debug:"] {
        if dump == "(" {
            // Only the list's own parentheses.
            assert!(!first.contains("(Cred"), "{err}");
            continue;
        }
        assert!(!err.contains(dump), "{dump}: {err}");
    }
    let err = stderr_of(tail_without_credentials().arg("--debug"));
    assert!(err.contains("awsplain: debug: "), "{err}");
    assert!(err.contains("Environment"), "{err}");
}

#[test]
fn an_unreachable_endpoint_is_one_line_and_debug_adds_the_sdk_error() {
    let closed = {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}", l.local_addr().unwrap())
    };
    let run = |debug: bool| {
        let mut c = awsplain();
        c.args([
            "tail",
            "/ecs/web",
            "--region",
            "us-east-1",
            "--endpoint-url",
            &closed,
        ])
        .env("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE")
        .env(
            "AWS_SECRET_ACCESS_KEY",
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        )
        .timeout(Duration::from_secs(60));
        if debug {
            c.arg("--debug");
        }
        stderr_of(&mut c)
    };
    let err = run(false);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("could not call CloudWatch Logs"), "{err}");
    assert!(err.contains("refused"), "{err}");
    assert!(err.contains("--debug"), "{err}");
    assert!(!err.contains("dispatch failure"), "{err}");
    let err = run(true);
    assert!(err.contains("awsplain: debug: dispatch failure"), "{err}");
}
