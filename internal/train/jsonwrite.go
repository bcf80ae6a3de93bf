package train

import (
	"bytes"
	"encoding/json"
	"math"
	"reflect"
	"runtime"
	"strconv"
	"sync"
)

// This file writes model.json and checkpoint.json without reflection:
// the same bytes as encoding/json (json.MarshalIndent(f, "", " ") for
// model.json, json.Marshal(c) for checkpoint.json, which
// TestJSONWriterMatchesEncodingJSON checks on random files), with the
// big arrays of floats formatted by strconv.AppendFloat into one
// preallocated buffer, on GOMAXPROCS goroutines for a big one. The small
// fields (names, the scaler, the columns, the history) still go through
// encoding/json, one at a time.

// jsonWriter appends one JSON document to b: compact as json.Marshal
// writes it, or, with indent, indented by one space a level as
// json.MarshalIndent(v, "", " ") does.
type jsonWriter struct {
	b      []byte
	indent bool
	counts []int // the number of items written in each open object or array
	err    error // the first error
}

// item starts a value in the open array or object: a comma after the
// first, and, indented, a new line.
func (w *jsonWriter) item() {
	if d := len(w.counts); d > 0 {
		if w.counts[d-1] > 0 {
			w.b = append(w.b, ',')
		}
		w.counts[d-1]++
	}
	w.newline(len(w.counts))
}

// newline starts a new line at depth d, when indented.
func (w *jsonWriter) newline(d int) {
	if w.indent {
		w.b = append(w.b, '\n')
		for range d {
			w.b = append(w.b, ' ')
		}
	}
}

// open writes c, '{' or '[', and enters it.
func (w *jsonWriter) open(c byte) {
	w.b = append(w.b, c)
	w.counts = append(w.counts, 0)
}

// close leaves the open object or array with c, '}' or ']'.
func (w *jsonWriter) close(c byte) {
	d := len(w.counts) - 1
	if w.counts[d] > 0 {
		w.newline(d)
	}
	w.counts = w.counts[:d]
	w.b = append(w.b, c)
}

// key starts the field k (a plain ASCII name) of the open object.
func (w *jsonWriter) key(k string) {
	w.item()
	w.b = append(w.b, '"')
	w.b = append(w.b, k...)
	w.b = append(w.b, '"', ':')
	if w.indent {
		w.b = append(w.b, ' ')
	}
}

// value writes v as encoding/json does, where a key or item() has put
// it.
func (w *jsonWriter) value(v any) {
	b, err := json.Marshal(v)
	if err != nil {
		w.fail(err)
		return
	}
	if !w.indent || len(b) < 2 || (b[0] != '{' && b[0] != '[') {
		w.b = append(w.b, b...)
		return
	}
	var buf bytes.Buffer
	prefix := make([]byte, 0, len(w.counts))
	for range len(w.counts) {
		prefix = append(prefix, ' ')
	}
	if err := json.Indent(&buf, b, string(prefix), " "); err != nil {
		w.fail(err)
		return
	}
	w.b = append(w.b, buf.Bytes()...)
}

func (w *jsonWriter) fail(err error) {
	if w.err == nil {
		w.err = err
	}
}

func (w *jsonWriter) int(v int) { w.b = strconv.AppendInt(w.b, int64(v), 10) }

func (w *jsonWriter) bool(v bool) { w.b = strconv.AppendBool(w.b, v) }

// ints writes v, nil as null.
func (w *jsonWriter) ints(v []int) {
	if v == nil {
		w.b = append(w.b, "null"...)
		return
	}
	w.open('[')
	for _, x := range v {
		w.item()
		w.int(x)
	}
	w.close(']')
}

// parallelFloats is the least number of floats worth formatting on more
// than one goroutine (about 1 ms of work).
const parallelFloats = 1 << 14

