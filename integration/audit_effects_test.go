package integration

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
)

// auditEffectsCase is a container made with plain docker that holds one
// hole, and the profile finding audit must give for it.
type auditEffectsCase struct {
	role  string
	args  []string // docker create arguments before the image
	image string
	id    string // the failed profile finding
	got   string // a part of its got
	run   bool   // started (the engine publishes ports only while it runs)
}

func auditEffectsCases(volume string) []auditEffectsCase {
	return []auditEffectsCase{
		{role: "user0", args: []string{"--user", "0"}, image: "hardrun-test/user:latest", id: "allow_root", got: "--user 0"},
		{role: "hostproc", args: []string{"-v", "/proc:/hostproc"}, image: "hardrun-test/user:latest", id: "enforce", got: "/proc:/hostproc"},
		{role: "group0", image: group0Image, id: "allow_root_group", got: "groups 0,1234"},
		{role: "tmpfsvol", args: []string{"-v", volume + ":/v"}, image: "hardrun-test/user:latest", id: "volumes.driver_options", got: volume},
		{role: "syslog", args: []string{"--log-driver", "syslog"}, image: "hardrun-test/user:latest", id: "logging_allow", got: "syslog"},
		{role: "cgroupns", args: []string{"--cgroupns", "host"}, image: "hardrun-test/user:latest", id: "namespaces_allow_host", got: "host"},
		{role: "noetc", image: "hardrun-test/scratch:latest", id: "allow_root", got: "uid 0"},
		{role: "ports", args: []string{"-p", "80"}, image: "hardrun-test/user:latest", id: "network.publish_host_ip", got: "0.0.0.0:", run: true},
	}
}

// TestAuditEffects: audit exits 1 on containers made with plain docker
// that hold the holes, each named by its own finding, read from what the
// container really gets (its own user files, the volume's options, the
// recorded log driver and cgroup namespace, the ports the engine bound).
func TestAuditEffects(t *testing.T) {
	requireEngine(t)
	buildGroup0Image(t)
	volume := fmt.Sprintf("hardrun-it-tmpfs-%d", os.Getpid())
	if r := runDocker(t, "volume", "create", "-o", "type=tmpfs", "-o", "device=tmpfs", volume); r.Code != 0 {
		t.Fatalf("create volume: %s", r)
	}
	t.Cleanup(func() { runDocker(t, "volume", "rm", "-f", volume) })
	cases := auditEffectsCases(volume)
	var names []string
	for _, c := range cases {
		name := fmt.Sprintf("hardrun-it-effects-%s-%d", c.role, os.Getpid())
		verb := "create"
		if c.run {
			verb = "run"
		}
		args := append([]string{verb, "--name", name, labelled(t)}, c.args...)
		if c.run {
			args = append([]string{"run", "-d"}, args[1:]...)
		}
		args = append(args, c.image, "sleep", "600")
		r := runDocker(t, args...)
		t.Cleanup(func() { runDocker(t, "rm", "-f", name) })
		if r.Code != 0 {
			if c.role == "syslog" {
				t.Logf("the engine refuses --log-driver syslog at create, case skipped: %s", r.Stderr)
				continue
			}
			t.Fatalf("create %s: %s", c.role, r)
		}
		names = append(names, name)
	}
	r := runHardrun(t, append([]string{"audit", "--format", "json"}, names...)...)
	if r.Code != 1 {
		t.Fatalf("audit: exit %d, want 1\n%s", r.Code, r.Stderr)
	}
	var doc auditDoc
	if err := json.Unmarshal([]byte(r.Stdout), &doc); err != nil {
		t.Fatalf("audit output: %v\n%s", err, r.Stdout)
	}
	for _, c := range cases {
		name := fmt.Sprintf("hardrun-it-effects-%s-%d", c.role, os.Getpid())
		t.Run(c.role, func(t *testing.T) {
			res, ok := doc.result(name)
			if !ok {
				t.Skip("not created (see the log above)")
			}
			for _, f := range res.Findings {
				if f.Source == "profile" && f.ID == c.id && !f.Pass && strings.Contains(f.Got, c.got) {
					return
				}
			}
			t.Errorf("no failed profile finding %s with got %q in %+v", c.id, c.got, res.Findings)
		})
	}
}

// TestAuditRemovedContainer: a container named on the command line that
// does not exist (removed before audit read it) is reported, exit 125,
// never a crash; under --all a removal during the run is unit-tested
// (audit's TestRunRemovedWhileAudited), since its timing cannot be forced
// from outside.
func TestAuditRemovedContainer(t *testing.T) {
	requireEngine(t)
	name := fmt.Sprintf("hardrun-it-effects-gone-%d", os.Getpid())
	if r := runDocker(t, "create", "--name", name, labelled(t), "hardrun-test/user:latest"); r.Code != 0 {
		t.Fatalf("create: %s", r)
	}
	runDocker(t, "rm", "-f", name)
	r := runHardrun(t, "audit", name)
	if r.Code != 125 || !strings.Contains(r.Stderr, name) || strings.Contains(r.Stderr, "panic") {
		t.Errorf("audit of a removed container: %s", r)
	}
}
