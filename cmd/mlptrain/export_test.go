package main

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
	"google.golang.org/protobuf/proto"

	"github.com/mlptrain/mlptrain/internal/data"
	"github.com/mlptrain/mlptrain/internal/onnx"
	"github.com/mlptrain/mlptrain/internal/onnx/onnxpb"
	"github.com/mlptrain/mlptrain/internal/onnx/onnxref"
	"github.com/mlptrain/mlptrain/internal/train"
)

// Tolerances of an exported graph's probabilities and predictions against
// predict's: relative, with a floor for values near 0.
// A float32 model exports as a float64 graph of its float32 weights, so
// its graph and predict (which computes in float32) agree to float32's
// rounding.
const (
	exportRelTol   = 1e-9
	exportAbsTol   = 1e-12
	exportRelTol32 = 2e-5
	exportAbsTol32 = 1e-6
)

// exportConfigs are the shipped configs that fit quickly, with the epochs
// the export tests train them for (0: the config's own, for the
// hand-built network that training would change) and the file they
// predict ("" for the config's test file, else the first 50 rows of its
// training file).
var exportConfigs = []struct {
	config string
	epochs int
	data   string
	set    []string // --set overrides, as name/value pairs of the subtest
}{
	{"configs/iris.yaml", 5, "", nil},
	{"configs/xor.yaml", 5, "", nil},
	{"configs/xor_features.yaml", 5, "", nil},
	{"configs/xor_linear.yaml", 5, "", nil},
	{"configs/xor_threshold.yaml", 0, "", nil}, // configs/xor_threshold_weights.yaml
	{"configs/logistic_unit.yaml", 5, "", nil},
	{"configs/penguins.yaml", 3, "", nil},
	{"configs/cars.yaml", 3, "", nil},
	{"configs/credit.yaml", 2, "", nil},
	{"configs/churn_raw.yaml", 5, "datasets/churn_new.csv", nil}, // a country training never saw
	{"configs/sine.yaml", 5, "", nil},
	{"configs/diabetes.yaml", 3, "", nil},
	{"configs/poly_deg3.yaml", 5, "", nil},
	{"configs/poly_deg0.yaml", 5, "", nil},
	{"configs/poly_deg1.yaml", 5, "", nil},
	{"configs/poly_deg9.yaml", 5, "", nil},
	{"configs/patterns_linear.yaml", 5, "", nil},
	{"configs/patterns_mlp.yaml", 5, "", nil},
	{"configs/universality_small.yaml", 5, "", nil},
	{"configs/universality_wide.yaml", 5, "", nil},
	{"configs/reference.yaml", 5, "", nil},
	{"configs/cells_plain.yaml", 2, "", nil},
	{"configs/cells.yaml", 2, "", nil},  // dropout: none in the graph
	{"configs/digits.yaml", 3, "", nil}, // float32
	// Batch normalization in eval, on categorical and numeric inputs.
	{"configs/penguins.yaml", 3, "", []string{"model.layers.0.batch_norm=true"}},
	{"configs/cars.yaml", 3, "", []string{"model.layers.0.batch_norm=true"}},
}

// graphRunner runs the .onnx file at path on the inputs.
type graphRunner func(t *testing.T, path string, inputs map[string]onnxref.Tensor) map[string]onnxref.Tensor

// referenceRunner runs a graph in internal/onnx/onnxref.
func referenceRunner(t *testing.T, path string, inputs map[string]onnxref.Tensor) map[string]onnxref.Tensor {
	t.Helper()
	return onnxref.Run(decodeONNX(t, path), inputs)
}

func decodeONNX(t *testing.T, path string) *onnxpb.ModelProto {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var m onnxpb.ModelProto
	if err := proto.Unmarshal(b, &m); err != nil {
		t.Fatalf("decode %s: %v", path, err)
	}
	return &m
}

