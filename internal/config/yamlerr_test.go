package config

import (
	"bytes"
	"errors"
	"testing"

	"go.yaml.in/yaml/v3"
)

// TestDecodeError feeds yaml.v3's own errors, from a strict decode that
// bypasses the schema walk, to decodeError, and checks that they come out
// positioned with the key.
func TestDecodeError(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		doc  string
		want want
	}{
		{"word for int", "train:\n  epochs: ten\n",
			want{"c.yaml", 2, 11, "train.epochs", `expected a whole number, got "ten"`, "such as 200"}},
		{"negative for uint64", "train:\n  seed: -1\n",
			want{"c.yaml", 2, 9, "train.seed", "expected a non-negative whole number, got -1", "such as 1"}},
		{"list for int", "train:\n  epochs: [1]\n",
			want{"c.yaml", 2, 11, "train.epochs", "expected a whole number, got a list", "such as 200"}},
		{"scalar for section", "train: 5\n",
			want{"c.yaml", 1, 8, "train", "expected a mapping of keys, got 5", "configs/reference.yaml"}},
		{"word in a flow mapping", "train: {epochs: 3, batch_size: big}\n",
			want{"c.yaml", 1, 32, "train.batch_size", `expected a whole number, got "big"`, "such as 32"}},
		{"word in a layer", "model:\n  layers: [{units: x}]\n",
			want{"c.yaml", 2, 20, "model.layers[0].units", `expected a whole number, got "x"`, "such as 10"}},
		{"unknown field", "train:\n  learning_rat: 0.1\n",
			want{"c.yaml", 2, 3, "train.learning_rat", "unknown key", `did you mean "learning_rate"?`}},
		{"unknown field in a layer", "model:\n  layers:\n    - {unit: 3}\n",
			want{"c.yaml", 3, 8, "model.layers[0].unit", "unknown key", `did you mean "units"?`}},
		{"unknown section", "trian: {}\n",
			want{"c.yaml", 1, 1, "trian", "unknown key", `did you mean "train"?`}},
		{"duplicate key", "train: {epochs: 1, epochs: 2}\n",
			want{"c.yaml", 1, 20, "train.epochs", "duplicate key, first given at line 1", "give each key once"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var doc yaml.Node
			if err := yaml.Unmarshal([]byte(tc.doc), &doc); err != nil {
				t.Fatalf("yaml.Unmarshal: %v", err)
			}
			dec := yaml.NewDecoder(bytes.NewReader([]byte(tc.doc)))
			dec.KnownFields(true)
			c := Default()
			err := dec.Decode(&c)
			if err == nil {
				t.Fatalf("yaml.v3 accepted %q", tc.doc)
			}
			t.Logf("yaml.v3: %v", err)
			checkErr(t, decodeError("c.yaml", doc.Content[0], err), tc.want)
		})
	}
}

// TestDecodeErrorWithoutLine checks an error that yaml.v3 gives without a
// line: it keeps the file and the message.
func TestDecodeErrorWithoutLine(t *testing.T) {
	t.Parallel()
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte("data: {}\n"), &doc); err != nil {
		t.Fatal(err)
	}
	err := decodeError("c.yaml", doc.Content[0], errors.New("yaml: anchor 'd' value contains itself"))
	checkErr(t, err, want{"c.yaml", 0, 0, "", "anchor 'd' value contains itself", "configs/reference.yaml"})
}

func TestPosition(t *testing.T) {
	t.Parallel()
	data := []byte("ab\nçd\n\nx")
	for _, tc := range []struct{ off, line, col int }{
		{0, 1, 1}, {2, 1, 3}, {3, 2, 1}, {5, 2, 2}, {7, 3, 1}, {8, 4, 1}, {9, 4, 2}, {-1, 0, 0}, {99, 0, 0},
	} {
		if l, c := position(data, tc.off); l != tc.line || c != tc.col {
			t.Errorf("position(%d) = %d:%d, want %d:%d", tc.off, l, c, tc.line, tc.col)
		}
	}
}
