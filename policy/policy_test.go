package policy

import (
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/mount"
	"github.com/moby/moby/api/types/network"

	"github.com/hardrun/hardrun/internal/scribble"
	"github.com/hardrun/hardrun/profiles"
)

// policyCase is one request judged under one profile.
type policyCase struct {
	name    string
	profile string // default, strict, web, dev, unconfined
	req     []mod
	img     ImageFacts
	host    func(h *HostFacts)
	prof    func(p *profiles.Profile) // adjusts the profile
	refuse  []string                  // exact refusal lines, in order; nil: none
	changes [][2]string               // {flag, value} the plan must contain ("" value: any)
	check   func(*testing.T, *Plan)
}

const (
	keyNS   = "(namespaces_allow_host: [])"
	keyNet  = "(network.allow: [bridge, none, user-defined])"
	sockWhy = "the Docker socket gives the container root on the host (enforce: true)"
)

var policyCases = []policyCase{
	// defaults
	{name: "plain run gets every default", profile: "default", changes: [][2]string{
		{"--user", "10001:10001"}, {"--cap-drop", "ALL"}, {"--cap-add", "NET_BIND_SERVICE"},
		{"--read-only", ""}, {"--tmpfs", "/tmp:rw,noexec,nosuid,nodev,size=64m"},
		{"--security-opt", "no-new-privileges:true"}, {"--security-opt", "apparmor=hardrun-default"},
		{"--memory", "512m"}, {"--memory-swap", "512m"}, {"--cpus", "1.0"}, {"--cpu-shares", "512"},
		{"--pids-limit", "256"}, {"--shm-size", "64m"}, {"--ulimit", "nofile=1024:1024"}, {"--ulimit", "core=0:0"},
		{"--init", ""}, {"--log-driver", "json-file"}, {"--log-opt", "max-size=10m"},
		{"--network", "hardrun-isolated"},
	}, check: func(t *testing.T, p *Plan) {
		h := p.Request.HostConfig
		if p.EnsureNetwork != IsolatedNetwork || h.NetworkMode != IsolatedNetwork {
			t.Errorf("network: %q, ensure %q", h.NetworkMode, p.EnsureNetwork)
		}
		if h.Memory != 512<<20 || h.NanoCPUs != 1e9 || *h.PidsLimit != 256 || h.ShmSize != 64<<20 || !*h.Init {
			t.Errorf("limits not applied: %+v", h.Resources)
		}
		if p.AppArmorProfile == nil || p.AppArmorProfile.Name != "hardrun-default" || p.AppArmorProfile.Text == "" {
			t.Errorf("generated AppArmor profile not planned: %+v", p.AppArmorProfile)
		}
		if !slices.ContainsFunc(h.SecurityOpt, func(s string) bool { return strings.HasPrefix(s, "seccomp={") }) {
			t.Errorf("no inline seccomp profile in %q", h.SecurityOpt)
		}
		if _, ok := p.Request.NetworkingConfig.EndpointsConfig["default"]; ok {
			t.Errorf("the default endpoint was not moved to the isolated network")
		}
		if p.Request.Config.Labels[LabelProfile] == "" || p.Request.Config.Labels[LabelVersion] != "1.0.0-test" {
			t.Errorf("labels: %v", p.Request.Config.Labels)
		}
	}},
	{name: "no Set at all (engine-side judge) still gets defaults", profile: "default",
		req: []mod{func(r *Request) { r.Set = nil }}, changes: [][2]string{{"--read-only", ""}, {"--user", "10001:10001"}}},

	// privileged and namespaces
	{name: "privileged", profile: "default", req: []mod{hc("privileged", func(h *container.HostConfig) { h.Privileged = true })},
		refuse: []string{"--privileged is not permitted (privileged: false)"}},
	{name: "privileged=false then privileged: the last value wins", profile: "default",
		req:    []mod{hc("privileged", func(h *container.HostConfig) { h.Privileged = true })},
		refuse: []string{"--privileged is not permitted (privileged: false)"}},
	{name: "privileged=false is fine", profile: "default", req: []mod{given("privileged")}},
	{name: "pid host", profile: "default", req: []mod{hc("pid", func(h *container.HostConfig) { h.PidMode = "host" })},
		refuse: []string{"--pid host is not permitted " + keyNS}},
	{name: "ipc host", profile: "default", req: []mod{hc("ipc", func(h *container.HostConfig) { h.IpcMode = "host" })},
		refuse: []string{"--ipc host is not permitted " + keyNS}},
	{name: "uts host", profile: "default", req: []mod{hc("uts", func(h *container.HostConfig) { h.UTSMode = "host" })},
		refuse: []string{"--uts host is not permitted " + keyNS}},
	{name: "userns host", profile: "default", req: []mod{hc("userns", func(h *container.HostConfig) { h.UsernsMode = "host" })},
		refuse: []string{"--userns host is not permitted " + keyNS}},
	{name: "cgroupns host", profile: "default", req: []mod{hc("cgroupns", func(h *container.HostConfig) { h.CgroupnsMode = "host" })},
		refuse: []string{"--cgroupns host is not permitted " + keyNS}},
	{name: "pid container", profile: "default", req: []mod{hc("pid", func(h *container.HostConfig) { h.PidMode = "container:web" })},
		refuse: []string{"--pid container:web is not permitted " + keyNS}},
	{name: "ipc container", profile: "default", req: []mod{hc("ipc", func(h *container.HostConfig) { h.IpcMode = "container:web" })},
		refuse: []string{"--ipc container:web is not permitted " + keyNS}},
	{name: "pid host permitted by namespaces_allow_host", profile: "default",
		prof: func(p *profiles.Profile) { p.NamespacesAllowHost = []string{"pid"} },
		req:  []mod{hc("pid", func(h *container.HostConfig) { h.PidMode = "host" })}},
	{name: "pid of a container that shares the host's", profile: "default",
		prof:   func(p *profiles.Profile) { p.NamespacesAllowHost = []string{"ipc"} },
		req:    []mod{hc("ipc", func(h *container.HostConfig) { h.IpcMode = "container:god" })},
		refuse: []string{"--ipc container:god is not permitted: container god is privileged (privileged: false)"}},
	{name: "network of a container on the host network", profile: "default",
		prof:   func(p *profiles.Profile) { p.Network.Allow = append(p.Network.Allow, "container:*") },
		req:    []mod{netMode("container:hostnet")},
		refuse: []string{"--network container:hostnet is not permitted: container hostnet shares the host's net namespace (network.allow: [bridge, none, user-defined, container:*])"}},
	{name: "network of a container permitted by container:*", profile: "default",
		prof: func(p *profiles.Profile) { p.Network.Allow = append(p.Network.Allow, "container:*") },
		req:  []mod{netMode("container:web")}},
	{name: "network host", profile: "default", req: []mod{netMode("host")},
		refuse: []string{"--network host is not permitted " + keyNet}},
	{name: "network container", profile: "default", req: []mod{netMode("container:web")},
		refuse: []string{"--network container:web is not permitted " + keyNet}},
	{name: "network bridge", profile: "default", req: []mod{netMode("bridge")}, check: func(t *testing.T, p *Plan) {
		if p.EnsureNetwork != "" || p.Request.HostConfig.NetworkMode != "bridge" {
			t.Errorf("network %q ensure %q", p.Request.HostConfig.NetworkMode, p.EnsureNetwork)
		}
	}},
	{name: "network none", profile: "default", req: []mod{netMode("none")}},
	{name: "network default given explicitly is the bridge", profile: "default", req: []mod{netMode("default")}},
	{name: "user-defined network", profile: "default", req: []mod{netMode("mynet")}},
	{name: "second network host", profile: "default", req: []mod{netMode("mynet"), func(r *Request) {
		r.NetworkingConfig.EndpointsConfig = map[string]*network.EndpointSettings{"mynet": {}, "host": {}}
	}}, refuse: []string{"--network host is not permitted " + keyNet}},

	// the Docker socket, the never-list, resolution
	{name: "docker socket via /var/run", profile: "default", req: []mod{binds("/var/run/docker.sock:/var/run/docker.sock")},
		refuse: []string{"-v /var/run/docker.sock:/var/run/docker.sock is not permitted: /var/run/docker.sock resolves to /run/docker.sock, " + sockWhy}},
	{name: "docker socket /run", profile: "default", req: []mod{binds("/run/docker.sock:/s")},
		refuse: []string{"-v /run/docker.sock:/s is not permitted: " + sockWhy}},
	{name: "docker socket via a symlink", profile: "default", req: []mod{binds("/home/u/sock:/s:ro")},
		refuse: []string{"-v /home/u/sock:/s:ro is not permitted: /home/u/sock resolves to /run/docker.sock, " + sockWhy}},
	{name: "use-api-socket is one refusal", profile: "default", req: []mod{given("use-api-socket"), mounts(mount.Mount{
		Type: mount.TypeBind, Source: "/var/run/docker.sock", Target: "/var/run/docker.sock", BindOptions: &mount.BindOptions{}})},
		refuse: []string{"--use-api-socket is not permitted: it gives the container the Docker API, that is root on the host (enforce: true)"}},
	{name: "bind of /", profile: "default", req: []mod{binds("/:/host")},
		refuse: []string{"-v /:/host is not permitted (enforce: true)"}},
	{name: "bind of /etc", profile: "default", req: []mod{binds("/etc:/x")},
		refuse: []string{"-v /etc:/x is not permitted: binds of /etc are never permitted (enforce: true)"}},
	{name: "bind under /etc", profile: "default", req: []mod{binds("/etc/passwd:/x:ro")},
		refuse: []string{"-v /etc/passwd:/x:ro is not permitted: /etc/passwd is under /etc (enforce: true)"}},
	{name: "bind of /proc", profile: "default", req: []mod{binds("/proc/self:/x")},
		refuse: []string{"-v /proc/self:/x is not permitted: /proc/self is under /proc (enforce: true)"}},
	{name: "bind of /sys", profile: "default", req: []mod{binds("/sys/fs/cgroup:/x")},
		refuse: []string{"-v /sys/fs/cgroup:/x is not permitted: /sys/fs/cgroup is under /sys (enforce: true)"}},
	{name: "bind of /dev", profile: "default", req: []mod{binds("/dev:/dev")},
		refuse: []string{"-v /dev:/dev is not permitted: binds of /dev are never permitted (enforce: true)"}},
	{name: "bind of /boot", profile: "default", req: []mod{binds("/boot/grub:/g")},
		refuse: []string{"-v /boot/grub:/g is not permitted: /boot/grub is under /boot (enforce: true)"}},
	{name: "bind of /root", profile: "default", req: []mod{binds("/root/.ssh:/k")},
		refuse: []string{"-v /root/.ssh:/k is not permitted: /root/.ssh is under /root (enforce: true)"}},
	{name: "bind of /var/lib/docker", profile: "default", req: []mod{binds("/var/lib/docker/volumes:/v")},
		refuse: []string{"-v /var/lib/docker/volumes:/v is not permitted: /var/lib/docker/volumes is under /var/lib/docker (enforce: true)"}},
	{name: "bind of /run", profile: "default", req: []mod{binds("/run/secrets:/s")},
		refuse: []string{"-v /run/secrets:/s is not permitted: /run/secrets is under /run (enforce: true)"}},
	{name: "bind of a parent of /var/lib/docker", profile: "default", req: []mod{binds("/var:/v")},
		refuse: []string{"-v /var:/v is not permitted: /var contains /var/lib/docker (enforce: true)"}},
	{name: "symlink to /etc", profile: "default", req: []mod{binds("/home/u/link/passwd:/p:ro")},
		refuse: []string{"-v /home/u/link/passwd:/p:ro is not permitted: /home/u/link/passwd resolves to /etc/passwd, /etc/passwd is under /etc (enforce: true)"}},
	{name: "dot-dot to /etc", profile: "default", req: []mod{binds("/home/u/../../etc:/x:ro")},
		refuse: []string{"-v /home/u/../../etc:/x:ro is not permitted: binds of /etc are never permitted (enforce: true)"}},
	{name: "relative source is resolved and gets ro", profile: "default", req: []mod{binds("./data:/data")},
		check: func(t *testing.T, p *Plan) {
			if got := p.Request.HostConfig.Binds; !slices.Equal(got, []string{"/home/u/proj/data:/data:ro"}) {
				t.Errorf("binds %q", got)
			}
			if !slices.Contains(p.Changes, Change{Flag: "-v", Field: FieldBinds, Elem: "/data", Value: "/home/u/proj/data:/data:ro", Key: "volumes.default_mode", Why: "default, resolved"}) {
				t.Errorf("no change for the bind:\n%s", changesText(p))
			}
		}},
	{name: "missing bind source", profile: "default", req: []mod{binds("/home/u/nope:/x")},
		refuse: []string{"-v /home/u/nope:/x is not permitted: /home/u/nope does not exist (docker would create it on the host) (enforce: true)"}},
	{name: "bind without mode gets ro", profile: "default", req: []mod{binds("/srv/data:/data")},
		changes: [][2]string{{"-v", "/srv/data:/data:ro"}}},
	{name: "bind rw outside allow_rw", profile: "default", req: []mod{binds("/srv/data:/data:rw")},
		refuse: []string{"-v /srv/data:/data:rw is not permitted (volumes.allow_rw: [])"}},
	{name: "bind ro stays as given", profile: "default", req: []mod{binds("/srv/data:/data:ro")}, check: func(t *testing.T, p *Plan) {
		if hasChange(p, "-v", "") {
			t.Errorf("unexpected bind change:\n%s", changesText(p))
		}
	}},
	{name: "bind rshared", profile: "default", req: []mod{binds("/srv/data:/data:ro,rshared")},
		refuse: []string{"-v /srv/data:/data:ro,rshared is not permitted: bind propagation rshared shares mounts between the host and the container (enforce: true)"}},
	{name: "bind slave", profile: "default", req: []mod{binds("/srv/data:/data:slave")},
		refuse: []string{"-v /srv/data:/data:slave is not permitted: bind propagation slave shares mounts between the host and the container (enforce: true)"}},
	{name: "volumes.deny glob", profile: "default", req: []mod{binds("/srv/secret/key:/k:ro")},
		prof:   func(p *profiles.Profile) { p.Volumes.Deny = []string{"/srv/secret/**"} },
		refuse: []string{"-v /srv/secret/key:/k:ro is not permitted: /srv/secret/key matches /srv/secret/** (volumes.deny: [/srv/secret/**])"}},
	{name: "--mount bind of /etc", profile: "default", req: []mod{mounts(mount.Mount{Type: mount.TypeBind, Source: "/etc", Target: "/x"})},
		refuse: []string{"--mount type=bind,source=/etc,target=/x is not permitted: binds of /etc are never permitted (enforce: true)"}},
	{name: "--mount bind shared propagation", profile: "default", req: []mod{mounts(mount.Mount{Type: mount.TypeBind, Source: "/srv/data", Target: "/x",
		BindOptions: &mount.BindOptions{Propagation: mount.PropagationShared}})},
		refuse: []string{"--mount type=bind,source=/srv/data,target=/x,bind-propagation=shared is not permitted: bind propagation shared shares mounts between the host and the container (enforce: true)"}},
	{name: "--mount bind gets readonly", profile: "default", req: []mod{mounts(mount.Mount{Type: mount.TypeBind, Source: "/srv/data", Target: "/x"})},
		changes: [][2]string{{"--mount", "type=bind,source=/srv/data,target=/x,readonly"}}},
	{name: "--mount bind-recursive=writable is rw", profile: "default", req: []mod{mounts(mount.Mount{Type: mount.TypeBind, Source: "/srv/data", Target: "/x",
		ReadOnly: true, BindOptions: &mount.BindOptions{ReadOnlyNonRecursive: true}})},
		refuse: []string{"--mount type=bind,source=/srv/data,target=/x,readonly,bind-recursive=writable is not permitted (volumes.allow_rw: [])"}},
	{name: "--mount volume with bind driver options", profile: "default", req: []mod{mounts(mount.Mount{Type: mount.TypeVolume, Source: "x", Target: "/x",
		VolumeOptions: &mount.VolumeOptions{DriverConfig: &mount.Driver{Options: map[string]string{"type": "none", "o": "bind", "device": "/etc"}}}})},
		refuse: []string{"--mount type=volume,source=x,target=/x,volume-opt=device=/etc,volume-opt=o=bind,volume-opt=type=none is not permitted: its driver options bind host path /etc (enforce: true)"}},
	{name: "existing volume created with bind options", profile: "default", req: []mod{binds("etcvol:/x")},
		refuse: []string{"-v etcvol:/x is not permitted: volume etcvol was created with driver options that bind host path /etc (enforce: true)"}},
	{name: "named volume gets ro", profile: "default", req: []mod{binds("data:/data")}, changes: [][2]string{{"-v", "data:/data:ro"}}},
	{name: "named volume explicit rw is permitted", profile: "default", req: []mod{binds("data:/data:rw")}, check: func(t *testing.T, p *Plan) {
		if !slices.Equal(p.Request.HostConfig.Binds, []string{"data:/data:rw"}) {
			t.Errorf("binds %q", p.Request.HostConfig.Binds)
		}
	}},
	{name: "anonymous volume becomes a read-only mount", profile: "default",
		req:     []mod{cfg("volume", func(c *container.Config) { c.Volumes = map[string]struct{}{"/cache": {}} })},
		changes: [][2]string{{"--mount", "type=tmpfs,target=/cache,readonly"}}, check: func(t *testing.T, p *Plan) {
			if len(p.Request.Config.Volumes) != 0 || !slices.Contains(p.Request.HostConfig.Mounts,
				mount.Mount{Type: mount.TypeTmpfs, Target: "/cache", ReadOnly: true}) {
				t.Errorf("volumes %v mounts %+v", p.Request.Config.Volumes, p.Request.HostConfig.Mounts)
			}
		}},
	{name: "image VOLUME is mounted read-only", profile: "default", img: ImageFacts{Volumes: []string{"/var/lib/app"}},
		check: func(t *testing.T, p *Plan) {
			if !slices.Contains(p.Changes, Change{Flag: "--mount", Field: FieldMounts, Elem: "/var/lib/app", Value: "type=tmpfs,target=/var/lib/app,readonly", Key: "volumes.default_mode", Why: "image VOLUME, " + readOnlyAnonymousWhy}) {
				t.Errorf("changes:\n%s", changesText(p))
			}
		}},
	{name: "image VOLUME the caller mounts is left to the caller", profile: "default", img: ImageFacts{Volumes: []string{"/data"}},
		req: []mod{binds("data:/data:rw")}, check: func(t *testing.T, p *Plan) {
			if len(p.Request.HostConfig.Mounts) != 0 {
				t.Errorf("mounts %+v", p.Request.HostConfig.Mounts)
			}
		}},
	{name: "volumes-from a container with a bind of /etc", profile: "default",
		req:    []mod{hc("volumes-from", func(h *container.HostConfig) { h.VolumesFrom = []string{"leaky"} })},
		refuse: []string{"--volumes-from leaky is not permitted: it copies the bind of /etc to /host-etc: binds of /etc are never permitted (enforce: true)"}},
	{name: "volumes-from gets ro", profile: "default",
		req:     []mod{hc("volumes-from", func(h *container.HostConfig) { h.VolumesFrom = []string{"web"} })},
		changes: [][2]string{{"--volumes-from", "web:ro"}}},
	{name: "volumes-from rw bind outside allow_rw", profile: "default",
		req:    []mod{hc("volumes-from", func(h *container.HostConfig) { h.VolumesFrom = []string{"rwbind:rw"} })},
		refuse: []string{"--volumes-from rwbind:rw is not permitted: it copies the bind of /srv/data to /srv (volumes.allow_rw: [])"}},
	{name: "volumes-from missing container", profile: "default",
		req:    []mod{hc("volumes-from", func(h *container.HostConfig) { h.VolumesFrom = []string{"ghost"} })},
		refuse: []string{"--volumes-from ghost is not permitted: cannot be judged: container ghost: no such object (enforce: true)"}},

	// security options
	{name: "seccomp=unconfined", profile: "default", req: []mod{secOpts("seccomp=unconfined")},
		refuse: []string{"--security-opt seccomp=unconfined is not permitted (seccomp.base: default)"}},
	{name: "seccomp:unconfined", profile: "default", req: []mod{secOpts("seccomp:unconfined")},
		refuse: []string{"--security-opt seccomp:unconfined is not permitted (seccomp.base: default)"}},
	{name: "caller seccomp profile", profile: "default", req: []mod{secOpts(`seccomp={"defaultAction":"SCMP_ACT_ALLOW"}`)},
		refuse: []string{"--security-opt seccomp=<profile JSON, 34 bytes> is not permitted: a caller-supplied seccomp profile would replace the profile's (seccomp.base: default)"}},
	{name: "apparmor=unconfined", profile: "default", req: []mod{secOpts("apparmor=unconfined")},
		refuse: []string{"--security-opt apparmor=unconfined is not permitted (apparmor.mode: if-available)"}},
	{name: "caller apparmor profile", profile: "default", req: []mod{secOpts("apparmor=myprofile")},
		refuse: []string{"--security-opt apparmor=myprofile is not permitted: a caller-supplied AppArmor profile would replace the profile's (apparmor.profile: generate)"}},
	{name: "caller apparmor profile without AppArmor", profile: "default", req: []mod{secOpts("apparmor=myprofile")},
		host:   func(h *HostFacts) { h.AppArmor.KernelEnabled = false },
		refuse: []string{"--security-opt apparmor=myprofile is not permitted: this host cannot enforce it: this kernel has no AppArmor (apparmor.mode: if-available)"}},
	{name: "own apparmor profile is accepted", profile: "default", req: []mod{secOpts("apparmor=hardrun-default")},
		check: func(t *testing.T, p *Plan) {
			n := 0
			for _, o := range p.Request.HostConfig.SecurityOpt {
				if strings.HasPrefix(o, "apparmor=") {
					n++
				}
			}
			if n != 1 {
				t.Errorf("apparmor options: %q", p.Request.HostConfig.SecurityOpt)
			}
		}},
	{name: "label=disable", profile: "default", req: []mod{secOpts("label=disable")},
		refuse: []string{"--security-opt label=disable is not permitted: it turns SELinux confinement off (enforce: true)"}},
	{name: "label:disable", profile: "default", req: []mod{secOpts("label:disable")},
		refuse: []string{"--security-opt label:disable is not permitted: it turns SELinux confinement off (enforce: true)"}},
	{name: "label type spc_t", profile: "default", req: []mod{secOpts("label=type:spc_t")},
		refuse: []string{"--security-opt label=type:spc_t is not permitted: it can select an unconfined SELinux domain (enforce: true)"}},
	{name: "label level is fine", profile: "default", req: []mod{secOpts("label=level:s0:c100,c200")}},
	{name: "systempaths=unconfined", profile: "default", req: []mod{secOpts("systempaths=unconfined")},
		refuse: []string{"--security-opt systempaths=unconfined is not permitted: it unmasks the /proc and /sys paths the engine hides (enforce: true)"}},
	{name: "no-new-privileges=false", profile: "default", req: []mod{secOpts("no-new-privileges=false")},
		refuse: []string{"--security-opt no-new-privileges=false is not permitted (no_new_privileges: true)"}},
	{name: "no-new-privileges=0", profile: "default", req: []mod{secOpts("no-new-privileges=0")},
		refuse: []string{"--security-opt no-new-privileges=0 is not permitted (no_new_privileges: true)"}},
	{name: "no-new-privileges:F", profile: "default", req: []mod{secOpts("no-new-privileges:F")},
		refuse: []string{"--security-opt no-new-privileges:F is not permitted (no_new_privileges: true)"}},
	{name: "no-new-privileges=true is not doubled", profile: "default", req: []mod{secOpts("no-new-privileges=true")},
		check: func(t *testing.T, p *Plan) {
			if hasChange(p, "--security-opt", "no-new-privileges:true") {
				t.Errorf("no-new-privileges added twice")
			}
		}},
	{name: "unknown security option", profile: "default", req: []mod{secOpts("foo=bar")},
		refuse: []string{"--security-opt foo=bar is not permitted: unknown security option (enforce: true)"}},
	{name: "masked paths set through the API", profile: "default", req: []mod{hc("", func(h *container.HostConfig) { h.MaskedPaths = []string{} })},
		refuse: []string{"MaskedPaths is not permitted: it replaces the paths the engine masks in /proc and /sys (enforce: true)"}},
	{name: "writable cgroups", profile: "default", req: []mod{secOpts("writable-cgroups=true")},
		refuse: []string{"--security-opt writable-cgroups=true is not permitted: it mounts the cgroup file system writable (enforce: true)"}},

	// devices, sysctls, runtime, groups, workdir
	{name: "device", profile: "default", req: []mod{hc("device", func(h *container.HostConfig) {
		h.Devices = []container.DeviceMapping{{PathOnHost: "/dev/sda", PathInContainer: "/dev/sda", CgroupPermissions: "rwm"}}
	})}, refuse: []string{"--device /dev/sda is not permitted (devices_allow: [])"}},
	{name: "device cgroup rule", profile: "default", req: []mod{hc("device-cgroup-rule", func(h *container.HostConfig) {
		h.DeviceCgroupRules = []string{"c 1:3 mr"}
	})}, refuse: []string{"--device-cgroup-rule 'c 1:3 mr' is not permitted: a cgroup rule needs devices_allow to permit every device (/dev/**) (devices_allow: [])"}},
	{name: "device permitted by devices_allow", profile: "default", prof: func(p *profiles.Profile) { p.DevicesAllow = []string{"/dev/nvidia*"} },
		req: []mod{hc("device", func(h *container.HostConfig) {
			h.Devices = []container.DeviceMapping{{PathOnHost: "/dev/nvidia0", PathInContainer: "/dev/nvidia0", CgroupPermissions: "rwm"}}
		}), hc("gpus", func(h *container.HostConfig) {
			h.DeviceRequests = []container.DeviceRequest{{Count: -1, Capabilities: [][]string{{"gpu"}}}}
		})}},
	{name: "gpus", profile: "default", req: []mod{hc("gpus", func(h *container.HostConfig) {
		h.DeviceRequests = []container.DeviceRequest{{Count: -1, Capabilities: [][]string{{"gpu"}}}}
	})}, refuse: []string{"--gpus all is not permitted (devices_allow: [])"}},
	{name: "group-add 0", profile: "default", req: []mod{hc("group-add", func(h *container.HostConfig) { h.GroupAdd = []string{"0"} })},
		refuse: []string{"--group-add 0 is not permitted (allow_root_group: false)"}},
	{name: "group-add root", profile: "default", req: []mod{hc("group-add", func(h *container.HostConfig) { h.GroupAdd = []string{"audio", "root"} })},
		refuse: []string{"--group-add root is not permitted (allow_root_group: false)"}},
	{name: "cgroup-parent", profile: "default", req: []mod{hc("cgroup-parent", func(h *container.HostConfig) { h.CgroupParent = "/mine" })},
		refuse: []string{"--cgroup-parent /mine is not permitted (enforce: true)"}},
	{name: "runtime runsc", profile: "default", req: []mod{hc("runtime", func(h *container.HostConfig) { h.Runtime = "runsc" })},
		refuse: []string{"--runtime runsc is not permitted (enforce: true)"}},
	{name: "runtime runc", profile: "default", req: []mod{hc("runtime", func(h *container.HostConfig) { h.Runtime = "runc" })}},
	{name: "oom-kill-disable without memory", profile: "default", req: []mod{given("memory"), hc("oom-kill-disable", func(h *container.HostConfig) {
		h.OomKillDisable = boolp(true)
	})}, refuse: []string{
		"--memory 0 is not permitted: it sets no memory limit (max.memory: 2g)",
		"--oom-kill-disable is not permitted: there is no memory limit (enforce: true)"}},
	{name: "oom-kill-disable with the default memory", profile: "default", req: []mod{hc("oom-kill-disable", func(h *container.HostConfig) {
		h.OomKillDisable = boolp(true)
	})}},
	{name: "workdir under /proc", profile: "default", req: []mod{cfg("workdir", func(c *container.Config) { c.WorkingDir = "/proc/self/fd/7" })},
		refuse: []string{"--workdir /proc/self/fd/7 is not permitted: a working directory under /proc can expose host file descriptors (CVE-2024-21626) (enforce: true)"}},
	{name: "image WORKDIR under /proc", profile: "default", img: ImageFacts{WorkingDir: "/proc/1/cwd"},
		refuse: []string{"the image's WORKDIR /proc/1/cwd is not permitted: a working directory under /proc can expose host file descriptors (CVE-2024-21626) (enforce: true)"}},
	{name: "sysctl", profile: "default", req: []mod{hc("sysctl", func(h *container.HostConfig) { h.Sysctls = map[string]string{"net.ipv4.ip_forward": "1"} })},
		refuse: []string{"--sysctl net.ipv4.ip_forward=1 is not permitted (sysctls_allow: [])"}},

	// capabilities
	{name: "cap-add SYS_ADMIN", profile: "default", req: []mod{capAdd("SYS_ADMIN")},
		refuse: []string{"--cap-add SYS_ADMIN is not permitted (cap_allow: [])"}},
	{name: "cap-add cap_sys_admin", profile: "default", req: []mod{capAdd("cap_sys_admin")},
		refuse: []string{"--cap-add cap_sys_admin is not permitted (cap_allow: [])"}},
	{name: "cap-add CAP_SYS_ADMIN", profile: "default", req: []mod{capAdd("CAP_SYS_ADMIN")},
		refuse: []string{"--cap-add CAP_SYS_ADMIN is not permitted (cap_allow: [])"}},
	{name: "cap-add sys_admin", profile: "default", req: []mod{capAdd("sys_admin")},
		refuse: []string{"--cap-add sys_admin is not permitted (cap_allow: [])"}},
	{name: "cap-add ALL", profile: "default", req: []mod{capAdd("ALL")},
		refuse: []string{"--cap-add ALL is not permitted (cap_allow: [])"}},
	{name: "cap-add of a default cap is not doubled", profile: "default", req: []mod{capAdd("CAP_NET_BIND_SERVICE")},
		check: func(t *testing.T, p *Plan) {
			if got := p.Request.HostConfig.CapAdd; !slices.Equal(got, []string{"CAP_NET_BIND_SERVICE"}) {
				t.Errorf("cap_add %q", got)
			}
		}},
	{name: "cap-drop of a default cap removes it", profile: "default", req: []mod{hc("cap-drop", func(h *container.HostConfig) {
		h.CapDrop = []string{"NET_BIND_SERVICE"}
	})}, check: func(t *testing.T, p *Plan) {
		if len(p.Request.HostConfig.CapAdd) != 0 || !slices.Equal(p.Request.HostConfig.CapDrop, []string{"NET_BIND_SERVICE", "ALL"}) {
			t.Errorf("cap_add %q cap_drop %q", p.Request.HostConfig.CapAdd, p.Request.HostConfig.CapDrop)
		}
	}},

	// identity
	{name: "user 0", profile: "default", req: []mod{user("0")}, refuse: []string{"--user 0 is not permitted (allow_root: false)"}},
	{name: "user root", profile: "default", req: []mod{user("root")}, refuse: []string{"--user root is not permitted (allow_root: false)"}},
	{name: "user 0:0", profile: "default", req: []mod{user("0:0")}, refuse: []string{"--user 0:0 is not permitted (allow_root: false)", "--user 0:0 is not permitted (allow_root_group: false)"}},
	{name: "user root:root", profile: "default", req: []mod{user("root:root")}, refuse: []string{"--user root:root is not permitted (allow_root: false)"}},
	{name: "user with group 0", profile: "default", req: []mod{user("1000:0")}, refuse: []string{"--user 1000:0 is not permitted (allow_root_group: false)"}},
	{name: "user 1000 is kept", profile: "default", req: []mod{user("1000")}, check: func(t *testing.T, p *Plan) {
		if p.Request.Config.User != "1000" || hasChange(p, "--user", "") {
			t.Errorf("user %q", p.Request.Config.User)
		}
	}},
	{name: "image non-root USER is kept", profile: "default", img: ImageFacts{User: "nginx"}, check: func(t *testing.T, p *Plan) {
		if p.Request.Config.User != "" {
			t.Errorf("user %q", p.Request.Config.User)
		}
	}},
	{name: "image USER 0 gets the profile user", profile: "default", img: ImageFacts{User: "0"}, changes: [][2]string{{"--user", "10001:10001"}}},
	{name: "read-only=false", profile: "default", req: []mod{given("read-only")},
		refuse: []string{"--read-only=false is not permitted (read_only: true)"}},

	// limits and ceilings
	{name: "memory above max", profile: "default", req: []mod{hc("memory", func(h *container.HostConfig) { h.Memory = 64 << 30 })},
		refuse: []string{"--memory 64g is not permitted (max.memory: 2g)"}},
	{name: "memory within max keeps no swap", profile: "default", req: []mod{hc("memory", func(h *container.HostConfig) { h.Memory = 1 << 30 })},
		changes: [][2]string{{"--memory-swap", "1g"}}},
	{name: "cpus above max", profile: "default", req: []mod{hc("cpus", func(h *container.HostConfig) { h.NanoCPUs = 4e9 })},
		refuse: []string{"--cpus 4 is not permitted (max.cpus: 2.0)"}},
	{name: "cpu-quota -1", profile: "default", req: []mod{hc("cpu-quota", func(h *container.HostConfig) { h.CPUQuota = -1 })},
		refuse: []string{"--cpu-quota -1 is not permitted: it sets no CPU limit (max.cpus: 2.0)"}},
	{name: "cpu-quota above max", profile: "default", req: []mod{hc("cpu-quota", func(h *container.HostConfig) { h.CPUQuota = 300000 })},
		refuse: []string{"--cpu-quota 300000 is not permitted (max.cpus: 2.0)"}},
	{name: "cpu-period alone sets no limit", profile: "default", req: []mod{hc("cpu-period", func(h *container.HostConfig) { h.CPUPeriod = 50000 })},
		refuse: []string{"--cpu-period 50000 is not permitted: it sets no CPU limit (max.cpus: 2.0)"}},
	{name: "pids-limit -1", profile: "default", req: []mod{hc("pids-limit", func(h *container.HostConfig) { h.PidsLimit = ptr64(-1) })},
		refuse: []string{"--pids-limit -1 is not permitted: it sets no limit (max.pids: 1024)"}},
	{name: "pids-limit 0", profile: "default", req: []mod{hc("pids-limit", func(h *container.HostConfig) { h.PidsLimit = ptr64(0) })},
		refuse: []string{"--pids-limit 0 is not permitted: it sets no limit (max.pids: 1024)"}},
	{name: "pids-limit above max", profile: "default", req: []mod{hc("pids-limit", func(h *container.HostConfig) { h.PidsLimit = ptr64(5000) })},
		refuse: []string{"--pids-limit 5000 is not permitted (max.pids: 1024)"}},
	{name: "restart always", profile: "default", req: []mod{hc("restart", func(h *container.HostConfig) { h.RestartPolicy.Name = "always" })},
		refuse: []string{"--restart always is not permitted (restart_allow: [no, on-failure])"}},
	{name: "restart unless-stopped", profile: "default", req: []mod{hc("restart", func(h *container.HostConfig) { h.RestartPolicy.Name = "unless-stopped" })},
		refuse: []string{"--restart unless-stopped is not permitted (restart_allow: [no, on-failure])"}},
	{name: "restart on-failure:3", profile: "default", req: []mod{hc("restart", func(h *container.HostConfig) {
		h.RestartPolicy = container.RestartPolicy{Name: "on-failure", MaximumRetryCount: 3}
	})}},

	// ports
	{name: "-p gets the loopback", profile: "default", req: []mod{publish("80/tcp", "", "8080")},
		changes: [][2]string{{"-p", "127.0.0.1:8080:80/tcp"}}},
	{name: "-p with a host IP is kept", profile: "default", req: []mod{publish("80/tcp", "0.0.0.0", "8080")}, check: func(t *testing.T, p *Plan) {
		if hasChange(p, "-p", "") {
			t.Errorf("changes:\n%s", changesText(p))
		}
	}},
	{name: "-P binds each exposed port on the loopback", profile: "default", img: ImageFacts{ExposedPorts: []string{"80/tcp", "53/udp"}},
		req:     []mod{hc("publish-all", func(h *container.HostConfig) { h.PublishAllPorts = true })},
		changes: [][2]string{{"-p", "127.0.0.1::53/udp"}, {"-p", "127.0.0.1::80/tcp"}}},

	// images
	{name: "image not in images.allow", profile: "default", req: []mod{cfg("", func(c *container.Config) { c.Image = "ghcr.io/evil/app:1" })},
		prof:   func(p *profiles.Profile) { p.Images.Allow = []string{"docker.io/library/*"} },
		refuse: []string{"image ghcr.io/evil/app:1 is not permitted (images.allow: [docker.io/library/*])"}},
	{name: "image in images.allow by its normalized name", profile: "default",
		prof: func(p *profiles.Profile) { p.Images.Allow = []string{"docker.io/library/*"} }},
	{name: "image pinned by digest", profile: "default", prof: func(p *profiles.Profile) { p.Images.RequireDigest = true },
		req: []mod{cfg("", func(c *container.Config) { c.Image = "alpine@sha256:" + strings.Repeat("ab", 32) })}},
	{name: "image without digest", profile: "default", prof: func(p *profiles.Profile) { p.Images.RequireDigest = true }, refuse: []string{
		"image alpine is not permitted: the reference has no @sha256: digest (images.require_digest: true)"}},

	// several at once
	{name: "every refusal is collected", profile: "default", req: []mod{
		hc("privileged", func(h *container.HostConfig) { h.Privileged = true }),
		hc("pid", func(h *container.HostConfig) { h.PidMode = "host" }),
		binds("/etc:/x"), netMode("host"), user("0")},
		refuse: []string{
			"--user 0 is not permitted (allow_root: false)",
			"--privileged is not permitted (privileged: false)",
			"--pid host is not permitted " + keyNS,
			"-v /etc:/x is not permitted: binds of /etc are never permitted (enforce: true)",
			"--network host is not permitted " + keyNet,
		}},

	// strict
	{name: "strict plain", profile: "strict", changes: [][2]string{{"--network", "none"}, {"--security-opt", "apparmor=hardrun-strict"}, {"--memory", "256m"}},
		check: func(t *testing.T, p *Plan) {
			if p.EnsureNetwork != "" || len(p.Request.HostConfig.CapAdd) != 0 {
				t.Errorf("ensure %q cap_add %q", p.EnsureNetwork, p.Request.HostConfig.CapAdd)
			}
		}},
	{name: "strict without AppArmor", profile: "strict", host: func(h *HostFacts) { h.AppArmor.KernelEnabled = false },
		refuse: []string{"running without AppArmor is not permitted: this kernel has no AppArmor (apparmor.mode: required)"}},
	{name: "strict on an engine without AppArmor", profile: "strict", host: func(h *HostFacts) { h.AppArmor.EngineListed = false },
		refuse: []string{"running without AppArmor is not permitted: the engine does not report AppArmor among its security options (apparmor.mode: required)"}},
	{name: "strict host bind", profile: "strict", req: []mod{binds("/srv/data:/data:ro")},
		refuse: []string{"-v /srv/data:/data:ro is not permitted (volumes.allow_bind: false)"}},
	{name: "strict --mount bind", profile: "strict", req: []mod{mounts(mount.Mount{Type: mount.TypeBind, Source: "/srv/data", Target: "/d"})},
		refuse: []string{"--mount type=bind,source=/srv/data,target=/d is not permitted (volumes.allow_bind: false)"}},
	{name: "strict publish", profile: "strict", req: []mod{publish("80/tcp", "", "80")},
		refuse: []string{"-p 80:80/tcp is not permitted (network.publish: false)"}},
	{name: "strict publish all", profile: "strict", req: []mod{hc("publish-all", func(h *container.HostConfig) { h.PublishAllPorts = true })},
		refuse: []string{"-P is not permitted (network.publish: false)"}},
	{name: "strict bridge", profile: "strict", req: []mod{netMode("bridge")},
		refuse: []string{"--network bridge is not permitted (network.allow: [none])"}},
	{name: "strict cap-add NET_BIND_SERVICE", profile: "strict", req: []mod{capAdd("NET_BIND_SERVICE")},
		refuse: []string{"--cap-add NET_BIND_SERVICE is not permitted (cap_allow: [])"}},
	{name: "strict memory above max", profile: "strict", req: []mod{hc("memory", func(h *container.HostConfig) { h.Memory = 2 << 30 })},
		refuse: []string{"--memory 2g is not permitted (max.memory: 1g)"}},
	{name: "strict named volume", profile: "strict", req: []mod{binds("data:/data")}, changes: [][2]string{{"-v", "data:/data:ro"}}},

	// web
	{name: "web publishes on every interface", profile: "web", req: []mod{publish("80/tcp", "", "80")},
		changes: [][2]string{{"-p", "0.0.0.0:80:80/tcp"}, {"--cap-add", "NET_BIND_SERVICE"}}},
	{name: "web apparmor name", profile: "web", changes: [][2]string{{"--security-opt", "apparmor=hardrun-web"}}},

	// dev
	{name: "dev rw bind of the working directory", profile: "dev", req: []mod{binds("/home/u/proj:/src:rw")}},
	{name: "dev rw bind below the working directory", profile: "dev", req: []mod{binds("./sub:/s:rw")},
		changes: [][2]string{{"-v", "/home/u/proj/sub:/s:rw"}}},
	{name: "dev rw bind through a symlinked cwd", profile: "dev", host: func(h *HostFacts) { h.Cwd = "/home/u/ln-proj" },
		req: []mod{binds("./data:/d:rw")}, changes: [][2]string{{"-v", "/home/u/proj/data:/d:rw"}}},
	{name: "dev rw bind elsewhere", profile: "dev", req: []mod{binds("/home/u/other:/o:rw")},
		refuse: []string{"-v /home/u/other:/o:rw is not permitted (volumes.allow_rw: [$PWD, $PWD/**])"}},
	{name: "dev bind without mode is ro", profile: "dev", req: []mod{binds("/home/u/proj:/src")},
		changes: [][2]string{{"-v", "/home/u/proj:/src:ro"}}},
	{name: "dev cap-add SYS_PTRACE", profile: "dev", req: []mod{capAdd("SYS_PTRACE")}, check: func(t *testing.T, p *Plan) {
		if !slices.Equal(p.Request.HostConfig.CapAdd, []string{"SYS_PTRACE", "NET_BIND_SERVICE"}) {
			t.Errorf("cap_add %q", p.Request.HostConfig.CapAdd)
		}
	}},
	{name: "dev cap-add SYS_ADMIN", profile: "dev", req: []mod{capAdd("SYS_ADMIN")},
		refuse: []string{"--cap-add SYS_ADMIN is not permitted (cap_allow: [SYS_PTRACE])"}},

	// AppArmor on other hosts
	{name: "no AppArmor under if-available is a notice", profile: "default", host: func(h *HostFacts) { h.AppArmor.KernelEnabled = false },
		check: func(t *testing.T, p *Plan) {
			if !slices.Contains(p.Notices, "AppArmor not applied: this kernel has no AppArmor (apparmor.mode: if-available)") {
				t.Errorf("notices %q", p.Notices)
			}
			if hasChange(p, "--security-opt", "apparmor=hardrun-default") || p.AppArmorProfile != nil {
				t.Errorf("AppArmor applied on a host without it")
			}
		}},
	{name: "remote engine with AppArmor", profile: "default", host: func(h *HostFacts) { h.AppArmor = AppArmorFacts{EngineListed: true} },
		changes: [][2]string{{"--security-opt", "apparmor=hardrun-default"}}, check: func(t *testing.T, p *Plan) {
			if p.AppArmorProfile != nil || len(p.Notices) != 1 {
				t.Errorf("load %+v notices %q", p.AppArmorProfile, p.Notices)
			}
		}},

	// unconfined
	{name: "unconfined permits everything and adds only labels", profile: "unconfined", req: []mod{
		hc("privileged", func(h *container.HostConfig) { h.Privileged = true }), binds("/etc:/x"),
		hc("pid", func(h *container.HostConfig) { h.PidMode = "host" }), secOpts("seccomp=unconfined")},
		check: func(t *testing.T, p *Plan) {
			if len(p.Changes) != 2 || p.Changes[0].Why != "label" || p.Changes[1].Why != "label" {
				t.Errorf("changes:\n%s", changesText(p))
			}
			if len(p.Notices) != 1 || !strings.Contains(p.Notices[0], "enforces nothing") {
				t.Errorf("notices %q", p.Notices)
			}
			if !slices.Equal(p.Request.HostConfig.Binds, []string{"/etc:/x"}) || p.Request.HostConfig.ReadonlyRootfs {
				t.Errorf("request changed: %+v", p.Request.HostConfig)
			}
		}},
}

