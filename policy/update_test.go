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
		{name: "restart on-failure", set: []string{"restart"}, rp: container.RestartPolicy{Name: "on-failure", MaximumRetryCount: 3}},
		{name: "no ceiling on shares", set: []string{"cpu-shares"}, r: container.Resources{CPUShares: 4096}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := UpdateRequest{Resources: tt.r, RestartPolicy: tt.rp, Set: map[string]bool{}}
			for _, f := range tt.set {
				u.Set[f] = true
			}
			err := JudgeUpdate(u, tt.cur, testProfile("default"))
			if tt.refuse == "" {
				if err != nil {
					t.Fatalf("want no refusal, got %v", err)
				}
				return
			}
			if !errors.Is(err, ErrRefused) || !strings.Contains(err.Error(), tt.refuse) {
				t.Fatalf("want a refusal containing %q, got %v", tt.refuse, err)
			}
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
	if err := JudgeUpdate(u, &container.HostConfig{Binds: []string{"data:/x"}}, p); err != nil {
		t.Errorf("update --restart on a container with a named volume: %v", err)
	}
}
