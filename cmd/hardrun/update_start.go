package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/spf13/pflag"

	"github.com/hardrun/hardrun/launcher"
	"github.com/hardrun/hardrun/policy"
)

// startLine is one parsed `docker start` or `docker restart` line.
type startLine struct {
	containers []string
	help       bool
}

// parseStartLine reads docker start's or restart's flags (docker 28
// cli/command/container/start.go, restart.go); they may follow the
// containers.
func parseStartLine(verb string, args []string) (*startLine, error) {
	s := &startLine{}
	var b bool
	var str string
	var n int
	fs := pflag.NewFlagSet(verb, pflag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	if verb == "restart" {
		fs.StringVarP(&str, "signal", "s", "", "Signal to send to the container")
		fs.IntVarP(&n, "timeout", "t", 0, "Seconds to wait before killing the container")
		fs.IntVar(&n, "time", 0, "Seconds to wait before killing the container (deprecated)")
	} else {
		fs.BoolVarP(&b, "attach", "a", false, "Attach STDOUT/STDERR and forward signals")
		fs.BoolVarP(&b, "interactive", "i", false, "Attach container's STDIN")
		fs.StringVar(&str, "detach-keys", "", "Override the key sequence for detaching a container")
		fs.StringVar(&str, "checkpoint", "", "Restore from this checkpoint")
		fs.StringVar(&str, "checkpoint-dir", "", "Use a custom checkpoint storage directory")
	}
	fs.BoolVarP(&s.help, "help", "h", false, "Print usage")
	if err := fs.Parse(args); err != nil {
		return nil, fmt.Errorf("%s: %w", verb, err)
	}
	s.containers = fs.Args()
	if !s.help && len(s.containers) == 0 {
		return nil, fmt.Errorf("\"docker %s\" requires at least 1 argument", verb)
	}
	return s, nil
}

// startVerb is `start` and `restart` (also as `container VERB`): each
// container hardrun made is started only if every bind source still
// resolves to the path judged when it was created.
func (a *app) startVerb(ctx context.Context, cl *commandLine, argv []string) error {
	s, err := parseStartLine(cl.verb, cl.args)
	if err != nil {
		return err
	}
	if s.help {
		return passThrough(argv)
	}
	e, err := a.engine()
	if err != nil {
		return err
	}
	defer e.Close()
	host, err := a.startHostFacts()
	if err != nil {
		return err
	}
	if err := a.judgeEach(ctx, e, s.containers, func(h *hardened) error {
		if err := policy.JudgeStart(h.insp.Mounts, h.p, host); err != nil {
			return err
		}
		return judgeStartIdentity(ctx, e, h, cl.verb == "restart")
	}); err != nil {
		return err
	}
	return passThrough(argv)
}

// judgeStartIdentity judges the user a container with a writable root
// file system will start as, from its /etc/passwd and /etc/group as they
// are now: the engine resolves the user again at every start. With a
// read-only root file system the files are the image's, judged at create.
// A restart of a running one is refused: it could rewrite the files after
// they were read, as late as its SIGTERM handler.
func judgeStartIdentity(ctx context.Context, e launcher.Engine, h *hardened, restart bool) error {
	if h.insp.HostConfig == nil || h.insp.HostConfig.ReadonlyRootfs {
		return nil
	}
	running := restart && h.insp.State != nil && h.insp.State.Running
	files, err := launcher.ReadUserFiles(ctx, e, h.insp.ID)
	return policy.JudgeStartIdentity(h.insp.Config, h.insp.HostConfig, files, err, running, h.p)
}

// startHostFacts resolves bind sources on this host when the engine runs
// here; for a remote engine it leaves ResolvePath nil, so every bind is
// "cannot be judged" (refused) rather than judged against the wrong host.
func (a *app) startHostFacts() (policy.HostFacts, error) {
	ep, err := a.g.endpoint(a.getenv)
	if err != nil {
		return policy.HostFacts{}, err
	}
	if !strings.HasPrefix(ep.Host, "unix://") {
		return policy.HostFacts{}, nil
	}
	return policy.HostFacts{ResolvePath: func(p string) (string, error) {
		if !filepath.IsAbs(p) {
			return "", errors.New("the engine recorded a relative path")
		}
		return filepath.EvalSymlinks(p)
	}}, nil
}
