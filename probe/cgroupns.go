package probe

import (
	"fmt"
	"maps"
	"slices"
)

// initCgroupNSInode is the inode of the host's initial cgroup namespace:
// the kernel gives every initial namespace a fixed number
// (PROC_CGROUP_INIT_INO, 0xEFFFFFFB, include/linux/proc_ns.h).
const initCgroupNSInode = "cgroup:[4026531835]"

// cgroupNamespace decides whether the probe has its own cgroup namespace
// from the link /proc/self/ns/cgroup and the text of /proc/self/cgroup.
// Two facts are sound, and both are the kernel's own:
//
//   - The link names the initial cgroup namespace: the host's.
//   - A path in /proc/self/cgroup other than "/": the kernel prints paths
//     relative to the reader's namespace root, and the engine starts the
//     container's process at the root of a namespace it creates for it.
//     A longer path ("/docker/<id>", "/system.slice/docker-<id>.scope")
//     means the namespace root is above the container's cgroup, so the
//     namespace is one the container shares (the host's, on an engine
//     that runs in the initial namespace).
//
// Private is every path "/" and another inode. The one case this cannot
// see: an engine that itself runs in a non-initial cgroup namespace (a
// nested engine) with the container in the root cgroup of that namespace.
func cgroupNamespace(link, procCgroup string) CgroupNS {
	ns := CgroupNS{Mode: CgroupNSUnknown, Inode: link}
	paths := parseProcCgroup(procCgroup)
	switch {
	case link == initCgroupNSInode:
		ns.Mode, ns.Why = CgroupNSHost, "the host's initial cgroup namespace (inode 4026531835)"
	case len(paths) == 0:
		ns.Why = "/proc/self/cgroup could not be read"
	default:
		if p := notRoot(paths); p != "" {
			ns.Mode, ns.Why = CgroupNSHost, fmt.Sprintf("its cgroup path %s is not the namespace's root: the namespace is shared", p)
		} else {
			ns.Mode, ns.Why = CgroupNSPrivate, "every cgroup path is / and the namespace is not the initial one"
		}
	}
	if link == "" && ns.Mode == CgroupNSPrivate {
		ns.Mode, ns.Why = CgroupNSUnknown, "/proc/self/ns/cgroup could not be read"
	}
	return ns
}

// notRoot returns the first path that is not "/", in controller order,
// with its controller; "" when every path is "/".
func notRoot(paths map[string]string) string {
	ctrls := slices.Sorted(maps.Keys(paths))
	for _, ctrl := range ctrls {
		if p := paths[ctrl]; p != "/" {
			if ctrl == "" {
				return p
			}
			return p + " (" + ctrl + ")"
		}
	}
	return ""
}
