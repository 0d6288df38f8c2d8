package integration

import (
	"archive/tar"
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestAdversarial is the attacker's table: requests and images that look
// harmless and are not, written from what the engine, runc and the kernel
// accept rather than from the contract's list. Every case is proven one of
// two ways:
//
//   - refused: exit 125, a `hardrun: refused by profile` line, and no
//     container, volume or network left behind;
//   - held: the container runs and a command inside (or the engine's own
//     record of the running container) shows the guarantee of contract
//     section 5 in force.
//
// Cases marked advEither accept both proofs (an identity hardrun could
// refuse, or run with no 0 in uid, gid and groups). Nothing is skipped: a
// case that fails is a hole.
func TestAdversarial(t *testing.T) {
	requireEngine(t)
	fx := newAdvFixtures(t)
	cases := advCases(fx)
	if len(cases) < 60 {
		t.Errorf("the adversarial table has %d cases, want at least 60", len(cases))
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.custom != nil {
				tc.custom(t)
				return
			}
			advRun(t, tc)
		})
	}
}

type advExpect int

const (
	advRefuse advExpect = iota // exit 125 and a refusal line, nothing left behind
	advHeld                    // the container runs; check proves the guarantee
	advEither                  // refused, or held
)

type advCase struct {
	name   string
	image  string // default rootImage
	args   []string
	expect advExpect
	cmd    string                         // sh -c script for held; default the identity probe
	check  func(t *testing.T, out string) // held proof; default noRootIdentity
	custom func(t *testing.T)             // multi-step cases
}

// identityProbe prints the ids the process really has, and its effective
// capabilities.
const identityProbe = `echo "IDS $(id -u) $(id -g) $(id -G)"; grep CapEff /proc/self/status`

func noRootIdentity(t *testing.T, out string) {
	t.Helper()
	found := false
	for _, line := range strings.Split(out, "\n") {
		if f := strings.Fields(line); len(f) > 0 && f[0] == "IDS" {
			found = true
			for _, id := range f[1:] {
				if id == "0" {
					t.Errorf("the container has id 0 (uid gid groups): %q", line)
				}
			}
		}
		if strings.HasPrefix(line, "CapEff:") && strings.TrimSpace(strings.TrimPrefix(line, "CapEff:")) != "0000000000000000" {
			t.Errorf("effective capabilities: %q", line)
		}
	}
	if !found {
		t.Errorf("no identity line in the output: %q", out)
	}
}

// advRun runs one table case.
func advRun(t *testing.T, tc advCase) {
	t.Helper()
	img := tc.image
	if img == "" {
		img = rootImage
	}
	cmd := tc.cmd
	if cmd == "" {
		cmd = identityProbe
	}
	vols, nets := listNames(t, "volume"), listNames(t, "network")
	args := append([]string{"run", "--rm", labelled(t)}, tc.args...)
	args = append(args, img, "sh", "-c", cmd)
	r := advHardrun(t, nil, args...)
	switch {
	case tc.expect == advRefuse || (tc.expect == advEither && r.Code == 125):
		assertAdvRefused(t, r, vols, nets)
	default:
		if r.Code != 0 {
			t.Fatalf("want the container to run (held), got %s", r)
		}
		check := tc.check
		if check == nil {
			check = noRootIdentity
		}
		check(t, r.Stdout)
		if ids := containersOf(t); len(ids) != 0 {
			runDocker(t, append([]string{"rm", "-f", "-v"}, ids...)...)
			t.Errorf("--rm left containers %v", ids)
		}
	}
}

// advHardrun runs hardrun with a cache of its own (so no case reads the
// identity another case, or another run, left in the user's cache).
func advHardrun(t *testing.T, env []string, args ...string) cmdResult {
	t.Helper()
	if env == nil {
		env = []string{"XDG_CACHE_HOME=" + t.TempDir()}
	}
	return runCmd(t, "", env, hardrunBin, args...)
}

func assertAdvRefused(t *testing.T, r cmdResult, vols, nets []string) {
	t.Helper()
	if r.Code != 125 {
		t.Errorf("exit %d, want 125 (refused): %s", r.Code, r)
	}
	if !strings.Contains(r.Stderr, "hardrun: refused by profile ") {
		t.Errorf("no refusal line: %s", r)
	}
	if ids := containersOf(t); len(ids) != 0 {
		runDocker(t, append([]string{"rm", "-f", "-v"}, ids...)...)
		t.Errorf("a refused request left containers %v", ids)
	}
	if added := newNames(vols, listNames(t, "volume")); len(added) != 0 {
		for _, v := range added {
			runDocker(t, "volume", "rm", "-f", v)
		}
		t.Errorf("a refused request left volumes %v", added)
	}
	if added := newNames(nets, listNames(t, "network")); len(added) != 0 {
		t.Errorf("a refused request left networks %v", added)
	}
}

// ---------------------------------------------------------------- fixtures

type advFixtures struct {
	base      string // host directory every fixture lives under
	tag       string
	hostNetID string
	cgroupNS  string // the host's cgroup namespace
	netNS     string // the host's network namespace
	dockerGID string // group of the engine's socket
	shadowGID string // group of /etc/shadow
	images    map[string]string
	volumes   map[string]string
	donors    map[string]string
}

func (fx *advFixtures) p(name string) string { return filepath.Join(fx.base, name) }

