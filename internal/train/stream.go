package train

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"

	"github.com/mlptrain/mlptrain/internal/config"
	"github.com/mlptrain/mlptrain/internal/data"
	"github.com/mlptrain/mlptrain/internal/inputerr"
	"github.com/mlptrain/mlptrain/internal/layers"
	"gonum.org/v1/gonum/mat"
)

// Streaming (data.stream: true): training from a file larger than memory.
//
// Prepare makes one pass over data.train (data.Scan) that learns the
// columns, the encoding (levels with their counts, the mean imputation;
// the median is refused) and the normalization (Welford's mean and
// variance, or the least and greatest value), and picks the validation
// rows: with a fraction f, row i (counting the rows whose target is
// present) is a validation row when a seeded hash of i is below f, which
// holds out about f of the rows (not exactly, and not stratified). They
// are read back into memory by position, within the memory limit; a
// validation file is read as without streaming. The training metrics at
// the end are those of a sample: the shuffle_buffer training rows of
// least seeded hash, a uniform sample (Metrics.n says its size).
//
// Each epoch reads the file again, a row at a time, into a shuffle
// buffer of data.shuffle_buffer rows: once it is full, each row read
// takes the place of a buffered row drawn uniformly, which is emitted;
// at the end of the file the rest are emitted in random order. The
// minibatches are the emitted rows in order, encoded as they come. The
// draws come from the stream streamBuffer. The file is checked at the
// start of each epoch (size and time) and at its end (its CRC-32C, which
// must be that of the first pass); a change is an *inputerr.Error.
//
// A checkpoint holds the position of the next row to read, the buffer as
// the positions of its rows (read again on --resume) and the stream's
// state, so that a resumed run is bit-identical to one not interrupted.

// streamBuffer is the random-number stream of the shuffle buffer.
const streamBuffer = 8

// Salts of the seeded hashes of a streamed file's rows.
const (
	saltHold   = streamSplit // the validation rows
	saltSample = 10          // the training sample of the final metrics
)

// rowHash is a seeded hash of a row index (SplitMix64's finalizer).
func rowHash(seed, salt uint64, row int) uint64 {
	z := seed*0x9e3779b97f4a7c15 ^ salt<<56 ^ uint64(row)
	z += 0x9e3779b97f4a7c15
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	return z ^ z>>31
}

// holdFraction returns whether a row is a validation row, for a
// fraction f of the rows.
func holdFraction(seed uint64, f float64) func(int) bool {
	cut := uint64(math.Ldexp(f, 64))
	if f >= 1 {
		cut = math.MaxUint64
	}
	return func(row int) bool { return rowHash(seed, saltHold, row) < cut }
}

// streamData is what training needs to stream a problem's file.
type streamData struct {
	sum   *data.Summary
	hold  func(int) bool // nil: no row is held out
	names []string       // the model's inputs
}

func streamKeyErr(cfg *config.Config, key, hint string, err error) error {
	return cfg.KeyError(key, hint, err)
}

