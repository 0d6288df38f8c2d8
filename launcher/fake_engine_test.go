package launcher

import (
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"sync"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/image"
	"github.com/moby/moby/api/types/network"
	"github.com/moby/moby/api/types/system"
	"github.com/moby/moby/api/types/volume"

	"github.com/hardrun/hardrun/policy"
)

// fakeEngine is a hand-written Engine for unit tests: each method calls its
// function field when set, and every call is recorded by name.
type fakeEngine struct {
	mu    sync.Mutex
	calls []string

	imageInspectFn func(ref string) (image.InspectResponse, error)
	imagePullFn    func(ctx context.Context, ref string) (io.ReadCloser, error)
	createFn       func(req *policy.Request) (string, []string, error)
	attachFn       func(id string) (*Stream, error)
	startFn        func(id string) error
	waitFn         func(id string, cond container.WaitCondition) (<-chan container.WaitResponse, <-chan error)
	killFn         func(id, sig string) error
	removeFn       func(id string) error
	inspectFn      func(id string) (container.InspectResponse, error)
	networkFn      func(name string) (network.Inspect, error)
	netCreateFn    func(name string, o NetworkOptions) error
	copyFn         func(id, path string) (io.ReadCloser, container.PathStat, error)
	statFn         func(id, path string) (container.PathStat, error)
}

// StatPath: every path exists as a plain directory unless statFn says more.
func (f *fakeEngine) StatPath(_ context.Context, id, path string) (container.PathStat, error) {
	f.record("stat:%s", path)
	if f.statFn != nil {
		return f.statFn(id, path)
	}
	return container.PathStat{Name: path, Mode: os.ModeDir | 0o755}, nil
}

func (f *fakeEngine) record(format string, args ...any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, fmt.Sprintf(format, args...))
}

func (f *fakeEngine) called() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return strings.Join(f.calls, " ")
}

func (f *fakeEngine) APIVersion(context.Context) (string, error) {
	f.record("ping")
	return "1.41", nil
}

func (f *fakeEngine) Version(context.Context) (EngineVersion, error) {
	f.record("version")
	return EngineVersion{Version: "20.10.24", APIVersion: "1.41"}, nil
}

func (f *fakeEngine) Info(context.Context) (system.Info, error) {
	f.record("info")
	return system.Info{}, nil
}

func (f *fakeEngine) ImageInspect(_ context.Context, ref string) (image.InspectResponse, error) {
	f.record("image-inspect:%s", ref)
	if f.imageInspectFn != nil {
		return f.imageInspectFn(ref)
	}
	return image.InspectResponse{ID: "sha256:img"}, nil
}

func (f *fakeEngine) ImagePull(ctx context.Context, ref string, _ PullOptions) (io.ReadCloser, error) {
	f.record("pull:%s", ref)
	if f.imagePullFn != nil {
		return f.imagePullFn(ctx, ref)
	}
	return io.NopCloser(strings.NewReader(`{"status":"Pulled"}` + "\n")), nil
}

func (f *fakeEngine) ContainerCreate(_ context.Context, req *policy.Request) (string, []string, error) {
	f.record("create")
	if f.createFn != nil {
		return f.createFn(req)
	}
	return "c0ffee", nil, nil
}

func (f *fakeEngine) ContainerAttach(_ context.Context, id string, _ AttachOptions) (*Stream, error) {
	f.record("attach")
	if f.attachFn != nil {
		return f.attachFn(id)
	}
	client, server := net.Pipe()
	server.Close()
	return &Stream{Conn: client, Reader: client}, nil
}

func (f *fakeEngine) ContainerStart(_ context.Context, id string) error {
	f.record("start")
	if f.startFn != nil {
		return f.startFn(id)
	}
	return nil
}

func (f *fakeEngine) ContainerWait(_ context.Context, id string, cond container.WaitCondition) (<-chan container.WaitResponse, <-chan error) {
	f.record("wait:%s", cond)
	if f.waitFn != nil {
		return f.waitFn(id, cond)
	}
	res := make(chan container.WaitResponse, 1)
	res <- container.WaitResponse{StatusCode: 0}
	return res, make(chan error)
}

func (f *fakeEngine) ContainerKill(_ context.Context, id, sig string) error {
	f.record("kill:%s", sig)
	if f.killFn != nil {
		return f.killFn(id, sig)
	}
	return nil
}

func (f *fakeEngine) ContainerRemove(_ context.Context, id string, _ bool) error {
	f.record("remove")
	if f.removeFn != nil {
		return f.removeFn(id)
	}
	return nil
}

func (f *fakeEngine) ContainerInspect(_ context.Context, id string) (container.InspectResponse, error) {
	f.record("inspect")
	if f.inspectFn != nil {
		return f.inspectFn(id)
	}
	return container.InspectResponse{}, nil
}

func (f *fakeEngine) ContainerList(context.Context, bool) ([]string, error) {
	f.record("list")
	return nil, nil
}

// CopyFromContainer: an image without the file, unless copyFn says more.
func (f *fakeEngine) CopyFromContainer(_ context.Context, id, path string) (io.ReadCloser, container.PathStat, error) {
	f.record("copy:%s", path)
	if f.copyFn != nil {
		return f.copyFn(id, path)
	}
	return nil, container.PathStat{}, fmt.Errorf("no such file %s: %w", path, ErrNoSuchObject)
}

func (f *fakeEngine) ContainerResize(context.Context, string, uint, uint) error {
	f.record("resize")
	return nil
}

func (f *fakeEngine) NetworkInspect(_ context.Context, name string) (network.Inspect, error) {
	f.record("network-inspect:%s", name)
	if f.networkFn != nil {
		return f.networkFn(name)
	}
	return network.Inspect{}, nil
}

func (f *fakeEngine) NetworkCreate(_ context.Context, name string, o NetworkOptions) error {
	f.record("network-create:%s", name)
	if f.netCreateFn != nil {
		return f.netCreateFn(name, o)
	}
	return nil
}

func (f *fakeEngine) VolumeInspect(_ context.Context, name string) (volume.Volume, error) {
	f.record("volume-inspect:%s", name)
	return volume.Volume{}, fmt.Errorf("volume %s: %w", name, ErrNoSuchObject)
}

func (f *fakeEngine) VolumeRemove(_ context.Context, name string) error {
	f.record("volume-remove:%s", name)
	return nil
}

func (f *fakeEngine) VolumesPrune(_ context.Context, label string) error {
	f.record("volumes-prune:%s", label)
	return nil
}

func (f *fakeEngine) Close() error { return nil }
