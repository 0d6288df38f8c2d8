package apparmor

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
)

// Parser is the program that compiles and loads AppArmor profiles.
const Parser = "apparmor_parser"

// Arguments given to Parser; the profile text always goes on stdin, so no
// temporary file is written and nothing is left behind.
var (
	// checkArgs compiles the profile without touching the kernel:
	// -Q (--skip-kernel-load) stops before the load, -K (--skip-cache) neither
	// reads nor writes the binary cache, so a check leaves no trace and works
	// where the kernel has no AppArmor.
	checkArgs = []string{"-Q", "-K"}
	// loadArgs loads the profile, replacing a loaded one of the same name
	// (-r), without the cache (-K): the text is the source of truth, and a
	// stale cache entry must never win. This is how dockerd loads
	// docker-default.
	loadArgs = []string{"-Kr"}
)

// sbinDirs are searched for Parser when it is not on PATH: it lives in /sbin
// or /usr/sbin, which an unprivileged user's PATH often lacks.
var sbinDirs = []string{"/usr/sbin", "/sbin"}

// Runner runs a program with args and stdin and returns what it wrote. It is
// the seam between this package and the host: [ExecRunner] runs the real
// program, tests record the calls.
type Runner interface {
	Run(ctx context.Context, name string, args []string, stdin []byte) (stdout, stderr []byte, err error)
}

// ExecRunner is the [Runner] that runs programs with os/exec. A name without a
// slash is looked up on PATH, then in /usr/sbin and /sbin. A missing program
// gives an error for which errors.Is(err, exec.ErrNotFound) holds.
type ExecRunner struct{}

// Run runs name with args, stdin on its standard input, and returns its
// standard output and error. The process is killed when ctx is done.
func (ExecRunner) Run(ctx context.Context, name string, args []string, stdin []byte) ([]byte, []byte, error) {
	path, err := lookProgram(name)
	if err != nil {
		return nil, nil, err
	}
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, path, args...)
	cmd.Stdin = bytes.NewReader(stdin)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err = cmd.Run()
	return stdout.Bytes(), stderr.Bytes(), err
}

func lookProgram(name string) (string, error) {
	path, err := exec.LookPath(name)
	if err == nil || strings.Contains(name, "/") {
		return path, err
	}
	for _, dir := range sbinDirs {
		if p, e := exec.LookPath(filepath.Join(dir, name)); e == nil {
			return p, nil
		}
	}
	return "", err
}

// Check compiles text with apparmor_parser without loading it into the kernel
// or touching the cache (see checkArgs). It works on hosts without AppArmor in
// the kernel. The error carries the parser's message.
func Check(ctx context.Context, r Runner, text string) error {
	if err := runParser(ctx, r, checkArgs, text); err != nil {
		return fmt.Errorf("check apparmor profile%s: %w", quotedName(text), err)
	}
	return nil
}

// Load loads text into the kernel with apparmor_parser, replacing a loaded
// profile of the same name (see loadArgs). It needs root and a kernel with
// AppArmor; [Install] checks both first. The error carries the parser's
// message.
func Load(ctx context.Context, r Runner, text string) error {
	if err := runParser(ctx, r, loadArgs, text); err != nil {
		return fmt.Errorf("load apparmor profile%s: %w", quotedName(text), err)
	}
	return nil
}

func runParser(ctx context.Context, r Runner, args []string, text string) error {
	_, stderr, err := r.Run(ctx, Parser, args, []byte(text))
	if err == nil {
		return nil
	}
	if msg := parserMessage(stderr); msg != "" {
		return fmt.Errorf("%s: %w: %s", Parser, err, msg)
	}
	return fmt.Errorf("%s: %w", Parser, err)
}

// parserMessage returns the parser's stderr as one line per message, without
// the cache notice it prints on kernels without AppArmor even under -K, which
// says nothing about the profile.
func parserMessage(stderr []byte) string {
	var msgs []string
	for line := range strings.Lines(string(stderr)) {
		line = strings.TrimSpace(line)
		if line != "" && !strings.HasPrefix(line, "Cache read/write disabled") {
			msgs = append(msgs, line)
		}
	}
	return strings.Join(msgs, "; ")
}

// ProfileName returns the name in text's first "profile NAME" line, and false
// when there is none.
func ProfileName(text string) (string, bool) {
	for line := range strings.Lines(text) {
		fields := strings.Fields(line)
		if len(fields) >= 2 && fields[0] == "profile" {
			return fields[1], true
		}
	}
	return "", false
}

// quotedName returns ` "NAME"` for error messages, or "" when text names no
// profile.
func quotedName(text string) string {
	if name, ok := ProfileName(text); ok {
		return fmt.Sprintf(" %q", name)
	}
	return ""
}
