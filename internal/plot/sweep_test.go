package plot

import (
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"gonum.org/v1/plot"
)

func TestSweep(t *testing.T) {
	t.Parallel()
	nan := math.NaN()
	for _, tc := range []struct {
		name             string
		xs, train, val   []float64
		best             int
		wantLogX         bool
		wantLogY         bool
		wantValueTicks   bool // ticks at the swept values themselves
		wantLegendSubstr []string
	}{
		{"learning_rate_two_decades", []float64{0.001, 0.01, 0.1}, []float64{0.17, 0.07, 0.037}, []float64{0.078, 0.17, 0.035}, 2,
			true, false, true, []string{"validation loss", "train loss", "best: lr = 0.1"}},
		{"learning_rate_diverged", []float64{1e-4, 1e-3, 1e-2, 0.1, 1, 10, 100}, []float64{0.28, 0.17, 0.08, 0.057, 0.038, nan, nan},
			[]float64{0.13, 0.077, 0.16, 0.12, 0.074, nan, nan}, 4, true, false, true, []string{"diverged (no loss)"}},
		{"degree", []float64{1, 3, 9}, []float64{0.2, 0.05, 0.001}, []float64{0.25, 0.08, 0.9}, 1,
			false, true, true, []string{"best: lr = 3"}},
		{"one_decade", []float64{100, 1000}, []float64{0.1, 0.2}, []float64{0.15, 0.25}, 0, false, false, true, nil},
		{"zero_and_negative", []float64{-1, 0, 1}, []float64{0.3, 0.2, 0.1}, []float64{0.3, 0.2, 0.4}, 1, false, false, true, nil},
		{"all_missing", []float64{100, 1000}, []float64{nan, nan}, []float64{nan, nan}, -1, false, false, true, []string{"diverged (no loss)"}},
		{"one_point", []float64{0.5}, []float64{0.1}, []float64{0.2}, 0, false, false, true, nil},
		{"many_values", []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14}, make14(0.5), make14(0.6), 13, false, false, false, nil},
		{"crowded_values", []float64{1, 1.01, 5}, []float64{0.1, 0.2, 0.3}, []float64{0.2, 0.3, 0.4}, 0, false, false, false, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			xs, tr, va := slices.Clone(tc.xs), slices.Clone(tc.train), slices.Clone(tc.val)
			p, legend, err := sweepPlot("test — "+tc.name, "lr", "", tc.xs, tc.train, tc.val, tc.best, "")
			if err != nil {
				t.Fatalf("sweepPlot: %v", err)
			}
			_, logX := p.X.Scale.(plot.LogScale)
			_, logY := p.Y.Scale.(plot.LogScale)
			if logX != tc.wantLogX || logY != tc.wantLogY {
				t.Errorf("log X %v, log Y %v; want %v, %v", logX, logY, tc.wantLogX, tc.wantLogY)
			}
			_, valueTicks := p.X.Tick.Marker.(plot.ConstantTicks)
			if valueTicks != tc.wantValueTicks {
				t.Errorf("ticks at the swept values: %v, want %v", valueTicks, tc.wantValueTicks)
			}
			for _, x := range tc.xs {
				if x < p.X.Min || x > p.X.Max {
					t.Errorf("x %g outside the X axis [%g, %g]", x, p.X.Min, p.X.Max)
				}
			}
			for _, s := range [][]float64{tc.train, tc.val} {
				for _, v := range s {
					if finite(v) && (v < p.Y.Min || v > p.Y.Max) {
						t.Errorf("loss %g outside the Y axis [%g, %g]", v, p.Y.Min, p.Y.Max)
					}
				}
			}
			if wantLabel := strings.Contains(p.X.Label.Text, "log scale"); wantLabel != logX {
				t.Errorf("X label %q, log scale %v", p.X.Label.Text, logX)
			}
			if wantLabel := strings.Contains(p.Y.Label.Text, "log scale"); wantLabel != logY {
				t.Errorf("Y label %q, log scale %v", p.Y.Label.Text, logY)
			}
			if p.Title.Text == "" || p.X.Label.Text == "" || p.Y.Label.Text == "" {
				t.Errorf("missing title or axis label: %q, %q, %q", p.Title.Text, p.X.Label.Text, p.Y.Label.Text)
			}
			for _, want := range tc.wantLegendSubstr {
				if !slices.ContainsFunc(legend, func(e string) bool { return strings.Contains(e, want) }) {
					t.Errorf("legend %q has no entry with %q", legend, want)
				}
			}
			if !slices.Equal(xs, tc.xs) || !sameFloats(tr, tc.train) || !sameFloats(va, tc.val) {
				t.Errorf("sweepPlot modified its inputs")
			}

			path := filepath.Join(t.TempDir(), "sweep.png")
			if err := Sweep(path, "test — "+tc.name, "lr", "", tc.xs, tc.train, tc.val, tc.best, ""); err != nil {
				t.Fatalf("Sweep: %v", err)
			}
			checkPNG(t, path, 576, 384)
			keepPlot(t, path, "sweep_"+tc.name+".png")
		})
	}
}

