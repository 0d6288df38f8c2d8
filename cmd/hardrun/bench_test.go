package main

import (
	"context"
	"io"
	"path/filepath"
	"testing"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/mount"

	"github.com/hardrun/hardrun/launcher"
	"github.com/hardrun/hardrun/policy"
	"github.com/hardrun/hardrun/profiles"
	"github.com/hardrun/hardrun/seccomp"
)

// argvLine is `hardrun run` with 30 flags (29 of docker's and --profile)
// that the built-in default profile permits: the request is ready to send.
var argvLine = []string{
	"--profile", "default",
	"-d", "--name", "web", "--hostname", "web-1", "-u", "10001:10001", "-w", "/srv",
	"-e", "MODE=prod", "-e", "HOME", "--label", "team=core", "--label", "tier=front",
	"-v", "/srv/data:/data:ro", "-v", "./conf:/etc/app:ro", "--mount", "type=tmpfs,dst=/cache,tmpfs-size=64m",
	"--tmpfs", "/run:rw,noexec,size=32m", "-p", "127.0.0.1:8080:80", "-p", "127.0.0.1:8443:443/tcp",
	"--network", "backend", "--add-host", "db:10.0.0.3", "--cap-drop", "ALL", "--cap-add", "NET_BIND_SERVICE",
	"--security-opt", "no-new-privileges", "--read-only", "-m", "256m", "--cpus", "1", "--pids-limit", "128",
	"--ulimit", "nofile=1024:1024", "--restart", "no", "--health-cmd", "wget -qO- localhost",
	"--log-opt", "max-size=10m", "--init",
	"nginx:1.27", "nginx", "-g", "daemon off;",
}

// benchEnv is the environment of the benchmarks: a $HOME without profiles
// or docker config, so the search ends at the built-in default, as on a
// fresh host.
func benchEnv(b testing.TB) func(string) string {
	env := map[string]string{"HOME": b.TempDir(), "MODE": "x"}
	return func(k string) string { return env[k] }
}

// benchApp is a fresh app, as each hardrun process starts with one.
func benchApp(getenv func(string) string) *app {
	return &app{g: &globals{set: map[string]bool{}}, stdout: io.Discard, stderr: io.Discard, getenv: getenv,
		systemProfileDir: "/nonexistent/hardrun-profiles"}
}

// chdirTemp makes a temporary directory the working directory for the
// test and returns it: the translation resolves ./conf against the real
// working directory, which must not depend on where the repository is
// cloned (under /root, a bind of it is refused).
func chdirTemp(tb testing.TB) string {
	dir := tb.TempDir()
	tb.Chdir(dir)
	return dir
}

// benchHost is HostFacts with in-memory look-ups: the engine and the file
// system answer instantly, so only hardrun's own work is measured.
func benchHost(cwd string) policy.HostFacts {
	return policy.HostFacts{
		Cwd: cwd,
		ResolvePath: func(p string) (string, error) {
			if !filepath.IsAbs(p) {
				p = filepath.Join(cwd, p)
			}
			return filepath.Clean(p), nil
		},
		Volume: func(name string) (policy.VolumeFacts, error) {
			return policy.VolumeFacts{Driver: "local"}, nil
		},
		Container: func(name string) (policy.ContainerFacts, error) {
			return policy.ContainerFacts{HostConfig: &container.HostConfig{}, Mounts: []container.MountPoint{
				{Type: mount.TypeVolume, Name: "data", Destination: "/data"}}}, nil
		},
		AppArmor: policy.AppArmorFacts{EngineLocal: true}, // a kernel without AppArmor, as on the bench host
		Object: func(p string) (policy.PathObject, error) {
			return policy.PathObject{Kind: policy.ObjectDir, ID: policy.FileID{Dev: 1, Ino: uint64(len(p))}, FSType: "ext4"}, nil
		},
	}
}

// benchEngine answers the API version look-up the translation makes; the
// in-process path asks the engine nothing else.
type benchEngine struct{ launcher.Engine }

func (benchEngine) APIVersion(context.Context) (string, error) { return "1.41", nil }

var benchImage = policy.ImageFacts{User: "nginx", Volumes: []string{"/var/cache/nginx"}, ExposedPorts: []string{"80/tcp"}}

