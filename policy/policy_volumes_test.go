package policy

import (
	"testing"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/mount"

	"github.com/hardrun/hardrun/profiles"
)

func volumeMount(src, driver string, opts map[string]string) mod {
	m := mount.Mount{Type: mount.TypeVolume, Source: src, Target: "/v"}
	if driver != "" || opts != nil {
		m.VolumeOptions = &mount.VolumeOptions{DriverConfig: &mount.Driver{Name: driver, Options: opts}}
	}
	return mounts(m)
}

// effectCases: volumes, log drivers and the cgroup namespace judged by
// what the engine will make of them.
var effectCases = []policyCase{
	{name: "volume-opt type=proc", profile: "default", req: []mod{volumeMount("p", "", map[string]string{"type": "proc", "device": "proc"})},
		refuse: []string{"--mount type=volume,source=p,target=/v,volume-opt=device=proc,volume-opt=type=proc is not permitted: its driver options device=proc,type=proc (volumes.driver_options: false)"}},
	{name: "volume-opt block device by a relative-looking path", profile: "default", req: []mod{volumeMount("d", "", map[string]string{"type": "ext4", "device": "/dev/../dev/vda"})},
		refuse: []string{"--mount type=volume,source=d,target=/v,volume-opt=device=/dev/../dev/vda,volume-opt=type=ext4 is not permitted: its driver options mount host path /dev/../dev/vda (enforce: true)"}},
	{name: "volume-opt overlay of host layers", profile: "default", req: []mod{volumeMount("o", "", map[string]string{"type": "overlay", "device": "overlay", "o": "lowerdir=/etc"})},
		refuse: []string{"--mount type=volume,source=o,target=/v,volume-opt=device=overlay,volume-opt=o=lowerdir=/etc,volume-opt=type=overlay is not permitted: its driver options device=overlay,o=lowerdir=/etc,type=overlay (volumes.driver_options: false)"}},
	{name: "driver options permitted by the profile", profile: "default", req: []mod{volumeMount("t", "", map[string]string{"type": "tmpfs", "device": "tmpfs"})},
		prof: func(p *profiles.Profile) { p.Volumes.DriverOptions = true }},
	{name: "bind options refused even when options are permitted", profile: "default", req: []mod{volumeMount("b", "", map[string]string{"o": "bind", "device": "/srv/data"})},
		prof:   func(p *profiles.Profile) { p.Volumes.DriverOptions = true },
		refuse: []string{"--mount type=volume,source=b,target=/v,volume-opt=device=/srv/data,volume-opt=o=bind is not permitted: its driver options bind host path /srv/data (enforce: true)"}},
	{name: "existing volume created with options", profile: "default", req: []mod{binds("optvol:/o")},
		refuse: []string{"-v optvol:/o is not permitted: volume optvol was created with driver options device=tmpfs,type=tmpfs (volumes.driver_options: false)"}},
	{name: "existing volume of a plugin driver", profile: "default", req: []mod{binds("plugvol:/o")},
		refuse: []string{"-v plugvol:/o is not permitted: volume plugvol was created with driver rexray/ebs (volumes.drivers_allow: [local])"}},
	{name: "--mount volume-driver", profile: "default", req: []mod{volumeMount("n", "sshfs", nil)},
		refuse: []string{"--mount type=volume,source=n,target=/v,volume-driver=sshfs is not permitted: its driver sshfs (volumes.drivers_allow: [local])"}},
	{name: "--volume-driver for anonymous volumes", profile: "default", req: []mod{hc("volume-driver", func(h *container.HostConfig) { h.VolumeDriver = "convoy" })},
		refuse: []string{"--volume-driver convoy is not permitted (volumes.drivers_allow: [local])"}},
	{name: "--volume-driver local passes", profile: "default", req: []mod{hc("volume-driver", func(h *container.HostConfig) { h.VolumeDriver = "local" })}},
	{name: "--volumes-from a container with an optioned volume", profile: "default", req: []mod{hc("volumes-from", func(h *container.HostConfig) { h.VolumesFrom = []string{"optsrc"} })},
		refuse: []string{"--volumes-from optsrc is not permitted: it copies volume optvol: volume optvol was created with driver options device=tmpfs,type=tmpfs (volumes.driver_options: false)"}},
	{name: "log driver syslog", profile: "default", req: []mod{hc("log-driver", func(h *container.HostConfig) { h.LogConfig.Type = "syslog" })},
		refuse: []string{"--log-driver syslog is not permitted (logging_allow: [json-file, local, none])"}},
	{name: "log driver gelf with an address", profile: "default", req: []mod{hc("log-driver", func(h *container.HostConfig) {
		h.LogConfig.Type, h.LogConfig.Config = "gelf", map[string]string{"gelf-address": "udp://203.0.113.1:12201"}
	})},
		refuse: []string{"--log-driver gelf is not permitted (logging_allow: [json-file, local, none])"}},
	{name: "log driver local passes", profile: "default", req: []mod{hc("log-driver", func(h *container.HostConfig) { h.LogConfig.Type = "local" })}},
	{name: "restart policy with a host bind", profile: "default", req: []mod{binds("/srv/data:/d"), hc("restart", func(h *container.HostConfig) {
		h.RestartPolicy = container.RestartPolicy{Name: "on-failure"}
	})},
		refuse: []string{"--restart on-failure is not permitted: the engine restarts the container without hardrun and mounts the bind of /srv/data by its path again, where a symlink may have been planted in between; use a named volume (enforce: true)"}},
	{name: "restart policy with a named volume", profile: "default", req: []mod{binds("data:/d"), hc("restart", func(h *container.HostConfig) {
		h.RestartPolicy = container.RestartPolicy{Name: "on-failure"}
	})}},
	{name: "writable root file system with a restart policy", profile: "default", req: []mod{hc("restart", func(h *container.HostConfig) {
		h.RestartPolicy = container.RestartPolicy{Name: "on-failure"}
	})},
		prof:   func(p *profiles.Profile) { p.ReadOnly = false },
		refuse: []string{"a writable root file system is not permitted: " + WritableRootWhy + " (allow_root: false)"}},
	{name: "writable root file system where root is permitted", profile: "default", req: []mod{hc("restart", func(h *container.HostConfig) {
		h.RestartPolicy = container.RestartPolicy{Name: "on-failure"}
	})},
		prof: func(p *profiles.Profile) { p.ReadOnly, p.AllowRoot, p.AllowRootGroup = false, true, true }},
	{name: "writable root file system where root but not group 0 is permitted", profile: "default",
		prof:   func(p *profiles.Profile) { p.ReadOnly, p.AllowRoot = false, true },
		refuse: []string{"a writable root file system is not permitted: " + WritableRootWhy + " (allow_root_group: false)"}},
	{name: "read_only: false, the caller asks for --read-only", profile: "default", req: []mod{hc("read-only", func(h *container.HostConfig) { h.ReadonlyRootfs = true })},
		prof: func(p *profiles.Profile) { p.ReadOnly = false }},
	{name: "--cpus with --cpu-quota -1 has no CPU limit", profile: "default", req: []mod{hc("cpus", func(h *container.HostConfig) {
		h.NanoCPUs, h.CPUQuota = 1e9, -1
	})},
		refuse: []string{"--cpu-quota -1 is not permitted: it sets no CPU limit (max.cpus: 2.0)"}},
	{name: "own cgroup namespace by default", profile: "default", changes: [][2]string{{"--cgroupns", "private"}}},
	{name: "host cgroup namespace refused", profile: "default", req: []mod{hc("cgroupns", func(h *container.HostConfig) { h.CgroupnsMode = "host" })},
		refuse: []string{"--cgroupns host is not permitted " + keyNS}},
}

func TestEvaluateEffects(t *testing.T) {
	for _, tc := range effectCases {
		t.Run(tc.name, func(t *testing.T) { runPolicyCase(t, tc) })
	}
}
