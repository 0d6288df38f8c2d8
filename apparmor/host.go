package apparmor

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// ErrUnavailable is returned when the kernel does not enforce AppArmor. The
// Docker engine silently ignores apparmor=NAME there, so callers refuse or,
// under apparmor.mode if-available, say what was not applied.
var ErrUnavailable = errors.New("apparmor is not enabled in this kernel")

// ErrNotRoot is returned by [Install] when the process is not root: only root
// may load AppArmor policy.
var ErrNotRoot = errors.New("loading an apparmor profile requires root")

// Paths below the root given to ReadHost.
const (
	enabledFile  = "sys/module/apparmor/parameters/enabled"
	profilesFile = "sys/kernel/security/apparmor/profiles"
)

// Host is what this host says about AppArmor.
type Host struct {
	// KernelEnabled: /sys/module/apparmor/parameters/enabled is "Y".
	KernelEnabled bool
	// Loaded holds the names of loaded profiles, from
	// /sys/kernel/security/apparmor/profiles (lines like "name (enforce)").
	Loaded map[string]bool
	// Modes maps each loaded profile to its mode ("enforce", "complain",
	// "kill", "unconfined"): a profile loaded in complain mode confines
	// nothing.
	Modes map[string]string
	// Root: the process runs with effective uid 0, which loading policy needs.
	Root bool
}

// ReadHost reads the host's AppArmor state below root (normally "/"; tests
// pass a temporary directory). A missing or unreadable file means AppArmor is
// disabled or no profile is loaded: that is what it means to the engine too.
// Root is set from os.Geteuid.
func ReadHost(root string) Host {
	h := Host{
		KernelEnabled: readEnabled(filepath.Join(root, enabledFile)),
		Loaded:        map[string]bool{},
		Modes:         map[string]string{},
		Root:          os.Geteuid() == 0,
	}
	data, err := os.ReadFile(filepath.Join(root, profilesFile))
	if err != nil {
		return h
	}
	for line := range strings.Lines(string(data)) {
		if name, mode, ok := parseProfileLine(line); ok {
			h.Loaded[name] = true
			h.Modes[name] = mode
		}
	}
	return h
}

func readEnabled(path string) bool {
	data, err := os.ReadFile(path)
	return err == nil && strings.TrimSpace(string(data)) == "Y"
}

// parseProfileLine splits "NAME (MODE)". NAME may itself contain spaces and
// parentheses (profiles attached to paths), so the mode is the last
// parenthesised word.
func parseProfileLine(line string) (name, mode string, ok bool) {
	line = strings.TrimSpace(line)
	i := strings.LastIndex(line, " (")
	if i <= 0 || !strings.HasSuffix(line, ")") {
		return "", "", false
	}
	return line[:i], line[i+2 : len(line)-1], true
}

// Install is what `hardrun apparmor install` does: it loads text into the
// kernel with [Load], after refusing with [ErrUnavailable] when h says the
// kernel has no AppArmor and with [ErrNotRoot] when the process is not root.
// It does not write the profile under /etc/apparmor.d: the profile is loaded
// until the next reboot.
func Install(ctx context.Context, r Runner, h Host, text string) error {
	if !h.KernelEnabled {
		return fmt.Errorf("install apparmor profile%s: %w", quotedName(text), ErrUnavailable)
	}
	if !h.Root {
		return fmt.Errorf("install apparmor profile%s: %w", quotedName(text), ErrNotRoot)
	}
	return Load(ctx, r, text)
}
