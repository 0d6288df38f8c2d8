package integration

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// inside runs script in a container of image under hardrun's default
// profile (plus extra flags) and returns its output lines as key=value.
func inside(t *testing.T, extra []string, image, script string) map[string]string {
	t.Helper()
	args := append([]string{"run", "--rm", labelled(t)}, extra...)
	args = append(args, image, "sh", "-c", script)
	r := runHardrun(t, args...)
	if r.Code != 0 {
		t.Fatalf("hardrun run: %s", r)
	}
	kv := map[string]string{}
	for _, line := range strings.Split(r.Stdout, "\n") {
		if k, v, ok := strings.Cut(line, "="); ok {
			kv[k] = strings.TrimSpace(v)
		}
	}
	return kv
}

const stateScript = `
echo uid=$(id -u)
echo gid=$(id -g)
echo caps_eff=$(awk '/^CapEff:/{print $2}' /proc/self/status)
echo caps_prm=$(awk '/^CapPrm:/{print $2}' /proc/self/status)
echo nnp=$(awk '/^NoNewPrivs:/{print $2}' /proc/self/status)
echo seccomp=$(awk '/^Seccomp:/{print $2}' /proc/self/status)
echo seccomp_filters=$(awk '/^Seccomp_filters:/{print $2}' /proc/self/status)
touch /rootfs-probe 2>/dev/null && echo root=rw || echo root=ro
touch /tmp/probe 2>/dev/null && echo tmp=rw || echo tmp=ro
touch /data/probe 2>/dev/null && echo data=rw || echo data=ro
echo memory=$(cat /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null || cat /sys/fs/cgroup/memory.max)
echo pids=$(cat /sys/fs/cgroup/pids/pids.max 2>/dev/null || cat /sys/fs/cgroup/pids.max)
echo nofile=$(ulimit -n)
echo pid1=$(cat /proc/1/comm)
`

