package policy

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/mount"

	"github.com/hardrun/hardrun/profiles"
)

// judgeResources: limits (defaults), max (ceilings), restart policies, the
// OOM killer, init and logging.
func (e *evaluation) judgeResources() {
	e.applyMemory()
	e.applyCPUs()
	e.applyCPUShares()
	e.applyPids()
	e.applyShmSize()
	e.applyUlimits()
	e.judgeOOMKillDisable()
	e.judgeRestart()
	e.judgeRestartBinds()
	e.applyInit()
	e.applyLogging()
	e.judgeLogDriver()
}

// applyMemory: limits.memory when the caller gives no --memory (max.memory
// when there is no default: no limit at all would exceed the ceiling), and
// the ceiling for a caller's --memory (0 is no limit).
func (e *evaluation) applyMemory() {
	lim, ceil := e.p.Limits.MemoryBytes(), e.p.Max.MemoryBytes()
	key := keyString("max.memory", e.p.Max.Memory)
	switch {
	case e.hc.Memory == 0 && !e.given("memory"):
		switch {
		case lim > 0:
			e.setMemory(lim, e.p.Limits.Memory, "limits.memory")
		case ceil > 0:
			e.setMemory(ceil, e.p.Max.Memory, "max.memory")
		}
		e.applySwap(lim)
		return
	case ceil > 0 && e.hc.Memory <= 0:
		e.refuse(item("HostConfig.Resources.Memory", strconv.FormatInt(e.hc.Memory, 10)), key, "it sets no memory limit")
	case ceil > 0 && e.hc.Memory > ceil:
		e.refuse(item("HostConfig.Resources.Memory", FormatSize(e.hc.Memory)), key, "")
	}
	e.applySwap(0)
}

func (e *evaluation) setMemory(n int64, spelled, key string) {
	e.hc.Memory = n
	e.change("HostConfig.Resources.Memory", spelled, key, "default")
}

// applySwap: limits.memory_swap when the caller gives no --memory-swap and
// there is a memory limit. With the profile's own memory default it applies
// as written; with another memory limit (the caller's, or max.memory) it
// keeps the profile's swap allowance (memory_swap - memory) on top of that
// limit, since a swap total below the memory limit is an engine error.
func (e *evaluation) applySwap(profileMemory int64) {
	spelled := e.p.Limits.MemorySwap
	if spelled == "" || e.hc.MemorySwap != 0 || e.given("memory-swap") || e.hc.Memory <= 0 {
		return
	}
	flag := FieldMemorySwap
	if spelled == "-1" {
		e.hc.MemorySwap = -1
		e.change(flag, spelled, "limits.memory_swap", "default")
		return
	}
	swap := e.p.Limits.MemorySwapBytes()
	if profileMemory > 0 && e.hc.Memory == profileMemory {
		e.hc.MemorySwap = swap
		e.change(flag, spelled, "limits.memory_swap", "default")
		return
	}
	lim := e.p.Limits.MemoryBytes()
	e.hc.MemorySwap = e.hc.Memory + max(0, swap-lim)
	e.change(flag, FormatSize(e.hc.MemorySwap), "limits.memory_swap", "default")
}

// applyCPUs: limits.cpus (or max.cpus) when the caller sets no CPU limit of
// any kind (the engine refuses --cpus together with --cpu-quota or
// --cpu-period), and max.cpus for the caller's limit, however it is spelled.
func (e *evaluation) applyCPUs() {
	lim, ceil := e.p.Limits.NanoCPUs(), e.p.Max.NanoCPUs()
	said := e.hc.NanoCPUs != 0 || e.hc.CPUQuota != 0 || e.hc.CPUPeriod != 0 ||
		e.given("cpus") || e.given("cpu-quota") || e.given("cpu-period")
	flag := FieldNanoCPUs
	switch {
	case !said && lim > 0:
		e.hc.NanoCPUs = lim
		e.change(flag, e.p.Limits.CPUs, "limits.cpus", "default")
	case !said && ceil > 0:
		e.hc.NanoCPUs = ceil
		e.change(flag, e.p.Max.CPUs, "max.cpus", "default")
	case said && ceil > 0:
		eff, what := e.effectiveCPUs()
		key := keyString("max.cpus", e.p.Max.CPUs)
		if eff <= 0 {
			e.refuse(what, key, "it sets no CPU limit")
		} else if eff > ceil {
			e.refuse(what, key, "")
		}
	}
}

