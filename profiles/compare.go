package profiles

import (
	"fmt"
	"maps"
	"math"
	"net/netip"
	"slices"
	"strconv"
	"strings"
)

// Effect says which way a change between two profiles goes.
type Effect string

const (
	// Looser: the second profile permits what the first does not.
	Looser Effect = "looser"
	// Tighter: the second profile refuses or limits what the first permits.
	Tighter Effect = "tighter"
	// Changed: a different default that neither permits nor refuses more.
	Changed Effect = "changed"
)

// Change is one difference between two resolved profiles, key by key.
type Change struct {
	Key    string `json:"key"`            // dotted key: "seccomp.deny", "limits.memory"
	Item   string `json:"item,omitempty"` // the list item, ulimit or tmpfs target; "" for a scalar
	From   string `json:"from"`           // the first profile's value ("" when unset or absent)
	To     string `json:"to"`             // the second profile's value
	Effect Effect `json:"effect"`
}

// String is the change for people: `seccomp.deny: "ptrace" removed`.
func (c Change) String() string {
	switch {
	case c.Item != "" && c.From == "":
		return fmt.Sprintf("%s: %q added", c.Key, c.Item)
	case c.Item != "" && c.To == "":
		return fmt.Sprintf("%s: %q removed", c.Key, c.Item)
	case c.Item != "":
		return fmt.Sprintf("%s[%s]: %s -> %s", c.Key, c.Item, show(c.From), show(c.To))
	}
	return fmt.Sprintf("%s: %s -> %s", c.Key, show(c.From), show(c.To))
}

func show(v string) string {
	if v == "" {
		return "(unset)"
	}
	return v
}

// Compare returns, key by key in schema order, how b differs from a: what
// b permits that a does not (Looser), what it tightens, and the defaults
// it merely changes. It is pure: `hardrun profiles diff A B` prints it, and
// the loader uses it for each step of an extends chain (Weakenings).
// Name, description, enforce aside, every key of the schema is compared.
func Compare(a, b *Profile) []Change {
	var out []Change
	for _, asp := range aspects {
		out = append(out, asp.cmp(asp.key, a, b)...)
	}
	return out
}

// aspectOf is the comparison of one key.
func aspectOf(key string) aspect {
	i := slices.IndexFunc(aspects, func(a aspect) bool { return a.key == key })
	return aspects[i] // keys come from Compare: always found
}

// aspect compares one key.
type aspect struct {
	key string
	cmp func(key string, a, b *Profile) []Change
}

