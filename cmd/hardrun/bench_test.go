package main

import (
	"context"
	"io"
	"path/filepath"
	"testing"

	"github.com/hardrun/hardrun/launcher"
	"github.com/hardrun/hardrun/profiles"
	"github.com/hardrun/hardrun/seccomp"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/mount"
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
	"--ulimit", "nofile=1024:1024", "--restart", "on-failure:3", "--health-cmd", "wget -qO- localhost",
	"--log-opt", "max-size=10m", "--init",
	"nginx:1.27", "nginx", "-g", "daemon off;",
}

// benchApp is an app whose environment is a map: no profile directory in
// $HOME, so the built-in default is what the search finds, as on a fresh host.
func benchApp(b *testing.B) *app {
	env := map[string]string{"HOME": b.TempDir(), "MODE": "x"}
	return &app{g: &globals{set: map[string]bool{}}, stdout: io.Discard, stderr: io.Discard,
		getenv: func(k string) string { return env[k] }}
}

// benchHost is HostFacts with in-memory look-ups: the engine and the file
// system answer instantly, so only hardrun's own work is measured.
func benchHost(cwd string) launcher.HostFacts {
	return launcher.HostFacts{
		Cwd: cwd,
		ResolvePath: func(p string) (string, error) {
			if !filepath.IsAbs(p) {
				p = filepath.Join(cwd, p)
			}
			return filepath.Clean(p), nil
		},
		Volume: func(name string) (launcher.VolumeFacts, error) {
			return launcher.VolumeFacts{Driver: "local"}, nil
		},
		Container: func(name string) (launcher.ContainerFacts, error) {
			return launcher.ContainerFacts{HostConfig: &container.HostConfig{}, Mounts: []container.MountPoint{
				{Type: mount.TypeVolume, Name: "data", Destination: "/data"}}}, nil
		},
		AppArmor: launcher.AppArmorFacts{EngineLocal: true}, // a kernel without AppArmor, as on the bench host
	}
}

// benchEngine answers the API version look-up the translation makes; the
// in-process path asks the engine nothing else.
type benchEngine struct{ launcher.Engine }

func (benchEngine) APIVersion(context.Context) (string, error) { return "1.41", nil }

var benchImage = launcher.ImageFacts{User: "nginx", Volumes: []string{"/var/cache/nginx"}, ExposedPorts: []string{"80/tcp"}}

// argvToRequest is the in-process part of `hardrun run`: argv → parsed
// flags → profile → translated request → the policy's hardened plan.
func argvToRequest(a *app, load func(hardrunFlags) (*profiles.Profile, error), host launcher.HostFacts) (*launcher.Plan, error) {
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
	return launcher.Evaluate(req, p, benchImage, host)
}

// BenchmarkArgvToRequest is the whole in-process path from argv to a ready
// create request. cold: a fresh profile loader each time and the seccomp
// JSON generated again (the launcher caches it per process, so cold adds
// seccomp.Generate explicitly: what a new hardrun process pays once).
// warm: the loader and the seccomp JSON reused, as within one process.
func BenchmarkArgvToRequest(b *testing.B) {
	a := benchApp(b)
	host := benchHost(b.TempDir())
	plan, err := argvToRequest(a, a.loadProfile, host)
	if err != nil {
		b.Fatalf("argv to request: %v", err)
	}
	if len(plan.Changes) == 0 || plan.Request.HostConfig == nil || !plan.Request.HostConfig.ReadonlyRootfs {
		b.Fatalf("the plan is not hardened: %+v", plan.Request.HostConfig)
	}
	b.Run("cold", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			load := func(own hardrunFlags) (*profiles.Profile, error) {
				p, err := a.loadProfile(own)
				if err == nil {
					_, err = seccomp.Generate(launcher.SeccompSpec(p))
				}
				return p, err
			}
			if _, err := argvToRequest(a, load, host); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("warm", func(b *testing.B) {
		l := profiles.NewLoader(profiles.SearchOptions{Getenv: a.getenv})
		load := func(own hardrunFlags) (*profiles.Profile, error) { return l.Load(own.profile) }
		b.ReportAllocs()
		for b.Loop() {
			if _, err := argvToRequest(a, load, host); err != nil {
				b.Fatal(err)
			}
		}
	})
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
	a := benchApp(b)
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
