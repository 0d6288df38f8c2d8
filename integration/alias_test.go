package integration

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// With `alias docker=hardrun` (or a docker link to hardrun first on PATH)
// every line below must answer exactly as the real docker CLI does:
// stdout, stderr and exit code.
func TestAliasAnswersAsDocker(t *testing.T) {
	requireEngine(t)
	cases := []struct {
		name string
		args []string
	}{
		{"version format", []string{"version", "--format", "{{.Server.Version}}"}},
		{"version format client", []string{"version", "-f", "{{.Client.APIVersion}}"}},
		{"--version", []string{"--version"}},
		{"-v", []string{"-v"}},
		{"help ps", []string{"help", "ps"}},
		{"ps --help", []string{"ps", "--help"}},
		{"help network create", []string{"help", "network", "create"}},
		{"container ls --help", []string{"container", "ls", "--help"}},
		{"exec --help", []string{"exec", "--help"}},
		{"bad verb flag", []string{"ps", "--bogus"}},
		{"create no image", []string{"create"}},
		{"create bad flag", []string{"create", "--bogus", "hardrun-test/root"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			want := runDocker(t, c.args...)
			got := runHardrun(t, c.args...)
			if got.Code != want.Code {
				t.Errorf("exit %d, docker exits %d\nhardrun: %s\ndocker: %s", got.Code, want.Code, got, want)
			}
			if got.Stdout != want.Stdout {
				t.Errorf("stdout differs from docker's\nhardrun: %q\ndocker:  %q", got.Stdout, want.Stdout)
			}
		})
	}
}

// docker exits 1 at once for -it without a terminal on stdin ("the input
// device is not a TTY"), before anything is created; a CI job must not hang.
func TestAliasInteractiveTTYWithoutTerminal(t *testing.T) {
	requireEngine(t)
	for _, flags := range [][]string{{"-it"}, {"-ti"}, {"-t", "-a", "stdin"}, {"-t", "-i", "--rm"}} {
		t.Run(strings.Join(flags, " "), func(t *testing.T) {
			args := append(append([]string{"run", labelled(t)}, flags...), "hardrun-test/root", "true")
			want := runDocker(t, args...)
			got := runHardrun(t, args...)
			if got.Code != 1 || want.Code != 1 {
				t.Errorf("want exit 1 from both: hardrun %s\ndocker %s", got, want)
			}
			if got.Stderr != want.Stderr || got.Stdout != want.Stdout {
				t.Errorf("output differs\nhardrun: %s\ndocker: %s", got, want)
			}
			if ids := containersOf(t); len(ids) > 0 {
				runDocker(t, append([]string{"rm", "-f"}, ids...)...)
				t.Errorf("containers were created: %v", ids)
			}
		})
	}
	// Detached, or -t without -i: no stdin to attach, no check (as docker).
	t.Run("-dit runs", func(t *testing.T) {
		r := runHardrun(t, "run", "-dit", "--rm", labelled(t), "hardrun-test/root", "true")
		if r.Code != 0 {
			t.Errorf("run -dit: %s", r)
		}
		waitGone(t)
	})
}

// run --help is docker's help, then the flags hardrun adds.
func TestAliasRunHelp(t *testing.T) {
	requireEngine(t)
	for _, verb := range []string{"run", "create"} {
		want := runDocker(t, verb, "--help")
		got := runHardrun(t, verb, "--help")
		if got.Code != 0 || !strings.HasPrefix(got.Stdout, want.Stdout) || !strings.Contains(got.Stdout, "--profile") {
			t.Errorf("%s --help: not docker's help followed by hardrun's flags:\n%s", verb, got)
		}
		if h := runHardrun(t, "help", verb); h.Stdout != got.Stdout {
			t.Errorf("help %s differs from %s --help", verb, verb)
		}
	}
	if r := runHardrun(t, "--hardrun-version"); r.Code != 0 || !strings.Contains(r.Stdout, "hardrun:\n Version:") {
		t.Errorf("--hardrun-version: %s", r)
	}
	if r := runHardrun(t, "help", "explain"); r.Code != 0 || !strings.Contains(r.Stdout, "hardrun explain") {
		t.Errorf("help explain: %s", r)
	}
}

