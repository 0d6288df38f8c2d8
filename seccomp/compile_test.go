package seccomp

import (
	"slices"
	"testing"
)

func TestNormalizeCaps(t *testing.T) {
	tests := []struct {
		name string
		in   []string
		want []string
	}{
		{"engine spelling kept", []string{"CAP_SYS_ADMIN"}, []string{"CAP_SYS_ADMIN"}},
		{"prefix added", []string{"SYS_PTRACE"}, []string{"CAP_SYS_PTRACE"}},
		{"case folded", []string{"cap_net_raw", "sys_admin"}, []string{"CAP_NET_RAW", "CAP_SYS_ADMIN"}},
		{"none", nil, []string{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := normalizeCaps(tc.in); !slices.Equal(got, tc.want) {
				t.Errorf("normalizeCaps(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}
