package graph

import (
	"math"

	"github.com/mlptrain/mlptrain/internal/vmath"

	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/mat"
)

// elementwise is y = φ(x) applied to each entry. Its derivatives are given
// in terms of both x and y, whichever is stabler: d1 = φ′, d2 = φ″.
//
// Backward: x̄ += ȳ ⊙ φ′(x). Tangents: ẏ = φ′(x) ⊙ ẋ and
// R{x̄} += R{ȳ} ⊙ φ′(x) + ȳ ⊙ φ″(x) ⊙ ẋ.
type elementwise struct {
	f      func(x float64) float64
	d1, d2 func(x, y float64) float64
	// side, for ops with a kink (ReLU, threshold), tells on which side of
	// it x lies; gradient checks skip entries whose difference quotient
	// straddles it. nil for smooth ops.
	side func(x float64) bool
	// fwd and bwd, when set, are the forward and backward passes over
	// whole slices, with the same arithmetic as f and d1 (bit for bit) but
	// no function call per entry: the hot activations have them.
	fwd func(y, x []float64)
	bwd func(xb, yb, x, y []float64)
	// fwd32 and bwd32 are the float32 passes of the hot activations;
	// without them, a float32 graph evaluates f and d1 in float64 and
	// rounds (correctly rounded, and slower).
	fwd32 func(y, x []float32)
	bwd32 func(xb, yb, x, y []float32)
	// fused32, for the hot activations, sets z = x + 1·bᵀ and h = φ(z) in
	// one pass, bit for bit AddRows32 then fwd32 (vmath's fused kernels).
	fused32 func(h, z, x, b []float32)
}

func (o *elementwise) forward(out *mat.Dense, in []*mat.Dense) {
	y, x := raw(out), raw(in[0])
	if o.fwd != nil {
		o.fwd(y, x)
		return
	}
	for i, v := range x {
		y[i] = o.f(v)
	}
}

func (o *elementwise) backward(inBar []*mat.Dense, outBar, out *mat.Dense, in []*mat.Dense) {
	if inBar[0] == nil {
		return
	}
	xb, yb, y, x := raw(inBar[0]), raw(outBar), raw(out), raw(in[0])
	if o.bwd != nil {
		o.bwd(xb, yb, x, y)
		return
	}
	for i := range xb {
		xb[i] += yb[i] * o.d1(x[i], y[i])
	}
}

func (o *elementwise) forwardDot(outDot, out *mat.Dense, in, inDot []*mat.Dense) {
	yd, y, x, xd := raw(outDot), raw(out), raw(in[0]), raw(inDot[0])
	for i := range yd {
		yd[i] = o.d1(x[i], y[i]) * xd[i]
	}
}

func (o *elementwise) backwardDot(inBarDot []*mat.Dense, outBar, outBarDot, out, _ *mat.Dense, in, inDot []*mat.Dense) {
	if inBarDot[0] == nil {
		return
	}
	xbd, yb, ybd, y, x, xd := raw(inBarDot[0]), raw(outBar), raw(outBarDot), raw(out), raw(in[0]), raw(inDot[0])
	for i := range xbd {
		xbd[i] += ybd[i]*o.d1(x[i], y[i]) + yb[i]*o.d2(x[i], y[i])*xd[i]
	}
}

// forward32Slice sets y = φ(x) in float32.
func (o *elementwise) forward32Slice(y, x []float32) {
	if o.fwd32 != nil {
		o.fwd32(y, x)
		return
	}
	for i, v := range x[:len(y)] {
		y[i] = float32(o.f(float64(v)))
	}
}

func (o *elementwise) forward32(out *blas32.General, in []*blas32.General) {
	o.forward32Slice(raw32(out), raw32(in[0]))
}

func (o *elementwise) backward32(inBar []*blas32.General, _ []bool, outBar, out *blas32.General, in []*blas32.General) {
	if inBar[0] == nil {
		return
	}
	xb, yb, y, x := raw32(inBar[0]), raw32(outBar), raw32(out), raw32(in[0])
	if o.bwd32 != nil {
		o.bwd32(xb, yb, x, y)
		return
	}
	for i := range xb {
		xb[i] += yb[i] * float32(o.d1(float64(x[i]), float64(y[i])))
	}
}

