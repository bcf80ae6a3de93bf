package graph

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

var update = flag.Bool("update", false, "update golden files")

// checkGolden compares got with testdata/name, or rewrites the file with
// -update.
func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if bytes.Equal(got, want) {
		return
	}
	gl, wl := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
	for i := range max(len(gl), len(wl)) {
		var g, w string
		if i < len(gl) {
			g = gl[i]
		}
		if i < len(wl) {
			w = wl[i]
		}
		if g != w {
			t.Errorf("%s differs at line %d:\ngot:  %q\nwant: %q\n(run go test -update if the change is intended)", path, i+1, g, w)
			return
		}
	}
}

// logisticUnitRun is the lecture's logistic unit at w = 2, b = −1,
// x = 1.5, t = 1 after a Forward and a Backward.
func logisticUnitRun() *Graph {
	g, _, _, _, _, loss := logisticUnit(2, -1, 1.5, 1)
	g.Forward()
	g.Backward(loss)
	return g
}

func TestDumpGolden(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		file string
		opts DumpOptions
	}{
		{"logistic_unit.golden", DumpOptions{}},
		{"logistic_unit_values.golden", DumpOptions{Values: true, Signals: true}},
	} {
		t.Run(tc.file, func(t *testing.T) {
			var b bytes.Buffer
			if err := logisticUnitRun().Dump(&b, tc.opts); err != nil {
				t.Fatalf("Dump: %v", err)
			}
			checkGolden(t, tc.file, b.Bytes())
		})
	}
}

func TestWriteDOTGolden(t *testing.T) {
	t.Parallel()
	g := logisticUnitRun()
	var b bytes.Buffer
	if err := g.WriteDOT(&b); err != nil {
		t.Fatalf("WriteDOT: %v", err)
	}
	checkGolden(t, "logistic_unit.dot.golden", b.Bytes())

	// Every edge between two nodes with signals has a dashed backward
	// twin running the other way, and no other edge does.
	dot := b.String()
	for _, n := range g.Nodes() {
		for _, x := range n.Inputs() {
			fwd := fmt.Sprintf("  n%d -> n%d;\n", x.ID(), n.ID())
			if !strings.Contains(dot, fwd) {
				t.Errorf("no forward edge %q", fwd)
			}
			back := fmt.Sprintf("  n%d -> n%d [style=dashed, color=red", n.ID(), x.ID())
			if want := n.Grad() != nil && x.Grad() != nil; strings.Contains(dot, back) != want {
				t.Errorf("dashed edge %s → %s present: %v, want %v", n.Name(), x.Name(), !want, want)
			}
		}
	}
	if got := strings.Count(dot, "style=dashed"); got != 5 {
		t.Errorf("%d dashed edges, want 5: w̄, b̄, wx̄, z̄, ȳ", got)
	}
}

func TestDumpElides(t *testing.T) {
	t.Parallel()
	g := New()
	x := g.Input("x", 10, 12)
	x.Value().Copy(normal(10, 12)(newRand(9, 0)))
	var b bytes.Buffer
	if err := g.Dump(&b, DumpOptions{Values: true, MaxRows: 3}); err != nil {
		t.Fatal(err)
	}
	s := b.String()
	if !strings.Contains(s, "    … 7 more rows\n") || !strings.Contains(s, " … 4 more]") {
		t.Errorf("Dump of a 10×12 matrix with MaxRows 3 does not elide 7 rows and 4 columns:\n%s", s)
	}
	if got := strings.Count(s, "    ["); got != 3 {
		t.Errorf("Dump printed %d rows, want 3", got)
	}
}

// failWriter fails after n bytes.
type failWriter struct{ n int }

var errFull = errors.New("disk full")

func (w *failWriter) Write(p []byte) (int, error) {
	if len(p) > w.n {
		k := w.n
		w.n = 0
		return k, errFull
	}
	w.n -= len(p)
	return len(p), nil
}

func TestDumpWriteError(t *testing.T) {
	t.Parallel()
	g := logisticUnitRun()
	for _, n := range []int{0, 10, 200} {
		if err := g.Dump(&failWriter{n: n}, DumpOptions{Values: true, Signals: true}); !errors.Is(err, errFull) {
			t.Errorf("Dump to a writer failing after %d bytes = %v, want %v", n, err, errFull)
		}
		if err := g.WriteDOT(&failWriter{n: n}); !errors.Is(err, errFull) {
			t.Errorf("WriteDOT to a writer failing after %d bytes = %v, want %v", n, err, errFull)
		}
	}
}

// TestNames checks the default and given names and ops that dumps print.
func TestNames(t *testing.T) {
	t.Parallel()
	g := New()
	x := g.Input("", 1, 2)
	w := g.Param("w", mat.NewDense(2, 2, nil))
	y := MatMul(x, w)
	s := Scale(0.5, y).Named("half")
	for _, c := range []struct{ got, want string }{
		{x.Name(), "input0"}, {x.Op(), "input"}, {x.Kind().String(), "input"},
		{w.Op(), "param"}, {y.Name(), "matmul2"}, {y.Op(), "matmul"},
		{s.Name(), "half"}, {s.Op(), "scale(0.5)"}, {s.Kind().String(), "op"},
		{TMatMul(w, w).Op(), "matmulTN"}, {MatMulT(w, w).Op(), "matmulNT"},
	} {
		if c.got != c.want {
			t.Errorf("name %q, want %q", c.got, c.want)
		}
	}
}
