package policy

import (
	"testing"

	"github.com/moby/moby/api/types/mount"
)

// TestMountReadonlyFalseIsExplicitRW is the regression test for
// `--mount type=volume,...,readonly=false`, which was made read-only while
// `-v name:/x:rw` stayed rw. Both say rw explicitly; on a named or an
// anonymous volume that is permitted (contract: volumes.default_mode), on
// a bind only under allow_rw.
func TestMountReadonlyFalseIsExplicitRW(t *testing.T) {
	explicitRW := func(target string) mod {
		return func(r *Request) { r.RWMounts = append(r.RWMounts, target) }
	}
	cases := []struct {
		name   string
		req    []mod
		ro     bool
		refuse bool
	}{
		{name: "named volume, readonly=false", req: []mod{mounts(mount.Mount{Type: mount.TypeVolume, Source: "data", Target: "/x"}), explicitRW("/x")}},
		{name: "anonymous volume, readonly=false", req: []mod{mounts(mount.Mount{Type: mount.TypeVolume, Target: "/x"}), explicitRW("/x")}},
		{name: "named volume, no mode", req: []mod{mounts(mount.Mount{Type: mount.TypeVolume, Source: "data", Target: "/x"})}, ro: true},
		{name: "bind, readonly=false, outside allow_rw", req: []mod{mounts(mount.Mount{Type: mount.TypeBind, Source: "/srv/data", Target: "/x"}), explicitRW("/x")}, refuse: true},
		{name: "bind, no mode", req: []mod{mounts(mount.Mount{Type: mount.TypeBind, Source: "/srv/data", Target: "/x"})}, ro: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			plan, err := Evaluate(build(tc.req...), testProfile("default"), ImageFacts{}, testHost())
			if tc.refuse {
				if err == nil {
					t.Fatal("want a refusal")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := plan.Request.HostConfig.Mounts[0].ReadOnly; got != tc.ro {
				t.Errorf("ReadOnly = %v, want %v", got, tc.ro)
			}
		})
	}
	// -v name:/x:rw, the spelling that always worked, for comparison.
	plan, err := Evaluate(build(binds("data:/x:rw")), testProfile("default"), ImageFacts{}, testHost())
	if err != nil || plan.Request.HostConfig.Binds[0] != "data:/x:rw" {
		t.Errorf("-v data:/x:rw: %v, binds %q", err, plan.Request.HostConfig.Binds)
	}
}
