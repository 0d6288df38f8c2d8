package main

import (
	"context"
	"fmt"
	"io"

	"github.com/spf13/pflag"
)

// commandLine is hardrun's argv read the way docker reads it: the global
// flags, an optional `container` group with its own flags, the verb and
// the verb's arguments.
type commandLine struct {
	g     *globals
	bools globalBools
	// group is "container" when the verb came as `container VERB`;
	// groupHelp is its --help, which shows the verb's help instead.
	group     string
	groupHelp bool
	verb      string
	args      []string // the verb's arguments
	argsAt    int      // index of args[0] in the original argv
}

// parseCommandLine splits argv into globals, group, verb and arguments.
// Any flag in front of the verb that hardrun cannot read as docker would
// is an error: hardrun never hands docker a command line it did not read.
func parseCommandLine(args []string) (*commandLine, error) {
	g, b, rest, err := parseGlobalArgs(args)
	if err != nil {
		return nil, err
	}
	cl := &commandLine{g: g, bools: b}
	if len(rest) == 0 {
		return cl, nil
	}
	at := len(args) - len(rest)
	cl.verb, rest, at = rest[0], rest[1:], at+1
	if cl.verb == "container" && len(rest) > 0 {
		n, help, err := parseGroupFlags(rest)
		if err != nil {
			return nil, fmt.Errorf("container: %w", err)
		}
		if n < len(rest) {
			cl.group, cl.groupHelp = "container", help
			cl.verb, rest, at = rest[n], rest[n+1:], at+n+1
		}
	}
	cl.args, cl.argsAt = rest, at
	return cl, nil
}

// parseGroupFlags reads the flags between `container` and its verb: docker
// accepts only --help there (`docker container --help=false run` runs).
// It returns how many arguments they took. `--` is refused: cobra's scan
// takes the word after it as a flag value, and hardrun does not guess.
func parseGroupFlags(args []string) (int, bool, error) {
	var help bool
	fs := pflag.NewFlagSet("container", pflag.ContinueOnError)
	fs.SetInterspersed(false)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	fs.BoolVarP(&help, "help", "h", false, "Print usage")
	if err := fs.Parse(args); err != nil {
		return 0, false, err
	}
	n := len(args) - len(fs.Args())
	for _, a := range args[:n] {
		if a == "--" {
			return 0, false, fmt.Errorf("cannot read the command after --")
		}
	}
	return n, help, nil
}

// judgedVerbs enter or change an existing container: hardrun judges them
// when the container carries its profile label, then hands them to docker.
var judgedVerbs = map[string]func(*app, context.Context, *commandLine, []string) error{
	"exec":    (*app).execVerb,
	"update":  (*app).updateVerb,
	"start":   (*app).startVerb,
	"restart": (*app).startVerb,
}

// runVerbs are the verbs hardrun carries out itself, also as `container VERB`.
var runVerbs = map[string]bool{"run": true, "create": true}

// dispatch runs the command line: hardrun's own commands, the judged
// verbs, and everything else handed to the real docker unchanged.
func (a *app) dispatch(ctx context.Context, cl *commandLine, args []string) error {
	switch {
	case cl.bools.hardrunVersion:
		return a.version(ctx)
	case aliasVerbs[cl.verb] != nil && cl.group == "":
		return aliasVerbs[cl.verb](a, ctx, cl, args)
	case cl.verb == "" && cl.bools.version:
		return passThrough(args) // docker -v prints docker's version
	case cl.verb == "":
		return a.root().Run(ctx, helpArgs(cl.bools.help))
	case runVerbs[cl.verb] && cl.group == "container":
		return a.root().Run(ctx, append([]string{"hardrun", cl.verb}, withHelp(cl.args, cl.groupHelp)...))
	case cl.group == "" && isOwnCommand(cl.verb):
		return a.root().Run(ctx, append([]string{"hardrun", cl.verb}, cl.args...))
	case judgedVerbs[cl.verb] != nil && cl.groupHelp:
		return passThrough(args) // docker shows the verb's help
	case judgedVerbs[cl.verb] != nil:
		return judgedVerbs[cl.verb](a, ctx, cl, args)
	}
	return passThrough(args)
}

func helpArgs(help bool) []string {
	if help {
		return []string{"hardrun", "--help"}
	}
	return []string{"hardrun"}
}

// withHelp puts --help first when `container --help VERB` asked for it.
func withHelp(args []string, help bool) []string {
	if !help {
		return args
	}
	return append([]string{"--help"}, args...)
}

// replaceArg returns argv with the verb's argument i replaced: exec's
// container name by the ID the judge inspected, so docker enters exactly
// the container that was judged (exec prints nothing of it back).
func (cl *commandLine) replaceArg(argv []string, i int, v string) []string {
	out := append([]string{}, argv...)
	out[cl.argsAt+i] = v
	return out
}
