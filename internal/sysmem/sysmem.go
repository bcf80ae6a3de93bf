// Package sysmem tells how much memory this machine, or this process's
// cgroup, has, and reads and writes memory sizes ("16GiB"). It owns the
// default bound on what a run may plan to use: 3/4 of that memory, or a
// third of the process's address-space limit (ulimit -v) if that is less.
package sysmem

import (
	"bufio"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"
)

// Limit is a bound on the memory a run may plan to use.
type Limit struct {
	Bytes int64 // ≤ 0: no limit
	// Source says where Bytes comes from, for messages: "3/4 of this
	// machine's 24 GiB", "--max-memory".
	Source string
}

// memoryShare is the part of the machine's memory a run may plan to use
// by default: the rest is for the Go runtime's headroom between
// collections, the operating system and whatever else runs.
const memoryShare = 0.75

// Default returns 3/4 of the memory this process may use: the
// machine's (MemTotal in /proc/meminfo) or its cgroup's limit
// (memory.max), whichever is smaller; or a third of its address-space
// limit, if that is smaller still. Where none can be read it returns no
// limit.
func Default() Limit {
	var l Limit
	if total, what := Machine(); total > 0 {
		l = Limit{Bytes: int64(memoryShare * float64(total)), Source: fmt.Sprintf("3/4 of %s %s", what, Format(total))}
	}
	// An address-space limit (ulimit -v, prlimit --as) counts what the Go
	// runtime reserves, not only what it uses, and a table being read
	// takes up to twice its size for a moment: a third of it is the share.
	if as := addressSpace(); as > 0 && (l.Bytes <= 0 || as/addressShare < l.Bytes) {
		l = Limit{Bytes: as / addressShare, Source: fmt.Sprintf("1/3 of the address-space limit (ulimit -v) of %s", Format(as))}
	}
	return l
}

// addressShare divides an address-space limit into what a run may plan
// to use.
const addressShare = 3

// Machine returns the memory of the machine or, if lower, of this
// process's cgroup, and which of the two it is; 0 if unknown.
func Machine() (int64, string) {
	total, what := int64(0), "this machine's"
	if f, err := os.Open("/proc/meminfo"); err == nil {
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if rest, ok := strings.CutPrefix(sc.Text(), "MemTotal:"); ok {
				kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
				if err == nil && kb > 0 {
					total = kb << 10
				}
				break
			}
		}
		f.Close()
	}
	for _, path := range []string{"/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"} {
		b, err := os.ReadFile(path)
		if err != nil {
			continue
		}
		n, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64) // "max" fails: no limit
		if err == nil && n > 0 && (total == 0 || n < total) {
			total, what = n, "this cgroup's"
		}
		break
	}
	return total, what
}

// Parse reads a memory size: a number of bytes, or a number with a
// unit B, KB, MB, GB, TB (powers of 1000) or KiB, MiB, GiB, TiB (powers of
// 1024), case-insensitive, with or without a space ("16GiB", "1.5 GB").
func Parse(s string) (int64, error) {
	t := strings.TrimSpace(s)
	i := len(t)
	for i > 0 && (t[i-1] < '0' || t[i-1] > '9') && t[i-1] != '.' {
		i--
	}
	num, unit := strings.TrimSpace(t[:i]), strings.ToLower(strings.TrimSpace(t[i:]))
	mult := map[string]float64{"": 1, "b": 1, "kb": 1e3, "mb": 1e6, "gb": 1e9, "tb": 1e12,
		"k": 1 << 10, "m": 1 << 20, "g": 1 << 30, "t": 1 << 40,
		"kib": 1 << 10, "mib": 1 << 20, "gib": 1 << 30, "tib": 1 << 40}[unit]
	v, err := strconv.ParseFloat(num, 64)
	if mult == 0 || err != nil || num == "" || v < 0 || math.IsInf(v*mult, 0) || v*mult >= math.MaxInt64 {
		return 0, fmt.Errorf("not a memory size: %q", s)
	}
	return int64(v * mult), nil
}

// Format writes n bytes in GiB, MiB or KiB with 3 significant
// digits, or in bytes.
func Format(n int64) string {
	for _, u := range []struct {
		shift uint
		name  string
	}{{40, "TiB"}, {30, "GiB"}, {20, "MiB"}, {10, "KiB"}} {
		if n >= 1<<u.shift {
			return strconv.FormatFloat(float64(n)/float64(int64(1)<<u.shift), 'g', 3, 64) + " " + u.name
		}
	}
	return strconv.FormatInt(n, 10) + " bytes"
}
