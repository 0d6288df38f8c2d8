package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/urfave/cli/v3"

	"github.com/hardrun/hardrun/authz"
	"github.com/hardrun/hardrun/launcher"
	"github.com/hardrun/hardrun/policy"
	"github.com/hardrun/hardrun/profiles"
)

// defaultAuthzSocket is where the engine finds a plugin named hardrun
// (--authorization-plugin=hardrun).
const defaultAuthzSocket = "/run/docker/plugins/hardrun.sock"

func (a *app) authzCommand() *cli.Command {
	return &cli.Command{
		Name:  "authz",
		Usage: "Make the engine enforce the profiles: a Docker authorization plugin",
		Commands: []*cli.Command{
			{
				Name:  "serve",
				Usage: "Serve the authorization plugin (the engine runs with --authorization-plugin=hardrun)",
				Flags: []cli.Flag{
					&cli.StringFlag{Name: "profile", Usage: "profile NAME or FILE for requests whose label names none the site policy allows (default: the site policy's, else default)"},
					&cli.StringFlag{Name: "listen", Value: defaultAuthzSocket, Usage: "unix socket to listen on"},
				},
				Action: func(ctx context.Context, cmd *cli.Command) error {
					return a.authzServe(ctx, cmd.String("profile"), cmd.String("listen"))
				},
			},
			{
				Name:  "check",
				Usage: "Tell whether the engine consults the hardrun plugin",
				Action: func(ctx context.Context, _ *cli.Command) error {
					return a.authzCheck(ctx)
				},
			},
		},
	}
}

// authzServe serves the plugin until SIGINT or SIGTERM.
func (a *app) authzServe(ctx context.Context, ref, sock string) error {
	j, err := a.authzJudge(ref)
	if err != nil {
		return err
	}
	ln, err := listenUnix(sock)
	if err != nil {
		return err
	}
	defer os.Remove(sock)
	srv := &http.Server{Handler: authz.NewHandler(j), ReadHeaderTimeout: 10 * time.Second, ReadTimeout: time.Minute, WriteTimeout: time.Minute}
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		shut, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(shut)
	}()
	fmt.Fprintf(a.stderr, "hardrun-authz: serving on %s\n", sock)
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve authorization plugin: %w", err)
	}
	return nil
}

// authzJudge loads the site policy and the default profile and binds the
// judge to the engine. The plugin sees only the system's profiles (and
// $HARDRUN_PROFILE_PATH when the site policy lets it): a user's own
// directories are not the engine's.
func (a *app) authzJudge(ref string) (*authz.Judge, error) {
	site, err := authz.LoadSitePolicy(authz.SitePolicyPath)
	if err != nil {
		return nil, err
	}
	getenv := func(k string) string {
		if k == "HARDRUN_PROFILE_PATH" && site.ProfilePath() {
			return a.getenv(k)
		}
		return ""
	}
	opts := profiles.SearchOptions{Getenv: getenv}
	if ref == "" {
		ref = site.DefaultName()
	}
	def, err := profiles.NewLoader(opts).Load(ref)
	if err != nil {
		return nil, fmt.Errorf("load default profile: %w", err)
	}
	e, err := a.engine()
	if err != nil {
		return nil, err
	}
	ep, err := a.g.endpoint(a.getenv)
	if err != nil {
		return nil, err
	}
	eng := &authzEngine{e: e, socket: strings.TrimPrefix(ep.Host, "unix://")}
	fmt.Fprintf(a.stderr, "hardrun-authz: default profile %q, site policy %s\n", def.Name, sitePolicyState(site))
	return authz.NewJudge(authz.Options{
		Engine:  eng,
		Load:    func(name string) (*profiles.Profile, error) { return profiles.NewLoader(opts).Load(name) },
		Default: def,
		Site:    site,
		Log:     a.stderr,
	})
}

func sitePolicyState(site *authz.SitePolicy) string {
	if site == nil {
		return "absent (a label may choose any profile that enforces)"
	}
	return authz.SitePolicyPath
}

// listenUnix listens on sock, replacing a stale socket (never another
// kind of file), readable by root only: the engine is the only client.
func listenUnix(sock string) (net.Listener, error) {
	if err := os.MkdirAll(filepath.Dir(sock), 0o755); err != nil {
		return nil, fmt.Errorf("listen on %s: %w", sock, err)
	}
	if fi, err := os.Lstat(sock); err == nil {
		if fi.Mode().Type() != fs.ModeSocket {
			return nil, fmt.Errorf("listen on %s: it exists and is not a socket", sock)
		}
		if err := os.Remove(sock); err != nil {
			return nil, fmt.Errorf("listen on %s: %w", sock, err)
		}
	}
	ln, err := net.Listen("unix", sock)
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", sock, err)
	}
	if err := os.Chmod(sock, 0o600); err != nil {
		ln.Close()
		return nil, fmt.Errorf("listen on %s: %w", sock, err)
	}
	return ln, nil
}

// authzCheck sends a create the plugin recognises and denies: an engine
// that consults it answers with the plugin's message.
func (a *app) authzCheck(ctx context.Context) error {
	e, err := a.engine()
	if err != nil {
		return err
	}
	defer e.Close()
	req := &policy.Request{Config: &container.Config{Image: "hardrun-authz-check:none", Labels: map[string]string{authz.CheckLabel: "1"}}, HostConfig: &container.HostConfig{}}
	id, _, err := e.ContainerCreate(ctx, req)
	switch {
	case err == nil:
		_ = e.ContainerRemove(ctx, id, true)
		return &exitError{code: 1, err: errors.New("the engine does not consult the hardrun plugin: it created the check container")}
	case strings.Contains(err.Error(), authz.CheckMessage):
		fmt.Fprintf(a.stdout, "the engine consults the hardrun authorization plugin: %v\n", err)
		return nil
	case launcher.IsEngineUnreachable(err):
		return err
	case strings.Contains(err.Error(), "authorization denied by plugin"):
		return &exitError{code: 1, err: fmt.Errorf("another authorization plugin answered, not hardrun: %w", err)}
	}
	return &exitError{code: 1, err: fmt.Errorf("the engine does not consult the hardrun plugin: it answered %w", err)}
}

// authzEngine binds the judge's look-ups to the engine and this host.
type authzEngine struct {
	e      launcher.Engine
	socket string // the engine's socket, when local: no bind may reach it
}

func (x *authzEngine) HostFacts(ctx context.Context, p *profiles.Profile) (policy.HostFacts, error) {
	// No Cwd: the engine takes absolute bind sources only, so a relative
	// one cannot be judged and is refused.
	return launcher.NewHostFacts(ctx, x.e, p, launcher.HostOptions{EngineLocal: true, EngineSocket: x.socket})
}

func (x *authzEngine) Image(ctx context.Context, ref string) (policy.ImageFacts, error) {
	img, err := x.e.ImageInspect(ctx, ref)
	if err != nil {
		return policy.ImageFacts{}, err
	}
	f := launcher.FactsOf(img.Config)
	f.ID = img.ID
	return f, nil
}

func (x *authzEngine) Container(ctx context.Context, id string) (container.InspectResponse, error) {
	return x.e.ContainerInspect(ctx, id)
}

func (x *authzEngine) UserFiles(ctx context.Context, id string) (policy.UserFiles, error) {
	return launcher.ReadUserFiles(ctx, x.e, id)
}

func (x *authzEngine) NetworkName(ctx context.Context, idOrName string) (string, error) {
	n, err := x.e.NetworkInspect(ctx, idOrName)
	if err != nil {
		return "", err
	}
	return n.Name, nil
}
