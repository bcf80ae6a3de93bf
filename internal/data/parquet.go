package data

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/deprecated"
	"github.com/parquet-go/parquet-go/encoding"
	"github.com/parquet-go/parquet-go/format"
	"gonum.org/v1/gonum/mat"

	"github.com/mlptrain/mlptrain/internal/inputerr"
	"github.com/mlptrain/mlptrain/internal/vmath"
)

// ParquetMagic starts (and ends) every Parquet file; ReadFile reads a
// file that starts with it as Parquet, whatever its name.
const ParquetMagic = "PAR1"

// isParquet reports whether the file starts with the Parquet magic bytes;
// it leaves the file's offset at 0.
func isParquet(f *os.File) bool {
	var b [len(ParquetMagic)]byte
	n, _ := f.ReadAt(b[:], 0)
	return n == len(b) && string(b[:]) == ParquetMagic
}

// pqKind is how a Parquet column is read.
type pqKind int

const (
	pqNumber      pqKind = iota // int32, int64, float, double: numbers
	pqText                      // byte arrays (UTF-8 strings, enums): cells as in CSV
	pqBool                      // booleans: the cells "false" and "true"
	pqUnsupported               // anything else: refused if used
)

// pqColumn is a top-level column of a Parquet file.
type pqColumn struct {
	name     string
	leaf     int // index of its column chunk in a row group
	maxDef   int
	kind     pqKind
	unsigned bool   // an unsigned integer
	why      string // for pqUnsupported: what the column is
}

// pqFile is an open Parquet file and its columns, in schema order.
type pqFile struct {
	f    *parquet.File
	cols []pqColumn
	rgs  []parquet.RowGroup
	n    int // rows
}

// openParquet opens the Parquet file in ra (size bytes) and reads its
// schema. Panics of the Parquet library (on corrupt input) are turned
// into errors by the callers.
func openParquet(ra io.ReaderAt, size int64, name string) (*pqFile, error) {
	// The footer's length, which the library trusts (allocating it).
	var tail [8]byte
	if size < 12 {
		return nil, pqCorrupt(name, fmt.Errorf("%d bytes are too few", size))
	}
	if _, err := ra.ReadAt(tail[:], size-8); err != nil {
		return nil, pqCorrupt(name, err)
	}
	if string(tail[4:]) != ParquetMagic {
		return nil, pqCorrupt(name, errors.New("no magic bytes at the end (the file may be truncated)"))
	}
	if n := int64(binary.LittleEndian.Uint32(tail[:4])); n > size-12 {
		return nil, pqCorrupt(name, fmt.Errorf("a footer of %d bytes in a file of %d", n, size))
	}
	f, err := parquet.OpenFile(ra, size, parquet.SkipPageIndex(true), parquet.SkipBloomFilters(true))
	if err != nil {
		return nil, pqCorrupt(name, err)
	}
	pf := &pqFile{f: f, rgs: f.RowGroups()}
	total := int64(0)
	for _, rg := range pf.rgs {
		r := rg.NumRows()
		if r < 0 || total+r < total {
			return nil, pqCorrupt(name, fmt.Errorf("row group of %d rows", r))
		}
		total += r
	}
	if total != f.NumRows() || total > math.MaxInt32 {
		return nil, pqCorrupt(name, fmt.Errorf("the row groups hold %d rows, the footer says %d", total, f.NumRows()))
	}
	pf.n = int(total)
	for _, c := range f.Root().Columns() {
		pc := pqColumn{name: c.Name(), leaf: -1}
		pc.kind, pc.unsigned, pc.why = pqKindOf(c)
		if c.Leaf() {
			pc.leaf = c.Index()
			pc.maxDef = c.MaxDefinitionLevel()
		}
		pf.cols = append(pf.cols, pc)
	}
	for _, rg := range pf.rgs {
		if len(rg.ColumnChunks()) != len(f.Schema().Columns()) {
			return nil, pqCorrupt(name, errors.New("a row group's column chunks do not match the schema"))
		}
	}
	return pf, nil
}

// pqKindOf says how a column is read: its kind, whether it is an
// unsigned integer and, for an unsupported column, what it is.
func pqKindOf(c *parquet.Column) (pqKind, bool, string) {
	switch {
	case !c.Leaf():
		return pqUnsupported, false, "a nested (group, list or map) column"
	case c.Repeated():
		return pqUnsupported, false, "a repeated (list) column"
	}
	t := c.Type()
	var lt format.LogicalTypeValue
	if l := t.LogicalType(); l != nil {
		lt = l.Value
	}
	var ct deprecated.ConvertedType = -1
	if p := t.ConvertedType(); p != nil {
		ct = *p
	}
	unsupported := func() (pqKind, bool, string) {
		what := strings.ToLower(t.Kind().String())
		if lt != nil {
			what = t.LogicalType().String()
		} else if ct >= 0 {
			what = convertedName(ct)
		}
		return pqUnsupported, false, "a column of type " + what
	}
	switch t.Kind() {
	case parquet.Boolean:
		if lt == nil && ct < 0 {
			return pqBool, false, ""
		}
	case parquet.Int32, parquet.Int64:
		if it, ok := lt.(*format.IntType); ok {
			return pqNumber, !it.IsSigned, ""
		}
		switch ct {
		case -1, deprecated.Int8, deprecated.Int16, deprecated.Int32, deprecated.Int64:
			if lt == nil {
				return pqNumber, false, ""
			}
		case deprecated.Uint8, deprecated.Uint16, deprecated.Uint32, deprecated.Uint64:
			if lt == nil {
				return pqNumber, true, ""
			}
		}
	case parquet.Float, parquet.Double:
		if lt == nil && ct < 0 {
			return pqNumber, false, ""
		}
	case parquet.ByteArray:
		switch lt.(type) {
		case nil, *format.StringType, *format.EnumType:
			if ct < 0 || ct == deprecated.UTF8 || ct == deprecated.Enum {
				return pqText, false, ""
			}
		}
	}
	return unsupported()
}

