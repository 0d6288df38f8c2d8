package policy

import (
	"encoding/csv"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/moby/moby/api/types/mount"
)

// MountSpec is one --mount value: the Engine API mount, and what the API
// type cannot carry.
type MountSpec struct {
	mount.Mount
	// ExplicitRW: the value said readonly=false (or ro=false). The API's
	// ReadOnly cannot tell that from a value naming no mode, which gets
	// volumes.default_mode; the caller passes it on in Request.RWMounts.
	ExplicitRW bool
}

// ParseMount reads a --mount value, type=T,source=S,target=D,... (CSV,
// case-insensitive keys), with docker 28's rules (docker/cli v28 opts
// MountOpt; bind-nonrecursive still accepted: the newer docker/cli in
// go.mod rejects some of what docker 28 accepts). A relative source stays
// relative: the flag translation resolves it.
func ParseMount(spec string) (MountSpec, error) {
	fields, err := csv.NewReader(strings.NewReader(spec)).Read()
	if err != nil {
		return MountSpec{}, err
	}
	m := MountSpec{Mount: mount.Mount{Type: mount.TypeVolume}}
	for _, field := range fields {
		if err := m.setField(field); err != nil {
			return MountSpec{}, err
		}
	}
	if err := checkMount(m.Mount); err != nil {
		return MountSpec{}, err
	}
	return m, nil
}

// setField applies one field; an explicit readonly=false is remembered
// (the last readonly field wins, as in docker).
func (m *MountSpec) setField(field string) error {
	if err := setMountField(&m.Mount, field); err != nil {
		return err
	}
	key, _, _ := strings.Cut(field, "=")
	if k := strings.ToLower(key); k == "readonly" || k == "ro" {
		m.ExplicitRW = !m.ReadOnly
	}
	return nil
}

// setMountField applies one KEY[=VALUE] field; keys are case-insensitive.
func setMountField(m *mount.Mount, field string) error {
	key, val, hasValue := strings.Cut(field, "=")
	key = strings.ToLower(key)
	if !hasValue {
		switch key {
		case "readonly", "ro":
			m.ReadOnly = true
		case "volume-nocopy":
			mountVolumeOptions(m).NoCopy = true
		case "bind-nonrecursive":
			mountBindOptions(m).NonRecursive = true
		default:
			return fmt.Errorf("invalid field '%s' must be a key=value pair", field)
		}
		return nil
	}
	if set, ok := mountCommonFields[key]; ok {
		return set(m, key, val)
	}
	if set, ok := mountTypeFields[key]; ok {
		return set(m, key, val)
	}
	return fmt.Errorf("unexpected key '%s' in '%s'", key, field)
}

type mountFieldSetter func(m *mount.Mount, key, val string) error

var mountCommonFields = map[string]mountFieldSetter{
	"type":        func(m *mount.Mount, _, v string) error { m.Type = mount.Type(strings.ToLower(v)); return nil },
	"source":      setMountSource,
	"src":         setMountSource,
	"target":      setMountTarget,
	"dst":         setMountTarget,
	"destination": setMountTarget,
	"readonly":    setMountReadOnly,
	"ro":          setMountReadOnly,
	"consistency": func(m *mount.Mount, _, v string) error {
		m.Consistency = mount.Consistency(strings.ToLower(v))
		return nil
	},
}

func setMountSource(m *mount.Mount, _, v string) error { m.Source = v; return nil }
func setMountTarget(m *mount.Mount, _, v string) error { m.Target = v; return nil }

func setMountReadOnly(m *mount.Mount, key, v string) error {
	ro, err := strconv.ParseBool(v)
	if err != nil {
		return fmt.Errorf("invalid value for %s: %s", key, v)
	}
	m.ReadOnly = ro
	return nil
}

var mountTypeFields = map[string]mountFieldSetter{
	"bind-propagation": func(m *mount.Mount, _, v string) error {
		mountBindOptions(m).Propagation = mount.Propagation(strings.ToLower(v))
		return nil
	},
	"bind-nonrecursive": func(m *mount.Mount, key, v string) error {
		nr, err := strconv.ParseBool(v)
		if err != nil {
			return fmt.Errorf("invalid value for %s: %s", key, v)
		}
		mountBindOptions(m).NonRecursive = nr
		return nil
	},
	"bind-recursive": setMountBindRecursive,
	"volume-subpath": func(m *mount.Mount, _, v string) error { mountVolumeOptions(m).Subpath = v; return nil },
	"volume-nocopy": func(m *mount.Mount, _, v string) error {
		nc, err := strconv.ParseBool(v)
		if err != nil {
			return fmt.Errorf("invalid value for volume-nocopy: %s", v)
		}
		mountVolumeOptions(m).NoCopy = nc
		return nil
	},
	"volume-label": func(m *mount.Mount, _, v string) error {
		setKeyValue(mountVolumeOptions(m).Labels, v)
		return nil
	},
	"volume-driver": func(m *mount.Mount, _, v string) error {
		mountVolumeOptions(m).DriverConfig.Name = v
		return nil
	},
	"volume-opt": func(m *mount.Mount, _, v string) error {
		d := mountVolumeOptions(m).DriverConfig
		if d.Options == nil {
			d.Options = map[string]string{}
		}
		setKeyValue(d.Options, v)
		return nil
	},
	"image-subpath": func(m *mount.Mount, _, v string) error {
		if m.ImageOptions == nil {
			m.ImageOptions = &mount.ImageOptions{}
		}
		m.ImageOptions.Subpath = v
		return nil
	},
	"tmpfs-size": setMountTmpfsSize,
	"tmpfs-mode": setMountTmpfsMode,
}

