package train

import (
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"

	"github.com/mlptrain/mlptrain/internal/config"
	"github.com/mlptrain/mlptrain/internal/data"
	"github.com/mlptrain/mlptrain/internal/inputerr"
	"github.com/mlptrain/mlptrain/internal/layers"
	"github.com/mlptrain/mlptrain/internal/vocab"
	"gonum.org/v1/gonum/mat"
)

// Random-number streams, one per consumer (see the package documentation).
const (
	streamInit = iota + 1
	streamShuffle
	streamSplit
	streamCheck
	streamMask // dropout masks, in training and gradcheck
)

// Problem is a config resolved against its data: the datasets transformed
// by the feature map and the normalization (fitted on the training split
// only), and the model's architecture with its output width inferred.
type Problem struct {
	Config   *config.Config
	Train    *data.Dataset
	Val      *data.Dataset // nil without validation
	Features []string      // the CSV feature columns, before the feature map
	Encoding *data.Encoding
	Poly     data.Polynomial // on the numeric columns
	Scaler   *data.Scaler    // of the dense inputs
	Classes  []string        // classification only
	Spec     layers.Spec
	Weights  *layers.Weights // explicit initial weights (model.weights), or nil
	Warnings []string        // to print on stderr, e.g. a constant feature column
	// Columns describes the training file's columns as they were read.
	Columns []ColumnInfo
	// Dropped counts the training file's rows left out because their
	// target was missing.
	Dropped int
	// TargetScale is the standardization of the regression targets that
	// Train and Val hold while training (data.normalize_target), or nil.
	TargetScale *data.Scaler
	// stream is set with data.stream: true (stream.go): Train then holds
	// a sample of the training rows, for the final metrics.
	stream *streamData
}

// Saved returns the trained model m with what applies it to new data.
func (p *Problem) Saved(m *layers.Model) *Saved {
	return &Saved{Features: p.Features, Encoding: p.Encoding, Poly: p.Poly, Scaler: p.Scaler, Targets: p.Train.TargetNames,
		Classes: p.Classes, Model: m, Reading: readingOf(p.Config)}
}

// Classify reports whether the loss makes this a classification problem
// (the catalog's vocab.Loss.Classify; false for a name it does not list).
func Classify(loss string) bool {
	l, ok := vocab.LossNamed(loss)
	return ok && l.Classify()
}

// target returns what the named loss compares the output with; Values
// for a name the catalog does not list (layers refuses those).
func target(loss string) vocab.Target {
	l, _ := vocab.LossNamed(loss)
	return l.Target
}

// Prepare reads and transforms the data the config names and infers the
// model's architecture, within DefaultMemoryLimit. Every error about the
// input is an *inputerr.Error.
func Prepare(cfg *config.Config) (*Problem, error) {
	return PrepareWithin(cfg, DefaultMemoryLimit())
}

// PrepareWithin is Prepare, refusing a config whose training would need
// more memory than limit (estimated once the data's size is known, before
// the feature map makes it larger).
func PrepareWithin(cfg *config.Config, limit MemoryLimit) (*Problem, error) {
	return prepare(cfg, limit, nil)
}

