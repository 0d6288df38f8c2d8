package profiles

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
	"github.com/goccy/go-yaml/token"
)

// layer is one decoded file: the keys it sets, before extends is applied.
type layer struct {
	file string          // the file name used in errors
	prof Profile         // the values it sets; everything else is zero
	set  map[string]pos  // dotted key path ("seccomp.deny") → where its value is
	null map[string]bool // key paths written as null: clear the inherited value
	// override are the merged lists written `!override [...]` (Compose's
	// tag): they replace the inherited list instead of merging with it.
	override map[string]bool
}

// decoder walks the YAML AST of one file against fileKeys. It does not stop
// at the first problem: every error of the file is collected.
type decoder struct {
	l    *layer
	errs ErrorList
}

// decodeFile decodes and validates one profile file on its own (extends is
// resolved later). wantName is the name its file name gives it. It returns
// every error of the file, sorted by position.
func decodeFile(file, wantName string, data []byte) (*layer, ErrorList) {
	d := &decoder{l: &layer{file: file, set: map[string]pos{}, null: map[string]bool{}, override: map[string]bool{}}}
	body := d.parse(data)
	if body != nil {
		d.section(fileKeys, topAliases, body, reflect.ValueOf(&d.l.prof).Elem(), "")
		d.checkHeader(body, wantName)
	}
	if len(d.errs) > 0 {
		return nil, d.errs.sort()
	}
	return d.l, nil
}

// parse returns the single document's body, or nil after recording why not.
func (d *decoder) parse(data []byte) (body ast.Node) {
	defer func() {
		// The YAML parser is third-party code: a panic in it must become an
		// error about this file, not a crash of `docker run`.
		if r := recover(); r != nil {
			d.add(d.at(nil), "cannot parse YAML: %v", r)
			body = nil
		}
	}()
	f, err := parser.ParseBytes(data, 0)
	if err != nil {
		d.syntaxError(err)
		return nil
	}
	if len(f.Docs) == 0 || f.Docs[0].Body == nil {
		d.add(d.at(nil), "empty profile: want a mapping that starts with \"version: 1\"")
		return nil
	}
	for _, doc := range f.Docs[1:] {
		if doc.Body != nil {
			d.add(d.at(doc.Body), "a profile file holds one YAML document, this is a second one")
		}
	}
	return f.Docs[0].Body
}

func (d *decoder) syntaxError(err error) {
	var ye yaml.Error
	if errors.As(err, &ye) && ye.GetToken() != nil {
		tk := ye.GetToken()
		d.add(pos{d.l.file, tk.Position.Line, tk.Position.Column}, "%s", ye.GetMessage())
		return
	}
	d.add(d.at(nil), "%v", err)
}

// checkHeader checks what the file must say about itself: its version, and
// a name that matches its file name (absent: the file name is the name).
func (d *decoder) checkHeader(body ast.Node, wantName string) {
	if _, ok := d.l.set["version"]; !ok {
		d.add(d.at(body), "missing required key \"version\" (write \"version: 1\")")
	}
	p, named := d.l.set["name"]
	switch {
	case !validName(wantName):
		d.add(d.at(nil), "file name %q is not a valid profile name (letters, digits, '_', '.', '-')", wantName)
	case !named:
		d.l.prof.Name = wantName
	case d.l.prof.Name != "" && d.l.prof.Name != wantName:
		d.add(p, "name: %q does not match the file name (want %q)", d.l.prof.Name, wantName)
	}
}

func (d *decoder) add(p pos, format string, args ...any) {
	d.errs = append(d.errs, p.errorf(format, args...))
}

// at is the position of n in this file; line 1, column 1 for nil.
func (d *decoder) at(n ast.Node) pos {
	p := pos{file: d.l.file, line: 1, col: 1}
	if tk := startToken(n); tk != nil && tk.Position != nil {
		p.line, p.col = tk.Position.Line, tk.Position.Column
	}
	return p
}

