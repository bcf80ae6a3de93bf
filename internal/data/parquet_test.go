package data

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"

	"github.com/mlptrain/mlptrain/internal/inputerr"
)

// testColumn is a column of a test table: its name, its Parquet type and its
// cells (nil for a null; float64, float32, int32, int64, string or bool).
type testColumn struct {
	name     string
	node     parquet.Node
	optional bool
	cells    []any
}

// Column types for tests.
var (
	pqDouble = parquet.Leaf(parquet.DoubleType)
	pqFloat  = parquet.Leaf(parquet.FloatType)
	pqInt32  = parquet.Int(32)
	pqInt64  = parquet.Int(64)
	pqString = parquet.String()
	pqBoolT  = parquet.Leaf(parquet.BooleanType)
)

// testParquet writes the table as a Parquet file (in the schema's column
// order, the names sorted) and the same table as CSV text, with the header
// in the same order: null cells are empty, numbers in their shortest form.
// Pages hold at most pageRows rows when pageRows > 0, and row groups
// groupRows rows when groupRows > 0.
func testParquet(t testing.TB, cols []testColumn, pageRows, groupRows int, opts ...parquet.WriterOption) (pq []byte, csvText string) {
	t.Helper()
	group := parquet.Group{}
	byName := map[string]testColumn{}
	for _, c := range cols {
		n := c.node
		if c.optional {
			n = parquet.Optional(n)
		}
		group[c.name] = n
		byName[c.name] = c
	}
	schema := parquet.NewSchema("t", group)
	if pageRows > 0 {
		opts = append(opts, parquet.PageBufferSize(pageRows*8))
	}
	if groupRows > 0 {
		opts = append(opts, parquet.MaxRowsPerRowGroup(int64(groupRows)))
	}
	opts = append(opts, schema)
	var b bytes.Buffer
	w := parquet.NewWriter(&b, opts...)
	fields := schema.Fields()
	var cb strings.Builder
	cw := csv.NewWriter(&cb)
	header := make([]string, len(fields))
	for i, f := range fields {
		header[i] = f.Name()
	}
	cw.Write(header)
	n := len(cols[0].cells)
	for r := range n {
		row := make(parquet.Row, len(fields))
		rec := make([]string, len(fields))
		for i, f := range fields {
			c := byName[f.Name()]
			cell := c.cells[r]
			def := 0
			if c.optional {
				def = 1
			}
			if cell == nil {
				row[i] = parquet.NullValue().Level(0, 0, i)
				continue
			}
			row[i] = parquet.ValueOf(cell).Level(0, def, i)
			switch v := cell.(type) {
			case float64:
				rec[i] = strconv.FormatFloat(v, 'g', -1, 64)
			case float32:
				rec[i] = strconv.FormatFloat(float64(v), 'g', -1, 64)
			case int32:
				rec[i] = strconv.Itoa(int(v))
			case int64:
				rec[i] = strconv.FormatInt(v, 10)
			case string:
				rec[i] = v
			case bool:
				rec[i] = strconv.FormatBool(v)
			default:
				rec[i] = "?"
			}
		}
		if _, err := w.WriteRows([]parquet.Row{row}); err != nil {
			t.Fatal(err)
		}
		cw.Write(rec)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	cw.Flush()
	return b.Bytes(), cb.String()
}

// writeTemp writes b to a file named name in a temporary directory.
func writeTemp(t testing.TB, name string, b []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// trainTable is a table of every column type mlptrain reads: numbers of
// each width, nulls, numeric and non-numeric strings, booleans, a big
// int64, and a class label with a null and an "NA".
func trainTable() []testColumn {
	return []testColumn{
		{name: "a_double", node: pqDouble, cells: []any{1.5, math.Copysign(0, -1), 2.0, 1e300, 3.25, 7.0, 0.1}},
		{name: "b_int32", node: pqInt32, cells: []any{int32(1), int32(-2), int32(3), int32(4), int32(5), int32(6), int32(7)}},
		{name: "c_int64", node: pqInt64, cells: []any{int64(9007199254740993), int64(2), int64(-3), int64(4), int64(5), int64(6), int64(7)}},
		{name: "d_float", node: pqFloat, cells: []any{float32(0.5), float32(1.25), float32(0.1), float32(2), float32(3), float32(4), float32(5)}},
		{name: "e_null", node: pqDouble, optional: true, cells: []any{1.0, nil, 3.0, nil, 5.0, 6.0, nil}},
		{name: "f_numtext", node: pqString, optional: true, cells: []any{"1", " 2.5", "1e0", nil, "NA", "-0", "3"}},
		{name: "g_color", node: pqString, optional: true, cells: []any{"red", "blue", nil, "NA", "red", " green ", "blue"}},
		{name: "h_flag", node: pqBoolT, optional: true, cells: []any{true, false, true, nil, false, true, true}},
		{name: "i_late", node: pqString, cells: []any{"1", "2", "1.0", "x", "2", "y", "3"}},
		{name: "y", node: pqString, optional: true, cells: []any{"setosa", "virginica", nil, "setosa", "NA", "10", "virginica"}},
		{name: "z_reg", node: pqDouble, optional: true, cells: []any{0.5, 1.5, 2.5, nil, 4.5, 5.5, 6.5}},
	}
}

// sameAsCSV reads the Parquet file and the CSV text with opt, and fails
// unless both give the same Dataset, or both an error.
func sameAsCSV(t *testing.T, path, csvText string, opt Options) *Dataset {
	t.Helper()
	got, gerr := ReadFile(path, opt)
	want, werr := Read(strings.NewReader(csvText), path, opt)
	if (gerr == nil) != (werr == nil) {
		t.Fatalf("options %+v:\nParquet: %v\nCSV: %v", opt, gerr, werr)
	}
	if gerr != nil {
		var ie *inputerr.Error
		if !errors.As(gerr, &ie) || ie.File != path {
			t.Fatalf("error %v is not an *inputerr.Error naming %s", gerr, path)
		}
		return nil
	}
	if msg := diffDatasets(got, want); msg != "" {
		t.Fatalf("options %+v: Parquet and CSV differ: %s\nCSV:\n%s", opt, msg, csvText)
	}
	return got
}

func TestReadParquetEqualsCSV(t *testing.T) {
	t.Parallel()
	for _, layout := range []struct {
		name            string
		pageRows, group int
		dict            bool
		opts            []parquet.WriterOption
	}{
		{name: "one page"},
		{name: "small pages and groups", pageRows: 2, group: 3},
		{name: "dictionary", dict: true},
		{name: "dictionary, small pages, v1", dict: true, pageRows: 2, group: 5, opts: []parquet.WriterOption{parquet.DataPageVersion(1)}},
		{name: "snappy", opts: []parquet.WriterOption{parquet.Compression(&parquet.Snappy)}},
	} {
		cols := trainTable()
		if layout.dict {
			for i := range cols {
				cols[i].node = parquet.Encoded(cols[i].node, &parquet.RLEDictionary)
			}
		}
		pq, text := testParquet(t, cols, layout.pageRows, layout.group, layout.opts...)
		path := writeTemp(t, "t.parquet", pq)
		for _, tc := range []struct {
			name string
			opt  Options
		}{
			{"classify", Options{Targets: []string{"y"}, Classify: true, Missing: DefaultMissing, Ignore: []string{"z_reg"}}},
			{"regress", Options{Targets: []string{"z_reg"}, Missing: DefaultMissing, Ignore: []string{"y"}}},
			{"two targets", Options{Targets: []string{"z_reg", "a_double"}, Missing: DefaultMissing, Features: []string{"b_int32", "g_color"}}},
			{"categorical", Options{Targets: []string{"y"}, Classify: true, Missing: DefaultMissing, Categorical: []string{"b_int32", "e_null", "f_numtext"}}},
			{"features", Options{Targets: []string{"y"}, Classify: true, Missing: DefaultMissing, Features: []string{"i_late", "d_float", "h_flag"}}},
			{"no target", Options{Missing: DefaultMissing}},
			{"max levels", Options{Targets: []string{"y"}, Classify: true, Missing: DefaultMissing, MaxLevels: 2}},
			{"no missing list", Options{Targets: []string{"b_int32"}, Features: []string{"a_double"}}},
			{"null without missing list", Options{Targets: []string{"b_int32"}, Features: []string{"e_null"}}},
			{"max bytes", Options{Targets: []string{"y"}, Classify: true, Missing: DefaultMissing, MaxBytes: 3 * RowBytes(10, 0, true)}},
			{"max bytes no target", Options{Missing: DefaultMissing, MaxBytes: 3 * RowBytes(11, 0, false)}},
			{"fixed kinds", Options{Targets: []string{"y"}, Classify: true, Missing: DefaultMissing, FixedKinds: true, Categorical: []string{"g_color", "h_flag"},
				Features: []string{"a_double", "g_color", "h_flag"}}},
			{"fixed kinds refuse", Options{Targets: []string{"y"}, Classify: true, Missing: DefaultMissing, FixedKinds: true,
				Features: []string{"a_double", "g_color"}}},
		} {
			t.Run(layout.name+"/"+tc.name, func(t *testing.T) {
				sameAsCSV(t, path, text, tc.opt)
			})
		}
	}
}

// wideTable is a table of n rows of 150 numeric features and an int64
// class label, for the tiled path of the feature columns: blocks of
// columns, tiles of rows, windows that end at page ends. Some columns are
// nullable (with and without nulls), one holds a NaN, some are float32,
// int32 or int64; the label has nulls (rows dropped inside tiles). With
// inf, one cell is +Inf.
func wideTable(n int, inf bool) []testColumn {
	const d = 150
	rng := rand.New(rand.NewPCG(7, 1))
	cols := make([]testColumn, 0, d+1)
	for j := range d {
		c := testColumn{name: fmt.Sprintf("f%03d", j), node: pqDouble, cells: make([]any, n)}
		switch j % 10 {
		case 3, 7:
			c.optional = true // j%10 == 7: no nulls
		case 5:
			c.node = pqFloat
		case 9:
			c.node = []parquet.Node{pqInt32, pqInt64}[j%2]
		}
		for r := range n {
			v := float64(rng.IntN(10000)) / 10000
			switch {
			case j%10 == 3 && rng.IntN(20) == 0:
				c.cells[r] = nil
			case j%10 == 5:
				c.cells[r] = float32(v)
			case j%10 == 9 && j%2 == 0:
				c.cells[r] = int32(rng.IntN(100) - 50)
			case j%10 == 9:
				c.cells[r] = int64(rng.IntN(100) - 50)
			case j == 42 && r == n/3:
				c.cells[r] = math.NaN()
			case j == 101 && r == n/2 && inf:
				c.cells[r] = math.Inf(1)
			default:
				c.cells[r] = v
			}
		}
		cols = append(cols, c)
	}
	label := testColumn{name: "label", node: pqInt64, optional: true, cells: make([]any, n)}
	for r := range n {
		if rng.IntN(50) == 0 {
			continue // null: the row is dropped
		}
		label.cells[r] = int64(rng.IntN(10))
	}
	return append(cols, label)
}

// TestReadParquetWideEqualsCSV reads wide tables, whose rows are not a
// multiple of the tiles or blocks, in several layouts, and compares them
// with the CSV.
func TestReadParquetWideEqualsCSV(t *testing.T) {
	t.Parallel()
	const n = 1013
	for _, layout := range []struct {
		name            string
		pageRows, group int
		inf             bool
	}{
		{name: "one page"},
		{name: "pages of 100, groups of 300", pageRows: 100, group: 300},
		{name: "pages of 37, groups of 1000", pageRows: 37, group: 1000},
		{name: "infinity", pageRows: 100, group: 300, inf: true},
	} {
		pq, text := testParquet(t, wideTable(n, layout.inf), layout.pageRows, layout.group)
		path := writeTemp(t, "t.parquet", pq)
		var reversed []string
		for j := 140; j >= 0; j -= 3 {
			reversed = append(reversed, fmt.Sprintf("f%03d", j))
		}
		for _, tc := range []struct {
			name string
			opt  Options
		}{
			{"classify", Options{Targets: []string{"label"}, Classify: true, Missing: DefaultMissing}},
			{"no target", Options{Missing: DefaultMissing, Ignore: []string{"label"}}},
			{"features reordered", Options{Targets: []string{"label"}, Classify: true, Missing: DefaultMissing, Features: reversed}},
			{"categorical inside a block", Options{Targets: []string{"label"}, Classify: true, Missing: DefaultMissing, Categorical: []string{"f019", "f070"}}},
			{"null without missing list", Options{Targets: []string{"f000"}, Features: []string{"f001", "f003"}}},
		} {
			t.Run(layout.name+"/"+tc.name, func(t *testing.T) {
				ds := sameAsCSV(t, path, text, tc.opt)
				if !layout.inf && tc.name != "null without missing list" && ds == nil {
					t.Fatal("an error, want a dataset")
				}
			})
		}
	}
}

// TestReadParquetModel reads a training table, then a test table for the
// model (its features in another order, its classes, a level it never
// saw, a missing target), and both must equal the CSV's.
func TestReadParquetModel(t *testing.T) {
	t.Parallel()
	pq, text := testParquet(t, trainTable(), 0, 0)
	trainOpt := Options{Targets: []string{"y"}, Classify: true, Missing: DefaultMissing, Ignore: []string{"z_reg"}}
	tr := sameAsCSV(t, writeTemp(t, "train.parquet", pq), text, trainOpt)
	var cat []string
	for j, f := range tr.FeatureNames {
		if tr.Categorical(j) {
			cat = append(cat, f)
		}
	}
	if !slices.Contains(cat, "g_color") || !slices.Contains(cat, "h_flag") || !slices.Contains(cat, "i_late") {
		t.Fatalf("categorical columns %q, want g_color, h_flag and i_late among them", cat)
	}
	want := slices.Clone(tr.FeatureNames)
	slices.Reverse(want)
	test := []testColumn{
		{name: "a_double", node: pqDouble, cells: []any{1.0, 2.0, 3.0}},
		{name: "b_int32", node: pqInt32, cells: []any{int32(1), int32(2), int32(3)}},
		{name: "c_int64", node: pqInt64, cells: []any{int64(1), int64(2), int64(3)}},
		{name: "d_float", node: pqFloat, cells: []any{float32(1), float32(2), float32(3)}},
		{name: "e_null", node: pqDouble, optional: true, cells: []any{nil, nil, 3.0}},
		{name: "f_numtext", node: pqString, cells: []any{"1", "2", "3"}},
		{name: "g_color", node: pqString, optional: true, cells: []any{"purple", "red", nil}},
		{name: "h_flag", node: pqBoolT, cells: []any{true, false, true}},
		{name: "i_late", node: pqString, cells: []any{"7", "x", "q"}},
		{name: "extra", node: pqString, cells: []any{"id1", "id2", "id3"}},
		{name: "y", node: pqString, optional: true, cells: []any{"10", nil, "setosa"}},
	}
	pq2, text2 := testParquet(t, test, 0, 0)
	path := writeTemp(t, "test.parquet", pq2)
	for _, opt := range []Options{
		{Targets: []string{"y"}, Classify: true, Classes: tr.Classes, WantFeatures: want, Categorical: cat, FixedKinds: true, Missing: DefaultMissing},
		{Targets: []string{"y"}, Classify: true, Classes: tr.Classes, WantFeatures: want, Categorical: cat, FixedKinds: true, Missing: DefaultMissing, TargetOptional: true, Ignore: []string{"nothere"}},
		{Targets: []string{"nothere"}, Classify: true, Classes: tr.Classes, WantFeatures: want, Categorical: cat, FixedKinds: true, Missing: DefaultMissing, TargetOptional: true},
	} {
		ds := sameAsCSV(t, path, text2, opt)
		if ds == nil {
			t.Fatalf("options %+v: error", opt)
		}
	}
}

// TestReadParquetErrorsEqualCSV checks tables with one bad cell: the
// Parquet read fails as the CSV read does, at the same line and column
// of the same name.
func TestReadParquetErrorsEqualCSV(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		cols []testColumn
		opt  Options
	}{
		{"unknown class", []testColumn{
			{name: "a", node: pqDouble, cells: []any{1.0, 2.0, 3.0}},
			{name: "y", node: pqString, cells: []any{"p", "q", "r"}},
		}, Options{Targets: []string{"y"}, Classify: true, Classes: []string{"p", "q"}}},
		{"text target", []testColumn{
			{name: "a", node: pqDouble, cells: []any{1.0, 2.0, 3.0}},
			{name: "y", node: pqString, cells: []any{"1", "2", "x"}},
		}, Options{Targets: []string{"y"}}},
		{"infinity", []testColumn{
			{name: "a", node: pqDouble, cells: []any{1.0, math.Inf(1), 3.0}},
			{name: "y", node: pqDouble, cells: []any{1.0, 2.0, 3.0}},
		}, Options{Targets: []string{"y"}, Missing: DefaultMissing}},
		{"NaN not missing", []testColumn{
			{name: "a", node: pqDouble, cells: []any{1.0, math.NaN(), 3.0}},
			{name: "y", node: pqDouble, cells: []any{1.0, 2.0, 3.0}},
		}, Options{Targets: []string{"y"}, Missing: []string{""}}},
		{"one class", []testColumn{
			{name: "a", node: pqDouble, cells: []any{1.0, 2.0, 3.0}},
			{name: "y", node: pqBoolT, cells: []any{true, true, true}},
		}, Options{Targets: []string{"y"}, Classify: true}},
		{"bool in a model's numeric column", []testColumn{
			{name: "a", node: pqBoolT, cells: []any{true, false, true}},
			{name: "y", node: pqDouble, cells: []any{1.0, 2.0, 3.0}},
		}, Options{Targets: []string{"y"}, FixedKinds: true}},
		{"all targets missing", []testColumn{
			{name: "a", node: pqDouble, cells: []any{1.0, 2.0}},
			{name: "y", node: pqDouble, optional: true, cells: []any{nil, nil}},
		}, Options{Targets: []string{"y"}, Missing: DefaultMissing}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pq, text := testParquet(t, tc.cols, 0, 0)
			path := writeTemp(t, "t.parquet", pq)
			_, gerr := ReadFile(path, tc.opt)
			_, werr := Read(strings.NewReader(text), path, tc.opt)
			var ge, we *inputerr.Error
			if !errors.As(gerr, &ge) || !errors.As(werr, &we) {
				t.Fatalf("errors %v and %v, want two *inputerr.Error", gerr, werr)
			}
			if ge.Line != we.Line || ge.Column != we.Column || ge.Key != we.Key || ge.Err.Error() != we.Err.Error() {
				t.Errorf("Parquet error %v, want as CSV's %v", gerr, werr)
			}
		})
	}
}

