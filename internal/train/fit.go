package train

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"runtime"
	"time"

	"github.com/mlptrain/mlptrain/internal/atomicfile"
	"github.com/mlptrain/mlptrain/internal/config"
	"github.com/mlptrain/mlptrain/internal/gemm"
	"github.com/mlptrain/mlptrain/internal/graph"
	"github.com/mlptrain/mlptrain/internal/jsonnum"
	"github.com/mlptrain/mlptrain/internal/layers"
	"github.com/mlptrain/mlptrain/internal/vocab"
	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/mat"
)

// Why training stopped.
const (
	StopCompleted     = "completed"
	StopEarlyStopping = "early_stopping"
	StopDiverged      = "diverged"
	StopInterrupted   = "interrupted"
)

// ErrDiverged is returned (wrapped in a *DivergedError) when the loss or
// the weights become NaN or infinite.
var ErrDiverged = errors.New("training diverged")

// DivergedError says where training diverged and what to try.
type DivergedError struct {
	Epoch, Step  int
	What         string
	LearningRate float64
	// WholeEpoch is set when the weights kept are those of the last whole
	// epoch rather than of the last step (an update overflowed).
	WholeEpoch bool
}

func (e *DivergedError) Error() string {
	kept := "the weights of the last finite step"
	if e.WholeEpoch {
		kept = fmt.Sprintf("the weights of epoch %d, the last whole one", e.Epoch-1)
	}
	return fmt.Sprintf("training diverged at epoch %d, step %d: %s; kept %s (hint: try a smaller learning rate, such as --lr %g)",
		e.Epoch, e.Step, e.What, kept, e.LearningRate/10)
}

// Unwrap returns ErrDiverged.
func (e *DivergedError) Unwrap() error { return ErrDiverged }

// EpochStats is one row of metrics.csv. Val fields and accuracies are NaN
// where they do not apply.
type EpochStats struct {
	Epoch              int
	TrainLoss, ValLoss float64
	TrainAcc, ValAcc   float64
	Seconds            float64 // wall time of the epoch's training steps
	// LearningRate is the rate the epoch trained at (train.schedule); it
	// is in report.json, not in metrics.csv.
	LearningRate float64
}

// FitOptions control Fit's progress reports and checkpoints, and
// FitConfig's pictures.
type FitOptions struct {
	// Progress receives one report per epoch; nil means none.
	Progress func(s EpochStats, epochs int)
	// Checkpoint is the path of checkpoint.json; "" writes none.
	Checkpoint string
	// CheckpointEvery writes the checkpoint every this many epochs (0:
	// only when training stops).
	CheckpointEvery int
	// Resume continues the run a checkpoint describes.
	Resume *Checkpoint
	// Pictures, if not nil, draws the run's pictures into
	// r.Problem.Config.Output.Dir, which for that call is the run's
	// staging folder (r.Report.Dir is the run folder), once FitConfig has
	// written the run's other files there (internal/plot's Run does); its
	// error is FitConfig's. Fit does not call it.
	Pictures func(r *Run) error
	// Prepared, if not nil, is called by FitConfig once the data are read
	// and before training starts (to show the columns).
	Prepared func(p *Problem)
	// MemoryLimit, if not nil, bounds the memory FitConfig's Prepare may
	// plan to use, in place of DefaultMemoryLimit.
	MemoryLimit *MemoryLimit
	// Rows, if not nil, gives FitConfig the training and validation rows
	// of the training file in place of data.validation (PrepareRows).
	Rows *Rows

	// afterStep, for tests, is called after each training step with the
	// epoch and the number of its steps done.
	afterStep func(epoch, step int)
	// weighted, for tests, trains with weighted nets even when every
	// class weight is 1.
	weighted bool
}

// Result is the outcome of Fit.
type Result struct {
	Model     *layers.Model
	History   []EpochStats
	BestEpoch int // the epoch whose weights Model holds
	Stopped   string
	Err       error // a *DivergedError when Stopped is StopDiverged
	Train     Metrics
	Val       *Metrics
	Seconds   float64
	Threads   int
	// ClassWeights are the weights of the classes (in the problem's
	// order) that train.class_weight gave, or nil for none.
	ClassWeights []float64
	// Steps is the number of optimizer steps taken, and ClippedSteps the
	// number of them whose gradient train.clip_norm scaled down.
	Steps, ClippedSteps int
}

