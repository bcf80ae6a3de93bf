// Package ortrun runs an ONNX model in the real ONNX Runtime, for tests: it
// feeds the inputs to tests/onnx/run.js, which runs the model with the
// onnxruntime-node package (CPU, one thread, graph optimizations off), and
// parses what that prints. It needs node on PATH and the package installed
// in tests/onnx (npm ci --ignore-scripts --prefix tests/onnx, which
// .ci/run does). Only tests import it; Require skips a test without them
// (and fails it when CI=true).
package ortrun

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
)

// InstallCommand installs onnxruntime-node for Run, from the repository
// root.
const InstallCommand = "npm ci --ignore-scripts --prefix tests/onnx"

// Tensor is an input or output of a model. Type is the element type as
// onnxruntime-node names it: "float64", "float32", "int64", "string" or
// "bool" for inputs; outputs may also be other integer types ("int32",
// "uint8", ...). Dims is the shape, and the elements, in row-major order,
// are in the one field of Type's kind: Float for float64 and float32 (NaN
// and ±Inf included; a float32 output holds each element's exact value),
// String for string, Int for the integer types and bool (0 or 1).
type Tensor struct {
	Type   string
	Dims   []int64
	Float  []float64
	String []string
	Int    []int64
}

// Value describes one of a model's inputs or outputs as the session sees it.
// Type is "non-tensor" for a sequence or map. Shape has one entry per axis:
// a number for a fixed size, else the symbolic name (such as "N").
type Value struct {
	Name  string
	Type  string
	Shape []string
}

// Info is what Run learned about the model. Inputs, Outputs and their
// descriptions come from ONNX Runtime's session; IRVersion, Producer*,
// Opset (domain to version, "" for ai.onnx) and Metadata (metadata_props)
// are read from the model file by run.js, as ORT's JavaScript API gives no
// model metadata.
type Info struct {
	Inputs          []string
	Outputs         []string
	InputValues     []Value
	OutputValues    []Value
	IRVersion       int64
	ProducerName    string
	ProducerVersion string
	Opset           map[string]int64
	Metadata        map[string]string
}

// root is the repository root: the nearest folder with a go.mod at or above
// the working directory.
func root() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("ortrun: no go.mod at or above the working directory, so no repository root to find tests/onnx in")
		}
		dir = parent
	}
}

var (
	availableOnce sync.Once
	availableErr  error
	runScript     string
)

// Available reports whether Run can work: nil if node is on PATH and
// onnxruntime-node is installed in tests/onnx of the repository (and loads),
// else an error that says what is missing and how to install it. It checks
// once per process.
func Available() error {
	availableOnce.Do(func() { availableErr = available() })
	return availableErr
}

func available() error {
	dir, err := root()
	if err != nil {
		return err
	}
	if _, err := exec.LookPath("node"); err != nil {
		return fmt.Errorf("ortrun: node (Node.js) is not on PATH: install it (apt-get install nodejs npm), then %s in %s", InstallCommand, dir)
	}
	script := filepath.Join(dir, "tests", "onnx", "run.js")
	if _, err := os.Stat(script); err != nil {
		return fmt.Errorf("ortrun: %s is missing", script)
	}
	pkg := filepath.Join(dir, "tests", "onnx", "node_modules", "onnxruntime-node")
	if _, err := os.Stat(filepath.Join(pkg, "package.json")); err != nil {
		return fmt.Errorf("ortrun: onnxruntime-node is not installed in %s: run %s in %s", pkg, InstallCommand, dir)
	}
	var stderr bytes.Buffer
	cmd := exec.Command("node", "-e", "require(process.argv[1]).env", pkg)
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("ortrun: onnxruntime-node in %s does not load (%v): %s; reinstall with %s in %s", pkg, err, firstLines(stderr.String(), 5), InstallCommand, dir)
	}
	runScript = script
	return nil
}

func firstLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = lines[:n]
	}
	return strings.Join(lines, "\n")
}

// Run runs the model file in ONNX Runtime with the inputs (by input name)
// and returns every output by name, and what the session says about the
// model. An error of the runtime (a model it refuses, a missing input, a
// shape mismatch) comes back with ORT's message.
func Run(model string, inputs map[string]Tensor) (map[string]Tensor, Info, error) {
	if err := Available(); err != nil {
		return nil, Info{}, err
	}
	feeds := map[string]feedTensor{}
	for name, t := range inputs {
		f, err := feed(name, t)
		if err != nil {
			return nil, Info{}, err
		}
		feeds[name] = f
	}
	body, err := json.Marshal(map[string]any{"inputs": feeds})
	if err != nil {
		return nil, Info{}, fmt.Errorf("ortrun: %w", err)
	}
	file, err := os.CreateTemp("", "ortrun-feeds-*.json")
	if err != nil {
		return nil, Info{}, fmt.Errorf("ortrun: %w", err)
	}
	defer os.Remove(file.Name())
	if _, err := file.Write(body); err != nil {
		file.Close()
		return nil, Info{}, fmt.Errorf("ortrun: %w", err)
	}
	if err := file.Close(); err != nil {
		return nil, Info{}, fmt.Errorf("ortrun: %w", err)
	}

	var stdout, stderr bytes.Buffer
	cmd := exec.Command("node", runScript, model, file.Name())
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(stderr.String())
		if msg == "" {
			msg = err.Error()
		}
		return nil, Info{}, fmt.Errorf("onnxruntime: %s: %s", model, msg)
	}
	return parse(stdout.Bytes())
}

type feedTensor struct {
	Type string  `json:"type"`
	Dims []int64 `json:"dims"`
	Data []any   `json:"data"`
}

