package policy

import (
	"path"

	"github.com/moby/moby/api/types/mount"
)

// RequestMount is one mount a request asks for, read from its binds,
// --mount values and anonymous volumes.
type RequestMount struct {
	Target string     // the container path, cleaned
	Source string     // the host path of a bind; "" for a volume
	Type   mount.Type // bind, volume or image
	RW     bool       // the request leaves it writable
}

// Mounts lists the mounts the request asks for, in request order: the
// post-create check compares them with the engine's record, and verify
// knows from them which writes are permitted. tmpfs mounts are left out
// (the engine lists them in HostConfig.Tmpfs only, and the read-only root's
// scratch space is meant to be writable).
func (r *Request) Mounts() []RequestMount {
	var out []RequestMount
	if r.HostConfig != nil {
		out = append(out, bindMounts(r.HostConfig.Binds)...)
		out = append(out, apiMounts(r.HostConfig.Mounts)...)
	}
	if r.Config != nil {
		for v := range r.Config.Volumes {
			dst, mode := SplitVolumeKey(v)
			out = append(out, RequestMount{Target: path.Clean(dst), RW: mode != "ro", Type: mount.TypeVolume})
		}
	}
	return out
}

// bindMounts reads -v values; one that does not parse mounts nothing (the
// judge refused it).
func bindMounts(binds []string) []RequestMount {
	var out []RequestMount
	for _, raw := range binds {
		b, err := ParseBind(raw)
		if err != nil {
			continue
		}
		m := RequestMount{Target: path.Clean(b.Target), RW: !b.ReadOnly(), Type: mount.TypeVolume}
		if b.IsHostPath() {
			m.Source, m.Type = b.Source, mount.TypeBind
		}
		out = append(out, m)
	}
	return out
}

func apiMounts(mounts []mount.Mount) []RequestMount {
	var out []RequestMount
	for _, m := range mounts {
		if m.Type == mount.TypeTmpfs {
			continue
		}
		rm := RequestMount{Target: path.Clean(m.Target), RW: !m.ReadOnly, Type: m.Type}
		if m.Type == mount.TypeBind {
			rm.Source = m.Source
		}
		out = append(out, rm)
	}
	return out
}
