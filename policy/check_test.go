package policy

import (
	"slices"
	"strings"
	"testing"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/mount"
	"github.com/moby/moby/api/types/network"
)

// engineRecord is what a faithful engine records for the plan's request.
// It reads binds and security options its own simple way (fakeBind, a cut
// at "="), never with ParseBind or ParseSecurityOpt: a fake that shares the
// production parser agrees with its mistakes.
func engineRecord(p *Plan) container.InspectResponse {
	r := copyRequest(p.Request)
	got := container.InspectResponse{ID: "c0ffee", Config: r.Config, HostConfig: r.HostConfig}
	for _, raw := range r.HostConfig.Binds {
		src, dst, rw := fakeBind(raw)
		mp := container.MountPoint{Type: mount.TypeVolume, Name: src, Destination: dst, RW: rw}
		if strings.HasPrefix(src, "/") {
			mp = container.MountPoint{Type: mount.TypeBind, Source: src, Destination: dst, RW: rw}
		}
		got.Mounts = append(got.Mounts, mp)
	}
	for _, m := range r.HostConfig.Mounts { // the engine lists --mount type=tmpfs too
		got.Mounts = append(got.Mounts, container.MountPoint{Type: m.Type, Source: m.Source, Destination: m.Target, RW: !m.ReadOnly})
	}
	for _, o := range r.HostConfig.SecurityOpt {
		if name, ok := strings.CutPrefix(o, "apparmor="); ok {
			got.AppArmorProfile = name
		}
	}
	return got
}

// fakeBind reads the binds the plans of these tests hold: SRC:DST:MODE
// (the judge always names a resolved source's mode) or DST[:MODE].
func fakeBind(raw string) (src, dst string, rw bool) {
	parts := strings.Split(raw, ":")
	rw = true
	if last := parts[len(parts)-1]; len(parts) > 1 && !strings.HasPrefix(last, "/") {
		rw = !slices.Contains(strings.Split(last, ","), "ro")
		parts = parts[:len(parts)-1]
	}
	if len(parts) == 2 {
		return parts[0], parts[1], rw
	}
	return "", parts[0], rw
}

func checkPlan(t *testing.T, profile string, mods ...mod) *Plan {
	t.Helper()
	plan, err := Evaluate(build(mods...), testProfile(profile), ImageFacts{Volumes: []string{"/var/lib/app"}}, testHost())
	if err != nil {
		t.Fatal(err)
	}
	return plan
}