func feed(name string, t Tensor) (feedTensor, error) {
	n := int64(1)
	for _, d := range t.Dims {
		if d < 0 {
			return feedTensor{}, fmt.Errorf("ortrun: input %s: negative dimension in %v", name, t.Dims)
		}
		n *= d
	}
	f := feedTensor{Type: t.Type, Dims: t.Dims}
	if f.Dims == nil {
		f.Dims = []int64{}
	}
	var have int
	switch t.Type {
	case "float64", "float32":
		have = len(t.Float)
		for _, v := range t.Float {
			switch {
			case math.IsNaN(v):
				f.Data = append(f.Data, nil)
			case math.IsInf(v, 1):
				f.Data = append(f.Data, "Infinity")
			case math.IsInf(v, -1):
				f.Data = append(f.Data, "-Infinity")
			default:
				f.Data = append(f.Data, v)
			}
		}
	case "string":
		have = len(t.String)
		for _, v := range t.String {
			f.Data = append(f.Data, v)
		}
	case "int64":
		have = len(t.Int)
		for _, v := range t.Int {
			f.Data = append(f.Data, strconv.FormatInt(v, 10)) // exact beyond 2^53
		}
	case "bool":
		have = len(t.Int)
		for _, v := range t.Int {
			f.Data = append(f.Data, v != 0)
		}
	default:
		return feedTensor{}, fmt.Errorf("ortrun: input %s: unsupported type %q (float64, float32, int64, string, bool)", name, t.Type)
	}
	if int64(have) != n {
		return feedTensor{}, fmt.Errorf("ortrun: input %s: dims %v hold %d elements, the data has %d", name, t.Dims, n, have)
	}
	if f.Data == nil {
		f.Data = []any{}
	}
	return f, nil
}

type result struct {
	Outputs map[string]struct {
		Type string            `json:"type"`
		Dims []int64           `json:"dims"`
		Data []json.RawMessage `json:"data"`
	} `json:"outputs"`
	Inputs          []string          `json:"inputs"`
	OutputNames     []string          `json:"output_names"`
	InputMetadata   []valueJSON       `json:"input_metadata"`
	OutputMetadata  []valueJSON       `json:"output_metadata"`
	IRVersion       int64             `json:"ir_version"`
	ProducerName    string            `json:"producer_name"`
	ProducerVersion string            `json:"producer_version"`
	Opset           map[string]int64  `json:"opset"`
	Metadata        map[string]string `json:"metadata"`
}

type valueJSON struct {
	Name  string            `json:"name"`
	Type  string            `json:"type"`
	Shape []json.RawMessage `json:"shape"`
}

func (v valueJSON) value() (Value, error) {
	out := Value{Name: v.Name, Type: v.Type}
	for _, d := range v.Shape {
		var s string
		if err := json.Unmarshal(d, &s); err == nil {
			out.Shape = append(out.Shape, s)
			continue
		}
		if _, err := strconv.ParseInt(string(d), 10, 64); err != nil {
			return Value{}, fmt.Errorf("shape of %s: %s is neither a size nor a name", v.Name, d)
		}
		out.Shape = append(out.Shape, string(d))
	}
	return out, nil
}

func parse(stdout []byte) (map[string]Tensor, Info, error) {
	var r result
	if err := json.Unmarshal(stdout, &r); err != nil {
		return nil, Info{}, fmt.Errorf("ortrun: run.js printed what is not its JSON (%v): %.200s", err, stdout)
	}
	info := Info{
		Inputs:          r.Inputs,
		Outputs:         r.OutputNames,
		IRVersion:       r.IRVersion,
		ProducerName:    r.ProducerName,
		ProducerVersion: r.ProducerVersion,
		Opset:           r.Opset,
		Metadata:        r.Metadata,
	}
	for _, list := range []struct {
		from []valueJSON
		to   *[]Value
	}{{r.InputMetadata, &info.InputValues}, {r.OutputMetadata, &info.OutputValues}} {
		for _, v := range list.from {
			val, err := v.value()
			if err != nil {
				return nil, Info{}, fmt.Errorf("ortrun: %w", err)
			}
			*list.to = append(*list.to, val)
		}
	}
	outputs := make(map[string]Tensor, len(r.Outputs))
	for name, o := range r.Outputs {
		t := Tensor{Type: o.Type, Dims: o.Dims}
		for i, raw := range o.Data {
			if err := t.appendJSON(raw); err != nil {
				return nil, Info{}, fmt.Errorf("ortrun: output %s[%d]: %w", name, i, err)
			}
		}
		outputs[name] = t
	}
	return outputs, info, nil
}

// appendJSON adds one element as run.js prints it.
func (t *Tensor) appendJSON(raw json.RawMessage) error {
	s := string(raw)
	switch t.Type {
	case "float64", "float32":
		switch s {
		case "null":
			t.Float = append(t.Float, math.NaN())
		case `"Infinity"`:
			t.Float = append(t.Float, math.Inf(1))
		case `"-Infinity"`:
			t.Float = append(t.Float, math.Inf(-1))
		default:
			v, err := strconv.ParseFloat(s, 64)
			if err != nil {
				return err
			}
			t.Float = append(t.Float, v)
		}
	case "string":
		var v string
		if err := json.Unmarshal(raw, &v); err != nil {
			return err
		}
		t.String = append(t.String, v)
	case "bool":
		switch s {
		case "true":
			t.Int = append(t.Int, 1)
		case "false":
			t.Int = append(t.Int, 0)
		default:
			return fmt.Errorf("%s is not a bool", s)
		}
	case "uint64":
		v, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			return err
		}
		t.Int = append(t.Int, int64(v)) // bits kept: values past 2^63 wrap
	default: // the other integer types
		v, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return fmt.Errorf("type %s: %w", t.Type, err)
		}
		t.Int = append(t.Int, v)
	}
	return nil
}
