package data

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"

	"github.com/parquet-go/parquet-go"
)

// The reference table of the Parquet benchmarks: 60,000 rows of 784
// features in [0, 1) with 4 decimals and a label 0-9, as bench/run.sh's,
// written once as CSV and as Parquet (doubles, uncompressed, the label an
// int64) into the temporary directory and kept there as a cache.
const pqBenchRows, pqBenchCols = 60000, 784

// BenchmarkReadRefParquet and BenchmarkReadRefCSV read the same reference
// table; bench/parquet.sh compares them and their peak RSS.
func BenchmarkReadRefParquet(b *testing.B) { benchReadRef(b, ".parquet") }
func BenchmarkReadRefCSV(b *testing.B)     { benchReadRef(b, ".csv") }

func benchReadRef(b *testing.B, ext string) {
	path := pqBenchFiles(b) + ext
	fi, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	opt := Options{Targets: []string{"label"}, Classify: true, Missing: DefaultMissing}
	b.SetBytes(fi.Size())
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ReadFile(path, opt); err != nil {
			b.Fatal(err)
		}
	}
}

// TestReadRefPeakRSS reads the reference table once in a new process per
// format and reports the peak RSS of each (only with MLPTRAIN_PQ_RSS=1, as
// bench/parquet.sh runs it).
func TestReadRefPeakRSS(t *testing.T) {
	if f := os.Getenv("MLPTRAIN_PQ_READ"); f != "" {
		opt := Options{Targets: []string{"label"}, Classify: true, Missing: DefaultMissing}
		if _, err := ReadFile(f, opt); err != nil {
			t.Fatal(err)
		}
		return
	}
	if os.Getenv("MLPTRAIN_PQ_RSS") == "" {
		t.Skip("set MLPTRAIN_PQ_RSS=1 to measure the peak RSS of reading the reference table")
	}
	base := pqBenchFiles(t)
	for _, ext := range []string{".parquet", ".csv"} {
		for range 3 {
			cmd := exec.Command(os.Args[0], "-test.run=^TestReadRefPeakRSS$")
			cmd.Env = append(os.Environ(), "MLPTRAIN_PQ_READ="+base+ext)
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("%v: %s", err, out)
			}
			rss := cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss * 1024
			fmt.Printf("peak-rss %s %d\n", ext, rss)
		}
	}
}

// pqBenchFiles writes the reference table, if not there yet, and returns
// its path without the extension.
func pqBenchFiles(tb testing.TB) string {
	base := filepath.Join(os.TempDir(), fmt.Sprintf("mlptrain-bench-pq-%d", pqBenchRows))
	if _, err := os.Stat(base + ".parquet"); err == nil {
		if _, err := os.Stat(base + ".csv"); err == nil {
			return base
		}
	}
	group := parquet.Group{"label": parquet.Int(64)}
	names := make([]string, pqBenchCols)
	for j := range names {
		names[j] = fmt.Sprintf("f%03d", j)
		group[names[j]] = parquet.Leaf(parquet.DoubleType)
	}
	schema := parquet.NewSchema("ref", group)
	pf, err := os.Create(base + ".parquet.tmp")
	if err != nil {
		tb.Fatal(err)
	}
	cf, err := os.Create(base + ".csv.tmp")
	if err != nil {
		tb.Fatal(err)
	}
	w := parquet.NewWriter(pf, schema, parquet.MaxRowsPerRowGroup(16384))
	cw := bufio.NewWriter(cf)
	fields := schema.Fields() // sorted: f000…f783, label
	for i, f := range fields {
		if i > 0 {
			cw.WriteByte(',')
		}
		cw.WriteString(f.Name())
	}
	cw.WriteByte('\n')
	rng := rand.New(rand.NewPCG(1, 4))
	row := make(parquet.Row, len(fields))
	var buf []byte
	for range pqBenchRows {
		for j := range pqBenchCols {
			v := float64(rng.IntN(10000)) / 10000
			buf = strconv.AppendFloat(buf[:0], v, 'f', -1, 64)
			cw.Write(buf)
			cw.WriteByte(',')
			row[j] = parquet.DoubleValue(v).Level(0, 0, j)
		}
		label := int64(rng.IntN(10))
		row[pqBenchCols] = parquet.Int64Value(label).Level(0, 0, pqBenchCols)
		cw.WriteString(strconv.FormatInt(label, 10))
		cw.WriteByte('\n')
		if _, err := w.WriteRows([]parquet.Row{row}); err != nil {
			tb.Fatal(err)
		}
	}
	for _, err := range []error{w.Close(), pf.Close(), cw.Flush(), cf.Close(),
		os.Rename(base+".parquet.tmp", base+".parquet"), os.Rename(base+".csv.tmp", base+".csv")} {
		if err != nil {
			tb.Fatal(err)
		}
	}
	return base
}
