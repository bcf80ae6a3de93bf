package train

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"unicode/utf8"
	"unsafe"

	"github.com/mlptrain/mlptrain/internal/atomicfile"
	"github.com/mlptrain/mlptrain/internal/config"
	"github.com/mlptrain/mlptrain/internal/data"
	"github.com/mlptrain/mlptrain/internal/inputerr"
	"github.com/mlptrain/mlptrain/internal/layers"
	"github.com/mlptrain/mlptrain/internal/sysmem"
	"github.com/mlptrain/mlptrain/internal/vocab"
	"github.com/zeebo/xxh3"
	"gonum.org/v1/gonum/mat"
)

// The model file format.
const (
	modelFormat = "mlptrain-model"
	// ModelVersion is the version fit writes. Version 2 added the columns'
	// encoding (categorical levels, imputation) and how the file was read;
	// a version 1 file is read as an all-numeric model with no missing
	// cells, as it was written.
	ModelVersion = 2
	// modelVersionBN is the version of a model with batch normalization,
	// which added the layers' batch_norm and left out their b: fit writes
	// it only for such a model, so that the files of others keep their
	// bytes and an older mlptrain refuses it by its version.
	modelVersionBN = 3
	// maxModelBytes bounds what LoadModel reads, against hostile files.
	// Its messages say it in GiB, so it is a whole number of GiB.
	maxModelBytes = 1 << 30
	// modelBytesPerParam is about what model.json spends on a weight:
	// an indented line holding 17 significant digits (measured by
	// TestModelBytesPerParam).
	modelBytesPerParam = 25
)

// Saved is a trained model with everything needed to apply it to a CSV
// file: the columns it reads, the feature map, the normalization, the
// network and the meaning of its outputs.
type Saved struct {
	Features []string        // the CSV feature columns, in order
	Encoding *data.Encoding  // how each feature column becomes inputs
	Poly     data.Polynomial // feature map of the numeric columns, applied before Scaler
	Scaler   *data.Scaler    // of the dense inputs
	Targets  []string        // target column names
	Classes  []string        // class names (classification), else nil
	Model    *layers.Model
	// Reading says how the training file was read, which eval and predict
	// follow: nil for a version 1 model (a comma, no missing cells).
	Reading *Reading
}

// Reading is how a model's training file was read.
type Reading struct {
	Delimiter string   `json:"delimiter"`
	Decimal   string   `json:"decimal"`
	Missing   []string `json:"missing"`
}

// readingOf returns how cfg reads its files.
func readingOf(cfg *config.Config) *Reading {
	return &Reading{Delimiter: cfg.Data.Delimiter, Decimal: cfg.Data.Decimal, Missing: cfg.Data.Missing}
}

// modelFile is model.json: no timestamps or host names, so that the same
// config and seed give the same bytes.
type modelFile struct {
	Format     string       `json:"format"`
	Version    int          `json:"version"`
	Features   []string     `json:"features"`
	FeatureMap featureMap   `json:"feature_map"`
	Normalize  *data.Scaler `json:"normalize"`
	Targets    []string     `json:"targets"`
	Classes    []string     `json:"classes"`
	// Columns and Read are new in version 2.
	Columns     []data.ColumnEncoding `json:"columns,omitempty"`
	Categorical []int                 `json:"categorical,omitempty"` // the one-hot width of each categorical column
	Read        *Reading              `json:"read,omitempty"`
	Loss        string                `json:"loss"`
	// Precision is "float32" for a model trained and evaluated in
	// float32 (its weights are then float32 values), left out for
	// float64.
	Precision string      `json:"precision,omitempty"`
	Inputs    int         `json:"inputs"`
	Layers    []layerFile `json:"layers"`
	// Checksum is "sha256:" and the hex SHA-256 of the file written with
	// an empty checksum.
	Checksum string `json:"checksum"`
}

type featureMap struct {
	Polynomial int `json:"polynomial"`
	// InteractionsOnly is left out when false, so that files written
	// before it existed keep their bytes and checksums.
	InteractionsOnly bool `json:"interactions_only,omitempty"`
}

