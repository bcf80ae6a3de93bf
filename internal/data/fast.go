package data

import (
	"bytes"
	"errors"
	"io"
	"math"
	"os"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"unicode/utf8"
	"unsafe"

	"gonum.org/v1/gonum/mat"
)

// The fast path of Read, for input that can be read at any offset (a
// regular file, a bytes.Reader or a strings.Reader). It reads the header
// as the slow path does, then makes two passes over the rest, in chunks, on
// GOMAXPROCS goroutines: the first counts the lines and the rows (lines
// that are not blank) that start in each chunk, which gives every line its
// number and its row; the second parses the chunks straight into one
// matrix of the right size. Besides the Dataset, only a chunk per goroutine
// is held in memory.
//
// It handles only what is simple: no gzip, an ASCII delimiter, '.' as the
// decimal separator, quoted fields only if they hold no quote nor line
// end, lines well within the limits (MaxLineBytes, MaxFields, MaxClasses,
// MaxLevels), and no error. On anything else it gives up, and Read runs
// the slow path from the start, so every error and every odd case is
// exactly as before. Categorical columns, missing cells and rows whose
// target is missing are read here too: fastcat.go says how.

// fastChunk is the size of the chunks the fast path reads.
const fastChunk = 512 << 10

// randomAccess returns r as an io.ReaderAt with the offset of its read
// position and its size, if r is a regular file, a *bytes.Reader or a
// *strings.Reader.
func randomAccess(r io.Reader) (ra io.ReaderAt, off, size int64, ok bool) {
	switch r := r.(type) {
	case *os.File:
		fi, err := r.Stat()
		if err != nil || !fi.Mode().IsRegular() {
			return nil, 0, 0, false
		}
		off, err := r.Seek(0, io.SeekCurrent)
		if err != nil || off > fi.Size() {
			return nil, 0, 0, false
		}
		return r, off, fi.Size(), true
	case interface {
		io.ReaderAt
		Len() int
		Size() int64
	}:
		return r, r.Size() - int64(r.Len()), r.Size(), true
	}
	return nil, 0, 0, false
}

// column roles in the fast path's plan, besides roleFeature, roleTarget
// and roleLabel.
const roleSkip = -1

// cellPlan says what to do with one field of a row.
type cellPlan struct {
	role int
	dst  int
}

// span counts lines, the rows among them (the lines that are not blank and
// whose target is not missing) and the rows left out for their missing
// target.
type span struct{ lines, rows, drops int }

// ends says where lines end in a chunk, for the limit on a line's bytes:
// the offsets of the first and the last line end, -1 if none, and the
// most bytes between two of them.
type ends struct{ first, last, most int64 }

// fastRead is the state of one fast read.
type fastRead struct {
	p     *reader
	ra    io.ReaderAt
	size  int64 // end of the input
	start int64 // offset of the first byte after the header line
	chunk int

	delim byte
	whole bool // the delimiter cannot occur in a number nor be trimmed: scan numbers in place
	plan  []cellPlan
	d, k  int

	first  int       // the number of the line that starts at start
	before []span    // the lines and rows that start before each chunk
	ends   []ends    // where lines end in each chunk
	x, y   []float64 // the rows
	labels []int
	lines  []int

	classIdx map[string]int // read-only if p.opt.Classes != nil
	mu       sync.Mutex     // guards classIdx and seen when learning classes
	seen     []string

	miss      missingSet
	missNum   bool   // a missing token reads as a number: check every feature cell
	dropCheck bool   // targets and missing tokens: rows may be left out
	targets   []int  // the target columns, for dropCheck
	dropLine  []int  // the line of each chunk's first row left out, 0 if none
	cols      []fcol // the feature columns, by dst
	switches  [][]switchAt
	workers   chan *fastWorker

	// text counts the bytes of the classes and levels kept, as
	// reader.keepText does, against limits.textBytes.
	text atomic.Int64

	failed atomic.Bool
}

