package policy

import (
	"fmt"
	"path"
	"strings"

	"github.com/hardrun/hardrun/profiles"
)

// A bind is judged by the object it names, not by its spelling: a path is
// only a name, and the same directory, socket or file can have many (a bind
// mount of /etc elsewhere, a hard link of the engine's socket, /proc mounted
// a second time). The launcher reads the facts (stat, /proc/self/mountinfo);
// the rules are here.

// ObjectKind is what a host path names.
type ObjectKind string

const (
	ObjectDir    ObjectKind = "directory"
	ObjectFile   ObjectKind = "file"
	ObjectSocket ObjectKind = "unix socket"
	ObjectDevice ObjectKind = "device node"
	ObjectFIFO   ObjectKind = "fifo"
	ObjectOther  ObjectKind = "special file"
)

// FileID is a file's identity on the host: its device and inode.
type FileID struct {
	Dev, Ino uint64
}

// PathObject describes the host object at a resolved bind source.
type PathObject struct {
	Kind  ObjectKind
	ID    FileID
	Links uint64 // hard links (st_nlink)
	// Ancestors are the identities of the directories above the object,
	// nearest first, "/" last.
	Ancestors []FileID
	// FSType is the type of the file system the object lies on (the mount
	// whose mount point is the longest prefix of the path).
	FSType string
	// Submounts are the mount points strictly under the path: the engine's
	// recursive bind carries them into the container, and before API 1.44 a
	// read-only bind leaves them writable.
	Submounts []string
	// Origin is where the object is on its file system's own mount, when
	// the path reaches it through a bind mount (mountinfo's root field):
	// /tmp/x bound from /etc/default has Origin /etc/default. "" when the
	// path is its own name.
	Origin string
}

// ProtectedObject is a host path no bind may reach, under any name: the
// never-list, volumes.deny's literal paths and the engine's sockets.
type ProtectedObject struct {
	Path string
	ID   FileID
	// MountPoint: the path is the root of its own mount, so every object
	// on that file system's device belongs to it (a bind mount of a
	// directory of /run elsewhere keeps /run's device).
	MountPoint bool
	// Kind and Links: a protected socket or file with more than one name
	// has a hard link somewhere on its file system, perhaps inside a
	// directory a bind names.
	Kind  ObjectKind
	Links uint64
}

// hostFileSystems are file system types that are the host kernel's own
// view of itself: a bind of any path on one of them hands the container
// the host's processes, devices, cgroups or kernel knobs.
var hostFileSystems = map[string]bool{
	"proc": true, "sysfs": true, "devtmpfs": true, "devpts": true, "cgroup": true, "cgroup2": true,
	"securityfs": true, "debugfs": true, "tracefs": true, "bpf": true, "configfs": true,
	"fusectl": true, "efivarfs": true, "pstore": true, "binfmt_misc": true, "mqueue": true,
	"hugetlbfs": true, "nsfs": true, "autofs": true, "rpc_pipefs": true, "selinuxfs": true,
}

// judgeObject judges the object a resolved bind source names. It returns
// the key and reason to refuse, or "".
func (e *evaluation) judgeObject(resolved string) (key, why string) {
	if e.host.Object == nil {
		return keyEnforce, "cannot be judged: bind sources can only be judged on the engine's own host"
	}
	o, err := e.host.Object(resolved)
	if err != nil {
		return keyEnforce, "cannot be judged: " + err.Error()
	}
	if o.Origin != "" && o.Origin != resolved {
		if key, why := e.hostPathRefusal(o.Origin, o.Origin); key != "" {
			return key, resolved + " is a bind mount of " + o.Origin + ": " + why
		}
	}
	var protected []ProtectedObject
	if e.host.Protected != nil {
		protected = e.host.Protected()
	}
	for _, rule := range objectRules {
		if why := rule(resolved, o, protected); why != "" {
			return keyEnforce, why
		}
	}
	return "", ""
}

var objectRules = []func(string, PathObject, []ProtectedObject) string{
	objectKindRule,
	objectAliasRule,
	objectFileSystemRule,
	objectHardLinkRule,
	objectLinkedProtectedRule,
	objectSubmountRule,
}

