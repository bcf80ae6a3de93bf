package data

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/mlptrain/mlptrain/internal/inputerr"
)

// Columns holds some columns of a CSV file as text, as predict --keep
// copies them: the cells exactly as encoding/csv reads them (unquoted,
// neither trimmed nor parsed), one row per row that Read reads, in order.
type Columns struct {
	// Names are the columns' names, as in the header (trimmed, as Read
	// trims them).
	Names []string
	// Cells holds the rows one after the other, len(Names) cells each.
	Cells []string
}

// Len returns the number of rows.
func (c *Columns) Len() int {
	if len(c.Names) == 0 {
		return 0
	}
	return len(c.Cells) / len(c.Names)
}

// Row returns the cells of row i, in the order of Names.
func (c *Columns) Row(i int) []string {
	k := len(c.Names)
	return c.Cells[i*k : (i+1)*k]
}

// ReadColumns reads the columns named names from the CSV file at path,
// in the order of names, with the same rules, limits and errors as
// ReadFile (delimiter, gzip, byte order mark, blank lines, field counts,
// MaxLineBytes, MaxFields), so that its rows are ReadFile's rows. It keeps
// only the strings of those columns. A name that is not in the header, or
// is named twice, is an *inputerr.Error at the header's line naming the
// column, with a hint; so is every other error about the input.
func ReadColumns(path string, delimiter rune, names []string) (*Columns, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, &inputerr.Error{File: path, Err: fmt.Errorf("cannot open file: %w", inputerr.PathCause(err)), Hint: "check the path and that the file exists"}
	}
	defer f.Close()
	if c, err, ok := readColumnsParquet(f, path, names); ok {
		return c, err
	}
	return readColumns(f, path, delimiter, names, defaultLimits)
}

// readColumns is ReadColumns of r, named name, with the given limits. It
// opens the input as Read's slow path does.
func readColumns(r io.Reader, name string, delimiter rune, names []string, lim limits) (*Columns, error) {
	p := &reader{name: name, opt: Options{Delimiter: delimiter, DelimiterSetting: "--delimiter"}, lim: lim}
	closeFn, err := p.open(r)
	if err != nil {
		return nil, err
	}
	defer closeFn()
	if err := p.readHeader(); err != nil {
		return nil, err
	}

	cols := make([]int, len(names))
	for i, n := range names {
		c, ok := p.index[n]
		if !ok {
			hint := fmt.Sprintf("the header has %s", listQuoted(p.header, 8))
			if s, ok := nearest(n, p.header); ok {
				hint = fmt.Sprintf("did you mean %s?", quote(s))
			}
			return nil, p.errAt(p.hline, 0, colKey(n), hint, errors.New("--keep column not found in the header"))
		}
		for j := range i {
			if names[j] == n {
				return nil, p.errAt(p.hline, c+1, colKey(n), "keep each column once", errors.New("--keep names the column twice"))
			}
		}
		cols[i] = c
	}
	out := &Columns{Names: append([]string(nil), names...)}
	ncol := len(p.header)
	for {
		rec, err := p.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		if len(rec) != ncol {
			line, _ := p.cr.FieldPos(0)
			col, key := ncol+1, ""
			if len(rec) < ncol {
				col, key = len(rec)+1, colKey(p.header[len(rec)])
			}
			return nil, p.errAt(line, col, key,
				"every row needs one field per header column; check for a missing or extra delimiter, or quote fields that contain one",
				fmt.Errorf("expected %d fields, got %d", ncol, len(rec)))
		}
		for _, c := range cols {
			// Clone: with ReuseRecord the cell shares memory with the
			// whole record.
			out.Cells = append(out.Cells, strings.Clone(rec[c]))
		}
	}
	return out, nil
}
