package profiles

import (
	"maps"
	"reflect"
	"slices"
	"strconv"
	"sync"
)

// schemaDefaults is where a profile without `extends` starts: the hardened
// value of every requirement, and nothing for the plain defaults (no user,
// no limits, no log driver...). doc.go lists which key is which.
func schemaDefaults() Profile {
	return Profile{
		Version:             1,
		Enforce:             true,
		NoNewPrivileges:     true,
		CapDrop:             []string{"ALL"},
		CapAdd:              []string{},
		CapAllow:            []string{},
		ReadOnly:            true,
		Tmpfs:               []string{},
		Seccomp:             Seccomp{Base: "default", Deny: []string{}, Allow: []string{}},
		AppArmor:            AppArmor{Mode: "if-available", Profile: "generate", DenyWrite: []string{"/proc/sys/**", "/sys/**"}},
		Volumes:             Volumes{DefaultMode: "ro", AllowRW: []string{}, Deny: []string{}, AllowBind: true, DriversAllow: []string{"local"}},
		Network:             Network{Default: "isolated", Allow: []string{"bridge", "none", "user-defined"}, Publish: true},
		NamespacesAllowHost: []string{},
		DevicesAllow:        []string{},
		SysctlsAllow:        []string{},
		RestartAllow:        []string{"no", "on-failure"},
		LoggingAllow:        []string{"json-file", "local", "none"},
		Images:              Images{Allow: []string{"*"}, Signatures: Signatures{Keys: []string{}}},
	}
}

// placed is where each key of a resolved profile got its value: the
// position in the file that set it last, and how far down the extends
// chain that file is (a higher depth is closer to the profile loaded).
// It is a chain, one link per file, so that a step of extends adds a link
// instead of copying the parent's positions.
type placed struct {
	set    map[string]pos // the keys this file sets: its layer's own map
	moved  map[string]pos // keys a rule changed on this file's behalf; nil for none
	depth  int
	parent *placed
}

type placedPos struct {
	pos
	depth int
}

// lookup is where path was set last in the chain ending at w.
func (w *placed) lookup(path string) (placedPos, bool) {
	for x := w; x != nil; x = x.parent {
		if p, ok := x.moved[path]; ok {
			return placedPos{p, x.depth}, true
		}
		if p, ok := x.set[path]; ok {
			return placedPos{p, x.depth}, true
		}
	}
	return placedPos{}, false
}

// move records that a rule set path, placed at p.
func (w *placed) move(path string, p pos) {
	if w.moved == nil {
		w.moved = map[string]pos{}
	}
	w.moved[path] = p
}

// mergedLists are the lists extends merges instead of replacing (contract
// section 4, "How extends merges"): the lists that restrict accumulate
// down the chain, so a child that denies one more syscall keeps every
// denial of its parent; tmpfs, a keyed default, merges by target. A child
// replaces one of them only with `!override`, which is a weakening.
var mergedLists = map[string]func(parent, child []string) []string{
	"cap_drop":            union,
	"seccomp.deny":        union,
	"volumes.deny":        union,
	"apparmor.deny_write": union,
	"tmpfs":               mergeTmpfs,
}

// mergedListNames are mergedLists' keys, sorted.
var mergedListNames = slices.Sorted(maps.Keys(mergedLists))

// overlay applies a child layer to the profile resolved so far: keys the
// child sets override, sections merge key by key, lists replace except
// mergedLists. Within a section, limits.ulimits merges by ulimit name, and
// logging.options merges by option while the log driver stays the same
// (Compose's rule: a new driver starts from no options). inherit is false
// for a profile without extends: it starts from the schema defaults, which
// it replaces rather than adds to (unconfined's cap_drop is []).
func overlay(dst *Profile, l *layer, where *placed, inherit bool) {
	if _, ok := l.set["logging.driver"]; ok && l.prof.Logging.Driver != dst.Logging.Driver {
		dst.Logging.Options = nil
	}
	parent := dst.Limits
	m := merger{l: l, inherit: inherit}
	m.overlayStruct(reflect.ValueOf(dst).Elem(), reflect.ValueOf(&l.prof).Elem())
	if inherit {
		unDeny(dst, l)
		unAllow(dst, l)
		followPartners(dst, parent, l, where)
	}
}

