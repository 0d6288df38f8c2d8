// Package oneproc gives the hardrun command one processor (GOMAXPROCS=1)
// from the start of the process, and gives the rest back on request.
//
// It does this in its package initialiser, which the Go runtime runs before
// the initialisers of nearly every other package (it imports only runtime
// and syscall). The timing is the point: giving up a processor frees that
// processor's cached spans of every size class, and after the other
// packages' initialisers have allocated on it (distribution/reference's
// regular expressions alone take 0.4 MB) that is ~100 fresh pages of the
// runtime's span sets, each a page fault. Called from main, as hardrun did
// before, it cost ~6% of a launch's page faults; called here, nearly
// nothing. Why one processor at all: see cmd/hardrun/affinity.go.
//
// Only cmd/hardrun imports it: a library must not change GOMAXPROCS.
package oneproc
