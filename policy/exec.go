package policy

import (
	"errors"
	"fmt"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/hardrun/hardrun/profiles"
)

// An exec into a running container can widen it three ways, and only
// these: --privileged (every capability, no seccomp or AppArmor
// confinement for that process), --user (a new identity, resolved in the
// container when the exec starts) and --workdir (the process's first
// directory, CVE-2024-21626 when it is a leaked descriptor under /proc).
// Everything else an exec sets stays inside the container's confinement:
// --env and --env-file only set variables of a process the container's
// user could start anyway, -i/-t/-d/--detach-keys only wire streams. The
// process inherits the container's capabilities, seccomp, AppArmor,
// no-new-privileges, cgroup and namespaces, judged when it was created.

// ExecRequest is what the judge reads of an exec create request (the
// Engine API's ExecOptions).
type ExecRequest struct {
	User       string // -u: user[:group] as the engine takes it; "" is the container's user
	Privileged bool
	WorkingDir string
	Env        []string
	Cmd        []string
}

// Identity is a process identity as the engine resolves it.
type Identity struct {
	UID, GID uint32
	Groups   []uint32 // supplementary groups
}

// ExecFacts is what the judge needs to know about the container an exec
// enters. A nil ResolveUser makes every -u that is not root by its
// spelling alone "cannot be judged", i.e. refused.
type ExecFacts struct {
	// ResolveUser resolves a -u value inside the container as the engine
	// will when the exec starts: names and a missing group from the
	// container's /etc/passwd and /etc/group, numbers as strconv.Atoi reads
	// them. An error wrapping ErrUnresolvedUser when it cannot.
	ResolveUser func(spec string) (Identity, error)
	// ResolveWorkdir resolves an exec's -w in the container as the kernel
	// will (symlinks the container itself may have planted included); nil
	// judges the spelling only.
	ResolveWorkdir func(wd string) (string, error)
	// WritableRoot: the container's root file system is writable, so it
	// may have rewritten the /etc/passwd and /etc/group the engine resolves
	// every exec's user from, -u UID:GID included (runc looks
	// supplementary gids up by name).
	WritableRoot bool
}

// ErrUnresolvedUser is wrapped by a ResolveUser that cannot tell which
// identity a -u value names.
var ErrUnresolvedUser = errors.New("cannot be resolved")

// JudgeExec judges an exec into a container created under p. It returns
// nil or a *RefusedError (wrapping ErrRefused) with every refusal.
func JudgeExec(req ExecRequest, p *profiles.Profile, facts ExecFacts) error {
	if p == nil {
		return errors.New("judge exec: no profile")
	}
	if !p.Enforce {
		return nil
	}
	j := &execJudge{req: req, p: p, facts: facts}
	j.privileged()
	j.writableRoot()
	j.user()
	j.workdir()
	if len(j.refusals) > 0 {
		return &RefusedError{Profile: p.Name, Refusals: j.refusals}
	}
	return nil
}

type execJudge struct {
	req      ExecRequest
	p        *profiles.Profile
	facts    ExecFacts
	refusals []Refusal
}

func (j *execJudge) refuse(item, key, why string) {
	j.refusals = append(j.refusals, Refusal{Item: item, Key: key, Why: why})
}

func (j *execJudge) privileged() {
	if j.req.Privileged && !j.p.Privileged {
		j.refuse("exec "+flagFor("HostConfig.Privileged"), "privileged: false",
			"it gives the process every capability and lifts seccomp and AppArmor")
	}
}

// writableRoot refuses any exec, with or without -u, into a container that
// can choose the identity the engine will resolve for it, unless the
// profile permits root and group 0.
func (j *execJudge) writableRoot() {
	if !j.facts.WritableRoot || (j.p.AllowRoot && j.p.AllowRootGroup) {
		return
	}
	j.refuse("exec into a container with a writable root file system", rootRefusedKey(j.p), WritableRootWhy)
}

// user refuses a -u that is uid 0 or group 0 however it is spelled or
// resolved: first the spellings that are root whatever the container's
// files say (a numeric uid or gid 0: +0, 00, -0 read as 0 too), then what
// the container's files resolve the rest to.
func (j *execJudge) user() {
	spec := j.req.User
	rootGroupOK, groupKey := allowRootGroup(j.p)
	if spec == "" || (j.p.AllowRoot && rootGroupOK) {
		return // "" is the container's own user, judged when it was created
	}
	what := "exec " + itemText("Config.User", spec)
	user, group := SplitUserSpec(spec)
	spelledRoot := false
	if id, err := EngineID(user); err == nil && id == 0 && !j.p.AllowRoot {
		j.refuse(what, "allow_root: false", "it is uid 0")
		spelledRoot = true
	}
	if id, err := EngineID(group); err == nil && id == 0 && !rootGroupOK {
		j.refuse(what, groupKey, "it is gid 0")
		spelledRoot = true
	}
	if !spelledRoot {
		j.resolvedUser(what, spec, groupKey, rootGroupOK)
	}
}

