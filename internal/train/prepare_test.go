package train

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/mlptrain/mlptrain/internal/config"
	"github.com/mlptrain/mlptrain/internal/data"
	"github.com/mlptrain/mlptrain/internal/inputerr"
)

// Helpers shared by the tests of this package (prepare, fit, evaluate,
// model, gate and run).

// statTol is the relative tolerance for statistics recomputed by a test in
// another order of summation than the code under test.
const statTol = 1e-12

// writeTestFile writes content to dir/name and returns the path.
func writeTestFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// noEnvironment is an empty environment for config.Parse, so that the
// tests ignore any MLPTRAIN_* variables of the shell running them.
func noEnvironment(string) (string, bool) { return "", false }

// parseTestConfig resolves the YAML text as the config file dir/test.yaml,
// with defaults and validation applied.
func parseTestConfig(t testing.TB, dir, text string) *config.Config {
	t.Helper()
	cfg, err := config.Parse([]byte(text), filepath.Join(dir, "test.yaml"), nil, noEnvironment)
	if err != nil {
		t.Fatalf("config.Parse: %v\n%s", err, text)
	}
	return cfg
}

// prepareTest parses the config text and prepares its problem.
func prepareTest(t testing.TB, dir, text string) *Problem {
	t.Helper()
	p, err := Prepare(parseTestConfig(t, dir, text))
	if err != nil {
		t.Fatalf("Prepare: %v\n%s", err, text)
	}
	return p
}

// q quotes a path for a YAML config.
func q(path string) string { return strconv.Quote(path) }

// blobsCSV returns a CSV "x1,x2,class" of counts[c] rows of class "c<c>"
// per class c, drawn around the centre (4c, −4c) with the given spread,
// from a seeded stream. The classes are well separated when spread ≤ 1.
func blobsCSV(seed uint64, counts []int, spread float64) string {
	rng := rand.New(rand.NewPCG(seed, 1))
	var b strings.Builder
	b.WriteString("x1,x2,class\n")
	for c, n := range counts {
		for range n {
			fmt.Fprintf(&b, "%g,%g,c%d\n", 4*float64(c)+spread*rng.NormFloat64(), -4*float64(c)+spread*rng.NormFloat64(), c)
		}
	}
	return b.String()
}

// regressionCSV returns a CSV "x1,x2,y" of n rows with y = a·x1 − x2 + 1
// plus noise of the given size, from a seeded stream.
func regressionCSV(seed uint64, n int, a, noise float64) string {
	rng := rand.New(rand.NewPCG(seed, 1))
	var b strings.Builder
	b.WriteString("x1,x2,y\n")
	for range n {
		x1, x2 := 2*rng.Float64()-1, 3*rng.NormFloat64()+5
		fmt.Fprintf(&b, "%g,%g,%g\n", x1, x2, a*x1-x2+1+noise*rng.NormFloat64())
	}
	return b.String()
}

// rowsByLine reads the CSV at path (all columns but the target as
// features, in file order) and returns each row's features by line.
func rowsByLine(t *testing.T, path, target string, classify bool) map[int][]float64 {
	t.Helper()
	ds, err := data.ReadFile(path, data.Options{Targets: []string{target}, Classify: classify})
	if err != nil {
		t.Fatal(err)
	}
	out := map[int][]float64{}
	for i, l := range ds.Lines {
		out[l] = ds.X.RawRowView(i)
	}
	return out
}

// relErr is |a−b| / max(1, |a|, |b|).
func relErr(a, b float64) float64 {
	return math.Abs(a-b) / max(1, math.Abs(a), math.Abs(b))
}

