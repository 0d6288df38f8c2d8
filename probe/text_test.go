package probe

import (
	"bytes"
	"strings"
	"testing"
)

func textReport() Report {
	r := fullReport()
	r.Attempts = []Attempt{
		{Name: AttemptMount, Target: "/tmp/x", Result: ResultBlocked, Errno: "EPERM", By: BySeccomp, Detail: "filtered"},
		{Name: AttemptPtrace, Target: "forked child", Result: ResultAllowed, Detail: "seized"},
		{Name: AttemptDockerSocket, Result: ResultSkipped, Detail: "no socket"},
	}
	return r
}

func attemptLine(t *testing.T, text, name string) string {
	t.Helper()
	for _, line := range strings.Split(text, "\n") {
		if strings.HasPrefix(line, name+" ") {
			return line
		}
	}
	t.Fatalf("no line for %s in:\n%s", name, text)
	return ""
}

func TestWriteText(t *testing.T) {
	tests := []struct {
		name  string
		color bool
	}{
		{"plain", false},
		{"color", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			textReport().WriteText(&b, tt.color)
			out := b.String()
			allowed := attemptLine(t, out, AttemptPtrace)
			blocked := attemptLine(t, out, AttemptMount)
			highlighted := ansiAllowed + ResultAllowed + ansiReset
			if got := strings.Contains(allowed, highlighted); got != tt.color {
				t.Errorf("ALLOWED highlighted = %v, want %v: %q", got, tt.color, allowed)
			}
			if strings.Contains(blocked, "\x1b") {
				t.Errorf("blocked line carries escape codes: %q", blocked)
			}
			if !tt.color && strings.Contains(out, "\x1b") {
				t.Errorf("plain output carries escape codes")
			}
			if !strings.Contains(out, "3 attempts: 1 blocked, ") || !strings.Contains(out, "1 skipped") {
				t.Errorf("no summary line in:\n%s", out)
			}
		})
	}
}

func TestWriteTextColumnsAlign(t *testing.T) {
	var b bytes.Buffer
	textReport().WriteText(&b, true)
	out := b.String()
	header := attemptLine(t, out, "ATTEMPT")
	col := strings.Index(header, "RESULT")
	for _, name := range []string{AttemptMount, AttemptPtrace, AttemptDockerSocket} {
		line := strings.ReplaceAll(attemptLine(t, out, name), ansiAllowed, "")
		line = strings.ReplaceAll(line, ansiReset, "")
		if len(line) < col || line[col] == ' ' || line[col-1] != ' ' {
			t.Errorf("RESULT of %s not in column %d: %q", name, col, line)
		}
	}
}

func TestLimitTexts(t *testing.T) {
	tests := []struct {
		name, got, want string
	}{
		{"memory bytes", memoryText("536870912"), "512MiB"},
		{"memory odd", memoryText("1610612736"), "1.5GiB"},
		{"memory max", memoryText("max"), "unlimited"},
		{"memory unknown", memoryText(""), "unknown"},
		{"cpus", cpuText("150000 100000"), "1.50"},
		{"cpus max", cpuText("max 100000"), "unlimited"},
		{"cpus unknown", cpuText(""), "unknown"},
		{"nofile equal", nofileText(Rlimit{1024, 1024}), "1024"},
		{"nofile raised by Go", nofileText(Rlimit{1023, 1024}), "1024 (soft limit not observable)"},
		{"nproc unlimited", rlimitText(Rlimit{-1, -1}), "unlimited"},
		{"core split", rlimitText(Rlimit{0, -1}), "0/unlimited"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got %q, want %q", tt.got, tt.want)
			}
		})
	}
}
