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
)

// limits are the limits a read enforces: the constants above, or smaller
// ones in tests.
type limits struct {
	lineBytes int64
	fields    int
	classes   int
	oneHot    int64 // bytes
}

var defaultLimits = limits{lineBytes: MaxLineBytes, fields: MaxFields, classes: MaxClasses, oneHot: MaxOneHotBytes}

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
