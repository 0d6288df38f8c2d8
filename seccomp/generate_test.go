package seccomp

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	mobyseccomp "github.com/moby/profiles/seccomp"
	"github.com/opencontainers/runtime-spec/specs-go"

	goldenfile "github.com/hardrun/hardrun/internal/golden"
)

// update is the -update flag of internal/golden, which every package accepts.
var update = goldenfile.Update

// contractDeny is the deny list of the built-in default profile (contract §4).
var contractDeny = []string{"keyctl", "add_key", "request_key", "ptrace", "unshare", "mount", "umount2", "bpf", "perf_event_open"}

// goldenSpecs are the specs whose profile is kept in testdata/FILE.json, so a
// reviewer sees every change to the generator as a diff. They are bases
// with and without the contract's deny list, not the built-in profiles:
// policy/testdata/seccomp holds what each built-in really sends.
var goldenSpecs = []struct {
	file string
	spec Spec
}{
	{"base-default", Spec{Base: BaseDefault}},
	{"base-default-deny", Spec{Base: BaseDefault, Deny: contractDeny}},
	{"base-strict", Spec{Base: BaseStrict}},
	{"base-strict-deny", Spec{Base: BaseStrict, Deny: contractDeny}},
}

func goldenPath(file string) string { return filepath.Join("testdata", file+".json") }

// generate calls Generate and fails the test on an error.
func generate(t testing.TB, s Spec) []byte {
	t.Helper()
	out, err := Generate(s)
	if err != nil {
		t.Fatalf("Generate(%+v): %v", s, err)
	}
	return out
}

// indent is the golden form of a profile: Generate's compact JSON (what the
// engine receives) re-indented, which changes only whitespace, so a reviewer
// can read diffs line by line.
func indent(t *testing.T, compact []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := json.Indent(&buf, compact, "", "\t"); err != nil {
		t.Fatalf("indent: %v", err)
	}
	buf.WriteByte('\n')
	return buf.Bytes()
}

func TestGenerateGolden(t *testing.T) {
	for _, tc := range goldenSpecs {
		t.Run(tc.file, func(t *testing.T) {
			got := indent(t, generate(t, tc.spec))
			path := goldenPath(tc.file)
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("read golden (create it with: go test ./seccomp -update): %v", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("Generate(%s) differs from %s; if the change is intended, run: go test ./seccomp -update\n%s",
					tc.file, path, firstDifference(string(want), string(got)))
			}
		})
	}
}

// firstDifference shows the first line where want and got part, with context.
func firstDifference(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < max(len(w), len(g)); i++ {
		if i < len(w) && i < len(g) && w[i] == g[i] {
			continue
		}
		line := func(l []string) string {
			if i < len(l) {
				return l[i]
			}
			return "<end of file>"
		}
		return fmt.Sprintf("line %d:\n  golden:    %s\n  generated: %s", i+1, line(w), line(g))
	}
	return "(no line differs)"
}

func TestGenerateDeterministic(t *testing.T) {
	for _, tc := range goldenSpecs {
		t.Run(tc.file, func(t *testing.T) {
			first := generate(t, tc.spec)
			for range 3 {
				if again := generate(t, tc.spec); !bytes.Equal(first, again) {
					t.Fatal("two calls gave different bytes")
				}
			}
			// Order and repetition in the lists must not matter.
			shuffled := tc.spec
			shuffled.Deny = append(slices.Clone(tc.spec.Deny), tc.spec.Deny...)
			slices.Reverse(shuffled.Deny)
			if again := generate(t, shuffled); !bytes.Equal(first, again) {
				t.Error("reordered, repeated deny list gave different bytes")
			}
		})
	}
}

