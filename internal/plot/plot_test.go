package plot

import (
	"bytes"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"math/rand/v2"
	"slices"

	"gonum.org/v1/plot/plotter"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gonum.org/v1/plot"
)

var update = flag.Bool("update", false, "update golden files")

var plotDir = flag.String("plotdir", "", "also copy the images written by the Plot tests into this folder, to look at them")

// keepPlot copies the file at path to *plotDir, if set, as name.
func keepPlot(t *testing.T, path, name string) {
	t.Helper()
	if *plotDir == "" {
		return
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(*plotDir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(*plotDir, name), b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// checkPNG fails t unless path holds a PNG of w × h pixels, which it
// returns.
func checkPNG(t *testing.T, path string, w, h int) image.Image {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("decode %s: %v", path, err)
	}
	if b := img.Bounds(); b.Dx() != w || b.Dy() != h {
		t.Errorf("%s is %d×%d pixels, want %d×%d", path, b.Dx(), b.Dy(), w, h)
	}
	return img
}

// lossCurve returns epochs 1…n and a loss a·qᵉ + floor with
// multiplicative noise of relative size noise. It uses only the basic
// arithmetic operations, unfused, so that the golden plot does not depend
// on how an architecture computes math.Exp.
func lossCurve(rng *rand.Rand, n int, a, q, floor, noise float64) ([]int, []float64) {
	epochs := make([]int, n)
	loss := make([]float64, n)
	decay := a
	for i := range n {
		decay *= q
		epochs[i] = i + 1
		loss[i] = (decay + floor) * (1 + float64(noise*(rng.Float64()-0.5)))
	}
	return epochs, loss
}

func TestLoss(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 1))
	epochs, decay := lossCurve(rng, 60, 2.3, 0.867, 0.004, 0.2)
	_, decayVal := lossCurve(rng, 60, 2.1, 0.895, 0.03, 0.2)
	_, flat := lossCurve(rng, 40, 0.1, 0.905, 0.5, 0.1)
	_, flatVal := lossCurve(rng, 40, 0.1, 0.905, 0.55, 0.1)
	withTail := func(v []float64, from int, tail ...float64) []float64 {
		w := append([]float64(nil), v...)
		for i := from; i < len(w); i++ {
			w[i] = tail[(i-from)%len(tail)]
		}
		return w
	}
	withZeros := append([]float64(nil), decay...)
	withZeros[20], withZeros[40], withZeros[59] = 0, -1e-3, 0
	nan := math.NaN()
	inf := math.Inf(1)

	for _, tc := range []struct {
		name       string
		epochs     []int
		train, val []float64
		wantLog    bool
		golden     string
		best       int // the epoch marked, 0 for none
	}{
		{name: "decay", epochs: epochs, train: decay, val: decayVal, wantLog: true, golden: "plot_loss.svg.golden"},
		{name: "flat", epochs: epochs[:40], train: flat, val: flatVal},
		{name: "flat_val_nil", epochs: epochs[:40], train: flat},
		{name: "decay_val_nil", epochs: epochs, train: decay, wantLog: true},
		{name: "diverged", epochs: epochs, train: withTail(decay, 35, 1e3, inf, nan), val: withTail(decayVal, 30, nan), wantLog: true},
		{name: "diverged_linear", epochs: epochs[:40], train: withTail(flat, 25, inf), val: flatVal},
		{name: "log_with_zeros", epochs: epochs, train: withZeros, val: decayVal, wantLog: true},
		{name: "val_all_nan", epochs: epochs[:40], train: flat, val: withTail(flatVal, 0, nan)},
		{name: "single_epoch", epochs: []int{1}, train: []float64{0.69}, val: []float64{0.71}},
		{name: "two_epochs", epochs: []int{1, 2}, train: []float64{0.69, 0.52}, val: []float64{0.71, 0.60}},
		{name: "all_nan", epochs: epochs[:5], train: withTail(flat[:5], 0, nan), val: withTail(flat[:5], 0, inf)},
		{name: "no_epochs", epochs: []int{}, train: []float64{}},
		{name: "extremes_log", epochs: []int{1, 2, 3, 4, 5}, train: []float64{1e308, 1e-308, 5e-324, 0, -5}, wantLog: true},
		{name: "negative", epochs: []int{1, 2, 3}, train: []float64{-1, -2, -3}, val: []float64{-1, -1, -1}},
		{name: "huge_span", epochs: []int{1, 2, 3}, train: []float64{1e308, -1e308, 1e308}},
		{name: "constant", epochs: []int{1, 2, 3}, train: []float64{0, 0, 0}, val: []float64{0.5, 0.5, 0.5}},
		{name: "unsorted_epochs", epochs: []int{3, 1, 2}, train: []float64{0.3, 0.1, 0.2}},
		{name: "best_early_stopping", epochs: epochs[:40], train: decay[:40], val: withTail(decayVal[:40], 25, 0.12, 0.13, 0.125), wantLog: true, best: 27, golden: "plot_loss_best.svg.golden"},
		{name: "best_linear", epochs: epochs[:40], train: flat, val: flatVal, best: 18},
		{name: "best_last", epochs: []int{1, 2, 3}, train: []float64{0.69, 0.52, 0.4}, val: []float64{0.71, 0.60, 0.5}, best: 3},
		{name: "best_not_an_epoch", epochs: []int{1, 2, 3}, train: []float64{0.69, 0.52, 0.4}, best: 9},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p, err := lossPlot(tc.name, tc.epochs, tc.train, tc.val, tc.best)
			if err != nil {
				t.Fatalf("lossPlot: %v", err)
			}
			if _, isLog := p.Y.Scale.(plot.LogScale); isLog != tc.wantLog {
				t.Errorf("log scale = %t, want %t", isLog, tc.wantLog)
			}

			dir := t.TempDir()
			if err := Loss(dir, "test — "+strings.ReplaceAll(tc.name, "_", " "), tc.epochs, tc.train, tc.val, tc.best); err != nil {
				t.Fatalf("Loss: %v", err)
			}
			checkPNG(t, filepath.Join(dir, "loss.png"), 576, 384)
			keepPlot(t, filepath.Join(dir, "loss.png"), "loss_"+tc.name+".png")
			svg, err := os.ReadFile(filepath.Join(dir, "loss.svg"))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.HasPrefix(bytes.TrimSpace(svg), []byte("<?xml")) || !bytes.Contains(svg, []byte("<svg")) {
				t.Errorf("loss.svg does not look like SVG: %.80q", svg)
			}
			if mark := fmt.Sprintf("best epoch %d (model.json)", tc.best); bytes.Contains(svg, []byte(mark)) != slices.Contains(tc.epochs, tc.best) {
				t.Errorf("loss.svg has %q: %t, want %t", mark, !slices.Contains(tc.epochs, tc.best), slices.Contains(tc.epochs, tc.best))
			}
			if tc.golden == "" {
				return
			}
			golden := filepath.Join("testdata", tc.golden)
			if *update {
				if err := os.WriteFile(golden, svg, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -run TestLoss -update to create it)", err)
			}
			if !bytes.Equal(svg, want) {
				t.Errorf("loss.svg differs from %s; if the change is intended, run go test -run TestLoss -update and look at the new plot", golden)
			}
		})
	}
}

