package profiles

import (
	"encoding/json"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	goldenfile "github.com/hardrun/hardrun/internal/golden"
)

// golden compares got with testdata/file, or rewrites it under -update.
func golden(t *testing.T, file string, got []byte) {
	t.Helper()
	goldenfile.Check(t, filepath.Join("testdata", file), got)
}

// TestShowGolden keeps `profiles show --format yaml` of every built-in as a
// golden file, so a reviewer reads a change to a built-in as a diff of its
// resolved form; and checks that the output loads again to an equal profile.
func TestShowGolden(t *testing.T) {
	for _, name := range builtinNames() {
		t.Run(name, func(t *testing.T) {
			p, err := testLoader(t).Load(name)
			if err != nil {
				t.Fatal(err)
			}
			out, err := p.YAML()
			if err != nil {
				t.Fatal(err)
			}
			golden(t, filepath.Join("show", name+".yaml"), out)

			dir := t.TempDir()
			writeFiles(t, dir, map[string]string{name + ".yaml": string(out)})
			if err := ValidatePaths(testLoader(t), []string{dir}); err != nil {
				t.Fatalf("show output does not validate: %v", err)
			}
			again, err := testLoader(t).LoadFile(filepath.Join(dir, name+".yaml"))
			if err != nil {
				t.Fatal(err)
			}
			if a, b := content(again), content(p); !reflect.DeepEqual(a, b) || again.Hash != p.Hash {
				t.Errorf("show output loads as\n%+v (hash %s)\nwant\n%+v (hash %s)", a, again.Hash, b, p.Hash)
			}
		})
	}
}

func TestJSON(t *testing.T) {
	p, err := testLoader(t).Load("dev")
	if err != nil {
		t.Fatal(err)
	}
	out, err := p.JSON()
	if err != nil {
		t.Fatal(err)
	}
	var back Profile
	if err := json.Unmarshal(out, &back); err != nil {
		t.Fatal(err)
	}
	if a, b := content(&back), content(p); !reflect.DeepEqual(a, b) {
		t.Errorf("JSON reads back as\n%+v\nwant\n%+v", a, b)
	}
	if strings.Contains(string(out), "extends") {
		t.Errorf("JSON shows extends:\n%s", out)
	}
}

func TestSchemaGolden(t *testing.T) {
	s := Schema()
	var v map[string]any
	if err := json.Unmarshal(s, &v); err != nil {
		t.Fatalf("Schema() is not JSON: %v", err)
	}
	golden(t, "schema.json", s)
}

// TestKeysMatchProfile checks that fileKeys, which drives the decoder and
// the schema, names exactly the yaml keys of Profile and its sections.
func TestKeysMatchProfile(t *testing.T) {
	var walk func(keys []key, typ reflect.Type, prefix string)
	walk = func(keys []key, typ reflect.Type, prefix string) {
		var fields []string
		for i := range typ.NumField() {
			if name := yamlName(typ.Field(i)); name != "" {
				fields = append(fields, name)
			}
		}
		var names []string
		for _, k := range keys {
			names = append(names, k.name)
			f, ok := typ.FieldByNameFunc(func(n string) bool {
				sf, _ := typ.FieldByName(n)
				return yamlName(sf) == k.name
			})
			if ok && k.kind == kindSection {
				walk(k.keys, f.Type, prefix+k.name+".")
			}
		}
		if !reflect.DeepEqual(names, fields) {
			t.Errorf("keys of %q: table %v, struct %v", prefix, names, fields)
		}
	}
	walk(fileKeys, reflect.TypeFor[Profile](), "")
}