func newAdvFixtures(t *testing.T) *advFixtures {
	t.Helper()
	base, err := os.MkdirTemp("/tmp", "hardrun-adv-")
	if err != nil {
		t.Fatal(err)
	}
	fx := &advFixtures{base: base, tag: runID, images: map[string]string{}, volumes: map[string]string{}, donors: map[string]string{}}
	// Registered first, so it runs last: only once every mount under
	// base is gone is anything removed (a RemoveAll through a bind of
	// /etc would empty the host's /etc).
	t.Cleanup(func() { removeAdvBase(t, base) })

	fx.cgroupNS, _ = os.Readlink("/proc/self/ns/cgroup")
	fx.netNS, _ = os.Readlink("/proc/1/ns/net")
	fx.dockerGID = gidOf(t, "/run/docker.sock")
	fx.shadowGID = gidOf(t, "/etc/shadow")
	r := runDocker(t, "network", "inspect", "-f", "{{.Id}}", "host")
	if r.Code != 0 {
		t.Fatalf("inspect host network: %s", r)
	}
	fx.hostNetID = strings.TrimSpace(r.Stdout)[:12]

	mkdir := func(name string) string {
		d := fx.p(name)
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		return d
	}
	write := func(name, data string) {
		if err := os.WriteFile(fx.p(name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	link := func(old, name string) {
		if err := os.Link(old, fx.p(name)); err != nil {
			t.Fatalf("hard link %s: %v (the fixtures need /tmp on the file system of %s)", old, err, old)
		}
	}
	symlink := func(target, name string) {
		if err := os.Symlink(target, fx.p(name)); err != nil {
			t.Fatal(err)
		}
	}
	mnt := func(src, target, fstype string, flags uintptr, data string) {
		if err := syscall.Mount(src, target, fstype, flags, data); err != nil {
			t.Fatalf("mount %s on %s: %v", src, target, err)
		}
		t.Cleanup(func() {
			if err := syscall.Unmount(target, 0); err != nil {
				_ = syscall.Unmount(target, syscall.MNT_DETACH)
			}
		})
	}
	// A read-only bind, so that even a hole cannot write through it.
	bindRO := func(src, target string) {
		mnt(src, target, "", syscall.MS_BIND, "")
		if err := syscall.Mount("", target, "", syscall.MS_BIND|syscall.MS_REMOUNT|syscall.MS_RDONLY, ""); err != nil {
			t.Fatalf("remount %s read-only: %v", target, err)
		}
	}

	mkdir("plain")
	write("plain/marker", "plain\n")
	mkdir("dots/a/b")
	// Socket links.
	link("/run/docker.sock", "sock-hardlink")
	mkdir("sockdir")
	link("/run/docker.sock", "sockdir/s")
	symlink("/run", "run-link")
	symlink("/var/run/", "varrun-link")
	write("sock-bound", "")
	mnt("/run/docker.sock", fx.p("sock-bound"), "", syscall.MS_BIND, "")
	mkdir("run-bound")
	bindRO("/run", fx.p("run-bound"))
	// Aliases of never-listed paths.
	link("/etc/shadow", "shadow-hardlink")
	link("/etc/passwd", "passwd-hardlink")
	mkdir("shadowdir")
	link("/etc/shadow", "shadowdir/shadow")
	mkdir("etc-bound")
	bindRO("/etc", fx.p("etc-bound"))
	mkdir("etcsub-bound")
	bindRO("/etc/default", fx.p("etcsub-bound"))
	write("group-bound", "")
	bindRO("/etc/group", fx.p("group-bound"))
	// Submounts.
	mkdir("with-tmpfs/t")
	mnt("tmpfs", fx.p("with-tmpfs/t"), "tmpfs", 0, "size=1m")
	mkdir("with-bind/b")
	bindRO(fx.p("plain"), fx.p("with-bind/b"))
	mkdir("with-proc/p")
	mnt("proc", fx.p("with-proc/p"), "proc", syscall.MS_NOSUID|syscall.MS_NODEV|syscall.MS_NOEXEC, "")
	// Devices.
	mknod := func(name string, mode uint32, major, minor int) {
		if err := syscall.Mknod(fx.p(name), mode|0o666, major<<8|minor); err != nil {
			t.Fatalf("mknod %s: %v", name, err)
		}
	}
	mknod("mem", syscall.S_IFCHR, 1, 1)
	mknod("loopdev", syscall.S_IFBLK, 7, 0)
	mknod("fifo", syscall.S_IFIFO, 0, 0)
	mkdir("devdir")
	mknod("devdir/mem", syscall.S_IFCHR, 1, 1)
	// A project directory with a user database that looks harmless.
	mkdir("pw")
	write("pw/passwd", "app:x:1000:1000::/:/bin/sh\n")
	write("pw/group", "app:x:1000:\n")

	fx.buildImages(t)
	fx.makeVolumes(t)
	fx.makeDonors(t)
	return fx
}

func gidOf(t *testing.T, p string) string {
	t.Helper()
	var st syscall.Stat_t
	if err := syscall.Stat(p, &st); err != nil {
		t.Fatal(err)
	}
	return fmt.Sprint(st.Gid)
}

// removeAdvBase removes the fixtures, but only when nothing is mounted
// under them any more.
func removeAdvBase(t *testing.T, base string) {
	data, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		t.Errorf("cannot check mounts under %s, left in place: %v", base, err)
		return
	}
	for _, line := range strings.Split(string(data), "\n") {
		if f := strings.Fields(line); len(f) > 4 && (f[4] == base || strings.HasPrefix(f[4], base+"/")) {
			t.Errorf("%s is still mounted; %s left in place", f[4], base)
			return
		}
	}
	if err := os.RemoveAll(base); err != nil {
		t.Errorf("remove fixtures: %v", err)
	}
}

// advFile is one entry of an image's root file system.
type advFile struct {
	name, data, link string // link: a symlink to it
	mode             int64  // 0: 0755
}

var advApplets = []string{"sh", "id", "cat", "ls", "echo", "sleep", "grep", "readlink", "pwd", "test", "head", "touch", "wc", "true"}

// buildAdvImage imports a root file system of static busybox and files.
func (fx *advFixtures) buildAdvImage(t *testing.T, name string, files []advFile, changes ...string) {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	now := time.Unix(0, 0)
	dirs := map[string]bool{}
	for _, d := range []string{"bin", "etc", "tmp", "proc", "sys", "dev", "data"} {
		dirs[d] = true
		mode := int64(0o755)
		if d == "tmp" {
			mode = 0o1777 // as in real images; a --tmpfs there copies it
		}
		if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: d + "/", Mode: mode, ModTime: now}); err != nil {
			t.Fatal(err)
		}
	}
	bb, err := os.ReadFile("/bin/busybox")
	if err != nil {
		t.Fatalf("read busybox: %v", err)
	}
	files = append([]advFile{{name: "bin/busybox", data: string(bb)}}, files...)
	for _, a := range advApplets {
		files = append(files, advFile{name: "bin/" + a, link: "busybox"})
	}
	for _, f := range files {
		for d := filepath.Dir(f.name); d != "." && !dirs[d]; d = filepath.Dir(d) {
			dirs[d] = true
			if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: d + "/", Mode: 0o755, ModTime: now}); err != nil {
				t.Fatal(err)
			}
		}
		h := &tar.Header{Name: f.name, ModTime: now}
		if f.link != "" {
			h.Typeflag, h.Linkname, h.Mode = tar.TypeSymlink, f.link, 0o777
		} else {
			h.Typeflag, h.Mode, h.Size = tar.TypeReg, 0o755, int64(len(f.data))
			if f.mode != 0 {
				h.Mode = f.mode
			}
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if f.link == "" {
			if _, err := tw.Write([]byte(f.data)); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	tarFile := filepath.Join(t.TempDir(), name+".tar")
	if err := os.WriteFile(tarFile, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	ref := "hardrun-adv/" + name + ":" + fx.tag
	args := []string{"import"}
	for _, c := range append([]string{`CMD ["sh"]`}, changes...) {
		args = append(args, "-c", c)
	}
	if r := runDocker(t, append(args, tarFile, ref)...); r.Code != 0 {
		t.Fatalf("import %s: %s", ref, r)
	}
	t.Cleanup(func() { runDocker(t, "rmi", "-f", ref) })
	fx.images[name] = ref
}

func (fx *advFixtures) img(name string) string {
	if ref, ok := fx.images[name]; ok {
		return ref
	}
	panic("no image " + name)
}

func (fx *advFixtures) buildImages(t *testing.T) {
	pw := func(s string) advFile { return advFile{name: "etc/passwd", data: s} }
	gr := func(s string) advFile { return advFile{name: "etc/group", data: s} }
	std := "root:x:0:0::/:/bin/sh\n"
	b := fx.buildAdvImage
	// passwd/group tricks
	b(t, "user-is-root", []advFile{pw(std + "app:x:0:0::/:/bin/sh\n"), gr("root:x:0:\n")}, "USER app")
	b(t, "user-gid0", []advFile{pw(std + "app:x:1000:0::/:/bin/sh\n"), gr("root:x:0:\n")}, "USER app")
	b(t, "member-of-0", []advFile{pw(std + "app:x:1000:1000::/:/bin/sh\n"), gr("wheel:x:0:app\napp:x:1000:\n")}, "USER app")
	b(t, "default-member-of-0", []advFile{pw(std + "app:x:10001:10001::/:/bin/sh\n"), gr("wheel:x:0:app,nobody\napp:x:10001:\n")})
	b(t, "group-named-10001", []advFile{pw(std + "app:x:10001:10001::/:/bin/sh\n"), gr("10001:x:0:\napp:x:10001:app\n")})
	b(t, "uid-no-entry", []advFile{pw(std), gr("root:x:0:\n")}, "USER 1000")
	b(t, "no-passwd", nil, "USER 1000")
	b(t, "no-passwd-default", nil)
	b(t, "passwd-symlink", []advFile{
		{name: "etc/passwd", link: "/etc/alt/passwd"},
		{name: "etc/alt/passwd", data: std + "app:x:0:0::/:/bin/sh\n"},
		{name: "etc/decoy-passwd", data: "app:x:1000:1000::/:/bin/sh\n"},
		gr("root:x:0:\n"),
	}, "USER app")
	b(t, "passwd-relative-symlink", []advFile{
		{name: "etc/passwd", link: "../data/../etc/pw.d/real"},
		{name: "etc/pw.d/real", data: "app:x:0:0::/:/bin/sh\n"},
	}, "USER app")
	huge := strings.Repeat("#"+strings.Repeat("x", 1000)+"\n", 1200)
	b(t, "huge-passwd", []advFile{pw(huge + "app:x:0:0::/:/bin/sh\n"), gr("root:x:0:\n")}, "USER app")
	b(t, "uid-wraps", []advFile{pw(std + "app:x:4294967296:1000::/:/bin/sh\n"), gr("app:x:1000:\n")}, "USER app")
	b(t, "uid-not-number", []advFile{pw(std + "app:x:abc:1000::/:/bin/sh\n"), gr("app:x:1000:\n")}, "USER app")
	b(t, "name-0x0", []advFile{pw(std + "0x0:x:0:0::/:/bin/sh\n"), gr("root:x:0:\n")})
	b(t, "group-names", []advFile{pw(std + "app:x:1000:1000::/:/bin/sh\n"),
		gr("root:x:1000:\nstaff:x:0:\n5:x:0:\n1234:x:0:\napp:x:1000:\n")})
	b(t, "dup-entries", []advFile{pw(std + "app:x:1000:1000::/:/bin/sh\napp:x:0:0::/:/bin/sh\n"), gr("app:x:1000:\n")}, "USER app")
	b(t, "user-colon-group", []advFile{pw(std), gr("root:x:0:\n")}, "USER :1000")
	b(t, "user-plus0", []advFile{pw(std), gr("root:x:0:\n")}, "USER +0:1000")
	// The user database is a symlink into a directory the caller mounts:
	// the engine resolves the user in the image's own layer, a read
	// through the mounts sees the caller's harmless copy.
	b(t, "db-in-mount", []advFile{
		{name: "etc/passwd", link: "/data/passwd"},
		{name: "etc/group", link: "/data/group"},
		{name: "data/passwd", data: "app:x:0:0::/:/bin/sh\n"},
		{name: "data/group", data: "root:x:0:app\n"},
	}, "USER app")
	b(t, "group-in-mount", []advFile{
		pw(std + "app:x:1000:1000::/:/bin/sh\n"),
		{name: "etc/group", link: "/data/group"},
		{name: "data/group", data: "wheel:x:0:app\napp:x:1000:\n"},
	}, "USER app")
	b(t, "db-in-mount-cache", []advFile{
		{name: "etc/passwd", link: "/data/passwd"},
		{name: "etc/group", link: "/data/group"},
		{name: "data/passwd", data: "app:x:0:0::/:/bin/sh\n"},
		{name: "data/group", data: "root:x:0:\n"},
		{name: "cache-marker", data: "a different image ID\n"},
	}, "USER app")
	// image metadata
	b(t, "volume-etc", []advFile{pw(std)}, "VOLUME /etc")
	b(t, "volume-etc-slash", []advFile{pw(std)}, "VOLUME /etc/")
	b(t, "volume-passwd", []advFile{pw(std)}, "VOLUME /etc/passwd")
	b(t, "volume-dotdot", []advFile{pw(std)}, "VOLUME /data/../etc/group")
	b(t, "workdir-fd", []advFile{pw(std)}, "WORKDIR /proc/self/fd/7")
	b(t, "workdir-dotdot", []advFile{pw(std)}, "WORKDIR /tmp/../proc/self/cwd")
	b(t, "workdir-symlink", []advFile{pw(std), {name: "w", link: "/proc/self"}}, "WORKDIR /w")
	b(t, "workdir-symlink-fd", []advFile{pw(std), {name: "data/fd", link: "../proc/self/fd"}}, "WORKDIR /data/fd")
	b(t, "expose", []advFile{pw(std)}, "EXPOSE 0080 53/udp 7000-7001 0443/TCP")
}

func (fx *advFixtures) makeVolumes(t *testing.T) {
	mk := func(key string, opts ...string) {
		name := "hardrun-adv-" + key + "-" + fx.tag
		args := []string{"volume", "create"}
		for _, o := range opts {
			args = append(args, "-o", o)
		}
		if r := runDocker(t, append(args, name)...); r.Code != 0 {
			t.Fatalf("create volume %s: %s", name, r)
		}
		t.Cleanup(func() { runDocker(t, "volume", "rm", "-f", name) })
		fx.volumes[key] = name
	}
	mk("tmpfs", "type=tmpfs", "device=tmpfs")
	mk("proc", "type=proc", "device=proc")
	mk("sysfs", "type=sysfs", "device=sysfs")
	mk("size", "type=tmpfs", "device=tmpfs", "o=size=1m,uid=0")
	mk("plain")
}

// makeDonors creates (never starts) plain-docker containers whose mounts
// --volumes-from would copy.
func (fx *advFixtures) makeDonors(t *testing.T) {
	mk := func(key string, mountArgs ...string) {
		name := "hardrun-adv-donor-" + key + "-" + fx.tag
		runDocker(t, "rm", "-f", name)
		args := append([]string{"create", "--name", name, "--label", testLabel + "=" + runID + ".adv-donor"}, mountArgs...)
		if r := runDocker(t, append(args, rootImage, "true")...); r.Code != 0 {
			t.Fatalf("create donor %s: %s", name, r)
		}
		t.Cleanup(func() { runDocker(t, "rm", "-f", name) })
		fx.donors[key] = name
	}
	mk("optvol", "-v", fx.volumes["tmpfs"]+":/v")
	mk("procvol", "--mount", "type=volume,src="+fx.volumes["proc"]+",dst=/v")
	mk("sock", "-v", fx.p("sock-hardlink")+":/s")
	mk("sockdir", "-v", fx.p("sockdir")+":/x")
	mk("etc-bound", "-v", fx.p("etc-bound")+":/x")
	mk("shadowdir", "-v", fx.p("shadowdir")+":/x")
	mk("submount", "-v", fx.p("with-tmpfs")+":/x")
	mk("anon-optvol", "--mount", "type=volume,dst=/v,volume-opt=type=tmpfs,volume-opt=device=tmpfs")
}

// ------------------------------------------------------------------ table

func advCases(fx *advFixtures) []advCase {
	refuse := func(name string, args ...string) advCase {
		return advCase{name: name, args: args, expect: advRefuse}
	}
	refuseImg := func(name, img string, args ...string) advCase {
		return advCase{name: name, image: fx.img(img), args: args, expect: advRefuse}
	}
	either := func(name, img string, args ...string) advCase {
		c := advCase{name: name, args: args, expect: advEither}
		if img != "" {
			c.image = fx.img(img)
		}
		return c
	}
	held := func(name string, cmd string, check func(*testing.T, string), args ...string) advCase {
		return advCase{name: name, args: args, expect: advHeld, cmd: cmd, check: check}
	}
	// heldOrRefused: the fixture's hard links of the engine socket and of
	// /etc/shadow put every bind on their file system under suspicion, so
	// a refusal is as good as a held container here.
	heldOrRefused := func(name string, cmd string, check func(*testing.T, string), args ...string) advCase {
		return advCase{name: name, args: args, expect: advEither, cmd: cmd, check: check}
	}
	fails := func(what string) func(*testing.T, string) { // the script prints HELD when the attempt failed
		return func(t *testing.T, out string) {
			t.Helper()
			if !strings.Contains(out, "HELD") {
				t.Errorf("%s succeeded inside the container: %q", what, out)
			}
		}
	}
	v := fx.volumes
	d := fx.donors
	p := fx.p

	cases := []advCase{
		// ---- image passwd/group tricks
		refuseImg("image USER name that is uid 0", "user-is-root"),
		refuseImg("image USER whose passwd gid is 0", "user-gid0"),
		refuseImg("image USER listed in a gid 0 group", "member-of-0"),
		either("profile user 10001 listed in a gid 0 group", "default-member-of-0"),
		either("group named 10001 with gid 0 (runc by-name pass)", "group-named-10001"),
		refuseImg("image USER uid without passwd entry gets gid 0", "uid-no-entry"),
		refuseImg("no /etc/passwd and USER 1000", "no-passwd"),
		either("no /etc/passwd and the profile user", "no-passwd-default"),
		refuseImg("/etc/passwd a symlink to another file", "passwd-symlink"),
		refuseImg("/etc/passwd a relative symlink through ..", "passwd-relative-symlink"),
		refuseImg("huge /etc/passwd ending in a root entry", "huge-passwd"),
		refuseImg("passwd uid 2^32 wraps to 0", "uid-wraps"),
		refuseImg("passwd uid not a number parses as 0", "uid-not-number"),
		refuseImg("--user name 0x0 that is uid 0", "name-0x0", "--user", "0x0"),
		refuseImg("--user NAME that is uid 0", "user-is-root", "--user", "app"),
		refuseImg("--user 1000 without passwd entry", "uid-no-entry", "--user", "1000"),
		refuseImg("--user 1000:staff where staff is gid 0", "group-names", "--user", "1000:staff"),
		refuseImg("--group-add staff where staff is gid 0", "group-names", "--group-add", "staff"),
		refuseImg("--group-add 5 where a group named 5 is gid 0", "group-names", "--group-add", "5"),
		refuseImg("--group-add 1234 where a group named 1234 is gid 0", "group-names", "--group-add", "1234"),
		either("--group-add root where root is gid 1000", "group-names", "--group-add", "root"),
		either("duplicate passwd entries, first wins", "dup-entries"),
		either("image USER :1000 (empty user is uid 0)", "user-colon-group"),
		either("image USER +0:1000", "user-plus0"),
		refuseImg("user database symlinked into a bind", "db-in-mount", "-v", p("pw")+":/data"),
		refuseImg("user database symlinked into a bind, --user app", "db-in-mount", "--user", "app", "-v", p("pw")+":/data:ro"),
		refuseImg("group file symlinked into a bind", "group-in-mount", "--mount", "type=bind,src="+p("pw")+",dst=/data"),
		{name: "identity cache keyed by image while read through mounts", custom: fx.cachePoison},

		// ---- numeric spellings
		refuse("--user +0", "--user", "+0"),
		refuse("--user -0", "--user", "-0"),
		refuse("--user 000", "--user", "000"),
		refuse("--user :0", "--user", ":0"),
		refuse("--user :10001 (empty user part)", "--user", ":10001"),
		refuse("--user 1:+0", "--user", "1:+0"),
		refuse("--user 1:-0", "--user", "1:-0"),
		refuse("--user 65534:000", "--user", "65534:000"),
		refuse("--user nobody:root", "--user", "nobody:root"),
		refuse("--user 0:10001", "--user=0:10001"),
		refuse("--user 1000 on an image without entry", "--user", "1000"),
		refuse("--group-add 00", "--group-add", "00"),
		refuse("--group-add +0", "--group-add", "+0"),
		refuse("--group-add -0", "--group-add=-0"),
		refuse("--group-add 1 then 000", "--group-add", "1", "--group-add", "000"),
		refuse("--user 4294967296", "--user", "4294967296"),

		// ---- volume options
		refuse("volume-opt type=proc", "--mount", "type=volume,dst=/x,volume-opt=type=proc,volume-opt=device=proc"),
		refuse("volume-opt ext4 block device", "--mount", "type=volume,dst=/x,readonly,volume-opt=type=ext4,volume-opt=device=/dev/hardrun-adv-none,volume-opt=o=ro"),
		refuse("volume-opt device spelled //dev", "--mount", "type=volume,dst=/x,readonly,volume-opt=type=ext4,volume-opt=device=//dev/../dev/hardrun-adv-none"),
		refuse("volume-opt tmpfs", "--mount", "type=volume,dst=/x,volume-opt=type=tmpfs,volume-opt=device=tmpfs"),
		refuse("volume-opt overlay of host layers", "--mount", "type=volume,dst=/x,volume-opt=type=overlay,volume-opt=device=overlay,volume-opt=o=lowerdir=/etc"),
		refuse("named volume with volume-opt o only", "--mount", "type=volume,src=hardrun-adv-new-"+fx.tag+",dst=/x,volume-opt=o=size=1m"),
		refuse("existing volume created -o type=tmpfs", "-v", v["tmpfs"]+":/x"),
		refuse("existing volume created -o type=proc, --mount", "--mount", "type=volume,src="+v["proc"]+",dst=/x,readonly"),
		refuse("existing volume created -o type=sysfs", "-v", v["sysfs"]+":/x:ro"),
		refuse("existing volume with o=size", "-v", v["size"]+":/x:nocopy"),
		refuse("--volume-driver with a named volume", "--volume-driver", "hardrun-adv-fake", "-v", "hardrun-adv-new-"+fx.tag+":/x"),
		refuse("--volume-driver with an anonymous volume", "--volume-driver", "hardrun-adv-fake", "-v", "/x"),
		refuse("--mount volume-driver", "--mount", "type=volume,dst=/x,volume-driver=hardrun-adv-fake"),
		refuse("--volumes-from a container with an optioned volume", "--volumes-from", d["optvol"]),
		refuse("--volumes-from a container with a proc volume", "--volumes-from", d["procvol"]+":ro"),
		refuse("--volumes-from a container with an anonymous optioned volume", "--volumes-from", d["anon-optvol"]),
		refuse("--volumes-from a container with a socket bind", "--volumes-from", d["sock"]),
		refuse("--volumes-from a container binding the engine socket's directory", "--volumes-from", d["sockdir"]),
		refuse("--volumes-from a container binding an alias of /etc", "--volumes-from", d["etc-bound"]),
		refuse("--volumes-from a container binding a dir with submounts", "--volumes-from", d["submount"]),
		held("existing plain volume is read-only", `touch /x/a 2>/dev/null && echo WROTE || echo HELD`, fails("a write to the volume"), "-v", v["plain"]+":/x"),

		// ---- socket links
		refuse("hard link of the engine socket", "-v", p("sock-hardlink")+":/s"),
		refuse("hard link of the engine socket, --mount", "--mount", "type=bind,src="+p("sock-hardlink")+",dst=/s,readonly"),
		refuse("engine socket bind-mounted on a file", "-v", p("sock-bound")+":/s"),
		refuse("path through a symlink to /run", "-v", p("run-link")+"/docker.sock:/s"),
		refuse("symlink to /var/run/", "-v", p("varrun-link")+":/r:ro"),
		refuse("/run bind-mounted under /tmp", "-v", p("run-bound")+":/r:ro"),
		refuse("engine socket in /run bind-mounted under /tmp", "-v", p("run-bound")+"/docker.sock:/s"),
		refuse("directory holding a hard link of the engine socket", "-v", p("sockdir")+":/x"),
		refuse("directory holding a hard link of the engine socket, --group-add its gid", "-v", p("sockdir")+":/x", "--group-add", fx.dockerGID),

		// ---- submounts
		refuse("directory with a tmpfs mounted inside", "-v", p("with-tmpfs")+":/x:ro"),
		refuse("directory with a bind mounted inside", "--mount", "type=bind,src="+p("with-bind")+",dst=/x,readonly"),
		refuse("directory with proc mounted inside", "-v", p("with-proc")+":/x"),
		refuse("parent of a directory with submounts", "-v", p("")+":/x"),

		// ---- aliases
		refuse("/etc bind-mounted under /tmp", "-v", p("etc-bound")+":/x:ro"),
		refuse("a directory of /etc bind-mounted under /tmp", "-v", p("etcsub-bound")+":/x:ro"),
		refuse("/etc/group bind-mounted on a file under /tmp", "-v", p("group-bound")+":/p:ro"),
		refuse("hard link of /etc/shadow", "-v", p("shadow-hardlink")+":/s:ro"),
		refuse("hard link of /etc/passwd", "--mount", "type=bind,src="+p("passwd-hardlink")+",dst=/p,readonly"),
		refuse("directory holding a hard link of /etc/shadow, --group-add shadow", "-v", p("shadowdir")+":/x", "--group-add", fx.shadowGID),
		{name: "--volumes-from a container binding a dir with a hard link of /etc/shadow", custom: func(t *testing.T) {
			fx.eitherHeld(t, []string{"--volumes-from", d["shadowdir"], "--group-add", fx.shadowGID}, `cat /x/shadow >/dev/null 2>&1 && echo READ-SHADOW || echo HELD`, fails("reading the host's /etc/shadow"))
		}},

		// ---- devices
		refuse("bind of /dev/null", "-v", "/dev/null:/x"),
		refuse("char device node made with mknod under /tmp", "-v", p("mem")+":/x"),
		refuse("block device node under /tmp", "--mount", "type=bind,src="+p("loopdev")+",dst=/x,readonly"),
		refuse("fifo under /tmp", "-v", p("fifo")+":/x"),
		refuse("/dev/shm", "-v", "/dev/shm:/x"),
		heldOrRefused("directory holding a device node", `head -c1 /x/mem >/dev/null 2>&1 && echo READ-MEM || echo HELD`, fails("opening /dev/mem through a node in a bind"), "-v", p("devdir")+":/x"),

		// ---- log drivers
		refuse("--log-driver syslog", "--log-driver", "syslog"),
		refuse("--log-driver gelf", "--log-driver=gelf", "--log-opt", "gelf-address=udp://127.0.0.1:12201"),
		refuse("--log-driver fluentd", "--log-driver", "fluentd", "--log-opt", "fluentd-async=true"),
		refuse("--log-driver journald", "--log-driver", "journald"),
		refuse("--log-driver last one wins", "--log-driver", "json-file", "--log-driver", "syslog"),
		{name: "--log-opt only", custom: func(t *testing.T) {
			fx.inspectHeld(t, []string{"--log-opt", "max-size=1k", "--log-opt", "tag=x"}, rootImage, checkLogDriver)
		}},
		{name: "--log-driver empty", custom: func(t *testing.T) {
			fx.inspectHeld(t, []string{"--log-driver="}, rootImage, checkLogDriver)
		}},

		// ---- namespaces
		refuse("--cgroupns=host", "--cgroupns=host"),
		held("own cgroup namespace by default", `readlink /proc/self/ns/cgroup; cat /proc/1/cgroup`, fx.checkOwnCgroupNS),
		held("--cgroupns empty", `readlink /proc/self/ns/cgroup; cat /proc/1/cgroup`, fx.checkOwnCgroupNS, "--cgroupns="),
		held("--network by the host network's ID", `readlink /proc/self/ns/net`, fx.checkOwnNetNS, "--network", fx.hostNetID),
		refuse("--ipc host last wins", "--ipc=shareable", "--ipc", "host"),

		// ---- image metadata
		refuseImg("image VOLUME /etc", "volume-etc"),
		refuseImg("image VOLUME /etc/", "volume-etc-slash"),
		refuseImg("image VOLUME /etc/passwd", "volume-passwd"),
		refuseImg("image VOLUME /data/../etc/group", "volume-dotdot"),
		refuse("--tmpfs over /etc", "--tmpfs", "/etc"),
		refuse("anonymous volume over /etc/group", "-v", "/etc/group"),
		refuseImg("image WORKDIR /proc/self/fd/7", "workdir-fd"),
		refuseImg("image WORKDIR through .. into /proc", "workdir-dotdot"),
		refuseImg("image WORKDIR a symlink to /proc/self", "workdir-symlink"),
		refuseImg("image WORKDIR through a relative symlink to /proc/self/fd", "workdir-symlink-fd"),
		refuseImg("-w a symlink in the image to /proc/self", "workdir-symlink", "-w", "/w"),
		{name: "image EXPOSE oddities with -P", custom: func(t *testing.T) {
			fx.inspectHeld(t, []string{"-P"}, fx.img("expose"), checkLocalPorts)
		}},
		{name: "-p with an empty host IP", custom: func(t *testing.T) {
			fx.inspectHeld(t, []string{"-p", ":0:80", "-p", "0:53/udp"}, rootImage, checkLocalPorts)
		}},
		{name: "--expose range with -P", custom: func(t *testing.T) {
			fx.inspectHeld(t, []string{"--expose", "9000-9002", "--publish-all"}, rootImage, checkLocalPorts)
		}},

		// ---- bind spellings
		refuse("bind //etc", "-v", "//etc:/x"),
		refuse("bind /etc/.", "-v", "/etc/.:/x"),
		refuse("bind /tmp/../etc/", "--mount", "type=bind,src=/tmp/../etc/,dst=/x,readonly"),
		refuse("bind through .. from a fixture", "-v", p("dots/a/b")+"/../../../../../etc:/x"),
		refuse("bind /var/./run//docker.sock", "-v", "/var/./run//docker.sock:/s"),
		refuse("bind //run/docker.sock", "--mount", "type=bind,source=//run/docker.sock,target=/s"),
		heldOrRefused("bind with a trailing /. is read-only", `touch /x/a 2>/dev/null && echo WROTE || echo HELD`, fails("a write to the bind"), "-v", p("plain")+"/.:/x"),
		heldOrRefused("bind with // is read-only", `touch /x/a 2>/dev/null && echo WROTE || echo HELD`, fails("a write to the bind"), "--mount", "type=bind,src="+p("")+"//plain//,dst=/x"),
		{name: "explicit readonly=false bind", custom: func(t *testing.T) {
			fx.eitherHeld(t, []string{"--mount", "type=bind,src=" + p("plain") + ",dst=/x,readonly=false"}, `touch /x/a 2>/dev/null && echo WROTE || echo HELD`, fails("a write to the bind"))
		}},

		// ---- every later start
		{name: "restart policy after the bind source became a symlink to /etc", custom: fx.restartSwap},
		{name: "docker start after the bind source became a symlink to /etc", custom: fx.startSwap},
		{name: "verify on a container that can reach the engine socket", custom: fx.verifySockdir},

		// ---- attack2: entry points after create
		{name: "update --restart on-failure on a container with a host bind, then the source becomes a symlink to /etc", custom: fx.updateRestartSwap},
		{name: "exec -w through a symlink the container planted in /tmp to /proc/self/fd", custom: fx.execWorkdirSymlink},
		{name: "audit of a container whose --cpus limit --cpu-quota -1 lifted", custom: fx.auditQuotaLifted},
		{name: "--label io.hardrun.profile=unconfined, then exec --privileged -u 0", custom: fx.labelOverrideExec},
		{name: "exec with combined and = short flags -itu0, -u=0, --privileged=T", custom: fx.execShortSpellings},
		{name: "update --restart always naming an unlabelled container first", custom: fx.updateTwoContainers},
		{name: "start naming an unlabelled container first, then one with a swapped bind", custom: fx.startTwoContainers},
	}
	return cases
}

// eitherHeld runs a case that must be refused or held (custom image-less).
func (fx *advFixtures) eitherHeld(t *testing.T, args []string, cmd string, check func(*testing.T, string)) {
	advRun(t, advCase{args: args, expect: advEither, cmd: cmd, check: check})
}

// inspectHeld starts a detached container and checks the engine's record
// of it while it runs.
func (fx *advFixtures) inspectHeld(t *testing.T, args []string, img string, check func(*testing.T, map[string]any)) {
	t.Helper()
	vols, nets := listNames(t, "volume"), listNames(t, "network")
	a := append([]string{"run", "-d", labelled(t)}, args...)
	r := advHardrun(t, nil, append(a, img, "sleep", "60")...)
	if r.Code == 125 {
		assertAdvRefused(t, r, vols, nets)
		return
	}
	id := strings.TrimSpace(r.Stdout)
	t.Cleanup(func() { runDocker(t, "rm", "-f", "-v", id) })
	if r.Code != 0 || id == "" {
		t.Fatalf("run -d: %s", r)
	}
	ir := runDocker(t, "inspect", id)
	var got []map[string]any
	if err := json.Unmarshal([]byte(ir.Stdout), &got); err != nil || len(got) != 1 {
		t.Fatalf("inspect %s: %v %s", id, err, ir)
	}
	check(t, got[0])
}

func checkLogDriver(t *testing.T, c map[string]any) {
	t.Helper()
	hc, _ := c["HostConfig"].(map[string]any)
	lc, _ := hc["LogConfig"].(map[string]any)
	switch lc["Type"] {
	case "json-file", "local", "none":
	default:
		t.Errorf("the container logs through %v", lc["Type"])
	}
}

// checkLocalPorts: every port the engine really published is on 127.0.0.1
// (the default profile's publish_host_ip).
func checkLocalPorts(t *testing.T, c map[string]any) {
	t.Helper()
	ns, _ := c["NetworkSettings"].(map[string]any)
	ports, _ := ns["Ports"].(map[string]any)
	n := 0
	for port, bindings := range ports {
		list, _ := bindings.([]any)
		for _, b := range list {
			m, _ := b.(map[string]any)
			n++
			if m["HostIp"] != "127.0.0.1" {
				t.Errorf("%s published on %v:%v", port, m["HostIp"], m["HostPort"])
			}
		}
	}
	if n == 0 {
		t.Errorf("nothing published at all: %v", ports)
	}
}

func (fx *advFixtures) checkOwnCgroupNS(t *testing.T, out string) {
	t.Helper()
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) < 2 || !strings.HasPrefix(lines[0], "cgroup:[") {
		t.Fatalf("unexpected output %q", out)
	}
	if lines[0] == fx.cgroupNS {
		t.Errorf("the container is in the host's cgroup namespace %s", lines[0])
	}
	for _, l := range lines[1:] {
		if !strings.HasSuffix(l, ":/") {
			t.Errorf("/proc/1/cgroup shows a host path: %q", l)
		}
	}
}

func (fx *advFixtures) checkOwnNetNS(t *testing.T, out string) {
	t.Helper()
	got := strings.TrimSpace(out)
	if !strings.HasPrefix(got, "net:[") || got == fx.netNS {
		t.Errorf("network namespace %q, host's %q", got, fx.netNS)
	}
}

// cachePoison: the same image judged twice. The first launch binds a
// harmless user database where the image's /etc/passwd symlink points; the
// second launch binds nothing, and the engine resolves the image's own
// entry (uid 0).
func (fx *advFixtures) cachePoison(t *testing.T) {
	env := []string{"XDG_CACHE_HOME=" + t.TempDir()}
	img := fx.img("db-in-mount-cache")
	for i, extra := range [][]string{{"-v", fx.p("pw") + ":/data"}, nil} {
		vols, nets := listNames(t, "volume"), listNames(t, "network")
		args := append([]string{"run", "--rm", labelled(t)}, extra...)
		r := advHardrun(t, env, append(args, img, "sh", "-c", identityProbe)...)
		if r.Code == 125 {
			assertAdvRefused(t, r, vols, nets)
			continue
		}
		if r.Code != 0 {
			t.Errorf("launch %d: %s", i+1, r)
			continue
		}
		t.Logf("launch %d ran: %s", i+1, strings.TrimSpace(r.Stdout))
		if i == 1 { // the first launch is the bind case of the table; this one binds nothing
			noRootIdentity(t, r.Stdout)
		}
	}
}

// swapToEtc replaces dir by a symlink to /etc and puts it back at cleanup.
func (fx *advFixtures) swapToEtc(t *testing.T, dir string) {
	t.Helper()
	if err := os.Rename(dir, dir+".orig"); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/etc", dir); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = os.Remove(dir)
		_ = os.Rename(dir+".orig", dir)
	})
}

