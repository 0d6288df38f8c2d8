package probe

import (
	"fmt"
	"io"
	"strconv"
	"strings"
)

const (
	ansiAllowed = "\x1b[1;31m" // bold red
	ansiReset   = "\x1b[0m"
)

// WriteText writes the report as tables for people. Blocked attempts are
// plain; ALLOWED ones stand out, in bold red when color is true. The text
// is not stable: scripts read the JSON.
func (r Report) WriteText(w io.Writer, color bool) {
	tw := &textWriter{w: w, color: color}
	tw.summary(r)
	tw.writable(r.Writable)
	tw.effects(r)
	tw.mounts(r.Mounts)
	tw.attempts(r.Attempts)
	tw.errors(r.Errors)
}

type textWriter struct {
	w     io.Writer
	color bool
}

func (tw *textWriter) line(format string, args ...any) {
	fmt.Fprintf(tw.w, format+"\n", args...)
}

func (tw *textWriter) summary(r Report) {
	tw.table([][]string{
		{"Identity", fmt.Sprintf("uid %d  gid %d  euid %d  egid %d  groups %s  pid %d  HOME %s",
			r.UID, r.GID, r.EUID, r.EGID, joinInts(r.Groups), r.PID, orNone(r.Home))},
		{"", fmt.Sprintf("uids %s  gids %s (real, effective, saved, fs)", joinInts(r.IDs.UID), joinInts(r.IDs.GID))},
		{"Cgroup ns", r.CgroupNS.Mode + ": " + r.CgroupNS.Why},
		{"Capabilities", "effective    " + capSetText(r.Capabilities.Effective)},
		{"", "permitted    " + capSetText(r.Capabilities.Permitted)},
		{"", "inheritable  " + capSetText(r.Capabilities.Inheritable)},
		{"", "bounding     " + capSetText(r.Capabilities.Bounding)},
		{"", "ambient      " + capSetText(r.Capabilities.Ambient)},
		{"NoNewPrivs", yesNo(r.NoNewPrivs)},
		{"Seccomp", seccompText(r.Seccomp)},
		{"AppArmor", r.AppArmor},
		{"Root fs", r.RootFS},
		{"Limits", limitsText(r.Cgroup, r.Rlimits)},
		{"Network", networkText(r.Network)},
	}, nil)
}

func (tw *textWriter) writable(paths []WritablePath) {
	rows := [][]string{{"PATH", "WRITABLE", "ERRNO"}}
	for _, p := range paths {
		rows = append(rows, []string{p.Path, yesNo(p.Writable), p.Errno})
	}
	tw.line("")
	tw.table(rows, nil)
}

// effects lists the sockets found through the mounts and the host file
// systems; the engine's API answering is highlighted like an ALLOWED.
func (tw *textWriter) effects(r Report) {
	rows := [][]string{{"SOCKET", "MOUNT", "DOCKER API", "ANSWER"}}
	for _, s := range r.Sockets {
		rows = append(rows, []string{s.Path, orNone(s.MountPoint), yesNo(s.DockerAPI), orString(s.Answer, s.Error)})
	}
	tw.line("")
	if len(r.Sockets) == 0 {
		tw.line("no unix socket reachable through the mounts")
	} else {
		tw.table(rows, func(row, col int, cell string) string {
			if row > 0 && col == 2 && cell == "yes" {
				return tw.highlight(cell)
			}
			return cell
		})
	}
	tw.line("")
	if len(r.HostFS) == 0 {
		tw.line("no host file system in the mounts")
		return
	}
	rows = [][]string{{"HOST FS AT", "TYPE", "SOURCE", "WHY"}}
	for _, h := range r.HostFS {
		rows = append(rows, []string{h.MountPoint, h.FSType, h.Source, h.Why})
	}
	tw.table(rows, nil)
}

func orString(s, alt string) string {
	if s == "" {
		return alt
	}
	return s
}

func (tw *textWriter) mounts(mounts []Mount) {
	rows := [][]string{{"MOUNT", "TYPE", "MODE", "PROPAGATION", "SOURCE"}}
	for _, m := range mounts {
		rows = append(rows, []string{m.MountPoint, m.FSType, m.Mode, m.Propagation, m.Source})
	}
	tw.line("")
	tw.table(rows, nil)
}

func (tw *textWriter) attempts(attempts []Attempt) {
	rows := [][]string{{"ATTEMPT", "TARGET", "RESULT", "ERRNO", "BY", "DETAIL"}}
	counts := map[string]int{}
	for _, a := range attempts {
		rows = append(rows, []string{a.Name, a.Target, a.Result, a.Errno, a.By, a.Detail})
		counts[a.Result]++
	}
	tw.line("")
	tw.table(rows, func(row, col int, cell string) string {
		if row > 0 && col == 2 && cell == ResultAllowed {
			return tw.highlight(cell)
		}
		return cell
	})
	allowed := fmt.Sprintf("%d %s", counts[ResultAllowed], ResultAllowed)
	if counts[ResultAllowed] > 0 {
		allowed = tw.highlight(allowed)
	}
	tw.line("%d attempts: %d blocked, %s, %d skipped",
		len(attempts), counts[ResultBlocked], allowed, counts[ResultSkipped])
}

