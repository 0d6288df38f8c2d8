//go:build tools

// Package deps pins the modules the packages are being written against, so
// go.mod stays stable while work proceeds in parallel. Removed once every
// import below is used by real code.
package deps

import (
	_ "github.com/docker/cli/cli/config"
	_ "github.com/docker/cli/opts"
	_ "github.com/docker/cli/opts/swarmopts"
	_ "github.com/goccy/go-yaml"
	_ "github.com/moby/moby/api/types/container"
	_ "github.com/moby/moby/client"
	_ "github.com/moby/profiles/seccomp"
	_ "github.com/moby/term"
	_ "github.com/opencontainers/runtime-spec/specs-go"
	_ "github.com/seccomp/libseccomp-golang"
	_ "github.com/spf13/pflag"
	_ "github.com/urfave/cli/v3"
	_ "golang.org/x/sys/unix"
	_ "golang.org/x/term"
)
