package main

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/mlptrain/mlptrain/internal/inputerr"
	"github.com/mlptrain/mlptrain/internal/train"
	"github.com/spf13/cobra"
)

// The commands' own numeric flags (those that are not config keys, which
// config.Load checks) are registered with intFlag, floatFlag and shapeFlag.
// Their values check themselves while cobra parses the command line, before
// any work, and a bad value is reported as config.Load reports a bad
// --epochs: "--rows: must be at least 1, got 0 (hint: …)", exit status 2.
// TestNumericFlags fails for a numeric flag registered any other way.

// intValue is an int flag that takes whole numbers from min to max.
type intValue struct {
	p        *int
	name     string
	min, max int
	// except is a value below min that is accepted too (such as -1 for
	// "all"), or 0 for none; want then says in words what is accepted.
	except int
	want   string
	hint   string
}

// intFlag registers an int flag --name on cmd that takes whole numbers
// from min to max (math.MaxInt: no bound) and sets *p, value by default.
func intFlag(cmd *cobra.Command, p *int, name string, value, min, max int, usage, hint string) *intValue {
	*p = value
	v := &intValue{p: p, name: name, min: min, max: max, hint: hint}
	cmd.Flags().Var(v, name, usage)
	return v
}

func (v *intValue) String() string { return strconv.Itoa(*v.p) }
func (v *intValue) Type() string   { return "int" }

func (v *intValue) Set(s string) error {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil {
		what := "expected a whole number"
		if errors.Is(err, strconv.ErrRange) {
			what = "number out of range"
		}
		return flagError(v.name, v.hint, "%s, got %q", what, s)
	}
	if (n < v.min || n > v.max) && (v.except == 0 || n != v.except) {
		return flagError(v.name, v.hint, "%s, got %d", v.wanted(), n)
	}
	*v.p = n
	return nil
}

// wanted says in words which values the flag takes.
func (v *intValue) wanted() string {
	switch {
	case v.want != "":
		return v.want
	case v.max == math.MaxInt:
		return fmt.Sprintf("must be at least %d", v.min)
	}
	return fmt.Sprintf("must be from %d to %d", v.min, v.max)
}

// floatValue is a float64 flag that takes finite numbers above min (or
// from min, if atMin).
type floatValue struct {
	p      *float64
	name   string
	min    float64
	atMin  bool
	hint   string
	wanted string
}

// floatFlag registers a float64 flag --name on cmd that takes finite
// numbers greater than min (at least min if atMin) and sets *p, value by
// default.
func floatFlag(cmd *cobra.Command, p *float64, name string, value, min float64, atMin bool, usage, hint string) *floatValue {
	*p = value
	w := fmt.Sprintf("must be a finite number greater than %g", min)
	if atMin {
		w = fmt.Sprintf("must be a finite number of at least %g", min)
	}
	v := &floatValue{p: p, name: name, min: min, atMin: atMin, hint: hint, wanted: w}
	cmd.Flags().Var(v, name, usage)
	return v
}

func (v *floatValue) String() string { return strconv.FormatFloat(*v.p, 'g', -1, 64) }
func (v *floatValue) Type() string   { return "float64" }

func (v *floatValue) Set(s string) error {
	x, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		return flagError(v.name, v.hint, "expected a number, got %q", s)
	}
	if err != nil || math.IsNaN(x) || math.IsInf(x, 0) || x < v.min || (x == v.min && !v.atMin) {
		return flagError(v.name, v.hint, "%s, got %s", v.wanted, strings.TrimSpace(s))
	}
	*v.p = x
	return nil
}

// maxRandomEntries is the most entries of random data that train makes.
const maxRandomEntries = train.MaxRandomEntries

// shapeValue is a ROWSxCOLS flag such as --random-data 16x4.
type shapeValue struct {
	rows, cols *int
	name, text string
}

// shapeFlag registers a ROWSxCOLS flag --name on cmd that sets *rows and
// *cols, 0 and 0 when it is not given.
func shapeFlag(cmd *cobra.Command, rows, cols *int, name, usage string) *shapeValue {
	*rows, *cols = 0, 0
	v := &shapeValue{rows: rows, cols: cols, name: name}
	cmd.Flags().Var(v, name, usage)
	return v
}

func (v *shapeValue) String() string { return v.text }
func (v *shapeValue) Type() string   { return "string" }

func (v *shapeValue) Set(s string) error {
	const hint = "write ROWSxCOLS, e.g. 16x4"
	a, b, ok := strings.Cut(strings.ToLower(strings.TrimSpace(s)), "x")
	rows, err1 := strconv.Atoi(a)
	cols, err2 := strconv.Atoi(b)
	if !ok || err1 != nil || err2 != nil {
		return flagError(v.name, hint, "expected ROWSxCOLS with whole numbers, got %q", s)
	}
	if rows < 1 || cols < 1 {
		return flagError(v.name, hint, "rows and columns must be at least 1, got %dx%d", rows, cols)
	}
	if rows > maxRandomEntries/cols {
		return flagError(v.name, "use fewer rows or columns", "%dx%d is more than the limit of %d entries", rows, cols, maxRandomEntries)
	}
	*v.rows, *v.cols, v.text = rows, cols, s
	return nil
}

// flagError is the error of a bad value of the flag --name.
func flagError(name, hint, format string, args ...any) error {
	return &inputerr.Error{Key: "--" + name, Err: fmt.Errorf(format, args...), Hint: hint}
}
