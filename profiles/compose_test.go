package profiles

import (
	"reflect"
	"slices"
	"strings"
	"testing"
)

// defaultDeny is the built-in default's seccomp.deny.
var defaultDeny = []string{"keyctl", "add_key", "request_key", "ptrace", "unshare", "mount", "umount2", "bpf", "perf_event_open"}

// TestMergeRules checks each rule of contract section 4, "How extends
// merges", as a change to the built-in default (or to the schema defaults
// for a profile without extends).
func TestMergeRules(t *testing.T) {
	tests := []struct {
		name string
		yaml string // app.yaml after "version: 1\n"
		base string // "default", or "" for the schema defaults
		want func(p *Profile)
	}{
		{
			name: "seccomp.deny accumulates",
			yaml: "extends: default\nseccomp:\n  deny: [chroot]\n",
			base: "default",
			want: func(p *Profile) { p.Seccomp.Deny = append(slices.Clone(defaultDeny), "chroot") },
		},
		{
			name: "cap_drop accumulates",
			yaml: "extends: default\ncap_drop: [NET_RAW]\n",
			base: "default",
			want: func(p *Profile) { p.CapDrop = []string{"ALL", "NET_RAW"} },
		},
		{
			name: "volumes.deny accumulates",
			yaml: "extends: base\nvolumes:\n  deny: [/srv/**]\n",
			base: "",
			want: func(p *Profile) { p.Volumes.Deny = []string{"/data/**", "/srv/**"} },
		},
		{
			name: "apparmor.deny_write accumulates",
			yaml: "extends: default\napparmor:\n  deny_write: [/etc/**]\n",
			base: "default",
			want: func(p *Profile) { p.AppArmor.DenyWrite = []string{"/proc/sys/**", "/sys/**", "/etc/**"} },
		},
		{
			name: "a repeated item is kept once",
			yaml: "extends: default\nseccomp:\n  deny: [ptrace, chroot]\n",
			base: "default",
			want: func(p *Profile) { p.Seccomp.Deny = append(slices.Clone(defaultDeny), "chroot") },
		},
		{
			name: "permission lists replace",
			yaml: "extends: default\ncap_allow: [NET_RAW]\nnetwork:\n  allow: [none, user-defined]\nimages:\n  allow: [\"registry.example/*\"]\nlogging_allow: [json-file]\nvolumes:\n  drivers_allow: []\n",
			base: "default",
			want: func(p *Profile) {
				p.CapAllow, p.Network.Allow, p.Images.Allow = []string{"NET_RAW"}, []string{"none", "user-defined"}, []string{"registry.example/*"}
				p.LoggingAllow, p.Volumes.DriversAllow = []string{"json-file"}, []string{}
			},
		},
		{
			name: "tmpfs merges by target",
			yaml: "extends: default\ntmpfs: [/var/cache/app]\n",
			base: "default",
			want: func(p *Profile) { p.Tmpfs = append(p.Tmpfs, "/var/cache/app") },
		},
		{
			name: "tmpfs for the same target replaces in place",
			yaml: "extends: default\ntmpfs: [\"/tmp/:size=8m\", /run]\n",
			base: "default",
			want: func(p *Profile) { p.Tmpfs = []string{"/tmp/:size=8m", "/run"} },
		},
		{
			name: "memory alone: memory_swap follows, no swap gained",
			yaml: "extends: default\nlimits:\n  memory: 128m\n",
			base: "default",
			want: func(p *Profile) { p.Limits.Memory, p.Limits.MemorySwap = "128m", "128m" },
		},
		{
			name: "memory alone keeps the parent's amount of swap",
			yaml: "extends: base\nlimits:\n  memory: 256m\n",
			base: "",
			want: func(p *Profile) { p.Limits.Memory, p.Limits.MemorySwap = "256m", "320m" },
		},
		{
			name: "memory and memory_swap both set: as written",
			yaml: "extends: default\nlimits:\n  memory: 128m\n  memory_swap: 1g\n",
			base: "default",
			want: func(p *Profile) { p.Limits.Memory, p.Limits.MemorySwap = "128m", "1g" },
		},
		{
			name: "a lowered max brings the limit and its swap down",
			yaml: "extends: default\nmax:\n  memory: 256m\n  cpus: \"0.5\"\n  pids: 64\n",
			base: "default",
			want: func(p *Profile) {
				p.Max = Max{Memory: "256m", CPUs: "0.5", Pids: 64}
				p.Limits.Memory, p.Limits.MemorySwap, p.Limits.CPUs, p.Limits.Pids = "256m", "256m", "0.5", 64
			},
		},
		{
			name: "seccomp.allow removes from the inherited deny",
			yaml: "extends: default\nseccomp:\n  allow: [ptrace]\n",
			base: "default",
			want: func(p *Profile) {
				p.Seccomp.Deny = slices.DeleteFunc(slices.Clone(defaultDeny), func(s string) bool { return s == "ptrace" })
				p.Seccomp.Allow = []string{"ptrace"}
			},
		},
		{
			name: "cap_add removes from the inherited cap_drop",
			yaml: "extends: base\ncap_add: [NET_RAW]\n",
			base: "",
			want: func(p *Profile) { p.CapDrop, p.CapAdd = []string{"ALL"}, []string{"NET_RAW"} },
		},
		{
			name: "a denied syscall leaves the inherited allow",
			yaml: "extends: dev\nseccomp:\n  deny: [ptrace]\n",
			base: "default",
			want: func(p *Profile) {
				p.CapAllow = []string{"SYS_PTRACE"}
				p.Volumes.AllowRW = []string{"$PWD", "$PWD/**"}
				p.Seccomp.Deny = append(slices.DeleteFunc(slices.Clone(defaultDeny), func(s string) bool { return s == "ptrace" }), "ptrace")
			},
		},
		{
			name: "a dropped capability leaves the inherited cap_add and cap_allow",
			yaml: "extends: dev\ncap_drop: [NET_BIND_SERVICE, SYS_PTRACE]\n",
			base: "default",
			want: func(p *Profile) {
				p.CapDrop, p.CapAdd, p.CapAllow = []string{"ALL", "NET_BIND_SERVICE", "SYS_PTRACE"}, []string{}, []string{}
				p.Volumes.AllowRW = []string{"$PWD", "$PWD/**"}
				p.Seccomp.Deny = slices.DeleteFunc(slices.Clone(defaultDeny), func(s string) bool { return s == "ptrace" })
				p.Seccomp.Allow = []string{"ptrace"}
			},
		},
		{
			name: "!override replaces a restriction list",
			yaml: "extends: default\nseccomp:\n  deny: !override [bpf]\n",
			base: "default",
			want: func(p *Profile) { p.Seccomp.Deny = []string{"bpf"} },
		},
		{
			name: "!override replaces tmpfs",
			yaml: "extends: default\ntmpfs: !override []\n",
			base: "default",
			want: func(p *Profile) { p.Tmpfs = []string{} },
		},
		{
			name: "without extends the schema defaults are replaced",
			yaml: "cap_drop: []\napparmor:\n  deny_write: []\n",
			base: "",
			want: func(p *Profile) { p.CapDrop, p.AppArmor.DenyWrite = []string{}, []string{} },
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			writeFiles(t, dir, map[string]string{
				"app.yaml": "version: 1\n" + tc.yaml,
				// base: the schema defaults plus a few values the rules need.
				"base.yaml": "version: 1\nvolumes:\n  deny: [/data/**]\ncap_drop: [ALL, NET_RAW]\nlimits:\n  memory: 128m\n  memory_swap: 192m\n",
			})
			got, err := testLoader(t, dir).Load("app")
			if err != nil {
				t.Fatal(err)
			}
			want := extendsBase(t, tc.base)
			if strings.HasPrefix(tc.yaml, "extends: base") {
				want.Volumes.Deny, want.CapDrop = []string{"/data/**"}, []string{"ALL", "NET_RAW"}
				want.Limits.Memory, want.Limits.MemorySwap = "128m", "192m"
			}
			tc.want(want)
			if a, b := content(got), content(want); !reflect.DeepEqual(a, b) {
				t.Errorf("Load(app):\n got %+v\nwant %+v", a, b)
			}
		})
	}
}

