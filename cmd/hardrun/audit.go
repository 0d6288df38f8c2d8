package main

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	dockerspec "github.com/moby/docker-image-spec/specs-go/v1"
	"github.com/moby/moby/api/types/container"
	"github.com/urfave/cli/v3"

	"github.com/hardrun/hardrun/audit"
	"github.com/hardrun/hardrun/launcher"
	"github.com/hardrun/hardrun/policy"
	"github.com/hardrun/hardrun/profiles"
)

// auditParallel bounds the inspect calls in flight: enough to hide the
// engine's latency, few enough not to queue up in it.
const auditParallel = 16

func (a *app) auditCommand() *cli.Command {
	return &cli.Command{
		Name:      "audit",
		Usage:     "Judge containers against a profile and the CIS Docker Benchmark container-runtime checks",
		ArgsUsage: "(--all | CONTAINER...)",
		Flags: []cli.Flag{profileFlag, profileDirFlag, formatFlag(audit.FormatText, audit.Formats...),
			&cli.BoolFlag{Name: "all", Aliases: []string{"a"}, Usage: "audit every container, running or not"}},
		Action: func(ctx context.Context, cmd *cli.Command) error {
			return a.audit(ctx, auditOptions{
				profile: a.profileRef(cmd),
				dirs:    append(append([]string{}, a.g.ProfileDirs...), cmd.StringSlice("profile-dir")...),
				format:  cmd.String("format"),
				all:     cmd.Bool("all"),
				names:   cmd.Args().Slice(),
			})
		},
	}
}

// auditOptions are audit's flags and arguments.
type auditOptions struct {
	profile string
	dirs    []string
	format  string
	all     bool
	names   []string
}

// audit judges each container (one inspect each, concurrently) and exits
// 0 when every one passes, 1 when any fails, 125 on any error (no report
// is then written: a partial one would read as a pass for the missing).
func (a *app) audit(ctx context.Context, o auditOptions) error {
	if o.all == (len(o.names) > 0) {
		return errors.New("audit needs either --all or at least one CONTAINER")
	}
	l := profiles.NewLoader(profiles.SearchOptions{ProfileDirs: o.dirs, Getenv: a.getenv})
	p, err := l.Load(o.profile)
	if err != nil {
		return fmt.Errorf("load profile: %w", err)
	}
	e, err := a.engine()
	if err != nil {
		return err
	}
	defer e.Close()
	au := newAuditor(ctx, a, e, p)
	ids := o.names
	if o.all {
		if ids, err = e.ContainerList(ctx, true); err != nil {
			return fmt.Errorf("list containers: %w", err)
		}
	}
	results, notices, err := au.run(ctx, ids, o.all)
	if err != nil {
		return err
	}
	rep := audit.NewReport(policy.Version, audit.ProfileRef{Name: p.Name, Hash: policy.ProfileLabelHash(p)}, notices, results)
	if err := audit.Write(a.stdout, rep, o.format); err != nil {
		return err
	}
	if !rep.Pass {
		return &exitError{code: 1}
	}
	return nil
}

// auditor holds what every container's audit shares.
type auditor struct {
	e launcher.Engine
	p *profiles.Profile

	// The facts are read while the containers are listed and inspected;
	// they are set when ready is closed.
	ready    chan struct{}
	host     policy.HostFacts
	facts    audit.EngineFacts
	factsErr error

	mu     sync.Mutex
	images map[string]*imageConfig // by image ID
	trust  *launcher.Trust         // nil unless the profile requires signatures
}

func newAuditor(ctx context.Context, a *app, e launcher.Engine, p *profiles.Profile) *auditor {
	au := &auditor{e: e, p: p, ready: make(chan struct{}), images: map[string]*imageConfig{}, trust: a.trust(p)}
	go func() {
		defer close(au.ready)
		au.factsErr = au.readFacts(ctx, a)
	}()
	return au
}

// readFacts reads the engine's info (for the CIS checks) and the host
// facts the policy needs.
func (au *auditor) readFacts(ctx context.Context, a *app) error {
	info, err := au.e.Info(ctx)
	if err != nil {
		return fmt.Errorf("read engine info: %w", err)
	}
	au.facts = audit.EngineFactsOf(info)
	host, err := a.hostFacts(ctx, au.e, au.p)
	if err != nil {
		return err
	}
	ep, err := a.g.endpoint(a.getenv)
	if err != nil {
		return err
	}
	host.Cwd = "/"
	host.ResolvePath = recordedPath(strings.HasPrefix(ep.Host, "unix://"))
	au.host = host
	return nil
}

