package policy

import (
	"errors"
	"fmt"
	"io/fs"
	"net/netip"
	"path"
	"strings"
	"testing"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/mount"
	"github.com/moby/moby/api/types/network"

	goldenfile "github.com/hardrun/hardrun/internal/golden"
	"github.com/hardrun/hardrun/profiles"
)

// Golden files are refreshed with `go test ./policy -update` (the flag is
// internal/golden's).
func updating() bool { return *goldenfile.Update }

// testProfile returns a profile built in code from the contract's example
// and the built-ins it describes, so the policy tests do not depend on the
// loader (the golden tests load the real built-ins).
func testProfile(name string) *profiles.Profile {
	p := &profiles.Profile{
		Version: 1, Name: "default", Enforce: true,
		User: "10001:10001", NoNewPrivileges: true,
		CapDrop: []string{"ALL"}, CapAdd: []string{"NET_BIND_SERVICE"}, CapAllow: []string{},
		ReadOnly: true, Tmpfs: []string{"/tmp:rw,noexec,nosuid,nodev,size=64m"},
		Seccomp: profiles.Seccomp{Base: "default",
			Deny: []string{"keyctl", "add_key", "request_key", "ptrace", "unshare", "mount", "umount2", "bpf", "perf_event_open"}},
		AppArmor: profiles.AppArmor{Mode: "if-available", Profile: "generate", DenyWrite: []string{"/proc/sys/**", "/sys/**"}},
		Volumes: profiles.Volumes{DefaultMode: "ro", AllowRW: []string{}, Deny: []string{}, AllowBind: true,
			DriversAllow: []string{"local"}},
		LoggingAllow: []string{"json-file", "local", "none"},
		Network: profiles.Network{Default: "isolated", Allow: []string{"bridge", "none", "user-defined"},
			Publish: true, PublishHostIP: "127.0.0.1"},
		NamespacesAllowHost: []string{}, DevicesAllow: []string{}, SysctlsAllow: []string{},
		Limits: profiles.Limits{Memory: "512m", MemorySwap: "512m", CPUs: "1.0", CPUShares: 512, Pids: 256, ShmSize: "64m",
			Ulimits: map[string]string{"nofile": "1024:1024", "nproc": "512:512", "core": "0:0"}},
		Max:          profiles.Max{Memory: "2g", CPUs: "2.0", Pids: 1024},
		Init:         true,
		RestartAllow: []string{"no", "on-failure"},
		Logging:      profiles.Logging{Driver: "json-file", Options: map[string]string{"max-size": "10m", "max-file": "3"}},
		Images:       profiles.Images{Allow: []string{"*"}},
	}
	switch name {
	case "default":
	case "strict":
		p.Name, p.CapAdd = "strict", []string{}
		p.Seccomp.Base = "strict"
		p.AppArmor.Mode = "required"
		p.Volumes.AllowBind = false
		p.Network = profiles.Network{Default: "none", Allow: []string{"none"}, Publish: false, PublishHostIP: "127.0.0.1"}
		p.Limits.Memory, p.Limits.MemorySwap, p.Limits.CPUs, p.Limits.CPUShares, p.Limits.Pids = "256m", "256m", "0.5", 256, 128
		p.Max = profiles.Max{Memory: "1g", CPUs: "1.0", Pids: 256}
	case "web":
		p.Name = "web"
		p.Network.PublishHostIP = "0.0.0.0"
	case "dev":
		p.Name = "dev"
		p.CapAllow = []string{"SYS_PTRACE"}
		p.Seccomp.Deny = []string{"keyctl", "add_key", "request_key", "unshare", "mount", "umount2", "bpf", "perf_event_open"}
		p.Seccomp.Allow = []string{"ptrace"}
		p.Volumes.AllowRW = []string{"$PWD", "$PWD/**"}
	case "unconfined":
		p = &profiles.Profile{Version: 1, Name: "unconfined", Enforce: false, AllowRoot: true, Privileged: true,
			CapAllow: []string{"ALL"}, Seccomp: profiles.Seccomp{Base: "unconfined"}, AppArmor: profiles.AppArmor{Mode: "off"},
			Volumes: profiles.Volumes{DefaultMode: "rw", AllowRW: []string{"/**"}, AllowBind: true}}
	default:
		panic("no test profile " + name)
	}
	return p
}

