//go:build !(linux && cgo)

package seccomp

import "fmt"

// Without libseccomp no filter can be built. Syscall names are still
// checked, against the table generated from libseccomp (names_table.go).

// Compile returns [ErrNoLibseccomp]: this build cannot build filters.
func Compile(profileJSON []byte, caps []string) error {
	return fmt.Errorf("compile seccomp profile: %w", ErrNoLibseccomp)
}
