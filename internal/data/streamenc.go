package data

import (
	"fmt"
	"math"

	"github.com/mlptrain/mlptrain/internal/inputerr"
)

// FitEncodingSummary is FitEncoding from a Scan's summary of the
// training rows. The mean imputation is the mean of the present cells
// (Welford's, which may differ from FitEncoding's in the last bits); the
// median needs every value, and is refused.
func FitEncodingSummary(s *Summary, o EncodeOptions) (*Encoding, []string, error) {
	switch o.Impute {
	case "", ImputeMean, ImputeZero:
	case ImputeMedian:
		return nil, nil, &inputerr.Error{Key: "data.impute", Err: fmt.Errorf("%s needs every value of a column, which data.stream does not keep", ImputeMedian),
			Hint: "use impute: mean or zero with data.stream: true"}
	default:
		return nil, nil, &inputerr.Error{Key: "data.impute", Err: fmt.Errorf("unknown imputation %q", o.Impute),
			Hint: fmt.Sprintf("use one of %v", ImputeNames)}
	}
	n := s.Train
	e := &Encoding{Columns: make([]ColumnEncoding, len(s.FeatureNames))}
	var warnings []string
	for j, name := range s.FeatureNames {
		missing := s.Missing[j]
		if missing == n {
			return nil, nil, &inputerr.Error{File: s.File, Key: colKey(name),
				Err:  fmt.Errorf("every cell is missing in the training rows (%d)", n),
				Hint: "add the column to data.ignore"}
		}
		c := &e.Columns[j]
		c.Name = name
		if s.Levels == nil || s.Levels[j] == nil {
			c.Type = Numeric
			var v float64
			if o.Impute != ImputeZero {
				v = s.Numeric[j].Mean
			}
			c.Impute = &v
			c.Indicator = o.Indicator && missing > 0
			continue
		}
		c.Type = Categorical
		c.MissingLevel = missing > 0
		c.Levels, c.OtherLevel = chooseLevels(s.Levels[j], s.Counts[j], o.MaxCategories)
		if present := n - missing; present >= 20 && len(c.Levels) == present {
			warnings = append(warnings, fmt.Sprintf("%s: column %s has a value of its own in every training row (%d levels): an id or free text? leave it out with data.ignore",
				s.File, quote(name), present))
		}
		if c.Width() == 1 {
			warnings = append(warnings, fmt.Sprintf("%s: column %s has a single level (%s) in the training rows; it carries no information",
				s.File, quote(name), quote(c.LevelNames()[0])))
		}
	}
	return e, warnings, nil
}

// DenseMoments returns the moments of the dense inputs an encoding e
// fitted on s gives the training rows (no feature map): each numeric
// column with its missing cells imputed, then each indicator.
func DenseMoments(s *Summary, e *Encoding) []Moments {
	var num, ind []Moments
	for j, c := range e.Columns {
		if c.Type != Numeric {
			continue
		}
		m := s.Numeric[j]
		m.AddConst(*c.Impute, s.Missing[j])
		num = append(num, m)
		if c.Indicator {
			var b Moments
			b.AddConst(0, s.Train-s.Missing[j])
			b.AddConst(1, s.Missing[j])
			ind = append(ind, b)
		}
	}
	return append(num, ind...)
}

// ScalerFromMoments is FitScaler from the columns' moments: the
// population standard deviation sqrt(M2/N), or the least and greatest
// value.
func ScalerFromMoments(method string, ms []Moments, names []string) (*Scaler, []string, error) {
	d := len(ms)
	if len(names) < d {
		panic(fmt.Sprintf("data: ScalerFromMoments with %d names for %d columns", len(names), d))
	}
	s := &Scaler{Method: method, Offset: make([]float64, d), Scale: make([]float64, d)}
	switch method {
	case Standardize, MinMax:
	case NoScaling:
		for j := range s.Scale {
			s.Scale[j] = 1
		}
		return s, nil, nil
	default:
		return nil, nil, &inputerr.Error{Key: "data.normalize", Err: fmt.Errorf("unknown normalization %s", quote(method)),
			Hint: `use "standardize", "minmax" or "none"`}
	}
	var warn []string
	for j, m := range ms {
		if m.Min == m.Max {
			s.Offset[j], s.Scale[j] = m.Min, 1
			warn = append(warn, fmt.Sprintf("column %s is constant (every value is %g); its scale is set to 1", quote(names[j]), m.Min))
			continue
		}
		if method == MinMax {
			s.Offset[j], s.Scale[j] = m.Min, m.Max-m.Min
		} else {
			s.Offset[j], s.Scale[j] = m.Mean, math.Sqrt(m.M2/float64(m.N))
		}
		if !finite(s.Offset[j]) || !finite(s.Scale[j]) || s.Scale[j] == 0 {
			return nil, nil, &inputerr.Error{Key: colKey(names[j]), Err: fmt.Errorf("cannot %s: values span too wide a range", method),
				Hint: "rescale the column so its values lie well within ±1e300"}
		}
	}
	return s, warn, nil
}
