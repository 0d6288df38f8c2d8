package main

import (
	"context"
	"fmt"
	"runtime"
	"time"

	"github.com/hardrun/hardrun/launcher"
	"github.com/urfave/cli/v3"
)

func (a *app) versionCommand() *cli.Command {
	return &cli.Command{
		Name:  "version",
		Usage: "Show hardrun's and the engine's versions",
		Action: func(ctx context.Context, _ *cli.Command) error {
			return a.version(ctx)
		},
	}
}

// version prints hardrun's build and the engine's version with the API
// version negotiated with it; an engine that does not answer is an error.
func (a *app) version(ctx context.Context) error {
	fmt.Fprintf(a.stdout, "hardrun:\n Version:    %s\n Commit:     %s\n Go version: %s\n OS/Arch:    %s/%s\n",
		version, commit, runtime.Version(), runtime.GOOS, runtime.GOARCH)
	e, err := a.engine()
	if err != nil {
		return &exitError{code: 1, err: err}
	}
	defer e.Close()
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	v, err := e.Version(ctx)
	if err != nil {
		return &exitError{code: 1, err: err}
	}
	fmt.Fprintf(a.stdout, "Engine:\n Version:     %s\n API version: %s (negotiated, minimum %s)\n OS/Arch:     %s/%s\n",
		v.Version, v.APIVersion, v.MinAPI, v.OS, v.Arch)
	return nil
}

// engine connects to the engine docker's globals and environment name.
func (a *app) engine() (launcher.Engine, error) {
	ep, err := a.g.endpoint(a.getenv)
	if err != nil {
		return nil, err
	}
	return launcher.Connect(ep)
}