func TestPrepareStratifiedSplit(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name      string
		counts    []int
		frac      float64
		wantTrain []int // per class
		wantVal   []int
	}{
		{"three classes 0.2", []int{30, 20, 10}, 0.2, []int{24, 16, 8}, []int{6, 4, 2}},
		{"two classes 0.5", []int{11, 7}, 0.5, []int{5, 3}, []int{6, 4}},
		{"tiny class keeps a training row", []int{20, 1}, 0.3, []int{14, 1}, []int{6, 0}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			path := writeTestFile(t, dir, "train.csv", blobsCSV(1, tc.counts, 1))
			p := prepareTest(t, dir, fmt.Sprintf(`data: {train: %s, target: class, validation: %g}
model: {layers: [{units: 3, activation: tanh}, {activation: softmax}]}
`, q(path), tc.frac))
			if p.Val == nil {
				t.Fatal("Prepare gave no validation set")
			}
			count := func(labels []int) []int {
				c := make([]int, len(tc.counts))
				for _, l := range labels {
					c[l]++
				}
				return c
			}
			if got := count(p.Train.Labels); !slices.Equal(got, tc.wantTrain) {
				t.Errorf("training rows per class = %v, want %v", got, tc.wantTrain)
			}
			if got := count(p.Val.Labels); !slices.Equal(got, tc.wantVal) {
				t.Errorf("validation rows per class = %v, want %v", got, tc.wantVal)
			}
			// The two parts partition the file's rows.
			lines := slices.Concat(p.Train.Lines, p.Val.Lines)
			slices.Sort(lines)
			total := 0
			for _, c := range tc.counts {
				total += c
			}
			for i, l := range lines {
				if l != i+2 {
					t.Fatalf("train and validation lines %v do not partition lines 2..%d", lines, total+1)
				}
			}
			if len(lines) != total {
				t.Errorf("%d rows after the split, want %d", len(lines), total)
			}
			if r, c := p.Train.X.Dims(); r != p.Train.Len() || c != 2 {
				t.Errorf("training X is %d×%d, want %d×2", r, c, p.Train.Len())
			}
		})
	}
}

// TestPrepareSplitSeeded checks that the split depends on the seed alone.
func TestPrepareSplitSeeded(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := writeTestFile(t, dir, "train.csv", blobsCSV(2, []int{25, 25}, 1))
	cfg := func(seed int) string {
		return fmt.Sprintf(`data: {train: %s, target: class, validation: 0.3}
model: {layers: [{activation: softmax}]}
train: {seed: %d}
`, q(path), seed)
	}
	a, b, c := prepareTest(t, dir, cfg(1)), prepareTest(t, dir, cfg(1)), prepareTest(t, dir, cfg(2))
	if !slices.Equal(a.Val.Lines, b.Val.Lines) {
		t.Errorf("seed 1 gave validation lines %v, then %v", a.Val.Lines, b.Val.Lines)
	}
	if slices.Equal(a.Val.Lines, c.Val.Lines) {
		t.Errorf("seeds 1 and 2 gave the same validation lines %v", a.Val.Lines)
	}
}

func TestPrepareNormalizationFromTrainingOnly(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name       string
		method     string
		validation string // "" for a fraction of 0.3; else a file's content
	}{
		{"standardize split", "standardize", ""},
		{"minmax split", "minmax", ""},
		{"standardize validation file", "standardize", blobsCSV(9, []int{5, 5}, 3)},
		{"minmax validation file", "minmax", blobsCSV(9, []int{5, 5}, 3)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			path := writeTestFile(t, dir, "train.csv", blobsCSV(3, []int{20, 20}, 2))
			validation := "0.3"
			valPath := path
			if tc.validation != "" {
				valPath = writeTestFile(t, dir, "val.csv", tc.validation)
				validation = q(valPath)
			}
			p := prepareTest(t, dir, fmt.Sprintf(`data: {train: %s, target: class, validation: %s, normalize: %s}
model: {layers: [{activation: softmax}]}
`, q(path), validation, tc.method))
			raw := rowsByLine(t, path, "class", true)
			rawVal := rowsByLine(t, valPath, "class", true)

			for j := range 2 {
				// The column over the training rows, and over the
				// training and validation rows together.
				var trainCol, allCol []float64
				for _, l := range p.Train.Lines {
					trainCol = append(trainCol, raw[l][j])
				}
				allCol = slices.Clone(trainCol)
				for _, l := range p.Val.Lines {
					allCol = append(allCol, rawVal[l][j])
				}
				wantOff, wantScale := columnStats(tc.method, trainCol)
				leakOff, _ := columnStats(tc.method, allCol)
				off, scale := p.Scaler.Offset[j], p.Scaler.Scale[j]
				if relErr(off, wantOff) > statTol || relErr(scale, wantScale) > statTol {
					t.Errorf("column %d: scaler (offset %v, scale %v), want the training split's (%v, %v)", j, off, scale, wantOff, wantScale)
				}
				if tc.method == "standardize" && relErr(off, leakOff) < 1e-6 {
					t.Errorf("column %d: offset %v equals the mean %v of training and validation rows together; the test does not discriminate", j, off, leakOff)
				}
			}
			// Both parts are transformed by the training split's scaler.
			for _, part := range []struct {
				name string
				ds   *data.Dataset
				raw  map[int][]float64
			}{{"train", p.Train, raw}, {"validation", p.Val, rawVal}} {
				for i, l := range part.ds.Lines {
					for j := range 2 {
						want := (part.raw[l][j] - p.Scaler.Offset[j]) / p.Scaler.Scale[j]
						if got := part.ds.X.At(i, j); got != want {
							t.Fatalf("%s row %d (line %d) column %d = %v, want %v", part.name, i, l, j, got, want)
						}
					}
				}
			}
		})
	}
}

