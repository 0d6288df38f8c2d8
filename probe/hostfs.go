package probe

import (
	"path"
	"strings"
)

// standardPlaces are where a container normally has each kernel file
// system: the engine mounts a fresh procfs on /proc, sysfs on /sys and the
// cgroup file systems under /sys/fs/cgroup. Anywhere else it is the
// caller's doing, and procfs or sysfs bound from the host shows the host's
// processes and /proc/sys, or its devices and kernel settings.
var standardPlaces = map[string]string{
	"proc":    "/proc",
	"sysfs":   "/sys",
	"cgroup":  "/sys/fs/cgroup",
	"cgroup2": "/sys/fs/cgroup",
}

// kernelInterfaces are file systems the engine never mounts in a
// container: each is a window on the host kernel (debugfs and tracefs its
// internals, securityfs the LSM policies, bpf pinned programs, nsfs another
// process's namespace, efivarfs the firmware's variables).
var kernelInterfaces = map[string]bool{
	"debugfs": true, "tracefs": true, "securityfs": true, "bpf": true,
	"configfs": true, "efivarfs": true, "pstore": true, "binfmt_misc": true,
	"fusectl": true, "nsfs": true,
}

// hostFileSystems lists the mounts that show the container a host file
// system: a kernel file system outside its standard place, a kernel
// interface, the whole of a block device's file system (root "/": a bind
// of a directory has that directory as its root, a volume its _data
// directory), the host's whole devtmpfs, or an overlay other than the
// container's own root (an overlay volume stacks host directories). The
// mount on / is the container's own and never listed.
func hostFileSystems(mounts []Mount) []HostFS {
	out := []HostFS{}
	for _, m := range mounts {
		if m.MountPoint == "/" {
			continue
		}
		if why := hostFSWhy(m); why != "" {
			out = append(out, HostFS{MountPoint: m.MountPoint, FSType: m.FSType, Source: m.Source, Root: m.Root, Why: why})
		}
	}
	return out
}

func hostFSWhy(m Mount) string {
	if place, ok := standardPlaces[m.FSType]; ok {
		if under(m.MountPoint, place) {
			return ""
		}
		return m.FSType + " outside " + place
	}
	switch {
	case kernelInterfaces[m.FSType]:
		return m.FSType + ": a kernel interface of the host"
	case m.FSType == "devtmpfs" && m.Root == "/":
		return "the host's /dev (devtmpfs)"
	case m.FSType == "overlay":
		return "an overlay of host directories"
	case strings.HasPrefix(m.Source, "/dev/") && m.Root == "/":
		return "the whole file system of the block device " + m.Source
	}
	return ""
}

// under reports whether p is dir or below it.
func under(p, dir string) bool {
	p = path.Clean(p)
	return p == dir || strings.HasPrefix(p, dir+"/")
}
