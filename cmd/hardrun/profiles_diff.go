package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/hardrun/hardrun/profiles"
	"github.com/urfave/cli/v3"
)

// profilesDiffCommand is `hardrun profiles diff A B`: key by key, what B
// permits that A does not, what it tightens, and the other defaults it
// changes. The comparison is profiles.Compare; this only loads and prints.
func (a *app) profilesDiffCommand() *cli.Command {
	return &cli.Command{
		Name:      "diff",
		Usage:     "Show what profile B permits that profile A does not, and what it tightens",
		ArgsUsage: "A B (NAME|FILE)",
		Flags:     []cli.Flag{formatFlag("text", "text", "json"), profileDirFlag},
		Action: func(_ context.Context, cmd *cli.Command) error {
			if cmd.NArg() != 2 {
				return errors.New("diff needs two profiles: A B")
			}
			l := a.loader(cmd)
			from, err := l.Load(cmd.Args().Get(0))
			if err != nil {
				return fmt.Errorf("load profile: %w", err)
			}
			to, err := l.Load(cmd.Args().Get(1))
			if err != nil {
				return fmt.Errorf("load profile: %w", err)
			}
			return profiles.NewDiff(from, to).Write(a.stdout, cmd.String("format"))
		},
	}
}
