package data

import (
	"errors"
	"fmt"
	"math"
	"strconv"
)

// Limits on what Read accepts, so that no input, however large or
// endless, makes it or the training after it exhaust the memory. The
// package documentation says why each is what it is.
const (
	// MaxLineBytes is the most bytes a line may hold, its line end left
	// out; a record whose quoted field spans lines counts the bytes of all
	// its lines.
	MaxLineBytes = 64 << 20
	// MaxFields is the most fields a line (or record) may hold, and so the
	// most columns a file may have.
	MaxFields = 1 << 21
	// MaxClasses is the most classes a classification target may hold.
	MaxClasses = 1000
	// MaxOneHotBytes bounds the one-hot target of a classifier (8 bytes a
	// row and class) when it is larger than the features, unless the
	// target is read for prediction (Options.TargetOptional).
	MaxOneHotBytes = 1 << 30
)

// Errors that the limits' *inputerr.Error values wrap, for errors.Is.
var (
	// ErrLineTooLong is wrapped by the error for a line, or a record,
	// of more than MaxLineBytes.
	ErrLineTooLong = errors.New("line too long")
	// ErrTooManyFields is wrapped by the error for a line of more than
	// MaxFields fields.
	ErrTooManyFields = errors.New("too many fields")
	// ErrTooManyClasses is wrapped by the error for a target of more than
	// MaxClasses classes.
	ErrTooManyClasses = errors.New("too many classes")
	// ErrOneHotTooLarge is wrapped by the error for a target whose one-hot
	// encoding would pass MaxOneHotBytes.
	ErrOneHotTooLarge = errors.New("one-hot target too large")
	// ErrDataTooLarge is wrapped by the error for a table whose rows would
	// take more than Options.MaxBytes.
	ErrDataTooLarge = errors.New("data too large for the memory limit")
)

// limits are the limits a read enforces: the constants above, or smaller
// ones in tests.
type limits struct {
	lineBytes int64
	fields    int
	classes   int
	oneHot    int64 // bytes
	textBytes int64
}

var defaultLimits = limits{lineBytes: MaxLineBytes, fields: MaxFields, classes: MaxClasses, oneHot: MaxOneHotBytes, textBytes: MaxTextBytes}

// byteSize writes n bytes in the largest binary unit that divides it.
func byteSize(n int64) string {
	for _, u := range []struct {
		shift uint
		name  string
	}{{30, "GiB"}, {20, "MiB"}, {10, "KiB"}} {
		if n >= 1<<u.shift && n%(1<<u.shift) == 0 {
			return strconv.FormatInt(n>>u.shift, 10) + " " + u.name
		}
	}
	return strconv.FormatInt(n, 10) + " bytes"
}

// tooManyClassesHint says what to do about a target of more than limit
// classes: seen are the first limit of them, found in the first rows rows.
func tooManyClassesHint(seen []string, rows, limit int) string {
	hint := "choose another data.target"
	if len(seen)+1 == rows {
		hint = "every row has a label of its own, as in an id column: " + hint
	} else {
		hint = "is it an id or a free-text column? " + hint
	}
	numeric := true
	for _, s := range seen {
		if _, err := strconv.ParseFloat(s, 64); err != nil {
			numeric = false
			break
		}
	}
	if numeric {
		hint += "; for a numeric target, use the regression loss squared_error"
	}
	return hint + fmt.Sprintf("; a classifier takes at most %d classes, as its one-hot target and output layer grow with each", limit)
}

