package audit_test

import (
	"context"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	dockerspec "github.com/moby/docker-image-spec/specs-go/v1"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/mount"
	"github.com/moby/moby/api/types/network"
	"github.com/moby/moby/api/types/system"

	"github.com/hardrun/hardrun/audit"
	"github.com/hardrun/hardrun/policy"
)

// fakeEngine is audit.Engine over a fixed set of containers. UserFiles
// counts the calls in flight; reading a container in removeOnRead
// removes it first, as a concurrent `docker rm` would.
type fakeEngine struct {
	mu           sync.Mutex
	containers   map[string]container.InspectResponse
	files        map[string]policy.UserFiles
	removeOnRead map[string]bool
	inFlight     atomic.Int32
	maxInFlight  atomic.Int32
}

func (f *fakeEngine) Info(context.Context) (system.Info, error) {
	return system.Info{CgroupVersion: "2", SecurityOptions: []string{"name=seccomp,profile=default"}}, nil
}

func (f *fakeEngine) ContainerList(context.Context, bool) ([]string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var ids []string
	for id := range f.containers {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids, nil
}

func (f *fakeEngine) ContainerInspect(_ context.Context, id string) (container.InspectResponse, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	c, ok := f.containers[id]
	if !ok {
		return c, fmt.Errorf("no such container: %s: %w", id, policy.ErrNoSuchObject)
	}
	return c, nil
}

func (f *fakeEngine) ImageConfig(context.Context, string) (*dockerspec.DockerOCIImageConfig, error) {
	return nil, nil
}

func (f *fakeEngine) UserFiles(_ context.Context, id string) (policy.UserFiles, error) {
	n := f.inFlight.Add(1)
	defer f.inFlight.Add(-1)
	for {
		m := f.maxInFlight.Load()
		if n <= m || f.maxInFlight.CompareAndSwap(m, n) {
			break
		}
	}
	time.Sleep(2 * time.Millisecond)
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.removeOnRead[id] {
		delete(f.containers, id)
		return policy.UserFiles{}, nil // the archive endpoint's 404 reads as "no file"
	}
	return f.files[id], nil
}

const userPasswd = "root:x:0:0::/root:/bin/sh\nuser:x:1234:1234::/home:/bin/sh\n"

func userFiles(group string) policy.UserFiles {
	return policy.UserFiles{Passwd: []byte(userPasswd), Group: []byte(group), HavePasswd: true, HaveGroup: true}
}

// plainContainer is what the engine records for a plain `docker create
// --user USER`, on a cgroup v2 engine.
func plainContainer(id, user string) container.InspectResponse {
	return container.InspectResponse{
		ID: id, Name: "/" + id, Image: "sha256:" + id,
		State:           &container.State{Status: container.StateCreated},
		Config:          &container.Config{Image: "img", User: user},
		HostConfig:      &container.HostConfig{NetworkMode: "bridge", CgroupnsMode: "private", LogConfig: container.LogConfig{Type: "json-file"}},
		NetworkSettings: &container.NetworkSettings{Networks: map[string]*network.EndpointSettings{"bridge": {}}},
	}
}

func effectsEngine() *fakeEngine {
	f := &fakeEngine{containers: map[string]container.InspectResponse{}, files: map[string]policy.UserFiles{}, removeOnRead: map[string]bool{}}
	add := func(c container.InspectResponse, files policy.UserFiles) {
		f.containers[c.ID], f.files[c.ID] = c, files
	}
	plainGroups := "root:x:0:\nuser:x:1234:\n"
	add(plainContainer("clean", "1234"), userFiles(plainGroups))
	add(plainContainer("group0", "1234"), userFiles("root:x:0:user\nuser:x:1234:\n"))
	add(plainContainer("noetc", ""), policy.UserFiles{})
	add(plainContainer("noetcname", "nobody"), policy.UserFiles{})
	tmpvol := plainContainer("tmpvol", "1234")
	tmpvol.Mounts = []container.MountPoint{{Type: mount.TypeVolume, Name: "tmpvol", Destination: "/v", Driver: "local", RW: true}}
	add(tmpvol, userFiles(plainGroups))
	syslog := plainContainer("syslog", "1234")
	syslog.HostConfig.LogConfig.Type = "syslog"
	add(syslog, userFiles(plainGroups))
	cgns := plainContainer("cgns", "1234")
	cgns.HostConfig.CgroupnsMode = "host"
	add(cgns, userFiles(plainGroups))
	ports := plainContainer("ports", "1234")
	ports.NetworkSettings.Ports = network.PortMap{network.MustParsePort("80/tcp"): {
		{HostIP: netip.MustParseAddr("0.0.0.0"), HostPort: "8080"}, {HostIP: netip.MustParseAddr("::"), HostPort: "8080"}}}
	add(ports, userFiles(plainGroups))
	add(plainContainer("removed", "1234"), userFiles(plainGroups))
	f.removeOnRead["removed"] = true
	return f
}

func effectsHost() policy.HostFacts {
	h := host()
	h.Volume = func(name string) (policy.VolumeFacts, error) {
		if name == "tmpvol" {
			return policy.VolumeFacts{Driver: "local", Options: map[string]string{"type": "tmpfs", "device": "tmpfs"}}, nil
		}
		return policy.VolumeFacts{}, policy.ErrNoSuchObject
	}
	return h
}

func runEffects(t *testing.T, f *fakeEngine, o audit.Options) (audit.Report, error) {
	t.Helper()
	o.Profile = loadBuiltin(t, "default")
	o.HostFacts = func(context.Context) (policy.HostFacts, error) { return effectsHost(), nil }
	return audit.Run(context.Background(), f, o)
}

// TestRunEffects: each hole gives the finding that names it, from what
// the container really gets; the clean container has none of them.
func TestRunEffects(t *testing.T) {
	rep, err := runEffects(t, effectsEngine(), audit.Options{All: true})
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]audit.Result{}
	for _, r := range rep.Results {
		byName[r.Container.Name] = r
	}
	tests := []struct {
		container, id, got string // got: a part of Finding.Got
	}{
		{"group0", "allow_root_group", "groups 0,1234"},
		{"noetc", "allow_root", "uid 0"},
		{"noetcname", "enforce", `"nobody"`},
		{"tmpvol", "volumes.driver_options", "volume tmpvol"},
		{"syslog", "logging_allow", "syslog"},
		{"cgns", "namespaces_allow_host", "host"},
		{"ports", "network.publish_host_ip", "0.0.0.0:8080->80/tcp"},
		{"ports", "network.publish_host_ip", "[::]:8080->80/tcp"},
	}
	for _, tt := range tests {
		t.Run(tt.container+"/"+tt.id, func(t *testing.T) {
			r, ok := byName[tt.container]
			if !ok {
				t.Fatalf("no result for %s", tt.container)
			}
			if r.Pass || !hasFinding(r, tt.id, tt.got) {
				t.Errorf("no failed finding %s with %q in %+v", tt.id, tt.got, r.Findings)
			}
			if r.Effects == nil {
				t.Error("no effects report")
			}
		})
	}
	clean := byName["clean"]
	for _, id := range []string{"allow_root", "allow_root_group", "enforce", "logging_allow", "namespaces_allow_host", "network.publish_host_ip", "volumes.driver_options"} {
		if hasFinding(clean, id, "") {
			t.Errorf("clean container has a %s finding: %+v", id, clean.Findings)
		}
	}
	if e := clean.Effects; e == nil || e.UID == nil || *e.UID != 1234 || !slices.Equal(e.Groups, []int{1234}) || e.Cgroupns != "private" {
		t.Errorf("clean effects %+v", clean.Effects)
	}
	if v := byName["tmpvol"].Effects.Volumes; len(v) != 1 || v[0].Options["type"] != "tmpfs" {
		t.Errorf("tmpvol volumes %+v", v)
	}
}

