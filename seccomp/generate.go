package seccomp

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync"

	mobyseccomp "github.com/moby/profiles/seccomp"
	"github.com/opencontainers/runtime-spec/specs-go"
)

// Names of the bases a [Spec] may start from.
const (
	BaseDefault    = "default"    // Docker's default profile
	BaseStrict     = "strict"     // hardrun's small allowlist (strict.go)
	BaseUnconfined = "unconfined" // no seccomp filter at all
)

// Spec is the seccomp part of a hardrun profile.
type Spec struct {
	Base string // "default" (Docker's default profile) | "strict" (small allowlist) | "unconfined"; "" means "default"
	// Deny lists syscalls that fail with EPERM whatever the capabilities
	// (a capability-conditional allow in the base is removed too). A name
	// in both lists is denied.
	Deny []string
	// Allow lists syscalls allowed unconditionally, in addition to the base
	// (a blocking rule of the base for the name is removed).
	Allow []string
}

// ErrUnconfined is returned by [Generate] for the base "unconfined": there is
// no profile to send, the caller sends "seccomp=unconfined" instead.
var ErrUnconfined = errors.New("seccomp base is unconfined: no profile to generate")

// ErrNoLibseccomp is returned where libseccomp is needed but hardrun was built
// without it (no cgo, or not Linux).
var ErrNoLibseccomp = errors.New("hardrun was built without libseccomp (needs linux and cgo)")

// UnknownSyscallError reports a name that is no syscall on any architecture
// hardrun targets. Callers that know where the name came from (a file, a
// line) find it with errors.As.
type UnknownSyscallError struct {
	Name string
}

func (e *UnknownSyscallError) Error() string {
	return fmt.Sprintf("unknown syscall %q", e.Name)
}

// errnoEPERM and errnoENOSYS are the two errno values hardrun's rules return.
// They are pointers because the Docker format takes *uint; nothing may write
// through them.
var (
	errnoEPERM  = ptr(uint(1))  // EPERM: the syscall exists but is refused
	errnoENOSYS = ptr(uint(38)) // ENOSYS: pretend the kernel lacks it, so callers fall back
)

func ptr[T any](v T) *T { return &v }

// Comments on the rules the delta adds, so an exported profile says which
// rules come from the hardrun profile rather than from the base.
const (
	denyComment  = "hardrun: seccomp.deny"
	allowComment = "hardrun: seccomp.allow"
)

// base is a starting profile kept for the life of the process: the Go value,
// never modified (rules are shared with every generated profile), and its
// JSON, which is also the answer for an empty delta.
type base struct {
	profile *mobyseccomp.Seccomp
	json    []byte
}

// Both bases are built once: hardrun generates a profile on every container
// start and converting Docker's profile each time would be wasted work.
var (
	defaultBase = sync.OnceValues(func() (*base, error) {
		p, err := dockerDefault()
		if err != nil {
			return nil, err
		}
		return newBase(p)
	})
	strictBase = sync.OnceValues(func() (*base, error) { return newBase(strictProfile()) })
)

func newBase(p *mobyseccomp.Seccomp) (*base, error) {
	b, err := json.Marshal(p)
	if err != nil {
		return nil, fmt.Errorf("encode seccomp base: %w", err)
	}
	return &base{profile: p, json: b}, nil
}

// Generate returns the Docker-format JSON profile for s, the value of the
// security option "seccomp=<json>". The output is byte-for-byte deterministic:
// the lists are sorted and deduplicated first, so their order does not
// matter. It returns [ErrUnconfined] for the base "unconfined", and an error
// wrapping an [UnknownSyscallError] for each name that is no syscall. It is
// safe for concurrent use.
func Generate(s Spec) ([]byte, error) {
	b, err := lookupBase(s)
	if err != nil {
		return nil, err
	}
	d, err := newDelta(s.Deny, s.Allow)
	if err != nil {
		return nil, err
	}
	if d.empty() {
		return bytes.Clone(b.json), nil
	}
	out, err := json.Marshal(d.apply(b.profile))
	if err != nil {
		return nil, fmt.Errorf("encode seccomp profile: %w", err)
	}
	return out, nil
}

