package train

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"runtime"
	"testing"

	"github.com/mlptrain/mlptrain/internal/data"
)

// randFloat draws a finite float64 that stresses encoding/json's float
// format: its cutoffs between 'f' and 'e' (1e-6, 1e21) and around them,
// zeros of both signs, subnormals, the extremes, float32 values, and
// random bits.
func randFloat(rng *rand.Rand) float64 {
	special := []float64{0, math.Copysign(0, -1), 1e-7, 1e21, 1e-6, 1e20, 9.999999999999999e-7, 9.999999999999999e20,
		1.0000000000000001e-6, 1e-5, 1e-10, 1.5e-300, 5e-324, 2.2250738585072014e-308, 2.225073858507201e-308,
		math.MaxFloat64, math.SmallestNonzeroFloat64, math.MaxFloat32, 1, 0.1, 100, 123456789012345678, 1e22, 1e100, 0.5}
	var v float64
	switch rng.IntN(6) {
	case 0:
		v = special[rng.IntN(len(special))]
	case 1:
		for {
			v = math.Float64frombits(rng.Uint64())
			if !math.IsNaN(v) && !math.IsInf(v, 0) {
				break
			}
		}
	case 2:
		v = float64(float32(rng.NormFloat64() * math.Pow(10, float64(rng.IntN(80)-40))))
	case 3:
		v = math.Float64frombits(rng.Uint64N(1 << 52)) // subnormal
	case 4:
		v = rng.NormFloat64() * math.Pow(10, float64(rng.IntN(60)-30))
	default:
		v = rng.NormFloat64() * 0.05
	}
	if math.IsInf(v, 0) {
		v = math.MaxFloat32 // a float32 out of range
	}
	if rng.IntN(2) == 0 {
		v = -v
	}
	return v
}

func randFloats(rng *rand.Rand, n int) []float64 {
	switch rng.IntN(8) {
	case 0:
		return nil
	case 1:
		return []float64{}
	}
	v := make([]float64, n)
	for i := range v {
		v[i] = randFloat(rng)
	}
	return v
}

// randString draws a string of ASCII, HTML characters, control
// characters, U+2028, non-ASCII and invalid UTF-8.
func randString(rng *rand.Rand) string {
	parts := []string{"a", "x1", " ", "<", ">", "&", "\"", "\\", "\n", "\t", "\b", "\f", "\r", "\x00", "\x1f", "\x7f",
		"é", "€", "\u2028", "\u2029", "\xff", "\xe2\x82", "𝄞", "(other)"}
	var b []byte
	for range rng.IntN(6) {
		b = append(b, parts[rng.IntN(len(parts))]...)
	}
	return string(b)
}

func randStrings(rng *rand.Rand, n int) []string {
	switch rng.IntN(5) {
	case 0:
		return nil
	case 1:
		return []string{}
	}
	s := make([]string, n)
	for i := range s {
		s[i] = randString(rng)
	}
	return s
}

// randModelFile draws a model file of up to big parameters a layer.
func randModelFile(rng *rand.Rand, big int) *modelFile {
	f := &modelFile{Format: modelFormat, Version: rng.IntN(4), Loss: randString(rng), Inputs: rng.IntN(1000),
		Features: randStrings(rng, rng.IntN(5)), Targets: randStrings(rng, 2), Classes: randStrings(rng, 3),
		FeatureMap: featureMap{Polynomial: rng.IntN(3), InteractionsOnly: rng.IntN(2) == 0}}
	if rng.IntN(3) > 0 {
		f.Normalize = &data.Scaler{Method: randString(rng), Offset: randFloats(rng, 3), Scale: randFloats(rng, 3)}
	}
	if rng.IntN(2) == 0 {
		f.Columns = []data.ColumnEncoding{{Name: randString(rng), Type: "numeric"}, {Name: "c", Type: "categorical", Levels: randStrings(rng, 2)}}
		f.Categorical = []int{rng.IntN(5)}
	}
	if rng.IntN(2) == 0 {
		f.Read = &Reading{Delimiter: randString(rng), Decimal: ".", Missing: randStrings(rng, 2)}
	}
	if rng.IntN(2) == 0 {
		f.Precision = "float32"
	}
	if rng.IntN(6) == 0 {
		f.Checksum = "sha256:" + randString(rng)
	}
	if rng.IntN(8) == 0 {
		return f // no layers: null
	}
	f.Layers = []layerFile{}
	for range rng.IntN(4) {
		units := 1 + rng.IntN(20)
		if big > 0 && rng.IntN(2) == 0 {
			units = big / 64
		}
		rows := rng.IntN(70)
		l := layerFile{Units: units, Activation: randString(rng)}
		if rng.IntN(10) > 0 {
			l.W = make([][]float64, rows)
			for r := range l.W {
				l.W[r] = randFloats(rng, units)
			}
		}
		l.B = randFloats(rng, units)
		if rng.IntN(3) == 0 {
			l.BatchNorm = &bnFile{Gamma: randFloats(rng, units), Beta: randFloats(rng, units), RunningMean: randFloats(rng, units), RunningVar: randFloats(rng, units)}
		}
		f.Layers = append(f.Layers, l)
	}
	return f
}

