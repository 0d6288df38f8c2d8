package audit

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/mount"
	"github.com/moby/moby/api/types/network"
)

// plain is the inspect data of `docker run -p 8080:80 -v /srv:/data IMAGE`
// with an anonymous volume at /cache.
func plain() container.InspectResponse {
	c := hardened()
	c.Config.User = ""
	c.AppArmorProfile = "docker-default"
	c.HostConfig = &container.HostConfig{
		NetworkMode:  "default",
		Binds:        []string{"/srv:/data"},
		PortBindings: network.PortMap{mustPort("80/tcp"): {{HostPort: "8080"}}},
		LogConfig:    container.LogConfig{Type: "json-file"},
		ShmSize:      64 << 20,
	}
	c.Mounts = []container.MountPoint{
		{Type: mount.TypeBind, Source: "/srv", Destination: "/data", RW: true},
		{Type: mount.TypeVolume, Name: "3f2a", Source: "/var/lib/docker/volumes/3f2a/_data", Destination: "/cache", RW: true},
	}
	return c
}

func TestProfileFindingsFromChanges(t *testing.T) {
	cases := []struct {
		name    string
		change  Change
		id      string
		want    string
		got     string
		dropped bool
	}{
		{name: "user", change: Change{"--user", "10001:10001", "user", "default"}, id: "user", want: "10001:10001", got: "(none: root)"},
		{name: "boolean flag", change: Change{"--read-only", "", "read_only", "default"}, id: "read_only", want: "true", got: "false"},
		{name: "cap_drop", change: Change{"--cap-drop", "ALL", "cap_drop", "default"}, id: "cap_drop", want: "ALL", got: "(none)"},
		{name: "cap_add grants, never hardens", change: Change{"--cap-add", "NET_BIND_SERVICE", "cap_add", "default"}, dropped: true},
		{name: "label", change: Change{"--label", "io.hardrun.profile=default@sha256:1", "", "label"}, dropped: true},
		{name: "resolved path only", change: Change{"-v", "/srv:/data", "", "resolved"}, dropped: true},
		{name: "bind mode", change: Change{"-v", "/srv:/data:ro", "volumes.default_mode", "default"}, id: "volumes.default_mode", want: "/srv:/data:ro", got: "bind /srv:/data:rw"},
		{name: "anonymous volume", change: Change{"-v", "/cache:ro", "volumes.default_mode", "default"}, want: "/cache:ro", got: "volume 3f2a:/cache:rw"},
		{name: "mount", change: Change{"--mount", "type=volume,target=/cache,readonly", "volumes.default_mode", "image VOLUME"}, got: "volume 3f2a:/cache:rw"},
		{name: "tmpfs", change: Change{"--tmpfs", "/tmp:rw,noexec", "tmpfs", "default"}, got: "(none)"},
		{name: "network", change: Change{"--network", "hardrun-isolated", "network.default", "default"}, got: "bridge (the engine's default)"},
		{name: "publish", change: Change{"-p", "127.0.0.1:8080:80/tcp", "network.publish_host_ip", "default"}, got: "0.0.0.0:8080->80/tcp"},
		{name: "memory", change: Change{"--memory", "512m", "limits.memory", "default"}, got: "0 (unlimited)"},
		{name: "cpus", change: Change{"--cpus", "1.0", "limits.cpus", "default"}, got: "0 (unlimited)"},
		{name: "cpu shares", change: Change{"--cpu-shares", "512", "limits.cpu_shares", "default"}, got: "0 (the engine's 1024)"},
		{name: "pids", change: Change{"--pids-limit", "256", "limits.pids", "default"}, got: "(none: unlimited)"},
		{name: "ulimit", change: Change{"--ulimit", "nofile=1024:1024", "limits.ulimits", "default"}, got: "(none)"},
		{name: "init", change: Change{"--init", "", "init", "default"}, want: "true", got: "(none)"},
		{name: "log driver already right", change: Change{"--log-driver", "json-file", "logging.driver", "default"}, dropped: true},
		{name: "log option", change: Change{"--log-opt", "max-size=10m", "logging.options", "default"}, got: "(none)"},
		{name: "no-new-privileges", change: Change{"--security-opt", "no-new-privileges:true", "no_new_privileges", "default"}, got: "(none)"},
		{name: "seccomp", change: Change{"--security-opt", "seccomp=<generated: base default, 9 denied, 0 allowed>", "seccomp", "default"}, got: "(none: the engine's default profile)"},
		{name: "apparmor", change: Change{"--security-opt", "apparmor=hardrun-default", "apparmor", "default"}, got: "AppArmorProfile=docker-default"},
		{name: "unknown flag", change: Change{"--stop-timeout", "10", "stop", "default"}, got: "(none)"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fs := ProfileFindings(plain(), Policy{Changes: []Change{tc.change}})
			if tc.dropped {
				if len(fs) != 0 {
					t.Fatalf("want no finding, got %+v", fs)
				}
				return
			}
			if len(fs) != 1 {
				t.Fatalf("want one finding, got %+v", fs)
			}
			f := fs[0]
			if f.Source != SourceProfile || f.Pass || f.Severity != Medium || f.ID != tc.change.Key {
				t.Errorf("finding %+v", f)
			}
			if tc.want != "" && f.Want != tc.want {
				t.Errorf("want %q, want %q", f.Want, tc.want)
			}
			if f.Got != tc.got {
				t.Errorf("got %q, want %q", f.Got, tc.got)
			}
		})
	}
}

