//go:build !(linux && cgo)

package seccomp

import "fmt"

// Without libseccomp nothing can be checked, so nothing is accepted: a delta
// whose names nobody validated could hide a typo that denies nothing.

// ValidateSyscall returns [ErrNoLibseccomp]: this build cannot look names up.
func ValidateSyscall(name string) error {
	return fmt.Errorf("validate syscall %q: %w", name, ErrNoLibseccomp)
}

// Compile returns [ErrNoLibseccomp]: this build cannot build filters.
func Compile(profileJSON []byte, caps []string) error {
	return fmt.Errorf("compile seccomp profile: %w", ErrNoLibseccomp)
}