func TestGenerateBases(t *testing.T) {
	tests := []struct {
		name    string
		spec    Spec
		wantIs  error  // errors.Is target, or nil
		wantErr string // substring, or "" for success
	}{
		{name: "empty base is default", spec: Spec{}},
		{name: "default", spec: Spec{Base: "default"}},
		{name: "strict", spec: Spec{Base: "strict"}},
		{name: "unconfined", spec: Spec{Base: "unconfined"}, wantIs: ErrUnconfined, wantErr: "unconfined"},
		{name: "unconfined with deny", spec: Spec{Base: "unconfined", Deny: []string{"ptrace"}}, wantErr: `seccomp base "unconfined" cannot deny or allow`},
		{name: "unconfined with allow", spec: Spec{Base: "unconfined", Allow: []string{"ptrace"}}, wantErr: `cannot deny or allow`},
		{name: "unknown base", spec: Spec{Base: "Strict"}, wantErr: `unknown seccomp base "Strict" (want default, strict or unconfined)`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, err := Generate(tc.spec)
			if tc.wantErr == "" {
				if err != nil || !json.Valid(out) {
					t.Fatalf("Generate = %q, %v; want a JSON profile", out, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("Generate error = %v, want it to contain %q", err, tc.wantErr)
			}
			if got := errors.Is(err, ErrUnconfined); got != (tc.wantIs == ErrUnconfined) {
				t.Errorf("errors.Is(err, ErrUnconfined) = %v", got)
			}
		})
	}
	t.Run("empty base equals default", func(t *testing.T) {
		a, _ := Generate(Spec{})
		b, _ := Generate(Spec{Base: BaseDefault})
		if !bytes.Equal(a, b) {
			t.Error(`Spec{} and Spec{Base: "default"} differ`)
		}
	})
}

func TestGenerateUnknownSyscall(t *testing.T) {
	tests := []struct {
		name     string
		spec     Spec
		wantErr  []string // each must appear in the error
		wantName []string // names the joined errors carry, in order
	}{
		{"deny typo", Spec{Deny: []string{"ptrace", "mkdri"}}, []string{`deny: unknown syscall "mkdri"`}, []string{"mkdri"}},
		{"allow typo", Spec{Base: BaseStrict, Allow: []string{"mkdri"}}, []string{`allow: unknown syscall "mkdri"`}, []string{"mkdri"}},
		{"every typo reported", Spec{Deny: []string{"mkdri", "ptrace"}, Allow: []string{"Read", ""}},
			[]string{`deny: unknown syscall "mkdri"`, `allow: unknown syscall "Read"`, `allow: unknown syscall ""`},
			[]string{"mkdri", "Read", ""}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Generate(tc.spec)
			if err == nil {
				t.Fatal("Generate accepted an unknown syscall")
			}
			for _, want := range tc.wantErr {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not contain %q", err, want)
				}
			}
			if got := unknownNames(err); !slices.Equal(got, tc.wantName) {
				t.Errorf("UnknownSyscallError names = %q, want %q", got, tc.wantName)
			}
		})
	}
}

// unknownNames collects the names of every UnknownSyscallError in a joined error.
func unknownNames(err error) []string {
	var names []string
	var walk func(error)
	walk = func(err error) {
		var u *UnknownSyscallError
		if joined, ok := err.(interface{ Unwrap() []error }); ok {
			for _, e := range joined.Unwrap() {
				walk(e)
			}
		} else if errors.As(err, &u) {
			names = append(names, u.Name)
		}
	}
	walk(err)
	return names
}

// decode parses a generated profile back into Docker's Go type.
func decode(t *testing.T, b []byte) *mobyseccomp.Seccomp {
	t.Helper()
	var p mobyseccomp.Seccomp
	if err := json.Unmarshal(b, &p); err != nil {
		t.Fatalf("decode profile: %v", err)
	}
	return &p
}

// rulesNaming returns the rules that name syscall.
func rulesNaming(p *mobyseccomp.Seccomp, syscall string) []*mobyseccomp.Syscall {
	var out []*mobyseccomp.Syscall
	for _, r := range p.Syscalls {
		if slices.Contains(r.Names, syscall) {
			out = append(out, r)
		}
	}
	return out
}

func errnoOf(r *mobyseccomp.Syscall) uint {
	if r.ErrnoRet == nil {
		return 0
	}
	return *r.ErrnoRet
}

