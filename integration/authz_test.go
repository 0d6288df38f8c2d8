package integration

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// authzEngine is a throwaway dockerd that consults hardrun's plugin: its
// own config file (the host's daemon.json names a data-root, and dockerd
// refuses a flag the file also sets), data-root, exec-root, pidfile,
// socket and bridge interface. Never --bridge none: a second dockerd
// started with it deletes the host's docker0.
type authzEngine struct {
	dir, host, bridge, plugin, pluginSock string
	dockerd, serve                        *exec.Cmd
	serveLog                              *bytes.Buffer
}

func requireDockerd(t *testing.T) {
	t.Helper()
	requireEngine(t)
	why := ""
	if _, err := exec.LookPath("dockerd"); err != nil {
		why = "no dockerd binary to start a second engine"
	} else if os.Geteuid() != 0 {
		why = "starting a second dockerd needs root"
	}
	if why == "" {
		return
	}
	if inCI {
		t.Fatal(why)
	}
	t.Skip(why)
}

func startAuthzEngine(t *testing.T) *authzEngine {
	t.Helper()
	dir, err := os.MkdirTemp("", "hrz") // short: containerd's sockets live under exec-root
	if err != nil {
		t.Fatal(err)
	}
	n := os.Getpid() % 100000
	ae := &authzEngine{
		dir:    dir,
		host:   "unix://" + filepath.Join(dir, "docker.sock"),
		bridge: fmt.Sprintf("hrz%d", n),
		plugin: fmt.Sprintf("hardrun-it-%d", n),
	}
	ae.pluginSock = "/run/docker/plugins/" + ae.plugin + ".sock"
	t.Cleanup(func() { ae.stop(t) })
	ae.makeBridge(t, n)
	ae.startPlugin(t)
	ae.startDockerd(t)
	return ae
}

// makeBridge creates the engine's own bridge: --bridge needs one to exist.
func (ae *authzEngine) makeBridge(t *testing.T, n int) {
	t.Helper()
	cidr := fmt.Sprintf("10.%d.%d.1/24", 200+n%50, n%250)
	for _, args := range [][]string{
		{"link", "add", ae.bridge, "type", "bridge"},
		{"addr", "add", cidr, "dev", ae.bridge},
		{"link", "set", ae.bridge, "up"},
	} {
		if out, err := exec.Command("ip", args...).CombinedOutput(); err != nil {
			t.Fatalf("ip %v: %v\n%s", args, err, out)
		}
	}
}

