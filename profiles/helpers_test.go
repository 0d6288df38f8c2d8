package profiles

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// env is a fake environment for SearchOptions.Getenv.
func env(kv ...string) func(string) string {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return func(k string) string { return m[k] }
}

// writeFiles writes each name → content into dir, creating dir.
func writeFiles(t testing.TB, dir string, files map[string]string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// testLoader searches only dirs, then the built-ins: no environment, and an
// empty directory in place of /etc/hardrun/profiles.
func testLoader(t testing.TB, dirs ...string) *Loader {
	t.Helper()
	return newLoader(SearchOptions{ProfileDirs: dirs, Getenv: env()}, noSystemDir)
}

// noSystemDir stands in for /etc/hardrun/profiles in tests: it never exists.
const noSystemDir = "/nonexistent/hardrun/profiles"

// errLines is err's message split in lines, with dir+"/" removed so that
// expectations can name files by their base name, and dir itself as DIR.
func errLines(err error, dir string) []string {
	if err == nil {
		return nil
	}
	msg := strings.ReplaceAll(err.Error(), dir+string(filepath.Separator), "")
	return strings.Split(strings.ReplaceAll(msg, dir, "DIR"), "\n")
}
