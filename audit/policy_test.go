// This external test checks audit and the policy together, the way
// `hardrun audit` uses them: what the engine records for a container
// hardrun created must audit clean against the same profile (the one judge agrees with itself), and a plain `docker run` must
// give the findings the contract promises.
package audit_test

import (
	"net/netip"
	"path"
	"slices"
	"strings"
	"testing"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/mount"
	"github.com/moby/moby/api/types/network"

	"github.com/hardrun/hardrun/audit"
	"github.com/hardrun/hardrun/policy"
	"github.com/hardrun/hardrun/profiles"
)

func loadBuiltin(t *testing.T, name string) *profiles.Profile {
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
	return p
}

// host is an AppArmor host whose every path exists as written.
func host() policy.HostFacts {
	return policy.HostFacts{
		Cwd:         "/work",
		ResolvePath: func(p string) (string, error) { return path.Clean(p), nil },
		Volume:      func(string) (policy.VolumeFacts, error) { return policy.VolumeFacts{}, policy.ErrNoSuchObject },
		Container: func(string) (policy.ContainerFacts, error) {
			return policy.ContainerFacts{}, policy.ErrNoSuchObject
		},
		AppArmor: policy.AppArmorFacts{KernelEnabled: true, EngineListed: true, EngineLocal: true},
		Version:  "1.0.0",
		Object: func(p string) (policy.PathObject, error) {
			return policy.PathObject{Kind: policy.ObjectDir, ID: policy.FileID{Dev: 1, Ino: uint64(len(p))}, FSType: "ext4"}, nil
		},
	}
}

var facts = policy.EngineFacts{AppArmor: true, Seccomp: true, CgroupnsHost: true}

// imageVolume is the VOLUME of the image the requests run.
const imageVolume = "/var/lib/app"

// request is `run -p 8080:80 -v /srv/data:/data IMAGE` (strict, which
// publishes nothing and binds no host path, gets -v data:/data).
func request(profile string) policy.Request {
	r := policy.Request{
		Config:           &container.Config{Image: "hardrun-test/health:latest", Cmd: []string{"sleep", "60"}},
		HostConfig:       &container.HostConfig{NetworkMode: "default"},
		NetworkingConfig: &network.NetworkingConfig{},
		Set:              map[string]bool{},
	}
	if profile == "strict" {
		r.HostConfig.Binds = []string{"data:/data"}
		return r
	}
	r.HostConfig.Binds = []string{"/srv/data:/data"}
	r.HostConfig.PortBindings = network.PortMap{network.MustParsePort("80/tcp"): {{HostPort: "8080"}}}
	r.Set["publish"], r.Set["volume"] = true, true
	return r
}

