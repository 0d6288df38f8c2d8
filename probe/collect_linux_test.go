package probe

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"
)

var byValues = []string{"", ByCapability, BySeccomp, ByReadOnly, ByAppArmor, ByNoNewPrivs, ByPermissions, ByMasked}

// TestCollectOnHost runs every attempt on the test host (in CI: root,
// unconfined) and checks the report is complete and sane, not what the
// host allows.
func TestCollectOnHost(t *testing.T) {
	vol := t.TempDir()
	r := Collect(Options{Volumes: []string{vol}, DockerSockets: []string{filepath.Join(vol, "no.sock")}})
	for _, e := range r.Errors {
		t.Logf("report error: %s", e)
	}
	if r.Schema != SchemaVersion || r.PID != os.Getpid() || r.UID != os.Getuid() || r.EUID != os.Geteuid() {
		t.Errorf("identity = schema %d pid %d uid %d euid %d", r.Schema, r.PID, r.UID, r.EUID)
	}
	if len(r.Capabilities.Effective.Hex) != 16 || len(r.Capabilities.Bounding.Hex) != 16 {
		t.Errorf("capability masks = %+v", r.Capabilities)
	}
	if !slices.Contains([]int{0, 1, 2}, r.Seccomp.Mode) {
		t.Errorf("seccomp mode = %d", r.Seccomp.Mode)
	}
	if r.AppArmor == "" {
		t.Error("apparmor label is empty, want a label or \"unavailable\"")
	}
	if len(r.Mounts) == 0 || (r.RootFS != "ro" && r.RootFS != "rw") {
		t.Errorf("%d mounts, root_fs %q", len(r.Mounts), r.RootFS)
	}
	if i := slices.IndexFunc(r.Writable, func(w WritablePath) bool { return w.Path == vol }); i < 0 || !r.Writable[i].Writable {
		t.Errorf("the test's own temporary directory is not reported writable: %+v", r.Writable)
	}
	if r.Rlimits.NoFile.Hard == 0 {
		t.Errorf("rlimits = %+v", r.Rlimits)
	}
	checkAttempts(t, r.Attempts)
	doc, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	assertShapeWithinGolden(t, doc)
	checkNoLeftovers(t, append(slices.Clone(scratchPreference), vol, os.Getenv("HOME"), "/"))
}

func checkAttempts(t *testing.T, attempts []Attempt) {
	t.Helper()
	for _, name := range AttemptNames() {
		if !slices.ContainsFunc(attempts, func(a Attempt) bool { return a.Name == name }) {
			t.Errorf("attempt %s missing from the report", name)
		}
	}
	for _, a := range attempts {
		t.Logf("%-18s %-8s %-6s %-11s %s", a.Name, a.Result, a.Errno, a.By, a.Detail)
		switch {
		case !slices.Contains([]string{ResultBlocked, ResultAllowed, ResultSkipped}, a.Result):
			t.Errorf("%s: result %q", a.Name, a.Result)
		case !slices.Contains(byValues, a.By):
			t.Errorf("%s: by %q", a.Name, a.By)
		case a.Result != ResultBlocked && (a.Errno != "" || a.By != ""):
			t.Errorf("%s: %s with errno %q by %q", a.Name, a.Result, a.Errno, a.By)
		case a.Result == ResultBlocked && a.Errno == "" && a.By == "" && a.Detail == "":
			t.Errorf("%s: blocked without errno, by or detail", a.Name)
		case a.Result == ResultSkipped && a.Detail == "":
			t.Errorf("%s: skipped without a reason", a.Name)
		}
	}
}

// checkNoLeftovers fails when an attempt left a file or a mount behind.
func checkNoLeftovers(t *testing.T, dirs []string) {
	t.Helper()
	for _, dir := range dirs {
		matches, _ := filepath.Glob(filepath.Join(dir, "*hardrun-probe*"))
		if len(matches) > 0 {
			t.Errorf("left behind: %v", matches)
		}
	}
	mountinfo, err := os.ReadFile("/proc/self/mountinfo")
	if err == nil && bytes.Contains(mountinfo, []byte("hardrun-probe")) {
		t.Error("a probe mount is still mounted")
	}
}

