package authz

import (
	"context"
	"strings"
	"testing"

	"github.com/moby/moby/api/types/container"
)

func TestCreateOfHardrunPasses(t *testing.T) {
	for _, profile := range []string{"default", "web", "dev"} {
		t.Run(profile, func(t *testing.T) {
			j, _ := newTestJudge(t, nil, &fakeEngine{})
			req := hardened(t, profile, plain("alpine"))
			d := j.Decide(context.Background(), call("POST", "/v1.41/containers/create?name=web", createBody(t, req)))
			wantAllowed(t, d)
			if d.Profile != profile {
				t.Errorf("judged by %q, want the label's %q", d.Profile, profile)
			}
		})
	}
}

func TestCreatePlainDockerRunDenied(t *testing.T) {
	j, log := newTestJudge(t, nil, &fakeEngine{})
	d := j.Decide(context.Background(), call("POST", "/v1.41/containers/create?name=web", createBody(t, plain("alpine"))))
	wantDenied(t, d, `refused by profile "default"`, "missing --cap-drop ALL", "--read-only=false is not permitted",
		"no-new-privileges", "seccomp", "--user", "use hardrun run")
	if !strings.Contains(log.String(), `hardrun-authz deny endpoint="POST /containers/create" container="web"`) {
		t.Errorf("log line: %q", log.String())
	}
	if n := strings.Count(log.String(), "\n"); n != 1 {
		t.Errorf("%d log lines, want 1", n)
	}
}

func TestCreateWideningsDenied(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(*container.Config, *container.HostConfig)
		wants []string
	}{
		{"privileged", func(_ *container.Config, hc *container.HostConfig) { hc.Privileged = true }, []string{"--privileged is not permitted"}},
		{"bind /etc", func(_ *container.Config, hc *container.HostConfig) { hc.Binds = append(hc.Binds, "/etc:/x:ro") }, []string{"-v /etc:/x:ro is not permitted"}},
		{"read-only off", func(_ *container.Config, hc *container.HostConfig) { hc.ReadonlyRootfs = false }, []string{"--read-only=false"}},
		{"cap-add", func(_ *container.Config, hc *container.HostConfig) { hc.CapAdd = append(hc.CapAdd, "SYS_ADMIN") }, []string{"SYS_ADMIN"}},
		{"root", func(c *container.Config, _ *container.HostConfig) { c.User = "0:0" }, []string{"allow_root"}},
		{"pid host", func(_ *container.Config, hc *container.HostConfig) { hc.PidMode = "host" }, []string{"--pid host"}},
		{"seccomp unconfined", func(_ *container.Config, hc *container.HostConfig) {
			hc.SecurityOpt = []string{"no-new-privileges:true", "seccomp=unconfined"}
		}, []string{"seccomp=unconfined"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			j, _ := newTestJudge(t, nil, &fakeEngine{})
			req := hardened(t, "default", plain("alpine"))
			tt.edit(req.Config, req.HostConfig)
			d := j.Decide(context.Background(), call("POST", "/containers/create", createBody(t, req)))
			wantDenied(t, d, tt.wants...)
		})
	}
}

func TestCreateUndecodableDenied(t *testing.T) {
	tests := map[string]struct {
		body string
		want string
	}{
		"no body":        {"", "no request body reached the plugin"},
		"malformed":      {`{"Image":`, "decode request body"},
		"unknown field":  {`{"Image":"alpine","HostConfig":{"Privileged":false,"Capabilities":["ALL"]}}`, "unknown field"},
		"trailing data":  {`{"Image":"alpine"} {"Image":"x"}`, "data after"},
		"wrong type":     {`{"Image":1}`, "decode request body"},
		"null":           {`null`, "no container config"},
		"array":          {`[]`, "decode request body"},
		"bad platform":   {`{"Image":"alpine"}`, "invalid platform"},
		"deep recursion": {strings.Repeat("[", 100000), "decode request body"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			j, _ := newTestJudge(t, nil, &fakeEngine{})
			uri := "/v1.41/containers/create"
			if name == "bad platform" {
				uri += "?platform=a/b/c/d"
			}
			wantDenied(t, j.Decide(context.Background(), call("POST", uri, []byte(tt.body))), tt.want)
		})
	}
}

// TestCreateEveryURISpelling: the engine's router decodes and cleans the
// path and takes any version prefix; the plugin reads it the same way.
func TestCreateEveryURISpelling(t *testing.T) {
	for _, uri := range []string{
		"/containers/create", "/v1.41/containers/create", "/v1.24/containers/create?name=x",
		"/v1.41//containers/create", "/v1.41/containers/create/", "/v1.41/containers%2Fcreate",
		"//v1.41/containers/./create", "/v1.41/containers/../containers/create", "/v1.41.0/containers/create",
		"/v/containers/create",
	} {
		t.Run(uri, func(t *testing.T) {
			j, _ := newTestJudge(t, nil, &fakeEngine{})
			d := j.Decide(context.Background(), call("POST", uri, createBody(t, plain("alpine"))))
			wantDenied(t, d)
		})
	}
}

func TestCreateLabelProfile(t *testing.T) {
	unconfined := plain("alpine")
	unconfined.Config.Labels = map[string]string{"io.hardrun.profile": "unconfined@sha256:x"}
	t.Run("no site policy: a label cannot opt out", func(t *testing.T) {
		j, _ := newTestJudge(t, nil, &fakeEngine{})
		d := j.Decide(context.Background(), call("POST", "/containers/create", createBody(t, unconfined)))
		wantDenied(t, d, `refused by profile "default"`, `profile "unconfined" enforces nothing`)
	})
	t.Run("site policy lists it", func(t *testing.T) {
		site := &SitePolicy{Profiles: SiteProfiles{Allowed: []string{"default", "unconfined"}}}
		j, _ := newTestJudge(t, site, &fakeEngine{})
		wantAllowed(t, j.Decide(context.Background(), call("POST", "/containers/create", createBody(t, unconfined))))
	})
	t.Run("site policy does not allow strict's label", func(t *testing.T) {
		site := &SitePolicy{Profiles: SiteProfiles{Allowed: []string{"default"}}}
		j, _ := newTestJudge(t, site, &fakeEngine{})
		req := hardened(t, "web", plain("alpine"))
		d := j.Decide(context.Background(), call("POST", "/containers/create", createBody(t, req)))
		if d.Profile != "default" {
			t.Errorf("judged by %q, want default", d.Profile)
		}
	})
	t.Run("file label", func(t *testing.T) {
		j, _ := newTestJudge(t, nil, &fakeEngine{})
		req := hardened(t, "default", plain("alpine"))
		req.Config.Labels["io.hardrun.profile"] = "/tmp/evil.yaml@sha256:x"
		d := j.Decide(context.Background(), call("POST", "/containers/create", createBody(t, req)))
		wantAllowed(t, d) // a label cannot name a file: the default judges, and the request meets it
		if d.Profile != "default" {
			t.Errorf("judged by %q", d.Profile)
		}
	})
}
