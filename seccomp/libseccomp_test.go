//go:build linux && cgo

package seccomp

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/hardrun/hardrun/internal/golden"
)

// capSets are the final capability sets the golden profiles are compiled for:
// hardrun's usual cap-drop ALL, Docker's default set, and every capability
// Docker's profile has a conditional rule for (in the lower-case, unprefixed
// spelling, which Compile must normalize).
var capSets = []struct {
	name string
	caps []string
}{
	{"no capabilities", nil},
	{"docker default capabilities", []string{
		"CAP_AUDIT_WRITE", "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL",
		"CAP_MKNOD", "CAP_NET_BIND_SERVICE", "CAP_NET_RAW", "CAP_SETFCAP", "CAP_SETGID", "CAP_SETPCAP",
		"CAP_SETUID", "CAP_SYS_CHROOT",
	}},
	{"every conditional capability", []string{
		"bpf", "dac_read_search", "perfmon", "sys_admin", "sys_boot", "sys_chroot", "sys_module",
		"sys_nice", "sys_pacct", "sys_ptrace", "sys_rawio", "sys_time", "sys_tty_config", "syslog",
	}},
}

func TestCompileGolden(t *testing.T) {
	for _, g := range goldenSpecs {
		profile, err := os.ReadFile(goldenPath(g.file))
		if err != nil {
			t.Fatalf("read golden (create it with: go test ./seccomp -update): %v", err)
		}
		for _, cs := range capSets {
			t.Run(g.file+"/"+cs.name, func(t *testing.T) {
				if err := Compile(profile, cs.caps); err != nil {
					t.Errorf("Compile: %v", err)
				}
			})
		}
	}
}

// TestCompileGenerated compiles deltas that rearrange rules the most: every
// capability-conditional name allowed and denied.
func TestCompileGenerated(t *testing.T) {
	specs := []Spec{
		{Base: BaseDefault, Allow: []string{"clone3", "reboot", "socket"}},
		{Base: BaseDefault, Deny: []string{"clone", "clone3", "socket", "personality"}},
		{Base: BaseStrict, Allow: []string{"clone3", "ptrace", "socket"}, Deny: []string{"io_uring_setup", "read"}},
	}
	for i, s := range specs {
		profile := generate(t, s)
		for _, cs := range capSets {
			t.Run(fmt.Sprintf("%d/%s", i, cs.name), func(t *testing.T) {
				if err := Compile(profile, cs.caps); err != nil {
					t.Errorf("Compile(%+v): %v", s, err)
				}
			})
		}
	}
}

// TestCompileSkipsNamesNewerThanLibseccomp: a real syscall this libseccomp
// does not know is skipped, as runc skips it, not an error.
func TestCompileSkipsNamesNewerThanLibseccomp(t *testing.T) {
	var newer string
	for name := range dockerNames() {
		if !libseccompKnows(name) {
			newer = name
			break
		}
	}
	if newer == "" {
		t.Skip("this libseccomp knows every name in Docker's default profile")
	}
	profile := fmt.Sprintf(`{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["read",%q],"action":"SCMP_ACT_ALLOW"}]}`, newer)
	if err := Compile([]byte(profile), nil); err != nil {
		t.Errorf("Compile with %q: %v", newer, err)
	}
}