func unary(name string, o *elementwise, x *Node) *Node {
	r, c := x.Dims()
	return newOp(name, o, r, c, x)
}

func zero(_, _ float64) float64 { return 0 }
func one(_, _ float64) float64  { return 1 }

// Logistic is σ(z) = 1/(1+e^−z), computed without overflow at any z.
func logistic(z float64) float64 {
	if z >= 0 {
		return 1 / (1 + math.Exp(-z))
	}
	e := math.Exp(z)
	return e / (1 + e)
}

// softplus is log(1+e^z), computed without overflow at any z.
func softplus(z float64) float64 {
	return math.Max(z, 0) + math.Log1p(math.Exp(-math.Abs(z)))
}

var (
	identityOp = &elementwise{
		f: func(x float64) float64 { return x }, d1: one, d2: zero,
		fwd:   func(y, x []float64) { copy(y, x) },
		bwd:   func(xb, yb, _, _ []float64) { vmath.Add(xb, yb[:len(xb)]) },
		fwd32: func(y, x []float32) { copy(y, x) },
		bwd32: func(xb, yb, _, _ []float32) { vmath.Add32(xb, yb[:len(xb)]) },
	}
	// The hard threshold is 1 for z ≥ 0, else 0. Its derivative is 0
	// everywhere it exists (and taken as 0 at z = 0), so no error signal
	// passes through it: a network of thresholds cannot be trained by
	// gradient descent, only built by hand.
	thresholdOp = &elementwise{
		f: func(x float64) float64 {
			if x >= 0 {
				return 1
			}
			return 0
		},
		d1: zero, d2: zero,
		side: func(x float64) bool { return x >= 0 },
	}
	logisticOp = &elementwise{
		f: logistic,
		// logistic's arithmetic, with the exponentials (e^−z or e^z, as
		// logistic takes them, so that even a NaN keeps its bits) taken a
		// vector at a time.
		fwd: func(y, x []float64) {
			y = y[:len(x)]
			for i, v := range x {
				if v >= 0 {
					y[i] = -v
				} else {
					y[i] = v
				}
			}
			vmath.Exp(y, y)
			for i, e := range y {
				if x[i] >= 0 {
					y[i] = 1 / (1 + e)
				} else {
					y[i] = e / (1 + e)
				}
			}
		},
		bwd:     func(xb, yb, _, y []float64) { vmath.AddLogisticGrad(xb, yb[:len(xb)], y[:len(xb)]) },
		fwd32:   logistic32,
		bwd32:   func(xb, yb, _, y []float32) { vmath.AddLogisticGrad32(xb, yb[:len(xb)], y[:len(xb)]) },
		fused32: vmath.AddRowsLogistic32,
		d1:      func(_, y float64) float64 { return y * (1 - y) },
		d2:      func(_, y float64) float64 { return y * (1 - y) * (1 - 2*y) },
	}
	tanhOp = &elementwise{
		f:       math.Tanh,
		fwd:     vmath.Tanh, // math.Tanh, bit for bit, a vector at a time
		bwd:     func(xb, yb, _, y []float64) { vmath.AddTanhGrad(xb, yb[:len(xb)], y[:len(xb)]) },
		fwd32:   tanh32,
		bwd32:   func(xb, yb, _, y []float32) { vmath.AddTanhGrad32(xb, yb[:len(xb)], y[:len(xb)]) },
		fused32: vmath.AddRowsTanh32,
		d1:      func(_, y float64) float64 { return 1 - y*y },
		d2:      func(_, y float64) float64 { return -2 * y * (1 - y*y) },
	}
	// ReLU's derivative is taken as 0 at z = 0.
	reluOp = &elementwise{
		f: func(x float64) float64 { return math.Max(x, 0) },
		d1: func(x, _ float64) float64 {
			if x > 0 {
				return 1
			}
			return 0
		},
		d2:   zero,
		side: func(x float64) bool { return x > 0 },
		// Vector kernels, bit for bit the per-entry arithmetic: the value's
		// bits under an all-ones or all-zeros mask (a NaN keeps its own,
		// as max(v, 0) does; −0 becomes +0), and x̄ += ȳ·1 or ȳ·0.
		fwd:     vmath.ReLU,
		bwd:     func(xb, yb, x, _ []float64) { vmath.AddReLUGrad(xb, yb[:len(xb)], x[:len(xb)]) },
		fwd32:   relu32,
		bwd32:   func(xb, yb, x, _ []float32) { vmath.AddReLUGrad32(xb, yb[:len(xb)], x[:len(xb)]) },
		fused32: vmath.AddRowsReLU32,
	}
	softplusOp = &elementwise{
		f:     softplus,
		fwd32: softplus32,
		fwd: func(y, x []float64) {
			for i, v := range x[:len(y)] {
				y[i] = softplus(v)
			}
		},
		bwd: func(xb, yb, x, _ []float64) {
			x = x[:len(xb)]
			for i, g := range yb[:len(xb)] {
				xb[i] += g * logistic(x[i])
			}
		},
		d1: func(x, _ float64) float64 { return logistic(x) },
		d2: func(x, _ float64) float64 { s := logistic(x); return s * (1 - s) },
	}
	expOp = &elementwise{
		f:   math.Exp,
		fwd: vmath.Exp,
		d1:  func(_, y float64) float64 { return y },
		d2:  func(_, y float64) float64 { return y },
	}
	sinOp = &elementwise{
		f:  math.Sin,
		d1: func(x, _ float64) float64 { return math.Cos(x) },
		d2: func(_, y float64) float64 { return -y },
	}
	cosOp = &elementwise{
		f:  math.Cos,
		d1: func(x, _ float64) float64 { return -math.Sin(x) },
		d2: func(_, y float64) float64 { return -y },
	}
	squareOp = &elementwise{
		f:  func(x float64) float64 { return x * x },
		d1: func(x, _ float64) float64 { return 2 * x },
		d2: func(_, _ float64) float64 { return 2 },
	}
)

