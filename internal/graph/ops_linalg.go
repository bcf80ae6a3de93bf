package graph

import (
	"fmt"

	gemmpkg "github.com/mlptrain/mlptrain/internal/gemm"
	"github.com/mlptrain/mlptrain/internal/vmath"
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/mat"
)

// gemm computes c = alpha·op(a)·op(b) + beta·c with internal/gemm's
// packed, register-tiled kernels (AVX-512, AVX2 or portable Go, chosen at
// start-up; OpenBLAS in a build with the openblas tag), which allocate
// nothing and start no goroutines per call.
func gemm(tA, tB blas.Transpose, alpha float64, a, b *mat.Dense, beta float64, c *mat.Dense) {
	gemmpkg.Gemm(tA, tB, alpha, a.RawMatrix(), b.RawMatrix(), beta, c.RawMatrix())
}

func flip(t blas.Transpose) blas.Transpose {
	if t == blas.Trans {
		return blas.NoTrans
	}
	return blas.Trans
}

func trans(t bool) blas.Transpose {
	if t {
		return blas.Trans
	}
	return blas.NoTrans
}

// matMul is c = op(a)·op(b), op being the identity or the transpose.
type matMul struct{ tA, tB blas.Transpose }

func (o matMul) forward(out *mat.Dense, in []*mat.Dense) {
	gemm(o.tA, o.tB, 1, in[0], in[1], 0, out)
}

// gradA adds the VJP for a, given the output signal cBar and b, into dst
// (beta = 1), or sets dst to it (beta = 0).
func (o matMul) gradA(dst, cBar, b *mat.Dense, beta float64) {
	if o.tA == blas.NoTrans {
		gemm(blas.NoTrans, flip(o.tB), 1, cBar, b, beta, dst) // ā += c̄·op(b)ᵀ
	} else {
		gemm(o.tB, blas.Trans, 1, b, cBar, beta, dst) // ā += op(b)·c̄ᵀ
	}
}

// gradB adds the VJP for b, given a and the output signal cBar, into dst
// (beta = 1), or sets dst to it (beta = 0).
func (o matMul) gradB(dst, a, cBar *mat.Dense, beta float64) {
	if o.tB == blas.NoTrans {
		gemm(flip(o.tA), blas.NoTrans, 1, a, cBar, beta, dst) // b̄ += op(a)ᵀ·c̄
	} else {
		gemm(blas.Trans, o.tA, 1, cBar, a, beta, dst) // b̄ += c̄ᵀ·op(a)
	}
}

// accumulate is the beta that adds a product into a signal (1) or sets
// the signal to it (0).
func accumulate(set bool) float64 {
	if set {
		return 0
	}
	return 1
}

func (o matMul) backward(inBar []*mat.Dense, outBar, _ *mat.Dense, in []*mat.Dense) {
	o.backwardSet(inBar, noSet[:], outBar, nil, in)
}

// noSet is the set flags of a backward that adds into every signal.
var noSet [2]bool

func (o matMul) backwardSet(inBar []*mat.Dense, set []bool, outBar, _ *mat.Dense, in []*mat.Dense) {
	if inBar[0] != nil {
		o.gradA(inBar[0], outBar, in[1], accumulate(set[0]))
	}
	if inBar[1] != nil {
		o.gradB(inBar[1], in[0], outBar, accumulate(set[1]))
	}
}

// gemm32 is gemm in float32.
func gemm32(tA, tB blas.Transpose, alpha float32, a, b *blas32.General, beta float32, c *blas32.General) {
	gemmpkg.Gemm32(tA, tB, alpha, *a, *b, beta, *c)
}

func (o matMul) forward32(out *blas32.General, in []*blas32.General) {
	gemm32(o.tA, o.tB, 1, in[0], in[1], 0, out)
}

