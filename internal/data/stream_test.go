package data

import (
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

const streamCSV = "\uFEFFa,b,c,y\n1,x,2.5,p\n2,3,NA,q\n\n\"3\",y,1,NA\n2,4,7,p\n5,x,,r\n1.0,zz,8,q\n"

func streamOpts() Options {
	return Options{Targets: []string{"y"}, Classify: true, Missing: DefaultMissing}
}

// TestScanMatchesRead checks that Scan and a RowReader give the rows,
// kinds, levels and classes Read gives, and Scan the statistics FitEncoding
// computes.
func TestScanMatchesRead(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "s.csv")
	if err := os.WriteFile(path, []byte(streamCSV), 0o644); err != nil {
		t.Fatal(err)
	}
	want, err := ReadFile(path, streamOpts())
	if err != nil {
		t.Fatal(err)
	}
	s, err := Scan(path, ScanOptions{Options: streamOpts(), Hold: func(row int) bool { return row == 2 }, Sample: 2, SampleKey: func(row int) uint64 { return uint64(10 - row) }})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(s.Classes, want.Classes) || s.Rows != want.Len() || s.Dropped != want.Dropped || s.DroppedLine != want.DroppedLine {
		t.Fatalf("classes %q rows %d dropped %d/%d, want %q %d %d/%d", s.Classes, s.Rows, s.Dropped, s.DroppedLine, want.Classes, want.Len(), want.Dropped, want.DroppedLine)
	}
	for j := range want.FeatureNames {
		if want.Categorical(j) != (s.Levels != nil && s.Levels[j] != nil) {
			t.Fatalf("column %d: categorical %v, want %v", j, !want.Categorical(j), want.Categorical(j))
		}
		if want.Categorical(j) && !slices.Equal(s.Levels[j], want.Levels[j]) {
			t.Errorf("column %d levels %q, want %q", j, s.Levels[j], want.Levels[j])
		}
	}
	// Every row, read in one go from the start.
	r, err := s.NewRowReader(s.Start, true)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var all []Pos
	for i := 0; ; i++ {
		var row Row
		err := r.Next(&row)
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, row.Pos)
		if row.Line != want.Lines[i] || row.Label != want.Labels[i] || !sameNaN(row.X, want.X.RawRowView(i)) {
			t.Errorf("row %d: line %d %v label %d, want %d %v %d", i, row.Line, row.X, row.Label, want.Lines[i], want.X.RawRowView(i), want.Labels[i])
		}
	}
	if err := r.Check(); err != nil {
		t.Errorf("Check: %v", err)
	}
	if len(s.Held) != 1 || s.Held[0] != all[2] {
		t.Errorf("held %v, want [%v]", s.Held, all[2])
	}
	if len(s.Sample) != 2 || s.Sample[0] != all[3] || s.Sample[1] != all[4] {
		t.Errorf("sample %v, want rows 3 and 4 %v", s.Sample, all[3:])
	}
	// Rows read back by position, out of order.
	back, err := s.ReadRows([]Pos{all[4], all[0]})
	if err != nil {
		t.Fatal(err)
	}
	if sub := want.Subset([]int{4, 0}); !sameNaN(back.X.RawMatrix().Data, sub.X.RawMatrix().Data) || !slices.Equal(back.Lines, sub.Lines) {
		t.Errorf("ReadRows: %v %v, want %v %v", back.X.RawMatrix().Data, back.Lines, sub.X.RawMatrix().Data, sub.Lines)
	}
	// The encoding of the training rows, as FitEncoding fits it.
	tr := want.Subset([]int{0, 1, 3, 4})
	we, _, err := FitEncoding(tr, EncodeOptions{Indicator: true})
	if err != nil {
		t.Fatal(err)
	}
	ge, _, err := FitEncodingSummary(s, EncodeOptions{Indicator: true})
	if err != nil {
		t.Fatal(err)
	}
	for j := range we.Columns {
		w, g := we.Columns[j], ge.Columns[j]
		if w.Type != g.Type || !slices.Equal(w.Levels, g.Levels) || w.Indicator != g.Indicator || w.MissingLevel != g.MissingLevel ||
			(w.Impute != nil) != (g.Impute != nil) || w.Impute != nil && math.Abs(*w.Impute-*g.Impute) > 1e-12 {
			t.Errorf("column %d: %+v, want %+v", j, g, w)
		}
	}
	if _, _, err := FitEncodingSummary(s, EncodeOptions{Impute: ImputeMedian}); err == nil {
		t.Error("median with a summary: no error")
	}
}

func sameNaN(a, b []float64) bool {
	return slices.EqualFunc(a, b, func(x, y float64) bool { return x == y || x != x && y != y })
}

// TestRowReaderFileChanged checks that a file changed after Scan is an
// error wrapping ErrFileChanged.
func TestRowReaderFileChanged(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "s.csv")
	if err := os.WriteFile(path, []byte(streamCSV), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := Scan(path, ScanOptions{Options: streamOpts()})
	if err != nil {
		t.Fatal(err)
	}
	// Same size, other bytes, same time: only the checksum tells.
	b := []byte(streamCSV)
	b[len(b)-2] = 'p'
	fi, _ := os.Stat(path)
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(path, time.Time{}, fi.ModTime()); err != nil {
		t.Fatal(err)
	}
	r, err := s.NewRowReader(s.Start, true)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for {
		var row Row
		if err := r.Next(&row); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
	}
	if err := r.Check(); !errors.Is(err, ErrFileChanged) {
		t.Errorf("same size and time, other bytes: %v, want ErrFileChanged", err)
	}
	if err := os.WriteFile(path, append(b, "1,x,1,p\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := s.NewRowReader(s.Start, false); !errors.Is(err, ErrFileChanged) {
		t.Errorf("longer: %v, want ErrFileChanged", err)
	}
}