// batchPlan holds the graphs of one training run: one for full
// minibatches and, when the batch size does not divide the training set,
// one for the last, smaller batch. They share the model's weights.
type batchPlan struct {
	size       int
	full, tail *layers.Net
	fullGrads  []*mat.Dense // the full net's parameter gradients
	tailGrads  []*mat.Dense
	// The same in a float32 run.
	fullGrads32, tailGrads32 []*blas32.General
}

func (p *batchPlan) net(rows int) *layers.Net {
	if rows == p.size {
		return p.full
	}
	return p.tail
}

func (p *batchPlan) grads(net *layers.Net) []*mat.Dense {
	if net == p.full {
		return p.fullGrads
	}
	return p.tailGrads
}

func (p *batchPlan) grads32(net *layers.Net) []*blas32.General {
	if net == p.full {
		return p.fullGrads32
	}
	return p.tailGrads32
}

// gather copies the rows idx of src into dst's first len(idx) rows.
func gather(dst, src *mat.Dense, idx []int) {
	d, s := dst.RawMatrix(), src.RawMatrix()
	c := s.Cols
	if c > 8 {
		for i, r := range idx {
			copy(d.Data[i*d.Stride:][:c], s.Data[r*s.Stride:][:c])
		}
		return
	}
	// Narrow rows (a small network's inputs, its one-hot targets): a loop
	// costs less than a call to copy per row.
	for i, r := range idx {
		dr, sr := d.Data[i*d.Stride:][:c], s.Data[r*s.Stride:][:c]
		for j := range dr {
			dr[j] = sr[j]
		}
	}
}

// gatherParts is the number of parts a large minibatch gather is split
// into for gemm.Parallel.
const gatherParts = 4

// gatherer is gather for the minibatches of a run, in parallel parts when
// a minibatch holds at least parallelEntries values. Its parts function is
// made once, so that a step allocates nothing.
type gatherer struct {
	dst, src *mat.Dense
	dst32    *blas32.General // the destination of a float32 gather, or nil
	src32    *blas32.General // its source when it is float32 too, or nil
	idx      []int
	run      func(part int)
}

func (g *gatherer) gather(dst, src *mat.Dense, idx []int) {
	if _, c := src.Dims(); len(idx)*c < parallelEntries {
		gather(dst, src, idx)
		return
	}
	if g.run == nil {
		g.run = g.part
	}
	g.dst, g.src, g.idx = dst, src, idx
	gemm.Parallel(gatherParts, g.run)
	g.dst, g.src, g.idx = nil, nil, nil
}

func (g *gatherer) part(p int) {
	n := len(g.idx)
	lo, hi := p*n/gatherParts, (p+1)*n/gatherParts
	if g.dst32 != nil {
		d := *g.dst32
		d.Data = d.Data[lo*d.Stride:]
		if g.src32 != nil {
			copyRows32(&d, g.src32, g.idx[lo:hi])
			return
		}
		gather32(&d, g.src, g.idx[lo:hi])
		return
	}
	for i, r := range g.idx[lo:hi] {
		copy(g.dst.RawRowView(lo+i), g.src.RawRowView(r))
	}
}

func copyAll(dst, src []*mat.Dense) {
	for i := range dst {
		dst[i].Copy(src[i])
	}
}

func cloneAll(src []*mat.Dense) []*mat.Dense {
	out := make([]*mat.Dense, len(src))
	for i, m := range src {
		out[i] = mat.DenseCopyOf(m)
	}
	return out
}

// params returns the model's trainable matrices in graph order: W and b,
// or W, γ and β with batch normalization, per layer.
func params(m *layers.Model) []*mat.Dense { return m.Params() }

// decayed says, for each of params(m), whether weight decay applies to it:
// to the weights W, not to the biases b (as train.l2), nor to a batch
// normalization's γ and β (layers.Model.IsWeight, beside Params).
func decayed(m *layers.Model) []bool { return m.IsWeight() }