func (o matMul) backward32(inBar []*blas32.General, set []bool, outBar, _ *blas32.General, in []*blas32.General) {
	if inBar[0] != nil {
		beta := float32(accumulate(isSet(set, 0)))
		if o.tA == blas.NoTrans {
			gemm32(blas.NoTrans, flip(o.tB), 1, outBar, in[1], beta, inBar[0])
		} else {
			gemm32(o.tB, blas.Trans, 1, in[1], outBar, beta, inBar[0])
		}
	}
	if inBar[1] != nil {
		beta := float32(accumulate(isSet(set, 1)))
		if o.tB == blas.NoTrans {
			gemm32(flip(o.tA), blas.NoTrans, 1, in[0], outBar, beta, inBar[1])
		} else {
			gemm32(blas.Trans, o.tA, 1, outBar, in[0], beta, inBar[1])
		}
	}
}

func (o matMul) forwardDot(outDot, _ *mat.Dense, in, inDot []*mat.Dense) {
	gemm(o.tA, o.tB, 1, inDot[0], in[1], 0, outDot)
	gemm(o.tA, o.tB, 1, in[0], inDot[1], 1, outDot)
}

func (o matMul) backwardDot(inBarDot []*mat.Dense, outBar, outBarDot, _, _ *mat.Dense, in, inDot []*mat.Dense) {
	if inBarDot[0] != nil {
		o.gradA(inBarDot[0], outBarDot, in[1], 1)
		o.gradA(inBarDot[0], outBar, inDot[1], 1)
	}
	if inBarDot[1] != nil {
		o.gradB(inBarDot[1], inDot[0], outBar, 1)
		o.gradB(inBarDot[1], in[0], outBarDot, 1)
	}
}

func mulShape(name string, a, b *Node, tA, tB bool) (r, c int) {
	ar, ac := a.Dims()
	br, bc := b.Dims()
	if tA {
		ar, ac = ac, ar
	}
	if tB {
		br, bc = bc, br
	}
	if ac != br {
		panic(fmt.Sprintf("graph: %s %s %d×%d · %s %d×%d", name, a.name, ar, ac, b.name, br, bc))
	}
	return ar, bc
}

// MatMul returns c = a·b. Backward: ā += c̄·bᵀ, b̄ += aᵀ·c̄.
// It panics if the inner dimensions differ.
func MatMul(a, b *Node) *Node { return matMulT(a, b, false, false) }

// MatMulT returns c = a·bᵀ. Backward: ā += c̄·b, b̄ += c̄ᵀ·a.
// It panics if the inner dimensions differ.
func MatMulT(a, b *Node) *Node { return matMulT(a, b, false, true) }

// TMatMul returns c = aᵀ·b. Backward: ā += b·c̄ᵀ, b̄ += a·c̄.
// It panics if the inner dimensions differ.
func TMatMul(a, b *Node) *Node { return matMulT(a, b, true, false) }

func matMulT(a, b *Node, tA, tB bool) *Node {
	name := "matmul"
	switch {
	case tA && tB:
		name = "matmulTT"
	case tA:
		name = "matmulTN"
	case tB:
		name = "matmulNT"
	}
	r, c := mulShape(name, a, b, tA, tB)
	return newOp(name, matMul{trans(tA), trans(tB)}, r, c, a, b)
}

// sameDims panics unless a and b have the same shape.
func sameDims(name string, a, b *Node) (r, c int) {
	ar, ac := a.Dims()
	br, bc := b.Dims()
	if ar != br || ac != bc {
		panic(fmt.Sprintf("graph: %s %s %d×%d and %s %d×%d", name, a.name, ar, ac, b.name, br, bc))
	}
	return ar, ac
}

// addInto adds alpha·x into dst elementwise.
func addInto(dst, x *mat.Dense, alpha float64) {
	d, s := raw(dst), raw(x)
	s = s[:len(d)]
	if alpha == 1 {
		vmath.Add(d, s) // alpha·v is v, bit for bit
		return
	}
	for i, v := range s {
		d[i] += alpha * v
	}
}

