package policy

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/mount"
)

// TestRequireOnlyCoversEveryGivenFlag keeps RequireOnly in step with the
// judge: every flag a judge asks given() about must be marked, or the
// plugin would apply a default it cannot apply instead of refusing.
func TestRequireOnlyCoversEveryGivenFlag(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`given\("([a-z-]+)"\)`)
	set := RequireOnly(Request{}).Set
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range re.FindAllStringSubmatch(string(src), -1) {
			if flag := m[1]; flag != "use-api-socket" && !set[flag] {
				t.Errorf("%s: given(%q) is not marked by RequireOnly", f, flag)
			}
		}
	}
	if set["use-api-socket"] {
		t.Error("RequireOnly marks --use-api-socket: every request would be refused for it")
	}
}

func TestRequireOnlyMarksMountModes(t *testing.T) {
	req := RequireOnly(Request{HostConfig: &container.HostConfig{Mounts: []mount.Mount{{Type: mount.TypeBind, Target: "/data"}}}})
	if !req.Given("mount-rw:/data") || !req.Given("read-only") || !req.Given("volume") {
		t.Errorf("Set = %v", req.Set)
	}
}
