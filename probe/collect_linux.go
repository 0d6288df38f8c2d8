package probe

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"net"
	"os"
	"slices"
	"strings"

	"golang.org/x/sys/unix"
)

// Collect inspects the process it runs in and makes the escape attempts.
// It never fails: what it cannot read is reported in Report.Errors and
// leaves the field at its "unknown" value.
func Collect(opts Options) Report {
	c := &collector{r: newReport(), opts: opts}
	c.identity()
	c.status()
	c.r.AppArmor = readAppArmorLabel()
	c.mounts()
	c.writable()
	c.effects()
	c.r.Cgroup = readCgroup("/sys/fs/cgroup", readTrimmed("/proc/self/cgroup"))
	c.rlimits()
	c.network()
	c.r.Attempts = runAttempts(c.attemptEnv())
	return c.r
}

// collector carries the report being built and what the attempts need.
type collector struct {
	r         Report
	opts      Options
	effective uint64
}

func (c *collector) fail(err error) {
	c.r.Errors = append(c.r.Errors, err.Error())
}

func (c *collector) identity() {
	c.r.PID = os.Getpid()
	c.r.UID, c.r.GID = os.Getuid(), os.Getgid()
	c.r.EUID, c.r.EGID = os.Geteuid(), os.Getegid()
	c.r.Home = os.Getenv("HOME")
	groups, err := os.Getgroups()
	if err != nil {
		c.fail(fmt.Errorf("get groups: %w", err))
		return
	}
	c.r.Groups = append(c.r.Groups, groups...)
}

func (c *collector) status() {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		c.fail(fmt.Errorf("read capabilities: %w", err))
		return
	}
	defer f.Close()
	st, err := parseStatus(f)
	if err != nil {
		c.fail(err)
		return
	}
	c.effective, err = applyStatus(&c.r, st)
	if err != nil {
		c.fail(fmt.Errorf("read /proc/self/status: %w", err))
	}
}

// readAppArmorLabel reads the AppArmor label of the process. The
// AppArmor-specific file exists since Linux 5.8 and is right even when
// several LSMs are stacked; the generic file is the fallback for older
// kernels, where it belongs to the one major LSM (which could be SELinux).
func readAppArmorLabel() string {
	for _, p := range []string{"/proc/self/attr/apparmor/current", "/proc/self/attr/current"} {
		b, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		if label := strings.TrimSpace(string(bytes.TrimRight(b, "\x00\n"))); label != "" {
			return label
		}
	}
	return "unavailable"
}

func (c *collector) mounts() {
	f, err := os.Open("/proc/self/mountinfo")
	if err != nil {
		c.fail(fmt.Errorf("read mounts: %w", err))
		return
	}
	defer f.Close()
	mounts, err := ParseMountinfo(f)
	if err != nil {
		c.fail(err)
	}
	c.r.Mounts = mounts
	c.r.RootFS = rootFSMode(mounts)
}

func (c *collector) writable() {
	for _, p := range writablePaths(c.r.Home, append(slices.Clone(c.opts.Volumes), mountTargets(c.r.Mounts, selfPath())...)) {
		c.r.Writable = append(c.r.Writable, testWritable(p))
	}
}

// testWritable reports whether a file can be created in dir (or, for a
// regular file, opened for writing: nothing is written).
func testWritable(path string) WritablePath {
	w := WritablePath{Path: path}
	detail, err := tryWrite(path)
	w.Writable = err == nil
	w.Errno = errnoName(err)
	w.Detail = detail
	if err != nil && detail == "" {
		w.Detail = err.Error()
	}
	return w
}

// effects reads what reaches beyond the container: host file systems in
// its mounts, unix sockets reachable through them (and whether the engine
// answers on one), and whether its cgroup namespace is its own.
func (c *collector) effects() {
	c.r.HostFS = hostFileSystems(c.r.Mounts)
	socks := findSockets(socketRoots(c.r.Mounts, selfPath()), c.opts.sockets())
	pingSockets(socks)
	c.r.Sockets = append(c.r.Sockets, socks...)
	link, err := os.Readlink("/proc/self/ns/cgroup")
	if err != nil {
		c.fail(fmt.Errorf("read cgroup namespace: %w", err))
	}
	c.r.CgroupNS = cgroupNamespace(link, readTrimmed("/proc/self/cgroup"))
}

// selfPath is the probe binary's own path (verify bind-mounts it), which
// is neither a volume nor a place to look for sockets.
func selfPath() string {
	exe, err := os.Executable()
	if err != nil {
		return ""
	}
	return exe
}

func (c *collector) rlimits() {
	get := func(name string, resource int) Rlimit {
		var l unix.Rlimit
		if err := unix.Getrlimit(resource, &l); err != nil {
			c.fail(fmt.Errorf("get rlimit %s: %w", name, err))
			return Rlimit{}
		}
		return Rlimit{Soft: rlimitValue(l.Cur), Hard: rlimitValue(l.Max)}
	}
	c.r.Rlimits = Rlimits{
		NoFile: get("nofile", unix.RLIMIT_NOFILE),
		NProc:  get("nproc", unix.RLIMIT_NPROC),
		Core:   get("core", unix.RLIMIT_CORE),
	}
}

// rlimitValue maps RLIM_INFINITY (and anything beyond int64) to -1.
func rlimitValue(v uint64) int64 {
	if v == unix.RLIM_INFINITY || v > math.MaxInt64 {
		return -1
	}
	return int64(v)
}

func (c *collector) network() {
	ifaces, err := net.Interfaces()
	if err != nil {
		c.fail(fmt.Errorf("list network interfaces: %w", err))
		return
	}
	for _, ifc := range ifaces {
		entry := Interface{Name: ifc.Name, Up: ifc.Flags&net.FlagUp != 0, Addrs: []string{}}
		addrs, err := ifc.Addrs()
		if err != nil {
			c.fail(fmt.Errorf("list addresses of %s: %w", ifc.Name, err))
		}
		for _, a := range addrs {
			entry.Addrs = append(entry.Addrs, a.String())
		}
		c.r.Network = append(c.r.Network, entry)
	}
}

func (c *collector) attemptEnv() *attemptEnv {
	return &attemptEnv{
		filter:      c.opts.Attempts,
		effective:   c.effective,
		euid:        c.r.EUID,
		egid:        c.r.EGID,
		seccompMode: c.r.Seccomp.Mode,
		apparmor:    apparmorEnforcing(c.r.AppArmor),
		volumes:     c.opts.Volumes,
		sockets:     c.opts.sockets(),
		scratch:     pickScratch(c.r.Writable, c.r.Home),
	}
}

// errnoName names the errno inside err ("EPERM"), or returns "" for nil
// and for errors that carry no errno.
func errnoName(err error) string {
	var errno unix.Errno
	if !errors.As(err, &errno) {
		return ""
	}
	if name := unix.ErrnoName(errno); name != "" {
		return name
	}
	return fmt.Sprintf("errno %d", int(errno))
}
