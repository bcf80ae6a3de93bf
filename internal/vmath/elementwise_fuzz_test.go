package vmath

import (
	"encoding/binary"
	"math"
	"testing"
)

// fuzzArith fuzzes the arithmetic function name with the float64s that
// the bytes of data encode, little-endian: dst, then each input, n
// elements each (AddRows and AddColSums: n rows of k = 1 + shape%40, and b
// or d first). checkArith checks every path, offset shape%5, and the
// aliases. The seeds cover tails of every length, NaN pairs and specials
// amid ordinary values.
func fuzzArith(f *testing.F, name string) {
	fn := arithByName(name)
	seeds := [][]float64{
		nil,
		{0.5},
		{1, 2, 3},
		{-1, 0.25, 0.75, 3, 7, -7, 1e-300, 22, 0.5, 0.5, -2, 1},
		append(append([]float64{}, nans...), nans[2], nans[0], nans[5], nans[1], nans[4], nans[3]),
		{math.Copysign(0, -1), 0, math.Inf(1), math.Inf(-1), math.NaN(), 1, -1, 0x1p-1074, math.MaxFloat64, -0x1p-1022, 2, 0.5, 1 + 0x1p-52},
		arithSpecials,
	}
	for i, s := range seeds {
		data := make([]byte, 0, 8*len(s))
		for _, v := range s {
			data = binary.LittleEndian.AppendUint64(data, math.Float64bits(v))
		}
		f.Add(uint8(7*i), data)
	}
	f.Fuzz(func(t *testing.T, shape uint8, data []byte) {
		vals := make([]float64, len(data)/8)
		for i := range vals {
			vals[i] = math.Float64frombits(binary.LittleEndian.Uint64(data[8*i:]))
		}
		take := func(n int) []float64 {
			s := make([]float64, n)
			m := copy(s, vals)
			vals = vals[m:]
			return s
		}
		nDst, nIn := fn.lens(1, 0)
		n, k := len(vals)/(nDst+len(nIn)), 0
		if fn.rows {
			k = 1 + int(shape)%40
			n = max(0, len(vals)/k-1)
		}
		nDst, nIn = fn.lens(n, k)
		var dst []float64
		in := make([][]float64, len(nIn))
		if fn.name == "AddRows" {
			in[1] = take(nIn[1])
			in[0] = take(nIn[0])
			dst = make([]float64, nDst)
		} else {
			dst = take(nDst)
			for j, m := range nIn {
				in[j] = take(m)
			}
		}
		checkArith(t, fn, dst, in, int(shape)%5)
	})
}

func FuzzAddRows(f *testing.F)         { fuzzArith(f, "AddRows") }
func FuzzReLU(f *testing.F)            { fuzzArith(f, "ReLU") }
func FuzzAddReLUGrad(f *testing.F)     { fuzzArith(f, "AddReLUGrad") }
func FuzzAddTanhGrad(f *testing.F)     { fuzzArith(f, "AddTanhGrad") }
func FuzzAddLogisticGrad(f *testing.F) { fuzzArith(f, "AddLogisticGrad") }
func FuzzAddColSums(f *testing.F)      { fuzzArith(f, "AddColSums") }
func FuzzAdd(f *testing.F)             { fuzzArith(f, "Add") }
