package data

import (
	"bytes"
	"compress/gzip"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/mlptrain/mlptrain/internal/inputerr"
)

func TestReadColumns(t *testing.T) {
	t.Parallel()
	const in = "\uFEFFid, x1 ,x2,note\r\n" +
		"\"a,1\",0,0,\"say \"\"hi\"\"\"\r\n" +
		"\r\n" + // blank: no row, as for Read
		" b ,1,0,\"two\nlines\"\r\n" +
		"c,0,1,\r\n"
	for i, test := range []struct {
		names []string
		delim rune
		in    string
		want  []string // the cells, row after row
		err   string   // the error, if any
	}{
		{names: []string{"id"}, in: in, want: []string{"a,1", " b ", "c"}},
		{names: []string{"note", "id"}, in: in, want: []string{`say "hi"`, "a,1", "two\nlines", " b ", "", "c"}},
		{names: []string{"x1"}, in: in, want: []string{"0", "1", "0"}}, // a feature may be kept; names are trimmed
		{names: []string{"b"}, delim: ';', in: "a;b\n1;x,y\n", want: []string{"x,y"}},
		{names: []string{"idd"}, in: in, err: `t.csv:1: column "idd": --keep column not found in the header (hint: did you mean "id"?)`},
		{names: []string{"zzzzzz"}, in: in, err: `t.csv:1: column "zzzzzz": --keep column not found in the header (hint: the header has "id", "x1", "x2", "note")`},
		{names: []string{"id", "id"}, in: in, err: `t.csv:1:1: column "id": --keep names the column twice (hint: keep each column once)`},
		{names: []string{"id"}, in: "id,x\n1,2\n3\n", err: `t.csv:3:2: column "x": expected 2 fields, got 1`},
		{names: []string{"id"}, in: "id;x\n1;2\n", err: `t.csv:1: looks like ';'-separated (2 columns), not ',' (hint: use --delimiter ";")`},
		{names: []string{"id"}, in: "", err: "t.csv: empty file"},
	} {
		c, err := readColumns(strings.NewReader(test.in), "t.csv", test.delim, test.names, defaultLimits)
		if test.err != "" {
			var e *inputerr.Error
			if !errors.As(err, &e) || !strings.HasPrefix(err.Error(), test.err) {
				t.Errorf("unexpected error for test %d: got: %v want: %s", i, err, test.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("unexpected error for test %d: %v", i, err)
			continue
		}
		if !slices.Equal(c.Names, test.names) || !slices.Equal(c.Cells, test.want) || c.Len() != len(test.want)/len(test.names) {
			t.Errorf("unexpected columns for test %d: got: %q %q want: %q %q", i, c.Names, c.Cells, test.names, test.want)
		}
	}
	// From a file, gzip-compressed.
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte(in))
	zw.Close()
	path := filepath.Join(t.TempDir(), "t.csv.gz")
	if err := os.WriteFile(path, gz.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	c, err := ReadColumns(path, 0, []string{"id"})
	if err != nil || !slices.Equal(c.Cells, []string{"a,1", " b ", "c"}) {
		t.Errorf("ReadColumns(%s) = %+v, %v", path, c, err)
	}
	if _, err := ReadColumns(path+".missing", 0, []string{"id"}); err == nil || !strings.Contains(err.Error(), "cannot open file") {
		t.Errorf("ReadColumns of a missing file: %v", err)
	}
}
