package launcher

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"testing"

	"github.com/moby/moby/api/types/container"

	"github.com/hardrun/hardrun/policy"
	"github.com/hardrun/hardrun/profiles"
)

func tarOf(name, content string) io.ReadCloser {
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	_ = tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(content)), Typeflag: tar.TypeReg})
	_, _ = tw.Write([]byte(content))
	_ = tw.Close()
	return io.NopCloser(&b)
}

// TestRunPendingIdentityRefusedRemovesContainer: a user the image's own
// /etc/passwd makes uid 0 is refused after create, the container removed
// before any start, and the files are cached for the next launch only
// when they were read from the image itself.
func TestRunPendingIdentityRefusedRemovesContainer(t *testing.T) {
	l, f := testLaunch(t)
	dir := t.TempDir()
	l.Users = NewUserFilesCache(func(k string) string {
		if k == "XDG_CACHE_HOME" {
			return dir
		}
		return ""
	})
	prof := &profiles.Profile{Name: "default", Enforce: true, LoggingAllow: []string{"json-file"}}
	l.Plan = func(_ context.Context, r policy.Request, img policy.ImageFacts) (*policy.Plan, error) {
		r.Config.User = "app"
		return &policy.Plan{Request: r, Profile: prof, Image: img, IdentityPending: true}, nil
	}
	f.inspectFn = func(string) (container.InspectResponse, error) {
		return container.InspectResponse{ID: "c0ffee", Config: l.Request.Config,
			HostConfig: &container.HostConfig{LogConfig: container.LogConfig{Type: "json-file"}}}, nil
	}
	f.copyFn = func(_, p string) (io.ReadCloser, container.PathStat, error) {
		switch p {
		case "/etc/passwd":
			return tarOf("passwd", "app:x:0:0::/:/bin/sh\n"), container.PathStat{Name: "passwd"}, nil
		}
		return nil, container.PathStat{}, fmt.Errorf("%s: %w", p, ErrNoSuchObject)
	}
	client, server := net.Pipe()
	defer server.Close()
	f.attachFn = func(string) (*Stream, error) { return &Stream{Conn: client, Reader: client}, nil }
	tio, _, _ := testIO()
	_, err := Run(context.Background(), f, l, tio)
	var late *LateRefusalError
	if !errors.As(err, &late) || !errors.Is(err, policy.ErrRefused) {
		t.Fatalf("err = %v, want a late refusal", err)
	}
	if !strings.Contains(late.Error(), "uid 0") {
		t.Errorf("refusal %q does not say uid 0", late)
	}
	if calls := f.called(); strings.Contains(calls, "start") || !strings.HasSuffix(calls, "remove") {
		t.Errorf("engine calls %q: want a remove, never a start", calls)
	}
}
