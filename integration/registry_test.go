package integration

import (
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// registry is a Distribution registry (Debian's docker-registry 2.8) on a
// loopback port, started for one test. The engine trusts 127.0.0.0/8
// without TLS, so the pull tests exercise real pulls, progress, digests
// and credentials with no outside registry.
type registry struct {
	Host string // 127.0.0.1:5000, the prefix of the test images' names
	log  string // the registry's own output, shown when the test fails
}

// registryConfig is what differs between the registries the tests start.
type registryConfig struct {
	port int
	// htpasswd, when set, is the registry's htpasswd file: it then
	// answers 401 to anyone without those credentials.
	htpasswd string
}

const registryBin = "/usr/bin/docker-registry"

// startRegistry starts a registry for t with its own configuration and
// storage in temporary directories, listening on 127.0.0.1 only, and waits
// until /v2/ answers. At the end of t it removes every local image named
// after the registry, stops the process and frees the port.
func startRegistry(t *testing.T, rc registryConfig) *registry {
	t.Helper()
	bin := registryBinary(t)
	lockRegistryPort(t, rc.port)
	dir := t.TempDir()
	reg := &registry{Host: fmt.Sprintf("127.0.0.1:%d", rc.port), log: filepath.Join(dir, "registry.log")}
	cfg, err := writeRegistryConfig(dir, reg.Host, rc)
	if err != nil {
		t.Fatalf("write registry config: %v", err)
	}
	cmd, exited := reg.start(t, bin, cfg)
	t.Cleanup(func() { stopRegistry(t, cmd, exited) })
	t.Cleanup(func() { reg.removeLocalImages(t) })
	t.Cleanup(func() {
		if t.Failed() {
			b, _ := os.ReadFile(reg.log)
			t.Logf("registry %s log:\n%s", reg.Host, b)
		}
	})
	if err := reg.waitReady(exited); err != nil {
		b, _ := os.ReadFile(reg.log)
		t.Fatalf("registry on %s: %v\n%s", reg.Host, err, b)
	}
	return reg
}

// registryBinary finds docker-registry: a failure under CI, where .ci/run
// installs it, a skip elsewhere.
func registryBinary(t *testing.T) string {
	t.Helper()
	requireEngine(t)
	bin, err := exec.LookPath("docker-registry")
	if err == nil {
		return bin
	}
	if _, serr := os.Stat(registryBin); serr == nil {
		return registryBin // not on this PATH, but where Debian puts it
	}
	msg := fmt.Sprintf("no docker-registry to pull from (apt-get install docker-registry): %v", err)
	if inCI {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// lockRegistryPort serialises the test processes that want the port: the
// suite may run in several packages' or engineers' processes at once, and
// the registry's name is also the name of the images tagged locally.
func lockRegistryPort(t *testing.T, port int) {
	t.Helper()
	name := filepath.Join(os.TempDir(), fmt.Sprintf("hardrun-it-registry-%d.lock", port))
	f, err := os.OpenFile(name, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		t.Fatalf("lock registry port: %v", err)
	}
	deadline := time.Now().Add(2 * time.Minute)
	for {
		err = unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB)
		if err == nil {
			break
		}
		if !errors.Is(err, unix.EWOULDBLOCK) || time.Now().After(deadline) {
			f.Close()
			t.Fatalf("lock %s (another test run holds port %d?): %v", name, port, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Cleanup(func() { f.Close() }) // closing the descriptor drops the lock
}

// writeRegistryConfig writes config.yml (and htpasswd) into dir.
func writeRegistryConfig(dir, host string, rc registryConfig) (string, error) {
	storage := filepath.Join(dir, "storage")
	if err := os.Mkdir(storage, 0o700); err != nil {
		return "", err
	}
	// The secret only silences the "No HTTP secret provided" warning: one
	// registry instance signs and checks its own upload state.
	cfg := fmt.Sprintf(`version: 0.1
log:
  level: warn
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: %s
  delete:
    enabled: true
http:
  addr: %s
  secret: hardrun-integration-test
`, storage, host)
	if rc.htpasswd != "" {
		pw := filepath.Join(dir, "htpasswd")
		if err := os.WriteFile(pw, []byte(rc.htpasswd+"\n"), 0o600); err != nil {
			return "", err
		}
		// distribution 2.8 accepts basic auth over plain HTTP, and so does
		// the engine for a loopback (insecure) registry: no TLS needed.
		cfg += fmt.Sprintf("auth:\n  htpasswd:\n    realm: hardrun-test\n    path: %s\n", pw)
	}
	name := filepath.Join(dir, "config.yml")
	return name, os.WriteFile(name, []byte(cfg), 0o600)
}

// start runs the registry; exited is closed when the process ends.
func (r *registry) start(t *testing.T, bin, cfg string) (*exec.Cmd, <-chan struct{}) {
	t.Helper()
	logf, err := os.Create(r.log)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "serve", cfg)
	cmd.Stdout, cmd.Stderr = logf, logf
	// A test binary that dies must not leave the registry holding the port.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		logf.Close()
		t.Fatalf("start %s: %v", bin, err)
	}
	exited := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		logf.Close()
		close(exited)
	}()
	return cmd, exited
}

// waitReady polls /v2/ until the registry answers as a registry (200, or
// 401 when it wants credentials).
func (r *registry) waitReady(exited <-chan struct{}) error {
	c := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-exited:
			return errors.New("docker-registry exited (port taken?)")
		default:
		}
		resp, err := c.Get("http://" + r.Host + "/v2/")
		if err == nil {
			resp.Body.Close()
			if resp.Header.Get("Docker-Distribution-Api-Version") != "" {
				return nil
			}
			return fmt.Errorf("something else answers on %s: %s", r.Host, resp.Status)
		}
		time.Sleep(100 * time.Millisecond)
	}
	return errors.New("/v2/ did not answer within 15s")
}

