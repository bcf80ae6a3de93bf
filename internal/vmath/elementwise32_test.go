package vmath

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// arith32 is one of the float32 arithmetic functions for the tests: dst
// and its inputs, with lengths as lens gives them (from the float64
// twin's arith), the function, its float32 definition as a plain loop,
// and its float64 twin.
type arith32 struct {
	name string
	f    func(dst []float32, in [][]float32)
	run  func(dst []float32, in [][]float32, p path) // by path p
	// model computes an element of dst from its value d and the inputs'
	// elements as the kernels do, each operation's NaN in the documented
	// operand order (see model32); nil for AddColSums32.
	model func(m *model32, d float32, in []float32, j int) float32
	plain func(dst []float32, in [][]float32)
	twin  string // the float64 function in ariths
	// tol is the largest difference from the float64 twin's result, in
	// units of 2⁻²³·scale32 (an ulp of float32 at the operands' largest
	// magnitude, or more), for the given number of rows.
	tol func(rows int) float64
}

var ariths32 = []arith32{
	{"AddRows32", func(z []float32, in [][]float32) { AddRows32(z, in[0], in[1]) },
		func(z []float32, in [][]float32, p path) { addRows32(z, in[0], in[1], p) },
		func(m *model32, _ float32, in []float32, _ int) float32 { return m.add(in[0], in[1]) },
		func(z []float32, in [][]float32) {
			x, b := in[0], in[1]
			for i := range x {
				z[i] = x[i] + b[i%len(b)]
			}
		}, "AddRows", tol(1)},
	{"ReLU32", func(y []float32, in [][]float32) { ReLU32(y, in[0]) },
		func(y []float32, in [][]float32, p path) { relu32(y, in[0], p) },
		func(_ *model32, _ float32, in []float32, _ int) float32 {
			if in[0] <= 0 {
				return 0
			}
			return in[0]
		},
		func(y []float32, in [][]float32) {
			for i, v := range in[0] {
				var keep uint32
				if !(v <= 0) {
					keep = ^uint32(0)
				}
				y[i] = math.Float32frombits(math.Float32bits(v) & keep)
			}
		}, "ReLU", tol(0)},
	{"AddReLUGrad32", func(xb []float32, in [][]float32) { AddReLUGrad32(xb, in[0], in[1]) },
		func(xb []float32, in [][]float32, p path) { addReLUGrad32(xb, in[0], in[1], p) },
		func(m *model32, d float32, in []float32, _ int) float32 {
			var one float32
			if in[1] > 0 {
				one = 1
			}
			return m.add(d, m.mul(one, in[0]))
		},
		func(xb []float32, in [][]float32) {
			g, x := in[0], in[1]
			for i := range xb {
				var keep uint32
				if x[i] > 0 {
					keep = ^uint32(0)
				}
				xb[i] += g[i] * math.Float32frombits(math.Float32bits(1.0)&keep)
			}
		}, "AddReLUGrad", tol(1)},
	{"AddTanhGrad32", func(xb []float32, in [][]float32) { AddTanhGrad32(xb, in[0], in[1]) },
		func(xb []float32, in [][]float32, p path) { addTanhGrad32(xb, in[0], in[1], p) },
		func(m *model32, d float32, in []float32, _ int) float32 {
			return m.add(d, m.mul(m.sub(1, m.mul(in[1], in[1])), in[0]))
		},
		func(xb []float32, in [][]float32) {
			g, y := in[0], in[1]
			for i := range xb {
				t := y[i] * y[i]
				u := 1 - t
				p := g[i] * u
				xb[i] = xb[i] + p
			}
		}, "AddTanhGrad", tol(2)},
	{"AddLogisticGrad32", func(xb []float32, in [][]float32) { AddLogisticGrad32(xb, in[0], in[1]) },
		func(xb []float32, in [][]float32, p path) { addLogisticGrad32(xb, in[0], in[1], p) },
		func(m *model32, d float32, in []float32, _ int) float32 {
			return m.add(d, m.mul(m.mul(m.sub(1, in[1]), in[1]), in[0]))
		},
		func(xb []float32, in [][]float32) {
			g, y := in[0], in[1]
			for i := range xb {
				u := 1 - y[i]
				v := y[i] * u
				p := g[i] * v
				xb[i] = xb[i] + p
			}
		}, "AddLogisticGrad", tol(2)},
	{"AddColSums32", func(d []float32, in [][]float32) { AddColSums32(d, in[0]) },
		func(d []float32, in [][]float32, p path) { addColSums32(d, in[0], p) },
		nil,
		func(d []float32, in [][]float32) {
			for i, v := range in[0] {
				d[i%len(d)] += v
			}
		}, "AddColSums",
		// Each of the rows partial sums is at most rows·scale and rounds
		// by at most half an ulp of that.
		func(rows int) float64 { return float64(rows*rows)/2 + 1 }},
	{"Add32", func(dst []float32, in [][]float32) { Add32(dst, in[0]) },
		func(dst []float32, in [][]float32, p path) { add32(dst, in[0], p) },
		func(m *model32, d float32, in []float32, _ int) float32 { return m.add(d, in[0]) },
		func(dst []float32, in [][]float32) {
			for i, v := range in[0] {
				dst[i] += v
			}
		}, "Add", tol(1)},
}

