package probe

import (
	"errors"
	"os"
	"strings"

	"golang.org/x/sys/unix"
)

// attemptEnv is what the attempts need to know about the process.
type attemptEnv struct {
	filter      []string
	effective   uint64 // effective capability mask
	euid, egid  int
	seccompMode int
	apparmor    bool // an enforcing AppArmor profile confines the probe
	volumes     []string
	sockets     []string
	scratch     string // a writable directory for temporary files; "" when none
}

func (env *attemptEnv) has(capability int) bool {
	return capability >= 0 && capability < 64 && env.effective&(1<<capability) != 0
}

// trial is one attempt made, with what judge needs to explain a failure.
type trial struct {
	name, target string
	err          error // the real operation; nil: it worked
	cap          int   // capability the kernel checks, noCap when none
	// probe makes the same system call with arguments the kernel rejects
	// before any permission check; kernelErr is what the kernel then says.
	probe     func() unix.Errno
	kernelErr unix.Errno
	path      string        // file whose owner and mode decide, for EACCES
	access    uint32        // unix.W_OK or unix.R_OK on path
	mediated  bool          // AppArmor can deny this operation
	detail    string        // what was done
	hint      func() string // kernel settings worth showing when the kernel refused
}

// judge turns a trial into an Attempt, inferring what blocked it.
func (env *attemptEnv) judge(t trial) Attempt {
	a := Attempt{Name: t.name, Target: t.target, Detail: t.detail}
	if t.err == nil {
		a.Result = ResultAllowed
		return a
	}
	a.Result = ResultBlocked
	a.Errno = errnoName(t.err)
	if a.Errno == "" {
		a.Detail = joinDetail(a.Detail, t.err.Error())
		return a
	}
	ev := evidence{
		Errno:       a.Errno,
		SeccompMode: env.seccompMode,
		Filtered:    env.filtered(t),
		AppArmor:    t.mediated && env.apparmor,
	}
	if t.cap != noCap {
		ev.Cap, ev.HasCap = capName(t.cap), env.has(t.cap)
	}
	if a.Errno == "EACCES" {
		ev.DACDenies = dacDenies(t.path, t.access)
	}
	by, why := inferBy(ev)
	a.By = by
	a.Detail = joinDetail(a.Detail, why)
	if t.hint != nil && by != BySeccomp {
		a.Detail = joinDetail(a.Detail, t.hint())
	}
	return a
}

// filtered runs the trial's probe to learn whether the seccomp filter or
// the kernel refused the real call. Without a filter nothing is filtered.
// EACCES under an AppArmor profile that mediates the call is not taken as
// a filter's answer: AppArmor's socket and mount hooks run before the
// argument checks the probe relies on, and deny with EACCES too.
func (env *attemptEnv) filtered(t trial) tri {
	if env.seccompMode == 0 || env.seccompMode == 1 {
		return no
	}
	var errno unix.Errno
	if t.probe == nil || !errors.As(t.err, &errno) {
		return unknown
	}
	got := t.probe()
	switch {
	case got == t.kernelErr:
		return no
	case got == errno && !(errno == unix.EACCES && t.mediated && env.apparmor):
		return yes
	default:
		return unknown
	}
}

// dacDenies asks faccessat(2) with the effective ids whether the file's
// owner and mode allow the access; AppArmor is not consulted there.
func dacDenies(path string, access uint32) tri {
	if path == "" {
		return unknown
	}
	err := unix.Faccessat(unix.AT_FDCWD, path, access, unix.AT_EACCESS)
	switch {
	case err == nil:
		return no
	case errors.Is(err, unix.EACCES):
		return yes
	default:
		return unknown
	}
}

func skipped(name, target, detail string) Attempt {
	return Attempt{Name: name, Target: target, Result: ResultSkipped, Detail: detail}
}

func joinDetail(parts ...string) string {
	var kept []string
	for _, p := range parts {
		if p != "" {
			kept = append(kept, p)
		}
	}
	return strings.Join(kept, "; ")
}

func errOrNil(errno unix.Errno) error {
	if errno == 0 {
		return nil
	}
	return errno
}

// sysctlHint reads sysctls for the detail of a blocked attempt, as
// "name=value" pairs; sysctls that do not exist are left out.
func sysctlHint(names ...string) func() string {
	return func() string {
		var parts []string
		for _, n := range names {
			b, err := os.ReadFile("/proc/sys/" + strings.ReplaceAll(n, ".", "/"))
			if err == nil {
				parts = append(parts, n+"="+strings.TrimSpace(string(b)))
			}
		}
		return strings.Join(parts, ", ")
	}
}
