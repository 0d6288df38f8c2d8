package audit

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/moby/moby/api/types/container"

	goldenfile "github.com/hardrun/hardrun/internal/golden"
	"github.com/hardrun/hardrun/policy"
)

// update is the -update flag of internal/golden, which every package accepts.
var update = goldenfile.Update

// fixtureReport is three containers: one hardrun started (passes), one
// plain `docker run -p 8080:80 -v /srv:/data` and one with host
// namespaces, a capability, the Docker socket and seccomp off, each with
// the policy's verdict as the launcher gives it for them.
func fixtureReport() Report {
	ok := Judge(Input{Container: hardened(), Engine: everything})

	p := plain()
	p.ID, p.Name = "066667e4f94b05abbdecf09d63e6b4f0f57153a67b49649f5520ac11573a6d40", "/plain"
	p.Config.Labels = nil
	p.Config.Healthcheck = nil
	p.ProcessLabel = ""
	plainRes := Judge(Input{Container: p, Engine: policy.EngineFacts{Seccomp: true, CgroupnsHost: true}, Image: imageExposing("80/tcp"),
		Policy: Policy{Changes: []policy.Change{
			{Flag: "--user", Field: policy.FieldUser, Value: "10001:10001", Key: "user", Why: "default"},
			{Flag: "--cap-drop", Field: policy.FieldCapDrop, Value: "ALL", Key: "cap_drop", Why: "default"},
			{Flag: "--cap-add", Field: policy.FieldCapAdd, Value: "NET_BIND_SERVICE", Key: "cap_add", Why: "default"},
			{Flag: "--read-only", Field: policy.FieldReadonlyRootfs, Value: "", Key: "read_only", Why: "default"},
			{Flag: "-v", Field: policy.FieldBinds, Elem: "/data", Value: "/srv:/data:ro", Key: "volumes.default_mode", Why: "default"},
			{Flag: "-p", Field: policy.FieldPortBindings, Elem: "80/tcp", Value: "127.0.0.1:8080:80/tcp", Key: "network.publish_host_ip", Why: "default"},
			{Flag: "--memory", Field: policy.FieldMemory, Value: "512m", Key: "limits.memory", Why: "default"},
			{Flag: "--security-opt", Field: policy.FieldSecurityOpt, Elem: "no-new-privileges", Value: "no-new-privileges:true", Key: "no_new_privileges", Why: "default"},
			{Flag: "--label", Field: policy.FieldLabels, Elem: "io.hardrun.version", Value: "io.hardrun.version=1.0.0", Key: "", Why: "label"},
		}}})

	b := plain()
	b.ID, b.Name = "441e7d1547dcc6dcb08428f1a03db8351fb594adac5c433ad5eb2125be1aa97a", "/bad"
	b.Config.Labels = nil
	b.HostConfig.PidMode, b.HostConfig.NetworkMode = "host", "host"
	b.HostConfig.CapAdd = []string{"CAP_SYS_ADMIN"}
	b.HostConfig.SecurityOpt = []string{"seccomp=unconfined"}
	b.Mounts = append(b.Mounts, container.MountPoint{Type: "bind", Source: "/var/run/docker.sock", Destination: "/var/run/docker.sock", RW: true})
	badRes := Judge(Input{Container: b, Engine: policy.EngineFacts{Seccomp: true, CgroupnsHost: true},
		Policy: Policy{Refusals: []policy.Refusal{
			{Item: "--cap-add CAP_SYS_ADMIN", Key: "cap_allow: []"},
			{Item: "--pid host", Key: "namespaces_allow_host: []"},
			{Item: "--network host", Key: "network.allow: [bridge, none, user-defined]"},
			{Item: "-v /var/run/docker.sock:/var/run/docker.sock", Key: "enforce: true", Why: "the Docker socket gives the container root on the host"},
			{Item: "--security-opt seccomp=unconfined", Key: "seccomp.base: default"},
		}}})

	return NewReport("1.0.0", ProfileRef{Name: "default", Hash: "973fa15ac6e745d446b496e845778d17baa3103bc73d0d21a357a1bd4567caa0"},
		[]string{"AppArmor not applied: this kernel has no AppArmor (apparmor.mode: if-available)"},
		[]Result{plainRes, ok, badRes})
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	file := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(file, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("%v (run go test ./audit -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file; if the change is intended, run go test ./audit -update and review the diff\n--- got ---\n%s", file, got)
	}
}

