package layers

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"os"

	"github.com/mlptrain/mlptrain/internal/inputerr"
	"go.yaml.in/yaml/v3"
)

// Weights are explicit weights and biases for every layer, read from a
// file that the config's model.weights names, for hand-built networks:
//
//	layers:
//	  - W: [[1, 1], [1, 1]]   # inputs × units: row i holds input i's weights
//	    b: [-0.5, -1.5]
//	  - W: [[1], [-1]]
//	    b: [-0.5]
//
// JSON with the same structure is valid YAML and reads the same.
type Weights struct {
	Layers []LayerWeights `yaml:"layers"`
	file   string
	lines  []int // line of each layer in the file
}

// LayerWeights are one layer's weights (inputs × units) and biases.
type LayerWeights struct {
	W [][]float64 `yaml:"W"`
	B []float64   `yaml:"b"`
}

// maxWeightsBytes bounds a weights file.
const maxWeightsBytes = 1 << 28

// LoadWeights reads a weights file. Errors are *inputerr.Errors with the
// file and, where known, the line.
func LoadWeights(path string) (*Weights, error) {
	f, err := os.Open(path)
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, &inputerr.Error{File: path, Key: "model.weights", Err: fmt.Errorf("cannot open weights file: %w", err),
			Hint: "give a YAML or JSON file with layers: [{W: [[...]], b: [...]}, ...]"}
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxWeightsBytes+1))
	if err != nil || len(b) > maxWeightsBytes {
		return nil, &inputerr.Error{File: path, Key: "model.weights", Err: fmt.Errorf("cannot read weights file (at most %d bytes)", maxWeightsBytes)}
	}
	return ParseWeights(b, path)
}

// ParseWeights parses the bytes of a weights file named name.
func ParseWeights(b []byte, name string) (*Weights, error) {
	var root yaml.Node
	hint := "the file needs layers: [{W: [[...]], b: [...]}, ...], one entry per layer"
	if err := yaml.Unmarshal(b, &root); err != nil {
		return nil, &inputerr.Error{File: name, Err: fmt.Errorf("not valid YAML: %v", err), Hint: hint}
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	w := &Weights{file: name}
	if err := dec.Decode(w); err != nil && !errors.Is(err, io.EOF) {
		return nil, &inputerr.Error{File: name, Err: fmt.Errorf("not a weights file: %v", err), Hint: hint}
	}
	if len(w.Layers) == 0 {
		return nil, &inputerr.Error{File: name, Err: errors.New("no layers"), Hint: hint}
	}
	// Line of each layer entry, for messages.
	if len(root.Content) == 1 && root.Content[0].Kind == yaml.MappingNode {
		m := root.Content[0]
		for i := 0; i+1 < len(m.Content); i += 2 {
			if m.Content[i].Value == "layers" {
				for _, l := range m.Content[i+1].Content {
					w.lines = append(w.lines, l.Line)
				}
			}
		}
	}
	return w, nil
}

func (w *Weights) errAt(i int, format string, args ...any) error {
	e := &inputerr.Error{File: w.file, Key: fmt.Sprintf("layers[%d]", i), Err: fmt.Errorf(format, args...),
		Hint: "W has one row per input and one column per unit; b one entry per unit"}
	if i < len(w.lines) {
		e.Line = w.lines[i]
	}
	return e
}

// SetWeights copies w into the model, checking every shape and value.
func (m *Model) SetWeights(w *Weights) error {
	if len(w.Layers) != len(m.Layers) {
		return &inputerr.Error{File: w.file, Err: fmt.Errorf("%d layers of weights for a model of %d layers", len(w.Layers), len(m.Layers)),
			Hint: "give one entry under layers: per layer of the config's model"}
	}
	for i, lw := range w.Layers {
		l := m.Layers[i]
		d, k := l.W.Dims()
		if len(lw.W) != d || len(lw.B) != k {
			return w.errAt(i, "W has %d rows and b %d entries, but layer %d takes %d inputs to %d units", len(lw.W), len(lw.B), i+1, d, k)
		}
		for r, row := range lw.W {
			if len(row) != k {
				return w.errAt(i, "row %d of W has %d entries, want %d (one per unit)", r+1, len(row), k)
			}
			for _, v := range row {
				if math.IsNaN(v) || math.IsInf(v, 0) {
					return w.errAt(i, "W holds a non-finite number")
				}
			}
			copy(l.W.RawRowView(r), row)
		}
		for _, v := range lw.B {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return w.errAt(i, "b holds a non-finite number")
			}
		}
		copy(l.B.RawRowView(0), lw.B)
	}
	return nil
}
