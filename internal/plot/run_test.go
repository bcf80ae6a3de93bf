package plot

import (
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
	"github.com/mlptrain/mlptrain/internal/train"
)

// TestRun fits small problems with Run as the Pictures of train.FitConfig
// and checks which pictures the run folder gets, their sizes, and that no
// temporary file is left.
func TestRun(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(11, 1))
	var blobs2, blobs3, bin3, line1, plane2 strings.Builder
	blobs2.WriteString("x1,x2,class\n")
	blobs3.WriteString("x1,x2,x3,class\n")
	bin3.WriteString("x1,x2,x3,class\n")
	line1.WriteString("x,y\n")
	plane2.WriteString("x1,x2,y\n")
	for i := range 40 {
		c := i % 2
		fmt.Fprintf(&blobs2, "%g,%g,c%d\n", 3*float64(c)+rng.NormFloat64(), -3*float64(c)+rng.NormFloat64(), c)
		fmt.Fprintf(&blobs3, "%g,%g,%g,c%d\n", float64(i%3)+rng.NormFloat64(), rng.NormFloat64(), rng.NormFloat64(), i%3)
		fmt.Fprintf(&bin3, "%g,%g,%g,%s\n", float64(c)+rng.NormFloat64(), rng.NormFloat64(), rng.NormFloat64(), []string{"no", "yes"}[c])
		x, z := 2*rng.Float64()-1, rng.NormFloat64()
		fmt.Fprintf(&line1, "%g,%g\n", x, 2*x+0.1*z)
		fmt.Fprintf(&plane2, "%g,%g,%g\n", x, z, x-z)
	}
	dir := t.TempDir()
	for _, tc := range []struct {
		name, csv, target, model string
		want                     []string // the pictures, besides loss.png and loss.svg; roc.png and pr.png for 2 classes only
		precision                string   // train.precision; "" is float64
	}{
		{"classifier of 2 inputs", blobs2.String(), "class", "{layers: [{units: 3, activation: tanh}, {activation: softmax}]}", []string{"boundary.png", "pr.png", "roc.png"}, ""},
		{"logistic unit of 3 inputs", bin3.String(), "class", "{layers: [{units: 1, activation: logistic}], loss: binary_cross_entropy}", []string{"pr.png", "roc.png"}, ""},
		{"classifier of 3 classes", blobs3.String(), "class", "{layers: [{units: 3, activation: tanh}, {activation: softmax}]}", nil, ""},
		{"regression of 1 input", line1.String(), "y", "{layers: [{units: 3, activation: tanh}, {activation: identity}], loss: squared_error}", []string{"fit.png"}, ""},
		{"regression of 2 inputs", plane2.String(), "y", "{layers: [{activation: identity}], loss: squared_error}", nil, ""},
		// Inputs at ±1e308: no grid spans them, so no boundary.png (this
		// was exit 1, "x range [-Inf, +Inf]"); the run is written, with
		// its ROC and PR curves, which need no grid.
		{"classifier of inputs near MaxFloat64", "x1,x2,class\n1e308,0,a\n-1e308,1,b\n1,0,b\n1,1,a\n0,0,a\n0,1,b\n2,2,a\n3,3,b\n", "class",
			"{layers: [{units: 2, activation: tanh}, {activation: softmax}]}", []string{"pr.png", "roc.png"}, ""},
		// A float32 model's net has float32 nodes only (boundary.png and
		// fit.png read X.Value() of it: exit 1, a nil pointer).
		{"classifier of 2 inputs in float32", blobs2.String(), "class", "{layers: [{units: 3, activation: tanh}, {activation: softmax}]}", []string{"boundary.png", "pr.png", "roc.png"}, "float32"},
		{"regression of 1 input in float32", line1.String(), "y", "{layers: [{units: 3, activation: tanh}, {activation: identity}], loss: squared_error}", []string{"fit.png"}, "float32"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			sub := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "_"))
			if err := os.MkdirAll(sub, 0o755); err != nil {
				t.Fatal(err)
			}
			csv := filepath.Join(sub, "train.csv")
			if err := os.WriteFile(csv, []byte(tc.csv), 0o644); err != nil {
				t.Fatal(err)
			}
			out := filepath.Join(sub, "run")
			norm := "standardize"
			if strings.Contains(tc.csv, "e308") {
				norm = "none" // standardizing ±1e308 overflows
			}
			precision := tc.precision
			if precision == "" {
				precision = "float64"
			}
			text := fmt.Sprintf("data: {train: %s, target: %s, validation: 0.25, normalize: %s}\nmodel: %s\ntrain: {epochs: 5, batch_size: 8, seed: 2, precision: %s}\noutput: {dir: %s}\n",
				strconv.Quote(csv), tc.target, norm, tc.model, precision, strconv.Quote(out))
			cfg, err := config.Parse([]byte(text), filepath.Join(sub, "test.yaml"), nil, func(string) (string, bool) { return "", false })
			if err != nil {
				t.Fatalf("config.Parse: %v\n%s", err, text)
			}
			if _, err := train.FitConfig(t.Context(), cfg, train.FitOptions{Pictures: Run}); err != nil {
				t.Fatal(err)
			}
			entries, err := os.ReadDir(out)
			if err != nil {
				t.Fatal(err)
			}
			var pictures []string
			for _, e := range entries {
				switch name := e.Name(); {
				case strings.HasPrefix(name, "."):
					t.Errorf("temporary file %s left in the run folder", name)
				case strings.HasSuffix(name, ".png") || strings.HasSuffix(name, ".svg"):
					pictures = append(pictures, name)
				}
			}
			want := append([]string{"loss.png", "loss.svg"}, tc.want...)
			slices.Sort(want)
			if !slices.Equal(pictures, want) {
				t.Errorf("pictures %q, want %q", pictures, want)
			}
			checkPNG(t, filepath.Join(out, "loss.png"), 576, 384)
			for _, name := range tc.want {
				w, h := 576, 384 // fit.png
				switch name {
				case "boundary.png":
					w, h = 672, 480
				case "roc.png", "pr.png":
					w, h = 480, 480
				}
				checkPNG(t, filepath.Join(out, name), w, h)
			}
		})
	}
}

