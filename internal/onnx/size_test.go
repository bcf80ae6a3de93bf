package onnx

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/mlptrain/mlptrain/internal/data"
	"github.com/mlptrain/mlptrain/internal/layers"
	"github.com/mlptrain/mlptrain/internal/train"
)

// maxOverhead is how much larger than its raw float64 weights and biases
// the file of the reference network may be.
const maxOverhead = 0.05

// reference returns the reference-sized network, 784-256-10 with softmax
// on 784 numeric columns, its weights drawn from a seeded stream.
func reference(tb testing.TB) *train.Saved {
	tb.Helper()
	const d = 784
	names := make([]string, d)
	for j := range names {
		names[j] = fmt.Sprintf("pixel%d", j)
	}
	m, err := layers.New(layers.Spec{Inputs: d, Units: []int{256, 10}, Acts: []string{"relu", "softmax"}, Loss: "cross_entropy"})
	if err != nil {
		tb.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 1))
	if err := m.Init("he", rng); err != nil {
		tb.Fatal(err)
	}
	sc := &data.Scaler{Method: data.Standardize, Offset: make([]float64, d), Scale: make([]float64, d)}
	for j := range d {
		sc.Offset[j], sc.Scale[j] = 100*rng.Float64(), 1+50*rng.Float64()
	}
	classes := []string{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"}
	return &train.Saved{Features: names, Encoding: data.NumericEncoding(names), Poly: data.Polynomial{Degree: 1, Inputs: d},
		Scaler: sc, Targets: []string{"digit"}, Classes: classes, Model: m,
		Reading: &train.Reading{Delimiter: ",", Decimal: ".", Missing: slices.Clone(data.DefaultMissing)}}
}

// TestReferenceSize: the file of 784-256-10 is within maxOverhead of its
// parameters as raw float64s.
func TestReferenceSize(t *testing.T) {
	t.Parallel()
	s := reference(t)
	b, err := Marshal(s, Options{})
	if err != nil {
		t.Fatal(err)
	}
	raw := 8 * s.Model.NumParams()
	if over := float64(len(b))/float64(raw) - 1; over > maxOverhead {
		t.Errorf("file of %d bytes for %d bytes of weights: %.1f%% over, want at most %.0f%%", len(b), raw, 100*over, 100*maxOverhead)
	} else {
		t.Logf("file of %d bytes for %d bytes of weights: %.2f%% over", len(b), raw, 100*over)
	}
}

// BenchmarkExportReference builds and encodes the reference network's
// file (without writing it).
func BenchmarkExportReference(b *testing.B) {
	s := reference(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Marshal(s, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
