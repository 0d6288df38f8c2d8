package policy

import (
	"errors"
	"strings"
	"testing"

	"github.com/moby/moby/api/types/container"
)

func TestJudgeUpdate(t *testing.T) {
	pids := func(n int64) *int64 { return &n }
	nanoCur := &container.HostConfig{Resources: container.Resources{NanoCPUs: 1e9}}
	quotaCur := &container.HostConfig{Resources: container.Resources{CPUQuota: 100000, CPUPeriod: 100000}}
	tests := []struct {
		name   string
		set    []string
		r      container.Resources
		rp     container.RestartPolicy
		cur    *container.HostConfig
		refuse string
	}{
		{name: "memory within max", set: []string{"memory"}, r: container.Resources{Memory: 1 << 30}},
		{name: "memory above max", set: []string{"memory"}, r: container.Resources{Memory: 64 << 30}, refuse: "--memory 64g is not permitted (max.memory: 2g)"},
		{name: "memory 0 is unchanged", set: []string{"memory"}},
		{name: "pids unlimited", set: []string{"pids-limit"}, r: container.Resources{PidsLimit: pids(-1)}, refuse: "--pids-limit -1 is not permitted: it sets no limit (max.pids: 1024)"},
		{name: "pids above max", set: []string{"pids-limit"}, r: container.Resources{PidsLimit: pids(5000)}, refuse: "max.pids"},
		{name: "pids within max", set: []string{"pids-limit"}, r: container.Resources{PidsLimit: pids(100)}},
		{name: "cpus above max", set: []string{"cpus"}, r: container.Resources{NanoCPUs: 4e9}, cur: nanoCur, refuse: "--cpus 4 is not permitted: it allows 4 CPUs (max.cpus: 2.0)"},
		{name: "cpus within max", set: []string{"cpus"}, r: container.Resources{NanoCPUs: 15e8}, cur: nanoCur},
		{name: "quota -1 lifts a --cpus limit", set: []string{"cpu-quota"}, r: container.Resources{CPUQuota: -1}, cur: nanoCur, refuse: "it sets no CPU limit"},
		{name: "period alone rescales the quota", set: []string{"cpu-period"}, r: container.Resources{CPUPeriod: 1000}, cur: quotaCur, refuse: "--cpu-period 1000 is not permitted: it allows 100 CPUs"},
		{name: "quota within max", set: []string{"cpu-quota"}, r: container.Resources{CPUQuota: 150000}, cur: quotaCur},
		{name: "restart always", set: []string{"restart"}, rp: container.RestartPolicy{Name: "always"}, refuse: "--restart always is not permitted (restart_allow: [no, on-failure])"},
		{name: "restart on-failure", set: []string{"restart"}, rp: container.RestartPolicy{Name: "on-failure", MaximumRetryCount: 3}, cur: &container.HostConfig{ReadonlyRootfs: true}},
		{name: "restart on-failure, writable root file system", set: []string{"restart"}, rp: container.RestartPolicy{Name: "on-failure"}, refuse: "which a writable root file system lets the container rewrite to uid 0 or group 0 (read_only: true)"},
		{name: "no ceiling on shares", set: []string{"cpu-shares"}, r: container.Resources{CPUShares: 4096}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := UpdateRequest{Resources: tt.r, RestartPolicy: tt.rp, Set: map[string]bool{}}
			for _, f := range tt.set {
				u.Set[f] = true
			}
			err := JudgeUpdate(u, tt.cur, testProfile("default"))
			wantRefusal(t, err, tt.refuse)
		})
	}
}

func TestJudgeUpdateRestartWithHostBinds(t *testing.T) {
	p := testProfile("default")
	cur := &container.HostConfig{Binds: []string{"/srv/data:/x:ro"}}
	u := UpdateRequest{RestartPolicy: container.RestartPolicy{Name: "on-failure", MaximumRetryCount: 3}, Set: map[string]bool{"restart": true}}
	err := JudgeUpdate(u, cur, p)
	if err == nil || !strings.Contains(err.Error(), "mounts the bind of /srv/data by its path again") {
		t.Errorf("update --restart on a container with a host bind: %v", err)
	}
	if err := JudgeUpdate(u, &container.HostConfig{Binds: []string{"data:/x"}, ReadonlyRootfs: true}, p); err != nil {
		t.Errorf("update --restart on a container with a named volume: %v", err)
	}
}