// prepare is PrepareWithin, with the training and validation rows of the
// training file given by rows in place of data.validation, if rows is not
// nil (PrepareRows).
func prepare(cfg *config.Config, limit MemoryLimit, rows *Rows) (*Problem, error) {
	if cfg.Data.Stream {
		return prepareStream(cfg, limit, rows)
	}
	d := cfg.Data
	opt := readOptions(cfg)
	// The tables take most of the memory: reading stops at the row that
	// passes the limit, before the estimate can be made.
	opt.MaxBytes, opt.MaxBytesSource = limit.Bytes, limit.Source
	train, err := data.ReadFile(d.Train, opt)
	if err != nil {
		return nil, err
	}
	p := &Problem{Config: cfg, Classes: train.Classes, Dropped: train.Dropped}
	p.Warnings = append(p.Warnings, dataWarnings(train, train.File, nil)...)
	missing := train.MissingCounts()
	var val *data.Dataset
	if rows != nil {
		if train, val, err = rows.split(train, cfg); err != nil {
			return nil, err
		}
	} else if frac, ok := cfg.Data.ValidationFraction(); ok {
		if frac > 0 {
			rng := rand.New(rand.NewPCG(cfg.Train.Seed, streamSplit))
			tr, va := data.Split(train.Len(), frac, train.Labels, rng)
			if len(tr) == 0 || len(va) == 0 {
				return nil, &inputerr.Error{File: cfg.File, Key: "data.validation",
					Err:  data.EmptySplitError(frac, train.Len(), train.Labels),
					Hint: "use a fraction that leaves rows on both sides, a validation file, or 0 for no validation"}
			}
			// The full table is not used again: the training rows stay
			// where they are, and only the validation rows take new memory.
			train, val = train.Partition(tr, va)
		}
	}
	enc, warn, err := data.FitEncoding(train, data.EncodeOptions{Impute: d.Impute, Indicator: d.MissingIndicator, MaxCategories: d.MaxCategories})
	if err != nil {
		return nil, placeErr(err, d.Train)
	}
	p.Encoding, p.Warnings = enc, append(p.Warnings, warn...)
	p.Columns = columnInfo(train, enc, missing, cfg)
	if _, ok := cfg.Data.ValidationFraction(); !ok && d.Validation != "" && rows == nil {
		vo := p.fileOptions(opt)
		if limit.Bytes > 0 { // what the training rows leave
			vo.MaxBytes = max(1, limit.Bytes-tableBytes(train))
			vo.MaxBytesSource = limit.Source + ", less the training rows"
		}
		if val, err = data.ReadFile(d.Validation, vo); err != nil {
			return nil, err
		}
	}
	if err := p.transform(train, val, limit); err != nil {
		return nil, err
	}
	valWhat := d.Validation
	if _, split := cfg.Data.ValidationFraction(); (split || rows != nil) && val != nil {
		valWhat = "the validation rows of " + d.Train
	}
	p.Warnings = append(p.Warnings, dataWarnings(val, valWhat, p.Encoding)...)
	if err := p.spec(train); err != nil {
		return nil, err
	}
	if err := p.scaleTargets(); err != nil {
		return nil, err
	}
	if cfg.Model.Weights != "" {
		w, err := layers.LoadWeights(cfg.Model.Weights)
		if err != nil {
			return nil, err
		}
		m, _ := layers.New(p.Spec)
		if err := m.SetWeights(w); err != nil {
			return nil, err
		}
		p.Weights = w
	}
	return p, nil
}

// readOptions returns the options that read cfg's training file.
func readOptions(cfg *config.Config) data.Options {
	d := cfg.Data
	o := data.Options{
		Delimiter:   []rune(d.Delimiter)[0],
		Targets:     []string(d.Target),
		Features:    d.Features,
		Classify:    Classify(cfg.Model.Loss),
		Missing:     d.Missing,
		Categorical: d.Categorical,
		Ignore:      d.Ignore,
		Decimal:     []rune(d.Decimal)[0],
		MaxLevels:   config.MaxLevelsDefault,
		LevelsHint: fmt.Sprintf("an id or free text? add it to data.ignore, or keep the most frequent levels with data.max_categories (up to %d levels)",
			config.MaxLevels),
	}
	if d.MaxCategories > 0 {
		o.MaxLevels = config.MaxLevels
		o.LevelsHint = "an id or free text? add it to data.ignore"
	}
	return o
}

// fileOptions returns the options that read a validation or test file
// for p, from those of its training file: the model's feature columns
// and classes.
func (p *Problem) fileOptions(o data.Options) data.Options {
	o.Classes = p.Classes
	p.Encoding.ReadOptions(&o)
	return o
}

// ReadFile reads a validation or test file for p, within limit, and
// encodes it for p's model.
func (p *Problem) ReadFile(path string, limit MemoryLimit) (*data.Dataset, error) {
	o := p.fileOptions(readOptions(p.Config))
	o.MaxBytes, o.MaxBytesSource = limit.Bytes, limit.Source
	ds, err := data.ReadFile(path, o)
	if err != nil {
		return nil, err
	}
	p.Saved(nil).Transform(ds)
	return ds, nil
}