func (tw *textWriter) errors(errs []string) {
	if len(errs) == 0 {
		return
	}
	tw.line("")
	tw.line("ERRORS")
	for _, e := range errs {
		tw.line("  %s", e)
	}
}

func (tw *textWriter) highlight(s string) string {
	if !tw.color {
		return s
	}
	return ansiAllowed + s + ansiReset
}

// table writes rows in columns padded to the widest plain cell; style may
// decorate a cell after padding, so escape codes do not upset the widths.
// The last column is not padded.
func (tw *textWriter) table(rows [][]string, style func(row, col int, cell string) string) {
	var widths []int
	for _, row := range rows {
		for i, cell := range row {
			if i >= len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], len(cell))
		}
	}
	for r, row := range rows {
		var b strings.Builder
		for c, cell := range row {
			styled := cell
			if style != nil {
				styled = style(r, c, cell)
			}
			b.WriteString(styled)
			if c < len(row)-1 {
				b.WriteString(strings.Repeat(" ", widths[c]-len(cell)+2))
			}
		}
		tw.line("%s", strings.TrimRight(b.String(), " "))
	}
}

func capSetText(c CapSet) string {
	if len(c.Names) == 0 {
		return fmt.Sprintf("(none) %s", c.Hex)
	}
	names := make([]string, len(c.Names))
	for i, n := range c.Names {
		names[i] = strings.TrimPrefix(n, "CAP_")
	}
	return fmt.Sprintf("%s (%s)", strings.Join(names, ","), c.Hex)
}

func seccompText(s Seccomp) string {
	if s.Mode != 2 {
		return s.ModeName
	}
	if s.Filters == 1 {
		return s.ModeName + " (1 filter)"
	}
	return fmt.Sprintf("%s (%d filters)", s.ModeName, s.Filters)
}

func limitsText(c Cgroup, l Rlimits) string {
	return fmt.Sprintf("memory %s  pids %s  cpus %s  nofile %s  nproc %s  core %s",
		memoryText(c.MemoryMax), limitWord(c.PidsMax), cpuText(c.CPUMax),
		nofileText(l.NoFile), rlimitText(l.NProc), rlimitText(l.Core))
}

// memoryText shows a byte count from memory.max in binary units.
func memoryText(s string) string {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return limitWord(s)
	}
	units := []string{"B", "KiB", "MiB", "GiB", "TiB"}
	f, u := float64(n), 0
	for f >= 1024 && u < len(units)-1 {
		f, u = f/1024, u+1
	}
	return strconv.FormatFloat(f, 'f', -1, 64) + units[u]
}

// cpuText turns cpu.max ("$QUOTA $PERIOD") into a number of CPUs.
func cpuText(s string) string {
	quota, period, ok := strings.Cut(s, " ")
	q, errQ := strconv.ParseFloat(quota, 64)
	p, errP := strconv.ParseFloat(period, 64)
	if !ok || errQ != nil || errP != nil || p == 0 {
		return limitWord(quota)
	}
	return strconv.FormatFloat(q/p, 'f', 2, 64)
}

func limitWord(s string) string {
	switch s {
	case "max":
		return "unlimited"
	case "":
		return "unknown"
	default:
		return s
	}
}

// nofileText knows that the Go runtime raises the soft RLIMIT_NOFILE to
// hard-1 at start-up: a soft limit of hard-1 says nothing about the
// container's configured soft limit.
func nofileText(l Rlimit) string {
	if l.Hard > 0 && l.Soft == l.Hard-1 {
		return fmt.Sprintf("%d (soft limit not observable)", l.Hard)
	}
	return rlimitText(l)
}

func rlimitText(l Rlimit) string {
	v := func(n int64) string {
		if n < 0 {
			return "unlimited"
		}
		return strconv.FormatInt(n, 10)
	}
	if l.Soft == l.Hard {
		return v(l.Hard)
	}
	return v(l.Soft) + "/" + v(l.Hard)
}

func networkText(ifaces []Interface) string {
	if len(ifaces) == 0 {
		return "(none)"
	}
	var parts []string
	for _, ifc := range ifaces {
		parts = append(parts, strings.TrimSpace(ifc.Name+" "+strings.Join(ifc.Addrs, " ")))
	}
	return strings.Join(parts, "; ")
}

func joinInts(ns []int) string {
	if len(ns) == 0 {
		return "(none)"
	}
	s := make([]string, len(ns))
	for i, n := range ns {
		s[i] = strconv.Itoa(n)
	}
	return strings.Join(s, ",")
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}
