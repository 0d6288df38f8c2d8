package integration

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

const healthImage = "hardrun-test/health:latest"

// auditRole is one container of the audit test: how it is started and
// what audit must find.
type auditRole struct {
	role    string
	hardrun bool     // started with hardrun run (default profile), else docker run
	args    []string // run flags
	image   string
	pass    bool
	keys    []string // profile keys that must have a finding
	cis     []string // CIS checks that must fail
}

// auditRoles: hardrun's default (passes), a plain docker run, and the
// settings of --privileged that this engine accepts (it cannot start a
// privileged container here: runc may not apply every capability).
var auditRoles = []auditRole{
	{role: "hardrun", hardrun: true, image: healthImage, pass: true},
	{role: "plain", image: rootImage,
		keys: []string{"user", "cap_drop", "read_only", "network.default", "limits.memory", "limits.pids", "no_new_privileges", "seccomp"},
		cis:  []string{"5.11", "5.12", "5.13", "5.19", "5.26", "5.27", "5.29", "5.30"}},
	{role: "risky", image: rootImage, args: []string{
		"--cap-add", "SYS_ADMIN", "--pid", "host", "--ipc", "host", "--uts", "host",
		"--security-opt", "seccomp=unconfined", "--security-opt", "no-new-privileges=false",
		"-v", "/etc:/host-etc", "-v", "/var/run/docker.sock:/var/run/docker.sock",
		"--device", "/dev/null:/dev/hardrun-null", "-p", "981:80", "--restart", "always", "--cgroup-parent", "/hardrun-it",
	},
		keys: []string{"cap_allow", "namespaces_allow_host", "seccomp.base", "no_new_privileges", "devices_allow", "restart_allow", "enforce"},
		cis:  []string{"5.4", "5.6", "5.8", "5.9", "5.14", "5.15", "5.16", "5.17", "5.18", "5.21", "5.22", "5.25", "5.26", "5.32"}},
	{role: "hostns", image: rootImage, args: []string{"--network", "host", "--userns", "host"},
		keys: []string{"network.allow", "namespaces_allow_host"},
		cis:  []string{"5.10", "5.31"}},
	// Where hardrun reads the benchmark differently from docker-bench (see
	// benchDisagreements), and a health check given on the command line.
	{role: "edges", image: rootImage, args: []string{
		"--cpu-shares", "1024", "-p", "1024:80", "-v", "/etc/ssl:/host-ssl", "--restart", "on-failure", "--health-cmd", "true",
	},
		keys: []string{"enforce", "network.publish_host_ip"},
		cis:  []string{"5.6", "5.12", "5.14", "5.15"}},
}

// auditDoc is the part of `audit --format json` the test reads.
type auditDoc struct {
	Pass    bool          `json:"pass"`
	Results []auditResult `json:"results"`
}

type auditResult struct {
	Container struct {
		ID, Name string
		Profile  string `json:"profile_label"`
		Version  string `json:"version_label"`
	} `json:"container"`
	Pass     bool `json:"pass"`
	Findings []struct {
		Source, ID, Want, Got string
		Pass, Skipped         bool
	} `json:"findings"`
}

// result is the named container's result.
func (d auditDoc) result(name string) (auditResult, bool) {
	i := slices.IndexFunc(d.Results, func(r auditResult) bool { return r.Container.Name == name })
	if i < 0 {
		return auditResult{}, false
	}
	return d.Results[i], true
}

// startAuditContainers starts one running container per role and returns
// their names by role.
func startAuditContainers(t *testing.T) map[string]string {
	t.Helper()
	names := map[string]string{}
	for _, r := range auditRoles {
		name := fmt.Sprintf("hardrun-it-audit-%s-%d", r.role, os.Getpid())
		runDocker(t, "rm", "-f", "-v", name)
		args := append([]string{"run", "-d", "--name", name, labelled(t)}, r.args...)
		args = append(args, r.image, "sleep", "600")
		var res cmdResult
		if r.hardrun {
			res = runHardrun(t, args...)
		} else {
			res = runDocker(t, args...)
		}
		t.Cleanup(func() { runDocker(t, "rm", "-f", "-v", name) })
		if res.Code != 0 {
			t.Fatalf("start %s container: %s", r.role, res)
		}
		names[r.role] = name
	}
	return names
}

func TestAudit(t *testing.T) {
	requireEngine(t)
	names := startAuditContainers(t)
	all := make([]string, 0, len(auditRoles))
	for _, r := range auditRoles {
		all = append(all, names[r.role])
	}
	res := runHardrun(t, append([]string{"audit", "--format", "json"}, all...)...)
	if res.Code != 1 {
		t.Fatalf("audit of failing containers: want exit 1, got %s", res)
	}
	var doc auditDoc
	if err := json.Unmarshal([]byte(res.Stdout), &doc); err != nil {
		t.Fatalf("audit --format json: %v\n%s", err, res.Stdout)
	}

	t.Run("verdicts", func(t *testing.T) { checkVerdicts(t, doc, names) })
	t.Run("exit codes", func(t *testing.T) { checkAuditExits(t, names) })
	t.Run("formats", func(t *testing.T) { checkAuditFormats(t, all) })
	t.Run("all", func(t *testing.T) {
		r := runHardrun(t, "audit", "--all", "--format", "json")
		var d auditDoc
		if r.Code != 1 || json.Unmarshal([]byte(r.Stdout), &d) != nil {
			t.Fatalf("audit --all: want exit 1 and JSON, got %s", r)
		}
		for _, n := range all {
			if _, ok := d.result(n); !ok {
				t.Errorf("audit --all did not audit %s", n)
			}
		}
	})
	label := strings.TrimPrefix(labelled(t), "--label=")
	t.Run("agrees with docker-bench-security", func(t *testing.T) { checkDockerBench(t, doc, names, label) })
}

