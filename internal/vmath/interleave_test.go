package vmath

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
	"unsafe"
)

// TestInterleave checks Interleave, by every path and exported, on every
// shape up to 13 rows × 13 columns, rows apart by as many numbers as
// they hold or more, from every offset 0..3 of a 32-byte boundary (so the
// kernels' non-temporal stores and their plain ones both run), at the
// first row 0 or 3 of the columns: every number copied bit for bit (NaN
// payloads too), nothing else in x written, the columns unchanged, and
// the finiteness flag with no special value and with ±Inf or a NaN at
// every position.
func TestInterleave(t *testing.T) {
	r := rand.New(rand.NewPCG(16, 1))
	specials := append([]float64{math.Inf(1), math.Inf(-1)}, nans...)
	for m := range 14 {
		for n := range 14 {
			for _, gap := range []int{0, 1, 5} {
				for _, r0 := range []int{0, 3} {
					positions := []int{-1} // a special number at this index of m×n, or none
					for i := range m * n {
						positions = append(positions, i)
					}
					for _, pos := range positions {
						cols := make([][]float64, n)
						for k := range cols {
							cols[k] = make([]float64, r0+m+r.IntN(3))
							for i := range cols[k] {
								cols[k][i] = r.NormFloat64()
							}
						}
						if pos >= 0 {
							cols[pos%n][r0+pos/n] = specials[r.IntN(len(specials))]
						}
						off := r.IntN(4)
						for _, p := range append(arithPaths(), pathExported) {
							what := fmt.Sprintf("(%s) m=%d n=%d gap=%d r0=%d pos=%d off=%d", p, m, n, gap, r0, pos, off)
							checkInterleave(t, what, cols, m, n+gap, r0, off, func(x []float64, offs []int) bool {
								if p == pathExported {
									return Interleave(x, offs, cols, r0)
								}
								return interleave(x, offs, cols, r0, p)
							})
						}
					}
				}
			}
		}
	}
}

// checkInterleave runs f on m rows d numbers apart, in reverse order,
// in an x that starts off numbers past a 32-byte boundary, with guards,
// and checks the result against the definition.
func checkInterleave(t *testing.T, what string, cols [][]float64, m, d, r0, off int, f func(x []float64, offs []int) bool) {
	t.Helper()
	const guard = 5
	n := len(cols)
	buf := aligned32(off + guard + m*d + guard)
	x := buf[off+guard : off+guard+m*d]
	const fill = -7.5
	for i := range buf {
		buf[i] = fill
	}
	offs := make([]int, m)
	for i := range offs {
		offs[i] = (m - 1 - i) * d // rows in reverse, so that offs is not x's order
	}
	before := make([][]uint64, n)
	for k, c := range cols {
		for _, v := range c {
			before[k] = append(before[k], math.Float64bits(v))
		}
	}
	got := f(x, offs)
	want := true
	for tr, o := range offs {
		for k := range n {
			v := cols[k][r0+tr]
			if math.Float64bits(x[o+k]) != math.Float64bits(v) {
				t.Fatalf("%s: x[%d] (row %d, column %d) = %v (%#x), want %v (%#x)", what, o+k, tr, k, x[o+k], math.Float64bits(x[o+k]), v, math.Float64bits(v))
			}
			want = want && !math.IsNaN(v) && !math.IsInf(v, 0)
		}
		for k := n; k < d; k++ {
			if x[o+k] != fill {
				t.Fatalf("%s: x[%d], in the gap after row %d, written: %v", what, o+k, tr, x[o+k])
			}
		}
	}
	for i := range guard {
		if buf[off+i] != fill || buf[off+guard+m*d+i] != fill {
			t.Fatalf("%s: a guard written", what)
		}
	}
	if got != want {
		t.Fatalf("%s: finite = %v, want %v", what, got, want)
	}
	for k, c := range cols {
		for i, v := range c {
			if math.Float64bits(v) != before[k][i] {
				t.Fatalf("%s: cols[%d][%d] changed", what, k, i)
			}
		}
	}
}

// aligned32 returns a slice of n float64s that starts on a 32-byte
// boundary.
func aligned32(n int) []float64 {
	buf := make([]float64, n+4)
	skip := int((32 - uintptr(unsafe.Pointer(&buf[0]))%32) % 32 / 8)
	return buf[skip : skip+n]
}

func TestInterleavePanics(t *testing.T) {
	col := []float64{1, 2, 3, 4}
	for i, test := range []struct {
		x    []float64
		offs []int
		cols [][]float64
		r0   int
	}{
		{make([]float64, 8), []int{0}, [][]float64{col}, -1},
		{make([]float64, 8), []int{0, 1, 2}, [][]float64{col}, 2},   // the column has 4 numbers, not 5
		{make([]float64, 8), []int{0, 7}, [][]float64{col, col}, 0}, // row 1 ends past x
		{make([]float64, 8), []int{-1}, [][]float64{col}, 0},
	} {
		func() {
			defer func() {
				err, _ := recover().(error)
				if !errors.Is(err, ErrLength) {
					t.Errorf("unexpected panic for test %d: got: %v want: %v", i, err, ErrLength)
				}
			}()
			Interleave(test.x, test.offs, test.cols, test.r0)
		}()
	}
}

func BenchmarkInterleave(b *testing.B) {
	const m, n, d = 1024, 64, 784
	cols := make([][]float64, n)
	for k := range cols {
		cols[k] = make([]float64, m)
	}
	x := aligned32(m * d)
	offs := make([]int, m)
	for i := range offs {
		offs[i] = i * d
	}
	for _, p := range append(arithPaths(), pathExported) {
		b.Run(p.String(), func(b *testing.B) {
			b.SetBytes(m * n * 8)
			for b.Loop() {
				if p == pathExported {
					Interleave(x, offs, cols, 0)
				} else {
					interleave(x, offs, cols, 0, p)
				}
			}
		})
	}
}
