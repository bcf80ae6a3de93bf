package data

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
	"unicode/utf8"
)

// The limits on a line's bytes and fields (MaxLineBytes, MaxFields) in
// the slow path; the fast path gives up on a line that may be too long.

// limitError is the error a limiter returns once a record passes a limit.
type limitError struct {
	err       error // ErrLineTooLong or ErrTooManyFields
	line, col int   // where: for a long line, the first byte past the limit; for too many fields, the line and the field
	startLine int   // the line the record starts on
}

func (e *limitError) Error() string { return e.err.Error() }

// limiter passes the bytes of r through until a record (a line, or the
// lines a quoted field joins) passes lim.lineBytes bytes or lim.fields
// fields; it then returns a *limitError, and keeps returning it. It
// delivers exactly the bytes of the record up to the byte limit, so that
// what encoding/csv reads, and the error, do not depend on how r splits
// its reads.
//
// It finds records as encoding/csv does for well-formed input: a line end
// outside quotes ends one, a quote starts or ends a quoted field, and a
// delimiter outside quotes starts a field. On ill-formed quotes it may
// see records differently, but encoding/csv then reports the quote error
// on that line first, within the limit.
type limiter struct {
	r     io.Reader
	lim   limits
	delim []byte // the delimiter in UTF-8
	err   error

	line     int   // the current line, 1-based
	col      int64 // the bytes of the current line so far
	recLine  int   // the line the current record starts on
	recBytes int64 // the bytes of the current record so far
	fields   int   // the fields of the current record so far
	quoted   bool  // in a quoted field
	tail     []byte
}

func newLimiter(r io.Reader, delim rune, lim limits) *limiter {
	return &limiter{r: r, lim: lim, delim: utf8.AppendRune(nil, delim), line: 1, recLine: 1, fields: 1}
}

func (l *limiter) Read(p []byte) (int, error) {
	if l.err != nil {
		return 0, l.err
	}
	n, err := l.r.Read(p)
	if k := l.scan(p[:n]); l.err != nil {
		if k > 0 {
			return k, nil
		}
		return 0, l.err
	}
	return n, err
}

// scan follows the records through b, and returns len(b), or, if a
// limit is passed, the number of bytes of b to deliver, with l.err set.
func (l *limiter) scan(b []byte) int {
	pos := 0
	quote := -1 // the index of the next quote in b at or after pos; len(b) if none
	for pos < len(b) {
		if quote < pos {
			quote = len(b)
			if q := bytes.IndexByte(b[pos:], '"'); q >= 0 {
				quote = pos + q
			}
		}
		if l.quoted {
			if k, ok := l.quotedRun(b[pos:quote]); !ok {
				return pos + k
			}
		} else {
			end := quote
			if nl := bytes.IndexByte(b[pos:quote], '\n'); nl >= 0 {
				end = pos + nl
			}
			if k, ok := l.plainRun(b[pos:end]); !ok {
				return pos + k
			}
			if end < quote { // a line end: the end of the record
				l.line++
				l.col, l.recBytes, l.fields, l.tail = 0, 0, 1, l.tail[:0]
				l.recLine = l.line
				pos = end + 1
				continue
			}
		}
		pos = quote
		if pos == len(b) {
			break
		}
		// A quote opens or closes a quoted field.
		if l.room() < 1 {
			l.fail(ErrLineTooLong, l.col+1)
			return pos
		}
		l.recBytes++
		l.col++
		l.quoted = !l.quoted
		l.tail = l.tail[:0]
		pos++
	}
	return len(b)
}

// room returns the bytes the current record may still hold.
func (l *limiter) room() int64 { return l.lim.lineBytes - l.recBytes }

func (l *limiter) fail(err error, col int64) {
	l.err = &limitError{err: err, line: l.line, col: int(col), startLine: l.recLine}
}

