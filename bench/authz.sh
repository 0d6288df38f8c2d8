#!/usr/bin/env bash
# bench/authz.sh: what `hardrun authz serve` adds to a `hardrun run --rm
# IMAGE true` launch. Two throwaway engines run side by side, identical but
# for --authorization-plugin: launches through each are interleaved
# (runstat), so the machine's drift falls on both. Then the plugin's own
# CPU per API request, from /proc, and its RSS after the rounds.
#
#   bench/authz.sh      (root; environment: see bench/common.sh)
#
# Each engine has its own config file, data-root, exec-root, pidfile,
# socket and bridge (never --bridge none: a second dockerd started with it
# deletes the host's docker0), --iptables=false --ip-masq=false, and the
# main engine's storage driver. Everything is removed on exit.
. "$(dirname "$0")/common.sh"

[ "$(id -u)" = 0 ] || die "starting engines needs root"
command -v dockerd >/dev/null || die "no dockerd"
machine

WORK=$(mktemp -d /tmp/hrb.XXXX)
PLUGIN=hardrun-bench-$$
PSOCK=/run/docker/plugins/$PLUGIN.sock
DRIVER=$(docker info --format '{{.Driver}}')
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
	for n in a b; do
		ip link del "hrb$n$$" 2>/dev/null || true
		umount -R "$WORK/$n/exec" 2>/dev/null || true
		umount -R "$WORK/$n/data" 2>/dev/null || true
	done
	rm -rf "$WORK" "$PSOCK"
}
trap cleanup EXIT

# engine NAME CIDR [PLUGIN]: a dockerd on $WORK/NAME/docker.sock.
engine() {
	local n=$1 cidr=$2 plugin=${3:-} br=hrb$1$$
	mkdir -p "$WORK/$n"
	echo '{}' >"$WORK/$n/daemon.json"
	ip link add "$br" type bridge && ip addr add "$cidr" dev "$br" && ip link set "$br" up
	dockerd --config-file "$WORK/$n/daemon.json" --data-root "$WORK/$n/data" \
		--exec-root "$WORK/$n/exec" --pidfile "$WORK/$n/docker.pid" \
		--host "unix://$WORK/$n/docker.sock" --bridge "$br" \
		--iptables=false --ip-masq=false --storage-driver "$DRIVER" \
		${plugin:+--authorization-plugin "$plugin"} >"$WORK/$n/dockerd.log" 2>&1 &
	pids+=($!)
	for _ in $(seq 300); do docker -H "unix://$WORK/$n/docker.sock" version >/dev/null 2>&1 && break; sleep 0.2; done
	docker -H "unix://$WORK/$n/docker.sock" version >/dev/null 2>&1 || die "engine $n did not start: $(tail -5 "$WORK/$n/dockerd.log")"
}

"$HARDRUN" -H "unix://$WORK/a/docker.sock" authz serve --listen "$PSOCK" >"$WORK/serve.log" 2>&1 &
SERVE=$!
pids+=($SERVE)
for _ in $(seq 100); do [ -S "$PSOCK" ] && break; sleep 0.1; done
engine a 10.251.$(( $$ % 250 )).1/24 "$PLUGIN"
engine b 10.252.$(( $$ % 250 )).1/24
for n in a b; do
	docker save "$IMAGE" | docker -H "unix://$WORK/$n/docker.sock" load >/dev/null
	# the isolated network, made once, as on a host in use
	"$HARDRUN" -H "unix://$WORK/$n/docker.sock" run --rm "$IMAGE" true || die "first run on engine $n failed"
done

cpu() { awk '{ print $14 + $15 }' "/proc/$SERVE/stat"; }
c0=$(cpu)
echo
echo "## launch through an engine with the plugin (a) and without (b): run --rm $IMAGE true"
"$RUNSTAT" -runs "$RUNS" \
	"with-plugin=$HARDRUN -H unix://$WORK/a/docker.sock run --rm $IMAGE true" \
	"without=$HARDRUN -H unix://$WORK/b/docker.sock run --rm $IMAGE true"
c1=$(cpu)
hz=$(getconf CLK_TCK)
launches=$(( RUNS + 2 )) # runstat's two warm-up rounds included
# A launch makes 7 API requests (/_ping, image and network inspect,
# create, container inspect, attach, wait, start: counted with strace -e
# write on hardrun), each an AuthZReq and, but for the hijacked attach, an
# AuthZRes to the plugin.
echo
echo "plugin CPU: $(awk -v c=$(( c1 - c0 )) -v hz="$hz" -v n="$launches" 'BEGIN { printf "%.2f ms per launch, %.3f ms per API request (7 a launch)", 1000 * c / hz / n, 1000 * c / hz / n / 7 }') over $launches launches"
echo "plugin RSS after the rounds: $(awk '/VmRSS|VmHWM/ { printf "%s %s kB  ", $1, $2 }' "/proc/$SERVE/status")"

# Then 10,000 more calls to the plugin: reads, and creates it denies (plain
# docker-run bodies, each with its own name and label, so nothing a cache
# keeps is shared), to see its memory stay bounded.
API=http://engine/v1.41
SOCK=$WORK/a/docker.sock
for i in $(seq 4500); do
	curl -s --unix-socket "$SOCK" "$API/containers/json" >/dev/null
done
for i in $(seq 1000); do
	curl -s --unix-socket "$SOCK" -H 'Content-Type: application/json' \
		-d "{\"Image\":\"$IMAGE\",\"Labels\":{\"n\":\"$i\"}}" "$API/containers/create?name=bench-$$-$i" >/dev/null
done
echo "plugin RSS after 10,000 more calls (9,000 for 4,500 reads, an AuthZReq and an AuthZRes each; 1,000 for 1,000 denied creates, an AuthZReq each): $(awk '/VmRSS|VmHWM/ { printf "%s %s kB  ", $1, $2 }' "/proc/$SERVE/status")"
left=$(docker -H "unix://$SOCK" ps -aq --filter "name=bench-$$-" | wc -l)
echo "containers the denied creates left: $left"
