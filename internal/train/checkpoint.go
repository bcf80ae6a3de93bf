package train

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/mlptrain/mlptrain/internal/atomicfile"
	"github.com/mlptrain/mlptrain/internal/config"
	"github.com/mlptrain/mlptrain/internal/inputerr"
	"github.com/mlptrain/mlptrain/internal/runfolder"
	"github.com/mlptrain/mlptrain/internal/sysmem"
	"gonum.org/v1/gonum/mat"
)

const (
	checkpointFormat = "mlptrain-checkpoint"
	// checkpointVersion 2 added the checksum, which version 1 lacks; 3
	// the learning rate of each epoch of the history, the schedule's
	// state and the count of clipped steps; 4 fingerprints data held in
	// memory by XXH3-128 rather than SHA-256 (see fingerprint).
	checkpointVersion = 4
	// maxCheckpointBytes bounds what LoadCheckpoint reads.
	maxCheckpointBytes = 4 << 30
)

// Checkpoint is checkpoint.json: the whole state of a training run, so
// that fit --resume continues it exactly. Floats are stored in their
// shortest exact form (weights as JSON numbers, metrics as strings that
// can also hold NaN), so a resumed run is bit-identical to an
// uninterrupted one. A checksum, computed as model.json's (seal), guards
// it against damage.
type Checkpoint struct {
	Format  string `json:"format"`
	Version int    `json:"version"`
	// Config is the resolved config without output.dir and train.epochs,
	// which a resumed run may change; the rest must match.
	Config string `json:"config"`
	// Data is the fingerprint of the prepared training data (see
	// trainer.fingerprint).
	Data string `json:"data"`

	Epoch   int    `json:"epoch"`   // the epoch in progress, 1-based
	Step    int    `json:"step"`    // minibatches done in it
	Started bool   `json:"started"` // its order is drawn (Perm)
	Perm    []int  `json:"perm,omitempty"`
	RNG     []byte `json:"rng"` // the shuffling stream's PCG state
	// MaskRNG is the dropout masks' stream's PCG state, for a run with
	// dropout (checkpoints of runs without, and those written before
	// dropout existed, have none).
	MaskRNG []byte `json:"mask_rng,omitempty"`
	Sum     string `json:"sum"` // the epoch's row-weighted loss so far
	Correct int    `json:"correct"`
	Seconds string `json:"seconds"`

	// Weights holds W1, b1, W2, b2, ... row-major (γ and β in place of
	// b for a layer with batch normalization), then the running mean and
	// variance of each such layer.
	Weights [][]float64 `json:"weights"`
	// EpochStart holds the weights at the start of the epoch in progress
	// (when Step > 0): what model.json holds if the run stops again
	// before the epoch ends.
	EpochStart [][]float64     `json:"epoch_start,omitempty"`
	Optimizer  *OptimizerState `json:"optimizer"`
	// Schedule is the plateau schedule's state (version 3), and Clipped
	// the number of steps whose gradient clip_norm scaled.
	Schedule *ScheduleState `json:"schedule,omitempty"`
	Clipped  int            `json:"clipped,omitempty"`
	// Stream is the shuffle buffer's state, with data.stream.
	Stream *StreamState `json:"stream,omitempty"`

	History   [][]string  `json:"history"`   // epoch, train_loss, val_loss, train_acc, val_acc, seconds, learning rate (version 3)
	BestLoss  string      `json:"best_loss"` // the best value of the early-stopping metric (val_loss before it could be chosen)
	BestEpoch int         `json:"best_epoch"`
	Best      [][]float64 `json:"best,omitempty"`

	// Checksum is "sha256:" and the hex SHA-256 of the file written
	// without it. Version 1 files, written before it existed, have none.
	Checksum string `json:"checksum,omitempty"`

	// path is the file LoadCheckpoint read, for messages.
	path string
	// unchecked says that the file had no checksum to check (version 1).
	unchecked bool
}

