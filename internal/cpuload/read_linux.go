package cpuload

import (
	"os"
	"sync"
	"syscall"
	"time"
	"unsafe"
)

var (
	// epoch anchors Sample.At on the monotonic clock.
	epoch = time.Now()

	// stat is what Read keeps from its first call and reuses, so that
	// it allocates nothing after it.
	stat struct {
		sync.Mutex
		once bool
		ok   bool
		in   []bool // the processors this process may run on
		nice bool   // this process is niced: its time is in the nice column
		path []byte // "/proc/stat", NUL-terminated
		buf  []byte
		ru   syscall.Rusage
	}
)

// Read takes a sample, and reports whether it could: /proc/stat must read
// as proc(5) documents it. After its first call it allocates nothing.
func Read() (Sample, bool) {
	stat.Lock()
	defer stat.Unlock()
	if !stat.once {
		stat.once = true
		stat.ok = setUp()
	}
	if !stat.ok {
		return Sample{}, false
	}
	fd, _, errno := syscall.Syscall6(syscall.SYS_OPENAT, uintptr(atFDCWD), uintptr(unsafe.Pointer(&stat.path[0])),
		syscall.O_RDONLY|syscall.O_CLOEXEC, 0, 0, 0)
	if errno != 0 {
		return Sample{}, false
	}
	n := 0
	for n < len(stat.buf) {
		m, err := syscall.Read(int(fd), stat.buf[n:])
		if err != nil || m <= 0 {
			break
		}
		n += m
	}
	syscall.Close(int(fd))
	busy, cores, err := parseStat(stat.buf[:n], stat.in, stat.nice)
	if err != nil || cores == 0 {
		return Sample{}, false
	}
	if syscall.Getrusage(syscall.RUSAGE_SELF, &stat.ru) != nil {
		return Sample{}, false
	}
	self := time.Duration(stat.ru.Utime.Nano() + stat.ru.Stime.Nano())
	return Sample{At: time.Since(epoch), Cores: cores, Busy: busy, Self: self}, true
}

// setUp reads the affinity mask and the nice value, and sizes the buffer
// from the whole of /proc/stat: twice what its cpu lines take now, room
// for their numbers to grow.
func setUp() bool {
	stat.path = append([]byte("/proc/stat"), 0)
	var mask [1024 / 64]uint64
	if _, _, errno := syscall.RawSyscall(syscall.SYS_SCHED_GETAFFINITY, 0, unsafe.Sizeof(mask), uintptr(unsafe.Pointer(&mask))); errno != 0 {
		for i := range mask {
			mask[i] = ^uint64(0) // more than 1024 processors: all of them
		}
	}
	stat.in = make([]bool, 64*len(mask))
	for i := range stat.in {
		stat.in[i] = mask[i/64]&(1<<(i%64)) != 0
	}
	if prio, err := syscall.Getpriority(syscall.PRIO_PROCESS, 0); err == nil {
		stat.nice = 20-prio > 0 // the system call's value is 20 − nice
	}
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return false
	}
	end := 0
	for end < len(b) && end+3 <= len(b) && string(b[end:end+3]) == "cpu" {
		i := end
		for i < len(b) && b[i] != '\n' {
			i++
		}
		end = i + 1
	}
	stat.buf = make([]byte, 2*end+4096)
	_, cores, err := parseStat(b, stat.in, stat.nice)
	return err == nil && cores > 0
}

// atFDCWD is openat's AT_FDCWD, "relative to the working directory"
// (which an absolute path ignores); a variable, so that its conversion to
// uintptr wraps.
var atFDCWD = -100
