package authz

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/mount"

	"github.com/hardrun/hardrun/policy"
)

func TestReadsPassUnknownWritesDenied(t *testing.T) {
	tests := []struct {
		method, uri string
		allow       bool
	}{
		{"GET", "/v1.41/containers/json?all=1", true},
		{"HEAD", "/_ping", true},
		{"GET", "/v1.41/containers/web/archive?path=/etc/passwd", true},
		{"POST", "/v1.41/containers/web/stop", true},
		{"DELETE", "/v1.41/containers/web?force=1", true},
		{"POST", "/v1.41/exec/abc/start", true},
		{"POST", "/v1.41/images/create?fromImage=alpine", true},
		{"POST", "/v1.41/networks/create", true},
		{"POST", "/v1.41/plugins/vieux/sshfs:latest/disable", true},
		{"POST", "/v1.41/swarm/init", false},
		{"POST", "/v1.41/containers/web/checkpoints", false},
		{"PATCH", "/v1.41/containers/web", false},
		{"POST", "/v1.41/plugins/pull?remote=vieux/sshfs", false},
		{"POST", "/v1.41/plugins/vieux/sshfs:latest/enable", false},
		{"POST", "/v1.41/plugins/vieux/sshfs:latest/set", false},
		{"POST", "/v1.41/services/create", false},
		{"POST", "/v1.41/build?networkmode=host", false},
		{"POST", "/v1.41/build?cgroupparent=/x", false},
		{"POST", "/v1.41/build?networkmode=default&t=x", true},
		{"POST", "%zz", false},
		{"POST", "", false},
		{"", "/containers/create", false},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.uri, func(t *testing.T) {
			j, log := newTestJudge(t, nil, &fakeEngine{})
			d := j.Decide(context.Background(), call(tt.method, tt.uri, nil))
			if d.Allow != tt.allow {
				t.Fatalf("allow = %v, want %v: %s", d.Allow, tt.allow, d.Message())
			}
			if !d.Allow && (len(d.Reasons) == 0 || log.Len() == 0) {
				t.Errorf("a denial without a reason or log line: %q / %q", d.Message(), log.String())
			}
		})
	}
}

// running is a container hardrun made under profile, with files.
func running(profile string) *fakeEngine {
	return &fakeEngine{
		containers: map[string]container.InspectResponse{"web": {
			Config:     &container.Config{User: "10001:10001", Labels: map[string]string{policy.LabelProfile: profile + "@sha256:x"}},
			HostConfig: &container.HostConfig{ReadonlyRootfs: true},
		}},
		userFiles: map[string]policy.UserFiles{"web": {
			Passwd: []byte("root:x:0:0::/root:/bin/sh\napp:x:10001:10001::/:/bin/sh\n"), HavePasswd: true,
			Group: []byte("root:x:0:\napp:x:10001:\n"), HaveGroup: true,
		}},
	}
}

// TestExecWritableRoot: no exec into a container that may have rewritten
// the files its exec user is resolved from.
func TestExecWritableRoot(t *testing.T) {
	e := running("default")
	c := e.containers["web"]
	c.HostConfig = &container.HostConfig{}
	e.containers["web"] = c
	j, _ := newTestJudge(t, nil, e)
	for _, body := range []string{`{"Cmd":["id"]}`, `{"User":"10001:10001","Cmd":["id"]}`} {
		d := j.Decide(context.Background(), call("POST", "/v1.41/containers/web/exec", []byte(body)))
		wantDenied(t, d, "exec into a container with a writable root file system is not permitted")
	}
}