// FormatFloat formats v in the shortest form that reads back exactly
// ("NaN", "+Inf" for those), as metrics.csv, predictions and checkpoints
// write numbers.
func FormatFloat(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

func flat(ms []*mat.Dense) [][]float64 {
	out := make([][]float64, len(ms))
	for i, m := range ms {
		out[i] = append([]float64(nil), m.RawMatrix().Data...)
	}
	return out
}

// fingerprint returns the fingerprint a checkpoint of the given version
// holds of the training inputs and targets, computed once per run and
// version. For data held in memory, versions 4 and later hash the values
// with XXH3-128 ("xxh3-128:" and 32 hex digits), a non-cryptographic hash
// made for checksums, about 15 times faster than the SHA-256 that
// versions 1 to 3 hold (0.19 s of the reference data's 377 MB on one
// core, a tenth of a 4-epoch fit): the fingerprint guards against
// resuming with other data by mistake, not against an adversary, who
// could edit the checkpoint's config as well. A streamed file's
// fingerprint is the same in every version (streamData.fingerprint).
func (t *trainer) fingerprint(version int) string {
	if t.p.stream != nil {
		if t.dataSum == "" {
			t.dataSum = t.p.stream.fingerprint()
		}
		return t.dataSum
	}
	x, y := t.p.Train.X.RawMatrix().Data, t.tTrain.RawMatrix().Data
	if version < 4 {
		return sha256Floats(x, y) // resuming an older checkpoint: once
	}
	if t.dataSum == "" {
		t.dataSum = xxh3Floats(x, y)
	}
	return t.dataSum
}

// resumeConfig is the config text a checkpoint must match: all but the
// keys that do not change the result (output.dir, train.threads,
// train.checkpoint_every) or that a resumed run may extend (train.epochs).
func resumeConfig(t *trainer) (string, error) {
	c := *t.p.Config
	c.Output.Dir, c.Train.Epochs, c.Train.Threads, c.Train.CheckpointEvery = "", 0, 0, 0
	b, err := c.YAML()
	return string(b), err
}

func (t *trainer) checkpoint() *Checkpoint {
	t.widen()
	rng, _ := t.src.MarshalBinary() // never fails
	cfg, _ := resumeConfig(t)
	c := &Checkpoint{
		Format: checkpointFormat, Version: checkpointVersion, Config: cfg, Data: t.fingerprint(checkpointVersion),
		Epoch: t.epoch, Step: t.step, Started: t.started, RNG: rng,
		Sum: FormatFloat(t.sum), Correct: t.correct, Seconds: FormatFloat(t.secs),
		Weights: flat(t.state), Optimizer: t.opt.State(), Schedule: t.sched.state(), Clipped: t.clipped,
		BestLoss: FormatFloat(t.bestLoss), BestEpoch: t.bestEpoch,
	}
	if t.started {
		c.Perm = t.perm
	}
	if t.maskSrc != nil {
		c.MaskRNG, _ = t.maskSrc.MarshalBinary() // never fails
	}
	if t.stream != nil {
		c.Stream = t.stream.state()
	}
	if t.step > 0 {
		c.EpochStart = flat(t.epochStart)
	}
	if t.best != nil {
		c.Best = flat(t.best)
	}
	for _, s := range t.history {
		c.History = append(c.History, []string{strconv.Itoa(s.Epoch), FormatFloat(s.TrainLoss), FormatFloat(s.ValLoss), FormatFloat(s.TrainAcc), FormatFloat(s.ValAcc), FormatFloat(s.Seconds), FormatFloat(s.LearningRate)})
	}
	return c
}

// marshal encodes c as checkpoint.json holds it, but for the final
// newline: as json.Marshal(c) does (marshalCheckpoint).
func (c *Checkpoint) marshal() ([]byte, error) { return marshalCheckpoint(c) }

// write writes the checkpoint atomically, with its checksum.
func (c *Checkpoint) write(path string) error {
	b, err := seal(&c.Checksum, c.marshal, withCheckpointChecksum)
	if err != nil {
		return fmt.Errorf("encode checkpoint: %w", err)
	}
	return atomicfile.Write(path, func(w io.Writer) error { _, err := w.Write(append(b, '\n')); return err })
}

// uncheckedWarning is the warning for a resumed checkpoint that had no
// checksum to check.
const uncheckedWarning = "%s has no checksum (an mlptrain from before checksums wrote it), so it was resumed unchecked; the checkpoints this run writes have one"

// LoadCheckpoint reads a checkpoint.json. A file that is not one, is
// damaged (its checksum does not match: a digit of a weight changed, a
// truncated file), or comes from another version is refused. A file
// without a checksum, which mlptrain wrote before checkpoints had one
// (version 1), is read unchecked; FitConfig warns when it resumes one.
// Errors are *inputerr.Errors naming the file.
//
// For a run folder's checkpoint.json, LoadCheckpoint reads instead the
// checkpoint of the run that began there last and did not finish (it was
// killed while training, or its files could not be written), if there is
// one: .mlptrain/next/checkpoint.json, the newer.
func LoadCheckpoint(path string) (*Checkpoint, error) {
	if filepath.Base(path) == "checkpoint.json" {
		next := runfolder.NextCheckpoint(filepath.Dir(path))
		if _, err := os.Lstat(next); err == nil {
			path = next
		}
	}
	bad := func(hint, format string, args ...any) error {
		return &inputerr.Error{File: path, Err: fmt.Errorf(format, args...), Hint: hint}
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, bad("give the run folder of a fit that wrote a checkpoint (train.checkpoint_every, or an interrupted run)",
			"cannot open checkpoint: %v", inputerr.PathCause(err))
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxCheckpointBytes+1))
	switch {
	case err != nil:
		return nil, bad("give the run folder of a fit that wrote a checkpoint (train.checkpoint_every, or an interrupted run)",
			"cannot read checkpoint: %v", inputerr.PathCause(err))
	case len(b) > maxCheckpointBytes:
		return nil, bad("this is not a checkpoint mlptrain wrote; start the run again without --resume",
			"checkpoint larger than %s", sysmem.Format(maxCheckpointBytes))
	}
	var c Checkpoint
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		return nil, bad("the file is damaged; start the run again without --resume", "not a valid checkpoint: %v", err)
	}
	if c.Format != checkpointFormat {
		return nil, bad("give the checkpoint.json of a run folder", "not an mlptrain checkpoint (format %q)", c.Format)
	}
	if c.Version < 1 || c.Version > checkpointVersion {
		return nil, bad("resume with the mlptrain version that wrote it", "checkpoint version %d; this mlptrain reads versions 1 to %d", c.Version, checkpointVersion)
	}
	damaged := "the file is damaged; start the run again without --resume"
	switch {
	case c.Checksum == "" && c.Version >= 2:
		return nil, bad(damaged, "no checksum: the file was edited")
	case c.Checksum == "":
		c.unchecked = true
	case !sealed(&c.Checksum, c.marshal):
		return nil, bad(damaged, "checksum mismatch: the file was truncated or edited")
	}
	c.path = path
	return &c, nil
}

