// Command streamgen writes the streaming benchmark's CSV (bench/stream.sh):
// x1..x4 numeric (%.4f), cat_a and cat_b (20 levels each), and a 3-class
// label, --rows rows from a seeded generator, to stdout. Deterministic for a
// given --seed and --rows.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"strconv"
)

func main() {
	rows := flag.Int64("rows", 1000000, "rows to write")
	seed := flag.Uint64("seed", 42, "generator seed")
	flag.Parse()
	rng := rand.New(rand.NewPCG(*seed, 8))
	const levels = 20
	var effA, effB [levels][3]float64
	for k := range levels {
		for c := range 3 {
			effA[k][c] = rng.NormFloat64()
			effB[k][c] = rng.NormFloat64()
		}
	}
	w := bufio.NewWriterSize(os.Stdout, 1<<20)
	w.WriteString("x1,x2,x3,x4,cat_a,cat_b,label\n")
	names := [3]string{"low", "mid", "high"}
	buf := make([]byte, 0, 128)
	for range *rows {
		var x [4]float64
		for j := range x {
			x[j] = rng.NormFloat64()
		}
		a, b := rng.IntN(levels), rng.IntN(levels)
		best, bestS := 0, math.Inf(-1)
		for c := range 3 {
			s := math.Sin(x[0]*float64(c+1)) + x[1]*x[2]*float64(c-1) + math.Abs(x[3])*float64(c) +
				effA[a][c] + effB[b][c] + 0.3*rng.NormFloat64()
			if s > bestS {
				best, bestS = c, s
			}
		}
		buf = buf[:0]
		for j := range x {
			buf = strconv.AppendFloat(buf, x[j], 'f', 4, 64)
			buf = append(buf, ',')
		}
		buf = fmt.Appendf(buf, "a%02d,b%02d,%s\n", a, b, names[best])
		w.Write(buf)
	}
	if err := w.Flush(); err != nil {
		fmt.Fprintln(os.Stderr, "streamgen:", err)
		os.Exit(1)
	}
}
