package policy

import (
	"reflect"
	"testing"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/mount"
	"github.com/moby/moby/api/types/network"
	"github.com/moby/moby/api/types/system"
)

func TestRequestFromInspect(t *testing.T) {
	minus, zero := int64(-1), int64(0)
	cases := []struct {
		name  string
		facts EngineFacts
		edit  func(*container.InspectResponse)
		check func(t *testing.T, r Request)
	}{
		{
			name: "name without slash",
			check: func(t *testing.T, r Request) {
				if r.Name != "web" {
					t.Errorf("name %q", r.Name)
				}
			},
		},
		{
			name: "a log driver recorded without options is still judged",
			edit: func(c *container.InspectResponse) { c.HostConfig.LogConfig = container.LogConfig{Type: "syslog"} },
			check: func(t *testing.T, r Request) {
				if r.HostConfig.LogConfig.Type != "syslog" {
					t.Errorf("log driver %q, want syslog", r.HostConfig.LogConfig.Type)
				}
			},
		},
		{
			name:  "the engine's default log driver is its own",
			facts: EngineFacts{LoggingDriver: "local"},
			edit:  func(c *container.InspectResponse) { c.HostConfig.LogConfig = container.LogConfig{Type: "local"} },
			check: func(t *testing.T, r Request) {
				if r.HostConfig.LogConfig.Type != "" {
					t.Errorf("log driver %q, want the engine's default left out", r.HostConfig.LogConfig.Type)
				}
			},
		},
		{
			name: "image volume covered by a mount is dropped",
			edit: func(c *container.InspectResponse) {
				c.Config.Volumes = map[string]struct{}{"/data": {}, "/cache": {}, "/bound": {}, "/scratch": {}}
				c.HostConfig.Mounts = []mount.Mount{{Type: mount.TypeVolume, Target: "/data/", ReadOnly: true}}
				c.HostConfig.Binds = []string{"/srv:/bound:ro"}
				c.HostConfig.Tmpfs = map[string]string{"/scratch": ""}
			},
			check: func(t *testing.T, r Request) {
				if want := map[string]struct{}{"/cache": {}}; !reflect.DeepEqual(r.Config.Volumes, want) {
					t.Errorf("volumes %v, want %v", r.Config.Volumes, want)
				}
			},
		},
		{
			name: "engine's masked paths are not the caller's",
			check: func(t *testing.T, r Request) {
				if r.HostConfig.MaskedPaths != nil || r.HostConfig.ReadonlyPaths != nil {
					t.Errorf("masked %v readonly %v", r.HostConfig.MaskedPaths, r.HostConfig.ReadonlyPaths)
				}
			},
		},
		{
			name: "emptied masked paths are judged",
			edit: func(c *container.InspectResponse) { c.HostConfig.MaskedPaths = []string{} },
			check: func(t *testing.T, r Request) {
				if r.HostConfig.MaskedPaths == nil {
					t.Error("an empty MaskedPaths was dropped")
				}
			},
		},
		{
			name: "systempaths=unconfined is judged as the option",
			edit: func(c *container.InspectResponse) {
				c.HostConfig.MaskedPaths, c.HostConfig.SecurityOpt = []string{}, []string{"systempaths=unconfined"}
			},
			check: func(t *testing.T, r Request) {
				if r.HostConfig.MaskedPaths != nil {
					t.Error("MaskedPaths kept beside systempaths=unconfined")
				}
			},
		},
		{
			name:  "cgroup v1 host namespace is the engine's",
			facts: EngineFacts{CgroupnsHost: true},
			check: func(t *testing.T, r Request) {
				if r.HostConfig.CgroupnsMode != "" {
					t.Errorf("cgroupns %q", r.HostConfig.CgroupnsMode)
				}
			},
		},
		{
			name: "cgroup v2 host namespace is the caller's",
			check: func(t *testing.T, r Request) {
				if r.HostConfig.CgroupnsMode != "host" {
					t.Errorf("cgroupns %q", r.HostConfig.CgroupnsMode)
				}
			},
		},
		{
			name: "default bridge is no choice",
			edit: func(c *container.InspectResponse) {
				c.HostConfig.NetworkMode = "default"
				c.NetworkSettings.Networks = map[string]*network.EndpointSettings{"bridge": {}, "front": {}}
			},
			check: func(t *testing.T, r Request) {
				if r.HostConfig.NetworkMode != "" {
					t.Errorf("network mode %q", r.HostConfig.NetworkMode)
				}
				if _, ok := r.NetworkingConfig.EndpointsConfig["front"]; !ok || len(r.NetworkingConfig.EndpointsConfig) != 1 {
					t.Errorf("endpoints %v, want only front", r.NetworkingConfig.EndpointsConfig)
				}
			},
		},
		{
			name: "own network is no extra endpoint",
			check: func(t *testing.T, r Request) {
				if r.HostConfig.NetworkMode != "hardrun-isolated" || len(r.NetworkingConfig.EndpointsConfig) != 0 {
					t.Errorf("mode %q endpoints %v", r.HostConfig.NetworkMode, r.NetworkingConfig.EndpointsConfig)
				}
			},
		},
		{
			name: "pids 0 is unset",
			edit: func(c *container.InspectResponse) { c.HostConfig.PidsLimit = &zero },
			check: func(t *testing.T, r Request) {
				if r.HostConfig.PidsLimit != nil {
					t.Errorf("pids %d", *r.HostConfig.PidsLimit)
				}
			},
		},
		{
			name: "pids -1 is the caller's",
			edit: func(c *container.InspectResponse) { c.HostConfig.PidsLimit = &minus },
			check: func(t *testing.T, r Request) {
				if r.HostConfig.PidsLimit == nil || *r.HostConfig.PidsLimit != -1 {
					t.Error("pids -1 lost")
				}
			},
		},
		{
			name: "default log driver without options is no choice",
			edit: func(c *container.InspectResponse) { c.HostConfig.LogConfig = container.LogConfig{Type: "json-file"} },
			check: func(t *testing.T, r Request) {
				if r.HostConfig.LogConfig.Type != "" {
					t.Errorf("log driver %q", r.HostConfig.LogConfig.Type)
				}
			},
		},
		{
			name: "docker's own label=disable beside --pid host",
			edit: func(c *container.InspectResponse) {
				c.HostConfig.PidMode, c.HostConfig.SecurityOpt = "host", []string{"no-new-privileges", "label=disable"}
			},
			check: func(t *testing.T, r Request) {
				if want := []string{"no-new-privileges"}; !reflect.DeepEqual(r.HostConfig.SecurityOpt, want) {
					t.Errorf("security opts %v, want %v", r.HostConfig.SecurityOpt, want)
				}
			},
		},
		{
			name: "label=disable alone is the caller's",
			edit: func(c *container.InspectResponse) { c.HostConfig.SecurityOpt = []string{"label=disable"} },
			check: func(t *testing.T, r Request) {
				if want := []string{"label=disable"}; !reflect.DeepEqual(r.HostConfig.SecurityOpt, want) {
					t.Errorf("security opts %v, want %v", r.HostConfig.SecurityOpt, want)
				}
			},
		},
		{
			name:  "engine-wide no-new-privileges",
			facts: EngineFacts{NoNewPrivileges: true},
			edit:  func(c *container.InspectResponse) { c.HostConfig.SecurityOpt = []string{"seccomp=unconfined"} },
			check: func(t *testing.T, r Request) {
				if want := []string{"seccomp=unconfined", "no-new-privileges=true"}; !reflect.DeepEqual(r.HostConfig.SecurityOpt, want) {
					t.Errorf("security opts %v, want %v", r.HostConfig.SecurityOpt, want)
				}
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := inspected()
			if tc.edit != nil {
				tc.edit(&c)
			}
			before := c.HostConfig.SecurityOpt
			r := RequestFromInspect(c, tc.facts)
			tc.check(t, r)
			if !reflect.DeepEqual(c.HostConfig.SecurityOpt, before) {
				t.Error("RequestFromInspect modified the inspect data")
			}
		})
	}
}

