package identity

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// maxID is libcontainer's upper bound for a uid or gid that it takes from
// the request rather than from a file (it never checks file values).
const maxID = 1<<31 - 1

// The causes the engine gives when it refuses to start; errors.Is works on
// every error Resolve returns.
var (
	// ErrNoUser: a user name (or a spelling that is not a plain decimal
	// number) matched no passwd entry.
	ErrNoUser = errors.New("no matching entries in passwd file")
	// ErrNoGroup: a group name matched no group entry.
	ErrNoGroup = errors.New("no matching entries in group file")
	// ErrRange: a requested id without a file entry is outside 0..2^31-1.
	ErrRange = fmt.Errorf("uids and gids must be in range 0-%d", maxID)
	// ErrInvalidID: the id the process would get is (uint32)-1, which
	// setuid(2), setgid(2) and setgroups(2) reject with EINVAL.
	ErrInvalidID = errors.New("invalid argument")
)

// refusal is a failed lookup in the engine's own words (libcontainer 1.1's
// messages) and its cause for errors.Is.
type refusal struct {
	msg   string
	cause error
}

func (r *refusal) Error() string { return r.msg }
func (r *refusal) Unwrap() error { return r.cause }

func refuse(cause error, format string, args ...any) error {
	return &refusal{msg: fmt.Sprintf(format, args...), cause: cause}
}

// execUser is what libcontainer's GetExecUser computes, plus where each id
// came from so messages can name the line.
type execUser struct {
	uid, gid  int
	sgids     []int
	home      string
	userLine  int // passwd line of the matched user, 0 if none
	userName  string
	groupLine int   // group line of an explicit group, 0 if none
	sgidLines []int // group lines that list the user, parallel to sgids
}

// spec is a user spec split the way libcontainer splits it: on every ':'
// with everything after the second field dropped, so "1000:1000:0" is
// 1000:1000. (moby/sys/user, used by runc 1.2+ and moby 25+, splits once
// with strings.Cut instead, making the group "1000:0"; 20.10 does not.)
type spec struct {
	user, group    string
	uid, gid       int
	uidNum, gidNum bool // the part is a number to strconv.Atoi ("+0", "-0", "000" are)
}

func parseSpec(s string) spec {
	parts := strings.Split(s, ":")
	sp := spec{user: parts[0], group: field(parts, 1)}
	var err error
	sp.uid, err = strconv.Atoi(sp.user)
	sp.uidNum = err == nil
	sp.gid, err = strconv.Atoi(sp.group)
	sp.gidNum = err == nil
	return sp
}

// lookupExecUser mirrors libcontainer's GetExecUser(spec, defaults, passwd,
// group) for one group parser. def holds the defaults: uid 0 gid 0 and no
// home in the daemon, home "/" in runc.
func lookupExecUser(s string, def execUser, pw *passwdFile, gr *groupFile) (execUser, error) {
	sp := parseSpec(s)
	u := def
	if err := applyUser(&u, sp, pw); err != nil {
		return execUser{}, err
	}
	// Group lines are read when the group is explicit, or to find the
	// supplementary groups of a user found by name: a user found under an
	// empty name, or not found at all, gets none (runc: a uid without a
	// passwd entry keeps the default gid 0 and no groups).
	if sp.group == "" && u.userName == "" {
		return u, nil
	}
	if err := applyGroups(&u, sp, gr); err != nil {
		return execUser{}, err
	}
	return u, nil
}

// applyUser finds the passwd entry: the first whose uid equals a numeric
// user part (a name that looks like a number is never looked up as a
// name), the first with the name otherwise, the first with the default uid
// for an empty user part. Its uid and gid are taken without a range check.
func applyUser(u *execUser, sp spec, pw *passwdFile) error {
	e, err := findUser(sp, u.uid, pw)
	if err != nil {
		name := sp.user
		if name == "" {
			name = strconv.Itoa(u.uid)
		}
		return refuse(err, "unable to find user %s: %v", name, err)
	}
	if e != nil {
		u.uid, u.gid, u.home = e.uid, e.gid, e.home
		u.userLine, u.userName = e.line, e.name
		return nil
	}
	if sp.user == "" {
		return nil
	}
	if !sp.uidNum {
		return refuse(ErrNoUser, "unable to find user %s: %v", sp.user, ErrNoUser)
	}
	if sp.uid < 0 || sp.uid > maxID {
		return refuse(ErrRange, "%v", ErrRange)
	}
	u.uid = sp.uid
	return nil
}

// findUser returns the first matching entry, nil when none matches or the
// file is absent, and the file's parse error, which fails the lookup even
// after a match.
func findUser(sp spec, defUID int, pw *passwdFile) (*passwdEntry, error) {
	if !pw.present {
		return nil, nil
	}
	if pw.err != nil {
		return nil, pw.err
	}
	for i := range pw.entries {
		e := &pw.entries[i]
		switch {
		case sp.user == "" && e.uid == defUID,
			sp.user != "" && sp.uidNum && e.uid == sp.uid,
			sp.user != "" && !sp.uidNum && e.name == sp.user:
			return e, nil
		}
	}
	return nil, nil
}

