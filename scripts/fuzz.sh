#!/usr/bin/env bash
# Fuzz awsplain with cargo fuzz (libFuzzer): build the targets in fuzz/, then run each one in
# turn for SECONDS, seeded with the samples, and print executions, coverage and crashes.
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET (default 600)] [TARGET...]   (default: every target)
#
# Needs the nightly toolchain (`rustup toolchain install nightly`) and cargo-fuzz (installed
# here when missing). Targets run one at a time in one process each (libFuzzer's default,
# like -jobs=1), so the machine stays usable. Corpora grow in fuzz/corpus/<target>, crashes
# land in fuzz/artifacts/<target>/, logs in fuzz/artifacts/<target>.log (all git-ignored).
# Exit status: 0 when no target crashed, 1 otherwise. A crash input belongs in
# tests/regressions/ once the bug is fixed (see tests/cli/hostile.rs).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
secs=${1:-600}
[ $# -gt 0 ] && shift
case $secs in '' | *[!0-9]*)
	echo "usage: scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]" >&2
	exit 2
	;;
esac

# The fuzz build (sanitizer flags, release profile) shares nothing with the normal build.
export CARGO_TARGET_DIR=${AWSPLAIN_FUZZ_TARGET_DIR:-$HOME/.cache/awsplain-fuzz-target}
if ! cargo fuzz --version >/dev/null 2>&1; then
	cargo install cargo-fuzz --locked
fi

cd "$root/fuzz"
if [ $# -gt 0 ]; then
	targets=("$@")
else
	mapfile -t targets < <(cargo +nightly fuzz list)
fi
for t in "${targets[@]}"; do
	cargo +nightly fuzz build -O "$t"
done

status=0
report=()
for t in "${targets[@]}"; do
	corpus=corpus/$t
	mkdir -p "$corpus" "artifacts/$t"
	# Seeds: every format and remedy sample (their names keep them apart from found inputs).
	for f in "$root"/samples/formats/*.txt "$root"/samples/remedies/*; do
		cp -f "$f" "$corpus/seed-$(basename "$(dirname "$f")")-$(basename "$f")"
	done
	log=artifacts/$t.log
	echo "== $t: ${secs}s"
	set +e
	cargo +nightly fuzz run -O "$t" "$corpus" -- \
		-max_total_time="$secs" -dict=awsplain.dict -print_final_stats=1 \
		-artifact_prefix="artifacts/$t/" -max_len=16384 >"$log" 2>&1
	rc=$?
	set -e
	last=$(grep -E '^#[0-9]+' "$log" | tail -n 1 || true)
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
	ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
	units=$(find "$corpus" -type f | wc -l)
	crashes=$(find "artifacts/$t" -type f | wc -l)
	if [ "$rc" -ne 0 ]; then
		status=1
		grep -E 'panicked|SUMMARY|Test unit written' "$log" | head -n 5 || true
	fi
	report+=("$(printf '%-12s execs %-10s cov %-6s ft %-7s corpus %-6s crash files %s (exit %s)' \
		"$t" "${execs:-?}" "${cov:-?}" "${ft:-?}" "$units" "$crashes" "$rc")")
done

echo
echo "== summary (${secs}s per target; logs in fuzz/artifacts/)"
printf '%s\n' "${report[@]}"
exit "$status"
