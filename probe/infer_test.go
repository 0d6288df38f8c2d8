package probe

import (
	"strings"
	"testing"
)

func TestInferBy(t *testing.T) {
	tests := []struct {
		name    string
		ev      evidence
		wantBy  string
		wantWhy string
	}{
		{"succeeded", evidence{}, "", ""},
		{"read-only beats everything",
			evidence{Errno: "EROFS", SeccompMode: 2, Filtered: yes, Cap: "CAP_SYS_ADMIN"},
			ByReadOnly, "read-only"},
		{"filter rejects, capability missing too",
			evidence{Errno: "EPERM", Cap: "CAP_SYS_ADMIN", SeccompMode: 2, Filtered: yes},
			BySeccomp, "CAP_SYS_ADMIN is missing too"},
		{"filter rejects, capability held",
			evidence{Errno: "EPERM", Cap: "CAP_SYS_ADMIN", HasCap: true, SeccompMode: 2, Filtered: yes},
			BySeccomp, "seccomp filter rejects it"},
		{"filter lets it through, capability missing",
			evidence{Errno: "EPERM", Cap: "CAP_NET_RAW", SeccompMode: 2, Filtered: no},
			ByCapability, "lets the call through"},
		{"no filter, capability missing",
			evidence{Errno: "EPERM", Cap: "CAP_CHOWN", Filtered: no},
			ByCapability, "CAP_CHOWN is not in the effective set"},
		{"EPERM with filter and missing capability but no repeat: capability",
			evidence{Errno: "EPERM", Cap: "CAP_MKNOD", SeccompMode: 2, Filtered: unknown},
			ByCapability, "CAP_MKNOD"},
		{"EPERM with filter, capability held, no repeat: seccomp best guess",
			evidence{Errno: "EPERM", Cap: "CAP_SYS_ADMIN", HasCap: true, SeccompMode: 2, Filtered: unknown},
			BySeccomp, "best guess"},
		{"ENOSYS under a filter: seccomp best guess",
			evidence{Errno: "ENOSYS", SeccompMode: 2},
			BySeccomp, "best guess"},
		{"EACCES denied by owner and mode",
			evidence{Errno: "EACCES", DACDenies: yes, AppArmor: true},
			ByPermissions, "owner and mode"},
		{"EACCES allowed by mode, AppArmor enforcing",
			evidence{Errno: "EACCES", DACDenies: no, AppArmor: true},
			ByAppArmor, "AppArmor"},
		{"EACCES, no AppArmor, capability missing (perf_event_paranoid)",
			evidence{Errno: "EACCES", Cap: "CAP_PERFMON", Filtered: no},
			ByCapability, "CAP_PERFMON"},
		{"EPERM with capability held and no filter: kernel policy",
			evidence{Errno: "EPERM", Cap: "CAP_SYS_PTRACE", HasCap: true},
			"", "not attributable"},
		{"EPERM with capability held, filter lets it through",
			evidence{Errno: "EPERM", SeccompMode: 2, Filtered: no},
			"", "not attributable"},
		{"ENOSPC: a limit",
			evidence{Errno: "ENOSPC", SeccompMode: 2, Filtered: no},
			"", "not attributable"},
		{"EACCES with nothing known",
			evidence{Errno: "EACCES"},
			"", "not attributable"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			by, why := inferBy(tt.ev)
			if by != tt.wantBy {
				t.Errorf("by = %q, want %q (why: %s)", by, tt.wantBy, why)
			}
			if !strings.Contains(why, tt.wantWhy) {
				t.Errorf("why = %q, want it to contain %q", why, tt.wantWhy)
			}
		})
	}
}

func TestApparmorEnforcing(t *testing.T) {
	tests := []struct {
		label string
		want  bool
	}{
		{"docker-default (enforce)", true},
		{"hardrun-web (enforce)", true},
		{"strict (kill)", true},
		{"dev (complain)", false},
		{"unconfined", false},
		{"unavailable", false},
		{"", false},
		{"system_u:system_r:container_t:s0:c1,c2", false},
	}
	for _, tt := range tests {
		t.Run(tt.label, func(t *testing.T) {
			if got := apparmorEnforcing(tt.label); got != tt.want {
				t.Errorf("apparmorEnforcing(%q) = %v, want %v", tt.label, got, tt.want)
			}
		})
	}
}
