package data

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"hash"
	"hash/crc32"
	"io"
	"math"
	"os"
	"slices"
	"strconv"
	"time"

	"gonum.org/v1/gonum/mat"

	"github.com/mlptrain/mlptrain/internal/inputerr"
)

// Streaming: a CSV file larger than memory, read a row at a time.
//
// Scan makes one pass over the file, in constant memory but for the
// level dictionaries, the rows it is asked to keep (by their position)
// and the classes: it reads every row as Read does (the same parsing,
// missing cells, rows whose target is missing left out, and column kinds:
// a numeric column whose cell is not a number turns categorical, its
// earlier numbers becoming levels), and sums up the training rows:
// per column the count of missing cells, the mean and the sum of squared
// deviations (Welford), the least and greatest value, and the count of
// each level. A RowReader then reads the rows again, from any row's
// position, with the kinds and levels Scan found fixed.
//
// Streaming needs an uncompressed file: a row's position is its byte
// offset in the file.

// Pos is where a row is in a file: the byte offset at which reading
// yields it next, its line, and its index among the rows read (those
// whose target is not missing).
type Pos struct {
	Offset int64 `json:"offset"`
	Line   int   `json:"line"`
	Row    int   `json:"row"`
}

// Moments sums up a numeric column's present cells in the training rows.
type Moments struct {
	N        int     // present cells
	Mean, M2 float64 // Welford's mean and sum of squared deviations
	Min, Max float64
}

// Add adds v to m (Welford's update).
func (m *Moments) Add(v float64) {
	if m.N == 0 {
		m.Min, m.Max = v, v
	}
	m.N++
	d := v - m.Mean
	m.Mean += d / float64(m.N)
	m.M2 += d * (v - m.Mean)
	m.Min, m.Max = min(m.Min, v), max(m.Max, v)
}

// AddConst adds k cells of value v to m in one step (Chan et al.'s
// combination of a group of k equal values).
func (m *Moments) AddConst(v float64, k int) {
	if k <= 0 {
		return
	}
	if m.N == 0 {
		*m = Moments{N: k, Mean: v, Min: v, Max: v}
		return
	}
	n := m.N + k
	d := v - m.Mean
	m.M2 += d * d * float64(m.N) * float64(k) / float64(n)
	m.Mean += d * float64(k) / float64(n)
	m.N = n
	m.Min, m.Max = min(m.Min, v), max(m.Max, v)
}

// Summary is what Scan learns of a file.
type Summary struct {
	File         string
	FeatureNames []string
	TargetNames  []string
	Classes      []string   // classification: sorted as Read sorts them
	Levels       [][]string // as Dataset.Levels: nil if every column is numeric
	// Missing counts each feature column's missing cells in the training
	// rows; Numeric sums up its present cells (numeric columns); Counts
	// counts each of its levels (categorical columns), in Levels' order.
	Missing []int
	Numeric []Moments
	Counts  [][]int
	// Targets sums up the regression targets of the training rows.
	Targets []Moments
	// ClassCounts counts the training rows of each class.
	ClassCounts []int
	// Rows counts the rows read (their target present); Train those of
	// them that are training rows. Dropped and DroppedLine are Read's.
	Rows, Train          int
	Dropped, DroppedLine int
	// Held are the positions of the rows Scan was asked to keep, in file
	// order; Sample those of the training sample (ScanOptions.Sample).
	Held, Sample []Pos
	// Start is the position of the first row (after the header).
	Start Pos
	// The file as it was read: its size, modification time and CRC-32C.
	Size    int64
	ModTime time.Time
	CRC     uint32
	opt     Options
}

// ScanOptions says how Scan reads a file and which rows it keeps.
type ScanOptions struct {
	Options
	// Hold, if not nil, says which rows (by index among the rows read)
	// are held out of training: their positions are kept in Held, and
	// they count in no statistic.
	Hold func(row int) bool
	// Sample, if positive, keeps the positions of a uniform sample of up
	// to Sample training rows: those of least SampleKey.
	Sample    int
	SampleKey func(row int) uint64
}

