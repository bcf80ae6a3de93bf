package data

import (
	"bytes"
	"errors"
	"math"
	"strconv"
	"sync"
	"sync/atomic"
	"unicode/utf8"
	"unsafe"
)

// Categorical columns, missing cells and rows left out in the fast path.
//
// A missing feature cell is NaN, as in the slow path. A row whose target
// is missing is found by both passes alike (droppedLine, on lines with no
// quote): the first leaves it out of the rows it counts, the second skips
// it once its fields are counted, and records the line of each chunk's
// first such row.
//
// A feature column starts a chunk reading numbers into X, unless it is
// listed in Options.Categorical. At its first cell in the chunk that is
// neither a number nor missing, it switches to levels for the rest of the
// chunk (switchAt records where) if that cell is text, which makes a
// column categorical in the slow path. A cell the slow path refuses in a
// numeric column (an empty cell, NaN, ±Inf, a number out of range) may
// be a level if an earlier chunk made the column categorical, but the
// worker cannot know that yet: it gives up, and the slow path decides. A
// level goes into X as a provisional code: its index in
// the column's dictionary, shared by the goroutines under a mutex and
// keyed by the level (Level of the cell), which each worker caches by
// cell. The dictionary holds at most the column's level limit; one more
// level and the read goes to the slow path, which reports it.
//
// Once every chunk is parsed, levels walks each categorical column's cells
// in file order: the numbers before a chunk's switch become levels (as
// toCategorical makes them), and each provisional code is renumbered in
// order of first appearance, which is the slow path's order.

// fcol is what the fast path knows of a feature column.
type fcol struct {
	forced bool // listed in Options.Categorical: levels from the start
	fixed  bool // the kind cannot change: text is an error
	limit  int  // the most levels
	// text counts the bytes of the levels and classes of the read,
	// shared by every column, against textLimit (limits.textBytes).
	text      *atomic.Int64
	textLimit int64

	mu     sync.Mutex
	idx    map[string]int // level → provisional code
	levels []string       // by provisional code
}

// switchAt says where a feature column switched to levels in a chunk: at
// row slot.
type switchAt struct{ col, slot int }

// maxLevelCache bounds a worker's cache of the cells of a column.
const maxLevelCache = 4096

// fastCols returns the fast path's feature columns of ds.
func (p *reader) fastCols(ds *Dataset, text *atomic.Int64) []fcol {
	limit := p.opt.MaxLevels
	if limit <= 0 {
		limit = MaxLevels
	}
	cols := make([]fcol, len(ds.FeatureNames))
	for j, c := range p.featureCols(ds) {
		cols[j].forced, cols[j].fixed, cols[j].limit = c.cat, c.fixed, limit
		cols[j].text, cols[j].textLimit = text, p.lim.textBytes
	}
	return cols
}

// newWorker returns a worker for the parse.
func (f *fastRead) newWorker() *fastWorker {
	w := &fastWorker{f: f}
	for j := range f.cols {
		if !f.cols[j].fixed || f.cols[j].forced {
			w.levels = true
			break
		}
	}
	if w.levels {
		w.mode = make([]bool, f.d)
		w.lcache = make([]map[string]int, f.d)
	}
	return w
}

// startChunk readies w for chunk i: the forced columns read levels.
func (w *fastWorker) startChunk(i int) {
	w.chunkIdx = i
	if !w.levels {
		return
	}
	for j := range w.f.cols {
		if w.f.cols[j].forced {
			w.mode[j] = true
		}
	}
}

// endChunk resets the columns that switched to levels in the chunk.
func (w *fastWorker) endChunk() {
	for _, s := range w.f.switches[w.chunkIdx] {
		w.mode[s.col] = false
	}
}

// feature sets x[j], the feature of row slot, from its trimmed cell, and
// reports whether it could.
func (w *fastWorker) feature(cell []byte, j, slot int, x []float64) bool {
	f := w.f
	if f.miss.hasBytes(cell) {
		x[j] = math.NaN()
		return true
	}
	if !w.levels {
		v, ok := cellNumber(cell)
		x[j] = v
		return ok
	}
	if !w.mode[j] {
		if v, ok := cellNumber(cell); ok {
			x[j] = v
			return true
		}
		if f.cols[j].fixed || !isText(cell) {
			return false
		}
		w.mode[j] = true
		f.switches[w.chunkIdx] = append(f.switches[w.chunkIdx], switchAt{col: j, slot: slot})
	}
	code, ok := w.level(cell, j)
	x[j] = float64(code)
	return ok
}

// isText reports whether a cell that is not a finite number makes a
// numeric column categorical in the slow path: it is not empty, and
// strconv.ParseFloat fails on it for its syntax.
func isText(cell []byte) bool {
	if len(cell) == 0 {
		return false
	}
	_, err := strconv.ParseFloat(unsafe.String(&cell[0], len(cell)), 64)
	return err != nil && !errors.Is(err, strconv.ErrRange)
}

