// Package policy is hardrun's one judge. It takes an Engine API create
// request (never argv), a resolved profile and facts about the image and
// the host, and returns a Plan: the hardened request, every change with the
// profile key behind it, every refusal and every notice.
//
// The same judge serves every place that must agree on what a profile
// permits: before create (Evaluate), after create (Check against the
// engine's record), `explain` (Plan.WriteExplain and the docker line),
// `audit` and the engine-side authorization plugin, where no argv exists.
//
// The package is pure: it does no I/O of its own (the caller looks the facts
// up and passes them in through HostFacts and ImageFacts) and it imports no
// engine client; TestPolicyImportsNoEngineClient keeps it so.
//
// Files, by concern: policy_identity.go (user, groups, workdir, image),
// policy_privileges.go (privileged, capabilities, namespaces, devices,
// sysctls, runtime), policy_fs.go (read-only, tmpfs, binds, volumes),
// policy_network.go, policy_resources.go (limits, ceilings, restart, init,
// logging), policy_security.go (security options, seccomp, AppArmor),
// policy_match.go (globs, key spelling), policy_copy.go (deep copy),
// flagnames.go (request field -> docker flag), explain.go and
// explain_docker.go (`hardrun explain`), check.go (after create),
// inspect.go (inspect data -> request, for audit and the plugin),
// request_mounts.go (the mounts a request asks for), field.go (the typed
// request field of a finding), cache.go (the bounded profile memos).
//
// One parser per docker syntax (style.md convention 13), exported for every
// other package: syntax_bind.go (ParseBind, -v), syntax_mount.go
// (ParseMount, --mount), syntax_secopt.go (ParseSecurityOpt),
// syntax_cap.go (CapName, ParseCapability, ClientCapabilities) and
// syntax_size.go (ParseSize, FormatSize).
//
// Performance machinery, each with what it buys: seccomp_builtin.go (the
// built-ins' seccomp JSON at build time) and the memos in cache.go.
package policy
