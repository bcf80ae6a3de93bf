package layers

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"regexp"
	"strconv"
	"strings"

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

// maxWeightsBytes bounds a weights file. yaml.v3 builds a node of about
// 200 bytes for every number, so a file of this size already takes some
// hundreds of MB to parse: enough for hand-built and exported networks of
// a few hundred thousand weights.
const maxWeightsBytes = 4 << 20

// LoadWeights reads a weights file. Errors are *inputerr.Errors with the
// file and, where known, the line. A file larger than 4 MiB is refused
// before it is read.
func LoadWeights(path string) (*Weights, error) {
	const hint = "give a YAML or JSON file with layers: [{W: [[...]], b: [...]}, ...]"
	f, err := os.Open(path)
	if err != nil {
		return nil, &inputerr.Error{File: path, Key: "model.weights", Err: fmt.Errorf("cannot open weights file: %w", inputerr.PathCause(err)), Hint: hint}
	}
	defer f.Close()
	tooLarge := &inputerr.Error{File: path, Key: "model.weights", Err: fmt.Errorf("weights file larger than %d MiB", maxWeightsBytes>>20),
		Hint: "model.weights is for small hand-built or exported networks; train larger ones with mlptrain fit"}
	if fi, err := f.Stat(); err == nil {
		switch {
		case fi.IsDir():
			return nil, &inputerr.Error{File: path, Key: "model.weights", Err: errors.New("is a directory, not a weights file"), Hint: hint}
		case fi.Size() > maxWeightsBytes:
			return nil, tooLarge
		}
	}
	b, err := io.ReadAll(io.LimitReader(f, maxWeightsBytes+1))
	if err != nil {
		return nil, &inputerr.Error{File: path, Key: "model.weights", Err: fmt.Errorf("cannot read weights file: %w", inputerr.PathCause(err)), Hint: "check that the file is readable"}
	}
	if len(b) > maxWeightsBytes {
		return nil, tooLarge
	}
	return ParseWeights(b, path)
}

// ParseWeights parses the bytes of a weights file named name.
func ParseWeights(b []byte, name string) (*Weights, error) {
	var root yaml.Node
	hint := "the file needs layers: [{W: [[...]], b: [...]}, ...], one entry per layer"
	if err := yaml.Unmarshal(b, &root); err != nil {
		line, msg := yamlLine(err.Error())
		return nil, &inputerr.Error{File: name, Line: line, Err: fmt.Errorf("not valid YAML: %s", oneLine(msg)),
			Hint: "check the brackets, commas and indentation on this line and the one before"}
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	w := &Weights{file: name}
	if err := dec.Decode(w); err != nil && !errors.Is(err, io.EOF) {
		return nil, decodeError(name, hint, err)
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
				if m.Float32 && math.Abs(v) > math.MaxFloat32 {
					return w.errAt(i, "W holds %v, beyond float32's range (train.precision: float32)", v)
				}
			}
			copy(l.W.RawRowView(r), row)
		}
		for _, v := range lw.B {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return w.errAt(i, "b holds a non-finite number")
			}
			if m.Float32 && math.Abs(v) > math.MaxFloat32 {
				return w.errAt(i, "b holds %v, beyond float32's range (train.precision: float32)", v)
			}
		}
		copy(l.B.RawRowView(0), lw.B)
	}
	return nil
}

var (
	yamlLineRE    = regexp.MustCompile(`(?s)^line (\d+): (.*)$`)
	yamlUnknownRE = regexp.MustCompile(`(?s)^field (.+) not found in type `)
	yamlTypeRE    = regexp.MustCompile("(?s)^cannot unmarshal (!![a-z]+)(?: `(.*)`)? into (.+)$")
)

// yamlLine splits yaml.v3's "yaml: line N: msg" into N (0 if absent) and
// msg.
func yamlLine(s string) (int, string) {
	s = strings.TrimPrefix(s, "yaml: ")
	if m := yamlLineRE.FindStringSubmatch(s); m != nil {
		if n, err := strconv.Atoi(m[1]); err == nil {
			return n, m[2]
		}
	}
	return 0, s
}

// oneLine keeps a message from yaml.v3 short and on one line, whatever
// key or value of the file it quotes.
func oneLine(msg string) string {
	if r := []rune(msg); len(r) > 200 {
		msg = string(r[:200]) + "..."
	}
	if strings.ContainsAny(msg, "\r\n") {
		q := strconv.Quote(msg)
		msg = q[1 : len(q)-1]
	}
	return msg
}

// weightsTypes describes the Go types of a weights file in its own words.
var weightsTypes = map[string]string{
	"float64":               "a number",
	"[]float64":             "a list of numbers",
	"[][]float64":           "a list of rows of numbers",
	"layers.LayerWeights":   "a mapping with W and b",
	"[]layers.LayerWeights": "a list of layers",
	"layers.Weights":        "a mapping with the key layers",
}

// decodeError turns an error of the strict decode of a weights file, which
// yaml.v3 spreads over several lines, into one positioned line about the
// first problem.
func decodeError(name, hint string, err error) error {
	first, more := err.Error(), 0
	var te *yaml.TypeError
	if errors.As(err, &te) && len(te.Errors) > 0 {
		first, more = te.Errors[0], len(te.Errors)-1
	}
	line, msg := yamlLine(first)
	if m := yamlUnknownRE.FindStringSubmatch(msg); m != nil {
		msg = fmt.Sprintf("unknown key %q", m[1])
		if m[1] == "format" {
			hint = "this looks like a model.json; model.weights takes a file of only layers: [{W: [[...]], b: [...]}, ...]"
		}
	} else if m := yamlTypeRE.FindStringSubmatch(msg); m != nil {
		want, ok := weightsTypes[m[3]]
		if !ok {
			want = m[3]
		}
		got := map[string]string{"!!seq": "a list", "!!map": "a mapping", "!!null": "nothing"}[m[1]]
		if got == "" {
			got = m[2]
			if m[1] == "!!str" {
				got = strconv.Quote(m[2])
			}
		}
		msg = fmt.Sprintf("expected %s, got %s", want, got)
	}
	msg = oneLine(msg)
	switch {
	case more == 1:
		msg += " (and 1 more problem)"
	case more > 1:
		msg += fmt.Sprintf(" (and %d more problems)", more)
	}
	return &inputerr.Error{File: name, Line: line, Err: fmt.Errorf("not a weights file: %s", msg), Hint: hint}
}
