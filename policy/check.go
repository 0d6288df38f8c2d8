package policy

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/mount"
	"github.com/moby/moby/api/types/network"
)

// Mismatch is one setting the engine recorded differently from the plan.
type Mismatch struct {
	Setting string // "cap_drop", "read_only", "mount /data", "security_opt seccomp", ...
	Want    string // what the plan asked for
	Got     string // what the engine recorded ("absent" when it recorded nothing)
}

const absent = "absent"

// Check compares what the engine recorded for a created container (its
// inspect data) with the plan: user, capabilities, privileged, read-only
// root, security options and the AppArmor profile, mounts and their modes,
// tmpfs, limits, network and published host IPs, init, namespaces and the
// hardrun labels. Any difference is a Mismatch; the runner then removes the
// container. Under a profile that enforces nothing only the labels count.
func Check(plan *Plan, got container.InspectResponse) []Mismatch {
	if got.Config == nil || got.HostConfig == nil {
		return []Mismatch{{Setting: "inspect", Want: "config and host config", Got: absent}}
	}
	c := &checker{plan: plan, want: &plan.Request, got: got}
	if c.want.Config == nil || c.want.HostConfig == nil {
		return []Mismatch{{Setting: "plan", Want: "config and host config", Got: absent}}
	}
	c.labels()
	if plan.Profile != nil && !plan.Profile.Enforce {
		return c.out
	}
	for _, step := range checkSteps {
		step(c)
	}
	return c.out
}

var checkSteps = []func(*checker){
	(*checker).identity,
	(*checker).capabilities,
	(*checker).securityOpts,
	(*checker).appArmor,
	(*checker).mounts,
	(*checker).tmpfs,
	(*checker).limits,
	(*checker).ulimits,
	(*checker).network,
	(*checker).namespaces,
	(*checker).logDriver,
}

// logDriver: the driver the engine really uses (its default one when the
// request names none) must be one logging_allow lists.
func (c *checker) logDriver() {
	got := c.got.HostConfig.LogConfig.Type
	if p := c.plan.Profile; p != nil && !matchAnyGlob(p.LoggingAllow, got) {
		c.out = append(c.out, Mismatch{Setting: "log driver", Want: "one of logging_allow " + strings.Join(p.LoggingAllow, ", "), Got: orString(got, absent)})
	}
}

type checker struct {
	plan *Plan
	want *Request
	got  container.InspectResponse
	out  []Mismatch
}

func (c *checker) differ(setting, want, got string) {
	if want != got {
		c.out = append(c.out, Mismatch{Setting: setting, Want: want, Got: got})
	}
}

func (c *checker) labels() {
	for _, k := range []string{LabelProfile, LabelVersion} {
		want, ok := c.want.Config.Labels[k]
		if !ok {
			continue
		}
		got, ok := c.got.Config.Labels[k]
		if !ok {
			got = absent
		}
		c.differ("label "+k, want, got)
	}
}

func (c *checker) identity() {
	w, g := c.want, c.got
	wantUser := w.Config.User
	if wantUser == "" {
		wantUser = c.plan.Image.User // the engine records the image's USER
	}
	c.differ("user", orString(wantUser, "(image default)"), orString(g.Config.User, "(image default)"))
	c.differ("privileged", strconv.FormatBool(w.HostConfig.Privileged), strconv.FormatBool(g.HostConfig.Privileged))
	c.differ("read_only", strconv.FormatBool(w.HostConfig.ReadonlyRootfs), strconv.FormatBool(g.HostConfig.ReadonlyRootfs))
	if w.HostConfig.Init != nil {
		c.differ("init", strconv.FormatBool(*w.HostConfig.Init), boolPtrString(g.HostConfig.Init))
	}
	c.differ("group_add", strings.Join(w.HostConfig.GroupAdd, ","), strings.Join(g.HostConfig.GroupAdd, ","))
}

