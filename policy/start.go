package policy

import (
	"errors"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/mount"

	"github.com/hardrun/hardrun/profiles"
)

// JudgeStart judges a start of a container created under p from the
// engine's record of its mounts (inspect's Mounts: -v, --mount and
// --volumes-from binds alike). The engine mounts each bind source as the
// kernel resolves the path at this start, not as the judge resolved it at
// create, and creates a -v source that has gone missing; so every source
// must still resolve to itself (hardrun recorded the resolved path) and
// stay out of what the profile refuses. Device and inode are not compared
// yet: a directory replaced by another one at the same path passes. It
// returns nil or a *RefusedError.
func JudgeStart(mounts []container.MountPoint, p *profiles.Profile, host HostFacts) error {
	if p == nil {
		return errors.New("judge start: no profile")
	}
	if !p.Enforce {
		return nil
	}
	e := newEvaluation(Request{}, p, ImageFacts{}, host)
	for _, m := range mounts {
		if m.Type == mount.TypeBind {
			e.judgeStartSource(itemAs(FieldBinds, "bind "+m.Source+":"+m.Destination), m.Source)
		}
	}
	if len(e.plan.Refusals) > 0 {
		return &RefusedError{Profile: p.Name, Refusals: e.plan.Refusals}
	}
	return nil
}

// judgeStartSource refuses a bind source that no longer resolves to
// itself, no longer exists, or is one the profile refuses.
func (e *evaluation) judgeStartSource(what Item, src string) {
	if e.host.ResolvePath == nil {
		e.refuse(what, keyEnforce, "cannot be judged: bind sources can only be resolved on the engine's host")
		return
	}
	resolved, err := e.host.ResolvePath(src)
	switch {
	case err != nil && isNotFound(err):
		e.refuse(what, keyEnforce, src+" no longer exists (the engine would create it on the host)")
		return
	case err != nil:
		e.refuse(what, keyEnforce, "cannot be judged: "+err.Error())
		return
	case resolved != src:
		e.refuse(what, keyEnforce, src+" now resolves to "+resolved+", not to the path judged at create")
		return
	}
	if key, why := e.hostPathRefusal(src, resolved); key != "" {
		e.refuse(what, key, why)
	}
}

// JudgeStartIdentity judges the identity a container will start with:
// its user and --group-add resolved, as the engine and runc will resolve
// them at this start, against its /etc/passwd and /etc/group as they are
// now. A container with a writable root file system may have rewritten
// them since it was created (an entry that makes its user uid 0, a group
// named after its gid with gid 0). readErr is why the files could not be
// read, if they could not: the start is refused, since what runc would
// read instead is unknown. running refuses outright: a restart of a
// running container hands it the files' last word (its SIGTERM handler
// can rewrite them after any check). Returns nil or a *RefusedError.
func JudgeStartIdentity(cfg *container.Config, hc *container.HostConfig, files UserFiles, readErr error, running bool, p *profiles.Profile) error {
	if p == nil {
		return errors.New("judge start: no profile")
	}
	if !p.Enforce || (p.AllowRoot && p.AllowRootGroup) || cfg == nil || hc == nil {
		return nil
	}
	e := newEvaluation(Request{}, p, ImageFacts{}, HostFacts{})
	what := item("Config.User", orString(cfg.User, "root"))
	id, err := ResolveIdentity(cfg.User, hc.GroupAdd, files)
	if readErr != nil {
		err = readErr
	}
	switch {
	case running:
		e.refuse(itemAs(FieldUser, "restart of a running container with a writable root file system"), keyEnforce,
			"it could rewrite its /etc/passwd and /etc/group after they are judged, even while it stops: stop it, then hardrun start judges the files it left")
	case err != nil:
		e.refuse(what, keyEnforce, "cannot be judged: "+err.Error())
	case id.RootUser() && !p.AllowRoot:
		e.refuse(what, "allow_root: false", "it now resolves to uid 0 in the container's /etc/passwd")
	case id.RootGroup() && !p.AllowRootGroup:
		e.refuse(what, "allow_root_group: false", "it now resolves to group 0 in the container's /etc/passwd and /etc/group")
	}
	if len(e.plan.Refusals) > 0 {
		return &RefusedError{Profile: p.Name, Refusals: e.plan.Refusals}
	}
	return nil
}