func TestLossDeterministic(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(2, 1))
	epochs, train := lossCurve(rng, 30, 1, 0.82, 0.01, 0.3)
	var svgs [2][]byte
	for i := range svgs {
		dir := t.TempDir()
		if err := Loss(dir, "again", epochs, train, nil, 0); err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(filepath.Join(dir, "loss.svg"))
		if err != nil {
			t.Fatal(err)
		}
		svgs[i] = b
	}
	if !bytes.Equal(svgs[0], svgs[1]) {
		t.Error("two runs of Loss wrote different SVGs")
	}
}

func TestLossInputUnmodified(t *testing.T) {
	t.Parallel()
	train := []float64{1, 0.1, 0, -1, math.NaN(), 5}
	val := []float64{2, 0.01, 0.001, math.Inf(1), 1, 1}
	tc, vc := append([]float64(nil), train...), append([]float64(nil), val...)
	if err := Loss(t.TempDir(), "x", []int{1, 2, 3, 4, 5, 6}, train, val, 0); err != nil {
		t.Fatal(err)
	}
	for i := range train {
		if !same(train[i], tc[i]) || !same(val[i], vc[i]) {
			t.Fatalf("Loss modified its input: train %v, val %v", train, val)
		}
	}
}

func same(a, b float64) bool { return a == b || math.IsNaN(a) && math.IsNaN(b) }

// blobs returns n points per class around the given centers, seeded.
func blobs(rng *rand.Rand, n int, centers [][2]float64, sd float64) ([][2]float64, []int) {
	var pts [][2]float64
	var labels []int
	for c, m := range centers {
		for range n {
			pts = append(pts, [2]float64{m[0] + sd*rng.NormFloat64(), m[1] + sd*rng.NormFloat64()})
			labels = append(labels, c)
		}
	}
	return pts, labels
}

