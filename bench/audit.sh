#!/usr/bin/env bash
# bench/audit.sh: time `hardrun audit` against docker-bench-security's
# container_runtime checks (CIS Docker Benchmark section 5) on the same
# running containers.
#
#   bench/audit.sh
#
# Environment:
#   HARDRUN                the binary under test (default: ./bin/hardrun, `make build`)
#   DOCKER_BENCH_SECURITY  a checkout of github.com/docker/docker-bench-security
#                          (default: /tmp/docker-bench-security). It is only run from
#                          there, never copied into this repository. To get one:
#                            git clone --depth 1 https://github.com/docker/docker-bench-security /tmp/docker-bench-security
#   BENCH_CONTAINERS       how many containers (default 50)
#   BENCH_REPEAT           how many timed runs of hardrun audit (default 5; the median is reported)
#   BENCH_IMAGE            image for the docker-run containers (default hardrun-test/root:latest)
#   BENCH_HARDRUN_IMAGE    image for the hardrun-run containers (default hardrun-test/health:latest)
#
# The hardrun-test images are built by the integration tests' TestMain
# (go test ./integration/). Every container the script starts carries the
# label io.hardrun.bench=<run id> and is removed on exit, whatever happens.
#
# docker-bench-security is timed twice: its whole container_runtime group,
# and the same without check 5.7 (sshd), which runs `docker exec ps` in every
# container and which hardrun does not judge (inspect data cannot tell).
set -euo pipefail

HARDRUN=${HARDRUN:-./bin/hardrun}
DBS=${DOCKER_BENCH_SECURITY:-/tmp/docker-bench-security}
N=${BENCH_CONTAINERS:-50}
REPEAT=${BENCH_REPEAT:-5}
IMAGE=${BENCH_IMAGE:-hardrun-test/root:latest}
HARDRUN_IMAGE=${BENCH_HARDRUN_IMAGE:-hardrun-test/health:latest}

die() { echo "bench/audit.sh: $*" >&2; exit 2; }

[ -x "$HARDRUN" ] || die "no hardrun binary at $HARDRUN (make build, or set HARDRUN)"
[ -f "$DBS/docker-bench-security.sh" ] || die "no docker-bench-security checkout at $DBS; get one with:
  git clone --depth 1 https://github.com/docker/docker-bench-security $DBS"
HARDRUN=$(cd "$(dirname "$HARDRUN")" && pwd)/$(basename "$HARDRUN")
for img in "$IMAGE" "$HARDRUN_IMAGE"; do
	docker image inspect "$img" >/dev/null 2>&1 || die "image $img not found (go test ./integration/ builds it, or set BENCH_IMAGE)"
done

RUN=$$-$(date +%s)
LABEL="io.hardrun.bench=$RUN"
WORK=$(mktemp -d)
cleanup() {
	ids=$(docker ps -aq --filter "label=$LABEL")
	[ -z "$ids" ] || docker rm -f -v $ids >/dev/null
	rm -rf "$WORK"
}
trap cleanup EXIT

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }

# A mix like a real host's: hardrun's own containers, plain docker run ones,
# and some with the dangerous settings this engine accepts.
echo "starting $N containers (label $LABEL)..."
names=()
for i in $(seq 1 "$N"); do
	name="hardrun-bench-$RUN-$i"
	case $((i % 5)) in
	0 | 1)
		"$HARDRUN" run -d --name "$name" --label "$LABEL" "$HARDRUN_IMAGE" sleep 3600 >/dev/null 2>"$WORK/err" ||
			die "hardrun run: $(cat "$WORK/err")"
		;;
	2 | 3)
		docker run -d --name "$name" --label "$LABEL" "$IMAGE" sleep 3600 >/dev/null
		;;
	4)
		docker run -d --name "$name" --label "$LABEL" --cap-add SYS_ADMIN --pid host \
			--security-opt seccomp=unconfined -v /etc:/host-etc:ro -p "127.0.0.1::80" "$IMAGE" sleep 3600 >/dev/null
		;;
	esac
	names+=("$name")
done
running=$(docker ps -q --filter "label=$LABEL" | wc -l)
[ "$running" -eq "$N" ] || die "$running of $N containers running"

echo "timing hardrun audit ($REPEAT runs)..."
times=()
for _ in $(seq 1 "$REPEAT"); do
	t0=$(now)
	set +e
	"$HARDRUN" audit --format json "${names[@]}" >"$WORK/audit.json"
	code=$?
	set -e
	t1=$(now)
	[ "$code" -le 1 ] || die "hardrun audit exited $code"
	times+=("$(elapsed "$t0" "$t1")")
done
sorted=$(printf '%s\n' "${times[@]}" | sort -n)
median=$(echo "$sorted" | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
audited=$(grep -c '"container": {' "$WORK/audit.json" || true)
[ "$audited" -eq "$N" ] || die "hardrun audit reported $audited of $N containers"

bench() {
	local log=$WORK/dbs-$1.log
	shift
	t0=$(now)
	(cd "$DBS" && bash docker-bench-security.sh -b -c container_runtime "$@" -t "$LABEL" -l "$log" >/dev/null 2>&1)
	t1=$(now)
	elapsed "$t0" "$t1"
}
echo "timing docker-bench-security container_runtime..."
dbs_full=$(bench full)
echo "timing docker-bench-security container_runtime without 5.7 (docker exec)..."
dbs_no57=$(bench no57 -e check_5_7)

# A sanity check that docker-bench-security saw the containers: 5.13 lists
# every one with a writable root (all but hardrun's).
flagged=$(grep -c 'root FS mounted R/W: hardrun-bench-' "$WORK/dbs-full.log" || true)

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.0f", a / b }'; }
cat <<EOF

audit of $N running containers ($((N * 2 / 5)) hardrun, $((N * 2 / 5)) docker run, $((N / 5)) risky), engine $(docker version --format '{{.Server.Version}}'), $(nproc) CPUs
  hardrun audit --format json        median ${median}s of $REPEAT runs (all: ${times[*]})
  docker-bench-security 5 (all)      ${dbs_full}s   hardrun is $(ratio "$dbs_full" "$median")x faster
  docker-bench-security 5 minus 5.7  ${dbs_no57}s   hardrun is $(ratio "$dbs_no57" "$median")x faster
  (docker-bench-security flagged $flagged containers under 5.13; $((N - N * 2 / 5)) have a writable root)
EOF
