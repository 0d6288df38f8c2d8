package authz

import (
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/mount"
	"github.com/moby/moby/api/types/volume"

	"github.com/hardrun/hardrun/policy"
)

// volumeCreate judges a volume's driver and driver options by the profile
// its label names, else the default: a local volume with
// type=none,o=bind,device=/etc is a bind of /etc by another name.
func (j *Judge) volumeCreate(r route, body []byte) Decision {
	var vc volume.CreateRequest
	if err := decodeStrict(body, &vc); err != nil {
		return deny(r, err.Error())
	}
	p, note := j.profiles.forLabel(vc.Labels[policy.LabelProfile])
	t := target{p: p, note: note}
	r.id = vc.Name
	if vc.ClusterVolumeSpec != nil {
		return t.refuse(r, "volume "+vc.Name+": cluster volumes are not judged yet")
	}
	driver := vc.Driver
	if driver == "" {
		driver = "local"
	}
	facts := policy.VolumeFacts{Driver: driver, Options: vc.DriverOpts}
	plan := &policy.Plan{Profile: p}
	mounts := []container.MountPoint{{Type: mount.TypeVolume, Name: orName(vc.Name)}}
	bad := policy.CheckVolumes(plan, mounts, func(string) (policy.VolumeFacts, error) { return facts, nil })
	if len(bad) == 0 {
		return judged(r, t, nil)
	}
	var reasons []string
	for _, m := range bad {
		reasons = append(reasons, "volume "+vc.Name+" (driver "+driver+") is not permitted: "+m.Got)
	}
	return t.refuse(r, reasons...)
}

// orName names an anonymous volume for the judge, which skips nameless
// ones (the engine names it).
func orName(name string) string {
	if name == "" {
		return "(anonymous)"
	}
	return name
}

// refuse denies r under t's profile for the plugin's own reasons.
func (t target) refuse(r route, reasons ...string) Decision {
	d := Decision{Endpoint: r.endpoint(), Container: r.id, Profile: t.p.Name}
	if t.note != "" {
		d.Reasons = append(d.Reasons, "judged by the default profile: "+t.note)
	}
	d.Reasons = append(d.Reasons, reasons...)
	return d
}

// buildNetworks are the network modes a build may use without the
// profile's say: its own, or none.
var buildNetworks = map[string]bool{"": true, "default": true, "bridge": true, "none": true}

// build judges the options of a classic or BuildKit build that give its
// RUN steps more than a container of the default profile gets: another
// network (host) or another cgroup parent.
func (j *Judge) build(r route) Decision {
	t := target{p: j.profiles.def}
	if cg := r.query.Get("cgroupparent"); cg != "" {
		return t.refuse(r, "docker build --cgroup-parent "+cg+" is not permitted: it places the build's containers outside the engine's cgroup (enforce: true)")
	}
	if nm := r.query.Get("networkmode"); !buildNetworks[nm] {
		return judged(r, t, networkRefusals(nm, t.p))
	}
	return judged(r, t, nil)
}
