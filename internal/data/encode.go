package data

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/gonum/mat"

	"github.com/mlptrain/mlptrain/internal/inputerr"
)

// Column types of an Encoding.
const (
	Numeric     = "numeric"
	Categorical = "categorical"
)

// Imputations of a missing numeric cell.
const (
	ImputeMean   = "mean"
	ImputeMedian = "median"
	ImputeZero   = "zero"
)

// ImputeNames lists the imputations, for messages.
var ImputeNames = []string{ImputeMean, ImputeMedian, ImputeZero}

// EncodeOptions says how FitEncoding encodes a table.
type EncodeOptions struct {
	// Impute is the value a missing numeric cell takes: ImputeMean (the
	// zero value), ImputeMedian or ImputeZero of the column's cells in
	// the training split.
	Impute string
	// Indicator adds a 0/1 input for each numeric column that has missing
	// cells in the training split: 1 where the cell is missing.
	Indicator bool
	// MaxCategories, if positive, keeps the MaxCategories−1 most frequent
	// levels of a column that has more, and gathers the rest in OtherLevel.
	MaxCategories int
}

// Encoding turns the feature columns of a Dataset, as Read gives them
// (numbers with NaN for a missing cell, or categorical level indices),
// into a model's inputs: the numeric columns with their missing cells
// imputed, a 0/1 indicator per numeric column that had missing cells (if
// asked), and a level code per categorical column. It is fitted on the
// training split only, and saved in the model.
type Encoding struct {
	Columns []ColumnEncoding
}

// ColumnEncoding is how one feature column is encoded.
type ColumnEncoding struct {
	Name string `json:"name"`
	// Type is Numeric or Categorical.
	Type string `json:"type"`
	// Impute is the value of a missing cell (numeric; nil for a
	// categorical column).
	Impute *float64 `json:"impute,omitempty"`
	// Indicator adds the column's missing-value indicator (numeric).
	Indicator bool `json:"missing_indicator,omitempty"`
	// Levels are a categorical column's levels, in the order of its one-hot
	// block; MissingLevel, then OtherLevel follow them if set.
	Levels []string `json:"levels,omitempty"`
	// MissingLevel: missing cells are a level of their own, after Levels.
	MissingLevel bool `json:"missing_level,omitempty"`
	// OtherLevel: the last level, "(other)", takes the levels
	// MaxCategories left out and those never seen in training.
	OtherLevel bool `json:"other_level,omitempty"`
}

// Width returns the number of one-hot inputs of a categorical column.
func (c *ColumnEncoding) Width() int {
	return len(c.Levels) + b2i(c.MissingLevel) + b2i(c.OtherLevel)
}

