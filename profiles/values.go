package profiles

import (
	"fmt"
	"math/big"
	"slices"
	"strconv"
	"strings"

	units "github.com/docker/go-units"
)

// capabilities are the Linux capabilities 0 (CHOWN) through 40
// (CHECKPOINT_RESTORE), in kernel order (include/uapi/linux/capability.h).
var capabilities = []string{
	"CHOWN", "DAC_OVERRIDE", "DAC_READ_SEARCH", "FOWNER", "FSETID", "KILL",
	"SETGID", "SETUID", "SETPCAP", "LINUX_IMMUTABLE", "NET_BIND_SERVICE",
	"NET_BROADCAST", "NET_ADMIN", "NET_RAW", "IPC_LOCK", "IPC_OWNER",
	"SYS_MODULE", "SYS_RAWIO", "SYS_CHROOT", "SYS_PTRACE", "SYS_PACCT",
	"SYS_ADMIN", "SYS_BOOT", "SYS_NICE", "SYS_RESOURCE", "SYS_TIME",
	"SYS_TTY_CONFIG", "MKNOD", "LEASE", "AUDIT_WRITE", "AUDIT_CONTROL",
	"SETFCAP", "MAC_OVERRIDE", "MAC_ADMIN", "SYSLOG", "WAKE_ALARM",
	"BLOCK_SUSPEND", "AUDIT_READ", "PERFMON", "BPF", "CHECKPOINT_RESTORE",
}

// KnownCapabilities returns the names of all Linux capabilities hardrun
// knows, upper case without the CAP_ prefix, in kernel order.
func KnownCapabilities() []string { return slices.Clone(capabilities) }

// NormalizeCapability accepts a capability name as docker does (with or
// without CAP_, in any case) and returns it upper case without the prefix:
// "cap_net_raw" → "NET_RAW". "ALL" (any case) is returned as "ALL";
// "CAP_ALL" is not a name, as in docker.
func NormalizeCapability(s string) (string, error) {
	up := strings.ToUpper(s)
	if up == "ALL" {
		return up, nil
	}
	name := strings.TrimPrefix(up, "CAP_")
	if slices.Contains(capabilities, name) {
		return name, nil
	}
	return "", fmt.Errorf("unknown capability %q%s", s, didYouMean(name, capabilities))
}

// ulimitNames are the ulimits docker accepts (go-units' table: "as" is not
// among them because the engine cannot apply it).
var ulimitNames = []string{
	"core", "cpu", "data", "fsize", "locks", "memlock", "msgqueue", "nice",
	"nofile", "nproc", "rss", "rtprio", "rttime", "sigpending", "stack",
}

// ParseUlimit parses a ulimit as --ulimit NAME=VALUE takes it: VALUE is
// "soft:hard" or "n" (soft = hard = n); -1 means unlimited, and soft may not
// exceed hard.
func ParseUlimit(name, value string) (soft, hard int64, err error) {
	if !slices.Contains(ulimitNames, name) {
		return 0, 0, fmt.Errorf("unknown ulimit %q%s", name, didYouMean(name, ulimitNames))
	}
	softText, hardText, hasHard := strings.Cut(value, ":")
	if !hasHard {
		hardText = softText
	}
	soft, err1 := parseLimit(softText)
	hard, err2 := parseLimit(hardText)
	if err1 != nil || err2 != nil {
		return 0, 0, fmt.Errorf("bad ulimit %s %q: want \"soft:hard\" or one number (-1 = unlimited)", name, value)
	}
	if hard != -1 && (soft == -1 || soft > hard) {
		return 0, 0, fmt.Errorf("bad ulimit %s %q: soft limit above hard limit", name, value)
	}
	return soft, hard, nil
}

func parseLimit(s string) (int64, error) {
	n, err := strconv.ParseInt(s, 10, 64)
	if err == nil && n < -1 {
		err = strconv.ErrRange
	}
	return n, err
}

// sizeSyntax is what `docker run --memory` takes: a decimal number and an
// optional binary unit (b, k, m, g, t, p, optionally followed by b or ib).
// go-units alone also takes "1e3" and overflows silently on huge values.
// It is checked by hand (sizeSyntaxOK) because a limit is parsed on every
// container start and compiling a regexp would cost more than the parse.
const sizeSyntax = `^[0-9]+(\.[0-9]+)? ?[a-zA-Z]{0,3}$`