func TestEvaluateTable(t *testing.T) {
	if len(policyCases) < 80 {
		t.Fatalf("the table has %d cases, want at least 80", len(policyCases))
	}
	seen := map[string]bool{}
	for _, tc := range policyCases {
		if seen[tc.name] {
			t.Fatalf("duplicate case name %q", tc.name)
		}
		seen[tc.name] = true
		t.Run(tc.name, func(t *testing.T) { runPolicyCase(t, tc) })
	}
}

func runPolicyCase(t *testing.T, tc policyCase) {
	p := testProfile(tc.profile)
	if tc.prof != nil {
		tc.prof(p)
	}
	host := testHost()
	if tc.host != nil {
		tc.host(&host)
	}
	req := build(tc.req...)
	plan, err := Evaluate(req, p, tc.img, host)
	if plan == nil {
		t.Fatalf("Evaluate: no plan, error %v", err)
	}
	got := refusalLines(plan)
	if !slices.Equal(got, tc.refuse) {
		t.Errorf("refusals:\n got %q\nwant %q", got, tc.refuse)
	}
	if (err != nil) != (len(tc.refuse) > 0) || (err != nil && !errors.Is(err, ErrRefused)) {
		t.Errorf("error %v with %d refusals", err, len(tc.refuse))
	}
	for _, c := range tc.changes {
		if !hasChange(plan, c[0], c[1]) {
			t.Errorf("no change %s %s in:\n%s", c[0], c[1], changesText(plan))
		}
	}
	if tc.check != nil {
		tc.check(t, plan)
	}
}

