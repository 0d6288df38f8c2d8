package authz

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/moby/moby/api/types/container"

	"github.com/hardrun/hardrun/policy"
	"github.com/hardrun/hardrun/profiles"
)

// fakeEngine is a hand-written fake of function fields' worth of state.
type fakeEngine struct {
	containers map[string]container.InspectResponse
	userFiles  map[string]policy.UserFiles
	images     map[string]policy.ImageFacts
	fileReads  int
}

func (f *fakeEngine) HostFacts(_ context.Context, p *profiles.Profile) (policy.HostFacts, error) {
	return policy.HostFacts{
		ResolvePath: func(p string) (string, error) { return filepath.Clean(p), nil },
		Object: func(resolved string) (policy.PathObject, error) {
			return policy.PathObject{}, fmt.Errorf("no objects in the fake")
		},
		Version: "test",
	}, nil
}

func (f *fakeEngine) Image(_ context.Context, ref string) (policy.ImageFacts, error) {
	if img, ok := f.images[ref]; ok {
		return img, nil
	}
	return policy.ImageFacts{}, fmt.Errorf("image %s: %w", ref, policy.ErrNoSuchObject)
}

func (f *fakeEngine) Container(_ context.Context, id string) (container.InspectResponse, error) {
	if c, ok := f.containers[id]; ok {
		return c, nil
	}
	return container.InspectResponse{}, fmt.Errorf("container %s: %w", id, policy.ErrNoSuchObject)
}

func (f *fakeEngine) UserFiles(_ context.Context, id string) (policy.UserFiles, error) {
	f.fileReads++
	if u, ok := f.userFiles[id]; ok {
		return u, nil
	}
	return policy.UserFiles{}, fmt.Errorf("container %s: %w", id, policy.ErrNoSuchObject)
}

func (f *fakeEngine) NetworkName(_ context.Context, id string) (string, error) { return id, nil }

func loadProfile(t testing.TB, name string) *profiles.Profile {
	t.Helper()
	p, err := profiles.NewLoader(profiles.SearchOptions{Getenv: func(string) string { return "" }}).Load(name)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func newTestJudge(t testing.TB, site *SitePolicy, eng *fakeEngine) (*Judge, *bytes.Buffer) {
	t.Helper()
	var log bytes.Buffer
	l := profiles.NewLoader(profiles.SearchOptions{Getenv: func(string) string { return "" }})
	j, err := NewJudge(Options{Engine: eng, Load: l.Load, Default: loadProfile(t, "default"), Site: site, Log: &log})
	if err != nil {
		t.Fatal(err)
	}
	return j, &log
}

// hardened is what `hardrun run` sends: the plan's request.
func hardened(t testing.TB, profile string, req policy.Request) policy.Request {
	t.Helper()
	eng := &fakeEngine{}
	host, _ := eng.HostFacts(context.Background(), nil)
	plan, err := policy.Evaluate(req, loadProfile(t, profile), policy.ImageFacts{}, host)
	if err != nil {
		t.Fatalf("evaluate: %v", err)
	}
	return plan.Request
}

// createBody is the create call's JSON body for req.
func createBody(t testing.TB, req policy.Request) []byte {
	t.Helper()
	b, err := json.Marshal(container.CreateRequest{Config: req.Config, HostConfig: req.HostConfig, NetworkingConfig: req.NetworkingConfig})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func plain(image string) policy.Request {
	return policy.Request{Config: &container.Config{Image: image}, HostConfig: &container.HostConfig{}}
}

func call(method, uri string, body []byte) *Request {
	return &Request{RequestMethod: method, RequestURI: uri, RequestBody: body,
		RequestHeaders: map[string]string{"Content-Type": "application/json"}}
}

func wantDenied(t *testing.T, d Decision, parts ...string) {
	t.Helper()
	if d.Allow {
		t.Fatalf("allowed, want denied (%v)", parts)
	}
	msg := d.Message()
	for _, p := range parts {
		if !strings.Contains(msg, p) {
			t.Errorf("message lacks %q:\n%s", p, msg)
		}
	}
}

func wantAllowed(t *testing.T, d Decision) {
	t.Helper()
	if !d.Allow {
		t.Fatalf("denied, want allowed:\n%s", d.Message())
	}
}