// crcTable is the CRC-32C table of a streamed file's checksum (the
// hardware-accelerated polynomial).
var crcTable = crc32.MakeTable(crc32.Castagnoli)

// hashReader passes reads through, summing what they read.
type hashReader struct {
	r io.Reader
	h hash.Hash32
	n int64
}

func (h *hashReader) Read(p []byte) (int, error) {
	n, err := h.r.Read(p)
	h.h.Write(p[:n])
	h.n += int64(n)
	return n, err
}

// streamCol is what Scan knows of a feature column.
type streamCol struct {
	featureCol
	// Numbers seen so far, with their counts in training rows, in order
	// of first appearance, while the column is numeric and may turn
	// categorical; nil once there are more than the level limit.
	nums     map[float64]int
	order    []float64
	overflow bool
}

// Scan reads the file at path once, as ReadFile would with opt.Options,
// and sums it up. Every error is an *inputerr.Error naming path.
func Scan(path string, opt ScanOptions) (*Summary, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, &inputerr.Error{File: path, Err: fmt.Errorf("cannot open file: %w", inputerr.PathCause(err)), Hint: "check the path and that the file exists"}
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil || !fi.Mode().IsRegular() {
		return nil, &inputerr.Error{File: path, Key: "data.stream", Err: errors.New("is not a regular file"), Hint: "streaming reads a file, which it reads again each epoch"}
	}
	hr := &hashReader{r: f, h: crc32.New(crcTable)}
	p := &reader{name: path, opt: opt.Options, lim: defaultLimits}
	closeFn, err := p.open(hr)
	if err != nil {
		return nil, err
	}
	defer closeFn()
	if p.gz {
		return nil, &inputerr.Error{File: path, Key: "data.stream", Err: errors.New("is compressed; streaming reads rows by their offset in the file"),
			Hint: "decompress the file (gunzip) to stream it, or set data.stream: false"}
	}
	if err := p.readHeader(); err != nil {
		return nil, err
	}
	uses, ds, err := p.resolve()
	if err != nil {
		return nil, err
	}
	s := &Summary{File: path, FeatureNames: ds.FeatureNames, TargetNames: ds.TargetNames, opt: opt.Options}
	bl := bomLen(f)
	s.Start = Pos{Offset: p.cr.InputOffset() + bl, Line: p.lastLine + 1}
	if err := p.scanRows(uses, s, opt, bl); err != nil {
		return nil, err
	}
	if _, err := io.Copy(io.Discard, hr); err != nil { // the end of the file, into the checksum
		return nil, p.ioErr(err)
	}
	s.Size, s.ModTime, s.CRC = hr.n, fi.ModTime(), hr.h.Sum32()
	return s, nil
}

// bomLen returns the length of the byte order mark at the start of f, if
// it has one.
func bomLen(f *os.File) int64 {
	b := make([]byte, len(bom))
	if n, _ := f.ReadAt(b, 0); n == len(bom) && string(b) == bom {
		return int64(len(bom))
	}
	return 0
}

