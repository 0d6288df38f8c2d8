package main

import "github.com/urfave/cli/v3"

// extraCommands are hardrun's own commands beyond run and its kin.
func (a *app) extraCommands() []*cli.Command { return nil }