type merger struct {
	l       *layer
	inherit bool
}

func (m merger) overlayStruct(dst, src reflect.Value) {
	for i, path := range keyPaths()[dst.Type()] {
		if _, set := m.l.set[path]; path == "" || !set {
			continue
		}
		d, s := dst.Field(i), src.Field(i)
		merge, merged := mergedLists[path]
		switch {
		case m.l.null[path]:
			d.SetZero()
		case d.Kind() == reflect.Struct:
			m.overlayStruct(d, s)
		case d.Kind() == reflect.Map:
			d.Set(mergeMaps(d, s))
		case merged && m.inherit && !m.l.override[path]:
			d.Set(reflect.ValueOf(merge(d.Interface().([]string), s.Interface().([]string))))
		default:
			d.Set(deepCopy(s))
		}
	}
}

// keyPaths maps Profile and each struct in it to the dotted key path of
// each of its fields ("" for a field that is not a key), computed once:
// overlay runs at every step of every extends chain. Each struct type sits
// at one place in a profile, so its paths are the same wherever it is met.
var keyPaths = sync.OnceValue(func() map[reflect.Type][]string {
	paths := map[reflect.Type][]string{}
	var add func(t reflect.Type, prefix string)
	add = func(t reflect.Type, prefix string) {
		if _, seen := paths[t]; seen {
			panic("profiles: struct " + t.Name() + " is used at two places; keyPaths needs one")
		}
		paths[t] = make([]string, t.NumField())
		for i := range t.NumField() {
			name := yamlName(t.Field(i))
			if name == "" {
				continue
			}
			paths[t][i] = prefix + name
			if ft := t.Field(i).Type; ft.Kind() == reflect.Struct {
				add(ft, prefix+name+".")
			}
		}
	}
	add(reflect.TypeFor[Profile](), "")
	return paths
})