func (p *reader) scanRows(uses []use, s *Summary, opt ScanOptions, bl int64) error {
	o := p.opt
	d := len(s.FeatureNames)
	labelCol := -1
	var targets []use
	k := 0
	for _, u := range uses {
		switch u.role {
		case roleTarget:
			k++
			targets = append(targets, u)
		case roleLabel:
			labelCol = u.col
			targets = append(targets, u)
		}
	}
	var classIdx map[string]int
	var seen []string
	var classCounts []int
	if labelCol >= 0 {
		classIdx = classIndex(o.Classes, p.decimal())
	}
	miss := newMissingSet(o.Missing)
	cols := make([]streamCol, d)
	for j, c := range p.featureCols(&Dataset{FeatureNames: s.FeatureNames}) {
		cols[j].featureCol = c
		if !c.cat && !c.fixed {
			cols[j].nums = map[float64]int{}
		}
	}
	s.Missing = make([]int, d)
	s.Numeric = make([]Moments, d)
	s.Counts = make([][]int, d)
	s.Targets = make([]Moments, k)
	limit := o.MaxLevels
	if limit <= 0 {
		limit = MaxLevels
	}
	var sample sampleHeap
	ncol := len(p.header)
	x := make([]float64, d)
rows:
	for {
		off := bl + p.cr.InputOffset()
		nextLine := p.lastLine + 1
		rec, err := p.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		line, _ := p.cr.FieldPos(0)
		if len(rec) != ncol {
			if err := p.wrongDelimiter(); err != nil {
				return err
			}
			col, key := ncol+1, ""
			if len(rec) < ncol {
				col, key = len(rec)+1, colKey(p.header[len(rec)])
			}
			return p.errAt(line, col, key,
				"every row needs one field per header column; check for a missing or extra delimiter, or quote fields that contain one",
				fmt.Errorf("expected %d fields, got %d", ncol, len(rec)))
		}
		for _, u := range targets {
			if miss.has(trim(rec[u.col])) {
				if s.Dropped == 0 {
					s.DroppedLine = line
				}
				s.Dropped++
				continue rows
			}
		}
		row := s.Rows
		held := opt.Hold != nil && opt.Hold(row)
		label := -1
		for _, u := range uses {
			cell := trim(rec[u.col])
			switch u.role {
			case roleLabel:
				c, err := p.label(cell, u.col, row, classIdx, &seen)
				if err != nil {
					return err
				}
				label = c
			case roleTarget:
				v, err := p.number(cell, u)
				if err != nil {
					return err
				}
				if !held {
					s.Targets[u.dst].Add(v)
				}
			default:
				c := &cols[u.dst]
				if miss.has(cell) {
					x[u.dst] = math.NaN()
					continue
				}
				if !c.cat {
					v, err := parseNumber(cell, p.decimal())
					if err == nil && !math.IsNaN(v) && !math.IsInf(v, 0) {
						x[u.dst] = v
						if c.nums != nil {
							k, ok := c.nums[v]
							if !ok {
								c.order = append(c.order, v)
							}
							c.nums[v] = k + b2i(!held)
							if len(c.order) > limit {
								c.nums, c.order, c.overflow = nil, nil, true
							}
						}
						continue
					}
					if err == nil || cell == "" || c.fixed || errors.Is(err, strconv.ErrRange) {
						return p.numberErr(cell, u, err)
					}
					if c.overflow {
						l, _ := p.cr.FieldPos(u.col)
						return p.errAt(l, u.col+1, colKey(p.header[u.col]), p.levelsHint(),
							fmt.Errorf("%w: more than %d distinct values in a categorical column (in the first %d rows)", ErrTooManyLevels, limit, row+1))
					}
					c.toLevels(&s.Counts[u.dst])
				}
				v, err := p.level(cell, u, &c.featureCol, row)
				if err != nil {
					return err
				}
				x[u.dst] = v
			}
		}
		s.Rows++
		if held {
			s.Held = append(s.Held, Pos{Offset: off, Line: nextLine, Row: row})
			continue
		}
		s.Train++
		if label >= 0 {
			for len(classCounts) <= label {
				classCounts = append(classCounts, 0)
			}
			classCounts[label]++
		}
		for j, v := range x {
			c := &cols[j]
			switch {
			case v != v:
				s.Missing[j]++
			case c.cat:
				cnt := &s.Counts[j]
				for len(*cnt) <= int(v) {
					*cnt = append(*cnt, 0)
				}
				(*cnt)[int(v)]++
			default:
				s.Numeric[j].Add(v)
			}
		}
		if opt.Sample > 0 {
			sample.offer(opt.Sample, opt.SampleKey(row), Pos{Offset: off, Line: nextLine, Row: row})
		}
	}
	if s.Rows == 0 {
		if s.Dropped > 0 {
			return p.errAt(s.DroppedLine, 0, colKey(p.header[targets[0].col]), "fill in the target, or choose another data.target",
				fmt.Errorf("every row's target is missing (%d rows)", s.Dropped))
		}
		return p.errAt(p.hline, 0, "", "add data rows below the header line", errors.New("no data rows after the header"))
	}
	for j := range cols {
		c := &cols[j]
		if !c.cat {
			s.Counts[j] = nil
			continue
		}
		s.Numeric[j] = Moments{}
		if s.Levels == nil {
			s.Levels = make([][]string, d)
		}
		s.Levels[j] = c.levels
		if s.Levels[j] == nil {
			s.Levels[j] = []string{}
		}
		for len(s.Counts[j]) < len(c.levels) {
			s.Counts[j] = append(s.Counts[j], 0)
		}
	}
	s.Sample = sample.positions()
	if labelCol >= 0 {
		// Classes: sorted and renumbered as Read does.
		if o.Classes != nil {
			s.Classes = slices.Clone(o.Classes)
			s.ClassCounts = make([]int, len(o.Classes))
			copy(s.ClassCounts, classCounts)
		} else {
			if len(seen) < 2 {
				return p.errAt(s.Start.Line, labelCol+1, colKey(p.header[labelCol]),
					"a classifier needs rows of at least two classes; check that the target is the class column",
					fmt.Errorf("only one class (%s) in the target; need at least two", quote(seen[0])))
			}
			s.Classes = sortClasses(seen)
			s.ClassCounts = make([]int, len(seen))
			for i, c := range s.Classes {
				if k := classIdx[c]; k < len(classCounts) {
					s.ClassCounts[i] = classCounts[k]
				}
			}
		}
	}
	return nil
}

