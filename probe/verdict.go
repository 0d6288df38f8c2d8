package probe

import "fmt"

// Permitted is what the profile lets the container do that the probe
// would otherwise count against it. The caller (`hardrun verify`) reads it
// off the plan; the probe imports no project package.
type Permitted struct {
	// Writable are the mount targets the plan deliberately leaves
	// writable: a write to one of them is not an escape.
	Writable map[string]bool
	// Root: the profile permits uid 0 (allow_root under an enforcing
	// profile).
	Root bool
}

// Failures is the verify verdict: every escape attempt that worked (a
// write to a permitted writable mount excepted), and uid 0 where the
// profile does not permit root. None means PASS.
func (r Report) Failures(p Permitted) []string {
	var fails []string
	for _, at := range r.Attempts {
		if at.Result != ResultAllowed {
			continue
		}
		if at.Name == AttemptWriteVolume && p.Writable[at.Target] {
			continue
		}
		fails = append(fails, fmt.Sprintf("%s %s: ALLOWED", at.Name, at.Target))
	}
	if r.UID == 0 && !p.Root {
		fails = append(fails, "runs as uid 0")
	}
	return fails
}
