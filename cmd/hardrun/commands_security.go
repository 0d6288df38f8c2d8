package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/urfave/cli/v3"

	"github.com/hardrun/hardrun/apparmor"
	"github.com/hardrun/hardrun/policy"
	"github.com/hardrun/hardrun/seccomp"
)

func (a *app) seccompCommand() *cli.Command {
	return &cli.Command{
		Name:  "seccomp",
		Usage: "The seccomp profile a hardrun profile sends to the engine",
		Commands: []*cli.Command{{
			Name:  "export",
			Usage: "Print exactly the JSON sent to the engine as seccomp=<json>",
			Flags: []cli.Flag{profileFlag, profileDirFlag,
				&cli.BoolFlag{Name: "diff", Usage: "print the syscalls added and removed relative to Docker's default"}},
			Action: func(_ context.Context, cmd *cli.Command) error {
				p, err := a.loader(cmd).Load(a.profileRef(cmd))
				if err != nil {
					return fmt.Errorf("load profile: %w", err)
				}
				js, err := seccomp.Generate(policy.SeccompSpec(p))
				if errors.Is(err, seccomp.ErrUnconfined) {
					return fmt.Errorf("profile %q sends seccomp=unconfined: there is no filter to export", p.Name)
				}
				if err != nil {
					return err
				}
				if !cmd.Bool("diff") {
					_, err = fmt.Fprintf(a.stdout, "%s\n", js)
					return err
				}
				added, removed, err := seccomp.Diff(js)
				if err != nil {
					return err
				}
				for _, s := range added {
					fmt.Fprintf(a.stdout, "+ %s\n", s)
				}
				for _, s := range removed {
					fmt.Fprintf(a.stdout, "- %s\n", s)
				}
				return nil
			},
		}},
	}
}

func (a *app) apparmorCommand() *cli.Command {
	text := func(cmd *cli.Command) (string, error) {
		p, err := a.loader(cmd).Load(a.profileRef(cmd))
		if err != nil {
			return "", fmt.Errorf("load profile: %w", err)
		}
		return apparmor.Generate(policy.AppArmorSpec(p))
	}
	return &cli.Command{
		Name:  "apparmor",
		Usage: "The AppArmor profile a hardrun profile generates",
		Commands: []*cli.Command{
			{
				Name:  "export",
				Usage: "Print the AppArmor profile text",
				Flags: []cli.Flag{profileFlag, profileDirFlag},
				Action: func(_ context.Context, cmd *cli.Command) error {
					t, err := text(cmd)
					if err != nil {
						return err
					}
					_, err = fmt.Fprint(a.stdout, t)
					return err
				},
			},
			{
				Name:  "install",
				Usage: "Load the profile into this host's kernel with apparmor_parser",
				Flags: []cli.Flag{profileFlag, profileDirFlag},
				Action: func(ctx context.Context, cmd *cli.Command) error {
					t, err := text(cmd)
					if err != nil {
						return err
					}
					if err := apparmor.Install(ctx, apparmor.ExecRunner{}, apparmor.ReadHost("/"), t); err != nil {
						return err
					}
					name, _ := apparmor.ProfileName(t)
					fmt.Fprintf(a.stdout, "loaded AppArmor profile %s\n", strings.TrimSpace(name))
					return nil
				},
			},
		},
	}
}