// convertedName names a (legacy) converted type.
func convertedName(ct deprecated.ConvertedType) string {
	switch ct {
	case deprecated.Decimal:
		return "DECIMAL"
	case deprecated.Date:
		return "DATE"
	case deprecated.TimeMillis, deprecated.TimeMicros:
		return "TIME"
	case deprecated.TimestampMillis, deprecated.TimestampMicros:
		return "TIMESTAMP"
	case deprecated.Interval:
		return "INTERVAL"
	case deprecated.Json:
		return "JSON"
	case deprecated.Bson:
		return "BSON"
	}
	return fmt.Sprintf("converted type %d", int32(ct))
}

// pqCorrupt is the error for a file the Parquet library cannot read.
func pqCorrupt(name string, err error) error {
	var ie *inputerr.Error
	if errors.As(err, &ie) {
		return err
	}
	msg := err.Error()
	if len(msg) > 200 {
		msg = msg[:200] + "…"
	}
	return &inputerr.Error{File: name, Err: fmt.Errorf("not a valid Parquet file: %s", msg),
		Hint: "the file is truncated or damaged; write it again"}
}

// pqRecover turns a panic of the Parquet library, which it raises on
// some corrupt input, into an input error in *err.
func pqRecover(name string, err *error) {
	if r := recover(); r != nil {
		*err = pqCorrupt(name, fmt.Errorf("%v", r))
	}
}

// pqLine is the line a row stands for in messages and Dataset.Lines: its
// line in the equivalent CSV file, the 0-based row index + 2 (the header
// is line 1).
func pqLine(row int) int { return row + 2 }

// ReadParquet reads a Parquet table of size bytes from ra into a Dataset,
// with the same options, rules and limits as Read, so that a Parquet file
// gives exactly the Dataset of the equivalent CSV file; name is the file
// name used in errors. Every error is an *inputerr.Error; ReadParquet
// never panics on bad input. The package documentation says how Parquet
// columns are read.
func ReadParquet(ra io.ReaderAt, size int64, name string, opt Options) (ds *Dataset, err error) {
	defer func() {
		if err != nil {
			ds = nil
		}
	}()
	defer pqRecover(name, &err) // before the above
	pf, err := openParquet(ra, size, name)
	if err != nil {
		return nil, err
	}
	p := &reader{name: name, opt: opt, lim: defaultLimits}
	if err := p.pqHeader(pf); err != nil {
		return nil, err
	}
	uses, ds, err := p.resolve()
	if err != nil {
		return nil, schemaWords(err)
	}
	for _, u := range uses {
		c := pf.cols[u.col]
		if c.kind == pqUnsupported {
			what := "the feature"
			if u.role != roleFeature {
				what = "the target"
			}
			hint := "add it to data.ignore, or convert it to numbers or strings"
			if u.role != roleFeature || opt.WantFeatures != nil {
				hint = "convert it to numbers or strings"
			}
			return nil, p.errAt(0, u.col+1, colKey(c.name), hint,
				fmt.Errorf("%s is %s, which mlptrain cannot read", what, c.why))
		}
	}
	return p.readParquet(pf, uses, ds)
}

// pqHeader sets p's header from the file's columns.
func (p *reader) pqHeader(pf *pqFile) error {
	if len(pf.cols) > p.lim.fields {
		return p.errAt(0, 0, "", "use fewer columns", fmt.Errorf("%w: more than %d columns", ErrTooManyFields, p.lim.fields))
	}
	p.header = make([]string, len(pf.cols))
	p.index = make(map[string]int, len(pf.cols))
	for i, c := range pf.cols {
		switch {
		case c.name == "":
			return p.errAt(0, i+1, "", "name every column", errors.New("empty column name"))
		case !utf8.ValidString(c.name):
			return p.errAt(0, i+1, "", "name the columns in UTF-8", fmt.Errorf("column name %s is not valid UTF-8", quote(c.name)))
		}
		if j, dup := p.index[c.name]; dup {
			return p.errAt(0, i+1, colKey(c.name), "rename one of the two columns; names must be unique",
				fmt.Errorf("duplicate column name (columns %d and %d)", j+1, i+1))
		}
		p.index[c.name] = i
		p.header[i] = c.name
	}
	return nil
}

// schemaWords rewrites resolve's words for a CSV file ("header") for a
// Parquet file's schema.
func schemaWords(err error) error {
	var ie *inputerr.Error
	if !errors.As(err, &ie) {
		return err
	}
	e := *ie
	if s := e.Err.Error(); strings.Contains(s, "the header") {
		e.Err = errors.New(strings.ReplaceAll(s, "the header", "the file's schema"))
	}
	e.Hint = strings.ReplaceAll(e.Hint, "the header has", "the file has the columns")
	e.Hint = strings.ReplaceAll(e.Hint, "below the header line", "to the file")
	return &e
}

// pqCursor reads a column's cells row by row, page by page, over the
// row groups in order.
type pqCursor struct {
	pf   *pqFile
	col  pqColumn
	rg   int // row group of the current pages
	left int // rows of the current row group not yet in a page
	// pages of row group rg-1
	pages parquet.Pages
	// The current page: its rows, and the next row to take.
	n, pos int
	null   []bool    // each row is null; nil if none is
	num    []float64 // pqNumber: each row's number
	text   [][]byte  // pqText: each row's bytes
	vals   []parquet.Value
	bools  []bool
	// A dictionary's values as numbers (or texts), cached.
	dict    parquet.Dictionary
	dictNum []float64
	copied  bool         // the page's numbers are copied into num
	held    parquet.Page // the page whose memory num is, released at the next
	buf     []float64    // num, unless num is a page's memory
	nullBuf []bool       // null, unless nil (no nulls)
	raw     bool         // keep every page's values in vals, for rawCell
	odd     bool         // pqNumber: the page has a null
}

func newCursor(pf *pqFile, col pqColumn) *pqCursor {
	return &pqCursor{pf: pf, col: col}
}

