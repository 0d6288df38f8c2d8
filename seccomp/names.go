package seccomp

import "slices"

// ValidateSyscall returns an [*UnknownSyscallError] (`unknown syscall "mkdri"`)
// unless name is a syscall on one of the architectures hardrun targets
// (amd64, 386, x32, arm64, arm, ppc64le, s390x, riscv64) according to
// libseccomp's tables, or a name Docker's default profile lists. The second
// source matters where the libseccomp the table came from is older than the
// engine's: the names Docker ships are real even if that libseccomp has not
// heard of them.
//
// libseccomp's tables are read when names_table.go is generated, not at run
// time: a table in the binary is what linking libseccomp statically gave
// before, without cgo in every hardrun process (cgo's runtime start and
// pthread-made threads were 14% of a container start's CPU, and 1 MiB of
// its peak RSS; BENCHMARKS.md). libseccomp_test.go regenerates the table
// from this machine's libseccomp and fails when the two differ.
func ValidateSyscall(name string) error {
	if knownSyscall(name) || dockerNames()[name] {
		return nil
	}
	return &UnknownSyscallError{Name: name}
}

// knownSyscall reports whether name is in libseccomp's table for a target
// architecture.
func knownSyscall(name string) bool {
	_, found := slices.BinarySearch(syscallNames[:], name)
	return found
}
