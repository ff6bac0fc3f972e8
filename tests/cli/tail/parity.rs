//! `tail` against the emulator: a group that fails next to good ones, what `aws logs tail`
//! users type (`--format short|detailed`; the stream options are tested with the others),
//! `-C` context lines, Live Tail sessions renewed with backoff and each event shown once,
//! GitHub annotations that say where.

use super::{
    emulator, lambda_event, noise, now_ms, put, put_in, sfn_event, tail, tail_as, unique_group,
};
use crate::common::{awsplain, json_lines};
use std::time::{Duration, Instant};

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn a_missing_group_is_reported_and_the_good_groups_records_still_come_with_exit_2() {
    let Some(ep) = emulator() else { return };
    let (good, other) = (unique_group("partial-good"), unique_group("partial-other"));
    let missing = unique_group("partial-missing");
    let t = now_ms() - 60_000;
    put(
        &ep,
        &good,
        &[("s", t, sfn_event(1)), ("s", t + 1, lambda_event(2))],
    );
    put(&ep, &other, &[("s", t + 2, noise(3))]);

    let out = tail(&ep)
        .args([&good, &missing, "--since", "5m"])
        .assert()
        .code(2)
        .get_output()
        .clone();
    let recs = json_lines(&out.stdout);
    assert_eq!(recs.len(), 2, "{recs:?}");
    assert!(recs
        .iter()
        .all(|r| r["source"]["log_group"] == good.as_str()));
    let err = text(&out.stderr);
    assert_eq!(
        err.lines().count(),
        1,
        "one line for the missing group: {err}"
    );
    assert!(err.contains(&missing) && err.contains("not found"), "{err}");

    // --count: the group that worked, per group as rg -c does; no total, nothing for the
    // missing one, and nothing for a group read without errors.
    let out = tail(&ep)
        .args([&missing, &good, &other, "--since", "5m", "--count"])
        .assert()
        .code(2)
        .get_output()
        .clone();
    assert_eq!(text(&out.stdout), format!("{good}:2\n"));

    // One group that cannot be read: no count at all (`n=$(...)` must not get 0).
    tail(&ep)
        .args([&missing, "--count"])
        .assert()
        .code(2)
        .stdout("");
    // Every group read: per-group counts, exit 0.
    tail(&ep)
        .args([&good, &other, "--since", "5m", "--count"])
        .assert()
        .code(0)
        .stdout(format!("{good}:2\n"));
}

#[test]
fn follow_goes_on_with_the_groups_that_exist() {
    let Some(ep) = emulator() else { return };
    let good = unique_group("follow-partial");
    let missing = unique_group("follow-partial-missing");
    put(&ep, &good, &[("s", now_ms() - 60_000, sfn_event(1))]);
    let out = tail(&ep)
        .args([
            &missing,
            &good,
            "--follow",
            "--since",
            "5m",
            "--until",
            "1s",
            "--interval",
            "300ms",
        ])
        .assert()
        .code(2)
        .get_output()
        .clone();
    assert_eq!(json_lines(&out.stdout).len(), 1);
    let err = text(&out.stderr);
    assert_eq!(err.matches("not found").count(), 1, "reported once: {err}");
    assert!(!err.contains("follow stopped"), "{err}");
}

#[test]
fn short_and_detailed_formats_as_aws_logs_tail_names_them() {
    let Some(ep) = emulator() else { return };
    let g = unique_group("parity");
    let t = now_ms() - 60_000;
    put(
        &ep,
        &g,
        &[
            ("web/1", t, sfn_event(1)),
            ("web/2", t + 1, lambda_event(2)),
            ("job/1", t + 2, lambda_event(3)),
        ],
    );
    // short: one line per error; detailed: the human blocks.
    let short = tail_as(&ep, "short")
        .args([&g, "--since", "5m"])
        .assert()
        .code(0)
        .get_output()
        .clone();
    let short = text(&short.stdout);
    assert_eq!(short.lines().count(), 3, "{short}");
    assert!(
        short.lines().all(|l| l.contains("AccessDeniedException")),
        "{short}"
    );
    let detailed = tail_as(&ep, "detailed")
        .args([&g, "--since", "5m", "--no-collapse"])
        .assert()
        .code(0)
        .get_output()
        .clone();
    let human = tail_as(&ep, "human")
        .args([&g, "--since", "5m", "--no-collapse"])
        .assert()
        .code(0)
        .get_output()
        .clone();
    assert_eq!(text(&detailed.stdout), text(&human.stdout));
    assert!(text(&detailed.stdout).contains("fix ["));
}

