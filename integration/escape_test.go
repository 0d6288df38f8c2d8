package integration

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestEscapeCatalogue: docker-run requests that must be refused under the
// default profile, each in the spellings docker accepts. Every case asserts
// exit 125, a refusal line naming the profile, and that no container,
// volume or network was left behind.
func TestEscapeCatalogue(t *testing.T) {
	requireEngine(t)
	dir := t.TempDir()
	etcLink := filepath.Join(dir, "etc-link")
	if err := os.Symlink("/etc", etcLink); err != nil {
		t.Fatal(err)
	}
	sockLink := filepath.Join(dir, "sock-link")
	if err := os.Symlink("/var/run/docker.sock", sockLink); err != nil {
		t.Fatal(err)
	}
	seccompFile := filepath.Join(dir, "seccomp.json")
	if err := os.WriteFile(seccompFile, []byte(`{"defaultAction":"SCMP_ACT_ALLOW"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	relEtc, err := filepath.Rel(mustGetwd(t), "/etc")
	if err != nil {
		t.Fatal(err)
	}

	// A container whose namespaces and mounts others could borrow.
	donor := "hardrun-it-donor"
	runDocker(t, "rm", "-f", donor)
	if r := runDocker(t, "create", "--name", donor, "--label", testLabel+"="+runID+".donor", "-v", "/etc:/host-etc", rootImage, "sleep", "60"); r.Code != 0 {
		t.Fatalf("create donor: %s", r)
	}
	defer runDocker(t, "rm", "-f", donor)
	// A named volume that binds a host path through its driver options.
	evilVol := "hardrun-it-bindvol"
	runDocker(t, "volume", "rm", "-f", evilVol)
	if r := runDocker(t, "volume", "create", "--opt", "type=none", "--opt", "o=bind", "--opt", "device=/etc", evilVol); r.Code != 0 {
		t.Fatalf("create volume: %s", r)
	}
	defer runDocker(t, "volume", "rm", "-f", evilVol)

	cases := []struct {
		name string
		args []string
	}{
		{"privileged", []string{"--privileged"}},
		{"privileged=true", []string{"--privileged=true"}},
		{"privileged=1", []string{"--privileged=1"}},
		{"privileged last wins", []string{"--privileged=false", "--privileged"}},
		{"pid host", []string{"--pid", "host"}},
		{"pid=host", []string{"--pid=host"}},
		{"ipc host", []string{"--ipc", "host"}},
		{"uts host", []string{"--uts", "host"}},
		{"userns host", []string{"--userns", "host"}},
		{"cgroupns host", []string{"--cgroupns", "host"}},
		{"network host", []string{"--network", "host"}},
		{"net host", []string{"--net=host"}},
		{"network container", []string{"--network", "container:" + donor}},
		{"pid container", []string{"--pid", "container:" + donor}},
		{"ipc container", []string{"--ipc", "container:" + donor}},
		{"docker socket", []string{"-v", "/var/run/docker.sock:/var/run/docker.sock"}},
		{"run docker socket", []string{"-v", "/run/docker.sock:/s"}},
		{"docker socket mount", []string{"--mount", "type=bind,src=/var/run/docker.sock,dst=/s"}},
		{"docker socket symlink", []string{"-v", sockLink + ":/s"}},
		{"use api socket", []string{"--use-api-socket"}},
		{"bind root", []string{"-v", "/:/host"}},
		{"bind etc", []string{"-v", "/etc:/e"}},
		{"bind etc ro", []string{"-v", "/etc:/e:ro"}},
		{"bind under etc", []string{"-v", "/etc/passwd:/p"}},
		{"bind proc", []string{"-v", "/proc:/p"}},
		{"bind sys", []string{"-v", "/sys:/s"}},
		{"bind dev", []string{"-v", "/dev:/d"}},
		{"bind boot", []string{"-v", "/boot:/b"}},
		{"bind root home", []string{"-v", "/root:/r"}},
		{"bind docker data", []string{"-v", "/var/lib/docker:/d"}},
		{"bind run", []string{"-v", "/run:/r"}},
		{"bind var run", []string{"-v", "/var/run:/r"}},
		{"bind symlink to etc", []string{"-v", etcLink + ":/x"}},
		{"bind dotdot", []string{"-v", "/tmp/../etc:/x"}},
		{"bind relative", []string{"-v", relEtc + ":/x"}},
		{"mount bind etc", []string{"--mount", "type=bind,source=/etc,target=/x,readonly"}},
		{"mount bind symlink", []string{"--mount", "type=bind,src=" + etcLink + ",dst=/x"}},
		{"seccomp unconfined", []string{"--security-opt", "seccomp=unconfined"}},
		{"seccomp colon unconfined", []string{"--security-opt", "seccomp:unconfined"}},
		{"seccomp file", []string{"--security-opt", "seccomp=" + seccompFile}},
		{"apparmor unconfined", []string{"--security-opt", "apparmor=unconfined"}},
		{"apparmor named", []string{"--security-opt", "apparmor=foo"}},
		{"label disable", []string{"--security-opt", "label=disable"}},
		{"label colon disable", []string{"--security-opt", "label:disable"}},
		{"systempaths", []string{"--security-opt", "systempaths=unconfined"}},
		{"nnp false", []string{"--security-opt", "no-new-privileges=false"}},
		{"nnp 0", []string{"--security-opt", "no-new-privileges=0"}},
		{"nnp colon false", []string{"--security-opt", "no-new-privileges:false"}},
		{"device", []string{"--device", "/dev/null"}},
		{"device cgroup rule", []string{"--device-cgroup-rule", "c 1:3 rwm"}},
		{"gpus", []string{"--gpus", "all"}},
		{"group-add 0", []string{"--group-add", "0"}},
		{"group-add root", []string{"--group-add", "root"}},
		{"cgroup parent", []string{"--cgroup-parent", "escape"}},
		{"runtime", []string{"--runtime", "crun"}},
		{"workdir proc", []string{"--workdir", "/proc/self"}},
		{"shared propagation", []string{"-v", dir + ":/x:shared"}},
		{"rslave propagation", []string{"--mount", "type=bind,src=" + dir + ",dst=/x,bind-propagation=rslave"}},
		{"volume opt bind", []string{"--mount", "type=volume,dst=/x,volume-opt=type=none,volume-opt=o=bind,volume-opt=device=/etc"}},
		{"existing bind volume", []string{"-v", evilVol + ":/x"}},
		{"volumes-from host etc", []string{"--volumes-from", donor}},
		{"cap-add sys_admin", []string{"--cap-add", "SYS_ADMIN"}},
		{"cap-add lower prefixed", []string{"--cap-add", "cap_sys_admin"}},
		{"cap-add ALL", []string{"--cap-add", "ALL"}},
		{"cap-add net_raw", []string{"--cap-add=net_raw"}},
		{"user 0", []string{"--user", "0"}},
		{"user root", []string{"-u", "root"}},
		{"user 0:0", []string{"--user=0:0"}},
		{"read-only false", []string{"--read-only=false"}},
		{"memory above max", []string{"--memory", "64g"}},
		{"pids unlimited", []string{"--pids-limit", "-1"}},
		{"cpus above max", []string{"--cpus", "8"}},
		{"sysctl", []string{"--sysctl", "net.ipv4.ip_forward=1"}},
		{"restart always", []string{"--restart", "always"}},
		{"explicit rw bind", []string{"-v", dir + ":/x:rw"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			vols, nets := listNames(t, "volume"), listNames(t, "network")
			args := []string{"run", labelled(t)}
			if !slices.Contains(tc.args, "--restart") { // docker: --restart conflicts with --rm
				args = append(args, "--rm")
			}
			args = append(args, tc.args...)
			args = append(args, rootImage, "true")
			r := runHardrun(t, args...)
			if r.Code != 125 {
				t.Fatalf("exit %d, want 125: %s", r.Code, r)
			}
			if !strings.Contains(r.Stderr, `hardrun: refused by profile "default": `) {
				t.Errorf("no refusal line: %s", r.Stderr)
			}
			if ids := containersOf(t); len(ids) != 0 {
				runDocker(t, append([]string{"rm", "-f"}, ids...)...)
				t.Errorf("a refused request left containers %v", ids)
			}
			if added := newNames(vols, listNames(t, "volume")); len(added) != 0 {
				t.Errorf("a refused request created volumes %v", added)
			}
			if added := newNames(nets, listNames(t, "network")); len(added) != 0 {
				t.Errorf("a refused request created networks %v", added)
			}
		})
	}
	if len(cases) < 60 {
		t.Errorf("the catalogue has %d cases, want at least 60", len(cases))
	}
}

func listNames(t *testing.T, kind string) []string {
	t.Helper()
	r := runDocker(t, kind, "ls", "-q")
	if r.Code != 0 {
		t.Fatalf("docker %s ls: %s", kind, r)
	}
	return strings.Fields(r.Stdout)
}

func newNames(before, after []string) []string {
	var added []string
	for _, n := range after {
		if !slices.Contains(before, n) {
			added = append(added, n)
		}
	}
	return added
}

func mustGetwd(t *testing.T) string {
	t.Helper()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	return wd
}
