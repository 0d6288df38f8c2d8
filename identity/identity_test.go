package identity

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// fileset is an image's /etc/passwd and /etc/group; no* means absent.
type fileset struct {
	passwd, group     string
	noPasswd, noGroup bool
}

func (f fileset) readers() (io.Reader, io.Reader) {
	var pw, gr io.Reader
	if !f.noPasswd {
		pw = strings.NewReader(f.passwd)
	}
	if !f.noGroup {
		gr = strings.NewReader(f.group)
	}
	return pw, gr
}

const (
	basePasswd = "root:x:0:0:root:/root:/bin/sh\n" +
		"daemon:x:1:1::/usr/sbin:/bin/false\n" +
		"app:x:1000:1000::/home/app:/bin/sh\n"
	baseGroup = "root:x:0:\n" +
		"daemon:x:1:\n" +
		"app:x:1000:\n" +
		"staff:x:50:app\n"
)

var (
	base    = fileset{passwd: basePasswd, group: baseGroup}
	none    = fileset{noPasswd: true, noGroup: true}
	noGroup = fileset{passwd: basePasswd, noGroup: true}
)

// withPasswd and withGroup replace one file of base.
func withPasswd(p string) fileset { return fileset{passwd: p, group: baseGroup} }
func withGroup(g string) fileset  { return fileset{passwd: basePasswd, group: g} }

type want struct {
	uid, gid int
	groups   []int
	err      error // sentinel for errors.Is; nil means success
}

func ok(uid, gid int, groups ...int) want { return want{uid: uid, gid: gid, groups: groups} }
func fails(err error) want                { return want{err: err} }

type tcase struct {
	name  string
	user  string
	add   []string
	files fileset
	want  want  // Resolve: the worst case over Builds
	deb   *want // ResolveBuild(Builds[0]) (this engine) when it differs
	// engine: "" compare exactly with the engine, "subset" the engine's
	// groups must be a subset (random order in dockerd), else a reason
	// to skip the engine.
	engine string
}

func (c tcase) build0() want {
	if c.deb != nil {
		return *c.deb
	}
	return c.want
}

