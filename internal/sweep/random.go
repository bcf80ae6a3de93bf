package sweep

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"

	"github.com/mlptrain/mlptrain/internal/config"
	"github.com/mlptrain/mlptrain/internal/inputerr"
)

// stream is the random stream of the drawn points: rand.NewPCG(seed,
// stream), beside the streams of a fit (1 to 4) and of gradcheck (7).
const stream = 9

// RandomDigits is the number of significant digits a drawn number of
// log: and lin: keeps: the text in the point's name, the table and the
// override is the value the point is trained with.
const RandomDigits = 4

// Range kinds, the prefix of a --range spec.
const (
	RangeLog    = "log"    // log-uniform on [A, B], A > 0
	RangeLin    = "lin"    // uniform on [A, B]
	RangeInt    = "int"    // a uniform whole number in A..B, both included
	RangeChoice = "choice" // one of the items, each as likely
)

// rangeExample is the hint of a malformed --range.
const rangeExample = "write KEY=log:A:B, lin:A:B, int:A:B or choice:a|b|c, e.g. --range train.learning_rate=log:1e-4:1e-1"

// Range is one --range KEY=SPEC: a key and the distribution its random
// points are drawn from.
type Range struct {
	Key     string
	Spec    string   // the whole flag value, KEY=SPEC, for messages and the report
	Kind    string   // RangeLog, RangeLin, RangeInt or RangeChoice
	Lo, Hi  float64  // the bounds of log, lin and int
	Choices []string // choice's items
}

// rangeError is a malformed --range.
func rangeError(spec, hint, format string, args ...any) error {
	return &inputerr.Error{Key: "--range " + spec, Err: fmt.Errorf(format, args...), Hint: hint}
}

// ParseRange parses one --range KEY=SPEC, SPEC one of log:A:B
// (log-uniform, 0 < A < B), lin:A:B (uniform, A < B), int:A:B (a whole
// number from A to B, both included, A < B whole numbers) and
// choice:a|b|c (one of the items, none empty or given twice). It returns
// an *inputerr.Error naming the flag for anything else. It does not
// check the key; loading the config does.
func ParseRange(spec string) (Range, error) {
	k, s, ok := strings.Cut(spec, "=")
	k = config.CanonKey(k)
	if !ok || k == "" {
		return Range{}, rangeError(spec, rangeExample, "want KEY=SPEC")
	}
	r := Range{Key: k, Spec: k + "=" + strings.TrimSpace(s)}
	kind, rest, ok := strings.Cut(strings.TrimSpace(s), ":")
	r.Kind = strings.TrimSpace(kind)
	if !ok {
		if r.Kind == "" {
			return Range{}, rangeError(spec, rangeExample, "no spec for %s", k)
		}
		return Range{}, rangeError(spec, rangeExample, "want KIND:..., got %q", strings.TrimSpace(s))
	}
	switch r.Kind {
	case RangeChoice:
		seen := map[string]bool{}
		for item := range strings.SplitSeq(rest, "|") {
			item = strings.TrimSpace(item)
			switch {
			case item == "":
				return Range{}, rangeError(spec, "separate the choices with single bars, as in choice:sgd|adam", "empty choice in the list of %s", k)
			case seen[item]:
				return Range{}, rangeError(spec, "give each choice once", "choice %q is given twice", item)
			}
			seen[item] = true
			r.Choices = append(r.Choices, item)
		}
		return r, nil
	case RangeLog, RangeLin, RangeInt:
	default:
		return Range{}, rangeError(spec, rangeExample, "unknown kind %q", r.Kind)
	}
	a, b, ok := strings.Cut(rest, ":")
	example := fmt.Sprintf("write %s:A:B with A below B, as in %s", r.Kind, map[string]string{
		RangeLog: "log:0.0001:0.1", RangeLin: "lin:0:0.5", RangeInt: "int:8:128"}[r.Kind])
	if !ok || strings.Contains(b, ":") {
		return Range{}, rangeError(spec, example, "want %s:A:B, two bounds", r.Kind)
	}
	bounds := [2]float64{}
	for i, t := range []string{a, b} {
		t = strings.TrimSpace(t)
		if r.Kind == RangeInt {
			n, err := strconv.ParseInt(t, 10, 53)
			if err != nil {
				return Range{}, rangeError(spec, "use lin:A:B to draw fractions", "int bounds must be whole numbers, got %q", t)
			}
			bounds[i] = float64(n)
			continue
		}
		x, err := strconv.ParseFloat(t, 64)
		if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
			return Range{}, rangeError(spec, example, "bound %q is not a finite number", t)
		}
		bounds[i] = x
	}
	r.Lo, r.Hi = bounds[0], bounds[1]
	switch {
	case r.Kind == RangeLog && r.Lo <= 0:
		return Range{}, rangeError(spec, "use lin:A:B for a range that reaches 0 or below", "log needs bounds above 0, got %s", strings.TrimSpace(a))
	case r.Lo >= r.Hi:
		return Range{}, rangeError(spec, example, "the lower bound %s must be below the upper bound %s", strings.TrimSpace(a), strings.TrimSpace(b))
	}
	return r, nil
}

