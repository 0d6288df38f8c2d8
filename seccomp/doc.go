// Package seccomp turns what a hardrun profile says about seccomp (a base plus
// a deny/allow delta, [Spec]) into the Docker-format JSON profile that hardrun
// sends to the engine as the security option "seccomp=<json>", and checks with
// libseccomp that such a profile names real syscalls and really loads.
//
// # Generation is pure
//
// [Generate] is a deterministic function of its [Spec]: the same spec gives the
// same bytes, so `hardrun seccomp export` can be diffed against the golden
// files in testdata/ and a security reviewer reads profile changes as diffs.
// It is pure Go; only the validation of syscall names needs libseccomp.
//
// Three bases exist:
//
//   - "default" is Docker's own default profile, taken as a Go value from
//     github.com/moby/profiles/seccomp (imported, never copied, so hardrun
//     follows Docker's updates). Its capability-conditional rules stay in
//     place: the engine resolves them against the container's final
//     capability set, exactly as it does for `docker run`. With an empty delta
//     the output is byte-for-byte what Docker itself would use.
//   - "strict" is hardrun's own small allowlist (strict.go, every group with
//     its reason). It runs busybox sh, static Go programs and ordinary glibc
//     programs, and nothing that needs a capability-guarded syscall.
//   - "unconfined" has no profile: [Generate] returns [ErrUnconfined] and the
//     caller sends "seccomp=unconfined" itself.
//
// The delta applies to either profile base. A denied syscall is removed from
// every rule of the base and gets one explicit SCMP_ACT_ERRNO/EPERM rule; an
// allowed syscall is removed from the base's blocking rules and gets one
// SCMP_ACT_ALLOW rule. Removing, not just adding, matters: libseccomp keeps
// only one unconditional rule per syscall and silently ignores the other, so
// a deny rule that sat next to an allow rule for the same name could deny
// nothing. A name both denied and allowed is denied.
//
// # Names fail closed
//
// Every denied or allowed name must be a syscall: [ValidateSyscall] looks it
// up in libseccomp's tables for the architectures Docker engines run on (a
// table generated from libseccomp, names_table.go, so that hardrun needs no
// cgo), and also accepts the names Docker's default profile itself lists
// (some are newer than that libseccomp). A typo is an error, never a rule
// that quietly denies nothing.
//
// # Compile and Diff
//
// [Compile] does what the engine and runc do with the JSON at container start
// (resolve the conditional rules for the native architecture and the final
// capability set, then build a libseccomp filter and its BPF program), so a
// profile that could not load fails in hardrun with a clear message instead
// of in the engine. [Diff] reports which syscalls a profile allows beyond, or
// no longer allows compared with, Docker's default profile.
//
// libseccomp (cgo) is confined to libseccomp.go: [Compile], and the table's
// source, which a test compares with the table. hardrun itself is built
// without cgo; there the stub in libseccomp_stub.go returns [ErrNoLibseccomp]
// from Compile, which only tests call.
//
// This package imports no other hardrun package.
package seccomp
