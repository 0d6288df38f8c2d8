package probe

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"math/rand/v2"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// attemptRunners makes each attempt of the catalogue. Most return one
// Attempt; write-volume and docker-socket return one per target.
var attemptRunners = map[string]func(*attemptEnv) []Attempt{
	AttemptMount:          one(attemptMount),
	AttemptUmount:         one(attemptUmount),
	AttemptUnshareUserNS:  one(attemptUserNS),
	AttemptUnshareMountNS: one(attemptMountNS),
	AttemptPtrace:         one(attemptPtrace),
	AttemptKeyctl:         one(attemptKeyctl),
	AttemptAddKey:         one(attemptAddKey),
	AttemptRequestKey:     one(attemptRequestKey),
	AttemptBPF:            one(attemptBPF),
	AttemptPerfEventOpen:  one(attemptPerf),
	AttemptRawSocket:      one(attemptRawSocket),
	AttemptPacketSocket:   one(attemptPacketSocket),
	AttemptChown:          one(attemptChown),
	AttemptMknod:          one(attemptMknod),
	AttemptSetuid:         one(attemptSetuid),
	AttemptWriteRoot:      one(attemptWriteRoot),
	AttemptWriteVolume:    attemptWriteVolumes,
	AttemptWriteProcSys:   one(attemptWriteProcSys),
	AttemptSysrqTrigger:   one(attemptSysrqTrigger),
	AttemptReadKcore:      one(attemptReadKcore),
	AttemptDockerSocket:   attemptDockerSockets,
}

func one(fn func(*attemptEnv) Attempt) func(*attemptEnv) []Attempt {
	return func(env *attemptEnv) []Attempt { return []Attempt{fn(env)} }
}

// runAttempts makes the selected attempts one after the other, in
// catalogue order.
func runAttempts(env *attemptEnv) []Attempt {
	out := []Attempt{}
	for _, a := range attemptCatalogue {
		if selected(env.filter, a.name) {
			out = append(out, attemptRunners[a.name](env)...)
		}
	}
	return out
}

// attemptMount mounts a tmpfs on a new directory and unmounts it. With no
// writable directory it bind-mounts the probe binary onto itself instead:
// the same content, so nothing changes for anyone while it is mounted.
func attemptMount(env *attemptEnv) Attempt {
	t := trial{name: AttemptMount, cap: capSysAdmin, probe: probeMount, kernelErr: unix.EFAULT, mediated: true}
	if env.scratch == "" {
		return mountBindSelf(env, t)
	}
	dir, err := os.MkdirTemp(env.scratch, "hardrun-probe-mnt-")
	if err != nil {
		return skipped(t.name, env.scratch, fmt.Sprintf("create a mount point: %v", err))
	}
	defer os.Remove(dir)
	t.target, t.detail = dir, "mount -t tmpfs"
	t.err = unix.Mount("hardrun-probe", dir, "tmpfs", unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, "size=4k")
	if t.err == nil {
		t.detail = joinDetail(t.detail, unmount(dir))
	}
	return env.judge(t)
}

func mountBindSelf(env *attemptEnv, t trial) Attempt {
	exe, err := os.Executable()
	if err != nil {
		return skipped(t.name, "", fmt.Sprintf("no writable directory for a mount point, and the probe's own path is unknown: %v", err))
	}
	t.target, t.detail = exe, "no writable directory: mount --bind of the probe binary onto itself"
	t.err = unix.Mount(exe, exe, "", unix.MS_BIND, "")
	if t.err == nil {
		t.detail = joinDetail(t.detail, unmount(exe))
	}
	return env.judge(t)
}

// unmount undoes a successful mount attempt and says how it went.
func unmount(target string) string {
	if err := unix.Unmount(target, 0); err == nil {
		return "unmounted at once"
	}
	if err := unix.Unmount(target, unix.MNT_DETACH); err != nil {
		return fmt.Sprintf("could not unmount it (%v): it stays until the container stops", err)
	}
	return "detached at once"
}