func sizeSyntaxOK(s string) bool {
	i := skipDigits(s, 0)
	if i == 0 {
		return false
	}
	if i < len(s) && s[i] == '.' {
		j := skipDigits(s, i+1)
		if j == i+1 {
			return false
		}
		i = j
	}
	if i < len(s) && s[i] == ' ' {
		i++
	}
	if len(s)-i > 3 {
		return false
	}
	for ; i < len(s); i++ {
		if c := s[i]; !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z') {
			return false
		}
	}
	return true
}

// skipDigits returns the index of the first non-digit in s at or after i.
func skipDigits(s string, i int) int {
	for i < len(s) && '0' <= s[i] && s[i] <= '9' {
		i++
	}
	return i
}

// maxSize bounds sizes far above any real machine, so that a float
// conversion can never wrap around.
const maxSize = 1 << 60

// ParseSize parses a size as `docker run --memory` does ("512m", "2g", or a
// number of bytes), with binary units: 1k = 1024.
func ParseSize(s string) (int64, error) {
	n, err := units.RAMInBytes(s)
	if err != nil || !sizeSyntaxOK(s) || n < 0 || n > maxSize {
		return 0, fmt.Errorf("bad size %q: want bytes or a number with a unit b, k, m, g, t (e.g. 512m)", s)
	}
	return n, nil
}

// parseCPUs parses --cpus syntax ("1.5") into billionths of a CPU, as docker
// does: a positive decimal number with at most nine decimals.
func parseCPUs(s string) (int64, error) {
	r, ok := new(big.Rat).SetString(s)
	if ok && !strings.ContainsAny(s, "/eE") && r.Sign() > 0 {
		nano := r.Mul(r, big.NewRat(1e9, 1))
		if nano.IsInt() && nano.Num().IsInt64() {
			return nano.Num().Int64(), nil
		}
	}
	return 0, fmt.Errorf("bad cpus %q: want a positive decimal number of CPUs (e.g. \"1.5\")", s)
}

// mustSize and mustCPUs are for values validated at load time: "" is 0.
func mustSize(s string) int64 {
	if s == "" {
		return 0
	}
	if s == "-1" {
		return -1
	}
	n, _ := ParseSize(s)
	return n
}

func mustCPUs(s string) int64 {
	if s == "" {
		return 0
	}
	n, _ := parseCPUs(s)
	return n
}

// MemoryBytes is limits.memory in bytes; 0 when unset.
func (l Limits) MemoryBytes() int64 { return mustSize(l.Memory) }

// MemorySwapBytes is limits.memory_swap in bytes; -1 for unlimited swap, 0
// when unset.
func (l Limits) MemorySwapBytes() int64 { return mustSize(l.MemorySwap) }

// ShmSizeBytes is limits.shm_size in bytes; 0 when unset.
func (l Limits) ShmSizeBytes() int64 { return mustSize(l.ShmSize) }

// NanoCPUs is limits.cpus in billionths of a CPU (HostConfig.NanoCPUs); 0
// when unset.
func (l Limits) NanoCPUs() int64 { return mustCPUs(l.CPUs) }

// MemoryBytes is max.memory in bytes; 0 when there is no ceiling.
func (m Max) MemoryBytes() int64 { return mustSize(m.Memory) }

// NanoCPUs is max.cpus in billionths of a CPU; 0 when there is no ceiling.
func (m Max) NanoCPUs() int64 { return mustCPUs(m.CPUs) }

// AllowRWGlobs returns volumes.allow_rw with the $PWD token expanded to cwd,
// the caller's working directory: "$PWD/**" under cwd "/src/app" becomes
// "/src/app/**". Pass cwd resolved the way bind sources are (absolute,
// symlinks evaluated), so that the globs and the sources compare alike. If
// cwd is not absolute, the $PWD entries are left out: they then permit
// nothing rather than a relative pattern.
func (p *Profile) AllowRWGlobs(cwd string) []string {
	globs := make([]string, 0, len(p.Volumes.AllowRW))
	for _, g := range p.Volumes.AllowRW {
		if e, ok := expandPWD(g, cwd); ok {
			globs = append(globs, e)
		}
	}
	return globs
}