// levelsHint is the hint of an error for a column of too many levels.
func (p *reader) levelsHint() string {
	if p.opt.LevelsHint != "" {
		return p.opt.LevelsHint
	}
	return "is it an id or a free-text column? leave it out of the features"
}

// toLevels turns a numeric column categorical: its numbers so far become
// its levels, in order of first appearance, with their training counts.
func (c *streamCol) toLevels(counts *[]int) {
	c.cat = true
	c.idx = make(map[string]int, len(c.order))
	*counts = (*counts)[:0]
	for _, v := range c.order {
		l := strconv.FormatFloat(v+0, 'g', -1, 64) // +0: -0 is 0
		code, ok := c.idx[l]
		if !ok {
			code = len(c.levels)
			c.idx[l] = code
			c.levels = append(c.levels, l)
			*counts = append(*counts, 0)
		}
		(*counts)[code] += c.nums[v]
	}
	c.nums, c.order = nil, nil
}

// sampleHeap keeps the positions of the k rows of least key: a uniform
// sample when the keys are a hash of the row.
type sampleHeap struct {
	keys []uint64
	pos  []Pos
}

func (h *sampleHeap) offer(k int, key uint64, p Pos) {
	if len(h.keys) < k {
		h.keys, h.pos = append(h.keys, key), append(h.pos, p)
		for i := len(h.keys) - 1; i > 0; {
			up := (i - 1) / 2
			if h.keys[up] >= h.keys[i] {
				break
			}
			h.swap(i, up)
			i = up
		}
		return
	}
	if key >= h.keys[0] {
		return
	}
	h.keys[0], h.pos[0] = key, p
	for i := 0; ; {
		l, r, big := 2*i+1, 2*i+2, i
		if l < len(h.keys) && h.keys[l] > h.keys[big] {
			big = l
		}
		if r < len(h.keys) && h.keys[r] > h.keys[big] {
			big = r
		}
		if big == i {
			break
		}
		h.swap(i, big)
		i = big
	}
}

