package policy

import (
	"testing"

	"github.com/moby/moby/api/types/mount"
)

// objectCases judge binds by the object they name (testFS's fakeObjects):
// every spelling here is harmless as a path and is not as an object.
var objectCases = []policyCase{
	{name: "a plain directory passes", profile: "default", req: []mod{binds("/srv/data:/d")}},
	{name: "a plain file passes", profile: "default", req: []mod{binds("/srv/single.txt:/f")}},
	{name: "a unix socket", profile: "default", req: []mod{binds("/srv/sock:/s:ro")},
		refuse: []string{"-v /srv/sock:/s:ro is not permitted: /srv/sock is a unix socket: a host service's API (the Docker socket under another name is root on the host) (enforce: true)"}},
	{name: "the engine socket hard-linked elsewhere", profile: "default", req: []mod{binds("/srv/dsock:/s:ro")},
		refuse: []string{"-v /srv/dsock:/s:ro is not permitted: /srv/dsock is /run/docker.sock, the engine's API socket: root on the host (enforce: true)"}},
	{name: "a device node", profile: "default", req: []mod{binds("/srv/dev0:/dev/x")},
		refuse: []string{"-v /srv/dev0:/dev/x is not permitted: /srv/dev0 is a device node: host devices are given with --device (devices_allow) (enforce: true)"}},
	{name: "a bind mount of /etc elsewhere", profile: "default", req: []mod{binds("/srv/etc-alias:/e:ro")},
		refuse: []string{"-v /srv/etc-alias:/e:ro is not permitted: /srv/etc-alias is /etc under another name (same device and inode) (enforce: true)"}},
	{name: "a file under a bind mount of /etc", profile: "default", req: []mod{binds("/srv/etc-alias/ssh.cfg:/e:ro")},
		refuse: []string{"-v /srv/etc-alias/ssh.cfg:/e:ro is not permitted: /srv/etc-alias/ssh.cfg lies under /etc under another name (same device and inode) (enforce: true)"}},
	{name: "a directory on /run's device", profile: "default", req: []mod{binds("/srv/runalias:/r:ro")},
		refuse: []string{"-v /srv/runalias:/r:ro is not permitted: /srv/runalias is on the file system mounted at /run (enforce: true)"}},
	{name: "a second procfs", profile: "default", req: []mod{binds("/srv/procalias:/p:ro")},
		refuse: []string{"-v /srv/procalias:/p:ro is not permitted: /srv/procalias is on a proc file system: the host kernel's own view of itself (enforce: true)"}},
	{name: "a hard-linked file on the root file system", profile: "default", req: []mod{binds("/srv/hard.txt:/h:ro")},
		refuse: []string{"-v /srv/hard.txt:/h:ro is not permitted: /srv/hard.txt has 2 hard links on the file system of /etc and may be one of its files (enforce: true)"}},
	{name: "a directory holding other mounts", profile: "default", req: []mod{binds("/srv/mnt:/m:ro")},
		refuse: []string{"-v /srv/mnt:/m:ro is not permitted: /srv/mnt holds other mounts (/srv/mnt/usb): the container would get them too, and read-only does not reach them on this engine (enforce: true)"}},
	{name: "a socket through --mount", profile: "default", req: []mod{mounts(mount.Mount{Type: mount.TypeBind, Source: "/srv/sock", Target: "/s"})},
		refuse: []string{"--mount type=bind,source=/srv/sock,target=/s is not permitted: /srv/sock is a unix socket: a host service's API (the Docker socket under another name is root on the host) (enforce: true)"}},
	{name: "no host file look-up refuses binds", profile: "default", req: []mod{binds("/srv/data:/d")},
		host:   func(h *HostFacts) { h.Object = nil },
		refuse: []string{"-v /srv/data:/d is not permitted: cannot be judged: bind sources can only be judged on the engine's own host (enforce: true)"}},
	{name: "a bind mount of a directory under /etc", profile: "default", req: []mod{binds("/srv/bindx:/x:ro")},
		refuse: []string{"-v /srv/bindx:/x:ro is not permitted: /srv/bindx is a bind mount of /etc/default: /etc/default is under /etc (enforce: true)"}},
	{name: "a bind mount of a harmless directory", profile: "default", req: []mod{binds("/srv/bindok:/x:ro")}},
	{name: "the engine socket hard-linked somewhere on the same file system", profile: "default", req: []mod{binds("/srv/data:/d")},
		host: func(h *HostFacts) {
			h.Protected = func() []ProtectedObject {
				return []ProtectedObject{{Path: "/run/docker.sock", ID: FileID{Dev: 1, Ino: 7}, Kind: ObjectSocket, Links: 2}}
			}
		},
		refuse: []string{"-v /srv/data:/d is not permitted: /run/docker.sock has 2 names on the file system of /srv/data; a bind there may hold one of them (remove the extra hard link) (enforce: true)"}},
	{name: "unconfined judges no object", profile: "unconfined", req: []mod{binds("/srv/sock:/s")}},
}

func TestEvaluateObjects(t *testing.T) {
	for _, tc := range objectCases {
		t.Run(tc.name, func(t *testing.T) { runPolicyCase(t, tc) })
	}
}
