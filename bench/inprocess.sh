#!/usr/bin/env bash
# bench/inprocess.sh: the in-process path from argv to a ready create request
# (parse 30 flags, load the built-in default profile, translate, evaluate)
# timed once per fresh process, so every per-process cache is cold: the
# figure the "≤ 2 ms" budget is about. BenchmarkArgvToRequest/cold is the
# same path repeated in one process (warm runtime, fresh loader).
#
#   bench/inprocess.sh       (environment: RUNS, OUT, GO)
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-15}
OUT=${OUT:-${TMPDIR:-/tmp}/hardrun-bench}
GO=${GO:-go}
mkdir -p "$OUT"
$GO test -c -o "$OUT/hardrun.test" ./cmd/hardrun

echo "## in-process: argv (30 flags) → create request, first call in a fresh process"
for _ in $(seq "$RUNS"); do
	"$OUT/hardrun.test" -test.run '^TestArgvToRequestFirstCall$' -test.v |
		sed -n 's/.*first call: \([0-9]*\) µs.*/\1/p'
done | sort -n | awk '{ v[NR] = $1 } END {
	if (NR == 0) { print "no figures (the test did not run)"; exit 1 }
	m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
	printf "runs=%d median %.2f ms, min %.2f ms, max %.2f ms\n", NR, m / 1000, v[1] / 1000, v[NR] / 1000
}'
