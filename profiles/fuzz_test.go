package profiles

import (
	"testing"
)

// FuzzDecode feeds arbitrary bytes to the decoder: it must never panic,
// and it must return either a layer or at least one positioned error.
func FuzzDecode(f *testing.F) {
	for _, name := range builtinNames() {
		data, err := builtinFS.ReadFile("builtin/" + name + ".yaml")
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("version: 1\ncap_add: &a [x]\nuser: *a\n<<: {}\n? [k]\n: v\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		l, errs := decodeFile("fuzz.yaml", "fuzz", data)
		if (l == nil) == (len(errs) == 0) {
			t.Fatalf("decodeFile returned layer %v with %d errors", l != nil, len(errs))
		}
		for _, e := range errs {
			if e.File != "fuzz.yaml" || e.Line < 1 || e.Col < 0 || e.Msg == "" {
				t.Errorf("malformed error %#v", e)
			}
		}
		if l != nil {
			p := schemaDefaults()
			where := &placed{set: l.set, depth: 1}
			overlay(&p, l, where, l.prof.Extends != "")
			checkResolved(&p, where, "fuzz.yaml")
			if _, err := p.YAML(); err != nil {
				t.Errorf("YAML() of a decoded profile: %v", err)
			}
		}
	})
}
