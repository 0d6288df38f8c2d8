package audit

import (
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/mount"

	"github.com/hardrun/hardrun/identity"
	"github.com/hardrun/hardrun/policy"
	"github.com/hardrun/hardrun/profiles"
)

// Effects is what the container really gets, beyond the request its
// inspect data stands for: Run reads it with look-ups of its own (the
// container's /etc/passwd and /etc/group through the archive endpoint,
// each volume's inspect, each bind source's object on the engine's host)
// and the judge's effect checks. EffectFindings judges it; it is plain
// data, so that judgement is pure.
type Effects struct {
	// User and GroupAdd are the recorded Config.User and
	// HostConfig.GroupAdd the identity was resolved for.
	User     string
	GroupAdd []string
	// Identity is what the engine gives the container's processes,
	// resolved against the container's own user files; nil with
	// IdentityErr when it cannot be resolved.
	Identity    *identity.Identity
	IdentityErr string
	// Volumes are the judge's verdicts on the named volumes the engine
	// really mounted (policy.CheckVolumes): the driver and the options
	// each was created with.
	Volumes []policy.Mismatch
	// Binds are the judge's refusals of the bind sources the engine
	// really mounts, judged by the objects they name (policy.JudgeStart).
	Binds []policy.Refusal
	// Logging is the judge's verdict on the log driver the engine
	// recorded, its default driver included (policy.Check).
	Logging []policy.Mismatch
}

// EffectsReport is the effective state of one container in the JSON
// document: what it runs as and what reaches beyond it.
type EffectsReport struct {
	User      string         `json:"user"`       // the recorded user ("" the image's default, root)
	UID       *int           `json:"uid"`        // null when the identity cannot be resolved
	GID       *int           `json:"gid"`        // null when the identity cannot be resolved
	Groups    []int          `json:"groups"`     // supplementary groups
	Identity  string         `json:"identity"`   // how it was resolved, or why it could not be
	LogDriver string         `json:"log_driver"` // as the engine recorded it
	Cgroupns  string         `json:"cgroupns"`   // "private" or "host"
	Ports     []string       `json:"ports"`      // as the engine published them: "0.0.0.0:8080->80/tcp"
	Volumes   []VolumeReport `json:"volumes"`
}

// VolumeReport is a named volume the container mounts.
type VolumeReport struct {
	Name        string            `json:"name"`
	Destination string            `json:"destination"`
	Driver      string            `json:"driver"`
	Options     map[string]string `json:"options"`
	Error       string            `json:"error,omitempty"` // why it could not be inspected
}

// EffectFindings judges the effects under p: uid 0, gid 0 or group 0 as
// the container's own user files resolve them; a volume, bind source or
// log driver the judge refuses as the engine really has it; the host's
// cgroup namespace; a port published on every interface where the
// profile publishes on loopback. A profile that enforces nothing gives
// none. What the policy already refused on the request is not repeated.
func EffectFindings(c container.InspectResponse, p *profiles.Profile, engine policy.EngineFacts, eff Effects, refused []policy.Refusal) []Finding {
	if p == nil || !p.Enforce {
		return nil
	}
	out := identityFindings(p, eff, refused)
	out = append(out, volumeFindings(eff.Volumes, refused)...)
	for _, r := range eff.Binds {
		if !slices.ContainsFunc(refused, func(x policy.Refusal) bool { return x.Key == r.Key && x.Why == r.Why }) {
			out = append(out, refusalFinding(r))
		}
	}
	out = append(out, loggingFindings(c, eff.Logging, refused)...)
	out = append(out, cgroupnsFindings(c, p, engine, refused)...)
	return append(out, portFindings(c, p)...)
}

