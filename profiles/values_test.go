package profiles

import (
	"regexp"
	"slices"
	"strings"
	"testing"
)

func TestParseSize(t *testing.T) {
	tests := []struct {
		in      string
		want    int64
		wantErr bool
	}{
		{in: "512m", want: 512 << 20},
		{in: "2g", want: 2 << 30},
		{in: "2G", want: 2 << 30},
		{in: "1024", want: 1024},
		{in: "64k", want: 64 << 10},
		{in: "1.5g", want: 3 << 29},
		{in: "10mb", want: 10 << 20},
		{in: "", wantErr: true},
		{in: "-1", wantErr: true},
		{in: "512q", wantErr: true},
		{in: "1e9", wantErr: true},
		{in: "99999999999999999999p", wantErr: true},
		{in: "m", wantErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParseSize(tc.in)
			if (err != nil) != tc.wantErr || got != tc.want {
				t.Errorf("ParseSize(%q) = %d, %v; want %d, error %v", tc.in, got, err, tc.want, tc.wantErr)
			}
		})
	}
}

func TestNormalizeCapability(t *testing.T) {
	tests := []struct {
		in, want, wantErr string
	}{
		{in: "NET_RAW", want: "NET_RAW"},
		{in: "cap_net_raw", want: "NET_RAW"},
		{in: "Cap_Sys_Admin", want: "SYS_ADMIN"},
		{in: "all", want: "ALL"},
		{in: "checkpoint_restore", want: "CHECKPOINT_RESTORE"},
		{in: "CAP_ALL", wantErr: `unknown capability "CAP_ALL"`},
		{in: "NET_RAWW", wantErr: `unknown capability "NET_RAWW" (did you mean "NET_RAW"?)`},
		{in: "", wantErr: `unknown capability ""`},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, err := NormalizeCapability(tc.in)
			if got != tc.want || errText(err) != tc.wantErr {
				t.Errorf("NormalizeCapability(%q) = %q, %v; want %q, %q", tc.in, got, err, tc.want, tc.wantErr)
			}
		})
	}
	if caps := KnownCapabilities(); len(caps) != 41 || caps[0] != "CHOWN" || caps[40] != "CHECKPOINT_RESTORE" {
		t.Errorf("KnownCapabilities() = %d names %v", len(caps), caps)
	}
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func TestParseUlimit(t *testing.T) {
	tests := []struct {
		name, value string
		soft, hard  int64
		wantErr     string
	}{
		{name: "nofile", value: "1024:2048", soft: 1024, hard: 2048},
		{name: "core", value: "0", soft: 0, hard: 0},
		{name: "memlock", value: "-1", soft: -1, hard: -1},
		{name: "stack", value: "8192:-1", soft: 8192, hard: -1},
		{name: "nofile", value: "10:5", wantErr: `bad ulimit nofile "10:5": soft limit above hard limit`},
		{name: "nofile", value: "-1:5", wantErr: `bad ulimit nofile "-1:5": soft limit above hard limit`},
		{name: "nofile", value: "1:2:3", wantErr: `bad ulimit nofile "1:2:3": want "soft:hard" or one number (-1 = unlimited)`},
		{name: "nofile", value: "-2", wantErr: `bad ulimit nofile "-2": want "soft:hard" or one number (-1 = unlimited)`},
		{name: "as", value: "1", wantErr: `unknown ulimit "as"`},
		{name: "nprc", value: "1", wantErr: `unknown ulimit "nprc" (did you mean "nproc"?)`},
	}
	for _, tc := range tests {
		t.Run(tc.name+"="+tc.value, func(t *testing.T) {
			soft, hard, err := ParseUlimit(tc.name, tc.value)
			if soft != tc.soft || hard != tc.hard || errText(err) != tc.wantErr {
				t.Errorf("ParseUlimit(%q, %q) = %d, %d, %v; want %d, %d, %q", tc.name, tc.value, soft, hard, err, tc.soft, tc.hard, tc.wantErr)
			}
		})
	}
}

