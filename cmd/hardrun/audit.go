package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	dockerspec "github.com/moby/docker-image-spec/specs-go/v1"
	"github.com/moby/moby/api/types/container"
	"github.com/urfave/cli/v3"

	"github.com/hardrun/hardrun/audit"
	"github.com/hardrun/hardrun/launcher"
	"github.com/hardrun/hardrun/policy"
	"github.com/hardrun/hardrun/profiles"
)

func (a *app) auditCommand() *cli.Command {
	return &cli.Command{
		Name:      "audit",
		Usage:     "Judge containers against a profile and the CIS Docker Benchmark container-runtime checks",
		ArgsUsage: "(--all | CONTAINER...)",
		Flags: []cli.Flag{profileFlag, profileDirFlag, formatFlag(audit.FormatText, audit.Formats...),
			&cli.BoolFlag{Name: "all", Aliases: []string{"a"}, Usage: "audit every container, running or not"}},
		Action: func(ctx context.Context, cmd *cli.Command) error {
			return a.audit(ctx, auditOptions{
				profile: a.profileRef(cmd),
				dirs:    append(append([]string{}, a.g.ProfileDirs...), cmd.StringSlice("profile-dir")...),
				format:  cmd.String("format"),
				all:     cmd.Bool("all"),
				names:   cmd.Args().Slice(),
			})
		},
	}
}

// auditOptions are audit's flags and arguments.
type auditOptions struct {
	profile string
	dirs    []string
	format  string
	all     bool
	names   []string
}

// audit runs audit.Run and exits 0 when every container passes, 1 when
// any fails, 125 on any error (no report is then written).
func (a *app) audit(ctx context.Context, o auditOptions) error {
	if o.all == (len(o.names) > 0) {
		return errors.New("audit needs either --all or at least one CONTAINER")
	}
	l := profiles.NewLoader(profiles.SearchOptions{ProfileDirs: o.dirs, Getenv: a.getenv, SystemDir: a.systemProfileDir})
	p, err := l.Load(o.profile)
	if err != nil {
		return fmt.Errorf("load profile: %w", err)
	}
	e, err := a.engine()
	if err != nil {
		return err
	}
	defer e.Close()
	ep, err := a.g.endpoint(a.getenv)
	if err != nil {
		return err
	}
	opts := audit.Options{
		Profile:    p,
		HostFacts:  func(ctx context.Context) (policy.HostFacts, error) { return a.auditHostFacts(ctx, e, p) },
		All:        o.all,
		Names:      o.names,
		ImageFacts: a.auditImageFacts(e, p),
	}
	if strings.HasPrefix(ep.Host, "unix://") {
		// The engine's storage is on this host: unchanged user files are
		// read once per image.
		opts.SameAsImage = userFilesFromImage
	}
	rep, err := audit.Run(ctx, auditEngine{e}, opts)
	if err != nil {
		return err
	}
	if err := audit.Write(a.stdout, rep, o.format); err != nil {
		return err
	}
	if !rep.Pass {
		return &exitError{code: 1}
	}
	return nil
}

// auditEngine is launcher's engine as audit.Engine.
type auditEngine struct{ launcher.Engine }

func (e auditEngine) ImageConfig(ctx context.Context, id string) (*dockerspec.DockerOCIImageConfig, error) {
	img, err := e.ImageInspect(ctx, id)
	return img.Config, err
}

// auditHostFacts are run's host facts, with bind sources read as the
// engine recorded them. launcher.NewHostFacts fills Object, so each bind
// source is judged by the object it names (a socket, a device, a path
// holding other mounts, the engine's socket under another name) when the
// engine runs on this host.
func (a *app) auditHostFacts(ctx context.Context, e launcher.Engine, p *profiles.Profile) (policy.HostFacts, error) {
	host, err := a.hostFacts(ctx, e, p)
	if err != nil {
		return host, err
	}
	ep, err := a.g.endpoint(a.getenv)
	if err != nil {
		return host, err
	}
	local := strings.HasPrefix(ep.Host, "unix://")
	host.Cwd = "/"
	host.ResolvePath = recordedPath(local)
	if !local {
		// The objects bind sources name are on the engine's host, which
		// this one is not: nil makes the judge say they cannot be judged.
		host.Object = nil
	}
	return host, nil
}

// recordedPath resolves a bind source the engine recorded: the engine
// already mounted it, so a source that no longer exists (or that a remote
// engine's host has) is judged as written rather than refused.
func recordedPath(local bool) func(string) (string, error) {
	return func(p string) (string, error) {
		if local {
			if r, err := filepath.EvalSymlinks(p); err == nil {
				return r, nil
			}
		}
		return filepath.Clean(p), nil
	}
}

// UserFiles reads the container's /etc/passwd and /etc/group through the
// archive endpoint, as the engine resolves its user.
func (e auditEngine) UserFiles(ctx context.Context, id string) (policy.UserFiles, error) {
	return launcher.ReadUserFiles(ctx, e.Engine, id)
}

// userFilesFromImage reports whether the container's /etc/passwd and
// /etc/group are its image's own regular files, from the engine's storage
// on this host (overlay drivers record the layers in GraphDriver.Data):
// nothing under etc in the container's upper (writable) directory, so no
// change since create, and in the topmost lower layer that has each of
// etc, etc/passwd and etc/group, a directory and regular files (or a
// whiteout), so no symlink can lead the engine elsewhere, into a mount of
// this one container. Anything else (another driver, an unreadable
// storage, a symlink) is false: the container's own files are then read.
func userFilesFromImage(c container.InspectResponse) bool {
	if c.GraphDriver == nil {
		return false
	}
	data := c.GraphDriver.Data
	upper, lower := data["UpperDir"], data["LowerDir"]
	if !filepath.IsAbs(upper) || lower == "" {
		return false
	}
	if fi, err := os.Lstat(upper); err != nil || !fi.IsDir() {
		return false
	}
	if _, err := os.Lstat(filepath.Join(upper, "etc")); !errors.Is(err, fs.ErrNotExist) {
		return false
	}
	layers := strings.Split(lower, ":")
	return topmostIs(layers, "etc", fs.FileInfo.IsDir) &&
		topmostIs(layers, "etc/passwd", regular) && topmostIs(layers, "etc/group", regular)
}

func regular(fi fs.FileInfo) bool { return fi.Mode().IsRegular() }

// topmostIs checks name in the topmost layer that has it: ok(its info),
// or a whiteout (a character device: deleted, so absent). No layer has
// it: absent, which is no link either.
func topmostIs(layers []string, name string, ok func(fs.FileInfo) bool) bool {
	for _, l := range layers {
		if !filepath.IsAbs(l) {
			return false
		}
		fi, err := os.Lstat(filepath.Join(l, name))
		switch {
		case errors.Is(err, fs.ErrNotExist):
			continue
		case err != nil:
			return false
		case fi.Mode()&fs.ModeCharDevice != 0:
			return true
		default:
			return ok(fi)
		}
	}
	return true
}