// TestEvaluateDoesNotMutateTheRequest: Evaluate leaves its input alone,
// and the plan shares no memory with it. The oracle is a second request
// built the same way, not copyRequest (the function under test).
func TestEvaluateDoesNotMutateTheRequest(t *testing.T) {
	request := func() Request {
		return build(binds("./data:/data", "data:/x"), capAdd("NET_BIND_SERVICE"), secOpts("no-new-privileges"),
			publish("80/tcp", "", "8080"), cfg("volume", func(c *container.Config) { c.Volumes = map[string]struct{}{"/cache": {}} }),
			mounts(mount.Mount{Type: mount.TypeBind, Source: "/srv/data", Target: "/m", BindOptions: &mount.BindOptions{}}),
			hc("volumes-from", func(h *container.HostConfig) { h.VolumesFrom = []string{"web"} }),
			func(r *Request) { r.RWMounts = []string{"/elsewhere"} })
	}
	req, want := request(), request()
	plan, err := Evaluate(req, testProfile("default"), ImageFacts{Volumes: []string{"/v"}}, testHost())
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(req, want) {
		t.Errorf("Evaluate changed its input:\n got %+v\nwant %+v", req.HostConfig, want.HostConfig)
	}
	if reflect.DeepEqual(plan.Request.HostConfig, req.HostConfig) {
		t.Errorf("the plan did not harden anything")
	}
	scribble.Value(reflect.ValueOf(&plan.Request).Elem())
	if !reflect.DeepEqual(req, want) {
		t.Errorf("the plan's request shares memory with the input:\n got %+v\nwant %+v", req.HostConfig, want.HostConfig)
	}
}

