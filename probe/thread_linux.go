package probe

import (
	"errors"
	"runtime"

	"golang.org/x/sys/unix"
)

// onThrowawayThread runs fn on a new goroutine locked to its OS thread and
// never unlocks it: when fn returns the runtime terminates that thread, so
// whatever fn changed about it (credentials after a raw setuid, a private
// mount namespace) never runs another goroutine. Go's own syscall.Setuid
// changes every thread, so the attempts use raw system calls here instead.
func onThrowawayThread(fn func()) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		runtime.LockOSThread()
		fn()
	}()
	<-done
}

// forkChild clones the calling thread into a new process with the given
// namespace flags and returns its pid. The child blocks every signal, then
// either exits at once or, with park, sleeps until it is killed; it runs
// nothing but raw system calls, because it is a copy of one thread of a Go
// program whose runtime locks may be held by threads that no longer exist.
// It must run on a throwaway thread: the signal mask is changed around the
// clone so the child starts with every signal blocked.
func forkChild(flags uintptr, park bool) (int, error) {
	var all, old unix.Sigset_t
	for i := range all.Val {
		all.Val[i] = ^all.Val[i]
	}
	if err := unix.PthreadSigmask(unix.SIG_SETMASK, &all, &old); err != nil {
		return 0, err
	}
	pid, errno := rawFork(flags|uintptr(unix.SIGCHLD), park)
	_ = unix.PthreadSigmask(unix.SIG_SETMASK, &old, nil)
	if errno != 0 {
		return 0, errno
	}
	return pid, nil
}

// rawFork is the clone and the child's whole life. It must not grow the
// stack, allocate or be instrumented in the child, hence the directives.
//
//go:norace
//go:nosplit
func rawFork(flags uintptr, park bool) (int, unix.Errno) {
	a1, a2 := flags, uintptr(0)
	if runtime.GOARCH == "s390x" { // clone(stack, flags, ...) there
		a1, a2 = a2, a1
	}
	pid, _, errno := unix.RawSyscall6(unix.SYS_CLONE, a1, a2, 0, 0, 0, 0)
	if errno != 0 || pid != 0 {
		return int(pid), errno
	}
	if park {
		// ppoll with no descriptors and no timeout sleeps until a signal;
		// every signal is blocked, so only SIGKILL ends it.
		unix.RawSyscall6(unix.SYS_PPOLL, 0, 0, 0, 0, 0, 0)
	}
	unix.RawSyscall(unix.SYS_EXIT_GROUP, 0, 0, 0)
	return 0, 0
}

// reap kills (when asked) and waits for a child from forkChild.
func reap(pid int, kill bool) {
	if kill {
		_ = unix.Kill(pid, unix.SIGKILL)
	}
	var ws unix.WaitStatus
	for {
		_, err := unix.Wait4(pid, &ws, unix.WALL, nil)
		if !errors.Is(err, unix.EINTR) {
			return
		}
	}
}