// LevelNames returns a categorical column's one-hot inputs' levels,
// MissingLevel and OtherLevel included.
func (c *ColumnEncoding) LevelNames() []string {
	out := slices.Clone(c.Levels)
	if c.MissingLevel {
		out = append(out, MissingLevel)
	}
	if c.OtherLevel {
		out = append(out, OtherLevel)
	}
	return out
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// NumericEncoding returns the encoding of an all-numeric table whose
// missing cells, if any, take imputed: what a model written before
// encodings existed did, with no missing cells.
func NumericEncoding(names []string) *Encoding {
	e := &Encoding{}
	for _, n := range names {
		e.Columns = append(e.Columns, ColumnEncoding{Name: n, Type: Numeric, Impute: new(float64)})
	}
	return e
}

// Names returns the feature columns' names, in order.
func (e *Encoding) Names() []string {
	out := make([]string, len(e.Columns))
	for i, c := range e.Columns {
		out[i] = c.Name
	}
	return out
}

// CategoricalNames returns the names of the categorical columns.
func (e *Encoding) CategoricalNames() []string {
	var out []string
	for _, c := range e.Columns {
		if c.Type == Categorical {
			out = append(out, c.Name)
		}
	}
	return out
}

// NumericCount returns the number of numeric columns.
func (e *Encoding) NumericCount() int {
	n := 0
	for _, c := range e.Columns {
		if c.Type == Numeric {
			n++
		}
	}
	return n
}

// IndicatorNames returns the names of the numeric columns that have a
// missing-value indicator.
func (e *Encoding) IndicatorNames() []string {
	var out []string
	for _, c := range e.Columns {
		if c.Type == Numeric && c.Indicator {
			out = append(out, c.Name)
		}
	}
	return out
}

// Levels returns the one-hot width of each categorical column, in order.
func (e *Encoding) Levels() []int {
	var out []int
	for _, c := range e.Columns {
		if c.Type == Categorical {
			out = append(out, c.Width())
		}
	}
	return out
}

// Plain reports whether e is the encoding of an all-numeric table with no
// indicators: the model's inputs are the columns themselves.
func (e *Encoding) Plain() bool {
	for _, c := range e.Columns {
		if c.Type != Numeric || c.Indicator {
			return false
		}
	}
	return true
}

// Check returns an error if e is not a valid encoding: for a model file
// that was edited.
func (e *Encoding) Check() error {
	seen := make(map[string]bool, len(e.Columns))
	for i, c := range e.Columns {
		if seen[c.Name] {
			return fmt.Errorf("column %q is listed twice", c.Name)
		}
		seen[c.Name] = true
		switch c.Type {
		case Numeric:
			if c.Impute == nil || math.IsNaN(*c.Impute) || math.IsInf(*c.Impute, 0) || len(c.Levels) > 0 || c.MissingLevel || c.OtherLevel {
				return fmt.Errorf("column %d (%q): a numeric column has a finite impute value and no levels", i+1, c.Name)
			}
		case Categorical:
			if c.Width() == 0 || c.Indicator || c.Impute != nil {
				return fmt.Errorf("column %d (%q): a categorical column has levels, and no impute value or indicator", i+1, c.Name)
			}
			lv := make(map[string]bool, len(c.Levels))
			for _, l := range c.Levels {
				if lv[l] {
					return fmt.Errorf("column %d (%q): level %q is listed twice", i+1, c.Name, l)
				}
				lv[l] = true
			}
		default:
			return fmt.Errorf("column %d (%q): unknown type %q (want %s or %s)", i+1, c.Name, c.Type, Numeric, Categorical)
		}
	}
	return nil
}

// FitEncoding fits an encoding on the training split ds. It returns an
// *inputerr.Error naming ds.File and the column for a column whose cells
// are all missing, and warnings for columns that carry no information.
func FitEncoding(ds *Dataset, o EncodeOptions) (*Encoding, []string, error) {
	switch o.Impute {
	case "", ImputeMean, ImputeMedian, ImputeZero:
	default:
		return nil, nil, &inputerr.Error{Key: "data.impute", Err: fmt.Errorf("unknown imputation %q", o.Impute),
			Hint: fmt.Sprintf("use one of %v", ImputeNames)}
	}
	n, d := ds.Len(), len(ds.FeatureNames)
	e := &Encoding{Columns: make([]ColumnEncoding, d)}
	// One pass over the rows, in memory order: the missing cells and the
	// mean of each column, and the count of each categorical level; a run
	// of the columns for each part of inRuns, so that each column's sum
	// keeps the order of the rows.
	missing, mean := make([]int, d), make([]float64, d)
	counts := make([][]int, d)
	for j := range d {
		if ds.Categorical(j) {
			counts[j] = make([]int, len(ds.Levels[j]))
		}
	}
	if n > 0 {
		raw := ds.X.RawMatrix()
		inv := 1 / float64(n)
		inRuns(d, d/16, n*d, func(j0, j1 int) {
			for i := range n {
				for k, v := range raw.Data[i*raw.Stride+j0 : i*raw.Stride+j1] {
					j := j0 + k
					switch {
					case v != v:
						missing[j]++
					case counts[j] != nil:
						counts[j][int(v)]++
					default:
						mean[j] += v * inv // a sum of v/n cannot overflow as a sum of v can
					}
				}
			}
		})
	}
	var warnings []string
	var col []float64
	for j, name := range ds.FeatureNames {
		if missing[j] == n {
			return nil, nil, &inputerr.Error{File: ds.File, Key: colKey(name),
				Err:  fmt.Errorf("every cell is missing in the training rows (%d)", n),
				Hint: "add the column to data.ignore"}
		}
		c := &e.Columns[j]
		c.Name = name
		if !ds.Categorical(j) {
			c.Type = Numeric
			var v float64
			switch o.Impute {
			case ImputeZero:
			case ImputeMedian:
				col = col[:0]
				for i := range n {
					if x := ds.X.At(i, j); x == x {
						col = append(col, x)
					}
				}
				v = median(col)
			default:
				// The mean of the present cells: the sum over all rows,
				// with 0 for a missing cell, times n/present.
				v = mean[j] * (float64(n) / float64(n-missing[j]))
			}
			c.Impute = &v
			c.Indicator = o.Indicator && missing[j] > 0
			continue
		}
		c.Type = Categorical
		c.MissingLevel = missing[j] > 0
		c.Levels, c.OtherLevel = chooseLevels(ds.Levels[j], counts[j], o.MaxCategories)
		if present := n - missing[j]; present >= 20 && len(c.Levels) == present {
			warnings = append(warnings, fmt.Sprintf("%s: column %s has a value of its own in every training row (%d levels): an id or free text? leave it out with data.ignore",
				ds.File, quote(name), present))
		}
		if c.Width() == 1 {
			warnings = append(warnings, fmt.Sprintf("%s: column %s has a single level (%s) in the training rows; it carries no information",
				ds.File, quote(name), quote(c.LevelNames()[0])))
		}
	}
	return e, warnings, nil
}

// median returns the median of vals, which it sorts.
func median(vals []float64) float64 {
	slices.Sort(vals)
	m := len(vals) / 2
	if len(vals)%2 == 1 {
		return vals[m]
	}
	return vals[m-1] + (vals[m]-vals[m-1])/2
}

// chooseLevels returns the levels a categorical column keeps, sorted as
// classes are, from its levels in the file and the count of each in the
// training rows; other reports whether some were left out by
// maxCategories.
func chooseLevels(levels []string, count []int, maxCategories int) (keep []string, other bool) {
	type lc struct {
		level string
		n     int
	}
	var seen []lc
	for i, n := range count {
		if n > 0 {
			seen = append(seen, lc{levels[i], n})
		}
	}
	names := make([]string, len(seen))
	for i, s := range seen {
		names[i] = s.level
	}
	sorted := sortClasses(names)
	if maxCategories <= 0 || len(seen) <= maxCategories {
		return sorted, false
	}
	// The most frequent, ties in sorted order.
	rank := make(map[string]int, len(sorted))
	for i, s := range sorted {
		rank[s] = i
	}
	slices.SortFunc(seen, func(a, b lc) int {
		if c := cmp.Compare(b.n, a.n); c != 0 {
			return c
		}
		return cmp.Compare(rank[a.level], rank[b.level])
	})
	keep = make([]string, 0, maxCategories-1)
	for _, s := range seen[:maxCategories-1] {
		keep = append(keep, s.level)
	}
	slices.SortFunc(keep, func(a, b string) int { return cmp.Compare(rank[a], rank[b]) })
	return keep, true
}

// Encoded is a table encoded for a model: its numeric columns with missing
// cells imputed, the indicators, and the categorical codes.
type Encoded struct {
	// Numeric is n × (numeric columns); it may be the Dataset's X itself
	// when every column is numeric and no cell is missing.
	Numeric *mat.Dense
	// Indicators is n × (indicator columns), or nil.
	Indicators *mat.Dense
	// Codes is n × (categorical columns): the index of each cell's level
	// in its column's one-hot block, or −1 for none (a level never seen in
	// training, without OtherLevel); nil if there are none.
	Codes *mat.Dense
	// Unknown counts, per categorical column (by name), the cells encoded
	// as OtherLevel or as no level at all because their level is not one
	// of the column's Levels: never seen in training, or (with
	// MaxCategories) too rare to keep; and missing cells of a column that
	// had none in training. Nil if there are none.
	Unknown map[string]int
}

// ErrEncodingMismatch says that a Dataset's columns do not match an
// encoding's: a programmer's error, as Read with the encoding's options
// makes them match.
var ErrEncodingMismatch = errors.New("data: dataset does not match the encoding")

// Apply encodes ds, whose feature columns must be e's, in order, read
// with e's categorical columns (ReadOptions). It panics with
// ErrEncodingMismatch if they are not.
func (e *Encoding) Apply(ds *Dataset) Encoded {
	if !slices.Equal(ds.FeatureNames, e.Names()) {
		panic(fmt.Errorf("%w: columns %q, want %q", ErrEncodingMismatch, ds.FeatureNames, e.Names()))
	}
	n := ds.Len()
	var out Encoded
	dn, di, dc := e.NumericCount(), len(e.IndicatorNames()), len(e.Levels())
	if n == 0 {
		return out
	}
	if dn == len(e.Columns) && di == 0 && !hasNaN(ds.X) {
		out.Numeric = ds.X
		return out
	}
	if dn > 0 {
		out.Numeric = mat.NewDense(n, dn, nil)
	}
	if di > 0 {
		out.Indicators = mat.NewDense(n, di, nil)
	}
	if dc > 0 {
		out.Codes = mat.NewDense(n, dc, nil)
	}
	jn, ji, jc := 0, 0, 0
	for j := range e.Columns {
		c := &e.Columns[j]
		if c.Type == Numeric {
			if ds.Categorical(j) {
				panic(fmt.Errorf("%w: column %q is categorical, want numeric", ErrEncodingMismatch, c.Name))
			}
			for i := range n {
				v := ds.X.At(i, j)
				missing := math.IsNaN(v)
				if missing {
					v = *c.Impute
				}
				out.Numeric.Set(i, jn, v)
				if c.Indicator && missing {
					out.Indicators.Set(i, ji, 1)
				}
			}
			jn++
			if c.Indicator {
				ji++
			}
			continue
		}
		if !ds.Categorical(j) {
			panic(fmt.Errorf("%w: column %q is numeric, want categorical", ErrEncodingMismatch, c.Name))
		}
		remap, missing, other := c.remap(ds.Levels[j])
		unknown := 0
		for i := range n {
			v := ds.X.At(i, j)
			code := missing
			if !math.IsNaN(v) {
				code = remap[int(v)]
			}
			if code < 0 {
				unknown++
				code = other
			}
			out.Codes.Set(i, jc, float64(code))
		}
		if unknown > 0 {
			if out.Unknown == nil {
				out.Unknown = map[string]int{}
			}
			out.Unknown[c.Name] = unknown
		}
		jc++
	}
	return out
}

// remap returns, for each of a file's levels, its index in c's one-hot
// block, or −1 if it is not one of c's Levels; and the index of a missing
// cell (−1 if c has no MissingLevel) and of OtherLevel (−1 if none).
func (c *ColumnEncoding) remap(levels []string) (remap []int, missing, other int) {
	idx := make(map[string]int, len(c.Levels))
	for i, l := range c.Levels {
		idx[l] = i
	}
	missing, other = -1, -1
	if c.MissingLevel {
		missing = len(c.Levels)
	}
	if c.OtherLevel {
		other = c.Width() - 1
	}
	remap = make([]int, len(levels))
	for i, l := range levels {
		if k, ok := idx[l]; ok {
			remap[i] = k
		} else {
			remap[i] = -1
		}
	}
	return remap, missing, other
}

// hasNaN reports whether m holds a NaN.
func hasNaN(m *mat.Dense) bool {
	if m == nil {
		return false
	}
	raw := m.RawMatrix()
	for i := 0; i < raw.Rows; i++ {
		for _, v := range raw.Data[i*raw.Stride : i*raw.Stride+raw.Cols] {
			if v != v {
				return true
			}
		}
	}
	return false
}

// ReadOptions sets the options that read a file for e: its feature
// columns, with its categorical columns and no other.
func (e *Encoding) ReadOptions(o *Options) {
	o.WantFeatures = e.Names()
	o.Categorical = e.CategoricalNames()
	o.FixedKinds = true
}
