//go:build !linux

package probe

import "runtime"

// Collect on anything but Linux reports that it cannot probe: the probe
// runs inside Linux containers only, but the package must build wherever
// hardrun does.
func Collect(opts Options) Report {
	r := newReport()
	r.Errors = append(r.Errors, "probe: only Linux can be probed, not "+runtime.GOOS)
	for _, name := range AttemptNames() {
		if selected(opts.Attempts, name) {
			r.Attempts = append(r.Attempts, Attempt{Name: name, Result: ResultSkipped, Detail: "not Linux"})
		}
	}
	return r
}
