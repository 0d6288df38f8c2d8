package audit

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"

	dockerspec "github.com/moby/docker-image-spec/specs-go/v1"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/system"

	"github.com/hardrun/hardrun/policy"
	"github.com/hardrun/hardrun/profiles"
)

// Engine is what an audit run asks of the engine. launcher's engine
// satisfies it through a small adapter in cmd/hardrun; tests use a fake.
// A missing container or image is an error wrapping policy.ErrNoSuchObject.
type Engine interface {
	Info(ctx context.Context) (system.Info, error)
	// ContainerList returns the IDs of the running containers, or of every
	// container when all is set.
	ContainerList(ctx context.Context, all bool) ([]string, error)
	ContainerInspect(ctx context.Context, id string) (container.InspectResponse, error)
	// ImageConfig returns the config of an image, by ID.
	ImageConfig(ctx context.Context, id string) (*dockerspec.DockerOCIImageConfig, error)
	// UserFiles reads the container's own /etc/passwd and /etc/group (the
	// archive endpoint): the files the engine resolves its user against.
	// A file that is absent reads as absent, not as an error.
	UserFiles(ctx context.Context, id string) (policy.UserFiles, error)
}

// Options are one audit run's inputs besides the engine.
type Options struct {
	Profile *profiles.Profile
	// HostFacts reads the host facts the policy needs (run once, while the
	// containers are listed and inspected).
	HostFacts func(ctx context.Context) (policy.HostFacts, error)
	// SameAsImage reports whether a container's /etc/passwd and /etc/group
	// are still its image's own regular files (the engine's storage on
	// this host says so): its identity is then read once per image rather
	// than once per container, the archive endpoint being the slow part of
	// an audit. nil: every container's files are read.
	SameAsImage func(container.InspectResponse) bool
	All         bool     // every container (a container removed meanwhile is skipped)
	Names       []string // else these containers
	// ImageFacts, if set, gives the image facts a container is judged
	// with (image trust: its verified digest, confirmed against the keys).
	ImageFacts func(ctx context.Context, c container.InspectResponse) policy.ImageFacts
}

// Parallel bounds the inspect calls in flight: enough to hide the
// engine's latency, few enough not to queue up in it.
const Parallel = 16

// LookupParallel bounds the extra look-ups in flight (user files through
// the archive endpoint, volume inspects), which cost the engine more than
// an inspect: each archive read walks the container's file system.
const LookupParallel = 8

// Run audits the containers (one inspect each, concurrently) and returns
// the report. Any error fails the whole run and no report is returned: a
// partial one would read as a pass for the missing containers.
func Run(ctx context.Context, e Engine, o Options) (Report, error) {
	if o.All == (len(o.Names) > 0) {
		return Report{}, errors.New("audit needs either --all or at least one CONTAINER")
	}
	au := newAuditor(ctx, e, o)
	ids := o.Names
	if o.All {
		var err error
		if ids, err = e.ContainerList(ctx, true); err != nil {
			return Report{}, fmt.Errorf("list containers: %w", err)
		}
	}
	results, notices, err := au.run(ctx, ids, o.All)
	if err != nil {
		return Report{}, err
	}
	ref := ProfileRef{Name: o.Profile.Name, Hash: policy.ProfileLabelHash(o.Profile)}
	return NewReport(policy.Version, ref, notices, results), nil
}

// auditor holds what every container's audit shares.
type auditor struct {
	e Engine
	p *profiles.Profile

	// The facts are read while the containers are listed and inspected;
	// they are set when ready is closed.
	ready    chan struct{}
	host     policy.HostFacts
	facts    policy.EngineFacts
	factsErr error

	mu      sync.Mutex
	images  map[string]*imageConfig  // by image ID, for this run only
	volumes map[string]*volumeLookup // by volume name, for this run only
	lookups chan struct{}            // LookupParallel slots
	all     bool
	same    func(container.InspectResponse) bool
	users   map[string]*imageUsers // by image ID, for this run only
	// imageFacts: Options.ImageFacts.
	imageFacts func(context.Context, container.InspectResponse) policy.ImageFacts
}