func cases() []tcase {
	longLine := "pad:x:9:" + strings.Repeat("m,", 40000) + "app\n" // 80 KiB, lists app
	return []tcase{
		// numeric spellings of root
		{name: "empty user is root", user: "", files: base, want: ok(0, 0, 0)},
		{name: "zero", user: "0", files: base, want: ok(0, 0, 0)},
		{name: "plus zero", user: "+0", files: base, want: ok(0, 0, 0)},
		{name: "minus zero", user: "-0", files: base, want: ok(0, 0, 0)},
		{name: "zero padded", user: "000", files: base, want: ok(0, 0, 0)},
		{name: "zero colon zero", user: "0:0", files: base, want: ok(0, 0, 0)},
		{name: "bare colon", user: ":", files: base, want: ok(0, 0, 0)},
		{name: "empty user part is uid 0", user: ":1000", files: base, want: ok(0, 1000, 1000)},
		{name: "root name", user: "root", files: base, want: ok(0, 0, 0)},
		{name: "root with group", user: "root:1000", files: base, want: ok(0, 1000, 1000)},
		{name: "plus zero without files", user: "+0", files: none, want: ok(0, 0, 0)},
		{name: "no user without files", user: "", files: none, want: ok(0, 0, 0)},

		// ordinary users and groups
		{name: "name", user: "app", files: base, want: ok(1000, 1000, 50, 1000)},
		{name: "uid finds entry and groups", user: "1000", files: base, want: ok(1000, 1000, 50, 1000)},
		{name: "uid trailing colon", user: "1000:", files: base, want: ok(1000, 1000, 50, 1000)},
		{name: "uid gid", user: "1000:1000", files: base, want: ok(1000, 1000, 1000)},
		{name: "extra fields ignored", user: "1000:1000:0", files: base, want: ok(1000, 1000, 1000)},
		{name: "name and group name", user: "app:staff", files: base, want: ok(1000, 50, 50)},
		{name: "name and gid 0", user: "app:0", files: base, want: ok(1000, 0, 0)},
		{name: "name and root group", user: "app:root", files: base, want: ok(1000, 0, 0)},
		{name: "uid and other gid", user: "1000:50", files: base, want: ok(1000, 50, 50)},
		{name: "system user", user: "daemon", files: base, want: ok(1, 1, 1)},
		{name: "plus uid", user: "+1000:+1000", files: base, want: ok(1000, 1000, 1000)},

		// uids without entries: runc gives gid 0
		{name: "uid without entry gets gid 0", user: "4242", files: base, want: ok(4242, 0, 0)},
		{name: "uid without entry with gid", user: "4242:4242", files: base, want: ok(4242, 4242, 4242)},
		{name: "largest uid", user: "2147483647", files: base, want: ok(2147483647, 0, 0)},
		{name: "uid without passwd file", user: "1000", files: none, want: ok(1000, 0, 0)},

		// refused spellings
		{name: "uid beyond 2^31-1", user: "2147483648", files: base, want: fails(ErrRange)},
		{name: "uid 2^32 without entry", user: "4294967296", files: base, want: fails(ErrRange)},
		{name: "negative uid", user: "-1", files: base, want: fails(ErrRange)},
		{name: "uid beyond int64 is a name", user: "99999999999999999999", files: base, want: fails(ErrNoUser)},
		{name: "unknown name", user: "nobody", files: base, want: fails(ErrNoUser)},
		{name: "leading blank is a name", user: " 0", files: base, want: fails(ErrNoUser)},
		{name: "trailing blank is a name", user: "0 ", files: base, want: fails(ErrNoUser)},
		{name: "tab is a name", user: "app\t", files: base, want: fails(ErrNoUser)},
		{name: "hex is a name", user: "0x0", files: base, want: fails(ErrNoUser)},
		{name: "unknown group", user: "1000:nogroup", files: base, want: fails(ErrNoGroup)},
		{name: "gid beyond 2^31-1", user: "1000:2147483648", files: base, want: fails(ErrRange)},
		{name: "name without passwd file", user: "app", files: none, want: fails(ErrNoUser)},
		{name: "name in empty passwd file", user: "app", files: fileset{group: baseGroup}, want: fails(ErrNoUser)},
		{name: "group name without group file", user: "1000:root", files: noGroup, want: fails(ErrNoGroup)},

		// --group-add
		{name: "group-add root", user: "1000:1000", add: []string{"root"}, files: base, want: ok(1000, 1000, 0, 1000)},
		{name: "group-add 0", user: "1000:1000", add: []string{"0"}, files: base, want: ok(1000, 1000, 0, 1000)},
		{name: "group-add plus zero", user: "1000:1000", add: []string{"+0"}, files: base, want: ok(1000, 1000, 0, 1000)},
		{name: "group-add minus zero", user: "1000:1000", add: []string{"-0"}, files: base, want: ok(1000, 1000, 0, 1000)},
		{name: "group-add zero padded", user: "1000:1000", add: []string{"00"}, files: base, want: ok(1000, 1000, 0, 1000)},
		{name: "group-add plus zero without group file", user: "1000", add: []string{"+0"}, files: none, want: ok(1000, 0, 0)},
		{name: "group-add name", user: "1000:1000", add: []string{"staff"}, files: base, want: ok(1000, 1000, 50, 1000)},
		{name: "group-add gid", user: "1000:1000", add: []string{"50"}, files: base, want: ok(1000, 1000, 50, 1000)},
		{name: "group-add several", user: "app", add: []string{"daemon", "4242"}, files: base, want: ok(1000, 1000, 1, 50, 1000, 4242), engine: "subset"},
		{name: "group-add blank zero", user: "1000:1000", add: []string{" 0"}, files: base, want: fails(ErrNoGroup)},
		{name: "group-add unknown", user: "1000:1000", add: []string{"nosuch"}, files: base, want: fails(ErrNoGroup)},
		{name: "group-add beyond 2^31-1", user: "1000:1000", add: []string{"2147483648"}, files: base, want: fails(ErrRange)},
		{name: "group-add negative", user: "1000:1000", add: []string{"-1"}, files: base, want: fails(ErrRange)},
		{name: "group-add name without group file", user: "1000", add: []string{"root"}, files: none, want: fails(ErrNoGroup)},
		{name: "group-add number named group", user: "1000:1000", add: []string{"1000"},
			files: withGroup("1000:x:0:\napp:x:1000:\n"), want: ok(1000, 1000, 0)},
		{name: "group-add group with gid 2^32", user: "1000:1000", add: []string{"big"},
			files: withGroup("big:x:4294967296:\n"), want: ok(1000, 1000, 0, 1000)},
		{name: "group-add order decides in runc", user: "1000:1000", add: []string{"7", "8"},
			files: withGroup("x:x:7:\n7:x:0:\n8:x:7:\n"), want: ok(1000, 1000, 0, 7, 8, 1000), engine: "subset"},

		// hostile /etc/passwd
		{name: "another name for uid 0", user: "toor", files: withPasswd("toor:x:0:0::/root:/bin/sh\n"), want: ok(0, 0, 0)},
		{name: "name 10001 with uid 0 is not used", user: "10001", files: withPasswd("10001:x:0:0::/:/bin/sh\n"), want: ok(10001, 0, 0)},
		{name: "name 10001 with gid", user: "10001:10001", files: withPasswd("10001:x:0:0::/:/bin/sh\n"), want: ok(10001, 10001, 10001)},
		{name: "uid 2^32 in passwd truncates to 0", user: "evil", files: withPasswd("evil:x:4294967296:4294967296::/:/bin/sh\n"), want: ok(0, 0, 0)},
		{name: "spelled uid 2^32 with entry", user: "4294967296", files: withPasswd("evil:x:4294967296:5::/:/bin/sh\n"), want: ok(0, 5, 5)},
		{name: "uid -1 in passwd", user: "neg", files: withPasswd("neg:x:-1:1000::/:/bin/sh\n"), want: fails(ErrRange)},
		{name: "uid 2^32-1 in passwd", user: "max", files: withPasswd("max:x:4294967295:1000::/:/bin/sh\n"), want: fails(ErrInvalidID)},
		{name: "unparsable uid is 0", user: "bad", files: withPasswd("bad:x:abc:def::/:/bin/sh\n"), want: ok(0, 0, 0)},
		{name: "empty uid is 0", user: "e", files: withPasswd("e:x::::/:\n"), want: ok(0, 0, 0)},
		{name: "short line is uid 0", user: "short", files: withPasswd("short\n"), want: ok(0, 0, 0)},
		{name: "blank before uid is 0", user: "s", files: withPasswd("s:x: 1000:1000::/:/bin/sh\n"), want: ok(0, 1000, 1000)},
		{name: "plus uid in passwd", user: "1000", files: withPasswd("p:x:+1000:77::/:/bin/sh\n"), want: ok(1000, 77, 77)},
		{name: "first duplicate name wins", user: "app", files: withPasswd("app:x:0:0::/:/bin/sh\napp:x:1000:1000::/:/bin/sh\n"), want: ok(0, 0, 0, 50)},
		{name: "first duplicate uid wins", user: "1000", files: withPasswd("a:x:1000:0::/:/bin/sh\nb:x:1000:1000::/:/bin/sh\n"), want: ok(1000, 0, 0)},
		{name: "second of duplicate uid by name", user: "b", files: withPasswd("a:x:1000:0::/:/bin/sh\nb:x:1000:1000::/:/bin/sh\n"), want: ok(1000, 1000, 1000)},
		{name: "primary gid 0 in passwd", user: "1000", files: withPasswd("app:x:1000:0::/:/bin/sh\n"), want: ok(1000, 0, 0, 50)},
		{name: "indented and CRLF lines", user: "app", files: fileset{passwd: "  app:x:1000:1000::/home/app:/bin/sh\r\n", group: "staff:x:50:app\r\n"}, want: ok(1000, 1000, 50, 1000)},
		{name: "passwd comment is an entry", user: "#app", files: withPasswd("#app:x:0:0::/:/bin/sh\napp:x:1000:1000::/:/bin/sh\n"), want: ok(0, 0, 0)},
		{name: "passwd comment does not shadow", user: "app", files: withPasswd("#app:x:0:0::/:/bin/sh\napp:x:1000:1000::/:/bin/sh\n"), want: ok(1000, 1000, 50, 1000)},
		{name: "passwd line of 64 KiB", user: "1000:1000", files: withPasswd("long:x:5:5:" + strings.Repeat("g", 70000) + ":/:/bin/sh\n"), want: fails(bufio.ErrTooLong)},
		{name: "empty user name gets no groups", user: "1000", files: fileset{passwd: ":x:1000:1000::/:/bin/sh\n", group: "z:x:0:,\n"}, want: ok(1000, 1000, 1000)},

		// hostile /etc/group
		{name: "member of root group", user: "app", files: withGroup("root:x:0:app\napp:x:1000:\n"), want: ok(1000, 1000, 0, 1000)},
		{name: "member of gid 2^32", user: "app", files: withGroup("app:x:1000:\nbig:x:4294967296:app\n"), want: ok(1000, 1000, 0, 1000)},
		{name: "member of gid -1", user: "app", files: withGroup("app:x:1000:\nneg:x:-1:app\n"), want: fails(ErrRange)},
		{name: "number named group remaps the gid", user: "1000:1000", files: withGroup("1000:x:0:\napp:x:1000:\n"), want: ok(1000, 1000, 0)},
		{name: "number named group after the gid", user: "1000:1000", files: withGroup("app:x:1000:\n1000:x:0:\n"), want: ok(1000, 1000, 1000)},
		{name: "duplicate gid takes the named group", user: "app", files: withGroup("app:x:1000:app\n1000:x:0:\n"), want: ok(1000, 1000, 0, 1000)},
		{name: "explicit group name with gid 0", user: "app:wheel", files: withGroup("wheel:x:0:\n"), want: ok(1000, 0, 0)},
		{name: "first duplicate group name wins", user: "1000:g", files: withGroup("g:x:0:\ng:x:5:\n"), want: ok(1000, 0, 0)},
		{name: "explicit group with gid 2^32", user: "1000:g", files: withGroup("g:x:4294967296:\n"), want: ok(1000, 0, 0)},
		{name: "unparsable gid is 0", user: "app", files: withGroup("app:x:1000:\nweird:x:zz:app\n"), want: ok(1000, 1000, 0, 1000)},
		{name: "member with blank does not match", user: "app", files: withGroup("app:x:1000:\nadm:x:0: app\n"), want: ok(1000, 1000, 1000)},
		{name: "group comment line", user: "app", files: withGroup("app:x:1000:\n#c:x:0:app\n"),
			want: ok(1000, 1000, 0, 1000), deb: &want{uid: 1000, gid: 1000, groups: []int{1000}}},
		{name: "group trailing blank", user: "app", files: withGroup("app:x:1000:\nadm:x:0:app \n"),
			want: ok(1000, 1000, 0, 1000)},
		{name: "group line of 64 KiB", user: "app", files: withGroup("app:x:1000:\n" + longLine),
			want: ok(1000, 1000, 9, 1000)},
		{name: "group line of 64 KiB with explicit group", user: "1000:1000", files: withGroup(longLine),
			want: ok(1000, 1000, 1000)},
	}
}