// probeMount: a NULL target fails with EFAULT before any permission check.
func probeMount() unix.Errno {
	_, _, errno := unix.Syscall6(unix.SYS_MOUNT, 0, 0, 0, 0, 0, 0)
	return errno
}

// attemptUserNS creates a user namespace. unshare(CLONE_NEWUSER) fails with
// EINVAL in any multi-threaded process, so a Go program cannot use it to
// ask the question; cloning a child into a new user namespace can, and the
// child exits at once.
func attemptUserNS(env *attemptEnv) Attempt {
	t := trial{
		name: AttemptUnshareUserNS, cap: noCap, mediated: true, kernelErr: unix.EINVAL,
		detail: "clone(CLONE_NEWUSER) a child that exits at once",
		err:    cloneAndReap(unix.CLONE_NEWUSER),
		// CLONE_NEWUSER with CLONE_FS is rejected by copy_process before
		// anything else happens.
		probe: func() unix.Errno { return errnoOf(cloneAndReap(unix.CLONE_NEWUSER | unix.CLONE_FS)) },
		hint:  sysctlHint("user.max_user_namespaces", "kernel.unprivileged_userns_clone"),
	}
	return env.judge(t)
}

func cloneAndReap(flags uintptr) error {
	var err error
	onThrowawayThread(func() {
		var pid int
		pid, err = forkChild(flags, false)
		if err == nil {
			reap(pid, false)
		}
	})
	return err
}

// attemptMountNS unshares the mount namespace of a throwaway thread.
func attemptMountNS(env *attemptEnv) Attempt {
	t := trial{
		name: AttemptUnshareMountNS, cap: capSysAdmin, kernelErr: unix.EINVAL,
		detail: "unshare(CLONE_NEWNS) on a thread that is then discarded",
		err:    unshareOnThrowaway(unix.CLONE_NEWNS),
		// CLONE_PARENT is not a flag unshare takes: EINVAL before anything.
		probe: func() unix.Errno { return errnoOf(unshareOnThrowaway(unix.CLONE_NEWNS | unix.CLONE_PARENT)) },
	}
	return env.judge(t)
}

func unshareOnThrowaway(flags uintptr) error {
	var errno unix.Errno
	onThrowawayThread(func() {
		_, _, errno = unix.RawSyscall(unix.SYS_UNSHARE, flags, 0, 0)
	})
	return errOrNil(errno)
}

// attemptPtrace seizes a child forked for the purpose. PTRACE_SEIZE, unlike
// PTRACE_ATTACH, does not stop the tracee, and the child only sleeps until
// it is killed, so no process of the container is ever touched.
func attemptPtrace(env *attemptEnv) Attempt {
	t := trial{
		name: AttemptPtrace, target: "forked child", cap: capSysPtrace, mediated: true,
		kernelErr: unix.ESRCH, probe: probePtrace,
		detail: "PTRACE_SEIZE a child forked for the purpose, then kill it",
		hint:   sysctlHint("kernel.yama.ptrace_scope"),
	}
	var forkErr error
	onThrowawayThread(func() {
		pid, err := forkChild(0, true)
		if err != nil {
			forkErr = err
			return
		}
		t.err = unix.PtraceSeize(pid)
		reap(pid, true)
	})
	if forkErr != nil {
		return skipped(t.name, t.target, fmt.Sprintf("fork a child to trace: %v", forkErr))
	}
	return env.judge(t)
}

// probePtrace: pid -1 never exists, ESRCH comes before any permission check.
func probePtrace() unix.Errno {
	_, _, errno := unix.Syscall6(unix.SYS_PTRACE, unix.PTRACE_SEIZE, ^uintptr(0), 0, 0, 0, 0)
	return errno
}

