#!/usr/bin/env python3
"""Write a seeded synthetic log for scripts/bench.py: MEGABYTES of lines, ERROR_PERCENT of them
AWS errors in six shapes (Java SDK, Step Functions task event, botocore, Go SDK v2, Lambda JSON
error with an SCP deny, expired token); the rest ordinary application, JSON access and Lambda
platform lines.

usage: gen_bench_log.py MEGABYTES [ERROR_PERCENT] > file.log
"""
import json
import random
import sys

R = random.Random(7)


def stamp():
    return "2026-11-%02dT%02d:%02d:%02d.%03dZ" % (
        R.randint(1, 28), R.randint(0, 23), R.randint(0, 59), R.randint(0, 59), R.randint(0, 999))


def uuid():
    h = "%032x" % R.getrandbits(128)
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def account():
    return str(R.randrange(10**11, 10**12))


def ordinary():
    pick = R.random()
    if pick < 0.45:
        return f"{stamp()} INFO  [pool-{R.randint(1, 32)}] handled order={R.getrandbits(28)} lines={R.randint(1, 90)} took={R.randint(1, 4000)}ms"
    if pick < 0.75:
        return json.dumps({"ts": stamp(), "level": R.choice(["INFO", "DEBUG", "WARN"]), "req": uuid(),
                           "msg": f"POST /v2/carts/{R.getrandbits(20)} 201", "ms": R.randint(1, 700)})
    if pick < 0.9:
        if R.random() < 0.5:
            return f"START RequestId: {uuid()} Version: $LATEST"
        return f"REPORT RequestId: {uuid()}\tDuration: {R.random() * 700:.2f} ms\tBilled Duration: {R.randint(1, 700)} ms\tMemory Size: 256 MB\tMax Memory Used: {R.randint(50, 256)} MB"
    return f"{stamp()} WARN  upstream call failed, will retry: connection refused (try {R.randint(1, 4)})"


def aws_error():
    acct, rid = account(), uuid()
    role = R.choice(["etl-runner", "sfn-orchestrator", "build-agent", "api-handler"])
    shape = R.randrange(6)
    if shape == 0:
        return (f"{stamp()} ERROR User: arn:aws:sts::{acct}:assumed-role/{role}/s{R.getrandbits(16)} is not authorized to perform: "
                f"iam:PassRole on resource: arn:aws:iam::{acct}:role/taskRole because no identity-based policy allows the "
                f"iam:PassRole action (Service: AmazonECS; Status Code: 400; Error Code: AccessDeniedException; Request ID: {rid}; Proxy: null)")
    if shape == 1:
        cause = ("Network Configuration must be provided when networkMode 'awsvpc' is specified. (Service: AmazonECS; "
                 f"Status Code: 400; Error Code: InvalidParameterException; Request ID: {rid}; Proxy: null)")
        return json.dumps({"id": R.randint(1, 30), "type": "TaskFailed",
                           "details": {"error": "ECS.InvalidParameterException", "cause": cause, "resource": "runTask.sync"}})
    if shape == 2:
        return f"{stamp()} ERROR An error occurred (ThrottlingException) when calling the PutLogEvents operation (reached max retries: 4): Rate exceeded"
    if shape == 3:
        return (f"{stamp()} ERROR operation error S3: PutObject, https response error StatusCode: 403, RequestID: "
                f"{rid[:16].upper()}, HostID: {uuid()}, api error AccessDenied: Access Denied")
    if shape == 4:
        msg = (f"User: arn:aws:sts::{acct}:assumed-role/{role}/fn is not authorized to perform: sqs:SendMessage on resource: "
               f"arn:aws:sqs:eu-west-1:{acct}:jobs with an explicit deny in a service control policy")
        return json.dumps({"errorType": "AccessDeniedException", "errorMessage": msg, "stackTrace": []})
    return f"{stamp()} ERROR An error occurred (ExpiredTokenException) when calling the AssumeRole operation: The security token included in the request is expired"


def main():
    size = float(sys.argv[1]) * 1024 * 1024
    pct = float(sys.argv[2]) if len(sys.argv) > 2 else 1.0
    written = 0
    out = sys.stdout
    while written < size:
        line = aws_error() if R.random() * 100 < pct else ordinary()
        out.write(line + "\n")
        written += len(line) + 1


if __name__ == "__main__":
    main()