func atof(s string) (float64, error) { return strconv.ParseFloat(s, 64) }

// fill copies src into ms, checking shapes.
func fill(ms []*mat.Dense, src [][]float64) error {
	if len(src) != len(ms) {
		return fmt.Errorf("%d parameter tensors, want %d", len(src), len(ms))
	}
	for i, m := range ms {
		d := m.RawMatrix().Data
		if len(src[i]) != len(d) {
			return fmt.Errorf("parameter tensor %d has %d entries, want %d", i+1, len(src[i]), len(d))
		}
		copy(d, src[i])
	}
	return nil
}

// restore sets the trainer to the checkpoint's state, checking that it
// was written for the same config and data.
func (t *trainer) restore(c *Checkpoint) error {
	file := c.path
	if file == "" {
		file = "checkpoint.json"
	}
	bad := func(hint, format string, args ...any) error {
		return &inputerr.Error{File: file, Key: "--resume", Err: fmt.Errorf(format, args...), Hint: hint}
	}
	cfg, err := resumeConfig(t)
	if err != nil {
		return err
	}
	// The checkpoint of a run that did not finish hides the run folder's
	// own; say how to get at that one.
	unfinished := ""
	if runfolder.Unfinished(file) {
		unfinished = fmt.Sprintf("; it is the checkpoint of a run that did not finish: to resume the run folder's checkpoint.json instead, remove %s", filepath.Dir(file))
	}
	if cfg != c.Config && !sameConfig(c.Config, cfg) {
		return bad("resume with the config the run was started with; only train.epochs, train.threads, train.checkpoint_every and output.dir may change"+unfinished,
			"the checkpoint was written for another config%s", configDiff(c.Config, cfg))
	}
	if t.fingerprint(c.Version) != c.Data {
		return bad("resume with the data the run was started with"+unfinished, "the checkpoint was written for other training data")
	}
	var errs []error
	perr := func(err error) {
		if err != nil {
			errs = append(errs, err)
		}
	}
	perr(fill(t.state, c.Weights))
	if c.Best != nil {
		t.best = cloneAll(t.state)
		perr(fill(t.best, c.Best))
	}
	perr(t.src.UnmarshalBinary(c.RNG))
	if t.maskSrc != nil {
		if c.MaskRNG == nil {
			perr(errors.New("no state of the dropout masks' stream"))
		} else {
			perr(t.maskSrc.UnmarshalBinary(c.MaskRNG))
		}
	}
	if c.Optimizer == nil {
		perr(errors.New("no optimizer state"))
	} else {
		for _, b := range c.Optimizer.Buffers {
			if b.Data != nil {
				if err := fill(cloneAll(t.ws), b.Data); err != nil {
					perr(fmt.Errorf("optimizer state %q: %w", b.Name, err))
				}
			}
		}
		perr(t.opt.SetState(c.Optimizer))
	}
	perr(t.sched.setState(c.Schedule))
	if t.stream != nil {
		if err := t.stream.restore(c.Stream, c.Started); err != nil {
			var ie *inputerr.Error
			if errors.As(err, &ie) {
				return err // the file changed
			}
			perr(err)
		}
	}
	if c.Clipped < 0 {
		perr(fmt.Errorf("%d clipped steps", c.Clipped))
	}
	t.clipped = c.Clipped
	t.epoch, t.step, t.started, t.correct, t.bestEpoch = c.Epoch, c.Step, c.Started, c.Correct, c.BestEpoch
	t.sum, err = atof(c.Sum)
	perr(err)
	t.secs, err = atof(c.Seconds)
	perr(err)
	t.bestLoss, err = atof(c.BestLoss)
	perr(err)
	if c.Started {
		if len(c.Perm) != len(t.perm) {
			perr(fmt.Errorf("the order has %d rows, want %d", len(c.Perm), len(t.perm)))
		} else {
			copy(t.perm, c.Perm)
		}
		if c.Step < 0 || c.Step > t.steps() {
			perr(fmt.Errorf("step %d of %d", c.Step, t.steps()))
		}
	}
	if c.Epoch < 1 || len(c.History) != c.Epoch-1 {
		perr(fmt.Errorf("epoch %d with %d epochs of history", c.Epoch, len(c.History)))
	}
	t.history = t.history[:0]
	for _, row := range c.History {
		// Versions 1 and 2 have no learning rate, which was then
		// train.learning_rate throughout.
		if len(row) != 7 && !(len(row) == 6 && c.Version < 3) {
			perr(fmt.Errorf("a history row of %d fields", len(row)))
			continue
		}
		s := EpochStats{LearningRate: t.p.Config.Train.LearningRate}
		var e error
		s.Epoch, e = strconv.Atoi(row[0])
		perr(e)
		for i, dst := range []*float64{&s.TrainLoss, &s.ValLoss, &s.TrainAcc, &s.ValAcc, &s.Seconds, &s.LearningRate}[:len(row)-1] {
			*dst, e = atof(row[i+1])
			perr(e)
		}
		t.history = append(t.history, s)
	}
	copyAll(t.epochStart, t.state)
	if c.EpochStart != nil {
		perr(fill(t.epochStart, c.EpochStart))
	}
	if len(errs) > 0 {
		return bad("the file is damaged; start the run again without --resume", "inconsistent checkpoint: %v", errors.Join(errs...))
	}
	t.round()
	return nil
}

