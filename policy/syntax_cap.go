package policy

import (
	"slices"
	"strings"

	"github.com/hardrun/hardrun/profiles"
)

// Capability names come in docker's spellings: with or without CAP_, in
// any case, and ALL. Style.md convention 13: the judge, the post-create
// check, audit and the flag translation spell them here. (seccomp and probe
// import no project package and keep their own engine-spelling helper.)

// CapName spells a capability as the profiles do: upper case, no CAP_
// prefix ("cap_sys_admin", "CAP_SYS_ADMIN" and "sys_admin" are SYS_ADMIN;
// "all" is ALL). It does not check the name: the judge compares the names
// it is given, and an unknown one is then simply not in the permitted set.
func CapName(c string) string {
	c = strings.ToUpper(strings.TrimSpace(c))
	// Every prefix and the spaces around it go: "CAP_ SYS_ADMIN" and
	// "CAP_CAP_SYS_ADMIN" (which the engine refuses) are judged as the
	// capability they spell, and the name is the same however often it is
	// normalised.
	for strings.HasPrefix(c, "CAP_") {
		c = strings.TrimSpace(strings.TrimPrefix(c, "CAP_"))
	}
	return c
}

// ParseCapability is CapName for a name that must be a known capability
// (or ALL), as a profile's must be.
func ParseCapability(c string) (string, error) { return profiles.NormalizeCapability(c) }

// CapNameSet is the set of the names, each spelled by CapName.
func CapNameSet(caps ...[]string) map[string]bool {
	s := map[string]bool{}
	for _, list := range caps {
		for _, c := range list {
			s[CapName(c)] = true
		}
	}
	return s
}

// ClientCapabilities is docker's API client's spelling of a capability
// list (what `docker run --cap-add` sends): upper case, CAP_ prefixed (ALL
// excepted), de-duplicated, sorted; nil when none.
func ClientCapabilities(caps []string) []string {
	if len(caps) == 0 {
		return nil
	}
	seen := make(map[string]bool, len(caps))
	out := make([]string, 0, len(caps))
	for _, c := range caps {
		c = strings.ToUpper(c)
		if c != "ALL" && !strings.HasPrefix(c, "CAP_") {
			c = "CAP_" + c
		}
		if !seen[c] {
			seen[c] = true
			out = append(out, c)
		}
	}
	slices.Sort(out)
	return out
}
