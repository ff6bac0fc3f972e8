#!/usr/bin/env python3
"""The conformance suite: real AWS SDK clients fail against moto, and awsplain must read what
they print the way the SDK's own exception object says it.

  scripts/conformance.py                     # install what is missing, run every client
  scripts/conformance.py --client boto3      # one client (repeatable)
  scripts/conformance.py --case s3-get-object-no-bucket   # some cases only (repeatable)
  scripts/conformance.py --install-only      # install the clients, run nothing
  scripts/conformance.py --update-known-misses   # rewrite the known-misses list from this run

For each client (tests/conformance/clients/) the driver starts moto through
tests/conformance/launcher.py, creates the world of tests/conformance/setup_world.py, runs the
client, which prints every failing call of tests/conformance/cases.json in one or more views
(uncaught exception, the language's default print of the error, the CLI's stderr, the SDK's log
line) together with the truth it took from the exception object. Each text goes through
`awsplain --format json --color never`; the record that agrees best with the truth is compared
field by field (error_code, status_code, request_id, operation, service; principal and action
of a denial) for the fields the text shows (docs/conformance.md says how that is decided).

A text passes when the fields it misses are exactly the ones tests/conformance/known-misses.txt
lists for it: a new miss fails, and so does a listed miss that now passes (take it off the list).
The closing line is `N passed, N failed`; the exit status is 1 when something failed.
Captured texts, truth and awsplain's records go to a JSONL file whose path is printed
($CARGO_TARGET_DIR/conformance/results.jsonl unless --out says otherwise).

Environment: AWSPLAIN_BIN (default: `cargo build`, then $CARGO_TARGET_DIR/debug/awsplain),
AWSPLAIN_VENV (default ~/.cache/awsplain-venv), AWSPLAIN_CONFORM_CACHE (default
~/.cache/awsplain-conform: npm trees and install stamps).
"""
import argparse
import hashlib
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SUITE = os.path.join(ROOT, "tests", "conformance")
HOME = os.path.expanduser("~")
TARGET = os.environ.get("CARGO_TARGET_DIR", os.path.join(HOME, ".cache", "awsplain-target"))
VENV = os.environ.get("AWSPLAIN_VENV", os.path.join(HOME, ".cache", "awsplain-venv"))
CACHE = os.environ.get("AWSPLAIN_CONFORM_CACHE", os.path.join(HOME, ".cache", "awsplain-conform"))
VPY = os.path.join(VENV, "bin", "python")

# PyPI pins of the Python clients (moto comes from scripts/test.sh's requirement).
PIP_PINS = ["boto3==1.44.18", "botocore==1.44.18", "awscli==1.46.2"]
MOTO_REQ = "moto[server]>=5,<6"
# Debian packages of the Ruby clients: v3's per-service gems (Debian has no others) and v1.
RUBY_DEBS = ["ruby", "ruby-aws-sdk-core", "ruby-aws-sdk-s3", "ruby-aws-sdk-kms",
             "ruby-aws-sdk-cloudformation"]
RUBY_V1_DEBS = ["ruby", "ruby-aws-sdk"]

FIELDS = ["error_code", "status_code", "request_id", "operation", "service", "principal",
          "action"]
# moto's authorization sentence in the error object's message: principal and action are read
# from there (the exception objects have no fields of their own for them).
DENIAL = re.compile(r"User: (arn:\S+) is not authorized to perform: ([\w-]+:\w+)")

