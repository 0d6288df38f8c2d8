package launcher

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"syscall"

	"github.com/hardrun/hardrun/probe"

	"github.com/hardrun/hardrun/policy"
)

// hostObjects reads what the judge needs to know about a bind source's
// object: stat of it and of each directory above it, the mount it lies on
// and the mounts under it. The mount table is read once per launch, and
// only when a bind needs it.
type hostObjects struct {
	mountinfo string // "/proc/self/mountinfo" but in tests
	once      sync.Once
	mounts    []mountEntry
	mountsErr error
	protected []string
	protOnce  sync.Once
	protIDs   []policy.ProtectedObject
}

// mountEntry is one line of /proc/self/mountinfo that the judge uses.
type mountEntry struct {
	dev    string // major:minor
	root   string // the path within its file system that is mounted
	point  string
	fstype string
}

func newHostObjects(protected []string) *hostObjects {
	return &hostObjects{mountinfo: "/proc/self/mountinfo", protected: protected}
}

// Object stats resolved (which has no symlinks left) and its ancestors.
func (h *hostObjects) Object(resolved string) (policy.PathObject, error) {
	var st syscall.Stat_t
	if err := syscall.Lstat(resolved, &st); err != nil {
		return policy.PathObject{}, &os.PathError{Op: "stat", Path: resolved, Err: err}
	}
	o := policy.PathObject{Kind: kindOf(st.Mode), ID: idOf(&st), Links: uint64(st.Nlink)}
	for dir := filepath.Dir(resolved); ; dir = filepath.Dir(dir) {
		var ast syscall.Stat_t
		if err := syscall.Stat(dir, &ast); err != nil {
			return o, &os.PathError{Op: "stat", Path: dir, Err: err}
		}
		o.Ancestors = append(o.Ancestors, idOf(&ast))
		if dir == "/" {
			break
		}
	}
	mounts, err := h.mountTable()
	if err != nil {
		return o, err
	}
	o.FSType, o.Submounts = placeIn(mounts, resolved)
	o.Origin = originOf(mounts, resolved)
	return o, nil
}

// originOf returns where p is on its file system's own mount when p
// reaches it through a bind mount: the mount holding p shows a root other
// than "/" (or its device is mounted elsewhere with a root that contains
// it). "" when p is its own name.
func originOf(mounts []mountEntry, p string) string {
	m, ok := containing(mounts, p)
	if !ok || m.root == "/" {
		return ""
	}
	within := path.Join(m.root, strings.TrimPrefix(p, strings.TrimSuffix(m.point, "/")))
	for _, c := range mounts {
		if c.dev != m.dev || c == m {
			continue
		}
		if c.root == "/" || within == c.root || strings.HasPrefix(within, c.root+"/") {
			rel := strings.TrimPrefix(within, strings.TrimSuffix(c.root, "/"))
			return path.Join(c.point, rel)
		}
	}
	// The file system is mounted nowhere whole: name the path within it.
	return within
}

// containing returns the mount p lies on: the last-mounted of the longest
// mount points that are p or above it.
func containing(mounts []mountEntry, p string) (mountEntry, bool) {
	best, found := mountEntry{}, false
	for _, m := range mounts {
		if m.point == p || m.point == "/" || strings.HasPrefix(p, m.point+"/") {
			if !found || len(m.point) >= len(best.point) {
				best, found = m, true
			}
		}
	}
	return best, found
}

// Protected stats the protected paths once; those that do not exist are
// left out (nothing can alias them).
func (h *hostObjects) Protected() []policy.ProtectedObject {
	h.protOnce.Do(func() {
		for _, p := range h.protected {
			var st, parent syscall.Stat_t
			if syscall.Stat(p, &st) != nil {
				continue
			}
			mp := p == "/" || (syscall.Stat(filepath.Dir(p), &parent) == nil && parent.Dev != st.Dev)
			h.protIDs = append(h.protIDs, policy.ProtectedObject{Path: p, ID: idOf(&st), MountPoint: mp && p != "/",
				Kind: kindOf(st.Mode), Links: uint64(st.Nlink)})
		}
		h.protIDs = append(h.protIDs, linkedFiles("/etc", maxLinkSearch)...)
	})
	return h.protIDs
}

