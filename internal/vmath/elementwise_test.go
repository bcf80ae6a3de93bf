package vmath

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"
)

// The arithmetic functions are checked against a model of x86 arithmetic
// that spells out each operation's NaN: a NaN operand, quieted, and the
// first operand's when both are NaN, in the operand order the kernels
// document. The kernels must match the model bit for bit. The scalar
// loops, compiled Go code that may put either operand of a sum or a
// product first, must match it too except where both operands of an
// operation were NaN: there any NaN will do (TestArithPlain says how often
// the compiler's choice is the model's).

// model computes one element as x86 does, and records whether an
// operation had two NaN operands.
type model struct{ bothNaN bool }

func (m *model) add(a, b float64) float64 { return m.pick(a, b, a+b) }
func (m *model) sub(a, b float64) float64 { return m.pick(a, b, a-b) }
func (m *model) mul(a, b float64) float64 { return m.pick(a, b, float64(a*b)) } // never fused

// pick returns r, the result of an operation on a and b, unless a or b is
// NaN.
func (m *model) pick(a, b, r float64) float64 {
	switch {
	case a != a && b != b:
		m.bothNaN = true
		return quiet(a)
	case a != a:
		return quiet(a)
	case b != b:
		return quiet(b)
	}
	return r
}

// quiet returns the NaN v with its quiet bit set, as x86 arithmetic
// returns a signaling NaN operand.
func quiet(v float64) float64 { return math.Float64frombits(math.Float64bits(v) | 1<<51) }

// arith is one of the arithmetic functions, for the tests: dst and the
// inputs in, with the lengths that lens gives for n elements or n rows of
// k. The function reads dst if it accumulates into it.
type arith struct {
	name  string
	lens  func(n, k int) (dst int, in []int)
	rows  bool // n counts rows of k, not elements
	reads bool // dst is read as well as written
	// run runs the function's scalar loop (p = pathGo) or its kernel.
	run func(dst []float64, in [][]float64, p path)
	// plain is the scalar definition as a plain Go loop.
	plain func(dst []float64, in [][]float64)
	// model computes dst as the kernels do, and reports for each element
	// whether an operation had two NaN operands.
	model func(dst []float64, in [][]float64) (bothNaN []bool)
	// aliases are the inputs that dst may be.
	aliases []int
}

func elementLens(inputs int) func(n, k int) (int, []int) {
	return func(n, _ int) (int, []int) {
		in := make([]int, inputs)
		for i := range in {
			in[i] = n
		}
		return n, in
	}
}

// elementModel is the model of an elementwise function whose element i
// is f of dst[i] and the inputs' elements i.
func elementModel(f func(m *model, d float64, in []float64) float64) func(dst []float64, in [][]float64) []bool {
	return func(dst []float64, in [][]float64) []bool {
		both := make([]bool, len(dst))
		v := make([]float64, len(in))
		for i := range dst {
			for j := range in {
				v[j] = in[j][i]
			}
			var m model
			dst[i] = f(&m, dst[i], v)
			both[i] = m.bothNaN
		}
		return both
	}
}

