package main

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/hardrun/hardrun/launcher"
)

func TestParseGlobals(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		rest     []string
		hosts    []string
		context  string
		debug    bool
		wantErrs bool
	}{
		{name: "none", args: []string{"run", "img"}, rest: []string{"run", "img"}},
		{name: "host short", args: []string{"-H", "tcp://h:2375", "ps"}, rest: []string{"ps"}, hosts: []string{"tcp://h:2375"}},
		{name: "host joined", args: []string{"-Hunix:///x.sock", "ps"}, rest: []string{"ps"}, hosts: []string{"unix:///x.sock"}},
		{name: "host long equals", args: []string{"--host=tcp://a", "run"}, rest: []string{"run"}, hosts: []string{"tcp://a"}},
		{name: "host long space", args: []string{"--host", "tcp://b", "run"}, rest: []string{"run"}, hosts: []string{"tcp://b"}},
		{name: "host short equals", args: []string{"-H=tcp://b", "run"}, rest: []string{"run"}, hosts: []string{"tcp://b"}},
		{name: "debug and host combined", args: []string{"-DHunix:///x", "create"}, rest: []string{"create"}, hosts: []string{"unix:///x"}, debug: true},
		{name: "debug and context combined", args: []string{"-Dc", "default", "create"}, rest: []string{"create"}, context: "default", debug: true},
		{name: "debug and log level combined", args: []string{"-Dl", "error", "create"}, rest: []string{"create"}, debug: true},
		{name: "log level attached", args: []string{"-lerror", "create"}, rest: []string{"create"}},
		{name: "debug log level attached", args: []string{"-Dlerror", "run"}, rest: []string{"run"}, debug: true},
		{name: "short bool equals", args: []string{"-D=true", "run"}, rest: []string{"run"}, debug: true},
		{name: "short bool equals false", args: []string{"-D=false", "run"}, rest: []string{"run"}},
		{name: "long bool 0", args: []string{"--debug=0", "run"}, rest: []string{"run"}},
		{name: "help does not end the globals", args: []string{"-h", "create", "img"}, rest: []string{"create", "img"}},
		{name: "version does not end the globals", args: []string{"-v", "run", "img"}, rest: []string{"run", "img"}},
		{name: "help false", args: []string{"--help=false", "-D", "run"}, rest: []string{"run"}, debug: true},
		{name: "two hosts", args: []string{"-H", "tcp://a", "-H", "tcp://b", "run"}, wantErrs: true},
		{name: "flag after double dash", args: []string{"--", "-D", "run"}, wantErrs: true},
		{name: "unknown combined flag", args: []string{"-Dx", "run"}, wantErrs: true},
		{name: "unknown long flag", args: []string{"--nope", "run"}, wantErrs: true},
		{name: "bool takes no space value", args: []string{"--debug", "false", "run"}, rest: []string{"false", "run"}, debug: true},
		{name: "short bool digit", args: []string{"-D0", "run"}, wantErrs: true},
		{name: "context", args: []string{"--context", "default", "images"}, rest: []string{"images"}, context: "default"},
		{name: "context short", args: []string{"-c", "prod", "run"}, rest: []string{"run"}, context: "prod"},
		{name: "debug bool", args: []string{"-D", "run"}, rest: []string{"run"}, debug: true},
		{name: "debug false", args: []string{"--debug=false", "run"}, rest: []string{"run"}},
		{name: "version alone", args: []string{"--version"}},
		{name: "double dash", args: []string{"--", "run"}, rest: []string{"run"}},
		{name: "missing value", args: []string{"-H"}, wantErrs: true},
		{name: "bad bool", args: []string{"--tls=maybe", "run"}, wantErrs: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, rest, err := parseGlobals(tt.args)
			if tt.wantErrs {
				if err == nil {
					t.Fatalf("want an error, got rest %v", rest)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(rest, tt.rest) {
				t.Errorf("rest = %q, want %q", rest, tt.rest)
			}
			if !reflect.DeepEqual(g.Hosts, tt.hosts) || g.Context != tt.context || g.Debug != tt.debug {
				t.Errorf("globals = %+v", g)
			}
		})
	}
}

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestEndpointPrecedence(t *testing.T) {
	cfg := t.TempDir()
	writeContext(t, cfg, "remote", "tcp://remote:2376")
	if err := os.WriteFile(filepath.Join(cfg, "config.json"), []byte(`{"currentContext":"remote"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		g    globals
		env  map[string]string
		want string
		err  bool
	}{
		{name: "config currentContext", env: map[string]string{"DOCKER_CONFIG": cfg}, want: "tcp://remote:2376"},
		{name: "DOCKER_HOST beats currentContext", env: map[string]string{"DOCKER_CONFIG": cfg, "DOCKER_HOST": "unix:///e.sock"}, want: "unix:///e.sock"},
		{name: "-H beats DOCKER_HOST", g: globals{Hosts: []string{"unix:///h.sock"}}, env: map[string]string{"DOCKER_HOST": "unix:///e.sock"}, want: "unix:///h.sock"},
		{name: "DOCKER_CONTEXT", env: map[string]string{"DOCKER_CONFIG": cfg, "DOCKER_CONTEXT": "default"}, want: defaultDockerHost},
		{name: "--context beats DOCKER_HOST", g: globals{Context: "remote", ConfigDir: cfg}, env: map[string]string{"DOCKER_HOST": "unix:///e.sock"}, want: "tcp://remote:2376"},
		{name: "unknown context", g: globals{Context: "nope", ConfigDir: cfg}, err: true},
		{name: "host and context conflict", g: globals{Context: "remote", Hosts: []string{"tcp://x"}}, err: true},
		{name: "nothing", env: map[string]string{"DOCKER_CONFIG": t.TempDir()}, want: defaultDockerHost},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := tt.g
			g.set = map[string]bool{}
			ep, err := g.endpoint(env(tt.env))
			if tt.err {
				if err == nil {
					t.Fatalf("want an error, got %+v", ep)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if ep.Host != tt.want {
				t.Errorf("host = %q, want %q", ep.Host, tt.want)
			}
		})
	}
}

func writeContext(t *testing.T, cfg, name, host string) {
	t.Helper()
	sum := sha256.Sum256([]byte(name))
	dir := filepath.Join(cfg, "contexts", "meta", hex.EncodeToString(sum[:]))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	meta := `{"Name":"` + name + `","Metadata":{},"Endpoints":{"docker":{"Host":"` + host + `","SkipTLSVerify":false}}}`
	if err := os.WriteFile(filepath.Join(dir, "meta.json"), []byte(meta), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestRealDockerNeverSelf(t *testing.T) {
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	link := filepath.Join(dir, "docker")
	if err := os.Symlink(self, link); err != nil {
		t.Fatal(err)
	}
	other := t.TempDir()
	real := filepath.Join(other, "docker")
	if err := os.WriteFile(real, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	got, err := realDocker(env(map[string]string{"PATH": dir + ":" + other}))
	if err != nil || got != real {
		t.Errorf("realDocker = %q, %v; want %q (skipping hardrun itself)", got, err, real)
	}
	if _, err := realDocker(env(map[string]string{"PATH": dir})); err == nil {
		t.Error("only hardrun on PATH: want an error, not recursion")
	}
	if _, err := realDocker(env(map[string]string{"HARDRUN_DOCKER": link})); err == nil {
		t.Error("HARDRUN_DOCKER naming hardrun itself: want an error")
	}
}

func TestStartErrorCodes(t *testing.T) {
	tests := map[string]int{
		`exec: "nope": executable file not found in $PATH`:                   127,
		`exec: "/nonexistent": stat /nonexistent: no such file or directory`: 127,
		`exec: "/etc": permission denied`:                                    126,
		`something else`:                                                     125,
	}
	for msg, want := range tests {
		if got := startErrorCode(&launcher.StartError{Err: errors.New(msg)}); got != want {
			t.Errorf("%q -> %d, want %d", msg, got, want)
		}
	}
}

// FuzzParseGlobals: docker's global flags never panic the parser, and what
// it returns as the command line is a suffix of the input.
func FuzzParseGlobals(f *testing.F) {
	for _, seed := range [][]string{
		{"-H", "tcp://h:2375", "ps"}, {"--context=prod", "run", "img"}, {"-Dl", "debug"},
		{"--tlsverify=false", "--tlscacert", "ca.pem", "images"}, {"-Hunix:///x", "--", "run"},
		{"-Dl", "error", "create", "img"}, {"-lerror", "run"}, {"-Dc", "default", "exec", "c", "id"},
		{"-D=false", "-h", "-v", "run"}, {"--", "-D", "run"}, {"-DHunix:///x", "container", "run"},
	} {
		f.Add(strings.Join(seed, "\x00"))
	}
	f.Fuzz(func(t *testing.T, joined string) {
		args := strings.Split(joined, "\x00")
		_, rest, err := parseGlobals(args)
		if err != nil {
			return
		}
		if len(rest) > len(args) || !reflect.DeepEqual(rest, args[len(args)-len(rest):]) && len(rest) > 0 {
			t.Fatalf("rest %q is not a suffix of %q", rest, args)
		}
	})
}

func TestHardrunFlagsInFrontOfTheCommand(t *testing.T) {
	g, rest, err := parseGlobals([]string{"--profile-dir", "/a", "--profile=web", "--profile-dir=/b", "run", "img"})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(rest, []string{"run", "img"}) || g.Profile != "web" || !reflect.DeepEqual(g.ProfileDirs, []string{"/a", "/b"}) {
		t.Errorf("globals %+v, rest %q", g, rest)
	}
}
