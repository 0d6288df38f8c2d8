package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/docker/cli/opts"
	"github.com/spf13/pflag"

	"github.com/hardrun/hardrun/launcher"
	"github.com/hardrun/hardrun/policy"
)

// updateLine is one parsed `docker update` command line.
type updateLine struct {
	req        policy.UpdateRequest
	containers []string
	help       bool
}

// updateFlags are docker update's flag values before they become the
// request (docker 28 cli/command/container/update.go).
type updateFlags struct {
	memory, memoryReservation opts.MemBytes
	memorySwap                opts.MemSwapBytes
	kernelMemory              opts.MemBytes
	cpus                      opts.NanoCPUs
	pidsLimit                 int64
	restart                   string
}

// parseUpdateLine reads docker update's flags, which may come before or
// after the containers, and builds the request as docker's client does.
func parseUpdateLine(args []string) (*updateLine, error) {
	u := &updateLine{req: policy.UpdateRequest{Set: map[string]bool{}}}
	var f updateFlags
	fs := updateFlagSet(&u.req, &f, &u.help)
	if err := fs.Parse(args); err != nil {
		return nil, fmt.Errorf("update: %w", err)
	}
	if u.help {
		return u, nil
	}
	fs.Visit(func(fl *pflag.Flag) { u.req.Set[fl.Name] = true })
	if err := f.apply(&u.req); err != nil {
		return nil, err
	}
	u.containers = fs.Args()
	if len(u.containers) == 0 {
		return nil, errors.New("\"docker update\" requires at least 1 argument")
	}
	if len(u.req.Set) == 0 {
		return nil, errors.New("you must provide one or more flags when using this command")
	}
	return u, nil
}

func updateFlagSet(req *policy.UpdateRequest, f *updateFlags, help *bool) *pflag.FlagSet {
	r := &req.Resources
	fs := pflag.NewFlagSet("update", pflag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	fs.Uint16Var(&r.BlkioWeight, "blkio-weight", 0, "Block IO (relative weight)")
	fs.Int64Var(&r.CPUPeriod, "cpu-period", 0, "Limit CPU CFS period")
	fs.Int64Var(&r.CPUQuota, "cpu-quota", 0, "Limit CPU CFS quota")
	fs.Int64Var(&r.CPURealtimePeriod, "cpu-rt-period", 0, "Limit the CPU real-time period in microseconds")
	fs.Int64Var(&r.CPURealtimeRuntime, "cpu-rt-runtime", 0, "Limit the CPU real-time runtime in microseconds")
	fs.StringVar(&r.CpusetCpus, "cpuset-cpus", "", "CPUs in which to allow execution")
	fs.StringVar(&r.CpusetMems, "cpuset-mems", "", "MEMs in which to allow execution")
	fs.Int64VarP(&r.CPUShares, "cpu-shares", "c", 0, "CPU shares (relative weight)")
	fs.VarP(&f.memory, "memory", "m", "Memory limit")
	fs.Var(&f.memoryReservation, "memory-reservation", "Memory soft limit")
	fs.Var(&f.memorySwap, "memory-swap", "Swap limit equal to memory plus swap")
	fs.Var(&f.kernelMemory, "kernel-memory", "Kernel memory limit (deprecated)")
	fs.StringVar(&f.restart, "restart", "", "Restart policy to apply when a container exits")
	fs.Int64Var(&f.pidsLimit, "pids-limit", 0, "Tune container pids limit")
	fs.Var(&f.cpus, "cpus", "Number of CPUs")
	fs.BoolVarP(help, "help", "h", false, "Print usage")
	return fs
}

// apply sets what docker's client sends: 0 is "unchanged" for every
// field, and --pids-limit 0 is not sent at all.
func (f *updateFlags) apply(req *policy.UpdateRequest) error {
	r := &req.Resources
	r.Memory, r.MemoryReservation, r.MemorySwap = f.memory.Value(), f.memoryReservation.Value(), f.memorySwap.Value()
	r.NanoCPUs = f.cpus.Value()
	if f.pidsLimit != 0 {
		r.PidsLimit = &f.pidsLimit
	}
	if f.restart == "" {
		return nil
	}
	rp, err := opts.ParseRestartPolicy(f.restart)
	if err != nil {
		return err
	}
	req.RestartPolicy = rp
	return nil
}

// updateVerb is `update` and `container update`: each container hardrun
// made is judged by its own profile; one refusal refuses the whole
// command, so nothing is updated.
func (a *app) updateVerb(ctx context.Context, cl *commandLine, argv []string) error {
	u, err := parseUpdateLine(cl.args)
	if err != nil || u.help {
		if err != nil {
			return err
		}
		return passThrough(argv)
	}
	e, err := a.engine()
	if err != nil {
		return err
	}
	defer e.Close()
	err = a.judgeEach(ctx, e, u.containers, func(h *hardened) error {
		return policy.JudgeUpdate(u.req, h.insp.HostConfig, h.p)
	})
	if err != nil {
		return err
	}
	return passThrough(argv)
}

// judgeEach inspects every container and judges those hardrun made with
// judge. Every refusal is printed before the command is refused. The
// names are handed to docker as given (docker prints them back); a name
// taken over between the judge and docker needs the engine's socket,
// which bypasses any client anyway.
func (a *app) judgeEach(ctx context.Context, e launcher.Engine, names []string, judge func(*hardened) error) error {
	var refusal error
	for _, name := range names {
		h, found, err := a.inspectHardened(ctx, e, name)
		if err != nil {
			return err
		}
		if !found || h.p == nil {
			continue // docker reports a missing one; an unlabelled one is docker's
		}
		if err := judge(h); err != nil {
			if !errors.Is(err, policy.ErrRefused) {
				return err
			}
			refusal = a.refused(err)
		}
	}
	return refusal
}