// fakeFS is a host file system of existing paths and symlinks.
type fakeFS struct {
	exist map[string]bool
	links map[string]string
}

func newFakeFS(paths []string, links map[string]string) fakeFS {
	f := fakeFS{exist: map[string]bool{"/": true}, links: links}
	for _, p := range paths {
		for q := p; q != "/"; q = path.Dir(q) {
			f.exist[q] = true
		}
	}
	return f
}

// resolve follows symlinks component by component, as EvalSymlinks does.
func (f fakeFS) resolve(p string) (string, error) {
	p = path.Clean(p)
	for range 40 {
		next, changed := f.step(p)
		if !changed {
			break
		}
		p = next
	}
	if !f.exist[p] {
		return "", fmt.Errorf("lstat %s: %w", p, fs.ErrNotExist)
	}
	return p, nil
}

func (f fakeFS) step(p string) (string, bool) {
	parts := splitPath(p)
	cur := "/"
	for i, part := range parts {
		cur = path.Join(cur, part)
		if t, ok := f.links[cur]; ok {
			if !path.IsAbs(t) {
				t = path.Join(path.Dir(cur), t)
			}
			return path.Join(append([]string{t}, parts[i+1:]...)...), true
		}
	}
	return p, false
}

const testCwd = "/home/u/proj"

var testFS = newFakeFS([]string{
	"/etc/passwd", "/proc/self", "/sys/fs/cgroup", "/dev/sda", "/dev/nvidia0", "/boot/grub",
	"/root/.ssh", "/root/ci/proj/src", "/root/other", "/var/lib/docker/volumes", "/run/docker.sock", "/run/secrets",
	"/home/u/proj/data", "/home/u/proj/sub", "/home/u/other", "/srv/data", "/srv/secret/key",
	"/srv/sock", "/srv/dsock", "/srv/dev0", "/srv/etc-alias/ssh.cfg", "/srv/hard.txt", "/srv/single.txt",
	"/srv/procalias", "/srv/mnt", "/srv/runalias", "/srv/bindx", "/srv/bindok",
}, map[string]string{
	"/var/run":        "/run",
	"/home/u/link":    "/etc",
	"/home/u/sock":    "/var/run/docker.sock",
	"/home/u/ln-proj": "proj",
})

// testHost is a local engine on an AppArmor host, over testFS, with a few
// volumes and containers.
func testHost() HostFacts {
	return HostFacts{
		Cwd:         testCwd,
		ResolvePath: testFS.resolve,
		Volume: func(name string) (VolumeFacts, error) {
			switch name {
			case "data":
				return VolumeFacts{Driver: "local"}, nil
			case "optvol":
				return VolumeFacts{Driver: "local", Options: map[string]string{"type": "tmpfs", "device": "tmpfs"}}, nil
			case "plugvol":
				return VolumeFacts{Driver: "rexray/ebs"}, nil
			case "etcvol":
				return VolumeFacts{Driver: "local", Options: map[string]string{"type": "none", "o": "bind", "device": "/etc"}}, nil
			}
			return VolumeFacts{}, fmt.Errorf("volume %s: %w", name, ErrNoSuchObject)
		},
		Container: func(name string) (ContainerFacts, error) {
			switch name {
			case "web":
				return ContainerFacts{HostConfig: &container.HostConfig{}, Mounts: []container.MountPoint{
					{Type: mount.TypeVolume, Name: "data", Destination: "/data", RW: true}}}, nil
			case "leaky":
				return ContainerFacts{HostConfig: &container.HostConfig{}, Mounts: []container.MountPoint{
					{Type: mount.TypeBind, Source: "/etc", Destination: "/host-etc", RW: false}}}, nil
			case "rwbind":
				return ContainerFacts{HostConfig: &container.HostConfig{}, Mounts: []container.MountPoint{
					{Type: mount.TypeBind, Source: "/srv/data", Destination: "/srv", RW: true}}}, nil
			case "optsrc":
				return ContainerFacts{HostConfig: &container.HostConfig{}, Mounts: []container.MountPoint{
					{Type: mount.TypeVolume, Name: "optvol", Driver: "local", Destination: "/o", RW: true}}}, nil
			case "god":
				return ContainerFacts{Privileged: true, HostConfig: &container.HostConfig{Privileged: true}}, nil
			case "hostnet":
				return ContainerFacts{HostConfig: &container.HostConfig{NetworkMode: "host"}}, nil
			}
			return ContainerFacts{}, fmt.Errorf("container %s: %w", name, ErrNoSuchObject)
		},
		AppArmor: AppArmorFacts{KernelEnabled: true, EngineListed: true, EngineLocal: true,
			Loaded: map[string]bool{"myprofile": true, "lazy": true}, Modes: map[string]string{"myprofile": "enforce", "lazy": "complain"}},
		Version: "1.0.0-test",
		Object:  fakeObject,
		Protected: func() []ProtectedObject {
			var out []ProtectedObject
			for _, p := range append([]string{"/"}, append(neverBind, EngineSockets...)...) {
				if q, err := testFS.resolve(p); err == nil && q == p {
					out = append(out, ProtectedObject{Path: p, ID: fakeID(p), MountPoint: fakeMountPoints[p]})
				}
			}
			return out
		},
	}
}

