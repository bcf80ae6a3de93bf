package onnx

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/mlptrain/mlptrain/internal/data"
	"github.com/mlptrain/mlptrain/internal/layers"
	"github.com/mlptrain/mlptrain/internal/onnx/onnxpb"
	"github.com/mlptrain/mlptrain/internal/onnx/onnxref"
	"github.com/mlptrain/mlptrain/internal/train"
	"gonum.org/v1/gonum/mat"
)

// Tolerances of the graph's numbers against mlptrain's: the products are
// summed in another order, and log1p is composed of Log and Div.
const (
	relTol = 1e-9
	absTol = 1e-12
)

func f64(v float64) *float64 { return &v }

// model is a test model: its columns, feature map and layers, with
// weights drawn from a seeded stream.
type model struct {
	name    string
	cols    []data.ColumnEncoding
	poly    data.Polynomial
	units   []int
	acts    []string
	bn      []bool
	loss    string
	classes []string
	targets []string
	csv     string // a file to predict, with the feature columns
}

func (tm model) saved(t *testing.T, seed uint64) *train.Saved {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 1))
	enc := &data.Encoding{Columns: tm.cols}
	poly := tm.poly
	poly.Inputs = enc.NumericCount()
	dense := len(enc.IndicatorNames())
	if poly.Inputs > 0 {
		dense += poly.Outputs()
	}
	inputs := dense
	for _, l := range enc.Levels() {
		inputs += l
	}
	m, err := layers.New(layers.Spec{Inputs: inputs, Categorical: enc.Levels(), Units: tm.units, Acts: tm.acts, Loss: tm.loss, BatchNorm: tm.bn})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Init("xavier", rng); err != nil {
		t.Fatal(err)
	}
	for _, l := range m.Layers {
		for _, v := range [][]float64{l.B.RawRowView(0)} {
			for j := range v {
				v[j] = rng.NormFloat64() * 0.3
			}
		}
		if l.BN != nil {
			for j := range l.BN.Gamma.RawRowView(0) {
				l.BN.Gamma.Set(0, j, 1+0.2*rng.NormFloat64())
				l.BN.Beta.Set(0, j, 0.2*rng.NormFloat64())
				l.BN.Mean.Set(0, j, 0.5*rng.NormFloat64())
				l.BN.Var.Set(0, j, 0.5+rng.Float64())
			}
			l.B.Zero()
		}
	}
	sc := &data.Scaler{Method: data.Standardize, Offset: make([]float64, dense), Scale: make([]float64, dense)}
	for j := range dense {
		sc.Offset[j], sc.Scale[j] = rng.NormFloat64(), 0.5+rng.Float64()
	}
	return &train.Saved{Features: enc.Names(), Encoding: enc, Poly: poly, Scaler: sc, Targets: tm.targets, Classes: tm.classes,
		Model: m, Reading: &train.Reading{Delimiter: ",", Decimal: ".", Missing: []string{"", "NA", " ?"}}}
}

var models = []model{
	{
		name: "softmax, batch norm, softplus, logistic, categorical with missing and other levels",
		cols: []data.ColumnEncoding{
			{Name: "sepal length (cm)", Type: data.Numeric, Impute: f64(1.5), Indicator: true},
			{Name: "2nd", Type: data.Numeric, Impute: f64(-0.25)},
			{Name: "colour", Type: data.Categorical, Levels: []string{"blue", "red", "4"}, MissingLevel: true, OtherLevel: true},
			{Name: "été", Type: data.Numeric, Impute: f64(0)},
			{Name: "size", Type: data.Categorical, Levels: []string{"L", "S"}},
		},
		poly:  data.Polynomial{Degree: 2},
		units: []int{6, 5, 3}, acts: []string{"softplus", "logistic", "softmax"}, bn: []bool{true, false, false},
		loss: "cross_entropy", classes: []string{"setosa", "versicolor", "virginica"}, targets: []string{"species"},
		csv: `sepal length (cm),2nd,colour,été,size,extra
5.1,3.5,blue,1.4,L,x
NA,3,red,1.3,S,x
4.7,,4,-1.3, L ,x
4.6,31,green,1.5,XL,x
-50,3.6,NA,1.4,S,x
5.4,3.9, ? ,700,L,x
44.6,-3.4,,1e3,,x
`,
	},
	{
		name: "one logistic unit, threshold at 0, relu, tanh, cubic interactions",
		cols: []data.ColumnEncoding{
			{Name: "a", Type: data.Numeric, Impute: f64(0.5), Indicator: true},
			{Name: "b", Type: data.Numeric, Impute: f64(0), Indicator: true},
			{Name: "c c", Type: data.Numeric, Impute: f64(2)},
			{Name: "d", Type: data.Categorical, Levels: []string{"no", "yes"}, OtherLevel: true},
		},
		poly:  data.Polynomial{Degree: 3, InteractionsOnly: true},
		units: []int{4, 3, 3, 1}, acts: []string{"threshold", "relu", "tanh", "logistic"},
		loss: "binary_cross_entropy", classes: []string{"0", "1"}, targets: []string{"y"},
		csv: `a,b,c c,d
0,0,0,no
1,NA,1,yes
NA,NA,NA,maybe
-3,2,0.5,
10,-10,1e-3,yes
`,
	},
	{
		name: "regression, two targets, degree 3, identity output",
		cols: []data.ColumnEncoding{
			{Name: "x", Type: data.Numeric, Impute: f64(0.1)},
			{Name: "y", Type: data.Numeric, Impute: f64(-0.1)},
		},
		poly:  data.Polynomial{Degree: 3},
		units: []int{8, 2}, acts: []string{"tanh", "identity"},
		loss: "squared_error", targets: []string{"t1", "t2"},
		csv: "x,y\n0,0\n1,2\n-1,NA\n3.25,-7\n",
	},
	{
		name: "categorical only, softmax of two",
		cols: []data.ColumnEncoding{
			{Name: "label", Type: data.Categorical, Levels: []string{"p", "q", "r"}, MissingLevel: true},
			{Name: "1", Type: data.Categorical, Levels: []string{"1", "2"}},
		},
		units: []int{3, 2}, acts: []string{"softplus", "softmax"},
		loss: "cross_entropy", classes: []string{"no", "yes"}, targets: []string{"z"},
		csv: "label,1\np,1\nq,2\n,3\nr,NA\nzzz,1\n",
	},
}

