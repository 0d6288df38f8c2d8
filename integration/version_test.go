package integration

import (
	"strings"
	"testing"
)

func TestVersionShowsEngineAPI(t *testing.T) {
	requireEngine(t)
	// `version` is docker's (alias_test.go); hardrun's own is --hardrun-version.
	r := runHardrun(t, "--hardrun-version")
	if r.Code != 0 {
		t.Fatalf("hardrun --hardrun-version: %s", r)
	}
	if !strings.Contains(r.Stdout, "API version: 1.") {
		t.Errorf("no engine API version in:\n%s", r.Stdout)
	}
}

func TestVersionUnreachableEngine(t *testing.T) {
	requireEngine(t)
	r := runCmd(t, "", []string{"DOCKER_HOST=unix:///nonexistent.sock"}, hardrunBin, "version")
	if r.Code == 0 {
		t.Fatalf("want a non-zero exit, got %s", r)
	}
	if !strings.Contains(r.Stderr, "Cannot connect to the Docker daemon at unix:///nonexistent.sock") {
		t.Errorf("stderr does not name the engine error:\n%s", r.Stderr)
	}
	if strings.Contains(r.Stderr, "goroutine ") || strings.Contains(r.Stderr, "panic") {
		t.Errorf("stack trace on stderr:\n%s", r.Stderr)
	}
}