// union is parent's items, then the child's that parent lacks.
func union(parent, child []string) []string {
	out := slices.Clone(parent)
	for _, c := range child {
		if !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	return out
}

// mergeTmpfs merges by target: the child's spec replaces the parent's for
// the same target (in the parent's place), other targets are added.
func mergeTmpfs(parent, child []string) []string {
	out := slices.Clone(parent)
	for _, c := range child {
		target := TmpfsTarget(c)
		if i := slices.IndexFunc(out, func(p string) bool { return TmpfsTarget(p) == target }); i >= 0 {
			out[i] = c
		} else {
			out = append(out, c)
		}
	}
	return out
}

// without is list less the items of drop.
func without(list, drop []string) []string {
	if len(drop) == 0 {
		return list
	}
	return slices.DeleteFunc(slices.Clone(list), func(s string) bool { return slices.Contains(drop, s) })
}

// unDeny applies the explicit removals of inherited restrictions: a
// syscall in the child's seccomp.allow leaves the inherited seccomp.deny,
// a capability in the child's cap_add leaves the inherited cap_drop
// (docker lets an added capability win over a dropped one; cap_add: [ALL]
// leaves every inherited drop). What the child itself both denies and
// allows stays in both, for checkResolved to refuse.
func unDeny(p *Profile, l *layer) {
	c := &l.prof
	if _, ok := l.set["seccomp.allow"]; ok {
		p.Seccomp.Deny = without(p.Seccomp.Deny, without(c.Seccomp.Allow, c.Seccomp.Deny))
	}
	if _, ok := l.set["cap_add"]; ok {
		added := without(c.CapAdd, c.CapDrop)
		if slices.Contains(c.CapAdd, "ALL") {
			added = without(p.CapDrop, c.CapDrop)
		}
		p.CapDrop = without(p.CapDrop, added)
	}
}

// unAllow is the other direction, a tightening that needs no ceremony: a
// syscall or capability the child denies leaves the inherited lists that
// would grant it again (seccomp.allow; cap_add and cap_allow, since an
// added capability wins over a dropped one), unless the child sets those
// lists itself.
func unAllow(p *Profile, l *layer) {
	c := &l.prof
	if _, ok := l.set["seccomp.deny"]; ok && !isSet(l, "seccomp.allow") {
		p.Seccomp.Allow = without(p.Seccomp.Allow, c.Seccomp.Deny)
	}
	if _, ok := l.set["cap_drop"]; !ok {
		return
	}
	named := without(c.CapDrop, []string{"ALL"})
	if !isSet(l, "cap_add") {
		p.CapAdd = without(p.CapAdd, named)
	}
	if !isSet(l, "cap_allow") {
		p.CapAllow = without(p.CapAllow, named)
	}
}

func isSet(l *layer, path string) bool { _, ok := l.set[path]; return ok }

// followPartners keeps a tightened limit from loosening its partner. A
// limit the child lowers under a ceiling it sets (max.memory below the
// inherited limits.memory) follows the ceiling down; memory_swap, which is
// memory plus swap, follows limits.memory when the child sets only memory,
// keeping the parent's amount of swap (none, in the built-ins): the child
// gains no swap.
func followPartners(p *Profile, parent Limits, l *layer, where *placed) {
	follow := func(limit, ceiling string) {
		if !isSet(l, limit) {
			where.move(limit, l.set[ceiling])
		}
	}
	if isSet(l, "max.memory") && !isSet(l, "limits.memory") && p.Max.Memory != "" && p.Limits.MemoryBytes() > p.Max.MemoryBytes() {
		p.Limits.Memory = p.Max.Memory
		follow("limits.memory", "max.memory")
	}
	if isSet(l, "max.cpus") && !isSet(l, "limits.cpus") && p.Max.CPUs != "" && p.Limits.NanoCPUs() > p.Max.NanoCPUs() {
		p.Limits.CPUs = p.Max.CPUs
		follow("limits.cpus", "max.cpus")
	}
	if isSet(l, "max.pids") && !isSet(l, "limits.pids") && p.Max.Pids != 0 && p.Limits.Pids > p.Max.Pids {
		p.Limits.Pids = p.Max.Pids
		follow("limits.pids", "max.pids")
	}
	if p.Limits.Memory != parent.Memory && !isSet(l, "limits.memory_swap") {
		followSwap(p, parent, l, where)
	}
}

func followSwap(p *Profile, parent Limits, l *layer, where *placed) {
	if parent.Memory == "" || parent.MemorySwap == "" || parent.MemorySwap == "-1" || p.Limits.Memory == "" {
		return // no swap limit to keep, or unlimited by the parent's choice
	}
	swap := parent.MemorySwapBytes() - parent.MemoryBytes()
	if swap == 0 {
		p.Limits.MemorySwap = p.Limits.Memory
	} else {
		p.Limits.MemorySwap = sizeText(p.Limits.MemoryBytes() + swap)
	}
	at := "limits.memory"
	if !isSet(l, at) {
		at = "max.memory"
	}
	where.move("limits.memory_swap", l.set[at])
}

// sizeText spells n bytes the way a profile would: in m when whole.
func sizeText(n int64) string {
	if n%(1<<20) == 0 {
		return strconv.FormatInt(n>>20, 10) + "m"
	}
	return strconv.FormatInt(n, 10)
}

// mergeMaps returns a new map: base's entries, then over's.
func mergeMaps(base, over reflect.Value) reflect.Value {
	m := map[string]string{}
	maps.Copy(m, base.Interface().(map[string]string))
	maps.Copy(m, over.Interface().(map[string]string))
	return reflect.ValueOf(m)
}

// clone returns a deep copy of p, so that a cached profile can be handed
// out without the caller being able to change it.
func (p *Profile) clone() *Profile {
	c := deepCopy(reflect.ValueOf(p).Elem()).Interface().(Profile)
	return &c
}

// deepCopy copies v, its slices, maps and nested structs.
func deepCopy(v reflect.Value) reflect.Value {
	switch v.Kind() {
	case reflect.Slice:
		if v.IsNil() {
			return v
		}
		c := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
		reflect.Copy(c, v)
		return c
	case reflect.Map:
		if v.IsNil() {
			return v
		}
		c := reflect.MakeMapWithSize(v.Type(), v.Len())
		for it := v.MapRange(); it.Next(); {
			c.SetMapIndex(it.Key(), it.Value())
		}
		return c
	case reflect.Struct:
		c := reflect.New(v.Type()).Elem()
		for i := range v.NumField() {
			c.Field(i).Set(deepCopy(v.Field(i)))
		}
		return c
	}
	return v
}
