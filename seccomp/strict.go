package seccomp

import (
	mobyseccomp "github.com/moby/profiles/seccomp"
	"github.com/opencontainers/runtime-spec/specs-go"
)

// The strict base is a small allowlist: what busybox sh, a static Go program
// and an ordinary dynamically linked glibc program (coreutils, bash, perl,
// curl, a cgo binary) use, measured with strace, plus the few siblings of
// those calls that old libcs and musl use for the same job. It is a subset of
// what Docker's default profile allows (a test checks it) and grants nothing
// by capability: even with CAP_SYS_ADMIN it creates no namespace, mounts
// nothing, loads no BPF.
//
// Everything not listed fails with EPERM (the default action), except a few
// calls that libraries probe and must see as missing, which fail with ENOSYS
// (see strictENOSYS).
//
// Names are given for 64-bit x86 and arm. The archMap lists the 32-bit
// sub-architectures as Docker does, so a 32-bit program is filtered rather
// than refused outright, but 32-bit-only calls (mmap2, fcntl64, socketcall,
// *_time64, ...) are not listed: 32-bit programs fail closed under strict and
// need seccomp.allow.

// strictGroups are the unconditional allow rules of the strict base, one per
// group, each with the reason it is needed. Names are sorted within a group
// and appear in one group only (a test checks both).
var strictGroups = []struct {
	comment string
	names   []string
}{
	// Starting, running, waiting for and ending processes and threads.
	// futex is how every lock, condition variable and thread join waits;
	// set_tid_address, set_robust_list and rseq are what glibc's start-up and
	// every new thread call; arch_prctl sets the TLS register on x86_64 (Go
	// and glibc); prctl is how programs name threads, set PDEATHSIG and
	// become a subreaper (docker-init/tini does). clone is allowed by the
	// argument-checked rules below, clone3 is answered ENOSYS.
	{"strict: processes and threads", []string{
		"arch_prctl", "execve", "exit", "exit_group", "fork", "futex", "getpgid", "getpgrp",
		"getpid", "getppid", "getsid", "gettid", "kill", "pidfd_open",
		"pidfd_send_signal", "prctl", "rseq", "set_robust_list", "set_tid_address",
		"setpgid", "setsid", "tgkill", "vfork", "wait4", "waitid",
	}},
	// Reading identity and dropping privilege. The set*id calls can only
	// lower privilege without CAP_SETUID/CAP_SETGID, and servers that start
	// as root (nginx, postgres) must be able to drop it; capset likewise only
	// drops capabilities the process already has.
	{"strict: identity", []string{
		"capget", "capset", "getegid", "geteuid", "getgid", "getgroups",
		"getresgid", "getresuid", "getuid", "setfsgid", "setfsuid", "setgid",
		"setgroups", "setregid", "setresgid", "setresuid", "setreuid", "setuid",
	}},
	// The process's own memory. No mlock (pinned memory is a host resource)
	// and no membarrier, userfaultfd or pkey_*: nothing here needs them.
	{"strict: memory", []string{
		"brk", "madvise", "mmap", "mprotect", "mremap", "msync", "munmap",
	}},
	// Signals and interval timers: the shell's job control, Go's preemption
	// (tgkill above) and tini's signal forwarding (rt_sigtimedwait).
	{"strict: signals", []string{
		"alarm", "getitimer", "pause", "rt_sigaction", "rt_sigpending",
		"rt_sigprocmask", "rt_sigreturn", "rt_sigsuspend", "rt_sigtimedwait",
		"setitimer", "sigaltstack",
	}},
	// Reading clocks and sleeping. Setting clocks needs CAP_SYS_TIME and is
	// not listed. Timers and timerfds are per process.
	{"strict: time", []string{
		"clock_getres", "clock_gettime", "clock_nanosleep", "gettimeofday",
		"nanosleep", "time", "timer_create", "timer_delete", "timer_getoverrun",
		"timer_gettime", "timer_settime", "timerfd_create", "timerfd_gettime",
		"timerfd_settime",
	}},
	// I/O on file descriptors the process already has. ioctl stays whole:
	// terminals (job control, window size) and FIONBIO/FIOCLEX need it, and
	// device ioctls are already limited by the device cgroup. splice,
	// sendfile and copy_file_range are allowed because Go's io.Copy and
	// net/http use them and treat EPERM from splice as a hard error.
	{"strict: file descriptors", []string{
		"close", "close_range", "copy_file_range", "dup", "dup2", "dup3",
		"fadvise64", "fallocate", "fcntl", "fdatasync", "flock", "fsync",
		"ftruncate", "ioctl", "lseek", "pipe", "pipe2", "pread64", "preadv",
		"pwrite64", "pwritev", "read", "readv", "sendfile", "splice", "write",
		"writev",
	}},
	// Waiting for events: poll/select for shells and old programs, epoll and
	// eventfd for Go's network poller and every event loop.
	{"strict: polling", []string{
		"epoll_create", "epoll_create1", "epoll_ctl", "epoll_pwait", "epoll_pwait2",
		"epoll_wait", "eventfd", "eventfd2", "poll", "ppoll", "pselect6", "select",
	}},
	// Looking up paths and reading metadata. The legacy x86_64 names (open,
	// stat, access, readlink) are what glibc before 2.33 and musl call; statx
	// and faccessat2 are allowed rather than answered ENOSYS because they
	// reveal nothing stat and access do not, and coreutils and Rust call
	// statx directly.
	{"strict: path lookup", []string{
		"access", "chdir", "creat", "faccessat", "faccessat2", "fchdir", "fstat",
		"fstatfs", "getcwd", "getdents64", "lstat", "newfstatat", "open", "openat",
		"readlink", "readlinkat", "stat", "statfs", "statx", "umask",
	}},
	// Changing the filesystem. Which paths can change is for the read-only
	// root, the mounts and AppArmor to decide; chown to another owner needs
	// CAP_CHOWN. mknod is not listed: no device nodes, no FIFOs outside
	// pipes.
	{"strict: path changes", []string{
		"chmod", "chown", "fchmod", "fchmodat", "fchmodat2", "fchown", "fchownat",
		"lchown", "link", "linkat", "mkdir", "mkdirat", "rename", "renameat",
		"renameat2", "rmdir", "symlink", "symlinkat", "truncate", "unlink",
		"unlinkat", "utimensat",
	}},
	// Reading extended attributes: ls -l and cp ask for ACLs and security
	// labels. Setting them is not listed.
	{"strict: xattr reads", []string{
		"fgetxattr", "flistxattr", "getxattr", "lgetxattr", "listxattr",
		"llistxattr",
	}},
	// The process's own limits and the system's public facts: Go raises its
	// RLIMIT_NOFILE soft limit at start-up, glibc's qsort asks sysinfo for
	// memory size, the Go runtime and nproc read the CPU affinity, every
	// runtime seeds from getrandom. Raising a hard limit needs
	// CAP_SYS_RESOURCE.
	{"strict: limits and system facts", []string{
		"getcpu", "getrandom", "getrlimit", "getrusage", "prlimit64",
		"sched_get_priority_max", "sched_get_priority_min", "sched_getaffinity",
		"sched_getparam", "sched_getscheduler", "sched_yield", "setrlimit",
		"sysinfo", "times", "uname",
	}},
	// Sockets of the families below (socket itself is argument-checked):
	// clients and servers, and the AF_UNIX sockets glibc uses for nscd and
	// syslog. The network reachable is the container's network namespace.
	{"strict: sockets", []string{
		"accept", "accept4", "bind", "connect", "getpeername", "getsockname",
		"getsockopt", "listen", "recvfrom", "recvmmsg", "recvmsg", "sendmmsg",
		"sendmsg", "sendto", "setsockopt", "shutdown", "socketpair",
	}},
}

