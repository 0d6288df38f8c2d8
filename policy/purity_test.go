package policy

import (
	"os/exec"
	"strings"
	"testing"
)

// TestPolicyImportsNoEngineClient keeps the judge pure: the authorization
// plugin and audit use it where no engine client may be, and a judge that
// could reach the engine could also be made to depend on what it says.
func TestPolicyImportsNoEngineClient(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").Output()
	if err != nil {
		t.Skipf("go list not available: %v", err)
	}
	for _, dep := range strings.Fields(string(out)) {
		if strings.HasPrefix(dep, "github.com/moby/moby/client") || strings.HasPrefix(dep, "github.com/docker/docker/client") ||
			dep == "github.com/hardrun/hardrun/launcher" || dep == "net/http" {
			t.Errorf("package policy depends on %s", dep)
		}
	}
}