func TestResolve(t *testing.T) {
	for _, c := range cases() {
		t.Run(c.name, func(t *testing.T) {
			pw, gr := c.files.readers()
			id, err := Resolve(c.user, c.add, pw, gr)
			check(t, "Resolve", id, err, c.want)
			f := mustLoad(t, c.files)
			id, err = ResolveBuild(Builds[0], c.user, c.add, f, f)
			check(t, "ResolveBuild(Builds[0])", id, err, c.build0())
		})
	}
}

func mustLoad(t testing.TB, fs fileset) *Files {
	t.Helper()
	pw, gr := fs.readers()
	f, err := Load(pw, gr)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return f
}

func check(t *testing.T, what string, id Identity, err error, w want) {
	t.Helper()
	if w.err != nil {
		var ee *EngineError
		if !errors.Is(err, w.err) || !errors.As(err, &ee) {
			t.Fatalf("%s: got %+v, %v; want error %v", what, id, err, w.err)
		}
		return
	}
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	if id.UID != w.uid || id.GID != w.gid || !slices.Equal(id.Groups, w.groups) {
		t.Fatalf("%s: got uid %d gid %d groups %v; want uid %d gid %d groups %v\ntrace: %q",
			what, id.UID, id.GID, id.Groups, w.uid, w.gid, w.groups, id.Trace)
	}
	if len(id.Trace) == 0 {
		t.Fatalf("%s: no trace", what)
	}
}