// hostEtcSeen: the container listed the bind and saw the host's /etc.
func hostEtcSeen(out string) bool {
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		if f := strings.TrimSpace(sc.Text()); f == "passwd" || f == "shadow" || f == "hostname" {
			return true
		}
	}
	return false
}

// restartSwap: a judged bind source is swapped for a symlink to /etc
// while the container runs; its restart policy starts it again.
func (fx *advFixtures) restartSwap(t *testing.T) {
	dir := fx.p("swap-restart")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	vols, nets := listNames(t, "volume"), listNames(t, "network")
	r := advHardrun(t, nil, "run", "-d", labelled(t), "--restart", "on-failure:3", "-v", dir+":/x",
		rootImage, "sh", "-c", `echo START; ls /x; sleep 2; exit 1`)
	if r.Code == 125 {
		assertAdvRefused(t, r, vols, nets)
		return
	}
	id := strings.TrimSpace(r.Stdout)
	t.Cleanup(func() { runDocker(t, "rm", "-f", "-v", id) })
	if r.Code != 0 {
		t.Fatalf("run -d: %s", r)
	}
	time.Sleep(1 * time.Second)
	fx.swapToEtc(t, dir)
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if strings.Count(runDocker(t, "logs", id).Stdout, "START") >= 2 {
			break
		}
		time.Sleep(500 * time.Millisecond)
	}
	time.Sleep(500 * time.Millisecond)
	logs := runDocker(t, "logs", id)
	if strings.Count(logs.Stdout, "START") < 2 {
		state := runDocker(t, "inspect", "-f", "{{.State.Status}} {{.State.Error}} {{.RestartCount}}", id)
		t.Logf("not restarted (the start was refused): %s %s", state.Stdout, logs)
		return
	}
	if hostEtcSeen(logs.Stdout) {
		t.Errorf("after the swap the restarted container saw the host's /etc at /x:\n%s", logs.Stdout)
	}
}

