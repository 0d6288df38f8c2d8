package integration

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

const rootImage = "hardrun-test/root:latest"

func TestRunStdinPipe(t *testing.T) {
	requireEngine(t)
	r := runCmd(t, "hello from stdin\n", nil, hardrunBin, "run", "--rm", "-i", labelled(t), rootImage, "cat")
	if r.Code != 0 || r.Stdout != "hello from stdin\n" {
		t.Fatalf("want stdin echoed back, got %s", r)
	}
	if ids := containersOf(t); len(ids) != 0 {
		t.Errorf("--rm left %v", ids)
	}
}

func TestRunStdoutStderrSeparated(t *testing.T) {
	requireEngine(t)
	r := runHardrun(t, "run", "--rm", labelled(t), rootImage, "sh", "-c", "echo out; echo err >&2; exit 3")
	if r.Code != 3 || r.Stdout != "out\n" || !strings.Contains(r.Stderr, "err\n") {
		t.Fatalf("want out/err separated and exit 3, got %s", r)
	}
}

func TestRunTTY(t *testing.T) {
	requireEngine(t)
	master, slave, err := openPTY()
	if err != nil {
		t.Skipf("no pseudo-terminal here: %v", err)
	}
	defer master.Close()
	cmd := exec.Command(hardrunBin, "run", "--rm", "-t", labelled(t), rootImage, "sh", "-c",
		// The resize arrives just after start (API 1.41 has no console size at
		// create), as with docker: give it a moment.
		`tty; for i in 1 2 3 4 5 6 7 8 9 10; do s=$(stty size 2>/dev/null); [ "$s" = "24 80" ] && break; sleep 0.2; done; echo "size=$s"; exit 5`)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = slave, slave, slave
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	slave.Close()
	out := readAll(master)
	err = cmd.Wait()
	if code := exitCode(err); code != 5 {
		t.Fatalf("exit %d (%v), want 5; output %q", code, err, out.String())
	}
	if !strings.Contains(out.String(), "/dev/pts/") {
		t.Errorf("container has no terminal: %q", out.String())
	}
	if !strings.Contains(out.String(), "size=24 80") {
		t.Errorf("terminal size not passed on (want 24 80): %q", out.String())
	}
}

func TestRunDetachKeys(t *testing.T) {
	requireEngine(t)
	master, slave, err := openPTY()
	if err != nil {
		t.Skipf("no pseudo-terminal here: %v", err)
	}
	defer master.Close()
	name := "hardrun-it-detach"
	runDocker(t, "rm", "-f", name)
	cmd := exec.Command(hardrunBin, "run", "-it", "--name", name, "--detach-keys", "ctrl-x,x", labelled(t), rootImage,
		"sh", "-c", "echo ready; sleep 60")
	cmd.Stdin, cmd.Stdout, cmd.Stderr = slave, slave, slave
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	slave.Close()
	defer runDocker(t, "rm", "-f", name)
	waitForOutput(t, master, "ready")
	if _, err := master.Write([]byte{0x18, 'x'}); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if code := exitCode(err); code != 0 {
			t.Fatalf("detach exited %d, want 0", code)
		}
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		t.Fatal("hardrun did not detach")
	}
	r := runDocker(t, "inspect", "-f", "{{.State.Running}}", name)
	if strings.TrimSpace(r.Stdout) != "true" {
		t.Errorf("container not running after detach: %s", r)
	}
}

func TestRunDetachAndCIDFile(t *testing.T) {
	requireEngine(t)
	cid := filepath.Join(t.TempDir(), "cid")
	r := runHardrun(t, "run", "-d", "--cidfile", cid, labelled(t), rootImage, "sleep", "60")
	if r.Code != 0 {
		t.Fatalf("run -d: %s", r)
	}
	id := strings.TrimSpace(r.Stdout)
	defer runDocker(t, "rm", "-f", id)
	b, err := os.ReadFile(cid)
	if err != nil || string(b) != id {
		t.Fatalf("cidfile %q (%v), stdout ID %q", b, err, id)
	}
	if st := runDocker(t, "inspect", "-f", "{{.State.Running}}", id); strings.TrimSpace(st.Stdout) != "true" {
		t.Errorf("detached container not running: %s", st)
	}
	again := runHardrun(t, "run", "-d", "--cidfile", cid, labelled(t), rootImage, "true")
	if again.Code != 125 || !strings.Contains(again.Stderr, "container ID file found") {
		t.Errorf("second run with the same cidfile: %s", again)
	}
}

func TestRunRmAfterSuccessAndFailure(t *testing.T) {
	requireEngine(t)
	for _, tc := range []struct {
		name, script string
		code         int
	}{{"success", "exit 0", 0}, {"failure", "exit 7", 7}} {
		t.Run(tc.name, func(t *testing.T) {
			r := runHardrun(t, "run", "--rm", labelled(t), rootImage, "sh", "-c", tc.script)
			if r.Code != tc.code {
				t.Fatalf("exit %d, want %d: %s", r.Code, tc.code, r)
			}
			if ids := containersOf(t); len(ids) != 0 {
				t.Errorf("--rm left %v", ids)
			}
		})
	}
}

func TestRunCommandNotFoundAndNotExecutable(t *testing.T) {
	requireEngine(t)
	for _, tc := range []struct {
		name string
		cmd  string
		code int
	}{{"not found", "/nonexistent", 127}, {"not executable", "/etc", 126}} {
		t.Run(tc.name, func(t *testing.T) {
			r := runHardrun(t, "run", "--rm", labelled(t), rootImage, tc.cmd)
			if r.Code != tc.code {
				t.Fatalf("exit %d, want %d: %s", r.Code, tc.code, r)
			}
			if ids := containersOf(t); len(ids) != 0 {
				t.Errorf("failed start left %v", ids)
			}
		})
	}
}