func randFloats2(rng *rand.Rand, sizes []int) [][]float64 {
	if rng.IntN(6) == 0 {
		return nil
	}
	out := make([][]float64, len(sizes))
	for i, n := range sizes {
		out[i] = randFloats(rng, n)
	}
	return out
}

// randCheckpoint draws a checkpoint whose tensors have up to big
// entries.
func randCheckpoint(rng *rand.Rand, big int) *Checkpoint {
	sizes := make([]int, rng.IntN(6))
	for i := range sizes {
		sizes[i] = rng.IntN(50)
		if big > 0 && rng.IntN(2) == 0 {
			sizes[i] = big
		}
	}
	c := &Checkpoint{Format: checkpointFormat, Version: rng.IntN(4), Config: randString(rng) + "\ntrain:\n  epochs: 3\n", Data: randString(rng),
		Epoch: rng.IntN(9), Step: rng.IntN(100), Started: rng.IntN(2) == 0, Sum: FormatFloat(randFloat(rng)), Correct: rng.IntN(100),
		Seconds: "NaN", Weights: randFloats2(rng, sizes), BestLoss: "+Inf", BestEpoch: rng.IntN(5), Clipped: rng.IntN(3)}
	if rng.IntN(2) == 0 {
		c.Perm = rng.Perm(rng.IntN(40))
	}
	if rng.IntN(4) > 0 {
		c.RNG = make([]byte, rng.IntN(30))
		for i := range c.RNG {
			c.RNG[i] = byte(rng.IntN(256))
		}
	}
	if rng.IntN(2) == 0 {
		c.MaskRNG = []byte("<mask&>")
	}
	if rng.IntN(2) == 0 {
		c.EpochStart = randFloats2(rng, sizes)
	}
	if rng.IntN(2) == 0 {
		c.Best = randFloats2(rng, sizes)
	}
	if rng.IntN(4) > 0 {
		c.Optimizer = &OptimizerState{Steps: rng.IntN(1000)}
		for _, name := range []string{"m", "v", "<&>\u2028"}[:rng.IntN(4)] {
			c.Optimizer.Buffers = append(c.Optimizer.Buffers, StateBuffer{Name: name, Data: randFloats2(rng, sizes)})
		}
	}
	if rng.IntN(2) == 0 {
		c.Schedule = &ScheduleState{Rate: "0.1", Best: "-Inf", Bad: 2}
	}
	if rng.IntN(3) == 0 {
		c.Stream = &StreamState{RNG: []byte{1, 2, 3}, Next: data.Pos{Offset: 12, Line: 2, Row: 1}, Buffer: []data.Pos{{Offset: 5}}}
	}
	if rng.IntN(5) > 0 {
		for e := range rng.IntN(4) {
			c.History = append(c.History, []string{fmt.Sprint(e + 1), FormatFloat(randFloat(rng)), "NaN", randString(rng)})
		}
	}
	if rng.IntN(6) == 0 {
		c.Checksum = "sha256:" + randString(rng)
	}
	return c
}

// sealTwice is seal as it was, marshalling a second time with the
// checksum.
func sealTwice(sum *string, marshal func() ([]byte, error)) ([]byte, error) {
	*sum = ""
	b, err := marshal()
	if err != nil {
		return nil, err
	}
	h := sha256.Sum256(b)
	*sum = "sha256:" + hex.EncodeToString(h[:])
	return marshal()
}