// plainRun counts a run of bytes outside quotes, holding no quote nor line
// end. It returns the bytes to deliver and whether all are within the
// limits. Of the two limits, the one passed at the earlier byte is
// reported: the byte limit at the first byte past it, the field limit at
// the last byte of the delimiter that starts one field too many. Either
// way, the bytes delivered end there, whatever the reads.
func (l *limiter) plainRun(run []byte) (int, bool) {
	in := run // the bytes within the byte limit
	if int64(len(run)) > l.room() {
		in = run[:l.room()]
	}
	st := 0 // the bytes of in that end a delimiter begun in the last run
	if len(l.delim) > 1 {
		st = straddle(l.tail, in, l.delim)
		l.tail = append(l.tail, run[max(0, len(run)-len(l.delim)+1):]...)
		l.tail = l.tail[max(0, len(l.tail)-len(l.delim)+1):]
	}
	nd := bytes.Count(in, l.delim)
	if st > 0 {
		nd++
	}
	if l.fields+nd > l.lim.fields {
		end := st // the end of the delimiter one too many
		for need := l.lim.fields - l.fields + 1 - min(st, 1); need > 0; need-- {
			end += bytes.Index(in[end:], l.delim) + len(l.delim)
		}
		l.fail(ErrTooManyFields, int64(l.lim.fields)+1)
		return end, false
	}
	l.fields += nd
	l.recBytes += int64(len(in))
	l.col += int64(len(in))
	if len(in) < len(run) {
		l.fail(ErrLineTooLong, l.col+1)
		return len(in), false
	}
	return len(run), true
}

// straddle returns the number of bytes at the start of run that end a
// delimiter begun in tail, or 0. There is at most one, as tail is shorter
// than delim.
func straddle(tail, run, delim []byte) int {
	for i := range tail {
		rest := delim[len(tail)-i:]
		if bytes.HasPrefix(delim, tail[i:]) && bytes.HasPrefix(run, rest) {
			return len(rest)
		}
	}
	return 0
}

// quotedRun counts a run of bytes inside quotes, holding no quote. It
// returns the bytes to deliver and whether all are within the byte limit.
func (l *limiter) quotedRun(run []byte) (int, bool) {
	ok := int64(len(run)) <= l.room()
	if !ok {
		run = run[:l.room()]
	}
	l.recBytes += int64(len(run))
	if nl := bytes.LastIndexByte(run, '\n'); nl >= 0 {
		l.line += bytes.Count(run, []byte{'\n'})
		l.col = int64(len(run) - nl - 1)
	} else {
		l.col += int64(len(run))
	}
	if !ok {
		l.fail(ErrLineTooLong, l.col+1)
	}
	return len(run), ok
}

// limitErr turns a *limitError into the positioned error for the user.
func (p *reader) limitErr(e *limitError) error {
	size := byteSize(p.lim.lineBytes)
	if e.err == ErrTooManyFields {
		hint := fmt.Sprintf("a line may hold at most %d fields; check the delimiter, and that the file is a CSV table", p.lim.fields)
		if p.header != nil {
			hint = fmt.Sprintf("every row needs one field per header column (%d here); check the delimiter, or quote fields that contain one", len(p.header))
		}
		return p.errAt(e.line, e.col, "", hint, fmt.Errorf("%w: more than %d in one line", ErrTooManyFields, p.lim.fields))
	}
	exact := strconv.FormatInt(p.lim.lineBytes, 10) + " bytes"
	if exact != size {
		exact += " (" + size + ")"
	}
	if e.startLine != e.line {
		return p.errAt(e.line, e.col, "", "close the quoted field with a quote, and double any quote inside it; a record may hold at most "+size,
			fmt.Errorf("%w: the record from line %d on, in a quoted field, passes %s", ErrLineTooLong, e.startLine, exact))
	}
	return p.errAt(e.line, e.col, "", "a line may hold at most "+size+"; check that the file is CSV text, not binary data or an endless stream such as /dev/zero",
		fmt.Errorf("%w: more than %s without a line end", ErrLineTooLong, exact))
}
