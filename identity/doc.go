// Package identity decides, before a container starts, which uid, gid and
// supplementary groups its process will really get from Docker 20.10
// (Engine API 1.41): the user spec and --group-add resolved against the
// image's own /etc/passwd and /etc/group exactly as dockerd and then runc
// resolve them, so that hardrun can refuse uid 0, gid 0 and supplementary
// group 0 in every spelling. It is pure Go and talks to no engine: the
// caller reads the two files from the image.
//
// # API
//
//   - Resolve(user, groupAdd, passwd, group) (Identity, error): one call;
//     a nil reader is an absent file.
//   - Load(passwd, group) (*Files, error) then (*Files).Resolve: parse once
//     per image (cache by image ID), resolve many specs.
//   - ResolveMounted: dockerd and runc see different files (a bind over
//     /etc/passwd or /etc/group, or a container that rewrote them before a
//     restart or an exec).
//   - ResolveBuild: one Build exactly, for tests and messages.
//   - Analyze(user) Plan: which ids are fixed by the spec alone and which
//     files can change the answer (/etc/group always can).
//   - Identity.RootUser, Identity.RootGroup: the checks the judge makes.
//   - EngineError (Stage, Msg in the engine's words) wrapping ErrNoUser,
//     ErrNoGroup, ErrRange, ErrInvalidID or bufio.ErrTooLong;
//     ErrFileTooLarge for a file over MaxFileBytes. Every error means: the
//     container must not be started.
//
// # What the engine does (moby v20.10 daemon/oci_linux.go getUser, runc
// libcontainer/user, runc setupUser), reimplemented here
//
// dockerd: GetExecUser(user, defaults uid 0 gid 0) on the container's
// root file system before mounts, then GetAdditionalGroups(GroupAdd); the
// OCI spec gets uid and gid through uint32() and AdditionalGids = [gid,
// the user's groups..., the --group-add gids in random map order...], all
// through uint32(). An image without /etc/passwd knows no names; without
// /etc/group no group names.
//
// runc: GetExecUser("uid:gid", defaults uid 0 gid 0 home "/") in the
// container after mounts (keeps both ids; fails when an id above 2^31-1
// has no entry), then GetAdditionalGroups on the decimal AdditionalGids,
// which matches group entries by name too, then setgroups(2), setgid(2)
// and setuid(2) with 32-bit ids.
//
// GetExecUser splits the spec on ':' (fields after the second are
// dropped). A part strconv.Atoi accepts ("+0", "-0", "000") is an id and
// never a name; anything else (" 0", "0 ", "0x0") is a name. A numeric uid
// takes the first passwd entry with that uid, else the uid as is with gid
// 0 and no groups (it must be in 0..2^31-1). A name takes the first entry
// with that name, else the start fails. An empty user part means uid 0.
// Without a group part, the gid is the entry's and every group line whose
// member list names the user adds its gid; with one, the first entry with
// that gid (numeric) or name gives the gid and no groups are added. Ids in
// the files are never range checked and unparsable ones are 0: an entry
// "x:x:4294967296:..." or "x:x:abc:..." makes uid 0. GetAdditionalGroups
// takes, per argument in order, the first entry whose name is the argument
// or whose gid prints as it, skipping gids already taken, else the
// argument as a number in 0..2^31-1.
//
// # What the caller must feed it
//
// user is Config.User after the engine's merge (an empty --user takes the
// image's USER). docker exec -u runs the same resolution at exec time,
// against the container's files as they are then and with the container's
// HostConfig.GroupAdd; an exec without -u keeps the identity of the start.
// dockerd reads /etc/passwd and /etc/group through symlinks resolved inside
// the root file system, and both it and runc read them again at every start
// (restart policy, docker start), so a container that can write them can
// change its next identity. User namespace remapping is not modelled.
//
// Newer engines differ (not modelled): moby/sys/user (runc 1.2+, moby
// 25+) splits the spec once, range checks every id and matches numeric
// arguments by gid only, so runc's by-name second look-up is gone.
package identity
