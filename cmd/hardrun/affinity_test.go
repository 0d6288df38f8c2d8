package main

import (
	"os"
	"runtime"
	"strconv"
	"testing"

	"golang.org/x/sys/unix"
)

// TestHoldOnThisCPU: while held, every thread of the process runs on one
// CPU; after release, each has the affinity it had before.
func TestHoldOnThisCPU(t *testing.T) {
	var before unix.CPUSet
	if err := unix.SchedGetaffinity(0, &before); err != nil {
		t.Skipf("no affinity here: %v", err)
	}
	if before.Count() < 2 {
		t.Skip("one CPU: nothing to hold")
	}
	runtime.LockOSThread() // the thread that was measured is the one released
	defer runtime.UnlockOSThread()
	release := holdOnThisCPU()
	for tid, set := range threadAffinities(t) {
		if set.Count() != 1 {
			t.Errorf("thread %d held on %d CPUs, want 1", tid, set.Count())
		}
	}
	release()
	release() // a second call is harmless
	for tid, set := range threadAffinities(t) {
		if set != before {
			t.Errorf("thread %d has affinity %v after release, want %v", tid, set, before)
		}
	}
}

func threadAffinities(t *testing.T) map[int]unix.CPUSet {
	t.Helper()
	tasks, err := os.ReadDir("/proc/self/task")
	if err != nil {
		t.Fatal(err)
	}
	sets := map[int]unix.CPUSet{}
	for _, task := range tasks {
		tid, _ := strconv.Atoi(task.Name())
		var set unix.CPUSet
		if err := unix.SchedGetaffinity(tid, &set); err == nil {
			sets[tid] = set
		}
	}
	return sets
}