// TestCollectPrivilegedHost: where the test runs as root with every
// capability and no filter (the usual CI container), the attempts that
// need nothing else must really succeed, or the attempts are broken.
func TestCollectPrivilegedHost(t *testing.T) {
	env := hostEnv(t)
	if env.seccompMode != 0 || !env.has(capSysAdmin) || !env.has(capSetuid) || env.scratch == "" {
		t.Skip("needs root with CAP_SYS_ADMIN, no seccomp filter and a writable /tmp")
	}
	for _, name := range []string{AttemptMount, AttemptUnshareMountNS, AttemptChown, AttemptMknod, AttemptKeyctl, AttemptAddKey} {
		t.Run(name, func(t *testing.T) {
			got := attemptRunners[name](env)
			if len(got) != 1 || got[0].Result != ResultAllowed {
				t.Errorf("%s = %+v, want ALLOWED as privileged root", name, got)
			}
		})
	}
}

func hostEnv(t *testing.T) *attemptEnv {
	t.Helper()
	c := &collector{r: newReport()}
	c.identity()
	c.status()
	c.writable()
	return c.attemptEnv()
}

func TestAttemptRunnersCoverCatalogue(t *testing.T) {
	names := AttemptNames()
	for _, n := range names {
		if attemptRunners[n] == nil {
			t.Errorf("attempt %s has no runner", n)
		}
	}
	for n := range attemptRunners {
		if !slices.Contains(names, n) {
			t.Errorf("runner %s is not in the catalogue", n)
		}
	}
}

func TestRunAttemptsFilter(t *testing.T) {
	env := hostEnv(t)
	env.filter = []string{AttemptWriteRoot, AttemptKeyctl}
	var got []string
	for _, a := range runAttempts(env) {
		got = append(got, a.Name)
	}
	if want := []string{AttemptKeyctl, AttemptWriteRoot}; !slices.Equal(got, want) {
		t.Errorf("ran %v, want %v in catalogue order", got, want)
	}
}

// TestSeccompProbesReachTheKernel: without a filter, each probe call must
// fail with the argument error its trial expects on this kernel, or the
// inference would misread every refusal.
func TestSeccompProbesReachTheKernel(t *testing.T) {
	if hostEnv(t).seccompMode == 2 {
		t.Skip("a seccomp filter is installed on the test process")
	}
	tests := []struct {
		name  string
		probe func() unix.Errno
		want  unix.Errno
	}{
		{"mount", probeMount, unix.EFAULT},
		{"clone user namespace", func() unix.Errno { return errnoOf(cloneAndReap(unix.CLONE_NEWUSER | unix.CLONE_FS)) }, unix.EINVAL},
		{"unshare", func() unix.Errno { return errnoOf(unshareOnThrowaway(unix.CLONE_NEWNS | unix.CLONE_PARENT)) }, unix.EINVAL},
		{"ptrace", probePtrace, unix.ESRCH},
		{"keyctl", probeKeyctl, unix.EOPNOTSUPP},
		{"add_key", probeAddKey, unix.EFAULT},
		{"bpf", probeBPF, unix.E2BIG},
		{"perf_event_open", probePerf, unix.EINVAL},
		{"raw socket", probeRawSocket, unix.EINVAL},
		{"packet socket", probePacketSocket, unix.EINVAL},
		{"fchownat", probeChown, unix.EFAULT},
		{"mknodat", probeMknod, unix.EFAULT},
		{"setuid", func() unix.Errno { return errnoOf(setuidOnThrowaway(1<<32 - 1)) }, unix.EINVAL},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.probe(); got != tt.want {
				t.Errorf("probe = %v, want %v", got, tt.want)
			}
		})
	}
}