// nearest returns a predict function choosing the nearest center.
func nearest(centers [][2]float64) func(x, y float64) int {
	return func(x, y float64) int {
		best, bd := 0, math.Inf(1)
		for i, c := range centers {
			if d := math.Hypot(x-c[0], y-c[1]); d < bd {
				best, bd = i, d
			}
		}
		return best
	}
}

func TestBoundary(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(3, 1))
	xorPts, xorLabels := blobs(rng, 25, [][2]float64{{0, 0}, {1, 1}, {0, 1}, {1, 0}}, 0.12)
	for i := range xorLabels {
		xorLabels[i] = map[int]int{0: 0, 1: 0, 2: 1, 3: 1}[xorLabels[i]]
	}
	xor := func(x, y float64) int {
		if (x-0.5)*(y-0.5) > 0 {
			return 0
		}
		return 1
	}
	three := [][2]float64{{-1, 0}, {1, 0.5}, {0.2, -1.2}}
	threePts, threeLabels := blobs(rng, 40, three, 0.45)
	ten := make([][2]float64, 10)
	for i := range ten {
		a := 2 * math.Pi * float64(i) / 10
		ten[i] = [2]float64{3 * math.Cos(a), 3 * math.Sin(a)}
	}
	tenPts, tenLabels := blobs(rng, 12, ten, 0.5)
	tenNames := []string{"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"}

	for _, tc := range []struct {
		name    string
		xr, yr  [2]float64
		predict func(x, y float64) int
		points  [][2]float64
		labels  []int
		classes []string
	}{
		{"xor_2_classes", [2]float64{-0.5, 1.5}, [2]float64{-0.5, 1.5}, xor, xorPts, xorLabels, []string{"false", "true"}},
		{"blobs_3_classes", [2]float64{-3, 3}, [2]float64{-3, 2.5}, nearest(three), threePts, threeLabels, []string{"setosa", "versicolor", "virginica"}},
		{"blobs_10_classes", [2]float64{-5, 5}, [2]float64{-5, 5}, nearest(ten), tenPts, tenLabels, tenNames},
		// The points reach beyond the range, which widens to take them in.
		{"points_outside_range", [2]float64{0, 0.5}, [2]float64{0, 0.5}, xor, xorPts, xorLabels, []string{"false", "true"}},
		{"no_points", [2]float64{-3, 3}, [2]float64{-3, 3}, nearest(three), nil, nil, []string{"a", "b", "c"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "boundary.png")
			err := Boundary(path, "test — "+strings.ReplaceAll(tc.name, "_", " "), "x₁", "x₂", tc.xr, tc.yr, each(tc.predict), tc.points, tc.labels, tc.classes)
			if err != nil {
				t.Fatalf("Boundary: %v", err)
			}
			img := checkPNG(t, path, 672, 480)
			keepPlot(t, path, "boundary_"+tc.name+".png")
			// Every class's tint fills some region.
			counts := make(map[color.RGBA]int)
			b := img.Bounds()
			for y := b.Min.Y; y < b.Max.Y; y++ {
				for x := b.Min.X; x < b.Max.X; x++ {
					r, g, bl, a := img.At(x, y).RGBA()
					counts[color.RGBA{uint8(r >> 8), uint8(g >> 8), uint8(bl >> 8), uint8(a >> 8)}]++
				}
			}
			for i := range tc.classes {
				if n := counts[tint(classColor(i))]; n < 100 {
					t.Errorf("class %d's tint %v fills %d pixels, want at least 100", i, tint(classColor(i)), n)
				}
			}
		})
	}
}

