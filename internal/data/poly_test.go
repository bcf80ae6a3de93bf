package data

import (
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
		{Polynomial{1, 3}, []string{"a", "b", "c"}, []string{"a", "b", "c"}},
		{Polynomial{2, 2}, []string{"a", "b"}, []string{"a", "b", "a^2", "a*b", "b^2"}},
		{Polynomial{3, 3}, []string{"a", "b", "c"}, sklearnOrder},
		{Polynomial{4, 1}, []string{"x"}, []string{"x", "x^2", "x^3", "x^4"}},
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
	for _, deg := range []int{1, 2, 3, 4} {
		t.Run(strconv.Itoa(deg), func(t *testing.T) {
			p := Polynomial{deg, 3}
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
			p := Polynomial{deg, d}
			want := new(big.Int).Binomial(int64(d+deg), int64(deg)).Int64() - 1
			parent, _ := p.terms()
			if got := p.Outputs(); int64(got) != want || len(parent) != got {
				t.Errorf("%+v.Outputs() = %d with %d terms, want C(%d, %d) − 1 = %d", p, got, len(parent), d+deg, deg, want)
			}
		}
	}
	for _, tc := range []struct {
		p    Polynomial
		want int
	}{
		{Polynomial{2, 2}, 5},
		{Polynomial{3, 3}, 19},
		{Polynomial{1, 10}, 10},
		{Polynomial{3, 100}, 176850},
		{Polynomial{10, 1_000_000}, math.MaxInt},
		{Polynomial{1000, 1000}, math.MaxInt},
		{Polynomial{0, 3}, 0},
		{Polynomial{2, 0}, 0},
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
		{Polynomial{1, 1}, ""},
		{Polynomial{2, 1412}, ""}, // 998 990 outputs
		{Polynomial{2, 1413}, "degree 2 on 1413 inputs gives 1000404 features, more than the limit of 1000000"},
		{Polynomial{5, 100}, "degree 5 on 100 inputs gives 96560645 features, more than the limit of 1000000"},
		{Polynomial{50, 50}, "degree 50 on 50 inputs gives over 9e18 features, more than the limit of 1000000"},
		{Polynomial{0, 4}, "degree must be at least 1, got 0"},
		{Polynomial{2, 0}, "needs at least one input, got 0"},
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
	p := Polynomial{2, 2}
	for _, tc := range []struct {
		name string
		f    func()
	}{
		{"x width", func() { p.Apply(mat.NewDense(1, 5, nil), mat.NewDense(1, 3, nil)) }},
		{"dst width", func() { p.Apply(mat.NewDense(1, 4, nil), mat.NewDense(1, 2, nil)) }},
		{"rows", func() { p.Apply(mat.NewDense(2, 5, nil), mat.NewDense(1, 2, nil)) }},
		{"invalid", func() { Polynomial{0, 2}.Apply(mat.NewDense(1, 2, nil), mat.NewDense(1, 2, nil)) }},
		{"names", func() { p.Names([]string{"a"}) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if !panics(tc.f) {
				t.Errorf("did not panic")
			}
		})
	}
}
