package integration

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The engine and runc resolve the user from the container's /etc/passwd
// and /etc/group again at every start, every exec (-u UID:GID too: runc
// looks supplementary gids up by name) and every health check. A container
// that can write those files picks its next identity with one line,
// "10001:x:0:". These tests show the hole with plain docker, then that
// hardrun refuses the container before it exists.

// TestWritableRootIdentity: under a profile with read_only: false that
// still refuses root, the container is refused: nothing can promise its
// next exec or start is not group 0.
func TestWritableRootIdentity(t *testing.T) {
	requireEngine(t)
	fx := &advFixtures{tag: runID, images: map[string]string{}}
	fx.buildAdvImage(t, "group-writable", []advFile{
		{name: "etc/passwd", data: "root:x:0:0::/:/bin/sh\napp:x:10001:10001::/:/bin/sh\n"},
		{name: "etc/group", data: "root:x:0:\napp:x:10001:\n", mode: 0o666},
	})
	img := fx.img("group-writable")

	// The hole, with docker: the container rewrites /etc/group, and the
	// next exec as 10001:10001 is in group 0.
	holeWithDocker(t, "rwroot", "/etc/group", "--user", "10001:10001", img)

	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "rwroot.yaml"), []byte("version: 1\nname: rwroot\nextends: default\nread_only: false\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	env := []string{"HARDRUN_PROFILE_PATH=" + dir}
	for _, args := range [][]string{
		{"run", "-d", labelled(t), img, "sleep", "60"},
		{"run", "-d", labelled(t), "--restart", "on-failure", img, "true"},
		{"create", labelled(t), img, "true"},
	} {
		r := runCmd(t, "", env, hardrunBin, append([]string{"--profile", "rwroot"}, args...)...)
		if r.Code != 125 || !strings.Contains(r.Stderr, "a writable root file system is not permitted") ||
			!strings.Contains(r.Stderr, "(allow_root: false)") {
			t.Errorf("%v: want 125 and the refusal: %s", args, r)
		}
	}
	if ids := containersOf(t); len(ids) != 0 {
		t.Fatalf("the refused runs created %v", ids)
	}
}

// TestUserFilesInEngineMounts: under default, an image whose /etc/group
// is a link into /dev/shm. The engine reads the file from the image's
// layer, runc from the container's own /dev/shm, which the container
// writes: its health checks and execs get group 0. Refused at create.
func TestUserFilesInEngineMounts(t *testing.T) {
	requireEngine(t)
	fx := &advFixtures{tag: runID, images: map[string]string{}}
	fx.buildAdvImage(t, "group-in-shm", []advFile{
		{name: "etc/passwd", data: "root:x:0:0::/:/bin/sh\napp:x:10001:10001::/:/bin/sh\n"},
		{name: "etc/group", link: "/dev/shm/group"},
		{name: "dev/shm/group", data: "root:x:0:\napp:x:10001:\n"},
	}, "USER app")
	img := fx.img("group-in-shm")

	holeWithDocker(t, "shm", "/dev/shm/group", "--read-only", img)

	for _, args := range [][]string{{"run", "-d", labelled(t), img, "sleep", "60"}, {"create", labelled(t), img}} {
		r := runHardrun(t, args...)
		if r.Code != 125 || !strings.Contains(r.Stderr, "/dev/shm") {
			t.Errorf("%v: want 125 and a refusal naming /dev/shm: %s", args, r)
		}
	}
	if ids := containersOf(t); len(ids) != 0 {
		t.Fatalf("the refused runs left %v", ids)
	}
}

// holeWithDocker shows the hole a test closes, with plain docker: a
// container made with args (its image last) replaces file with a group
// line "10001:x:0:", and an exec as 10001:10001 is then in group 0. A test
// whose hole docker does not have proves nothing, so it fails.
func holeWithDocker(t *testing.T, what, file string, args ...string) {
	t.Helper()
	name := "hardrun-it-" + runID + "-" + what
	run := append([]string{"run", "-d", "--name", name, labelled(t)}, args...)
	run = append(run, "sh", "-c", "rm -f "+file+"; printf 'root:x:0:\\n10001:x:0:\\n' > "+file+"; sleep 60")
	if r := runDocker(t, run...); r.Code != 0 {
		t.Fatalf("docker run: %s", r)
	}
	defer runDocker(t, "rm", "-f", name)
	waitFor(t, "the rewrite of "+file, func() bool {
		return strings.Contains(runDocker(t, "exec", name, "cat", file).Stdout, "10001:x:0:")
	})
	if r := runDocker(t, "exec", "-u", "10001:10001", name, "id", "-G"); !hasGroup0(r.Stdout) {
		t.Fatalf("docker exec did not get group 0, so this test proves nothing: %s", r)
	}
}

func hasGroup0(idG string) bool {
	for _, g := range strings.Fields(idG) {
		if g == "0" {
			return true
		}
	}
	return false
}

// TestUserFilesThroughTmpfs: the image's /etc/group is a link to /tmp/l,
// and /tmp/l in the image a link to a harmless file. The engine follows
// the chain on the image's layers; runc, at every exec and health check,
// through the container's /tmp, the tmpfs the profile adds, where the
// container puts a file of its own. Refused however the chain is walked,
// and whether the image's user files were read by an earlier launch under
// a profile without that tmpfs (the cache) or not.
func TestUserFilesThroughTmpfs(t *testing.T) {
	requireEngine(t)
	fx := &advFixtures{tag: runID, images: map[string]string{}}
	passwd := advFile{name: "etc/passwd", data: "root:x:0:0::/:/bin/sh\napp:x:10001:10001::/:/bin/sh\n"}
	fx.buildAdvImage(t, "group-chain", []advFile{passwd,
		{name: "etc/group", link: "/tmp/l"},
		{name: "tmp/l", link: "/etc/group.real"},
		{name: "etc/group.real", data: "root:x:0:\napp:x:10001:\n"},
	}, "USER 10001:10001")
	fx.buildAdvImage(t, "group-run", []advFile{passwd,
		{name: "etc/group", link: "/run/group"},
		{name: "run/group", data: "root:x:0:\napp:x:10001:\n"},
	}, "USER 10001:10001")

	// The hole, with docker: a read-only root, a tmpfs /tmp, and group 0.
	holeWithDocker(t, "chain", "/tmp/l", "--read-only", "--tmpfs", "/tmp", fx.img("group-chain"))

	if r := runHardrun(t, "run", "-d", labelled(t), fx.img("group-chain"), "sleep", "60"); r.Code != 125 || !strings.Contains(r.Stderr, "/tmp/l") {
		t.Errorf("the chain through /tmp: want 125 and a refusal naming /tmp/l: %s", r)
	}
	// Judged first under default (no /run mount: passes, and the image's
	// files are cached), then under service, whose tmpfs is /run.
	if r := runHardrun(t, "run", "--rm", labelled(t), fx.img("group-run"), "true"); r.Code != 0 {
		t.Fatalf("group-run under default: %s", r)
	}
	r := runHardrun(t, "--profile", "service", "run", "-d", labelled(t), fx.img("group-run"), "sleep", "60")
	if r.Code != 125 || !strings.Contains(r.Stderr, "/run/group") {
		t.Errorf("under service, from the cache: want 125 and a refusal naming /run/group: %s", r)
	}
	if ids := containersOf(t); len(ids) != 0 {
		t.Fatalf("the refused runs left %v", ids)
	}
}