func TestDefaultProfileInForce(t *testing.T) {
	requireEngine(t)
	data := t.TempDir()
	if err := os.WriteFile(filepath.Join(data, "f"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	got := inside(t, []string{"-v", data + ":/data"}, rootImage, stateScript)
	want := map[string]string{
		"caps_eff": "0000000000000000",
		"caps_prm": "0000000000000000",
		"nnp":      "1",
		"seccomp":  "2",
		"root":     "ro",
		"tmp":      "rw",
		"data":     "ro",
		"memory":   "536870912",
		"pids":     "256",
		"nofile":   "1024",
		"pid1":     "docker-init",
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
	if got["uid"] == "0" || got["uid"] == "" {
		t.Errorf("uid = %q, want a non-root uid", got["uid"])
	}
	if _, err := os.Stat(filepath.Join(data, "probe")); err == nil {
		t.Errorf("the container wrote into the read-only bind")
	}
}

func TestDefaultProfileKeepsImageUser(t *testing.T) {
	requireEngine(t)
	got := inside(t, nil, "hardrun-test/user:latest", "echo uid=$(id -u)")
	if got["uid"] != "1234" {
		t.Errorf("uid = %q, want the image's USER 1234", got["uid"])
	}
}

func TestDefaultProfileIsolatedNetwork(t *testing.T) {
	requireEngine(t)
	r := runHardrun(t, "create", labelled(t), rootImage, "true")
	if r.Code != 0 {
		t.Fatalf("create: %s", r)
	}
	id := strings.TrimSpace(r.Stdout)
	defer runDocker(t, "rm", "-f", id)
	mode := runDocker(t, "inspect", "-f", "{{.HostConfig.NetworkMode}}", id)
	if strings.TrimSpace(mode.Stdout) != "hardrun-isolated" {
		t.Errorf("network = %q, want hardrun-isolated", mode.Stdout)
	}
	icc := runDocker(t, "network", "inspect", "-f", `{{index .Options "com.docker.network.bridge.enable_icc"}}`, "hardrun-isolated")
	if strings.TrimSpace(icc.Stdout) != "false" {
		t.Errorf("enable_icc = %q, want false", icc.Stdout)
	}
	labels := runDocker(t, "inspect", "-f", "{{json .Config.Labels}}", id)
	var l map[string]string
	if err := json.Unmarshal([]byte(labels.Stdout), &l); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(l["io.hardrun.profile"], "default") || l["io.hardrun.version"] == "" {
		t.Errorf("labels %v lack io.hardrun.profile/version", l)
	}
}

func TestImageVolumeFollowsProfileMode(t *testing.T) {
	requireEngine(t)
	got := inside(t, nil, "hardrun-test/volume:latest", "touch /data/x 2>/dev/null && echo data=rw || echo data=ro; echo wd=$(pwd)")
	if got["data"] != "ro" {
		t.Errorf("image VOLUME /data is %q, want ro (volumes.default_mode)", got["data"])
	}
	if got["wd"] != "/work" {
		t.Errorf("workdir %q, want the image's /work", got["wd"])
	}
}

func TestUnconfinedIsDockerRun(t *testing.T) {
	requireEngine(t)
	r := runHardrun(t, "run", "--rm", "--profile", "unconfined", labelled(t), rootImage, "sh", "-c", "id -u; touch /x && echo rw")
	if r.Code != 0 || r.Stdout != "0\nrw\n" {
		t.Fatalf("unconfined should change nothing: %s", r)
	}
	if strings.Count(r.Stderr, "\n") != 1 || !strings.Contains(r.Stderr, "unconfined") {
		t.Errorf("want one warning line, got %q", r.Stderr)
	}
}

func TestExplainDockerLineMatchesCreate(t *testing.T) {
	requireEngine(t)
	flags := []string{labelled(t), "-e", "A=1", "-p", "8080:80", "-v", t.TempDir() + ":/d"}
	ex := runHardrun(t, append(append([]string{"explain", "--format", "docker"}, flags...), rootImage, "id")...)
	if ex.Code != 0 || !strings.HasPrefix(ex.Stdout, "docker run ") {
		t.Fatalf("explain --format docker: %s", ex)
	}
	hr := runHardrun(t, append(append([]string{"create"}, flags...), rootImage, "id")...)
	if hr.Code != 0 {
		t.Fatalf("hardrun create: %s", hr)
	}
	hid := strings.TrimSpace(hr.Stdout)
	defer runDocker(t, "rm", "-f", hid)
	line := strings.Replace(strings.TrimSpace(ex.Stdout), "docker run ", "docker create ", 1)
	dr := runCmd(t, "", nil, "sh", "-c", line)
	if dr.Code != 0 {
		t.Fatalf("docker create from the explained line: %s\nline: %s", dr, line)
	}
	did := strings.TrimSpace(dr.Stdout)
	defer runDocker(t, "rm", "-f", did)
	a, b := inspectComparable(t, hid), inspectComparable(t, did)
	for _, section := range []string{"Config", "HostConfig", "Mounts"} {
		if a[section] != b[section] {
			t.Errorf("%s differs:\nhardrun: %s\ndocker:  %s", section, a[section], b[section])
		}
	}
}

// inspectComparable returns the inspect sections of a container as JSON,
// with what differs between any two containers (names, IDs) set aside.
func inspectComparable(t *testing.T, id string) map[string]string {
	t.Helper()
	r := runDocker(t, "inspect", id)
	var all []map[string]json.RawMessage
	if err := json.Unmarshal([]byte(r.Stdout), &all); err != nil || len(all) != 1 {
		t.Fatalf("inspect %s: %v %s", id, err, r)
	}
	out := map[string]string{}
	for _, section := range []string{"Config", "HostConfig", "Mounts"} {
		var v any
		_ = json.Unmarshal(all[0][section], &v)
		scrub(v)
		b, _ := json.Marshal(v)
		out[section] = string(b)
	}
	return out
}

func scrub(v any) {
	m, ok := v.(map[string]any)
	if !ok {
		return
	}
	for _, k := range []string{"Hostname", "ContainerIDFile", "Name"} {
		delete(m, k)
	}
}