func TestRequestFromInspectLeavesInspectAlone(t *testing.T) {
	c := inspected()
	c.Config.Volumes = map[string]struct{}{"/data": {}}
	c.HostConfig.Mounts = []mount.Mount{{Type: mount.TypeVolume, Target: "/data"}}
	want := inspected()
	want.Config.Volumes = map[string]struct{}{"/data": {}}
	want.HostConfig.Mounts = []mount.Mount{{Type: mount.TypeVolume, Target: "/data"}}
	RequestFromInspect(c, EngineFacts{CgroupnsHost: true, NoNewPrivileges: true})
	if !reflect.DeepEqual(c, want) {
		t.Error("RequestFromInspect modified the inspect data")
	}
}

// TestBindTargets: the reader finds the destination of every -v form the
// engine records.
func TestBindTargets(t *testing.T) {
	for in, want := range map[string]string{
		"/data":             "/data",
		"/data:ro":          "/data",
		"vol:/data":         "/data",
		"/srv:/data":        "/data",
		"/srv:/data:ro,z":   "/data",
		"name:/data:nocopy": "/data",
	} {
		if b, err := ParseBind(in); err != nil || b.Target != want {
			t.Errorf("ParseBind(%q) = %+v, %v; want target %q", in, b, err, want)
		}
	}
}