func (c *pqCursor) close() {
	if c.held != nil {
		parquet.Release(c.held)
		c.held = nil
	}
	if c.pages != nil {
		c.pages.Close()
		c.pages = nil
	}
}

// next makes the next page current. It returns io.EOF after the last.
func (c *pqCursor) next() error {
	for {
		if c.pages != nil {
			pg, err := c.pages.ReadPage()
			if err == nil {
				if c.held != nil {
					parquet.Release(c.held)
					c.held = nil
				}
				err = c.load(pg)
				c.odd = err == nil && c.col.kind == pqNumber && slices.Contains(c.null, true)
				if c.copied {
					parquet.Release(pg) // its numbers are copied out
				} else if c.num != nil && c.col.kind == pqNumber && !c.raw {
					c.held = pg // num is its memory
				}
				if err != nil {
					return err
				}
				if c.n > 0 {
					return nil
				}
				continue
			}
			if err != io.EOF {
				return err
			}
			c.pages.Close()
			c.pages = nil
			if c.left != 0 {
				return fmt.Errorf("row group %d has %d values fewer than its %d rows", c.rg, c.left, c.pf.rgs[c.rg-1].NumRows())
			}
		}
		if c.rg == len(c.pf.rgs) {
			return io.EOF
		}
		rg := c.pf.rgs[c.rg]
		c.rg++
		c.left = int(rg.NumRows())
		c.pages = rg.ColumnChunks()[c.col.leaf].Pages()
	}
}

// load decodes a page into c's slices.
func (c *pqCursor) load(pg parquet.Page) error {
	c.pos = 0
	defs := pg.DefinitionLevels()
	if reps := pg.RepetitionLevels(); len(reps) > 0 {
		return errors.New("repeated values in a column that is not repeated")
	}
	data := pg.Data()
	dict := pg.Dictionary()
	var nn int // non-null values
	fast := false
	if c.col.kind == pqNumber && !c.raw {
		if dict != nil {
			if data.Kind() == encoding.Int32 {
				fast = true
				nn = len(data.Int32())
			}
		} else {
			switch pg.Type().Kind() {
			case parquet.Double:
				nn, fast = len(data.Double()), true
			case parquet.Float:
				nn, fast = len(data.Float()), true
			case parquet.Int32:
				nn, fast = len(data.Int32()), true
			case parquet.Int64:
				nn, fast = len(data.Int64()), true
			}
		}
	}
	rows := int(pg.NumValues())
	if len(defs) > 0 {
		rows = len(defs)
	} else if fast {
		if nn != rows {
			return fmt.Errorf("a page of %d values holds %d", rows, nn)
		}
	}
	if rows < 0 || rows > c.left {
		return fmt.Errorf("row group %d holds more values than its %d rows", c.rg-1, c.pf.rgs[c.rg-1].NumRows())
	}
	c.left -= rows
	c.n = rows
	c.copied = fast
	if !fast {
		c.null = resize(c.nullBuf, rows)
		c.nullBuf = c.null
		return c.loadValues(pg, rows)
	}
	if dict == nil && pg.Type().Kind() == parquet.Double && len(defs) == 0 {
		c.num = data.Double() // no copy: the page is held until the next
		c.null = nil
		c.copied = false
		return nil
	}
	c.null = resize(c.nullBuf, rows)
	c.nullBuf = c.null
	c.buf = resize(c.buf, rows)
	c.num = c.buf
	// The non-null values in order, as numbers.
	var get func(i int) (float64, error)
	switch {
	case dict != nil:
		if dict != c.dict {
			c.dict = dict
			c.dictNum = c.dictNum[:0]
			vals := make([]parquet.Value, dict.Len())
			idx := make([]int32, dict.Len())
			for i := range idx {
				idx[i] = int32(i)
			}
			dict.Lookup(idx, vals)
			for _, v := range vals {
				c.dictNum = append(c.dictNum, c.number(v))
			}
		}
		ix := data.Int32()
		dn := c.dictNum
		get = func(i int) (float64, error) {
			k := ix[i]
			if k < 0 || int(k) >= len(dn) {
				return 0, fmt.Errorf("dictionary index %d out of range [0,%d)", k, len(dn))
			}
			return dn[k], nil
		}
		if len(defs) == 0 {
			for i, k := range ix {
				if k < 0 || int(k) >= len(dn) {
					return fmt.Errorf("dictionary index %d out of range [0,%d)", k, len(dn))
				}
				c.num[i] = dn[k]
			}
			clear(c.null)
			return nil
		}
	case pg.Type().Kind() == parquet.Double:
		v := data.Double()
		get = func(i int) (float64, error) { return v[i], nil }
	case pg.Type().Kind() == parquet.Float:
		v := data.Float()
		get = func(i int) (float64, error) { return float64(v[i]), nil }
	case pg.Type().Kind() == parquet.Int32:
		v := data.Int32()
		if c.col.unsigned {
			get = func(i int) (float64, error) { return float64(uint32(v[i])), nil }
		} else {
			get = func(i int) (float64, error) { return float64(v[i]), nil }
		}
	default:
		v := data.Int64()
		if c.col.unsigned {
			get = func(i int) (float64, error) { return float64(uint64(v[i])), nil }
		} else {
			get = func(i int) (float64, error) { return float64(v[i]), nil }
		}
	}
	if len(defs) == 0 {
		for i := range rows {
			x, err := get(i)
			if err != nil {
				return err
			}
			c.num[i] = x
		}
		clear(c.null)
		return nil
	}
	k := 0
	for i, d := range defs {
		if int(d) == c.col.maxDef {
			if k == nn {
				return fmt.Errorf("a page of %d non-null values holds %d", k+1, nn)
			}
			x, err := get(k)
			if err != nil {
				return err
			}
			c.num[i], c.null[i] = x, false
			k++
		} else {
			c.num[i], c.null[i] = 0, true
		}
	}
	if k != nn {
		return fmt.Errorf("a page of %d non-null values holds %d", k, nn)
	}
	return nil
}

