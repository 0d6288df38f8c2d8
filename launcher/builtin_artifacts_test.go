package launcher

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/hardrun/hardrun/apparmor"
	"github.com/hardrun/hardrun/seccomp"
)

// TestBuiltinSeccompGolden: the seccomp JSON each built-in profile sends
// (what `hardrun seccomp export` prints), indented so a security reviewer
// reads profile changes as diffs. Refresh with `go test ./launcher -update`.
func TestBuiltinSeccompGolden(t *testing.T) {
	for _, name := range builtinNames {
		t.Run(name, func(t *testing.T) {
			js, err := seccomp.Generate(SeccompSpec(loadBuiltin(t, name)))
			if errors.Is(err, seccomp.ErrUnconfined) {
				golden(t, filepath.Join("testdata", "seccomp", name+".json"), []byte("seccomp=unconfined\n"))
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if err := seccomp.Compile(js, nil); err != nil {
				t.Errorf("the %s filter does not compile: %v", name, err)
			}
			var out bytes.Buffer
			if err := json.Indent(&out, js, "", "  "); err != nil {
				t.Fatal(err)
			}
			out.WriteByte('\n')
			golden(t, filepath.Join("testdata", "seccomp", name+".json"), out.Bytes())
		})
	}
}

// TestBuiltinAppArmorGolden: the AppArmor profile each built-in generates
// (what `hardrun apparmor export` prints), checked by the real
// apparmor_parser. Refresh with `go test ./launcher -update`.
func TestBuiltinAppArmorGolden(t *testing.T) {
	parser := haveParser(t)
	for _, name := range builtinNames {
		t.Run(name, func(t *testing.T) {
			text, err := apparmor.Generate(AppArmorSpec(loadBuiltin(t, name)))
			if err != nil {
				t.Fatal(err)
			}
			golden(t, filepath.Join("testdata", "apparmor", name+".apparmor"), []byte(text))
			if !parser {
				return
			}
			if err := apparmor.Check(context.Background(), apparmor.ExecRunner{}, text); err != nil {
				t.Errorf("apparmor_parser rejects the %s profile: %v", name, err)
			}
		})
	}
}

// haveParser reports whether apparmor_parser is installed; under CI it
// must be.
func haveParser(t *testing.T) bool {
	t.Helper()
	for _, p := range []string{apparmor.Parser, "/usr/sbin/" + apparmor.Parser, "/sbin/" + apparmor.Parser} {
		if _, err := exec.LookPath(p); err == nil {
			return true
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("apparmor_parser is not installed (Debian: apparmor)")
	}
	t.Log("apparmor_parser is not installed: goldens compared, parser check skipped")
	return false
}