// fakeMountPoints are the protected paths testFS mounts file systems of
// their own at, each with its own device.
var fakeMountPoints = map[string]bool{"/run": true, "/proc": true, "/sys": true, "/dev": true}

var fakeDevs = map[string]uint64{"/run": 2, "/proc": 3, "/sys": 4, "/dev": 5}

// fakeObjects are testFS's special objects; every other path is a
// directory (a regular file if its name has a dot) with an identity of its
// own, on its mount's device.
var fakeObjects = map[string]PathObject{
	"/srv/sock":              {Kind: ObjectSocket},
	"/srv/dsock":             {Kind: ObjectSocket, ID: fakeID("/run/docker.sock")},
	"/run/docker.sock":       {Kind: ObjectSocket},
	"/srv/dev0":              {Kind: ObjectDevice},
	"/srv/etc-alias":         {Kind: ObjectDir, ID: fakeID("/etc")},
	"/srv/hard.txt":          {Kind: ObjectFile, Links: 2},
	"/srv/single.txt":        {Kind: ObjectFile, Links: 1},
	"/srv/procalias":         {Kind: ObjectDir, FSType: "proc"},
	"/srv/mnt":               {Kind: ObjectDir, Submounts: []string{"/srv/mnt/usb"}},
	"/srv/runalias":          {Kind: ObjectDir, ID: FileID{Dev: fakeDev("/run"), Ino: 99}},
	"/srv/etc-alias/ssh.cfg": {Kind: ObjectFile, Links: 1},
	"/srv/bindx":             {Kind: ObjectDir, Origin: "/etc/default"},
	"/srv/bindok":            {Kind: ObjectDir, Origin: "/srv/data"},
}

func fakeDev(p string) uint64 {
	for mp := range fakeMountPoints {
		if p == mp || strings.HasPrefix(p, mp+"/") {
			return fakeDevs[mp]
		}
	}
	return 1
}

func fakeID(p string) FileID {
	var h uint64 = 14695981039346656037
	for i := 0; i < len(p); i++ {
		h = (h ^ uint64(p[i])) * 1099511628211
	}
	return FileID{Dev: fakeDev(p), Ino: h}
}

func fakeObject(p string) (PathObject, error) {
	if _, err := testFS.resolve(p); err != nil {
		return PathObject{}, err
	}
	o, ok := fakeObjects[p]
	if !ok {
		o.Kind = ObjectDir
		if strings.Contains(path.Base(p), ".") {
			o.Kind, o.Links = ObjectFile, 1
		}
	}
	if o.ID == (FileID{}) {
		o.ID = fakeID(p)
	}
	if o.FSType == "" {
		o.FSType = "ext4"
	}
	for d := path.Dir(p); ; d = path.Dir(d) {
		id := fakeID(d)
		if d == "/srv/etc-alias" {
			id = fakeID("/etc")
		}
		o.Ancestors = append(o.Ancestors, id)
		if d == "/" {
			break
		}
	}
	return o, nil
}

