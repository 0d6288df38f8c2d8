// Package apparmor turns what a hardrun profile says about AppArmor into the
// text of an AppArmor profile, checks and loads that text with
// apparmor_parser, and reports whether the host can enforce it.
//
// Generation is pure: [Generate] is a deterministic function of a [Spec], so
// the text can be exported, diffed against the golden files in testdata/ and
// reviewed like any other artefact. The text embeds its own content hash
// ([Hash], [EmbeddedHash]) so an installed copy can be recognised as stale.
//
// The profile starts from the protections of Docker's docker-default profile
// (network and capabilities stay allowed: the container's capability set,
// seccomp filter and network mode limit those), tightens a few of them
// (umount, ptrace) and adds what the hardrun profile implies: extra
// write-denied globs, no raw or packet sockets when NET_RAW is not granted,
// ptrace within the container only when SYS_PTRACE is.
//
// Side effects are small and separate. Every call to apparmor_parser goes
// through the [Runner] interface ([ExecRunner] in production, a recording fake
// in tests). [ReadHost] reads the two securityfs/sysfs files that say whether
// the kernel enforces AppArmor and which profiles are loaded; [Install]
// refuses with [ErrUnavailable] where the kernel has no AppArmor, because the
// Docker engine silently ignores apparmor=NAME there and hardrun fails closed.
//
// This package imports no other hardrun package.
package apparmor