// linComb is y = ca·a + cb·b, which covers Add and Sub. It is linear, so
// its tangents are its own passes applied to the tangents.
type linComb struct{ ca, cb float64 }

func (o linComb) forward(out *mat.Dense, in []*mat.Dense) {
	y, a, b := raw(out), raw(in[0]), raw(in[1])
	for i := range y {
		y[i] = o.ca*a[i] + o.cb*b[i]
	}
}

func (o linComb) backward(inBar []*mat.Dense, outBar, _ *mat.Dense, _ []*mat.Dense) {
	if inBar[0] != nil {
		addInto(inBar[0], outBar, o.ca)
	}
	if inBar[1] != nil {
		addInto(inBar[1], outBar, o.cb)
	}
}

func (o linComb) forwardDot(outDot, _ *mat.Dense, _, inDot []*mat.Dense) {
	o.forward(outDot, inDot)
}

func (o linComb) backwardDot(inBarDot []*mat.Dense, _, outBarDot, _, _ *mat.Dense, _, _ []*mat.Dense) {
	o.backward(inBarDot, outBarDot, nil, nil)
}

func (o linComb) forward32(out *blas32.General, in []*blas32.General) {
	y, a, b := raw32(out), raw32(in[0]), raw32(in[1])
	ca, cb := float32(o.ca), float32(o.cb)
	for i := range y {
		y[i] = ca*a[i] + cb*b[i]
	}
}

func (o linComb) backward32(inBar []*blas32.General, _ []bool, outBar, _ *blas32.General, _ []*blas32.General) {
	for i, c := range [2]float64{o.ca, o.cb} {
		if inBar[i] != nil {
			addInto32(raw32(inBar[i]), raw32(outBar), float32(c))
		}
	}
}

// Add returns y = a + b. Backward: ā += ȳ, b̄ += ȳ. It panics if the shapes differ.
func Add(a, b *Node) *Node {
	r, c := sameDims("add", a, b)
	return newOp("add", linComb{1, 1}, r, c, a, b)
}

// Sub returns y = a − b. Backward: ā += ȳ, b̄ −= ȳ. It panics if the shapes differ.
func Sub(a, b *Node) *Node {
	r, c := sameDims("sub", a, b)
	return newOp("sub", linComb{1, -1}, r, c, a, b)
}

// hadamard is y = a ⊙ b.
type hadamard struct{}

func (hadamard) forward(out *mat.Dense, in []*mat.Dense) {
	y, a, b := raw(out), raw(in[0]), raw(in[1])
	for i := range y {
		y[i] = a[i] * b[i]
	}
}

// mulAddInto adds x ⊙ z into dst.
func mulAddInto(dst, x, z *mat.Dense) {
	d, xs, zs := raw(dst), raw(x), raw(z)
	for i := range d {
		d[i] += xs[i] * zs[i]
	}
}

func (hadamard) backward(inBar []*mat.Dense, outBar, _ *mat.Dense, in []*mat.Dense) {
	if inBar[0] != nil {
		mulAddInto(inBar[0], outBar, in[1])
	}
	if inBar[1] != nil {
		mulAddInto(inBar[1], outBar, in[0])
	}
}

func (hadamard) forwardDot(outDot, _ *mat.Dense, in, inDot []*mat.Dense) {
	outDot.Zero()
	mulAddInto(outDot, inDot[0], in[1])
	mulAddInto(outDot, in[0], inDot[1])
}

func (hadamard) backwardDot(inBarDot []*mat.Dense, outBar, outBarDot, _, _ *mat.Dense, in, inDot []*mat.Dense) {
	if inBarDot[0] != nil {
		mulAddInto(inBarDot[0], outBarDot, in[1])
		mulAddInto(inBarDot[0], outBar, inDot[1])
	}
	if inBarDot[1] != nil {
		mulAddInto(inBarDot[1], outBarDot, in[0])
		mulAddInto(inBarDot[1], outBar, inDot[0])
	}
}