# The names by which SDKs, messages and awsplain call each service (compared lowercased, with
# everything but letters and digits removed). The key is botocore's service name.
SERVICE_ALIASES = {
    "s3": ["s3", "amazons3", "awss3", "simplestorageservice"],
    "dynamodb": ["dynamodb", "amazondynamodb", "amazondynamodbv2", "dynamodbv2"],
    "sqs": ["sqs", "amazonsqs", "simplequeueservice"],
    "sns": ["sns", "amazonsns", "simplenotificationservice"],
    "lambda": ["lambda", "awslambda"],
    "iam": ["iam", "amazonidentitymanagement", "identitymanagement"],
    "sts": ["sts", "awssecuritytokenservice", "securitytokenservice"],
    "kms": ["kms", "awskms", "keymanagementservice"],
    "secretsmanager": ["secretsmanager", "awssecretsmanager"],
    "ecs": ["ecs", "amazonecs", "awsecs"],
    "ec2": ["ec2", "amazonec2"],
    "cloudformation": ["cloudformation", "amazoncloudformation", "awscloudformation"],
    "stepfunctions": ["sfn", "stepfunctions", "states", "awsstepfunctions", "awssfn"],
    "logs": ["logs", "cloudwatchlogs", "amazoncloudwatchlogs", "awslogs"],
    "rds": ["rds", "amazonrds", "relationaldatabaseservice"],
    "elb": ["elb", "elasticloadbalancing", "amazonelasticloadbalancing", "awselb"],
    "redshift": ["redshift", "amazonredshift"],
}
# How a text names a service, which makes `service` an expected field: the SDK's class and module
# names (Aws::S3, @aws-sdk/client-s3, S3ServiceException), a "Service: X" clause, Go's
# "operation error S3: GetObject". As in the corpus, an action's prefix (s3:GetObject) or an ARN
# does not count: there the service is not named as the failed call's.
SERVICE_TEXT = {
    "s3": [r"\bS3\b", r"client-s3\b", r"S3ServiceException"],
    "dynamodb": [r"DynamoDB", r"client-dynamodb"],
    "sqs": [r"\bSQS\b", r"client-sqs"],
    "sns": [r"\bSNS\b", r"client-sns"],
    "lambda": [r"\bLambda\b", r"client-lambda"],
    "iam": [r"\bIAM\b", r"client-iam"],
    "sts": [r"\bSTS\b", r"client-sts"],
    "kms": [r"\bKMS\b", r"client-kms"],
    "secretsmanager": [r"SecretsManager", r"client-secrets-manager"],
    "ecs": [r"\bECS\b", r"client-ecs"],
    "ec2": [r"\bEC2\b", r"client-ec2"],
    "cloudformation": [r"CloudFormation", r"client-cloudformation"],
    "stepfunctions": [r"\bSFN\b", r"client-sfn", r"StepFunctions"],
    "logs": [r"CloudWatchLogs", r"CloudWatch Logs", r"client-cloudwatch-logs"],
    "rds": [r"\bRDS\b", r"client-rds\b"],
    "elb": [r"\bELB\b", r"ElasticLoadBalancing\b", r"Elastic Load Balancing\b",
            r"client-elastic-load-balancing\b"],
    "redshift": [r"Redshift"],
}


def log(msg):
    print("conformance: " + msg, file=sys.stderr, flush=True)


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, **kw)


# ---------------------------------------------------------------- install

def stamp_ok(name, key):
    path = os.path.join(CACHE, "stamps", name)
    return os.path.exists(path) and open(path).read() == key


def stamp(name, key):
    os.makedirs(os.path.join(CACHE, "stamps"), exist_ok=True)
    with open(os.path.join(CACHE, "stamps", name), "w") as f:
        f.write(key)


