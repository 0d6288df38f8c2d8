package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"strings"
	"sync"
	"syscall"

	"github.com/moby/term"
	"github.com/spf13/pflag"
	"github.com/urfave/cli/v3"

	"github.com/hardrun/hardrun/internal/oneproc"
	"github.com/hardrun/hardrun/launcher"
	"github.com/hardrun/hardrun/policy"
	"github.com/hardrun/hardrun/profiles"
	"github.com/hardrun/hardrun/runopts"
)

// hardrunFlags are hardrun's own flags, parsed with docker's run flags.
type hardrunFlags struct {
	profile     string
	profileDirs []string
	explain     bool
	format      string
}

// runLine is one parsed run/create/explain/verify command line.
type runLine struct {
	verb  string
	opts  *runopts.RunOptions
	own   hardrunFlags
	flags *pflag.FlagSet // for --help
}

func (a *app) runCommand(verb, usage string) *cli.Command {
	return &cli.Command{
		Name:            verb,
		Usage:           usage,
		ArgsUsage:       "[--profile NAME|FILE] [DOCKER RUN FLAGS] IMAGE [COMMAND] [ARG...]",
		SkipFlagParsing: true,
		Action: func(ctx context.Context, cmd *cli.Command) error {
			line, err := parseRunLine(verb, cmd.Args().Slice())
			if err != nil {
				return err
			}
			if line.opts.Help && runVerbs[verb] {
				return a.runHelp(verb) // docker's help, then hardrun's flags
			}
			if line.opts.Help {
				fmt.Fprintf(a.stdout, "Usage:  hardrun %s %s\n\n%s\n\nOptions:\n%s", verb, cmd.ArgsUsage, usage, line.flags.FlagUsages())
				return nil
			}
			switch verb {
			case "explain":
				return a.explain(ctx, line)
			case "verify":
				return a.verify(ctx, line)
			}
			return a.launch(ctx, line)
		},
	}
}

// parseRunLine parses docker's run flags plus hardrun's own, stopping at
// IMAGE as docker does.
func parseRunLine(verb string, args []string) (*runLine, error) {
	line := &runLine{verb: verb, opts: runopts.NewRunOptions()}
	fs := pflag.NewFlagSet("hardrun "+verb, pflag.ContinueOnError)
	line.flags = fs
	fs.SetOutput(io.Discard)
	if verb == "create" {
		addCreateFlags(fs, line.opts) // docker create has no -d, --sig-proxy, --detach-keys
	} else {
		addRunFlags(fs, line.opts)
	}
	fs.StringVar(&line.own.profile, "profile", "", "security profile: a name or a FILE")
	fs.StringArrayVar(&line.own.profileDirs, "profile-dir", nil, "extra profile directory (repeatable)")
	if verb == "run" {
		fs.BoolVar(&line.own.explain, "explain", false, "print what the profile changes to stderr, then run")
	}
	if verb == "explain" || verb == "verify" {
		fs.StringVar(&line.own.format, "format", "text", "output format")
	}
	if err := parseRunArgs(fs, line.opts, args); err != nil {
		return nil, err
	}
	return line, nil
}

// loadProfile resolves --profile (or $HARDRUN_PROFILE, else default).
func (a *app) loadProfile(own hardrunFlags) (*profiles.Profile, error) {
	dirs := append(append([]string{}, a.g.ProfileDirs...), own.profileDirs...)
	ref := own.profile
	if ref == "" {
		ref = a.g.Profile
	}
	return a.siteProfile(dirs, ref)
}

// request translates the parsed flags into the Engine API request for the
// API version negotiated with e, as docker's client does: flags the engine
// is too old for are refused rather than silently dropped.
func (a *app) request(ctx context.Context, e launcher.Engine, o *runopts.RunOptions) (policy.Request, error) {
	api, err := e.APIVersion(ctx)
	if err != nil {
		return policy.Request{}, err
	}
	cwd, err := os.Getwd()
	if err != nil {
		return policy.Request{}, err
	}
	ep, err := a.g.endpoint(a.getenv)
	if err != nil {
		return policy.Request{}, err
	}
	env := runopts.TranslateEnv{
		Cwd:        cwd,
		Getenv:     a.getenv,
		LookupEnv:  os.LookupEnv,
		ReadFile:   os.ReadFile,
		APIVersion: api,
		Host:       ep.Host,
		Proxy:      a.proxies(ep.Host),
	}
	if fd, isTerm := term.GetFdInfo(a.stdout); isTerm {
		if ws, err := term.GetWinsize(fd); err == nil {
			env.ConsoleSize = [2]uint{uint(ws.Height), uint(ws.Width)}
		}
	}
	return o.Request(env)
}

// session is what every run-like command starts from: the profile, a
// connected engine (close it) and the translated request.
type session struct {
	p   *profiles.Profile
	e   launcher.Engine
	req policy.Request
}

// start loads the profile, connects to the engine and translates the line.
func (a *app) start(ctx context.Context, line *runLine) (*session, error) {
	p, err := a.loadProfile(line.own)
	if err != nil {
		return nil, err
	}
	e, err := a.engine()
	if err != nil {
		return nil, err
	}
	req, err := a.request(ctx, e, line.opts)
	if err != nil {
		e.Close()
		return nil, err
	}
	return &session{p: p, e: e, req: req}, nil
}