func (hadamard) forward32(out *blas32.General, in []*blas32.General) {
	y, a, b := raw32(out), raw32(in[0]), raw32(in[1])
	for i := range y {
		y[i] = a[i] * b[i]
	}
}

func (hadamard) backward32(inBar []*blas32.General, _ []bool, outBar, _ *blas32.General, in []*blas32.General) {
	for i := range 2 {
		if inBar[i] != nil {
			d, g, x := raw32(inBar[i]), raw32(outBar), raw32(in[1-i])
			for j := range d {
				d[j] += g[j] * x[j]
			}
		}
	}
}

// Mul returns the elementwise product y = a ⊙ b. Backward: ā += ȳ ⊙ b,
// b̄ += ȳ ⊙ a. It panics if the shapes differ.
func Mul(a, b *Node) *Node {
	r, c := sameDims("mul", a, b)
	return newOp("mul", hadamard{}, r, c, a, b)
}

// scale is y = s·a.
type scale struct{ s float64 }

func (o scale) forward(out *mat.Dense, in []*mat.Dense) {
	y, a := raw(out), raw(in[0])
	for i := range y {
		y[i] = o.s * a[i]
	}
}

func (o scale) backward(inBar []*mat.Dense, outBar, _ *mat.Dense, _ []*mat.Dense) {
	if inBar[0] != nil {
		addInto(inBar[0], outBar, o.s)
	}
}

func (o scale) forwardDot(outDot, _ *mat.Dense, _, inDot []*mat.Dense) { o.forward(outDot, inDot) }

func (o scale) backwardDot(inBarDot []*mat.Dense, _, outBarDot, _, _ *mat.Dense, _, _ []*mat.Dense) {
	o.backward(inBarDot, outBarDot, nil, nil)
}

func (o scale) forward32(out *blas32.General, in []*blas32.General) {
	y, a := raw32(out), raw32(in[0])
	s := float32(o.s)
	for i := range y {
		y[i] = s * a[i]
	}
}

func (o scale) backward32(inBar []*blas32.General, _ []bool, outBar, _ *blas32.General, _ []*blas32.General) {
	if inBar[0] != nil {
		addInto32(raw32(inBar[0]), raw32(outBar), float32(o.s))
	}
}

// Scale returns y = s·a. Backward: ā += s·ȳ.
func Scale(s float64, a *Node) *Node {
	r, c := a.Dims()
	return newOp(fmt.Sprintf("scale(%g)", s), scale{s}, r, c, a)
}

// addBias is y = x + 1·bᵀ: the row b added to every row of x.
type addBias struct{}

func (addBias) forward(out *mat.Dense, in []*mat.Dense) {
	_, k := out.Dims()
	y := raw(out)
	vmath.AddRows(y, raw(in[0])[:len(y)], raw(in[1])[:k])
}

func (o addBias) backward(inBar []*mat.Dense, outBar, _ *mat.Dense, _ []*mat.Dense) {
	o.backwardSet(inBar, noSet[:], outBar, nil, nil)
}

func (addBias) backwardSet(inBar []*mat.Dense, set []bool, outBar, _ *mat.Dense, _ []*mat.Dense) {
	if inBar[0] != nil {
		if set[0] {
			copy(raw(inBar[0]), raw(outBar))
		} else {
			addInto(inBar[0], outBar, 1)
		}
	}
	if inBar[1] != nil {
		if set[1] {
			clear(raw(inBar[1]))
		}
		colSumInto(inBar[1], outBar)
	}
}

// colSumInto adds the column sums of x into the row dst.
func colSumInto(dst, x *mat.Dense) {
	_, k := x.Dims()
	vmath.AddColSums(raw(dst)[:k], raw(x))
}