// effectiveCPUs is the caller's CPU limit in nano CPUs, and the flag that
// set it in the user's words.
func (e *evaluation) effectiveCPUs() (int64, Item) {
	r := e.hc.Resources
	switch {
	case r.CPUQuota < 0:
		// A negative quota is "no quota" to the kernel, and the engine lets
		// it through beside --cpus (its conflict check looks at positive
		// values only): the --cpus limit is then not in force.
		return 0, item("HostConfig.Resources.CPUQuota", strconv.FormatInt(r.CPUQuota, 10))
	case r.NanoCPUs > 0:
		return r.NanoCPUs, item("HostConfig.Resources.NanoCPUs", formatCPUs(r.NanoCPUs))
	case r.CPUQuota > 0:
		period := r.CPUPeriod
		if period <= 0 {
			period = 100000 // the kernel's default CFS period, in µs
		}
		return r.CPUQuota * 1e9 / period, item("HostConfig.Resources.CPUQuota", strconv.FormatInt(r.CPUQuota, 10))
	case r.CPUQuota != 0:
		return 0, item("HostConfig.Resources.CPUQuota", strconv.FormatInt(r.CPUQuota, 10))
	case r.CPUPeriod != 0:
		return 0, item("HostConfig.Resources.CPUPeriod", strconv.FormatInt(r.CPUPeriod, 10))
	}
	return 0, item("HostConfig.Resources.NanoCPUs", formatCPUs(r.NanoCPUs))
}

func (e *evaluation) applyCPUShares() {
	if e.hc.CPUShares != 0 || e.given("cpu-shares") || e.p.Limits.CPUShares == 0 {
		return
	}
	e.hc.CPUShares = e.p.Limits.CPUShares
	e.change("HostConfig.Resources.CPUShares", strconv.FormatInt(e.p.Limits.CPUShares, 10), "limits.cpu_shares", "default")
}

// applyPids: limits.pids (or max.pids) when the caller gives no
// --pids-limit; max.pids for the caller's (0 and -1 are no limit).
func (e *evaluation) applyPids() {
	lim, ceil := e.p.Limits.Pids, e.p.Max.Pids
	flag := FieldPidsLimit
	// docker always sends the pointer; 0 is what it sends for no flag.
	unset := e.hc.PidsLimit == nil || *e.hc.PidsLimit == 0
	if unset && !e.given("pids-limit") {
		def, key := lim, "limits.pids"
		if def <= 0 {
			def, key = ceil, "max.pids"
		}
		if def > 0 {
			e.hc.PidsLimit = &def
			e.change(flag, strconv.FormatInt(def, 10), key, "default")
		}
		return
	}
	if ceil <= 0 {
		return
	}
	var v int64
	if e.hc.PidsLimit != nil {
		v = *e.hc.PidsLimit
	}
	what, key := item("HostConfig.Resources.PidsLimit", strconv.FormatInt(v, 10)), fmt.Sprintf("max.pids: %d", ceil)
	if v <= 0 {
		e.refuse(what, key, "it sets no limit")
	} else if v > ceil {
		e.refuse(what, key, "")
	}
}

// applyShmSize sizes /dev/shm when the container has its own IPC namespace
// (with --ipc host, container: or none there is no /dev/shm of its own).
func (e *evaluation) applyShmSize() {
	if e.hc.ShmSize != 0 || e.given("shm-size") || e.p.Limits.ShmSize == "" {
		return
	}
	switch e.hc.IpcMode {
	case "", container.IPCModePrivate, container.IPCModeShareable:
	default:
		return
	}
	e.hc.ShmSize = e.p.Limits.ShmSizeBytes()
	e.change("HostConfig.ShmSize", e.p.Limits.ShmSize, "limits.shm_size", "default")
}

// applyUlimits adds each of limits.ulimits the caller does not set.
func (e *evaluation) applyUlimits() {
	for _, name := range sortedKeys(e.p.Limits.Ulimits) {
		if slices.ContainsFunc(e.hc.Ulimits, func(u *container.Ulimit) bool { return u != nil && u.Name == name }) {
			continue
		}
		v := e.p.Limits.Ulimits[name]
		soft, hard, err := profiles.ParseUlimit(name, v)
		if err != nil {
			e.fail(fmt.Errorf("limits.ulimits.%s: %w", name, err))
			continue
		}
		e.hc.Ulimits = append(e.hc.Ulimits, &container.Ulimit{Name: name, Soft: soft, Hard: hard})
		e.changeElem(FieldUlimits, name, name+"="+v, "limits.ulimits", "default")
	}
}

// judgeOOMKillDisable refuses --oom-kill-disable without a memory limit:
// the kernel could then only relieve memory pressure by killing host
// processes.
func (e *evaluation) judgeOOMKillDisable() {
	if d := e.hc.OomKillDisable; d != nil && *d && e.hc.Memory <= 0 {
		e.refuse(item("HostConfig.Resources.OomKillDisable", ""), keyEnforce, "there is no memory limit")
	}
}

// judgeRestart: a restart policy must be in restart_allow; "no" (no
// restarts) always is.
func (e *evaluation) judgeRestart() {
	rp := e.hc.RestartPolicy
	if rp.IsNone() || slices.Contains(e.p.RestartAllow, string(rp.Name)) {
		return
	}
	e.refuse(item("HostConfig.RestartPolicy", restartSpec(rp)), keyList("restart_allow", e.p.RestartAllow), "")
}

