package profiles

import (
	"errors"
	"slices"
	"testing"
)

// TestLoadErrors has one case per class of error a profile file can have,
// each asserting the exact FILE:LINE:COL: message lines.
func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		ref   string // loaded; "" = web
		want  []string
	}{
		{
			name:  "unknown key suggests through an alias",
			files: map[string]string{"web.yaml": "version: 1\ncapabilites: [NET_RAW]\n"},
			want:  []string{`web.yaml:2:1: unknown key "capabilites" (did you mean "cap_add"?)`},
		},
		{
			name:  "unknown key suggests a near miss",
			files: map[string]string{"web.yaml": "version: 1\nread_onyl: true\n"},
			want:  []string{`web.yaml:2:1: unknown key "read_onyl" (did you mean "read_only"?)`},
		},
		{
			name:  "unknown key dash for underscore",
			files: map[string]string{"web.yaml": "version: 1\nno-new-privileges: true\n"},
			want:  []string{`web.yaml:2:1: unknown key "no-new-privileges" (did you mean "no_new_privileges"?)`},
		},
		{
			name:  "unknown key at the wrong level",
			files: map[string]string{"web.yaml": "version: 1\nmem_limit: 1g\n"},
			want:  []string{`web.yaml:2:1: unknown key "mem_limit" (did you mean "limits.memory"?)`},
		},
		{
			name:  "unknown key in a section",
			files: map[string]string{"web.yaml": "version: 1\nseccomp:\n  bse: strict\n"},
			want:  []string{`web.yaml:3:3: unknown key "bse" in seccomp (did you mean "base"?)`},
		},
		{
			name:  "unknown key far from any",
			files: map[string]string{"web.yaml": "version: 1\nwhatever: 1\n"},
			want:  []string{`web.yaml:2:1: unknown key "whatever"`},
		},
		{
			name:  "wrong type string for boolean",
			files: map[string]string{"web.yaml": "version: 1\nenforce: \"yes\"\n"},
			want:  []string{`web.yaml:2:10: enforce: want a boolean (true or false), got string "yes"`},
		},
		{
			name:  "wrong type string for list",
			files: map[string]string{"web.yaml": "version: 1\ncap_drop: ALL\n"},
			want:  []string{`web.yaml:2:11: cap_drop: want a list of strings, got string "ALL"`},
		},
		{
			name:  "wrong type list for section",
			files: map[string]string{"web.yaml": "version: 1\nseccomp: [mount]\n"},
			want:  []string{`web.yaml:2:10: seccomp: want a mapping, got a list`},
		},
		{
			name:  "wrong type string for integer",
			files: map[string]string{"web.yaml": "version: 1\nlimits:\n  pids: lots\n"},
			want:  []string{`web.yaml:3:9: limits.pids: want an integer, got string "lots"`},
		},
		{
			name:  "wrong type number in a list",
			files: map[string]string{"web.yaml": "version: 1\nrestart_allow: [no, 5]\n"},
			want:  []string{`web.yaml:2:21: restart_allow[1]: want a string, got integer 5`},
		},
		{
			name:  "null for a list",
			files: map[string]string{"web.yaml": "version: 1\ncap_add:\n"},
			want:  []string{`web.yaml:2:1: cap_add: want a list of strings, got null (write [] for an empty list)`},
		},
		{
			name:  "null for a requirement",
			files: map[string]string{"web.yaml": "version: 1\nread_only: ~\n"},
			want:  []string{`web.yaml:2:1: read_only: want a boolean, got null`},
		},
		{
			name:  "unknown capability",
			files: map[string]string{"web.yaml": "version: 1\ncap_add: [chown, CAP_NET_RAWW]\n"},
			want:  []string{`web.yaml:2:18: unknown capability "CAP_NET_RAWW" (did you mean "NET_RAW"?)`},
		},
		{
			name:  "CAP_ALL is not a capability",
			files: map[string]string{"web.yaml": "version: 1\ncap_drop: [CAP_ALL]\n"},
			want:  []string{`web.yaml:2:12: unknown capability "CAP_ALL"`},
		},
		{
			name:  "unknown syscall",
			files: map[string]string{"web.yaml": "version: 1\nseccomp:\n  deny:\n    - mount\n    - ptrce\n"},
			want:  []string{`web.yaml:5:7: unknown syscall "ptrce"`},
		},
		{
			name:  "bad size",
			files: map[string]string{"web.yaml": "version: 1\nlimits:\n  memory: 512q\n"},
			want:  []string{`web.yaml:3:11: limits.memory: bad size "512q": want bytes or a number with a unit b, k, m, g, t (e.g. 512m)`},
		},
		{
			name:  "size in exponent notation",
			files: map[string]string{"web.yaml": "version: 1\nlimits:\n  shm_size: 1e9\n"},
			want:  []string{`web.yaml:3:13: limits.shm_size: bad size "1e9": want bytes or a number with a unit b, k, m, g, t (e.g. 512m)`},
		},
		{
			name:  "memory below the engine minimum",
			files: map[string]string{"web.yaml": "version: 1\nmax:\n  memory: 4m\n"},
			want:  []string{`web.yaml:3:11: max.memory: bad size "4m": the engine's minimum memory limit is 6m`},
		},
		{
			name:  "bad cpus",
			files: map[string]string{"web.yaml": "version: 1\nlimits:\n  cpus: \"one\"\nmax:\n  cpus: 0\n"},
			want: []string{
				`web.yaml:3:9: limits.cpus: bad cpus "one": want a positive decimal number of CPUs (e.g. "1.5")`,
				`web.yaml:5:9: max.cpus: bad cpus "0": want a positive decimal number of CPUs (e.g. "1.5")`,
			},
		},
		{
			name:  "unknown ulimit",
			files: map[string]string{"web.yaml": "version: 1\nlimits:\n  ulimits: {nofiles: 10}\n"},
			want:  []string{`web.yaml:3:13: limits.ulimits: unknown ulimit "nofiles" (did you mean "nofile"?)`},
		},
		{
			name:  "bad ulimit value",
			files: map[string]string{"web.yaml": "version: 1\nlimits:\n  ulimits:\n    nofile: \"10:x\"\n    core: \"5:1\"\n"},
			want: []string{
				`web.yaml:4:13: limits.ulimits.nofile: bad ulimit nofile "10:x": want "soft:hard" or one number (-1 = unlimited)`,
				`web.yaml:5:11: limits.ulimits.core: bad ulimit core "5:1": soft limit above hard limit`,
			},
		},
		{
			name:  "out of range integer",
			files: map[string]string{"web.yaml": "version: 1\nlimits:\n  cpu_shares: 1\n"},
			want:  []string{`web.yaml:3:15: limits.cpu_shares: 1 is out of range (want 2 to 262144)`},
		},
		{
			name: "bad enumeration values",
			files: map[string]string{"web.yaml": `version: 1
seccomp: {base: hard}
apparmor: {mode: reqired}
volumes: {default_mode: wo}
namespaces_allow_host: [net]
restart_allow: [allways]
network: {allow: [bridge, bridg, "container:[", host]}
`},
			want: []string{
				`web.yaml:2:17: seccomp.base: unknown value "hard" (want default, strict or unconfined)`,
				`web.yaml:3:18: apparmor.mode: unknown value "reqired" (want required, if-available or off) (did you mean "required"?)`,
				`web.yaml:4:25: volumes.default_mode: unknown value "wo" (want ro or rw) (did you mean "ro"?)`,
				`web.yaml:5:25: namespaces_allow_host[0]: unknown value "net" (want pid, ipc, uts, userns or cgroupns)`,
				`web.yaml:6:17: restart_allow[0]: unknown value "allways" (want no, on-failure, always or unless-stopped) (did you mean "always"?)`,
				`web.yaml:7:27: network.allow[1]: unknown network "bridg" (want bridge, none, host, user-defined or container:NAME; globs allowed after container:) (did you mean "bridge"?)`,
				`web.yaml:7:34: network.allow[2]: bad container pattern "container:[": want container:NAME or container:*`,
			},
		},
		{
			name:  "bad paths",
			files: map[string]string{"web.yaml": "version: 1\ntmpfs: [tmp]\nvolumes:\n  allow_rw: [\"$HOME/src\", src]\n"},
			want: []string{
				`web.yaml:2:9: tmpfs[0]: bad tmpfs "tmp": want /absolute/path[:options]`,
				`web.yaml:4:14: volumes.allow_rw[0]: bad pattern "$HOME/src": only a leading $PWD (the caller's working directory) is expanded`,
				`web.yaml:4:27: volumes.allow_rw[1]: bad pattern "src": want an absolute path`,
			},
		},
		{
			name:  "unsupported version",
			files: map[string]string{"web.yaml": "version: 2\n"},
			want:  []string{`web.yaml:1:10: version: unsupported version 2 (this hardrun reads version 1)`},
		},
		{
			name:  "missing version",
			files: map[string]string{"web.yaml": "# a comment\nname: web\n"},
			want:  []string{`web.yaml:2:1: missing required key "version" (write "version: 1")`},
		},
		{
			name:  "empty file",
			files: map[string]string{"web.yaml": "# nothing\n"},
			want:  []string{`web.yaml:1:1: empty profile: want a mapping that starts with "version: 1"`},
		},
		{
			name:  "name differs from the file name",
			files: map[string]string{"web.yaml": "version: 1\nname: webb\n"},
			want:  []string{`web.yaml:2:7: name: "webb" does not match the file name (want "web")`},
		},
		{
			name:  "syntax error",
			files: map[string]string{"web.yaml": "version: 1\ncap_add: [NET_RAW\nread_only: true\n"},
			want:  []string{`web.yaml:3:1: ',' or ']' must be specified`},
		},
		{
			name:  "duplicate key",
			files: map[string]string{"web.yaml": "version: 1\nread_only: true\nread_only: false\n"},
			want:  []string{`web.yaml:3:1: mapping key "read_only" already defined at [2:1]`},
		},
		{
			name:  "aliases tags and merge keys",
			files: map[string]string{"web.yaml": "version: 1\ncap_add: &caps [CHOWN]\ncap_allow: *caps\nuser: !!str 1000\n<<: {init: true}\n"},
			want: []string{
				`web.yaml:3:12: YAML aliases (*caps) are not supported`,
				`web.yaml:4:7: YAML tags (!!str) are not supported`,
				`web.yaml:5:1: merge keys (<<) are not supported: use extends`,
			},
		},
		{
			name:  "second document",
			files: map[string]string{"web.yaml": "version: 1\n---\nversion: 1\n"},
			want:  []string{`web.yaml:3:1: a profile file holds one YAML document, this is a second one`},
		},
		{
			name: "every error of a file, sorted",
			files: map[string]string{"web.yaml": `version: 1
seccomp:
  deny: [nope]
cap_add: [FOO]
privilegd: true
`},
			want: []string{
				`web.yaml:3:10: unknown syscall "nope"`,
				`web.yaml:4:11: unknown capability "FOO"`,
				`web.yaml:5:1: unknown key "privilegd" (did you mean "privileged"?)`,
			},
		},
		{
			name:  "limits above max",
			files: map[string]string{"web.yaml": "version: 1\nlimits: {memory: 4g, cpus: 3, pids: 2000}\nmax: {memory: 2g, cpus: \"2.0\", pids: 1000}\n"},
			want: []string{
				`web.yaml:2:18: limits.memory 4g is above max.memory 2g`,
				`web.yaml:2:28: limits.cpus 3 is above max.cpus 2.0`,
				`web.yaml:2:37: limits.pids 2000 is above max.pids 1000`,
			},
		},
		{
			name:  "swap below memory",
			files: map[string]string{"web.yaml": "version: 1\nlimits:\n  memory: 1g\n  memory_swap: 512m\n"},
			want:  []string{`web.yaml:4:16: limits.memory_swap 512m is below limits.memory 1g (memory_swap is memory plus swap; -1 is unlimited)`},
		},
		{
			name:  "network default not permitted",
			files: map[string]string{"web.yaml": "version: 1\nnetwork:\n  default: host\n"},
			want:  []string{`web.yaml:3:12: network.default "host" is not permitted by network.allow (add "host")`},
		},
		{
			name:  "syscall denied and allowed",
			files: map[string]string{"web.yaml": "version: 1\nseccomp:\n  deny: [ptrace]\n  allow: [ptrace]\n"},
			want:  []string{`web.yaml:4:10: syscall "ptrace" is in both seccomp.deny and seccomp.allow`},
		},
		{
			name:  "root user without allow_root",
			files: map[string]string{"web.yaml": "version: 1\nuser: \"0:0\"\n"},
			want: []string{
				`web.yaml:2:7: user "0:0" has group 0, which allow_root_group: false refuses`,
				`web.yaml:2:7: user "0:0" is root, which allow_root: false refuses`,
			},
		},
		{
			name: "extends cycle",
			files: map[string]string{
				"web.yaml":  "version: 1\nextends: base\n",
				"base.yaml": "version: 1\nextends: web\n",
			},
			want: []string{`base.yaml:2:10: extends: cycle: web (web.yaml) -> base (base.yaml) -> web (web.yaml)`},
		},
		{
			name:  "extends itself with nothing below",
			files: map[string]string{"app.yaml": "version: 1\nextends: app\n"},
			ref:   "app",
			want:  []string{`app.yaml:2:10: extends: no profile "app" after app.yaml in the search order (searched /nonexistent/hardrun/profiles, built-in)`},
		},
		{
			name:  "extends a missing parent",
			files: map[string]string{"web.yaml": "version: 1\nextends: nope\n"},
			want:  []string{`web.yaml:2:10: extends: profile "nope" not found (searched DIR, /nonexistent/hardrun/profiles, built-in)`},
		},
		{
			name: "errors of the parent",
			files: map[string]string{
				"web.yaml":  "version: 1\nextends: base\n",
				"base.yaml": "version: 1\nread_only: maybe\n",
			},
			want: []string{`base.yaml:2:12: read_only: want a boolean (true or false), got string "maybe"`},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			writeFiles(t, dir, tc.files)
			ref := tc.ref
			if ref == "" {
				ref = "web"
			}
			_, err := testLoader(t, dir).Load(ref)
			if got := errLines(err, dir); !slices.Equal(got, tc.want) {
				t.Errorf("Load errors:\n got %q\nwant %q", got, tc.want)
			}
			var e *Error
			if err != nil && !errors.As(err, &e) {
				t.Errorf("errors.As(%v, *Error) = false", err)
			}
		})
	}
}