type layerFile struct {
	Units      int         `json:"units"`
	Activation string      `json:"activation"`
	W          [][]float64 `json:"W"` // inputs × units
	// B is left out for a layer with batch normalization, whose β
	// replaces it.
	B         []float64 `json:"b,omitempty"`
	BatchNorm *bnFile   `json:"batch_norm,omitempty"` // version 3
}

// bnFile is a layer's batch normalization: its scale and shift and the
// running averages evaluation uses (layers.BatchNorm).
type bnFile struct {
	Gamma       []float64 `json:"gamma"`
	Beta        []float64 `json:"beta"`
	RunningMean []float64 `json:"running_mean"`
	RunningVar  []float64 `json:"running_var"`
}

func rows(m *mat.Dense) [][]float64 {
	r, _ := m.Dims()
	out := make([][]float64, r)
	for i := range out {
		out[i] = m.RawRowView(i)
	}
	return out
}

func (s *Saved) file() *modelFile {
	f := &modelFile{
		Format: modelFormat, Version: ModelVersion,
		Features: s.Features, FeatureMap: featureMap{s.Poly.Degree, s.Poly.InteractionsOnly}, Normalize: s.Scaler,
		Targets: s.Targets, Classes: s.Classes, Loss: s.Model.Loss, Inputs: s.Model.Inputs,
		Columns: s.encoding().Columns, Categorical: s.Model.Categorical, Read: s.Reading,
	}
	if s.Model.Float32 {
		f.Precision = config.PrecisionFloat32
	}
	if f.Read == nil {
		f.Read = &Reading{Delimiter: ",", Decimal: ".", Missing: []string{}}
	}
	for _, l := range s.Model.Layers {
		lf := layerFile{Units: l.Units(), Activation: l.Activation, W: rows(l.W), B: l.B.RawRowView(0)}
		if bn := l.BN; bn != nil {
			f.Version = modelVersionBN
			lf.B = nil
			lf.BatchNorm = &bnFile{Gamma: bn.Gamma.RawRowView(0), Beta: bn.Beta.RawRowView(0), RunningMean: bn.Mean.RawRowView(0), RunningVar: bn.Var.RawRowView(0)}
		}
		f.Layers = append(f.Layers, lf)
	}
	return f
}

// marshal encodes f as model.json holds it, but for the final newline:
// as json.MarshalIndent(f, "", " ") does (marshalModel).
func (f *modelFile) marshal() ([]byte, error) { return marshalModel(f) }

func encode(f *modelFile) ([]byte, error) {
	b, err := seal(&f.Checksum, f.marshal, withModelChecksum)
	return append(b, '\n'), err
}

// seal is the checksum of model.json and checkpoint.json: it sets *sum,
// the file's checksum field, to "sha256:" and the hex SHA-256 of the
// file as marshal encodes it with an empty checksum, and returns the
// encoding with the checksum. A file read back is checked by sealing
// what was decoded again (sealed), so that an edit that changes a value,
// a digit of a weight, is caught.
//
// withSum puts the checksum into the encoding without the checksum, as
// marshal would write it, saving a second marshal; if it cannot (false),
// seal marshals again.
func seal(sum *string, marshal func() ([]byte, error), withSum func(b []byte, sum string) ([]byte, bool)) ([]byte, error) {
	*sum = ""
	b, err := marshal()
	if err != nil {
		return nil, err
	}
	h := sha256.Sum256(b)
	*sum = "sha256:" + hex.EncodeToString(h[:])
	if b, ok := withSum(b, *sum); ok {
		return b, nil
	}
	return marshal()
}

// sealed reports whether a decoded file holds the checksum that seal
// gives its values, setting *sum to that checksum.
func sealed(sum *string, marshal func() ([]byte, error)) bool {
	want := *sum
	*sum = ""
	b, err := marshal()
	if err != nil {
		return false
	}
	h := sha256.Sum256(b)
	*sum = "sha256:" + hex.EncodeToString(h[:])
	return want == *sum
}

