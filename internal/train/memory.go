package train

import (
	"bufio"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"

	"github.com/mlptrain/mlptrain/internal/config"
	"github.com/mlptrain/mlptrain/internal/inputerr"
	"github.com/mlptrain/mlptrain/internal/vocab"
)

// MemoryLimit is the bound on the memory a run may plan to use: Prepare
// refuses a config whose estimate (memoryEstimate) is larger, before it
// allocates the data the estimate is mostly made of.
type MemoryLimit struct {
	Bytes int64 // ≤ 0: no limit
	// Source says where Bytes comes from, for messages: "3/4 of this
	// machine's 24 GiB", "--max-memory".
	Source string
}

// memoryShare is the part of the machine's memory a run may plan to use
// by default: the rest is for the Go runtime's headroom between
// collections, the operating system and whatever else runs.
const memoryShare = 0.75

// DefaultMemoryLimit returns 3/4 of the memory this process may use: the
// machine's (MemTotal in /proc/meminfo) or its cgroup's limit
// (memory.max), whichever is smaller. Where neither can be read it
// returns no limit.
func DefaultMemoryLimit() MemoryLimit {
	total, what := machineMemory()
	if total <= 0 {
		return MemoryLimit{}
	}
	return MemoryLimit{Bytes: int64(memoryShare * float64(total)), Source: fmt.Sprintf("3/4 of %s %s", what, FormatBytes(total))}
}

// machineMemory returns the memory of the machine or, if lower, of this
// process's cgroup, and which of the two it is; 0 if unknown.
func machineMemory() (int64, string) {
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

// ParseBytes reads a memory size: a number of bytes, or a number with a
// unit B, KB, MB, GB, TB (powers of 1000) or KiB, MiB, GiB, TiB (powers of
// 1024), case-insensitive, with or without a space ("16GiB", "1.5 GB").
func ParseBytes(s string) (int64, error) {
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

// FormatBytes writes n bytes in GiB, MiB or KiB with 3 significant
// digits, or in bytes.
func FormatBytes(n int64) string {
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

// memoryEstimate is what training a config keeps in memory at once, in
// bytes, by what it is for. It counts the matrices the program allocates
// (float64 everywhere), not the Go runtime's headroom between garbage
// collections.
type memoryEstimate struct {
	// data: the training and validation rows after the feature map, their
	// targets, and the raw rows while the map is applied.
	data int64
	// graphs: the training graph's values and error signals (a full
	// batch and a shorter last one) and the evaluation graph's (evalChunk
	// rows).
	graphs int64
	// model: the weights, their gradients in each graph, the optimizer's
	// state, the best epoch's and the epoch start's copies, and the
	// checkpoint's text.
	model int64

	rows, features int // after the feature map, for messages
	params         int
}

func (e memoryEstimate) total() int64 { return e.data + e.graphs + e.model }

// estimateMemory returns what training cfg on nTrain training rows and
// nVal validation rows of rawD columns, d inputs after the feature map,
// and k outputs keeps in memory. It saturates instead of overflowing.
func estimateMemory(cfg *config.Config, nTrain, nVal, rawD, d, k int) memoryEstimate {
	f := func(x ...int) float64 { // the product, in float64: no overflow
		p := 1.0
		for _, v := range x {
			p *= float64(v)
		}
		return p
	}
	units := make([]int, len(cfg.Model.Layers))
	sumUnits, params, in := 0, 0.0, d
	for i, l := range cfg.Model.Layers {
		units[i] = l.Units
		if i == len(units)-1 || units[i] == 0 {
			units[i] = k
		}
		sumUnits += units[i]
		params += f(in, units[i]) + float64(units[i])
		in = units[i]
	}
	n := nTrain + nVal
	batch := cfg.Train.BatchSize
	if opt, _ := vocab.OptimizerNamed(cfg.Train.Optimizer); opt.FullBatch || batch <= 0 || batch > nTrain {
		batch = nTrain
	}
	eval := min(n, evalChunk)
	// A graph of r rows: its input, its target, and for each layer a
	// product, a bias sum and an activation, each with a value and an
	// error signal; and a gradient for each parameter.
	graph := func(r int) float64 { return f(r, d) + f(r, k) + 6*f(r, sumUnits) + params }
	state := 0
	if opt, ok := vocab.OptimizerNamed(cfg.Train.Optimizer); ok {
		state = len(opt.State)
	}
	const checkpointText = 48 // bytes of JSON per number, with the encoder's growth
	e := memoryEstimate{
		data:   clampBytes(8 * (f(n, d) + f(n, k) + f(nTrain, k) + f(n, rawD))),
		graphs: clampBytes(8 * (2*graph(batch) + graph(eval))),
		model:  clampBytes(params * (8*float64(4+state) + checkpointText)),
		rows:   n, features: d, params: int(min(params, math.MaxInt32)),
	}
	return e
}

func clampBytes(b float64) int64 {
	if b >= math.MaxInt64/4 {
		return math.MaxInt64 / 4
	}
	return int64(b)
}

// checkMemory returns an *inputerr.Error naming the config key most to
// blame if training cfg needs more memory than limit.
func checkMemory(cfg *config.Config, limit MemoryLimit, e memoryEstimate, poly bool) error {
	if limit.Bytes <= 0 || e.total() <= limit.Bytes {
		return nil
	}
	key, fix := "data.train", "use fewer rows or columns"
	switch {
	case poly && e.data+e.graphs >= e.model: // the map's width makes both
		key, fix = "data.feature_map.polynomial", "lower data.feature_map.polynomial (or set interactions_only)"
	case e.graphs >= e.data && e.graphs >= e.model && cfg.Train.BatchSize > evalChunk:
		key, fix = "train.batch_size", "lower train.batch_size"
	case e.model >= e.data && e.model >= e.graphs:
		key, fix = "model.layers", "use narrower layers"
	}
	return &inputerr.Error{File: cfg.File, Key: key,
		Err: fmt.Errorf("training needs about %s of memory (data %s: %d rows × %d inputs; graphs %s; model %s: %d parameters), more than the limit of %s (%s)",
			FormatBytes(e.total()), FormatBytes(e.data), e.rows, e.features, FormatBytes(e.graphs), FormatBytes(e.model), e.params,
			FormatBytes(limit.Bytes), limit.Source),
		Hint: fmt.Sprintf("%s, or raise the limit with --max-memory SIZE (e.g. --max-memory %dGiB) if the machine has it", fix, (e.total()+1<<30-1)>>30)}
}
