package data

import (
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

const polyTol = 1e-12

// sklearnOrder is PolynomialFeatures(3, include_bias=False) on (a, b, c):
// itertools.combinations_with_replacement(range(3), k) for k = 1, 2, 3.
var sklearnOrder = []string{
	"a", "b", "c",
	"a^2", "a*b", "a*c", "b^2", "b*c", "c^2",
	"a^3", "a^2*b", "a^2*c", "a*b^2", "a*b*c", "a*c^2", "b^3", "b^2*c", "b*c^2", "c^3",
}

func TestPolynomialNames(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		p    Polynomial
		in   []string
		want []string
	}{
		{Polynomial{Degree: 1, Inputs: 3}, []string{"a", "b", "c"}, []string{"a", "b", "c"}},
		{Polynomial{Degree: 2, Inputs: 2}, []string{"a", "b"}, []string{"a", "b", "a^2", "a*b", "b^2"}},
		{Polynomial{Degree: 3, Inputs: 3}, []string{"a", "b", "c"}, sklearnOrder},
		{Polynomial{Degree: 4, Inputs: 1}, []string{"x"}, []string{"x", "x^2", "x^3", "x^4"}},
		// interaction_only=True in scikit-learn.
		{Polynomial{Degree: 2, Inputs: 2, InteractionsOnly: true}, []string{"x1", "x2"}, []string{"x1", "x2", "x1*x2"}},
		{Polynomial{Degree: 2, Inputs: 3, InteractionsOnly: true}, []string{"a", "b", "c"}, []string{"a", "b", "c", "a*b", "a*c", "b*c"}},
		{Polynomial{Degree: 3, Inputs: 3, InteractionsOnly: true}, []string{"a", "b", "c"}, []string{"a", "b", "c", "a*b", "a*c", "b*c", "a*b*c"}},
		{Polynomial{Degree: 5, Inputs: 3, InteractionsOnly: true}, []string{"a", "b", "c"}, []string{"a", "b", "c", "a*b", "a*c", "b*c", "a*b*c"}},
		{Polynomial{Degree: 3, Inputs: 1, InteractionsOnly: true}, []string{"x"}, []string{"x"}},
		{Polynomial{Degree: 1, Inputs: 2, InteractionsOnly: true}, []string{"a", "b"}, []string{"a", "b"}},
	} {
		t.Run(strings.Join(tc.want, ","), func(t *testing.T) {
			if got := tc.p.Names(tc.in); !slices.Equal(got, tc.want) {
				t.Errorf("%+v.Names = %q, want %q", tc.p, got, tc.want)
			}
		})
	}
}

// evalName evaluates a monomial name such as "a^2*b" at the named values.
func evalName(t *testing.T, name string, val map[string]float64) float64 {
	t.Helper()
	y := 1.0
	for f := range strings.SplitSeq(name, "*") {
		v, pow, ok := strings.Cut(f, "^")
		p := 1
		if ok {
			var err error
			if p, err = strconv.Atoi(pow); err != nil {
				t.Fatal(err)
			}
		}
		y *= math.Pow(val[v], float64(p))
	}
	return y
}

func TestPolynomialApply(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 2))
	in := []string{"a", "b", "c"}
	for _, tc := range []struct {
		deg  int
		only bool
	}{{1, false}, {2, false}, {3, false}, {4, false}, {2, true}, {3, true}, {4, true}} {
		t.Run(fmt.Sprintf("%d/%t", tc.deg, tc.only), func(t *testing.T) {
			p := Polynomial{Degree: tc.deg, Inputs: 3, InteractionsOnly: tc.only}
			const n = 5
			x := mat.NewDense(n, 3, nil)
			for i := range n {
				for j := range 3 {
					x.Set(i, j, rng.NormFloat64())
				}
			}
			orig := mat.DenseCopyOf(x)
			dst := mat.NewDense(n, p.Outputs(), nil)
			p.Apply(dst, x)
			if !mat.Equal(x, orig) {
				t.Errorf("Apply modified x")
			}
			names := p.Names(in)
			for i := range n {
				val := map[string]float64{"a": x.At(i, 0), "b": x.At(i, 1), "c": x.At(i, 2)}
				for j, name := range names {
					if want := evalName(t, name, val); math.Abs(dst.At(i, j)-want) > polyTol*max(1, math.Abs(want)) {
						t.Errorf("row %d, %s: got %v, want %v", i, name, dst.At(i, j), want)
					}
				}
			}
		})
	}
}

