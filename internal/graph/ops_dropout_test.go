package graph

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// keptTol bounds the fraction of kept mask entries around 1−p: over
// 200 000 draws its standard deviation is at most 0.0012, so this is
// about 4σ.
const keptTol = 0.005

// TestDrawMaskStatistics checks that DrawMask keeps a fraction 1−p of the
// entries, over many seeded draws, that it gives only 0 and 1, and that
// the same seed gives the same masks.
func TestDrawMaskStatistics(t *testing.T) {
	t.Parallel()
	for i, p := range []float64{0, 0.1, 0.25, 0.5, 0.9} {
		m := mat.NewDense(37, 27, nil) // an odd number of entries
		rng := rand.NewPCG(31, uint64(i))
		kept, total := 0, 0
		for range 200 {
			DrawMask(m, p, rng)
			for _, v := range raw(m) {
				switch v {
				case 1:
					kept++
				case 0:
				default:
					t.Fatalf("p=%v: mask entry %v, want 0 or 1", p, v)
				}
				total++
			}
		}
		if got := float64(kept) / float64(total); math.Abs(got-(1-p)) > keptTol {
			t.Errorf("p=%v: kept a fraction %v, want %v ± %v", p, got, 1-p, keptTol)
		}
		a, b := mat.NewDense(5, 7, nil), mat.NewDense(5, 7, nil)
		DrawMask(a, p, rand.NewPCG(7, 7))
		DrawMask(b, p, rand.NewPCG(7, 7))
		if !slices.Equal(raw(a), raw(b)) {
			t.Errorf("p=%v: two draws from the same seed differ", p)
		}
	}
}

// TestDropoutScale checks the inverted scaling: kept entries are x/(1−p),
// dropped ones 0, and the mean over many masks is about x.
func TestDropoutScale(t *testing.T) {
	t.Parallel()
	g := New()
	x := g.Param("x", mat.NewDense(2, 3, []float64{1, -2, 3, 4, 5, -6}))
	m := g.Input("mask", 2, 3)
	y := Dropout(x, m, 0.75)
	copy(raw(m.Value()), []float64{1, 0, 1, 0, 0, 1})
	g.Forward()
	if got, want := raw(y.Value()), []float64{4, 0, 12, 0, 0, -24}; !slices.Equal(got, want) {
		t.Errorf("Dropout = %v, want %v", got, want)
	}
	rng := rand.NewPCG(32, 0)
	sum := make([]float64, 6)
	const draws = 20000
	for range draws {
		DrawMask(m.Value(), 0.75, rng)
		g.Forward()
		for i, v := range raw(y.Value()) {
			sum[i] += v / draws
		}
	}
	for i, v := range raw(x.Value()) {
		// Each mean has a standard deviation of |x|·√(p/(1−p)/draws) ≈ 0.012|x|.
		if math.Abs(sum[i]-v) > 0.05*math.Abs(v) {
			t.Errorf("mean of y[%d] over %d masks = %v, want about %v", i, draws, sum[i], v)
		}
	}
}
