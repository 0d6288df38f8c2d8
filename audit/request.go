package audit

import (
	"maps"
	"path"
	"strings"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/network"
)

// Request is the create request a container's inspect data stands for:
// what the launcher's policy judges (policy.Request without Set; audit
// cannot tell a flag the caller gave from one it left to the engine, so
// none counts as given and the profile's defaults fill every gap, which is
// exactly "weaker than the profile would have made it").
type Request struct {
	Name             string
	Config           *container.Config
	HostConfig       *container.HostConfig
	NetworkingConfig *network.NetworkingConfig
}

// RequestOf turns inspect data into the request the policy judges. The
// engine records more than the caller sent: it merges the image's config
// into Config and fills defaults into HostConfig. Those the policy would
// misread as the caller's are taken back out, each for the reason given;
// everything else is judged as recorded. The inspect data is not modified.
func RequestOf(c container.InspectResponse, f EngineFacts) Request {
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
	for _, b := range hc.Binds {
		if dst := bindDestination(b); dst != "" {
			taken[path.Clean(dst)] = true
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
		dst, _, _ := strings.Cut(v, ":")
		if taken[path.Clean(dst)] {
			delete(vols, v)
		}
	}
	r.Config.Volumes = vols
}

// bindDestination is the container path of a -v value
// ([SRC:]DST[:OPTS]): with two parts the second is options or the
// destination, as the engine's parser decides.
func bindDestination(b string) string {
	parts := strings.Split(b, ":")
	switch len(parts) {
	case 1:
		return parts[0]
	case 2:
		if strings.HasPrefix(parts[1], "/") {
			return parts[1]
		}
		return parts[0]
	}
	return parts[1]
}

// systemPaths: the engine records the /proc and /sys paths it masks (and
// makes read-only) for every unprivileged container; a request that sets
// them is an Engine API caller's. An empty list on an unprivileged
// container without systempaths=unconfined can only be such a caller's
// and is kept for the policy to judge.
func systemPaths(r *Request, _ container.InspectResponse, _ EngineFacts) {
	hc := r.HostConfig
	byOption := hc.Privileged || hasSecurityOpt(hc.SecurityOpt, "systempaths")
	if len(hc.MaskedPaths) > 0 || byOption {
		hc.MaskedPaths = nil
	}
	if len(hc.ReadonlyPaths) > 0 || byOption {
		hc.ReadonlyPaths = nil
	}
}

func hasSecurityOpt(opts []string, key string) bool {
	for _, o := range opts {
		if k, _ := splitSecurityOpt(o); k == key {
			return true
		}
	}
	return false
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
		if k, v := splitSecurityOpt(o); k != "label" || v != "disable" {
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
	switch r.HostConfig.NetworkMode {
	case network.NetworkDefault, network.NetworkBridge:
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

// defaultLogging: the engine records its default log driver for a
// container that named none; without options it is unbounded, and the
// profile's logging default applies.
func defaultLogging(r *Request, _ container.InspectResponse, _ EngineFacts) {
	if len(r.HostConfig.LogConfig.Config) == 0 {
		r.HostConfig.LogConfig = container.LogConfig{}
	}
}

// engineNoNewPrivileges: an engine started with --no-new-privileges sets
// it on every container without recording it.
func engineNoNewPrivileges(r *Request, _ container.InspectResponse, f EngineFacts) {
	hc := r.HostConfig
	if f.NoNewPrivileges && !hasSecurityOpt(hc.SecurityOpt, "no-new-privileges") {
		hc.SecurityOpt = append(append([]string(nil), hc.SecurityOpt...), "no-new-privileges=true")
	}
}
