//go:build linux && cgo

package seccomp

// Real-kernel tests: the test binary re-executes itself, the child loads a
// generated filter exactly as built by Compile's code (plus no_new_privs, as
// a container with no-new-privileges has), and then either execs a program
// or reports what a few syscalls return. Only the child is confined.

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"
)

// The child is told what to do through the environment.
const (
	envProfile = "HARDRUN_SECCOMP_TEST_PROFILE" // file with the profile JSON to load
	envCaps    = "HARDRUN_SECCOMP_TEST_CAPS"    // comma-separated final capability set
	envExec    = "HARDRUN_SECCOMP_TEST_EXEC"    // JSON argv to exec once confined
	envProbe   = "HARDRUN_SECCOMP_TEST_PROBE"   // set: report syscall results and exit
)

func TestMain(m *testing.M) {
	switch {
	case os.Getenv(envProfile) != "":
		os.Exit(confinedExec())
	case os.Getenv(envProbe) != "":
		os.Exit(probeSyscalls())
	}
	os.Exit(m.Run())
}

// confinedExec loads the filter named by the environment and execs the argv
// it names. It runs in the child only.
func confinedExec() int {
	// The filter goes to every thread (libseccomp syncs them), but execve
	// keeps the calling thread's: stay on one thread from load to exec.
	runtime.LockOSThread()
	var argv []string
	if err := json.Unmarshal([]byte(os.Getenv(envExec)), &argv); err != nil || len(argv) == 0 {
		fmt.Fprintf(os.Stderr, "child: bad %s: %v\n", envExec, err)
		return 120
	}
	env := slices.DeleteFunc(os.Environ(), func(kv string) bool {
		return strings.HasPrefix(kv, envProfile+"=") || strings.HasPrefix(kv, envCaps+"=") || strings.HasPrefix(kv, envExec+"=")
	})
	if err := loadFilter(os.Getenv(envProfile), os.Getenv(envCaps)); err != nil {
		fmt.Fprintf(os.Stderr, "child: %v\n", err)
		return 121
	}
	err := syscall.Exec(argv[0], argv, env)
	fmt.Fprintf(os.Stderr, "child: exec %s: %v\n", argv[0], err)
	return 122
}

func loadFilter(path, caps string) error {
	profile, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var capList []string
	if caps != "" {
		capList = strings.Split(caps, ",")
	}
	filter, err := buildFilter(profile, capList)
	if err != nil {
		return err
	}
	if err := filter.SetNoNewPrivsBit(true); err != nil {
		return err
	}
	return filter.Load()
}

// probes are syscalls whose result tells an allowed call from a refused one
// without changing anything: each is made so that, when allowed, it fails
// for a reason of its own (bad arguments, missing path, not traced).
var probes = []struct {
	name string
	call func() error
}{
	{"getpid", func() error { return rawErr(unix.SYS_GETPID, 0, 0, 0) }},
	// A NULL clone_args of size 0 is EINVAL when clone3 is allowed.
	{"clone3", func() error { return rawErr(unix.SYS_CLONE3, 0, 0, 0) }},
	// A multi-threaded process may not unshare its user namespace: EINVAL.
	{"unshare", func() error { return rawErr(unix.SYS_UNSHARE, unix.CLONE_NEWUSER, 0, 0) }},
	// Peeking at a process we do not trace is ESRCH.
	{"ptrace", func() error { return rawErr(unix.SYS_PTRACE, unix.PTRACE_PEEKUSR, uintptr(os.Getpid()), 0) }},
	{"mount", func() error { return unix.Mount("none", "/nonexistent/hardrun-seccomp-test", "tmpfs", 0, "") }},
	{"io_uring_setup", func() error { return rawErr(unix.SYS_IO_URING_SETUP, 0, 0, 0) }},
	{"socket_inet", func() error { return socketErr(unix.AF_INET) }},
	{"socket_netlink", func() error { return socketErr(unix.AF_NETLINK) }},
}

func rawErr(nr, a1, a2, a3 uintptr) error {
	if _, _, errno := unix.Syscall(nr, a1, a2, a3); errno != 0 {
		return errno
	}
	return nil
}