func TestGoldenOutputs(t *testing.T) {
	rep := fixtureReport()
	for _, f := range []struct{ format, file string }{
		{FormatJSON, "report.json"},
		{FormatSARIF, "report.sarif"},
		{FormatText, "report.txt"},
	} {
		t.Run(f.format, func(t *testing.T) {
			var buf bytes.Buffer
			if err := Write(&buf, rep, f.format); err != nil {
				t.Fatal(err)
			}
			golden(t, f.file, buf.Bytes())
		})
	}
}

func TestReportVerdict(t *testing.T) {
	rep := fixtureReport()
	if rep.Pass {
		t.Error("report passes with failing containers")
	}
	names := []string{}
	for _, r := range rep.Results {
		names = append(names, r.Container.Name+map[bool]string{true: ":pass", false: ":fail"}[r.Pass])
	}
	if want := "bad:fail plain:fail web:pass"; strings.Join(names, " ") != want {
		t.Errorf("results %v, want %s (sorted by name)", names, want)
	}
	empty := NewReport("1", ProfileRef{}, nil, nil)
	var buf bytes.Buffer
	if err := Write(&buf, empty, FormatJSON); err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc["results"] == nil || doc["notices"] == nil || doc["pass"] != true {
		t.Errorf("empty report: lists must not be null and it passes: %s", buf.String())
	}
	if err := Write(&buf, empty, "yaml"); err == nil {
		t.Error("unknown format accepted")
	}
}

// TestSARIFShape checks what code-scanning needs of every result: a rule
// that exists at its index, a level, a location and a fingerprint.
func TestSARIFShape(t *testing.T) {
	rep := fixtureReport()
	var buf bytes.Buffer
	if err := Write(&buf, rep, FormatSARIF); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Version string `json:"version"`
		Runs    []struct {
			Tool struct {
				Driver struct {
					Rules []struct {
						ID string `json:"id"`
					} `json:"rules"`
				} `json:"driver"`
			} `json:"tool"`
			Results []struct {
				RuleID       string            `json:"ruleId"`
				RuleIndex    int               `json:"ruleIndex"`
				Level        string            `json:"level"`
				Locations    []json.RawMessage `json:"locations"`
				Fingerprints map[string]string `json:"partialFingerprints"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Version != "2.1.0" || len(doc.Runs) != 1 {
		t.Fatalf("version %q, %d runs", doc.Version, len(doc.Runs))
	}
	failed := 0
	for _, r := range rep.Results {
		for _, f := range r.Findings {
			if !f.Pass {
				failed++
			}
		}
	}
	run := doc.Runs[0]
	if len(run.Results) != failed {
		t.Errorf("%d SARIF results for %d failed findings", len(run.Results), failed)
	}
	seen := map[string]bool{}
	for _, r := range run.Results {
		if r.RuleIndex >= len(run.Tool.Driver.Rules) || run.Tool.Driver.Rules[r.RuleIndex].ID != r.RuleID {
			t.Errorf("result %s: rule index %d does not name it", r.RuleID, r.RuleIndex)
		}
		if r.Level == "" || len(r.Locations) == 0 || r.Fingerprints["hardrunFinding/v1"] == "" {
			t.Errorf("result %s lacks a level, a location or a fingerprint", r.RuleID)
		}
		if fp := r.Fingerprints["hardrunFinding/v1"]; seen[fp] {
			t.Errorf("result %s: fingerprint %s twice", r.RuleID, fp)
		} else {
			seen[fp] = true
		}
	}
}
