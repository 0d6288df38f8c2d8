package audit

import (
	"slices"
	"strings"
	"testing"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/mount"

	"github.com/hardrun/hardrun/policy"
)

// outcome is a check's expected verdict.
type outcome int

const (
	passes outcome = iota
	fails
	skipped
)

func (o outcome) String() string { return [...]string{"pass", "fail", "skip"}[o] }

func check(t *testing.T, id string) Check {
	t.Helper()
	i := slices.IndexFunc(Checks, func(c Check) bool { return c.ID == id })
	if i < 0 {
		t.Fatalf("no check %s", id)
	}
	return Checks[i]
}

type cisCase struct {
	name string
	mods []func(*Input)
	want outcome
	got  string // a substring of the finding's got, when set
}

// runCIS runs one check on each case, in a named subtest.
func runCIS(t *testing.T, id string, cases []cisCase) {
	t.Helper()
	c := check(t, id)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			v := c.judge(input(tc.mods...))
			got := passes
			switch {
			case v.skipped:
				got = skipped
			case !v.pass:
				got = fails
			}
			if got != tc.want {
				t.Errorf("CIS %s: %s, want %s (want %q, got %q)", id, got, tc.want, v.want, v.got)
			}
			if tc.got != "" && !strings.Contains(v.got, tc.got) {
				t.Errorf("CIS %s: got %q, want it to mention %q", id, v.got, tc.got)
			}
		})
	}
}

func TestHardenedPassesEveryCheck(t *testing.T) {
	for _, f := range cisFindings(input(exposing())) {
		if !f.Pass || f.Skipped {
			t.Errorf("CIS %s %s: pass %v skipped %v (want %q, got %q)", f.ID, f.Title, f.Pass, f.Skipped, f.Want, f.Got)
		}
	}
}

func TestChecksTable(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range Checks {
		if seen[c.ID] {
			t.Errorf("check %s twice", c.ID)
		}
		seen[c.ID] = true
		if !strings.HasPrefix(c.ID, "5.") || !strings.HasPrefix(c.Title, "Ensure ") || c.judge == nil {
			t.Errorf("check %q %q: want a section 5 number, the benchmark's title and a judge", c.ID, c.Title)
		}
		switch c.Severity {
		case High, Medium, Low:
		default:
			t.Errorf("check %s: severity %q", c.ID, c.Severity)
		}
	}
	for _, id := range []string{"5.1", "5.7", "5.23", "5.24", "5.28"} {
		if seen[id] {
			t.Errorf("check %s cannot be judged from inspect data but is in the table", id)
		}
	}
}

func TestMissingConfigFailsEveryCheck(t *testing.T) {
	for _, f := range cisFindings(&Input{Container: container.InspectResponse{ID: "x"}}) {
		if f.Pass {
			t.Errorf("CIS %s passed without inspect data", f.ID)
		}
	}
}

func TestCIS_5_2_AppArmor(t *testing.T) {
	runCIS(t, "5.2", []cisCase{
		{name: "profile applied", want: passes},
		{name: "no profile", mods: []func(*Input){func(in *Input) { in.Container.AppArmorProfile = "" }}, want: fails},
		{name: "unconfined", mods: []func(*Input){func(in *Input) { in.Container.AppArmorProfile = "unconfined" }}, want: fails, got: "unconfined"},
		{name: "engine without AppArmor", mods: []func(*Input){engine(policy.EngineFacts{Seccomp: true}), func(in *Input) { in.Container.AppArmorProfile = "" }}, want: skipped},
	})
}

func TestCIS_5_3_SELinux(t *testing.T) {
	runCIS(t, "5.3", []cisCase{
		{name: "labelled", want: passes},
		{name: "label=disable", mods: []func(*Input){withHC(func(hc *container.HostConfig) { hc.SecurityOpt = append(hc.SecurityOpt, "label=disable") })}, want: fails, got: "label=disable"},
		{name: "label:disable old spelling", mods: []func(*Input){withHC(func(hc *container.HostConfig) { hc.SecurityOpt = []string{"label:disable"} })}, want: fails},
		{name: "no process label", mods: []func(*Input){func(in *Input) { in.Container.ProcessLabel = "" }}, want: fails},
		{name: "engine without SELinux", mods: []func(*Input){engine(policy.EngineFacts{Seccomp: true}), func(in *Input) { in.Container.ProcessLabel = "" }}, want: skipped},
	})
}

