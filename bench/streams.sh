#!/usr/bin/env bash
# bench/streams.sh: stream throughput through hardrun, minrun and docker
# (same hardening flags): container stdout, stdin with -i, and tty output
# with -t. runstat reads each command's stdout through a pipe and checks
# the byte count, or feeds its stdin and checks what `wc -c` counted.
#
#   bench/streams.sh         (environment: see bench/common.sh; BYTES, TTY_BYTES, STREAM_RUNS)
. "$(dirname "$0")/common.sh"

BYTES=${BYTES:-200000000}       # 200 MB
TTY_BYTES=${TTY_BYTES:-$BYTES}
SRUNS=${STREAM_RUNS:-10}

machine

# stream LABEL RUNSTAT-FLAGS -- HARDRUN-RUN-ARGS...
stream() {
	local label=$1 flags=()
	shift
	while [ "$1" != -- ]; do flags+=("$1"); shift; done
	shift
	requests "$label" "$@"
	echo
	echo "## $label: run $*"
	"$RUNSTAT" -runs "$SRUNS" -warmup 1 "${flags[@]}" \
		"hardrun=$HARDRUN run $*" \
		"minrun=$MINRUN -api $API -request $OUT/$label.json" \
		"docker=$(cat "$OUT/$label.docker")"
}

stream stdout -stdout-bytes "$BYTES" -- --rm "$IMAGE" head -c "$BYTES" /dev/zero
stream stdin -stdin-bytes "$BYTES" -expect "$BYTES" -- --rm -i "$IMAGE" wc -c
stream tty -stdout-bytes "$TTY_BYTES" -- --rm -t "$IMAGE" head -c "$TTY_BYTES" /dev/zero
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg); other work on the machine after: $(busy)"
