package main

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/hardrun/hardrun/profiles"
	"github.com/urfave/cli/v3"
)

// extraCommands are hardrun's own commands beyond run and its kin.
func (a *app) extraCommands() []*cli.Command {
	return []*cli.Command{a.profilesCommand(), a.seccompCommand(), a.apparmorCommand(), a.auditCommand(), a.authzCommand()}
}

var (
	formatFlag = func(def string, allowed ...string) *cli.StringFlag {
		return &cli.StringFlag{Name: "format", Value: def, Usage: "output format: " + fmt.Sprint(allowed),
			Validator: func(s string) error {
				if !slices.Contains(allowed, s) {
					return fmt.Errorf("unknown format %q: use one of %v", s, allowed)
				}
				return nil
			}}
	}
	profileDirFlag = &cli.StringSliceFlag{Name: "profile-dir", Usage: "extra profile directory (repeatable)"}
	profileFlag    = &cli.StringFlag{Name: "profile", Usage: "profile NAME or FILE (default $HARDRUN_PROFILE, else default)"}
)

// profileRef is --profile after the command, else in front of it.
func (a *app) profileRef(cmd *cli.Command) string {
	if ref := cmd.String("profile"); ref != "" {
		return ref
	}
	return a.g.Profile
}

func (a *app) loader(cmd *cli.Command) *profiles.Loader {
	dirs := append(append([]string{}, a.g.ProfileDirs...), cmd.StringSlice("profile-dir")...)
	return profiles.NewLoader(profiles.SearchOptions{ProfileDirs: dirs, Getenv: a.getenv, SystemDir: a.systemProfileDir})
}

func (a *app) profilesCommand() *cli.Command {
	return &cli.Command{
		Name:  "profiles",
		Usage: "List, show, validate profiles; print their JSON Schema",
		Commands: []*cli.Command{
			{
				Name:  "list",
				Usage: "List every visible profile and where it comes from",
				Flags: []cli.Flag{formatFlag("text", "text", "json"), profileDirFlag},
				Action: func(_ context.Context, cmd *cli.Command) error {
					entries, err := a.loader(cmd).List()
					if err != nil {
						return err
					}
					return profiles.WriteList(a.stdout, entries, cmd.String("format"))
				},
			},
			{
				Name:      "show",
				Usage:     "Print a profile fully resolved (extends applied)",
				ArgsUsage: "NAME|FILE",
				Flags:     []cli.Flag{formatFlag("yaml", "yaml", "json"), profileDirFlag},
				Action: func(_ context.Context, cmd *cli.Command) error {
					p, err := a.loader(cmd).Load(cmd.Args().First())
					if err != nil {
						return err
					}
					out, err := p.YAML()
					if cmd.String("format") == "json" {
						out, err = p.JSON()
					}
					if err != nil {
						return err
					}
					_, err = a.stdout.Write(out)
					return err
				},
			},
			{
				Name:      "validate",
				Usage:     "Check profile files or directories; exit 1 listing every error",
				ArgsUsage: "FILE|DIR...",
				Flags:     []cli.Flag{profileDirFlag},
				Action: func(_ context.Context, cmd *cli.Command) error {
					if cmd.NArg() == 0 {
						return errors.New("validate needs at least one FILE or DIR")
					}
					report, err := profiles.Validate(a.loader(cmd), cmd.Args().Slice())
					if werr := report.Write(a.stdout); werr != nil {
						return werr
					}
					if err != nil {
						fmt.Fprintln(a.stderr, err)
						return &exitError{code: 1}
					}
					fmt.Fprintln(a.stdout, "all profiles are valid")
					return nil
				},
			},
			a.profilesDiffCommand(),
			{
				Name:  "schema",
				Usage: "Print the JSON Schema of the profile format",
				Action: func(context.Context, *cli.Command) error {
					_, err := a.stdout.Write(profiles.Schema())
					return err
				},
			},
		},
	}
}
