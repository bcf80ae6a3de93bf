//go:build linux

package cpuload

import (
	"syscall"
	"testing"
	"time"
	"unsafe"
)

// processCPU is this process's CPU time from clock_gettime
// (CLOCK_PROCESS_CPUTIME_ID), a second source for Sample.Self.
func processCPU(t *testing.T) time.Duration {
	var ts syscall.Timespec
	const clockProcessCPUTimeID = 2
	if _, _, e := syscall.Syscall(syscall.SYS_CLOCK_GETTIME, clockProcessCPUTimeID, uintptr(unsafe.Pointer(&ts)), 0); e != 0 {
		t.Fatal(e)
	}
	return time.Duration(ts.Nano())
}

// TestReadSelfIsOurs checks what TestRead's comment promises but its
// checks do not ("a busy loop of ours is ours, not another process's"):
// TestRead passes with Self divided by 1000, which would make every
// process's own work "others" to the governor. Self must move with the
// process's CPU time, and the machine's busy time must include it.
func TestReadSelfIsOurs(t *testing.T) {
	a, ok := Read()
	if !ok {
		t.Skip("no /proc/stat")
	}
	c0 := processCPU(t)
	deadline := time.Now().Add(300 * time.Millisecond)
	for time.Now().Before(deadline) {
	}
	c1 := processCPU(t)
	b, ok := Read()
	if !ok {
		t.Fatal("second Read failed")
	}
	self, cpu := b.Self-a.Self, c1-c0
	if d := self - cpu; d < -20*time.Millisecond || d > 20*time.Millisecond {
		t.Errorf("Self moved %v while the process used %v of CPU", self, cpu)
	}
	// /proc/stat's sum is rounded to 10 ms and sampled at ticks.
	if busy := b.Busy - a.Busy; busy < self-40*time.Millisecond {
		t.Errorf("the machine was busy %v, less than our own %v", busy, self)
	}
}
