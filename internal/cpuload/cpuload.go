// Package cpuload measures how much of the machine's processor time other
// processes take, from the kernel's counters (/proc/stat) and this
// process's own use (getrusage), so that internal/gemm can stop handing
// work to a second thread while another process keeps that core busy: a
// helper thread that shares a core with a busy process gets it only for
// part of each of the scheduler's time slices, and the thread that waits
// for its part of a product waits for the rest of the slice.
//
// It reads Linux's files; elsewhere Read reports nothing and the callers
// keep their threads.
package cpuload

import (
	"bytes"
	"errors"
	"math"
	"time"
)

// A Sample is the machine's and this process's processor time at one
// moment.
type Sample struct {
	At    time.Duration // when, on the monotonic clock (time since an arbitrary start)
	Cores int           // the machine's processors: the cpuN lines of /proc/stat
	Busy  time.Duration // every processor's time not idle, summed over them
	Self  time.Duration // this process's user and system time
}

// Others returns how many cores, on average between a and b (a taken
// first), processes other than this one kept busy: the machine's busy time
// less this process's, over the time between. The kernel counts busy time
// in ticks (10 ms), this process's time exactly, so over 100 ms the
// estimate is within about ±0.1 core per processor; it is never below 0.
func Others(a, b Sample) float64 {
	wall := b.At - a.At
	if wall <= 0 {
		return 0
	}
	return max(0, float64((b.Busy-a.Busy)-(b.Self-a.Self))/float64(wall))
}

// userHZ is the unit of /proc/stat's times: USER_HZ, 100 on every Linux
// architecture.
const userHZ = 100

// errFormat is the error for a /proc/stat that does not read as documented
// in proc(5).
var errFormat = errors.New("cpuload: /proc/stat: unexpected format")

// parseBusy reads the first line of /proc/stat's text b, the aggregate
// "cpu" line: the time every processor spent busy (user, nice, system,
// irq, softirq and steal: everything but idle and iowait; guest time is
// already within user). It allocates nothing.
func parseBusy(b []byte) (time.Duration, error) {
	if len(b) < 4 || string(b[:4]) != "cpu " {
		return 0, errFormat
	}
	var ticks [8]uint64 // user nice system idle iowait irq softirq steal
	i := 4
	for n := range ticks {
		for i < len(b) && b[i] == ' ' {
			i++
		}
		start := i
		var v uint64
		for ; i < len(b) && '0' <= b[i] && b[i] <= '9'; i++ {
			if v > (math.MaxUint64-9)/10 {
				return 0, errFormat
			}
			v = 10*v + uint64(b[i]-'0')
		}
		if i == start || i == len(b) || b[i] != ' ' && b[i] != '\n' {
			return 0, errFormat
		}
		ticks[n] = v
	}
	t := ticks[0] + ticks[1] + ticks[2] + ticks[5] + ticks[6] + ticks[7]
	if t > uint64(math.MaxInt64/int64(time.Second/userHZ)) {
		return 0, errFormat
	}
	return time.Duration(t) * (time.Second / userHZ), nil
}

// parseCores counts the cpuN lines of /proc/stat's text b, which follow
// the aggregate line.
func parseCores(b []byte) (int, error) {
	if _, err := parseBusy(b); err != nil {
		return 0, err
	}
	cores := 0
	for line := range bytes.Lines(b) {
		if len(line) < 4 || string(line[:3]) != "cpu" {
			break
		}
		if '0' <= line[3] && line[3] <= '9' {
			cores++
		}
	}
	if cores == 0 {
		return 0, errFormat
	}
	return cores, nil
}