// recordedPath resolves a bind source the engine recorded: the engine
// already mounted it, so a source that no longer exists (or that a remote
// engine's host has) is judged as written rather than refused.
func recordedPath(local bool) func(string) (string, error) {
	return func(p string) (string, error) {
		if local {
			if r, err := filepath.EvalSymlinks(p); err == nil {
				return r, nil
			}
		}
		return filepath.Clean(p), nil
	}
}

// outcome is one container's audit.
type outcome struct {
	res     audit.Result
	notices []string
	skip    bool // removed since --all listed it
	err     error
}

// run audits the containers concurrently, in the order given.
func (au *auditor) run(ctx context.Context, ids []string, all bool) ([]audit.Result, []string, error) {
	out := make([]outcome, len(ids))
	sem := make(chan struct{}, auditParallel)
	var wg sync.WaitGroup
	for i, id := range ids {
		wg.Go(func() {
			sem <- struct{}{}
			c, err := au.e.ContainerInspect(ctx, id)
			<-sem
			out[i] = au.audit(ctx, id, c, err, all)
		})
	}
	wg.Wait()
	<-au.ready
	if au.factsErr != nil {
		return nil, nil, au.factsErr
	}
	return collect(out)
}

// audit judges one inspected container once the facts are in. A container
// removed between --all's list and its inspect is skipped; any other error
// fails the run.
func (au *auditor) audit(ctx context.Context, id string, c container.InspectResponse, err error, all bool) outcome {
	switch {
	case all && errors.Is(err, launcher.ErrNoSuchObject):
		return outcome{skip: true}
	case err != nil:
		return outcome{err: fmt.Errorf("inspect container %s: %w", id, err)}
	}
	<-au.ready
	if au.factsErr != nil {
		return outcome{err: au.factsErr}
	}
	res, notices, err := au.judge(ctx, c)
	return outcome{res: res, notices: notices, err: err}
}

// collect gathers the results (a container named twice, by name and by
// ID, once) and the distinct notices, or every error.
func collect(out []outcome) ([]audit.Result, []string, error) {
	var results []audit.Result
	var errs []error
	var notices []string
	seen := map[string]bool{}
	for _, o := range out {
		switch {
		case o.err != nil:
			errs = append(errs, o.err)
		case !o.skip && !seen[o.res.Container.ID]:
			seen[o.res.Container.ID] = true
			results = append(results, o.res)
			notices = append(notices, o.notices...)
		}
	}
	if len(errs) > 0 {
		return nil, nil, errors.Join(errs...)
	}
	slices.Sort(notices)
	return results, slices.Compact(notices), nil
}

// judge runs the launcher's policy on the request the container stands for
// (the one judge of style.md), then the CIS checks.
func (au *auditor) judge(ctx context.Context, c container.InspectResponse) (audit.Result, []string, error) {
	r := audit.RequestOf(c, au.facts)
	req := policy.Request{Name: r.Name, Config: r.Config, HostConfig: r.HostConfig, NetworkingConfig: r.NetworkingConfig}
	plan, err := policy.Evaluate(req, au.p, au.imageFacts(ctx, c), au.host)
	if plan == nil {
		return audit.Result{}, nil, fmt.Errorf("judge container %s: %w", c.ID, err)
	}
	var pol audit.Policy
	for _, ch := range plan.Changes {
		pol.Changes = append(pol.Changes, audit.Change(ch))
	}
	for _, rf := range plan.Refusals {
		pol.Refusals = append(pol.Refusals, audit.Refusal(rf))
	}
	var img *dockerspec.DockerOCIImageConfig
	if audit.NeedsImage(c) {
		if img, err = au.image(ctx, c.Image); err != nil {
			return audit.Result{}, nil, err
		}
	}
	return audit.Judge(audit.Input{Container: c, Image: img, Engine: au.facts, Policy: pol}), plan.Notices, nil
}

// imageConfig is one image's config, looked up once however many
// containers run it.
type imageConfig struct {
	once sync.Once
	cfg  *dockerspec.DockerOCIImageConfig
	err  error
}

func (au *auditor) image(ctx context.Context, id string) (*dockerspec.DockerOCIImageConfig, error) {
	au.mu.Lock()
	ic, ok := au.images[id]
	if !ok {
		ic = &imageConfig{}
		au.images[id] = ic
	}
	au.mu.Unlock()
	ic.once.Do(func() {
		img, err := au.e.ImageInspect(ctx, id)
		switch {
		case errors.Is(err, launcher.ErrNoSuchObject):
			// removed since: 5.9 is then not judged
		case err != nil:
			ic.err = fmt.Errorf("inspect image %s: %w", id, err)
		default:
			ic.cfg = img.Config
		}
	})
	return ic.cfg, ic.err
}