func make14(v float64) []float64 {
	s := make([]float64, 14)
	for i := range s {
		s[i] = v + 0.01*float64(i)
	}
	return s
}

// sameFloats reports whether a and b are equal, NaN matching NaN.
func sameFloats(a, b []float64) bool {
	return slices.EqualFunc(a, b, func(x, y float64) bool { return x == y || math.IsNaN(x) && math.IsNaN(y) })
}

func TestSweepErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, tc := range []struct {
		name           string
		xs, train, val []float64
		best           int
		want           string
	}{
		{"lengths", []float64{1, 2}, []float64{1}, []float64{1, 2}, 0, "2 values but 1 training"},
		{"best_high", []float64{1, 2}, []float64{1, 2}, []float64{1, 2}, 2, "best point 2 of 2"},
		{"best_low", []float64{1, 2}, []float64{1, 2}, []float64{1, 2}, -2, "best point -2"},
		{"nan_x", []float64{1, math.NaN()}, []float64{1, 2}, []float64{1, 2}, 0, "not finite"},
		{"empty", nil, nil, nil, -1, "no points"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(dir, tc.name+".png")
			err := Sweep(path, "t", "x", "", tc.xs, tc.train, tc.val, tc.best, "")
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Sweep error %v, want one containing %q", err, tc.want)
			}
			if _, serr := os.Stat(path); serr == nil {
				t.Errorf("Sweep wrote %s despite the error", path)
			}
		})
	}
	if err := Sweep(filepath.Join(dir, "no", "such", "sweep.png"), "t", "x", "", []float64{1}, []float64{1}, []float64{1}, 0, ""); err == nil {
		t.Error("Sweep into a missing folder: no error")
	}
}

// TestSweepMetric checks a sweep plot of another metric than the loss:
// its axis and legend name it, and its Y axis stays linear however far
// its values span.
func TestSweepMetric(t *testing.T) {
	t.Parallel()
	nan := math.NaN()
	p, legend, err := sweepPlot("t", "lr", "roc_auc", []float64{0.001, 0.01, 0.1}, []float64{0.99, 0.6, nan}, []float64{0.95, 0.01, nan}, 0, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, logY := p.Y.Scale.(plot.LogScale); logY || p.Y.Label.Text != "roc_auc" {
		t.Errorf("Y axis %q, log %v; want roc_auc, linear", p.Y.Label.Text, logY)
	}
	for _, want := range []string{"validation roc_auc", "train roc_auc", "best: lr = 0.001", "diverged (no roc_auc)"} {
		if !slices.Contains(legend, want) {
			t.Errorf("legend %q lacks %q", legend, want)
		}
	}
}
