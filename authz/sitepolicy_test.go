package authz

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestParseSitePolicy(t *testing.T) {
	sp, err := ParseSitePolicy([]byte("profiles:\n  allowed: [default, strict]\n  default: strict\n  profile_file: false\n"))
	if err != nil {
		t.Fatal(err)
	}
	if !sp.Allows("strict") || sp.Allows("unconfined") || sp.DefaultName() != "strict" || sp.ProfileFile() || !sp.UserDirs() {
		t.Errorf("%+v", sp)
	}
	for name, src := range map[string]string{
		"unknown key":         "profiles:\n  alowed: [x]\n",
		"default not allowed": "profiles:\n  allowed: [default]\n  default: dev\n",
		"wrong type":          "profiles:\n  user_dirs: maybe\n",
	} {
		if _, err := ParseSitePolicy([]byte(src)); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	var none *SitePolicy
	if !none.Allows("anything") || !none.ProfileFile() || none.DefaultName() != "" {
		t.Error("no site policy must change nothing")
	}
}

func TestLoadSitePolicyTrust(t *testing.T) {
	if os.Getuid() != 0 {
		t.Skip("ownership checks need root to create a root-owned file")
	}
	dir := t.TempDir()
	p := filepath.Join(dir, "policy.yaml")
	if sp, err := LoadSitePolicy(p); sp != nil || err != nil {
		t.Fatalf("absent: %v %v", sp, err)
	}
	if err := os.WriteFile(p, []byte("profiles:\n  default: default\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadSitePolicy(p); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(p, 0o666); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadSitePolicy(p); !errors.Is(err, ErrUntrustedSitePolicy) {
		t.Errorf("world-writable: %v", err)
	}
	if err := os.Chmod(p, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(p, 1000, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadSitePolicy(p); !errors.Is(err, ErrUntrustedSitePolicy) {
		t.Errorf("not root's: %v", err)
	}
}
