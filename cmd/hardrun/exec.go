package main

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/moby/moby/api/types/container"

	"github.com/spf13/pflag"

	"github.com/hardrun/hardrun/launcher"
	"github.com/hardrun/hardrun/policy"
)

// execLine is one parsed `docker exec` command line.
type execLine struct {
	req       policy.ExecRequest
	container string
	at        int // index of CONTAINER in the verb's arguments
	help      bool
}

// parseExecLine reads docker exec's flags as docker 28 defines them
// (cli/command/container/exec.go): flags stop at CONTAINER, so flags after
// it belong to the command run inside.
func parseExecLine(args []string) (*execLine, error) {
	x := &execLine{}
	var detach, interactive, tty bool
	var detachKeys string
	var envFiles []string
	fs := pflag.NewFlagSet("exec", pflag.ContinueOnError)
	fs.SetInterspersed(false)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	fs.BoolVarP(&detach, "detach", "d", false, "Detached mode: run command in the background")
	fs.StringVar(&detachKeys, "detach-keys", "", "Override the key sequence for detaching a container")
	fs.StringArrayVarP(&x.req.Env, "env", "e", nil, "Set environment variables")
	fs.StringArrayVar(&envFiles, "env-file", nil, "Read in a file of environment variables")
	fs.BoolVarP(&interactive, "interactive", "i", false, "Keep STDIN open even if not attached")
	fs.BoolVar(&x.req.Privileged, "privileged", false, "Give extended privileges to the command")
	fs.BoolVarP(&tty, "tty", "t", false, "Allocate a pseudo-TTY")
	fs.StringVarP(&x.req.User, "user", "u", "", "Username or UID (format: \"<name|uid>[:<group|gid>]\")")
	fs.StringVarP(&x.req.WorkingDir, "workdir", "w", "", "Working directory inside the container")
	fs.BoolVarP(&x.help, "help", "h", false, "Print usage")
	if err := fs.Parse(args); err != nil {
		return nil, fmt.Errorf("exec: %w", err)
	}
	if x.help {
		return x, nil
	}
	rest := fs.Args()
	if len(rest) < 2 {
		return nil, fmt.Errorf("\"docker exec\" requires at least 2 arguments")
	}
	x.container, x.at, x.req.Cmd = rest[0], len(args)-len(rest), rest[1:]
	return x, nil
}

// execVerb is `exec` and `container exec`: into a container hardrun made,
// judged by the profile its label names, then handed to the real docker
// (which keeps docker's TTY, detach and stream behaviour) with the
// container's ID for its name; into any other container, docker's alone.
func (a *app) execVerb(ctx context.Context, cl *commandLine, argv []string) error {
	x, err := parseExecLine(cl.args)
	if err != nil {
		return err
	}
	if x.help {
		return passThrough(argv)
	}
	e, err := a.engine()
	if err != nil {
		return err
	}
	defer e.Close()
	h, found, err := a.inspectHardened(ctx, e, x.container)
	if err != nil {
		return err
	}
	if !found {
		return passThrough(argv) // docker says there is no such container
	}
	if h.p != nil {
		facts := policy.ExecFacts{
			ResolveUser:    execUserResolver(ctx, e, h.insp),
			ResolveWorkdir: a.execWorkdirResolver(ctx, e, h.insp),
			WritableRoot:   h.insp.HostConfig == nil || !h.insp.HostConfig.ReadonlyRootfs,
		}
		if err := policy.JudgeExec(x.req, h.p, facts); err != nil {
			return a.refused(err)
		}
	}
	return passThrough(cl.replaceArg(argv, x.at, h.insp.ID))
}

// execUserResolver resolves an exec's -u inside the container as the
// engine will when the exec starts: against the container's own
// /etc/passwd and /etc/group (read through the archive endpoint, as the
// container has them now) and its --group-add. When the files cannot be
// read, only numbers are resolved: fail closed.
func execUserResolver(ctx context.Context, e launcher.Engine, insp container.InspectResponse) func(spec string) (policy.Identity, error) {
	files, err := launcher.ReadUserFiles(ctx, e, insp.ID)
	if err != nil {
		return policy.ResolveNumericUser
	}
	var groupAdd []string
	if insp.HostConfig != nil {
		groupAdd = insp.HostConfig.GroupAdd
	}
	return policy.ExecUserResolver(files, groupAdd)
}

// execWorkdirResolver resolves an exec's -w as the kernel will in the
// running container: through /proc/PID/root when the engine is on this
// host (the container's own mounts, its tmpfs /tmp included, are seen
// there; a root hardrun may not read is refused), else through the
// engine's archive endpoint (which sees the image's layers and volumes
// only).
func (a *app) execWorkdirResolver(ctx context.Context, e launcher.Engine, insp container.InspectResponse) func(string) (string, error) {
	return func(wd string) (string, error) {
		if insp.State != nil && insp.State.Pid > 0 {
			if ep, err := a.g.endpoint(a.getenv); err == nil && strings.HasPrefix(ep.Host, "unix://") {
				// No fallback: the archive endpoint would miss a link in
				// the container's tmpfs, so an unreadable root is refused.
				return launcher.ResolveInRoot("/proc/"+strconv.Itoa(insp.State.Pid)+"/root", wd)
			}
		}
		return launcher.ResolveWorkdir(ctx, e, insp.ID, wd)
	}
}
