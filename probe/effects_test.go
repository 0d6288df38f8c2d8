package probe

import (
	"bufio"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestHostFileSystems(t *testing.T) {
	tests := []struct {
		name string
		m    Mount
		want string // "" not a host file system
	}{
		{"container root", Mount{MountPoint: "/", FSType: "overlay", Source: "overlay", Root: "/"}, ""},
		{"own procfs", Mount{MountPoint: "/proc", FSType: "proc", Source: "proc", Root: "/"}, ""},
		{"procfs read-only parts", Mount{MountPoint: "/proc/sys", FSType: "proc", Source: "proc", Root: "/sys"}, ""},
		{"host procfs", Mount{MountPoint: "/hostproc", FSType: "proc", Source: "proc", Root: "/"}, "proc outside /proc"},
		{"procfs beside /proc", Mount{MountPoint: "/procx", FSType: "proc", Source: "proc", Root: "/"}, "proc outside /proc"},
		{"own sysfs", Mount{MountPoint: "/sys", FSType: "sysfs", Source: "sysfs", Root: "/"}, ""},
		{"host sysfs", Mount{MountPoint: "/s", FSType: "sysfs", Source: "sysfs", Root: "/"}, "sysfs outside /sys"},
		{"cgroup v1 controller", Mount{MountPoint: "/sys/fs/cgroup/cpu", FSType: "cgroup", Source: "cgroup", Root: "/docker/x"}, ""},
		{"host cgroup2", Mount{MountPoint: "/cg", FSType: "cgroup2", Source: "cgroup2", Root: "/"}, "cgroup2 outside /sys/fs/cgroup"},
		{"host /dev", Mount{MountPoint: "/hostdev", FSType: "devtmpfs", Source: "udev", Root: "/"}, "the host's /dev (devtmpfs)"},
		{"one device node", Mount{MountPoint: "/dev/fuse", FSType: "devtmpfs", Source: "udev", Root: "/fuse"}, ""},
		{"debugfs", Mount{MountPoint: "/d", FSType: "debugfs", Source: "debugfs", Root: "/"}, "debugfs: a kernel interface of the host"},
		{"a namespace handle", Mount{MountPoint: "/n", FSType: "nsfs", Source: "nsfs", Root: "net:[4026531992]"}, "nsfs: a kernel interface of the host"},
		{"whole block device", Mount{MountPoint: "/h", FSType: "ext4", Source: "/dev/vda", Root: "/"}, "the whole file system of the block device /dev/vda"},
		{"bind of a host directory", Mount{MountPoint: "/x", FSType: "ext4", Source: "/dev/vda", Root: "/home/u/src"}, ""},
		{"named volume", Mount{MountPoint: "/data", FSType: "ext4", Source: "/dev/vda", Root: "/var/lib/docker/volumes/d/_data"}, ""},
		{"engine's /etc/hosts", Mount{MountPoint: "/etc/hosts", FSType: "ext4", Source: "/dev/vda", Root: "/var/lib/docker/containers/x/hosts"}, ""},
		{"overlay volume", Mount{MountPoint: "/o", FSType: "overlay", Source: "overlay", Root: "/"}, "an overlay of host directories"},
		{"tmpfs volume", Mount{MountPoint: "/t", FSType: "tmpfs", Source: "tmpfs", Root: "/"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := hostFileSystems([]Mount{tt.m})
			switch {
			case tt.want == "" && len(got) != 0:
				t.Errorf("got %+v, want none", got)
			case tt.want != "" && (len(got) != 1 || got[0].Why != tt.want):
				t.Errorf("got %+v, want %q", got, tt.want)
			}
		})
	}
}

func TestCgroupNamespace(t *testing.T) {
	tests := []struct {
		name, link, cgroup, want string
	}{
		{"private v2", "cgroup:[4026532513]", "0::/", CgroupNSPrivate},
		{"private v1", "cgroup:[4026532513]", "12:pids:/\n11:memory:/\n1:name=systemd:/\n0::/", CgroupNSPrivate},
		{"host v2", "cgroup:[4026532513]", "0::/system.slice/docker-abc.scope", CgroupNSHost},
		{"host v1", "cgroup:[4026532600]", "12:pids:/docker/abc\n11:memory:/docker/abc", CgroupNSHost},
		{"one v1 controller elsewhere", "cgroup:[4026532600]", "12:pids:/\n11:memory:/docker/abc", CgroupNSHost},
		{"initial namespace at its root", initCgroupNSInode, "0::/", CgroupNSHost},
		{"unreadable cgroup file", "cgroup:[4026532513]", "", CgroupNSUnknown},
		{"unreadable link", "", "0::/", CgroupNSUnknown},
		{"unreadable link, shared path", "", "0::/docker/abc", CgroupNSHost},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := cgroupNamespace(tt.link, tt.cgroup)
			if got.Mode != tt.want || got.Why == "" {
				t.Errorf("got %+v, want mode %s with a reason", got, tt.want)
			}
		})
	}
}

