package apparmor

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	goldenfile "github.com/hardrun/hardrun/internal/golden"
)

// update is the -update flag of internal/golden, which every package accepts.
var update = goldenfile.Update

// procSysDenyWrite is a deny_write list like the built-in default's.
var procSysDenyWrite = []string{"/proc/sys/**", "/sys/**"}

// goldenSpecs are specs whose text is kept in testdata/FILE.apparmor, named
// for what they exercise. They are not the built-in profiles (this package
// imports no profile): policy/testdata/apparmor holds what each built-in
// really generates.
var goldenSpecs = []struct {
	file string
	spec Spec
}{
	{"deny-write-proc-sys", Spec{Name: "hardrun-test-proc-sys", DenyWrite: procSysDenyWrite}},
	{"deny-write-system-trees", Spec{
		Name:      "hardrun-test-system-trees",
		DenyWrite: []string{"/proc/sys/**", "/sys/**", "/etc/**", "/usr/**", "/{bin,sbin,lib,lib64}/**"},
	}},
	{"net-raw-ptrace", Spec{Name: "hardrun-test-net-raw-ptrace", DenyWrite: procSysDenyWrite, NetRaw: true, AllowPtrace: true}},
}

func goldenPath(file string) string {
	return filepath.Join("testdata", file+".apparmor")
}

func TestGenerateGolden(t *testing.T) {
	for _, tc := range goldenSpecs {
		t.Run(tc.file, func(t *testing.T) {
			got, err := Generate(tc.spec)
			if err != nil {
				t.Fatalf("Generate: %v", err)
			}
			path := goldenPath(tc.file)
			if *update {
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("read golden (create it with: go test ./apparmor -update): %v", err)
			}
			if got != string(want) {
				t.Errorf("Generate(%s) differs from %s; if the change is intended, run: go test ./apparmor -update\n%s",
					tc.file, path, lineDiff(string(want), got))
			}
		})
	}
}

// TestGoldenPassesParser runs the real apparmor_parser over every golden file,
// so a profile that the parser would refuse never reaches a user.
func TestGoldenPassesParser(t *testing.T) {
	requireParser(t)
	for _, tc := range goldenSpecs {
		t.Run(tc.file, func(t *testing.T) {
			text, err := os.ReadFile(goldenPath(tc.file))
			if err != nil {
				t.Fatal(err)
			}
			if err := Check(t.Context(), ExecRunner{}, string(text)); err != nil {
				t.Errorf("apparmor_parser refuses %s: %v", goldenPath(tc.file), err)
			}
		})
	}
}

func TestGenerateRules(t *testing.T) {
	tests := []struct {
		name    string
		spec    Spec
		want    []string
		notWant []string
	}{
		{
			name: "header and includes",
			spec: Spec{Name: "hardrun-x", NetRaw: true},
			want: []string{
				"abi <abi/3.0>,\n",
				"#include <tunables/global>\n",
				"profile hardrun-x flags=(attach_disconnected,mediate_deleted) {\n  #include <abstractions/base>\n",
				"  deny mount,\n", "  deny umount,\n", "  deny pivot_root,\n",
				"  deny @{PROC}/sysrq-trigger rwklx,\n", "  deny @{PROC}/kcore rwklx,\n",
				"  signal (send,receive) peer=hardrun-x,\n",
			},
			notWant: []string{"deny network", "apparmor.deny_write"},
		},
		{
			name:    "no NET_RAW denies raw and packet sockets",
			spec:    Spec{Name: "hardrun-x"},
			want:    []string{"  deny network raw,\n", "  deny network packet,\n"},
			notWant: []string{"ptrace (trace"},
		},
		{
			name:    "ptrace within the profile only when permitted",
			spec:    Spec{Name: "hardrun-x", NetRaw: true, AllowPtrace: true},
			want:    []string{"  ptrace (trace,read,tracedby,readby) peer=hardrun-x,\n"},
			notWant: []string{"ptrace (read,readby)"},
		},
		{
			name:    "read-only ptrace without SYS_PTRACE",
			spec:    Spec{Name: "hardrun-x", NetRaw: true},
			want:    []string{"  ptrace (read,readby) peer=hardrun-x,\n"},
			notWant: []string{"trace,"},
		},
		{
			name: "deny_write globs in order, duplicates dropped",
			spec: Spec{Name: "hardrun-x", DenyWrite: []string{"/b/**", "/a/{x,y}/[^.]*", "/b/**"}},
			want: []string{"  deny /b/** wl,\n  deny /a/{x,y}/[^.]* wl,\n}\n"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Generate(tc.spec)
			if err != nil {
				t.Fatalf("Generate: %v", err)
			}
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("text lacks %q", w)
				}
			}
			for _, w := range tc.notWant {
				if strings.Contains(got, w) {
					t.Errorf("text contains %q", w)
				}
			}
		})
	}
}

func TestGenerateDeterministicAndHashed(t *testing.T) {
	for _, tc := range goldenSpecs {
		t.Run(tc.file, func(t *testing.T) {
			a, errA := Generate(tc.spec)
			b, errB := Generate(tc.spec)
			if errA != nil || errB != nil || a != b {
				t.Fatalf("two Generate calls differ (errors %v, %v)", errA, errB)
			}
			embedded, ok := EmbeddedHash(a)
			if !ok || embedded != Hash(a) || len(embedded) != 64 {
				t.Errorf("embedded hash %q (found %v), Hash(text) %q", embedded, ok, Hash(a))
			}
			edited := strings.Replace(a, "deny mount,", "mount,", 1)
			if Hash(edited) == embedded {
				t.Error("editing a rule does not change Hash")
			}
		})
	}
}

