package seccomp

import mobyseccomp "github.com/moby/profiles/seccomp"

// dockerDefault returns Docker's default profile as a fresh Go value. The
// moby module builds it only on Linux (it takes its constants from
// golang.org/x/sys/unix), hence this file and docker_other.go.
func dockerDefault() (*mobyseccomp.Seccomp, error) {
	return mobyseccomp.DefaultProfile(), nil
}
