package seccomp

import (
	"errors"
	"testing"
)

func TestValidateSyscall(t *testing.T) {
	tests := []struct {
		name    string
		syscall string
		wantErr string // exact error text, or "" for valid
	}{
		{"everywhere", "read", ""},
		{"amd64 only", "epoll_ctl_old", ""},
		{"x86_64 and x32 only", "arch_prctl", ""},
		{"32-bit x86 and arm only", "chown32", ""},
		{"arm64 era", "renameat2", ""},
		{"s390x only", "s390_pci_mmio_read", ""},
		{"riscv64 only", "riscv_flush_icache", ""},
		{"typo", "mkdri", `unknown syscall "mkdri"`},
		{"case matters", "Read", `unknown syscall "Read"`},
		{"empty", "", `unknown syscall ""`},
		{"mips only", "cachectl", `unknown syscall "cachectl"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := ValidateSyscall(tc.syscall)
			if tc.wantErr == "" {
				if err != nil {
					t.Errorf("ValidateSyscall(%q) = %v, want nil", tc.syscall, err)
				}
				return
			}
			if err == nil || err.Error() != tc.wantErr {
				t.Fatalf("ValidateSyscall(%q) = %v, want %q", tc.syscall, err, tc.wantErr)
			}
			var u *UnknownSyscallError
			if !errors.As(err, &u) || u.Name != tc.syscall {
				t.Errorf("error is not an *UnknownSyscallError for %q: %#v", tc.syscall, err)
			}
		})
	}
}

// TestValidateSyscallDockerNames: every name Docker's default profile lists
// is valid, even where this host's libseccomp is older than Docker's list.
func TestValidateSyscallDockerNames(t *testing.T) {
	for name := range dockerNames() {
		if err := ValidateSyscall(name); err != nil {
			t.Errorf("Docker's default lists %q, but: %v", name, err)
		}
	}
}
