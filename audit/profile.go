package audit

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/network"

	"github.com/hardrun/hardrun/policy"
)

// ProfileFindings turns the policy's verdict on RequestFromInspect(c) into
// findings, all failed: each refusal (an item the profile would not have
// permitted), and each hardening default the profile would have applied
// because the container lacks it, with the value the container has.
//
// Not findings: the hardrun labels (shown with the container instead),
// cap_add (a default that grants a capability, never a hardening), bind
// sources the policy only resolved, and a default that equals what the
// container already has.
func ProfileFindings(c container.InspectResponse, p Policy) []Finding {
	out := []Finding{}
	refusedOpts := map[string]bool{}
	for _, r := range p.Refusals {
		out = append(out, refusalFinding(r))
		if r.Field == policy.FieldSecurityOpt {
			refusedOpts[r.Elem] = true
		}
	}
	for _, ch := range p.Changes {
		if ch.Field == policy.FieldSecurityOpt && refusedOpts[ch.Elem] {
			continue // the policy refused the container's own value: one finding is enough
		}
		if f, ok := changeFinding(c, ch); ok {
			out = append(out, f)
		}
	}
	return out
}

// refusalFinding: the key names what would permit the item ("privileged:
// false"); its value is what the profile wants.
func refusalFinding(r policy.Refusal) Finding {
	key, want, ok := strings.Cut(r.Key, ": ")
	if !ok {
		key, want = r.Key, "(not permitted)"
	}
	title := r.Item + " is not permitted"
	if r.Why != "" {
		title += ": " + r.Why
	}
	return Finding{Source: SourceProfile, ID: key, Title: title, Want: want, Got: r.Item, Severity: High}
}

func changeFinding(c container.InspectResponse, ch policy.Change) (Finding, bool) {
	if ch.Key == "" || ch.Key == "cap_add" || ch.Why == "label" {
		return Finding{}, false
	}
	want := ch.Value
	if want == "" {
		want = "true" // a boolean flag: --read-only, --init
	}
	got := current(c, ch)
	if got == want {
		return Finding{}, false
	}
	title := "missing " + ch.Flag
	if ch.Value != "" {
		title += " " + ch.Value
	}
	return Finding{Source: SourceProfile, ID: ch.Key, Title: title, Want: want, Got: got, Severity: Medium}, true
}

// current renders what the container has for the setting the change
// would set (its field, and the element of it), in the change's terms.
func current(c container.InspectResponse, ch policy.Change) string {
	if c.Config == nil || c.HostConfig == nil {
		return absent
	}
	hc := c.HostConfig
	if f, ok := currentOf[ch.Field]; ok {
		return f(c, hc, ch.Elem)
	}
	return absent
}

const absent = "(none)"

// currentOf reads a field of the container; the string is the change's
// Elem (a mount's target, a ulimit's name, ...), "" for a field that holds
// one value.
var currentOf = map[policy.Field]func(container.InspectResponse, *container.HostConfig, string) string{
	policy.FieldUser: func(c container.InspectResponse, _ *container.HostConfig, _ string) string {
		if c.Config.User == "" {
			return "(none: root)"
		}
		return c.Config.User
	},
	policy.FieldReadonlyRootfs: func(_ container.InspectResponse, hc *container.HostConfig, _ string) string {
		return strconv.FormatBool(hc.ReadonlyRootfs)
	},
	policy.FieldCapDrop: func(_ container.InspectResponse, hc *container.HostConfig, _ string) string {
		return orNone(strings.Join(hc.CapDrop, ","))
	},
	policy.FieldTmpfs: func(_ container.InspectResponse, hc *container.HostConfig, dst string) string {
		if opts, ok := hc.Tmpfs[dst]; ok {
			return dst + ":" + opts
		}
		return absent
	},
	policy.FieldBinds:       currentMount,
	policy.FieldVolumes:     currentMount,
	policy.FieldMounts:      currentMount,
	policy.FieldVolumesFrom: currentVolumesFrom,
	policy.FieldNetworkMode: func(_ container.InspectResponse, hc *container.HostConfig, _ string) string {
		if m := hc.NetworkMode; m == network.NetworkDefault || m == network.NetworkBridge || m == "" {
			return "bridge (the engine's default)"
		}
		return string(hc.NetworkMode)
	},
	policy.FieldPortBindings: currentPublish,
	policy.FieldMemory:       sizeOf(func(hc *container.HostConfig) int64 { return hc.Memory }),
	policy.FieldMemorySwap:   sizeOf(func(hc *container.HostConfig) int64 { return hc.MemorySwap }),
	policy.FieldShmSize:      sizeOf(func(hc *container.HostConfig) int64 { return hc.ShmSize }),
	policy.FieldNanoCPUs: func(_ container.InspectResponse, hc *container.HostConfig, _ string) string {
		if hc.NanoCPUs == 0 {
			return "0 (unlimited)"
		}
		return strconv.FormatFloat(float64(hc.NanoCPUs)/1e9, 'f', -1, 64)
	},
	policy.FieldCPUShares: func(_ container.InspectResponse, hc *container.HostConfig, _ string) string {
		if hc.CPUShares == 0 {
			return "0 (the engine's 1024)"
		}
		return strconv.FormatInt(hc.CPUShares, 10)
	},
	policy.FieldPidsLimit: func(_ container.InspectResponse, hc *container.HostConfig, _ string) string {
		if hc.PidsLimit == nil || *hc.PidsLimit <= 0 {
			return "(none: unlimited)"
		}
		return strconv.FormatInt(*hc.PidsLimit, 10)
	},
	policy.FieldUlimits: func(_ container.InspectResponse, hc *container.HostConfig, name string) string {
		for _, u := range hc.Ulimits {
			if u != nil && u.Name == name {
				return fmt.Sprintf("%s=%d:%d", u.Name, u.Soft, u.Hard)
			}
		}
		return absent
	},
	policy.FieldInit: func(_ container.InspectResponse, hc *container.HostConfig, _ string) string {
		if hc.Init == nil {
			return absent
		}
		return strconv.FormatBool(*hc.Init)
	},
	policy.FieldLogDriver: func(_ container.InspectResponse, hc *container.HostConfig, _ string) string {
		return orNone(hc.LogConfig.Type)
	},
	policy.FieldLogOptions: func(_ container.InspectResponse, hc *container.HostConfig, k string) string {
		if o, ok := hc.LogConfig.Config[k]; ok {
			return k + "=" + o
		}
		return absent
	},
	policy.FieldSecurityOpt: currentSecurityOpt,
}

