package launcher

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/docker/go-connections/sockets"
	"github.com/docker/go-connections/tlsconfig"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/image"
	"github.com/moby/moby/api/types/network"
	"github.com/moby/moby/api/types/system"
	"github.com/moby/moby/api/types/volume"
	"github.com/moby/moby/client"
	"github.com/moby/moby/client/pkg/versions"

	"github.com/hardrun/hardrun/policy"
)

// Endpoint says how to reach an engine: what docker's global flags,
// environment and context resolve to.
type Endpoint struct {
	Host       string // unix:///var/run/docker.sock, tcp://h:2376, ...
	APIVersion string // pinned API version ("" negotiates)
	TLS        bool
	TLSVerify  bool
	CAFile     string
	CertFile   string
	KeyFile    string
}

// dockerEngine adapts the Docker Engine SDK to Engine.
type dockerEngine struct {
	c *client.Client
}

// Connect returns an Engine for ep. It does not contact the engine: the
// first call does, negotiating the API version (Docker 20.10 speaks 1.41).
func Connect(ep Endpoint) (Engine, error) {
	opts := []client.Opt{client.WithHost(ep.Host)}
	if ep.TLS || ep.TLSVerify {
		hc, err := tlsHTTPClient(ep)
		if err != nil {
			return nil, err
		}
		opts = []client.Opt{client.WithHTTPClient(hc), client.WithHost(ep.Host)}
	}
	if ep.APIVersion != "" {
		opts = append(opts, client.WithAPIVersion(ep.APIVersion))
	}
	c, err := client.New(opts...)
	if err != nil {
		return nil, fmt.Errorf("connect to engine %s: %w", ep.Host, err)
	}
	return &dockerEngine{c: c}, nil
}

func tlsHTTPClient(ep Endpoint) (*http.Client, error) {
	cfg, err := tlsconfig.Client(tlsconfig.Options{
		CAFile:             ep.CAFile,
		CertFile:           ep.CertFile,
		KeyFile:            ep.KeyFile,
		InsecureSkipVerify: !ep.TLSVerify,
	})
	if err != nil {
		return nil, fmt.Errorf("load TLS configuration: %w", err)
	}
	tr := &http.Transport{TLSClientConfig: cfg}
	proto, addr, ok := strings.Cut(ep.Host, "://")
	if !ok {
		return nil, fmt.Errorf("invalid host %q", ep.Host)
	}
	if err := sockets.ConfigureTransport(tr, proto, addr); err != nil {
		return nil, err
	}
	return &http.Client{Transport: tr}, nil
}

// unreachableError is docker's wording for an engine that does not answer.
type unreachableError struct {
	host  string
	cause error
}

func (e *unreachableError) Error() string {
	return fmt.Sprintf("Cannot connect to the Docker daemon at %s. Is the docker daemon running?", e.host)
}

func (e *unreachableError) Unwrap() []error { return []error{ErrEngineUnreachable, e.cause} }

// notFoundError keeps the engine's words and matches ErrNoSuchObject.
type notFoundError struct{ cause error }

func (e *notFoundError) Error() string   { return e.cause.Error() }
func (e *notFoundError) Unwrap() []error { return []error{ErrNoSuchObject, e.cause} }

// engineErr maps SDK errors onto the launcher's sentinels.
func (e *dockerEngine) engineErr(err error) error {
	switch {
	case err == nil:
		return nil
	case client.IsErrConnectionFailed(err):
		return &unreachableError{host: e.c.DaemonHost(), cause: err}
	case cerrdefs.IsNotFound(err):
		return &notFoundError{cause: err}
	}
	return err
}

func (e *dockerEngine) Close() error { return e.c.Close() }

func (e *dockerEngine) APIVersion(ctx context.Context) (string, error) {
	if _, err := e.c.Ping(ctx, client.PingOptions{NegotiateAPIVersion: true}); err != nil {
		return "", e.engineErr(err)
	}
	return e.c.ClientVersion(), nil
}

func (e *dockerEngine) Version(ctx context.Context) (EngineVersion, error) {
	v, err := e.c.ServerVersion(ctx, client.ServerVersionOptions{})
	if err != nil {
		return EngineVersion{}, e.engineErr(err)
	}
	return EngineVersion{
		Version:    v.Version,
		APIVersion: e.c.ClientVersion(),
		MinAPI:     v.MinAPIVersion,
		OS:         v.Os,
		Arch:       v.Arch,
	}, nil
}

func (e *dockerEngine) Info(ctx context.Context) (system.Info, error) {
	r, err := e.c.Info(ctx, client.InfoOptions{})
	return r.Info, e.engineErr(err)
}

func (e *dockerEngine) ImageInspect(ctx context.Context, ref string) (image.InspectResponse, error) {
	r, err := e.c.ImageInspect(ctx, ref)
	return r.InspectResponse, e.engineErr(err)
}

func (e *dockerEngine) ImagePull(ctx context.Context, ref string, opts PullOptions) (io.ReadCloser, error) {
	po := client.ImagePullOptions{RegistryAuth: opts.RegistryAuth}
	if opts.Platform != "" {
		p, err := parsePlatform(opts.Platform)
		if err != nil {
			return nil, err
		}
		po.Platforms = append(po.Platforms, p)
	}
	r, err := e.c.ImagePull(ctx, ref, po)
	if err != nil {
		return nil, e.engineErr(err)
	}
	return r, nil
}

