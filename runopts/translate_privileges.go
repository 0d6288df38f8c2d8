package runopts

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"path"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/moby/moby/api/types/container"

	"github.com/hardrun/hardrun/policy"
)

// This file translates privileges: --privileged, capabilities,
// --security-opt, the namespaces (--pid, --uts, --userns, --cgroupns,
// --ipc), devices (--device, --gpus, CDI names), --sysctl, --runtime,
// --isolation and --annotation.

// privileges sets the privilege fields of HostConfig. Capabilities are
// normalised last, as docker's API client does.
func (b *requestBuilder) privileges() error {
	o := b.o
	b.hc.Privileged = o.Privileged
	b.hc.CapAdd = slices.Clone(o.CapAdd)
	b.hc.CapDrop = slices.Clone(o.CapDrop)
	b.hc.Sysctls = emptyMapIfNil(o.Sysctls)
	b.hc.Runtime = o.Runtime
	b.hc.Isolation = container.Isolation(o.Isolation)
	b.hc.Annotations = emptyMapIfNil(o.Annotations)
	return nil
}

func emptyMapIfNil(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return maps.Clone(m)
}

// namespaces validates and sets the namespace modes. --ipc is left to
// the daemon, as docker leaves it.
func (b *requestBuilder) namespaces() error {
	o := b.o
	switch {
	case !container.PidMode(o.Pid).Valid():
		return errors.New("--pid: invalid PID mode")
	case !container.UTSMode(o.UTS).Valid():
		return errors.New("--uts: invalid UTS mode")
	case !container.UsernsMode(o.Userns).Valid():
		return errors.New("--userns: invalid USER mode")
	case !container.CgroupnsMode(o.Cgroupns).Valid():
		return errors.New("--cgroupns: invalid CGROUP mode")
	}
	b.hc.PidMode = container.PidMode(o.Pid)
	b.hc.UTSMode = container.UTSMode(o.UTS)
	b.hc.UsernsMode = container.UsernsMode(o.Userns)
	b.hc.CgroupnsMode = container.CgroupnsMode(o.Cgroupns)
	b.hc.IpcMode = container.IpcMode(o.IPC)
	return nil
}

// Special seccomp profile names that are not files.
const (
	seccompBuiltin    = "builtin"
	seccompUnconfined = "unconfined"
)

// securityOpts sets SecurityOpt. Like docker, it replaces seccomp=FILE
// with the file's compacted JSON, and turns systempaths=unconfined into
// empty MaskedPaths and ReadonlyPaths (that option is never sent).
func (b *requestBuilder) securityOpts() error {
	if b.o.SecurityOpt == nil {
		return nil
	}
	opts := make([]string, 0, len(b.o.SecurityOpt))
	for _, opt := range b.o.SecurityOpt {
		resolved, err := b.securityOpt(opt)
		if err != nil {
			return err
		}
		if resolved == "systempaths=unconfined" {
			b.hc.MaskedPaths = []string{}
			b.hc.ReadonlyPaths = []string{}
			continue
		}
		opts = append(opts, resolved)
	}
	b.hc.SecurityOpt = opts
	return nil
}

// securityOpt checks one KEY=VALUE (or legacy KEY:VALUE) option and
// reads a seccomp profile file.
func (b *requestBuilder) securityOpt(opt string) (string, error) {
	o := policy.ParseSecurityOpt(opt)
	k, v := o.Key, o.Value
	// docker's CLI wants KEY=VALUE (or KEY:VALUE); only no-new-privileges
	// may stand alone or have an empty value.
	if (o.Sep == "" || v == "") && k != "no-new-privileges" {
		return "", fmt.Errorf("Invalid --security-opt: %q", opt) //nolint:staticcheck // docker's wording
	}
	if k != "seccomp" || v == seccompBuiltin || v == seccompUnconfined {
		return opt, nil
	}
	profile, err := b.env.readFile(v)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = fmt.Errorf("%s %s: %w", pe.Op, v, pe.Err)
		}
		return "", fmt.Errorf("opening seccomp profile (%s) failed: %w", v, err)
	}
	var compact bytes.Buffer
	if err := json.Compact(&compact, profile); err != nil {
		return "", fmt.Errorf("compacting json for seccomp profile (%s) failed: %w", v, err)
	}
	return "seccomp=" + compact.String(), nil
}