// keepText counts a new class or level against limits.textBytes, as the
// slow path's keepText does, and reports whether it fits.
func (f *fastRead) keepText(s string) bool {
	return !countsText(s) || f.text.Add(int64(len(s))+16) <= f.p.lim.textBytes
}

// errSlow says that the input needs the slow path.
var errSlow = errors.New("data: input needs the slow path")

// readFast reads the table in [off, size) of ra by the fast path, in
// chunks of the given size. It returns errSlow if the input needs the slow
// path. Any other error is about the header or the options, and is the
// same as the slow path's.
func (p *reader) readFast(ra io.ReaderAt, off, size int64, chunk int) (*Dataset, error) {
	o := p.opt
	f := &fastRead{p: p, ra: ra, size: size, chunk: chunk, delim: ','}
	if o.Delimiter != 0 {
		if o.Delimiter >= utf8.RuneSelf || !validDelim(o.Delimiter) {
			return nil, errSlow
		}
		f.delim = byte(o.Delimiter)
	}
	if o.Decimal != 0 && o.Decimal != '.' {
		return nil, errSlow
	}
	f.miss = newMissingSet(o.Missing)
	for t := range f.miss {
		if _, ok := cellNumber([]byte(t)); ok {
			f.missNum = true
		}
	}
	f.whole = bytes.IndexByte([]byte("0123456789+-.eE \t"), f.delim) < 0
	// The header is read by the same code on the same bytes as in the
	// slow path, so its errors, and the options', are the same.
	if err := f.header(off); err != nil {
		return nil, err
	}
	uses, ds, err := p.resolve()
	if err != nil {
		return nil, err
	}
	f.plan = make([]cellPlan, len(p.header))
	for i := range f.plan {
		f.plan[i].role = roleSkip
	}
	labelCol := -1
	for _, u := range uses {
		f.plan[u.col] = cellPlan{role: u.role, dst: u.dst}
		switch u.role {
		case roleTarget:
			f.k++
			f.targets = append(f.targets, u.col)
		case roleLabel:
			labelCol = u.col
			f.targets = append(f.targets, u.col)
		}
	}
	f.dropCheck = len(f.targets) > 0 && len(f.miss) > 0
	f.d = len(ds.FeatureNames)
	f.cols = p.fastCols(ds, &f.text)
	f.first = p.hline + 1
	if labelCol >= 0 {
		f.classIdx = classIndex(o.Classes, '.')
	}

	n, ok := f.count()
	if !ok || n == 0 || !f.linesFit() {
		return nil, errSlow
	}
	// Too many rows for the memory: the slow path reads up to the row that
	// passes it (holding no more than the limit), and refuses it there or
	// at an earlier error, exactly as it would without this path.
	if m := p.maxRows(f.d, f.k, labelCol >= 0); m >= 0 && n > m {
		return nil, errSlow
	}
	// A row holds a delimiter between fields and a byte in every used
	// cell. If the rows cannot all be whole, some row is wrong: leave it to
	// the slow path rather than make a matrix larger than the input can fill.
	if minRow := int64(len(f.plan) - 1 + len(uses)); int64(n) > (f.size-f.start)/minRow {
		return nil, errSlow
	}
	f.x = make([]float64, n*f.d)
	if f.k > 0 {
		f.y = make([]float64, n*f.k)
	}
	if labelCol >= 0 {
		f.labels = make([]int, n)
	}
	f.lines = make([]int, n)
	if !f.parse() || !f.levels(ds) {
		return nil, errSlow
	}
	f.dropped(ds)
	ds.X = mat.NewDense(n, f.d, f.x)
	if f.k > 0 {
		ds.Y = mat.NewDense(n, f.k, f.y)
	}
	ds.Lines = f.lines
	// The slow path would read the same rows, so it would make the same
	// error: from the number of rows, classes and features, and from
	// the first row's line and class if there is only one.
	if err := p.classes(ds, labelCol, f.labels, f.seen, f.classIdx); err != nil {
		return nil, err
	}
	return ds, nil
}

