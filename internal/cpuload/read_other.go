//go:build !linux

package cpuload

// Read reports that it cannot take a sample: the counters are read on
// Linux only.
func Read() (Sample, bool) { return Sample{}, false }
