// Package inputerr holds the one error type for bad user input: a config,
// CSV or model file, an environment variable or a flag. The command line maps
// every *Error to exit status 2.
//
// An Error prints as
//
//	datasets/iris.csv:14:3: column "sepal_length": not a number: "abc" (hint: ...)
//
// with the parts that are unknown left out.
package inputerr

import (
	"errors"
	"fmt"
	"io/fs"
	"strconv"
	"strings"
	"unicode"
)

// Error is a positioned input error, in the manner of encoding/csv's ParseError.
// Line and Column are 1-based; zero means unknown. Key names the config key,
// column, flag or environment variable at fault, if any.
type Error struct {
	File   string
	Line   int
	Column int
	Key    string
	Err    error
	Hint   string
}

// Error formats the position, the key, the message and the hint.
func (e *Error) Error() string {
	var b strings.Builder
	if e.File != "" {
		file := e.File
		if strings.ContainsFunc(file, unicode.IsControl) {
			file = strconv.Quote(file) // keep the message on one line
		}
		b.WriteString(file)
		if e.Line > 0 {
			fmt.Fprintf(&b, ":%d", e.Line)
			if e.Column > 0 {
				fmt.Fprintf(&b, ":%d", e.Column)
			}
		}
		b.WriteString(": ")
	}
	if e.Key != "" {
		b.WriteString(e.Key)
		b.WriteString(": ")
	}
	if e.Err != nil {
		b.WriteString(e.Err.Error())
	} else {
		b.WriteString("invalid input")
	}
	if e.Hint != "" {
		b.WriteString(" (hint: ")
		b.WriteString(e.Hint)
		b.WriteString(")")
	}
	return b.String()
}

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }

// New returns an Error with a formatted message and no position.
func New(file, key, hint, format string, args ...any) *Error {
	return &Error{File: file, Key: key, Hint: hint, Err: fmt.Errorf(format, args...)}
}

// Is reports whether err is, or wraps, an input error.
func Is(err error) bool {
	var e *Error
	return errors.As(err, &e)
}

// PathCause returns the cause of an *fs.PathError (say, "no such file or
// directory") without the operation and path, which the message names
// already; any other error is returned as it is.
func PathCause(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
