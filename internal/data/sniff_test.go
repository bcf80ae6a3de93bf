package data

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/mlptrain/mlptrain/internal/inputerr"
)

func TestGuessDelimiter(t *testing.T) {
	t.Parallel()
	for i, test := range []struct {
		text string
		used rune
		want rune // 0: no guess
		cols int
	}{
		{text: "a;b;c;d;y\n1;2;3;4;0\n5;6;7;8;1\n", used: ',', want: ';', cols: 5},
		{text: "a\tb\ty\n1\t2\t0\n", used: ',', want: '\t', cols: 3},
		{text: "a|b|y\n1|2|0\n", used: ',', want: '|', cols: 3},
		{text: "a,b,y\n1,2,0\n", used: ';', want: ',', cols: 3},
		{text: "a,b,y\n1,2,0\n", used: '\t', want: ',', cols: 3},
		// Decimal commas: the header is one column by ',', the rows are not.
		{text: "x1;x2;y\n0,5;1,5;a\n2,5;3;b\n", used: ',', want: ';', cols: 3},
		// Quoted names and cells that hold the other delimiter.
		{text: "\"a;b\",c\n\"1;2\",3\n", used: ';', want: ',', cols: 2},
		// Blank lines and CRLF.
		{text: "\n\r\na;b;y\r\n\r\n1;2;0\r\n", used: ',', want: ';', cols: 3},
		// The configured delimiter splits the lines alike: no guess (a
		// ragged row further on is just that).
		{text: "a,b,y\n1,2,0\n", used: ','},
		{text: "a;b,c;y\n1;2,3;0\n", used: ','}, // ',' splits into 2 alike
		// The header splits, the data lines do not alike.
		{text: "a;b;y\n1;2\n", used: ','},
		{text: "a;b;y\n1;2;0\n1;2;0;4\n", used: ','},
		// No data line, or one column whatever the delimiter.
		{text: "a;b;y\n", used: ','},
		{text: "x\n1\n2\n", used: ','},
		{text: "", used: ','},
		// The most columns win; ties go to the first of , ; tab |.
		{text: "a;b|c;d\n1;2|3;4\n", used: ',', want: ';', cols: 3},
		{text: "a;b|c\n1;2|3\n", used: ',', want: ';', cols: 2},
		// Only the first sniffRows data lines count.
		{text: "a;b\n1;2\n1;2\n1;2\n1;2\n1;2\n1;2;3\n", used: ',', want: ';', cols: 2},
		{text: "a;b\n1;2\n1;2;3\n", used: ','},
	} {
		d, n, ok := guessDelimiter([]byte(test.text), test.used)
		if ok != (test.want != 0) || d != test.want || n != test.cols {
			t.Errorf("unexpected guess for test %d: guessDelimiter(%q, %q) = %q, %d, %v; want %q, %d",
				i, test.text, test.used, d, n, ok, test.want, test.cols)
		}
	}
}

