package main

import (
	"slices"
	"strings"
	"testing"
)

func TestParseCommandLine(t *testing.T) {
	tests := []struct {
		name      string
		args      []string
		group     string
		groupHelp bool
		verb      string
		rest      []string
		wantErr   bool
	}{
		{name: "plain", args: []string{"run", "img"}, verb: "run", rest: []string{"img"}},
		{name: "container run", args: []string{"container", "run", "img"}, group: "container", verb: "run", rest: []string{"img"}},
		{name: "globals then container create", args: []string{"-Dl", "error", "container", "create", "img"}, group: "container", verb: "create", rest: []string{"img"}},
		{name: "container help false", args: []string{"container", "--help=false", "run", "img"}, group: "container", verb: "run", rest: []string{"img"}},
		{name: "container help", args: []string{"container", "-h", "exec", "c", "ls"}, group: "container", groupHelp: true, verb: "exec", rest: []string{"c", "ls"}},
		{name: "container alone", args: []string{"container"}, verb: "container"},
		{name: "container help alone", args: []string{"container", "--help"}, verb: "container", rest: []string{"--help"}},
		{name: "global between container and verb", args: []string{"container", "-D", "run", "img"}, wantErr: true},
		{name: "double dash in the group", args: []string{"container", "--", "run", "img"}, wantErr: true},
		{name: "exec after combined globals", args: []string{"-Dc", "default", "exec", "-u", "0", "c", "id"}, verb: "exec", rest: []string{"-u", "0", "c", "id"}},
		{name: "double dash then verb", args: []string{"-D", "--", "run", "img"}, verb: "run", rest: []string{"img"}},
		{name: "no verb", args: []string{"-D"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cl, err := parseCommandLine(tt.args)
			if tt.wantErr {
				if err == nil {
					t.Fatalf("want an error, got %+v", cl)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if cl.group != tt.group || cl.groupHelp != tt.groupHelp || cl.verb != tt.verb || !slices.Equal(cl.args, tt.rest) {
				t.Errorf("got group %q help %v verb %q args %q", cl.group, cl.groupHelp, cl.verb, cl.args)
			}
			if len(cl.args) > 0 && !slices.Equal(tt.args[cl.argsAt:], cl.args) {
				t.Errorf("argsAt %d does not point at the verb's arguments in %q", cl.argsAt, tt.args)
			}
		})
	}
}

// FuzzParseCommandLine: whatever argv, the parser never panics, and when
// it names a verb, that verb is the word in argv just before its
// arguments, which are argv's tail: the verb hardrun judges is the one
// docker would run.
func FuzzParseCommandLine(f *testing.F) {
	for _, seed := range [][]string{
		{"-Dl", "error", "create", "img"}, {"container", "--help=false", "run", "img"},
		{"-lerror", "exec", "-u", "0", "c", "id"}, {"-D", "--", "-D", "run"}, {"container", "-h", "update", "-m", "1g", "c"},
	} {
		f.Add(strings.Join(seed, "\x00"))
	}
	f.Fuzz(func(t *testing.T, joined string) {
		args := strings.Split(joined, "\x00")
		cl, err := parseCommandLine(args)
		if err != nil || cl.verb == "" {
			return
		}
		if !slices.Equal(args[cl.argsAt:], cl.args) || args[cl.argsAt-1] != cl.verb {
			t.Fatalf("verb %q at %d, args %q: not where argv %q has them", cl.verb, cl.argsAt, cl.args, args)
		}
	})
}

func TestParseExecLine(t *testing.T) {
	x, err := parseExecLine([]string{"-it", "--privileged", "-u0:0", "-w", "/proc/self/fd/7", "-e", "A=1", "box", "-u", "root", "sh"})
	if err != nil {
		t.Fatal(err)
	}
	if !x.req.Privileged || x.req.User != "0:0" || x.req.WorkingDir != "/proc/self/fd/7" || x.container != "box" || x.at != 7 {
		t.Errorf("got %+v", x)
	}
	if !slices.Equal(x.req.Cmd, []string{"-u", "root", "sh"}) {
		t.Errorf("flags after CONTAINER belong to the command: %q", x.req.Cmd)
	}
	if _, err := parseExecLine([]string{"box"}); err == nil {
		t.Error("exec with no command: want an error")
	}
	if _, err := parseExecLine([]string{"--nope", "box", "sh"}); err == nil {
		t.Error("unknown flag: want an error")
	}
}

func TestParseUpdateLine(t *testing.T) {
	u, err := parseUpdateLine([]string{"a", "--memory", "64g", "--pids-limit=-1", "--restart", "always", "--cpus", "4", "b"})
	if err != nil {
		t.Fatal(err)
	}
	r := u.req.Resources
	if r.Memory != 64<<30 || r.PidsLimit == nil || *r.PidsLimit != -1 || r.NanoCPUs != 4e9 || u.req.RestartPolicy.Name != "always" {
		t.Errorf("got %+v %+v", r, u.req.RestartPolicy)
	}
	if !slices.Equal(u.containers, []string{"a", "b"}) {
		t.Errorf("containers %q", u.containers)
	}
	if u, err := parseUpdateLine([]string{"--pids-limit", "0", "a"}); err != nil || u.req.Resources.PidsLimit != nil {
		t.Errorf("--pids-limit 0 is not sent, as docker: %v", err)
	}
	if _, err := parseUpdateLine([]string{"a"}); err == nil {
		t.Error("update without flags: want docker's error")
	}
}
