package probe

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// procStatus is what the probe needs from /proc/self/status.
type procStatus struct {
	Caps           map[string]string // "CapEff" -> "00000000a80425fb"
	NoNewPrivs     bool
	SeccompMode    int // -1: the kernel has no Seccomp line (no CONFIG_SECCOMP)
	SeccompFilters int
	// UIDs and GIDs are the Uid and Gid lines: real, effective, saved
	// set and file system ids; nil when the line is missing.
	UIDs, GIDs []int
	// Groups is the Groups line: every supplementary group the kernel
	// checks, in its order; HaveGroups false when the line is missing.
	Groups     []int
	HaveGroups bool
}

// statusCapKeys are the capability lines of /proc/self/status.
var statusCapKeys = []string{"CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb"}

// parseStatus reads the fields the probe reports from /proc/PID/status.
// Lines it does not know are ignored; a known line with a bad value is an
// error. Seccomp_filters appeared in Linux 5.9 and stays 0 before.
func parseStatus(r io.Reader) (procStatus, error) {
	st := procStatus{Caps: map[string]string{}, SeccompMode: -1}
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		key, value, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		if err := st.set(key, strings.TrimSpace(value)); err != nil {
			return st, fmt.Errorf("parse status line %q: %w", key, err)
		}
	}
	if err := sc.Err(); err != nil {
		return st, fmt.Errorf("read status: %w", err)
	}
	return st, nil
}

func (st *procStatus) set(key, value string) error {
	var err error
	switch key {
	case "CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb":
		_, err = parseCapMask(value)
		st.Caps[key] = value
	case "NoNewPrivs":
		var n int
		n, err = strconv.Atoi(value)
		st.NoNewPrivs = n != 0
	case "Seccomp":
		st.SeccompMode, err = strconv.Atoi(value)
	case "Seccomp_filters":
		st.SeccompFilters, err = strconv.Atoi(value)
	case "Uid":
		st.UIDs, err = parseIDs(value)
	case "Gid":
		st.GIDs, err = parseIDs(value)
	case "Groups":
		st.Groups, err = parseIDs(value)
		st.HaveGroups = err == nil
	}
	return err
}

// parseIDs reads a whitespace-separated list of ids ("1234 1234 1234
// 1234", or "" for no supplementary groups).
func parseIDs(value string) ([]int, error) {
	ids := []int{}
	for _, f := range strings.Fields(value) {
		n, err := strconv.ParseUint(f, 10, 32)
		if err != nil {
			return nil, err
		}
		ids = append(ids, int(n))
	}
	return ids, nil
}

// seccompModeName names a mode of the Seccomp status line
// (Documentation/userspace-api/seccomp_filter.rst).
func seccompModeName(mode int) string {
	switch mode {
	case 0:
		return "disabled"
	case 1:
		return "strict"
	case 2:
		return "filter"
	default:
		return "unknown"
	}
}

// applyStatus copies a parsed status into the report and returns the
// effective capability mask the attempts judge against.
func applyStatus(r *Report, st procStatus) (effective uint64, err error) {
	sets := map[string]*CapSet{
		"CapInh": &r.Capabilities.Inheritable,
		"CapPrm": &r.Capabilities.Permitted,
		"CapEff": &r.Capabilities.Effective,
		"CapBnd": &r.Capabilities.Bounding,
		"CapAmb": &r.Capabilities.Ambient,
	}
	var errs []error
	for _, key := range statusCapKeys {
		hex, ok := st.Caps[key]
		if !ok {
			errs = append(errs, fmt.Errorf("status has no %s line", key))
			continue
		}
		set, mask, err := capSetFromHex(hex)
		if err != nil {
			errs = append(errs, err)
		}
		*sets[key] = set
		if key == "CapEff" {
			effective = mask
		}
	}
	r.NoNewPrivs = st.NoNewPrivs
	applyIDs(r, st)
	r.Seccomp = Seccomp{Mode: st.SeccompMode, ModeName: seccompModeName(st.SeccompMode), Filters: st.SeccompFilters}
	return effective, errors.Join(errs...)
}

// applyIDs takes the ids from the kernel's own account of the process:
// the Uid and Gid lines hold the saved and file system ids besides the
// real and effective ones, and Groups every supplementary group, which is
// what a permission check uses (group 0 reaches every file of group root).
func applyIDs(r *Report, st procStatus) {
	if len(st.UIDs) == 4 {
		r.IDs.UID = st.UIDs
	}
	if len(st.GIDs) == 4 {
		r.IDs.GID = st.GIDs
	}
	if st.HaveGroups {
		r.Groups = st.Groups
	}
}
