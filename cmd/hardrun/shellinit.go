package main

import (
	"context"
	"fmt"

	"github.com/urfave/cli/v3"
)

// The wrappers send every verb hardrun judges (run, create, exec, update,
// start, restart, the container group) and any line that starts with
// docker's global flags, which hardrun reads and passes on, through
// hardrun; every other command reaches docker unchanged.
var shellWrappers = map[string]string{
	"bash": `docker() {
  case "$1" in
    run|create|exec|update|start|restart|container|-*) command hardrun "$@" ;;
    *) command docker "$@" ;;
  esac
}
`,
	"fish": `function docker
    switch $argv[1]
        case run create exec update start restart container '-*'
            command hardrun $argv
        case '*'
            command docker $argv
    end
end
`,
}

func (a *app) shellInitCommand() *cli.Command {
	return &cli.Command{
		Name:      "shell-init",
		Usage:     "Print a docker wrapper function for bash, zsh or fish",
		ArgsUsage: "[bash|zsh|fish]",
		Action: func(_ context.Context, cmd *cli.Command) error {
			shell := cmd.Args().First()
			if shell == "" || shell == "zsh" {
				shell = "bash" // zsh runs the POSIX function as it is
			}
			w, ok := shellWrappers[shell]
			if !ok {
				return fmt.Errorf("unknown shell %q: use bash, zsh or fish", shell)
			}
			fmt.Fprint(a.stdout, w)
			return nil
		},
	}
}