var ariths = []arith{
	{
		name: "AddRows",
		lens: func(n, k int) (int, []int) { return n * k, []int{n * k, k} },
		rows: true,
		run: func(dst []float64, in [][]float64, p path) {
			if p == pathGo {
				addRowsGo(dst, in[0], in[1])
			} else {
				addRowsKernel(dst, in[0], in[1], p == pathAVX512)
			}
		},
		plain: func(z []float64, in [][]float64) {
			x, b := in[0], in[1]
			k := len(b)
			for i := 0; i < len(x); i += k {
				for j := range k {
					z[i+j] = x[i+j] + b[j]
				}
			}
		},
		model: func(z []float64, in [][]float64) []bool {
			x, b := in[0], in[1]
			both := make([]bool, len(z))
			for i := range z {
				var m model
				z[i] = m.add(x[i], b[i%len(b)])
				both[i] = m.bothNaN
			}
			return both
		},
		aliases: []int{0},
	},
	{
		name: "ReLU",
		lens: elementLens(1),
		run: func(dst []float64, in [][]float64, p path) {
			if p == pathGo {
				reluGo(dst, in[0])
			} else {
				reluKernel(dst, in[0], p == pathAVX512)
			}
		},
		plain: func(y []float64, in [][]float64) {
			for i, v := range in[0] {
				var keep uint64
				if !(v <= 0) {
					keep = ^uint64(0)
				}
				y[i] = math.Float64frombits(math.Float64bits(v) & keep)
			}
		},
		model: elementModel(func(_ *model, _ float64, in []float64) float64 {
			if in[0] > 0 || math.IsNaN(in[0]) {
				return in[0]
			}
			return 0
		}),
		aliases: []int{0},
	},
	{
		name:  "AddReLUGrad",
		lens:  elementLens(2),
		reads: true,
		run: func(dst []float64, in [][]float64, p path) {
			if p == pathGo {
				addReLUGradGo(dst, in[0], in[1])
			} else {
				addReLUGradKernel(dst, in[0], in[1], p == pathAVX512)
			}
		},
		plain: func(xb []float64, in [][]float64) {
			g, x := in[0], in[1]
			for i := range xb {
				var keep uint64
				if x[i] > 0 {
					keep = ^uint64(0)
				}
				xb[i] += g[i] * math.Float64frombits(math.Float64bits(1.0)&keep)
			}
		},
		model: elementModel(func(m *model, xb float64, in []float64) float64 {
			one := 0.0
			if in[1] > 0 {
				one = 1
			}
			return m.add(xb, m.mul(one, in[0]))
		}),
		aliases: []int{0, 1},
	},
	{
		name:  "AddTanhGrad",
		lens:  elementLens(2),
		reads: true,
		run: func(dst []float64, in [][]float64, p path) {
			if p == pathGo {
				addTanhGradGo(dst, in[0], in[1])
			} else {
				addTanhGradKernel(dst, in[0], in[1], p == pathAVX512)
			}
		},
		plain: func(xb []float64, in [][]float64) {
			g, y := in[0], in[1]
			for i := range xb {
				xb[i] += g[i] * (1 - y[i]*y[i])
			}
		},
		model: elementModel(func(m *model, xb float64, in []float64) float64 {
			g, y := in[0], in[1]
			return m.add(xb, m.mul(m.sub(1, m.mul(y, y)), g))
		}),
		aliases: []int{0, 1},
	},
	{
		name:  "AddLogisticGrad",
		lens:  elementLens(2),
		reads: true,
		run: func(dst []float64, in [][]float64, p path) {
			if p == pathGo {
				addLogisticGradGo(dst, in[0], in[1])
			} else {
				addLogisticGradKernel(dst, in[0], in[1], p == pathAVX512)
			}
		},
		plain: func(xb []float64, in [][]float64) {
			g, y := in[0], in[1]
			for i := range xb {
				xb[i] += g[i] * (y[i] * (1 - y[i]))
			}
		},
		model: elementModel(func(m *model, xb float64, in []float64) float64 {
			g, y := in[0], in[1]
			return m.add(xb, m.mul(m.mul(m.sub(1, y), y), g))
		}),
		aliases: []int{0, 1},
	},
	{
		name:  "AddColSums",
		lens:  func(n, k int) (int, []int) { return k, []int{n * k} },
		rows:  true,
		reads: true,
		run: func(dst []float64, in [][]float64, p path) {
			if p == pathGo {
				addColSumsGo(dst, in[0])
			} else {
				addColSumsKernel(dst, in[0])
			}
		},
		plain: func(d []float64, in [][]float64) {
			x := in[0]
			k := len(d)
			for i := 0; i < len(x); i += k {
				for j := range k {
					d[j] += x[i+j]
				}
			}
		},
		model: func(d []float64, in [][]float64) []bool {
			x := in[0]
			both := make([]bool, len(d))
			for j := range d {
				var m model
				for i := j; i < len(x); i += len(d) {
					d[j] = m.add(d[j], x[i])
				}
				both[j] = m.bothNaN
			}
			return both
		},
	},
	{
		name:  "Add",
		lens:  elementLens(1),
		reads: true,
		run: func(dst []float64, in [][]float64, p path) {
			if p == pathGo {
				addGo(dst, in[0])
			} else {
				addKernel(dst, in[0], p == pathAVX512)
			}
		},
		plain: func(dst []float64, in [][]float64) {
			x := in[0]
			for i := range dst {
				dst[i] += x[i]
			}
		},
		model: elementModel(func(m *model, d float64, in []float64) float64 {
			return m.add(d, in[0])
		}),
		aliases: []int{0},
	},
}