func TestAccessors(t *testing.T) {
	p, err := testLoader(t).Load("default")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		got, want int64
	}{
		{name: "Limits.MemoryBytes", got: p.Limits.MemoryBytes(), want: 512 << 20},
		{name: "Limits.MemorySwapBytes", got: p.Limits.MemorySwapBytes(), want: 512 << 20},
		{name: "Limits.ShmSizeBytes", got: p.Limits.ShmSizeBytes(), want: 64 << 20},
		{name: "Limits.NanoCPUs", got: p.Limits.NanoCPUs(), want: 1e9},
		{name: "Max.MemoryBytes", got: p.Max.MemoryBytes(), want: 2 << 30},
		{name: "Max.NanoCPUs", got: p.Max.NanoCPUs(), want: 2e9},
		{name: "unset", got: Limits{}.MemoryBytes() + Max{}.NanoCPUs(), want: 0},
		{name: "unlimited swap", got: Limits{MemorySwap: "-1"}.MemorySwapBytes(), want: -1},
		{name: "fractional cpus", got: Limits{CPUs: "0.25"}.NanoCPUs(), want: 25e7},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.got != tc.want {
				t.Errorf("%s = %d, want %d", tc.name, tc.got, tc.want)
			}
		})
	}
}

func TestAllowRWGlobs(t *testing.T) {
	p := &Profile{Volumes: Volumes{AllowRW: []string{"$PWD", "$PWD/**", "/srv/data/**", "$PWDX/a"}}}
	tests := []struct {
		name, cwd string
		want      []string
	}{
		{name: "expanded", cwd: "/home/u/app", want: []string{"/home/u/app", "/home/u/app/**", "/srv/data/**", "$PWDX/a"}},
		{name: "cleaned", cwd: "/home/u/app/", want: []string{"/home/u/app", "/home/u/app/**", "/srv/data/**", "$PWDX/a"}},
		{name: "relative cwd permits nothing of $PWD", cwd: "app", want: []string{"/srv/data/**", "$PWDX/a"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := p.AllowRWGlobs(tc.cwd); !slices.Equal(got, tc.want) {
				t.Errorf("AllowRWGlobs(%q) = %q, want %q", tc.cwd, got, tc.want)
			}
		})
	}
}

// TestSizeSyntaxByHand holds sizeSyntaxOK to the regexp it stands for.
func TestSizeSyntaxByHand(t *testing.T) {
	re := regexp.MustCompile(sizeSyntax)
	alphabet := []string{"", "0", "7", ".", " ", "k", "M", "b", "i", "é", "-", "e", "12", "x"}
	var walk func(prefix string, depth int)
	walk = func(prefix string, depth int) {
		if got, want := sizeSyntaxOK(prefix), re.MatchString(prefix); got != want {
			t.Errorf("sizeSyntaxOK(%q) = %v, the regexp says %v", prefix, got, want)
		}
		if depth == 0 {
			return
		}
		for _, a := range alphabet[1:] {
			walk(prefix+a, depth-1)
		}
	}
	walk("", 5)
}

// TestValidNameByHand holds validName to the schema's pattern.
func TestValidNameByHand(t *testing.T) {
	re := regexp.MustCompile(nameSyntax)
	for _, s := range []string{"", "a", "A-b_c.d", "-a", ".a", "_a", "a b", "a/b", "é", "web.yaml", "web.yml", "x.yamlx",
		strings.Repeat("a", 63), strings.Repeat("a", 64), "0", "a\n", "a$"} {
		want := re.MatchString(s) && !strings.HasSuffix(s, ".yaml") && !strings.HasSuffix(s, ".yml")
		if got := validName(s); got != want {
			t.Errorf("validName(%q) = %v, want %v", s, got, want)
		}
	}
}