// rawInputs reads the feature columns of the CSV file at path as the
// exported graph takes them: a numeric cell parsed (a missing token or
// NaN), a categorical cell trimmed, as mlptrain reads a cell.
func rawInputs(t *testing.T, s *train.Saved, path string) map[string]onnxref.Tensor {
	t.Helper()
	cols, err := data.ReadColumns(path, ',', s.Features)
	if err != nil {
		t.Fatal(err)
	}
	n := cols.Len()
	miss := map[string]bool{}
	for _, m := range s.Reading.Missing {
		miss[strings.Trim(m, " \t")] = true
	}
	in := map[string]onnxref.Tensor{}
	for j, c := range Columns(s) {
		tn := onnxref.Tensor{Dims: []int64{int64(n), 1}}
		for i := range n {
			cell := strings.Trim(cols.Row(i)[j], " \t")
			if c.Type == data.Categorical {
				tn.Type = "string"
				tn.String = append(tn.String, cell)
				continue
			}
			tn.Type = "float64"
			v := math.NaN()
			if !miss[cell] {
				if v, err = strconv.ParseFloat(cell, 64); err != nil {
					t.Fatal(err)
				}
			}
			tn.Float = append(tn.Float, v)
		}
		in[c.Input] = tn
	}
	return in
}

func close(a, b float64) bool {
	return a == b || math.Abs(a-b) <= absTol+relTol*math.Max(math.Abs(a), math.Abs(b))
}

// TestBuildMatchesPredict runs each exported graph in the reference
// interpreter and compares it with what predict computes from the CSV.
func TestBuildMatchesPredict(t *testing.T) {
	t.Parallel()
	for i, tm := range models {
		t.Run(tm.name, func(t *testing.T) {
			t.Parallel()
			s := tm.saved(t, uint64(i+1))
			path := filepath.Join(t.TempDir(), "data.csv")
			if err := os.WriteFile(path, []byte(tm.csv), 0o644); err != nil {
				t.Fatal(err)
			}
			ds, err := s.Read(path, 0, false)
			if err != nil {
				t.Fatal(err)
			}
			want, _ := train.Forward(s.Model, ds.X, nil)
			b, err := Marshal(s, Options{Version: "test"})
			if err != nil {
				t.Fatal(err)
			}
			var m onnxpb.ModelProto
			if err := proto.Unmarshal(b, &m); err != nil {
				t.Fatal(err)
			}
			got := onnxref.Run(&m, rawInputs(t, s, path))
			checkOutputs(t, s, want, got)
		})
	}
}