func arithByName(name string) arith {
	for _, f := range ariths {
		if f.name == name {
			return f
		}
	}
	panic("no arithmetic function " + name)
}

// arithPaths returns the paths of the arithmetic functions that run on
// this machine: every one up to bestArith.
func arithPaths() []path {
	return []path{pathGo, pathAVX2, pathAVX512}[:bestArith+1]
}

// nans are NaNs with distinct payloads, quiet and signaling, of both
// signs; the first is the NaN of an invalid operation on x86.
var nans = []float64{
	math.Float64frombits(0xFFF8000000000000),
	math.NaN(),
	math.Float64frombits(0x7FF8000000000ABC),
	math.Float64frombits(0xFFF80000DEADBEEF),
	math.Float64frombits(0x7FF0000000000001),
	math.Float64frombits(0xFFF4000000000123),
}

// arithSpecials are the values every function is tried on in every
// position.
var arithSpecials = append([]float64{
	0, math.Copysign(0, -1), 1, -1, 0.5, -0.5, 2, 0.75,
	1 + 0x1p-52, 1 - 0x1p-53, -1 - 0x1p-52, 0x1p-27, 0x1p-26 + 0x1p-52,
	math.Inf(1), math.Inf(-1), math.MaxFloat64, -math.MaxFloat64, 0x1p512, -0x1p600,
	math.SmallestNonzeroFloat64, -math.SmallestNonzeroFloat64, 0x1p-1022, -0x1p-1022,
	math.Nextafter(0x1p-1022, 0), -1e-310, 0x1p-537,
}, nans...)

// drawArith returns a value for the functions' inputs: mostly ordinary
// numbers of several scales, often a special, sometimes random bits.
func drawArith(r *rand.Rand) float64 {
	switch u := r.IntN(20); {
	case u < 10:
		return r.NormFloat64() * []float64{1, 1, 1e-3, 1e3, 1e-300, 1e300}[r.IntN(6)]
	case u < 17:
		return arithSpecials[r.IntN(len(arithSpecials))]
	default:
		return math.Float64frombits(r.Uint64())
	}
}

// fails collects at most a few failures of one check.
type fails struct {
	t    *testing.T
	n    int
	what string
}

func (f *fails) errorf(format string, args ...any) {
	f.t.Helper()
	if f.n++; f.n <= 8 {
		f.t.Errorf(f.what+": "+format, args...)
	}
}

func (f *fails) done() {
	f.t.Helper()
	if f.n > 8 {
		f.t.Errorf("%s: %d failures in all", f.what, f.n)
	}
}

// compare checks got against want. On a kernel path every element must
// have want's bits; on the Go path, an element for which bothNaN is set
// may be any NaN.
func compare(fl *fails, p path, got, want []float64, bothNaN []bool) {
	fl.t.Helper()
	for i := range want {
		g, w := math.Float64bits(got[i]), math.Float64bits(want[i])
		if g == w || p == pathGo && bothNaN[i] && math.IsNaN(got[i]) {
			continue
		}
		fl.errorf("element %d = %v [%#016x], want %v [%#016x]", i, got[i], g, want[i], w)
	}
}

const guard = 0x7FF00000DEAD0001 // a signaling NaN that no function makes

// embed returns a copy of s at offset off in a buffer with guard
// elements before and after it, and the buffer.
func embed(s []float64, off int) (sub, buf []float64) {
	buf = make([]float64, off+len(s)+5)
	for i := range buf {
		buf[i] = math.Float64frombits(guard)
	}
	sub = buf[off : off+len(s) : off+len(s)]
	copy(sub, s)
	return sub, buf
}