var aspects = []aspect{
	{"enforce", boolKey(func(p *Profile) bool { return p.Enforce }, false)},
	{"user", userKey},
	{"allow_root", boolKey(func(p *Profile) bool { return p.AllowRoot }, true)},
	{"allow_root_group", boolKey(func(p *Profile) bool { return p.AllowRootGroup }, true)},
	{"privileged", boolKey(func(p *Profile) bool { return p.Privileged }, true)},
	{"no_new_privileges", boolKey(func(p *Profile) bool { return p.NoNewPrivileges }, false)},
	{"cap_drop", restrictList(func(p *Profile) []string { return p.CapDrop })},
	{"cap_add", permitList(func(p *Profile) []string { return p.CapAdd })},
	{"cap_allow", permitList(func(p *Profile) []string { return p.CapAllow })},
	{"read_only", boolKey(func(p *Profile) bool { return p.ReadOnly }, false)},
	{"tmpfs", tmpfsKey},
	{"seccomp.base", ordered(func(p *Profile) string { return p.Seccomp.Base }, "unconfined", "default", "strict")},
	{"seccomp.deny", restrictList(func(p *Profile) []string { return p.Seccomp.Deny })},
	{"seccomp.allow", permitList(func(p *Profile) []string { return p.Seccomp.Allow })},
	{"apparmor.mode", ordered(func(p *Profile) string { return p.AppArmor.Mode }, "off", "if-available", "required")},
	{"apparmor.profile", changed(func(p *Profile) string { return p.AppArmor.Profile })},
	{"apparmor.deny_write", restrictList(func(p *Profile) []string { return p.AppArmor.DenyWrite })},
	{"volumes.default_mode", ordered(func(p *Profile) string { return p.Volumes.DefaultMode }, "rw", "ro")},
	{"volumes.allow_rw", permitList(func(p *Profile) []string { return p.Volumes.AllowRW })},
	{"volumes.deny", restrictList(func(p *Profile) []string { return p.Volumes.Deny })},
	{"volumes.allow_bind", boolKey(func(p *Profile) bool { return p.Volumes.AllowBind }, true)},
	{"volumes.drivers_allow", permitList(func(p *Profile) []string { return p.Volumes.DriversAllow })},
	{"volumes.driver_options", boolKey(func(p *Profile) bool { return p.Volumes.DriverOptions }, true)},
	{"network.default", networkDefaultKey},
	{"network.allow", permitList(func(p *Profile) []string { return p.Network.Allow })},
	{"network.publish", boolKey(func(p *Profile) bool { return p.Network.Publish }, true)},
	{"network.publish_host_ip", hostIPKey},
	{"namespaces_allow_host", permitList(func(p *Profile) []string { return p.NamespacesAllowHost })},
	{"devices_allow", permitList(func(p *Profile) []string { return p.DevicesAllow })},
	{"sysctls_allow", permitList(func(p *Profile) []string { return p.SysctlsAllow })},
	{"limits.memory", amount(func(p *Profile) string { return p.Limits.Memory }, mustSize)},
	{"limits.memory_swap", amount(func(p *Profile) string { return p.Limits.MemorySwap }, mustSize)},
	{"limits.cpus", amount(func(p *Profile) string { return p.Limits.CPUs }, mustCPUs)},
	{"limits.cpu_shares", amount(func(p *Profile) string { return intText(p.Limits.CPUShares) }, mustInt)},
	{"limits.pids", amount(func(p *Profile) string { return intText(p.Limits.Pids) }, mustInt)},
	{"limits.shm_size", amount(func(p *Profile) string { return p.Limits.ShmSize }, mustSize)},
	{"limits.ulimits", ulimitsKey},
	{"max.memory", amount(func(p *Profile) string { return p.Max.Memory }, mustSize)},
	{"max.cpus", amount(func(p *Profile) string { return p.Max.CPUs }, mustCPUs)},
	{"max.pids", amount(func(p *Profile) string { return intText(p.Max.Pids) }, mustInt)},
	{"init", changed(func(p *Profile) string { return strconv.FormatBool(p.Init) })},
	{"restart_allow", permitList(func(p *Profile) []string { return p.RestartAllow })},
	{"logging.driver", changed(func(p *Profile) string { return p.Logging.Driver })},
	{"logging.options", changedMap(func(p *Profile) map[string]string { return p.Logging.Options })},
	{"logging_allow", permitList(func(p *Profile) []string { return p.LoggingAllow })},
	{"images.allow", permitList(func(p *Profile) []string { return p.Images.Allow })},
	{"images.require_digest", boolKey(func(p *Profile) bool { return p.Images.RequireDigest }, false)},
	{"images.signatures.keys", signatureKeys},
}

func mustInt(s string) int64 {
	n, _ := strconv.ParseInt(s, 10, 64) // "" (unset) is 0
	return n
}

func intText(n int64) string {
	if n == 0 {
		return ""
	}
	return strconv.FormatInt(n, 10)
}

// boolKey: looserWhen is the value that permits more.
func boolKey(get func(*Profile) bool, looserWhen bool) func(string, *Profile, *Profile) []Change {
	return func(key string, a, b *Profile) []Change {
		x, y := get(a), get(b)
		if x == y {
			return nil
		}
		return []Change{{Key: key, From: strconv.FormatBool(x), To: strconv.FormatBool(y), Effect: effect(y == looserWhen)}}
	}
}

func effect(looser bool) Effect {
	if looser {
		return Looser
	}
	return Tighter
}

// restrictList: an item removed permits more.
func restrictList(get func(*Profile) []string) func(string, *Profile, *Profile) []Change {
	return func(key string, a, b *Profile) []Change { return listChanges(key, get(a), get(b), Tighter) }
}

// permitList: an item added permits more.
func permitList(get func(*Profile) []string) func(string, *Profile, *Profile) []Change {
	return func(key string, a, b *Profile) []Change { return listChanges(key, get(a), get(b), Looser) }
}

// listChanges lists removed items, then added ones; whenAdded is the
// effect of an added item.
func listChanges(key string, a, b []string, whenAdded Effect) []Change {
	if slices.Equal(a, b) {
		return nil // the common case, at every step of every chain
	}
	var out []Change
	whenRemoved := Looser
	if whenAdded == Looser {
		whenRemoved = Tighter
	}
	for _, x := range a {
		if !slices.Contains(b, x) {
			out = append(out, Change{Key: key, Item: x, From: x, Effect: whenRemoved})
		}
	}
	for _, y := range b {
		if !slices.Contains(a, y) {
			out = append(out, Change{Key: key, Item: y, To: y, Effect: whenAdded})
		}
	}
	return out
}

