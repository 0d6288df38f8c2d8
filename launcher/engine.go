package launcher

import (
	"context"
	"errors"
	"io"
	"net"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/image"
	"github.com/moby/moby/api/types/network"
	"github.com/moby/moby/api/types/system"
	"github.com/moby/moby/api/types/volume"

	"github.com/hardrun/hardrun/policy"
)

// Engine is the narrow view of the Docker Engine API that the launcher
// needs. The real implementation (engine_docker.go) is the only file that
// imports the Docker client; unit tests use a fake of function fields.
type Engine interface {
	// APIVersion negotiates the API version with the engine (one ping,
	// which the first call would make anyway) and returns it.
	APIVersion(ctx context.Context) (string, error)
	// Version reports the engine's version and the negotiated API version.
	Version(ctx context.Context) (EngineVersion, error)
	Info(ctx context.Context) (system.Info, error)

	ImageInspect(ctx context.Context, ref string) (image.InspectResponse, error)
	// ImagePull starts a pull; the stream carries docker's JSON progress messages.
	ImagePull(ctx context.Context, ref string, opts PullOptions) (io.ReadCloser, error)

	ContainerCreate(ctx context.Context, req *policy.Request) (id string, warnings []string, err error)
	ContainerAttach(ctx context.Context, id string, opts AttachOptions) (*Stream, error)
	ContainerStart(ctx context.Context, id string) error
	// ContainerWait waits for condition ("next-exit", "removed", "not-running").
	ContainerWait(ctx context.Context, id string, condition container.WaitCondition) (<-chan container.WaitResponse, <-chan error)
	ContainerKill(ctx context.Context, id, signal string) error
	ContainerRemove(ctx context.Context, id string, force bool) error
	ContainerInspect(ctx context.Context, id string) (container.InspectResponse, error)
	// ContainerList returns the IDs of the running containers, or of every
	// container when all is set (docker ps -q [-a]).
	ContainerList(ctx context.Context, all bool) ([]string, error)
	ContainerResize(ctx context.Context, id string, height, width uint) error
	// CopyFromContainer returns a tar stream of path in the container (the
	// archive endpoint; a created container need not have started) and
	// the path's stat, whose LinkTarget is a symlink's target in the
	// container's scope.
	CopyFromContainer(ctx context.Context, id, path string) (io.ReadCloser, container.PathStat, error)
	// StatPath stats path in the container without following a final
	// symlink (its LinkTarget is the target resolved in the container's
	// scope); an error wrapping ErrNoSuchObject when it does not exist.
	StatPath(ctx context.Context, id, path string) (container.PathStat, error)

	NetworkInspect(ctx context.Context, name string) (network.Inspect, error)
	NetworkCreate(ctx context.Context, name string, opts NetworkOptions) error
	VolumeInspect(ctx context.Context, name string) (volume.Volume, error)
	VolumeRemove(ctx context.Context, name string) error
	// VolumesPrune removes the unused volumes carrying label (key=value).
	VolumesPrune(ctx context.Context, label string) error

	Close() error
}

// EngineVersion is what `hardrun version` shows of the engine.
type EngineVersion struct {
	Version    string // the engine's own version, e.g. 20.10.24
	APIVersion string // the API version negotiated with it, e.g. 1.41
	MinAPI     string
	OS, Arch   string
}

// PullOptions are the parts of a pull the launcher decides.
type PullOptions struct {
	Platform     string // os/arch[/variant], "" for the engine's own
	RegistryAuth string // base64 JSON auth, "" for anonymous
}

// AttachOptions selects the streams of an attach.
type AttachOptions struct {
	Stdin, Stdout, Stderr bool
	DetachKeys            string
}

// Stream is a hijacked attach connection.
type Stream struct {
	Conn   net.Conn  // write stdin here; CloseWrite when stdin ends
	Reader io.Reader // multiplexed stdout/stderr (plain when the container has a TTY)
}

// Close closes the connection.
func (s *Stream) Close() error { return s.Conn.Close() }

// CloseWrite half-closes the connection, telling the engine stdin ended.
func (s *Stream) CloseWrite() error { return closeWrite(s.Conn) }

// closeWrite half-closes c where it can be half-closed.
func closeWrite(c net.Conn) error {
	if cw, ok := c.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return nil
}

// NetworkOptions are the parts of a network create the launcher decides.
type NetworkOptions struct {
	Driver  string
	Options map[string]string
	Labels  map[string]string
}

// ErrNoSuchObject is wrapped by Engine errors for a missing image,
// container, network or volume, so callers branch with errors.Is. It is the
// policy's sentinel: the host facts the launcher hands the judge use it too.
var ErrNoSuchObject = policy.ErrNoSuchObject

// ErrEngineUnreachable is wrapped when the engine does not answer.
var ErrEngineUnreachable = errors.New("cannot connect to the Docker daemon")
