package plot

import (
	"math"
	"os"
	"path/filepath"
	"testing"
)

func TestLearningRate(t *testing.T) {
	t.Parallel()
	cosine := func(n, warm int) ([]int, []float64) {
		epochs, rates := make([]int, n), make([]float64, n)
		for i := range n {
			epochs[i] = i + 1
			if i < warm {
				rates[i] = 0.1 * float64(i+1) / float64(warm)
				continue
			}
			e := float64(i - warm)
			rates[i] = 0.001 + (0.1-0.001)*(1+math.Cos(math.Pi*e/float64(n-warm)))/2
		}
		return epochs, rates
	}
	epochs, rates := cosine(60, 5)
	step := make([]float64, 60)
	for i := range step {
		step[i] = 0.1 * math.Pow(0.1, float64(i/20))
	}
	for _, tc := range []struct {
		name   string
		epochs []int
		rates  []float64
		fails  bool
	}{
		{name: "cosine_warmup", epochs: epochs, rates: rates},
		{name: "step_log", epochs: epochs, rates: step},
		{name: "few", epochs: epochs[:4], rates: []float64{0.05, 0.1, 0.1, 0.05}},
		{name: "one", epochs: epochs[:1], rates: []float64{0.1}},
		{name: "none", epochs: []int{}, rates: []float64{}},
		{name: "zero_rate", epochs: epochs[:2], rates: []float64{0.1, 0}, fails: true},
		{name: "lengths", epochs: epochs[:2], rates: []float64{0.1}, fails: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			err := LearningRate(dir, "test — "+tc.name, tc.epochs, tc.rates)
			if tc.fails {
				if err == nil {
					t.Error("no error")
				}
				if _, err := os.Stat(filepath.Join(dir, "lr.png")); err == nil {
					t.Error("lr.png written anyway")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			checkPNG(t, filepath.Join(dir, "lr.png"), 576, 384)
			keepPlot(t, filepath.Join(dir, "lr.png"), "lr_"+tc.name+".png")
		})
	}
}