// readAt appends to buf the bytes of ra in [at, end), and reports whether
// it read them all.
func readAt(buf []byte, ra io.ReaderAt, at, end int64) ([]byte, bool) {
	n := int(end - at)
	buf = slices.Grow(buf, n)
	got, err := ra.ReadAt(buf[len(buf):len(buf)+n], at)
	if got != n || err != nil && err != io.EOF {
		return buf, false
	}
	return buf[:len(buf)+n], true
}

// header reads the header, from off up to the end of the first line that
// is not blank, and sets p's header as the slow path does. It returns
// errSlow if the header needs the slow path, or the header's error.
func (f *fastRead) header(off int64) error {
	var head []byte
	end := off // the end of what is in head
	ls := 0    // start of the current line in head
	for {
		q := bytes.IndexByte(head[ls:], '\n')
		if q < 0 {
			if end == f.size {
				return errSlow // no data rows, or no header: the slow path says which
			}
			if int64(len(head)-ls) > f.p.lim.lineBytes {
				return errSlow // a line too long: the slow path says where
			}
			// Read no more than shows whether the line is too long.
			next := min(f.size, end+max(64<<10, int64(len(head))), off+int64(ls)+f.p.lim.lineBytes+1)
			var ok bool
			if head, ok = readAt(head, f.ra, end, next); !ok {
				return errSlow
			}
			end = next
			if ls == 0 && bytes.HasPrefix(head, []byte(gzipMagic)) {
				return errSlow
			}
			if ls == 0 && bytes.HasPrefix(head, []byte(bom)) {
				ls = len(bom)
			}
			continue
		}
		line := head[ls : ls+q]
		if len(line) == 0 || len(line) == 1 && line[0] == '\r' {
			ls += q + 1 // a blank line before the header
			continue
		}
		if int64(ls+q) > f.p.lim.lineBytes {
			return errSlow // perhaps too long, with a byte order mark: the slow path decides
		}
		hstart := 0
		if bytes.HasPrefix(head, []byte(bom)) {
			hstart = len(bom)
		}
		prefix := head[hstart : ls+q+1]
		fields := bytes.Count(prefix, []byte{f.delim}) + 1
		if bytes.IndexByte(prefix, '"') >= 0 {
			// Quoted names are read as in the slow path, unless a quoted
			// name holds a line end, or the quotes are wrong.
			cr := f.p.newCSV(bytes.NewReader(prefix))
			rec, err := cr.Read()
			if err != nil || cr.InputOffset() != int64(len(prefix)) {
				return errSlow
			}
			fields = len(rec)
		}
		if fields > f.p.lim.fields {
			return errSlow // the slow path stops at the field past the limit
		}
		f.p.cr = f.p.newCSV(bytes.NewReader(prefix))
		f.p.head.readHead(f.ra, off, f.size)
		if err := f.p.readHeader(); err != nil {
			return err
		}
		f.start = off + int64(ls+q+1)
		return nil
	}
}

// chunks returns the number of chunks after the header.
func (f *fastRead) chunks() int {
	return int((f.size - f.start + int64(f.chunk) - 1) / int64(f.chunk))
}

// bounds returns chunk i's part of the input.
func (f *fastRead) bounds(i int) (s, e int64) {
	s = f.start + int64(i)*int64(f.chunk)
	return s, min(s+int64(f.chunk), f.size)
}

// run calls do(i, buf) for every chunk i on up to GOMAXPROCS goroutines,
// each with its own buffer, until one returns false.
func (f *fastRead) run(do func(i int, buf []byte) ([]byte, bool)) bool {
	n := f.chunks()
	workers := min(runtime.GOMAXPROCS(0), n)
	var next atomic.Int64
	work := func() {
		var buf []byte
		for !f.failed.Load() {
			i := int(next.Add(1) - 1)
			if i >= n {
				return
			}
			var ok bool
			if buf, ok = do(i, buf[:0]); !ok {
				f.failed.Store(true)
			}
		}
	}
	if workers <= 1 {
		work()
		return !f.failed.Load()
	}
	var wg sync.WaitGroup
	for range workers {
		wg.Go(work)
	}
	wg.Wait()
	return !f.failed.Load()
}

