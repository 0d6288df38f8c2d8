package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/moby/moby/api/types/container"

	"github.com/hardrun/hardrun/launcher"
	"github.com/hardrun/hardrun/policy"
	"github.com/hardrun/hardrun/profiles"
)

// hardened is an existing container hardrun made: its engine record and
// the profile its io.hardrun.profile label names, as loaded now.
type hardened struct {
	insp container.InspectResponse
	p    *profiles.Profile
}

// inspectHardened looks a container up. It returns nil, nil for a
// container docker will not find (docker reports that itself) and
// ok=false for one without hardrun's label (docker's to run unjudged).
func (a *app) inspectHardened(ctx context.Context, e launcher.Engine, name string) (h *hardened, found bool, err error) {
	insp, err := e.ContainerInspect(ctx, name)
	if errors.Is(err, launcher.ErrNoSuchObject) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("inspect container %s: %w", name, err)
	}
	h = &hardened{insp: insp}
	if insp.Config == nil || insp.Config.Labels[policy.LabelProfile] == "" {
		return h, true, nil
	}
	h.p, err = a.labelProfile(insp.Config.Labels[policy.LabelProfile])
	if err != nil {
		return nil, true, fmt.Errorf("container %s: %w", name, err)
	}
	return h, true, nil
}

// labelProfile loads the profile a label "name@sha256:hash" names, by
// name only: a label naming a file would let whoever labels a container
// choose the file that judges it. When the profile changed since the
// container was created, it judges by the current one and says so once.
func (a *app) labelProfile(label string) (*profiles.Profile, error) {
	name, hash, ok := strings.Cut(label, "@sha256:")
	if !ok || name == "" || profiles.IsFileRef(name) || strings.ContainsAny(name, `/\`) {
		return nil, fmt.Errorf("label %s=%q names no profile", policy.LabelProfile, label)
	}
	l := profiles.NewLoader(profiles.SearchOptions{ProfileDirs: a.g.ProfileDirs, Getenv: a.getenv})
	p, err := l.Load(name)
	if err != nil {
		return nil, fmt.Errorf("load profile %q named by its label: %w", name, err)
	}
	if now := policy.ProfileLabelHash(p); now != hash {
		fmt.Fprintf(a.stderr, "hardrun: profile %q changed since the container was created (sha256:%s, now sha256:%s): judging by the current profile\n",
			name, short(hash), short(now))
	}
	return p, nil
}

func short(hash string) string {
	if len(hash) > 12 {
		return hash[:12]
	}
	return hash
}

// refused prints a refusal, one line per refused item, and returns the
// error run maps to 125 without printing it again.
func (a *app) refused(err error) error {
	var re *policy.RefusedError
	if errors.As(err, &re) {
		for _, line := range strings.Split(re.Error(), "\n") {
			fmt.Fprintf(a.stderr, "hardrun: %s\n", line)
		}
	}
	return err
}
