package identity

import (
	"archive/tar"
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestEngine runs every table case that the engine can answer on the real
// engine: an image holding the case's /etc/passwd and /etc/group and a
// static busybox, `docker run --user ... --group-add ...`, and the ids the
// kernel reports in /proc/self/status. They must equal ResolveBuild for
// Builds[0], and a refusal must carry the engine's own message.
func TestEngine(t *testing.T) {
	requireEngine(t)
	run := fmt.Sprintf("hardrun-identity-test-%d", os.Getpid())
	images := &imageSet{repo: run, tags: map[string]string{}}
	t.Cleanup(func() { cleanupEngine(run, images) })
	sem := make(chan struct{}, 6)
	for _, c := range cases() {
		if c.engine != "" && c.engine != "subset" {
			continue
		}
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			sem <- struct{}{}
			defer func() { <-sem }()
			img, err := images.get(c.files)
			if err != nil {
				t.Fatalf("build image: %v", err)
			}
			out, runErr := dockerRun(run, img, c.user, c.add)
			f := mustLoad(t, c.files)
			id, err := ResolveBuild(Builds[0], c.user, c.add, f, f)
			compareEngine(t, c, id, err, out, runErr)
		})
	}
}

// requireEngine skips without an engine, except under CI where hardrun's
// tests must not pass by not running.
func requireEngine(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("skipping engine runs in -short mode")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "docker", "version", "--format", "{{.Server.APIVersion}}").CombinedOutput()
	if err == nil {
		return
	}
	msg := fmt.Sprintf("no Docker Engine answers (docker version: %v: %s)", err, bytes.TrimSpace(out))
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
}

func compareEngine(t *testing.T, c tcase, id Identity, err error, out string, runErr error) {
	t.Helper()
	var ee *EngineError
	if errors.As(err, &ee) {
		if runErr == nil || !strings.Contains(out, ee.Msg) {
			t.Fatalf("Resolve refuses with %q; the engine said (%v):\n%s", ee.Msg, runErr, out)
		}
		return
	}
	if err != nil {
		t.Fatalf("Resolve: %v", err)
	}
	if runErr != nil {
		t.Fatalf("the engine refused (%v):\n%s\nResolve: %+v", runErr, out, id)
	}
	uid, gid, groups, perr := parseStatus(out)
	if perr != nil {
		t.Fatalf("read status: %v:\n%s", perr, out)
	}
	sameGroups := slices.Equal(groups, id.Groups)
	if c.engine == "subset" {
		sameGroups = isSubset(groups, id.Groups)
	}
	if uid != id.UID || gid != id.GID || !sameGroups {
		t.Fatalf("engine uid %d gid %d groups %v; Resolve uid %d gid %d groups %v (trace %q)",
			uid, gid, groups, id.UID, id.GID, id.Groups, id.Trace)
	}
}

func dockerRun(label, img, user string, add []string) (string, error) {
	args := []string{"run", "--rm", "--network", "none", "--label", label}
	if user != "" {
		args = append(args, "--user", user)
	}
	for _, g := range add {
		args = append(args, "--group-add", g)
	}
	args = append(args, img, "/bin/busybox", "grep", "-E", "^(Uid|Gid|Groups):", "/proc/self/status")
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "docker", args...).CombinedOutput()
	return string(out), err
}

// parseStatus reads the real (first) ids of the Uid, Gid and Groups lines.
func parseStatus(out string) (uid, gid int, groups []int, err error) {
	seen := 0
	for _, line := range strings.Split(out, "\n") {
		key, val, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		fields := strings.Fields(val)
		switch key {
		case "Uid", "Gid":
			if len(fields) == 0 {
				return 0, 0, nil, fmt.Errorf("empty %s line", key)
			}
			n, err := strconv.Atoi(fields[0])
			if err != nil {
				return 0, 0, nil, err
			}
			if key == "Uid" {
				uid = n
			} else {
				gid = n
			}
		case "Groups":
			for _, f := range fields {
				n, err := strconv.Atoi(f)
				if err != nil {
					return 0, 0, nil, err
				}
				groups = append(groups, n)
			}
		default:
			continue
		}
		seen++
	}
	if seen != 3 {
		return 0, 0, nil, errors.New("missing Uid, Gid or Groups line")
	}
	slices.Sort(groups)
	return uid, gid, groups, nil
}

// imageSet builds one image per distinct fileset, once.
type imageSet struct {
	repo string
	mu   sync.Mutex
	tags map[string]string
}

func (s *imageSet) get(fs fileset) (string, error) {
	key := fmt.Sprintf("%x", sha256.Sum256([]byte(fmt.Sprintf("%q %q %v %v", fs.passwd, fs.group, fs.noPasswd, fs.noGroup))))[:12]
	s.mu.Lock()
	defer s.mu.Unlock()
	if tag, ok := s.tags[key]; ok {
		return tag, nil
	}
	tag := s.repo + ":" + key
	layer, err := imageTar(fs)
	if err != nil {
		return "", err
	}
	cmd := exec.Command("docker", "import", "-", tag)
	cmd.Stdin = bytes.NewReader(layer)
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("docker import: %v: %s", err, out)
	}
	s.tags[key] = tag
	return tag, nil
}

// imageTar is a root file system with a static busybox and the files.
func imageTar(fs fileset) ([]byte, error) {
	busybox, err := os.ReadFile("/bin/busybox")
	if err != nil {
		return nil, fmt.Errorf("read static busybox: %w", err)
	}
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, d := range []string{"bin/", "etc/", "proc/", "sys/", "dev/"} {
		if err := tw.WriteHeader(&tar.Header{Name: d, Typeflag: tar.TypeDir, Mode: 0o755}); err != nil {
			return nil, err
		}
	}
	files := []struct {
		name string
		data []byte
		mode int64
		skip bool
	}{
		{"bin/busybox", busybox, 0o755, false},
		{"etc/passwd", []byte(fs.passwd), 0o644, fs.noPasswd},
		{"etc/group", []byte(fs.group), 0o644, fs.noGroup},
	}
	for _, f := range files {
		if f.skip {
			continue
		}
		if err := tw.WriteHeader(&tar.Header{Name: f.name, Mode: f.mode, Size: int64(len(f.data))}); err != nil {
			return nil, err
		}
		if _, err := tw.Write(f.data); err != nil {
			return nil, err
		}
	}
	return buf.Bytes(), tw.Close()
}

// cleanupEngine removes the containers and images of this run only.
func cleanupEngine(label string, images *imageSet) {
	out, _ := exec.Command("docker", "ps", "-aq", "--filter", "label="+label).Output()
	if ids := strings.Fields(string(out)); len(ids) > 0 {
		_ = exec.Command("docker", append([]string{"rm", "-f"}, ids...)...).Run()
	}
	images.mu.Lock()
	defer images.mu.Unlock()
	for _, tag := range images.tags {
		_ = exec.Command("docker", "rmi", "-f", tag).Run()
	}
}