def install_python():
    key = " ".join([MOTO_REQ] + PIP_PINS)
    if os.path.exists(VPY) and stamp_ok("python", key):
        return
    if not os.path.exists(VPY):
        run([sys.executable, "-m", "venv", VENV])
    log("installing %s into %s" % (key, VENV))
    run([VPY, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", MOTO_REQ] + PIP_PINS)
    stamp("python", key)


def npm_key(name):
    src = os.path.join(SUITE, "clients", name)
    lock = open(os.path.join(src, "package-lock.json"), "rb").read()
    return hashlib.sha256(lock + open(os.path.join(src, "package.json"), "rb").read()).hexdigest()


# An npm tree or a Go binary lives in a directory named after the hash of what it is built
# from, so that two checkouts of different versions on one machine (worktrees, CI beside a
# developer) do not replace each other's clients while one of them runs.
def npm_dir(name):
    return os.path.join(CACHE, name, npm_key(name)[:16])


def install_npm(name):
    src = os.path.join(SUITE, "clients", name)
    key = npm_key(name)
    dest = npm_dir(name)
    if stamp_ok(name + "-" + key[:16], key) and os.path.isdir(os.path.join(dest, "node_modules")):
        return
    log("installing the %s client's packages (npm ci) into %s" % (name, dest))
    os.makedirs(dest, exist_ok=True)
    for manifest in ("package.json", "package-lock.json"):
        shutil.copy(os.path.join(src, manifest), dest)
    run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=dest)
    stamp(name + "-" + key[:16], key)


def install_js_v3():
    install_npm("js-v3")


def install_js_v2():
    install_npm("js-v2")


class Unavailable(Exception):
    """A client that cannot be installed here (the run goes on without it, saying so)."""


def install_ruby_debs(name, debs):
    key = " ".join(debs)
    if stamp_ok(name, key) and shutil.which("ruby"):
        return
    apt_install(debs)
    stamp(name, key)


def install_ruby():
    install_ruby_debs("ruby", RUBY_DEBS)


def install_ruby_v1():
    install_ruby_debs("ruby-v1", RUBY_V1_DEBS)


RUST_CLIENT = os.path.join(SUITE, "clients", "rust")


def rust_bin():
    return os.path.join(TARGET, "debug", "conform-rust")


def install_rust():
    """Builds the Rust client (its own crate and Cargo.lock) into awsplain's target directory,
    where the crates both use are built once; cargo itself knows when nothing changed."""
    if not shutil.which("cargo"):
        raise Unavailable("needs cargo")
    run(["cargo", "build", "--quiet", "--locked", "--manifest-path",
         os.path.join(RUST_CLIENT, "Cargo.toml")], env=dict(os.environ, CARGO_TARGET_DIR=TARGET))


# Debian's packages of the Go clients: the compiler and each SDK's sources.
GO_DEBS = {"go-v2": ["golang-go", "golang-github-aws-aws-sdk-go-v2-dev"],
           "go-v1": ["golang-go", "golang-github-aws-aws-sdk-go-dev"]}


def go_key(name):
    debs = GO_DEBS[name]
    src = os.path.join(SUITE, "clients", name, "main.go")
    sdk = subprocess.run(["dpkg-query", "-W", "-f", "${Version}", debs[1]],
                         capture_output=True, text=True).stdout
    goversion = subprocess.run(["go", "version"], capture_output=True, text=True).stdout
    return hashlib.sha256(open(src, "rb").read() + (sdk + goversion).encode()).hexdigest()


def go_bin(name):
    return os.path.join(CACHE, name, go_key(name)[:16], "conform-" + name)


def apt_install(debs):
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        raise Unavailable("needs Debian's %s: apt-get as root installs them" % " ".join(debs))
    log("installing Debian packages " + " ".join(debs))
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    run(["apt-get", "update", "-qq"], env=env)
    run(["apt-get", "install", "-y", "-qq", "--no-install-recommends"] + debs, env=env,
        stdout=subprocess.DEVNULL)


def install_go(name):
    debs = GO_DEBS[name]
    if not (stamp_ok(name + "-debs", " ".join(debs)) and shutil.which("go")):
        apt_install(debs)
        stamp(name + "-debs", " ".join(debs))
    src = os.path.join(SUITE, "clients", name, "main.go")
    binary = go_bin(name)
    if os.path.exists(binary):
        return
    log("building the %s client (GOPATH mode, Debian's sources) into %s" % (name, binary))
    os.makedirs(os.path.dirname(binary), exist_ok=True)
    env = dict(os.environ, GOPATH="/usr/share/gocode", GO111MODULE="off", GOFLAGS="")
    # Built beside its final name and moved there, so that a binary that exists is complete.
    run(["go", "build", "-o", binary + ".part", src], env=env, cwd=os.path.dirname(src))
    os.replace(binary + ".part", binary)


def install_go_v2():
    install_go("go-v2")


def install_go_v1():
    install_go("go-v1")


# name -> (installer, command line of the client given the suite dir)
CLIENTS = {
    "boto3": (install_python, lambda: [VPY, os.path.join(SUITE, "clients", "boto3_client.py")]),
    "awscli": (install_python, lambda: [VPY, os.path.join(SUITE, "clients", "awscli_client.py")]),
    "js-v3": (install_js_v3, lambda: ["node", os.path.join(SUITE, "clients", "js-v3", "client.cjs")]),
    "js-v2": (install_js_v2, lambda: ["node", os.path.join(SUITE, "clients", "js-v2", "client.cjs")]),
    "ruby-v3": (install_ruby, lambda: ["ruby", os.path.join(SUITE, "clients", "ruby_v3_client.rb")]),
    "ruby-v1": (install_ruby_v1,
                lambda: ["ruby", os.path.join(SUITE, "clients", "ruby_v1_client.rb")]),
    "go-v2": (install_go_v2, lambda: [go_bin("go-v2")]),
    "go-v1": (install_go_v1, lambda: [go_bin("go-v1")]),
    "rust": (install_rust, lambda: [rust_bin()]),
}
# Clients that run only when named with --client: the Rust client's build (its own crates, on
# top of awsplain's) has not yet been timed on CI's 2 cores, nor its texts scored.
OPT_IN = {"rust"}
CLIENT_ENV = {
    "js-v3": lambda: {"NODE_PATH": os.path.join(npm_dir("js-v3"), "node_modules")},
    "js-v2": lambda: {"NODE_PATH": os.path.join(npm_dir("js-v2"), "node_modules")},
}


# ---------------------------------------------------------------- moto

def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Moto:
    """moto behind launcher.py, with setup_world.py's users and resources, IAM enforced."""

    def __init__(self, scratch):
        self.port = free_port()
        self.endpoint = "http://127.0.0.1:%d" % self.port
        self.logf = open(os.path.join(scratch, "moto.log"), "w")
        self.proc = subprocess.Popen([VPY, os.path.join(SUITE, "launcher.py"), str(self.port)],
                                     stdout=subprocess.PIPE, stderr=self.logf, text=True)
        line = self.proc.stdout.readline()
        if line.strip() != "ready":
            self.stop()
            raise SystemExit("conformance: the moto launcher did not start; see "
                             + self.logf.name)
        self.creds = os.path.join(scratch, "creds.json")
        run([VPY, os.path.join(SUITE, "setup_world.py"), self.endpoint, self.creds])

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self.logf.close()


# ---------------------------------------------------------------- scoring

def norm(v):
    if v is None:
        return None
    if isinstance(v, bool):
        return str(v).lower()
    if isinstance(v, (int, float)):
        return str(int(v))
    return str(v).strip()


def snake(name):
    return re.sub(r"(?<=[a-z0-9])([A-Z])|(?<=[A-Z])([A-Z])(?=[a-z])",
                  lambda m: "_" + (m.group(1) or m.group(2)), name).lower()


def squash(s):
    return re.sub(r"[^a-z0-9]", "", str(s).lower())


def canonical_service(s):
    """botocore's name of the service awsplain's `service` value names, or None."""
    if s is None:
        return None
    q = squash(s)
    for name, aliases in SERVICE_ALIASES.items():
        if q in aliases:
            return name
    # endpoint hosts: dynamodb.us-east-1.amazonaws.com
    m = re.match(r"([a-z0-9-]+)\.", str(s).lower())
    if m and m.group(1).endswith("amazonaws") is False:
        q = squash(m.group(1))
        for name, aliases in SERVICE_ALIASES.items():
            if q in aliases:
                return name
    return None


def expected(truth, text):
    """The truth's fields that the text shows (None for the others)."""
    exp = {}
    codes = [c for c in [truth.get("error_code")] + list(truth.get("alt_codes") or []) if c]
    shown = [c for c in codes if c in text]
    # A list when the error object holds more than one code (JS v3's name and Code): any is right.
    exp["error_code"] = (shown if len(shown) > 1 else shown[0]) if shown else None
    st = truth.get("status_code")
    exp["status_code"] = st if st and re.search(r"(?<!\d)%d(?!\d)" % int(st), text) else None
    rid = truth.get("request_id")
    exp["request_id"] = rid if rid and rid in text else None
    op = truth.get("operation")
    # Not inside an action (dynamodb:GetItem): there it names the permission, not the call.
    exp["operation"] = op if op and any(
        re.search(r"(?<![:\w])%s(?!\w)" % re.escape(form), text)
        for form in (op, snake(op))) else None
    m = DENIAL.search(truth.get("message") or "")
    exp["principal"] = m.group(1) if m and m.group(1) in text else None
    exp["action"] = m.group(2) if m and m.group(2) in text else None
    svc = truth.get("service")
    exp["service"] = svc if svc and any(re.search(p, text) for p in SERVICE_TEXT.get(svc, [])) \
        else None
    return exp


def field_ok(field, want, got):
    if isinstance(want, list):
        return any(field_ok(field, w, got) for w in want)
    if field == "service":
        return canonical_service(got) == want
    if field == "operation":
        return got is not None and (norm(got) == want or squash(got) == squash(want))
    return norm(got) == norm(want)


def score(exp, recs):
    """(chosen record, missed fields): 'found' stands for no record at all."""
    if not recs:
        return None, ["found"]

    def agree(r):
        return sum(1 for f in FIELDS if exp[f] is not None and field_ok(f, exp[f], r.get(f)))
    best = max(recs, key=agree)
    return best, [f for f in FIELDS if exp[f] is not None and not field_ok(f, exp[f], best.get(f))]


def awsplain(binary, text):
    p = subprocess.run([binary, "--format", "json", "--color", "never"], input=text.encode(),
                       capture_output=True, timeout=60)
    recs = []
    for line in p.stdout.decode("utf-8", "replace").splitlines():
        line = line.strip()
        if line:
            try:
                obj = json.loads(line)
            except ValueError:
                continue
            if isinstance(obj, dict):
                obj.pop("remedies", None)
                recs.append(obj)
    return recs


# ---------------------------------------------------------------- known misses

KNOWN = os.path.join(SUITE, "known-misses.txt")


def load_known():
    """{text id: (set of fields, reason)} from lines `ID FIELD[,FIELD...] REASON...`."""
    known = {}
    if not os.path.exists(KNOWN):
        return known
    for line in open(KNOWN, encoding="utf-8"):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split(None, 2)
        known[parts[0]] = (set(parts[1].split(",")), parts[2] if len(parts) > 2 else "")
    return known


def write_known(results, old):
    lines = [l for l in open(KNOWN, encoding="utf-8") if l.startswith("#")] \
        if os.path.exists(KNOWN) else []
    rows = []
    for r in results:
        if r.get("missed"):
            reason = old.get(r["id"], (None, ""))[1] or "TODO: say why"
            rows.append("%s %s %s\n" % (r["id"], ",".join(r["missed"]), reason))
    with open(KNOWN, "w", encoding="utf-8") as f:
        f.writelines(lines + sorted(rows))


# ---------------------------------------------------------------- main

def build_awsplain():
    if os.environ.get("AWSPLAIN_BIN"):
        return os.environ["AWSPLAIN_BIN"]
    run(["cargo", "build", "--quiet", "--bin", "awsplain"], cwd=ROOT,
        env=dict(os.environ, CARGO_TARGET_DIR=TARGET))
    return os.path.join(TARGET, "debug", "awsplain")


def run_client(name, moto, cases_path, scratch):
    env = dict(os.environ, CONFORM_ENDPOINT=moto.endpoint, CONFORM_CREDS=moto.creds,
               CONFORM_CASES=cases_path, TMPDIR=scratch)
    for k in ("AWS_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
              "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"):
        env.pop(k, None)
    env.update(CLIENT_ENV.get(name, dict)())
    p = subprocess.run(CLIENTS[name][1](), env=env, capture_output=True, text=True, timeout=1800)
    out = []
    for line in p.stdout.splitlines():
        try:
            out.append(json.loads(line))
        except ValueError:
            pass
    if p.returncode != 0:
        out.append({"case": "(client)", "view": "run",
                    "error": "exit %d: %s" % (p.returncode, p.stderr[-2000:])})
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--client", action="append", choices=list(CLIENTS))
    ap.add_argument("--case", action="append")
    ap.add_argument("--install-only", action="store_true")
    ap.add_argument("--update-known-misses", action="store_true")
    ap.add_argument("--out")
    a = ap.parse_args()
    clients = a.client or [c for c in CLIENTS if c not in OPT_IN]

    t0 = time.time()
    seen = {}
    for name in list(clients):
        inst = CLIENTS[name][0]
        if inst not in seen:
            t = time.time()
            try:
                inst()
                seen[inst] = None
            except Unavailable as e:
                seen[inst] = str(e)
            log("%s %s (%.1fs)" % (name, "ready" if seen[inst] is None else
                                   "SKIPPED: " + seen[inst], time.time() - t))
        if seen[inst] is not None:
            clients.remove(name)
    t_install = time.time() - t0
    if a.install_only:
        log("installed in %.1fs" % t_install)
        return 0
    binary = build_awsplain()

    scratch = tempfile.mkdtemp(prefix="awsplain-conform-")
    cases = json.load(open(os.path.join(SUITE, "cases.json")))
    if a.case:
        cases["cases"] = [c for c in cases["cases"] if c["id"] in a.case]
    cases_path = os.path.join(scratch, "cases.json")
    json.dump(cases, open(cases_path, "w"))

    t1 = time.time()
    captured = []
    timings = {}
    for name in clients:
        # A fresh moto per client: what one client's calls leave must not change the next's.
        moto = Moto(scratch)
        try:
            t = time.time()
            for item in run_client(name, moto, cases_path, scratch):
                item["client"] = name
                captured.append(item)
            timings[name] = time.time() - t
        finally:
            moto.stop()
        log("%s: %d texts in %.1fs" % (name, sum(1 for c in captured if c["client"] == name),
                                      timings[name]))

    t2 = time.time()
    texts = [c for c in captured if "text" in c]
    # A text that shows none of the error object's fields (the Rust SDK's `{err}`: "service
    # error") has nothing to find or compare: it is counted, not scored.
    blank = [c for c in texts if not any(v is not None for v in
                                         expected(c["truth"], c["text"]).values())]
    texts = [c for c in texts if c not in blank]

    def one(item):
        return awsplain(binary, item["text"])
    with ThreadPoolExecutor(max_workers=2) as pool:
        all_recs = list(pool.map(one, texts))
    t_awsplain = time.time() - t2

    known = load_known()
    results = []
    failures = []
    for item, recs in zip(texts, all_recs):
        tid = "%s/%s/%s" % (item["client"], item["case"], item["view"])
        exp = expected(item["truth"], item["text"])
        best, missed = score(exp, recs)
        listed = known.get(tid, (set(), ""))[0]
        new = [f for f in missed if f not in listed]
        fixed = sorted(listed - set(missed))
        ok = not new and not fixed
        r = {"id": tid, "client": item["client"], "case": item["case"], "view": item["view"],
             "text": item["text"], "truth": item["truth"], "expected": exp, "records": recs,
             "chosen": best, "missed": missed, "ok": ok}
        results.append(r)
        if new:
            failures.append("%s: new miss of %s%s" % (tid, ",".join(new), "" if best is None else
                            " (" + "; ".join("%s: want %r got %r" % (f, exp[f], best.get(f))
                                             for f in new) + ")"))
        if fixed:
            failures.append("%s: listed as a known miss of %s, which now pass: take them off %s"
                            % (tid, ",".join(fixed), os.path.relpath(KNOWN, ROOT)))
    ids = {r["id"] for r in results}
    for item in captured:
        if "error" in item:
            failures.append("%s/%s/%s: the client could not make the case fail as planned: %s"
                            % (item["client"], item["case"], item.get("view", "-"), item["error"]))
    ran_clients = set(clients)
    for tid in sorted(known):
        client, case = tid.split("/")[0], tid.split("/")[1]
        if tid not in ids and client in ran_clients and (not a.case or case in a.case):
            failures.append("%s: listed in %s but no longer produced" % (tid, os.path.relpath(KNOWN, ROOT)))

    out = a.out or os.path.join(TARGET, "conformance", "results.jsonl")
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out, "w", encoding="utf-8") as f:
        for r in results:
            f.write(json.dumps(r) + "\n")

    # The table: per client, texts, found %, fields % (expected fields equal), per-field counts.
    print("%-8s %5s %5s %7s %7s  %s" % ("client", "cases", "texts", "found", "fields",
                                        " ".join("%-9s" % f[:9] for f in FIELDS)))
    groups = [(c, [r for r in results if r["client"] == c]) for c in clients] + [("all", results)]
    for name, rs in groups:
        if not rs:
            continue
        found = sum(1 for r in rs if r["records"])
        per = {f: [0, 0] for f in FIELDS}
        for r in rs:
            for f in FIELDS:
                if r["expected"][f] is not None:
                    per[f][1] += 1
                    per[f][0] += f not in r["missed"] and bool(r["records"])
        fe = sum(t for _, t in per.values())
        fc = sum(c for c, _ in per.values())
        print("%-8s %5d %5d %6.1f%% %6.1f%%  %s" % (
            name, len({r["case"] for r in rs}), len(rs), 100.0 * found / len(rs),
            100.0 * fc / max(fe, 1), " ".join("%-9s" % ("%d/%d" % tuple(per[f])) for f in FIELDS)))
    print("services: %d; texts and records: %s" % (
        len({c["service"] for c in cases["cases"]}), out))
    if blank:
        views = sorted({"%s/%s" % (c["client"], c["view"]) for c in blank})
        print("not scored: %d texts that show no field of the error (%s)" % (
            len(blank), ", ".join(views)))
    print("times: install %.1fs, clients %s, awsplain %.1fs" % (
        t_install, ", ".join("%s %.1fs" % kv for kv in timings.items()), t_awsplain))
    for f in failures:
        print("FAIL " + f)
    if a.update_known_misses:
        if a.case or set(clients) != set(CLIENTS) - OPT_IN:
            kept = {k: v for k, v in known.items() if k not in ids}
            merged = [r for r in results] + [{"id": k, "missed": sorted(v[0])} for k, v in kept.items()]
            write_known(merged, known)
        else:
            write_known(results, known)
        print("known misses rewritten: " + os.path.relpath(KNOWN, ROOT))
    passed = sum(1 for r in results if r["ok"])
    failed = len(results) - passed + sum(1 for i in captured if "error" in i)
    failed += sum(1 for f in failures if "no longer produced" in f)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
