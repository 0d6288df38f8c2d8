package policy

import (
	"testing"

	"github.com/moby/moby/api/types/container"

	"github.com/hardrun/hardrun/profiles"
)

func users(passwd, group string) *UserFiles {
	return &UserFiles{Passwd: []byte(passwd), Group: []byte(group), HavePasswd: passwd != "", HaveGroup: group != ""}
}

const basePasswd = "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n"
const baseGroup = "root:x:0:\napp:x:1000:\n"

// identityCases: users that look harmless as spelled and are root as the
// engine resolves them against the image's own files.
var identityCases = []policyCase{
	{name: "profile user in a plain image", profile: "default", img: ImageFacts{Users: users(basePasswd, baseGroup)}},
	// A numeric user part is never looked up as a name (verified on 20.10).
	{name: "passwd entry named like the profile's uid", profile: "default",
		img: ImageFacts{Users: users("10001:x:0:0::/:/bin/sh\n", baseGroup)}},
	{name: "group entry named like the profile's gid", profile: "default",
		img:    ImageFacts{Users: users(basePasswd, "10001:x:0:\n")},
		refuse: []string{"--user 10001:10001 (the profile's user) is not permitted: it gets supplementary group 0 from the image's /etc/group (allow_root_group: false)"}},
	{name: "a name the image maps to uid 0", profile: "default", req: []mod{user("app")},
		img:    ImageFacts{Users: users("app:x:0:0::/:/bin/sh\n", baseGroup)},
		refuse: []string{"--user app is not permitted: it resolves to uid 0 in the image's /etc/passwd (allow_root: false)", "--user app is not permitted: its group resolves to gid 0 in the image's /etc/passwd and /etc/group (a uid with no passwd entry and no group gets gid 0: give --user UID:GID) (allow_root_group: false)"}},
	{name: "uid without a passwd entry gets gid 0", profile: "default", req: []mod{user("4242")},
		img:    ImageFacts{Users: users(basePasswd, baseGroup)},
		refuse: []string{"--user 4242 is not permitted: its group resolves to gid 0 in the image's /etc/passwd and /etc/group (a uid with no passwd entry and no group gets gid 0: give --user UID:GID) (allow_root_group: false)"}},
	{name: "group file lists the user in group 0", profile: "default", req: []mod{user("app")},
		img:    ImageFacts{Users: users(basePasswd, "root:x:0:app\napp:x:1000:\n")},
		refuse: []string{"--user app is not permitted: it gets supplementary group 0 from the image's /etc/group (allow_root_group: false)"}},
	{name: "group file lists the user in group 0, permitted", profile: "default", req: []mod{user("app")},
		prof: func(p *profiles.Profile) { p.AllowRootGroup = true },
		img:  ImageFacts{Users: users(basePasswd, "root:x:0:app\napp:x:1000:\n")}},
	{name: "group-add by a name the image maps to gid 0", profile: "default", req: []mod{user("app"), hc("group-add", func(h *container.HostConfig) { h.GroupAdd = []string{"wheel"} })},
		img:    ImageFacts{Users: users(basePasswd, baseGroup+"wheel:x:0:\n")},
		refuse: []string{"--user app is not permitted: it gets supplementary group 0 from the image's /etc/group (allow_root_group: false)"}},
	{name: "group-add +0", profile: "default", req: []mod{hc("group-add", func(h *container.HostConfig) { h.GroupAdd = []string{"+0"} })},
		refuse: []string{"--group-add +0 is not permitted (allow_root_group: false)"}},
	{name: "image USER that resolves to root gets the profile's user", profile: "default",
		img: ImageFacts{User: "svc", Users: users("svc:x:0:0::/:/bin/sh\n", baseGroup)}, changes: [][2]string{{"--user", "10001:10001"}}},
	{name: "image USER resolved later when files are unknown", profile: "default", img: ImageFacts{User: "svc"},
		check: func(t *testing.T, p *Plan) {
			if !p.IdentityPending || p.Request.Config.User != "" {
				t.Errorf("pending %v, user %q", p.IdentityPending, p.Request.Config.User)
			}
		}},
	{name: "unknown user name", profile: "default", req: []mod{user("ghost")}, img: ImageFacts{Users: users(basePasswd, baseGroup)},
		refuse: []string{"--user ghost is not permitted: cannot be judged: resolve identity: the engine refuses to start the container: unable to find user ghost: no matching entries in passwd file (enforce: true)"}},
	{name: "mount where the image's symlinked /etc leads", profile: "default", req: []mod{binds("data:/usr/etc")},
		img: ImageFacts{Users: &UserFiles{Passwd: []byte(basePasswd), HavePasswd: true,
			Paths: []string{"/etc", "/usr/etc", "/usr/etc/passwd"}}},
		refuse: []string{"a mount at /usr/etc is not permitted: the image's user files are reached through /usr/etc/passwd: " + userFileWhy + " (enforce: true)"}},
	{name: "a link through the profile's own tmpfs, from the cache", profile: "default",
		img: ImageFacts{Users: &UserFiles{Passwd: []byte(basePasswd), HavePasswd: true,
			Paths: []string{"/etc", "/etc/passwd", "/etc/group", "/tmp/l", "/etc/group.real"}}},
		refuse: []string{"a mount at /tmp is not permitted: the image's user files are reached through /tmp/l: " + userFileWhy + " (enforce: true)"}},
	{name: "a link into the engine's /dev/shm, from the cache", profile: "default",
		img: ImageFacts{Users: &UserFiles{Passwd: []byte(basePasswd), HavePasswd: true,
			Paths: []string{"/etc", "/etc/passwd", "/etc/group", "/dev/shm/group"}}},
		refuse: []string{"a mount at /dev is not permitted: the image's user files are reached through /dev/shm/group: " + userFileWhy + " (enforce: true)"}},
	{name: "mount over /etc/passwd", profile: "default", req: []mod{binds("data:/etc/passwd")},
		refuse: []string{"-v data:/etc/passwd is not permitted: " + userFileWhy + " (enforce: true)"}},
	{name: "tmpfs over /etc", profile: "default", req: []mod{hc("tmpfs", func(h *container.HostConfig) { h.Tmpfs = map[string]string{"/etc": ""} })},
		refuse: []string{"--tmpfs /etc is not permitted: " + userFileWhy + " (enforce: true)"}},
}

func TestEvaluateIdentity(t *testing.T) {
	for _, tc := range identityCases {
		t.Run(tc.name, func(t *testing.T) { runPolicyCase(t, tc) })
	}
}