// TestAttemptsUnderSeccompFilter installs a filter returning EPERM for a
// few system calls on one throwaway thread (a filter without TSYNC binds
// only the thread that installs it), runs the attempts that stay on that
// thread there, and expects them blamed on seccomp.
func TestAttemptsUnderSeccompFilter(t *testing.T) {
	env := hostEnv(t)
	if env.seccompMode != 0 {
		t.Skip("the test process already has a seccomp filter")
	}
	env.seccompMode = 2 // what /proc/self/status would say under Docker's TSYNC filter
	denied := []uintptr{unix.SYS_MOUNT, unix.SYS_KEYCTL, unix.SYS_ADD_KEY, unix.SYS_BPF, unix.SYS_PERF_EVENT_OPEN, unix.SYS_SOCKET}
	runners := map[string]func(*attemptEnv) Attempt{
		AttemptMount: attemptMount, AttemptKeyctl: attemptKeyctl, AttemptAddKey: attemptAddKey,
		AttemptBPF: attemptBPF, AttemptPerfEventOpen: attemptPerf, AttemptRawSocket: attemptRawSocket,
		AttemptPacketSocket: attemptPacketSocket,
	}
	got := map[string]Attempt{}
	var installErr error
	onThrowawayThread(func() {
		if installErr = installDenyFilter(denied); installErr != nil {
			return
		}
		for name, run := range runners {
			got[name] = run(env)
		}
	})
	if installErr != nil {
		t.Skipf("cannot install a seccomp filter here: %v", installErr)
	}
	for name := range runners {
		t.Run(name, func(t *testing.T) {
			a := got[name]
			if a.Result != ResultBlocked || a.Errno != "EPERM" || a.By != BySeccomp {
				t.Errorf("%s = %+v, want blocked with EPERM by seccomp", name, a)
			}
			if !strings.Contains(a.Detail, "seccomp filter rejects it") {
				t.Errorf("detail = %q, want the reasoning", a.Detail)
			}
		})
	}
}

// installDenyFilter installs, on the calling thread only, a classic BPF
// seccomp filter that fails the given system calls with EPERM.
func installDenyFilter(nrs []uintptr) error {
	const retErrno = unix.SECCOMP_RET_ERRNO | uint32(unix.EPERM)
	n := len(nrs)
	prog := []unix.SockFilter{{Code: unix.BPF_LD | unix.BPF_W | unix.BPF_ABS, K: 0}} // seccomp_data.nr
	for i, nr := range nrs {
		prog = append(prog, unix.SockFilter{Code: unix.BPF_JMP | unix.BPF_JEQ | unix.BPF_K, Jt: uint8(n - i), K: uint32(nr)})
	}
	prog = append(prog,
		unix.SockFilter{Code: unix.BPF_RET | unix.BPF_K, K: unix.SECCOMP_RET_ALLOW},
		unix.SockFilter{Code: unix.BPF_RET | unix.BPF_K, K: retErrno},
	)
	fprog := unix.SockFprog{Len: uint16(len(prog)), Filter: &prog[0]}
	if err := unix.Prctl(unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); err != nil {
		return err
	}
	return unix.Prctl(unix.PR_SET_SECCOMP, unix.SECCOMP_MODE_FILTER, uintptr(unsafe.Pointer(&fprog)), 0, 0)
}

// TestMainFullRunPrintsJSON runs every attempt through Main.
func TestMainFullRunPrintsJSON(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := Main(nil, &stdout, &stderr); code != ExitOK {
		t.Fatalf("Main = %d; stderr: %s", code, stderr.String())
	}
	var r Report
	if err := json.Unmarshal(stdout.Bytes(), &r); err != nil {
		t.Fatalf("stdout is not JSON: %v", err)
	}
	if len(r.Attempts) < len(AttemptNames()) {
		t.Errorf("%d attempts, want at least %d", len(r.Attempts), len(AttemptNames()))
	}
}