// TestJSONWriterMatchesEncodingJSON checks that model.json and
// checkpoint.json are written byte for byte as encoding/json writes them
// (json.MarshalIndent(f, "", " "), json.Marshal(c)), sealed or not, on
// random files, small and big (formatted in parallel), at 1 and 4
// goroutines, and that a non-finite value fails as it does there.
func TestJSONWriterMatchesEncodingJSON(t *testing.T) {
	for _, procs := range []int{1, 4} {
		for _, big := range []int{0, 3 * parallelFloats} {
			t.Run(fmt.Sprintf("procs%d-big%d", procs, big), func(t *testing.T) {
				defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
				rng := rand.New(rand.NewPCG(13, uint64(procs+big)))
				runs := 300
				if big > 0 {
					runs = 4
				}
				for i := range runs {
					f := randModelFile(rng, big)
					want, werr := json.MarshalIndent(f, "", " ")
					got, gerr := marshalModel(f)
					compareJSON(t, fmt.Sprintf("model %d", i), got, gerr, want, werr)
					g := *f
					want, werr = sealTwice(&f.Checksum, func() ([]byte, error) { return json.MarshalIndent(f, "", " ") })
					got, gerr = encode(&g)
					compareJSON(t, fmt.Sprintf("sealed model %d", i), got, gerr, append(want, '\n'), werr)

					c := randCheckpoint(rng, big)
					want, werr = json.Marshal(c)
					got, gerr = marshalCheckpoint(c)
					compareJSON(t, fmt.Sprintf("checkpoint %d", i), got, gerr, want, werr)
					d := *c
					want, werr = sealTwice(&c.Checksum, func() ([]byte, error) { return json.Marshal(c) })
					got, gerr = seal(&d.Checksum, d.marshal, withCheckpointChecksum)
					compareJSON(t, fmt.Sprintf("sealed checkpoint %d", i), got, gerr, want, werr)
					if d.Checksum != c.Checksum {
						t.Fatalf("checkpoint %d: checksum %s, want %s", i, d.Checksum, c.Checksum)
					}
				}
			})
		}
	}
}

// TestJSONWriterNonFinite checks that a NaN or infinity anywhere in a
// model's or checkpoint's arrays fails as encoding/json fails, naming
// the first one.
func TestJSONWriterNonFinite(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(4))
	rng := rand.New(rand.NewPCG(13, 99))
	for i := range 40 {
		big := 0
		if i%2 == 1 {
			big = 3 * parallelFloats
		}
		f := randModelFile(rng, big)
		c := randCheckpoint(rng, big)
		var slots []*float64
		for _, l := range f.Layers {
			for _, r := range l.W {
				for j := range r {
					slots = append(slots, &r[j])
				}
			}
			for j := range l.B {
				slots = append(slots, &l.B[j])
			}
		}
		for _, d := range c.Weights {
			for j := range d {
				slots = append(slots, &d[j])
			}
		}
		if len(slots) == 0 {
			continue
		}
		for _, v := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)}[:1+rng.IntN(3)] {
			*slots[rng.IntN(len(slots))] = v
		}
		want, werr := json.MarshalIndent(f, "", " ")
		got, gerr := marshalModel(f)
		compareJSON(t, fmt.Sprintf("model %d", i), got, gerr, want, werr)
		want, werr = json.Marshal(c)
		got, gerr = marshalCheckpoint(c)
		compareJSON(t, fmt.Sprintf("checkpoint %d", i), got, gerr, want, werr)
	}
}

func compareJSON(t *testing.T, what string, got []byte, gerr error, want []byte, werr error) {
	t.Helper()
	if (gerr == nil) != (werr == nil) || gerr != nil && gerr.Error() != werr.Error() {
		t.Fatalf("%s: error %v, want %v", what, gerr, werr)
	}
	if werr != nil {
		return
	}
	if !bytes.Equal(got, want) {
		i := 0
		for i < min(len(got), len(want)) && got[i] == want[i] {
			i++
		}
		t.Fatalf("%s: %d bytes differ from encoding/json's %d at byte %d:\ngot  %q\nwant %q", what, len(got), len(want), i,
			got[max(i-80, 0):min(i+80, len(got))], want[max(i-80, 0):min(i+80, len(want))])
	}
}

