package identity

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
)

// Identity is what the container's process really gets.
type Identity struct {
	UID int
	GID int
	// Groups are the supplementary groups as setgroups(2) gets them,
	// sorted, without duplicates. On 20.10 they are not "GID plus the
	// user's groups": runc looks every one up again by NAME in /etc/group,
	// so they may lack GID or hold ids no file lists for the user.
	Groups []int
	// Home is the HOME runc sets when the environment has none.
	Home string
	// Trace says how each id was resolved, for messages.
	Trace []string
}

// RootUser reports uid 0.
func (id Identity) RootUser() bool { return id.UID == 0 }

// RootGroup reports gid 0 or supplementary group 0.
func (id Identity) RootGroup() bool { return id.GID == 0 || slices.Contains(id.Groups, 0) }

// Stages at which the engine refuses to start.
const (
	// StageDaemon: dockerd's getUser fails; docker prints "Error response
	// from daemon: " and Msg when the container starts (not at create).
	StageDaemon = "the engine"
	// StageRuntime: runc's container init fails; docker prints "OCI
	// runtime create failed: ... unable to setup user: " and Msg.
	StageRuntime = "runc"
)

// EngineError means the engine would refuse to start the container; Msg is
// its message. errors.Is finds ErrNoUser, ErrNoGroup, ErrRange,
// ErrInvalidID or bufio.ErrTooLong (a passwd or group line of 64 KiB or
// more).
type EngineError struct {
	Stage string
	Msg   string
	Err   error
}

func (e *EngineError) Error() string {
	return fmt.Sprintf("resolve identity: %s refuses to start the container: %s", e.Stage, e.Msg)
}

func (e *EngineError) Unwrap() error { return e.Err }

// Build is one combination of group parsers: the one linked into dockerd
// and the one in runc's container init.
type Build struct {
	Daemon  GroupParser
	Runtime GroupParser
}

// Builds are the Docker 20.10 builds Resolve considers. The first is the
// engine verified on this machine (Debian docker.io 20.10.24, runc 1.1.5);
// docker-ce 20.10 vendors the raw parser in dockerd, runc up to 1.0.2
// uses it in the container.
var Builds = [...]Build{
	{GroupParserTrim, GroupParserTrim},
	{GroupParserRaw, GroupParserTrim},
	{GroupParserTrim, GroupParserRaw},
	{GroupParserRaw, GroupParserRaw},
}

// Resolve returns the identity the process of a container gets from user
// (Config.User after the engine merged the image's USER into an empty
// one, or docker exec -u) and groupAdd (HostConfig.GroupAdd), against the
// image's /etc/passwd and /etc/group (nil: the file is absent). It is the
// worst case over Builds. An error means the engine would not start the
// container, or the files could not be read; refuse in both cases.
func Resolve(user string, groupAdd []string, passwd, group io.Reader) (Identity, error) {
	f, err := Load(passwd, group)
	if err != nil {
		return Identity{}, fmt.Errorf("resolve identity: %w", err)
	}
	return f.Resolve(user, groupAdd)
}

// Resolve is Resolve for files already loaded.
func (f *Files) Resolve(user string, groupAdd []string) (Identity, error) {
	return ResolveMounted(user, groupAdd, f, f)
}

// ResolveMounted is Resolve when the container sees other files than the
// image at start: dockerd reads image (the image's and the container's own
// layers, before mounts), runc reads mounted (the container's /etc/passwd
// and /etc/group after binds and volumes are mounted, and after whatever
// the container wrote to them before a restart).
func ResolveMounted(user string, groupAdd []string, image, mounted *Files) (Identity, error) {
	var ok []Identity
	var refusals []error
	for _, b := range Builds {
		id, err := ResolveBuild(b, user, groupAdd, image, mounted)
		if err != nil {
			refusals = append(refusals, err)
			continue
		}
		ok = append(ok, id)
	}
	if len(ok) == 0 {
		return Identity{}, refusals[0]
	}
	return worstOf(ok, refusals), nil
}