func TestExec(t *testing.T) {
	tests := []struct {
		body  string
		allow bool
		want  string
	}{
		{`{"Cmd":["id"]}`, true, ""},
		{`{"User":"","Privileged":false,"Tty":false,"AttachStdin":false,"AttachStderr":true,"AttachStdout":true,"Detach":false,"DetachKeys":"","Env":null,"WorkingDir":"","Cmd":["id"]}`, true, ""},
		{`{"User":"app","Cmd":["id"]}`, true, ""},
		{`{"User":"0","Cmd":["id"]}`, false, "exec --user 0 is not permitted"},
		{`{"User":"root","Cmd":["id"]}`, false, "uid 0"},
		{`{"User":"00:10001","Cmd":["id"]}`, false, "uid 0"},
		{`{"Privileged":true,"Cmd":["id"]}`, false, "--privileged"},
		{`{"WorkingDir":"/proc/self/fd/7","Cmd":["id"]}`, false, "CVE-2024-21626"},
		{`{"Cmd":["id"],"Bogus":1}`, false, "unknown field"},
		{``, false, "no request body"},
	}
	for _, tt := range tests {
		t.Run(tt.body, func(t *testing.T) {
			j, _ := newTestJudge(t, nil, running("default"))
			d := j.Decide(context.Background(), call("POST", "/v1.41/containers/web/exec", []byte(tt.body)))
			if tt.allow {
				wantAllowed(t, d)
				return
			}
			wantDenied(t, d, tt.want)
		})
	}
	t.Run("no such container", func(t *testing.T) {
		j, _ := newTestJudge(t, nil, running("default"))
		wantDenied(t, j.Decide(context.Background(), call("POST", "/containers/nope/exec", []byte(`{"Cmd":["id"]}`))), "inspect container nope")
	})
}

func TestUpdate(t *testing.T) {
	j, _ := newTestJudge(t, nil, running("default"))
	wantDenied(t, j.Decide(context.Background(), call("POST", "/v1.41/containers/web/update", []byte(`{"Memory":17179869184}`))), "max.memory")
	wantDenied(t, j.Decide(context.Background(), call("POST", "/v1.41/containers/web/update", []byte(`{"CpuQuota":-1}`))), "max.cpus")
	wantAllowed(t, j.Decide(context.Background(), call("POST", "/v1.41/containers/web/update", []byte(`{"Memory":268435456}`))))
}

func TestStart(t *testing.T) {
	t.Run("deprecated host config", func(t *testing.T) {
		j, _ := newTestJudge(t, nil, running("default"))
		wantDenied(t, j.Decide(context.Background(), call("POST", "/v1.23/containers/web/start", []byte(`{"Privileged":true}`))), "deprecated API")
	})
	t.Run("plain", func(t *testing.T) {
		j, _ := newTestJudge(t, nil, running("default"))
		wantAllowed(t, j.Decide(context.Background(), call("POST", "/containers/web/start", nil)))
	})
	t.Run("uid whose group is 0 in the image", func(t *testing.T) {
		eng := running("default")
		f := eng.userFiles["web"]
		f.Group = []byte("root:x:0:app\napp:x:10001:\n")
		eng.userFiles["web"] = f
		c := eng.containers["web"]
		c.Config.User = "10001"
		eng.containers["web"] = c
		j, _ := newTestJudge(t, nil, eng)
		wantDenied(t, j.Decide(context.Background(), call("POST", "/containers/web/start", nil)), "allow_root_group")
	})
	t.Run("bind source gone", func(t *testing.T) {
		eng := running("default")
		c := eng.containers["web"]
		c.Mounts = []container.MountPoint{{Type: mount.TypeBind, Source: "/srv/../etc", Destination: "/x"}}
		eng.containers["web"] = c
		j, _ := newTestJudge(t, nil, eng)
		wantDenied(t, j.Decide(context.Background(), call("POST", "/containers/web/start", nil)), "bind /srv/../etc:/x")
	})
}

func TestVolumeCreate(t *testing.T) {
	j, _ := newTestJudge(t, nil, &fakeEngine{})
	wantAllowed(t, j.Decide(context.Background(), call("POST", "/v1.41/volumes/create", []byte(`{"Name":"data"}`))))
	wantAllowed(t, j.Decide(context.Background(), call("POST", "/v1.41/volumes/create", []byte(`{}`))))
	wantDenied(t, j.Decide(context.Background(), call("POST", "/v1.41/volumes/create",
		[]byte(`{"Name":"etc","DriverOpts":{"type":"none","o":"bind","device":"/etc"}}`))), "volume etc")
	wantDenied(t, j.Decide(context.Background(), call("POST", "/v1.41/volumes/create", []byte(`{"Name":"x","Driver":"sshfs"}`))), "volume x")
}