// loadValues decodes a page through the library's values, the general
// way: for text, booleans and numbers in pages of another layout.
func (c *pqCursor) loadValues(pg parquet.Page, rows int) error {
	c.vals = resize(c.vals, rows)
	got, err := 0, error(nil)
	vr := pg.Values()
	for got < rows {
		var k int
		k, err = vr.ReadValues(c.vals[got:])
		got += k
		if err != nil {
			break
		}
	}
	if err != nil && err != io.EOF {
		return err
	}
	if got != rows {
		return fmt.Errorf("a page of %d values holds %d", rows, got)
	}
	switch c.col.kind {
	case pqNumber:
		c.buf = resize(c.buf, rows)
		c.num = c.buf
		for i, v := range c.vals {
			c.null[i] = v.IsNull()
			if !c.null[i] {
				c.num[i] = c.number(v)
			}
		}
	case pqText:
		c.text = resize(c.text, rows)
		for i, v := range c.vals {
			c.null[i] = v.IsNull()
			if !c.null[i] {
				c.text[i] = v.ByteArray()
			}
		}
	case pqBool:
		c.bools = resize(c.bools, rows)
		for i, v := range c.vals {
			c.null[i] = v.IsNull()
			if !c.null[i] {
				c.bools[i] = v.Boolean()
			}
		}
	}
	return nil
}

// number is the number a non-null value of a numeric column holds.
func (c *pqCursor) number(v parquet.Value) float64 {
	switch v.Kind() {
	case parquet.Double:
		return v.Double()
	case parquet.Float:
		return float64(v.Float())
	case parquet.Int32:
		if c.col.unsigned {
			return float64(uint32(v.Int32()))
		}
		return float64(v.Int32())
	case parquet.Int64:
		if c.col.unsigned {
			return float64(uint64(v.Int64()))
		}
		return float64(v.Int64())
	}
	return math.NaN()
}

// cell returns row i of the current page as the text a CSV file would
// hold (before trimming): a number in its shortest form, "false" or
// "true", a string as it is. It is for the rows the fast numeric path
// does not take.
func (c *pqCursor) cell(i int) string {
	switch c.col.kind {
	case pqText:
		return string(c.text[i])
	case pqBool:
		return strconv.FormatBool(c.bools[i])
	}
	return strconv.FormatFloat(c.num[i], 'g', -1, 64) // reads back as it, -0 as -0
}

// isNull reports whether row i of the current page is null.
func (c *pqCursor) isNull(i int) bool { return c.null != nil && c.null[i] }

// rawCell returns row i of the current page, in raw mode, as text:
// integers in full, a float (32 bits) in the shortest form that reads
// back as it, a double in its shortest form, "false" or "true", a string
// as it is.
func (c *pqCursor) rawCell(i int) string {
	v := c.vals[i]
	switch v.Kind() {
	case parquet.Int32:
		if c.col.unsigned {
			return strconv.FormatUint(uint64(uint32(v.Int32())), 10)
		}
		return strconv.FormatInt(int64(v.Int32()), 10)
	case parquet.Int64:
		if c.col.unsigned {
			return strconv.FormatUint(uint64(v.Int64()), 10)
		}
		return strconv.FormatInt(v.Int64(), 10)
	case parquet.Float:
		return strconv.FormatFloat(float64(v.Float()), 'g', -1, 32)
	}
	return c.cell(i)
}

// formatNumber writes v as a level: in its shortest form, -0 as 0.
func formatNumber(v float64) string {
	if v == 0 {
		v = 0 // -0 is 0
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}

// allFinite reports whether every number of v is finite.
func allFinite(v []float64) bool {
	for _, v := range v {
		if v-v != 0 { // NaN or ±Inf
			return false
		}
	}
	return true
}

func resize[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}

// pqError is the first error a worker met: at 0-based row, in column col
// of the file.
type pqError struct {
	row, col int
	err      error
}

// readParquet reads the rows of the used columns into ds: first the
// targets, sequentially, which decides the rows kept; then the feature
// columns, a block of them per goroutine.
func (p *reader) readParquet(pf *pqFile, uses []use, ds *Dataset) (*Dataset, error) {
	o := p.opt
	d := len(ds.FeatureNames)
	var targets, feats []use
	labelCol := -1
	for _, u := range uses {
		switch u.role {
		case roleFeature:
			feats = append(feats, u)
		case roleLabel:
			labelCol = u.col
			targets = append(targets, u)
		default:
			targets = append(targets, u)
		}
	}
	k := len(targets)
	if labelCol >= 0 {
		k = 0
	}
	miss := newMissingSet(o.Missing)
	maxRows := p.maxRows(d, k, labelCol >= 0)

	// The targets: which rows are kept, their targets and labels.
	var lines, labels []int
	var classIdx map[string]int
	var seen []string
	if labelCol >= 0 {
		classIdx = classIndex(o.Classes, p.decimal())
	}
	var ys []float64
	if len(targets) == 0 {
		if maxRows >= 0 && pf.n > maxRows {
			return nil, p.tooLarge(pqLine(maxRows), d, k, false)
		}
		// The footer's count of rows is a claim: memory is taken for
		// the rows a column holds.
		if err := p.pqCount(pf, feats[0].col); err != nil {
			return nil, err
		}
		lines = make([]int, pf.n)
		for i := range lines {
			lines[i] = pqLine(i)
		}
	} else {
		var err error
		lines, labels, ys, seen, err = p.pqTargets(pf, targets, ds, miss, classIdx, maxRows, d, k)
		if err != nil {
			return nil, err
		}
	}
	n := len(lines)
	if n == 0 {
		if ds.Dropped > 0 {
			return nil, p.errAt(ds.DroppedLine, 0, colKey(p.header[targets[0].col]), "fill in the target, or choose another data.target",
				fmt.Errorf("every row's target is missing (%d rows)", ds.Dropped))
		}
		return nil, p.errAt(0, 0, "", "write rows into the file", errors.New("no data rows"))
	}
	if n > math.MaxInt/max(d, 1)/8 {
		return nil, p.tooLarge(pqLine(0), d, k, labelCol >= 0)
	}

	// The features, a block of columns per goroutine.
	x := make([]float64, n*d)
	cols := p.pqFeatureCols(ds)
	const block = 64 // columns: 512 bytes of a row
	blocks := (len(feats) + block - 1) / block
	// feats is in file order; X's columns may be in another (WantFeatures),
	// so a block is a run of X's columns.
	byDst := slices.Clone(feats)
	slices.SortFunc(byDst, func(a, b use) int { return a.dst - b.dst })
	errs := make([]*pqError, blocks)
	var wg sync.WaitGroup
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	for b := range blocks {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			defer func() {
				if r := recover(); r != nil {
					errs[b] = &pqError{row: 0, col: -1, err: pqCorrupt(p.name, fmt.Errorf("%v", r))}
				}
			}()
			us := byDst[b*block : min((b+1)*block, len(byDst))]
			errs[b] = p.pqFeatures(pf, us, cols, x, d, lines, miss)
		}()
	}
	wg.Wait()
	var first *pqError
	for _, e := range errs {
		if e != nil && (first == nil || e.row < first.row || e.row == first.row && e.col < first.col) {
			first = e
		}
	}
	if first != nil {
		return nil, first.err
	}
	// The limit on the text of levels and classes, over all columns.
	total, worst := p.textBytes, -1
	for j := range cols {
		total += cols[j].text
		if worst < 0 || cols[j].text > cols[worst].text {
			worst = j
		}
	}
	if total > p.lim.textBytes {
		col := p.index[ds.FeatureNames[worst]]
		return nil, p.errAt(0, col+1, colKey(p.header[col]),
			"a category or class is a short name; is this column free text or an id? add it to data.ignore",
			fmt.Errorf("%w: the distinct categories and classes take more than %s", ErrTooManyLevels, byteSize(p.lim.textBytes)))
	}

	ds.X = mat.NewDense(n, d, x)
	ds.Lines = lines
	if k > 0 {
		ds.Y = mat.NewDense(n, k, ys)
	}
	for j, c := range cols {
		if c.cat {
			if ds.Levels == nil {
				ds.Levels = make([][]string, d)
			}
			ds.Levels[j] = c.levels
			if ds.Levels[j] == nil {
				ds.Levels[j] = []string{}
			}
		}
	}
	if err := p.classes(ds, labelCol, labels, seen, classIdx); err != nil {
		return nil, err
	}
	return ds, nil
}