func TestEngineFactsOf(t *testing.T) {
	cases := []struct {
		name string
		info system.Info
		want EngineFacts
	}{
		{"cgroup v1, seccomp", system.Info{CgroupVersion: "1", SecurityOptions: []string{"name=seccomp,profile=default"}},
			EngineFacts{Seccomp: true, CgroupnsHost: true}},
		{"cgroup v2, everything", system.Info{CgroupVersion: "2", SecurityOptions: []string{
			"name=apparmor", "name=seccomp,profile=builtin", "name=selinux", "name=no-new-privileges", "name=cgroupns"}},
			EngineFacts{AppArmor: true, SELinux: true, Seccomp: true, NoNewPrivileges: true}},
		{"old engine spelling", system.Info{SecurityOptions: []string{"apparmor", "seccomp"}},
			EngineFacts{AppArmor: true, Seccomp: true, CgroupnsHost: true}},
		{"nothing", system.Info{CgroupVersion: "2"}, EngineFacts{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := EngineFactsOf(tc.info); got != tc.want {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}

// inspected is the inspect data of a container that passes every audit check, as
// hardrun's default profile leaves it on an engine with AppArmor, SELinux
// and seccomp.
func inspected() container.InspectResponse {
	pids := int64(256)
	init := true
	return container.InspectResponse{
		ID:              "9cde46403a6427f08ad6733caa1bbbb3c16f9cafa8d48a04e40c383f1915b8bb",
		Name:            "/web",
		Image:           "sha256:a7984670ce31",
		AppArmorProfile: "hardrun-default",
		ProcessLabel:    "system_u:system_r:container_t:s0:c12,c34",
		State:           &container.State{Status: container.StateRunning, Running: true},
		Config: &container.Config{
			Image:       "hardrun-test/health:latest",
			User:        "10001:10001",
			Healthcheck: &container.HealthConfig{Test: []string{"CMD", "true"}},
			Labels: map[string]string{
				LabelProfile: "default@sha256:973fa15ac6e745d446b496e845778d17baa3103bc73d0d21a357a1bd4567caa0",
				LabelVersion: "1.0.0",
			},
		},
		HostConfig: &container.HostConfig{
			ReadonlyRootfs: true,
			CapDrop:        []string{"ALL"},
			CapAdd:         []string{"CAP_NET_BIND_SERVICE"},
			SecurityOpt:    []string{"no-new-privileges:true", `seccomp={"defaultAction":"SCMP_ACT_ERRNO"}`},
			NetworkMode:    "hardrun-isolated",
			IpcMode:        "private",
			CgroupnsMode:   "host",
			RestartPolicy:  container.RestartPolicy{Name: container.RestartPolicyDisabled},
			Init:           &init,
			Tmpfs:          map[string]string{"/tmp": "rw,noexec,nosuid,nodev,size=64m"},
			ShmSize:        64 << 20,
			Runtime:        "runc",
			LogConfig:      container.LogConfig{Type: "json-file", Config: map[string]string{"max-size": "10m", "max-file": "3"}},
			MaskedPaths:    []string{"/proc/kcore"},
			ReadonlyPaths:  []string{"/proc/sys"},
			Resources: container.Resources{
				Memory:     512 << 20,
				MemorySwap: 512 << 20,
				NanoCPUs:   1e9,
				CPUShares:  512,
				PidsLimit:  &pids,
				Ulimits:    []*container.Ulimit{{Name: "nofile", Soft: 1024, Hard: 1024}},
			},
		},
		NetworkSettings: &container.NetworkSettings{
			Networks: map[string]*network.EndpointSettings{"hardrun-isolated": {}},
		},
	}
}