// checkpointInterval is the least time between two periodic checkpoints,
// so that runs of many short epochs do not spend their time writing them.
const checkpointInterval = 5 * time.Second

// trainer is one training run in progress: everything a checkpoint must
// hold to continue it exactly.
type trainer struct {
	p  *Problem
	m  *layers.Model
	ws []*mat.Dense // the model's parameters, trained in place
	// f32: the model is a float32 one, trained in place in ws32, the
	// float32 twins of ws; row is scratch for countCorrect32; x32 is the
	// training matrix in float32, which the minibatches are gathered from
	// (nil when streaming).
	f32      bool
	ws32     []*blas32.General
	row      []float64
	x32      *blas32.General
	opt      Optimizer
	plan     *batchPlan
	tTrain   *mat.Dense
	gather   gatherer  // the minibatch's inputs
	src      *rand.PCG // the shuffling stream
	rng      *rand.Rand
	perm     []int // the order of the epoch in progress
	shuffle  bool
	classify bool
	started  bool // the order of the epoch in progress is drawn

	// Position: epoch (1-based) is in progress with step minibatches
	// done; sum, correct and secs accumulate its train loss, correct
	// predictions and seconds so far.
	epoch, step int
	sum         float64
	correct     int
	secs        float64

	// Class weights: classWeights as train.class_weight gives them (nil
	// for none); rowWeight the same when some weight is not 1, so that
	// the nets are weighted, else nil; weightSum the training rows'
	// total weight (their number when unweighted), train_loss's divisor.
	classWeights []float64
	rowWeight    []float64
	weightSum    float64

	// sched gives each epoch's learning rate, rate the one of the epoch in
	// progress; clipped counts the steps whose gradient clip_norm scaled.
	sched   *schedule
	rate    float64
	clipped int
	// Dropout and batch normalization: state is ws and the running
	// averages, which training changes too (what epochStart and best
	// keep); maskSrc is the stream of the dropout masks, drawn step by
	// step, nil without dropout.
	state   []*mat.Dense
	maskSrc *rand.PCG

	history   []EpochStats
	best      []*mat.Dense // early stopping's best weights, or nil
	bestLoss  float64      // the best value of the early-stopping metric so far
	bestEpoch int

	// n is the number of training rows; stream, with data.stream, reads
	// them (perm is then unused) and ident is 0, 1, … for its batches.
	n      int
	stream *streamer
	ident  []int

	epochStart []*mat.Dense // the state at the end of the last whole epoch
	dataSum    string       // the training data's fingerprint, once computed
	val        *scorer      // scores the validation set after each epoch
}

func newTrainer(p *Problem) (*trainer, error) { return newTrainerWeighted(p, false) }

