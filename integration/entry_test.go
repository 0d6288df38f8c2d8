package integration

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// dangerousRun is a request the default profile refuses three ways.
var dangerousRun = []string{"--user", "0", "--cap-add", "SYS_ADMIN", "-v", "/etc:/x"}

// engineHost is the engine the tests talk to, spelled for -H.
func engineHost() string {
	if h := os.Getenv("DOCKER_HOST"); h != "" {
		return h
	}
	return "unix:///var/run/docker.sock"
}

// requireRefused asserts exit 125, a refusal line by profile and that
// test t made no container.
func requireRefused(t *testing.T, r cmdResult, profile string) {
	t.Helper()
	if r.Code != 125 {
		t.Fatalf("exit %d, want 125: %s", r.Code, r)
	}
	if !strings.Contains(r.Stderr, `hardrun: refused by profile "`+profile+`": `) {
		t.Errorf("no refusal line: %s", r.Stderr)
	}
	requireNoContainer(t)
}

func requireNoContainer(t *testing.T) {
	t.Helper()
	if ids := containersOf(t); len(ids) != 0 {
		runDocker(t, append([]string{"rm", "-f"}, ids...)...)
		t.Errorf("a refused request left containers %v", ids)
	}
}

// TestGlobalSpellings: a dangerous run or create behind docker's global
// flags, in every spelling docker's parser takes, is judged and refused.
func TestGlobalSpellings(t *testing.T) {
	requireEngine(t)
	host := engineHost()
	spellings := [][]string{
		{"-Dl", "error"}, {"-lerror"}, {"-Dlerror"}, {"-l=error"}, {"--log-level", "error"}, {"--log-level=error"},
		{"-Dc", "default"}, {"-c=default"}, {"-cdefault"}, {"--context", "default"},
		{"-H" + host}, {"-DH" + host}, {"-H=" + host}, {"-H", host}, {"--host=" + host}, {"--host", host},
		{"-D"}, {"-D=true"}, {"-D=false"}, {"--debug=0"}, {"--tls=false"}, {"--tlsverify=false"},
		{"-h"}, {"-v"}, {"--help=false"}, {"--version=false"}, {"-D", "--"},
	}
	verbs := [][]string{{"run", "--rm"}, {"create"}, {"container", "run", "--rm"}, {"container", "--help=false", "create"}}
	for _, g := range spellings {
		for _, v := range verbs {
			t.Run(strings.Join(g, " ")+" "+strings.Join(v, " "), func(t *testing.T) {
				args := append(append(append([]string{}, g...), v...), labelled(t))
				args = append(append(args, dangerousRun...), rootImage, "true")
				requireRefused(t, runHardrun(t, args...), "default")
			})
		}
	}
}

// TestGlobalUnreadable: a line whose globals hardrun cannot read as docker
// would is refused (125) and never handed to docker.
func TestGlobalUnreadable(t *testing.T) {
	requireEngine(t)
	for _, g := range [][]string{
		{"-Dx"}, {"--nope"}, {"--", "-D"}, {"-H", engineHost(), "-H", engineHost()}, {"-D0"},
	} {
		t.Run(strings.Join(g, " "), func(t *testing.T) {
			args := append(append(append([]string{}, g...), "create", labelled(t)), dangerousRun...)
			r := runHardrun(t, append(args, rootImage, "true")...)
			if r.Code != 125 || !strings.HasPrefix(r.Stderr, "hardrun: ") {
				t.Fatalf("want 125 and hardrun's error: %s", r)
			}
			requireNoContainer(t)
		})
	}
	t.Run("global between container and verb", func(t *testing.T) {
		r := runHardrun(t, append(append([]string{"container", "-D", "create", labelled(t)}, dangerousRun...), rootImage, "true")...)
		if r.Code != 125 {
			t.Fatalf("want 125: %s", r)
		}
		requireNoContainer(t)
	})
}

// TestEntryPassThrough: what hardrun does not judge still reaches docker
// behind the same globals.
func TestEntryPassThrough(t *testing.T) {
	requireEngine(t)
	r := runHardrun(t, "-Dl", "error", "info", "--format", "{{.ServerVersion}}")
	if r.Code != 0 || strings.TrimSpace(r.Stdout) == "" {
		t.Fatalf("docker info through hardrun: %s", r)
	}
}

// hardenedContainer starts a container under the default profile and
// removes it when t ends.
func hardenedContainer(t *testing.T, args ...string) string {
	t.Helper()
	r := runHardrun(t, append(append([]string{"run", "-d", labelled(t)}, args...), rootImage, "sleep", "300")...)
	if r.Code != 0 {
		t.Fatalf("run -d: %s", r)
	}
	id := strings.TrimSpace(r.Stdout)
	t.Cleanup(func() { runDocker(t, "rm", "-f", id) })
	return id
}