func TestEvaluateRefusedError(t *testing.T) {
	req := build(hc("privileged", func(h *container.HostConfig) { h.Privileged = true }), user("root"))
	plan, err := Evaluate(req, testProfile("default"), ImageFacts{}, testHost())
	var re *RefusedError
	if !errors.As(err, &re) || !errors.Is(err, ErrRefused) || plan == nil {
		t.Fatalf("err %v", err)
	}
	want := `refused by profile "default": --user root is not permitted (allow_root: false)` + "\n" +
		`refused by profile "default": --privileged is not permitted (privileged: false)`
	if err.Error() != want {
		t.Errorf("error:\n%s\nwant:\n%s", err, want)
	}
}

func TestEvaluateImageRootWithoutProfileUser(t *testing.T) {
	p := testProfile("default")
	p.User = ""
	plan, _ := Evaluate(build(), p, ImageFacts{}, testHost())
	want := []string{"running as the image's user root is not permitted: the profile has no user to run as instead (allow_root: false)"}
	if got := refusalLines(plan); !slices.Equal(got, want) {
		t.Errorf("refusals %q", got)
	}
}

func TestEvaluateWithoutHostLookups(t *testing.T) {
	h := testHost()
	h.ResolvePath, h.Volume, h.Container = nil, nil, nil
	req := build(binds("/srv/data:/d", "data:/v"), hc("volumes-from", func(hc *container.HostConfig) { hc.VolumesFrom = []string{"web"} }))
	plan, err := Evaluate(req, testProfile("default"), ImageFacts{}, h)
	if !errors.Is(err, ErrRefused) {
		t.Fatalf("err %v", err)
	}
	want := []string{
		"-v /srv/data:/d is not permitted: cannot be judged: no path resolver (enforce: true)",
		"-v data:/v is not permitted: cannot be judged: no volume lookup (enforce: true)",
		"--volumes-from web is not permitted: cannot be judged: no container lookup (enforce: true)",
	}
	if got := refusalLines(plan); !slices.Equal(got, want) {
		t.Errorf("refusals:\n%q\nwant\n%q", got, want)
	}
}