// newTrainerWeighted is newTrainer; with weighted set (for tests) it
// builds weighted nets even when every class weight is 1.
func newTrainerWeighted(p *Problem, weighted bool) (*trainer, error) {
	cfg := p.Config
	cw, err := p.checkTraining()
	if err != nil {
		return nil, err
	}
	m, err := layers.New(p.Spec)
	if err != nil {
		return nil, err
	}
	m.Float32 = cfg.Train.Precision == config.PrecisionFloat32
	if err := m.Init(cfg.Model.Init, rand.New(rand.NewPCG(cfg.Train.Seed, streamInit))); err != nil {
		return nil, err
	}
	if p.Weights != nil {
		if err := m.SetWeights(p.Weights); err != nil {
			return nil, err
		}
	}
	if m.Float32 {
		m.Round32()
		if err := float32Data(p); err != nil {
			return nil, err
		}
	}
	n := p.Train.Len()
	if p.stream != nil {
		n = p.stream.sum.Train
	}
	t := &trainer{p: p, m: m, ws: params(m), state: m.State(), bestLoss: worstScore(cfg), epoch: 1, classify: Classify(m.Loss), classWeights: cw, n: n}
	if m.Float32 {
		t.f32, t.ws32, t.row = true, m.Twins32()[:len(t.ws)], make([]float64, m.Outputs())
		if p.stream == nil {
			t.x32 = narrowed(p.Train.X)
		}
	}
	if t.tTrain, err = Targets(p.Train, m.Loss, m.Outputs()); err != nil {
		return nil, err
	}
	if err := checkBatchNorm(p, m); err != nil {
		return nil, err
	}
	weightedNets := false
	build := func(n int, l2 float64) *layers.Net { return m.BuildTraining(n, l2, weightedNets) }
	t.weightSum = float64(n)
	if weighted || !unitWeights(cw) {
		weightedNets = true
		t.rowWeight = cw
		if cw == nil { // weighted, for tests, with no class weights
			t.rowWeight = balancedWeights(nil, len(p.Classes))
		}
		t.weightSum = 0
		if p.stream != nil {
			for c, k := range p.stream.sum.ClassCounts {
				t.weightSum += t.rowWeight[c] * float64(k)
			}
		}
		for _, l := range p.Train.Labels {
			if p.stream != nil {
				break
			}
			t.weightSum += t.rowWeight[l]
		}
	}
	t.plan = &batchPlan{size: cfg.Train.BatchSize}
	opt, _ := vocab.OptimizerNamed(cfg.Train.Optimizer)
	if opt.FullBatch || t.plan.size <= 0 || t.plan.size > n {
		t.plan.size = n
	}
	t.plan.full = build(t.plan.size, cfg.Train.L2)
	t.plan.fullGrads, t.plan.fullGrads32 = gradsOf(t.plan.full), grads32Of(t.plan.full.Params)
	if r := n % t.plan.size; r != 0 {
		t.plan.tail = build(r, cfg.Train.L2)
		t.plan.tailGrads, t.plan.tailGrads32 = gradsOf(t.plan.tail), grads32Of(t.plan.tail.Params)
	}
	h := Hyper{LearningRate: cfg.Train.LearningRate, Momentum: cfg.Train.Momentum, WeightDecay: cfg.Train.WeightDecay, Decayed: decayed(m), Float32: m.Float32}
	if t.opt, err = NewOptimizer(cfg.Train.Optimizer, h); err != nil {
		return nil, err
	}
	t.sched = newSchedule(cfg.Train)
	t.shuffle = !opt.FullBatch && t.plan.size < n
	t.src = rand.NewPCG(cfg.Train.Seed, streamShuffle)
	t.rng = rand.New(t.src)
	if len(t.plan.full.Masks) > 0 {
		t.maskSrc = rand.NewPCG(cfg.Train.Seed, streamMask)
	}
	if p.stream != nil {
		t.stream = newStreamer(p)
		t.ident = make([]int, t.plan.size)
		for i := range t.ident {
			t.ident[i] = i
		}
	} else {
		t.perm = make([]int, n)
	}
	t.epochStart = cloneAll(t.state)
	if p.Val != nil {
		if t.val, err = newScorer(m, p.Val, p.Classes); err != nil {
			return nil, err
		}
		es := cfg.Train.EarlyStopping
		t.val.rank = es.Patience > 0 && (es.Metric == config.MetricROCAUC || es.Metric == config.MetricPRAUC)
	}
	return t, nil
}

// startEpoch draws the epoch's order: the identity reshuffled from the
// stream, so that the order depends only on the stream's state.
func (t *trainer) startEpoch() {
	if t.stream != nil {
		t.stream.reset()
	}
	for i := range t.perm {
		t.perm[i] = i
	}
	if t.shuffle {
		t.rng.Shuffle(len(t.perm), func(i, j int) { t.perm[i], t.perm[j] = t.perm[j], t.perm[i] })
	}
	t.widen()
	copyAll(t.epochStart, t.state)
	t.step, t.sum, t.correct, t.secs = 0, 0, 0, 0
	t.started = true
}

