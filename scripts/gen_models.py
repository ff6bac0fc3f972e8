#!/usr/bin/env python3
"""Writes src/models/*.tsv, awsplain's vocabulary of AWS services, from botocore's service models.

    scripts/gen_models.py            # regenerate the tables from the installed botocore
    scripts/gen_models.py --check    # exit 1 when the committed tables differ from them
    scripts/gen_models.py --pinned   # print the botocore version the tables are made from

botocore must be installed at exactly BOTOCORE_VERSION (scripts/test.sh installs it into the
project's venv): a table from another version would differ in its services and codes.

The tables (tab-separated, one service a line, `#` lines are comments; src/models/mod.rs reads them):

services.tsv   boto3 client name, endpointPrefix, signingName, serviceId, serviceFullName,
               serviceAbbreviation, protocol, and the name each SDK gives the service (the
               columns are named in the file's header; how each is derived is told below)
operations.tsv boto3 client name, then the operation names; `Name=snake_name` where boto3's
               snake_case name is not the one src/models/mod.rs computes by botocore's rule
errors.tsv     boto3 client name, then the error shapes: `Name:status:code`, status being the
               shape's error.httpStatusCode (empty when not modeled) and code its error.code where
               that differs from the name (the code query-protocol services put on the wire)
"""

import argparse
import os
import re
import sys

BOTOCORE_VERSION = "1.44.18"

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "src", "models")

# --- The names SDKs give a service -------------------------------------------------------------
# Each SDK's code generator derives them from the model's metadata; where an SDK keeps a
# hand-written name instead (older services), the override tables below hold that name, taken
# from the SDK's own sources as cited.


def strip_vendor(name):
    """The Ruby SDK's module name rule, also the core of Java v1's and .NET's older names.

    aws-sdk-ruby's build tasks compute a service's module name from the model as
    `(serviceAbbreviation || serviceFullName).sub('Amazon', '').sub('AWS', '').gsub(/\\W+/, '')`
    (compute_module_name / compute_service_name in its build tools); `\\W` keeps `_`.
    """
    name = name.replace("Amazon", "", 1).replace("AWS", "", 1)
    return re.sub(r"[^A-Za-z0-9_]+", "", name)


# aws-sdk-ruby's services.json lists each gem's module name; these are its entries that differ
# from the rule above (boto3 client name → module name).
RUBY_OVERRIDES = {
    "stepfunctions": "States",
    "elbv2": "ElasticLoadBalancingV2",
    "lex-runtime": "Lex",
}


def ruby_module(meta, boto_name):
    if boto_name in RUBY_OVERRIDES:
        return RUBY_OVERRIDES[boto_name]
    return strip_vendor(meta.get("serviceAbbreviation") or meta["serviceFullName"])


# Java v1's marshallers name the service of each request (`new DefaultRequest<X>(x, "AmazonECS")`,
# `.serviceName("AmazonDynamoDBv2")`), and its exceptions print that name as `Service:`. The name
# was chosen per service when the service was added (aws-sdk-java keeps no rule for it); most
# follow the convention of the vendor word the model's name starts with ("AWS" or "Amazon") and
# the Ruby-style name, which is what the generator writes. These services' marshallers in
# aws-sdk-java say otherwise.
JAVA_V1_OVERRIDES = {
    "s3": "Amazon S3",
    "dynamodb": "AmazonDynamoDBv2",
    "sts": "AWSSecurityTokenService",
    "iam": "AmazonIdentityManagement",
    "logs": "AWSLogs",
    "stepfunctions": "AWSStepFunctions",
    "cloudformation": "AmazonCloudFormation",
    "ses": "AmazonSimpleEmailService",
    "ssm": "AWSSimpleSystemsManagement",
    "events": "AmazonCloudWatchEvents",
    "cognito-idp": "AWSCognitoIdentityProvider",
    "firehose": "AmazonKinesisFirehose",
    "apigateway": "AmazonApiGateway",
}


def java_v1_name(meta, boto_name):
    if boto_name in JAVA_V1_OVERRIDES:
        return JAVA_V1_OVERRIDES[boto_name]
    name = meta.get("serviceAbbreviation") or meta["serviceFullName"]
    vendor = "AWS" if name.startswith("AWS") or meta["serviceFullName"].startswith("AWS") else "Amazon"
    return vendor + strip_vendor(name)