// draw draws one value of r from rng, as text: a number of log and lin
// rounded to RandomDigits significant digits, a whole number of int, or
// an item of choice.
func (r Range) draw(rng *rand.Rand) string {
	switch r.Kind {
	case RangeChoice:
		return r.Choices[rng.IntN(len(r.Choices))]
	case RangeInt:
		return strconv.FormatInt(int64(r.Lo)+rng.Int64N(int64(r.Hi-r.Lo)+1), 10)
	case RangeLog:
		lo, hi := math.Log(r.Lo), math.Log(r.Hi)
		return roundText(math.Exp(lo+rng.Float64()*(hi-lo)), r.Lo, r.Hi)
	}
	return roundText(r.Lo+rng.Float64()*(r.Hi-r.Lo), r.Lo, r.Hi)
}

// roundText formats x with RandomDigits significant digits, kept within
// [lo, hi] (rounding may step past a bound).
func roundText(x, lo, hi float64) string {
	t := strconv.FormatFloat(x, 'g', RandomDigits, 64)
	if y, _ := strconv.ParseFloat(t, 64); y < lo || y > hi {
		return strconv.FormatFloat(min(max(x, lo), hi), 'g', -1, 64)
	}
	return t
}

// Draw returns n points drawn from the ranges, each one value per range
// in order, from the stream rand.NewPCG(seed, 9): the same seed, ranges
// and n give the same points. Point i's values are drawn after point
// i−1's, range by range.
func Draw(ranges []Range, n int, seed uint64) [][]string {
	rng := rand.New(rand.NewPCG(seed, stream))
	points := make([][]string, n)
	for i := range points {
		points[i] = make([]string, len(ranges))
		for j, r := range ranges {
			points[i][j] = r.draw(rng)
		}
	}
	return points
}

// Search is what a sweep trains: the points of the grids' product, each
// with Random points drawn from the ranges (RandomPoints). With no
// ranges, it is the grids' product alone.
type Search struct {
	Grids  []Grid
	Ranges []Range
	Random int
}

// Keys returns the swept keys: the grids', then the ranges'.
func (s Search) Keys() []string {
	var keys []string
	for _, g := range s.Grids {
		keys = append(keys, g.Key)
	}
	for _, r := range s.Ranges {
		keys = append(keys, r.Key)
	}
	return keys
}

// size returns the number of points, or -1 when it is over MaxPoints.
func (s Search) size() int {
	n := 1
	for _, g := range s.Grids {
		n *= len(g.Values)
		if n > MaxPoints {
			return -1
		}
	}
	if len(s.Ranges) > 0 {
		if s.Random > MaxPoints || n*s.Random > MaxPoints {
			return -1
		}
		n *= s.Random
	}
	return n
}