func TestGenerateHashDiffersBySpec(t *testing.T) {
	seen := map[string]string{}
	for _, tc := range goldenSpecs {
		text, err := Generate(tc.spec)
		if err != nil {
			t.Fatal(err)
		}
		h, _ := EmbeddedHash(text)
		if other, dup := seen[h]; dup {
			t.Errorf("%s and %s have the same hash", tc.file, other)
		}
		seen[h] = tc.file
	}
}

func TestGenerateRejects(t *testing.T) {
	tests := []struct {
		name    string
		spec    Spec
		wantErr string
	}{
		{"empty name", Spec{}, `must start with "hardrun-"`},
		{"name without prefix", Spec{Name: "docker-default"}, `must start with "hardrun-"`},
		{"prefix only", Spec{Name: "hardrun-"}, "1 to 120 more characters"},
		{"name too long", Spec{Name: "hardrun-" + strings.Repeat("a", 121)}, "1 to 120 more characters"},
		{"name starts with dash", Spec{Name: "hardrun--x"}, "must start with a letter or digit"},
		{"name with space", Spec{Name: "hardrun-a b"}, `character ' '`},
		{"name injects a rule", Spec{Name: "hardrun-x {\n  mount,\n}\nprofile y"}, `character ' '`},
		{"name with slash", Spec{Name: "hardrun-a/b"}, `character '/'`},
		{"glob closes the profile", spec("/x } profile evil { /** rwx, "), `' '`},
		{"glob with bare brace", spec("/x}"), `unbalanced "}"`},
		{"glob ends the rule", spec("/x,/y"), `"," outside {}`},
		{"glob with newline", spec("/x\n  mount"), `'\n'`},
		{"glob with carriage return", spec("/x\r"), `'\r'`},
		{"glob with tab", spec("/x\t"), `'\t'`},
		{"glob with comment", spec("/x#include <evil>"), `'#'`},
		{"glob with quote", spec(`/x"`), `'"'`},
		{"glob with backslash", spec(`/x\,`), `'\\'`},
		{"glob with variable", spec("@{PROC}/sys/**"), "not an absolute path"},
		{"glob with variable inside", spec("/x/@{HOME}"), `'@'`},
		{"relative glob", spec("proc/sys/**"), "not an absolute path"},
		{"empty glob", spec(""), "empty"},
		{"dot-dot segment", spec("/app/../etc/**"), `segment ".."`},
		{"dot segment", spec("/app/./x"), `segment "."`},
		{"empty segment", spec("/app//x"), "empty path segment"},
		{"unterminated brace", spec("/a/{b,c"), `unterminated "{"`},
		{"unterminated class", spec("/a/[bc"), `unterminated "["`},
		{"empty class", spec("/a/[^]x"), "empty character class"},
		{"slash in class", spec("/a[/]b"), "not allowed in a character class"},
		{"glob too long", spec("/" + strings.Repeat("a", 1024)), "longer than 1024 bytes"},
		{"non-ASCII", spec("/é"), "not allowed"},
		{"NUL byte", spec("/a\x00"), `'\x00'`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			text, err := Generate(tc.spec)
			if err == nil {
				t.Fatalf("Generate succeeded, want error containing %q; text:\n%s", tc.wantErr, text)
			}
			if !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("error %q does not contain %q", err, tc.wantErr)
			}
			if !strings.HasPrefix(err.Error(), "generate apparmor profile: ") {
				t.Errorf("error %q lacks the generate context", err)
			}
		})
	}
}

func TestValidateGlobAccepts(t *testing.T) {
	for _, g := range []string{
		"/", "/proc/sys/**", "/sys/**", "/a/*.conf", "/a/?", "/a/{b,c/{d,e}}/**",
		"/a/[a-z0-9_]*", "/a/[^.]*", "/srv/data-1/+x~:%=", "/{bin,sbin,lib,lib64}/**",
	} {
		t.Run(g, func(t *testing.T) {
			if err := ValidateGlob(g); err != nil {
				t.Errorf("ValidateGlob: %v", err)
			}
		})
	}
}

func TestAllBut(t *testing.T) {
	tests := []struct {
		name, dir, keep, also string
		want                  []string
	}{
		{"sysfs", "/sys/", "fs", "", []string{"/sys/[^f]**", "/sys/f[^s]**"}},
		{"procfs keeps pids", "@{PROC}/", "sys", "1-9", []string{"@{PROC}/[^1-9s]**", "@{PROC}/s[^y]**", "@{PROC}/sy[^s]**"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := allBut(tc.dir, tc.keep, tc.also)
			if strings.Join(got, " ") != strings.Join(tc.want, " ") {
				t.Errorf("allBut = %q, want %q", got, tc.want)
			}
		})
	}
}

func spec(glob string) Spec {
	return Spec{Name: "hardrun-x", DenyWrite: []string{"/ok/**", glob}}
}

// lineDiff shows the first lines where want and got differ.
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < max(len(w), len(g)); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			return fmt.Sprintf("first difference at line %d:\n  golden: %s\n  got:    %s", i+1, wl, gl)
		}
	}
	return ""
}

func BenchmarkGenerate(b *testing.B) {
	s := goldenSpecs[1].spec
	for b.Loop() {
		if _, err := Generate(s); err != nil {
			b.Fatal(err)
		}
	}
}
