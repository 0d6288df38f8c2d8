package profiles

import "fmt"

// TEMPORARY stand-in until github.com/hardrun/hardrun/seccomp lands.
func validateSyscall(name string) error {
	switch name {
	case "keyctl", "add_key", "request_key", "ptrace", "unshare", "mount", "umount2", "bpf", "perf_event_open", "read", "write", "open", "close", "chmod":
		return nil
	}
	return fmt.Errorf("unknown syscall %q", name)
}
