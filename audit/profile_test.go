package audit

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/mount"
	"github.com/moby/moby/api/types/network"

	"github.com/hardrun/hardrun/policy"
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
		change  policy.Change
		id      string
		want    string
		got     string
		dropped bool
	}{
		{name: "user", change: policy.Change{Flag: "--user", Field: policy.FieldUser, Value: "10001:10001", Key: "user", Why: "default"}, id: "user", want: "10001:10001", got: "(none: root)"},
		{name: "boolean flag", change: policy.Change{Flag: "--read-only", Field: policy.FieldReadonlyRootfs, Value: "", Key: "read_only", Why: "default"}, id: "read_only", want: "true", got: "false"},
		{name: "cap_drop", change: policy.Change{Flag: "--cap-drop", Field: policy.FieldCapDrop, Value: "ALL", Key: "cap_drop", Why: "default"}, id: "cap_drop", want: "ALL", got: "(none)"},
		{name: "cap_add grants, never hardens", change: policy.Change{Flag: "--cap-add", Field: policy.FieldCapAdd, Value: "NET_BIND_SERVICE", Key: "cap_add", Why: "default"}, dropped: true},
		{name: "label", change: policy.Change{Flag: "--label", Field: policy.FieldLabels, Elem: "io.hardrun.profile", Value: "io.hardrun.profile=default@sha256:1", Key: "", Why: "label"}, dropped: true},
		{name: "resolved path only", change: policy.Change{Flag: "-v", Field: policy.FieldBinds, Elem: "/data", Value: "/srv:/data", Key: "", Why: "resolved"}, dropped: true},
		{name: "bind mode", change: policy.Change{Flag: "-v", Field: policy.FieldBinds, Elem: "/data", Value: "/srv:/data:ro", Key: "volumes.default_mode", Why: "default"}, id: "volumes.default_mode", want: "/srv:/data:ro", got: "bind /srv:/data:rw"},
		{name: "anonymous volume", change: policy.Change{Flag: "-v", Field: policy.FieldVolumes, Elem: "/cache", Value: "/cache:ro", Key: "volumes.default_mode", Why: "default"}, want: "/cache:ro", got: "volume 3f2a:/cache:rw"},
		{name: "mount", change: policy.Change{Flag: "--mount", Field: policy.FieldMounts, Elem: "/cache", Value: "type=volume,target=/cache,readonly", Key: "volumes.default_mode", Why: "image VOLUME"}, got: "volume 3f2a:/cache:rw"},
		{name: "tmpfs", change: policy.Change{Flag: "--tmpfs", Field: policy.FieldTmpfs, Elem: "/tmp", Value: "/tmp:rw,noexec", Key: "tmpfs", Why: "default"}, got: "(none)"},
		{name: "network", change: policy.Change{Flag: "--network", Field: policy.FieldNetworkMode, Value: "hardrun-isolated", Key: "network.default", Why: "default"}, got: "bridge (the engine's default)"},
		{name: "publish", change: policy.Change{Flag: "-p", Field: policy.FieldPortBindings, Elem: "80/tcp", Value: "127.0.0.1:8080:80/tcp", Key: "network.publish_host_ip", Why: "default"}, got: "0.0.0.0:8080->80/tcp"},
		{name: "memory", change: policy.Change{Flag: "--memory", Field: policy.FieldMemory, Value: "512m", Key: "limits.memory", Why: "default"}, got: "0 (unlimited)"},
		{name: "cpus", change: policy.Change{Flag: "--cpus", Field: policy.FieldNanoCPUs, Value: "1.0", Key: "limits.cpus", Why: "default"}, got: "0 (unlimited)"},
		{name: "cpu shares", change: policy.Change{Flag: "--cpu-shares", Field: policy.FieldCPUShares, Value: "512", Key: "limits.cpu_shares", Why: "default"}, got: "0 (the engine's 1024)"},
		{name: "pids", change: policy.Change{Flag: "--pids-limit", Field: policy.FieldPidsLimit, Value: "256", Key: "limits.pids", Why: "default"}, got: "(none: unlimited)"},
		{name: "ulimit", change: policy.Change{Flag: "--ulimit", Field: policy.FieldUlimits, Elem: "nofile", Value: "nofile=1024:1024", Key: "limits.ulimits", Why: "default"}, got: "(none)"},
		{name: "init", change: policy.Change{Flag: "--init", Field: policy.FieldInit, Value: "", Key: "init", Why: "default"}, want: "true", got: "(none)"},
		{name: "log driver already right", change: policy.Change{Flag: "--log-driver", Field: policy.FieldLogDriver, Value: "json-file", Key: "logging.driver", Why: "default"}, dropped: true},
		{name: "log option", change: policy.Change{Flag: "--log-opt", Field: policy.FieldLogOptions, Elem: "max-size", Value: "max-size=10m", Key: "logging.options", Why: "default"}, got: "(none)"},
		{name: "no-new-privileges", change: policy.Change{Flag: "--security-opt", Field: policy.FieldSecurityOpt, Elem: "no-new-privileges", Value: "no-new-privileges:true", Key: "no_new_privileges", Why: "default"}, got: "(none)"},
		{name: "seccomp", change: policy.Change{Flag: "--security-opt", Field: policy.FieldSecurityOpt, Elem: "seccomp", Value: "seccomp=<generated: base default, 9 denied, 0 allowed>", Key: "seccomp", Why: "default"}, got: "(none: the engine's default profile)"},
		{name: "apparmor", change: policy.Change{Flag: "--security-opt", Field: policy.FieldSecurityOpt, Elem: "apparmor", Value: "apparmor=hardrun-default", Key: "apparmor", Why: "default"}, got: "AppArmorProfile=docker-default"},
		{name: "unknown flag", change: policy.Change{Flag: "--stop-timeout", Field: policy.Field("Config.StopTimeout"), Value: "10", Key: "stop", Why: "default"}, got: "(none)"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fs := ProfileFindings(plain(), Policy{Changes: []policy.Change{tc.change}})
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
	fs := ProfileFindings(plain(), Policy{Refusals: []policy.Refusal{
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
		Refusals: []policy.Refusal{{Item: "--security-opt seccomp=unconfined", Field: policy.FieldSecurityOpt, Elem: "seccomp", Key: "seccomp.base: default"}},
		Changes: []policy.Change{
			{Flag: "--security-opt", Field: policy.FieldSecurityOpt, Elem: "seccomp", Value: "seccomp=<generated>", Key: "seccomp", Why: "default"},
			{Flag: "--security-opt", Field: policy.FieldSecurityOpt, Elem: "no-new-privileges", Value: "no-new-privileges:true", Key: "no_new_privileges", Why: "default"},
		},
	})
	if len(fs) != 2 || fs[0].ID != "seccomp.base" || fs[1].ID != "no_new_privileges" {
		t.Errorf("got %+v, want the refusal and the no-new-privileges change", fs)
	}
}

func TestCurrentSecurityOptSummarizesJSON(t *testing.T) {
	c := plain()
	c.HostConfig.SecurityOpt = []string{`seccomp={"defaultAction":"SCMP_ACT_ERRNO"}`}
	got := current(c, policy.Change{Field: policy.FieldSecurityOpt, Elem: "seccomp", Value: "seccomp=<generated>"})
	if !strings.HasPrefix(got, "seccomp=<profile JSON, 34 bytes, sha256:") || len(got) != len("seccomp=<profile JSON, 34 bytes, sha256:>")+12 {
		t.Errorf("got %q, want the size and a short hash", got)
	}
}

func TestCurrentPublishExplicitIP(t *testing.T) {
	c := plain()
	c.HostConfig.PortBindings = network.PortMap{mustPort("80/tcp"): {{HostIP: netip.MustParseAddr("::1"), HostPort: "8080"}}}
	if got := current(c, policy.Change{Field: policy.FieldPortBindings, Elem: "80/tcp", Value: "127.0.0.1:8080:80/tcp"}); got != "[::1]:8080->80/tcp" {
		t.Errorf("got %q", got)
	}
	c.HostConfig.PortBindings, c.HostConfig.PublishAllPorts = nil, true
	if got := current(c, policy.Change{Field: policy.FieldPortBindings, Elem: "80/tcp", Value: "127.0.0.1::80/tcp"}); got != "-P: every interface" {
		t.Errorf("got %q", got)
	}
}
