package probe

import (
	"fmt"
	"slices"
)

// Permitted is what the profile lets the container do that the probe
// would otherwise count against it. The caller (`hardrun verify`) reads it
// off the plan; the probe imports no project package.
type Permitted struct {
	// Writable are the mount targets the plan deliberately leaves
	// writable: a write to one of them is not an escape.
	Writable map[string]bool
	// Root: the profile permits uid 0 (allow_root under an enforcing
	// profile).
	Root bool
	// RootGroup: the profile permits gid 0 and supplementary group 0
	// (allow_root_group under an enforcing profile).
	RootGroup bool
	// HostCgroupns: the profile permits the host's cgroup namespace
	// (namespaces_allow_host lists cgroupns).
	HostCgroupns bool
}

// Failures is the verify verdict, judged on effects: every escape attempt
// that worked (a write to a permitted writable mount excepted), uid 0 and
// gid or supplementary group 0 where the profile does not permit them,
// the engine's API answering on a socket reached through the mounts, a
// host file system in the mounts, and the host's cgroup namespace unless
// permitted. None means PASS.
func (r Report) Failures(p Permitted) []string {
	var fails []string
	for _, at := range r.Attempts {
		if at.Result != ResultAllowed {
			continue
		}
		if at.Name == AttemptWriteVolume && p.Writable[at.Target] {
			continue
		}
		fails = append(fails, fmt.Sprintf("%s %s: ALLOWED", at.Name, at.Target))
	}
	fails = append(fails, r.identityFailures(p)...)
	for _, s := range r.Sockets {
		if s.DockerAPI {
			fails = append(fails, "the engine's API is reachable at "+s.Path)
		}
	}
	for _, h := range r.HostFS {
		fails = append(fails, fmt.Sprintf("host file system at %s: %s (%s from %s)", h.MountPoint, h.Why, h.FSType, h.Source))
	}
	if r.CgroupNS.Mode == CgroupNSHost && !p.HostCgroupns {
		fails = append(fails, "shares the host's cgroup namespace: "+r.CgroupNS.Why)
	}
	return fails
}

// identityFailures judges every id the kernel checks: the real, effective,
// saved and file system uid and gid (from /proc/self/status, the syscall
// values when it could not be read) and each supplementary group.
func (r Report) identityFailures(p Permitted) []string {
	var fails []string
	uids, gids := r.IDs.UID, r.IDs.GID
	if len(uids) == 0 {
		uids = []int{r.UID, r.EUID}
	}
	if len(gids) == 0 {
		gids = []int{r.GID, r.EGID}
	}
	if slices.Contains(uids, 0) && !p.Root {
		fails = append(fails, "runs as uid 0")
	}
	if p.RootGroup {
		return fails
	}
	if slices.Contains(gids, 0) {
		fails = append(fails, "runs with gid 0")
	}
	if slices.Contains(r.Groups, 0) {
		fails = append(fails, "has supplementary group 0")
	}
	return fails
}