func (h *sampleHeap) swap(i, j int) {
	h.keys[i], h.keys[j] = h.keys[j], h.keys[i]
	h.pos[i], h.pos[j] = h.pos[j], h.pos[i]
}

// positions returns the sample in file order.
func (h *sampleHeap) positions() []Pos {
	out := slices.Clone(h.pos)
	slices.SortFunc(out, func(a, b Pos) int { return a.Row - b.Row })
	return out
}

// ErrFileChanged says that a streamed file is not the file Scan read.
var ErrFileChanged = errors.New("the training file changed while it was streamed")

// Changed returns an *inputerr.Error wrapping ErrFileChanged if the file
// at s.File is not as Scan read it (its size or modification time), else
// nil.
func (s *Summary) Changed() error {
	fi, err := os.Stat(s.File)
	switch {
	case err != nil:
		return s.changedErr(fmt.Sprintf("cannot stat it: %v", inputerr.PathCause(err)))
	case fi.Size() != s.Size:
		return s.changedErr(fmt.Sprintf("its size is %d bytes, was %d", fi.Size(), s.Size))
	case !fi.ModTime().Equal(s.ModTime):
		return s.changedErr(fmt.Sprintf("it was modified at %s, after it was read at first (%s)", fi.ModTime().Format(time.RFC3339Nano), s.ModTime.Format(time.RFC3339Nano)))
	}
	return nil
}

// ChangedError returns the error wrapping ErrFileChanged for a file that
// is not as Scan read it: what says how.
func (s *Summary) ChangedError(what string) error { return s.changedErr(what) }

func (s *Summary) changedErr(what string) error {
	return &inputerr.Error{File: s.File, Key: "data.stream", Err: fmt.Errorf("%w: %s", ErrFileChanged, what),
		Hint: "a streamed file is read again every epoch: leave it unchanged while the fit runs (copy it first), and start the fit again"}
}

// Row is one row as a RowReader reads it: X the raw feature values (NaN
// for a missing cell, a level's index in Summary.Levels for a categorical
// column), Y the regression targets, Label the class (−1 without), and
// where it is and where the next row starts.
type Row struct {
	X, Y  []float64
	Label int
	Line  int // the row's own line (Pos.Line may be a blank line before it)
	Pos   Pos
	Next  Pos
}

// RowReader reads the rows of a file Scan summed up, from any row's
// position, with the kinds and levels Scan found. A row that does not
// read as it did (a level or class Scan did not see, a cell that is not
// a number) is an error wrapping ErrFileChanged.
type RowReader struct {
	s       *Summary
	f       *os.File
	cr      *csv.Reader
	hr      *hashReader
	uses    []use
	miss    missingSet
	levels  []map[string]int
	classes map[string]int
	decimal rune
	pos     Pos   // where the next row starts
	base    int64 // the file offset of the csv.Reader's offset 0
	line0   int   // the file line of the csv.Reader's line 1
}

