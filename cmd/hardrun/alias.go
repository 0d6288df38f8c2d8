package main

import (
	"context"
	"errors"
	"fmt"
	"os/exec"

	"github.com/moby/term"

	"github.com/hardrun/hardrun/launcher"
	"github.com/hardrun/hardrun/policy"
)

// Alias fidelity: with `alias docker=hardrun` (or a `docker` link to
// hardrun earlier on PATH) every line a script or a person types must
// answer as docker's would. hardrun's own help and version stay reachable:
// `hardrun --help`, `hardrun help explain`, `hardrun --hardrun-version`.

// aliasVerbs are docker verbs whose answer hardrun shapes itself, before
// the general dispatch: `version` and `help VERB` are docker's, except
// where the verb is one of hardrun's own.
var aliasVerbs = map[string]func(*app, context.Context, *commandLine, []string) error{
	"version": (*app).dockerVersion,
	"help":    (*app).help,
}

// dockerVersion is `docker version` with whatever flags it was given
// (--format, -f, --kubeconfig): the real docker answers, exit code and all.
// hardrun's own version is `hardrun --hardrun-version`.
func (a *app) dockerVersion(_ context.Context, _ *commandLine, args []string) error {
	return passThrough(args)
}

// help is `help [VERB...]`: hardrun's usage with no verb, hardrun's help
// for its own commands (explain, verify, profiles, ...), docker's for the
// rest (`help ps`, `help network create`). `help run` and `help create`
// are docker's help followed by hardrun's flags, as `run --help` is.
func (a *app) help(ctx context.Context, cl *commandLine, args []string) error {
	switch {
	case len(cl.args) == 0:
		return a.root().Run(ctx, []string{"hardrun", "--help"})
	case runVerbs[cl.args[0]]:
		return a.runHelp(cl.args[0])
	case isOwnCommand(cl.args[0]):
		return a.root().Run(ctx, append(append([]string{"hardrun"}, cl.args...), "--help"))
	}
	return passThrough(args)
}

// runHelp prints docker's help for `run`/`create` (the flags are
// docker's) and then the flags hardrun adds.
func (a *app) runHelp(verb string) error {
	docker, err := realDocker(a.getenv)
	if err == nil {
		cmd := exec.Command(docker, verb, "--help")
		cmd.Stdout, cmd.Stderr = a.stdout, a.stderr
		err = cmd.Run()
	}
	if err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			fmt.Fprintf(a.stderr, "hardrun: docker's help is not available: %v\n", err)
		}
	}
	fmt.Fprintf(a.stdout, "\nhardrun adds (see hardrun(1)):\n%s", hardrunRunFlagsHelp(verb))
	return nil
}

func hardrunRunFlagsHelp(verb string) string {
	s := "      --profile string       Security profile: a built-in or profile NAME, or a FILE (default $HARDRUN_PROFILE, else \"default\")\n" +
		"      --profile-dir string   Extra profile directory, searched first (repeatable)\n"
	if verb == "run" {
		s += "      --explain              Print what the profile changes to stderr, then run\n"
	}
	return s
}

// checkTTY is docker's: `run -it` (attached stdin with a TTY) needs a
// terminal on stdin; without one docker prints this line (no prefix) and
// exits 1 at once, before it talks to the engine. A CI job must not hang.
func (a *app) checkTTY(attachStdin, tty bool) error {
	if !attachStdin || !tty {
		return nil
	}
	if _, isTerm := term.GetFdInfo(a.stdin); isTerm {
		return nil
	}
	fmt.Fprintln(a.stderr, "the input device is not a TTY")
	return &exitError{code: 1}
}

// createExit gives `create` docker create's exit codes: docker create
// exits 1 for whatever fails after its flags were read (the engine's
// refusal, a failed pull, an unreachable engine, an existing --cidfile),
// where `run` exits 125. hardrun's own refusals (the profile's, the engine
// not applying the plan), bad flags and bad profiles stay 125 for both.
// engineSide says err came from the launch itself, not its preparation.
func createExit(verb string, err error, engineSide bool) error {
	if verb != "create" || err == nil {
		return err
	}
	var ee *exitError
	var late *launcher.LateRefusalError
	var mm *launcher.MismatchError
	switch {
	case errors.As(err, &ee), errors.As(err, &late), errors.As(err, &mm),
		errors.Is(err, policy.ErrRefused):
		return err
	case engineSide, errors.Is(err, launcher.ErrEngineUnreachable):
		return &exitError{code: 1, err: err}
	}
	return err
}
