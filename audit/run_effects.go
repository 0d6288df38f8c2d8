package audit

import (
	"context"
	"errors"
	"fmt"
	"path"
	"strings"
	"sync"

	"github.com/moby/moby/api/types/container"

	"github.com/hardrun/hardrun/policy"
)

// errRemoved: the container went away while it was audited. Under --all
// it is skipped with a notice; a container named on the command line
// fails the run, since leaving it out would read as a pass.
var errRemoved = errors.New("removed while it was audited")

// effects reads what the container really gets (see Effects): its
// identity from its own user files, the judge's verdicts on the volumes,
// bind sources and log driver the engine really has.
func (au *auditor) effects(ctx context.Context, c container.InspectResponse, plan *policy.Plan) (Effects, error) {
	eff := Effects{}
	if c.Config != nil {
		eff.User = c.Config.User
	}
	if c.HostConfig != nil {
		eff.GroupAdd = c.HostConfig.GroupAdd
	}
	if err := au.identity(ctx, c, &eff); err != nil {
		return eff, err
	}
	if au.host.Volume != nil {
		eff.Volumes = policy.CheckVolumes(plan, c.Mounts, au.host.Volume)
	}
	var refused *policy.RefusedError
	if err := policy.JudgeStart(c.Mounts, au.p, au.host); errors.As(err, &refused) {
		eff.Binds = refused.Refusals
	}
	for _, m := range policy.Check(plan, c) {
		if m.Setting == "log driver" {
			eff.Logging = append(eff.Logging, m)
		}
	}
	return eff, nil
}

// identity resolves the recorded user and --group-add against the
// container's own /etc/passwd and /etc/group, as the engine does at every
// start. A container without them is resolved as the engine would (a
// numeric user works, a name does not); one removed meanwhile is
// errRemoved.
func (au *auditor) identity(ctx context.Context, c container.InspectResponse, eff *Effects) error {
	files, err := au.userFiles(ctx, c)
	switch {
	case errors.Is(err, policy.ErrNoSuchObject):
		return fmt.Errorf("container %s: %w", containerName(c), errRemoved)
	case err != nil:
		eff.IdentityErr = "read its /etc/passwd and /etc/group: " + err.Error()
		return nil
	}
	id, err := policy.ResolveIdentity(eff.User, eff.GroupAdd, files)
	if err != nil {
		eff.IdentityErr = err.Error()
		return nil
	}
	eff.Identity = &id
	return nil
}

// userFiles reads the container's user files, or its image's, read once
// per image, when they are the image's own (Options.SameAsImage) and no
// mount covers them.
func (au *auditor) userFiles(ctx context.Context, c container.InspectResponse) (policy.UserFiles, error) {
	if au.same == nil || c.Image == "" || coversUserFiles(c.Mounts) || !au.same(c) {
		return au.readUserFiles(ctx, c.ID)
	}
	au.mu.Lock()
	iu, ok := au.users[c.Image]
	if !ok {
		iu = &imageUsers{}
		au.users[c.Image] = iu
	}
	au.mu.Unlock()
	iu.mu.Lock()
	defer iu.mu.Unlock()
	if iu.done {
		return iu.files, nil
	}
	files, err := au.readUserFiles(ctx, c.ID)
	if err == nil {
		// Kept only once read whole from a container that still exists: a
		// removal midway must not leave "no files" for its image.
		iu.files, iu.done = files, true
	}
	return files, err
}

// readUserFiles reads the files through the archive endpoint. It answers
// "no such file" for a container that is gone too: when a file is
// missing, the container is asked whether it still exists.
func (au *auditor) readUserFiles(ctx context.Context, id string) (policy.UserFiles, error) {
	au.lookups <- struct{}{}
	files, err := au.e.UserFiles(ctx, id)
	<-au.lookups
	if err == nil && (!files.HavePasswd || !files.HaveGroup) {
		if _, ierr := au.e.ContainerInspect(ctx, id); errors.Is(ierr, policy.ErrNoSuchObject) {
			return files, ierr
		}
	}
	return files, err
}

// imageUsers are one image's user files, read once.
type imageUsers struct {
	mu    sync.Mutex
	done  bool
	files policy.UserFiles
}

// coversUserFiles: a mount on /, /etc, /etc/passwd or /etc/group puts
// files there that are not the image's.
func coversUserFiles(mounts []container.MountPoint) bool {
	for _, m := range mounts {
		switch path.Clean(m.Destination) {
		case "/", "/etc", "/etc/passwd", "/etc/group":
			return true
		}
	}
	return false
}

func containerName(c container.InspectResponse) string {
	if n := strings.TrimPrefix(c.Name, "/"); n != "" {
		return n
	}
	return c.ID
}

// volumeLookup is one volume's inspect, made once however many
// containers mount it.
type volumeLookup struct {
	once  sync.Once
	facts policy.VolumeFacts
	err   error
}

// volume wraps the host facts' volume look-up: each name inspected once
// per run, at most LookupParallel at a time.
func (au *auditor) volume(lookup func(string) (policy.VolumeFacts, error)) func(string) (policy.VolumeFacts, error) {
	return func(name string) (policy.VolumeFacts, error) {
		au.mu.Lock()
		vl, ok := au.volumes[name]
		if !ok {
			vl = &volumeLookup{}
			au.volumes[name] = vl
		}
		au.mu.Unlock()
		vl.once.Do(func() {
			au.lookups <- struct{}{}
			defer func() { <-au.lookups }()
			vl.facts, vl.err = lookup(name)
		})
		return vl.facts, vl.err
	}
}

// volumeReports describes each named volume the container mounts.
func (au *auditor) volumeReports(c container.InspectResponse) []VolumeReport {
	var out []VolumeReport
	for _, m := range volumeMounts(c) {
		v := VolumeReport{Name: m.Name, Destination: m.Destination, Driver: m.Driver, Options: map[string]string{}}
		if au.host.Volume == nil {
			v.Error = "no volume look-up"
		} else if f, err := au.host.Volume(m.Name); err != nil {
			v.Error = err.Error()
		} else {
			v.Driver = f.Driver
			if f.Options != nil {
				v.Options = f.Options
			}
		}
		out = append(out, v)
	}
	return out
}
