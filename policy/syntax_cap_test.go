package policy

import (
	"slices"
	"strings"
	"testing"
)

func TestCapName(t *testing.T) {
	for in, want := range map[string]string{
		"sys_admin": "SYS_ADMIN", "CAP_SYS_ADMIN": "SYS_ADMIN", "cap_sys_admin": "SYS_ADMIN", " Net_Raw ": "NET_RAW",
		"all": "ALL", "ALL": "ALL", "CAP_ALL": "ALL",
	} {
		if got := CapName(in); got != want {
			t.Errorf("CapName(%q) = %q, want %q", in, got, want)
		}
	}
	if s := CapNameSet([]string{"cap_chown"}, []string{"CHOWN", "kill"}); len(s) != 2 || !s["CHOWN"] || !s["KILL"] {
		t.Errorf("CapNameSet = %v", s)
	}
}

func TestParseCapability(t *testing.T) {
	if got, err := ParseCapability("cap_net_raw"); err != nil || got != "NET_RAW" {
		t.Errorf("ParseCapability(cap_net_raw) = %q, %v", got, err)
	}
	if _, err := ParseCapability("CAP_SYS_ADMINN"); err == nil {
		t.Error("ParseCapability accepted an unknown name")
	}
}

func TestClientCapabilities(t *testing.T) {
	got := ClientCapabilities([]string{"net_raw", "CAP_NET_RAW", "all", "Chown"})
	if want := []string{"ALL", "CAP_CHOWN", "CAP_NET_RAW"}; !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
	if ClientCapabilities(nil) != nil {
		t.Error("ClientCapabilities(nil) is not nil")
	}
}

// FuzzCapName: the judge's and the client's spellings name the same
// capability: CapName of the client's spelling is CapName of the input.
func FuzzCapName(f *testing.F) {
	for _, s := range []string{"sys_admin", "CAP_ALL", "all", "cap_", " x "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, c string) {
		n := CapName(c)
		if strings.HasPrefix(n, "CAP_") {
			t.Errorf("CapName(%q) = %q keeps a prefix", c, n)
		}
		if CapName(n) != n {
			t.Errorf("CapName is not idempotent on %q: %q, then %q", c, n, CapName(n))
		}
		cl := ClientCapabilities([]string{strings.TrimSpace(c)})
		if len(cl) != 1 || CapName(cl[0]) != n {
			t.Errorf("client spelling %q of %q names %q, the judge's %q", cl, c, CapName(cl[0]), n)
		}
	})
}