func TestCheck(t *testing.T) {
	cases := []struct {
		name    string
		profile string
		mods    []mod
		engine  func(got *container.InspectResponse)
		want    []Mismatch
	}{
		{name: "faithful engine", profile: "default", mods: []mod{binds("./data:/data"), publish("80/tcp", "", "8080")}},
		{name: "capabilities in the engine's spelling", profile: "default", engine: func(g *container.InspectResponse) {
			g.HostConfig.CapDrop, g.HostConfig.CapAdd = []string{"all"}, []string{"CAP_NET_BIND_SERVICE"}
		}},
		{name: "engine dropped cap_drop", profile: "default", engine: func(g *container.InspectResponse) { g.HostConfig.CapDrop = nil },
			want: []Mismatch{{"cap_drop", "ALL", ""}}},
		{name: "engine added a capability", profile: "default", engine: func(g *container.InspectResponse) {
			g.HostConfig.CapAdd = append(g.HostConfig.CapAdd, "SYS_ADMIN")
		}, want: []Mismatch{{"cap_add", "NET_BIND_SERVICE", "NET_BIND_SERVICE,SYS_ADMIN"}}},
		{name: "engine ignored read-only", profile: "default", engine: func(g *container.InspectResponse) { g.HostConfig.ReadonlyRootfs = false },
			want: []Mismatch{{"read_only", "true", "false"}}},
		{name: "engine dropped no-new-privileges", profile: "default", engine: func(g *container.InspectResponse) {
			g.HostConfig.SecurityOpt = slices.DeleteFunc(g.HostConfig.SecurityOpt, func(s string) bool { return strings.HasPrefix(s, "no-new") })
		}, want: []Mismatch{{"security_opt no-new-privileges", "no-new-privileges:true", absent}}},
		{name: "engine recorded another seccomp profile", profile: "default", engine: func(g *container.InspectResponse) {
			for i, s := range g.HostConfig.SecurityOpt {
				if strings.HasPrefix(s, "seccomp=") {
					g.HostConfig.SecurityOpt[i] = "seccomp=unconfined"
				}
			}
		}, want: []Mismatch{{"security_opt seccomp", "", "seccomp=unconfined"}}},
		{name: "engine did not apply the AppArmor profile", profile: "default", engine: func(g *container.InspectResponse) { g.AppArmorProfile = "" },
			want: []Mismatch{{"apparmor", "hardrun-default", absent}}},
		{name: "engine mounted a bind rw", profile: "default", mods: []mod{binds("/srv/data:/data")}, engine: func(g *container.InspectResponse) {
			g.Mounts[0].RW = true
		}, want: []Mismatch{{"mount /data", "bind /srv/data ro", "bind /srv/data rw"}}},
		{name: "engine mounted another source", profile: "default", mods: []mod{binds("/srv/data:/data")}, engine: func(g *container.InspectResponse) {
			g.Mounts[0].Source = "/etc"
		}, want: []Mismatch{{"mount /data", "bind /srv/data ro", "bind /etc ro"}}},
		{name: "engine left out the image volume's mode", profile: "default", engine: func(g *container.InspectResponse) {
			g.Mounts = []container.MountPoint{{Type: mount.TypeVolume, Name: "abc", Destination: "/var/lib/app", RW: true}}
		}, want: []Mismatch{{"mount /var/lib/app", "tmpfs ro", "volume rw"}}},
		{name: "engine added a writable mount", profile: "default", engine: func(g *container.InspectResponse) {
			g.Mounts = append(g.Mounts, container.MountPoint{Type: mount.TypeVolume, Name: "x", Destination: "/extra", RW: true})
		}, want: []Mismatch{{"mount /extra", absent, "volume rw"}}},
		{name: "engine lost the tmpfs", profile: "default", engine: func(g *container.InspectResponse) { g.HostConfig.Tmpfs = nil },
			want: []Mismatch{{"tmpfs /tmp", "rw,noexec,nosuid,nodev,size=64m", absent}}},
		{name: "engine lost the limits", profile: "default", engine: func(g *container.InspectResponse) {
			g.HostConfig.Memory, g.HostConfig.PidsLimit, g.HostConfig.NanoCPUs = 0, nil, 0
		}, want: []Mismatch{{"memory", "512m", "0"}, {"cpus", "1", "0"}, {"pids", "256", absent}}},
		{name: "engine lost a ulimit", profile: "default", engine: func(g *container.InspectResponse) { g.HostConfig.Ulimits = g.HostConfig.Ulimits[1:] },
			want: []Mismatch{{"ulimit core", "0:0", absent}}},
		{name: "engine ran as root", profile: "default", engine: func(g *container.InspectResponse) { g.Config.User = "" },
			want: []Mismatch{{"user", "10001:10001", "(image default)"}}},
		{name: "engine published on every interface", profile: "default", mods: []mod{publish("80/tcp", "", "8080")},
			engine: func(g *container.InspectResponse) {
				g.HostConfig.PortBindings = network.PortMap{network.MustParsePort("80/tcp"): {{HostPort: "8080"}}}
			}, want: []Mismatch{{"publish 80/tcp", "127.0.0.1:8080:80/tcp", "8080:80/tcp"}}},
		{name: "engine on another network", profile: "default", engine: func(g *container.InspectResponse) { g.HostConfig.NetworkMode = "bridge" },
			want: []Mismatch{{"network", "hardrun-isolated", "bridge"}}},
		{name: "engine shares the host pid namespace", profile: "default", engine: func(g *container.InspectResponse) { g.HostConfig.PidMode = "host" },
			want: []Mismatch{{"pid", "(private)", "host"}}},
		{name: "engine privileged", profile: "default", engine: func(g *container.InspectResponse) { g.HostConfig.Privileged = true },
			want: []Mismatch{{"privileged", "false", "true"}}},
		{name: "engine lost the labels", profile: "default", engine: func(g *container.InspectResponse) { g.Config.Labels = nil },
			want: []Mismatch{{"label io.hardrun.profile", "", absent}, {"label io.hardrun.version", "1.0.0-test", absent}}},
		{name: "unconfined checks the labels only", profile: "unconfined", engine: func(g *container.InspectResponse) {
			g.HostConfig.ReadonlyRootfs, g.HostConfig.Privileged = true, true
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			plan := checkPlan(t, tc.profile, tc.mods...)
			got := engineRecord(plan)
			if tc.engine != nil {
				tc.engine(&got)
			}
			mm := Check(plan, got)
			if len(mm) != len(tc.want) {
				t.Fatalf("mismatches:\n got %+v\nwant %+v", mm, tc.want)
			}
			for i, w := range tc.want {
				g := mm[i]
				// An empty Want stands for a long value (a label, a seccomp profile).
				if g.Setting != w.Setting || g.Got != w.Got || (w.Want != "" && g.Want != w.Want) {
					t.Errorf("mismatch %d: got %+v, want %+v", i, g, w)
				}
			}
		})
	}
}

func TestCheckWithoutInspectData(t *testing.T) {
	plan := checkPlan(t, "default")
	if mm := Check(plan, container.InspectResponse{}); len(mm) != 1 || mm[0].Setting != "inspect" {
		t.Errorf("mismatches %+v", mm)
	}
}