// maxLinkSearch bounds the search of /etc for hard-linked files.
const maxLinkSearch = 20000

// linkedFiles returns the regular files under dir (on dir's own file
// system) that have more than one name: a hard link of /etc/shadow made
// inside a directory a bind names would hand the container the host's
// file. /etc is small (about 1,400 entries on Debian); past limit entries
// the whole of dir counts as linked, which refuses binds on its file
// system: fail closed.
func linkedFiles(dir string, limit int) []policy.ProtectedObject {
	var root syscall.Stat_t
	if syscall.Stat(dir, &root) != nil {
		return nil
	}
	var out []policy.ProtectedObject
	seen := 0
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil // unreadable parts hold nothing a bind could alias through us
		}
		if seen++; seen > limit {
			return errLinkSearch
		}
		if !d.Type().IsRegular() {
			return nil
		}
		var st syscall.Stat_t
		if syscall.Lstat(p, &st) == nil && st.Nlink > 1 && st.Dev == root.Dev {
			out = append(out, policy.ProtectedObject{Path: p, ID: idOf(&st), Kind: policy.ObjectFile, Links: uint64(st.Nlink)})
		}
		return nil
	})
	if errors.Is(err, errLinkSearch) {
		return []policy.ProtectedObject{{Path: dir, ID: idOf(&root), Kind: policy.ObjectFile, Links: 2}}
	}
	return out
}

var errLinkSearch = errors.New("too many entries to search")

func idOf(st *syscall.Stat_t) policy.FileID {
	return policy.FileID{Dev: uint64(st.Dev), Ino: uint64(st.Ino)}
}

func kindOf(mode uint32) policy.ObjectKind {
	switch mode & syscall.S_IFMT {
	case syscall.S_IFDIR:
		return policy.ObjectDir
	case syscall.S_IFREG:
		return policy.ObjectFile
	case syscall.S_IFSOCK:
		return policy.ObjectSocket
	case syscall.S_IFCHR, syscall.S_IFBLK:
		return policy.ObjectDevice
	case syscall.S_IFIFO:
		return policy.ObjectFIFO
	}
	return policy.ObjectOther
}

func (h *hostObjects) mountTable() ([]mountEntry, error) {
	h.once.Do(func() {
		f, err := os.Open(h.mountinfo)
		if err != nil {
			h.mountsErr = fmt.Errorf("read mount table: %w", err)
			return
		}
		defer f.Close()
		h.mounts, h.mountsErr = parseMountinfo(f)
	})
	return h.mounts, h.mountsErr
}

// parseMountinfo reads what the judge uses of each line of
// /proc/self/mountinfo, with the probe's parser (one parser per syntax).
func parseMountinfo(r io.Reader) ([]mountEntry, error) {
	mounts, err := probe.ParseMountinfo(r)
	if err != nil {
		return nil, fmt.Errorf("read mount table: %w", err)
	}
	out := make([]mountEntry, len(mounts))
	for i, m := range mounts {
		out[i] = mountEntry{dev: m.Dev, root: m.Root, point: m.MountPoint, fstype: m.FSType}
	}
	return out, nil
}

// placeIn returns the file system type p lies on (the last-mounted of the
// longest mount points that are p or above it) and the mount points
// strictly under p.
func placeIn(mounts []mountEntry, p string) (fstype string, submounts []string) {
	if m, ok := containing(mounts, p); ok {
		fstype = m.fstype
	}
	for _, m := range mounts {
		if m.point != p && (p == "/" || strings.HasPrefix(m.point, p+"/")) {
			submounts = append(submounts, m.point)
		}
	}
	return fstype, submounts
}
