package launcher

import (
	"strings"
	"testing"
)

const sampleMountinfo = `26 1 254:0 / / rw,relatime - ext4 /dev/vda rw
21 26 0:20 / /proc rw,relatime - proc proc rw
30 26 0:30 / /run rw,nosuid shared:5 - tmpfs tmpfs rw
40 26 254:0 /etc/default /tmp/x rw,relatime - ext4 /dev/vda rw
41 26 0:30 /docker /home/u/run rw - tmpfs tmpfs rw
42 26 254:0 /srv/a\040b /mnt/space rw - ext4 /dev/vda rw
43 40 0:44 / /tmp/x/sub rw - tmpfs tmpfs rw
`

func TestOriginOfAndPlaceIn(t *testing.T) {
	mounts, err := parseMountinfo(strings.NewReader(sampleMountinfo))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ path, origin, fstype, submounts string }{
		{"/home/u/proj", "", "ext4", ""},
		{"/tmp/x", "/etc/default", "ext4", "/tmp/x/sub"},
		{"/tmp/x/grub.d", "/etc/default/grub.d", "ext4", ""},
		{"/home/u/run/x", "/run/docker/x", "tmpfs", ""},
		{"/mnt/space/f", "/srv/a b/f", "ext4", ""},
		{"/proc/1", "", "proc", ""},
		{"/tmp", "", "ext4", "/tmp/x,/tmp/x/sub"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			if got := originOf(mounts, tt.path); got != tt.origin {
				t.Errorf("origin %q, want %q", got, tt.origin)
			}
			fstype, subs := placeIn(mounts, tt.path)
			if fstype != tt.fstype || strings.Join(subs, ",") != tt.submounts {
				t.Errorf("placeIn = %q %q, want %q %q", fstype, subs, tt.fstype, tt.submounts)
			}
		})
	}
}

func TestParseMountinfoRejectsMalformedLines(t *testing.T) {
	if _, err := parseMountinfo(strings.NewReader("1 2 3\n")); err == nil {
		t.Error("a short line parsed")
	}
}