// section decodes a mapping whose keys are described by keys into dst.
func (d *decoder) section(keys []key, aliases map[string]string, n ast.Node, dst reflect.Value, prefix string) {
	values, ok := mappingValues(n)
	if !ok {
		d.typeError(n, strings.TrimSuffix(prefix, "."), "a mapping")
		return
	}
	for _, mv := range values {
		name, ok := d.keyName(mv.Key)
		if !ok {
			continue
		}
		i := slices.IndexFunc(keys, func(k key) bool { return k.name == name })
		if i < 0 {
			d.unknownKey(mv.Key, name, keys, aliases, prefix)
			continue
		}
		path := prefix + name
		d.l.set[path] = d.at(mv.Value)
		d.value(&keys[i], mv, fieldByTag(dst, name), path)
	}
}

func (d *decoder) keyName(k ast.MapKeyNode) (string, bool) {
	switch n := k.(type) {
	case *ast.StringNode:
		return n.Value, true
	case *ast.MergeKeyNode:
		d.add(d.at(n), "merge keys (<<) are not supported: use extends")
		return "", false
	case *ast.MappingKeyNode:
		if inner, ok := n.Value.(ast.MapKeyNode); ok {
			return d.keyName(inner)
		}
	case ast.ScalarNode:
		return n.GetToken().Value, true
	}
	d.add(d.at(k), "a key must be a plain string")
	return "", false
}

func (d *decoder) unknownKey(n ast.Node, name string, keys []key, aliases map[string]string, prefix string) {
	names := make([]string, len(keys))
	for i, k := range keys {
		names[i] = k.name
	}
	where := ""
	if prefix != "" {
		where = fmt.Sprintf(" in %s", strings.TrimSuffix(prefix, "."))
	}
	hint := ""
	if s := nearest(name, names, aliases); s != "" {
		hint = fmt.Sprintf(" (did you mean %q?)", s)
	}
	d.add(d.at(n), "unknown key %q%s%s", name, where, hint)
}

// value decodes the value of mv, key k at path, into dst.
func (d *decoder) value(k *key, mv *ast.MappingValueNode, dst reflect.Value, path string) {
	n, ok := d.plain(d.overrideTag(mv.Value, path))
	if !ok {
		return
	}
	if _, isNull := n.(*ast.NullNode); isNull {
		d.null(k, mv.Key, path)
		return
	}
	switch k.kind {
	case kindString:
		if s, ok := d.stringValue(k, n, path, ""); ok {
			dst.SetString(s)
		}
	case kindBool:
		d.boolValue(n, dst, path)
	case kindInt:
		d.intValue(k, n, dst, path)
	case kindList:
		d.list(k, n, dst, path)
	case kindMap:
		d.mapValue(k, n, dst, path)
	case kindSection:
		d.section(k.keys, k.aliases, n, dst, path+".")
	}
}

// overrideTag unwraps `!override` on a list that extends merges (a
// restriction list or tmpfs) and records it; plain refuses any other tag.
func (d *decoder) overrideTag(n ast.Node, path string) ast.Node {
	t, ok := n.(*ast.TagNode)
	if !ok || t.Start.Value != "!override" {
		return n
	}
	if _, merged := mergedLists[path]; !merged {
		d.add(d.at(n), "%s: !override applies only to lists that extends merges (%s)", path, strings.Join(mergedListNames, ", "))
		return t.Value
	}
	d.l.override[path] = true
	return t.Value
}

// plain unwraps an anchor and refuses what this format does not use:
// aliases (they would let a small file expand without bound) and tags.
func (d *decoder) plain(n ast.Node) (ast.Node, bool) {
	for {
		switch v := n.(type) {
		case *ast.AnchorNode:
			n = v.Value
		case *ast.AliasNode:
			d.add(d.at(n), "YAML aliases (*%s) are not supported", v.Value)
			return nil, false
		case *ast.TagNode:
			d.add(d.at(n), "YAML tags (%s) are not supported", v.Start.Value)
			return nil, false
		case nil:
			d.add(d.at(nil), "missing value")
			return nil, false
		default:
			return n, true
		}
	}
}

