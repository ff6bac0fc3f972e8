#!/usr/bin/env python3
"""Conformance client for the AWS CLI v1: runs each failing call of cases.json as an `aws`
command and takes the CLI's stderr as the text, one JSON line per case on stdout:

  {"case": ID, "view": "stderr", "text": STDERR, "truth": {...}}

Each command runs in a child process (`--one ID`) that is the `aws` program itself (awscli's
clidriver, as the `aws` script starts it) with a botocore `after-call` hook that writes the parsed
error response, the truth, to CONFORM_TRUTH. The parameters go in with `--cli-input-json`
(as options for the commands with an output file).
Environment: CONFORM_ENDPOINT, CONFORM_CREDS, CONFORM_CASES.
"""
import json
import os
import subprocess
import sys
import tempfile

REGION = "us-east-1"
# Commands whose CLI form takes an output file as a positional argument.
OUTFILE_OPS = {"GetObject", "Invoke"}


def load():
    cases = json.load(open(os.environ["CONFORM_CASES"]))["cases"]
    creds = json.load(open(os.environ["CONFORM_CREDS"]))
    return cases, creds


def child(case_id):
    from awscli.clidriver import create_clidriver
    from botocore import xform_name

    cases, creds = load()
    case = next(c for c in cases if c["id"] == case_id)
    driver = create_clidriver()
    truth = {}

    def after_call(http_response=None, parsed=None, model=None, **kwargs):
        if parsed and "Error" in parsed:
            meta = parsed.get("ResponseMetadata", {})
            truth.update({"error_code": parsed["Error"].get("Code"),
                          "status_code": meta.get("HTTPStatusCode"),
                          "request_id": meta.get("RequestId") or None,
                          "operation": model.name if model else None,
                          "message": parsed["Error"].get("Message"),
                          "service": case["service"]})

    driver.session.register("after-call", after_call)
    command = "s3api" if case["service"] == "s3" else case["service"]
    args = [command, xform_name(case["op"], "-"), "--endpoint-url", os.environ["CONFORM_ENDPOINT"]]
    if case["op"] in OUTFILE_OPS:
        # These take their (string) parameters as options: --cli-input-json does not fill the
        # required ones before the positional output file is checked.
        for name, value in case["params"].items():
            args += ["--" + xform_name(name, "-"), value]
        args.append(os.devnull)
    else:
        params = dict(case["params"])
        if case["op"] == "PutObject":
            # The CLI reads a streaming body from the file it names.
            body = os.path.join(os.path.dirname(os.environ["CONFORM_TRUTH"]), "body")
            with open(body, "w") as f:
                f.write(params["Body"])
            params["Body"] = body
        args += ["--cli-input-json", json.dumps(params)]
    rc = driver.main(args)
    with open(os.environ["CONFORM_TRUTH"], "w") as f:
        json.dump(truth, f)
    return rc


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--one":
        return child(sys.argv[2])
    cases, creds = load()
    only = set(sys.argv[1:])
    scratch = tempfile.mkdtemp(prefix="conform-awscli-")
    config = os.path.join(scratch, "config")
    with open(config, "w") as f:
        f.write("[default]\nregion = %s\ns3 =\n    addressing_style = path\n" % REGION)
    truth_path = os.path.join(scratch, "truth.json")
    for case in cases:
        if only and case["id"] not in only:
            continue
        c = creds[case.get("creds", "admin")]
        env = dict(os.environ, AWS_ACCESS_KEY_ID=c["key"], AWS_SECRET_ACCESS_KEY=c["secret"],
                   AWS_CONFIG_FILE=config, AWS_SHARED_CREDENTIALS_FILE=os.devnull,
                   AWS_DEFAULT_REGION=REGION, AWS_MAX_ATTEMPTS="1", AWS_PAGER="",
                   CONFORM_TRUTH=truth_path)
        env.pop("AWS_PROFILE", None)
        env.pop("AWS_SESSION_TOKEN", None)
        p = subprocess.run([sys.executable, os.path.abspath(__file__), "--one", case["id"]],
                           env=env, capture_output=True, text=True, timeout=120)
        try:
            truth = json.load(open(truth_path))
            os.unlink(truth_path)
        except (OSError, ValueError):
            truth = {}
        if not truth or p.returncode == 0:
            print(json.dumps({"case": case["id"], "view": "stderr",
                              "error": "no error response (rc %d): %s" % (p.returncode, p.stderr[-500:])}),
                  flush=True)
            continue
        print(json.dumps({"case": case["id"], "view": "stderr", "text": p.stderr,
                          "truth": truth}), flush=True)


if __name__ == "__main__":
    sys.exit(main())