// checkArith runs f on dst0 and in by every path, each slice at its own
// offset into a guarded buffer, and checks dst against the model, that
// nothing outside dst changes (the inputs and the guards included), and
// the same with dst as each input it may be.
func checkArith(t *testing.T, f arith, dst0 []float64, in [][]float64, off int) {
	t.Helper()
	for _, alias := range append([]int{-1}, f.aliases...) {
		in := slices.Clone(in)
		d0 := dst0
		if alias >= 0 {
			if !f.reads {
				d0 = in[alias]
			}
			in[alias] = d0
		}
		want := slices.Clone(d0)
		bothNaN := f.model(want, in)
		for _, p := range arithPaths() {
			fl := &fails{t: t, what: fmt.Sprintf("%s (%s) len(dst) = %d, off %d", f.name, p, len(d0), off)}
			if alias >= 0 {
				fl.what += fmt.Sprintf(", dst = input %d", alias)
			}
			dst, dstBuf := embed(d0, off)
			ins := make([][]float64, len(in))
			bufs := make([][]float64, len(in))
			for j := range in {
				ins[j], bufs[j] = embed(in[j], (off+3*j+1)%8)
			}
			if alias >= 0 {
				ins[alias] = dst
			}
			f.run(dst, ins, p)
			compare(fl, p, dst, want, bothNaN)
			for i, v := range dstBuf {
				if (i < off || i >= off+len(dst)) && math.Float64bits(v) != guard {
					fl.errorf("wrote dst's buffer at %d, outside dst", i-off)
				}
			}
			for j := range in {
				if j == alias {
					continue
				}
				for i, v := range bufs[j] {
					w := uint64(guard)
					if i >= (off+3*j+1)%8 && i < (off+3*j+1)%8+len(in[j]) {
						w = math.Float64bits(in[j][i-(off+3*j+1)%8])
					}
					if math.Float64bits(v) != w {
						fl.errorf("modified input %d's buffer at %d", j, i)
						break
					}
				}
			}
			fl.done()
		}
	}
}

// randomCase returns dst and inputs for f on n elements or n rows of k.
func randomCase(r *rand.Rand, f arith, n, k int) ([]float64, [][]float64) {
	nDst, nIn := f.lens(n, k)
	dst := make([]float64, nDst)
	for i := range dst {
		dst[i] = drawArith(r)
	}
	in := make([][]float64, len(nIn))
	for j, m := range nIn {
		in[j] = make([]float64, m)
		for i := range in[j] {
			in[j][i] = drawArith(r)
		}
	}
	return dst, in
}

// rowShapes are the (rows, k) of the row functions' tests.
func rowShapes() [][2]int {
	var s [][2]int
	for _, k := range []int{1, 2, 3, 4, 5, 7, 8, 9, 12, 15, 16, 17, 31, 32, 33, 40, 64, 65} {
		for _, n := range []int{1, 2, 3, 4, 5, 7, 8, 9, 13, 16, 17, 40} {
			s = append(s, [2]int{n, k})
		}
		s = append(s, [2]int{600 / k, k})
	}
	// Over 2048 elements, where addRowsKernel works in tiles of rows.
	return append(s, [2]int{700, 3}, [2]int{130, 17}, [2]int{2049, 1}, [2]int{3, 1000}, [2]int{1, 3000}, [2]int{129, 16})
}

// TestArithLengths checks every function on random inputs with specials
// at every length 0..40 and some up to 600 (for AddRows and AddColSums,
// on many shapes), at several offsets.
func TestArithLengths(t *testing.T) {
	t.Parallel()
	for fi, f := range ariths {
		t.Run(f.name, func(t *testing.T) {
			t.Parallel()
			r := rand.New(rand.NewPCG(10, uint64(fi)))
			var shapes [][2]int
			if f.rows {
				shapes = rowShapes()
			} else {
				for n := range 41 {
					shapes = append(shapes, [2]int{n, 0})
				}
				for _, n := range []int{63, 64, 65, 95, 96, 97, 127, 128, 129, 255, 256, 257, 511, 512, 513, 600} {
					shapes = append(shapes, [2]int{n, 0})
				}
			}
			for _, s := range shapes {
				for _, off := range []int{0, 1, 2, 3, 5} {
					dst, in := randomCase(r, f, s[0], s[1])
					checkArith(t, f, dst, in, off)
				}
			}
		})
	}
}

// TestArithEmpty checks the row functions without rows, and the
// elementwise ones on nil slices.
func TestArithEmpty(t *testing.T) {
	t.Parallel()
	for _, f := range ariths {
		for _, k := range []int{0, 1, 5} {
			nDst, nIn := f.lens(0, k)
			in := make([][]float64, len(nIn))
			for j, m := range nIn {
				in[j] = make([]float64, m)
			}
			checkArith(t, f, make([]float64, nDst), in, 1)
		}
	}
}