// sameConfig reports whether the config a checkpoint holds (was) is now
// once the keys it lacks take their defaults: a checkpoint written before
// a key existed has the key's default, which changes nothing.
func sameConfig(was, now string) bool {
	c, err := config.Parse([]byte(was), "checkpoint.json", nil, func(string) (string, bool) { return "", false })
	if err != nil {
		return false
	}
	c.Output.Dir, c.Train.Epochs, c.Train.Threads, c.Train.CheckpointEvery = "", 0, 0, 0
	b, err := c.YAML()
	return err == nil && string(b) == now
}

// configDiff says where the config the run was started with (was, the
// YAML a checkpoint holds) and the one given now differ, as
// ": train.learning_rate is 0.02, the run's was 0.01", or "" if it cannot
// tell (the YAML of both is config.Config's, two spaces an indent).
func configDiff(was, now string) string {
	wl, nl := strings.Split(was, "\n"), strings.Split(now, "\n")
	var path []string // the keys of the sections around line i
	for i := 0; i < min(len(wl), len(nl)); i++ {
		line := nl[i]
		indent := (len(line) - len(strings.TrimLeft(line, " "))) / 2
		key, val, _ := strings.Cut(strings.TrimSpace(line), ":")
		if !strings.HasPrefix(key, "- ") && key != "" {
			path = append(path[:min(indent, len(path))], key)
		}
		if wl[i] == line {
			continue
		}
		if len(path) >= 2 && path[0] == "model" && path[1] == "layers" {
			return ": model.layers differ" // a list of maps: no one key
		}
		_, old, _ := strings.Cut(strings.TrimSpace(wl[i]), ":")
		wk, _, _ := strings.Cut(strings.TrimSpace(wl[i]), ":")
		if wk != key {
			return ""
		}
		if strings.TrimSpace(val) == "" || strings.TrimSpace(old) == "" {
			// A value in one and a mapping in the other
			// (train.class_weight: none, or {a: 2}).
			return fmt.Sprintf(": %s differs", strings.Join(path, "."))
		}
		return fmt.Sprintf(": %s is %s, the run's was %s", strings.Join(path, "."), strings.TrimSpace(val), strings.TrimSpace(old))
	}
	return ""
}