// create exits as docker create: 1 where the engine refuses the request or
// the image cannot be had, 125 for a refusal by the profile. Nothing is
// created in any of them.
func TestAliasCreateExitCodes(t *testing.T) {
	requireEngine(t)
	cases := []struct {
		name string
		args []string
		want int
	}{
		{"engine refuses", []string{"--memory", "1k", "hardrun-test/root"}, 1},
		{"no such image", []string{"--pull", "never", "hardrun-test/no-such-image:x"}, 1},
		{"profile refuses", []string{"--privileged", "hardrun-test/root"}, 125},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			args := append([]string{"create", labelled(t)}, c.args...)
			got := runHardrun(t, args...)
			if got.Code != c.want {
				t.Errorf("exit %d, want %d: %s", got.Code, c.want, got)
			}
			if ids := containersOf(t); len(ids) > 0 {
				runDocker(t, append([]string{"rm", "-f"}, ids...)...)
				t.Errorf("containers were created: %v", ids)
			}
		})
	}
	// and docker agrees where no profile is involved
	want := runDocker(t, "create", "--pull", "never", "hardrun-test/no-such-image:x")
	if want.Code != 1 {
		t.Errorf("docker create of a missing image exits %d, the test assumes 1", want.Code)
	}
}

// A docker link to hardrun first on PATH hardens scripts (child processes
// that run `docker`), and everything else still reaches the real docker.
func TestAliasPathShim(t *testing.T) {
	requireEngine(t)
	dir := filepath.Join(t.TempDir(), "shim")
	r := runHardrun(t, "shell-init", "--path", dir)
	if r.Code != 0 || !strings.Contains(r.Stdout, "export PATH=") {
		t.Fatalf("shell-init --path: %s", r)
	}
	if fi, err := os.Lstat(filepath.Join(dir, "docker")); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Fatalf("no docker link in %s: %v", dir, err)
	}
	env := []string{"PATH=" + dir + ":" + os.Getenv("PATH")}
	script := `docker version --format '{{.Server.Version}}'; docker run --rm ` + labelled(t) + ` --privileged hardrun-test/root true; echo "privileged: $?"`
	got := runCmd(t, "", env, "sh", "-c", script)
	want := runDocker(t, "version", "--format", "{{.Server.Version}}")
	if !strings.HasPrefix(got.Stdout, want.Stdout) {
		t.Errorf("docker version through the link: %q, want %q", got.Stdout, want.Stdout)
	}
	if !strings.Contains(got.Stdout, "privileged: 125") || !strings.Contains(got.Stderr, "--privileged is not permitted") {
		t.Errorf("the script's docker run was not hardened: %s", got)
	}
	// Running it again replaces nothing and fails nothing.
	if r := runHardrun(t, "shell-init", "--path", dir, "fish"); r.Code != 0 || !strings.HasPrefix(r.Stdout, "set -gx PATH ") {
		t.Errorf("shell-init --path again (fish): %s", r)
	}
	if ids := containersOf(t); len(ids) > 0 {
		runDocker(t, append([]string{"rm", "-f"}, ids...)...)
		t.Errorf("containers were created: %v", ids)
	}
}

// waitGone waits (10 s at most) until the --rm containers of test t are
// gone, and fails the test if one stays.
func waitGone(t *testing.T) {
	t.Helper()
	for i := 0; i < 100; i++ {
		if len(containersOf(t)) == 0 {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	ids := containersOf(t)
	runDocker(t, append([]string{"rm", "-f"}, ids...)...)
	t.Errorf("--rm containers still there: %v", ids)
}

// --platform other than the local image's: docker treats the image as
// missing and pulls that platform's (no registry here: the pull fails);
// with --pull never it is the engine's mismatch error. hardrun does the
// same, with docker create's exit codes, and creates nothing.
func TestAliasPlatformPull(t *testing.T) {
	requireEngine(t)
	for _, pull := range []string{"missing", "never"} {
		t.Run(pull, func(t *testing.T) {
			args := []string{"create", labelled(t), "--pull", pull, "--platform", "linux/arm64", "hardrun-test/root", "true"}
			want := runDocker(t, args...)
			got := runHardrun(t, args...)
			if got.Code != want.Code {
				t.Errorf("exit %d, docker %d\nhardrun: %s\ndocker: %s", got.Code, want.Code, got, want)
			}
			for _, line := range []string{"Unable to find image", "does not match the specified platform"} {
				if strings.Contains(want.Stderr, line) != strings.Contains(got.Stderr, line) {
					t.Errorf("%q: docker and hardrun disagree\nhardrun: %s\ndocker: %s", line, got.Stderr, want.Stderr)
				}
			}
			if ids := containersOf(t); len(ids) > 0 {
				runDocker(t, append([]string{"rm", "-f"}, ids...)...)
				t.Errorf("containers were created: %v", ids)
			}
		})
	}
}