func tol(units float64) func(int) float64 { return func(int) float64 { return units } }

// draw32 returns an ordinary float32 for the arithmetic's inputs: y in
// (-1, 1) or (0, 1) where the function takes an activation's output.
func draw32(r *rand.Rand, name string, input int) float32 {
	switch {
	case input == 1 && name == "AddTanhGrad32":
		return float32(2*r.Float64() - 1)
	case input == 1 && name == "AddLogisticGrad32":
		return float32(r.Float64())
	}
	return float32(r.NormFloat64() * []float64{1, 1e-3, 1e3}[r.IntN(3)])
}

// TestArith32 runs each float32 arithmetic function on every length
// 0..70 (rows of k = 1, 3 or 16 for AddRows32 and AddColSums32) at every
// offset 0..7 into guarded buffers, by every path and exported, and
// checks that it gives its plain loop's bits, writes nothing else, and
// agrees with its float64 twin on the same inputs within the twin's
// rounding.
func TestArith32(t *testing.T) {
	const guard32 = 0x7F80DEAD
	r := rand.New(rand.NewPCG(32, 3))
	for _, f := range ariths32 {
		twin := arithByName(f.twin)
		ks := []int{0}
		if twin.rows {
			ks = []int{1, 3, 16}
		}
		for _, k := range ks {
			for n := range 71 {
				rows := n
				if twin.rows {
					rows = n / k
				}
				nDst, nIn := twin.lens(rows, k)
				off := n % 8
				guarded := func(m, off int) (s, buf []float32) {
					buf = make([]float32, off+m+3)
					for i := range buf {
						buf[i] = math.Float32frombits(guard32)
					}
					return buf[off : off+m : off+m], buf
				}
				dst, dstBuf := guarded(nDst, off)
				in := make([][]float32, len(nIn))
				bufs := make([][]float32, len(nIn))
				for j, m := range nIn {
					in[j], bufs[j] = guarded(m, (off+3*j+1)%8)
					for i := range in[j] {
						in[j][i] = draw32(r, f.name, j)
					}
				}
				for i := range dst {
					dst[i] = draw32(r, f.name, -1)
				}
				want := append([]float32(nil), dst...)
				f.plain(want, in)
				dst64 := to64(dst)
				in64 := make([][]float64, len(in))
				for j := range in {
					in64[j] = to64(in[j])
				}
				twin.run(dst64, in64, pathGo)
				scale := scale32(dst, in)
				var orig [][]float32
				for _, b := range bufs {
					orig = append(orig, append([]float32(nil), b...))
				}
				dst0 := append([]float32(nil), dst...)
				for _, p := range append(paths32(), pathExported) {
					copy(dst, dst0)
					if p == pathExported {
						f.f(dst, in)
					} else {
						f.run(dst, in, p)
					}
					what := fmt.Sprintf("%s (%s) n=%d k=%d off=%d", f.name, p, n, k, off)
					for i := range dst {
						if math.Float32bits(dst[i]) != math.Float32bits(want[i]) {
							t.Errorf("%s: element %d = %v, plain loop %v", what, i, dst[i], want[i])
						}
						if d := math.Abs(float64(dst[i])-dst64[i]) / (scale * 0x1p-23); d > f.tol(rows) {
							t.Errorf("%s: element %d = %v, float64 twin %v: %.2f units, want ≤ %v", what, i, dst[i], dst64[i], d, f.tol(rows))
						}
					}
					for i, v := range dstBuf {
						if (i < off || i >= off+len(dst)) && math.Float32bits(v) != guard32 {
							t.Errorf("%s: wrote outside dst", what)
						}
					}
					for j, b := range bufs {
						for i := range b {
							if math.Float32bits(b[i]) != math.Float32bits(orig[j][i]) {
								t.Errorf("%s: modified input %d", what, j)
								break
							}
						}
					}
				}
			}
		}
	}
}

