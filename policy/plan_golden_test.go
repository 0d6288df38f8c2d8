package policy

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/moby/moby/api/types/container"

	goldenfile "github.com/hardrun/hardrun/internal/golden"
	"github.com/hardrun/hardrun/profiles"
)

// builtinNames are the built-in profiles with a golden create request.
var builtinNames = []string{"default", "strict", "web", "dev", "unconfined"}

// loadBuiltin loads a real built-in profile, with no user or system
// profile directory in the way.
func loadBuiltin(t testing.TB, name string) *profiles.Profile {
	t.Helper()
	l := profiles.NewLoader(profiles.SearchOptions{
		ProfileDirs: []string{t.TempDir()},
		Getenv:      func(k string) string { return map[string]string{"HOME": "/nonexistent"}[k] },
		SystemDir:   t.TempDir(), // not the host's /etc/hardrun/profiles
	})
	p, err := l.Load(name)
	if err != nil {
		t.Fatalf("load built-in %s: %v", name, err)
	}
	if p.Source != profiles.BuiltinSource {
		t.Fatalf("profile %s comes from %s, not the built-ins", name, p.Source)
	}
	return p
}

// goldenRequest is `hardrun run --name demo -e MODE=test -p 8080:80
// -v ./data:/data alpine:3.20 sh -c 'echo hi'`; strict, which publishes
// nothing and binds no host path, gets `-v data:/data` instead.
func goldenRequest(profile string) Request {
	mods := []mod{
		func(r *Request) {
			r.Name = "demo"
			r.Config.Image = "alpine:3.20"
			r.Config.Env = []string{"MODE=test"}
			r.Config.Cmd = []string{"sh", "-c", "echo hi"}
		},
		binds("./data:/data"), publish("80/tcp", "", "8080"),
	}
	if profile == "strict" {
		mods = append(mods[:1], binds("data:/data"))
	}
	return build(mods...)
}

var goldenImage = ImageFacts{Volumes: []string{"/var/lib/app"}, ExposedPorts: []string{"80/tcp"}, WorkingDir: "/app"}

func goldenPlan(t *testing.T, name string) *Plan {
	t.Helper()
	plan, err := Evaluate(goldenRequest(name), loadBuiltin(t, name), goldenImage, testHost())
	if err != nil {
		t.Fatalf("evaluate under %s: %v", name, err)
	}
	return plan
}

// TestPlanGolden keeps the full create request of each built-in profile
// under testdata/plans, so a profile change reads as a diff. The seccomp
// JSON is summarised by its hash (its own golden files are in seccomp/).
func TestPlanGolden(t *testing.T) {
	for _, name := range builtinNames {
		t.Run(name, func(t *testing.T) {
			plan := goldenPlan(t, name)
			req := copyRequest(plan.Request)
			req.HostConfig.SecurityOpt = summariseSeccomp(req.HostConfig.SecurityOpt)
			doc := CreateRequest{Name: req.Name, Config: req.Config, HostConfig: req.HostConfig, NetworkingConfig: req.NetworkingConfig}
			var b bytes.Buffer
			enc := json.NewEncoder(&b)
			enc.SetIndent("", "  ")
			enc.SetEscapeHTML(false)
			if err := enc.Encode(doc); err != nil {
				t.Fatal(err)
			}
			golden(t, filepath.Join("testdata", "plans", name+".json"), b.Bytes())
		})
	}
}

func summariseSeccomp(opts []string) []string {
	out := make([]string, len(opts))
	for i, o := range opts {
		if js, ok := strings.CutPrefix(o, "seccomp={"); ok {
			o = "seccomp=" + seccompSummary("{"+js)
		}
		out[i] = o
	}
	return out
}

func seccompSummary(js string) string {
	sum := sha256.Sum256([]byte(js))
	return fmt.Sprintf("<generated JSON, %d bytes, sha256:%s>", len(js), hex.EncodeToString(sum[:]))
}

// TestExplainGolden keeps the three explain formats of each built-in.
func TestExplainGolden(t *testing.T) {
	for _, name := range builtinNames {
		for _, format := range []string{FormatText, FormatJSON, FormatDocker} {
			t.Run(name+"/"+format, func(t *testing.T) {
				plan := goldenPlan(t, name)
				var b bytes.Buffer
				if err := plan.WriteExplain(&b, format); err != nil {
					t.Fatal(err)
				}
				out := b.String()
				if js := plan.SeccompJSON(); js != "" {
					out = strings.ReplaceAll(out, jsonString(js), seccompSummary(js))
				}
				golden(t, filepath.Join("testdata", "explain", name+"."+format), []byte(out))
			})
		}
	}
}

// jsonString is s as the explain encoder writes it inside a JSON string.
func jsonString(s string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	return strings.TrimSuffix(strings.TrimSuffix(b.String(), "\n"), `"`)[1:]
}

func TestExplainRefused(t *testing.T) {
	req := build(binds("/etc:/x"), secOpts("seccomp=unconfined"), hc("privileged", func(h *container.HostConfig) { h.Privileged = true }))
	plan, err := Evaluate(req, loadBuiltin(t, "default"), ImageFacts{}, testHost())
	if !errors.Is(err, ErrRefused) {
		t.Fatalf("err %v", err)
	}
	var b bytes.Buffer
	if err := plan.WriteExplain(&b, FormatDocker); !errors.Is(err, ErrRefused) || b.Len() != 0 {
		t.Errorf("docker format of a refused plan: %v, %q", err, b.String())
	}
	b.Reset()
	if err := plan.WriteExplain(&b, FormatText); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	if js := plan.SeccompJSON(); js != "" {
		out = strings.ReplaceAll(out, js, seccompSummary(js))
	}
	golden(t, filepath.Join("testdata", "explain", "refused.text"), []byte(out))
	if err := plan.WriteExplain(&b, "yaml"); err == nil {
		t.Errorf("unknown format accepted")
	}
}

// golden compares got with a golden file, or rewrites it under -update.
func golden(t *testing.T, file string, got []byte) {
	t.Helper()
	goldenfile.Check(t, file, got)
}