func TestCompileErrors(t *testing.T) {
	const head = `{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[`
	tests := []struct {
		name    string
		profile string
		wantErr string
	}{
		{"not JSON", `{"defaultAction":`, "resolve seccomp profile"},
		{"empty profile means no filter", `{}`, "the engine would apply no filter"},
		{"unknown default action", `{"defaultAction":"SCMP_ACT_DENY"}`, `unknown action "SCMP_ACT_DENY"`},
		{"unknown action", head + `{"names":["ptrace"],"action":"SCMP_ACT_REFUSE"}]}`, `unknown action "SCMP_ACT_REFUSE"`},
		{"unknown operator", head + `{"names":["socket"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":1,"op":"SCMP_CMP_LIKE"}]}]}`, `unknown operator "SCMP_CMP_LIKE"`},
		{"argument index too high", head + `{"names":["socket"],"action":"SCMP_ACT_ALLOW","args":[{"index":6,"value":1,"op":"SCMP_CMP_EQ"}]}]}`, "argument 6"},
		{"unknown architecture", `{"defaultAction":"SCMP_ACT_ERRNO","architectures":["SCMP_ARCH_Z80"]}`, `unknown architecture "SCMP_ARCH_Z80"`},
		{"unknown flag", `{"defaultAction":"SCMP_ACT_ERRNO","flags":["SECCOMP_FILTER_FLAG_FAST"]}`, `unknown seccomp flag "SECCOMP_FILTER_FLAG_FAST"`},
		{"unknown syscall", head + `{"names":["read","mkdri"],"action":"SCMP_ACT_ALLOW"}]}`, `unknown syscall "mkdri"`},
		{"empty syscall name", head + `{"names":["read",""],"action":"SCMP_ACT_ALLOW"}]}`, "empty syscall name"},
		{"errno the kernel would truncate", head + `{"names":["ptrace"],"action":"SCMP_ACT_ERRNO","errnoRet":70000}]}`, "errnoRet 70000"},
		{"both name and names", head + `{"name":"read","names":["write"],"action":"SCMP_ACT_ALLOW"}]}`, "both 'name' and 'names'"},
		{"notify without listener", head + `{"names":["mkdir"],"action":"SCMP_ACT_NOTIFY"}]}`, "needs a listenerPath"},
		{"notify as default", `{"defaultAction":"SCMP_ACT_NOTIFY","listenerPath":"/run/x.sock"}`, "default action SCMP_ACT_NOTIFY"},
		{"two unconditional actions", head + `{"names":["clone3"],"action":"SCMP_ACT_ERRNO","errnoRet":38},{"names":["clone3"],"action":"SCMP_ACT_ALLOW"}]}`,
			`syscall "clone3" has conflicting rules (SCMP_ACT_ERRNO(38) and SCMP_ACT_ALLOW)`},
		{"explicit deny equal to the default loses to an allow", head + `{"names":["ptrace"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":0,"op":"SCMP_CMP_EQ"}]},{"names":["ptrace"],"action":"SCMP_ACT_ERRNO"}]}`,
			`syscall "ptrace" has conflicting rules`},
		{"filter too long for the kernel", tooLongProfile(), "BPF instructions, the kernel loads at most 4096"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := Compile([]byte(tc.profile), nil)
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("Compile error = %v, want it to contain %q", err, tc.wantErr)
			}
		})
	}
}

// TestCompileAcceptsConditionalActions: different actions for different
// argument values of one syscall are meaningful, not a conflict.
func TestCompileAcceptsConditionalActions(t *testing.T) {
	profile := `{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[
		{"names":["socket"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":1,"op":"SCMP_CMP_EQ"}]},
		{"names":["socket"],"action":"SCMP_ACT_ERRNO","errnoRet":97,"args":[{"index":0,"value":16,"op":"SCMP_CMP_EQ"}]}]}`
	if err := Compile([]byte(profile), nil); err != nil {
		t.Errorf("Compile: %v", err)
	}
}

// tooLongProfile allows ioctl for thousands of argument values, one rule
// each: a valid profile whose BPF program the kernel would refuse. Values
// differ in both 32-bit halves, so each costs at least two comparisons.
func tooLongProfile() string {
	var b strings.Builder
	b.WriteString(`{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[`)
	for i := range uint64(2500) {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"names":["ioctl"],"action":"SCMP_ACT_ALLOW","args":[{"index":1,"value":%d,"op":"SCMP_CMP_EQ"}]}`, (i+1)<<32|i)
	}
	b.WriteString(`]}`)
	return b.String()
}

// TestSyscallNamesTable: the table ValidateSyscall reads is what this
// machine's libseccomp knows. After a libseccomp upgrade, regenerate it with
// go test ./seccomp -run TestSyscallNamesTable -update and review the diff.
func TestSyscallNamesTable(t *testing.T) {
	names := libseccompNames()
	if len(names) < 400 {
		t.Fatalf("libseccomp gave %d names; the enumeration is broken", len(names))
	}
	var b strings.Builder
	b.WriteString("// Code generated by TestSyscallNamesTable from libseccomp's tables; DO NOT EDIT.\n\n")
	b.WriteString("package seccomp\n\n")
	b.WriteString("// syscallNames is every name that is a syscall on a target architecture,\n")
	fmt.Fprintf(&b, "// sorted, from libseccomp %s.\n", libseccompVersion())
	b.WriteString("var syscallNames = [...]string{\n")
	for _, n := range names {
		fmt.Fprintf(&b, "\t%q,\n", n)
	}
	b.WriteString("}\n")
	golden.Check(t, "names_table.go", []byte(b.String()))
}

// TestSyscallNamesTableAgrees: the table and a lookup in libseccomp give the
// same answer for every name in the table, Docker's list and the typos.
func TestSyscallNamesTableAgrees(t *testing.T) {
	for _, n := range syscallNames {
		if !libseccompKnows(n) {
			t.Errorf("the table has %q, libseccomp does not know it", n)
		}
	}
	for _, n := range []string{"mkdri", "Read", "", "cachectl", "read ", "0"} {
		if knownSyscall(n) {
			t.Errorf("knownSyscall(%q) = true", n)
		}
	}
	for n := range dockerNames() {
		if libseccompKnows(n) != knownSyscall(n) {
			t.Errorf("%q: libseccomp knows it %v, the table %v", n, libseccompKnows(n), knownSyscall(n))
		}
	}
}