func checkVerdicts(t *testing.T, doc auditDoc, names map[string]string) {
	if doc.Pass {
		t.Error("report passes")
	}
	for _, r := range auditRoles {
		got, ok := doc.result(names[r.role])
		if !ok {
			t.Errorf("%s: not in the report", r.role)
			continue
		}
		if got.Pass != r.pass {
			t.Errorf("%s: pass %v, want %v", r.role, got.Pass, r.pass)
		}
		if r.hardrun && (!strings.HasPrefix(got.Container.Profile, "default@sha256:") || got.Container.Version == "") {
			t.Errorf("%s: labels %q %q, want default@sha256:... and a version", r.role, got.Container.Profile, got.Container.Version)
		}
		failed := map[string]bool{}
		for _, f := range got.Findings {
			if !f.Pass {
				failed[f.Source+" "+f.ID] = true
				if f.Want == "" || f.Got == "" {
					t.Errorf("%s: finding %s %s without want or got", r.role, f.Source, f.ID)
				}
			}
			if r.pass && !f.Pass {
				t.Errorf("%s: %s %s failed: want %q, got %q", r.role, f.Source, f.ID, f.Want, f.Got)
			}
		}
		for _, k := range r.keys {
			if !failed["profile "+k] {
				t.Errorf("%s: no profile finding for %s", r.role, k)
			}
		}
		for _, c := range r.cis {
			if !failed["cis "+c] {
				t.Errorf("%s: CIS %s did not fail", r.role, c)
			}
		}
	}
}

func checkAuditExits(t *testing.T, names map[string]string) {
	if r := runHardrun(t, "audit", names["hardrun"]); r.Code != 0 {
		t.Errorf("audit of hardrun's container: want exit 0, got %s", r)
	}
	if r := runHardrun(t, "audit", "hardrun-it-audit-no-such-container"); r.Code != 125 {
		t.Errorf("audit of a missing container: want exit 125, got %s", r)
	}
	if r := runHardrun(t, "audit"); r.Code != 125 {
		t.Errorf("audit without containers: want exit 125, got %s", r)
	}
	if r := runHardrun(t, "audit", "--format", "yaml", names["hardrun"]); r.Code != 125 {
		t.Errorf("audit --format yaml: want exit 125, got %s", r)
	}
	if r := runHardrun(t, "audit", "--profile", "no-such-profile", names["hardrun"]); r.Code != 125 {
		t.Errorf("audit --profile no-such-profile: want exit 125, got %s", r)
	}
	if r := runHardrun(t, "audit", "--profile", "unconfined", names["plain"]); r.Code != 1 || strings.Contains(r.Stdout, "profile user") {
		t.Errorf("audit --profile unconfined of plain: want CIS failures only, got %s", r)
	}
}

func checkAuditFormats(t *testing.T, all []string) {
	r := runHardrun(t, append([]string{"audit"}, all...)...)
	if r.Code != 1 || !strings.Contains(r.Stdout, "started by hardrun") || !strings.Contains(r.Stdout, "not started by hardrun") ||
		!strings.Contains(r.Stdout, "cis 5.13") {
		t.Errorf("text: %s", r)
	}
	r = runHardrun(t, append([]string{"audit", "--format", "sarif"}, all...)...)
	var sarif struct {
		Version string `json:"version"`
		Runs    []struct {
			Results []struct{ RuleID string } `json:"results"`
		} `json:"runs"`
	}
	if r.Code != 1 || json.Unmarshal([]byte(r.Stdout), &sarif) != nil || sarif.Version != "2.1.0" || len(sarif.Runs) != 1 || len(sarif.Runs[0].Results) == 0 {
		t.Errorf("sarif: %s", r)
	}
}

// Agreement with docker-bench-security's container_runtime checks, run on
// the same containers. Its checkout is never part of this repository: set
// DOCKER_BENCH_SECURITY to a checkout of github.com/docker/docker-bench-security.

