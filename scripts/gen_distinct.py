#!/usr/bin/env python3
"""Write a log in which almost every AWS error has a record shape of its own, for benchmarks
of remedy building without help from the remedy caches.

usage: gen_distinct.py MEGABYTES [ERROR_PERCENT] > file.log

The log generator of ../shared/bench (gen_log.py) repeats six errors that differ in account ids,
session names and request ids: the caches answer most of them. Here the caller's role, the
action, the resource, the operation and the wrapper format change from error to error, in the
shapes the SDKs and the AWS CLI print (Java SDK, botocore, Go SDK v2, Lambda's JSON), and the
remedies span the catalog's generated kinds: identity policies, PassRole, resource and key
policies, trust policies, boundaries, organization policies, throttling and quotas.
Deterministic (seeded), so runs are comparable.
"""
import json
import random
import sys

mb = float(sys.argv[1])
err_pct = float(sys.argv[2]) if len(sys.argv) > 2 else 100.0
rnd = random.Random(7)


def acct():
    return "%012d" % rnd.randrange(10**11, 10**12)


def rid():
    return "%08x-%04x-%04x-%04x-%012x" % (
        rnd.getrandbits(32), rnd.getrandbits(16), rnd.getrandbits(16),
        rnd.getrandbits(16), rnd.getrandbits(48))


def ts():
    return "2026-11-%02dT%02d:%02d:%02d.%03dZ" % (
        rnd.randint(1, 28), rnd.randint(0, 23), rnd.randint(0, 59),
        rnd.randint(0, 59), rnd.randint(0, 999))


WORDS = ["orders", "billing", "ingest", "etl", "reports", "web", "api", "batch", "ml", "audit",
         "search", "media", "events", "sync", "export", "import", "auth", "notify"]


def name():
    return "%s-%s-%d" % (rnd.choice(WORDS), rnd.choice(WORDS), rnd.getrandbits(24))


# (service for the Java SDK, action, ARN of the resource given the account, operation)
ACTIONS = [
    ("AmazonS3", "s3:GetObject", lambda a: "arn:aws:s3:::%s/%s.csv" % (name(), name()), "GetObject"),
    ("AmazonS3", "s3:PutObject", lambda a: "arn:aws:s3:::%s/in/%s" % (name(), name()), "PutObject"),
    ("AmazonDynamoDBv2", "dynamodb:PutItem", lambda a: "arn:aws:dynamodb:us-east-1:%s:table/%s" % (a, name()), "PutItem"),
    ("AmazonDynamoDBv2", "dynamodb:Query", lambda a: "arn:aws:dynamodb:eu-west-1:%s:table/%s/index/by-date" % (a, name()), "Query"),
    ("AWSLambda", "lambda:InvokeFunction", lambda a: "arn:aws:lambda:us-west-2:%s:function:%s" % (a, name()), "Invoke"),
    ("AmazonSQS", "sqs:SendMessage", lambda a: "arn:aws:sqs:us-east-2:%s:%s" % (a, name()), "SendMessage"),
    ("AmazonSNS", "sns:Publish", lambda a: "arn:aws:sns:ap-south-1:%s:%s" % (a, name()), "Publish"),
    ("AWSKMS", "kms:Decrypt", lambda a: "arn:aws:kms:us-east-1:%s:key/%s" % (a, rid()), "Decrypt"),
    ("AWSSecretsManager", "secretsmanager:GetSecretValue", lambda a: "arn:aws:secretsmanager:us-east-1:%s:secret:%s-AbCdEf" % (a, name()), "GetSecretValue"),
    ("AWSSimpleSystemsManagement", "ssm:GetParameter", lambda a: "arn:aws:ssm:eu-central-1:%s:parameter/%s/%s" % (a, name(), name()), "GetParameter"),
    ("AWSLogs", "logs:PutLogEvents", lambda a: "arn:aws:logs:us-east-1:%s:log-group:/app/%s:log-stream:%s" % (a, name(), name()), "PutLogEvents"),
    ("AmazonECS", "ecs:RunTask", lambda a: "arn:aws:ecs:us-east-1:%s:task-definition/%s:%d" % (a, name(), rnd.randint(1, 90)), "RunTask"),
    ("AWSStepFunctions", "states:StartExecution", lambda a: "arn:aws:states:us-east-1:%s:stateMachine:%s" % (a, name()), "StartExecution"),
    ("AmazonEC2", "ec2:RunInstances", lambda a: "arn:aws:ec2:us-east-1:%s:instance/*" % a, "RunInstances"),
]

