package policy

import (
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/moby/moby/api/types/mount"
)

// Bind is one -v value (HostConfig.Binds entry, or a Config.Volumes key):
// [SOURCE:]TARGET[:OPTIONS], OPTIONS comma-separated. Style.md convention
// 13: this is the only reader of the syntax; the judge, the post-create
// check, the inspect reader, audit and verify all use it, so they cannot
// disagree about which path a value mounts where.
type Bind struct {
	Source  string   // a host path or a volume name; "" for an anonymous volume
	Target  string   // the container path, absolute
	Mode    string   // "ro", "rw" or "" (none named)
	Options []string // every other option, in order (z, Z, nocopy, propagation, ...)
}

// ParseBind splits a -v value as the engine's Linux parser does (no drive
// letters): at most three colon-separated parts; two parts are
// SOURCE:TARGET unless the second is a list of options (an anonymous
// volume with options). The target must be absolute. Empty options are
// dropped; the last of ro and rw wins.
func ParseBind(spec string) (Bind, error) {
	parts := strings.Split(spec, ":")
	var b Bind
	switch len(parts) {
	case 1:
		b.Target = parts[0]
	case 2:
		if isBindOptions(parts[1]) {
			b.Target = parts[0]
			b.setOptions(parts[1])
		} else {
			b.Source, b.Target = parts[0], parts[1]
		}
	case 3:
		b.Source, b.Target = parts[0], parts[1]
		b.setOptions(parts[2])
	default:
		return b, fmt.Errorf("invalid volume specification %q", spec)
	}
	if b.Target == "" || !path.IsAbs(b.Target) {
		return b, fmt.Errorf("invalid volume specification %q: the destination must be an absolute path", spec)
	}
	return b, nil
}

// bindOptionNames are the options the engine's Linux parser takes in the
// last part of a -v value (moby volume/mounts ValidMountMode).
var bindOptionNames = map[string]bool{
	"ro": true, "rw": true, "z": true, "Z": true, "nocopy": true,
	"private": true, "rprivate": true, "shared": true, "rshared": true, "slave": true, "rslave": true,
	"consistent": true, "cached": true, "delegated": true,
}

// isBindOptions tells "/data:ro" (an anonymous volume with options) from
// "name:/data" (a source and a target).
func isBindOptions(s string) bool {
	for o := range strings.SplitSeq(s, ",") {
		if !bindOptionNames[o] {
			return false
		}
	}
	return s != ""
}

func (b *Bind) setOptions(s string) {
	for o := range strings.SplitSeq(s, ",") {
		switch o {
		case "ro", "rw":
			b.Mode = o
		case "":
		default:
			b.Options = append(b.Options, o)
		}
	}
}

// Propagation is the bind propagation the value names, "" for none.
func (b Bind) Propagation() mount.Propagation {
	for _, o := range b.Options {
		if slices.Contains(mount.Propagations, mount.Propagation(o)) {
			return mount.Propagation(o)
		}
	}
	return ""
}

// ReadOnly reports a value that names ro.
func (b Bind) ReadOnly() bool { return b.Mode == "ro" }

// IsHostPath reports a bind of a host path, as opposed to a named or an
// anonymous volume.
func (b Bind) IsHostPath() bool { return IsHostPath(b.Source) }

// IsHostPath tells a bind source from a volume name: names cannot contain
// "/" or start with ".".
func IsHostPath(src string) bool {
	return strings.HasPrefix(src, ".") || strings.Contains(src, "/")
}

// String spells the bind as -v takes it, the mode first among the options.
func (b Bind) String() string {
	s := b.Target
	if b.Source != "" {
		s = b.Source + ":" + b.Target
	}
	opts := b.Options
	if b.Mode != "" {
		opts = append([]string{b.Mode}, opts...)
	}
	if len(opts) > 0 {
		s += ":" + strings.Join(opts, ",")
	}
	return s
}

// SplitVolumeKey splits a Config.Volumes key, "TARGET" or "TARGET:MODE"
// (an Engine API caller's anonymous volume; docker's CLI sends those as
// binds).
func SplitVolumeKey(key string) (target, mode string) {
	target, mode, _ = strings.Cut(key, ":")
	return target, mode
}
