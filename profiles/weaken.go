package profiles

import (
	"fmt"
	"slices"
	"strings"
)

// Weakening is one thing a profile permits that the profile it extends
// does not: an inherited restriction removed (seccomp.allow: [ptrace]
// takes ptrace out of the inherited seccomp.deny), a permission list
// widened, a requirement or limit relaxed. The contract asks that
// `profiles validate`, `profiles show` and `explain` name every one.
type Weakening struct {
	Change         // Key, Item, From, To; Effect is always Looser
	Profile string `json:"profile"` // the profile that weakens
	Parent  string `json:"parent"`  // the profile it extends, which had the restriction
	File    string `json:"file"`    // the file of Profile ("built-in/dev.yaml" for a built-in)
	Line    int    `json:"line"`    // where Profile sets the key that weakens (the extends line when a rule did)
	Col     int    `json:"col"`
}

// String is one line for people:
// FILE:LINE:COL: weakening: CHANGE (PROFILE extends PARENT).
func (w Weakening) String() string {
	return fmt.Sprintf("%s:%d:%d: weakening: %s (%s extends %s)", w.File, w.Line, w.Col, w.Change, w.Profile, w.Parent)
}

// Weakenings returns every weakening along p's extends chain, the
// furthest ancestor's first; nil for a profile without extends. A value
// changed again further down the chain is judged against the value before
// the first weakening: taken back (ptrace denied again, a limit restored),
// it is left out; loosened further, the latest profile is named, From is
// still the original value.
func (p *Profile) Weakenings() []Weakening { return slices.Clone(p.Weakened) }

// weakenings is the chain's weakenings once child (layer lay of file)
// applies to the profile resolved at up.
func weakenings(up *resolvedResult, child *Profile, lay *layer, file string) []Weakening {
	parent := up.p
	changes := Compare(parent, child)
	var out []Weakening
	for _, w := range parent.Weakened {
		i := slices.IndexFunc(changes, func(c Change) bool { return c.Key == w.Key && c.Item == w.Item })
		if i < 0 {
			out = append(out, w) // untouched here
			continue
		}
		if now, still := stillLooser(up, w, child); still {
			if changes[i].Effect != Looser { // this file only narrows it
				w.Change = now
				out = append(out, w)
			} else {
				changes[i] = now // named below as this file's, from the original value
			}
		} else if changes[i].Effect == Looser {
			changes[i].Effect = Changed // looser than its parent, not than the original
		}
	}
	for _, c := range changes {
		if c.Effect != Looser {
			continue
		}
		at := weakeningPos(lay, c)
		out = append(out, Weakening{Change: c, Profile: child.Name, Parent: parent.Name, File: file, Line: at.line, Col: at.col})
	}
	return out
}

// stillLooser compares child with the profile w's file extended, for w's
// key and item only: the change from before the first weakening, and
// whether it still permits more.
func stillLooser(up *resolvedResult, w Weakening, child *Profile) (Change, bool) {
	for x := up; x != nil && x.up != nil; x = x.up {
		if x.leaf != w.File {
			continue
		}
		for _, c := range aspectOf(w.Key).cmp(w.Key, x.up.p, child) {
			if c.Item == w.Item {
				return c, c.Effect == Looser
			}
		}
		return Change{}, false
	}
	return Change{}, false
}

// causes are the keys whose rule changes another key: a removal from
// seccomp.deny is written in seccomp.allow, and so on.
var causes = map[string][]string{
	"seccomp.deny":       {"seccomp.allow"},
	"cap_drop":           {"cap_add"},
	"limits.memory_swap": {"limits.memory", "max.memory"},
	"limits.memory":      {"max.memory"},
	"limits.cpus":        {"max.cpus"},
	"limits.pids":        {"max.pids"},
}

// weakeningPos is where lay sets the key that caused c: for an item
// removed from a restriction list, the key that removes it (seccomp.allow)
// unless the list was written !override; else the key itself; else its
// extends line.
func weakeningPos(lay *layer, c Change) pos {
	key := c.Key
	keys := append([]string{key}, causes[key]...)
	if c.Item != "" && c.To == "" && !lay.override[key] {
		keys = slices.Concat(causes[key], []string{key})
	}
	for _, k := range keys {
		if p, ok := lay.set[k]; ok {
			return p
		}
	}
	for k := key; strings.Contains(k, "."); {
		k = k[:strings.LastIndexByte(k, '.')]
		if p, ok := lay.set[k]; ok {
			return p // the section written as a whole (max: null)
		}
	}
	return lay.set["extends"]
}

// Warning is a profile that is valid but will fail in a way the user
// cannot see: `profiles validate` prints it and still exits 0.
type Warning struct {
	File string `json:"file"`
	Line int    `json:"line"`
	Col  int    `json:"col"`
	Msg  string `json:"message"`
}