func setMountBindRecursive(m *mount.Mount, key, v string) error {
	switch v {
	case "enabled":
	case "disabled":
		mountBindOptions(m).NonRecursive = true
	case "writable":
		mountBindOptions(m).ReadOnlyNonRecursive = true
	case "readonly":
		mountBindOptions(m).ReadOnlyForceRecursive = true
	default:
		return fmt.Errorf(`invalid value for %s: %s (must be "enabled", "disabled", "writable", or "readonly")`, key, v)
	}
	return nil
}

func setMountTmpfsSize(m *mount.Mount, key, v string) error {
	size, err := ParseSize(v)
	if err != nil {
		return fmt.Errorf("invalid value for %s: %s", key, v)
	}
	mountTmpfsOptions(m).SizeBytes = size
	return nil
}

func setMountTmpfsMode(m *mount.Mount, key, v string) error {
	mode, err := strconv.ParseUint(v, 8, 32)
	if err != nil {
		return fmt.Errorf("invalid value for %s: %s", key, v)
	}
	mountTmpfsOptions(m).Mode = os.FileMode(mode)
	return nil
}

func setKeyValue(target map[string]string, kv string) {
	if k, v, _ := strings.Cut(kv, "="); k != "" {
		target[k] = v
	}
}

func mountVolumeOptions(m *mount.Mount) *mount.VolumeOptions {
	if m.VolumeOptions == nil {
		m.VolumeOptions = &mount.VolumeOptions{Labels: map[string]string{}}
	}
	if m.VolumeOptions.DriverConfig == nil {
		m.VolumeOptions.DriverConfig = &mount.Driver{}
	}
	return m.VolumeOptions
}

func mountBindOptions(m *mount.Mount) *mount.BindOptions {
	if m.BindOptions == nil {
		m.BindOptions = &mount.BindOptions{}
	}
	return m.BindOptions
}

func mountTmpfsOptions(m *mount.Mount) *mount.TmpfsOptions {
	if m.TmpfsOptions == nil {
		m.TmpfsOptions = &mount.TmpfsOptions{}
	}
	return m.TmpfsOptions
}

// checkMount applies docker's consistency rules to a parsed --mount.
func checkMount(m mount.Mount) error {
	switch {
	case m.Type == "":
		return errors.New("type is required")
	case m.Target == "":
		return errors.New("target is required")
	case m.VolumeOptions != nil && m.Type != mount.TypeVolume:
		return fmt.Errorf("cannot mix 'volume-*' options with mount type '%s'", m.Type)
	case m.ImageOptions != nil && m.Type != mount.TypeImage:
		return fmt.Errorf("cannot mix 'image-*' options with mount type '%s'", m.Type)
	case m.BindOptions != nil && m.Type != mount.TypeBind:
		return fmt.Errorf("cannot mix 'bind-*' options with mount type '%s'", m.Type)
	case m.TmpfsOptions != nil && m.Type != mount.TypeTmpfs:
		return fmt.Errorf("cannot mix 'tmpfs-*' options with mount type '%s'", m.Type)
	}
	return checkBindRecursive(m)
}

func checkBindRecursive(m mount.Mount) error {
	if m.BindOptions == nil {
		return nil
	}
	if m.BindOptions.ReadOnlyNonRecursive && !m.ReadOnly {
		return errors.New("option 'bind-recursive=writable' requires 'readonly' to be specified in conjunction")
	}
	if m.BindOptions.ReadOnlyForceRecursive {
		if !m.ReadOnly {
			return errors.New("option 'bind-recursive=readonly' requires 'readonly' to be specified in conjunction")
		}
		if m.BindOptions.Propagation != mount.PropagationRPrivate {
			return errors.New("option 'bind-recursive=readonly' requires 'bind-propagation=rprivate' to be specified in conjunction")
		}
	}
	return nil
}
