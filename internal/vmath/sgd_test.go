package vmath

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// TestSubScaled checks SubScaled and SubScaled32, by every path and
// exported, on every length 0..70 at every offset 0..7 into guarded
// buffers: the plain loop's bits, nothing written outside w, g unchanged,
// in place (w = g) too, and the finiteness flag with no special value
// and with Inf, -Inf, NaN or an overflowing product at every position.
func TestSubScaled(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 1))
	type special struct {
		name string
		w, g float64 // the values put at the position
	}
	specials := []special{
		{"none", 0, 0},
		{"w=+Inf", math.Inf(1), 1},
		{"w=-Inf", math.Inf(-1), 1},
		{"w=NaN", math.NaN(), 1},
		{"g=+Inf", 1, math.Inf(1)},
		{"g=NaN", 1, math.Float64frombits(0x7FF0000000001234)},
		{"overflow", -math.MaxFloat64, math.MaxFloat64}, // w − lr·g = −Inf
	}
	const lr = 0.75
	for _, sp := range specials {
		for n := range 71 {
			positions := []int{-1}
			if sp.name != "none" {
				positions = positions[:0]
				for i := range n {
					positions = append(positions, i)
				}
			}
			for _, pos := range positions {
				off := (n + pos + 8) % 8
				w := make([]float64, n)
				g := make([]float64, n)
				for i := range w {
					w[i] = r.NormFloat64()
					g[i] = r.NormFloat64()
				}
				if pos >= 0 {
					w[pos], g[pos] = sp.w, sp.g
				}
				w32, g32 := make([]float32, n), make([]float32, n)
				for i := range w {
					w32[i], g32[i] = float32(w[i]), float32(g[i])
				}
				if sp.name == "overflow" && pos >= 0 {
					w32[pos], g32[pos] = -math.MaxFloat32, math.MaxFloat32
				}
				for _, p := range append(paths32(), pathExported) {
					what := fmt.Sprintf("(%s) %s n=%d pos=%d off=%d", p, sp.name, n, pos, off)
					checkSubScaled(t, "SubScaled "+what, w, g, lr, off, func(w, g []float64) bool {
						if p == pathExported {
							return SubScaled(w, g, lr)
						}
						return subScaled(w, g, lr, p)
					})
					checkSubScaled(t, "SubScaled32 "+what, w32, g32, lr, off, func(w, g []float32) bool {
						if p == pathExported {
							return SubScaled32(w, g, lr)
						}
						return subScaled32(w, g, lr, p)
					})
				}
			}
		}
	}
}

// checkSubScaled runs f on copies of w and g placed at offset off into
// guarded buffers, and in place on a copy of g, and checks the results
// against the plain loop.
func checkSubScaled[F float32 | float64](t *testing.T, what string, w, g []F, lr F, off int, f func(w, g []F) bool) {
	t.Helper()
	n := len(w)
	bits := func(v F) uint64 {
		if x, ok := any(v).(float32); ok {
			return uint64(math.Float32bits(x))
		}
		return math.Float64bits(float64(any(v).(float64)))
	}
	guard := F(math.Inf(-1))
	wBuf := make([]F, off+n+3)
	gBuf := make([]F, (off+5)%8+n+3)
	for i := range wBuf {
		wBuf[i] = guard
	}
	for i := range gBuf {
		gBuf[i] = guard
	}
	wv := wBuf[off : off+n : off+n]
	gv := gBuf[(off+5)%8 : (off+5)%8+n : (off+5)%8+n]
	copy(wv, w)
	copy(gv, g)
	want := append([]F(nil), w...)
	finite := true
	for j := range want {
		want[j] -= F(lr * g[j]) // rounded, as the kernels do (no fused multiply-add)
		if math.IsInf(float64(want[j]), 0) || want[j] != want[j] {
			finite = false
		}
	}
	got := f(wv, gv)
	if got != finite {
		t.Errorf("%s: finite = %v, want %v", what, got, finite)
	}
	for j := range wv {
		if bits(wv[j]) != bits(want[j]) {
			t.Errorf("%s: w[%d] = %v, plain loop %v", what, j, wv[j], want[j])
		}
		if bits(gv[j]) != bits(g[j]) {
			t.Errorf("%s: g[%d] modified", what, j)
		}
	}
	for i := range wBuf {
		if (i < off || i >= off+n) && bits(wBuf[i]) != bits(guard) {
			t.Errorf("%s: wrote outside w", what)
		}
	}
	// In place: w = g.
	same := append([]F(nil), g...)
	wantSame := append([]F(nil), g...)
	finite = true
	for j := range wantSame {
		wantSame[j] -= F(lr * wantSame[j])
		if math.IsInf(float64(wantSame[j]), 0) || wantSame[j] != wantSame[j] {
			finite = false
		}
	}
	if got := f(same, same); got != finite {
		t.Errorf("%s, w = g: finite = %v, want %v", what, got, finite)
	}
	for j := range same {
		if bits(same[j]) != bits(wantSame[j]) {
			t.Errorf("%s, w = g: w[%d] = %v, plain loop %v", what, j, same[j], wantSame[j])
		}
	}
}

func TestSubScaledPanics(t *testing.T) {
	for _, f := range []func(){
		func() { SubScaled(make([]float64, 3), make([]float64, 4), 1) },
		func() { SubScaled32(make([]float32, 4), make([]float32, 3), 1) },
	} {
		func() {
			defer func() {
				if err, _ := recover().(error); err == nil || !errorsIsLength(err) {
					t.Errorf("recovered %v, want ErrLength", err)
				}
			}()
			f()
		}()
	}
}
