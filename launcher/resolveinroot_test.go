package launcher

import (
	"os"
	"path/filepath"
	"testing"
)

func TestResolveInRoot(t *testing.T) {
	root := t.TempDir()
	for _, d := range []string{"proc/self/fd", "tmp", "app/sub"} {
		if err := os.MkdirAll(filepath.Join(root, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	links := map[string]string{"tmp/w": "/proc/self/fd", "tmp/rel": "../proc/self", "app/up": "../../../../proc", "tmp/loop": "/tmp/loop"}
	for l, target := range links {
		if err := os.Symlink(target, filepath.Join(root, l)); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct{ in, want string }{
		{"/tmp/w", "/proc/self/fd"},
		{"/tmp/rel/fd", "/proc/self/fd"},
		{"/app/up/1", "/proc/1"}, // ".." past the root stays at the root
		{"/app/sub", "/app/sub"},
		{"/new/dir", "/new/dir"},
	}
	for _, tt := range tests {
		if got, err := ResolveInRoot(root, tt.in); err != nil || got != tt.want {
			t.Errorf("ResolveInRoot(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
	if _, err := ResolveInRoot(root, "/tmp/loop"); err == nil {
		t.Error("a symlink loop resolved")
	}
}