func TestRunSignalIsForwarded(t *testing.T) {
	requireEngine(t)
	cmd := exec.Command(hardrunBin, "run", "--rm", labelled(t), rootImage,
		"sh", "-c", `trap "exit 42" TERM; echo ready; while :; do sleep 0.1; done`)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, _ := bufio.NewReader(stdout).ReadString('\n')
	if line != "ready\n" {
		cmd.Process.Kill()
		t.Fatalf("container did not start: %q", line)
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if code := exitCode(cmd.Wait()); code != 42 {
		t.Fatalf("exit %d, want the container's 42", code)
	}
	if ids := containersOf(t); len(ids) != 0 {
		t.Errorf("--rm left %v", ids)
	}
}

func TestRunMissingImagePullNever(t *testing.T) {
	requireEngine(t)
	r := runHardrun(t, "run", "--rm", "--pull", "never", labelled(t), "hardrun-test/absent:latest", "true")
	if r.Code != 125 || !strings.Contains(r.Stderr, "No such image") {
		t.Fatalf("want 125 and No such image, got %s", r)
	}
	if ids := containersOf(t); len(ids) != 0 {
		t.Errorf("created %v", ids)
	}
}

func TestRunUnreachableEngine(t *testing.T) {
	requireEngine(t)
	r := runCmd(t, "", []string{"DOCKER_HOST=unix:///nonexistent.sock"}, hardrunBin, "run", "--rm", rootImage, "true")
	if r.Code != 125 || !strings.Contains(r.Stderr, "Cannot connect to the Docker daemon") {
		t.Fatalf("want 125 with docker's wording, got %s", r)
	}
	if strings.Contains(r.Stderr, "goroutine ") {
		t.Errorf("stack trace:\n%s", r.Stderr)
	}
}

func TestRunBadInput(t *testing.T) {
	requireEngine(t)
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"unknown flag", []string{"--bogus", rootImage}, "unknown flag: --bogus"},
		{"bad memory", []string{"--memory", "12zb", rootImage}, "12zb"},
		{"bad port", []string{"-p", "99999:80", rootImage}, "99999"},
		{"missing image", nil, "requires at least 1 argument"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"run", "--rm", labelled(t)}, tt.args...)
			r := runHardrun(t, args...)
			code := 125
			if tt.args == nil {
				code = 1 // as docker: a missing IMAGE is a usage error, not a bad flag
			}
			if r.Code != code || !strings.Contains(r.Stderr, tt.want) {
				t.Fatalf("want %d and %q, got %s", code, tt.want, r)
			}
			if n := strings.Count(strings.TrimSpace(r.Stderr), "\n"); n > 1 {
				t.Errorf("want a short error like docker's, got %d lines:\n%s", n+1, r.Stderr)
			}
			if ids := containersOf(t); len(ids) != 0 {
				t.Errorf("created %v", ids)
			}
		})
	}
}

func TestPassThroughReachesDocker(t *testing.T) {
	requireEngine(t)
	ps := runHardrun(t, "ps", "-a", "--format", "{{.Image}}")
	want := runDocker(t, "ps", "-a", "--format", "{{.Image}}")
	if ps.Code != 0 || ps.Stdout != want.Stdout {
		t.Errorf("hardrun ps = %s\nwant %s", ps, want)
	}
	img := runHardrun(t, "--context", "default", "images", "--format", "{{.Repository}}")
	if img.Code != 0 || !strings.Contains(img.Stdout, "hardrun-test/root") {
		t.Errorf("hardrun --context default images: %s", img)
	}
	id := strings.TrimSpace(runHardrun(t, "run", "-d", labelled(t), rootImage, "sh", "-c", "echo logged").Stdout)
	defer runDocker(t, "rm", "-f", id)
	runDocker(t, "wait", id)
	logs := runHardrun(t, "logs", id)
	if logs.Code != 0 || logs.Stdout != "logged\n" {
		t.Errorf("hardrun logs: %s", logs)
	}
}

// readAll reads a pty master until the slave side is gone.
func readAll(r io.Reader) *bytes.Buffer {
	var buf bytes.Buffer
	var mu sync.Mutex
	done := make(chan struct{})
	go func() {
		b := make([]byte, 4096)
		for {
			n, err := r.Read(b)
			mu.Lock()
			buf.Write(b[:n])
			mu.Unlock()
			if err != nil {
				close(done)
				return
			}
		}
	}()
	select {
	case <-done:
	case <-time.After(60 * time.Second):
	}
	mu.Lock()
	defer mu.Unlock()
	return bytes.NewBuffer(buf.Bytes())
}

// waitForOutput reads r until want appears (or fails the test after 30s).
func waitForOutput(t *testing.T, r io.Reader, want string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	found := make(chan struct{})
	go func() {
		var seen strings.Builder
		b := make([]byte, 256)
		for ctx.Err() == nil {
			n, err := r.Read(b)
			seen.Write(b[:n])
			if strings.Contains(seen.String(), want) {
				close(found)
				return
			}
			if err != nil {
				return
			}
		}
	}()
	select {
	case <-found:
	case <-ctx.Done():
		t.Fatalf("no %q within 30s", want)
	}
}

func exitCode(err error) int {
	if err == nil {
		return 0
	}
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode()
	}
	return -1
}