// activations are the activation functions of a layer by name, as the
// catalog (internal/vocab) names them; each builds a node whose Op is its
// name.
var activations = map[string]func(*Node) *Node{
	"identity":  Identity,
	"threshold": Threshold,
	"logistic":  Logistic,
	"tanh":      Tanh,
	"relu":      ReLU,
	"softplus":  Softplus,
	"softmax":   Softmax,
}

// Activation returns the function that builds the named layer activation
// (identity, tanh, softmax, ...: a canonical name of the catalog in
// internal/vocab) and whether there is one.
func Activation(name string) (func(*Node) *Node, bool) {
	f, ok := activations[name]
	return f, ok
}

// Identity returns y = x. Backward: x̄ += ȳ.
func Identity(x *Node) *Node { return unary("identity", identityOp, x) }

// Threshold returns the hard threshold y = 1 if x ≥ 0, else 0. Its
// derivative is 0 wherever it exists and is taken as 0 at x = 0, so
// Backward passes no signal: x̄ += 0.
func Threshold(x *Node) *Node { return unary("threshold", thresholdOp, x) }

// Logistic returns y = σ(x) = 1/(1+e^−x), stable at any x.
// Backward: x̄ += ȳ ⊙ y(1−y).
func Logistic(x *Node) *Node { return unary("logistic", logisticOp, x) }

// Tanh returns y = tanh(x). Backward: x̄ += ȳ ⊙ (1 − y²).
func Tanh(x *Node) *Node { return unary("tanh", tanhOp, x) }

// ReLU returns y = max(x, 0). Backward: x̄ += ȳ ⊙ [x > 0] (0 at the kink).
func ReLU(x *Node) *Node { return unary("relu", reluOp, x) }

// Softplus returns the soft ReLU y = log(1 + eˣ), stable at any x.
// Backward: x̄ += ȳ ⊙ σ(x).
func Softplus(x *Node) *Node { return unary("softplus", softplusOp, x) }