func newAuditor(ctx context.Context, e Engine, o Options) *auditor {
	au := &auditor{e: e, p: o.Profile, ready: make(chan struct{}), images: map[string]*imageConfig{},
		volumes: map[string]*volumeLookup{}, lookups: make(chan struct{}, LookupParallel), all: o.All,
		same: o.SameAsImage, users: map[string]*imageUsers{}, imageFacts: o.ImageFacts}
	go func() {
		defer close(au.ready)
		au.factsErr = au.readFacts(ctx, o.HostFacts)
	}()
	return au
}

// readFacts reads the engine's info (for the CIS checks and the inspect
// reader) and the host facts the policy needs.
func (au *auditor) readFacts(ctx context.Context, hostFacts func(context.Context) (policy.HostFacts, error)) error {
	info, err := au.e.Info(ctx)
	if err != nil {
		return fmt.Errorf("read engine info: %w", err)
	}
	au.facts = policy.EngineFactsOf(info)
	au.host, err = hostFacts(ctx)
	if au.host.Volume != nil {
		au.host.Volume = au.volume(au.host.Volume)
	}
	return err
}

// containerAudit is one container's audit.
type containerAudit struct {
	res     Result
	notices []string
	skip    bool // removed since --all listed it
	err     error
}

// run audits the containers concurrently, in the order given.
func (au *auditor) run(ctx context.Context, ids []string, all bool) ([]Result, []string, error) {
	out := make([]containerAudit, len(ids))
	sem := make(chan struct{}, Parallel)
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
func (au *auditor) audit(ctx context.Context, id string, c container.InspectResponse, err error, all bool) containerAudit {
	switch {
	case all && errors.Is(err, policy.ErrNoSuchObject):
		return containerAudit{skip: true}
	case err != nil:
		return containerAudit{err: fmt.Errorf("inspect container %s: %w", id, err)}
	}
	<-au.ready
	if au.factsErr != nil {
		return containerAudit{err: au.factsErr}
	}
	res, notices, err := au.judge(ctx, c)
	if errors.Is(err, errRemoved) && au.all {
		return containerAudit{skip: true, notices: []string{err.Error()}}
	}
	return containerAudit{res: res, notices: notices, err: err}
}

// collect gathers the results (a container named twice, by name and by
// ID, once) and the distinct notices, or every error.
func collect(out []containerAudit) ([]Result, []string, error) {
	var results []Result
	var errs []error
	var notices []string
	seen := map[string]bool{}
	for _, o := range out {
		switch {
		case o.err != nil:
			errs = append(errs, o.err)
		case o.skip:
			notices = append(notices, o.notices...)
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

// judge runs the policy on the request the container stands for (the one
// judge of style.md), then the CIS checks.
func (au *auditor) judge(ctx context.Context, c container.InspectResponse) (Result, []string, error) {
	req := policy.RequestFromInspect(c, au.facts)
	var facts policy.ImageFacts
	if au.imageFacts != nil {
		facts = au.imageFacts(ctx, c)
	}
	plan, err := policy.Evaluate(req, au.p, facts, au.host)
	if plan == nil {
		return Result{}, nil, fmt.Errorf("judge container %s: %w", c.ID, err)
	}
	var img *dockerspec.DockerOCIImageConfig
	if NeedsImage(c) {
		if img, err = au.image(ctx, c.Image); err != nil {
			return Result{}, nil, err
		}
	}
	eff, err := au.effects(ctx, c, plan)
	if err != nil {
		return Result{}, nil, err
	}
	in := Input{Container: c, Image: img, Engine: au.facts, Policy: PolicyOf(plan), Profile: au.p, Effects: &eff, Volumes: au.volumeReports(c)}
	return Judge(in), plan.Notices, nil
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
		cfg, err := au.e.ImageConfig(ctx, id)
		switch {
		case errors.Is(err, policy.ErrNoSuchObject):
			// removed since: 5.9 is then not judged
		case err != nil:
			ic.err = fmt.Errorf("inspect image %s: %w", id, err)
		default:
			ic.cfg = cfg
		}
	})
	return ic.cfg, ic.err
}
