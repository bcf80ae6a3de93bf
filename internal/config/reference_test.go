package config

import (
	"os"
	"slices"
	"testing"

	"go.yaml.in/yaml/v3"
)

// referencePath is the commented reference config that documents every key.
const referencePath = "../../configs/reference.yaml"

// required are the keys with no default, which the reference must fill in.
var required = []string{"data.train", "data.target"}

// TestReference keeps configs/reference.yaml in step with the code: it
// loads, it has every key and no other, each with a comment, and its
// values are the defaults.
func TestReference(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile(referencePath)
	if err != nil {
		t.Fatal(err)
	}
	c, err := Parse(data, referencePath, nil, noEnv)
	if err != nil {
		t.Fatalf("the reference config does not load: %v", err)
	}
	if len(c.Model.Layers) != 1 {
		t.Errorf("the reference config has %d layers, want 1", len(c.Model.Layers))
	}

	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	inFile := map[string]bool{}
	var visit func(n *yaml.Node, key string)
	visit = func(n *yaml.Node, key string) {
		switch {
		case n.Kind == yaml.MappingNode && !(key != "" && byKey[key] != nil && byKey[key].kind != kindSection):
			for i := 0; i+1 < len(n.Content); i += 2 {
				k, v := n.Content[i], n.Content[i+1]
				full := join(key, k.Value)
				if f := byKey[full]; f == nil || f.kind != kindSection {
					if k.LineComment == "" && v.LineComment == "" {
						t.Errorf("reference key %s has no comment", full)
					}
				}
				visit(v, full)
			}
		case n.Kind == yaml.SequenceNode && byKey[key] != nil && byKey[key].kind == kindLayers:
			for _, it := range n.Content {
				visit(it, key+"[]")
			}
		default:
			inFile[key] = true
		}
	}
	visit(doc.Content[0], "")
	for _, f := range leaves {
		if !inFile[f.key] {
			t.Errorf("key %s is missing from %s", f.key, referencePath)
		}
		delete(inFile, f.key)
	}
	for k := range inFile {
		t.Errorf("%s has key %s, which the code does not know", referencePath, k)
	}

	// The values as written, on a zero Config so that nothing is filled in.
	var written Config
	if err := yaml.Unmarshal(data, &written); err != nil {
		t.Fatal(err)
	}
	d := Default()
	for _, f := range settable {
		if slices.Contains(required, f.key) {
			if written.text(f) == "" {
				t.Errorf("reference key %s is required but empty", f.key)
			}
			continue
		}
		if got, want := written.text(f), d.text(f); got != want {
			t.Errorf("reference %s is %q, but Default() has %q", f.key, got, want)
		}
	}
}
