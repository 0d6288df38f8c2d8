package probe

import (
	"os"
	"path/filepath"
	"slices"
)

// Options says what Collect tests beyond its fixed set.
type Options struct {
	// Volumes are extra paths tested for write (the container's volumes).
	Volumes []string
	// DockerSockets are the sockets the docker-socket attempt connects to
	// when they exist. nil means DefaultDockerSockets.
	DockerSockets []string
	// Attempts runs only the named attempts; empty runs them all. Names
	// that are not in AttemptNames are ignored (Main rejects them).
	Attempts []string
}

// DefaultDockerSockets are the paths where a Docker Engine socket is usually
// bind-mounted into a container.
var DefaultDockerSockets = []string{"/var/run/docker.sock", "/run/docker.sock"}

// fixedWritablePaths are tested for write in every report, before HOME and
// the volumes.
var fixedWritablePaths = []string{"/", "/tmp", "/run", "/var/tmp", "/dev/shm"}

// scratchPreference is the order in which writable paths are considered for
// the temporary files and directories of the mount, chown and mknod
// attempts: the usual tmpfs locations first, the root file system last.
var scratchPreference = []string{"/tmp", "/dev/shm", "/var/tmp", "/run"}

// writablePaths lists the paths to test, without duplicates, in report
// order: the fixed set, HOME, then the volumes.
func writablePaths(home string, volumes []string) []string {
	var paths []string
	add := func(p string) {
		if p == "" {
			return
		}
		p = filepath.Clean(p)
		if !slices.Contains(paths, p) {
			paths = append(paths, p)
		}
	}
	for _, p := range fixedWritablePaths {
		add(p)
	}
	add(home)
	for _, v := range volumes {
		add(v)
	}
	return paths
}

// mountTargets are the mount points a volume or bind can be on, tested for
// write beside the fixed paths: every mount but /, the container's kernel
// file systems and /dev, and the probe binary itself.
func mountTargets(mounts []Mount, self string) []string {
	var out []string
	for _, m := range mounts {
		p := filepath.Clean(m.MountPoint)
		if p == "/" || p == self || under(p, "/proc") || under(p, "/sys") || under(p, "/dev") {
			continue
		}
		out = append(out, p)
	}
	return out
}

// pickScratch returns the writable directory the attempts create their
// temporary files in, or "" when none of the candidates is writable.
func pickScratch(results []WritablePath, home string) string {
	candidates := append(slices.Clone(scratchPreference), home, "/")
	for _, c := range candidates {
		for _, w := range results {
			if w.Writable && w.Path == filepath.Clean(c) && isDir(w.Path) {
				return w.Path
			}
		}
	}
	return ""
}

func isDir(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.IsDir()
}

func (o Options) sockets() []string {
	if o.DockerSockets == nil {
		return DefaultDockerSockets
	}
	return o.DockerSockets
}