// WriteModel writes s to path atomically. It fails if a weight is not
// finite (JSON cannot hold it).
func WriteModel(path string, s *Saved) error {
	b, err := encode(s.file())
	if err != nil {
		return fmt.Errorf("encode model: %w", err)
	}
	return atomicfile.Write(path, func(w io.Writer) error { _, err := w.Write(b); return err })
}

// WeightsSHA256 returns the hex SHA-256 of the model's weights and biases
// as little-endian float64s, layer by layer: W1, b1, W2, b2, ..., a layer
// with batch normalization adding γ, β and the running mean and variance
// after its b (which stays 0).
func WeightsSHA256(m *layers.Model) string {
	var ds [][]float64
	for _, l := range m.Layers {
		ds = append(ds, l.W.RawMatrix().Data, l.B.RawMatrix().Data)
		if bn := l.BN; bn != nil {
			ds = append(ds, bn.Gamma.RawMatrix().Data, bn.Beta.RawMatrix().Data, bn.Mean.RawMatrix().Data, bn.Var.RawMatrix().Data)
		}
	}
	return sha256Floats(ds...)
}

// sha256Floats returns the hex SHA-256 of the slices' values as
// little-endian float64s, in order.
func sha256Floats(ds ...[]float64) string {
	h := sha256.New()
	hashFloats(h, ds)
	return hex.EncodeToString(h.Sum(nil))
}

// xxh3Floats returns "xxh3-128:" and the hex XXH3-128 (seed 0) of the
// slices' values as little-endian float64s, in order.
func xxh3Floats(ds ...[]float64) string {
	h := xxh3.New128()
	hashFloats(h, ds)
	return "xxh3-128:" + hex.EncodeToString(h.Sum(nil))
}

// hashFloats writes the slices' values to h as little-endian float64s,
// in order: their memory as it is on a little-endian machine, else
// encoded a block at a time.
func hashFloats(h io.Writer, ds [][]float64) {
	if littleEndian {
		for _, d := range ds {
			if len(d) > 0 {
				h.Write(unsafe.Slice((*byte)(unsafe.Pointer(&d[0])), len(d)*8))
			}
		}
		return
	}
	buf := make([]byte, 0, 8<<10)
	for _, d := range ds {
		for _, v := range d {
			buf = binary.LittleEndian.AppendUint64(buf, math.Float64bits(v))
			if len(buf) == cap(buf) {
				h.Write(buf)
				buf = buf[:0]
			}
		}
	}
	h.Write(buf)
}

// littleEndian says that float64s are stored little-endian, as
// hashFloats hashes them.
var littleEndian = binary.NativeEndian.Uint16([]byte{1, 0}) == 1

// LoadModel reads a model file written by WriteModel. A file that is not
// one, is truncated or edited (its checksum does not match), comes from a
// newer version, or whose shapes do not fit together is refused with an
// *inputerr.Error naming the file.
func LoadModel(path string) (*Saved, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, &inputerr.Error{File: path, Err: fmt.Errorf("cannot open model: %w", inputerr.PathCause(err)),
			Hint: "give the model.json of a run folder written by mlptrain fit"}
	}
	defer fh.Close()
	tooLarge := &inputerr.Error{File: path, Err: fmt.Errorf("model file larger than %d GiB", maxModelBytes>>30),
		Hint: fmt.Sprintf("model.json takes about %d bytes a parameter, so %d GiB holds some %d million, the most mlptrain loads; check that this is a model.json written by mlptrain fit",
			modelBytesPerParam, maxModelBytes>>30, maxModelBytes/modelBytesPerParam/1_000_000)}
	if fi, err := fh.Stat(); err == nil {
		switch {
		case fi.IsDir():
			return nil, &inputerr.Error{File: path, Err: errors.New("is a directory, not a model file"),
				Hint: "give the model.json inside a run folder, as in " + filepath.Join(path, "model.json")}
		case fi.Size() > maxModelBytes:
			// Refused before reading, so a huge file costs nothing.
			return nil, tooLarge
		}
	}
	// A pipe or device has no size to Stat: read at most one byte past
	// the limit.
	b, err := io.ReadAll(io.LimitReader(fh, maxModelBytes+1))
	if err != nil {
		return nil, &inputerr.Error{File: path, Err: fmt.Errorf("cannot read model: %w", inputerr.PathCause(err)),
			Hint: "check that the file is readable"}
	}
	if len(b) > maxModelBytes {
		return nil, tooLarge
	}
	if need, limit := decodeBytes(b), sysmem.Default(); limit.Bytes > 0 && need > limit.Bytes {
		return nil, &inputerr.Error{File: path,
			Err: fmt.Errorf("decoding this model needs about %s of memory, more than the limit of %s (%s)",
				sysmem.Format(need), sysmem.Format(limit.Bytes), limit.Source),
			Hint: "check that this is a model.json written by mlptrain fit, or load it on a machine with more memory"}
	}
	return DecodeModel(b, path)
}

