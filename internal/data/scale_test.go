package data

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"

	"github.com/mlptrain/mlptrain/internal/inputerr"
)

const scaleTol = 1e-12

func TestFitScaler(t *testing.T) {
	t.Parallel()
	x := mat.NewDense(3, 3, []float64{
		1, 5, 2,
		3, 5, 4,
		5, 5, 9,
	})
	names := []string{"a", "b", "c"}
	constWarn := []string{`column "b" is constant (every value is 5); its scale is set to 1`}
	for _, tc := range []struct {
		method        string
		offset, scale []float64
		warn          []string
		out           []float64 // x after Apply
	}{
		{Standardize, []float64{3, 5, 5}, []float64{math.Sqrt(8.0 / 3), 1, math.Sqrt(26.0 / 3)}, constWarn, []float64{
			-2 / math.Sqrt(8.0/3), 0, -3 / math.Sqrt(26.0/3),
			0, 0, -1 / math.Sqrt(26.0/3),
			2 / math.Sqrt(8.0/3), 0, 4 / math.Sqrt(26.0/3),
		}},
		{MinMax, []float64{1, 5, 2}, []float64{4, 1, 7}, constWarn, []float64{
			0, 0, 0,
			0.5, 0, 2.0 / 7,
			1, 0, 1,
		}},
		{NoScaling, []float64{0, 0, 0}, []float64{1, 1, 1}, nil, x.RawMatrix().Data},
	} {
		t.Run(tc.method, func(t *testing.T) {
			orig := mat.DenseCopyOf(x)
			s, warn, err := FitScaler(tc.method, x, names)
			if err != nil {
				t.Fatal(err)
			}
			if !mat.Equal(x, orig) {
				t.Errorf("FitScaler modified x")
			}
			if s.Method != tc.method || !floats.EqualApprox(s.Offset, tc.offset, scaleTol) || !floats.EqualApprox(s.Scale, tc.scale, scaleTol) {
				t.Errorf("FitScaler(%q) = %+v, want offset %v scale %v", tc.method, s, tc.offset, tc.scale)
			}
			if !slices.Equal(warn, tc.warn) {
				t.Errorf("FitScaler(%q) warnings %q, want %q", tc.method, warn, tc.warn)
			}
			dst := mat.NewDense(3, 3, nil)
			s.Apply(dst, x)
			if !floats.EqualApprox(dst.RawMatrix().Data, tc.out, scaleTol) {
				t.Errorf("Apply = %v, want %v", dst.RawMatrix().Data, tc.out)
			}
			inPlace := mat.DenseCopyOf(x)
			s.Apply(inPlace, inPlace)
			if !mat.Equal(inPlace, dst) {
				t.Errorf("Apply in place = %v, want %v", mat.Formatted(inPlace), mat.Formatted(dst))
			}
			if err := s.Check(3); err != nil {
				t.Errorf("Check: %v", err)
			}
		})
	}
}

func TestFitScalerRandom(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 1))
	const n, d = 200, 4
	x := mat.NewDense(n, d, nil)
	for i := range n {
		for j := range d {
			x.Set(i, j, 100*rng.NormFloat64()+float64(j)*1e6)
		}
	}
	for _, method := range []string{Standardize, MinMax} {
		t.Run(method, func(t *testing.T) {
			s, warn, err := FitScaler(method, x, []string{"a", "b", "c", "d"})
			if err != nil || warn != nil {
				t.Fatalf("FitScaler: %v %v", err, warn)
			}
			out := mat.NewDense(n, d, nil)
			s.Apply(out, x)
			col := make([]float64, n)
			for j := range d {
				mat.Col(col, j, out)
				if method == MinMax {
					if lo, hi := floats.Min(col), floats.Max(col); lo != 0 || math.Abs(hi-1) > scaleTol {
						t.Errorf("column %d spans [%v, %v], want [0, 1]", j, lo, hi)
					}
					continue
				}
				mean, std := meanStd(col)
				if math.Abs(mean) > 1e-9 || math.Abs(std-1) > 1e-9 {
					t.Errorf("column %d has mean %v std %v, want 0 and 1", j, mean, std)
				}
			}
		})
	}
}

func TestFitScalerErrors(t *testing.T) {
	t.Parallel()
	x := mat.NewDense(2, 2, []float64{-1e308, 1, 1e308, 2})
	for _, tc := range []struct {
		method, key, msg, hint string
	}{
		{"min_max", "data.normalize", `unknown normalization "min_max"`, `did you mean "minmax"?`},
		{"zscore", "data.normalize", `unknown normalization "zscore"`, `use "standardize", "minmax" or "none"`},
		{MinMax, `column "a"`, "cannot minmax: values span too wide a range", "rescale"},
		{Standardize, `column "a"`, "cannot standardize: values span too wide a range", "rescale"},
	} {
		t.Run(tc.method, func(t *testing.T) {
			_, _, err := FitScaler(tc.method, x, []string{"a", "b"})
			e := asInputErr(t, err)
			if e.Key != tc.key || e.Err.Error() != tc.msg || !strings.Contains(e.Hint, tc.hint) {
				t.Errorf("FitScaler(%q) = %v, want key %q message %q hint %q", tc.method, err, tc.key, tc.msg, tc.hint)
			}
			if !inputerr.Is(err) {
				t.Errorf("inputerr.Is(%v) = false", err)
			}
		})
	}
}