func TestFileTooLarge(t *testing.T) {
	big := strings.NewReader(strings.Repeat("a:x:1:1::/:/bin/sh\n", MaxFileBytes/10))
	_, err := Resolve("1000", nil, big, nil)
	if !errors.Is(err, ErrFileTooLarge) {
		t.Fatalf("got %v, want ErrFileTooLarge", err)
	}
	_, err = Resolve("1000", nil, nil, strings.NewReader(strings.Repeat("#", MaxFileBytes+1)))
	if !errors.Is(err, ErrFileTooLarge) {
		t.Fatalf("group: got %v, want ErrFileTooLarge", err)
	}
}

type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, errors.New("disk on fire") }

func TestReadError(t *testing.T) {
	if _, err := Resolve("1000:1000", nil, failingReader{}, nil); err == nil || !strings.Contains(err.Error(), "read /etc/passwd") {
		t.Fatalf("got %v, want a read error", err)
	}
}

func TestEngineMessages(t *testing.T) {
	for _, c := range []struct{ user, add, msg, stage string }{
		{"nobody", "", "unable to find user nobody: no matching entries in passwd file", StageDaemon},
		{"1000:nogroup", "", "unable to find group nogroup: no matching entries in group file", StageDaemon},
		{"2147483648", "", "uids and gids must be in range 0-2147483647", StageDaemon},
		{"1000", "root2", "Unable to find group root2: no matching entries in group file", StageDaemon},
	} {
		var add []string
		if c.add != "" {
			add = []string{c.add}
		}
		_, err := Resolve(c.user, add, strings.NewReader(basePasswd), strings.NewReader(baseGroup))
		var ee *EngineError
		if !errors.As(err, &ee) || ee.Msg != c.msg || ee.Stage != c.stage {
			t.Errorf("%q: got %v, want %s: %q", c.user, err, c.stage, c.msg)
		}
	}
	_, err := Resolve("neg", nil, strings.NewReader("neg:x:-1:1::/:/bin/sh\n"), nil)
	var ee *EngineError
	if !errors.As(err, &ee) || ee.Stage != StageRuntime {
		t.Errorf("uid -1: got %v, want a runc refusal", err)
	}
}