// pqCol is featureCol with the text of its levels counted.
type pqCol struct {
	featureCol
	text int64 // bytes of the levels that are not numbers, as keepText counts them
}

func (p *reader) pqFeatureCols(ds *Dataset) []pqCol {
	fc := p.featureCols(ds)
	out := make([]pqCol, len(fc))
	for i, c := range fc {
		out[i].featureCol = c
	}
	return out
}

// pqTargets reads the target columns: the lines of the rows kept, their
// labels or regression targets, and the classes seen; it counts the rows
// dropped for a missing target in ds.
func (p *reader) pqTargets(pf *pqFile, targets []use, ds *Dataset, miss missingSet, classIdx map[string]int, maxRows, d, k int) (lines, labels []int, ys []float64, seen []string, err error) {
	cur := make([]*pqCursor, len(targets))
	for i, u := range targets {
		cur[i] = newCursor(pf, pf.cols[u.col])
		defer cur[i].close()
	}
	label := targets[0].role == roleLabel
	y := make([]float64, len(targets))
	cells := make([]string, len(targets))
	nulls := make([]bool, len(targets))
	// A numeric label's class (or -1: the row is dropped) by the bits of
	// its number, for the numbers seen before: the same number is the
	// same cell.
	var memo map[uint64]int
	if label && len(cur) == 1 && cur[0].col.kind == pqNumber && !cur[0].raw {
		memo = map[uint64]int{}
	}
	for r := range pf.n {
		if c := cur[0]; memo != nil && c.pos < c.n && !c.isNull(c.pos) {
			if class, ok := memo[math.Float64bits(c.num[c.pos])]; ok {
				c.pos++
				if len(lines) == maxRows {
					return nil, nil, nil, nil, p.tooLarge(pqLine(r), d, k, label)
				}
				if class < 0 {
					if ds.Dropped == 0 {
						ds.DroppedLine = pqLine(r)
					}
					ds.Dropped++
					continue
				}
				labels = append(labels, class)
				lines = append(lines, pqLine(r))
				continue
			}
		}
		for i, c := range cur {
			if c.pos == c.n {
				if err := c.next(); err != nil {
					if err == io.EOF {
						err = errors.New("fewer values than rows")
					}
					return nil, nil, nil, nil, p.pqErr(r, targets[i].col, err)
				}
			}
			nulls[i] = c.isNull(c.pos)
			if !nulls[i] {
				cells[i] = trim(c.cell(c.pos))
			}
			c.pos++
		}
		if len(lines) == maxRows {
			return nil, nil, nil, nil, p.tooLarge(pqLine(r), d, k, label)
		}
		dropped := false
		for i := range cur {
			if nulls[i] && p.opt.Missing != nil || !nulls[i] && miss.has(cells[i]) {
				dropped = true
				break
			}
		}
		if dropped {
			if ds.Dropped == 0 {
				ds.DroppedLine = pqLine(r)
			}
			ds.Dropped++
			if memo != nil && !nulls[0] {
				memo[math.Float64bits(cur[0].num[cur[0].pos-1])] = -1
			}
			continue
		}
		for i, u := range targets {
			if nulls[i] {
				cells[i] = "" // Missing is nil: an empty cell, an error
			}
			if label {
				c, err := p.pqLabel(cells[i], u.col, r, len(lines), classIdx, &seen)
				if err != nil {
					return nil, nil, nil, nil, err
				}
				labels = append(labels, c)
				if memo != nil {
					memo[math.Float64bits(cur[0].num[cur[0].pos-1])] = c
				}
				continue
			}
			v, err := parseNumber(cells[i], p.decimal())
			if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, nil, nil, nil, p.pqNumberErr(cells[i], u, r, err)
			}
			y[u.dst] = v
		}
		if !label {
			ys = append(ys, y...)
		}
		lines = append(lines, pqLine(r))
	}
	return lines, labels, ys, seen, nil
}

