package policy

import (
	"bytes"
	"io"
	"path"
	"strconv"
	"strings"

	"github.com/hardrun/hardrun/identity"
)

// judgeIdentity: who the process runs as, where, and from which image.
func (e *evaluation) judgeIdentity() {
	e.judgeUser()
	e.judgeWorkdir()
	e.judgeImage()
}

// judgeUser applies the profile's user when the caller gave none and the
// image would run as root, then judges the identity the engine will give
// the process: uid 0, gid 0 and supplementary group 0 as the engine and
// runc resolve them (every numeric spelling, names looked up in the
// image's own /etc/passwd and /etc/group, groups that list the user).
// Spellings that are root whatever the image holds are refused at once;
// the rest is judged against the image's files, now when the caller has
// them, else after create (Plan.IdentityPending).
func (e *evaluation) judgeUser() {
	if e.cfg.User == "" && e.imageUserIsRoot() && e.p.User != "" {
		e.cfg.User = e.p.User
		e.change("Config.User", e.p.User, "user", "default")
	}
	if e.refuseRootSpelling() {
		return
	}
	if e.img.Users == nil {
		e.plan.IdentityPending = true
		return
	}
	e.plan.Refusals = append(e.plan.Refusals, JudgeIdentity(e.plan, *e.img.Users)...)
}

// imageUserIsRoot: the image's USER is empty or root, by spelling or (when
// the files are known) by what it resolves to.
func (e *evaluation) imageUserIsRoot() bool {
	u := e.img.User
	if isRootUser(u) {
		return true
	}
	if e.img.Users == nil {
		return false
	}
	id, err := ResolveIdentity(u, nil, *e.img.Users)
	return err == nil && id.RootUser()
}

// refuseRootSpelling refuses what is uid 0 or gid 0 whatever the image
// holds (--user +0, 00:1, 1:-0, root, --group-add 0 or root). It reports
// whether it refused.
func (e *evaluation) refuseRootSpelling() bool {
	n := len(e.plan.Refusals)
	what, u := e.userItem()
	plan := identity.Analyze(u)
	user, group, _ := strings.Cut(u, ":")
	if plan.UIDFixed && plan.UID == 0 && !e.p.AllowRoot {
		why := spelledAs(user, "uid 0")
		if e.cfg.User == "" {
			why = "the profile has no user to run as instead"
		}
		e.refuse(what, "allow_root: false", why)
	} else if user == "root" && !e.p.AllowRoot {
		e.refuse(what, "allow_root: false", "")
	}
	if plan.GIDFixed && plan.GID == 0 && !e.p.AllowRootGroup {
		e.refuse(what, "allow_root_group: false", spelledAs(group, "gid 0"))
	}
	for _, g := range e.hc.GroupAdd {
		if isRootID(g) && !e.p.AllowRootGroup {
			e.refuse(item("HostConfig.GroupAdd", g), "allow_root_group: false", "")
		}
	}
	return len(e.plan.Refusals) > n
}

// spelledAs explains a spelling of 0 other than "0" (and "", which is
// running as the image's root).
func spelledAs(spelling, id string) string {
	if spelling == "0" || spelling == "" {
		return ""
	}
	return "the engine reads " + spelling + " as " + id
}

// userItem names the user the engine will run the process as, in the
// user's words, and returns its spelling.
func (e *evaluation) userItem() (Item, string) {
	if u := e.cfg.User; u != "" {
		if e.given("user") {
			return item(FieldUser, u), u
		}
		return itemAs(FieldUser, itemText(FieldUser, u)+" (the profile's user)"), u
	}
	return itemAs(FieldUser, "running as the image's user "+orString(e.img.User, "root")), e.img.User
}

// JudgeIdentity resolves the plan's user and --group-add against the
// image's user files as the engine will and returns the refusals: uid 0
// unless allow_root, gid 0 or supplementary group 0 unless
// allow_root_group, and a user the engine could not start at all.
func JudgeIdentity(plan *Plan, files UserFiles) []Refusal {
	p := plan.Profile
	if p == nil || !p.Enforce {
		return nil
	}
	e := &evaluation{p: p, img: plan.Image, plan: &Plan{}, req: &plan.Request, cfg: plan.Request.Config, hc: plan.Request.HostConfig}
	what, u := e.userItem()
	id, err := ResolveIdentity(u, e.hc.GroupAdd, files)
	if err != nil {
		return []Refusal{{Item: what.Text, Field: what.Field, Key: keyEnforce, Why: "cannot be judged: " + err.Error()}}
	}
	if id.RootUser() && !p.AllowRoot {
		e.refuse(what, "allow_root: false", "it resolves to uid 0 in the image's /etc/passwd")
	}
	if id.RootGroup() && !p.AllowRootGroup {
		e.refuse(what, "allow_root_group: false", rootGroupWhy(id))
	}
	return e.plan.Refusals
}

func rootGroupWhy(id identity.Identity) string {
	if id.GID == 0 {
		return "its group resolves to gid 0 in the image's /etc/passwd and /etc/group (a uid with no passwd entry and no group gets gid 0: give --user UID:GID)"
	}
	return "it gets supplementary group 0 from the image's /etc/group"
}

