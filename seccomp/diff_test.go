package seccomp

import (
	"os"
	"slices"
	"strings"
	"testing"
)

func TestDiff(t *testing.T) {
	golden := func(file string) []byte {
		b, err := os.ReadFile(goldenPath(file))
		if err != nil {
			t.Fatalf("read golden (create it with: go test ./seccomp -update): %v", err)
		}
		return b
	}
	tests := []struct {
		name        string
		profile     []byte
		wantAdded   []string
		wantRemoved []string // exact; nil means "check wantRemovedHas"
		removedHas  []string
	}{
		{name: "docker default", profile: golden("base-default"), wantAdded: []string{}, wantRemoved: []string{}},
		{name: "contract deny list", profile: golden("base-default-deny"), wantAdded: []string{},
			// keyctl, add_key and request_key are not in Docker's default
			// to begin with, so only six are removed.
			wantRemoved: []string{"bpf", "mount", "perf_event_open", "ptrace", "umount2", "unshare"}},
		{name: "strict", profile: golden("base-strict"), wantAdded: []string{},
			removedHas: []string{"bpf", "chroot", "mount", "personality", "ptrace", "setns", "unshare"}},
		{name: "allow adds", profile: []byte(`{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[
			{"names":["read","keyctl"],"action":"SCMP_ACT_ALLOW"},
			{"name":"kexec_load","action":"SCMP_ACT_LOG"},
			{"names":["write"],"action":"SCMP_ACT_ERRNO"}]}`),
			wantAdded: []string{"kexec_load", "keyctl"}, removedHas: []string{"write", "mount"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			added, removed, err := Diff(tc.profile)
			if err != nil {
				t.Fatalf("Diff: %v", err)
			}
			if !slices.Equal(added, tc.wantAdded) || added == nil {
				t.Errorf("added = %q, want %q", added, tc.wantAdded)
			}
			if tc.wantRemoved != nil && (!slices.Equal(removed, tc.wantRemoved) || removed == nil) {
				t.Errorf("removed = %q, want %q", removed, tc.wantRemoved)
			}
			for _, n := range tc.removedHas {
				if !slices.Contains(removed, n) {
					t.Errorf("removed lacks %q", n)
				}
			}
			if !slices.IsSorted(removed) || !slices.IsSorted(added) {
				t.Error("result not sorted")
			}
		})
	}
}

func TestDiffErrors(t *testing.T) {
	tests := []struct {
		name    string
		profile string
		wantErr string
	}{
		{"not JSON", `{"defaultAction":`, "decode seccomp profile"},
		{"no default action", `{"syscalls":[]}`, "no defaultAction"},
		{"denylist", `{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["ptrace"],"action":"SCMP_ACT_ERRNO"}]}`,
			"only allowlist profiles can be compared"},
		{"log everything", `{"defaultAction":"SCMP_ACT_LOG"}`, "only allowlist profiles can be compared"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := Diff([]byte(tc.profile))
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("Diff error = %v, want it to contain %q", err, tc.wantErr)
			}
		})
	}
}