// pathExported stands for the exported function in the tests' loops over
// paths: the best path, by the exported function's own dispatch.
const pathExported path = 100

func to64(s []float32) []float64 {
	d := make([]float64, len(s))
	for i, v := range s {
		d[i] = float64(v)
	}
	return d
}

// scale32 is the largest magnitude among the operands, at least the
// smallest normal float32: the size of the rounding errors a float32
// function makes, relative to its float64 twin.
func scale32(dst []float32, in [][]float32) float64 {
	s := float64(0x1p-126)
	for _, v := range dst {
		s = max(s, math.Abs(float64(v)))
	}
	for _, x := range in {
		for _, v := range x {
			s = max(s, math.Abs(float64(v)))
		}
	}
	return s
}

// TestFused32 checks AddRowsReLU32, AddRowsTanh32 and AddRowsLogistic32
// against AddRows32 followed by the activation, bit for bit, on every
// row length k and row count, at every offset, with h and z separate,
// h = z, and z = x.
func TestFused32(t *testing.T) {
	r := rand.New(rand.NewPCG(32, 4))
	for _, tc := range []struct {
		name  string
		fused func(h, z, x, b []float32, p path)
		act   func(h, z []float32)
	}{
		{"AddRowsReLU32", func(h, z, x, b []float32, p path) { addRowsAct32(h, z, x, b, actReLU, p) }, ReLU32},
		{"AddRowsTanh32", func(h, z, x, b []float32, p path) { addRowsAct32(h, z, x, b, actTanh, p) }, Tanh32},
		{"AddRowsLogistic32", func(h, z, x, b []float32, p path) { addRowsAct32(h, z, x, b, actLogistic, p) }, Logistic32},
		{"AddRowsReLU32 (exported)", func(h, z, x, b []float32, _ path) { AddRowsReLU32(h, z, x, b) }, ReLU32},
		{"AddRowsTanh32 (exported)", func(h, z, x, b []float32, _ path) { AddRowsTanh32(h, z, x, b) }, Tanh32},
		{"AddRowsLogistic32 (exported)", func(h, z, x, b []float32, _ path) { AddRowsLogistic32(h, z, x, b) }, Logistic32},
	} {
		for _, k := range []int{1, 2, 3, 5, 8, 16, 17, 33, 70} {
			for rows := range 5 {
				n := rows * k
				x := make([]float32, n+8)[rows%8:][:n]
				b := make([]float32, k)
				for i := range x {
					x[i] = float32(3 * r.NormFloat64())
				}
				for i := range b {
					b[i] = float32(r.NormFloat64())
				}
				if n > 0 {
					x[r.IntN(n)] = []float32{qnan32, inf32, -inf32, negZero, 0, 100, -100}[r.IntN(7)]
				}
				wantZ := make([]float32, n)
				wantH := make([]float32, n)
				AddRows32(wantZ, x, b)
				tc.act(wantH, wantZ)
				for _, p := range paths32() {
					for _, alias := range []string{"none", "h=z", "z=x", "h=x"} {
						h := make([]float32, n+8)[(rows+3)%8:][:n]
						z := make([]float32, n+8)[(rows+5)%8:][:n]
						xx := append([]float32(nil), x...)
						switch alias {
						case "h=z":
							h = z
						case "z=x":
							z = xx
						case "h=x":
							h = xx
						}
						tc.fused(h, z, xx, b, p)
						for i := range n {
							if math.Float32bits(h[i]) != math.Float32bits(wantH[i]) {
								t.Errorf("%s (%s) k=%d rows=%d %s: h[%d] = %v, want %v", tc.name, p, k, rows, alias, i, h[i], wantH[i])
							}
							if alias != "h=z" && math.Float32bits(z[i]) != math.Float32bits(wantZ[i]) {
								t.Errorf("%s (%s) k=%d rows=%d %s: z[%d] = %v, want %v", tc.name, p, k, rows, alias, i, z[i], wantZ[i])
							}
						}
					}
				}
			}
		}
	}
}

