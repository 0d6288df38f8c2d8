package integration

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// verifyJSON is the part of `hardrun verify --format json` the tests read.
type verifyJSON struct {
	Passed   bool     `json:"passed"`
	Failures []string `json:"failures"`
	Report   struct {
		UID          int  `json:"uid"`
		NoNewPrivs   bool `json:"no_new_privs"`
		Capabilities struct {
			Effective struct {
				Names []string `json:"names"`
			} `json:"effective"`
			Bounding struct {
				Names []string `json:"names"`
			} `json:"bounding"`
		} `json:"capabilities"`
		Seccomp struct {
			Mode    int `json:"mode"`
			Filters int `json:"filters"`
		} `json:"seccomp"`
		RootFS   string `json:"root_fs"`
		Attempts []struct {
			Name, Result, Errno, By string
		} `json:"attempts"`
	} `json:"report"`
}

func verify(t *testing.T, args ...string) (verifyJSON, cmdResult) {
	t.Helper()
	r := runHardrun(t, append([]string{"verify", "--format", "json", labelled(t)}, args...)...)
	var v verifyJSON
	if err := json.Unmarshal([]byte(r.Stdout), &v); err != nil {
		t.Fatalf("verify output is not JSON: %v\n%s", err, r)
	}
	if ids := containersOf(t); len(ids) != 0 {
		t.Errorf("verify left containers %v", ids)
	}
	return v, r
}

func (v verifyJSON) attempt(name string) (result, errno, by string) {
	for _, a := range v.Report.Attempts {
		if a.Name == name {
			return a.Result, a.Errno, a.By
		}
	}
	return "", "", ""
}

func TestVerifyDefaultBlocksEverything(t *testing.T) {
	requireEngine(t)
	v, r := verify(t, rootImage)
	if r.Code != 0 || !v.Passed {
		t.Fatalf("verify under default: exit %d, failures %v\n%s", r.Code, v.Failures, r.Stderr)
	}
	rep := v.Report
	if rep.UID == 0 || len(rep.Capabilities.Effective.Names) != 0 || !rep.NoNewPrivs || rep.Seccomp.Mode != 2 || rep.RootFS != "ro" {
		t.Errorf("uid %d, CapEff %v, NoNewPrivs %v, seccomp %d, rootfs %s", rep.UID,
			rep.Capabilities.Effective.Names, rep.NoNewPrivs, rep.Seccomp.Mode, rep.RootFS)
	}
	for _, a := range rep.Attempts {
		if a.Result == "ALLOWED" {
			t.Errorf("attempt %s ALLOWED under default", a.Name)
		}
	}
}

func TestVerifyUnconfinedReportsEscapes(t *testing.T) {
	requireEngine(t)
	v, r := verify(t, "--profile", "unconfined", rootImage)
	if r.Code != 1 || v.Passed {
		t.Fatalf("verify under unconfined: exit %d, want 1", r.Code)
	}
	if v.Report.UID != 0 {
		t.Errorf("uid %d, want root", v.Report.UID)
	}
	for _, c := range []string{"CAP_CHOWN", "CAP_MKNOD", "CAP_NET_RAW", "CAP_SETUID"} {
		if !slices.Contains(v.Report.Capabilities.Effective.Names, c) {
			t.Errorf("Docker's default capability %s missing: %v", c, v.Report.Capabilities.Effective.Names)
		}
	}
	for _, name := range []string{"chown", "mknod", "raw-socket"} {
		if res, _, _ := v.attempt(name); res != "ALLOWED" {
			t.Errorf("attempt %s: %s, want ALLOWED", name, res)
		}
	}
}

func TestVerifyProbeNeedsNothingInTheImage(t *testing.T) {
	requireEngine(t)
	v, r := verify(t, "hardrun-test/scratch:latest")
	if r.Code != 0 || !v.Passed || len(v.Report.Attempts) == 0 {
		t.Fatalf("verify of an empty image: exit %d %s", r.Code, r.Stderr)
	}
}