// devices translates --device values: host paths to DeviceMappings, CDI
// names (vendor.com/class=name) to a "cdi" device request next to --gpus.
func (b *requestBuilder) devices() error {
	mappings := make([]container.DeviceMapping, 0, len(b.o.Devices))
	var cdi []string
	for _, d := range b.o.Devices {
		isCDI, err := isCDIName(d)
		if err != nil {
			return err
		}
		if isCDI {
			cdi = append(cdi, d)
			continue
		}
		m, err := parseDeviceMapping(d)
		if err != nil {
			return err
		}
		mappings = append(mappings, m)
	}
	b.hc.Devices = mappings
	b.hc.DeviceRequests = cloneDeviceRequests(b.o.GPUs)
	if len(cdi) > 0 {
		b.hc.DeviceRequests = append(b.hc.DeviceRequests, container.DeviceRequest{Driver: "cdi", DeviceIDs: cdi})
	}
	b.hc.DeviceCgroupRules = slices.Clone(b.o.DeviceCgroupRules)
	return nil
}

// parseDeviceMapping reads HOST[:CONTAINER][:PERMISSIONS] with docker's
// validation; permissions default to rwm and the container path to the
// host path.
func parseDeviceMapping(spec string) (container.DeviceMapping, error) {
	spec, err := validateDevicePath(spec)
	if err != nil {
		return container.DeviceMapping{}, err
	}
	m := container.DeviceMapping{CgroupPermissions: "rwm"}
	parts := strings.SplitN(spec, ":", 3)
	m.PathOnHost = parts[0]
	if len(parts) == 3 {
		m.CgroupPermissions = parts[2]
	}
	if len(parts) >= 2 {
		if deviceModeValid(parts[1]) {
			m.CgroupPermissions = parts[1]
		} else {
			m.PathInContainer = parts[1]
		}
	}
	if m.PathInContainer == "" {
		m.PathInContainer = m.PathOnHost
	}
	return m, nil
}

// validateDevicePath checks a --device value and cleans its container
// path, as docker does before it splits it.
func validateDevicePath(val string) (string, error) {
	if strings.Count(val, ":") > 2 {
		return val, fmt.Errorf("bad format for path: %s", val)
	}
	split := strings.SplitN(val, ":", 3)
	if split[0] == "" {
		return val, fmt.Errorf("bad format for path: %s", val)
	}
	var containerPath string
	switch len(split) {
	case 1:
		containerPath = split[0]
		val = path.Clean(containerPath)
	case 2:
		if deviceModeValid(split[1]) {
			containerPath = split[0]
			val = path.Clean(containerPath) + ":" + split[1]
		} else {
			containerPath = split[1]
			val = split[0] + ":" + path.Clean(containerPath)
		}
	case 3:
		containerPath = split[1]
		if !deviceModeValid(split[2]) {
			return val, fmt.Errorf("bad mode specified: %s", split[2])
		}
	}
	if !path.IsAbs(containerPath) {
		return val, fmt.Errorf("%s is not an absolute path", containerPath)
	}
	return val, nil
}

// deviceModeValid: a non-empty combination of r, w and m, each once.
func deviceModeValid(mode string) bool {
	if mode == "" {
		return false
	}
	seen := map[rune]bool{}
	for _, c := range mode {
		if (c != 'r' && c != 'w' && c != 'm') || seen[c] {
			return false
		}
		seen[c] = true
	}
	return true
}

// CDI names: VENDOR/CLASS=NAME, per the Container Device Interface spec.
var (
	cdiVendorClassRe = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^[A-Za-z]([A-Za-z0-9_.-]*[A-Za-z0-9])?$`)
	})
	cdiDeviceNameRe = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9_.:-]*[A-Za-z0-9])?$`)
	})
)

// isCDIName reports whether a --device value is a qualified CDI device
// name rather than a path.
func isCDIName(device string) (bool, error) {
	if device == "" || device[0] == '/' {
		return false, nil
	}
	kind, name, ok := strings.Cut(device, "=")
	if !ok || kind == "" || name == "" {
		return false, nil
	}
	vendor, class, ok := strings.Cut(kind, "/")
	if !ok || vendor == "" || class == "" {
		return false, nil
	}
	if len(vendor) == 1 || len(class) == 1 {
		// docker 28's CDI parser crashes on these; refuse them instead.
		return false, fmt.Errorf("invalid device %q: a CDI vendor and class need at least two characters", device)
	}
	return cdiVendorClassRe().MatchString(vendor) && cdiVendorClassRe().MatchString(class) &&
		cdiDeviceNameRe().MatchString(name), nil
}