func TestProfileFindingsFromRefusals(t *testing.T) {
	fs := ProfileFindings(plain(), Policy{Refusals: []Refusal{
		{Item: "--privileged", Key: "privileged: false"},
		{Item: "-v /etc:/x", Key: "enforce: true", Why: "binds of /etc are never permitted"},
		{Item: "--pid host", Key: "namespaces_allow_host: [ipc]"},
		{Item: "odd", Key: "no-value"},
	}})
	want := []Finding{
		{Source: SourceProfile, ID: "privileged", Title: "--privileged is not permitted", Want: "false", Got: "--privileged", Severity: High},
		{Source: SourceProfile, ID: "enforce", Title: "-v /etc:/x is not permitted: binds of /etc are never permitted", Want: "true", Got: "-v /etc:/x", Severity: High},
		{Source: SourceProfile, ID: "namespaces_allow_host", Title: "--pid host is not permitted", Want: "[ipc]", Got: "--pid host", Severity: High},
		{Source: SourceProfile, ID: "no-value", Title: "odd is not permitted", Want: "(not permitted)", Got: "odd", Severity: High},
	}
	if len(fs) != len(want) {
		t.Fatalf("got %+v", fs)
	}
	for i := range want {
		if fs[i] != want[i] {
			t.Errorf("finding %d: got %+v, want %+v", i, fs[i], want[i])
		}
	}
}

func TestRefusedSecurityOptionIsOneFinding(t *testing.T) {
	fs := ProfileFindings(plain(), Policy{
		Refusals: []Refusal{{Item: "--security-opt seccomp=unconfined", Key: "seccomp.base: default"}},
		Changes: []Change{
			{"--security-opt", "seccomp=<generated>", "seccomp", "default"},
			{"--security-opt", "no-new-privileges:true", "no_new_privileges", "default"},
		},
	})
	if len(fs) != 2 || fs[0].ID != "seccomp.base" || fs[1].ID != "no_new_privileges" {
		t.Errorf("got %+v, want the refusal and the no-new-privileges change", fs)
	}
}

func TestCurrentSecurityOptSummarizesJSON(t *testing.T) {
	c := plain()
	c.HostConfig.SecurityOpt = []string{`seccomp={"defaultAction":"SCMP_ACT_ERRNO"}`}
	got := current(c, "--security-opt", "seccomp=<generated>")
	if !strings.HasPrefix(got, "seccomp=<profile JSON, 34 bytes, sha256:") || len(got) != len("seccomp=<profile JSON, 34 bytes, sha256:>")+12 {
		t.Errorf("got %q, want the size and a short hash", got)
	}
}

func TestCurrentPublishExplicitIP(t *testing.T) {
	c := plain()
	c.HostConfig.PortBindings = network.PortMap{mustPort("80/tcp"): {{HostIP: netip.MustParseAddr("::1"), HostPort: "8080"}}}
	if got := current(c, "-p", "127.0.0.1:8080:80/tcp"); got != "[::1]:8080->80/tcp" {
		t.Errorf("got %q", got)
	}
	c.HostConfig.PortBindings, c.HostConfig.PublishAllPorts = nil, true
	if got := current(c, "-p", "127.0.0.1::80/tcp"); got != "-P: every interface" {
		t.Errorf("got %q", got)
	}
}