// TestArithSpecials checks every combination of specials in the inputs
// and dst: for the elementwise functions each (dst, input...) tuple is an
// element; for AddRows each (x, b[j]) pair; for AddColSums each column is
// d[j] followed by two rows.
func TestArithSpecials(t *testing.T) {
	t.Parallel()
	sp := arithSpecials
	for _, f := range ariths {
		t.Run(f.name, func(t *testing.T) {
			t.Parallel()
			var dst []float64
			var in [][]float64
			switch f.name {
			case "AddRows":
				// k = len(sp) columns, a row per special.
				in = [][]float64{nil, sp}
				for _, v := range sp {
					for range sp {
						in[0] = append(in[0], v)
					}
				}
				dst = make([]float64, len(in[0]))
			case "AddColSums":
				// k = len(sp)² columns: d[j] and row 0 run through the
				// pairs of specials, rows 1 and 2 through others.
				l := len(sp)
				rows := make([]float64, 3*l*l)
				for j := range l * l {
					dst = append(dst, sp[j/l])
					rows[j], rows[l*l+j], rows[2*l*l+j] = sp[j%l], sp[(7*j+3)%l], sp[(j/l+j)%l]
				}
				in = [][]float64{rows}
			default:
				_, nIn := f.lens(0, 0)
				tuples := [][]float64{{}}
				for range 1 + len(nIn) {
					var next [][]float64
					for _, tu := range tuples {
						for _, v := range sp {
							next = append(next, append(slices.Clone(tu), v))
						}
					}
					tuples = next
				}
				in = make([][]float64, len(nIn))
				for _, tu := range tuples {
					dst = append(dst, tu[0])
					for j := range in {
						in[j] = append(in[j], tu[1+j])
					}
				}
			}
			checkArith(t, f, dst, in, 3)
		})
	}
}

// TestArithShort checks slices of 1 to 9 elements (AddRows and
// AddColSums: 1 to 9 rows of 1 to 9), made of specials only, so that the
// scalar and single-vector code sees every special and many NaN pairs.
func TestArithShort(t *testing.T) {
	t.Parallel()
	for fi, f := range ariths {
		t.Run(f.name, func(t *testing.T) {
			t.Parallel()
			r := rand.New(rand.NewPCG(13, uint64(fi)))
			for n := 1; n <= 9; n++ {
				for trial := range 200 {
					k := 0
					if f.rows {
						k = 1 + trial%9
					}
					nDst, nIn := f.lens(n, k)
					draw := func(m int) []float64 {
						s := make([]float64, m)
						for i := range s {
							s[i] = arithSpecials[r.IntN(len(arithSpecials))]
						}
						return s
					}
					in := make([][]float64, len(nIn))
					for j, m := range nIn {
						in[j] = draw(m)
					}
					checkArith(t, f, draw(nDst), in, trial%4)
				}
			}
		})
	}
}

// TestArithPlain checks that the model is the scalar definition compiled
// by Go, except that an operation on two NaNs may give either's payload.
// It logs how many such elements the compiler made exactly as the model
// (all of them with Go 1.26 on amd64), in the plain loops and in the
// scalar loops of the Go path.
func TestArithPlain(t *testing.T) {
	if runtime.GOARCH != "amd64" || goFusesFMA {
		t.Skip("the compiler fuses multiply-adds in the plain loops")
	}
	t.Parallel()
	for fi, f := range ariths {
		t.Run(f.name, func(t *testing.T) {
			r := rand.New(rand.NewPCG(11, uint64(fi)))
			ambiguous, samePlain, sameGo := 0, 0, 0
			for range 200 {
				n, k := 1+r.IntN(300), 0
				if f.rows {
					n, k = 1+r.IntN(20), 1+r.IntN(20)
				}
				dst, in := randomCase(r, f, n, k)
				want := slices.Clone(dst)
				bothNaN := f.model(want, in)
				plain, goPath := slices.Clone(dst), slices.Clone(dst)
				f.plain(plain, in)
				f.run(goPath, in, pathGo)
				fl := &fails{t: t, what: f.name + " (plain loop)"}
				compare(fl, pathGo, plain, want, bothNaN)
				fl.done()
				for i, b := range bothNaN {
					if b {
						ambiguous++
						if math.Float64bits(plain[i]) == math.Float64bits(want[i]) {
							samePlain++
						}
						if math.Float64bits(goPath[i]) == math.Float64bits(want[i]) {
							sameGo++
						}
					}
				}
			}
			t.Logf("%s: of %d results of operations on two NaNs, the plain loop has the kernels' NaN in %d, the Go path in %d",
				f.name, ambiguous, samePlain, sameGo)
		})
	}
}

