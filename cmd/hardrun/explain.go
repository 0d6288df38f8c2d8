package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/hardrun/hardrun/launcher"
	"github.com/hardrun/hardrun/policy"
)

// explain shows what the profile would change and refuse, creating
// nothing. It exits 125 when run would refuse the request, so
// `hardrun explain ... && docker run ...` is safe in scripts.
func (a *app) explain(ctx context.Context, line *runLine) error {
	switch line.own.format {
	case "text", "json", "docker":
	default:
		return fmt.Errorf("unknown --format %q: use text, json or docker", line.own.format)
	}
	s, err := a.start(ctx, line)
	if err != nil {
		return err
	}
	defer s.e.Close()
	p, e, req := s.p, s.e, s.req
	verified, err := a.verifyForExplain(ctx, e, p, req.Config.Image, line.opts.Pull)
	if err != nil {
		return err
	}
	img, err := e.ImageInspect(ctx, imageRef(req.Config.Image, verified))
	if err != nil && !errors.Is(err, launcher.ErrNoSuchObject) {
		return err
	}
	host, err := a.hostFacts(ctx, e, p)
	if err != nil {
		return err
	}
	facts := launcher.FactsOf(img.Config)
	facts.Verified = verified
	// The image's user files, when a launch has read them: explain then
	// judges the identity as run does before create.
	facts.ID = img.ID
	facts.Users = launcher.NewUserFilesCache(a.getenv).Load(img.ID)
	plan, err := policy.Evaluate(req, p, facts, host)
	if plan == nil {
		return err
	}
	if line.own.format == "docker" {
		if ferr := a.writeSeccompFile(plan); ferr != nil {
			return ferr
		}
	}
	if err != nil && line.own.format == "docker" {
		a.report(p, plan, nil, false) // there is no docker line for a refused request
		return &exitError{code: 125}
	}
	if werr := plan.WriteExplain(a.stdout, line.own.format); werr != nil {
		return werr
	}
	if err != nil {
		return &exitError{code: 125}
	}
	return nil
}

// writeSeccompFile puts the plan's seccomp JSON where the docker line of
// `explain --format docker` names it: docker's --security-opt seccomp=
// takes a file, the Engine API takes the JSON itself.
func (a *app) writeSeccompFile(plan *policy.Plan) error {
	js := plan.SeccompJSON()
	if js == "" {
		return nil
	}
	dir, err := os.UserCacheDir()
	if err != nil {
		dir = os.TempDir()
	}
	dir = filepath.Join(dir, "hardrun", "seccomp")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	f := filepath.Join(dir, policy.ProfileLabelHash(plan.Profile)+".json")
	if err := os.WriteFile(f, []byte(js), 0o644); err != nil {
		return err
	}
	plan.SeccompFile = f
	return nil
}