// startSwap: a hardrun-created container is started later by plain docker
// after its judged bind source became a symlink to /etc.
func (fx *advFixtures) startSwap(t *testing.T) {
	dir := fx.p("swap-start")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	vols, nets := listNames(t, "volume"), listNames(t, "network")
	r := advHardrun(t, nil, "create", labelled(t), "-v", dir+":/x", rootImage, "ls", "/x")
	if r.Code == 125 {
		assertAdvRefused(t, r, vols, nets)
		return
	}
	id := strings.TrimSpace(r.Stdout)
	t.Cleanup(func() { runDocker(t, "rm", "-f", "-v", id) })
	if r.Code != 0 {
		t.Fatalf("create: %s", r)
	}
	fx.swapToEtc(t, dir)
	s := runDocker(t, "start", "-a", id)
	if s.Code == 0 && hostEtcSeen(s.Stdout) {
		t.Errorf("docker start of the hardrun container saw the host's /etc at /x:\n%s", s.Stdout)
	}
}

// verifySockdir: verify must not PASS a container that can reach the
// engine's socket under another name.
func (fx *advFixtures) verifySockdir(t *testing.T) {
	r := advHardrun(t, nil, "verify", "--format", "json", labelled(t), "-v", fx.p("sockdir")+":/x", "--group-add", fx.dockerGID, rootImage)
	if r.Code == 125 {
		if !strings.Contains(r.Stderr, "hardrun: refused by profile ") {
			t.Errorf("exit 125 without a refusal line: %s", r)
		}
		return
	}
	var v verifyJSON
	if err := json.Unmarshal([]byte(r.Stdout), &v); err != nil {
		t.Fatalf("verify output: %v %s", err, r)
	}
	if v.Passed || r.Code == 0 {
		t.Errorf("verify PASSED a container whose /x/s is the engine's socket, reachable with group %s", fx.dockerGID)
	}
	if ids := containersOf(t); len(ids) != 0 {
		runDocker(t, append([]string{"rm", "-f"}, ids...)...)
		t.Errorf("verify left %v", ids)
	}
}

