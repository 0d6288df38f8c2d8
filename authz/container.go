package authz

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/network"

	"github.com/hardrun/hardrun/policy"
	"github.com/hardrun/hardrun/profiles"
)

// target is the container a request acts on and the profile judging it.
type target struct {
	insp container.InspectResponse
	p    *profiles.Profile
	note string
}

// lookup inspects the container a route names; the profile is the one
// its label names (as the site policy allows), else the default.
func (j *Judge) lookup(ctx context.Context, id string) (target, error) {
	insp, err := j.engine.Container(ctx, id)
	if err != nil {
		return target{}, fmt.Errorf("inspect container %s: %w", id, err)
	}
	var label string
	if insp.Config != nil {
		label = insp.Config.Labels[policy.LabelProfile]
	}
	p, note := j.profiles.forLabel(label)
	return target{insp: insp, p: p, note: note}, nil
}

// judged turns a judge's error into a decision.
func judged(r route, t target, err error) Decision {
	if err == nil {
		return Decision{Allow: true, Endpoint: r.endpoint(), Container: r.id, Profile: t.p.Name}
	}
	d := t.refuse(r)
	var re *policy.RefusedError
	if errors.As(err, &re) {
		for _, rf := range re.Refusals {
			d.Reasons = append(d.Reasons, rf.Error())
		}
		return d
	}
	d.Reasons = append(d.Reasons, "cannot be judged: "+err.Error())
	return d
}

// execCreate is the exec create body as every client sends it: docker's
// CLI up to 28 also sends Detach, which the engine ignores.
type execCreate struct {
	container.ExecCreateRequest
	Detach bool
}

// exec judges an exec create by the target container's profile: -u,
// --privileged and --workdir, the user resolved in the container's files.
func (j *Judge) exec(ctx context.Context, r route, body []byte) Decision {
	var er execCreate
	if err := decodeStrict(body, &er); err != nil {
		return deny(r, err.Error())
	}
	t, err := j.lookup(ctx, r.id)
	if err != nil {
		return deny(r, err.Error())
	}
	req := policy.ExecRequest{User: er.User, Privileged: er.Privileged, WorkingDir: er.WorkingDir, Env: er.Env, Cmd: er.Cmd}
	var facts policy.ExecFacts
	facts.WritableRoot = t.insp.HostConfig == nil || !t.insp.HostConfig.ReadonlyRootfs
	if er.User != "" {
		if files, err := j.engine.UserFiles(ctx, r.id); err == nil {
			var groupAdd []string
			if t.insp.HostConfig != nil {
				groupAdd = t.insp.HostConfig.GroupAdd
			}
			facts.ResolveUser = policy.ExecUserResolver(files, groupAdd)
		} // else numbers only: a name cannot be resolved, so it is refused
	}
	return judged(r, t, policy.JudgeExec(req, t.p, facts))
}

// update judges a container update against the ceilings of the
// container's profile. The API spells "unchanged" as 0, so a restart
// policy counts as given when it names one, a pids limit when it is sent.
func (j *Judge) update(ctx context.Context, r route, body []byte) Decision {
	var uc container.UpdateConfig
	if err := decodeStrict(body, &uc); err != nil {
		return deny(r, err.Error())
	}
	t, err := j.lookup(ctx, r.id)
	if err != nil {
		return deny(r, err.Error())
	}
	set := map[string]bool{}
	if uc.RestartPolicy.Name != "" {
		set["restart"] = true
	}
	if uc.PidsLimit != nil {
		set["pids-limit"] = true
	}
	u := policy.UpdateRequest{Resources: uc.Resources, RestartPolicy: uc.RestartPolicy, Set: set}
	return judged(r, t, policy.JudgeUpdate(u, t.insp.HostConfig, t.p))
}

// start refuses the deprecated HostConfig body (API < 1.24 applied it at
// start, after the create was judged) and judges, at this start, what a
// create cannot settle: the identity, resolved in the container's own
// /etc/passwd and /etc/group as the engine will (a create request names
// a uid whose groups only the image's files give), and every bind source
// the engine will mount, resolved again.
func (j *Judge) start(ctx context.Context, r route, body []byte) Decision {
	if b := bytes.TrimSpace(body); len(b) > 0 && string(b) != "{}" && string(b) != "null" {
		return deny(r, "a HostConfig sent with start (deprecated API) would change the container after it was judged: give it at create")
	}
	t, err := j.lookup(ctx, r.id)
	if err != nil {
		return deny(r, err.Error())
	}
	if t.insp.Config == nil || t.insp.HostConfig == nil {
		return t.refuse(r, "cannot be judged: the engine's record has no config")
	}
	neverStarted := t.insp.State != nil && t.insp.State.Status == container.StateCreated
	files, err := j.files.files(ctx, j.engine, r.id, t.insp.ID, t.insp.Image, neverStarted)
	if err != nil {
		return judged(r, t, err)
	}
	plan := &policy.Plan{
		Request: policy.Request{Config: t.insp.Config, HostConfig: t.insp.HostConfig},
		Profile: t.p,
		Image:   policy.ImageFacts{User: t.insp.Config.User},
	}
	if rfs := policy.JudgeIdentity(plan, files); len(rfs) > 0 {
		return judged(r, t, &policy.RefusedError{Profile: t.p.Name, Refusals: rfs})
	}
	host, err := j.engine.HostFacts(ctx, t.p)
	if err != nil {
		return judged(r, t, err)
	}
	return judged(r, t, policy.JudgeStart(t.insp.Mounts, t.p, host))
}

// connect judges a network connect as a create naming that network, by
// the container's profile: only network.allow decides it.
func (j *Judge) connect(ctx context.Context, r route, body []byte) Decision {
	var nc network.ConnectRequest
	if err := decodeStrict(body, &nc); err != nil {
		return deny(r, err.Error())
	}
	d := j.connectTo(ctx, r, nc.Container, r.id)
	d.Container = nc.Container
	return d
}

func (j *Judge) connectTo(ctx context.Context, r route, ctr, netID string) Decision {
	t, err := j.lookup(ctx, ctr)
	if err != nil {
		return deny(r, err.Error())
	}
	name, err := j.engine.NetworkName(ctx, netID)
	if err != nil {
		return judged(r, t, err)
	}
	return judged(r, t, networkRefusals(name, t.p))
}

// networkRefusals judges a request whose only content is the network
// name, keeping the refusals about networks.
func networkRefusals(name string, p *profiles.Profile) error {
	req := policy.Request{
		Config:     &container.Config{},
		HostConfig: &container.HostConfig{NetworkMode: container.NetworkMode(name)},
	}
	plan, err := policy.Evaluate(policy.RequireOnly(req), p, policy.ImageFacts{}, policy.HostFacts{})
	var re *policy.RefusedError
	if err != nil && !errors.As(err, &re) {
		return err
	}
	var keep []policy.Refusal
	for _, rf := range plan.Refusals {
		if strings.HasPrefix(rf.Key, "network.") {
			keep = append(keep, rf)
		}
	}
	if len(keep) == 0 {
		return nil
	}
	return &policy.RefusedError{Profile: p.Name, Refusals: keep}
}
