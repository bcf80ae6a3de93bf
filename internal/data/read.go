package data

import (
	"bufio"
	"compress/gzip"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"gonum.org/v1/gonum/mat"

	"github.com/mlptrain/mlptrain/internal/inputerr"
)

// Options says which columns of a CSV file to read, and how.
// The zero value reads every column as a numeric feature, with no target.
type Options struct {
	// Delimiter separates the fields; 0 means ','.
	Delimiter rune
	// Targets names the target columns: one for classification, one or
	// more for regression. Empty means no target (prediction).
	Targets []string
	// TargetOptional lets the targets be absent from the header (prediction).
	// The Dataset then has no Y or Labels. If some targets are present, all
	// must be.
	TargetOptional bool
	// Features names the feature columns, in the order wanted. Empty means
	// every column that is not named in Targets, in file order.
	Features []string
	// Classify says that the single target holds class labels (strings or
	// integers) rather than numbers to regress on.
	Classify bool
	// Classes, if non-nil, are the known classes (from a saved model), in
	// index order. A label not among them is an error. If nil, the classes
	// are those in the file, sorted (see the package documentation).
	Classes []string
	// WantFeatures, if non-nil, are the feature columns a model was trained
	// on. The selected feature columns must be exactly these, as a set, and
	// X's columns come in WantFeatures' order whatever the file's order.
	WantFeatures []string
	// MaxBytes, if positive, bounds the memory the table may take as it is
	// read: RowBytes for each row (its numbers, its line in Lines and its
	// class in Labels). The row that would pass it is refused with an
	// error wrapping ErrDataTooLarge, before the rest of the input is read.
	MaxBytes int64
	// MaxBytesSource says where MaxBytes comes from, for the message:
	// "--max-memory", "3/4 of this machine's 23.5 GiB".
	MaxBytesSource string

	// Missing lists the cells read as missing, compared after trimming
	// (DefaultMissing is the usual list). A missing feature cell is NaN in
	// X; a row whose target is missing is left out and counted in
	// Dataset.Dropped. Nil means no cell is missing: an empty cell is an
	// error, as before missing values were read.
	Missing []string
	// Categorical names feature columns read as categories although their
	// cells read as numbers (codes: month, zip). A feature column holding
	// any other cell that is not a number and not missing is categorical
	// too, unless FixedKinds.
	Categorical []string
	// FixedKinds says that the categorical feature columns are those in
	// Categorical and no other (reading data for a trained model): a cell
	// of another feature column that is not a number is an error.
	FixedKinds bool
	// Ignore names columns that are never features (ids, free text). A
	// name not in the header is an error unless WantFeatures is set.
	Ignore []string
	// MaxLevels bounds the distinct levels of a categorical column; 0
	// means MaxLevels. LevelsHint, if set, is the hint of the error for a
	// column with more.
	MaxLevels  int
	LevelsHint string
	// Decimal is the decimal separator of numbers: 0 or '.', or ','.
	Decimal rune
	// DelimiterSetting names what chose Delimiter, for the hint of a
	// file that looks separated by another delimiter (see sniff.go): a
	// config key, "data.delimiter" when empty, or a flag ("--delimiter").
	DelimiterSetting string
}

