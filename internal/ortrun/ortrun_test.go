package ortrun

import (
	"encoding/json"
	"math"
	"os"
	"reflect"
	"strings"
	"testing"
)

const mixModel = "testdata/mix.onnx"

// expected reads testdata/mix.expected.json (scripts/make_ort_testdata.py:
// the inputs and numpy's outputs).
func expected(t *testing.T) (inputs, outputs map[string]Tensor) {
	t.Helper()
	raw, err := os.ReadFile("testdata/mix.expected.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Inputs  map[string]json.RawMessage `json:"inputs"`
		Outputs map[string]json.RawMessage `json:"outputs"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	conv := func(m map[string]json.RawMessage) map[string]Tensor {
		out := map[string]Tensor{}
		for name, r := range m {
			var x struct {
				Type string            `json:"type"`
				Dims []int64           `json:"dims"`
				Data []json.RawMessage `json:"data"`
			}
			if err := json.Unmarshal(r, &x); err != nil {
				t.Fatal(err)
			}
			tt := Tensor{Type: x.Type, Dims: x.Dims}
			for _, d := range x.Data {
				if err := tt.appendJSON(d); err != nil {
					t.Fatalf("%s: %v", name, err)
				}
			}
			out[name] = tt
		}
		return out
	}
	return conv(doc.Inputs), conv(doc.Outputs)
}

// sameFloat is bit equality, but any NaN equals any NaN.
func sameFloat(a, b float64) bool {
	if math.IsNaN(a) || math.IsNaN(b) {
		return math.IsNaN(a) && math.IsNaN(b)
	}
	return math.Float64bits(a) == math.Float64bits(b)
}

// ulps is the distance of two finite floats of the same sign in units in
// the last place.
func ulps(a, b float64) int64 {
	d := int64(math.Float64bits(a)) - int64(math.Float64bits(b))
	if d < 0 {
		d = -d
	}
	return d
}

func TestRunMix(t *testing.T) {
	Require(t)
	inputs, want := expected(t)
	got, info, err := Run(mixModel, inputs)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Errorf("outputs %d, want %d", len(got), len(want))
	}
	for name, w := range want {
		g, ok := got[name]
		if !ok {
			t.Errorf("no output %s", name)
			continue
		}
		if g.Type != w.Type || !reflect.DeepEqual(g.Dims, w.Dims) {
			t.Errorf("%s: %s %v, want %s %v", name, g.Type, g.Dims, w.Type, w.Dims)
			continue
		}
		if !reflect.DeepEqual(g.Int, w.Int) || !reflect.DeepEqual(g.String, w.String) || len(g.Float) != len(w.Float) {
			t.Errorf("%s: got %+v, want %+v", name, g, w)
			continue
		}
		for i := range w.Float {
			a, b := g.Float[i], w.Float[i]
			if name == "probabilities" {
				// Softmax goes through exp, whose last bit differs between
				// ORT (Eigen's vectorized exp) and numpy: within 2 ulps.
				if d := ulps(a, b); d > 2 {
					t.Errorf("%s[%d] = %v, numpy %v: %d ulps apart", name, i, a, b, d)
				}
				continue
			}
			if !sameFloat(a, b) {
				t.Errorf("%s[%d] = %v, want exactly %v", name, i, a, b)
			}
		}
	}
	// The hand-checked values: NaN filled with 0.5, -0 kept, an unknown
	// and an empty category both -1 (all-zero one-hot: logits = x·W[0] + b).
	if x := got["x_filled"].Float; x[1] != 0.5 || !math.Signbit(x[4]) {
		t.Errorf("x_filled = %v, want 0.5 at 1 and -0 at 4", x)
	}
	if l := got["logits"].Float; !reflect.DeepEqual(l[9:12], []float64{0.875, -0.625, 0.1875}) {
		t.Errorf("logits of the unknown category = %v, want 0.75·[1 -0.5 0.25] + [0.125 -0.25 0]", l[9:12])
	}
	for r := 0; r < 5; r++ {
		p := got["probabilities"].Float[3*r : 3*r+3]
		if s := p[0] + p[1] + p[2]; math.Abs(s-1) > 1e-15 {
			t.Errorf("row %d: probabilities sum to %v", r, s)
		}
	}

	wantInfo := Info{
		Inputs:  []string{"x", "c"},
		Outputs: []string{"x_filled", "index", "logits", "probabilities", "class_index", "label"},
		InputValues: []Value{
			{Name: "x", Type: "float64", Shape: []string{"N", "1"}},
			{Name: "c", Type: "string", Shape: []string{"N", "1"}},
		},
		OutputValues: []Value{
			{Name: "x_filled", Type: "float64", Shape: []string{"N", "1"}},
			{Name: "index", Type: "int64", Shape: []string{"N", "1"}},
			{Name: "logits", Type: "float64", Shape: []string{"N", "3"}},
			{Name: "probabilities", Type: "float64", Shape: []string{"N", "3"}},
			{Name: "class_index", Type: "int64", Shape: []string{"N"}},
			{Name: "label", Type: "string", Shape: []string{"N"}},
		},
		IRVersion:       8,
		ProducerName:    "mlptrain-ortrun-testdata",
		ProducerVersion: "1",
		Opset:           map[string]int64{"": 17, "ai.onnx.ml": 2},
		Metadata:        map[string]string{"mlptrain.classes": "setosa,versicolor,virginica", "note": "ortrun self-test"},
	}
	if !reflect.DeepEqual(info, wantInfo) {
		t.Errorf("info\n%+v\nwant\n%+v", info, wantInfo)
	}
}

// TestRunSpecialFloats sends every kind of float64 through Where (NaN
// becomes 0.5) and back, bit for bit.
func TestRunSpecialFloats(t *testing.T) {
	Require(t)
	x := []float64{math.Inf(1), math.Inf(-1), math.NaN(), 5e-324, math.Copysign(0, -1), math.MaxFloat64, 0.1, 1.0 / 3}
	c := make([]string, len(x))
	for i := range c {
		c[i] = "a"
	}
	got, _, err := Run(mixModel, map[string]Tensor{
		"x": {Type: "float64", Dims: []int64{int64(len(x)), 1}, Float: x},
		"c": {Type: "string", Dims: []int64{int64(len(x)), 1}, String: c},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := append([]float64(nil), x...)
	want[2] = 0.5
	f := got["x_filled"].Float
	if len(f) != len(want) {
		t.Fatalf("x_filled = %v, want %v", f, want)
	}
	for i := range want {
		if !sameFloat(f[i], want[i]) {
			t.Errorf("x_filled[%d] = %v (%#x), want %v (%#x)", i, f[i], math.Float64bits(f[i]), want[i], math.Float64bits(want[i]))
		}
	}
	// Softmax of +Inf logits is NaN, which comes back as NaN.
	if p := got["probabilities"].Float; !math.IsNaN(p[0]) {
		t.Errorf("probabilities of x=+Inf = %v, want NaN", p[:3])
	}
}

func TestRunErrors(t *testing.T) {
	Require(t)
	for _, tc := range []struct {
		name   string
		model  string
		inputs map[string]Tensor
		want   string
	}{
		{"missing input", mixModel, map[string]Tensor{"x": {Type: "float64", Dims: []int64{1, 1}, Float: []float64{1}}}, "input 'c' is missing"},
		{"wrong type", mixModel, map[string]Tensor{
			"x": {Type: "float32", Dims: []int64{1, 1}, Float: []float64{1}},
			"c": {Type: "string", Dims: []int64{1, 1}, String: []string{"a"}},
		}, "Unexpected input data type"},
		{"no model", "testdata/none.onnx", nil, "none.onnx"},
		{"not a model", "testdata/mix.expected.json", nil, "protobuf"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := Run(tc.model, tc.inputs)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want one that says %q", err, tc.want)
			}
		})
	}
}

// TestFeedRefuses needs no node: the inputs are checked before run.js.
func TestFeedRefuses(t *testing.T) {
	for _, tc := range []struct {
		t    Tensor
		want string
	}{
		{Tensor{Type: "float64", Dims: []int64{2, 1}, Float: []float64{1}}, "hold 2 elements, the data has 1"},
		{Tensor{Type: "int8", Dims: []int64{1}, Int: []int64{1}}, "unsupported type"},
		{Tensor{Type: "string", Dims: []int64{-1}}, "negative dimension"},
	} {
		if _, err := feed("in", tc.t); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("feed(%+v) = %v, want an error that says %q", tc.t, err, tc.want)
		}
	}
	f, err := feed("in", Tensor{Type: "float64", Dims: []int64{4}, Float: []float64{math.NaN(), math.Inf(1), math.Inf(-1), math.Copysign(0, -1)}})
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"type":"float64","dims":[4],"data":[null,"Infinity","-Infinity",-0]}`; string(b) != want {
		t.Errorf("feed JSON %s, want %s", b, want)
	}
	f, _ = feed("in", Tensor{Type: "int64", Dims: []int64{1}, Int: []int64{math.MaxInt64}})
	if b, _ := json.Marshal(f); !strings.Contains(string(b), `"9223372036854775807"`) {
		t.Errorf("int64 feed %s, want the exact decimal as a string", b)
	}
}

// TestParse reads run.js's format, with no node.
func TestParse(t *testing.T) {
	out := `{"outputs":{"f":{"type":"float32","dims":[4],"data":[0.10000000149011612,null,"-Infinity",-0]},` +
		`"b":{"type":"bool","dims":[2],"data":[true,false]},"u":{"type":"uint8","dims":[1],"data":[255]},` +
		`"i":{"type":"int64","dims":[1],"data":[-9223372036854775808]},"s":{"type":"string","dims":[1,1],"data":["é\"x"]}},` +
		`"inputs":["a"],"output_names":["f","b","u","i","s"],"input_metadata":[{"name":"a","type":"float64","shape":["N",3]}],` +
		`"output_metadata":[],"ir_version":9,"producer_name":"p","producer_version":"v","opset":{"":21},"metadata":{"k":"v"}}`
	got, info, err := parse([]byte(out))
	if err != nil {
		t.Fatal(err)
	}
	f := got["f"].Float
	if f[0] != float64(float32(0.1)) || !math.IsNaN(f[1]) || !math.IsInf(f[2], -1) || !math.Signbit(f[3]) {
		t.Errorf("float32 output %v", f)
	}
	if !reflect.DeepEqual(got["b"].Int, []int64{1, 0}) || !reflect.DeepEqual(got["u"].Int, []int64{255}) ||
		!reflect.DeepEqual(got["i"].Int, []int64{math.MinInt64}) || !reflect.DeepEqual(got["s"].String, []string{"é\"x"}) {
		t.Errorf("outputs %+v", got)
	}
	if !reflect.DeepEqual(info.InputValues, []Value{{Name: "a", Type: "float64", Shape: []string{"N", "3"}}}) ||
		info.IRVersion != 9 || info.Opset[""] != 21 || info.Metadata["k"] != "v" {
		t.Errorf("info %+v", info)
	}
	if _, _, err := parse([]byte(`{"outputs":{"f":{"type":"float64","dims":[1],"data":["x"]}}}`)); err == nil {
		t.Error(`parse accepted "x" as a float64`)
	}
}
