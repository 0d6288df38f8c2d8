package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
)

// realDocker finds the docker CLI to hand other commands to:
// $HARDRUN_DOCKER, else the first `docker` on PATH that is not hardrun
// itself (alias docker=hardrun or a symlink must never recurse).
func realDocker(getenv func(string) string) (string, error) {
	if d := getenv("HARDRUN_DOCKER"); d != "" {
		if isSelf(d) {
			return "", fmt.Errorf("HARDRUN_DOCKER=%s is hardrun itself", d)
		}
		return d, nil
	}
	for _, dir := range filepath.SplitList(getenv("PATH")) {
		if dir == "" {
			dir = "."
		}
		p := filepath.Join(dir, "docker")
		if fi, err := os.Stat(p); err != nil || fi.IsDir() || fi.Mode()&0o111 == 0 {
			continue
		}
		if !isSelf(p) {
			return p, nil
		}
	}
	return "", errors.New("no docker CLI found on PATH (set HARDRUN_DOCKER)")
}

// isSelf reports whether path is this very executable.
func isSelf(path string) bool {
	self, err := os.Executable()
	if err != nil {
		return false
	}
	a, err1 := os.Stat(self)
	b, err2 := os.Stat(path)
	return err1 == nil && err2 == nil && os.SameFile(a, b)
}

// passThrough replaces hardrun with the real docker CLI, same arguments.
func passThrough(args []string) error {
	docker, err := realDocker(os.Getenv)
	if err != nil {
		return err
	}
	path, err := exec.LookPath(docker)
	if err != nil {
		return err
	}
	return syscall.Exec(path, append([]string{"docker"}, args...), os.Environ())
}
