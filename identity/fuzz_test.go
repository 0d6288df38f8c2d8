package identity

import (
	"bufio"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// FuzzResolve checks Resolve against ref, a second, deliberately literal
// model of dockerd 20.10 + runc 1.1 (Builds[0]) written from the
// libcontainer algorithm as filter-then-pick. It must never panic, agree
// with the build exactly (it may add group 0 for dockerd's random order),
// and never report an id as non-zero that the model resolves to 0.
func FuzzResolve(f *testing.F) {
	for _, c := range cases() {
		if len(c.files.passwd)+len(c.files.group) > 4096 {
			continue
		}
		var absent byte
		if c.files.noPasswd {
			absent |= 1
		}
		if c.files.noGroup {
			absent |= 2
		}
		f.Add(c.user, strings.Join(c.add, ","), c.files.passwd, c.files.group, absent)
	}
	f.Fuzz(func(t *testing.T, user, add, passwd, group string, absent byte) {
		var groupAdd []string
		if add != "" {
			groupAdd = strings.Split(add, ",")
		}
		fs := fileset{passwd: passwd, group: group, noPasswd: absent&1 != 0, noGroup: absent&2 != 0}
		files := mustLoad(t, fs)
		if len(passwd)+len(group)+len(add) > 1<<16 {
			// ref is quadratic; Resolve must only finish.
			_, _ = files.Resolve(user, groupAdd)
			return
		}
		want, wantErr := ref(user, groupAdd, fs)
		got, err := ResolveBuild(Builds[0], user, groupAdd, files, files)
		compareRef(t, got, err, want, wantErr)
		worst, err := files.Resolve(user, groupAdd)
		if wantErr == nil {
			checkWorst(t, worst, err, want)
		}
		if p := Analyze(user); err == nil && (p.UIDFixed && worst.UID != p.UID || p.GIDFixed && worst.GID != p.GID) {
			t.Fatalf("Analyze(%q) = %+v, Resolve = %+v", user, p, worst)
		}
	})
}

func compareRef(t *testing.T, got Identity, err error, want refID, wantErr error) {
	t.Helper()
	if (err != nil) != (wantErr != nil) {
		t.Fatalf("error %v, model error %v (got %+v, model %+v)", err, wantErr, got, want)
	}
	if err != nil {
		return
	}
	extra := slices.DeleteFunc(slices.Clone(got.Groups), func(g int) bool { return slices.Contains(want.groups, g) })
	if got.UID != want.uid || got.GID != want.gid || !isSubset(want.groups, got.Groups) || len(extra) > 1 || len(extra) == 1 && extra[0] != 0 {
		t.Fatalf("got uid %d gid %d groups %v, model uid %d gid %d groups %v; trace %q",
			got.UID, got.GID, got.Groups, want.uid, want.gid, want.groups, got.Trace)
	}
}

// checkWorst: the worst case over builds never hides a 0 of this engine.
func checkWorst(t *testing.T, got Identity, err error, want refID) {
	t.Helper()
	if err != nil {
		t.Fatalf("Resolve refuses what this engine starts: %v", err)
	}
	if want.uid == 0 && got.UID != 0 || want.gid == 0 && got.GID != 0 ||
		slices.Contains(want.groups, 0) && !slices.Contains(got.Groups, 0) {
		t.Fatalf("Resolve %+v hides the 0 of the model %+v", got, want)
	}
}

func isSubset(a, b []int) bool {
	for _, x := range a {
		if !slices.Contains(b, x) {
			return false
		}
	}
	return true
}

type refID struct {
	uid, gid int
	groups   []int
}

type refUser struct {
	name     string
	uid, gid int
}

type refGroup struct {
	name string
	gid  int
	list []string
}

// ref: dockerd's getUser, then runc's setupUser, on the same files.
func ref(user string, add []string, fs fileset) (refID, error) {
	uid, gid, sgids, err := refExec(user, 0, fs)
	if err != nil {
		return refID{}, err
	}
	var extra []int
	if len(add) > 0 {
		if extra, err = refAdditional(add, fs); err != nil {
			return refID{}, err
		}
	}
	ids := []string{fmt.Sprint(uint32(gid))}
	for _, g := range append(sgids, extra...) {
		ids = append(ids, fmt.Sprint(uint32(g)))
	}
	ruid, rgid, _, err := refExec(fmt.Sprintf("%d:%d", uint32(uid), uint32(gid)), 0, fs)
	if err != nil {
		return refID{}, err
	}
	gids, err := refAdditional(ids, fs)
	if err != nil {
		return refID{}, err
	}
	out := refID{uid: int(uint32(ruid)), gid: int(uint32(rgid))}
	for _, g := range gids {
		out.groups = append(out.groups, int(uint32(g)))
	}
	slices.Sort(out.groups)
	out.groups = slices.Compact(out.groups)
	if out.uid == 1<<32-1 || out.gid == 1<<32-1 || slices.Contains(out.groups, 1<<32-1) {
		return refID{}, fmt.Errorf("invalid argument")
	}
	return out, nil
}

func refExec(spec string, defUID int, fs fileset) (uid, gid int, sgids []int, err error) {
	parts := strings.Split(spec, ":")
	u, g := parts[0], ""
	if len(parts) > 1 {
		g = parts[1]
	}
	un, uerr := strconv.Atoi(u)
	gn, gerr := strconv.Atoi(g)
	users, perr := refUsers(fs, func(x refUser) bool {
		if u == "" {
			return x.uid == defUID
		}
		if uerr == nil {
			return x.uid == un
		}
		return x.name == u
	})
	if perr != nil {
		return 0, 0, nil, perr
	}
	uid, gid = defUID, 0
	name := ""
	if len(users) > 0 {
		uid, gid, name = users[0].uid, users[0].gid, users[0].name
	} else if u != "" {
		if uerr != nil {
			return 0, 0, nil, fmt.Errorf("no user")
		}
		if un < 0 || un > 1<<31-1 {
			return 0, 0, nil, fmt.Errorf("range")
		}
		uid = un
	}
	if g == "" && name == "" {
		return uid, gid, nil, nil
	}
	groups := refGroups(fs, func(x refGroup) bool {
		if g == "" {
			return slices.Contains(x.list, name)
		}
		if gerr == nil {
			return x.gid == gn
		}
		return x.name == g
	})
	switch {
	case g == "":
		for _, x := range groups {
			sgids = append(sgids, x.gid)
		}
	case len(groups) > 0:
		gid = groups[0].gid
	case gerr != nil:
		return 0, 0, nil, fmt.Errorf("no group")
	case gn < 0 || gn > 1<<31-1:
		return 0, 0, nil, fmt.Errorf("range")
	default:
		gid = gn
	}
	return uid, gid, sgids, nil
}

func refAdditional(args []string, fs fileset) ([]int, error) {
	groups := refGroups(fs, func(x refGroup) bool {
		for _, a := range args {
			if x.name == a || strconv.Itoa(x.gid) == a {
				return true
			}
		}
		return false
	})
	set := map[int]bool{}
	var out []int
	for _, a := range args {
		found := false
		for _, x := range groups {
			if (x.name == a || strconv.Itoa(x.gid) == a) && !set[x.gid] {
				set[x.gid], found = true, true
				out = append(out, x.gid)
				break
			}
		}
		if found {
			continue
		}
		n, err := strconv.ParseInt(a, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("no group")
		}
		if n < 0 || n > 1<<31-1 {
			return nil, fmt.Errorf("range")
		}
		if !set[int(n)] {
			set[int(n)] = true
			out = append(out, int(n))
		}
	}
	return out, nil
}

func refUsers(fs fileset, keep func(refUser) bool) ([]refUser, error) {
	if fs.noPasswd {
		return nil, nil
	}
	var out []refUser
	s := bufio.NewScanner(strings.NewReader(fs.passwd))
	for s.Scan() {
		line := strings.TrimSpace(s.Text())
		if line == "" {
			continue
		}
		p := append(strings.Split(line, ":"), "", "", "")
		uid, _ := strconv.Atoi(p[2])
		gid, _ := strconv.Atoi(p[3])
		if x := (refUser{name: p[0], uid: uid, gid: gid}); keep(x) {
			out = append(out, x)
		}
	}
	if s.Err() != nil {
		return nil, s.Err()
	}
	return out, nil
}

func refGroups(fs fileset, keep func(refGroup) bool) []refGroup {
	if fs.noGroup {
		return nil
	}
	var out []refGroup
	for _, line := range strings.Split(fs.group, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || line[0] == '#' {
			continue
		}
		p := append(strings.Split(line, ":"), "", "", "")
		gid, _ := strconv.Atoi(p[2])
		x := refGroup{name: p[0], gid: gid}
		if p[3] != "" {
			x.list = strings.Split(p[3], ",")
		}
		if keep(x) {
			out = append(out, x)
		}
	}
	return out
}
