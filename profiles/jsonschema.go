package profiles

import (
	"bytes"
	"encoding/json"
	"maps"
)

// Schema returns a JSON Schema (draft 2020-12) of the profile file format,
// for editors (yaml-language-server: `# yaml-language-server:
// $schema=...`). It is generated from the same key table as the decoder.
// It checks shapes and enumerations; the decoder also checks what a schema
// cannot say (capability and syscall names, sizes, extends).
func Schema() []byte {
	s := map[string]any{
		"$schema":     "https://json-schema.org/draft/2020-12/schema",
		"$id":         "https://github.com/hardrun/hardrun/profiles/schema/v1.json",
		"title":       "hardrun profile, version 1",
		"description": "A hardrun security profile: one per file, NAME.yaml.",
	}
	maps.Copy(s, sectionSchema(fileKeys))
	s["required"] = []string{"version"}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false) // keep "hardrun-<name>" readable
	enc.SetIndent("", "  ")
	if err := enc.Encode(s); err != nil {
		panic("profiles: cannot encode the JSON Schema: " + err.Error()) // maps of strings and numbers
	}
	return b.Bytes()
}

func sectionSchema(keys []key) map[string]any {
	props := map[string]any{}
	for i := range keys {
		props[keys[i].name] = keySchema(&keys[i])
	}
	return map[string]any{"type": "object", "additionalProperties": false, "properties": props}
}

func keySchema(k *key) map[string]any {
	var s map[string]any
	switch k.kind {
	case kindString:
		s = stringSchema(k)
	case kindBool:
		s = map[string]any{"type": []string{"boolean"}}
	case kindInt:
		s = intSchema(k)
	case kindList:
		s = map[string]any{"type": []string{"array"}, "items": stringSchema(k)}
	case kindMap:
		s = map[string]any{"type": []string{"object"}, "additionalProperties": map[string]any{"type": []string{"string", "integer"}}}
		if k.enum != nil {
			s["propertyNames"] = map[string]any{"enum": k.enum}
		}
	case kindSection:
		s = sectionSchema(k.keys)
		s["type"] = []string{"object"}
	}
	s["description"] = k.doc
	if k.nullable {
		s["type"] = append(s["type"].([]string), "null")
	}
	return simplifyTypes(s)
}

// simplifyTypes writes a single type as a string ("type": "boolean"), in s
// and in its list items.
func simplifyTypes(s map[string]any) map[string]any {
	if ts, ok := s["type"].([]string); ok && len(ts) == 1 {
		s["type"] = ts[0]
	}
	if items, ok := s["items"].(map[string]any); ok {
		simplifyTypes(items)
	}
	return s
}

func stringSchema(k *key) map[string]any {
	s := map[string]any{"type": []string{"string"}}
	if k.numeric {
		s["type"] = []string{"string", "number"}
	}
	if k.enum != nil && k.kind != kindMap {
		s["enum"] = k.enum
	}
	if k.pattern != "" {
		s["pattern"] = k.pattern
	}
	return s
}

func intSchema(k *key) map[string]any {
	if k.min == k.max {
		return map[string]any{"type": []string{"integer"}, "const": k.min}
	}
	s := map[string]any{"type": []string{"integer"}, "minimum": k.min}
	if k.max != 0 {
		s["maximum"] = k.max
	}
	return s
}