func TestSeccompDefaultDeniesItsDeltaWithEPERM(t *testing.T) {
	requireEngine(t)
	v, r := verify(t, rootImage)
	if r.Code != 0 {
		t.Fatalf("verify: %s", r)
	}
	// One attempt per syscall of the default profile's seccomp.deny:
	// keyctl, add_key, request_key, ptrace, unshare, mount, umount2, bpf,
	// perf_event_open.
	for _, name := range []string{"keyctl", "add-key", "request-key", "ptrace", "unshare-mountns", "mount", "umount", "bpf", "perf-event-open"} {
		res, errno, by := v.attempt(name)
		if res != "blocked" || errno != "EPERM" || by != "seccomp" {
			t.Errorf("%s: %s %s by %q, want blocked EPERM by seccomp", name, res, errno, by)
		}
	}
	if v.Report.Seccomp.Mode != 2 || v.Report.Seccomp.Filters != 1 {
		t.Errorf("Seccomp %d, Seccomp_filters %d; want 2 and 1", v.Report.Seccomp.Mode, v.Report.Seccomp.Filters)
	}
}

// strictHere is the built-in strict profile with AppArmor made optional,
// since this host's kernel has none (strict requires it).
func strictHere(t *testing.T) string {
	t.Helper()
	f := filepath.Join(t.TempDir(), "strict-here.yaml")
	yaml := "version: 1\nname: strict-here\nextends: strict\napparmor:\n  mode: if-available\n"
	if err := os.WriteFile(f, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	return f
}

func TestSeccompStrictRunsShellAndStaticProgram(t *testing.T) {
	requireEngine(t)
	p := strictHere(t)
	r := runHardrun(t, "run", "--rm", "--profile", p, labelled(t), rootImage, "sh", "-c",
		`echo shell-ok; awk '/^Seccomp/{print $1 $2}' /proc/self/status`)
	if r.Code != 0 || !strings.Contains(r.Stdout, "shell-ok") || !strings.Contains(r.Stdout, "Seccomp:2") || !strings.Contains(r.Stdout, "Seccomp_filters:1") {
		t.Fatalf("busybox sh under strict: %s", r)
	}
	// hardrun itself is the static Go program: its probe runs under strict,
	// and a syscall outside the allowlist (unshare) fails with EPERM.
	v, vr := verify(t, "--profile", p, rootImage)
	if len(v.Report.Attempts) == 0 {
		t.Fatalf("the static probe did not run under strict: %s", vr)
	}
	if res, errno, by := v.attempt("unshare-mountns"); res != "blocked" || errno != "EPERM" || by != "seccomp" {
		t.Errorf("unshare under strict: %s %s by %s, want blocked EPERM by seccomp", res, errno, by)
	}
}

func TestAppArmorRequiredRefusedWithoutKernelSupport(t *testing.T) {
	requireEngine(t)
	if b, err := os.ReadFile("/sys/module/apparmor/parameters/enabled"); err == nil && strings.TrimSpace(string(b)) == "Y" {
		t.Skip("AppArmor is enabled here: this test covers hosts without it")
	}
	r := runHardrun(t, "run", "--rm", "--profile", "strict", labelled(t), rootImage, "true")
	if r.Code != 125 || !strings.Contains(r.Stderr, "AppArmor") || !strings.Contains(r.Stderr, "refused by profile \"strict\"") {
		t.Fatalf("strict without AppArmor: %s", r)
	}
	if ids := containersOf(t); len(ids) != 0 {
		t.Errorf("created %v", ids)
	}
}

func TestAppArmorIfAvailableNoticesOnce(t *testing.T) {
	requireEngine(t)
	if b, err := os.ReadFile("/sys/module/apparmor/parameters/enabled"); err == nil && strings.TrimSpace(string(b)) == "Y" {
		t.Skip("AppArmor is enabled here: this test covers hosts without it")
	}
	// Once per host and profile (remembered under the cache directory),
	// always in explain: a run that goes as planned prints nothing else.
	env := []string{"XDG_CACHE_HOME=" + t.TempDir()}
	r := runCmd(t, "", env, hardrunBin, "run", "--rm", labelled(t), rootImage, "true")
	if r.Code != 0 || strings.Count(r.Stderr, "AppArmor not applied") != 1 {
		t.Fatalf("want one AppArmor notice: %s", r)
	}
	if r := runCmd(t, "", env, hardrunBin, "run", "--rm", labelled(t), rootImage, "true"); r.Code != 0 || r.Stderr != "" {
		t.Errorf("second run: want nothing on stderr: %s", r)
	}
	if r := runCmd(t, "", env, hardrunBin, "run", "--rm", "--profile", "web", labelled(t), rootImage, "true"); strings.Count(r.Stderr, "AppArmor not applied") != 1 {
		t.Errorf("another profile: want the notice once: %s", r)
	}
	if r := runCmd(t, "", env, hardrunBin, "explain", rootImage); !strings.Contains(r.Stdout+r.Stderr, "AppArmor not applied") {
		t.Errorf("explain: want the notice every time: %s", r)
	}
	foo := runHardrun(t, "run", "--rm", "--security-opt", "apparmor=foo", labelled(t), rootImage, "true")
	if foo.Code != 125 || !strings.Contains(foo.Stderr, "apparmor=foo") {
		t.Errorf("apparmor=foo must be refused, never silently accepted: %s", foo)
	}
}

func TestAppArmorOnEnabledHost(t *testing.T) {
	requireEngine(t)
	b, err := os.ReadFile("/sys/module/apparmor/parameters/enabled")
	if err != nil || strings.TrimSpace(string(b)) != "Y" {
		t.Skip("AppArmor not enabled in this kernel")
	}
	if os.Geteuid() != 0 {
		t.Skip("loading an AppArmor profile needs root")
	}
	r := runHardrun(t, "run", "--rm", labelled(t), rootImage, "cat", "/proc/self/attr/current")
	if r.Code != 0 || !strings.Contains(r.Stdout, "hardrun-default") {
		t.Fatalf("want the container confined by hardrun-default: %s", r)
	}
}

func TestProfilesCLI(t *testing.T) {
	requireEngine(t)
	dir := t.TempDir()
	write := func(name, body string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("good.yaml", "version: 1\nname: good\nextends: default\n")
	write("typo.yaml", "version: 1\nname: typo\ncapabilites: [ALL]\n")
	write("badsys.yaml", "version: 1\nname: badsys\nseccomp:\n  deny: [mkdri]\n")
	r := runHardrun(t, "profiles", "validate", dir)
	if r.Code != 1 || !strings.Contains(r.Stderr, "typo.yaml:3:1") || !strings.Contains(r.Stderr, `badsys.yaml:4:10: unknown syscall "mkdri"`) {
		t.Errorf("validate: %s", r)
	}
	show := runHardrun(t, "profiles", "show", "web")
	if show.Code != 0 {
		t.Fatalf("show: %s", show)
	}
	shown := filepath.Join(t.TempDir(), "web.yaml")
	if err := os.WriteFile(shown, []byte(show.Stdout), 0o644); err != nil {
		t.Fatal(err)
	}
	if again := runHardrun(t, "profiles", "validate", shown); again.Code != 0 {
		t.Errorf("show output does not re-validate: %s", again)
	}
	xdg := t.TempDir()
	if err := os.MkdirAll(filepath.Join(xdg, "hardrun", "profiles"), 0o755); err != nil {
		t.Fatal(err)
	}
	mine := filepath.Join(xdg, "hardrun", "profiles", "web.yaml")
	if err := os.WriteFile(mine, []byte("version: 1\nname: web\nextends: default\ndescription: mine\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	list := runCmd(t, "", []string{"XDG_CONFIG_HOME=" + xdg}, hardrunBin, "profiles", "list", "--format", "json")
	if list.Code != 0 || !strings.Contains(list.Stdout, mine) {
		t.Errorf("profiles list does not show %s winning: %s", mine, list)
	}
}
