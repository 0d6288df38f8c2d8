package probe

import (
	"bytes"
	"io"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// Bounds of the socket search: a mount can hold a whole host tree, and
// the probe must finish in seconds whatever it was given.
const (
	maxSocketEntries = 10000 // directory entries looked at per mount
	maxSocketDepth   = 8     // directory levels below the mount point
	maxSocketsPinged = 64    // sockets asked GET /_ping, in all
	pingTimeout      = 2 * time.Second
	maxPingAnswer    = 4096
)

// skippedTrees are mounts the socket search does not walk: the
// container's own kernel file systems (no socket can be bound there) and
// its /dev. The root file system is the image's and the container's own.
var skippedTrees = []string{"/proc", "/sys", "/dev/pts", "/dev/mqueue"}

// socketRoots lists the mount points to walk for sockets, each once, in
// mountinfo order: every mount but /, /dev itself and the trees above.
func socketRoots(mounts []Mount, self string) []string {
	var roots []string
	for _, m := range mounts {
		p := filepath.Clean(m.MountPoint)
		if p == "/" || p == "/dev" || p == self || slices.Contains(roots, p) ||
			slices.ContainsFunc(skippedTrees, func(t string) bool { return under(p, t) }) {
			continue
		}
		roots = append(roots, p)
	}
	return roots
}

// findSockets walks each root (bounded, not following symlinks, not
// descending into another root: that one is walked on its own) and
// returns every unix socket found, then each of extra that exists.
func findSockets(roots, extra []string) []Socket {
	isRoot := map[string]bool{}
	for _, r := range roots {
		isRoot[r] = true
	}
	var out []Socket
	seen := map[string]bool{}
	add := func(p, mountPoint string) {
		if !seen[p] {
			seen[p] = true
			out = append(out, Socket{Path: p, MountPoint: mountPoint})
		}
	}
	for _, root := range roots {
		for _, p := range walkSockets(root, isRoot) {
			add(p, root)
		}
	}
	for _, p := range extra {
		if fi, err := os.Stat(p); err == nil && fi.Mode()&fs.ModeSocket != 0 {
			add(filepath.Clean(p), "")
		}
	}
	return out
}

// walkSockets finds the sockets under root within the bounds.
func walkSockets(root string, isRoot map[string]bool) []string {
	var found []string
	entries := 0
	_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil // unreadable: nothing to find there for this process either
		}
		if entries++; entries > maxSocketEntries {
			return filepath.SkipAll
		}
		if d.IsDir() && p != root && (isRoot[p] || depth(root, p) >= maxSocketDepth) {
			return filepath.SkipDir
		}
		if d.Type()&fs.ModeSocket != 0 {
			found = append(found, p)
		}
		return nil
	})
	return found
}

func depth(root, p string) int {
	rel, err := filepath.Rel(root, p)
	if err != nil {
		return 0
	}
	return strings.Count(rel, "/") + 1
}

// pingSockets asks each socket GET /_ping, the Docker Engine API's health
// check (it changes nothing), and records the answer.
func pingSockets(socks []Socket) {
	for i := range socks {
		if i >= maxSocketsPinged {
			socks[i].Error = "not asked: more than 64 sockets"
			continue
		}
		answer, api, err := pingDocker(socks[i].Path)
		socks[i].Answer, socks[i].DockerAPI = answer, api
		if err != nil {
			socks[i].Error = err.Error()
		}
	}
}

// pingDocker connects to path and sends GET /_ping. The engine answers
// 200 with an Api-Version header and the body "OK"; either is the engine.
func pingDocker(path string) (status string, api bool, err error) {
	conn, err := net.DialTimeout("unix", path, pingTimeout)
	if err != nil {
		return "", false, err
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(pingTimeout))
	if _, err := io.WriteString(conn, "GET /_ping HTTP/1.0\r\nHost: docker\r\n\r\n"); err != nil {
		return "", false, err
	}
	buf, err := io.ReadAll(io.LimitReader(conn, maxPingAnswer))
	if len(buf) == 0 && err != nil {
		return "", false, err
	}
	status, api = readPing(buf)
	return status, api, nil
}

// readPing reads an HTTP answer: its status line, and whether it is the
// Docker Engine API's.
func readPing(buf []byte) (status string, api bool) {
	head, body, _ := bytes.Cut(buf, []byte("\r\n\r\n"))
	lines := strings.Split(string(head), "\r\n")
	status = strings.TrimSpace(lines[0])
	if !strings.HasPrefix(status, "HTTP/") {
		return printable(status), false
	}
	for _, l := range lines[1:] {
		if k, _, ok := strings.Cut(l, ":"); ok && strings.EqualFold(strings.TrimSpace(k), "Api-Version") {
			return status, true
		}
	}
	return status, strings.TrimSpace(string(body)) == "OK"
}

// printable keeps a stranger's answer short and free of control bytes.
func printable(s string) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, s)
	if len(s) > 80 {
		s = s[:80]
	}
	return s
}