// NewRowReader opens a reader of s's file positioned at pos. With sum
// set, it also sums the file's bytes up to the end of its reading (pos
// must then be s.Start), for Check.
func (s *Summary) NewRowReader(pos Pos, sum bool) (*RowReader, error) {
	if err := s.Changed(); err != nil {
		return nil, err
	}
	f, err := os.Open(s.File)
	if err != nil {
		return nil, s.changedErr(fmt.Sprintf("cannot open it: %v", inputerr.PathCause(err)))
	}
	r := &RowReader{s: s, f: f, miss: newMissingSet(s.opt.Missing), decimal: s.opt.Decimal}
	if r.decimal == 0 {
		r.decimal = '.'
	}
	// The columns, from the header.
	p := &reader{name: s.File, opt: s.opt, lim: defaultLimits}
	if _, err := p.open(io.NewSectionReader(f, 0, s.Start.Offset)); err != nil {
		f.Close()
		return nil, err
	}
	if err := p.readHeader(); err != nil {
		f.Close()
		return nil, err
	}
	p.opt.WantFeatures = s.FeatureNames
	if r.uses, _, err = p.resolve(); err != nil {
		f.Close()
		return nil, err
	}
	r.levels = make([]map[string]int, len(s.FeatureNames))
	for j, lv := range s.Levels {
		if lv != nil {
			r.levels[j] = make(map[string]int, len(lv))
			for i, l := range lv {
				r.levels[j][l] = i
			}
		}
	}
	if s.Classes != nil {
		r.classes = classIndex(s.Classes, r.decimal)
	}
	if sum {
		r.hr = &hashReader{r: f, h: crc32.New(crcTable)}
		if _, err := io.CopyN(io.Discard, r.hr, pos.Offset); err != nil {
			f.Close()
			return nil, s.changedErr(fmt.Sprintf("cannot read it: %v", err))
		}
		r.seek(pos, r.hr, bufSize)
		return r, nil
	}
	if _, err := f.Seek(pos.Offset, io.SeekStart); err != nil {
		f.Close()
		return nil, s.changedErr(fmt.Sprintf("cannot seek: %v", err))
	}
	r.seek(pos, f, bufSize)
	return r, nil
}

func (r *RowReader) seek(pos Pos, src io.Reader, size int) {
	cr := csv.NewReader(bufio.NewReaderSize(src, size))
	cr.Comma = ','
	if r.s.opt.Delimiter != 0 {
		cr.Comma = r.s.opt.Delimiter
	}
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	r.cr, r.pos, r.base, r.line0 = cr, pos, pos.Offset, pos.Line
}

// Close closes the file.
func (r *RowReader) Close() error { return r.f.Close() }

// Pos returns the position of the next row.
func (r *RowReader) Pos() Pos { return r.pos }

// Next reads the next row into row, whose X and Y it reuses if they are
// large enough; it returns io.EOF at the end of the file.
func (r *RowReader) Next(row *Row) error {
	s := r.s
rows:
	for {
		rec, err := r.cr.Read()
		if err == io.EOF {
			return io.EOF
		}
		if err != nil {
			return s.changedErr(fmt.Sprintf("a row reads differently: %v", err))
		}
		line, _ := r.cr.FieldPos(0)
		line += r.line0 - 1
		last, _ := r.cr.FieldPos(len(rec) - 1)
		here := r.pos
		r.pos = Pos{Offset: r.base + r.cr.InputOffset(), Line: r.line0 + last, Row: here.Row}
		if !r.fits(rec) {
			return s.changedErr(fmt.Sprintf("line %d has another number of fields", line))
		}
		for _, u := range r.uses {
			if u.role != roleFeature && r.miss.has(trimFast(rec[u.col])) {
				continue rows
			}
		}
		r.pos.Row++
		row.Pos, row.Next, row.Label, row.Line = here, r.pos, -1, line
		row.X = grow(row.X, len(s.FeatureNames))
		row.Y = grow(row.Y, len(s.Targets))
		for _, u := range r.uses {
			cell := trimFast(rec[u.col])
			switch u.role {
			case roleLabel:
				c, ok := r.classes[cell]
				if !ok {
					c, ok = r.classes[Level(cell, r.decimal)]
				}
				if !ok {
					return s.changedErr(fmt.Sprintf("line %d has a class the first reading did not see", line))
				}
				row.Label = c
			case roleTarget:
				v, err := parseNumber(cell, r.decimal)
				if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
					return s.changedErr(fmt.Sprintf("line %d has a target that is not a number", line))
				}
				row.Y[u.dst] = v
			default:
				switch {
				case r.miss.has(cell):
					row.X[u.dst] = math.NaN()
				case r.levels[u.dst] != nil:
					c, ok := r.levels[u.dst][Level(cell, r.decimal)]
					if !ok {
						return s.changedErr(fmt.Sprintf("line %d has a category the first reading did not see", line))
					}
					row.X[u.dst] = float64(c)
				default:
					v, err := parseNumber(cell, r.decimal)
					if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
						return s.changedErr(fmt.Sprintf("line %d has a cell that is not a number", line))
					}
					row.X[u.dst] = v
				}
			}
		}
		return nil
	}
}

