package profiles

import (
	"strings"
	"testing"
)

// BenchmarkLoad3Level reads, decodes and resolves a three-level extends
// chain from disk (app → team → base, a copy of the built-in default) with
// a fresh Loader each time: the profile cost of one `hardrun run`.
func BenchmarkLoad3Level(b *testing.B) {
	dir := b.TempDir()
	base, err := builtinFS.ReadFile("builtin/default.yaml")
	if err != nil {
		b.Fatal(err)
	}
	writeFiles(b, dir, map[string]string{
		"base.yaml": strings.Replace(string(base), "name: default", "name: base", 1),
		"team.yaml": "version: 1\nextends: base\nlimits:\n  memory: 1g\n  memory_swap: 1g\ncap_allow: [SYS_PTRACE]\n",
		"app.yaml":  "version: 1\nextends: team\nnetwork:\n  publish_host_ip: 0.0.0.0\n",
	})
	b.ReportAllocs()
	for b.Loop() {
		p, err := testLoader(b, dir).Load("app")
		if err != nil || p.Limits.Memory != "1g" || p.User != "10001:10001" {
			b.Fatalf("Load(app) = %+v, %v", p, err)
		}
	}
}
