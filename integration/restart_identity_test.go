package integration

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRestartIdentityRewrite: runc resolves the user again from the
// container's /etc/passwd and /etc/group at every start, and looks its
// supplementary gids up by name too. A container that can write its
// /etc/group (a writable root file system, an image whose /etc/group is
// world-writable) makes its next start group 0 with one line. So under a
// profile with read_only: false, a restart policy is refused, and
// `hardrun start` judges the files as they are at that start.
func TestRestartIdentityRewrite(t *testing.T) {
	requireEngine(t)
	fx := &advFixtures{tag: runID, images: map[string]string{}}
	fx.buildAdvImage(t, "group-writable", []advFile{
		{name: "etc/passwd", data: "root:x:0:0::/:/bin/sh\napp:x:10001:10001::/:/bin/sh\n"},
		{name: "etc/group", data: "root:x:0:\napp:x:10001:\n", mode: 0o666},
	})
	img := fx.img("group-writable")
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "rwroot.yaml"), []byte("version: 1\nname: rwroot\nextends: default\nread_only: false\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	// start finds the profile by the name on the container's label.
	env := []string{"HARDRUN_PROFILE_PATH=" + dir}
	hardrun := func(args ...string) cmdResult { return runCmd(t, "", env, hardrunBin, args...) }

	r := hardrun("--profile", "rwroot", "run", "-d", labelled(t), "--restart", "on-failure", img, "true")
	if r.Code != 125 || !strings.Contains(r.Stderr, "resolves its user again from /etc/passwd and /etc/group") ||
		!strings.Contains(r.Stderr, "(read_only: true)") {
		t.Fatalf("--restart on-failure with a writable root file system: want 125 and the refusal: %s", r)
	}
	if ids := containersOf(t); len(ids) != 0 {
		t.Fatalf("the refused run created %v", ids)
	}

	r = hardrun("--profile", "rwroot", "create", labelled(t), img, "sh", "-c", `id -G; printf '10001:x:0:\n' > /etc/group`)
	if r.Code != 0 {
		t.Fatalf("create: %s", r)
	}
	id := strings.TrimSpace(r.Stdout)
	defer runDocker(t, "rm", "-f", id)
	if r := hardrun("start", "-a", id); r.Code != 0 || strings.Fields(r.Stdout)[0] != "10001" {
		t.Fatalf("first start: want groups 10001: %s", r)
	}
	started := runDocker(t, "inspect", "-f", "{{.State.StartedAt}}", id).Stdout
	r = hardrun("start", id)
	if r.Code != 125 || !strings.Contains(r.Stderr, "now resolves to group 0") {
		t.Fatalf("start after the container rewrote /etc/group: want 125 and the refusal: %s", r)
	}
	if now := runDocker(t, "inspect", "-f", "{{.State.StartedAt}}", id).Stdout; now != started {
		t.Fatalf("the refused start started the container (StartedAt %s, was %s)", now, started)
	}
	// What the refusal kept from it: docker itself starts it in group 0.
	if r := runDocker(t, "start", "-a", id); !strings.Contains(" "+strings.TrimSpace(r.Stdout)+" ", " 0 ") {
		t.Errorf("docker start: the rewrite did not give group 0, so this test proves nothing: %s", r)
	}
}
