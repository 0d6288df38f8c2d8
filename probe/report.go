package probe

import "slices"

// SchemaVersion is the value of Report.Schema. It changes only when a field
// is removed or changes meaning; adding a field does not change it.
const SchemaVersion = 1

// Attempt results.
const (
	ResultBlocked = "blocked" // the operation failed
	ResultAllowed = "ALLOWED" // the operation succeeded (and was undone)
	ResultSkipped = "skipped" // the operation could not be tried; Detail says why
)

// Mechanisms an attempt can be blocked by (Attempt.By). doc.go states the
// rule that picks one.
const (
	ByCapability  = "capability"        // a capability the kernel checks is not in the effective set
	BySeccomp     = "seccomp"           // the seccomp filter rejected the system call
	ByReadOnly    = "read-only"         // EROFS: the file system is mounted read-only
	ByAppArmor    = "apparmor"          // the AppArmor profile denied it
	ByNoNewPrivs  = "no-new-privileges" // reserved: see doc.go
	ByPermissions = "permissions"       // file owner and mode (DAC) deny it
	ByMasked      = "masked"            // the path is masked (/dev/null or an empty mount over it)
)

// Report is what the probe found in force inside the container. Its JSON
// encoding is the stable interface between the probe and `hardrun verify`;
// doc.go documents every field. Slices are never nil, so they encode as [].
type Report struct {
	Schema       int            `json:"schema"`
	PID          int            `json:"pid"`
	UID          int            `json:"uid"`
	GID          int            `json:"gid"`
	EUID         int            `json:"euid"`
	EGID         int            `json:"egid"`
	Groups       []int          `json:"groups"`
	IDs          IDs            `json:"ids"`
	Home         string         `json:"home"`
	Capabilities Capabilities   `json:"capabilities"`
	NoNewPrivs   bool           `json:"no_new_privs"`
	Seccomp      Seccomp        `json:"seccomp"`
	AppArmor     string         `json:"apparmor"`
	RootFS       string         `json:"root_fs"`
	Mounts       []Mount        `json:"mounts"`
	Writable     []WritablePath `json:"writable"`
	Sockets      []Socket       `json:"sockets"`
	HostFS       []HostFS       `json:"host_filesystems"`
	CgroupNS     CgroupNS       `json:"cgroup_namespace"`
	Cgroup       Cgroup         `json:"cgroup"`
	Rlimits      Rlimits        `json:"rlimits"`
	Network      []Interface    `json:"network"`
	Attempts     []Attempt      `json:"attempts"`
	Errors       []string       `json:"errors"`
}

// IDs are the process's ids as /proc/self/status gives them: real,
// effective, saved set and file system, in that order. Empty when unknown.
type IDs struct {
	UID []int `json:"uid"`
	GID []int `json:"gid"`
}

// Socket is a unix socket found through the container's mounts, and what
// answered on it.
type Socket struct {
	Path       string `json:"path"`
	MountPoint string `json:"mount_point"`
	// DockerAPI: it answered GET /_ping like the Docker Engine API (an
	// Api-Version header or the body "OK").
	DockerAPI bool   `json:"docker_api"`
	Answer    string `json:"answer"` // the status line, or "" when none came
	Error     string `json:"error"`  // why connect or the request failed
}

// HostFS is a mount that shows the container a host file system or a
// kernel interface of the host.
type HostFS struct {
	MountPoint string `json:"mount_point"`
	FSType     string `json:"fstype"`
	Source     string `json:"source"`
	Root       string `json:"root"`
	Why        string `json:"why"`
}

// Cgroup namespace modes (CgroupNS.Mode).
const (
	CgroupNSPrivate = "private"
	CgroupNSHost    = "host"
	CgroupNSUnknown = "unknown"
)

// CgroupNS says whether the container has its own cgroup namespace.
type CgroupNS struct {
	Mode  string `json:"mode"`  // "private", "host" or "unknown"
	Inode string `json:"inode"` // the link /proc/self/ns/cgroup, e.g. "cgroup:[4026532513]"
	Why   string `json:"why"`
}

