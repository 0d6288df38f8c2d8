package profiles

import (
	"cmp"
	"maps"
	"path"
	"slices"
)

// checkResolved checks what no single key can: the keys of the resolved
// profile against each other. Each error is placed at whichever of the keys
// involved was set closest to the profile loaded (the one most likely to
// have introduced the contradiction).
func checkResolved(p *Profile, where *placed, leafFile string) ErrorList {
	c := &crossChecker{p: p, where: where, leaf: leafFile}
	c.limitsWithinMax()
	c.swap()
	c.network()
	c.seccomp()
	c.identity()
	c.capabilities()
	c.logging()
	c.tmpfs()
	return c.errs
}

type crossChecker struct {
	p     *Profile
	where *placed
	leaf  string
	errs  ErrorList
}

// add reports at the latest-set of paths.
func (c *crossChecker) add(paths []string, format string, args ...any) {
	best, depth := pos{file: c.leaf, line: 1, col: 1}, -1
	for _, path := range paths {
		if w, ok := c.where.lookup(path); ok && w.depth > depth {
			best, depth = w.pos, w.depth
		}
	}
	c.errs = append(c.errs, best.errorf(format, args...))
}

func (c *crossChecker) limitsWithinMax() {
	l, m := c.p.Limits, c.p.Max
	if m.Memory != "" && l.Memory != "" && l.MemoryBytes() > m.MemoryBytes() {
		c.add([]string{"limits.memory", "max.memory"}, "limits.memory %s is above max.memory %s", l.Memory, m.Memory)
	}
	if m.CPUs != "" && l.CPUs != "" && l.NanoCPUs() > m.NanoCPUs() {
		c.add([]string{"limits.cpus", "max.cpus"}, "limits.cpus %s is above max.cpus %s", l.CPUs, m.CPUs)
	}
	if m.Pids != 0 && l.Pids > m.Pids {
		c.add([]string{"limits.pids", "max.pids"}, "limits.pids %d is above max.pids %d", l.Pids, m.Pids)
	}
}

// swap applies the engine's own rules: memory_swap is memory plus swap, so
// it cannot be below memory, and it needs a memory limit.
func (c *crossChecker) swap() {
	l := c.p.Limits
	switch {
	case l.MemorySwap == "" || l.MemorySwap == "-1":
	case l.Memory == "":
		c.add([]string{"limits.memory_swap", "limits.memory"}, "limits.memory_swap needs limits.memory (the engine refuses a swap limit without a memory limit)")
	case l.MemorySwapBytes() < l.MemoryBytes():
		c.add([]string{"limits.memory_swap", "limits.memory"}, "limits.memory_swap %s is below limits.memory %s (memory_swap is memory plus swap; -1 is unlimited)", l.MemorySwap, l.Memory)
	}
}

// network: the default must be one the profile itself permits, or every
// run without --network would be refused.
func (c *crossChecker) network() {
	n := c.p.Network
	if !networkAllowed(n.Allow, n.Default) {
		c.add([]string{"network.default", "network.allow"}, "network.default %q is not permitted by network.allow (add %q)", n.Default, networkClass(n.Default))
	}
}

// seccomp: a syscall both denied and allowed is a contradiction, whichever
// way it were settled someone would be surprised.
func (c *crossChecker) seccomp() {
	for _, s := range c.p.Seccomp.Allow {
		if slices.Contains(c.p.Seccomp.Deny, s) {
			c.add([]string{"seccomp.allow", "seccomp.deny"}, "syscall %q is in both seccomp.deny and seccomp.allow", s)
		}
	}
}

func (c *crossChecker) identity() {
	if c.p.User != "" && isRoot(c.p.User) && !c.p.AllowRoot {
		c.add([]string{"user", "allow_root"}, "user %q is root, which allow_root: false refuses", c.p.User)
	}
	if c.p.User != "" && isRootGroup(c.p.User) && !c.p.AllowRootGroup {
		c.add([]string{"user", "allow_root_group"}, "user %q has group 0, which allow_root_group: false refuses", c.p.User)
	}
	if c.p.AppArmor.Profile == "unconfined" && c.p.AppArmor.Mode != "off" {
		c.add([]string{"apparmor.profile", "apparmor.mode"}, "apparmor.profile %q needs apparmor.mode: off", c.p.AppArmor.Profile)
	}
}

// capabilities: docker lets an added capability win over a dropped one,
// so a name in both lists would silently not be dropped.
func (c *crossChecker) capabilities() {
	for _, cap := range c.p.CapAdd {
		if cap != "ALL" && slices.Contains(c.p.CapDrop, cap) {
			c.add([]string{"cap_add", "cap_drop"}, "capability %q is in both cap_drop and cap_add (the add would win)", cap)
		}
	}
}

// logging: the default driver must be one the profile permits, and its
// options ones the engine takes for it.
func (c *crossChecker) logging() {
	lg := c.p.Logging
	if lg.Driver != "" && !matchAnyGlob(c.p.LoggingAllow, lg.Driver) {
		c.add([]string{"logging.driver", "logging_allow"}, "logging.driver %q is not permitted by logging_allow (add it)", lg.Driver)
	}
	if len(lg.Options) == 0 {
		return
	}
	driver := cmp.Or(lg.Driver, "json-file") // the engine's default driver
	for _, name := range slices.Sorted(maps.Keys(lg.Options)) {
		if err := CheckLogOption(driver, name, lg.Options[name]); err != nil {
			c.add([]string{"logging.options", "logging.driver"}, "logging.options: %v", err)
		}
	}
	if n, ok := lg.Options["max-file"]; ok && n != "1" && lg.Options["max-size"] == "" && (driver == "json-file" || driver == "local") {
		c.add([]string{"logging.options"}, "logging.options: max-file needs max-size (the engine refuses it otherwise)")
	}
}

// tmpfs: two specs for one target would leave it to map order which wins.
func (c *crossChecker) tmpfs() {
	for i, t := range c.p.Tmpfs {
		target := TmpfsTarget(t)
		if slices.ContainsFunc(c.p.Tmpfs[:i], func(u string) bool { return TmpfsTarget(u) == target }) {
			c.add([]string{"tmpfs"}, "tmpfs: two entries for %s", target)
		}
	}
}

func matchAnyGlob(globs []string, s string) bool {
	for _, g := range globs {
		if m, _ := path.Match(g, s); m {
			return true
		}
	}
	return false
}
