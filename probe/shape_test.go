package probe

import (
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	goldenfile "github.com/hardrun/hardrun/internal/golden"
)

// update is the -update flag of internal/golden, which every package accepts.
var update = goldenfile.Update

const shapeGolden = "report.shape.golden"

// fullReport has one element in every list, so its JSON shows every field.
func fullReport() Report {
	r := newReport()
	r.PID, r.UID, r.GID, r.EUID, r.EGID = 1, 10001, 10001, 10001, 10001
	r.Groups = []int{10001}
	r.IDs = IDs{UID: []int{10001, 10001, 10001, 10001}, GID: []int{10001, 10001, 10001, 10001}}
	r.Sockets = []Socket{{Path: "/x/s", MountPoint: "/x", DockerAPI: true, Answer: "HTTP/1.0 200 OK"}}
	r.HostFS = []HostFS{{MountPoint: "/h", FSType: "proc", Source: "proc", Root: "/", Why: "proc outside /proc"}}
	r.CgroupNS = CgroupNS{Mode: CgroupNSPrivate, Inode: "cgroup:[4026532513]", Why: "w"}
	r.Home = "/"
	set := CapSet{Hex: "0000000000000400", Names: []string{"CAP_NET_BIND_SERVICE"}}
	r.Capabilities = Capabilities{Inheritable: set, Permitted: set, Effective: set, Bounding: set, Ambient: set}
	r.NoNewPrivs = true
	r.Seccomp = Seccomp{Mode: 2, ModeName: "filter", Filters: 1}
	r.AppArmor = "docker-default (enforce)"
	r.RootFS = "ro"
	r.Mounts = []Mount{{MountPoint: "/", Root: "/", FSType: "overlay", Source: "overlay", Mode: "ro", Propagation: "private", Options: "ro"}}
	r.Writable = []WritablePath{{Path: "/tmp", Writable: true, Detail: "created and removed a temporary file"}}
	r.Cgroup = Cgroup{Version: 2, Path: "/", MemoryMax: "536870912", PidsMax: "256", CPUMax: "100000 100000"}
	r.Rlimits = Rlimits{NoFile: Rlimit{1024, 1024}, NProc: Rlimit{512, 512}, Core: Rlimit{0, 0}}
	r.Network = []Interface{{Name: "lo", Up: true, Addrs: []string{"127.0.0.1/8"}}}
	r.Attempts = []Attempt{{Name: AttemptMount, Target: "/tmp/x", Result: ResultBlocked, Errno: "EPERM", By: BySeccomp, Detail: "d"}}
	r.Errors = []string{"read something: failed"}
	return r
}

// jsonShape lists "path: type" for every value in the JSON document, with
// "[]" for the elements of a list.
func jsonShape(t *testing.T, doc []byte) map[string]string {
	t.Helper()
	var v any
	if err := json.Unmarshal(doc, &v); err != nil {
		t.Fatalf("report is not valid JSON: %v", err)
	}
	shape := map[string]string{}
	walkShape(v, "$", shape)
	return shape
}

func walkShape(v any, path string, shape map[string]string) {
	switch x := v.(type) {
	case map[string]any:
		shape[path] = "object"
		for k, e := range x {
			walkShape(e, path+"."+k, shape)
		}
	case []any:
		shape[path] = "array"
		for _, e := range x {
			walkShape(e, path+"[]", shape)
		}
	case string:
		shape[path] = "string"
	case float64:
		shape[path] = "number"
	case bool:
		shape[path] = "bool"
	case nil:
		shape[path] = "null"
	}
}

func formatShape(shape map[string]string) string {
	var b strings.Builder
	for _, k := range slices.Sorted(maps.Keys(shape)) {
		b.WriteString(k + ": " + shape[k] + "\n")
	}
	return b.String()
}

// TestReportShapeGolden pins the JSON field names and types. A change here
// changes the stable interface: add fields, never rename or retype them.
func TestReportShapeGolden(t *testing.T) {
	doc, err := json.Marshal(fullReport())
	if err != nil {
		t.Fatal(err)
	}
	got := formatShape(jsonShape(t, doc))
	path := filepath.Join("testdata", shapeGolden)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./probe -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("JSON shape differs from %s (run go test ./probe -update if the change is intended):\n got:\n%s\nwant:\n%s", path, got, want)
	}
}

// TestEmptyReportHasNoNulls: an empty report still encodes every list as
// [] and every field with its type.
func TestEmptyReportHasNoNulls(t *testing.T) {
	doc, err := json.Marshal(newReport())
	if err != nil {
		t.Fatal(err)
	}
	assertShapeWithinGolden(t, doc)
}

// assertShapeWithinGolden checks that every value of doc has the type the
// golden shape gives its path.
func assertShapeWithinGolden(t *testing.T, doc []byte) {
	t.Helper()
	want, err := os.ReadFile(filepath.Join("testdata", shapeGolden))
	if err != nil {
		t.Fatal(err)
	}
	golden := map[string]bool{}
	for _, line := range strings.Split(strings.TrimSpace(string(want)), "\n") {
		golden[line] = true
	}
	for _, line := range strings.Split(strings.TrimSpace(formatShape(jsonShape(t, doc))), "\n") {
		if !golden[line] {
			t.Errorf("%q is not in the golden shape", line)
		}
	}
}