func TestReadPing(t *testing.T) {
	tests := []struct {
		name, answer string
		api          bool
	}{
		{"engine", "HTTP/1.1 200 OK\r\nApi-Version: 1.41\r\nContent-Length: 2\r\n\r\nOK", true},
		{"engine, header only", "HTTP/1.0 200 OK\r\napi-version: 1.41\r\n\r\n", true},
		{"engine, body only (a proxy stripped headers)", "HTTP/1.0 200 OK\r\nServer: x\r\n\r\nOK\n", true},
		{"another HTTP server", "HTTP/1.0 404 Not Found\r\nServer: x\r\n\r\nnope", false},
		{"not HTTP", "OK", false},
		{"nothing", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, api := readPing([]byte(tt.answer)); api != tt.api {
				t.Errorf("api %v, want %v", api, tt.api)
			}
		})
	}
}

// fakeEngine listens on a unix socket and answers each connection like
// the engine's GET /_ping, or with a plain line when docker is false.
func fakeEngine(t *testing.T, path string, docker bool) {
	t.Helper()
	l, err := net.Listen("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			line, _ := bufio.NewReader(c).ReadString('\n')
			if docker && strings.HasPrefix(line, "GET /_ping ") {
				c.Write([]byte("HTTP/1.0 200 OK\r\nApi-Version: 1.41\r\n\r\nOK"))
			} else {
				c.Write([]byte("hello\n"))
			}
			c.Close()
		}
	}()
}

// TestFindSockets: sockets under a mount are found at any depth up to
// the bound, a nested mount is walked once, the engine is told from
// another server, and a socket past the depth bound is not searched.
func TestFindSockets(t *testing.T) {
	root := t.TempDir()
	deep := filepath.Join(root, "a", "b")
	tooDeep := filepath.Join(root, "1", "2", "3", "4", "5", "6", "7", "8", "9")
	for _, d := range []string{deep, tooDeep, filepath.Join(root, "nested")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	fakeEngine(t, filepath.Join(deep, "s"), true)
	fakeEngine(t, filepath.Join(root, "nested", "other"), false)
	fakeEngine(t, filepath.Join(tooDeep, "hidden"), true)
	mounts := []Mount{{MountPoint: "/"}, {MountPoint: "/proc"}, {MountPoint: root}, {MountPoint: filepath.Join(root, "nested")}}
	socks := findSockets(socketRoots(mounts, ""), []string{filepath.Join(root, "missing.sock")})
	pingSockets(socks)
	var paths []string
	for _, s := range socks {
		paths = append(paths, s.Path)
		want := strings.HasSuffix(s.Path, "/s")
		if s.DockerAPI != want {
			t.Errorf("%s: docker_api %v, want %v (answer %q, error %q)", s.Path, s.DockerAPI, want, s.Answer, s.Error)
		}
	}
	want := []string{filepath.Join(deep, "s"), filepath.Join(root, "nested", "other")}
	if !slices.Equal(paths, want) {
		t.Errorf("found %q, want %q", paths, want)
	}
}

func TestSocketRoots(t *testing.T) {
	mounts := []Mount{{MountPoint: "/"}, {MountPoint: "/proc"}, {MountPoint: "/proc/sys"}, {MountPoint: "/dev"},
		{MountPoint: "/dev/pts"}, {MountPoint: "/dev/shm"}, {MountPoint: "/sys/fs/cgroup"}, {MountPoint: "/etc/hosts"},
		{MountPoint: "/x"}, {MountPoint: "/x"}, {MountPoint: "/.hardrun/hardrun"}}
	got := socketRoots(mounts, "/.hardrun/hardrun")
	if want := []string{"/dev/shm", "/etc/hosts", "/x"}; !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestStatusIDs(t *testing.T) {
	st, err := parseStatus(strings.NewReader("Uid:\t1234\t1234\t0\t1234\nGid:\t1234\t1234\t1234\t1234\nGroups:\t0 1234 \n"))
	if err != nil {
		t.Fatal(err)
	}
	r := newReport()
	applyIDs(&r, st)
	if !slices.Equal(r.IDs.UID, []int{1234, 1234, 0, 1234}) || !slices.Equal(r.Groups, []int{0, 1234}) {
		t.Errorf("ids %+v groups %v", r.IDs, r.Groups)
	}
	st, err = parseStatus(strings.NewReader("Groups:\t\n"))
	if err != nil || !st.HaveGroups || len(st.Groups) != 0 {
		t.Errorf("empty Groups line: %+v, %v", st, err)
	}
	if _, err := parseStatus(strings.NewReader("Uid:\t12x\n")); err == nil {
		t.Error("a bad Uid line parsed")
	}
}
