package train

import (
	"fmt"
	"math"

	"github.com/mlptrain/mlptrain/internal/config"
	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// schedule gives the learning rate of each epoch by train.schedule, from
// train.learning_rate α. Epochs 1..W of warmup_epochs W train at α·i/W
// (PyTorch's LinearLR with start_factor 1/W, reaching α at epoch W); the
// schedule's own epoch e then counts from 0 at epoch W+1, over
// E = train.epochs − W epochs.
type schedule struct {
	cfg    config.Schedule
	lr     float64 // α
	epochs int     // train.epochs

	// plateau's state, which a checkpoint keeps: the rate now, the
	// lowest validation loss so far and the epochs since it.
	cur, best float64
	bad       int
}

// plateauEps is ReduceLROnPlateau's eps: a reduction smaller than this
// is not made.
const plateauEps = 1e-8

// scheduleRates gives each schedule's rate at its epoch e (from 0 after
// the warmup), by the catalog's name (internal/vocab).
var scheduleRates = map[string]func(s *schedule, e int) float64{
	"constant": func(s *schedule, _ int) float64 { return s.lr },
	"step": func(s *schedule, e int) float64 {
		return s.lr * math.Pow(s.cfg.Gamma, float64(e/s.cfg.StepEpochs))
	},
	"exponential": func(s *schedule, e int) float64 { return s.lr * math.Pow(s.cfg.Gamma, float64(e)) },
	"cosine": func(s *schedule, e int) float64 {
		// PyTorch's CosineAnnealingLR with T_max = E: the last epoch, e =
		// E−1, is one step short of min_lr.
		n := max(s.epochs-s.cfg.WarmupEpochs, 1)
		return s.cfg.MinLR + (s.lr-s.cfg.MinLR)*(1+math.Cos(math.Pi*float64(e)/float64(n)))/2
	},
	"plateau": func(s *schedule, _ int) float64 { return s.cur },
}

func newSchedule(t config.Train) *schedule {
	return &schedule{cfg: t.Schedule, lr: t.LearningRate, epochs: t.Epochs, cur: t.LearningRate, best: math.Inf(1)}
}

// rate returns the learning rate of epoch (1-based).
func (s *schedule) rate(epoch int) float64 {
	if w := s.cfg.WarmupEpochs; epoch <= w {
		return s.lr * float64(epoch) / float64(w)
	}
	return scheduleRates[s.cfg.Kind](s, epoch-s.cfg.WarmupEpochs-1)
}

// observe takes the validation loss at the end of epoch: plateau, after
// the warmup, multiplies its rate by gamma (down to min_lr) when the loss
// has not fallen below its lowest for more than patience epochs, as
// PyTorch's ReduceLROnPlateau does in mode min with threshold 0 and no
// cooldown. NaN never improves.
func (s *schedule) observe(epoch int, valLoss float64) {
	if s.cfg.Kind != "plateau" || epoch <= s.cfg.WarmupEpochs {
		return
	}
	if valLoss < s.best {
		s.best, s.bad = valLoss, 0
		return
	}
	s.bad++
	if s.bad > s.cfg.Patience {
		if next := math.Max(s.cur*s.cfg.Gamma, s.cfg.MinLR); s.cur-next > plateauEps {
			s.cur = next
		}
		s.bad = 0
	}
}

// ScheduleState is the state of the plateau schedule in checkpoint.json:
// its rate, its lowest validation loss (exact strings, which hold +Inf)
// and the epochs since.
type ScheduleState struct {
	Rate string `json:"rate"`
	Best string `json:"best"`
	Bad  int    `json:"bad"`
}

// state returns the schedule's state for a checkpoint, nil for a
// schedule that has none.
func (s *schedule) state() *ScheduleState {
	if s.cfg.Kind != "plateau" {
		return nil
	}
	return &ScheduleState{Rate: FormatFloat(s.cur), Best: FormatFloat(s.best), Bad: s.bad}
}

// setState restores a checkpoint's state; nil keeps the fresh state.
func (s *schedule) setState(st *ScheduleState) error {
	if st == nil {
		if s.cfg.Kind == "plateau" {
			return fmt.Errorf("no state of the plateau schedule")
		}
		return nil
	}
	if s.cfg.Kind != "plateau" {
		return fmt.Errorf("a schedule state for the %s schedule, which keeps none", s.cfg.Kind)
	}
	cur, err := atof(st.Rate)
	if err != nil || !(cur > 0) || math.IsInf(cur, 0) {
		return fmt.Errorf("schedule rate %q", st.Rate)
	}
	best, err := atof(st.Best)
	if err != nil || st.Bad < 0 {
		return fmt.Errorf("schedule state best %q, bad %d", st.Best, st.Bad)
	}
	s.cur, s.best, s.bad = cur, best, st.Bad
	return nil
}

// clipNormEps is clip_grad_norm_'s: the factor is max_norm/(norm + 1e−6).
const clipNormEps = 1e-6

// clipGrads32 is clipGrads for float32 gradients: the norm in float64,
// the scaling in float32.
func clipGrads32(grads []*blas32.General, maxNorm float64) bool {
	norm := 0.0
	for _, g := range grads {
		var s float64
		for _, v := range g.Data {
			s += float64(v) * float64(v)
		}
		norm = math.Hypot(norm, math.Sqrt(s))
	}
	f := maxNorm / (norm + clipNormEps)
	if !(f < 1) || math.IsInf(norm, 0) {
		return false
	}
	f32 := float32(f)
	for _, g := range grads {
		for j := range g.Data {
			g.Data[j] *= f32
		}
	}
	return true
}

// clipGrads scales grads in place so that their L2 norm over all entries
// is at most maxNorm, as PyTorch's clip_grad_norm_ does (the factor
// maxNorm/(‖g‖ + 1e−6), applied when it is below 1), and reports whether
// it scaled them. The norm is computed without overflow (scaled, as BLAS
// dnrm2). A non-finite norm leaves the gradient as it is, for the
// optimizer's finiteness check to report. It allocates nothing.
func clipGrads(grads []*mat.Dense, maxNorm float64) bool {
	norm := 0.0
	for _, g := range grads {
		norm = math.Hypot(norm, floats.Norm(g.RawMatrix().Data, 2))
	}
	f := maxNorm / (norm + clipNormEps)
	if !(f < 1) || math.IsInf(norm, 0) {
		return false
	}
	for _, g := range grads {
		d := g.RawMatrix().Data
		for j := range d {
			d[j] *= f
		}
	}
	return true
}