// ------------------------------------------------------ attack2 helpers

// ownTmpfs mounts a tmpfs under the fixtures and returns a directory on it:
// the fixtures' hard links of the engine socket and of /etc/shadow put
// every bind on /tmp's file system under suspicion, and these cases need a
// bind the judge accepts at create.
func (fx *advFixtures) ownTmpfs(t *testing.T, name string) string {
	t.Helper()
	mp := fx.p(name)
	if err := os.MkdirAll(mp, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mount("tmpfs", mp, "tmpfs", 0, "size=1m"); err != nil {
		t.Fatalf("mount tmpfs on %s: %v", mp, err)
	}
	t.Cleanup(func() {
		if err := syscall.Unmount(mp, 0); err != nil {
			_ = syscall.Unmount(mp, syscall.MNT_DETACH)
		}
	})
	dir := filepath.Join(mp, "src")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// runDetached starts a hardrun container (-d) and registers its removal.
// It returns "" when hardrun refused the request (checked as a refusal).
func (fx *advFixtures) runDetached(t *testing.T, args ...string) string {
	t.Helper()
	vols, nets := listNames(t, "volume"), listNames(t, "network")
	r := advHardrun(t, nil, append([]string{"run", "-d", labelled(t)}, args...)...)
	if r.Code == 125 {
		assertAdvRefused(t, r, vols, nets)
		return ""
	}
	id := strings.TrimSpace(r.Stdout)
	if id != "" {
		t.Cleanup(func() { runDocker(t, "rm", "-f", "-v", id) })
	}
	if r.Code != 0 || id == "" {
		t.Fatalf("run -d: %s", r)
	}
	return id
}

// refusedVerb: a later verb was refused by the profile (125 with a
// refusal line); false when it ran.
func refusedVerb(t *testing.T, r cmdResult) bool {
	t.Helper()
	if r.Code == 125 {
		if !strings.Contains(r.Stderr, "hardrun: refused by profile ") {
			t.Errorf("exit 125 without a refusal line: %s", r)
		}
		return true
	}
	return false
}

// updateRestartSwap: run refuses a restart policy on a container with a
// host bind (the engine mounts the source by path again at each restart,
// without hardrun). hardrun update must refuse to add one afterwards, or
// the engine's restart mounts whatever the path has become.
func (fx *advFixtures) updateRestartSwap(t *testing.T) {
	dir := fx.ownTmpfs(t, "upd-restart")
	id := fx.runDetached(t, "-v", dir+":/x", rootImage, "sh", "-c", `echo START; ls /x; sleep 2; exit 1`)
	if id == "" {
		return
	}
	u := advHardrun(t, nil, "update", "--restart", "on-failure:3", id)
	if refusedVerb(t, u) {
		return
	}
	if u.Code != 0 {
		t.Fatalf("update: %s", u)
	}
	time.Sleep(500 * time.Millisecond)
	fx.swapToEtc(t, dir)
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) && strings.Count(runDocker(t, "logs", id).Stdout, "START") < 2 {
		time.Sleep(500 * time.Millisecond)
	}
	time.Sleep(500 * time.Millisecond)
	logs := runDocker(t, "logs", id)
	if hostEtcSeen(logs.Stdout) {
		t.Errorf("hardrun update --restart on-failure:3 was accepted on a container with a host bind; after the source became a symlink to /etc the engine restarted it with the host's /etc at /x:\n%s", logs.Stdout)
	}
}

// execWorkdirSymlink: the container itself plants /tmp/w -> /proc/self/fd
// in its writable /tmp; exec -w /tmp/w must be judged by where it lands,
// as -w at run is (CVE-2024-21626), not by its spelling.
func (fx *advFixtures) execWorkdirSymlink(t *testing.T) {
	id := fx.runDetached(t, rootImage, "sh", "-c", `ln -s /proc/self/fd /tmp/w; sleep 60`)
	if id == "" {
		return
	}
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) && runDocker(t, "exec", id, "test", "-L", "/tmp/w").Code != 0 {
		time.Sleep(200 * time.Millisecond)
	}
	r := advHardrun(t, nil, "exec", "-w", "/tmp/w", id, "pwd")
	if refusedVerb(t, r) {
		return
	}
	if got := strings.TrimSpace(r.Stdout); r.Code == 0 && strings.HasPrefix(got, "/proc") {
		t.Errorf("hardrun exec -w /tmp/w ran with its working directory in %s (a symlink to /proc/self/fd)", got)
	}
}

