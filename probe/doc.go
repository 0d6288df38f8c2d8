// Package probe is what `hardrun verify` runs inside the container: the
// static hardrun binary, bind-mounted read-only and started in its hidden
// probe mode, reports from the inside what is really in force and tries a
// fixed list of escapes. It reads /proc and /sys and makes raw system calls;
// it needs nothing in the image (no /etc/passwd, /tmp or shell), never
// executes a program, uses no cgo and imports no other hardrun package.
//
// Main is the entry point of the hidden mode; Collect does the work and
// returns a Report; Report.WriteText renders it for people. The JSON
// encoding of Report, documented below, is stable: fields are only ever
// added, and schema changes when one is removed or changes meaning.
//
// # Running it
//
//	hardrun <probe mode> [--volume PATH]... [--attempt NAME]... [--json]
//
// --volume adds a path to the write tests (verify passes every container
// path it mounts), --attempt runs only the named attempts (AttemptNames),
// --json is the default and only format. Exit status: 0 a report was
// printed (whatever it says), 1 it could not be written, 2 usage error
// (--help included).
//
// # JSON fields
//
// Every key is always present; lists are [] rather than null; a value the
// probe could not read keeps the "unknown" value given below and the reason
// is in errors.
//
//	schema           int     1, see SchemaVersion
//	pid              int     the probe's pid (1 unless the container has an init)
//	uid, gid         int     real user and group id
//	euid, egid       int     effective user and group id
//	groups           [int]   supplementary groups, from the Groups line of /proc/self/status
//	                         (getgroups(2) when it cannot be read)
//	ids              object  from /proc/self/status ([] when unknown):
//	  uid, gid       [int]   real, effective, saved set and file system id
//	home             string  $HOME ("" when unset)
//	capabilities     object  the five capability sets from /proc/self/status:
//	  inheritable, permitted, effective, bounding, ambient: object
//	    hex          string  the mask as the kernel prints it, 16 hex digits ("" unknown)
//	    names        [string] the bits set, lowest first: CAP_CHOWN ... CAP_CHECKPOINT_RESTORE
//	                         (bit 40); a bit this build does not know is "CAP_<n>"
//	no_new_privs     bool    the NoNewPrivs flag
//	seccomp          object
//	  mode           int     0 disabled, 1 strict, 2 filter; -1 unknown
//	  mode_name      string  "disabled", "strict", "filter" or "unknown"
//	  filters        int     Seccomp_filters: filters installed (0 before Linux 5.9)
//	apparmor         string  the AppArmor label, e.g. "docker-default (enforce)" or
//	                         "unconfined"; "unavailable" when AppArmor is not enabled
//	                         (from /proc/self/attr/apparmor/current, else attr/current)
//	root_fs          string  "ro" or "rw": the mode of the mount on / ("unknown")
//	mounts           [object] /proc/self/mountinfo, in its order:
//	  mount_point    string  where it is mounted (octal escapes decoded)
//	  dev            string  major:minor of the file system
//	  root           string  the directory of the source file system mounted there
//	  fstype         string  e.g. "overlay", "tmpfs", "proc"
//	  source         string  e.g. "/dev/sda1", "tmpfs"
//	  mode           string  "ro" when the mount or its superblock is read-only, else "rw"
//	  propagation    string  "private", "shared", "slave", "shared,slave" or "unbindable"
//	  options        string  the per-mount options, verbatim
//	writable         [object] a file really created and removed in each of /, /tmp, /run,
//	                         /var/tmp, /dev/shm, $HOME, every --volume and every mount
//	                         point outside /proc, /sys and /dev (a volume that
//	                         is a regular file is opened for writing, nothing written):
//	  path           string
//	  writable       bool
//	  errno          string  why not, e.g. "EROFS", "EACCES", "ENOENT"; "" when writable
//	  detail         string  what was done, or the error
//	sockets          [object] every unix socket reachable through the mounts: each mount
//	                         point but /, /proc, /sys, /dev, /dev/pts and /dev/mqueue,
//	                         walked without following symlinks (at most 10000 entries and
//	                         8 levels per mount), then /var/run/docker.sock and
//	                         /run/docker.sock; each is sent GET /_ping HTTP/1.0 (the first 64):
//	  path           string
//	  mount_point    string  the mount it was found under ("" for the default paths)
//	  docker_api     bool    it answered like the Docker Engine API: an Api-Version
//	                         header or the body "OK"
//	  answer         string  the status line ("" when none came)
//	  error          string  why connect or the request failed
//	host_filesystems [object] mounts that show a host file system: procfs, sysfs, cgroup
//	                         outside /proc, /sys, /sys/fs/cgroup; a kernel interface
//	                         (debugfs, tracefs, securityfs, bpf, configfs, efivarfs,
//	                         pstore, binfmt_misc, fusectl, nsfs); the host's devtmpfs; the
//	                         whole file system of a block device (root "/"); an overlay
//	                         other than the root:
//	  mount_point, fstype, source, root  string  as in mounts
//	  why            string
//	cgroup_namespace object
//	  mode           string  "private", "host" or "unknown"
//	  inode          string  the link /proc/self/ns/cgroup
//	  why            string  the reasoning: the initial namespace's fixed inode
//	                         (4026531835) is the host's; a /proc/self/cgroup path other
//	                         than "/" means the namespace root lies above the
//	                         container's cgroup, so it is shared
//	cgroup           object  the probe's cgroup limits, in cgroup v2 syntax
//	  version        int     2, 1 (v1 or hybrid: limits read from the v1 controllers), 0 unknown
//	  path           string  the cgroup path from /proc/self/cgroup (v1: the memory controller's)
//	  memory_max     string  bytes, "max" unlimited ("" unknown; v1 memory.limit_in_bytes)
//	  pids_max       string  a count, "max" unlimited ("" unknown)
//	  cpu_max        string  "$QUOTA $PERIOD" in microseconds, quota "max" unlimited;
//	                         "150000 100000" is 1.5 CPUs (v1 cpu.cfs_quota_us and _period_us)
//	rlimits          object  getrlimit(2) of nofile, nproc and core:
//	  nofile, nproc, core: object
//	    soft, hard   int     -1 unlimited. The Go runtime raises the soft nofile limit
//	                         to hard-1 at start-up, so a soft of hard-1 does not show
//	                         the container's configured soft limit
//	network          [object] net.Interfaces:
//	  name           string
//	  up             bool
//	  addrs          [string] CIDR, e.g. "127.0.0.1/8"
//	attempts         [object] the escape attempts, in catalogue order:
//	  name           string  the attempt (below); write-volume and docker-socket appear
//	                         once per target
//	  target         string  what it was tried on: a path, a socket, "" when obvious
//	  result         string  "blocked" (it failed), "ALLOWED" (it worked, and was undone)
//	                         or "skipped" (it could not be tried; detail says why)
//	  errno          string  the error of a blocked attempt, e.g. "EPERM"; "" otherwise
//	  by             string  what blocked it (below); "" when not blocked or not known
//	  detail         string  what was done and the reasoning behind by
//	errors           [string] what could not be read
//
// # Attempts
//
// Each is non-destructive: whatever it creates is removed at once, and
// whatever could change the probe process itself is done on a thread that
// is thrown away afterwards (a goroutine locked to its OS thread that exits
// without unlocking, so the runtime ends the thread).
//
//	mount               mount a 4 KiB tmpfs on a new directory in the first writable
//	                    of /tmp, /dev/shm, /var/tmp, /run, $HOME, /, then unmount it.
//	                    With none writable: bind-mount the probe binary onto itself
//	                    (same content) and unmount
//	umount              umount2 of a path that does not exist: ENOENT shows the call
//	                    got through the filter (the path is looked up before
//	                    CAP_SYS_ADMIN is checked); nothing is ever unmounted
//	unshare-userns      create a user namespace. unshare(2) cannot: it fails with
//	                    EINVAL in any multi-threaded process, as every Go program
//	                    is; so clone(2) a child into a new user namespace, which
//	                    exits at once (it runs only raw system calls)
//	unshare-mountns     unshare(CLONE_NEWNS) on a throwaway thread
//	ptrace              PTRACE_SEIZE a child the probe forked (it sleeps with every
//	                    signal blocked), then SIGKILL and reap it. SEIZE does not stop
//	                    the tracee, and no process of the container is touched; pid 1
//	                    is not used because the probe often is pid 1, and tracing
//	                    one's own thread group always fails
//	keyctl              KEYCTL_GET_KEYRING_ID of the session keyring, without
//	                    creating it (ENOKEY counts as allowed: the call got through)
//	add-key             add a "user" key to the process keyring, invalidate it
//	request-key         request_key a "user" key that does not exist, with no callout
//	                    (ENOKEY counts as allowed: the call got through)
//	bpf                 BPF_MAP_CREATE a one-entry array map, close it
//	perf-event-open     a software CPU-clock counter on itself, user space only, closed
//	raw-socket          socket(AF_INET, SOCK_RAW, IPPROTO_ICMP), closed
//	packet-socket       socket(AF_PACKET, SOCK_RAW, 0), closed
//	chown               chown a file it created to 0:0 (to 65534:65534 when root),
//	                    remove it. With no writable directory: chown / to its current
//	                    owner, a no-op
//	mknod               mknod a character device 1:3 in the writable directory (else
//	                    in /), remove it
//	setuid              raw setuid(0) on a throwaway thread; as uid 0 already: ALLOWED
//	write-root          create and remove a file in /
//	write-volume        the same in each --volume ("skipped" when none is given or it
//	                    does not exist)
//	write-proc-sys      open /proc/sys/kernel/core_pattern for writing, write nothing.
//	                    That sysctl is global to the host: writing it makes the host
//	                    kernel run a program as root on the next crash
//	open-sysrq-trigger  open /proc/sysrq-trigger for writing, write nothing
//	read-kcore          read one byte of /proc/kcore (the ELF header); reading it as
//	                    empty or as a character device is "blocked" by "masked"
//	docker-socket       connect to each of /var/run/docker.sock and /run/docker.sock
//	                    that exists, send nothing ("skipped" when none exists)
//
// A seccomp filter whose action kills or traps instead of returning an
// error ends the probe at the first call it denies; Docker's and hardrun's
// profiles return EPERM.
//
// # What blocked it
//
// by is one of:
//
//	capability         a capability the kernel checks is not in the effective set
//	seccomp            the seccomp filter rejected the system call
//	read-only          EROFS: the file system is mounted read-only
//	apparmor           the AppArmor profile denied it
//	permissions        the file's owner and mode deny it to this user
//	masked             the path is masked (/dev/null or an empty mount over it)
//	no-new-privileges  reserved: NoNewPrivs only restricts execve(2), which the
//	                   probe never calls, so no attempt is attributed to it today;
//	                   no_new_privs reports the flag itself
//
// The errno alone cannot tell seccomp from a missing capability: both are
// EPERM. So for every system-call attempt that fails while a filter is
// installed, the probe repeats the call with arguments the kernel rejects
// before any permission check (a NULL path: EFAULT; an unknown flag or a
// protocol out of range: EINVAL; pid -1: ESRCH). If the repeat fails with
// the kernel's argument error, the filter let the call through; if it fails
// with the same errno as the attempt, the filter rejected it on entry. For
// EACCES on a file, faccessat(2) with the effective ids tells whether owner
// and mode alone deny it (AppArmor is not consulted there). Then the first
// rule that matches wins:
//
//  1. EROFS: read-only.
//  2. The repeated call failed the same way: seccomp. The filter runs on
//     system-call entry, before anything else, so nothing else was asked.
//  3. EACCES and faccessat refuses too: permissions.
//  4. EACCES under an enforcing AppArmor profile (label ending in
//     "(enforce)") for an operation AppArmor mediates (files, mount, ptrace,
//     sockets, user namespaces): apparmor.
//  5. EPERM or EACCES and the capability the kernel checks for this
//     operation is missing (CAP_SYS_ADMIN for mount and unshare,
//     CAP_SYS_PTRACE, CAP_BPF, CAP_PERFMON, CAP_NET_RAW, CAP_CHOWN,
//     CAP_MKNOD, CAP_SETUID, CAP_SYS_RAWIO for kcore): capability.
//  6. EPERM or ENOSYS with a filter installed but no repeat possible or
//     conclusive: seccomp, as a best guess.
//  7. Otherwise "": a kernel policy (a sysctl such as
//     kernel.unprivileged_bpf_disabled or kernel.yama.ptrace_scope, whose
//     values the detail then shows) or something unknown.
//
// The repeat assumes the filter judges the call by its number, as Docker's
// and hardrun's filters do for every call tried here; a filter that tests
// arguments could answer the repeat differently. On kernels before 5.19 the
// bpf repeat meets kernel.unprivileged_bpf_disabled first and reads as
// seccomp.
//
// # Verdict
//
// Report.Failures is verify's verdict, on effects: an ALLOWED attempt (a
// write to a mount the plan leaves writable excepted); uid 0 in any uid,
// gid 0 in any gid or supplementary group 0 (unless the profile permits
// them); a socket where the engine's API answers; any host_filesystems
// entry; the host's cgroup namespace (unless permitted).
//
// # Example
//
// A container started with --init --cap-drop ALL --cap-add
// NET_BIND_SERVICE --read-only --tmpfs /tmp --security-opt
// no-new-privileges --user 10001:10001 --memory 512m --pids-limit 256
// --cpus 1 --ulimit nofile=1024:1024 --ulimit nproc=512:512 --ulimit
// core=0:0 --network none -v data:/data:ro, Docker's default seccomp and
// AppArmor profiles, on a cgroup v2 host (trimmed where it says "..."):
//
//	{
//	  "schema": 1,
//	  "pid": 7,
//	  "uid": 10001, "gid": 10001, "euid": 10001, "egid": 10001,
//	  "groups": [10001],
//	  "home": "/",
//	  "capabilities": {
//	    "inheritable": {"hex": "0000000000000000", "names": []},
//	    "permitted":   {"hex": "0000000000000000", "names": []},
//	    "effective":   {"hex": "0000000000000000", "names": []},
//	    "bounding":    {"hex": "0000000000000400", "names": ["CAP_NET_BIND_SERVICE"]},
//	    "ambient":     {"hex": "0000000000000000", "names": []}
//	  },
//	  "no_new_privs": true,
//	  "seccomp": {"mode": 2, "mode_name": "filter", "filters": 1},
//	  "apparmor": "docker-default (enforce)",
//	  "root_fs": "ro",
//	  "mounts": [
//	    {"mount_point": "/", "root": "/", "fstype": "overlay", "source": "overlay",
//	     "mode": "ro", "propagation": "private", "options": "ro,relatime"},
//	    {"mount_point": "/data", "root": "/var/lib/docker/volumes/data/_data",
//	     "fstype": "ext4", "source": "/dev/vda", "mode": "ro",
//	     "propagation": "private", "options": "ro,relatime"},
//	    ...
//	  ],
//	  "writable": [
//	    {"path": "/", "writable": false, "errno": "EROFS",
//	     "detail": "open /.hardrun-probe-3608547746: read-only file system"},
//	    {"path": "/tmp", "writable": true, "errno": "",
//	     "detail": "created and removed a temporary file"},
//	    {"path": "/run", "writable": false, "errno": "ENOENT",
//	     "detail": "stat /run: no such file or directory"},
//	    ...
//	  ],
//	  "cgroup": {"version": 2, "path": "/", "memory_max": "536870912",
//	             "pids_max": "256", "cpu_max": "100000 100000"},
//	  "rlimits": {"nofile": {"soft": 1024, "hard": 1024},
//	              "nproc": {"soft": 512, "hard": 512},
//	              "core": {"soft": 0, "hard": 0}},
//	  "network": [{"name": "lo", "up": true, "addrs": ["127.0.0.1/8"]}],
//	  "attempts": [
//	    {"name": "mount", "target": "/tmp/hardrun-probe-mnt-445551458",
//	     "result": "blocked", "errno": "EPERM", "by": "seccomp",
//	     "detail": "mount -t tmpfs; the same call with invalid arguments also failed with EPERM, so the seccomp filter rejects it (CAP_SYS_ADMIN is missing too)"},
//	    {"name": "raw-socket", "target": "AF_INET",
//	     "result": "blocked", "errno": "EPERM", "by": "capability",
//	     "detail": "socket(AF_INET, SOCK_RAW, IPPROTO_ICMP), closed at once; CAP_NET_RAW is not in the effective set (the seccomp filter lets the call through)"},
//	    {"name": "ptrace", "target": "forked child", "result": "ALLOWED",
//	     "errno": "", "by": "",
//	     "detail": "PTRACE_SEIZE a child forked for the purpose, then kill it"},
//	    {"name": "write-volume", "target": "/data",
//	     "result": "blocked", "errno": "EROFS", "by": "read-only",
//	     "detail": "create a temporary file in it, or open it for writing; the file system is mounted read-only"},
//	    {"name": "write-proc-sys", "target": "/proc/sys/kernel/core_pattern",
//	     "result": "blocked", "errno": "EACCES", "by": "permissions",
//	     "detail": "open for writing, write nothing; the file's owner and mode deny it to this user"},
//	    {"name": "docker-socket", "target": "", "result": "skipped",
//	     "errno": "", "by": "",
//	     "detail": "no Docker socket at /var/run/docker.sock, /run/docker.sock"},
//	    ...
//	  ],
//	  "errors": []
//	}
package probe
