package probe

import "slices"

// Attempt names, in the order the probe runs them and reports them.
const (
	AttemptMount          = "mount"
	AttemptUmount         = "umount"
	AttemptUnshareUserNS  = "unshare-userns"
	AttemptUnshareMountNS = "unshare-mountns"
	AttemptPtrace         = "ptrace"
	AttemptKeyctl         = "keyctl"
	AttemptAddKey         = "add-key"
	AttemptRequestKey     = "request-key"
	AttemptBPF            = "bpf"
	AttemptPerfEventOpen  = "perf-event-open"
	AttemptRawSocket      = "raw-socket"
	AttemptPacketSocket   = "packet-socket"
	AttemptChown          = "chown"
	AttemptMknod          = "mknod"
	AttemptSetuid         = "setuid"
	AttemptWriteRoot      = "write-root"
	AttemptWriteVolume    = "write-volume"
	AttemptWriteProcSys   = "write-proc-sys"
	AttemptSysrqTrigger   = "open-sysrq-trigger"
	AttemptReadKcore      = "read-kcore"
	AttemptDockerSocket   = "docker-socket"
)

// attemptCatalogue is every attempt with what it does, for --help and doc.go.
var attemptCatalogue = []struct{ name, does string }{
	{AttemptMount, "mount a tmpfs on a new temporary directory, unmount it at once"},
	{AttemptUmount, "umount2 a path that does not exist (reaching the path lookup means the filter let it through)"},
	{AttemptUnshareUserNS, "create a user namespace (clone a child that exits at once)"},
	{AttemptUnshareMountNS, "unshare(CLONE_NEWNS) on a thread that is then discarded"},
	{AttemptPtrace, "PTRACE_SEIZE a child the probe forked, then kill it"},
	{AttemptKeyctl, "keyctl(KEYCTL_GET_KEYRING_ID) of the session keyring"},
	{AttemptAddKey, "add_key a user key to the process keyring, then invalidate it"},
	{AttemptRequestKey, "request_key a user key that does not exist, with no upcall"},
	{AttemptBPF, "bpf(BPF_MAP_CREATE) of a one-entry array map, closed at once"},
	{AttemptPerfEventOpen, "perf_event_open a software clock on itself, closed at once"},
	{AttemptRawSocket, "socket(AF_INET, SOCK_RAW), closed at once"},
	{AttemptPacketSocket, "socket(AF_PACKET, SOCK_RAW), closed at once"},
	{AttemptChown, "chown a file it created to another user"},
	{AttemptMknod, "mknod the character device 1:3 (null), removed at once"},
	{AttemptSetuid, "setuid(0) on a thread that is then discarded"},
	{AttemptWriteRoot, "create and remove a file in /"},
	{AttemptWriteVolume, "create and remove a file in each --volume"},
	{AttemptWriteProcSys, "open /proc/sys/kernel/core_pattern for writing, write nothing"},
	{AttemptSysrqTrigger, "open /proc/sysrq-trigger for writing, write nothing"},
	{AttemptReadKcore, "read one byte of /proc/kcore"},
	{AttemptDockerSocket, "connect to each Docker socket that exists, send nothing"},
}

// AttemptNames returns the names of every attempt in the order they run.
// The list only grows; a name is never reused for something else.
func AttemptNames() []string {
	names := make([]string, 0, len(attemptCatalogue))
	for _, a := range attemptCatalogue {
		names = append(names, a.name)
	}
	return names
}

// isAttemptName reports whether name is in the catalogue.
func isAttemptName(name string) bool {
	return slices.Contains(AttemptNames(), name)
}

// selected reports whether the attempt runs under a --attempt filter; an
// empty filter selects everything.
func selected(filter []string, name string) bool {
	return len(filter) == 0 || slices.Contains(filter, name)
}