// null handles a null value. Errors are reported at the key: an implicit
// null ("cap_add:" and nothing) has no position of its own.
func (d *decoder) null(k *key, keyNode ast.Node, path string) {
	if k.nullable {
		d.l.null[path] = true
		return
	}
	hint := ""
	if k.kind == kindList {
		hint = " (write [] for an empty list)"
	}
	d.add(d.at(keyNode), "%s: want %s, got null%s", path, wantOf(k), hint)
}

func wantOf(k *key) string {
	return [...]string{"a string", "a boolean", "an integer", "a list of strings", "a mapping", "a mapping"}[k.kind]
}

// stringValue reads a scalar string (and, for numeric keys, a bare number)
// and runs the key's enum and check on it. entry is the map entry's name.
func (d *decoder) stringValue(k *key, n ast.Node, path, entry string) (string, bool) {
	s, ok := scalarText(n, k.numeric)
	if !ok {
		d.typeError(n, path, "a string")
		return "", false
	}
	if k.enum != nil && !slices.Contains(k.enum, s) {
		d.add(d.at(n), "%s: unknown value %q (want %s)%s", path, s, orList(k.enum), didYouMean(s, k.enum))
		return "", false
	}
	if k.check != nil {
		norm, err := k.check(entry, s)
		if err != nil {
			if m := err.Error(); strings.HasPrefix(m, "unknown syscall") || strings.HasPrefix(m, "unknown capability") {
				// A name the value itself identifies: the position locates
				// it, the message stays `unknown syscall "mkdri"`.
				d.add(d.at(n), "%v", err)
			} else {
				d.add(d.at(n), "%s: %v", path, err)
			}
			return "", false
		}
		s = norm
	}
	return s, true
}

func (d *decoder) boolValue(n ast.Node, dst reflect.Value, path string) {
	b, ok := n.(*ast.BoolNode)
	if !ok {
		d.typeError(n, path, "a boolean (true or false)")
		return
	}
	dst.SetBool(b.Value)
}

func (d *decoder) intValue(k *key, n ast.Node, dst reflect.Value, path string) {
	in, ok := n.(*ast.IntegerNode)
	if !ok {
		d.typeError(n, path, "an integer")
		return
	}
	v, err := strconv.ParseInt(in.Token.Value, 0, 64)
	switch {
	case err != nil:
		d.add(d.at(n), "%s: %s is not a 64-bit integer", path, in.Token.Value)
	case path == "version" && v != 1:
		d.add(d.at(n), "version: unsupported version %d (this hardrun reads version 1)", v)
	case v < k.min || (k.max != 0 && v > k.max):
		d.add(d.at(n), "%s: %d is out of range (want %s)", path, v, rangeText(k.min, k.max))
	default:
		dst.SetInt(v)
	}
}

func rangeText(lo, hi int64) string {
	if hi == 0 {
		return fmt.Sprintf("at least %d", lo)
	}
	return fmt.Sprintf("%d to %d", lo, hi)
}

func (d *decoder) list(k *key, n ast.Node, dst reflect.Value, path string) {
	seq, ok := n.(*ast.SequenceNode)
	if !ok {
		d.typeError(n, path, "a list of strings")
		return
	}
	items := make([]string, 0, len(seq.Values))
	for i, item := range seq.Values {
		itemPath := fmt.Sprintf("%s[%d]", path, i)
		item, ok := d.plain(item)
		if !ok {
			continue
		}
		if s, ok := d.stringValue(&key{kind: kindString, enum: k.enum, check: k.check}, item, itemPath, ""); ok {
			items = append(items, s)
		}
	}
	dst.Set(reflect.ValueOf(items))
}

func (d *decoder) mapValue(k *key, n ast.Node, dst reflect.Value, path string) {
	values, ok := mappingValues(n)
	if !ok {
		d.typeError(n, path, "a mapping")
		return
	}
	m := make(map[string]string, len(values))
	for _, mv := range values {
		name, ok := d.keyName(mv.Key)
		if !ok {
			continue
		}
		if err := k.checkKey(name); err != nil {
			d.add(d.at(mv.Key), "%s: %v", path, err)
			continue
		}
		v, ok := d.plain(mv.Value)
		if !ok {
			continue
		}
		if _, isNull := v.(*ast.NullNode); isNull {
			d.add(d.at(mv.Key), "%s.%s: want a string, got null", path, name)
			continue
		}
		entry := &key{kind: kindString, numeric: k.numeric, check: k.check}
		if s, ok := d.stringValue(entry, v, path+"."+name, name); ok {
			m[name] = s
		}
	}
	dst.Set(reflect.ValueOf(m))
}