func identityFindings(p *profiles.Profile, eff Effects, refused []policy.Refusal) []Finding {
	user := userText(eff.User)
	if eff.Identity == nil {
		return []Finding{{Source: SourceProfile, ID: "enforce", Severity: High,
			Title: "the user " + user + " cannot be resolved in the container's own /etc/passwd and /etc/group: " + eff.IdentityErr,
			Want:  "a user the engine can resolve", Got: user}}
	}
	var out []Finding
	id := eff.Identity
	if id.RootUser() && !p.AllowRoot && !refusedKey(refused, "allow_root") {
		out = append(out, Finding{Source: SourceProfile, ID: "allow_root", Severity: High,
			Title: "runs as uid 0: the user " + user + " resolves to uid 0 in the container's own /etc/passwd",
			Want:  "false", Got: idText(id)})
	}
	if id.RootGroup() && !p.AllowRootGroup && !refusedKey(refused, "allow_root_group") {
		out = append(out, Finding{Source: SourceProfile, ID: "allow_root_group", Severity: High,
			Title: "runs with group 0: the user " + user + " resolves to gid 0 or supplementary group 0 in the container's own /etc/passwd and /etc/group",
			Want:  "false", Got: idText(id)})
	}
	return out
}

// volumeFindings: a volume the request named and the policy refused
// already is not repeated (the refusal names it).
func volumeFindings(ms []policy.Mismatch, refused []policy.Refusal) []Finding {
	var out []Finding
	for _, m := range ms {
		name := strings.TrimPrefix(m.Setting, "volume ")
		if slices.ContainsFunc(refused, func(r policy.Refusal) bool { return strings.Contains(r.Item, name) }) {
			continue
		}
		why, key := splitKey(m.Got)
		id, want, ok := strings.Cut(key, ": ")
		if !ok {
			id, want = key, m.Want
		}
		out = append(out, Finding{Source: SourceProfile, ID: id, Severity: High,
			Title: "the volume " + name + " is not permitted: " + why, Want: want, Got: m.Setting})
	}
	return out
}

// splitKey cuts "why (key: value)" into why and "key: value".
func splitKey(s string) (why, key string) {
	i := strings.LastIndex(s, " (")
	if i < 0 || !strings.HasSuffix(s, ")") {
		return s, "enforce"
	}
	return s[:i], s[i+2 : len(s)-1]
}

func loggingFindings(c container.InspectResponse, ms []policy.Mismatch, refused []policy.Refusal) []Finding {
	if len(ms) == 0 || refusedKey(refused, "logging_allow") {
		return nil
	}
	driver := c.HostConfig.LogConfig.Type
	return []Finding{{Source: SourceProfile, ID: "logging_allow", Severity: High,
		Title: "its output leaves through the " + driver + " log driver",
		Want:  strings.TrimPrefix(ms[0].Want, "one of logging_allow "), Got: ms[0].Got}}
}

// cgroupnsFindings: the host's cgroup namespace, recorded, or the
// engine's default on a cgroup v1 host for a container that named none.
func cgroupnsFindings(c container.InspectResponse, p *profiles.Profile, engine policy.EngineFacts, refused []policy.Refusal) []Finding {
	if cgroupnsMode(c, engine) != "host" || slices.Contains(p.NamespacesAllowHost, "cgroupns") ||
		slices.ContainsFunc(refused, func(r policy.Refusal) bool { return r.Field == "HostConfig.CgroupnsMode" }) {
		return nil
	}
	return []Finding{{Source: SourceProfile, ID: "namespaces_allow_host", Severity: Medium,
		Title: "shares the host's cgroup namespace: it sees the host's cgroup tree and paths",
		Want:  "private", Got: "host"}}
}

func cgroupnsMode(c container.InspectResponse, engine policy.EngineFacts) string {
	mode := ""
	if c.HostConfig != nil {
		mode = string(c.HostConfig.CgroupnsMode)
	}
	if mode == "host" || (mode == "" && engine.CgroupnsHost) {
		return "host"
	}
	return "private"
}

