// Command hardrun is a drop-in replacement for `docker run` that applies a
// named security profile. See README.md and the contract for the commands.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"syscall"

	"github.com/docker/cli/cli/config/configfile"

	"github.com/urfave/cli/v3"

	"github.com/hardrun/hardrun/launcher"
	"github.com/hardrun/hardrun/policy"
)

// Set at build time by the Makefile (-ldflags -X).
var (
	version = "dev"
	commit  = "unknown"
)

// app is everything a command needs from the process: the parsed globals
// and the standard streams. Commands take it, never *cli.Command, below
// the command tree.
type app struct {
	g      *globals
	stdin  *os.File
	stdout io.Writer
	stderr io.Writer
	getenv func(string) string
	// systemProfileDir replaces /etc/hardrun/profiles ("" keeps it), so
	// that unit tests never load the host's profiles.
	systemProfileDir string

	cfgOnce sync.Once
	cfg     *configfile.ConfigFile // docker's config file, see dockerConfig
}

func main() {
	os.Exit(run(os.Args[1:]))
}

// run is main without os.Exit, and the one place exit codes are decided.
func run(args []string) int {
	a := &app{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv}
	cl, err := parseCommandLine(args)
	if err != nil {
		// Fail closed: a command line hardrun cannot read is never handed
		// to docker, whose verb might be one hardrun judges.
		fmt.Fprintf(a.stderr, "hardrun: %v\n", err)
		return 125
	}
	a.g = cl.g
	policy.Version = version
	return a.exitCode(a.dispatch(context.Background(), cl, args))
}

// exitError carries an exit code decided by a command (the container's
// code, or 1 for a failed verify/audit/validate) up to run.
type exitError struct {
	code int
	err  error // nil: nothing to print
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit status %d", e.code)
	}
	return e.err.Error()
}

// exitCode prints err once and maps it to docker's codes: 125 for
// hardrun or engine failures and refusals, 126/127 for a command that
// cannot be invoked / was not found, otherwise what the command decided.
func (a *app) exitCode(err error) int {
	if err == nil {
		return 0
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != nil {
			fmt.Fprintf(a.stderr, "hardrun: %v\n", ee.err)
		}
		return ee.code
	}
	var late *launcher.LateRefusalError
	if errors.As(err, &late) {
		for _, line := range strings.Split(late.Error(), "\n") {
			fmt.Fprintf(a.stderr, "hardrun: %s\n", line)
		}
		return 125
	}
	if errors.Is(err, policy.ErrRefused) {
		return 125 // the refusal lines are already printed
	}
	var ie *launcher.InterruptedError
	if errors.As(err, &ie) {
		return 128 + int(ie.Signal) // as docker: silent, 130 for Ctrl-C
	}
	fmt.Fprintf(a.stderr, "hardrun: %v\n", err)
	var se *launcher.StartError
	if errors.As(err, &se) {
		return startErrorCode(se)
	}
	return 125
}

// startErrorCode is docker's mapping of a failed start.
func startErrorCode(se *launcher.StartError) int {
	msg := se.Error()
	switch {
	case strings.Contains(msg, "executable file not found"),
		strings.Contains(msg, "no such file or directory"):
		return 127
	case strings.Contains(msg, syscall.EACCES.Error()),
		strings.Contains(msg, syscall.EISDIR.Error()):
		return 126
	}
	return 125
}

var ownCommands = map[string]bool{
	"run": true, "create": true, "explain": true, "verify": true, "audit": true,
	"profiles": true, "seccomp": true, "apparmor": true, "shell-init": true,
	"help": true, "completion": true, probeCommand: true, "authz": true,
}

func isOwnCommand(name string) bool { return ownCommands[name] }

// root is the command tree. run/create/explain/verify take docker's run
// flags, which pflag parses exactly as docker does (runflags.go).
func (a *app) root() *cli.Command {
	return &cli.Command{
		Name:           "hardrun",
		Usage:          "docker run with a security profile",
		Writer:         a.stdout,
		ErrWriter:      a.stderr,
		HideVersion:    true,
		ExitErrHandler: func(context.Context, *cli.Command, error) {},
		Commands: append([]*cli.Command{
			a.runCommand("run", "Create and run a new container under a profile"),
			a.runCommand("create", "Create a new container under a profile"),
			a.runCommand("explain", "Show what a profile changes and refuses, without creating anything"),
			a.runCommand("verify", "Run a probe under a profile and report what the container can do"),
			a.versionCommand(),
			a.shellInitCommand(),
			a.completionCommand(),
			a.probeCommand(),
		}, a.extraCommands()...),
	}
}
