package layers

import (
	"maps"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/mlptrain/mlptrain/internal/graph"
	"github.com/mlptrain/mlptrain/internal/vocab"
)

// TestCatalogBuilds checks that every name of the catalog builds: each
// activation (by its name and its aliases) on a hidden layer where it may
// be one and on the output layer, as the graph op of its name; each loss
// with the output it needs; and each init. It also checks that layers
// knows no init the catalog does not list.
func TestCatalogBuilds(t *testing.T) {
	t.Parallel()
	build := func(spec Spec) *Net {
		t.Helper()
		m, err := New(spec)
		if err != nil {
			t.Fatalf("New(%+v): %v", spec, err)
		}
		if err := m.Init("xavier", rand.New(rand.NewPCG(1, 1))); err != nil {
			t.Fatal(err)
		}
		net := m.Build(3, 0)
		net.G.Forward()
		if l := net.Loss.Value().At(0, 0); math.IsNaN(l) || math.IsInf(l, 0) {
			t.Errorf("%+v: loss %v", spec, l)
		}
		return net
	}
	for _, a := range vocab.Activations() {
		for _, name := range append([]string{a.Name}, a.Aliases...) {
			net := build(Spec{Inputs: 2, Units: []int{3}, Acts: []string{name}, Loss: "squared_error"})
			if op := net.Y.Op(); op != a.Name {
				t.Errorf("output activation %s builds op %q, want %q", name, op, a.Name)
			}
			_, err := New(Spec{Inputs: 2, Units: []int{3, 2}, Acts: []string{name, "identity"}, Loss: "squared_error"})
			if a.OutputOnly {
				if err == nil {
					t.Errorf("%s is for the output layer only, but a hidden layer took it", name)
				}
				continue
			}
			if err != nil {
				t.Errorf("hidden activation %s: %v", name, err)
				continue
			}
			net = build(Spec{Inputs: 2, Units: []int{3, 2}, Acts: []string{name, "identity"}, Loss: "squared_error"})
			if op := hidden(net).Op(); op != a.Name {
				t.Errorf("hidden activation %s builds op %q, want %q", name, op, a.Name)
			}
		}
	}
	for _, l := range vocab.Losses() {
		act, k := "identity", 2
		if l.Output != "" {
			act, k = l.Output, max(l.Units, l.MinUnits, 1)
		}
		build(Spec{Inputs: 2, Units: []int{k}, Acts: []string{act}, Loss: l.Name})
	}
	m, _ := New(Spec{Inputs: 2, Units: []int{3}, Acts: []string{"identity"}, Loss: "squared_error"})
	for _, name := range vocab.InitNames() {
		if err := m.Init(name, rand.New(rand.NewPCG(1, 1))); err != nil {
			t.Errorf("init %s: %v", name, err)
		}
	}
	if got, want := slices.Sorted(maps.Keys(inits)), slices.Sorted(slices.Values(vocab.InitNames())); !slices.Equal(got, want) {
		t.Errorf("layers' inits %v, the catalog's %v", got, want)
	}
}

// hidden returns node h1, the first layer's activations.
func hidden(net *Net) *graph.Node {
	for _, n := range net.G.Nodes() {
		if n.Name() == "h1" {
			return n
		}
	}
	panic("no node h1")
}