// DataWarnings returns the warnings about a file read for a model of the
// encoding enc: rows left out, their target missing, and categories the
// model does not know.
func DataWarnings(ds *data.Dataset, enc *data.Encoding) []string {
	return dataWarnings(ds, ds.File, enc)
}

// dataWarnings is DataWarnings, naming the data what (a file, or the
// validation rows of one).
func dataWarnings(ds *data.Dataset, what string, enc *data.Encoding) []string {
	if ds == nil {
		return nil
	}
	var out []string
	if ds.Dropped > 0 {
		out = append(out, fmt.Sprintf("%s: %d row%s with a missing target left out (the first on line %d)", what, ds.Dropped, plural(ds.Dropped), ds.DroppedLine))
	}
	if len(ds.Unknown) == 0 {
		return out
	}
	other := map[string]bool{}
	if enc != nil {
		for _, c := range enc.Columns {
			other[c.Name] = c.OtherLevel
		}
	}
	var parts []string
	for _, c := range slices.Sorted(maps.Keys(ds.Unknown)) {
		as := "all zeros"
		if other[c] {
			as = data.OtherLevel
		}
		parts = append(parts, fmt.Sprintf("%s %d (as %s)", c, ds.Unknown[c], as))
	}
	return append(out, fmt.Sprintf("%s: cells of categories the model does not know: %s", what, strings.Join(parts, ", ")))
}

// transform fits the feature map and scaler on train and applies them to
// train and val, once it has checked that training fits in limit.
func (p *Problem) transform(train, val *data.Dataset, limit MemoryLimit) error {
	cfg := p.Config
	enc := p.Encoding
	p.Features = train.FeatureNames
	dn := enc.NumericCount()
	p.Poly = data.Polynomial{Degree: cfg.Data.FeatureMap.Polynomial, Inputs: dn,
		InteractionsOnly: cfg.Data.FeatureMap.InteractionsOnly}
	if dn > 0 || p.Poly.Degree > 1 {
		if err := p.Poly.Validate(); err != nil {
			return placeErr(err, cfg.File)
		}
	}
	dense, levels := inputWidths(enc, p.Poly)
	x := dense + len(levels)
	w1 := dense
	for _, l := range levels {
		w1 += l
	}
	nVal := 0
	if val != nil {
		nVal = val.Len()
	}
	est := estimateMemory(cfg, train.Len(), nVal, len(train.FeatureNames), x, w1, outputs(cfg, train))
	if err := checkMemory(cfg, limit, est, p.Poly.Degree > 1); err != nil {
		return err
	}
	names := inputNames(enc, p.Poly)
	trainDense, trainCodes := encodeInputs(enc, p.Poly, train)
	scaler, warn, err := fitScaler(cfg.Data.Normalize, trainDense, names)
	p.Scaler, p.Warnings = scaler, append(p.Warnings, warn...)
	if err != nil {
		// An unknown method is the config's fault; a column whose
		// statistics overflow is the training file's.
		file := cfg.Data.Train
		var e *inputerr.Error
		if errors.As(err, &e) && e.Key == "data.normalize" {
			file = cfg.File
		}
		return placeErr(err, file)
	}
	train.Unknown = nil // levels max_categories gathers in (other) are known
	setInputs(train, trainDense, trainCodes, p.Scaler, names)
	if val != nil {
		valDense, valCodes := encodeInputs(enc, p.Poly, val)
		setInputs(val, valDense, valCodes, p.Scaler, names)
	}
	p.Train, p.Val = train, val
	return nil
}

// tableBytes is the memory ds takes as data.Read made it.
func tableBytes(ds *data.Dataset) int64 {
	k := 0
	if ds.Y != nil {
		_, k = ds.Y.Dims()
	}
	return int64(ds.Len()) * data.RowBytes(len(ds.FeatureNames), k, ds.Labels != nil)
}

// placeErr returns err, an *inputerr.Error from package data that has a
// key and a hint but no file, with its file set; any other error is
// wrapped in one naming file.
func placeErr(err error, file string) error {
	var e *inputerr.Error
	if !errors.As(err, &e) {
		return &inputerr.Error{File: file, Err: err}
	}
	if e.File == "" {
		e.File = file
	}
	return e
}