func socketErr(family int) error {
	fd, err := unix.Socket(family, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err == nil {
		unix.Close(fd)
	}
	return err
}

// probeSyscalls prints one "name=result" line per probe. It runs in a
// confined child that is a fresh exec of this (cgo, dynamically linked glibc,
// multi-threaded) test binary, so getting here at all proves such a program
// starts under the filter.
func probeSyscalls() int {
	for _, p := range probes {
		fmt.Printf("%s=%s\n", p.name, errnoName(p.call()))
	}
	return 0
}

func errnoName(err error) string {
	var errno unix.Errno
	if err == nil {
		return "ok"
	}
	if errors.As(err, &errno) {
		if name := unix.ErrnoName(errno); name != "" {
			return name
		}
	}
	return err.Error()
}

// requireSeccomp skips where the kernel has no seccomp filter support.
func requireSeccomp(t *testing.T) {
	t.Helper()
	status, err := os.ReadFile("/proc/self/status")
	if err != nil || !bytes.Contains(status, []byte("\nSeccomp:")) {
		t.Skip("kernel without seccomp support (no Seccomp: line in /proc/self/status)")
	}
}

// requireUnfiltered skips where the tests themselves already run under a
// seccomp filter (inside a container, say), which may refuse calls the
// profile under test allows.
func requireUnfiltered(t *testing.T) {
	t.Helper()
	status, err := os.ReadFile("/proc/self/status")
	if err == nil && bytes.Contains(status, []byte("\nSeccomp:\t2")) {
		t.Skip("the tests already run under a seccomp filter, which may refuse what the profile allows")
	}
}

// runConfined runs argv in a child confined by profile for the final
// capability set caps and returns its combined output.
func runConfined(t *testing.T, profile []byte, caps []string, env []string, argv ...string) (string, error) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "profile.json")
	if err := os.WriteFile(path, profile, 0o600); err != nil {
		t.Fatal(err)
	}
	argvJSON, err := json.Marshal(argv)
	if err != nil {
		t.Fatal(err)
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(self)
	cmd.Env = append(os.Environ(), env...)
	cmd.Env = append(cmd.Env, envProfile+"="+path, envCaps+"="+strings.Join(caps, ","), envExec+"="+string(argvJSON),
		// Under -race a Go program sleeps a second at exit to let reports
		// drain; the confined children have nothing to report.
		"GORACE="+strings.TrimSpace(os.Getenv("GORACE")+" atexit_sleep_ms=0"))
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func TestStrictRunsPrograms(t *testing.T) {
	requireSeccomp(t)
	strict := generate(t, Spec{Base: BaseStrict})
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		needs string // a file the test needs, skipped when absent
		argv  []string
		env   []string
		want  string
	}{
		{"busybox sh", "/bin/busybox", []string{"/bin/busybox", "sh", "-c", "echo ok"}, nil, "ok\n"},
		{"busybox sh, pipes, applets, filter in force", "/bin/busybox", []string{"/bin/busybox", "sh", "-c",
			`echo ok | cat; ls / >/dev/null && x=$(date) && sleep 0.01 && grep "^Seccomp:" /proc/self/status`}, nil, "ok\nSeccomp:\t2\n"},
		{"glibc dash", "/bin/sh", []string{"/bin/sh", "-c", "echo ok"}, nil, "ok\n"},
		{"glibc coreutils", "/bin/ls", []string{"/bin/ls", "-ld", "/"}, nil, ""},
		{"glibc threads, cgo and Go runtime", self, []string{self}, []string{envProbe + "=1"}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := os.Stat(tc.needs); err != nil {
				t.Skipf("%s not present on this machine", tc.needs)
			}
			out, err := runConfined(t, strict, nil, tc.env, tc.argv...)
			if err != nil {
				t.Fatalf("under strict, %q failed: %v\n%s", tc.argv, err, out)
			}
			if tc.want != "" && out != tc.want {
				t.Errorf("under strict, %q printed %q, want %q", tc.argv, out, tc.want)
			}
		})
	}
}

// TestStrictRunsStaticGo builds a small static Go program (goroutines, files,
// TCP on loopback, a child process) and runs it under strict.
func TestStrictRunsStaticGo(t *testing.T) {
	requireSeccomp(t)
	if testing.Short() {
		t.Skip("builds a Go program; skipped with -short")
	}
	if _, err := os.Stat("/bin/busybox"); err != nil {
		t.Skip("/bin/busybox not present on this machine (the program execs it)")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command on PATH to build the static program")
	}
	bin := buildStaticGo(t, goTool)
	out, err := runConfined(t, generate(t, Spec{Base: BaseStrict}), nil, nil, bin)
	if err != nil || out != "ok child\n" {
		t.Errorf("static Go program under strict: %v, printed %q, want %q", err, out, "ok child\n")
	}
}

