package plot

import (
	"image/png"
	"math"
	"os"
	"path/filepath"
	"testing"
)

func TestFolds(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, tc := range []struct {
		name    string
		epochs  [][]int
		values  [][]float64
		wantErr bool
	}{
		{"three folds", [][]int{{1, 2, 3}, {1, 2, 3}, {1, 2}}, [][]float64{{1, 0.5, 0.3}, {0.9, 0.6, 0.4}, {1.1, 0.7}}, false},
		{"diverged and not run", [][]int{{1, 2, 3}, {1, 2, 3}, nil}, [][]float64{{1, 0.5, 0.3}, {0.9, math.NaN(), math.NaN()}, nil}, false},
		{"log scale", [][]int{{1, 2, 3}, {1, 2, 3}}, [][]float64{{100, 1, 0.01}, {90, 2, 0.02}}, false},
		{"nothing finite", [][]int{{1}, nil}, [][]float64{{math.Inf(1)}, nil}, false},
		{"mismatch", [][]int{{1, 2}}, [][]float64{{1}}, true},
		{"fewer lists", [][]int{{1}}, nil, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, tc.name+".png")
			err := Folds(path, "test — folds", tc.epochs, tc.values)
			if tc.wantErr {
				if err == nil {
					t.Errorf("Folds(%v, %v) = nil, want an error", tc.epochs, tc.values)
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
				t.Errorf("cv picture does not decode: %v", err)
			}
		})
	}
}
