package policy

import (
	"fmt"
	"io/fs"
	"testing"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/mount"
)

func TestJudgeStart(t *testing.T) {
	links := map[string]string{"/home/u/data": "/home/u/data", "/home/u/swapped": "/etc", "/home/u/moved": "/home/u/elsewhere"}
	host := HostFacts{ResolvePath: func(p string) (string, error) {
		if r, ok := links[p]; ok {
			return r, nil
		}
		return "", fmt.Errorf("resolve %s: %w", p, fs.ErrNotExist)
	}}
	bind := func(src string) []container.MountPoint {
		return []container.MountPoint{{Type: mount.TypeBind, Source: src, Destination: "/x"}}
	}
	tests := []struct {
		name   string
		mounts []container.MountPoint
		host   HostFacts
		refuse string
	}{
		{name: "unchanged", mounts: bind("/home/u/data"), host: host},
		{name: "volumes are not binds", mounts: []container.MountPoint{{Type: mount.TypeVolume, Name: "v", Source: "/var/lib/docker/volumes/v/_data", Destination: "/v"}}, host: host},
		{name: "now a link to /etc", mounts: bind("/home/u/swapped"), host: host, refuse: "/home/u/swapped now resolves to /etc"},
		{name: "now a link elsewhere", mounts: bind("/home/u/moved"), host: host, refuse: "now resolves to /home/u/elsewhere"},
		{name: "gone", mounts: bind("/home/u/gone"), host: host, refuse: "no longer exists"},
		{name: "never-listed", mounts: bind("/etc"), host: HostFacts{ResolvePath: func(p string) (string, error) { return p, nil }}, refuse: "binds of /etc are never permitted"},
		{name: "remote engine", mounts: bind("/home/u/data"), refuse: "cannot be judged"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := JudgeStart(tt.mounts, testProfile("default"), tt.host)
			wantRefusal(t, err, tt.refuse)
		})
	}
}
