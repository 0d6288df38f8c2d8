package profiles

import (
	"maps"
	"reflect"
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
		Images:              Images{Allow: []string{"*"}},
	}
}

// placed is where each key of a resolved profile got its value: the
// position in the file that set it last, and how far down the extends
// chain that file is (a higher depth is closer to the profile loaded).
type placed map[string]placedPos

type placedPos struct {
	pos
	depth int
}

// overlay applies a child layer to the profile resolved so far: keys the
// child sets override, lists replace, sections merge key by key. Within a
// section, limits.ulimits merges by ulimit name, and logging.options merges
// by option while the log driver stays the same (Compose's rule: a new
// driver starts from no options).
func overlay(dst *Profile, l *layer, where placed, depth int) {
	if _, ok := l.set["logging.driver"]; ok && l.prof.Logging.Driver != dst.Logging.Driver {
		dst.Logging.Options = nil
	}
	overlayStruct(reflect.ValueOf(dst).Elem(), reflect.ValueOf(&l.prof).Elem(), l, "")
	for path, p := range l.set {
		where[path] = placedPos{p, depth}
	}
}

func overlayStruct(dst, src reflect.Value, l *layer, prefix string) {
	t := dst.Type()
	for i := range t.NumField() {
		name := yamlName(t.Field(i))
		path := prefix + name
		if _, set := l.set[path]; name == "" || !set {
			continue
		}
		d, s := dst.Field(i), src.Field(i)
		switch {
		case l.null[path]:
			d.SetZero()
		case d.Kind() == reflect.Struct:
			overlayStruct(d, s, l, path+".")
		case d.Kind() == reflect.Map:
			d.Set(mergeMaps(d, s))
		default:
			d.Set(deepCopy(s))
		}
	}
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
