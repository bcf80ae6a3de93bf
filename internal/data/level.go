package data

import (
	"math"
	"strconv"
	"strings"
)

// DefaultMissing are the cells read as missing when a config does not say
// otherwise (INTERFACE.md's data.missing).
var DefaultMissing = []string{"", "NA", "N/A", "NaN", "nan", "null", "NULL", "?"}

// Names of the levels an encoding adds to a categorical column's own.
const (
	// MissingLevel is the level of a missing cell, when the training
	// split has any.
	MissingLevel = "(missing)"
	// OtherLevel gathers the levels data.max_categories leaves out, and
	// levels never seen in training.
	OtherLevel = "(other)"
)

// missingSet tells the missing cells: trimmed cells equal to one of the
// tokens.
type missingSet map[string]bool

func newMissingSet(tokens []string) missingSet {
	m := make(missingSet, len(tokens))
	for _, t := range tokens {
		m[trim(t)] = true
	}
	return m
}

// has reports whether the trimmed cell is missing.
func (m missingSet) has(cell string) bool { return len(m) > 0 && m[cell] }

// hasBytes is has for a cell held in bytes, without allocating.
func (m missingSet) hasBytes(cell []byte) bool { return len(m) > 0 && m[string(cell)] }

// Level returns the level (or class) a trimmed cell stands for: a cell
// that reads as a finite number is that number in its shortest form, so
// that "1", "1.0" and "1e0" are one level, "1"; any other cell is itself.
// decimal is the decimal separator, '.' or ','. Numbers of more than 15
// significant digits that differ only beyond the 17th are one level.
func Level(cell string, decimal rune) string {
	if cell == "" || !maybeNumber(cell[0]) {
		return cell
	}
	s := cell
	if decimal == ',' {
		if strings.IndexByte(s, '.') >= 0 {
			return cell
		}
		s = strings.Replace(s, ",", ".", 1)
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return cell
	}
	if v == 0 {
		v = 0 // -0 is 0
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}

// maybeNumber reports whether a cell starting with c may read as a number.
func maybeNumber(c byte) bool {
	return c >= '0' && c <= '9' || c == '-' || c == '+' || c == '.'
}

// parseNumber parses a trimmed numeric cell with the given decimal
// separator. With ',' a cell holding a '.' is not a number (it would be a
// thousands separator or a mistake).
func parseNumber(cell string, decimal rune) (float64, error) {
	if decimal == ',' {
		if strings.IndexByte(cell, '.') >= 0 {
			return 0, strconv.ErrSyntax
		}
		cell = strings.Replace(cell, ",", ".", 1)
	}
	return strconv.ParseFloat(cell, 64)
}