func sizeOf(field func(*container.HostConfig) int64) func(container.InspectResponse, *container.HostConfig, string) string {
	return func(_ container.InspectResponse, hc *container.HostConfig, _ string) string {
		n := field(hc)
		switch {
		case n == 0:
			return "0 (unlimited)"
		case n < 0:
			return strconv.FormatInt(n, 10) + " (unlimited)"
		}
		return policy.FormatSize(n)
	}
}

// currentMount is the mount the container has at dst, where a change
// would mount with the profile's default mode.
func currentMount(c container.InspectResponse, _ *container.HostConfig, dst string) string {
	for _, m := range c.Mounts {
		if dst != "" && path.Clean(m.Destination) == path.Clean(dst) {
			return describeMount(m)
		}
	}
	return absent
}

func describeMount(m container.MountPoint) string {
	mode := "ro"
	if m.RW {
		mode = "rw"
	}
	src := m.Source
	if m.Type == "volume" && m.Name != "" {
		src = m.Name
	}
	return strings.TrimSpace(fmt.Sprintf("%s %s:%s:%s", m.Type, src, m.Destination, mode))
}

func currentVolumesFrom(_ container.InspectResponse, hc *container.HostConfig, name string) string {
	for _, f := range hc.VolumesFrom {
		if n, _, _ := strings.Cut(f, ":"); n == name {
			return f
		}
	}
	return absent
}

// currentPublish is how the container publishes the port (PORT/PROTO) of
// a -p change.
func currentPublish(_ container.InspectResponse, hc *container.HostConfig, port string) string {
	p, err := network.ParsePort(port)
	if err != nil {
		return absent
	}
	var s []string
	for _, b := range hc.PortBindings[p] {
		s = append(s, binding{hostIP: ipString(b.HostIP), hostPort: b.HostPort, port: p.String()}.String())
	}
	if len(s) == 0 && hc.PublishAllPorts {
		return "-P: every interface"
	}
	slices.Sort(s)
	return orNone(strings.Join(s, " "))
}

// currentSecurityOpt is the container's value for the security option
// (key: no-new-privileges, seccomp or apparmor) a change adds.
func currentSecurityOpt(c container.InspectResponse, hc *container.HostConfig, key string) string {
	if key == "apparmor" {
		return "AppArmorProfile=" + orNone(c.AppArmorProfile)
	}
	for _, o := range hc.SecurityOpt {
		if so := policy.ParseSecurityOpt(o); so.Key == key {
			if so.IsInlineJSON() {
				return "seccomp=" + summarizeJSON(so.Value)
			}
			return o
		}
	}
	if key == "seccomp" {
		return "(none: the engine's default profile)"
	}
	return absent
}

// summarizeJSON names an inline seccomp profile by its size and hash.
func summarizeJSON(s string) string {
	sum := sha256.Sum256([]byte(s))
	return fmt.Sprintf("<profile JSON, %d bytes, sha256:%s>", len(s), hex.EncodeToString(sum[:6]))
}