// level returns the provisional code of the level of a cell of column j,
// adding the level if it is new. It reports false for a cell that is not
// UTF-8 and for a level past the limit.
func (w *fastWorker) level(cell []byte, j int) (int, bool) {
	if c, ok := w.lcache[j][string(cell)]; ok {
		return c, true
	}
	if !utf8.Valid(cell) {
		return 0, false
	}
	raw := string(cell)
	c, ok := w.f.cols[j].code(Level(raw, '.'))
	if !ok {
		return 0, false
	}
	if w.lcache[j] == nil {
		w.lcache[j] = make(map[string]int)
	}
	if len(w.lcache[j]) < maxLevelCache {
		w.lcache[j][raw] = c
	}
	return c, true
}

// code returns the provisional code of level l, adding it if it is new,
// or false if that would pass the limit.
func (c *fcol) code(l string) (int, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	code, ok := c.idx[l]
	if ok {
		return code, true
	}
	// Past a limit, the slow path finds the row and the error.
	if len(c.levels) >= c.limit || countsText(l) && c.text.Add(int64(len(l))+16) > c.textLimit {
		return 0, false
	}
	if c.idx == nil {
		c.idx = make(map[string]int)
	}
	code = len(c.levels)
	c.idx[l] = code
	c.levels = append(c.levels, l)
	return code, true
}

// levels renumbers the categorical columns' codes in X in order of first
// appearance, turns the numbers read before a column became categorical
// into levels, and sets ds.Levels. It reports false if the slow path
// would refuse the input.
func (f *fastRead) levels(ds *Dataset) bool {
	n := f.chunks()
	cat := make([]bool, f.d)
	some := false
	for j := range f.cols {
		if f.cols[j].forced {
			cat[j], some = true, true
		}
	}
	for _, sw := range f.switches {
		for _, s := range sw {
			cat[s.col], some = true, true
		}
	}
	if !some {
		return true
	}
	ds.Levels = make([][]string, f.d)
	for j := range f.cols {
		if !cat[j] {
			continue
		}
		c := &f.cols[j]
		var final []int // provisional code → final, -1 if not seen yet
		var levels []string
		numbers := map[uint64]int{} // a number's provisional code, by its bits
		for i := range n {
			lo, hi := f.before[i].rows, f.before[i+1].rows
			sw := hi // the first slot holding a code
			if c.forced {
				sw = lo
			} else {
				for _, s := range f.switches[i] {
					if s.col == j {
						sw = s.slot
						break
					}
				}
			}
			for r := lo; r < hi; r++ {
				v := f.x[r*f.d+j]
				if v != v {
					continue
				}
				var code int
				if r < sw {
					var ok bool
					if code, ok = numbers[math.Float64bits(v)]; !ok {
						if code, ok = c.code(strconv.FormatFloat(v+0, 'g', -1, 64)); !ok { // +0: -0 is 0
							return false
						}
						numbers[math.Float64bits(v)] = code
					}
				} else {
					code = int(v)
				}
				for len(final) <= code {
					final = append(final, -1)
				}
				if final[code] < 0 {
					final[code] = len(levels)
					levels = append(levels, c.levels[code])
				}
				f.x[r*f.d+j] = float64(final[code])
			}
		}
		if levels == nil {
			levels = []string{}
		}
		ds.Levels[j] = levels
	}
	return true
}

// dropped sets ds's count of rows left out and the line of the first.
func (f *fastRead) dropped(ds *Dataset) {
	ds.Dropped = f.before[len(f.before)-1].drops
	for _, l := range f.dropLine {
		if l > 0 {
			ds.DroppedLine = l
			break
		}
	}
}

// droppedLine reports whether the row of a line (its line end left out)
// is left out for a missing target. It says no for a line holding a
// quote, and for a line of too few fields: the parse then reads it as a
// row, and gives up if it is not one.
func (f *fastRead) droppedLine(line []byte) bool {
	if bytes.IndexByte(line, '"') >= 0 {
		return false
	}
	last := len(f.plan) - 1
	for _, t := range f.targets {
		var cell []byte
		if t == last {
			cell = line[bytes.LastIndexByte(line, f.delim)+1:]
		} else {
			pos := 0
			for range t {
				e := bytes.IndexByte(line[pos:], f.delim)
				if e < 0 {
					return false
				}
				pos += e + 1
			}
			cell = line[pos:]
			if e := bytes.IndexByte(cell, f.delim); e >= 0 {
				cell = cell[:e]
			}
		}
		if f.miss.hasBytes(trimBytes(cell)) {
			return true
		}
	}
	return false
}

// lineEnd returns the index in buf of the end of the line that starts at
// buf[p]: its \n, or len(buf) at the end of the input, reading more of
// the input after end, the offset of the end of buf, if need be.
func (f *fastRead) lineEnd(buf []byte, p int, end int64) ([]byte, int, int64, bool) {
	q := bytes.IndexByte(buf[p:], '\n')
	for q < 0 && end < f.size {
		from := len(buf)
		next := min(f.size, end+max(16<<10, int64(len(buf)-p)))
		var ok bool
		if buf, ok = readAt(buf, f.ra, end, next); !ok {
			return buf, 0, end, false
		}
		end = next
		if q = bytes.IndexByte(buf[from:], '\n'); q >= 0 {
			q += from - p
		}
	}
	if q < 0 {
		return buf, len(buf), end, true
	}
	return buf, p + q, end, true
}

// trimCR removes a \r at the end of a line.
func trimCR(b []byte) []byte {
	if n := len(b); n > 0 && b[n-1] == '\r' {
		return b[:n-1]
	}
	return b
}
