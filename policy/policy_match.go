package policy

import (
	"path"
	"strings"
)

// Glob matching and the spelling of profile keys in refusals.

// matchPath matches a host path against a path glob: "*", "?" and "[...]"
// within one segment (path.Match), and a "**" segment for any number of
// segments, none included ("/home/u/src/**" matches /home/u/src itself).
func matchPath(glob, p string) bool {
	if glob == "" || p == "" {
		return false
	}
	return matchSegments(splitPath(glob), splitPath(path.Clean(p)))
}

func splitPath(p string) []string {
	p = strings.Trim(p, "/")
	if p == "" {
		return nil
	}
	return strings.Split(p, "/")
}

func matchSegments(g, s []string) bool {
	for len(g) > 0 {
		if g[0] == "**" {
			for i := 0; i <= len(s); i++ {
				if matchSegments(g[1:], s[i:]) {
					return true
				}
			}
			return false
		}
		if len(s) == 0 {
			return false
		}
		if ok, err := path.Match(g[0], s[0]); err != nil || !ok {
			return false
		}
		g, s = g[1:], s[1:]
	}
	return len(s) == 0
}

func matchAnyPath(globs []string, p string) bool {
	for _, g := range globs {
		if matchPath(g, p) {
			return true
		}
	}
	return false
}

// matchAny matches s against a glob whose "*" spans any characters, "/"
// and "." included (image references, sysctl names), and "?" one.
func matchAny(glob, s string) bool {
	star, mark := -1, 0
	gi, si := 0, 0
	for si < len(s) {
		switch {
		case gi < len(glob) && (glob[gi] == '?' || glob[gi] == s[si]):
			gi++
			si++
		case gi < len(glob) && glob[gi] == '*':
			star, mark = gi, si
			gi++
		case star >= 0:
			gi, mark = star+1, mark+1
			si = mark
		default:
			return false
		}
	}
	for gi < len(glob) && glob[gi] == '*' {
		gi++
	}
	return gi == len(glob)
}

func matchAnyGlob(globs []string, s string) bool {
	for _, g := range globs {
		if matchAny(g, s) {
			return true
		}
	}
	return false
}

// globPrefix is the literal directory part of a path glob, before its
// first wildcard: "/srv/secret/**" gives /srv/secret.
func globPrefix(glob string) string {
	i := strings.IndexAny(glob, "*?[")
	if i < 0 {
		return path.Clean(glob)
	}
	return path.Dir(glob[:i] + "x")
}

// under reports whether p is dir or below it.
func under(p, dir string) bool {
	if dir == "/" {
		return true
	}
	return p == dir || strings.HasPrefix(p, dir+"/")
}

// keyList spells a list key with its value as a refusal names it:
// `cap_allow: [SYS_PTRACE]`.
func keyList(key string, list []string) string {
	return key + ": [" + strings.Join(list, ", ") + "]"
}

func keyString(key, v string) string { return key + ": " + v }