// Points returns the values of every point, one per key of Keys: for
// each point of the grids' product (Product's order), the Random points
// drawn with seed (Draw), the same draws for every grid point, so that
// grid points differ only in their grid keys.
func (s Search) Points(seed uint64) [][]string {
	grid := Product(s.Grids)
	if len(s.Ranges) == 0 {
		return grid
	}
	drawn := Draw(s.Ranges, s.Random, seed)
	points := make([][]string, 0, len(grid)*len(drawn))
	for _, g := range grid {
		for _, d := range drawn {
			points = append(points, append(g[:len(g):len(g)], d...))
		}
	}
	return points
}

// ParseSearch parses the --grid and --range flags and --random N (0 when
// not given) and checks their keys as ParseGrids does: no key twice
// (among the grids, the ranges and fixed, the keys that other flags such
// as --set set), not output.dir, not a list. --random needs at least one
// --range and each --range needs --random; some --grid or --range must be
// given. Errors are *inputerr.Error values naming the flag.
func ParseSearch(grids, ranges []string, random int, fixed []config.Override) (Search, error) {
	byKey := fixedKeys(fixed)
	var s Search
	for _, spec := range grids {
		g, err := ParseGrid(spec)
		if err != nil {
			return Search{}, err
		}
		if err := checkKey(byKey, g.Key, "--grid "+spec, gridError); err != nil {
			return Search{}, err
		}
		s.Grids = append(s.Grids, g)
	}
	for _, spec := range ranges {
		r, err := ParseRange(spec)
		if err != nil {
			return Search{}, err
		}
		if err := checkKey(byKey, r.Key, "--range "+spec, rangeError); err != nil {
			return Search{}, err
		}
		s.Ranges = append(s.Ranges, r)
	}
	switch {
	case len(s.Ranges) > 0 && random <= 0:
		return Search{}, &inputerr.Error{Key: "--range " + ranges[0], Err: errors.New("--range needs --random N, the number of points to draw"),
			Hint: "add --random 20, say, or sweep listed values with --grid KEY=V1,V2,..."}
	case random > 0 && len(s.Ranges) == 0:
		return Search{}, &inputerr.Error{Key: "--random", Err: errors.New("no --range to draw the points from"),
			Hint: "give --range KEY=SPEC for each key to draw, e.g. --range train.learning_rate=log:1e-4:1e-1"}
	case len(s.Grids) == 0 && len(s.Ranges) == 0:
		return Search{}, &inputerr.Error{Key: "--grid", Err: errors.New("no grid to sweep"),
			Hint: "give at least one --grid KEY=V1,V2,..., or --random N with --range KEY=SPEC"}
	}
	s.Random = random
	return s, nil
}

// fixedKeys maps the keys of fixed to the flags that set them.
func fixedKeys(fixed []config.Override) map[string]string {
	byKey := map[string]string{}
	for _, o := range fixed {
		k := config.CanonKey(o.Key)
		byKey[k] = o.Source
		if byKey[k] == "" {
			byKey[k] = "--set " + o.Key
		}
	}
	return byKey
}

// checkKey checks the key of a --grid or --range (flag, with its value)
// against the keys already given (byKey, which it extends), and refuses
// output.dir and the lists.
func checkKey(byKey map[string]string, key, flag string, fail func(spec, hint, format string, args ...any) error) error {
	_, spec, _ := strings.Cut(flag, " ")
	if prev, dup := byKey[key]; dup {
		return fail(spec, "sweep a key or fix it, not both", "%s is also given by %s", key, prev)
	}
	byKey[key] = flag
	if key == "output.dir" {
		return fail(spec, "use --out DIR for the sweep's folder", "output.dir cannot be swept: each point has its own run folder under the sweep's folder")
	}
	v, _ := new(config.Config).Value(key)
	if _, list := v.([]string); list {
		return fail(spec, "sweep it by writing one config per choice", "%s is a list, whose comma-separated values --grid cannot tell apart", key)
	}
	return nil
}

// rangeKind returns the kind of the range of key in s, or "" for a grid's
// key.
func (s Search) rangeKind(key string) string {
	for _, r := range s.Ranges {
		if r.Key == key {
			return r.Kind
		}
	}
	return ""
}
