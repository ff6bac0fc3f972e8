#!/usr/bin/env python3
"""Conformance client for the AWS CLI v1: runs each failing call of cases.json as an `aws`
command and takes the CLI's stderr as the text, one JSON line per case on stdout:

  {"case": ID, "view": "stderr", "text": STDERR, "truth": {...}}

Each command is awscli's clidriver, as the `aws` script starts it, run in this process with file
descriptor 2 pointed at a file (so the text is byte for byte what `aws` writes to stderr; one
process for all commands saves a Python start and the CLI's imports per command). A botocore
`after-call` hook records the parsed error response, the truth. The parameters go in with
`--cli-input-json` (as options for the commands with an output file). The keys of a case are
in the environment (AWS_ACCESS_KEY_ID, ...) while its command runs.
Environment: CONFORM_ENDPOINT, CONFORM_CREDS, CONFORM_CASES.
"""
import json
import os
import sys
import tempfile

REGION = "us-east-1"
# Commands whose CLI form takes an output file as a positional argument.
OUTFILE_OPS = {"GetObject", "Invoke"}


def load():
    cases = json.load(open(os.environ["CONFORM_CASES"]))["cases"]
    creds = json.load(open(os.environ["CONFORM_CREDS"]))
    return cases, creds


def run_one(case, creds, scratch):
    """(stderr text, truth, exit status) of the case's `aws` command."""
    from awscli.clidriver import create_clidriver
    from botocore import xform_name

    c = creds[case.get("creds", "admin")]
    os.environ.update(AWS_ACCESS_KEY_ID=c["key"], AWS_SECRET_ACCESS_KEY=c["secret"])
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
            body = os.path.join(scratch, "body")
            with open(body, "w") as f:
                f.write(params["Body"])
            params["Body"] = body
        args += ["--cli-input-json", json.dumps(params)]
    err_path = os.path.join(scratch, "stderr")
    sys.stderr.flush()
    saved = os.dup(2)
    with open(err_path, "wb") as err:
        os.dup2(err.fileno(), 2)
        try:
            rc = driver.main(args)
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)
    with open(err_path, encoding="utf-8", errors="replace") as f:
        return f.read(), truth, rc


def main():
    cases, creds = load()
    only = set(sys.argv[1:])
    scratch = tempfile.mkdtemp(prefix="conform-awscli-")
    config = os.path.join(scratch, "config")
    with open(config, "w") as f:
        f.write("[default]\nregion = %s\ns3 =\n    addressing_style = path\n" % REGION)
    for k in ("AWS_PROFILE", "AWS_SESSION_TOKEN"):
        os.environ.pop(k, None)
    os.environ.update(AWS_CONFIG_FILE=config, AWS_SHARED_CREDENTIALS_FILE=os.devnull,
                      AWS_DEFAULT_REGION=REGION, AWS_MAX_ATTEMPTS="1", AWS_PAGER="")
    for case in cases:
        if only and case["id"] not in only:
            continue
        text, truth, rc = run_one(case, creds, scratch)
        if not truth or rc == 0:
            print(json.dumps({"case": case["id"], "view": "stderr",
                              "error": "no error response (rc %d): %s" % (rc, text[-500:])}),
                  flush=True)
            continue
        print(json.dumps({"case": case["id"], "view": "stderr", "text": text, "truth": truth}),
              flush=True)


if __name__ == "__main__":
    sys.exit(main())
