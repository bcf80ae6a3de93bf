package graph

import (
	"fmt"
	"io"
	"strings"

	"gonum.org/v1/gonum/mat"
)

// DumpOptions says what Dump prints beyond each node's operation and shape.
// The zero value prints the structure alone.
type DumpOptions struct {
	Values  bool // each node's value after the last Forward
	Signals bool // each node's error signal x̄ after the last Backward
	MaxRows int  // rows of a matrix printed before eliding; 0 means 6
}

func dims(n *Node) string {
	r, c := n.Dims()
	return fmt.Sprintf("%d×%d", r, c)
}

func names(ns []*Node) string {
	s := make([]string, len(ns))
	for i, n := range ns {
		s[i] = n.name
	}
	return strings.Join(s, ", ")
}

// Dump writes the graph as a table in topological order: each node's
// number, name, operation, inputs and shape, then the order of the two
// passes; with opts, also the values and error signals. It returns the
// first write error.
func (g *Graph) Dump(w io.Writer, opts DumpOptions) error {
	ew := &errWriter{w: w}
	width := 4
	for _, n := range g.nodes {
		width = max(width, len(n.name))
	}
	ew.printf("%-3s  %-*s  %-22s  %-9s  %s\n", "#", width, "node", "op", "shape", "inputs")
	for _, n := range g.nodes {
		in := "-"
		if len(n.in) > 0 {
			in = names(n.in)
		}
		ew.printf("%-3d  %-*s  %-22s  %-9s  %s\n", n.id, width, n.name, n.Op(), dims(n), in)
	}
	last := len(g.nodes) - 1
	ew.printf("forward: nodes 0 → %d in topological order\n", last)
	ew.printf("backward: nodes %d → 0 in reverse; each op adds its inputs' error signals x̄ += (∂y/∂x)ᵀ·ȳ, so fan-out sums\n", last)
	if opts.Values || opts.Signals {
		rows := opts.MaxRows
		if rows <= 0 {
			rows = 6
		}
		for _, n := range g.nodes {
			ew.printf("\n[%d] %s: %s (%s)\n", n.id, n.name, n.Op(), dims(n))
			if opts.Values {
				ew.printf("  value:\n%s", formatMatrix(n.value, rows))
			}
			if opts.Signals {
				if n.bar == nil {
					ew.printf("  error signal: none (no parameter upstream)\n")
				} else {
					ew.printf("  error signal ∂L/∂%s:\n%s", n.name, formatMatrix(n.bar, rows))
				}
			}
		}
	}
	return ew.err
}

func formatMatrix(m *mat.Dense, maxRows int) string {
	var b strings.Builder
	r, c := m.Dims()
	for i := 0; i < r; i++ {
		if i == maxRows && r > maxRows+1 {
			fmt.Fprintf(&b, "    … %d more rows\n", r-maxRows)
			break
		}
		b.WriteString("    [")
		for j := 0; j < c; j++ {
			if j == 8 && c > 9 {
				fmt.Fprintf(&b, " … %d more", c-8)
				break
			}
			if j > 0 {
				b.WriteString(" ")
			}
			fmt.Fprintf(&b, "% .6g", m.At(i, j))
		}
		b.WriteString("]\n")
	}
	return b.String()
}

// WriteDOT writes the graph in Graphviz DOT: variables as ellipses (inputs
// and constants grey, parameters blue), operations as boxes with their
// shapes, forward edges solid, and the backward pass's error signals as
// dashed red edges running the other way. It returns the first write error.
func (g *Graph) WriteDOT(w io.Writer) error {
	ew := &errWriter{w: w}
	ew.printf("digraph mlptrain {\n  rankdir=LR;\n  node [fontname=\"Helvetica\"];\n")
	for _, n := range g.nodes {
		shape, style := "box", "rounded"
		switch n.kind {
		case KindInput, KindConst:
			shape, style = "ellipse", "filled\", fillcolor=\"grey90"
		case KindParam:
			shape, style = "ellipse", "filled\", fillcolor=\"lightblue"
		}
		ew.printf("  n%d [label=\"%s\\n%s %s\", shape=%s, style=\"%s\"];\n", n.id, dotEscape(n.name), n.Op(), dims(n), shape, style)
	}
	for _, n := range g.nodes {
		for _, x := range n.in {
			ew.printf("  n%d -> n%d;\n", x.id, n.id)
		}
	}
	for _, n := range g.nodes {
		if n.bar == nil {
			continue
		}
		for _, x := range n.in {
			if x.bar != nil {
				ew.printf("  n%d -> n%d [style=dashed, color=red, fontcolor=red, label=\"%s̄\", constraint=false];\n", n.id, x.id, dotEscape(x.name))
			}
		}
	}
	ew.printf("}\n")
	return ew.err
}

func dotEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s)
}

// errWriter keeps the first write error and skips later writes.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) printf(format string, args ...any) {
	if e.err == nil {
		_, e.err = fmt.Fprintf(e.w, format, args...)
	}
}
