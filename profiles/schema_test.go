package profiles

import (
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"
)

// TestSchemaAccepts: the JSON Schema editors use must accept every
// built-in profile as written and as `profiles show` prints it resolved.
func TestSchemaAccepts(t *testing.T) {
	schema := loadSchema(t)
	for _, name := range builtinNames() {
		data, err := builtinFS.ReadFile("builtin/" + name + ".yaml")
		if err != nil {
			t.Fatal(err)
		}
		t.Run(name+"/as written", func(t *testing.T) {
			if errs := checkSchema(schema, yamlValue(t, data), ""); len(errs) > 0 {
				t.Errorf("schema refuses built-in %s: %q", name, errs)
			}
		})
		t.Run(name+"/shown", func(t *testing.T) {
			p, err := testLoader(t).Load(name)
			if err != nil {
				t.Fatal(err)
			}
			out, err := p.YAML()
			if err != nil {
				t.Fatal(err)
			}
			if errs := checkSchema(schema, yamlValue(t, out), ""); len(errs) > 0 {
				t.Errorf("schema refuses `profiles show %s`: %q", name, errs)
			}
		})
	}
}

// TestSchemaRejects: the bad files of the decoder's tests whose fault is
// one of shape (what a JSON Schema can say) are refused by the schema too.
// Faults of meaning (a tmpfs option, a syscall name) are the decoder's.
func TestSchemaRejects(t *testing.T) {
	for _, bad := range []string{
		"version: 2\n",
		"name: web\n",
		"version: 1\ncapabilites: [NET_RAW]\n",
		"version: 1\nread_only: maybe\n",
		"version: 1\nseccomp:\n  base: bogus\n",
		"version: 1\ntmpfs: [tmp]\n",
		"version: 1\nrestart_allow: [on-failure:3]\n",
		"version: 1\nnetwork:\n  allow: [isolated]\n",
		"version: 1\nlimits:\n  pids: 0\n",
		"version: 1\nlimits:\n  ulimits: {nprocs: 1}\n",
		"version: 1\nallow_root_group: 0\n",
		"version: 1\nvolumes:\n  drivers_allow: local\n",
		"version: 1\nlogging_allow: json-file\n",
		"version: 1\nimages:\n  signatures:\n    keys: [key.pub]\n",
		"version: 1\nimages:\n  signatures: {key: [/k.pub]}\n",
	} {
		t.Run(strings.ReplaceAll(bad, "\n", " "), func(t *testing.T) {
			if errs := checkSchema(loadSchema(t), yamlValue(t, []byte(bad)), ""); len(errs) == 0 {
				t.Errorf("schema accepts %q", bad)
			}
		})
	}
}

func loadSchema(t *testing.T) map[string]any {
	t.Helper()
	var s map[string]any
	if err := json.Unmarshal(Schema(), &s); err != nil {
		t.Fatal(err)
	}
	return s
}

// yamlValue is data as JSON values (what an editor's YAML language server
// checks against the schema).
func yamlValue(t *testing.T, data []byte) any {
	t.Helper()
	var v any
	if err := yaml.Unmarshal(data, &v); err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// checkSchema validates v against s, for the keywords Schema() uses; an
// unknown keyword fails the test run, so that the checker cannot silently
// pass what it does not understand.
func checkSchema(s map[string]any, v any, at string) []string {
	var errs []string
	fail := func(format string, args ...any) { errs = append(errs, at+": "+fmt.Sprintf(format, args...)) }
	for k, want := range s {
		switch k {
		case "$schema", "$id", "title", "description", "properties", "additionalProperties":
		case "type":
			if !hasType(want, v) {
				fail("want type %v, got %T", want, v)
				return errs
			}
		case "enum":
			if !slices.Contains(want.([]any), v) {
				fail("%v not in %v", v, want)
			}
		case "const":
			if v != want {
				fail("%v is not %v", v, want)
			}
		case "pattern":
			if s, ok := v.(string); ok && !regexp.MustCompile(want.(string)).MatchString(s) {
				fail("%q does not match %s", s, want)
			}
		case "minimum":
			if n, ok := v.(float64); ok && n < want.(float64) {
				fail("%v below %v", n, want)
			}
		case "maximum":
			if n, ok := v.(float64); ok && n > want.(float64) {
				fail("%v above %v", n, want)
			}
		case "required":
			m, _ := v.(map[string]any)
			for _, r := range want.([]any) {
				if _, ok := m[r.(string)]; !ok {
					fail("missing %v", r)
				}
			}
		case "items":
			for i, item := range asList(v) {
				errs = append(errs, checkSchema(want.(map[string]any), item, fmt.Sprintf("%s[%d]", at, i))...)
			}
		case "propertyNames":
			m, _ := v.(map[string]any)
			for name := range m {
				errs = append(errs, checkSchema(want.(map[string]any), name, at+"."+name+"(name)")...)
			}
		default:
			panic("checkSchema: keyword " + k + " is not supported: extend it")
		}
	}
	return append(errs, checkProperties(s, v, at)...)
}

func checkProperties(s map[string]any, v any, at string) []string {
	m, ok := v.(map[string]any)
	if !ok {
		return nil
	}
	var errs []string
	props, _ := s["properties"].(map[string]any)
	for name, val := range m {
		switch sub, known := props[name]; {
		case known:
			errs = append(errs, checkSchema(sub.(map[string]any), val, at+"."+name)...)
		case s["additionalProperties"] == false:
			errs = append(errs, at+": unknown property "+name)
		default:
			if extra, ok := s["additionalProperties"].(map[string]any); ok {
				errs = append(errs, checkSchema(extra, val, at+"."+name)...)
			}
		}
	}
	return errs
}

func asList(v any) []any {
	l, _ := v.([]any)
	return l
}

func hasType(want, v any) bool {
	types, ok := want.([]any)
	if !ok {
		types = []any{want}
	}
	for _, t := range types {
		if typeMatches(t.(string), v) {
			return true
		}
	}
	return false
}

func typeMatches(t string, v any) bool {
	switch x := v.(type) {
	case nil:
		return t == "null"
	case bool:
		return t == "boolean"
	case string:
		return t == "string"
	case float64:
		return t == "number" || (t == "integer" && x == math.Trunc(x))
	case []any:
		return t == "array"
	case map[string]any:
		return t == "object"
	}
	return false
}