// auditQuotaLifted: a container hardrun made with --cpus 1 (NanoCpus
// recorded) whose CPU quota docker update set to -1: the cgroup has no
// CPU limit at all, which hardrun update itself refuses (max.cpus).
// audit judges the record and must not pass it.
func (fx *advFixtures) auditQuotaLifted(t *testing.T) {
	id := fx.runDetached(t, "hardrun-test/health:latest", "sleep", "60")
	if id == "" {
		t.Fatal("the default profile refused a plain container")
	}
	if r := runDocker(t, "update", "--cpu-quota", "-1", id); r.Code != 0 {
		t.Fatalf("docker update: %s", r)
	}
	q := runDocker(t, "exec", id, "cat", "/sys/fs/cgroup/cpu/cpu.cfs_quota_us")
	t.Logf("cfs_quota_us inside: %s", strings.TrimSpace(q.Stdout))
	r := advHardrun(t, nil, "audit", "--format", "json", id)
	var doc auditDoc
	if err := json.Unmarshal([]byte(r.Stdout), &doc); err != nil {
		t.Fatalf("audit output: %v %s", err, r)
	}
	for _, res := range doc.Results {
		for _, f := range res.Findings {
			if f.Source == "profile" && !f.Pass {
				return
			}
		}
	}
	t.Errorf("audit found nothing in a container with no CPU limit (cfs_quota_us %s; exit %d):\n%s", strings.TrimSpace(q.Stdout), r.Code, r.Stdout)
}