// TestExecHardened: an exec that would widen a hardened container is
// refused and runs nothing; a plain exec still works.
func TestExecHardened(t *testing.T) {
	requireEngine(t)
	id := hardenedContainer(t)
	refused := []struct {
		name string
		args []string // hardrun's argv up to and including the exec flags
	}{
		{"privileged", []string{"exec", "--privileged"}},
		{"privileged=true", []string{"exec", "--privileged=true"}},
		{"user 0", []string{"exec", "-u", "0"}},
		{"user root", []string{"exec", "-u", "root"}},
		{"user +0", []string{"exec", "-u", "+0"}},
		{"user 00", []string{"exec", "--user=00"}},
		{"user 0:0", []string{"exec", "-u0:0"}},
		{"group 0", []string{"exec", "-u", "1000:0"}},
		{"uid without group", []string{"exec", "-u", "1000"}}, // the engine gives gid 0 without a passwd entry
		{"workdir proc", []string{"exec", "-w", "/proc/self/fd"}},
		{"container exec", []string{"container", "exec", "-u", "0"}},
		{"globals then exec", []string{"-Dl", "error", "exec", "--privileged"}},
		{"globals then container exec", []string{"-lerror", "container", "exec", "-u", "root"}},
	}
	for i, tc := range refused {
		t.Run(tc.name, func(t *testing.T) {
			marker := "/tmp/ran-" + strings.Repeat("x", i+1)
			r := runHardrun(t, append(append([]string{}, tc.args...), id, "touch", marker)...)
			if r.Code != 125 || !strings.Contains(r.Stderr, `hardrun: refused by profile "default": exec `) {
				t.Fatalf("want 125 and a refusal line: %s", r)
			}
			if c := runDocker(t, "exec", id, "test", "-e", marker); c.Code == 0 {
				t.Errorf("the refused exec ran: %s exists", marker)
			}
		})
	}
	t.Run("plain exec works", func(t *testing.T) {
		r := runHardrun(t, "exec", id, "sh", "-c", "echo hello; id -u")
		if r.Code != 0 || r.Stdout != "hello\n10001\n" {
			t.Fatalf("want hello and the profile's uid: %s", r)
		}
	})
	t.Run("container exec with a numeric user and group", func(t *testing.T) {
		r := runHardrun(t, "-D=false", "container", "exec", "-u", "1000:1000", id, "id", "-u")
		if r.Code != 0 || r.Stdout != "1000\n" {
			t.Fatalf("want uid 1000: %s", r)
		}
	})
	t.Run("exit code is the command's", func(t *testing.T) {
		if r := runHardrun(t, "exec", id, "sh", "-c", "exit 3"); r.Code != 3 {
			t.Fatalf("want 3: %s", r)
		}
	})
}

// TestExecPlainContainer: a container hardrun did not make is docker's.
func TestExecPlainContainer(t *testing.T) {
	requireEngine(t)
	r := runDocker(t, "run", "-d", labelled(t), rootImage, "sleep", "300")
	if r.Code != 0 {
		t.Fatalf("docker run: %s", r)
	}
	id := strings.TrimSpace(r.Stdout)
	defer runDocker(t, "rm", "-f", id)
	if r := runHardrun(t, "exec", "-u", "0", id, "id", "-u"); r.Code != 0 || r.Stdout != "0\n" {
		t.Fatalf("exec into an unlabelled container passes through: %s", r)
	}
}

// TestEntryUpdate: update values above the profile's ceilings are refused
// and change nothing; values within them pass.
func TestEntryUpdate(t *testing.T) {
	requireEngine(t)
	id := hardenedContainer(t)
	before := runDocker(t, "inspect", "-f", "{{.HostConfig.Memory}} {{.HostConfig.PidsLimit}} {{.HostConfig.RestartPolicy.Name}}", id).Stdout
	for _, args := range [][]string{
		{"update", "--memory", "64g"},
		{"update", "--pids-limit", "-1"},
		{"update", "--restart", "always"},
		{"update", "--cpus", "8"},
		{"update", "--cpu-quota", "-1"},
		{"container", "update", "-m", "64g"},
		{"-Dl", "error", "update", "--memory=64g"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			r := runHardrun(t, append(append([]string{}, args...), id)...)
			if r.Code != 125 || !strings.Contains(r.Stderr, `hardrun: refused by profile "default": `) {
				t.Fatalf("want 125 and a refusal line: %s", r)
			}
		})
	}
	after := runDocker(t, "inspect", "-f", "{{.HostConfig.Memory}} {{.HostConfig.PidsLimit}} {{.HostConfig.RestartPolicy.Name}}", id).Stdout
	if after != before {
		t.Errorf("refused updates changed the container: %q -> %q", before, after)
	}
	if r := runHardrun(t, "update", "--pids-limit", "100", id); r.Code != 0 {
		t.Fatalf("an update within max.pids: %s", r)
	}
	if got := runDocker(t, "inspect", "-f", "{{.HostConfig.PidsLimit}}", id).Stdout; got != "100\n" {
		t.Errorf("pids limit %q, want 100", got)
	}
}

// TestEntryStart: a bind source turned into a link to /etc after create
// refuses the start; restored, the container starts.
func TestEntryStart(t *testing.T) {
	requireEngine(t)
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	if err := os.Mkdir(data, 0o755); err != nil {
		t.Fatal(err)
	}
	r := runHardrun(t, "create", labelled(t), "-v", data+":/data", rootImage, "true")
	if r.Code != 0 {
		t.Fatalf("create: %s", r)
	}
	id := strings.TrimSpace(r.Stdout)
	defer runDocker(t, "rm", "-f", id)
	if err := os.Remove(data); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/etc", data); err != nil {
		t.Fatal(err)
	}
	for _, verb := range [][]string{{"start"}, {"container", "start"}, {"restart"}} {
		r := runHardrun(t, append(verb, id)...)
		if r.Code != 125 || !strings.Contains(r.Stderr, "now resolves to /etc") {
			t.Fatalf("%v: want 125 and the refusal: %s", verb, r)
		}
	}
	if st := runDocker(t, "inspect", "-f", "{{.State.StartedAt}}", id).Stdout; !strings.HasPrefix(st, "0001-") {
		t.Errorf("the refused start started the container (StartedAt %s)", st)
	}
	if err := os.Remove(data); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(data, 0o755); err != nil {
		t.Fatal(err)
	}
	if r := runHardrun(t, "start", "-a", id); r.Code != 0 {
		t.Fatalf("start with the source restored: %s", r)
	}
}
