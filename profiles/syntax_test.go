package profiles

import (
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestValidateRejectsWhatRunRejects: every value the engine, runc or the
// kernel would refuse at run time is refused at FILE:LINE:COL.
func TestValidateRejectsWhatRunRejects(t *testing.T) {
	tests := []struct {
		name, yaml, want string
	}{
		{"network mode typo", "network:\n  default: isolate\n",
			`app.yaml:3:12: network.default: unknown network mode "isolate" (did you mean "isolated"? a user-defined network may not be named one letter away from a mode)`},
		{"tmpfs option typo", "tmpfs: [\"/tmp:rw,noexek\"]\n",
			`app.yaml:2:9: tmpfs[0]: bad tmpfs "/tmp:rw,noexek": unknown option "noexek" (did you mean "noexec"?)`},
		{"tmpfs unknown data option", "tmpfs: [\"/tmp:sz=1m\"]\n",
			`app.yaml:2:9: tmpfs[0]: bad tmpfs "/tmp:sz=1m": unknown option "sz" (want size, mode, uid, gid, nr_inodes, nr_blocks or mpol)`},
		{"tmpfs bad size", "tmpfs: [\"/tmp:size=12q\"]\n", `app.yaml:2:9: tmpfs[0]: bad tmpfs "/tmp:size=12q": bad value "12q" for size`},
		{"tmpfs bad mode", "tmpfs: [\"/tmp:mode=1999\"]\n", `app.yaml:2:9: tmpfs[0]: bad tmpfs "/tmp:mode=1999": bad value "1999" for mode`},
		{"tmpfs bind", "tmpfs: [\"/tmp:bind\"]\n", `app.yaml:2:9: tmpfs[0]: bad tmpfs "/tmp:bind": unknown option "bind"`},
		{"tmpfs on /", "tmpfs: [\"/:size=1m\"]\n", `app.yaml:2:9: tmpfs[0]: bad tmpfs "/:size=1m": the engine refuses a tmpfs on /`},
		{"tmpfs twice", "tmpfs: [/tmp, \"/tmp/:size=1m\"]\n", `app.yaml:2:8: tmpfs: two entries for /tmp`},
		{"host sysctl", "sysctls_allow: [kernel.panic]\n",
			`app.yaml:2:17: sysctls_allow[0]: sysctl "kernel.panic" is not namespaced: the engine refuses it (want kernel.msg*, kernel.sem, kernel.shm*, fs.mqueue.*, net.*, kernel.hostname or kernel.domainname)`},
		{"sysctl glob matching nothing", "sysctls_allow: [\"vm.*\"]\n",
			`app.yaml:2:17: sysctls_allow[0]: sysctl pattern "vm.*" matches no namespaced sysctl: the engine refuses every name it permits`},
		{"log driver typo", "logging:\n  driver: json-fille\n",
			`app.yaml:3:11: logging.driver: unknown log driver "json-fille" (want json-file, local, none, syslog, journald, gelf, fluentd, awslogs, splunk, etwlogs or gcplogs, or a plugin as NAME:TAG) (did you mean "json-file"?)`},
		{"log option unknown", "logging:\n  driver: local\n  options: {max-sise: 1m}\n",
			`app.yaml:4:12: logging.options: unknown option "max-sise" for log driver local (did you mean "max-size"?)`},
		{"log option bad value", "logging:\n  driver: json-file\n  options: {max-file: zero, max-size: 1m}\n",
			`app.yaml:4:12: logging.options: bad value "zero" for log option max-file`},
		{"log options on none", "logging:\n  driver: none\n  options: {max-size: 1m}\nlogging_allow: [none]\n",
			`app.yaml:4:12: logging.options: log driver none takes no options`},
		{"max-file without max-size", "logging:\n  driver: json-file\n  options: {max-file: \"3\"}\n",
			`app.yaml:4:12: logging.options: max-file needs max-size (the engine refuses it otherwise)`},
		{"log driver not permitted", "logging:\n  driver: syslog\n",
			`app.yaml:3:11: logging.driver "syslog" is not permitted by logging_allow (add it)`},
		{"restart value", "restart_allow: [on-failure:3]\n",
			`app.yaml:2:17: restart_allow[0]: unknown value "on-failure:3" (want no, on-failure, always or unless-stopped) (did you mean "on-failure"?)`},
		{"bad size", "limits:\n  shm_size: 64x\n", `app.yaml:3:13: limits.shm_size: bad size "64x": want bytes or a number with a unit b, k, m, g, t (e.g. 512m)`},
		{"bad glob", "devices_allow: [\"/dev/[\"]\n", `app.yaml:2:17: devices_allow[0]: bad pattern "/dev/[": syntax error in pattern`},
		{"root group", "user: \"1000:0\"\n", `app.yaml:2:7: user "1000:0" has group 0, which allow_root_group: false refuses`},
		{"relative signature key", "images:\n  signatures:\n    keys: [cosign.pub]\n",
			`app.yaml:4:12: images.signatures.keys[0]: bad key file "cosign.pub": want a clean absolute path, no pattern`},
		{"volume driver with a space", "volumes:\n  drivers_allow: [\"my driver\"]\n", `app.yaml:3:19: volumes.drivers_allow[0]: bad volume driver "my driver"`},
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

// TestValidateAcceptsWhatRunAccepts keeps the checks from refusing what
// the engine takes.
func TestValidateAcceptsWhatRunAccepts(t *testing.T) {
	yaml := `version: 1
network:
  default: my-net
tmpfs: ["/tmp:rw,exec,nosuid,size=64m,mode=1777,uid=1000,gid=1000,nr_inodes=10k", "/run:size=10%", "/data:mpol=bind:0-1"]
sysctls_allow: [net.ipv4.ip_forward, "net.ipv4.*", kernel.shmmax, "fs.mqueue.*", "kernel.msg*", "*"]
logging:
  driver: grafana/loki-docker-driver:latest
  options: {loki-url: "http://x", mode: non-blocking}
logging_allow: ["grafana/*", json-file]
volumes:
  drivers_allow: [local, "rexray/*"]
images:
  signatures:
    keys: [/etc/hardrun/keys/cosign.pub]
`
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"app.yaml": yaml})
	if _, err := testLoader(t, dir).Load("app"); err != nil {
		t.Fatal(err)
	}
}

func TestParseTmpfs(t *testing.T) {
	got, err := ParseTmpfs("/var//cache/:rw,noexec,size=64m")
	want := Tmpfs{Target: "/var/cache", Options: []string{"rw", "noexec", "size=64m"}}
	if err != nil || got.Target != want.Target || !slices.Equal(got.Options, want.Options) {
		t.Errorf("ParseTmpfs = %+v, %v; want %+v", got, err, want)
	}
}

func TestNamespacedSysctl(t *testing.T) {
	for name, want := range map[string]bool{
		"net.ipv4.ip_forward": true, "net/ipv4/ip_forward": true, "kernel.shm_rmid_forced": true,
		"fs.mqueue.msg_max": true, "kernel.hostname": true, "kernel.panic": false, "vm.swappiness": false, "net.": false,
	} {
		if got := NamespacedSysctl(name); got != want {
			t.Errorf("NamespacedSysctl(%q) = %v, want %v", name, got, want)
		}
	}
}

func TestNotFoundSuggests(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"backend.yaml": "version: 1\n"})
	for ref, want := range map[string]string{"devv": "dev", "backnd": "backend", "zzzzzz": ""} {
		_, err := testLoader(t, dir).Load(ref)
		var nf *NotFoundError
		if !errors.As(err, &nf) || nf.Suggest != want {
			t.Errorf("Load(%q) = %v; want a NotFoundError suggesting %q", ref, err, want)
		}
		if want != "" && !strings.HasSuffix(err.Error(), `; did you mean "`+want+`"?`) {
			t.Errorf("Load(%q): %v does not say did you mean", ref, err)
		}
	}
}

func TestValidateReport(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"a.yaml": "version: 1\nextends: default\nseccomp:\n  allow: [ptrace]\n",
		"b.yaml": "version: 1\nlimits:\n  ulimits: {nproc: 10}\n",
	})
	r, err := Validate(testLoader(t), []string{dir})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	if err := r.Write(&b); err != nil {
		t.Fatal(err)
	}
	got := strings.Split(strings.TrimSpace(strings.ReplaceAll(b.String(), dir+string(filepath.Separator), "")), "\n")
	want := []string{
		"checked a.yaml",
		"checked b.yaml",
		"b.yaml:3:12: warning: limits.ulimits.nproc counts every process of the uid on the host, across containers: containers sharing a user exhaust one another's limit (use limits.pids, which is per container)",
		`a.yaml:4:10: weakening: seccomp.deny: "ptrace" removed (a extends default)`,
		`a.yaml:4:10: weakening: seccomp.allow: "ptrace" added (a extends default)`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("report:\n got %q\nwant %q", got, want)
	}
}