// launch is `run` and `create`.
func (a *app) launch(ctx context.Context, line *runLine) error {
	o := line.opts
	if line.verb == "run" && !o.Detach {
		if err := a.checkTTY(o.Interactive || slices.Contains(o.Attach, "stdin"), o.TTY); err != nil {
			return err
		}
	}
	release := holdOnThisCPU()
	defer release()
	s, err := a.start(ctx, line)
	if err != nil {
		return createExit(line.verb, err, false)
	}
	defer s.e.Close()
	p, e, req := s.p, s.e, s.req
	l := &launcher.Launch{
		Request:      req,
		Users:        launcher.NewUserFilesCache(a.getenv),
		CreateOnly:   line.verb == "create",
		Detach:       o.Detach,
		SigProxy:     o.SigProxy,
		DetachKeys:   o.DetachKeys,
		CIDFile:      o.CIDFile,
		Pull:         o.Pull,
		Quiet:        o.Quiet,
		Platform:     o.Platform,
		RegistryAuth: a.registryAuth,
		Plan:         a.planner(e, p, line),
		Trust:        a.trust(p),
	}
	tio, ready, creating := a.terminal(o)
	tio.Bulk = oneproc.Restore
	code, err := launcher.Run(ctx, startGate{Engine: e, ready: ready, creating: creating, started: release}, l, tio)
	if err != nil {
		return createExit(line.verb, err, true)
	}
	if code != 0 {
		return &exitError{code: code}
	}
	return nil
}

// planner binds the profile and the host facts to the policy, printing
// notices and refusals the way the contract words them.
func (a *app) planner(e launcher.Engine, p *profiles.Profile, line *runLine) func(context.Context, policy.Request, policy.ImageFacts) (*policy.Plan, error) {
	return func(ctx context.Context, req policy.Request, img policy.ImageFacts) (*policy.Plan, error) {
		host, err := a.hostFacts(ctx, e, p)
		if err != nil {
			return nil, err
		}
		plan, err := policy.Evaluate(req, p, img, host)
		if line.own.explain && plan != nil {
			_ = plan.WriteExplain(a.stderr, "text")
		}
		if plan != nil {
			a.report(p, plan, builtinPermits(p.Name, func(alt *profiles.Profile) *policy.Plan {
				alt2, _ := policy.Evaluate(req, alt, img, host)
				return alt2
			}), runVerbs[line.verb])
		}
		return plan, err
	}
}

// terminal describes hardrun's standard streams and, when signals are to
// be proxied (or a TTY resized), subscribes to them. SIGINT and SIGTERM
// come first: until the container runs they cancel the launch. The rest
// wait for the create request (call creating): subscribing to every
// signal is a round trip per signal to the runtime's signal-mask thread
// (~0.5 ms of CPU on one CPU) and hardrun runs on one processor until the
// start, so done earlier it would delay the create by as much; done then,
// it overlaps the engine's create, which takes tens of milliseconds.
// ready is closed once all is done (startGate). The subscription lasts as
// long as the process, which ends with the launch: signal.Stop would cost
// as much again (see BENCHMARKS.md).
func (a *app) terminal(o *runopts.RunOptions) (tio launcher.IO, ready <-chan struct{}, creating func()) {
	inFd, inTTY := term.GetFdInfo(a.stdin)
	outFd, outTTY := term.GetFdInfo(a.stdout)
	errFd, errTTY := term.GetFdInfo(a.stderr)
	tio = launcher.IO{
		In: a.stdin, Out: a.stdout, Err: a.stderr,
		InFd: inFd, OutFd: outFd, ErrFd: errFd,
		InTTY: inTTY, OutTTY: outTTY, ErrTTY: errTTY,
	}
	done := make(chan struct{})
	if o.Detach {
		close(done)
		return tio, done, func() {}
	}
	created := make(chan struct{})
	sigc := make(chan os.Signal, 64)
	go func() {
		defer close(done)
		if o.SigProxy {
			signal.Notify(sigc, syscall.SIGINT, syscall.SIGTERM)
			<-created
			signal.Notify(sigc) // all of them: the launcher skips what docker skips
		} else if o.TTY {
			signal.Notify(sigc, syscall.SIGWINCH)
		}
	}()
	tio.Signals = sigc
	return tio, done, sync.OnceFunc(func() { close(created) })
}

// startGate holds the container's start until the signal subscription is
// in place, so that no signal meant for the container finds hardrun
// without a handler (and kills it instead). It calls creating as the
// create request goes out, and started (holdOnThisCPU's release) once the
// start has been answered. What it buys: the ~60 signal subscriptions run
// while the engine creates, not before the create request (sent 11.4 ->
// 9.9 ms after exec, BENCHMARKS.md).
type startGate struct {
	launcher.Engine
	ready    <-chan struct{}
	creating func()
	started  func()
}

func (g startGate) ContainerCreate(ctx context.Context, r *policy.Request) (string, []string, error) {
	g.creating()
	return g.Engine.ContainerCreate(ctx, r)
}

func (g startGate) ContainerStart(ctx context.Context, id string) error {
	<-g.ready
	defer g.started()
	return g.Engine.ContainerStart(ctx, id)
}

// hostFacts reads what the policy needs of this host and the engine.
func (a *app) hostFacts(ctx context.Context, e launcher.Engine, p *profiles.Profile) (policy.HostFacts, error) {
	cwd, err := os.Getwd()
	if err != nil {
		return policy.HostFacts{}, err
	}
	ep, err := a.g.endpoint(a.getenv)
	if err != nil {
		return policy.HostFacts{}, err
	}
	local := strings.HasPrefix(ep.Host, "unix://")
	o := launcher.HostOptions{Cwd: cwd, EngineLocal: local}
	if local {
		o.EngineSocket = strings.TrimPrefix(ep.Host, "unix://")
	}
	return launcher.NewHostFacts(ctx, e, p, o)
}