func (ae *authzEngine) startPlugin(t *testing.T) {
	t.Helper()
	ae.serveLog = &bytes.Buffer{}
	ae.serve = exec.Command(hardrunBin, "-H", ae.host, "authz", "serve", "--listen", ae.pluginSock)
	ae.serve.Stdout, ae.serve.Stderr = ae.serveLog, ae.serveLog
	if err := ae.serve.Start(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the plugin's socket", func() bool { _, err := os.Stat(ae.pluginSock); return err == nil })
}

func (ae *authzEngine) startDockerd(t *testing.T) { ae.startDockerdWith(t, true) }

func (ae *authzEngine) startDockerdWith(t *testing.T, withPlugin bool) {
	t.Helper()
	driver := strings.TrimSpace(runDocker(t, "info", "--format", "{{.Driver}}").Stdout)
	cfg := filepath.Join(ae.dir, "daemon.json")
	if err := os.WriteFile(cfg, []byte("{}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	log, err := os.Create(filepath.Join(ae.dir, "dockerd.log"))
	if err != nil {
		t.Fatal(err)
	}
	defer log.Close()
	args := []string{"--config-file", cfg,
		"--data-root", filepath.Join(ae.dir, "data"),
		"--exec-root", filepath.Join(ae.dir, "exec"),
		"--pidfile", filepath.Join(ae.dir, "docker.pid"),
		"--host", ae.host,
		"--bridge", ae.bridge,
		"--iptables=false", "--ip-masq=false",
		"--storage-driver", driver}
	if withPlugin {
		args = append(args, "--authorization-plugin", ae.plugin)
	}
	ae.dockerd = exec.Command("dockerd", args...)
	ae.dockerd.Stdout, ae.dockerd.Stderr = log, log
	if err := ae.dockerd.Start(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the second engine", func() bool { return ae.docker(t, "version").Code == 0 })
	if !withPlugin {
		return
	}
	r := runCmd(t, "", nil, "sh", "-c", "docker save hardrun-test/root | docker -H "+ae.host+" load")
	if r.Code != 0 {
		t.Fatalf("load the test image: %s", r)
	}
}

func waitFor(t *testing.T, what string, ok func() bool) {
	t.Helper()
	for deadline := time.Now().Add(90 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		if ok() {
			return
		}
	}
	t.Fatalf("%s did not come up", what)
}

func (ae *authzEngine) docker(t *testing.T, args ...string) cmdResult {
	t.Helper()
	return runCmd(t, "", nil, "docker", append([]string{"-H", ae.host}, args...)...)
}

func (ae *authzEngine) hardrun(t *testing.T, args ...string) cmdResult {
	t.Helper()
	return runCmd(t, "", nil, hardrunBin, append([]string{"-H", ae.host}, args...)...)
}

// stop ends both processes and removes everything the engine made.
func (ae *authzEngine) stop(t *testing.T) {
	ae.stopDockerd()
	if ae.serve != nil && ae.serve.Process != nil && ae.serve.ProcessState == nil {
		_ = ae.serve.Process.Signal(syscall.SIGTERM)
		_ = ae.serve.Wait()
	}
	ae.cleanup(t)
}

func (ae *authzEngine) stopDockerd() {
	if ae.dockerd != nil && ae.dockerd.Process != nil && ae.dockerd.ProcessState == nil {
		_ = ae.dockerd.Process.Signal(syscall.SIGTERM)
		done := make(chan error, 1)
		go func() { done <- ae.dockerd.Wait() }()
		select {
		case <-done:
		case <-time.After(60 * time.Second):
			_ = ae.dockerd.Process.Kill()
			<-done
		}
	}
}

func (ae *authzEngine) cleanup(t *testing.T) {
	if ae.dir == "" {
		return
	}
	_ = os.Remove(ae.pluginSock)
	_ = exec.Command("ip", "link", "del", ae.bridge).Run()
	if t.Failed() {
		if b, err := os.ReadFile(filepath.Join(ae.dir, "dockerd.log")); err == nil {
			t.Logf("dockerd log (tail):\n%s", tail(string(b), 3000))
		}
		t.Logf("plugin log (tail):\n%s", tail(ae.serveLog.String(), 3000))
	}
	unmountUnder(ae.dir)
	if err := os.RemoveAll(ae.dir); err != nil {
		t.Errorf("remove the second engine's directory: %v", err)
	}
	ae.dir = ""
}

// launchTime is the mean wall time of n `hardrun run --rm ... true`.
func (ae *authzEngine) launchTime(t *testing.T, n int) time.Duration {
	t.Helper()
	start := time.Now()
	for range n {
		if r := ae.hardrun(t, "run", "--rm", "hardrun-test/root", "true"); r.Code != 0 {
			t.Fatalf("%s", r)
		}
	}
	return time.Since(start) / time.Duration(n)
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

// unmountUnder lazily unmounts what the engine left mounted under dir.
func unmountUnder(dir string) {
	b, err := os.ReadFile("/proc/self/mounts")
	if err != nil {
		return
	}
	lines := strings.Split(string(b), "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		if f := strings.Fields(lines[i]); len(f) > 1 && strings.HasPrefix(f[1], dir+"/") {
			_ = syscall.Unmount(f[1], syscall.MNT_DETACH)
		}
	}
}

func wantDeniedBy(t *testing.T, r cmdResult, parts ...string) {
	t.Helper()
	if r.Code == 0 {
		t.Fatalf("allowed, want denied by the plugin:\n%s", r)
	}
	for _, p := range append([]string{"authorization denied by plugin"}, parts...) {
		if !strings.Contains(r.Stderr, p) {
			t.Errorf("stderr lacks %q:\n%s", p, r)
		}
	}
}

func TestAuthzPlugin(t *testing.T) {
	requireDockerd(t)
	docker0Before := exec.Command("ip", "link", "show", "docker0").Run() == nil
	ae := startAuthzEngine(t)

	t.Run("check", func(t *testing.T) {
		r := ae.hardrun(t, "authz", "check")
		if r.Code != 0 || !strings.Contains(r.Stdout, "consults the hardrun authorization plugin") {
			t.Fatalf("%s", r)
		}
	})
	t.Run("reads pass", func(t *testing.T) {
		for _, args := range [][]string{{"ps", "-a"}, {"images"}, {"info"}, {"network", "ls"}} {
			if r := ae.docker(t, args...); r.Code != 0 {
				t.Errorf("docker %v: %s", args, r)
			}
		}
	})
	t.Run("hardrun run passes", func(t *testing.T) {
		r := ae.hardrun(t, "run", "--rm", "hardrun-test/root", "id")
		if r.Code != 0 || !strings.Contains(r.Stdout, "uid=10001") {
			t.Fatalf("%s", r)
		}
	})
	t.Run("explain docker line passes", func(t *testing.T) {
		ex := ae.hardrun(t, "explain", "--format", "docker", "--rm", "hardrun-test/root", "id")
		if ex.Code != 0 || !strings.HasPrefix(ex.Stdout, "docker run ") {
			t.Fatalf("%s", ex)
		}
		r := runCmd(t, "", []string{"DOCKER_HOST=" + ae.host}, "sh", "-c", strings.TrimSpace(ex.Stdout))
		if r.Code != 0 || !strings.Contains(r.Stdout, "uid=10001") {
			t.Fatalf("%s\n%s", ex.Stdout, r)
		}
		line := strings.Replace(strings.TrimSpace(ex.Stdout), " hardrun-test/root", " -v /etc:/x hardrun-test/root", 1)
		r = runCmd(t, "", []string{"DOCKER_HOST=" + ae.host}, "sh", "-c", line)
		wantDeniedBy(t, r, "-v /etc:/x", "/etc")
	})
	t.Run("plain docker run denied", func(t *testing.T) {
		wantDeniedBy(t, ae.docker(t, "run", "--rm", "hardrun-test/root", "id"),
			"missing --cap-drop ALL", "--read-only", "no-new-privileges", "seccomp", "hardrun run")
		wantDeniedBy(t, ae.docker(t, "run", "--rm", "--privileged", "hardrun-test/root", "id"), "--privileged is not permitted")
	})
	t.Run("bind volume denied", func(t *testing.T) {
		wantDeniedBy(t, ae.docker(t, "volume", "create", "--opt", "type=none", "--opt", "o=bind", "--opt", "device=/etc", "hrz-etc"), "volume hrz-etc")
		if r := ae.docker(t, "volume", "create", "hrz-plain"); r.Code != 0 {
			t.Errorf("plain volume: %s", r)
		}
		ae.docker(t, "volume", "rm", "hrz-plain")
	})
	t.Run("exec -u 0 denied", func(t *testing.T) {
		if r := ae.hardrun(t, "run", "-d", "--name", "hrz-exec", "hardrun-test/root", "sleep", "300"); r.Code != 0 {
			t.Fatalf("%s", r)
		}
		defer ae.docker(t, "rm", "-f", "hrz-exec")
		wantDeniedBy(t, ae.docker(t, "exec", "-u", "0", "hrz-exec", "id"), "exec --user 0 is not permitted")
		if r := ae.docker(t, "exec", "hrz-exec", "id"); r.Code != 0 || !strings.Contains(r.Stdout, "uid=10001") {
			t.Errorf("plain exec: %s", r)
		}
	})
	var withPlugin time.Duration
	t.Run("budgets", func(t *testing.T) {
		ae.measure(t)
		withPlugin = ae.launchTime(t, 10)
	})
	t.Run("denials are logged", func(t *testing.T) {
		if !strings.Contains(ae.serveLog.String(), `hardrun-authz deny endpoint="POST /containers/create"`) {
			t.Errorf("no denial line in the plugin's log:\n%s", tail(ae.serveLog.String(), 2000))
		}
	})
	t.Run("plugin killed: creates fail", func(t *testing.T) {
		_ = ae.serve.Process.Kill()
		_ = ae.serve.Wait()
		r := ae.hardrun(t, "run", "--rm", "hardrun-test/root", "id")
		if r.Code == 0 {
			t.Fatalf("a create passed without its plugin: %s", r)
		}
		if r := ae.docker(t, "create", "hardrun-test/root"); r.Code == 0 {
			t.Fatalf("a create passed without its plugin: %s", r)
		}
	})
	t.Run("launch without the plugin", func(t *testing.T) {
		ae.stopDockerd()
		ae.startDockerdWith(t, false)
		without := ae.launchTime(t, 10)
		t.Logf("hardrun run --rm: %v with the plugin, %v without (%+.1f%%)", withPlugin, without,
			100*(float64(withPlugin)-float64(without))/float64(without))
	})
	ae.stop(t)
	t.Run("host engine untouched", func(t *testing.T) {
		if docker0Before && exec.Command("ip", "link", "show", "docker0").Run() != nil {
			t.Error("the host's docker0 is gone")
		}
		if r := runDocker(t, "network", "inspect", "bridge"); r.Code != 0 {
			t.Errorf("the host engine's bridge network: %s", r)
		}
	})
}

// measure sends 10,000 AuthZReq calls of hardrun's own create straight to
// the plugin and reports the latency and the plugin's RSS afterwards
// (budgets: ≤1 ms of the plugin's CPU per request, RSS ≤30 MiB).
func (ae *authzEngine) measure(t *testing.T) {
	ex := ae.hardrun(t, "explain", "--format", "json", "hardrun-test/root", "id")
	var out struct {
		Request struct {
			Config           map[string]any `json:"config"`
			HostConfig       any            `json:"host_config"`
			NetworkingConfig any            `json:"networking_config"`
		}
	}
	if err := json.Unmarshal([]byte(ex.Stdout), &out); err != nil {
		t.Fatalf("explain json: %v\n%s", err, ex)
	}
	// The create body: the config's fields at the top, as the API takes it.
	body := out.Request.Config
	body["HostConfig"], body["NetworkingConfig"] = out.Request.HostConfig, out.Request.NetworkingConfig
	createBody, _ := json.Marshal(body)
	hc := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, "unix", ae.pluginSock)
	}}}
	create, _ := json.Marshal(map[string]any{"RequestMethod": "POST", "RequestUri": "/v1.41/containers/create", "RequestBody": createBody})
	read, _ := json.Marshal(map[string]any{"RequestMethod": "GET", "RequestUri": "/v1.41/containers/json"})
	cpu0 := procCPU(t, ae.serve.Process.Pid)
	start := time.Now()
	const n = 10000
	denied := 0
	for i := range n {
		body := read
		if i%2 == 0 {
			body = create
		}
		resp, err := hc.Post("http://plugin/AuthZPlugin.AuthZReq", "application/json", bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		var r struct{ Allow bool }
		_ = json.NewDecoder(resp.Body).Decode(&r)
		resp.Body.Close()
		if !r.Allow {
			denied++
		}
	}
	wall := time.Since(start)
	cpu := procCPU(t, ae.serve.Process.Pid) - cpu0
	rss := procRSS(t, ae.serve.Process.Pid)
	t.Logf("%d requests (half creates): %v wall per request, %v plugin CPU per request, RSS %d KiB after", n, wall/n, cpu/n, rss)
	if denied != 0 {
		t.Errorf("%d of hardrun's own creates (explain's request) were denied", denied)
	}
	if cpu/n > time.Millisecond {
		t.Errorf("plugin CPU %v per request, budget 1ms", cpu/n)
	}
	if rss > 30*1024 {
		t.Errorf("plugin RSS %d KiB after %d requests, budget 30 MiB", rss, n)
	}
}

func procCPU(t *testing.T, pid int) time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		t.Fatal(err)
	}
	f := strings.Fields(string(b)[strings.LastIndexByte(string(b), ')')+2:])
	var ut, st int64
	fmt.Sscan(f[11], &ut)
	fmt.Sscan(f[12], &st)
	return time.Duration(ut+st) * 10 * time.Millisecond // USER_HZ 100
}

func procRSS(t *testing.T, pid int) int {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "VmRSS:"); ok {
			var kb int
			fmt.Sscan(strings.TrimSpace(v), &kb)
			return kb
		}
	}
	return 0
}
