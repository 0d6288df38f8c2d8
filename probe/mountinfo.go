package probe

import (
	"bufio"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
)

// ParseMountinfo parses /proc/PID/mountinfo (proc(5)); the launcher reads
// the host's with it too, so the two cannot disagree about a line:
//
//	36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue
//	(1)(2)(3)   (4)   (5)      (6)      (7)   (8) (9)   (10)         (11)
//
// Field 7 is zero or more optional "tag[:value]" fields ended by "-".
func ParseMountinfo(r io.Reader) ([]Mount, error) {
	mounts := []Mount{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 1024*1024) // overlay lowerdir options get long
	for line := 1; sc.Scan(); line++ {
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		m, err := parseMountinfoLine(sc.Text())
		if err != nil {
			return mounts, fmt.Errorf("parse mountinfo line %d: %w", line, err)
		}
		mounts = append(mounts, m)
	}
	if err := sc.Err(); err != nil {
		return mounts, fmt.Errorf("read mountinfo: %w", err)
	}
	return mounts, nil
}

func parseMountinfoLine(line string) (Mount, error) {
	fields := strings.Fields(line)
	sep := slices.Index(fields, "-")
	if sep < 6 || len(fields) < sep+4 {
		return Mount{}, fmt.Errorf("malformed line %q", line)
	}
	mountOpts, superOpts := fields[5], fields[sep+3]
	return Mount{
		MountPoint:  unescapeMountinfo(fields[4]),
		Dev:         fields[2],
		Root:        unescapeMountinfo(fields[3]),
		FSType:      fields[sep+1],
		Source:      unescapeMountinfo(fields[sep+2]),
		Mode:        mountMode(mountOpts, superOpts),
		Propagation: propagation(fields[6:sep]),
		Options:     mountOpts,
	}, nil
}

// mountMode is "ro" when either the mount or its superblock is read-only:
// a bind mount of a read-only file system is read-only whatever its own
// flags say.
func mountMode(mountOpts, superOpts string) string {
	if hasOption(mountOpts, "ro") || hasOption(superOpts, "ro") {
		return "ro"
	}
	return "rw"
}

func hasOption(opts, want string) bool {
	return slices.Contains(strings.Split(opts, ","), want)
}

// propagation names the propagation type from the optional fields, in the
// words of mount(8): shared:N is "shared", master:N is "slave", both is
// "shared,slave", unbindable is "unbindable", none is "private".
func propagation(optional []string) string {
	var shared, slave, unbindable bool
	for _, f := range optional {
		tag, _, _ := strings.Cut(f, ":")
		switch tag {
		case "shared":
			shared = true
		case "master":
			slave = true
		case "unbindable":
			unbindable = true
		}
	}
	switch {
	case shared && slave:
		return "shared,slave"
	case shared:
		return "shared"
	case slave:
		return "slave"
	case unbindable:
		return "unbindable"
	default:
		return "private"
	}
}

// unescapeMountinfo undoes the kernel's octal escapes (\040 space, \011 tab,
// \012 newline, \134 backslash) in paths.
func unescapeMountinfo(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+4 <= len(s) {
			if n, err := strconv.ParseUint(s[i+1:i+4], 8, 8); err == nil {
				b.WriteByte(byte(n))
				i += 3
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// rootFSMode returns the mode of the mount that is "/" for the probe: the
// last mount on "/" in mountinfo order hides the ones before it.
func rootFSMode(mounts []Mount) string {
	for i := len(mounts) - 1; i >= 0; i-- {
		if mounts[i].MountPoint == "/" {
			return mounts[i].Mode
		}
	}
	return "unknown"
}