func TestCIS_5_4_Capabilities(t *testing.T) {
	caps := func(c ...string) func(*Input) {
		return withHC(func(hc *container.HostConfig) { hc.CapAdd = c })
	}
	runCIS(t, "5.4", []cisCase{
		{name: "default set member", want: passes},
		{name: "none added", mods: []func(*Input){caps()}, want: passes},
		{name: "lower case default", mods: []func(*Input){caps("net_raw", "chown")}, want: passes},
		{name: "SYS_ADMIN", mods: []func(*Input){caps("CAP_SYS_ADMIN")}, want: fails, got: "SYS_ADMIN"},
		{name: "ALL", mods: []func(*Input){caps("ALL")}, want: fails, got: "ALL"},
		{name: "sys_ptrace without prefix", mods: []func(*Input){caps("sys_ptrace")}, want: fails, got: "SYS_PTRACE"},
	})
}

func TestCIS_5_5_Privileged(t *testing.T) {
	runCIS(t, "5.5", []cisCase{
		{name: "unprivileged", want: passes},
		{name: "privileged", mods: []func(*Input){withHC(func(hc *container.HostConfig) { hc.Privileged = true })}, want: fails},
	})
}

func TestCIS_5_6_SensitiveMounts(t *testing.T) {
	runCIS(t, "5.6", []cisCase{
		{name: "no binds", want: passes},
		{name: "data bind rw", mods: []func(*Input){withMounts(bindMount("/srv/data", "/data", true))}, want: passes},
		{name: "etc rw", mods: []func(*Input){withMounts(bindMount("/etc", "/host-etc", true))}, want: fails, got: "/etc:/host-etc:rw"},
		{name: "etc read-only", mods: []func(*Input){withMounts(bindMount("/etc", "/host-etc", false))}, want: passes, got: "/etc:/host-etc:ro"},
		{name: "root rw", mods: []func(*Input){withMounts(bindMount("/", "/host", true))}, want: fails},
		{name: "under usr rw", mods: []func(*Input){withMounts(bindMount("/usr/local/bin", "/x", true))}, want: fails},
		{name: "trailing slash", mods: []func(*Input){withMounts(bindMount("/proc/", "/p", true))}, want: fails},
		{name: "prefix is not a parent", mods: []func(*Input){withMounts(bindMount("/etcetera", "/x", true))}, want: passes},
		{name: "volume at /etc", mods: []func(*Input){withMounts(container.MountPoint{Type: mount.TypeVolume, Name: "v", Source: "/var/lib/docker/volumes/v/_data", Destination: "/etc", RW: true})}, want: passes},
	})
}

func TestCIS_5_8_PrivilegedPorts(t *testing.T) {
	runCIS(t, "5.8", []cisCase{
		{name: "nothing published", want: passes},
		{name: "8080", mods: []func(*Input){published("80/tcp", "127.0.0.1", "8080")}, want: passes},
		{name: "80", mods: []func(*Input){published("80/tcp", "127.0.0.1", "80")}, want: fails, got: "127.0.0.1:80->80/tcp"},
		{name: "1023", mods: []func(*Input){published("53/udp", "", "1023")}, want: fails},
		{name: "1024 is not privileged", mods: []func(*Input){published("80/tcp", "", "1024")}, want: passes},
		{name: "random host port", mods: []func(*Input){published("80/tcp", "127.0.0.1", "")}, want: passes},
		{name: "asked, not running", mods: []func(*Input){
			published("80/tcp", "", "443"),
			func(in *Input) { in.Container.State.Running, in.Container.NetworkSettings.Ports = false, nil },
		}, want: fails},
	})
}