const staticGoProgram = `package main

import (
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"sync"
)

func main() {
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() { defer wg.Done(); _, _ = os.ReadDir("/") }()
	}
	wg.Wait()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Println("listen:", err)
		os.Exit(1)
	}
	go func() {
		c, err := ln.Accept()
		if err == nil {
			c.Write([]byte("ok"))
			c.Close()
		}
	}()
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		fmt.Println("dial:", err)
		os.Exit(1)
	}
	got, _ := io.ReadAll(c)
	out, err := exec.Command("/bin/busybox", "echo", "child").Output()
	if err != nil {
		fmt.Println("exec:", err)
		os.Exit(1)
	}
	fmt.Printf("%s %s", got, out)
}
`

func buildStaticGo(t *testing.T, goTool string) string {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{"go.mod": "module staticprobe\n\ngo 1.22\n", "main.go": staticGoProgram}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	bin := filepath.Join(dir, "staticprobe")
	cmd := exec.Command(goTool, "build", "-o", bin, ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOWORK=off", "GOFLAGS=", "GOPROXY=off")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build static Go program: %v\n%s", err, out)
	}
	return bin
}

// TestSyscallsInKernel checks, in a real kernel, what the generated filters
// answer: ENOSYS where strict promises it, EPERM for denied names (even where
// Docker's default would allow them by capability), and allowed calls
// reaching the kernel.
func TestSyscallsInKernel(t *testing.T) {
	requireSeccomp(t)
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	root := os.Geteuid() == 0
	tests := []struct {
		name string
		spec Spec
		caps []string
		want map[string]string
		// privileged: the results need root and no outer filter, or the
		// kernel (or that filter) refuses the calls whatever ours says.
		privileged bool
	}{
		{"strict", Spec{Base: BaseStrict}, nil, map[string]string{
			"getpid": "ok", "clone3": "ENOSYS", "io_uring_setup": "ENOSYS", "unshare": "EPERM", "ptrace": "EPERM",
			"mount": "EPERM", "socket_inet": "ok", "socket_netlink": "EPERM",
		}, false},
		{"docker default, no capabilities", Spec{Base: BaseDefault}, nil, map[string]string{
			"getpid": "ok", "clone3": "ENOSYS", "ptrace": "ESRCH", "mount": "EPERM", "socket_netlink": "ok",
		}, false},
		{"contract deny list, no capabilities", Spec{Base: BaseDefault, Deny: contractDeny}, nil, map[string]string{
			"getpid": "ok", "clone3": "ENOSYS", "ptrace": "EPERM", "mount": "EPERM", "socket_netlink": "ok",
		}, false},
		{"docker default, CAP_SYS_ADMIN", Spec{Base: BaseDefault}, []string{"CAP_SYS_ADMIN"}, map[string]string{
			"clone3": "EINVAL", "mount": "ENOENT", "unshare": "EINVAL",
		}, true},
		{"contract deny list, CAP_SYS_ADMIN", Spec{Base: BaseDefault, Deny: contractDeny}, []string{"CAP_SYS_ADMIN"}, map[string]string{
			"clone3": "EINVAL", "mount": "EPERM", "unshare": "EPERM", "ptrace": "EPERM",
		}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.privileged {
				if !root {
					t.Skip("needs root: without CAP_SYS_ADMIN the kernel refuses mount and unshare whatever the filter says")
				}
				requireUnfiltered(t)
			}
			out, err := runConfined(t, generate(t, tc.spec), tc.caps, []string{envProbe + "=1"}, self)
			if err != nil {
				t.Fatalf("probe child failed: %v\n%s", err, out)
			}
			got := parseProbes(out)
			for name, want := range tc.want {
				if got[name] != want {
					t.Errorf("%s = %q, want %q", name, got[name], want)
				}
			}
		})
	}
}

func parseProbes(out string) map[string]string {
	got := map[string]string{}
	for line := range strings.Lines(out) {
		if name, result, ok := strings.Cut(strings.TrimSpace(line), "="); ok {
			got[name] = result
		}
	}
	return got
}