// Capabilities holds the five capability sets of the probe process.
type Capabilities struct {
	Inheritable CapSet `json:"inheritable"`
	Permitted   CapSet `json:"permitted"`
	Effective   CapSet `json:"effective"`
	Bounding    CapSet `json:"bounding"`
	Ambient     CapSet `json:"ambient"`
}

// CapSet is one capability set: the raw mask from /proc/self/status and the
// names of the bits set in it, lowest bit first.
type CapSet struct {
	Hex   string   `json:"hex"`
	Names []string `json:"names"`
}

// Has reports whether the set holds the capability, named with or without
// the CAP_ prefix, in any case.
func (c CapSet) Has(name string) bool {
	want := canonicalCapName(name)
	return slices.Contains(c.Names, want)
}

// Seccomp is the seccomp state of the probe process.
type Seccomp struct {
	Mode     int    `json:"mode"`
	ModeName string `json:"mode_name"`
	Filters  int    `json:"filters"`
}

// Mount is one line of /proc/self/mountinfo.
type Mount struct {
	MountPoint  string `json:"mount_point"`
	Dev         string `json:"dev"` // major:minor of the file system
	Root        string `json:"root"`
	FSType      string `json:"fstype"`
	Source      string `json:"source"`
	Mode        string `json:"mode"`
	Propagation string `json:"propagation"`
	Options     string `json:"options"`
}

// WritablePath is the result of creating (and removing) a file in Path.
type WritablePath struct {
	Path     string `json:"path"`
	Writable bool   `json:"writable"`
	Errno    string `json:"errno"`
	Detail   string `json:"detail"`
}

// Cgroup holds the resource limits of the probe's cgroup, verbatim in the
// cgroup v2 syntax ("max" is unlimited, "" unknown).
type Cgroup struct {
	Version   int    `json:"version"`
	Path      string `json:"path"`
	MemoryMax string `json:"memory_max"`
	PidsMax   string `json:"pids_max"`
	CPUMax    string `json:"cpu_max"`
}

// Rlimits holds the resource limits of the probe process.
type Rlimits struct {
	NoFile Rlimit `json:"nofile"`
	NProc  Rlimit `json:"nproc"`
	Core   Rlimit `json:"core"`
}

// Rlimit is one resource limit; -1 is unlimited.
type Rlimit struct {
	Soft int64 `json:"soft"`
	Hard int64 `json:"hard"`
}

// Interface is one network interface and its addresses in CIDR notation.
type Interface struct {
	Name  string   `json:"name"`
	Up    bool     `json:"up"`
	Addrs []string `json:"addrs"`
}

// Attempt is the outcome of one escape attempt.
type Attempt struct {
	Name   string `json:"name"`
	Target string `json:"target"`
	Result string `json:"result"`
	Errno  string `json:"errno"`
	By     string `json:"by"`
	Detail string `json:"detail"`
}

// newReport returns a Report whose slices are empty rather than nil.
func newReport() Report {
	return Report{
		Schema:   SchemaVersion,
		Groups:   []int{},
		Mounts:   []Mount{},
		Writable: []WritablePath{},
		IDs:      IDs{UID: []int{}, GID: []int{}},
		Sockets:  []Socket{},
		HostFS:   []HostFS{},
		CgroupNS: CgroupNS{Mode: CgroupNSUnknown},
		Network:  []Interface{},
		Attempts: []Attempt{},
		Errors:   []string{},
		Capabilities: Capabilities{
			Inheritable: emptyCapSet(),
			Permitted:   emptyCapSet(),
			Effective:   emptyCapSet(),
			Bounding:    emptyCapSet(),
			Ambient:     emptyCapSet(),
		},
		Seccomp:  Seccomp{Mode: -1, ModeName: "unknown"},
		AppArmor: "unavailable",
		RootFS:   "unknown",
	}
}
