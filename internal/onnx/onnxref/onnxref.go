// Package onnxref is a tiny reference interpreter of the ONNX ops that
// internal/onnx emits, with ONNX's semantics (numpy broadcasting), so that
// go test checks an exported graph's numbers without ONNX Runtime. Each op
// is computed the obvious way in float64: it is a test oracle for small
// batches, not a runtime, and it panics on an op, attribute or shape it
// does not know.
package onnxref

import (
	"encoding/binary"
	"fmt"
	"math"

	"github.com/mlptrain/mlptrain/internal/onnx/onnxpb"
)

// Tensor is an input or output of Run, as ONNX Runtime's harness
// (internal/ortrun) holds one: Type "float64", "string" or "int64", and
// the values row-major in Float, String or Int.
type Tensor struct {
	Type   string
	Dims   []int64
	Float  []float64
	String []string
	Int    []int64
}

// Run evaluates the graph of m on the inputs, by name, and returns every
// graph output by name. It panics on what it does not know.
func Run(m *onnxpb.ModelProto, inputs map[string]Tensor) map[string]Tensor {
	in := make(map[string]*tensor, len(inputs))
	for name, t := range inputs {
		v := &tensor{f: t.Float, s: t.String, i: t.Int}
		for _, d := range t.Dims {
			v.dims = append(v.dims, int(d))
		}
		switch t.Type {
		case "float64":
			v.kind = onnxpb.TensorProto_DOUBLE
		case "string":
			v.kind = onnxpb.TensorProto_STRING
		case "int64":
			v.kind = onnxpb.TensorProto_INT64
		default:
			panic("onnxref: input type " + t.Type)
		}
		in[name] = v
	}
	out := map[string]Tensor{}
	for name, v := range run(m, in) {
		t := Tensor{Float: v.f, String: v.s, Int: v.i}
		for _, d := range v.dims {
			t.Dims = append(t.Dims, int64(d))
		}
		switch v.kind {
		case onnxpb.TensorProto_DOUBLE:
			t.Type = "float64"
		case onnxpb.TensorProto_STRING:
			t.Type = "string"
		case onnxpb.TensorProto_INT64:
			t.Type = "int64"
		default:
			panic("onnxref: output type " + v.kind.String())
		}
		out[name] = t
	}
	return out
}

// tensor is a value of the interpreter: one of f, i, s, b holds its data,
// row-major, by its kind.
type tensor struct {
	kind onnxpb.TensorProto_DataType
	dims []int
	f    []float64
	i    []int64
	s    []string
	b    []bool
}

func size(dims []int) int {
	n := 1
	for _, d := range dims {
		n *= d
	}
	return n
}

func (t *tensor) len() int { return size(t.dims) }

func fromProto(p *onnxpb.TensorProto) *tensor {
	t := &tensor{kind: onnxpb.TensorProto_DataType(p.GetDataType())}
	for _, d := range p.GetDims() {
		t.dims = append(t.dims, int(d))
	}
	n := t.len()
	switch t.kind {
	case onnxpb.TensorProto_DOUBLE:
		raw := p.GetRawData()
		if len(raw) != 8*n {
			panic(fmt.Sprintf("initializer %s: %d bytes for %d doubles", p.GetName(), len(raw), n))
		}
		t.f = make([]float64, n)
		for k := range t.f {
			t.f[k] = math.Float64frombits(binary.LittleEndian.Uint64(raw[8*k:]))
		}
	case onnxpb.TensorProto_INT64:
		raw := p.GetRawData()
		t.i = make([]int64, n)
		for k := range t.i {
			t.i[k] = int64(binary.LittleEndian.Uint64(raw[8*k:]))
		}
	case onnxpb.TensorProto_STRING:
		for _, s := range p.GetStringData() {
			t.s = append(t.s, string(s))
		}
	default:
		panic(fmt.Sprintf("initializer %s: type %v", p.GetName(), t.kind))
	}
	return t
}

// broadcast returns the numpy broadcast shape of a and b, and for each
// output index the flat indices into a and b.
func broadcast(a, b []int) (out []int, ia, ib []int) {
	r := max(len(a), len(b))
	pad := func(d []int) []int {
		p := make([]int, r)
		for k := range p {
			p[k] = 1
		}
		copy(p[r-len(d):], d)
		return p
	}
	pa, pb := pad(a), pad(b)
	out = make([]int, r)
	for k := range out {
		switch {
		case pa[k] == pb[k] || pb[k] == 1:
			out[k] = pa[k]
		case pa[k] == 1:
			out[k] = pb[k]
		default:
			panic(fmt.Sprintf("broadcast %v with %v", a, b))
		}
	}
	n := size(out)
	ia, ib = make([]int, n), make([]int, n)
	idx := make([]int, r)
	for f := range n {
		ka, kb := 0, 0
		for k := range r {
			ka = ka*pa[k] + min(idx[k], pa[k]-1)
			kb = kb*pb[k] + min(idx[k], pb[k]-1)
		}
		ia[f], ib[f] = ka, kb
		for k := r - 1; k >= 0; k-- {
			if idx[k]++; idx[k] < out[k] {
				break
			}
			idx[k] = 0
		}
	}
	return out, ia, ib
}