// decodeBytesPerValue bounds what decoding model.json takes per number
// or list it holds (a float64 in its row, a row's slice header, the
// decoder's work): measured 37 bytes of memory a byte of file for a W of
// 10^7 one-entry rows, 75 per number and row.
const decodeBytesPerValue = 80

// decodeBytes estimates the memory decoding the model file b takes: its
// bytes, and decodeBytesPerValue for every number and list in it (a comma
// or an opening bracket each).
func decodeBytes(b []byte) int64 {
	values := int64(bytes.Count(b, []byte{','}) + bytes.Count(b, []byte{'['}))
	return int64(len(b)) + decodeBytesPerValue*values
}

// DecodeModel decodes model file bytes; name is used in errors.
func DecodeModel(b []byte, name string) (*Saved, error) {
	bad := func(hint, format string, args ...any) error {
		return &inputerr.Error{File: name, Err: clipped(format, args...), Hint: hint}
	}
	const rewrite = "train it again with mlptrain fit, or restore the file written by it"
	var f modelFile
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	at := func(off int64, format string, args ...any) error {
		line, col := lineCol(b, off)
		return &inputerr.Error{File: name, Line: line, Column: col, Err: clipped(format, args...), Hint: rewrite}
	}
	if err := dec.Decode(&f); err != nil {
		var se *json.SyntaxError
		switch {
		case errors.As(err, &se):
			return nil, at(se.Offset-1, "not a valid model file: %v", err) // Offset counts the bad byte
		case errors.Is(err, io.ErrUnexpectedEOF):
			return nil, at(int64(len(b)), "not a valid model file: it ends in the middle (truncated?)")
		}
		return nil, bad(rewrite, "not a valid model file: %v", err)
	}
	if rest := bytes.TrimLeft(b[dec.InputOffset():], " \t\r\n"); len(rest) > 0 {
		return nil, at(int64(len(b)-len(rest)), "not a valid model file: more data after the model")
	}
	if f.Format != modelFormat {
		return nil, bad("give the model.json of a run folder written by mlptrain fit", "not an mlptrain model file (format %q)", f.Format)
	}
	if f.Version > modelVersionBN || f.Version < 1 {
		return nil, bad("use a newer mlptrain to read it", "model format version %d; this mlptrain reads up to version %d", f.Version, modelVersionBN)
	}
	if !sealed(&f.Checksum, f.marshal) {
		return nil, bad(rewrite, "checksum mismatch: the file was truncated or edited")
	}
	return f.saved(name)
}

// maxMessage is the most runes of a message about a model file: the file
// may hold a key or value of any length, and the message is one line.
const maxMessage = 300

// clipped formats a message, cut to maxMessage runes.
func clipped(format string, args ...any) error {
	s := fmt.Sprintf(format, args...)
	if r := []rune(s); len(r) > maxMessage {
		s = string(r[:maxMessage]) + "…"
	}
	return errors.New(s)
}

// lineCol converts a byte offset into a 1-based line and column.
func lineCol(b []byte, off int64) (int, int) {
	off = min(max(off, 0), int64(len(b)))
	line := 1 + bytes.Count(b[:off], []byte("\n"))
	col := int(off) - bytes.LastIndexByte(b[:off], '\n')
	return line, col
}