// trainStep trains on the next minibatch of the epoch, or returns a
// *DivergedError. A non-finite loss leaves the weights of the last finite
// step; an update that makes a weight non-finite (rarer: the loss was
// finite) restores the weights of the last whole epoch, which saves
// copying every weight at every step.
func (t *trainer) trainStep() error {
	cfg := t.p.Config
	lo := t.step * t.plan.size
	var idx, labels []int
	xs, ts := t.p.Train.X, t.tTrain
	if t.stream != nil {
		b, tb, err := t.stream.batch(min(t.plan.size, t.n-lo))
		if err != nil {
			return err
		}
		idx, labels, xs, ts = t.ident[:b.Len()], b.Labels, b.X, tb
		if t.f32 {
			// The rows a float32 run streams are checked as they come.
			c := *b
			c.Y = tb
			if err := float32Rows(&c, "training", true); err != nil {
				return err
			}
		}
	} else {
		idx, labels = t.perm[lo:min(lo+t.plan.size, t.n)], t.p.Train.Labels
	}
	net := t.plan.net(len(idx))
	if t.x32 != nil && t.stream == nil {
		t.gather.gather32(net.X.Value32(), t.x32, idx)
	} else {
		t.gather.gatherInto(net.X, xs, idx)
	}
	gatherRows(net.T, ts, idx)
	if t.maskSrc != nil {
		net.DrawMasks(t.maskSrc)
	}
	rows := float64(len(idx))
	if net.R != nil {
		rows = t.fillWeights(net.R, labels, idx)
	}
	net.G.Forward()
	loss, obj := net.DataLoss.Scalar(), net.Loss.Scalar()
	if math.IsNaN(obj) || math.IsInf(obj, 0) {
		return &DivergedError{Epoch: t.epoch, Step: t.step + 1, What: fmt.Sprintf("the loss is %v", obj), LearningRate: cfg.Train.LearningRate}
	}
	net.G.Backward(net.Loss)
	if !t.update(net) {
		copyAll(t.state, t.epochStart)
		t.round()
		return &DivergedError{Epoch: t.epoch, Step: t.step + 1, What: "a weight or the optimizer's state became infinite or NaN", LearningRate: cfg.Train.LearningRate, WholeEpoch: true}
	}
	if t.classify && t.f32 {
		t.correct += countCorrect32(net.Y.Value32(), labels, idx, t.row)
	} else if t.classify {
		t.correct += countCorrect(net.Y.Value(), labels, idx)
	}
	t.sum += loss * rows
	t.step++
	return nil
}

// update clips the net's gradients (train.clip_norm) and takes the
// optimizer's step, in the run's precision; it reports whether the
// weights and the optimizer's state stayed finite.
func (t *trainer) update(net *layers.Net) bool {
	c := t.p.Config.Train.ClipNorm
	if t.f32 {
		grads := t.plan.grads32(net)
		if c > 0 && clipGrads32(grads, c) {
			t.clipped++
		}
		return t.opt.Step32(t.ws32, grads)
	}
	grads := t.plan.grads(net)
	if c > 0 && clipGrads(grads, c) {
		t.clipped++
	}
	return t.opt.Step(t.ws, grads)
}

// widen writes a float32 run's twins into the model's float64 matrices,
// which state and its snapshots are, before they are read.
func (t *trainer) widen() {
	if t.f32 {
		t.m.Widen32()
	}
}

// round sets a float32 run's twins from the float64 matrices, after they
// are written.
func (t *trainer) round() {
	if t.f32 {
		t.m.Round32()
	}
}

// fillWeights sets the n×1 input r to the class weights of the rows idx
// of labels, and returns their sum.
func (t *trainer) fillWeights(r *graph.Node, labels, idx []int) float64 {
	var sum float64
	if v := r.Value32(); v != nil {
		for i, row := range idx {
			w := t.rowWeight[labels[row]]
			v.Data[i*v.Stride] = float32(w)
			sum += float64(float32(w))
		}
		return sum
	}
	raw := r.Value().RawMatrix()
	for i, row := range idx {
		w := t.rowWeight[labels[row]]
		raw.Data[i*raw.Stride] = w
		sum += w
	}
	return sum
}

// steps returns the number of minibatches in an epoch.
func (t *trainer) steps() int { return (t.n + t.plan.size - 1) / t.plan.size }

