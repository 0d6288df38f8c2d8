package policy

import (
	"path"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/network"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
)

// Request is a container create request as the Engine API takes it, plus
// the caller's intent that the API types cannot carry. Flags are translated
// to a Request first; the policy judges the Request, never argv.
type Request struct {
	Name             string
	Config           *container.Config
	HostConfig       *container.HostConfig
	NetworkingConfig *network.NetworkingConfig
	Platform         *ocispec.Platform

	// Set holds the long names (no dashes) of the docker flags the caller
	// gave explicitly, e.g. "read-only", "user", "security-opt". It lets the
	// policy tell "the caller said nothing" (apply the profile's default)
	// from "the caller said false" (a requirement may refuse it).
	Set map[string]bool

	// RWMounts are the targets of the --mount values that said
	// readonly=false. An Engine API mount cannot tell that from a --mount
	// naming no mode (which gets volumes.default_mode), and docker treats
	// them alike; the profile does not: an explicit rw is judged as -v :rw
	// is (permitted on a volume, on a bind only under allow_rw).
	RWMounts []string
}

// Given reports whether the caller gave the docker flag long name.
func (r *Request) Given(flag string) bool { return r.Set[flag] }

// Version is hardrun's version, recorded in the io.hardrun.version label.
// main sets it from the build.
var Version = "dev"

// MountTargetOver returns the target of the mount (bind, volume, tmpfs or
// anonymous volume) that p lies on or under, "" when none.
func (r *Request) MountTargetOver(p string) string {
	var targets []string
	if hc := r.HostConfig; hc != nil {
		for _, b := range hc.Binds {
			if s, err := ParseBind(b); err == nil {
				targets = append(targets, s.Target)
			}
		}
		for _, m := range hc.Mounts {
			targets = append(targets, m.Target)
		}
		for t := range hc.Tmpfs {
			targets = append(targets, t)
		}
	}
	if r.Config != nil {
		for v := range r.Config.Volumes {
			t, _ := SplitVolumeKey(v)
			targets = append(targets, t)
		}
	}
	p = path.Clean(p)
	for _, t := range targets {
		if t = path.Clean(t); p == t || under(p, t) {
			return t
		}
	}
	return ""
}

// engineMounts are what the engine and runc mount in every container
// without a word in the request: /dev (a tmpfs, with the world-writable
// /dev/shm and /dev/mqueue in it), /proc, /sys and the engine's own
// /etc/hosts, /etc/hostname and /etc/resolv.conf.
var engineMounts = []string{"/dev", "/proc", "/sys", "/etc/hosts", "/etc/hostname", "/etc/resolv.conf"}

// EngineMountOver returns the mount the engine adds to every container
// that p lies on or under, "" when none. The image's /etc/group linked to
// /dev/shm/group is read by the engine from the image's layer but by runc
// from the container's own /dev/shm, which the container writes.
func EngineMountOver(p string) string {
	p = path.Clean(p)
	for _, t := range engineMounts {
		if p == t || under(p, t) {
			return t
		}
	}
	return ""
}