func boolPtrString(b *bool) string {
	if b == nil {
		return absent
	}
	return strconv.FormatBool(*b)
}

// capabilities compares the sets, whatever the spelling (the engine may
// record CAP_NET_RAW for NET_RAW).
func (c *checker) capabilities() {
	c.differ("cap_add", capList(c.want.HostConfig.CapAdd), capList(c.got.HostConfig.CapAdd))
	c.differ("cap_drop", capList(c.want.HostConfig.CapDrop), capList(c.got.HostConfig.CapDrop))
}

func capList(caps []string) string {
	set := CapNameSet(caps)
	out := make([]string, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	slices.Sort(out)
	return strings.Join(out, ",")
}

// securityOpts: every option of the plan must be recorded with the same
// value; a recorded option with another value for the same key is the
// engine's, not the plan's.
func (c *checker) securityOpts() {
	got := map[string]SecurityOpt{}
	for _, raw := range c.got.HostConfig.SecurityOpt {
		o := ParseSecurityOpt(raw)
		got[o.Key] = o
	}
	for _, raw := range c.want.HostConfig.SecurityOpt {
		w := ParseSecurityOpt(raw)
		g, ok := got[w.Key]
		switch {
		case !ok:
			c.differ("security_opt "+w.Key, showSecurityOpt(w), absent)
		case !sameSecurityValue(w, g):
			c.differ("security_opt "+w.Key, showSecurityOpt(w), showSecurityOpt(g))
		}
	}
}

func sameSecurityValue(a, b SecurityOpt) bool {
	switch a.Key {
	case "no-new-privileges":
		av, aerr := strconv.ParseBool(a.Value)
		bv, berr := strconv.ParseBool(b.Value)
		return aerr == nil && berr == nil && av == bv
	case "seccomp":
		if a.Value == b.Value {
			return true // as sent: the engine keeps the JSON verbatim, no need to compact 2×12 KB
		}
		var ca, cb bytes.Buffer
		if json.Compact(&ca, []byte(a.Value)) == nil && json.Compact(&cb, []byte(b.Value)) == nil {
			return ca.String() == cb.String()
		}
	}
	return a.Value == b.Value
}

// showSecurityOpt summarises an inline seccomp profile by its hash.
func showSecurityOpt(o SecurityOpt) string {
	if o.IsInlineJSON() {
		sum := sha256.Sum256([]byte(o.Value))
		return "seccomp=<profile JSON sha256:" + hex.EncodeToString(sum[:6]) + ">"
	}
	return o.Raw
}

// appArmor: the engine records the profile it will apply.
func (c *checker) appArmor() {
	for _, raw := range c.want.HostConfig.SecurityOpt {
		if o := ParseSecurityOpt(raw); o.Key == "apparmor" {
			c.differ("apparmor", o.Value, orString(c.got.AppArmorProfile, absent))
		}
	}
}

// wantMount is a mount the plan asks for.
type wantMount struct {
	dst, src string // src: the host path of a bind, "" otherwise
	rw       bool
	kind     mount.Type
}

func (w wantMount) String() string {
	mode := "ro"
	if w.rw {
		mode = "rw"
	}
	if w.src != "" {
		return fmt.Sprintf("%s %s %s", w.kind, w.src, mode)
	}
	return fmt.Sprintf("%s %s", w.kind, mode)
}

func (c *checker) wantMounts() []wantMount {
	var out []wantMount
	for _, m := range c.want.Mounts() {
		out = append(out, wantMount{dst: m.Target, src: m.Source, rw: m.RW, kind: m.Type})
	}
	return out
}

// mounts: each planned mount is there with its mode (and, for a bind, its
// resolved source); under a read-only default_mode, a writable mount the
// plan does not know (and no --volumes-from could bring) is a mismatch.
func (c *checker) mounts() {
	got := map[string]container.MountPoint{}
	for _, mp := range c.got.Mounts {
		got[path.Clean(mp.Destination)] = mp
	}
	planned := map[string]bool{}
	for _, w := range c.wantMounts() {
		planned[w.dst] = true
		g, ok := got[w.dst]
		if !ok {
			c.differ("mount "+w.dst, w.String(), absent)
			continue
		}
		gw := wantMount{dst: w.dst, rw: g.RW, kind: g.Type}
		if w.src != "" {
			gw.src = g.Source
		}
		if g.Type == "" {
			gw.kind = w.kind
		}
		c.differ("mount "+w.dst, w.String(), gw.String())
	}
	for _, m := range c.want.HostConfig.Mounts {
		if m.Type == mount.TypeTmpfs {
			dst := path.Clean(m.Target)
			planned[dst] = true
			c.tmpfsMount(dst, !m.ReadOnly, got)
		}
	}
	if !c.strictMounts() {
		return
	}
	for _, mp := range c.got.Mounts {
		if dst := path.Clean(mp.Destination); !planned[dst] && mp.RW {
			c.differ("mount "+dst, absent, wantMount{dst: dst, src: mp.Source, rw: true, kind: mp.Type}.String())
		}
	}
}

// tmpfsMount: a --mount type=tmpfs the plan made (a read-only anonymous
// volume) or kept is there, a tmpfs, in its mode.
func (c *checker) tmpfsMount(dst string, rw bool, got map[string]container.MountPoint) {
	want := wantMount{dst: dst, rw: rw, kind: mount.TypeTmpfs}
	g, ok := got[dst]
	if !ok {
		c.differ("mount "+dst, want.String(), absent)
		return
	}
	c.differ("mount "+dst, want.String(), wantMount{dst: dst, rw: g.RW, kind: g.Type}.String())
}

// strictMounts: every writable mount must have been planned, unless a
// --volumes-from without :ro may copy writable ones.
func (c *checker) strictMounts() bool {
	if c.plan.Profile == nil || c.plan.Profile.Volumes.DefaultMode != "ro" {
		return false
	}
	for _, v := range c.want.HostConfig.VolumesFrom {
		if !strings.HasSuffix(v, ":ro") {
			return false
		}
	}
	return true
}

func (c *checker) tmpfs() {
	for _, dst := range sortedKeys(c.want.HostConfig.Tmpfs) {
		g, ok := c.got.HostConfig.Tmpfs[dst]
		if !ok {
			g = absent
		}
		c.differ("tmpfs "+dst, c.want.HostConfig.Tmpfs[dst], g)
	}
}

func (c *checker) limits() {
	w, g := c.want.HostConfig, c.got.HostConfig
	nonZero := func(setting string, want, got int64, show func(int64) string) {
		if want != 0 {
			c.differ(setting, show(want), show(got))
		}
	}
	nonZero("memory", w.Memory, g.Memory, FormatSize)
	nonZero("memory_swap", w.MemorySwap, g.MemorySwap, FormatSize)
	nonZero("cpus", w.NanoCPUs, g.NanoCPUs, formatCPUs)
	nonZero("cpu_shares", w.CPUShares, g.CPUShares, itoa)
	nonZero("shm_size", w.ShmSize, g.ShmSize, FormatSize)
	if w.PidsLimit != nil {
		got := absent
		if g.PidsLimit != nil {
			got = itoa(*g.PidsLimit)
		}
		c.differ("pids", itoa(*w.PidsLimit), got)
	}
	if w.OomKillDisable != nil && *w.OomKillDisable {
		c.differ("oom_kill_disable", "true", boolPtrString(g.OomKillDisable))
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func (c *checker) ulimits() {
	got := map[string]string{}
	for _, u := range c.got.HostConfig.Ulimits {
		if u != nil {
			got[u.Name] = fmt.Sprintf("%d:%d", u.Soft, u.Hard)
		}
	}
	for _, u := range c.want.HostConfig.Ulimits {
		if u == nil {
			continue
		}
		g, ok := got[u.Name]
		if !ok {
			g = absent
		}
		c.differ("ulimit "+u.Name, fmt.Sprintf("%d:%d", u.Soft, u.Hard), g)
	}
}

// network: the network mode ("default" is the engine's "bridge") and the
// host IP of every planned port binding.
func (c *checker) network() {
	w, g := c.want.HostConfig, c.got.HostConfig
	if w.NetworkMode != "" {
		c.differ("network", networkName(w.NetworkMode), networkName(g.NetworkMode))
	}
	for _, p := range sortedPorts(w.PortBindings) {
		for _, b := range w.PortBindings[p] {
			if !slices.ContainsFunc(g.PortBindings[p], func(gb network.PortBinding) bool { return sameBinding(b, gb) }) {
				c.differ("publish "+p.String(), portSpec(p, b), publishedAs(p, g.PortBindings[p]))
			}
		}
	}
	c.differ("publish_all", strconv.FormatBool(w.PublishAllPorts), strconv.FormatBool(g.PublishAllPorts))
}

func networkName(m container.NetworkMode) string {
	if m == network.NetworkDefault || m == "" {
		return network.NetworkBridge
	}
	return string(m)
}

func sameBinding(want, got network.PortBinding) bool {
	return want.HostIP == got.HostIP && (want.HostPort == "" || want.HostPort == got.HostPort)
}

func publishedAs(p network.Port, bs []network.PortBinding) string {
	if len(bs) == 0 {
		return absent
	}
	s := make([]string, len(bs))
	for i, b := range bs {
		s[i] = portSpec(p, b)
	}
	return strings.Join(s, ",")
}

// namespaces: a mode the plan names must be the one recorded. An empty one
// is the engine's default: private, except cgroupns, which the engine
// records as host on cgroup v1 hosts.
func (c *checker) namespaces() {
	w, g := c.want.HostConfig, c.got.HostConfig
	pairs := []struct{ setting, want, got string }{
		{"pid", string(w.PidMode), string(g.PidMode)},
		{"ipc", string(w.IpcMode), string(g.IpcMode)},
		{"uts", string(w.UTSMode), string(g.UTSMode)},
		{"userns", string(w.UsernsMode), string(g.UsernsMode)},
		{"cgroupns", string(w.CgroupnsMode), string(g.CgroupnsMode)},
	}
	for _, p := range pairs {
		if p.want != "" {
			c.differ(p.setting, p.want, orString(p.got, absent))
		} else if p.got == "host" && p.setting != "cgroupns" {
			c.differ(p.setting, "(private)", p.got)
		}
	}
}

// CheckVolumes judges again, by what they are now, the named volumes the
// engine really mounted: a volume that did not exist when the request was
// judged may have been created, with any driver and options, before the
// engine used it. lookup is the engine's volume inspect.
func CheckVolumes(plan *Plan, mounts []container.MountPoint, lookup func(name string) (VolumeFacts, error)) []Mismatch {
	p := plan.Profile
	if p == nil || !p.Enforce {
		return nil
	}
	var out []Mismatch
	for _, m := range mounts {
		if m.Type != mount.TypeVolume || m.Name == "" {
			continue
		}
		v, err := lookup(m.Name)
		if err != nil {
			out = append(out, Mismatch{Setting: "volume " + m.Name, Want: "a volume that can be judged", Got: err.Error()})
			continue
		}
		e := &evaluation{p: p, plan: &Plan{}, hc: &container.HostConfig{}}
		if !e.judgeVolumeFacts(itemAs(FieldMounts, "volume "+m.Name), "", v.Driver, v.Options) {
			out = append(out, Mismatch{Setting: "volume " + m.Name, Want: "a volume the profile permits", Got: e.plan.Refusals[0].Why + " (" + e.plan.Refusals[0].Key + ")"})
		}
	}
	return out
}
