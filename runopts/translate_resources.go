package runopts

import (
	"errors"
	"fmt"
	"strings"

	"github.com/moby/moby/api/types/blkiodev"
	"github.com/moby/moby/api/types/container"
)

// This file translates resource limits (memory, CPU, block I/O, pids,
// ulimits, OOM) and logging.

// resources sets HostConfig.Resources. docker always sends the
// swappiness, OOM-kill and pids pointers and the device lists (empty when
// not given). --kernel-memory is not sent: the API types lack the field
// (docker 28 sends it to API 1.40 and 1.41 daemons only).
func (b *requestBuilder) resources() error {
	o := b.o
	if err := checkCPUConflicts(o); err != nil {
		return err
	}
	swappiness, oomKillDisable, pidsLimit := o.MemorySwappiness, o.OomKillDisable, o.PidsLimit
	r := &b.hc.Resources
	r.CgroupParent = o.CgroupParent
	r.Memory = o.Memory
	r.MemoryReservation = o.MemoryReservation
	r.MemorySwap = o.MemorySwap
	r.MemorySwappiness = &swappiness
	r.OomKillDisable = &oomKillDisable
	r.PidsLimit = &pidsLimit
	b.cpuResources(r)
	b.blkioResources(r)
	r.Ulimits = clonePointees(o.Ulimits)
	if r.Ulimits == nil {
		r.Ulimits = []*container.Ulimit{}
	}
	b.hc.OomScoreAdj = o.OomScoreAdj
	return nil
}

func (b *requestBuilder) cpuResources(r *container.Resources) {
	o := b.o
	r.NanoCPUs = o.NanoCPUs
	r.CPUShares = o.CPUShares
	r.CPUPeriod = o.CPUPeriod
	r.CPUQuota = o.CPUQuota
	r.CPURealtimePeriod = o.CPURtPeriod
	r.CPURealtimeRuntime = o.CPURtRuntime
	r.CpusetCpus = o.CpusetCpus
	r.CpusetMems = o.CpusetMems
	r.CPUCount = o.CPUCount
	r.CPUPercent = o.CPUPercent
}

func (b *requestBuilder) blkioResources(r *container.Resources) {
	o := b.o
	r.BlkioWeight = o.BlkioWeight
	r.BlkioWeightDevice = clonePointees(o.BlkioWeightDevice)
	if r.BlkioWeightDevice == nil {
		r.BlkioWeightDevice = []*blkiodev.WeightDevice{}
	}
	r.BlkioDeviceReadBps = throttleOrEmpty(o.DeviceReadBps)
	r.BlkioDeviceWriteBps = throttleOrEmpty(o.DeviceWriteBps)
	r.BlkioDeviceReadIOps = throttleOrEmpty(o.DeviceReadIOps)
	r.BlkioDeviceWriteIOps = throttleOrEmpty(o.DeviceWriteIOps)
	r.IOMaximumBandwidth = uint64(o.IOMaxBandwidth)
	r.IOMaximumIOps = o.IOMaxIOps
}

func throttleOrEmpty(t []*blkiodev.ThrottleDevice) []*blkiodev.ThrottleDevice {
	if t == nil {
		return []*blkiodev.ThrottleDevice{}
	}
	return clonePointees(t)
}

// checkSwappiness is docker's early range check of --memory-swappiness.
func (b *requestBuilder) checkSwappiness() error {
	s := b.o.MemorySwappiness
	if s != -1 && (s < 0 || s > 100) {
		return fmt.Errorf("invalid value: %d. Valid memory swappiness range is 0-100", s)
	}
	return nil
}

// checkCPUConflicts refuses --cpus with --cpu-period or --cpu-quota here,
// with the daemon's words, so that explain and verify refuse it too.
func checkCPUConflicts(o *RunOptions) error {
	if o.NanoCPUs > 0 && o.CPUPeriod > 0 {
		return errors.New("Conflicting options: Nano CPUs and CPU Period cannot both be set") //nolint:staticcheck // the daemon's wording
	}
	if o.NanoCPUs > 0 && o.CPUQuota > 0 {
		return errors.New("Conflicting options: Nano CPUs and CPU Quota cannot both be set") //nolint:staticcheck // the daemon's wording
	}
	return nil
}

// logging sets LogConfig; the driver "none" takes no options.
func (b *requestBuilder) logging() error {
	if b.o.LogDriver == "none" && len(b.o.LogOpts) > 0 {
		return fmt.Errorf("invalid logging opts for driver %s", b.o.LogDriver)
	}
	cfg := make(map[string]string, len(b.o.LogOpts))
	for _, kv := range b.o.LogOpts {
		k, v, _ := strings.Cut(kv, "=")
		cfg[k] = v
	}
	b.hc.LogConfig = container.LogConfig{Type: b.o.LogDriver, Config: cfg}
	return nil
}