// checkOutputs compares the graph's outputs with the predictions y of
// train.Forward, as predict writes them.
func checkOutputs(t *testing.T, s *train.Saved, y *mat.Dense, got map[string]onnxref.Tensor) {
	t.Helper()
	n, k := y.Dims()
	if s.Classes == nil {
		p := got[OutputPrediction]
		if !slices.Equal(p.Dims, []int64{int64(n), int64(k)}) {
			t.Fatalf("prediction dims %v, want [%d %d]", p.Dims, n, k)
		}
		for i := range n {
			for j := range k {
				if w, g := y.At(i, j), p.Float[i*k+j]; !close(g, w) {
					t.Errorf("prediction[%d][%d] = %v, want %v", i, j, g, w)
				}
			}
		}
		return
	}
	label, probs := got[OutputLabel], got[OutputProbabilities]
	c := len(s.Classes)
	if !slices.Equal(label.Dims, []int64{int64(n)}) || !slices.Equal(probs.Dims, []int64{int64(n), int64(c)}) {
		t.Fatalf("label dims %v, probabilities dims %v, want [%d] and [%d %d]", label.Dims, probs.Dims, n, n, c)
	}
	for i := range n {
		want := make([]float64, c)
		if k == 1 {
			want[0], want[1] = 1-y.At(i, 0), y.At(i, 0)
		} else {
			copy(want, y.RawRowView(i))
		}
		for j := range c {
			if g := probs.Float[i*c+j]; !close(g, want[j]) {
				t.Errorf("row %d: probabilities[%d] = %v, want %v", i, j, g, want[j])
			}
		}
		if w := s.Classes[train.PredictClass(y, i)]; label.String[i] != w {
			t.Errorf("row %d: label %q, want %q (probabilities %v)", i, label.String[i], w, want)
		}
	}
}

// TestBuildStructure decodes a written file and checks its inputs,
// outputs, types, opsets and metadata.
func TestBuildStructure(t *testing.T) {
	t.Parallel()
	s := models[0].saved(t, 1)
	path := filepath.Join(t.TempDir(), "model.onnx")
	if err := Write(path, s, Options{Version: "v9.9.9"}); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var m onnxpb.ModelProto
	if err := proto.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	if m.GetIrVersion() != IRVersion || m.GetProducerName() != "mlptrain" || m.GetProducerVersion() != "v9.9.9" {
		t.Errorf("ir_version %d, producer %q %q", m.GetIrVersion(), m.GetProducerName(), m.GetProducerVersion())
	}
	opsets := map[string]int64{}
	for _, o := range m.GetOpsetImport() {
		opsets[o.GetDomain()] = o.GetVersion()
	}
	if opsets[""] != Opset || opsets[MLDomain] != MLOpset || len(opsets) != 2 {
		t.Errorf("opsets %v, want ai.onnx %d and %s %d", opsets, Opset, MLDomain, MLOpset)
	}
	type io struct {
		name string
		typ  onnxpb.TensorProto_DataType
		dims string
	}
	describe := func(vs []*onnxpb.ValueInfoProto) []io {
		var out []io
		for _, v := range vs {
			tt := v.GetType().GetTensorType()
			var dims []string
			for _, d := range tt.GetShape().GetDim() {
				if d.GetDimParam() != "" {
					dims = append(dims, d.GetDimParam())
				} else {
					dims = append(dims, strconv.FormatInt(d.GetDimValue(), 10))
				}
			}
			out = append(out, io{v.GetName(), onnxpb.TensorProto_DataType(tt.GetElemType()), strings.Join(dims, ",")})
		}
		return out
	}
	d, str := onnxpb.TensorProto_DOUBLE, onnxpb.TensorProto_STRING
	wantIn := []io{{"sepal_length__cm_", d, "N,1"}, {"_2nd", d, "N,1"}, {"colour", str, "N,1"}, {"_t_", d, "N,1"}, {"size", str, "N,1"}}
	if got := describe(m.GetGraph().GetInput()); !slices.Equal(got, wantIn) {
		t.Errorf("inputs %v, want %v", got, wantIn)
	}
	wantOut := []io{{"label", str, "N"}, {"probabilities", d, "N,3"}}
	if got := describe(m.GetGraph().GetOutput()); !slices.Equal(got, wantOut) {
		t.Errorf("outputs %v, want %v", got, wantOut)
	}
	meta := map[string]string{}
	for _, p := range m.GetMetadataProps() {
		meta[p.GetKey()] = p.GetValue()
	}
	if meta[MetaVersion] != "v9.9.9" || meta[MetaWeights] != train.WeightsSHA256(s.Model) || meta[MetaClasses] != `["setosa","versicolor","virginica"]` {
		t.Errorf("metadata %v", meta)
	}
	var cols []Column
	if err := json.Unmarshal([]byte(meta[MetaColumns]), &cols); err != nil {
		t.Fatal(err)
	}
	for j, c := range cols {
		if c.Input == "" {
			c.Input = c.Name
		}
		if c.Name != s.Features[j] || c.Input != wantIn[j].name || c.Type != s.Encoding.Columns[j].Type {
			t.Errorf("column %d: %+v", j, c)
		}
	}
	if !slices.Equal(cols[2].Levels, []string{"blue", "red", "4"}) || !cols[2].MissingLevel || !cols[2].OtherLevel {
		t.Errorf("colour: %+v", cols[2])
	}
	for _, n := range m.GetGraph().GetNode() {
		for _, a := range n.GetAttribute() {
			if n.GetOpType() == "LabelEncoder" && a.GetName() != "keys_strings" && a.GetName() != "values_int64s" && a.GetName() != "default_int64" {
				t.Errorf("LabelEncoder attribute %s: not one of ai.onnx.ml 2's", a.GetName())
			}
		}
	}
	// Every double initializer is raw little-endian data.
	for _, in := range m.GetGraph().GetInitializer() {
		if in.GetDataType() == int32(onnxpb.TensorProto_DOUBLE) && (len(in.GetDoubleData()) > 0 || len(in.GetRawData()) == 0) {
			t.Errorf("initializer %s: not raw_data", in.GetName())
		}
	}
}

