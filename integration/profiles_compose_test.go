package integration

import (
	"os"
	"path/filepath"
	"testing"
)

// TestChildAddingADenyKeepsEveryDefaultDenial is issue 17's first case: a
// child of default that denies one more syscall used to deny only that
// one, and verify found ptrace allowed. Restriction lists now accumulate:
// every denial of default is still blocked inside the container.
func TestChildAddingADenyKeepsEveryDefaultDenial(t *testing.T) {
	requireEngine(t)
	f := filepath.Join(t.TempDir(), "denychroot.yaml")
	yaml := "version: 1\nextends: default\nseccomp:\n  deny: [chroot]\n"
	if err := os.WriteFile(f, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	v, r := verify(t, "--profile", f, rootImage)
	if r.Code != 0 || !v.Passed {
		t.Fatalf("verify under a child of default: exit %d, failures %v\n%s", r.Code, v.Failures, r.Stderr)
	}
	// The attempts for default's seccomp.deny: keyctl, add_key,
	// request_key, ptrace, unshare, mount, umount2, bpf, perf_event_open.
	for _, name := range []string{"keyctl", "add-key", "request-key", "ptrace", "unshare-mountns", "mount", "umount", "bpf", "perf-event-open"} {
		res, errno, by := v.attempt(name)
		if res != "blocked" || errno != "EPERM" || by != "seccomp" {
			t.Errorf("%s: %s %s by %q, want blocked EPERM by seccomp", name, res, errno, by)
		}
	}
	for _, a := range v.Report.Attempts {
		if a.Result == "ALLOWED" {
			t.Errorf("attempt %s ALLOWED under a child of default", a.Name)
		}
	}
}
