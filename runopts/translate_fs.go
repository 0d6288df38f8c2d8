package runopts

import (
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/moby/moby/api/types/mount"
)

// This file translates the container's filesystem: -v, --mount, --tmpfs,
// --volumes-from, --read-only, --shm-size, --storage-opt and the API
// socket of --use-api-socket.

// volumes splits the -v values as docker does: a value with a source (a
// host path or a volume name) is a bind, sent in HostConfig.Binds; a
// value without one is an anonymous volume, sent as a key of
// Config.Volumes. A relative host path starting with "." is made
// absolute. Repeated values count once.
func (b *requestBuilder) volumes() error {
	anonymous := make(map[string]struct{}, len(b.o.Volumes))
	var binds []string
	seen := make(map[string]bool, len(b.o.Volumes))
	for _, spec := range b.o.Volumes {
		if seen[spec] {
			continue
		}
		seen[spec] = true
		v, err := parseVolumeSpec(spec)
		if err != nil {
			return err
		}
		if v.source == "" {
			anonymous[spec] = struct{}{}
			continue
		}
		binds = append(binds, b.resolveBindSource(spec, v))
	}
	b.cfg.Volumes = anonymous
	b.hc.Binds = binds
	return nil
}

// resolveBindSource resolves a relative host path of a bind ("./data:/d").
func (b *requestBuilder) resolveBindSource(spec string, v volumeSpec) string {
	if !v.bind {
		return spec
	}
	host, rest, ok := strings.Cut(spec, ":")
	if !ok || filepath.IsAbs(host) || !strings.HasPrefix(host, ".") || b.env.Cwd == "" {
		return spec
	}
	return filepath.Join(b.env.Cwd, host) + ":" + rest
}

// volumeSpec is what docker reads of a -v value to classify it.
type volumeSpec struct {
	source, target string
	bind           bool // source is a host path, not a volume name
}

// parseVolumeSpec reads SOURCE:TARGET[:OPTIONS] or TARGET the way docker's
// CLI does (the Compose volume syntax, Windows drive letters included),
// only to tell binds from volumes; the daemon parses the value again.
func parseVolumeSpec(spec string) (volumeSpec, error) {
	var v volumeSpec
	switch len(spec) {
	case 0:
		return v, errors.New("invalid empty volume spec")
	case 1, 2:
		v.target = spec
		return v, nil
	}
	var buf []rune
	for _, r := range spec + "\x00" {
		switch {
		case r == ':' && len(buf) == 1 && unicode.IsLetter(buf[0]):
			buf = append(buf, r) // a Windows drive letter, C:
		case r == ':' || r == 0:
			if err := v.take(string(buf), r == 0); err != nil {
				return v, fmt.Errorf("invalid spec: %s: %w", spec, err)
			}
			buf = buf[:0]
		default:
			buf = append(buf, r)
		}
	}
	v.bind = v.source != "" && volumeSourceIsHostPath(v.source)
	return v, nil
}

// take stores one colon-separated section of a -v value.
func (v *volumeSpec) take(section string, last bool) error {
	switch {
	case section == "":
		return errors.New("empty section between colons")
	case v.source == "" && last:
		v.target = section
	case v.source == "":
		v.source = section
	case v.target == "":
		v.target = section
	case !last:
		return errors.New("too many colons")
	}
	return nil
}

// volumeSourceIsHostPath tells a bind source from a volume name, as docker does.
func volumeSourceIsHostPath(source string) bool {
	switch source[0] {
	case '.', '/', '~':
		return true
	}
	if utf8.RuneCountInString(source) == 1 {
		return false
	}
	if strings.HasPrefix(source, `\\`) {
		return true
	}
	first, size := utf8.DecodeRuneInString(source)
	return unicode.IsLetter(first) && source[size] == ':'
}

// tmpfs sets HostConfig.Tmpfs: PATH[:OPTIONS], options left to the daemon.
func (b *requestBuilder) tmpfs() error {
	m := make(map[string]string, len(b.o.Tmpfs))
	for _, t := range b.o.Tmpfs {
		path, options, _ := strings.Cut(t, ":")
		m[path] = options
	}
	b.hc.Tmpfs = m
	return nil
}

// hostFilesystem sets the filesystem fields of HostConfig that need no
// parsing here.
func (b *requestBuilder) hostFilesystem() error {
	o := b.o
	b.hc.Mounts = b.mounts()
	b.hc.VolumesFrom = slices.Clone(o.VolumesFrom)
	b.hc.VolumeDriver = o.VolumeDriver
	b.hc.ReadonlyRootfs = o.ReadOnly
	b.hc.ShmSize = o.ShmSize
	return nil
}

// mounts copies the --mount values, making a relative source starting
// with "." absolute as docker does.
func (b *requestBuilder) mounts() []mount.Mount {
	if b.o.Mounts == nil {
		return nil
	}
	out := make([]mount.Mount, len(b.o.Mounts))
	for i, m := range b.o.Mounts {
		m = cloneMount(m)
		if !filepath.IsAbs(m.Source) && strings.HasPrefix(m.Source, ".") && b.env.Cwd != "" {
			m.Source = filepath.Join(b.env.Cwd, m.Source)
		}
		out[i] = m
	}
	return out
}

// storageOpts sets HostConfig.StorageOpt from KEY=VALUE values.
func (b *requestBuilder) storageOpts() error {
	m := make(map[string]string, len(b.o.StorageOpt))
	for _, opt := range b.o.StorageOpt {
		k, v, ok := strings.Cut(opt, "=")
		if !ok {
			return errors.New("invalid storage option")
		}
		m[k] = v
	}
	b.hc.StorageOpt = m
	return nil
}

// Where --use-api-socket puts the socket and the credentials.
const (
	apiSocketInContainer    = "/var/run/docker.sock"
	apiSocketConfigDir      = "/run/secrets/docker"
	defaultDockerHostSocket = "unix:///var/run/docker.sock"
)

// apiSocket applies --use-api-socket: the daemon's socket bind-mounted at
// /var/run/docker.sock, and DOCKER_CONFIG pointing at the credentials the
// caller copies in after create (unless -e set DOCKER_CONFIG).
func (b *requestBuilder) apiSocket() error {
	if !b.o.UseAPISocket {
		return nil
	}
	host := b.dockerHost()
	socket, ok := strings.CutPrefix(host, "unix://")
	if !ok {
		return fmt.Errorf("flag --use-api-socket can only be used with unix sockets: docker endpoint %s incompatible", host)
	}
	b.hc.Mounts = append(b.hc.Mounts, mount.Mount{
		Type:        mount.TypeBind,
		Source:      socket,
		Target:      apiSocketInContainer,
		BindOptions: &mount.BindOptions{},
	})
	if b.env.APISocketCredentials && !envHasKey(b.cfg.Env, "DOCKER_CONFIG") {
		b.cfg.Env = append(b.cfg.Env, "DOCKER_CONFIG="+apiSocketConfigDir)
	}
	return nil
}

func (b *requestBuilder) dockerHost() string {
	if b.env.Host != "" {
		return b.env.Host
	}
	if h, ok := b.env.lookupEnv("DOCKER_HOST"); ok && h != "" {
		return h
	}
	return defaultDockerHostSocket
}

func envHasKey(env []string, key string) bool {
	for _, e := range env {
		if strings.HasPrefix(e, key+"=") {
			return true
		}
	}
	return false
}
