#!/usr/bin/env python3
"""Conformance client for boto3: makes each failing call of cases.json and prints the error the
ways a boto3 user sees it, one JSON line per printed text on stdout:

  {"case": ID, "view": VIEW, "text": TEXT, "truth": {...the ClientError's fields...}}

Views: `uncaught` (the traceback Python prints for an uncaught ClientError: the call is made again
in a forked child process whose stderr goes to a file and which lets the exception escape to
the interpreter; forked rather than started anew to spare boto3's imports) and `print`
(`print(e)`). Environment: CONFORM_ENDPOINT, CONFORM_CREDS (the JSON setup_world.py wrote),
CONFORM_CASES (cases.json).
"""
import json
import os
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


def uncaught_child(case, creds, truth_path, err_path):
    """In the forked child: stderr to err_path, the call, the truth written, the error let go."""
    fd = os.open(err_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.dup2(fd, 2)
    client, method = call(case, creds)
    try:
        method(**params_of(case))
    except ClientError as e:
        with open(truth_path, "w") as f:
            json.dump(truth_of(client, e), f)
        raise
    os._exit(3)


def main():
    cases, creds = load()
    only = set(sys.argv[1:])
    scratch = os.environ.get("TMPDIR", "/tmp")
    truth_path = os.path.join(scratch, "conform-boto3-%d.json" % os.getpid())
    err_path = os.path.join(scratch, "conform-boto3-%d.err" % os.getpid())
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
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            uncaught_child(case, creds, truth_path, err_path)
        os.waitpid(pid, 0)
        try:
            truth = json.load(open(truth_path))
            os.unlink(truth_path)
            text = open(err_path, encoding="utf-8", errors="replace").read()
        except (OSError, ValueError) as e:
            print(json.dumps({"case": case["id"], "view": "uncaught",
                              "error": "child wrote no truth: %s" % e}), flush=True)
            continue
        print(json.dumps({"case": case["id"], "view": "uncaught", "text": text,
                          "truth": truth}), flush=True)


if __name__ == "__main__":
    main()
