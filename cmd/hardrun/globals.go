package main

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/pflag"
)

// globalBools are docker's root flags that hardrun does not use itself but
// must parse as docker does: docker ignores -h and -v when a command follows
// them (`docker -h create IMAGE` creates), so they must not end the globals.
type globalBools struct {
	help, version bool
	// hardrunVersion is hardrun's own --hardrun-version: `version` and
	// `--version` answer as docker's do, so hardrun's build is reached here.
	hardrunVersion bool
}

// newGlobalFlagSet defines docker's global flags exactly as docker's root
// command does (docker/cli cli/flags/options.go, cmd/docker/docker.go), on
// the same parser (pflag) with the same settings (stop at the first
// non-flag), so that hardrun and docker agree on where the command starts
// in every spelling: -Dl error, -lerror, -Hunix:///x, -D=false, --tls=0.
// A second parser written by hand would disagree somewhere, and that
// disagreement is a command docker runs and hardrun never judged.
func newGlobalFlagSet(g *globals, b *globalBools) *pflag.FlagSet {
	fs := pflag.NewFlagSet("hardrun", pflag.ContinueOnError)
	fs.SetInterspersed(false)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	fs.StringArrayVarP(&g.Hosts, "host", "H", nil, "Daemon socket to connect to")
	fs.StringVarP(&g.Context, "context", "c", "", "Name of the context to use")
	fs.StringVar(&g.ConfigDir, "config", "", "Location of client config files")
	fs.BoolVarP(&g.Debug, "debug", "D", false, "Enable debug mode")
	fs.StringVarP(&g.LogLevel, "log-level", "l", "", "Set the logging level")
	fs.BoolVar(&g.TLS, "tls", false, "Use TLS; implied by --tlsverify")
	fs.BoolVar(&g.TLSVerify, "tlsverify", false, "Use TLS and verify the remote")
	fs.StringVar(&g.TLSCACert, "tlscacert", "", "Trust certs signed only by this CA")
	fs.StringVar(&g.TLSCert, "tlscert", "", "Path to TLS certificate file")
	fs.StringVar(&g.TLSKey, "tlskey", "", "Path to TLS key file")
	fs.BoolVarP(&b.version, "version", "v", false, "Print version information and quit")
	fs.BoolVarP(&b.help, "help", "h", false, "Print usage")
	// hardrun's own, accepted in front of the command too, so that
	// `hardrun --profile-dir DIR run ...` never falls through to docker.
	fs.StringVar(&g.Profile, "profile", "", "security profile: a name or a FILE")
	fs.StringArrayVar(&g.ProfileDirs, "profile-dir", nil, "extra profile directory (repeatable)")
	fs.BoolVar(&b.hardrunVersion, "hardrun-version", false, "Print hardrun's version and the engine's, and quit")
	return fs
}

// parseGlobals reads docker's global flags in front of the command and
// returns the rest (command first). A flag docker would not accept is an
// error, never the end of the globals: what follows it is a command line
// hardrun could not read for sure.
func parseGlobals(args []string) (*globals, []string, error) {
	g, _, rest, err := parseGlobalArgs(args)
	return g, rest, err
}

func parseGlobalArgs(args []string) (*globals, globalBools, []string, error) {
	g := &globals{set: map[string]bool{}}
	var b globalBools
	fs := newGlobalFlagSet(g, &b)
	if err := fs.Parse(args); err != nil {
		return nil, b, nil, err
	}
	fs.Visit(func(f *pflag.Flag) { g.set[f.Name] = true })
	rest := fs.Args()
	if err := checkGlobals(g, args, rest); err != nil {
		return nil, b, nil, err
	}
	return g, b, rest, nil
}

// checkGlobals refuses what docker reads differently from pflag, or
// refuses itself, where hardrun would otherwise judge one thing and docker
// do another.
func checkGlobals(g *globals, args, rest []string) error {
	// After `--` docker's command lookup (cobra's Traverse) reads flags
	// again with a cruder scan (`docker -- -D run`); hardrun does not guess.
	consumed := args[:len(args)-len(rest)]
	if len(consumed) > 0 && consumed[len(consumed)-1] == "--" && len(rest) > 0 && strings.HasPrefix(rest[0], "-") {
		return fmt.Errorf("cannot read the global flag %q after --", rest[0])
	}
	// docker refuses a second -H; hardrun must not pick an engine docker
	// would not talk to (the judge would read one engine, docker use another).
	if len(g.Hosts) > 1 {
		return errors.New("specify only one -H")
	}
	return nil
}