// stopRegistry ends the process: SIGTERM, then SIGKILL if it lingers.
func stopRegistry(t *testing.T, cmd *exec.Cmd, exited <-chan struct{}) {
	_ = cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-exited:
		return
	case <-time.After(5 * time.Second):
	}
	_ = cmd.Process.Kill()
	select {
	case <-exited:
	case <-time.After(5 * time.Second):
		t.Errorf("docker-registry (pid %d) does not stop", cmd.Process.Pid)
	}
}

// removeLocalImages untags every local image named after the registry:
// what the test tagged, pushed and pulled, by tag and by digest. Names
// only, never IDs: -f then untags without touching other names or images
// that containers use.
func (r *registry) removeLocalImages(t *testing.T) {
	out := runDocker(t, "images", "--digests", "--format", "{{.Repository}} {{.Tag}} {{.Digest}}")
	var refs []string
	for _, line := range strings.Split(out.Stdout, "\n") {
		f := strings.Fields(line)
		if len(f) != 3 || !strings.HasPrefix(f[0], r.Host+"/") {
			continue
		}
		if f[1] != "<none>" {
			refs = append(refs, f[0]+":"+f[1])
		}
		if f[2] != "<none>" {
			refs = append(refs, f[0]+"@"+f[2])
		}
	}
	if len(refs) > 0 {
		runDocker(t, append([]string{"rmi", "-f"}, refs...)...)
	}
}

var pushDigest = regexp.MustCompile(`digest: (sha256:[0-9a-f]{64})`)

// push pushes local image src as ref (with docker's global flags, e.g.
// --config), removes ref locally again and returns the pushed digest.
func push(t *testing.T, src, ref string, global ...string) string {
	t.Helper()
	if src != ref {
		mustDocker(t, "tag", src, ref)
	}
	r := runCmd(t, "", nil, "docker", append(global, "push", ref)...)
	m := pushDigest.FindStringSubmatch(r.Stdout)
	if r.Code != 0 || m == nil {
		t.Fatalf("docker push %s: %s", ref, r)
	}
	removeImages(t, ref)
	return m[1]
}

// commitImage makes ref: hardrun-test/root with script run in it, as its
// own new layer.
func commitImage(t *testing.T, ref, script string) {
	t.Helper()
	r := mustDocker(t, "create", labelled(t), rootImage, "sh", "-c", script)
	id := strings.TrimSpace(r.Stdout)
	defer runDocker(t, "rm", "-f", id)
	mustDocker(t, "start", "-a", id)
	mustDocker(t, "commit", id, ref)
}

// removeImages untags refs locally (by name only; see removeLocalImages).
func removeImages(t *testing.T, refs ...string) {
	t.Helper()
	runDocker(t, append([]string{"rmi", "-f"}, refs...)...)
}

// imageExists says whether the engine has ref.
func imageExists(t *testing.T, ref string) bool {
	t.Helper()
	return runDocker(t, "image", "inspect", "--format", "{{.Id}}", ref).Code == 0
}

func mustDocker(t *testing.T, args ...string) cmdResult {
	t.Helper()
	r := runDocker(t, args...)
	if r.Code != 0 {
		t.Fatalf("docker %s: %s", strings.Join(args, " "), r)
	}
	return r
}