// TestMergeErrors: contradictions the merge rules do not settle silently.
func TestMergeErrors(t *testing.T) {
	tests := []struct {
		name, yaml, want string
	}{
		{"deny and allow in one file", "extends: default\nseccomp:\n  deny: [chroot]\n  allow: [chroot]\n",
			`app.yaml:5:10: syscall "chroot" is in both seccomp.deny and seccomp.allow`},
		{"drop and add in one file", "extends: default\ncap_drop: [NET_RAW]\ncap_add: [NET_RAW]\n",
			`app.yaml:4:10: capability "NET_RAW" is in both cap_drop and cap_add (the add would win)`},
		{"!override on a permission list", "extends: default\ncap_allow: !override [NET_RAW]\n",
			`app.yaml:3:12: cap_allow: !override applies only to lists that extends merges (apparmor.deny_write, cap_drop, seccomp.deny, tmpfs, volumes.deny)`},
		{"another tag", "extends: default\ncap_drop: !reset []\n", `app.yaml:3:11: YAML tags (!reset) are not supported`},
		{"a raised limit still meets its ceiling", "extends: default\nlimits:\n  memory: 4g\n  memory_swap: 4g\n",
			`app.yaml:4:11: limits.memory 4g is above max.memory 2g`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			writeFiles(t, dir, map[string]string{"app.yaml": "version: 1\n" + tc.yaml})
			_, err := testLoader(t, dir).Load("app")
			if got := errLines(err, dir); !slices.Equal(got, []string{tc.want}) {
				t.Errorf("Load errors:\n got %q\nwant %q", got, tc.want)
			}
		})
	}
}