func TestHome(t *testing.T) {
	f := mustLoad(t, base)
	for user, home := range map[string]string{"app": "/home/app", "1000:1000": "/home/app", "4242": "/", "": "/root"} {
		id, err := f.Resolve(user, nil)
		if err != nil || id.Home != home {
			t.Errorf("%q: home %q, %v; want %q", user, id.Home, err, home)
		}
	}
}

func TestRootChecks(t *testing.T) {
	if !(Identity{UID: 0, GID: 5}).RootUser() || (Identity{UID: 5}).RootUser() {
		t.Error("RootUser")
	}
	for _, id := range []Identity{{UID: 5, GID: 0}, {UID: 5, GID: 5, Groups: []int{5, 0}}} {
		if !id.RootGroup() {
			t.Errorf("RootGroup(%+v) = false", id)
		}
	}
	if (Identity{UID: 5, GID: 5, Groups: []int{5}}).RootGroup() {
		t.Error("RootGroup of a plain user")
	}
}

// TestResolveMounted: a bind over /etc/group changes what runc reads.
func TestResolveMounted(t *testing.T) {
	image := mustLoad(t, base)
	mounted := mustLoad(t, withGroup("1000:x:0:\n"))
	id, err := ResolveMounted("1000:1000", nil, image, mounted)
	if err != nil || !id.RootGroup() {
		t.Fatalf("got %+v, %v; want supplementary group 0", id, err)
	}
	id, err = ResolveMounted("1000:1000", nil, nil, nil)
	if err != nil || id.UID != 1000 || id.GID != 1000 || !slices.Equal(id.Groups, []int{1000}) {
		t.Fatalf("nil files: got %+v, %v", id, err)
	}
}