// TestJudgeUpdateRestartWritableRootfs: a restart policy added later to a
// container that can rewrite its /etc/passwd and /etc/group would let the
// engine start it as whoever the files then name.
func TestJudgeUpdateRestartWritableRootfs(t *testing.T) {
	p := testProfile("default")
	u := UpdateRequest{RestartPolicy: container.RestartPolicy{Name: "on-failure"}, Set: map[string]bool{"restart": true}}
	err := JudgeUpdate(u, &container.HostConfig{ReadonlyRootfs: false}, p)
	if !errors.Is(err, ErrRefused) || !strings.Contains(err.Error(), "resolves its user again from /etc/passwd and /etc/group") ||
		!strings.Contains(err.Error(), "(read_only: true)") {
		t.Errorf("update --restart on-failure on a writable root file system: %v", err)
	}
	if err := JudgeUpdate(u, &container.HostConfig{ReadonlyRootfs: true}, p); err != nil {
		t.Errorf("update --restart on-failure on a read-only root file system: %v", err)
	}
}

// TestJudgeStartIdentity: the user a container starts as, from its files
// as they are at the start.
func TestJudgeStartIdentity(t *testing.T) {
	p := testProfile("default")
	cfg := &container.Config{User: "10001:10001"}
	hc := &container.HostConfig{}
	files := func(passwd, group string) UserFiles {
		return UserFiles{Passwd: []byte(passwd), HavePasswd: true, Group: []byte(group), HaveGroup: true}
	}
	tests := []struct {
		name   string
		cfg    *container.Config
		files  UserFiles
		err    error
		refuse string
	}{
		{name: "unchanged", cfg: cfg, files: files("app:x:10001:10001::/:/bin/sh\n", "app:x:10001:\n")},
		{name: "a group named after the gid, with gid 0", cfg: cfg, files: files("app:x:10001:10001::/:/bin/sh\n", "10001:x:0:\n"),
			refuse: "it now resolves to group 0 in the container's /etc/passwd and /etc/group (allow_root_group: false)"},
		{name: "the user's entry rewritten to uid 0", cfg: &container.Config{User: "app"}, files: files("app:x:0:0::/:/bin/sh\n", ""),
			refuse: "it now resolves to uid 0 in the container's /etc/passwd (allow_root: false)"},
		{name: "files unreadable", cfg: cfg, err: errors.New("read /etc/group: a link out of the container"),
			refuse: "cannot be judged: read /etc/group: a link out of the container"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := JudgeStartIdentity(tt.cfg, hc, tt.files, tt.err, false, p)
			wantRefusal(t, err, tt.refuse)
		})
	}
	root := testProfile("default")
	root.AllowRoot, root.AllowRootGroup = true, true
	if err := JudgeStartIdentity(cfg, hc, files("app:x:0:0::/:/bin/sh\n", "10001:x:0:\n"), nil, true, root); err != nil {
		t.Errorf("a profile that permits root: %v", err)
	}
	err := JudgeStartIdentity(cfg, hc, files("app:x:10001:10001::/:/bin/sh\n", "app:x:10001:\n"), nil, true, p)
	if !errors.Is(err, ErrRefused) || !strings.Contains(err.Error(), "stop it, then hardrun start judges the files it left") {
		t.Errorf("restart of a running container: %v", err)
	}
}

func TestEngineMountOver(t *testing.T) {
	for p, want := range map[string]string{
		"/dev/shm/group": "/dev", "/dev": "/dev", "/dev/../dev/mqueue/x": "/dev", "/proc/self/root/etc/group": "/proc",
		"/sys/x": "/sys", "/etc/hosts": "/etc/hosts", "/etc/group": "", "/devx/group": "", "/etc/hostsx": "", "/tmp/group": "",
	} {
		if got := EngineMountOver(p); got != want {
			t.Errorf("EngineMountOver(%q) = %q, want %q", p, got, want)
		}
	}
}