#[test]
fn context_lines_come_from_the_event_and_its_stream_neighbours_escaped() {
    let Some(ep) = emulator() else { return };
    let g = unique_group("context");
    let t = now_ms() - 60_000;
    let error = lambda_event(1);
    put(
        &ep,
        &g,
        &[
            ("a", t, "far before".to_string()),
            ("a", t + 1, "colour \x1b[31mred".to_string()),
            ("a", t + 2, "second\nthird".to_string()),
            ("a", t + 3, error.clone()),
            ("b", t + 3, "another stream".to_string()),
            ("a", t + 4, "after one".to_string()),
            ("a", t + 5, "after two".to_string()),
            ("a", t + 6, "after three".to_string()),
            ("a", t + 7, "far after".to_string()),
        ],
    );
    let out = tail_as(&ep, "short")
        .args([&g, "--since", "5m", "-C", "3"])
        .assert()
        .code(0)
        .get_output()
        .clone();
    let shown = text(&out.stdout);
    let lines: Vec<&str> = shown.lines().collect();
    assert_eq!(lines.len(), 9, "{shown}");
    assert_eq!(lines[0], format!("{g} a:"));
    let tails: Vec<&str> = lines[1..8]
        .iter()
        .map(|l| l.split_once(['|', '>']).unwrap().1.trim_start())
        .collect();
    assert_eq!(
        tails,
        [
            "colour \\u{1b}[31mred",
            "second",
            "third",
            error.as_str(),
            "after one",
            "after two",
            "after three"
        ],
        "{shown}"
    );
    assert!(lines[4].contains(" > "), "the error's own line: {shown}");
    assert!(lines[8].contains("AccessDeniedException"), "{shown}");
    assert!(!shown.contains('\x1b'), "log text escaped: {shown:?}");

    // --redact masks the lines as it masks the records (the error's line names an account).
    let out = tail_as(&ep, "short")
        .args([&g, "--since", "5m", "-C", "1", "--redact"])
        .assert()
        .code(0)
        .get_output()
        .clone();
    let shown = text(&out.stdout);
    assert!(shown.contains("> {\"errorType\""), "{shown}");
    assert!(!shown.contains("123456789012"), "{shown}");

    let out = tail(&ep)
        .args([&g, "--since", "5m", "--context", "1"])
        .assert()
        .code(0)
        .get_output()
        .clone();
    let recs = json_lines(&out.stdout);
    assert_eq!(recs.len(), 1);
    let ctx = &recs[0]["context"];
    assert_eq!(ctx["log_stream"], "a");
    assert_eq!(ctx["before"][0]["line"], "third");
    assert_eq!(ctx["before"][0]["timestamp"], t + 2);
    assert_eq!(ctx["error"][0]["line"], error.as_str());
    assert_eq!(ctx["after"][0]["line"], "after one");
    assert_eq!(ctx["after"].as_array().unwrap().len(), 1);
}