// ordered: values from the loosest to the tightest; another value is a
// plain change.
func ordered(get func(*Profile) string, order ...string) func(string, *Profile, *Profile) []Change {
	return func(key string, a, b *Profile) []Change {
		x, y := get(a), get(b)
		if x == y {
			return nil
		}
		c := Change{Key: key, From: x, To: y, Effect: Changed}
		i, j := slices.Index(order, x), slices.Index(order, y)
		if i >= 0 && j >= 0 {
			c.Effect = effect(j < i)
		}
		return []Change{c}
	}
}

func changed(get func(*Profile) string) func(string, *Profile, *Profile) []Change {
	return func(key string, a, b *Profile) []Change {
		if x, y := get(a), get(b); x != y {
			return []Change{{Key: key, From: x, To: y, Effect: Changed}}
		}
		return nil
	}
}

func changedMap(get func(*Profile) map[string]string) func(string, *Profile, *Profile) []Change {
	return func(key string, a, b *Profile) []Change {
		x, y := get(a), get(b)
		if maps.Equal(x, y) {
			return nil
		}
		var out []Change
		for _, k := range sortedUnion(x, y) {
			if x[k] != y[k] {
				out = append(out, Change{Key: key, Item: k, From: x[k], To: y[k], Effect: Changed})
			}
		}
		return out
	}
}