// pqCount checks that column col holds as many values as the file has
// rows.
func (p *reader) pqCount(pf *pqFile, col int) error {
	c := newCursor(pf, pf.cols[col])
	defer c.close()
	for r := 0; r < pf.n; {
		if err := c.next(); err != nil {
			if err == io.EOF {
				err = errors.New("fewer values than rows")
			}
			return p.pqErr(r, col, err)
		}
		r += c.n
	}
	return nil
}

// pqErr is the error for a column chunk the library cannot read.
func (p *reader) pqErr(row, col int, err error) error {
	var ie *inputerr.Error
	if errors.As(err, &ie) {
		return err
	}
	return p.errAt(pqLine(row), col+1, colKey(p.header[col]), "the file is truncated or damaged; write it again",
		fmt.Errorf("corrupt Parquet data: %v", err))
}

// pqLabel is label for a Parquet cell of the given 0-based row; kept is
// the number of rows kept before it.
func (p *reader) pqLabel(cell string, col, row, kept int, classIdx map[string]int, seen *[]string) (int, error) {
	line := pqLine(row)
	key := colKey(p.header[col])
	if cell == "" {
		return 0, p.errAt(line, col+1, key, "every row needs a class label; fill in the cell or remove the row, or list \"\" in data.missing to leave such rows out", errors.New("missing value"))
	}
	if c, ok := classIdx[cell]; ok {
		return c, nil
	}
	if !utf8.ValidString(cell) {
		return 0, p.errAt(line, col+1, key, "write the labels in UTF-8", fmt.Errorf("class label %s is not valid UTF-8", quote(cell)))
	}
	if l := Level(cell, p.decimal()); l != cell {
		if c, ok := classIdx[l]; ok {
			return c, nil
		}
		cell = l
	}
	if p.opt.Classes != nil {
		return 0, p.errAt(line, col+1, key, fmt.Sprintf("the model knows the classes %s", listQuoted(p.opt.Classes, 20)),
			fmt.Errorf("unknown class %s", quote(cell)))
	}
	if len(*seen) >= p.lim.classes {
		return 0, p.errAt(line, col+1, key, tooManyClassesHint(*seen, kept+1, p.lim.classes),
			fmt.Errorf("%w: more than %d distinct labels (%d in the first %d rows)", ErrTooManyClasses, p.lim.classes, len(*seen)+1, kept+1))
	}
	if err := p.keepText(cell, line, col); err != nil {
		return 0, err
	}
	c := len(*seen)
	classIdx[cell] = c
	*seen = append(*seen, cell)
	return c, nil
}

// pqNumberErr is numberErr for the cell of a Parquet file's row.
func (p *reader) pqNumberErr(cell string, u use, row int, err error) error {
	line := pqLine(row)
	key := colKey(p.header[u.col])
	switch {
	case cell == "":
		return p.errAt(line, u.col+1, key, "fill in the cell or remove the row, or list \"\" in data.missing to read null and empty cells as missing", errors.New("missing value"))
	case err == nil:
		return p.errAt(line, u.col+1, key, "NaN and infinities are not allowed; fix the row, or list the cell in data.missing if it marks a missing value",
			fmt.Errorf("not a finite number: %s", quote(cell)))
	case errors.Is(err, strconv.ErrRange):
		return p.errAt(line, u.col+1, key, "values must lie within ±1.8e308; rescale the column",
			fmt.Errorf("number out of range: %s", quote(cell)))
	}
	hint := "a feature must be a number; remove the column from the features or encode it as numbers"
	if p.opt.FixedKinds && u.role == roleFeature {
		hint = "the model reads this column as numbers; fix the cell, or list it in data.missing if it marks a missing value"
	}
	if u.role == roleTarget {
		hint = "a regression target must be a number; for class labels, train a classifier"
	}
	return p.errAt(line, u.col+1, key, hint, fmt.Errorf("not a number: %s", quote(cell)))
}

// pqFeatures reads the feature columns us (a run of X's columns) into x,
// in windows of rows that end at no page end of the numeric columns: the
// numbers of those go from their pages into x by pqTranspose (null and
// non-finite cells are then read one by one); the other columns go into
// x cell by cell.
// It returns the first error, by row, then column.
func (p *reader) pqFeatures(pf *pqFile, us []use, cols []pqCol, x []float64, d int, lines []int, miss missingSet) *pqError {
	cur := make([]*pqCursor, len(us))
	for i, u := range us {
		cur[i] = newCursor(pf, pf.cols[u.col])
		defer cur[i].close()
	}
	const window = 1024
	kept := make([]int, 0, window) // of the window's rows, the index in X of each (or -1)
	dst := make([]int, 0, len(us))
	srcs := make([][]float64, 0, len(us))
	offs := make([]int, 0, window)      // pqTranspose's
	special := make([]bool, 0, len(us)) // a numeric column's window has a null or a non-finite number
	next := 0                           // index in lines of the next row kept
	var first *pqError
	for start := 0; start < pf.n; {
		// The numeric columns' pages, and the window's end.
		end := min(start+window, pf.n)
		dst = dst[:0]
		for i, u := range us {
			c := cur[i]
			if c.col.kind != pqNumber || cols[u.dst].cat {
				continue
			}
			if c.pos == c.n {
				if err := c.next(); err != nil {
					if err == io.EOF {
						err = errors.New("fewer values than rows")
					}
					e := &pqError{row: start, col: u.col, err: p.pqErr(start, u.col, err)}
					if first == nil || e.row < first.row || e.row == first.row && e.col < first.col {
						first = e
					}
					continue
				}
			}
			end = min(end, start+c.n-c.pos)
			dst = append(dst, u.dst)
		}
		if first != nil {
			return first
		}
		kept = kept[:0]
		for r := start; r < end; r++ {
			if next < len(lines) && lines[next] == pqLine(r) {
				kept = append(kept, next)
				next++
			} else {
				kept = append(kept, -1)
			}
		}
		// The numbers, from their pages into x, a tile of rows at a time.
		m := end - start
		srcs = srcs[:0]
		for i, u := range us {
			if c := cur[i]; c.col.kind == pqNumber && !cols[u.dst].cat {
				srcs = append(srcs, c.num[c.pos:c.pos+m])
			}
		}
		finite := pqTranspose(x, d, dst, srcs, kept, offs)
		special = special[:0]
		for i, u := range us {
			if c := cur[i]; c.col.kind == pqNumber && !cols[u.dst].cat {
				special = append(special, c.odd || !finite && !allFinite(c.num[c.pos:c.pos+m]))
			}
		}
		k := 0
		for i, u := range us {
			var e *pqError
			if c := cur[i]; c.col.kind == pqNumber && !cols[u.dst].cat {
				if special[k] {
					e = p.pqSpecial(c, u, &cols[u.dst], x, d, kept, start, miss)
				}
				k++
				c.pos += m
			} else {
				e = p.pqCells(c, u, &cols[u.dst], x, d, kept, start, miss)
			}
			if e != nil && (first == nil || e.row < first.row || e.row == first.row && e.col < first.col) {
				first = e
			}
		}
		if first != nil {
			return first
		}
		start = end
	}
	return nil
}