// count counts the lines and the rows (lines that are not blank) that
// start in every chunk, keeps the numbers before each chunk in f.before,
// and returns the number of rows.
func (f *fastRead) count() (int, bool) {
	if f.start >= f.size {
		return 0, false
	}
	n := f.chunks()
	f.before = make([]span, n+1)
	f.ends = make([]ends, n)
	ok := f.run(func(i int, buf []byte) ([]byte, bool) {
		s, e := f.bounds(i)
		// From the byte before the chunk, which says whether a line starts
		// at s, to the byte after it, which says whether a line starting
		// at e-1 with \r is blank.
		buf, ok := readAt(buf, f.ra, s-1, min(e+1, f.size))
		if !ok {
			return buf, false
		}
		end := min(e+1, f.size) // the end of what is in buf
		lim := int(e - s)       // the line ends before buf[lim] start lines in the chunk
		var c span
		le := ends{first: -1, last: -1}
		for q := 0; ; {
			k := bytes.IndexByte(buf[q:lim], '\n')
			if k < 0 {
				break
			}
			at := s - 1 + int64(q+k) // the line end's offset
			if le.first < 0 {
				le.first = at
			} else {
				le.most = max(le.most, at-le.last-1)
			}
			le.last = at
			q += k + 1
			c.lines++
			if !blankAt(buf, q) {
				if !f.dropCheck {
					c.rows++
					continue
				}
				// Is the row left out? Read its whole line to see.
				var le int
				if buf, le, end, ok = f.lineEnd(buf, q, end); !ok {
					return buf, false
				}
				if f.droppedLine(trimCR(buf[q:le])) {
					c.drops++
				} else {
					c.rows++
				}
			}
		}
		f.before[i+1] = c
		f.ends[i] = le
		return buf, true
	})
	if !ok {
		return 0, false
	}
	for i := 1; i <= n; i++ {
		f.before[i].lines += f.before[i-1].lines
		f.before[i].rows += f.before[i-1].rows
		f.before[i].drops += f.before[i-1].drops
	}
	return f.before[n].rows, true
}

// linesFit reports whether every line after the header holds at most
// the limit's bytes. It may say no when the last line has exactly that
// many and a line end: the slow path then decides.
func (f *fastRead) linesFit() bool {
	limit := f.p.lim.lineBytes
	start := f.start // where the current line starts
	for _, e := range f.ends {
		if e.first < 0 {
			continue
		}
		if e.first-start > limit || e.most > limit {
			return false
		}
		start = e.last + 1
	}
	return f.size-start <= limit
}

// blankAt reports whether the line that starts at buf[j] is blank: empty
// but for a \r before its end. buf holds the input up to its end, or at
// least one byte past buf[j].
func blankAt(buf []byte, j int) bool {
	return buf[j] == '\n' || buf[j] == '\r' && (j+1 == len(buf) || buf[j+1] == '\n')
}

// parse parses every chunk's lines into their rows.
func (f *fastRead) parse() bool {
	n := f.chunks()
	f.switches = make([][]switchAt, n)
	f.dropLine = make([]int, n)
	f.workers = make(chan *fastWorker, runtime.GOMAXPROCS(0))
	return f.run(func(i int, buf []byte) ([]byte, bool) {
		var w *fastWorker
		select {
		case w = <-f.workers:
		default:
			w = f.newWorker()
		}
		buf, ok := w.chunk(i, buf)
		w.endChunk()
		select {
		case f.workers <- w:
		default:
		}
		return buf, ok
	})
}

// fastWorker parses chunks; it caches the classes and the levels it has
// seen.
type fastWorker struct {
	f      *fastRead
	cache  map[string]int
	fields [][]byte // the fields of a line with quotes

	chunkIdx int
	levels   bool             // some feature column may read levels
	mode     []bool           // by dst: the column reads levels in this chunk
	lcache   []map[string]int // by dst: a level's provisional code, by cell
}

