package probe

import (
	"fmt"
	"strconv"
	"strings"
)

// capNames are the capabilities by bit number, as in linux/capability.h
// (CAP_LAST_CAP is CAP_CHECKPOINT_RESTORE since Linux 5.9).
var capNames = [...]string{
	"CAP_CHOWN",
	"CAP_DAC_OVERRIDE",
	"CAP_DAC_READ_SEARCH",
	"CAP_FOWNER",
	"CAP_FSETID",
	"CAP_KILL",
	"CAP_SETGID",
	"CAP_SETUID",
	"CAP_SETPCAP",
	"CAP_LINUX_IMMUTABLE",
	"CAP_NET_BIND_SERVICE",
	"CAP_NET_BROADCAST",
	"CAP_NET_ADMIN",
	"CAP_NET_RAW",
	"CAP_IPC_LOCK",
	"CAP_IPC_OWNER",
	"CAP_SYS_MODULE",
	"CAP_SYS_RAWIO",
	"CAP_SYS_CHROOT",
	"CAP_SYS_PTRACE",
	"CAP_SYS_PACCT",
	"CAP_SYS_ADMIN",
	"CAP_SYS_BOOT",
	"CAP_SYS_NICE",
	"CAP_SYS_RESOURCE",
	"CAP_SYS_TIME",
	"CAP_SYS_TTY_CONFIG",
	"CAP_MKNOD",
	"CAP_LEASE",
	"CAP_AUDIT_WRITE",
	"CAP_AUDIT_CONTROL",
	"CAP_SETFCAP",
	"CAP_MAC_OVERRIDE",
	"CAP_MAC_ADMIN",
	"CAP_SYSLOG",
	"CAP_WAKE_ALARM",
	"CAP_BLOCK_SUSPEND",
	"CAP_AUDIT_READ",
	"CAP_PERFMON",
	"CAP_BPF",
	"CAP_CHECKPOINT_RESTORE",
}

// Capability bit numbers the attempts check; noCap marks an attempt that
// needs none.
const (
	noCap             = -1
	capChown          = 0
	capSetuid         = 7
	capNetRaw         = 13
	capSysRawio       = 17
	capSysPtrace      = 19
	capSysAdmin       = 21
	capMknod          = 27
	capPerfmon        = 38
	capBPF            = 39
	capabilityBitsMax = 64
)

// capName returns the name of capability bit n; bits this table does not
// know (a newer kernel) are "CAP_<n>".
func capName(n int) string {
	if n >= 0 && n < len(capNames) {
		return capNames[n]
	}
	return "CAP_" + strconv.Itoa(n)
}

// canonicalCapName spells a capability as the kernel headers do:
// "net_raw" and "CAP_NET_RAW" are both "CAP_NET_RAW".
func canonicalCapName(name string) string {
	name = strings.ToUpper(name)
	if !strings.HasPrefix(name, "CAP_") {
		name = "CAP_" + name
	}
	return name
}

// parseCapMask parses a capability mask as /proc/self/status prints it:
// 16 hex digits, no prefix.
func parseCapMask(hex string) (uint64, error) {
	mask, err := strconv.ParseUint(hex, 16, 64)
	if err != nil {
		return 0, fmt.Errorf("parse capability mask %q: %w", hex, err)
	}
	return mask, nil
}

// decodeCaps names the bits set in mask, lowest first.
func decodeCaps(mask uint64) []string {
	names := []string{}
	for bit := range capabilityBitsMax {
		if mask&(1<<bit) != 0 {
			names = append(names, capName(bit))
		}
	}
	return names
}

// capSetFromHex builds a CapSet from the raw text of a Cap* status line.
func capSetFromHex(hex string) (CapSet, uint64, error) {
	mask, err := parseCapMask(hex)
	if err != nil {
		return emptyCapSet(), 0, err
	}
	return CapSet{Hex: hex, Names: decodeCaps(mask)}, mask, nil
}

func emptyCapSet() CapSet { return CapSet{Hex: "", Names: []string{}} }
