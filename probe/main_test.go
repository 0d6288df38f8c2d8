package probe

import (
	"bytes"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestMainPrintsJSON(t *testing.T) {
	vol := t.TempDir()
	var stdout, stderr bytes.Buffer
	code := Main([]string{"--attempt", AttemptKeyctl, "--attempt=" + AttemptWriteVolume, "--volume", vol, "--json"}, &stdout, &stderr)
	if code != ExitOK {
		t.Fatalf("Main = %d, want %d; stderr: %s", code, ExitOK, stderr.String())
	}
	dec := json.NewDecoder(bytes.NewReader(stdout.Bytes()))
	dec.DisallowUnknownFields()
	var r Report
	if err := dec.Decode(&r); err != nil {
		t.Fatalf("stdout is not a JSON report: %v\n%s", err, stdout.String())
	}
	if dec.More() {
		t.Fatal("stdout holds more than one JSON document")
	}
	assertShapeWithinGolden(t, stdout.Bytes())
	var names []string
	for _, a := range r.Attempts {
		names = append(names, a.Name)
	}
	if want := []string{AttemptKeyctl, AttemptWriteVolume}; !slices.Equal(names, want) {
		t.Errorf("attempts = %v, want only %v", names, want)
	}
	if !slices.ContainsFunc(r.Writable, func(w WritablePath) bool { return w.Path == vol }) {
		t.Errorf("writable has no entry for --volume %s: %+v", vol, r.Writable)
	}
}

func TestMainUsageErrors(t *testing.T) {
	tests := []struct {
		name       string
		args       []string
		wantStderr string
	}{
		{"unknown attempt", []string{"--attempt", "fly"}, `unknown attempt "fly"`},
		{"positional argument", []string{"extra"}, `unexpected argument "extra"`},
		{"unknown flag", []string{"--format", "text"}, "flag provided but not defined"},
		{"missing value", []string{"--volume"}, "flag needs an argument"},
		{"help", []string{"--help"}, "-attempt"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if code := Main(tt.args, &stdout, &stderr); code != ExitUsage {
				t.Errorf("Main = %d, want %d", code, ExitUsage)
			}
			if stdout.Len() != 0 {
				t.Errorf("stdout = %q, want nothing", stdout.String())
			}
			if !strings.Contains(stderr.String(), tt.wantStderr) {
				t.Errorf("stderr = %q, want it to contain %q", stderr.String(), tt.wantStderr)
			}
		})
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("pipe closed") }

func TestMainWriteError(t *testing.T) {
	var stderr bytes.Buffer
	if code := Main([]string{"--attempt", AttemptKeyctl}, failingWriter{}, &stderr); code != ExitWrite {
		t.Errorf("Main = %d, want %d", code, ExitWrite)
	}
	if !strings.Contains(stderr.String(), "pipe closed") {
		t.Errorf("stderr = %q, want the write error", stderr.String())
	}
}

func TestAttemptNamesStable(t *testing.T) {
	want := []string{
		"mount", "umount", "unshare-userns", "unshare-mountns", "ptrace", "keyctl", "add-key", "request-key", "bpf",
		"perf-event-open", "raw-socket", "packet-socket", "chown", "mknod", "setuid",
		"write-root", "write-volume", "write-proc-sys", "open-sysrq-trigger", "read-kcore",
		"docker-socket",
	}
	if got := AttemptNames(); !slices.Equal(got, want) {
		t.Errorf("AttemptNames() = %v, want %v (names are part of the stable interface)", got, want)
	}
	got := AttemptNames()
	got[0] = "changed"
	if AttemptNames()[0] != "mount" {
		t.Error("AttemptNames returns the catalogue itself, not a copy")
	}
}
