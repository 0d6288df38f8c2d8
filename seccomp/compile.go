package seccomp

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/opencontainers/runtime-spec/specs-go"
)

// maxErrno is the largest errno the kernel passes back from SECCOMP_RET_ERRNO
// (MAX_ERRNO); a larger errnoRet would be truncated into a different number.
const maxErrno = 4095

// normalizeCaps returns caps in the engine's spelling ("CAP_SYS_ADMIN"),
// whatever case and prefix the caller used: a capability spelled "sys_admin"
// must not silently miss a capability-conditional rule.
func normalizeCaps(caps []string) []string {
	out := make([]string, 0, len(caps))
	for _, c := range caps {
		c = strings.ToUpper(strings.TrimSpace(c))
		if !strings.HasPrefix(c, "CAP_") {
			c = "CAP_" + c
		}
		out = append(out, c)
	}
	return out
}

// checkResolved rejects a resolved profile that runc would load but that would
// not mean what it says, before libseccomp sees it.
func checkResolved(p *specs.LinuxSeccomp) error {
	if p.DefaultAction == specs.ActNotify {
		return errors.New("default action SCMP_ACT_NOTIFY is not supported (runc refuses it)")
	}
	if err := checkErrno("defaultErrnoRet", p.DefaultErrnoRet); err != nil {
		return err
	}
	for i, rule := range p.Syscalls {
		if err := checkRule(p, rule); err != nil {
			return fmt.Errorf("rule %d %v: %w", i, rule.Names, err)
		}
	}
	return checkConflicts(p)
}

func checkRule(p *specs.LinuxSeccomp, rule specs.LinuxSyscall) error {
	if len(rule.Names) == 0 {
		return errors.New("no syscall names")
	}
	if slices.Contains(rule.Names, "") {
		return errors.New("empty syscall name")
	}
	if rule.Action == specs.ActNotify {
		if p.ListenerPath == "" {
			return errors.New("SCMP_ACT_NOTIFY needs a listenerPath")
		}
		if slices.Contains(rule.Names, "write") {
			// runc writes the notify fd to its parent with write(2) after
			// loading the filter; it would wait for itself forever.
			return errors.New("SCMP_ACT_NOTIFY cannot be used for write")
		}
	}
	return checkErrno("errnoRet", rule.ErrnoRet)
}

func checkErrno(field string, v *uint) error {
	if v != nil && *v > maxErrno {
		return fmt.Errorf("%s %d is above the largest errno the kernel returns (%d)", field, *v, maxErrno)
	}
	return nil
}

// ruleAction identifies what a rule does, errno included: SCMP_ACT_ERRNO with
// EPERM and with ENOSYS are different actions.
type ruleAction struct {
	action specs.LinuxSeccompAction
	errno  uint
}

func (a ruleAction) String() string {
	if a.action == specs.ActErrno || a.action == specs.ActTrace {
		return fmt.Sprintf("%s(%d)", a.action, a.errno)
	}
	return string(a.action)
}

// actionOf returns the action a rule really takes, with the errno runc fills
// in when the profile gives none (EPERM).
func actionOf(action specs.LinuxSeccompAction, errno *uint) ruleAction {
	a := ruleAction{action: action}
	if action == specs.ActErrno || action == specs.ActTrace {
		a.errno = *errnoEPERM
		if errno != nil {
			a.errno = *errno
		}
	}
	return a
}

// checkConflicts rejects a syscall that an unconditional rule and another rule
// with a different action both name. libseccomp accepts that without error but
// keeps only one of the two, depending on their order: a deny next to an
// allow may deny nothing. Rules that take the default action count too: runc
// drops them before libseccomp sees them, so an explicit deny equal to the
// default action loses to any allow rule for the same name. runc loads such
// profiles; hardrun refuses them.
func checkConflicts(p *specs.LinuxSeccomp) error {
	type use struct {
		actions       []ruleAction
		unconditional bool
	}
	uses := map[string]*use{}
	var order []string
	for _, rule := range p.Syscalls {
		act := actionOf(rule.Action, rule.ErrnoRet)
		for _, name := range rule.Names {
			u := uses[name]
			if u == nil {
				u = &use{}
				uses[name] = u
				order = append(order, name)
			}
			if !slices.Contains(u.actions, act) {
				u.actions = append(u.actions, act)
			}
			u.unconditional = u.unconditional || len(rule.Args) == 0
		}
	}
	for _, name := range order {
		if u := uses[name]; len(u.actions) > 1 && u.unconditional {
			return fmt.Errorf("syscall %q has conflicting rules (%s and %s): only one would apply, silently",
				name, u.actions[0], u.actions[1])
		}
	}
	return nil
}
