package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/storage"
)

func TestUserFilesFromImage(t *testing.T) {
	mk := func(t *testing.T, files map[string]string) string {
		t.Helper()
		dir := t.TempDir()
		for name, link := range files {
			p := filepath.Join(dir, name)
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			var err error
			if link != "" {
				err = os.Symlink(link, p)
			} else {
				err = os.WriteFile(p, []byte("x\n"), 0o644)
			}
			if err != nil {
				t.Fatal(err)
			}
		}
		return dir
	}
	tests := []struct {
		name       string
		upper, top map[string]string
		want       bool
	}{
		{name: "unchanged", upper: map[string]string{}, top: map[string]string{"etc/passwd": "", "etc/group": ""}, want: true},
		{name: "changed in the container", upper: map[string]string{"etc/group": ""}, top: map[string]string{"etc/passwd": "", "etc/group": ""}},
		{name: "passwd is a link", upper: map[string]string{}, top: map[string]string{"etc/passwd": "/data/passwd", "etc/group": ""}},
		{name: "etc is a link", upper: map[string]string{}, top: map[string]string{"etc": "/data"}},
		{name: "no user files at all", upper: map[string]string{}, top: map[string]string{"bin/sh": ""}, want: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			upper, top, bottom := mk(t, tt.upper), mk(t, tt.top), mk(t, map[string]string{"etc/passwd": "", "etc/group": ""})
			c := container.InspectResponse{GraphDriver: &storage.DriverData{Name: "overlay2",
				Data: map[string]string{"UpperDir": upper, "LowerDir": top + ":" + bottom}}}
			if got := userFilesFromImage(c); got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
	if userFilesFromImage(container.InspectResponse{}) {
		t.Error("a container without overlay data reads as its image's")
	}
}
