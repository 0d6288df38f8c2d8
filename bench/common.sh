# bench/common.sh: what bench/launch.sh, streams.sh and parallel.sh share.
# Sourced, not run. It checks the engine and the image, builds the two
# helpers (runstat, the interleaving timer, and minrun, the minimal Engine
# API program) into $OUT, and prints what the machine is and is doing, so
# every figure carries its context.
#
# Environment:
#   HARDRUN  the binary under test (default bin/hardrun: `make build`)
#   IMAGE    the image (default hardrun-test/root:latest: `make images`)
#   RUNS     measured rounds per command (default 15; at least 10)
#   OUT      where helpers and request files go (default $TMPDIR/hardrun-bench)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
HARDRUN=${HARDRUN:-bin/hardrun}
IMAGE=${IMAGE:-hardrun-test/root:latest}
RUNS=${RUNS:-15}
OUT=${OUT:-${TMPDIR:-/tmp}/hardrun-bench}
GO=${GO:-go}

die() { echo "bench: $*" >&2; exit 2; }

[ -x "$HARDRUN" ] || die "no hardrun binary at $HARDRUN (make build, or set HARDRUN)"
HARDRUN=$(cd "$(dirname "$HARDRUN")" && pwd)/$(basename "$HARDRUN")
command -v docker >/dev/null || die "no docker CLI on PATH: the comparison needs it"
API=$(docker version --format '{{.Server.APIVersion}}' 2>/dev/null) || die "no Docker Engine answers"
docker image inspect "$IMAGE" >/dev/null 2>&1 || die "no image $IMAGE (make images)"
[ "$RUNS" -ge 10 ] || die "RUNS=$RUNS: the budget asks for medians of at least 10 runs"

mkdir -p "$OUT"
CGO_ENABLED=0 $GO build -trimpath -o "$OUT/runstat" ./bench/runstat
# Static, no cgo, like the docker CLI: the floor is what a plain Go client costs.
CGO_ENABLED=0 $GO build -trimpath -o "$OUT/minrun.new" ./cmd/minrun
# Both binaries under test run from a copy, as installed. A file fresh from
# the Go linker (written through mmap) sits in the page cache as a 2 MiB
# folio that the kernel maps whole at the first fault: +2.2 MiB of RSS
# that an installed binary does not have (BENCHMARKS.md, "Peak RSS").
cp "$OUT/minrun.new" "$OUT/minrun" && rm "$OUT/minrun.new"
cp "$HARDRUN" "$OUT/hardrun"
HARDRUN_SRC=$HARDRUN
HARDRUN=$OUT/hardrun
RUNSTAT=$OUT/runstat
MINRUN=$OUT/minrun

# busy samples the CPUs for a second: how busy they are, and the busiest
# processes (the machine is shared; this is the noise the figures carry).
busy() {
	local a b
	a=($(head -1 /proc/stat)); sleep 1; b=($(head -1 /proc/stat))
	local idle=$(( (b[4] + b[5]) - (a[4] + a[5]) )) total=0 i
	for i in 1 2 3 4 5 6 7 8; do total=$(( total + b[i] - a[i] )); done
	printf "CPUs %d%% busy" $(( 100 - 100 * idle / (total > 0 ? total : 1) ))
	if command -v top >/dev/null; then
		printf "; busiest: %s" "$(top -b -n 2 -d 0.5 -w 200 2>/dev/null | awk '/^top -/ { n++ } n == 2 && $1 ~ /^[0-9]+$/ && $9 + 0 > 0 { printf "%s %s%%, ", $12, $9 }' | head -c 160)"
	fi
}

# machine prints the context of a measurement: CPUs, load, engine.
machine() {
	local model
	model=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || echo unknown)
	echo "machine: $(nproc) CPUs ($model), $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo) RAM, kernel $(uname -r)"
	echo "engine: Docker $(docker version --format '{{.Server.Version}}') (API $API), docker CLI $(docker version --format '{{.Client.Version}}')"
	echo "other work on the machine: $(busy)"
	echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg); hardrun: $HARDRUN_SRC ($("$HARDRUN" version 2>/dev/null | sed -n 's/^ *\(Version\|Commit\): *//p' | head -2 | tr '\n' ' '))"
}

# requests LABEL HARDRUN-RUN-ARGS... writes what hardrun would send for
# `hardrun run ARGS` ($OUT/LABEL.json, for minrun) and docker's equivalent
# line ($OUT/LABEL.docker, with the same hardening flags; explain writes the
# seccomp file that line names).
requests() {
	local label=$1
	shift
	"$HARDRUN" explain --format json "$@" >"$OUT/$label.json" 2>/dev/null ||
		die "hardrun explain $*: refused or failed"
	"$HARDRUN" explain --format docker "$@" >"$OUT/$label.docker" 2>/dev/null ||
		die "hardrun explain --format docker $*: refused or failed"
}

# Make sure the isolated network the default profile uses exists, so that
# the first measured hardrun does not pay for creating it and minrun and
# docker (which create nothing) find it.
"$HARDRUN" run --rm "$IMAGE" true 2>/dev/null || die "hardrun run --rm $IMAGE true failed"
