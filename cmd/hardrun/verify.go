package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"github.com/moby/moby/api/types/mount"
	"github.com/moby/term"

	"github.com/hardrun/hardrun/launcher"
	"github.com/hardrun/hardrun/policy"
	"github.com/hardrun/hardrun/probe"
)

// probePath is where verify mounts the hardrun binary in the container: a
// path no image has, so the probe needs nothing from the image.
const probePath = "/.hardrun/hardrun"

// verifyResult is `verify --format json`: the probe's report and the verdict.
type verifyResult struct {
	Profile  string       `json:"profile"`
	Image    string       `json:"image"`
	Passed   bool         `json:"passed"`
	Failures []string     `json:"failures"`
	Report   probe.Report `json:"report"`
}

// verify creates the container exactly as run would (same plan, same
// refusals), with the probe as its entrypoint, and judges the report:
// exit 0 when everything the profile forbids was blocked, 1 otherwise.
func (a *app) verify(ctx context.Context, line *runLine) error {
	if f := line.own.format; f != "text" && f != "json" {
		return fmt.Errorf("unknown --format %q: use text or json", f)
	}
	self, err := probeBinary()
	if err != nil {
		return err
	}
	line.opts.Rm, line.opts.Detach, line.opts.TTY, line.opts.Interactive = true, false, false, false
	line.opts.Set["rm"] = true
	s, err := a.start(ctx, line)
	if err != nil {
		return err
	}
	defer s.e.Close()
	p, e, req := s.p, s.e, s.req
	var out bytes.Buffer
	var plan *policy.Plan
	plan0 := a.planner(e, p, line)
	l := &launcher.Launch{
		Request:      req,
		Users:        launcher.NewUserFilesCache(a.getenv),
		SigProxy:     true,
		Pull:         line.opts.Pull,
		Platform:     line.opts.Platform,
		RegistryAuth: a.registryAuth,
		Plan: func(ctx context.Context, r policy.Request, img policy.ImageFacts) (*policy.Plan, error) {
			pl, err := plan0(ctx, r, img)
			if err == nil {
				withProbe(pl, self)
				plan = pl
			}
			return pl, err
		},
	}
	tio := launcher.IO{Out: &out, Err: a.stderr}
	if _, err := launcher.Run(ctx, e, l, tio); err != nil {
		return err
	}
	var rep probe.Report
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		return fmt.Errorf("read the probe's report: %w (output %q)", err, out.String())
	}
	res := verifyResult{Profile: p.Name, Image: req.Config.Image, Report: rep, Failures: rep.Failures(permitted(plan))}
	res.Passed = len(res.Failures) == 0
	if err := a.writeVerify(res, line.own.format); err != nil {
		return err
	}
	if !res.Passed {
		return &exitError{code: 1}
	}
	return nil
}

// probeBinary is this very executable: static, so it runs in any image.
func probeBinary() (string, error) {
	self, err := os.Executable()
	if err != nil {
		return "", fmt.Errorf("find the hardrun binary: %w", err)
	}
	return filepath.EvalSymlinks(self)
}

// withProbe mounts the binary read-only and makes the probe the whole
// command, after the policy judged the caller's request as it stands. It
// asks the probe to try writing to every mount the request brings.
func withProbe(plan *policy.Plan, self string) {
	cfg, hc := plan.Request.Config, plan.Request.HostConfig
	args := []string{probePath, probeCommand}
	for _, dst := range mountTargets(plan) {
		args = append(args, "--volume", dst)
	}
	hc.Mounts = append(hc.Mounts, mount.Mount{Type: mount.TypeBind, Source: self, Target: probePath, ReadOnly: true})
	cfg.Entrypoint, cfg.Cmd = args, nil
	cfg.AttachStdin, cfg.OpenStdin, cfg.StdinOnce, cfg.Tty = false, false, false, false
	cfg.AttachStdout, cfg.AttachStderr = true, true
}

// mountTargets lists where the request mounts binds and volumes, each once.
func mountTargets(plan *policy.Plan) []string {
	var dsts []string
	for _, m := range plan.Request.Mounts() {
		dsts = append(dsts, m.Target)
	}
	slices.Sort(dsts)
	return slices.Compact(dsts)
}

// permitted is what the plan lets the probe do: write to the mounts it
// leaves writable, run as uid 0 or with group 0, and share the host's
// cgroup namespace, each only where an enforcing profile allows it.
func permitted(plan *policy.Plan) probe.Permitted {
	pr := plan.Profile
	p := probe.Permitted{
		Writable:     map[string]bool{},
		Root:         pr.Enforce && pr.AllowRoot,
		RootGroup:    pr.Enforce && pr.AllowRootGroup,
		HostCgroupns: pr.Enforce && slices.Contains(pr.NamespacesAllowHost, "cgroupns"),
	}
	for _, m := range plan.Request.Mounts() {
		if m.RW {
			p.Writable[m.Target] = true
		}
	}
	return p
}

func (a *app) writeVerify(res verifyResult, format string) error {
	if format == "json" {
		enc := json.NewEncoder(a.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(res)
	}
	_, color := term.GetFdInfo(a.stdout)
	fmt.Fprintf(a.stdout, "profile %s, image %s\n", res.Profile, res.Image)
	res.Report.WriteText(a.stdout, color)
	if res.Passed {
		fmt.Fprintln(a.stdout, "\nverdict: PASS: everything the profile forbids was blocked")
		return nil
	}
	fmt.Fprintln(a.stdout, "\nverdict: FAIL")
	for _, f := range res.Failures {
		fmt.Fprintf(a.stdout, "  %s\n", f)
	}
	return nil
}