// chunk parses the lines that start in chunk i, reading past its end to
// finish the last one. It reads from the byte before the chunk, which
// tells whether a line starts at the chunk's first byte.
func (w *fastWorker) chunk(i int, buf []byte) ([]byte, bool) {
	f := w.f
	w.startChunk(i)
	s, e := f.bounds(i)
	buf, ok := readAt(buf, f.ra, s-1, e)
	if !ok {
		return buf, false
	}
	lim := int(e - s) // buf[lim] is the chunk's last byte
	q := bytes.IndexByte(buf[:lim], '\n')
	if q < 0 {
		// No line starts in the chunk: the first pass must have found
		// none either, or the file changed in between.
		return buf, f.before[i].rows == f.before[i+1].rows && f.before[i].drops == f.before[i+1].drops
	}
	line, row := f.first+f.before[i].lines, f.before[i].rows
	drops := f.before[i].drops
	end := e // the end of what is in buf
	for p := q + 1; p <= lim; {
		q := bytes.IndexByte(buf[p:], '\n')
		for q < 0 && end < f.size {
			from := len(buf)
			next := min(f.size, end+max(16<<10, int64(len(buf)-p)))
			if buf, ok = readAt(buf, f.ra, end, next); !ok {
				return buf, false
			}
			end = next
			if q = bytes.IndexByte(buf[from:], '\n'); q >= 0 {
				q += from - p
			}
		}
		le := len(buf)
		if q >= 0 {
			le = p + q
		}
		b := buf[p:le]
		if n := len(b); n > 0 && b[n-1] == '\r' {
			b = b[:n-1]
		}
		if len(b) > 0 && f.dropCheck && f.droppedLine(b) {
			// Left out, once its fields are counted as the slow path does.
			if bytes.Count(b, []byte{f.delim}) != len(f.plan)-1 || drops >= f.before[i+1].drops {
				return buf, false
			}
			if drops == f.before[i].drops {
				f.dropLine[i] = line
			}
			drops++
			b = nil
		}
		if len(b) > 0 {
			if row >= f.before[i+1].rows {
				return buf, false
			}
			if bytes.IndexByte(b, '"') < 0 {
				ok = w.row(b, row)
			} else {
				ok = w.quotedRow(b, row)
			}
			if !ok {
				return buf, false
			}
			f.lines[row] = line
			row++
		}
		line++
		p = le + 1
	}
	return buf, row == f.before[i+1].rows && drops == f.before[i+1].drops
}

// row parses one line (without its line end) into row slot.
func (w *fastWorker) row(line []byte, slot int) bool {
	f := w.f
	x := f.x[slot*f.d : (slot+1)*f.d]
	var y []float64
	if f.k > 0 {
		y = f.y[slot*f.k : (slot+1)*f.k]
	}
	last := len(f.plan) - 1
	pos := 0
	for j, c := range f.plan {
		var end int
		switch c.role {
		case roleFeature:
			if !f.missNum && (!w.levels || !w.mode[c.dst]) {
				if v, e, ok := f.number(line, pos); ok {
					x[c.dst] = v
					end = e
					break
				}
			}
			end = len(line)
			if e := bytes.IndexByte(line[pos:], f.delim); e >= 0 {
				end = pos + e
			}
			if !w.feature(trimBytes(line[pos:end]), c.dst, slot, x) {
				return false
			}
		case roleTarget:
			v, e, ok := f.number(line, pos)
			if !ok {
				return false
			}
			end = e
			y[c.dst] = v
		default:
			end = len(line)
			if e := bytes.IndexByte(line[pos:], f.delim); e >= 0 {
				end = pos + e
			}
			if c.role == roleLabel {
				l, ok := w.label(trimBytes(line[pos:end]))
				if !ok {
					return false
				}
				f.labels[slot] = l
			}
		}
		if j < last {
			if end == len(line) {
				return false // too few fields
			}
			pos = end + 1
		} else if end != len(line) {
			return false // too many fields
		}
	}
	return true
}