// TestBinaryCurves fits a logistic unit with validation and test sets and
// checks that the curves roc.png and pr.png draw are those of every set,
// in order, with the areas the report gives, and that the positive class
// is the second.
func TestBinaryCurves(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(12, 1))
	dir := t.TempDir()
	write := func(name string, n int) string {
		var b strings.Builder
		b.WriteString("x1,x2,label\n")
		for i := range n {
			c := i % 3 % 2 // a third positive
			fmt.Fprintf(&b, "%g,%g,%s\n", float64(c)+rng.NormFloat64(), rng.NormFloat64(), []string{"bad", "good"}[c])
		}
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	train1, test1 := write("train.csv", 90), write("test.csv", 30)
	text := fmt.Sprintf("data: {train: %s, test: %s, target: label, validation: 0.3}\nmodel: {layers: [{units: 1, activation: logistic}], loss: binary_cross_entropy}\ntrain: {epochs: 20, batch_size: 8, seed: 3}\noutput: {dir: %s}\n",
		strconv.Quote(train1), strconv.Quote(test1), strconv.Quote(filepath.Join(dir, "run")))
	cfg, err := config.Parse([]byte(text), filepath.Join(dir, "test.yaml"), nil, func(string) (string, bool) { return "", false })
	if err != nil {
		t.Fatal(err)
	}
	r, err := train.FitConfig(t.Context(), cfg, train.FitOptions{Pictures: Run})
	if err != nil {
		t.Fatal(err)
	}
	if r.Problem.Classes[1] != "good" {
		t.Fatalf("classes %q, want good second", r.Problem.Classes)
	}
	splits := binaryCurves(r)
	const tol = 1e-12
	for i, want := range []struct {
		name string
		m    *train.Metrics
	}{{"train", r.Report.Train}, {"validation", r.Report.Validation}, {"test", r.Report.Test}} {
		if i >= len(splits) {
			t.Fatalf("%d curves, want 3", len(splits))
		}
		s := splits[i]
		if s.Name != want.name || want.m == nil || want.m.ROCAUC == nil || want.m.PRAUC == nil {
			t.Fatalf("curve %d is %q (metrics %v), want %q with roc_auc and pr_auc", i, s.Name, want.m, want.name)
		}
		if d := math.Abs(s.AUC - float64(*want.m.ROCAUC)); d > tol || len(s.FPR) == 0 {
			t.Errorf("%s: AUC %v, report roc_auc %v", s.Name, s.AUC, *want.m.ROCAUC)
		}
		if d := math.Abs(s.AP - float64(*want.m.PRAUC)); d > tol || len(s.Recall) == 0 {
			t.Errorf("%s: AP %v, report pr_auc %v", s.Name, s.AP, *want.m.PRAUC)
		}
	}
	for _, name := range []string{"roc.png", "pr.png"} {
		checkPNG(t, filepath.Join(dir, "run", name), 480, 480)
	}
}