// objectLinkedProtectedRule: a protected socket or file with more than
// one name (the engine's socket hard-linked, /etc/shadow hard-linked) has
// its other name somewhere on its file system; any bind on that file
// system may hold it, and only a search of the whole tree could tell.
func objectLinkedProtectedRule(p string, o PathObject, protected []ProtectedObject) string {
	for _, po := range protected {
		if po.Kind != ObjectDir && po.Links > 1 && po.ID.Dev == o.ID.Dev {
			return fmt.Sprintf("%s has %d names on the file system of %s; a bind there may hold one of them (remove the extra hard link)", po.Path, po.Links, p)
		}
	}
	return ""
}

// objectKindRule: only directories and regular files are data. A socket
// is a service's API (the engine's own under any name is root on the
// host); a device node is the host's hardware, which --device governs.
func objectKindRule(p string, o PathObject, protected []ProtectedObject) string {
	switch o.Kind {
	case ObjectDir, ObjectFile:
		return ""
	case ObjectSocket:
		for _, po := range protected {
			if po.ID == o.ID {
				return p + " is " + po.Path + ", the engine's API socket: root on the host"
			}
		}
		return p + " is a unix socket: a host service's API (the Docker socket under another name is root on the host)"
	case ObjectDevice:
		return p + " is a device node: host devices are given with --device (devices_allow)"
	}
	return p + " is a " + string(o.Kind) + ", not a directory or a regular file"
}

// objectAliasRule: the object, or a directory above it, is a protected
// path under another name (a bind mount of it, or a file system mounted at
// two places); or it lies on a protected mount's device.
func objectAliasRule(p string, o PathObject, protected []ProtectedObject) string {
	for _, po := range protected {
		if po.ID == o.ID && po.Path != p {
			return p + " is " + po.Path + " under another name (same device and inode)"
		}
		if po.Path == "/" {
			continue // every path lies under "/"; only "/" itself is refused
		}
		for _, a := range o.Ancestors {
			if a == po.ID {
				return p + " lies under " + po.Path + " under another name (same device and inode)"
			}
		}
		if po.MountPoint && po.ID.Dev == o.ID.Dev {
			return p + " is on the file system mounted at " + po.Path
		}
	}
	return ""
}

func objectFileSystemRule(p string, o PathObject, _ []ProtectedObject) string {
	if hostFileSystems[o.FSType] {
		return p + " is on a " + o.FSType + " file system: the host kernel's own view of itself"
	}
	return ""
}

// objectHardLinkRule: a regular file with more than one name on the file
// system of a protected directory may be one of its files (a hard link of
// /etc/shadow); the other names cannot be found without a search.
func objectHardLinkRule(p string, o PathObject, protected []ProtectedObject) string {
	if o.Kind != ObjectFile || o.Links < 2 {
		return ""
	}
	for _, po := range protected {
		if po.ID.Dev == o.ID.Dev && po.Path != "/" {
			return fmt.Sprintf("%s has %d hard links on the file system of %s and may be one of its files", p, o.Links, po.Path)
		}
	}
	return ""
}

// objectSubmountRule: the engine binds recursively, so mounts under the
// source come along; on engines before API 1.44 read-only does not reach
// them, and any of them may be a host file system.
func objectSubmountRule(p string, o PathObject, _ []ProtectedObject) string {
	if len(o.Submounts) == 0 {
		return ""
	}
	list := o.Submounts
	if len(list) > 3 {
		list = append(list[:3:3], "...")
	}
	return p + " holds other mounts (" + strings.Join(list, ", ") + "): the container would get them too, and read-only does not reach them on this engine"
}

// EngineSockets are the engine's API sockets at their usual names; the
// launcher adds the one it talks to.
var EngineSockets = []string{"/var/run/docker.sock", "/run/docker.sock"}

// ProtectedPaths are the host paths whose objects no bind may reach under
// any name: "/", the never-list, the literal part of each volumes.deny
// glob, the engine's sockets and extra (the socket hardrun talks to).
func ProtectedPaths(p *profiles.Profile, extra ...string) []string {
	out := append([]string{"/"}, neverBind...)
	for _, g := range p.Volumes.Deny {
		if pre := globPrefix(g); pre != "" && pre != "/" {
			out = append(out, path.Clean(pre))
		}
	}
	out = append(out, EngineSockets...)
	return append(out, extra...)
}
