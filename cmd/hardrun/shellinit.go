package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

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
		Usage:     "Print a docker wrapper function for bash, zsh or fish; with --path DIR, link DIR/docker to hardrun and print the PATH line",
		ArgsUsage: "[--path DIR] [bash|zsh|fish]",
		Flags: []cli.Flag{&cli.StringFlag{Name: "path",
			Usage: "make DIR/docker a link to hardrun, so that scripts and child processes that find docker on PATH (DIR first) are hardened too"}},
		Action: func(_ context.Context, cmd *cli.Command) error {
			shell := cmd.Args().First()
			if shell == "" || shell == "zsh" {
				shell = "bash" // zsh runs the POSIX function as it is
			}
			w, ok := shellWrappers[shell]
			if !ok {
				return fmt.Errorf("unknown shell %q: use bash, zsh or fish", shell)
			}
			if dir := cmd.String("path"); dir != "" {
				return a.shellInitPath(dir, shell)
			}
			fmt.Fprint(a.stdout, w)
			return nil
		},
	}
}

// shellInitPath makes DIR/docker a symbolic link to this hardrun and prints
// the line that puts DIR first on PATH. A function or an alias reaches only
// the interactive shell; a link on PATH reaches every script and program
// that runs `docker`. The pass-through still finds the real docker: the
// first `docker` on PATH that is not hardrun itself (passthrough.go).
func (a *app) shellInitPath(dir, shell string) error {
	self, err := os.Executable()
	if err != nil {
		return fmt.Errorf("shell-init: find hardrun: %w", err)
	}
	if self, err = filepath.EvalSymlinks(self); err != nil {
		return fmt.Errorf("shell-init: find hardrun: %w", err)
	}
	if dir, err = filepath.Abs(dir); err != nil {
		return err
	}
	if err := linkDocker(dir, self); err != nil {
		return fmt.Errorf("shell-init: %w", err)
	}
	if shell == "fish" {
		fmt.Fprintf(a.stdout, "set -gx PATH %s $PATH\n", fishQuote(dir))
	} else {
		fmt.Fprintf(a.stdout, "export PATH=%s:\"$PATH\"\n", shellQuote(dir))
	}
	return nil
}

// linkDocker creates dir/docker -> target, replacing an older link to a
// hardrun but never a real file (that may be the real docker).
func linkDocker(dir, target string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	link := filepath.Join(dir, "docker")
	if fi, err := os.Lstat(link); err == nil {
		if fi.Mode()&os.ModeSymlink == 0 {
			return fmt.Errorf("%s exists and is not a link: not replacing it", link)
		}
		if old, _ := os.Readlink(link); old == target {
			return nil
		}
		if err := os.Remove(link); err != nil {
			return err
		}
	}
	return os.Symlink(target, link)
}

// shellQuote quotes s for bash and zsh.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// fishQuote quotes s for fish, which escapes inside single quotes.
func fishQuote(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, "'", `\'`).Replace(s) + "'"
}