// floats writes v, nil as null.
func (w *jsonWriter) floats(v []float64) {
	if v == nil {
		w.b = append(w.b, "null"...)
		return
	}
	if len(v) == 0 {
		w.b = append(w.b, '[', ']')
		return
	}
	w.open('[')
	d := len(w.counts)
	var bad float64
	ok := true
	w.b, bad, ok = w.pieces(len(v), len(v), func(dst []byte, lo, hi int) ([]byte, float64, bool) {
		return appendFloatItems(dst, v[lo:hi], lo == 0, w.indent, d)
	})
	if !ok {
		w.fail(unsupported(bad))
	}
	w.counts[d-1] = len(v)
	w.close(']')
}

// floats2 writes v, a list of lists of floats, nil as null.
func (w *jsonWriter) floats2(v [][]float64) {
	if v == nil {
		w.b = append(w.b, "null"...)
		return
	}
	total := 0
	for _, r := range v {
		total += len(r)
	}
	if len(v) < 2*runtime.GOMAXPROCS(0) {
		// Few long rows (a checkpoint's flattened matrices): each row in
		// parallel.
		w.open('[')
		for _, r := range v {
			w.item()
			w.floats(r)
		}
		w.close(']')
		return
	}
	// Many rows (a layer's W): groups of rows in parallel.
	w.open('[')
	d := len(w.counts)
	var bad float64
	ok := true
	w.b, bad, ok = w.pieces(len(v), total, func(dst []byte, lo, hi int) ([]byte, float64, bool) {
		sub := jsonWriter{b: dst, indent: w.indent, counts: make([]int, d, d+1)}
		if lo > 0 {
			sub.counts[d-1] = 1
		}
		for _, r := range v[lo:hi] {
			sub.item()
			sub.floats(r)
			if sub.err != nil {
				return sub.b, sub.err.(*json.UnsupportedValueError).Value.Float(), false
			}
		}
		return sub.b, 0, true
	})
	if !ok {
		w.fail(unsupported(bad))
	}
	w.counts[d-1] = len(v)
	w.close(']')
}

// pieces appends to w.b what format writes for the items [0, n), which
// hold about work floats: in one call, or split into ranges of items
// formatted on GOMAXPROCS goroutines into buffers of their own and
// joined in order. It returns the first non-finite value format reports,
// and ok false, if there is one.
func (w *jsonWriter) pieces(n, work int, format func(dst []byte, lo, hi int) ([]byte, float64, bool)) (b []byte, bad float64, ok bool) {
	p := min(runtime.GOMAXPROCS(0), n, work/parallelFloats)
	if p <= 1 {
		w.b = grow(w.b, work*(floatBytes+len(w.counts)+2))
		return format(w.b, 0, n)
	}
	type piece struct {
		b   []byte
		bad float64
		ok  bool
	}
	ps := make([]piece, p)
	var wg sync.WaitGroup
	for i := range p {
		lo, hi := i*n/p, (i+1)*n/p
		wg.Go(func() {
			dst := make([]byte, 0, (hi-lo)*work/n*(floatBytes+len(w.counts)+2)+64)
			ps[i].b, ps[i].bad, ps[i].ok = format(dst, lo, hi)
		})
	}
	wg.Wait()
	size := 0
	for _, pc := range ps {
		size += len(pc.b)
	}
	b = grow(w.b, size)
	for _, pc := range ps {
		if !pc.ok {
			return b, pc.bad, false
		}
		b = append(b, pc.b...)
	}
	return b, 0, true
}

// floatBytes is about the longest a float64 is in JSON, 17 significant
// digits with a sign, a point and an exponent.
const floatBytes = 24

// grow returns b with room for n more bytes.
func grow(b []byte, n int) []byte {
	if cap(b)-len(b) >= n {
		return b
	}
	return append(b, make([]byte, n)...)[:len(b)]
}

// appendFloatItems appends the floats v as items of an array at depth d
// (whose opening bracket is written): each after a comma but the first
// of the array (first), and, indented, on a new line. It stops at a
// value JSON cannot hold, which it returns with ok false.
func appendFloatItems(b []byte, v []float64, first, indent bool, d int) (_ []byte, bad float64, ok bool) {
	var sep []byte // ",\n" and d spaces, or ","
	if indent {
		sep = make([]byte, 0, d+2)
		sep = append(sep, ",\n"...)
		for range d {
			sep = append(sep, ' ')
		}
	} else {
		sep = []byte{','}
	}
	for i, f := range v {
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return b, f, false
		}
		if i == 0 && first {
			b = append(b, sep[1:]...)
		} else {
			b = append(b, sep...)
		}
		b = appendJSONFloat(b, f)
	}
	return b, 0, true
}