// number parses the numeric field that starts at line[pos], and returns
// its value and its end, or ok false if it is not a finite number.
func (f *fastRead) number(line []byte, pos int) (v float64, end int, ok bool) {
	if f.whole {
		// The common case first: [-]digits[.digits], read in place.
		i := pos
		for i < len(line) && (line[i] == ' ' || line[i] == '\t') {
			i++
		}
		neg := i < len(line) && line[i] == '-'
		if neg {
			i++
		}
		start := i
		i, mant := digits(line, i, 0)
		nd := i - start
		frac := 0
		if i < len(line) && line[i] == '.' {
			fs := i + 1
			i, mant = digits(line, fs, mant)
			frac = i - fs
			nd += frac
		}
		for i < len(line) && (line[i] == ' ' || line[i] == '\t') {
			i++
		}
		// The same test as parseSimple's, which says why it is exact.
		if nd > 0 && nd <= 19 && mant>>52 == 0 && frac <= 22 && (i == len(line) || line[i] == f.delim) {
			v := float64(int64(mant)) // one instruction, unlike float64(mant)
			if neg {
				v = -v
			}
			return v / pow10[frac], i, true
		}
		// Anything else, such as an exponent: as below.
	}
	end = len(line)
	if e := bytes.IndexByte(line[pos:], f.delim); e >= 0 {
		end = pos + e
	}
	v, ok = cellNumber(line[pos:end])
	return v, end, ok
}

// digits reads the decimal digits of line from i on into mant and returns
// where they end. mant wraps around past 19 digits: callers count them.
func digits(line []byte, i int, mant uint64) (int, uint64) {
	for i < len(line) {
		c := line[i] - '0'
		if c > 9 {
			break
		}
		mant = mant*10 + uint64(c)
		i++
	}
	return i, mant
}

// cellNumber parses a numeric cell as the slow path does, and reports
// whether it is a finite number.
func cellNumber(cell []byte) (float64, bool) {
	cell = trimBytes(cell)
	if v, n, ok := parseSimple(cell); ok && n == len(cell) {
		return v, true
	}
	if len(cell) == 0 {
		return 0, false
	}
	v, err := strconv.ParseFloat(unsafe.String(&cell[0], len(cell)), 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, false
	}
	return v, true
}

// quotedRow parses a line holding quotes into row slot, if every quoted
// field is simple: a quote, text with no quote, and a quote followed by
// the delimiter or the line end. encoding/csv reads such a field as the
// text between the quotes.
func (w *fastWorker) quotedRow(line []byte, slot int) bool {
	f := w.f
	fields := w.fields[:0]
	for pos := 0; ; {
		if pos < len(line) && line[pos] == '"' {
			q := bytes.IndexByte(line[pos+1:], '"')
			if q < 0 {
				return false // a line end inside quotes, or a missing quote
			}
			end := pos + 1 + q
			fields = append(fields, line[pos+1:end])
			if end+1 == len(line) {
				break
			}
			if line[end+1] != f.delim {
				return false // a doubled quote, or text after the quote
			}
			pos = end + 2
			continue
		}
		field := line[pos:]
		e := bytes.IndexByte(field, f.delim)
		if e >= 0 {
			field = field[:e]
		}
		if bytes.IndexByte(field, '"') >= 0 {
			return false // a bare quote
		}
		fields = append(fields, field)
		if e < 0 {
			break
		}
		pos += e + 1
	}
	w.fields = fields
	if len(fields) != len(f.plan) {
		return false
	}
	for j, c := range f.plan {
		switch c.role {
		case roleFeature:
			if !w.feature(trimBytes(fields[j]), c.dst, slot, f.x[slot*f.d:(slot+1)*f.d]) {
				return false
			}
		case roleTarget:
			v, ok := cellNumber(fields[j])
			if !ok {
				return false
			}
			f.y[slot*f.k+c.dst] = v
		case roleLabel:
			l, ok := w.label(trimBytes(fields[j]))
			if !ok {
				return false
			}
			f.labels[slot] = l
		}
	}
	return true
}

