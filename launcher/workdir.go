package launcher

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"strings"
)

// ResolveWorkdir resolves the working directory in the created container
// component by component, as the kernel will when runc changes into it:
// each symlink (the image's, or one a mount brings) is replaced by its
// target in the container's scope. Components that do not exist are kept
// as written (the engine creates them). The result is what the judge
// compares with /proc: a WORKDIR /w where /w is a link to /proc/self is
// /proc/self, whatever its spelling.
func ResolveWorkdir(ctx context.Context, e Engine, id, wd string) (string, error) {
	resolved, _, err := resolveTrace(ctx, e, id, wd)
	if err != nil {
		return "", fmt.Errorf("resolve the working directory %s: %w", wd, err)
	}
	return resolved, nil
}

// resolveTrace resolves p in the created container as ResolveWorkdir
// does and also returns every path it went through (each component and
// each link's target), so a caller can tell whether any of them lies on a
// mount.
func resolveTrace(ctx context.Context, e Engine, id, p string) (string, []string, error) {
	rest := splitComponents(p)
	cur := "/"
	var visited []string
	for hops := 0; len(rest) > 0; {
		next := path.Join(cur, rest[0])
		rest = rest[1:]
		visited = append(visited, next)
		st, err := e.StatPath(ctx, id, next)
		if errors.Is(err, ErrNoSuchObject) {
			return path.Join(append([]string{next}, rest...)...), visited, nil
		}
		if err != nil {
			return "", visited, err
		}
		if st.Mode&os.ModeSymlink == 0 || st.LinkTarget == "" {
			cur = next
			continue
		}
		if hops++; hops > 40 {
			return "", visited, errors.New("too many levels of symbolic links")
		}
		// LinkTarget is already resolved in the container's scope.
		cur = path.Clean("/" + st.LinkTarget)
		visited = append(visited, cur)
	}
	return cur, visited, nil
}

func splitComponents(p string) []string {
	var out []string
	for _, c := range strings.Split(path.Clean("/"+p), "/") {
		if c != "" {
			out = append(out, c)
		}
	}
	return out
}

// ResolveInRoot resolves p as the kernel will inside a running container
// whose root is root (/proc/PID/root on the engine's host), symlinks made
// relative to that root: the container's own mounts (its tmpfs /tmp, where
// it may plant a link) are seen, which the engine's archive endpoint does
// not show for a running container. Components that do not exist are kept
// as written.
func ResolveInRoot(root, p string) (string, error) {
	rest := splitComponents(p)
	cur := "/"
	for hops := 0; len(rest) > 0; {
		next := path.Join(cur, rest[0])
		rest = rest[1:]
		fi, err := os.Lstat(root + next)
		if errors.Is(err, fs.ErrNotExist) {
			return path.Join(append([]string{next}, rest...)...), nil
		}
		if err != nil {
			return "", fmt.Errorf("resolve %s in the container: %w", p, err)
		}
		if fi.Mode()&os.ModeSymlink == 0 {
			cur = next
			continue
		}
		if hops++; hops > 40 {
			return "", fmt.Errorf("resolve %s in the container: too many levels of symbolic links", p)
		}
		target, err := os.Readlink(root + next)
		if err != nil {
			return "", fmt.Errorf("resolve %s in the container: %w", p, err)
		}
		if !path.IsAbs(target) {
			target = path.Join(cur, target)
		}
		// The link's target is walked again from the container's root.
		rest = append(splitComponents(target), rest...)
		cur = "/"
	}
	return cur, nil
}