// TestReadParquetBad checks that bad files give an *inputerr.Error naming
// the file (and the column where there is one), never a panic.
func TestReadParquetBad(t *testing.T) {
	t.Parallel()
	good, _ := testParquet(t, trainTable(), 2, 3)
	stamp := []testColumn{
		{name: "a", node: pqDouble, cells: []any{1.0, 2.0}},
		{name: "when", node: parquet.Timestamp(parquet.Millisecond), cells: []any{int64(1), int64(2)}},
		{name: "y", node: pqDouble, cells: []any{1.0, 2.0}},
	}
	stamped, stampText := testParquet(t, stamp, 0, 0)
	footer := bytes.Clone(good)
	for i := len(footer) - 60; i < len(footer)-8; i++ {
		footer[i] ^= 0x5a
	}
	random := []byte(ParquetMagic)
	for i := range 300 {
		random = append(random, byte(i*131+7))
	}
	random = append(random, 0x20, 0, 0, 0)
	random = append(random, ParquetMagic...)
	pages := bytes.Clone(good)
	for i := 8; i < len(pages)/2; i += 7 {
		pages[i] ^= 0xff
	}
	classify := Options{Targets: []string{"y"}, Classify: true, Missing: DefaultMissing}
	for _, tc := range []struct {
		name string
		in   []byte
		file string
		opt  Options
		want string // in the message
	}{
		{"truncated", good[:len(good)/2], "t.parquet", classify, "Parquet"},
		{"truncated footer", good[:len(good)-3], "t.parquet", classify, "Parquet"},
		{"corrupt footer", footer, "t.parquet", classify, ""},
		{"random after the magic", random, "t.parquet", classify, "Parquet"},
		{"corrupt pages", pages, "t.parquet", classify, ""},
		{"only the magic", []byte(ParquetMagic), "t.parquet", classify, "Parquet"},
		{"named .parquet, not Parquet", []byte("a,y\n1,2\n"), "t.parquet", classify, "PAR1"},
		{"no target", good, "t.parquet", Options{Targets: []string{"Y"}, Classify: true}, `did you mean "y"`},
		{"timestamp feature", stamped, "t.parquet", Options{Targets: []string{"y"}}, `column "when": the feature is a column of type TIMESTAMP`},
		{"timestamp target", stamped, "t.parquet", Options{Targets: []string{"when"}}, `the target is a column of type TIMESTAMP`},
		{"timestamp model feature", stamped, "t.parquet", Options{Targets: []string{"y"}, WantFeatures: []string{"when", "a"}}, "convert it"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := writeTemp(t, tc.file, tc.in)
			ds, err := ReadFile(path, tc.opt)
			var ie *inputerr.Error
			if !errors.As(err, &ie) || ds != nil {
				t.Fatalf("ReadFile = %v, %v; want an *inputerr.Error", ds, err)
			}
			if ie.File != path || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q, want one naming %s and saying %q", err, path, tc.want)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error %q spans lines", err)
			}
		})
	}
	// A timestamp column left out is no trouble.
	path := writeTemp(t, "t.parquet", stamped)
	for _, opt := range []Options{
		{Targets: []string{"y"}, Ignore: []string{"when"}},
		{Targets: []string{"y"}, Features: []string{"a"}},
	} {
		sameAsCSV(t, path, stampText, opt)
		if _, err := ReadFile(path, opt); err != nil {
			t.Errorf("options %+v: %v", opt, err)
		}
	}
}

