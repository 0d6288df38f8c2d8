package policy

import (
	"errors"
	"strings"
	"testing"
)

func TestJudgeExec(t *testing.T) {
	files := func(spec string) (Identity, error) {
		switch spec {
		case "app":
			return Identity{UID: 1000, GID: 1000}, nil
		case "toor":
			return Identity{UID: 0, GID: 5}, nil // a hostile image's passwd: another name for uid 0
		case "wheel":
			return Identity{UID: 1000, GID: 1000, Groups: []uint32{0}}, nil
		case "1000":
			return Identity{UID: 1000, GID: 0}, nil // no entry: the engine's group is 0
		}
		return ResolveNumericUser(spec)
	}
	tests := []struct {
		name    string
		req     ExecRequest
		resolve func(string) (Identity, error)
		refuse  string // a substring of the refusal, "" for none
	}{
		{name: "plain", req: ExecRequest{Cmd: []string{"id"}}},
		{name: "privileged", req: ExecRequest{Privileged: true}, refuse: "exec --privileged is not permitted"},
		{name: "uid 0", req: ExecRequest{User: "0"}, refuse: "exec --user 0 is not permitted: it is uid 0 (allow_root: false)"},
		{name: "uid +0", req: ExecRequest{User: "+0"}, refuse: "it is uid 0"},
		{name: "uid 00", req: ExecRequest{User: "00"}, refuse: "it is uid 0"},
		{name: "uid -0", req: ExecRequest{User: "-0"}, refuse: "it is uid 0"},
		{name: "0:0", req: ExecRequest{User: "0:0"}, refuse: "it is uid 0"},
		{name: "name:0", req: ExecRequest{User: "x:0"}, refuse: "it is gid 0"},
		{name: "uid:gid", req: ExecRequest{User: "1000:1000"}},
		{name: "uid:gid:extra ignored like the engine", req: ExecRequest{User: "1000:1000:0"}},
		{name: "root by name, no files", req: ExecRequest{User: "root"}, refuse: "cannot be resolved"},
		{name: "uid without group, no files", req: ExecRequest{User: "1000"}, refuse: "-u 1000:GID"},
		{name: "name resolved", req: ExecRequest{User: "app"}, resolve: files},
		{name: "name resolving to uid 0", req: ExecRequest{User: "toor"}, resolve: files, refuse: "resolves to uid 0"},
		{name: "member of group 0", req: ExecRequest{User: "wheel"}, resolve: files, refuse: "member of group 0"},
		{name: "uid without entry has gid 0", req: ExecRequest{User: "1000"}, resolve: files, refuse: "resolves to gid 0"},
		{name: "workdir under proc", req: ExecRequest{WorkingDir: "/proc/self/fd/7"}, refuse: "CVE-2024-21626"},
		{name: "workdir proc spelled", req: ExecRequest{WorkingDir: "//proc/../proc/1/cwd"}, refuse: "CVE-2024-21626"},
		{name: "workdir elsewhere", req: ExecRequest{WorkingDir: "/tmp"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := JudgeExec(tt.req, testProfile("default"), ExecFacts{ResolveUser: tt.resolve})
			wantRefusal(t, err, tt.refuse)
			if err != nil && !strings.HasPrefix(err.Error(), `refused by profile "default": `) {
				t.Errorf("refusal line %q does not name the profile", err)
			}
		})
	}
}

func TestJudgeExecPermittedByKeys(t *testing.T) {
	p := testProfile("default")
	p.Privileged, p.AllowRoot, p.AllowRootGroup = true, true, true
	if err := JudgeExec(ExecRequest{Privileged: true, User: "root"}, p, ExecFacts{}); err != nil {
		t.Errorf("privileged, allow_root and allow_root_group permit it: %v", err)
	}
	p = testProfile("default")
	p.Enforce = false
	if err := JudgeExec(ExecRequest{Privileged: true, User: "0", WorkingDir: "/proc"}, p, ExecFacts{}); err != nil {
		t.Errorf("enforce: false refuses nothing: %v", err)
	}
}

func TestJudgeExecResolvesTheWorkdir(t *testing.T) {
	p := testProfile("default")
	facts := ExecFacts{ResolveWorkdir: func(wd string) (string, error) {
		if wd == "/tmp/w" {
			return "/proc/self/fd", nil
		}
		return wd, nil
	}}
	err := JudgeExec(ExecRequest{WorkingDir: "/tmp/w"}, p, facts)
	if err == nil || !strings.Contains(err.Error(), "it resolves to /proc/self/fd in the container") {
		t.Errorf("exec -w through a planted link: %v", err)
	}
	if err := JudgeExec(ExecRequest{WorkingDir: "/srv"}, p, facts); err != nil {
		t.Errorf("exec -w /srv: %v", err)
	}
}

// TestJudgeExecWritableRoot: no exec at all, -u UID:GID included, into a
// container that may have rewritten the files its exec user is resolved
// from, unless the profile permits root and group 0.
func TestJudgeExecWritableRoot(t *testing.T) {
	p := testProfile("default")
	for _, user := range []string{"", "10001:10001", "app"} {
		err := JudgeExec(ExecRequest{User: user, Cmd: []string{"id"}}, p, ExecFacts{WritableRoot: true, ResolveUser: ResolveNumericUser})
		if !errors.Is(err, ErrRefused) || !strings.Contains(err.Error(), "exec into a container with a writable root file system is not permitted: "+WritableRootWhy+" (allow_root: false)") {
			t.Errorf("exec -u %q: %v", user, err)
		}
	}
	if err := JudgeExec(ExecRequest{Cmd: []string{"id"}}, p, ExecFacts{}); err != nil {
		t.Errorf("exec into a read-only container: %v", err)
	}
	root := testProfile("default")
	root.AllowRoot, root.AllowRootGroup = true, true
	if err := JudgeExec(ExecRequest{Cmd: []string{"id"}}, root, ExecFacts{WritableRoot: true}); err != nil {
		t.Errorf("a profile that permits root: %v", err)
	}
}