// worstOf merges the identities of builds that start the container: an id
// is 0 if any build gives 0, the groups are the union. A build that refuses
// does not make the others safe, so it is only noted.
func worstOf(ids []Identity, refusals []error) Identity {
	w := ids[0]
	w.Trace = slices.Clone(w.Trace)
	differ := false
	for _, id := range ids[1:] {
		if id.UID == w.UID && id.GID == w.GID && slices.Equal(id.Groups, w.Groups) {
			continue
		}
		differ = true
		if id.UID == 0 {
			w.UID = 0
		}
		if id.GID == 0 {
			w.GID = 0
		}
		w.Groups = union(w.Groups, id.Groups)
	}
	if differ {
		w.Trace = append(w.Trace, "docker 20.10 builds disagree on this /etc/group: each id is the worst case of them")
	}
	if len(refusals) > 0 {
		w.Trace = append(w.Trace, fmt.Sprintf("some docker 20.10 builds refuse to start: %v", refusals[0]))
	}
	return w
}

// ResolveBuild resolves for one build exactly. A nil *Files is an image
// with neither file.
func ResolveBuild(b Build, user string, groupAdd []string, image, mounted *Files) (Identity, error) {
	image, mounted = orEmpty(image), orEmpty(mounted)
	var id Identity
	s, err := daemonPass(b.Daemon, user, groupAdd, image, &id.Trace)
	if err != nil {
		return Identity{}, engineError(StageDaemon, err)
	}
	if err := runtimePass(b.Runtime, s, mounted, &id); err != nil {
		return Identity{}, engineError(StageRuntime, err)
	}
	return id, nil
}

func orEmpty(f *Files) *Files {
	if f == nil {
		return &Files{}
	}
	return f
}

func engineError(stage string, err error) error {
	var r *refusal
	if errors.As(err, &r) {
		return &EngineError{Stage: stage, Msg: r.msg, Err: r.cause}
	}
	return &EngineError{Stage: stage, Msg: err.Error(), Err: err}
}

// ociUser is the process user dockerd writes into the OCI spec. dockerd
// converts every id with uint32(), so a file id of 4294967296 becomes 0
// and -1 becomes 4294967295.
type ociUser struct {
	uid, gid uint32
	// gids is AdditionalGids: the gid, the user's groups in file order,
	// then the --group-add gids in Go map order (random).
	gids []uint32
	// shuffled counts the trailing gids whose order is random.
	shuffled int
}

// daemonPass mirrors moby 20.10's getUser (daemon/oci_linux.go).
func daemonPass(p GroupParser, user string, groupAdd []string, f *Files, trace *[]string) (ociUser, error) {
	eu, err := lookupExecUser(user, execUser{}, &f.passwd, &f.group[p])
	if err != nil {
		return ociUser{}, err
	}
	var added []addedGroup
	if len(groupAdd) > 0 {
		if added, err = lookupAdditional(groupAdd, &f.group[p]); err != nil {
			return ociUser{}, err
		}
	}
	traceUser(trace, user, eu)
	s := ociUser{uid: uint32(eu.uid), gid: uint32(eu.gid), shuffled: len(added)}
	s.gids = append(s.gids, s.gid)
	for i, g := range eu.sgids {
		tracef(trace, "/etc/group line %d lists %q: supplementary gid %d", eu.sgidLines[i], eu.userName, g)
		s.gids = append(s.gids, uint32(g))
	}
	for _, g := range added {
		tracef(trace, "%s", describeAdded("--group-add", g))
		s.gids = append(s.gids, uint32(g.gid))
	}
	traceTruncation(trace, eu, added)
	return s, nil
}

// runtimePass mirrors runc's setupUser: it resolves "uid:gid" again (which
// keeps both ids) and every AdditionalGids entry again as a string
// (GetAdditionalGroups), which matches group entries by NAME as well as
// by gid. Then setgroups, setgid and setuid, which take 32-bit ids.
func runtimePass(p GroupParser, s ociUser, f *Files, id *Identity) error {
	spec := fmt.Sprintf("%d:%d", s.uid, s.gid)
	ru, err := lookupExecUser(spec, execUser{home: "/"}, &f.passwd, &f.group[p])
	if err != nil {
		return err
	}
	args := make([]string, len(s.gids))
	for i, g := range s.gids {
		args[i] = strconv.FormatUint(uint64(g), 10)
	}
	added, err := lookupAdditional(args, &f.group[p])
	if err != nil {
		return err
	}
	id.UID, id.GID, id.Home = int(uint32(ru.uid)), int(uint32(ru.gid)), ru.home
	for _, g := range added {
		if g.line > 0 && strconv.Itoa(g.gid) != g.arg {
			tracef(&id.Trace, "runc reads supplementary %q as /etc/group line %d: gid %d", g.arg, g.line, g.gid)
		}
		id.Groups = append(id.Groups, int(uint32(g.gid)))
	}
	shuffledZero(args[len(args)-s.shuffled:], f, p, id)
	id.Groups = sortedSet(id.Groups)
	return kernelCheck(id)
}