// attemptKeyctl looks up the session keyring. ENOKEY counts as allowed: the
// call reached the keyring code, which is what Docker's filter prevents
// (keyrings are not namespaced).
func attemptKeyctl(env *attemptEnv) Attempt {
	t := trial{
		name: AttemptKeyctl, target: "session keyring", cap: noCap,
		kernelErr: unix.EOPNOTSUPP, probe: probeKeyctl,
		detail: "keyctl(KEYCTL_GET_KEYRING_ID) without creating it",
	}
	_, t.err = unix.KeyctlGetKeyringID(unix.KEY_SPEC_SESSION_KEYRING, false)
	if errors.Is(t.err, unix.ENOKEY) {
		t.err, t.detail = nil, joinDetail(t.detail, "the call reached the kernel (ENOKEY: no session keyring)")
	}
	return env.judge(t)
}

// probeKeyctl: an unknown operation is EOPNOTSUPP before anything else.
func probeKeyctl() unix.Errno {
	_, _, errno := unix.Syscall6(unix.SYS_KEYCTL, 0xffff, 0, 0, 0, 0, 0)
	return errno
}

// attemptAddKey adds a key to the process keyring, which dies with the
// probe, and invalidates it at once.
func attemptAddKey(env *attemptEnv) Attempt {
	t := trial{
		name: AttemptAddKey, target: "process keyring", cap: noCap,
		kernelErr: unix.EFAULT, probe: probeAddKey,
		detail: `add_key("user", "hardrun-probe")`,
	}
	var id int
	id, t.err = unix.AddKey("user", "hardrun-probe", []byte("probe"), unix.KEY_SPEC_PROCESS_KEYRING)
	if t.err == nil {
		if _, err := unix.KeyctlInt(unix.KEYCTL_INVALIDATE, id, 0, 0, 0); err != nil {
			t.detail = joinDetail(t.detail, fmt.Sprintf("could not invalidate it (%v): it goes with the process", err))
		} else {
			t.detail = joinDetail(t.detail, "invalidated at once")
		}
	}
	return env.judge(t)
}

// probeAddKey: a NULL key type is EFAULT before anything else.
func probeAddKey() unix.Errno {
	_, _, errno := unix.Syscall6(unix.SYS_ADD_KEY, 0, 0, 0, 0, 0, 0)
	return errno
}

// attemptRequestKey asks for a key that does not exist, without an upcall
// (no callout info), so nothing is created and no helper runs. ENOKEY counts
// as allowed: the call reached the keyring code, which Docker's filter and
// hardrun's deny list keep out (keyrings are not namespaced).
func attemptRequestKey(env *attemptEnv) Attempt {
	t := trial{
		name: AttemptRequestKey, target: "user key", cap: noCap,
		kernelErr: unix.EFAULT, probe: probeRequestKey,
		detail: `request_key("user", "hardrun-probe-absent") with no callout`,
	}
	t.err = requestKeyNoCallout("user", "hardrun-probe-absent")
	if errors.Is(t.err, unix.ENOKEY) {
		t.err, t.detail = nil, joinDetail(t.detail, "the call reached the kernel (ENOKEY: no such key)")
	}
	return env.judge(t)
}

// requestKeyNoCallout is request_key(2) with a NULL callout: the kernel
// only searches, it never constructs the key or runs /sbin/request-key.
// (x/sys's RequestKey always passes a callout string.)
func requestKeyNoCallout(keyType, desc string) error {
	kt, err := unix.BytePtrFromString(keyType)
	if err != nil {
		return err
	}
	d, err := unix.BytePtrFromString(desc)
	if err != nil {
		return err
	}
	_, _, errno := unix.Syscall6(unix.SYS_REQUEST_KEY, uintptr(unsafe.Pointer(kt)), uintptr(unsafe.Pointer(d)), 0, 0, 0, 0)
	if errno != 0 {
		return errno
	}
	return nil
}

// probeRequestKey: a NULL key type is EFAULT before anything else.
func probeRequestKey() unix.Errno {
	_, _, errno := unix.Syscall6(unix.SYS_REQUEST_KEY, 0, 0, 0, 0, 0, 0)
	return errno
}