// ReadFile reads the CSV file at path as Read does; a file whose content
// starts with the gzip magic bytes (usually named .csv.gz) is decompressed
// transparently, and one that starts with the Parquet magic bytes "PAR1"
// is read as Parquet by ReadParquet (see parquet.go). Every error is an
// *inputerr.Error naming path.
func ReadFile(path string, opt Options) (*Dataset, error) {
	f, err := os.Open(path)
	if err != nil {
		hint := "check the path and that the file exists"
		if errors.Is(err, fs.ErrPermission) {
			hint = "check the file's permissions"
		}
		return nil, &inputerr.Error{File: path, Err: fmt.Errorf("cannot open file: %w", inputerr.PathCause(err)), Hint: hint}
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && fi.IsDir() {
		return nil, &inputerr.Error{File: path, Err: errors.New("is a directory, not a CSV file"), Hint: "give the path of a .csv or .csv.gz file"}
	}
	if ds, err, ok := readFileParquet(f, path, opt); ok {
		return ds, err
	}
	return Read(f, path, opt)
}

// Read reads a CSV table from r; name is the file name used in errors. The
// first non-blank line is the header. Gzip-compressed input is detected by
// its magic bytes and decompressed. Every error is an *inputerr.Error; Read
// never panics on bad input.
func Read(r io.Reader, name string, opt Options) (*Dataset, error) {
	return read(r, name, opt, fastChunk)
}

// read is Read with the fast path's chunk size.
func read(r io.Reader, name string, opt Options, chunk int) (*Dataset, error) {
	return readLimits(r, name, opt, chunk, defaultLimits)
}

// readLimits is read with the given limits.
func readLimits(r io.Reader, name string, opt Options, chunk int, lim limits) (*Dataset, error) {
	if ra, off, size, ok := randomAccess(r); ok {
		p := &reader{name: name, opt: opt, lim: lim}
		ds, err := p.readFast(ra, off, size, chunk)
		if err != errSlow {
			if s, ok := r.(io.Seeker); ok && err == nil {
				s.Seek(0, io.SeekEnd) // as if read to the end
			}
			return ds, err
		}
		// From the start again, to the end of the input as it is now: the
		// size taken by randomAccess may be stale or, for some files
		// (procfs), 0.
		if sk, ok := r.(io.Seeker); ok {
			if _, err := sk.Seek(off, io.SeekStart); err != nil {
				r = io.NewSectionReader(ra, off, size-off)
			}
		} else {
			r = io.NewSectionReader(ra, off, size-off)
		}
	}
	p := &reader{name: name, opt: opt, lim: lim}
	return p.read(r)
}

const (
	bufSize   = 64 << 10
	gzipMagic = "\x1f\x8b"
	bom       = "\uFEFF"
)

// Roles of a used column.
const (
	roleFeature = iota
	roleTarget
	roleLabel
)

// use says where a used CSV column goes: column col of the file into
// column dst of X (roleFeature), of Y (roleTarget), or into Labels.
type use struct {
	col, dst int
	role     int
}

type reader struct {
	name string
	opt  Options
	lim  limits

	gz       bool
	cr       *csv.Reader
	header   []string
	index    map[string]int // header name → 0-based column
	hline    int            // line of the header
	lastLine int            // line of the last record read, for I/O errors
	// textBytes counts the bytes of the levels and classes kept, against
	// MaxTextBytes.
	textBytes int64
	head      headText // the start of the text, to guess a wrong delimiter from
}

func (p *reader) errAt(line, col int, key, hint string, err error) *inputerr.Error {
	return &inputerr.Error{File: p.name, Line: line, Column: col, Key: key, Err: err, Hint: hint}
}

// colKey is the Key of an error about a column: its name quoted, and cut
// short if long, so that the message stays one short line.
func colKey(name string) string { return "column " + quote(name) }

func (p *reader) read(r io.Reader) (*Dataset, error) {
	closeFn, err := p.open(r)
	if err != nil {
		return nil, err
	}
	defer closeFn()
	if err := p.readHeader(); err != nil {
		return nil, err
	}
	uses, ds, err := p.resolve()
	if err != nil {
		return nil, err
	}
	return p.readRows(uses, ds)
}

// open sets p up to read CSV records from r (p.cr): it checks the
// delimiter, decompresses gzip input, applies the limits to the text and
// skips a byte order mark. The returned function closes the decompressor.
func (p *reader) open(r io.Reader) (func(), error) {
	none := func() {}
	if d := p.opt.Delimiter; d != 0 && !validDelim(d) {
		return none, &inputerr.Error{File: p.name, Key: "delimiter", Err: fmt.Errorf("invalid delimiter %q", d),
			Hint: "use a character such as ',', ';' or tab; not a quote, a line break or U+FFFD"}
	}
	closeFn := none
	br := bufio.NewReaderSize(r, bufSize)
	var src io.Reader = br
	if b, err := br.Peek(len(gzipMagic)); string(b) == gzipMagic {
		p.gz = true
		zr, err := gzip.NewReader(br)
		if err != nil {
			return none, p.ioErr(err)
		}
		closeFn = func() { zr.Close() }
		src = zr
	} else if err != nil && err != io.EOF {
		return none, p.ioErr(err)
	}
	// The limits apply to the text, after decompression.
	delim := p.opt.Delimiter
	if delim == 0 {
		delim = ','
	}
	p.head.r = newLimiter(src, delim, p.lim)
	br = bufio.NewReaderSize(&p.head, bufSize)
	if b, err := br.Peek(len(bom)); string(b) == bom {
		br.Discard(len(bom))
	} else if err != nil && err != io.EOF {
		return closeFn, p.csvErr(err)
	}
	p.cr = p.newCSV(br)
	return closeFn, nil
}

// newCSV returns a csv.Reader of r set up for p's options.
func (p *reader) newCSV(r io.Reader) *csv.Reader {
	cr := csv.NewReader(r)
	cr.Comma = ','
	if p.opt.Delimiter != 0 {
		cr.Comma = p.opt.Delimiter
	}
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	cr.LazyQuotes = false
	return cr
}

// validDelim matches encoding/csv's rule for a valid delimiter.
func validDelim(r rune) bool {
	return r != 0 && r != '"' && r != '\r' && r != '\n' && utf8.ValidRune(r) && r != utf8.RuneError
}

// next reads one record, wrapping every error but io.EOF.
func (p *reader) next() ([]string, error) {
	rec, err := p.cr.Read()
	if err == io.EOF {
		return nil, err
	}
	if err != nil {
		return nil, p.csvErr(err)
	}
	if len(rec) > 0 {
		p.lastLine, _ = p.cr.FieldPos(len(rec) - 1)
	}
	return rec, nil
}

func (p *reader) csvErr(err error) error {
	var le *limitError
	if errors.As(err, &le) {
		return p.limitErr(le)
	}
	var pe *csv.ParseError
	if !errors.As(err, &pe) {
		return p.ioErr(err)
	}
	e := pe.Err
	hint := "fix the CSV syntax"
	switch {
	case errors.Is(pe.Err, csv.ErrBareQuote):
		hint = `a field containing a quote must be quoted as a whole, with each inner quote doubled: "6"" wide"`
	case errors.Is(pe.Err, csv.ErrQuote):
		hint = "close the quoted field with a quote, and double any quote inside it"
		if pe.StartLine != pe.Line {
			e = fmt.Errorf("%w (the record starts on line %d)", pe.Err, pe.StartLine)
		}
	}
	return p.errAt(pe.Line, pe.Column, "", hint, e)
}

// ioErr wraps an error from reading (not parsing) the input.
func (p *reader) ioErr(err error) error {
	line := 0
	if p.lastLine > 0 {
		line = p.lastLine + 1
	}
	if p.gz || errors.Is(err, gzip.ErrHeader) || errors.Is(err, gzip.ErrChecksum) {
		if err == io.ErrUnexpectedEOF {
			err = errors.New("unexpected end of data")
		}
		return p.errAt(line, 0, "", "the compressed file is truncated or damaged; compress it again",
			fmt.Errorf("corrupt gzip data: %w", err))
	}
	return p.errAt(line, 0, "", "check that the file is readable", fmt.Errorf("read error: %w", inputerr.PathCause(err)))
}

func (p *reader) readHeader() error {
	rec, err := p.next()
	if err == io.EOF {
		return p.errAt(0, 0, "", "the first line must be a header row naming the columns", errors.New("empty file"))
	}
	if err != nil {
		return err
	}
	p.hline, _ = p.cr.FieldPos(0)
	p.header = make([]string, len(rec))
	p.index = make(map[string]int, len(rec))
	for i, s := range rec {
		s = trim(s)
		switch {
		case s == "":
			hint := "name every column in the header"
			if i == 0 {
				hint += "; an unnamed first column is often a pandas index (write it with index=False)"
			} else if i == len(rec)-1 {
				hint += "; a delimiter at the end of the header line makes an unnamed last column"
			}
			return p.errAt(p.hline, i+1, "", hint, errors.New("empty column name"))
		case !utf8.ValidString(s):
			return p.errAt(p.hline, i+1, "", "save the file as UTF-8", fmt.Errorf("column name %s is not valid UTF-8", quote(s)))
		}
		if j, dup := p.index[s]; dup {
			return p.errAt(p.hline, i+1, colKey(s), "rename one of the two columns; names must be unique",
				fmt.Errorf("duplicate column name (columns %d and %d)", j+1, i+1))
		}
		p.index[s] = i
		p.header[i] = s
	}
	if len(rec) == 1 {
		return p.wrongDelimiter()
	}
	return nil
}

// missingCol is the error for a column named in the options but not in the
// header. The suggestion leaves out the columns in taken, which already
// have a role: one of them cannot be what the user meant.
func (p *reader) missingCol(name, what string, taken map[string]bool) error {
	hint := fmt.Sprintf("the header has %s", listQuoted(p.header, 8))
	if s, ok := p.nearestFree(name, taken); ok {
		hint = fmt.Sprintf("did you mean %s?", quote(s))
	}
	return p.errAt(p.hline, 0, colKey(name), hint, fmt.Errorf("%s column not found in the header", what))
}

// nearestFree returns the header column nearest to name that is not in
// taken, if one is a likely typo of it.
func (p *reader) nearestFree(name string, taken map[string]bool) (string, bool) {
	free := p.header
	if len(taken) > 0 {
		free = make([]string, 0, len(p.header))
		for _, h := range p.header {
			if !taken[h] {
				free = append(free, h)
			}
		}
	}
	return nearest(name, free)
}

// featureTaken returns the columns that a missing feature column cannot be
// a typo of: the targets and the other features listed.
func featureTaken(targets map[string]bool, features ...[]string) map[string]bool {
	taken := make(map[string]bool, len(targets))
	maps.Copy(taken, targets)
	for _, l := range features {
		for _, f := range l {
			taken[f] = true
		}
	}
	return taken
}

// resolve works out which columns are used and where they go.
func (p *reader) resolve() ([]use, *Dataset, error) {
	o := p.opt
	ds := &Dataset{File: p.name}
	if o.Classify && len(o.Targets) > 1 {
		return nil, nil, p.errAt(0, 0, colKey(o.Targets[1]), "a classifier has one target column; use a regression loss for several targets",
			fmt.Errorf("classification needs exactly one target column, got %d", len(o.Targets)))
	}

	var uses []use
	isTarget := make(map[string]bool, len(o.Targets))
	present := 0
	for _, t := range o.Targets {
		if isTarget[t] {
			return nil, nil, p.errAt(0, 0, colKey(t), "name each target column once", errors.New("target column named twice"))
		}
		isTarget[t] = true
		if _, ok := p.index[t]; ok {
			present++
		}
	}
	if present > 0 || !o.TargetOptional {
		for k, t := range o.Targets {
			c, ok := p.index[t]
			if !ok {
				return nil, nil, p.missingCol(t, "target", nil)
			}
			role := roleTarget
			if o.Classify {
				role = roleLabel
			}
			uses = append(uses, use{col: c, dst: k, role: role})
			ds.TargetNames = append(ds.TargetNames, t)
		}
	}

	ignored := make(map[string]bool, len(o.Ignore))
	for _, c := range o.Ignore {
		ignored[c] = true
		if _, ok := p.index[c]; !ok && o.WantFeatures == nil {
			hint := fmt.Sprintf("the header has %s", listQuoted(p.header, 8))
			if s, ok := p.nearestFree(c, nil); ok {
				hint = fmt.Sprintf("did you mean %s?", quote(s))
			}
			return nil, nil, p.errAt(p.hline, 0, colKey(c), hint, errors.New("column listed in data.ignore is not in the header"))
		}
		if isTarget[c] {
			return nil, nil, p.errAt(p.hline, 0, colKey(c), "remove it from data.ignore or from the targets", errors.New("column is both a target and ignored"))
		}
	}

	// The selected feature columns, by name, in the chosen order.
	var feats []string
	if len(o.Features) > 0 && o.WantFeatures == nil {
		seen := make(map[string]bool, len(o.Features))
		for _, f := range o.Features {
			if seen[f] {
				return nil, nil, p.errAt(0, 0, colKey(f), "list each feature column once", errors.New("feature column listed twice"))
			}
			seen[f] = true
			if isTarget[f] {
				return nil, nil, p.errAt(0, 0, colKey(f), "remove it from the features or from the targets", errors.New("column is both a target and a feature"))
			}
			if ignored[f] {
				return nil, nil, p.errAt(0, 0, colKey(f), "remove it from data.features or from data.ignore", errors.New("column is both a feature and ignored"))
			}
			// A model's missing features are reported below, all at once.
			if _, ok := p.index[f]; !ok && o.WantFeatures == nil {
				return nil, nil, p.missingCol(f, "feature", featureTaken(isTarget, o.Features))
			}
		}
		feats = o.Features
	} else {
		for _, h := range p.header {
			if !isTarget[h] && !ignored[h] {
				feats = append(feats, h)
			}
		}
	}

	if o.WantFeatures != nil {
		// A model's features, whatever else the file holds.
		var missing []string
		for _, w := range o.WantFeatures {
			if _, inHeader := p.index[w]; !inHeader || isTarget[w] {
				missing = append(missing, w)
			}
		}
		if len(missing) > 0 {
			hint := fmt.Sprintf("the model was trained on the feature columns %s", listQuoted(o.WantFeatures, 8))
			if _, inHeader := p.index[missing[0]]; !inHeader {
				if s, ok := p.nearestFree(missing[0], featureTaken(isTarget, o.WantFeatures)); ok {
					hint = fmt.Sprintf("did you mean %s? %s", quote(s), hint)
				}
			}
			return nil, nil, p.errAt(p.hline, 0, colKey(missing[0]), hint,
				fmt.Errorf("feature column of the model is missing (missing: %s)", listQuoted(missing, 8)))
		}
		feats = o.WantFeatures
	}
	if len(feats) == 0 {
		return nil, nil, p.errAt(p.hline, 0, "", "the file needs at least one column besides the target",
			errors.New("no feature columns"))
	}
	for j, f := range feats {
		uses = append(uses, use{col: p.index[f], dst: j, role: roleFeature})
	}
	ds.FeatureNames = slices.Clone(feats)
	// Visit the cells left to right, so the first error is the leftmost.
	slices.SortFunc(uses, func(a, b use) int { return a.col - b.col })
	return uses, ds, nil
}

func (p *reader) readRows(uses []use, ds *Dataset) (*Dataset, error) {
	o := p.opt
	d := len(ds.FeatureNames)
	k := 0
	labelCol := -1
	var targets []use
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

	// Class lookup: the given classes, or those seen so far in order of
	// first appearance (sorted and renumbered at the end).
	var classIdx map[string]int
	var seen []string
	if labelCol >= 0 {
		classIdx = classIndex(o.Classes, p.decimal())
	}
	miss := newMissingSet(o.Missing)
	cols := p.featureCols(ds)

	xs, ys := newRows(d), newRows(k)
	var labels, lines []int
	ncol := len(p.header)
	maxRows := p.maxRows(d, k, labelCol >= 0)
rows:
	for {
		rec, err := p.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		line, _ := p.cr.FieldPos(0)
		if len(lines) == maxRows {
			return nil, p.tooLarge(line, d, k, labelCol >= 0)
		}
		if len(rec) != ncol {
			if err := p.wrongDelimiter(); err != nil {
				return nil, err
			}
			col, key := ncol+1, ""
			if len(rec) < ncol {
				col, key = len(rec)+1, colKey(p.header[len(rec)])
			}
			return nil, p.errAt(line, col, key,
				"every row needs one field per header column; check for a missing or extra delimiter, or quote fields that contain one",
				fmt.Errorf("expected %d fields, got %d", ncol, len(rec)))
		}
		// A row whose target is missing is left out, unread.
		for _, u := range targets {
			if miss.has(trim(rec[u.col])) {
				if ds.Dropped == 0 {
					ds.DroppedLine = line
				}
				ds.Dropped++
				continue rows
			}
		}
		x, y := xs.next(), ys.next()
		for _, u := range uses {
			cell := trim(rec[u.col])
			switch u.role {
			case roleLabel:
				c, err := p.label(cell, u.col, len(lines), classIdx, &seen)
				if err != nil {
					return nil, err
				}
				labels = append(labels, c)
			case roleTarget:
				v, err := p.number(cell, u)
				if err != nil {
					return nil, err
				}
				y[u.dst] = v
			default:
				v, err := p.feature(cell, u, &cols[u.dst], miss, xs, len(lines))
				if err != nil {
					return nil, err
				}
				x[u.dst] = v
			}
		}
		lines = append(lines, line)
	}
	n := len(lines)
	if n == 0 {
		if ds.Dropped > 0 {
			return nil, p.errAt(ds.DroppedLine, 0, colKey(p.header[targets[0].col]), "fill in the target, or choose another data.target",
				fmt.Errorf("every row's target is missing (%d rows)", ds.Dropped))
		}
		return nil, p.errAt(p.hline, 0, "", "add data rows below the header line", errors.New("no data rows after the header"))
	}

	ds.X = mat.NewDense(n, d, xs.data())
	ds.Lines = lines
	if k > 0 {
		ds.Y = mat.NewDense(n, k, ys.data())
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

// countsText reports whether a level or class counts against
// MaxTextBytes: text does; a number, at most 24 bytes in its shortest
// form, does not (a numeric column turned categorical makes levels of its
// numbers without counting them, in either path).
func countsText(s string) bool {
	_, err := strconv.ParseFloat(s, 64)
	return err != nil
}

// keepText counts the bytes of a new level or class, the cell at line
// and 0-based column col, against MaxTextBytes.
func (p *reader) keepText(s string, line, col int) error {
	if !countsText(s) {
		return nil
	}
	p.textBytes += int64(len(s)) + 16 // and its string header
	if p.textBytes <= p.lim.textBytes {
		return nil
	}
	return p.errAt(line, col+1, colKey(p.header[col]),
		"a category or class is a short name; is this column free text or an id? add it to data.ignore",
		fmt.Errorf("%w: the distinct categories and classes take more than %s", ErrTooManyLevels, byteSize(p.lim.textBytes)))
}

// classIndex returns the index of each of the given classes (a model's),
// by name and by level: a model's class "1.0", written before labels were
// read as levels, takes the cells "1" and "1.0".
func classIndex(classes []string, decimal rune) map[string]int {
	idx := make(map[string]int, len(classes))
	for i, c := range classes {
		idx[c] = i
	}
	for i, c := range classes {
		if l := Level(c, decimal); l != c {
			if _, ok := idx[l]; !ok {
				idx[l] = i
			}
		}
	}
	return idx
}

// featureCol is what a read knows of a feature column: whether it is
// categorical, and its levels so far.
type featureCol struct {
	cat    bool // categorical: X holds the index of each cell's level
	fixed  bool // the kind cannot change: forced, or fixed by a model
	idx    map[string]int
	levels []string
}

// featureCols returns the columns of ds's features as Options say they
// start: categorical if listed in Categorical, else numeric.
func (p *reader) featureCols(ds *Dataset) []featureCol {
	cat := make(map[string]bool, len(p.opt.Categorical))
	for _, c := range p.opt.Categorical {
		cat[c] = true
	}
	cols := make([]featureCol, len(ds.FeatureNames))
	for j, f := range ds.FeatureNames {
		cols[j] = featureCol{cat: cat[f], fixed: cat[f] || p.opt.FixedKinds}
		if cat[f] {
			cols[j].idx = map[string]int{}
		}
	}
	return cols
}

// decimal returns the decimal separator.
func (p *reader) decimal() rune {
	if p.opt.Decimal == 0 {
		return '.'
	}
	return p.opt.Decimal
}

// feature returns the value of a feature cell in X: NaN if it is
// missing, its level's index in a categorical column, else its number. A
// numeric column whose cell is not a number becomes categorical, unless
// its kind is fixed; its cells so far, in xs, become levels.
func (p *reader) feature(cell string, u use, c *featureCol, miss missingSet, xs *rows, row int) (float64, error) {
	if miss.has(cell) {
		return math.NaN(), nil
	}
	if !c.cat {
		v, err := parseNumber(cell, p.decimal())
		if err == nil && !math.IsNaN(v) && !math.IsInf(v, 0) {
			return v, nil
		}
		if err == nil || cell == "" || c.fixed || errors.Is(err, strconv.ErrRange) {
			return 0, p.numberErr(cell, u, err)
		}
		p.toCategorical(c, u.dst, xs, row)
	}
	return p.level(cell, u, c, row)
}

// toCategorical turns a numeric feature column into a categorical one:
// the numbers of the rows before row in xs become levels, and their
// indices replace them.
func (p *reader) toCategorical(c *featureCol, j int, xs *rows, row int) {
	c.cat = true
	c.idx = map[string]int{}
	for _, b := range xs.blocks {
		for i := j; i < len(b) && row > 0; i += xs.d {
			row--
			if v := b[i]; !math.IsNaN(v) {
				l := strconv.FormatFloat(v+0, 'g', -1, 64) // +0: -0 is 0
				code, ok := c.idx[l]
				if !ok {
					code = len(c.levels)
					c.idx[l] = code
					c.levels = append(c.levels, l)
				}
				b[i] = float64(code)
			}
		}
	}
}

// level returns the index of a categorical cell's level, adding the level
// if it is new. A column of more than MaxLevels levels is an error at the
// row of the first level too many.
func (p *reader) level(cell string, u use, c *featureCol, row int) (float64, error) {
	l := Level(cell, p.decimal())
	if code, ok := c.idx[l]; ok {
		return float64(code), nil
	}
	line, _ := p.cr.FieldPos(u.col)
	key := colKey(p.header[u.col])
	if !utf8.ValidString(l) {
		return 0, p.errAt(line, u.col+1, key, "save the file as UTF-8", fmt.Errorf("category %s is not valid UTF-8", quote(l)))
	}
	limit := p.opt.MaxLevels
	if limit <= 0 {
		limit = MaxLevels
	}
	if len(c.levels) >= limit {
		hint := p.opt.LevelsHint
		if hint == "" {
			hint = "is it an id or a free-text column? leave it out of the features"
		}
		return 0, p.errAt(line, u.col+1, key, hint,
			fmt.Errorf("%w: more than %d distinct values in a categorical column (%d in the first %d rows)", ErrTooManyLevels, limit, len(c.levels)+1, row+1))
	}
	if err := p.keepText(l, line, u.col); err != nil {
		return 0, err
	}
	code := len(c.levels)
	l = strings.Clone(l) // the cell shares memory with the whole record
	c.idx[l] = code
	c.levels = append(c.levels, l)
	return float64(code), nil
}

// classes sets ds's Classes and Labels from the class indices in labels,
// which index seen (the classes in order of first appearance) or, if
// given, the options' classes. It returns an error if the file has only
// one class.
func (p *reader) classes(ds *Dataset, labelCol int, labels []int, seen []string, classIdx map[string]int) error {
	o := p.opt
	if labelCol < 0 {
		if o.Classify && o.Classes != nil {
			ds.Classes = slices.Clone(o.Classes)
		}
		return nil
	}
	if o.Classes != nil {
		if err := p.checkOneHot(len(labels), len(o.Classes), len(ds.FeatureNames), labelCol); err != nil {
			return err
		}
		ds.Classes = slices.Clone(o.Classes)
		ds.Labels = labels
		return nil
	}
	if len(seen) < 2 {
		return p.errAt(ds.Lines[0], labelCol+1, colKey(p.header[labelCol]),
			"a classifier needs rows of at least two classes; check that the target is the class column",
			fmt.Errorf("only one class (%s) in the target; need at least two", quote(seen[0])))
	}
	if err := p.checkOneHot(len(labels), len(seen), len(ds.FeatureNames), labelCol); err != nil {
		return err
	}
	ds.Classes = sortClasses(seen)
	renum := make([]int, len(seen))
	for i, c := range ds.Classes {
		renum[classIdx[c]] = i
	}
	for i, c := range labels {
		labels[i] = renum[c]
	}
	ds.Labels = labels
	return nil
}

// rows collects rows of d numbers in blocks of about blockSize, so that a
// large table is held at most twice (blocks, then the matrix) and with no
// spare capacity, unlike a slice grown by append.
type rows struct {
	d      int
	blocks [][]float64
	n      int
}

const blockSize = 1 << 16

func newRows(d int) *rows { return &rows{d: d} }

// next returns the slice for a new row.
func (r *rows) next() []float64 {
	if r.d == 0 {
		return nil
	}
	last := len(r.blocks) - 1
	if last < 0 || len(r.blocks[last])+r.d > cap(r.blocks[last]) {
		r.blocks = append(r.blocks, make([]float64, 0, max(1, blockSize/r.d)*r.d))
		last++
	}
	b := r.blocks[last]
	r.blocks[last] = b[:len(b)+r.d]
	r.n++
	return b[len(b) : len(b)+r.d]
}

// data returns all the rows, row-major, in one slice, and frees the blocks.
func (r *rows) data() []float64 {
	out := make([]float64, 0, r.n*r.d)
	for i, b := range r.blocks {
		out = append(out, b...)
		r.blocks[i] = nil
	}
	r.blocks = nil
	return out
}

// label returns the class index of a label cell in the row of the given
// index.
func (p *reader) label(cell string, col, row int, classIdx map[string]int, seen *[]string) (int, error) {
	line, _ := p.cr.FieldPos(col)
	key := colKey(p.header[col])
	if cell == "" {
		return 0, p.errAt(line, col+1, key, "every row needs a class label; fill in the cell or remove the row, or list \"\" in data.missing to leave such rows out", errors.New("missing value"))
	}
	if c, ok := classIdx[cell]; ok {
		return c, nil
	}
	if !utf8.ValidString(cell) {
		return 0, p.errAt(line, col+1, key, "save the file as UTF-8", fmt.Errorf("class label %s is not valid UTF-8", quote(cell)))
	}
	// "1.0" is the class "1".
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
		return 0, p.errAt(line, col+1, key, tooManyClassesHint(*seen, row+1, p.lim.classes),
			fmt.Errorf("%w: more than %d distinct labels (%d in the first %d rows)", ErrTooManyClasses, p.lim.classes, len(*seen)+1, row+1))
	}
	if err := p.keepText(cell, line, col); err != nil {
		return 0, err
	}
	// Clone: with ReuseRecord the cell shares memory with the whole record.
	cell = strings.Clone(cell)
	c := len(*seen)
	classIdx[cell] = c
	*seen = append(*seen, cell)
	return c, nil
}

// number parses a numeric cell.
func (p *reader) number(cell string, u use) (float64, error) {
	v, err := parseNumber(cell, p.decimal())
	if err == nil && !math.IsNaN(v) && !math.IsInf(v, 0) {
		return v, nil
	}
	return 0, p.numberErr(cell, u, err)
}

// numberErr is the error for a cell that is not a finite number: err is
// what parsing it returned.
func (p *reader) numberErr(cell string, u use, err error) error {
	line, _ := p.cr.FieldPos(u.col)
	key := colKey(p.header[u.col])
	what := "a feature"
	if u.role == roleTarget {
		what = "a regression target"
	}
	switch {
	case cell == "":
		return p.errAt(line, u.col+1, key, "fill in the cell or remove the row, or list \"\" in data.missing to read empty cells as missing", errors.New("missing value"))
	case err == nil:
		return p.errAt(line, u.col+1, key, "NaN and infinities are not allowed; fix the row, or list the cell in data.missing if it marks a missing value",
			fmt.Errorf("not a finite number: %s", quote(cell)))
	case errors.Is(err, strconv.ErrRange):
		return p.errAt(line, u.col+1, key, "values must lie within ±1.8e308; rescale the column",
			fmt.Errorf("number out of range: %s", quote(cell)))
	}
	hint := what + " must be a number; remove the column from the features or encode it as numbers"
	if p.opt.FixedKinds && u.role == roleFeature {
		hint = "the model reads this column as numbers; fix the cell, or list it in data.missing if it marks a missing value"
	}
	if u.role == roleTarget {
		hint = "a regression target must be a number; for class labels, train a classifier"
	}
	return p.errAt(line, u.col+1, key, hint, fmt.Errorf("not a number: %s", quote(cell)))
}

// trim removes ASCII spaces and tabs around s.
func trim(s string) string {
	return strings.Trim(s, " \t")
}

// maxQuoted is the number of runes of a cell shown in a message.
const maxQuoted = 40

// quote quotes s for a message, truncated to maxQuoted runes and an
// ellipsis (not "...", so a message never ends in a period).
func quote(s string) string {
	n := 0
	for i := range s {
		if n == maxQuoted {
			return strconv.Quote(s[:i]) + "…"
		}
		n++
	}
	return strconv.Quote(s)
}

// listQuoted lists up to limit names, quoted, then how many more there are.
func listQuoted(names []string, limit int) string {
	var b strings.Builder
	for i, s := range names {
		if i == limit {
			fmt.Fprintf(&b, " and %d more", len(names)-limit)
			break
		}
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(quote(s))
	}
	return b.String()
}