// TestBuildDeterministic: the same model gives the same bytes.
func TestBuildDeterministic(t *testing.T) {
	t.Parallel()
	s := models[1].saved(t, 2)
	a, err := Marshal(s, Options{})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := Marshal(s, Options{})
	if string(a) != string(b) {
		t.Error("two exports of one model differ")
	}
}

func TestInputNames(t *testing.T) {
	t.Parallel()
	for i, test := range []struct {
		in, want []string
	}{
		{[]string{"a", "b_c", "_x9"}, []string{"a", "b_c", "_x9"}},
		{[]string{"sepal length", "petal width (cm)"}, []string{"sepal_length", "petal_width__cm_"}},
		{[]string{"a b", "a_b"}, []string{"a_b_2", "a_b"}},
		{[]string{"a b", "a-b", "a_b_2"}, []string{"a_b", "a_b_3", "a_b_2"}},
		{[]string{"2nd", "_2nd"}, []string{"_2nd_2", "_2nd"}},
		{[]string{"été", "日本", "x"}, []string{"_t_", "__", "x"}},
		{[]string{"", " "}, []string{"_", "__2"}},
		{[]string{"label", "probabilities", "prediction", "label_2"}, []string{"label_3", "probabilities_2", "prediction_2", "label_2"}},
		{[]string{"mlp/x"}, []string{"mlp_x"}},
	} {
		got := InputNames(test.in)
		if !slices.Equal(got, test.want) {
			t.Errorf("unexpected names for test %d: got: %q want: %q", i, got, test.want)
		}
		seen := map[string]bool{}
		for _, n := range got {
			if seen[n] || !isIdent(n) || reserved[n] {
				t.Errorf("test %d: name %q repeated, not an identifier or reserved", i, n)
			}
			seen[n] = true
		}
	}
}

// TestInputNamesRoundTrip exports columns with awkward names and reads
// them back from the file's inputs and mlptrain.columns.
func TestInputNamesRoundTrip(t *testing.T) {
	t.Parallel()
	names := []string{"sepal length", "width (cm)", "ünïcode", "3rd", "a b", "a_b", "a-b", "label"}
	s := &train.Saved{Features: names, Targets: []string{"t"}, Scaler: &data.Scaler{Method: "none", Offset: make([]float64, len(names)), Scale: slices.Repeat([]float64{1}, len(names))}}
	m, err := layers.New(layers.Spec{Inputs: len(names), Units: []int{1}, Acts: []string{"identity"}, Loss: "squared_error"})
	if err != nil {
		t.Fatal(err)
	}
	s.Model = m
	s.Poly = data.Polynomial{Degree: 1, Inputs: len(names)}
	b, err := Marshal(s, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var mp onnxpb.ModelProto
	if err := proto.Unmarshal(b, &mp); err != nil {
		t.Fatal(err)
	}
	var cols []Column
	for _, p := range mp.GetMetadataProps() {
		if p.GetKey() == MetaColumns {
			if err := json.Unmarshal([]byte(p.GetValue()), &cols); err != nil {
				t.Fatal(err)
			}
		}
	}
	if len(cols) != len(names) || len(mp.GetGraph().GetInput()) != len(names) {
		t.Fatalf("%d columns, %d inputs, want %d", len(cols), len(mp.GetGraph().GetInput()), len(names))
	}
	for j, c := range cols {
		if c.Input == "" {
			c.Input = c.Name
		}
		if c.Name != names[j] || c.Input != mp.GetGraph().GetInput()[j].GetName() {
			t.Errorf("column %d: metadata %+v, input %q", j, c, mp.GetGraph().GetInput()[j].GetName())
		}
	}
}