// String is "FILE:LINE:COL: warning: message".
func (w Warning) String() string {
	return fmt.Sprintf("%s:%d:%d: warning: %s", w.File, w.Line, w.Col, w.Msg)
}

// Warnings returns the warnings of p and of the files it extends, except
// those inside the built-in profiles (reviewed, and their comments say
// why).
func (p *Profile) Warnings() []Warning { return slices.Clone(p.Warned) }

// resolvedWarnings checks the resolved profile for silent failures, each
// placed at the latest-set key involved.
func resolvedWarnings(p *Profile, where *placed, leaf string) []Warning {
	if !p.Enforce {
		return nil
	}
	c := &crossChecker{p: p, where: where, leaf: leaf}
	var out []Warning
	rootWarnings(p, func(paths []string, format string, args ...any) {
		c.errs = nil
		c.add(paths, format, args...)
		if e := c.errs[0]; !strings.HasPrefix(e.File, "built-in/") {
			out = append(out, Warning{File: e.File, Line: e.Line, Col: e.Col, Msg: e.Msg})
		}
	})
	return out
}

// layerWarnings: in a child, a merged list written empty removes nothing.
func layerWarnings(lay *layer, inherit bool) []Warning {
	if !inherit {
		return nil
	}
	var out []Warning
	for _, path := range mergedListNames {
		if at, ok := lay.set[path]; ok && !lay.override[path] && emptyList(&lay.prof, path) {
			out = append(out, Warning{File: at.file, Line: at.line, Col: at.col,
				Msg: fmt.Sprintf("%s: [] removes nothing: through extends this list merges with the inherited one; write `%s: !override []` to drop the inherited entries (a weakening)", path, lastPart(path))})
		}
	}
	return out
}

func rootWarnings(p *Profile, add func([]string, string, ...any)) {
	if p.AllowRoot || (p.User != "" && isRoot(p.User)) {
		killWarning(p, add)
	}
	if p.Enforce && !p.ReadOnly && !(p.AllowRoot && p.AllowRootGroup) {
		add([]string{"read_only"},
			"read_only: false while uid 0 or group 0 is refused: every container is refused unless the caller gives --read-only (the engine resolves the user from /etc/passwd and /etc/group again at every start, exec and health check, and a writable root file system lets the container rewrite them)")
	}
	if p.AllowRoot && !p.ReadOnly {
		add([]string{"read_only", "allow_root"},
			"allow_root with read_only: false: a root process can rewrite the image's binaries and libraries, and the change outlives a restart (set read_only: true and give it tmpfs scratch space)")
	}
	if _, ok := p.Limits.Ulimits["nproc"]; ok {
		add([]string{"limits.ulimits"},
			"limits.ulimits.nproc counts every process of the uid on the host, across containers: containers sharing a user exhaust one another's limit (use limits.pids, which is per container)")
	}
}

// killWarning: a root init that may change user (SETUID, SETGID) cannot
// signal the children it started as another user without KILL.
func killWarning(p *Profile, add func([]string, string, ...any)) {
	caps := effectiveDefaultCaps(p)
	if (caps["SETUID"] || caps["SETGID"]) && !caps["KILL"] {
		add([]string{"cap_add", "cap_drop", "allow_root", "user"},
			"a root user with SETUID or SETGID but no KILL: once the init process changes user it cannot signal its children, so `docker stop` kills instead of stopping (add KILL to cap_add)")
	}
}

// effectiveDefaultCaps are the capabilities a container gets from the
// profile alone: docker's default set less cap_drop, plus cap_add.
func effectiveDefaultCaps(p *Profile) map[string]bool {
	caps := map[string]bool{}
	if !slices.Contains(p.CapDrop, "ALL") {
		for _, c := range dockerDefaultCaps {
			caps[c] = !slices.Contains(p.CapDrop, c)
		}
	}
	for _, c := range p.CapAdd {
		caps[c] = true
	}
	if caps["ALL"] {
		for _, c := range capabilities {
			caps[c] = true
		}
	}
	return caps
}

// dockerDefaultCaps is the engine's default capability set (moby
// oci/caps/defaults.go).
var dockerDefaultCaps = []string{
	"CHOWN", "DAC_OVERRIDE", "FSETID", "FOWNER", "MKNOD", "NET_RAW", "SETGID",
	"SETUID", "SETFCAP", "SETPCAP", "NET_BIND_SERVICE", "SYS_CHROOT", "KILL", "AUDIT_WRITE",
}

func emptyList(p *Profile, path string) bool {
	switch path {
	case "cap_drop":
		return len(p.CapDrop) == 0
	case "seccomp.deny":
		return len(p.Seccomp.Deny) == 0
	case "volumes.deny":
		return len(p.Volumes.Deny) == 0
	case "apparmor.deny_write":
		return len(p.AppArmor.DenyWrite) == 0
	case "tmpfs":
		return len(p.Tmpfs) == 0
	}
	return false
}

func lastPart(path string) string {
	return path[strings.LastIndexByte(path, '.')+1:]
}
