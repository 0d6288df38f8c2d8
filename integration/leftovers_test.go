package integration

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestNothingLeftBehind walks every launch path with an image that declares
// a VOLUME, a read-only and a writable anonymous volume, and then finds no
// container, volume or network of the launch left: a read-only anonymous
// volume is a read-only tmpfs (Docker 20.10 has no read-only anonymous
// volume, and a named one would outlive `docker rm -v` and --rm), a
// writable one stays anonymous, so the engine removes it with the container.
func TestNothingLeftBehind(t *testing.T) {
	requireEngine(t)
	image := "hardrun-test/volume:latest" // VOLUME /data
	vols := []string{"-v", "/ro-anon", "--mount", "type=volume,target=/rw-anon,readonly=false"}
	paths := []struct {
		name string
		args []string // after run/create and the label
		// finish removes the container as its user would; "" = it goes by itself
		finish string
		code   int
	}{
		{"run --rm", []string{"--rm", image, "sleep", "2"}, "", 0},
		{"run -d --rm", []string{"-d", "--rm", image, "sleep", "2"}, "", 0},
		{"run then rm -v", []string{image, "sleep", "2"}, "rm -v", 0},
		{"run -d then rm -fv", []string{"-d", image, "sleep", "30"}, "rm -fv", 0},
		{"create then rm -v", []string{image, "true"}, "rm -v", 0},
		{"exit 127 then rm -v", []string{image, "/no/such/command"}, "rm -v", 127},
		{"failed start", []string{"--init=false", image, "/no/such/command"}, "", 127},
		{"failed start --rm", []string{"--init=false", "--rm", image, "/no/such/command"}, "", 127},
		{"failed start -d", []string{"--init=false", "-d", image, "/no/such/command"}, "", 127},
	}
	for _, p := range paths {
		t.Run(p.name, func(t *testing.T) {
			verb := "run"
			if strings.HasPrefix(p.name, "create") {
				verb = "create"
			}
			cid := filepath.Join(t.TempDir(), "cid")
			args := append(append([]string{verb, labelled(t), "--cidfile", cid}, vols...), p.args...)
			seen := launchAndWatch(t, cid, args, p.code)
			if p.finish != "" {
				if id := readID(cid); id != "" {
					runDocker(t, append(strings.Fields(p.finish), id)...)
				}
			}
			waitGone(t)
			for _, v := range seen {
				if r := runDocker(t, "volume", "inspect", v); r.Code == 0 {
					runDocker(t, "volume", "rm", v)
					t.Errorf("volume %s outlived its container", v)
				}
			}
			if left := strings.Fields(runDocker(t, "volume", "ls", "-q", "--filter", "label=io.hardrun.transient").Stdout); len(left) > 0 {
				t.Errorf("hardrun's transient volumes exist: %v", left)
			}
			for _, n := range strings.Fields(runDocker(t, "network", "ls", "--format", "{{.Name}}").Stdout) {
				if strings.HasPrefix(n, "hardrun-") && n != "hardrun-isolated" {
					t.Errorf("network %s left", n)
				}
			}
		})
	}
}

// launchAndWatch runs hardrun with args and, while the container exists,
// records the volumes the engine mounted into it (and checks that the
// read-only anonymous ones are read-only tmpfs mounts). It returns them.
func launchAndWatch(t *testing.T, cid string, args []string, wantCode int) []string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, hardrunBin, args...)
	var out, errb strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var seen []string
	var err error
	for waiting := true; waiting; {
		select {
		case err = <-done:
			waiting = false
		case <-time.After(50 * time.Millisecond):
		}
		if id := readID(cid); id != "" && seen == nil {
			seen = inspectMounts(t, id)
		}
	}
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	}
	if code != wantCode {
		t.Errorf("hardrun %v: exit %d, want %d\nstdout: %s\nstderr: %s", args, code, wantCode, out.String(), errb.String())
	}
	return seen
}

func readID(cidfile string) string {
	b, _ := os.ReadFile(cidfile)
	return strings.TrimSpace(string(b))
}

// inspectMounts returns the volume names mounted into container id, and
// fails the test if a read-only anonymous volume is anything but a
// read-only tmpfs. A container already gone returns an empty list.
func inspectMounts(t *testing.T, id string) []string {
	t.Helper()
	r := runDocker(t, "inspect", "-f", `{{range .Mounts}}{{.Type}} {{.Name}} {{.Destination}} {{.RW}}{{"\n"}}{{end}}`, id)
	if r.Code != 0 {
		return []string{}
	}
	vols := []string{}
	for _, line := range strings.Split(strings.TrimSpace(r.Stdout), "\n") {
		f := strings.Fields(line)
		switch {
		case len(f) == 4 && f[0] == "volume":
			vols = append(vols, f[1])
			if f[2] != "/rw-anon" {
				t.Errorf("%s is a volume (%s), want a read-only tmpfs", f[2], line)
			}
		case len(f) == 3 && (f[1] == "/data" || f[1] == "/ro-anon"):
			if f[0] != "tmpfs" || f[2] != "false" {
				t.Errorf("%s: %s, want a read-only tmpfs", f[1], line)
			}
		}
	}
	return vols
}