func TestScalerPanics(t *testing.T) {
	t.Parallel()
	s := &Scaler{Method: NoScaling, Offset: []float64{0, 0}, Scale: []float64{1, 1}}
	for _, tc := range []struct {
		name   string
		dst, x *mat.Dense
	}{
		{"dst rows", mat.NewDense(3, 2, nil), mat.NewDense(2, 2, nil)},
		{"dst cols", mat.NewDense(2, 3, nil), mat.NewDense(2, 2, nil)},
		{"scaler width", mat.NewDense(2, 3, nil), mat.NewDense(2, 3, nil)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if !panics(func() { s.Apply(tc.dst, tc.x) }) {
				t.Errorf("Apply did not panic")
			}
		})
	}
	if !panics(func() { FitScaler(MinMax, mat.NewDense(2, 2, nil), []string{"a"}) }) {
		t.Errorf("FitScaler with too few names did not panic")
	}
}

func TestScalerCheck(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		s    Scaler
		d    int
		msg  string
	}{
		{"ok", Scaler{MinMax, []float64{1}, []float64{2}}, 1, ""},
		{"method", Scaler{"max", []float64{1}, []float64{2}}, 1, `unknown normalization "max"`},
		{"length", Scaler{MinMax, []float64{1}, []float64{2}}, 2, "normalization has 1 offsets and 1 scales for 2 features"},
		{"zero", Scaler{MinMax, []float64{1, 1}, []float64{2, 0}}, 2, "normalization scale of feature 2 is zero"},
		{"NaN", Scaler{MinMax, []float64{math.NaN()}, []float64{2}}, 1, "normalization of feature 1 is not finite"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.s.Check(tc.d)
			if got := ""; err != nil {
				got = err.Error()
				if got != tc.msg {
					t.Errorf("Check = %q, want %q", got, tc.msg)
				}
			} else if tc.msg != "" {
				t.Errorf("Check = nil, want %q", tc.msg)
			}
		})
	}
}

// TestApplyIdentity checks that the shortcut for offsets +0 and scales 1
// gives what the formula gives, bit for bit, and that an offset of −0,
// which turns −0 into +0, takes the formula.
func TestApplyIdentity(t *testing.T) {
	t.Parallel()
	negZero := math.Copysign(0, -1)
	x := mat.NewDense(2, 3, []float64{negZero, 0, 1.5, -2, 1e-310, math.MaxFloat64})
	for _, tc := range []struct {
		name   string
		offset []float64
	}{
		{"offset +0", []float64{0, 0, 0}},
		{"offset -0", []float64{negZero, 0, 0}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := &Scaler{Method: NoScaling, Offset: tc.offset, Scale: []float64{1, 1, 1}}
			got := mat.NewDense(2, 3, nil)
			s.Apply(got, x)
			inPlace := mat.DenseCopyOf(x)
			s.Apply(inPlace, inPlace)
			for i, v := range x.RawMatrix().Data {
				want := (v - tc.offset[i%3]) / 1
				for _, m := range []*mat.Dense{got, inPlace} {
					if g := m.RawMatrix().Data[i]; math.Float64bits(g) != math.Float64bits(want) {
						t.Errorf("Apply element %d = %v, want %v", i, g, want)
					}
				}
			}
		})
	}
}

// meanStd returns the mean and the population standard deviation of x, by
// two passes for accuracy.
func meanStd(x []float64) (mean, std float64) {
	for _, v := range x {
		mean += v
	}
	mean /= float64(len(x))
	var ss float64
	for _, v := range x {
		ss += (v - mean) * (v - mean)
	}
	return mean, math.Sqrt(ss / float64(len(x)))
}

// fitScalerByColumn is FitScaler as it was before it read x in memory
// order: a column at a time, into a slice of its own.
func fitScalerByColumn(method string, x *mat.Dense, names []string) (*Scaler, []string, error) {
	n, d := x.Dims()
	s := &Scaler{Method: method, Offset: make([]float64, d), Scale: make([]float64, d)}
	var warn []string
	col := make([]float64, n)
	for j := range d {
		mat.Col(col, j, x)
		lo, hi := col[0], col[0]
		for _, v := range col {
			lo, hi = min(lo, v), max(hi, v)
		}
		if lo == hi {
			s.Offset[j], s.Scale[j] = lo, 1
			warn = append(warn, fmt.Sprintf("column %s is constant (every value is %g); its scale is set to 1", quote(names[j]), lo))
			continue
		}
		if method == MinMax {
			s.Offset[j], s.Scale[j] = lo, hi-lo
		} else {
			s.Offset[j], s.Scale[j] = meanStd(col)
		}
		if !finite(s.Offset[j]) || !finite(s.Scale[j]) || s.Scale[j] == 0 {
			return nil, nil, &inputerr.Error{Key: colKey(names[j]), Err: fmt.Errorf("cannot %s: values span too wide a range", method),
				Hint: "rescale the column so its values lie well within ±1e300"}
		}
	}
	return s, warn, nil
}