// fits reports whether rec has a field for every column used.
func (r *RowReader) fits(rec []string) bool {
	for _, u := range r.uses {
		if u.col >= len(rec) {
			return false
		}
	}
	return true
}

// Check returns an error wrapping ErrFileChanged if the bytes a reader
// opened with sum read to the end differ from those Scan read, or the
// file's size or time changed; nil if they are the same, or the reader
// does not sum.
func (r *RowReader) Check() error {
	if err := r.s.Changed(); err != nil {
		return err
	}
	if r.hr == nil {
		return nil
	}
	if _, err := io.Copy(io.Discard, r.hr); err != nil {
		return r.s.changedErr(fmt.Sprintf("cannot read it: %v", err))
	}
	if r.hr.n != r.s.Size || r.hr.h.Sum32() != r.s.CRC {
		return r.s.changedErr(fmt.Sprintf("its checksum is %08x, was %08x", r.hr.h.Sum32(), r.s.CRC))
	}
	return nil
}

// ReadRows reads the rows at the given positions into a Dataset as Read
// would give them (X raw, Levels Scan's), in the order given.
func (s *Summary) ReadRows(pos []Pos) (*Dataset, error) {
	ds := &Dataset{File: s.File, FeatureNames: s.FeatureNames, TargetNames: s.TargetNames, Classes: s.Classes, Levels: s.Levels,
		Lines: make([]int, 0, len(pos))}
	rows, err := s.readAt(pos)
	if err != nil {
		return nil, err
	}
	d, k := len(s.FeatureNames), len(s.Targets)
	xs, ys := make([]float64, 0, len(pos)*d), make([]float64, 0, len(pos)*k)
	for _, r := range rows {
		xs, ys = append(xs, r.X...), append(ys, r.Y...)
		ds.Lines = append(ds.Lines, r.Line)
		if s.Classes != nil {
			ds.Labels = append(ds.Labels, r.Label)
		}
	}
	if len(pos) > 0 {
		ds.X = mat.NewDense(len(pos), d, xs)
		if k > 0 {
			ds.Y = mat.NewDense(len(pos), k, ys)
		}
	}
	return ds, nil
}

// ReadRowsAt reads the rows at the given positions, in the order given.
func (s *Summary) ReadRowsAt(pos []Pos) ([]Row, error) { return s.readAt(pos) }

func (s *Summary) readAt(pos []Pos) ([]Row, error) {
	out := make([]Row, len(pos))
	if len(pos) == 0 {
		return out, nil
	}
	r, err := s.NewRowReader(s.Start, false)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	for i, p := range pos {
		if _, err := r.f.Seek(p.Offset, io.SeekStart); err != nil {
			return nil, s.changedErr(fmt.Sprintf("cannot seek: %v", err))
		}
		r.seek(p, r.f, 4096)
		if err := r.Next(&out[i]); err != nil {
			if err == io.EOF {
				return nil, s.changedErr("a row is no longer where it was")
			}
			return nil, err
		}
	}
	return out, nil
}

// trimFast is trim, without its cost for a cell with nothing to trim.
func trimFast(s string) string {
	if s == "" || s[0] != ' ' && s[0] != '\t' && s[len(s)-1] != ' ' && s[len(s)-1] != '\t' {
		return s
	}
	return trim(s)
}

func grow(b []float64, n int) []float64 {
	if cap(b) < n {
		return make([]float64, n)
	}
	return b[:n]
}
