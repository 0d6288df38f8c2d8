package integration

import (
	"strings"
	"testing"
)

// A value the caller wrote that the profile changes gets one stderr line
// naming the key and how to keep the caller's value; defaults that fill
// silence stay silent; a refusal names the built-in profile permitting it.
func TestSaysWhatItChanged(t *testing.T) {
	requireEngine(t)
	env := []string{"XDG_CACHE_HOME=" + t.TempDir()}
	// prime the once-per-host notice
	runCmd(t, "", env, hardrunBin, "run", "--rm", labelled(t), rootImage, "true")

	r := runCmd(t, "", env, hardrunBin, "run", "--rm", labelled(t), "-v", "/cache", "-p", "18080:80", rootImage, "true")
	if r.Code != 0 {
		t.Fatalf("run: %s", r)
	}
	lines := strings.Split(strings.TrimSpace(r.Stderr), "\n")
	if len(lines) != 2 {
		t.Errorf("want exactly two lines (the -v and the -p), got:\n%s", r.Stderr)
	}
	for _, want := range []string{
		"-v /cache is an empty read-only tmpfs, not a writable anonymous volume (volumes.default_mode: ro); --mount type=volume,target=/cache,readonly=false keeps a writable one",
		"-p 18080:80/tcp is published on 127.0.0.1 only (network.publish_host_ip: 127.0.0.1); -p 0.0.0.0:18080:80/tcp, or --profile web, publishes on every interface",
	} {
		if !strings.Contains(r.Stderr, want) {
			t.Errorf("missing line %q in:\n%s", want, r.Stderr)
		}
	}
	// The caller's own values kept: nothing printed.
	r = runCmd(t, "", env, hardrunBin, "run", "--rm", labelled(t), "-p", "127.0.0.1:18081:80", "--mount", "type=volume,target=/scratch,readonly=false", rootImage, "true")
	if r.Code != 0 || r.Stderr != "" {
		t.Errorf("want a silent run: %s", r)
	}
	r = runCmd(t, "", env, hardrunBin, "run", "--rm", labelled(t), "--cap-add", "SYS_PTRACE", rootImage, "true")
	if r.Code != 125 || !strings.Contains(r.Stderr, "(cap_allow: []); --profile dev permits it") {
		t.Errorf("refusal does not name the built-in that permits it: %s", r)
	}
	if ids := containersOf(t); len(ids) > 0 {
		runDocker(t, append([]string{"rm", "-f"}, ids...)...)
		t.Errorf("containers left: %v", ids)
	}
}