// labelOverrideExec: the caller's --label cannot name the profile later
// verbs judge by.
func (fx *advFixtures) labelOverrideExec(t *testing.T) {
	id := fx.runDetached(t, "--label", "io.hardrun.profile=unconfined", rootImage, "sleep", "60")
	if id == "" {
		return
	}
	r := advHardrun(t, nil, "exec", "--privileged", "-u", "0", id, "sh", "-c", identityProbe)
	if refusedVerb(t, r) {
		return
	}
	t.Errorf("exec --privileged -u 0 ran in a container whose caller set io.hardrun.profile=unconfined: %s", r)
}

// execShortSpellings: pflag's combined and = forms of exec's flags.
func (fx *advFixtures) execShortSpellings(t *testing.T) {
	id := fx.runDetached(t, rootImage, "sleep", "60")
	if id == "" {
		return
	}
	for _, args := range [][]string{
		{"exec", "-itu0", id, "id", "-u"},
		{"exec", "-u=0", id, "id", "-u"},
		{"exec", "-du0", id, "id", "-u"},
		{"exec", "--privileged=T", id, "grep", "CapEff", "/proc/self/status"},
		{"-lerror", "container", "exec", "--user=+0:1", id, "id", "-u"},
	} {
		r := advHardrun(t, nil, args...)
		if !refusedVerb(t, r) {
			t.Errorf("hardrun %v was not refused: %s", args, r)
		}
	}
}