// saved checks that the decoded file's parts fit together and builds the
// model.
func (f *modelFile) saved(name string) (*Saved, error) {
	bad := func(format string, args ...any) error {
		return &inputerr.Error{File: name, Err: fmt.Errorf(format, args...), Hint: "the file is inconsistent; train the model again"}
	}
	if err := f.checkNames(name); err != nil {
		return nil, err
	}
	loss, ok := vocab.LossNamed(f.Loss)
	if !ok {
		return nil, &inputerr.Error{File: name, Key: "loss", Err: clipped("unknown loss %q (want one of %v)", f.Loss, vocab.LossNames()), Hint: edited}
	}
	enc, err := f.encoding(name)
	if err != nil {
		return nil, err
	}
	spec := layers.Spec{Inputs: f.Inputs, Loss: f.Loss, Categorical: enc.Levels()}
	for i, l := range f.Layers {
		spec.Units = append(spec.Units, l.Units)
		spec.Acts = append(spec.Acts, l.Activation)
		if l.BatchNorm != nil {
			if f.Version < modelVersionBN {
				return nil, &inputerr.Error{File: name, Key: fmt.Sprintf("layers[%d].batch_norm", i),
					Err: clipped("a version %d model has no batch normalization", f.Version), Hint: edited}
			}
			if spec.BatchNorm == nil {
				spec.BatchNorm = make([]bool, len(f.Layers))
			}
			spec.BatchNorm[i] = true
		}
	}
	// Check the shapes against the numbers the file holds before New
	// allocates the layers, so that a small file claiming huge layers
	// cannot make us allocate without limit.
	d := f.Inputs
	for i, l := range f.Layers {
		b := l.Units
		if bn := l.BatchNorm; bn != nil {
			b = 0 // β replaces b
			for _, v := range [][]float64{bn.Gamma, bn.Beta, bn.RunningMean, bn.RunningVar} {
				if len(v) != l.Units {
					return nil, bad("layer %d: batch_norm has %d entries where the layer has %d units", i+1, len(v), l.Units)
				}
			}
			for _, v := range bn.RunningVar {
				if !(v >= 0) {
					return nil, bad("layer %d: batch_norm running_var has %v, want a variance ≥ 0", i+1, v)
				}
			}
		}
		if len(l.W) != d || len(l.B) != b {
			return nil, bad("layer %d: W has %d rows and b %d entries, want %d and %d", i+1, len(l.W), len(l.B), d, b)
		}
		for r, row := range l.W {
			if len(row) != l.Units {
				return nil, bad("layer %d: W row %d has %d entries, want %d", i+1, r+1, len(row), l.Units)
			}
		}
		d = l.Units
	}
	if out := len(f.Layers) - 1; out >= 0 {
		act, _ := vocab.Canonical(f.Layers[out].Activation) // an unknown one is New's to report
		if need := loss.Requirement(act, f.Layers[out].Units); act != "" && need != "" {
			return nil, &inputerr.Error{File: name, Key: "loss",
				Err:  clipped("%s needs %s, got %d %s unit%s", f.Loss, need, f.Layers[out].Units, act, plural(f.Layers[out].Units)),
				Hint: edited}
		}
	}
	switch f.Precision {
	case "", config.PrecisionFloat32:
	default:
		return nil, &inputerr.Error{File: name, Key: "precision", Err: clipped("unknown precision %q (want float32, or none for float64)", f.Precision), Hint: edited}
	}
	m, err := layers.New(spec)
	if err != nil {
		return nil, bad("%v", err)
	}
	m.Float32 = f.Precision == config.PrecisionFloat32
	for i, l := range f.Layers {
		dst := m.Layers[i]
		for r, row := range l.W {
			copy(dst.W.RawRowView(r), row)
		}
		copy(dst.B.RawRowView(0), l.B)
		if bn := l.BatchNorm; bn != nil {
			copy(dst.BN.Gamma.RawRowView(0), bn.Gamma)
			copy(dst.BN.Beta.RawRowView(0), bn.Beta)
			copy(dst.BN.Mean.RawRowView(0), bn.RunningMean)
			copy(dst.BN.Var.RawRowView(0), bn.RunningVar)
		}
	}
	if m.Float32 {
		if err := float32Range(m); err != nil {
			return nil, bad("%v", err)
		}
		m.Round32()
	}
	poly := data.Polynomial{Degree: f.FeatureMap.Polynomial, Inputs: enc.NumericCount(), InteractionsOnly: f.FeatureMap.InteractionsOnly}
	if poly.Inputs > 0 || poly.Degree > 1 {
		if err := poly.Validate(); err != nil {
			return nil, bad("feature map: %v", err)
		}
	}
	dense, levels := inputWidths(enc, poly)
	w1 := dense
	for _, l := range levels {
		w1 += l
	}
	if w1 != f.Inputs {
		return nil, bad("%d columns with a degree-%d feature map give %d inputs, but the network has %d", len(f.Features), poly.Degree, w1, f.Inputs)
	}
	if f.Normalize == nil {
		return nil, bad("no normalization")
	}
	if err := f.Normalize.Check(dense); err != nil {
		return nil, bad("%v", err)
	}
	if err := f.checkOutputs(name, loss, m.Outputs()); err != nil {
		return nil, err
	}
	return &Saved{Features: f.Features, Encoding: enc, Poly: poly, Scaler: f.Normalize, Targets: f.Targets, Classes: f.Classes, Model: m, Reading: f.Read}, nil
}