// lookupBase returns the starting profile s names. An unconfined spec with a
// delta is an error: there is no filter to put the delta in, and dropping it
// silently would be exactly the failure hardrun exists to prevent.
func lookupBase(s Spec) (*base, error) {
	switch s.Base {
	case "", BaseDefault:
		return defaultBase()
	case BaseStrict:
		return strictBase()
	case BaseUnconfined:
		if len(s.Deny) > 0 || len(s.Allow) > 0 {
			return nil, fmt.Errorf("seccomp base %q cannot deny or allow syscalls: there is no filter to change", s.Base)
		}
		return nil, ErrUnconfined
	default:
		return nil, fmt.Errorf("unknown seccomp base %q (want %s, %s or %s)", s.Base, BaseDefault, BaseStrict, BaseUnconfined)
	}
}

// delta is a validated, sorted, duplicate-free Deny/Allow pair; a name in
// both lists stays only in deny.
type delta struct {
	deny, allow []string
	denied      map[string]bool
	allowed     map[string]bool
}

func newDelta(deny, allow []string) (delta, error) {
	errs := append(validateNames("deny", deny), validateNames("allow", allow)...)
	if len(errs) > 0 {
		return delta{}, errors.Join(errs...)
	}
	d := delta{deny: sortedSet(deny)}
	d.denied = setOf(d.deny)
	for _, name := range sortedSet(allow) {
		if !d.denied[name] {
			d.allow = append(d.allow, name)
		}
	}
	d.allowed = setOf(d.allow)
	return d, nil
}

// validateNames checks every name, so one run reports all the typos at once.
func validateNames(list string, names []string) []error {
	var errs []error
	for _, name := range names {
		if err := ValidateSyscall(name); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", list, err))
		}
	}
	return errs
}

func sortedSet(names []string) []string {
	if len(names) == 0 {
		return nil
	}
	return slices.Compact(slices.Sorted(slices.Values(names)))
}

func setOf(names []string) map[string]bool {
	m := make(map[string]bool, len(names))
	for _, n := range names {
		m[n] = true
	}
	return m
}

func (d delta) empty() bool { return len(d.deny) == 0 && len(d.allow) == 0 }

// apply returns base with the delta applied. base is not modified: untouched
// rules are shared, changed ones are copied.
func (d delta) apply(base *mobyseccomp.Seccomp) *mobyseccomp.Seccomp {
	out := *base
	out.Syscalls = make([]*mobyseccomp.Syscall, 0, len(base.Syscalls)+2)
	for _, rule := range base.Syscalls {
		if r := d.prune(rule); r != nil {
			out.Syscalls = append(out.Syscalls, r)
		}
	}
	if len(d.allow) > 0 {
		out.Syscalls = append(out.Syscalls, &mobyseccomp.Syscall{
			LinuxSyscall: specs.LinuxSyscall{Names: d.allow, Action: specs.ActAllow},
			Comment:      allowComment,
		})
	}
	if len(d.deny) > 0 {
		out.Syscalls = append(out.Syscalls, &mobyseccomp.Syscall{
			LinuxSyscall: specs.LinuxSyscall{Names: d.deny, Action: specs.ActErrno, ErrnoRet: errnoEPERM},
			Comment:      denyComment,
		})
	}
	return &out
}

// prune removes from rule the names the delta takes over: denied names from
// every rule, allowed names from rules that do not permit the call. It returns
// rule itself when nothing changes and nil when no name is left (the Docker
// format has no meaning for a rule without names).
func (d delta) prune(rule *mobyseccomp.Syscall) *mobyseccomp.Syscall {
	permits := permitting(rule.Action)
	drop := func(name string) bool { return d.denied[name] || (!permits && d.allowed[name]) }
	if !slices.ContainsFunc(rule.Names, drop) {
		return rule
	}
	kept := slices.DeleteFunc(slices.Clone(rule.Names), drop)
	if len(kept) == 0 {
		return nil
	}
	r := *rule
	r.Names = kept
	return &r
}

// permitting reports whether an action lets the syscall run. SCMP_ACT_LOG
// does (it only logs); TRACE and NOTIFY hand the decision to another process
// and count as not permitting.
func permitting(a specs.LinuxSeccompAction) bool {
	return a == specs.ActAllow || a == specs.ActLog
}