func attr(n *onnxpb.NodeProto, name string) *onnxpb.AttributeProto {
	for _, a := range n.GetAttribute() {
		if a.GetName() == name {
			return a
		}
	}
	return nil
}

func attrI(n *onnxpb.NodeProto, name string, def int64) int64 {
	if a := attr(n, name); a != nil {
		return a.GetI()
	}
	return def
}

// run evaluates the graph of m on the inputs and returns every graph
// output by name.
func run(m *onnxpb.ModelProto, inputs map[string]*tensor) map[string]*tensor {
	env := map[string]*tensor{}
	for _, p := range m.GetGraph().GetInitializer() {
		env[p.GetName()] = fromProto(p)
	}
	for _, in := range m.GetGraph().GetInput() {
		t, ok := inputs[in.GetName()]
		if !ok {
			panic("missing input " + in.GetName())
		}
		env[in.GetName()] = t
	}
	for _, n := range m.GetGraph().GetNode() {
		in := make([]*tensor, len(n.GetInput()))
		for k, name := range n.GetInput() {
			if in[k] = env[name]; in[k] == nil {
				panic(fmt.Sprintf("node %s: input %s not computed yet", n.GetName(), name))
			}
		}
		env[n.GetOutput()[0]] = eval(n, in)
	}
	out := map[string]*tensor{}
	for _, o := range m.GetGraph().GetOutput() {
		out[o.GetName()] = env[o.GetName()]
	}
	return out
}

func binaryF(a, b *tensor, f func(x, y float64) float64) *tensor {
	dims, ia, ib := broadcast(a.dims, b.dims)
	t := &tensor{kind: onnxpb.TensorProto_DOUBLE, dims: dims, f: make([]float64, len(ia))}
	for k := range ia {
		t.f[k] = f(a.f[ia[k]], b.f[ib[k]])
	}
	return t
}

func unaryF(a *tensor, f func(x float64) float64) *tensor {
	t := &tensor{kind: onnxpb.TensorProto_DOUBLE, dims: a.dims, f: make([]float64, len(a.f))}
	for k, x := range a.f {
		t.f[k] = f(x)
	}
	return t
}

