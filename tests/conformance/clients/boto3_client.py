#!/usr/bin/env python3
"""Conformance client for boto3: makes each failing call of cases.json and prints the error the
ways a boto3 user sees it, one JSON line per printed text on stdout:

  {"case": ID, "view": VIEW, "text": TEXT, "truth": {...the ClientError's fields...}}

Views: `uncaught` (the traceback Python prints for an uncaught ClientError: the call is made again
in a child process that lets the exception escape, its stderr is the text) and `print`
(`print(e)`). Environment: CONFORM_ENDPOINT, CONFORM_CREDS (the JSON setup_world.py wrote),
CONFORM_CASES (cases.json).

`--uncaught ID` is the child: it makes case ID's call, writes the truth to CONFORM_TRUTH and
lets the error go uncaught.
"""
import json
import os
import subprocess
import sys

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

REGION = "us-east-1"


def load():
    cases = json.load(open(os.environ["CONFORM_CASES"]))["cases"]
    creds = json.load(open(os.environ["CONFORM_CREDS"]))
    return cases, creds


def snake(name):
    out = ""
    for i, ch in enumerate(name):
        if ch.isupper() and i and (not name[i - 1].isupper() or
                                   (i + 1 < len(name) and name[i + 1].islower())):
            out += "_"
        out += ch.lower()
    return out


def make_client(case, creds):
    c = creds[case.get("creds", "admin")]
    return boto3.client(case["service"], region_name=REGION,
                        endpoint_url=os.environ["CONFORM_ENDPOINT"],
                        aws_access_key_id=c["key"], aws_secret_access_key=c["secret"],
                        config=Config(s3={"addressing_style": "path"},
                                      retries={"max_attempts": 1}))


def params_of(case):
    params = dict(case["params"])
    for blob in ("Plaintext", "CiphertextBlob", "Body"):
        if blob in params:
            params[blob] = params[blob].encode()
    return params


def truth_of(client, e):
    meta = e.response.get("ResponseMetadata", {})
    return {"error_code": e.response.get("Error", {}).get("Code"),
            "status_code": meta.get("HTTPStatusCode"),
            "request_id": meta.get("RequestId") or None,
            "operation": e.operation_name,
            "message": e.response.get("Error", {}).get("Message"),
            "service": client.meta.service_model.service_name,
            "class": type(e).__module__ + "." + type(e).__name__}


def call(case, creds):
    client = make_client(case, creds)
    method = getattr(client, snake(case["op"]))
    return client, method


def child(case_id):
    cases, creds = load()
    case = next(c for c in cases if c["id"] == case_id)
    client, method = call(case, creds)
    try:
        method(**params_of(case))
    except ClientError as e:
        with open(os.environ["CONFORM_TRUTH"], "w") as f:
            json.dump(truth_of(client, e), f)
        raise
    sys.exit("the call did not fail")


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--uncaught":
        return child(sys.argv[2])
    cases, creds = load()
    only = set(sys.argv[1:])
    truth_path = os.path.join(os.environ.get("TMPDIR", "/tmp"), "conform-boto3-%d.json" % os.getpid())
    for case in cases:
        if only and case["id"] not in only:
            continue
        client, method = call(case, creds)
        try:
            method(**params_of(case))
            print(json.dumps({"case": case["id"], "error": "the call did not fail"}), flush=True)
            continue
        except ClientError as e:
            print(json.dumps({"case": case["id"], "view": "print", "text": str(e) + "\n",
                              "truth": truth_of(client, e)}), flush=True)
        env = dict(os.environ, CONFORM_TRUTH=truth_path)
        p = subprocess.run([sys.executable, os.path.abspath(__file__), "--uncaught", case["id"]],
                           env=env, capture_output=True, text=True, timeout=120)
        try:
            truth = json.load(open(truth_path))
            os.unlink(truth_path)
        except (OSError, ValueError):
            print(json.dumps({"case": case["id"], "view": "uncaught",
                              "error": "child wrote no truth: " + p.stderr[-500:]}), flush=True)
            continue
        print(json.dumps({"case": case["id"], "view": "uncaught", "text": p.stderr,
                          "truth": truth}), flush=True)


if __name__ == "__main__":
    main()
