package onnx

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strings"

	"google.golang.org/protobuf/proto"

	"github.com/mlptrain/mlptrain/internal/atomicfile"
	"github.com/mlptrain/mlptrain/internal/data"
	"github.com/mlptrain/mlptrain/internal/graph"
	"github.com/mlptrain/mlptrain/internal/layers"
	"github.com/mlptrain/mlptrain/internal/onnx/onnxpb"
	"github.com/mlptrain/mlptrain/internal/train"
	"gonum.org/v1/gonum/mat"
)

// The versions an exported file declares.
const (
	// IRVersion is the ONNX IR version of opset 17 (ONNX 1.12).
	IRVersion = 8
	// Opset is the version of the default domain, ai.onnx.
	Opset = 17
	// MLOpset is the version of ai.onnx.ml, whose LabelEncoder (version 2
	// there) maps categories to their one-hot index.
	MLOpset = 3
	// MLDomain is the domain of LabelEncoder.
	MLDomain = "ai.onnx.ml"
	// Producer is the file's producer_name.
	Producer = "mlptrain"
)

// Metadata keys of an exported file (its metadata_props).
const (
	MetaVersion = "mlptrain.version"
	MetaWeights = "mlptrain.weights_sha256"
	MetaClasses = "mlptrain.classes"
	MetaTargets = "mlptrain.targets"
	MetaColumns = "mlptrain.columns"
	MetaMissing = "mlptrain.missing"
)

// Options says what Build writes besides the model.
type Options struct {
	// Version is mlptrain's version, for producer_version and
	// mlptrain.version: "devel" if empty.
	Version string
}

// Column describes a feature column in the mlptrain.columns metadata.
type Column struct {
	Name string `json:"name"` // as in the CSV header
	// Input is the graph input's name, InputNames's escape of Name. The
	// JSON leaves it out when it is Name itself, as for most columns:
	// the reference network's 784 columns would otherwise spend 1% of its
	// file repeating their names.
	Input string `json:"input,omitempty"`
	Type  string `json:"type"` // numeric (tensor(double)) or categorical (tensor(string))
	// Levels are a categorical column's categories, in the order of its
	// one-hot block; "(missing)" and "(other)" follow them when
	// MissingLevel and OtherLevel say so.
	Levels       []string `json:"levels,omitempty"`
	MissingLevel bool     `json:"missing_level,omitempty"`
	OtherLevel   bool     `json:"other_level,omitempty"`
}

// Columns returns the feature columns of s as an exported graph reads them.
func Columns(s *train.Saved) []Column {
	enc := encoding(s)
	names := InputNames(enc.Names())
	out := make([]Column, len(enc.Columns))
	for i, c := range enc.Columns {
		out[i] = Column{Name: c.Name, Input: names[i], Type: c.Type}
		if c.Type == data.Categorical {
			out[i].Levels, out[i].MissingLevel, out[i].OtherLevel = c.Levels, c.MissingLevel, c.OtherLevel
			if out[i].Levels == nil {
				out[i].Levels = []string{}
			}
		}
	}
	return out
}

// encoding returns s's Encoding, or the all-numeric one of its features
// (a model built in a test, as train.Saved does).
func encoding(s *train.Saved) *data.Encoding {
	if s.Encoding == nil {
		return data.NumericEncoding(s.Features)
	}
	return s.Encoding
}

