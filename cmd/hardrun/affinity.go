package main

import (
	"strconv"
	"sync"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Until a container has started, hardrun's work is a chain of short
// hand-offs between threads: each engine reply, and each of the ~60 round
// trips to the runtime's signal-mask thread that subscribing to every
// signal takes. Run in parallel, on different CPUs, every hand-off is a
// wake-up across CPUs, an interrupt and, in a VM, an exit to the
// hypervisor. So hardrun starts on one processor (internal/oneproc) and
// holds its threads on one CPU (holdOnThisCPU) until the start is
// answered; on a 2-vCPU VM that took 2.5 ms of CPU off each container
// start (BENCHMARKS.md). The CPU is let go at the start; the processors
// once the streams carry bulk data (oneproc.Restore), which copying does
// faster with all of them. Not before: a second processor, once used,
// costs its own spans of every size class, ~0.5 MiB of peak RSS.

// holdOnThisCPU sets the affinity of every thread of the process to the
// CPU this one runs on. It returns the function that gives them back the
// affinity this thread had; it may be called more than once. Threads the
// runtime starts meanwhile inherit the held affinity, and get the old one
// back too. Where the affinity cannot be read or set, nothing is held.
func holdOnThisCPU() (release func()) {
	var old unix.CPUSet
	if unix.SchedGetaffinity(0, &old) != nil {
		return func() {}
	}
	var cpu uint32
	if _, _, errno := unix.RawSyscall(unix.SYS_GETCPU, uintptr(unsafe.Pointer(&cpu)), 0, 0); errno != 0 || !old.IsSet(int(cpu)) {
		return func() {}
	}
	var one unix.CPUSet
	one.Set(int(cpu))
	setThreadsAffinity(&one)
	return sync.OnceFunc(func() { setThreadsAffinity(&old) })
}

// setThreadsAffinity sets every thread's affinity; a thread that has
// exited in the meantime is skipped. The directory is read with plain
// system calls: os.ReadDir would cost more than the rest of this.
func setThreadsAffinity(set *unix.CPUSet) {
	fd, err := unix.Open("/proc/self/task", unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return
	}
	defer unix.Close(fd)
	var buf [4096]byte
	var names []string
	for {
		n, err := unix.ReadDirent(fd, buf[:])
		if err != nil || n <= 0 {
			break
		}
		_, _, names = unix.ParseDirent(buf[:n], -1, names)
	}
	for _, name := range names {
		if tid, err := strconv.Atoi(name); err == nil {
			_ = unix.SchedSetaffinity(tid, set)
		}
	}
}