// Exp returns y = eˣ. Backward: x̄ += ȳ ⊙ y.
func Exp(x *Node) *Node { return unary("exp", expOp, x) }

// Sin returns y = sin x. Backward: x̄ += ȳ ⊙ cos x.
func Sin(x *Node) *Node { return unary("sin", sinOp, x) }

// Cos returns y = cos x. Backward: x̄ += −ȳ ⊙ sin x.
func Cos(x *Node) *Node { return unary("cos", cosOp, x) }

// Square returns y = x². Backward: x̄ += 2ȳ ⊙ x.
func Square(x *Node) *Node { return unary("square", squareOp, x) }

// softmax is the row-wise y_ij = e^{z_ij} / Σ_k e^{z_ik}. When a
// cross-entropy reads its output (SoftmaxCrossEntropyOf), it also keeps
// each row's log-sum-exp in lse for that loss (lse is 2n long: see
// softmaxRows); otherwise lse is nil.
type softmax struct {
	lse   []float64
	lse32 []float32 // lse in a float32 graph
}

// softmaxRows sets y to the row-wise softmax of z (n×k), subtracting each
// row's maximum first so that no exponential overflows. If lse is not nil,
// it stores each row's log-sum-exp in lse[:n], using lse[n:2n] for the
// row maxima.
func softmaxRows(y, z []float64, k int, lse []float64) {
	// y = z − max of its row, then exp of all of it in one call (a small
	// network's batch has only a few classes per row), then the sums.
	y = y[:len(z)]
	n := len(z) / k
	var ms []float64
	if lse != nil {
		lse, ms = lse[:n], lse[n:2*n]
	}
	for r := range n {
		zr, yr := z[r*k:][:k], y[r*k:][:k]
		m := rowMax(zr)
		for j, v := range zr {
			yr[j] = v - m
		}
		if ms != nil {
			ms[r] = m
		}
	}
	vmath.Exp(y, y)
	for r := range n {
		yr := y[r*k:][:k]
		var s float64
		for _, v := range yr {
			s += v
		}
		for j := range yr {
			yr[j] /= s
		}
		if lse != nil {
			lse[r] = s
		}
	}
	if lse == nil {
		return
	}
	vmath.Log(lse, lse)
	for i, m := range ms {
		lse[i] += m
	}
}

// rowMax returns the largest entry of row as a fold of math.Max would, bit
// for bit, but inline: math.Max is a call per entry on amd64. Without NaN
// and with a maximum other than ±0, that is the builtin max; otherwise,
// which is rare, rowMaxSlow follows math.Max case by case.
func rowMax(row []float64) float64 {
	m, nan := row[0], row[0]-row[0] // nan: 0, or NaN once a NaN or ±Inf is seen
	for _, v := range row[1:] {
		m = max(m, v)
		nan += v - v
	}
	if nan != 0 || m == 0 {
		return rowMaxSlow(row)
	}
	return m
}

// rowMaxSlow is a fold of math.Max as amd64 computes it: +Inf if either
// argument is +Inf, else its one NaN (0x7FF8…01) if either is NaN, and for
// two zeros +0 unless both are −0.
func rowMaxSlow(row []float64) float64 {
	m := row[0]
	for _, v := range row[1:] {
		switch {
		case math.IsInf(m, 1) || math.IsInf(v, 1):
			m = math.Inf(1)
		case m != m || v != v:
			m = math.NaN()
		case m == 0 && v == 0:
			m = math.Float64frombits(math.Float64bits(m) & math.Float64bits(v))
		case v > m:
			m = v
		}
	}
	return m
}

// softmaxVJP adds y ⊙ (g − (g·y)) row-wise into dst: the softmax VJP for
// the signal g, and also its JVP for the tangent g.
func softmaxVJP(dst, y, g []float64, k int) {
	for i := 0; i < len(y); i += k {
		yr, gr, dr := y[i:i+k], g[i:i+k], dst[i:i+k]
		var s float64
		for j := range yr {
			s += gr[j] * yr[j]
		}
		for j := range yr {
			dr[j] += yr[j] * (gr[j] - s)
		}
	}
}

