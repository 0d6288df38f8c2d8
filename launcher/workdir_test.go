package launcher

import (
	"archive/tar"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"slices"
	"testing"

	"github.com/moby/moby/api/types/container"
)

func TestResolveWorkdir(t *testing.T) {
	links := map[string]string{"/w": "/proc/self", "/data/fd": "/proc/self/fd"}
	missing := map[string]bool{"/new": true}
	f := &fakeEngine{statFn: func(_, p string) (container.PathStat, error) {
		if p == "/broken" {
			return container.PathStat{}, fmt.Errorf("engine error")
		}
		if missing[p] {
			return container.PathStat{}, fmt.Errorf("%s: %w", p, ErrNoSuchObject)
		}
		if t, ok := links[p]; ok {
			return container.PathStat{Mode: os.ModeSymlink | 0o777, LinkTarget: t}, nil
		}
		return container.PathStat{Mode: os.ModeDir | 0o755}, nil
	}, copyFn: linkArchives(links)}
	tests := []struct{ wd, want, err string }{
		{"/app", "/app", ""},
		{"/w", "/proc/self", ""},
		{"/w/fd/3", "/proc/self/fd/3", ""},
		{"/data/fd", "/proc/self/fd", ""},
		{"//data/./fd/", "/proc/self/fd", ""},
		{"/new/sub", "/new/sub", ""},
		{"/broken/x", "", "engine error"},
	}
	for _, tt := range tests {
		got, err := ResolveWorkdir(context.Background(), f, "c", tt.wd)
		if got != tt.want || (err == nil) != (tt.err == "") {
			t.Errorf("ResolveWorkdir(%q) = %q, %v; want %q, %q", tt.wd, got, err, tt.want, tt.err)
		}
	}
}

// linkArchives answers the archive endpoint for the links, as the engine
// does: a tar of the link itself, its target as stored.
func linkArchives(links map[string]string) func(_, p string) (io.ReadCloser, container.PathStat, error) {
	return func(_, p string) (io.ReadCloser, container.PathStat, error) {
		t, ok := links[p]
		if !ok {
			return nil, container.PathStat{}, fmt.Errorf("no such file %s: %w", p, ErrNoSuchObject)
		}
		var b bytes.Buffer
		tw := tar.NewWriter(&b)
		_ = tw.WriteHeader(&tar.Header{Typeflag: tar.TypeSymlink, Name: p, Linkname: t})
		_ = tw.Close()
		return io.NopCloser(&b), container.PathStat{Mode: os.ModeSymlink}, nil
	}
}

// TestResolveTraceEveryHop: a chain of links is walked one link at a
// time, so a link in between (on the container's /tmp tmpfs) is among the
// paths visited, though the engine's stat gives the end of the chain.
func TestResolveTraceEveryHop(t *testing.T) {
	links := map[string]string{"/etc/group": "/tmp/l", "/tmp/l": "../etc/./group.real", "/etc/rel": "sub/../group.real"}
	f := &fakeEngine{statFn: func(_, p string) (container.PathStat, error) {
		if _, ok := links[p]; ok {
			return container.PathStat{Mode: os.ModeSymlink | 0o777, LinkTarget: "/etc/group.real"}, nil
		}
		if p == "/etc/group.real" || p == "/etc" || p == "/tmp" || p == "/etc/sub" {
			return container.PathStat{Mode: 0o644}, nil
		}
		return container.PathStat{}, fmt.Errorf("%s: %w", p, ErrNoSuchObject)
	}, copyFn: linkArchives(links)}
	got, visited, err := resolveTrace(context.Background(), f, "c", "/etc/group")
	if err != nil || got != "/etc/group.real" || !slices.Contains(visited, "/tmp/l") {
		t.Errorf("resolveTrace(/etc/group) = %q, %v, %v; want /etc/group.real through /tmp/l", got, visited, err)
	}
	if got, _, err := resolveTrace(context.Background(), f, "c", "/etc/rel"); err != nil || got != "/etc/group.real" {
		t.Errorf("resolveTrace(/etc/rel) = %q, %v; want /etc/group.real", got, err)
	}
}
