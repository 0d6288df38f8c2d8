//go:build !linux

package seccomp

import (
	"errors"

	mobyseccomp "github.com/moby/profiles/seccomp"
)

// dockerDefault fails off Linux: github.com/moby/profiles/seccomp builds
// Docker's default profile only there. A hardrun built for another OS refuses
// the "default" base rather than inventing a profile of its own.
func dockerDefault() (*mobyseccomp.Seccomp, error) {
	return nil, errors.New("docker's default seccomp profile is only available in linux builds")
}