func TestGenerateDelta(t *testing.T) {
	tests := []struct {
		name string
		spec Spec
		// check is called on the decoded profile.
		check func(t *testing.T, p *mobyseccomp.Seccomp)
	}{
		{"deny removes the name from every rule and adds one EPERM rule", Spec{Deny: []string{"ptrace", "mount"}},
			func(t *testing.T, p *mobyseccomp.Seccomp) {
				for _, name := range []string{"ptrace", "mount"} {
					rules := rulesNaming(p, name)
					if len(rules) != 1 || rules[0].Action != specs.ActErrno || errnoOf(rules[0]) != 1 || rules[0].Comment != denyComment {
						t.Errorf("%s: rules %+v, want only the hardrun deny rule", name, rules)
					}
				}
				last := p.Syscalls[len(p.Syscalls)-1]
				if !slices.Equal(last.Names, []string{"mount", "ptrace"}) {
					t.Errorf("deny rule names = %q, want sorted [mount ptrace]", last.Names)
				}
			}},
		{"a rule left without names is dropped", Spec{Deny: []string{"process_vm_readv", "process_vm_writev", "ptrace"}},
			func(t *testing.T, p *mobyseccomp.Seccomp) {
				for _, r := range p.Syscalls {
					if r.Includes != nil && r.Includes.MinKernel != nil {
						t.Errorf("the minKernel 4.8 rule (ptrace, process_vm_*) survived: %+v", r)
					}
				}
			}},
		{"deny socket drops every argument-checked socket rule", Spec{Deny: []string{"socket"}},
			func(t *testing.T, p *mobyseccomp.Seccomp) {
				if rules := rulesNaming(p, "socket"); len(rules) != 1 || rules[0].Comment != denyComment {
					t.Errorf("socket rules = %d, want only the deny rule", len(rules))
				}
			}},
		{"deny wins over allow", Spec{Deny: []string{"ptrace"}, Allow: []string{"ptrace", "reboot"}},
			func(t *testing.T, p *mobyseccomp.Seccomp) {
				for _, r := range rulesNaming(p, "ptrace") {
					if permitting(r.Action) {
						t.Errorf("ptrace still allowed by %+v", r)
					}
				}
				allow := p.Syscalls[len(p.Syscalls)-2]
				if allow.Comment != allowComment || !slices.Equal(allow.Names, []string{"reboot"}) {
					t.Errorf("allow rule = %+v, want [reboot]", allow)
				}
			}},
		{"allow takes the name out of blocking rules", Spec{Allow: []string{"clone3"}},
			func(t *testing.T, p *mobyseccomp.Seccomp) {
				// Docker's clone3 ENOSYS rule comes first; left in place it
				// would win over the allow rule in libseccomp.
				for _, r := range rulesNaming(p, "clone3") {
					if !permitting(r.Action) {
						t.Errorf("clone3 still blocked by %+v", r)
					}
				}
			}},
		{"allow on strict", Spec{Base: BaseStrict, Allow: []string{"ptrace", "clone3"}},
			func(t *testing.T, p *mobyseccomp.Seccomp) {
				enosys := rulesNaming(p, "io_uring_setup")
				if len(enosys) != 1 || slices.Contains(enosys[0].Names, "clone3") {
					t.Errorf("ENOSYS rule = %+v, want it without clone3", enosys)
				}
				if rules := rulesNaming(p, "ptrace"); len(rules) != 1 || rules[0].Action != specs.ActAllow {
					t.Errorf("ptrace rules = %+v, want one allow rule", rules)
				}
			}},
		{"deny on strict of an ENOSYS name makes it EPERM", Spec{Base: BaseStrict, Deny: []string{"clone3"}},
			func(t *testing.T, p *mobyseccomp.Seccomp) {
				if rules := rulesNaming(p, "clone3"); len(rules) != 1 || errnoOf(rules[0]) != 1 {
					t.Errorf("clone3 rules = %+v, want one EPERM rule", rules)
				}
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.check(t, decode(t, generate(t, tc.spec)))
		})
	}
}

// TestGenerateLeavesBaseAlone checks that applying a delta does not write
// through to the cached base, which every later call shares.
func TestGenerateLeavesBaseAlone(t *testing.T) {
	for _, base := range []string{BaseDefault, BaseStrict} {
		t.Run(base, func(t *testing.T) {
			before := generate(t, Spec{Base: base})
			generate(t, Spec{Base: base, Deny: []string{"read", "socket", "clone", "clone3"}, Allow: []string{"reboot", "clone3"}})
			if after := generate(t, Spec{Base: base}); !bytes.Equal(before, after) {
				t.Error("the base profile changed after generating a delta")
			}
		})
	}
}

func TestStrictGroups(t *testing.T) {
	seen := map[string]string{}
	add := func(group string, names []string) {
		if !slices.IsSorted(names) {
			t.Errorf("%s: names not sorted", group)
		}
		for _, n := range names {
			if other, dup := seen[n]; dup {
				t.Errorf("%s: %q already in %s", group, n, other)
			}
			seen[n] = group
		}
	}
	for _, g := range strictGroups {
		add(g.comment, g.names)
	}
	add("strictENOSYS", strictENOSYS)
	for n := range seen {
		if err := ValidateSyscall(n); err != nil {
			t.Errorf("strict lists %q: %v", n, err)
		}
	}
}

// TestStrictIsSubsetOfDocker: strict must never allow what Docker's default
// does not allow under some condition.
func TestStrictIsSubsetOfDocker(t *testing.T) {
	added, removed, err := Diff(generate(t, Spec{Base: BaseStrict}))
	if err != nil {
		t.Fatal(err)
	}
	if len(added) != 0 {
		t.Errorf("strict allows syscalls Docker's default does not: %q", added)
	}
	for _, n := range []string{"mount", "unshare", "ptrace", "bpf", "setns", "chroot", "personality", "mknod"} {
		if !slices.Contains(removed, n) {
			t.Errorf("strict allows %s", n)
		}
	}
}

func BenchmarkGenerateDefaultDelta10(b *testing.B) {
	spec := Spec{Base: BaseDefault, Deny: append(slices.Clone(contractDeny), "io_uring_setup")}
	if len(spec.Deny) != 10 {
		b.Fatalf("delta has %d names, want 10", len(spec.Deny))
	}
	generate(b, spec) // warm the caches, as the first container start of a process does
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Generate(spec); err != nil {
			b.Fatal(err)
		}
	}
}

// TestGenerateConcurrent: hardrun may generate profiles from several
// goroutines; the shared caches must hold under the race detector.
func TestGenerateConcurrent(t *testing.T) {
	want := generate(t, goldenSpecs[1].spec)
	errs := make(chan error, 8)
	for range cap(errs) {
		go func() {
			got, err := Generate(goldenSpecs[1].spec)
			if err == nil && !bytes.Equal(got, want) {
				err = errors.New("concurrent Generate gave different bytes")
			}
			errs <- err
		}()
	}
	for range cap(errs) {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}