func (d *decoder) typeError(n ast.Node, path, want string) {
	d.add(d.at(n), "%s: want %s, got %s", path, want, describe(n))
}

// describe names a node's YAML type, with the value for a scalar.
func describe(n ast.Node) string {
	switch v := n.(type) {
	case *ast.MappingNode, *ast.MappingValueNode:
		return "a mapping"
	case *ast.SequenceNode:
		return "a list"
	case *ast.NullNode:
		return "null"
	case *ast.StringNode, *ast.LiteralNode:
		s, _ := scalarText(v, false)
		return "string " + clip(strconv.Quote(s))
	case *ast.BoolNode:
		return "boolean " + v.Token.Value
	case *ast.IntegerNode:
		return "integer " + clip(v.Token.Value)
	case ast.ScalarNode:
		return "number " + clip(v.GetToken().Value)
	}
	return n.Type().YAMLName()
}

func clip(s string) string {
	if len(s) > 40 {
		return s[:37] + "..."
	}
	return s
}

// scalarText is the text of a string scalar; with numeric, also the literal
// text of a bare integer or float (so "cpus: 1.0" keeps "1.0").
func scalarText(n ast.Node, numeric bool) (string, bool) {
	switch v := n.(type) {
	case *ast.StringNode:
		return v.Value, true
	case *ast.LiteralNode:
		return v.Value.Value, true
	case *ast.IntegerNode, *ast.FloatNode:
		if numeric {
			return v.GetToken().Value, true
		}
	}
	return "", false
}

// mappingValues returns the entries of a mapping node.
func mappingValues(n ast.Node) ([]*ast.MappingValueNode, bool) {
	switch v := n.(type) {
	case *ast.MappingNode:
		return v.Values, true
	case *ast.MappingValueNode:
		return []*ast.MappingValueNode{v}, true
	}
	return nil, false
}

// startToken is where a node starts in the text. A block mapping's own
// token is its first ':', so it starts at its first key instead.
func startToken(n ast.Node) *token.Token {
	switch v := n.(type) {
	case nil:
		return nil
	case *ast.MappingNode:
		if !v.IsFlowStyle && len(v.Values) > 0 {
			return startToken(v.Values[0])
		}
	case *ast.MappingValueNode:
		return startToken(v.Key)
	case *ast.MappingKeyNode:
		return v.Start
	case *ast.LiteralNode:
		return v.Start
	}
	return n.GetToken()
}

// fieldByTag is the field of struct v whose yaml tag is name.
func fieldByTag(v reflect.Value, name string) reflect.Value {
	i, ok := fieldIndex()[v.Type()][name]
	if !ok {
		panic("profiles: no field for key " + name) // fileKeys and Profile disagree: a test catches it
	}
	return v.Field(i)
}

// fieldIndex maps Profile and each struct in it to its fields by yaml key.
var fieldIndex = sync.OnceValue(func() map[reflect.Type]map[string]int {
	index := map[reflect.Type]map[string]int{}
	var add func(t reflect.Type)
	add = func(t reflect.Type) {
		index[t] = map[string]int{}
		for i := range t.NumField() {
			if name := yamlName(t.Field(i)); name != "" {
				index[t][name] = i
			}
			if ft := t.Field(i).Type; ft.Kind() == reflect.Struct {
				add(ft)
			}
		}
	}
	add(reflect.TypeFor[Profile]())
	return index
})

func yamlName(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
	if name == "-" {
		return ""
	}
	return name
}

// orList spells a list of choices: "a, b or c".
func orList(choices []string) string {
	if len(choices) < 2 {
		return strings.Join(choices, "")
	}
	return strings.Join(choices[:len(choices)-1], ", ") + " or " + choices[len(choices)-1]
}
