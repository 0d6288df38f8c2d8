package integration

import (
	"bufio"
	"encoding/base64"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// pullCLI is a program a pull test runs: hardrun, and the real docker CLI
// as the reference for what hardrun must do on the same registry.
type pullCLI struct{ name, bin string }

func pullCLIs() []pullCLI {
	return []pullCLI{{"hardrun", hardrunBin}, {"docker", "docker"}}
}

// The registry with credentials (TestPullCredentials). The htpasswd line
// is bcrypt of testRegistryPassword, made once with
// python3 -c 'import crypt; print(crypt.crypt(PW, crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=32)))'
// so the test needs neither htpasswd nor golang.org/x/crypto.
const (
	testRegistryUser     = "hardrun"
	testRegistryPassword = "s3cret-pull-test"
	testRegistryHtpasswd = "hardrun:$2b$05$XLZagJsiWvN4FTp.FZ7yb.uiIwHzNq8cNNpmeY6L9TxKidMB2Pei."
)

func TestPullMissing(t *testing.T) {
	reg := startRegistry(t, registryConfig{port: 5000})
	ref := reg.Host + "/hardrun-test/pull:1"
	push(t, rootImage, ref)
	for _, c := range pullCLIs() {
		t.Run(c.name, func(t *testing.T) {
			defer removeImages(t, ref) // the next CLI finds it missing too
			r := runCmd(t, "", nil, c.bin, "run", "--rm", labelled(t), ref, "sh", "-c", "echo pulled; exit 3")
			if r.Code != 3 || r.Stdout != "pulled\n" {
				t.Fatalf("want the pulled image to run and exit 3, got %s", r)
			}
			assertContainsAll(t, r.Stderr,
				"Unable to find image '"+ref+"' locally\n",
				"1: Pulling from hardrun-test/pull\n",
				"Digest: sha256:",
				"Status: Downloaded newer image for "+ref+"\n")
			if ids := containersOf(t); len(ids) != 0 {
				t.Errorf("--rm left %v", ids)
			}
		})
	}
}

func TestPullAlwaysReplacesStaleTag(t *testing.T) {
	reg := startRegistry(t, registryConfig{port: 5000})
	ref := reg.Host + "/hardrun-test/pull:always"
	commitImage(t, ref, "echo fresh > /marker")
	push(t, ref, ref)
	for _, c := range pullCLIs() {
		t.Run(c.name, func(t *testing.T) {
			mustDocker(t, "tag", rootImage, ref) // stale: it has no /marker
			defer removeImages(t, ref)
			r := runCmd(t, "", nil, c.bin, "run", "--pull", "always", "--rm", labelled(t), ref, "cat", "/marker")
			if r.Code != 0 || r.Stdout != "fresh\n" {
				t.Fatalf("want the registry's image to run, got %s", r)
			}
			assertContainsAll(t, r.Stderr, "always: Pulling from hardrun-test/pull\n",
				"Status: Downloaded newer image for "+ref+"\n")
			if strings.Contains(r.Stderr, "Unable to find image") {
				t.Errorf("the stale image was there, nothing was missing: %q", r.Stderr)
			}
		})
	}
}

func TestPullNever(t *testing.T) {
	reg := startRegistry(t, registryConfig{port: 5000})
	ref := reg.Host + "/hardrun-test/pull:never"
	push(t, rootImage, ref) // in the registry, absent locally
	for _, c := range pullCLIs() {
		t.Run(c.name, func(t *testing.T) {
			r := runCmd(t, "", nil, c.bin, "run", "--pull", "never", "--rm", labelled(t), ref, "true")
			if r.Code != 125 || !strings.Contains(r.Stderr, "Error response from daemon: No such image: "+ref) {
				t.Fatalf("want exit 125 and No such image, got %s", r)
			}
			if strings.Contains(r.Stderr, "Pulling from") || imageExists(t, ref) {
				t.Errorf("--pull never pulled: %q", r.Stderr)
			}
			if ids := containersOf(t); len(ids) != 0 {
				t.Errorf("a container was created: %v", ids)
			}
		})
	}
}

func TestPullUnknownTag(t *testing.T) {
	reg := startRegistry(t, registryConfig{port: 5000})
	ref := reg.Host + "/hardrun-test/pull:absent"
	for _, c := range pullCLIs() {
		t.Run(c.name, func(t *testing.T) {
			r := runCmd(t, "", nil, c.bin, "run", "--rm", labelled(t), ref, "true")
			if r.Code != 125 || !strings.Contains(r.Stderr, "manifest for "+ref+" not found: manifest unknown") {
				t.Fatalf("want exit 125 and the registry's manifest unknown, got %s", r)
			}
			if ids := containersOf(t); len(ids) != 0 {
				t.Errorf("a container was created: %v", ids)
			}
		})
	}
}

func TestPullByDigest(t *testing.T) {
	reg := startRegistry(t, registryConfig{port: 5000})
	digest := push(t, rootImage, reg.Host+"/hardrun-test/pull:digest")
	ref := reg.Host + "/hardrun-test/pull@" + digest
	for _, c := range pullCLIs() {
		t.Run(c.name, func(t *testing.T) {
			defer removeImages(t, ref)
			r := runCmd(t, "", nil, c.bin, "run", "--rm", labelled(t), ref, "echo", "by digest")
			if r.Code != 0 || r.Stdout != "by digest\n" {
				t.Fatalf("want the image pulled by digest to run, got %s", r)
			}
			assertContainsAll(t, r.Stderr,
				"Unable to find image '"+ref+"' locally\n",
				"Digest: "+digest+"\n",
				"Status: Downloaded newer image for "+ref+"\n")
			got := runDocker(t, "image", "inspect", "--format", `{{join .RepoDigests " "}}`, ref)
			if !strings.Contains(got.Stdout, ref) {
				t.Errorf("the engine does not know the image as %s: %s", ref, got)
			}
		})
	}
}

// TestPullProgress pulls an image with a layer the engine lacks: bars on a
// terminal, plain lines without one, nothing with -q.
func TestPullProgress(t *testing.T) {
	reg := startRegistry(t, registryConfig{port: 5000})
	ref := reg.Host + "/hardrun-test/pull:progress"
	commitImage(t, ref, "head -c 20000000 /dev/urandom > /blob")
	push(t, ref, ref)
	args := func(t *testing.T, extra ...string) []string {
		return append(append([]string{"run", "--rm", labelled(t)}, extra...), ref, "echo", "ran")
	}
	for _, c := range pullCLIs() {
		t.Run(c.name+"/terminal", func(t *testing.T) {
			defer removeImages(t, ref)
			out, code := runOnTerminal(t, c.bin, args(t)...)
			if code != 0 || !strings.Contains(out, "ran") {
				t.Fatalf("exit %d, output %q", code, out)
			}
			// Each progress line is redrawn in place: cursor up, erase line.
			assertContainsAll(t, out, "\x1b[1A\x1b[2K", "Pulling fs layer", "Pull complete")
		})
		t.Run(c.name+"/plain", func(t *testing.T) {
			defer removeImages(t, ref)
			r := runCmd(t, "", nil, c.bin, args(t)...)
			if r.Code != 0 || r.Stdout != "ran\n" {
				t.Fatalf("want the image to run, got %s", r)
			}
			assertContainsAll(t, r.Stderr, ": Pulling fs layer\n", ": Pull complete\n",
				"Status: Downloaded newer image for "+ref+"\n")
			if strings.Contains(r.Stderr, "\x1b[") || strings.Contains(r.Stderr, "Downloading") {
				t.Errorf("progress bars off a terminal: %q", r.Stderr)
			}
		})
		t.Run(c.name+"/quiet", func(t *testing.T) {
			defer removeImages(t, ref)
			r := runCmd(t, "", nil, c.bin, args(t, "-q")...)
			if r.Code != 0 || r.Stdout != "ran\n" {
				t.Fatalf("want the image to run, got %s", r)
			}
			for _, s := range []string{"Unable to find image", "Pulling", "Pull complete", "Digest:", "Status:"} {
				if strings.Contains(r.Stderr, s) {
					t.Errorf("-q printed %q: %q", s, r.Stderr)
				}
			}
		})
	}
}

// TestPullCredentials pulls from a registry that wants basic auth, with
// the credentials `docker login` wrote into a config directory.
func TestPullCredentials(t *testing.T) {
	reg := startRegistry(t, registryConfig{port: 5001, htpasswd: testRegistryHtpasswd})
	ref := reg.Host + "/hardrun-test/auth:1"
	good := t.TempDir()
	login := runCmd(t, testRegistryPassword+"\n", nil, "docker", "--config", good,
		"login", "-u", testRegistryUser, "--password-stdin", reg.Host)
	if login.Code != 0 {
		t.Fatalf("docker login: %s", login)
	}
	push(t, rootImage, ref, "--config", good)
	wrong := configDir(t, `{"auths":{"`+reg.Host+`":{"auth":"`+
		base64.StdEncoding.EncodeToString([]byte(testRegistryUser+":wrong"))+`"}}}`)
	broken := configDir(t, "{not json")
	for _, tc := range []struct {
		name, config string
		env          []string
		code         int
		want         []string // in stderr
	}{
		{name: "credentials", config: good},
		{name: "none", config: t.TempDir(), code: 125, want: []string{"no basic auth credentials"}},
		{name: "wrong password", config: wrong, code: 125, want: []string{"unauthorized: authentication required"}},
		// --config wins over DOCKER_CONFIG even when its file is broken:
		// the good credentials elsewhere must not be sent.
		{name: "broken config", config: broken, env: []string{"DOCKER_CONFIG=" + good}, code: 125,
			want: []string{"WARNING: Error parsing config file", "no basic auth credentials"}},
	} {
		for _, c := range pullCLIs() {
			t.Run(tc.name+"/"+c.name, func(t *testing.T) {
				r := runCmd(t, "", tc.env, c.bin, "--config", tc.config,
					"run", "--pull", "always", "--rm", labelled(t), ref, "echo", "ran")
				if r.Code != tc.code || (tc.code == 0 && r.Stdout != "ran\n") {
					t.Fatalf("want exit %d, got %s", tc.code, r)
				}
				assertContainsAll(t, r.Stderr, tc.want...)
				if ids := containersOf(t); len(ids) != 0 {
					t.Errorf("containers left: %v", ids)
				}
			})
		}
	}
}

// TestPullInterrupted sends SIGINT while a 200 MB layer is being pulled:
// the pull stops, nothing is created and the image is not left behind.
func TestPullInterrupted(t *testing.T) {
	reg := startRegistry(t, registryConfig{port: 5000})
	ref := reg.Host + "/hardrun-test/pull:big"
	commitImage(t, ref, "head -c 200000000 /dev/urandom > /big")
	push(t, ref, ref)
	for _, c := range pullCLIs() {
		t.Run(c.name, func(t *testing.T) {
			defer removeImages(t, ref)
			code, took, stderr := interruptPull(t, c.bin, "run", "--rm", labelled(t), ref, "true")
			// docker exits 128+SIGINT without a message; so must hardrun.
			if code != 130 || strings.TrimSpace(stderr) != "" && c.name == "hardrun" && strings.Contains(stderr, "interrupted") {
				t.Fatalf("%s exited %d after %v, want 130 and no message; stderr %q", c.name, code, took, stderr)
			}
			if ids := containersOf(t); len(ids) != 0 {
				t.Errorf("containers left: %v", ids)
			}
			// The engine drops the pull when the client goes; give it a
			// moment to register anything it would still finish.
			time.Sleep(time.Second)
			if imageExists(t, ref) {
				t.Errorf("the interrupted pull completed anyway")
			}
		})
	}
}

// runOnTerminal runs bin with a pseudo-terminal (24x80) as stdin, stdout
// and stderr, and returns all it wrote and its exit code.
func runOnTerminal(t *testing.T, bin string, args ...string) (string, int) {
	t.Helper()
	master, slave, err := openPTY()
	if err != nil {
		t.Skipf("no pseudo-terminal here: %v", err)
	}
	defer master.Close()
	cmd := exec.Command(bin, args...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = slave, slave, slave
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true}
	err = cmd.Start()
	slave.Close()
	if err != nil {
		t.Fatal(err)
	}
	out := readAll(master)
	err = cmd.Wait()
	return out.String(), exitCode(err)
}

// interruptPull starts bin, sends it SIGINT as soon as it reports a layer
// being pulled, and returns its exit code, how long after the signal it
// ended and its stderr.
func interruptPull(t *testing.T, bin string, args ...string) (int, time.Duration, string) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	pipe, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var (
		mu      sync.Mutex
		stderr  strings.Builder
		pulling = make(chan struct{})
		eof     = make(chan struct{})
	)
	go func() {
		defer close(eof)
		sc := bufio.NewScanner(pipe)
		seen := false
		for sc.Scan() {
			mu.Lock()
			stderr.WriteString(sc.Text() + "\n")
			mu.Unlock()
			if !seen && strings.Contains(sc.Text(), "Pulling fs layer") {
				seen = true
				close(pulling)
			}
		}
	}()
	text := func() string { mu.Lock(); defer mu.Unlock(); return stderr.String() }
	select {
	case <-pulling:
	case <-eof:
		_ = cmd.Wait()
		t.Fatalf("%s ended before pulling a layer: %q", bin, text())
	case <-time.After(60 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatalf("%s did not start pulling: %q", bin, text())
	}
	sent := time.Now()
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	select {
	case <-eof:
	case <-time.After(30 * time.Second):
		_ = cmd.Process.Kill()
		<-eof
	}
	err = cmd.Wait()
	return exitCode(err), time.Since(sent), text()
}

// configDir returns a docker config directory holding config.json.
func configDir(t *testing.T, configJSON string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "config.json"), []byte(configJSON), 0o600); err != nil {
		t.Fatal(err)
	}
	return dir
}

func assertContainsAll(t *testing.T, s string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(s, w) {
			t.Errorf("missing %q in:\n%s", w, s)
		}
	}
}