// endEpoch records the finished epoch's metrics and early-stopping state
// and reports whether early stopping ends training.
func (t *trainer) endEpoch() (EpochStats, bool) {
	p, n := t.p, float64(t.n)
	st := EpochStats{Epoch: t.epoch, TrainLoss: t.sum / t.weightSum, ValLoss: math.NaN(), TrainAcc: math.NaN(), ValAcc: math.NaN(), Seconds: t.secs, LearningRate: t.rate}
	if t.classify {
		st.TrainAcc = float64(t.correct) / n
	}
	var vm Metrics
	if t.val != nil {
		vm = t.val.score()
		st.ValLoss = float64(vm.Loss)
		if vm.Accuracy != nil {
			st.ValAcc = float64(*vm.Accuracy)
		}
	}
	t.history = append(t.history, st)
	t.sched.observe(st.Epoch, st.ValLoss)
	t.epoch++
	t.step, t.started = 0, false
	es := p.Config.Train.EarlyStopping
	if p.Val == nil || es.Patience <= 0 {
		return st, false
	}
	if v := stopScore(es.Metric, vm); improved(es, v, t.bestLoss) {
		t.bestLoss, t.bestEpoch = v, st.Epoch
		t.widen()
		if t.best == nil {
			t.best = cloneAll(t.state)
		} else {
			copyAll(t.best, t.state)
		}
		return st, false
	}
	return st, st.Epoch-t.bestEpoch >= es.Patience
}

// stopScore returns the value of the early-stopping metric in the
// validation metrics vm, NaN where it is undefined.
func stopScore(metric string, vm Metrics) float64 {
	var p *jsonnum.Float
	switch metric {
	case config.MetricValLoss, "":
		return float64(vm.Loss)
	case config.MetricAccuracy:
		p = vm.Accuracy
	case config.MetricROCAUC:
		p = vm.ROCAUC
	case config.MetricPRAUC:
		p = vm.PRAUC
	case config.MetricR2:
		p = vm.R2
	}
	if p == nil {
		return math.NaN()
	}
	return float64(*p)
}

// improved reports whether v, a value of the early-stopping metric, is an
// improvement on best: lower by more than min_delta for val_loss, higher
// by more than min_delta for the others. NaN never improves.
func improved(es config.EarlyStopping, v, best float64) bool {
	if es.Lower() {
		return v < best-es.MinDelta
	}
	return v > best+es.MinDelta
}

// worstScore is the early-stopping metric's starting best: +Inf for
// val_loss, −Inf for the others, which any finite value improves.
func worstScore(cfg *config.Config) float64 {
	if cfg.Train.EarlyStopping.Lower() {
		return math.Inf(1)
	}
	return math.Inf(-1)
}

