#!/usr/bin/env bash
# bench/cpuprofile.sh: where hardrun's CPU goes in `run --rm IMAGE true`.
# Samples N launches with perf (cpu-clock, call graphs) and splits the
# samples into phases by the first matching frame of each stack, in the
# order below (so the signal subscription's scheduler frames count as the
# subscription, not as scheduling). Needs perf (Debian linux-perf).
#
#   bench/cpuprofile.sh      (environment: see bench/common.sh; PROFILE_RUNS, default 40)
. "$(dirname "$0")/common.sh"

command -v perf >/dev/null || { echo "perf not found (apt-get install linux-perf)" >&2; exit 1; }
N=${PROFILE_RUNS:-40}
BIN=$OUT/hardrun.prof
cp "$HARDRUN" "$BIN"
perf record -q -F 25000 -g -o "$OUT/perf.data" -- \
	sh -c "for i in \$(seq $N); do '$BIN' run --rm '$IMAGE' true >/dev/null 2>&1; done" >/dev/null 2>&1
perf script -i "$OUT/perf.data" --comm "$(basename "$BIN" | cut -c1-15)" 2>/dev/null | awk -v runs="$N" '
BEGIN {
	n = split("signal subscription|os/signal.Notify runtime.ensureSigM.func1 runtime.stoplockedm runtime.startlockedm;" \
		"runtime monitor thread (sysmon)|runtime.sysmon;" \
		"package init|runtime.doInit1;" \
		"runtime start|runtime.rt0_go.abi0 runtime.schedinit;" \
		"CPU affinity hold and release|main.holdOnThisCPU main.setThreadsAffinity;" \
		"ping (API version)|github.com/moby/moby/client.(*Client).Ping;" \
		"image inspect|github.com/moby/moby/client.(*Client).ImageInspect;" \
		"network inspect|github.com/moby/moby/client.(*Client).NetworkInspect;" \
		"create (encode and send)|github.com/moby/moby/client.(*Client).ContainerCreate;" \
		"post-create inspect and check|github.com/moby/moby/client.(*Client).ContainerInspect github.com/hardrun/hardrun/launcher.checkCreated;" \
		"attach, wait, start|github.com/moby/moby/client.(*Client).ContainerAttach github.com/moby/moby/client.(*Client).ContainerWait github.com/moby/moby/client.(*Client).ContainerStart;" \
		"parse flags|main.parseRunLine main.parseGlobals main.(*app).root;" \
		"profile load|main.(*app).loadProfile;" \
		"policy and seccomp|github.com/hardrun/hardrun/launcher.Evaluate;" \
		"HTTP connection goroutines|net/http.(*persistConn).readLoop net/http.(*persistConn).writeLoop net/http.(*Transport).dialConnFor;" \
		"rest of main|main.main;" \
		"scheduler and idle threads|runtime.mstart.abi0 runtime.goexit.abi0 runtime.mcall", cats, ";")
	for (i = 1; i <= n; i++) { split(cats[i], kv, "|"); name[i] = kv[1]; keys[i] = " " kv[2] " " }
	name[n + 1] = "other (exec, exit, kernel work outside Go frames)"
}
/^[^ \t]/ { if (stack != "") classify(); stack = " "; next }
/^[ \t]/ { f = $2; sub(/\+0x[0-9a-f]+$/, "", f); stack = stack f " "; next }
END { if (stack != "") classify(); report() }
function classify(   i, j, m, fr) {
	total++
	m = split(stack, fr, " ")
	for (i = 1; i <= n; i++)
		for (j = 1; j <= m; j++)
			if (index(keys[i], " " fr[j] " ")) { hits[i]++; stack = ""; return }
	hits[n + 1]++; stack = ""
}
function report(   i) {
	printf "## CPU profile: %d samples over %d launches (perf, cpu-clock, 25 kHz)\n\n", total, runs
	print "| phase | share of samples |"
	print "|---|---:|"
	for (i = 1; i <= n + 1; i++) printf "| %s | %.1f%% |\n", name[i], 100 * hits[i] / total
}'
