package graph

import (
	"maps"
	"slices"
	"testing"

	"github.com/mlptrain/mlptrain/internal/vocab"
	"gonum.org/v1/gonum/mat"
)

// TestActivationsMatchCatalog checks that the activations layers can look
// up are exactly the catalog's, each building a node named as it is.
func TestActivationsMatchCatalog(t *testing.T) {
	t.Parallel()
	want := vocab.ActivationNames()
	got := slices.Sorted(maps.Keys(activations))
	if !slices.Equal(got, slices.Sorted(slices.Values(want))) {
		t.Errorf("graph activations %v, catalog %v", got, want)
	}
	for _, name := range want {
		f, ok := Activation(name)
		if !ok {
			continue
		}
		g := New()
		y := f(g.Param("z", mat.NewDense(2, 3, nil)))
		if y.Op() != name {
			t.Errorf("Activation(%q) builds op %q", name, y.Op())
		}
	}
	if _, ok := Activation("sigmoid"); ok {
		t.Error(`Activation("sigmoid") found an alias; layers passes canonical names`)
	}
}
