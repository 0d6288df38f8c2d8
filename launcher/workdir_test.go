package launcher

import (
	"context"
	"fmt"
	"os"
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
	}}
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