// record is what the engine records for a create request: the image's
// config merged into Config, engine defaults in HostConfig, the mounts,
// the AppArmor profile and the networks.
func record(req policy.Request) container.InspectResponse {
	cfg, hc := *req.Config, *req.HostConfig
	cfg.Volumes = map[string]struct{}{imageVolume: {}}
	cfg.Healthcheck = &container.HealthConfig{Test: []string{"CMD", "true"}}
	hc.IpcMode, hc.Runtime = "private", "runc"
	if hc.CgroupnsMode == "" {
		hc.CgroupnsMode = "host" // the engine's default on cgroup v1
	}
	hc.MaskedPaths, hc.ReadonlyPaths = []string{"/proc/kcore"}, []string{"/proc/sys"}
	if hc.ShmSize == 0 {
		hc.ShmSize = 64 << 20
	}
	if hc.LogConfig.Type == "" {
		hc.LogConfig.Type = "json-file"
	}
	c := container.InspectResponse{
		ID: "c0ffee", Name: "/" + req.Name, Image: "sha256:a798", Config: &cfg, HostConfig: &hc,
		State:           &container.State{Status: container.StateRunning, Running: true},
		NetworkSettings: &container.NetworkSettings{Networks: map[string]*network.EndpointSettings{}},
	}
	net := string(hc.NetworkMode)
	if net == "default" {
		net = "bridge"
	}
	c.NetworkSettings.Networks[net] = &network.EndpointSettings{}
	for _, b := range hc.Binds {
		parts := strings.Split(b, ":")
		mp := container.MountPoint{Type: mount.TypeVolume, Name: parts[0], Destination: parts[1], RW: len(parts) < 3 || !strings.Contains(parts[2], "ro")}
		if strings.HasPrefix(parts[0], "/") {
			mp.Type, mp.Name, mp.Source = mount.TypeBind, "", parts[0]
		}
		c.Mounts = append(c.Mounts, mp)
	}
	mounted := func(dst string) bool {
		return slices.ContainsFunc(c.Mounts, func(m container.MountPoint) bool { return m.Destination == dst })
	}
	for _, m := range hc.Mounts {
		if m.Type != mount.TypeTmpfs {
			c.Mounts = append(c.Mounts, container.MountPoint{Type: m.Type, Source: m.Source, Destination: m.Target, RW: !m.ReadOnly})
		}
	}
	if !mounted(imageVolume) {
		c.Mounts = append(c.Mounts, container.MountPoint{Type: mount.TypeVolume, Name: "anon", Destination: imageVolume, RW: true})
	}
	for _, o := range hc.SecurityOpt {
		if name, ok := strings.CutPrefix(o, "apparmor="); ok {
			c.AppArmorProfile = name
		}
	}
	if c.AppArmorProfile == "" {
		c.AppArmorProfile = "docker-default"
	}
	if bs := hc.PortBindings; len(bs) > 0 {
		c.NetworkSettings.Ports = network.PortMap{}
		for p, list := range bs {
			for _, b := range list {
				if !b.HostIP.IsValid() {
					b.HostIP = netip.IPv4Unspecified()
				}
				c.NetworkSettings.Ports[p] = append(c.NetworkSettings.Ports[p], b)
			}
		}
	}
	return c
}

// auditRecord runs what `hardrun audit` runs on one inspect record.
func auditRecord(t *testing.T, c container.InspectResponse, p *profiles.Profile) audit.Result {
	t.Helper()
	plan, err := policy.Evaluate(policy.RequestFromInspect(c, facts), p, policy.ImageFacts{}, host())
	if plan == nil {
		t.Fatalf("evaluate: %v", err)
	}
	return audit.Judge(audit.Input{Container: c, Engine: facts, Policy: audit.PolicyOf(plan)})
}

func profileFindings(r audit.Result) []audit.Finding {
	var out []audit.Finding
	for _, f := range r.Findings {
		if f.Source == audit.SourceProfile {
			out = append(out, f)
		}
	}
	return out
}

func TestHardrunContainerAuditsClean(t *testing.T) {
	for _, name := range []string{"default", "strict", "web", "dev"} {
		t.Run(name, func(t *testing.T) {
			p := loadBuiltin(t, name)
			plan, err := policy.Evaluate(request(name), p, policy.ImageFacts{Volumes: []string{imageVolume}}, host())
			if err != nil {
				t.Fatalf("hardrun would not create it: %v", err)
			}
			res := auditRecord(t, record(plan.Request), p)
			for _, f := range profileFindings(res) {
				t.Errorf("profile finding on hardrun's own container: %s: %s (want %s, got %s)", f.ID, f.Title, f.Want, f.Got)
			}
		})
	}
}

func TestPlainDockerRunFindings(t *testing.T) {
	p := loadBuiltin(t, "default")
	res := auditRecord(t, record(request("default")), p)
	var ids []string
	for _, f := range profileFindings(res) {
		ids = append(ids, f.ID)
	}
	for _, want := range []string{
		"user", "cap_drop", "read_only", "volumes.default_mode", "network.default", "network.publish_host_ip",
		"limits.memory", "limits.pids", "no_new_privileges", "seccomp", "apparmor",
	} {
		if !slices.Contains(ids, want) {
			t.Errorf("no %s finding; got %v", want, ids)
		}
	}
	if res.Pass {
		t.Error("a plain docker run passes")
	}
}

func TestPlainDockerRunPassesUnconfined(t *testing.T) {
	res := auditRecord(t, record(request("default")), loadBuiltin(t, "unconfined"))
	if fs := profileFindings(res); len(fs) != 0 {
		t.Errorf("unconfined enforces nothing, yet: %+v", fs)
	}
}