func TestCIS_5_9_NeededPorts(t *testing.T) {
	runCIS(t, "5.9", []cisCase{
		{name: "nothing published", want: passes},
		{name: "exposed by the image", mods: []func(*Input){exposing("80/tcp"), published("80/tcp", "127.0.0.1", "8080")}, want: passes},
		{name: "not exposed", mods: []func(*Input){exposing("80/tcp"), published("22/tcp", "127.0.0.1", "2222")}, want: fails, got: "22/tcp"},
		{name: "other protocol", mods: []func(*Input){exposing("53/tcp"), published("53/udp", "127.0.0.1", "5353")}, want: fails},
		{name: "image unknown", mods: []func(*Input){published("80/tcp", "127.0.0.1", "8080")}, want: skipped},
	})
}

func TestCIS_HostNamespaces(t *testing.T) {
	for _, ns := range []struct {
		id  string
		set func(*container.HostConfig, string)
	}{
		{"5.10", func(hc *container.HostConfig, m string) { hc.NetworkMode = container.NetworkMode(m) }},
		{"5.16", func(hc *container.HostConfig, m string) { hc.PidMode = container.PidMode(m) }},
		{"5.17", func(hc *container.HostConfig, m string) { hc.IpcMode = container.IpcMode(m) }},
		{"5.21", func(hc *container.HostConfig, m string) { hc.UTSMode = container.UTSMode(m) }},
		{"5.31", func(hc *container.HostConfig, m string) { hc.UsernsMode = container.UsernsMode(m) }},
	} {
		mode := func(m string) []func(*Input) {
			return []func(*Input){withHC(func(hc *container.HostConfig) { ns.set(hc, m) })}
		}
		t.Run(ns.id, func(t *testing.T) {
			runCIS(t, ns.id, []cisCase{
				{name: "private", mods: mode(""), want: passes},
				{name: "host", mods: mode("host"), want: fails, got: "=host"},
				{name: "another container's", mods: mode("container:db"), want: passes},
			})
		})
	}
}

func TestCIS_5_11_Memory(t *testing.T) {
	runCIS(t, "5.11", []cisCase{
		{name: "limited", want: passes, got: "512m"},
		{name: "unlimited", mods: []func(*Input){withHC(func(hc *container.HostConfig) { hc.Memory = 0 })}, want: fails},
	})
}

func TestCIS_5_12_CPU(t *testing.T) {
	cpu := func(shares, nano, quota int64) []func(*Input) {
		return []func(*Input){withHC(func(hc *container.HostConfig) { hc.CPUShares, hc.NanoCPUs, hc.CPUQuota = shares, nano, quota })}
	}
	runCIS(t, "5.12", []cisCase{
		{name: "shares and cpus", want: passes},
		{name: "shares only", mods: cpu(512, 0, 0), want: passes},
		{name: "cpus only", mods: cpu(0, 5e8, 0), want: passes},
		{name: "quota only", mods: cpu(0, 0, 50000), want: passes},
		{name: "nothing", mods: cpu(0, 0, 0), want: fails},
		{name: "the engine's 1024", mods: cpu(1024, 0, 0), want: fails},
	})
}

func TestCIS_5_13_ReadOnly(t *testing.T) {
	runCIS(t, "5.13", []cisCase{
		{name: "read-only", want: passes},
		{name: "writable", mods: []func(*Input){withHC(func(hc *container.HostConfig) { hc.ReadonlyRootfs = false })}, want: fails},
	})
}

func TestCIS_5_14_HostInterface(t *testing.T) {
	runCIS(t, "5.14", []cisCase{
		{name: "nothing published", want: passes},
		{name: "loopback", mods: []func(*Input){published("80/tcp", "127.0.0.1", "8080")}, want: passes},
		{name: "every IPv4 interface", mods: []func(*Input){published("80/tcp", "0.0.0.0", "8080")}, want: fails, got: "0.0.0.0:8080"},
		{name: "every IPv6 interface", mods: []func(*Input){published("80/tcp", "::", "8080")}, want: fails, got: "[::]:8080"},
		{name: "asked without an IP, not running", mods: []func(*Input){
			published("80/tcp", "", "8080"),
			func(in *Input) { in.Container.State.Running, in.Container.NetworkSettings.Ports = false, nil },
		}, want: fails},
		{name: "-P, not running", mods: []func(*Input){func(in *Input) {
			in.Container.State.Running = false
			in.Container.HostConfig.PublishAllPorts = true
			in.Container.Config.ExposedPorts = map[containerPort]struct{}{mustPort("80/tcp"): {}}
		}}, want: fails},
	})
}

