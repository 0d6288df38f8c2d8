package policy

import (
	"path"
	"strconv"
	"strings"
)

// judgeIdentity: who the process runs as, where, and from which image.
func (e *evaluation) judgeIdentity() {
	e.judgeUser()
	e.judgeGroupAdd()
	e.judgeWorkdir()
	e.judgeImage()
}

// judgeUser applies the profile's user when the caller gave none and the
// image would run as root, and refuses root unless allow_root. Root is uid 0
// or gid 0, by number or by name: gid 0 is refused like --group-add 0.
func (e *evaluation) judgeUser() {
	if u := e.cfg.User; u != "" {
		if isRootUser(u) && !e.p.AllowRoot {
			e.refuse(item("Config.User", u), "allow_root: false", "")
		}
		return
	}
	if !isRootUser(e.img.User) {
		return // the image's own non-root USER applies
	}
	if e.p.User != "" {
		e.cfg.User = e.p.User
		e.change("Config.User", e.p.User, "user", "default")
		return
	}
	if !e.p.AllowRoot {
		e.refuse(itemAs(FieldUser, "running as the image's user "+orString(e.img.User, "root")), "allow_root: false",
			"the profile has no user to run as instead")
	}
}

// isRootUser reports whether a USER / --user value (user[:group]) names uid
// 0 or gid 0. "" is the image default, root.
func isRootUser(u string) bool {
	if u == "" {
		return true
	}
	user, group, _ := strings.Cut(u, ":")
	return isRootID(user) || isRootID(group)
}

func isRootID(id string) bool {
	if id == "root" {
		return true
	}
	n, err := strconv.ParseUint(id, 10, 32)
	return err == nil && n == 0
}

// judgeGroupAdd refuses the root group: it opens every file root's group
// may write. allow_root permits it as it permits --user 0.
func (e *evaluation) judgeGroupAdd() {
	if e.p.AllowRoot {
		return
	}
	for _, g := range e.hc.GroupAdd {
		if isRootID(g) {
			e.refuse(item("HostConfig.GroupAdd", g), "allow_root: false", "")
		}
	}
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
