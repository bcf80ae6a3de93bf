package data

import (
	"fmt"
	"slices"

	"gonum.org/v1/gonum/mat"
)

// Dataset is a table read from a CSV file: the features as a matrix, and the
// targets as a matrix (regression) or as class indices (classification).
type Dataset struct {
	// File is the name the data was read from, for messages.
	File string
	// FeatureNames names X's columns.
	FeatureNames []string
	// TargetNames names the target columns present: Y's columns for
	// regression, the single label column for classification; nil if the
	// file has no target.
	TargetNames []string
	// X holds the n×d features; nil if the Dataset has no rows.
	X *mat.Dense
	// Y holds the n×k regression targets; nil for classification, for no
	// target, or if the Dataset has no rows.
	Y *mat.Dense
	// Labels holds each row's class as an index into Classes
	// (classification only).
	Labels []int
	// Classes names the classes (classification only). When read with
	// Options.Classes nil, they are sorted as the package documentation says.
	Classes []string
	// Lines holds the 1-based source line of each row, for messages.
	Lines []int
	// Levels is nil if every feature column is numeric. Otherwise it has
	// an entry per feature column: nil for a numeric column, and for a
	// categorical one its distinct cells (levels, as Level gives them) in
	// order of first appearance; X then holds the index of each cell's
	// level. A missing cell is NaN in X either way.
	Levels [][]string
	// Dropped counts the rows left out because a target cell was missing
	// (Options.Missing); DroppedLine is the line of the first of them.
	Dropped, DroppedLine int
	// Unknown counts, per categorical column, the cells an Encoding did not
	// know (Encoded.Unknown), once the Dataset is encoded for a model.
	Unknown map[string]int
}

// Categorical reports whether feature column j is categorical.
func (d *Dataset) Categorical(j int) bool { return d.Levels != nil && d.Levels[j] != nil }

// MissingCounts returns the number of missing cells (NaN) of each
// feature column.
func (d *Dataset) MissingCounts() []int {
	c := len(d.FeatureNames)
	out := make([]int, c)
	if d.X == nil {
		return out
	}
	raw := d.X.RawMatrix()
	for i := 0; i < raw.Rows; i++ {
		for j, v := range raw.Data[i*raw.Stride : i*raw.Stride+c] {
			if v != v {
				out[j]++
			}
		}
	}
	return out
}

// Len returns the number of rows.
func (d *Dataset) Len() int { return len(d.Lines) }

// HasTarget reports whether the Dataset holds targets: Y or Labels.
func (d *Dataset) HasTarget() bool { return d.Y != nil || d.Labels != nil }

// Subset returns a new Dataset holding copies of the given rows, in the given
// order (a row may repeat). The names and Classes are shared with d, not
// copied. With no rows, X and Y are nil (gonum has no empty matrices). Subset
// panics if a row is out of range.
func (d *Dataset) Subset(rows []int) *Dataset {
	s := &Dataset{
		File:         d.File,
		FeatureNames: d.FeatureNames,
		TargetNames:  d.TargetNames,
		Classes:      d.Classes,
		Lines:        make([]int, len(rows)),
		Levels:       d.Levels,
	}
	n := d.Len()
	for _, r := range rows {
		if r < 0 || r >= n {
			panic(fmt.Sprintf("data: Subset row %d out of range [0,%d)", r, n))
		}
	}
	for i, r := range rows {
		s.Lines[i] = d.Lines[r]
	}
	if d.Labels != nil {
		s.Labels = make([]int, len(rows))
		for i, r := range rows {
			s.Labels[i] = d.Labels[r]
		}
	}
	if len(rows) == 0 {
		return s
	}
	s.X = copyRows(d.X, rows)
	s.Y = copyRows(d.Y, rows)
	return s
}

// Partition is Subset(train), Subset(val) without a copy of the training
// rows: it copies the validation rows out, then moves the training rows,
// in order, to the front of d's own X, Y, Labels and Lines, which the
// training part then shares. Splitting a table read into memory this way
// needs room for the validation rows only, not for a second table; the
// training part keeps the whole table's memory alive, its tail (as many
// rows as the validation part has) unused. d must not be used afterwards. Partition panics unless train is strictly
// increasing (as Split returns it) and every row is in range.
func (d *Dataset) Partition(train, val []int) (tr, va *Dataset) {
	n := d.Len()
	for i, r := range train {
		if r < 0 || r >= n || i > 0 && r <= train[i-1] {
			panic(fmt.Sprintf("data: Partition training row %d at %d: want rows increasing within [0,%d)", r, i, n))
		}
	}
	va = d.Subset(val)
	tr = &Dataset{File: d.File, FeatureNames: d.FeatureNames, TargetNames: d.TargetNames, Classes: d.Classes, Levels: d.Levels}
	// Row i is overwritten only when no later training row is row i:
	// train is increasing, so train[j] > train[i] >= i for every j > i.
	for i, r := range train {
		d.Lines[i] = d.Lines[r]
		if d.Labels != nil {
			d.Labels[i] = d.Labels[r]
		}
		if r != i {
			moveRow(d.X, i, r)
			moveRow(d.Y, i, r)
		}
	}
	k := len(train)
	tr.Lines = d.Lines[:k:k]
	if d.Labels != nil {
		tr.Labels = d.Labels[:k:k]
	}
	if k > 0 {
		tr.X = frontRows(d.X, k)
		tr.Y = frontRows(d.Y, k)
	}
	return tr, va
}

// moveRow copies row r of m, if m is not nil, to row i.
func moveRow(m *mat.Dense, i, r int) {
	if m != nil {
		copy(m.RawRowView(i), m.RawRowView(r))
	}
}

// frontRows returns a view of the first k rows of m, or nil if m is nil.
func frontRows(m *mat.Dense, k int) *mat.Dense {
	if m == nil {
		return nil
	}
	_, c := m.Dims()
	return m.Slice(0, k, 0, c).(*mat.Dense)
}

// copyRows returns a new matrix of the given rows of m, or nil if m is nil.
func copyRows(m *mat.Dense, rows []int) *mat.Dense {
	if m == nil {
		return nil
	}
	_, c := m.Dims()
	out := mat.NewDense(len(rows), c, nil)
	for i, r := range rows {
		out.SetRow(i, m.RawRowView(r))
	}
	return out
}

// OneHot writes the one-hot encoding of labels into dst: row i is all zeros
// but for a 1 in column labels[i]. OneHot panics if dst is not len(labels)×k
// or a label is outside [0, k).
func OneHot(dst *mat.Dense, labels []int, k int) {
	r, c := dst.Dims()
	if r != len(labels) || c != k {
		panic(fmt.Sprintf("data: OneHot into %d×%d, want %d×%d", r, c, len(labels), k))
	}
	if i := slices.IndexFunc(labels, func(l int) bool { return l < 0 || l >= k }); i >= 0 {
		panic(fmt.Sprintf("data: OneHot label %d at row %d outside [0,%d)", labels[i], i, k))
	}
	dst.Zero()
	for i, l := range labels {
		dst.Set(i, l, 1)
	}
}
