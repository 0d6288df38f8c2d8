package policy

import (
	"maps"
	"slices"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/mount"
	"github.com/moby/moby/api/types/network"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
)

// copyRequest returns a deep copy of r: the plan hardens the copy, and the
// caller's request is never mutated.
func copyRequest(r Request) Request {
	return Request{
		Name:             r.Name,
		Config:           copyConfig(r.Config),
		HostConfig:       copyHostConfig(r.HostConfig),
		NetworkingConfig: copyNetworkingConfig(r.NetworkingConfig),
		Platform:         copyPlatform(r.Platform),
		Set:              maps.Clone(r.Set),
		RWMounts:         slices.Clone(r.RWMounts),
	}
}

func copyConfig(c *container.Config) *container.Config {
	if c == nil {
		return nil
	}
	n := *c
	n.ExposedPorts = maps.Clone(c.ExposedPorts)
	n.Env = slices.Clone(c.Env)
	n.Cmd = slices.Clone(c.Cmd)
	n.Volumes = maps.Clone(c.Volumes)
	n.Entrypoint = slices.Clone(c.Entrypoint)
	n.OnBuild = slices.Clone(c.OnBuild)
	n.Labels = maps.Clone(c.Labels)
	n.Shell = slices.Clone(c.Shell)
	n.StopTimeout = clonePtr(c.StopTimeout)
	if c.Healthcheck != nil {
		h := *c.Healthcheck
		h.Test = slices.Clone(c.Healthcheck.Test)
		n.Healthcheck = &h
	}
	return &n
}

func copyHostConfig(h *container.HostConfig) *container.HostConfig {
	if h == nil {
		return nil
	}
	n := *h
	n.Binds = slices.Clone(h.Binds)
	n.LogConfig.Config = maps.Clone(h.LogConfig.Config)
	n.PortBindings = copyPortMap(h.PortBindings)
	n.VolumesFrom = slices.Clone(h.VolumesFrom)
	n.Annotations = maps.Clone(h.Annotations)
	n.CapAdd = slices.Clone(h.CapAdd)
	n.CapDrop = slices.Clone(h.CapDrop)
	n.DNS = slices.Clone(h.DNS)
	n.DNSOptions = slices.Clone(h.DNSOptions)
	n.DNSSearch = slices.Clone(h.DNSSearch)
	n.ExtraHosts = slices.Clone(h.ExtraHosts)
	n.GroupAdd = slices.Clone(h.GroupAdd)
	n.Links = slices.Clone(h.Links)
	n.SecurityOpt = slices.Clone(h.SecurityOpt)
	n.StorageOpt = maps.Clone(h.StorageOpt)
	n.Tmpfs = maps.Clone(h.Tmpfs)
	n.Sysctls = maps.Clone(h.Sysctls)
	n.Umask = clonePtr(h.Umask)
	n.Resources = copyResources(h.Resources)
	n.Mounts = copyMounts(h.Mounts)
	n.MaskedPaths = slices.Clone(h.MaskedPaths)
	n.ReadonlyPaths = slices.Clone(h.ReadonlyPaths)
	n.Init = clonePtr(h.Init)
	return &n
}

func copyResources(r container.Resources) container.Resources {
	n := r
	n.BlkioWeightDevice = clonePtrs(r.BlkioWeightDevice)
	n.BlkioDeviceReadBps = clonePtrs(r.BlkioDeviceReadBps)
	n.BlkioDeviceWriteBps = clonePtrs(r.BlkioDeviceWriteBps)
	n.BlkioDeviceReadIOps = clonePtrs(r.BlkioDeviceReadIOps)
	n.BlkioDeviceWriteIOps = clonePtrs(r.BlkioDeviceWriteIOps)
	n.Devices = slices.Clone(r.Devices)
	n.DeviceCgroupRules = slices.Clone(r.DeviceCgroupRules)
	n.DeviceRequests = copyDeviceRequests(r.DeviceRequests)
	n.MemorySwappiness = clonePtr(r.MemorySwappiness)
	n.OomKillDisable = clonePtr(r.OomKillDisable)
	n.PidsLimit = clonePtr(r.PidsLimit)
	n.Ulimits = clonePtrs(r.Ulimits)
	return n
}

func copyDeviceRequests(in []container.DeviceRequest) []container.DeviceRequest {
	if in == nil {
		return nil
	}
	out := make([]container.DeviceRequest, len(in))
	for i, d := range in {
		out[i] = d
		out[i].DeviceIDs = slices.Clone(d.DeviceIDs)
		out[i].Options = maps.Clone(d.Options)
		if d.Capabilities != nil {
			out[i].Capabilities = make([][]string, len(d.Capabilities))
			for j, c := range d.Capabilities {
				out[i].Capabilities[j] = slices.Clone(c)
			}
		}
	}
	return out
}

func copyMounts(in []mount.Mount) []mount.Mount {
	if in == nil {
		return nil
	}
	out := make([]mount.Mount, len(in))
	for i, m := range in {
		out[i] = m
		out[i].BindOptions = clonePtr(m.BindOptions)
		out[i].ImageOptions = clonePtr(m.ImageOptions)
		out[i].ClusterOptions = clonePtr(m.ClusterOptions)
		if m.VolumeOptions != nil {
			v := *m.VolumeOptions
			v.Labels = maps.Clone(m.VolumeOptions.Labels)
			if v.DriverConfig != nil {
				d := *v.DriverConfig
				d.Options = maps.Clone(v.DriverConfig.Options)
				v.DriverConfig = &d
			}
			out[i].VolumeOptions = &v
		}
		if m.TmpfsOptions != nil {
			t := *m.TmpfsOptions
			t.Options = make([][]string, len(m.TmpfsOptions.Options))
			for j, o := range m.TmpfsOptions.Options {
				t.Options[j] = slices.Clone(o)
			}
			if m.TmpfsOptions.Options == nil {
				t.Options = nil
			}
			out[i].TmpfsOptions = &t
		}
	}
	return out
}

func copyPortMap(in network.PortMap) network.PortMap {
	if in == nil {
		return nil
	}
	out := make(network.PortMap, len(in))
	for k, v := range in {
		out[k] = slices.Clone(v)
	}
	return out
}

func copyNetworkingConfig(n *network.NetworkingConfig) *network.NetworkingConfig {
	if n == nil {
		return nil
	}
	out := &network.NetworkingConfig{}
	if n.EndpointsConfig != nil {
		out.EndpointsConfig = make(map[string]*network.EndpointSettings, len(n.EndpointsConfig))
		for k, v := range n.EndpointsConfig {
			out.EndpointsConfig[k] = v.Copy()
		}
	}
	return out
}

func copyPlatform(p *ocispec.Platform) *ocispec.Platform {
	if p == nil {
		return nil
	}
	n := *p
	n.OSFeatures = slices.Clone(p.OSFeatures)
	return &n
}

func clonePtr[T any](p *T) *T {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}

func clonePtrs[T any](in []*T) []*T {
	if in == nil {
		return nil
	}
	out := make([]*T, len(in))
	for i, p := range in {
		out[i] = clonePtr(p)
	}
	return out
}