def java_v2_split(word):
    """aws-sdk-java-v2's CodegenNamingUtils.splitOnWordBoundaries, step by step."""
    r = re.sub(r"[^A-Za-z0-9]+", " ", word)
    r = re.sub(r"([^a-z]{2,})v([0-9]+)", r"\1 v\2 ", r)
    r = re.sub(r"([^A-Z]{2,})V([0-9]+)", r"\1 V\2 ", r)
    r = " ".join(re.split(r"(?<=[a-z])(?=[A-Z](?:[a-zA-Z]|[0-9]))", r))
    r = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1 \2", r)
    r = re.sub(r"([0-9])([a-zA-Z])", r"\1 \2", r)
    r = re.sub(r" +", " ", r).strip()
    return r.split(" ")


def java_v2_name(meta):
    """aws-sdk-java-v2's DefaultNamingStrategy.getServiceName: the serviceId in PascalCase (each
    word lower-cased, then capitalised) without a leading Amazon/Aws or a trailing Service. Its
    exceptions print it as `Service: Ecs`."""
    name = "".join(w.lower().capitalize() for w in java_v2_split(meta["serviceId"]))
    for lead in ("Amazon", "Aws"):
        if name.startswith(lead):
            name = name[len(lead):]
    if name.endswith("Service"):
        name = name[: -len("Service")]
    return name


def js_v3_package(meta):
    """aws-sdk-js-v3's codegen/sdk-codegen/build.gradle.kts: `@aws-sdk/client-` + the sdkId
    (botocore's serviceId) with spaces as hyphens, lower-cased."""
    return "@aws-sdk/client-" + meta["serviceId"].replace(" ", "-").lower()


def js_v3_base(meta):
    """aws-sdk-js-v3's AwsServiceIdIntegration: the sdkId split on spaces, each part's first
    letter upper-cased, joined; the client is `<base>Client` and smithy-typescript names the
    service's base exception `<base>ServiceException`."""
    return "".join(p[:1].upper() + p[1:] for p in meta["serviceId"].split(" "))


def go_v2_package(meta):
    """aws-sdk-go-v2's codegen/sdk-codegen/build.gradle.kts: the sdkId without hyphens and
    spaces, lower-cased (`service/ecs`). Its errors say `operation error <sdkId>: <Operation>`,
    the serviceId as it is."""
    return meta["serviceId"].replace("-", "").replace(" ", "").lower()


# aws-sdk-net names each service in its generator manifest (ServiceModels/_manifest.json: the
# namespace is `namespace` or `Amazon.` + `base-name`), by hand. For the services that manifest
# lists, this table holds the names that differ from the convention below; the last two are the
# SDK's namespaces for services the manifest this was read from predates.
DOTNET_OVERRIDES = {
    "dynamodb": "DynamoDBv2",
    "dynamodbstreams": "DynamoDBv2",
    "efs": "ElasticFileSystem",
    "emr": "ElasticMapReduce",
    "es": "Elasticsearch",
    "firehose": "KinesisFirehose",
    "iot-data": "IotData",
    "iam": "IdentityManagement",
    "kms": "KeyManagementService",
    "sts": "SecurityToken",
    "ses": "SimpleEmail",
    "sns": "SimpleNotificationService",
    "swf": "SimpleWorkflow",
    "ssm": "SimpleSystemsManagement",
    "marketplacecommerceanalytics": "AWSMarketplaceCommerceAnalytics",
    "support": "AWSSupport",
    "stepfunctions": "StepFunctions",
    "acm": "CertificateManager",
}


def dotnet_namespace(meta, boto_name):
    """`Amazon.` + the manifest's name. Elsewhere the convention its entries follow: the
    serviceId's words (split on spaces and hyphens) with their first letters upper-cased, joined
    (`Elastic Load Balancing v2` → `ElasticLoadBalancingV2`); a newer service the SDK named
    otherwise gets a wrong name here until it is added to the table above."""
    if boto_name in DOTNET_OVERRIDES:
        return "Amazon." + DOTNET_OVERRIDES[boto_name]
    parts = re.split(r"[ -]+", meta["serviceId"])
    return "Amazon." + "".join(p[:1].upper() + p[1:] for p in parts)


# --- boto3's snake_case operation names ----------------------------------------------------------