// applyGroups sets the gid of an explicit group part, or the supplementary
// groups of a user found by name: every group whose member list names the
// user, in file order, duplicates kept.
func applyGroups(u *execUser, sp spec, gr *groupFile) error {
	if gr.present && gr.err != nil {
		return refuse(gr.err, "unable to find groups for spec %v: %v", u.userName, gr.err)
	}
	if sp.group == "" {
		for _, g := range gr.entries {
			if hasMember(g, u.userName) {
				u.sgids = append(u.sgids, g.gid)
				u.sgidLines = append(u.sgidLines, g.line)
			}
		}
		return nil
	}
	return applyExplicitGroup(u, sp, gr)
}

// applyExplicitGroup: the first entry with the numeric gid, or with the
// name; a number without an entry is used as is if in range.
func applyExplicitGroup(u *execUser, sp spec, gr *groupFile) error {
	for _, g := range gr.entries {
		if (sp.gidNum && g.gid == sp.gid) || (!sp.gidNum && g.name == sp.group) {
			u.gid, u.groupLine = g.gid, g.line
			return nil
		}
	}
	if !sp.gidNum {
		return refuse(ErrNoGroup, "unable to find group %s: %v", sp.group, ErrNoGroup)
	}
	if sp.gid < 0 || sp.gid > maxID {
		return refuse(ErrRange, "%v", ErrRange)
	}
	u.gid = sp.gid
	return nil
}

func hasMember(g groupEntry, name string) bool {
	for _, m := range g.members {
		if m == name {
			return true
		}
	}
	return false
}

// groupArg is one additional group as libcontainer's GetAdditionalGroups
// matches it: an entry matches by name, or when strconv.Itoa of its gid
// spells the argument exactly (so "+0" and "00" never match a gid; they
// fall through to the numeric fallback, which reads them as 0).
type groupArg struct {
	arg   string
	canon bool // arg is strconv.Itoa(val)
	val   int
}

func newGroupArg(s string) groupArg {
	n, err := strconv.Atoi(s)
	return groupArg{arg: s, canon: err == nil && strconv.Itoa(n) == s, val: n}
}

// addedGroup is one gid GetAdditionalGroups yields and where it came from.
type addedGroup struct {
	arg  string
	gid  int
	line int // group line, 0 for the numeric fallback
}

// lookupAdditional mirrors GetAdditionalGroups: for each argument in order,
// the first matching entry whose gid is not yet taken, else the argument
// as a number (strconv.ParseInt, so "+0" and "-0" are 0) in 0..2^31-1.
// Matched gids are not range checked. The result is a set; runc hands it to
// setgroups(2) in map order, which does not matter.
func lookupAdditional(args []string, gr *groupFile) ([]addedGroup, error) {
	if gr.present && gr.err != nil {
		return nil, refuse(gr.err, "Unable to find additional groups %v: %v", args, gr.err)
	}
	taken := make(map[int]bool)
	cands := make(map[string]*candidates)
	var out []addedGroup
	for _, s := range args {
		c := cands[s]
		if c == nil {
			c = &candidates{list: gr.candidates(newGroupArg(s))}
			cands[s] = c
		}
		g, ok := c.firstFree(s, gr, taken)
		if !ok {
			var err error
			if g, err = numericGroup(s); err != nil {
				return nil, err
			}
		}
		if !taken[g.gid] {
			taken[g.gid] = true
			out = append(out, g)
		}
	}
	return out, nil
}

// candidates are the entries an argument matches, in file order, and a
// cursor: gids once taken stay taken, so skipped entries never come back
// and a repeated argument does not rescan them.
type candidates struct {
	list []int
	next int
}

func (c *candidates) firstFree(arg string, gr *groupFile, taken map[int]bool) (addedGroup, bool) {
	for ; c.next < len(c.list); c.next++ {
		g := gr.entries[c.list[c.next]]
		if !taken[g.gid] {
			return addedGroup{arg: arg, gid: g.gid, line: g.line}, true
		}
	}
	return addedGroup{}, false
}

// candidates returns the indexes of the entries a matches, in file order.
func (f *groupFile) candidates(a groupArg) []int {
	byName := f.byName[a.arg]
	if !a.canon {
		return byName
	}
	return mergeSorted(byName, f.byGID[a.val])
}

// mergeSorted merges two ascending index lists, dropping duplicates (an
// entry named "5" with gid 5 is in both).
func mergeSorted(a, b []int) []int {
	out := make([]int, 0, len(a)+len(b))
	for len(a) > 0 && len(b) > 0 {
		switch {
		case a[0] < b[0]:
			out, a = append(out, a[0]), a[1:]
		case b[0] < a[0]:
			out, b = append(out, b[0]), b[1:]
		default:
			out, a, b = append(out, a[0]), a[1:], b[1:]
		}
	}
	return append(append(out, a...), b...)
}

// numericGroup is the fallback for an argument no free entry matched.
func numericGroup(s string) (addedGroup, error) {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return addedGroup{}, refuse(ErrNoGroup, "Unable to find group %s: %v", s, ErrNoGroup)
	}
	if n < 0 || n > maxID {
		return addedGroup{}, refuse(ErrRange, "%v", ErrRange)
	}
	return addedGroup{arg: s, gid: int(n)}, nil
}