#[test]
fn live_tail_renews_sessions_with_backoff_and_shows_each_event_once() {
    let Some(ep) = emulator() else { return };
    let g = unique_group("live");
    let missing = unique_group("live-missing");
    let t = now_ms() - 30_000;
    // moto 5 takes a Live Tail group identifier for the group created last in the account and
    // region (its lookup loop does not stop at the match), so this test has a region of its
    // own, where it creates the only group.
    const REGION: &str = "eu-west-3";
    put_in(
        &ep,
        REGION,
        &g,
        &[
            ("a", t, sfn_event(1)),
            ("a", t + 1, noise(2)),
            ("b", t + 1, lambda_event(3)),
            ("a", t + 2, lambda_event(4)),
            ("b", t + 3, sfn_event(5)),
        ],
    );
    // The emulator answers each session with the whole group and closes it.
    let until = awsplain::time::format_rfc3339(now_ms() + 5_000);
    let started = Instant::now();
    let out = tail(&ep)
        .args([
            &g, &missing, "--live", "--until", &until, "--region", REGION,
        ])
        .assert()
        .code(2)
        .get_output()
        .clone();
    assert!(started.elapsed() < Duration::from_secs(30));
    let recs = json_lines(&out.stdout);
    let mut keys: Vec<(String, i64)> = recs
        .iter()
        .map(|r| {
            (
                r["source"]["log_stream"].as_str().unwrap().to_string(),
                r["source"]["timestamp"].as_i64().unwrap(),
            )
        })
        .collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            ("a".to_string(), t),
            ("a".to_string(), t + 2),
            ("b".to_string(), t + 1),
            ("b".to_string(), t + 3)
        ],
        "each event once: {recs:?}"
    );
    assert!(recs.iter().all(|r| r["source"]["event_id"].is_null()));
    let err = text(&out.stderr);
    let renewed = err.matches("starting a new one").count();
    // Without backoff (a session every 0.5 s) there would be about ten.
    assert!((2..=6).contains(&renewed), "{renewed} renewals: {err}");
    assert!(
        err.contains(&missing) && err.contains("not found"),
        "the missing group is reported: {err}"
    );
}

#[test]
fn github_annotations_from_tail_name_group_stream_and_time() {
    let Some(ep) = emulator() else { return };
    let g = unique_group("github");
    let t = now_ms() - 60_000;
    put(&ep, &g, &[("web/1", t, lambda_event(1))]);
    let out = tail_as(&ep, "github")
        .args([&g, "--since", "5m"])
        .env_remove("GITHUB_STEP_SUMMARY")
        .assert()
        .code(0)
        .get_output()
        .clone();
    let shown = text(&out.stdout);
    let when = awsplain::time::format_rfc3339(t);
    assert!(shown.starts_with("::error title="), "{shown}");
    assert!(
        shown.contains(&format!("%0ALog group: {g}, stream web/1, at {when}")),
        "{shown}"
    );
}

#[test]
fn options_that_cannot_go_together_are_refused_with_the_reason() {
    let refused = |args: &[&str], why: &str| {
        let out = awsplain()
            .arg("tail")
            .args(args)
            .assert()
            .code(2)
            .stdout("")
            .get_output()
            .clone();
        let err = text(&out.stderr);
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.contains(why), "{why} in {err}");
    };
    refused(
        &["g", "--filter-pattern", "ERROR", "--all-events"],
        "--all-events sends no pattern",
    );
    refused(&["g", "-C", "2", "--insights"], "Logs Insights query");
    refused(
        &["g", "-C", "2", "--format", "github"],
        "GitHub annotations",
    );
}

#[test]
fn tail_help_shows_its_own_options_apart_from_the_output_ones() {
    let out = awsplain().args(["tail", "--help"]).output().unwrap();
    let help = text(&out.stdout);
    let at = |s: &str| help.find(s).unwrap_or_else(|| panic!("{s} in {help}"));
    let output = at("\nOutput (every command):");
    for own in [
        "--since",
        "--stream-prefix",
        "--follow",
        "--context",
        "--profile",
    ] {
        assert!(at(own) < output, "{own} before the output options");
    }
    for shared in ["--format", "--count", "--max-count"] {
        assert!(at(shared) > output, "{shared} under the output options");
    }
    for heading in ["\nWhich events:", "\nAWS connection:", "\nTime window:"] {
        at(heading);
    }
    assert!(help.contains("--log-stream-name-prefix") && help.contains("--log-stream-names"));
}
