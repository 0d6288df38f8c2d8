package integration

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/moby/moby/client"

	"github.com/hardrun/hardrun/internal/testimage"
)

// group0Image's own /etc/group makes its default user (USER 1234, group
// 1234 in /etc/passwd) a member of group 0 by name: runc then gives the
// process supplementary group 0, which reaches every file of group root.
const group0Image = "hardrun-test/group0:latest"

var (
	group0Once sync.Once
	group0Err  error
)

// buildGroup0Image imports group0Image once per run.
func buildGroup0Image(t *testing.T) {
	t.Helper()
	group0Once.Do(func() {
		c, err := client.New(client.FromEnv)
		if err != nil {
			group0Err = err
			return
		}
		defer c.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		group0Err = testimage.Build(ctx, c, testimage.Options{Hardrun: hardrunBin}, []testimage.Image{{
			Ref:     group0Image,
			Changes: []string{"USER 1234", `CMD ["sh"]`},
			Files:   map[string]string{"etc/group": "root:x:0:user\nuser:x:1234:\nnogroup:x:65534:\n"},
		}})
	})
	if group0Err != nil {
		t.Fatalf("build %s: %v", group0Image, group0Err)
	}
}

// effectsReport is the effects part of verify's report.
type effectsReport struct {
	Groups  []int `json:"groups"`
	Sockets []struct {
		Path      string `json:"path"`
		DockerAPI bool   `json:"docker_api"`
	} `json:"sockets"`
	HostFS   []struct{ MountPoint string } `json:"host_filesystems"`
	CgroupNS struct{ Mode string }         `json:"cgroup_namespace"`
	Writable []struct{ Path string }       `json:"writable"`
}

// verifyEffects runs verify --format json and returns the verdict, the
// effects and the result.
func verifyEffects(t *testing.T, args ...string) (verifyJSON, effectsReport, cmdResult) {
	t.Helper()
	v, r := verify(t, args...)
	var doc struct {
		Report effectsReport `json:"report"`
	}
	if err := json.Unmarshal([]byte(r.Stdout), &doc); err != nil {
		t.Fatalf("verify output: %v\n%s", err, r)
	}
	return v, doc.Report, r
}

func hasFailure(v verifyJSON, part string) bool {
	return slices.ContainsFunc(v.Failures, func(f string) bool { return strings.Contains(f, part) })
}

// TestVerifyEffectsPassOnTestImages: under default the test images pass
// with no socket, no host file system, their own cgroup namespace, and
// every volume target in the writable list.
func TestVerifyEffectsPassOnTestImages(t *testing.T) {
	requireEngine(t)
	for _, img := range []string{"hardrun-test/user:latest", "hardrun-test/volume:latest"} {
		t.Run(img, func(t *testing.T) {
			v, eff, r := verifyEffects(t, img)
			if r.Code != 0 || !v.Passed {
				t.Fatalf("verify %s: exit %d, failures %q\n%s", img, r.Code, v.Failures, r.Stderr)
			}
			if len(eff.Sockets) != 0 || len(eff.HostFS) != 0 || eff.CgroupNS.Mode != "private" || slices.Contains(eff.Groups, 0) {
				t.Errorf("effects %+v", eff)
			}
			if img == "hardrun-test/volume:latest" && !slices.ContainsFunc(eff.Writable, func(w struct{ Path string }) bool { return w.Path == "/data" }) {
				t.Errorf("the volume /data is not in the writable list: %+v", eff.Writable)
			}
		})
	}
}

// TestVerifyGroupZeroFromImage: the image's /etc/group gives its default
// user group 0. Under default the judge refuses it before create; under a
// profile that lets it through, the probe sees group 0 in
// /proc/self/status and verify fails with exit 1.
func TestVerifyGroupZeroFromImage(t *testing.T) {
	requireEngine(t)
	buildGroup0Image(t)
	r := runHardrun(t, "verify", labelled(t), group0Image)
	if r.Code != 125 || !strings.Contains(r.Stderr, "allow_root_group") {
		t.Errorf("verify under default: want 125 and allow_root_group\n%s", r)
	}
	v, eff, r := verifyEffects(t, "--profile", "unconfined", group0Image)
	if r.Code != 1 || !hasFailure(v, "has supplementary group 0") || !slices.Contains(eff.Groups, 0) {
		t.Errorf("verify under unconfined: exit %d, groups %v, failures %q", r.Code, eff.Groups, v.Failures)
	}
	v, _, _ = verifyEffects(t, "--profile", "unconfined", "hardrun-test/user:latest")
	if hasFailure(v, "group 0") {
		t.Errorf("the plain user image fails on group 0: %q", v.Failures)
	}
}

// socketLinkDir makes a directory holding a hard link of the engine's
// socket (a hard link, so no name in the bind says docker.sock) and
// returns it with the socket's group.
func socketLinkDir(t *testing.T) (string, int) {
	t.Helper()
	sock := "/var/run/docker.sock"
	if h := os.Getenv("DOCKER_HOST"); strings.HasPrefix(h, "unix://") {
		sock = strings.TrimPrefix(h, "unix://")
	}
	fi, err := os.Stat(sock)
	if err != nil {
		t.Skipf("the engine's socket is not on this host: %v", err)
	}
	dir, err := os.MkdirTemp("", "hardrun-it-sock")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Link(sock, filepath.Join(dir, "s")); err != nil {
		if errors.Is(err, syscall.EXDEV) || errors.Is(err, syscall.EPERM) {
			t.Skipf("cannot hard-link the engine's socket into %s: %v", dir, err)
		}
		t.Fatal(err)
	}
	return dir, int(fi.Sys().(*syscall.Stat_t).Gid)
}

// TestVerifySocketLink: a bound directory holds a hard link of the
// engine's socket and the container gets the socket's group. The probe
// finds the socket through the mounts, the engine answers GET /_ping on
// it, and verify fails with exit 1; the same directory without the link
// does not fail on it.
func TestVerifySocketLink(t *testing.T) {
	requireEngine(t)
	dir, gid := socketLinkDir(t)
	args := []string{"-v", dir + ":/x", "--group-add", strconv.Itoa(gid), "hardrun-test/user:latest"}
	// Under default the judge refuses the bind before anything runs: the
	// socket has a second name on the directory's file system.
	r := runHardrun(t, append([]string{"verify", "--format", "json", labelled(t)}, args...)...)
	if r.Code != 125 || !strings.Contains(r.Stderr, "refused by profile") || !strings.Contains(r.Stderr, "docker.sock has 2 names") {
		t.Errorf("verify under default: want the bind refused, got %s", r)
	}
	if ids := containersOf(t); len(ids) != 0 {
		t.Errorf("a refused verify left containers %v", ids)
	}
	// Under a profile that enforces nothing the probe always runs.
	v, _, r := verifyEffects(t, append([]string{"--profile", "unconfined"}, args...)...)
	if r.Code != 1 || !hasFailure(v, "the engine's API is reachable at /x/s") {
		t.Errorf("verify under unconfined: exit %d, failures %q", r.Code, v.Failures)
	}
	if err := os.Remove(filepath.Join(dir, "s")); err != nil {
		t.Fatal(err)
	}
	v, _, _ = verifyEffects(t, append([]string{"--profile", "unconfined"}, args...)...)
	if hasFailure(v, "engine's API") {
		t.Errorf("without the link: %q", v.Failures)
	}
}