// Build returns the ONNX model of s: its whole preprocessing and network
// as one graph (doc.go). It returns an error if s has an activation that
// has no ONNX form, which a model LoadModel accepts never has.
func Build(s *train.Saved, o Options) (*onnxpb.ModelProto, error) {
	if o.Version == "" {
		o.Version = "devel"
	}
	b := &builder{g: &onnxpb.GraphProto{Name: proto.String("mlptrain")}}
	x, err := b.inputs(s)
	if err != nil {
		return nil, err
	}
	h := x
	for i, l := range s.Model.Layers {
		h, err = b.layer(i+1, l, h)
		if err != nil {
			return nil, err
		}
	}
	b.outputs(s, h)

	described := Columns(s)
	for i := range described {
		if described[i].Input == described[i].Name {
			described[i].Input = ""
		}
	}
	cols, _ := json.Marshal(described)
	classes, _ := json.Marshal(nonNil(s.Classes))
	targets, _ := json.Marshal(nonNil(s.Targets))
	var missing []string
	if s.Reading != nil {
		missing = s.Reading.Missing
	}
	miss, _ := json.Marshal(nonNil(missing))
	m := &onnxpb.ModelProto{
		IrVersion: proto.Int64(IRVersion),
		OpsetImport: []*onnxpb.OperatorSetIdProto{
			{Domain: proto.String(""), Version: proto.Int64(Opset)},
			{Domain: proto.String(MLDomain), Version: proto.Int64(MLOpset)},
		},
		ProducerName:    proto.String(Producer),
		ProducerVersion: proto.String(o.Version),
		DocString:       proto.String("mlptrain model: its preprocessing of the raw feature columns and its network, as mlptrain predict applies them"),
		Graph:           b.g,
		MetadataProps: []*onnxpb.StringStringEntryProto{
			meta(MetaVersion, o.Version),
			meta(MetaWeights, train.WeightsSHA256(s.Model)),
			meta(MetaClasses, string(classes)),
			meta(MetaTargets, string(targets)),
			meta(MetaColumns, string(cols)),
			meta(MetaMissing, string(miss)),
		},
	}
	return m, nil
}