func (o *softmax) forward(out *mat.Dense, in []*mat.Dense) {
	_, k := out.Dims()
	softmaxRows(raw(out), raw(in[0]), k, o.lse)
}

func (*softmax) backward(inBar []*mat.Dense, outBar, out *mat.Dense, _ []*mat.Dense) {
	if inBar[0] == nil {
		return
	}
	_, k := out.Dims()
	softmaxVJP(raw(inBar[0]), raw(out), raw(outBar), k)
}

func (*softmax) forwardDot(outDot, out *mat.Dense, _, inDot []*mat.Dense) {
	_, k := out.Dims()
	outDot.Zero()
	softmaxVJP(raw(outDot), raw(out), raw(inDot[0]), k)
}

// backwardDot differentiates z̄ = y ⊙ (ȳ − s), s = ȳ·y, along the tangent:
// R{z̄} = ẏ ⊙ (ȳ − s) + y ⊙ (R{ȳ} − ṡ), ṡ = R{ȳ}·y + ȳ·ẏ.
func (*softmax) backwardDot(inBarDot []*mat.Dense, outBar, outBarDot, out, outDot *mat.Dense, _, _ []*mat.Dense) {
	if inBarDot[0] == nil {
		return
	}
	_, k := out.Dims()
	d, y, yd, g, gd := raw(inBarDot[0]), raw(out), raw(outDot), raw(outBar), raw(outBarDot)
	for i := 0; i < len(y); i += k {
		yr, ydr, gr, gdr, dr := y[i:i+k], yd[i:i+k], g[i:i+k], gd[i:i+k], d[i:i+k]
		var s, sd float64
		for j := range yr {
			s += gr[j] * yr[j]
			sd += gdr[j]*yr[j] + gr[j]*ydr[j]
		}
		for j := range yr {
			dr[j] += ydr[j]*(gr[j]-s) + yr[j]*(gdr[j]-sd)
		}
	}
}

// softmaxRows32 is softmaxRows in float32.
func softmaxRows32(y, z []float32, k int, lse []float32) {
	y = y[:len(z)]
	n := len(z) / k
	var ms []float32
	if lse != nil {
		lse, ms = lse[:n], lse[n:2*n]
	}
	for r := range n {
		zr, yr := z[r*k:][:k], y[r*k:][:k]
		m := zr[0]
		for _, v := range zr[1:] {
			if v > m || v != v {
				m = v
			}
		}
		for j, v := range zr {
			yr[j] = v - m
		}
		if ms != nil {
			ms[r] = m
		}
	}
	exp32(y, y)
	for r := range n {
		yr := y[r*k:][:k]
		var s float32
		for _, v := range yr {
			s += v
		}
		for j := range yr {
			yr[j] /= s
		}
		if lse != nil {
			lse[r] = s
		}
	}
	if lse == nil {
		return
	}
	log32(lse, lse)
	for i, m := range ms {
		lse[i] += m
	}
}

func (o *softmax) forward32(out *blas32.General, in []*blas32.General) {
	softmaxRows32(raw32(out), raw32(in[0]), out.Cols, o.lse32)
}

func (*softmax) backward32(inBar []*blas32.General, _ []bool, outBar, out *blas32.General, _ []*blas32.General) {
	if inBar[0] == nil {
		return
	}
	k := out.Cols
	y, g, dst := raw32(out), raw32(outBar), raw32(inBar[0])
	for i := 0; i < len(y); i += k {
		yr, gr, dr := y[i:i+k], g[i:i+k], dst[i:i+k]
		var s float32
		for j := range yr {
			s += gr[j] * yr[j]
		}
		for j := range yr {
			dr[j] += yr[j] * (gr[j] - s)
		}
	}
}

// Softmax returns the row-wise softmax y_ij = e^{z_ij} / Σ_k e^{z_ik},
// computed stably by subtracting each row's maximum.
// Backward: z̄ = y ⊙ (ȳ − rowsum(ȳ ⊙ y)).
func Softmax(z *Node) *Node {
	r, c := z.Dims()
	return newOp("softmax", &softmax{}, r, c, z)
}