// TestRunRemovedWhileAudited: under --all a container removed between
// its inspect and the read of its user files is left out with a notice;
// named on the command line, it fails the run rather than read as a pass.
func TestRunRemovedWhileAudited(t *testing.T) {
	rep, err := runEffects(t, effectsEngine(), audit.Options{All: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rep.Results {
		if r.Container.ID == "removed" {
			t.Errorf("the removed container has a result: %+v", r)
		}
	}
	if !slices.ContainsFunc(rep.Notices, func(n string) bool { return strings.Contains(n, "removed while it was audited") }) {
		t.Errorf("no notice of the removal in %q", rep.Notices)
	}
	_, err = runEffects(t, effectsEngine(), audit.Options{Names: []string{"clean", "removed"}})
	if err == nil || !strings.Contains(err.Error(), "removed while it was audited") {
		t.Errorf("by name: got %v, want the removal reported", err)
	}
}

// TestRunLookupsBounded: the archive reads run concurrently, at most
// audit.LookupParallel at a time.
func TestRunLookupsBounded(t *testing.T) {
	f := &fakeEngine{containers: map[string]container.InspectResponse{}, files: map[string]policy.UserFiles{}}
	for i := range 50 {
		id := fmt.Sprintf("c%02d", i)
		f.containers[id], f.files[id] = plainContainer(id, "1234"), userFiles("user:x:1234:\n")
	}
	rep, err := runEffects(t, f, audit.Options{All: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Results) != 50 {
		t.Errorf("%d results, want 50", len(rep.Results))
	}
	if m := f.maxInFlight.Load(); m > audit.LookupParallel || m < 2 {
		t.Errorf("%d archive reads in flight at most, want 2..%d", m, audit.LookupParallel)
	}
}

func hasFinding(r audit.Result, id, got string) bool {
	return slices.ContainsFunc(r.Findings, func(f audit.Finding) bool {
		return f.ID == id && !f.Pass && strings.Contains(f.Got, got)
	})
}

// TestRunUserFilesOncePerImage: containers whose user files are still
// their image's are read once per image; one with a mount over /etc is
// read on its own, and its group 0 is found.
func TestRunUserFilesOncePerImage(t *testing.T) {
	f := &fakeEngine{containers: map[string]container.InspectResponse{}, files: map[string]policy.UserFiles{}}
	var reads atomic.Int32
	for i := range 20 {
		id := fmt.Sprintf("c%02d", i)
		c := plainContainer(id, "1234")
		c.Image = "sha256:same"
		f.containers[id], f.files[id] = c, userFiles("user:x:1234:\n")
	}
	etc := plainContainer("etcbind", "1234")
	etc.Image = "sha256:same"
	etc.Mounts = []container.MountPoint{{Type: mount.TypeBind, Source: "/srv/etc", Destination: "/etc/"}}
	f.containers["etcbind"], f.files["etcbind"] = etc, userFiles("root:x:0:user\n")
	counting := &countingEngine{fakeEngine: f, reads: &reads}
	rep, err := audit.Run(context.Background(), counting, audit.Options{
		Profile: loadBuiltin(t, "default"), All: true,
		HostFacts:   func(context.Context) (policy.HostFacts, error) { return effectsHost(), nil },
		SameAsImage: func(container.InspectResponse) bool { return true },
	})
	if err != nil {
		t.Fatal(err)
	}
	if n := reads.Load(); n != 2 {
		t.Errorf("%d archive reads, want 2 (the image once, the container with /etc mounted once)", n)
	}
	for _, r := range rep.Results {
		if r.Container.ID == "etcbind" && !hasFinding(r, "allow_root_group", "groups 0") {
			t.Errorf("etcbind: no allow_root_group finding: %+v", r.Findings)
		}
	}
}

type countingEngine struct {
	*fakeEngine
	reads *atomic.Int32
}

func (c *countingEngine) UserFiles(ctx context.Context, id string) (policy.UserFiles, error) {
	c.reads.Add(1)
	return c.fakeEngine.UserFiles(ctx, id)
}