// attemptUmount calls umount2 on a path that does not exist: the kernel
// looks the path up before it checks CAP_SYS_ADMIN, so ENOENT means the
// filter let umount2 through (a container that may unmount can uncover
// what the engine masks, such as /proc/kcore), and nothing is unmounted.
func attemptUmount(env *attemptEnv) Attempt {
	const target = "/.hardrun-probe-no-such-mount"
	t := trial{
		name: AttemptUmount, target: target, cap: capSysAdmin,
		kernelErr: unix.EINVAL, probe: probeUmount,
		detail: "umount2 of a path that does not exist",
	}
	t.err = unix.Unmount(target, 0)
	if errors.Is(t.err, unix.ENOENT) {
		t.err, t.detail = nil, joinDetail(t.detail, "the call reached the path lookup (ENOENT)")
	}
	return env.judge(t)
}

// probeUmount: unknown flags are EINVAL before anything else.
func probeUmount() unix.Errno {
	_, _, errno := unix.Syscall(unix.SYS_UMOUNT2, 0, 0xffff0000, 0)
	return errno
}

// bpfMapCreateAttr is the head of union bpf_attr used by BPF_MAP_CREATE;
// the kernel zero-fills the fields a shorter attr leaves out.
type bpfMapCreateAttr struct {
	mapType, keySize, valueSize, maxEntries, mapFlags uint32
}

// attemptBPF creates the smallest map there is and closes it.
func attemptBPF(env *attemptEnv) Attempt {
	t := trial{
		name: AttemptBPF, cap: capBPF, kernelErr: unix.E2BIG, probe: probeBPF,
		detail: "bpf(BPF_MAP_CREATE) of a one-entry array map, closed at once",
		hint:   sysctlHint("kernel.unprivileged_bpf_disabled"),
	}
	attr := bpfMapCreateAttr{mapType: unix.BPF_MAP_TYPE_ARRAY, keySize: 4, valueSize: 4, maxEntries: 1}
	fd, _, errno := unix.Syscall(unix.SYS_BPF, unix.BPF_MAP_CREATE, uintptr(unsafe.Pointer(&attr)), unsafe.Sizeof(attr))
	if errno == 0 {
		unix.Close(int(fd))
	}
	t.err = errOrNil(errno)
	return env.judge(t)
}

// probeBPF: an attr larger than a page is E2BIG before any permission
// check (on kernels before 5.19 the unprivileged_bpf_disabled check came
// first, so there a refusal reads as the filter's).
func probeBPF() unix.Errno {
	_, _, errno := unix.Syscall(unix.SYS_BPF, unix.BPF_MAP_CREATE, 0, 1<<20)
	return errno
}

// attemptPerf opens a software CPU clock counter on the probe itself,
// excluding kernel and hypervisor so perf_event_paranoid 2 permits it.
func attemptPerf(env *attemptEnv) Attempt {
	t := trial{
		name: AttemptPerfEventOpen, target: "self", cap: capPerfmon,
		kernelErr: unix.EINVAL, probe: probePerf,
		detail: "perf_event_open of a software clock on itself, closed at once",
		hint:   sysctlHint("kernel.perf_event_paranoid"),
	}
	attr := unix.PerfEventAttr{
		Type:   unix.PERF_TYPE_SOFTWARE,
		Config: unix.PERF_COUNT_SW_CPU_CLOCK,
		Bits:   unix.PerfBitDisabled | unix.PerfBitExcludeKernel | unix.PerfBitExcludeHv,
	}
	attr.Size = uint32(unsafe.Sizeof(attr))
	var fd int
	fd, t.err = unix.PerfEventOpen(&attr, 0, -1, -1, unix.PERF_FLAG_FD_CLOEXEC)
	if t.err == nil {
		unix.Close(fd)
	}
	return env.judge(t)
}

// probePerf: unknown flags are EINVAL, the very first check.
func probePerf() unix.Errno {
	_, _, errno := unix.Syscall6(unix.SYS_PERF_EVENT_OPEN, 0, 0, ^uintptr(0), ^uintptr(0), 1<<10, 0)
	return errno
}

