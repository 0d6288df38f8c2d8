package probe

import (
	"bufio"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// v1Unlimited: cgroup v1 prints an unlimited memory limit as the largest
// page-aligned int64 (9223372036854771712 with 4 KiB pages); anything this
// large is no limit.
const v1Unlimited = 1 << 62

// parseProcCgroup maps each controller of /proc/PID/cgroup to its path. The
// cgroup v2 line ("0::/path") is under the key "".
func parseProcCgroup(text string) map[string]string {
	paths := map[string]string{}
	sc := bufio.NewScanner(strings.NewReader(text))
	for sc.Scan() {
		parts := strings.SplitN(sc.Text(), ":", 3)
		if len(parts) != 3 {
			continue
		}
		if parts[1] == "" {
			paths[""] = parts[2]
			continue
		}
		for _, ctrl := range strings.Split(parts[1], ",") {
			paths[ctrl] = parts[2]
		}
	}
	return paths
}

// readCgroup reads the limits of the cgroup named by procCgroup (the text of
// /proc/self/cgroup) under the cgroup file system mounted at root.
//
// Inside a container with its own cgroup namespace the path is "/" and the
// limits are in root itself; with the host's cgroup namespace the path names
// a cgroup that may or may not be visible under root, so the path is tried
// first and root second.
func readCgroup(root, procCgroup string) Cgroup {
	paths := parseProcCgroup(procCgroup)
	switch {
	case exists(filepath.Join(root, "cgroup.controllers")):
		return readCgroupV2(root, paths[""])
	case exists(filepath.Join(root, "memory")) || exists(filepath.Join(root, "pids")):
		return readCgroupV1(root, paths)
	default:
		return Cgroup{}
	}
}

func readCgroupV2(root, path string) Cgroup {
	dir := cgroupDir(root, path, "cgroup.controllers")
	return Cgroup{
		Version:   2,
		Path:      path,
		MemoryMax: readTrimmed(filepath.Join(dir, "memory.max")),
		PidsMax:   readTrimmed(filepath.Join(dir, "pids.max")),
		CPUMax:    readTrimmed(filepath.Join(dir, "cpu.max")),
	}
}

func readCgroupV1(root string, paths map[string]string) Cgroup {
	mem := cgroupDir(filepath.Join(root, "memory"), paths["memory"], "memory.limit_in_bytes")
	pids := cgroupDir(filepath.Join(root, "pids"), paths["pids"], "pids.max")
	cpu := cgroupDir(filepath.Join(root, "cpu"), paths["cpu"], "cpu.cfs_quota_us")
	return Cgroup{
		Version:   1,
		Path:      paths["memory"],
		MemoryMax: v1Memory(readTrimmed(filepath.Join(mem, "memory.limit_in_bytes"))),
		PidsMax:   readTrimmed(filepath.Join(pids, "pids.max")),
		CPUMax: v1CPU(readTrimmed(filepath.Join(cpu, "cpu.cfs_quota_us")),
			readTrimmed(filepath.Join(cpu, "cpu.cfs_period_us"))),
	}
}

// cgroupDir returns mount/path when it holds the file probe, else mount.
func cgroupDir(mount, path, probe string) string {
	if path != "" && path != "/" {
		dir := filepath.Join(mount, filepath.Clean("/"+path))
		if exists(filepath.Join(dir, probe)) {
			return dir
		}
	}
	return mount
}

// v1Memory turns memory.limit_in_bytes into memory.max syntax.
func v1Memory(s string) string {
	n, err := strconv.ParseInt(s, 10, 64)
	if err == nil && n >= v1Unlimited {
		return "max"
	}
	return s
}

// v1CPU turns cpu.cfs_quota_us and cpu.cfs_period_us into cpu.max syntax
// ("$QUOTA $PERIOD", quota "max" when -1).
func v1CPU(quota, period string) string {
	if quota == "" || period == "" {
		return ""
	}
	if quota == "-1" {
		quota = "max"
	}
	return quota + " " + period
}

func readTrimmed(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(b))
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
