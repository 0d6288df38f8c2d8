package runopts

import (
	"maps"
	"slices"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/mount"
)

// The request shares no memory with the RunOptions it came from: the
// policy may change the request freely while explain still reads the
// caller's flags. These copy what RunOptions holds by reference.

// clonePointees copies a list of pointers and what they point to.
func clonePointees[T any](in []*T) []*T {
	if in == nil {
		return nil
	}
	out := make([]*T, len(in))
	for i, p := range in {
		if p != nil {
			v := *p
			out[i] = &v
		}
	}
	return out
}

func cloneDeviceRequests(in []container.DeviceRequest) []container.DeviceRequest {
	if in == nil {
		return nil
	}
	out := make([]container.DeviceRequest, len(in))
	for i, r := range in {
		r.DeviceIDs = slices.Clone(r.DeviceIDs)
		r.Options = maps.Clone(r.Options)
		if r.Capabilities != nil {
			caps := make([][]string, len(r.Capabilities))
			for j, c := range r.Capabilities {
				caps[j] = slices.Clone(c)
			}
			r.Capabilities = caps
		}
		out[i] = r
	}
	return out
}

// cloneMount copies a mount and its option structs.
func cloneMount(m mount.Mount) mount.Mount {
	if m.BindOptions != nil {
		b := *m.BindOptions
		m.BindOptions = &b
	}
	if m.VolumeOptions != nil {
		v := *m.VolumeOptions
		v.Labels = maps.Clone(v.Labels)
		if v.DriverConfig != nil {
			d := *v.DriverConfig
			d.Options = maps.Clone(d.Options)
			v.DriverConfig = &d
		}
		m.VolumeOptions = &v
	}
	if m.ImageOptions != nil {
		o := *m.ImageOptions
		m.ImageOptions = &o
	}
	if m.TmpfsOptions != nil {
		t := *m.TmpfsOptions
		t.Options = slices.Clone(t.Options)
		m.TmpfsOptions = &t
	}
	if m.ClusterOptions != nil {
		c := *m.ClusterOptions
		m.ClusterOptions = &c
	}
	return m
}
