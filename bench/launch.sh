#!/usr/bin/env bash
# bench/launch.sh: launch overhead of `hardrun run --rm IMAGE true` (the
# default profile) against (a) minrun, which sends the same hardened create
# request and makes only create/attach/wait/start(/remove) calls, and (b)
# `docker run --rm` with the same hardening flags. Interleaved rounds;
# medians of wall time, CPU time (user+sys) and peak RSS.
#
#   bench/launch.sh          (environment: see bench/common.sh)
. "$(dirname "$0")/common.sh"

machine
requests launch --rm "$IMAGE" true
echo
echo "## launch: run --rm $IMAGE true"
"$RUNSTAT" -runs "$RUNS" \
	"hardrun=$HARDRUN run --rm $IMAGE true" \
	"minrun=$MINRUN -api $API -request $OUT/launch.json" \
	"docker=$(cat "$OUT/launch.docker")"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg); other work on the machine after: $(busy)"
