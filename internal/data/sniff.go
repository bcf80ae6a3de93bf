package data

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Naming the wrong delimiter. A file of another delimiter than the one
// configured reads as a header of one column, or as rows whose field
// counts do not match the header's, and the errors that follow (a target
// not in the header, a ragged row) do not say why. So when the header is
// one column, or a row has the wrong number of fields, the start of the
// text is split by the other common delimiters, and if one splits the
// header and the first data lines alike into two columns or more, while
// the configured one does not, the error says so:
//
//	data.csv:1: looks like ';'-separated (5 columns), not ',' (hint: set data.delimiter: ";")
//
// Both paths of Read guess from the same bytes: the first sniffBytes of
// the text (after decompression and a byte order mark), cut after its last
// line end, so that they give the same error.

const (
	// sniffBytes is how much of the text the guess looks at.
	sniffBytes = 16 << 10
	// sniffRows is how many data lines after the header the guess
	// compares with it, at most.
	sniffRows = 5
)

// sniffDelimiters are the delimiters tried, in order of preference when
// two split the lines into as many columns.
var sniffDelimiters = []rune{',', ';', '\t', '|'}

// headText records the start of the text that Read reads, for
// guessDelimiter: the slow path reads through it, the fast path sets b.
// So that the guess does not depend on how much the reads above it have
// asked for, fill reads ahead to the whole of what the guess looks at,
// and Read hands those bytes on before reading further.
type headText struct {
	r    io.Reader
	b    []byte // the first bytes of the text
	sent int    // how many of b Read has returned
	err  error  // the error of a read ahead, returned once b is sent
}

// headBytes is how much headText records: what the guess looks at, and
// a byte order mark.
const headBytes = sniffBytes + len(bom)

// Read reads from h.r, keeping a copy of the first bytes.
func (h *headText) Read(b []byte) (int, error) {
	if h.sent < len(h.b) {
		n := copy(b, h.b[h.sent:])
		h.sent += n
		return n, nil
	}
	if h.err != nil {
		return 0, h.err
	}
	n, err := h.r.Read(b)
	if room := headBytes - len(h.b); room > 0 {
		h.b = append(h.b, b[:min(n, room)]...)
		h.sent = len(h.b)
	}
	return n, err
}

// fill reads ahead until h holds headBytes, or the text ends or fails.
func (h *headText) fill() {
	for empty := 0; h.r != nil && h.err == nil && len(h.b) < headBytes && empty < 100; {
		buf := make([]byte, headBytes-len(h.b))
		n, err := h.r.Read(buf)
		h.b = append(h.b, buf[:n]...)
		h.err = err
		if n == 0 {
			empty++ // a reader that returns nothing, and no error, again and again
		}
	}
}

// lines returns the recorded text to guess from: without a byte order
// mark, at most sniffBytes, up to and including its last line end.
func (h *headText) lines() []byte {
	h.fill()
	b := bytes.TrimPrefix(h.b, []byte(bom))
	b = b[:min(len(b), sniffBytes)]
	return b[:bytes.LastIndexByte(b, '\n')+1]
}

// readHead sets h to the first bytes of ra from off, as the slow path
// would record them.
func (h *headText) readHead(ra io.ReaderAt, off, size int64) {
	h.b, _ = readAt(nil, ra, off, min(size, off+int64(headBytes)))
	h.sent = len(h.b)
}

// guessDelimiter returns the delimiter among sniffDelimiters, other than
// used, that splits the header line and every data line after it in text
// (at least one, at most sniffRows) into the same number of fields, two or
// more, and that number: the most columns if several do. It returns false
// if none does, or if used does too.
func guessDelimiter(text []byte, used rune) (delim rune, cols int, ok bool) {
	if columns(text, used) >= 2 {
		return 0, 0, false
	}
	for _, d := range sniffDelimiters {
		if n := columns(text, d); d != used && n >= 2 && n > cols {
			delim, cols = d, n
		}
	}
	return delim, cols, cols > 0
}

// columns returns the number of fields into which d splits the header of
// text and each of the next sniffRows data records, if they all have as
// many and there is at least one data record; else 0. Quotes are read
// as encoding/csv reads them; the guess ends at a record it cannot read.
func columns(text []byte, d rune) int {
	cr := csv.NewReader(bytes.NewReader(text))
	cr.Comma = d
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err != nil {
		return 0
	}
	n, rows := len(header), 0
	for ; rows < sniffRows; rows++ {
		rec, err := cr.Read()
		if err != nil {
			break
		}
		if len(rec) != n {
			return 0
		}
	}
	if rows == 0 {
		return 0
	}
	return n
}

// wrongDelimiter returns the error for a file that looks separated by
// another delimiter than the one it is read with, at the header's line;
// nil if it does not.
func (p *reader) wrongDelimiter() error {
	used := p.opt.Delimiter
	if used == 0 {
		used = ','
	}
	d, n, ok := guessDelimiter(p.head.lines(), used)
	if !ok {
		return nil
	}
	return p.errAt(p.hline, 0, "", delimiterHint(p.opt.DelimiterSetting, d),
		fmt.Errorf("looks like %q-separated (%d columns), not %q", d, n, used))
}

// delimiterHint says how to read the file with d, by the setting that
// chooses the delimiter: a config key (data.delimiter when setting is
// empty) or a flag such as --delimiter.
func delimiterHint(setting string, d rune) string {
	if setting == "" {
		setting = "data.delimiter"
	}
	if strings.HasPrefix(setting, "-") {
		return "use " + setting + " " + strconv.Quote(string(d))
	}
	return "set " + setting + ": " + strconv.Quote(string(d))
}

// PathDelimiter returns the delimiter a file is read with by default: a
// tab for a name ending in .tsv or .tsv.gz (in any case), else ','.
func PathDelimiter(path string) rune {
	p := strings.ToLower(path)
	if strings.HasSuffix(p, ".tsv") || strings.HasSuffix(p, ".tsv.gz") {
		return '\t'
	}
	return ','
}