// prepareStream is prepare for data.stream: true.
func prepareStream(cfg *config.Config, limit MemoryLimit, rows *Rows) (*Problem, error) {
	d := cfg.Data
	switch {
	case rows != nil:
		return nil, streamKeyErr(cfg, "data.stream", "use data.stream: false with cv and sweep", errors.New("cv folds and given rows need the data in memory"))
	case d.FeatureMap.Polynomial > 1:
		return nil, streamKeyErr(cfg, "data.feature_map.polynomial", "use 1 with data.stream: true", errors.New("a polynomial feature map is not supported with data.stream"))
	case d.NormalizeTarget == data.Standardize:
		return nil, streamKeyErr(cfg, "data.normalize_target", "use none with data.stream: true", errors.New("target normalization is not supported with data.stream"))
	case cfg.Train.ClassWeight.Balanced():
		return nil, streamKeyErr(cfg, "train.class_weight", "give the weights by class, or none, with data.stream: true", errors.New("balanced class weights are not supported with data.stream"))
	}
	opt := readOptions(cfg)
	seed := cfg.Train.Seed
	so := data.ScanOptions{Options: opt, Sample: d.ShuffleBuffer, SampleKey: func(row int) uint64 { return rowHash(seed, saltSample, row) }}
	sd := &streamData{}
	frac, isFrac := d.ValidationFraction()
	if isFrac && frac > 0 {
		sd.hold = holdFraction(seed, frac)
		so.Hold = sd.hold
	}
	sum, err := data.Scan(d.Train, so)
	if err != nil {
		return nil, err
	}
	sd.sum = sum
	if sum.Train == 0 || isFrac && frac > 0 && len(sum.Held) == 0 {
		return nil, &inputerr.Error{File: cfg.File, Key: "data.validation",
			Err:  fmt.Errorf("the fraction %g leaves %d training and %d validation rows of %d", frac, sum.Train, len(sum.Held), sum.Rows),
			Hint: "use a fraction that leaves rows on both sides, a validation file, or 0 for no validation"}
	}
	p := &Problem{Config: cfg, Classes: sum.Classes, Dropped: sum.Dropped, Features: sum.FeatureNames, stream: sd}
	if sum.Dropped > 0 {
		p.Warnings = append(p.Warnings, fmt.Sprintf("%s: %d row%s with a missing target left out (the first on line %d)", d.Train, sum.Dropped, plural(sum.Dropped), sum.DroppedLine))
	}
	enc, warn, err := data.FitEncodingSummary(sum, data.EncodeOptions{Impute: d.Impute, Indicator: d.MissingIndicator, MaxCategories: d.MaxCategories})
	if err != nil {
		return nil, placeErr(err, d.Train)
	}
	p.Encoding, p.Warnings = enc, append(p.Warnings, warn...)
	p.Poly = data.Polynomial{Degree: 1, Inputs: enc.NumericCount()}
	// Memory: the sample, the held-out rows and the buffer, never the file.
	dense, levels := inputWidths(enc, p.Poly)
	w1 := dense
	for _, l := range levels {
		w1 += l
	}
	k := len(sum.TargetNames)
	if sum.Classes != nil {
		k = len(sum.Classes)
	}
	est := estimateMemory(cfg, len(sum.Sample)+d.ShuffleBuffer, len(sum.Held), len(sum.FeatureNames), dense+len(levels), w1, k)
	if err := checkMemory(cfg, limit, est, false); err != nil {
		return nil, err
	}
	train, err := sum.ReadRows(sum.Sample)
	if err != nil {
		return nil, err
	}
	p.Columns = columnInfo(train, enc, sum.Missing, cfg)
	var val *data.Dataset
	if sd.hold != nil {
		if val, err = sum.ReadRows(sum.Held); err != nil {
			return nil, err
		}
	} else if !isFrac && d.Validation != "" {
		vo := p.fileOptions(opt)
		vo.MaxBytes, vo.MaxBytesSource = limit.Bytes, limit.Source
		if val, err = data.ReadFile(d.Validation, vo); err != nil {
			return nil, err
		}
	}
	sd.names = inputNames(enc, p.Poly)
	scaler, warn, err := data.ScalerFromMoments(d.Normalize, data.DenseMoments(sum, enc), sd.names)
	if err != nil {
		return nil, placeErr(err, d.Train)
	}
	p.Scaler, p.Warnings = scaler, append(p.Warnings, warn...)
	for _, ds := range []*data.Dataset{train, val} {
		if ds != nil {
			dn, codes := encodeInputs(enc, p.Poly, ds)
			setInputs(ds, dn, codes, scaler, sd.names)
		}
	}
	train.Unknown = nil
	p.Train, p.Val = train, val
	valWhat := d.Validation
	if sd.hold != nil {
		valWhat = "the validation rows of " + d.Train
	}
	p.Warnings = append(p.Warnings, dataWarnings(val, valWhat, p.Encoding)...)
	if err := p.spec(train); err != nil {
		return nil, err
	}
	if cfg.Model.Weights != "" {
		w, err := layers.LoadWeights(cfg.Model.Weights)
		if err != nil {
			return nil, err
		}
		m, _ := layers.New(p.Spec)
		if err := m.SetWeights(w); err != nil {
			return nil, err
		}
		p.Weights = w
	}
	return p, nil
}

// fingerprint is the checkpoint's fingerprint of a streamed file: its
// size, checksum, rows and validation rows.
func (sd *streamData) fingerprint() string {
	s := sd.sum
	h := sha256.Sum256(fmt.Appendf(nil, "stream %d %08x %d %d %d", s.Size, s.CRC, s.Rows, s.Train, len(s.Held)))
	return hex.EncodeToString(h[:])
}

// StreamState is a checkpoint's state of the shuffle buffer: the
// position of the next row to read, whether the file is read to its end,
// the positions of the buffered rows (in the buffer's order) and the
// buffer's random-number stream.
type StreamState struct {
	RNG    []byte     `json:"rng"`
	Next   data.Pos   `json:"next"`
	EOF    bool       `json:"eof,omitempty"`
	Buffer []data.Pos `json:"buffer,omitempty"`
}