// Fit trains a model on the problem by the config's optimizer, from a
// seeded initialization (or, with o.Resume, from a checkpoint), with the
// rows' losses weighted by train.class_weight, with early stopping on the
// validation metric train.early_stopping.metric when its patience is
// positive and there is validation data (restoring the best weights), and
// a divergence guard. Cancelling ctx stops training
// after the current step with Stopped = StopInterrupted; the model then
// holds the weights of the last whole epoch, and the checkpoint the state
// after the last step. With o.Checkpoint set, Fit writes a checkpoint there
// every o.CheckpointEvery epochs, but at most once per checkpointInterval,
// and always when it stops. The returned error is
// for failures other than divergence, which Result.Err reports.
func Fit(ctx context.Context, p *Problem, o FitOptions) (*Result, error) {
	cfg := p.Config
	defer useThreads(cfg.Train.Threads)()
	t, err := newTrainerWeighted(p, o.weighted)
	if err != nil {
		return nil, err
	}
	if t.stream != nil {
		defer t.stream.stop()
	}
	if o.Resume != nil {
		if err := t.restore(o.Resume); err != nil {
			return nil, err
		}
	}
	res := &Result{Model: t.m, Stopped: StopCompleted, Threads: runtime.GOMAXPROCS(0), ClassWeights: t.classWeights}
	started := time.Now()
	lastSave := started
	save := func() error {
		if o.Checkpoint == "" {
			return nil
		}
		return t.checkpoint().write(o.Checkpoint)
	}

epochs:
	for t.epoch <= cfg.Train.Epochs {
		if !t.started {
			t.startEpoch()
		}
		// The rate depends on the epoch and on the schedule's state at
		// its start alone, so a resumed epoch gets it again.
		t.rate = t.sched.rate(t.epoch)
		t.opt.SetLearningRate(t.rate)
		for t.step < t.steps() {
			if ctx.Err() != nil {
				res.Stopped = StopInterrupted
				break epochs
			}
			t0 := time.Now()
			err := t.trainStep()
			t.secs += time.Since(t0).Seconds()
			var de *DivergedError
			if err != nil && !errors.As(err, &de) {
				return nil, err // the streamed file
			}
			if err != nil {
				res.Stopped, res.Err = StopDiverged, err
				break epochs
			}
			if o.afterStep != nil {
				o.afterStep(t.epoch, t.step)
			}
		}
		if t.stream != nil {
			if err := t.stream.finish(); err != nil {
				return nil, err
			}
		}
		st, stop := t.endEpoch()
		if o.Progress != nil {
			o.Progress(st, cfg.Train.Epochs)
		}
		if stop {
			res.Stopped = StopEarlyStopping
			break
		}
		if every := o.CheckpointEvery; every > 0 && st.Epoch%every == 0 && time.Since(lastSave) >= checkpointInterval {
			if err := save(); err != nil {
				return nil, err
			}
			lastSave = time.Now()
		}
	}
	// The checkpoint keeps the state after the last step, so that a
	// resumed run goes on exactly; a diverged run keeps its last one.
	t.widen()
	if res.Stopped != StopDiverged {
		if err := save(); err != nil {
			return nil, err
		}
	}
	if res.Stopped == StopInterrupted && t.step > 0 {
		copyAll(t.state, t.epochStart) // the weights metrics.csv describes
	}
	res.History = t.history
	res.Steps, res.ClippedSteps = t.opt.State().Steps, t.clipped
	res.BestEpoch = len(t.history)
	if t.best != nil && res.Stopped != StopDiverged {
		copyAll(t.state, t.best)
		res.BestEpoch = t.bestEpoch
	}
	t.round()
	res.Seconds = time.Since(started).Seconds()
	if p.TargetScale != nil {
		// Fold the targets' scale into the model, then score it once, in
		// the original units.
		if err := p.unscaleTargets(t.m); err != nil {
			return nil, err
		}
	}
	if res.Train, err = scoreWith(t.m, p.Train, p.Classes, t.x32); err != nil {
		return nil, err
	}
	if p.Val != nil {
		vm, err := Score(t.m, p.Val, p.Classes)
		if err != nil {
			return nil, err
		}
		res.Val = &vm
	}
	return res, nil
}

// gradsOf returns the gradients of the net's parameters, in the order of
// params(m).
func gradsOf(net *layers.Net) []*mat.Dense {
	g := make([]*mat.Dense, len(net.Params))
	for i, p := range net.Params {
		g[i] = p.Grad()
	}
	return g
}

// WriteMetricsCSV writes metrics.csv: epoch,train_loss,val_loss,
// train_accuracy,val_accuracy,seconds, with empty cells for values that
// do not apply (NaN).
func WriteMetricsCSV(path string, hist []EpochStats) error {
	return atomicfile.Write(path, func(w io.Writer) error {
		if _, err := io.WriteString(w, "epoch,train_loss,val_loss,train_accuracy,val_accuracy,seconds\n"); err != nil {
			return err
		}
		for _, s := range hist {
			if _, err := fmt.Fprintf(w, "%d,%s,%s,%s,%s,%s\n", s.Epoch, cell(s.TrainLoss), cell(s.ValLoss),
				cell(s.TrainAcc), cell(s.ValAcc), cell(s.Seconds)); err != nil {
				return err
			}
		}
		return nil
	})
}

// cell formats v exactly (shortest round-trip form), or empty for NaN.
func cell(v float64) string {
	if math.IsNaN(v) {
		return ""
	}
	return FormatFloat(v)
}