func sortedUnion[V any](x, y map[string]V) []string {
	var keys []string
	for k := range x {
		keys = append(keys, k)
	}
	for k := range y {
		if _, ok := x[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	return keys
}

// amount compares a limit or a ceiling: more is looser, and unset (0) or
// unlimited (-1) is more than any number. Values are parsed only when
// their spellings differ: this runs at every step of every extends chain.
func amount(get func(*Profile) string, parse func(string) int64) func(string, *Profile, *Profile) []Change {
	return func(key string, a, b *Profile) []Change {
		xs, ys := get(a), get(b)
		if xs == ys {
			return nil
		}
		x, y := parse(xs), parse(ys)
		if unbounded(x) == unbounded(y) {
			return nil
		}
		return []Change{{Key: key, From: xs, To: ys, Effect: effect(unbounded(y) > unbounded(x))}}
	}
}

func unbounded(n int64) int64 {
	if n <= 0 {
		return math.MaxInt64
	}
	return n
}

func userKey(key string, a, b *Profile) []Change {
	if a.User == b.User {
		return nil
	}
	c := Change{Key: key, From: a.User, To: b.User, Effect: Changed}
	switch {
	case b.User == "" || isRoot(b.User) || isRootGroup(b.User):
		c.Effect = Looser // no default user: the image's, often root
	case a.User == "" || isRoot(a.User) || isRootGroup(a.User):
		c.Effect = Tighter
	}
	return []Change{c}
}

// networkDefaultKey: a default in the host's or another container's
// namespace is looser than any other; none is the tightest.
func networkDefaultKey(key string, a, b *Profile) []Change {
	x, y := a.Network.Default, b.Network.Default
	if x == y {
		return nil
	}
	rank := func(n string) int {
		switch {
		case n == "none":
			return 0
		case n == "host" || strings.HasPrefix(n, "container:"):
			return 2
		}
		return 1
	}
	c := Change{Key: key, From: x, To: y, Effect: Changed}
	if rank(x) != rank(y) {
		c.Effect = effect(rank(y) > rank(x))
	}
	return []Change{c}
}

// hostIPKey: publishing on more than loopback is looser.
func hostIPKey(key string, a, b *Profile) []Change {
	x, y := a.Network.PublishHostIP, b.Network.PublishHostIP
	if x == y {
		return nil
	}
	c := Change{Key: key, From: x, To: y, Effect: Changed}
	if lx, ly := loopback(x), loopback(y); lx != ly {
		c.Effect = effect(lx)
	}
	return []Change{c}
}

func loopback(ip string) bool {
	a, err := netip.ParseAddr(ip)
	return err == nil && a.IsLoopback()
}

// tmpfsKey compares by target: a tmpfs that may now run, or honour setuid
// bits or device nodes on, what is written to it, or that is bigger, is
// looser; see newTmpfsEffect for a new one.
func tmpfsKey(key string, a, b *Profile) []Change {
	if slices.Equal(a.Tmpfs, b.Tmpfs) {
		return nil
	}
	x, y := tmpfsByTarget(a.Tmpfs), tmpfsByTarget(b.Tmpfs)
	var out []Change
	for _, t := range sortedUnion(x, y) {
		xs, inX := x[t]
		ys, inY := y[t]
		switch {
		case !inY:
			out = append(out, Change{Key: key, Item: t, From: xs, Effect: Tighter})
		case !inX:
			out = append(out, Change{Key: key, Item: t, To: ys, Effect: newTmpfsEffect(ys)})
		case xs != ys:
			out = append(out, Change{Key: key, Item: t, From: xs, To: ys, Effect: tmpfsEffect(xs, ys)})
		}
	}
	return out
}

// newTmpfsEffect: scratch space mounted as the engine mounts it (noexec,
// nosuid, nodev) is a changed default; one that may run what is written to
// it, honour setuid bits or device nodes is a weakening.
func newTmpfsEffect(spec string) Effect {
	if f := tmpfsPermsOf(spec); f.exec || f.suid || f.dev {
		return Looser
	}
	return Changed
}

func tmpfsByTarget(specs []string) map[string]string {
	m := make(map[string]string, len(specs))
	for _, s := range specs {
		m[TmpfsTarget(s)] = s
	}
	return m
}

func tmpfsEffect(x, y string) Effect {
	fx, fy := tmpfsPermsOf(x), tmpfsPermsOf(y)
	switch {
	case fy.permits(fx):
		return Looser
	case fx.permits(fy):
		return Tighter
	}
	return Changed
}

// tmpfsPerms are what a tmpfs permits: the engine mounts every tmpfs
// noexec, nosuid, nodev unless an option says otherwise (the last word
// wins), and rw unless ro.
type tmpfsPerms struct {
	exec, suid, dev, rw bool
	size                int64 // 0: the kernel's default, half of RAM
}

func tmpfsPermsOf(spec string) tmpfsPerms {
	f := tmpfsPerms{rw: true}
	t, err := ParseTmpfs(spec)
	if err != nil {
		return f
	}
	for _, o := range t.Options {
		switch o {
		case "exec", "noexec":
			f.exec = o == "exec"
		case "suid", "nosuid":
			f.suid = o == "suid"
		case "dev", "nodev":
			f.dev = o == "dev"
		case "rw", "ro":
			f.rw = o == "rw"
		}
		if v, ok := strings.CutPrefix(o, "size="); ok {
			f.size = tmpfsBytes(v)
		}
	}
	return f
}

// permits reports whether f permits everything g does, and more.
func (f tmpfsPerms) permits(g tmpfsPerms) bool {
	atLeast := (f.exec || !g.exec) && (f.suid || !g.suid) && (f.dev || !g.dev) && (f.rw || !g.rw) && unbounded(f.size) >= unbounded(g.size)
	return atLeast && f != g
}

// tmpfsBytes is a tmpfs size= in bytes; a percentage counts as unbounded
// (it depends on the host).
func tmpfsBytes(v string) int64 {
	if strings.HasSuffix(v, "%") {
		return 0
	}
	n, err := ParseSize(v)
	if err != nil {
		return 0
	}
	return n
}

// ulimitsKey compares each ulimit by its hard limit, then its soft limit;
// an absent ulimit is the daemon's, counted as unlimited.
func ulimitsKey(key string, a, b *Profile) []Change {
	if maps.Equal(a.Limits.Ulimits, b.Limits.Ulimits) {
		return nil
	}
	var out []Change
	for _, name := range sortedUnion(a.Limits.Ulimits, b.Limits.Ulimits) {
		x, y := a.Limits.Ulimits[name], b.Limits.Ulimits[name]
		if x == y {
			continue
		}
		xs, xh := ulimitValues(name, x)
		ys, yh := ulimitValues(name, y)
		c := Change{Key: key, Item: name, From: x, To: y, Effect: Changed}
		switch {
		case yh != xh:
			c.Effect = effect(yh > xh)
		case ys != xs:
			c.Effect = effect(ys > xs)
		}
		out = append(out, c)
	}
	return out
}

func ulimitValues(name, v string) (soft, hard int64) {
	if v == "" {
		return math.MaxInt64, math.MaxInt64
	}
	s, h, err := ParseUlimit(name, v)
	if err != nil {
		return math.MaxInt64, math.MaxInt64
	}
	return unlimitedMax(s), unlimitedMax(h)
}

func unlimitedMax(n int64) int64 {
	if n == -1 {
		return math.MaxInt64
	}
	return n
}

// signatureKeys: no key means no signature is required, the loosest; with
// keys, each added key is one more trusted signer.
func signatureKeys(key string, a, b *Profile) []Change {
	x, y := a.Images.Signatures.Keys, b.Images.Signatures.Keys
	switch {
	case len(x) == 0 && len(y) == 0:
		return nil
	case len(y) == 0:
		return []Change{{Key: key, From: strings.Join(x, ", "), Effect: Looser}}
	case len(x) == 0:
		return []Change{{Key: key, To: strings.Join(y, ", "), Effect: Tighter}}
	}
	return listChanges(key, x, y, Looser)
}