// attemptRawSocket opens a raw ICMP socket, the tool of spoofing.
func attemptRawSocket(env *attemptEnv) Attempt {
	t := trial{
		name: AttemptRawSocket, target: "AF_INET", cap: capNetRaw, mediated: true,
		kernelErr: unix.EINVAL, probe: probeRawSocket,
		detail: "socket(AF_INET, SOCK_RAW, IPPROTO_ICMP), closed at once",
	}
	t.err = openAndClose(unix.AF_INET, unix.SOCK_RAW, unix.IPPROTO_ICMP)
	return env.judge(t)
}

// probeRawSocket: a protocol beyond IPPROTO_MAX is EINVAL before the
// CAP_NET_RAW check of inet_create.
func probeRawSocket() unix.Errno {
	_, _, errno := unix.RawSyscall(unix.SYS_SOCKET, unix.AF_INET, unix.SOCK_RAW, 1000)
	return errno
}

// attemptPacketSocket opens a packet socket with protocol 0, which receives
// nothing until bound.
func attemptPacketSocket(env *attemptEnv) Attempt {
	t := trial{
		name: AttemptPacketSocket, target: "AF_PACKET", cap: capNetRaw, mediated: true,
		kernelErr: unix.EINVAL, probe: probePacketSocket,
		detail: "socket(AF_PACKET, SOCK_RAW, 0), closed at once",
	}
	t.err = openAndClose(unix.AF_PACKET, unix.SOCK_RAW, 0)
	return env.judge(t)
}

// probePacketSocket: socket type 11 (SOCK_MAX) is EINVAL before the family
// is even looked at.
func probePacketSocket() unix.Errno {
	_, _, errno := unix.RawSyscall(unix.SYS_SOCKET, unix.AF_PACKET, 11, 0)
	return errno
}

func openAndClose(domain, typ, proto int) error {
	fd, err := unix.Socket(domain, typ|unix.SOCK_CLOEXEC, proto)
	if err == nil {
		unix.Close(fd)
	}
	return err
}

// attemptChown gives a file the probe created to another user: root when
// the probe is not root, nobody (65534) when it is.
func attemptChown(env *attemptEnv) Attempt {
	t := trial{name: AttemptChown, cap: capChown, mediated: true, kernelErr: unix.EFAULT, probe: probeChown}
	uid, gid := 0, 0
	if env.euid == 0 {
		uid, gid = 65534, 65534
	}
	if env.scratch == "" {
		return chownRootNoop(env, t)
	}
	f, err := os.CreateTemp(env.scratch, ".hardrun-probe-chown-*")
	if err != nil {
		return skipped(t.name, env.scratch, fmt.Sprintf("create a file to chown: %v", err))
	}
	name := f.Name()
	f.Close()
	defer os.Remove(name)
	t.target = name
	t.detail = fmt.Sprintf("chown %d:%d of a file the probe created, removed after", uid, gid)
	t.err = unix.Fchownat(unix.AT_FDCWD, name, uid, gid, unix.AT_SYMLINK_NOFOLLOW)
	return env.judge(t)
}

// chownRootNoop is the chown attempt when no directory is writable: "/" is
// given to its current owner, which changes nothing when it is allowed.
func chownRootNoop(env *attemptEnv, t trial) Attempt {
	var st unix.Stat_t
	if err := unix.Stat("/", &st); err != nil {
		return skipped(t.name, "/", fmt.Sprintf("no writable directory, and stat /: %v", err))
	}
	t.target = "/"
	t.detail = fmt.Sprintf("no writable directory: chown / to its current owner %d:%d (a no-op)", st.Uid, st.Gid)
	t.err = unix.Fchownat(unix.AT_FDCWD, "/", int(st.Uid), int(st.Gid), 0)
	return env.judge(t)
}