func TestReadColumnsParquet(t *testing.T) {
	t.Parallel()
	pq, text := testParquet(t, trainTable(), 2, 3)
	path := writeTemp(t, "t.parquet", pq)
	csvPath := writeTemp(t, "t.csv", []byte(text))
	names := []string{"g_color", "a_double", "h_flag", "c_int64", "b_int32"}
	got, err := ReadColumns(path, 0, names)
	if err != nil {
		t.Fatal(err)
	}
	want, err := ReadColumns(csvPath, 0, names)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got.Names, want.Names) || !slices.Equal(got.Cells, want.Cells) {
		t.Errorf("ReadColumns = %q %q, want %q %q", got.Names, got.Cells, want.Names, want.Cells)
	}
	// A float (32 bits) is written in the shortest form that reads back as it.
	if got, err := ReadColumns(path, 0, []string{"d_float"}); err != nil || !slices.Equal(got.Cells, []string{"0.5", "1.25", "0.1", "2", "3", "4", "5"}) {
		t.Errorf("ReadColumns of a float column = %v, %v", got, err)
	}
	if _, err := ReadColumns(path, 0, []string{"g_colour"}); err == nil || !strings.Contains(err.Error(), `did you mean "g_color"`) {
		t.Errorf("ReadColumns of a misspelt column: %v", err)
	}
}

