package policy

import (
	"errors"
	"strconv"

	"github.com/moby/moby/api/types/container"

	"github.com/hardrun/hardrun/profiles"
)

// UpdateRequest is a `docker update` as the Engine API takes it: the
// resources and restart policy, plus the docker flags the caller gave
// (long names), since the API spells "unchanged" as 0.
type UpdateRequest struct {
	Resources     container.Resources
	RestartPolicy container.RestartPolicy
	Set           map[string]bool
}

// cfsPeriod is the CFS period (µs) the engine uses for --cpus and the
// kernel's default one.
const cfsPeriod = 100000

// JudgeUpdate judges an update of a container created under p, whose
// current HostConfig is current, against the profile's requirements on
// what an update can change: max.memory, max.cpus, max.pids and
// restart_allow. The other update flags (--cpu-shares, --cpuset-*,
// --blkio-weight, --memory-reservation, --memory-swap, --kernel-memory)
// have no ceiling in a profile. It returns nil or a *RefusedError.
func JudgeUpdate(u UpdateRequest, current *container.HostConfig, p *profiles.Profile) error {
	if p == nil {
		return errors.New("judge update: no profile")
	}
	if !p.Enforce {
		return nil
	}
	if current == nil {
		current = &container.HostConfig{}
	}
	e := newEvaluation(Request{Set: u.Set}, p, ImageFacts{}, HostFacts{})
	// The engine leaves a field the update sends as 0 unchanged, so only
	// the values it sends are judged; the ceilings reuse run's judges.
	if u.Resources.Memory != 0 {
		e.hc.Memory = u.Resources.Memory
		e.applyMemory()
	}
	if u.Resources.PidsLimit != nil && e.given("pids-limit") {
		e.hc.PidsLimit = u.Resources.PidsLimit
		e.applyPids()
	}
	e.judgeUpdateCPUs(u, current.Resources)
	if e.given("restart") {
		e.hc.RestartPolicy = u.RestartPolicy
		e.judgeRestart()
		// As at create: the engine would mount the container's host binds
		// by path again at every restart, without hardrun.
		e.hc.Binds, e.hc.Mounts, e.hc.VolumesFrom = current.Binds, current.Mounts, current.VolumesFrom
		e.judgeRestartBinds()
		// And it would resolve the user again from files the container
		// may have rewritten.
		e.hc.ReadonlyRootfs = current.ReadonlyRootfs
		e.judgeRestartUserFiles()
	}
	if len(e.plan.Refusals) > 0 {
		return &RefusedError{Profile: p.Name, Refusals: e.plan.Refusals}
	}
	return nil
}

// judgeUpdateCPUs judges the CPU limit the running container has after
// the update. The engine hands the update's own fields to the cgroup
// (moby daemon/update_linux.go): the quota and period from --cpus, else
// --cpu-quota and --cpu-period, each left as it is when not sent. So a
// period alone rescales the current quota (--cpu-period 1000 turns a
// 2-CPU quota into 200 CPUs) and --cpu-quota -1 lifts a --cpus limit
// (the engine's conflict check only looks at positive values).
func (e *evaluation) judgeUpdateCPUs(u UpdateRequest, cur container.Resources) {
	ceil := e.p.Max.NanoCPUs()
	what := updateCPUItem(u)
	if ceil <= 0 || what == "" {
		return
	}
	quota, period := cgroupCPU(cur)
	r := u.Resources
	switch {
	case r.NanoCPUs != 0:
		quota, period = r.NanoCPUs*cfsPeriod/1e9, cfsPeriod
	default:
		if r.CPUQuota != 0 {
			quota = r.CPUQuota
		}
		if r.CPUPeriod != 0 {
			period = r.CPUPeriod
		}
	}
	key := keyString("max.cpus", e.p.Max.CPUs)
	switch {
	case quota <= 0 || period <= 0:
		e.refuse(itemAs(FieldNanoCPUs, what), key, "it sets no CPU limit")
	case quota*1e9/period > ceil:
		e.refuse(itemAs(FieldNanoCPUs, what), key, "it allows "+formatCPUs(quota*1e9/period)+" CPUs")
	}
}

// cgroupCPU is the CFS quota and period a container's resources give it
// (-1: no quota).
func cgroupCPU(r container.Resources) (quota, period int64) {
	if r.NanoCPUs > 0 {
		return r.NanoCPUs * cfsPeriod / 1e9, cfsPeriod
	}
	quota, period = r.CPUQuota, r.CPUPeriod
	if quota == 0 {
		quota = -1
	}
	if period <= 0 {
		period = cfsPeriod
	}
	return quota, period
}

// updateCPUItem names the CPU flags the update gives, in the user's
// words; "" when it gives none.
func updateCPUItem(u UpdateRequest) string {
	r := u.Resources
	switch {
	case r.NanoCPUs != 0:
		return itemText("HostConfig.Resources.NanoCPUs", formatCPUs(r.NanoCPUs))
	case r.CPUQuota != 0 && r.CPUPeriod != 0:
		return itemText("HostConfig.Resources.CPUQuota", strconv.FormatInt(r.CPUQuota, 10)) + " " +
			itemText("HostConfig.Resources.CPUPeriod", strconv.FormatInt(r.CPUPeriod, 10))
	case r.CPUQuota != 0:
		return itemText("HostConfig.Resources.CPUQuota", strconv.FormatInt(r.CPUQuota, 10))
	case r.CPUPeriod != 0:
		return itemText("HostConfig.Resources.CPUPeriod", strconv.FormatInt(r.CPUPeriod, 10))
	}
	return ""
}