func TestWeakenings(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		ref   string
		want  []string
	}{
		{
			name: "built-in dev",
			ref:  "dev",
			want: []string{
				`built-in/dev.yaml:10:12: weakening: cap_allow: "SYS_PTRACE" added (dev extends default)`,
				`built-in/dev.yaml:16:10: weakening: seccomp.deny: "ptrace" removed (dev extends default)`,
				`built-in/dev.yaml:16:10: weakening: seccomp.allow: "ptrace" added (dev extends default)`,
				`built-in/dev.yaml:21:13: weakening: volumes.allow_rw: "$PWD" added (dev extends default)`,
				`built-in/dev.yaml:21:13: weakening: volumes.allow_rw: "$PWD/**" added (dev extends default)`,
			},
		},
		{
			name:  "adding a restriction weakens nothing",
			files: map[string]string{"app.yaml": "version: 1\nextends: default\nseccomp:\n  deny: [chroot]\n"},
			ref:   "app",
		},
		{
			name:  "!override names what it drops",
			files: map[string]string{"app.yaml": "version: 1\nextends: default\napparmor:\n  deny_write: !override [/sys/**]\n"},
			ref:   "app",
			want:  []string{`app.yaml:4:15: weakening: apparmor.deny_write: "/proc/sys/**" removed (app extends default)`},
		},
		{
			name: "a grandchild that takes it back clears it",
			files: map[string]string{
				"mid.yaml": "version: 1\nextends: default\nseccomp:\n  allow: [ptrace]\n",
				"app.yaml": "version: 1\nextends: mid\nseccomp:\n  deny: [ptrace]\n",
			},
			ref: "app",
		},
		{
			name: "a limit restored in part is still a weakening, from the original value",
			files: map[string]string{
				"mid.yaml": "version: 1\nextends: default\nlimits:\n  pids: 1000\n",
				"app.yaml": "version: 1\nextends: mid\nlimits:\n  pids: 500\n",
			},
			ref:  "app",
			want: []string{`mid.yaml:4:9: weakening: limits.pids: 256 -> 500 (mid extends default)`},
		},
		{
			name: "a limit restored beyond the original is no weakening",
			files: map[string]string{
				"mid.yaml": "version: 1\nextends: default\nlimits:\n  pids: 1000\n",
				"app.yaml": "version: 1\nextends: mid\nlimits:\n  pids: 100\n",
			},
			ref: "app",
		},
		{
			name: "loosened again: the latest profile is named, from the original value",
			files: map[string]string{
				"mid.yaml": "version: 1\nextends: default\nlimits:\n  pids: 1000\n",
				"app.yaml": "version: 1\nextends: mid\nlimits:\n  pids: 1020\n",
			},
			ref:  "app",
			want: []string{`app.yaml:4:9: weakening: limits.pids: 256 -> 1020 (app extends mid)`},
		},
		{
			name:  "relaxed requirements and limits",
			files: map[string]string{"app.yaml": "version: 1\nextends: default\nread_only: false\nlimits:\n  pids: 1000\nmax: null\n"},
			ref:   "app",
			want: []string{
				`app.yaml:3:12: weakening: read_only: true -> false (app extends default)`,
				`app.yaml:5:9: weakening: limits.pids: 256 -> 1000 (app extends default)`,
				`app.yaml:6:6: weakening: max.memory: 2g -> (unset) (app extends default)`,
				`app.yaml:6:6: weakening: max.cpus: 2.0 -> (unset) (app extends default)`,
				`app.yaml:6:6: weakening: max.pids: 1024 -> (unset) (app extends default)`,
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			writeFiles(t, dir, tc.files)
			p, err := testLoader(t, dir).Load(tc.ref)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, w := range p.Weakenings() {
				got = append(got, strings.ReplaceAll(w.String(), dir+"/", ""))
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("Weakenings():\n got %q\nwant %q", got, tc.want)
			}
		})
	}
}

