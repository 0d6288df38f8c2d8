package policy

import (
	"maps"
	"path"
	"strings"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/network"
	"github.com/moby/moby/api/types/system"
)

// EngineFacts is what the engine's info says about every container it
// runs. RequestFromInspect needs two of them (cgroupns, no-new-privileges);
// audit's CIS checks depend on the others: 5.2 and 5.3 apply "if applicable"
// (AppArmor, SELinux), 5.22 fails everywhere on an engine without seccomp,
// and 5.26 passes everywhere on an engine started with no-new-privileges.
type EngineFacts struct {
	AppArmor        bool // the engine confines containers with AppArmor
	SELinux         bool // the engine labels containers for SELinux
	Seccomp         bool // the engine applies seccomp profiles
	NoNewPrivileges bool // the engine sets no_new_privs on every container
	// CgroupnsHost: a container that asks for nothing gets the host's
	// cgroup namespace (cgroup v1 hosts), so a recorded "host" is the
	// engine's choice, not the caller's.
	CgroupnsHost bool
	// LoggingDriver is the engine's default log driver (info's
	// LoggingDriver): what it records for a container that named none.
	LoggingDriver string
}

// EngineFactsOf reads the facts from the engine's info. Its security
// options are "name=seccomp,profile=default", "name=apparmor", ...; an
// engine older than API 1.25 (plain "apparmor") is read as well.
func EngineFactsOf(info system.Info) EngineFacts {
	f := EngineFacts{CgroupnsHost: info.CgroupVersion != "2", LoggingDriver: info.LoggingDriver}
	for _, opt := range info.SecurityOptions {
		name := opt
		for field := range strings.SplitSeq(opt, ",") {
			if v, ok := strings.CutPrefix(field, "name="); ok {
				name = v
			}
		}
		switch name {
		case "apparmor":
			f.AppArmor = true
		case "selinux":
			f.SELinux = true
		case "seccomp":
			f.Seccomp = true
		case "no-new-privileges":
			f.NoNewPrivileges = true
		}
	}
	return f
}

// RequestFromInspect turns a container's inspect data into the create
// request it stands for: the one reader of "what the engine records" that
// audit and the authorization plugin share with the post-create check.
// None of the caller's flags counts as given (Set is empty): inspect data
// cannot tell a flag the caller gave from one it left to the engine, so
// the profile's defaults fill every gap, which is exactly "weaker than the
// profile would have made it". The
// engine records more than the caller sent: it merges the image's config
// into Config and fills defaults into HostConfig. Those the policy would
// misread as the caller's are taken back out, each for the reason given;
// everything else is judged as recorded. The inspect data is not modified.
func RequestFromInspect(c container.InspectResponse, f EngineFacts) Request {
	r := Request{Name: strings.TrimPrefix(c.Name, "/"), NetworkingConfig: &network.NetworkingConfig{}}
	if c.Config != nil {
		cfg := *c.Config
		r.Config = &cfg
	} else {
		r.Config = &container.Config{}
	}
	if c.HostConfig != nil {
		hc := *c.HostConfig
		r.HostConfig = &hc
	} else {
		r.HostConfig = &container.HostConfig{}
	}
	for _, step := range requestSteps {
		step(&r, c, f)
	}
	return r
}

var requestSteps = []func(*Request, container.InspectResponse, EngineFacts){
	coveredVolumes,
	systemPaths,
	hostLabelDisable,
	engineNamespaces,
	defaultNetwork,
	endpoints,
	unsetLimits,
	defaultLogging,
	engineNoNewPrivileges,
}

// coveredVolumes: the engine merges the image's VOLUMEs into
// Config.Volumes even where a mount covers them (hardrun mounts them
// read-only with --mount). Only the uncovered ones are the anonymous,
// writable volumes the engine really created.
func coveredVolumes(r *Request, _ container.InspectResponse, _ EngineFacts) {
	if len(r.Config.Volumes) == 0 {
		return
	}
	taken := map[string]bool{}
	hc := r.HostConfig
	for _, raw := range hc.Binds {
		if b, err := ParseBind(raw); err == nil {
			taken[path.Clean(b.Target)] = true
		}
	}
	for _, m := range hc.Mounts {
		taken[path.Clean(m.Target)] = true
	}
	for dst := range hc.Tmpfs {
		taken[path.Clean(dst)] = true
	}
	vols := maps.Clone(r.Config.Volumes)
	for v := range vols {
		dst, _ := SplitVolumeKey(v)
		if taken[path.Clean(dst)] {
			delete(vols, v)
		}
	}
	r.Config.Volumes = vols
}