// pqTranspose writes the numbers of srcs, one slice of a window's rows
// per column, into x (d columns a row) at the columns dst; kept gives
// each row's index in X, or -1 for a row left out. It reports whether
// every number it wrote is finite. When dst is a run of columns, each run
// of rows kept goes to x by vmath.Interleave, with offs (of capacity
// len(kept)) for the rows' starts; otherwise it goes row by row.
func pqTranspose(x []float64, d int, dst []int, srcs [][]float64, kept []int, offs []int) bool {
	if len(srcs) == 0 {
		return true
	}
	m := len(kept)
	if dst[len(dst)-1]-dst[0] != len(dst)-1 {
		return pqRows(x, d, dst, srcs, kept, 0, m) == 0
	}
	finite := true
	for r0 := 0; r0 < m; {
		if kept[r0] < 0 {
			r0++
			continue
		}
		offs = offs[:0]
		for r := r0; r < m && kept[r] >= 0; r++ {
			offs = append(offs, kept[r]*d+dst[0])
		}
		finite = vmath.Interleave(x, offs, srcs, r0) && finite
		r0 += len(offs)
	}
	return finite
}

// pqRows is pqTranspose for the rows r0 to r1, row by row; it returns the
// sum of v−v over the numbers it writes.
func pqRows(x []float64, d int, dst []int, srcs [][]float64, kept []int, r0, r1 int) float64 {
	var bad float64
	for r := r0; r < r1; r++ {
		at := kept[r]
		if at < 0 {
			continue
		}
		row := x[at*d : at*d+d]
		for k, j := range dst {
			v := srcs[k][r]
			row[j] = v
			bad += v - v
		}
	}
	return bad
}

// pqSpecial reads the null and non-finite cells of a numeric column's
// window, starting at row start, whose numbers are in x already.
func (p *reader) pqSpecial(c *pqCursor, u use, fc *pqCol, x []float64, d int, kept []int, start int, miss missingSet) *pqError {
	num := c.num[c.pos : c.pos+len(kept)]
	var null []bool
	if c.null != nil {
		null = c.null[c.pos : c.pos+len(kept)]
	}
	for i, v := range num {
		if v-v == 0 && (null == nil || !null[i]) { // finite, not null
			continue
		}
		at := kept[i]
		if at < 0 {
			continue
		}
		v, err := p.pqFeature(c, c.pos+i, u, fc, miss, nil, 0, 0, start+i)
		if err != nil {
			return &pqError{row: start + i, col: u.col, err: err}
		}
		x[at*d+u.dst] = v
	}
	return nil
}

// pqCells reads the rows of a window, starting at row start, of a
// column of cells (text, booleans, or numbers read as categories) into
// x; kept gives each row's index in X, or -1 for a row left out.
func (p *reader) pqCells(c *pqCursor, u use, fc *pqCol, x []float64, d int, kept []int, start int, miss missingSet) *pqError {
	for r := 0; r < len(kept); {
		if c.pos == c.n {
			if err := c.next(); err != nil {
				if err == io.EOF {
					err = errors.New("fewer values than rows")
				}
				return &pqError{row: start + r, col: u.col, err: p.pqErr(start+r, u.col, err)}
			}
		}
		m := min(c.n-c.pos, len(kept)-r)
		for i := range m {
			at := kept[r+i]
			if at < 0 {
				continue
			}
			v, err := p.pqFeature(c, c.pos+i, u, fc, miss, x, d, at, start+r+i)
			if err != nil {
				return &pqError{row: start + r + i, col: u.col, err: err}
			}
			x[at*d+u.dst] = v
		}
		c.pos += m
		r += m
	}
	return nil
}

