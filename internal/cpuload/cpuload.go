// Package cpuload measures how much of the processors this process may
// run on other processes keep busy, from the kernel's counters
// (/proc/stat, the lines of the processors in the process's affinity
// mask) and this process's own use (getrusage), so that internal/gemm can
// stop handing work to a second thread while another process keeps that
// core busy: a helper thread that shares a core with a busy process gets
// it only for part of each of the scheduler's time slices, and the thread
// that waits for its part of a product waits for the rest of the slice.
//
// It reads Linux's files; elsewhere Read reports nothing and the callers
// keep their threads. The affinity mask and the process's nice value are
// read once, at the first Read.
package cpuload

import (
	"bytes"
	"errors"
	"math"
	"time"
)

// A Sample is this process's processors' time and this process's own
// time at one moment.
type Sample struct {
	At    time.Duration // when, on the monotonic clock (time since an arbitrary start)
	Cores int           // the processors this process may run on that /proc/stat lists
	Busy  time.Duration // their time busy, summed over them (see parseStat)
	Self  time.Duration // this process's user and system time
}

// Others returns how many cores, on average between a and b (a taken
// first), processes other than this one kept busy on the processors this
// one may run on: their busy time less this process's, over the time
// between. It is never below 0. The kernel counts busy time by ticks and
// /proc/stat writes it in units of 10 ms, while this process's time is
// exact, so Others may be off by Error(a, b).
func Others(a, b Sample) float64 {
	wall := b.At - a.At
	if wall <= 0 {
		return 0
	}
	return max(0, float64((b.Busy-a.Busy)-(b.Self-a.Self))/float64(wall))
}

// Error returns how far Others(a, b) may be from the truth, in cores:
// per processor, one tick (10 ms at the slowest kernel clock, HZ=100)
// and the 10 ms to which /proc/stat's line rounds, over the time between.
func Error(a, b Sample) float64 {
	wall := b.At - a.At
	if wall <= 0 {
		return math.Inf(1)
	}
	return float64(b.Cores) * float64(20*time.Millisecond) / float64(wall)
}

// userHZ is the unit of /proc/stat's times: USER_HZ, 100 on every Linux
// architecture.
const userHZ = 100

// errFormat is the error for a /proc/stat that does not read as documented
// in proc(5).
var errFormat = errors.New("cpuload: /proc/stat: unexpected format")

// parseStat adds up the busy time of the processors N whose cpuN line in
// /proc/stat's text b has in[N] true, and counts them: each line's user,
// system, irq and softirq time, and its nice time if nice (this process
// is niced, so that its own time is counted there). Left out are idle and
// iowait; steal, the time a hypervisor ran something else while the
// processor wanted to run, because it grows and shrinks with this
// process's own threads; and, unless nice, nice, the time of processes
// that yield to this one. It allocates nothing.
func parseStat(b []byte, in []bool, nice bool) (busy time.Duration, cores int, err error) {
	const maxTicks = uint64(math.MaxInt64 / int64(time.Second/userHZ))
	var total uint64
	add := func(v uint64) bool {
		total += v
		return v <= maxTicks && total <= maxTicks
	}
	first, ended := true, false
	for len(b) > 0 {
		line := b
		if i := bytes.IndexByte(b, '\n'); i >= 0 {
			line, b = b[:i], b[i+1:]
		} else {
			b = nil
		}
		if len(line) < 4 || string(line[:3]) != "cpu" {
			ended = true
			break // the cpu lines come first
		}
		first = false
		if line[3] == ' ' {
			continue // the aggregate line
		}
		cpu, rest, ok := parseUint(line[3:])
		if !ok {
			return 0, 0, errFormat
		}
		if cpu >= uint64(len(in)) || !in[cpu] {
			continue // a processor not ours
		}
		var ticks [8]uint64 // user nice system idle iowait irq softirq steal
		for n := range ticks {
			if ticks[n], rest, ok = parseUint(rest); !ok {
				return 0, 0, errFormat
			}
		}
		if !add(ticks[0]) || !add(ticks[2]) || !add(ticks[5]) || !add(ticks[6]) || nice && !add(ticks[1]) {
			return 0, 0, errFormat
		}
		cores++
	}
	if first || !ended {
		return 0, 0, errFormat // no cpu line, or cut among them
	}
	return time.Duration(total) * (time.Second / userHZ), cores, nil
}

// parseUint reads the decimal number at the start of b, after any spaces,
// and returns it and the rest of b; ok is false if there is none or it
// overflows.
func parseUint(b []byte) (v uint64, rest []byte, ok bool) {
	i := 0
	for i < len(b) && b[i] == ' ' {
		i++
	}
	start := i
	for ; i < len(b) && '0' <= b[i] && b[i] <= '9'; i++ {
		if v > (math.MaxUint64-9)/10 {
			return 0, nil, false
		}
		v = 10*v + uint64(b[i]-'0')
	}
	if i == start {
		return 0, nil, false
	}
	return v, b[i:], true
}