// checkOneHot refuses a classification target of n rows and k classes
// whose one-hot encoding, n×k float64 values, would take more than
// p.lim.oneHot bytes and more than the n×d features. A target read with
// TargetOptional (prediction) is not encoded, and not refused.
func (p *reader) checkOneHot(n, k, d, labelCol int) error {
	size := int64(n) * int64(k) * 8
	if p.opt.TargetOptional || k <= d || size <= p.lim.oneHot {
		return nil
	}
	return p.errAt(p.hline, labelCol+1, colKey(p.header[labelCol]),
		"merge rare classes into one, or train on fewer rows; check that the target is the class column",
		fmt.Errorf("%w: %d rows × %d classes take %s as one-hot rows, over the limit of %s, with more classes than feature columns (%d)",
			ErrOneHotTooLarge, n, k, gib(size), byteSize(p.lim.oneHot), d))
}

// gib writes n bytes in GiB rounded up to 3 decimals, so that a size over
// a limit never reads as the limit; or in bytes, if less than 1 GiB.
func gib(n int64) string {
	if n < 1<<30 {
		return strconv.FormatInt(n, 10) + " bytes"
	}
	return strconv.FormatFloat(math.Ceil(float64(n)/(1<<30)*1000)/1000, 'f', -1, 64) + " GiB"
}

// RowBytes is the memory a row of d features and k regression targets
// takes in a Dataset as Read makes it, and while Read collects it: its
// numbers (float64s), its line in Lines and, with a class label, its class
// in Labels (ints).
func RowBytes(d, k int, label bool) int64 {
	b := 8 * (int64(d) + int64(k) + 1)
	if label {
		b += 8
	}
	return b
}

// maxRows returns the most rows of d features, k targets and a label, if
// label, that fit in p.opt.MaxBytes; -1 for no bound.
func (p *reader) maxRows(d, k int, label bool) int {
	if p.opt.MaxBytes <= 0 {
		return -1
	}
	return int(p.opt.MaxBytes / RowBytes(d, k, label))
}

// tooLarge is the error for the row on the given line, the first that
// passes p.opt.MaxBytes.
func (p *reader) tooLarge(line, d, k int, label bool) error {
	source := p.opt.MaxBytesSource
	if source == "" {
		source = "the memory limit"
	}
	return p.errAt(line, 0, "", "use fewer rows or columns, or raise the limit with --max-memory SIZE",
		&tooLargeError{limit: p.opt.MaxBytes, source: source, row: RowBytes(d, k, label)})
}

// tooLargeError says that a table passes Options.MaxBytes; it wraps
// ErrDataTooLarge without saying so in its message.
type tooLargeError struct {
	limit  int64
	source string
	row    int64 // bytes a row
}

func (e *tooLargeError) Error() string {
	return fmt.Sprintf("the data needs more than %s of memory (the limit, %s) at %d bytes a row",
		memSize(e.limit), e.source, e.row)
}

// memSize writes n bytes as sysmem.Format does, but with up to 2 decimals
// instead of 3 significant digits, which it writes as 1.02e+03 from 1000
// units on.
func memSize(n int64) string {
	for _, u := range []struct {
		shift uint
		name  string
	}{{40, "TiB"}, {30, "GiB"}, {20, "MiB"}, {10, "KiB"}} {
		if n >= 1<<u.shift {
			v := math.Floor(float64(n)/float64(int64(1)<<u.shift)*100) / 100
			return strconv.FormatFloat(v, 'f', -1, 64) + " " + u.name
		}
	}
	return strconv.FormatInt(n, 10) + " bytes"
}

func (e *tooLargeError) Unwrap() error { return ErrDataTooLarge }

// MaxTextBytes bounds the bytes of the distinct levels of every
// categorical column and of the classes, together: MaxLevels levels of a
// line's length each would take terabytes, which a small gzip file can
// hold.
const MaxTextBytes = 256 << 20

// MaxLevels is the most distinct levels Read accepts in a categorical
// column (Options.MaxLevels may lower it): enough for data.max_categories
// to keep the most frequent of a column of many, few enough that an id
// column read by mistake stops early.
const MaxLevels = 100_000

// ErrTooManyLevels is wrapped by the error for a categorical column of
// more levels than the limit.
var ErrTooManyLevels = errors.New("too many categories")