func TestFit(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(4, 1))
	var xs, ts []float64
	for range 80 {
		x := -3 + 6*rng.Float64()
		xs = append(xs, x)
		ts = append(ts, math.Sin(x)+0.1*x*x+0.15*rng.NormFloat64())
	}
	for _, tc := range []struct {
		name  string
		xs    []float64
		curve func(x float64) float64
		xr    [2]float64
	}{
		{"smooth", xs, func(x float64) float64 { return math.Sin(x) + 0.1*x*x }, [2]float64{-3.2, 3.2}},
		// The curve explodes beyond the data and is not finite in places;
		// the axis stays near the data.
		{"wild_curve", xs, func(x float64) float64 {
			if x > 0.5 && x < 0.8 {
				return math.NaN()
			}
			return math.Sin(x) + math.Exp(3*x)/50
		}, [2]float64{-4, 4}},
		{"no_data", nil, math.Tanh, [2]float64{-3, 3}},
		{"curve_not_finite", xs, func(float64) float64 { return math.Inf(1) }, [2]float64{-3, 3}},
		{"huge", []float64{0, 1, math.NaN()}, func(x float64) float64 { return 1e308 * (2*x - 1) }, [2]float64{0, 1}},
		{"one_point", []float64{0.5}, func(x float64) float64 { return x }, [2]float64{0, 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "fit.png")
			ts := ts[:len(tc.xs)]
			if tc.name == "huge" {
				ts = []float64{-1e308, 1e308, 0}
			}
			if err := Fit(path, "test — "+strings.ReplaceAll(tc.name, "_", " "), "x", "t", tc.xs, ts, eachX(tc.curve), tc.xr); err != nil {
				t.Fatalf("Fit: %v", err)
			}
			checkPNG(t, path, 576, 384)
			keepPlot(t, path, "fit_"+tc.name+".png")
		})
	}
}

func TestPlotErrors(t *testing.T) {
	t.Parallel()
	missing := filepath.Join(t.TempDir(), "no", "such", "dir")
	epochs := []int{1, 2, 3}
	loss := []float64{1, 0.5, 0.25}
	pts := [][2]float64{{0, 0}, {1, 1}}
	half := each(func(x, y float64) int {
		if x > 0.5 {
			return 1
		}
		return 0
	})
	two := []string{"a", "b"}
	unit := [2]float64{0, 1}
	id := eachX(func(x float64) float64 { return x })

	for _, tc := range []struct {
		name string
		run  func() error
		want string
	}{
		{"loss unwritable dir", func() error { return Loss(missing, "t", epochs, loss, nil, 0) }, "loss.png"},
		{"loss train length", func() error { return Loss(t.TempDir(), "t", epochs, loss[:2], nil, 0) }, "3 epochs but 2 training"},
		{"loss val length", func() error { return Loss(t.TempDir(), "t", epochs, loss, loss[:1], 0) }, "3 epochs but 1 validation"},
		{"boundary unwritable dir", func() error {
			return Boundary(filepath.Join(missing, "b.png"), "t", "x", "y", unit, unit, half, pts, []int{0, 1}, two)
		}, "b.png"},
		{"boundary label length", func() error {
			return Boundary(filepath.Join(t.TempDir(), "b.png"), "t", "x", "y", unit, unit, half, pts, []int{0}, two)
		}, "2 points but 1 labels"},
		{"boundary label range", func() error {
			return Boundary(filepath.Join(t.TempDir(), "b.png"), "t", "x", "y", unit, unit, half, pts, []int{0, 2}, two)
		}, "label 2"},
		{"boundary prediction range", func() error {
			return Boundary(filepath.Join(t.TempDir(), "b.png"), "t", "x", "y", unit, unit, each(func(x, y float64) int { return -1 }), pts, []int{0, 1}, two)
		}, "= -1"},
		{"boundary empty x range", func() error {
			return Boundary(filepath.Join(t.TempDir(), "b.png"), "t", "x", "y", [2]float64{1, 1}, unit, half, pts, []int{0, 1}, two)
		}, "x range"},
		{"boundary NaN y range", func() error {
			return Boundary(filepath.Join(t.TempDir(), "b.png"), "t", "x", "y", unit, [2]float64{0, math.NaN()}, half, pts, []int{0, 1}, two)
		}, "y range"},
		{"boundary no classes", func() error {
			return Boundary(filepath.Join(t.TempDir(), "b.png"), "t", "x", "y", unit, unit, half, nil, nil, nil)
		}, "no classes"},
		{"boundary huge points", func() error {
			return Boundary(filepath.Join(t.TempDir(), "b.png"), "t", "x", "y", unit, unit, half, [][2]float64{{-1e308, 0}, {1e308, 0}}, []int{0, 1}, two)
		}, "points widen"},
		{"boundary nil predict", func() error {
			return Boundary(filepath.Join(t.TempDir(), "b.png"), "t", "x", "y", unit, unit, nil, pts, []int{0, 1}, two)
		}, "nil predict"},
		{"fit unwritable dir", func() error {
			return Fit(filepath.Join(missing, "f.png"), "t", "x", "t", loss, loss, id, unit)
		}, "f.png"},
		{"fit length", func() error {
			return Fit(filepath.Join(t.TempDir(), "f.png"), "t", "x", "t", loss, loss[:2], id, unit)
		}, "3 inputs but 2 targets"},
		{"fit range", func() error {
			return Fit(filepath.Join(t.TempDir(), "f.png"), "t", "x", "t", loss, loss, id, [2]float64{1, 0})
		}, "x range"},
		{"fit nil curve", func() error {
			return Fit(filepath.Join(t.TempDir(), "f.png"), "t", "x", "t", loss, loss, nil, unit)
		}, "nil curve"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.run()
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got error %v, want one containing %q", err, tc.want)
			}
		})
	}
	if _, err := os.Stat(filepath.Dir(missing)); !os.IsNotExist(err) {
		t.Errorf("a failed plot created %s", filepath.Dir(missing))
	}
}

