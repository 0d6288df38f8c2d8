package policy

import "testing"

func TestParseSize(t *testing.T) {
	for in, want := range map[string]int64{"64m": 64 << 20, "1g": 1 << 30, "1GB": 1 << 30, "512": 512, "1.5k": 1536, "2 kib": 2048} {
		if got, err := ParseSize(in); err != nil || got != want {
			t.Errorf("ParseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "1q", "-", "m"} {
		if _, err := ParseSize(in); err == nil {
			t.Errorf("ParseSize(%q) succeeded", in)
		}
	}
}

func TestFormatSize(t *testing.T) {
	for n, want := range map[int64]string{0: "0", 1: "1", 1 << 10: "1k", 64 << 20: "64m", 1 << 30: "1g", 3 << 40: "3t", 1536: "1536", -1: "-1"} {
		if got := FormatSize(n); got != want {
			t.Errorf("FormatSize(%d) = %q, want %q", n, got, want)
		}
	}
}

// FuzzFormatSize: what FormatSize spells, ParseSize reads back.
func FuzzFormatSize(f *testing.F) {
	for _, n := range []int64{0, 1, 1024, 64 << 20, 3 << 40, 1<<62 + 1} {
		f.Add(n)
	}
	f.Fuzz(func(t *testing.T, n int64) {
		if n < 0 || n > 1<<50 {
			return // docker's units stop at p; beyond, the float reading rounds
		}
		s := FormatSize(n)
		if got, err := ParseSize(s); err != nil || got != n {
			t.Errorf("FormatSize(%d) = %q reads back as %d, %v", n, s, got, err)
		}
	})
}