// model32 is model in float32: an operation's NaN as x86 gives it, a NaN
// operand quieted, the first one's when both are NaN.
type model32 struct{ bothNaN bool }

func (m *model32) add(a, b float32) float32 { return m.pick(a, b, a+b) }
func (m *model32) sub(a, b float32) float32 { return m.pick(a, b, a-b) }
func (m *model32) mul(a, b float32) float32 { return m.pick(a, b, float32(a*b)) }

func (m *model32) pick(a, b, r float32) float32 {
	switch {
	case a != a && b != b:
		m.bothNaN = true
		return quiet32(a)
	case a != a:
		return quiet32(a)
	case b != b:
		return quiet32(b)
	}
	return r
}

func quiet32(v float32) float32 { return math.Float32frombits(math.Float32bits(v) | 1<<22) }

// specials32 are the inputs of TestArith32Specials: NaNs with payloads,
// signaling and quiet, infinities, zeros, subnormals and ordinary numbers.
var specials32 = []float32{
	math.Float32frombits(0x7FC00000), math.Float32frombits(0xFFC01234), math.Float32frombits(0x7F800001),
	math.Float32frombits(0xFF812345), float32(math.Inf(1)), float32(math.Inf(-1)), 0,
	math.Float32frombits(1 << 31), math.Float32frombits(1), math.Float32frombits(0x807FFFFF),
	1, -1, 0.5, 3e38, -2.5, math.MaxFloat32, 1e-30,
}

// TestArith32Specials checks the kernels on inputs drawn from specials32,
// on every length 0..70 and offset (rows of 1, 3, 16 and 40 for AddRows32
// and AddColSums32), against model32 bit for bit, NaN payloads included,
// and the scalar loops against it wherever no operation had two NaN
// operands (there the compiler picks the NaN).
func TestArith32Specials(t *testing.T) {
	r := rand.New(rand.NewPCG(32, 5))
	draw := func(s []float32) {
		for i := range s {
			s[i] = specials32[r.IntN(len(specials32))]
		}
	}
	for _, f := range ariths32 {
		twin := arithByName(f.twin)
		ks := []int{1}
		if twin.rows {
			ks = []int{1, 3, 16, 40}
		}
		for _, k := range ks {
			for n := range 71 {
				rows := n
				if twin.rows {
					rows = n / k
				}
				nDst, nIn := twin.lens(rows, k)
				off := n % 8
				dst := make([]float32, nDst+8)[off:][:nDst]
				draw(dst)
				in := make([][]float32, len(nIn))
				for j, m := range nIn {
					in[j] = make([]float32, m+8)[(off+3*j+1)%8:][:m]
					draw(in[j])
				}
				want := append([]float32(nil), dst...)
				both := make([]bool, len(want))
				if f.model == nil { // AddColSums32: each column a chain in row order
					for i, v := range in[0] {
						m := model32{both[i%k]}
						want[i%k] = m.add(want[i%k], v)
						both[i%k] = m.bothNaN
					}
				} else {
					v := make([]float32, len(in))
					for i := range want {
						for j := range in {
							v[j] = in[j][i%len(in[j])]
						}
						var m model32
						want[i] = f.model(&m, want[i], v, i)
						both[i] = m.bothNaN
					}
				}
				dst0 := append([]float32(nil), dst...)
				for _, p := range append(paths32(), pathExported) {
					copy(dst, dst0)
					if p == pathExported {
						f.f(dst, in)
					} else {
						f.run(dst, in, p)
					}
					for i := range dst {
						scalar := p == pathGo || p == pathExported && best32 == pathGo
						if scalar && both[i] && dst[i] != dst[i] {
							continue
						}
						if g, w := math.Float32bits(dst[i]), math.Float32bits(want[i]); g != w {
							t.Errorf("%s (%s) n=%d k=%d: element %d = %#08x, model %#08x", f.name, p, n, k, i, g, w)
						}
					}
				}
			}
		}
	}
}
