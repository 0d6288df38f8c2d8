package launcher

import (
	"archive/tar"
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
		c := rest[0]
		rest = rest[1:]
		if c == ".." {
			cur = path.Dir(cur)
			continue
		}
		next := path.Join(cur, c)
		visited = append(visited, next)
		st, err := e.StatPath(ctx, id, next)
		if errors.Is(err, ErrNoSuchObject) {
			return path.Join(append([]string{next}, rest...)...), visited, nil
		}
		if err != nil {
			return "", visited, err
		}
		if st.Mode&os.ModeSymlink == 0 {
			cur = next
			continue
		}
		if hops++; hops > 40 {
			return "", visited, errors.New("too many levels of symbolic links")
		}
		// One hop at a time, as the kernel walks it: the engine's
		// LinkTarget is the end of the whole chain, and a link in between
		// may lie on a mount (the container's /tmp) that runc sees and
		// the engine does not.
		target, err := readLink(ctx, e, id, next)
		if err != nil {
			return "", visited, err
		}
		if path.IsAbs(target) {
			cur = "/"
		}
		rest = append(linkComponents(target), rest...)
	}
	return cur, visited, nil
}

// readLink returns the target of the symlink at p as it is stored, from
// the archive endpoint (which archives a link, not what it names).
func readLink(ctx context.Context, e Engine, id, p string) (string, error) {
	rc, _, err := e.CopyFromContainer(ctx, id, p)
	if err != nil {
		return "", fmt.Errorf("read the link %s: %w", p, err)
	}
	defer rc.Close()
	h, err := tar.NewReader(rc).Next()
	if err != nil {
		return "", fmt.Errorf("read the link %s: %w", p, err)
	}
	if h.Typeflag != tar.TypeSymlink || h.Linkname == "" {
		return "", fmt.Errorf("read the link %s: the engine archived no link there", p)
	}
	return h.Linkname, nil
}

// linkComponents splits a link target into the components a walk takes,
// ".." kept (relative to the link's directory), "." and empty ones dropped.
func linkComponents(target string) []string {
	var out []string
	for _, c := range strings.Split(target, "/") {
		if c != "" && c != "." {
			out = append(out, c)
		}
	}
	return out
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