// probeChown: a NULL path is EFAULT before any permission check.
func probeChown() unix.Errno {
	_, _, errno := unix.Syscall6(unix.SYS_FCHOWNAT, atFDCWD(), 0, 0, 0, 0, 0)
	return errno
}

// attemptMknod creates /dev/null's twin (char 1:3) and removes it. With no
// writable directory it tries in / and reports what happened there.
func attemptMknod(env *attemptEnv) Attempt {
	dir, where := env.scratch, ""
	if dir == "" {
		dir, where = "/", "no writable directory, tried in /"
	}
	name := filepath.Join(dir, fmt.Sprintf(".hardrun-probe-null-%d-%x", os.Getpid(), rand.Uint32()))
	t := trial{
		name: AttemptMknod, target: name, cap: capMknod, mediated: true,
		kernelErr: unix.EFAULT, probe: probeMknod, path: dir, access: unix.W_OK,
		detail: joinDetail(where, "mknod c 1 3"),
	}
	t.err = unix.Mknod(name, unix.S_IFCHR|0o600, int(unix.Mkdev(1, 3)))
	if t.err == nil {
		if err := os.Remove(name); err != nil {
			t.detail = joinDetail(t.detail, fmt.Sprintf("could not remove it: %v", err))
		} else {
			t.detail = joinDetail(t.detail, "removed at once")
		}
	}
	return env.judge(t)
}

// probeMknod: a NULL path is EFAULT before any permission check.
func probeMknod() unix.Errno {
	_, _, errno := unix.Syscall6(unix.SYS_MKNODAT, atFDCWD(), 0, unix.S_IFCHR|0o600, 0, 0, 0)
	return errno
}

func atFDCWD() uintptr {
	fd := unix.AT_FDCWD
	return uintptr(fd)
}

// attemptSetuid calls setuid(0) on a throwaway thread: were it allowed, the
// root thread dies with the attempt. A probe already running as root is
// reported as allowed, because it is root.
func attemptSetuid(env *attemptEnv) Attempt {
	if env.euid == 0 {
		return Attempt{Name: AttemptSetuid, Target: "uid 0", Result: ResultAllowed, Detail: "the probe already runs as uid 0"}
	}
	t := trial{
		name: AttemptSetuid, target: "uid 0", cap: capSetuid, kernelErr: unix.EINVAL,
		detail: "raw setuid(0) on a thread that is then discarded",
		err:    setuidOnThrowaway(0),
		// uid_t -1 is invalid: EINVAL before the CAP_SETUID check.
		probe: func() unix.Errno { return errnoOf(setuidOnThrowaway(math.MaxUint32)) },
	}
	return env.judge(t)
}

func setuidOnThrowaway(uid uintptr) error {
	var errno unix.Errno
	onThrowawayThread(func() {
		_, _, errno = unix.RawSyscall(unix.SYS_SETUID, uid, 0, 0)
	})
	return errOrNil(errno)
}

// attemptWriteRoot creates and removes a file in /.
func attemptWriteRoot(env *attemptEnv) Attempt {
	t := trial{name: AttemptWriteRoot, target: "/", cap: noCap, path: "/", access: unix.W_OK, mediated: true}
	t.detail, t.err = createAndRemove("/")
	if t.err != nil {
		t.detail = "create a temporary file"
	}
	return env.judge(t)
}

// attemptWriteVolumes tests each --volume for write.
func attemptWriteVolumes(env *attemptEnv) []Attempt {
	if len(env.volumes) == 0 {
		return []Attempt{skipped(AttemptWriteVolume, "", "no --volume given")}
	}
	var out []Attempt
	for _, v := range env.volumes {
		t := trial{name: AttemptWriteVolume, target: v, cap: noCap, path: v, access: unix.W_OK, mediated: true}
		t.detail, t.err = tryWrite(v)
		switch {
		case t.err == nil:
			out = append(out, env.judge(t))
		case errors.Is(t.err, fs.ErrNotExist):
			out = append(out, skipped(t.name, v, "does not exist"))
		case errors.Is(t.err, errNotFileOrDir):
			out = append(out, skipped(t.name, v, "not a regular file or directory, not opened"))
		default:
			t.detail = "create a temporary file in it, or open it for writing"
			out = append(out, env.judge(t))
		}
	}
	return out
}