// TestFitScalerByColumn checks that FitScaler, which reads x in memory
// order on several goroutines, gives the bits, warnings and errors of the
// column-at-a-time definition: on matrices of 1 to 300 columns (split into
// runs of columns over goroutines, or not), 1 to 2000 rows, views with a stride
// wider than their columns, constant columns, signed zeros, values of
// every magnitude, and a column whose range overflows after a constant
// one (the first error in column order, the warnings before it); and
// Apply with the scaler against a loop.
func TestFitScalerByColumn(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(17, 3))
	for _, shape := range []struct{ n, d, extra int }{
		{1, 1, 0}, {1, 70, 0}, {2, 3, 1}, {7, 64, 0}, {100, 65, 3}, {2000, 130, 0}, {1500, 97, 2}, {333, 300, 5},
	} {
		for trial := range 3 {
			full := mat.NewDense(shape.n, shape.d+shape.extra, nil)
			x := full.Slice(0, shape.n, 0, shape.d).(*mat.Dense)
			names := make([]string, shape.d)
			for j := range shape.d {
				names[j] = fmt.Sprintf("c%d", j)
				scale := math.Pow(10, float64(rng.IntN(40)-20))
				kind := rng.IntN(6)
				for i := range shape.n {
					var v float64
					switch kind {
					case 0:
						v = 4.25 // constant
					case 1:
						v = []float64{0, math.Copysign(0, -1)}[rng.IntN(2)]
					case 2:
						v = float64(rng.IntN(3)) // few levels, ties
					default:
						v = scale * rng.NormFloat64()
					}
					x.Set(i, j, v)
				}
			}
			if trial == 2 && shape.n >= 2 && shape.d >= 3 {
				for i := range shape.n {
					x.Set(i, 1, 4.25)
					x.Set(i, 2, []float64{-1e308, 1e308}[i%2])
				}
			}
			for _, method := range []string{Standardize, MinMax} {
				what := fmt.Sprintf("%s %d×%d (stride %d) trial %d", method, shape.n, shape.d, shape.d+shape.extra, trial)
				got, gotWarn, gotErr := FitScaler(method, x, names)
				want, wantWarn, wantErr := fitScalerByColumn(method, x, names)
				if fmt.Sprint(gotErr) != fmt.Sprint(wantErr) || !slices.Equal(gotWarn, wantWarn) {
					t.Fatalf("%s: error %v, warnings %q; want %v, %q", what, gotErr, gotWarn, wantErr, wantWarn)
				}
				if wantErr != nil {
					continue
				}
				for j := range shape.d {
					if math.Float64bits(got.Offset[j]) != math.Float64bits(want.Offset[j]) || math.Float64bits(got.Scale[j]) != math.Float64bits(want.Scale[j]) {
						t.Fatalf("%s: column %d: offset %v scale %v, want %v %v", what, j, got.Offset[j], got.Scale[j], want.Offset[j], want.Scale[j])
					}
				}
				// Apply, on several goroutines for the larger shapes, against
				// one loop.
				out := mat.NewDense(shape.n, shape.d, nil)
				got.Apply(out, x)
				for i := range shape.n {
					for j := range shape.d {
						v := (x.At(i, j) - got.Offset[j]) / got.Scale[j]
						if math.Float64bits(out.At(i, j)) != math.Float64bits(v) {
							t.Fatalf("%s: Apply: [%d, %d] = %v, want %v", what, i, j, out.At(i, j), v)
						}
					}
				}
			}
		}
	}
}

// BenchmarkFitScaler standardizes the reference training split's shape
// (48,000 × 784) by FitScaler ("rows") and by the column-at-a-time
// definition ("columns").
func BenchmarkFitScaler(b *testing.B) {
	const n, d = 48000, 784
	rng := rand.New(rand.NewPCG(1, 1))
	x := mat.NewDense(n, d, nil)
	raw := x.RawMatrix().Data
	for i := range raw {
		raw[i] = rng.Float64()
	}
	names := make([]string, d)
	for j := range names {
		names[j] = fmt.Sprint(j)
	}
	for _, f := range []struct {
		name string
		fit  func(string, *mat.Dense, []string) (*Scaler, []string, error)
	}{{"rows", FitScaler}, {"columns", fitScalerByColumn}} {
		b.Run(f.name, func(b *testing.B) {
			b.SetBytes(n * d * 8)
			for b.Loop() {
				if _, _, err := f.fit(Standardize, x, names); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