func TestEpochTicks(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		min, max float64
		want     string
	}{
		{0, 2, "0 1 2"},
		{1, 10, "2 4 6 8 10"},
		{1, 60, "10 20 30 40 50 60"},
		{1, 1000, "200 400 600 800 1000"},
		{0.5, 1.5, "1"},
	} {
		var labels []string
		for _, tk := range (epochTicks{}).Ticks(tc.min, tc.max) {
			if tk.Value != math.Trunc(tk.Value) {
				t.Errorf("epochTicks(%g, %g) has a tick at %g", tc.min, tc.max, tk.Value)
			}
			if tk.Label != "" {
				labels = append(labels, tk.Label)
			}
		}
		if got := strings.Join(labels, " "); got != tc.want {
			t.Errorf("epochTicks(%g, %g) labels = %q, want %q", tc.min, tc.max, got, tc.want)
		}
	}
}

func TestLogTicks(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		min, max float64
		want     string
	}{
		{0.02, 1, "0.02 0.05 0.1 0.2 0.5 1"},
		{1e-4, 20, "0.0001 0.001 0.01 0.1 1 10"},
		{0.003, 2.5, "0.01 0.1 1"},
		{5e-324, 1e308, "1e-206 1e-103 1 1e+103 1e+206"},
		{0, 1, ""},
		{1, 1, ""},
	} {
		var labels []string
		for _, tk := range (logTicks{}).Ticks(tc.min, tc.max) {
			if tk.Value < tc.min || tk.Value > tc.max*(1+1e-9) {
				t.Errorf("logTicks(%g, %g) has a tick at %g", tc.min, tc.max, tk.Value)
			}
			if tk.Label != "" {
				labels = append(labels, tk.Label)
			}
		}
		if got := strings.Join(labels, " "); got != tc.want {
			t.Errorf("logTicks(%g, %g) labels = %q, want %q", tc.min, tc.max, got, tc.want)
		}
	}
}

func TestDecimate(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(8, 8))
	for _, n := range []int{1, 5, 1200, 1201, 20000} {
		xys := make(plotter.XYs, n)
		for i := range xys {
			xys[i] = plotter.XY{X: float64(i + 1), Y: 1/float64(i+1) + 0.01*rng.Float64()}
		}
		got := decimate(xys, 1200)
		if n <= 1200 && len(got) != n {
			t.Errorf("n=%d: decimated to %d points, want all", n, len(got))
		}
		if len(got) > 1200 {
			t.Errorf("n=%d: %d points, want at most 1200", n, len(got))
		}
		if got[0] != xys[0] || got[len(got)-1] != xys[n-1] {
			t.Errorf("n=%d: endpoints not kept", n)
		}
		lo, hi := math.Inf(1), math.Inf(-1)
		for _, p := range xys {
			lo, hi = math.Min(lo, p.Y), math.Max(hi, p.Y)
		}
		glo, ghi := math.Inf(1), math.Inf(-1)
		for i, p := range got {
			glo, ghi = math.Min(glo, p.Y), math.Max(ghi, p.Y)
			if i > 0 && p.X <= got[i-1].X {
				t.Fatalf("n=%d: points out of order at %d", n, i)
			}
		}
		if glo != lo || ghi != hi {
			t.Errorf("n=%d: range [%v, %v], want [%v, %v]", n, glo, ghi, lo, hi)
		}
	}
}

// each is the Classifier that calls f point by point.
func each(f func(x, y float64) int) Classifier {
	return func(x, y []float64, cls []int) {
		for i := range cls {
			cls[i] = f(x[i], y[i])
		}
	}
}

// eachX is the Curve that calls f point by point.
func eachX(f func(x float64) float64) Curve {
	return func(x, y []float64) {
		for i := range y {
			y[i] = f(x[i])
		}
	}
}