// judgeRestartBinds refuses a restart policy for a container with host
// binds. The engine restarts it without hardrun and mounts each bind
// source by its path again: a directory swapped for a symlink between two
// starts (by a container with a rw bind of its parent, or by a user) would
// hand the container whatever the link names. Named volumes keep their
// data across restarts without a host path.
func (e *evaluation) judgeRestartBinds() {
	rp := e.hc.RestartPolicy
	if rp.IsNone() {
		return
	}
	if src := e.hostBindSource(); src != "" {
		e.refuse(item("HostConfig.RestartPolicy", restartSpec(rp)), keyEnforce,
			"the engine restarts the container without hardrun and mounts the bind of "+src+" by its path again, where a symlink may have been planted in between; use a named volume")
	}
}

// judgeRestartUserFiles refuses a restart policy that an update would give
// a container that can rewrite its own /etc/passwd and /etc/group (a
// writable root file system) while the profile refuses uid 0 or group 0
// (judgeWritableRoot refuses such a container at create now; one made
// before, or under another profile version, may exist). The engine and runc resolve
// the user from those files again at every start, and the engine restarts
// the container without hardrun: an entry "x:x:0:0::/:/bin/sh" named as
// the user, or a group named after the user's gid with gid 0 (runc looks
// supplementary gids up by name too), makes the next start root.
func (e *evaluation) judgeRestartUserFiles() {
	rp := e.hc.RestartPolicy
	if rp.IsNone() || e.hc.ReadonlyRootfs || (e.p.AllowRoot && e.p.AllowRootGroup) {
		return
	}
	e.refuse(item("HostConfig.RestartPolicy", restartSpec(rp)), "read_only: true",
		"the engine restarts the container without hardrun and resolves its user again from /etc/passwd and /etc/group, which a writable root file system lets the container rewrite to uid 0 or group 0")
}

// hostBindSource returns the first host path the request binds, "" if none.
func (e *evaluation) hostBindSource() string {
	for _, raw := range e.hc.Binds {
		if b, err := ParseBind(raw); err == nil && b.Source != "" && b.IsHostPath() {
			return b.Source
		}
	}
	for _, m := range e.hc.Mounts {
		if m.Type == mount.TypeBind {
			return m.Source
		}
	}
	for _, raw := range e.hc.VolumesFrom {
		name, _, _ := strings.Cut(raw, ":")
		if e.host.Container == nil {
			return "the mounts of " + name
		}
		c, err := e.host.Container(name)
		if err != nil {
			continue // refused by judgeVolumesFrom
		}
		for _, mp := range c.Mounts {
			if mp.Type == mount.TypeBind {
				return mp.Source
			}
		}
	}
	return ""
}

func restartSpec(rp container.RestartPolicy) string {
	if rp.MaximumRetryCount > 0 {
		return fmt.Sprintf("%s:%d", rp.Name, rp.MaximumRetryCount)
	}
	return string(rp.Name)
}

// applyInit runs an init as PID 1 (reaps zombies, forwards signals) unless
// the caller says --init either way.
func (e *evaluation) applyInit() {
	if e.hc.Init != nil || e.given("init") || !e.p.Init {
		return
	}
	t := true
	e.hc.Init = &t
	e.change("HostConfig.Init", "", "init", "default")
}

// applyLogging sets the profile's log driver and options when the caller
// gives neither --log-driver nor --log-opt (options given alone are meant
// for the engine's default driver).
func (e *evaluation) applyLogging() {
	lc := &e.hc.LogConfig
	if lc.Type != "" || len(lc.Config) > 0 || e.given("log-driver") || e.given("log-opt") || e.p.Logging.Driver == "" {
		return
	}
	lc.Type = e.p.Logging.Driver
	e.change("HostConfig.LogConfig.Type", lc.Type, "logging.driver", "default")
	if len(e.p.Logging.Options) == 0 {
		return
	}
	lc.Config = maps.Clone(e.p.Logging.Options)
	for _, k := range sortedKeys(lc.Config) {
		e.changeElem(FieldLogOptions, k, k+"="+lc.Config[k], "logging.options", "default")
	}
}

// judgeLogDriver refuses a log driver outside logging_allow: a syslog,
// gelf, fluentd or awslogs driver ships the container's output to wherever
// its options say. The engine's own default driver (no --log-driver) is
// judged after create, on what the engine recorded.
func (e *evaluation) judgeLogDriver() {
	if t := e.hc.LogConfig.Type; t != "" && !matchAnyGlob(e.p.LoggingAllow, t) {
		e.refuse(item("HostConfig.LogConfig.Type", t), keyList("logging_allow", e.p.LoggingAllow), "")
	}
}

func formatCPUs(nano int64) string {
	return strconv.FormatFloat(float64(nano)/1e9, 'f', -1, 64)
}