// systemPaths: the engine records the /proc and /sys paths it masks (and
// makes read-only) for every unprivileged container; a request that sets
// them is an Engine API caller's. An empty list on an unprivileged
// container without systempaths=unconfined can only be such a caller's
// and is kept for the policy to judge.
func systemPaths(r *Request, _ container.InspectResponse, _ EngineFacts) {
	hc := r.HostConfig
	byOption := hc.Privileged || HasSecurityOpt(hc.SecurityOpt, "systempaths")
	if len(hc.MaskedPaths) > 0 || byOption {
		hc.MaskedPaths = nil
	}
	if len(hc.ReadonlyPaths) > 0 || byOption {
		hc.ReadonlyPaths = nil
	}
}

// hostLabelDisable: docker adds label=disable itself to a container that
// shares the host's PID or IPC namespace or is privileged (SELinux cannot
// label it); that namespace or --privileged is what the policy judges.
func hostLabelDisable(r *Request, _ container.InspectResponse, _ EngineFacts) {
	hc := r.HostConfig
	if hc.PidMode != "host" && hc.IpcMode != "host" && !hc.Privileged {
		return
	}
	var opts []string
	for _, o := range hc.SecurityOpt {
		if so := ParseSecurityOpt(o); so.Key != "label" || so.Value != "disable" {
			opts = append(opts, o)
		}
	}
	hc.SecurityOpt = opts
}

// engineNamespaces: on a cgroup v1 host the engine records the host's
// cgroup namespace for a container that asked for none.
func engineNamespaces(r *Request, _ container.InspectResponse, f EngineFacts) {
	if f.CgroupnsHost && r.HostConfig.CgroupnsMode == "host" {
		r.HostConfig.CgroupnsMode = ""
	}
}

// defaultNetwork: "default" and "bridge" are both the engine's default
// bridge, which docker and the engine record for a container that named no
// network; the profile's network.default then applies.
func defaultNetwork(r *Request, _ container.InspectResponse, _ EngineFacts) {
	if networkName(r.HostConfig.NetworkMode) == network.NetworkBridge {
		r.HostConfig.NetworkMode = ""
	}
}

// endpoints: networks connected besides the container's own network mode
// (docker network connect, repeated --network) are judged like --network.
func endpoints(r *Request, c container.InspectResponse, _ EngineFacts) {
	if c.NetworkSettings == nil || c.HostConfig == nil {
		return
	}
	own := string(c.HostConfig.NetworkMode)
	if own == network.NetworkDefault || own == "" {
		own = network.NetworkBridge
	}
	for name, ep := range c.NetworkSettings.Networks {
		if name == own {
			continue
		}
		if r.NetworkingConfig.EndpointsConfig == nil {
			r.NetworkingConfig.EndpointsConfig = map[string]*network.EndpointSettings{}
		}
		r.NetworkingConfig.EndpointsConfig[name] = ep
	}
}

// unsetLimits: a pids limit of 0 is "unset" in the Engine API, which some
// engines record as 0 rather than null.
func unsetLimits(r *Request, _ container.InspectResponse, _ EngineFacts) {
	if p := r.HostConfig.PidsLimit; p != nil && *p == 0 {
		r.HostConfig.PidsLimit = nil
	}
}

// defaultLogging: the engine records its own default driver, without
// options, for a container that named none; the profile's logging default
// then applies. Any other driver, or one with options, is the caller's and
// is judged as recorded (a syslog driver recorded without options is still
// a syslog driver).
func defaultLogging(r *Request, _ container.InspectResponse, f EngineFacts) {
	lc := r.HostConfig.LogConfig
	def := f.LoggingDriver
	if def == "" {
		def = "json-file"
	}
	if len(lc.Config) == 0 && (lc.Type == "" || lc.Type == def) {
		r.HostConfig.LogConfig = container.LogConfig{}
	}
}

// engineNoNewPrivileges: an engine started with --no-new-privileges sets
// it on every container without recording it.
func engineNoNewPrivileges(r *Request, _ container.InspectResponse, f EngineFacts) {
	hc := r.HostConfig
	if f.NoNewPrivileges && !HasSecurityOpt(hc.SecurityOpt, "no-new-privileges") {
		hc.SecurityOpt = append(append([]string(nil), hc.SecurityOpt...), "no-new-privileges=true")
	}
}
