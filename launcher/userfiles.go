package launcher

import (
	"archive/tar"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/hardrun/hardrun/policy"
)

// maxUserFile bounds what is read of an image's /etc/passwd or /etc/group:
// a hostile image can ship a file of any size.
const maxUserFile = 1 << 20

// ReadUserFiles reads the image's /etc/passwd and /etc/group through the
// engine's archive endpoint on the created, not yet started container, the
// files the engine resolves --user and --group-add against. A symlink is
// followed in the container's scope, as the engine follows it.
//
// A route to them that lies on one of the container's mounts (its tmpfs
// /tmp, a volume) is an error: runc reads through the mounts, the engine
// and the archive endpoint may not, so what was read is not what a start,
// an exec or a health check resolves the user against.
func ReadUserFiles(ctx context.Context, e Engine, id string) (policy.UserFiles, error) {
	f, read, err := readUserFilesAt(ctx, e, id)
	if err != nil {
		return f, err
	}
	insp, err := e.ContainerInspect(ctx, id)
	if err != nil {
		return f, err
	}
	req := policy.Request{Config: insp.Config, HostConfig: insp.HostConfig}
	over := func(p string) string {
		if t := req.MountTargetOver(p); t != "" {
			return t
		}
		// What the engine really mounted: --volumes-from's too.
		for _, m := range insp.Mounts {
			if d := path.Clean(m.Destination); p == d || strings.HasPrefix(p, d+"/") {
				return d
			}
		}
		return ""
	}
	if p, t := mountOnRoute(read, over); t != "" {
		return f, fmt.Errorf("the user files are reached through %s, on the container's mount at %s, which the container can change: the identity cannot be judged", p, t)
	}
	return f, nil
}

// readUserFilesAt is ReadUserFiles that also returns every path it read
// or followed a link through.
func readUserFilesAt(ctx context.Context, e Engine, id string) (policy.UserFiles, []string, error) {
	var f policy.UserFiles
	var read []string
	var err error
	if f.Passwd, f.HavePasswd, err = readContainerFile(ctx, e, id, "/etc/passwd", &read); err != nil {
		return f, read, err
	}
	if f.Group, f.HaveGroup, err = readContainerFile(ctx, e, id, "/etc/group", &read); err != nil {
		return f, read, err
	}
	// The engine reads the files from the image's layers, runc through
	// the container's mounts: a route into a mount the engine adds to
	// every container (/dev/shm is world-writable) lets the two differ.
	if p, t := mountOnRoute(read, policy.EngineMountOver); t != "" {
		return f, read, fmt.Errorf("the user files are reached through %s, in the mount the engine adds at %s, which the container can change: the identity cannot be judged", p, t)
	}
	return f, read, nil
}

// mountOnRoute returns the deepest path of route (it names the route
// best) that lies on a mount, and that mount's target, as over finds it;
// "", "" when none does.
func mountOnRoute(route []string, over func(string) string) (string, string) {
	for i := len(route) - 1; i >= 0; i-- {
		if t := over(route[i]); t != "" {
			return route[i], t
		}
	}
	return "", ""
}

// readContainerFile resolves p component by component (a symlinked /etc
// as much as a symlinked /etc/passwd) and reads the file it names. Every
// path the resolution went through is added to read.
func readContainerFile(ctx context.Context, e Engine, id, p string, read *[]string) ([]byte, bool, error) {
	resolved, visited, err := resolveTrace(ctx, e, id, p)
	*read = append(*read, visited...)
	if err != nil {
		return nil, false, fmt.Errorf("read %s of the image: %w", p, err)
	}
	rc, _, err := e.CopyFromContainer(ctx, id, resolved)
	if errors.Is(err, ErrNoSuchObject) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("read %s of the image: %w", p, err)
	}
	defer rc.Close()
	data, isFile, err := firstFile(rc)
	if err != nil {
		return nil, false, fmt.Errorf("read %s of the image: %w", p, err)
	}
	return data, isFile, nil
}

// firstFile reads the first entry of a tar stream: the file's content, or
// false when it is not a regular file (a directory named /etc/passwd is
// no passwd file to the engine either).
func firstFile(r io.Reader) ([]byte, bool, error) {
	tr := tar.NewReader(r)
	h, err := tr.Next()
	if err != nil {
		return nil, false, err
	}
	if h.Typeflag != tar.TypeReg {
		return nil, false, nil
	}
	if h.Size > maxUserFile {
		return nil, false, fmt.Errorf("%d bytes, more than the %d hardrun reads", h.Size, maxUserFile)
	}
	data, err := io.ReadAll(io.LimitReader(tr, maxUserFile+1))
	if err != nil {
		return nil, false, err
	}
	return data, true, nil
}

// userFilesCache keeps the user files of each image, by image ID (content
// addressed, so an entry never goes stale): a repeated launch of an image
// judges its identity before create, with no round trip.
type UserFilesCache struct{ dir string }

// NewUserFilesCache is the cache under $XDG_CACHE_HOME/hardrun/users (or
// ~/.cache/hardrun/users).
func NewUserFilesCache(getenv func(string) string) *UserFilesCache {
	base := getenv("XDG_CACHE_HOME")
	if base == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return nil
		}
		base = filepath.Join(home, ".cache")
	}
	return &UserFilesCache{dir: filepath.Join(base, "hardrun", "users")}
}

func (c *UserFilesCache) file(imageID string) string {
	if c == nil || c.dir == "" || imageID == "" {
		return ""
	}
	sum := sha256.Sum256([]byte(imageID))
	return filepath.Join(c.dir, hex.EncodeToString(sum[:16])+".json")
}

// Load returns the cached files of imageID, or nil.
func (c *UserFilesCache) Load(imageID string) *policy.UserFiles {
	name := c.file(imageID)
	if name == "" {
		return nil
	}
	data, err := os.ReadFile(name)
	if err != nil || len(data) > 4*maxUserFile {
		return nil
	}
	var entry struct {
		Image string
		Files policy.UserFiles
	}
	if json.Unmarshal(data, &entry) != nil || entry.Image != imageID {
		return nil
	}
	return &entry.Files
}

// Store records the files of imageID; a failure only costs the next
// launch a round trip.
func (c *UserFilesCache) Store(imageID string, f policy.UserFiles) {
	name := c.file(imageID)
	if name == "" || os.MkdirAll(path.Dir(name), 0o700) != nil {
		return
	}
	data, err := json.Marshal(struct {
		Image string
		Files policy.UserFiles
	}{imageID, f})
	if err != nil {
		return
	}
	tmp, err := os.CreateTemp(path.Dir(name), ".users-*")
	if err != nil {
		return
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil || tmp.Close() != nil {
		return
	}
	_ = os.Rename(tmp.Name(), name)
}
