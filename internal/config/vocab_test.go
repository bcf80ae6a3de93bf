package config

import (
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/mlptrain/mlptrain/internal/vocab"
)

// TestCatalogNames checks that Validate accepts every name of the catalog
// where the catalog's rules allow it, and names outside it nowhere: the
// names a config accepts are exactly the catalog's.
func TestCatalogNames(t *testing.T) {
	t.Parallel()
	valid := func() Config {
		c := Default()
		c.File = "built.yaml"
		c.Data.Train, c.Data.Target = "a.csv", Targets{"y"}
		c.Model.Layers = []Layer{{Units: 4, Activation: "tanh"}, {Activation: "identity"}}
		c.Model.Loss = "squared_error"
		return c
	}
	check := func(what string, c Config, ok bool) {
		t.Helper()
		if err := c.Validate(); (err == nil) != ok {
			t.Errorf("%s: Validate() = %v, want ok %v", what, err, ok)
		}
	}
	for _, a := range vocab.Activations() {
		for _, name := range append([]string{a.Name}, a.Aliases...) {
			c := valid()
			c.Model.Layers[1].Activation = name
			check("output activation "+name, c, true)
			if c.Model.Layers[1].Activation != a.Name {
				t.Errorf("Validate left activation %q, want %q", c.Model.Layers[1].Activation, a.Name)
			}
			c = valid()
			c.Model.Layers[0].Activation = name
			check("hidden activation "+name, c, !a.OutputOnly)
		}
	}
	for _, l := range vocab.Losses() {
		c := valid()
		c.Model.Loss = l.Name
		if l.Output != "" {
			c.Model.Layers[1] = Layer{Units: max(l.Units, l.MinUnits), Activation: l.Output}
		}
		check("loss "+l.Name, c, true)
	}
	for _, i := range vocab.Inits() {
		c := valid()
		c.Model.Init = i.Name
		check("init "+i.Name, c, true)
	}
	for _, o := range vocab.Optimizers() {
		c := valid()
		c.Train.Optimizer = o.Name
		check("optimizer "+o.Name, c, true)
	}
	for _, bad := range []func(*Config){
		func(c *Config) { c.Model.Layers[0].Activation = "swish" },
		func(c *Config) { c.Model.Loss = "hinge" },
		func(c *Config) { c.Model.Init = "orthogonal" },
		func(c *Config) { c.Train.Optimizer = "lbfgs" },
	} {
		c := valid()
		bad(&c)
		check(fmt.Sprintf("%+v", c.Model)+" "+c.Train.Optimizer, c, false)
	}
	d := Default()
	for _, name := range []struct {
		kind, name string
		ok         bool
	}{
		{"loss", d.Model.Loss, slices.Contains(vocab.LossNames(), d.Model.Loss)},
		{"init", d.Model.Init, slices.Contains(vocab.InitNames(), d.Model.Init)},
		{"optimizer", d.Train.Optimizer, slices.Contains(vocab.OptimizerNames(), d.Train.Optimizer)},
	} {
		if !name.ok {
			t.Errorf("the default %s %q is not in the catalog", name.kind, name.name)
		}
	}
}

// TestCatalogHints checks the hints built from the catalog: the nearest
// name includes aliases, and the full list shows them beside their names.
func TestCatalogHints(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		doc  string
		want want
	}{
		{"alias typo", dataLine + "model:\n  layers: [{units: 4, activation: sigmoi}, {activation: softmax}]\n",
			want{"c.yaml", 3, 35, "model.layers[0].activation", `unknown activation "sigmoi"`, `did you mean "sigmoid"?`}},
		{"far from any", dataLine + "model:\n  layers: [{units: 4, activation: gaussian}, {activation: softmax}]\n",
			want{"c.yaml", 3, 35, "model.layers[0].activation", `unknown activation "gaussian"`, "use one of: identity, threshold, logistic (sigmoid), tanh"}},
		{"cross entropy with one unit", dataLine + "model:\n  layers: [{units: 1, activation: softmax}]\n  loss: cross_entropy\n",
			want{"c.yaml", 4, 9, "model.loss", "cross_entropy needs at least 2 output units, got {units: 1, activation: softmax}", "{activation: softmax}"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := Parse([]byte(tc.doc), "c.yaml", nil, noEnv)
			checkErr(t, err, tc.want)
		})
	}
}

// TestReferenceListsCatalog checks that the comments of
// configs/reference.yaml on the activation, loss, init and optimizer keys
// list the catalog's names in its order, with every alias.
func TestReferenceListsCatalog(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile(referencePath)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		key     string
		names   []string
		aliases map[string][]string
	}{
		{"activation", vocab.ActivationNames(), aliasesOf()},
		{"loss", vocab.LossNames(), nil},
		{"init", vocab.InitNames(), nil},
		{"optimizer", vocab.OptimizerNames(), nil},
	} {
		m := regexp.MustCompile(`(?m)^\s*(?:- )?` + tc.key + `: \S+\s+# (.*)$`).FindSubmatch(b)
		if m == nil {
			t.Errorf("reference.yaml: no commented %s key", tc.key)
			continue
		}
		var names []string
		for _, item := range strings.Split(string(m[1]), " | ") {
			name, note, _ := strings.Cut(item, " (")
			names = append(names, name)
			for _, al := range tc.aliases[name] {
				if !strings.Contains(note, al) {
					t.Errorf("reference.yaml: %s %s without its alias %s", tc.key, name, al)
				}
			}
		}
		if !slices.Equal(names, tc.names) {
			t.Errorf("reference.yaml lists the %ss %v, the catalog %v", tc.key, names, tc.names)
		}
	}
}

func aliasesOf() map[string][]string {
	m := map[string][]string{}
	for _, a := range vocab.Activations() {
		m[a.Name] = a.Aliases
	}
	return m
}
