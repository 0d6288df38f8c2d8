package probe

import (
	"slices"
	"testing"
)

func TestFailures(t *testing.T) {
	r := Report{UID: 0, Attempts: []Attempt{
		{Name: AttemptWriteVolume, Target: "/data", Result: ResultAllowed},
		{Name: AttemptWriteVolume, Target: "/ro", Result: ResultAllowed},
		{Name: AttemptSysrqTrigger, Target: "/proc/sysrq-trigger", Result: ResultBlocked},
	}}
	got := r.Failures(Permitted{Writable: map[string]bool{"/data": true}})
	if want := []string{"write-volume /ro: ALLOWED", "runs as uid 0"}; !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
	r.Attempts = r.Attempts[:1]
	if got := r.Failures(Permitted{Writable: map[string]bool{"/data": true}, Root: true}); len(got) != 0 {
		t.Errorf("got %q, want none", got)
	}
}
