package plot

import (
	"image/png"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestSweepHeat(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	nan := math.NaN()
	for _, tc := range []struct {
		name       string
		xs, ys, vs []float64
		o          HeatOptions
		grid       bool
		err        string
	}{
		{name: "grid", xs: []float64{1, 1, 2, 2, 3, 3}, ys: []float64{4, 64, 4, 64, 4, 64}, vs: []float64{0.3, 0.2, 0.1, nan, 0.5, 0.4},
			o: HeatOptions{LowerBetter: true, Best: 2}, grid: true},
		{name: "random on log axes", xs: []float64{1e-4, 3e-3, 0.1, 0.02}, ys: []float64{8, 16, 60, 3}, vs: []float64{0.5, 0.9, nan, 0.7},
			o: HeatOptions{LogX: true, Best: 1}},
		{name: "one value", xs: []float64{1}, ys: []float64{2}, vs: []float64{nan}, o: HeatOptions{Best: -1}, grid: true},
		{name: "lengths", xs: []float64{1, 2}, ys: []float64{1}, vs: []float64{1, 2}, o: HeatOptions{Best: -1}, err: "2 x, 1 y and 2 values"},
		{name: "no points", o: HeatOptions{Best: -1}, err: "no points"},
		{name: "best out of range", xs: []float64{1}, ys: []float64{1}, vs: []float64{1}, o: HeatOptions{Best: 1}, err: "best point 1 of 1"},
		{name: "zero on a log axis", xs: []float64{0, 1}, ys: []float64{1, 1}, vs: []float64{1, 2}, o: HeatOptions{LogX: true, Best: -1}, err: "cannot be placed"},
		{name: "NaN x", xs: []float64{nan}, ys: []float64{1}, vs: []float64{1}, o: HeatOptions{Best: -1}, err: "cannot be placed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.o.Title, tc.o.XName, tc.o.YName, tc.o.Metric = "t", "x", "y", "validation loss"
			path := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "_")+".png")
			err := SweepHeat(path, tc.xs, tc.ys, tc.vs, tc.o)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("SweepHeat error %v, want one containing %q", err, tc.err)
				}
				if _, err := os.Stat(path); err == nil {
					t.Error("a failed SweepHeat wrote its file")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			f, err := os.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if _, err := png.Decode(f); err != nil {
				t.Errorf("sweep.png does not decode: %v", err)
			}
			main, _, err := heatPlots(tc.xs, tc.ys, tc.vs, tc.o)
			if err != nil {
				t.Fatal(err)
			}
			if g := main.X.Min == -0.5; g != tc.grid {
				t.Errorf("drawn as a grid: %v, want %v", g, tc.grid)
			}
			anyNaN := slices.ContainsFunc(tc.vs, math.IsNaN)
			if missing := strings.Contains(main.Title.Text, "× no value"); missing != anyNaN {
				t.Errorf("title %q, want the × note: %v", main.Title.Text, anyNaN)
			}
		})
	}
}

func TestRankTicks(t *testing.T) {
	t.Parallel()
	ticks := rankTicks([]float64{0.001, 0.01, 1e4})
	if len(ticks) != 3 || ticks[2].Label != "1e+04" || ticks[1].Value != 1 {
		t.Errorf("rankTicks = %v", ticks)
	}
	var many []float64
	for i := range 30 {
		many = append(many, float64(i))
	}
	labelled := 0
	for _, tk := range rankTicks(many) {
		if tk.Label != "" {
			labelled++
		}
	}
	if labelled > sweepValueTicks {
		t.Errorf("%d of 30 ticks labelled, want at most %d", labelled, sweepValueTicks)
	}
}