// appendJSONFloat appends the finite f as encoding/json writes a float64:
// the shortest decimal that reads back as f, in 'f' format but for
// |f| < 1e-6 or |f| ≥ 1e21, which take 'e' format with at least one
// exponent digit (1e-7, not 1e-07).
func appendJSONFloat(b []byte, f float64) []byte {
	abs := math.Abs(f)
	format := byte('f')
	if abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' {
		// e-07 to e-7
		n := len(b)
		if n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b
}

// unsupported is encoding/json's error for a float it cannot write.
func unsupported(f float64) error {
	return &json.UnsupportedValueError{Value: reflect.ValueOf(f), Str: strconv.FormatFloat(f, 'g', -1, 64)}
}

// modelFileFields and checkpointFields are the numbers of fields of
// modelFile and Checkpoint that writeModelJSON and writeCheckpointJSON
// know: a test fails when a new one is added, so that they learn it.
const (
	modelFileFields  = 15
	layerFileFields  = 5
	checkpointFields = 24
)

// marshalModel writes f as json.MarshalIndent(f, "", " ") does.
func marshalModel(f *modelFile) ([]byte, error) {
	// The numbers the file holds, not the units it claims: a decoded
	// file is sealed again to check it.
	params := 0
	for _, l := range f.Layers {
		for _, r := range l.W {
			params += len(r)
		}
		params += len(l.B)
		if bn := l.BatchNorm; bn != nil {
			params += len(bn.Gamma) + len(bn.Beta) + len(bn.RunningMean) + len(bn.RunningVar)
		}
	}
	w := &jsonWriter{b: make([]byte, 0, params*(floatBytes+6)+len(f.Features)*32+4096), indent: true}
	w.open('{')
	w.key("format")
	w.value(f.Format)
	w.key("version")
	w.int(f.Version)
	w.key("features")
	w.value(f.Features)
	w.key("feature_map")
	w.value(f.FeatureMap)
	w.key("normalize")
	w.value(f.Normalize)
	w.key("targets")
	w.value(f.Targets)
	w.key("classes")
	w.value(f.Classes)
	if len(f.Columns) > 0 {
		w.key("columns")
		w.value(f.Columns)
	}
	if len(f.Categorical) > 0 {
		w.key("categorical")
		w.value(f.Categorical)
	}
	if f.Read != nil {
		w.key("read")
		w.value(f.Read)
	}
	w.key("loss")
	w.value(f.Loss)
	if f.Precision != "" {
		w.key("precision")
		w.value(f.Precision)
	}
	w.key("inputs")
	w.int(f.Inputs)
	w.key("layers")
	if f.Layers == nil {
		w.b = append(w.b, "null"...)
	} else {
		w.open('[')
		for _, l := range f.Layers {
			w.item()
			w.open('{')
			w.key("units")
			w.int(l.Units)
			w.key("activation")
			w.value(l.Activation)
			w.key("W")
			w.floats2(l.W)
			if len(l.B) > 0 {
				w.key("b")
				w.floats(l.B)
			}
			if bn := l.BatchNorm; bn != nil {
				w.key("batch_norm")
				w.open('{')
				w.key("gamma")
				w.floats(bn.Gamma)
				w.key("beta")
				w.floats(bn.Beta)
				w.key("running_mean")
				w.floats(bn.RunningMean)
				w.key("running_var")
				w.floats(bn.RunningVar)
				w.close('}')
			}
			w.close('}')
		}
		w.close(']')
	}
	w.key("checksum")
	w.value(f.Checksum)
	w.close('}')
	if w.err != nil {
		return nil, w.err
	}
	return w.b, nil
}

