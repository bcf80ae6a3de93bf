package train

import (
	"fmt"
	"slices"

	"github.com/mlptrain/mlptrain/internal/data"
	"gonum.org/v1/gonum/mat"
)

// The model's inputs. A Dataset as data.Read gives it holds the raw
// feature columns; a model reads
//
//	[ ψ(numeric columns, imputed) | missing indicators | categorical codes ]
//
// where ψ is the feature map, the first two blocks (the dense inputs) are
// normalized, and each categorical column is one code, the index of its
// level in the column's one-hot block: the first layer adds the rows of W₁
// the codes select (graph.OneHotMatMul), so the one-hot matrix is never
// built. W₁ has a row per dense input and per level.

// inputWidths returns the number of dense inputs of a model with the
// encoding enc and the feature map poly, and the one-hot width of each
// categorical column.
func inputWidths(enc *data.Encoding, poly data.Polynomial) (dense int, levels []int) {
	dense = len(enc.IndicatorNames())
	if enc.NumericCount() > 0 {
		dense += poly.Outputs()
	}
	return dense, enc.Levels()
}

// encodeInputs returns ds's dense inputs before normalization (nil if
// there are none) and its categorical codes (nil if none), and sets
// ds.Unknown.
func encodeInputs(enc *data.Encoding, poly data.Polynomial, ds *data.Dataset) (dense, codes *mat.Dense) {
	e := enc.Apply(ds)
	ds.Unknown = e.Unknown
	num := e.Numeric
	if num != nil && poly.Degree > 1 {
		x := mat.NewDense(ds.Len(), poly.Outputs(), nil)
		poly.Apply(x, num)
		num = x
	}
	return hstack(num, e.Indicators), e.Codes
}

// hstack returns the columns of a and then of b, either of which may be
// nil; it returns a itself when b is nil, and b when a is nil.
func hstack(a, b *mat.Dense) *mat.Dense {
	switch {
	case b == nil:
		return a
	case a == nil:
		return b
	}
	n, ca := a.Dims()
	_, cb := b.Dims()
	out := mat.NewDense(n, ca+cb, nil)
	for i := range n {
		row := out.RawRowView(i)
		copy(row, a.RawRowView(i))
		copy(row[ca:], b.RawRowView(i))
	}
	return out
}

// inputNames names the model's inputs (X's columns): the dense inputs,
// then a column per categorical feature.
func inputNames(enc *data.Encoding, poly data.Polynomial) []string {
	var num []string
	for _, c := range enc.Columns {
		if c.Type == data.Numeric {
			num = append(num, c.Name)
		}
	}
	var names []string
	if len(num) > 0 {
		names = num
		if poly.Degree > 1 {
			names = poly.Names(num)
		}
	}
	for _, n := range enc.IndicatorNames() {
		names = append(names, fmt.Sprintf("missing(%s)", n))
	}
	return append(slices.Clip(names), enc.CategoricalNames()...)
}

// fitScaler fits the normalization to dense inputs (nil: none).
func fitScaler(method string, dense *mat.Dense, names []string) (*data.Scaler, []string, error) {
	if dense == nil {
		return &data.Scaler{Method: method, Offset: []float64{}, Scale: []float64{}}, nil, nil
	}
	_, d := dense.Dims()
	return data.FitScaler(method, dense, names[:d])
}

// setInputs makes ds's X the model's inputs: the dense inputs normalized
// by scaler (in place), then the codes. The feature names become the
// inputs' names, and the levels are dropped: X no longer holds the file's
// level indices.
func setInputs(ds *data.Dataset, dense, codes *mat.Dense, scaler *data.Scaler, names []string) {
	if dense != nil {
		scaler.Apply(dense, dense)
	}
	ds.X = hstack(dense, codes)
	ds.FeatureNames = names
	ds.Levels = nil
}
