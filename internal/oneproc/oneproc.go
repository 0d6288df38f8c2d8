package oneproc

import (
	"runtime"
	"syscall"
)

// procs is GOMAXPROCS as the runtime set it, before init took it to 1;
// 0 when $GOMAXPROCS is set (the caller's choice is kept).
var procs int

func init() {
	if _, set := syscall.Getenv("GOMAXPROCS"); !set {
		procs = runtime.GOMAXPROCS(1)
	}
}

// Restore gives back the processors init took away.
func Restore() {
	if procs > 1 {
		runtime.GOMAXPROCS(procs)
	}
}
