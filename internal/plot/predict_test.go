package plot

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/mlptrain/mlptrain/internal/data"
	"github.com/mlptrain/mlptrain/internal/layers"
	"github.com/mlptrain/mlptrain/internal/train"
)

// savedNet returns a saved model of 2 features, polynomial degree 2 and
// the given hidden widths, with random weights.
func savedNet(t *testing.T, hidden ...int) *train.Saved {
	t.Helper()
	poly := data.Polynomial{Degree: 2, Inputs: 2}
	inputs := 5 // x1, x2, x1², x1·x2, x2²
	units := append(hidden, 3)
	acts := make([]string, len(units))
	for i := range acts {
		acts[i] = "tanh"
	}
	acts[len(acts)-1] = "softmax"
	m, err := layers.New(layers.Spec{Inputs: inputs, Units: units, Acts: acts, Loss: "cross_entropy"})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Init("xavier", rand.New(rand.NewPCG(4, 1))); err != nil {
		t.Fatal(err)
	}
	sc := &data.Scaler{Method: "standardize", Offset: []float64{0.5, -1, 0, 1, 2}, Scale: []float64{2, 0.5, 1, 3, 1.5}}
	return &train.Saved{Features: []string{"a", "b"}, Poly: poly, Scaler: sc, Classes: []string{"p", "q", "r"}, Model: m}
}

// TestBatchPredictor checks that the pictures' predictor gives, a batch
// at a time, the bits of one row at a time (the way pictures were drawn
// before, at a forward pass per point: 40,000 for a boundary, which took
// minutes for a network of 20,000 layers), and that it takes a grid in as
// few passes as its memory bound allows.
func TestBatchPredictor(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(9, 2))
	for _, tc := range []struct {
		name      string
		hidden    []int
		n         int
		maxPasses int
	}{
		{"small net, whole grid in one pass", []int{8}, boundaryGrid * boundaryGrid, 1},
		{"odd batch", []int{4, 4}, 7, 1},
		{"deep narrow net, bounded batches", make([]int, 3000), 1000, 1000/(predictBytes/(8*(2+5+3*(3000+3)))) + 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			for i := range tc.hidden {
				if tc.hidden[i] == 0 {
					tc.hidden[i] = 1
				}
			}
			s := savedNet(t, tc.hidden...)
			xs, ys := make([]float64, tc.n), make([]float64, tc.n)
			for i := range xs {
				xs[i], ys[i] = 4*rng.Float64()-2, 4*rng.Float64()-2
			}
			bp := newBatchPredictor(s, tc.n)
			got := mat.NewDense(tc.n, 3, nil)
			passes, covered := 0, 0
			bp.each(tc.n, func(lo, hi int, y *mat.Dense) {
				passes++
				if lo != covered || hi <= lo {
					t.Fatalf("batch %d..%d after rows 0..%d", lo, hi, covered)
				}
				covered = hi
				for i := lo; i < hi; i++ {
					got.SetRow(i, y.RawRowView(i-lo))
				}
			}, xs, ys)
			if covered != tc.n || passes > tc.maxPasses {
				t.Errorf("covered %d of %d rows in %d passes, want all in at most %d", covered, tc.n, passes, tc.maxPasses)
			}
			one := newBatchPredictor(s, 1)
			for i := 0; i < tc.n; i += max(1, tc.n/50) {
				one.each(1, func(_, _ int, y *mat.Dense) {
					for j := range 3 {
						if a, b := got.At(i, j), y.At(0, j); math.Float64bits(a) != math.Float64bits(b) {
							t.Fatalf("row %d output %d: %v in a batch, %v alone", i, j, a, b)
						}
					}
				}, xs[i:i+1], ys[i:i+1])
			}
		})
	}
}