// encoding returns the encoding of the file's feature columns: its
// columns (version 2), or all numeric (version 1).
func (f *modelFile) encoding(name string) (*data.Encoding, error) {
	bad := func(key string, err error) error {
		return &inputerr.Error{File: name, Key: key, Err: clipped("%v", err), Hint: edited}
	}
	if f.Version < 2 {
		if f.Columns != nil || f.Read != nil || f.Categorical != nil {
			return nil, bad("version", fmt.Errorf("a version %d model has no columns, categorical or read", f.Version))
		}
		return data.NumericEncoding(f.Features), nil
	}
	enc := &data.Encoding{Columns: f.Columns}
	if err := enc.Check(); err != nil {
		return nil, bad("columns", err)
	}
	if !slices.Equal(enc.Names(), f.Features) {
		return nil, bad("columns", errors.New("the columns are not the features, in order"))
	}
	if !slices.Equal(enc.Levels(), f.Categorical) {
		return nil, bad("categorical", fmt.Errorf("%v, but the columns' levels give %v", f.Categorical, enc.Levels()))
	}
	if r := f.Read; r == nil || utf8.RuneCountInString(r.Delimiter) != 1 || (r.Decimal != "." && r.Decimal != ",") {
		return nil, bad("read", errors.New("needs a delimiter of one character and a decimal of \".\" or \",\""))
	}
	return enc, nil
}

// edited is the hint of a model file whose parts contradict each other:
// mlptrain fit never writes one, so it was edited and signed again.
const edited = "mlptrain fit never writes such a file, so it was edited; train the model again, or restore the model.json fit wrote"

// checkNames refuses a feature, target or class listed twice, and a
// target that is also a feature: the CSV reader would blame the data
// file for what is wrong in the model.
func (f *modelFile) checkNames(name string) error {
	for _, l := range []struct {
		key   string
		names []string
		hint  string
	}{
		{"features", f.Features, "each feature column is listed once; " + edited},
		{"targets", f.Targets, "each target column is listed once; " + edited},
		{"classes", f.Classes, "each class is listed once; " + edited},
	} {
		seen := make(map[string]int, len(l.names))
		for i, n := range l.names {
			if j, ok := seen[n]; ok {
				return &inputerr.Error{File: name, Key: l.key, Err: clipped("%q is listed twice (items %d and %d)", n, j+1, i+1), Hint: l.hint}
			}
			seen[n] = i
		}
	}
	for _, t := range f.Targets {
		if slices.Contains(f.Features, t) {
			return &inputerr.Error{File: name, Key: "targets", Err: clipped("%q is also a feature column", t),
				Hint: "a column is either a feature or a target; " + edited}
		}
	}
	return nil
}