func TestCIS_5_15_Restart(t *testing.T) {
	restart := func(name container.RestartPolicyMode, n int) []func(*Input) {
		return []func(*Input){withHC(func(hc *container.HostConfig) {
			hc.RestartPolicy = container.RestartPolicy{Name: name, MaximumRetryCount: n}
		})}
	}
	runCIS(t, "5.15", []cisCase{
		{name: "no", want: passes},
		{name: "unset", mods: restart("", 0), want: passes},
		{name: "on-failure 5", mods: restart(container.RestartPolicyOnFailure, 5), want: passes},
		{name: "on-failure 6", mods: restart(container.RestartPolicyOnFailure, 6), want: fails},
		{name: "on-failure unbounded", mods: restart(container.RestartPolicyOnFailure, 0), want: fails},
		{name: "always", mods: restart(container.RestartPolicyAlways, 0), want: fails, got: "always"},
		{name: "unless-stopped", mods: restart(container.RestartPolicyUnlessStopped, 0), want: fails},
	})
}

func TestCIS_5_18_Devices(t *testing.T) {
	runCIS(t, "5.18", []cisCase{
		{name: "none", want: passes},
		{name: "device", mods: []func(*Input){withHC(func(hc *container.HostConfig) {
			hc.Devices = []container.DeviceMapping{{PathOnHost: "/dev/fuse", PathInContainer: "/dev/fuse", CgroupPermissions: "rwm"}}
		})}, want: fails, got: "/dev/fuse"},
		{name: "gpus", mods: []func(*Input){withHC(func(hc *container.HostConfig) {
			hc.DeviceRequests = []container.DeviceRequest{{Driver: "nvidia", Count: -1}}
		})}, want: fails, got: "gpus:nvidia"},
	})
}

func TestCIS_5_19_Ulimits(t *testing.T) {
	runCIS(t, "5.19", []cisCase{
		{name: "set", want: passes, got: "nofile=1024:1024"},
		{name: "none", mods: []func(*Input){withHC(func(hc *container.HostConfig) { hc.Ulimits = []*container.Ulimit{} })}, want: fails},
	})
}

func TestCIS_5_20_Propagation(t *testing.T) {
	prop := func(p mount.Propagation) []func(*Input) {
		m := bindMount("/srv", "/srv", false)
		m.Propagation = p
		return []func(*Input){withMounts(m)}
	}
	runCIS(t, "5.20", []cisCase{
		{name: "rprivate", mods: prop(mount.PropagationRPrivate), want: passes},
		{name: "rslave", mods: prop(mount.PropagationRSlave), want: passes},
		{name: "shared", mods: prop(mount.PropagationShared), want: fails},
		{name: "rshared", mods: prop(mount.PropagationRShared), want: fails, got: "/srv:rshared"},
	})
}

func TestCIS_5_22_Seccomp(t *testing.T) {
	opts := func(o ...string) func(*Input) {
		return withHC(func(hc *container.HostConfig) { hc.SecurityOpt = o })
	}
	runCIS(t, "5.22", []cisCase{
		{name: "custom profile", want: passes, got: "custom"},
		{name: "engine default", mods: []func(*Input){opts()}, want: passes, got: "engine's default"},
		{name: "unconfined", mods: []func(*Input){opts("seccomp=unconfined")}, want: fails},
		{name: "unconfined old spelling", mods: []func(*Input){opts("seccomp:unconfined")}, want: fails},
		{name: "privileged", mods: []func(*Input){opts(), withHC(func(hc *container.HostConfig) { hc.Privileged = true })}, want: fails, got: "privileged"},
		{name: "engine without seccomp", mods: []func(*Input){opts(), engine(policy.EngineFacts{})}, want: fails},
	})
}

func TestCIS_5_25_CgroupParent(t *testing.T) {
	runCIS(t, "5.25", []cisCase{
		{name: "engine's", want: passes},
		{name: "parent", mods: []func(*Input){withHC(func(hc *container.HostConfig) { hc.CgroupParent = "/custom" })}, want: fails, got: "/custom"},
	})
}