def snake_rule(name):
    """botocore's xform_name without its table of special cases, written as src/models/mod.rs
    computes it (so that only the names this misses need to be stored): a trailing pluralised
    acronym (`ACLs`) becomes its own lower-case word; `_` goes before every capital followed by
    lower-case letters, then between a lower-case letter or digit and a capital; all lower-cased."""
    n = len(name)
    if name.endswith("s"):
        j = n - 1
        while j > 0 and "A" <= name[j - 1] <= "Z":
            j -= 1
        if n - 1 - j >= 2:
            name = name[:j] + "_" + name[j:].lower()
    out = []
    i, n = 0, len(name)
    while i < n:
        if i + 2 < n and "A" <= name[i + 1] <= "Z" and "a" <= name[i + 2] <= "z":
            j = i + 2
            while j < n and "a" <= name[j] <= "z":
                j += 1
            out.append(name[i] + "_" + name[i + 1 : j])
            i = j
        else:
            out.append(name[i])
            i += 1
    s1 = "".join(out)
    out = []
    i, n = 0, len(s1)
    while i < n:
        c = s1[i]
        if i + 1 < n and ("a" <= c <= "z" or "0" <= c <= "9") and "A" <= s1[i + 1] <= "Z":
            out.append(s1[i] + "_" + s1[i + 1])
            i += 2
        else:
            out.append(s1[i])
            i += 1
    return "".join(out).lower()


# --- The tables ----------------------------------------------------------------------------------

SERVICE_COLUMNS = [
    "boto3",
    "endpoint_prefix",
    "signing_name",
    "service_id",
    "full_name",
    "abbreviation",
    "protocol",
    "java_v1",
    "java_v2",
    "ruby",
    "js_v3_package",
    "js_v3_base",
    "dotnet",
    "go_v2",
]


def clean(s):
    # The tables are tab-separated; no model puts a tab or line break in these names, but a
    # stray one must not shift the columns.
    return re.sub(r"\s+", " ", s or "").strip()


def build():
    import botocore
    import botocore.loaders
    from botocore import xform_name

    if botocore.__version__ != BOTOCORE_VERSION:
        sys.exit(
            f"gen_models.py: botocore {botocore.__version__} is installed; the tables are made "
            f"from {BOTOCORE_VERSION} (pip install botocore=={BOTOCORE_VERSION})"
        )
    loader = botocore.loaders.create_loader()
    head = f"# Generated by scripts/gen_models.py from botocore {BOTOCORE_VERSION}; do not edit.\n"
    services = [head, "# " + "\t".join(SERVICE_COLUMNS) + "\n"]
    operations = [head, "# boto3\toperations (Name, or Name=boto3_name where the rule misses)\n"]
    errors = [head, "# boto3\terror shapes (Name:httpStatusCode:code-when-not-Name)\n"]
    for boto_name in sorted(loader.list_available_services("service-2")):
        model = loader.load_service_model(boto_name, "service-2")
        meta = model["metadata"]
        row = [
            boto_name,
            meta["endpointPrefix"],
            meta.get("signingName") or meta["endpointPrefix"],
            meta["serviceId"],
            meta["serviceFullName"],
            meta.get("serviceAbbreviation", ""),
            meta["protocol"],
            java_v1_name(meta, boto_name),
            java_v2_name(meta),
            ruby_module(meta, boto_name),
            js_v3_package(meta),
            js_v3_base(meta),
            dotnet_namespace(meta, boto_name),
            go_v2_package(meta),
        ]
        services.append("\t".join(clean(c) for c in row) + "\n")

        ops = []
        for op in sorted(model["operations"]):
            snake = xform_name(op)
            ops.append(op if snake == snake_rule(op) else f"{op}={snake}")
        operations.append(boto_name + "\t" + " ".join(ops) + "\n")

        errs = []
        for name, shape in sorted(model["shapes"].items()):
            if not shape.get("exception"):
                continue
            err = shape.get("error") or {}
            status = err.get("httpStatusCode", "")
            code = err.get("code", name)
            errs.append(f"{name}:{status}:{code if code != name else ''}".rstrip(":"))
        errors.append(boto_name + "\t" + " ".join(errs) + "\n")
    return {
        "services.tsv": "".join(services),
        "operations.tsv": "".join(operations),
        "errors.tsv": "".join(errors),
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--check", action="store_true", help="compare, don't write")
    ap.add_argument("--pinned", action="store_true", help="print the pinned botocore version")
    args = ap.parse_args()
    if args.pinned:
        print(BOTOCORE_VERSION)
        return 0
    tables = build()
    stale = []
    for name, text in tables.items():
        path = os.path.join(OUT, name)
        try:
            with open(path, encoding="utf-8") as f:
                old = f.read()
        except FileNotFoundError:
            old = None
        if old == text:
            continue
        if args.check:
            stale.append(name)
        else:
            os.makedirs(OUT, exist_ok=True)
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
            print(f"gen_models.py: wrote src/models/{name} ({len(text.encode())} bytes)")
    if stale:
        print(
            f"gen_models.py: src/models/{', '.join(stale)} differ from botocore "
            f"{BOTOCORE_VERSION}; run scripts/gen_models.py and commit the result",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
