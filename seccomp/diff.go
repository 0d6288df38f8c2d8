package seccomp

import (
	"encoding/json"
	"fmt"
	"slices"
	"sync"

	mobyseccomp "github.com/moby/profiles/seccomp"
)

// Diff reports the syscalls profileJSON allows in addition to Docker's default
// profile (added) and the syscalls Docker's default allows that profileJSON no
// longer allows (removed). Both lists are sorted and never nil, so they encode
// as JSON arrays.
//
// A syscall counts as allowed when an SCMP_ACT_ALLOW or SCMP_ACT_LOG rule
// names it under any condition (capability, architecture, kernel version,
// argument values): both profiles are read the same way, so Docker's
// CAP_SYS_ADMIN-only "mount" is allowed in Docker's default, and a profile that
// denies mount outright lists it as removed.
//
// Only allowlist profiles can be compared. For a profile whose default action
// lets calls through, the answer would be "every syscall the kernel has, minus
// a few", which cannot be computed from the profile; Diff returns an error.
func Diff(profileJSON []byte) (added, removed []string, err error) {
	var p mobyseccomp.Seccomp
	if err := json.Unmarshal(profileJSON, &p); err != nil {
		return nil, nil, fmt.Errorf("decode seccomp profile: %w", err)
	}
	if p.DefaultAction == "" {
		return nil, nil, fmt.Errorf("diff seccomp profile: no defaultAction (the engine would apply no filter at all)")
	}
	if permitting(p.DefaultAction) {
		return nil, nil, fmt.Errorf("diff seccomp profile: default action %s allows every syscall not listed, only allowlist profiles can be compared", p.DefaultAction)
	}
	docker, err := dockerAllowed()
	if err != nil {
		return nil, nil, fmt.Errorf("diff seccomp profile: %w", err)
	}
	got := allowedNames(&p)
	return setMinus(got, docker), setMinus(docker, got), nil
}

// dockerAllowed is the set of syscalls Docker's default profile allows under
// some condition, computed once.
var dockerAllowed = sync.OnceValues(func() (map[string]bool, error) {
	b, err := defaultBase()
	if err != nil {
		return nil, err
	}
	return allowedNames(b.profile), nil
})

// dockerNames is every syscall name Docker's default profile mentions, in any
// rule; nil when the default profile is not available (non-Linux builds).
var dockerNames = sync.OnceValue(func() map[string]bool {
	b, err := defaultBase()
	if err != nil {
		return nil
	}
	names := make(map[string]bool)
	for _, rule := range b.profile.Syscalls {
		for _, n := range ruleNames(rule) {
			names[n] = true
		}
	}
	return names
})

// allowedNames is the set of names that some permitting rule of p names.
func allowedNames(p *mobyseccomp.Seccomp) map[string]bool {
	names := make(map[string]bool)
	for _, rule := range p.Syscalls {
		if rule == nil || !permitting(rule.Action) {
			continue
		}
		for _, n := range ruleNames(rule) {
			names[n] = true
		}
	}
	return names
}

// ruleNames returns the names of a rule, including the deprecated single
// "name" field that older profiles use and the engine still reads.
func ruleNames(rule *mobyseccomp.Syscall) []string {
	//lint:ignore SA1019 the engine still reads "name"; a profile using it must diff right
	if rule.Name != "" {
		//lint:ignore SA1019 as above

		return append([]string{rule.Name}, rule.Names...)
	}
	return rule.Names
}

// setMinus returns the sorted names in a that are not in b.
func setMinus(a, b map[string]bool) []string {
	out := []string{}
	for n := range a {
		if !b[n] {
			out = append(out, n)
		}
	}
	slices.Sort(out)
	return out
}