// checkExports fits each of exportConfigs, exports it, and compares what
// run makes of the exported graph with predict's output on the same
// file.
func checkExports(t *testing.T, run graphRunner) {
	chdirRoot(t)
	for _, ec := range exportConfigs {
		name := filepath.Base(ec.config)
		if len(ec.set) > 0 {
			name += "," + strings.Join(ec.set, ",")
		}
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "run")
			args := []string{"fit", ec.config, "--quiet", "--out", dir}
			if ec.epochs > 0 {
				args = append(args, "--epochs", strconv.Itoa(ec.epochs))
			}
			for _, kv := range ec.set {
				args = append(args, "--set", kv)
			}
			mustRun(t, args...)
			model := filepath.Join(dir, "model.json")
			mustRun(t, "export", model, "--format", "onnx")
			s, err := train.LoadModel(model)
			if err != nil {
				t.Fatal(err)
			}
			path := exportData(t, dir, ec.data)
			pred := mustRun(t, "predict", model, path).stdout
			got := run(t, filepath.Join(dir, "model.onnx"), graphInputs(t, s, path))
			comparePredictions(t, s, pred, got)
		})
	}
}

// exportData returns the file to predict: data, or the run's test file,
// or the first 50 rows of its training file (copied into dir).
func exportData(t *testing.T, dir, path string) string {
	t.Helper()
	if path != "" {
		return path
	}
	var cfg struct {
		Data struct {
			Train string `yaml:"train"`
			Test  string `yaml:"test"`
		} `yaml:"data"`
	}
	if err := yaml.Unmarshal([]byte(readFile(t, filepath.Join(dir, "config.yaml"))), &cfg); err != nil {
		t.Fatal(err)
	}
	if cfg.Data.Test != "" {
		return cfg.Data.Test
	}
	f, err := os.Open(cfg.Data.Train)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var lines []string
	sc := bufio.NewScanner(f)
	for sc.Scan() && len(lines) < 51 {
		lines = append(lines, sc.Text())
	}
	head := filepath.Join(dir, "head.csv")
	if err := os.WriteFile(head, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return head
}

// graphInputs reads the model's feature columns of the CSV file at path
// as the exported graph takes them: a numeric cell as a number, NaN if it
// is one of the model's missing tokens; a categorical cell as the level
// mlptrain reads it as (trimmed, a number in its shortest form).
func graphInputs(t *testing.T, s *train.Saved, path string) map[string]onnxref.Tensor {
	t.Helper()
	cols, err := data.ReadColumns(path, s.Delimiter(), s.Features)
	if err != nil {
		t.Fatal(err)
	}
	decimal := '.'
	miss := map[string]bool{}
	if r := s.Reading; r != nil {
		decimal = []rune(r.Decimal)[0]
		for _, m := range r.Missing {
			miss[strings.Trim(m, " \t")] = true
		}
	}
	n := cols.Len()
	in := map[string]onnxref.Tensor{}
	for j, c := range onnx.Columns(s) {
		v := onnxref.Tensor{Dims: []int64{int64(n), 1}, Type: "float64"}
		if c.Type == data.Categorical {
			v.Type = "string"
		}
		for i := range n {
			cell := strings.Trim(cols.Row(i)[j], " \t")
			switch {
			case c.Type == data.Categorical && miss[cell]:
				v.String = append(v.String, cell)
			case c.Type == data.Categorical:
				v.String = append(v.String, data.Level(cell, decimal))
			case miss[cell]:
				v.Float = append(v.Float, math.NaN())
			default:
				if decimal == ',' {
					cell = strings.Replace(cell, ",", ".", 1)
				}
				x, err := strconv.ParseFloat(cell, 64)
				if err != nil {
					t.Fatalf("%s: column %q, row %d: %v", path, c.Name, i+1, err)
				}
				v.Float = append(v.Float, x)
			}
		}
		in[c.Input] = v
	}
	return in
}

// comparePredictions compares the graph's outputs with predict's CSV.
func comparePredictions(t *testing.T, s *train.Saved, predicted string, got map[string]onnxref.Tensor) {
	t.Helper()
	rows, err := csv.NewReader(strings.NewReader(predicted)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	rows = rows[1:]
	n := int64(len(rows))
	rel, abs := exportRelTol, exportAbsTol
	if s.Model.Float32 {
		rel, abs = exportRelTol32, exportAbsTol32
	}
	near := func(a, b float64) bool {
		return a == b || math.Abs(a-b) <= abs+rel*math.Max(math.Abs(a), math.Abs(b))
	}
	values := onnx.OutputPrediction
	if s.Classes != nil {
		values = onnx.OutputProbabilities
		label := got[onnx.OutputLabel]
		if label.Type != "string" || !slices.Equal(label.Dims, []int64{n}) {
			t.Fatalf("label: %s %v, want string [%d]", label.Type, label.Dims, n)
		}
		for i, r := range rows {
			if label.String[i] != r[0] {
				t.Errorf("row %d: label %q, predict says %q", i+1, label.String[i], r[0])
			}
		}
	}
	v := got[values]
	k := int64(len(rows[0]))
	if s.Classes != nil {
		k--
	}
	if v.Type != "float64" || !slices.Equal(v.Dims, []int64{n, k}) {
		t.Fatalf("%s: %s %v, want float64 [%d %d]", values, v.Type, v.Dims, n, k)
	}
	for i, r := range rows {
		for j, cell := range r[len(r)-int(k):] {
			want, err := strconv.ParseFloat(cell, 64)
			if err != nil {
				t.Fatal(err)
			}
			if g := v.Float[int64(i)*k+int64(j)]; !near(g, want) {
				t.Errorf("row %d: %s[%d] = %v, predict says %v", i+1, values, j, g, want)
			}
		}
	}
}

// TestExportMatchesPredict runs each exported config in the reference
// interpreter (export_ort_test.go does it in ONNX Runtime).
func TestExportMatchesPredict(t *testing.T) {
	checkExports(t, referenceRunner)
}

// TestExportFile exports a fitted model to its default path and checks
// the file: its inputs, outputs, opsets and metadata; and that a second
// export writes the same bytes.
func TestExportFile(t *testing.T) {
	chdirRoot(t)
	dir := filepath.Join(t.TempDir(), "run")
	rep := mustRun(t, "fit", "configs/penguins.yaml", "--quiet", "--epochs", "2", "--out", dir, "--json").stdout
	model := filepath.Join(dir, "model.json")
	r := mustRun(t, "export", model, "--format", "onnx")
	if r.stdout != "" || r.stderr != "" {
		t.Errorf("export: stdout %q, stderr %q, want both empty", r.stdout, r.stderr)
	}
	first := readFile(t, filepath.Join(dir, "model.onnx"))
	other := filepath.Join(t.TempDir(), "other.onnx")
	mustRun(t, "export", model, "-o", other)
	if readFile(t, other) != first {
		t.Error("two exports of one model differ")
	}
	m := decodeONNX(t, other)
	s, err := train.LoadModel(model)
	if err != nil {
		t.Fatal(err)
	}
	var inputs []string
	for _, in := range m.GetGraph().GetInput() {
		inputs = append(inputs, in.GetName())
	}
	if want := onnx.InputNames(s.Features); !slices.Equal(inputs, want) {
		t.Errorf("inputs %q, want %q", inputs, want)
	}
	var outputs []string
	for _, o := range m.GetGraph().GetOutput() {
		outputs = append(outputs, o.GetName())
	}
	if !slices.Equal(outputs, []string{"label", "probabilities"}) {
		t.Errorf("outputs %q, want label, probabilities", outputs)
	}
	var report struct {
		Weights string `json:"weights_sha256"`
	}
	if err := json.Unmarshal([]byte(rep), &report); err != nil {
		t.Fatal(err)
	}
	meta := map[string]string{}
	for _, p := range m.GetMetadataProps() {
		meta[p.GetKey()] = p.GetValue()
	}
	classes, _ := json.Marshal(s.Classes)
	if meta[onnx.MetaWeights] != report.Weights || meta[onnx.MetaClasses] != string(classes) || meta[onnx.MetaVersion] != version() {
		t.Errorf("metadata %v, want weights_sha256 %s, classes %s, version %s", meta, report.Weights, classes, version())
	}
	if m.GetProducerName() != "mlptrain" || m.GetIrVersion() != onnx.IRVersion {
		t.Errorf("producer %q, IR version %d", m.GetProducerName(), m.GetIrVersion())
	}
}

// TestExportKeepsOldFile: an export that fails leaves the file at OUT as
// it was.
func TestExportKeepsOldFile(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "model.onnx")
	if err := os.WriteFile(out, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(dir, "model.json")
	if err := os.WriteFile(bad, []byte(`{"format": "mlptrain-model"`), 0o644); err != nil {
		t.Fatal(err)
	}
	if r := runCLI(t, "export", bad, "-o", out); r.code != exitInput {
		t.Fatalf("export of a truncated model: exit status %d, want %d", r.code, exitInput)
	}
	if got := readFile(t, out); got != "old" {
		t.Errorf("%s = %q after a failed export, want %q", out, got, "old")
	}
}
