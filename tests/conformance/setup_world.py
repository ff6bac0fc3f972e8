#!/usr/bin/env python3
"""Creates, in a fresh moto, what the conformance cases fail against, then turns IAM on.

usage: setup_world.py ENDPOINT CREDS_OUT.json

Made with boto3 while moto does not yet check credentials: an admin user (may do anything) and a
limited user (may only call sts:GetCallerIdentity), each with an access key; a bucket holding an
object, a table, a queue, a role, a KMS key with an alias, a secret and a log group (see
cases.json for what each case does with them). Then moto's `/moto-api/reset-auth` makes every
later request need a known key and an allowing policy. CREDS_OUT gets the keys by name:
{"admin": {"key": ..., "secret": ...}, "limited": {...}, "bogus": {...}}.
"""
import json
import sys
import urllib.request

import boto3
from botocore.config import Config

REGION = "us-east-1"


def main():
    endpoint, out = sys.argv[1], sys.argv[2]
    session = boto3.session.Session(aws_access_key_id="setup", aws_secret_access_key="setup",
                                    region_name=REGION)
    cfg = Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1})

    def client(name):
        return session.client(name, endpoint_url=endpoint, config=cfg)

    iam = client("iam")
    creds = {}
    allow_all = {"Version": "2012-10-17",
                 "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
    caller_only = {"Version": "2012-10-17",
                   "Statement": [{"Effect": "Allow", "Action": "sts:GetCallerIdentity",
                                  "Resource": "*"}]}
    for name, policy in (("conform-admin", allow_all), ("conform-limited", caller_only)):
        iam.create_user(UserName=name)
        iam.put_user_policy(UserName=name, PolicyName=name + "-policy",
                            PolicyDocument=json.dumps(policy))
        key = iam.create_access_key(UserName=name)["AccessKey"]
        creds[name.split("-", 1)[1]] = {"key": key["AccessKeyId"],
                                        "secret": key["SecretAccessKey"]}
    creds["bogus"] = {"key": "AKIAIOSFODNN7EXAMPLE",
                      "secret": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}
    trust = {"Version": "2012-10-17",
             "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
                            "Action": "sts:AssumeRole"}]}
    iam.create_role(RoleName="conform-role", AssumeRolePolicyDocument=json.dumps(trust))

    s3 = client("s3")
    s3.create_bucket(Bucket="conform-bucket")
    s3.put_object(Bucket="conform-bucket", Key="data/report.csv", Body=b"a,b\n")
    client("dynamodb").create_table(
        TableName="conform-table", BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}])
    client("sqs").create_queue(QueueName="conform-queue")
    client("sns").create_topic(Name="conform-topic")
    kms = client("kms")
    key_id = kms.create_key(Description="conform key")["KeyMetadata"]["KeyId"]
    kms.create_alias(AliasName="alias/conform-key", TargetKeyId=key_id)
    client("secretsmanager").create_secret(Name="conform/secret", SecretString="s3cr3t")
    client("logs").create_log_group(logGroupName="/conform/group")

    req = urllib.request.Request(endpoint + "/moto-api/reset-auth", data=b"0", method="POST",
                                 headers={"Content-Type": "text/plain"})
    urllib.request.urlopen(req, timeout=30).read()
    with open(out, "w") as f:
        json.dump(creds, f)


if __name__ == "__main__":
    main()