// strictENOSYS are answered ENOSYS instead of EPERM: libraries probe them and
// fall back to an older interface only when the kernel "does not have" them.
//
//   - clone3: glibc 2.34+ creates every thread and posix_spawn child with
//     clone3 and falls back to clone only on ENOSYS (EPERM would make
//     pthread_create fail). Its flags sit in a struct in memory, which
//     seccomp cannot read, so it cannot be argument-checked like clone; this
//     is what Docker's default does too without CAP_SYS_ADMIN.
//   - io_uring_setup, io_uring_enter, io_uring_register: a large kernel
//     attack surface (Docker's default no longer allows it either);
//     liburing/libuv users take ENOSYS as "no io_uring" and use epoll.
//
// rseq, statx and faccessat2, which libcs also probe, are allowed instead (see
// the groups above): they are harmless, so faking their absence buys nothing.
var strictENOSYS = []string{"clone3", "io_uring_enter", "io_uring_register", "io_uring_setup"}

// strictSocketFamilies are the address families socket(2) may create: local
// sockets, IPv4 and IPv6. Netlink, packet and the rest are refused (a raw
// packet socket also needs CAP_NET_RAW; netlink is a large attack surface).
var strictSocketFamilies = []uint64{afUNIX, afINET, afINET6}

// Linux's values, spelled out rather than taken from golang.org/x/sys/unix:
// the profile describes the container's kernel, not the OS hardrun runs on
// (AF_INET6 is 30 on macOS). A Linux test checks them against unix.*.
const (
	afUNIX  = 1
	afINET  = 2
	afINET6 = 10

	cloneNewNS     = 0x00020000
	cloneNewCgroup = 0x02000000
	cloneNewUTS    = 0x04000000
	cloneNewIPC    = 0x08000000
	cloneNewUser   = 0x10000000
	cloneNewPID    = 0x20000000
	cloneNewNet    = 0x40000000
)