// TestFlagNames checks that every request field the table names exists.
func TestFlagNames(t *testing.T) {
	root := reflect.TypeOf(Request{})
	for f := range flagNames {
		field := string(f)
		if !strings.Contains(field, ".") && field != "Name" && field != "Platform" {
			continue // not a request field: use-api-socket
		}
		typ := root
		for _, part := range strings.Split(field, ".") {
			for typ.Kind() == reflect.Pointer {
				typ = typ.Elem()
			}
			f, ok := typ.FieldByName(part)
			if !ok {
				t.Errorf("flagNames: %s: no field %s in %s", field, part, typ)
				break
			}
			typ = f.Type
		}
	}
}

func TestMatchPath(t *testing.T) {
	cases := []struct {
		glob, path string
		want       bool
	}{
		{"/home/u/proj/**", "/home/u/proj", true},
		{"/home/u/proj/**", "/home/u/proj/a/b", true},
		{"/home/u/proj/**", "/home/u/project", false},
		{"/home/*/src", "/home/u/src", true},
		{"/home/*/src", "/home/u/v/src", false},
		{"/**", "/", true},
		{"/dev/nvidia*", "/dev/nvidia0", true},
		{"/srv/**/key", "/srv/a/b/key", true},
	}
	for _, c := range cases {
		if got := matchPath(c.glob, c.path); got != c.want {
			t.Errorf("matchPath(%q, %q) = %v", c.glob, c.path, got)
		}
	}
	if !matchAny("docker.io/library/*", "docker.io/library/alpine:latest") || matchAny("net.*", "kernel.x") {
		t.Errorf("matchAny")
	}
}