// baseRequest is `hardrun run alpine` as the translation builds it.
func baseRequest() Request {
	return Request{
		Config:     &container.Config{Image: "alpine", AttachStdout: true, AttachStderr: true, Cmd: []string{"sh"}},
		HostConfig: &container.HostConfig{},
		NetworkingConfig: &network.NetworkingConfig{EndpointsConfig: map[string]*network.EndpointSettings{
			"default": {}}},
		Set: map[string]bool{},
	}
}

// mod changes a request; flags names the docker flags it stands for.
type mod func(r *Request)

func build(mods ...mod) Request {
	r := baseRequest()
	for _, m := range mods {
		m(&r)
	}
	return r
}

func given(flags ...string) mod {
	return func(r *Request) {
		for _, f := range flags {
			r.Set[f] = true
		}
	}
}

func hc(flag string, f func(h *container.HostConfig)) mod {
	return func(r *Request) {
		f(r.HostConfig)
		if flag != "" {
			r.Set[flag] = true
		}
	}
}

func cfg(flag string, f func(c *container.Config)) mod {
	return func(r *Request) {
		f(r.Config)
		if flag != "" {
			r.Set[flag] = true
		}
	}
}

func binds(b ...string) mod {
	return hc("volume", func(h *container.HostConfig) { h.Binds = append(h.Binds, b...) })
}

func mounts(m ...mount.Mount) mod {
	return hc("mount", func(h *container.HostConfig) { h.Mounts = append(h.Mounts, m...) })
}

func secOpts(o ...string) mod {
	return hc("security-opt", func(h *container.HostConfig) { h.SecurityOpt = append(h.SecurityOpt, o...) })
}

func capAdd(c ...string) mod {
	return hc("cap-add", func(h *container.HostConfig) { h.CapAdd = append(h.CapAdd, c...) })
}

func user(u string) mod { return cfg("user", func(c *container.Config) { c.User = u }) }

func netMode(n string) mod {
	return hc("network", func(h *container.HostConfig) { h.NetworkMode = container.NetworkMode(n) })
}

func publish(spec string, hostIP, hostPort string) mod {
	return hc("publish", func(h *container.HostConfig) {
		p := network.MustParsePort(spec)
		if h.PortBindings == nil {
			h.PortBindings = network.PortMap{}
		}
		b := network.PortBinding{HostPort: hostPort}
		if hostIP != "" {
			b.HostIP = mustAddr(hostIP)
		}
		h.PortBindings[p] = append(h.PortBindings[p], b)
	})
}

func ptr64(n int64) *int64 { return &n }

func boolp(b bool) *bool { return &b }

// refusalLines returns the plan's refusals as the CLI prints them.
func refusalLines(p *Plan) []string {
	var out []string
	for _, r := range p.Refusals {
		out = append(out, r.Error())
	}
	return out
}

func hasChange(p *Plan, flag, value string) bool {
	for _, c := range p.Changes {
		if c.Flag == flag && (value == "" || c.Value == value) {
			return true
		}
	}
	return false
}

func changesText(p *Plan) string {
	var b strings.Builder
	for _, c := range p.Changes {
		fmt.Fprintf(&b, "%s %s (%s, %s)\n", c.Flag, c.Value, c.Key, c.Why)
	}
	return b.String()
}

func mustAddr(s string) netip.Addr { return netip.MustParseAddr(s) }

// wantRefusal fails t unless err is a refusal containing refuse, or, when
// refuse is "", unless err is nil.
func wantRefusal(t *testing.T, err error, refuse string) {
	t.Helper()
	if refuse == "" {
		if err != nil {
			t.Fatalf("want no refusal, got %v", err)
		}
		return
	}
	if !errors.Is(err, ErrRefused) || !strings.Contains(err.Error(), refuse) {
		t.Fatalf("want a refusal containing %q, got %v", refuse, err)
	}
}