// FuzzReadParquet checks that ReadParquet never panics, that every error
// is an *inputerr.Error naming the file, and that every Dataset is
// consistent.
func FuzzReadParquet(f *testing.F) {
	good, _ := testParquet(f, trainTable(), 2, 3)
	f.Add(good, byte(1))
	f.Add(good[:len(good)-9], byte(0))
	small, _ := testParquet(f, []testColumn{
		{name: "a", node: pqDouble, optional: true, cells: []any{1.0, nil}},
		{name: "b", node: pqString, cells: []any{"x", "1"}},
		{name: "y", node: pqInt32, cells: []any{int32(0), int32(1)}},
	}, 0, 0, parquet.Compression(&parquet.Snappy))
	f.Add(small, byte(2))
	dict, _ := testParquet(f, []testColumn{
		{name: "a", node: parquet.Encoded(pqDouble, &parquet.RLEDictionary), cells: []any{1.0, 2.0, 1.0}},
		{name: "y", node: parquet.Encoded(pqString, &parquet.RLEDictionary), cells: []any{"p", "q", "p"}},
	}, 0, 0)
	f.Add(dict, byte(7))
	f.Add([]byte("PAR1\x00\x00\x00\x00PAR1"), byte(0))
	f.Fuzz(func(t *testing.T, in []byte, which byte) {
		opt := fuzzOptions[int(which)%len(fuzzOptions)]
		ds, err := ReadParquet(bytes.NewReader(in), int64(len(in)), "f.parquet", opt)
		if err != nil {
			var ie *inputerr.Error
			if !errors.As(err, &ie) || ie.File != "f.parquet" || ds != nil {
				t.Fatalf("error %v (%T) is not an *inputerr.Error naming the file", err, err)
			}
			return
		}
		if ds.X == nil || len(ds.Lines) == 0 {
			t.Fatalf("a Dataset without rows")
		}
		if r, c := ds.X.Dims(); r != len(ds.Lines) || c != len(ds.FeatureNames) {
			t.Fatalf("X is %d×%d for %d rows and %d features", r, c, len(ds.Lines), len(ds.FeatureNames))
		}
	})
}
