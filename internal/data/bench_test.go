package data

import (
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func BenchmarkRead10000x20(b *testing.B)  { benchRead(b, 10000, 20, false) }
func BenchmarkRead1000x785(b *testing.B)  { benchRead(b, 1000, 785, false) }
func BenchmarkRead10x100000(b *testing.B) { benchRead(b, 10, 100000, false) }

// The slow path on the same input, for comparison.
func BenchmarkReadSlow10000x20(b *testing.B) { benchRead(b, 10000, 20, true) }
func BenchmarkReadSlow1000x785(b *testing.B) { benchRead(b, 1000, 785, true) }

// The load path of the reference workload (bench/run.sh): a file of
// 784 features with 4 decimals and a class label; run with -cpu 1,2.
func BenchmarkReadFile5000x785(b *testing.B)     { benchReadFile(b, 5000, false) }
func BenchmarkReadFileSlow5000x785(b *testing.B) { benchReadFile(b, 5000, true) }

// BenchmarkReadFileRef reads bench/run.sh's reference file of 60000 rows
// (329 MB), from $MLPTRAIN_BENCH_DATA or its default place, if it exists.
func BenchmarkReadFileRef(b *testing.B) {
	path := os.Getenv("MLPTRAIN_BENCH_DATA")
	if path == "" {
		path = filepath.Join(os.TempDir(), "mlptrain-bench-ref-60000.csv")
	}
	fi, err := os.Stat(path)
	if err != nil {
		b.Skipf("no reference data: %v (make it with bash bench/run.sh)", err)
	}
	opt := Options{Targets: []string{"label"}, Classify: true}
	b.SetBytes(fi.Size())
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ReadFile(path, opt); err != nil {
			b.Fatal(err)
		}
	}
}

// benchRead reads a CSV of n rows of d numeric features and a class label.
func benchRead(b *testing.B, n, d int, slow bool) {
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
		var r io.Reader = strings.NewReader(in)
		if slow {
			r = slowOnly{r}
		}
		if _, err := Read(r, "bench.csv", opt); err != nil {
			b.Fatal(err)
		}
	}
}

// benchReadFile reads a file like the reference data: n rows of 784
// features in [0, 1) with 4 decimals, and a label 0-9.
func benchReadFile(b *testing.B, n int, slow bool) {
	rng := rand.New(rand.NewPCG(1, 4))
	var s strings.Builder
	for j := range 784 {
		fmt.Fprintf(&s, "f%d,", j)
	}
	s.WriteString("label\n")
	for range n {
		for range 784 {
			fmt.Fprintf(&s, "%.4f,", rng.Float64())
		}
		fmt.Fprintf(&s, "%d\n", rng.IntN(10))
	}
	path := filepath.Join(b.TempDir(), "ref.csv")
	if err := os.WriteFile(path, []byte(s.String()), 0o644); err != nil {
		b.Fatal(err)
	}
	opt := Options{Targets: []string{"label"}, Classify: true}
	b.SetBytes(int64(s.Len()))
	b.ReportAllocs()
	for b.Loop() {
		f, err := os.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		var r io.Reader = f
		if slow {
			r = slowOnly{f}
		}
		_, err = Read(r, path, opt)
		f.Close()
		if err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkReadWideMisspelt refuses a target misspelt among 10^5 columns
// (TestReadWide checks the message and bounds the allocations; this
// times it, which a unit test must not).
func BenchmarkReadWideMisspelt(b *testing.B) {
	const d = 100_000
	var s strings.Builder
	for j := range d {
		fmt.Fprintf(&s, "c%d,", j)
	}
	s.WriteString("y\n")
	for j := range d {
		fmt.Fprintf(&s, "%d,", j)
	}
	s.WriteString("1\n")
	in := s.String()
	opt := Options{Targets: []string{"c99999x"}}
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Read(strings.NewReader(in), "wide.csv", opt); err == nil {
			b.Fatal("a misspelt target was accepted")
		}
	}
}

// BenchmarkReadHostile reads the hostile files of TestReadHugeLine at
// 5 MB instead of 50: a number too long to parse and a line of a million
// one-byte fields.
func BenchmarkReadHostile(b *testing.B) {
	const size = 5 << 20
	for _, bc := range []struct {
		name string
		in   string
		opt  Options
	}{
		{"huge-number", "a,y\n" + strings.Repeat("7", size) + ",1\n1,2\n", Options{Targets: []string{"y"}}},
		{"million-fields", "a,y\n" + strings.Repeat("1,", 1<<20) + "1\n", Options{Targets: []string{"y"}}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			path := filepath.Join(b.TempDir(), "hostile.csv")
			if err := os.WriteFile(path, []byte(bc.in), 0o644); err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(len(bc.in)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := ReadFile(path, bc.opt); err == nil {
					b.Fatal("a hostile file was accepted")
				}
			}
		})
	}
}

// endless is an input that never ends: zero bytes (no line end), or the
// same field and delimiter over and over.
type endless struct{ fill byte }

func (e endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = e.fill
	}
	if e.fill == ',' {
		for i := 0; i < len(p); i += 2 {
			p[i] = '1'
		}
	}
	return len(p), nil
}

// BenchmarkReadEndless reads endless inputs up to the limits, as from
// /dev/zero or a pipe (TestReadDevZero and TestReadFIFO check the errors
// and bound the allocations; this times them): zero bytes up to
// MaxLineBytes, and "1,1,…" (with an even read size) up to MaxFields.
func BenchmarkReadEndless(b *testing.B) {
	for _, bc := range []struct {
		name string
		r    endless
		want error
	}{
		{"zeros", endless{0}, ErrLineTooLong},
		{"fields", endless{','}, ErrTooManyFields},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Read(bc.r, "endless.csv", Options{}); !errors.Is(err, bc.want) {
					b.Fatalf("got %v, want %v", err, bc.want)
				}
			}
		})
	}
}