// ResolveIdentity is the identity the engine gives a process of user (the
// --user or exec -u value, or the image's USER) with groupAdd, against the
// image's user files.
func ResolveIdentity(user string, groupAdd []string, files UserFiles) (identity.Identity, error) {
	var passwd, group io.Reader
	if files.HavePasswd {
		passwd = bytes.NewReader(files.Passwd)
	}
	if files.HaveGroup {
		group = bytes.NewReader(files.Group)
	}
	return identity.Resolve(user, groupAdd, passwd, group)
}

// isRootUser reports whether a USER / --user value (user[:group]) names uid
// 0 or gid 0 by its spelling alone. "" is the image default, root.
func isRootUser(u string) bool {
	if u == "" {
		return true
	}
	user, group, _ := strings.Cut(u, ":")
	return isRootID(user) || isRootID(group)
}

// isRootID: "root", or a number the engine parses as 0 (strconv.Atoi:
// "0", "+0", "-0", "000").
func isRootID(id string) bool {
	if id == "root" {
		return true
	}
	n, err := strconv.Atoi(id)
	return err == nil && n == 0
}

// judgeWorkdir refuses a working directory under /proc, the caller's or the
// image's: a workdir of /proc/self/fd/N is how CVE-2024-21626 (runc "leaky
// vessels") reached the host's filesystem through a leaked descriptor.
func (e *evaluation) judgeWorkdir() {
	wd, what := e.cfg.WorkingDir, item("Config.WorkingDir", e.cfg.WorkingDir)
	if wd == "" {
		wd, what = e.img.WorkingDir, itemAs(FieldWorkingDir, "the image's WORKDIR "+e.img.WorkingDir)
	}
	if wd == "" {
		return
	}
	if c := path.Clean("/" + wd); c == "/proc" || strings.HasPrefix(c, "/proc/") {
		e.refuse(what, keyEnforce, "a working directory under /proc can expose host file descriptors (CVE-2024-21626)")
	}
}

// judgeImage checks images.allow and images.require_digest against the
// reference as given and in its normalized form (docker.io/library/alpine:latest).
func (e *evaluation) judgeImage() {
	ref := e.cfg.Image
	if ref == "" {
		return
	}
	if e.p.Images.RequireDigest && !pinned(ref) {
		e.refuse(item("Config.Image", ref), "images.require_digest: true", "the reference has no @sha256: digest")
		return
	}
	norm := normalizeImageRef(ref)
	for _, g := range e.p.Images.Allow {
		if matchAny(g, ref) || matchAny(g, norm) {
			return
		}
	}
	e.refuse(item("Config.Image", ref), keyList("images.allow", e.p.Images.Allow), "")
}

// pinned reports a reference fixed to content: name@sha256:... or an image ID.
func pinned(ref string) bool {
	if strings.Contains(ref, "@sha256:") {
		return true
	}
	id := strings.TrimPrefix(ref, "sha256:")
	return len(id) == 64 && strings.Trim(id, "0123456789abcdef") == ""
}

// normalizeImageRef spells a reference as the engine resolves it:
// "alpine" is docker.io/library/alpine:latest.
func normalizeImageRef(ref string) string {
	name, digest, _ := strings.Cut(ref, "@")
	first, _, hasSlash := strings.Cut(name, "/")
	switch {
	case !hasSlash:
		name = "docker.io/library/" + name
	case !strings.ContainsAny(first, ".:") && first != "localhost":
		name = "docker.io/" + name
	}
	if digest != "" {
		return name + "@" + digest
	}
	if i := strings.LastIndex(name, ":"); i < 0 || strings.Contains(name[i:], "/") {
		name += ":latest"
	}
	return name
}

func orString(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// Workdir is the working directory the process starts in, as the request
// or the image names it ("" for none) and how to name it to the user.
func (p *Plan) Workdir() (wd string, what Item) {
	if wd = p.Request.Config.WorkingDir; wd != "" {
		return wd, item(FieldWorkingDir, wd)
	}
	return p.Image.WorkingDir, itemAs(FieldWorkingDir, "the image's WORKDIR "+p.Image.WorkingDir)
}

// JudgeWorkdirResolved refuses a working directory that resolves, inside
// the container, to /proc or under it, whatever its spelling (a WORKDIR /w
// where the image's /w links to /proc/self): CVE-2024-21626 reached the
// host through such a directory.
func JudgeWorkdirResolved(plan *Plan, resolved string) []Refusal {
	if plan.Profile == nil || !plan.Profile.Enforce {
		return nil
	}
	wd, what := plan.Workdir()
	c := path.Clean("/" + resolved)
	if c != "/proc" && !strings.HasPrefix(c, "/proc/") {
		return nil
	}
	why := "it resolves to " + c + " in the image: a working directory under /proc can expose host file descriptors (CVE-2024-21626)"
	if path.Clean("/"+wd) == c {
		why = "a working directory under /proc can expose host file descriptors (CVE-2024-21626)"
	}
	return []Refusal{{Item: what.Text, Field: what.Field, Key: keyEnforce, Why: why}}
}
