package vmath

import (
	"encoding/binary"
	"math"
	"testing"
)

// fuzzFunction fuzzes fn with the float64s that the bytes of the input
// encode, little-endian, and checks every result's bits as check does.
// The seeds cover tails of every length and specials amid ordinary values.
func fuzzFunction(f *testing.F, fn function) {
	seeds := [][]float64{
		nil,
		{0.5},
		{1, 2, 3},
		{-1, 0.25, 0.75, 3, 700, -700, 1e-300, 22},
		{0.625, math.Nextafter(0.625, 0), -0.625, 44.01, math.Copysign(0, -1), 0, math.NaN(), math.Inf(-1)},
		{709.43, 709.44, 709.78, 709.79, -708.39, -708.4, -745.13, -745.14, 1},
		{0x1p-1022, math.SmallestNonzeroFloat64, math.MaxFloat64, -2, math.Sqrt2 / 2, 1.5, 2.5, 3.5, 4.5},
	}
	for _, s := range seeds {
		data := make([]byte, 0, 8*len(s))
		for _, v := range s {
			data = binary.LittleEndian.AppendUint64(data, math.Float64bits(v))
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		x := make([]float64, len(data)/8)
		for i := range x {
			x[i] = math.Float64frombits(binary.LittleEndian.Uint64(data[8*i:]))
		}
		check(t, fn, x)
	})
}

func FuzzExp(f *testing.F)  { fuzzFunction(f, functions[0]) }
func FuzzLog(f *testing.F)  { fuzzFunction(f, functions[1]) }
func FuzzTanh(f *testing.F) { fuzzFunction(f, functions[2]) }