// withModelChecksum returns b, model.json as marshalModel writes it with
// an empty checksum, with the checksum sum instead, in place, or false if
// b does not end as it should.
func withModelChecksum(b []byte, sum string) ([]byte, bool) {
	const empty = "\"checksum\": \"\"\n}"
	if !bytes.HasSuffix(b, []byte(empty)) {
		return nil, false
	}
	b = append(b[:len(b)-3], sum...) // the closing quote, newline and brace
	return append(b, "\"\n}"...), true
}

// marshalCheckpoint writes c as json.Marshal(c) does.
func marshalCheckpoint(c *Checkpoint) ([]byte, error) {
	size := len(c.Config) + len(c.Perm)*8 + 4096
	for _, set := range [][][]float64{c.Weights, c.EpochStart, c.Best} {
		for _, d := range set {
			size += len(d) * floatBytes
		}
	}
	if c.Optimizer != nil {
		for _, buf := range c.Optimizer.Buffers {
			for _, d := range buf.Data {
				size += len(d) * floatBytes
			}
		}
	}
	w := &jsonWriter{b: make([]byte, 0, size)}
	w.open('{')
	w.key("format")
	w.value(c.Format)
	w.key("version")
	w.int(c.Version)
	w.key("config")
	w.value(c.Config)
	w.key("data")
	w.value(c.Data)
	w.key("epoch")
	w.int(c.Epoch)
	w.key("step")
	w.int(c.Step)
	w.key("started")
	w.bool(c.Started)
	if len(c.Perm) > 0 {
		w.key("perm")
		w.ints(c.Perm)
	}
	w.key("rng")
	w.value(c.RNG)
	if len(c.MaskRNG) > 0 {
		w.key("mask_rng")
		w.value(c.MaskRNG)
	}
	w.key("sum")
	w.value(c.Sum)
	w.key("correct")
	w.int(c.Correct)
	w.key("seconds")
	w.value(c.Seconds)
	w.key("weights")
	w.floats2(c.Weights)
	if len(c.EpochStart) > 0 {
		w.key("epoch_start")
		w.floats2(c.EpochStart)
	}
	w.key("optimizer")
	if s := c.Optimizer; s == nil {
		w.b = append(w.b, "null"...)
	} else {
		// As OptimizerState.MarshalJSON, whose errors encoding/json
		// wraps.
		prev := w.err
		w.open('{')
		w.key("steps")
		w.int(s.Steps)
		for _, buf := range s.Buffers {
			if len(buf.Data) == 0 {
				continue
			}
			w.item()
			w.value(buf.Name)
			w.b = append(w.b, ':')
			w.floats2(buf.Data)
		}
		w.close('}')
		if prev == nil && w.err != nil {
			w.err = &json.MarshalerError{Type: reflect.TypeFor[*OptimizerState](), Err: w.err}
		}
	}
	if c.Schedule != nil {
		w.key("schedule")
		w.value(c.Schedule)
	}
	if c.Clipped != 0 {
		w.key("clipped")
		w.int(c.Clipped)
	}
	if c.Stream != nil {
		w.key("stream")
		w.value(c.Stream)
	}
	w.key("history")
	w.value(c.History)
	w.key("best_loss")
	w.value(c.BestLoss)
	w.key("best_epoch")
	w.int(c.BestEpoch)
	if len(c.Best) > 0 {
		w.key("best")
		w.floats2(c.Best)
	}
	if c.Checksum != "" {
		w.key("checksum")
		w.value(c.Checksum)
	}
	w.close('}')
	if w.err != nil {
		return nil, w.err
	}
	return w.b, nil
}

// withCheckpointChecksum returns b, checkpoint.json as marshalCheckpoint
// writes it without a checksum, with the checksum sum, in place.
func withCheckpointChecksum(b []byte, sum string) ([]byte, bool) {
	if len(b) == 0 || b[len(b)-1] != '}' {
		return nil, false
	}
	b = append(b[:len(b)-1], `,"checksum":"`...)
	return append(append(b, sum...), "\"}"...), true
}
