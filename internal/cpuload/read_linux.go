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

	// stat is what Read reuses, so that it allocates nothing after the
	// first call.
	stat struct {
		sync.Mutex
		once  bool
		cores int // the cpuN lines, counted at the first call
		ok    bool
		path  []byte // "/proc/stat", NUL-terminated
		buf   [512]byte
		ru    syscall.Rusage
	}
)

// Read takes a sample, and reports whether it could: /proc/stat must read
// as proc(5) documents it. After its first call, which reads the whole
// file to count the processors, it reads only the first line and
// allocates nothing.
func Read() (Sample, bool) {
	stat.Lock()
	defer stat.Unlock()
	if !stat.once {
		stat.once = true
		stat.path = append([]byte("/proc/stat"), 0)
		if b, err := os.ReadFile("/proc/stat"); err == nil {
			stat.cores, err = parseCores(b)
			stat.ok = err == nil
		}
	}
	if !stat.ok {
		return Sample{}, false
	}
	fd, _, errno := syscall.Syscall6(syscall.SYS_OPENAT, uintptr(atFDCWD), uintptr(unsafe.Pointer(&stat.path[0])),
		syscall.O_RDONLY|syscall.O_CLOEXEC, 0, 0, 0)
	if errno != 0 {
		return Sample{}, false
	}
	n, err := syscall.Read(int(fd), stat.buf[:])
	syscall.Close(int(fd))
	if err != nil || n <= 0 {
		return Sample{}, false
	}
	busy, err := parseBusy(stat.buf[:n])
	if err != nil {
		return Sample{}, false
	}
	if syscall.Getrusage(syscall.RUSAGE_SELF, &stat.ru) != nil {
		return Sample{}, false
	}
	self := time.Duration(stat.ru.Utime.Nano() + stat.ru.Stime.Nano())
	return Sample{At: time.Since(epoch), Cores: stat.cores, Busy: busy, Self: self}, true
}

// atFDCWD is openat's AT_FDCWD, "relative to the working directory"
// (which an absolute path ignores); a variable, so that its conversion to
// uintptr wraps.
var atFDCWD = -100