func (o addBias) forwardDot(outDot, _ *mat.Dense, _, inDot []*mat.Dense) { o.forward(outDot, inDot) }

func (o addBias) backwardDot(inBarDot []*mat.Dense, _, outBarDot, _, _ *mat.Dense, _, _ []*mat.Dense) {
	o.backward(inBarDot, outBarDot, nil, nil)
}

// addRows32 sets z to x with the row b added to each of its rows.
func addRows32(z, x, b []float32) { vmath.AddRows32(z, x[:len(z)], b) }

// addColSums32 adds the column sums of x (rows of len(d)) into d.
func addColSums32(d, x []float32) { vmath.AddColSums32(d, x) }

func (addBias) forward32(out *blas32.General, in []*blas32.General) {
	addRows32(raw32(out), raw32(in[0]), raw32(in[1]))
}

func (addBias) backward32(inBar []*blas32.General, set []bool, outBar, _ *blas32.General, _ []*blas32.General) {
	if inBar[0] != nil {
		setOrAdd32(raw32(inBar[0]), raw32(outBar), isSet(set, 0))
	}
	if inBar[1] != nil {
		d := raw32(inBar[1])
		if isSet(set, 1) {
			clear(d)
		}
		addColSums32(d, raw32(outBar))
	}
}

// AddBias returns y = x + 1·bᵀ, adding the 1×k row b to each row of the
// n×k matrix x. Backward: x̄ += ȳ, b̄ += Σ_rows ȳ. It panics on a shape
// mismatch.
func AddBias(x, b *Node) *Node {
	n, k := x.Dims()
	if br, bc := b.Dims(); br != 1 || bc != k {
		panic(fmt.Sprintf("graph: addbias %s %d×%d + %s %d×%d (want 1×%d)", x.name, n, k, b.name, br, bc, k))
	}
	return newOp("addbias", addBias{}, n, k, x, b)
}

// sum is s = c·Σ a: Sum with c = 1, Mean with c = 1/len(a).
type sum struct{ c float64 }

func (o sum) forward(out *mat.Dense, in []*mat.Dense) {
	var s float64
	for _, v := range raw(in[0]) {
		s += v
	}
	out.Set(0, 0, o.c*s)
}

func (o sum) backward(inBar []*mat.Dense, outBar, _ *mat.Dense, _ []*mat.Dense) {
	if inBar[0] == nil {
		return
	}
	g := o.c * outBar.At(0, 0)
	d := raw(inBar[0])
	for i := range d {
		d[i] += g
	}
}

func (o sum) forwardDot(outDot, _ *mat.Dense, _, inDot []*mat.Dense) { o.forward(outDot, inDot) }

func (o sum) backwardDot(inBarDot []*mat.Dense, _, outBarDot, _, _ *mat.Dense, _, _ []*mat.Dense) {
	o.backward(inBarDot, outBarDot, nil, nil)
}

func (o sum) forward32(out *blas32.General, in []*blas32.General) {
	var s float64
	for _, v := range raw32(in[0]) {
		s += float64(v)
	}
	out.Data[0] = float32(o.c * s)
}

func (o sum) backward32(inBar []*blas32.General, _ []bool, outBar, _ *blas32.General, _ []*blas32.General) {
	if inBar[0] == nil {
		return
	}
	g := float32(o.c * float64(outBar.Data[0]))
	d := raw32(inBar[0])
	for i := range d {
		d[i] += g
	}
}

// Sum returns the 1×1 s = Σ_ij a_ij. Backward: ā += s̄ (every entry).
func Sum(a *Node) *Node { return newOp("sum", sum{1}, 1, 1, a) }

// Mean returns the 1×1 m = Σ_ij a_ij / (rows·cols). Backward: ā += m̄/(rows·cols).
func Mean(a *Node) *Node {
	r, c := a.Dims()
	return newOp("mean", sum{1 / float64(r*c)}, 1, 1, a)
}
