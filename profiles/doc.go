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
//   - a key the child sets overrides the parent's; a list that permits
//     (cap_allow, every *_allow, cap_add, volumes.allow_rw, network.allow,
//     images.allow, seccomp.allow, images.signatures.keys) replaces the
//     parent's list, so a child can narrow it (write `cap_add: []` to
//     clear one);
//   - the lists that restrict (cap_drop, seccomp.deny, volumes.deny,
//     apparmor.deny_write) accumulate: the parent's items, then the
//     child's. A child that denies chroot keeps every denial of its
//     parent. Written `!override [...]` (Compose's tag) such a list, or
//     tmpfs, replaces the inherited one instead; `[]` without the tag
//     removes nothing and is warned about;
//   - a child removes an inherited restriction only explicitly:
//     seccomp.allow: [ptrace] takes ptrace out of the inherited
//     seccomp.deny; a capability in cap_add leaves the inherited cap_drop
//     (docker lets an added capability win; cap_add: [ALL] leaves every
//     named drop); !override drops what it does not repeat. The other
//     direction needs no ceremony: a syscall the child denies leaves the
//     inherited seccomp.allow, a capability it drops leaves the inherited
//     cap_add and cap_allow (unless the child sets those lists itself);
//   - keyed defaults merge by key: tmpfs by target (the child's spec
//     replaces the parent's for the same target), limits.ulimits by name;
//   - the sections seccomp, apparmor, volumes, network, limits, max,
//     logging and images merge key by key: a child that sets only
//     seccomp.deny keeps the parent's seccomp.base;
//   - tightening one limit never loosens its partner: a child that sets
//     limits.memory without limits.memory_swap keeps the parent's amount
//     of swap (memory_swap = memory when the parent had none), and a
//     child that lowers a max (memory, cpus, pids) below the inherited
//     limit brings the limit down with it;
//   - logging.options merges by option while logging.driver is unchanged,
//     and starts empty when the child names another driver (Compose's
//     rule: options belong to a driver);
//   - null clears an inherited plain default (description, user,
//     limits and max and each of their keys, logging and its keys,
//     network.publish_host_ip); requirements cannot be nulled;
//   - name and description are the child's own; they are not inherited.
//
// A profile without extends starts from the schema defaults and replaces
// them: nothing accumulates onto them (unconfined's cap_drop is []).
//
// # Weakenings, warnings and diff
//
// Every step of an extends chain is compared with [Compare]: what the
// child permits that its parent does not is a [Weakening], recorded on
// the resolved profile ([Profile.Weakenings]: key, item, the profile that
// weakens, the parent it extends, FILE:LINE:COL of the key that did it).
// `profiles validate` prints one line per weakening (exit 0), `profiles
// show` appends them as comments (the output still loads), and explain
// should list them (one line each, [Weakening.String] or the JSON form of
// the struct). A weakening a later profile takes back is dropped.
// `hardrun profiles diff A B` prints [Compare] of two profiles.
//
// [Profile.Warnings] are valid profiles that fail where nobody looks: a
// root user with SETUID or SETGID but no KILL (its init cannot signal what
// it started as another user: `docker stop` kills instead), allow_root
// with a writable root filesystem, an nproc ulimit (counted per uid across
// every container). Warnings located in a built-in profile are not
// reported: those trade-offs are reviewed and commented there.
//
// # For the judge (policy) and explain
//
// One parser per docker syntax (style.md, convention 13): the judge should
// use these rather than parse again. [ParseTmpfs] and [TmpfsTarget] for
// the profile's tmpfs and --tmpfs; [NamespacedSysctl] for --sysctl names;
// [CheckLogOption] for --log-opt; [NormalizeCapability], [ParseSize],
// [ParseUlimit] as before. logging_allow and volumes.drivers_allow are
// globs (path.Match) over driver names; volumes.driver_options false
// refuses volume-opt; allow_root_group false refuses gid 0 and
// supplementary group 0. explain lists [Profile.Weakenings] (and may list
// [Profile.Warnings]); both are also on profiles built in.
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
//	allow_root_group: false
//	volumes:  {default_mode: ro, allow_rw: [], deny: [], allow_bind: true,
//	           drivers_allow: [local], driver_options: false}
//	network:  {default: isolated, allow: [bridge, none, user-defined], publish: true}
//	restart_allow: ["no", on-failure]
//	logging_allow: [json-file, local, none]
//	images:   {allow: ["*"], require_digest: false, signatures: {keys: []}}
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
// that contradicts them: enforce, allow_root, allow_root_group, privileged,
// no_new_privileges, cap_drop, read_only, seccomp, apparmor, volumes
// (default_mode for binds outside allow_rw, deny, allow_bind), network.allow
// and network.publish, max, images, and every *_allow list (cap_allow,
// namespaces_allow_host, devices_allow, sysctls_allow, restart_allow,
// logging_allow, volumes.drivers_allow), volumes.driver_options and
// images.signatures.
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
// allowed, a capability both dropped and added, a root user (or group)
// with allow_root (allow_root_group) false, a logging.driver that
// logging_allow refuses, two tmpfs for one target. Values are checked as
// the engine will take them, so that `validate` refuses what `run` would:
// tmpfs specs by [ParseTmpfs] (the option words and KEY=VALUE options
// the engine passes to the kernel, with their values), sysctls_allow
// names by [NamespacedSysctl] (a glob must be able to match one), log
// drivers (built-in, or a plugin as NAME:TAG) and their options by
// [CheckLogOption], restart policy names, sizes, globs. YAML aliases, tags and
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
//     isolated, bridge, none, host, container:NAME or the name of a
//     user-defined network, which must exist where the profile runs
//     (validate cannot see another machine's networks; run fails with the
//     engine's "network not found"). A name one typo away from a mode
//     ("isolate") is refused. It must be permitted by network.allow.
//   - images.signatures.keys are absolute paths of PEM public key files.
//     Only their syntax is checked at load: a profile is often validated
//     on another machine than the one that runs it. The file must exist
//     and hold a PEM public key when a signature is checked.
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