// label returns the class index of a label cell.
func (w *fastWorker) label(cell []byte) (int, bool) {
	f := w.f
	if len(cell) == 0 || f.miss.hasBytes(cell) {
		return 0, false
	}
	if c, ok := w.cache[string(cell)]; ok {
		return c, true
	}
	if !utf8.Valid(cell) {
		return 0, false
	}
	raw := string(cell)
	s := Level(raw, '.')
	if f.p.opt.Classes != nil {
		c, ok := f.classIdx[raw]
		if !ok {
			c, ok = f.classIdx[s]
		}
		return c, ok
	}
	f.mu.Lock()
	c, ok := f.classIdx[s]
	if !ok {
		if len(f.seen) >= f.p.lim.classes || !f.keepText(s) {
			f.mu.Unlock()
			return 0, false // the slow path reports the row where the limit is passed
		}
		c = len(f.seen)
		f.classIdx[s] = c
		f.seen = append(f.seen, s)
	}
	f.mu.Unlock()
	if w.cache == nil {
		w.cache = make(map[string]int)
	}
	if len(w.cache) < 4*f.p.lim.classes { // spellings: "1", "1.0", "1e0"
		w.cache[raw] = c
	}
	return c, true
}

// trimBytes removes ASCII spaces and tabs around b, as trim does.
func trimBytes(b []byte) []byte {
	i, j := 0, len(b)
	for i < j && (b[i] == ' ' || b[i] == '\t') {
		i++
	}
	for j > i && (b[j-1] == ' ' || b[j-1] == '\t') {
		j--
	}
	return b[i:j]
}

// pow10 holds the powers of ten that are exact in a float64.
var pow10 = [...]float64{1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10,
	1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22}

// parseSimple parses the decimal number at the start of b: [+-]digits[.digits][(e|E)[+-]digits]
// with at most 19 digits before the exponent. It returns the value and the
// number of bytes read, or ok false if the number is not of that form or
// its value cannot be computed exactly here; strconv.ParseFloat then
// decides. The value is exact, as ParseFloat's: the mantissa, below 2^52,
// and the power of ten, at most 10^22, are exact float64s, and one
// multiplication or division rounds correctly (Clinger's fast path, which
// ParseFloat also takes).
func parseSimple(b []byte) (v float64, n int, ok bool) {
	i := 0
	neg := false
	if i < len(b) && (b[i] == '-' || b[i] == '+') {
		neg = b[i] == '-'
		i++
	}
	var mant uint64
	start := i
	for i < len(b) && b[i]-'0' <= 9 {
		mant = mant*10 + uint64(b[i]-'0')
		i++
		if i-start > 19 {
			return 0, i, false
		}
	}
	nd := i - start
	exp := 0
	if i < len(b) && b[i] == '.' {
		i++
		fs := i
		for i < len(b) && b[i]-'0' <= 9 {
			mant = mant*10 + uint64(b[i]-'0')
			i++
			if nd+i-fs > 19 {
				return 0, i, false
			}
		}
		nd += i - fs
		exp = fs - i
	}
	if nd == 0 {
		return 0, i, false
	}
	if i < len(b) && b[i]|0x20 == 'e' {
		i++
		eneg := false
		if i < len(b) && (b[i] == '-' || b[i] == '+') {
			eneg = b[i] == '-'
			i++
		}
		es := i
		e := 0
		for i < len(b) && b[i]-'0' <= 9 {
			if e < 10000 {
				e = e*10 + int(b[i]-'0')
			}
			i++
		}
		if i == es {
			return 0, i, false
		}
		if eneg {
			e = -e
		}
		exp += e
	}
	if mant>>52 != 0 || exp < -22 || exp > 22 {
		return 0, i, false
	}
	v = float64(mant)
	if neg {
		v = -v
	}
	if exp > 0 {
		v *= pow10[exp]
	} else if exp < 0 {
		v /= pow10[-exp]
	}
	return v, i, true
}
