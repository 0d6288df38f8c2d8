package policy

import (
	"strings"
	"testing"
)

// A project under /root (CI machines often work as root): a profile that
// names a path there in volumes.allow_rw permits it; /root itself, the
// rest of it and root's hidden files stay refused.
func TestRootProjectAllowRW(t *testing.T) {
	cases := []struct {
		name    string
		allowRW []string
		cwd     string
		bind    string
		refused bool
	}{
		{"named project", []string{"/root/ci/proj", "/root/ci/proj/**"}, testCwd, "/root/ci/proj:/src:rw", false},
		{"under the named project", []string{"/root/ci/proj/**"}, testCwd, "/root/ci/proj/src:/src:rw", false},
		{"read-only under it", []string{"/root/ci/proj/**"}, testCwd, "/root/ci/proj/src:/src:ro", false},
		{"$PWD under /root", []string{"$PWD", "$PWD/**"}, "/root/ci/proj", "/root/ci/proj/src:/src:rw", false},
		{"the rest of /root", []string{"/root/ci/proj/**"}, testCwd, "/root/other:/x", true},
		{"/root itself", []string{"/root/ci/proj/**"}, testCwd, "/root:/x", true},
		{"allow_rw /root/** lifts nothing", []string{"/root/**"}, testCwd, "/root/ci/proj:/src:rw", true},
		{"$PWD = /root lifts nothing", []string{"$PWD", "$PWD/**"}, "/root", "/root/ci/proj:/src:rw", true},
		{"hidden files stay refused", []string{"/root/.ssh", "/root/.ssh/**"}, testCwd, "/root/.ssh:/x", true},
		{"/** lifts nothing", []string{"/**"}, testCwd, "/root/other:/x:rw", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := testProfile("default")
			p.Volumes.AllowRW = c.allowRW
			host := testHost()
			host.Cwd = c.cwd
			plan, _ := Evaluate(build(binds(c.bind)), p, ImageFacts{}, host)
			if got := len(plan.Refusals) > 0; got != c.refused {
				t.Errorf("refused = %v, want %v: %s", got, c.refused, strings.Join(refusalLines(plan), "; "))
			}
		})
	}
}