// namespaceFlags are the clone flags that create namespaces. clone is allowed
// only with none of them set, so a container cannot build itself new
// namespaces (the way in to many user-namespace kernel exploits).
const namespaceFlags = cloneNewNS | cloneNewUTS | cloneNewIPC | cloneNewUser | cloneNewPID | cloneNewNet | cloneNewCgroup

// strictProfile returns the strict base as a new Go value (its name slices
// are shared with strictGroups; nothing writes to them).
func strictProfile() *mobyseccomp.Seccomp {
	var rules []*mobyseccomp.Syscall
	for _, g := range strictGroups {
		rules = append(rules, allowRule(g.comment, g.names...))
	}
	rules = append(rules, strictCloneRules()...)
	rules = append(rules, strictSocketRules()...)
	rules = append(rules, &mobyseccomp.Syscall{
		LinuxSyscall: specs.LinuxSyscall{Names: strictENOSYS, Action: specs.ActErrno, ErrnoRet: errnoENOSYS},
		Comment:      "strict: probed, answered as missing so callers fall back",
	})
	return &mobyseccomp.Seccomp{
		LinuxSeccomp: specs.LinuxSeccomp{DefaultAction: specs.ActErrno, DefaultErrnoRet: errnoEPERM},
		ArchMap:      strictArches(),
		Syscalls:     rules,
	}
}

func allowRule(comment string, names ...string) *mobyseccomp.Syscall {
	return &mobyseccomp.Syscall{
		LinuxSyscall: specs.LinuxSyscall{Names: names, Action: specs.ActAllow},
		Comment:      comment,
	}
}

// strictCloneRules allow clone without namespace flags. The flags are the
// first argument everywhere but on s390, where they are the second; the rules
// follow Docker's default so the same JSON is right on every engine.
func strictCloneRules() []*mobyseccomp.Syscall {
	s390 := []string{"s390", "s390x"}
	rule := func(index uint) *mobyseccomp.Syscall {
		r := allowRule("strict: clone without namespace flags", "clone")
		r.Args = []specs.LinuxSeccompArg{{Index: index, Value: namespaceFlags, ValueTwo: 0, Op: specs.OpMaskedEqual}}
		return r
	}
	first, second := rule(0), rule(1)
	first.Excludes = &mobyseccomp.Filter{Arches: s390}
	second.Includes = &mobyseccomp.Filter{Arches: s390}
	return []*mobyseccomp.Syscall{first, second}
}

// strictSocketRules allow socket(2) for strictSocketFamilies, one rule per
// family: runc turns several conditions on one argument into separate OR'ed
// rules anyway.
func strictSocketRules() []*mobyseccomp.Syscall {
	var rules []*mobyseccomp.Syscall
	for _, family := range strictSocketFamilies {
		r := allowRule("strict: sockets of local, IPv4 and IPv6 families", "socket")
		r.Args = []specs.LinuxSeccompArg{{Index: 0, Value: family, Op: specs.OpEqualTo}}
		rules = append(rules, r)
	}
	return rules
}

// strictArches mirrors Docker's archMap for the 64-bit architectures hardrun
// targets: a 64-bit host also runs its 32-bit (and x32) ABI, and those must be
// filtered, not left open.
func strictArches() []mobyseccomp.Architecture {
	return []mobyseccomp.Architecture{
		{Arch: specs.ArchX86_64, SubArches: []specs.Arch{specs.ArchX86, specs.ArchX32}},
		{Arch: specs.ArchAARCH64, SubArches: []specs.Arch{specs.ArchARM}},
	}
}