// updateTwoContainers: update takes several containers; every labelled one
// is judged, whatever comes first.
func (fx *advFixtures) updateTwoContainers(t *testing.T) {
	plain := "hardrun-adv-plain-" + fx.tag
	runDocker(t, "rm", "-f", plain)
	if r := runDocker(t, "create", "--name", plain, labelled(t), rootImage, "true"); r.Code != 0 {
		t.Fatalf("create: %s", r)
	}
	t.Cleanup(func() { runDocker(t, "rm", "-f", plain) })
	id := fx.runDetached(t, rootImage, "sleep", "60")
	if id == "" {
		return
	}
	r := advHardrun(t, nil, "update", "--restart", "always", plain, id)
	if !refusedVerb(t, r) {
		t.Errorf("update --restart always %s <hardrun container> was not refused: %s", plain, r)
	}
	if got := runDocker(t, "inspect", "-f", "{{.HostConfig.RestartPolicy.Name}}", id); strings.TrimSpace(got.Stdout) == "always" {
		t.Errorf("the hardrun container now restarts always")
	}
}

// startTwoContainers: start takes several containers; the bind of each
// labelled one is re-resolved, whatever comes first.
func (fx *advFixtures) startTwoContainers(t *testing.T) {
	dir := fx.ownTmpfs(t, "start-two")
	plain := "hardrun-adv-plainstart-" + fx.tag
	runDocker(t, "rm", "-f", plain)
	if r := runDocker(t, "create", "--name", plain, labelled(t), rootImage, "true"); r.Code != 0 {
		t.Fatalf("create: %s", r)
	}
	t.Cleanup(func() { runDocker(t, "rm", "-f", plain) })
	vols, nets := listNames(t, "volume"), listNames(t, "network")
	c := advHardrun(t, nil, "create", labelled(t), "-v", dir+":/x", rootImage, "ls", "/x")
	if c.Code == 125 {
		assertAdvRefused(t, c, vols, nets)
		return
	}
	id := strings.TrimSpace(c.Stdout)
	t.Cleanup(func() { runDocker(t, "rm", "-f", "-v", id) })
	if c.Code != 0 {
		t.Fatalf("create: %s", c)
	}
	fx.swapToEtc(t, dir)
	r := advHardrun(t, nil, "start", plain, id)
	if refusedVerb(t, r) {
		return
	}
	time.Sleep(time.Second)
	if logs := runDocker(t, "logs", id); hostEtcSeen(logs.Stdout) {
		t.Errorf("start %s <hardrun container> started it with the host's /etc at /x:\n%s", plain, logs.Stdout)
	}
}