// resolvedUser judges what the container's files make of spec.
func (j *execJudge) resolvedUser(what, spec, groupKey string, rootGroupOK bool) {
	resolve := j.facts.ResolveUser
	if resolve == nil {
		resolve = ResolveNumericUser
	}
	id, err := resolve(spec)
	switch {
	case err != nil && !j.p.AllowRoot:
		j.refuse(what, "allow_root: false", err.Error())
	case err != nil:
		j.refuse(what, groupKey, err.Error())
	case id.UID == 0 && !j.p.AllowRoot:
		j.refuse(what, "allow_root: false", "it resolves to uid 0 in the container")
	case id.GID == 0 && !rootGroupOK:
		j.refuse(what, groupKey, "it resolves to gid 0 in the container")
	case slices.Contains(id.Groups, 0) && !rootGroupOK:
		j.refuse(what, groupKey, "it resolves to a member of group 0 in the container")
	}
}

// workdir refuses a working directory under /proc, as for run: a workdir
// of /proc/self/fd/N is how CVE-2024-21626 reached the host's filesystem,
// and `docker exec -w` was one of its ways in.
func (j *execJudge) workdir() {
	wd := j.req.WorkingDir
	if wd == "" {
		return
	}
	what := "exec " + itemText("Config.WorkingDir", wd)
	if c := path.Clean("/" + wd); c == "/proc" || strings.HasPrefix(c, "/proc/") {
		j.refuse(what, keyEnforce, "a working directory under /proc can expose host file descriptors (CVE-2024-21626)")
		return
	}
	if j.facts.ResolveWorkdir == nil {
		return
	}
	resolved, err := j.facts.ResolveWorkdir(wd)
	if err != nil {
		j.refuse(what, keyEnforce, "cannot be judged: "+err.Error())
		return
	}
	if c := path.Clean("/" + resolved); c == "/proc" || strings.HasPrefix(c, "/proc/") {
		j.refuse(what, keyEnforce, "it resolves to "+c+" in the container: a working directory under /proc can expose host file descriptors (CVE-2024-21626)")
	}
}

// allowRootGroup says whether the profile permits group 0 and, when not,
// the key that would.
func allowRootGroup(p *profiles.Profile) (bool, string) {
	return p.AllowRootGroup, "allow_root_group: false"
}

// ExecUserResolver resolves an exec's -u against the container's own user
// files (as the engine reads them when the exec starts) and its
// --group-add, as the create was judged.
func ExecUserResolver(files UserFiles, groupAdd []string) func(spec string) (Identity, error) {
	return func(spec string) (Identity, error) {
		id, err := ResolveIdentity(spec, groupAdd, files)
		if err != nil {
			return Identity{}, fmt.Errorf("user %q %w: %v", spec, ErrUnresolvedUser, err)
		}
		out := Identity{UID: uint32(id.UID), GID: uint32(id.GID)}
		for _, g := range id.Groups {
			out.Groups = append(out.Groups, uint32(g))
		}
		return out, nil
	}
}

// SplitUserSpec splits a --user value as the engine does (moby/sys/user
// parseLine): at colons, the first two fields, the rest ignored.
func SplitUserSpec(spec string) (user, group string) {
	parts := strings.SplitN(spec, ":", 3)
	user = parts[0]
	if len(parts) > 1 {
		group = parts[1]
	}
	return user, group
}

// maxID is the engine's upper bound for a uid or gid (moby/sys/user).
const maxID = 1<<31 - 1

// EngineID reads a uid or gid as the engine does: strconv.Atoi, so a
// sign and leading zeros are accepted ("+0", "-0", "00" are all 0), and
// the engine's range. An error is a name, or a number the engine refuses.
func EngineID(s string) (uint32, error) {
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, err
	}
	if n < 0 || n > maxID {
		return 0, fmt.Errorf("id %q is out of range", s)
	}
	return uint32(n), nil
}

// ResolveNumericUser resolves what needs none of the container's files:
// a numeric uid with a numeric group. A name, or a uid without a group
// (the engine takes the group from /etc/passwd, and 0 without an entry),
// wraps ErrUnresolvedUser: fail closed until the container's own files
// can be read.
func ResolveNumericUser(spec string) (Identity, error) {
	user, group := SplitUserSpec(spec)
	uid, err := EngineID(user)
	if err != nil {
		return Identity{}, fmt.Errorf("user %q %w without the container's /etc/passwd", user, ErrUnresolvedUser)
	}
	if group == "" {
		return Identity{}, fmt.Errorf("the group of uid %d %w without the container's /etc/passwd (it is 0 when there is no entry); give one, -u %d:GID", uid, ErrUnresolvedUser, uid)
	}
	gid, err := EngineID(group)
	if err != nil {
		return Identity{}, fmt.Errorf("group %q %w without the container's /etc/group", group, ErrUnresolvedUser)
	}
	return Identity{UID: uid, GID: gid}, nil
}