// checkOutputs checks the targets and classes against the loss and the k
// output units, as the catalog describes them: a classifier has one
// target and a class per unit (two for a binary output), a regression
// model no classes and a unit per target.
func (f *modelFile) checkOutputs(name string, loss vocab.Loss, k int) error {
	fail := func(key, format string, args ...any) error {
		return &inputerr.Error{File: name, Key: key, Err: clipped(format, args...), Hint: edited}
	}
	switch {
	case len(f.Targets) == 0:
		return fail("targets", "no target column")
	case loss.Classify() && len(f.Targets) != 1:
		return fail("targets", "a classifier (loss %s) has one target column, got %d", f.Loss, len(f.Targets))
	case loss.Target == vocab.Classes && len(f.Classes) != k:
		return fail("classes", "%d classes for %d outputs (loss %s needs a class per output unit)", len(f.Classes), k, f.Loss)
	case loss.Target == vocab.BinaryClass && len(f.Classes) != 2:
		return fail("classes", "%d classes for a binary output (loss %s needs 2)", len(f.Classes), f.Loss)
	case !loss.Classify() && len(f.Classes) > 0:
		return fail("classes", "loss %s makes a regression model, which has no classes, got %d", f.Loss, len(f.Classes))
	case !loss.Classify() && len(f.Targets) != k:
		return fail("targets", "%d targets for %d outputs (loss %s needs an output unit per target)", len(f.Targets), k, f.Loss)
	}
	return nil
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// Read reads a CSV file for the saved model: its feature columns (in any
// order, other columns ignored), its targets when needTarget (else they
// are optional), and classes checked against the model's. The features
// come back transformed, ready for the network.
//
// The file is read as the training file was (Reading): its delimiter,
// unless delimiter is not 0, its decimal separator and missing cells.
func (s *Saved) Read(path string, delimiter rune, needTarget bool) (*data.Dataset, error) {
	// Without needTarget, a target column is not read: predict keeps every
	// row, its target missing or not.
	o := data.Options{Delimiter: ',', DelimiterSetting: "--delimiter", Classify: Classify(s.Model.Loss), Classes: s.Classes}
	if needTarget {
		o.Targets = s.Targets
	}
	if r := s.Reading; r != nil {
		o.Delimiter, o.Decimal, o.Missing = []rune(r.Delimiter)[0], []rune(r.Decimal)[0], r.Missing
	}
	if delimiter != 0 {
		o.Delimiter = delimiter
	}
	s.encoding().ReadOptions(&o)
	ds, err := data.ReadFile(path, o)
	if err != nil {
		return nil, err
	}
	s.Transform(ds)
	if s.Model.Float32 {
		if err := float32Rows(ds, "", needTarget); err != nil {
			return nil, err
		}
	}
	return ds, nil
}

// Transform encodes ds, read with the model's columns, as the model's
// inputs, in place: the numeric columns imputed, through the feature map
// and the normalization, the indicators, and the categorical codes.
func (s *Saved) Transform(ds *data.Dataset) {
	if ds == nil {
		return
	}
	enc := s.encoding()
	dense, codes := encodeInputs(enc, s.Poly, ds)
	setInputs(ds, dense, codes, s.Scaler, inputNames(enc, s.Poly))
}

// Delimiter returns the delimiter of the model's training file: ',' for a
// version 1 model.
func (s *Saved) Delimiter() rune {
	if s.Reading == nil {
		return ','
	}
	return []rune(s.Reading.Delimiter)[0]
}

// encoding returns s's Encoding, or if it has none (a model built in a
// test) the all-numeric one of its features.
func (s *Saved) encoding() *data.Encoding {
	if s.Encoding == nil {
		return data.NumericEncoding(s.Features)
	}
	return s.Encoding
}

// float32Range returns an error if a value of a float32 model lies beyond
// float32's range, where it would round to infinity.
func float32Range(m *layers.Model) error {
	for i, w := range m.State() {
		for _, v := range w.RawMatrix().Data {
			if math.Abs(v) > math.MaxFloat32 {
				return fmt.Errorf("a float32 model holds %v in its matrix %d, beyond float32's range", v, i+1)
			}
		}
	}
	return nil
}