// columnStats returns the offset and scale a scaler of the method should
// fit to col: the mean and population standard deviation, or the minimum
// and the range.
func columnStats(method string, col []float64) (offset, scale float64) {
	if method == "minmax" {
		return slices.Min(col), slices.Max(col) - slices.Min(col)
	}
	var s float64
	for _, v := range col {
		s += v
	}
	mean := s / float64(len(col))
	var ss float64
	for _, v := range col {
		ss += (v - mean) * (v - mean)
	}
	return mean, math.Sqrt(ss / float64(len(col)))
}

func TestPreparePolynomial(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := writeTestFile(t, dir, "train.csv", regressionCSV(4, 30, 2, 0.1))
	p := prepareTest(t, dir, fmt.Sprintf(`data: {train: %s, target: y, validation: 0, feature_map: {polynomial: 2}}
model: {layers: [{units: 3, activation: tanh}, {activation: identity}], loss: squared_error}
`, q(path)))
	if p.Spec.Inputs != 5 {
		t.Errorf("degree 2 on 2 features: %d inputs, want 5", p.Spec.Inputs)
	}
	if _, c := p.Train.X.Dims(); c != 5 {
		t.Errorf("training X has %d columns, want 5", c)
	}
	if want := []string{"x1", "x2"}; !slices.Equal(p.Features, want) {
		t.Errorf("Features = %v, want the CSV columns %v", p.Features, want)
	}
	if len(p.Train.FeatureNames) != 5 || len(p.Scaler.Offset) != 5 {
		t.Errorf("%d feature names and %d scaler offsets, want 5", len(p.Train.FeatureNames), len(p.Scaler.Offset))
	}
	if p.Poly != (data.Polynomial{Degree: 2, Inputs: 2}) {
		t.Errorf("Poly = %+v, want degree 2 on 2 inputs", p.Poly)
	}
	// With interactions_only the squares go: ψ(x1, x2) = (x1, x2, x1·x2).
	q2 := prepareTest(t, dir, fmt.Sprintf(`data: {train: %s, target: y, validation: 0, normalize: none, feature_map: {polynomial: 2, interactions_only: true}}
model: {layers: [{activation: identity}], loss: squared_error}
`, q(path)))
	if want := []string{"x1", "x2", "x1*x2"}; q2.Spec.Inputs != 3 || !slices.Equal(q2.Train.FeatureNames, want) {
		t.Errorf("interactions only: %d inputs named %v, want %v", q2.Spec.Inputs, q2.Train.FeatureNames, want)
	}
	if q2.Poly != (data.Polynomial{Degree: 2, Inputs: 2, InteractionsOnly: true}) {
		t.Errorf("Poly = %+v, want degree 2 on 2 inputs, interactions only", q2.Poly)
	}
	for i := range q2.Train.Len() {
		if x := q2.Train.X.RawRowView(i); x[2] != x[0]*x[1] {
			t.Errorf("row %d: %v, want x1·x2 in column 3", i, x)
		}
	}
	// The map comes before the normalization: column 3 is x1² standardized
	// with the mean of x1².
	raw := rowsByLine(t, path, "y", false)
	var sq []float64
	for _, l := range p.Train.Lines {
		sq = append(sq, raw[l][0]*raw[l][0])
	}
	if mean, _ := columnStats("standardize", sq); relErr(p.Scaler.Offset[2], mean) > statTol {
		t.Errorf("offset of x1^2 = %v, want the mean of x1² %v", p.Scaler.Offset[2], mean)
	}
}

func TestPrepareOutputUnits(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	classes3 := writeTestFile(t, dir, "three.csv", blobsCSV(5, []int{5, 5, 5}, 1))
	classes2 := writeTestFile(t, dir, "two.csv", blobsCSV(5, []int{5, 5}, 1))
	reg := writeTestFile(t, dir, "reg.csv", regressionCSV(5, 10, 1, 0.1))
	reg2 := writeTestFile(t, dir, "reg2.csv", "a,y1,y2\n1,2,3\n2,3,5\n3,1,0\n")
	for _, tc := range []struct {
		name, cfg string
		want      []int
	}{
		{"softmax infers the classes", fmt.Sprintf(`data: {train: %s, target: class, validation: 0}
model: {layers: [{units: 4, activation: tanh}, {activation: softmax}]}`, q(classes3)), []int{4, 3}},
		{"softmax with matching units", fmt.Sprintf(`data: {train: %s, target: class, validation: 0}
model: {layers: [{units: 3, activation: softmax}]}`, q(classes3)), []int{3}},
		{"logistic binary", fmt.Sprintf(`data: {train: %s, target: class, validation: 0}
model: {layers: [{activation: logistic}], loss: binary_cross_entropy}`, q(classes2)), []int{1}},
		{"regression one target", fmt.Sprintf(`data: {train: %s, target: y, validation: 0}
model: {layers: [{units: 2, activation: relu}, {activation: identity}], loss: squared_error}`, q(reg)), []int{2, 1}},
		{"regression two targets", fmt.Sprintf(`data: {train: %s, target: [y1, y2], validation: 0}
model: {layers: [{activation: identity}], loss: squared_error}`, q(reg2)), []int{2}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p := prepareTest(t, dir, tc.cfg)
			if !slices.Equal(p.Spec.Units, tc.want) {
				t.Errorf("units %v, want %v", p.Spec.Units, tc.want)
			}
		})
	}
}

func TestPrepareErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	classes3 := writeTestFile(t, dir, "three.csv", blobsCSV(6, []int{5, 5, 5}, 1))
	tiny := writeTestFile(t, dir, "tiny.csv", blobsCSV(6, []int{4, 4}, 1))
	var wide strings.Builder
	for j := range 30 {
		fmt.Fprintf(&wide, "x%d,", j)
	}
	wide.WriteString("y\n" + strings.Repeat("1,", 30) + "2\n" + strings.Repeat("2,", 30) + "3\n")
	widePath := writeTestFile(t, dir, "wide.csv", wide.String())
	huge := writeTestFile(t, dir, "huge.csv", "x1,x2,class\n1e308,1,a\n1.5e308,2,b\n1.7e308,3,a\n")
	// The file each error names, where it is not the config file.
	wantFile := map[string]string{"scaler overflow": huge}
	badWeights := writeTestFile(t, dir, "w.yaml", "layers:\n  - W: [[1, 1, 1]]\n    b: [0, 0, 0]\n")
	for _, tc := range []struct {
		name, cfg string
		key       string // the error's Key
		want      string // in the message
	}{
		{"output units mismatch", fmt.Sprintf(`data: {train: %s, target: class}
model: {layers: [{units: 4, activation: tanh}, {units: 2, activation: softmax}]}`, q(classes3)),
			"model.layers[1].units", "the output layer has 2 units but the target needs 3"},
		{"single layer units mismatch", fmt.Sprintf(`data: {train: %s, target: class}
model: {layers: [{units: 4, activation: softmax}]}`, q(classes3)),
			"model.layers[0].units", "4 units but the target needs 3"},
		{"binary cross-entropy with three classes", fmt.Sprintf(`data: {train: %s, target: class}
model: {layers: [{units: 1, activation: logistic}], loss: binary_cross_entropy}`, q(classes3)),
			`column "class"`, "binary_cross_entropy needs exactly 2 classes, found 3"},
		{"validation leaves an empty split", fmt.Sprintf(`data: {train: %s, target: class, validation: 0.01}
model: {layers: [{activation: softmax}]}`, q(tiny)),
			"data.validation", "of each class (the split is stratified) leaves an empty split"},
		{"polynomial too wide", fmt.Sprintf(`data: {train: %s, target: y, validation: 0, feature_map: {polynomial: 10}}
model: {layers: [{activation: identity}], loss: squared_error}`, q(widePath)),
			"data.feature_map.polynomial", "more than the limit"},
		{"scaler overflow", fmt.Sprintf(`data: {train: %s, target: class, validation: 0}
model: {layers: [{activation: softmax}]}`, q(huge)),
			`column "x1"`, "cannot standardize"},
		{"missing training file", fmt.Sprintf(`data: {train: %s, target: class}
model: {layers: [{activation: softmax}]}`, q(filepath.Join(dir, "nope.csv"))),
			"", "cannot open file"},
		{"missing target column", fmt.Sprintf(`data: {train: %s, target: species}
model: {layers: [{activation: softmax}]}`, q(classes3)),
			"", "species"},
		{"weights of the wrong shape", fmt.Sprintf(`data: {train: %s, target: class, validation: 0}
model: {layers: [{units: 3, activation: softmax}], weights: %s}`, q(classes3), q(badWeights)),
			"layers[0]", "W has 1 rows"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := Prepare(parseTestConfig(t, dir, tc.cfg))
			var e *inputerr.Error
			if !errors.As(err, &e) {
				t.Fatalf("Prepare error %v (%T), want an *inputerr.Error", err, err)
			}
			if tc.key != "" && e.Key != tc.key {
				t.Errorf("error %q has key %q, want %q", err, e.Key, tc.key)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not contain %q", err, tc.want)
			}
			// One error, not one wrapped in another: the key and the hint
			// appear once.
			if tc.key != "" && strings.Count(err.Error(), tc.key) != 1 {
				t.Errorf("error %q names %q more than once", err, tc.key)
			}
			if n := strings.Count(err.Error(), "(hint:"); n > 1 {
				t.Errorf("error %q has %d hints, want at most one", err, n)
			}
			if want := wantFile[tc.name]; e.File == "" || want != "" && e.File != want {
				t.Errorf("error %q names file %q, want %q", err, e.File, want)
			}
		})
	}
}

func TestPrepareValidationFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	train := writeTestFile(t, dir, "train.csv", blobsCSV(7, []int{6, 6, 6}, 1))
	// Columns in another order, and only two of the three classes.
	val := writeTestFile(t, dir, "val.csv", "class,x2,x1\nc2,-8,8\nc1,-4.5,4\nc2,-7,9\n")
	p := prepareTest(t, dir, fmt.Sprintf(`data: {train: %s, target: class, validation: %s}
model: {layers: [{units: 2, activation: tanh}, {activation: softmax}]}
`, q(train), q(val)))
	if p.Train.Len() != 18 {
		t.Errorf("%d training rows, want all 18", p.Train.Len())
	}
	if p.Val == nil || p.Val.Len() != 3 {
		t.Fatalf("validation %v, want the file's 3 rows", p.Val)
	}
	if want := []string{"c0", "c1", "c2"}; !slices.Equal(p.Classes, want) || !slices.Equal(p.Val.Classes, want) {
		t.Errorf("classes %v and %v, want %v for both", p.Classes, p.Val.Classes, want)
	}
	if want := []int{2, 1, 2}; !slices.Equal(p.Val.Labels, want) {
		t.Errorf("validation labels %v, want %v (the training file's class indices)", p.Val.Labels, want)
	}
	// The validation file's columns come in the training order, scaled by
	// the training statistics.
	for i, row := range [][]float64{{8, -8}, {4, -4.5}, {9, -7}} {
		for j, v := range row {
			want := (v - p.Scaler.Offset[j]) / p.Scaler.Scale[j]
			if got := p.Val.X.At(i, j); got != want {
				t.Errorf("validation X[%d][%d] = %v, want %v", i, j, got, want)
			}
		}
	}
	raw := rowsByLine(t, train, "class", true)
	var col []float64
	for _, r := range raw {
		col = append(col, r[0])
	}
	if mean, _ := columnStats("standardize", col); relErr(p.Scaler.Offset[0], mean) > statTol {
		t.Errorf("offset %v, want the training file's mean %v", p.Scaler.Offset[0], mean)
	}
}

// TestPrepareWeightsXOR applies a hand-built threshold network from a
// weights file; training cannot move it (threshold gradients are zero), so
// it still computes XOR exactly.
func TestPrepareWeightsXOR(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	train := writeTestFile(t, dir, "xor.csv", "x1,x2,y\n0,0,0\n0,1,1\n1,0,1\n1,1,0\n")
	weights := writeTestFile(t, dir, "xor.yaml", "layers:\n  - W: [[1, 1], [1, 1]]\n    b: [-0.5, -1.5]\n  - W: [[1], [-1]]\n    b: [-0.5]\n")
	p := prepareTest(t, dir, fmt.Sprintf(`data: {train: %s, target: y, validation: 0, normalize: none}
model:
  layers: [{units: 2, activation: threshold}, {units: 1, activation: threshold}]
  loss: squared_error
  weights: %s
train: {optimizer: gd, learning_rate: 1e-9, epochs: 1}
`, q(train), q(weights)))
	if p.Weights == nil {
		t.Fatal("Prepare did not load the weights")
	}
	res, err := Fit(t.Context(), p, FitOptions{})
	if err != nil || res.Err != nil {
		t.Fatalf("Fit: %v, %v", err, res.Err)
	}
	y, _ := Forward(res.Model, p.Train.X, nil)
	for i, want := range []float64{0, 1, 1, 0} {
		if got := y.At(i, 0); got != want {
			t.Errorf("XOR row %d = %v, want %v", i, got, want)
		}
	}
	if got := res.Model.Layers[0].B.RawRowView(0); !slices.Equal(got, []float64{-0.5, -1.5}) {
		t.Errorf("first layer's biases %v, want the file's [-0.5 -1.5]", got)
	}
	if res.Train.MSE == nil || *res.Train.MSE != 0 {
		t.Errorf("training MSE %v, want 0", res.Train.MSE)
	}
}