REASONS = [
    ("because no identity-based policy allows the %s action", None),
    ("because no resource-based policy allows the %s action", None),
    ("with an explicit deny in a service control policy", None),
    ("because no permissions boundary allows the %s action", None),
    ("with an explicit deny in a resource-based policy", None),
]

CODES = [
    ("ResourceNotFoundException", "Requested resource not found: Table: %s not found"),
    ("ConditionalCheckFailedException", "The conditional request failed for item %s"),
    ("ValidationException", "1 validation error detected: Value '%s' at 'tableName' failed to satisfy constraint"),
    ("ThrottlingException", "Rate exceeded for %s"),
    ("LimitExceededException", "Limit exceeded for resource %s"),
    ("ParameterNotFound", "Parameter /%s/db not found."),
    ("NoSuchBucket", "The specified bucket does not exist: %s"),
    ("InvalidParameterException", "Invalid parameter %s"),
]


def denial(principal, action, resource, reason):
    clause = reason % action if "%s" in reason else reason
    return "User: %s is not authorized to perform: %s on resource: %s %s" % (principal, action, resource, clause)


def error():
    a = acct()
    role = name()
    principal = "arn:aws:sts::%s:assumed-role/%s/s-%d" % (a, role, rnd.getrandbits(20))
    k = rnd.randrange(10)
    svc, action, res, op = rnd.choice(ACTIONS)
    resource = res(a)
    if k < 5:
        msg = denial(principal, action, resource, rnd.choice(REASONS)[0])
        form = rnd.randrange(4)
        if form == 0:
            return "%s ERROR %s (Service: %s; Status Code: 400; Error Code: AccessDeniedException; Request ID: %s; Proxy: null)" % (ts(), msg, svc, rid())
        if form == 1:
            return "%s ERROR An error occurred (AccessDeniedException) when calling the %s operation: %s" % (ts(), op, msg)
        if form == 2:
            return "%s ERROR operation error %s: %s, https response error StatusCode: 400, RequestID: %s, api error AccessDeniedException: %s" % (ts(), svc.replace("Amazon", "").replace("AWS", ""), op, rid(), msg)
        return json.dumps({"errorType": "AccessDeniedException", "errorMessage": msg, "trace": []})
    if k == 5:
        target = "arn:aws:iam::%s:role/%s" % (acct(), name())
        return "%s ERROR User: %s is not authorized to perform: iam:PassRole on resource: %s because no identity-based policy allows the iam:PassRole action (Service: %s; Status Code: 400; Error Code: AccessDeniedException; Request ID: %s; Proxy: null)" % (ts(), principal, target, svc, rid())
    if k == 6:
        target = "arn:aws:iam::%s:role/%s" % (acct(), name())
        verb = rnd.choice(["sts:AssumeRole", "sts:AssumeRoleWithWebIdentity", "sts:TagSession"])
        return "%s ERROR An error occurred (AccessDenied) when calling the AssumeRole operation: User: %s is not authorized to perform: %s on resource: %s" % (ts(), principal, verb, target)
    code, text = rnd.choice(CODES)
    return "%s ERROR An error occurred (%s) when calling the %s operation: %s" % (ts(), code, op, text % name())


out = sys.stdout
target = int(mb * 1024 * 1024)
n = 0
while n < target:
    if rnd.random() * 100 < err_pct:
        line = error()
    else:
        line = "%s INFO  [worker-%d] processed batch id=%d items=%d" % (ts(), rnd.randint(1, 64), rnd.getrandbits(30), rnd.randint(1, 500))
    out.write(line)
    out.write("\n")
    n += len(line) + 1
