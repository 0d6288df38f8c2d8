// Package profiles owns hardrun's security profiles: the YAML file format
// of contract section 4, its strict decoding, the search path, `extends`,
// validation, and the built-in profiles compiled into the binary. Its
// output is a fully resolved [Profile]; deciding what a profile means for
// a container is the launcher's job.
//
// # Finding a profile
//
// A --profile value that contains a '/' or ends in .yaml or .yml is a file
// and is loaded directly ([IsFileRef]). Anything else is a name, looked up
// as NAME.yaml (or NAME.yml; both in one directory is an error) in, first
// match wins:
//
//  1. each --profile-dir, in order ([SearchOptions].ProfileDirs);
//  2. each directory of $HARDRUN_PROFILE_PATH (colon-separated);
//  3. $XDG_CONFIG_HOME/hardrun/profiles, or $HOME/.config/hardrun/profiles
//     when XDG_CONFIG_HOME is unset or relative;
//  4. /etc/hardrun/profiles;
//  5. the built-ins: default, strict, web, dev, unconfined.
//
// No --profile means $HARDRUN_PROFILE, else "default" ([Loader.DefaultName]).
// A directory that does not exist is skipped; a profile file that exists
// but cannot be read is an error, never a reason to fall through to the
// next one. [Loader.List] shows which file wins for each name and which
// ones it shadows.
//
// # extends
//
// A profile has at most one parent, named by `extends` and found by the
// same search order, so a user's web.yaml can extend the built-in default.
// The built-ins extend only built-ins: strict is the same on every machine,
// whatever default.yaml a user or /etc/hardrun/profiles adds (a loosened
// default must not loosen strict). Applying a child to its parent:
//
//   - a key the child sets overrides the parent's; a list replaces the
//     parent's list (write `cap_add: []` to clear one);
//   - the sections seccomp, apparmor, volumes, network, limits, max,
//     logging and images merge key by key: a child that sets only
//     seccomp.deny keeps the parent's seccomp.base;
//   - limits.ulimits merges by ulimit name; logging.options merges by option
//     while logging.driver is unchanged, and starts empty when the child
//     names another driver (Compose's rule: options belong to a driver);
//   - null clears an inherited plain default (description, user,
//     limits and max and each of their keys, logging and its keys,
//     network.publish_host_ip); requirements cannot be nulled;
//   - name and description are the child's own; they are not inherited.
//
// A profile that extends its own name gets the next profile of that name
// further down the search order: ~/.config/hardrun/profiles/default.yaml
// with `extends: default` tightens the built-in default while shadowing it.
// A file loaded directly (--profile ./x.yaml, `profiles validate`) that
// sits in a search directory resolves as if found there by name; any other
// file looks for its parent in its own directory first, then in the search
// order, so a directory of profiles can be used and validated before it is
// installed. A parent that exists nowhere, or a
// cycle (a extends b extends a), is an error at the `extends` line.
// Resolution is cached per [Loader].
//
// # Schema defaults
//
// A profile without `extends` starts from the schema defaults: the
// hardened value of every requirement, and nothing for the plain defaults.
//
//	enforce: true               allow_root: false        privileged: false
//	no_new_privileges: true     cap_drop: [ALL]          read_only: true
//	cap_allow, namespaces_allow_host, devices_allow, sysctls_allow: []
//	seccomp:  {base: default, deny: [], allow: []}
//	apparmor: {mode: if-available, profile: generate, deny_write: ["/proc/sys/**", "/sys/**"]}
//	volumes:  {default_mode: ro, allow_rw: [], deny: [], allow_bind: true}
//	network:  {default: isolated, allow: [bridge, none, user-defined], publish: true}
//	restart_allow: ["no", on-failure]
//	images:   {allow: ["*"], require_digest: false}
//
// and no user, cap_add, tmpfs, limits, max, init, logging or
// publish_host_ip. `version: 1` is required in every file; `name` may be
// left out and is then the file name.
//
// # Defaults and requirements (contract, "How keys apply")
//
// Defaults are used when the caller says nothing and may be overridden by
// a flag: user, cap_add, tmpfs, limits (all of it), init, logging,
// network.default, network.publish_host_ip. Requirements refuse a flag
// that contradicts them: enforce, allow_root, privileged,
// no_new_privileges, cap_drop, read_only, seccomp, apparmor, volumes
// (default_mode for binds outside allow_rw, deny, allow_bind), network.allow
// and network.publish, max, images, and every *_allow list (cap_allow,
// namespaces_allow_host, devices_allow, sysctls_allow, restart_allow).
//
// # Validation
//
// Decoding is strict and complete: every error of a file is reported, each
// as FILE:LINE:COL: message ([Error], collected in an [ErrorList] sorted by
// position). Errors are unknown keys (with a "did you mean" for a near
// miss, including the names docker run and Compose use, e.g. mem_limit),
// wrong YAML types, a missing or unsupported version, a name that differs
// from the file name, unknown capability names (with or without CAP_, any
// case; stored upper case without the prefix; ALL allowed), unknown
// syscall names (libseccomp's tables, via package seccomp), bad sizes
// (docker's --memory syntax: 512m, 2g, bytes; at least 6m for memory),
// bad cpus ("1.5"), bad ulimits (a name docker knows, "soft:hard" or "n",
// soft <= hard, -1 = unlimited), values outside an enumeration, and what
// no single key can show: limits above max, memory_swap below memory, a
// network.default that network.allow refuses, a syscall both denied and
// allowed, a root user with allow_root: false. YAML aliases, tags and
// merge keys are refused. [Schema] is a JSON Schema of the format for
// editors.
//
// # Values with a meaning of their own
//
//   - network.allow entries: bridge (docker's default bridge), none, host,
//     user-defined (any network made with `docker network create`,
//     hardrun-isolated included) and container:GLOB (joining another
//     container's network namespace; container:* for any). A specific
//     network name is not an entry in version 1: a misspelt keyword would
//     otherwise silently become a network nobody has. network.default is
//     isolated, bridge, none, host, container:NAME or a network name, and
//     must be permitted by network.allow.
//   - volumes.allow_rw entries are absolute path globs, or start with the
//     token $PWD: the caller's working directory, expanded when a bind is
//     judged ([Profile.AllowRWGlobs]). No other variable is expanded, and
//     $PWD is never read from the environment.
//   - Sizes and cpus keep the user's spelling; [Limits] and [Max] have
//     accessors that return them parsed. They were validated at load and
//     cannot fail.
//
// A loaded profile carries its Source (the file, or "built-in") and Hash
// (hex SHA-256 of its JSON form, the value of the io.hardrun.profile
// label). [Profile.YAML] prints it resolved as a file that loads again to
// an equal profile.
package profiles