// portFindings judges the ports as the engine published them: any at all
// when network.publish is false; one on every interface (0.0.0.0, ::)
// when publish_host_ip is a loopback address.
func portFindings(c container.InspectResponse, p *profiles.Profile) []Finding {
	var out []Finding
	loopback := false
	if ip, err := netip.ParseAddr(p.Network.PublishHostIP); err == nil {
		loopback = ip.IsLoopback()
	}
	for _, b := range publishedPorts(c) {
		switch {
		case !p.Network.Publish:
			out = append(out, Finding{Source: SourceProfile, ID: "network.publish", Severity: High,
				Title: "publishes port " + b.port + " on " + b.text, Want: "false", Got: b.text})
		case loopback && b.everywhere:
			out = append(out, Finding{Source: SourceProfile, ID: "network.publish_host_ip", Severity: High,
				Title: "publishes port " + b.port + " on every interface (" + b.text + ")", Want: p.Network.PublishHostIP, Got: b.text})
		}
	}
	return out
}

type publishedPort struct {
	port, text string
	everywhere bool
}

// publishedPorts lists NetworkSettings.Ports, the bindings the engine
// really made (-P included), sorted.
func publishedPorts(c container.InspectResponse) []publishedPort {
	if c.NetworkSettings == nil {
		return nil
	}
	var out []publishedPort
	for port, bindings := range c.NetworkSettings.Ports {
		for _, b := range bindings {
			ip := b.HostIP
			everywhere := !ip.IsValid() || ip.IsUnspecified()
			host := "0.0.0.0"
			if ip.IsValid() {
				host = ip.String()
			}
			if ip.Is6() {
				host = "[" + host + "]"
			}
			out = append(out, publishedPort{port: port.String(), text: host + ":" + b.HostPort + "->" + port.String(), everywhere: everywhere})
		}
	}
	slices.SortFunc(out, func(a, b publishedPort) int { return strings.Compare(a.text, b.text) })
	return out
}

func refusedKey(refused []policy.Refusal, key string) bool {
	return slices.ContainsFunc(refused, func(r policy.Refusal) bool {
		k, _, _ := strings.Cut(r.Key, ": ")
		return k == key
	})
}

func userText(u string) string {
	if u == "" {
		return `"" (the image's default, root)`
	}
	return strconv.Quote(u)
}

func idText(id *identity.Identity) string {
	return fmt.Sprintf("uid %d gid %d groups %s", id.UID, id.GID, intsText(id.Groups))
}

func intsText(ns []int) string {
	if len(ns) == 0 {
		return "(none)"
	}
	s := make([]string, len(ns))
	for i, n := range ns {
		s[i] = strconv.Itoa(n)
	}
	return strings.Join(s, ",")
}

// ReportEffects is the effects part of a container's result.
func ReportEffects(c container.InspectResponse, engine policy.EngineFacts, eff Effects, volumes []VolumeReport) EffectsReport {
	r := EffectsReport{User: eff.User, Groups: []int{}, Cgroupns: cgroupnsMode(c, engine), Ports: []string{}, Volumes: nonNil(volumes)}
	if eff.Identity != nil {
		uid, gid := eff.Identity.UID, eff.Identity.GID
		r.UID, r.GID, r.Groups = &uid, &gid, nonNil(eff.Identity.Groups)
		r.Identity = strings.Join(eff.Identity.Trace, "; ")
	} else {
		r.Identity = "cannot be resolved: " + eff.IdentityErr
	}
	if c.HostConfig != nil {
		r.LogDriver = c.HostConfig.LogConfig.Type
	}
	for _, b := range publishedPorts(c) {
		r.Ports = append(r.Ports, b.text)
	}
	return r
}

// volumeMounts are the named volumes among the engine's mounts.
func volumeMounts(c container.InspectResponse) []container.MountPoint {
	var out []container.MountPoint
	for _, m := range c.Mounts {
		if m.Type == mount.TypeVolume && m.Name != "" {
			out = append(out, m)
		}
	}
	return out
}