// attemptWriteProcSys opens kernel.core_pattern for writing. It is global
// to the host (not namespaced): whoever writes it has the host kernel run a
// program as root on the next crash. Nothing is written.
func attemptWriteProcSys(env *attemptEnv) Attempt {
	return openForWrite(env, AttemptWriteProcSys, "/proc/sys/kernel/core_pattern")
}

// attemptSysrqTrigger opens /proc/sysrq-trigger for writing; one written
// byte could reboot the host. Nothing is written.
func attemptSysrqTrigger(env *attemptEnv) Attempt {
	return openForWrite(env, AttemptSysrqTrigger, "/proc/sysrq-trigger")
}

func openForWrite(env *attemptEnv, name, path string) Attempt {
	t := trial{name: name, target: path, cap: noCap, path: path, access: unix.W_OK, mediated: true,
		detail: "open for writing, write nothing"}
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if errors.Is(err, fs.ErrNotExist) {
		return skipped(name, path, "does not exist")
	}
	if err == nil {
		f.Close()
	}
	t.err = err
	return env.judge(t)
}

// attemptReadKcore reads the first byte of /proc/kcore (the kernel's
// memory as an ELF core; byte 0 is the ELF header). Docker masks it by
// mounting /dev/null over it, which reads as empty.
func attemptReadKcore(env *attemptEnv) Attempt {
	const path = "/proc/kcore"
	t := trial{name: AttemptReadKcore, target: path, cap: capSysRawio, path: path, access: unix.R_OK, mediated: true,
		detail: "read one byte"}
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return skipped(t.name, path, "does not exist")
	}
	if err != nil {
		t.err = err
		return env.judge(t)
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && fi.Mode()&fs.ModeCharDevice != 0 {
		return masked(t, "a character device (/dev/null) is mounted over it")
	}
	n, err := f.Read(make([]byte, 1))
	switch {
	case n == 1:
		return env.judge(t)
	case err == nil || errors.Is(err, io.EOF):
		return masked(t, "it reads as empty")
	default:
		t.err = err
		return env.judge(t)
	}
}

func masked(t trial, why string) Attempt {
	return Attempt{Name: t.name, Target: t.target, Result: ResultBlocked, By: ByMasked, Detail: "masked: " + why}
}

func errnoOf(err error) unix.Errno {
	var errno unix.Errno
	errors.As(err, &errno)
	return errno
}

// dialTimeout bounds the connect to a Docker socket; a listening socket
// answers at once, a full backlog must not hang the probe.
const dialTimeout = 2 * time.Second

// attemptDockerSockets connects to each Docker socket that exists and
// closes the connection without sending anything: a connection is the
// whole Docker API, and through it root on the host. A socket on a
// read-only mount still connects; only its mode and AppArmor stop it.
func attemptDockerSockets(env *attemptEnv) []Attempt {
	var out []Attempt
	for _, s := range env.sockets {
		if _, err := os.Lstat(s); errors.Is(err, fs.ErrNotExist) {
			continue
		}
		t := trial{name: AttemptDockerSocket, target: s, cap: noCap, path: s, access: unix.W_OK, mediated: true,
			detail: "connect, send nothing"}
		conn, err := net.DialTimeout("unix", s, dialTimeout)
		if err == nil {
			conn.Close()
		}
		t.err = err
		out = append(out, env.judge(t))
	}
	switch {
	case len(env.sockets) == 0:
		return []Attempt{skipped(AttemptDockerSocket, "", "no socket paths to test")}
	case len(out) == 0:
		return []Attempt{skipped(AttemptDockerSocket, "", "no Docker socket at "+strings.Join(env.sockets, ", "))}
	}
	return out
}
