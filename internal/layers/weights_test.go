package layers

import (
	"strings"
	"testing"

	"github.com/mlptrain/mlptrain/internal/inputerr"
)

func TestWeights(t *testing.T) {
	t.Parallel()
	spec := Spec{Inputs: 2, Units: []int{2, 1}, Acts: []string{"threshold", "threshold"}, Loss: "squared_error"}
	const xor = "layers:\n  - W: [[1, 1], [1, 1]]\n    b: [-0.5, -1.5]\n  - W: [[1], [-1]]\n    b: [-0.5]\n"
	for _, tc := range []struct {
		name, file, want string
	}{
		{"xor", xor, ""},
		{"json", `{"layers": [{"W": [[1, 1], [1, 1]], "b": [-0.5, -1.5]}, {"W": [[1], [-1]], "b": [-0.5]}]}`, ""},
		{"too few layers", "layers:\n  - W: [[1, 1], [1, 1]]\n    b: [0, 0]\n", "1 layers of weights for a model of 2 layers"},
		{"wrong rows", "layers:\n  - W: [[1, 1]]\n    b: [0, 0]\n  - W: [[1], [1]]\n    b: [0]\n", "w.yaml:2: layers[0]: W has 1 rows and b 2 entries, but layer 1 takes 2 inputs to 2 units"},
		{"ragged", "layers:\n  - W: [[1, 1], [1]]\n    b: [0, 0]\n  - W: [[1], [1]]\n    b: [0]\n", "row 2 of W has 1 entries, want 2"},
		{"unknown key", "layers:\n  - W: [[1, 1], [1, 1]]\n    bias: [0, 0]\n", `w.yaml:3: not a weights file: unknown key "bias"`},
		// yaml.v3 lists every problem on a line of its own; the message
		// must stay on one line.
		{"model.json", "{\n \"format\": \"mlptrain-model\",\n \"version\": 1,\n \"layers\": [{\"units\": 1, \"W\": [[1]], \"b\": [0]}]\n}\n",
			`w.yaml:2: not a weights file: unknown key "format" (and 2 more problems) (hint: this looks like a model.json`},
		{"not a number", "layers:\n  - W: [[1, a], [1, 1]]\n    b: x\n", `w.yaml:2: not a weights file: expected a number, got "a" (and 1 more problem)`},
		{"layers not a list", "layers: 5\n", "w.yaml:1: not a weights file: expected a list of layers, got 5"},
		{"key with a newline", "layers:\n  - W: [[1, 1], [1, 1]]\n    \"b\\nx\": [0, 0]\n", `w.yaml:3: not a weights file: unknown key "b\nx"`},
		{"not yaml", "layers: [", "w.yaml:1: not valid YAML: did not find expected node content"},
		{"empty", "", "no layers"},
		{"nan", "layers:\n  - W: [[.nan, 1], [1, 1]]\n    b: [0, 0]\n  - W: [[1], [1]]\n    b: [0]\n", "non-finite"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, _ := New(spec)
			w, err := ParseWeights([]byte(tc.file), "w.yaml")
			if err == nil {
				err = m.SetWeights(w)
			}
			if tc.want == "" {
				if err != nil {
					t.Fatalf("error %v", err)
				}
				// The hand-built network computes XOR.
				net := m.Build(4, 0)
				net.X.Value().Apply(func(i, j int, _ float64) float64 { return float64((i >> (1 - j)) & 1) }, net.X.Value())
				net.G.Forward()
				for i, want := range []float64{0, 1, 1, 0} {
					if got := net.Y.Value().At(i, 0); got != want {
						t.Errorf("XOR row %d = %v, want %v", i, got, want)
					}
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) || !inputerr.Is(err) || strings.Contains(err.Error(), "\n") {
				t.Errorf("error %v, want an input error containing %q", err, tc.want)
			}
		})
	}
}

// TestWeightsFloat32Range checks that a float32 model refuses weights
// beyond float32's range, which would round to ±Inf (this was exit 1 at
// the end of the run: "json: unsupported value: -Inf"), and that a float64
// model takes them.
func TestWeightsFloat32Range(t *testing.T) {
	t.Parallel()
	spec := Spec{Inputs: 1, Units: []int{1}, Acts: []string{"identity"}, Loss: "squared_error"}
	for i, test := range []struct {
		file    string
		float32 bool
		want    string // "" for no error
	}{
		{"layers:\n  - W: [[3.4e38]]\n    b: [-3.4e38]\n", true, ""},
		{"layers:\n  - W: [[1e39]]\n    b: [0]\n", false, ""},
		{"layers:\n  - W: [[1e39]]\n    b: [0]\n", true, "w.yaml:2: layers[0]: W holds 1e+39, beyond float32's range"},
		{"layers:\n  - W: [[1]]\n    b: [-1e300]\n", true, "w.yaml:2: layers[0]: b holds -1e+300, beyond float32's range"},
	} {
		m, _ := New(spec)
		m.Float32 = test.float32
		w, err := ParseWeights([]byte(test.file), "w.yaml")
		if err != nil {
			t.Fatal(err)
		}
		err = m.SetWeights(w)
		if test.want == "" {
			if err != nil {
				t.Errorf("unexpected error for test %d: %v", i, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), test.want) || !inputerr.Is(err) {
			t.Errorf("unexpected error for test %d: got: %v want: an input error containing %q", i, err, test.want)
		}
	}
}