// pqFeature is feature for the cell in row i of c's page, which is row
// row of the file and row at of X.
func (p *reader) pqFeature(c *pqCursor, i int, u use, fc *pqCol, miss missingSet, x []float64, d, at, row int) (float64, error) {
	if c.isNull(i) {
		if p.opt.Missing != nil {
			return math.NaN(), nil
		}
		return 0, p.pqNumberErr("", u, row, nil)
	}
	cell := trim(c.cell(i))
	if miss.has(cell) {
		return math.NaN(), nil
	}
	if !fc.cat {
		v, err := parseNumber(cell, p.decimal())
		if c.col.kind == pqNumber {
			v, err = c.num[i], nil
		}
		if err == nil && !math.IsNaN(v) && !math.IsInf(v, 0) {
			return v, nil
		}
		if err == nil || cell == "" || fc.fixed || errors.Is(err, strconv.ErrRange) {
			return 0, p.pqNumberErr(cell, u, row, err)
		}
		// The rows before this one become levels.
		fc.cat = true
		fc.idx = map[string]int{}
		for r := range at {
			if v := x[r*d+u.dst]; !math.IsNaN(v) {
				l := formatNumber(v)
				code, ok := fc.idx[l]
				if !ok {
					code = len(fc.levels)
					fc.idx[l] = code
					fc.levels = append(fc.levels, l)
				}
				x[r*d+u.dst] = float64(code)
			}
		}
	}
	l := Level(cell, p.decimal())
	if code, ok := fc.idx[l]; ok {
		return float64(code), nil
	}
	line := pqLine(row)
	key := colKey(p.header[u.col])
	if !utf8.ValidString(l) {
		return 0, p.errAt(line, u.col+1, key, "write the strings in UTF-8", fmt.Errorf("category %s is not valid UTF-8", quote(l)))
	}
	limit := p.opt.MaxLevels
	if limit <= 0 {
		limit = MaxLevels
	}
	if len(fc.levels) >= limit {
		hint := p.opt.LevelsHint
		if hint == "" {
			hint = "is it an id or a free-text column? leave it out of the features"
		}
		return 0, p.errAt(line, u.col+1, key, hint,
			fmt.Errorf("%w: more than %d distinct values in a categorical column (%d in the first %d rows)", ErrTooManyLevels, limit, len(fc.levels)+1, at+1))
	}
	if countsText(l) {
		fc.text += int64(len(l)) + 16
		if fc.text > p.lim.textBytes {
			return 0, p.errAt(line, u.col+1, key,
				"a category or class is a short name; is this column free text or an id? add it to data.ignore",
				fmt.Errorf("%w: the distinct categories and classes take more than %s", ErrTooManyLevels, byteSize(p.lim.textBytes)))
		}
	}
	code := len(fc.levels)
	fc.idx[l] = code
	fc.levels = append(fc.levels, l)
	return float64(code), nil
}

// readFileParquet reads f as Parquet if it is a Parquet file (ok), or if
// its name ends in .parquet, for the error that it is not one.
func readFileParquet(f *os.File, path string, opt Options) (ds *Dataset, err error, ok bool) {
	size, ok := parquetFile(f, path)
	if !ok {
		return nil, nil, false
	}
	if size < 0 {
		return nil, notParquet(path), true
	}
	ds, err = ReadParquet(f, size, path, opt)
	return ds, err, true
}

// parquetFile reports whether f is to be read as Parquet: it starts with
// the magic bytes, or is named .parquet; size is its size, or -1 if it
// is not a regular file starting with the magic bytes.
func parquetFile(f *os.File, path string) (size int64, ok bool) {
	named := strings.EqualFold(filepath.Ext(path), ".parquet")
	fi, err := f.Stat()
	if err != nil || !fi.Mode().IsRegular() {
		return -1, named
	}
	if !isParquet(f) {
		return -1, named
	}
	return fi.Size(), true
}

// notParquet is the error for a file named .parquet that is not a
// regular file starting with the Parquet magic bytes.
func notParquet(path string) error {
	return &inputerr.Error{File: path, Err: errors.New("not a Parquet file: it does not start with the magic bytes \"PAR1\""),
		Hint: "a .parquet file must be a regular Parquet file (read by its footer, so not a pipe); for CSV, name it .csv"}
}

// readColumnsParquet is ReadColumns for a Parquet file (ok): the cells of
// the columns as text, as a CSV file would hold them: a string as it is,
// a number in its shortest form, "false" or "true", a null as "".
func readColumnsParquet(f *os.File, path string, names []string) (out *Columns, err error, ok bool) {
	size, ok := parquetFile(f, path)
	if !ok {
		return nil, nil, false
	}
	if size < 0 {
		return nil, notParquet(path), true
	}
	defer func() {
		if err != nil {
			out = nil
		}
	}()
	defer pqRecover(path, &err) // before the above
	pf, err := openParquet(f, size, path)
	if err != nil {
		return nil, err, true
	}
	p := &reader{name: path, lim: defaultLimits}
	if err := p.pqHeader(pf); err != nil {
		return nil, err, true
	}
	cur := make([]*pqCursor, len(names))
	cols := make([]int, len(names))
	for i, n := range names {
		c, ok := p.index[n]
		if !ok {
			hint := fmt.Sprintf("the file has the columns %s", listQuoted(p.header, 8))
			if s, ok := nearest(n, p.header); ok {
				hint = fmt.Sprintf("did you mean %s?", quote(s))
			}
			return nil, p.errAt(0, 0, colKey(n), hint, errors.New("--keep column not found in the file's schema")), true
		}
		if slices.Contains(names[:i], n) {
			return nil, p.errAt(0, c+1, colKey(n), "keep each column once", errors.New("--keep names the column twice")), true
		}
		if pc := pf.cols[c]; pc.kind == pqUnsupported {
			return nil, p.errAt(0, c+1, colKey(n), "keep a column of numbers, strings or booleans",
				fmt.Errorf("the --keep column is %s, which mlptrain cannot read", pc.why)), true
		}
		cols[i] = c
		cur[i] = newCursor(pf, pf.cols[c])
		cur[i].raw = true
		defer cur[i].close()
	}
	out = &Columns{Names: slices.Clone(names)}
	for r := range pf.n {
		for i, c := range cur {
			if c.pos == c.n {
				if err := c.next(); err != nil {
					if err == io.EOF {
						err = errors.New("fewer values than rows")
					}
					return nil, p.pqErr(r, cols[i], err), true
				}
			}
			cell := ""
			if !c.isNull(c.pos) {
				cell = c.rawCell(c.pos)
			}
			out.Cells = append(out.Cells, cell)
			c.pos++
		}
	}
	return out, nil, true
}