// outputs returns the output width train's target needs under cfg's
// loss (spec checks it).
func outputs(cfg *config.Config, train *data.Dataset) int {
	switch target(cfg.Model.Loss) {
	case vocab.Classes:
		return len(train.Classes)
	case vocab.BinaryClass:
		return 1
	}
	return len(train.TargetNames)
}

// spec infers the model's architecture: the input width from the data and
// the output width from the target when the config leaves it out.
func (p *Problem) spec(train *data.Dataset) error {
	cfg := p.Config
	d, levels := inputWidths(p.Encoding, p.Poly)
	for _, l := range levels {
		d += l
	}
	k := 0
	switch target(cfg.Model.Loss) {
	case vocab.Classes:
		k = len(train.Classes)
	case vocab.BinaryClass:
		k = 1
		if len(train.Classes) != 2 {
			return &inputerr.Error{File: cfg.Data.Train, Key: fmt.Sprintf("column %q", train.TargetNames[0]),
				Err:  fmt.Errorf("%s needs exactly 2 classes, found %d", cfg.Model.Loss, len(train.Classes)),
				Hint: "use loss: cross_entropy with a softmax output layer"}
		}
	default:
		k = len(train.TargetNames)
	}
	s, err := SpecFor(cfg, d, k)
	if err != nil {
		return err
	}
	s.Categorical = levels
	if s.InputDropout > 0 && len(s.Categorical) > 0 {
		return cfg.KeyError("model.input_dropout", "use 0, or dropout on the first hidden layer (model.layers[0].dropout)",
			fmt.Errorf("input dropout with %d categorical input columns, whose codes cannot be dropped", len(s.Categorical)))
	}
	p.Spec = s
	return nil
}

// SpecFor returns the architecture of cfg's model for d inputs and k
// outputs, filling in the output layer's units when the config leaves them
// out and checking them when it gives them.
func SpecFor(cfg *config.Config, d, k int) (layers.Spec, error) {
	s := layers.Spec{Inputs: d, Loss: cfg.Model.Loss}
	last := len(cfg.Model.Layers) - 1
	for i, l := range cfg.Model.Layers {
		units := l.Units
		if i == last {
			switch {
			case units == 0:
				units = k
			case units != k:
				return s, &inputerr.Error{File: cfg.File, Key: "model.layers[" + strconv.Itoa(i) + "].units",
					Err:  fmt.Errorf("the output layer has %d units but the target needs %d", units, k),
					Hint: "leave the output layer's units out to infer them from the target"}
			}
		}
		s.Units = append(s.Units, units)
		s.Acts = append(s.Acts, l.Activation)
		if l.Dropout > 0 {
			if s.Dropout == nil {
				s.Dropout = make([]float64, len(cfg.Model.Layers))
			}
			s.Dropout[i] = l.Dropout
		}
		if l.BatchNorm {
			if s.BatchNorm == nil {
				s.BatchNorm = make([]bool, len(cfg.Model.Layers))
			}
			s.BatchNorm[i] = true
		}
	}
	s.InputDropout = cfg.Model.InputDropout

	if err := layers.Check(s); err != nil {
		return s, &inputerr.Error{File: cfg.File, Key: "model", Err: err}
	}
	return s, nil
}

// Targets returns the n×k target matrix of ds for the model's loss, by
// what it compares the output with (vocab.Target): one-hot rows for
// classes (cross_entropy), 0/1 for a binary class (binary_cross_entropy;
// 1 for the second class), the values for regression (squared_error).
func Targets(ds *data.Dataset, loss string, k int) (*mat.Dense, error) {
	n := ds.Len()
	switch {
	case target(loss) == vocab.Classes:
		t := mat.NewDense(n, k, nil)
		data.OneHot(t, ds.Labels, k)
		return t, nil
	case target(loss) == vocab.BinaryClass:
		t := mat.NewDense(n, 1, nil)
		for i, l := range ds.Labels {
			t.Set(i, 0, float64(l))
		}
		return t, nil
	case ds.Y != nil:
		return mat.DenseCopyOf(ds.Y), nil
	}
	return nil, errors.New("the data has no target column")
}