// rowBlock is a block of rows the reading goroutine hands over.
type rowBlock struct {
	rows []data.Row
	err  error // io.EOF at the end
}

// streamer reads a problem's training rows, epoch after epoch, through
// its shuffle buffer, and makes minibatches of them.
type streamer struct {
	p    *Problem
	sd   *streamData
	size int // the buffer's capacity
	src  *rand.PCG
	rng  *rand.Rand
	d, k int // raw features, regression targets

	// The buffer: n rows, each x (d values), y (k), its label and position.
	n   int
	bx  []float64
	by  []float64
	bl  []int
	bp  []data.Pos
	eof bool
	// next is the position after the last row taken from the reader.
	next    data.Pos
	summing bool // the reader sums the file up (an epoch read from its start)

	rr      *data.RowReader
	ch      chan rowBlock
	done    chan struct{}
	block   []data.Row
	bi      int
	pending error // the error after the rows of block
}

func newStreamer(p *Problem) *streamer {
	sd := p.stream
	s := &streamer{p: p, sd: sd, size: p.Config.Data.ShuffleBuffer, d: len(sd.sum.FeatureNames)}
	if sd.sum.Classes == nil {
		s.k = len(sd.sum.TargetNames)
	}
	s.src = rand.NewPCG(p.Config.Train.Seed, streamBuffer)
	s.rng = rand.New(s.src)
	s.bx, s.by = make([]float64, s.size*s.d), make([]float64, s.size*s.k)
	s.bl, s.bp = make([]int, s.size), make([]data.Pos, s.size)
	return s
}

// reset starts an epoch: the file from its first row, the buffer empty.
func (s *streamer) reset() {
	s.stop()
	s.n, s.eof, s.next, s.summing = 0, false, s.sd.sum.Start, true
}

// stop stops the reading goroutine, if any, and closes the file.
func (s *streamer) stop() {
	if s.done == nil {
		return
	}
	close(s.done)
	for range s.ch {
	}
	s.rr.Close()
	s.rr, s.ch, s.done, s.block, s.bi, s.pending = nil, nil, nil, nil, 0, nil
}

// readBlock is the number of rows the reading goroutine hands over at once.
const readBlock = 256

// start starts the reading goroutine at s.next.
func (s *streamer) start() error {
	rr, err := s.sd.sum.NewRowReader(s.next, s.summing)
	if err != nil {
		return err
	}
	s.rr, s.ch, s.done = rr, make(chan rowBlock, 8), make(chan struct{})
	go func(ch chan<- rowBlock, done <-chan struct{}) {
		defer close(ch)
		for {
			blk := rowBlock{rows: make([]data.Row, readBlock)}
			xs, ys := make([]float64, readBlock*s.d), make([]float64, readBlock*s.k)
			i := 0
			for i < readBlock {
				r := &blk.rows[i]
				r.X, r.Y = xs[i*s.d:(i+1)*s.d:(i+1)*s.d], ys[i*s.k:(i+1)*s.k:(i+1)*s.k]
				if blk.err = rr.Next(r); blk.err != nil {
					break
				}
				if s.sd.hold != nil && s.sd.hold(r.Pos.Row) {
					continue
				}
				i++
			}
			blk.rows = blk.rows[:i]
			select {
			case ch <- blk:
			case <-done:
				return
			}
			if blk.err != nil {
				return
			}
		}
	}(s.ch, s.done)
	return nil
}

// read returns the next training row from the file, or io.EOF.
func (s *streamer) read() (*data.Row, error) {
	if s.ch == nil {
		if err := s.start(); err != nil {
			return nil, err
		}
	}
	for s.bi == len(s.block) {
		if s.pending != nil {
			return nil, s.pending
		}
		blk, ok := <-s.ch
		if !ok {
			return nil, io.EOF
		}
		s.block, s.bi, s.pending = blk.rows, 0, blk.err
	}
	r := &s.block[s.bi]
	s.bi++
	s.next = r.Next
	return r, nil
}

// put copies row r into slot i of the buffer.
func (s *streamer) put(i int, r *data.Row) {
	copy(s.bx[i*s.d:(i+1)*s.d], r.X)
	copy(s.by[i*s.k:(i+1)*s.k], r.Y)
	s.bl[i], s.bp[i] = r.Label, r.Pos
}