func TestWarnings(t *testing.T) {
	tests := []struct {
		name string
		yaml string // app.yaml after "version: 1\n"
		want []string
	}{
		{"root with SETUID and no KILL", "allow_root: true\ncap_add: [SETUID, SETGID]\n",
			[]string{"app.yaml:3:10: warning: a root user with SETUID or SETGID but no KILL: once the init process changes user it cannot signal its children, so `docker stop` kills instead of stopping (add KILL to cap_add)"}},
		{"root with SETUID and KILL", "allow_root: true\ncap_add: [SETUID, KILL]\n", nil},
		{"SETUID without root", "cap_add: [SETUID]\n", nil},
		{"root with docker's default capabilities", "allow_root: true\ncap_drop: [NET_RAW]\n", nil},
		{"root with a writable root filesystem", "allow_root: true\nallow_root_group: true\nread_only: false\n",
			[]string{"app.yaml:4:12: warning: allow_root with read_only: false: a root process can rewrite the image's binaries and libraries, and the change outlives a restart (set read_only: true and give it tmpfs scratch space)"}},
		{"a writable root filesystem while root is refused", "read_only: false\n",
			[]string{"app.yaml:2:12: warning: read_only: false while uid 0 or group 0 is refused: every container is refused unless the caller gives --read-only (the engine resolves the user from /etc/passwd and /etc/group again at every start, exec and health check, and a writable root file system lets the container rewrite them)"}},
		{"an nproc ulimit", "limits:\n  ulimits: {nproc: 100}\n",
			[]string{"app.yaml:3:12: warning: limits.ulimits.nproc counts every process of the uid on the host, across containers: containers sharing a user exhaust one another's limit (use limits.pids, which is per container)"}},
		{"an empty merged list in a child", "extends: default\nvolumes:\n  deny: []\n",
			[]string{"app.yaml:4:9: warning: volumes.deny: [] removes nothing: through extends this list merges with the inherited one; write `deny: !override []` to drop the inherited entries (a weakening)"}},
		{"the built-in's own trade-offs are not repeated", "extends: default\n", nil},
		{"nothing is enforced under enforce: false", "enforce: false\nallow_root: true\nread_only: false\n", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			writeFiles(t, dir, map[string]string{"app.yaml": "version: 1\n" + tc.yaml})
			p, err := testLoader(t, dir).Load("app")
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, w := range p.Warnings() {
				got = append(got, strings.ReplaceAll(w.String(), dir+"/", ""))
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("Warnings():\n got %q\nwant %q", got, tc.want)
			}
		})
	}
}