// Marshal returns the bytes of the .onnx file of s.
func Marshal(s *train.Saved, o Options) ([]byte, error) {
	m, err := Build(s, o)
	if err != nil {
		return nil, err
	}
	return proto.MarshalOptions{Deterministic: true}.Marshal(m)
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func meta(k, v string) *onnxpb.StringStringEntryProto {
	return &onnxpb.StringStringEntryProto{Key: proto.String(k), Value: proto.String(v)}
}

// builder appends nodes and initializers to a graph, in topological
// order. Its value names start with "mlp/", which no input name holds.
type builder struct {
	g *onnxpb.GraphProto
	n int
}

// name returns a new value name from hint.
func (b *builder) name(hint string) string {
	b.n++
	return fmt.Sprintf("mlp/%s_%d", hint, b.n)
}

// op appends a node of the default domain and returns its output's name.
func (b *builder) op(opType, hint string, in []string, attrs ...*onnxpb.AttributeProto) string {
	return b.opIn("", opType, hint, in, attrs...)
}

func (b *builder) opIn(domain, opType, hint string, in []string, attrs ...*onnxpb.AttributeProto) string {
	out := b.name(hint)
	b.g.Node = append(b.g.Node, &onnxpb.NodeProto{
		Name: proto.String(out), OpType: proto.String(opType), Domain: proto.String(domain),
		Input: in, Output: []string{out}, Attribute: attrs,
	})
	return out
}

// rename appends Identity nodes giving the value v the graph output name.
func (b *builder) rename(v, name string) {
	b.g.Node = append(b.g.Node, &onnxpb.NodeProto{
		Name: proto.String(name), OpType: proto.String("Identity"), Domain: proto.String(""),
		Input: []string{v}, Output: []string{name},
	})
}

// doubles adds a tensor(double) initializer of shape dims, its values as
// little-endian raw_data.
func (b *builder) doubles(hint string, dims []int64, v []float64) string {
	raw := make([]byte, 8*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint64(raw[8*i:], math.Float64bits(x))
	}
	return b.init(hint, &onnxpb.TensorProto{Dims: dims, DataType: proto.Int32(int32(onnxpb.TensorProto_DOUBLE)), RawData: raw})
}

// scalar adds a tensor(double) initializer of shape [].
func (b *builder) scalar(hint string, v float64) string {
	return b.doubles(hint, []int64{}, []float64{v})
}

// int64s adds a tensor(int64) initializer of shape dims.
func (b *builder) int64s(hint string, dims []int64, v []int64) string {
	raw := make([]byte, 8*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint64(raw[8*i:], uint64(x))
	}
	return b.init(hint, &onnxpb.TensorProto{Dims: dims, DataType: proto.Int32(int32(onnxpb.TensorProto_INT64)), RawData: raw})
}

// strs adds a tensor(string) initializer of shape [len(v)].
func (b *builder) strs(hint string, v []string) string {
	d := make([][]byte, len(v))
	for i, s := range v {
		d[i] = []byte(s)
	}
	return b.init(hint, &onnxpb.TensorProto{Dims: []int64{int64(len(v))}, DataType: proto.Int32(int32(onnxpb.TensorProto_STRING)), StringData: d})
}

func (b *builder) init(hint string, t *onnxpb.TensorProto) string {
	name := b.name(hint)
	t.Name = proto.String(name)
	b.g.Initializer = append(b.g.Initializer, t)
	return name
}

func attrInt(name string, v int64) *onnxpb.AttributeProto {
	return &onnxpb.AttributeProto{Name: proto.String(name), Type: onnxpb.AttributeProto_INT.Enum(), I: proto.Int64(v)}
}

func attrInts(name string, v []int64) *onnxpb.AttributeProto {
	return &onnxpb.AttributeProto{Name: proto.String(name), Type: onnxpb.AttributeProto_INTS.Enum(), Ints: v}
}

func attrStrings(name string, v []string) *onnxpb.AttributeProto {
	d := make([][]byte, len(v))
	for i, s := range v {
		d[i] = []byte(s)
	}
	return &onnxpb.AttributeProto{Name: proto.String(name), Type: onnxpb.AttributeProto_STRINGS.Enum(), Strings: d}
}

// valueInfo describes a tensor of the element type t and shape dims, where
// a dim of −1 is the symbolic batch size "N".
func valueInfo(name string, t onnxpb.TensorProto_DataType, dims ...int64) *onnxpb.ValueInfoProto {
	shape := &onnxpb.TensorShapeProto{}
	for _, d := range dims {
		dim := &onnxpb.TensorShapeProto_Dimension{Value: &onnxpb.TensorShapeProto_Dimension_DimValue{DimValue: d}}
		if d < 0 {
			dim.Value = &onnxpb.TensorShapeProto_Dimension_DimParam{DimParam: "N"}
		}
		shape.Dim = append(shape.Dim, dim)
	}
	return &onnxpb.ValueInfoProto{Name: proto.String(name), Type: &onnxpb.TypeProto{
		Value: &onnxpb.TypeProto_TensorType{TensorType: &onnxpb.TypeProto_Tensor{ElemType: proto.Int32(int32(t)), Shape: shape}},
	}}
}

func (b *builder) cast(v string, to onnxpb.TensorProto_DataType, hint string) string {
	return b.op("Cast", hint, []string{v}, attrInt("to", int64(to)))
}

// concat returns the columns of vs side by side (axis 1); one value is
// returned as it is.
func (b *builder) concat(hint string, vs []string) string {
	if len(vs) == 1 {
		return vs[0]
	}
	return b.op("Concat", hint, vs, attrInt("axis", 1))
}

// columns returns the columns idx of the n×d value v (Gather on axis 1).
func (b *builder) columns(v string, idx []int, hint string) string {
	ix := make([]int64, len(idx))
	for i, j := range idx {
		ix[i] = int64(j)
	}
	return b.op("Gather", hint, []string{v, b.int64s(hint+"_index", []int64{int64(len(ix))}, ix)}, attrInt("axis", 1))
}

// inputs declares the graph's inputs, one per feature column, and returns
// the value of the network's input: the dense inputs (ψ of the imputed
// numeric columns, then the missing indicators) normalized, then each
// categorical column's one-hot block.
func (b *builder) inputs(s *train.Saved) (string, error) {
	enc := encoding(s)
	names := InputNames(enc.Names())
	var numIn []string
	var imputeVals []float64
	var indicator []int // positions among the numeric columns
	var onehots []string
	var missing []string
	if s.Reading != nil {
		missing = s.Reading.Missing
	}
	for i, c := range enc.Columns {
		if c.Type == data.Numeric {
			b.g.Input = append(b.g.Input, valueInfo(names[i], onnxpb.TensorProto_DOUBLE, -1, 1))
			if c.Indicator {
				indicator = append(indicator, len(numIn))
			}
			numIn = append(numIn, names[i])
			imputeVals = append(imputeVals, *c.Impute)
			continue
		}
		b.g.Input = append(b.g.Input, valueInfo(names[i], onnxpb.TensorProto_STRING, -1, 1))
		onehots = append(onehots, b.oneHot(names[i], &c, missing))
	}
	var dense []string
	if m := len(numIn); m > 0 {
		raw := b.concat("numeric", numIn)
		nan := b.op("IsNaN", "missing", []string{raw})
		x := b.op("Where", "imputed", []string{nan, b.doubles("impute", []int64{1, int64(m)}, imputeVals), raw})
		dense = append(dense, b.poly(x, s.Poly, m)...)
		if len(indicator) > 0 {
			ind := nan
			if len(indicator) < m {
				ind = b.columns(nan, indicator, "indicated")
			}
			dense = append(dense, b.cast(ind, onnxpb.TensorProto_DOUBLE, "indicators"))
		}
	} else if len(indicator) > 0 {
		return "", fmt.Errorf("onnx: indicators without numeric columns")
	}
	var in []string
	if len(dense) > 0 {
		d := b.concat("dense", dense)
		if sc := s.Scaler; sc != nil && !identityScaler(sc) {
			k := int64(len(sc.Offset))
			d = b.op("Sub", "centered", []string{d, b.doubles("offset", []int64{1, k}, sc.Offset)})
			d = b.op("Div", "normalized", []string{d, b.doubles("scale", []int64{1, k}, sc.Scale)})
		}
		in = append(in, d)
	}
	in = append(in, onehots...)
	if len(in) == 0 {
		return "", fmt.Errorf("onnx: the model reads no columns")
	}
	return b.concat("x", in), nil
}

// identityScaler reports whether sc maps every x to x: every offset +0
// and every scale 1, as data.Scaler.Apply skips it.
func identityScaler(sc *data.Scaler) bool {
	for j, o := range sc.Offset {
		if math.Float64bits(o) != 0 || sc.Scale[j] != 1 {
			return false
		}
	}
	return true
}

// poly returns the blocks of ψ(x) for the n×m imputed numeric columns x,
// degree by degree, in data.Polynomial's order and with its products:
// monomial j is out[parent[j]]·x[v[j]], so a block of degree k is the
// Gather of its parents in block k−1 times the Gather of its last
// variables in x.
func (b *builder) poly(x string, p data.Polynomial, m int) []string {
	blocks := []string{x}
	if p.Degree <= 1 {
		return blocks
	}
	next := 0
	if p.InteractionsOnly {
		next = 1
	}
	prevV := make([]int, m) // the last variable of each monomial of the previous block
	for i := range prevV {
		prevV[i] = i
	}
	prev := x
	for k := 2; k <= p.Degree; k++ {
		var parent, v []int
		for j, last := range prevV {
			for i := last + next; i < m; i++ {
				parent, v = append(parent, j), append(v, i)
			}
		}
		if len(v) == 0 {
			break
		}
		hint := fmt.Sprintf("psi%d", k)
		block := b.op("Mul", hint, []string{b.columns(prev, parent, hint+"_parents"), b.columns(x, v, hint+"_factors")})
		blocks = append(blocks, block)
		prev, prevV = block, v
	}
	return blocks
}

// oneHot appends the encoding of the categorical column c, read from the
// input in: its cell is mapped to its index in the column's one-hot block
// by LabelEncoder (a level to its index; a missing token to the missing
// level's, else to OtherLevel's; any other text to OtherLevel's), and
// compared with 0..width−1. Index −1, for no level, gives all zeros.
func (b *builder) oneHot(in string, c *data.ColumnEncoding, missing []string) string {
	missIdx, otherIdx := int64(-1), int64(-1)
	if c.OtherLevel {
		otherIdx = int64(c.Width() - 1)
	}
	if c.MissingLevel {
		missIdx = int64(len(c.Levels))
	} else {
		missIdx = otherIdx // data.Encoding.Apply: a missing cell with no level of its own is unknown
	}
	var keys []string
	var vals []int64
	at := map[string]int{}
	set := func(k string, v int64) {
		if i, ok := at[k]; ok {
			vals[i] = v
			return
		}
		at[k] = len(keys)
		keys, vals = append(keys, k), append(vals, v)
	}
	for i, l := range c.Levels {
		set(l, int64(i))
	}
	// A missing token is missing before it is a level, as data.Read
	// reads a cell.
	for _, t := range missing {
		set(strings.Trim(t, " \t"), missIdx)
	}
	if len(keys) == 0 { // LabelEncoder needs a key: "" is no level here
		set("", otherIdx)
	}
	hint := "onehot_" + in
	code := b.opIn(MLDomain, "LabelEncoder", hint+"_code", []string{in},
		attrStrings("keys_strings", keys), attrInts("values_int64s", vals), attrInt("default_int64", otherIdx))
	w := c.Width()
	idx := make([]int64, w)
	for i := range idx {
		idx[i] = int64(i)
	}
	eq := b.op("Equal", hint+"_eq", []string{code, b.int64s(hint+"_levels", []int64{1, int64(w)}, idx)})
	return b.cast(eq, onnxpb.TensorProto_DOUBLE, hint)
}

// layer appends layer i (from 1) to the graph: z = hW + b, or with batch
// normalization z = γ·((hW − μ)·s) + β with s = 1/√(σ² + ε) as
// graph.BatchNormEval computes it; then the activation.
func (b *builder) layer(i int, l layers.Layer, h string) (string, error) {
	p := fmt.Sprintf("layer%d_", i)
	w := b.matrix(p+"W", l.W)
	z := b.op("MatMul", p+"xw", []string{h, w})
	_, k := l.W.Dims()
	if bn := l.BN; bn != nil {
		s := make([]float64, k)
		for j, v := range bn.Var.RawRowView(0) {
			s[j] = 1 / math.Sqrt(v+graph.BNEps)
		}
		z = b.op("Sub", p+"centered", []string{z, b.doubles(p+"running_mean", []int64{1, int64(k)}, bn.Mean.RawRowView(0))})
		z = b.op("Mul", p+"xhat", []string{z, b.doubles(p+"inv_std", []int64{1, int64(k)}, s)})
		z = b.op("Mul", p+"scaled", []string{b.doubles(p+"gamma", []int64{1, int64(k)}, bn.Gamma.RawRowView(0)), z})
		z = b.op("Add", p+"z", []string{z, b.doubles(p+"beta", []int64{1, int64(k)}, bn.Beta.RawRowView(0))})
	} else {
		z = b.op("Add", p+"z", []string{z, b.doubles(p+"b", []int64{1, int64(k)}, l.B.RawRowView(0))})
	}
	return b.activation(l.Activation, z, p)
}

// matrix adds the d×k matrix m as a tensor(double) initializer.
func (b *builder) matrix(hint string, m *mat.Dense) string {
	d, k := m.Dims()
	v := make([]float64, 0, d*k)
	for r := range d {
		v = append(v, m.RawRowView(r)...)
	}
	return b.doubles(hint, []int64{int64(d), int64(k)}, v)
}

// activation appends the named activation of z, computed as internal/graph
// computes it.
func (b *builder) activation(act, z, p string) (string, error) {
	switch act {
	case "identity":
		return z, nil
	case "threshold": // 1 for z ≥ 0, else 0 (NaN: 0)
		ge := b.op("GreaterOrEqual", p+"ge0", []string{z, b.scalar(p+"zero", 0)})
		return b.cast(ge, onnxpb.TensorProto_DOUBLE, p+"threshold"), nil
	case "logistic":
		// e = exp(−|z|); σ = 1/(1+e) for z ≥ 0, e/(1+e) below: no
		// overflow at any z, as graph's logistic.
		one := b.scalar(p+"one", 1)
		e := b.op("Exp", p+"exp", []string{b.op("Neg", p+"neg", []string{b.op("Abs", p+"abs", []string{z})})})
		den := b.op("Add", p+"den", []string{one, e})
		pos := b.op("GreaterOrEqual", p+"ge0", []string{z, b.scalar(p+"zero", 0)})
		return b.op("Where", p+"logistic", []string{pos,
			b.op("Div", p+"pos", []string{one, den}),
			b.op("Div", p+"negz", []string{e, den})}), nil
	case "tanh":
		return b.op("Tanh", p+"tanh", []string{z}), nil
	case "relu":
		return b.op("Relu", p+"relu", []string{z}), nil
	case "softplus":
		// max(z, 0) + log1p(e^−|z|); ONNX has no Log1p, so log1p(u) is
		// u·log(w)/(w−1) with w = 1+u (u itself where w−1 = 0), which is
		// within a few ulps of log1p (Goldberg 1991, "What every computer
		// scientist should know about floating-point arithmetic", thm 4).
		u := b.op("Exp", p+"exp", []string{b.op("Neg", p+"neg", []string{b.op("Abs", p+"abs", []string{z})})})
		w := b.op("Add", p+"w", []string{b.scalar(p+"one", 1), u})
		wm1 := b.op("Sub", p+"wm1", []string{w, b.scalar(p+"one", 1)})
		small := b.op("Equal", p+"tiny", []string{wm1, b.scalar(p+"zero", 0)})
		ratio := b.op("Mul", p+"log1p_big", []string{b.op("Log", p+"logw", []string{w}), b.op("Div", p+"u_wm1", []string{u, wm1})})
		log1p := b.op("Where", p+"log1p", []string{small, u, ratio})
		return b.op("Add", p+"softplus", []string{b.op("Relu", p+"relu", []string{z}), log1p}), nil
	case "softmax":
		return b.op("Softmax", p+"softmax", []string{z}, attrInt("axis", 1)), nil
	}
	return "", fmt.Errorf("onnx: activation %q has no ONNX form", act)
}

// outputs declares the graph's outputs from the network's output y: a
// classifier's label and probabilities, a regression's prediction.
func (b *builder) outputs(s *train.Saved, y string) {
	k := int64(s.Model.Outputs())
	if s.Classes == nil {
		b.rename(y, OutputPrediction)
		b.g.Output = append(b.g.Output, valueInfo(OutputPrediction, onnxpb.TensorProto_DOUBLE, -1, k))
		return
	}
	classes := b.strs("classes", s.Classes)
	var idx, probs string
	if k == 1 {
		// One logistic unit, P(second class): class 1 iff p ≥ ½, and
		// the probabilities [1−p, p].
		ge := b.op("GreaterOrEqual", "positive", []string{y, b.scalar("half", 0.5)})
		idx = b.op("Reshape", "class", []string{b.cast(ge, onnxpb.TensorProto_INT64, "class_n1"), b.int64s("flat", []int64{1}, []int64{-1})})
		probs = b.op("Concat", "probs", []string{b.op("Sub", "negative", []string{b.scalar("one", 1), y}), y}, attrInt("axis", 1))
	} else {
		// The first largest probability wins, as train.PredictClass.
		idx = b.op("ArgMax", "class", []string{y}, attrInt("axis", 1), attrInt("keepdims", 0), attrInt("select_last_index", 0))
		probs = y
	}
	label := b.op("Gather", "label", []string{classes, idx}, attrInt("axis", 0))
	b.rename(label, OutputLabel)
	b.rename(probs, OutputProbabilities)
	b.g.Output = append(b.g.Output,
		valueInfo(OutputLabel, onnxpb.TensorProto_STRING, -1),
		valueInfo(OutputProbabilities, onnxpb.TensorProto_DOUBLE, -1, int64(len(s.Classes))))
}

// Write writes the .onnx file of s to path by atomicfile.Write's rule:
// whole or not at all. A failure of the file system is an
// *atomicfile.Error.
func Write(path string, s *train.Saved, o Options) error {
	b, err := Marshal(s, o)
	if err != nil {
		return err
	}
	return atomicfile.Write(path, func(w io.Writer) error { _, err := w.Write(b); return err })
}
