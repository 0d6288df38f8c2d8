package probe

import (
	"slices"
	"testing"
)

func TestFailures(t *testing.T) {
	r := Report{UID: 0, GID: 0, Attempts: []Attempt{
		{Name: AttemptWriteVolume, Target: "/data", Result: ResultAllowed},
		{Name: AttemptWriteVolume, Target: "/ro", Result: ResultAllowed},
		{Name: AttemptSysrqTrigger, Target: "/proc/sysrq-trigger", Result: ResultBlocked},
	}}
	got := r.Failures(Permitted{Writable: map[string]bool{"/data": true}})
	if want := []string{"write-volume /ro: ALLOWED", "runs as uid 0", "runs with gid 0"}; !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
	r.Attempts = r.Attempts[:1]
	if got := r.Failures(Permitted{Writable: map[string]bool{"/data": true}, Root: true, RootGroup: true}); len(got) != 0 {
		t.Errorf("got %q, want none", got)
	}
}

// TestFailuresEffects: each effect the probe reads fails the verdict on
// its own, and only what the profile permits is let through.
func TestFailuresEffects(t *testing.T) {
	user := func() Report {
		return Report{UID: 1234, GID: 1234, EUID: 1234, EGID: 1234, Groups: []int{1234},
			IDs: IDs{UID: []int{1234, 1234, 1234, 1234}, GID: []int{1234, 1234, 1234, 1234}}, CgroupNS: CgroupNS{Mode: CgroupNSPrivate}}
	}
	tests := []struct {
		name   string
		mod    func(*Report)
		permit Permitted
		want   []string
	}{
		{name: "plain user", mod: func(*Report) {}},
		{name: "supplementary group 0", mod: func(r *Report) { r.Groups = []int{0, 1234} }, want: []string{"has supplementary group 0"}},
		{name: "supplementary group 0 permitted", mod: func(r *Report) { r.Groups = []int{0, 1234} }, permit: Permitted{RootGroup: true}},
		{name: "saved uid 0", mod: func(r *Report) { r.IDs.UID = []int{1234, 1234, 0, 1234} }, want: []string{"runs as uid 0"}},
		{name: "fs gid 0", mod: func(r *Report) { r.IDs.GID = []int{1234, 1234, 1234, 0} }, want: []string{"runs with gid 0"}},
		{name: "no status ids: syscall ids", mod: func(r *Report) { r.IDs = IDs{}; r.EGID = 0 }, want: []string{"runs with gid 0"}},
		{name: "engine API", mod: func(r *Report) {
			r.Sockets = []Socket{{Path: "/x/s", DockerAPI: true}, {Path: "/y/other"}}
		}, want: []string{"the engine's API is reachable at /x/s"}},
		{name: "host procfs", mod: func(r *Report) {
			r.HostFS = []HostFS{{MountPoint: "/hostproc", FSType: "proc", Source: "proc", Why: "proc outside /proc"}}
		}, want: []string{"host file system at /hostproc: proc outside /proc (proc from proc)"}},
		{name: "host cgroupns", mod: func(r *Report) { r.CgroupNS = CgroupNS{Mode: CgroupNSHost, Why: "w"} },
			want: []string{"shares the host's cgroup namespace: w"}},
		{name: "host cgroupns permitted", mod: func(r *Report) { r.CgroupNS = CgroupNS{Mode: CgroupNSHost} }, permit: Permitted{HostCgroupns: true}},
		{name: "unknown cgroupns", mod: func(r *Report) { r.CgroupNS = CgroupNS{Mode: CgroupNSUnknown} }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := user()
			tt.mod(&r)
			if got := r.Failures(tt.permit); !slices.Equal(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}
