package seccomp

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"

	mobyseccomp "github.com/moby/profiles/seccomp"
	"golang.org/x/sys/unix"
)

// TestDefaultEqualsDocker: with an empty delta, the default base must be
// Docker's own profile, byte for byte, or hardrun would not be "docker run
// with a delta".
func TestDefaultEqualsDocker(t *testing.T) {
	got, err := Generate(Spec{Base: BaseDefault})
	if err != nil {
		t.Fatal(err)
	}
	docker, err := json.Marshal(mobyseccomp.DefaultProfile())
	if err != nil {
		t.Fatal(err)
	}
	t.Run("decoded", func(t *testing.T) {
		var a, b any
		if err := json.Unmarshal(got, &a); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(docker, &b); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(a, b) {
			t.Error("Generate(default) decodes to something other than Docker's DefaultProfile()")
		}
	})
	t.Run("bytes", func(t *testing.T) {
		if !bytes.Equal(got, docker) {
			t.Error("Generate(default) is not byte-for-byte json.Marshal(DefaultProfile())")
		}
	})
}

// TestLinuxConstants checks the Linux values strict.go spells out.
func TestLinuxConstants(t *testing.T) {
	tests := []struct {
		name      string
		got, want uint64
	}{
		{"AF_UNIX", afUNIX, unix.AF_UNIX},
		{"AF_INET", afINET, unix.AF_INET},
		{"AF_INET6", afINET6, unix.AF_INET6},
		{"namespace flags", namespaceFlags, unix.CLONE_NEWNS | unix.CLONE_NEWUTS | unix.CLONE_NEWIPC |
			unix.CLONE_NEWUSER | unix.CLONE_NEWPID | unix.CLONE_NEWNET | unix.CLONE_NEWCGROUP},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.got != tc.want {
				t.Errorf("%s = %#x, want %#x", tc.name, tc.got, tc.want)
			}
		})
	}
}