func TestCIS_5_26_NoNewPrivileges(t *testing.T) {
	opts := func(o ...string) func(*Input) {
		return withHC(func(hc *container.HostConfig) { hc.SecurityOpt = o })
	}
	runCIS(t, "5.26", []cisCase{
		{name: "colon form", want: passes},
		{name: "bare", mods: []func(*Input){opts("no-new-privileges")}, want: passes},
		{name: "equals 1", mods: []func(*Input){opts("no-new-privileges=1")}, want: passes},
		{name: "false", mods: []func(*Input){opts("no-new-privileges=false")}, want: fails},
		{name: "not a boolean", mods: []func(*Input){opts("no-new-privileges=maybe")}, want: fails},
		{name: "absent", mods: []func(*Input){opts()}, want: fails},
		{name: "engine default", mods: []func(*Input){opts(), engine(policy.EngineFacts{Seccomp: true, NoNewPrivileges: true})}, want: passes},
		{name: "engine default overridden", mods: []func(*Input){opts("no-new-privileges=false"), engine(policy.EngineFacts{NoNewPrivileges: true})}, want: fails},
	})
}

func TestCIS_5_27_Health(t *testing.T) {
	health := func(test ...string) func(*Input) {
		return func(in *Input) { in.Container.Config.Healthcheck = &container.HealthConfig{Test: test} }
	}
	runCIS(t, "5.27", []cisCase{
		{name: "configured", want: passes},
		{name: "none", mods: []func(*Input){func(in *Input) { in.Container.Config.Healthcheck = nil }}, want: fails},
		{name: "disabled", mods: []func(*Input){health("NONE")}, want: fails},
		{name: "empty test inherits nothing", mods: []func(*Input){health()}, want: fails},
		{name: "state only", mods: []func(*Input){func(in *Input) {
			in.Container.Config.Healthcheck = nil
			in.Container.State.Health = &container.Health{Status: container.Healthy}
		}}, want: passes},
	})
}

func TestCIS_5_29_Pids(t *testing.T) {
	pids := func(p *int64) []func(*Input) {
		return []func(*Input){withHC(func(hc *container.HostConfig) { hc.PidsLimit = p })}
	}
	zero, minus := int64(0), int64(-1)
	runCIS(t, "5.29", []cisCase{
		{name: "limited", want: passes},
		{name: "null", mods: pids(nil), want: fails},
		{name: "zero", mods: pids(&zero), want: fails},
		{name: "unlimited", mods: pids(&minus), want: fails, got: "-1"},
	})
}

func TestCIS_5_30_DefaultBridge(t *testing.T) {
	nets := func(mode string, names ...string) []func(*Input) {
		return []func(*Input){func(in *Input) {
			in.Container.HostConfig.NetworkMode = container.NetworkMode(mode)
			in.Container.NetworkSettings.Networks = map[string]*networkEndpoint{}
			for _, n := range names {
				in.Container.NetworkSettings.Networks[n] = &networkEndpoint{}
			}
		}}
	}
	runCIS(t, "5.30", []cisCase{
		{name: "user-defined", want: passes},
		{name: "default bridge", mods: nets("default", "bridge"), want: fails},
		{name: "connected to bridge too", mods: nets("front", "front", "bridge"), want: fails, got: "bridge,front"},
		{name: "created, not connected", mods: nets("default"), want: fails},
		{name: "none", mods: nets("none", "none"), want: passes},
		{name: "host", mods: nets("host", "host"), want: passes},
	})
}

func TestCIS_5_32_DockerSocket(t *testing.T) {
	runCIS(t, "5.32", []cisCase{
		{name: "none", want: passes},
		{name: "socket", mods: []func(*Input){withMounts(bindMount("/run/docker.sock", "/var/run/docker.sock", true))}, want: fails},
		{name: "read-only socket", mods: []func(*Input){withMounts(bindMount("/var/run/docker.sock", "/sock", false))}, want: fails},
		{name: "directory holding it", mods: []func(*Input){withMounts(bindMount("/run", "/host-run", false))}, want: passes},
	})
}