// TestJSONWriterKnowsEveryField fails when modelFile, layerFile, bnFile
// or Checkpoint gains a field that jsonwrite.go does not write.
func TestJSONWriterKnowsEveryField(t *testing.T) {
	for _, tc := range []struct {
		v    any
		want int
	}{
		{modelFile{}, modelFileFields},
		{layerFile{}, layerFileFields},
		{bnFile{}, 4},
		{Checkpoint{}, checkpointFields},
	} {
		n := 0
		typ := reflect.TypeOf(tc.v)
		for i := range typ.NumField() {
			if typ.Field(i).IsExported() {
				n++
			}
		}
		if n != tc.want {
			t.Errorf("%s has %d exported fields, jsonwrite.go writes %d: teach marshalModel or marshalCheckpoint the new one", typ, n, tc.want)
		}
	}
}

// TestJSONFloat checks appendJSONFloat against encoding/json on the
// values around its format's cutoffs.
func TestJSONFloat(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 7))
	vals := []float64{0, math.Copysign(0, -1), 1e-6, math.Nextafter(1e-6, 0), math.Nextafter(1e-6, 1), 1e21,
		math.Nextafter(1e21, 0), math.Nextafter(1e21, 2e21), 1e-7, 1e-10, 1e-100, 1e-300, 5e-324, 1e300, math.MaxFloat64}
	for range 100000 {
		vals = append(vals, randFloat(rng))
	}
	for _, v := range vals {
		want, _ := json.Marshal(v)
		if got := appendJSONFloat(nil, v); !bytes.Equal(got, want) {
			t.Fatalf("appendJSONFloat(%v) = %s, want %s", v, got, want)
		}
	}
}

// BenchmarkSealJSON times sealing model.json and checkpoint.json of the
// reference network (784-256-10, SGD without momentum) as encoding/json
// did (marshalling twice) and as jsonwrite.go does.
func BenchmarkSealJSON(b *testing.B) {
	rng := rand.New(rand.NewPCG(13, 1))
	f := &modelFile{Format: modelFormat, Version: ModelVersion, Loss: "cross_entropy", Inputs: 784, Read: &Reading{",", ".", []string{}}}
	var weights [][]float64
	for _, s := range [][2]int{{784, 256}, {256, 10}} {
		l := layerFile{Units: s[1], Activation: "relu", W: make([][]float64, s[0]), B: make([]float64, s[1])}
		w := make([]float64, 0, s[0]*s[1])
		for r := range l.W {
			l.W[r] = make([]float64, s[1])
			for j := range l.W[r] {
				l.W[r][j] = rng.NormFloat64() * 0.05
			}
			w = append(w, l.W[r]...)
		}
		f.Layers = append(f.Layers, l)
		weights = append(weights, w, l.B)
	}
	c := &Checkpoint{Format: checkpointFormat, Version: checkpointVersion, Weights: weights, Optimizer: &OptimizerState{Steps: 1876}}
	b.Run("model/encoding_json", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := sealTwice(&f.Checksum, func() ([]byte, error) { return json.MarshalIndent(f, "", " ") }); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("model/jsonwrite", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := encode(f); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("checkpoint/encoding_json", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := sealTwice(&c.Checksum, func() ([]byte, error) { return json.Marshal(c) }); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("checkpoint/jsonwrite", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := seal(&c.Checksum, c.marshal, withCheckpointChecksum); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// TestSHA256Floats checks sha256Floats against the SHA-256 of the values
// encoded as little-endian float64s one by one.
func TestSHA256Floats(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 3))
	for i := range 20 {
		var ds [][]float64
		h := sha256.New()
		for range rng.IntN(4) {
			d := randFloats(rng, rng.IntN(3000))
			ds = append(ds, d)
			for _, v := range d {
				var b [8]byte
				for j := range b {
					b[j] = byte(math.Float64bits(v) >> (8 * j))
				}
				h.Write(b[:])
			}
		}
		if got, want := sha256Floats(ds...), hex.EncodeToString(h.Sum(nil)); got != want {
			t.Fatalf("case %d: sha256Floats = %s, want %s", i, got, want)
		}
	}
}