// argvToRequest is the in-process part of `hardrun run`: argv → parsed
// flags → profile → translated request → the policy's hardened plan.
func argvToRequest(a *app, load func(hardrunFlags) (*profiles.Profile, error), host policy.HostFacts) (*policy.Plan, error) {
	line, err := parseRunLine("run", argvLine)
	if err != nil {
		return nil, err
	}
	p, err := load(line.own)
	if err != nil {
		return nil, err
	}
	req, err := a.request(context.Background(), benchEngine{}, line.opts)
	if err != nil {
		return nil, err
	}
	return policy.Evaluate(req, p, benchImage, host)
}

// BenchmarkArgvToRequest is the whole in-process path from argv to a ready
// create request. cold: what one hardrun process does, once: a fresh app
// (docker config unread) and profile loader, and the seccomp JSON generated
// again (the launcher caches it per process, so cold calls seccomp.Generate
// itself). warm: app, loader and seccomp JSON reused.
func BenchmarkArgvToRequest(b *testing.B) {
	getenv := benchEnv(b)
	host := benchHost(chdirTemp(b))
	checkPlan(b, getenv, host)
	b.Run("cold", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			a := benchApp(getenv)
			load := func(own hardrunFlags) (*profiles.Profile, error) {
				p, err := a.loadProfile(own)
				if err == nil {
					_, err = seccomp.Generate(policy.SeccompSpec(p))
				}
				return p, err
			}
			if _, err := argvToRequest(a, load, host); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("warm", func(b *testing.B) {
		a := benchApp(getenv)
		l := profiles.NewLoader(profiles.SearchOptions{Getenv: getenv, SystemDir: b.TempDir()})
		load := func(own hardrunFlags) (*profiles.Profile, error) { return l.Load(own.profile) }
		b.ReportAllocs()
		for b.Loop() {
			if _, err := argvToRequest(a, load, host); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// checkPlan fails unless argvLine makes a hardened plan the profile accepts.
func checkPlan(t testing.TB, getenv func(string) string, host policy.HostFacts) {
	t.Helper()
	a := benchApp(getenv)
	plan, err := argvToRequest(a, a.loadProfile, host)
	if err != nil {
		t.Fatalf("argv to request: %v", err)
	}
	if len(plan.Changes) == 0 || plan.Request.HostConfig == nil || !plan.Request.HostConfig.ReadonlyRootfs {
		t.Fatalf("the plan is not hardened: %+v", plan.Request.HostConfig)
	}
}

// TestArgvToRequestFirstCall times the in-process path once, in a process
// that has done nothing else: every cache (encoding/json's type fields,
// seccomp's base profile, the page faults of code run for the first time)
// is cold, as in a real hardrun. bench/inprocess.sh runs it in fresh
// processes; alone it is an ordinary test.
func TestArgvToRequestFirstCall(t *testing.T) {
	getenv := benchEnv(t)
	host := benchHost(chdirTemp(t))
	a := benchApp(getenv)
	start := time.Now()
	_, err := argvToRequest(a, a.loadProfile, host)
	elapsed := time.Since(start)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("first call: %d µs", elapsed.Microseconds())
}

// BenchmarkParseRunLine30Flags is parseRunLine alone: the flag set built
// and argv parsed, as each hardrun process does once.
func BenchmarkParseRunLine30Flags(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := parseRunLine("run", argvLine); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLoadDefaultProfile is the built-in default resolved with a fresh
// loader: the profile cost of one hardrun process.
func BenchmarkLoadDefaultProfile(b *testing.B) {
	a := benchApp(benchEnv(b))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := a.loadProfile(hardrunFlags{profile: "default"}); err != nil {
			b.Fatal(err)
		}
	}
}

// TestArgvLineHas30Flags keeps the benchmark's line at the 30 flags the
// performance budget names.
func TestArgvLineHas30Flags(t *testing.T) {
	n := 0
	for _, a := range argvLine[:len(argvLine)-4] { // IMAGE and COMMAND follow the flags
		if a[0] == '-' {
			n++
		}
	}
	if n != 30 {
		t.Fatalf("argvLine has %d flags, want 30", n)
	}
}
