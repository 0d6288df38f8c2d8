package audit

import (
	"reflect"
	"testing"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/mount"
	"github.com/moby/moby/api/types/network"
	"github.com/moby/moby/api/types/system"
)

func TestRequestOf(t *testing.T) {
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
			c := hardened()
			if tc.edit != nil {
				tc.edit(&c)
			}
			before := c.HostConfig.SecurityOpt
			r := RequestOf(c, tc.facts)
			tc.check(t, r)
			if !reflect.DeepEqual(c.HostConfig.SecurityOpt, before) {
				t.Error("RequestOf modified the inspect data")
			}
		})
	}
}

func TestRequestOfLeavesInspectAlone(t *testing.T) {
	c := hardened()
	c.Config.Volumes = map[string]struct{}{"/data": {}}
	c.HostConfig.Mounts = []mount.Mount{{Type: mount.TypeVolume, Target: "/data"}}
	want := hardened()
	want.Config.Volumes = map[string]struct{}{"/data": {}}
	want.HostConfig.Mounts = []mount.Mount{{Type: mount.TypeVolume, Target: "/data"}}
	RequestOf(c, EngineFacts{CgroupnsHost: true, NoNewPrivileges: true})
	if !reflect.DeepEqual(c, want) {
		t.Error("RequestOf modified the inspect data")
	}
}

func TestBindDestination(t *testing.T) {
	for in, want := range map[string]string{
		"/data":             "/data",
		"/data:ro":          "/data",
		"vol:/data":         "/data",
		"/srv:/data":        "/data",
		"/srv:/data:ro,z":   "/data",
		"name:/data:nocopy": "/data",
	} {
		if got := bindDestination(in); got != want {
			t.Errorf("bindDestination(%q) = %q, want %q", in, got, want)
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