func TestAnalyze(t *testing.T) {
	for _, c := range []struct {
		user               string
		uid, gid           int
		uidFixed, gidFixed bool
		needPasswd         bool
	}{
		{"", 0, 0, true, false, true},
		{"+0", 0, 0, true, false, true},
		{"-0:000", 0, 0, true, true, false},
		{":5", 0, 5, true, true, false},
		{"1000:1000", 1000, 1000, true, true, false},
		{"1000:staff", 1000, 0, true, false, false},
		{"1000", 1000, 0, true, false, true},
		{"app:1000", 0, 1000, false, true, true},
		{"4294967296:1", 0, 1, false, true, true},
		{"-1:1", 0, 1, false, true, true},
		{"1:2147483648", 1, 0, true, false, false},
		{" 0:0", 0, 0, false, true, true},
	} {
		p := Analyze(c.user)
		if p.UID != c.uid || p.GID != c.gid || p.UIDFixed != c.uidFixed || p.GIDFixed != c.gidFixed ||
			p.NeedPasswd != c.needPasswd || !p.NeedGroup {
			t.Errorf("Analyze(%q) = %+v", c.user, p)
		}
	}
}

// TestAnalyzeAgreesWithResolve: over the table, fixed ids are what Resolve
// returns and files Analyze calls unneeded change nothing.
func TestAnalyzeAgreesWithResolve(t *testing.T) {
	for _, c := range cases() {
		checkPlan(t, c.user, c.add, c.files)
	}
}

func checkPlan(t *testing.T, user string, add []string, fs fileset) {
	t.Helper()
	p := Analyze(user)
	f := mustLoad(t, fs)
	id, err := f.Resolve(user, add)
	if err != nil {
		return
	}
	if p.UIDFixed && id.UID != p.UID || p.GIDFixed && id.GID != p.GID {
		t.Errorf("%q: plan %+v, resolved %+v", user, p, id)
	}
	if p.NeedPasswd {
		return
	}
	for _, pw := range []string{"", basePasswd, "x:x:0:0::/:/bin/sh\n" + strings.Replace(fs.passwd, ":", "_", 1)} {
		other := fs
		other.passwd, other.noPasswd = pw, pw == ""
		id2, err := mustLoad(t, other).Resolve(user, add)
		if err == nil && (id2.UID != id.UID || id2.GID != id.GID || !slices.Equal(id2.Groups, id.Groups)) {
			t.Errorf("%q: passwd %q changed %+v to %+v", user, pw, id, id2)
		}
	}
}

// TestHostileFileIsLinear: the user in every line of a 1 MiB group file,
// and thousands of --group-add, must not make the judge spin (a quadratic
// look-up takes minutes here; the bound leaves room for -race on shared CPUs).
func TestHostileFileIsLinear(t *testing.T) {
	var b strings.Builder
	for i := 0; b.Len() < MaxFileBytes-64; i++ {
		fmt.Fprintf(&b, "%d:x:%d:app\n", i%7, i)
	}
	add := make([]string, 5000)
	for i := range add {
		add[i] = strconv.Itoa(i % 9)
	}
	start := time.Now()
	id, err := Resolve("app", add, strings.NewReader(basePasswd), strings.NewReader(b.String()))
	if err != nil || !id.RootGroup() {
		t.Fatalf("got %d groups, %v; want group 0", len(id.Groups), err)
	}
	if d := time.Since(start); d > 20*time.Second {
		t.Fatalf("took %v", d)
	}
	if len(id.Trace) > maxTrace+3 {
		t.Fatalf("trace of %d lines", len(id.Trace))
	}
}