// TestArithExported checks the exported functions, which take the best
// path, on one shape each, and that they do not allocate. (Not parallel:
// AllocsPerRun.)
func TestArithExported(t *testing.T) {
	r := rand.New(rand.NewPCG(12, 0))
	exported := map[string]func(dst []float64, in [][]float64){
		"AddRows":         func(dst []float64, in [][]float64) { AddRows(dst, in[0], in[1]) },
		"ReLU":            func(dst []float64, in [][]float64) { ReLU(dst, in[0]) },
		"AddReLUGrad":     func(dst []float64, in [][]float64) { AddReLUGrad(dst, in[0], in[1]) },
		"AddTanhGrad":     func(dst []float64, in [][]float64) { AddTanhGrad(dst, in[0], in[1]) },
		"AddLogisticGrad": func(dst []float64, in [][]float64) { AddLogisticGrad(dst, in[0], in[1]) },
		"AddColSums":      func(dst []float64, in [][]float64) { AddColSums(dst, in[0]) },
		"Add":             func(dst []float64, in [][]float64) { Add(dst, in[0]) },
	}
	for _, f := range ariths {
		n, k := 517, 0
		if f.rows {
			n, k = 23, 7
		}
		dst, in := randomCase(r, f, n, k)
		want := slices.Clone(dst)
		bothNaN := f.model(want, in)
		exported[f.name](dst, in)
		fl := &fails{t: t, what: f.name}
		compare(fl, bestArith, dst, want, bothNaN)
		fl.done()
		if allocs := testing.AllocsPerRun(10, func() { exported[f.name](dst, in) }); allocs != 0 {
			t.Errorf("%s allocates %v times per call", f.name, allocs)
		}
	}
	t.Logf("arithmetic path: %v", bestArith)
}

func TestArithPanics(t *testing.T) {
	t.Parallel()
	s := func(n int) []float64 { return make([]float64, n) }
	for _, tc := range []struct {
		name string
		f    func()
	}{
		{"AddRows/z", func() { AddRows(s(6), s(9), s(3)) }},
		{"AddRows/notMultiple", func() { AddRows(s(7), s(7), s(3)) }},
		{"AddRows/k=0", func() { AddRows(s(2), s(2), nil) }},
		{"AddRows/k>n", func() { AddRows(s(2), s(2), s(3)) }},
		{"ReLU", func() { ReLU(s(3), s(4)) }},
		{"AddReLUGrad/g", func() { AddReLUGrad(s(4), s(3), s(4)) }},
		{"AddReLUGrad/x", func() { AddReLUGrad(s(4), s(4), s(5)) }},
		{"AddTanhGrad/g", func() { AddTanhGrad(s(4), s(5), s(4)) }},
		{"AddTanhGrad/y", func() { AddTanhGrad(s(4), s(4), s(0)) }},
		{"AddLogisticGrad/g", func() { AddLogisticGrad(s(1), s(0), s(1)) }},
		{"AddLogisticGrad/y", func() { AddLogisticGrad(s(8), s(8), s(9)) }},
		{"AddColSums/notMultiple", func() { AddColSums(s(4), s(10)) }},
		{"AddColSums/k=0", func() { AddColSums(nil, s(1)) }},
		{"Add", func() { Add(s(9), s(8)) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				err, _ := recover().(error)
				if !errors.Is(err, ErrLength) {
					t.Errorf("%s: recovered %v, want ErrLength", tc.name, err)
				}
			}()
			tc.f()
		})
	}
	// Allowed empty shapes do not panic.
	AddRows(nil, nil, nil)
	AddRows(nil, nil, s(3))
	AddColSums(nil, nil)
	AddColSums(s(2), nil)
}
