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
	res := verifyResult{Profile: p.Name, Image: req.Config.Image, Report: rep, Failures: judge(plan, rep)}
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
	hc.Mounts = append(hc.Mounts, mount.Mount{Type: mount.TypeBind, Source: self, Target: probePath, ReadOnly: true})
	args := []string{probePath, probeCommand}
	for _, dst := range mountTargets(plan) {
		args = append(args, "--volume", dst)
	}
	cfg.Entrypoint, cfg.Cmd = args, nil
	cfg.AttachStdin, cfg.OpenStdin, cfg.StdinOnce, cfg.Tty = false, false, false, false
	cfg.AttachStdout, cfg.AttachStderr = true, true
}

// mountTargets lists where the request mounts binds and volumes.
func mountTargets(plan *policy.Plan) []string {
	var dsts []string
	for _, m := range plan.Request.HostConfig.Mounts {
		if m.Target != probePath && m.Type != mount.TypeTmpfs {
			dsts = append(dsts, m.Target)
		}
	}
	for _, b := range plan.Request.HostConfig.Binds {
		if dst, ok := bindTarget(b); ok {
			dsts = append(dsts, dst)
		}
	}
	for v := range plan.Request.Config.Volumes {
		dsts = append(dsts, v)
	}
	slices.Sort(dsts)
	return slices.Compact(dsts)
}

// bindTarget is the container path of a -v SRC:DST[:MODE] bind.
func bindTarget(b string) (string, bool) {
	parts := splitBind(b)
	if len(parts) < 2 {
		return "", false
	}
	return parts[1], true
}

func splitBind(b string) []string {
	var parts []string
	start := 0
	for i := 0; i < len(b); i++ {
		if b[i] == ':' {
			parts = append(parts, b[start:i])
			start = i + 1
		}
	}
	return append(parts, b[start:])
}

// judge lists what the container could do that the profile forbids: any
// escape attempt that worked (a write to a volume the plan mounts rw is
// permitted), and a root uid where the profile does not allow root.
func judge(plan *policy.Plan, r probe.Report) []string {
	var fails []string
	rw := writableTargets(plan)
	for _, at := range r.Attempts {
		if at.Result != probe.ResultAllowed {
			continue
		}
		if at.Name == probe.AttemptWriteVolume && rw[at.Target] {
			continue
		}
		fails = append(fails, fmt.Sprintf("%s %s: ALLOWED", at.Name, at.Target))
	}
	if p := plan.Profile; r.UID == 0 && (!p.Enforce || !p.AllowRoot) {
		fails = append(fails, "runs as uid 0")
	}
	return fails
}

// writableTargets are the mounts the plan deliberately makes writable.
func writableTargets(plan *policy.Plan) map[string]bool {
	rw := map[string]bool{}
	for _, m := range plan.Request.HostConfig.Mounts {
		if !m.ReadOnly && m.Type != mount.TypeTmpfs {
			rw[m.Target] = true
		}
	}
	for _, b := range plan.Request.HostConfig.Binds {
		parts := splitBind(b)
		if len(parts) == 2 || (len(parts) == 3 && !slices.Contains(splitOpts(parts[2]), "ro")) {
			rw[parts[1]] = true
		}
	}
	return rw
}

func splitOpts(s string) []string {
	var out []string
	start := 0
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == ',' {
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return out
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
