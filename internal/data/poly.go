package data

import (
	"fmt"
	"math"
	"math/bits"
	"strings"

	"gonum.org/v1/gonum/mat"

	"github.com/mlptrain/mlptrain/internal/inputerr"
)

// MaxPolynomialOutputs is the most features Polynomial.Validate accepts.
const MaxPolynomialOutputs = 1_000_000

// Polynomial is the feature map ψ(x) of all monomials of the Inputs
// variables of total degree 1 to Degree, with no constant term (the bias
// provides it). Degree 1 is the identity. With InteractionsOnly, only the
// products of distinct variables are kept (no powers), as in scikit-learn's
// interaction_only: for inputs (a, b) and degree 2, ψ = (a, b, ab).
//
// The monomials come in scikit-learn's PolynomialFeatures(include_bias=False)
// order: by degree, then lexicographically by the nondecreasing tuple of
// variable indices. For inputs (a, b) and degree 2: a, b, a², ab, b².
type Polynomial struct {
	Degree           int
	Inputs           int
	InteractionsOnly bool
}

// Outputs returns the number of monomials, C(Inputs+Degree, Degree) − 1,
// or with InteractionsOnly the sum of C(Inputs, k) for k = 1 to Degree,
// saturating at math.MaxInt. It returns 0 if Degree or Inputs is below 1.
func (p Polynomial) Outputs() int {
	if p.Degree < 1 || p.Inputs < 1 {
		return 0
	}
	if p.InteractionsOnly {
		// c = C(Inputs, k) after step k; each step's division is exact.
		// The product c·f takes 128 bits.
		c, sum := 1, 0
		for k := 1; k <= min(p.Degree, p.Inputs); k++ {
			hi, lo := bits.Mul64(uint64(c), uint64(p.Inputs-k+1))
			if hi >= uint64(k) {
				return math.MaxInt
			}
			q, _ := bits.Div64(hi, lo, uint64(k))
			if q > math.MaxInt {
				return math.MaxInt
			}
			c = int(q)
			if sum > math.MaxInt-c {
				return math.MaxInt
			}
			sum += c
		}
		return sum
	}
	// c = C(Inputs+i, i) after step i; each step's division is exact.
	c := 1
	for i := 1; i <= p.Degree; i++ {
		f := p.Inputs + i
		if f < 0 || c > math.MaxInt/f {
			return math.MaxInt
		}
		c = c * f / i
	}
	return c - 1
}

// Validate returns an *inputerr.Error with Key "data.feature_map.polynomial"
// if Degree or Inputs is below 1, or the map would have more than
// MaxPolynomialOutputs outputs.
func (p Polynomial) Validate() error {
	const key = "data.feature_map.polynomial"
	switch {
	case p.Degree < 1:
		return &inputerr.Error{Key: key, Err: fmt.Errorf("degree must be at least 1, got %d", p.Degree),
			Hint: "use 1 for the inputs themselves, 2 to add their squares and products"}
	case p.Inputs < 1:
		return &inputerr.Error{Key: key, Err: fmt.Errorf("needs at least one input, got %d", p.Inputs),
			Hint: "select at least one feature column"}
	}
	if n := p.Outputs(); n > MaxPolynomialOutputs {
		only := ""
		if p.InteractionsOnly {
			only = " (interactions only)"
		}
		return &inputerr.Error{Key: key,
			Err:  fmt.Errorf("degree %d%s on %d inputs gives %s features, more than the limit of %d", p.Degree, only, p.Inputs, countString(n), MaxPolynomialOutputs),
			Hint: "lower the degree or select fewer features"}
	}
	return nil
}

func countString(n int) string {
	if n == math.MaxInt {
		return "over 9e18"
	}
	return fmt.Sprint(n)
}

// terms returns the monomials in output order. Monomial j is
// out[parent[j]] · x[v[j]], or x[v[j]] itself if parent[j] is −1; its last
// variable is v[j]. Extending each degree-(k−1) monomial, in order, by every
// variable from its last one up (after its last one, with
// InteractionsOnly) keeps the lexicographic order.
func (p Polynomial) terms() (parent, v []int) {
	next := 0 // the first variable after a monomial's last: v[j] + next
	if p.InteractionsOnly {
		next = 1
	}
	n := p.Outputs()
	parent, v = make([]int, 0, n), make([]int, 0, n)
	for i := range p.Inputs {
		parent, v = append(parent, -1), append(v, i)
	}
	lo, hi := 0, p.Inputs // the previous degree's block
	for range p.Degree - 1 {
		for j := lo; j < hi; j++ {
			for i := v[j] + next; i < p.Inputs; i++ {
				parent, v = append(parent, j), append(v, i)
			}
		}
		lo, hi = hi, len(v)
	}
	return parent, v
}

// Apply writes ψ(x) into dst, row by row. Apply panics if x is not n×Inputs,
// dst is not n×Outputs(), or Validate fails. dst must not share memory with
// x unless Degree is 1.
func (p Polynomial) Apply(dst, x *mat.Dense) {
	if err := p.Validate(); err != nil {
		panic("data: Polynomial.Apply: " + err.Error())
	}
	n, d := x.Dims()
	r, c := dst.Dims()
	if d != p.Inputs || r != n || c != p.Outputs() {
		panic(fmt.Sprintf("data: Polynomial{%d, %d}.Apply into %d×%d from %d×%d", p.Degree, p.Inputs, r, c, n, d))
	}
	if p.Degree == 1 {
		dst.Copy(x)
		return
	}
	parent, v := p.terms()
	for i := range n {
		in, out := x.RawRowView(i), dst.RawRowView(i)
		for j, pj := range parent {
			if pj < 0 {
				out[j] = in[v[j]]
			} else {
				out[j] = out[pj] * in[v[j]]
			}
		}
	}
}

// Names returns the names of the outputs given the names of the inputs:
// "a", "a*b", "a^2", "a^2*b" (no powers with InteractionsOnly). Names panics if len(in) is not Inputs or
// Validate fails.
func (p Polynomial) Names(in []string) []string {
	if err := p.Validate(); err != nil {
		panic("data: Polynomial.Names: " + err.Error())
	}
	if len(in) != p.Inputs {
		panic(fmt.Sprintf("data: Polynomial{%d, %d}.Names of %d names", p.Degree, p.Inputs, len(in)))
	}
	parent, v := p.terms()
	// Each monomial as its variables' powers, built from its parent's.
	type factor struct{ v, pow int }
	monos := make([][]factor, len(v))
	names := make([]string, len(v))
	var b strings.Builder
	for j := range v {
		var f []factor
		if parent[j] >= 0 {
			f = append(f, monos[parent[j]]...)
		}
		if len(f) > 0 && f[len(f)-1].v == v[j] {
			f[len(f)-1].pow++
		} else {
			f = append(f, factor{v[j], 1})
		}
		monos[j] = f
		b.Reset()
		for k, fk := range f {
			if k > 0 {
				b.WriteByte('*')
			}
			b.WriteString(in[fk.v])
			if fk.pow > 1 {
				fmt.Fprintf(&b, "^%d", fk.pow)
			}
		}
		names[j] = b.String()
	}
	return names
}
