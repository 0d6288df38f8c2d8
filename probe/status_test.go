package probe

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func readStatusFixture(t *testing.T, name string) (procStatus, error) {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "status", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	return parseStatus(f)
}

func TestParseStatus(t *testing.T) {
	tests := []struct {
		file        string
		effective   []string
		bounding    []string
		noNewPrivs  bool
		mode        int
		modeName    string
		filters     int
		wantEffMask uint64
	}{
		{
			file:      "docker-default.txt",
			effective: decodeCaps(0xa80425fb), bounding: decodeCaps(0xa80425fb),
			mode: 2, modeName: "filter", filters: 1, wantEffMask: 0xa80425fb,
		},
		{
			file:      "hardened.txt",
			effective: []string{}, bounding: []string{"CAP_NET_BIND_SERVICE"},
			noNewPrivs: true, mode: 2, modeName: "filter", filters: 2,
		},
		{
			file:      "privileged.txt",
			effective: capNames[:], bounding: capNames[:],
			mode: 0, modeName: "disabled", wantEffMask: 1<<41 - 1,
		},
		{
			file:      "old-kernel.txt",
			effective: decodeCaps(0xa80425fb), bounding: decodeCaps(0xa80425fb),
			mode: 2, modeName: "filter", filters: 0, wantEffMask: 0xa80425fb,
		},
		{
			file:      "no-seccomp-line.txt",
			effective: []string{}, bounding: []string{},
			mode: -1, modeName: "unknown",
		},
		{
			file:      "future-caps.txt",
			effective: []string{"CAP_CHOWN", "CAP_41", "CAP_42"}, bounding: []string{"CAP_CHOWN", "CAP_41", "CAP_42"},
			mode: 0, modeName: "disabled", wantEffMask: 0x060000000001,
		},
	}
	for _, tt := range tests {
		t.Run(strings.TrimSuffix(tt.file, ".txt"), func(t *testing.T) {
			st, err := readStatusFixture(t, tt.file)
			if err != nil {
				t.Fatal(err)
			}
			r := newReport()
			eff, err := applyStatus(&r, st)
			if err != nil {
				t.Fatalf("applyStatus: %v", err)
			}
			if eff != tt.wantEffMask {
				t.Errorf("effective mask = %#x, want %#x", eff, tt.wantEffMask)
			}
			if !slices.Equal(r.Capabilities.Effective.Names, tt.effective) {
				t.Errorf("effective = %v, want %v", r.Capabilities.Effective.Names, tt.effective)
			}
			if !slices.Equal(r.Capabilities.Bounding.Names, tt.bounding) {
				t.Errorf("bounding = %v, want %v", r.Capabilities.Bounding.Names, tt.bounding)
			}
			if r.NoNewPrivs != tt.noNewPrivs {
				t.Errorf("no_new_privs = %v, want %v", r.NoNewPrivs, tt.noNewPrivs)
			}
			want := Seccomp{Mode: tt.mode, ModeName: tt.modeName, Filters: tt.filters}
			if r.Seccomp != want {
				t.Errorf("seccomp = %+v, want %+v", r.Seccomp, want)
			}
		})
	}
}

func TestParseStatusErrors(t *testing.T) {
	t.Run("bad capability mask", func(t *testing.T) {
		if _, err := readStatusFixture(t, "bad-cap.txt"); err == nil {
			t.Fatal("parseStatus succeeded, want an error for a non-hex mask")
		}
	})
	t.Run("bad seccomp value", func(t *testing.T) {
		if _, err := parseStatus(strings.NewReader("Seccomp:\tfilter\n")); err == nil {
			t.Fatal("parseStatus succeeded, want an error for a non-numeric mode")
		}
	})
	t.Run("missing capability lines", func(t *testing.T) {
		st, err := readStatusFixture(t, "missing-caps.txt")
		if err != nil {
			t.Fatal(err)
		}
		r := newReport()
		_, err = applyStatus(&r, st)
		if err == nil || !strings.Contains(err.Error(), "CapInh") {
			t.Fatalf("applyStatus error = %v, want one naming CapInh", err)
		}
		if r.Capabilities.Inheritable.Names == nil || r.Capabilities.Inheritable.Hex != "" {
			t.Errorf("missing set = %+v, want empty names and hex", r.Capabilities.Inheritable)
		}
		if !r.NoNewPrivs || r.Seccomp.Mode != 2 {
			t.Errorf("the lines present were not applied: %+v", r)
		}
	})
}
