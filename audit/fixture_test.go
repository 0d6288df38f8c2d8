package audit

import (
	"net/netip"

	dockerspec "github.com/moby/docker-image-spec/specs-go/v1"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/mount"
	"github.com/moby/moby/api/types/network"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"

	"github.com/hardrun/hardrun/policy"
)

// hardened is the inspect data of a container that passes every check, as
// hardrun's default profile leaves it on an engine with AppArmor, SELinux
// and seccomp.
func hardened() container.InspectResponse {
	pids := int64(256)
	init := true
	return container.InspectResponse{
		ID:              "9cde46403a6427f08ad6733caa1bbbb3c16f9cafa8d48a04e40c383f1915b8bb",
		Name:            "/web",
		Image:           "sha256:a7984670ce31",
		AppArmorProfile: "hardrun-default",
		ProcessLabel:    "system_u:system_r:container_t:s0:c12,c34",
		State:           &container.State{Status: container.StateRunning, Running: true},
		Config: &container.Config{
			Image:       "hardrun-test/health:latest",
			User:        "10001:10001",
			Healthcheck: &container.HealthConfig{Test: []string{"CMD", "true"}},
			Labels: map[string]string{
				policy.LabelProfile: "default@sha256:973fa15ac6e745d446b496e845778d17baa3103bc73d0d21a357a1bd4567caa0",
				policy.LabelVersion: "1.0.0",
			},
		},
		HostConfig: &container.HostConfig{
			ReadonlyRootfs: true,
			CapDrop:        []string{"ALL"},
			CapAdd:         []string{"CAP_NET_BIND_SERVICE"},
			SecurityOpt:    []string{"no-new-privileges:true", `seccomp={"defaultAction":"SCMP_ACT_ERRNO"}`},
			NetworkMode:    "hardrun-isolated",
			IpcMode:        "private",
			CgroupnsMode:   "host",
			RestartPolicy:  container.RestartPolicy{Name: container.RestartPolicyDisabled},
			Init:           &init,
			Tmpfs:          map[string]string{"/tmp": "rw,noexec,nosuid,nodev,size=64m"},
			ShmSize:        64 << 20,
			Runtime:        "runc",
			LogConfig:      container.LogConfig{Type: "json-file", Config: map[string]string{"max-size": "10m", "max-file": "3"}},
			MaskedPaths:    []string{"/proc/kcore"},
			ReadonlyPaths:  []string{"/proc/sys"},
			Resources: container.Resources{
				Memory:     512 << 20,
				MemorySwap: 512 << 20,
				NanoCPUs:   1e9,
				CPUShares:  512,
				PidsLimit:  &pids,
				Ulimits:    []*container.Ulimit{{Name: "nofile", Soft: 1024, Hard: 1024}},
			},
		},
		NetworkSettings: &container.NetworkSettings{
			Networks: map[string]*network.EndpointSettings{"hardrun-isolated": {}},
		},
	}
}

// everything is an engine with every mechanism.
var everything = policy.EngineFacts{AppArmor: true, SELinux: true, Seccomp: true}

func withHC(f func(*container.HostConfig)) func(*Input) {
	return func(in *Input) { f(in.Container.HostConfig) }
}

func withMounts(ms ...container.MountPoint) func(*Input) {
	return func(in *Input) { in.Container.Mounts = append(in.Container.Mounts, ms...) }
}

func bindMount(src, dst string, rw bool) container.MountPoint {
	return container.MountPoint{Type: mount.TypeBind, Source: src, Destination: dst, RW: rw, Propagation: mount.PropagationRPrivate}
}

// published records a running container's port as the engine bound it.
func published(port, ip, hostPort string) func(*Input) {
	return func(in *Input) {
		p := network.MustParsePort(port)
		b := network.PortBinding{HostPort: hostPort}
		if ip != "" {
			b.HostIP = netip.MustParseAddr(ip)
		}
		ns := in.Container.NetworkSettings
		if ns.Ports == nil {
			ns.Ports = network.PortMap{}
		}
		ns.Ports[p] = append(ns.Ports[p], b)
		hc := in.Container.HostConfig
		if hc.PortBindings == nil {
			hc.PortBindings = network.PortMap{}
		}
		hc.PortBindings[p] = append(hc.PortBindings[p], b)
	}
}

// imageExposing is an image config that EXPOSEs ports.
func imageExposing(ports ...string) *dockerspec.DockerOCIImageConfig {
	cfg := &dockerspec.DockerOCIImageConfig{ImageConfig: ocispec.ImageConfig{ExposedPorts: map[string]struct{}{}}}
	for _, p := range ports {
		cfg.ExposedPorts[p] = struct{}{}
	}
	return cfg
}

func exposing(ports ...string) func(*Input) {
	return func(in *Input) { in.Image = imageExposing(ports...) }
}

func engine(f policy.EngineFacts) func(*Input) {
	return func(in *Input) { in.Engine = f }
}

// input is the hardened container on an engine with everything, changed by
// mods.
func input(mods ...func(*Input)) *Input {
	in := &Input{Container: hardened(), Engine: everything}
	for _, m := range mods {
		m(in)
	}
	return in
}

// Short names for the network types the tables use.
type (
	containerPort   = network.Port
	networkEndpoint = network.EndpointSettings
)

var mustPort = network.MustParsePort