func TestPolynomialOutputs(t *testing.T) {
	t.Parallel()
	for d := 1; d <= 8; d++ {
		for deg := 1; deg <= 6; deg++ {
			p := Polynomial{Degree: deg, Inputs: d}
			want := new(big.Int).Binomial(int64(d+deg), int64(deg)).Int64() - 1
			parent, _ := p.terms()
			if got := p.Outputs(); int64(got) != want || len(parent) != got {
				t.Errorf("%+v.Outputs() = %d with %d terms, want C(%d, %d) − 1 = %d", p, got, len(parent), d+deg, deg, want)
			}
		}
	}
	// With InteractionsOnly: the sum of C(d, k) for k = 1..min(deg, d).
	for d := 1; d <= 8; d++ {
		for deg := 1; deg <= 10; deg++ {
			p := Polynomial{Degree: deg, Inputs: d, InteractionsOnly: true}
			var want int64
			for k := 1; k <= min(deg, d); k++ {
				want += new(big.Int).Binomial(int64(d), int64(k)).Int64()
			}
			parent, _ := p.terms()
			if got := p.Outputs(); int64(got) != want || len(parent) != got {
				t.Errorf("%+v.Outputs() = %d with %d terms, want %d", p, got, len(parent), want)
			}
		}
	}
	for _, tc := range []struct {
		p    Polynomial
		want int
	}{
		{Polynomial{Degree: 2, Inputs: 2, InteractionsOnly: true}, 3},
		{Polynomial{Degree: 3, Inputs: 100, InteractionsOnly: true}, 166750},
		{Polynomial{Degree: 62, Inputs: 62, InteractionsOnly: true}, 1<<62 - 1}, // C(62, 31)·31 overflows on the way
		{Polynomial{Degree: 63, Inputs: 63, InteractionsOnly: true}, math.MaxInt},
		{Polynomial{Degree: 70, Inputs: 70, InteractionsOnly: true}, math.MaxInt},
		{Polynomial{Degree: 0, Inputs: 3, InteractionsOnly: true}, 0},
		{Polynomial{Degree: 2, Inputs: 2}, 5},
		{Polynomial{Degree: 3, Inputs: 3}, 19},
		{Polynomial{Degree: 1, Inputs: 10}, 10},
		{Polynomial{Degree: 3, Inputs: 100}, 176850},
		{Polynomial{Degree: 10, Inputs: 1_000_000}, math.MaxInt},
		{Polynomial{Degree: 1000, Inputs: 1000}, math.MaxInt},
		{Polynomial{Degree: 0, Inputs: 3}, 0},
		{Polynomial{Degree: 2, Inputs: 0}, 0},
	} {
		if got := tc.p.Outputs(); got != tc.want {
			t.Errorf("%+v.Outputs() = %d, want %d", tc.p, got, tc.want)
		}
	}
}

func TestPolynomialValidate(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		p   Polynomial
		msg string
	}{
		{Polynomial{Degree: 1, Inputs: 1}, ""},
		{Polynomial{Degree: 2, Inputs: 1412}, ""}, // 998 990 outputs
		{Polynomial{Degree: 2, Inputs: 1413}, "degree 2 on 1413 inputs gives 1000404 features, more than the limit of 1000000"},
		{Polynomial{Degree: 5, Inputs: 100}, "degree 5 on 100 inputs gives 96560645 features, more than the limit of 1000000"},
		{Polynomial{Degree: 50, Inputs: 50}, "degree 50 on 50 inputs gives over 9e18 features, more than the limit of 1000000"},
		{Polynomial{Degree: 2, Inputs: 1413, InteractionsOnly: true}, ""}, // 998 991 outputs
		{Polynomial{Degree: 2, Inputs: 1414, InteractionsOnly: true}, "degree 2 (interactions only) on 1414 inputs gives 1000405 features, more than the limit of 1000000"},
		{Polynomial{Degree: 0, Inputs: 4}, "degree must be at least 1, got 0"},
		{Polynomial{Degree: 2, Inputs: 0}, "needs at least one input, got 0"},
	} {
		t.Run(tc.msg, func(t *testing.T) {
			err := tc.p.Validate()
			if tc.msg == "" {
				if err != nil {
					t.Errorf("%+v.Validate() = %v", tc.p, err)
				}
				return
			}
			e := asInputErr(t, err)
			if e.Key != "data.feature_map.polynomial" || e.Err.Error() != tc.msg || e.Hint == "" {
				t.Errorf("%+v.Validate() = %v, want %q", tc.p, err, tc.msg)
			}
		})
	}
}

func TestPolynomialPanics(t *testing.T) {
	t.Parallel()
	p := Polynomial{Degree: 2, Inputs: 2}
	for _, tc := range []struct {
		name string
		f    func()
	}{
		{"x width", func() { p.Apply(mat.NewDense(1, 5, nil), mat.NewDense(1, 3, nil)) }},
		{"dst width", func() { p.Apply(mat.NewDense(1, 4, nil), mat.NewDense(1, 2, nil)) }},
		{"rows", func() { p.Apply(mat.NewDense(2, 5, nil), mat.NewDense(1, 2, nil)) }},
		{"invalid", func() { Polynomial{Degree: 0, Inputs: 2}.Apply(mat.NewDense(1, 2, nil), mat.NewDense(1, 2, nil)) }},
		{"names", func() { p.Names([]string{"a"}) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if !panics(tc.f) {
				t.Errorf("did not panic")
			}
		})
	}
}
