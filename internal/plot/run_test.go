package plot

import (
	"fmt"
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
	var blobs2, line1, plane2 strings.Builder
	blobs2.WriteString("x1,x2,class\n")
	line1.WriteString("x,y\n")
	plane2.WriteString("x1,x2,y\n")
	for i := range 40 {
		c := i % 2
		fmt.Fprintf(&blobs2, "%g,%g,c%d\n", 3*float64(c)+rng.NormFloat64(), -3*float64(c)+rng.NormFloat64(), c)
		x, z := 2*rng.Float64()-1, rng.NormFloat64()
		fmt.Fprintf(&line1, "%g,%g\n", x, 2*x+0.1*z)
		fmt.Fprintf(&plane2, "%g,%g,%g\n", x, z, x-z)
	}
	dir := t.TempDir()
	for _, tc := range []struct {
		name, csv, target, model string
		want                     []string // the pictures, besides loss.png and loss.svg
	}{
		{"classifier of 2 inputs", blobs2.String(), "class", "{layers: [{units: 3, activation: tanh}, {activation: softmax}]}", []string{"boundary.png"}},
		{"regression of 1 input", line1.String(), "y", "{layers: [{units: 3, activation: tanh}, {activation: identity}], loss: squared_error}", []string{"fit.png"}},
		{"regression of 2 inputs", plane2.String(), "y", "{layers: [{activation: identity}], loss: squared_error}", nil},
		// Inputs at ±1e308: no grid spans them, so no boundary.png (this
		// was exit 1, "x range [-Inf, +Inf]"); the run is written.
		{"classifier of inputs near MaxFloat64", "x1,x2,class\n1e308,0,a\n-1e308,1,b\n1,0,b\n1,1,a\n0,0,a\n0,1,b\n2,2,a\n3,3,b\n", "class",
			"{layers: [{units: 2, activation: tanh}, {activation: softmax}]}", nil},
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
			text := fmt.Sprintf("data: {train: %s, target: %s, validation: 0.25, normalize: %s}\nmodel: %s\ntrain: {epochs: 5, batch_size: 8, seed: 2}\noutput: {dir: %s}\n",
				strconv.Quote(csv), tc.target, norm, tc.model, strconv.Quote(out))
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
				if name == "boundary.png" {
					w, h = 672, 480
				}
				checkPNG(t, filepath.Join(out, name), w, h)
			}
		})
	}
}
