package probe

import "strings"

// tri is a yes/no answer that may be unknown.
type tri int8

const (
	unknown tri = iota
	no
	yes
)

// evidence is everything the "by" inference looks at. It is plain data so
// the rule is a pure function with a table test.
type evidence struct {
	Errno       string // errno of the failed attempt, e.g. "EPERM"; "" when it succeeded
	Cap         string // capability that lets the kernel's own check pass, "" when none applies
	HasCap      bool   // Cap is in the effective set
	SeccompMode int    // 0 none, 1 strict, 2 filter
	// Filtered: the same system call with arguments the kernel rejects before
	// any permission check (a NULL path, an unknown flag) failed with the
	// same errno, so the seccomp filter rejected it on entry. no: it failed
	// with the kernel's own argument error, so the filter let it through.
	Filtered tri
	// DACDenies: faccessat(2) with the effective ids also refuses, so the
	// file's owner and mode alone deny it. AppArmor is not consulted there.
	DACDenies tri
	AppArmor  bool // an enforcing AppArmor profile confines the probe and can deny this operation
}

// inferBy names the mechanism that most likely blocked an attempt, and says
// why in a phrase for the detail. The first rule that matches wins:
//
//  1. EROFS: "read-only".
//  2. Filtered is yes: "seccomp". The filter runs on system call entry,
//     before every other check, so when it rejects a call nothing else was
//     consulted.
//  3. EACCES and DACDenies is yes: "permissions".
//  4. EACCES under an enforcing AppArmor profile that mediates the
//     operation: "apparmor" (AppArmor denials are EACCES).
//  5. EPERM or EACCES and Cap is missing: "capability".
//  6. EPERM or ENOSYS, seccomp mode 2, Filtered unknown: "seccomp", a best
//     guess: no capability explains the error and a filter is installed.
//  7. Otherwise "" (a kernel policy such as a sysctl, or unknown).
func inferBy(e evidence) (by, why string) {
	switch {
	case e.Errno == "":
		return "", ""
	case e.Errno == "EROFS":
		return ByReadOnly, "the file system is mounted read-only"
	case e.Filtered == yes:
		return BySeccomp, "the same call with invalid arguments also failed with " + e.Errno + ", so the seccomp filter rejects it" + alsoMissing(e)
	case e.Errno == "EACCES" && e.DACDenies == yes:
		return ByPermissions, "the file's owner and mode deny it to this user"
	case e.Errno == "EACCES" && e.AppArmor:
		return ByAppArmor, "the AppArmor profile denies it"
	case (e.Errno == "EPERM" || e.Errno == "EACCES") && e.Cap != "" && !e.HasCap:
		return ByCapability, e.Cap + " is not in the effective set" + filterNote(e)
	case (e.Errno == "EPERM" || e.Errno == "ENOSYS") && e.SeccompMode == 2 && e.Filtered == unknown:
		return BySeccomp, "best guess: a seccomp filter is installed and no missing capability explains " + e.Errno
	default:
		return "", "not attributable to a capability, seccomp, AppArmor or a read-only mount"
	}
}

// alsoMissing notes a capability that would have blocked the call too.
func alsoMissing(e evidence) string {
	if e.Cap != "" && !e.HasCap {
		return " (" + e.Cap + " is missing too)"
	}
	return ""
}

// filterNote says what is known about the seccomp filter for a call that a
// missing capability explains.
func filterNote(e evidence) string {
	if e.SeccompMode == 2 && e.Filtered == no {
		return " (the seccomp filter lets the call through)"
	}
	return ""
}

// apparmorEnforcing reports whether an AppArmor label confines the process
// in a mode that denies: "docker-default (enforce)" does, "unconfined" and
// "name (complain)" do not.
func apparmorEnforcing(label string) bool {
	return strings.HasSuffix(label, "(enforce)") || strings.HasSuffix(label, "(kill)")
}
