package launcher

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	dockerspec "github.com/moby/docker-image-spec/specs-go/v1"

	"github.com/hardrun/hardrun/apparmor"
	"github.com/hardrun/hardrun/policy"
	"github.com/hardrun/hardrun/profiles"
)

// HostOptions say where the host facts come from.
type HostOptions struct {
	Cwd string
	// EngineLocal: the engine runs on this host (a unix socket), so the
	// kernel hardrun reads is the one that runs the container.
	EngineLocal bool
	// Root is the host's root for the AppArmor files ("/" but in tests).
	Root string
	// EngineSocket is the unix socket hardrun talks to the engine through,
	// when it does: no bind may reach it under any name.
	EngineSocket string
}

// NewHostFacts binds the policy's look-ups to the engine and the host. It
// asks the engine's info only when AppArmor matters and the local kernel
// does not already settle it, to keep round trips off the launch path.
func NewHostFacts(ctx context.Context, e Engine, p *profiles.Profile, o HostOptions) (policy.HostFacts, error) {
	h := policy.HostFacts{
		Cwd:         o.Cwd,
		ResolvePath: resolver(o.Cwd),
		Volume:      volumeFacts(ctx, e),
		Container: func(name string) (policy.ContainerFacts, error) {
			c, err := e.ContainerInspect(ctx, name)
			if err != nil {
				return policy.ContainerFacts{}, err
			}
			f := policy.ContainerFacts{Mounts: c.Mounts, HostConfig: c.HostConfig}
			if c.HostConfig != nil {
				f.Privileged = c.HostConfig.Privileged
			}
			return f, nil
		},
		Version: policy.Version,
	}
	if o.EngineLocal {
		// A remote engine's bind sources are on its host, not this one:
		// with no look-up the judge refuses host binds (fail closed).
		objects := newHostObjects(policy.ProtectedPaths(p, protectedExtra(o)...))
		h.Object, h.Protected = objects.Object, objects.Protected
	}
	if !p.Enforce || p.AppArmor.Mode == "off" {
		return h, nil
	}
	aa, err := appArmorFacts(ctx, e, o)
	if err != nil {
		return h, err
	}
	h.AppArmor = aa
	return h, nil
}

// appArmorFacts reads the local kernel's AppArmor state and, unless the
// local kernel lacks AppArmor, whether the engine lists it.
func appArmorFacts(ctx context.Context, e Engine, o HostOptions) (policy.AppArmorFacts, error) {
	f := policy.AppArmorFacts{EngineLocal: o.EngineLocal}
	if o.EngineLocal {
		root := o.Root
		if root == "" {
			root = "/"
		}
		host := apparmor.ReadHost(root)
		f.KernelEnabled, f.Loaded, f.Modes = host.KernelEnabled, host.Loaded, host.Modes
		if !f.KernelEnabled {
			return f, nil
		}
	}
	info, err := e.Info(ctx)
	if err != nil {
		return f, fmt.Errorf("read engine security options: %w", err)
	}
	f.EngineListed = slices.ContainsFunc(info.SecurityOptions, func(s string) bool {
		return s == "apparmor" || strings.HasPrefix(s, "name=apparmor")
	})
	return f, nil
}

// resolver makes a bind source absolute (against cwd) and resolves its
// symlinks and "..": what the engine would really mount.
func resolver(cwd string) func(string) (string, error) {
	return func(path string) (string, error) {
		if !filepath.IsAbs(path) {
			path = filepath.Join(cwd, path)
		}
		return filepath.EvalSymlinks(path)
	}
}

// FactsOf extracts what the policy needs from an image's config.
func FactsOf(cfg *dockerspec.DockerOCIImageConfig) policy.ImageFacts {
	if cfg == nil {
		return policy.ImageFacts{}
	}
	f := policy.ImageFacts{
		User:       cfg.User,
		WorkingDir: cfg.WorkingDir,
		Entrypoint: cfg.Entrypoint,
		Cmd:        cfg.Cmd,
	}
	for v := range cfg.Volumes {
		f.Volumes = append(f.Volumes, v)
	}
	slices.Sort(f.Volumes)
	for p := range cfg.ExposedPorts {
		f.ExposedPorts = append(f.ExposedPorts, p)
	}
	slices.Sort(f.ExposedPorts)
	return f
}

func protectedExtra(o HostOptions) []string {
	if o.EngineSocket == "" {
		return nil
	}
	if r, err := filepath.EvalSymlinks(o.EngineSocket); err == nil && r != o.EngineSocket {
		return []string{o.EngineSocket, r}
	}
	return []string{o.EngineSocket}
}