// benchDisagreements are the verdicts known to differ, by check and role,
// with the reason. Any other difference fails the test.
var benchDisagreements = map[string]map[string]string{
	"5.6": {"edges": "-v /etc/ssl:/host-ssl (rw): docker-bench matches only the listed directories themselves; " +
		"hardrun also fails a writable bind of anything under them"},
	"5.8": {"edges": "-p 1024:80: docker-bench fails ports below 1025; the benchmark names ports below 1024 privileged, " +
		"and 1024 is not (ip_unprivileged_port_start defaults to 1024)"},
	"5.12": {"edges": "--cpu-shares 1024: docker-bench passes any non-zero CpuShares; the benchmark's audit says " +
		"0 or 1024 (the engine's default) means CPU shares are not in place"},
	"5.15": {
		"risky": "--restart always: docker-bench only fails a MaximumRetryCount above 5 (always has 0); " +
			"the benchmark's audit says RestartPolicyName=always is not as desired",
		"edges": "--restart on-failure: docker-bench passes MaximumRetryCount 0, which means no bound; " +
			"the benchmark wants at most 5 attempts",
	},
	"5.26": {"risky": "--security-opt no-new-privileges=false: docker-bench greps for the substring no-new-privileges; " +
		"hardrun reads the value, false"},
}

// benchJudged are the checks both judge (docker-bench also runs 5.1, 5.7,
// 5.23, 5.24, 5.28, which inspect data cannot judge).
var benchJudged = []string{"5.2", "5.3", "5.4", "5.5", "5.6", "5.8", "5.9", "5.10", "5.11", "5.12", "5.13", "5.14",
	"5.15", "5.16", "5.17", "5.18", "5.19", "5.20", "5.21", "5.22", "5.25", "5.26", "5.27", "5.29", "5.30", "5.31", "5.32"}

func checkDockerBench(t *testing.T, doc auditDoc, names map[string]string, label string) {
	dir := os.Getenv("DOCKER_BENCH_SECURITY")
	if dir == "" {
		t.Skip("DOCKER_BENCH_SECURITY does not name a docker-bench-security checkout")
	}
	bench, raw := runDockerBench(t, dir, label)
	ours := map[string]map[string]string{} // check -> role -> verdict
	for _, r := range auditRoles {
		res, _ := doc.result(names[r.role])
		for _, f := range res.Findings {
			if f.Source != "cis" {
				continue
			}
			if ours[f.ID] == nil {
				ours[f.ID] = map[string]string{}
			}
			ours[f.ID][r.role] = map[bool]string{true: "pass", false: "fail"}[f.Pass]
			if f.Skipped {
				ours[f.ID][r.role] = "n/a"
			}
		}
	}
	var table []string
	for _, id := range benchJudged {
		for _, r := range auditRoles {
			b, h := bench.verdict(id, names[r.role]), ours[id][r.role]
			line := fmt.Sprintf("%-5s %-8s docker-bench %-4s hardrun %-4s", id, r.role, b, h)
			reason, known := benchDisagreements[id][r.role]
			switch {
			case h == "n/a":
				line += "  not judged by hardrun here: the engine lacks the mechanism (\"if applicable\")"
			case b != h && known:
				line += "  DISAGREE (known): " + reason
			case b != h:
				line += "  DISAGREE"
				t.Errorf("CIS %s on %s: docker-bench says %s, hardrun says %s", id, r.role, b, h)
			case known:
				t.Errorf("CIS %s on %s: known disagreement no longer happens: %s", id, r.role, reason)
			}
			table = append(table, line)
		}
	}
	t.Logf("agreement with docker-bench-security, check by check:\n%s", strings.Join(table, "\n"))
	if t.Failed() {
		t.Logf("docker-bench-security's JSON:\n%s", raw)
	}
}

// benchResult is docker-bench's JSON log: per check, the listed items.
type benchResult map[string]benchCheck

type benchCheck struct {
	result string
	items  []string
}

// verdict is docker-bench's verdict on a container: a scored check (WARN)
// or a manual one (INFO) that lists it fails it. Items are NAME,
// NAME:detail, or ID:NAME (5.30).
func (b benchResult) verdict(id, name string) string {
	r, ok := b[id]
	if !ok {
		return "none"
	}
	for _, it := range r.items {
		parts := strings.Split(it, ":")
		if slices.Contains(parts, name) {
			return "fail"
		}
	}
	return "pass"
}

// runDockerBench runs docker-bench-security's container_runtime checks
// on the running containers that carry label (KEY=VALUE).
func runDockerBench(t *testing.T, dir, label string) (benchResult, []byte) {
	t.Helper()
	log := filepath.Join(t.TempDir(), "bench.log")
	cmd := exec.Command("bash", "docker-bench-security.sh", "-b", "-c", "container_runtime", "-t", label, "-l", log)
	cmd.Dir = dir // it sources its functions from ./
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("docker-bench-security: %v\n%s", err, out)
	}
	data, err := os.ReadFile(log + ".json")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Tests []struct {
			Results []struct {
				ID     string   `json:"id"`
				Result string   `json:"result"`
				Items  []string `json:"items"`
			} `json:"results"`
		} `json:"tests"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatalf("docker-bench-security's JSON: %v\n%s", err, data)
	}
	out := benchResult{}
	for _, s := range doc.Tests {
		for _, r := range s.Results {
			out[r.ID] = benchCheck{r.Result, r.Items}
		}
	}
	if len(out) == 0 {
		t.Fatal("docker-bench-security judged nothing")
	}
	return out, data
}
