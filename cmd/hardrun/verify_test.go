package main

import (
	"slices"
	"testing"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/mount"

	"github.com/hardrun/hardrun/policy"
	"github.com/hardrun/hardrun/profiles"
)

// TestVerifyTargetsAnonymousRW is the regression test for `verify -v
// /data:rw`: the probe must write-test /data (not "/data:rw" or "rw"), and
// a write there is permitted, since the plan leaves it writable.
func TestVerifyTargetsAnonymousRW(t *testing.T) {
	plan := &policy.Plan{
		Profile: &profiles.Profile{Enforce: true},
		Request: policy.Request{
			Config: &container.Config{},
			HostConfig: &container.HostConfig{
				Binds:  []string{"/data:rw", "/srv:/ro:ro", "/home/u:/w"},
				Mounts: []mount.Mount{{Type: mount.TypeTmpfs, Target: "/tmp"}, {Type: mount.TypeVolume, Target: "/v/", ReadOnly: true}},
			},
		},
	}
	if got, want := mountTargets(plan), []string{"/data", "/ro", "/v", "/w"}; !slices.Equal(got, want) {
		t.Errorf("targets %q, want %q", got, want)
	}
	p := permitted(plan)
	if !p.Writable["/data"] || !p.Writable["/w"] || p.Writable["/ro"] || p.Writable["/v"] || p.Root {
		t.Errorf("permitted %+v", p)
	}
	withProbe(plan, "/usr/bin/hardrun")
	args := plan.Request.Config.Entrypoint
	if !slices.Contains(args, "/data") || slices.Contains(args, "/data:rw") {
		t.Errorf("probe arguments %q", args)
	}
}

// TestMountReadonlyFalseReachesTheJudge: the flag translation passes an
// explicit readonly=false on as Request.RWMounts (the regression of
// `--mount type=volume,...,readonly=false` made read-only).
func TestMountReadonlyFalseReachesTheJudge(t *testing.T) {
	r, _, err := translate(t, testEnv(), "--mount", "type=volume,src=data,dst=/x,readonly=false", "--mount", "dst=/y", "alpine")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(r.RWMounts, []string{"/x"}) {
		t.Errorf("RWMounts %q, want [/x]", r.RWMounts)
	}
}
