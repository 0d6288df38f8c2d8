package probe

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func readMountinfoFixture(t *testing.T, name string) ([]Mount, error) {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "mountinfo", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	return ParseMountinfo(f)
}

func mountAt(mounts []Mount, point string) (Mount, bool) {
	for _, m := range mounts {
		if m.MountPoint == point {
			return m, true
		}
	}
	return Mount{}, false
}

func TestParseMountinfoDocker(t *testing.T) {
	mounts, err := readMountinfoFixture(t, "docker.txt")
	if err != nil {
		t.Fatal(err)
	}
	if len(mounts) != 19 {
		t.Fatalf("parsed %d mounts, want 19", len(mounts))
	}
	tests := []struct {
		name string
		want Mount
	}{
		{"read-only overlay root, slave of the host", Mount{
			MountPoint: "/", Root: "/", FSType: "overlay", Source: "overlay",
			Mode: "ro", Propagation: "slave", Options: "ro,relatime",
		}},
		{"read-only volume", Mount{
			MountPoint: "/data", Root: "/var/lib/docker/volumes/data/_data", FSType: "ext4", Source: "/dev/sda1",
			Mode: "ro", Propagation: "private", Options: "ro,relatime",
		}},
		{"escaped space, shared and slave", Mount{
			MountPoint: "/src", Root: "/home/dev/My Project", FSType: "ext4", Source: "/dev/sda1",
			Mode: "rw", Propagation: "shared,slave", Options: "rw,relatime",
		}},
		{"tmpfs", Mount{
			MountPoint: "/tmp", Root: "/", FSType: "tmpfs", Source: "tmpfs",
			Mode: "rw", Propagation: "private", Options: "rw,nosuid,nodev,noexec,relatime",
		}},
		{"masked with /dev/null", Mount{
			MountPoint: "/proc/kcore", Root: "/null", FSType: "tmpfs", Source: "tmpfs",
			Mode: "rw", Propagation: "private", Options: "rw,nosuid",
		}},
		{"read-only superblock under a rw mount, unbindable", Mount{
			MountPoint: "/mnt/sb-ro", Root: "/srv/ro-fs", FSType: "ext4", Source: "/dev/sdb1",
			Mode: "ro", Propagation: "unbindable", Options: "rw,relatime",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := mountAt(mounts, tt.want.MountPoint)
			if !ok {
				t.Fatalf("no mount at %s", tt.want.MountPoint)
			}
			if !strings.Contains(got.Dev, ":") {
				t.Errorf("dev %q, want major:minor", got.Dev)
			}
			got.Dev = "" // the cases name the rest
			if got != tt.want {
				t.Errorf("mount\n got %+v\nwant %+v", got, tt.want)
			}
		})
	}
	if got := rootFSMode(mounts); got != "ro" {
		t.Errorf("rootFSMode = %q, want ro", got)
	}
}

func TestParseMountinfoCases(t *testing.T) {
	tests := []struct {
		name    string
		file    string
		points  []string
		rootFS  string
		wantErr string
	}{
		{"the last mount on / wins", "overmount.txt", []string{"/", "/"}, "ro", ""},
		{"octal escapes", "escapes.txt", []string{"/mnt/a b\\c", "/mnt/trailing\\", "/mnt/bad\\9x"}, "unknown", ""},
		{"empty", "empty.txt", nil, "unknown", ""},
		{"no separator", "malformed.txt", []string{"/"}, "rw", "line 2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mounts, err := readMountinfoFixture(t, tt.file)
			if tt.wantErr == "" && err != nil {
				t.Fatal(err)
			}
			if tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("error = %v, want one containing %q", err, tt.wantErr)
			}
			if mounts == nil {
				t.Fatal("mounts is nil, want an empty slice at least")
			}
			if len(mounts) != len(tt.points) {
				t.Fatalf("parsed %d mounts, want %d", len(mounts), len(tt.points))
			}
			for i, p := range tt.points {
				if mounts[i].MountPoint != p {
					t.Errorf("mount %d at %q, want %q", i, mounts[i].MountPoint, p)
				}
			}
			if got := rootFSMode(mounts); got != tt.rootFS {
				t.Errorf("rootFSMode = %q, want %q", got, tt.rootFS)
			}
		})
	}
}

func TestUnescapeMountinfo(t *testing.T) {
	tests := []struct{ in, want string }{
		{`/plain`, "/plain"},
		{`/a\040b`, "/a b"},
		{`/tab\011x`, "/tab\tx"},
		{`/nl\012`, "/nl\n"},
		{`/bs\134`, `/bs\`},
		{`/short\04`, `/short\04`},
		{`/notoctal\9999`, `/notoctal\9999`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := unescapeMountinfo(tt.in); got != tt.want {
				t.Errorf("unescapeMountinfo(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestPropagation(t *testing.T) {
	tests := []struct {
		name     string
		optional []string
		want     string
	}{
		{"none", nil, "private"},
		{"shared", []string{"shared:1"}, "shared"},
		{"slave", []string{"master:2"}, "slave"},
		{"slave with propagate_from", []string{"master:2", "propagate_from:1"}, "slave"},
		{"both", []string{"shared:3", "master:2"}, "shared,slave"},
		{"unbindable", []string{"unbindable"}, "unbindable"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := propagation(tt.optional); got != tt.want {
				t.Errorf("propagation(%v) = %q, want %q", tt.optional, got, tt.want)
			}
		})
	}
}
