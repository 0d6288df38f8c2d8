package apparmor

import (
	"fmt"
	"strings"
)

// NamePrefix begins the name of every profile hardrun generates, so a
// generated profile can never take the name of another one (docker-default,
// unconfined, a distribution profile).
const NamePrefix = "hardrun-"

// maxNameLen keeps the name well inside what the kernel accepts and what fits
// in a file name under /sys/kernel/security/apparmor/policy/profiles.
const maxNameLen = 128

// maxGlobLen bounds a deny_write glob; real paths are far shorter.
const maxGlobLen = 1024

// Spec is what a hardrun profile says about AppArmor, plus what the rest of the
// profile implies.
type Spec struct {
	// Name is the AppArmor profile name, NamePrefix followed by the hardrun
	// profile name ("hardrun-default").
	Name string
	// DenyWrite holds extra globs denied for write and link (the profile's
	// apparmor.deny_write), e.g. "/proc/sys/**". Paths are as the container sees
	// them. Duplicates are dropped; the order is kept.
	DenyWrite []string
	// NetRaw is false when NET_RAW is not in the container's final capability
	// set: the profile then denies raw and packet sockets as well.
	NetRaw bool
	// AllowPtrace is true when SYS_PTRACE is permitted (the dev profile): the
	// profile then allows ptrace between processes of the same container.
	AllowPtrace bool
}

// ValidateName reports whether name can be used as Spec.Name: NamePrefix
// followed by a letter or digit and then letters, digits, '_', '.' or '-'.
// Nothing else reaches the profile text unquoted, so a name cannot inject a
// rule or a comment.
func ValidateName(name string) error {
	rest, ok := strings.CutPrefix(name, NamePrefix)
	if !ok {
		return fmt.Errorf("invalid apparmor profile name %q: must start with %q", name, NamePrefix)
	}
	if rest == "" || len(name) > maxNameLen {
		return fmt.Errorf("invalid apparmor profile name %q: want %s and 1 to %d more characters", name, NamePrefix, maxNameLen-len(NamePrefix))
	}
	if !isAlnum(rest[0]) {
		return fmt.Errorf("invalid apparmor profile name %q: %q must start with a letter or digit", name, rest)
	}
	for i := 0; i < len(rest); i++ {
		if c := rest[i]; !isAlnum(c) && !strings.ContainsRune("_.-", rune(c)) {
			return fmt.Errorf("invalid apparmor profile name %q: character %q is not allowed", name, c)
		}
	}
	return nil
}

// ValidateGlob reports whether glob can be used in Spec.DenyWrite: an absolute
// path made of plain path characters and AppArmor's glob syntax (*, **, ?,
// [class], [^class], {alt,alt}), with balanced brackets and braces.
//
// Everything that could end the rule or start another one is refused:
// whitespace and control characters (a newline starts a new rule), '#'
// (a comment, or #include), '"', '\\', a ',' outside braces (ends the rule),
// an unmatched '}' (ends the profile), '@' (variables: the glob is a literal
// container path) and "." or ".." segments (AppArmor judges resolved paths,
// so such a glob would silently match nothing).
func ValidateGlob(glob string) error {
	if err := checkGlob(glob); err != nil {
		return fmt.Errorf("invalid deny_write glob %q: %w", glob, err)
	}
	return nil
}

func checkGlob(glob string) error {
	switch {
	case glob == "":
		return fmt.Errorf("empty")
	case len(glob) > maxGlobLen:
		return fmt.Errorf("longer than %d bytes", maxGlobLen)
	case glob[0] != '/':
		return fmt.Errorf("not an absolute path")
	}
	if err := checkSegments(glob); err != nil {
		return err
	}
	return checkGlobSyntax(glob)
}

func checkSegments(glob string) error {
	for seg := range strings.SplitSeq(glob[1:], "/") {
		switch seg {
		case ".", "..":
			return fmt.Errorf("path segment %q: AppArmor matches resolved paths", seg)
		}
	}
	if strings.Contains(glob, "//") {
		return fmt.Errorf("empty path segment")
	}
	return nil
}

// globScan tracks where a glob scanner is: braces may nest, classes may not.
type globScan struct {
	braces  int
	inClass bool
	class   int // characters seen since '[' (a leading '^' not counted)
}

func checkGlobSyntax(glob string) error {
	var s globScan
	for i := 0; i < len(glob); i++ {
		if err := s.step(glob, i); err != nil {
			return err
		}
	}
	if s.inClass {
		return fmt.Errorf("unterminated %q", "[")
	}
	if s.braces != 0 {
		return fmt.Errorf("unterminated %q", "{")
	}
	return nil
}

func (s *globScan) step(glob string, i int) error {
	c := glob[i]
	if s.inClass {
		return s.stepClass(glob, i)
	}
	switch {
	case isPathByte(c) || c == '*' || c == '?':
	case c == '[':
		s.inClass, s.class = true, 0
	case c == '{':
		s.braces++
	case c == '}':
		if s.braces == 0 {
			return fmt.Errorf("unbalanced %q at byte %d", "}", i)
		}
		s.braces--
	case c == ',':
		if s.braces == 0 {
			return fmt.Errorf("%q outside {} at byte %d", ",", i)
		}
	default:
		return fmt.Errorf("character %q at byte %d is not allowed", c, i)
	}
	return nil
}

func (s *globScan) stepClass(glob string, i int) error {
	c := glob[i]
	switch {
	case c == '^' && glob[i-1] == '[':
	case c == ']':
		if s.class == 0 {
			return fmt.Errorf("empty character class at byte %d", i)
		}
		s.inClass = false
	case c != '/' && isPathByte(c):
		s.class++
	default:
		return fmt.Errorf("character %q at byte %d is not allowed in a character class", c, i)
	}
	return nil
}

// isPathByte reports the plain characters a glob may contain outside its
// glob syntax.
func isPathByte(c byte) bool {
	return isAlnum(c) || strings.ContainsRune("/._-+~:%=", rune(c))
}

func isAlnum(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

// validate checks the whole spec and returns DenyWrite without duplicates.
func (s Spec) validate() ([]string, error) {
	if err := ValidateName(s.Name); err != nil {
		return nil, err
	}
	seen := make(map[string]bool, len(s.DenyWrite))
	globs := make([]string, 0, len(s.DenyWrite))
	for _, g := range s.DenyWrite {
		if err := ValidateGlob(g); err != nil {
			return nil, err
		}
		if !seen[g] {
			seen[g] = true
			globs = append(globs, g)
		}
	}
	return globs, nil
}
