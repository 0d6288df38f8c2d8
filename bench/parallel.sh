#!/usr/bin/env bash
# bench/parallel.sh: 20 launches at once (`run --rm IMAGE true`, default
# profile) through hardrun, minrun and docker: the wall time until all 20
# have exited, and how many failed. Rounds are interleaved.
#
#   bench/parallel.sh        (environment: see bench/common.sh; PARALLEL, PARALLEL_RUNS)
. "$(dirname "$0")/common.sh"

P=${PARALLEL:-20}
PRUNS=${PARALLEL_RUNS:-5}

machine
requests parallel --rm "$IMAGE" true
echo
echo "## parallel: $P × run --rm $IMAGE true (CPU is summed over the $P processes, RSS is the largest)"
"$RUNSTAT" -runs "$PRUNS" -warmup 1 -parallel "$P" \
	"hardrun=$HARDRUN run --rm $IMAGE true" \
	"minrun=$MINRUN -api $API -request $OUT/parallel.json" \
	"docker=$(cat "$OUT/parallel.docker")"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg); other work on the machine after: $(busy)"