func TestNetworkConnect(t *testing.T) {
	j, _ := newTestJudge(t, nil, running("default"))
	wantDenied(t, j.Decide(context.Background(), call("POST", "/v1.41/networks/host/connect", []byte(`{"Container":"web"}`))), "network.allow")
	wantAllowed(t, j.Decide(context.Background(), call("POST", "/v1.41/networks/hardrun-isolated/connect", []byte(`{"Container":"web"}`))))
}

func TestHandler(t *testing.T) {
	j, log := newTestJudge(t, nil, &fakeEngine{})
	srv := httptest.NewServer(NewHandler(j))
	defer srv.Close()
	post := func(p, body string) Response {
		t.Helper()
		resp, err := http.Post(srv.URL+p, "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var r Response
		if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
			t.Fatal(err)
		}
		return r
	}
	resp, err := http.Post(srv.URL+"/Plugin.Activate", "application/json", nil)
	if err != nil {
		t.Fatal(err)
	}
	var act struct{ Implements []string }
	_ = json.NewDecoder(resp.Body).Decode(&act)
	resp.Body.Close()
	if len(act.Implements) != 1 || act.Implements[0] != "authz" {
		t.Errorf("Activate = %v", act)
	}
	if r := post("/AuthZPlugin.AuthZReq", `{"RequestMethod":"GET","RequestUri":"/v1.41/info"}`); !r.Allow {
		t.Errorf("read denied: %+v", r)
	}
	if r := post("/AuthZPlugin.AuthZReq", `{"RequestMethod":"POST","RequestUri":"/v1.41/containers/create","RequestBody":"eyJJbWFnZSI6ImFscGluZSJ9"}`); r.Allow || !strings.Contains(r.Msg, "hardrun run") {
		t.Errorf("plain create: %+v", r)
	}
	if r := post("/AuthZPlugin.AuthZReq", `{"RequestMethod":"POST",`); r.Allow || r.Msg == "" {
		t.Errorf("truncated call: %+v", r)
	}
	if r := post("/AuthZPlugin.AuthZReq", `{"RequestMethod":"POST","RequestUri":"/containers/create","RequestBody":"!!notbase64"}`); r.Allow {
		t.Errorf("bad base64: %+v", r)
	}
	if r := post("/AuthZPlugin.AuthZRes", `{}`); !r.Allow {
		t.Errorf("AuthZRes: %+v", r)
	}
	if n := strings.Count(log.String(), "\n"); n != 3 {
		t.Errorf("%d denial lines, want 3:\n%s", n, log.String())
	}
}

// TestStartUserFilesCache: a container created while the plugin ran and
// never started has its image's files; a copy-in ends that.
func TestStartUserFilesCache(t *testing.T) {
	eng := running("default")
	c := eng.containers["web"]
	c.ID, c.Image = "abc123", "sha256:img"
	c.State = &container.State{Status: container.StateCreated}
	eng.containers["web"] = c
	j, _ := newTestJudge(t, nil, eng)
	j.Responded(&Request{RequestMethod: "POST", RequestURI: "/v1.41/containers/create", ResponseStatusCode: 201, ResponseBody: []byte(`{"Id":"abc123","Warnings":[]}`)})
	start := func() {
		t.Helper()
		wantAllowed(t, j.Decide(context.Background(), call("POST", "/containers/web/start", nil)))
	}
	start()
	start()
	if eng.fileReads != 1 {
		t.Errorf("%d reads of the container's files, want 1 (then the image's, cached)", eng.fileReads)
	}
	wantAllowed(t, j.Decide(context.Background(), call("PUT", "/containers/web/archive?path=/etc", nil)))
	start()
	if eng.fileReads != 2 {
		t.Errorf("%d reads after a copy-in, want 2", eng.fileReads)
	}
}
