package main

import (
	"context"

	"github.com/hardrun/hardrun/probe"
	"github.com/urfave/cli/v3"
)

// probeCommand is the hidden mode `verify` runs inside the container.
const probeCommand = "__probe"

func (a *app) probeCommand() *cli.Command {
	return &cli.Command{
		Name:            probeCommand,
		Hidden:          true,
		SkipFlagParsing: true,
		Action: func(_ context.Context, cmd *cli.Command) error {
			if code := probe.Main(cmd.Args().Slice(), a.stdout, a.stderr); code != 0 {
				return &exitError{code: code}
			}
			return nil
		},
	}
}