func (e *dockerEngine) ContainerCreate(ctx context.Context, req *policy.Request) (string, []string, error) {
	r, err := e.c.ContainerCreate(ctx, client.ContainerCreateOptions{
		Config:           req.Config,
		HostConfig:       req.HostConfig,
		NetworkingConfig: req.NetworkingConfig,
		Platform:         req.Platform,
		Name:             req.Name,
	})
	return r.ID, r.Warnings, e.engineErr(err)
}

func (e *dockerEngine) ContainerAttach(ctx context.Context, id string, opts AttachOptions) (*Stream, error) {
	r, err := e.c.ContainerAttach(ctx, id, client.ContainerAttachOptions{
		Stream:     true,
		Stdin:      opts.Stdin,
		Stdout:     opts.Stdout,
		Stderr:     opts.Stderr,
		DetachKeys: opts.DetachKeys,
	})
	if err != nil {
		return nil, e.engineErr(err)
	}
	return &Stream{Conn: r.Conn, Reader: r.Reader}, nil
}

func (e *dockerEngine) ContainerStart(ctx context.Context, id string) error {
	_, err := e.c.ContainerStart(ctx, id, client.ContainerStartOptions{})
	return e.engineErr(err)
}

func (e *dockerEngine) ContainerWait(ctx context.Context, id string, cond container.WaitCondition) (<-chan container.WaitResponse, <-chan error) {
	r := e.c.ContainerWait(ctx, id, client.ContainerWaitOptions{Condition: cond})
	return r.Result, r.Error
}

func (e *dockerEngine) ContainerKill(ctx context.Context, id, signal string) error {
	_, err := e.c.ContainerKill(ctx, id, client.ContainerKillOptions{Signal: signal})
	return e.engineErr(err)
}

func (e *dockerEngine) ContainerRemove(ctx context.Context, id string, force bool) error {
	_, err := e.c.ContainerRemove(ctx, id, client.ContainerRemoveOptions{Force: force, RemoveVolumes: true})
	return e.engineErr(err)
}

func (e *dockerEngine) ContainerInspect(ctx context.Context, id string) (container.InspectResponse, error) {
	r, err := e.c.ContainerInspect(ctx, id, client.ContainerInspectOptions{})
	return r.Container, e.engineErr(err)
}

func (e *dockerEngine) ContainerList(ctx context.Context, all bool) ([]string, error) {
	r, err := e.c.ContainerList(ctx, client.ContainerListOptions{All: all})
	if err != nil {
		return nil, e.engineErr(err)
	}
	ids := make([]string, len(r.Items))
	for i, c := range r.Items {
		ids[i] = c.ID
	}
	return ids, nil
}

func (e *dockerEngine) ContainerResize(ctx context.Context, id string, height, width uint) error {
	_, err := e.c.ContainerResize(ctx, id, client.ContainerResizeOptions{Height: height, Width: width})
	return e.engineErr(err)
}

func (e *dockerEngine) CopyFromContainer(ctx context.Context, id, path string) (io.ReadCloser, container.PathStat, error) {
	r, err := e.c.CopyFromContainer(ctx, id, client.CopyFromContainerOptions{SourcePath: path})
	if err != nil {
		return nil, container.PathStat{}, e.engineErr(err)
	}
	return r.Content, r.Stat, nil
}

func (e *dockerEngine) StatPath(ctx context.Context, id, path string) (container.PathStat, error) {
	r, err := e.c.ContainerStatPath(ctx, id, client.ContainerStatPathOptions{Path: path})
	return r.Stat, e.engineErr(err)
}

func (e *dockerEngine) NetworkInspect(ctx context.Context, name string) (network.Inspect, error) {
	r, err := e.c.NetworkInspect(ctx, name, client.NetworkInspectOptions{})
	return r.Network, e.engineErr(err)
}

func (e *dockerEngine) NetworkCreate(ctx context.Context, name string, opts NetworkOptions) error {
	_, err := e.c.NetworkCreate(ctx, name, client.NetworkCreateOptions{
		Driver:  opts.Driver,
		Options: opts.Options,
		Labels:  opts.Labels,
	})
	return e.engineErr(err)
}

func (e *dockerEngine) VolumeInspect(ctx context.Context, name string) (volume.Volume, error) {
	r, err := e.c.VolumeInspect(ctx, name, client.VolumeInspectOptions{})
	return r.Volume, e.engineErr(err)
}

func (e *dockerEngine) VolumeRemove(ctx context.Context, name string) error {
	_, err := e.c.VolumeRemove(ctx, name, client.VolumeRemoveOptions{Force: true})
	return e.engineErr(err)
}

func (e *dockerEngine) VolumesPrune(ctx context.Context, label string) error {
	// Before API 1.42 a prune covers named volumes too; after it, only
	// with all=true, which older engines reject.
	all := !versions.LessThan(e.c.ClientVersion(), "1.42")
	_, err := e.c.VolumePrune(ctx, client.VolumePruneOptions{All: all, Filters: client.Filters{}.Add("label", label)})
	return e.engineErr(err)
}

// IsEngineUnreachable reports whether err means no engine answered.
func IsEngineUnreachable(err error) bool {
	return errors.Is(err, ErrEngineUnreachable) || client.IsErrConnectionFailed(err)
}