func eval(n *onnxpb.NodeProto, in []*tensor) *tensor {
	switch n.GetOpType() {
	case "Identity":
		return in[0]
	case "Add":
		return binaryF(in[0], in[1], func(x, y float64) float64 { return x + y })
	case "Sub":
		return binaryF(in[0], in[1], func(x, y float64) float64 { return x - y })
	case "Mul":
		return binaryF(in[0], in[1], func(x, y float64) float64 { return x * y })
	case "Div":
		return binaryF(in[0], in[1], func(x, y float64) float64 { return x / y })
	case "Abs":
		return unaryF(in[0], math.Abs)
	case "Neg":
		return unaryF(in[0], func(x float64) float64 { return -x })
	case "Exp":
		return unaryF(in[0], math.Exp)
	case "Log":
		return unaryF(in[0], math.Log)
	case "Tanh":
		return unaryF(in[0], math.Tanh)
	case "Relu":
		return unaryF(in[0], func(x float64) float64 { return math.Max(x, 0) })
	case "IsNaN":
		t := &tensor{kind: onnxpb.TensorProto_BOOL, dims: in[0].dims, b: make([]bool, len(in[0].f))}
		for k, x := range in[0].f {
			t.b[k] = math.IsNaN(x)
		}
		return t
	case "GreaterOrEqual", "Equal":
		dims, ia, ib := broadcast(in[0].dims, in[1].dims)
		t := &tensor{kind: onnxpb.TensorProto_BOOL, dims: dims, b: make([]bool, len(ia))}
		for k := range ia {
			switch {
			case n.GetOpType() == "GreaterOrEqual":
				t.b[k] = in[0].f[ia[k]] >= in[1].f[ib[k]]
			case in[0].kind == onnxpb.TensorProto_INT64:
				t.b[k] = in[0].i[ia[k]] == in[1].i[ib[k]]
			default:
				t.b[k] = in[0].f[ia[k]] == in[1].f[ib[k]]
			}
		}
		return t
	case "Where":
		c := in[0]
		dims, _, _ := broadcast(c.dims, in[1].dims)
		dims, _, _ = broadcast(dims, in[2].dims)
		_, ic, _ := broadcast(c.dims, dims)
		_, iyy, _ := broadcast(in[1].dims, dims)
		_, ix, _ := broadcast(in[2].dims, dims)
		t := &tensor{kind: in[1].kind, dims: dims, f: make([]float64, len(ix))}
		for k := range ix {
			if c.b[ic[k]] {
				t.f[k] = in[1].f[iyy[k]]
			} else {
				t.f[k] = in[2].f[ix[k]]
			}
		}
		return t
	case "Cast":
		a := in[0]
		t := &tensor{kind: onnxpb.TensorProto_DataType(attrI(n, "to", 0)), dims: a.dims}
		for _, v := range a.b {
			switch t.kind {
			case onnxpb.TensorProto_DOUBLE:
				t.f = append(t.f, b2f(v))
			case onnxpb.TensorProto_INT64:
				t.i = append(t.i, int64(b2f(v)))
			default:
				panic("Cast to " + t.kind.String())
			}
		}
		return t
	case "Concat":
		if attrI(n, "axis", 0) != 1 {
			panic("Concat on axis other than 1")
		}
		rows := in[0].dims[0]
		cols := 0
		for _, a := range in {
			cols += a.dims[1]
		}
		t := &tensor{kind: in[0].kind, dims: []int{rows, cols}, f: make([]float64, 0, rows*cols)}
		for r := range rows {
			for _, a := range in {
				c := a.dims[1]
				t.f = append(t.f, a.f[r*c:(r+1)*c]...)
			}
		}
		return t
	case "Gather":
		data, idx := in[0], in[1]
		switch attrI(n, "axis", 0) {
		case 1: // columns of a matrix
			rows, cols, k := data.dims[0], data.dims[1], len(idx.i)
			t := &tensor{kind: data.kind, dims: []int{rows, k}}
			for r := range rows {
				for _, j := range idx.i {
					if j < 0 || int(j) >= cols {
						panic("Gather index out of range")
					}
					if data.kind == onnxpb.TensorProto_BOOL {
						t.b = append(t.b, data.b[r*cols+int(j)])
					} else {
						t.f = append(t.f, data.f[r*cols+int(j)])
					}
				}
			}
			return t
		case 0: // entries of a vector
			t := &tensor{kind: data.kind, dims: idx.dims}
			for _, j := range idx.i {
				t.s = append(t.s, data.s[j])
			}
			return t
		}
		panic("Gather axis")
	case "MatMul":
		a, b := in[0], in[1]
		r, d, k := a.dims[0], a.dims[1], b.dims[1]
		if b.dims[0] != d {
			panic(fmt.Sprintf("MatMul %v · %v", a.dims, b.dims))
		}
		t := &tensor{kind: onnxpb.TensorProto_DOUBLE, dims: []int{r, k}, f: make([]float64, r*k)}
		for i := range r {
			for j := range k {
				var s float64
				for l := range d {
					s += a.f[i*d+l] * b.f[l*k+j]
				}
				t.f[i*k+j] = s
			}
		}
		return t
	case "Softmax":
		a := in[0]
		k := a.dims[1]
		t := &tensor{kind: onnxpb.TensorProto_DOUBLE, dims: a.dims, f: make([]float64, len(a.f))}
		for i := 0; i < len(a.f); i += k {
			m := math.Inf(-1)
			for _, v := range a.f[i : i+k] {
				m = max(m, v)
			}
			var s float64
			for j := range k {
				t.f[i+j] = math.Exp(a.f[i+j] - m)
				s += t.f[i+j]
			}
			for j := range k {
				t.f[i+j] /= s
			}
		}
		return t
	case "ArgMax":
		a := in[0]
		k := a.dims[1]
		t := &tensor{kind: onnxpb.TensorProto_INT64, dims: a.dims[:1]}
		for i := 0; i < len(a.f); i += k {
			best := 0
			for j := 1; j < k; j++ {
				if a.f[i+j] > a.f[i+best] {
					best = j
				}
			}
			t.i = append(t.i, int64(best))
		}
		return t
	case "Reshape":
		if len(in[1].i) != 1 || in[1].i[0] != -1 {
			panic("Reshape to other than [-1]")
		}
		t := *in[0]
		t.dims = []int{in[0].len()}
		return &t
	case "LabelEncoder":
		keys := attr(n, "keys_strings").GetStrings()
		vals := attr(n, "values_int64s").GetInts()
		idx := map[string]int64{}
		for k, key := range keys {
			idx[string(key)] = vals[k]
		}
		def := attrI(n, "default_int64", -1)
		t := &tensor{kind: onnxpb.TensorProto_INT64, dims: in[0].dims}
		for _, s := range in[0].s {
			v, ok := idx[s]
			if !ok {
				v = def
			}
			t.i = append(t.i, v)
		}
		return t
	}
	panic("op " + n.GetOpType() + " not in the interpreter")
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