// shuffledZero covers the --group-add gids that dockerd hands over in
// random order: the order decides which group entry each one takes in
// runc, so if any order could yield group 0, report group 0.
func shuffledZero(args []string, f *Files, p GroupParser, id *Identity) {
	if len(args) < 2 || slices.Contains(id.Groups, 0) {
		return
	}
	gr := &f.group[p]
	for _, s := range args {
		for _, i := range gr.candidates(newGroupArg(s)) {
			if g := gr.entries[i]; uint32(g.gid) == 0 {
				id.Groups = append(id.Groups, 0)
				tracef(&id.Trace, "runc may read supplementary %q as /etc/group line %d (gid 0), depending on the engine's random order of --group-add", s, g.line)
				return
			}
		}
	}
}

// kernelCheck refuses (uid_t)-1 and (gid_t)-1, which the kernel rejects
// with EINVAL, in runc's order: setgroups (reported with its name), then
// setgid and setuid (runc reports the bare errno).
func kernelCheck(id *Identity) error {
	const bad = 1<<32 - 1
	switch {
	case slices.Contains(id.Groups, bad):
		return refuse(ErrInvalidID, "setgroups: %v", ErrInvalidID)
	case id.GID == bad, id.UID == bad:
		return refuse(ErrInvalidID, "%v", ErrInvalidID)
	}
	return nil
}

func traceUser(trace *[]string, user string, eu execUser) {
	sp := parseSpec(user)
	switch {
	case eu.userLine > 0:
		tracef(trace, "user %q: /etc/passwd line %d (%q): uid %d, gid %d", sp.user, eu.userLine, eu.userName, eu.uid, eu.gid)
	case sp.user == "":
		tracef(trace, "no user: uid 0")
	default:
		tracef(trace, "user %q: uid %d, no /etc/passwd entry: gid %d", sp.user, eu.uid, eu.gid)
	}
	if sp.group == "" {
		return
	}
	if eu.groupLine > 0 {
		tracef(trace, "group %q: /etc/group line %d: gid %d", sp.group, eu.groupLine, eu.gid)
	} else {
		tracef(trace, "group %q: gid %d", sp.group, eu.gid)
	}
}

func describeAdded(what string, g addedGroup) string {
	if g.line > 0 {
		return fmt.Sprintf("%s %q: /etc/group line %d: gid %d", what, g.arg, g.line, g.gid)
	}
	return fmt.Sprintf("%s %q: gid %d", what, g.arg, g.gid)
}

// traceTruncation names every id that dockerd's uint32() changes.
func traceTruncation(trace *[]string, eu execUser, added []addedGroup) {
	ids := append([]int{eu.uid, eu.gid}, eu.sgids...)
	for _, g := range added {
		ids = append(ids, g.gid)
	}
	for _, v := range ids {
		if int(uint32(v)) != v {
			tracef(trace, "the engine truncates id %d to %d (uint32)", v, uint32(v))
		}
	}
}

func union(a, b []int) []int {
	return sortedSet(append(slices.Clone(a), b...))
}

func sortedSet(ids []int) []int {
	slices.Sort(ids)
	return slices.Compact(ids)
}

// maxTrace bounds the steps kept for messages: a hostile /etc/group can
// list the user in a hundred thousand lines.
const maxTrace = 32

func tracef(trace *[]string, format string, args ...any) {
	switch {
	case len(*trace) < maxTrace:
		*trace = append(*trace, fmt.Sprintf(format, args...))
	case len(*trace) == maxTrace:
		*trace = append(*trace, "(further steps omitted)")
	}
}