// emitInto copies slot i of the buffer into row j of the batch.
func (s *streamer) emitInto(b *data.Dataset, j, i int) {
	copy(b.X.RawRowView(j), s.bx[i*s.d:(i+1)*s.d])
	if s.k > 0 {
		copy(b.Y.RawRowView(j), s.by[i*s.k:(i+1)*s.k])
	}
	if b.Labels != nil {
		b.Labels[j] = s.bl[i]
	}
	b.Lines[j] = s.bp[i].Line
}

// batch returns the next n rows of the epoch, encoded for the model, and
// their targets.
func (s *streamer) batch(n int) (*data.Dataset, *mat.Dense, error) {
	sum := s.sd.sum
	b := &data.Dataset{File: sum.File, FeatureNames: sum.FeatureNames, TargetNames: sum.TargetNames, Classes: sum.Classes, Levels: sum.Levels,
		X: mat.NewDense(n, s.d, nil), Lines: make([]int, n)}
	if s.k > 0 {
		b.Y = mat.NewDense(n, s.k, nil)
	}
	if sum.Classes != nil {
		b.Labels = make([]int, n)
	}
	for j := range n {
		for !s.eof && s.n < s.size {
			r, err := s.read()
			if err == io.EOF {
				s.eof = true
				break
			}
			if err != nil {
				return nil, nil, err
			}
			s.put(s.n, r)
			s.n++
		}
		if !s.eof {
			r, err := s.read()
			switch {
			case err == nil:
				i := s.rng.IntN(s.size)
				s.emitInto(b, j, i)
				s.put(i, r)
				continue
			case err != io.EOF:
				return nil, nil, err
			}
			s.eof = true
		}
		if s.n == 0 {
			return nil, nil, sum.ChangedError("it has fewer rows than at first")
		}
		i := s.rng.IntN(s.n)
		s.emitInto(b, j, i)
		s.n--
		if i != s.n {
			copy(s.bx[i*s.d:(i+1)*s.d], s.bx[s.n*s.d:(s.n+1)*s.d])
			copy(s.by[i*s.k:(i+1)*s.k], s.by[s.n*s.k:(s.n+1)*s.k])
			s.bl[i], s.bp[i] = s.bl[s.n], s.bp[s.n]
		}
	}
	p := s.p
	dense, codes := encodeInputs(p.Encoding, p.Poly, b)
	setInputs(b, dense, codes, p.Scaler, s.sd.names)
	t, err := Targets(b, p.Spec.Loss, outputWidth(p))
	if err != nil {
		return nil, nil, err
	}
	return b, t, nil
}

// outputWidth is the width of the model's output.
func outputWidth(p *Problem) int { return p.Spec.Units[len(p.Spec.Units)-1] }

// finish checks, at the end of an epoch, that the file was read to its
// end with no row left, and is as it was.
func (s *streamer) finish() error {
	if !s.eof {
		if _, err := s.read(); err != io.EOF {
			if err == nil {
				return s.sd.sum.ChangedError("it has more rows than at first")
			}
			return err
		}
		s.eof = true
	}
	if s.n > 0 {
		return s.sd.sum.ChangedError("it has more rows than at first")
	}
	var err error
	if s.rr != nil {
		err = s.rr.Check()
	}
	s.stop()
	return err
}

// state returns the checkpoint's state of the stream.
func (s *streamer) state() *StreamState {
	rng, _ := s.src.MarshalBinary() // never fails
	st := &StreamState{RNG: rng, Next: s.next, EOF: s.eof}
	st.Buffer = append([]data.Pos{}, s.bp[:s.n]...)
	return st
}

// restore sets the stream to a checkpoint's state, reading the buffered
// rows again.
func (s *streamer) restore(st *StreamState, started bool) error {
	if st == nil {
		return errors.New("no state of the shuffle buffer")
	}
	if err := s.src.UnmarshalBinary(st.RNG); err != nil {
		return err
	}
	s.reset()
	if !started {
		return nil
	}
	if len(st.Buffer) > s.size {
		return fmt.Errorf("a shuffle buffer of %d rows, want at most %d", len(st.Buffer), s.size)
	}
	rows, err := s.sd.sum.ReadRowsAt(st.Buffer)
	if err != nil {
		return err
	}
	for i := range rows {
		s.put(i, &rows[i])
	}
	s.n, s.eof, s.next, s.summing = len(rows), st.EOF, st.Next, false
	return nil
}
