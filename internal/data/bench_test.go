package data

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

func BenchmarkRead10000x20(b *testing.B)  { benchRead(b, 10000, 20) }
func BenchmarkRead1000x785(b *testing.B)  { benchRead(b, 1000, 785) }
func BenchmarkRead10x100000(b *testing.B) { benchRead(b, 10, 100000) }

// benchRead reads a CSV of n rows of d numeric features and a class label.
func benchRead(b *testing.B, n, d int) {
	rng := rand.New(rand.NewPCG(1, 4))
	var s strings.Builder
	for j := range d {
		fmt.Fprintf(&s, "x%d,", j)
	}
	s.WriteString("y\n")
	for range n {
		for range d {
			fmt.Fprintf(&s, "%.6g,", rng.NormFloat64())
		}
		fmt.Fprintf(&s, "c%d\n", rng.IntN(10))
	}
	in := s.String()
	opt := Options{Targets: []string{"y"}, Classify: true}
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Read(strings.NewReader(in), "bench.csv", opt); err != nil {
			b.Fatal(err)
		}
	}
}