// TestWrongDelimiter reads files of another delimiter than the one
// configured: the error names the delimiter that fits, by both paths of
// Read, in any read sizes, compressed or not. Before, a ';' file read
// with ',' said that the target was not in the header "a;b;y".
func TestWrongDelimiter(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, in string
		opt      Options
		line     int
		msg      string
		hint     string
	}{
		{name: "semicolons", in: "a;b;c;d;y\n1;2;3;4;0\n5;6;7;8;1\n", opt: classify, line: 1,
			msg: `looks like ';'-separated (5 columns), not ','`, hint: `set data.delimiter: ";"`},
		{name: "tabs", in: "a\tb\ty\n1\t2\t0\n3\t4\t1\n", opt: classify, line: 1,
			msg: `looks like '\t'-separated (3 columns), not ','`, hint: `set data.delimiter: "\t"`},
		{name: "commas read with tab", in: "a,b,y\n1,2,0\n3,4,1\n", opt: Options{Delimiter: '\t', Targets: []string{"y"}, Classify: true}, line: 1,
			msg: `looks like ','-separated (3 columns), not '\t'`, hint: `set data.delimiter: ","`},
		{name: "the header after blank lines, with a BOM", in: "\uFEFF\n\na|b|y\n1|2|0\n3|4|1\n", opt: classify, line: 3,
			msg: `looks like '|'-separated (3 columns), not ','`, hint: `set data.delimiter: "|"`},
		{name: "a flag names the delimiter", in: "a;b;y\n1;2;0\n", opt: Options{Targets: []string{"y"}, TargetOptional: true, DelimiterSetting: "--delimiter"}, line: 1,
			msg: `looks like ';'-separated (3 columns), not ','`, hint: `use --delimiter ";"`},
		// The header splits by the delimiter used, the rows do not.
		{name: "rows of another delimiter", in: "a,b;c,d;y\n1;2;0\n3;4;1\n", opt: Options{}, line: 1,
			msg: `looks like ';'-separated (3 columns), not ','`, hint: `set data.delimiter: ";"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			for _, chunk := range []int{1, 7, fastChunk} {
				sameRead(t, []byte(tc.in), tc.opt, chunk)
			}
			var gz bytes.Buffer
			zw := gzip.NewWriter(&gz)
			zw.Write([]byte(tc.in))
			zw.Close()
			for _, r := range []io.Reader{
				bytes.NewReader([]byte(tc.in)),
				slowOnly{bytes.NewReader([]byte(tc.in))},
				iotest.OneByteReader(strings.NewReader(tc.in)),
				bytes.NewReader(gz.Bytes()),
			} {
				_, err := Read(r, "t.csv", tc.opt)
				var e *inputerr.Error
				if !errors.As(err, &e) {
					t.Fatalf("Read(%q): %v, want an *inputerr.Error", tc.in, err)
				}
				if e.File != "t.csv" || e.Line != tc.line || e.Column != 0 || e.Key != "" || e.Err.Error() != tc.msg || e.Hint != tc.hint {
					t.Errorf("Read(%q): %q\nwant t.csv:%d: %s (hint: %s)", tc.in, err, tc.line, tc.msg, tc.hint)
				}
			}
		})
	}
}

// TestRightDelimiterUntouched checks that files read with their own
// delimiter, and ragged rows of such files, read or fail as before.
func TestRightDelimiterUntouched(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in, want string
	}{
		{"a,b,y\n1,2,0\n3,4\n", `t.csv:3:3: column "y": expected 3 fields, got 2`},
		{"a,b,y\n1,2,0\n3,4,1,5\n", `t.csv:3:4: expected 3 fields, got 4`},
		{"x\n1\n", `t.csv:1: column "y": target column not found in the header`},
		{"a;b;y\n", `t.csv:1: column "y": target column not found in the header`},      // no data line to guess from
		{"a;b;y\n1;2;0", `t.csv:1: column "y": target column not found in the header`}, // nor a whole one
	} {
		_, err := Read(strings.NewReader(tc.in), "t.csv", classify)
		if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("Read(%q): %v, want it to start with %q", tc.in, err, tc.want)
		}
	}
	// A one-column file for a model of one feature reads.
	ds, err := Read(strings.NewReader("x\n1\n2\n"), "t.csv", Options{Targets: []string{"y"}, TargetOptional: true})
	if err != nil || ds.Len() != 2 {
		t.Errorf("one-column file: %v", err)
	}
}

func TestPathDelimiter(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		path string
		want rune
	}{
		{"a.csv", ','}, {"a.tsv", '\t'}, {"a.TSV", '\t'}, {"a.tsv.gz", '\t'}, {"a.csv.gz", ','}, {"tsv", ','}, {"a.tsv.bak", ','},
	} {
		if got := PathDelimiter(tc.path); got != tc.want {
			t.Errorf("PathDelimiter(%q) = %q, want %q", tc.path, got, tc.want)
		}
	}
}
